/* app_form_view.c - see app_form.h: an appform as pages show it.
 *
 * The fields are the self-check's own views (sc_field_view) and the
 * answers its summary's words (sc_answer_text), grouped by the self-check's
 * steps; the evaluation is the self-check result page's own
 * (sc_evaluation_view).  Only the arrangement is new here.
 */
#include "app_form_impl.h"

#include <string.h>

#include "core/evaluate.h"
#include "selfcheck_api.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

const char *appform_programme_name(const struct request *rq, const char *programme)
{
	const struct sc_programme *p = sc_programme_find(programme);

	if (!p)
		return programme ? programme : "";
	return sc_programme_name(rq, p);
}

/* ---- the form -------------------------------------------------------------------- */

void appform_fields_view(const struct appform *f, struct view *v, bool show_errors)
{
	struct request *rq = f->sc.rq;
	struct view *sections = view_set_list(v, "sections");

	view_set_str(v, "unknown_ok", sc_unknown_ok(&f->sc));
	for (unsigned s = 1; s <= f->sc.prog->nsteps; s++) {
		struct view *sec = view_list_push_object(sections);
		struct view *fields = view_set_list(sec, "fields");

		view_set_str(sec, "title", sc_step_title(rq, f->sc.prog, s));
		view_set_str(sec, "sid", arena_printf(rq->a, "step-%u", s));
		view_set_bool(sec, "has_fields", sc_step_fields(&f->sc, s, show_errors, fields) > 0);
	}
	if (show_errors)
		sc_add_errors(&f->sc, v, 0, false);
	else
		view_set_bool(v, "has_errors", false);
}

/* ---- the answers ------------------------------------------------------------------ */

void appform_answers_view(const struct appform *f, struct view *v)
{
	struct view *sections = view_set_list(v, "sections");

	for (unsigned s = 1; s <= f->sc.prog->nsteps; s++) {
		struct view *sec = view_list_push_object(sections);
		struct view *rows = view_set_list(sec, "rows");

		view_set_str(sec, "title", sc_step_title(f->sc.rq, f->sc.prog, s));
		for (size_t i = 0; i < f->sc.nans; i++)
			if (f->sc.ans[i].q->step == s)
				sc_answer_row(&f->sc, &f->sc.ans[i], rows);
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

void appform_evaluation_view(const struct appform *f, struct view *v)
{
	struct request *rq = f->sc.rq;
	struct view *e = view_set_object(v, "ev");
	struct evaluation *ev = arena_alloc(rq->a, sizeof *ev);
	struct core_error err = {0};

	view_set_str(e, "full_result", sc_url(&f->sc, arena_printf(rq->a, "/self-check/%s/result",
							     f->sc.prog->id), 0));
	if (!ev || !evaluate_application(&rq->site->bundle, &f->app, NULL, rq->a, ev, &err) ||
	    !evaluation_texts(ev, rq->a)) {
		view_set_bool(e, "failed", true);
		view_set_str(e, "error", err.reason ? err.reason : "");
		return;
	}
	view_set_str(e, "date", i18n_date(rq->a, rq->lang, f->app.date));
	sc_evaluation_view(rq, e, ev);
}
