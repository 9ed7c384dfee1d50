/* test_result.c - result_json: the cached writer (`yingcai evaluate`) and
 * the plain one (the web API) give the same bytes on every golden scenario,
 * both match the scenario's expected output, a cache built from another
 * bundle is ignored rather than misread, and a small cap latches.
 *
 * Runs from the repository root (tests/golden/, YINGCAI_POLICY or policy/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "core/evaluate.h"
#include "format/appfile.h"
#include "format/result.h"
#include "policy/load.h"

#define GOLDEN "tests/golden"

struct fixture {
	struct arena a, other_a;
	struct policy_bundle b, other; /* the same directory loaded twice */
	const struct result_json_cache *cache, *other_cache;
};

static int load(struct arena *a, struct policy_bundle *b)
{
	struct strbuf errors = STRBUF_INIT(1 << 20);
	const char *dir = getenv("YINGCAI_POLICY");
	int n;

	arena_init(a, 0);
	n = policy_load_dir(dir && *dir ? dir : "policy", a, b, &errors);
	if (n)
		fprintf(stderr, "%s", errors.buf);
	strbuf_release(&errors);
	return n ? -1 : 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	if (!f || load(&f->a, &f->b) || load(&f->other_a, &f->other))
		return -1;
	f->cache = result_json_cache_build(&f->b, &f->a);
	f->other_cache = result_json_cache_build(&f->other, &f->other_a);
	if (!f->cache || !f->other_cache)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->a);
	arena_release(&f->other_a);
	free(f);
	return 0;
}

/* slurp: the file at path, NUL-terminated, in a; NULL when unreadable. */
static char *slurp(struct arena *a, const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct strbuf sb = STRBUF_INIT(1 << 24);
	char buf[4096], *s;
	size_t n;

	if (!fp)
		return NULL;
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(fp);
	s = sb.failed ? NULL : arena_strndup(a, sb.buf, sb.len);
	*len = sb.len;
	strbuf_release(&sb);
	return s;
}

/* each_golden: fn on the evaluation of every golden scenario that scores
 * (the others expect an error message); returns how many it saw. */
static size_t each_golden(const struct policy_bundle *b,
		void (*fn)(const struct evaluation *ev, const char *expected, size_t elen, void *arg),
		void *arg)
{
	DIR *d = opendir(GOLDEN);
	struct dirent *de;
	struct appfile_decoder dec;
	size_t count = 0;

	assert_non_null(d);
	appfile_decoder_init(&dec);
	while ((de = readdir(d)) != NULL) {
		const char *suffix = ".app.json";
		size_t nl = strlen(de->d_name), sl = strlen(suffix);
		char path[1024], epath[1024];
		struct arena a;
		struct application app;
		struct appfile_error aerr;
		struct evaluation ev;
		struct core_error cerr = {0};
		char *text, *expected;
		size_t len, elen;

		if (nl <= sl || strcmp(de->d_name + nl - sl, suffix) != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", GOLDEN, de->d_name);
		snprintf(epath, sizeof epath, "%s/%.*s.expected.json", GOLDEN, (int)(nl - sl),
			 de->d_name);
		arena_init(&a, 0);
		text = slurp(&a, path, &len);
		expected = slurp(&a, epath, &elen);
		assert_non_null(text);
		assert_non_null(expected);
		if (appfile_decode(&dec, text, len, 1, &a, &app, &aerr) == APPFILE_OK &&
		    evaluate_application(b, &app, NULL, &a, &ev, &cerr)) {
			struct evaluation best; /* as `yingcai evaluate` adds it */
			if (evaluation_full_marks(b, &ev, &a, &best))
				ev.full_marks = &best;
			fn(&ev, expected, elen, arg);
			count++;
		}
		arena_release(&a);
	}
	appfile_decoder_release(&dec);
	closedir(d);
	return count;
}

/* same: result_json and result_json_cached with the cache in arg give the
 * same bytes, and those the scenario expects. */
static void same(const struct evaluation *ev, const char *expected, size_t elen, void *arg)
{
	const struct result_json_cache *cache = arg;
	struct strbuf plain = STRBUF_INIT(1 << 22), cached = STRBUF_INIT(1 << 22);

	result_json(ev, &plain);
	result_json_cached(ev, cache, &cached);
	assert_false(plain.failed);
	assert_false(cached.failed);
	assert_int_equal(cached.len, plain.len);
	assert_memory_equal(cached.buf, plain.buf, plain.len);
	/* expected: the CLI's output, one line */
	assert_int_equal(elen, plain.len + 1);
	assert_memory_equal(expected, plain.buf, plain.len);
	strbuf_release(&plain);
	strbuf_release(&cached);
}

static void cached_equals_plain_on_every_golden_scenario(void **state)
{
	struct fixture *f = *state;

	/* a scenario for every programme, track, state and checklist case */
	assert_true(each_golden(&f->b, same, (void *)f->cache) >= 100);
}

static void a_cache_of_another_bundle_is_not_used(void **state)
{
	struct fixture *f = *state;

	/* the pieces are found by address: none of them belongs to f->b */
	assert_true(each_golden(&f->b, same, (void *)f->other_cache) >= 100);
}

static void latch(const struct evaluation *ev, const char *expected, size_t elen, void *arg)
{
	const struct result_json_cache *cache = arg;
	struct strbuf sb = STRBUF_INIT(elen / 2);
	char fixed[100];
	(void)expected;

	result_json_cached(ev, cache, &sb);
	assert_true(sb.failed);
	assert_true(sb.len <= elen / 2);
	strbuf_release(&sb);
	strbuf_init_fixed(&sb, fixed, sizeof fixed);
	result_json_cached(ev, cache, &sb);
	assert_true(sb.failed);
	assert_true(sb.len < sizeof fixed);
	assert_int_equal(sb.buf[sb.len], '\0');
}

static void a_result_past_the_cap_latches(void **state)
{
	struct fixture *f = *state;

	assert_true(each_golden(&f->b, latch, (void *)f->cache) >= 100);
	assert_true(each_golden(&f->b, latch, NULL) >= 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cached_equals_plain_on_every_golden_scenario),
		cmocka_unit_test(a_cache_of_another_bundle_is_not_used),
		cmocka_unit_test(a_result_past_the_cap_latches),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
