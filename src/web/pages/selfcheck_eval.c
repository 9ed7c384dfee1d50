/* selfcheck_eval.c - an evaluation as the self-check's result page shows
 * it (sc_evaluation_view, selfcheck_api.h): eligibility with each
 * criterion's outcome, reason and clause; for scored programmes the total
 * against the threshold, or the range it can still reach while expert
 * factors are open or answers are missing; a bar per part and per factor
 * with the provisional mark next to every provisional value; each
 * factor's input, level and clause.  The self-check's result page and the
 * application page both show it (templates/evaluation.mustache).
 *
 * Names of factors, parts and criteria are translated (message keys
 * factor_<id>, sc_part_<id>, sc_crit_<id>).  The policy's labels (of
 * levels and of the conditions a reason names) are translated by their
 * English text (po/<lang>/policy.po), the answers a reason or a factor
 * shows by the option words of the self-check's questions (sc_o_<field>_
 * <value>); what has no translation stays English and is marked lang="en",
 * as the clauses quoted from the source texts always are.
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <string.h>

#include "core/evaluate.h"
#include "selfcheck_api.h"
#include "web/i18n.h"
#include "web/render.h"

const char *sc_points(const struct request *rq, points_t p)
{
	char buf[POINTS_FMT_MAX];
	char *s = arena_strdup(rq->a, points_format(p, buf));

	if (s && strcmp(rq->lang, "de") == 0) {
		char *dot = strchr(s, '.');
		if (dot)
			*dot = ',';
	}
	return s ? s : "";
}

static const char *factor_name(const struct request *rq, const struct factor *f)
{
	return sc_tr(rq, arena_printf(rq->a, "factor_%s", f->id), f->name);
}

static const char *tri_class(enum tri t)
{
	return t == TRI_TRUE ? "ok" : t == TRI_FALSE ? "bad" : "warn";
}

/* tri_word: the end of the message keys for t (sc_holds_yes ...). */
static const char *tri_word(enum tri t)
{
	return t == TRI_TRUE ? "yes" : t == TRI_FALSE ? "no" : "unknown";
}

static const char *holds(const struct request *rq, enum tri t)
{
	return T(rq, arena_printf(rq->a, "sc_holds_%s", tri_word(t)));
}

static const char *bar_label(const struct request *rq, points_t lo, points_t hi, points_t max)
{
	if (lo == hi)
		return sc_fmt(rq, "sc_bar_label", "points", sc_points(rq, lo), "max",
			      sc_points(rq, max), (const char *)NULL);
	return sc_fmt(rq, "sc_bar_range_label", "min", sc_points(rq, lo), "max",
		      sc_points(rq, hi), "total", sc_points(rq, max), (const char *)NULL);
}

/* points_text: "8.00 of 10.00" when done, else the range "2.00 to 8.00 of
 * 10.00" (a factor or part). */
static const char *points_text(const struct request *rq, bool done, points_t points,
		points_t lo, points_t hi, points_t max)
{
	if (done)
		return sc_fmt(rq, "sc_points_of", "points", sc_points(rq, points), "max",
			      sc_points(rq, max), (const char *)NULL);
	return sc_fmt(rq, "sc_points_range", "min", sc_points(rq, lo), "max", sc_points(rq, hi),
		      "total", sc_points(rq, max), (const char *)NULL);
}

/* ---- the policy's words and the answers, in the visitor's language ---------- */

/* The self-check question (sc_o_<field>_<value> words) whose answer is the
 * value of each fact shown by its value. */
static const struct {
	const char *fact, *field;
} fact_fields[] = {
	{"applicant.education", "education"},
	{"applicant.position", "position"},
	{"applicant.title", "title"},
	{"applicant.employer_visibility", "visibility"},
	{"applicant.social_duty", "social_duty"},
	{"enterprise.sector", "sector"},
	{"enterprise.conditions", "conditions"},
};

/* words: the message `key` in the visitor's language, or NULL when the
 * catalogs have none (the caller then shows the English it has). */
static const char *words(const struct request *rq, const char *key)
{
	const char *s = T(rq, key);

	return strcmp(s, key) == 0 ? NULL : s;
}

/* A translation looked up for a page: *english_left records that some
 * text had none (the page then marks it lang="en"). */
struct tr {
	const struct request *rq;
	bool english_left;
};

/* tr_label: a label of the policy (msgctxt "policy", msgid its English
 * text, po/<lang>/policy_words.po); a label without letters ("26-55") is
 * the same in every language. */
static const char *tr_label(void *ctx, const char *english)
{
	struct tr *t = ctx;
	const char *s = words(t->rq, arena_printf(t->rq->a, "policy\004%s", english));
	bool letters = false;

	for (const char *c = english; *c && !letters; c++)
		letters = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
	if (!s && letters && strcmp(t->rq->lang, "en") != 0)
		t->english_left = true;
	return s ? s : english;
}

/* tr_value: a fact's value (one member of a set) as the self-check's
 * question words it: "doctorate" is 博士 in Chinese; a credential
 * "title:senior" is the title question's answer, "catalog:urgent" the
 * catalog list's name. */
static const char *tr_value(void *ctx, const char *fact, const char *value)
{
	struct tr *t = ctx;
	const struct request *rq = t->rq;
	const char *key = NULL, *s;

	if (strcmp(fact, "applicant.credentials") == 0) {
		if (strncmp(value, "title:", 6) == 0)
			key = arena_printf(rq->a, "sc_o_title_%s", value + 6);
		else if (strncmp(value, "catalog:", 8) == 0)
			key = arena_printf(rq->a, "catalog_list_%s", value + 8);
	}
	for (size_t i = 0; !key && i < sizeof fact_fields / sizeof fact_fields[0]; i++)
		if (strcmp(fact, fact_fields[i].fact) == 0)
			key = arena_printf(rq->a, "sc_o_%s_%s", fact_fields[i].field, value);
	s = key ? words(rq, key) : NULL;
	if (!s && key && strcmp(rq->lang, "en") != 0)
		t->english_left = true;
	return s ? s : value;
}

/* tr_number: a whole number as the visitor writes it: digits grouped
 * (960,000 / 960.000), an amount of yuan (a fact named *_cny) with its
 * currency (¥960,000); NULL for a fraction (the core's digits stay). */
static const char *tr_number(void *ctx, const char *fact, int64_t hundredths)
{
	const struct request *rq = ((struct tr *)ctx)->rq;
	size_t n = fact ? strlen(fact) : 0;

	if (hundredths % 100 != 0)
		return NULL;
	if (n > 4 && strcmp(fact + n - 4, "_cny") == 0)
		return i18n_money(rq->a, rq->lang, hundredths / 100);
	return i18n_number(rq->a, rq->lang, hundredths / 100);
}

const char *sc_policy_word(const struct request *rq, const char *english)
{
	struct tr t = {rq, false};

	return tr_label(&t, english);
}

/* factor_input: what factor result r used, in the visitor's language. */
static const char *factor_input(const struct request *rq, const struct factor_result *r,
		struct tr *t)
{
	char num[FACTOR_INPUT_MAX];
	const char *input = factor_result_input(r, num);
	struct strbuf sb = STRBUF_INIT(1024);
	const char *out;

	if (!input)
		return NULL;
	if (r->input_type == FACT_NUMBER) {
		const char *n = tr_number(t, r->factor->input, r->input_num);

		return n ? n : arena_strdup(rq->a, num);
	}
	if (!r->factor->input) /* a gate: the condition it asks (its label) */
		return tr_label(t, input);
	if (r->input_type != FACT_SET)
		return tr_value(t, r->factor->input, input);
	for (size_t i = 0; i < r->input_nset; i++) {
		if (i)
			strbuf_addstr(&sb, T(rq, "sc_list_sep"));
		strbuf_addstr(&sb, tr_value(t, r->factor->input, r->input_set[i]));
	}
	out = sb.failed ? input : arena_strdup(rq->a, sb.buf);
	strbuf_release(&sb);
	return out;
}

static const char *const why_keys[WHY_NPIECES] = {
	[WHY_MET] = "why_met", [WHY_NOT_MET] = "why_not_met",
	[WHY_NOT_ANSWERED] = "why_not_answered", [WHY_COLON] = "why_colon",
	[WHY_DASH] = "why_dash", [WHY_NOT] = "why_not", [WHY_SEP] = "why_sep",
	[WHY_OPEN] = "why_open", [WHY_CLOSE] = "why_close", [WHY_LIST_SEP] = "why_list_sep",
	[WHY_NONE] = "why_none", [WHY_WAGE] = "why_wage", [WHY_PROVISIONAL] = "why_provisional",
};

/* criterion_why: why criterion result c holds or not, in the visitor's
 * language; *english_left as in struct tr. */
static const char *criterion_why(const struct request *rq, const struct facts *f,
		const struct criterion_result *c, bool *english_left)
{
	struct tr t = {rq, false};
	struct why_words w = {.label = tr_label, .value = tr_value, .number = tr_number,
			      .ctx = &t};
	struct strbuf sb = STRBUF_INIT(4096);
	const char *out;

	for (size_t k = 0; k < WHY_NPIECES; k++)
		w.piece[k] = words(rq, why_keys[k]);
	eligibility_write_why_in(f, c, &w, &sb);
	out = sb.failed ? "" : arena_strdup(rq->a, sb.buf);
	strbuf_release(&sb);
	*english_left = t.english_left;
	return out ? out : "";
}

/* ---- eligibility ---------------------------------------------------------- */

static void add_eligibility(const struct request *rq, struct view *v,
		const struct evaluation *ev)
{
	const struct eligibility *el = &ev->eligibility;
	struct view *e = view_set_object(v, "eligibility");
	struct view *list = view_set_list(e, "criteria");
	const char *k = tri_word(el->eligible);

	view_set_str(e, "cls", tri_class(el->eligible));
	view_set_str(e, "label", T(rq, arena_printf(rq->a, "sc_eligible_%s", k)));
	view_set_str(e, "lead", T(rq, arena_printf(rq->a, "sc_eligible_%s_lead", k)));
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		struct view *cv = view_list_push_object(list);

		view_set_str(cv, "name", sc_tr(rq, arena_printf(rq->a, "sc_crit_%s",
							c->criterion->id), c->criterion->name));
		view_set_str(cv, "holds", holds(rq, c->holds));
		view_set_str(cv, "cls", tri_class(c->holds));
		bool english_left;

		view_set_str(cv, "why", criterion_why(rq, &ev->facts, c, &english_left));
		view_set_bool(cv, "why_en", english_left);
		view_set_str(cv, "source", c->criterion->source ? c->criterion->source : "");
	}
}

/* ---- the scorecard -------------------------------------------------------- */

static const char *state_key(enum factor_state s)
{
	switch (s) {
	case FSTATE_SCORED: return "sc_state_scored";
	case FSTATE_NOT_PROVIDED: return "sc_state_not_provided";
	default: return "sc_state_not_judged";
	}
}

static void add_factor(const struct request *rq, struct view *list,
		const struct factor_result *r, bool sub)
{
	const struct factor *f = r->factor;
	struct view *fv = view_list_push_object(list);
	struct view *subs = view_set_list(fv, "subs");
	bool gate = f->kind == FACTOR_GATE;
	struct sc_bar bar = {r->min, r->max, f->max, false, 0, false, NULL};
	struct tr t = {rq, false};
	const char *input, *level = NULL;

	view_set_str(fv, "id", f->id);
	view_set_str(fv, "name", factor_name(rq, f));
	view_set_bool(fv, "sub", sub);
	view_set_bool(fv, "is_gate", gate);
	view_set_bool(fv, "provisional", r->provisional || f->max_provisional);
	view_set_bool(fv, "judged", f->kind == FACTOR_JUDGED);
	view_set_str(fv, "max", sc_points(rq, f->max));
	if (gate) {
		view_set_str(fv, "points", holds(rq, r->holds));
		view_set_str(fv, "cls", tri_class(r->holds));
		view_set_str(fv, "svg", "");
	} else {
		view_set_str(fv, "points", points_text(rq, r->state == FSTATE_SCORED, r->points,
						       r->min, r->max, f->max));
		view_set_str(fv, "cls", r->state == FSTATE_SCORED ? "ok" : "warn");
		bar.label = bar_label(rq, r->min, r->max, f->max);
		view_set_str(fv, "svg", sc_svg_bar(rq->a, &bar));
	}
	view_set_bool(fv, "scored", r->state == FSTATE_SCORED);
	view_set_str(fv, "state", T(rq, state_key(r->state)));
	if (f->kind != FACTOR_JUDGED && f->kind != FACTOR_SUM) {
		input = factor_input(rq, r, &t);
		view_set_str(fv, "input", input ? input : T(rq, "sc_not_answered"));
		view_set_bool(fv, "input_en", t.english_left);
		view_set_bool(fv, "has_input", true);
	}
	t.english_left = false;
	if (r->level)
		level = tr_label(&t, r->level);
	view_set_str(fv, "level", level ? level : "");
	view_set_bool(fv, "level_en", t.english_left);
	view_set_bool(fv, "has_level", r->level != NULL);
	view_set_str(fv, "source", f->source ? f->source : "");
	view_set_bool(fv, "has_subs", r->nsubs > 0);
	for (size_t i = 0; i < r->nsubs; i++)
		add_factor(rq, subs, &r->subs[i], true);
}

static void add_parts(const struct request *rq, struct view *v, const struct scorecard *sc)
{
	struct view *parts = view_set_list(v, "parts");

	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		struct view *pv = view_list_push_object(parts);
		struct view *factors = view_set_list(pv, "factors");
		struct sc_bar bar = {p->min, p->max, p->part->max, false, 0, false, NULL};

		view_set_str(pv, "id", p->part->id);
		view_set_str(pv, "name", sc_tr(rq, arena_printf(rq->a, "sc_part_%s", p->part->id),
					       p->part->name));
		view_set_str(pv, "weight", arena_printf(rq->a, "%lld %%",
							(long long)p->part->weight));
		view_set_bool(pv, "weighted", sc->nparts > 1);
		view_set_str(pv, "source", p->part->source ? p->part->source : "");
		view_set_str(pv, "score", points_text(rq, p->complete, p->score, p->min, p->max,
						      p->part->max));
		bar.label = bar_label(rq, p->min, p->max, p->part->max);
		view_set_str(pv, "svg", sc_svg_bar(rq->a, &bar));
		for (size_t k = 0; k < p->nfactors; k++)
			add_factor(rq, factors, &p->factors[k], false);
	}
}

size_t sc_count_open(const struct scorecard *sc, enum factor_state st)
{
	size_t n = 0;

	for (size_t i = 0; i < sc->nparts; i++)
		for (size_t k = 0; k < sc->parts[i].nfactors; k++) {
			const struct factor_result *r = &sc->parts[i].factors[k];
			n += r->state == st && r->nsubs == 0;
			for (size_t j = 0; j < r->nsubs; j++)
				n += r->subs[j].state == st;
		}
	return n;
}

static void add_score(const struct request *rq, struct view *v, const struct evaluation *ev)
{
	const struct scorecard *sc = &ev->scorecard;
	const struct programme_policy *pol = ev->policy;
	struct view *s = view_set_object(v, "score");
	points_t full = POINTS(100);
	struct sc_bar bar = {sc->min, sc->max, full, true, pol->threshold, true, NULL};
	const char *th = sc_points(rq, pol->threshold);
	const char *key;
	size_t unanswered = sc_count_open(sc, FSTATE_NOT_PROVIDED);
	size_t unjudged = sc_count_open(sc, FSTATE_NOT_JUDGED);

	view_set_bool(s, "complete", sc->complete);
	view_set_str(s, "threshold", th);
	view_set_str(s, "threshold_source", pol->threshold_source ? pol->threshold_source : "");
	view_set_str(s, "total", sc_points(rq, sc->total));
	view_set_str(s, "min", sc_points(rq, sc->min));
	view_set_str(s, "max", sc_points(rq, sc->max));
	bar.label = sc->complete
		? sc_fmt(rq, "sc_total_label", "points", sc_points(rq, sc->total), "threshold", th,
			 (const char *)NULL)
		: sc_fmt(rq, "sc_total_range_label", "min", sc_points(rq, sc->min), "max",
			 sc_points(rq, sc->max), "threshold", th, (const char *)NULL);
	view_set_str(s, "svg", sc_svg_bar(rq->a, &bar));
	if (sc->flags & SCORE_GATE_FAILED) {
		key = "sc_score_gate_failed";
		view_set_str(s, "cls", "bad");
	} else if (sc->complete) {
		key = sc->passes ? "sc_score_passes" : "sc_score_fails";
		view_set_str(s, "cls", sc->passes ? "ok" : "bad");
	} else if (sc->max < pol->threshold) {
		key = "sc_score_cannot_reach";
		view_set_str(s, "cls", "bad");
	} else if (sc->min >= pol->threshold) {
		key = "sc_score_reaches_anyway";
		view_set_str(s, "cls", "ok");
	} else {
		key = "sc_score_can_reach";
		view_set_str(s, "cls", "warn");
	}
	view_set_str(s, "verdict", sc_fmt(rq, key, "threshold", th, "min", sc_points(rq, sc->min),
					  "max", sc_points(rq, sc->max), (const char *)NULL));
	view_set_bool(s, "has_unanswered", unanswered > 0);
	view_set_str(s, "unanswered", sc_fmt(rq, "sc_score_unanswered", "n",
					     arena_printf(rq->a, "%zu", unanswered),
					     (const char *)NULL));
	view_set_bool(s, "has_unjudged", unjudged > 0);
	view_set_str(s, "unjudged", sc_fmt(rq, "sc_score_unjudged", "n",
					   arena_printf(rq->a, "%zu", unjudged),
					   (const char *)NULL));
	view_set_bool(v, "window_closed", (sc->flags & SCORE_WINDOW_CLOSED) != 0);
	if (pol->has_window)
		view_set_str(v, "window_text", sc_fmt(rq, "sc_window_closed", "opens",
			i18n_date(rq->a, rq->lang, pol->window_opens), "closes",
			i18n_date(rq->a, rq->lang, pol->window_closes), "edition", pol->edition,
			(const char *)NULL));
	view_set_str(v, "swatch_solid", sc_svg_swatch(false));
	view_set_str(v, "swatch_range", sc_svg_swatch(true));
	add_parts(rq, v, sc);
}

/* ---- the whole evaluation -------------------------------------------------- */

void sc_evaluation_view(struct request *rq, struct view *v, const struct evaluation *ev)
{
	view_set_str(v, "edition", ev->policy->edition);
	add_eligibility(rq, v, ev);
	view_set_bool(v, "scored", ev->scorecard.scored);
	if (ev->scorecard.scored)
		add_score(rq, v, ev);
}
