/* internal.h - the pieces of the policy loader, shared between its files.
 *
 *   yaml.c       YAML text -> ynode tree with positions; error lines
 *   ynode.c      reading the tree: checked keys, typed scalars, id lists
 *   rules.c      conditions (predicates), fact names and their values
 *   factors.c    tracks, parts, factors, levels, rubrics
 *   programme.c  one programme edition: the rest of its file
 *   tables.c     average wages, qualification catalog, calendar
 *   load.c       files and directories, the bundle
 *   validate.c   cross-file checks (policy_validate_bundle)
 *
 * Each parse_* function reads one node into *out (allocating from c->a),
 * reports every problem it finds through perr() and returns false when
 * anything was wrong.  Nothing here is kept after loading but what is
 * copied into the bundle.
 */
#ifndef YC_POLICY_INTERNAL_H
#define YC_POLICY_INTERNAL_H

#include "core/facts.h"
#include "core/policy.h"
#include "yaml.h"

/* rules.c */
bool parse_predicate(struct pctx *c, const struct ynode *n, struct predicate *out);
/* check_fact: `fact` names a fact of type want or want2 (FACT_MISSING: only
 * one type); `use` says what needs it ("a bracket factor"). */
bool check_fact(struct pctx *c, const struct ynode *at, const char *fact,
		const char *use, enum fact_type want, enum fact_type want2);
/* check_value: `value` is one of the values fact can take (when the
 * application format enumerates them). */
bool check_value(struct pctx *c, const struct ynode *at, const char *fact,
		const char *value);
bool parse_unit(struct pctx *c, const struct ynode *n, enum unit *out);
/* format_amount: a bound or threshold for labels: "16", "4.50", "6x". */
const char *format_amount(struct arena *a, int64_t v, enum unit u);

/* factors.c */
struct factor_defaults {
	points_t step;  /* experts' step, for judged factors without one */
	bool scored;
	bool step_bad;  /* 'experts' had an error, already reported: a judged
			 * factor without a step of its own says nothing more */
};
bool parse_tracks(struct pctx *c, const struct ynode *root,
		const struct factor_defaults *d, struct programme_policy *p);

/* programme.c */
bool parse_programme(struct pctx *c, const char *kind, const struct ynode *root,
		const struct policy_bundle *b, struct programme_policy *out);

/* tables.c */
bool parse_wages(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, struct wage **out, size_t *nout);
bool parse_catalog(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, struct catalog *out);
/* parse_calendar: one year; days_off and working_days sorted. */
bool parse_calendar(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, struct calendar *out);

#endif
