/* test_store.c - the store (store/store.h, queries.h, migrations.h) on both
 * backends.
 *
 * Every test with a fixture runs on SQLite, and again on PostgreSQL when
 * YINGCAI_TEST_PG is a postgresql:// URL (scripts/pg-cluster start DIR
 * prints one); YINGCAI_TEST_BACKEND=sqlite or =postgresql runs the tests of
 * one backend only (scripts/run-tests runs the PostgreSQL half apart).
 * Test names say the backend: "sqlite/test_users", "postgresql/test_users";
 * "store/..." tests need no database.
 *
 * Each test has a database of its own (storefx.h).  This file: opening,
 * migrations, the query table and every table's reads and writes;
 * test_store_faults.c: transactions, busy and full databases, concurrency
 * and a lost connection.
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

/* ---- opening and migrations ---- */

static void test_migrations_once(void **state)
{
	struct fx *f = *state;
	size_t n;
	int64_t applied;

	const struct migration *m = migrations_all(&n);

	/* numbered 1, 2, ... with a name and both texts */
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(m[i].number, (int)i + 1);
		assert_true(m[i].name && m[i].sqlite && m[i].pg);
	}
	assert_int_equal(migrations_latest(), (int)n);
	assert_int_equal(store_schema_version(f->c), migrations_latest());
	assert_int_equal(raw_int(f, "SELECT count(*) FROM schema_migrations"), (int64_t)n);
	applied = raw_int(f, "SELECT applied_at FROM schema_migrations WHERE number = 1");
	assert_true(applied > 0);
	/* re-open: nothing applied again, the record is untouched */
	reopen(f, 3, true);
	assert_int_equal(store_schema_version(f->c), migrations_latest());
	assert_int_equal(raw_int(f, "SELECT count(*) FROM schema_migrations"), (int64_t)n);
	assert_int_equal(raw_int(f, "SELECT applied_at FROM schema_migrations WHERE number = 1"),
			 applied);
	/* the data survived */
	assert_int_equal(store_user_by_id(f->c, f->user, &f->a, &(struct user){0}), STORE_OK);
}

/* Two servers starting at once on a new database: both open, the
 * migrations are applied once (SQLite: the write lock; PostgreSQL: the
 * advisory lock, the schema created under it). */
struct opener {
	const char *url;
	struct store *s;
	char err[256];
};

static void *open_run(void *arg)
{
	struct opener *o = arg;

	o->s = store_open(o->url, NULL, 2, o->err, sizeof o->err);
	return NULL;
}

static void test_migrations_race(void **state)
{
	struct fx *f = *state;
	struct opener o[4];
	pthread_t t[4];
	char url[1024];
	size_t n;
	struct fx other = *f;

	migrations_all(&n);
	db_url(f, "b", url, sizeof url);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 4; i++) {
			o[i] = (struct opener){ .url = url };
			assert_int_equal(pthread_create(&t[i], NULL, open_run, &o[i]), 0);
		}
		for (int i = 0; i < 4; i++) {
			assert_int_equal(pthread_join(t[i], NULL), 0);
			if (!o[i].s)
				fail_msg("round %d, store %d: %s", round, i, o[i].err);
		}
		for (int i = 0; i < 4; i++) {
			struct store_conn *c = store_conn_acquire(o[i].s);

			assert_int_equal(store_schema_version(c), migrations_latest());
			store_conn_release(c);
			store_close(o[i].s);
		}
		/* look at the new database over the plain connection */
		if (f->be == BE_SQLITE) {
			snprintf(other.file, sizeof other.file, "%s/b.db", f->dir);
		} else {
			char schema[80];

			snprintf(schema, sizeof schema, "%s_b", f->schema);
			assert_true(pg_ok(pg_param(f->raw, "SELECT set_config('search_path', "
						   "quote_ident($1), false)", schema)));
		}
		assert_int_equal(raw_int(&other, "SELECT count(*) FROM schema_migrations"),
				 (int64_t)n);
		assert_int_equal(raw_int(&other, "SELECT count(DISTINCT number) FROM "
					 "schema_migrations"), (int64_t)n);
		if (f->be == BE_PG) {
			assert_true(pg_ok(pg_param(f->raw, "SELECT set_config('search_path', "
						   "quote_ident($1), false)", f->schema)));
			if (round < 2) { /* a new database again */
				snprintf(url, sizeof url, "%s_b", f->schema);
				pg_drop_schema(f->raw, url);
				db_url(f, "b", url, sizeof url);
			}
		} else if (round < 2) {
			unlink(other.file);
		}
	}
}

static void test_schema_shape(void **state)
{
	struct fx *f = *state;

	if (f->be == BE_SQLITE) {
		/* every table but SQLite's own is STRICT; WAL and foreign keys */
		assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_table_list "
					 "WHERE schema = 'main' AND type = 'table' AND strict = 0 "
					 "AND name NOT LIKE 'sqlite_%'"), 0);
		assert_true(raw_int(f, "SELECT count(*) FROM pragma_table_list "
				    "WHERE strict = 1") >= 9);
		assert_int_equal(raw_int(f, "SELECT count(*) FROM pragma_journal_mode "
					 "WHERE journal_mode = 'wal'"), 1);
		/* no blobs table: SQLite keeps them in files */
		assert_int_equal(raw_int(f, "SELECT count(*) FROM sqlite_schema "
					 "WHERE name = 'blobs'"), 0);
	} else {
		/* every table in the test's schema, none elsewhere */
		assert_int_equal(raw_int(f, "SELECT count(*) FROM information_schema.tables "
					 "WHERE table_schema = current_schema()"), 10);
		assert_int_equal(raw_int(f, "SELECT count(*) FROM information_schema.tables "
					 "WHERE table_schema = 'public'"), 0);
		/* token hashes and blobs are bytea, ids and times bigint */
		assert_int_equal(raw_int(f, "SELECT count(*) FROM information_schema.columns "
					 "WHERE table_schema = current_schema() AND data_type = 'bytea'"), 3);
		assert_int_equal(raw_int(f, "SELECT count(*) FROM information_schema.columns "
					 "WHERE table_schema = current_schema() AND (column_name = 'id' "
					 "OR column_name LIKE '%\\_at') AND data_type <> 'bigint'"), 0);
	}
	/* a session for a user who does not exist: the foreign key holds */
	assert_int_equal(store_session_create(f->c, &(struct session){ .token_hash = {1},
		.user_id = 999, .csrf = "c", .lang = "en", .created_at = 1, .expires_at = 2 }, NULL),
		STORE_NOTFOUND);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	char err[256] = "";

	store_conn_release(f->c);
	f->c = NULL;
	store_close(f->s);
	f->s = NULL;
	assert_true(raw_ok(f, "INSERT INTO schema_migrations VALUES (999, 'future', 1)"));
	assert_null(store_open(f->url, NULL, 1, err, sizeof err));
	assert_non_null(strstr(err, "newer"));
	assert_true(raw_ok(f, "DELETE FROM schema_migrations WHERE number = 999"));
	f->s = open_store(f, 1);
}

/* URLs: which backend, and what is refused before anything is opened. */
static void test_open_errors(void **state)
{
	char err[512];

	(void)state;
	assert_null(store_open("sqlite:", NULL, 2, err, sizeof err));
	assert_null(store_open("", NULL, 2, err, sizeof err));
	assert_null(store_open(NULL, NULL, 2, err, sizeof err));
	assert_null(store_open("/tmp/yc-none/x.db", NULL, 0, err, sizeof err));
	assert_non_null(strstr(err, "pool"));
	assert_null(store_open("/tmp/yc-none/x.db", NULL, 65, err, sizeof err));
	err[0] = '\0';
	assert_null(store_open("/nonexistent-yc-dir/x.db", NULL, 1, err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-yc-dir/x.db"));
	/* PostgreSQL: the URL form, the schema name (checked before connecting) */
	assert_null(store_open("postgresql:dbname=yc", NULL, 1, err, sizeof err));
	assert_non_null(strstr(err, "postgresql://"));
	static const char *const bad_schema[] = {
		"postgresql://127.0.0.1:1/yc?schema=",
		"postgresql://127.0.0.1:1/yc?schema=Upper",
		"postgresql://127.0.0.1:1/yc?schema=a-b",
		"postgresql://127.0.0.1:1/yc?schema=a%22b",
		"postgresql://127.0.0.1:1/yc?schema=pg_catalog",
		"postgresql://127.0.0.1:1/yc?schema=1abc",
		"postgresql://127.0.0.1:1/yc?schema=a&schema=b",
		"postgres://127.0.0.1:1/yc?sslmode=disable&schema="
		"a123456789012345678901234567890123456789012345678901234567890123",
	};
	for (size_t i = 0; i < sizeof bad_schema / sizeof bad_schema[0]; i++) {
		err[0] = '\0';
		assert_null(store_open(bad_schema[i], NULL, 1, err, sizeof err));
		if (!strstr(err, "schema="))
			fail_msg("%s: %s", bad_schema[i], err);
	}
	/* nothing listens on port 1: libpq's message, never the password */
	err[0] = '\0';
	assert_null(store_open("postgresql://yc:s3cr3t-pw@127.0.0.1:1/yc?schema=ok_1&"
			       "connect_timeout=2", NULL, 1, err, sizeof err));
	assert_non_null(strstr(err, "postgresql: "));
	assert_null(strstr(err, "s3cr3t"));
	/* an unknown libpq parameter is libpq's to refuse */
	err[0] = '\0';
	assert_null(store_open("postgresql://127.0.0.1:1/yc?schema=ok&nonsense=1", NULL, 1,
			       err, sizeof err));
	assert_non_null(strstr(err, "nonsense"));
}

/* Every query has a name and a text per backend where it runs there (a
 * NULL text: a step the backend does not have; PRAGMAs are SQLite's own),
 * in id order, with the placeholder style of its database, the same
 * number of parameters on both sides, and every text prepares against the
 * migrated schema of its database. */
static int max_param(const char *sql, char mark)
{
	int max = 0;

	for (const char *p = sql; (p = strchr(p, mark)); p++) {
		int v = 0;

		for (const char *d = p + 1; *d >= '0' && *d <= '9'; d++)
			v = v * 10 + (*d - '0');
		if (v > max)
			max = v;
	}
	return max;
}

static void test_queries_table(void **state)
{
	struct fx *f = *state;
	sqlite3 *db = NULL;

	if (f->be == BE_SQLITE)
		assert_int_equal(sqlite3_open(f->file, &db), SQLITE_OK);
	for (int i = 0; i < Q__COUNT; i++) {
		const struct query *q = query_get((enum query_id)i);

		assert_int_equal(q->id, i);
		assert_non_null(q->name);
		assert_true(q->sqlite || q->pg);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(q->name, query_get((enum query_id)j)->name);
		if (q->sqlite)
			assert_null(strchr(q->sqlite, '$'));
		if (q->pg)
			assert_null(strchr(q->pg, '?'));
		if (q->sqlite && q->pg)
			assert_int_equal(max_param(q->sqlite, '?'), max_param(q->pg, '$'));
		if (!q->pg)
			assert_int_equal(strncmp(q->sqlite, "PRAGMA", 6), 0);
		/* what the per-table functions run exists on both */
		if (i >= Q_MIGRATIONS_INIT && i <= Q_APPLICATION_LIST)
			assert_true(q->sqlite && q->pg);
		/* the blobs table is PostgreSQL's: SQLite keeps files */
		if (i >= Q_BLOB_HAS && i <= Q_BLOB_GET)
			assert_true(!q->sqlite && q->pg);
		if (f->be == BE_SQLITE && q->sqlite) {
			sqlite3_stmt *st = NULL;

			if (sqlite3_prepare_v2(db, q->sqlite, -1, &st, NULL) != SQLITE_OK)
				fail_msg("%s: %s", q->name, sqlite3_errmsg(db));
			sqlite3_finalize(st);
		}
		if (f->be == BE_PG && q->pg) {
			PGresult *res = PQprepare(f->raw, "", q->pg, 0, NULL);

			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				fail_msg("%s: %s", q->name, PQresultErrorMessage(res));
			PQclear(res);
		}
	}
	sqlite3_close(db);
}

static void test_names(void **state)
{
	static const char *const roles[] = { "applicant", "employer", "reviewer", "expert",
		"officer", "approver", "registry", "inspector", "sysadmin" };

	(void)state;
	for (unsigned i = 0; i < 9; i++) {
		assert_string_equal(role_name(1u << i), roles[i]);
		assert_int_equal(role_parse(roles[i]), 1u << i);
	}
	assert_null(role_name(0));
	assert_null(role_name(ROLE_APPLICANT | ROLE_EXPERT));
	assert_null(role_name(1u << 9));
	assert_int_equal(role_parse("Applicant"), 0);
	assert_int_equal(role_parse(""), 0);
	assert_int_equal(role_parse(NULL), 0);
	assert_true((ROLE_STAFF & ROLE_APPLICANT) == 0);
	for (int i = STORE_OK; i <= STORE_ERROR; i++)
		for (int j = STORE_OK; j < i; j++)
			assert_string_not_equal(store_rc_name((enum store_rc)i),
						store_rc_name((enum store_rc)j));
}

/* PostgreSQL's SQLSTATEs as the store reports them. */
static void test_sqlstates(void **state)
{
	static const struct { const char *state; enum store_rc rc; } map[] = {
		{ "23505", STORE_CONFLICT }, { "23503", STORE_NOTFOUND },
		{ "40001", STORE_BUSY }, { "40P01", STORE_BUSY }, { "55P03", STORE_BUSY },
		{ "57014", STORE_BUSY }, { "57P01", STORE_BUSY }, { "08006", STORE_BUSY },
		{ "53300", STORE_BUSY }, { "53100", STORE_FULL },
		{ "23502", STORE_ERROR }, { "23514", STORE_ERROR }, { "42P01", STORE_ERROR },
		{ "P0001", STORE_ERROR }, { "", STORE_ERROR }, { "2350", STORE_ERROR },
		{ NULL, STORE_ERROR },
	};

	(void)state;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (pg_sqlstate_rc(map[i].state) != map[i].rc)
			fail_msg("%s: %s", map[i].state ? map[i].state : "NULL",
				 store_rc_name(pg_sqlstate_rc(map[i].state)));
}

/* ---- accounts ---- */

static void test_users(void **state)
{
	struct fx *f = *state;
	struct user u = { .email = "bo@example.org", .name = "Bo", .role = ROLE_EXPERT,
		.password_hash = "$argon2id$h1", .lang = "de", .created_at = 77 };
	struct user got;
	int64_t id = 0;

	assert_int_equal(store_user_create(f->c, &u, &id), STORE_OK);
	assert_int_equal(store_user_create(f->c, &u, NULL), STORE_CONFLICT);
	assert_int_equal(store_user_by_email(f->c, "bo@example.org", &f->a, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.name, "Bo");
	assert_int_equal(got.role, ROLE_EXPERT);
	assert_string_equal(got.password_hash, "$argon2id$h1");
	assert_string_equal(got.lang, "de");
	assert_int_equal(got.created_at, 77);
	assert_int_equal(got.version, 1);
	assert_int_equal(store_user_by_email(f->c, "BO@example.org", &f->a, &got), STORE_NOTFOUND);
	assert_int_equal(store_user_by_id(f->c, id + 100, &f->a, &got), STORE_NOTFOUND);

	assert_int_equal(store_user_set_password(f->c, id, "$argon2id$h2"), STORE_OK);
	assert_int_equal(store_user_by_id(f->c, id, &f->a, &got), STORE_OK);
	assert_string_equal(got.password_hash, "$argon2id$h2");
	assert_int_equal(got.version, 2);
	assert_int_equal(store_user_set_password(f->c, id + 100, "x"), STORE_NOTFOUND);

	u.email = "two@example.org";
	u.role = ROLE_EXPERT | ROLE_APPROVER; /* not one role */
	assert_int_equal(store_user_create(f->c, &u, NULL), STORE_ERROR);
	assert_int_equal(store_user_by_email(f->c, "two@example.org", &f->a, &got), STORE_NOTFOUND);
}

/* The users by id, a page at a time: every user once, in order, whatever
 * the page size. */
static void test_user_list(void **state)
{
	struct fx *f = *state;
	struct user u = { .name = "N", .role = ROLE_APPLICANT, .password_hash = "$argon2id$h",
		.lang = "en", .created_at = 1 };
	char email[64];
	int64_t ids[5], after;
	struct user *got;
	size_t n, seen = 0;

	for (int i = 0; i < 5; i++) {
		snprintf(email, sizeof email, "list%d@example.org", i);
		u.email = email;
		assert_int_equal(store_user_create(f->c, &u, &ids[i]), STORE_OK);
	}
	after = ids[0] - 1; /* the fixture's database may hold users of its own */
	do {
		assert_int_equal(store_user_list(f->c, after, 2, &f->a, &got, &n), STORE_OK);
		assert_true(n <= 2);
		for (size_t i = 0; i < n; i++, seen++) {
			assert_int_equal(got[i].id, ids[seen]);
			snprintf(email, sizeof email, "list%zu@example.org", seen);
			assert_string_equal(got[i].email, email);
		}
		if (n)
			after = got[n - 1].id;
	} while (n == 2);
	assert_int_equal(seen, 5);
	assert_int_equal(store_user_list(f->c, ids[4], 10, &f->a, &got, &n), STORE_OK);
	assert_int_equal(n, 0);
}

/* ---- sessions ---- */

static void test_sessions(void **state)
{
	struct fx *f = *state;
	struct session s = { .csrf = "csrf-1", .lang = "zh", .created_at = 100, .expires_at = 200 };
	struct session got;
	unsigned char h2[32];
	int64_t id, other;

	fill_hash(f, s.token_hash);
	assert_int_equal(store_session_create(f->c, &s, &id), STORE_OK);
	assert_int_equal(store_session_create(f->c, &s, NULL), STORE_CONFLICT);
	assert_int_equal(store_session_by_hash(f->c, s.token_hash, 199, &f->a, &got), STORE_OK);
	assert_int_equal(got.id, id);
	assert_int_equal(got.user_id, 0); /* anonymous */
	assert_memory_equal(got.token_hash, s.token_hash, 32);
	assert_string_equal(got.csrf, "csrf-1");
	assert_string_equal(got.lang, "zh");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.expires_at, 200);
	/* expired: not returned */
	assert_int_equal(store_session_by_hash(f->c, s.token_hash, 200, &f->a, &got),
			 STORE_NOTFOUND);

	/* login: a fresh hash and token; the old hash no longer finds it */
	fill_hash(f, h2);
	assert_int_equal(store_session_login(f->c, id, f->user, h2, "csrf-2", 140, 500), STORE_OK);
	assert_int_equal(store_session_by_hash(f->c, s.token_hash, 150, &f->a, &got),
			 STORE_NOTFOUND);
	assert_int_equal(store_session_by_hash(f->c, h2, 150, &f->a, &got), STORE_OK);
	assert_int_equal(got.user_id, f->user);
	assert_string_equal(got.csrf, "csrf-2");
	assert_int_equal(got.created_at, 140); /* the login */
	assert_int_equal(got.expires_at, 500);
	assert_int_equal(store_session_login(f->c, id + 100, f->user, h2, "c", 140, 500),
			 STORE_NOTFOUND);
	assert_int_equal(store_session_login(f->c, id, 9999, s.token_hash, "c", 140, 500),
			 STORE_NOTFOUND); /* no such user */

	/* extend: only ever later */
	assert_int_equal(store_session_extend(f->c, id, 400), STORE_NOTFOUND);
	assert_int_equal(store_session_extend(f->c, id + 100, 900), STORE_NOTFOUND);
	assert_int_equal(store_session_extend(f->c, id, 520), STORE_OK);
	assert_int_equal(store_session_by_hash(f->c, h2, 150, &f->a, &got), STORE_OK);
	assert_int_equal(got.expires_at, 520);
	assert_int_equal(store_session_extend(f->c, id, 500), STORE_NOTFOUND);

	/* purge takes the expired, keeps the live */
	fill_hash(f, s.token_hash);
	s.expires_at = 300;
	assert_int_equal(store_session_create(f->c, &s, &other), STORE_OK);
	assert_int_equal(store_session_purge(f->c, 300, NULL), STORE_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM sessions"), 1);
	assert_int_equal(store_session_by_hash(f->c, h2, 300, &f->a, &got), STORE_OK);

	assert_int_equal(store_session_delete(f->c, id), STORE_OK);
	assert_int_equal(store_session_delete(f->c, id), STORE_OK); /* idempotent */
	assert_int_equal(store_session_by_hash(f->c, h2, 300, &f->a, &got), STORE_NOTFOUND);
}

static void test_login_failures(void **state)
{
	struct fx *f = *state;
	int n = -1;

	assert_int_equal(store_login_failures_since(f->c, "ip:1", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_login_failure_add(f->c, "ip:1", 100), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:1", 200), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:1", 300), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:2", 300), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:1", 150, &n), STORE_OK);
	assert_int_equal(n, 2); /* within the window only */
	assert_int_equal(store_login_failures_since(f->c, "ip:1", 100, &n), STORE_OK);
	assert_int_equal(n, 3);
	assert_int_equal(store_login_failures_clear(f->c, "ip:1"), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:1", 0, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(store_login_failures_since(f->c, "ip:2", 0, &n), STORE_OK);
	assert_int_equal(n, 1); /* another key is untouched */
	assert_int_equal(store_login_failure_add(f->c, "ip:2", 100), STORE_OK);
	assert_int_equal(store_login_failures_purge(f->c, 300, NULL), STORE_OK);
	assert_int_equal(store_login_failures_since(f->c, "ip:2", 0, &n), STORE_OK);
	assert_int_equal(n, 1);
}

static void test_password_reset(void **state)
{
	struct fx *f = *state;
	unsigned char h[32], old[32];
	int64_t uid = -1;

	fill_hash(f, h);
	assert_int_equal(store_reset_create(f->c, h, f->user, 1000), STORE_OK);
	assert_int_equal(store_reset_create(f->c, h, f->user, 1000), STORE_CONFLICT);
	assert_int_equal(store_reset_take(f->c, h, 999, &uid), STORE_OK);
	assert_int_equal(uid, f->user);
	/* used once only */
	assert_int_equal(store_reset_take(f->c, h, 999, &uid), STORE_NOTFOUND);
	assert_int_equal(uid, 0);
	/* expired */
	fill_hash(f, old);
	assert_int_equal(store_reset_create(f->c, old, f->user, 1000), STORE_OK);
	assert_int_equal(store_reset_take(f->c, old, 1000, &uid), STORE_NOTFOUND);
	/* unknown token, unknown user */
	fill_hash(f, h);
	assert_int_equal(store_reset_take(f->c, h, 1, &uid), STORE_NOTFOUND);
	assert_int_equal(store_reset_create(f->c, h, f->user + 100, 1000), STORE_NOTFOUND);
}

static void test_outbox(void **state)
{
	struct fx *f = *state;
	struct mail m = { .to = "a@example.org", .subject = "S1", .body = "B1", .created_at = 5 };
	struct mail got;
	int64_t id1, id2;

	assert_int_equal(store_outbox_add(f->c, &m, &id1), STORE_OK);
	m.subject = "S2";
	m.body = "B2\n\xe4\xbd\xa0\xe5\xa5\xbd";
	assert_int_equal(store_outbox_add(f->c, &m, &id2), STORE_OK);
	assert_true(id2 > id1);
	assert_int_equal(store_outbox_latest(f->c, "a@example.org", &f->a, &got), STORE_OK);
	assert_int_equal(got.id, id2);
	assert_string_equal(got.to, "a@example.org");
	assert_string_equal(got.subject, "S2");
	assert_string_equal(got.body, m.body);
	assert_int_equal(got.created_at, 5);
	assert_int_equal(got.sent_at, 0);
	assert_int_equal(store_outbox_latest(f->c, "b@example.org", &f->a, &got), STORE_NOTFOUND);
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct audit_entry e = { .at = 10, .actor = 0, .action = "user.register",
		.subject = "user:1", .before = NULL, .after = "{\"email\":\"a\"}" };
	struct audit_entry *list;
	size_t n;

	assert_int_equal(store_audit_add(f->c, &e), STORE_OK);
	e.at = 11;
	e.actor = f->user;
	e.action = "session.login";
	e.before = "{}";
	assert_int_equal(store_audit_add(f->c, &e), STORE_OK);
	e.subject = "user:2";
	assert_int_equal(store_audit_add(f->c, &e), STORE_OK);

	assert_int_equal(store_audit_list(f->c, "user:1", 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].action, "session.login"); /* newest first */
	assert_int_equal(list[0].actor, f->user);
	assert_string_equal(list[0].before, "{}");
	assert_string_equal(list[1].action, "user.register");
	assert_null(list[1].before);
	assert_string_equal(list[1].after, "{\"email\":\"a\"}");
	assert_int_equal(store_audit_list(f->c, "user:1", 1, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_audit_list(f->c, "user:9", 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	/* append-only, even for a plain connection */
	assert_false(raw_ok(f, "UPDATE audit SET action = 'x'"));
	assert_false(raw_ok(f, "DELETE FROM audit"));
	if (f->be == BE_PG)
		assert_false(raw_ok(f, "TRUNCATE audit"));
	assert_int_equal(raw_int(f, "SELECT count(*) FROM audit"), 3);
}

static void test_enterprises(void **state)
{
	struct fx *f = *state;
	struct enterprise_rec e = { .uscc = "91110108551385082Q", .name = "Example Co",
		.key_entity = true, .breach_of_trust = false, .service_key = true,
		.sector = "software", .district = NULL, .note = "list 2025", .updated_at = 1 };
	struct enterprise_rec got;

	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_NOTFOUND);
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_OK);
	assert_string_equal(got.uscc, e.uscc);
	assert_string_equal(got.name, "Example Co");
	assert_true(got.key_entity && got.service_key && !got.breach_of_trust);
	assert_string_equal(got.sector, "software");
	assert_null(got.district);
	assert_string_equal(got.note, "list 2025");
	assert_int_equal(got.version, 1);
	/* an import overwrites and bumps */
	e.breach_of_trust = true;
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_OK);
	assert_true(got.breach_of_trust);
	assert_int_equal(got.version, 2);
	/* an edit at the current version, then a stale one */
	e.version = 2;
	e.note = "removed from list";
	e.key_entity = false;
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_OK);
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_CONFLICT);
	assert_int_equal(store_enterprise_get(f->c, e.uscc, &f->a, &got), STORE_OK);
	assert_int_equal(got.version, 3);
	assert_false(got.key_entity);
	assert_string_equal(got.note, "removed from list");
	e.uscc = "91350100M000100Y43";
	assert_int_equal(store_enterprise_put(f->c, &e), STORE_NOTFOUND);
}

static void test_applications(void **state)
{
	struct fx *f = *state;
	struct application_rec r = { .owner_id = f->user, .programme = "two-zones",
		.status = "draft", .data = "{\"v\":1}", .created_at = 100 };
	struct application_rec got, *list;
	int64_t id1, id2, other = add_user(f, f->c, "Cy");
	size_t n;

	assert_int_equal(store_application_create(f->c, &r, &id1), STORE_OK);
	r.created_at = 200;
	assert_int_equal(store_application_create(f->c, &r, &id2), STORE_OK);
	r.owner_id = 4242;
	assert_int_equal(store_application_create(f->c, &r, NULL), STORE_NOTFOUND);

	assert_int_equal(store_application_get(f->c, id1, &f->a, &got), STORE_OK);
	assert_int_equal(got.owner_id, f->user);
	assert_string_equal(got.programme, "two-zones");
	assert_string_equal(got.status, "draft");
	assert_string_equal(got.data, "{\"v\":1}");
	assert_int_equal(got.created_at, 100);
	assert_int_equal(got.updated_at, 100);
	assert_int_equal(got.version, 1);
	assert_int_equal(store_application_get(f->c, id2 + 10, &f->a, &got), STORE_NOTFOUND);

	/* optimistic concurrency */
	assert_int_equal(store_application_get(f->c, id1, &f->a, &got), STORE_OK);
	got.data = "{\"v\":2}";
	got.status = "submitted";
	got.updated_at = 150;
	assert_int_equal(store_application_update(f->c, &got), STORE_OK);
	assert_int_equal(store_application_update(f->c, &got), STORE_CONFLICT);
	got.id = id2 + 10;
	assert_int_equal(store_application_update(f->c, &got), STORE_NOTFOUND);
	assert_int_equal(store_application_get(f->c, id1, &f->a, &got), STORE_OK);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.data, "{\"v\":2}");
	assert_string_equal(got.status, "submitted");
	assert_int_equal(got.updated_at, 150);

	assert_int_equal(store_application_list(f->c, f->user, 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, id2); /* newest first */
	assert_int_equal(list[1].id, id1);
	assert_int_equal(store_application_list(f->c, f->user, 1, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(store_application_list(f->c, other, 10, &f->a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
}

/* ---- the two halves ---- */

TESTDB_CASES(setup_with)
#define NO_DB(f) { "store/" #f, f, NULL, NULL, NULL }

int main(void)
{
	static const struct CMUnitTest all[] = {
		NO_DB(test_names),
		NO_DB(test_open_errors),
		NO_DB(test_sqlstates),
		BOTH(test_migrations_once),
		BOTH(test_migrations_race),
		BOTH(test_schema_shape),
		BOTH(test_newer_schema_refused),
		BOTH(test_queries_table),
		BOTH(test_users),
		BOTH(test_user_list),
		BOTH(test_sessions),
		BOTH(test_login_failures),
		BOTH(test_password_reset),
		BOTH(test_outbox),
		BOTH(test_audit),
		BOTH(test_enterprises),
		BOTH(test_applications),
	};
	struct CMUnitTest run[sizeof all / sizeof all[0]];

	return run_on_backends("store", all, sizeof all / sizeof all[0], run);
}
