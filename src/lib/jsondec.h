/* jsondec.h - decode a tokenized JSON document into C structs, driven by tables.
 *
 * A jd_schema lists an object's fields: name, type, whether absent/null is
 * allowed, and offsets (offsetof) into the target struct for the value, its
 * presence flag and its source position.  Decoding is strict: an unknown
 * field, a duplicate key, a wrong type or a value out of range stops at the
 * first problem with its byte offset, its path in formats.md notation
 * (`experts[0].scores.achievements`) and a reason naming what was expected.
 *
 * null is the same as absent: the value, its flag and its position stay
 * zero (the target is zeroed first).  Strings are decoded into the arena;
 * enumerated values point at the schema's own string constants.
 *
 * Decoding walks jsmn's tokens once, in document order, and checks each
 * one against the JSON grammar before reading it (json_tokenize() in
 * json.h), so a document that decodes is valid JSON and no separate
 * validation pass is needed.  Field lookup tries the field after the
 * previous one first, so keys in schema order cost one comparison each.
 * Nothing is allocated except from the arena.  jd_decode_fast() decodes
 * with the same tables straight from the text, for documents that are
 * nearly all valid: it declines what it does not take, and jd_decode then
 * decides (and explains).
 *
 * Stored representations (the target member at `off`):
 *   JD_STRING, JD_ENUM       const char *
 *   JD_BOOL                  bool
 *   JD_TRI                   an int-sized enum: 0 unknown, 1 false, 2 true
 *   JD_INT                   int64_t
 *   JD_DATE                  int32_t days (date.h date_t)
 *   JD_MONTH                 int32_t months (date.h month_t)
 *   JD_MONTH_OR_PRESENT      month_t, and bool at n_off set for "present"
 *   JD_DECIMAL               int64_t hundredths (points.h points_t)
 *   JD_OBJECT                a nested struct at off (off 0 with offsets of
 *                            the enclosing struct flattens it)
 *   JD_ARRAY                 T * at off, size_t count at n_off
 *   JD_STRINGS               const char ** at off, size_t count at n_off
 *   JD_SCORES                an object of name -> decimal: T * at off,
 *                            size_t count at n_off, T described by jd_map
 * A position (pos_off) is two uint32_t, line then column.
 */
#ifndef YC_JSONDEC_H
#define YC_JSONDEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "json.h"

#define JD_NONE (-1)        /* "no such member" for any offset */
#define JD_MAX_FIELDS 64    /* per schema (a bitmask tracks duplicates) */
#define JD_MAX_DEPTH 16     /* path segments */

enum jd_type {
	JD_STRING, JD_ENUM, JD_BOOL, JD_TRI, JD_INT, JD_DATE, JD_MONTH,
	JD_MONTH_OR_PRESENT, JD_DECIMAL, JD_OBJECT, JD_ARRAY, JD_STRINGS, JD_SCORES,
};

enum jd_flags {
	JD_REQUIRED = 1, /* absent or null is an error; such fields come first */
};

struct jd_enum {
	const char *const *values; /* each NUL-padded to 32 bytes at least, see
				    * JD_PAD (jd_decode_fast reads 32 at once) */
	uint8_t n;
	const uint8_t *lens; /* strlen of each value, in 16 bytes, zero-padded
			      * (JD_ENUM fills it; jd_decode_fast reads the 16
			      * at once); without them jd_decode_fast declines */
};

/* JD_ENUM(name, "a", "bc", ...): a static struct jd_enum `name` of up to
 * ten string constants, with their lengths counted at compile time. */
#define JD_ENUM(name, ...)                                                            \
	static const char *const name##_v[] = { JD_PADS(__VA_ARGS__) };              \
	static const uint8_t name##_l[16] = { JD_LENS(__VA_ARGS__) };                \
	static const struct jd_enum name = {                                          \
		name##_v, (uint8_t)(sizeof name##_v / sizeof name##_v[0]), name##_l     \
	}
/* (a constant longer than 255 bytes does not compile: negative array size) */
#define JD_LEN(s) (uint8_t)(sizeof(s) - 1 + 0 * sizeof(char[sizeof(s) <= 256 ? 1 : -1]))
#define JD_LENS_1(a) JD_LEN(a)
#define JD_LENS_2(a, ...) JD_LEN(a), JD_LENS_1(__VA_ARGS__)
#define JD_LENS_3(a, ...) JD_LEN(a), JD_LENS_2(__VA_ARGS__)
#define JD_LENS_4(a, ...) JD_LEN(a), JD_LENS_3(__VA_ARGS__)
#define JD_LENS_5(a, ...) JD_LEN(a), JD_LENS_4(__VA_ARGS__)
#define JD_LENS_6(a, ...) JD_LEN(a), JD_LENS_5(__VA_ARGS__)
#define JD_LENS_7(a, ...) JD_LEN(a), JD_LENS_6(__VA_ARGS__)
#define JD_LENS_8(a, ...) JD_LEN(a), JD_LENS_7(__VA_ARGS__)
#define JD_LENS_9(a, ...) JD_LEN(a), JD_LENS_8(__VA_ARGS__)
#define JD_LENS_10(a, ...) JD_LEN(a), JD_LENS_9(__VA_ARGS__)
#define JD_NARGS(...) JD_NARGS_(__VA_ARGS__, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define JD_NARGS_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, n, ...) n
#define JD_CAT(a, b) JD_CAT_(a, b)
#define JD_CAT_(a, b) a##b
#define JD_LENS(...) JD_CAT(JD_LENS_, JD_NARGS(__VA_ARGS__))(__VA_ARGS__)
/* JD_PAD("abc"): the constant NUL-padded to a multiple of 16 bytes, at least
 * 32 (so that jd_decode_fast compares it sixteen bytes at a time). */
#define JD_PAD(s) ((const char[JD_PADLEN(sizeof(s))]){ s })
#define JD_PADLEN(n) (((n) + 15) / 16 * 16 < 32 ? 32 : ((n) + 15) / 16 * 16)
#define JD_PADS_1(a) JD_PAD(a)
#define JD_PADS_2(a, ...) JD_PAD(a), JD_PADS_1(__VA_ARGS__)
#define JD_PADS_3(a, ...) JD_PAD(a), JD_PADS_2(__VA_ARGS__)
#define JD_PADS_4(a, ...) JD_PAD(a), JD_PADS_3(__VA_ARGS__)
#define JD_PADS_5(a, ...) JD_PAD(a), JD_PADS_4(__VA_ARGS__)
#define JD_PADS_6(a, ...) JD_PAD(a), JD_PADS_5(__VA_ARGS__)
#define JD_PADS_7(a, ...) JD_PAD(a), JD_PADS_6(__VA_ARGS__)
#define JD_PADS_8(a, ...) JD_PAD(a), JD_PADS_7(__VA_ARGS__)
#define JD_PADS_9(a, ...) JD_PAD(a), JD_PADS_8(__VA_ARGS__)
#define JD_PADS_10(a, ...) JD_PAD(a), JD_PADS_9(__VA_ARGS__)
#define JD_PADS(...) JD_CAT(JD_PADS_, JD_NARGS(__VA_ARGS__))(__VA_ARGS__)

struct jd_schema;

/* jd_map: the element of a JD_SCORES array. */
struct jd_map {
	size_t size;         /* sizeof the element */
	int32_t key_off;     /* const char *: the key, decoded */
	int32_t val_off;     /* points_t */
	int32_t pos_off;     /* position of the key, or JD_NONE */
	int32_t vpos_off;    /* position of the value, or JD_NONE */
	int64_t min, max;    /* allowed values, hundredths */
	unsigned max_entries;
	const char *what;    /* "an object of factor scores" */
};

struct jd_field {
	const char *name;
	const char *key;     /* "\"name\": ", NUL-padded to a multiple of 16
			      * bytes (JD_NAME); jd_decode_fast needs it */
	uint8_t namelen;     /* strlen(name), see JD_NAME */
	uint32_t keymask;    /* bits 0..namelen+3 clear: the bytes of key to
			      * compare (JD_NAME), 0 when more than 31 */
	uint8_t type;        /* enum jd_type */
	uint8_t flags;       /* enum jd_flags */
	int32_t off;         /* the value; JD_NONE: checked, not stored */
	int32_t has_off;     /* bool set when present and not null, or JD_NONE */
	int32_t pos_off;     /* position of the value, or JD_NONE */
	int32_t n_off;       /* count (arrays), "present" flag (months), JD_NONE */
	union {
		const struct jd_enum *enm;      /* JD_ENUM, JD_STRINGS (NULL: any) */
		const struct jd_schema *schema; /* JD_OBJECT, JD_ARRAY */
		const struct jd_map *map;       /* JD_SCORES */
		struct {
			int64_t min, max;       /* JD_INT units, JD_DECIMAL hundredths */
		} range;
	} u;
};

/* JD_NAME("name"): the name, its length, and the key as JSON writers lay
 * it out, `"name": `, padded with NULs to a multiple of 16 bytes (so that
 * jd_decode_fast compares it sixteen bytes at a time). */
#define JD_NAME(s)                                                                    \
	.name = (s), .namelen = (uint8_t)(sizeof(s) - 1),                             \
	.key = (const char[(sizeof(s) + 4 + 15) / 16 * 16]){ "\"" s "\": " },         \
	.keymask = sizeof(s) + 3 < 32 ? ~(uint32_t)((UINT64_C(1) << (sizeof(s) + 3)) - 1) : 0

/* jd_check_fn: a rule across fields, run after an object decoded.  Returns
 * NULL when obj is fine, else the reason (may be written to buf); *blame
 * may name the field to report (else the object itself). */
typedef const char *jd_check_fn(const void *obj, char *buf, size_t cap, const char **blame);

struct jd_schema {
	const struct jd_field *fields; /* the JD_REQUIRED ones first */
	uint8_t nfields;    /* <= JD_MAX_FIELDS */
	int32_t pos_off;    /* position of the object itself, or JD_NONE */
	size_t size;        /* sizeof the target struct */
	jd_check_fn *check; /* or NULL */
};

enum jd_rc {
	JD_OK = 0,
	JD_EINPUT,  /* the document does not match the schema */
	JD_ESYNTAX, /* the document is not valid JSON (no path) */
	JD_ENOMEM,  /* the arena is exhausted */
};

struct jd_error {
	size_t off;       /* byte offset of the problem in the document */
	char path[128];   /* "" for the document itself */
	char reason[400];
};

/* jd_decode: decode doc's top-level value, which must be an object, into
 * target (sizeof schema->size, zeroed first).  doc may come straight from
 * json_tokenize(): each token and the text around it is checked against the
 * JSON grammar as the walk reaches it (JD_ESYNTAX), so there is one pass
 * over the tokens, not two.  cur converts offsets of doc to positions (it
 * must be over doc's text).  Strings and arrays come from a; on failure
 * target is partly filled and err says why. */
enum jd_rc jd_decode(struct json_doc *doc, const struct jd_schema *schema, void *target,
		     struct arena *a, struct json_cursor *cur, struct jd_error *err);

/* jd_end: where a value that jd_decode_fast() read ends. */
struct jd_end {
	size_t off;     /* the byte just after it */
	uint32_t lc[2]; /* that byte's line and column */
};

/* jd_decode_fast: decode the object at the start of text[0..len) (after
 * optional whitespace), which starts at line:col of its file, into target
 * (zeroed first), straight from the text in one pass (jsondec_fast.c).
 * Returns true when it did, with the same values and positions that
 * jd_decode() gives, and *end saying where the object ends (what follows
 * is not looked at).  Returns false, with target and the arena partly
 * used, on anything it does not take: every invalid document and a few
 * unusual valid ones (escaped keys and enumerated values, a negative
 * number, null among scores, more than max_tokens jsmn tokens); jd_decode
 * then decides and explains.  For many documents that are nearly all valid. */
bool jd_decode_fast(const char *text, size_t len, uint32_t line, uint32_t col,
		    const struct jd_schema *schema, void *target, struct arena *a,
		    unsigned max_tokens, struct jd_end *end);

/* jd_show: s[0..n) as a message quotes a user's string: in double quotes,
 * at most 40 bytes of it (cut at a character, then "..."), control
 * characters escaped as JSON writes them (\u001b), so that none reaches a
 * terminal raw.  Written to buf[0..cap) (cap >= 8); returns buf. */
const char *jd_show(const char *s, size_t n, char *buf, size_t cap);

/* jd_edit_distance: optimal string alignment distance (a transposition
 * counts one), capped: returns cap + 1 when larger than cap. */
unsigned jd_edit_distance(const char *a, size_t an, const char *b, size_t bn, unsigned cap);

#endif
