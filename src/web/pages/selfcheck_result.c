/* selfcheck_result.c - GET /self-check/{programme}/result: the evaluation
 * of the answers, as the core computes it (evaluate_application with the
 * site's policy bundle, the application date today in Beijing).
 *
 * Shown: the evaluation as selfcheck_eval.c shows it (eligibility, the
 * total or range, every part and factor), then what is particular to the
 * self-check: the advice (and, when even full expert marks cannot reach
 * the threshold, the smallest changes that would), and saving the answers
 * to one's account.  Names of factors and parts are translated (message
 * keys factor_<id>, sc_part_<id>).
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <string.h>

#include "core/evaluate.h"
#include "pages.h"
#include "selfcheck_api.h"
#include "store/store.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/session.h"
#include "web/site.h"

#define SAVE_ROLES (ROLE_APPLICANT | ROLE_EMPLOYER)

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
		const char *to = sc_policy_word(rq, it->to_level);
		const char *part = part_name(rq, it->part);

		view_set_str(a, "text", it->from_level
			? sc_fmt(rq, "sc_adv_raise", "factor", factor, "from",
				 sc_policy_word(rq, it->from_level), "to", to, "part",
				 sc_points(rq, it->part_gain), "partname", part, "total",
				 sc_points(rq, it->total_gain), (const char *)NULL)
			: sc_fmt(rq, "sc_adv_provide", "factor", factor, "to", to, "part",
				 sc_points(rq, it->part_gain), "partname", part, "total",
				 sc_points(rq, it->total_gain), (const char *)NULL));
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
			sc_points(rq, ad->combined_gain), (const char *)NULL));
	view_set_bool(v, "has_judged_needed", ad->has_judged_needed);
	if (ad->has_judged_needed) {
		/* the cases of advice.c's sentence, in the visitor's words */
		bool open = sc_count_open(&ev->scorecard, FSTATE_NOT_PROVIDED) > 0;
		const char *key = ev->scorecard.complete ? "sc_adv_judged_complete"
			: ad->judged_needed == 0 ? "sc_adv_judged_anyway"
			: ad->judged_needed > ad->judged_can_give ? "sc_adv_judged_short"
			: "sc_adv_judged";
		if (open && !ev->scorecard.complete)
			key = arena_printf(rq->a, "%s_open", key);
		view_set_str(v, "judged_needed", sc_fmt(rq, key, "needed",
			sc_points(rq, ad->judged_needed), "can", sc_points(rq, ad->judged_can_give),
			"threshold", sc_points(rq, ev->policy->threshold), (const char *)NULL));
	}
}

/* ---- what if the experts gave full marks ------------------------------------------ */

/* full_marks: when even full expert marks cannot reach the threshold, the
 * core has only a sentence for the experts' share; what the visitor needs
 * then is what would be enough in the best case, which the core works out
 * (evaluation_full_marks).  False when it does not apply or says nothing. */
static bool full_marks(struct request *rq, const struct evaluation *ev, struct evaluation *out)
{
	return evaluation_full_marks(&rq->site->bundle, ev, rq->a, out) &&
	       evaluation_texts(out, rq->a) && out->advice.nitems > 0;
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
	struct selfcheck *sc = sc_parse_or_reply(rq, rs, rq->query, rq->nquery);
	const struct sc_programme *p;
	struct evaluation *ev;
	struct core_error err = {0};
	struct view *v;
	const char *base, *result_url;

	if (!sc)
		return;
	p = sc->prog;
	ev = arena_alloc(rq->a, sizeof *ev);
	if (!ev) {
		page_error(rq, rs, 500);
		return;
	}
	if (sc->nerrors) {
		/* a wrong answer (an edited address): show what to fix */
		sc_render_summary(sc, rs, 400);
		return;
	}
	base = arena_printf(rq->a, "/self-check/%s", p->id);
	result_url = sc_url(sc, arena_printf(rq->a, "%s/result", base), 0);
	v = render_view(rq);
	view_set_str(v, "programme", sc_programme_name(rq, p));
	view_set_str(v, "date", i18n_date(rq->a, rq->lang, sc->today));
	view_set_str(v, "change", sc_url(sc, base, p->nsteps + 1));
	view_set_str(v, "restart", "/self-check");
	if (sc->track)
		view_set_str(v, "track", T(rq, arena_printf(rq->a, "sc_o_track_%s", sc->track)));
	/* The core leaves its English sentences unwritten until asked. */
	if (!evaluate_application(&rq->site->bundle, &sc->app, NULL, rq->a, ev, &err) ||
	    !evaluation_texts(ev, rq->a)) {
		view_set_str(v, "eval_error", err.reason ? err.reason : "");
		render_page(rq, rs, 400, "selfcheck_result", "sc_result_title", v);
		rs->no_store = true;
		return;
	}
	view_set_str(v, "policy_title", ev->policy->title ? ev->policy->title : "");
	sc_evaluation_view(rq, v, ev);
	if (ev->scorecard.scored) {
		struct evaluation *best = arena_alloc(rq->a, sizeof *best);
		add_advice(rq, v, ev);
		if (best && full_marks(rq, ev, best)) {
			view_set_bool(v, "has_advice", true);
			view_set_bool(v, "has_full_marks", advice_items(rq, v, "full_marks", best) > 0);
			bool reaches = false;
			for (size_t i = 0; i < best->advice.nitems; i++)
				reaches |= best->advice.items[i].reaches;
			view_set_str(v, "full_marks_title", sc_fmt(rq, best->advice.combination
				? "sc_adv_full_marks_all" : reaches ? "sc_adv_full_marks"
				: "sc_adv_full_marks_none", "threshold",
				sc_points(rq, ev->policy->threshold), (const char *)NULL));
			view_set_bool(v, "full_marks_combination", best->advice.combination);
			if (best->advice.combination)
				view_set_str(v, "full_marks_combined", sc_fmt(rq, "sc_adv_combination",
					"total", sc_points(rq, best->advice.combined_gain), (const char *)NULL));
		}
	}
	add_save(sc, v, result_url);
	render_page(rq, rs, 200, "selfcheck_result", "sc_result_title", v);
	rs->no_store = true;
}
