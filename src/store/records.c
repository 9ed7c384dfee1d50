/* records.c - the store's audit log, key-entity registry and saved
 * applications (see store.h), once for both backends, on the statement
 * interface of store_impl.h.
 */
#include "store_impl.h"

#include <string.h>

/* ---- audit ---- */

enum store_rc store_audit_add(struct store_conn *c, const struct audit_entry *e)
{
	struct q q;

	q_start(&q, c, Q_AUDIT_ADD);
	q_int(&q, 1, e->at);
	q_int(&q, 2, e->actor);
	q_text(&q, 3, e->action);
	q_text(&q, 4, e->subject);
	q_text(&q, 5, e->before);
	q_text(&q, 6, e->after);
	return q_end(&q, q_finish(&q));
}

/* audit_row: one audit entry of Q_AUDIT_BY_SUBJECT. */
static void audit_row(struct q *q, struct arena *a, void *elem)
{
	struct audit_entry *e = elem;

	e->at = col_int(q, 0);
	e->actor = col_int(q, 1);
	e->action = col_str(q, 2, a);
	e->subject = col_str(q, 3, a);
	e->before = col_str(q, 4, a);
	e->after = col_str(q, 5, a);
}

enum store_rc store_audit_list(struct store_conn *c, const char *subject, size_t max,
		struct arena *a, struct audit_entry **out, size_t *n)
{
	void *arr;
	enum store_rc rc;
	struct q q;

	q_start(&q, c, Q_AUDIT_BY_SUBJECT);
	q_text(&q, 1, subject);
	q_int(&q, 2, limit_of(max));
	rc = q_rows(&q, a, sizeof **out, audit_row, &arr, n);
	*out = arr;
	return rc;
}

/* ---- optimistic updates ---- */

/* after_update: an update that changed no row: STORE_CONFLICT if the row
 * exists (its version moved on), STORE_NOTFOUND if it does not. */
static enum store_rc after_update(struct store_conn *c, enum query_id version_q,
		const char *key, int64_t id)
{
	struct q q;
	enum store_rc rc;

	q_start(&q, c, version_q);
	if (key)
		q_text(&q, 1, key);
	else
		q_int(&q, 1, id);
	rc = q_one(&q);
	return q_end(&q, rc == STORE_OK ? STORE_CONFLICT : rc);
}

/* ---- key-entity registry ---- */

static void bind_enterprise(struct q *q, const struct enterprise_rec *e)
{
	q_text(q, 1, e->uscc);
	q_text(q, 2, e->name);
	q_int(q, 3, e->key_entity);
	q_int(q, 4, e->service_key);
	q_int(q, 5, e->breach_of_trust);
	q_text(q, 6, e->sector);
	q_text(q, 7, e->district);
	q_text(q, 8, e->note);
	q_int(q, 9, e->updated_at);
}

enum store_rc store_enterprise_put(struct store_conn *c, const struct enterprise_rec *e)
{
	enum store_rc rc;
	struct q q;

	q_start(&q, c, e->version ? Q_ENTERPRISE_UPDATE : Q_ENTERPRISE_UPSERT);
	bind_enterprise(&q, e);
	if (e->version)
		q_int(&q, 10, e->version);
	rc = q_end(&q, e->version ? q_write(&q) : q_finish(&q));
	if (rc == STORE_NOTFOUND)
		rc = after_update(c, Q_ENTERPRISE_VERSION, e->uscc, 0);
	return rc;
}

enum store_rc store_enterprise_get(struct store_conn *c, const char *uscc, struct arena *a,
		struct enterprise_rec *out)
{
	enum store_rc rc;
	struct q q;

	memset(out, 0, sizeof *out);
	q_start(&q, c, Q_ENTERPRISE_GET);
	q_text(&q, 1, uscc);
	if ((rc = q_one(&q)) == STORE_OK) {
		out->uscc = col_str(&q, 0, a);
		out->name = col_str(&q, 1, a);
		out->key_entity = col_int(&q, 2) != 0;
		out->service_key = col_int(&q, 3) != 0;
		out->breach_of_trust = col_int(&q, 4) != 0;
		out->sector = col_str(&q, 5, a);
		out->district = col_str(&q, 6, a);
		out->note = col_str(&q, 7, a);
		out->updated_at = col_int(&q, 8);
		out->version = col_int(&q, 9);
		rc = q.rc;
	}
	return q_end(&q, rc);
}

/* ---- applications ---- */

enum store_rc store_application_create(struct store_conn *c, const struct application_rec *r,
		int64_t *id)
{
	struct q q;

	q_start(&q, c, Q_APPLICATION_CREATE);
	q_int(&q, 1, r->owner_id);
	q_text(&q, 2, r->programme);
	q_text(&q, 3, r->status);
	q_text(&q, 4, r->data);
	q_int(&q, 5, r->created_at);
	q_int(&q, 6, r->updated_at ? r->updated_at : r->created_at);
	return q_end(&q, q_insert(&q, id));
}

enum store_rc store_application_update(struct store_conn *c, const struct application_rec *r)
{
	enum store_rc rc;
	struct q q;

	q_start(&q, c, Q_APPLICATION_UPDATE);
	q_int(&q, 1, r->id);
	q_text(&q, 2, r->programme);
	q_text(&q, 3, r->status);
	q_text(&q, 4, r->data);
	q_int(&q, 5, r->updated_at);
	q_int(&q, 6, r->version);
	rc = q_end(&q, q_write(&q));
	if (rc == STORE_NOTFOUND)
		rc = after_update(c, Q_APPLICATION_VERSION, NULL, r->id);
	return rc;
}

static void read_application(struct q *q, struct arena *a, void *elem)
{
	struct application_rec *r = elem;

	r->id = col_int(q, 0);
	r->owner_id = col_int(q, 1);
	r->programme = col_str(q, 2, a);
	r->status = col_str(q, 3, a);
	r->data = col_str(q, 4, a);
	r->created_at = col_int(q, 5);
	r->updated_at = col_int(q, 6);
	r->version = col_int(q, 7);
}

enum store_rc store_application_get(struct store_conn *c, int64_t id, struct arena *a,
		struct application_rec *out)
{
	enum store_rc rc;
	struct q q;

	memset(out, 0, sizeof *out);
	q_start(&q, c, Q_APPLICATION_GET);
	q_int(&q, 1, id);
	if ((rc = q_one(&q)) == STORE_OK) {
		read_application(&q, a, out);
		rc = q.rc;
	}
	return q_end(&q, rc);
}

enum store_rc store_application_list(struct store_conn *c, int64_t owner_id, size_t max,
		struct arena *a, struct application_rec **out, size_t *n)
{
	void *arr;
	enum store_rc rc;
	struct q q;

	q_start(&q, c, Q_APPLICATION_LIST);
	q_int(&q, 1, owner_id);
	q_int(&q, 2, limit_of(max));
	rc = q_rows(&q, a, sizeof **out, read_application, &arr, n);
	*out = arr;
	return rc;
}
