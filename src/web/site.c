/* site.c - configuration and start-up of everything requests share. */
#include "site.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "countries.h"
#include "i18n.h"
#include "lib/mustache.h"
#include "lib/strbuf.h"
#include "out/mail.h"
#include "out/smtp.h"
#include "policy/load.h"
#include "proxy.h"
#include "store/store.h"

#define SHARE_FILE_MAX ((size_t)4 << 20)

void site_config_defaults(struct site_config *c)
{
	memset(c, 0, sizeof *c);
	c->listen = "127.0.0.1:8080";
	c->data_dir = "var";
	c->iso_codes_dir = COUNTRIES_DIR_DEFAULT;
	c->access_log = "-";
	c->threads = 4;
	c->conn_limit = 512;
	c->per_ip_limit = 64;
	c->timeout_s = 30;
	c->body_max = (size_t)1 << 20;
	c->upload_max = (size_t)20 << 20;
	c->trusted_proxies = ""; /* none: X-Forwarded-* headers are ignored */
	c->login_max_failures = 5;
	c->login_window_s = 15 * 60;
	c->account_forms_max = 10;
	c->account_forms_window_s = 3600;
	c->session_ttl_s = 8 * 3600;
	c->session_idle_s = 30 * 60;
	c->housekeeping_interval_s = 600;
	c->smtp_url = "";
	c->smtp_from = "";
	c->smtp_user = "";
	c->smtp_password_file = "";
	c->smtp_timeout_s = 60;
	c->public_url = "";
	c->mail_interval_s = 30;
	c->mail_retry_s = 60;
	c->mail_give_up_s = 86400;
	c->mail_keep_s = 7 * 86400;
}

unsigned site_config_throttle_keep(const struct site_config *c)
{
	return c->login_window_s > c->account_forms_window_s ? c->login_window_s
							     : c->account_forms_window_s;
}

/* ---- the configuration file: "key = value" lines, '#' comments ---- */

enum ckind { C_STR, C_UINT, C_SIZE, C_BOOL, C_PROXIES };

struct ckey {
	const char *key;
	enum ckind kind;
	size_t offset;
	unsigned long long min, max;
};

#define CF(f) offsetof(struct site_config, f)
static const struct ckey ckeys[] = {
	{"listen", C_STR, CF(listen), 0, 0},
	{"db", C_STR, CF(db), 0, 0},
	{"data_dir", C_STR, CF(data_dir), 0, 0},
	{"share_dir", C_STR, CF(share_dir), 0, 0},
	{"policy_dir", C_STR, CF(policy_dir), 0, 0},
	{"iso_codes_dir", C_STR, CF(iso_codes_dir), 0, 0},
	{"access_log", C_STR, CF(access_log), 0, 0},
	{"threads", C_UINT, CF(threads), 1, 256},
	{"max_connections", C_UINT, CF(conn_limit), 1, 100000},
	{"max_connections_per_ip", C_UINT, CF(per_ip_limit), 1, 100000},
	{"timeout_seconds", C_UINT, CF(timeout_s), 1, 3600},
	{"max_body_bytes", C_SIZE, CF(body_max), 1024, (unsigned long long)1 << 30},
	{"max_upload_bytes", C_SIZE, CF(upload_max), 1024, (unsigned long long)1 << 30},
	{"secure_cookies", C_BOOL, CF(secure_cookies), 0, 1},
	{"trusted_proxies", C_PROXIES, CF(trusted_proxies), 0, 0},
	{"login_max_failures", C_UINT, CF(login_max_failures), 1, 1000},
	{"login_window_seconds", C_UINT, CF(login_window_s), 1, 86400},
	{"account_forms_max_attempts", C_UINT, CF(account_forms_max), 1, 100000},
	{"account_forms_window_seconds", C_UINT, CF(account_forms_window_s), 1, 86400},
	{"session_ttl_seconds", C_UINT, CF(session_ttl_s), 60, 30 * 86400},
	{"session_idle_seconds", C_UINT, CF(session_idle_s), 5, 30 * 86400},
	{"housekeeping_interval_seconds", C_UINT, CF(housekeeping_interval_s), 0, 86400},
	{"public_url", C_STR, CF(public_url), 0, 0},
	{"smtp_url", C_STR, CF(smtp_url), 0, 0},
	{"smtp_from", C_STR, CF(smtp_from), 0, 0},
	{"smtp_user", C_STR, CF(smtp_user), 0, 0},
	{"smtp_password_file", C_STR, CF(smtp_password_file), 0, 0},
	{"smtp_allow_plaintext", C_BOOL, CF(smtp_allow_plaintext), 0, 1},
	{"smtp_timeout_seconds", C_UINT, CF(smtp_timeout_s), 5, 600},
	{"mail_interval_seconds", C_UINT, CF(mail_interval_s), 1, 3600},
	{"mail_retry_seconds", C_UINT, CF(mail_retry_s), 1, 86400},
	{"mail_give_up_seconds", C_UINT, CF(mail_give_up_s), 60, 30 * 86400},
	{"mail_keep_seconds", C_UINT, CF(mail_keep_s), 3600, 366 * 86400},
};
#undef CF

static const char *trim(char *s, char **end)
{
	while (*s == ' ' || *s == '\t')
		s++;
	*end = s + strlen(s);
	while (*end > s && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		*--*end = '\0';
	return s;
}

static bool parse_ull(const char *s, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (unsigned long long)(*s - '0'), &v))
			return false;
	*out = v;
	return true;
}

static int set_key(struct site_config *c, struct arena *a, const struct ckey *k,
		const char *val, const char *name, unsigned line, char *err, size_t n)
{
	char *base = (char *)c;
	unsigned long long v = 0;

	switch (k->kind) {
	case C_STR:
		*(const char **)(void *)(base + k->offset) = arena_strdup(a, val);
		return 0;
	case C_PROXIES: {
		char why[256];

		if (proxy_parse_list(val, a, &c->trusted, &c->ntrusted, why, sizeof why) < 0) {
			snprintf(err, n, "%s:%u: %s: %s", name, line, k->key, why);
			return -1;
		}
		c->trusted_proxies = arena_strdup(a, val);
		return 0;
	}
	case C_BOOL:
		if (strcmp(val, "true") && strcmp(val, "false")) {
			snprintf(err, n, "%s:%u: %s: expected true or false, got \"%s\"", name, line,
				 k->key, val);
			return -1;
		}
		*(bool *)(void *)(base + k->offset) = val[0] == 't';
		return 0;
	case C_UINT:
	case C_SIZE:
		if (!parse_ull(val, &v) || v < k->min || v > k->max) {
			snprintf(err, n, "%s:%u: %s: expected a whole number from %llu to %llu, "
				 "got \"%s\"", name, line, k->key, k->min, k->max, val);
			return -1;
		}
		if (k->kind == C_UINT)
			*(unsigned *)(void *)(base + k->offset) = (unsigned)v;
		else
			*(size_t *)(void *)(base + k->offset) = (size_t)v;
		return 0;
	}
	return -1;
}

static int config_line(struct site_config *c, struct arena *a, char *line, const char *name,
		unsigned no, char *err, size_t n)
{
	char *end, *eq;
	const char *key, *val;

	key = trim(line, &end);
	if (!*key || *key == '#')
		return 0;
	eq = strchr(key, '=');
	if (!eq) {
		snprintf(err, n, "%s:%u: expected \"key = value\"", name, no);
		return -1;
	}
	*eq = '\0';
	trim((char *)key, &end);
	val = trim(eq + 1, &end);
	for (size_t i = 0; i < sizeof ckeys / sizeof ckeys[0]; i++)
		if (strcmp(ckeys[i].key, key) == 0)
			return set_key(c, a, &ckeys[i], val, name, no, err, n);
	snprintf(err, n, "%s:%u: unknown key \"%s\" (see docs/deploy.md for the keys)", name, no,
		 key);
	return -1;
}

int site_config_parse(struct site_config *c, struct arena *a, const char *name,
		const char *text, size_t len, char *err, size_t n)
{
	const char *s = text, *end = text + len;
	unsigned no = 0;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t l = (size_t)((nl ? nl : end) - s);
		char *line = arena_strndup(a, s, l);

		no++;
		if (!line || memchr(s, '\0', l)) {
			snprintf(err, n, "%s:%u: unreadable line", name, no);
			return -1;
		}
		if (config_line(c, a, line, name, no, err, n) < 0)
			return -1;
		s = nl ? nl + 1 : end;
	}
	return 0;
}

static char *slurp(const char *path, struct arena *a, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT(max);
	char buf[8192];
	size_t r;
	char *out = NULL;

	if (!f)
		return NULL;
	while ((r = fread(buf, 1, sizeof buf, f)) > 0)
		strbuf_add(&sb, buf, r);
	if (!ferror(f) && !sb.failed) {
		out = arena_strndup(a, sb.buf, sb.len);
		*len = sb.len;
	}
	fclose(f);
	strbuf_release(&sb);
	return out;
}

int site_config_load(struct site_config *c, struct arena *a, const char *path,
		char *err, size_t n)
{
	size_t len = 0;
	char *text = slurp(path, a, (size_t)1 << 20, &len);

	if (!text) {
		snprintf(err, n, "%s: %s", path, strerror(errno ? errno : EIO));
		return -1;
	}
	return site_config_parse(c, a, path, text, len, err, n);
}

/* ---- mail settings: checked together, after the file and the command line ---- */

static bool printable_url(const char *u)
{
	for (; *u; u++)
		if (*u <= ' ' || *u >= 0x7f || *u == '"' || *u == '<' || *u == '>' || *u == '\\')
			return false;
	return true;
}

/* public_url_check: NULL or why c->public_url is not acceptable; a '/' at
 * its end is dropped (links are public_url + "/password/reset/..."). */
static const char *public_url_check(struct site_config *c, struct arena *a)
{
	const char *u = c->public_url;
	size_t n = strlen(u);

	if (!n)
		return NULL;
	if (strncmp(u, "https://", 8) && strncmp(u, "http://", 7))
		return "it must start with https:// (or http://)";
	if (!printable_url(u) || strchr(u, '?') || strchr(u, '#'))
		return "it holds a space, a quote, <, >, \\, ? or # or a character that is not "
		       "printable ASCII";
	while (n && u[n - 1] == '/')
		n--;
	if (strchr(u, ':') + 3 >= u + n)
		return "it names no host";
	c->public_url = arena_strndup(a, u, n);
	return c->public_url ? NULL : "out of memory";
}

/* read_password: the first line of smtp_password_file, else the
 * environment's YINGCAI_SMTP_PASSWORD; NULL when there is neither. */
static const char *read_password(const struct site_config *c, struct arena *a, char *err,
		size_t n, bool *failed)
{
	const char *env = getenv("YINGCAI_SMTP_PASSWORD");
	size_t len = 0;
	char *text;

	*failed = false;
	if (!*c->smtp_password_file)
		return env && *env ? arena_strdup(a, env) : NULL;
	text = slurp(c->smtp_password_file, a, 4096, &len);
	if (!text) {
		snprintf(err, n, "smtp_password_file: %s: cannot read it (%s)", c->smtp_password_file,
			 strerror(errno ? errno : EIO));
		*failed = true;
		return NULL;
	}
	text[strcspn(text, "\r\n")] = '\0';
	return text;
}

int site_config_mail(struct site_config *c, struct arena *a, const char **password,
		char *err, size_t n)
{
	const char *why;
	bool failed;

	*password = NULL;
	if ((why = public_url_check(c, a)))
		return snprintf(err, n, "public_url: \"%s\": %s", c->public_url, why), -1;
	if (c->mail_keep_s < c->mail_give_up_s)
		return snprintf(err, n, "mail_keep_seconds (%u) is shorter than mail_give_up_seconds "
				"(%u): a mail would be forgotten while it may still be sent",
				c->mail_keep_s, c->mail_give_up_s), -1;
	if (!*c->smtp_url)
		return 0; /* delivery off: mails wait in the outbox */
	if ((why = smtp_url_check(c->smtp_url)))
		return snprintf(err, n, "smtp_url: %s", why), -1;
	if (!mail_address_ok(c->smtp_from))
		return snprintf(err, n, "smtp_from: \"%s\" is not an e-mail address such as "
				"noreply@yingcai.example.cn (it is needed with smtp_url)",
				c->smtp_from), -1;
	if (!*c->public_url)
		return snprintf(err, n, "public_url is not set: the links in mails need the portal's "
				"address as users reach it (https://...)"), -1;
	if (!*c->smtp_user)
		return *c->smtp_password_file ? (snprintf(err, n, "smtp_password_file is set "
			"without smtp_user"), -1) : 0;
	*password = read_password(c, a, err, n, &failed);
	if (failed)
		return -1;
	if (!*password)
		return snprintf(err, n, "smtp_user is set but there is no password: set "
				"smtp_password_file (or YINGCAI_SMTP_PASSWORD)"), -1;
	return 0;
}

/* ---- start-up ---- */

static bool has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && strcmp(s + a - b, suf) == 0;
}

static int load_templates(struct site *s, char *err, size_t n)
{
	const char *dir = arena_printf(&s->arena, "%s/templates", s->cfg.share_dir);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	int rc = 0;

	if (!d) {
		snprintf(err, n, "%s: cannot open the templates directory", dir ? dir : "?");
		return -1;
	}
	s->templates = arena_alloc(&s->arena, sizeof *s->templates);
	mustache_set_init(s->templates, &s->arena);
	while (rc == 0 && (e = readdir(d))) {
		struct mustache_error me;
		size_t len = 0;
		char *text, *name;

		if (!has_suffix(e->d_name, ".mustache"))
			continue;
		text = slurp(arena_printf(&s->arena, "%s/%s", dir, e->d_name), &s->arena,
			     SHARE_FILE_MAX, &len);
		name = arena_strndup(&s->arena, e->d_name, strlen(e->d_name) - 9);
		if (!text || !name) {
			snprintf(err, n, "%s/%s: cannot read", dir, e->d_name);
			rc = -1;
		} else if (mustache_set_add(s->templates, name, text, len, &me) != MUSTACHE_OK) {
			snprintf(err, n, "%s/%s", dir, me.msg);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

static const char *mime_type(const char *name)
{
	if (has_suffix(name, ".css"))
		return "text/css; charset=utf-8";
	if (has_suffix(name, ".svg"))
		return "image/svg+xml";
	if (has_suffix(name, ".js"))
		return "text/javascript; charset=utf-8";
	if (has_suffix(name, ".png"))
		return "image/png";
	if (has_suffix(name, ".ico"))
		return "image/x-icon";
	if (has_suffix(name, ".json"))
		return "application/json";
	return "application/octet-stream";
}

static int load_statics(struct site *s, char *err, size_t n)
{
	const char *dir = arena_printf(&s->arena, "%s/static", s->cfg.share_dir);
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;
	size_t alloc = 64;

	if (!d) {
		snprintf(err, n, "%s: cannot open the static directory", dir ? dir : "?");
		return -1;
	}
	s->statics = arena_array(&s->arena, alloc, sizeof *s->statics);
	while ((e = readdir(d)) && s->statics && s->nstatics < alloc) {
		struct static_file *f = &s->statics[s->nstatics];
		unsigned char h[32];
		char hex[17];

		if (e->d_name[0] == '.')
			continue;
		f->data = slurp(arena_printf(&s->arena, "%s/%s", dir, e->d_name), &s->arena,
				SHARE_FILE_MAX, &f->len);
		if (!f->data)
			continue;
		f->name = arena_strdup(&s->arena, e->d_name);
		f->type = mime_type(e->d_name);
		crypto_hash_sha256(h, (const unsigned char *)f->data, f->len);
		sodium_bin2hex(hex, sizeof hex, h, 8);
		f->etag = arena_printf(&s->arena, "\"%s\"", hex);
		s->nstatics++;
	}
	closedir(d);
	return 0;
}

struct site *site_open(const struct site_config *cfg, char *err, size_t n)
{
	struct site *s = calloc(1, sizeof *s);
	struct strbuf perr = STRBUF_INIT(1 << 16);
	const char *db, *blobs;

	if (!s || sodium_init() < 0) {
		snprintf(err, n, "cannot initialise (out of memory or no randomness)");
		free(s);
		return NULL;
	}
	s->cfg = *cfg;
	s->started_at = (int64_t)time(NULL);
	arena_init(&s->arena, 0);
	if (policy_load_dir(s->cfg.policy_dir, &s->arena, &s->bundle, &perr) != 0) {
		snprintf(err, n, "policy files under %s are invalid:\n%s", s->cfg.policy_dir, perr.buf);
		goto fail;
	}
	s->i18n = i18n_load(arena_printf(&s->arena, "%s/po", s->cfg.share_dir), &s->arena, err, n);
	if (!s->i18n || load_templates(s, err, n) < 0 || load_statics(s, err, n) < 0)
		goto fail;
	s->countries = countries_load(s->cfg.iso_codes_dir, &s->arena, err, n);
	if (!s->countries)
		goto fail;
	if (mkdir(s->cfg.data_dir, 0750) < 0 && errno != EEXIST) {
		snprintf(err, n, "%s: cannot create the data directory: %s", s->cfg.data_dir,
			 strerror(errno));
		goto fail;
	}
	db = s->cfg.db ? s->cfg.db : arena_printf(&s->arena, "sqlite:%s/yingcai.db", s->cfg.data_dir);
	blobs = arena_printf(&s->arena, "%s/blobs", s->cfg.data_dir);
	if (site_config_mail(&s->cfg, &s->arena, &s->smtp_password, err, n) < 0)
		goto fail;
	s->store = store_open(db, blobs, s->cfg.threads + 1, err, n);
	if (!s->store)
		goto fail;
	if (strcmp(s->cfg.access_log, "-") == 0) {
		s->access_log = stderr;
	} else if (!(s->access_log = fopen(s->cfg.access_log, "a"))) {
		snprintf(err, n, "%s: cannot open the access log: %s", s->cfg.access_log,
			 strerror(errno));
		goto fail;
	}
	strbuf_release(&perr);
	return s;
fail:
	strbuf_release(&perr);
	site_close(s);
	return NULL;
}

void site_close(struct site *s)
{
	if (!s)
		return;
	if (s->store)
		store_close(s->store);
	if (s->access_log && s->access_log != stderr)
		fclose(s->access_log);
	arena_release(&s->arena);
	free(s);
}
