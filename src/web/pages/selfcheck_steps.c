/* selfcheck_steps.c - choosing a programme, the question steps and the
 * summary of the answers.
 *
 * Every form here is GET: the answers of earlier steps travel as hidden
 * fields, so the address holds the whole self-check (the language switch
 * keeps it, Back and Next keep it, nothing is stored).  A step form sends
 * from=N and go=next|back: "next" checks step N and shows it again with
 * its errors, or moves on; "back" keeps what was typed without checking.
 * A change link from the summary carries ret=summary, so Next returns
 * there.  ?step=N shows a step as it is (links, the language switch).
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <string.h>

#include "pages.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

const char *sc_programme_name(const struct request *rq, const struct sc_programme *p)
{
	return T(rq, arena_printf(rq->a, "prog_%s_name", p->key));
}

const char *sc_step_title(const struct request *rq, const struct sc_programme *p,
		unsigned step)
{
	if (step > p->nsteps)
		return T(rq, "sc_step_summary");
	return T(rq, arena_printf(rq->a, "sc_step_%s", p->steps[step - 1]));
}

static const char *base_path(const struct selfcheck *sc)
{
	return arena_printf(sc->rq->a, "/self-check/%s", sc->prog->id);
}

/* ---- GET /self-check ---------------------------------------------------- */

static void add_choice(struct request *rq, struct view *list, const char *id, const char *key,
		date_t today)
{
	const struct programme_policy *pol = policy_find(&rq->site->bundle, id, NULL, today);
	struct view *p = view_list_push_object(list);
	struct view *tracks = view_set_list(p, "tracks");

	view_set_str(p, "id", id);
	view_set_str(p, "name", T(rq, arena_printf(rq->a, "prog_%s_name", key)));
	view_set_str(p, "who", T(rq, arena_printf(rq->a, "prog_%s_who", key)));
	view_set_str(p, "what", T(rq, arena_printf(rq->a, "sc_choose_%s", key)));
	view_set_bool(p, "available", pol != NULL);
	view_set_bool(p, "scored", pol && pol->scored);
	view_set_bool(p, "has_tracks", pol && pol->ntracks > 1);
	view_set_str(p, "href", arena_printf(rq->a, "/self-check/%s", id));
	for (size_t i = 0; pol && pol->ntracks > 1 && i < pol->ntracks; i++) {
		const struct track *t = &pol->tracks[i];
		struct view *tv = view_list_push_object(tracks);
		struct strbuf href = STRBUF_INIT(512);

		strbuf_addf(&href, "/self-check/%s?track=", id);
		http_url_encode(&href, t->id);
		view_set_str(tv, "href", href.failed ? "/self-check" : href.buf);
		view_set_str(tv, "name", sc_tr(rq, arena_printf(rq->a, "sc_o_track_%s", t->id),
					       t->name));
		view_set_str(tv, "who", T(rq, arena_printf(rq->a, "sc_track_%s_who", t->id)));
		strbuf_release(&href);
	}
}

void page_selfcheck_choose(struct request *rq, struct response *rs)
{
	struct view *v = render_view(rq);
	struct view *list = view_set_list(v, "programmes");
	date_t today = sc_today(rq);

	add_choice(rq, list, "two-zones", "two_zones", today);
	add_choice(rq, list, "zgc", "zgc", today);
	add_choice(rq, list, "urgent", "urgent", today);
	render_page(rq, rs, 200, "selfcheck_choose", "sc_choose_title", v);
}

/* ---- the step indicator -------------------------------------------------- */

void sc_add_steps(const struct selfcheck *sc, struct view *v, unsigned current)
{
	struct view *list = view_set_list(v, "steps");

	for (unsigned s = 1; s <= sc->prog->nsteps + 1; s++) {
		struct view *item = view_list_push_object(list);
		view_set_str(item, "label", sc_step_title(sc->rq, sc->prog, s));
		view_set_bool(item, "current", s == current);
		/* earlier steps are links: their answers are all in the address */
		view_set_str(item, "href", s < current ? sc_url(sc, base_path(sc), s) : "");
	}
	view_set_str(v, "step_of", arena_printf(sc->rq->a, "%u / %u", current,
						sc->prog->nsteps + 1));
}

/* ---- the error summary ---------------------------------------------------- */

void sc_add_errors(const struct selfcheck *sc, struct view *v, unsigned step, bool summary)
{
	struct view *list = view_set_list(v, "errors");
	size_t n = 0;

	for (size_t i = 0; i < sc->nans; i++) {
		const struct sc_answer *an = &sc->ans[i];
		struct view *e;

		if (!an->error || (step && an->q->step != step))
			continue;
		e = view_list_push_object(list);
		view_set_str(e, "text", an->error);
		if (summary)
			view_set_str(e, "href", arena_printf(sc->rq->a, "%s&ret=summary#%s",
				sc_url(sc, base_path(sc), an->q->step), an->anchor));
		else
			view_set_str(e, "href", arena_printf(sc->rq->a, "#%s", an->anchor));
		n++;
	}
	view_set_bool(v, "has_errors", n > 0);
	view_set_int(v, "nerrors", (int64_t)n);
}

/* ---- one step -------------------------------------------------------------- */

static void render_step(struct selfcheck *sc, struct response *rs, unsigned step,
		bool show_errors, bool ret_summary)
{
	struct request *rq = sc->rq;
	struct view *v = render_view(rq);
	struct view *fields = view_set_list(v, "fields");

	view_set_str(v, "programme", sc_programme_name(rq, sc->prog));
	view_set_str(v, "step_title", sc_step_title(rq, sc->prog, step));
	view_set_str(v, "unknown_ok", sc_unknown_ok(sc));
	sc_add_steps(sc, v, step);
	view_set_str(v, "action", base_path(sc));
	view_set_int(v, "from", step);
	view_set_bool(v, "ret_summary", ret_summary);
	view_set_bool(v, "first", step == 1);
	view_set_str(v, "restart", "/self-check");
	sc_hidden(sc, view_set_list(v, "hidden"), step);
	view_set_bool(v, "has_fields", sc_step_fields(sc, step, show_errors, fields) > 0);
	if (show_errors)
		sc_add_errors(sc, v, step, false);
	else
		view_set_bool(v, "has_errors", false);
	render_page(rq, rs, show_errors && sc_step_errors(sc, step) ? 400 : 200,
		    "selfcheck_step", arena_printf(rq->a, "prog_%s_name", sc->prog->key), v);
	rs->no_store = true;
}

/* ---- the summary ----------------------------------------------------------- */

void sc_render_summary(struct selfcheck *sc, struct response *rs, int status)
{
	struct request *rq = sc->rq;
	struct view *v = render_view(rq);
	struct view *sections = view_set_list(v, "sections");
	const char *base = base_path(sc);

	view_set_str(v, "programme", sc_programme_name(rq, sc->prog));
	view_set_str(v, "step_title", sc_step_title(rq, sc->prog, sc->prog->nsteps + 1));
	sc_add_steps(sc, v, sc->prog->nsteps + 1);
	for (unsigned s = 1; s <= sc->prog->nsteps; s++) {
		struct view *sec = view_list_push_object(sections);
		struct view *rows = view_set_list(sec, "rows");
		const char *step_url = sc_url(sc, base, s);

		view_set_str(sec, "title", sc_step_title(rq, sc->prog, s));
		view_set_str(sec, "change", arena_printf(rq->a, "%s&ret=summary", step_url));
		for (size_t i = 0; i < sc->nans; i++) {
			const struct sc_answer *an = &sc->ans[i];
			struct view *r;

			if (an->q->step != s)
				continue;
			r = sc_answer_row(sc, an, rows);
			view_set_bool(r, "has_error", an->error != NULL);
			view_set_str(r, "error", an->error ? an->error : "");
			view_set_str(r, "change", arena_printf(rq->a, "%s&ret=summary#field-%s",
							       step_url, an->q->field->name));
		}
	}
	sc_add_errors(sc, v, 0, true);
	view_set_str(v, "result", sc_url(sc, arena_printf(rq->a, "%s/result", base), 0));
	view_set_str(v, "back", sc_url(sc, base, sc->prog->nsteps));
	render_page(rq, rs, status, "selfcheck_summary",
		    arena_printf(rq->a, "prog_%s_name", sc->prog->key), v);
	rs->no_store = true;
}

/* ---- GET /self-check/{programme} ------------------------------------------- */

static unsigned step_number(const char *s, unsigned max)
{
	unsigned v = 0;

	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > max)
			return 0;
		v = v * 10 + (unsigned)(*s - '0');
	}
	return v >= 1 && v <= max ? v : 0;
}

void page_selfcheck_step(struct request *rq, struct response *rs)
{
	struct selfcheck *sc = sc_parse_or_reply(rq, rs, rq->query, rq->nquery);
	unsigned summary, from, step;
	const char *go = http_query(rq, "go");
	bool ret = http_query(rq, "ret") && strcmp(http_query(rq, "ret"), "summary") == 0;

	if (!sc)
		return;
	summary = sc->prog->nsteps + 1;
	from = step_number(http_query(rq, "from"), sc->prog->nsteps);
	step = step_number(http_query(rq, "step"), summary);
	if (!step)
		step = 1;
	if (from && go && strcmp(go, "back") == 0) {
		if (from == 1) {
			http_redirect(rs, "/self-check");
			return;
		}
		render_step(sc, rs, from - 1, false, ret);
		return;
	}
	if (from) {
		if (sc_step_errors(sc, from)) {
			render_step(sc, rs, from, true, ret);
			return;
		}
		step = ret ? summary : from + 1;
	}
	if (step == summary) {
		sc_render_summary(sc, rs, 200);
		return;
	}
	render_step(sc, rs, step, false, ret);
}
