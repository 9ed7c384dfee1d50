/* pages_applications.h - a saved application: its page and its edit form
 * (see pages.h, routes_applications.inc; the use cases are
 * app/applications.h).
 *
 * The owner sees the answers and the current evaluation and may change a
 * draft with the self-check's questions, all on one page.  The form
 * carries the version it was made from; if someone else saved in the
 * meantime the answer is 409 with what they changed, field by field, what
 * this person entered, and two ways on: start again from the current
 * version, or apply their own changes on top of it (a form with the
 * current version, so saving it is a deliberate overwrite).  Reviewers,
 * approvers and system admins may read any application.
 *
 * Files: applications.c (handlers), app_form.h (the application seen
 * through the self-check's questions).
 */
#ifndef YC_PAGES_APPLICATIONS_H
#define YC_PAGES_APPLICATIONS_H

#include "web/http.h"

/* GET /applications/{id}: answers and evaluation (owner; staff read-only).
 * ?saved=1 shows that a change was saved. */
void page_application(struct request *rq, struct response *rs);
/* GET /applications/{id}/edit: the form, filled from the stored file, with
 * the stored version in a hidden field (owner, drafts only). */
void page_application_edit(struct request *rq, struct response *rs);
/* POST /applications/{id}/edit (owner, CSRF): check the answers (400 with
 * the form and its errors), save them if the version is still current
 * (303 to /applications/{id}?saved=1), else 409 with the conflict page. */
void page_application_edit_post(struct request *rq, struct response *rs);

#endif
