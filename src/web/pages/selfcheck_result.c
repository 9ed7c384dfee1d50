/* selfcheck_result.c - GET /self-check/{programme}/result: the evaluation
 * of the answers, as the core computes it (evaluate_application with the
 * site's policy bundle, the application date today in Beijing).
 *
 * Shown: eligibility with each criterion's outcome and reason; for scored
 * programmes the total against the threshold, or the range it can still
 * reach while expert factors are open or answers are missing; a bar per
 * part and per factor with the provisional mark next to every provisional
 * value; each factor's input, level and clause; the advice.  Names of
 * factors, parts and criteria are translated (message keys factor_<id>,
 * sc_part_<id>, sc_crit_<id>); levels, reasons and clauses are the
 * policy's own English words and are marked lang="en".
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <string.h>

#include "core/evaluate.h"
#include "pages.h"
#include "store/store.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/session.h"
#include "web/site.h"

#define SAVE_ROLES (ROLE_APPLICANT | ROLE_EMPLOYER)

/* pts: points as the visitor's language writes decimals (82.50, 82,50). */
static const char *pts(const struct request *rq, points_t p)
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

static const char *bar_label(const struct request *rq, points_t lo, points_t hi, points_t max)
{
	if (lo == hi)
		return sc_fmt(rq, "sc_bar_label", "points", pts(rq, lo), "max", pts(rq, max),
			      (const char *)NULL);
	return sc_fmt(rq, "sc_bar_range_label", "min", pts(rq, lo), "max", pts(rq, hi),
		      "total", pts(rq, max), (const char *)NULL);
}

/* ---- eligibility ---------------------------------------------------------- */

static void add_eligibility(const struct request *rq, struct view *v,
		const struct eligibility *el)
{
	struct view *e = view_set_object(v, "eligibility");
	struct view *list = view_set_list(e, "criteria");
	const char *k = el->eligible == TRI_TRUE ? "yes" : el->eligible == TRI_FALSE ? "no"
										     : "unknown";

	view_set_str(e, "cls", tri_class(el->eligible));
	view_set_str(e, "label", T(rq, arena_printf(rq->a, "sc_eligible_%s", k)));
	view_set_str(e, "lead", T(rq, arena_printf(rq->a, "sc_eligible_%s_lead", k)));
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		struct view *cv = view_list_push_object(list);
		const char *h = c->holds == TRI_TRUE ? "yes" : c->holds == TRI_FALSE ? "no"
										      : "unknown";

		view_set_str(cv, "name", sc_tr(rq, arena_printf(rq->a, "sc_crit_%s",
							c->criterion->id), c->criterion->name));
		view_set_str(cv, "holds", T(rq, arena_printf(rq->a, "sc_holds_%s", h)));
		view_set_str(cv, "cls", tri_class(c->holds));
		view_set_str(cv, "why", c->why ? c->why : "");
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

	view_set_str(fv, "id", f->id);
	view_set_str(fv, "name", factor_name(rq, f));
	view_set_bool(fv, "sub", sub);
	view_set_bool(fv, "is_gate", gate);
	view_set_bool(fv, "provisional", r->provisional || f->max_provisional);
	view_set_bool(fv, "judged", f->kind == FACTOR_JUDGED);
	view_set_str(fv, "max", pts(rq, f->max));
	if (gate) {
		const char *h = r->holds == TRI_TRUE ? "yes" : r->holds == TRI_FALSE ? "no"
										     : "unknown";
		view_set_str(fv, "points", T(rq, arena_printf(rq->a, "sc_holds_%s", h)));
		view_set_str(fv, "cls", tri_class(r->holds));
		view_set_str(fv, "svg", "");
	} else {
		view_set_str(fv, "points", r->state == FSTATE_SCORED
			? sc_fmt(rq, "sc_points_of", "points", pts(rq, r->points), "max",
				 pts(rq, f->max), (const char *)NULL)
			: sc_fmt(rq, "sc_points_range", "min", pts(rq, r->min), "max",
				 pts(rq, r->max), "total", pts(rq, f->max), (const char *)NULL));
		view_set_str(fv, "cls", r->state == FSTATE_SCORED ? "ok" : "warn");
		bar.label = bar_label(rq, r->min, r->max, f->max);
		view_set_str(fv, "svg", sc_svg_bar(rq->a, &bar));
	}
	view_set_bool(fv, "scored", r->state == FSTATE_SCORED);
	view_set_str(fv, "state", T(rq, state_key(r->state)));
	view_set_str(fv, "input", r->input ? r->input : T(rq, "sc_not_answered"));
	view_set_bool(fv, "has_input", f->kind != FACTOR_JUDGED && f->kind != FACTOR_SUM);
	view_set_str(fv, "level", r->level ? r->level : "");
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
		view_set_str(pv, "score", p->complete
			? sc_fmt(rq, "sc_points_of", "points", pts(rq, p->score), "max",
				 pts(rq, p->part->max), (const char *)NULL)
			: sc_fmt(rq, "sc_points_range", "min", pts(rq, p->min), "max",
				 pts(rq, p->max), "total", pts(rq, p->part->max), (const char *)NULL));
		bar.label = bar_label(rq, p->min, p->max, p->part->max);
		view_set_str(pv, "svg", sc_svg_bar(rq->a, &bar));
		for (size_t k = 0; k < p->nfactors; k++)
			add_factor(rq, factors, &p->factors[k], false);
	}
}

static size_t count_open(const struct scorecard *sc, enum factor_state st)
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
	const char *th = pts(rq, pol->threshold);
	const char *key;
	size_t unanswered = count_open(sc, FSTATE_NOT_PROVIDED);
	size_t unjudged = count_open(sc, FSTATE_NOT_JUDGED);

	view_set_bool(s, "complete", sc->complete);
	view_set_str(s, "threshold", th);
	view_set_str(s, "total", pts(rq, sc->total));
	view_set_str(s, "min", pts(rq, sc->min));
	view_set_str(s, "max", pts(rq, sc->max));
	bar.label = sc->complete
		? sc_fmt(rq, "sc_total_label", "points", pts(rq, sc->total), "threshold", th,
			 (const char *)NULL)
		: sc_fmt(rq, "sc_total_range_label", "min", pts(rq, sc->min), "max",
			 pts(rq, sc->max), "threshold", th, (const char *)NULL);
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
	view_set_str(s, "verdict", sc_fmt(rq, key, "threshold", th, "min", pts(rq, sc->min),
					  "max", pts(rq, sc->max), (const char *)NULL));
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

/* ---- advice ---------------------------------------------------------------- */

static const char *advice_factor(const struct request *rq, const struct evaluation *ev,
		const char *id)
{
	const struct factor *f = ev->scorecard.track ? policy_factor_find(ev->scorecard.track, id)
						     : NULL;

	return sc_tr(rq, arena_printf(rq->a, "factor_%s", id), f ? f->name : id);
}

static const char *part_name(const struct request *rq, const char *id)
{
	return sc_tr(rq, arena_printf(rq->a, "sc_part_%s", id ? id : ""), id);
}

/* advice_items: the core's advice items as sentences in list `name`. */
static size_t advice_items(const struct request *rq, struct view *v, const char *name,
		const struct evaluation *ev)
{
	const struct advice *ad = &ev->advice;
	struct view *list = view_set_list(v, name);

	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		struct view *a = view_list_push_object(list);
		const char *factor = advice_factor(rq, ev, it->factor);

		view_set_str(a, "text", it->from_level
			? sc_fmt(rq, "sc_adv_raise", "factor", factor, "from", it->from_level,
				 "to", it->to_level, "part", pts(rq, it->part_gain), "partname",
				 part_name(rq, it->part), "total", pts(rq, it->total_gain),
				 (const char *)NULL)
			: sc_fmt(rq, "sc_adv_provide", "factor", factor, "to", it->to_level,
				 "part", pts(rq, it->part_gain), "partname", part_name(rq, it->part),
				 "total", pts(rq, it->total_gain), (const char *)NULL));
		view_set_bool(a, "reaches", it->reaches);
	}
	return ad->nitems;
}

static void add_advice(const struct request *rq, struct view *v, const struct evaluation *ev)
{
	const struct advice *ad = &ev->advice;

	view_set_bool(v, "has_advice_items", advice_items(rq, v, "advice", ev) > 0);
	view_set_bool(v, "has_advice", ad->nitems > 0 || ad->has_judged_needed);
	view_set_bool(v, "advice_combination", ad->combination);
	if (ad->combination)
		view_set_str(v, "advice_combined", sc_fmt(rq, "sc_adv_combination", "total",
			pts(rq, ad->combined_gain), (const char *)NULL));
	view_set_bool(v, "has_judged_needed", ad->has_judged_needed);
	if (ad->has_judged_needed) {
		/* the cases of advice.c's sentence, in the visitor's words */
		bool open = count_open(&ev->scorecard, FSTATE_NOT_PROVIDED) > 0;
		const char *key = ev->scorecard.complete ? "sc_adv_judged_complete"
			: ad->judged_needed == 0 ? "sc_adv_judged_anyway"
			: ad->judged_needed > ad->judged_can_give ? "sc_adv_judged_short"
			: "sc_adv_judged";
		if (open && !ev->scorecard.complete)
			key = arena_printf(rq->a, "%s_open", key);
		view_set_str(v, "judged_needed", sc_fmt(rq, key, "needed",
			pts(rq, ad->judged_needed), "can", pts(rq, ad->judged_can_give),
			"threshold", pts(rq, ev->policy->threshold), (const char *)NULL));
	}
}

/* ---- what if the experts gave full marks ------------------------------------------ */

static size_t judged_ids(const struct factor *f, size_t nf, const char **out, size_t n,
		size_t max)
{
	for (size_t i = 0; i < nf; i++) {
		if (f[i].kind == FACTOR_JUDGED && n < max)
			out[n++] = f[i].id;
		n = judged_ids(f[i].subs, f[i].nsubs, out, n, max);
	}
	return n;
}

static points_t factor_max(const struct track *t, const char *id)
{
	const struct factor *f = policy_factor_find(t, id);

	return f ? f->max : 0;
}

/* full_marks: when even full expert marks cannot reach the threshold, the
 * core has only a sentence for the experts' share.  What the visitor needs
 * then is what would be enough in the best case: the same answers scored
 * as if every expert gave every judged factor its maximum, and the core's
 * advice for that complete card (the smallest changes of their own facts
 * that reach the threshold).  Nothing is decided here: the core scores the
 * card and chooses the changes.  False when it does not apply (answers
 * missing, the threshold within reach, a gate failing). */
static bool full_marks(struct request *rq, const struct selfcheck *sc,
		const struct evaluation *ev, struct evaluation *out)
{
	const struct scorecard *card = &ev->scorecard;
	const char *ids[64];
	struct application app = sc->app;
	struct core_error err = {0};
	size_t nids = 0, nexp;

	/* only for a card whose every answer is given: otherwise the first
	 * advice is to answer (the core's "provide" items) */
	if (!card->scored || !card->track || card->complete ||
	    card->max >= ev->policy->threshold || (card->flags & SCORE_GATE_FAILED) ||
	    count_open(card, FSTATE_NOT_PROVIDED) > 0)
		return false;
	for (size_t i = 0; i < card->track->nparts; i++)
		nids = judged_ids(card->track->parts[i].factors, card->track->parts[i].nfactors,
				  ids, nids, sizeof ids / sizeof ids[0]);
	nexp = ev->policy->expert_quorum ? ev->policy->expert_quorum : 1;
	if (!nids || nexp > 16)
		return false;
	app.experts = arena_array(rq->a, nexp, sizeof *app.experts);
	if (!app.experts)
		return false;
	for (size_t x = 0; x < nexp; x++) {
		struct expert *e = &app.experts[x];
		e->id = arena_printf(rq->a, "full-marks-%zu", x + 1);
		e->scores = arena_array(rq->a, nids, sizeof *e->scores);
		if (!e->id || !e->scores)
			return false;
		for (size_t k = 0; k < nids; k++) {
			e->scores[k].factor = ids[k];
			e->scores[k].points = factor_max(card->track, ids[k]);
		}
		e->nscores = nids;
	}
	app.nexperts = nexp;
	return evaluate_application(&rq->site->bundle, &app, ev->policy->edition, rq->a, out,
				    &err) && out->advice.nitems > 0;
}

/* ---- saving ------------------------------------------------------------------ */

static void add_save(struct selfcheck *sc, struct view *v, const char *result_url)
{
	struct request *rq = sc->rq;
	struct view *s = view_set_object(v, "save");
	struct strbuf next = STRBUF_INIT(65536);

	if (rq->user && (rq->user->role & SAVE_ROLES)) {
		/* the form needs the session's CSRF token (a logged-in user has one) */
		view_set_bool(s, "can_save", session_ensure(rq));
		view_set_str(s, "action", arena_printf(rq->a, "/self-check/%s/save", sc->prog->id));
		view_set_str(s, "csrf", session_csrf(rq));
		sc_hidden(sc, view_set_list(s, "hidden"), 0);
	} else if (rq->user) {
		view_set_bool(s, "other_role", true);
	} else {
		view_set_bool(s, "visitor", true);
		http_url_encode(&next, result_url);
		view_set_str(s, "login", next.failed ? "/login"
				: arena_printf(rq->a, "/login?next=%s", next.buf));
		view_set_str(s, "register", next.failed ? "/register"
				: arena_printf(rq->a, "/register?next=%s", next.buf));
	}
	strbuf_release(&next);
}

/* ---- GET /self-check/{programme}/result ------------------------------------------ */

void page_selfcheck_result(struct request *rq, struct response *rs)
{
	const struct sc_programme *p = sc_programme_find(rq->params[0]);
	struct selfcheck *sc;
	struct evaluation *ev;
	struct core_error err = {0};
	struct view *v;
	const char *base, *result_url;

	if (!p) {
		page_error(rq, rs, 404);
		return;
	}
	sc = arena_alloc(rq->a, sizeof *sc);
	ev = arena_alloc(rq->a, sizeof *ev);
	if (!sc || !ev) {
		page_error(rq, rs, 500);
		return;
	}
	sc_parse(sc, rq, p, rq->query, rq->nquery);
	if (sc->nerrors) {
		/* a wrong answer (an edited address): show what to fix */
		sc_render_summary(sc, rs, 400);
		return;
	}
	base = arena_printf(rq->a, "/self-check/%s", p->id);
	result_url = sc_url(sc, arena_printf(rq->a, "%s/result", base), 0);
	v = render_view(rq);
	view_set_str(v, "programme", T(rq, arena_printf(rq->a, "prog_%s_name", p->key)));
	view_set_str(v, "date", i18n_date(rq->a, rq->lang, sc->today));
	view_set_str(v, "change", sc_url(sc, base, p->nsteps + 1));
	view_set_str(v, "restart", "/self-check");
	if (sc->track)
		view_set_str(v, "track", T(rq, arena_printf(rq->a, "sc_o_track_%s", sc->track)));
	if (!evaluate_application(&rq->site->bundle, &sc->app, NULL, rq->a, ev, &err)) {
		view_set_str(v, "eval_error", err.reason ? err.reason : "");
		render_page(rq, rs, 400, "selfcheck_result", "sc_result_title", v);
		rs->no_store = true;
		return;
	}
	view_set_str(v, "edition", ev->policy->edition);
	view_set_str(v, "policy_title", ev->policy->title ? ev->policy->title : "");
	add_eligibility(rq, v, &ev->eligibility);
	view_set_bool(v, "scored", ev->scorecard.scored);
	if (ev->scorecard.scored) {
		struct evaluation *best = arena_alloc(rq->a, sizeof *best);
		add_score(rq, v, ev);
		add_advice(rq, v, ev);
		if (best && full_marks(rq, sc, ev, best)) {
			view_set_bool(v, "has_advice", true);
			view_set_bool(v, "has_full_marks", advice_items(rq, v, "full_marks", best) > 0);
			bool reaches = false;
			for (size_t i = 0; i < best->advice.nitems; i++)
				reaches |= best->advice.items[i].reaches;
			view_set_str(v, "full_marks_title", sc_fmt(rq, best->advice.combination
				? "sc_adv_full_marks_all" : reaches ? "sc_adv_full_marks"
				: "sc_adv_full_marks_none", "threshold",
				pts(rq, ev->policy->threshold), (const char *)NULL));
			view_set_bool(v, "full_marks_combination", best->advice.combination);
			if (best->advice.combination)
				view_set_str(v, "full_marks_combined", sc_fmt(rq, "sc_adv_combination",
					"total", pts(rq, best->advice.combined_gain), (const char *)NULL));
		}
	}
	add_save(sc, v, result_url);
	render_page(rq, rs, 200, "selfcheck_result", "sc_result_title", v);
	rs->no_store = true;
}
