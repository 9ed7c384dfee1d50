/* server.c - see server.h. */
#include "server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "pages/pages.h"
#include "proxy.h"
#include "route.h"
#include "session.h"
#include "i18n.h"
#include "store/store.h"

#define REQUEST_ARENA_MAX ((size_t)64 << 20)
#define PAGE_MAX ((size_t)8 << 20)
#define DRAIN_MAX ((size_t)64 << 20) /* largest oversized body read to the end */

struct server {
	struct MHD_Daemon *d;
	struct site *site;
	atomic_int in_flight;
};

/* Per-connection state for one request, from its first byte to completion. */
struct conn_ctx {
	struct arena a;
	struct strbuf body;
	bool too_big;
	bool answered; /* a response is queued already (early 413) */
	bool counted;
	bool https; /* a trusted proxy says the client came over HTTPS */
	struct timespec start;
	struct server *srv;
};

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static enum http_method method_of(const char *m)
{
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0)
		return HTTP_HEAD;
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

struct collect {
	struct request *rq;
	size_t max;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
		const char *value)
{
	struct collect *c = cls;
	struct request *rq = c->rq;

	(void)kind;
	if (rq->nquery >= c->max)
		return MHD_NO;
	rq->query[rq->nquery].key = arena_strdup(rq->a, key);
	rq->query[rq->nquery].value = arena_strdup(rq->a, value ? value : "");
	rq->nquery++;
	return MHD_YES;
}

/* join_xff: every X-Forwarded-For header of the request, joined with ","
 * (RFC 9110: repeated fields are one comma-separated list). */
struct xff_join {
	struct arena *a;
	const char *all;
};

static enum MHD_Result join_xff(void *cls, enum MHD_ValueKind kind, const char *key,
		const char *value)
{
	struct xff_join *j = cls;

	(void)kind;
	if (strcasecmp(key, "X-Forwarded-For") != 0 || !value)
		return MHD_YES;
	j->all = j->all ? arena_printf(j->a, "%s,%s", j->all, value) : value;
	return j->all ? MHD_YES : MHD_NO;
}

/* client_address: the address of whoever sent the request into out.  The
 * connection's peer, unless the peer is a trusted proxy (trusted_proxies):
 * then the client it names in X-Forwarded-For (proxy.h), and *https tells
 * whether it says X-Forwarded-Proto: https.  A header from any other peer is
 * ignored, so a client talking to us directly cannot choose its address. */
static void client_address(struct MHD_Connection *c, const struct site_config *cfg,
		struct arena *a, char *out, size_t n, bool *https)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char peer[PROXY_ADDR_MAX] = "unknown";
	struct xff_join xff = {a, NULL};

	*https = false;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, peer,
			  (socklen_t)sizeof peer);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  peer, (socklen_t)sizeof peer);
	if (!proxy_is_trusted(peer, cfg->trusted, cfg->ntrusted)) {
		snprintf(out, n, "%s", peer);
		return;
	}
	MHD_get_connection_values(c, MHD_HEADER_KIND, join_xff, &xff);
	proxy_client_address(peer, xff.all, cfg->trusted, cfg->ntrusted, out, n);
	*https = proxy_forwarded_https(peer,
		MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto"),
		cfg->trusted, cfg->ntrusted);
}

/* build_request: the request's fields from the connection; false if the
 * query or form has more fields than allowed (answered 400). */
static bool build_request(struct request *rq, struct conn_ctx *ctx, struct MHD_Connection *c,
		const char *url, const char *method)
{
	struct collect col = {rq, HTTP_MAX_FIELDS};

	rq->a = &ctx->a;
	rq->conn = c;
	rq->method = method_of(method);
	rq->method_name = arena_strdup(rq->a, method);
	rq->path = arena_strdup(rq->a, url && *url ? url : "/");
	rq->now = (int64_t)time(NULL);
	client_address(c, &rq->site->cfg, rq->a, rq->remote, sizeof rq->remote, &ctx->https);
	rq->query = arena_array(rq->a, HTTP_MAX_FIELDS, sizeof *rq->query);
	if (!rq->query || !rq->path)
		return false;
	if (MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &col) < 0 ||
	    rq->nquery >= HTTP_MAX_FIELDS)
		return false;
	rq->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	if (ctx->body.len) {
		rq->body = arena_strndup(rq->a, ctx->body.buf, ctx->body.len);
		rq->body_len = ctx->body.len;
	}
	if (rq->body && rq->content_type &&
	    strncmp(rq->content_type, "application/x-www-form-urlencoded", 33) == 0) {
		int n = http_parse_urlencoded(rq->a, rq->body, rq->body_len, &rq->form,
					      HTTP_MAX_FIELDS);
		if (n < 0)
			return false;
		rq->nform = (size_t)n;
	}
	return true;
}

static void security_headers(struct MHD_Response *r, const struct response *rs)
{
	MHD_add_response_header(r, "Content-Security-Policy",
		"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	/* No page needs the camera, microphone, location, payment or USB:
	 * denied, also to anything a page might ever embed. */
	MHD_add_response_header(r, "Permissions-Policy",
		"camera=(), microphone=(), geolocation=(), payment=(), usb=()");
	if (rs->no_store)
		MHD_add_response_header(r, "Cache-Control", "no-store");
}

static void access_log(struct site *site, const struct request *rq, const struct response *rs,
		double ms)
{
	char when[32];
	time_t t = (time_t)rq->now;
	struct tm tm;

	if (!site->access_log)
		return;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One JSON object per line; the path is the only client-chosen text. */
	{
		struct strbuf line = STRBUF_INIT(4096);
		strbuf_addf(&line, "{\"time\":\"%s\",\"remote\":", when);
		strbuf_add_json(&line, rq->remote);
		strbuf_addstr(&line, ",\"method\":");
		strbuf_add_json(&line, rq->method_name ? rq->method_name : "?");
		strbuf_addstr(&line, ",\"path\":");
		strbuf_add_json(&line, rq->path ? rq->path : "?");
		strbuf_addf(&line, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.2f,\"user\":%lld}\n",
			    rs->status, rs->body.len, ms,
			    (long long)(rq->user ? session_user_id(rq) : 0));
		fputs(line.buf, site->access_log);
		fflush(site->access_log);
		strbuf_release(&line);
	}
}

/* Cookies of a response to a client on HTTPS (a trusted proxy said so) get
 * Secure, whatever set them, when secure_cookies has not given it already. */
struct cookie_list {
	struct arena *a;
	const char *v[HTTP_MAX_HEADERS + 4];
	size_t n;
};

static bool has_secure_attr(const char *cookie)
{
	for (const char *p = strchr(cookie, ';'); p; p = strchr(p + 1, ';')) {
		const char *q = p + 1;

		while (*q == ' ')
			q++;
		if (strncasecmp(q, "Secure", 6) == 0 && (q[6] == '\0' || q[6] == ';' || q[6] == ' '))
			return true;
	}
	return false;
}

static enum MHD_Result list_cookies(void *cls, enum MHD_ValueKind kind, const char *key,
		const char *value)
{
	struct cookie_list *l = cls;

	(void)kind;
	if (strcasecmp(key, "Set-Cookie") == 0 && value && !has_secure_attr(value) &&
	    l->n < sizeof l->v / sizeof l->v[0])
		l->v[l->n++] = arena_strdup(l->a, value);
	return MHD_YES;
}

static void add_secure_to_cookies(struct MHD_Response *r, struct arena *a)
{
	struct cookie_list l = {.a = a};

	MHD_get_response_headers(r, list_cookies, &l);
	for (size_t i = 0; i < l.n; i++) {
		const char *v = l.v[i] ? arena_printf(a, "%s; Secure", l.v[i]) : NULL;

		if (v && MHD_del_response_header(r, "Set-Cookie", l.v[i]) == MHD_YES)
			MHD_add_response_header(r, "Set-Cookie", v);
	}
}

static enum MHD_Result send_response(struct MHD_Connection *c, struct request *rq,
		struct response *rs, bool https)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(rs->body.len, rs->body.buf, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				rs->content_type ? rs->content_type : "text/html; charset=utf-8");
	security_headers(r, rs);
	for (size_t i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].key, rs->headers[i].value);
	session_set_cookies(rq, r);
	if (https && !rq->site->cfg.secure_cookies)
		add_secure_to_cookies(r, rq->a);
	ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(struct server *srv, struct conn_ctx *ctx,
		struct MHD_Connection *c, const char *url, const char *method)
{
	struct request rq = {0};
	struct response rs = {0};
	enum MHD_Result ret;

	rq.site = srv->site;
	strbuf_init(&rs.body, PAGE_MAX);
	rs.status = 200;
	if (!build_request(&rq, ctx, c, url, method)) {
		rq.lang = "zh";
		page_error(&rq, &rs, 400);
	} else if (ctx->too_big) {
		rq.lang = i18n_choose(&rq);
		page_error(&rq, &rs, 413);
	} else {
		server_dispatch(&rq, &rs);
	}
	if (rs.body.failed) {
		strbuf_release(&rs.body);
		strbuf_init(&rs.body, PAGE_MAX);
		http_text(&rs, 500, "The page is too large to send.\n");
	}
	ret = send_response(c, &rq, &rs, ctx->https);
	access_log(srv->site, &rq, &rs, ms_since(&ctx->start));
	if (rq.db)
		store_conn_release(rq.db);
	strbuf_release(&rs.body);
	return ret;
}

static bool parse_size(const char *s, size_t *out)
{
	size_t v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (size_t)(*s - '0'), &v))
			return false;
	}
	*out = v;
	return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
		const char *method, const char *version, const char *upload_data,
		size_t *upload_size, void **con_cls)
{
	struct server *srv = cls;
	struct conn_ctx *ctx = *con_cls;

	(void)version;
	if (!ctx) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
		size_t len;

		ctx = calloc(1, sizeof *ctx);
		if (!ctx)
			return MHD_NO;
		ctx->srv = srv;
		clock_gettime(CLOCK_MONOTONIC, &ctx->start);
		arena_init(&ctx->a, REQUEST_ARENA_MAX);
		strbuf_init(&ctx->body, srv->site->cfg.body_max);
		atomic_fetch_add(&srv->in_flight, 1);
		ctx->counted = true;
		*con_cls = ctx;
		/* An announced oversized body: a client that asked first
		 * (Expect: 100-continue) or one announcing something absurd is
		 * answered at once and the connection closed; any other client is
		 * read to the end and discarded, so it sees the 413 page instead
		 * of a connection reset. */
		if (cl && parse_size(cl, &len) && len > srv->site->cfg.body_max) {
			const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
			ctx->too_big = true;
			if ((expect && strcasecmp(expect, "100-continue") == 0) ||
			    len > DRAIN_MAX) {
				ctx->answered = true;
				return handle(srv, ctx, c, url, method);
			}
		}
		return MHD_YES;
	}
	if (ctx->answered) {
		*upload_size = 0; /* MHD closes the connection after the early answer */
		return MHD_YES;
	}
	if (*upload_size) {
		if (!ctx->too_big) {
			strbuf_add(&ctx->body, upload_data, *upload_size);
			ctx->too_big = ctx->body.failed;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return handle(srv, ctx, c, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
		enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *ctx = *con_cls;

	(void)c;
	(void)toe;
	(void)cls;
	if (!ctx)
		return;
	if (ctx->counted)
		atomic_fetch_sub(&ctx->srv->in_flight, 1);
	strbuf_release(&ctx->body);
	arena_release(&ctx->a);
	free(ctx);
	*con_cls = NULL;
}

/* parse_listen: "ADDR:PORT" (IPv4) into sa. */
static bool parse_listen(const char *listen, struct sockaddr_in *sa)
{
	const char *colon = strrchr(listen, ':');
	char host[64];
	size_t port = 0;

	if (!colon || (size_t)(colon - listen) >= sizeof host || !parse_size(colon + 1, &port) ||
	    port > 65535)
		return false;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &sa->sin_addr) == 1;
}

bool server_listen_valid(const char *listen)
{
	struct sockaddr_in sa;

	return parse_listen(listen, &sa);
}

struct server *server_start(struct site *site, char *err, size_t n)
{
	struct server *srv = calloc(1, sizeof *srv);
	struct sockaddr_in sa;

	if (!srv) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	if (!parse_listen(site->cfg.listen, &sa)) {
		snprintf(err, n, "--listen %s: expected ADDRESS:PORT, e.g. 127.0.0.1:8080",
			 site->cfg.listen);
		free(srv);
		return NULL;
	}
	srv->site = site;
	srv->d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC,
		0, NULL, NULL, on_request, srv,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)site->cfg.threads,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)site->cfg.conn_limit,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)site->cfg.per_ip_limit,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)site->cfg.timeout_s,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)128 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		MHD_OPTION_END);
	if (!srv->d) {
		snprintf(err, n, "cannot listen on %s (address in use, or not allowed)",
			 site->cfg.listen);
		free(srv);
		return NULL;
	}
	return srv;
}

uint16_t server_port(const struct server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

void server_stop(struct server *s, unsigned grace_s)
{
	struct timespec nap = {0, 20 * 1000 * 1000};
	unsigned waited = 0;

	/* Stop accepting: MHD hands the listening socket back; closing it
	 * makes new connections fail at once (nginx tries the next server)
	 * instead of waiting in the kernel's queue for nobody. */
	MHD_socket lsock = MHD_quiesce_daemon(s->d);

	if (lsock != MHD_INVALID_SOCKET)
		close(lsock);
	while (atomic_load(&s->in_flight) > 0 && waited < grace_s * 50) {
		nanosleep(&nap, NULL);
		waited++;
	}
	MHD_stop_daemon(s->d);
	free(s);
}
