/* date.h - civil dates and months, proleptic Gregorian, no time zones.
 *
 * A date_t counts days since 1970-01-01 (negative before); a month_t counts
 * months since year 0 (y * 12 + m - 1).  Only years 1..9999 are accepted.
 * Pure arithmetic (Howard Hinnant's days_from_civil), no clock, no locale.
 */
#ifndef YC_DATE_H
#define YC_DATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t date_t;
typedef int32_t month_t;

#define DATE_FMT_MAX 11  /* "YYYY-MM-DD" + NUL */
#define MONTH_FMT_MAX 8  /* "YYYY-MM" + NUL */

date_t date_from_ymd(int y, int m, int d);
void date_to_ymd(date_t day, int *y, int *m, int *d);
bool date_valid_ymd(int y, int m, int d);
int date_days_in_month(int y, int m);
/* date_parse: strict "YYYY-MM-DD" in s[0..n); false when malformed or the
 * day does not exist (2025-02-29). */
bool date_parse(const char *s, size_t n, date_t *out);
/* date_why_not: why s[0..n), of the shape "YYYY-MM-DD" (day) or "YYYY-MM"
 * (!day), is not a date or month, written to buf[0..cap): "there is no
 * month 13", "February 2025 has 28 days"; for a day typed another common
 * way (as date_as_meant reads it: 2026-2-30, 2026/02/30, 20260230) that
 * does not exist, the same words and "; write dates in the form
 * YYYY-MM-DD".  NULL when it is none of these shapes or is a date.  Every
 * reason fits in DATE_WHY_MAX bytes. */
#define DATE_WHY_MAX 128
const char *date_why_not(const char *s, size_t n, bool day, char *buf, size_t cap);
/* date_as_meant: s[0..n), a date typed another common way (2026-1-5,
 * 2026/01/05, 2026.1.5, 20260105) that exists, as YYYY-MM-DD in buf; NULL
 * when it is not one.  For messages only ("write 2026-01-05"): such input
 * is still refused, never taken as a guess. */
const char *date_as_meant(const char *s, size_t n, char buf[DATE_FMT_MAX]);
char *date_format(date_t day, char *buf);
/* date_weekday: 1 Monday .. 7 Sunday. */
int date_weekday(date_t day);
/* date_age_years: whole years from birth to on (a birthday on 02-29 counts
 * on 03-01 in common years); negative if on is before birth. */
int date_age_years(date_t birth, date_t on);
/* date_add_months: the same day n months later; the month's last day when
 * that day does not exist (01-31 + 1 month = 02-28/29). */
date_t date_add_months(date_t day, int n);
/* date_within_months_from: the earliest day e for which e + n months
 * (date_add_months) is on or after day: a document valid for n months must
 * be issued on e or later to be valid on day.  For 2026-08-31 and 6 that
 * is 2026-03-01, not 02-28: 02-28 + 6 months is 08-28. */
date_t date_within_months_from(date_t day, int n);

month_t month_of(date_t day);
month_t month_from_ym(int y, int m);
/* month_parse: strict "YYYY-MM". */
bool month_parse(const char *s, size_t n, month_t *out);
char *month_format(month_t mo, char *buf);

#endif
