/* eligibility.h - who may apply: each criterion of a programme with a reason.
 *
 * The criteria are policy data (struct criterion: a predicate on facts and
 * the clause it comes from); this module evaluates those of the
 * application's track and explains each outcome in words built from the
 * predicate's labels and the facts it looked at.  Pure.
 */
#ifndef YC_ELIGIBILITY_H
#define YC_ELIGIBILITY_H

#include <stdbool.h>
#include <stddef.h>

#include "facts.h"
#include "lib/arena.h"
#include "policy.h"

struct criterion_result {
	const struct criterion *criterion;
	enum tri holds; /* TRI_UNKNOWN: a fact it needs is not provided */
	const char *why;
};

struct eligibility {
	enum tri eligible; /* false if any criterion fails; unknown if none fails but one is unknown */
	struct criterion_result *criteria;
	size_t ncriteria;
};

/* eligibility_compute: false only when the arena is exhausted. */
bool eligibility_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct eligibility *out);

#endif
