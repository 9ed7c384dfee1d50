/* selfcheck_save.c - POST /self-check/{programme}/save: keep the answers of
 * a self-check as a draft application in the user's account.
 *
 * The route (routes_selfcheck.inc) lets only applicants and employers in
 * and checks the CSRF token.  The answers come back as form fields, are
 * checked again (a form is user input like any other), written as an
 * application file (format/appfile_write.h) and stored by the use case
 * app/drafts.h.  Then 303 to the dashboard, which shows the notice.
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <stdio.h>
#include <string.h>

#include "app/drafts.h"
#include "format/appfile_write.h"
#include "pages.h"
#include "store/store.h"
#include "web/render.h"

#define DRAFT_MAX ((size_t)64 * 1024)

void page_selfcheck_save(struct request *rq, struct response *rs)
{
	struct selfcheck *sc = sc_parse_or_reply(rq, rs, rq->form, rq->nform);
	struct strbuf data = STRBUF_INIT(DRAFT_MAX);
	struct store_conn *db;
	enum store_rc rc;
	int64_t id = 0;

	if (!sc)
		return;
	if (sc->nerrors) {
		page_error_msg(rq, rs, 400, "sc_save_invalid");
		return;
	}
	/* An applicant's own draft carries their name; an employer's does not
	 * (the HR officer is not the applicant). */
	if (rq->user->role & ROLE_APPLICANT)
		sc->app.applicant.name = rq->user->name;
	appfile_write(&sc->app, &data);
	db = http_db(rq);
	if (data.failed || !db) {
		int status = data.failed ? 500 : 503;
		strbuf_release(&data);
		page_error(rq, rs, status);
		return;
	}
	rc = drafts_create(db, rq->user->id, sc->prog->id, data.buf, rq->now, &id);
	strbuf_release(&data);
	switch (rc) {
	case STORE_OK:
		http_redirect(rs, arena_printf(rq->a, "/dashboard?saved=%lld", (long long)id));
		return;
	case STORE_BUSY:
	case STORE_FULL:
		page_error(rq, rs, 503);
		return;
	default:
		fprintf(stderr, "yingcai serve: saving a self-check draft for user %lld: %s\n",
			(long long)rq->user->id, store_rc_name(rc));
		page_error(rq, rs, 500);
	}
}
