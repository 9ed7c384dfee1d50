/* accounts.c - the store's accounts, sessions, login throttle, password
 * resets and mail outbox (see store.h), once for both backends, on the
 * statement interface of store_impl.h.
 */
#include "store_impl.h"

#include <limits.h>
#include <string.h>

/* ---- accounts ---- */

static enum store_rc read_user(struct q *q, struct arena *a, struct user *u)
{
	const char *role;

	memset(u, 0, sizeof *u);
	u->id = col_int(q, 0);
	role = col_str(q, 3, a);
	u->role = role_parse(role);
	if (q->rc == STORE_OK && !u->role) {
		store_log("user %lld has an unknown role \"%s\"", (long long)u->id,
			  role ? role : "");
		return q->rc = STORE_ERROR;
	}
	u->email = col_str(q, 1, a);
	u->name = col_str(q, 2, a);
	u->password_hash = col_str(q, 4, a);
	u->lang = col_str(q, 5, a);
	u->created_at = col_int(q, 6);
	u->version = col_int(q, 7);
	return q->rc;
}

enum store_rc store_user_create(struct store_conn *c, const struct user *u, int64_t *id)
{
	const char *role = role_name(u->role);
	struct q q;

	if (!role) {
		store_log("user_create: role %#x is not one role", u->role);
		return STORE_ERROR;
	}
	q_start(&q, c, Q_USER_CREATE);
	q_text(&q, 1, u->email);
	q_text(&q, 2, u->name);
	q_text(&q, 3, role);
	q_text(&q, 4, u->password_hash);
	q_text(&q, 5, u->lang);
	q_int(&q, 6, u->created_at);
	return q_end(&q, q_insert(&q, id));
}

static enum store_rc user_get(struct q *q, struct arena *a, struct user *out)
{
	enum store_rc rc = q_one(q);

	if (rc == STORE_OK)
		rc = read_user(q, a, out);
	return q_end(q, rc);
}

enum store_rc store_user_by_email(struct store_conn *c, const char *email,
		struct arena *a, struct user *out)
{
	struct q q;

	q_start(&q, c, Q_USER_BY_EMAIL);
	q_text(&q, 1, email);
	return user_get(&q, a, out);
}

enum store_rc store_user_by_id(struct store_conn *c, int64_t id, struct arena *a,
		struct user *out)
{
	struct q q;

	q_start(&q, c, Q_USER_BY_ID);
	q_int(&q, 1, id);
	return user_get(&q, a, out);
}

/* user_row: read_user as a row_reader. */
static void user_row(struct q *q, struct arena *a, void *u)
{
	read_user(q, a, u);
}

enum store_rc store_user_list(struct store_conn *c, int64_t after, size_t max,
		struct arena *a, struct user **out, size_t *n)
{
	void *arr;
	enum store_rc rc;
	struct q q;

	q_start(&q, c, Q_USER_LIST);
	q_int(&q, 1, after);
	q_int(&q, 2, limit_of(max));
	rc = q_rows(&q, a, sizeof **out, user_row, &arr, n);
	*out = arr;
	return rc;
}

enum store_rc store_user_set_password(struct store_conn *c, int64_t id, const char *hash)
{
	struct q q;

	q_start(&q, c, Q_USER_SET_PASSWORD);
	q_int(&q, 1, id);
	q_text(&q, 2, hash);
	return q_end(&q, q_write(&q));
}

/* ---- sessions ---- */

enum store_rc store_session_create(struct store_conn *c, const struct session *s, int64_t *id)
{
	struct q q;

	q_start(&q, c, Q_SESSION_CREATE);
	q_bytes(&q, 1, s->token_hash, 32);
	q_ref(&q, 2, s->user_id);
	q_text(&q, 3, s->csrf);
	q_text(&q, 4, s->lang);
	q_int(&q, 5, s->created_at);
	q_int(&q, 6, s->expires_at);
	return q_end(&q, q_insert(&q, id));
}

static enum store_rc read_session(struct q *q, struct arena *a, struct session *out)
{
	const void *hash;
	size_t len;

	memset(out, 0, sizeof *out);
	out->id = col_int(q, 0);
	hash = col_bytes(q, 1, &len);
	if (q->rc == STORE_OK && (!hash || len != 32)) {
		store_log("session %lld: bad token hash", (long long)out->id);
		return q->rc = STORE_ERROR;
	}
	if (hash)
		memcpy(out->token_hash, hash, 32);
	out->user_id = col_int(q, 2);
	out->csrf = col_str(q, 3, a);
	out->lang = col_str(q, 4, a);
	out->created_at = col_int(q, 5);
	out->expires_at = col_int(q, 6);
	return q->rc;
}

enum store_rc store_session_by_hash(struct store_conn *c, const unsigned char hash[32],
		int64_t now, struct arena *a, struct session *out)
{
	struct q q;
	enum store_rc rc;

	q_start(&q, c, Q_SESSION_BY_HASH);
	q_bytes(&q, 1, hash, 32);
	q_int(&q, 2, now);
	if ((rc = q_one(&q)) == STORE_OK)
		rc = read_session(&q, a, out);
	return q_end(&q, rc);
}

enum store_rc store_session_login(struct store_conn *c, int64_t id, int64_t user_id,
		const unsigned char new_hash[32], const char *new_csrf, int64_t created_at,
		int64_t expires_at)
{
	struct q q;

	q_start(&q, c, Q_SESSION_LOGIN);
	q_int(&q, 1, id);
	q_ref(&q, 2, user_id);
	q_bytes(&q, 3, new_hash, 32);
	q_text(&q, 4, new_csrf);
	q_int(&q, 5, expires_at);
	q_int(&q, 6, created_at);
	return q_end(&q, q_write(&q));
}

enum store_rc store_session_extend(struct store_conn *c, int64_t id, int64_t expires_at)
{
	struct q q;

	q_start(&q, c, Q_SESSION_EXTEND);
	q_int(&q, 1, id);
	q_int(&q, 2, expires_at);
	return q_end(&q, q_write(&q));
}

/* by_int: run a write whose one parameter is an integer. */
static enum store_rc by_int(struct store_conn *c, enum query_id id, int64_t v)
{
	struct q q;

	q_start(&q, c, id);
	q_int(&q, 1, v);
	return q_end(&q, q_finish(&q));
}

/* write_counted: run a write with integer parameters v[0..n); *changed
 * (when not NULL) says how many rows it changed. */
static enum store_rc write_counted(struct store_conn *c, enum query_id id, const int64_t *v,
		int n, int64_t *changed)
{
	struct q q;
	enum store_rc rc;

	if (changed)
		*changed = 0;
	q_start(&q, c, id);
	for (int i = 0; i < n; i++)
		q_int(&q, i + 1, v[i]);
	rc = q_finish(&q);
	if (rc == STORE_OK && changed && q.sql)
		*changed = c->s->be->changes(&q);
	return q_end(&q, rc);
}

/* purge: a delete whose one parameter is a time. */
static enum store_rc purge(struct store_conn *c, enum query_id id, int64_t t, int64_t *removed)
{
	return write_counted(c, id, &t, 1, removed);
}

/* by_text: run a write whose one parameter is a string. */
static enum store_rc by_text(struct store_conn *c, enum query_id id, const char *v)
{
	struct q q;

	q_start(&q, c, id);
	q_text(&q, 1, v);
	return q_end(&q, q_finish(&q));
}

enum store_rc store_session_delete(struct store_conn *c, int64_t id)
{
	return by_int(c, Q_SESSION_DELETE, id);
}

enum store_rc store_sessions_end_user(struct store_conn *c, int64_t user_id, int64_t keep,
		int64_t *ended)
{
	const int64_t v[2] = { user_id, keep };

	return write_counted(c, Q_SESSION_DELETE_USER, v, 2, ended);
}

enum store_rc store_session_purge(struct store_conn *c, int64_t now, int64_t *removed)
{
	return purge(c, Q_SESSION_PURGE, now, removed);
}

/* ---- login throttle ---- */

enum store_rc store_login_failure_add(struct store_conn *c, const char *key, int64_t now)
{
	struct q q;

	q_start(&q, c, Q_LOGIN_FAILURE_ADD);
	q_text(&q, 1, key);
	q_int(&q, 2, now);
	return q_end(&q, q_finish(&q));
}

enum store_rc store_login_failures_since(struct store_conn *c, const char *key,
		int64_t since, int *count)
{
	struct q q;
	enum store_rc rc;
	int64_t v;

	*count = 0;
	q_start(&q, c, Q_LOGIN_FAILURES_SINCE);
	q_text(&q, 1, key);
	q_int(&q, 2, since);
	if ((rc = q_one(&q)) == STORE_OK) {
		v = col_int(&q, 0);
		*count = v > INT_MAX ? INT_MAX : (int)v;
		rc = q.rc;
	}
	return q_end(&q, rc);
}

enum store_rc store_login_failures_clear(struct store_conn *c, const char *key)
{
	return by_text(c, Q_LOGIN_FAILURES_CLEAR, key);
}

enum store_rc store_login_failures_purge(struct store_conn *c, int64_t before,
		int64_t *removed)
{
	return purge(c, Q_LOGIN_FAILURES_PURGE, before, removed);
}

/* ---- password reset ---- */

enum store_rc store_reset_create(struct store_conn *c, const unsigned char hash[32],
		int64_t user_id, int64_t expires_at)
{
	struct q q;

	q_start(&q, c, Q_RESET_CREATE);
	q_bytes(&q, 1, hash, 32);
	q_int(&q, 2, user_id);
	q_int(&q, 3, expires_at);
	return q_end(&q, q_finish(&q));
}

enum store_rc store_reset_take(struct store_conn *c, const unsigned char hash[32],
		int64_t now, int64_t *user_id)
{
	struct q q;

	*user_id = 0;
	q_start(&q, c, Q_RESET_TAKE);
	q_bytes(&q, 1, hash, 32);
	q_int(&q, 2, now);
	return q_end(&q, q_insert(&q, user_id));
}

enum store_rc store_resets_end_user(struct store_conn *c, int64_t user_id, int64_t now,
		int64_t *ended)
{
	const int64_t v[2] = { user_id, now };

	return write_counted(c, Q_RESET_END_USER, v, 2, ended);
}

enum store_rc store_resets_purge(struct store_conn *c, int64_t before, int64_t *removed)
{
	return purge(c, Q_RESET_PURGE, before, removed);
}

/* ---- outbox ---- */

enum store_rc store_outbox_add(struct store_conn *c, const struct mail *m, int64_t *id)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_ADD);
	q_text(&q, 1, m->to);
	q_text(&q, 2, m->subject);
	q_text(&q, 3, m->body);
	q_int(&q, 4, m->created_at);
	return q_end(&q, q_insert(&q, id));
}

enum store_rc store_outbox_withdraw(struct store_conn *c, int64_t id)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_WITHDRAW);
	q_int(&q, 1, id);
	return q_end(&q, q_write(&q));
}

/* read_mail: a row of MAIL_COLS (queries.c). */
static enum store_rc read_mail(struct q *q, struct arena *a, struct mail *out)
{
	int64_t attempts;

	out->id = col_int(q, 0);
	out->to = col_str(q, 1, a);
	out->subject = col_str(q, 2, a);
	out->body = col_str(q, 3, a);
	out->created_at = col_int(q, 4);
	out->sent_at = col_int(q, 5);
	attempts = col_int(q, 6);
	out->attempts = attempts > INT_MAX ? INT_MAX : (int)attempts;
	out->attempted_at = col_int(q, 7);
	out->last_error = col_str(q, 8, a);
	out->failed_at = col_int(q, 9);
	out->next_at = col_int(q, 10);
	return q->rc;
}

/* mail_one: the one mail q returns, or STORE_NOTFOUND. */
static enum store_rc mail_one(struct q *q, struct arena *a, struct mail *out)
{
	enum store_rc rc;

	memset(out, 0, sizeof *out);
	if ((rc = q_one(q)) == STORE_OK)
		rc = read_mail(q, a, out);
	/* a write with RETURNING runs to its end (store_impl.h, q_finish) */
	if (rc == STORE_OK)
		rc = q_finish(q);
	return q_end(q, rc);
}

enum store_rc store_outbox_latest(struct store_conn *c, const char *to, struct arena *a,
		struct mail *out)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_LATEST);
	q_text(&q, 1, to);
	return mail_one(&q, a, out);
}

enum store_rc store_outbox_claim(struct store_conn *c, const char *by, int64_t now,
		int64_t lease_until, struct arena *a, struct mail *out)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_CLAIM);
	q_text(&q, 1, by);
	q_int(&q, 2, now);
	q_int(&q, 3, lease_until);
	return mail_one(&q, a, out);
}

enum store_rc store_outbox_sent(struct store_conn *c, int64_t id, const char *by, int64_t now)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_SENT);
	q_int(&q, 1, id);
	q_text(&q, 2, by);
	q_int(&q, 3, now);
	return q_end(&q, q_write(&q));
}

enum store_rc store_outbox_attempt_failed(struct store_conn *c, int64_t id, const char *by,
		int64_t now, const char *error, int64_t retry_at)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_ATTEMPT_FAILED);
	q_int(&q, 1, id);
	q_text(&q, 2, by);
	q_int(&q, 3, now);
	q_int(&q, 4, retry_at);
	q_ref(&q, 5, retry_at ? 0 : now);
	q_text(&q, 6, error);
	return q_end(&q, q_write(&q));
}

enum store_rc store_outbox_counts(struct store_conn *c, struct outbox_counts *out)
{
	struct q q;
	enum store_rc rc;

	memset(out, 0, sizeof *out);
	q_start(&q, c, Q_OUTBOX_COUNTS);
	if ((rc = q_one(&q)) == STORE_OK) {
		out->sent = col_int(&q, 0);
		out->waiting = col_int(&q, 1);
		out->failed = col_int(&q, 2);
		rc = q.rc;
	}
	return q_end(&q, rc);
}

enum store_rc store_outbox_last_error(struct store_conn *c, struct arena *a, struct mail *out)
{
	struct q q;

	q_start(&q, c, Q_OUTBOX_LAST_ERROR);
	return mail_one(&q, a, out);
}

enum store_rc store_outbox_purge(struct store_conn *c, int64_t before, int64_t now,
		int64_t *removed)
{
	const int64_t v[2] = { before, now };

	return write_counted(c, Q_OUTBOX_PURGE, v, 2, removed);
}
