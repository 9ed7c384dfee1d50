/* advice.h - what an applicant can change to reach the threshold.
 *
 * For a scored scorecard that is incomplete or does not pass (scorecard.md,
 * "Advice"): the smallest changes of the applicant's own facts
 * (facts_advisable()) that bring the total to the threshold, and the total
 * points the judged factors must still bring.  Every gain is computed as
 * score.c computes a card: the part score is recomputed with the changed
 * points (a sum factor stays capped at its maximum) and the total from the
 * weighted sum of the parts as score_weighted_total() rounds it, never
 * approximated (tests/unit/test_advice.c checks each gain against the card
 * rescored).  The age and the enterprise's
 * facts are never suggested.
 *
 * The sentences are written only when shown (advice_write_text and the
 * two after it, or advice_texts for the `text` fields); computing the
 * advice records what they say.
 *
 * Pure: no I/O, no globals; every string and array comes from the arena.
 */
#ifndef YC_ADVICE_H
#define YC_ADVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/arena.h"
#include "lib/strbuf.h"
#include "facts.h"
#include "points.h"
#include "score.h"

#define ADVICE_MAX_ITEMS 8

struct advice_item {
	const char *factor;     /* factor or sub-factor id, e.g. "education", "years_work" */
	const char *part;       /* part id */
	const char *from_level; /* current level label, NULL when not provided */
	const char *to_level;   /* the level to reach (the policy's label) */
	points_t part_gain;     /* points the part gains (respecting a sum factor's cap) */
	points_t total_gain;    /* weighted total gain, exact as score.c rounds it */
	bool reaches;           /* this change alone brings the total to the threshold */
	bool provide;           /* the fact is not provided: the gain is the most it can add */
	const char *text;       /* one English sentence: NULL after advice_compute;
				 * advice_texts() fills it, or see advice_write_text() */
	const struct factor_result *result; /* the factor it changes */
	const struct level *level;          /* the level to reach */
};

struct advice {
	struct advice_item *items; /* at most ADVICE_MAX_ITEMS; NULL when there are none */
	size_t nitems;
	bool has_judged_needed;   /* judged factors are not yet judged, or the complete card fails */
	points_t judged_needed;   /* total points the judged factors must still bring (>= 0) */
	points_t judged_can_give; /* total points the judged factors can still bring */
	const char *judged_text;  /* one English sentence, or NULL (as `text`) */
	bool combination;         /* no single change reaches: the items together are
				   * the smallest combination found (each item's gains
				   * are its own, alone) */
	points_t combined_gain;   /* combination: the total gain of all items together */
	const char *combined_text; /* combination: one English sentence, else NULL
				    * (as `text`) */
	/* What the sentences are made from: */
	points_t base;            /* the total now, factors not scored at 0 */
	points_t threshold;
	bool judged_facts_open;   /* a factor that is not judged is not provided */
	bool judged_one_part;     /* the judged factors are all in one part ... */
	size_t judged_part;       /* ... this one (index in the scorecard's parts) */
};

/* advice_compute: the advice for scorecard sc, computed from the facts f it
 * was scored on.  Nothing (no items, has_judged_needed false) when the card
 * passes, is not scored, or already reaches the threshold (a failed gate is
 * not a matter of points).  Complete failing card: per factor the lowest
 * level that alone reaches the threshold, by total gain ascending; else the
 * smallest combination of factors' levels (at most ADVICE_MAX_ITEMS) that reaches it
 * (fewest factors, then least total gain; `combination`); else the best
 * level per factor by gain descending.  Incomplete card: what the judged
 * factors must bring with every other open factor at 0, and one "provide"
 * item per advisable factor not provided (its highest level), by gain
 * descending.  Returns false only when the arena is exhausted. */
bool advice_compute(const struct scorecard *sc, const struct facts *f,
		struct arena *a, struct advice *out);

/* advice_write_text: append item it's sentence ("Education: doctorate (now:
 * master) adds 2.00 personal points = 1.40 total.") to out; f are the
 * facts the advice was computed from. */
void advice_write_text(const struct facts *f, const struct advice *ad,
		const struct advice_item *it, struct strbuf *out);
/* advice_write_raise_head, advice_write_raise_rest: the sentence of a
 * raise item (not `provide`) in two parts, as advice_write_text() writes
 * it: up to its current value ("Education: doctorate (now: "), which
 * depends on the factor and the level alone when advice_level_constant()
 * (f may then be NULL; else it is the facts for the average wage in
 * force), and the rest ("master) adds 2.00 personal points = 1.40
 * total.").  So a writer may keep the first part per factor and level. */
bool advice_level_constant(const struct factor *fac, const struct level *l);
void advice_write_raise_head(const struct facts *f, const struct factor *fac,
		const struct level *l, struct strbuf *out);
void advice_write_raise_rest(const struct facts *f, const struct advice *ad,
		const struct advice_item *it, struct strbuf *out);
/* advice_write_judged_text: what the judged factors must bring (when
 * ad->has_judged_needed); sc is the scorecard the advice is for. */
void advice_write_judged_text(const struct scorecard *sc, const struct advice *ad,
		struct strbuf *out);
/* advice_write_combined_text: the sentence about a combination (when
 * ad->combination). */
void advice_write_combined_text(const struct advice *ad, struct strbuf *out);
/* advice_texts: fill `text`, `judged_text` and `combined_text` from a (for
 * callers that read the fields); false when a is exhausted. */
bool advice_texts(const struct scorecard *sc, const struct facts *f, struct advice *ad,
		struct arena *a);

#endif
