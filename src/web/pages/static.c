/* static.c - /static/{name}: files held in memory since start-up. */
#include <string.h>

#include "pages.h"
#include "web/site.h"

void page_static(struct request *rq, struct response *rs)
{
	const char *name = rq->nparams ? rq->params[0] : "";
	const char *inm = http_header(rq, "If-None-Match");

	for (size_t i = 0; i < rq->site->nstatics; i++) {
		const struct static_file *f = &rq->site->statics[i];

		if (strcmp(f->name, name) != 0)
			continue;
		http_set_header(rs, "ETag", f->etag);
		http_set_header(rs, "Cache-Control", "public, max-age=3600");
		rs->content_type = f->type;
		if (inm && strcmp(inm, f->etag) == 0) {
			rs->status = 304;
			return;
		}
		rs->status = 200;
		strbuf_add(&rs->body, f->data, f->len);
		return;
	}
	http_text(rs, 404, "404 Not Found\n");
}
