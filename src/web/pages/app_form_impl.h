/* app_form_impl.h - what app_form.c and app_form_view.c share (nothing
 * else includes it): the appform itself, which is a self-check's answers
 * (pages_selfcheck.h, internal) next to the whole application. */
#ifndef YC_APP_FORM_IMPL_H
#define YC_APP_FORM_IMPL_H

#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include "app_form.h"

struct appform {
	struct selfcheck sc;     /* the programme's questions, answered and checked */
	struct application app;  /* the whole application: stored facts + answers */
	const char *json;        /* app as an application file, once written */
};

/* appform_find: f's answer to question q, or NULL when f does not ask it
 * (another zgc track). */
const struct sc_answer *appform_find(const struct appform *f, const struct sc_question *q);
/* appform_answer_key: an answer in a form that compares equal exactly when
 * two answers say the same ("" for a question not asked or not answered). */
const char *appform_answer_key(const struct appform *f, const struct sc_answer *an);

#endif
