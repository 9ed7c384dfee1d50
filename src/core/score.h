/* score.h - the scorecard of one application under one policy edition.
 *
 * Computes every factor of the application's track from the facts
 * (facts.h) and the experts' scores, with the state of each factor
 * (scored / not-provided / not-judged), the range an incomplete scorecard
 * can still reach, part scores, the weighted total and the `split-panel`
 * flag (scorecard.md).  All arithmetic is in hundredths; rounding half-up.
 * Every factor result points back at its policy factor (id, max, source).
 * Pure: memory from the arena handed in, no I/O.
 */
#ifndef YC_SCORE_H
#define YC_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"
#include "lib/arena.h"
#include "facts.h"
#include "policy.h"

enum factor_state { FSTATE_SCORED, FSTATE_NOT_PROVIDED, FSTATE_NOT_JUDGED };

struct factor_result {
	const struct factor *factor;
	enum factor_state state;
	points_t points;   /* scored: the points; else the reachable minimum */
	points_t min, max; /* reachable range (min == max == points when scored) */
	const char *input; /* what it used, as text ("master"), or NULL; but see
			    * input_type: read it through factor_result_input() */
	/* FACT_NUMBER, FACT_SET: the value is described only when shown
	 * (a bracket's number, a choice's set such as the credentials, which
	 * lives in the facts the card was computed from); FACT_MISSING: none */
	enum fact_type input_type;
	int64_t input_num;
	const char *const *input_set;
	size_t input_nset;
	const char *level; /* matched level / rubric band / "holds", or NULL */
	bool provisional;  /* the points rest on a value marked provisional */
	enum tri holds;    /* gate: whether it holds */
	unsigned njudges;  /* judged: expert scores counted */
	struct factor_result *subs; /* sum: one per sub-factor */
	size_t nsubs;
};

struct part_result {
	const struct part *part;
	points_t score, min, max;
	bool complete;
	struct factor_result *factors;
	size_t nfactors;
};

enum score_flag {
	SCORE_SPLIT_PANEL = 1 << 0,   /* experts disagree across the threshold */
	SCORE_GATE_FAILED = 1 << 1,   /* a gate factor does not hold */
	SCORE_WINDOW_CLOSED = 1 << 2, /* the date is outside the application window */
};

struct scorecard {
	const struct programme_policy *policy;
	const struct track *track;
	bool scored;   /* false: the programme has no points (urgent) */
	bool complete; /* every factor scored */
	points_t total, min, max;
	bool passes;   /* complete, total >= threshold, every gate holds */
	unsigned flags;
	struct part_result *parts;
	size_t nparts;
	points_t *expert_totals; /* per expert who judged every judged factor */
	const char **expert_ids;
	size_t nexpert_totals;
};

/* The levels the core words itself (the others are the policy's labels);
 * pages translate them with the policy's words (po/<lang>/policy_words.po). */
#define SCORE_LEVEL_NO_WAGE "no average wage in force on the application date"
#define SCORE_LEVEL_UNKNOWN "unknown"
#define SCORE_LEVEL_HOLDS "holds"
#define SCORE_LEVEL_FAILS "fails"

/* score_compute: the scorecard of f->app under pol.  Returns false with *err
 * for an input error (an unknown track, an expert score on a factor that is
 * not judged, above its maximum or off its step, a value no level covers
 * such as an age under the lowest bracket) or when the arena is exhausted. */
bool score_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct scorecard *out, struct core_error *err);

/* score_weighted_total: sum of weight x part score over parts, / 100,
 * half-up.  Inline: a card with several experts takes it a few times per
 * expert, and the advice for every total it tries. */
static inline points_t score_weighted_total(const struct track *t, const points_t *part_scores)
{
	int64_t sum = 0;

	for (size_t i = 0; i < t->nparts; i++)
		sum += t->parts[i].weight * part_scores[i];
	return points_div_round(sum, 100);
}

/* factor_result_input: what r used, as text ("41", "12.50", "master",
 * "title:senior, catalog:urgent"), or NULL.  A number or a set is
 * described here, into buf, as facts_describe() says it (cut to fit):
 * most cards are computed to be compared, not shown. */
#define FACTOR_INPUT_MAX 256
const char *factor_result_describe(const struct factor_result *r, char buf[FACTOR_INPUT_MAX]);
/* Inline: most inputs are text, r->input as it is, and a result shows
 * some fifteen. */
static inline const char *factor_result_input(const struct factor_result *r,
		char buf[FACTOR_INPUT_MAX])
{
	return r->input_type == FACT_MISSING ? r->input : factor_result_describe(r, buf);
}

/* score_mean_text: the input of a judged factor scored as the mean of n
 * experts' scores ("1 expert", "mean of 3 experts") when it is one of the
 * usual ones, a constant a writer may compare by address (n from 1 to
 * SCORE_MEAN_TEXTS - 1); else NULL. */
#define SCORE_MEAN_TEXTS 8
const char *score_mean_text(unsigned n);

const char *factor_state_name(enum factor_state s); /* "scored", ... */
const char *factor_kind_name(enum factor_kind k);   /* "bracket", ... */

#endif
