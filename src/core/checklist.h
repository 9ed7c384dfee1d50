/* checklist.h - the document checklist of one application.
 *
 * One item per document slot of the programme (policy order), plus an item
 * "application_window" when the programme has an application window.  Each
 * item has a state, a `why` in plain English that tells the user what to do
 * (naming the file and the rule), and the clause it rests on (`source`).
 * Computing the checklist records the findings (codes and the values they
 * name); the English `why` is written from them only when it is shown
 * (checklist_write_why, or checklist_texts for the `why` fields).
 * Pure: no I/O, no clock; memory comes from the arena handed in.
 *
 * Conventions (policy data says N, the application date is D):
 *  - issued_within_months N: issued <= D and issued + N months >= D
 *    (date_within_months_from): valid for N months from its issue, it is
 *    still valid on the application date.  A certificate of 02-28 is valid
 *    until 08-28, so an application of 08-31 needs one of 03-01 or later.
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
 *    (docrules.generic_names, case-insensitive) or several of them, with only
 *    digits and separators besides ("scan001", "IMG_1234", "document (2)",
 *    "扫描件1", "New Document", "newfile"; stems over 512 bytes are judged
 *    by their first 512), and at
 *    least 3 letters (letters of any script; an ideograph counts as 2).
 *
 * States: a missing or problem item makes the checklist incomplete; later,
 * optional and not-needed items do not.
 *
 * A policy is used here only after checklist_derive() has worked out, once,
 * what checking every application would otherwise work out again (the
 * lengths of its strings, its slots by id, ...).  The loader does it.
 */
#ifndef YC_CHECKLIST_H
#define YC_CHECKLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "facts.h"
#include "lib/arena.h"
#include "lib/strbuf.h"
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

/* A finding about one item: which rule fails and what its sentence names.
 * The sentence itself is written only when it is shown
 * (checklist_write_why): computing a checklist formats nothing. */
enum check_note_code {
	NOTE_FILE_TYPE,      /* doc: not an accepted file type */
	NOTE_FILE_NAME,      /* doc: the name does not describe the document */
	NOTE_LANGUAGE,       /* doc: foreign language, not translated */
	NOTE_LANGUAGE_UNSAID, /* doc: no language given, not translated (makes the item missing) */
	NOTE_ISSUED_NONE,    /* doc: no issue date */
	NOTE_ISSUED_AFTER,   /* doc: issued after the application date */
	NOTE_ISSUED_BEFORE,  /* doc: issued too long before it */
	NOTE_COVERS_UNSAID,  /* the slot's files do not say which months they cover */
	NOTE_COVERS_GAP,     /* the months of `gaps` (and `more` after them) are not covered */
	NOTE_RESUME_NO_BIRTH, /* the resume rule needs the birth date (makes the item missing) */
	NOTE_RESUME_EMPTY,   /* the resume has no entries */
	NOTE_RESUME_GAP,     /* no resume entry covers the months of `gaps` (and `more`) */
};

/* The gaps a note names: enough to fix a resume or a set of certificates
 * in one go; past them it counts the rest. */
#define CHECK_NOTE_GAPS 3

struct check_note {
	enum check_note_code code;
	const struct document *doc; /* the document it is about, or NULL */
	/* COVERS_GAP, RESUME_GAP: the first gaps, from[i]..to[i], in order */
	month_t from[CHECK_NOTE_GAPS], to[CHECK_NOTE_GAPS];
	size_t ngaps;               /* 1..CHECK_NOTE_GAPS */
	size_t more;                /* gaps after them */
};

/* Which sentence `why` is (set by checklist_compute). */
enum check_why {
	WHY_UPLOADED,      /* "uploaded: 'a.pdf'" */
	WHY_NOTES,         /* the findings, joined */
	WHY_UPLOAD,        /* "Upload the ... as PDF", then any findings */
	WHY_ANSWER_FIRST,  /* the condition is unknown: "answer '...' first ...", then any findings */
	WHY_OPTIONAL,      /* "optional: upload ... if you have it" */
	WHY_LATER,         /* "may follow after acceptance: ..." */
	WHY_NOT_NEEDED,    /* "not needed: '...' does not hold" */
	WHY_WINDOW,        /* the application window */
};

struct check_item {
	const char *slot;   /* slot id, or "application_window" */
	const char *name;   /* slot name as published */
	enum check_state state;
	enum check_why whykind; /* which sentence `why` is (next to `state`: an
				   item is copied whole, and the pair fills
				   one 8-byte word) */
	const char *why;    /* NULL after checklist_compute; filled by
			       checklist_texts(), else see checklist_write_why():
			       in plain English, several findings joined with "; " */
	const char *source; /* the clause(s) the verdict rests on; may be NULL
			       when the policy gives none */
	/* What `why` is made from, with whykind: */
	const struct doc_slot *def;     /* the slot; NULL for the window item */
	const struct check_note *notes; /* findings in the order found, or NULL */
	size_t nnotes;
	const struct document *const *uploads; /* the slot's documents with a file,
						* in document order; NULL for the
						* window item */
	size_t nuploads;
};

struct checklist {
	bool complete; /* no item is missing or problem */
	struct check_item *items;
	size_t nitems;
};

/* checklist_derive: fill the derived fields of p->docrules and of every
 * slot of p (policy.h) from the rest of p, which is complete and valid;
 * false when a is exhausted.  The loader calls it for every programme; code
 * that builds a policy by hand, or changes its slots, document rules,
 * edition or window, must call it (again) before the functions below. */
bool checklist_derive(struct programme_policy *p, struct arena *a);

/* checklist_compute: the checklist of f->app under pol (f from facts_init).
 * Everything *out points to lives in a.  Returns false, with *out empty and
 * *err set, when a document names a slot that is not a slot of pol
 * (path "documents[i].slot", the reason lists the valid slots) or when the
 * arena is exhausted (path "", reason "out of memory"). */
bool checklist_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct checklist *out, struct core_error *err);

/* checklist_write_why: append item it's `why` (never empty) to out, for the
 * checklist computed from pol and f.  scratch is for items with many
 * findings (out latches `failed` when it is exhausted). */
void checklist_write_why(const struct programme_policy *pol, const struct facts *f,
		const struct check_item *it, struct arena *scratch, struct strbuf *out);
/* checklist_why_constant: whether item it's `why` depends on the policy
 * alone (the slot's own sentence, no finding about the application: "Upload
 * the passport as PDF", optional, later); then checklist_write_slot_why()
 * writes it, and a writer may keep it from one application to the next. */
static inline bool checklist_why_constant(const struct check_item *it)
{
	return it->def && (it->whykind == WHY_OPTIONAL || it->whykind == WHY_LATER ||
			   (it->whykind == WHY_UPLOAD && it->nnotes == 0));
}
void checklist_write_slot_why(const struct programme_policy *pol, const struct doc_slot *s,
		enum check_why kind, struct strbuf *out);
/* checklist_write_files: the uploads of item it as its `why` names them
 * ("'a.pdf', 'b.pdf'").  The `why` of a WHY_UPLOADED item is what
 * checklist_write_slot_why() writes for its slot and kind ("uploaded: "),
 * then this. */
void checklist_write_files(const struct check_item *it, struct strbuf *out);
/* The window item: slot checklist_window_slot (this very pointer), its
 * `why` the window (pol->docrules.window_head), the application date d as
 * date_format() writes it, and checklist_window_end(pol, state, d), one of
 * three sentences' ends. */
extern const char checklist_window_slot[];
const char *checklist_window_end(const struct programme_policy *pol, enum check_state s,
		date_t d);
/* checklist_texts: fill every item's `why` from a (for callers that read
 * the fields); false when a is exhausted. */
bool checklist_texts(const struct programme_policy *pol, const struct facts *f,
		struct checklist *cl, struct arena *a);

/* check_state_name: "ok", "missing", "problem", "optional", "not-needed",
 * "later". */
const char *check_state_name(enum check_state s);

/* checklist_name_descriptive: whether the stem of file (the name without
 * its last extension) describes the document under the file-name rule
 * above (r derived: checklist_derive).  For the upload form, which can
 * warn before the checklist runs. */
bool checklist_name_descriptive(const struct doc_rules *r, const char *file);

/* checklist_type_accepted: whether file ends in ".<t>" for a type t of
 * r->file_types (case-insensitive); true when the policy lists no types
 * (r derived: checklist_derive). */
bool checklist_type_accepted(const struct doc_rules *r, const char *file);

#endif
