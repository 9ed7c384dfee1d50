/* storefx.h - the fixture of the store's suites (test_store.c: opening,
 * migrations and every table; test_store_faults.c: transactions, busy and
 * full databases, concurrency, a lost connection), on both backends.
 *
 * Each test has a database of its own: SQLite, a file in a mkdtemp
 * directory under /tmp, removed afterwards; PostgreSQL, a schema of its own
 * (URL ?schema=yct_<pid>_<n>, created by store_open), dropped afterwards.
 * Checks that look behind the API (schema_migrations rows, column types,
 * the append-only audit log) use a plain connection: sqlite3 on the file,
 * or libpq with search_path set to the test's schema (raw_int, raw_ok).
 * Include after backends.h, <libpq-fe.h> and <sqlite3.h>.
 */
#ifndef YC_STOREFX_H
#define YC_STOREFX_H

#include "testdb.h"


struct fx {
	enum be be;
	char dir[64];       /* the test's directory (SQLite: its database; blobs) */
	char schema[64];    /* PostgreSQL: the test's schema */
	char url[1024];     /* what store_open gets */
	char file[128];     /* SQLite: the database file */
	PGconn *raw;        /* PostgreSQL: a plain connection in the schema */
	struct store *s;
	struct store_conn *c;
	struct arena a;
	int64_t user;     /* a user every test may use */
	unsigned counter; /* for unique e-mails and token hashes */
};


/* db_url: the URL of the test's database `name` ("yc", or another one a
 * test opens besides): a file in the test's directory, or a schema named
 * after the test's (with the same application_name, to find its sessions). */
static inline void db_url(struct fx *f, const char *name, char *out, size_t n)
{
	if (f->be == BE_SQLITE) {
		snprintf(out, n, "sqlite:%s/%s.db", f->dir, name);
		return;
	}
	snprintf(out, n, "%s%sschema=%s%s%s&application_name=%s", pg_base,
		 strchr(pg_base, '?') ? "&" : "?", f->schema, strcmp(name, "yc") ? "_" : "",
		 strcmp(name, "yc") ? name : "", f->schema);
}

static inline struct store *open_store(struct fx *f, unsigned pool)
{
	char err[256] = "";
	char blobs[128];
	struct store *s;

	snprintf(blobs, sizeof blobs, "%s/blobs", f->dir);
	s = store_open(f->url, blobs, pool, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	return s;
}

static inline int64_t add_user(struct fx *f, struct store_conn *c, const char *name)
{
	char email[64];
	struct user u = { .name = name, .role = ROLE_APPLICANT, .password_hash = "$argon2id$x",
		.lang = "en", .created_at = 1000 };
	int64_t id = 0;

	snprintf(email, sizeof email, "u%u@example.org", ++f->counter);
	u.email = email;
	assert_int_equal(store_user_create(c, &u, &id), STORE_OK);
	assert_true(id > 0);
	return id;
}

static inline void fill_hash(struct fx *f, unsigned char h[32])
{
	memset(h, 0xa5, 32);
	f->counter++;
	memcpy(h, &f->counter, sizeof f->counter);
}

/* ---- plain connections ---- */

/* pg_drop_schema: drop `schema` and all in it; the name goes in as a
 * parameter and the server quotes it (format %I). */
static inline void pg_drop_schema(PGconn *pg, const char *schema)
{
	if (!pg_ok(pg_param(pg, "SELECT set_config('yingcai.schema', $1, false)", schema)) ||
	    !pg_ok(pg_param(pg, "DO $$ BEGIN EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', "
			    "current_setting('yingcai.schema')); END $$", NULL)))
		fail_msg("drop schema %s: %s", schema, PQerrorMessage(pg));
}

/* raw_int: the first column of the first row of sql, over a plain
 * connection to the test database (-1 when there is no row or NULL). */
static inline int64_t raw_int(struct fx *f, const char *sql)
{
	int64_t v = -1;

	if (f->be == BE_SQLITE) {
		sqlite3 *db;
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_open(f->file, &db), SQLITE_OK);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(db));
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
			v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		sqlite3_close(db);
	} else {
		v = pg_int(f->raw, sql);
	}
	return v;
}

/* raw_ok: run sql over a plain connection: did it succeed? */
static inline bool raw_ok(struct fx *f, const char *sql)
{
	sqlite3 *db;
	int rc;

	if (f->be == BE_PG)
		return pg_ok(pg_param(f->raw, sql, NULL));
	assert_int_equal(sqlite3_open(f->file, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK;
}

/* ---- fixtures ---- */

static inline int setup_with(void **state, enum be be)
{
	static unsigned serial;
	struct fx *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->be = be;
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-store-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->file, sizeof f->file, "%s/yc.db", f->dir);
	if (be == BE_PG) {
		snprintf(f->schema, sizeof f->schema, "yct_%ld_%u", (long)getpid(), ++serial);
		f->raw = PQconnectdb(pg_base);
		if (PQstatus(f->raw) != CONNECTION_OK)
			fail_msg("YINGCAI_TEST_PG: %s", PQerrorMessage(f->raw));
		PQsetNoticeProcessor(f->raw, quiet_notice, NULL);
		if (!pg_ok(pg_param(f->raw, "SELECT set_config('search_path', quote_ident($1), false)",
				    f->schema)))
			fail_msg("search_path: %s", PQerrorMessage(f->raw));
	}
	db_url(f, "yc", f->url, sizeof f->url);
	arena_init(&f->a, 0);
	f->s = open_store(f, 2);
	f->c = store_conn_acquire(f->s);
	f->user = add_user(f, f->c, "Ada");
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;
	char other[80];

	if (f->c)
		store_conn_release(f->c);
	store_close(f->s);
	if (f->raw) {
		pg_drop_schema(f->raw, f->schema);
		snprintf(other, sizeof other, "%s_b", f->schema);
		pg_drop_schema(f->raw, other);
		PQfinish(f->raw);
	}
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* reopen: close the store (giving back the fixture's connection) and open
 * it again with `pool` connections. */
static inline void reopen(struct fx *f, unsigned pool, bool acquire)
{
	if (f->c)
		store_conn_release(f->c);
	f->c = NULL;
	store_close(f->s);
	f->s = open_store(f, pool);
	if (acquire)
		f->c = store_conn_acquire(f->s);
}

static inline long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (long)((t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000);
}

#endif
