/* sqlite.c - the SQLite backend of the store (see store.h).
 *
 * A struct store is a fixed pool of connections opened with
 * SQLITE_OPEN_NOMUTEX: SQLite does no locking of its own because a
 * connection is only ever used by the one thread that acquired it; the
 * pool's mutex and condition variable hand connections out and take them
 * back.  Each connection runs in WAL mode with foreign keys on,
 * synchronous=NORMAL, a busy timeout and SQLite's defensive mode, and keeps
 * a prepared statement per query id (queries.c), prepared on first use and
 * reset with its bindings cleared after each use.
 *
 * Result codes: BUSY and LOCKED are STORE_BUSY, FULL is STORE_FULL, a
 * unique or primary key violation is STORE_CONFLICT, a foreign key
 * violation (the referenced user does not exist) is STORE_NOTFOUND;
 * anything else is STORE_ERROR and logged to stderr with the query's name
 * and SQLite's message.
 */
#include "store.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "migrations.h"
#include "queries.h"

#define BUSY_MS 5000
#define POOL_MAX 64

struct store_conn {
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *stmt[Q__COUNT];
	bool tuned; /* busy timeout or size limit changed until release */
};

struct store {
	pthread_mutex_t mu;
	pthread_cond_t cv;     /* signalled when a connection comes back */
	unsigned n;            /* connections in the pool */
	unsigned nfree;
	struct store_conn **free; /* stack of nfree idle connections */
	struct store_conn *conns;
	char *blob_dir;
};

static void db_log(sqlite3 *db, enum query_id id, int rc)
{
	fprintf(stderr, "store: %s: %s (%s, %d)\n", query_get(id)->name,
		db ? sqlite3_errmsg(db) : "no connection", sqlite3_errstr(rc), rc);
}

static enum store_rc map_rc(struct store_conn *c, enum query_id id, int rc)
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
		db_log(c->db, id, rc);
		return STORE_FULL;
	}
	if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return STORE_CONFLICT;
	if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
		return STORE_NOTFOUND;
	db_log(c->db, id, rc);
	return STORE_ERROR;
}

/* ---- statements: start, bind, step, read, end ----
 * A failure latches in q->rc and makes later calls do nothing, so a
 * function can bind and read in a straight line and look once at the end. */

struct q {
	struct store_conn *c;
	enum query_id id;
	sqlite3_stmt *st;
	enum store_rc rc;
};

static void q_start(struct q *q, struct store_conn *c, enum query_id id)
{
	int rc;

	q->c = c;
	q->id = id;
	q->rc = STORE_OK;
	q->st = c->stmt[id];
	if (q->st)
		return;
	rc = sqlite3_prepare_v3(c->db, query_get(id)->sqlite, -1, SQLITE_PREPARE_PERSISTENT,
			&q->st, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(q->st);
		q->st = NULL;
		q->rc = map_rc(c, id, rc);
		if (q->rc == STORE_OK)
			q->rc = STORE_ERROR;
		return;
	}
	c->stmt[id] = q->st;
}

static void q_bound(struct q *q, int rc)
{
	if (rc != SQLITE_OK)
		q->rc = map_rc(q->c, q->id, rc);
}

static void q_int(struct q *q, int i, int64_t v)
{
	if (q->rc == STORE_OK)
		q_bound(q, sqlite3_bind_int64(q->st, i, v));
}

/* q_ref: an id where 0 means "none" (NULL), such as an anonymous session. */
static void q_ref(struct q *q, int i, int64_t v)
{
	if (q->rc == STORE_OK)
		q_bound(q, v ? sqlite3_bind_int64(q->st, i, v) : sqlite3_bind_null(q->st, i));
}

/* Bound SQLITE_STATIC: the caller's memory outlives the call, and q_end
 * clears the bindings before returning. */
static void q_text(struct q *q, int i, const char *v)
{
	if (q->rc == STORE_OK)
		q_bound(q, v ? sqlite3_bind_text(q->st, i, v, -1, SQLITE_STATIC)
			     : sqlite3_bind_null(q->st, i));
}

static void q_hash(struct q *q, int i, const unsigned char h[32])
{
	if (q->rc == STORE_OK)
		q_bound(q, sqlite3_bind_blob(q->st, i, h, 32, SQLITE_STATIC));
}

/* q_row: true with a row to read; false when the rows ran out or the
 * statement failed (then q->rc says how). */
static bool q_row(struct q *q)
{
	int rc;

	if (q->rc != STORE_OK)
		return false;
	rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		return true;
	if (rc != SQLITE_DONE)
		q->rc = map_rc(q->c, q->id, rc);
	return false;
}

/* q_one: STORE_OK with a row to read, STORE_NOTFOUND without, or the error. */
static enum store_rc q_one(struct q *q)
{
	if (q_row(q))
		return STORE_OK;
	return q->rc != STORE_OK ? q->rc : STORE_NOTFOUND;
}

/* q_finish: run the statement to its end.  A write with RETURNING has its
 * row read first; outside a transaction this last step is where the write
 * commits, and where a full disk shows. */
static enum store_rc q_finish(struct q *q)
{
	while (q_row(q))
		;
	return q->rc;
}

/* q_write: run a statement that changes rows; STORE_NOTFOUND if none changed. */
static enum store_rc q_write(struct q *q)
{
	enum store_rc rc = q_finish(q);

	if (rc == STORE_OK && sqlite3_changes(q->c->db) == 0)
		rc = STORE_NOTFOUND;
	return rc;
}

/* q_insert: a write ... RETURNING id; STORE_NOTFOUND if it returned no row. */
static enum store_rc q_insert(struct q *q, int64_t *id)
{
	enum store_rc rc = q_one(q);

	if (rc == STORE_OK && id)
		*id = sqlite3_column_int64(q->st, 0);
	return rc == STORE_OK ? q_finish(q) : rc;
}

static enum store_rc q_end(struct q *q, enum store_rc rc)
{
	if (q->st) {
		sqlite3_reset(q->st);
		sqlite3_clear_bindings(q->st);
	}
	return rc;
}

static int64_t col_int(struct q *q, int i)
{
	return sqlite3_column_int64(q->st, i);
}

/* col_str: column i copied into the arena; NULL for SQL NULL. */
static const char *col_str(struct q *q, int i, struct arena *a)
{
	const unsigned char *t;
	char *s;

	if (q->rc != STORE_OK || sqlite3_column_type(q->st, i) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(q->st, i);
	s = t ? arena_strndup(a, (const char *)t, (size_t)sqlite3_column_bytes(q->st, i)) : NULL;
	if (!s) {
		fprintf(stderr, "store: %s: out of memory\n", query_get(q->id)->name);
		q->rc = STORE_ERROR;
	}
	return s;
}

/* q_exec: a statement without parameters whose rows do not matter. */
static enum store_rc q_exec(struct store_conn *c, enum query_id id)
{
	struct q q;

	q_start(&q, c, id);
	return q_end(&q, q_finish(&q));
}

/* ---- opening, the pool, closing ---- */

static void conn_close(struct store_conn *c)
{
	for (size_t i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(c->stmt[i]);
	memset(c->stmt, 0, sizeof c->stmt);
	if (sqlite3_close(c->db) != SQLITE_OK)
		fprintf(stderr, "store: close: %s\n", sqlite3_errmsg(c->db));
	c->db = NULL;
}

/* conn_wal: switch to WAL and check that it took (it does not for an
 * in-memory database, which a pool cannot share anyway). */
static bool conn_wal(struct store_conn *c)
{
	const unsigned char *mode;
	struct q q;
	bool ok = false;

	q_start(&q, c, Q_PRAGMA_WAL);
	if (q_row(&q)) {
		mode = sqlite3_column_text(q.st, 0);
		ok = mode && sqlite3_stricmp((const char *)mode, "wal") == 0;
	}
	q_end(&q, STORE_OK);
	return ok;
}

static bool conn_open(struct store_conn *c, struct store *s, const char *path,
		char *err, size_t n)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc;

#ifdef SQLITE_OPEN_EXRESCODE
	flags |= SQLITE_OPEN_EXRESCODE;
#endif
	c->s = s;
	rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, n, "%s: %s", path, c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, BUSY_MS);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(c->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	if (!conn_wal(c)) {
		snprintf(err, n, "%s: cannot use WAL mode: %s", path, sqlite3_errmsg(c->db));
		goto fail;
	}
	if (q_exec(c, Q_PRAGMA_FOREIGN_KEYS) != STORE_OK ||
	    q_exec(c, Q_PRAGMA_SYNCHRONOUS) != STORE_OK) {
		snprintf(err, n, "%s: %s", path, sqlite3_errmsg(c->db));
		goto fail;
	}
	return true;
fail:
	if (c->db)
		conn_close(c);
	return false;
}

/* run_script: every statement of a migration, in order (constant text
 * from migrations.c, prepared one statement at a time, never cached). */
static int run_script(sqlite3 *db, const char *sql)
{
	int rc = SQLITE_OK;

	while (rc == SQLITE_OK && *sql) {
		sqlite3_stmt *st = NULL;
		const char *tail = NULL;

		rc = sqlite3_prepare_v2(db, sql, -1, &st, &tail);
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
	return rc;
}

static enum store_rc record_migration(struct store_conn *c, const struct migration *m)
{
	struct q q;

	q_start(&q, c, Q_MIGRATIONS_RECORD);
	q_int(&q, 1, m->number);
	q_text(&q, 2, m->name);
	q_int(&q, 3, (int64_t)time(NULL));
	return q_end(&q, q_finish(&q));
}

/* migrate: apply the migrations newer than the database, in one
 * transaction that also creates schema_migrations on a new database. */
static bool migrate(struct store_conn *c, char *err, size_t n)
{
	size_t count;
	const struct migration *m = migrations_all(&count);
	int have;

	if (store_begin_write(c) != STORE_OK) {
		snprintf(err, n, "migrations: cannot lock the database: %s", sqlite3_errmsg(c->db));
		return false;
	}
	if (q_exec(c, Q_MIGRATIONS_INIT) != STORE_OK || (have = store_schema_version(c)) < 0) {
		snprintf(err, n, "migrations: %s", sqlite3_errmsg(c->db));
		goto fail;
	}
	if (have > migrations_latest()) {
		snprintf(err, n, "the database has schema version %d, newer than this "
			 "program's %d: use a newer yingcai", have, migrations_latest());
		goto fail;
	}
	for (size_t i = 0; i < count; i++) {
		if (m[i].number <= have)
			continue;
		if (run_script(c->db, m[i].sqlite) != SQLITE_OK ||
		    record_migration(c, &m[i]) != STORE_OK) {
			snprintf(err, n, "migration %d (%s): %s", m[i].number, m[i].name,
				 sqlite3_errmsg(c->db));
			goto fail;
		}
	}
	if (store_commit(c) != STORE_OK) {
		snprintf(err, n, "migrations: commit: %s", sqlite3_errmsg(c->db));
		return false;
	}
	return true;
fail:
	store_rollback(c);
	return false;
}

/* url_path: the file name in "sqlite:PATH" or a bare PATH. */
static const char *url_path(const char *url, char *err, size_t n)
{
	if (!url || !*url) {
		snprintf(err, n, "no database given");
		return NULL;
	}
	if (strncmp(url, "postgresql:", 11) == 0 || strncmp(url, "postgres:", 9) == 0) {
		snprintf(err, n, "PostgreSQL backend not built yet");
		return NULL;
	}
	if (strncmp(url, "sqlite:", 7) == 0)
		url += 7;
	if (!*url) {
		snprintf(err, n, "no database file given after \"sqlite:\"");
		return NULL;
	}
	return url;
}

static void store_free(struct store *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->conns[i].db)
			conn_close(&s->conns[i]);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->conns);
	free(s->free);
	free(s->blob_dir);
	free(s);
}

static struct store *store_alloc(unsigned pool, const char *blob_dir)
{
	struct store *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return NULL;
	}
	if (pthread_cond_init(&s->cv, NULL) != 0) {
		pthread_mutex_destroy(&s->mu);
		free(s);
		return NULL;
	}
	s->conns = calloc(pool, sizeof *s->conns);
	s->free = calloc(pool, sizeof *s->free);
	s->blob_dir = blob_dir ? strdup(blob_dir) : NULL;
	if (!s->conns || !s->free || (blob_dir && !s->blob_dir)) {
		store_free(s);
		return NULL;
	}
	s->n = pool;
	return s;
}

static bool blob_dir_make(const char *dir, char *err, size_t n)
{
	struct stat st;

	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, n, "blob directory %s: %s", dir, strerror(errno));
		return false;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, n, "blob directory %s is not a directory", dir);
		return false;
	}
	return true;
}

struct store *store_open(const char *url, const char *blob_dir, unsigned pool,
		char *err, size_t n)
{
	const char *path = url_path(url, err, n);
	struct store *s;

	if (!path)
		return NULL;
	if (pool < 1 || pool > POOL_MAX) {
		snprintf(err, n, "a pool of %u connections: give 1 to %d", pool, POOL_MAX);
		return NULL;
	}
	if (!sqlite3_threadsafe() || sodium_init() < 0) {
		snprintf(err, n, "SQLite is not thread-safe or libsodium failed to start");
		return NULL;
	}
	if (blob_dir && !blob_dir_make(blob_dir, err, n))
		return NULL;
	if (!(s = store_alloc(pool, blob_dir))) {
		snprintf(err, n, "out of memory");
		return NULL;
	}
	/* The first connection migrates; the others open a current schema. */
	for (unsigned i = 0; i < pool; i++) {
		if (!conn_open(&s->conns[i], s, path, err, n))
			goto fail;
		if (i == 0 && !migrate(&s->conns[0], err, n))
			goto fail;
		s->free[s->nfree++] = &s->conns[i];
	}
	return s;
fail:
	store_free(s);
	return NULL;
}

void store_close(struct store *s)
{
	enum store_rc rc;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	while (s->nfree < s->n)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	/* With the others closed, nothing holds the WAL: fold it back in. */
	for (unsigned i = 1; i < s->n; i++)
		conn_close(&s->conns[i]);
	if ((rc = q_exec(&s->conns[0], Q_PRAGMA_CHECKPOINT)) != STORE_OK)
		fprintf(stderr, "store: checkpoint at close: %s\n", store_rc_name(rc));
	store_free(s);
}

const char *store_blob_dir(const struct store *s)
{
	return s ? s->blob_dir : NULL;
}

struct store_conn *store_conn_acquire(struct store *s)
{
	struct store_conn *c;

	pthread_mutex_lock(&s->mu);
	while (s->nfree == 0)
		pthread_cond_wait(&s->cv, &s->mu);
	c = s->free[--s->nfree];
	pthread_mutex_unlock(&s->mu);
	return c;
}

void store_conn_release(struct store_conn *c)
{
	struct store *s;

	if (!c)
		return;
	s = c->s;
	if (!sqlite3_get_autocommit(c->db)) {
		fprintf(stderr, "store: connection released inside a transaction: rolled back\n");
		store_rollback(c);
	}
	if (c->tuned) {
		sqlite3_busy_timeout(c->db, BUSY_MS);
		q_exec(c, Q_PRAGMA_GROWTH);
		c->tuned = false;
	}
	pthread_mutex_lock(&s->mu);
	s->free[s->nfree++] = c;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

enum store_rc store_set_busy_timeout(struct store_conn *c, int ms)
{
	c->tuned = true;
	if (sqlite3_busy_timeout(c->db, ms) != SQLITE_OK)
		return STORE_ERROR;
	return STORE_OK;
}

enum store_rc store_freeze_size(struct store_conn *c)
{
	c->tuned = true;
	return q_exec(c, Q_PRAGMA_NO_GROWTH);
}

int store_schema_version(struct store_conn *c)
{
	struct q q;
	enum store_rc rc;
	int64_t v = -1;

	q_start(&q, c, Q_MIGRATIONS_VERSION);
	if ((rc = q_one(&q)) == STORE_OK)
		v = col_int(&q, 0);
	q_end(&q, rc);
	return v >= 0 && v <= INT_MAX ? (int)v : -1;
}

/* ---- transactions ---- */

enum store_rc store_begin(struct store_conn *c)
{
	return q_exec(c, Q_BEGIN);
}

enum store_rc store_begin_write(struct store_conn *c)
{
	return q_exec(c, Q_BEGIN_WRITE);
}

enum store_rc store_commit(struct store_conn *c)
{
	enum store_rc rc = q_exec(c, Q_COMMIT);

	if (rc != STORE_OK)
		store_rollback(c);
	return rc;
}

void store_rollback(struct store_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		q_exec(c, Q_ROLLBACK);
}

/* ---- accounts ---- */

static enum store_rc read_user(struct q *q, struct arena *a, struct user *u)
{
	const unsigned char *role = sqlite3_column_text(q->st, 3);

	memset(u, 0, sizeof *u);
	u->id = col_int(q, 0);
	u->role = role_parse((const char *)role);
	if (!u->role) {
		fprintf(stderr, "store: user %lld has an unknown role \"%s\"\n",
			(long long)u->id, role ? (const char *)role : "");
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
		fprintf(stderr, "store: user_create: role %#x is not one role\n", u->role);
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
	q_hash(&q, 1, s->token_hash);
	q_ref(&q, 2, s->user_id);
	q_text(&q, 3, s->csrf);
	q_text(&q, 4, s->lang);
	q_int(&q, 5, s->created_at);
	q_int(&q, 6, s->expires_at);
	return q_end(&q, q_insert(&q, id));
}

static enum store_rc read_session(struct q *q, struct arena *a, struct session *out)
{
	memset(out, 0, sizeof *out);
	out->id = col_int(q, 0);
	if (sqlite3_column_bytes(q->st, 1) != 32) {
		fprintf(stderr, "store: session %lld: bad token hash\n", (long long)out->id);
		return q->rc = STORE_ERROR;
	}
	memcpy(out->token_hash, sqlite3_column_blob(q->st, 1), 32);
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
	q_hash(&q, 1, hash);
	q_int(&q, 2, now);
	if ((rc = q_one(&q)) == STORE_OK)
		rc = read_session(&q, a, out);
	return q_end(&q, rc);
}

enum store_rc store_session_login(struct store_conn *c, int64_t id, int64_t user_id,
		const unsigned char new_hash[32], const char *new_csrf, int64_t expires_at)
{
	struct q q;

	q_start(&q, c, Q_SESSION_LOGIN);
	q_int(&q, 1, id);
	q_ref(&q, 2, user_id);
	q_hash(&q, 3, new_hash);
	q_text(&q, 4, new_csrf);
	q_int(&q, 5, expires_at);
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

enum store_rc store_session_delete(struct store_conn *c, int64_t id)
{
	return by_int(c, Q_SESSION_DELETE, id);
}

enum store_rc store_session_purge(struct store_conn *c, int64_t now)
{
	return by_int(c, Q_SESSION_PURGE, now);
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
	}
	return q_end(&q, rc);
}

enum store_rc store_login_failures_clear(struct store_conn *c, const char *key)
{
	struct q q;

	q_start(&q, c, Q_LOGIN_FAILURES_CLEAR);
	q_text(&q, 1, key);
	return q_end(&q, q_finish(&q));
}

enum store_rc store_login_failures_purge(struct store_conn *c, int64_t before)
{
	return by_int(c, Q_LOGIN_FAILURES_PURGE, before);
}

/* ---- password reset ---- */

enum store_rc store_reset_create(struct store_conn *c, const unsigned char hash[32],
		int64_t user_id, int64_t expires_at)
{
	struct q q;

	q_start(&q, c, Q_RESET_CREATE);
	q_hash(&q, 1, hash);
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
	q_hash(&q, 1, hash);
	q_int(&q, 2, now);
	return q_end(&q, q_insert(&q, user_id));
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

enum store_rc store_outbox_latest(struct store_conn *c, const char *to, struct arena *a,
		struct mail *out)
{
	struct q q;
	enum store_rc rc;

	memset(out, 0, sizeof *out);
	q_start(&q, c, Q_OUTBOX_LATEST);
	q_text(&q, 1, to);
	if ((rc = q_one(&q)) == STORE_OK) {
		out->id = col_int(&q, 0);
		out->to = col_str(&q, 1, a);
		out->subject = col_str(&q, 2, a);
		out->body = col_str(&q, 3, a);
		out->created_at = col_int(&q, 4);
		out->sent_at = col_int(&q, 5);
		rc = q.rc;
	}
	return q_end(&q, rc);
}

/* ---- lists: rows into a growing arena array ---- */

/* list_slot: room for element n of an array of elements of size sz. */
static void *list_slot(struct q *q, struct arena *a, void **arr, size_t *cap, size_t n,
		size_t sz)
{
	if (n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		void *p = arena_array(a, ncap, sz);

		if (!p) {
			fprintf(stderr, "store: %s: out of memory\n", query_get(q->id)->name);
			q->rc = STORE_ERROR;
			return NULL;
		}
		if (n)
			memcpy(p, *arr, n * sz);
		*arr = p;
		*cap = ncap;
	}
	return (char *)*arr + n * sz;
}

/* list_end: how the rows ended; on failure *n is 0. */
static enum store_rc list_end(struct q *q, size_t *n)
{
	if (q->rc != STORE_OK)
		*n = 0;
	return q_end(q, q->rc);
}

static int64_t limit_of(size_t max)
{
	return max > INT64_MAX ? INT64_MAX : (int64_t)max;
}

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

enum store_rc store_audit_list(struct store_conn *c, const char *subject, size_t max,
		struct arena *a, struct audit_entry **out, size_t *n)
{
	struct audit_entry *e;
	void *arr = NULL;
	size_t cap = 0;
	enum store_rc rc;
	struct q q;

	*out = NULL;
	*n = 0;
	q_start(&q, c, Q_AUDIT_BY_SUBJECT);
	q_text(&q, 1, subject);
	q_int(&q, 2, limit_of(max));
	while (q_row(&q) && (e = list_slot(&q, a, &arr, &cap, *n, sizeof *e))) {
		e->at = col_int(&q, 0);
		e->actor = col_int(&q, 1);
		e->action = col_str(&q, 2, a);
		e->subject = col_str(&q, 3, a);
		e->before = col_str(&q, 4, a);
		e->after = col_str(&q, 5, a);
		(*n)++;
	}
	rc = list_end(&q, n);
	*out = rc == STORE_OK ? arr : NULL;
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

static void read_application(struct q *q, struct arena *a, struct application_rec *r)
{
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
	struct application_rec *r;
	void *arr = NULL;
	size_t cap = 0;
	enum store_rc rc;
	struct q q;

	*out = NULL;
	*n = 0;
	q_start(&q, c, Q_APPLICATION_LIST);
	q_int(&q, 1, owner_id);
	q_int(&q, 2, limit_of(max));
	while (q_row(&q) && (r = list_slot(&q, a, &arr, &cap, *n, sizeof *r))) {
		read_application(&q, a, r);
		(*n)++;
	}
	rc = list_end(&q, n);
	*out = rc == STORE_OK ? arr : NULL;
	return rc;
}
