/* testdb.h - a database of its own for each test, on either backend.
 *
 * For the suites that run on SQLite and on PostgreSQL (the store's:
 * storefx.h, test_blob, test_backup; the app layer's: test_accounts,
 * test_tx, test_housekeeping), with the plain-libpq helpers they share: test_db_place makes the test's temporary
 * directory and the URL of its database there (SQLite), or of a schema of
 * its own on the server of YINGCAI_TEST_PG (PostgreSQL: store_open creates
 * the schema, test_drop_schema removes it with everything in it).
 * Include after backends.h (pg_base) and <libpq-fe.h>.
 */
#ifndef YC_TEST_DB_H
#define YC_TEST_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

enum be { BE_SQLITE, BE_PG };

static inline void quiet_notice(void *arg, const char *msg)
{
	(void)arg, (void)msg;
}

/* pg_admin: a plain connection to the test server, its notices silenced. */
static inline PGconn *pg_admin(void)
{
	PGconn *pg = PQconnectdb(pg_base);

	if (PQstatus(pg) != CONNECTION_OK)
		fail_msg("YINGCAI_TEST_PG: %s", PQerrorMessage(pg));
	PQsetNoticeProcessor(pg, quiet_notice, NULL);
	return pg;
}

/* pg_param: sql with one text parameter (or none) on pg; the result (the
 * caller clears it). */
static inline PGresult *pg_param(PGconn *pg, const char *sql, const char *param)
{
	const char *v[1] = { param };

	return PQexecParams(pg, sql, param ? 1 : 0, NULL, v, NULL, NULL, 0);
}

/* pg_ok: did res succeed?  Clears it. */
static inline bool pg_ok(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);

	PQclear(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* pg_int: the first column of the first row of sql on pg (-1 when there
 * is no row or it is NULL); a failing query fails the test. */
static inline int64_t pg_int(PGconn *pg, const char *sql)
{
	PGresult *res = pg_param(pg, sql, NULL);
	int64_t v = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return v;
}

/* test_db_place: dir[64] from the template "/tmp/yc-<prefix>-XXXXXX"; on
 * PostgreSQL schema[64] a name of its own ("<prefix>_<pid>_<n>"); url the
 * database to open. */
static inline void test_db_place(enum be be, const char *prefix, char dir[64],
		char schema[64], char *url, size_t n)
{
	static unsigned serial;

	snprintf(dir, 64, "/tmp/yc-%s-XXXXXX", prefix);
	assert_non_null(mkdtemp(dir));
	if (be == BE_PG) {
		snprintf(schema, 64, "%s_%ld_%u", prefix, (long)getpid(), ++serial);
		snprintf(url, n, "%s%sschema=%s", pg_base, strchr(pg_base, '?') ? "&" : "?",
			 schema);
	} else {
		snprintf(url, n, "sqlite:%s/yc.db", dir);
	}
}

/* test_store_open: a store of pool connections on a database of the test's
 * own (test_db_place: dir and schema are filled), documents in dir/blobs;
 * a failure to open fails the test. */
static inline struct store *test_store_open(enum be be, const char *prefix, char dir[64],
		char schema[64], unsigned pool)
{
	char err[512] = "", url[1024], blobs[128];
	struct store *s;

	test_db_place(be, prefix, dir, schema, url, sizeof url);
	snprintf(blobs, sizeof blobs, "%s/blobs", dir);
	s = store_open(url, blobs, pool, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	return s;
}

/* test_drop_schema: the PostgreSQL test's schema goes, with everything in
 * it (the name is a parameter; the server quotes it). */
static inline void test_drop_schema(const char *schema)
{
	PGconn *pg = pg_admin();
	const char *v[1] = { schema };
	PGresult *res;

	res = PQexecParams(pg, "SELECT set_config('yingcai.schema', $1, false)", 1, NULL, v,
			   NULL, NULL, 0);
	PQclear(res);
	res = PQexec(pg, "DO $$ BEGIN EXECUTE format('DROP SCHEMA IF EXISTS %I CASCADE', "
		     "current_setting('yingcai.schema')); END $$");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fail_msg("drop schema %s: %s", schema, PQerrorMessage(pg));
	PQclear(res);
	PQfinish(pg);
}

/* TESTDB_CASES(setup_with): the suite's setups for each backend,
 * setup_with(state, BE_SQLITE or BE_PG); with them the cmocka entries
 * SQLITE(t), PG(t) and BOTH(t) (the SQLite one, then PostgreSQL's) that
 * run_on_backends (backends.h) picks from, torn down by the suite's
 * `teardown`. */
#define TESTDB_CASES(setup_with)                                             \
	static int setup_sqlite(void **state) { return setup_with(state, BE_SQLITE); } \
	static int setup_pg(void **state) { return setup_with(state, BE_PG); }
#define SQLITE(t) { "sqlite/" #t, t, setup_sqlite, teardown, NULL }
#define PG(t) { "postgresql/" #t, t, setup_pg, teardown, NULL }
#define BOTH(t) SQLITE(t), PG(t)

#endif
