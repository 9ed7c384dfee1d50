/* evaluate.c - see evaluate.h. */
#include "evaluate.h"

#include <string.h>

#include "suggest.h"

static bool no_edition(const struct policy_bundle *b, const struct application *app,
		const char *edition, struct arena *a, struct core_error *err)
{
	char d[DATE_FMT_MAX];

	(void)b;
	err->pos = edition ? app->pos : app->date_pos;
	if (edition) {
		err->path = "programme";
		err->reason = arena_printf(a, "%s has no edition \"%s\"", app->programme, edition);
	} else {
		err->path = "date";
		err->reason = arena_printf(a, "no edition of %s is in force on %s",
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
		err->path = arena_printf(a, "applicant.qualifications[%zu].id", i);
		err->pos = q->pos;
		err->reason = best ?
			arena_printf(a, "\"%s\" is not in the %s catalog: did you mean \"%s\" (%s)?",
				     q->id, f->catalog->edition, best->id, best->name) :
			arena_printf(a, "\"%s\" is not in the %s catalog as loaded; if the "
				     "qualification is listed in the official catalog, ask the registry "
				     "administrator to import it", q->id, f->catalog->edition);
		return false;
	}
	return true;
}

bool evaluate_application(const struct policy_bundle *b, const struct application *app,
		const char *edition, struct arena *a, struct evaluation *out,
		struct core_error *err)
{
	const struct programme_policy *pol;

	memset(out, 0, sizeof *out);
	pol = policy_find(b, app->programme, edition, app->date);
	if (!pol)
		return no_edition(b, app, edition, a, err);
	out->policy = pol;
	facts_init(&out->facts, app, b);
	if (!check_qualifications(&out->facts, a, err))
		return false;
	if (!score_compute(pol, &out->facts, a, &out->scorecard, err))
		return false;
	if (!eligibility_compute(pol, &out->facts, a, &out->eligibility) ||
	    !checklist_compute(pol, &out->facts, a, &out->checklist, err) ||
	    !advice_compute(&out->scorecard, &out->facts, a, &out->advice)) {
		if (!err->reason) {
			err->path = "";
			err->reason = "out of memory";
		}
		return false;
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
}

bool evaluation_texts(struct evaluation *ev, struct arena *a)
{
	return eligibility_texts(&ev->facts, &ev->eligibility, a) &&
	       checklist_texts(ev->policy, &ev->facts, &ev->checklist, a) &&
	       advice_texts(&ev->scorecard, &ev->facts, &ev->advice, a);
}
