/* eligibility.h - who may apply: each criterion of a programme with a reason.
 *
 * The criteria are policy data (struct criterion: a predicate on facts and
 * the clause it comes from); this module evaluates those of the
 * application's track and explains each outcome in words built from the
 * predicate's labels and the facts it looked at.  The words are written
 * only when shown (eligibility_write_why); computing only decides.  Pure.
 */
#ifndef YC_ELIGIBILITY_H
#define YC_ELIGIBILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "lib/arena.h"
#include "lib/strbuf.h"
#include "policy.h"

struct criterion_result {
	const struct criterion *criterion;
	enum tri holds; /* TRI_UNKNOWN: a fact it needs is not provided */
	const char *why; /* NULL after eligibility_compute; filled by
			  * eligibility_texts(), else see eligibility_write_why() */
	uint64_t trace;  /* the outcomes of the test's parts (facts.h), so that
			  * the explanation need not evaluate them again; 0:
			  * none (they are evaluated when explained) */
};

struct eligibility {
	enum tri eligible; /* false if any criterion fails; unknown if none fails but one is unknown */
	struct criterion_result *criteria;
	size_t ncriteria;
};

/* eligibility_compute: false only when the arena is exhausted. */
bool eligibility_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct eligibility *out);

/* eligibility_write_why: append why criterion result r holds or not, for the
 * facts f it was computed from: "label (fact: value): yes" for a single
 * test; a combination names the parts that decided. */
void eligibility_write_why(const struct facts *f, const struct criterion_result *r,
		struct strbuf *out);
/* The pieces an explanation is made of besides the policy's labels and the
 * facts' values: the English words of eligibility_write_why, or another
 * language's (struct why_words).  WHY_WAGE has the fields {year} and {cny}. */
enum why_piece {
	WHY_MET, WHY_NOT_MET, WHY_NOT_ANSWERED, /* a condition's outcome */
	WHY_COLON,      /* between a condition and its outcome: ": " */
	WHY_DASH,       /* between a combination's label and its parts: " — " */
	WHY_NOT,        /* before the parts of an unlabelled NOT: "not: " */
	WHY_SEP,        /* between the parts listed: "; " */
	WHY_OPEN, WHY_CLOSE, /* around the value looked at: " (" ")" */
	WHY_LIST_SEP,   /* between the values of a set: ", " */
	WHY_NONE,       /* an empty set: "none" */
	WHY_WAGE,       /* "; the {year} average wage: CNY {cny}" */
	WHY_PROVISIONAL, /* after it when the wage is provisional: ", provisional" */
	WHY_NPIECES
};

/* why_words: an explanation in another language (the portal's pages).
 * piece[] are its words for the pieces above; label() gives the words for
 * a label of the policy (a condition's or a combination's, in English),
 * value() a fact's value (one member of a set at a time) as the reader
 * reads it; each returns its argument itself when it has none. */
struct why_words {
	const char *piece[WHY_NPIECES];
	const char *(*label)(void *ctx, const char *english);
	const char *(*value)(void *ctx, const char *fact, const char *value);
	/* number(): a number as the reader writes it (digits grouped, money
	 * with its currency): a fact's value in hundredths ("applicant.
	 * annual_salary_cny", 96000000), or the average wage (fact NULL, in
	 * hundredths of a yuan); NULL (or no callback) keeps the plain digits */
	const char *(*number)(void *ctx, const char *fact, int64_t hundredths);
	void *ctx;
};

/* eligibility_write_why_in: eligibility_write_why in the words of w (NULL:
 * English, the same as eligibility_write_why). */
void eligibility_write_why_in(const struct facts *f, const struct criterion_result *r,
		const struct why_words *w, struct strbuf *out);

/* eligibility_why_constant: whether the why of criterion c depends on its
 * outcome alone (a single condition whose value is not shown: "employer on
 * the list: met"); then eligibility_write_why() may be given any facts (or
 * NULL) and a result without a trace, and a writer may keep its words. */
bool eligibility_why_constant(const struct criterion *c);
/* eligibility_derive: fill the derived fields of c's test (policy.h: its
 * parts' numbers and the words each explanation starts with) from a;
 * false when a is exhausted.  The loader calls it for every criterion;
 * a criterion built by hand is explained as well without it, only slower.
 * A predicate belongs to one criterion's test (its number is its place
 * in that test). */
bool eligibility_derive(struct criterion *c, struct arena *a);

/* eligibility_texts: fill every criterion's `why` from a (for callers that
 * read the fields); false when a is exhausted. */
bool eligibility_texts(const struct facts *f, struct eligibility *el, struct arena *a);

#endif
