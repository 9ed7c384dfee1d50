/* advice.c - see advice.h.
 *
 * A candidate is a bracket or choice factor (or sub-factor) whose input is
 * advisable; its options are its levels worth more points than it has now,
 * by points ascending.  A set of changes (factor result -> new points) is
 * evaluated by walking the scorecard as score.c built it: every factor keeps
 * its points unless changed, a sum is the sum of its sub-factors capped at
 * its maximum, a part is the sum of its factors, and the total comes from
 * score_weighted_total().  So every gain shown is the gain the applicant
 * would see on the rescored card.
 */
#include "advice.h"

#include <stdarg.h>
#include <string.h>

#define MAX_PARTS 8 /* score.c refuses tracks with more */
#define MAX_COMBO 3

struct change {
	const struct factor_result *r;
	points_t points;
};

struct cand {
	size_t part; /* index in sc->parts */
	const struct factor_result *r;
	const struct level **opts; /* levels worth more than now, points ascending */
	size_t nopts;
};

struct ctx {
	const struct scorecard *sc;
	const struct facts *f;
	struct arena *a;
	points_t base;      /* the total now, open factors at 0 */
	points_t threshold;
	struct cand *cands;
	size_t ncands;
	struct advice *out;
};

struct gain {
	points_t part, total;
};

/* ---- recomputing a card with changes ---- */

static points_t result_points(const struct factor_result *r, const struct change *ch, size_t n)
{
	points_t sum = 0;

	for (size_t i = 0; i < n; i++)
		if (ch[i].r == r)
			return ch[i].points;
	if (r->factor->kind != FACTOR_SUM)
		return r->points;
	for (size_t i = 0; i < r->nsubs; i++)
		sum += result_points(&r->subs[i], ch, n);
	return sum < r->factor->max ? sum : r->factor->max;
}

static points_t part_points(const struct part_result *pr, const struct change *ch, size_t n)
{
	points_t sum = 0;

	for (size_t i = 0; i < pr->nfactors; i++)
		sum += result_points(&pr->factors[i], ch, n);
	return sum;
}

static void part_scores(const struct ctx *c, const struct change *ch, size_t n, points_t *out)
{
	for (size_t i = 0; i < c->sc->nparts; i++)
		out[i] = part_points(&c->sc->parts[i], ch, n);
}

static points_t total_with(const struct ctx *c, const struct change *ch, size_t n)
{
	points_t scores[MAX_PARTS];

	part_scores(c, ch, n, scores);
	return score_weighted_total(c->sc->track, scores);
}

static struct gain gain_of(const struct ctx *c, const struct cand *k, points_t points)
{
	struct change ch = {k->r, points};
	const struct part_result *pr = &c->sc->parts[k->part];
	struct gain g;

	g.part = part_points(pr, &ch, 1) - part_points(pr, NULL, 0);
	g.total = total_with(c, &ch, 1) - c->base;
	return g;
}

/* ---- candidates ---- */

static bool is_candidate(const struct factor_result *r)
{
	const struct factor *fac = r->factor;

	return (fac->kind == FACTOR_BRACKET || fac->kind == FACTOR_CHOICE) &&
	       fac->input && facts_advisable(fac->input);
}

/* options: the levels of k->r worth more than it has now, points ascending
 * (stable, so among equal points the policy's order holds). */
static bool options(struct ctx *c, struct cand *k)
{
	const struct factor *fac = k->r->factor;

	k->opts = arena_array(c->a, fac->nlevels ? fac->nlevels : 1, sizeof *k->opts);
	if (!k->opts)
		return false;
	for (size_t i = 0; i < fac->nlevels; i++) {
		const struct level *l = &fac->levels[i];
		size_t j;

		if (l->points <= k->r->points)
			continue;
		j = k->nopts++;
		while (j > 0 && k->opts[j - 1]->points > l->points) {
			k->opts[j] = k->opts[j - 1];
			j--;
		}
		k->opts[j] = l;
	}
	return true;
}

/* collect: the candidates under r (itself, or a sum's sub-factors) into
 * c->cands when it is not NULL; counts them in c->ncands either way. */
static bool collect(struct ctx *c, size_t part, const struct factor_result *r)
{
	if (r->factor->kind == FACTOR_SUM) {
		for (size_t i = 0; i < r->nsubs; i++)
			if (!collect(c, part, &r->subs[i]))
				return false;
		return true;
	}
	if (!is_candidate(r))
		return true;
	if (c->cands) {
		struct cand *k = &c->cands[c->ncands];

		k->part = part;
		k->r = r;
		if (!options(c, k))
			return false;
	}
	c->ncands++;
	return true;
}

static bool collect_all(struct ctx *c)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t n = c->ncands;

		if (pass == 1) {
			c->cands = arena_array(c->a, n ? n : 1, sizeof *c->cands);
			if (!c->cands)
				return false;
		}
		c->ncands = 0;
		for (size_t i = 0; i < c->sc->nparts; i++)
			for (size_t j = 0; j < c->sc->parts[i].nfactors; j++)
				if (!collect(c, i, &c->sc->parts[i].factors[j]))
					return false;
	}
	return true;
}

/* ---- words ---- */

/* say: a formatted string in the arena; "?" when it is exhausted (the
 * arena latches the failure, which advice_compute reports). */
static const char *say(const struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *say(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, fmt);
	s = arena_vprintf(c->a, fmt, ap);
	va_end(ap);
	return s ? s : "?";
}

static const char *pts(const struct ctx *c, points_t p)
{
	char buf[POINTS_FMT_MAX];

	return say(c, "%s", points_format(p, buf));
}

/* cny: a whole amount with thousands separators, "859,464". */
static const char *cny(const struct ctx *c, int64_t v)
{
	char buf[32];
	size_t n = sizeof buf - 1, digits = 0;

	buf[n] = '\0';
	if (v < 0)
		v = 0;
	do {
		if (digits && digits % 3 == 0)
			buf[--n] = ',';
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
		digits++;
	} while (v && n > 1);
	return say(c, "%s", buf + n);
}

/* multiple: hundredths as a short number, "6", "1.5". */
static const char *multiple(const struct ctx *c, int64_t v)
{
	char buf[POINTS_FMT_MAX];
	size_t n;

	points_format(v, buf);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return say(c, "%s", buf);
}

static bool wage_bracket(const struct factor *fac)
{
	return fac->kind == FACTOR_BRACKET && fac->unit == UNIT_AVERAGE_WAGE;
}

/* level_text: how a level reads in a sentence; a salary level in multiples
 * of the average wage says the multiple and the amount it takes. */
static const char *level_text(const struct ctx *c, const struct factor *fac, const struct level *l)
{
	const char *times;
	int64_t need;

	if (!wage_bracket(fac) || l->from <= 0)
		return l->label;
	times = l->from == 100 ? "the average wage" :
		say(c, "%s times the average wage", multiple(c, l->from));
	if (!c->f->wage || __builtin_mul_overflow(l->from, c->f->wage->annual_cny, &need))
		return say(c, "at least %s", times);
	/* bracket_hit in score.c: salary x 100 >= from x wage */
	return say(c, "at least %s, CNY %s a year", times, cny(c, (need + 99) / 100));
}

static const char *now_text(const struct ctx *c, const struct factor_result *r)
{
	struct fact_value v;

	if (wage_bracket(r->factor) && facts_get(c->f, r->factor->input, &v) &&
	    v.type == FACT_NUMBER)
		return say(c, "CNY %s a year", cny(c, v.num / 100));
	return r->level ? r->level : r->input ? r->input : "?";
}

static const char *factor_name(const struct ctx *c, const struct factor *fac, bool capital)
{
	char *s = arena_strdup(c->a, fac->name ? fac->name : fac->id);

	if (!s)
		return "?";
	if (capital && s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return s;
}

/* reach_tail: " and reaches 70.00 (total 70.40)" when gain makes the total reach. */
static const char *reach_tail(const struct ctx *c, points_t gain, const char *verb)
{
	if (c->base >= c->threshold || c->base + gain < c->threshold)
		return "";
	return say(c, " and %s %s (total %s)", verb, pts(c, c->threshold),
		   pts(c, c->base + gain));
}

static const char *item_text(const struct ctx *c, const struct cand *k,
		const struct level *l, const struct advice_item *it)
{
	const struct factor *fac = k->r->factor;

	if (it->provide)
		return say(c, "Providing %s could add up to %s %s points = %s total (%s)%s.",
			   factor_name(c, fac, false), pts(c, it->part_gain), it->part,
			   pts(c, it->total_gain), level_text(c, fac, l),
			   reach_tail(c, it->total_gain, "reach"));
	return say(c, "%s: %s (now: %s) adds %s %s points = %s total%s.",
		   factor_name(c, fac, true), level_text(c, fac, l), now_text(c, k->r),
		   pts(c, it->part_gain), it->part, pts(c, it->total_gain),
		   reach_tail(c, it->total_gain, "reaches"));
}

/* ---- items ---- */

static void fill_item(const struct ctx *c, const struct cand *k, const struct level *l,
		bool provide, struct advice_item *it)
{
	struct gain g = gain_of(c, k, l->points);

	it->factor = k->r->factor->id;
	it->part = c->sc->parts[k->part].part->id;
	it->from_level = provide ? NULL : k->r->level;
	it->to_level = l->label;
	it->part_gain = g.part;
	it->total_gain = g.total;
	it->reaches = c->base + g.total >= c->threshold;
	it->provide = provide;
	it->text = item_text(c, k, l, it);
}

static bool alloc_items(struct ctx *c, size_t n)
{
	c->out->items = arena_array(c->a, n ? n : 1, sizeof *c->out->items);
	return c->out->items != NULL;
}

/* finish_items: stable sort by total gain, keep ADVICE_MAX_ITEMS. */
static void finish_items(struct advice *out, bool descending)
{
	struct advice_item *it = out->items;

	for (size_t i = 1; i < out->nitems; i++) {
		struct advice_item x = it[i];
		size_t j = i;

		while (j > 0 && (descending ? it[j - 1].total_gain < x.total_gain
					    : it[j - 1].total_gain > x.total_gain)) {
			it[j] = it[j - 1];
			j--;
		}
		it[j] = x;
	}
	if (out->nitems > ADVICE_MAX_ITEMS)
		out->nitems = ADVICE_MAX_ITEMS;
}

/* best_option: the first of k's options with the most points, or NULL. */
static const struct level *best_option(const struct cand *k)
{
	const struct level *best = NULL;

	for (size_t i = 0; i < k->nopts; i++)
		if (!best || k->opts[i]->points > best->points)
			best = k->opts[i];
	return best;
}

/* ---- complete, failing card ---- */

/* singles: per candidate, its lowest level that alone reaches. */
static size_t singles(struct ctx *c)
{
	struct advice *out = c->out;

	for (size_t i = 0; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];

		for (size_t o = 0; o < k->nopts; o++) {
			if (c->base + gain_of(c, k, k->opts[o]->points).total < c->threshold)
				continue;
			fill_item(c, k, k->opts[o], false, &out->items[out->nitems++]);
			break;
		}
	}
	finish_items(out, false);
	return out->nitems;
}

struct search {
	size_t k;                     /* factors in a combination */
	struct change ch[MAX_COMBO];
	size_t cand[MAX_COMBO];
	const struct level *lv[MAX_COMBO];
	bool found;
	points_t gain;
	size_t best_cand[MAX_COMBO];
	const struct level *best_lv[MAX_COMBO];
};

/* leaf: whether the choice in s reaches; keeps it when it gains least. */
static bool leaf(const struct ctx *c, struct search *s)
{
	points_t gain = total_with(c, s->ch, s->k) - c->base;

	if (c->base + gain < c->threshold)
		return false;
	if (!s->found || gain < s->gain) {
		s->found = true;
		s->gain = gain;
		memcpy(s->best_cand, s->cand, sizeof s->cand);
		memcpy(s->best_lv, s->lv, sizeof s->lv);
	}
	return true;
}

/* search: every choice of s->k candidates after `from` and one option each;
 * keeps the reaching choice with the least total gain (the first on ties).
 * Gains grow with points, so an option with the points of the one before
 * adds nothing new, and once the last factor's option reaches, its higher
 * options only gain more. */
static void search(const struct ctx *c, struct search *s, size_t depth, size_t from)
{
	for (size_t i = from; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];

		for (size_t o = 0; o < k->nopts; o++) {
			if (o > 0 && k->opts[o]->points == k->opts[o - 1]->points)
				continue;
			s->ch[depth].r = k->r;
			s->ch[depth].points = k->opts[o]->points;
			s->cand[depth] = i;
			s->lv[depth] = k->opts[o];
			if (depth + 1 < s->k)
				search(c, s, depth + 1, i + 1);
			else if (leaf(c, s))
				break;
		}
	}
}

static bool combination(struct ctx *c)
{
	struct advice *out = c->out;
	struct search s;

	for (size_t k = 2; k <= MAX_COMBO; k++) {
		memset(&s, 0, sizeof s);
		s.k = k;
		search(c, &s, 0, 0);
		if (s.found)
			break;
	}
	if (!s.found)
		return false;
	for (size_t i = 0; i < s.k; i++)
		fill_item(c, &c->cands[s.best_cand[i]], s.best_lv[i], false,
			  &out->items[out->nitems++]);
	finish_items(out, false);
	out->combination = true;
	out->combined_gain = s.gain;
	out->combined_text = say(c, "No single change reaches %s; together these %zu "
				 "changes add %s total points and reach it (total %s).",
				 pts(c, c->threshold), s.k, pts(c, s.gain),
				 pts(c, c->base + s.gain));
	return true;
}

/* best_each: per candidate its best level, by gain descending. */
static void best_each(struct ctx *c)
{
	struct advice *out = c->out;

	for (size_t i = 0; i < c->ncands; i++) {
		const struct level *l = best_option(&c->cands[i]);
		struct advice_item *it = &out->items[out->nitems];

		if (!l || gain_of(c, &c->cands[i], l->points).part <= 0)
			continue;
		fill_item(c, &c->cands[i], l, false, it);
		out->nitems++;
	}
	finish_items(out, true);
}

static bool advise_failing(struct ctx *c)
{
	if (!alloc_items(c, c->ncands))
		return false;
	if (!singles(c) && !combination(c))
		best_each(c);
	return true;
}

/* ---- incomplete card ---- */

static bool fact_missing(const struct ctx *c, const struct factor *fac)
{
	struct fact_value v;

	return !facts_get(c->f, fac->input, &v) || v.type == FACT_MISSING;
}

/* advise_provide: per advisable factor not provided, its highest level. */
static bool advise_provide(struct ctx *c)
{
	struct advice *out = c->out;

	if (!alloc_items(c, c->ncands))
		return false;
	for (size_t i = 0; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];
		const struct level *l = best_option(k);

		if (k->r->state != FSTATE_NOT_PROVIDED || !l || !fact_missing(c, k->r->factor))
			continue;
		fill_item(c, k, l, true, &out->items[out->nitems++]);
	}
	finish_items(out, true);
	return true;
}

/* ---- judged factors ---- */

struct judged {
	struct change *ch; /* judged factors raised to their maximum */
	size_t n;
	size_t part;       /* the part they are in, when only one */
	bool one_part;
	bool facts_open;   /* a factor that is not judged is not provided */
};

/* walk_judged: the judged results under r that can still bring points (all
 * of them on a complete card, the ones not judged on an incomplete one). */
static void walk_judged(const struct ctx *c, const struct factor_result *r,
		size_t part, struct judged *j)
{
	for (size_t i = 0; i < r->nsubs; i++)
		walk_judged(c, &r->subs[i], part, j);
	if (r->factor->kind != FACTOR_JUDGED) {
		j->facts_open |= r->factor->kind != FACTOR_SUM && r->factor->kind != FACTOR_GATE &&
				 r->state == FSTATE_NOT_PROVIDED;
		return;
	}
	if (c->sc->complete || r->state != FSTATE_SCORED) {
		if (j->ch) {
			j->ch[j->n].r = r;
			j->ch[j->n].points = r->factor->max;
		}
		j->one_part = j->n == 0 || (j->one_part && j->part == part);
		j->part = part;
		j->n++;
	}
}

static bool find_judged(const struct ctx *c, struct judged *j)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t n = j->n;

		if (pass == 1 && !(j->ch = arena_array(c->a, n ? n : 1, sizeof *j->ch)))
			return false;
		j->n = 0;
		for (size_t i = 0; i < c->sc->nparts; i++)
			for (size_t k = 0; k < c->sc->parts[i].nfactors; k++)
				walk_judged(c, &c->sc->parts[i].factors[k], i, j);
	}
	return true;
}

/* part_needed: the fewest points part `part` must gain for the total to
 * reach the threshold, the other parts as they are. */
static points_t part_needed(const struct ctx *c, size_t part)
{
	const struct track *t = c->sc->track;
	points_t scores[MAX_PARTS], base, g = 0;
	int64_t sum = 0, w = t->parts[part].weight, need;

	part_scores(c, NULL, 0, scores);
	base = scores[part];
	for (size_t i = 0; i < t->nparts; i++)
		sum += t->parts[i].weight * scores[i];
	/* half-up: the total reaches T when the weighted sum >= 100 T - 50 */
	need = c->threshold * 100 - 50 - sum;
	if (need > 0)
		g = (need + w - 1) / w;
	for (;;) {
		scores[part] = base + g;
		if (score_weighted_total(t, scores) >= c->threshold)
			break;
		g++;
	}
	while (g > 0) {
		scores[part] = base + g - 1;
		if (score_weighted_total(t, scores) < c->threshold)
			break;
		g--;
	}
	return g;
}

static const char *per_part(const struct ctx *c, const struct judged *j, points_t needed)
{
	const struct part *p;

	if (!j->one_part || c->sc->nparts < 2 || needed <= 0)
		return "";
	p = c->sc->parts[j->part].part;
	if (p->weight <= 0)
		return "";
	return say(c, " (%s %s points)", pts(c, part_needed(c, j->part)), p->id);
}

static const char *judged_text(const struct ctx *c, const struct judged *j)
{
	const struct advice *out = c->out;
	const char *counting = j->facts_open ? "Counting the facts not provided as 0, t" : "T";

	if (c->sc->complete)
		return say(c, "The total is %s points short of %s%s; the experts' "
			   "factors can give at most %s more total points.",
			   pts(c, out->judged_needed), pts(c, c->threshold),
			   per_part(c, j, out->judged_needed), pts(c, out->judged_can_give));
	if (out->judged_needed == 0)
		return say(c, "%she total reaches %s whatever the experts' "
			   "factors bring.", counting, pts(c, c->threshold));
	if (out->judged_needed > out->judged_can_give)
		return say(c, "%she experts' factors can give at most %s total "
			   "points, fewer than the %s needed to reach %s.", counting,
			   pts(c, out->judged_can_give), pts(c, out->judged_needed),
			   pts(c, c->threshold));
	return say(c, "%she experts' factors must bring at least %s of the %s "
		   "total points they can give%s.", counting, pts(c, out->judged_needed),
		   pts(c, out->judged_can_give), per_part(c, j, out->judged_needed));
}

static bool advise_judged(struct ctx *c)
{
	struct advice *out = c->out;
	struct judged j;

	memset(&j, 0, sizeof j);
	if (!find_judged(c, &j))
		return false;
	if (j.n == 0)
		return true;
	out->has_judged_needed = true;
	out->judged_needed = c->threshold > c->base ? c->threshold - c->base : 0;
	out->judged_can_give = total_with(c, j.ch, j.n) - c->base;
	out->judged_text = judged_text(c, &j);
	return true;
}

bool advice_compute(const struct scorecard *sc, const struct facts *f,
		struct arena *a, struct advice *out)
{
	struct ctx c;
	bool ok;

	memset(out, 0, sizeof *out);
	if (!sc->scored || sc->passes || !sc->track || sc->nparts > MAX_PARTS)
		return true;
	memset(&c, 0, sizeof c);
	c.sc = sc;
	c.f = f;
	c.a = a;
	c.out = out;
	c.threshold = sc->policy->threshold;
	c.base = total_with(&c, NULL, 0);
	if (sc->complete && c.base >= c.threshold)
		return true; /* fails on a gate, not on points */
	ok = collect_all(&c) && advise_judged(&c) &&
	     (sc->complete ? advise_failing(&c) : advise_provide(&c));
	return ok && !a->failed;
}
