/* advice.c - see advice.h.
 *
 * A candidate is a bracket or choice factor (or sub-factor) whose input is
 * advisable and that has a level worth more points than it has now; its
 * options are those levels, by points ascending, one per number of points
 * (the factor's `rising` levels, sorted when the policy loads).  A set of
 * changes (candidate -> new points) is evaluated as score.c builds a card:
 * every factor keeps its points unless changed, a sum is the sum of its
 * sub-factors capped at its maximum, a part is the sum of its factors, and
 * the total is score_weighted_total() of the parts.  So every gain shown is
 * the gain the applicant would see on the rescored card.
 *
 * Nothing here walks the card more than once.  One walk (scan) finds the
 * candidates, each with what it needs to know about its place (its part's
 * weight; for a sub-factor, its sum's sub-factors added before the cap),
 * and the judged factors that can still bring points, with the part scores
 * they would give at their maximum.  Then a change is arithmetic: it moves
 * its part by `delta` (a capped sum by what the cap lets through), so the
 * total moves the weighted sum of the parts, the sum of weight x part
 * score that score_weighted_total() divides by 100 and rounds, by weight x
 * delta.  A set of changes adds its parts' moves (changes of one sum move
 * it once, together, capped).  And since that rounding never falls as the
 * sum grows, "the total reaches the threshold" is "the weighted sum is at
 * least `reach`", the least sum that rounds to the threshold.
 *
 * The search for a combination tries thousands of sets, so it is pruned
 * by a bound (see below).  Scratch memory is on the stack for tracks of
 * the usual size (the track says how many factors it has); the arena holds
 * only what the advice keeps.  The sentences are written only when shown
 * (advice_write_text and friends).
 */
#include "advice.h"

#include <string.h>

#define MAX_PARTS 8 /* score.c refuses tracks with more */
/* A combination has at most as many changes as the advice has items;
 * pruning keeps the search short (see search()). */
#define MAX_COMBO ADVICE_MAX_ITEMS
/* Without pruning (a negative weight, which no published policy has),
 * combinations are searched only up to this size. */
#define MAX_COMBO_UNPRUNED 3
/* Candidates that fit on the stack; a track with more factors than that
 * (the policies have about 20) takes its scratch from the arena. */
#define STACK_CANDS 32

struct cand {
	size_t part;       /* index in sc->parts */
	int64_t weight;    /* that part's weight */
	const struct factor_result *r;
	const struct factor_result *sum; /* the sum factor it is a sub-factor of, or NULL */
	points_t sum_raw;                /* that sum's sub-factors added, before its cap */
	struct cand *lead; /* the sum's first candidate, which keeps ... */
	points_t gained;   /* ... (search) what the sum's sub-factors changed in
			    * the set being tried gain together, before the cap */
	const struct level *const *opts; /* levels worth more than now, points
					  * ascending, distinct (a suffix of the
					  * factor's `rising`) */
	size_t nopts; /* at least 1 */
};

struct ctx {
	const struct scorecard *sc;
	const struct facts *f;
	struct arena *a;
	int64_t weighted;   /* sum of weight x part score now (score_weighted_total's sum) */
	points_t base;      /* the total now */
	points_t threshold;
	int64_t reach;      /* the least weighted sum whose total reaches the threshold */
	struct cand *cands; /* room for the track's nleaves */
	size_t ncands, room;
	size_t part;        /* scan: the part it is in, and its weight */
	int64_t weight;
	/* the judged factors that can still bring points (scan) */
	size_t njudged;
	size_t judged_part; /* the part of the last one */
	bool judged_one_part;
	bool facts_open;    /* a factor that is not judged is not provided */
	points_t raised[MAX_PARTS]; /* part scores with those judged factors at their maximum */
	struct advice *out;
	/* the items so far, in the order they are shown (last: not zeroed) */
	size_t nitems;
	struct advice_item items[ADVICE_MAX_ITEMS];
};

/* ---- the card with changes ---- */

/* delta: what changing candidate k to `points` moves its part by; a
 * sub-factor moves its sum, which stays capped at its maximum. */
static points_t delta(const struct cand *k, points_t points)
{
	points_t raw;

	if (!k->sum)
		return points - k->r->points;
	raw = k->sum_raw + points - k->r->points;
	if (raw > k->sum->factor->max)
		raw = k->sum->factor->max;
	return raw - k->sum->points;
}

/* total_of: the total for a weighted sum of the parts, as
 * score_weighted_total() rounds it. */
static points_t total_of(int64_t weighted)
{
	return points_div_round(weighted, 100);
}

/* least_reaching: the least weighted sum whose total is at least t (the
 * rounding never falls as the sum grows; half-up puts it at 100 t - 50). */
static int64_t least_reaching(points_t t)
{
	int64_t x = t * 100 - 50;

	while (total_of(x - 1) >= t)
		x--;
	while (total_of(x) < t)
		x++;
	return x;
}

/* sum_move: what k's sum moves its part by when its changed sub-factors
 * gain `gained` points together before the cap (0: none is changed). */
static points_t sum_move(const struct cand *k, points_t gained)
{
	points_t raw = k->sum_raw + gained;

	if (gained == 0)
		return 0;
	if (raw > k->sum->factor->max)
		raw = k->sum->factor->max;
	return raw - k->sum->points;
}

/* take: candidate k gains `gain` (> 0) points in the set being tried, as
 * well as the changes taken before it; returns what that moves its part
 * by.  A sum moves once, by all its changed sub-factors, capped: the gains
 * taken so far are kept on its lead.  untake() undoes it. */
static points_t take(const struct cand *k, points_t gain)
{
	points_t before;

	if (!k->lead)
		return gain;
	before = sum_move(k, k->lead->gained);
	k->lead->gained += gain;
	return sum_move(k, k->lead->gained) - before;
}

static void untake(const struct cand *k, points_t gain)
{
	if (k->lead)
		k->lead->gained -= gain;
}

/* ---- one walk of the card ---- */

/* add_cand: r (a sub-factor of `sum`, or NULL) as a candidate, unless it
 * is at its best level already: no change of it can gain. */
static void add_cand(struct ctx *c, const struct factor_result *r,
		const struct factor_result *sum)
{
	const struct factor *fac = r->factor;
	size_t first = fac->nrising;

	if (c->ncands == c->room)
		return; /* a track whose nleaves was not derived (policy.h) */
	while (first > 0 && fac->rising[first - 1]->points > r->points)
		first--;
	if (first == fac->nrising)
		return;
	c->cands[c->ncands++] = (struct cand){
		.part = c->part, .weight = c->weight, .r = r, .sum = sum,
		.opts = fac->rising + first, .nopts = fac->nrising - first,
	};
}

/* visit: a result that is not a sum (a sub-factor of `sum`, or NULL), in
 * part c->part: a candidate, a judged factor that can still bring points,
 * or neither.  Returns its points with the judged factors that can still
 * bring points at their maximum.  (Inline: it runs for every factor of
 * the card.) */
__attribute__((always_inline))
static inline points_t visit(struct ctx *c, const struct factor_result *r,
		const struct factor_result *sum)
{
	const struct factor *fac = r->factor;

	switch (fac->kind) {
	case FACTOR_JUDGED:
		/* all of them on a complete card, the ones not judged on an
		 * incomplete one */
		if (!c->sc->complete && r->state == FSTATE_SCORED)
			return r->points;
		c->judged_one_part = c->njudged == 0 ||
				     (c->judged_one_part && c->judged_part == c->part);
		c->judged_part = c->part;
		c->njudged++;
		return fac->max;
	case FACTOR_BRACKET:
	case FACTOR_CHOICE:
		c->facts_open |= r->state == FSTATE_NOT_PROVIDED;
		if (fac->advisable)
			add_cand(c, r, sum);
		return r->points;
	default: /* a gate: no points */
		return r->points;
	}
}

/* visit_sum: the same for a sum, through its sub-factors, capped at its
 * maximum; its candidates learn the sum's sub-factors added. */
static points_t visit_sum(struct ctx *c, const struct factor_result *r)
{
	size_t first = c->ncands;
	points_t raw = 0, raised = 0;
	struct cand *lead = NULL;

	for (size_t i = 0; i < r->nsubs; i++) {
		const struct factor_result *s = &r->subs[i];

		raw += s->points;
		raised += s->factor->kind == FACTOR_SUM ? visit_sum(c, s) : visit(c, s, r);
	}
	for (size_t k = first; k < c->ncands; k++) {
		struct cand *k0 = &c->cands[k];

		if (k0->sum != r)
			continue;
		k0->sum_raw = raw;
		k0->lead = lead ? lead : k0;
		lead = k0->lead;
	}
	return raised < r->factor->max ? raised : r->factor->max;
}

/* scan: the candidates (in card order), the judged factors that can still
 * bring points and the part scores with those at their maximum. */
static void scan(struct ctx *c)
{
	for (size_t i = 0; i < c->sc->nparts; i++) {
		const struct part_result *pr = &c->sc->parts[i];
		points_t raised = 0;

		c->part = i;
		c->weight = c->sc->track->parts[i].weight;
		for (size_t j = 0; j < pr->nfactors; j++) {
			const struct factor_result *r = &pr->factors[j];

			raised += r->factor->kind == FACTOR_SUM ? visit_sum(c, r) : visit(c, r, NULL);
		}
		c->raised[i] = raised;
	}
}

/* best_level: the first level of k's factor with the most points (it
 * is worth more than k has now). */
static const struct level *best_level(const struct cand *k)
{
	return k->opts[k->nopts - 1];
}

/* ---- items ---- */

/* slot: where an item of total gain g goes among the items kept, by total
 * gain (ascending or descending; equal gains in the order they come),
 * with room made for it; NULL when it comes after ADVICE_MAX_ITEMS of
 * them.  So the items kept are those a stable sort of them all, cut after
 * ADVICE_MAX_ITEMS, would keep. */
static struct advice_item *slot(struct ctx *c, points_t g, bool descending)
{
	size_t n = c->nitems, j = n;

	while (j > 0 && (descending ? c->items[j - 1].total_gain < g
				    : c->items[j - 1].total_gain > g))
		j--;
	if (j == ADVICE_MAX_ITEMS)
		return NULL; /* after every item kept */
	if (n == ADVICE_MAX_ITEMS)
		n--; /* the last one drops out */
	memmove(&c->items[j + 1], &c->items[j], (n - j) * sizeof *c->items);
	c->nitems = n + 1;
	return &c->items[j];
}

/* add_item: the item for changing candidate k to level l, kept in its
 * place (see slot). */
static void add_item(struct ctx *c, const struct cand *k, const struct level *l,
		bool provide, bool descending)
{
	points_t d = delta(k, l->points);
	int64_t w = c->weighted + k->weight * d;
	points_t g = total_of(w) - c->base;
	struct advice_item *it = slot(c, g, descending);

	if (!it)
		return;
	*it = (struct advice_item){
		.factor = k->r->factor->id,
		.part = c->sc->parts[k->part].part->id,
		.from_level = provide ? NULL : k->r->level,
		.to_level = l->label,
		.part_gain = d,
		.total_gain = g,
		.reaches = w >= c->reach,
		.provide = provide,
		.result = k->r,
		.level = l,
	};
}

/* ---- complete, failing card ---- */

/* singles: per candidate, its lowest level that alone reaches; whether
 * there is any. */
static bool singles(struct ctx *c)
{
	for (size_t i = 0; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];

		for (size_t o = 0; o < k->nopts; o++) {
			if (c->weighted + k->weight * delta(k, k->opts[o]->points) < c->reach)
				continue;
			add_item(c, k, k->opts[o], false, false);
			break;
		}
	}
	return c->nitems > 0;
}

struct search {
	size_t k;                     /* factors in a combination */
	const struct cand *pick[MAX_COMBO]; /* the set being tried: these */
	const struct level *lv[MAX_COMBO];  /* to these levels */
	bool found;
	bool done;                    /* found at the threshold itself: none gains less */
	int64_t weighted;             /* of the best set found */
	points_t total;               /* its total, total_of(weighted) */
	const struct cand *best_pick[MAX_COMBO];
	const struct level *best_lv[MAX_COMBO];
	/* Pruning (the bound below): top[i * MAX_COMBO + m - 1] is the
	 * most m candidates from i on can add to the weighted sum. */
	const int64_t *top;
	size_t *budget;               /* choices still to try (SEARCH_BUDGET) */
};

/* The most choices the search for a combination tries, over all its sizes:
 * pruning keeps a published policy's cards far below it (some hundreds),
 * but a threshold far above a card's reach with many candidates could
 * take a fifth of a second, on every self-check page.  Past it the search
 * stops: a set already found still has the fewest changes (every smaller
 * size was searched whole), though maybe not the least gain; with none
 * found the advice falls back to the best level per factor, as when no
 * combination reaches.  A count, not a clock, so the result is the same
 * on every machine. */
#define SEARCH_BUDGET 50000

/* The bound behind the pruning: a change of a candidate by d points adds
 * at most weight x d to the weighted sum of the part scores (a capped sum
 * adds less, never more).  So when the weighted sum with the most the
 * remaining choices can add is below `reach`, no choice among them
 * reaches, and they are skipped: only sets that cannot reach are left
 * out, so the set found is the one the full search finds. */

static int64_t raw_gain(const struct cand *k, points_t points)
{
	return k->weight * (points - k->r->points);
}

/* prepare_prune: top (room for (ncands + 1) x MAX_COMBO) from each
 * candidate's best option, for combinations of up to `most` changes (the
 * rest of each row is not read).  False (no pruning, which is never needed
 * for correctness) when a weight is negative. */
static bool prepare_prune(const struct ctx *c, int64_t *top, size_t most)
{
	int64_t best[MAX_COMBO] = {0};

	for (size_t p = 0; p < c->sc->nparts; p++)
		if (c->sc->track->parts[p].weight < 0)
			return false;
	for (size_t i = c->ncands; i-- > 0;) {
		const struct cand *k = &c->cands[i];
		int64_t g = raw_gain(k, best_level(k)->points);

		/* keep the `most` largest gains from i on, largest first */
		for (size_t m = 0; m < most; m++) {
			if (g > best[m]) {
				int64_t t = best[m];
				best[m] = g;
				g = t;
			}
		}
		for (size_t m = 0; m < most; m++)
			top[i * MAX_COMBO + m] = best[m] + (m ? top[i * MAX_COMBO + m - 1] : 0);
	}
	return true;
}

/* most: the most m more choices from candidate i on can add. */
static int64_t most(const int64_t *top, size_t ncands, size_t i, size_t m)
{
	return m == 0 || i >= ncands ? 0 : top[i * MAX_COMBO + m - 1];
}

/* leaf: whether the choice in s, whose weighted sum is w, reaches; keeps
 * it when it gains least. */
static bool leaf(const struct ctx *c, struct search *s, int64_t w)
{
	if (w < c->reach)
		return false;
	if (!s->found || total_of(w) < s->total) {
		s->found = true;
		s->weighted = w;
		s->total = total_of(w);
		memcpy(s->best_pick, s->pick, sizeof s->pick);
		memcpy(s->best_lv, s->lv, sizeof s->lv);
		/* exactly the threshold: no set reaches with less, and on ties
		 * the first is kept, so the rest cannot change the answer (many
		 * candidates of equal gains would otherwise be tried one by one) */
		s->done = s->total == c->threshold;
	}
	return true;
}

/* search: every choice of s->k candidates after `from` and one option each;
 * keeps the reaching choice with the least total gain (the first on ties).
 * Gains grow with points, so once the last factor's option reaches, its
 * higher options only gain more.  `weighted` is the weighted sum with the
 * choices made so far without the caps of sums (what the bound adds to),
 * `exact` the same with them (take()), so a set is judged without adding
 * its changes up again. */
static void search(const struct ctx *c, struct search *s, size_t depth, size_t from,
		int64_t weighted, int64_t exact)
{
	size_t after = s->k - depth - 1; /* choices still to make after this one */
	/* in locals: the stores into s below would make them loads again */
	const int64_t *top = s->top;
	const int64_t reach = c->reach;
	const size_t n = c->ncands;

	for (size_t i = from; i < n && !s->done; i++) {
		const struct cand *k = &c->cands[i];
		int64_t rest = 0; /* the most the choices after this one can add */

		if (top) {
			if (weighted + most(top, n, i, after + 1) < reach)
				break; /* neither this candidate nor any after it can do it */
			rest = most(top, n, i + 1, after);
		}
		for (size_t o = 0; o < k->nopts; o++) {
			points_t gain = k->opts[o]->points - k->r->points;
			int64_t w = weighted + k->weight * gain, x;
			bool reached = false;

			if (top && w + rest < reach)
				continue; /* a higher option may */
			if (*s->budget == 0)
				return;
			--*s->budget;
			s->pick[depth] = k;
			s->lv[depth] = k->opts[o];
			x = exact + k->weight * take(k, gain);
			if (depth + 1 < s->k)
				search(c, s, depth + 1, i + 1, w, x);
			else
				reached = leaf(c, s, x);
			untake(k, gain);
			if (reached || s->done)
				break;
		}
	}
}

/* combination: the smallest set of 2..MAX_COMBO changes that reaches (past
 * SEARCH_BUDGET, the first found of the fewest changes); top has room for
 * prepare_prune(). */
static bool combination(struct ctx *c, int64_t *top)
{
	struct advice *out = c->out;
	/* no combination has more changes than there are candidates */
	size_t most = c->ncands < MAX_COMBO ? c->ncands : MAX_COMBO;
	bool prune = prepare_prune(c, top, most);
	size_t most_changes = prune ? most : MAX_COMBO_UNPRUNED, budget = SEARCH_BUDGET;
	/* the sets tried are written before they are read */
	struct search s = {.top = prune ? top : NULL, .budget = &budget};

	for (size_t k = 2; k <= most_changes && k <= c->ncands && budget; k++) {
		s.k = k;
		s.found = s.done = false;
		search(c, &s, 0, 0, c->weighted, c->weighted);
		if (s.found || !budget)
			break;
	}
	if (!s.found)
		return false;
	for (size_t i = 0; i < s.k; i++)
		add_item(c, s.best_pick[i], s.best_lv[i], false, false);
	out->combination = true;
	out->combined_gain = total_of(s.weighted) - c->base;
	return true;
}

/* best_each: per candidate its best level, by gain descending. */
static void best_each(struct ctx *c)
{
	for (size_t i = 0; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];
		const struct level *l = best_level(k);

		if (delta(k, l->points) <= 0)
			continue;
		add_item(c, k, l, false, true);
	}
}

static bool advise_failing(struct ctx *c)
{
	int64_t top_stack[(STACK_CANDS + 1) * MAX_COMBO], *top = top_stack;

	if (c->ncands > STACK_CANDS &&
	    !(top = arena_array(c->a, (c->ncands + 1) * MAX_COMBO, sizeof *top)))
		return false;
	if (!singles(c) && !combination(c, top))
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
static void advise_provide(struct ctx *c)
{
	for (size_t i = 0; i < c->ncands; i++) {
		const struct cand *k = &c->cands[i];

		if (k->r->state == FSTATE_NOT_PROVIDED && fact_missing(c, k->r->factor))
			add_item(c, k, best_level(k), true, true);
	}
}

/* ---- judged factors ---- */

/* advise_judged: what the judged factors must bring (scan found them). */
static void advise_judged(const struct ctx *c)
{
	struct advice *out = c->out;

	if (c->njudged == 0)
		return;
	out->has_judged_needed = true;
	out->judged_needed = c->threshold > c->base ? c->threshold - c->base : 0;
	out->judged_can_give = score_weighted_total(c->sc->track, c->raised) - c->base;
	out->judged_facts_open = c->facts_open;
	out->judged_one_part = c->judged_one_part;
	out->judged_part = c->judged_part;
}

bool advice_compute(const struct scorecard *sc, const struct facts *f,
		struct arena *a, struct advice *out)
{
	struct cand cands_stack[STACK_CANDS];
	points_t scores[MAX_PARTS];
	struct ctx c;
	size_t room;

	memset(out, 0, sizeof *out);
	if (!sc->scored || sc->passes || !sc->track || sc->nparts > MAX_PARTS)
		return true;
	memset(&c, 0, offsetof(struct ctx, items)); /* the items are set as they come */
	c.sc = sc;
	c.f = f;
	c.a = a;
	c.out = out;
	c.threshold = sc->policy->threshold;
	for (size_t i = 0; i < sc->nparts; i++) {
		scores[i] = sc->parts[i].score;
		c.weighted += sc->track->parts[i].weight * scores[i];
	}
	c.base = score_weighted_total(sc->track, scores);
	out->base = c.base;
	out->threshold = c.threshold;
	if (sc->complete && c.base >= c.threshold)
		return true; /* fails on a gate, not on points */
	c.reach = least_reaching(c.threshold);
	/* at most as many candidates as the track has factors that are not sums */
	room = sc->track->nleaves;
	c.cands = cands_stack;
	if (room > STACK_CANDS && !(c.cands = arena_array(a, room, sizeof *c.cands)))
		return false;
	c.room = room;
	scan(&c);
	advise_judged(&c);
	if (sc->complete) {
		if (!advise_failing(&c))
			return false;
	} else {
		advise_provide(&c);
	}
	if (c.nitems) {
		out->items = arena_array(a, c.nitems, sizeof *out->items);
		if (!out->items)
			return false;
		memcpy(out->items, c.items, c.nitems * sizeof *out->items);
		out->nitems = c.nitems;
	}
	return !a->failed;
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

/* put_lit: a string literal, its length known (a copy of a constant size,
 * without calls). */
#define put_lit(w, lit) strbuf_add((w)->sb, "" lit, sizeof lit - 1)

/* put_points: "12.50", formatted in place when the buffer has room. */
static void put_points(const struct words *w, points_t p)
{
	struct strbuf *sb = w->sb;
	char buf[POINTS_FMT_MAX];

	if (strbuf_has_room(sb, POINTS_FMT_MAX)) {
		sb->len += points_format_n(p, sb->buf + sb->len); /* and its NUL */
		return;
	}
	strbuf_add(sb, buf, points_format_n(p, buf));
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
	put_lit(w, "at least ");
	if (l->from == 100) {
		put_lit(w, "the average wage");
	} else {
		put_multiple(w, l->from);
		put_lit(w, " times the average wage");
	}
	if (!w->f->wage || __builtin_mul_overflow(l->from, w->f->wage->annual_cny, &need))
		return;
	/* bracket_level in score.c: salary x 100 >= from x wage */
	put_lit(w, ", CNY ");
	put_cny(w, (need + 99) / 100);
	put_lit(w, " a year");
}

static void put_now(const struct words *w, const struct factor_result *r)
{
	struct fact_value v;
	char num[FACTOR_INPUT_MAX];
	const char *input;

	if (wage_bracket(r->factor) &&
	    facts_lookup(w->f, r->factor->input_id, r->factor->input, &v) &&
	    v.type == FACT_NUMBER) {
		put_lit(w, "CNY ");
		put_cny(w, v.num / 100);
		put_lit(w, " a year");
		return;
	}
	if (r->level) { /* most: the input is described only when needed */
		put(w, r->level);
		return;
	}
	input = factor_result_input(r, num);
	put(w, input ? input : "?");
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

/* put_reach: " and reaches 70.00 (total 70.40)" when gain makes the total
 * reach ("reach" after "could add"). */
static void put_reach(const struct words *w, points_t gain, bool could)
{
	const struct advice *ad = w->ad;

	if (ad->base >= ad->threshold || ad->base + gain < ad->threshold)
		return;
	if (could)
		put_lit(w, " and reach ");
	else
		put_lit(w, " and reaches ");
	put_points(w, ad->threshold);
	put_lit(w, " (total ");
	put_points(w, ad->base + gain);
	put_lit(w, ")");
}

void advice_write_text(const struct facts *f, const struct advice *ad,
		const struct advice_item *it, struct strbuf *out)
{
	struct words w = {f, ad, out};
	const struct factor *fac = it->result->factor;

	if (it->provide) {
		put_lit(&w, "Providing ");
		put_factor_name(&w, fac, false);
		put_lit(&w, " could add up to ");
		put_points(&w, it->part_gain);
		put_lit(&w, " ");
		put(&w, it->part);
		put_lit(&w, " points = ");
		put_points(&w, it->total_gain);
		put_lit(&w, " total (");
		put_level(&w, fac, it->level);
		put_lit(&w, ")");
		put_reach(&w, it->total_gain, true);
		put_lit(&w, ".");
		return;
	}
	advice_write_raise_head(f, fac, it->level, out);
	advice_write_raise_rest(f, ad, it, out);
}

bool advice_level_constant(const struct factor *fac, const struct level *l)
{
	return !wage_bracket(fac) || l->from <= 0; /* as put_level words it */
}

void advice_write_raise_head(const struct facts *f, const struct factor *fac,
		const struct level *l, struct strbuf *out)
{
	struct words w = {f, NULL, out};

	put_factor_name(&w, fac, true);
	put_lit(&w, ": ");
	put_level(&w, fac, l);
	put_lit(&w, " (now: ");
}

void advice_write_raise_rest(const struct facts *f, const struct advice *ad,
		const struct advice_item *it, struct strbuf *out)
{
	struct words w = {f, ad, out};

	put_now(&w, it->result);
	put_lit(&w, ") adds ");
	put_points(&w, it->part_gain);
	put_lit(&w, " ");
	put(&w, it->part);
	put_lit(&w, " points = ");
	put_points(&w, it->total_gain);
	put_lit(&w, " total");
	put_reach(&w, it->total_gain, false);
	put_lit(&w, ".");
}

/* part_needed: the fewest points part `part` must gain for the total to
 * reach the threshold, the other parts as they are. */
static points_t part_needed(const struct scorecard *sc, const struct advice *ad, size_t part)
{
	const struct track *t = sc->track;
	points_t scores[MAX_PARTS], base, g = 0;
	int64_t sum = 0, wt = t->parts[part].weight, need;

	for (size_t i = 0; i < sc->nparts; i++) /* as score.c added them */
		scores[i] = sc->parts[i].score;
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
	put_lit(w, " (");
	put_points(w, part_needed(sc, ad, ad->judged_part));
	put_lit(w, " ");
	put(w, p->id);
	put_lit(w, " points)");
}

void advice_write_judged_text(const struct scorecard *sc, const struct advice *ad,
		struct strbuf *out)
{
	struct words w = {NULL, ad, out};
	const char *counting = ad->judged_facts_open ? "Counting the facts not provided as 0, t"
						     : "T";

	if (sc->complete) {
		put_lit(&w, "The total is ");
		put_points(&w, ad->judged_needed);
		put_lit(&w, " points short of ");
		put_points(&w, ad->threshold);
		put_per_part(&w, sc, ad->judged_needed);
		put_lit(&w, "; the experts' factors can give at most ");
		put_points(&w, ad->judged_can_give);
		put_lit(&w, " more total points.");
		return;
	}
	put(&w, counting);
	if (ad->judged_needed == 0) {
		put_lit(&w, "he total reaches ");
		put_points(&w, ad->threshold);
		put_lit(&w, " whatever the experts' factors bring.");
	} else if (ad->judged_needed > ad->judged_can_give) {
		put_lit(&w, "he experts' factors can give at most ");
		put_points(&w, ad->judged_can_give);
		put_lit(&w, " total points, fewer than the ");
		put_points(&w, ad->judged_needed);
		put_lit(&w, " needed to reach ");
		put_points(&w, ad->threshold);
		put_lit(&w, ".");
	} else {
		put_lit(&w, "he experts' factors must bring at least ");
		put_points(&w, ad->judged_needed);
		put_lit(&w, " of the ");
		put_points(&w, ad->judged_can_give);
		put_lit(&w, " total points they can give");
		put_per_part(&w, sc, ad->judged_needed);
		put_lit(&w, ".");
	}
}

void advice_write_combined_text(const struct advice *ad, struct strbuf *out)
{
	struct words w = {NULL, ad, out};

	put_lit(&w, "No single change reaches ");
	put_points(&w, ad->threshold);
	put_lit(&w, "; together these ");
	strbuf_add_uint(out, ad->nitems);
	put_lit(&w, " changes add ");
	put_points(&w, ad->combined_gain);
	put_lit(&w, " total points and reach it (total ");
	put_points(&w, ad->base + ad->combined_gain);
	put_lit(&w, ").");
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
