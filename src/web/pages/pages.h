/* pages.h - the handlers of the portal's HTML pages and its JSON API.
 *
 * Each handler translates: it reads the request, calls the core or the
 * store, and renders a view; no rule lives here.  They are wired to paths,
 * roles and CSRF in routes.c.
 */
#ifndef YC_PAGES_H
#define YC_PAGES_H

#include "web/http.h"

/* page_error: the error page for status (400, 403, 404, 405, 413, 500,
 * 503) in the request's language; JSON for /api/ paths. */
void page_error(struct request *rq, struct response *rs, int status);
/* page_error_msg: the same with a specific explanation (a message key). */
void page_error_msg(struct request *rq, struct response *rs, int status, const char *key);

void page_home(struct request *rq, struct response *rs);
void page_static(struct request *rq, struct response *rs);
void api_healthz(struct request *rq, struct response *rs);

/* Each area declares its handlers in its own header, included here. */
#include "pages_selfcheck.h"
#include "pages_accounts.h"
#include "pages_lookup.h"
#include "pages_api.h"
#include "pages_applications.h"

#endif
