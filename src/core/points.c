/* points.c - see points.h. */
#include "points.h"

bool points_parse(const char *s, size_t n, points_t *out)
{
	size_t i = 0;
	int64_t whole = 0, frac = 0;
	int places = 0;
	bool neg = false, digits = false;

	if (n && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		i++;
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (__builtin_mul_overflow(whole, 10, &whole) ||
		    __builtin_add_overflow(whole, s[i] - '0', &whole))
			return false;
		digits = true;
	}
	if (i < n && s[i] == '.') {
		i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (++places > 2)
				return false;
			frac = frac * 10 + (s[i] - '0');
			digits = true;
		}
		if (places == 0)
			return false;
	}
	if (i != n || !digits)
		return false;
	if (places == 1)
		frac *= 10;
	if (__builtin_mul_overflow(whole, 100, &whole) ||
	    __builtin_add_overflow(whole, frac, &whole))
		return false;
	*out = neg ? -whole : whole;
	return true;
}

char *points_format(points_t p, char *buf)
{
	char tmp[POINTS_FMT_MAX];
	uint64_t v = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
	size_t n = 0, i = 0;

	tmp[n++] = (char)('0' + v % 10);
	v /= 10;
	tmp[n++] = (char)('0' + v % 10);
	v /= 10;
	tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (p < 0)
		buf[i++] = '-';
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return buf;
}

int64_t points_div_round(int64_t num, int64_t den)
{
	int64_t q = num / den, r = num % den;

	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	return q;
}
