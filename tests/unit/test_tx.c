/* test_tx.c - a use case's transaction tried again when the database was
 * busy (app/tx.h), on real databases: SQLite in a mkdtemp directory, and
 * PostgreSQL when YINGCAI_TEST_PG is set (tests/unit/backends.h; a schema
 * of its own per test, dropped afterwards).
 *
 * The busy failures are real ones, made by interleaving connections of the
 * store API, never simulated:
 *   PostgreSQL: two SERIALIZABLE transactions that both read two rows and
 *     each write one of them (write skew): the one that commits second
 *     fails with SQLSTATE 40001, which the store calls STORE_BUSY.
 *   SQLite: another connection holding the write lock longer than the
 *     busy timeout.
 * Then the same through a use case: two owners' saves of one draft started
 * at the same moment, held at the same point by a third transaction, so
 * that on PostgreSQL the second one to write fails with 40001; with the
 * retry it is answered "someone else changed it" (APPL_CONFLICT), never
 * "busy" (a 503), on both backends.
 *
 * The counters of app_tx_counts are process-wide: each test compares them
 * before and after (the tests of one program run one after the other).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testfs.h"
#include "backends.h"
#include <libpq-fe.h>
#include "testdb.h"

#include "app/applications.h"
#include "app/drafts.h"
#include "app/tx.h"
#include "store/store.h"

#define DOC(salary) "{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", " \
	"\"date\": \"2025-12-01\", \"applicant\": {\"name\": \"Anna\", \"annual_salary_cny\": " \
	#salary "}}"
#define D1 DOC(900000)
#define D2 DOC(1200000)
#define D3 DOC(950000)

struct fx {
	enum be be;
	char dir[64];
	char schema[64];
	struct store *s;
	struct store_conn *c1, *c2; /* c1 runs app_tx, c2 is the other transaction */
	struct arena a;
	struct user owner;
	int64_t app_a, app_b;      /* two drafts of owner, version 1 */
};

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int setup_with(void **state, enum be be)
{
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->be = be;
	f->s = test_store_open(be, "yctx", f->dir, f->schema, 5);
	f->c1 = store_conn_acquire(f->s);
	f->c2 = store_conn_acquire(f->s);
	arena_init(&f->a, 0);
	f->owner = (struct user){ .email = "anna@example.org", .name = "Anna",
		.role = ROLE_APPLICANT, .password_hash = "$argon2id$x", .lang = "en",
		.created_at = 1000 };
	assert_int_equal(store_user_create(f->c1, &f->owner, &f->owner.id), STORE_OK);
	assert_int_equal(drafts_create(f->c1, f->owner.id, "two-zones", D1, 2000, &f->app_a),
			 STORE_OK);
	assert_int_equal(drafts_create(f->c1, f->owner.id, "two-zones", D1, 2000, &f->app_b),
			 STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_rollback(f->c1);
	store_rollback(f->c2);
	store_conn_release(f->c1);
	store_conn_release(f->c2);
	store_close(f->s);
	if (f->be == BE_PG)
		test_drop_schema(f->schema);
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static struct application_rec row(struct fx *f, int64_t id)
{
	struct application_rec r;

	assert_int_equal(store_application_get(f->c1, id, &f->a, &r), STORE_OK);
	return r;
}

/* log_count: entries with action on application id. */
static size_t log_count(struct fx *f, int64_t id, const char *action)
{
	struct audit_entry *log;
	size_t n = 0, k = 0;
	char subject[48];

	snprintf(subject, sizeof subject, "application:%lld", (long long)id);
	assert_int_equal(store_audit_list(f->c1, subject, 100, &f->a, &log, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		k += log[i].action && strcmp(log[i].action, action) == 0;
	return k;
}

/* bump: in c's transaction, write id again (version+1, data), if it still
 * has the version just read. */
static enum store_rc bump(struct store_conn *c, struct arena *a, int64_t id, const char *data)
{
	struct application_rec r;
	enum store_rc rc = store_application_get(c, id, a, &r);

	if (rc != STORE_OK)
		return rc;
	r.data = data;
	r.updated_at = 3000;
	return store_application_update(c, &r);
}

/* ---- the store: a real serialization failure ---- */

/* Write skew: both transactions read A and B, one writes A, the other B.
 * Either alone is fine; together they are not serializable, and the one
 * that commits second is refused: SQLSTATE 40001, STORE_BUSY, nothing of
 * it written. */
static void test_write_skew_is_busy(void **state)
{
	struct fx *f = *state;
	struct application_rec r;

	assert_int_equal(store_begin_write(f->c1), STORE_OK);
	assert_int_equal(store_begin_write(f->c2), STORE_OK);
	assert_int_equal(store_application_get(f->c1, f->app_a, &f->a, &r), STORE_OK);
	assert_int_equal(store_application_get(f->c1, f->app_b, &f->a, &r), STORE_OK);
	assert_int_equal(store_application_get(f->c2, f->app_a, &f->a, &r), STORE_OK);
	assert_int_equal(store_application_get(f->c2, f->app_b, &f->a, &r), STORE_OK);
	assert_int_equal(bump(f->c1, &f->a, f->app_a, D2), STORE_OK);
	assert_int_equal(bump(f->c2, &f->a, f->app_b, D2), STORE_OK);
	assert_int_equal(store_commit(f->c1), STORE_OK);
	assert_int_equal(store_commit(f->c2), STORE_BUSY);
	assert_int_equal(row(f, f->app_a).version, 2);
	assert_int_equal(row(f, f->app_b).version, 1);
	assert_string_equal(row(f, f->app_b).data, D1);
}

/* ---- app_tx on PostgreSQL ---- */

/* race: the body given to app_tx.  Each run reads A and B and writes A
 * (with an audit entry); on the first `spoil` runs another transaction
 * (c2) reads both and writes B, and commits, between the run's reads and
 * its write: that run is the second to commit of a write skew and fails
 * with 40001 (at its write or at its commit). */
struct race {
	struct fx *f;
	unsigned runs, spoil;
};

static enum store_rc race_run(struct store_conn *c, void *arg)
{
	struct race *r = arg;
	struct fx *f = r->f;
	struct application_rec a, b;
	struct audit_entry e = { .at = 3000, .actor = f->owner.id, .action = "test.race" };
	char subject[48];
	enum store_rc rc;

	r->runs++;
	if ((rc = store_application_get(c, f->app_a, &f->a, &a)) != STORE_OK ||
	    (rc = store_application_get(c, f->app_b, &f->a, &b)) != STORE_OK)
		return rc;
	if (r->runs <= r->spoil) {
		assert_int_equal(store_begin_write(f->c2), STORE_OK);
		assert_int_equal(store_application_get(f->c2, f->app_a, &f->a, &a), STORE_OK);
		assert_int_equal(bump(f->c2, &f->a, f->app_b, D3), STORE_OK);
		assert_int_equal(store_commit(f->c2), STORE_OK);
	}
	if ((rc = bump(c, &f->a, f->app_a, D2)) != STORE_OK)
		return rc;
	snprintf(subject, sizeof subject, "application:%lld", (long long)f->app_a);
	e.subject = subject;
	return store_audit_add(c, &e);
}

/* One serialization failure: the second run commits, and only its writes
 * are there (one version more, one audit entry). */
static void test_retry_succeeds(void **state)
{
	struct fx *f = *state;
	struct race r = { .f = f, .spoil = 1 };
	struct app_tx_counts was, now;

	app_tx_counts(&was);
	assert_int_equal(app_tx(f->c1, race_run, &r), STORE_OK);
	app_tx_counts(&now);
	assert_int_equal(r.runs, 2);
	assert_int_equal(now.retries - was.retries, 1);
	assert_int_equal(now.gave_up - was.gave_up, 0);
	assert_int_equal(row(f, f->app_a).version, 2);
	assert_string_equal(row(f, f->app_a).data, D2);
	assert_int_equal(row(f, f->app_b).version, 2); /* the other transaction's */
	assert_int_equal(log_count(f, f->app_a, "test.race"), 1);
}

/* A failure on every run: given up after APP_TX_ATTEMPTS runs, busy, and
 * nothing of any run written. */
static void test_retry_gives_up(void **state)
{
	struct fx *f = *state;
	struct race r = { .f = f, .spoil = 1000 };
	struct app_tx_counts was, now;

	app_tx_counts(&was);
	assert_int_equal(app_tx(f->c1, race_run, &r), STORE_BUSY);
	app_tx_counts(&now);
	assert_int_equal(r.runs, APP_TX_ATTEMPTS);
	assert_int_equal(now.retries - was.retries, APP_TX_ATTEMPTS - 1);
	assert_int_equal(now.gave_up - was.gave_up, 1);
	assert_int_equal(row(f, f->app_a).version, 1);
	assert_string_equal(row(f, f->app_a).data, D1);
	assert_int_equal(row(f, f->app_b).version, 1 + APP_TX_ATTEMPTS);
	assert_int_equal(log_count(f, f->app_a, "test.race"), 0);
	/* the connection is usable: no transaction left open */
	assert_int_equal(store_tx_failure(f->c1), STORE_OK);
	r.spoil = 0;
	r.runs = 0;
	assert_int_equal(app_tx(f->c1, race_run, &r), STORE_OK);
	assert_int_equal(r.runs, 1);
}

/* A body's own decision (here: STORE_CONFLICT) is not tried again, and
 * app_tx_probe never keeps what its body wrote. */
static enum store_rc decline_run(struct store_conn *c, void *arg)
{
	struct race *r = arg;
	enum store_rc rc = bump(c, &r->f->a, r->f->app_a, D2);

	r->runs++;
	return rc != STORE_OK ? rc : r->spoil ? STORE_CONFLICT : STORE_OK;
}

static void test_decisions_and_probes(void **state)
{
	struct fx *f = *state;
	struct race r = { .f = f, .spoil = 1 };

	assert_int_equal(app_tx(f->c1, decline_run, &r), STORE_CONFLICT);
	assert_int_equal(r.runs, 1);
	assert_int_equal(row(f, f->app_a).version, 1);
	r = (struct race){ .f = f, .spoil = 0 };
	assert_int_equal(app_tx_probe(f->c1, decline_run, &r), STORE_OK);
	assert_int_equal(r.runs, 1);
	assert_int_equal(row(f, f->app_a).version, 1);
	assert_int_equal(app_tx(f->c1, decline_run, &r), STORE_OK);
	assert_int_equal(row(f, f->app_a).version, 2);
}

/* ---- app_tx on SQLite: a writer holding the lock ---- */

struct holder {
	struct store_conn *c;
	uint64_t retries_before;
};

/* let_go: once app_tx has given up on a run (its retry count moved),
 * end the transaction that held the write lock. */
static void *let_go(void *arg)
{
	struct holder *h = arg;
	struct app_tx_counts now;

	for (int i = 0; i < 20000; i++) {
		app_tx_counts(&now);
		if (now.retries > h->retries_before)
			break;
		sleep_ms(1);
	}
	store_rollback(h->c);
	return NULL;
}

static void test_sqlite_retry_after_lock(void **state)
{
	struct fx *f = *state;
	struct race r = { .f = f };
	struct holder h = { .c = f->c2 };
	struct app_tx_counts was, now;
	pthread_t t;

	assert_int_equal(store_begin_write(f->c2), STORE_OK);
	/* long enough for the thread to let go while the second BEGIN waits */
	assert_int_equal(store_set_busy_timeout(f->c1, 300), STORE_OK);
	app_tx_counts(&was);
	h.retries_before = was.retries;
	assert_int_equal(pthread_create(&t, NULL, let_go, &h), 0);
	assert_int_equal(app_tx(f->c1, race_run, &r), STORE_OK);
	assert_int_equal(pthread_join(t, NULL), 0);
	app_tx_counts(&now);
	assert_int_equal(r.runs, 1); /* the first run never began */
	assert_true(now.retries - was.retries >= 1);
	assert_int_equal(now.gave_up - was.gave_up, 0);
	assert_int_equal(row(f, f->app_a).version, 2);
	assert_int_equal(log_count(f, f->app_a, "test.race"), 1);
}

static void test_sqlite_gives_up(void **state)
{
	struct fx *f = *state;
	struct race r = { .f = f };
	struct app_tx_counts was, now;

	assert_int_equal(store_begin_write(f->c2), STORE_OK);
	assert_int_equal(store_set_busy_timeout(f->c1, 10), STORE_OK);
	app_tx_counts(&was);
	assert_int_equal(app_tx(f->c1, race_run, &r), STORE_BUSY);
	app_tx_counts(&now);
	assert_int_equal(r.runs, 0);
	assert_int_equal(now.retries - was.retries, APP_TX_ATTEMPTS - 1);
	assert_int_equal(now.gave_up - was.gave_up, 1);

	/* A failure that came only after waiting longer than the window is
	 * not waited out again: one run, then busy. */
	assert_int_equal(store_set_busy_timeout(f->c1, APP_TX_WINDOW_MS + 100), STORE_OK);
	app_tx_counts(&was);
	assert_int_equal(app_tx(f->c1, race_run, &r), STORE_BUSY);
	app_tx_counts(&now);
	assert_int_equal(now.retries - was.retries, 0);
	assert_int_equal(now.gave_up - was.gave_up, 1);
	store_rollback(f->c2);
	assert_int_equal(row(f, f->app_a).version, 1);
}

/* ---- a use case: two saves of one draft at the same moment ---- */

struct saver {
	struct store_conn *c;
	const struct user *u;
	int64_t id;
	const char *data;
	struct arena a;
	struct application_rec out;
	enum appl_rc rc;
};

static void *save(void *arg)
{
	struct saver *s = arg;

	s->rc = app_application_update(s->c, s->u, s->id, 1, s->data, 4000, &s->a, &s->out);
	return NULL;
}

/* lock_waiters: how many PostgreSQL sessions wait for a lock in an UPDATE
 * of applications (the savers, held by the blocker). */
static int lock_waiters(PGconn *pg)
{
	PGresult *res = PQexec(pg, "SELECT count(*) FROM pg_stat_activity WHERE "
			       "wait_event_type = 'Lock' AND query LIKE 'UPDATE applications%'");
	int n = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		n = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

/* Both savers read version 1 and try to write it; a third transaction
 * (the blocker) holds them at that point: on PostgreSQL it has changed
 * the row without committing (their UPDATEs wait for its row lock), on
 * SQLite it holds the write lock (their BEGINs wait).  It rolls back, one
 * saver writes, and the other must be told the draft changed, with the
 * stored row: on PostgreSQL its UPDATE fails with 40001 and it is run
 * again; without the retry it would be a 503. */
static void test_racing_saves(void **state)
{
	struct fx *f = *state;
	struct saver s[2] = {
		{ .c = f->c1, .u = &f->owner, .id = f->app_a, .data = D2 },
		{ .c = f->c2, .u = &f->owner, .id = f->app_a, .data = D3 },
	};
	struct store_conn *blocker = store_conn_acquire(f->s);
	struct app_tx_counts was, now;
	pthread_t t[2];
	int win, lose, waiting = 2;

	app_tx_counts(&was);
	assert_int_equal(store_begin_write(blocker), STORE_OK);
	assert_int_equal(bump(blocker, &f->a, f->app_a, D1), STORE_OK);
	for (int i = 0; i < 2; i++) {
		arena_init(&s[i].a, 0);
		assert_int_equal(pthread_create(&t[i], NULL, save, &s[i]), 0);
	}
	if (f->be == BE_PG) {
		PGconn *pg = pg_admin();

		for (int i = 0; i < 1000 && (waiting = lock_waiters(pg)) < 2; i++)
			sleep_ms(10);
		PQfinish(pg);
	} else {
		sleep_ms(300); /* both BEGINs waiting (the busy timeout is 5 s) */
	}
	/* everything back before anything can fail (teardown waits for it) */
	store_rollback(blocker);
	store_conn_release(blocker);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	app_tx_counts(&now);
	assert_int_equal(waiting, 2);

	assert_true((s[0].rc == APPL_OK && s[1].rc == APPL_CONFLICT) ||
		    (s[0].rc == APPL_CONFLICT && s[1].rc == APPL_OK));
	win = s[0].rc == APPL_OK ? 0 : 1;
	lose = 1 - win;
	assert_int_equal(s[win].out.version, 2);
	/* the loser is shown what the winner stored */
	assert_int_equal(s[lose].out.version, 2);
	assert_string_equal(s[lose].out.data, s[win].data);
	assert_int_equal(row(f, f->app_a).version, 2);
	assert_string_equal(row(f, f->app_a).data, s[win].data);
	assert_int_equal(log_count(f, f->app_a, "application.update"), 1);
	assert_int_equal(now.gave_up - was.gave_up, 0);
	if (f->be == BE_PG)
		assert_true(now.retries - was.retries >= 1); /* the loser ran again */
	else
		assert_int_equal(now.retries - was.retries, 0); /* SQLite's writers wait */
	for (int i = 0; i < 2; i++)
		arena_release(&s[i].a);
}

TESTDB_CASES(setup_with)

int main(void)
{
	static const struct CMUnitTest all[] = {
		PG(test_write_skew_is_busy),
		PG(test_retry_succeeds),
		PG(test_retry_gives_up),
		BOTH(test_decisions_and_probes),
		SQLITE(test_sqlite_retry_after_lock),
		SQLITE(test_sqlite_gives_up),
		BOTH(test_racing_saves),
	};
	struct CMUnitTest run[sizeof all / sizeof all[0]];

	return run_on_backends("tx", all, sizeof all / sizeof all[0], run);
}
