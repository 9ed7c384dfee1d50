/* error.c - error pages (HTML in the visitor's language, JSON for the API).
 * Never a C error on screen: a status, what happened, what to do next. */
#include <stdio.h>
#include <string.h>

#include "pages.h"
#include "web/render.h"

static const char *status_key(int status)
{
	switch (status) {
	case 400: return "error_400";
	case 401: return "error_401";
	case 403: return "error_403";
	case 404: return "error_404";
	case 405: return "error_405";
	case 409: return "error_409";
	case 413: return "error_413";
	case 503: return "error_503";
	default: return "error_500";
	}
}

void page_error_msg(struct request *rq, struct response *rs, int status, const char *key)
{
	const char *title = arena_printf(rq->a, "%s_title", status_key(status));
	struct view *v;

	if (strncmp(rq->path ? rq->path : "", "/api/", 5) == 0) {
		http_json_start(rs, status);
		strbuf_addf(&rs->body, "{\"error\": {\"status\": %d, \"message\": ", status);
		strbuf_add_json(&rs->body, T(rq, key));
		strbuf_addstr(&rs->body, "}}\n");
		return;
	}
	v = render_view(rq);
	view_set_int(v, "status", status);
	view_set_str(v, "message", T(rq, key));
	render_page(rq, rs, status, "error", title, v);
	if (rs->status != status && rs->status == 500)
		return;
	rs->status = status;
}

void page_error(struct request *rq, struct response *rs, int status)
{
	page_error_msg(rq, rs, status, status_key(status));
}
