/* jsondec_fast.c - jd_decode_fast(): the schema's decoder, straight from
 * the bytes (jsondec.h).
 *
 * jd_decode() walks tokens that a scanner made first; this reads the text
 * once, by recursive descent driven by the same jd_schema tables, and
 * stores each value as it goes: no token array, keys matched against the
 * field expected next (schema order) without scanning them first, numbers
 * and dates converted in place.  It is only ever right or silent: at the
 * first thing it does not take (invalid JSON, an unknown or escaped key, a
 * duplicate, null for a required field, a type or range mismatch, a
 * failed cross-field check, a negative number, null among factor scores,
 * the token cap...) it declines, and the caller decodes the careful way,
 * which says what is wrong.  So every rule here is "accept only what
 * jd_decode accepts, and store exactly what it stores"; the differential
 * fuzz target (tests/fuzz/fuzz_appfile.c) holds it to that.
 *
 * Positions: json_cursor counts lines by '\n' and columns by characters.
 * In valid JSON a line break can only be whitespace between tokens and a
 * non-ASCII byte only inside a string, so the scanner notes where the
 * current line starts as it skips whitespace and counts UTF-8
 * continuation bytes as it scans strings; a column is then the bytes since
 * the line's start less the continuation bytes among them, kept as one
 * number to add to an offset (colbase: the column of the line's start less
 * its offset, less the continuation bytes since).
 *
 * What makes it fast, for the text as JSON writers lay it out (`"key":
 * value, ` on one line), measured with bench/ (stages) and callgrind:
 *  - a key is matched together with the `": ` after it: one 16- or 32-byte
 *    comparison with the field's JD_NAME pattern, under the field's mask;
 *  - ", " after a value is one 16-bit comparison, and the key after it
 *    checks the rest; the hot functions take the text in arguments, so the
 *    stores of values do not make the compiler read x->t again;
 *  - a string without escapes or non-ASCII bytes is found and copied 16
 *    bytes at a time (SSE2) into a block of the arena of its own ("room");
 *  - an array's elements and a map's entries are decoded in place in the
 *    arena (vec), where nothing comes between them;
 *  - an enumerated value: its length by its first quote in 16 bytes (32
 *    when longer), the constants of that length from a 16-byte compare of
 *    the lengths, the constant (NUL-padded, JD_PAD) compared at once;
 *  - a key not the one expected is looked for among the fields after it
 *    first (key_ahead: optional fields are left out);
 *  - numbers: one or two digits without a branch on which, more as eight
 *    bytes at a time (SWAR); the fraction of a decimal and a boolean
 *    without branches on their value (data-dependent branches, mispredicted
 *    often, cost as much as the instructions);
 *  - dates and months are read by hand (as date_parse and month_parse);
 *  - null is recognised only when the field's own reader declines, off
 *    the common path.
 * Anything else (other spacing, escapes, UTF-8, keys out of schema order, a
 * value near the very end of the text) takes the general path of the same
 * function, which handles it exactly: the fast cases are only shortcuts.
 */
#include "jsondec.h"

#include <string.h>

#include "core/date.h"

#define VEC_FIRST 4       /* elements an array has room for at first */
#define MAP_FIRST 8       /* entries a map of scores has room for at first */
#define INT_DIGITS 18     /* below 10^18: no overflow check needed */
#define DECIMAL_DIGITS 16 /* whole part; times 100 stays below 2^63 */
#define ROOM_CHUNK 2048   /* strings are copied into blocks this big */
#define ROOM_BIG (ROOM_CHUNK / 4) /* larger ones get an allocation of their own */
#define ROOM_LOW 64       /* fewer bytes left than this: the fast copy takes a new block */

struct fx {
	const char *t;
	size_t len;
	struct arena *a;
	size_t colbase;    /* column of offset off: colbase + off (mod 2^32) */
	uint32_t line;     /* the current line */
	char *room;        /* free bytes for strings */
	size_t room_left;
};

/* Every function below returns the offset just past what it read, or 0 to
 * decline (nothing it reads ends at offset 0). */
static size_t dec_object(struct fx *x, size_t i, const struct jd_schema *s, char *base);

/* ---- the text ----------------------------------------------------------
 * The hot functions take the text as t[0..len) in arguments (the caller's
 * registers) besides x: x->t would be read again after every store of a
 * value, which the compiler must assume may change it. */

/* ws_slow: past the whitespace at t[i], noting line starts. */
static size_t ws_slow(struct fx *x, size_t i)
{
	while (i < x->len && (unsigned char)x->t[i] <= ' ') {
		char c = x->t[i];
		if (c == '\n') {
			x->line++;
			x->colbase = (size_t)0 - i; /* t[i + 1] is in column 1 */
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		i++;
	}
	return i;
}

/* ws: past the whitespace at t[i]; most often none or one space. */
static inline size_t ws(struct fx *x, const char *t, size_t len, size_t i)
{
	if (i < len && (unsigned char)t[i] > ' ')
		return i;
	if (len - i >= 2 && t[i] == ' ' && (unsigned char)t[i + 1] > ' ')
		return i + 1;
	return ws_slow(x, i);
}

/* colon: past the ':' after a key ending before t[i], and the whitespace
 * after it; 0 when there is none. */
static inline size_t colon(struct fx *x, const char *t, size_t len, size_t i)
{
	if (len - i >= 3 && t[i] == ':' && t[i + 1] == ' ' && (unsigned char)t[i + 2] > ' ')
		return i + 2;
	i = ws(x, t, len, i);
	if (i >= len || t[i] != ':')
		return 0;
	i = ws(x, t, len, i + 1);
	return i < len ? i : 0;
}

/* at: line and column of offset off, which is past every string scanned. */
static inline void at(const struct fx *x, size_t off, uint32_t lc[2])
{
	lc[0] = x->line;
	lc[1] = (uint32_t)(x->colbase + off);
}

/* str: the string whose opening quote is t[i] (checked by the caller):
 * the offset of its closing quote, or 0.  *esc: it has escapes. */
static inline __attribute__((always_inline)) size_t str(struct fx *x, size_t i, bool *esc)
{
	unsigned fl;
	size_t close = json_string_end(x->t, i, x->len, &fl);

	if (close && (fl & JSON_STR_NONASCII))
		x->colbase -= close - i - 1 - json_count_chars(x->t + i + 1, close - i - 1);
	*esc = (fl & JSON_STR_ESCAPED) != 0;
	return close;
}

static inline uint64_t ld8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint16_t ld2(const char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t ld4(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* same: a[0..n) == b[0..n), in words (overlapping at the end), no call. */
static inline bool same(const char *a, const char *b, size_t n)
{
	if (n >= 8) {
		for (size_t k = 0; k + 8 < n; k += 8)
			if (ld8(a + k) != ld8(b + k))
				return false;
		return ld8(a + n - 8) == ld8(b + n - 8);
	}
	if (n >= 4)
		return ld4(a) == ld4(b) && ld4(a + n - 4) == ld4(b + n - 4);
	for (size_t k = 0; k < n; k++)
		if (a[k] != b[k])
			return false;
	return true;
}

/* OPAQUE(v): v as the optimizer cannot know it (a 0 or all-ones mask it
 * would otherwise turn back into the branch it was written to avoid). */
#define OPAQUE(v) __asm__("" : "+r"(v))

static inline bool is_digit(char c)
{
	return (unsigned char)(c - '0') <= 9;
}

#ifdef __SSE2__
/* stops16: a bit for each of the 16 bytes of v that ends a plain run of a
 * string: '"', '\\', a control character or a byte >= 0x80 (below 0x20
 * as a signed byte, too). */
static inline unsigned stops16(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(
		_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					  _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
			     _mm_cmpgt_epi8(_mm_set1_epi8(0x20), v)));
}

static inline __m128i ld16(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR_DIGITS 1
#define ONES UINT64_C(0x0101010101010101)

/* digit_run: how many of the 8 bytes in w (the first in the low byte) are
 * ASCII digits before the first that is not: 0..8.  A byte is a digit when
 * its high nibble is 3 and adding 6 keeps it so; a carry out of a byte
 * that is not a digit can only spoil the bytes after it. */
static inline unsigned digit_run(uint64_t w)
{
	uint64_t x = ((w & 0xF0 * ONES) ^ 0x30 * ONES) |
		     (((w + 0x06 * ONES) & 0xF0 * ONES) ^ 0x30 * ONES);
	uint64_t h = (((x & 0x7F * ONES) + 0x7F * ONES) | x) & 0x80 * ONES;

	return h ? (unsigned)__builtin_ctzll(h) >> 3 : 8;
}

/* digit_value: the number the first k (1..8) bytes of w spell. */
static inline uint64_t digit_value(uint64_t w, unsigned k)
{
	uint64_t v = (w - 0x30 * ONES) << (8 * (8 - k)); /* leading zeros below */

	v = v * 10 + (v >> 8);
	return (((v & UINT64_C(0x000000FF000000FF)) * (100 + (UINT64_C(1000000) << 32))) +
		(((v >> 16) & UINT64_C(0x000000FF000000FF)) * (1 + (UINT64_C(10000) << 32)))) >>
	       32;
}

static const int64_t pow10_8[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
#endif

/* digits: a JSON number's integer part at t[*i], at most max digits, no
 * sign (declined: jd_decode takes "-0"), no leading zero; false else. */
static inline __attribute__((always_inline)) bool
digits(const char *t, size_t len, size_t *i, size_t max, int64_t *v)
{
	const char *p = t + *i;
	size_t j = 0, room = len - *i;
	int64_t n = 0;

#ifdef SWAR_DIGITS
	/* Up to 15 digits eight at a time, without a loop: what the loop
	 * below reads, for numbers no longer than max. */
	if (room >= 16 && max >= 15) {
		/* one or two digits (most numbers) without a branch on which */
		unsigned d0 = (unsigned char)(p[0] - '0'), d1 = (unsigned char)(p[1] - '0');
		bool two = d1 <= 9;
		uint64_t w;
		unsigned k = 1 + two;
		if (d0 > 9)
			return false;
		if (!is_digit(p[k])) {
			if (two & (d0 == 0)) /* "01" */
				return false;
			*i += k;
			/* (a mask: GCC turns a product with a bool into a branch) */
			*v = (int64_t)(((uint64_t)0 - two) & (d0 * 9 + d1)) + d0;
			return true;
		}
		w = ld8(p);
		k = digit_run(w);
		if (k == 0 || (p[0] == '0' && k > 1))
			return false;
		if (k < 8) {
			*i += k;
			*v = (int64_t)digit_value(w, k);
			return true;
		}
		w = ld8(p + 8);
		j = digit_run(w);
		if (j < 8) {
			n = (int64_t)digit_value(ld8(p), 8);
			if (j)
				n = n * pow10_8[j] + (int64_t)digit_value(w, (unsigned)j);
			*i += 8 + j;
			*v = n;
			return true;
		}
		j = 0; /* 16 digits or more: the long way */
	}
#endif
	if (room > max) { /* p[0..max] are there: no length checks */
		if (p[0] == '0') {
			j = 1;
		} else {
			while (j < max && is_digit(p[j])) {
				n = n * 10 + (p[j] - '0');
				j++;
			}
			if (j == 0)
				return false;
		}
		if (is_digit(p[j])) /* "01", or too long */
			return false;
	} else {
		if (j < room && p[0] == '0') {
			j = 1;
		} else {
			while (j < room && is_digit(p[j]) && j < max) {
				n = n * 10 + (p[j] - '0');
				j++;
			}
			if (j == 0)
				return false;
		}
		if (j < room && is_digit(p[j]))
			return false;
	}
	*i += j;
	*v = n;
	return true;
}

/* not_after[c]: c cannot follow the digits a number has been read to: a
 * fraction or an exponent, or another digit (one table lookup). */
static const uint8_t not_after[256] = {
	['.'] = 1, ['e'] = 1, ['E'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
	['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
};

/* number_end: no fraction or exponent (nor digit) follows at t[i]. */
static inline bool number_end(const char *t, size_t len, size_t i)
{
	return i < len && !not_after[(unsigned char)t[i]];
}

/* ---- storing ----------------------------------------------------------- */

static inline void put(char *base, int32_t off, const void *v, size_t n)
{
	if (off != JD_NONE)
		memcpy(base + off, v, n);
}

static inline void put_flag(char *base, int32_t off)
{
	bool t = true;

	put(base, off, &t, sizeof t);
}

/* refill: a new block of room; false when the arena is exhausted.  Not
 * zeroed: every byte of it is written before it is read (strings with
 * their NUL), and zeroing 2 KB cost as much as decoding a dozen fields. */
static bool refill(struct fx *x)
{
	char *p = arena_array_uninit(x->a, ROOM_CHUNK, 1);

	if (!p)
		return false;
	x->room = p;
	x->room_left = ROOM_CHUNK;
	return true;
}

/* str_room: n bytes for a string from the room (unaligned); NULL when the
 * arena is exhausted. */
static char *str_room(struct fx *x, size_t n)
{
	char *p;

	if (n > ROOM_BIG)
		return arena_alloc(x->a, n);
	if (n > x->room_left && !refill(x))
		return NULL;
	p = x->room;
	x->room += n;
	x->room_left -= n;
	return p;
}

/* vec: the elements of an array, decoded in place in the arena (an
 * array's strings and arrays go to the room, a block of its own, so
 * nothing comes between them), VEC_FIRST of them at first (MAP_FIRST
 * for a map's entries), doubling:
 * the stack and a copy from it cost more than the bytes this leaves
 * unused. */
struct vec {
	char *p;
	size_t n, cap, size, first;
};

static inline void vec_init(struct vec *v, size_t size, size_t first)
{
	v->p = NULL;
	v->n = v->cap = 0;
	v->size = size;
	v->first = first;
}

/* vec_alloc: room for cap elements in the arena (16 bytes to spare: see
 * vec_push), keeping the n there are. */
static inline bool vec_alloc(struct fx *x, struct vec *v, size_t cap)
{
	size_t bytes;
	char *p;

	if (__builtin_mul_overflow(cap, v->size, &bytes) ||
	    !(p = arena_array_uninit(x->a, bytes + 16, 1)))
		return false;
	if (v->n)
		memcpy(p, v->p, v->n * v->size);
	v->p = p;
	v->cap = cap;
	return true;
}

/* vec_grow: twice the room (the first room is vec_alloc's, inline). */
static __attribute__((noinline)) bool vec_grow(struct fx *x, struct vec *v)
{
	return vec_alloc(x, v, v->cap * 2);
}

/* zero16: n bytes at d zeroed sixteen at a time, so up to 15 more. */
static inline void zero16(char *d, size_t n)
{
#ifdef __SSE2__
	for (size_t k = 0; k < n; k += 16)
		_mm_storeu_si128((__m128i *)(void *)(d + k), _mm_setzero_si128());
#else
	memset(d, 0, n);
#endif
}

/* vec_push: a new zeroed element, or NULL when the arena is exhausted. */
static inline char *vec_push(struct fx *x, struct vec *v)
{
	char *e;

	if (v->n == v->cap && !(v->cap ? vec_grow(x, v) : vec_alloc(x, v, v->first)))
		return NULL;
	e = v->p + v->n++ * v->size;
	zero16(e, v->size); /* (past it: the next one's, or the 16 to spare) */
	return e;
}

/* vec_store: the array (NULL when empty) at off and its count at n_off. */
static inline void vec_store(struct vec *v, char *base, int32_t off, int32_t n_off)
{
	put(base, off, &v->p, sizeof v->p);
	put(base, n_off, &v->n, sizeof v->n);
}

/* ---- scalars ----------------------------------------------------------- */

/* dup_str_slow: dup_str's general way (escapes, UTF-8, near the end of
 * the text or of the room). */
static __attribute__((noinline)) size_t dup_str_slow(struct fx *x, size_t i, bool plain,
						     const char **out, size_t *n)
{
	const char *s = x->t + i + 1;
	size_t close;
	bool esc;
	char *p;

	if (!(close = str(x, i, &esc)) || (plain && esc))
		return 0;
	*n = close - i - 1;
	if (!(p = str_room(x, *n + 1)))
		return 0;
	if (esc) {
		if (json_str_unescape(s, *n, p, n) != JSON_STR_OK)
			return 0;
	} else {
		memcpy(p, s, *n);
		p[*n] = '\0';
	}
	*out = p;
	return close + 1;
}

/* dup_str: the string at t[i] into the room, unescaped, as a C string
 * (*out) of *n bytes; plain: decline escapes (a score's key).  0 when it
 * is not a string, holds \u0000, or memory ran out. */
static inline __attribute__((always_inline)) size_t
dup_str(struct fx *x, const char *t, size_t len, size_t i, bool plain, const char **out,
	size_t *n)
{
	if (t[i] != '"')
		return 0;
#ifndef __SSE2__
	(void)t;
	(void)len;
#else
	/* Plain ASCII, copied as it is scanned, 16 bytes at a time (most
	 * strings are shorter): what is stored past the string is free room
	 * that later ones overwrite. */
	if ((x->room_left >= ROOM_LOW || refill(x)) && len - i > 32) {
		const char *s = t + i + 1;
		char *p = x->room; /* (room_left >= ROOM_LOW >= 32) */
		size_t avail = len - i - 1, left = x->room_left, k = 0, sl;
		__m128i v = ld16(s);
		unsigned m = stops16(v);
		_mm_storeu_si128((__m128i *)(void *)p, v);
		while (!m) { /* (16 bytes or more) */
			k += 16;
			if (avail - k < 16 || left - k < 16)
				goto slow;
			v = ld16(s + k);
			m = stops16(v);
			_mm_storeu_si128((__m128i *)(void *)(p + k), v);
		}
		sl = k + (size_t)__builtin_ctz(m);
		if (s[sl] == '"') {
			p[sl] = '\0';
			x->room = p + sl + 1;
			x->room_left = left - sl - 1;
			*out = p;
			*n = sl;
			return i + sl + 2;
		}
	}
slow:
#endif
	return dup_str_slow(x, i, plain, out, n);
}

#ifdef __SSE2__
/* lens_of: a bit k for each of e's constants k that is n bytes long. */
static inline unsigned lens_of(const struct jd_enum *e, size_t n)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(ld16((const char *)e->lens),
							  _mm_set1_epi8((char)n))) &
	       ((1u << e->n) - 1);
}
#endif

/* dec_enum: the string at t[i] when it is one of e's constants, compared
 * in place: a constant has no quote, backslash or non-ASCII byte, so the
 * constant's bytes and then a quote are the whole string. */
static inline __attribute__((always_inline)) size_t
dec_enum(const char *t, size_t len, size_t i, const struct jd_enum *e, const char **out)
{
	const char *s = t + i + 1;
	size_t room = len - i - 1;

	if (t[i] != '"' || !e->lens)
		return 0;
#ifdef __SSE2__
	if (room >= 32) {
		/* The first quote in 32 bytes (a constant has no backslash,
		 * control or non-ASCII byte, so a string with one before its
		 * first quote matches none of them anyway) ends the constant;
		 * the constants of that length are found all at once (lens has
		 * 16 bytes, see JD_ENUM).  Most are shorter than 16: one
		 * 16-byte load and compare then. */
		__m128i a = ld16(s), b, q = _mm_set1_epi8('"');
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, q)), cand;
		size_t n;
		if (m) {
			n = (size_t)__builtin_ctz(m);
			cand = lens_of(e, n);
			for (; cand; cand &= cand - 1) {
				const char *c = e->values[__builtin_ctz(cand)];
				m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, ld16(c)));
				if ((~m & ((1u << n) - 1)) == 0) {
					*out = c;
					return i + n + 2;
				}
			}
			return 0;
		}
		b = ld16(s + 16);
		m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, q));
		n = 16 + (size_t)__builtin_ctz(m | 1u << 16);
		for (cand = m ? lens_of(e, n) : 0; cand; cand &= cand - 1) {
			const char *c = e->values[__builtin_ctz(cand)];
			uint32_t eq = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, ld16(c))) |
				      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, ld16(c + 16)))
					      << 16;
			if ((~eq & ((UINT32_C(1) << n) - 1)) == 0) {
				*out = c;
				return i + n + 2;
			}
		}
		if (m)
			return 0;
		/* (longer than 31: the loop below) */
	}
#endif
	for (unsigned k = 0; k < e->n; k++) {
		size_t n = e->lens[k];
		if (n < room && s[n] == '"' && same(s, e->values[k], n)) {
			*out = e->values[k];
			return i + n + 2;
		}
	}
	return 0;
}

/* num2, num4: two or four decimal digits at s (the way date_parse and
 * month_parse read them: '0'..'9' only); -1 when they are not.  Without
 * branches: "present" goes through here too. */
static inline int num2(const char *s)
{
	unsigned a = (unsigned char)(s[0] - '0'), b = (unsigned char)(s[1] - '0');

	return (int)(a * 10 + b) | -(int)((a > 9) | (b > 9));
}

#ifndef SWAR_DIGITS
static inline int num4(const char *s)
{
	int hi = num2(s), lo = num2(s + 2);

	return (hi * 100 + lo) | -(int)((hi | lo) < 0);
}
#endif

/* dec_when: a date, month or "present" at t[i]: fixed widths, so the
 * closing quote is looked for where it must be.  Read as date_parse and
 * month_parse read them (date.h): "YYYY-MM-DD" of a day that exists,
 * "YYYY-MM", years from 1. */
static size_t dec_when(const char *t, size_t len, size_t i, const struct jd_field *f,
		       char *base)
{
	const char *s = t + i + 1;
	size_t n = f->type == JD_DATE ? 10 : 7;
	int y, m, d;
	int32_t v;

	if (t[i] != '"' || len - i < n + 2 || s[n] != '"')
		return 0;
#ifdef SWAR_DIGITS
	{
		/* "YYYY-MM" in one word (s[0..8) are there: n + 1 >= 8): digits
		 * where they must be, each checked within its byte; -1 when not */
		const uint64_t at = UINT64_C(0x00FFFF00FFFFFFFF); /* bytes 0-3, 5, 6 */
		uint64_t w = ld8(s), lo = w & 0x0F * ONES, q;
		bool ok = (((w & 0xF0 * ONES) ^ 0x30 * ONES) & at) == 0 &&
			  (((lo + 0x06 * ONES) & 0x10 * ONES) & at) == 0;
		q = (lo * 10 + (lo >> 8)) & UINT64_C(0x00FF00FF); /* d0d1, d2d3 */
		y = ok ? (int)((q & 0xFF) * 100 + (q >> 16)) : -1;
		m = ok ? (int)((lo >> 40 & 0xFF) * 10 + (lo >> 48 & 0xFF)) : -1;
	}
#else
	y = num4(s);
	m = num2(s + 5);
#endif
	if (f->type == JD_DATE) {
		if (s[4] != '-' || y < 1 || m < 1 || m > 12 || s[7] != '-' ||
		    (d = num2(s + 8)) < 1 || (d > 28 && d > date_days_in_month(y, m)))
			return 0;
		v = date_from_ymd(y, m, d);
	} else {
		/* a month, or "present" where the field allows it, without a
		 * branch on which (storing zeroes is storing nothing: the
		 * target was zeroed and each field is stored once) */
		bool month = (s[4] == '-') & (y >= 1) & (m >= 1) & (m <= 12);
		bool present = f->type == JD_MONTH_OR_PRESENT && memcmp(s, "present", 7) == 0;
		if (!(month | present))
			return 0;
		v = month ? y * 12 + m - 1 : 0; /* month_from_ym */
		put(base, f->n_off, &present, sizeof present);
	}
	put(base, f->off, &v, sizeof v);
	return i + n + 2;
}

/* zeros_end: past the zeros at t[i] that end a fraction whose digits so
 * far all count (jd_decode reads 4.0 as 4, 15.50000 as 15.5); 0 when a
 * digit other than 0, a point or an exponent follows them. */
static __attribute__((noinline)) size_t zeros_end(const char *t, size_t len, size_t i)
{
	while (i < len && t[i] == '0')
		i++;
	return number_end(t, len, i) ? i : 0;
}

static inline size_t dec_int(const char *t, size_t len, size_t i, const struct jd_field *f,
			     char *base)
{
	int64_t v;

	if (!digits(t, len, &i, INT_DIGITS, &v))
		return 0;
	if (!number_end(t, len, i)) {
		/* "4.0": an integer with a fraction of zeros */
		if (len - i < 2 || t[i] != '.' || t[i + 1] != '0' || !(i = zeros_end(t, len, i + 1)))
			return 0;
	}
	if (v < f->u.range.min || v > f->u.range.max)
		return 0;
	put(base, f->off, &v, sizeof v);
	return i;
}

/* decimal: a number with at most two decimal places, in hundredths. */
static inline __attribute__((always_inline)) size_t
decimal(const char *t, size_t len, size_t i, int64_t min, int64_t max, int64_t *out)
{
	int64_t v, frac = 0;

	if (!digits(t, len, &i, DECIMAL_DIGITS, &v))
		return 0;
	v *= 100;
	if (len - i >= 4) {
		/* the fraction without a branch on whether there is one */
		size_t f1 = (unsigned char)(t[i + 1] - '0'), f2 = (unsigned char)(t[i + 2] - '0');
		size_t dot = (size_t)0 - (t[i] == '.'), two = (size_t)0 - (f2 <= 9); /* masks */
		char c;
		OPAQUE(dot); /* (else GCC makes branches of the masks again) */
		frac = (int64_t)(dot & (f1 * 10 + (two & f2)));
		i += dot & (2 + (two & 1));
		c = t[i];
		if ((dot & (f1 > 9)) | not_after[(unsigned char)c]) {
			/* "15.50000": two places, then only zeros */
			if (!(dot & two) || (f1 > 9) || !(i = zeros_end(t, len, i)))
				return 0;
		}
	} else {
		if (i < len && t[i] == '.') {
			if (++i >= len || !is_digit(t[i]))
				return 0;
			frac = (t[i++] - '0') * 10;
			if (i < len && is_digit(t[i]))
				frac += t[i++] - '0';
			while (i < len && t[i] == '0') /* "1.500" */
				i++;
		}
		if (!number_end(t, len, i))
			return 0;
	}
	v += frac;
	if (v < min || v > max)
		return 0;
	*out = v;
	return i;
}

static size_t dec_decimal(const char *t, size_t len, size_t i, const struct jd_field *f,
			  char *base)
{
	int64_t v;

	if (!(i = decimal(t, len, i, f->u.range.min, f->u.range.max, &v)))
		return 0;
	put(base, f->off, &v, sizeof v);
	return i;
}

static inline size_t dec_bool(const char *t, size_t len, size_t i, const struct jd_field *f,
			      char *base)
{
	static const char words[2][8] = { "false", "true" };
	static const char masks[2][8] = { "\377\377\377\377\377", "\377\377\377\377" };
	bool b = t[i] == 't';
	int tri;

	if (len - i >= 8) {
		/* one comparison with the word t[i] says it should be */
		if ((ld8(t + i) ^ ld8(words[b])) & ld8(masks[b]))
			return 0;
	} else if (!(b ? len - i >= 4 && same(t + i, "true", 4)
		       : len - i >= 5 && same(t + i, "false", 5))) {
		return 0;
	}
	tri = 1 + b;
	if (f->type == JD_BOOL)
		put(base, f->off, &b, sizeof b);
	else
		put(base, f->off, &tri, sizeof tri);
	return i + 5 - b;
}

/* ---- containers -------------------------------------------------------- */

/* next: after an element of a container closed by `close`: past ',' and
 * whitespace (*more: an element follows, but after ", " maybe more
 * whitespace, see lead) or past the closing bracket; 0 for anything else. */
static inline __attribute__((always_inline)) size_t
next(struct fx *x, const char *t, size_t len, size_t i, char close, bool *more)
{
	if (len - i >= 3 && ld2(t + i) == ld2(", ")) {
		*more = true;
		return i + 2;
	}
	if (i < len && t[i] == close) {
		*more = false;
		return i + 1;
	}
	i = ws(x, t, len, i);
	if (i >= len)
		return 0;
	*more = t[i] == ',';
	if (*more)
		i = ws(x, t, len, i + 1);
	else if (t[i] != close)
		return 0;
	return i < len ? i + !*more : 0;
}

/* lead: past the whitespace at t[i] (i < len) before an element, when its
 * reader did not find it at t[i]; 0 at the end of the text. */
static __attribute__((noinline)) size_t lead(struct fx *x, size_t i)
{
	i = ws_slow(x, i);
	return i < x->len ? i : 0;
}

/* enter: past '[' or '{' at t[i] and whitespace; *empty when it closes at once. */
static inline size_t enter(struct fx *x, const char *t, size_t len, size_t i, char o,
			   bool *empty)
{
	if (t[i] != o)
		return 0;
	i = ws(x, t, len, i + 1);
	if (i >= len)
		return 0;
	*empty = t[i] == o + 2; /* ']' and '}' follow '[' and '{' by two */
	return *empty ? i + 1 : i;
}

static size_t dec_array(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	const struct jd_schema *s = f->u.schema;
	const char *t = x->t;
	size_t len = x->len;
	struct vec v;
	bool empty, more = true;
	char *e;

	vec_init(&v, s->size, VEC_FIRST);
	if (!(i = enter(x, t, len, i, '[', &empty)))
		return 0;
	while (!empty && more) {
		if (t[i] != '{' && (!(i = lead(x, i)) || t[i] != '{'))
			return 0;
		if (!(e = vec_push(x, &v)) || !(i = dec_object(x, i, s, e)) ||
		    !(i = next(x, t, len, i, ']', &more)))
			return 0;
	}
	vec_store(&v, base, f->off, f->n_off);
	return i;
}

static size_t dec_strings(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	const char *t = x->t;
	size_t len = x->len, n;
	struct vec v;
	bool empty, more = true;
	const char *s;
	char *e;

	vec_init(&v, sizeof s, VEC_FIRST);
	if (!(i = enter(x, t, len, i, '[', &empty)))
		return 0;
	while (!empty && more) {
		if (!(e = vec_push(x, &v)) || (t[i] != '"' && !(i = lead(x, i))))
			return 0;
		i = f->u.enm ? dec_enum(t, len, i, f->u.enm, &s)
			     : dup_str(x, t, len, i, false, &s, &n);
		if (!i || !(i = next(x, t, len, i, ']', &more)))
			return 0;
		memcpy(e, &s, sizeof s);
	}
	vec_store(&v, base, f->off, f->n_off);
	return i;
}

/* map_room: room for more of a map's entries in v, up to max in all (so
 * that a full vec is too many entries); false when there are max already,
 * or memory ran out. */
static __attribute__((noinline)) bool map_room(struct fx *x, struct vec *v, size_t max)
{
	size_t cap = v->cap ? v->cap * 2 : v->first;

	return v->n < max && vec_alloc(x, v, cap < max ? cap : max);
}

/* scores_into: a map's entries into v (element size m->size); the offset
 * past the map, or 0. */
static inline __attribute__((always_inline)) size_t
scores_into(struct fx *x, size_t i, const struct jd_map *m, struct vec *v)
{
	const char *t = x->t;
	size_t len = x->len, size = m->size, n;
	uint64_t lens = 0; /* bit n: a key of n bytes came before (n < 64) */
	uint32_t lc[2];
	bool empty, more = true;
	const char *key;
	int64_t val;

	/* an entry whose members (distinct, as struct members are) fill it
	 * whole needs no zeroing first */
	bool whole = size == sizeof key + sizeof val + (m->pos_off != JD_NONE) * sizeof lc +
				    (m->vpos_off != JD_NONE) * sizeof lc;

	if (!(i = enter(x, t, len, i, '{', &empty)))
		return 0;
	while (!empty && more) {
		/* one "key": number entry */
		char *e;
		if (v->n == v->cap && !map_room(x, v, m->max_entries))
			return 0;
		e = v->p + v->n++ * size;
		if (!whole)
			zero16(e, size);
		if (t[i] != '"' && !(i = lead(x, i)))
			return 0;
		at(x, i, lc);
		if (!(i = dup_str(x, t, len, i, true, &key, &n)))
			return 0;
		if (n < 64 && !(lens >> n & 1)) {
			lens |= (uint64_t)1 << n;
		} else {
			/* an earlier key of the same length: the same key? */
			for (size_t k = 0; k + 1 < v->n; k++) {
				const char *prev;
				memcpy(&prev, v->p + k * size + m->key_off, sizeof prev);
				if (strcmp(prev, key) == 0)
					return 0;
			}
		}
		if (m->pos_off != JD_NONE)
			memcpy(e + m->pos_off, lc, sizeof lc);
		if (!(i = colon(x, t, len, i)))
			return 0;
		if (m->vpos_off != JD_NONE) {
			at(x, i, lc);
			memcpy(e + m->vpos_off, lc, sizeof lc);
		}
		if (!(i = decimal(t, len, i, m->min, m->max, &val)))
			return 0;
		memcpy(e + m->key_off, &key, sizeof key);
		memcpy(e + m->val_off, &val, sizeof val);
		if (!(i = next(x, t, len, i, '}', &more)))
			return 0;
	}
	return i;
}

/* dec_scores: a map of scores, decoded in place in the arena as arrays
 * are (vec).  (Not inlined into value(): GCC would then call the readers
 * of dates and numbers instead.) */
static __attribute__((noinline)) size_t dec_scores(struct fx *x, size_t i,
						   const struct jd_field *f, char *base)
{
	struct vec v;

	vec_init(&v, f->u.map->size, MAP_FIRST);
	if (!(i = scores_into(x, i, f->u.map, &v)))
		return 0;
	vec_store(&v, base, f->off, f->n_off);
	return i;
}

/* has_or_pos: f has a presence flag or a position to store (has_off and
 * pos_off, side by side, read as one word: both JD_NONE is all ones). */
_Static_assert(offsetof(struct jd_field, pos_off) == offsetof(struct jd_field, has_off) + 4 &&
		       JD_NONE == -1,
	       "has_off and pos_off side by side");
static inline bool has_or_pos(const struct jd_field *f)
{
	uint64_t both;

	memcpy(&both, &f->has_off, sizeof both);
	return both != UINT64_MAX;
}

/* value: the value of field f at t[i] (i < len), stored as jd_decode does. */
static inline size_t value(struct fx *x, const char *t, size_t len, size_t i,
			   const struct jd_field *f, char *base)
{
	uint32_t lc[2] = { 0, 0 };
	const char *s;
	size_t end = 0, n;

	if (f->pos_off != JD_NONE)
		at(x, i, lc); /* before the value's own strings are counted */

	switch (f->type) { /* (every type has a case: no range check, see default) */
	case JD_STRING:
		if ((end = dup_str(x, t, len, i, false, &s, &n)))
			put(base, f->off, &s, sizeof s);
		break;
	case JD_ENUM:
		if ((end = dec_enum(t, len, i, f->u.enm, &s)))
			put(base, f->off, &s, sizeof s);
		break;
	case JD_BOOL:
	case JD_TRI: end = dec_bool(t, len, i, f, base); break;
	case JD_INT: end = dec_int(t, len, i, f, base); break;
	case JD_DATE:
	case JD_MONTH:
	case JD_MONTH_OR_PRESENT: end = dec_when(t, len, i, f, base); break;
	case JD_DECIMAL: end = dec_decimal(t, len, i, f, base); break;
	case JD_OBJECT:
		if (t[i] == '{')
			end = dec_object(x, i, f->u.schema, base + (f->off == JD_NONE ? 0 : f->off));
		break;
	case JD_ARRAY: end = dec_array(x, i, f, base); break;
	case JD_STRINGS: end = dec_strings(x, i, f, base); break;
	case JD_SCORES: end = dec_scores(x, i, f, base); break;
	default: /* the schema tables are constants of ours: a type is one of the above */
		__builtin_unreachable();
	}
	if (!end) /* every case declines null (at its first byte, storing nothing): absent */
		return t[i] == 'n' && !(f->flags & JD_REQUIRED) && len - i >= 4 &&
		       same(t + i, "null", 4) ? i + 4 : 0;
	if (has_or_pos(f)) {
		put_flag(base, f->has_off);
		put(base, f->pos_off, lc, sizeof lc);
	}
	return end;
}

/* ---- objects ----------------------------------------------------------- */

/* key: the field whose name is the key at t[i] (a '"'), trying fields[h]
 * first; -1 when none is.  A field name has no quote or backslash, so
 * "name bytes, then a quote" is the whole key, unescaped. */
static int key(const struct fx *x, size_t i, const struct jd_schema *s, unsigned h)
{
	const char *k = x->t + i + 1;
	size_t room = x->len - i - 1;

	for (unsigned step = 0; step < s->nfields; step++, h++) {
		const struct jd_field *f;
		if (h >= s->nfields)
			h = 0;
		f = &s->fields[h];
		if (f->namelen < room && k[f->namelen] == '"' && same(k, f->name, f->namelen))
			return (int)h;
	}
	return -1;
}

/* key_here: t[i..) is f's key `"name": ` (JD_NAME), and a byte after it
 * (more whitespace there makes value() decline at its first byte, and
 * dec_object skip it then). */
static inline __attribute__((always_inline)) bool
key_here(const char *t, size_t len, size_t i, const struct jd_field *f)
{
	const char *k = f->key;
	size_t kn = (size_t)f->namelen + 4;

#ifdef __SSE2__
	if (len - i >= 32) {
		/* k (JD_NAME's, required here) holds 16 bytes, 32 when kn > 16,
		 * 48 when kn > 32; the keymask of a key longer than 31 is 0 */
		uint32_t eq = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(ld16(t + i), ld16(k)));
		if (kn > 16) {
			eq |= (uint32_t)_mm_movemask_epi8(
				      _mm_cmpeq_epi8(ld16(t + i + 16), ld16(k + 16)))
			      << 16;
			if (kn > 31)
				return eq == UINT32_MAX && len - i > kn &&
				       same(t + i + 32, k + 32, kn - 32);
		}
		return (eq | f->keymask) == UINT32_MAX;
	}
#endif
	return k && len - i > kn && same(t + i, k, kn);
}

/* key_ahead: the field after f (in schema order, wrapping) whose key is
 * at t[i] laid out as key_here() takes it; f when none is.  Optional
 * fields left out make the key expected miss, and the one after it is most
 * often the key there: a few 16-byte compares instead of key() after ws(). */
static inline __attribute__((always_inline)) const struct jd_field *
key_ahead(const char *t, size_t len, size_t i, const struct jd_field *f,
	  const struct jd_field *fields, const struct jd_field *fend)
{
	const struct jd_field *g = f;
	char c;

	if (len - i < 2)
		return f;
	c = t[i + 1]; /* (the name's first byte: most fields differ in it) */
	do {
		if (++g == fend)
			g = fields;
	} while (g != f && !(g->name[0] == c && key_here(t, len, i, g)));
	return g;
}

/* checked: the schema's check passes (off the hot path: its buffer). */
static __attribute__((noinline)) bool checked(const struct jd_schema *s, const char *base)
{
	char buf[200];
	const char *blame = NULL;

	return !s->check(base, buf, sizeof buf, &blame);
}

/* complete: the required fields are there and the schema's check passes.
 * The required fields come first, so one is missing exactly when the
 * first field not seen is a required one. */
static inline bool complete(const struct jd_schema *s, const char *base, uint64_t seen)
{
	if (~seen) {
		unsigned k = (unsigned)__builtin_ctzll(~seen);
		if (k < s->nfields && (s->fields[k].flags & JD_REQUIRED))
			return false;
	}
	return !s->check || checked(s, base);
}

static size_t dec_object(struct fx *x, size_t i, const struct jd_schema *s, char *base)
{
	const char *t = x->t;
	size_t len = x->len;
	const struct jd_field *fields = s->fields, *fend = fields + s->nfields;
	const struct jd_field *f = fields, *g; /* f: tried first, the one after the previous */
	uint64_t seen = 0, bit = 1; /* bit: f's in seen */
	bool empty, more;
	uint32_t lc[2];
	size_t end;

	at(x, i, lc);
	put(base, s->pos_off, lc, sizeof lc);
	if (!(i = enter(x, t, len, i, '{', &empty)))
		return 0;
	while (!empty) {
		if (f == fend) {
			f = fields;
			bit = 1;
		}
		if (key_here(t, len, i, f)) {
			/* the key expected, with ": " after it */
			i += (size_t)f->namelen + 4;
			if (seen & bit) /* a duplicate */
				return 0;
		} else if ((g = key_ahead(t, len, i, f, fields, fend)) != f) {
			/* a later field's (those between are absent), or an earlier one's */
			i += (size_t)g->namelen + 4;
			f = g;
			bit = (uint64_t)1 << (g - fields);
			if (seen & bit)
				return 0;
		} else {
			int k;
			i = ws(x, t, len, i); /* (after ", " when more spaces follow) */
			if (i >= len || t[i] != '"' || (k = key(x, i, s, (unsigned)(f - fields))) < 0)
				return 0;
			f = &fields[k];
			bit = (uint64_t)1 << k;
			if (!(i = colon(x, t, len, i + f->namelen + 2)) || (seen & bit))
				return 0;
		}
		seen |= bit;
		while (!(end = value(x, t, len, i, f, base))) {
			/* more whitespace before the value than key_here took:
			 * once more after it (value stores nothing when it
			 * declines at its first byte) */
			if ((unsigned char)t[i] > ' ' || (i = ws(x, t, len, i)) >= len ||
			    (unsigned char)t[i] <= ' ')
				return 0;
		}
		i = end;
		f++;
		bit <<= 1;
		if (len - i >= 2 && ld2(t + i) == ld2(", ")) {
			i += 2; /* the next key checks what follows */
			continue;
		}
		if (i < len && t[i] == '}') {
			i++;
			break;
		}
		if (!(i = next(x, t, len, i, '}', &more)))
			return 0;
		if (!more)
			break;
	}
	return complete(s, base, seen) ? i : 0;
}

bool jd_decode_fast(const char *text, size_t len, uint32_t line, uint32_t col,
		    const struct jd_schema *schema, void *target, struct arena *a,
		    unsigned max_tokens, struct jd_end *end)
{
	struct fx x = { .t = text, .len = len, .a = a, .line = line ? line : 1,
			.colbase = col ? col : 1 };
	size_t i;

	memset(target, 0, schema->size);
	if (len > JSON_MAX_LEN || len > (size_t)INT32_MAX - 2)
		return false;
	/* Every token starts at a byte of its own, so an object that ends
	 * within max_tokens bytes has no more tokens than the cap: reading no
	 * further than that, none need be counted.  (A longer object is left
	 * to the careful way, which reports the cap when it is over it.) */
	if (x.len > max_tokens)
		x.len = max_tokens;
	i = ws(&x, text, x.len, 0);
	if (i >= x.len || text[i] != '{' || !(i = dec_object(&x, i, schema, target)))
		return false;
	end->off = i;
	at(&x, i, end->lc);
	return true;
}
