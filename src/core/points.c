/* points.c - see points.h. */
#include "points.h"

#include <string.h>

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

size_t points_format_n(points_t p, char *buf)
{
	/* The length first, then two digits at a time from the right, straight
	 * into buf. */
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	uint64_t v = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;
	uint64_t whole = v / 100;
	size_t n = 4 + (p < 0); /* "0.00" and the sign */
	char *q;

	for (uint64_t t = whole; t >= 10; t /= 10)
		n++;
	q = buf + n;
	*q = '\0';
	q -= 2;
	memcpy(q, pairs + 2 * (v % 100), 2); /* the hundredths */
	*--q = '.';
	while (whole >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (whole % 100), 2);
		whole /= 100;
	}
	if (whole >= 10) {
		q -= 2;
		memcpy(q, pairs + 2 * whole, 2);
	} else {
		*--q = (char)('0' + whole);
	}
	if (p < 0)
		*--q = '-';
	return n;
}

char *points_format(points_t p, char *buf)
{
	points_format_n(p, buf);
	return buf;
}
