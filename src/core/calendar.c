/* calendar.c - see calendar.h.
 *
 * Lookups are binary searches over the loader's sorted arrays; counting
 * steps one day at a time, which is cheap because the data ends within a
 * few hundred days of any covered date.
 */
#include "calendar.h"

#include <assert.h>

static bool date_in(const date_t *a, size_t n, date_t day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid] == day)
			return true;
		if (a[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool year_in(const struct calendar *cal, int year)
{
	size_t lo = 0, hi = cal->nyears;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cal->years[mid].year == year)
			return true;
		if (cal->years[mid].year < year)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool calendar_covers(const struct calendar *cal, date_t day)
{
	int y, m, d;

	assert(cal);
	date_to_ymd(day, &y, &m, &d);
	return year_in(cal, y);
}

/* working: whether a covered day is a working day. */
static bool working(const struct calendar *cal, date_t day)
{
	if (date_in(cal->days_off, cal->ndays_off, day))
		return false;
	if (date_weekday(day) >= 6)
		return date_in(cal->working_days, cal->nworking_days, day);
	return true;
}

enum calendar_rc calendar_is_working_day(const struct calendar *cal, date_t day, bool *out)
{
	if (!calendar_covers(cal, day))
		return CAL_OUT_OF_RANGE;
	*out = working(cal, day);
	return CAL_OK;
}

enum calendar_rc calendar_add_working_days(const struct calendar *cal, date_t day, int n, date_t *out)
{
	if (n < 0)
		return CAL_BAD_ARGUMENT;
	if (!calendar_covers(cal, day)) {
		*out = day;
		return CAL_OUT_OF_RANGE;
	}
	while (n > 0) {
		day++;
		if (!calendar_covers(cal, day)) {
			*out = day;
			return CAL_OUT_OF_RANGE;
		}
		if (working(cal, day))
			n--;
	}
	*out = day;
	return CAL_OK;
}

enum calendar_rc calendar_working_days_between(const struct calendar *cal, date_t from, date_t to, int *out)
{
	int count = 0;

	if (to < from)
		return CAL_BAD_ARGUMENT;
	if (!calendar_covers(cal, from))
		return CAL_OUT_OF_RANGE;
	for (date_t day = from + 1; day <= to; day++) {
		if (!calendar_covers(cal, day))
			return CAL_OUT_OF_RANGE;
		if (working(cal, day))
			count++;
	}
	*out = count;
	return CAL_OK;
}

const char *calendar_rc_message(enum calendar_rc rc)
{
	switch (rc) {
	case CAL_OK:
		return "ok";
	case CAL_OUT_OF_RANGE:
		return "the date is outside the years the calendar data covers "
		       "(no notice published for that year)";
	case CAL_BAD_ARGUMENT:
		return "the count of working days must not be negative, and a "
		       "period must not end before it starts";
	}
	return "unknown calendar error";
}
