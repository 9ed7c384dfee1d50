/* postgres.c - the PostgreSQL backend of the store (struct backend, see
 * store_impl.h), on libpq.
 *
 * One PGconn per pool connection, used by one thread at a time.  Each query
 * id is PQprepare'd once per session, under the query's name, on first use;
 * PQexecPrepared sends integers and text in text format and bytes (token
 * hashes, blobs) in binary, and asks for binary results, so integers are
 * read as what they are and bytea needs no unescaping.  The result stays in
 * the struct q until q_end; strings are copied into the caller's arena by
 * col_str.
 *
 * Sessions: the search_path is the URL's ?schema=NAME (if any) and
 * lock_timeout the busy timeout (5 s), so a statement waiting for a row
 * another transaction holds is STORE_BUSY after it.
 *
 * Result codes: by SQLSTATE (pg_sqlstate_rc).  A statement that fails inside
 * a transaction leaves the transaction failed on the server (25P02 for
 * anything but ROLLBACK): stmt.c keeps the first failure in c->tx_rc, later
 * statements return it without being sent, and store_commit rolls back and
 * returns it (a COMMIT would answer ROLLBACK without an error).
 *
 * A lost connection (the server restarted, an administrator terminated the
 * session) makes the statement STORE_BUSY; the next store_conn_acquire of
 * that connection reconnects once (PQreset) and sets the session up again.
 *
 * Deployment: the store keeps sessions (prepared statements, settings), so
 * a pooler between it and the server must be in session mode (PgBouncer's
 * transaction mode would mix them up); each server process holds its pool
 * (threads + 1) open, which counts against max_connections.  The database
 * must be UTF8 (checked at connect).
 */
#include "store_impl.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

/* type oids of pg_type (stable across releases) */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23

#define PG_VERSION_MIN 110000 /* EXECUTE FUNCTION in triggers (migration 1) */

static PGconn *pg_of(struct store_conn *c)
{
	return c->db;
}

enum store_rc pg_sqlstate_rc(const char *s)
{
	static const char *const busy[] = {
		"40001", /* serialization_failure */
		"40P01", /* deadlock_detected */
		"55P03", /* lock_not_available: lock_timeout */
		"57014", /* query_canceled: statement_timeout */
		"57P01", /* admin_shutdown */
		"57P02", /* crash_shutdown */
		"57P03", /* cannot_connect_now */
		"53300", /* too_many_connections */
	};

	if (!s || strlen(s) != 5)
		return STORE_ERROR;
	if (strcmp(s, "23505") == 0) /* unique_violation */
		return STORE_CONFLICT;
	if (strcmp(s, "23503") == 0) /* foreign_key_violation */
		return STORE_NOTFOUND;
	if (strcmp(s, "53100") == 0) /* disk_full */
		return STORE_FULL;
	if (strncmp(s, "08", 2) == 0) /* connection_exception */
		return STORE_BUSY;
	for (size_t i = 0; i < sizeof busy / sizeof busy[0]; i++)
		if (strcmp(s, busy[i]) == 0)
			return STORE_BUSY;
	return STORE_ERROR;
}

/* one_line: the length of msg's first line (libpq's messages end in a
 * newline and may run on over several). */
static int one_line(const char *msg)
{
	size_t n = msg ? strcspn(msg, "\r\n") : 0;

	return n > INT_MAX ? INT_MAX : (int)n;
}

/* pg_fail: the store_rc of a failed result (res may be NULL), logged when
 * it is an error, a full disk or a lost connection. */
static enum store_rc pg_fail(struct store_conn *c, enum query_id id, const PGresult *res)
{
	PGconn *pg = pg_of(c);
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	enum store_rc rc;

	if (!msg)
		msg = PQerrorMessage(pg);
	if (PQstatus(pg) == CONNECTION_BAD) {
		store_log("%s: connection lost: %.*s", query_get(id)->name, one_line(msg), msg);
		rc = STORE_BUSY;
	} else {
		rc = pg_sqlstate_rc(state);
		if (rc == STORE_ERROR || rc == STORE_FULL)
			store_log("%s: %.*s (SQLSTATE %s)", query_get(id)->name, one_line(msg), msg,
				  state ? state : "none");
	}
	return rc;
}

static bool result_ok(const PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	return res && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
}

/* ---- statements ---- */

/* grows: a statement that adds or rewrites rows (store_freeze_size). */
static bool grows(const char *sql)
{
	return strncmp(sql, "INSERT", 6) == 0 || strncmp(sql, "UPDATE", 6) == 0;
}

static enum store_rc pg_prepare(struct q *q)
{
	struct store_conn *c = q->c;
	PGresult *res;
	enum store_rc rc = STORE_OK;

	if (c->prepared[q->id])
		return STORE_OK;
	res = PQprepare(pg_of(c), query_get(q->id)->name, q->sql, 0, NULL);
	if (!result_ok(res)) {
		rc = pg_fail(c, q->id, res);
		if (rc == STORE_OK)
			rc = STORE_ERROR;
	} else {
		c->prepared[q->id] = true;
	}
	PQclear(res);
	return rc;
}

static enum store_rc pg_run(struct q *q)
{
	struct store_conn *c = q->c;
	const char *values[Q_PARAMS_MAX];
	int lengths[Q_PARAMS_MAX], formats[Q_PARAMS_MAX];
	char ints[Q_PARAMS_MAX][24];
	PGresult *res;
	enum store_rc rc;

	if (c->frozen && grows(q->sql)) {
		store_log("%s: fault injection: the database may not grow (as SQLSTATE 53100)",
			  query_get(q->id)->name);
		return pg_sqlstate_rc("53100");
	}
	if ((rc = pg_prepare(q)) != STORE_OK)
		return rc;
	for (int i = 0; i < q->nparams; i++) {
		const struct param *p = &q->p[i];

		values[i] = NULL;
		lengths[i] = 0;
		formats[i] = 0;
		switch (p->type) {
		case PARAM_NULL:
			break;
		case PARAM_INT:
			snprintf(ints[i], sizeof ints[i], "%" PRId64, p->i);
			values[i] = ints[i];
			break;
		case PARAM_TEXT:
			values[i] = p->p;
			break;
		case PARAM_BYTES:
			if (p->len > INT_MAX) {
				store_log("%s: parameter %d too large", query_get(q->id)->name, i + 1);
				return STORE_ERROR;
			}
			values[i] = p->p;
			lengths[i] = (int)p->len;
			formats[i] = 1;
			break;
		}
	}
	res = PQexecPrepared(pg_of(c), query_get(q->id)->name, q->nparams, values, lengths,
			     formats, 1);
	if (!result_ok(res)) {
		rc = pg_fail(c, q->id, res);
		PQclear(res);
		return rc == STORE_OK ? STORE_ERROR : rc;
	}
	q->cur = res;
	q->nrows = PQntuples(res);
	q->row = -1;
	return STORE_OK;
}

static bool pg_next(struct q *q)
{
	if (q->row + 1 >= q->nrows)
		return false;
	q->row++;
	return true;
}

static uint64_t be_uint(const unsigned char *v, int len)
{
	uint64_t u = 0;

	for (int i = 0; i < len; i++)
		u = u << 8 | v[i];
	return u;
}

static int64_t pg_col_int(struct q *q, int i)
{
	const PGresult *res = q->cur;
	const unsigned char *v;
	int len;

	if (q->row < 0 || i >= PQnfields(res) || PQgetisnull(res, q->row, i))
		return 0;
	v = (const unsigned char *)PQgetvalue(res, q->row, i);
	len = PQgetlength(res, q->row, i);
	switch (PQftype(res, i)) {
	case OID_INT8:
		if (len == 8)
			return (int64_t)be_uint(v, 8);
		break;
	case OID_INT4:
		if (len == 4)
			return (int32_t)(uint32_t)be_uint(v, 4);
		break;
	case OID_INT2:
		if (len == 2)
			return (int16_t)(uint16_t)be_uint(v, 2);
		break;
	case OID_BOOL:
		if (len == 1)
			return v[0] != 0;
		break;
	}
	store_log("%s: column %d is not an integer (type %u)", query_get(q->id)->name, i,
		  (unsigned)PQftype(res, i));
	q->rc = STORE_ERROR;
	return 0;
}

static const void *pg_col_bytes(struct q *q, int i, size_t *len)
{
	const PGresult *res = q->cur;
	int n;

	if (q->row < 0 || i >= PQnfields(res) || PQgetisnull(res, q->row, i))
		return NULL;
	n = PQgetlength(res, q->row, i);
	*len = n > 0 ? (size_t)n : 0;
	return PQgetvalue(res, q->row, i);
}

static int64_t pg_changes(struct q *q)
{
	const char *t = PQcmdTuples(q->cur);
	char *end;
	long long v;

	if (!t || !*t)
		return 0;
	v = strtoll(t, &end, 10);
	return *end ? 0 : v;
}

static void pg_done(struct q *q)
{
	PQclear(q->cur);
	q->nrows = 0;
	q->row = -1;
}

/* ---- connections ---- */

static void quiet(void *arg, const char *message)
{
	(void)arg, (void)message; /* NOTICEs ("already exists, skipping") are not errors */
}

/* session_setup: a new or reconnected session: nothing prepared yet, the
 * schema and the lock wait set. */
static enum store_rc session_setup(struct store_conn *c)
{
	enum store_rc rc = STORE_OK;
	struct q q;

	memset(c->prepared, 0, sizeof c->prepared);
	c->tx_rc = STORE_OK;
	c->frozen = false;
	c->tuned = false;
	PQsetNoticeProcessor(pg_of(c), quiet, NULL);
	PQsetErrorVerbosity(pg_of(c), PQERRORS_TERSE); /* no DETAIL: it may quote values */
	if (c->s->schema) {
		q_start(&q, c, Q_SET_SEARCH_PATH);
		q_text(&q, 1, c->s->schema);
		rc = q_end(&q, q_finish(&q));
	}
	if (rc == STORE_OK)
		rc = c->s->be->busy_timeout(c, STORE_BUSY_MS);
	return rc;
}

static void pg_conn_close(struct store_conn *c)
{
	PQfinish(pg_of(c));
	c->db = NULL;
}

static bool pg_conn_open(struct store_conn *c, char *err, size_t n)
{
	/* Later entries win: the URL may set its own application name and
	 * connect timeout, never another client encoding. */
	static const char *const keys[] = {
		"fallback_application_name", "connect_timeout", "dbname", "client_encoding", NULL,
	};
	const char *vals[] = { "yingcai", "10", c->s->target, "UTF8", NULL };
	PGconn *pg;
	const char *msg, *enc;

	if (!PQisthreadsafe()) {
		snprintf(err, n, "postgresql: libpq is not thread-safe");
		return false;
	}
	pg = PQconnectdbParams(keys, vals, 1);
	c->db = pg;
	if (!pg) {
		snprintf(err, n, "postgresql: out of memory");
		return false;
	}
	if (PQstatus(pg) != CONNECTION_OK) {
		msg = PQerrorMessage(pg);
		snprintf(err, n, "postgresql: %.*s", one_line(msg), msg);
		goto fail;
	}
	enc = PQparameterStatus(pg, "server_encoding");
	if (!enc || strcmp(enc, "UTF8") != 0) {
		snprintf(err, n, "postgresql: the database's encoding is %s: yingcai keeps "
			 "Chinese text and needs a UTF8 database (CREATE DATABASE ... ENCODING "
			 "'UTF8')", enc ? enc : "unknown");
		goto fail;
	}
	if (PQserverVersion(pg) < PG_VERSION_MIN) {
		snprintf(err, n, "postgresql: server version %d is too old: give 11 or newer",
			 PQserverVersion(pg));
		goto fail;
	}
	if (session_setup(c) != STORE_OK) {
		msg = PQerrorMessage(pg);
		snprintf(err, n, "postgresql: session setup: %.*s", one_line(msg), msg);
		goto fail;
	}
	return true;
fail:
	pg_conn_close(c);
	return false;
}

/* pg_conn_check: a server that closed the session while the connection
 * was idle has sent its goodbye, then EOF: two reads see both (libpq's
 * socket never blocks), and the connection is reconnected once if gone. */
static void pg_conn_check(struct store_conn *c)
{
	PGconn *pg = pg_of(c);
	const char *msg;

	for (int i = 0; i < 2 && PQstatus(pg) == CONNECTION_OK; i++)
		if (!PQconsumeInput(pg))
			break;
	if (PQstatus(pg) == CONNECTION_OK)
		return;
	store_log("connection lost: reconnecting");
	PQreset(pg);
	if (PQstatus(pg) != CONNECTION_OK) {
		msg = PQerrorMessage(pg);
		store_log("reconnect failed: %.*s", one_line(msg), msg);
		return;
	}
	if (session_setup(c) != STORE_OK) {
		msg = PQerrorMessage(pg);
		store_log("session setup after reconnecting: %.*s", one_line(msg), msg);
	}
}

static bool pg_in_tx(struct store_conn *c)
{
	PGTransactionStatusType st = PQtransactionStatus(pg_of(c));

	return st == PQTRANS_INTRANS || st == PQTRANS_INERROR || st == PQTRANS_ACTIVE;
}

static const char *pg_errmsg(struct store_conn *c)
{
	const char *msg = pg_of(c) ? PQerrorMessage(pg_of(c)) : NULL;

	if (!msg || !*msg)
		return "no message";
	if (strncmp(msg, "ERROR:  ", 8) == 0)
		msg += 8;
	snprintf(c->msg, sizeof c->msg, "%.*s", one_line(msg), msg);
	return c->msg;
}

/* pg_script: one migration, several statements: the simple query
 * protocol, inside the migration's transaction. */
static enum store_rc pg_script(struct store_conn *c, const char *sql)
{
	PGresult *res = PQexec(pg_of(c), sql);
	enum store_rc rc = STORE_OK;

	if (!result_ok(res)) {
		rc = pg_fail(c, Q_MIGRATIONS_INIT, res);
		if (rc == STORE_OK)
			rc = STORE_ERROR;
	}
	PQclear(res);
	return rc;
}

static enum store_rc pg_busy_timeout(struct store_conn *c, int ms)
{
	struct q q;

	q_start(&q, c, Q_SET_LOCK_TIMEOUT);
	q_int(&q, 1, ms);
	return q_end(&q, q_finish(&q));
}

static enum store_rc pg_freeze(struct store_conn *c, bool on)
{
	c->frozen = on;
	return STORE_OK;
}

static void pg_closing(struct store *s)
{
	(void)s;
}

const struct backend backend_pg = {
	.name = "postgresql",
	.kind = STORE_PG,
	.conn_open = pg_conn_open,
	.conn_close = pg_conn_close,
	.conn_check = pg_conn_check,
	.in_tx = pg_in_tx,
	.errmsg = pg_errmsg,
	.script = pg_script,
	.busy_timeout = pg_busy_timeout,
	.freeze = pg_freeze,
	.closing = pg_closing,
	.run = pg_run,
	.next = pg_next,
	.col_int = pg_col_int,
	.col_bytes = pg_col_bytes,
	.changes = pg_changes,
	.done = pg_done,
};
