/* json.c - see json.h.  The one file that compiles jsmn. */
#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#include "json.h"
#include "strbuf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FIRST_TOKENS 256u

void json_parser_init(struct json_parser *p, unsigned max_tokens)
{
	p->toks = NULL;
	p->alloc = 0;
	p->max = max_tokens ? max_tokens : JSON_MAX_TOKENS;
}

void json_parser_release(struct json_parser *p)
{
	free(p->toks);
	p->toks = NULL;
	p->alloc = 0;
}

/* grow: double the token array up to the cap. */
static enum json_rc grow(struct json_parser *p)
{
	unsigned want;
	json_tok *t;

	if (p->alloc >= p->max)
		return JSON_ELIMIT;
	want = p->alloc ? p->alloc * 2 : JSON_FIRST_TOKENS;
	if (want > p->max || want < p->alloc)
		want = p->max;
	t = realloc(p->toks, (size_t)want * sizeof *t);
	if (!t)
		return JSON_ENOMEM;
	p->toks = t;
	p->alloc = want;
	return JSON_OK;
}

/* ---- messages ---------------------------------------------------------- */

static void set_err(struct json_error *err, size_t off, const char *reason)
{
	err->off = off;
	snprintf(err->reason, sizeof err->reason, "%s", reason);
}

/* describe: how to show the byte at text[off] in a message. */
static void describe(const char *text, size_t len, size_t off, char *buf, size_t cap)
{
	unsigned char c;

	if (off >= len) {
		snprintf(buf, cap, "the end of the input");
		return;
	}
	c = (unsigned char)text[off];
	if (c > 0x20 && c < 0x7f)
		snprintf(buf, cap, "'%c'", c);
	else if (c == '\n')
		snprintf(buf, cap, "a line break");
	else
		snprintf(buf, cap, "byte 0x%02X", c);
}

static void set_err_char(struct json_error *err, const char *text, size_t len, size_t off)
{
	char c[32];

	describe(text, len, off, c, sizeof c);
	err->off = off;
	snprintf(err->reason, sizeof err->reason, "unexpected character %s", c);
}

static void set_err_got(struct json_error *err, const char *text, size_t len, size_t off,
			const char *expected)
{
	char got[32];

	describe(text, len, off, got, sizeof got);
	err->off = off;
	snprintf(err->reason, sizeof err->reason, "%s, got %s", expected, got);
}

/* The reason json_str_check gives for a backslash followed by a character
 * that is not an escape; set_err_escape names the character. */
static const char JSON_BAD_ESCAPE[] = "invalid escape in a string";

/* set_err_escape: the escape at text[off] (a backslash, not followed by 'u')
 * is not one: name it and list the ones there are. */
static void set_err_escape(struct json_error *err, const char *text, size_t len, size_t off)
{
	static const char list[] = "the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX";
	unsigned char c = off + 1 < len ? (unsigned char)text[off + 1] : 0;

	err->off = off;
	if (c > 0x20 && c < 0x7f) {
		snprintf(err->reason, sizeof err->reason, "invalid escape '\\%c'; %s", c, list);
	} else {
		char what[24];
		describe(text, len, off + 1, what, sizeof what);
		snprintf(err->reason, sizeof err->reason, "'\\' then %s is no escape; %s", what,
			 list);
	}
}

/* ---- strings ----------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* hex4: the code unit of "\uXXXX" at s[i] (s[i] is the backslash), or -1. */
static long hex4(const char *s, size_t n, size_t i)
{
	long v = 0;

	if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (size_t k = i + 2; k < i + 6; k++) {
		int h = hexval(s[k]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/* escape_cp: decode the escape at s[*i] (a backslash) to a code point and
 * advance *i past it; -1 when malformed or a lone surrogate. */
static long escape_cp(const char *s, size_t n, size_t *i)
{
	long hi, lo;

	if (n - *i < 2)
		return -1;
	switch (s[*i + 1]) {
	case '"': *i += 2; return '"';
	case '\\': *i += 2; return '\\';
	case '/': *i += 2; return '/';
	case 'b': *i += 2; return '\b';
	case 'f': *i += 2; return '\f';
	case 'n': *i += 2; return '\n';
	case 'r': *i += 2; return '\r';
	case 't': *i += 2; return '\t';
	case 'u': break;
	default: return -1;
	}
	hi = hex4(s, n, *i);
	if (hi < 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
		return -1;
	if (hi < 0xD800 || hi > 0xDBFF) {
		*i += 6;
		return hi;
	}
	lo = hex4(s, n, *i + 6);
	if (lo < 0xDC00 || lo > 0xDFFF)
		return -1;
	*i += 12;
	return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
}

static size_t utf8_put(long cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

const char *json_str_check(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		unsigned char c;
		if (n - i >= 8 && json_plain8(s + i)) {
			i += 8;
			continue;
		}
		c = u[i];
		if (c >= 0x20 && c < 0x80 && c != '\\') {
			i++;
			continue;
		}
		*bad = i;
		if (c < 0x20)
			return "control character in a string (escape it, e.g. \\n)";
		if (c == '\\') {
			if (escape_cp(s, n, &i) < 0)
				return (i + 1 < n && s[i + 1] == 'u')
					? "invalid \\u escape or unpaired surrogate in a string"
					: JSON_BAD_ESCAPE;
			continue;
		}
		k = strbuf_utf8_len(s + i, n - i);
		if (!k)
			return "invalid UTF-8 in a string: save the file as UTF-8 (text saved "
			       "as GBK or Latin-1 must be converted)";
		i += k;
	}
	return NULL;
}

enum json_str_rc json_str_unescape(const char *s, size_t n, char *dst, size_t *len)
{
	size_t i = 0, o = 0;

	while (i < n) {
		const char *bs = memchr(s + i, '\\', n - i);
		size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
		long cp;

		memcpy(dst + o, s + i, run);
		o += run;
		i += run;
		if (i == n)
			break;
		cp = escape_cp(s, n, &i);
		if (cp < 0)
			return JSON_STR_BAD;
		if (cp == 0)
			return JSON_STR_NUL;
		o += utf8_put(cp, dst + o);
	}
	dst[o] = '\0';
	if (len)
		*len = o;
	return JSON_STR_OK;
}

bool json_str_eq(const struct json_doc *doc, unsigned i, const char *s, size_t n)
{
	size_t rn, r = 0, k = 0;
	const char *raw = json_raw(doc, i, &rn);

	if (!json_str_has_escapes(doc, i))
		return rn == n && memcmp(raw, s, n) == 0;
	while (r < rn) {
		char u[4];
		size_t un = 1;
		if (raw[r] == '\\') {
			long cp = escape_cp(raw, rn, &r);
			if (cp <= 0)
				return false;
			un = utf8_put(cp, u);
		} else {
			u[0] = raw[r++];
		}
		if (n - k < un || memcmp(s + k, u, un) != 0)
			return false;
		k += un;
	}
	return k == n;
}

enum json_str_rc json_str_dup(const struct json_doc *doc, unsigned i, struct arena *a,
			      const char **out, size_t *len)
{
	size_t n;
	const char *raw = json_raw(doc, i, &n);
	char *p;

	if (n == SIZE_MAX)
		return JSON_STR_SPACE;
	p = arena_alloc(a, n + 1);
	if (!p)
		return JSON_STR_SPACE;
	*out = p;
	if (!json_str_has_escapes(doc, i)) {
		memcpy(p, raw, n);
		p[n] = '\0';
		if (len)
			*len = n;
		return JSON_STR_OK;
	}
	return json_str_unescape(raw, n, p, len);
}

enum json_str_rc json_str_copy(const struct json_doc *doc, unsigned i, char *buf,
			       size_t cap, size_t *len)
{
	size_t n;
	const char *raw = json_raw(doc, i, &n);

	if (cap == 0 || n > cap - 1)
		return JSON_STR_SPACE;
	return json_str_unescape(raw, n, buf, len);
}

bool json_string_slow(const struct json_doc *d, json_tok *t, size_t i,
		      struct json_error *err)
{
	const char *s = d->text + t->start, *why;
	size_t n = (size_t)(t->end - t->start), bad;

	why = json_str_check(s + i, n - i, &bad);
	if (why == JSON_BAD_ESCAPE) {
		set_err_escape(err, d->text, d->len, (size_t)t->start + i + bad);
		return false;
	}
	if (why) {
		set_err(err, (size_t)t->start + i + bad, why);
		return false;
	}
	if (memchr(s + i, '\\', n - i))
		t->size = JSON_TOK_ESCAPED;
	return true;
}

/* ---- numbers and literals ---------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* number_scan: s[0..n) against the RFC 8259 number grammar; *frac gets the
 * digits after the point (0 without one), *exp whether there is an exponent. */
static bool number_scan(const char *s, size_t n, size_t *frac, bool *exp)
{
	size_t i = 0, dot;

	*frac = 0;
	*exp = false;
	if (i < n && s[i] == '-')
		i++;
	if (i == n)
		return false;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		while (i < n && is_digit(s[i]))
			i++;
	else
		return false;
	if (i < n && s[i] == '.') {
		dot = ++i;
		while (i < n && is_digit(s[i]))
			i++;
		if (i == dot)
			return false;
		*frac = i - dot;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		*exp = true;
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !is_digit(s[i]))
			return false;
		while (i < n && is_digit(s[i]))
			i++;
	}
	return i == n;
}

bool json_number_valid(const char *s, size_t n)
{
	size_t frac;
	bool exp;

	return number_scan(s, n, &frac, &exp);
}

enum json_num_rc json_int(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i = 0, frac;
	bool neg, exp;

	if (!number_scan(s, n, &frac, &exp))
		return JSON_NUM_NOT_NUMBER;
	if (exp)
		return JSON_NUM_EXPONENT;
	if (frac)
		return JSON_NUM_FRACTION;
	neg = s[0] == '-';
	if (neg)
		i++;
	/* Accumulate negatively so INT64_MIN fits. */
	for (; i < n; i++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_sub_overflow(v, s[i] - '0', &v))
			return JSON_NUM_RANGE;
	if (!neg && v == INT64_MIN)
		return JSON_NUM_RANGE;
	*out = neg ? v : -v;
	return JSON_NUM_OK;
}

enum json_num_rc json_decimal(const char *s, size_t n, points_t *out)
{
	size_t frac;
	bool exp;

	if (!number_scan(s, n, &frac, &exp))
		return JSON_NUM_NOT_NUMBER;
	if (exp)
		return JSON_NUM_EXPONENT;
	if (frac > 2)
		return JSON_NUM_FRACTION;
	if (!points_parse(s, n, out))
		return JSON_NUM_RANGE;
	return JSON_NUM_OK;
}


unsigned json_skip(const struct json_doc *doc, unsigned i)
{
	const json_tok *t = &doc->toks[i];
	unsigned j = i + 1;

	if (t->type != JSMN_OBJECT && t->type != JSMN_ARRAY)
		return j;
	while (j < doc->ntoks && doc->toks[j].start < t->end)
		j++;
	return j;
}

/* ---- validation of what jsmn let through --------------------------------- */

static const char *gap_expected(enum json_gap ctx, bool seen_sep, char bad)
{
	switch (ctx) {
	case JSON_GAP_TOP: return "expected a JSON value";
	case JSON_GAP_TRAIL: return "unexpected text after the JSON value";
	case JSON_GAP_OBJ_FIRST: return "expected a string key or '}'";
	case JSON_GAP_OBJ_KEY:
		return seen_sep ? "expected a string key after ','"
				: "expected ',' or '}' after a value";
	case JSON_GAP_OBJ_VALUE:
		return seen_sep ? "expected a value after ':'" : "expected ':' after a key";
	case JSON_GAP_OBJ_CLOSE:
		return bad == ',' ? "trailing comma before '}'"
				  : "expected ',' or '}' after a value";
	case JSON_GAP_ARR_FIRST: return "expected a value or ']'";
	case JSON_GAP_ARR_NEXT:
		return seen_sep ? "expected a value after ','"
				: "expected ',' or ']' after a value";
	case JSON_GAP_ARR_CLOSE:
		return bad == ',' ? "trailing comma before ']'"
				  : "expected ',' or ']' after a value";
	}
	return "invalid JSON";
}

bool json_gap_slow(const struct json_doc *d, size_t from, size_t to, enum json_gap ctx,
		   struct json_error *err)
{
	char sep = json_gap_sep(ctx);
	bool seen = sep == 0;
	size_t i;

	if (from > to) {
		set_err_got(err, d->text, d->len, to, gap_expected(ctx, false, 0));
		return false;
	}
	for (i = from; i < to; i++) {
		char c = d->text[i];
		if (json_is_ws(c))
			continue;
		if (!seen && c == sep) {
			seen = true;
			continue;
		}
		break;
	}
	if (i == to && seen)
		return true;
	if ((ctx == JSON_GAP_OBJ_CLOSE || ctx == JSON_GAP_ARR_CLOSE) && d->text[i] == ',')
		set_err(err, i, gap_expected(ctx, seen, ','));
	else
		set_err_got(err, d->text, d->len, i, gap_expected(ctx, seen, d->text[i]));
	return false;
}

#define NUMBER_SHOWN 24 /* bytes of a bad number quoted in a message */

/* number_fix: what the number s[0..n) most likely meant, in buf, when one
 * slip makes it invalid: a leading '+' or '.', leading zeros, a point
 * without digits after it; *why gets the rule it breaks.  NULL when it
 * is none of these (or the fix is not a valid number either). */
static const char *number_fix(const char *s, size_t n, char *buf, size_t cap,
			      const char **why)
{
	const char *point = memchr(s, '.', n);
	size_t neg = n && s[0] == '-', o = 0, i = neg, dot = point ? (size_t)(point - s) : n;

	if (n > NUMBER_SHOWN || cap < NUMBER_SHOWN + 2)
		return NULL;
	if (neg)
		buf[o++] = '-';
	if (n && s[0] == '+') {
		*why = "a number must not start with '+'";
		i = 1;
	} else if (i < n && s[i] == '.') {
		*why = "a number must not start with '.'";
		buf[o++] = '0';
	} else if (i + 1 < n && s[i] == '0' && is_digit(s[i + 1])) {
		*why = "a number must not start with 0";
		while (i + 1 < n && s[i] == '0' && is_digit(s[i + 1]))
			i++;
	} else if (dot < n && (dot + 1 == n || !is_digit(s[dot + 1]))) {
		*why = "a decimal point must be followed by a digit";
		memcpy(buf + o, s + i, dot - i);
		o += dot - i;
		i = dot + 1;
	} else {
		return NULL;
	}
	memcpy(buf + o, s + i, n - i);
	o += n - i;
	buf[o] = '\0';
	return json_number_valid(buf, o) ? buf : NULL;
}

/* set_err_number: "invalid number '04': a number must not start with 0
 * (write 4)"; s[0..n) is the bad token. */
static void set_err_number(struct json_error *err, size_t off, const char *s, size_t n)
{
	int shown = n > NUMBER_SHOWN ? NUMBER_SHOWN : (int)n;
	const char *why = NULL, *fix;
	char buf[NUMBER_SHOWN + 2];

	err->off = off;
	fix = number_fix(s, n, buf, sizeof buf, &why);
	if (fix)
		snprintf(err->reason, sizeof err->reason, "invalid number '%.*s': %s (write %s)",
			 shown, s, why, fix);
	else
		snprintf(err->reason, sizeof err->reason, "invalid number '%.*s%s'", shown, s,
			 (size_t)shown < n ? "..." : "");
}

bool json_bad_primitive(const struct json_doc *d, const json_tok *t,
			struct json_error *err)
{
	const char *s = d->text + t->start;
	size_t n = (size_t)(t->end - t->start);
	int shown = n > 24 ? 24 : (int)n;

	err->off = (size_t)t->start;
	if (s[0] == 't' || s[0] == 'f' || s[0] == 'n')
		snprintf(err->reason, sizeof err->reason,
			 "invalid literal '%.*s%s' (expected true, false or null)", shown, s,
			 (size_t)shown < n ? "..." : "");
	else
		set_err_number(err, (size_t)t->start, s, n);
	return false;
}

/* What comes next inside a container (or the document), its separator, and
 * the state after it. */
static const unsigned char gap_next[] = {
	[JSON_GAP_TOP] = JSON_GAP_TRAIL, [JSON_GAP_TRAIL] = JSON_GAP_TRAIL,
	[JSON_GAP_OBJ_FIRST] = JSON_GAP_OBJ_VALUE, [JSON_GAP_OBJ_KEY] = JSON_GAP_OBJ_VALUE,
	[JSON_GAP_OBJ_VALUE] = JSON_GAP_OBJ_KEY, [JSON_GAP_OBJ_CLOSE] = JSON_GAP_OBJ_CLOSE,
	[JSON_GAP_ARR_FIRST] = JSON_GAP_ARR_NEXT, [JSON_GAP_ARR_NEXT] = JSON_GAP_ARR_NEXT,
	[JSON_GAP_ARR_CLOSE] = JSON_GAP_ARR_CLOSE,
};

struct frame {
	size_t close;      /* offset of the closing bracket */
	unsigned left;     /* tokens still to visit at this level */
	unsigned char ctx; /* enum json_gap of the next one */
};

void json_missing(const struct json_doc *d, size_t pos, size_t close, enum json_gap ctx,
		  struct json_error *err)
{
	if (json_gap_ok(d, pos, close, ctx, err))
		set_err_got(err, d->text, d->len, close, gap_expected(ctx, true, 0));
}

/* validate: walk the tokens in document order and check the text between
 * them against the JSON grammar, so the result does not depend on what
 * jsmn tolerates.  st[0] stands for the document, which holds one value. */
static bool validate(const struct json_doc *d, json_tok *toks, struct json_error *err)
{
	struct frame st[JSON_MAX_DEPTH + 1];
	unsigned depth = 1, i = 0;
	size_t pos = 0;

	st[0] = (struct frame){ d->len, 1, JSON_GAP_TOP };
	while (i < d->ntoks) {
		json_tok *t = &toks[i++];
		struct frame *f = &st[depth - 1];
		enum json_gap ctx = (enum json_gap)f->ctx;

		if (!json_gap_ok(d, pos, (size_t)t->start - (t->type == JSMN_STRING), ctx, err))
			return false;
		f->ctx = gap_next[ctx];
		f->left--;
		if (t->type == JSMN_STRING) {
			if (!json_check_string(d, t, err))
				return false;
			pos = (size_t)t->end + 1;
		} else if (ctx == JSON_GAP_OBJ_FIRST || ctx == JSON_GAP_OBJ_KEY) {
			set_err_got(err, d->text, d->len, (size_t)t->start, "expected a string key");
			return false;
		} else if (t->type == JSMN_PRIMITIVE) {
			if (!json_check_primitive(d, t, err))
				return false;
			pos = (size_t)t->end;
		} else {
			if (depth > JSON_MAX_DEPTH) {
				set_err(err, (size_t)t->start, "nested more than 64 levels deep");
				return false;
			}
			f = &st[depth++];
			f->close = (size_t)t->end - 1;
			f->left = (unsigned)t->size * (t->type == JSMN_OBJECT ? 2u : 1u);
			f->ctx = t->type == JSMN_OBJECT ? JSON_GAP_OBJ_FIRST : JSON_GAP_ARR_FIRST;
			pos = (size_t)t->start + 1;
		}
		/* Close the containers whose children have all been visited. */
		while (f->left == 0 && depth > 1) {
			bool obj = f->ctx == JSON_GAP_OBJ_KEY || f->ctx == JSON_GAP_OBJ_FIRST;
			if (!json_gap_ok(d, pos, f->close, obj ? JSON_GAP_OBJ_CLOSE : JSON_GAP_ARR_CLOSE, err))
				return false;
			pos = f->close + 1;
			f = &st[--depth - 1];
		}
		if (depth == 1)
			break;
	}
	if (depth > 1 || st[0].left) {
		json_missing(d, pos, st[depth - 1].close, (enum json_gap)st[depth - 1].ctx, err);
		return false;
	}
	if (i < d->ntoks) {
		set_err(err, json_tok_off(d, i), "unexpected text after the JSON value");
		return false;
	}
	return json_gap_ok(d, pos, d->len, JSON_GAP_TRAIL, err);
}

/* ---- jsmn errors ------------------------------------------------------- */

/* raw_control: the first raw control character inside a string before
 * text[upto], which jsmn accepts and which usually means a missing closing
 * quote: the real cause of an error jsmn reports later. */
static bool raw_control(const char *text, size_t upto, struct json_error *err)
{
	bool instr = false, esc = false;

	for (size_t i = 0; i < upto; i++) {
		unsigned char c = (unsigned char)text[i];
		if (instr && c < 0x20) {
			set_err(err, i, c == '\n' ? "line break inside a string (missing closing quote?)"
					   : "control character in a string (escape it, e.g. \\n)");
			return true;
		}
		if (esc)
			esc = false;
		else if (instr && c == '\\')
			esc = true;
		else if (c == '"')
			instr = !instr;
	}
	return false;
}

/* jsmn_invalid: explain a JSMN_ERROR_INVAL at text[pos]. */
static void jsmn_invalid(const char *text, size_t len, size_t pos, struct json_error *err)
{
	if (pos < len && text[pos] == '"') {
		for (size_t i = pos + 1; i < len && text[i] != '"'; i++) {
			if (text[i] != '\\')
				continue;
			if (escape_cp(text, len, &i) < 0) {
				if (i + 1 < len && text[i + 1] == 'u')
					set_err(err, i, "invalid \\u escape or unpaired surrogate "
						"in a string");
				else
					set_err_escape(err, text, len, i);
				return;
			}
			i--;
		}
		set_err(err, pos, "invalid string");
		return;
	}
	/* A primitive with a bad byte: point at the byte. */
	size_t end = pos;
	for (; end < len && !strchr(" \t\r\n,]}", text[end]); end++) {
		unsigned char c = (unsigned char)text[end];
		if (c < 0x20 || c >= 0x7f) {
			set_err_char(err, text, len, end);
			return;
		}
	}
	/* "+1", ".5": a number with a slip (jsmn refuses the first byte) */
	if (pos + 1 < end && (text[pos] == '+' || text[pos] == '.') && is_digit(text[pos + 1])) {
		set_err_number(err, pos, text + pos, end - pos);
		return;
	}
	set_err_char(err, text, len, pos);
}

/* jsmn_partial: explain JSMN_ERROR_PART (the input ended too soon). */
static void jsmn_partial(const jsmn_parser *jp, const json_tok *toks, const char *text,
			 size_t len, struct json_error *err)
{
	size_t pos = jp->pos;

	if (pos < len && text[pos] == '"') {
		set_err(err, pos, "unterminated string");
		return;
	}
	for (unsigned i = jp->toknext; i-- > 0;) {
		if (toks[i].start != -1 && toks[i].end == -1) {
			set_err(err, len, toks[i].type == JSMN_OBJECT
				? "unexpected end of input (expected '}')"
				: "unexpected end of input (expected ']')");
			return;
		}
	}
	set_err(err, len, "unexpected end of input");
}

/* lone_primitive: jsmn (strict) wants a delimiter after a top-level
 * primitive; a document that is just "123" ends without one. */
static bool lone_primitive(struct json_parser *p, const jsmn_parser *jp, const char *text,
			   size_t len)
{
	size_t end = len;

	if (jp->toknext != 0 || jp->pos >= len || text[jp->pos] == '"' || p->alloc == 0)
		return false;
	while (end > jp->pos && json_is_ws(text[end - 1]))
		end--;
	p->toks[0].type = JSMN_PRIMITIVE;
	p->toks[0].start = (int)jp->pos;
	p->toks[0].end = (int)end;
	p->toks[0].size = 0;
	p->toks[0].parent = -1;
	return true;
}

enum json_rc json_tokenize(struct json_parser *p, const char *text, size_t len,
			struct json_doc *doc, struct json_error *err)
{
	jsmn_parser jp;
	const char *nul;
	enum json_rc rc;
	int r;

	if (len > JSON_MAX_LEN || len > (size_t)INT_MAX - 2) {
		set_err(err, 0, "the document is too long");
		return JSON_ELIMIT;
	}
	nul = memchr(text, '\0', len);
	if (nul) {
		set_err(err, (size_t)(nul - text), "NUL byte in the input");
		return JSON_EINPUT;
	}
	jsmn_init(&jp);
	if (!p->toks && (rc = grow(p)) != JSON_OK)
		goto fail;
	while ((r = jsmn_parse(&jp, text, len, p->toks, p->alloc)) == JSMN_ERROR_NOMEM)
		if ((rc = grow(p)) != JSON_OK)
			goto fail;
	if (r == JSMN_ERROR_PART && lone_primitive(p, &jp, text, len))
		r = 1;
	if (r == JSMN_ERROR_INVAL || r == JSMN_ERROR_PART) {
		if (raw_control(text, r == JSMN_ERROR_PART ? len : jp.pos, err))
			return JSON_EINPUT;
		if (r == JSMN_ERROR_INVAL)
			jsmn_invalid(text, len, jp.pos, err);
		else
			jsmn_partial(&jp, p->toks, text, len, err);
		return JSON_EINPUT;
	}
	if (r == 0) {
		set_err(err, len, "empty input (expected a JSON value)");
		return JSON_EINPUT;
	}
	doc->text = text;
	doc->len = len;
	doc->toks = p->toks;
	doc->ntoks = (unsigned)r;
	doc->checked = false;
	return JSON_OK;
fail:
	if (rc == JSON_ELIMIT)
		snprintf(err->reason, sizeof err->reason, "more than %u JSON tokens", p->max);
	else
		snprintf(err->reason, sizeof err->reason, "out of memory");
	err->off = jp.pos;
	return rc;
}

enum json_rc json_parse(struct json_parser *p, const char *text, size_t len,
			struct json_doc *doc, struct json_error *err)
{
	enum json_rc rc = json_tokenize(p, text, len, doc, err);

	if (rc != JSON_OK)
		return rc;
	if (!validate(doc, p->toks, err))
		return JSON_EINPUT;
	doc->checked = true;
	return JSON_OK;
}

/* ---- the fast way: json_scan_value -------------------------------------
 *
 * One pass that tokenizes and checks at once, for text that is nearly
 * always valid.  It gives up (JSON_EINPUT, no message) at the first thing
 * that is not plainly valid; the slow way then explains.  The tokens are
 * jsmn's (JSMN_STRICT, JSMN_PARENT_LINKS): containers first, keys and
 * values in order; a container's size is its number of keys or elements, a
 * key's size 1 (its value), a string's start and end are inside its quotes;
 * a value's parent is its key or array. */

static inline bool scan_ws(char c)
{
	/* most bytes are above ' ', so most calls cost one compare */
	return (unsigned char)c <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}

/* skip_ws: past the whitespace at text[i..len). */
static inline size_t skip_ws(const char *text, size_t i, size_t len)
{
	while (i < len && scan_ws(text[i]))
		i++;
	return i;
}

/* prim_end: past a primitive's bytes (jsmn's: up to whitespace, ',', ']'
 * or '}'). */
static inline size_t prim_end(const char *text, size_t i, size_t len)
{
	for (; i < len; i++) {
		char c = text[i];
		if (c == ',' || c == ']' || c == '}' || scan_ws(c))
			break;
	}
	return i;
}

/* new_tok: the next token, or NULL when the array is full and cannot grow. */
static json_tok *new_tok(struct json_parser *p, unsigned *n)
{
	if (*n == p->alloc && grow(p) != JSON_OK)
		return NULL;
	return &p->toks[(*n)++];
}

enum json_rc json_scan_value(struct json_parser *p, const char *text, size_t len,
			     struct json_doc *doc, size_t *end)
{
	unsigned stack[JSON_MAX_DEPTH], depth = 0, n = 0;
	int parent = -1;  /* the key or array the next value belongs to */
	size_t i = 0, close;
	unsigned fl;
	json_tok *t;

	if (len > JSON_MAX_LEN || len > (size_t)INT_MAX - 2)
		return JSON_EINPUT;
	for (;;) {
		/* a value */
		i = skip_ws(text, i, len);
		if (i >= len || !(t = new_tok(p, &n)))
			return JSON_EINPUT;
		t->start = (int)i;
		t->size = 0;
		t->parent = parent;
		if (parent >= 0 && p->toks[parent].type == JSMN_ARRAY)
			p->toks[parent].size++; /* (a key's size is set with the key) */
		if (text[i] == '{' || text[i] == '[') {
			bool obj = text[i] == '{';
			t->type = obj ? JSMN_OBJECT : JSMN_ARRAY;
			t->end = -1;
			if (depth == JSON_MAX_DEPTH)
				return JSON_EINPUT;
			stack[depth++] = n - 1;
			i++;
			i = skip_ws(text, i, len);
			if (i < len && text[i] == (obj ? '}' : ']')) {
				t->end = (int)++i;
				depth--;
			} else if (obj) {
				goto key;
			} else {
				parent = (int)(n - 1);
				continue;
			}
		} else if (text[i] == '"') {
			if (!(close = json_string_end(text, i, len, &fl)))
				return JSON_EINPUT;
			t->type = JSMN_STRING;
			t->start = (int)i + 1;
			t->end = (int)close;
			t->size = fl & JSON_STR_ESCAPED ? JSON_TOK_ESCAPED : 0;
			i = close + 1;
		} else {
			size_t s0 = i;
			i = prim_end(text, i, len);
			if (!json_is_literal(text + s0, i - s0) &&
			    !json_number_valid(text + s0, i - s0))
				return JSON_EINPUT;
			t->type = JSMN_PRIMITIVE;
			t->end = (int)i;
		}
		/* after a value: the end, or ',' and the next, or a container closes */
		for (;;) {
			json_tok *c;
			if (depth == 0) {
				doc->text = text;
				doc->len = i;
				doc->toks = p->toks;
				doc->ntoks = n;
				doc->checked = true;
				*end = i;
				return JSON_OK;
			}
			c = &p->toks[stack[depth - 1]];
			i = skip_ws(text, i, len);
			if (i >= len)
				return JSON_EINPUT;
			if (text[i] == (c->type == JSMN_OBJECT ? '}' : ']')) {
				c->end = (int)++i;
				depth--;
				continue;
			}
			if (text[i] != ',')
				return JSON_EINPUT;
			i++;
			if (c->type == JSMN_ARRAY) {
				parent = (int)stack[depth - 1];
				break;
			}
			goto key;
		}
		continue;
key:
		/* a key of the object on top of the stack, then ':' */
		i = skip_ws(text, i, len);
		if (i >= len || text[i] != '"' || !(close = json_string_end(text, i, len, &fl)) ||
		    !(t = new_tok(p, &n)))
			return JSON_EINPUT;
		t->type = JSMN_STRING;
		t->start = (int)i + 1;
		t->end = (int)close;
		t->size = fl & JSON_STR_ESCAPED ? JSON_TOK_ESCAPED : 1; /* jsmn: 1, its value */
		t->parent = (int)stack[depth - 1];
		p->toks[stack[depth - 1]].size++;
		i = close + 1;
		i = skip_ws(text, i, len);
		if (i >= len || text[i] != ':')
			return JSON_EINPUT;
		i++;
		parent = (int)(n - 1);
	}
}

/* ---- positions --------------------------------------------------------- */

void json_cursor_init(struct json_cursor *c, const char *text, size_t len,
		      uint32_t line0, uint32_t col0)
{
	c->text = text;
	c->len = len;
	c->off = 0;
	c->line = c->line0 = line0 ? line0 : 1;
	c->col = c->col0 = col0 ? col0 : 1;
}

size_t json_count_chars(const char *s, size_t n)
{
	size_t k = n, i = 0;
	uint64_t w;

	for (; n - i >= 8; i += 8) {
		memcpy(&w, s + i, 8);
		if (w & JSON_HIGHS)
			k -= (size_t)__builtin_popcountll(w & ~(w << 1) & JSON_HIGHS);
	}
	for (; i < n; i++)
		k -= ((unsigned char)s[i] & 0xC0) == 0x80;
	return k;
}

void json_cursor_at(struct json_cursor *c, size_t off, uint32_t *line, uint32_t *col)
{
	size_t p;

	if (off > c->len)
		off = c->len;
	if (off < c->off) {
		c->off = 0;
		c->line = c->line0;
		c->col = c->col0;
	}
	p = c->off;
	while (p < off) {
		const char *nl = memchr(c->text + p, '\n', off - p);
		if (!nl) {
			c->col += (uint32_t)json_count_chars(c->text + p, off - p);
			break;
		}
		c->line++;
		c->col = 1;
		p = (size_t)(nl - c->text) + 1;
	}
	c->off = off;
	*line = c->line;
	*col = c->col;
}
