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
 * the line's start less the continuation bytes among them.
 */
#include "jsondec.h"

#include <string.h>

#include "core/date.h"

#define LOCAL_BYTES 2048 /* array elements kept on the stack before the arena */
#define INT_DIGITS 18     /* below 10^18: no overflow check needed */
#define DECIMAL_DIGITS 16 /* whole part; times 100 stays below 2^63 */
#define STR_CHUNK 1024    /* strings are carved from arena blocks this big */

struct fx {
	const char *t;
	size_t len;
	struct arena *a;
	size_t line_start; /* offset where the current line starts */
	size_t cont;       /* continuation bytes in the strings scanned so far */
	size_t line_cont;  /* ... of them before line_start */
	uint32_t line;     /* the current line */
	uint32_t col0;     /* column of t[line_start] */
	char *room;        /* free bytes for strings (str_room) */
	size_t room_left;
};

/* Every function below returns the offset just past what it read, or 0 to
 * decline (nothing it reads ends at offset 0). */
static size_t dec_object(struct fx *x, size_t i, const struct jd_schema *s, char *base);

/* ---- the text ---------------------------------------------------------- */

/* ws_slow: past the whitespace at t[i], noting line starts. */
static size_t ws_slow(struct fx *x, size_t i)
{
	while (i < x->len && (unsigned char)x->t[i] <= ' ') {
		char c = x->t[i];
		if (c == '\n') {
			x->line++;
			x->line_start = i + 1;
			x->line_cont = x->cont;
			x->col0 = 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			break;
		}
		i++;
	}
	return i;
}

/* ws: past the whitespace at t[i]; most often none or one space. */
static inline size_t ws(struct fx *x, size_t i)
{
	if (i < x->len && (unsigned char)x->t[i] > ' ')
		return i;
	if (x->len - i >= 2 && x->t[i] == ' ' && (unsigned char)x->t[i + 1] > ' ')
		return i + 1;
	return ws_slow(x, i);
}

/* colon: past the ':' after a key ending before t[i], and the whitespace
 * after it; 0 when there is none. */
static inline size_t colon(struct fx *x, size_t i)
{
	if (x->len - i >= 3 && x->t[i] == ':' && x->t[i + 1] == ' ' &&
	    (unsigned char)x->t[i + 2] > ' ')
		return i + 2;
	i = ws(x, i);
	if (i >= x->len || x->t[i] != ':')
		return 0;
	i = ws(x, i + 1);
	return i < x->len ? i : 0;
}

/* at: line and column of offset off, which is past every string scanned. */
static inline void at(const struct fx *x, size_t off, uint32_t lc[2])
{
	lc[0] = x->line;
	lc[1] = x->col0 + (uint32_t)(off - x->line_start - (x->cont - x->line_cont));
}

/* str: the string whose opening quote is t[i] (checked by the caller):
 * the offset of its closing quote, or 0.  *esc: it has escapes. */
static inline __attribute__((always_inline)) size_t str(struct fx *x, size_t i, bool *esc)
{
	unsigned fl;
	size_t close = json_string_end(x->t, i, x->len, &fl);

	if (close && (fl & JSON_STR_NONASCII))
		x->cont += close - i - 1 - json_count_chars(x->t + i + 1, close - i - 1);
	*esc = (fl & JSON_STR_ESCAPED) != 0;
	return close;
}

/* plain_str: a string without escapes at t[i] (else 0); *n its length. */
static inline size_t plain_str(struct fx *x, size_t i, size_t *n)
{
	bool esc;
	size_t close;

	if (i >= x->len || x->t[i] != '"' || !(close = str(x, i, &esc)) || esc)
		return 0;
	*n = close - i - 1;
	return close;
}

static inline uint64_t ld8(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
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

/* literal: t[i..) starts with w[0..n) (what follows is the caller's). */
static inline bool literal(const struct fx *x, size_t i, const char *w, size_t n)
{
	return x->len - i >= n && same(x->t + i, w, n);
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* digits: a JSON number's integer part at t[*i], at most max digits, no
 * sign (declined: jd_decode takes "-0"), no leading zero; false else. */
static inline bool digits(const struct fx *x, size_t *i, size_t max, int64_t *v)
{
	size_t j = *i, start = j;
	int64_t n = 0;

	if (j < x->len && x->t[j] == '0') {
		j++;
	} else {
		while (j < x->len && is_digit(x->t[j]) && j - start < max)
			n = n * 10 + (x->t[j++] - '0');
		if (j == start)
			return false;
	}
	if (j < x->len && is_digit(x->t[j])) /* "01", or too long */
		return false;
	*i = j;
	*v = n;
	return true;
}

/* number_end: no fraction or exponent follows at t[i]. */
static inline bool number_end(const struct fx *x, size_t i)
{
	return i < x->len && x->t[i] != '.' && x->t[i] != 'e' && x->t[i] != 'E';
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

/* vec: the elements of an array, on the stack while they fit (then copied
 * to the arena at their exact size), else in the arena, doubling. */
struct vec {
	char *p;
	size_t n, cap, size;
	_Alignas(16) char local[LOCAL_BYTES];
};

static void vec_init(struct vec *v, size_t size)
{
	v->p = v->local;
	v->n = 0;
	v->size = size;
	v->cap = LOCAL_BYTES / size;
}

/* vec_push: a new zeroed element, or NULL when the arena is exhausted. */
static char *vec_push(struct fx *x, struct vec *v)
{
	char *e;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		char *p = arena_array(x->a, cap, v->size);
		if (!p)
			return NULL;
		memcpy(p, v->p, v->n * v->size);
		v->p = p;
		v->cap = cap;
	}
	e = v->p + v->n++ * v->size;
	if (v->p == v->local) /* (the arena's memory is zeroed already) */
		memset(e, 0, v->size);
	return e;
}

/* vec_store: the array (NULL when empty) at off and its count at n_off. */
static bool vec_store(struct fx *x, struct vec *v, char *base, int32_t off, int32_t n_off)
{
	char *p = v->n ? v->p : NULL;

	if (p == v->local) {
		if (!(p = arena_array(x->a, v->n, v->size)))
			return false;
		memcpy(p, v->local, v->n * v->size);
	}
	put(base, off, &p, sizeof p);
	put(base, n_off, &v->n, sizeof v->n);
	return true;
}

/* str_room: n bytes for a string, carved from a block of the arena (one
 * allocation for many short strings); NULL when the arena is exhausted. */
static char *str_room(struct fx *x, size_t n)
{
	char *p;

	if (n > STR_CHUNK / 4) /* a long one on its own, keeping the block */
		return arena_alloc(x->a, n);
	if (n > x->room_left) {
		if (!(x->room = arena_alloc(x->a, STR_CHUNK)))
			return NULL;
		x->room_left = STR_CHUNK;
	}
	p = x->room;
	x->room += n;
	x->room_left -= n;
	return p;
}

/* str_copy: s[0..n) (a string's body; with escapes when esc) as a C string
 * in the arena; NULL when out of memory or it holds \u0000. */
static inline const char *str_copy(struct fx *x, const char *s, size_t n, bool esc)
{
	bool wide = n < 16 && x->t + x->len - s >= 16; /* 16 bytes readable at s */
	char *p = str_room(x, n + 1);

	if (!p)
		return NULL;
	if (esc)
		return json_str_unescape(s, n, p, NULL) == JSON_STR_OK ? p : NULL;
	/* A short string in one 16-byte move, when the block has room for it:
	 * the bytes past p[n] are free space that later strings overwrite. */
	if (wide && x->room_left >= 15 && p + n + 1 == x->room)
		memcpy(p, s, 16);
	else
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- scalars ----------------------------------------------------------- */

/* dup_str: the string at t[i] into the arena, unescaped. */
static size_t dup_str(struct fx *x, size_t i, const char **out)
{
	bool esc;
	size_t close;

	if (x->t[i] != '"' || !(close = str(x, i, &esc)) ||
	    !(*out = str_copy(x, x->t + i + 1, close - i - 1, esc)))
		return 0;
	return close + 1;
}

/* dec_enum: the string at t[i] when it is one of e's constants, compared
 * in place: a constant has no quote, backslash or non-ASCII byte, so the
 * constant's bytes and then a quote are the whole string. */
static size_t dec_enum(struct fx *x, size_t i, const struct jd_enum *e, const char **out)
{
	const char *s = x->t + i + 1;
	size_t room = x->len - i - 1;

	if (x->t[i] != '"' || !e->lens)
		return 0;
	for (unsigned k = 0; k < e->n; k++) {
		size_t n = e->lens[k];
		if (n < room && s[n] == '"' && same(s, e->values[k], n)) {
			*out = e->values[k];
			return i + n + 2;
		}
	}
	return 0;
}

/* dec_when: a date, month or "present" at t[i]: fixed widths, so the
 * closing quote is looked for where it must be (date_parse and
 * month_parse take digits and '-' only). */
static size_t dec_when(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	const char *s = x->t + i + 1;
	size_t n = f->type == JD_DATE ? 10 : 7;
	int32_t v;
	bool ok;

	if (x->t[i] != '"' || x->len - i < n + 2 || s[n] != '"')
		return 0;
	if (f->type == JD_MONTH_OR_PRESENT && memcmp(s, "present", 7) == 0) {
		put_flag(base, f->n_off);
		return i + n + 2;
	}
	ok = f->type == JD_DATE ? date_parse(s, n, &v) : month_parse(s, n, &v);
	if (!ok)
		return 0;
	put(base, f->off, &v, sizeof v);
	return i + n + 2;
}

static size_t dec_int(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	int64_t v;

	if (!digits(x, &i, INT_DIGITS, &v) || !number_end(x, i) || v < f->u.range.min ||
	    v > f->u.range.max)
		return 0;
	put(base, f->off, &v, sizeof v);
	return i;
}

/* decimal: a number with at most two decimal places, in hundredths. */
static size_t decimal(const struct fx *x, size_t i, int64_t min, int64_t max, int64_t *out)
{
	int64_t v, frac = 0;

	if (!digits(x, &i, DECIMAL_DIGITS, &v))
		return 0;
	v *= 100;
	if (i < x->len && x->t[i] == '.') {
		if (++i >= x->len || !is_digit(x->t[i]))
			return 0;
		frac = (x->t[i++] - '0') * 10;
		if (i < x->len && is_digit(x->t[i]))
			frac += x->t[i++] - '0';
	}
	if (!number_end(x, i) || is_digit(x->t[i]))
		return 0;
	v += frac;
	if (v < min || v > max)
		return 0;
	*out = v;
	return i;
}

static size_t dec_decimal(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	int64_t v;

	if (!(i = decimal(x, i, f->u.range.min, f->u.range.max, &v)))
		return 0;
	put(base, f->off, &v, sizeof v);
	return i;
}

static size_t dec_bool(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	bool b = x->t[i] == 't';
	int tri = b ? 2 : 1;

	if (!(b ? literal(x, i, "true", 4) : literal(x, i, "false", 5)))
		return 0;
	if (f->type == JD_BOOL)
		put(base, f->off, &b, sizeof b);
	else
		put(base, f->off, &tri, sizeof tri);
	return i + (b ? 4 : 5);
}

/* ---- containers -------------------------------------------------------- */

/* next: after an element of a container closed by `close`: past ',' and
 * whitespace (*more) or past the closing bracket; 0 for anything else. */
static inline size_t next(struct fx *x, size_t i, char close, bool *more)
{
	if (x->len - i >= 3 && x->t[i] == ',' && x->t[i + 1] == ' ' &&
	    (unsigned char)x->t[i + 2] > ' ') {
		*more = true;
		return i + 2;
	}
	i = ws(x, i);
	if (i >= x->len)
		return 0;
	*more = x->t[i] == ',';
	if (*more)
		i = ws(x, i + 1);
	else if (x->t[i] != close)
		return 0;
	return i < x->len ? i + !*more : 0;
}

/* enter: past '[' or '{' at t[i] and whitespace; *empty when it closes at once. */
static inline size_t enter(struct fx *x, size_t i, char o, bool *empty)
{
	if (x->t[i] != o)
		return 0;
	i = ws(x, i + 1);
	if (i >= x->len)
		return 0;
	*empty = x->t[i] == o + 2; /* ']' and '}' follow '[' and '{' by two */
	return *empty ? i + 1 : i;
}

static size_t dec_array(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	const struct jd_schema *s = f->u.schema;
	struct vec v;
	bool empty, more = true;
	char *e;

	vec_init(&v, s->size);
	if (!(i = enter(x, i, '[', &empty)))
		return 0;
	while (!empty && more) {
		if (x->t[i] != '{' || !(e = vec_push(x, &v)) ||
		    !(i = dec_object(x, i, s, e)) || !(i = next(x, i, ']', &more)))
			return 0;
	}
	return vec_store(x, &v, base, f->off, f->n_off) ? i : 0;
}

static size_t dec_strings(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	struct vec v;
	bool empty, more = true;
	const char *s;
	char *e;

	vec_init(&v, sizeof s);
	if (!(i = enter(x, i, '[', &empty)))
		return 0;
	while (!empty && more) {
		if (!(e = vec_push(x, &v)))
			return 0;
		i = f->u.enm ? dec_enum(x, i, f->u.enm, &s) : dup_str(x, i, &s);
		if (!i || !(i = next(x, i, ']', &more)))
			return 0;
		memcpy(e, &s, sizeof s);
	}
	return vec_store(x, &v, base, f->off, f->n_off) ? i : 0;
}

/* seen_key: an earlier entry of the map has the key s (a C string). */
static bool seen_key(const struct vec *v, const struct jd_map *m, const char *s)
{
	for (size_t k = 0; k < v->n - 1; k++) {
		const char *prev;
		size_t j = 0;
		memcpy(&prev, v->p + k * m->size + m->key_off, sizeof prev);
		while (prev[j] == s[j] && s[j])
			j++;
		if (prev[j] == s[j])
			return true;
	}
	return false;
}

/* score: one "key": number entry of a map at t[i] into element e. */
static size_t score(struct fx *x, size_t i, const struct jd_map *m, struct vec *v, char *e)
{
	const char *key;
	size_t close, n;
	uint32_t lc[2];
	int64_t val;

	at(x, i, lc);
	if (!(close = plain_str(x, i, &n)) || !(key = str_copy(x, x->t + i + 1, n, false)) ||
	    seen_key(v, m, key) || !(i = colon(x, close + 1)) ||
	    !(i = decimal(x, i, m->min, m->max, &val)))
		return 0;
	memcpy(e + m->key_off, &key, sizeof key);
	memcpy(e + m->val_off, &val, sizeof val);
	if (m->pos_off != JD_NONE)
		memcpy(e + m->pos_off, lc, sizeof lc);
	return i;
}

static size_t dec_scores(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	const struct jd_map *m = f->u.map;
	struct vec v;
	bool empty, more = true;
	char *e;

	vec_init(&v, m->size);
	if (!(i = enter(x, i, '{', &empty)))
		return 0;
	while (!empty && more) {
		if (v.n == m->max_entries || !(e = vec_push(x, &v)) ||
		    !(i = score(x, i, m, &v, e)) || !(i = next(x, i, '}', &more)))
			return 0;
	}
	return vec_store(x, &v, base, f->off, f->n_off) ? i : 0;
}

/* value: the value of field f at t[i] (i < len), stored as jd_decode does. */
static size_t value(struct fx *x, size_t i, const struct jd_field *f, char *base)
{
	uint32_t lc[2] = { 0, 0 };
	const char *s;
	size_t end = 0;

	if (x->t[i] == 'n') /* null is absent: nothing stored */
		return !(f->flags & JD_REQUIRED) && literal(x, i, "null", 4) ? i + 4 : 0;
	if (f->pos_off != JD_NONE)
		at(x, i, lc); /* before the value's own strings are counted */
	switch (f->type) {
	case JD_STRING:
		if ((end = dup_str(x, i, &s)))
			put(base, f->off, &s, sizeof s);
		break;
	case JD_ENUM:
		if ((end = dec_enum(x, i, f->u.enm, &s)))
			put(base, f->off, &s, sizeof s);
		break;
	case JD_BOOL:
	case JD_TRI: end = dec_bool(x, i, f, base); break;
	case JD_INT: end = dec_int(x, i, f, base); break;
	case JD_DATE:
	case JD_MONTH:
	case JD_MONTH_OR_PRESENT: end = dec_when(x, i, f, base); break;
	case JD_DECIMAL: end = dec_decimal(x, i, f, base); break;
	case JD_OBJECT:
		if (x->t[i] == '{')
			end = dec_object(x, i, f->u.schema, base + (f->off == JD_NONE ? 0 : f->off));
		break;
	case JD_ARRAY: end = dec_array(x, i, f, base); break;
	case JD_STRINGS: end = dec_strings(x, i, f, base); break;
	case JD_SCORES: end = dec_scores(x, i, f, base); break;
	}
	if (end) {
		put_flag(base, f->has_off);
		put(base, f->pos_off, lc, sizeof lc);
	}
	return end;
}

/* ---- objects ----------------------------------------------------------- */

/* key: the field whose name is the key at t[i] (a '"'), trying the one
 * after the previous first; -1 when none is.  A field name has no quote
 * or backslash, so "name bytes, then a quote" is the whole key, unescaped. */
static int key(const struct fx *x, size_t i, const struct jd_schema *s, unsigned *hint)
{
	const char *k = x->t + i + 1;
	size_t room = x->len - i - 1;
	unsigned h = *hint;

	for (unsigned step = 0; step < s->nfields; step++, h++) {
		const struct jd_field *f;
		if (h >= s->nfields)
			h = 0;
		f = &s->fields[h];
		if (f->namelen < room && k[f->namelen] == '"' && same(k, f->name, f->namelen)) {
			*hint = h + 1;
			return (int)h;
		}
	}
	return -1;
}

/* complete: the required fields are there and the schema's check passes. */
static bool complete(const struct jd_schema *s, const char *base, uint64_t seen)
{
	char buf[200];
	const char *blame = NULL;

	for (unsigned k = 0; k < s->nfields && (s->fields[k].flags & JD_REQUIRED); k++)
		if (!(seen >> k & 1))
			return false;
	return !s->check || !s->check(base, buf, sizeof buf, &blame);
}

static size_t dec_object(struct fx *x, size_t i, const struct jd_schema *s, char *base)
{
	uint64_t seen = 0;
	unsigned hint = 0;
	bool empty, more = true;
	uint32_t lc[2];
	int fi;

	at(x, i, lc);
	put(base, s->pos_off, lc, sizeof lc);
	if (!(i = enter(x, i, '{', &empty)))
		return 0;
	while (!empty && more) {
		const struct jd_field *f;
		if (x->t[i] != '"' || (fi = key(x, i, s, &hint)) < 0 ||
		    (seen >> fi & 1))
			return 0;
		seen |= (uint64_t)1 << fi;
		f = &s->fields[fi];
		if (!(i = colon(x, i + f->namelen + 2)) || !(i = value(x, i, f, base)) ||
		    !(i = next(x, i, '}', &more)))
			return 0;
	}
	return complete(s, base, seen) ? i : 0;
}

bool jd_decode_fast(const char *text, size_t len, uint32_t line, uint32_t col,
		    const struct jd_schema *schema, void *target, struct arena *a,
		    unsigned max_tokens, struct jd_end *end)
{
	struct fx x = { .t = text, .len = len, .a = a, .line = line ? line : 1,
			.col0 = col ? col : 1 };
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
	i = ws(&x, 0);
	if (i >= x.len || text[i] != '{' || !(i = dec_object(&x, i, schema, target)))
		return false;
	end->off = i;
	at(&x, i, end->lc);
	return true;
}
