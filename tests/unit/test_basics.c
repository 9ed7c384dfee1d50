/* test_basics.c - points, dates, arena and string builder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/date.h"
#include "core/points.h"
#include "lib/arena.h"
#include "lib/strbuf.h"

static void points_parse_accepts_what_people_write(void **state)
{
	points_t p;
	(void)state;
	assert_true(points_parse("5", 1, &p));
	assert_int_equal(p, 500);
	assert_true(points_parse("0.5", 3, &p));
	assert_int_equal(p, 50);
	assert_true(points_parse("12.25", 5, &p));
	assert_int_equal(p, 1225);
	assert_true(points_parse("-3", 2, &p));
	assert_int_equal(p, -300);
	assert_false(points_parse("1.234", 5, &p));
	assert_false(points_parse("1.", 2, &p));
	assert_false(points_parse(".", 1, &p));
	assert_false(points_parse("", 0, &p));
	assert_false(points_parse("1e3", 3, &p));
	assert_false(points_parse("99999999999999999999", 20, &p));
}

static void points_format_two_places(void **state)
{
	char buf[POINTS_FMT_MAX];
	(void)state;
	assert_string_equal(points_format(8250, buf), "82.50");
	assert_string_equal(points_format(5, buf), "0.05");
	assert_string_equal(points_format(0, buf), "0.00");
	assert_string_equal(points_format(-150, buf), "-1.50");
	assert_string_equal(points_format(INT64_MIN, buf), "-92233720368547758.08");
	assert_string_equal(points_format(INT64_MAX, buf), "92233720368547758.07");
}

/* points_format_n against printf's arithmetic, on every width of number,
 * both signs. */
static void points_format_matches_printf(void **state)
{
	char buf[POINTS_FMT_MAX], want[64];
	int64_t v = 1;
	(void)state;
	for (int width = 0; width < 19; width++, v *= 10) {
		for (int64_t d = -3; d <= 3; d++) {
			for (int64_t sign = -1; sign <= 1; sign += 2) {
				int64_t p = sign * (v + d), a = p < 0 ? -p : p;
				int n = snprintf(want, sizeof want, "%s%" PRId64 ".%02" PRId64,
						 p < 0 ? "-" : "", a / 100, a % 100);
				assert_int_equal(points_format_n(p, buf), (size_t)n);
				assert_string_equal(buf, want);
			}
		}
	}
}

static void points_round_half_up(void **state)
{
	(void)state;
	assert_int_equal(points_div_round(825000, 100), 8250);
	assert_int_equal(points_div_round(5, 2), 3);   /* 2.5 -> 3 */
	assert_int_equal(points_div_round(4, 3), 1);   /* 1.33 -> 1 */
	assert_int_equal(points_div_round(5, 3), 2);   /* 1.67 -> 2 */
	assert_int_equal(points_div_round(-5, 2), -3); /* half away from zero */
	/* mean of three experts 15, 12.5, 16 = 14.50 */
	assert_int_equal(points_div_round(1500 + 1250 + 1600, 3), 1450);
	/* 0.70 x 84.33 + 0.30 x 79.17 = 82.782 -> 82.78 */
	assert_int_equal(points_div_round(70 * 8433 + 30 * 7917, 100), 8278);
	/* 0.70 x 84.15 + 0.30 x 79.00 = 82.605 -> 82.61 (half-up) */
	assert_int_equal(points_div_round(70 * 8415 + 30 * 7900, 100), 8261);
}

static void dates_round_trip(void **state)
{
	char buf[DATE_FMT_MAX];
	date_t d;
	(void)state;
	for (d = date_from_ymd(1900, 1, 1); d < date_from_ymd(2101, 1, 1); d += 17) {
		int y, m, dd;
		date_to_ymd(d, &y, &m, &dd);
		assert_int_equal(date_from_ymd(y, m, dd), d);
	}
	assert_int_equal(date_from_ymd(1970, 1, 1), 0);
	assert_true(date_parse("2024-02-29", 10, &d));
	assert_string_equal(date_format(d, buf), "2024-02-29");
	assert_false(date_parse("2025-02-29", 10, &d));
	assert_false(date_parse("2025-13-01", 10, &d));
	assert_false(date_parse("2025-1-01", 9, &d));
	assert_false(date_parse("2025/01/01", 10, &d));
	assert_int_equal(date_weekday(date_from_ymd(2025, 11, 27)), 4); /* Thursday */
	assert_int_equal(date_weekday(date_from_ymd(2026, 2, 14)), 6);  /* Saturday */
}

static void ages_in_whole_years(void **state)
{
	(void)state;
	assert_int_equal(date_age_years(date_from_ymd(1984, 5, 17), date_from_ymd(2025, 12, 1)), 41);
	assert_int_equal(date_age_years(date_from_ymd(2000, 12, 1), date_from_ymd(2025, 12, 1)), 25);
	assert_int_equal(date_age_years(date_from_ymd(2000, 12, 2), date_from_ymd(2025, 12, 1)), 24);
	assert_int_equal(date_age_years(date_from_ymd(2000, 2, 29), date_from_ymd(2025, 2, 28)), 24);
	assert_int_equal(date_age_years(date_from_ymd(2000, 2, 29), date_from_ymd(2025, 3, 1)), 25);
}

static void months_add_and_clamp(void **state)
{
	char buf[MONTH_FMT_MAX];
	month_t mo;
	(void)state;
	assert_int_equal(date_add_months(date_from_ymd(2025, 1, 31), 1), date_from_ymd(2025, 2, 28));
	assert_int_equal(date_add_months(date_from_ymd(2028, 1, 31), 1), date_from_ymd(2028, 2, 29));
	assert_int_equal(date_add_months(date_from_ymd(2025, 12, 15), -6), date_from_ymd(2025, 6, 15));
	assert_int_equal(date_add_months(date_from_ymd(2025, 11, 30), 3), date_from_ymd(2026, 2, 28));
	/* the first day of n months that reach a day: 08-31 - 6 months is 02-28,
	 * but 02-28 + 6 months is only 08-28 */
	assert_int_equal(date_within_months_from(date_from_ymd(2026, 8, 31), 6), date_from_ymd(2026, 3, 1));
	assert_int_equal(date_within_months_from(date_from_ymd(2026, 8, 28), 6), date_from_ymd(2026, 2, 28));
	assert_int_equal(date_within_months_from(date_from_ymd(2025, 12, 1), 6), date_from_ymd(2025, 6, 1));
	assert_int_equal(date_within_months_from(date_from_ymd(2028, 8, 29), 6), date_from_ymd(2028, 2, 29));
	assert_int_equal(date_within_months_from(date_from_ymd(2025, 3, 31), 1), date_from_ymd(2025, 3, 1));
	assert_true(month_parse("2006-07", 7, &mo));
	assert_string_equal(month_format(mo, buf), "2006-07");
	assert_false(month_parse("2006-13", 7, &mo));
	assert_int_equal(month_of(date_from_ymd(2006, 7, 31)), mo);
}

static void arena_gives_zeroed_aligned_memory(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 0);
	for (int i = 1; i < 2000; i++) {
		unsigned char *p = arena_alloc(&a, (size_t)i);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (int j = 0; j < i; j++)
			assert_int_equal(p[j], 0);
		memset(p, 0xAB, (size_t)i);
	}
	assert_string_equal(arena_printf(&a, "%d-%s", 42, "x"), "42-x");
	assert_null(arena_array(&a, SIZE_MAX / 2, 4));
	assert_true(a.failed);
	arena_reset(&a);
	assert_false(a.failed);
	assert_non_null(arena_alloc(&a, 10));
	arena_release(&a);
}

/* A big allocation takes a block of its own and the small ones after it
 * still come from the block before; after a reset everything is zeroed
 * again, and printf'd strings interleave with allocations. */
static void arena_big_and_small_interleave(void **state)
{
	struct arena a;
	unsigned char *small[64];
	(void)state;
	arena_init(&a, 0);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 64; i++) {
			size_t n = i % 8 == 7 ? 9000 + (size_t)i : 1 + (size_t)i * 3;
			char *s = arena_printf(&a, "s%d", i);

			small[i] = arena_alloc(&a, n);
			assert_non_null(small[i]);
			assert_int_equal((uintptr_t)small[i] % 16, 0);
			for (size_t j = 0; j < n; j++)
				assert_int_equal(small[i][j], 0);
			memset(small[i], i, n);
			assert_string_equal(s, arena_printf(&a, "s%d", i));
		}
		for (int i = 0; i < 64; i++) /* nothing overlapped */
			assert_int_equal(small[i][0], i);
		arena_reset(&a);
	}
	arena_release(&a);
}

static void arena_limit_is_enforced(void **state)
{
	struct arena a;
	(void)state;
	arena_init(&a, 100000);
	assert_null(arena_alloc(&a, 200000));
	assert_true(a.failed);
	arena_release(&a);
}

static void strbuf_caps_and_latches(void **state)
{
	struct strbuf sb = STRBUF_INIT(8);
	char fixed[4];
	(void)state;
	assert_string_equal(sb.buf, "");
	strbuf_addstr(&sb, "12345");
	strbuf_addstr(&sb, "6789");
	assert_true(sb.failed);
	assert_string_equal(sb.buf, "12345");
	strbuf_addstr(&sb, "a");
	assert_string_equal(sb.buf, "12345");
	strbuf_release(&sb);
	strbuf_init_fixed(&sb, fixed, sizeof fixed);
	strbuf_addstr(&sb, "abc");
	assert_false(sb.failed);
	strbuf_addch(&sb, 'd');
	assert_true(sb.failed);
	assert_string_equal(fixed, "abc");
}

static void strbuf_escapes(void **state)
{
	struct strbuf sb = STRBUF_INIT(1024);
	(void)state;
	strbuf_add_json(&sb, "a\"b\\c\n\x01é");
	assert_string_equal(sb.buf, "\"a\\\"b\\\\c\\n\\u0001é\"");
	strbuf_reset(&sb);
	strbuf_add_html(&sb, "<a href='x'>&\"</a>");
	assert_string_equal(sb.buf, "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
	strbuf_reset(&sb);
	strbuf_addf(&sb, "%05.1f|%s", 3.14159, "z");
	assert_string_equal(sb.buf, "003.1|z");
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(points_parse_accepts_what_people_write),
		cmocka_unit_test(points_format_two_places),
		cmocka_unit_test(points_format_matches_printf),
		cmocka_unit_test(points_round_half_up),
		cmocka_unit_test(dates_round_trip),
		cmocka_unit_test(ages_in_whole_years),
		cmocka_unit_test(months_add_and_clamp),
		cmocka_unit_test(arena_gives_zeroed_aligned_memory),
		cmocka_unit_test(arena_big_and_small_interleave),
		cmocka_unit_test(arena_limit_is_enforced),
		cmocka_unit_test(strbuf_caps_and_latches),
		cmocka_unit_test(strbuf_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
