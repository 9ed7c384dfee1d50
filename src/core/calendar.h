/* calendar.h - the official working-day calendar (State Council notices).
 *
 * Weekends are off except the adjusted working days (调休); public holidays
 * are off.  The data covers whole years only (the years whose notices are
 * published); any question about a date outside them is an error, never a
 * guess.  "N working days after D" counts from the first working day after D.
 * The struct is filled by the policy loader (policy/calendar/ YAML files) and is
 * read-only here; all arrays are sorted ascending and owned by the loader.
 */
#ifndef YC_CALENDAR_H
#define YC_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

struct calendar_year {
	int year;
	const char *source; /* e.g. "国办发明电〔2024〕12号" */
	const char *file;   /* policy file it came from, for messages */
};

struct calendar {
	struct calendar_year *years; /* sorted by year, no gaps required */
	size_t nyears;
	date_t *days_off;     /* public holidays (sorted) */
	size_t ndays_off;
	date_t *working_days; /* adjusted weekend working days (sorted) */
	size_t nworking_days;
};

enum calendar_rc {
	CAL_OK = 0,
	CAL_OUT_OF_RANGE, /* a date the calendar data does not cover */
	CAL_BAD_ARGUMENT, /* e.g. a negative count */
};

/* calendar_covers: the data covers the year of `day`. */
bool calendar_covers(const struct calendar *cal, date_t day);
/* calendar_is_working_day: *out = whether `day` is a working day. */
enum calendar_rc calendar_is_working_day(const struct calendar *cal, date_t day, bool *out);
/* calendar_add_working_days: the n-th working day after `day` (n >= 0; n == 0
 * gives `day` itself); every day stepped over must be covered.  `day` itself
 * must be covered too.  On CAL_OUT_OF_RANGE *out is the first date the
 * answer needed that the data does not cover (for messages). */
enum calendar_rc calendar_add_working_days(const struct calendar *cal, date_t day, int n, date_t *out);
/* calendar_working_days_between: working days in (from, to]; from <= to
 * (else CAL_BAD_ARGUMENT) and every day from `from` to `to` covered. */
enum calendar_rc calendar_working_days_between(const struct calendar *cal, date_t from, date_t to, int *out);
/* calendar_rc_message: an English sentence for rc. */
const char *calendar_rc_message(enum calendar_rc rc);

#endif
