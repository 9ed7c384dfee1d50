/* score.c - see score.h.
 *
 * One evaluator walks the track's factors with the experts' mean for
 * judged factors (the scorecard).  Each expert also gets a card of their
 * own, which is how the split-panel flag of scorecard.md is decided: that
 * card differs from the panel's only in the judged factors, so it is added
 * up from the panel's card.  A judged factor the expert left out counts
 * from 0 to its maximum; an expert takes a side of the threshold when all
 * of their range lies on it, and their total is listed when it is one
 * number.
 */
#include "score.h"

#include <stdint.h>
#include <string.h>

#include "lib/strbuf.h"
#include "suggest.h"

struct eval {
	const struct programme_policy *pol;
	const struct facts *f;
	struct arena *a;
	struct core_error *err;
	bool failed;
	/* The judged factors of the track and each expert's score for each
	 * (scores[expert * njudged + j], NULL when not given): found once by
	 * check_experts instead of by name for every factor and expert. */
	const struct factor **judged;
	size_t njudged;
	const struct expert_score **scores;
	/* Results not yet handed out: eval_track takes room for a part's
	 * factors and their sub-factors at once, not one block per sum. */
	struct factor_result *pool;
	size_t npool;
};

const char *factor_state_name(enum factor_state s)
{
	switch (s) {
	case FSTATE_SCORED: return "scored";
	case FSTATE_NOT_PROVIDED: return "not-provided";
	case FSTATE_NOT_JUDGED: return "not-judged";
	}
	return "?";
}

const char *factor_kind_name(enum factor_kind k)
{
	switch (k) {
	case FACTOR_BRACKET: return "bracket";
	case FACTOR_CHOICE: return "choice";
	case FACTOR_JUDGED: return "judged";
	case FACTOR_SUM: return "sum";
	case FACTOR_GATE: return "gate";
	}
	return "?";
}

static bool fail(struct eval *e, const char *path, struct srcpos pos, const char *reason)
{
	if (!e->failed) {
		e->err->path = path;
		e->err->pos = pos;
		e->err->reason = reason ? reason : "out of memory";
	}
	e->failed = true;
	return false;
}

static void set_scored(struct factor_result *r, points_t p)
{
	r->state = FSTATE_SCORED;
	r->points = r->min = r->max = p;
}

static void set_open(struct factor_result *r, enum factor_state s)
{
	r->state = s;
	r->points = r->min = 0;
	r->max = r->factor->max;
}

/* The application path of a fact, for error messages: "applicant.age" is
 * computed from applicant.birth_date. */
static const char *fact_path(const char *fact)
{
	return strcmp(fact, "applicant.age") == 0 ? "applicant.birth_date" : fact;
}

static struct srcpos fact_pos(const struct eval *e, const char *fact)
{
	if (strcmp(fact, "applicant.age") == 0)
		return e->f->app->applicant.birth_date_pos;
	return e->f->app->pos;
}

/* bracket_level: the level of fac that v (hundredths of the input) falls
 * in, the one that starts highest when several do; NULL when none. */
static const struct level *bracket_level(const struct eval *e, const struct factor *fac,
		int64_t v)
{
	const struct level *best = NULL;
	size_t k = 0, n;

	if (fac->cut_levels) { /* most: the step function derived at load */
		/* k: the number of cuts <= v, by halving */
		for (n = fac->ncuts; n > 0;) {
			size_t half = n / 2;

			if (fac->cuts[k + half] <= v) {
				k += half + 1;
				n -= half + 1;
			} else {
				n = half;
			}
		}
		return fac->cut_levels[k];
	}
	if (fac->unit != UNIT_AVERAGE_WAGE) /* a policy built by hand, not derived */
		return policy_bracket_level(fac, v);
	/* v is CNY hundredths; bounds are multiples (hundredths) of the wage */
	for (size_t i = 0; i < fac->nlevels; i++) {
		const struct level *l = &fac->levels[i];
		__int128 wage = e->f->wage->annual_cny, x = v;

		if (x >= l->from * wage && (!l->has_to || x <= l->to * wage) &&
		    (!best || l->from > best->from))
			best = l;
	}
	return best;
}

/* bracket_miss: why a value fits no level, in the words of its fact. */
__attribute__((cold))
static const char *bracket_miss(struct eval *e, const struct factor *fac,
		const struct factor_result *r)
{
	char d[DATE_FMT_MAX], lo[POINTS_FMT_MAX], num[FACTOR_INPUT_MAX];
	const char *value = factor_result_input(r, num);
	int64_t lowest = INT64_MAX;

	for (size_t i = 0; i < fac->nlevels; i++)
		if (fac->levels[i].from < lowest)
			lowest = fac->levels[i].from;
	points_format(lowest, lo);
	if (lowest % 100 == 0)
		lo[strlen(lo) - 3] = '\0';
	if (strcmp(fac->input, "applicant.age") == 0 && e->f->app->applicant.has_birth_date &&
	    e->f->app->applicant.birth_date > e->f->app->date) {
		char b[DATE_FMT_MAX];

		return arena_printf(e->a, "the birth date %s is after the application date %s: "
				    "check both dates", date_format(e->f->app->applicant.birth_date,
				    b), date_format(e->f->app->date, d));
	}
	if (strcmp(fac->input, "applicant.age") == 0)
		return arena_printf(e->a, "the applicant is %s on the application date %s; "
				    "applicants must be at least %s (%s): check the birth date",
				    value, date_format(e->f->app->date, d), lo, fac->source);
	return arena_printf(e->a, "%s is %s, outside every level of factor %s (the lowest "
			    "starts at %s; %s)", fac->input, value, fac->id, lo, fac->source);
}

/* factor_result_describe: factor_result_input for a number or a set. */
const char *factor_result_describe(const struct factor_result *r, char buf[FACTOR_INPUT_MAX])
{
	struct fact_value v = {
		.type = r->input_type, .num = r->input_num, .set = r->input_set,
		.nset = r->input_nset,
	};

	return v.type == FACT_MISSING ? r->input : facts_describe(&v, buf, FACTOR_INPUT_MAX);
}

__attribute__((noinline))
static void eval_bracket(struct eval *e, const struct factor *fac, struct factor_result *r)
{
	struct fact_number v = facts_number(e->f, fac->input_id, fac->input);
	const struct level *best = NULL;

	if (!v.given) {
		set_open(r, FSTATE_NOT_PROVIDED);
		return;
	}
	r->input_type = FACT_NUMBER; /* described when shown: factor_result_input */
	r->input_num = v.num;
	if (fac->unit == UNIT_AVERAGE_WAGE && !e->f->wage) {
		r->level = SCORE_LEVEL_NO_WAGE;
		set_open(r, FSTATE_NOT_PROVIDED);
		return;
	}
	best = bracket_level(e, fac, v.num);
	if (!best) {
		fail(e, fact_path(fac->input), fact_pos(e, fac->input), bracket_miss(e, fac, r));
		return;
	}
	r->level = best->label;
	/* a level in multiples of a wage the table marks provisional rests on it */
	r->provisional = best->provisional ||
			 (fac->unit == UNIT_AVERAGE_WAGE && e->f->wage->provisional);
	set_scored(r, best->points);
}

/* same_text: a == b; most factor ids differ in the first byte, which
 * settles it without a call. */
static bool same_text(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

/* better_level: whether level l counts before best (NULL: none yet) when
 * a set selects several: the one with the most points, the first in the
 * policy's order on ties, as if the levels were compared in order. */
static bool better_level(const struct level *l, const struct level *best)
{
	return !best || l->points > best->points || (l->points == best->points && l < best);
}

/* choice_best: the level v selects (policy_choice_level); a set input
 * may select several (better_level).  NULL when no value selects one. */
static const struct level *choice_best(const struct factor *fac, const struct fact_value *v)
{
	const struct level *best = NULL;

	if (v->type == FACT_TEXT)
		return policy_choice_level(fac, v->text);
	for (size_t j = 0; j < v->nset; j++) {
		const struct level *l = policy_choice_level(fac, v->set[j]);

		if (l && better_level(l, best))
			best = l;
	}
	return best;
}

/* credentials_best: choice_best on the credentials, from their bits and
 * the levels the loader found for each (struct factor). */
static const struct level *credentials_best(const struct factor *fac, uint32_t bits)
{
	const struct level *best = NULL;

	for (; bits; bits &= bits - 1) {
		const struct level *l = fac->credential_levels[__builtin_ctz(bits)];

		if (l && better_level(l, best))
			best = l;
	}
	return best;
}

/* choice_miss: why a value matches no level (an error, hence cold). */
__attribute__((cold))
static const char *choice_miss(struct eval *e, const struct factor *fac,
		const struct factor_result *r)
{
	char buf[FACTOR_INPUT_MAX];

	return arena_printf(e->a, "%s \"%s\" matches no level of factor %s (%s)",
			    fac->input, factor_result_input(r, buf), fac->id, fac->source);
}

/* choice_scored: r scored at level best, else at fac's `otherwise` level;
 * an error when there is neither. */
static void choice_scored(struct eval *e, const struct factor *fac, struct factor_result *r,
		const struct level *best)
{
	if (!best)
		best = fac->otherwise;
	if (!best) {
		fail(e, fac->input, e->f->app->pos, choice_miss(e, fac, r));
		return;
	}
	r->level = best->label;
	r->provisional = best->provisional;
	set_scored(r, best->points);
}

/* eval_choice_value: a choice on any value, a set (the credentials) or a
 * text, given or not.  Out of line: its value lives in memory. */
__attribute__((noinline))
static void eval_choice_value(struct eval *e, const struct factor *fac, struct factor_result *r)
{
	struct fact_value v;
	const struct level *best;

	if (!facts_lookup(e->f, fac->input_id, fac->input, &v) ||
	    (v.type != FACT_TEXT && v.type != FACT_SET)) {
		set_open(r, FSTATE_NOT_PROVIDED);
		return;
	}
	/* A text is the application's own string, which outlives the card;
	 * a set is described when shown (factor_result_input). */
	if (v.type == FACT_TEXT) {
		r->input = v.text;
	} else {
		r->input_type = FACT_SET;
		r->input_set = v.set;
		r->input_nset = v.nset;
	}
	if (v.type == FACT_SET && fac->credential_levels)
		best = credentials_best(fac, e->f->credential_bits);
	else
		best = choice_best(fac, &v);
	if (v.partial) {
		/* Some values are unknown: scored only if the known ones already
		 * reach the top level; otherwise the range runs from them up. */
		points_t top = 0;
		for (size_t i = 0; i < fac->nlevels; i++)
			if (fac->levels[i].points > top)
				top = fac->levels[i].points;
		if (!best || best->points < top) {
			set_open(r, FSTATE_NOT_PROVIDED);
			r->min = r->points = best ? best->points : 0;
			r->level = best ? best->label : NULL;
			r->provisional = fac->any_provisional;
			return;
		}
	}
	choice_scored(e, fac, r, best);
}

/* eval_choice: most choices are on a text the application gives, which
 * needs no fact_value; the others go the general way. */
__attribute__((noinline))
static void eval_choice(struct eval *e, const struct factor *fac, struct factor_result *r)
{
	const char *text = facts_text(e->f, fac->input_id, fac->input);

	if (!text) {
		eval_choice_value(e, fac, r);
		return;
	}
	r->input = text; /* the application's own string, which outlives the card */
	choice_scored(e, fac, r, policy_choice_level(fac, text));
}

static const struct expert_score *expert_score_for(const struct expert *x, const char *id)
{
	for (size_t i = 0; i < x->nscores; i++)
		if (strcmp(x->scores[i].factor, id) == 0)
			return &x->scores[i];
	return NULL;
}

static const char *rubric_label(const struct factor *fac, points_t p)
{
	for (size_t i = 0; i < fac->nrubric; i++)
		if (p >= fac->rubric[i].from)
			return fac->rubric[i].label;
	return NULL;
}

/* judged_index: fac's place among the track's judged factors (derived at
 * load), or njudged when fac is not one of them. */
static size_t judged_index(const struct eval *e, const struct factor *fac)
{
	size_t j = fac->judged_index;

	return j < e->njudged && e->judged[j] == fac ? j : e->njudged;
}

/* expert_score_by_name: expert_score_of() for a factor not from the track
 * being scored (cannot happen for a loaded policy). */
__attribute__((noinline, cold))
static const struct expert_score *expert_score_by_name(const struct eval *e, size_t i,
		const struct factor *fac)
{
	return expert_score_for(&e->f->app->experts[i], fac->id);
}

/* expert_score_of: expert i's score for judged factor fac, or NULL.
 * Inline: the experts' own cards (split_panel) take it for every judged
 * factor and expert. */
static inline const struct expert_score *expert_score_of(const struct eval *e, size_t i,
		const struct factor *fac)
{
	size_t j = judged_index(e, fac);

	if (j == e->njudged)
		return expert_score_by_name(e, i, fac);
	return e->scores[i * e->njudged + j];
}

/* A result's points and reachable range on an expert's card. */
struct range {
	points_t p, lo, hi;
};

/* expert_judged: judged factor fac on expert i's card: their score, or
 * anything from 0 to its maximum when they left it out. */
static inline struct range expert_judged(const struct eval *e, size_t i,
		const struct factor *fac)
{
	const struct expert_score *sc = expert_score_of(e, i, fac);

	if (sc)
		return (struct range){sc->points, sc->points, sc->points};
	return (struct range){0, 0, fac->max};
}

/* count_text: "<n><words>" in the arena, e.g. "mean of 3 experts". */
static const char *count_text(struct eval *e, const char *before, unsigned n,
		const char *after)
{
	char buf[96];
	struct strbuf sb;

	strbuf_init_fixed(&sb, buf, sizeof buf);
	strbuf_addstr(&sb, before);
	strbuf_add_uint(&sb, n);
	strbuf_addstr(&sb, after);
	return arena_strndup(e->a, sb.buf, sb.len);
}

const char *score_mean_text(unsigned n)
{
	static const char *const usual[SCORE_MEAN_TEXTS] = {
		NULL, "1 expert", "mean of 2 experts", "mean of 3 experts", "mean of 4 experts",
		"mean of 5 experts", "mean of 6 experts", "mean of 7 experts",
	};

	return n < SCORE_MEAN_TEXTS ? usual[n] : NULL;
}

/* mean_text: "1 expert", "mean of 3 experts": panels are small, so the
 * usual counts are constants (score_mean_text). */
static const char *mean_text(struct eval *e, unsigned n)
{
	const char *usual = score_mean_text(n);

	return usual ? usual : count_text(e, "mean of ", n, " experts");
}

/* The experts' scores of one judged factor: their sum and how many. */
struct scores_sum {
	int64_t sum;
	unsigned n;
};

/* judged_by_name: the experts' scores of fac found by its id, for a
 * factor not among the track's judged ones (cannot happen for a loaded
 * policy; kept out of eval_judged's way). */
__attribute__((noinline, cold))
static struct scores_sum judged_by_name(const struct eval *e, const struct factor *fac)
{
	const struct application *app = e->f->app;
	struct scores_sum t = {0, 0};

	for (size_t i = 0; i < app->nexperts; i++) {
		const struct expert_score *s = expert_score_for(&app->experts[i], fac->id);

		if (s) {
			t.sum += s->points;
			t.n++;
		}
	}
	return t;
}

/* quorum_text: "2 of 3 expert scores", for a factor short of the quorum
 * (rare: out of line, so eval_judged keeps no buffer on its stack). */
__attribute__((noinline, cold))
static const char *quorum_text(struct eval *e, unsigned n)
{
	char of[32];
	struct strbuf sb;

	strbuf_init_fixed(&sb, of, sizeof of);
	strbuf_addstr(&sb, " of ");
	strbuf_add_uint(&sb, e->pol->expert_quorum);
	strbuf_addstr(&sb, " expert scores");
	return count_text(e, "", n, sb.buf);
}

__attribute__((noinline))
static void eval_judged(struct eval *e, const struct factor *fac, struct factor_result *r)
{
	const size_t j = judged_index(e, fac), nj = e->njudged, nexperts = e->f->app->nexperts;
	struct scores_sum t = {0, 0};

	if (j == nj) {
		t = judged_by_name(e, fac);
	} else {
		for (size_t i = 0; i < nexperts; i++) {
			/* expert_score_of(), its factor's place found once */
			const struct expert_score *s = e->scores[i * nj + j];

			if (s) {
				t.sum += s->points;
				t.n++;
			}
		}
	}
	r->njudges = t.n;
	r->provisional = fac->max_provisional;
	if (t.n == 0 || t.n < e->pol->expert_quorum) {
		set_open(r, FSTATE_NOT_JUDGED);
		if (t.n)
			r->input = quorum_text(e, t.n);
		return;
	}
	set_scored(r, points_div_round(t.sum, (int64_t)t.n));
	r->input = mean_text(e, t.n);
	r->level = rubric_label(fac, r->points);
}

__attribute__((noinline))
static void eval_gate(struct eval *e, const struct factor *fac, struct factor_result *r)
{
	r->holds = fac->gate ? predicate_eval(fac->gate, e->f) : TRI_UNKNOWN;
	r->input = fac->gate ? fac->gate->label : NULL;
	if (r->holds == TRI_UNKNOWN) {
		r->state = FSTATE_NOT_PROVIDED;
		r->level = SCORE_LEVEL_UNKNOWN;
	} else {
		r->state = FSTATE_SCORED;
		r->level = r->holds == TRI_TRUE ? SCORE_LEVEL_HOLDS : SCORE_LEVEL_FAILS;
	}
	r->points = r->min = r->max = 0;
}

static inline void eval_factor(struct eval *e, const struct factor *fac,
		struct factor_result *r);

/* results: n zeroed factor results for a sum's sub-factors from the room
 * eval_track took (see struct eval), or from the arena when it has none
 * left (sums within sums). */
static struct factor_result *results(struct eval *e, size_t n)
{
	struct factor_result *r = e->pool;

	if (!r || n > e->npool)
		return arena_array(e->a, n, sizeof *r);
	e->pool += n;
	e->npool -= n;
	return r;
}

__attribute__((noinline))
static void eval_sum(struct eval *e, const struct factor *fac, struct factor_result *r)
{
	points_t sum = 0, lo = 0, hi = 0;
	enum factor_state state = FSTATE_SCORED;

	r->subs = results(e, fac->nsubs);
	if (!r->subs) {
		fail(e, "", e->f->app->pos, NULL);
		return;
	}
	r->nsubs = fac->nsubs;
	for (size_t i = 0; i < fac->nsubs && !e->failed; i++) {
		struct factor_result *s = &r->subs[i];
		eval_factor(e, &fac->subs[i], s);
		sum += s->points;
		lo += s->min;
		hi += s->max;
		r->provisional |= s->provisional;
		if (s->state == FSTATE_NOT_PROVIDED)
			state = FSTATE_NOT_PROVIDED;
		else if (s->state == FSTATE_NOT_JUDGED && state == FSTATE_SCORED)
			state = FSTATE_NOT_JUDGED;
	}
	r->state = state;
	r->points = sum < fac->max ? sum : fac->max;
	r->min = lo < fac->max ? lo : fac->max;
	r->max = hi < fac->max ? hi : fac->max;
}

/* eval_factor: r is zeroed already (every result comes from results(),
 * which zeroes).  It runs for every factor and sub-factor, so it is a
 * small dispatcher inlined into the two loops that call it (a part's
 * factors, a sum's sub-factors); each kind is evaluated out of line,
 * with no more registers saved than it needs. */
__attribute__((always_inline))
static inline void eval_factor(struct eval *e, const struct factor *fac,
		struct factor_result *r)
{
	r->factor = fac;
	switch (fac->kind) {
	case FACTOR_BRACKET: eval_bracket(e, fac, r); break;
	case FACTOR_CHOICE: eval_choice(e, fac, r); break;
	case FACTOR_JUDGED: eval_judged(e, fac, r); break;
	case FACTOR_SUM: eval_sum(e, fac, r); return; /* a sum says it itself */
	case FACTOR_GATE: eval_gate(e, fac, r); break;
	}
	if (!r->provisional && r->state != FSTATE_SCORED)
		r->provisional = fac->any_provisional;
}

static bool gate_failed(const struct factor_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].factor->kind == FACTOR_GATE && r[i].holds == TRI_FALSE)
			return true;
		if (gate_failed(r[i].subs, r[i].nsubs))
			return true;
	}
	return false;
}

/* eval_track: parts, their scores, ranges and the total into out. */
static bool eval_track(struct eval *e, const struct track *t, struct scorecard *out)
{
	points_t score[8], lo[8], hi[8];
	size_t nres;

	if (t->nparts > 8)
		return fail(e, "programme", e->f->app->pos, "policy has more than 8 parts");
	out->parts = arena_array(e->a, t->nparts, sizeof *out->parts);
	if (!out->parts)
		return fail(e, "", e->f->app->pos, NULL);

	out->nparts = t->nparts;
	out->complete = true;
	for (size_t i = 0; i < t->nparts; i++) {
		const struct part *p = &t->parts[i];
		struct part_result *pr = &out->parts[i];

		pr->part = p;
		pr->complete = true;
		/* the part's results and its sums' sub-factors' in one block */
		nres = p->nfactors;
		for (size_t j = 0; j < p->nfactors; j++)
			nres += p->factors[j].nsubs;
		pr->factors = arena_array(e->a, nres, sizeof *pr->factors);
		if (!pr->factors)
			return fail(e, "", e->f->app->pos, NULL);
		e->pool = pr->factors + p->nfactors;
		e->npool = nres - p->nfactors;
		pr->nfactors = p->nfactors;
		for (size_t j = 0; j < p->nfactors && !e->failed; j++) {
			struct factor_result *r = &pr->factors[j];
			eval_factor(e, &p->factors[j], r);
			pr->score += r->points;
			pr->min += r->min;
			pr->max += r->max;
			pr->complete &= r->state == FSTATE_SCORED;
		}
		if (e->failed)
			return false;
		out->complete &= pr->complete;
		score[i] = pr->score;
		lo[i] = pr->min;
		hi[i] = pr->max;
	}
	out->total = score_weighted_total(t, score);
	out->min = score_weighted_total(t, lo);
	out->max = score_weighted_total(t, hi);
	for (size_t i = 0; t->has_gate && i < out->nparts; i++)
		if (gate_failed(out->parts[i].factors, out->parts[i].nfactors))
			out->flags |= SCORE_GATE_FAILED;
	return true;
}

/* find_judged: the track's judged factors (policy_track_derive found
 * them) and room for every expert's score of each. */
static bool find_judged(struct eval *e, const struct track *t)
{
	size_t nexperts = e->f->app->nexperts;

	e->judged = t->judged;
	e->njudged = t->njudged;
	e->scores = arena_array(e->a, nexperts && e->njudged ? nexperts * e->njudged : 1,
				sizeof *e->scores);
	if (!e->scores)
		return fail(e, "", e->f->app->pos, NULL);
	return true;
}

/* judged_by: the judged factor of the track named id (ids are distinct),
 * its index in *j; NULL when there is none.  The search starts at *j:
 * experts mostly list their scores in the track's order, so the one after
 * the previous score's factor is usually it. */
static const struct factor *judged_by(const struct eval *e, const char *id, size_t *j)
{
	size_t k = *j < e->njudged ? *j : 0;

	for (size_t n = 0; n < e->njudged; n++, k = k + 1 < e->njudged ? k + 1 : 0) {
		if (same_text(e->judged[k]->id, id)) {
			*j = k;
			return e->judged[k];
		}
	}
	return NULL;
}

/* nearest_judged: the judged factor id closest to id, for "did you mean";
 * NULL when none is close. */
static const char *nearest_judged(const struct eval *e, const char *id)
{
	const char *best = NULL;
	size_t bestd = SUGGEST_NEAR;

	for (size_t j = 0; j < e->njudged; j++) {
		size_t d = suggest_distance(id, e->judged[j]->id);
		if (d < bestd) {
			bestd = d;
			best = e->judged[j]->id;
		}
	}
	return best;
}

/* check_experts: every expert score names a judged factor of the track, lies
 * in 0..max and on the factor's step; expert ids are distinct.  Fills
 * e->scores. */
static bool check_experts(struct eval *e, const struct track *t)
{
	const struct application *app = e->f->app;

	if (!find_judged(e, t))
		return false;
	for (size_t i = 0; i < app->nexperts; i++) {
		const struct expert *x = &app->experts[i];
		for (size_t k = 0; k < i; k++)
			if (x->id && app->experts[k].id && strcmp(x->id, app->experts[k].id) == 0)
				return fail(e, arena_printf(e->a, "experts[%zu].id", i), x->pos,
					    arena_printf(e->a, "expert \"%s\" appears twice; "
							 "each expert scores once", x->id));
		size_t k = 0; /* where the search for a score's factor starts */

		for (size_t j = 0; j < x->nscores; j++, k++) {
			const struct expert_score *s = &x->scores[j];
			const struct factor *fac = judged_by(e, s->factor, &k);
			const char *path, *quoted, *near;
			struct srcpos vpos;
			char a[POINTS_FMT_MAX], b[POINTS_FMT_MAX];

			if (fac && s->points >= 0 && s->points <= fac->max &&
			    (fac->step <= 0 || s->points % fac->step == 0)) {
				if (!e->scores[i * e->njudged + k]) /* the first one counts */
					e->scores[i * e->njudged + k] = s;
				continue;
			}
			/* the id as JSON writes it: no control character reaches a terminal */
			quoted = strbuf_json_quoted(e->a, s->factor);
			if (!quoted)
				return fail(e, "", s->pos, NULL);
			path = arena_printf(e->a, "experts[%zu].scores.%.*s", i,
					    (int)strlen(quoted) - 2, quoted + 1);
			if (!fac && (near = nearest_judged(e, s->factor)))
				return fail(e, path, s->pos, arena_printf(e->a,
					"%s is not a factor experts judge in %s %s (did you mean \"%s\"?)",
					quoted, e->pol->programme, e->pol->edition, near));
			if (!fac)
				return fail(e, path, s->pos, arena_printf(e->a,
					"%s is not a factor experts judge in %s %s",
					quoted, e->pol->programme, e->pol->edition));
			vpos = s->vpos.line ? s->vpos : s->pos; /* (a reader may not know it) */
			if (s->points < 0 || s->points > fac->max)
				return fail(e, path, vpos, arena_printf(e->a,
					"%s is outside 0..%s, the maximum of %s",
					points_format(s->points, a), points_format(fac->max, b), fac->id));
			return fail(e, path, vpos, arena_printf(e->a,
				"%s is not a multiple of %s: experts score %s in steps of %s",
				points_format(s->points, a), points_format(fac->step, b),
				fac->id, b));
		}
	}
	return true;
}

/* expert_sum: sum r, which has a judged sub-factor, on expert i's own
 * card.  Only the judged factors (and sums of them) differ from the
 * panel's card, so the rest is taken from it rather than computed again. */
static struct range expert_sum(const struct eval *e, size_t i, const struct factor_result *r)
{
	struct range s = {0, 0, 0}, x;
	points_t max = r->factor->max;

	for (size_t k = 0; k < r->nsubs; k++) {
		const struct factor_result *sub = &r->subs[k];

		if (sub->factor->kind == FACTOR_JUDGED)
			x = expert_judged(e, i, sub->factor);
		else if (sub->factor->has_judged) /* a sum within the sum */
			x = expert_sum(e, i, sub);
		else
			x = (struct range){sub->points, sub->min, sub->max};
		s.p += x.p;
		s.lo += x.lo;
		s.hi += x.hi;
	}
	return (struct range){s.p < max ? s.p : max, s.lo < max ? s.lo : max,
			      s.hi < max ? s.hi : max};
}

/* split_panel: the experts' own totals fall on both sides of the threshold. */
static bool split_panel(struct eval *e, const struct track *t, struct scorecard *out)
{
	const struct application *app = e->f->app;
	bool below = false, above = false;

	/* not zeroed: filled up to nexpert_totals, and read no further */
	out->expert_totals = arena_array_uninit(e->a, app->nexperts ? app->nexperts : 1,
						sizeof *out->expert_totals);
	out->expert_ids = arena_array_uninit(e->a, app->nexperts ? app->nexperts : 1,
					     sizeof *out->expert_ids);
	if (!out->expert_totals || !out->expert_ids)
		return fail(e, "", app->pos, NULL);
	points_t same[8], same_lo[8], same_hi[8];

	/* What the factors without a judged one give is every expert's. */
	for (size_t k = 0; k < out->nparts; k++) {
		const struct part_result *pr = &out->parts[k];

		same[k] = same_lo[k] = same_hi[k] = 0;
		for (size_t j = 0; j < pr->nfactors; j++) {
			if (pr->factors[j].factor->has_judged)
				continue;
			same[k] += pr->factors[j].points;
			same_lo[k] += pr->factors[j].min;
			same_hi[k] += pr->factors[j].max;
		}
	}
	for (size_t i = 0; i < app->nexperts; i++) {
		points_t score[8], lo[8], hi[8], total;
		size_t k;

		for (k = 0; k < out->nparts; k++) {
			const struct part_result *pr = &out->parts[k];

			score[k] = same[k];
			lo[k] = same_lo[k];
			hi[k] = same_hi[k];
			for (size_t j = 0; j < pr->nfactors; j++) {
				const struct factor_result *r = &pr->factors[j];
				struct range x;

				if (!r->factor->has_judged)
					continue;
				x = r->factor->kind == FACTOR_JUDGED ? expert_judged(e, i, r->factor)
								     : expert_sum(e, i, r);
				score[k] += x.p;
				lo[k] += x.lo;
				hi[k] += x.hi;
			}
		}
		/* Gates give no points: an expert's total is known as soon as
		 * every factor with points is known (most cards: every part's
		 * range is one number).  One whose total is not known (a
		 * judged factor they left out, a fact not provided) still
		 * takes a side when all of its range lies on it. */
		for (k = 0; k < out->nparts && lo[k] == hi[k]; k++)
			;
		if (k < out->nparts && score_weighted_total(t, lo) != score_weighted_total(t, hi)) {
			if (score_weighted_total(t, hi) < e->pol->threshold)
				below = true;
			else if (score_weighted_total(t, lo) >= e->pol->threshold)
				above = true;
			continue;
		}
		total = score_weighted_total(t, score);
		out->expert_ids[out->nexpert_totals] = app->experts[i].id;
		out->expert_totals[out->nexpert_totals++] = total;
		if (total < e->pol->threshold)
			below = true;
		else
			above = true;
	}
	return below && above;
}

bool score_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct scorecard *out, struct core_error *err)
{
	struct eval e = {.pol = pol, .f = f, .a = a, .err = err};
	const struct application *app = f->app;
	const struct track *t;

	memset(out, 0, sizeof *out);
	out->policy = pol;
	if (pol->ntracks > 1 && !app->track)
		return fail(&e, "track", app->pos, arena_printf(a,
			"%s needs a track: startup or technical", pol->programme));
	if (pol->ntracks <= 1 && app->track && (!pol->ntracks || !pol->tracks[0].id))
		return fail(&e, "track", app->pos, arena_printf(a,
			"%s has no tracks: leave \"track\" out or null", pol->programme));
	t = policy_track(pol, pol->ntracks > 1 ? app->track : NULL);
	if (!t)
		return fail(&e, "track", app->pos, arena_printf(a,
			"\"%s\" is not a track of %s", app->track, pol->programme));
	out->track = t;
	if (pol->has_window && (app->date < pol->window_opens || app->date > pol->window_closes))
		out->flags |= SCORE_WINDOW_CLOSED;
	out->scored = pol->scored;
	if (!pol->scored) {
		out->complete = true;
		return !app->nexperts || fail(&e, "experts", app->pos, arena_printf(a,
			"%s has no points, so no expert scores: remove \"experts\"",
			pol->programme));
	}
	if (!check_experts(&e, t) || !eval_track(&e, t, out))
		return false;
	if (app->nexperts > 1 && split_panel(&e, t, out))
		out->flags |= SCORE_SPLIT_PANEL;
	if (e.failed)
		return false;
	out->passes = out->complete && out->total >= pol->threshold &&
		      !(out->flags & SCORE_GATE_FAILED);
	return true;
}
