/* drafts.c - see drafts.h. */
#include "drafts.h"

#include <inttypes.h>
#include <stdio.h>

#include "app/tx.h"
#include "lib/strbuf.h"

#define AFTER_MAX 256

struct draft_tx {
	int64_t owner, now;
	const char *programme, *data, *after;
	int64_t id; /* the new application, set by each run */
};

/* draft_run: one run of the transaction (app_tx): the row and its audit
 * entry. */
static enum store_rc draft_run(struct store_conn *c, void *arg)
{
	struct draft_tx *t = arg;
	struct application_rec rec = {0};
	struct audit_entry e = {0};
	char subject[48];
	enum store_rc rc;

	t->id = 0;
	rec.owner_id = t->owner;
	rec.programme = t->programme;
	rec.status = "draft";
	rec.data = t->data;
	rec.created_at = t->now;
	rc = store_application_create(c, &rec, &t->id);
	if (rc != STORE_OK)
		return rc;
	snprintf(subject, sizeof subject, "application:%" PRId64, t->id);
	e.at = t->now;
	e.actor = t->owner;
	e.action = "application.draft_create";
	e.subject = subject;
	e.before = NULL;
	e.after = t->after;
	return store_audit_add(c, &e);
}

enum store_rc drafts_create(struct store_conn *c, int64_t owner, const char *programme,
		const char *data, int64_t now, int64_t *id)
{
	struct draft_tx t = { .owner = owner, .now = now, .programme = programme, .data = data };
	struct strbuf after;
	char after_buf[AFTER_MAX + 1];
	enum store_rc rc;

	*id = 0;
	strbuf_init_fixed(&after, after_buf, sizeof after_buf);
	strbuf_addstr(&after, "{\"programme\": ");
	strbuf_add_json(&after, programme);
	strbuf_addstr(&after, ", \"status\": \"draft\", \"origin\": \"self-check\"}");
	if (after.failed)
		return STORE_ERROR; /* a programme id is a short enumerated word */
	t.after = after.buf;
	rc = app_tx(c, draft_run, &t);
	if (rc == STORE_OK)
		*id = t.id;
	return rc;
}
