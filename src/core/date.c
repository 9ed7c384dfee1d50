/* date.c - see date.h. */
#include "date.h"

#include <stdio.h>
#include <string.h>

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && is_leap(y))
		return 29;
	return days[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= date_days_in_month(y, m);
}

date_t date_from_ymd(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (date_t)(era * 146097 + doe - 719468);
}

/* date_to_ymd: Neri and Schneider's algorithm ("Euclidean affine functions
 * and their application to calendar algorithms", 2022): the day is moved by
 * 82 eras of 400 years so that nothing is negative, and each division by
 * a calendar length is a multiplication and a shift.  Checked against the
 * era-based algorithm for every day from year -768 to 12921. */
void date_to_ymd(date_t day, int *y, int *m, int *d)
{
	uint32_t n = (uint32_t)day + 12699422u; /* 719468 + 82 x 146097 */
	uint32_t n1 = 4 * n + 3, century = n1 / 146097, nc = n1 % 146097 / 4;
	uint64_t p2 = (uint64_t)2939745 * (4 * nc + 3);
	uint32_t yc = (uint32_t)(p2 >> 32);               /* year of the century */
	uint32_t doy = (uint32_t)p2 / 2939745 / 4;       /* day of the year from March 1 */
	uint32_t n3 = 2141 * doy + 197913, mp = n3 >> 16; /* month, March = 3 */
	uint32_t jan = doy >= 306;                        /* January or February */

	*d = (int)(n3 % 65536 / 2141) + 1;
	*m = (int)(jan ? mp - 12 : mp);
	*y = (int)(100 * century + yc + jan) - 32800; /* 82 x 400 */
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool date_parse(const char *s, size_t n, date_t *out)
{
	int y, m, d;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
	    !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d) ||
	    !date_valid_ymd(y, m, d))
		return false;
	*out = date_from_ymd(y, m, d);
	return true;
}

/* why_ymd: why y-m-d (as typed: d is 1 for a month) is not a date, into
 * buf[0..cap); NULL when it is one. */
static const char *why_ymd(int y, int m, int d, char *buf, size_t cap)
{
	static const char *const months[] = { "January", "February", "March", "April",
					      "May", "June", "July", "August", "September",
					      "October", "November", "December" };
	int dim;

	if (y < 1)
		snprintf(buf, cap, "there is no year 0000 (years start at 0001)");
	else if (m < 1 || m > 12)
		snprintf(buf, cap, "there is no month %02d", m);
	else if (d < 1)
		snprintf(buf, cap, "there is no day 00");
	else if (d <= (dim = date_days_in_month(y, m)))
		return NULL; /* (it is a date) */
	else if (m == 2 && d == 29)
		snprintf(buf, cap, "%04d has no 29 February (%04d is not a leap year)", y, y);
	else if (m == 2)
		snprintf(buf, cap, "February %04d has %d days", y, dim);
	else
		snprintf(buf, cap, "%s has %d days", months[m - 1], dim);
	return buf;
}

/* as_meant_ymd: s[0..n) in one of the shapes date_as_meant reads (year of
 * four digits, month and day of one or two, one separator - / or . used
 * twice; or eight digits) into part[0..3): year, month, day. */
static bool as_meant_ymd(const char *s, size_t n, int part[3])
{
	int len[3] = {0, 0, 0}, k = 0;
	char sep = 0;

	part[0] = part[1] = part[2] = 0;
	for (const char *end = s + n; s < end; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++len[k] > 8)
				return false;
			part[k] = part[k] * 10 + (*s - '0');
		} else if ((*s == '-' || *s == '/' || *s == '.') && k < 2 && len[k] &&
			   (!sep || *s == sep)) {
			sep = *s;
			k++;
		} else {
			return false;
		}
	}
	if (k == 0 && len[0] == 8) { /* 20260105 */
		part[2] = part[0] % 100;
		part[1] = part[0] / 100 % 100;
		part[0] /= 10000;
		return true;
	}
	return k == 2 && len[0] == 4 && len[1] <= 2 && len[2] && len[2] <= 2;
}

const char *date_why_not(const char *s, size_t n, bool day, char *buf, size_t cap)
{
	static const char digit_at[] = "dddd-dd-dd";
	int part[3];
	bool strict = n == (day ? 10u : 7u);
	size_t len;

	for (size_t k = 0; strict && k < n; k++)
		if (digit_at[k] == 'd' ? (s[k] < '0' || s[k] > '9') : s[k] != '-')
			strict = false;
	if (strict)
		return why_ymd(((s[0] - '0') * 10 + (s[1] - '0')) * 100 + (s[2] - '0') * 10 +
			       (s[3] - '0'), (s[5] - '0') * 10 + (s[6] - '0'),
			       day ? (s[8] - '0') * 10 + (s[9] - '0') : 1, buf, cap);
	/* typed another way (2026-2-30): what is wrong, and the form */
	if (!day || !as_meant_ymd(s, n, part) || !why_ymd(part[0], part[1], part[2], buf, cap))
		return NULL;
	len = strlen(buf);
	snprintf(buf + len, cap - len, "; write dates in the form YYYY-MM-DD");
	return buf;
}

const char *date_as_meant(const char *s, size_t n, char buf[DATE_FMT_MAX])
{
	int part[3];

	if (!as_meant_ymd(s, n, part) || !date_valid_ymd(part[0], part[1], part[2]))
		return NULL;
	return date_format(date_from_ymd(part[0], part[1], part[2]), buf);
}

/* put2: v (0..99) as two digits. */
static void put2(char *buf, unsigned v)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";

	memcpy(buf, pairs + 2 * (v % 100), 2);
}

char *date_format(date_t day, char *buf)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	put2(buf, (unsigned)y / 100 % 100); /* years 0..9999, as before */
	put2(buf + 2, (unsigned)y % 100);
	buf[4] = '-';
	put2(buf + 5, (unsigned)m);
	buf[7] = '-';
	put2(buf + 8, (unsigned)d);
	buf[10] = '\0';
	return buf;
}

int date_weekday(date_t day)
{
	/* 1970-01-01 was a Thursday (4). */
	int w = (int)((day % 7 + 7) % 7);

	return (w + 3) % 7 + 1;
}

int date_age_years(date_t birth, date_t on)
{
	int by, bm, bd, y, m, d, age;

	date_to_ymd(birth, &by, &bm, &bd);
	date_to_ymd(on, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

date_t date_add_months(date_t day, int n)
{
	int y, m, d, dim;
	month_t mo;

	date_to_ymd(day, &y, &m, &d);
	mo = month_from_ym(y, m) + n;
	y = mo / 12;
	m = mo % 12 + 1;
	dim = date_days_in_month(y, m);
	return date_from_ymd(y, m, d > dim ? dim : d);
}

date_t date_within_months_from(date_t day, int n)
{
	date_t e = date_add_months(day, -n);

	/* day - n months lands on a month's last day when day's number does
	 * not exist there, and that day + n months falls short of day */
	return date_add_months(e, n) < day ? e + 1 : e;
}

month_t month_from_ym(int y, int m)
{
	return (month_t)(y * 12 + m - 1);
}

month_t month_of(date_t day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return month_from_ym(y, m);
}

bool month_parse(const char *s, size_t n, month_t *out)
{
	int y, m;

	if (n != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
	    y < 1 || m < 1 || m > 12)
		return false;
	*out = month_from_ym(y, m);
	return true;
}

char *month_format(month_t mo, char *buf)
{
	put2(buf, (unsigned)(mo / 12) / 100 % 100);
	put2(buf + 2, (unsigned)(mo / 12) % 100);
	buf[4] = '-';
	put2(buf + 5, (unsigned)(mo % 12 + 1));
	buf[7] = '\0';
	return buf;
}
