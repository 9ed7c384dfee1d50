/* test_http.c - small parts of the portal's request layer (web/http.h)
 * that need no server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/arena.h"
#include "web/http.h"

/* A path is decoded before the portal sees it: %0A is a line break and
 * %1B an escape.  Logged, it is quoted and escaped as JSON. */
static void a_logged_path_cannot_forge_a_line(void **state)
{
	struct arena a;
	struct request rq = {0};
	(void)state;

	arena_init(&a, 0);
	rq.a = &a;
	rq.path = "/applications/1\nyingcai serve: \x1b[31mforged \"line\"";
	assert_string_equal(http_log_path(&rq),
			    "\"/applications/1\\u000ayingcai serve: \\u001b[31mforged \\\"line\\\"\"");
	rq.path = "/self-check/两区";
	assert_string_equal(http_log_path(&rq), "\"/self-check/两区\"");
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_logged_path_cannot_forge_a_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
