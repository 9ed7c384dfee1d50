/* result_json_impl.h - private to result_json.c, result_json_frag.c and
 * result_json_cache.c: the output cursor and the small writers (inline:
 * a result is some 370 of them), the fragments of formats.md's object
 * that the policy alone decides, and the pieces the cache keeps of them.
 * See result_json.c for how they fit together.
 */
#ifndef YC_RESULT_JSON_IMPL_H
#define YC_RESULT_JSON_IMPL_H

#include "result.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct programme_pieces;

/* ---- the output cursor ------------------------------------------------- */

/* struct out: a result being written.  A result is some 370 appends of a
 * few bytes each; strbuf_add() checks `failed` and the room, updates len
 * and writes the NUL on every one, from memory.  So the writers below
 * append through a cursor instead: w, the next byte, and end, the last
 * byte of sb's buffer (kept for the NUL).  An append is a compare and a
 * copy; sb->len and the NUL are brought up to date (out_sync) only before
 * something else appends to sb: the core's sentences, the escaping
 * appenders, the caller.  Room is checked before every append, so the
 * cap and the latching `failed` of strbuf hold as they do for
 * strbuf_add: an append that does not fit makes sb fail, and from then on
 * nothing more is written (end == w). */
struct out {
	struct strbuf *sb;
	char *w, *end;
	const struct evaluation *ev;
	const struct programme_pieces *pp; /* the cache for ev's programme, or NULL */
	struct arena scratch; /* for the rare long text (checklist_write_why) */
	char date[DATE_FMT_MAX]; /* the application date, as date_format() writes it */
};

/* out_resume: the cursor at the end of o->sb, after others appended to it. */
static inline void out_resume(struct out *o)
{
	struct strbuf *sb = o->sb;

	o->w = sb->buf + sb->len;
	/* alloc is 0 while buf is the static empty string: no room at all */
	o->end = sb->failed || !sb->alloc ? o->w : sb->buf + sb->alloc - 1;
}

/* out_sync: what the cursor wrote becomes part of o->sb (len, NUL). */
static inline void out_sync(struct out *o)
{
	struct strbuf *sb = o->sb;

	if (o->w != sb->buf + sb->len) {
		sb->len = (size_t)(o->w - sb->buf);
		*o->w = '\0';
	}
}

/* rj_out_grow: room for n bytes at o->w, growing o->sb; false when it
 * cannot grow (cap or memory: `failed` latches and nothing more is
 * written).  Out of line: rarely taken. */
bool rj_out_grow(struct out *o, size_t n);

static inline bool room(struct out *o, size_t n)
{
	return (size_t)(o->end - o->w) >= n || rj_out_grow(o, n);
}

static inline void add(struct out *o, const void *s, size_t n)
{
	if (!room(o, n))
		return;
	memcpy(o->w, s, n);
	o->w += n;
}

/* ---- small writers ----------------------------------------------------- */

/* lit: a literal; inlined, its strlen() is a constant. */
static inline void lit(struct out *o, const char *s)
{
	add(o, s, strlen(s));
}

/* str: s as a JSON string: copied at the cursor when nothing in it needs
 * escaping (nearly always), else by strbuf's escaping appender. */
static inline void str(struct out *o, const char *s)
{
	size_t n = strlen(s);
	char *end;

	if (room(o, n + 2) && (end = strbuf_copy_json_plain(o->w, s, n)) != NULL) {
		o->w = end;
		return;
	}
	out_sync(o);
	strbuf_add_json_n(o->sb, s, n);
	out_resume(o);
}

static inline void str_or_null(struct out *o, const char *s)
{
	if (s)
		str(o, s);
	else
		lit(o, "null");
}

/* two decimal digits for each of 0..99 */
static const char pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* whole_number: v in decimal, then '"', at w (room for 22 bytes); the
 * end.  Its length first, then two digits at a time from the right. */
static inline char *whole_number(char *w, uint64_t v)
{
	uint64_t ten = 10;
	size_t n = 1;
	char *q;

	while (n < 19 && v >= ten) {
		ten *= 10;
		n++;
	}
	if (v >= ten) /* 20 digits */
		n++;
	q = w + n;
	*q = '"';
	while (v >= 100) {
		q -= 2;
		memcpy(q, pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(q - 2, pairs + 2 * v, 2);
	else
		q[-1] = (char)('0' + v);
	return w + n + 1;
}

/* number_input: a numeric input as factor_result_input() describes it
 * (facts_describe: points_format_n, whole numbers without ".00": "41",
 * "900000", "12.50"), in quotes, formatted straight into the output.  A
 * result has some six; going through the describing buffer, strlen and
 * the escaping scan cost four times as much, and digits, '-' and '.'
 * never need escaping.  test_result.c and the goldens hold it to
 * factor_result_input's text. */
static inline void number_input(struct out *o, int64_t num)
{
	size_t n;

	if (!room(o, POINTS_FMT_MAX + 2))
		return;
	o->w[0] = '"';
	if (num >= 0 && num % 100 == 0) { /* most: ages, years, amounts */
		o->w = whole_number(o->w + 1, (uint64_t)num / 100);
		return;
	}
	n = points_format_n(num, o->w + 1);
	if (num % 100 == 0)
		n -= 3;
	o->w[n + 1] = '"';
	o->w += n + 2;
}

/* input: what factor result r used (factor_result_input), or null. */
static inline void input(struct out *o, const struct factor_result *r)
{
	char buf[FACTOR_INPUT_MAX];

	if (r->input_type == FACT_NUMBER)
		number_input(o, r->input_num);
	else
		str_or_null(o, factor_result_input(r, buf));
}

/* dec: p as points_format() writes it, in quotes ("12.30"), formatted
 * straight into the buffer (a result has some 60).  Points from 0.00 to
 * 999.99, nearly all a result holds, are written here two digits at a
 * time; points_format_n() is general and some three times slower. */
static inline void dec(struct out *o, points_t p)
{
	unsigned whole, tens;
	char *w;

	if (!room(o, POINTS_FMT_MAX + 2))
		return;
	w = o->w;
	*w++ = '"';
	if (p < 0 || p >= 100000) {
		w += points_format_n(p, w);
		*w++ = '"';
		o->w = w;
		return;
	}
	whole = (unsigned)p / 100;
	tens = whole % 100;
	if (whole >= 100)
		*w++ = (char)('0' + whole / 100);
	if (whole >= 10)
		*w++ = pairs[2 * tens];
	*w++ = pairs[2 * tens + 1];
	*w++ = '.';
	memcpy(w, pairs + 2 * ((unsigned)p % 100), 2);
	w[2] = '"';
	o->w = w + 3;
}

/* add_uint: v in decimal (an expert count). */
static inline void add_uint(struct out *o, unsigned v)
{
	char buf[16];
	size_t n = sizeof buf;

	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	add(o, buf + n, sizeof buf - n);
}

/* boolean, tri: each literal in its own call, so its length is a constant */
static inline void boolean(struct out *o, bool b)
{
	if (b)
		lit(o, "true");
	else
		lit(o, "false");
}

static inline void tri(struct out *o, enum tri t)
{
	if (t == TRI_TRUE)
		lit(o, "true");
	else if (t == TRI_FALSE)
		lit(o, "false");
	else
		lit(o, "null");
}

/* text_here: where text the core writes into o->sb next starts, after an
 * opening '"' written already; for text_end. */
static inline size_t text_here(struct out *o)
{
	out_sync(o);
	return o->sb->len;
}

/* text_start: an opening '"', then text_here. */
static inline size_t text_start(struct out *o)
{
	lit(o, "\"");
	return text_here(o);
}

/* text_end: bytes written by the core after an opening '"' at from
 * become a JSON string. */
static inline void text_end(struct out *o, size_t from)
{
	strbuf_json_quote_from(o->sb, from);
	out_resume(o);
}

/* ---- fragments: what the policy alone decides (result_json_frag.c) ----- */

/* `{"id": "age", "kind": "bracket", "points": ` */
void rj_factor_head(struct out *o, const struct factor *f);

/* `, "max": "5.00", "state": "scored", "input": `; a factor not scored
 * goes on with its range: `... "state": "not-judged", "range": {"min": ` */
void rj_factor_state(struct out *o, const struct factor *f, enum factor_state s);

/* `, "source": "...", "provisional": ` */
void rj_factor_tail(struct out *o, const struct factor *f);

/* `, "level": "16-25"` and then what follows up to the provisional value:
 * a judged factor's `, "experts": ` (its count comes next), else the tail. */
void rj_factor_level(struct out *o, const struct factor *f, const char *level);

/* `{"id": "personal", "weight": "0.70", "source": "...", "score": ` */
void rj_part_head(struct out *o, const struct part *p);

/* `, "max": "100.00", "complete": true, "range": {"min": ` */
void rj_part_mid(struct out *o, const struct part *p, bool complete);

/* `{"id": "...", "holds": true, "why": "` (the sentence follows) */
void rj_criterion_head(struct out *o, const struct criterion *c, enum tri holds);

/* rj_criterion_why: the why of criterion result c, as the rest of a JSON
 * string whose '"' is written already. */
void rj_criterion_why(struct out *o, const struct facts *f, const struct criterion_result *c);

/* `, "source": "..."}` of a criterion or a checklist item */
void rj_source_tail(struct out *o, const char *source);

/* `{"slot": "passport", "state": "ok", "why": ` */
void rj_item_head(struct out *o, const char *slot, enum check_state s);

/* `{"kind": "raise", "factor": "education", "part": "personal", "from": ` */
void rj_raise_head(struct out *o, const char *factor, const char *part);

/* `, "to": "master", "adds_part": ` */
void rj_raise_to(struct out *o, const char *to);

/* `, "adds_total": "2.10", "reaches": false, "combination": true, "text": "`
 * (the sentence follows) */
void rj_advice_marks(struct out *o, const struct advice *ad, const struct advice_item *it);

/* `{"programme": "two-zones"` */
void rj_programme_head(struct out *o, const struct programme_policy *p);

/* `, "threshold": "70.00", "threshold_source": "..."` */
void rj_threshold_part(struct out *o, const struct programme_policy *p);

/* `, "edition": "2025", "date": "` (the date follows) */
void rj_programme_edition(struct out *o, const struct programme_policy *p);

/* ---- the cache: the fragments written for a whole bundle --------------- */

#define NSTATES 3      /* enum factor_state */
#define NTRI 3         /* enum tri */
#define NCHECK 6       /* enum check_state */
#define NCONST_WHY 3   /* the `why` kinds that depend on the slot alone */
#define NRULE_SOURCES 3 /* doc_rules' source_format, _names, _translation */
#define NWINDOW_ENDS 3  /* checklist_window_end: inside, before, after */

/* A value past these is still written right (without the cache), only
 * slower: a new state in the core should be counted here. */
_Static_assert(FSTATE_NOT_JUDGED == NSTATES - 1, "factor states");
_Static_assert(TRI_TRUE == NTRI - 1, "tri");
_Static_assert(CHECK_LATER == NCHECK - 1, "checklist states");

struct piece {
	const char *s;
	size_t n;
};

struct factor_pieces {
	struct piece head;           /* factor_head */
	struct piece state[NSTATES]; /* factor_state, by state */
	const char **labels;         /* the level labels a result may name */
	struct piece *level;         /* factor_level for labels[k]; [nlabels]: NULL */
	size_t nlabels;
	struct piece tail;           /* factor_tail */
	/* A bracket or choice factor scored at level j (most results) is
	 * scored_head[j], its input, scored_tail[j]: the head with the
	 * level's points and state "scored"; the level, the tail and the
	 * level's provisional mark to the closing brace.  NULL for others. */
	struct piece *scored_head, *scored_tail;
	/* A choice factor so scored whose input is the text of match value m
	 * of level j (most) is one piece: scored_match[j][m]. */
	struct piece **scored_match;
	/* A scored sum factor (input and level null) is head, its points,
	 * sum_tail[provisional]: from the state to the opening '[' of its
	 * subfactors.  Empty for other kinds. */
	struct piece sum_tail[2];
	struct factor_pieces *subs;  /* as factor->subs */
	/* A raise advice item to level k of a bracket or choice factor (its
	 * current level j) is raise_head, from[j], raise_to[k], its gains
	 * and marks, raise_text[k] and the rest of the sentence.  raise_text
	 * is the sentence's start, escaped, without quotes; .s is NULL for a
	 * level whose words depend on the application (a wage level).  All
	 * NULL for other kinds. */
	/* A judged factor scored as the mean of n experts (score_mean_text)
	 * is head, its points, judged_input[n], its level piece,
	 * judged_tail[n][provisional] (the count, the tail, the mark).  NULL
	 * for other kinds. */
	struct piece *judged_input;
	struct piece (*judged_tail)[2];
	const char *part_id;         /* the part raise_head names */
	struct piece raise_head;     /* `{"kind": "raise", ... "from": ` */
	struct piece *from, *raise_to, *raise_text;
};

/* A factor of a programme, sub-factors included, and its pieces: the
 * pieces of an advice item's factor are found here by its address. */
struct factor_ref {
	const struct factor *f;
	const struct factor_pieces *fp;
};

struct part_pieces {
	struct piece head, mid[2];   /* part_head, part_mid by complete */
	struct factor_pieces *factors;
};

struct criterion_pieces {
	struct piece head[NTRI];     /* criterion_head, by holds */
	struct piece tail;           /* source_tail of its source */
	/* by holds: the whole criterion when its why is constant
	 * (eligibility_why_constant), else .s NULL */
	struct piece whole[NTRI];
};

struct slot_pieces {
	struct piece head[NCHECK];   /* item_head, by state */
	struct piece why_tail[NCONST_WHY]; /* the constant `why` as a JSON
					    * string, then the source_tail */
	struct piece tail;           /* source_tail of the slot's source */
	/* by state: the head and the start of an uploaded item's why
	 * ("uploaded: "), its files follow (checklist_write_files) */
	struct piece uploaded[NCHECK];
};

struct programme_pieces {
	struct piece head, edition;  /* programme_head, programme_edition */
	struct part_pieces **tracks; /* [track][part] */
	struct criterion_pieces *criteria;
	struct slot_pieces *slots;
	struct piece window_tail;    /* source_tail of the window's source */
	/* The window item (checklist_window_slot) in a state is
	 * window_head[state], the application date, and the piece of its
	 * sentence's end (one of window_ends, compared by address):
	 * window_end_tail[k], the end and the window's source_tail. */
	struct piece window_head[NCHECK];
	const char *window_ends[NWINDOW_ENDS];
	struct piece window_end_tail[NWINDOW_ENDS];
	/* source_tail of each document rule's source (format, names,
	 * translation): the source of an item with a finding on one */
	const char *rule_sources[NRULE_SOURCES];
	struct piece rule_tails[NRULE_SOURCES];
	struct piece threshold;      /* threshold_part */
	struct factor_ref *refs;     /* by address, for factor_pieces_of */
	size_t nrefs;
};

struct result_json_cache {
	const struct programme_policy *programmes; /* the bundle's */
	size_t nprogrammes;
	struct programme_pieces *pieces;
};

/* the `why` kinds whose sentence depends on the slot alone (result_json_cache.c) */
extern const enum check_why rj_const_whys[NCONST_WHY];

/* index_in: i when p is &base[i] (i < n), else n: an element of another
 * bundle, or none, is written without the cache. */
static inline size_t index_in(const void *base, size_t n, size_t size, const void *p)
{
	size_t i = ((uintptr_t)p - (uintptr_t)base) / size;

	return i < n && (const char *)base + i * size == (const char *)p ? i : n;
}

#define INDEX_OF(arr, n, p) index_in((arr), (n), sizeof *(arr), (p))

/* index_near: index_in, tried first at `guess`.  Results come in the
 * policy's order (factor j of a part is nearly always its j-th factor),
 * so one compare usually settles it without index_in's division. */
static inline size_t index_near(const void *base, size_t n, size_t size, const void *p,
		size_t guess)
{
	if (guess < n && (const char *)base + guess * size == (const char *)p)
		return guess;
	return index_in(base, n, size, p);
}

#define INDEX_NEAR(arr, n, p, guess) index_near((arr), (n), sizeof *(arr), (p), (guess))

#endif
