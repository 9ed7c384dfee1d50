/* sqlite.c - the SQLite backend of the store (struct backend, see
 * store_impl.h).
 *
 * Connections are opened with SQLITE_OPEN_NOMUTEX: SQLite does no locking
 * of its own because a connection is only ever used by the one thread that
 * acquired it from the pool.  Each connection runs in WAL mode with foreign
 * keys on, synchronous=NORMAL, a busy timeout and SQLite's defensive mode,
 * and keeps a prepared statement per query id (sqlite3_prepare_v3,
 * persistent), prepared on first use and reset with its bindings cleared
 * after each use.
 *
 * Result codes: BUSY and LOCKED are STORE_BUSY, FULL is STORE_FULL, a
 * unique or primary key violation is STORE_CONFLICT, a foreign key
 * violation (the referenced row does not exist) is STORE_NOTFOUND;
 * anything else is STORE_ERROR and logged to stderr with the query's name
 * and SQLite's message.
 */
#include "store_impl.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

static void db_log(sqlite3 *db, enum query_id id, int rc)
{
	store_log("%s: %s (%s, %d)", query_get(id)->name,
		  db ? sqlite3_errmsg(db) : "no connection", sqlite3_errstr(rc), rc);
}

static enum store_rc map_rc(sqlite3 *db, enum query_id id, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		db_log(db, id, rc);
		return STORE_FULL;
	}
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_CONFLICT;
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return STORE_NOTFOUND;
	db_log(db, id, rc);
	return STORE_ERROR;
}

static sqlite3 *db_of(struct store_conn *c)
{
	return c->db;
}

/* ---- statements ---- */

static int bind_one(sqlite3_stmt *st, int i, const struct param *p)
{
	/* SQLITE_STATIC: the caller's memory outlives the statement's use,
	 * and done() clears the bindings before q_end returns. */
	switch (p->type) {
	case PARAM_INT:
		return sqlite3_bind_int64(st, i, p->i);
	case PARAM_TEXT:
		return sqlite3_bind_text64(st, i, p->p, p->len, SQLITE_STATIC, SQLITE_UTF8);
	case PARAM_BYTES:
		return sqlite3_bind_blob64(st, i, p->p, p->len, SQLITE_STATIC);
	case PARAM_NULL:
		break;
	}
	return sqlite3_bind_null(st, i);
}

static enum store_rc sq_run(struct q *q)
{
	struct store_conn *c = q->c;
	sqlite3_stmt *st = c->stmt[q->id];
	int rc;

	if (!st) {
		rc = sqlite3_prepare_v3(db_of(c), q->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		if (rc != SQLITE_OK) {
			enum store_rc src = map_rc(db_of(c), q->id, rc);

			sqlite3_finalize(st);
			return src == STORE_OK ? STORE_ERROR : src;
		}
		c->stmt[q->id] = st;
	}
	q->cur = st;
	for (int i = 0; i < q->nparams; i++)
		if ((rc = bind_one(st, i + 1, &q->p[i])) != SQLITE_OK)
			return map_rc(db_of(c), q->id, rc);
	return STORE_OK;
}

static bool sq_next(struct q *q)
{
	int rc = sqlite3_step(q->cur);

	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		q->rc = map_rc(db_of(q->c), q->id, rc);
	return false;
}

static int64_t sq_col_int(struct q *q, int i)
{
	return sqlite3_column_int64(q->cur, i);
}

static const void *sq_col_bytes(struct q *q, int i, size_t *len)
{
	const void *p;

	if (sqlite3_column_type(q->cur, i) == SQLITE_NULL)
		return NULL;
	p = sqlite3_column_blob(q->cur, i);
	*len = (size_t)sqlite3_column_bytes(q->cur, i);
	return p ? p : "";
}

static int64_t sq_changes(struct q *q)
{
	return sqlite3_changes64(db_of(q->c));
}

static void sq_done(struct q *q)
{
	if (q->cur) {
		sqlite3_reset(q->cur);
		sqlite3_clear_bindings(q->cur);
	}
}

/* ---- connections ---- */

static void sq_conn_close(struct store_conn *c)
{
	for (size_t i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	memset(c->stmt, 0, sizeof c->stmt);
	if (sqlite3_close(db_of(c)) != SQLITE_OK)
		store_log("close: %s", sqlite3_errmsg(db_of(c)));
	c->db = NULL;
}

/* conn_wal: switch to WAL and check that it took (it does not for an
 * in-memory database, which a pool cannot share anyway). */
static bool conn_wal(struct store_conn *c)
{
	const char *mode;
	struct q q;
	size_t len;
	bool ok = false;

	q_start(&q, c, Q_PRAGMA_WAL);
	if (q_row(&q)) {
		mode = col_bytes(&q, 0, &len);
		ok = mode && len == 3 && sqlite3_strnicmp(mode, "wal", 3) == 0;
	}
	q_end(&q, STORE_OK);
	return ok;
}

/* conn_wal_waiting: conn_wal, tried again while another connection holds
 * the lock the switch needs.  SQLite does not call the busy handler for a
 * journal-mode change that meets a lock (it would risk a deadlock), so
 * connections opening one new database at once (a server's pool, several
 * processes) each wait here, up to STORE_BUSY_MS, as busy_timeout would. */
static bool conn_wal_waiting(struct store_conn *c)
{
	const struct timespec pause = {0, 5 * 1000 * 1000}; /* 5 ms */

	for (int waited = 0;; waited += 5) {
		int code;

		if (conn_wal(c))
			return true;
		code = sqlite3_errcode(db_of(c)) & 0xff;
		if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || waited >= STORE_BUSY_MS)
			return false;
		nanosleep(&pause, NULL);
	}
}

static bool sq_conn_open(struct store_conn *c, char *err, size_t n)
{
	const char *path = c->s->target;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	sqlite3 *db = NULL;
	int rc;

#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	c->db = db;
	if (rc != SQLITE_OK) {
		snprintf(err, n, "%s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	if (!conn_wal_waiting(c)) {
		snprintf(err, n, "%s: cannot use WAL mode: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	if (q_exec(c, Q_PRAGMA_FOREIGN_KEYS) != STORE_OK ||
	    q_exec(c, Q_PRAGMA_SYNCHRONOUS) != STORE_OK) {
		snprintf(err, n, "%s: %s", path, sqlite3_errmsg(db));
		goto fail;
	}
	return true;
fail:
	if (c->db)
		sq_conn_close(c);
	return false;
}

static void sq_conn_check(struct store_conn *c)
{
	(void)c; /* a file does not go away */
}

static bool sq_in_tx(struct store_conn *c)
{
	return !sqlite3_get_autocommit(db_of(c));
}

static const char *sq_errmsg(struct store_conn *c)
{
	return db_of(c) ? sqlite3_errmsg(db_of(c)) : "no connection";
}

/* sq_script: every statement of a migration, in order (constant text from
 * migrations.c, prepared one statement at a time, never cached). */
static enum store_rc sq_script(struct store_conn *c, const char *sql)
{
	int rc = SQLITE_OK;

	while (rc == SQLITE_OK && *sql) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;

		rc = sqlite3_prepare_v2(db_of(c), sql, -1, &st, &tail);
		if (rc == SQLITE_OK && st) {
			while ((rc = sqlite3_step(st)) == SQLITE_ROW)
				;
			if (rc == SQLITE_DONE)
				rc = SQLITE_OK;
		}
		sqlite3_finalize(st);
		if (!st || !tail)
			break;
		sql = tail;
	}
	return rc == SQLITE_OK ? STORE_OK : map_rc(db_of(c), Q_MIGRATIONS_INIT, rc);
}

static enum store_rc sq_busy_timeout(struct store_conn *c, int ms)
{
	return sqlite3_busy_timeout(db_of(c), ms) == SQLITE_OK ? STORE_OK : STORE_ERROR;
}

/* sq_freeze: max_page_count cannot go below the current size, so 1 means
 * "no growth" */
static enum store_rc sq_freeze(struct store_conn *c, bool on)
{
	return q_exec(c, on ? Q_PRAGMA_NO_GROWTH : Q_PRAGMA_GROWTH);
}

/* sq_closing: with the other connections closed nothing holds the WAL:
 * fold it back into the database file. */
static void sq_closing(struct store *s)
{
	enum store_rc rc;

	for (unsigned i = 1; i < s->n; i++)
		if (s->conns[i].db)
			sq_conn_close(&s->conns[i]);
	if (s->n && s->conns[0].db &&
	    (rc = q_exec(&s->conns[0], Q_PRAGMA_CHECKPOINT)) != STORE_OK)
		store_log("checkpoint at close: %s", store_rc_name(rc));
}

const struct backend backend_sqlite = {
	.name = "sqlite",
	.kind = STORE_SQLITE,
	.conn_open = sq_conn_open,
	.conn_close = sq_conn_close,
	.conn_check = sq_conn_check,
	.in_tx = sq_in_tx,
	.errmsg = sq_errmsg,
	.script = sq_script,
	.busy_timeout = sq_busy_timeout,
	.freeze = sq_freeze,
	.closing = sq_closing,
	.run = sq_run,
	.next = sq_next,
	.col_int = sq_col_int,
	.col_bytes = sq_col_bytes,
	.changes = sq_changes,
	.done = sq_done,
};
