/* test_calendar.c - the working-day calendar (core/calendar.h) and
 * date_add_months (core/date.h).
 *
 * The calendar is built by hand from the State Council notices for 2025
 * (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号) as listed in
 * spec/product.md, so these tests do not depend on the YAML loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/date.h"

/* A block of days off, inclusive. */
struct block {
	int y, m1, d1, m2, d2;
};

static const struct block blocks[] = {
	{2025, 1, 1, 1, 1},
	{2025, 1, 28, 2, 4},
	{2025, 4, 4, 4, 6},
	{2025, 5, 1, 5, 5},
	{2025, 5, 31, 6, 2},
	{2025, 10, 1, 10, 8},
	{2026, 1, 1, 1, 3},
	{2026, 2, 15, 2, 23},
	{2026, 4, 4, 4, 6},
	{2026, 5, 1, 5, 5},
	{2026, 6, 19, 6, 21},
	{2026, 9, 25, 9, 27},
	{2026, 10, 1, 10, 7},
};

/* Adjusted working days (weekend days worked), as {y, m, d}. */
static const int adjusted[][3] = {
	{2025, 1, 26}, {2025, 2, 8}, {2025, 4, 27}, {2025, 9, 28}, {2025, 10, 11},
	{2026, 1, 4}, {2026, 2, 14}, {2026, 2, 28}, {2026, 5, 9}, {2026, 9, 20},
	{2026, 10, 10},
};

#define NBLOCKS (sizeof blocks / sizeof blocks[0])
#define NADJUSTED (sizeof adjusted / sizeof adjusted[0])

static struct calendar_year years[] = {
	{2025, "国办发明电〔2024〕12号", "policy/calendar/2025.yaml"},
	{2026, "国办发明电〔2025〕7号", "policy/calendar/2026.yaml"},
};
static date_t days_off[64];
static date_t working_days[NADJUSTED];
static struct calendar cal;

static date_t D(int y, int m, int d)
{
	assert_true(date_valid_ymd(y, m, d));
	return date_from_ymd(y, m, d);
}

static int setup(void **state)
{
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < NBLOCKS; i++) {
		const struct block *b = &blocks[i];

		for (date_t d = D(b->y, b->m1, b->d1); d <= D(b->y, b->m2, b->d2); d++)
			days_off[n++] = d;
	}
	for (size_t i = 0; i < NADJUSTED; i++)
		working_days[i] = D(adjusted[i][0], adjusted[i][1], adjusted[i][2]);
	cal = (struct calendar){years, 2, days_off, n, working_days, NADJUSTED};
	return 0;
}

static bool working(date_t d)
{
	bool w = false;

	assert_int_equal(calendar_is_working_day(&cal, d, &w), CAL_OK);
	return w;
}

static date_t add(date_t d, int n)
{
	date_t out = 0;

	assert_int_equal(calendar_add_working_days(&cal, d, n, &out), CAL_OK);
	return out;
}

/* The data itself: every adjusted day is a Saturday or Sunday. */
static void test_adjusted_days_are_weekends(void **state)
{
	(void)state;
	for (size_t i = 0; i < NADJUSTED; i++)
		assert_true(date_weekday(working_days[i]) >= 6);
}

static void test_holiday_block_boundaries(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBLOCKS; i++) {
		const struct block *b = &blocks[i];
		date_t first = D(b->y, b->m1, b->d1), last = D(b->y, b->m2, b->d2);

		assert_false(working(first));
		assert_false(working(last));
		/* the weekdays just outside each block are working days */
		if (date_weekday(first - 1) < 6 && first - 1 >= D(2025, 1, 1))
			assert_true(working(first - 1));
		if (date_weekday(last + 1) < 6)
			assert_true(working(last + 1));
	}
	/* the days just outside some blocks, checked by hand */
	assert_true(working(D(2025, 1, 27)));  /* Mon before Spring Festival */
	assert_true(working(D(2025, 2, 5)));   /* Wed after it */
	assert_true(working(D(2025, 10, 9)));  /* Thu after National Day */
	assert_true(working(D(2026, 2, 13)));  /* Fri before Spring Festival */
	assert_true(working(D(2026, 2, 24)));  /* Tue after it */
	assert_true(working(D(2026, 1, 5)));   /* Mon after New Year */
	assert_true(working(D(2026, 10, 8)));  /* Thu after National Day */
	/* a holiday on weekdays is off */
	assert_int_equal(date_weekday(D(2025, 5, 5)), 1);
	assert_false(working(D(2025, 5, 5)));
}

static void test_adjusted_working_days(void **state)
{
	(void)state;
	for (size_t i = 0; i < NADJUSTED; i++)
		assert_true(working(working_days[i]));
	/* the weekend day beside an adjusted one stays off */
	assert_false(working(D(2026, 2, 15)));
	assert_false(working(D(2025, 1, 25))); /* Sat before Sun 01-26 */
	assert_false(working(D(2026, 3, 1)));  /* Sun after Sat 02-28 */
}

static void test_weekends_and_weekdays(void **state)
{
	(void)state;
	assert_false(working(D(2025, 3, 8)));  /* Sat */
	assert_false(working(D(2025, 3, 9)));  /* Sun */
	assert_true(working(D(2025, 3, 10)));  /* Mon */
	assert_true(working(D(2026, 12, 31))); /* Thu, last covered day */
	assert_false(working(D(2026, 1, 1)));
}

static void test_count_per_year(void **state)
{
	int n = 0;

	(void)state;
	/* 2025: 261 weekdays, 18 of them holidays (01-01; 6 at Spring
	 * Festival; 1, 3, 1 in April, May, June; 6 at National Day), plus 5
	 * adjusted weekend days; 01-01 itself is outside (from, to]. */
	assert_int_equal(calendar_working_days_between(&cal, D(2025, 1, 1), D(2025, 12, 31), &n),
			 CAL_OK);
	assert_int_equal(n, 248);
}

static void test_add_across_spring_festival_2026(void **state)
{
	(void)state;
	assert_int_equal(add(D(2026, 2, 13), 1), D(2026, 2, 14)); /* adjusted Sat */
	assert_int_equal(add(D(2026, 2, 13), 2), D(2026, 2, 24));
	assert_int_equal(add(D(2026, 2, 14), 1), D(2026, 2, 24));
	assert_int_equal(add(D(2026, 2, 15), 1), D(2026, 2, 24)); /* from a day off */
	assert_int_equal(add(D(2026, 2, 13), 6), D(2026, 2, 28)); /* 24-27, then Sat 28 */
	assert_int_equal(add(D(2026, 2, 13), 7), D(2026, 3, 2));
}

static void test_add_ordinary(void **state)
{
	(void)state;
	assert_int_equal(add(D(2025, 3, 7), 1), D(2025, 3, 10));  /* Fri -> Mon */
	assert_int_equal(add(D(2025, 3, 8), 1), D(2025, 3, 10));  /* from Sat */
	assert_int_equal(add(D(2025, 3, 3), 5), D(2025, 3, 10));
	assert_int_equal(add(D(2025, 9, 30), 1), D(2025, 10, 9)); /* over National Day */
	assert_int_equal(add(D(2025, 10, 10), 1), D(2025, 10, 11)); /* adjusted Sat */
	assert_int_equal(add(D(2025, 12, 31), 1), D(2026, 1, 4));  /* across years */
}

static void test_add_zero(void **state)
{
	(void)state;
	assert_int_equal(add(D(2026, 2, 16), 0), D(2026, 2, 16)); /* a day off: itself */
	assert_int_equal(add(D(2025, 6, 3), 0), D(2025, 6, 3));
}

static void test_between(void **state)
{
	int n = -1;

	(void)state;
	assert_int_equal(calendar_working_days_between(&cal, D(2026, 2, 13), D(2026, 2, 24), &n),
			 CAL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(calendar_working_days_between(&cal, D(2026, 2, 13), D(2026, 2, 13), &n),
			 CAL_OK);
	assert_int_equal(n, 0);
	/* between and add agree */
	for (int k = 0; k < 40; k++) {
		date_t to = add(D(2025, 12, 20), k);

		assert_int_equal(calendar_working_days_between(&cal, D(2025, 12, 20), to, &n), CAL_OK);
		assert_int_equal(n, k);
	}
	assert_int_equal(calendar_working_days_between(&cal, D(2026, 2, 24), D(2026, 2, 13), &n),
			 CAL_BAD_ARGUMENT);
}

static void test_out_of_range(void **state)
{
	bool w;
	date_t out;
	int n;

	(void)state;
	assert_true(calendar_covers(&cal, D(2025, 1, 1)));
	assert_true(calendar_covers(&cal, D(2026, 12, 31)));
	assert_false(calendar_covers(&cal, D(2024, 12, 31)));
	assert_false(calendar_covers(&cal, D(2027, 1, 1)));
	assert_int_equal(calendar_is_working_day(&cal, D(2024, 12, 31), &w), CAL_OUT_OF_RANGE);
	assert_int_equal(calendar_is_working_day(&cal, D(2027, 1, 1), &w), CAL_OUT_OF_RANGE);
	assert_int_equal(calendar_is_working_day(&cal, D(2031, 1, 5), &w), CAL_OUT_OF_RANGE);
	/* a start outside the data, even with n == 0 */
	assert_int_equal(calendar_add_working_days(&cal, D(2024, 12, 31), 1, &out),
			 CAL_OUT_OF_RANGE);
	assert_int_equal(calendar_add_working_days(&cal, D(2024, 12, 31), 0, &out),
			 CAL_OUT_OF_RANGE);
	/* stepping past the end reports the first uncovered day */
	assert_int_equal(calendar_add_working_days(&cal, D(2026, 12, 31), 1, &out),
			 CAL_OUT_OF_RANGE);
	assert_int_equal(out, D(2027, 1, 1));
	assert_int_equal(calendar_add_working_days(&cal, D(2026, 12, 30), 1, &out), CAL_OK);
	assert_int_equal(out, D(2026, 12, 31));
	assert_int_equal(calendar_add_working_days(&cal, D(2025, 1, 2), 1000, &out),
			 CAL_OUT_OF_RANGE);
	assert_int_equal(out, D(2027, 1, 1));
	assert_int_equal(calendar_working_days_between(&cal, D(2026, 12, 1), D(2027, 1, 4), &n),
			 CAL_OUT_OF_RANGE);
	assert_int_equal(calendar_working_days_between(&cal, D(2024, 12, 31), D(2025, 1, 4), &n),
			 CAL_OUT_OF_RANGE);
}

static void test_gap_in_years(void **state)
{
	struct calendar_year gap[] = {{2025, "", ""}, {2027, "", ""}};
	struct calendar c = cal;
	date_t out;

	(void)state;
	c.years = gap;
	assert_true(calendar_covers(&c, D(2027, 6, 1)));
	assert_false(calendar_covers(&c, D(2026, 6, 1)));
	assert_int_equal(calendar_add_working_days(&c, D(2025, 12, 31), 1, &out),
			 CAL_OUT_OF_RANGE);
	assert_int_equal(out, D(2026, 1, 1));
}

static void test_empty_calendar(void **state)
{
	struct calendar c = {0};
	bool w;

	(void)state;
	assert_false(calendar_covers(&c, D(2025, 6, 1)));
	assert_int_equal(calendar_is_working_day(&c, D(2025, 6, 1), &w), CAL_OUT_OF_RANGE);
}

static void test_negative_n(void **state)
{
	date_t out;

	(void)state;
	assert_int_equal(calendar_add_working_days(&cal, D(2025, 6, 3), -1, &out),
			 CAL_BAD_ARGUMENT);
	assert_non_null(calendar_rc_message(CAL_BAD_ARGUMENT));
	assert_non_null(calendar_rc_message(CAL_OUT_OF_RANGE));
}

static void test_add_months(void **state)
{
	(void)state;
	assert_int_equal(date_add_months(D(2025, 1, 31), 1), D(2025, 2, 28));
	assert_int_equal(date_add_months(D(2028, 1, 31), 1), D(2028, 2, 29));
	assert_int_equal(date_add_months(D(2024, 2, 29), 12), D(2025, 2, 28));
	assert_int_equal(date_add_months(D(2025, 3, 31), 1), D(2025, 4, 30));
	assert_int_equal(date_add_months(D(2025, 1, 15), 0), D(2025, 1, 15));
	assert_int_equal(date_add_months(D(2025, 12, 15), 1), D(2026, 1, 15));
	assert_int_equal(date_add_months(D(2025, 1, 15), 24), D(2027, 1, 15));
	/* negative n */
	assert_int_equal(date_add_months(D(2025, 3, 31), -1), D(2025, 2, 28));
	assert_int_equal(date_add_months(D(2025, 1, 15), -1), D(2024, 12, 15));
	assert_int_equal(date_add_months(D(2025, 1, 31), -11), D(2024, 2, 29));
	assert_int_equal(date_add_months(D(2025, 1, 1), -13), D(2023, 12, 1));
	/* the ends of the supported range */
	assert_int_equal(date_add_months(D(9999, 11, 30), 1), D(9999, 12, 30));
	assert_int_equal(date_add_months(D(1, 2, 28), -1), D(1, 1, 28));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adjusted_days_are_weekends),
		cmocka_unit_test(test_holiday_block_boundaries),
		cmocka_unit_test(test_adjusted_working_days),
		cmocka_unit_test(test_weekends_and_weekdays),
		cmocka_unit_test(test_count_per_year),
		cmocka_unit_test(test_add_across_spring_festival_2026),
		cmocka_unit_test(test_add_ordinary),
		cmocka_unit_test(test_add_zero),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_gap_in_years),
		cmocka_unit_test(test_empty_calendar),
		cmocka_unit_test(test_negative_n),
		cmocka_unit_test(test_add_months),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
