/* jsondec.c - see jsondec.h. */
#include "jsondec.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "core/points.h"
#include "lib/strbuf.h"

#define SHOW_MAX 40 /* bytes of a user's value quoted in a message */
#define EDIT_MAX 64 /* longer names get no "did you mean" */

struct seg {
	const char *s; /* a name, or NULL for an index */
	size_t n;
	size_t idx;
};

struct ctx {
	struct json_doc *doc;
	size_t pos; /* end of the last token checked (visit) */
	struct arena *a;
	struct json_cursor *cur;
	struct jd_error *err;
	struct seg path[JD_MAX_DEPTH];
	unsigned depth;
	enum jd_rc rc;
};

/* Every decoding function returns the index of the token after the value
 * it consumed, or 0 after recording an error (token 0 is never "next").
 * A token is checked against the JSON grammar (visit) before it is read,
 * so the decoder is also the strict validator of what jsmn tokenized. */
static unsigned dec_object(struct ctx *c, unsigned i, const struct jd_schema *s, char *base);

/* ---- paths and messages ------------------------------------------------ */

static void push_name(struct ctx *c, const char *s, size_t n)
{
	if (c->depth < JD_MAX_DEPTH)
		c->path[c->depth] = (struct seg){ s, n, 0 };
	c->depth++;
}

static void push_index(struct ctx *c, size_t idx)
{
	if (c->depth < JD_MAX_DEPTH)
		c->path[c->depth] = (struct seg){ NULL, 0, idx };
	c->depth++;
}

static void pop(struct ctx *c)
{
	c->depth--;
}

/* add_text: s[0..n) to buf at *o (buf holds cap bytes), each control
 * character (strbuf_control_len: C0, DEL, C1, bidirectional controls) as
 * \uXXXX, and with quotes also '"' and '\\' escaped; whole characters
 * only, stopping short rather than overflow.  buf stays NUL-terminated.
 * False when it stopped short. */
static bool add_text(char *buf, size_t cap, size_t *o, const char *s, size_t n, bool quotes)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;
	bool whole = true;

	while (k < n) {
		unsigned char ch = (unsigned char)s[k];
		size_t ctl = strbuf_control_len_n(s + k, n - k);
		size_t len = ctl ? ctl : ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
		bool q = !ctl && quotes && (ch == '"' || ch == '\\');
		size_t need = ctl ? 6 : q ? 2 : len;

		if (len > n - k)
			len = need = n - k; /* a character cut by the end of s: as it is */
		if (*o + need >= cap) {
			whole = false;
			break;
		}
		if (ctl) {
			uint32_t cp = strbuf_control_cp(s + k, ctl);

			memcpy(buf + *o, "\\u", 2);
			for (int sh = 12, j = 2; sh >= 0; sh -= 4, j++)
				buf[*o + (size_t)j] = hex[(cp >> sh) & 0xF];
		} else if (q) {
			buf[*o] = '\\';
			buf[*o + 1] = (char)ch;
		} else {
			memcpy(buf + *o, s + k, len);
		}
		*o += need;
		k += len;
	}
	buf[*o] = '\0';
	return whole;
}

static void render_path(const struct ctx *c, char *buf, size_t cap)
{
	size_t o = 0;
	unsigned n = c->depth < JD_MAX_DEPTH ? c->depth : JD_MAX_DEPTH;

	buf[0] = '\0';
	for (unsigned k = 0; k < n && o + 1 < cap; k++) {
		const struct seg *g = &c->path[k];
		int w;
		if (g->s) {
			if (k)
				buf[o++] = '.';
			buf[o] = '\0';
			add_text(buf, cap, &o, g->s, g->n, false);
			continue;
		}
		w = snprintf(buf + o, cap - o, "[%zu]", g->idx);
		if (w < 0 || (size_t)w >= cap - o)
			break;
		o += (size_t)w;
	}
}

static unsigned fail(struct ctx *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static unsigned fail(struct ctx *c, size_t off, const char *fmt, ...)
{
	va_list ap;

	c->rc = JD_EINPUT;
	c->err->off = off;
	render_path(c, c->err->path, sizeof c->err->path);
	va_start(ap, fmt);
	vsnprintf(c->err->reason, sizeof c->err->reason, fmt, ap);
	va_end(ap);
	return 0;
}

static unsigned fail_nomem(struct ctx *c, size_t off)
{
	fail(c, off, "out of memory");
	c->rc = JD_ENOMEM;
	return 0;
}

/* show: at most SHOW_MAX bytes of s, cut at a character boundary. */
static int show_len(const char *s, size_t n)
{
	size_t k = n;

	if (k <= SHOW_MAX)
		return (int)k;
	k = SHOW_MAX;
	while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	return (int)k;
}

const char *jd_show(const char *s, size_t n, char *buf, size_t cap)
{
	size_t k = (size_t)show_len(s, n), o = 1;
	bool whole;

	buf[0] = '"';
	whole = add_text(buf, cap - 4, &o, s, k, true); /* room for `..."` */
	if (!whole || k < n) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* got: how the value at token i looks in a message: "masters", -2, an object. */
static const char *got(const struct ctx *c, unsigned i, char *buf, size_t cap)
{
	size_t n;
	const char *s;
	int k;

	switch (c->doc->toks[i].type) {
	case JSMN_OBJECT: return "an object";
	case JSMN_ARRAY: return "an array";
	default: break;
	}
	s = json_raw(c->doc, i, &n);
	k = show_len(s, n);
	if (c->doc->toks[i].type == JSMN_STRING)
		snprintf(buf, cap, "\"%.*s%s\"", k, s, (size_t)k < n ? "..." : "");
	else
		snprintf(buf, cap, "%.*s%s", k, s, (size_t)k < n ? "..." : "");
	return buf;
}

static void enum_list(const struct jd_enum *e, char *buf, size_t cap)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < e->n && o < cap; k++) {
		int w = snprintf(buf + o, cap - o, "%s%s", k ? ", " : "", e->values[k]);
		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* hundredths: "100", "12.5", "0.05". */
static const char *hundredths(int64_t v, char *buf)
{
	size_t n;

	points_format(v, buf);
	n = strlen(buf);
	if (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '0')
		buf[n -= 2] = '\0';
	return buf;
}

/* expected: what a field of type f takes, for "expected X, got Y". */
static const char *expected(const struct jd_field *f, char *buf, size_t cap)
{
	char lo[POINTS_FMT_MAX], hi[POINTS_FMT_MAX];

	switch (f->type) {
	case JD_STRING: return "a string";
	case JD_ENUM:
		if (f->u.enm->n == 1) {
			snprintf(buf, cap, "\"%s\"", f->u.enm->values[0]);
			return buf;
		}
		memcpy(buf, "one of ", 8);
		enum_list(f->u.enm, buf + 7, cap - 7);
		return buf;
	case JD_BOOL:
	case JD_TRI: return "true or false";
	case JD_INT:
		return f->u.range.min == 0 ? "a non-negative integer" : "an integer";
	case JD_DATE: return "a date \"YYYY-MM-DD\"";
	case JD_MONTH: return "a month \"YYYY-MM\"";
	case JD_MONTH_OR_PRESENT: return "a month \"YYYY-MM\" or \"present\"";
	case JD_DECIMAL:
		snprintf(buf, cap, "a number from %s to %s with at most 2 decimal places",
			 hundredths(f->u.range.min, lo), hundredths(f->u.range.max, hi));
		return buf;
	case JD_OBJECT: return "an object";
	case JD_ARRAY: return "an array of objects";
	case JD_STRINGS: return "an array of strings";
	case JD_SCORES: return f->u.map->what;
	}
	return "a value";
}

static unsigned fail_type(struct ctx *c, unsigned i, const struct jd_field *f)
{
	char want[400], have[SHOW_MAX + 8];

	return fail(c, json_tok_off(c->doc, i), "expected %s, got %s",
		    expected(f, want, sizeof want), got(c, i, have, sizeof have));
}

/* ---- the JSON grammar, checked on the way ------------------------------ */

/* syntax: the grammar error je; with the path being decoded when that
 * names the field whose value is malformed (a bad number, string or
 * literal, or nothing after its ':'), else without one. */
static bool syntax(struct ctx *c, const struct json_error *je, bool in_value)
{
	c->rc = JD_ESYNTAX;
	c->err->off = je->off;
	if (in_value)
		render_path(c, c->err->path, sizeof c->err->path);
	else
		c->err->path[0] = '\0';
	snprintf(c->err->reason, sizeof c->err->reason, "%s", je->reason);
	return false;
}

/* visit: check token i, in place g of a container whose closing bracket is
 * at close, and the text before it; then it may be read. */
static inline __attribute__((always_inline)) bool
visit(struct ctx *c, unsigned i, enum json_gap g, size_t close)
{
	struct json_error je;
	const json_tok *t;

	bool key = g == JSON_GAP_OBJ_FIRST || g == JSON_GAP_OBJ_KEY;

	if (i >= c->doc->ntoks) {
		json_missing(c->doc, c->pos, close, g, &je);
		return syntax(c, &je, g == JSON_GAP_OBJ_VALUE);
	}
	if (c->doc->checked) /* json_parse or json_scan_value checked it all */
		return true;
	t = &c->doc->toks[i];
	if (!json_gap_ok(c->doc, c->pos, json_tok_off(c->doc, i), g, &je))
		return syntax(c, &je, g == JSON_GAP_OBJ_VALUE);
	if (!json_token_ok(c->doc, i, &je))
		return syntax(c, &je, !key && g != JSON_GAP_TOP);
	if (key && t->type != JSMN_STRING) {
		je.off = (size_t)t->start;
		snprintf(je.reason, sizeof je.reason, "expected a string key");
		return syntax(c, &je, false);
	}
	if (t->type == JSMN_OBJECT || t->type == JSMN_ARRAY)
		c->pos = (size_t)t->start + 1;
	else
		c->pos = (size_t)t->end + (t->type == JSMN_STRING);
	return true;
}

/* leave: the text from the last child to container i's closing bracket. */
static bool leave(struct ctx *c, unsigned i, enum json_gap g)
{
	struct json_error je;
	size_t close = (size_t)c->doc->toks[i].end - 1;

	if (c->doc->checked)
		return true;
	if (!json_gap_ok(c->doc, c->pos, close, g, &je))
		return syntax(c, &je, false);
	c->pos = close + 1;
	return true;
}

/* ---- storing ----------------------------------------------------------- */

static void put(char *base, int32_t off, const void *v, size_t n)
{
	if (off != JD_NONE)
		memcpy(base + off, v, n);
}

static void put_flag(char *base, int32_t off)
{
	bool t = true;

	put(base, off, &t, sizeof t);
}

static void put_pos(struct ctx *c, char *base, int32_t off, size_t at)
{
	uint32_t lc[2];

	if (off == JD_NONE)
		return;
	json_cursor_at(c->cur, at, &lc[0], &lc[1]);
	memcpy(base + off, lc, sizeof lc);
}

/* ---- scalars ----------------------------------------------------------- */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* zeros_trimmed: the length of number s[0..n) (valid JSON) without the
 * zeros that end its fraction, and without the point when only zeros
 * followed it: 4.0 is 4 and 15.50000 is 15.5, as serializers often write
 * them.  A number with an exponent is left as it is. */
static size_t zeros_trimmed(const char *s, size_t n)
{
	if (!memchr(s, '.', n) || memchr(s, 'e', n) || memchr(s, 'E', n))
		return n;
	while (s[n - 1] == '0')
		n--;
	return s[n - 1] == '.' ? n - 1 : n;
}

/* plain: number s[0..n) (valid JSON, with an exponent) written without
 * it, in buf: 1e1 is 10, 2.5e-1 is 0.25; NULL when that is long. */
static const char *plain(const char *s, size_t n, char *buf, size_t cap)
{
	char dig[SHOW_MAX];
	size_t i = s[0] == '-', nd = 0, o = 0;
	long p, e = 0;
	bool eneg;

	for (; i < n && (is_digit(s[i]) || s[i] == '.'); i++) {
		if (s[i] == '.')
			continue;
		if (nd == sizeof dig)
			return NULL;
		dig[nd++] = s[i];
	}
	p = (long)(memchr(s, '.', i) ? (size_t)((const char *)memchr(s, '.', i) - s) : i) -
	    (s[0] == '-');
	i++; /* the 'e' */
	eneg = i < n && s[i] == '-';
	i += i < n && (s[i] == '-' || s[i] == '+');
	for (; i < n; i++)
		if ((e = e * 10 + (s[i] - '0')) > SHOW_MAX)
			return NULL;
	p += eneg ? -e : e;
	while (nd && dig[nd - 1] == '0') /* (zeros at the end: the padding below) */
		nd--;
	while (nd && dig[0] == '0') {
		memmove(dig, dig + 1, --nd);
		p--;
	}
	if (4 + (p < 0 ? (size_t)-p : 0) + nd + (p > (long)nd ? (size_t)p - nd : 0) > cap)
		return NULL;
	if (s[0] == '-' && nd)
		buf[o++] = '-';
	if (!nd) {
		buf[o++] = '0';
	} else if (p <= 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (; p < 0; p++)
			buf[o++] = '0';
		memcpy(buf + o, dig, nd);
		o += nd;
	} else if ((size_t)p >= nd) {
		memcpy(buf + o, dig, nd);
		o += nd;
		for (; (size_t)p > nd; p--)
			buf[o++] = '0';
	} else {
		memcpy(buf + o, dig, (size_t)p);
		o += (size_t)p;
		buf[o++] = '.';
		memcpy(buf + o, dig + p, nd - (size_t)p);
		o += nd - (size_t)p;
	}
	buf[o] = '\0';
	return buf;
}

/* fail_exponent: number token i has an exponent, which want (a number)
 * must be written without: say how to write it. */
static unsigned fail_exponent(struct ctx *c, unsigned i, const char *want)
{
	char have[SHOW_MAX + 8], fix[2 * SHOW_MAX + 8];
	size_t n;
	const char *s = json_raw(c->doc, i, &n), *p = plain(s, n, fix, sizeof fix);

	got(c, i, have, sizeof have);
	if (p && (size_t)show_len(s, n) == n)
		return fail(c, json_tok_off(c->doc, i),
			    "expected %s written without an exponent: write %s, not %s", want, p,
			    have);
	return fail(c, json_tok_off(c->doc, i), "expected %s written without an exponent, got %s",
		    want, have);
}

static unsigned fail_int(struct ctx *c, unsigned i, const struct jd_field *f,
			 enum json_num_rc rc, int64_t v)
{
	char buf[64], have[SHOW_MAX + 8];
	size_t at = json_tok_off(c->doc, i);
	const char *want = expected(f, buf, sizeof buf);

	got(c, i, have, sizeof have);
	if (rc == JSON_NUM_EXPONENT)
		return fail_exponent(c, i, want);
	if (rc == JSON_NUM_RANGE)
		return fail(c, at, "expected %s, got %s (too large)", want, have);
	if (rc == JSON_NUM_OK && v > f->u.range.max)
		return fail(c, at, "expected %s of at most %" PRId64 ", got %s", want,
			    f->u.range.max, have);
	return fail(c, at, "expected %s, got %s", want, have);
}

/* nul_at: where the \u0000 of string token i is (at its backslash). */
static size_t nul_at(const struct ctx *c, unsigned i)
{
	size_t n;
	const char *s = json_raw(c->doc, i, &n);

	for (size_t k = 0; k + 5 < n; k++) {
		if (s[k] != '\\')
			continue;
		if (memcmp(s + k + 1, "u0000", 5) == 0)
			return (size_t)c->doc->toks[i].start + k;
		k++; /* past the escaped character (a backslash too) */
	}
	return json_tok_off(c->doc, i);
}

static unsigned dec_string(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	const char *s;

	if (c->doc->toks[i].type != JSMN_STRING)
		return fail_type(c, i, f);
	switch (json_str_dup(c->doc, i, c->a, &s, NULL)) {
	case JSON_STR_OK: break;
	case JSON_STR_NUL:
		return fail(c, nul_at(c, i), "a string must not contain \\u0000");
	default: return fail_nomem(c, json_tok_off(c->doc, i));
	}
	put(base, f->off, &s, sizeof s);
	return i + 1;
}

/* match_enum: the schema's constant equal to string token i, or NULL. */
static const char *match_enum(const struct ctx *c, unsigned i, const struct jd_enum *e)
{
	size_t n;
	const char *raw = json_raw(c->doc, i, &n);

	if (json_str_has_escapes(c->doc, i)) {
		for (unsigned k = 0; k < e->n; k++)
			if (json_str_eq(c->doc, i, e->values[k], strlen(e->values[k])))
				return e->values[k];
		return NULL;
	}
	for (unsigned k = 0; k < e->n; k++) {
		const char *v = e->values[k];
		if (v[0] == raw[0] && strncmp(v, raw, n) == 0 && v[n] == '\0')
			return v;
	}
	return NULL;
}

static unsigned fail_enum(struct ctx *c, unsigned i, const struct jd_enum *e)
{
	char have[SHOW_MAX + 8], list[400];

	got(c, i, have, sizeof have);
	if (e->n == 1)
		return fail(c, json_tok_off(c->doc, i), "expected \"%s\", got %s", e->values[0],
			    have);
	enum_list(e, list, sizeof list);
	return fail(c, json_tok_off(c->doc, i), "%s is not one of %s", have, list);
}

static unsigned dec_enum(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	const char *v;

	if (c->doc->toks[i].type != JSMN_STRING)
		return fail_type(c, i, f);
	v = match_enum(c, i, f->u.enm);
	if (!v)
		return fail_enum(c, i, f->u.enm);
	put(base, f->off, &v, sizeof v);
	return i + 1;
}

static unsigned dec_bool(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	bool b;
	int tri;

	if (!json_bool(c->doc, i, &b))
		return fail_type(c, i, f);
	if (f->type == JD_BOOL) {
		put(base, f->off, &b, sizeof b);
	} else {
		tri = b ? 2 : 1;
		put(base, f->off, &tri, sizeof tri);
	}
	return i + 1;
}

static unsigned dec_int(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	size_t n;
	const char *s;
	enum json_num_rc rc;
	int64_t v = 0;

	if (!json_is_number(c->doc, i))
		return fail_type(c, i, f);
	s = json_raw(c->doc, i, &n);
	rc = json_int(s, zeros_trimmed(s, n), &v);
	if (rc != JSON_NUM_OK || v < f->u.range.min || v > f->u.range.max)
		return fail_int(c, i, f, rc, v);
	put(base, f->off, &v, sizeof v);
	return i + 1;
}

/* check_decimal: number token i as hundredths within [min, max]. */
static bool check_decimal(struct ctx *c, unsigned i, int64_t min, int64_t max, int64_t *out)
{
	size_t n;
	const char *s = json_raw(c->doc, i, &n);
	enum json_num_rc rc = json_decimal(s, zeros_trimmed(s, n), out);
	char lo[POINTS_FMT_MAX], hi[POINTS_FMT_MAX], have[SHOW_MAX + 8];
	size_t at;

	if (rc == JSON_NUM_OK && *out >= min && *out <= max)
		return true;
	at = json_tok_off(c->doc, i);
	got(c, i, have, sizeof have);
	if (rc == JSON_NUM_EXPONENT)
		fail_exponent(c, i, "a number");
	else if (rc == JSON_NUM_FRACTION)
		fail(c, at, "expected a number with at most 2 decimal places, got %s", have);
	else
		fail(c, at, "expected a number from %s to %s, got %s", hundredths(min, lo),
		     hundredths(max, hi), have);
	return false;
}

static unsigned dec_decimal(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	int64_t v;

	if (!json_is_number(c->doc, i))
		return fail_type(c, i, f);
	if (!check_decimal(c, i, f->u.range.min, f->u.range.max, &v))
		return 0;
	put(base, f->off, &v, sizeof v);
	return i + 1;
}

/* dec_when: dates, months, month-or-present. */
static unsigned dec_when(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	char buf[16], have[SHOW_MAX + 8], because[DATE_WHY_MAX];
	const char *why;
	size_t n = 0;
	int32_t v;
	bool ok;

	if (c->doc->toks[i].type != JSMN_STRING)
		return fail_type(c, i, f);
	if (json_str_copy(c->doc, i, buf, sizeof buf, &n) != JSON_STR_OK)
		n = 0;
	if (f->type == JD_MONTH_OR_PRESENT && n == 7 && memcmp(buf, "present", 7) == 0) {
		put_flag(base, f->n_off);
		return i + 1;
	}
	ok = f->type == JD_DATE ? date_parse(buf, n, &v) : month_parse(buf, n, &v);
	if (!ok && (why = date_why_not(buf, n, f->type == JD_DATE, because, sizeof because)))
		return fail(c, json_tok_off(c->doc, i), "%s is not a %s: %s",
			    got(c, i, have, sizeof have), f->type == JD_DATE ? "date" : "month",
			    why);
	if (!ok && f->type == JD_DATE && date_as_meant(buf, n, because))
		return fail(c, json_tok_off(c->doc, i), "%s is not a date in the form "
			    "YYYY-MM-DD: write \"%s\"", got(c, i, have, sizeof have), because);
	if (!ok)
		return fail(c, json_tok_off(c->doc, i), "%s is not a %s (expected %s)",
			    got(c, i, have, sizeof have), f->type == JD_DATE ? "date" : "month",
			    f->type == JD_DATE ? "YYYY-MM-DD"
			    : f->type == JD_MONTH ? "YYYY-MM" : "YYYY-MM or \"present\"");
	put(base, f->off, &v, sizeof v);
	return i + 1;
}

/* ---- containers -------------------------------------------------------- */

static unsigned dec_array(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	const json_tok *t = &c->doc->toks[i];
	const struct jd_schema *s = f->u.schema;
	size_t n = (size_t)t->size;
	char *arr = NULL;
	unsigned j = i + 1;

	if (t->type != JSMN_ARRAY)
		return fail_type(c, i, f);
	if (n && !(arr = arena_array(c->a, n, s->size)))
		return fail_nomem(c, json_tok_off(c->doc, i));
	for (size_t k = 0; k < n; k++) {
		if (!visit(c, j, k ? JSON_GAP_ARR_NEXT : JSON_GAP_ARR_FIRST, (size_t)t->end - 1))
			return 0;
		push_index(c, k);
		if (c->doc->toks[j].type != JSMN_OBJECT) {
			char have[SHOW_MAX + 8];
			return fail(c, json_tok_off(c->doc, j), "expected an object, got %s",
				    got(c, j, have, sizeof have));
		}
		j = dec_object(c, j, s, arr + k * s->size);
		if (!j)
			return 0;
		pop(c);
	}
	if (!leave(c, i, JSON_GAP_ARR_CLOSE))
		return 0;
	put(base, f->off, &arr, sizeof arr);
	put(base, f->n_off, &n, sizeof n);
	return j;
}

static unsigned dec_strings(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	const json_tok *t = &c->doc->toks[i];
	struct jd_field elem = { .type = JD_STRING, .off = 0, .has_off = JD_NONE,
				 .pos_off = JD_NONE, .n_off = JD_NONE };
	size_t n = (size_t)t->size;
	const char **arr = NULL;

	if (t->type != JSMN_ARRAY)
		return fail_type(c, i, f);
	if (f->u.enm) {
		elem.type = JD_ENUM;
		elem.u.enm = f->u.enm;
	}
	if (n && !(arr = arena_array(c->a, n, sizeof *arr)))
		return fail_nomem(c, json_tok_off(c->doc, i));
	for (size_t k = 0; k < n; k++) {
		unsigned j = i + 1 + (unsigned)k;
		if (!visit(c, j, k ? JSON_GAP_ARR_NEXT : JSON_GAP_ARR_FIRST, (size_t)t->end - 1))
			return 0;
		push_index(c, k);
		if (!(elem.type == JD_ENUM ? dec_enum : dec_string)(c, j, &elem, (char *)&arr[k]))
			return 0;
		pop(c);
	}
	if (!leave(c, i, JSON_GAP_ARR_CLOSE))
		return 0;
	put(base, f->off, &arr, sizeof arr);
	put(base, f->n_off, &n, sizeof n);
	return i + 1 + (unsigned)n;
}

/* dup_key: the key token of the map at token i, before token j, equal to
 * key[0..n) once decoded; 0 when none is.  Every key counts, null's too. */
static unsigned dup_key(const struct ctx *c, unsigned i, unsigned j, const char *key, size_t n)
{
	for (unsigned p = i + 1; p < j; p += 2)
		if (json_str_eq(c->doc, p, key, n))
			return p;
	return 0;
}

static unsigned dec_scores(struct ctx *c, unsigned i, const struct jd_field *f, char *base)
{
	const json_tok *t = &c->doc->toks[i];
	const struct jd_map *m = f->u.map;
	size_t n = (size_t)t->size, k = 0, kn;
	char *arr = NULL;
	unsigned j = i + 1, first;

	if (t->type != JSMN_OBJECT)
		return fail_type(c, i, f);
	if (n > m->max_entries)
		return fail(c, (size_t)t->start, "expected at most %u entries, got %zu",
			    m->max_entries, n);
	if (n && !(arr = arena_array(c->a, n, m->size)))
		return fail_nomem(c, (size_t)t->start);
	for (; j < i + 1 + 2 * n; j += 2) {
		char *e = arr + k * m->size;
		const char *key;
		int64_t v;
		if (!visit(c, j, j > i + 1 ? JSON_GAP_OBJ_KEY : JSON_GAP_OBJ_FIRST,
			   (size_t)t->end - 1))
			return 0;
		switch (json_str_dup(c->doc, j, c->a, &key, &kn)) {
		case JSON_STR_OK: break;
		case JSON_STR_NUL:
			return fail(c, nul_at(c, j), "a key must not contain \\u0000");
		default: return fail_nomem(c, json_tok_off(c->doc, j));
		}
		push_name(c, key, kn);
		if ((first = dup_key(c, i, j, key, kn))) {
			uint32_t line, col;
			json_cursor_at(c->cur, json_tok_off(c->doc, first), &line, &col);
			return fail(c, json_tok_off(c->doc, j),
				    "duplicate key (first given at line %" PRIu32 ", column %" PRIu32
				    ")", line, col);
		}
		if (!visit(c, j + 1, JSON_GAP_OBJ_VALUE, (size_t)t->end - 1))
			return 0;
		if (json_is_null(c->doc, j + 1)) {
			pop(c);
			continue;
		}
		if (!json_is_number(c->doc, j + 1)) {
			char have[SHOW_MAX + 8];
			return fail(c, json_tok_off(c->doc, j + 1), "expected a number, got %s",
				    got(c, j + 1, have, sizeof have));
		}
		if (!check_decimal(c, j + 1, m->min, m->max, &v))
			return 0;
		memcpy(e + m->key_off, &key, sizeof key);
		memcpy(e + m->val_off, &v, sizeof v);
		put_pos(c, e, m->pos_off, json_tok_off(c->doc, j));
		put_pos(c, e, m->vpos_off, json_tok_off(c->doc, j + 1));
		k++;
		pop(c);
	}
	if (!leave(c, i, JSON_GAP_OBJ_CLOSE))
		return 0;
	put(base, f->off, &arr, sizeof arr);
	put(base, f->n_off, &k, sizeof k);
	return j;
}

static unsigned dec_value(struct ctx *c, unsigned i, const struct jd_field *f, char *base,
			  size_t close)
{
	unsigned next = 0;

	if (!visit(c, i, JSON_GAP_OBJ_VALUE, close))
		return 0;
	if (json_is_null(c->doc, i)) {
		if (f->flags & JD_REQUIRED)
			return fail_type(c, i, f);
		return i + 1;
	}
	switch (f->type) {
	case JD_STRING: next = dec_string(c, i, f, base); break;
	case JD_ENUM: next = dec_enum(c, i, f, base); break;
	case JD_BOOL:
	case JD_TRI: next = dec_bool(c, i, f, base); break;
	case JD_INT: next = dec_int(c, i, f, base); break;
	case JD_DATE:
	case JD_MONTH:
	case JD_MONTH_OR_PRESENT: next = dec_when(c, i, f, base); break;
	case JD_DECIMAL: next = dec_decimal(c, i, f, base); break;
	case JD_OBJECT:
		if (c->doc->toks[i].type != JSMN_OBJECT)
			return fail_type(c, i, f);
		next = dec_object(c, i, f->u.schema, base + (f->off == JD_NONE ? 0 : f->off));
		break;
	case JD_ARRAY: next = dec_array(c, i, f, base); break;
	case JD_STRINGS: next = dec_strings(c, i, f, base); break;
	case JD_SCORES: next = dec_scores(c, i, f, base); break;
	}
	if (next) {
		put_flag(base, f->has_off);
		put_pos(c, base, f->pos_off, json_tok_off(c->doc, i));
	}
	return next;
}

/* ---- objects ----------------------------------------------------------- */

/* name_eq: a[0..n) == b[0..n), without a call for short names. */
static inline bool name_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;

	if (n < 8 || n > 16)
		return memcmp(a, b, n) == 0;
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	memcpy(&u, a + n - 8, 8);
	memcpy(&v, b + n - 8, 8);
	return ((x ^ y) | (u ^ v)) == 0;
}

/* lookup: the field named key[0..n); tries *hint (the field after the last
 * one found) first, as documents usually follow the schema's order. */
static int lookup(const struct jd_schema *s, const char *key, size_t n, unsigned *hint)
{
	const struct jd_field *f;

	if (*hint < s->nfields) {
		f = &s->fields[*hint];
		if (f->namelen == n && name_eq(f->name, key, n))
			return (int)(*hint)++;
	}
	/* From the hint on, wrapping: an absent optional field costs one step. */
	for (unsigned k = 1, at = *hint; k <= s->nfields; k++) {
		if (++at >= s->nfields)
			at -= s->nfields;
		f = &s->fields[at];
		if (f->namelen == n && f->name[0] == key[0] && name_eq(f->name, key, n)) {
			*hint = at + 1;
			return (int)at;
		}
	}
	return -1;
}

unsigned jd_edit_distance(const char *a, size_t an, const char *b, size_t bn, unsigned cap)
{
	unsigned rows[3][EDIT_MAX + 1];
	unsigned *pp, *p, *cur, *t;

	if ((an > bn ? an - bn : bn - an) > cap)
		return cap + 1;
	if (an > EDIT_MAX || bn > EDIT_MAX)
		return cap + 1;
	for (size_t y = 0; y <= bn; y++)
		rows[1][y] = (unsigned)y;
	pp = rows[0];
	p = rows[1];
	cur = rows[2];
	for (size_t x = 1; x <= an; x++) {
		unsigned best;
		cur[0] = (unsigned)x;
		best = cur[0];
		for (size_t y = 1; y <= bn; y++) {
			unsigned cost = a[x - 1] != b[y - 1];
			unsigned v = p[y] + 1;
			if (cur[y - 1] + 1 < v)
				v = cur[y - 1] + 1;
			if (p[y - 1] + cost < v)
				v = p[y - 1] + cost;
			if (x > 1 && y > 1 && a[x - 1] == b[y - 2] && a[x - 2] == b[y - 1] &&
			    pp[y - 2] + 1 < v)
				v = pp[y - 2] + 1;
			cur[y] = v;
			if (v < best)
				best = v;
		}
		if (best > cap)
			return cap + 1;
		t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[bn] > cap ? cap + 1 : p[bn];
}

static unsigned fail_unknown(struct ctx *c, unsigned key, const struct jd_schema *s,
			     const char *name, size_t n)
{
	unsigned best = 3, d;
	const char *hint = NULL;

	for (unsigned k = 0; k < s->nfields; k++) {
		const struct jd_field *f = &s->fields[k];
		d = jd_edit_distance(name, n, f->name, f->namelen, 2);
		if (d < best && d < f->namelen) {
			best = d;
			hint = f->name;
		}
	}
	push_name(c, name, n);
	if (hint)
		return fail(c, json_tok_off(c->doc, key), "unknown field (did you mean \"%s\"?)",
			    hint);
	return fail(c, json_tok_off(c->doc, key), "unknown field");
}

static unsigned fail_duplicate(struct ctx *c, unsigned key, unsigned first, const char *name,
			       size_t n)
{
	uint32_t line, col;

	json_cursor_at(c->cur, json_tok_off(c->doc, first), &line, &col);
	push_name(c, name, n);
	return fail(c, json_tok_off(c->doc, key),
		    "duplicate field (first given at line %" PRIu32 ", column %" PRIu32 ")",
		    line, col);
}

/* find_field: the field for key token j, or -1 after reporting it. */
static int find_field(struct ctx *c, unsigned j, const struct jd_schema *s, unsigned *hint)
{
	char buf[EDIT_MAX + 1];
	size_t n;
	const char *key = json_raw(c->doc, j, &n);
	int fi;

	if (json_str_has_escapes(c->doc, j)) {
		if (json_str_copy(c->doc, j, buf, sizeof buf, &n) != JSON_STR_OK) {
			fail_unknown(c, j, s, key, n);
			return -1;
		}
		key = buf;
	}
	fi = n ? lookup(s, key, n, hint) : -1;
	if (fi < 0)
		fail_unknown(c, j, s, key, n);
	return fi;
}

static unsigned check_object(struct ctx *c, unsigned i, const struct jd_schema *s,
			     const char *base, uint64_t seen, const unsigned *keys)
{
	char buf[400];
	const char *blame = NULL, *why;
	size_t at = json_tok_off(c->doc, i);

	/* Required fields come first in a schema. */
	for (unsigned k = 0; k < s->nfields && (s->fields[k].flags & JD_REQUIRED); k++) {
		const struct jd_field *f = &s->fields[k];
		char want[400];
		if (seen >> k & 1)
			continue;
		push_name(c, f->name, f->namelen);
		return fail(c, at, "required field is missing (expected %s)",
			    expected(f, want, sizeof want));
	}
	if (!s->check || !(why = s->check(base, buf, sizeof buf, &blame)))
		return 1;
	for (unsigned k = 0; blame && k < s->nfields; k++) {
		if (strcmp(s->fields[k].name, blame) != 0 || !(seen >> k & 1))
			continue;
		push_name(c, s->fields[k].name, s->fields[k].namelen);
		at = json_tok_off(c->doc, keys[k] + 1);
		break;
	}
	return fail(c, at, "%s", why);
}

static unsigned dec_object(struct ctx *c, unsigned i, const struct jd_schema *s, char *base)
{
	const json_tok *t = &c->doc->toks[i];
	size_t close = (size_t)t->end - 1;
	unsigned keys[JD_MAX_FIELDS];
	unsigned j = i + 1, hint = 0;
	uint64_t seen = 0;
	int fi;

	assert(s->nfields <= JD_MAX_FIELDS); /* `seen` is a 64-bit mask */
	put_pos(c, base, s->pos_off, (size_t)t->start);
	for (int k = 0; k < t->size; k++) {
		const struct jd_field *f;
		if (!visit(c, j, k ? JSON_GAP_OBJ_KEY : JSON_GAP_OBJ_FIRST, close))
			return 0;
		fi = find_field(c, j, s, &hint);
		if (fi < 0)
			return 0;
		f = &s->fields[fi];
		if (seen >> fi & 1)
			return fail_duplicate(c, j, keys[fi], f->name, f->namelen);
		seen |= (uint64_t)1 << fi;
		keys[fi] = j;
		push_name(c, f->name, f->namelen);
		j = dec_value(c, j + 1, f, base, close);
		if (!j)
			return 0;
		pop(c);
	}
	if (!leave(c, i, JSON_GAP_OBJ_CLOSE) || !check_object(c, i, s, base, seen, keys))
		return 0;
	return j;
}

enum jd_rc jd_decode(struct json_doc *doc, const struct jd_schema *schema, void *target,
		     struct arena *a, struct json_cursor *cur, struct jd_error *err)
{
	struct ctx c = { .doc = doc, .a = a, .cur = cur, .err = err, .rc = JD_OK };
	struct json_error je;
	char have[SHOW_MAX + 8];
	unsigned next;

	memset(target, 0, schema->size);
	err->off = 0;
	err->path[0] = err->reason[0] = '\0';
	if (!visit(&c, 0, JSON_GAP_TOP, doc->len))
		return c.rc;
	if (doc->toks[0].type != JSMN_OBJECT) {
		fail(&c, json_tok_off(doc, 0), "expected an object, got %s",
		     got(&c, 0, have, sizeof have));
		return c.rc;
	}
	next = dec_object(&c, 0, schema, target);
	if (!next)
		return c.rc;
	if (next < doc->ntoks) {
		je.off = json_tok_off(doc, next);
		snprintf(je.reason, sizeof je.reason, "unexpected text after the JSON value");
		syntax(&c, &je, false);
	} else if (!doc->checked && !json_gap_ok(doc, c.pos, doc->len, JSON_GAP_TRAIL, &je)) {
		syntax(&c, &je, false);
	}
	return c.rc;
}
