/* drafts.c - see drafts.h. */
#include "drafts.h"

#include <inttypes.h>
#include <stdio.h>

#include "lib/strbuf.h"

#define AFTER_MAX 256

enum store_rc drafts_create(struct store_conn *c, int64_t owner, const char *programme,
		const char *data, int64_t now, int64_t *id)
{
	struct application_rec rec = {0};
	struct audit_entry e = {0};
	struct strbuf after;
	char after_buf[AFTER_MAX + 1], subject[48];
	enum store_rc rc;

	*id = 0;
	strbuf_init_fixed(&after, after_buf, sizeof after_buf);
	strbuf_addstr(&after, "{\"programme\": ");
	strbuf_add_json(&after, programme);
	strbuf_addstr(&after, ", \"status\": \"draft\", \"origin\": \"self-check\"}");
	if (after.failed)
		return STORE_ERROR; /* a programme id is a short enumerated word */

	rc = store_begin_write(c);
	if (rc != STORE_OK)
		return rc;
	rec.owner_id = owner;
	rec.programme = programme;
	rec.status = "draft";
	rec.data = data;
	rec.created_at = now;
	rc = store_application_create(c, &rec, id);
	if (rc != STORE_OK)
		goto out;
	snprintf(subject, sizeof subject, "application:%" PRId64, *id);
	e.at = now;
	e.actor = owner;
	e.action = "application.draft_create";
	e.subject = subject;
	e.before = NULL;
	e.after = after.buf;
	rc = store_audit_add(c, &e);
	if (rc != STORE_OK)
		goto out;
	rc = store_commit(c);
out:
	if (rc != STORE_OK) {
		store_rollback(c);
		*id = 0;
	}
	return rc;
}
