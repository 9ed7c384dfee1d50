/* load.h - read the policy directory (YAML) into a policy_bundle.
 *
 * Layout: <dir>/two-zones/, zgc/, urgent/ (one file per edition),
 * wages/, catalog/, calendar/ (YAML files; calendar: one per year).
 * Everything is validated; each problem is reported as one line
 * "file:line:column: what is wrong" (an unknown key, overlapping levels,
 * points above the maximum, weights not summing to 100%, dates out of order,
 * a rule on a fact that does not exist, a missing source).
 */
#ifndef YC_POLICY_LOAD_H
#define YC_POLICY_LOAD_H

#include "core/policy.h"
#include "lib/arena.h"
#include "lib/strbuf.h"

/* policy_load_dir: load every policy file under dir into *out, allocating from
 * a (the bundle lives as long as the arena).  Returns the number of errors
 * (0 on success); each error is one line appended to errors. */
int policy_load_dir(const char *dir, struct arena *a, struct policy_bundle *out,
		struct strbuf *errors);

/* policy_load_buffer: parse one policy document held in memory, as if it came
 * from a file named `name` whose kind is given by the directory it is in
 * ("two-zones", "zgc", "urgent", "wages", "catalog", "calendar").  Used by
 * tests and the fuzz target.  Appends to *out; returns the number of errors. */
int policy_load_buffer(const char *kind, const char *name, const char *text,
		size_t len, struct arena *a, struct policy_bundle *out,
		struct strbuf *errors);

/* policy_validate_bundle: cross-file checks after everything is loaded
 * (editions in order, no two editions with the same date, calendar years
 * unique).  Returns the number of errors. */
int policy_validate_bundle(const struct policy_bundle *b, struct strbuf *errors);

#endif
