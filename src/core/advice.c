/* advice.c - see advice.h.
 *
 * A candidate is a bracket or choice factor (or sub-factor) whose input is
 * advisable; its options are its levels worth more points than it has now,
 * by points ascending.  A set of changes (candidate -> new points) is
 * evaluated as score.c builds a card: every factor keeps its points unless
 * changed, a sum is the sum of its sub-factors capped at its maximum, a
 * part is the sum of its factors, and the total comes from
 * score_weighted_total().  So every gain shown is the gain the applicant
 * would see on the rescored card.
 *
 * The search for a combination tries thousands of sets, so a set is not
 * rescored by walking the card: the part scores of the card as it is are
 * computed once, and a set only moves the parts (and capped sums) its
 * changes are in.  The sentences are written only when shown
 * (advice_write_text and friends).
 */
#include "advice.h"

#include <string.h>

#define MAX_PARTS 8 /* score.c refuses tracks with more */
#define MAX_COMBO 3

struct cand {
	size_t part; /* index in sc->parts */
	const struct factor_result *r;
	const struct factor_result *sum; /* the sum factor it is a sub-factor of, or NULL */
	points_t sum_raw;                /* that sum's sub-factors added, before its cap */
	const struct level **opts; /* levels worth more than now, points ascending */
	size_t nopts;
};

/* One change of a set: candidate k to `points`. */
struct change {
	const struct cand *k;
	points_t points;
};

struct ctx {
	const struct scorecard *sc;
	const struct facts *f;
	struct arena *a;
	points_t scores[MAX_PARTS]; /* the part scores now, open factors at 0 */
	points_t base;      /* the total now */
	points_t threshold;
	struct cand *cands;
	size_t ncands;
	struct advice *out;
};

struct gain {
	points_t part, total;
};

/* ---- the card with changes ---- */

/* result_points: r's points with the judged factors in ch raised (a walk
 * of the card, for the few sets that change many factors). */
static points_t result_points(const struct factor_result *r, const struct factor_result *const *ch,
		const points_t *pts, size_t n)
{
	points_t sum = 0;

	for (size_t i = 0; i < n; i++)
		if (ch[i] == r)
			return pts[i];
	if (r->factor->kind != FACTOR_SUM)
		return r->points;
	for (size_t i = 0; i < r->nsubs; i++)
		sum += result_points(&r->subs[i], ch, pts, n);
	return sum < r->factor->max ? sum : r->factor->max;
}

static void part_scores(const struct scorecard *sc, const struct factor_result *const *ch,
		const points_t *pts, size_t n, points_t *out)
{
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *pr = &sc->parts[i];

		out[i] = 0;
		for (size_t j = 0; j < pr->nfactors; j++)
			out[i] += result_points(&pr->factors[j], ch, pts, n);
	}
}

/* apply: the part scores with the changes ch[0..n) (distinct candidates)
 * into s; only the parts and sums they are in move. */
static void apply(const struct ctx *c, const struct change *ch, size_t n, points_t *s)
{
	memcpy(s, c->scores, c->sc->nparts * sizeof *s);
	for (size_t i = 0; i < n; i++) {
		const struct cand *k = ch[i].k;
		points_t raw;
		size_t j;

		if (!k->sum) {
			s[k->part] += ch[i].points - k->r->points;
			continue;
		}
		/* A sum moves once, by all its changed sub-factors, capped. */
		for (j = 0; j < i && ch[j].k->sum != k->sum; j++)
			;
		if (j < i)
			continue;
		raw = k->sum_raw;
		for (j = i; j < n; j++)
			if (ch[j].k->sum == k->sum)
				raw += ch[j].points - ch[j].k->r->points;
		if (raw > k->sum->factor->max)
			raw = k->sum->factor->max;
		s[k->part] += raw - k->sum->points;
	}
}

/* total_gain: what the total gains with the changes ch[0..n). */
static points_t total_gain(const struct ctx *c, const struct change *ch, size_t n)
{
	points_t s[MAX_PARTS];

	apply(c, ch, n, s);
	return score_weighted_total(c->sc->track, s) - c->base;
}

static struct gain gain_of(const struct ctx *c, const struct cand *k, points_t points)
{
	struct change ch = {k, points};
	points_t s[MAX_PARTS];
	struct gain g;

	apply(c, &ch, 1, s);
	g.part = s[k->part] - c->scores[k->part];
	g.total = score_weighted_total(c->sc->track, s) - c->base;
	return g;
}

/* ---- candidates ---- */

static bool is_candidate(const struct factor_result *r)
{
	const struct factor *fac = r->factor;

	return (fac->kind == FACTOR_BRACKET || fac->kind == FACTOR_CHOICE) &&
	       fac->input && facts_advisable_id(fac->input_id, fac->input);
}

/* options: the levels of k->r worth more than it has now, points ascending
 * (stable, so among equal points the policy's order holds), into k->opts,
 * which has room for all its factor's levels. */
static void options(struct cand *k)
{
	const struct factor *fac = k->r->factor;

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
}

/* collect: the candidates under r (itself, or a sum's sub-factors) into
 * c->cands. */
static void collect(struct ctx *c, size_t part, const struct factor_result *r,
		const struct factor_result *sum)
{
	struct cand *k;

	if (r->factor->kind == FACTOR_SUM) {
		for (size_t i = 0; i < r->nsubs; i++)
			collect(c, part, &r->subs[i], r);
		return;
	}
	if (!is_candidate(r))
		return;
	k = &c->cands[c->ncands++];
	k->part = part;
	k->r = r;
	k->sum = sum;
	for (size_t i = 0; sum && i < sum->nsubs; i++)
		k->sum_raw += sum->subs[i].points;
}

/* collect_all: every candidate of the card; there are at most as many as
 * the track has factors that are not sums. */
static bool collect_all(struct ctx *c)
{
	size_t n = c->sc->track->nleaves;

	c->cands = arena_array(c->a, n ? n : 1, sizeof *c->cands);
	if (!c->cands)
		return false;
	size_t nlevels = 0;
	const struct level **pool;

	c->ncands = 0;
	for (size_t i = 0; i < c->sc->nparts; i++)
		for (size_t j = 0; j < c->sc->parts[i].nfactors; j++)
			collect(c, i, &c->sc->parts[i].factors[j], NULL);
	/* one array for every candidate's options */
	for (size_t i = 0; i < c->ncands; i++)
		nlevels += c->cands[i].r->factor->nlevels;
	pool = arena_array(c->a, nlevels ? nlevels : 1, sizeof *pool);
	if (!pool)
		return false;
	for (size_t i = 0; i < c->ncands; i++) {
		c->cands[i].opts = pool;
		pool += c->cands[i].r->factor->nlevels;
		options(&c->cands[i]);
	}
	return true;
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
	it->result = k->r;
	it->level = l;
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
	const struct level *lv[MAX_COMBO];
	bool found;
	points_t gain;
	struct change best_ch[MAX_COMBO];
	const struct level *best_lv[MAX_COMBO];
	/* Pruning (the bound below): top[i * MAX_COMBO + m - 1] is the
	 * most m candidates from i on can add to the weighted sum. */
	int64_t *top;
	bool prune;
};

/* The bound behind the pruning: a change of a candidate by d points adds
 * at most weight x d to the weighted sum of the part scores (a capped sum
 * adds less, never more), and the total is that sum / 100 rounded, which
 * never falls as the sum grows.  So when the weighted sum with the most
 * the remaining choices can add does not round to the threshold, no
 * choice among them reaches, and they are skipped: only sets that cannot
 * reach are left out, so the set found is the one the full search finds. */

static int64_t raw_gain(const struct ctx *c, const struct cand *k, points_t points)
{
	return c->sc->track->parts[k->part].weight * (points - k->r->points);
}

static bool can_reach(const struct ctx *c, int64_t weighted)
{
	return points_div_round(weighted, 100) >= c->threshold;
}

/* prepare_prune: s->top from each candidate's best option.  False (no
 * pruning, which is never needed for correctness) when a weight is
 * negative or memory is short. */
static bool prepare_prune(const struct ctx *c, struct search *s)
{
	int64_t best[MAX_COMBO] = {0};

	for (size_t p = 0; p < c->sc->nparts; p++)
		if (c->sc->track->parts[p].weight < 0)
			return false;
	s->top = arena_array(c->a, (c->ncands + 1) * MAX_COMBO, sizeof *s->top);
	if (!s->top)
		return false;
	for (size_t i = c->ncands; i-- > 0;) {
		const struct cand *k = &c->cands[i];
		int64_t g = k->nopts ? raw_gain(c, k, k->opts[k->nopts - 1]->points) : 0;

		/* keep the MAX_COMBO largest gains from i on, largest first */
		for (size_t m = 0; m < MAX_COMBO; m++) {
			if (g > best[m]) {
				int64_t t = best[m];
				best[m] = g;
				g = t;
			}
		}
		for (size_t m = 0; m < MAX_COMBO; m++)
			s->top[i * MAX_COMBO + m] = best[m] + (m ? s->top[i * MAX_COMBO + m - 1] : 0);
	}
	return true;
}

/* most: the most m more choices from candidate i on can add. */
static int64_t most(const struct search *s, size_t ncands, size_t i, size_t m)
{
	return m == 0 || i >= ncands ? 0 : s->top[i * MAX_COMBO + m - 1];
}

/* leaf: whether the choice in s reaches; keeps it when it gains least. */
static bool leaf(const struct ctx *c, struct search *s)
{
	points_t gain = total_gain(c, s->ch, s->k);

	if (c->base + gain < c->threshold)
		return false;
	if (!s->found || gain < s->gain) {
		s->found = true;
		s->gain = gain;
		memcpy(s->best_ch, s->ch, sizeof s->ch);
		memcpy(s->best_lv, s->lv, sizeof s->lv);
	}
	return true;
}

/* search: every choice of s->k candidates after `from` and one option each;
 * keeps the reaching choice with the least total gain (the first on ties).
 * Gains grow with points, so an option with the points of the one before
 * adds nothing new, and once the last factor's option reaches, its higher
 * options only gain more. */
static void search(const struct ctx *c, struct search *s, size_t depth, size_t from,
		int64_t weighted)
{
	size_t after = s->k - depth - 1; /* choices still to make after this one */

	for (size_t i = from; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];

		if (s->prune && !can_reach(c, weighted + most(s, c->ncands, i, after + 1)))
			break; /* neither this candidate nor any after it can do it */
		for (size_t o = 0; o < k->nopts; o++) {
			int64_t w = weighted + raw_gain(c, k, k->opts[o]->points);

			if (o > 0 && k->opts[o]->points == k->opts[o - 1]->points)
				continue;
			if (s->prune && !can_reach(c, w + most(s, c->ncands, i + 1, after)))
				continue; /* a higher option may */
			s->ch[depth].k = k;
			s->ch[depth].points = k->opts[o]->points;
			s->lv[depth] = k->opts[o];
			if (depth + 1 < s->k)
				search(c, s, depth + 1, i + 1, w);
			else if (leaf(c, s))
				break;
		}
	}
}

static bool combination(struct ctx *c)
{
	struct advice *out = c->out;
	struct search s;
	int64_t weighted = 0, *top = NULL;
	bool prune;

	memset(&s, 0, sizeof s);
	prune = prepare_prune(c, &s);
	top = s.top;
	for (size_t p = 0; p < c->sc->nparts; p++)
		weighted += c->sc->track->parts[p].weight * c->scores[p];
	for (size_t k = 2; k <= MAX_COMBO; k++) {
		memset(&s, 0, sizeof s);
		s.k = k;
		s.top = top;
		s.prune = prune;
		search(c, &s, 0, 0, weighted);
		if (s.found)
			break;
	}
	if (!s.found)
		return false;
	for (size_t i = 0; i < s.k; i++)
		fill_item(c, s.best_ch[i].k, s.best_lv[i], false, &out->items[out->nitems++]);
	finish_items(out, false);
	out->combination = true;
	out->combined_gain = s.gain;
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

	return !facts_lookup(c->f, fac->input_id, fac->input, &v) || v.type == FACT_MISSING;
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
	const struct factor_result **r; /* judged factors raised to their maximum */
	points_t *pts;
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
		j->r[j->n] = r;
		j->pts[j->n] = r->factor->max;
		j->one_part = j->n == 0 || (j->one_part && j->part == part);
		j->part = part;
		j->n++;
	}
}

/* find_judged: the judged results that can still bring points; at most
 * the track's judged factors. */
static bool find_judged(const struct ctx *c, struct judged *j)
{
	size_t n = c->sc->track->njudged;

	if (!(j->r = arena_array(c->a, n ? n : 1, sizeof *j->r)) ||
	    !(j->pts = arena_array(c->a, n ? n : 1, sizeof *j->pts)))
		return false;
	j->n = 0;
	for (size_t i = 0; i < c->sc->nparts; i++)
		for (size_t k = 0; k < c->sc->parts[i].nfactors; k++)
			walk_judged(c, &c->sc->parts[i].factors[k], i, j);
	return true;
}

static bool advise_judged(struct ctx *c)
{
	struct advice *out = c->out;
	points_t s[MAX_PARTS];
	struct judged j;

	memset(&j, 0, sizeof j);
	if (!find_judged(c, &j))
		return false;
	if (j.n == 0)
		return true;
	out->has_judged_needed = true;
	out->judged_needed = c->threshold > c->base ? c->threshold - c->base : 0;
	part_scores(c->sc, j.r, j.pts, j.n, s);
	out->judged_can_give = score_weighted_total(c->sc->track, s) - c->base;
	out->judged_facts_open = j.facts_open;
	out->judged_one_part = j.one_part;
	out->judged_part = j.part;
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
	for (size_t i = 0; i < sc->nparts; i++) /* as part_scores() with no change */
		c.scores[i] = sc->parts[i].score;
	c.base = score_weighted_total(sc->track, c.scores);
	out->base = c.base;
	out->threshold = c.threshold;
	if (sc->complete && c.base >= c.threshold)
		return true; /* fails on a gate, not on points */
	ok = collect_all(&c) && advise_judged(&c) &&
	     (sc->complete ? advise_failing(&c) : advise_provide(&c));
	return ok && !a->failed;
}

/* ---- the words ---- */

struct words {
	const struct facts *f;
	const struct advice *ad;
	struct strbuf *sb;
};

static void put(const struct words *w, const char *s)
{
	strbuf_addstr(w->sb, s ? s : "(null)"); /* as printf wrote a missing id */
}

static void put_points(const struct words *w, points_t p)
{
	char buf[POINTS_FMT_MAX];
	size_t n = points_format_n(p, buf);

	strbuf_add(w->sb, buf, n);
}

/* put_cny: a whole amount with thousands separators, "859,464". */
static void put_cny(const struct words *w, int64_t v)
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
	put(w, buf + n);
}

/* put_multiple: hundredths as a short number, "6", "1.5". */
static void put_multiple(const struct words *w, int64_t v)
{
	char buf[POINTS_FMT_MAX];
	size_t n;

	points_format(v, buf);
	n = strlen(buf);
	while (buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
	put(w, buf);
}

static bool wage_bracket(const struct factor *fac)
{
	return fac->kind == FACTOR_BRACKET && fac->unit == UNIT_AVERAGE_WAGE;
}

/* put_level: how a level reads in a sentence; a salary level in multiples
 * of the average wage says the multiple and the amount it takes. */
static void put_level(const struct words *w, const struct factor *fac, const struct level *l)
{
	int64_t need;

	if (!wage_bracket(fac) || l->from <= 0) {
		put(w, l->label);
		return;
	}
	put(w, "at least ");
	if (l->from == 100) {
		put(w, "the average wage");
	} else {
		put_multiple(w, l->from);
		put(w, " times the average wage");
	}
	if (!w->f->wage || __builtin_mul_overflow(l->from, w->f->wage->annual_cny, &need))
		return;
	/* bracket_hit in score.c: salary x 100 >= from x wage */
	put(w, ", CNY ");
	put_cny(w, (need + 99) / 100);
	put(w, " a year");
}

static void put_now(const struct words *w, const struct factor_result *r)
{
	struct fact_value v;

	if (wage_bracket(r->factor) &&
	    facts_lookup(w->f, r->factor->input_id, r->factor->input, &v) &&
	    v.type == FACT_NUMBER) {
		put(w, "CNY ");
		put_cny(w, v.num / 100);
		put(w, " a year");
		return;
	}
	put(w, r->level ? r->level : r->input ? r->input : "?");
}

static void put_factor_name(const struct words *w, const struct factor *fac, bool capital)
{
	const char *name = fac->name ? fac->name : fac->id;

	if (capital && name[0] >= 'a' && name[0] <= 'z') {
		strbuf_addch(w->sb, (char)(name[0] - 'a' + 'A'));
		name++;
	}
	put(w, name);
}

/* put_reach: " and reaches 70.00 (total 70.40)" when gain makes the total reach. */
static void put_reach(const struct words *w, points_t gain, const char *verb)
{
	const struct advice *ad = w->ad;

	if (ad->base >= ad->threshold || ad->base + gain < ad->threshold)
		return;
	put(w, " and ");
	put(w, verb);
	put(w, " ");
	put_points(w, ad->threshold);
	put(w, " (total ");
	put_points(w, ad->base + gain);
	put(w, ")");
}

void advice_write_text(const struct facts *f, const struct advice *ad,
		const struct advice_item *it, struct strbuf *out)
{
	struct words w = {f, ad, out};
	const struct factor *fac = it->result->factor;

	if (it->provide) {
		put(&w, "Providing ");
		put_factor_name(&w, fac, false);
		put(&w, " could add up to ");
		put_points(&w, it->part_gain);
		put(&w, " ");
		put(&w, it->part);
		put(&w, " points = ");
		put_points(&w, it->total_gain);
		put(&w, " total (");
		put_level(&w, fac, it->level);
		put(&w, ")");
		put_reach(&w, it->total_gain, "reach");
		put(&w, ".");
		return;
	}
	put_factor_name(&w, fac, true);
	put(&w, ": ");
	put_level(&w, fac, it->level);
	put(&w, " (now: ");
	put_now(&w, it->result);
	put(&w, ") adds ");
	put_points(&w, it->part_gain);
	put(&w, " ");
	put(&w, it->part);
	put(&w, " points = ");
	put_points(&w, it->total_gain);
	put(&w, " total");
	put_reach(&w, it->total_gain, "reaches");
	put(&w, ".");
}

/* part_needed: the fewest points part `part` must gain for the total to
 * reach the threshold, the other parts as they are. */
static points_t part_needed(const struct scorecard *sc, const struct advice *ad, size_t part)
{
	const struct track *t = sc->track;
	points_t scores[MAX_PARTS], base, g = 0;
	int64_t sum = 0, wt = t->parts[part].weight, need;

	part_scores(sc, NULL, NULL, 0, scores);
	base = scores[part];
	for (size_t i = 0; i < t->nparts; i++)
		sum += t->parts[i].weight * scores[i];
	/* half-up: the total reaches T when the weighted sum >= 100 T - 50 */
	need = ad->threshold * 100 - 50 - sum;
	if (need > 0)
		g = (need + wt - 1) / wt;
	for (;;) {
		scores[part] = base + g;
		if (score_weighted_total(t, scores) >= ad->threshold)
			break;
		g++;
	}
	while (g > 0) {
		scores[part] = base + g - 1;
		if (score_weighted_total(t, scores) < ad->threshold)
			break;
		g--;
	}
	return g;
}

/* put_per_part: " (12.50 personal points)" when the judged factors are
 * all in one part of several. */
static void put_per_part(const struct words *w, const struct scorecard *sc, points_t needed)
{
	const struct advice *ad = w->ad;
	const struct part *p;

	if (!ad->judged_one_part || sc->nparts < 2 || needed <= 0)
		return;
	p = sc->parts[ad->judged_part].part;
	if (p->weight <= 0)
		return;
	put(w, " (");
	put_points(w, part_needed(sc, ad, ad->judged_part));
	put(w, " ");
	put(w, p->id);
	put(w, " points)");
}

void advice_write_judged_text(const struct scorecard *sc, const struct advice *ad,
		struct strbuf *out)
{
	struct words w = {NULL, ad, out};
	const char *counting = ad->judged_facts_open ? "Counting the facts not provided as 0, t"
						     : "T";

	if (sc->complete) {
		put(&w, "The total is ");
		put_points(&w, ad->judged_needed);
		put(&w, " points short of ");
		put_points(&w, ad->threshold);
		put_per_part(&w, sc, ad->judged_needed);
		put(&w, "; the experts' factors can give at most ");
		put_points(&w, ad->judged_can_give);
		put(&w, " more total points.");
		return;
	}
	put(&w, counting);
	if (ad->judged_needed == 0) {
		put(&w, "he total reaches ");
		put_points(&w, ad->threshold);
		put(&w, " whatever the experts' factors bring.");
	} else if (ad->judged_needed > ad->judged_can_give) {
		put(&w, "he experts' factors can give at most ");
		put_points(&w, ad->judged_can_give);
		put(&w, " total points, fewer than the ");
		put_points(&w, ad->judged_needed);
		put(&w, " needed to reach ");
		put_points(&w, ad->threshold);
		put(&w, ".");
	} else {
		put(&w, "he experts' factors must bring at least ");
		put_points(&w, ad->judged_needed);
		put(&w, " of the ");
		put_points(&w, ad->judged_can_give);
		put(&w, " total points they can give");
		put_per_part(&w, sc, ad->judged_needed);
		put(&w, ".");
	}
}

void advice_write_combined_text(const struct advice *ad, struct strbuf *out)
{
	struct words w = {NULL, ad, out};

	put(&w, "No single change reaches ");
	put_points(&w, ad->threshold);
	put(&w, "; together these ");
	strbuf_add_uint(out, ad->nitems);
	put(&w, " changes add ");
	put_points(&w, ad->combined_gain);
	put(&w, " total points and reach it (total ");
	put_points(&w, ad->base + ad->combined_gain);
	put(&w, ").");
}

struct text_arg {
	const struct scorecard *sc;
	const struct facts *f;
	const struct advice *ad;
	const struct advice_item *it; /* NULL: the judged text; ad itself: the combined */
	int which;
};

static void write_text(struct strbuf *sb, const void *arg)
{
	const struct text_arg *x = arg;

	if (x->which == 0)
		advice_write_text(x->f, x->ad, x->it, sb);
	else if (x->which == 1)
		advice_write_judged_text(x->sc, x->ad, sb);
	else
		advice_write_combined_text(x->ad, sb);
}

bool advice_texts(const struct scorecard *sc, const struct facts *f, struct advice *ad,
		struct arena *a)
{
	struct text_arg x = {sc, f, ad, NULL, 0};

	for (size_t i = 0; i < ad->nitems; i++) {
		x.it = &ad->items[i];
		if (!(ad->items[i].text = strbuf_render(a, write_text, &x)))
			return false;
	}
	x.which = 1;
	if (ad->has_judged_needed && !(ad->judged_text = strbuf_render(a, write_text, &x)))
		return false;
	x.which = 2;
	if (ad->combination && !(ad->combined_text = strbuf_render(a, write_text, &x)))
		return false;
	return true;
}
