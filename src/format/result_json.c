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
#include <string.h>

/* ---- small writers ----------------------------------------------------- */

/* lit: a literal; inlined, its strlen() is a constant. */
static inline void lit(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, s);
}

static void str(struct strbuf *sb, const char *s)
{
	strbuf_add_json(sb, s);
}

static void str_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json(sb, s);
	else
		lit(sb, "null");
}

/* number_input: a numeric input as factor_result_input() describes it
 * (facts_describe: points_format_n, whole numbers without ".00": "41",
 * "900000", "12.50"), in quotes, formatted straight into the output.  A
 * result has some six; going through the describing buffer, strlen and
 * the escaping scan cost four times as much, and digits, '-' and '.'
 * never need escaping.  test_result.c and the goldens hold it to
 * factor_result_input's text. */
static void number_input(struct strbuf *sb, int64_t num)
{
	char *q;
	size_t n;

	if (!strbuf_has_room(sb, POINTS_FMT_MAX + 2) && !strbuf_grow(sb, POINTS_FMT_MAX + 2))
		return;
	q = sb->buf + sb->len;
	q[0] = '"';
	n = points_format_n(num, q + 1);
	if (num % 100 == 0)
		n -= 3;
	q[n + 1] = '"';
	q[n + 2] = '\0';
	sb->len += n + 2;
}

/* input: what factor result r used (factor_result_input), or null. */
static void input(struct strbuf *sb, const struct factor_result *r)
{
	char buf[FACTOR_INPUT_MAX];

	if (r->input_type == FACT_NUMBER)
		number_input(sb, r->input_num);
	else
		str_or_null(sb, factor_result_input(r, buf));
}

/* dec: p as points_format() writes it, in quotes ("12.30"), formatted
 * straight into the buffer (a result has some 60).  Points from 0.00 to
 * 999.99, nearly all a result holds, are written here two digits at a
 * time; points_format_n() is general and some three times slower. */
static void dec(struct strbuf *sb, points_t p)
{
	static const char pairs[] =
		"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
		"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
		"8081828384858687888990919293949596979899";
	unsigned whole, tens;
	char *q, *w;

	if (!strbuf_has_room(sb, POINTS_FMT_MAX + 2) && !strbuf_grow(sb, POINTS_FMT_MAX + 2))
		return;
	q = sb->buf + sb->len;
	q[0] = '"';
	if (p < 0 || p >= 100000) {
		size_t n = points_format_n(p, q + 1);

		q[n + 1] = '"';
		q[n + 2] = '\0';
		sb->len += n + 2;
		return;
	}
	whole = (unsigned)p / 100;
	tens = whole % 100;
	w = q + 1;
	if (whole >= 100)
		*w++ = (char)('0' + whole / 100);
	if (whole >= 10)
		*w++ = pairs[2 * tens];
	*w++ = pairs[2 * tens + 1];
	*w++ = '.';
	memcpy(w, pairs + 2 * ((unsigned)p % 100), 2);
	w[2] = '"';
	w[3] = '\0';
	sb->len += (size_t)(w + 3 - q);
}

/* boolean, tri: each literal in its own call, so its length is a constant */
static void boolean(struct strbuf *sb, bool b)
{
	if (b)
		lit(sb, "true");
	else
		lit(sb, "false");
}

static void tri(struct strbuf *sb, enum tri t)
{
	if (t == TRI_TRUE)
		lit(sb, "true");
	else if (t == TRI_FALSE)
		lit(sb, "false");
	else
		lit(sb, "null");
}

/* text_end: bytes written by the core after an opening '"' at from
 * become a JSON string. */
static void text_end(struct strbuf *sb, size_t from)
{
	strbuf_json_quote_from(sb, from);
}

/* ---- fragments: what the policy alone decides -------------------------- */

/* `{"id": "age", "kind": "bracket", "points": ` */
static void factor_head(struct strbuf *sb, const struct factor *f)
{
	lit(sb, "{\"id\": ");
	str(sb, f->id);
	lit(sb, ", \"kind\": ");
	str(sb, factor_kind_name(f->kind));
	lit(sb, ", \"points\": ");
}

/* `, "max": "5.00", "state": "scored", "input": `; a factor not scored
 * goes on with its range: `... "state": "not-judged", "range": {"min": ` */
static void factor_state(struct strbuf *sb, const struct factor *f, enum factor_state s)
{
	lit(sb, ", \"max\": ");
	dec(sb, f->max);
	lit(sb, ", \"state\": ");
	str(sb, factor_state_name(s));
	lit(sb, s == FSTATE_SCORED ? ", \"input\": " : ", \"range\": {\"min\": ");
}

/* `, "source": "...", "provisional": ` */
static void factor_tail(struct strbuf *sb, const struct factor *f)
{
	lit(sb, ", \"source\": ");
	str_or_null(sb, f->source);
	lit(sb, ", \"provisional\": ");
}

/* `, "level": "16-25"` and then what follows up to the provisional value:
 * a judged factor's `, "experts": ` (its count comes next), else the tail. */
static void factor_level(struct strbuf *sb, const struct factor *f, const char *level)
{
	lit(sb, ", \"level\": ");
	str_or_null(sb, level);
	if (f->kind == FACTOR_JUDGED)
		lit(sb, ", \"experts\": ");
	else
		factor_tail(sb, f);
}

/* `{"id": "personal", "weight": "0.70", "source": "...", "score": ` */
static void part_head(struct strbuf *sb, const struct part *p)
{
	lit(sb, "{\"id\": ");
	str(sb, p->id);
	lit(sb, ", \"weight\": ");
	dec(sb, p->weight);
	lit(sb, ", \"source\": ");
	str_or_null(sb, p->source);
	lit(sb, ", \"score\": ");
}

/* `, "max": "100.00", "complete": true, "range": {"min": ` */
static void part_mid(struct strbuf *sb, const struct part *p, bool complete)
{
	lit(sb, ", \"max\": ");
	dec(sb, p->max);
	lit(sb, ", \"complete\": ");
	boolean(sb, complete);
	lit(sb, ", \"range\": {\"min\": ");
}

/* `{"id": "...", "holds": true, "why": "` (the sentence follows) */
static void criterion_head(struct strbuf *sb, const struct criterion *c, enum tri holds)
{
	lit(sb, "{\"id\": ");
	str(sb, c->id);
	lit(sb, ", \"holds\": ");
	tri(sb, holds);
	lit(sb, ", \"why\": \"");
}

/* `, "source": "..."}` of a criterion or a checklist item */
static void source_tail(struct strbuf *sb, const char *source)
{
	lit(sb, ", \"source\": ");
	str_or_null(sb, source);
	lit(sb, "}");
}

/* `{"slot": "passport", "state": "ok", "why": ` */
static void item_head(struct strbuf *sb, const char *slot, enum check_state s)
{
	lit(sb, "{\"slot\": ");
	str(sb, slot);
	lit(sb, ", \"state\": ");
	str(sb, check_state_name(s));
	lit(sb, ", \"why\": ");
}

/* `{"programme": "two-zones"` */
static void programme_head(struct strbuf *sb, const struct programme_policy *p)
{
	lit(sb, "{\"programme\": ");
	str(sb, p->programme);
}

/* `, "edition": "2025", "date": "` (the date follows) */
/* `, "threshold": "70.00", "threshold_source": "..."` */
static void threshold_part(struct strbuf *sb, const struct programme_policy *p)
{
	lit(sb, ", \"threshold\": ");
	dec(sb, p->threshold);
	lit(sb, ", \"threshold_source\": ");
	str_or_null(sb, p->threshold_source);
}

static void programme_edition(struct strbuf *sb, const struct programme_policy *p)
{
	lit(sb, ", \"edition\": ");
	str(sb, p->edition);
	lit(sb, ", \"date\": \"");
}

/* ---- the cache: the fragments written for a whole bundle --------------- */

#define NSTATES 3      /* enum factor_state */
#define NTRI 3         /* enum tri */
#define NCHECK 6       /* enum check_state */
#define NCONST_WHY 3   /* the `why` kinds that depend on the slot alone */

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
	struct factor_pieces *subs;  /* as factor->subs */
};

struct part_pieces {
	struct piece head, mid[2];   /* part_head, part_mid by complete */
	struct factor_pieces *factors;
};

struct criterion_pieces {
	struct piece head[NTRI];     /* criterion_head, by holds */
	struct piece tail;           /* source_tail of its source */
};

struct slot_pieces {
	struct piece head[NCHECK];   /* item_head, by state */
	struct piece why_tail[NCONST_WHY]; /* the constant `why` as a JSON
					    * string, then the source_tail */
	struct piece tail;           /* source_tail of the slot's source */
};

struct programme_pieces {
	struct piece head, edition;  /* programme_head, programme_edition */
	struct part_pieces **tracks; /* [track][part] */
	struct criterion_pieces *criteria;
	struct slot_pieces *slots;
	struct piece window_tail;    /* source_tail of the window's source */
	struct piece threshold;      /* threshold_part */
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
	bool failed;
};

/* keep: what b->sb holds as *pc, in the arena; then empty b->sb. */
static void keep(struct build *b, struct piece *pc)
{
	pc->s = b->sb.failed ? NULL : arena_strndup(b->a, b->sb.buf, b->sb.len);
	pc->n = b->sb.len;
	if (!pc->s)
		b->failed = true;
	strbuf_reset(&b->sb);
}

static void *alloc_n(struct build *b, size_t n, size_t size)
{
	void *p = arena_array(b->a, n ? n : 1, size);

	if (!p)
		b->failed = true;
	return p;
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
		factor_head(&b->sb, f);
		dec(&b->sb, f->levels[j].points);
		factor_state(&b->sb, f, FSTATE_SCORED);
		keep(b, &fp->scored_head[j]);
		factor_level(&b->sb, f, f->levels[j].label);
		lit(&b->sb, f->levels[j].provisional ? "true}" : "false}");
		keep(b, &fp->scored_tail[j]);
	}
	return true;
}

static struct factor_pieces *build_factors(struct build *b, const struct factor *fs, size_t n)
{
	struct factor_pieces *fps = alloc_n(b, n, sizeof *fps);

	for (size_t i = 0; fps && i < n; i++) {
		const struct factor *f = &fs[i];
		struct factor_pieces *fp = &fps[i];
		size_t k = 0;

		factor_head(&b->sb, f);
		keep(b, &fp->head);
		for (int s = 0; s < NSTATES; s++) {
			factor_state(&b->sb, f, (enum factor_state)s);
			keep(b, &fp->state[s]);
		}
		factor_tail(&b->sb, f);
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
			factor_level(&b->sb, f, j < k ? fp->labels[j] : NULL);
			keep(b, &fp->level[j]);
		}
		if ((f->kind == FACTOR_BRACKET || f->kind == FACTOR_CHOICE) && f->nlevels &&
		    !build_scored(b, f, fp))
			return NULL;
		fp->subs = build_factors(b, f->subs, f->nsubs);
	}
	return fps;
}

static struct part_pieces *build_parts(struct build *b, const struct track *t)
{
	struct part_pieces *pps = alloc_n(b, t->nparts, sizeof *pps);

	for (size_t i = 0; pps && i < t->nparts; i++) {
		const struct part *p = &t->parts[i];

		part_head(&b->sb, p);
		keep(b, &pps[i].head);
		for (int c = 0; c < 2; c++) {
			part_mid(&b->sb, p, c);
			keep(b, &pps[i].mid[c]);
		}
		pps[i].factors = build_factors(b, p->factors, p->nfactors);
	}
	return pps;
}

static void build_slot(struct build *b, const struct programme_policy *p,
		const struct doc_slot *s, struct slot_pieces *sp)
{
	for (int st = 0; st < NCHECK; st++) {
		item_head(&b->sb, s->id, (enum check_state)st);
		keep(b, &sp->head[st]);
	}
	for (int k = 0; k < NCONST_WHY; k++) {
		size_t from;

		strbuf_addch(&b->sb, '"');
		from = b->sb.len;
		checklist_write_slot_why(p, s, const_whys[k], &b->sb);
		text_end(&b->sb, from);
		source_tail(&b->sb, s->source);
		keep(b, &sp->why_tail[k]);
	}
	source_tail(&b->sb, s->source);
	keep(b, &sp->tail);
}

static void build_programme(struct build *b, const struct programme_policy *p,
		struct programme_pieces *pp)
{
	pp->tracks = alloc_n(b, p->ntracks, sizeof *pp->tracks);
	pp->criteria = alloc_n(b, p->ncriteria, sizeof *pp->criteria);
	pp->slots = alloc_n(b, p->nslots, sizeof *pp->slots);
	if (b->failed)
		return;
	programme_head(&b->sb, p);
	keep(b, &pp->head);
	programme_edition(&b->sb, p);
	keep(b, &pp->edition);
	for (size_t t = 0; t < p->ntracks; t++)
		pp->tracks[t] = build_parts(b, &p->tracks[t]);
	for (size_t i = 0; i < p->ncriteria; i++) {
		struct criterion_pieces *cp = &pp->criteria[i];

		for (int h = 0; h < NTRI; h++) {
			criterion_head(&b->sb, &p->criteria[i], (enum tri)h);
			keep(b, &cp->head[h]);
		}
		source_tail(&b->sb, p->criteria[i].source);
		keep(b, &cp->tail);
	}
	for (size_t i = 0; i < p->nslots; i++)
		build_slot(b, p, &p->slots[i], &pp->slots[i]);
	source_tail(&b->sb, p->window_source);
	keep(b, &pp->window_tail);
	threshold_part(&b->sb, p);
	keep(b, &pp->threshold);
}

struct result_json_cache *result_json_cache_build(const struct policy_bundle *bundle,
		struct arena *a)
{
	struct build b = {a, STRBUF_INIT(1 << 24), false};
	struct result_json_cache *c = arena_alloc(a, sizeof *c);

	if (!c)
		return NULL;
	c->programmes = bundle->programmes;
	c->nprogrammes = bundle->nprogrammes;
	c->pieces = alloc_n(&b, bundle->nprogrammes, sizeof *c->pieces);
	for (size_t i = 0; !b.failed && i < bundle->nprogrammes; i++)
		build_programme(&b, &bundle->programmes[i], &c->pieces[i]);
	strbuf_release(&b.sb);
	return b.failed ? NULL : c;
}

/* ---- writing ------------------------------------------------------------ */

struct out {
	struct strbuf *sb;
	const struct evaluation *ev;
	const struct programme_pieces *pp; /* the cache for ev's programme, or NULL */
	struct arena scratch; /* for the rare long text (checklist_write_why) */
};

static void put(struct strbuf *sb, const struct piece *pc)
{
	strbuf_add(sb, pc->s, pc->n);
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

/* factor: one factor result; fp its pieces or NULL. */
static void factor(struct out *o, const struct factor_result *r, const struct factor_pieces *fp)
{
	struct strbuf *sb = o->sb;
	const struct factor *f = r->factor;
	const struct piece *lv;
	size_t k = fp ? scored_at(fp, f, r) : f->nlevels;

	if (k < f->nlevels) { /* most results: three copies */
		put(sb, &fp->scored_head[k]);
		input(sb, r);
		put(sb, &fp->scored_tail[k]);
		return;
	}
	lv = fp ? level_piece(fp, r->level) : NULL;

	if (fp)
		put(sb, &fp->head);
	else
		factor_head(sb, f);
	if (r->state == FSTATE_SCORED)
		dec(sb, r->points);
	else /* formats.md: a missing fact makes its factor not-provided, never zero */
		lit(sb, "null");
	if (fp && (unsigned)r->state < NSTATES)
		put(sb, &fp->state[r->state]);
	else
		factor_state(sb, f, r->state);
	if (r->state != FSTATE_SCORED) {
		dec(sb, r->min);
		lit(sb, ", \"max\": ");
		dec(sb, r->max);
		lit(sb, "}, \"input\": ");
	}
	input(sb, r);
	if (lv)
		put(sb, lv);
	else
		factor_level(sb, f, r->level);
	if (f->kind == FACTOR_JUDGED) {
		strbuf_add_uint(sb, r->njudges);
		if (fp)
			put(sb, &fp->tail);
		else
			factor_tail(sb, f);
	}
	if (!r->nsubs) {
		if (r->provisional)
			lit(sb, "true}");
		else
			lit(sb, "false}");
		return;
	}
	if (r->provisional)
		lit(sb, "true, \"subfactors\": [");
	else
		lit(sb, "false, \"subfactors\": [");
	for (size_t i = 0; i < r->nsubs; i++) {
		const struct factor_result *s = &r->subs[i];
		size_t si = fp ? INDEX_NEAR(f->subs, f->nsubs, s->factor, i) : 0;

		if (i)
			lit(sb, ", ");
		factor(o, s, fp && si < f->nsubs ? &fp->subs[si] : NULL);
	}
	lit(sb, "]}");
}

static void parts(struct out *o, const struct scorecard *sc)
{
	struct strbuf *sb = o->sb;
	const struct part_pieces *pps = NULL;

	if (o->pp) {
		const struct programme_policy *pol = o->ev->policy;
		size_t t = INDEX_OF(pol->tracks, pol->ntracks, sc->track);

		pps = t < pol->ntracks ? o->pp->tracks[t] : NULL;
	}
	lit(sb, "[");
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		const struct part *def = p->part;
		size_t k = pps ? INDEX_NEAR(sc->track->parts, sc->track->nparts, def, i) : 0;
		const struct part_pieces *pp = pps && k < sc->track->nparts ? &pps[k] : NULL;

		if (i)
			lit(sb, ", ");
		if (pp)
			put(sb, &pp->head);
		else
			part_head(sb, def);
		dec(sb, p->score);
		if (pp)
			put(sb, &pp->mid[p->complete]);
		else
			part_mid(sb, def, p->complete);
		dec(sb, p->min);
		lit(sb, ", \"max\": ");
		dec(sb, p->max);
		lit(sb, "}, \"factors\": [");
		for (size_t j = 0; j < p->nfactors; j++) {
			const struct factor_result *r = &p->factors[j];
			size_t fi = pp ? INDEX_NEAR(def->factors, def->nfactors, r->factor, j) : 0;

			if (j)
				lit(sb, ", ");
			factor(o, r, pp && fi < def->nfactors ? &pp->factors[fi] : NULL);
		}
		lit(sb, "]}");
	}
	lit(sb, "]");
}

static void flags(struct strbuf *sb, unsigned fl)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{SCORE_SPLIT_PANEL, "\"split-panel\""},
		{SCORE_GATE_FAILED, "\"gate-failed\""},
		{SCORE_WINDOW_CLOSED, "\"window-closed\""},
	};
	bool first = true;

	lit(sb, "[");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(fl & names[i].bit))
			continue;
		if (!first)
			lit(sb, ", ");
		lit(sb, names[i].name);
		first = false;
	}
	lit(sb, "]");
}

static void eligibility(struct out *o, const struct eligibility *el)
{
	struct strbuf *sb = o->sb;
	const struct programme_policy *pol = o->ev->policy;

	lit(sb, "{\"eligible\": ");
	tri(sb, el->eligible);
	lit(sb, ", \"criteria\": [");
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		size_t k = o->pp ? INDEX_NEAR(pol->criteria, pol->ncriteria, c->criterion, i) : 0;
		const struct criterion_pieces *cp =
			o->pp && k < pol->ncriteria ? &o->pp->criteria[k] : NULL;

		if (i)
			lit(sb, ", ");
		if (cp && (unsigned)c->holds < NTRI)
			put(sb, &cp->head[c->holds]);
		else
			criterion_head(sb, c->criterion, c->holds);
		{
			size_t from = sb->len;

			eligibility_write_why(&o->ev->facts, c, sb);
			text_end(sb, from);
		}
		if (cp)
			put(sb, &cp->tail);
		else
			source_tail(sb, c->criterion->source);
	}
	lit(sb, "]}");
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
static void check_item(struct out *o, const struct check_item *it, size_t i)
{
	struct strbuf *sb = o->sb;
	const struct programme_policy *pol = o->ev->policy;
	const struct slot_pieces *sp = NULL;
	bool own_source;
	size_t from;

	if (o->pp && it->def) {
		size_t k = INDEX_NEAR(pol->slots, pol->nslots, it->def, i);

		if (k < pol->nslots && it->slot == it->def->id)
			sp = &o->pp->slots[k];
	}
	own_source = sp && it->source == it->def->source;
	if (sp && (unsigned)it->state < NCHECK)
		put(sb, &sp->head[it->state]);
	else
		item_head(sb, it->slot, it->state);
	if (own_source) {
		/* most items say only what the slot is: one copy to the end */
		size_t k = const_why(it);

		if (k < NCONST_WHY) {
			put(sb, &sp->why_tail[k]);
			return;
		}
	}
	strbuf_addch(sb, '"');
	from = sb->len;
	checklist_write_why(pol, &o->ev->facts, it, &o->scratch, sb);
	text_end(sb, from);
	if (own_source)
		put(sb, &sp->tail);
	else if (o->pp && !it->def && it->source == pol->window_source)
		put(sb, &o->pp->window_tail);
	else
		source_tail(sb, it->source);
}

static void checklist(struct out *o, const struct checklist *cl)
{
	struct strbuf *sb = o->sb;

	lit(sb, "{\"complete\": ");
	boolean(sb, cl->complete);
	lit(sb, ", \"items\": [");
	for (size_t i = 0; i < cl->nitems; i++) {
		if (i)
			lit(sb, ", ");
		check_item(o, &cl->items[i], i);
	}
	lit(sb, "]}");
}

/* advice: the advice of o->ev as a JSON array; `judged`: with the item on
 * the experts' share (not for the best case, where they gave everything). */
static void advice(struct out *o, const struct advice *ad, bool judged)
{
	struct strbuf *sb = o->sb;
	bool first = true;
	size_t from;

	lit(sb, "[");
	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		if (!first)
			lit(sb, ", ");
		first = false;
		if (it->from_level)
			lit(sb, "{\"kind\": \"raise\"");
		else
			lit(sb, "{\"kind\": \"provide\"");
		lit(sb, ", \"factor\": ");
		str(sb, it->factor);
		lit(sb, ", \"part\": ");
		str_or_null(sb, it->part);
		lit(sb, ", \"from\": ");
		str_or_null(sb, it->from_level);
		lit(sb, ", \"to\": ");
		str_or_null(sb, it->to_level);
		lit(sb, ", \"adds_part\": ");
		dec(sb, it->part_gain);
		lit(sb, ", \"adds_total\": ");
		dec(sb, it->total_gain);
		lit(sb, ", \"reaches\": ");
		boolean(sb, it->reaches);
		lit(sb, ", \"combination\": ");
		boolean(sb, ad->combination);
		lit(sb, ", \"text\": \"");
		from = sb->len;
		advice_write_text(&o->ev->facts, ad, it, sb);
		text_end(sb, from);
		lit(sb, "}");
	}
	if (judged && ad->has_judged_needed) {
		if (!first)
			lit(sb, ", ");
		lit(sb, "{\"kind\": \"judged\", \"judged_points_needed\": ");
		dec(sb, ad->judged_needed);
		lit(sb, ", \"text\": \"");
		from = sb->len;
		advice_write_judged_text(&o->ev->scorecard, ad, sb);
		text_end(sb, from);
		lit(sb, "}");
	}
	lit(sb, "]");
}

static void totals(struct strbuf *sb, const struct evaluation *ev,
		const struct programme_pieces *pp)
{
	const struct scorecard *sc = &ev->scorecard;

	if (sc->scored) {
		lit(sb, ", \"total\": ");
		dec(sb, sc->total);
		if (pp)
			put(sb, &pp->threshold);
		else
			threshold_part(sb, ev->policy);
	} else {
		lit(sb, ", \"total\": null, \"threshold\": null, \"threshold_source\": null");
	}
	lit(sb, ", \"passes\": ");
	tri(sb, ev->passes);
	if (sc->scored) {
		lit(sb, ", \"range\": {\"min\": ");
		dec(sb, sc->min);
		lit(sb, ", \"max\": ");
		dec(sb, sc->max);
		lit(sb, "}");
	} else {
		lit(sb, ", \"range\": null");
	}
	lit(sb, ", \"flags\": ");
	flags(sb, sc->flags);
	if (sc->nexpert_totals) {
		/* each expert's own total: how a split panel is decided */
		lit(sb, ", \"expert_totals\": [");
		for (size_t i = 0; i < sc->nexpert_totals; i++) {
			lit(sb, i ? ", {\"expert\": " : "{\"expert\": ");
			str_or_null(sb, sc->expert_ids[i]);
			lit(sb, ", \"total\": ");
			dec(sb, sc->expert_totals[i]);
			lit(sb, "}");
		}
		lit(sb, "]");
	}
}

void result_json_cached(const struct evaluation *ev, const struct result_json_cache *cache,
		struct strbuf *sb)
{
	const struct programme_policy *pol = ev->policy;
	char d[DATE_FMT_MAX];
	struct out o = {sb, ev, NULL, {0}};

	if (cache) {
		size_t k = INDEX_OF(cache->programmes, cache->nprogrammes, pol);

		o.pp = k < cache->nprogrammes ? &cache->pieces[k] : NULL;
	}
	arena_init(&o.scratch, 0);
	if (o.pp)
		put(sb, &o.pp->head);
	else
		programme_head(sb, pol);
	if (ev->facts.app->track) {
		lit(sb, ", \"track\": ");
		str(sb, ev->facts.app->track);
	}
	if (o.pp)
		put(sb, &o.pp->edition);
	else
		programme_edition(sb, pol);
	/* date_format always writes ten characters, digits and '-' (nothing
	 * to escape), so they go between the quotes as they are */
	strbuf_add(sb, date_format(ev->facts.app->date, d), DATE_FMT_MAX - 1);
	lit(sb, "\", \"complete\": ");
	boolean(sb, ev->scorecard.complete);
	totals(sb, ev, o.pp);
	lit(sb, ", \"eligibility\": ");
	eligibility(&o, &ev->eligibility);
	lit(sb, ", \"parts\": ");
	parts(&o, &ev->scorecard);
	lit(sb, ", \"checklist\": ");
	checklist(&o, &ev->checklist);
	lit(sb, ", \"advice\": ");
	advice(&o, &ev->advice, true);
	if (ev->full_marks && ev->full_marks->advice.nitems) {
		/* present only when even full expert marks cannot reach the
		 * threshold: the changes that would reach it in that best case */
		struct out best = o;

		best.ev = ev->full_marks;
		lit(sb, ", \"advice_full_marks\": ");
		advice(&best, &ev->full_marks->advice, false);
	}
	lit(sb, "}");
	arena_release(&o.scratch);
}

void result_json(const struct evaluation *ev, struct strbuf *sb)
{
	result_json_cached(ev, NULL, sb);
}
