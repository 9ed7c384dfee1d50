/* json.h - strict JSON (RFC 8259) tokenizing on top of jsmn.
 *
 * json_parse() runs jsmn (strict mode, parent links) over one document and
 * then checks what jsmn lets through: the punctuation between tokens (jsmn
 * accepts `[1,,2]`, `{"a":1,}` and `{"a" "b"}`), the literals and number
 * grammar (`tru`, `01`, `1.`, `-`), and every string (control characters,
 * escapes, lone surrogates, invalid UTF-8).  A document that parses is
 * valid JSON, so the helpers below may assume well-formed tokens.
 * json_tokenize() is jsmn alone, for a reader that makes the same checks
 * token by token as it walks (jsondec.c does: one pass instead of two).
 *
 * The parser owns a token array that grows on demand up to a cap and is
 * reused for every document, so parsing many documents does not allocate.
 * A json_doc borrows the text and the parser's tokens: it is valid until the
 * next json_parse() on the same parser.
 *
 * Positions: offsets are bytes from the start of the text; json_cursor turns
 * them into 1-based line and column, where a column counts characters
 * (UTF-8 code points; a tab counts as one), not bytes.
 */
#ifndef YC_JSON_H
#define YC_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "arena.h"
#include "core/points.h"

/* The token type is jsmn's; json.c is the one file that compiles jsmn. */
#ifndef JSMN_H
#define JSMN_HEADER
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>
#endif
#ifndef JSMN_PARENT_LINKS
#error "json.h: jsmn must be built with JSMN_PARENT_LINKS"
#endif

typedef jsmntok_t json_tok;

/* A string token's `size` (jsmn counts a key's value there) is set to this
 * by json_parse (json_token_ok) when the string has escapes.  Containers keep jsmn's size:
 * the number of keys of an object, of elements of an array. */
#define JSON_TOK_ESCAPED (-1)

#define JSON_MAX_TOKENS 100000u /* default cap on tokens per document */
#define JSON_MAX_DEPTH 64       /* nesting deeper than this is refused */
#define JSON_MAX_LEN ((size_t)1 << 30)

enum json_rc {
	JSON_OK = 0,
	JSON_EINPUT, /* not valid JSON (a user's mistake): see json_error */
	JSON_ELIMIT, /* valid so far but more tokens than the cap, or too long */
	JSON_ENOMEM, /* the token array could not grow */
};

struct json_error {
	size_t off;      /* byte offset of the problem in the text */
	char reason[160]; /* "expected ',' or '}' after a value", ... */
};

struct json_doc {
	const char *text;
	size_t len;
	json_tok *toks; /* toks[0] is the top-level value */
	unsigned ntoks;
	bool checked;   /* the whole text is known to be valid JSON (json_parse,
			 * json_scan_value): a reader need not check it again */
};

struct json_parser {
	json_tok *toks;
	unsigned alloc; /* tokens allocated */
	unsigned max;   /* cap on tokens */
};

/* json_parser_init: no tokens yet; max_tokens 0 means JSON_MAX_TOKENS. */
void json_parser_init(struct json_parser *p, unsigned max_tokens);
void json_parser_release(struct json_parser *p);

/* json_parse: tokenize and validate text[0..len), which must hold exactly
 * one JSON value with optional whitespace around it.  On JSON_OK fills doc;
 * otherwise fills err (offset and reason) and doc is unusable. */
enum json_rc json_parse(struct json_parser *p, const char *text, size_t len,
			struct json_doc *doc, struct json_error *err);

/* json_tokenize: only jsmn's part of json_parse (with the checks for NUL
 * bytes, length and the token cap): the tokens are not yet checked against
 * the grammar.  For a reader that walks every token anyway (jsondec.c) and
 * checks as it goes, exactly as json_parse does, in document order: before
 * reading a token, the text since the previous one (json_gap_ok) and the
 * token itself (json_token_ok); before leaving a container, the text up to
 * its closing bracket; at the end, the text after the last token.  jsmn's
 * `size` of a container may be wrong in an invalid document: the gap
 * checks catch that, and indexes must be checked against ntoks first
 * (json_missing explains a token that is not there). */
enum json_rc json_tokenize(struct json_parser *p, const char *text, size_t len,
			   struct json_doc *doc, struct json_error *err);

/* json_scan_value: the fast way to tokenize valid JSON.  text[0..len) starts
 * with a JSON value (after optional whitespace), perhaps followed by more
 * text; on JSON_OK *end is the offset just after the value and doc holds its
 * tokens exactly as json_tokenize would give them for text[0..*end), checked
 * against the grammar (doc->checked, escaped strings marked), in one pass.
 * JSON_EINPUT means only "not this way": the value is invalid, incomplete,
 * nested deeper than JSON_MAX_DEPTH or over the token cap, and err is not
 * filled; json_tokenize and a checking reader then say exactly what is wrong.
 * For a stream of mostly valid documents (yingcai evaluate). */
enum json_rc json_scan_value(struct json_parser *p, const char *text, size_t len,
			     struct json_doc *doc, size_t *end);

/* ---- checking one token at a time (after json_tokenize) -----------------
 * Inline, so that a walk pays no calls in the common case; the slow paths
 * (which also explain a failure) are in json.c. */

/* Where a token stands, which says what may come between it and the one
 * before: whitespace, and the one separator noted here. */
enum json_gap {
	JSON_GAP_TOP,       /* the document's value */
	JSON_GAP_TRAIL,     /* after the document's value (end of the text) */
	JSON_GAP_OBJ_FIRST, /* first key, after '{' */
	JSON_GAP_OBJ_KEY,   /* a later key: ',' */
	JSON_GAP_OBJ_VALUE, /* a value: ':' */
	JSON_GAP_OBJ_CLOSE, /* the '}' */
	JSON_GAP_ARR_FIRST, /* first element, after '[' */
	JSON_GAP_ARR_NEXT,  /* a later element: ',' */
	JSON_GAP_ARR_CLOSE, /* the ']' */
};

static inline bool json_is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static inline char json_gap_sep(enum json_gap g)
{
	if (g == JSON_GAP_OBJ_VALUE)
		return ':';
	return g == JSON_GAP_OBJ_KEY || g == JSON_GAP_ARR_NEXT ? ',' : 0;
}

bool json_gap_slow(const struct json_doc *d, size_t from, size_t to, enum json_gap g,
		   struct json_error *err);

/* json_gap_ok: text[from..to) is whitespace around the separator that g
 * needs (if any); else err says what was expected.  from > to (tokens
 * overlapping what was read) is an error too. */
static inline bool json_gap_ok(const struct json_doc *d, size_t from, size_t to,
			       enum json_gap g, struct json_error *err)
{
	const char *t = d->text;
	char sep = json_gap_sep(g);
	size_t i = from;

	if (i > to || (sep && (i == to || t[i++] != sep)))
		return json_gap_slow(d, from, to, g, err);
	if (i == to || (t[i] == ' ' && i + 1 == to))
		return true;
	while (i < to && json_is_ws(t[i]))
		i++;
	return i == to || json_gap_slow(d, from, to, g, err);
}

/* json_missing: explain a token that jsmn counted in a container but that
 * is not there (`{"a"}`): pos is the end of what was read, close the
 * container's closing bracket (the text's length for the document), g
 * where the missing token would stand. */
void json_missing(const struct json_doc *d, size_t pos, size_t close, enum json_gap g,
		  struct json_error *err);

bool json_number_valid(const char *s, size_t n);
bool json_bad_primitive(const struct json_doc *d, const json_tok *t, struct json_error *err);
bool json_string_slow(const struct json_doc *d, json_tok *t, size_t from,
		      struct json_error *err);

#define JSON_ONES UINT64_C(0x0101010101010101)
#define JSON_HIGHS UINT64_C(0x8080808080808080)

/* json_plain8: none of the 8 bytes at s is a control character, a backslash
 * or non-ASCII.  (May say no when they all are plain; never yes wrongly.) */
static inline bool json_plain8(const char *s)
{
	uint64_t w, x;

	memcpy(&w, s, 8);
	x = w ^ (JSON_ONES * '\\');
	return !((((w - JSON_ONES * 0x20) & ~w) | ((x - JSON_ONES) & ~x) | w) & JSON_HIGHS);
}

static inline bool json_is_literal(const char *s, size_t n)
{
	return (n == 4 && (memcmp(s, "true", 4) == 0 || memcmp(s, "null", 4) == 0)) ||
	       (n == 5 && memcmp(s, "false", 5) == 0);
}

static inline bool json_check_primitive(const struct json_doc *d, const json_tok *t,
					struct json_error *err)
{
	const char *s = d->text + t->start;
	size_t n = (size_t)(t->end - t->start);

	if (json_is_literal(s, n) || json_number_valid(s, n))
		return true;
	return json_bad_primitive(d, t, err);
}

/* json_check_string: the body of string token t is valid: eight bytes at a
 * time while they are plain ASCII, the careful way from the first that is
 * not (json_string_slow, which also marks a string with escapes). */
static inline __attribute__((always_inline)) bool
json_check_string(const struct json_doc *d, json_tok *t, struct json_error *err)
{
	const char *s = d->text + t->start;
	size_t n = (size_t)(t->end - t->start), i = 0;

	for (; n - i >= 8; i += 8)
		if (!json_plain8(s + i))
			return json_string_slow(d, t, i, err);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The tail as one word when the text goes on that far; the bytes past
	 * the string become plain 'a's. */
	if (i < n && (size_t)t->start + i + 8 <= d->len) {
		uint64_t w, mask = (UINT64_C(1) << (8 * (n - i))) - 1;
		char tail[8];
		memcpy(&w, s + i, 8);
		w = (w & mask) | (JSON_ONES * 'a' & ~mask);
		memcpy(tail, &w, 8);
		if (json_plain8(tail))
			return true;
	}
#endif
	return i == n || json_string_slow(d, t, i, err);
}

/* json_token_ok: token i's own text is valid JSON (a string's bytes and
 * escapes, a literal, a number).  Marks strings that have escapes. */
static inline __attribute__((always_inline)) bool
json_token_ok(struct json_doc *d, unsigned i, struct json_error *err)
{
	json_tok *t = &d->toks[i];

	if (t->type == JSMN_STRING)
		return json_check_string(d, t, err);
	if (t->type == JSMN_PRIMITIVE)
		return json_check_primitive(d, t, err);
	return true;
}

/* ---- reading tokens ------------------------------------------------------ */

/* Token helpers (inline: the decoder calls them once or twice a token).
 * i indexes doc->toks; the token must be of the kind the helper expects
 * (the caller checks the type first). */
static inline bool json_is_null(const struct json_doc *doc, unsigned i)
{
	return doc->toks[i].type == JSMN_PRIMITIVE && doc->text[doc->toks[i].start] == 'n';
}

/* json_bool: true when token i is `true` or `false`, with *out set. */
static inline bool json_bool(const struct json_doc *doc, unsigned i, bool *out)
{
	char c = doc->text[doc->toks[i].start];

	if (doc->toks[i].type != JSMN_PRIMITIVE || (c != 't' && c != 'f'))
		return false;
	*out = c == 't';
	return true;
}

/* json_is_number: token i is a number primitive. */
static inline bool json_is_number(const struct json_doc *doc, unsigned i)
{
	char c = doc->text[doc->toks[i].start];

	return doc->toks[i].type == JSMN_PRIMITIVE && (c == '-' || (c >= '0' && c <= '9'));
}

/* json_tok_off: byte offset where token i starts (a string's opening quote). */
static inline size_t json_tok_off(const struct json_doc *doc, unsigned i)
{
	return (size_t)doc->toks[i].start - (doc->toks[i].type == JSMN_STRING);
}

/* json_raw: the token's source text (a string without its quotes). */
static inline const char *json_raw(const struct json_doc *doc, unsigned i, size_t *len)
{
	*len = (size_t)(doc->toks[i].end - doc->toks[i].start);
	return doc->text + doc->toks[i].start;
}

/* json_skip: the index just past token i and everything inside it. */
unsigned json_skip(const struct json_doc *doc, unsigned i);

/* Strings.  json_str_eq: string token i equals s[0..n) once decoded; only
 * decodes when the token has escapes. */
bool json_str_eq(const struct json_doc *doc, unsigned i, const char *s, size_t n);
/* json_str_has_escapes: string token i contains a backslash (json_parse
 * and json_token_ok mark such tokens, so this costs nothing). */
static inline bool json_str_has_escapes(const struct json_doc *doc, unsigned i)
{
	return doc->toks[i].size == JSON_TOK_ESCAPED;
}

enum json_str_rc {
	JSON_STR_OK = 0,
	JSON_STR_NUL,   /* \u0000: would truncate a C string */
	JSON_STR_SPACE, /* out of arena memory or buffer too small */
	JSON_STR_BAD,   /* malformed (impossible for a parsed document) */
};
/* json_str_dup: string token i decoded to NUL-terminated UTF-8 in the arena
 * (all escapes, \uXXXX and surrogate pairs); *len (if not NULL) gets its
 * length. */
enum json_str_rc json_str_dup(const struct json_doc *doc, unsigned i, struct arena *a,
			      const char **out, size_t *len);
/* json_str_copy: the same into buf[0..cap), NUL-terminated. */
enum json_str_rc json_str_copy(const struct json_doc *doc, unsigned i, char *buf,
			       size_t cap, size_t *len);
/* json_str_unescape: decode s[0..n) (a string's body) into dst, which must
 * hold n + 1 bytes; rejects bad escapes and lone surrogates. */
enum json_str_rc json_str_unescape(const char *s, size_t n, char *dst, size_t *len);
/* json_str_check: s[0..n) is a valid string body: UTF-8, no raw control
 * characters, valid escapes, surrogates paired.  On failure *bad is the
 * offset of the problem and the reason is returned; NULL when valid. */
const char *json_str_check(const char *s, size_t n, size_t *bad);

/* ---- scanning strings in the text ----------------------------------------- */

enum json_str_flags {
	JSON_STR_ESCAPED = 1,  /* has a backslash */
	JSON_STR_NONASCII = 2, /* has a byte >= 0x80 (valid UTF-8 once checked) */
};

/* json_string_end: the string whose opening quote is s[i], in s[0..n):
 * returns the offset of its closing quote, or 0 when it does not close
 * there or is not a valid JSON string (json_str_check: escapes, UTF-8, no
 * raw control characters).  *flags gets enum json_str_flags.  Plain ASCII
 * runs are skipped 16 bytes at a time; a string with anything else is
 * then checked the careful way.  Shared by the scanners that read JSON
 * straight from the text (json_scan_value, jsondec_fast.c). */
static inline __attribute__((always_inline)) size_t
json_string_end(const char *s, size_t i, size_t n, unsigned *flags)
{
	size_t body = ++i;
	unsigned fl = 0;

	*flags = 0;
	for (;;) {
#ifdef __SSE2__
		/* stop at '"', '\\', a control character or a byte >= 0x80
		 * (negative as a signed byte: below 0x20 too) */
		const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
			      space = _mm_set1_epi8(0x20);
		for (; n - i >= 16; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)),
				_mm_cmplt_epi8(x, space)));
			if (m) {
				i += (size_t)__builtin_ctz(m);
				break;
			}
		}
#endif
		for (; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
				break;
		}
		if (i >= n)
			return 0;
		if (s[i] == '"')
			break;
		if (s[i] == '\\') {
			fl |= JSON_STR_ESCAPED;
			i++; /* the escaped byte is never the closing quote */
		} else if ((unsigned char)s[i] >= 0x80) {
			fl |= JSON_STR_NONASCII;
		} else {
			return 0; /* a raw control character */
		}
		if (++i >= n) /* (past a backslash at the very end, too) */
			return 0;
	}
	*flags = fl;
	/* escapes and UTF-8 the way json_parse checks them */
	return !fl || json_str_check(s + body, i - body, &body) == NULL ? i : 0;
}

/* json_count_chars: the characters in s[0..n) (bytes that are not UTF-8
 * continuation bytes, 10xxxxxx), eight bytes at a time. */
size_t json_count_chars(const char *s, size_t n);

/* Numbers. */
enum json_num_rc {
	JSON_NUM_OK = 0,
	JSON_NUM_NOT_NUMBER, /* not a JSON number at all */
	JSON_NUM_FRACTION,   /* has a fraction (12.5) where an integer is wanted,
			      * or more than two places for a decimal */
	JSON_NUM_EXPONENT,   /* has an exponent (1e6) */
	JSON_NUM_RANGE,      /* does not fit */
};
/* json_number_valid: s[0..n) matches the RFC 8259 number grammar (declared
 * above). */
/* json_int: an integer written without fraction or exponent, checked for
 * int64 overflow. */
enum json_num_rc json_int(const char *s, size_t n, int64_t *out);
/* json_decimal: a number with at most two decimal places and no exponent,
 * in hundredths (points_parse). */
enum json_num_rc json_decimal(const char *s, size_t n, points_t *out);

/* Line and column of byte offsets, computed incrementally: asking for
 * offsets in increasing order costs one pass over the text in total; an
 * earlier offset restarts from the beginning. */
struct json_cursor {
	const char *text;
	size_t len;
	size_t off;             /* text[0..off) has been counted */
	uint32_t line, col;     /* position of text[off] */
	uint32_t line0, col0;   /* position of text[0] */
};

/* json_cursor_init: text starts at line0:col0 of its file (1-based). */
void json_cursor_init(struct json_cursor *c, const char *text, size_t len,
		      uint32_t line0, uint32_t col0);
/* json_cursor_at: line and column of byte offset off (clamped to len). */
void json_cursor_at(struct json_cursor *c, size_t off, uint32_t *line, uint32_t *col);

#endif
