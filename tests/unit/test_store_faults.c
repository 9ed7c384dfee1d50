/* test_store_faults.c - the store (store/store.h) when things go wrong, on
 * both backends: transactions rolled back, a database busy or full on
 * every write path, writers in conflict, concurrent writers through a
 * small pool, closing while connections are out, a lost PostgreSQL
 * connection.
 *
 * Every test with a fixture runs on SQLite, and again on PostgreSQL when
 * YINGCAI_TEST_PG is a postgresql:// URL (scripts/pg-cluster start DIR
 * prints one); YINGCAI_TEST_BACKEND=sqlite or =postgresql runs the tests of
 * one backend only (scripts/run-tests runs the PostgreSQL half apart).
 * Test names say the backend: "sqlite/test_busy", "postgresql/test_busy".
 *
 * Each test has a database of its own (storefx.h).
 *
 * Fault injection: a second pool connection holding the write lock
 * (SQLite) or rows (PostgreSQL) makes write paths return STORE_BUSY;
 * store_freeze_size makes every growing write return STORE_FULL.
 */
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testfs.h"

#include "backends.h"
#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/migrations.h"
#include "store/queries.h"
#include "store/store.h"
#include "store/store_impl.h"

#include "storefx.h"

/* ---- transactions ---- */

static void test_transactions(void **state)
{
	struct fx *f = *state;
	struct user got;
	int64_t a, b;

	assert_int_equal(store_begin_write(f->c), STORE_OK);
	a = add_user(f, f->c, "Rolled back");
	store_rollback(f->c);
	assert_int_equal(store_user_by_id(f->c, a, &f->a, &got), STORE_NOTFOUND);
	store_rollback(f->c); /* no transaction: harmless */

	assert_int_equal(store_begin(f->c), STORE_OK);
	b = add_user(f, f->c, "Kept");
	assert_int_equal(store_commit(f->c), STORE_OK);
	assert_int_equal(store_user_by_id(f->c, b, &f->a, &got), STORE_OK);

	/* a connection given back inside a transaction is rolled back */
	assert_int_equal(store_begin_write(f->c), STORE_OK);
	a = add_user(f, f->c, "Forgotten");
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(store_user_by_id(f->c, a, &f->a, &got), STORE_NOTFOUND);
	assert_int_equal(store_begin_write(f->c), STORE_OK); /* and usable */
	assert_int_equal(store_commit(f->c), STORE_OK);
}

/* ---- every write path, busy and full ---- */

struct write_op {
	const char *name;
	bool grows; /* writes new data: fails when the database cannot grow */
	enum store_rc ok; /* its result when nothing is in the way */
	enum store_rc (*run)(struct fx *f, struct store_conn *c, const char *payload);
};

static enum store_rc op_user_create(struct fx *f, struct store_conn *c, const char *p)
{
	char email[64];

	snprintf(email, sizeof email, "op%u@example.org", ++f->counter);
	return store_user_create(c, &(struct user){ .email = email, .name = p,
		.role = ROLE_REVIEWER, .password_hash = "h", .lang = "en" }, NULL);
}

static enum store_rc op_set_password(struct fx *f, struct store_conn *c, const char *p)
{
	return store_user_set_password(c, f->user, p);
}

static enum store_rc op_session_create(struct fx *f, struct store_conn *c, const char *p)
{
	struct session s = { .user_id = f->user, .csrf = p, .lang = "en", .expires_at = 9 };

	fill_hash(f, s.token_hash);
	return store_session_create(c, &s, NULL);
}

static enum store_rc op_session_purge(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f, (void)p;
	return store_session_purge(c, 1, NULL);
}

static enum store_rc op_failure_add(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_login_failure_add(c, p, 1);
}

static enum store_rc op_failures_clear(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_login_failures_clear(c, p);
}

static enum store_rc op_reset_create(struct fx *f, struct store_conn *c, const char *p)
{
	unsigned char h[32];

	(void)p;
	fill_hash(f, h);
	return store_reset_create(c, h, f->user, 9);
}

static enum store_rc op_reset_take(struct fx *f, struct store_conn *c, const char *p)
{
	unsigned char h[32];
	int64_t uid;

	(void)p;
	fill_hash(f, h);
	return store_reset_take(c, h, 1, &uid);
}

static enum store_rc op_outbox_add(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_outbox_add(c, &(struct mail){ .to = "x@example.org", .subject = "s",
		.body = p }, NULL);
}

static enum store_rc op_audit_add(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_audit_add(c, &(struct audit_entry){ .action = "t", .subject = "t",
		.after = p });
}

static enum store_rc op_enterprise_put(struct fx *f, struct store_conn *c, const char *p)
{
	(void)f;
	return store_enterprise_put(c, &(struct enterprise_rec){ .uscc = "91110000600037341L",
		.name = "N", .note = p });
}

static enum store_rc op_application_create(struct fx *f, struct store_conn *c, const char *p)
{
	return store_application_create(c, &(struct application_rec){ .owner_id = f->user,
		.programme = "zgc", .status = "draft", .data = p }, NULL);
}

static const struct write_op write_ops[] = {
	{ "user_create", true, STORE_OK, op_user_create },
	{ "user_set_password", true, STORE_OK, op_set_password },
	{ "session_create", true, STORE_OK, op_session_create },
	{ "session_purge", false, STORE_OK, op_session_purge },
	{ "login_failure_add", true, STORE_OK, op_failure_add },
	{ "login_failures_clear", false, STORE_OK, op_failures_clear },
	{ "reset_create", false, STORE_OK, op_reset_create },
	{ "reset_take", false, STORE_NOTFOUND, op_reset_take },
	{ "outbox_add", true, STORE_OK, op_outbox_add },
	{ "audit_add", true, STORE_OK, op_audit_add },
	{ "enterprise_put", true, STORE_OK, op_enterprise_put },
	{ "application_create", true, STORE_OK, op_application_create },
};
#define WRITE_OPS_N (sizeof write_ops / sizeof write_ops[0])

/* A connection held by another use case: SQLite has one writer at a time,
 * so every write path waits for the busy timeout and gives up; reads go
 * on (WAL). */
static void busy_sqlite(struct fx *f)
{
	struct store_conn *other = store_conn_acquire(f->s);
	struct timespec t0;
	struct application_rec app;
	int64_t app_id;

	assert_int_equal(store_application_create(f->c, &(struct application_rec){
		.owner_id = f->user, .programme = "zgc", .status = "draft", .data = "{}" },
		&app_id), STORE_OK);
	assert_int_equal(store_begin_write(other), STORE_OK);
	assert_int_equal(store_set_busy_timeout(f->c, 50), STORE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_begin_write(f->c), STORE_BUSY);
	assert_true(ms_since(&t0) >= 40); /* it waited for the timeout before giving up */
	for (size_t i = 0; i < WRITE_OPS_N; i++) {
		enum store_rc rc = write_ops[i].run(f, f->c, "x");

		if (rc != STORE_BUSY)
			fail_msg("%s: %s, want busy", write_ops[i].name, store_rc_name(rc));
	}
	/* reads still work under a writer (WAL); an update is busy */
	assert_int_equal(store_application_get(f->c, app_id, &f->a, &app), STORE_OK);
	assert_int_equal(store_application_update(f->c, &app), STORE_BUSY);
	assert_int_equal(store_enterprise_put(f->c, &(struct enterprise_rec){
		.uscc = "91110000600037341L", .name = "N", .version = 1 }), STORE_BUSY);
	store_rollback(other);
	for (size_t i = 0; i < WRITE_OPS_N; i++)
		assert_int_equal(write_ops[i].run(f, f->c, "y"), write_ops[i].ok);
	assert_int_equal(store_application_update(f->c, &app), STORE_OK);
	store_conn_release(other);
}

/* PostgreSQL locks rows, not the database: a write that needs a row (or a
 * unique key) another transaction holds waits lock_timeout (the busy
 * timeout) and gives up; other writes and every read go on. */
static void busy_pg(struct fx *f)
{
	struct store_conn *other = store_conn_acquire(f->s);
	struct enterprise_rec ent = { .uscc = "91110000600037341L", .name = "N" };
	struct user held = { .email = "held@example.org", .name = "H", .role = ROLE_EXPERT,
		.password_hash = "h", .lang = "en" };
	struct application_rec app, mine;
	struct timespec t0;
	int64_t app_id;
	struct user u;

	assert_int_equal(store_application_create(f->c, &(struct application_rec){
		.owner_id = f->user, .programme = "zgc", .status = "draft", .data = "{}" },
		&app_id), STORE_OK);
	assert_int_equal(store_enterprise_put(f->c, &ent), STORE_OK);
	assert_int_equal(store_application_get(f->c, app_id, &f->a, &app), STORE_OK);
	mine = app;
	/* the other use case changes the user, the application, the
	 * enterprise and takes an e-mail, and does not commit yet */
	assert_int_equal(store_begin_write(other), STORE_OK);
	assert_int_equal(store_user_set_password(other, f->user, "other"), STORE_OK);
	assert_int_equal(store_application_update(other, &app), STORE_OK);
	assert_int_equal(store_enterprise_put(other, &ent), STORE_OK);
	assert_int_equal(store_user_create(other, &held, NULL), STORE_OK);

	assert_int_equal(store_set_busy_timeout(f->c, 50), STORE_OK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(store_user_set_password(f->c, f->user, "mine"), STORE_BUSY);
	assert_true(ms_since(&t0) >= 40); /* it waited for the timeout before giving up */
	assert_int_equal(store_application_update(f->c, &mine), STORE_BUSY);
	ent.version = 1;
	assert_int_equal(store_enterprise_put(f->c, &ent), STORE_BUSY);
	ent.version = 0;
	assert_int_equal(store_enterprise_put(f->c, &ent), STORE_BUSY);
	assert_int_equal(store_user_create(f->c, &held, NULL), STORE_BUSY);
	/* reads see the last committed state */
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &u), STORE_OK);
	assert_string_equal(u.password_hash, "$argon2id$x");
	assert_int_equal(store_application_get(f->c, app_id, &f->a, &app), STORE_OK);
	assert_int_equal(app.version, 1);
	/* inside a transaction the first busy statement fails it */
	assert_int_equal(store_begin_write(f->c), STORE_OK);
	assert_int_equal(store_user_set_password(f->c, f->user, "mine"), STORE_BUSY);
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &u), STORE_BUSY);
	assert_int_equal(store_commit(f->c), STORE_BUSY);

	store_rollback(other);
	for (size_t i = 0; i < WRITE_OPS_N; i++)
		assert_int_equal(write_ops[i].run(f, f->c, "y"), write_ops[i].ok);
	assert_int_equal(store_application_update(f->c, &mine), STORE_OK);
	assert_int_equal(store_user_create(f->c, &held, NULL), STORE_OK);
	store_conn_release(other);
}

static void test_busy(void **state)
{
	struct fx *f = *state;

	if (f->be == BE_SQLITE)
		busy_sqlite(f);
	else
		busy_pg(f);
}

/* Two use cases "add a login failure unless there is one" at once: one of
 * them gets STORE_BUSY and leaves nothing behind; run again, it sees what
 * the other did.  SQLite: the second cannot begin while the first writes.
 * PostgreSQL (SERIALIZABLE): both begin and read; the second fails when it
 * writes or commits (40001). */
static void test_conflicting_writers(void **state)
{
	struct fx *f = *state;
	struct store_conn *c2 = store_conn_acquire(f->s);
	enum store_rc rc;
	int n = -1;

	assert_int_equal(store_begin_write(f->c), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:9", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_set_busy_timeout(c2, 50), STORE_OK);
	rc = store_begin_write(c2);
	if (f->be == BE_SQLITE) {
		assert_int_equal(rc, STORE_BUSY);
	} else {
		assert_int_equal(rc, STORE_OK);
		assert_int_equal(store_login_failures_since(c2, "ip:9", 0, &n), STORE_OK);
		assert_int_equal(n, 0);
	}
	assert_int_equal(store_login_failure_add(f->c, "ip:9", 1), STORE_OK);
	assert_int_equal(store_commit(f->c), STORE_OK);
	if (f->be == BE_PG) {
		rc = store_login_failure_add(c2, "ip:9", 2);
		if (rc == STORE_OK) {
			rc = store_commit(c2);
		} else {
			/* failed: nothing more runs in it; commit rolls back and says why */
			assert_int_equal(store_login_failures_since(c2, "ip:9", 0, &n), rc);
			assert_int_equal(store_commit(c2), rc);
		}
		assert_int_equal(rc, STORE_BUSY);
	}
	assert_int_equal(store_begin_write(c2), STORE_OK);
	assert_int_equal(store_login_failures_since(c2, "ip:9", 0, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_commit(c2), STORE_OK);
	store_conn_release(c2);
}

/* A unique conflict inside a transaction fails the transaction, on both
 * backends alike: nothing else runs in it, commit rolls back and says so. */
static void test_conflict_in_tx(void **state)
{
	struct fx *f = *state;
	struct user u = { .email = "tx@example.org", .name = "Tx", .role = ROLE_EXPERT,
		.password_hash = "h", .lang = "en" };
	struct user got;
	int64_t first = 0, id;

	assert_int_equal(store_begin_write(f->c), STORE_OK);
	assert_int_equal(store_user_create(f->c, &u, &first), STORE_OK);
	assert_int_equal(store_user_create(f->c, &u, NULL), STORE_CONFLICT);
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &got), STORE_CONFLICT);
	assert_int_equal(store_commit(f->c), STORE_CONFLICT);
	assert_int_equal(store_user_by_id(f->c, first, &f->a, &got), STORE_NOTFOUND);
	/* a lookup that finds nothing does not fail a transaction */
	assert_int_equal(store_begin_write(f->c), STORE_OK);
	assert_int_equal(store_user_by_email(f->c, "nobody@example.org", &f->a, &got),
			 STORE_NOTFOUND);
	assert_int_equal(store_user_create(f->c, &u, &id), STORE_OK);
	assert_int_equal(store_commit(f->c), STORE_OK);
	assert_int_equal(store_user_by_id(f->c, id, &f->a, &got), STORE_OK);
	/* outside a transaction a failure fails that statement only */
	assert_int_equal(store_user_create(f->c, &u, NULL), STORE_CONFLICT);
	assert_int_equal(store_user_by_id(f->c, id, &f->a, &got), STORE_OK);
}

static void test_full(void **state)
{
	struct fx *f = *state;
	/* SQLite: big enough to need new pages.  PostgreSQL: the freeze is
	 * injected, size does not matter, and a login-throttle key must stay
	 * indexable (a btree entry is at most ~2.7 KB there). */
	size_t big = f->be == BE_SQLITE ? 256 * 1024 : 2000;
	char *payload = malloc(big + 1);
	int n;

	assert_non_null(payload);
	memset(payload, 'p', big);
	payload[big] = '\0';
	assert_int_equal(store_freeze_size(f->c), STORE_OK);
	for (size_t i = 0; i < WRITE_OPS_N; i++) {
		enum store_rc rc;

		if (!write_ops[i].grows)
			continue;
		rc = write_ops[i].run(f, f->c, payload);
		if (rc != STORE_FULL)
			fail_msg("%s: %s, want full", write_ops[i].name, store_rc_name(rc));
	}
	/* nothing half-written; after release the database grows again */
	assert_int_equal(store_login_failures_since(f->c, payload, 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	for (size_t i = 0; i < WRITE_OPS_N; i++)
		assert_int_equal(write_ops[i].run(f, f->c, payload), write_ops[i].ok);
	free(payload);
}

/* ---- concurrency: 4 threads x 200 writes through a pool of 2 ---- */

#define THREADS 4
#define WRITES 200

struct worker {
	struct store *s;
	int64_t owner;
	int failures;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < WRITES; i++) {
		struct store_conn *c = store_conn_acquire(w->s);
		struct application_rec r = { .owner_id = w->owner, .programme = "urgent",
			.status = "draft", .data = "{}", .created_at = i };
		char key[32];

		snprintf(key, sizeof key, "owner:%lld", (long long)w->owner);
		if (i % 2 == 0) {
			if (store_application_create(c, &r, NULL) != STORE_OK)
				w->failures++;
		} else if (store_login_failure_add(c, key, i) != STORE_OK) {
			w->failures++;
		}
		store_conn_release(c);
	}
	return NULL;
}

static void test_concurrent_writes(void **state)
{
	struct fx *f = *state;
	struct worker w[THREADS];
	pthread_t t[THREADS];
	struct application_rec *list;
	size_t n;
	int count;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .s = f->s, .owner = add_user(f, f->c, "T") };
	}
	store_conn_release(f->c); /* the workers share both connections */
	f->c = NULL;
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	f->c = store_conn_acquire(f->s);
	for (int i = 0; i < THREADS; i++) {
		char key[32];

		assert_int_equal(w[i].failures, 0);
		assert_int_equal(store_application_list(f->c, w[i].owner, 1000, &f->a, &list, &n),
				 STORE_OK);
		assert_int_equal(n, WRITES / 2);
		snprintf(key, sizeof key, "owner:%lld", (long long)w[i].owner);
		assert_int_equal(store_login_failures_since(f->c, key, 0, &count), STORE_OK);
		assert_int_equal(count, WRITES / 2);
	}
	assert_int_equal(raw_int(f, "SELECT count(*) FROM applications"), THREADS * WRITES / 2);
}

/* close waits for a connection still out, then checkpoints: the WAL is empty */

/* close waits for a connection still out, then closes: the data is there
 * (SQLite: checkpointed, the WAL is empty) */
static void *late_release(void *arg)
{
	struct store_conn *c = arg;
	struct timespec ts = { 0, 50 * 1000000 };

	nanosleep(&ts, NULL);
	store_conn_release(c);
	return NULL;
}

static void test_close_waits(void **state)
{
	struct fx *f = *state;
	struct timespec t0;
	pthread_t t;
	char wal[160];
	struct stat st;

	add_user(f, f->c, "Before close");
	assert_int_equal(pthread_create(&t, NULL, late_release, f->c), 0);
	f->c = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	store_close(f->s);
	f->s = NULL;
	assert_true(ms_since(&t0) >= 40);
	assert_int_equal(pthread_join(t, NULL), 0);
	if (f->be == BE_SQLITE) {
		snprintf(wal, sizeof wal, "%s-wal", f->file);
		assert_true(stat(wal, &st) != 0 || st.st_size == 0);
	}
	f->s = open_store(f, 1);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM users WHERE name = 'Before close'"), 1);
}

/* ---- PostgreSQL: a lost connection ---- */

/* kill_sessions: the server ends this store's sessions, as a restart or an
 * administrator would; how many. */
static int64_t kill_sessions(struct fx *f)
{
	PGresult *res = pg_param(f->raw, "SELECT count(pg_terminate_backend(pid)) "
				 "FROM pg_stat_activity WHERE application_name = $1", f->schema);
	struct timespec ts = { 0, 200 * 1000000 };
	int64_t n = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	nanosleep(&ts, NULL); /* the backends are gone and said so */
	return n;
}

static void test_reconnect(void **state)
{
	struct fx *f = *state;
	struct user u;

	/* idle connections: acquire notices and reconnects */
	store_conn_release(f->c);
	f->c = NULL;
	assert_int_equal(kill_sessions(f), 2);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &u), STORE_OK);
	add_user(f, f->c, "After reconnect"); /* statements are prepared again */

	/* lost while held: the statement is busy; the next acquire reconnects */
	assert_true(kill_sessions(f) >= 1);
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &u), STORE_BUSY);
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &u), STORE_OK);

	/* lost inside a transaction: busy, and so is its commit */
	assert_int_equal(store_begin_write(f->c), STORE_OK);
	add_user(f, f->c, "Lost");
	assert_true(kill_sessions(f) >= 1);
	assert_int_equal(store_user_set_password(f->c, f->user, "x"), STORE_BUSY);
	assert_int_equal(store_commit(f->c), STORE_BUSY);
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM users WHERE name = 'Lost'"), 0);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM users WHERE name = 'After reconnect'"),
			 1);
	/* the session settings came back with the connection: the schema */
	assert_int_equal(store_schema_version(f->c), migrations_latest());
}

/* ---- the two halves ---- */

TESTDB_CASES(setup_with)

int main(void)
{
	static const struct CMUnitTest all[] = {
		BOTH(test_transactions),
		BOTH(test_conflict_in_tx),
		BOTH(test_conflicting_writers),
		BOTH(test_busy),
		BOTH(test_full),
		BOTH(test_concurrent_writes),
		BOTH(test_close_waits),
		PG(test_reconnect),
	};
	struct CMUnitTest run[sizeof all / sizeof all[0]];

	return run_on_backends("store_faults", all, sizeof all / sizeof all[0], run);
}
