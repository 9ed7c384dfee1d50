/* result_json.c - the `yingcai evaluate --json` object of formats.md.
 *
 * Key order and spelling are a contract with outside tools: extend with new
 * keys, never rename.  Decimals are strings with two places.
 *
 * An object is written as a sequence of fragments.  Each fragment that
 * depends only on the policy and on a small enumerated value (a factor's
 * state, a criterion's verdict, the level a factor matched) is one function
 * below; result_json() calls them for every result.  A result_json_cache
 * holds the output of those same functions for every element of a bundle
 * and every value, written once, so result_json_cached() writes a result
 * mostly as copies of a few long pieces (a factor is ~6 appends, a document
 * slot 2) and the numbers between them.  Pieces are found by index, from
 * the addresses the evaluation already holds (its factor is element i of
 * its part's factors), never by a hash lookup.  Because both paths run the
 * same fragment functions the bytes are the same by construction;
 * tests/unit/test_result.c compares them on every golden scenario.
 *
 * The sentences the core leaves to be written when shown (`why`, advice
 * `text`) are written straight into the output and escaped there.
 */
#include "result.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
static void out_resume(struct out *o)
{
	struct strbuf *sb = o->sb;

	o->w = sb->buf + sb->len;
	/* alloc is 0 while buf is the static empty string: no room at all */
	o->end = sb->failed || !sb->alloc ? o->w : sb->buf + sb->alloc - 1;
}

/* out_sync: what the cursor wrote becomes part of o->sb (len, NUL). */
static void out_sync(struct out *o)
{
	struct strbuf *sb = o->sb;

	if (o->w != sb->buf + sb->len) {
		sb->len = (size_t)(o->w - sb->buf);
		*o->w = '\0';
	}
}

/* out_grow: room for n bytes at o->w, growing o->sb; false when it cannot
 * grow (cap or memory: `failed` latches and nothing more is written). */
static bool __attribute__((noinline)) out_grow(struct out *o, size_t n)
{
	out_sync(o);
	if (!strbuf_grow(o->sb, n)) {
		o->end = o->w;
		return false;
	}
	out_resume(o);
	return true;
}

static inline bool room(struct out *o, size_t n)
{
	return (size_t)(o->end - o->w) >= n || out_grow(o, n);
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
static void str(struct out *o, const char *s)
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

static void str_or_null(struct out *o, const char *s)
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
static char *whole_number(char *w, uint64_t v)
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
static void number_input(struct out *o, int64_t num)
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
static void input(struct out *o, const struct factor_result *r)
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
static void dec(struct out *o, points_t p)
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
static void add_uint(struct out *o, unsigned v)
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
static void boolean(struct out *o, bool b)
{
	if (b)
		lit(o, "true");
	else
		lit(o, "false");
}

static void tri(struct out *o, enum tri t)
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
static size_t text_here(struct out *o)
{
	out_sync(o);
	return o->sb->len;
}

/* text_start: an opening '"', then text_here. */
static size_t text_start(struct out *o)
{
	lit(o, "\"");
	return text_here(o);
}

/* text_end: bytes written by the core after an opening '"' at from
 * become a JSON string. */
static void text_end(struct out *o, size_t from)
{
	strbuf_json_quote_from(o->sb, from);
	out_resume(o);
}

/* ---- fragments: what the policy alone decides -------------------------- */

/* `{"id": "age", "kind": "bracket", "points": ` */
static void factor_head(struct out *o, const struct factor *f)
{
	lit(o, "{\"id\": ");
	str(o, f->id);
	lit(o, ", \"kind\": ");
	str(o, factor_kind_name(f->kind));
	lit(o, ", \"points\": ");
}

/* `, "max": "5.00", "state": "scored", "input": `; a factor not scored
 * goes on with its range: `... "state": "not-judged", "range": {"min": ` */
static void factor_state(struct out *o, const struct factor *f, enum factor_state s)
{
	lit(o, ", \"max\": ");
	dec(o, f->max);
	lit(o, ", \"state\": ");
	str(o, factor_state_name(s));
	lit(o, s == FSTATE_SCORED ? ", \"input\": " : ", \"range\": {\"min\": ");
}

/* `, "source": "...", "provisional": ` */
static void factor_tail(struct out *o, const struct factor *f)
{
	lit(o, ", \"source\": ");
	str_or_null(o, f->source);
	lit(o, ", \"provisional\": ");
}

/* `, "level": "16-25"` and then what follows up to the provisional value:
 * a judged factor's `, "experts": ` (its count comes next), else the tail. */
static void factor_level(struct out *o, const struct factor *f, const char *level)
{
	lit(o, ", \"level\": ");
	str_or_null(o, level);
	if (f->kind == FACTOR_JUDGED)
		lit(o, ", \"experts\": ");
	else
		factor_tail(o, f);
}

/* `{"id": "personal", "weight": "0.70", "source": "...", "score": ` */
static void part_head(struct out *o, const struct part *p)
{
	lit(o, "{\"id\": ");
	str(o, p->id);
	lit(o, ", \"weight\": ");
	dec(o, p->weight);
	lit(o, ", \"source\": ");
	str_or_null(o, p->source);
	lit(o, ", \"score\": ");
}

/* `, "max": "100.00", "complete": true, "range": {"min": ` */
static void part_mid(struct out *o, const struct part *p, bool complete)
{
	lit(o, ", \"max\": ");
	dec(o, p->max);
	lit(o, ", \"complete\": ");
	boolean(o, complete);
	lit(o, ", \"range\": {\"min\": ");
}

/* `{"id": "...", "holds": true, "why": "` (the sentence follows) */
static void criterion_head(struct out *o, const struct criterion *c, enum tri holds)
{
	lit(o, "{\"id\": ");
	str(o, c->id);
	lit(o, ", \"holds\": ");
	tri(o, holds);
	lit(o, ", \"why\": \"");
}

/* criterion_why: the why of criterion result c, as the rest of a JSON
 * string whose '"' is written already. */
static void criterion_why(struct out *o, const struct facts *f,
		const struct criterion_result *c)
{
	size_t from = text_here(o);

	eligibility_write_why(f, c, o->sb);
	text_end(o, from);
}

/* `, "source": "..."}` of a criterion or a checklist item */
static void source_tail(struct out *o, const char *source)
{
	lit(o, ", \"source\": ");
	str_or_null(o, source);
	lit(o, "}");
}

/* `{"slot": "passport", "state": "ok", "why": ` */
static void item_head(struct out *o, const char *slot, enum check_state s)
{
	lit(o, "{\"slot\": ");
	str(o, slot);
	lit(o, ", \"state\": ");
	str(o, check_state_name(s));
	lit(o, ", \"why\": ");
}

/* `{"kind": "raise", "factor": "education", "part": "personal", "from": ` */
static void raise_head(struct out *o, const char *factor, const char *part)
{
	lit(o, "{\"kind\": \"raise\", \"factor\": ");
	str(o, factor);
	lit(o, ", \"part\": ");
	str_or_null(o, part);
	lit(o, ", \"from\": ");
}

/* `, "to": "master", "adds_part": ` */
static void raise_to(struct out *o, const char *to)
{
	lit(o, ", \"to\": ");
	str_or_null(o, to);
	lit(o, ", \"adds_part\": ");
}

/* `, "adds_total": "2.10", "reaches": false, "combination": true, "text": "`
 * (the sentence follows) */
static void advice_marks(struct out *o, const struct advice *ad, const struct advice_item *it)
{
	lit(o, ", \"adds_total\": ");
	dec(o, it->total_gain);
	lit(o, ", \"reaches\": ");
	boolean(o, it->reaches);
	lit(o, ", \"combination\": ");
	boolean(o, ad->combination);
	lit(o, ", \"text\": \"");
}

/* `{"programme": "two-zones"` */
static void programme_head(struct out *o, const struct programme_policy *p)
{
	lit(o, "{\"programme\": ");
	str(o, p->programme);
}

/* `, "edition": "2025", "date": "` (the date follows) */
/* `, "threshold": "70.00", "threshold_source": "..."` */
static void threshold_part(struct out *o, const struct programme_policy *p)
{
	lit(o, ", \"threshold\": ");
	dec(o, p->threshold);
	lit(o, ", \"threshold_source\": ");
	str_or_null(o, p->threshold_source);
}

static void programme_edition(struct out *o, const struct programme_policy *p)
{
	lit(o, ", \"edition\": ");
	str(o, p->edition);
	lit(o, ", \"date\": \"");
}

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

static const enum check_why const_whys[NCONST_WHY] = {WHY_UPLOAD, WHY_OPTIONAL, WHY_LATER};

/* index_in: i when p is &base[i] (i < n), else n: an element of another
 * bundle, or none, is written without the cache. */
static size_t index_in(const void *base, size_t n, size_t size, const void *p)
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

struct build {
	struct arena *a;
	struct strbuf sb;
	struct out o; /* writing into sb */
	bool failed;
	struct programme_pieces *pp; /* the programme being built */
	size_t refs_alloc;
};

/* keep: what b->o wrote as *pc, in the arena; then empty b->sb. */
static void keep(struct build *b, struct piece *pc)
{
	out_sync(&b->o);
	pc->s = b->sb.failed ? NULL : arena_strndup(b->a, b->sb.buf, b->sb.len);
	pc->n = b->sb.len;
	if (!pc->s)
		b->failed = true;
	strbuf_reset(&b->sb);
	out_resume(&b->o);
}

static void *alloc_n(struct build *b, size_t n, size_t size)
{
	void *p = arena_array(b->a, n ? n : 1, size);

	if (!p)
		b->failed = true;
	return p;
}

/* build_scored_match: fp's scored_match, as factor() writes a scored
 * choice from scored_head, the input and scored_tail. */
static void build_scored_match(struct build *b, const struct factor *f,
		struct factor_pieces *fp)
{
	fp->scored_match = alloc_n(b, f->nlevels, sizeof *fp->scored_match);
	for (size_t j = 0; !b->failed && j < f->nlevels; j++) {
		const struct level *l = &f->levels[j];

		fp->scored_match[j] = alloc_n(b, l->nmatch, sizeof **fp->scored_match);
		for (size_t m = 0; !b->failed && m < l->nmatch; m++) {
			factor_head(&b->o, f);
			dec(&b->o, l->points);
			factor_state(&b->o, f, FSTATE_SCORED);
			str(&b->o, l->match[m]);
			factor_level(&b->o, f, l->label);
			lit(&b->o, l->provisional ? "true}" : "false}");
			keep(b, &fp->scored_match[j][m]);
		}
	}
}

/* build_scored: fp's scored_head and scored_tail, written by the same
 * fragments as factor() writes a scored result, in the same order. */
static bool build_scored(struct build *b, const struct factor *f, struct factor_pieces *fp)
{
	fp->scored_head = alloc_n(b, f->nlevels, sizeof *fp->scored_head);
	fp->scored_tail = alloc_n(b, f->nlevels, sizeof *fp->scored_tail);
	if (!fp->scored_head || !fp->scored_tail)
		return false;
	for (size_t j = 0; j < f->nlevels; j++) {
		factor_head(&b->o, f);
		dec(&b->o, f->levels[j].points);
		factor_state(&b->o, f, FSTATE_SCORED);
		keep(b, &fp->scored_head[j]);
		factor_level(&b->o, f, f->levels[j].label);
		lit(&b->o, f->levels[j].provisional ? "true}" : "false}");
		keep(b, &fp->scored_tail[j]);
	}
	if (f->kind == FACTOR_CHOICE)
		build_scored_match(b, f, fp);
	return !b->failed;
}

/* keep_open: what b->o wrote as *pc, the text the core wrote from `from`
 * on escaped as the start of a JSON string that the writer goes on with
 * (no closing quote). */
static void keep_open(struct build *b, size_t from, struct piece *pc)
{
	text_end(&b->o, from); /* escapes it and closes the quote */
	keep(b, pc);
	if (pc->s)
		pc->n--; /* the closing quote */
}

/* build_raise: the pieces of f's raise advice items (f a factor of part p),
 * written by the same fragments as advice() writes them. */
static void build_raise(struct build *b, const struct factor *f, const struct part *p,
		struct factor_pieces *fp)
{
	fp->from = alloc_n(b, f->nlevels, sizeof *fp->from);
	fp->raise_to = alloc_n(b, f->nlevels, sizeof *fp->raise_to);
	fp->raise_text = alloc_n(b, f->nlevels, sizeof *fp->raise_text);
	if (b->failed)
		return;
	fp->part_id = p->id;
	raise_head(&b->o, f->id, p->id);
	keep(b, &fp->raise_head);
	for (size_t k = 0; k < f->nlevels; k++) {
		const struct level *l = &f->levels[k];

		str(&b->o, l->label);
		keep(b, &fp->from[k]);
		raise_to(&b->o, l->label);
		keep(b, &fp->raise_to[k]);
		if (advice_level_constant(f, l)) {
			advice_write_raise_head(NULL, f, l, &b->sb);
			keep_open(b, 0, &fp->raise_text[k]);
		}
	}
}

/* build_judged: fp's judged_input and judged_tail, written by the same
 * fragments as factor() writes a judged result, in the same order. */
static void build_judged(struct build *b, const struct factor *f, struct factor_pieces *fp)
{
	fp->judged_input = alloc_n(b, SCORE_MEAN_TEXTS, sizeof *fp->judged_input);
	fp->judged_tail = alloc_n(b, SCORE_MEAN_TEXTS, sizeof *fp->judged_tail);
	if (b->failed)
		return;
	for (unsigned n = 1; n < SCORE_MEAN_TEXTS; n++) {
		factor_state(&b->o, f, FSTATE_SCORED);
		str_or_null(&b->o, score_mean_text(n));
		keep(b, &fp->judged_input[n]);
		for (int prov = 0; prov < 2; prov++) {
			add_uint(&b->o, n);
			factor_tail(&b->o, f);
			lit(&b->o, prov ? "true}" : "false}");
			keep(b, &fp->judged_tail[n][prov]);
		}
	}
}

/* add_ref: f and its pieces into b->pp's refs. */
static void add_ref(struct build *b, const struct factor *f, const struct factor_pieces *fp)
{
	struct programme_pieces *pp = b->pp;

	if (pp->nrefs == b->refs_alloc) {
		size_t n = b->refs_alloc ? 2 * b->refs_alloc : 32;
		struct factor_ref *r = alloc_n(b, n, sizeof *r);

		if (!r)
			return;
		if (pp->nrefs)
			memcpy(r, pp->refs, pp->nrefs * sizeof *r);
		pp->refs = r;
		b->refs_alloc = n;
	}
	pp->refs[pp->nrefs++] = (struct factor_ref){f, fp};
}

static struct factor_pieces *build_factors(struct build *b, const struct part *p,
		const struct factor *fs, size_t n)
{
	struct factor_pieces *fps = alloc_n(b, n, sizeof *fps);

	for (size_t i = 0; fps && i < n; i++) {
		const struct factor *f = &fs[i];
		struct factor_pieces *fp = &fps[i];
		size_t k = 0;

		factor_head(&b->o, f);
		keep(b, &fp->head);
		for (int s = 0; s < NSTATES; s++) {
			factor_state(&b->o, f, (enum factor_state)s);
			keep(b, &fp->state[s]);
		}
		factor_tail(&b->o, f);
		keep(b, &fp->tail);
		fp->labels = alloc_n(b, f->nlevels + f->nrubric, sizeof *fp->labels);
		fp->level = alloc_n(b, f->nlevels + f->nrubric + 1, sizeof *fp->level);
		if (!fp->labels || !fp->level)
			return NULL;
		for (size_t j = 0; j < f->nlevels; j++)
			fp->labels[k++] = f->levels[j].label;
		for (size_t j = 0; j < f->nrubric; j++)
			fp->labels[k++] = f->rubric[j].label;
		fp->nlabels = k;
		for (size_t j = 0; j <= k; j++) {
			factor_level(&b->o, f, j < k ? fp->labels[j] : NULL);
			keep(b, &fp->level[j]);
		}
		if ((f->kind == FACTOR_BRACKET || f->kind == FACTOR_CHOICE) && f->nlevels &&
		    !build_scored(b, f, fp))
			return NULL;
		for (int prov = 0; f->kind == FACTOR_SUM && prov < 2; prov++) {
			/* as factor() writes it piece by piece */
			factor_state(&b->o, f, FSTATE_SCORED);
			lit(&b->o, "null");
			factor_level(&b->o, f, NULL);
			lit(&b->o, prov ? "true, \"subfactors\": [" : "false, \"subfactors\": [");
			keep(b, &fp->sum_tail[prov]);
		}
		if ((f->kind == FACTOR_BRACKET || f->kind == FACTOR_CHOICE) && f->nlevels)
			build_raise(b, f, p, fp);
		if (f->kind == FACTOR_JUDGED)
			build_judged(b, f, fp);
		add_ref(b, f, fp);
		fp->subs = build_factors(b, p, f->subs, f->nsubs);
	}
	return fps;
}

static struct part_pieces *build_parts(struct build *b, const struct track *t)
{
	struct part_pieces *pps = alloc_n(b, t->nparts, sizeof *pps);

	for (size_t i = 0; pps && i < t->nparts; i++) {
		const struct part *p = &t->parts[i];

		part_head(&b->o, p);
		keep(b, &pps[i].head);
		for (int c = 0; c < 2; c++) {
			part_mid(&b->o, p, c);
			keep(b, &pps[i].mid[c]);
		}
		pps[i].factors = build_factors(b, p, p->factors, p->nfactors);
	}
	return pps;
}

static void build_slot(struct build *b, const struct programme_policy *p,
		const struct doc_slot *s, struct slot_pieces *sp)
{
	for (int st = 0; st < NCHECK; st++) {
		item_head(&b->o, s->id, (enum check_state)st);
		keep(b, &sp->head[st]);
	}
	for (int k = 0; k < NCONST_WHY; k++) {
		size_t from;

		from = text_start(&b->o);
		checklist_write_slot_why(p, s, const_whys[k], &b->sb);
		text_end(&b->o, from);
		source_tail(&b->o, s->source);
		keep(b, &sp->why_tail[k]);
	}
	source_tail(&b->o, s->source);
	keep(b, &sp->tail);
	for (int st = 0; st < NCHECK; st++) {
		size_t from;

		item_head(&b->o, s->id, (enum check_state)st);
		from = text_start(&b->o);
		checklist_write_slot_why(p, s, WHY_UPLOADED, &b->sb);
		keep_open(b, from, &sp->uploaded[st]);
	}
}

/* build_window: the pieces of p's window item, as check_item() writes
 * it with checklist_write_why. */
static void build_window(struct build *b, const struct programme_policy *p,
		struct programme_pieces *pp)
{
	/* a date in each of the three cases */
	const date_t dates[NWINDOW_ENDS] = {p->window_opens, p->window_opens - 1,
					    p->window_opens + 1};
	const enum check_state states[NWINDOW_ENDS] = {CHECK_OK, CHECK_PROBLEM, CHECK_PROBLEM};

	for (int st = 0; st < NCHECK; st++) {
		size_t from;

		item_head(&b->o, checklist_window_slot, (enum check_state)st);
		from = text_start(&b->o);
		strbuf_add(&b->sb, p->docrules.window_head, p->docrules.window_head_len);
		keep_open(b, from, &pp->window_head[st]);
	}
	for (int k = 0; k < NWINDOW_ENDS; k++) {
		pp->window_ends[k] = checklist_window_end(p, states[k], dates[k]);
		text_here(&b->o); /* empty: from 0 */
		strbuf_addstr(&b->sb, pp->window_ends[k]);
		text_end(&b->o, 0);
		source_tail(&b->o, p->window_source);
		keep(b, &pp->window_end_tail[k]);
	}
}

static int ref_cmp(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct factor_ref *)x)->f;
	uintptr_t c = (uintptr_t)((const struct factor_ref *)y)->f;

	return (a > c) - (a < c);
}

static void build_programme(struct build *b, const struct programme_policy *p,
		struct programme_pieces *pp)
{
	pp->tracks = alloc_n(b, p->ntracks, sizeof *pp->tracks);
	pp->criteria = alloc_n(b, p->ncriteria, sizeof *pp->criteria);
	pp->slots = alloc_n(b, p->nslots, sizeof *pp->slots);
	if (b->failed)
		return;
	b->pp = pp;
	b->refs_alloc = 0;
	programme_head(&b->o, p);
	keep(b, &pp->head);
	programme_edition(&b->o, p);
	keep(b, &pp->edition);
	for (size_t t = 0; t < p->ntracks; t++)
		pp->tracks[t] = build_parts(b, &p->tracks[t]);
	for (size_t i = 0; i < p->ncriteria; i++) {
		struct criterion_pieces *cp = &pp->criteria[i];

		for (int h = 0; h < NTRI; h++) {
			criterion_head(&b->o, &p->criteria[i], (enum tri)h);
			keep(b, &cp->head[h]);
		}
		source_tail(&b->o, p->criteria[i].source);
		keep(b, &cp->tail);
		for (int h = 0; h < NTRI && eligibility_why_constant(&p->criteria[i]); h++) {
			struct criterion_result r = {.criterion = &p->criteria[i], .holds = h};

			criterion_head(&b->o, r.criterion, r.holds);
			criterion_why(&b->o, NULL, &r);
			source_tail(&b->o, r.criterion->source);
			keep(b, &cp->whole[h]);
		}
	}
	for (size_t i = 0; i < p->nslots; i++)
		build_slot(b, p, &p->slots[i], &pp->slots[i]);
	source_tail(&b->o, p->window_source);
	keep(b, &pp->window_tail);
	build_window(b, p, pp);
	pp->rule_sources[0] = p->docrules.source_format;
	pp->rule_sources[1] = p->docrules.source_names;
	pp->rule_sources[2] = p->docrules.source_translation;
	for (int k = 0; k < NRULE_SOURCES; k++) {
		source_tail(&b->o, pp->rule_sources[k]);
		keep(b, &pp->rule_tails[k]);
	}
	threshold_part(&b->o, p);
	keep(b, &pp->threshold);
	if (pp->nrefs)
		qsort(pp->refs, pp->nrefs, sizeof *pp->refs, ref_cmp);
}

struct result_json_cache *result_json_cache_build(const struct policy_bundle *bundle,
		struct arena *a)
{
	struct build b = {.a = a, .sb = STRBUF_INIT(1 << 24)};
	struct result_json_cache *c = arena_alloc(a, sizeof *c);

	if (!c)
		return NULL;
	b.o.sb = &b.sb;
	out_resume(&b.o);
	c->programmes = bundle->programmes;
	c->nprogrammes = bundle->nprogrammes;
	c->pieces = alloc_n(&b, bundle->nprogrammes, sizeof *c->pieces);
	for (size_t i = 0; !b.failed && i < bundle->nprogrammes; i++)
		build_programme(&b, &bundle->programmes[i], &c->pieces[i]);
	strbuf_release(&b.sb);
	return b.failed ? NULL : c;
}

/* ---- writing ------------------------------------------------------------ */

static void put(struct out *o, const struct piece *pc)
{
	add(o, pc->s, pc->n);
}

/* level_piece: fp's piece for the level label a result names (compared by
 * address), or NULL for a label that is not the factor's own ("holds"). */
static const struct piece *level_piece(const struct factor_pieces *fp, const char *level)
{
	if (!level)
		return &fp->level[fp->nlabels];
	for (size_t k = 0; k < fp->nlabels; k++)
		if (fp->labels[k] == level)
			return &fp->level[k];
	return NULL;
}

/* scored_at: the level of f a scored result r is written with from
 * scored_head/scored_tail (its points and mark are that level's), or
 * f->nlevels when r must be written piece by piece. */
static size_t scored_at(const struct factor_pieces *fp, const struct factor *f,
		const struct factor_result *r)
{
	if (!fp->scored_head || r->state != FSTATE_SCORED || r->nsubs || !r->level)
		return f->nlevels;
	for (size_t k = 0; k < f->nlevels; k++)
		if (fp->labels[k] == r->level)
			return r->points == f->levels[k].points &&
			       r->provisional == f->levels[k].provisional ? k : f->nlevels;
	return f->nlevels;
}

static void subfactors(struct out *o, const struct factor_result *r,
		const struct factor_pieces *fp);

/* factor: one factor result; fp its pieces or NULL. */
static void factor(struct out *o, const struct factor_result *r, const struct factor_pieces *fp)
{
	const struct factor *f = r->factor;
	const struct piece *lv;
	size_t k = fp ? scored_at(fp, f, r) : f->nlevels;

	if (k < f->nlevels && fp->scored_match && r->input_type == FACT_MISSING && r->input) {
		/* a choice: one copy when the input is a match value of its level */
		const struct level *l = &f->levels[k];

		for (size_t m = 0; m < l->nmatch; m++)
			if (l->match[m][0] == r->input[0] && strcmp(l->match[m], r->input) == 0) {
				put(o, &fp->scored_match[k][m]);
				return;
			}
	}
	if (k < f->nlevels) { /* most results: three copies */
		put(o, &fp->scored_head[k]);
		input(o, r);
		put(o, &fp->scored_tail[k]);
		return;
	}
	if (fp && fp->judged_input && r->state == FSTATE_SCORED && !r->nsubs &&
	    r->input_type == FACT_MISSING && r->njudges >= 1 && r->njudges < SCORE_MEAN_TEXTS &&
	    r->input == score_mean_text(r->njudges) && (lv = level_piece(fp, r->level)) != NULL) {
		/* a judged factor: five copies */
		put(o, &fp->head);
		dec(o, r->points);
		put(o, &fp->judged_input[r->njudges]);
		put(o, lv);
		put(o, &fp->judged_tail[r->njudges][r->provisional]);
		return;
	}
	if (fp && f->kind == FACTOR_SUM && r->state == FSTATE_SCORED && r->nsubs && !r->level &&
	    r->input_type == FACT_MISSING && !r->input) { /* a sum: three copies */
		put(o, &fp->head);
		dec(o, r->points);
		put(o, &fp->sum_tail[r->provisional]);
		subfactors(o, r, fp);
		return;
	}
	lv = fp ? level_piece(fp, r->level) : NULL;

	if (fp)
		put(o, &fp->head);
	else
		factor_head(o, f);
	if (r->state == FSTATE_SCORED)
		dec(o, r->points);
	else /* formats.md: a missing fact makes its factor not-provided, never zero */
		lit(o, "null");
	if (fp && (unsigned)r->state < NSTATES)
		put(o, &fp->state[r->state]);
	else
		factor_state(o, f, r->state);
	if (r->state != FSTATE_SCORED) {
		dec(o, r->min);
		lit(o, ", \"max\": ");
		dec(o, r->max);
		lit(o, "}, \"input\": ");
	}
	input(o, r);
	if (lv)
		put(o, lv);
	else
		factor_level(o, f, r->level);
	if (f->kind == FACTOR_JUDGED) {
		add_uint(o, r->njudges);
		if (fp)
			put(o, &fp->tail);
		else
			factor_tail(o, f);
	}
	if (!r->nsubs) {
		if (r->provisional)
			lit(o, "true}");
		else
			lit(o, "false}");
		return;
	}
	if (r->provisional)
		lit(o, "true, \"subfactors\": [");
	else
		lit(o, "false, \"subfactors\": [");
	subfactors(o, r, fp);
}

/* subfactors: r's sub-factor results, after the '[' that opens them. */
static void subfactors(struct out *o, const struct factor_result *r,
		const struct factor_pieces *fp)
{
	const struct factor *f = r->factor;

	for (size_t i = 0; i < r->nsubs; i++) {
		const struct factor_result *s = &r->subs[i];
		size_t si = fp ? INDEX_NEAR(f->subs, f->nsubs, s->factor, i) : 0;

		if (i)
			lit(o, ", ");
		factor(o, s, fp && si < f->nsubs ? &fp->subs[si] : NULL);
	}
	lit(o, "]}");
}

static void parts(struct out *o, const struct scorecard *sc)
{
	const struct part_pieces *pps = NULL;

	if (o->pp) {
		const struct programme_policy *pol = o->ev->policy;
		size_t t = INDEX_OF(pol->tracks, pol->ntracks, sc->track);

		pps = t < pol->ntracks ? o->pp->tracks[t] : NULL;
	}
	lit(o, "[");
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		const struct part *def = p->part;
		size_t k = pps ? INDEX_NEAR(sc->track->parts, sc->track->nparts, def, i) : 0;
		const struct part_pieces *pp = pps && k < sc->track->nparts ? &pps[k] : NULL;

		if (i)
			lit(o, ", ");
		if (pp)
			put(o, &pp->head);
		else
			part_head(o, def);
		dec(o, p->score);
		if (pp)
			put(o, &pp->mid[p->complete]);
		else
			part_mid(o, def, p->complete);
		dec(o, p->min);
		lit(o, ", \"max\": ");
		dec(o, p->max);
		lit(o, "}, \"factors\": [");
		for (size_t j = 0; j < p->nfactors; j++) {
			const struct factor_result *r = &p->factors[j];
			size_t fi = pp ? INDEX_NEAR(def->factors, def->nfactors, r->factor, j) : 0;

			if (j)
				lit(o, ", ");
			factor(o, r, pp && fi < def->nfactors ? &pp->factors[fi] : NULL);
		}
		lit(o, "]}");
	}
	lit(o, "]");
}

static void flags(struct out *o, unsigned fl)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{SCORE_SPLIT_PANEL, "\"split-panel\""},
		{SCORE_GATE_FAILED, "\"gate-failed\""},
		{SCORE_WINDOW_CLOSED, "\"window-closed\""},
	};
	bool first = true;

	lit(o, "[");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(fl & names[i].bit))
			continue;
		if (!first)
			lit(o, ", ");
		lit(o, names[i].name);
		first = false;
	}
	lit(o, "]");
}

static void eligibility(struct out *o, const struct eligibility *el)
{
	const struct programme_policy *pol = o->ev->policy;

	lit(o, "{\"eligible\": ");
	tri(o, el->eligible);
	lit(o, ", \"criteria\": [");
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		size_t k = o->pp ? INDEX_NEAR(pol->criteria, pol->ncriteria, c->criterion, i) : 0;
		const struct criterion_pieces *cp =
			o->pp && k < pol->ncriteria ? &o->pp->criteria[k] : NULL;

		if (i)
			lit(o, ", ");
		if (cp && (unsigned)c->holds < NTRI && cp->whole[c->holds].s) {
			put(o, &cp->whole[c->holds]); /* a why of the outcome alone */
			continue;
		}
		if (cp && (unsigned)c->holds < NTRI)
			put(o, &cp->head[c->holds]);
		else
			criterion_head(o, c->criterion, c->holds);
		criterion_why(o, &o->ev->facts, c);
		if (cp)
			put(o, &cp->tail);
		else
			source_tail(o, c->criterion->source);
	}
	lit(o, "]}");
}

/* const_why: the index in const_whys of an item whose `why` is the slot's
 * own sentence, or NCONST_WHY. */
static size_t const_why(const struct check_item *it)
{
	for (size_t k = 0; k < NCONST_WHY; k++)
		if (const_whys[k] == it->whykind)
			return checklist_why_constant(it) ? k : NCONST_WHY;
	return NCONST_WHY;
}

/* check_item: item number i of the checklist (slot i when the slots come
 * in the policy's order, as they do). */
/* rule_tail: the source_tail of source, copied when it is a document
 * rule's (a finding on the file type, name or language: their sources
 * quote the notice and would be escaped again each time). */
static void rule_tail(struct out *o, const char *source)
{
	for (int k = 0; o->pp && k < NRULE_SOURCES; k++)
		if (source == o->pp->rule_sources[k]) {
			put(o, &o->pp->rule_tails[k]);
			return;
		}
	source_tail(o, source);
}

/* window_item: it, the window item, from the pieces; false when they do
 * not fit it (nothing written). */
static bool window_item(struct out *o, const struct check_item *it)
{
	const struct programme_policy *pol = o->ev->policy;
	const char *end;

	if (!o->pp || it->slot != checklist_window_slot || it->whykind != WHY_WINDOW ||
	    it->source != pol->window_source || (unsigned)it->state >= NCHECK)
		return false;
	end = checklist_window_end(pol, it->state, o->ev->facts.app->date);
	for (size_t k = 0; k < NWINDOW_ENDS; k++) {
		if (end != o->pp->window_ends[k])
			continue;
		put(o, &o->pp->window_head[it->state]);
		/* as checklist_write_why writes it: ten characters, nothing to escape */
		add(o, o->date, DATE_FMT_MAX - 1);
		put(o, &o->pp->window_end_tail[k]);
		return true;
	}
	return false;
}

static void check_item(struct out *o, const struct check_item *it, size_t i)
{
	const struct programme_policy *pol = o->ev->policy;
	const struct slot_pieces *sp = NULL;
	bool own_source;
	size_t from;

	if (!it->def && window_item(o, it))
		return;
	if (o->pp && it->def) {
		size_t k = INDEX_NEAR(pol->slots, pol->nslots, it->def, i);

		if (k < pol->nslots && it->slot == it->def->id)
			sp = &o->pp->slots[k];
	}
	own_source = sp && it->source == it->def->source;
	if (own_source && it->whykind == WHY_UPLOADED && (unsigned)it->state < NCHECK) {
		put(o, &sp->uploaded[it->state]);
		from = text_here(o);
		checklist_write_files(it, o->sb);
		text_end(o, from);
		put(o, &sp->tail);
		return;
	}
	if (sp && (unsigned)it->state < NCHECK)
		put(o, &sp->head[it->state]);
	else
		item_head(o, it->slot, it->state);
	if (own_source) {
		/* most items say only what the slot is: one copy to the end */
		size_t k = const_why(it);

		if (k < NCONST_WHY) {
			put(o, &sp->why_tail[k]);
			return;
		}
	}
	from = text_start(o);
	checklist_write_why(pol, &o->ev->facts, it, &o->scratch, o->sb);
	text_end(o, from);
	if (own_source)
		put(o, &sp->tail);
	else if (o->pp && !it->def && it->source == pol->window_source)
		put(o, &o->pp->window_tail);
	else
		rule_tail(o, it->source);
}

static void checklist(struct out *o, const struct checklist *cl)
{

	lit(o, "{\"complete\": ");
	boolean(o, cl->complete);
	lit(o, ", \"items\": [");
	for (size_t i = 0; i < cl->nitems; i++) {
		if (i)
			lit(o, ", ");
		check_item(o, &cl->items[i], i);
	}
	lit(o, "]}");
}

/* factor_pieces_of: the pieces of factor f of ev's programme, or NULL. */
static const struct factor_pieces *factor_pieces_of(const struct out *o,
		const struct factor *f)
{
	size_t lo = 0, hi = o->pp ? o->pp->nrefs : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct factor_ref *r = &o->pp->refs[mid];

		if (r->f == f)
			return r->fp;
		if ((uintptr_t)r->f < (uintptr_t)f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* raise_cached: it, a raise item, written from its factor's pieces (the
 * sentence's start, then the rest by the core); false when they do not
 * fit it (nothing written). */
static bool raise_cached(struct out *o, const struct evaluation *ev, const struct advice *ad,
		const struct advice_item *it)
{
	const struct factor *f = it->result->factor;
	const struct factor_pieces *fp;
	size_t k, j;

	if (it->provide || !it->from_level || !(fp = factor_pieces_of(o, f)) || !fp->raise_text)
		return false;
	k = INDEX_OF(f->levels, f->nlevels, it->level);
	if (k == f->nlevels || !fp->raise_text[k].s || it->to_level != f->levels[k].label ||
	    it->factor != f->id || it->part != fp->part_id)
		return false;
	put(o, &fp->raise_head);
	for (j = 0; j < f->nlevels && f->levels[j].label != it->from_level; j++)
		;
	if (j < f->nlevels)
		put(o, &fp->from[j]);
	else
		str(o, it->from_level);
	put(o, &fp->raise_to[k]);
	dec(o, it->part_gain);
	advice_marks(o, ad, it);
	put(o, &fp->raise_text[k]);
	{
		size_t from = text_here(o);

		advice_write_raise_rest(&ev->facts, ad, it, o->sb);
		text_end(o, from);
	}
	lit(o, "}");
	return true;
}

/* advice: ad, the advice of ev, as a JSON array; `judged`: with the item
 * on the experts' share (not for the best case, where they gave everything). */
static void advice(struct out *o, const struct evaluation *ev, const struct advice *ad,
		bool judged)
{
	bool first = true;
	size_t from;

	lit(o, "[");
	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		if (!first)
			lit(o, ", ");
		first = false;
		if (raise_cached(o, ev, ad, it))
			continue;
		if (it->from_level) {
			raise_head(o, it->factor, it->part);
		} else {
			lit(o, "{\"kind\": \"provide\", \"factor\": ");
			str(o, it->factor);
			lit(o, ", \"part\": ");
			str_or_null(o, it->part);
			lit(o, ", \"from\": ");
		}
		str_or_null(o, it->from_level);
		raise_to(o, it->to_level);
		dec(o, it->part_gain);
		advice_marks(o, ad, it);
		from = text_here(o);
		advice_write_text(&ev->facts, ad, it, o->sb);
		text_end(o, from);
		lit(o, "}");
	}
	if (judged && ad->has_judged_needed) {
		if (!first)
			lit(o, ", ");
		lit(o, "{\"kind\": \"judged\", \"judged_points_needed\": ");
		dec(o, ad->judged_needed);
		lit(o, ", \"text\": \"");
		from = text_here(o);
		advice_write_judged_text(&ev->scorecard, ad, o->sb);
		text_end(o, from);
		lit(o, "}");
	}
	lit(o, "]");
}

static void totals(struct out *o, const struct evaluation *ev,
		const struct programme_pieces *pp)
{
	const struct scorecard *sc = &ev->scorecard;

	if (sc->scored) {
		lit(o, ", \"total\": ");
		dec(o, sc->total);
		if (pp)
			put(o, &pp->threshold);
		else
			threshold_part(o, ev->policy);
	} else {
		lit(o, ", \"total\": null, \"threshold\": null, \"threshold_source\": null");
	}
	lit(o, ", \"passes\": ");
	tri(o, ev->passes);
	if (sc->scored) {
		lit(o, ", \"range\": {\"min\": ");
		dec(o, sc->min);
		lit(o, ", \"max\": ");
		dec(o, sc->max);
		lit(o, "}");
	} else {
		lit(o, ", \"range\": null");
	}
	lit(o, ", \"flags\": ");
	flags(o, sc->flags);
	if (sc->nexpert_totals) {
		/* each expert's own total: how a split panel is decided */
		lit(o, ", \"expert_totals\": [");
		for (size_t i = 0; i < sc->nexpert_totals; i++) {
			lit(o, i ? ", {\"expert\": " : "{\"expert\": ");
			str_or_null(o, sc->expert_ids[i]);
			lit(o, ", \"total\": ");
			dec(o, sc->expert_totals[i]);
			lit(o, "}");
		}
		lit(o, "]");
	}
}

void result_json_cached(const struct evaluation *ev, const struct result_json_cache *cache,
		struct strbuf *sb)
{
	const struct programme_policy *pol = ev->policy;
	struct out out = {.sb = sb, .ev = ev}, *o = &out;

	if (cache) {
		size_t k = INDEX_OF(cache->programmes, cache->nprogrammes, pol);

		o->pp = k < cache->nprogrammes ? &cache->pieces[k] : NULL;
	}
	arena_init(&o->scratch, 0);
	out_resume(o);
	if (o->pp)
		put(o, &o->pp->head);
	else
		programme_head(o, pol);
	if (ev->facts.app->track) {
		lit(o, ", \"track\": ");
		str(o, ev->facts.app->track);
	}
	if (o->pp)
		put(o, &o->pp->edition);
	else
		programme_edition(o, pol);
	/* date_format always writes ten characters, digits and '-' (nothing
	 * to escape), so they go between the quotes as they are */
	add(o, date_format(ev->facts.app->date, o->date), DATE_FMT_MAX - 1);
	lit(o, "\", \"complete\": ");
	boolean(o, ev->scorecard.complete);
	totals(o, ev, o->pp);
	lit(o, ", \"eligibility\": ");
	eligibility(o, &ev->eligibility);
	lit(o, ", \"parts\": ");
	parts(o, &ev->scorecard);
	lit(o, ", \"checklist\": ");
	checklist(o, &ev->checklist);
	lit(o, ", \"advice\": ");
	advice(o, ev, &ev->advice, true);
	if (ev->full_marks && ev->full_marks->advice.nitems) {
		/* present only when even full expert marks cannot reach the
		 * threshold: the changes that would reach it in that best case */
		lit(o, ", \"advice_full_marks\": ");
		advice(o, ev->full_marks, &ev->full_marks->advice, false);
	}
	lit(o, "}");
	out_sync(o);
	arena_release(&o->scratch);
}

void result_json(const struct evaluation *ev, struct strbuf *sb)
{
	result_json_cached(ev, NULL, sb);
}
