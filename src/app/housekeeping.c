/* housekeeping.c - see housekeeping.h. */
#include "housekeeping.h"

#include "tx.h"

struct housekeeping_tx {
	int64_t now, keep_throttle_s, keep_mail_s;
	struct housekeeping_counts *out;
};

static enum store_rc housekeeping_run(struct store_conn *c, void *arg)
{
	struct housekeeping_tx *t = arg;
	struct housekeeping_counts *n = t->out;
	enum store_rc rc;

	*n = (struct housekeeping_counts){0, 0, 0, 0};
	rc = store_session_purge(c, t->now, &n->sessions);
	if (rc == STORE_OK)
		rc = store_login_failures_purge(c, t->now - t->keep_throttle_s, &n->throttle);
	if (rc == STORE_OK)
		rc = store_resets_purge(c, t->now, &n->resets);
	if (rc == STORE_OK)
		rc = store_outbox_purge(c, t->now - t->keep_mail_s, t->now, &n->mails);
	return rc;
}

enum store_rc app_housekeeping(struct store_conn *c, int64_t now, int64_t keep_throttle_s,
		int64_t keep_mail_s, struct housekeeping_counts *out)
{
	struct housekeeping_tx t = { now, keep_throttle_s, keep_mail_s, out };

	return app_tx(c, housekeeping_run, &t);
}
