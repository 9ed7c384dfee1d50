/* strbuf.c - see strbuf.h. */
#include "strbuf.h"

#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

const char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t cap)
{
	sb->buf = (char *)strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->cap = cap;
	sb->failed = false;
	sb->fixed = false;
}

void strbuf_init_fixed(struct strbuf *sb, char *buf, size_t size)
{
	sb->buf = buf;
	sb->buf[0] = '\0';
	sb->len = 0;
	sb->alloc = size;
	sb->cap = size - 1;
	sb->failed = false;
	sb->fixed = true;
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->fixed) {
		strbuf_reset(sb);
		return;
	}
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, sb->cap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
	sb->failed = false;
}

bool strbuf_grow(struct strbuf *sb, size_t n)
{
	size_t want, size;
	char *p;

	if (sb->failed)
		return false;
	if (__builtin_add_overflow(sb->len, n, &want) || want > sb->cap) {
		sb->failed = true;
		return false;
	}
	if (want < sb->alloc)
		return true;
	if (sb->fixed) {
		sb->failed = true;
		return false;
	}
	size = sb->alloc ? sb->alloc : 64;
	if (size > sb->cap)
		size = sb->cap + 1; /* never above cap + 1: strbuf_has_room relies on it */
	while (size <= want)
		size = size > sb->cap / 2 ? sb->cap + 1 : size * 2;
	p = realloc(sb->alloc ? sb->buf : NULL, size);
	if (!p) {
		sb->failed = true;
		return false;
	}
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = size;
	return true;
}

void strbuf_addrep(struct strbuf *sb, const char *s, size_t n)
{
	size_t l = strlen(s);

	while (n-- > 0 && !sb->failed)
		strbuf_add(sb, s, l);
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	if (sb->failed)
		return;
	/* Format into the room there is (one pass when it fits, as it nearly
	 * always does); only a longer result is formatted again. */
	va_copy(cp, ap);
	n = sb->alloc ? vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp)
		      : vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		if (sb->alloc)
			sb->buf[sb->len] = '\0';
		sb->failed = true;
		return;
	}
	if (!strbuf_has_room(sb, (size_t)n)) {
		if (sb->alloc)
			sb->buf[sb->len] = '\0'; /* undo the cut-off attempt */
		if (!strbuf_grow(sb, (size_t)n))
			return;
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* json_plain8: none of the 8 bytes at s needs escaping in a JSON string
 * (a control character, '"' or '\\'); bytes >= 0x80 are copied as they
 * are.  The classic "has a byte less than n / equal to c" word tests:
 * exact for whether any byte matches, which is all that is asked. */
static inline bool json_plain8(const char *s)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = ones * 0x80;
	uint64_t w, q, b;

	memcpy(&w, s, 8);
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return !((((w - ones * 0x20) | (q - ones) | (b - ones)) & ~w) & highs);
}

static inline bool json_plain(unsigned char c)
{
	return c >= 0x20 && c != '"' && c != '\\';
}

#ifdef __SSE2__
/* json_special16: a bit for each of the 16 bytes at s that needs escaping:
 * min(byte, 0x1f) == byte (a control character), '"' or '\\'. */
static inline unsigned json_special16(const char *s)
{
	const __m128i ctl = _mm_set1_epi8(0x1f), quote = _mm_set1_epi8('"'),
		      bslash = _mm_set1_epi8('\\');
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x),
				 _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)));

	return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* json_plain_span: the index of the first byte at or after i that needs
 * escaping, or n.  Policy texts and the core's sentences run for hundreds
 * of bytes without one, so with SSE2 (every x86-64) 32 bytes are tested
 * per step, and a tail of fewer than 16 is tested as the last 16 bytes of
 * the span (overlapping bytes this call found plain, so the first hit is
 * still at or after i).  Without SSE2, and for short spans, 8-byte words,
 * the tail the same way. */
static inline __attribute__((always_inline)) size_t json_plain_span(const char *s, size_t i,
		size_t n)
{
	const size_t from = i;
#ifdef __SSE2__
	unsigned bits;

	for (; n - i >= 32; i += 32) {
		unsigned lo = json_special16(s + i), hi = json_special16(s + i + 16);

		if (lo)
			return i + (size_t)__builtin_ctz(lo);
		if (hi)
			return i + 16 + (size_t)__builtin_ctz(hi);
	}
	if (n - i >= 16) {
		if ((bits = json_special16(s + i)) != 0)
			return i + (size_t)__builtin_ctz(bits);
		i += 16;
	}
	if (i < n && n - from >= 16) { /* s[n - 16 .. i) are plain: tested above */
		bits = json_special16(s + n - 16);
		return bits ? n - 16 + (size_t)__builtin_ctz(bits) : n;
	}
#endif
	while (n - i >= 8 && json_plain8(s + i))
		i += 8;
	if (i < n && n - i < 8 && n - from >= 8 && json_plain8(s + n - 8))
		return n; /* the tail, as the last 8 bytes of the span */
	while (i < n && json_plain((unsigned char)s[i]))
		i++;
	return i;
}

/* add_json_escaped: the rest of strbuf_add_json_n when s needs escaping
 * (i is its first byte that does) or the buffer is full; out of line so
 * that the common case stays a scan and a copy, without its stack frame. */
static void __attribute__((noinline)) add_json_escaped(struct strbuf *sb, const char *s,
		size_t i, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	strbuf_addch(sb, '"');
	/* Copy runs of plain bytes whole, escape the bytes between them. */
	for (; i < n; i = json_plain_span(s, i, n)) {
		unsigned char c = (unsigned char)s[i];
		char u[6] = {'\\', 0, 0, 0, 0, 0};
		size_t ulen = 2;

		strbuf_add(sb, s + run, i - run);
		switch (c) {
		case '"': u[1] = '"'; break;
		case '\\': u[1] = '\\'; break;
		case '\n': u[1] = 'n'; break;
		case '\r': u[1] = 'r'; break;
		case '\t': u[1] = 't'; break;
		default:
			memcpy(u + 1, "u00", 3);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			ulen = 6;
		}
		strbuf_add(sb, u, ulen);
		run = ++i;
	}
	strbuf_add(sb, s + run, n - run);
	strbuf_addch(sb, '"');
}

/* copy_json_short: copy_json_plain for n < 32.  Most strings a result
 * holds are that short (ids, levels, choice values), and for them the
 * scan, its loop set-up and a memcpy call cost more than the bytes: from
 * 8 bytes on, s is tested and copied as two words (or, from 16, two SSE2
 * vectors) that overlap in the middle, the first at s and the last
 * ending at s + n, so every byte is covered and none read outside s;
 * below 8, byte by byte (the copy may then be left half made). */
static inline char *copy_json_short(char *dst, const char *s, size_t n)
{
	/* 1 for the bytes JSON escapes: the C0 controls, '"' and '\\' */
	static const unsigned char special_byte[256] = {
		[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1,
	};
	char *p = dst + 1;

	if (n >= 16) {
#ifdef __SSE2__
		if (json_special16(s) | json_special16(s + n - 16))
			return NULL;
		memcpy(p, s, 16);
		memcpy(p + n - 16, s + n - 16, 16);
#else
		if (json_plain_span(s, 0, n) != n)
			return NULL;
		memcpy(p, s, n);
#endif
	} else if (n >= 8) {
		if (!json_plain8(s) || !json_plain8(s + n - 8))
			return NULL;
		memcpy(p, s, 8);
		memcpy(p + n - 8, s + n - 8, 8);
	} else {
		unsigned special = 0;

		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			p[i] = (char)c;
			special |= special_byte[c];
		}
		if (special)
			return NULL;
	}
	dst[0] = '"';
	p[n] = '"';
	return p + n + 1;
}

char *strbuf_copy_json_plain(char *dst, const char *s, size_t n)
{
	if (n < 32)
		return copy_json_short(dst, s, n);
	if (json_plain_span(s, 0, n) != n)
		return NULL;
	dst[0] = '"';
	memcpy(dst + 1, s, n);
	dst[n + 1] = '"';
	return dst + n + 2;
}

void strbuf_add_json_n(struct strbuf *sb, const char *s, size_t n)
{
	size_t i;

	/* most strings: copied as they are, then the NUL */
	if (strbuf_has_room(sb, n + 2)) {
		char *end = strbuf_copy_json_plain(sb->buf + sb->len, s, n);

		if (end) {
			*end = '\0';
			sb->len += n + 2;
			return;
		}
		sb->buf[sb->len] = '\0'; /* a short copy may have overwritten it */
	}
	i = json_plain_span(s, 0, n);
	add_json_escaped(sb, s, i, n);
}

void strbuf_json_quote_from(struct strbuf *sb, size_t from)
{
	size_t first, extra = 0, i, o;

	if (sb->failed || from > sb->len)
		return;
	first = json_plain_span(sb->buf, from, sb->len);
	if (first == sb->len) { /* the common case: nothing to escape */
		strbuf_addch(sb, '"');
		return;
	}
	for (i = first; i < sb->len; i++) {
		unsigned char c = (unsigned char)sb->buf[i];
		if (!json_plain(c))
			extra += c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' ? 1 : 5;
	}
	if (!strbuf_grow(sb, extra + 1))
		return;
	/* Move the bytes from `first` on to their escaped place, from the end
	 * backwards, so nothing is overwritten before it is moved. */
	i = sb->len;
	o = sb->len + extra;
	sb->buf[o + 1] = '\0';
	sb->buf[o] = '"';
	while (i-- > first) {
		static const char hex[] = "0123456789abcdef";
		unsigned char c = (unsigned char)sb->buf[i];
		char e = c == '"' ? '"' : c == '\\' ? '\\' : c == '\n' ? 'n' : c == '\r' ? 'r'
			: c == '\t' ? 't' : 0;

		if (json_plain(c)) {
			sb->buf[--o] = (char)c;
		} else if (e) {
			sb->buf[--o] = e;
			sb->buf[--o] = '\\';
		} else {
			o -= 6;
			memcpy(sb->buf + o, "\\u00", 4);
			sb->buf[o + 4] = hex[c >> 4];
			sb->buf[o + 5] = hex[c & 15];
		}
	}
	sb->len += extra + 1;
}

void strbuf_add_uint(struct strbuf *sb, unsigned long long v)
{
	char buf[24];
	size_t n = sizeof buf;

	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	strbuf_add(sb, buf + n, sizeof buf - n);
}

char *strbuf_render(struct arena *a, strbuf_writer *write, const void *arg)
{
	char first[512];
	struct strbuf sb;
	size_t size = sizeof first;

	strbuf_init_fixed(&sb, first, sizeof first);
	write(&sb, arg);
	while (sb.failed) { /* too long for the buffer: a larger one */
		char *p;
		if (size > ((size_t)1 << 28) || !(p = arena_alloc(a, size *= 4)))
			return NULL;
		strbuf_init_fixed(&sb, p, size);
		write(&sb, arg);
	}
	return arena_strndup(a, sb.buf, sb.len);
}

void strbuf_add_json(struct strbuf *sb, const char *s)
{
	strbuf_add_json_n(sb, s, strlen(s));
}

void strbuf_add_html(struct strbuf *sb, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *esc;

		switch (*s) {
		case '&': esc = "&amp;"; break;
		case '<': esc = "&lt;"; break;
		case '>': esc = "&gt;"; break;
		case '"': esc = "&quot;"; break;
		case '\'': esc = "&#39;"; break;
		default: continue;
		}
		strbuf_add(sb, run, (size_t)(s - run));
		strbuf_addstr(sb, esc);
		run = s + 1;
	}
	strbuf_add(sb, run, (size_t)(s - run));
}

void strbuf_setlen(struct strbuf *sb, size_t n)
{
	if (n > sb->len)
		return;
	sb->len = n;
	if (sb->alloc)
		sb->buf[n] = '\0';
}

size_t strbuf_control_len_n(const char *s, size_t n)
{
	char tmp[4] = {0};

	memcpy(tmp, s, n < 3 ? n : 3); /* NUL after what s holds */
	return strbuf_control_len(tmp);
}

uint32_t strbuf_control_cp(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	if (len == 1)
		return u[0];
	if (len == 2)
		return ((uint32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
	return ((uint32_t)(u[0] & 0x0F) << 12) | ((uint32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
}

/* add_u: "\uXXXX" for code point cp. */
static void add_u(struct strbuf *sb, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";

	strbuf_addstr(sb, "\\u");
	for (int k = 12; k >= 0; k -= 4)
		strbuf_addch(sb, hex[(cp >> k) & 0xF]);
}

/* add_shown: s, each control character as \uXXXX and, with quotes, '"'
 * and '\\' escaped as JSON escapes them. */
static void add_shown(struct strbuf *sb, const char *s, bool quotes)
{
	while (*s) {
		size_t n = strbuf_control_len(s);

		if (n) {
			add_u(sb, strbuf_control_cp(s, n));
			s += n;
		} else if (quotes && (*s == '"' || *s == '\\')) {
			strbuf_addch(sb, '\\');
			strbuf_addch(sb, *s++);
		} else {
			strbuf_addch(sb, *s++);
		}
	}
}

static void add_json_shown(struct strbuf *sb, const void *s)
{
	strbuf_addch(sb, '"');
	add_shown(sb, s, true);
	strbuf_addch(sb, '"');
}

char *strbuf_json_quoted(struct arena *a, const char *s)
{
	return strbuf_render(a, add_json_shown, s);
}

void strbuf_add_shown(struct strbuf *sb, const char *s)
{
	add_shown(sb, s, false);
}

size_t strbuf_utf8_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[0], lo = 0x80, hi = 0xBF;
	size_t len;

	if (n == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0;
	else if (c == 0xED)
		hi = 0x9F;
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F;
	if (n < len || u[1] < lo || u[1] > hi)
		return 0;
	for (size_t k = 2; k < len; k++)
		if ((u[k] & 0xC0) != 0x80)
			return 0;
	return len;
}

void strbuf_add_shown_arg(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);

	while (n) {
		size_t ctl = strbuf_control_len_n(s, n), len;

		if (ctl) {
			add_u(sb, strbuf_control_cp(s, ctl));
			len = ctl;
		} else if ((len = strbuf_utf8_len(s, n)) != 0) {
			strbuf_add(sb, s, len);
		} else {
			unsigned char b = (unsigned char)*s;

			strbuf_addstr(sb, "\\x");
			strbuf_addch(sb, hex[b >> 4]);
			strbuf_addch(sb, hex[b & 0xF]);
			len = 1;
		}
		s += len;
		n -= len;
	}
}
