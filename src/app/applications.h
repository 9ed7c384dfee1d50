/* applications.h - reading and changing a saved application.
 *
 * The use cases behind /applications/{id}: who may read an application,
 * and changing a draft's answers with optimistic concurrency.  Every
 * application row carries a version (store.h); a person edits the version
 * they were shown and the change is written only if that version is still
 * the stored one.  When someone else saved in between, nothing is written
 * and the caller gets the stored row back (APPL_CONFLICT) to show what
 * changed: never a silent overwrite.
 *
 * Who may do what (checked here, not only by the route table):
 *   read    the owner; reviewers, approvers and system admins (read-only)
 *   change  the owner only, and only while the status is "draft"
 * Another user's application is APPL_NOTFOUND for someone who may not read
 * it (its existence is not revealed), APPL_FORBIDDEN for staff who may
 * read but not change it.
 *
 * Data is an application file (formats.md, `yingcai-application/1`).  A
 * change must be a valid one of the application's own programme; each
 * change writes one audit entry "application.update" on
 * "application:<id>" whose before and after are
 *   {"version": N, "status": "draft", "data": <the application file>}
 * so the log holds every version, and the version a person started from
 * can be found again (app_application_version_data).
 */
#ifndef YC_APP_APPLICATIONS_H
#define YC_APP_APPLICATIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

#define APPL_DATA_MAX ((size_t)1024 * 1024) /* as APPFILE_MAX */
#define APPL_HISTORY_MAX 1000 /* audit entries searched for an old version */

enum appl_rc {
	APPL_OK = 0,
	APPL_NOTFOUND,  /* no such application, or not one this user may read */
	APPL_FORBIDDEN, /* the user may read it but not change it */
	APPL_NOT_DRAFT, /* only a draft can be changed */
	APPL_CONFLICT,  /* the version changed: nothing written */
	APPL_INVALID,   /* the data is not an application file of its programme */
	APPL_BUSY,      /* database full, or still busy after app/tx.h's retries: 503 */
	APPL_ERROR,     /* anything else (logged): 500 */
};

const char *appl_rc_name(enum appl_rc rc);

/* app_application_can_read / can_edit: the rules above for one row. */
bool app_application_can_read(const struct user *u, const struct application_rec *r);
bool app_application_can_edit(const struct user *u, const struct application_rec *r);

/* app_application_get: the application id as u may see it, into out
 * (strings in a).  APPL_NOTFOUND also when u may not read it. */
enum appl_rc app_application_get(struct store_conn *c, const struct user *u, int64_t id,
		struct arena *a, struct application_rec *out);

/* app_application_update: in one write transaction (run again from its
 * start when the database was busy: app/tx.h), re-read application
 * id; if u may not change it: APPL_NOTFOUND / APPL_FORBIDDEN /
 * APPL_NOT_DRAFT; if its version is not expected_version: APPL_CONFLICT
 * with *out the stored row (in a); else store data (updated at now), bump
 * the version and add the audit entry, and *out is the new row.  data
 * must decode as an application file of the row's programme (at most
 * APPL_DATA_MAX bytes), else APPL_INVALID.  On anything but APPL_OK
 * nothing was written (the transaction is rolled back). */
enum appl_rc app_application_update(struct store_conn *c, const struct user *u, int64_t id,
		int64_t expected_version, const char *data, int64_t now, struct arena *a,
		struct application_rec *out);

/* app_application_version_data: the data application id had at `version`
 * (the current row's, or from the audit log of its changes), for a user
 * who may read it.  APPL_NOTFOUND when that version is not known (never
 * existed, or older than the last APPL_HISTORY_MAX log entries). */
enum appl_rc app_application_version_data(struct store_conn *c, const struct user *u,
		int64_t id, int64_t version, struct arena *a, const char **data);

#endif
