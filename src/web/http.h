/* http.h - one HTTP request and its response, as handlers see them.
 *
 * The server (server.c) fills a `struct request` from libmicrohttpd: method,
 * decoded path, route parameters, query and form fields, cookies, the body
 * (capped), the client address.  Everything a request needs comes from its
 * arena, freed in one go when the response has been sent.  A handler fills
 * `struct response`: status, content type, a few headers and the body
 * builder (bounded).  Security headers are added to every response by the
 * server, not by handlers.
 */
#ifndef YC_HTTP_H
#define YC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"
#include "lib/strbuf.h"

struct site;
struct store_conn;
struct user;
struct session;
struct MHD_Connection;

enum http_method { HTTP_GET = 1, HTTP_HEAD = 2, HTTP_POST = 4, HTTP_OTHER = 8 };

struct kv {
	const char *key, *value;
};

#define HTTP_MAX_PARAMS 4
#define HTTP_MAX_FIELDS 256
#define HTTP_MAX_HEADERS 12

struct request {
	struct arena *a;
	struct site *site;
	struct MHD_Connection *conn;
	enum http_method method;
	const char *method_name;
	const char *path;              /* decoded, starts with '/' */
	const char *params[HTTP_MAX_PARAMS]; /* {name} parts of the route, in order */
	size_t nparams;
	struct kv *query;              /* ?a=b, decoded */
	size_t nquery;
	struct kv *form;               /* application/x-www-form-urlencoded body */
	size_t nform;
	const char *body;              /* raw body (NUL-terminated copy), or NULL */
	size_t body_len;
	const char *content_type;
	char remote[64];               /* client address */
	const char *lang;              /* "zh", "en", "de": chosen per request */
	/* filled by the session layer (session.c) */
	struct session *session;       /* NULL until a page needs one */
	struct user *user;             /* NULL for a visitor */
	bool new_session_cookie;       /* a Set-Cookie is due */
	const char *session_token;     /* the cookie value to set */
	struct store_conn *db;         /* taken lazily by http_db() */
	int64_t now;                   /* Unix seconds at arrival */
};

struct response {
	int status;
	const char *content_type;
	struct strbuf body;
	struct kv headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	bool no_store; /* Cache-Control: no-store (pages with personal data) */
};

/* http_query / http_form: the first value of a field, or NULL. */
const char *http_query(const struct request *rq, const char *key);
const char *http_form(const struct request *rq, const char *key);
/* http_log_path: the request's path for a line of standard error, quoted
 * and escaped as JSON: a decoded %0A or %1B in a URL must not forge a log
 * line or reach a terminal. */
const char *http_log_path(const struct request *rq);
/* http_header: a request header, or NULL. */
const char *http_header(const struct request *rq, const char *name);
const char *http_cookie(const struct request *rq, const char *name);

/* http_parse_urlencoded: split "a=1&b=%20" into decoded pairs (arena).
 * Returns the number of pairs, or -1 when there are more than max. */
int http_parse_urlencoded(struct arena *a, const char *s, size_t n, struct kv **out,
		size_t max);
/* http_url_decode: percent and '+' decoding into a new arena string; NULL
 * on a malformed escape or an embedded NUL. */
char *http_url_decode(struct arena *a, const char *s, size_t n, bool plus_is_space);
/* http_url_encode: append s percent-encoded (unreserved characters kept). */
void http_url_encode(struct strbuf *sb, const char *s);
/* http_path_encode: append path (decoded, starting with '/') as a link to
 * this site: percent-encoded as http_url_encode, '/' kept except right
 * after the first, so that "//host" and "/\host" (which browsers read as
 * another host) stay paths here. */
void http_path_encode(struct strbuf *sb, const char *path);

void http_set_header(struct response *rs, const char *name, const char *value);
/* http_redirect: 303 See Other to a local path (must start with '/'). */
void http_redirect(struct response *rs, const char *location);
/* http_text / http_json_start: set status and content type. */
void http_text(struct response *rs, int status, const char *text);
void http_json_start(struct response *rs, int status);

/* http_db: the request's database connection, acquired on first use and
 * released by the server after the response. */
struct store_conn *http_db(struct request *rq);

#endif
