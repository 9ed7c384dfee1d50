/* dispatch.c - the request pipeline after the body is read: route, session,
 * language, roles, CSRF, handler.  Everything a route needs checked is
 * checked here, from the route table, before any handler runs. */
#include <string.h>

#include "i18n.h"
#include "pages/pages.h"
#include "route.h"
#include "server.h"
#include "session.h"
#include "site.h"
#include "store/store.h"

static bool is_api(const struct request *rq)
{
	return strncmp(rq->path, "/api/", 5) == 0;
}

/* remember_language: ?lang= is sticky through a cookie. */
static void remember_language(struct request *rq, struct response *rs)
{
	const char *q = http_query(rq, "lang");

	if (q && i18n_lang_valid(q))
		http_set_header(rs, "Set-Cookie",
				arena_printf(rq->a, "yc_lang=%s; Path=/; SameSite=Lax; "
					     "Max-Age=31536000", rq->lang));
}

/* login_required: pages send the visitor to the login page and back. */
static void login_required(struct request *rq, struct response *rs)
{
	struct strbuf to = STRBUF_INIT(2048);

	if (is_api(rq)) {
		page_error(rq, rs, 401);
		return;
	}
	strbuf_addstr(&to, "/login?next=");
	http_url_encode(&to, rq->path);
	http_redirect(rs, to.failed ? "/login" : arena_strdup(rq->a, to.buf));
	strbuf_release(&to);
}

/* allowed_methods: the Allow header of a 405, from the route table. */
static const char *allowed_methods(struct request *rq)
{
	const char *params[HTTP_MAX_PARAMS];
	size_t n;
	unsigned m = 0;

	for (size_t i = 0; i < nroutes; i++)
		if (route_pattern_match(routes[i].pattern, rq->path, NULL, params, &n))
			m |= routes[i].methods;
	if ((m & HTTP_GET) && (m & HTTP_POST))
		return "GET, HEAD, POST";
	return (m & HTTP_GET) ? "GET, HEAD" : "POST";
}

void server_dispatch(struct request *rq, struct response *rs)
{
	bool path_known = false;
	const struct route *r = route_match(rq, &path_known);

	/* Static files need neither session nor language. */
	if (r && r->kind == ROUTE_STATIC) {
		rq->lang = "zh";
		r->fn(rq, rs);
		return;
	}
	if (r && !session_load(rq)) {
		rq->lang = i18n_choose(rq);
		page_error(rq, rs, 503);
		return;
	}
	rq->lang = i18n_choose(rq);
	remember_language(rq, rs);
	if (!r) {
		if (path_known)
			http_set_header(rs, "Allow", allowed_methods(rq));
		page_error(rq, rs, path_known ? 405 : 404);
		return;
	}
	if (r->roles != ROUTE_PUBLIC && !rq->user) {
		login_required(rq, rs);
		return;
	}
	if (r->roles != ROUTE_PUBLIC && !(rq->user->role & r->roles)) {
		page_error(rq, rs, 403);
		return;
	}
	if (r->csrf && rq->method == HTTP_POST && !session_csrf_ok(rq)) {
		page_error_msg(rq, rs, 403, "error_csrf");
		return;
	}
	r->fn(rq, rs);
}
