/* selfcheck_api.h - what other areas use of the self-check: the way from a
 * stored application back to the self-check's answers, and the evaluation
 * as the self-check's result page shows it.
 *
 * The self-check owns its questions (pages_selfcheck.h): which fact of an
 * application each question asks about, how an answer is typed and how an
 * evaluation is shown.  Pages that show an application (app_form.h) use
 * these functions rather than a copy of any of that.  Everything returned
 * lives in the arena given (or the request's).
 */
#ifndef YC_SELFCHECK_API_H
#define YC_SELFCHECK_API_H

#include <stdbool.h>
#include <stddef.h>

#include "core/application.h"
#include "lib/view.h"
#include "web/http.h"

struct evaluation;

/* sc_answers_from_application: the answers app gives to the questions of
 * `programme` (every zgc track), typed as a person would type them in
 * their canonical form ("1984-05-17", "900000", "yes"; one pair per
 * condition, "none" for none; q_<id> per qualification): name/value
 * pairs as a query or form sends them, for sc_parse to read and check.  A
 * fact app does not give is no pair.  *kv (from a, values pointing into
 * app or a) and *n; false when the programme is unknown or a runs out. */
bool sc_answers_from_application(struct arena *a, const char *programme,
		const struct application *app, struct kv **kv, size_t *n);

/* sc_answer_copy: the fact that question `name` asks about, from src to
 * dst, every other fact of dst kept.  Qualifications: those in the
 * catalog the self-check asks about today (for rq) come from src, the
 * ones of dst it cannot show stay.  False when `name` is no question of
 * the self-check (nothing copied).  dst may share strings with src. */
bool sc_answer_copy(struct request *rq, const char *name, struct application *dst,
		const struct application *src);

/* sc_answer_known: whether `name` is a question of the self-check whose
 * fact sc_answers_from_application reads and sc_answer_copy copies. */
bool sc_answer_known(const char *name);

/* sc_evaluation_view: ev (evaluate_application, scored or not) as the
 * self-check's result page shows it, into v: `eligibility` (label, lead,
 * each criterion with its outcome, reason and source), `scored`, and for a
 * scored programme `score` (the total or range against the threshold with
 * its bar and verdict, what is still open), `parts` (each part with its
 * bar and every factor: points, state, input, level, clause), the legend's
 * swatches, `window_closed` / `window_text`.  The words are the request's
 * language.  Rendered by the partial templates/evaluation.mustache. */
void sc_evaluation_view(struct request *rq, struct view *v, const struct evaluation *ev);

#endif
