/* app_form.h - a saved application seen through the self-check's questions.
 *
 * The application pages (applications.c) show and change a stored
 * application file with the same questions, checks, messages and field
 * markup as the self-check.  This module is the one place outside the
 * self-check that looks into its internals (pages_selfcheck.h,
 * YC_SELFCHECK_INTERNAL): it calls sc_parse, sc_field_view,
 * sc_answer_text ... and never copies them.  The way back from an
 * application to answers, and the evaluation as the result page shows it,
 * are the self-check's own (selfcheck_api.h).
 *
 * An appform is the answers of one programme's questions plus the whole
 * application they belong to (facts the form does not ask about, such as
 * documents or the résumé, are carried along untouched).  Everything is in
 * the request's arena.
 */
#ifndef YC_APP_FORM_H
#define YC_APP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/view.h"
#include "web/http.h"

struct appform;

/* appform_from_json: the stored application file json of `programme`
 * (decoded strictly, then turned into the questions' answers and checked
 * as the self-check checks them).  NULL when it does not decode (logged)
 * or the programme has no questions. */
struct appform *appform_from_json(struct request *rq, const char *programme, const char *json);

/* appform_from_form: the answers posted in rq->form, checked, laid over
 * base's application: every question the form asks replaces its fact
 * (an empty answer removes it), every other fact stays as in base.  NULL
 * only when memory runs out. */
struct appform *appform_from_form(struct request *rq, const struct appform *base);

/* appform_rebase: current with the answers of `mine` that differ from
 * `base` (the person's own changes since the version they started from)
 * laid over it; with base NULL every answer of mine.  NULL when memory
 * runs out or the result does not read back. */
struct appform *appform_rebase(struct request *rq, const struct appform *base,
		const struct appform *current, const struct appform *mine);

/* appform_nerrors: answers that did not pass their check. */
size_t appform_nerrors(const struct appform *f);
/* appform_track: the zgc track answered ("startup", "technical") or NULL. */
const char *appform_track(const struct appform *f);
/* appform_json: the whole application as an application file (NULL when
 * it cannot be written: too large, out of memory). */
const char *appform_json(const struct appform *f);

/* appform_fields_view: the form, one section per self-check step, into
 * list `sections` of v ({title, fields: [the self-check's field views]}),
 * and the error summary (has_errors, errors: [{text, href}]) when
 * show_errors. */
void appform_fields_view(const struct appform *f, struct view *v, bool show_errors);
/* appform_answers_view: the answers as the self-check summary writes them,
 * list `sections` of v ({title, rows: [{label, value, unknown}]}). */
void appform_answers_view(const struct appform *f, struct view *v);
/* appform_diff_view: field by field, list `rows` of v: every question
 * where current differs from base (changed by someone else) or mine
 * differs from base (changed by this person); with base NULL, every
 * question where mine differs from current.  Each row: {label, base,
 * current, mine, other_changed, mine_changed, both (each changed it, to
 * different values), other_only, mine_only}.  Returns the number of
 * questions someone else changed. */
size_t appform_diff_view(const struct appform *base, const struct appform *current,
		const struct appform *mine, struct view *v);

/* appform_evaluation_view: the evaluation of the whole application (the
 * core, with the site's policy) as the self-check's result page shows it
 * (sc_evaluation_view: eligibility with reasons, the total or range
 * against the threshold, every part and factor), its `date`, and
 * `full_result`: the self-check result page for these answers (with the
 * advice); `failed` and `error` when it cannot be evaluated.  Fields
 * under `ev` of v. */
void appform_evaluation_view(const struct appform *f, struct view *v);

/* appform_field_known: whether a self-check question name is one this
 * module can read from and write to an application (sc_answer_known;
 * tests check that every question of every programme is). */
bool appform_field_known(const char *name);

/* appform_programme_name: the programme's name in the request's language. */
const char *appform_programme_name(const struct request *rq, const char *programme);

#endif
