/* drafts.h - keep a self-check as a draft application in the user's account.
 *
 * The use case behind "Save to my account" on the self-check result page:
 * one function, one write transaction, one audit entry.  The data is the
 * application file (formats.md, `yingcai-application/1`) the caller has
 * already written (format/appfile_write.h); this layer does not look into
 * it.  Errors are the store's (enum store_rc): the only ways this can fail
 * are the database's.
 */
#ifndef YC_APP_DRAFTS_H
#define YC_APP_DRAFTS_H

#include <stdint.h>

#include "store/store.h"

/* drafts_create: store data as a new application of owner with status
 * "draft" (created at now) and add the audit entry
 * "application.draft_create" on "application:<id>" (actor owner, after:
 * programme, status and origin), in one transaction tried again when the
 * database was busy (app/tx.h).  On STORE_OK *id is the new
 * application's id; otherwise nothing was written (the transaction is
 * rolled back): STORE_NOTFOUND when owner is no user, STORE_BUSY (still
 * busy after the retries) or STORE_FULL for the caller to answer 503,
 * STORE_ERROR otherwise. */
enum store_rc drafts_create(struct store_conn *c, int64_t owner, const char *programme,
		const char *data, int64_t now, int64_t *id);

#endif
