/* selfcheck_input.c - reading what people type into the self-check.
 *
 * People type numbers in many ways, so the readers accept full-width
 * digits (１２), thousands separators (900,000 / 900.000 / 900 000),
 * currency marks (¥, CNY, 元) and 万 / 亿 for amounts; what they still
 * cannot read is an error for the caller to explain, never a guess.  Text
 * that is not valid UTF-8 is kept with U+FFFD in place of the bad bytes, so
 * that it can be shown again and refused.  Pure string work on an arena.
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <string.h>
#include <strings.h>

#include "lib/strbuf.h"

/* sc_utf8_ok: valid UTF-8 without control characters; *chars counts code points. */
bool sc_utf8_ok(const char *s, size_t *chars)
{
	const unsigned char *u = (const unsigned char *)s;

	*chars = 0;
	while (*u) {
		size_t n;
		uint32_t cp;

		if (*u < 0x80) {
			if (*u < 0x20 || *u == 0x7f)
				return false;
			n = 1;
			cp = *u;
		} else if ((*u & 0xe0) == 0xc0) {
			n = 2;
			cp = *u & 0x1f;
		} else if ((*u & 0xf0) == 0xe0) {
			n = 3;
			cp = *u & 0x0f;
		} else if ((*u & 0xf8) == 0xf0) {
			n = 4;
			cp = *u & 0x07;
		} else {
			return false;
		}
		for (size_t i = 1; i < n; i++) {
			if ((u[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (u[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return false;
		u += n;
		(*chars)++;
	}
	return true;
}

/* sc_fold: a copy with full-width digits, letters and signs made ASCII,
 * the ideographic space a space, and surrounding spaces trimmed. */
char *sc_fold(struct arena *a, const char *s)
{
	size_t n = strlen(s), j = 0;
	char *out = arena_alloc(a, n + 1);
	const unsigned char *u = (const unsigned char *)s;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		/* U+FF01..U+FF5E are EF BC 81..BF and EF BD 80..9E */
		if (i + 2 < n && u[i] == 0xef && (u[i + 1] == 0xbc || u[i + 1] == 0xbd)) {
			unsigned cp = 0xff00u + ((u[i + 1] & 0x03u) << 6) + (u[i + 2] & 0x3fu);
			if (cp >= 0xff01 && cp <= 0xff5e) {
				out[j++] = (char)(cp - 0xff01 + 0x21);
				i += 3;
				continue;
			}
		}
		if (i + 2 < n && u[i] == 0xe3 && u[i + 1] == 0x80 && u[i + 2] == 0x80) {
			out[j++] = ' ';
			i += 3;
			continue;
		}
		out[j++] = s[i++];
	}
	out[j] = '\0';
	while (j && out[j - 1] == ' ')
		out[--j] = '\0';
	while (*out == ' ')
		out++;
	return out;
}

bool sc_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* strip_prefix, sc_strip_suffix: remove prefix/suffix p from *s (ASCII case-insensitive for
 * letters); true when it was there. */
static bool strip_prefix(const char **s, const char *p)
{
	size_t l = strlen(p);

	if (strncasecmp(*s, p, l) != 0)
		return false;
	*s += l;
	while (**s == ' ')
		(*s)++;
	return true;
}

bool sc_strip_suffix(char *s, const char *p)
{
	size_t l = strlen(p), n = strlen(s);

	if (n < l || strcasecmp(s + n - l, p) != 0)
		return false;
	s[n - l] = '\0';
	while (n - l > 0 && s[n - l - 1] == ' ')
		s[--n - l] = '\0';
	return true;
}

/* sc_whole_number: digits, optionally grouped by thousands with one kind of
 * separator (, . ' or a space: 1,234,567), into *out <= max.  "12.5" is a
 * fraction, not a grouping. */
enum sc_num_rc sc_whole_number(const char *s, int64_t max, int64_t *out)
{
	char sep = 0;
	size_t nsep = 0, group = 0, first_group = 0;
	bool grouped = true;
	int64_t v = 0;

	if (*s == '-' && sc_is_digit(s[1]))
		return SC_NUM_NEGATIVE;
	if (*s == '+')
		s++;
	if (!sc_is_digit(*s))
		return SC_NUM_BAD;
	for (const char *p = s; *p; p++) {
		if (sc_is_digit(*p)) {
			group++;
			continue;
		}
		if (!strchr(",. '", *p) || (sep && *p != sep) || !group)
			return SC_NUM_BAD;
		if (nsep == 0)
			first_group = group;
		else if (group != 3)
			grouped = false;
		sep = *p;
		nsep++;
		group = 0;
	}
	if (!group)
		return SC_NUM_BAD;
	if (nsep && (first_group > 3 || group != 3 || !grouped))
		return nsep == 1 && (sep == '.' || sep == ',') ? SC_NUM_FRACTION : SC_NUM_BAD;
	for (const char *p = s; *p; p++) {
		if (!sc_is_digit(*p))
			continue;
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *p - '0', &v) ||
		    v > max)
			return SC_NUM_BIG;
	}
	*out = v;
	return SC_NUM_OK;
}

/* sc_money: sc_whole_number after currency marks, or a decimal times 万 / 亿. */
enum sc_num_rc sc_money(struct arena *a, const char *raw, int64_t *out)
{
	char *s = sc_fold(a, raw);
	const char *p;
	int64_t mult = 1;

	if (!s)
		return SC_NUM_BAD;
	if (*s == '-')
		return SC_NUM_NEGATIVE;
	p = s;
	(void)(strip_prefix(&p, "\xc2\xa5") || strip_prefix(&p, "\xef\xbf\xa5") ||
	       strip_prefix(&p, "CNY") || strip_prefix(&p, "RMB"));
	s = arena_strdup(a, p);
	if (!s)
		return SC_NUM_BAD;
	(void)(sc_strip_suffix(s, "\xe5\x85\x83") || sc_strip_suffix(s, "CNY") || sc_strip_suffix(s, "RMB") ||
	       sc_strip_suffix(s, "yuan"));
	if (sc_strip_suffix(s, "\xe4\xb8\x87")) /* 万 */
		mult = 10000;
	else if (sc_strip_suffix(s, "\xe4\xba\xbf")) /* 亿 */
		mult = 100000000;
	if (*s == '-')
		return SC_NUM_NEGATIVE;
	if (mult > 1) {
		/* 90万, 1.5万, 2.35亿: up to 4 decimals */
		int64_t whole = 0, frac = 0, scale = 1;
		const char *d = s;
		enum sc_num_rc rc;
		char *dot = strchr(s, '.');

		if (dot) {
			*dot = '\0';
			for (d = dot + 1; *d; d++) {
				if (!sc_is_digit(*d) || scale >= 10000)
					return SC_NUM_BAD;
				frac = frac * 10 + (*d - '0');
				scale *= 10;
			}
			if (scale == 1)
				return SC_NUM_BAD;
		}
		rc = sc_whole_number(s, SC_MONEY_MAX / mult, &whole);
		if (rc != SC_NUM_OK)
			return rc == SC_NUM_FRACTION ? SC_NUM_BAD : rc;
		*out = whole * mult + frac * (mult / scale);
		return *out > SC_MONEY_MAX ? SC_NUM_BIG : SC_NUM_OK;
	}
	return sc_whole_number(s, SC_MONEY_MAX, out);
}

/* utf8_len: the length of the valid UTF-8 character at s (not a control
 * character), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	char tmp[5] = {0};
	size_t chars, l;

	if (*s < 0x80)
		return *s >= 0x20 && *s != 0x7f ? 1 : 0;
	l = (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 : (*s & 0xf8) == 0xf0 ? 4 : 0;
	if (!l || l > n)
		return 0;
	memcpy(tmp, s, l);
	return sc_utf8_ok(tmp, &chars) ? l : 0;
}

/* sc_keep: what was typed, trimmed of spaces at both ends, at most SC_RAW_MAX
 * bytes, every byte that is not valid UTF-8 text (broken sequences,
 * control characters) replaced by U+FFFD so that it can be shown again
 * and the checks can refuse it. */
const char *sc_keep(struct arena *a, const char *v)
{
	size_t n = strlen(v);
	struct strbuf sb = STRBUF_INIT(4 * SC_RAW_MAX);
	const char *out;

	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < n && sb.len < SC_RAW_MAX;) {
		size_t l = utf8_len((const unsigned char *)v + i, n - i);
		if (l) {
			strbuf_add(&sb, v + i, l);
			i += l;
		} else {
			strbuf_addstr(&sb, SC_REPLACEMENT);
			i++;
		}
	}
	out = arena_strdup(a, sb.failed ? "" : sb.buf);
	strbuf_release(&sb);
	return out ? out : "";
}

