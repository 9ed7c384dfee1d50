/* points.h - fixed-point decimals with two places (hundredths).
 *
 * Points, weights, thresholds and numeric facts are int64 hundredths, never
 * binary floating point: 82.50 points is 8250.  Parsing accepts what a
 * person writes ("5", "0.5", "12.50", "-3"); formatting always prints two
 * places ("82.50").  Rounding is half-up (away from zero for halves).
 */
#ifndef YC_POINTS_H
#define YC_POINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t points_t; /* hundredths */

#define POINTS(whole) ((points_t)(whole) * 100)
#define POINTS_FMT_MAX 24

/* points_parse: s[0..n) as a decimal with at most two places; false when it
 * is not one or does not fit. */
bool points_parse(const char *s, size_t n, points_t *out);
/* points_format: "-12.30"; buf must hold POINTS_FMT_MAX bytes; returns buf. */
char *points_format(points_t p, char *buf);
/* points_format_n: the same, returning the length (without the NUL). */
size_t points_format_n(points_t p, char *buf);
/* points_div_round: num / den rounded half-up (den > 0).  Inline: every
 * factor, part and total of a card is rounded, and most divisors (100) are
 * constants that a multiplication can stand for. */
static inline int64_t points_div_round(int64_t num, int64_t den)
{
	int64_t q = num / den, r = num % den;

	if (r < 0)
		r = -r;
	if (2 * r >= den)
		q += num < 0 ? -1 : 1;
	return q;
}

#endif
