/* render.c - see render.h. */
#include "render.h"

#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "lib/mustache.h"
#include "session.h"
#include "site.h"
#include "store/store.h"

#define PAGE_BODY_MAX ((size_t)4 << 20)

const char *T(const struct request *rq, const char *key)
{
	return i18n_get(rq->site->i18n, rq->lang, key);
}

const char *T_n(struct request *rq, const char *key, int n)
{
	const char *msg = T(rq, key), *hit = strstr(msg, "{n}");

	if (!hit)
		return msg;
	return arena_printf(rq->a, "%.*s%d%s", (int)(hit - msg), msg, n, hit + 3);
}

static void language_switch(struct request *rq, struct view *v)
{
	static const char *const native[I18N_NLANGS] = {"中文", "English", "Deutsch"};
	struct view *list = view_set_list(v, "langs");

	for (int i = 0; i < I18N_NLANGS; i++) {
		struct view *l = view_list_push_object(list);
		struct strbuf href = STRBUF_INIT(2048);

		/* Keep the page's own query (a self-check step) and set lang.
		 * The path is the visitor's: encoded, so that "//host/" or
		 * "/\host/" (a 404 page) cannot link to another site. */
		http_path_encode(&href, rq->path);
		strbuf_addch(&href, '?');
		for (size_t q = 0; q < rq->nquery; q++) {
			if (strcmp(rq->query[q].key, "lang") == 0)
				continue;
			http_url_encode(&href, rq->query[q].key);
			strbuf_addch(&href, '=');
			http_url_encode(&href, rq->query[q].value);
			strbuf_addch(&href, '&');
		}
		strbuf_addf(&href, "lang=%s", i18n_codes[i]);
		view_set_str(l, "code", i18n_codes[i]);
		view_set_str(l, "html_lang", i18n_html_lang(i18n_codes[i]));
		view_set_str(l, "label", native[i]);
		view_set_str(l, "href", href.failed ? "/" : href.buf);
		view_set_bool(l, "current", strcmp(rq->lang, i18n_codes[i]) == 0);
		strbuf_release(&href);
	}
}

struct view *render_view(struct request *rq)
{
	struct view *v = view_object(rq->a);

	view_set(v, "t", i18n_view(rq->site->i18n, rq->lang));
	view_set_str(v, "lang", rq->lang);
	view_set_str(v, "html_lang", i18n_html_lang(rq->lang));
	view_set_str(v, "path", rq->path);
	view_set_str(v, "csrf", session_csrf(rq));
	view_set_bool(v, "logged_in", rq->user != NULL);
	if (rq->user) {
		struct view *u = view_set_object(v, "user");
		const char *role = role_name(rq->user->role);
		view_set_str(u, "name", rq->user->name);
		view_set_str(u, "email", rq->user->email);
		view_set_str(u, "role", role);
		view_set_str(u, "role_label", T(rq, arena_printf(rq->a, "role_%s", role)));
		view_set_bool(u, "staff", (rq->user->role & ROLE_STAFF) != 0);
	}
	language_switch(rq, v);
	return v;
}

static void render_failed(struct request *rq, struct response *rs, const char *tpl,
		enum mustache_rc rc)
{
	fprintf(stderr, "yingcai serve: rendering %s for %s failed: %s\n", tpl,
		http_log_path(rq), mustache_strerror(rc));
	http_text(rs, 500, "500 Internal Server Error: this page could not be shown. "
		  "Please try again later.\n");
}

void render_page(struct request *rq, struct response *rs, int status, const char *tpl,
		const char *title_key, struct view *view)
{
	struct strbuf body = STRBUF_INIT(PAGE_BODY_MAX);
	enum mustache_rc rc;

	if (!view)
		view = render_view(rq);
	view_set_str(view, "title", T(rq, title_key));
	rc = mustache_render(rq->site->templates, tpl, view, &body);
	if (rc != MUSTACHE_OK) {
		strbuf_release(&body);
		render_failed(rq, rs, tpl, rc);
		return;
	}
	view_set_str(view, "content", body.buf);
	strbuf_release(&body);
	strbuf_reset(&rs->body);
	rc = mustache_render(rq->site->templates, "layout", view, &rs->body);
	if (rc != MUSTACHE_OK || rq->a->failed) {
		render_failed(rq, rs, "layout", rc);
		return;
	}
	rs->status = status;
	rs->content_type = "text/html; charset=utf-8";
	rs->no_store = rq->session != NULL;
}
