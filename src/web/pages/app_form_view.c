/* app_form_view.c - see app_form.h: an appform as pages show it.
 *
 * The fields are the self-check's own views (sc_field_view) and the
 * answers its summary's words (sc_answer_text), grouped by the self-check's
 * steps; the evaluation summary uses the self-check's bars (sc_svg_bar) and
 * message keys.  Only the arrangement is new here.
 */
#include "app_form_impl.h"

#include <string.h>

#include "core/evaluate.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

const char *appform_programme_name(const struct request *rq, const char *programme)
{
	const struct sc_programme *p = sc_programme_find(programme);

	if (!p)
		return programme ? programme : "";
	return T(rq, arena_printf(rq->a, "prog_%s_name", p->key));
}

static const char *step_title(const struct appform *f, unsigned step)
{
	const struct request *rq = f->sc.rq;

	return T(rq, arena_printf(rq->a, "sc_step_%s", f->sc.prog->steps[step - 1]));
}

/* ---- the form -------------------------------------------------------------------- */

void appform_fields_view(const struct appform *f, struct view *v, bool show_errors)
{
	struct request *rq = f->sc.rq;
	struct view *sections = view_set_list(v, "sections");
	struct view *errors = view_set_list(v, "errors");
	size_t nerr = 0;

	for (unsigned s = 1; s <= f->sc.prog->nsteps; s++) {
		struct view *sec = view_list_push_object(sections);
		struct view *fields = view_set_list(sec, "fields");
		size_t n = 0;

		view_set_str(sec, "title", step_title(f, s));
		view_set_str(sec, "sid", arena_printf(rq->a, "step-%u", s));
		for (size_t i = 0; i < f->sc.nans; i++) {
			struct sc_answer an = f->sc.ans[i];
			if (an.q->step != s)
				continue;
			if (!show_errors)
				an.error = NULL;
			sc_field_view(&f->sc, &an, fields);
			n++;
		}
		view_set_bool(sec, "has_fields", n > 0);
	}
	for (size_t i = 0; show_errors && i < f->sc.nans; i++) {
		const struct sc_answer *an = &f->sc.ans[i];
		struct view *e;

		if (!an->error)
			continue;
		e = view_list_push_object(errors);
		view_set_str(e, "text", an->error);
		view_set_str(e, "href", arena_printf(rq->a, "#%s", an->anchor));
		nerr++;
	}
	view_set_bool(v, "has_errors", nerr > 0);
}

/* ---- the answers ------------------------------------------------------------------ */

void appform_answers_view(const struct appform *f, struct view *v)
{
	struct view *sections = view_set_list(v, "sections");

	for (unsigned s = 1; s <= f->sc.prog->nsteps; s++) {
		struct view *sec = view_list_push_object(sections);
		struct view *rows = view_set_list(sec, "rows");

		view_set_str(sec, "title", step_title(f, s));
		for (size_t i = 0; i < f->sc.nans; i++) {
			const struct sc_answer *an = &f->sc.ans[i];
			struct view *r;

			if (an->q->step != s)
				continue;
			r = view_list_push_object(rows);
			view_set_str(r, "label", sc_label(&f->sc, an->q->field));
			view_set_str(r, "value", sc_answer_text(&f->sc, an));
			view_set_bool(r, "unknown", !an->error && !*an->raw && an->nvals == 0);
		}
	}
}

/* ---- what changed ------------------------------------------------------------------ */

/* text: an answer as the summary writes it; a question f does not ask
 * (another track) is said so. */
static const char *text(const struct appform *f, const struct sc_answer *an)
{
	if (!an)
		return T(f->sc.rq, "app_not_asked");
	return sc_answer_text(&f->sc, an);
}

size_t appform_diff_view(const struct appform *base, const struct appform *current,
		const struct appform *mine, struct view *v)
{
	const struct sc_programme *p = current->sc.prog;
	struct view *rows = view_set_list(v, "rows");
	size_t nrows = 0, nother = 0;

	for (size_t i = 0; i < p->nquestions; i++) {
		const struct sc_question *q = &p->questions[i];
		const struct sc_answer *ab = appform_find(base, q);
		const struct sc_answer *ac = appform_find(current, q);
		const struct sc_answer *am = appform_find(mine, q);
		const char *kc = appform_answer_key(current, ac);
		const char *km = appform_answer_key(mine, am);
		const char *kb = base ? appform_answer_key(base, ab) : NULL;
		bool other = base && strcmp(kb, kc) != 0;
		bool me = base ? strcmp(kb, km) != 0 : strcmp(kc, km) != 0;
		bool both;
		struct view *r;

		if (!other && !me)
			continue;
		r = view_list_push_object(rows);
		view_set_str(r, "label", sc_label(&current->sc, q->field));
		view_set_str(r, "base", base ? text(base, ab) : "");
		view_set_str(r, "current", text(current, ac));
		view_set_str(r, "mine", text(mine, am));
		both = other && me && strcmp(kc, km) != 0;
		view_set_bool(r, "other_changed", other);
		view_set_bool(r, "mine_changed", me);
		view_set_bool(r, "both", both);
		view_set_bool(r, "other_only", other && !both);
		view_set_bool(r, "mine_only", me && !both);
		view_set_str(r, "id", arena_printf(current->sc.rq->a, "diff-%s", q->field->name));
		nrows++;
		nother += other;
	}
	view_set_bool(v, "has_rows", nrows > 0);
	view_set_bool(v, "has_base", base != NULL);
	return nother;
}

/* ---- the evaluation ------------------------------------------------------------------ */

/* pts: points as the reader's language writes decimals (82.50, 82,50). */
static const char *pts(const struct request *rq, points_t p)
{
	char buf[POINTS_FMT_MAX];
	char *s = arena_strdup(rq->a, points_format(p, buf));
	char *dot = s && strcmp(rq->lang, "de") == 0 ? strchr(s, '.') : NULL;

	if (dot)
		*dot = ',';
	return s ? s : "";
}

static const char *tri_word(enum tri t)
{
	return t == TRI_TRUE ? "yes" : t == TRI_FALSE ? "no" : "unknown";
}

static const char *tri_class(enum tri t)
{
	return t == TRI_TRUE ? "ok" : t == TRI_FALSE ? "bad" : "warn";
}

static void add_eligibility(const struct request *rq, struct view *e,
		const struct eligibility *el)
{
	struct view *list = view_set_list(e, "criteria");

	view_set_str(e, "cls", tri_class(el->eligible));
	view_set_str(e, "label", T(rq, arena_printf(rq->a, "sc_eligible_%s",
						    tri_word(el->eligible))));
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		struct view *cv = view_list_push_object(list);

		view_set_str(cv, "name", sc_tr(rq, arena_printf(rq->a, "sc_crit_%s",
			c->criterion->id), c->criterion->name));
		view_set_str(cv, "holds", T(rq, arena_printf(rq->a, "sc_holds_%s",
							     tri_word(c->holds))));
		view_set_str(cv, "cls", tri_class(c->holds));
		view_set_str(cv, "why", c->why ? c->why : "");
	}
}

/* verdict: the self-check's sentence for where the total stands. */
static const char *verdict(const struct request *rq, const struct evaluation *ev,
		const char **cls)
{
	const struct scorecard *sc = &ev->scorecard;
	points_t th = ev->policy->threshold;
	const char *key;

	if (sc->flags & SCORE_GATE_FAILED) {
		key = "sc_score_gate_failed";
		*cls = "bad";
	} else if (sc->complete) {
		key = sc->passes ? "sc_score_passes" : "sc_score_fails";
		*cls = sc->passes ? "ok" : "bad";
	} else if (sc->max < th) {
		key = "sc_score_cannot_reach";
		*cls = "bad";
	} else if (sc->min >= th) {
		key = "sc_score_reaches_anyway";
		*cls = "ok";
	} else {
		key = "sc_score_can_reach";
		*cls = "warn";
	}
	return sc_fmt(rq, key, "threshold", pts(rq, th), "min", pts(rq, sc->min), "max",
		      pts(rq, sc->max), (const char *)NULL);
}

static void add_score(const struct request *rq, struct view *e, const struct evaluation *ev)
{
	const struct scorecard *sc = &ev->scorecard;
	points_t th = ev->policy->threshold;
	struct view *parts = view_set_list(e, "parts");
	struct sc_bar bar = {sc->min, sc->max, POINTS(100), true, th, true, NULL};
	const char *cls = "warn";

	view_set_bool(e, "complete", sc->complete);
	view_set_str(e, "total", pts(rq, sc->total));
	view_set_str(e, "min", pts(rq, sc->min));
	view_set_str(e, "max", pts(rq, sc->max));
	view_set_str(e, "threshold", pts(rq, th));
	view_set_str(e, "verdict", verdict(rq, ev, &cls));
	view_set_str(e, "verdict_cls", cls);
	bar.label = sc->complete
		? sc_fmt(rq, "sc_total_label", "points", pts(rq, sc->total), "threshold",
			 pts(rq, th), (const char *)NULL)
		: sc_fmt(rq, "sc_total_range_label", "min", pts(rq, sc->min), "max",
			 pts(rq, sc->max), "threshold", pts(rq, th), (const char *)NULL);
	view_set_str(e, "svg", sc_svg_bar(rq->a, &bar));
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		struct view *pv = view_list_push_object(parts);
		struct sc_bar pb = {p->min, p->max, p->part->max, false, 0, false, NULL};
		const char *score = p->complete
			? sc_fmt(rq, "sc_points_of", "points", pts(rq, p->score), "max",
				 pts(rq, p->part->max), (const char *)NULL)
			: sc_fmt(rq, "sc_points_range", "min", pts(rq, p->min), "max",
				 pts(rq, p->max), "total", pts(rq, p->part->max), (const char *)NULL);

		view_set_str(pv, "name", sc_tr(rq, arena_printf(rq->a, "sc_part_%s", p->part->id),
					       p->part->name));
		view_set_str(pv, "score", score);
		pb.label = score;
		view_set_str(pv, "svg", sc_svg_bar(rq->a, &pb));
	}
}

void appform_evaluation_view(const struct appform *f, struct view *v)
{
	struct request *rq = f->sc.rq;
	struct view *e = view_set_object(v, "ev");
	struct evaluation *ev = arena_alloc(rq->a, sizeof *ev);
	struct core_error err = {0};

	view_set_str(e, "full_result", sc_url(&f->sc, arena_printf(rq->a, "/self-check/%s/result",
							     f->sc.prog->id), 0));
	if (!ev || !evaluate_application(&rq->site->bundle, &f->app, NULL, rq->a, ev, &err)) {
		view_set_bool(e, "failed", true);
		view_set_str(e, "error", err.reason ? err.reason : "");
		return;
	}
	view_set_str(e, "edition", ev->policy->edition);
	view_set_str(e, "date", i18n_date(rq->a, rq->lang, f->app.date));
	add_eligibility(rq, view_set_object(e, "eligibility"), &ev->eligibility);
	view_set_bool(e, "scored", ev->scorecard.scored);
	if (ev->scorecard.scored)
		add_score(rq, e, ev);
}
