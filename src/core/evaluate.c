/* evaluate.c - see evaluate.h. */
#include "evaluate.h"

#include <string.h>

#include "suggest.h"

static bool no_edition(const struct policy_bundle *b, const struct application *app,
		const char *edition, struct arena *a, struct core_error *err)
{
	char d[DATE_FMT_MAX];

	err->pos = edition ? app->pos : app->date_pos;
	if (edition) {
		const char *have = "";

		for (size_t i = 0; have && b && i < b->nprogrammes; i++)
			if (strcmp(b->programmes[i].programme, app->programme) == 0)
				have = arena_printf(a, "%s%s%s", have, *have ? ", " : "",
						    b->programmes[i].edition);
		err->path = "programme";
		err->reason = have && *have /* NULL: the arena is exhausted */
			? arena_printf(a, "%s has no edition \"%s\" (the edition asked for); "
				       "its editions are %s", app->programme, edition, have)
			: arena_printf(a, "%s has no edition \"%s\"", app->programme, edition);
	} else {
		const struct programme_policy *first = NULL;
		char f[DATE_FMT_MAX];

		for (size_t i = 0; b && i < b->nprogrammes; i++)
			if (strcmp(b->programmes[i].programme, app->programme) == 0 &&
			    (!first || b->programmes[i].in_force_from < first->in_force_from))
				first = &b->programmes[i];
		err->path = "date";
		/* The date is before the first edition: say when that one starts
		 * and what to do (a typo in the year is the common case). */
		err->reason = first && first->in_force_from > app->date
			? arena_printf(a, "no edition of %s is in force on %s: the first, %s, is "
				       "in force from %s; check the application date, or name an "
				       "edition to use (--edition)", app->programme,
				       date_format(app->date, d), first->edition,
				       date_format(first->in_force_from, f))
			: arena_printf(a, "no edition of %s is in force on %s",
				       app->programme, date_format(app->date, d));
	}
	return false;
}

/* check_qualifications: every qualification names a catalog entry: a typo
 * must not silently lose points. */
static bool check_qualifications(const struct facts *f, struct arena *a, struct core_error *err)
{
	const struct applicant *ap = &f->app->applicant;

	for (size_t i = 0; i < ap->nqualifications; i++) {
		const struct qualification *q = &ap->qualifications[i];
		const struct catalog_entry *best = NULL;
		size_t bestd = SUGGEST_NEAR;

		if (!f->catalog || catalog_entry_find(f->catalog, q->id))
			continue;
		for (size_t k = 0; k < f->catalog->nentries; k++) {
			size_t d = suggest_distance(q->id, f->catalog->entries[k].id);
			if (d < bestd) {
				bestd = d;
				best = &f->catalog->entries[k];
			}
		}
		/* the id as JSON writes it: no control character reaches a terminal */
		const char *id = strbuf_json_quoted(a, q->id);

		err->path = arena_printf(a, "applicant.qualifications[%zu].id", i);
		err->pos = q->pos;
		err->reason = !id ? "out of memory" : best ?
			arena_printf(a, "%s is not in the %s catalog: did you mean \"%s\" (%s)?",
				     id, f->catalog->edition, best->id, best->name) :
			arena_printf(a, "%s is not in the %s catalog as loaded; if the "
				     "qualification is listed in the official catalog, ask the registry "
				     "administrator to import it", id, f->catalog->edition);
		return false;
	}
	return true;
}

bool evaluate_application(const struct policy_bundle *b, const struct application *app,
		const char *edition, struct arena *a, struct evaluation *out,
		struct core_error *err)
{
	const struct programme_policy *pol;

	/* Every part of *out is set below (each *_compute and facts_init
	 * start from zero), so it is not cleared first; on failure it is. */
	pol = policy_find(b, app->programme, edition, app->date);
	if (!pol)
		goto fail_edition;
	out->policy = pol;
	out->full_marks = NULL;
	facts_init(&out->facts, app, b);
	if (!check_qualifications(&out->facts, a, err) ||
	    !score_compute(pol, &out->facts, a, &out->scorecard, err))
		goto fail;
	if (!eligibility_compute(pol, &out->facts, a, &out->eligibility) ||
	    !checklist_compute(pol, &out->facts, a, &out->checklist, err) ||
	    !advice_compute(&out->scorecard, &out->facts, a, &out->advice)) {
		if (!err->reason) {
			err->path = "";
			err->reason = "out of memory";
		}
		goto fail;
	}
	if (pol->scored) {
		out->passes = out->scorecard.passes ? TRI_TRUE : TRI_FALSE;
	} else {
		/* No points: the result is the eligibility, unknown while a
		 * fact it needs is missing (formats.md: passes = eligible). */
		out->passes = out->eligibility.eligible;
		out->scorecard.complete = out->eligibility.eligible != TRI_UNKNOWN;
	}
	return true;
fail_edition:
	no_edition(b, app, edition, a, err);
fail:
	memset(out, 0, sizeof *out);
	return false;
}

/* any_not_provided: some factor of the card (or sub-factor) lacks a fact. */
static bool any_not_provided(const struct factor_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((r[i].state == FSTATE_NOT_PROVIDED && r[i].factor->kind != FACTOR_SUM) ||
		    any_not_provided(r[i].subs, r[i].nsubs))
			return true;
	return false;
}

/* find_result: the result of factor f in the results r[0..n) (sub-factors
 * included), or NULL. */
static const struct factor_result *find_result(const struct factor_result *r, size_t n,
		const struct factor *f)
{
	for (size_t i = 0; i < n; i++) {
		const struct factor_result *s = r[i].factor == f ? &r[i]
					      : find_result(r[i].subs, r[i].nsubs, f);
		if (s)
			return s;
	}
	return NULL;
}

/* not_judged: judged factor f is not judged yet on card sc. */
static bool not_judged(const struct scorecard *sc, const struct factor *f)
{
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct factor_result *r =
			find_result(sc->parts[i].factors, sc->parts[i].nfactors, f);
		if (r)
			return r->state == FSTATE_NOT_JUDGED;
	}
	return false;
}

/* best_case_scores: expert x's scores in the best case: the ones given for
 * factors already judged stay; every factor not judged yet gets its
 * maximum (open[k]: t->judged[k] is not judged yet). */
static bool best_case_scores(const struct track *t, const bool *open, const struct expert *given,
		struct expert *e, struct arena *a)
{
	size_t n = 0, room = t->njudged + (given ? given->nscores : 0);

	e->scores = arena_array(a, room ? room : 1, sizeof *e->scores);
	if (!e->scores)
		return false;
	for (size_t k = 0; given && k < given->nscores; k++) {
		size_t j;

		for (j = 0; j < t->njudged && strcmp(t->judged[j]->id, given->scores[k].factor); j++)
			;
		if (j == t->njudged || !open[j]) /* not judged yet: the maximum, below */
			e->scores[n++] = given->scores[k];
	}
	for (size_t j = 0; j < t->njudged; j++) {
		if (!open[j])
			continue;
		e->scores[n].factor = t->judged[j]->id;
		e->scores[n].points = t->judged[j]->max;
		e->scores[n].pos = (struct srcpos){0, 0};
		e->scores[n].vpos = (struct srcpos){0, 0};
		n++;
	}
	e->nscores = n;
	return true;
}

bool evaluation_full_marks(const struct policy_bundle *b, const struct evaluation *ev,
		struct arena *a, struct evaluation *out)
{
	const struct scorecard *sc = &ev->scorecard;
	const struct track *t = sc->track;
	const struct application *given = ev->facts.app;
	struct application *app;
	struct core_error err = {0};
	size_t nexp, quorum;
	bool *open;

	if (!sc->scored || !t || sc->complete || sc->max >= ev->policy->threshold ||
	    (sc->flags & SCORE_GATE_FAILED) || t->njudged == 0)
		return false;
	for (size_t i = 0; i < sc->nparts; i++)
		if (any_not_provided(sc->parts[i].factors, sc->parts[i].nfactors))
			return false;
	open = arena_array(a, t->njudged, sizeof *open);
	if (!open)
		return false;
	for (size_t j = 0; j < t->njudged; j++)
		open[j] = not_judged(sc, t->judged[j]);
	/* the experts who scored keep their scores; more join up to the quorum */
	quorum = ev->policy->expert_quorum ? ev->policy->expert_quorum : 1;
	nexp = given->nexperts > quorum ? given->nexperts : quorum;
	app = arena_alloc(a, sizeof *app);
	if (!app || nexp > 64)
		return false;
	*app = *given;
	app->experts = arena_array(a, nexp, sizeof *app->experts);
	if (!app->experts)
		return false;
	for (size_t x = 0; x < nexp; x++) {
		struct expert *e = &app->experts[x];
		const struct expert *was = x < given->nexperts ? &given->experts[x] : NULL;

		e->id = was ? was->id : arena_printf(a, "full-marks-%zu", x + 1);
		e->pos = was ? was->pos : (struct srcpos){0, 0};
		if (!e->id || !best_case_scores(t, open, was, e, a))
			return false;
	}
	app->nexperts = nexp;
	return evaluate_application(b, app, ev->policy->edition, a, out, &err);
}

bool evaluation_texts(struct evaluation *ev, struct arena *a)
{
	return eligibility_texts(&ev->facts, &ev->eligibility, a) &&
	       checklist_texts(ev->policy, &ev->facts, &ev->checklist, a) &&
	       advice_texts(&ev->scorecard, &ev->facts, &ev->advice, a);
}
