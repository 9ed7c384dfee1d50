/* backends.h - run a store test suite on SQLite and on PostgreSQL.
 *
 * Shared by the store's test programs (test_store, test_blob, test_backup):
 * every test named "sqlite/..." runs on SQLite, every "postgresql/..." on
 * the PostgreSQL server of YINGCAI_TEST_PG when it is set, and
 * YINGCAI_TEST_BACKEND=sqlite|postgresql runs one half only (scripts/
 * run-tests runs the PostgreSQL half of each suite after the SQLite one).
 * Include after <cmocka.h>; `pg_base` is the URL for the suite's setups.
 */
#ifndef YC_TEST_BACKENDS_H
#define YC_TEST_BACKENDS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *pg_base; /* YINGCAI_TEST_PG, or NULL */

/* run_on_backends: the tests of all[0..n) for the backends asked for;
 * exit status 1 on a usage problem, else cmocka's result. */
static int run_on_backends(const char *suite, const struct CMUnitTest *all, size_t n,
		struct CMUnitTest *run)
{
	const char *only = getenv("YINGCAI_TEST_BACKEND");
	bool sqlite, pg;
	size_t k = 0;

	pg_base = getenv("YINGCAI_TEST_PG");
	if (pg_base && !*pg_base)
		pg_base = NULL;
	if (only && *only && strcmp(only, "sqlite") != 0 && strcmp(only, "postgresql") != 0) {
		fprintf(stderr, "YINGCAI_TEST_BACKEND: sqlite or postgresql, not %s\n", only);
		return 1;
	}
	sqlite = !only || !*only || strcmp(only, "sqlite") == 0;
	pg = !only || !*only || strcmp(only, "postgresql") == 0;
	if (pg && !pg_base) {
		if (!sqlite) {
			fprintf(stderr, "YINGCAI_TEST_BACKEND=postgresql needs YINGCAI_TEST_PG\n");
			return 1;
		}
		printf("%s: PostgreSQL not tested: YINGCAI_TEST_PG is not set\n", suite);
		pg = false;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(all[i].name, "postgresql/", 11) == 0 ? pg : sqlite)
			run[k++] = all[i];
	return _cmocka_run_group_tests(suite, run, k, NULL, NULL);
}

#endif
