/* smtp.c - see smtp.h. */
#include "smtp.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* host_of: the host part of an smtp(s) URL (after "://"). */
static const char *host_of(const char *url)
{
	const char *h = strstr(url, "://");

	return h ? h + 3 : url;
}

bool smtp_host_is_loopback(const char *url)
{
	const char *h = host_of(url);
	size_t n = strcspn(h, ":/?#");

	if (h[0] == '[')
		return has_prefix(h, "[::1]");
	if (n == 9 && has_prefix(h, "localhost"))
		return true;
	if (!has_prefix(h, "127."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(h[i] == '.' || (h[i] >= '0' && h[i] <= '9')))
			return false; /* 127.evil.example is a name */
	return true;
}

const char *smtp_url_check(const char *url)
{
	const char *h;
	size_t n;

	if (!url || !*url)
		return "it is empty";
	if (!has_prefix(url, "smtps://") && !has_prefix(url, "smtp://"))
		return "it must start with smtp:// or smtps://";
	h = host_of(url);
	n = strcspn(h, "/?#");
	if (n == 0 || h[0] == ':')
		return "it names no host";
	if (memchr(h, '@', n))
		return "a user or password must not be in the URL (smtp_user, smtp_password_file)";
	for (const char *p = url; *p; p++)
		if (*p <= ' ' || *p >= 0x7f)
			return "it holds a space or a character that is not printable ASCII";
	return NULL;
}

bool smtp_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

void smtp_global_cleanup(void)
{
	curl_global_cleanup();
}

struct upload {
	const char *p;
	size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->left)
		n = u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* progress_cb: libcurl's, about once a second: non-zero ends the transfer
 * (CURLE_ABORTED_BY_CALLBACK) when the caller is stopping. */
static int progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		curl_off_t ulnow)
{
	const struct smtp_config *c = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->stopping(c->stopping_arg) ? 1 : 0;
}

/* use_ssl: what smtp.h says about TLS, as libcurl's CURLOPT_USE_SSL. */
static long use_ssl(const struct smtp_config *c)
{
	if (has_prefix(c->url, "smtps://"))
		return CURLUSESSL_ALL;
	if (smtp_host_is_loopback(c->url))
		return CURLUSESSL_NONE;
	return c->allow_plaintext ? CURLUSESSL_TRY : CURLUSESSL_ALL;
}

/* setting_of: the configuration key a failure most likely points at. */
static const char *setting_of(CURLcode rc, long code)
{
	switch (rc) {
	case CURLE_LOGIN_DENIED:
		return "smtp_user";
	case CURLE_UNSUPPORTED_PROTOCOL: case CURLE_URL_MALFORMAT:
	case CURLE_COULDNT_RESOLVE_HOST: case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT: case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CONNECT_ERROR: case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE: case CURLE_WEIRD_SERVER_REPLY:
		return "smtp_url";
	default:
		break;
	}
	if (code == 530 || code == 534 || code == 535 || code == 538)
		return "smtp_user";
	return NULL;
}

/* classify: temporary unless the server answered 5xx for good (an AUTH
 * refusal is a setting to fix, and then every waiting mail goes). */
static enum smtp_result classify(long code)
{
	if (code >= 500 && code < 600 && !setting_of(CURLE_OK, code))
		return SMTP_PERMANENT;
	return SMTP_TEMPORARY;
}

static void setup(CURL *h, const struct smtp_config *c, struct upload *u, char *curl_err)
{
	long t = c->timeout_s ? (long)c->timeout_s : 60;

	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl(c));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, t);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, t);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, u);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->left);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	if (c->stopping) {
		curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, progress_cb);
		curl_easy_setopt(h, CURLOPT_XFERINFODATA, c);
		curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	}
	if (c->user && *c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
}

enum smtp_result smtp_send(const struct smtp_config *c, const char *from, const char *to,
		const char *msg, size_t len, char *err, size_t n, const char **setting)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	char mfrom[300], mto[300];
	struct upload u = { msg, len };
	struct curl_slist *rcpt;
	enum smtp_result r = SMTP_TEMPORARY;
	CURLcode rc;
	long code = 0;
	CURL *h;

	if (setting)
		*setting = NULL;
	snprintf(mfrom, sizeof mfrom, "<%s>", from);
	snprintf(mto, sizeof mto, "<%s>", to);
	h = curl_easy_init();
	rcpt = h ? curl_slist_append(NULL, mto) : NULL;
	if (!rcpt) {
		snprintf(err, n, "libcurl: out of memory");
		goto out;
	}
	setup(h, c, &u, curl_err);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mfrom);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		r = SMTP_SENT;
		goto out;
	}
	if (rc == CURLE_ABORTED_BY_CALLBACK) {
		snprintf(err, n, "not sent: the server was stopping");
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	r = classify(code);
	if (setting)
		*setting = setting_of(rc, code);
	/* curl_err never holds the password or the message; cut at a line end */
	curl_err[strcspn(curl_err, "\r\n")] = '\0';
	if (code)
		snprintf(err, n, "%s (SMTP reply %ld)", curl_err[0] ? curl_err : curl_easy_strerror(rc),
			 code);
	else
		snprintf(err, n, "%s", curl_err[0] ? curl_err : curl_easy_strerror(rc));
out:
	curl_slist_free_all(rcpt);
	if (h)
		curl_easy_cleanup(h);
	return r;
}
