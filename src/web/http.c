/* http.c - request fields, URL coding and response helpers. */
#include "http.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "lib/strbuf.h"
#include "site.h"
#include "store/store.h"

static const char *kv_find(const struct kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

const char *http_log_path(const struct request *rq)
{
	const char *q = strbuf_json_quoted(rq->a, rq->path);

	return q ? q : "(path not shown: out of memory)";
}

const char *http_query(const struct request *rq, const char *key)
{
	return kv_find(rq->query, rq->nquery, key);
}

const char *http_form(const struct request *rq, const char *key)
{
	return kv_find(rq->form, rq->nform, key);
}

const char *http_header(const struct request *rq, const char *name)
{
	return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name) : NULL;
}

const char *http_cookie(const struct request *rq, const char *name)
{
	return rq->conn ? MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, name) : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *http_url_decode(struct arena *a, const char *s, size_t n, bool plus_is_space)
{
	char *out = arena_alloc(a, n + 1);
	size_t j = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return NULL;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			if (c == '\0')
				return NULL;
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		out[j++] = c;
	}
	out[j] = '\0';
	return out;
}

/* add_encoded: c as itself when unreserved (RFC 3986), else as %XX. */
static void add_encoded(struct strbuf *sb, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c == '.' || c == '~') {
		strbuf_addch(sb, (char)c);
	} else {
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};
		strbuf_add(sb, e, 3);
	}
}

void http_url_encode(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		add_encoded(sb, (unsigned char)*s);
}

void http_path_encode(struct strbuf *sb, const char *path)
{
	for (size_t i = 0; path[i]; i++) {
		if (path[i] == '/' && i != 1)
			strbuf_addch(sb, '/');
		else
			add_encoded(sb, (unsigned char)path[i]);
	}
}

int http_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kv **out,
		size_t max)
{
	size_t count = 0, i = 0;
	struct kv *kv;

	for (size_t k = 0; k < n; k++)
		count += s[k] == '&';
	count++;
	if (count > max)
		return -1;
	kv = arena_array(a, count, sizeof *kv);
	if (!kv)
		return -1;
	count = 0;
	while (i < n) {
		size_t end = i, eq;

		while (end < n && s[end] != '&')
			end++;
		for (eq = i; eq < end && s[eq] != '='; eq++)
			;
		if (end > i) {
			kv[count].key = http_url_decode(a, s + i, eq - i, true);
			kv[count].value = eq < end ? http_url_decode(a, s + eq + 1, end - eq - 1, true)
						   : "";
			if (kv[count].key && kv[count].value)
				count++;
		}
		i = end + 1;
	}
	*out = kv;
	return (int)count;
}

void http_set_header(struct response *rs, const char *name, const char *value)
{
	if (rs->nheaders < HTTP_MAX_HEADERS)
		rs->headers[rs->nheaders++] = (struct kv){name, value};
}

void http_redirect(struct response *rs, const char *location)
{
	rs->status = 303;
	rs->content_type = "text/plain; charset=utf-8";
	/* Only local paths: never an open redirect. */
	if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\')
		location = "/";
	http_set_header(rs, "Location", location);
	strbuf_reset(&rs->body);
	strbuf_addstr(&rs->body, "See Other\n");
}

void http_text(struct response *rs, int status, const char *text)
{
	rs->status = status;
	rs->content_type = "text/plain; charset=utf-8";
	strbuf_reset(&rs->body);
	strbuf_addstr(&rs->body, text);
}

void http_json_start(struct response *rs, int status)
{
	rs->status = status;
	rs->content_type = "application/json";
	strbuf_reset(&rs->body);
}

struct store_conn *http_db(struct request *rq)
{
	if (!rq->db)
		rq->db = store_conn_acquire(rq->site->store);
	return rq->db;
}
