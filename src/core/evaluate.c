/* evaluate.c - see evaluate.h. */
#include "evaluate.h"

#include <string.h>

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
	out->passes = pol->scored ? out->scorecard.passes
				  : out->eligibility.eligible == TRI_TRUE;
	return true;
}
