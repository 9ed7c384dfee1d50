/* checklist.h - the document checklist of one application.
 *
 * One item per document slot of the programme (policy order), plus an item
 * "application_window" when the programme has an application window.  Each
 * item has a state, a `why` in plain English that tells the user what to do
 * (naming the file and the rule), and the clause it rests on (`source`).
 * Pure: no I/O, no clock; every string comes from the arena handed in.
 *
 * Conventions (policy data says N, the application date is D):
 *  - issued_within_months N: date_add_months(D, -N) <= issued <= D.
 *  - covers_years_before N: the months month_of(D) - 12N .. month_of(D) - 1,
 *    inclusive (the N*12 whole months before the application month; the
 *    application month itself is not required).  The months of every
 *    document uploaded for the slot are united (four yearly tax
 *    certificates together cover four years).
 *  - resume_from_age N: applicant.resume must cover every month from
 *    month_of(birth) + 12N (the month of the N-th birthday) to month_of(D),
 *    inclusive; an entry "to": "present" runs to month_of(D); overlapping
 *    entries are fine.  Checked whether or not the resume file is there.
 *  - Several documents for one slot: every one of them is checked (a stale
 *    or badly named file in the submission is a problem the user should
 *    remove or fix) and their `covers` are united.  A document entry
 *    without a file name is not an upload and is ignored.
 *  - File names: the name must end in ".<type>" for one of
 *    docrules.file_types (case-insensitive), and its stem must describe the
 *    document: not only digits and separators, not a generic name
 *    (docrules.generic_names, case-insensitive) followed only by digits and
 *    separators ("scan001", "IMG_1234", "document (2)", "扫描件1"), and at
 *    least 3 letters (letters of any script; an ideograph counts as 2).
 *
 * States: a missing or problem item makes the checklist incomplete; later,
 * optional and not-needed items do not.
 */
#ifndef YC_CHECKLIST_H
#define YC_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "facts.h"
#include "lib/arena.h"
#include "policy.h"

enum check_state {
	CHECK_OK,         /* uploaded and every rule holds */
	CHECK_MISSING,    /* required (or possibly required) and not uploaded,
			     or an answer the check needs is missing */
	CHECK_PROBLEM,    /* uploaded (or the window) but a rule fails */
	CHECK_OPTIONAL,   /* optional and not uploaded */
	CHECK_NOT_NEEDED, /* conditional and the condition does not hold */
	CHECK_LATER,      /* deferrable and not uploaded: may follow after acceptance */
};

struct check_item {
	const char *slot;   /* slot id, or "application_window" */
	const char *name;   /* slot name as published */
	enum check_state state;
	const char *why;    /* never NULL; several findings joined with "; " */
	const char *source; /* the clause(s) the verdict rests on; may be NULL
			       when the policy gives none */
};

struct checklist {
	bool complete; /* no item is missing or problem */
	struct check_item *items;
	size_t nitems;
};

/* checklist_compute: the checklist of f->app under pol (f from facts_init).
 * Everything *out points to lives in a.  Returns false, with *out empty and
 * *err set, when a document names a slot that is not a slot of pol
 * (path "documents[i].slot", the reason lists the valid slots) or when the
 * arena is exhausted (path "", reason "out of memory"). */
bool checklist_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct checklist *out, struct core_error *err);

/* check_state_name: "ok", "missing", "problem", "optional", "not-needed",
 * "later". */
const char *check_state_name(enum check_state s);

/* checklist_name_descriptive: whether the stem of file (the name without
 * its last extension) describes the document under the file-name rule
 * above.  For the upload form, which can warn before the checklist runs. */
bool checklist_name_descriptive(const struct doc_rules *r, const char *file);

/* checklist_type_accepted: whether file ends in ".<t>" for a type t of
 * r->file_types (case-insensitive); true when the policy lists no types. */
bool checklist_type_accepted(const struct doc_rules *r, const char *file);

#endif
