/* evaluate.h - everything the platform says about one application.
 *
 * Chooses the policy edition (in force on the application date, or the one
 * pinned), derives the facts, and computes eligibility, the scorecard, the
 * document checklist and the advice.  This is what `yingcai evaluate`, the
 * API and the self-check pages show.  Pure: memory from the arena.
 */
#ifndef YC_EVALUATE_H
#define YC_EVALUATE_H

#include "advice.h"
#include "checklist.h"
#include "eligibility.h"
#include "error.h"
#include "facts.h"
#include "score.h"

struct evaluation {
	const struct programme_policy *policy;
	struct facts facts;
	struct eligibility eligibility;
	struct scorecard scorecard;
	struct checklist checklist;
	struct advice advice;
	enum tri passes; /* scored: the scorecard passes (never unknown);
			  * else: eligible (unknown while a fact is missing) */
	/* NULL from evaluate_application; a caller that has it set to
	 * evaluation_full_marks() of this one, and the results (result.h)
	 * then show its advice: what would be enough in the best case. */
	const struct evaluation *full_marks;
};

/* evaluate_application: edition NULL means the edition in force on the
 * application's date.  False with *err on an input error (no edition in
 * force, an age below 16, a bad expert score, an unknown document slot).
 * The English sentences (eligibility and checklist `why`, advice `text`)
 * are not written here: result_json and result_text write them straight
 * into their output, and evaluation_texts() fills those fields for code
 * that reads them. */
bool evaluate_application(const struct policy_bundle *b, const struct application *app,
		const char *edition, struct arena *a, struct evaluation *out,
		struct core_error *err);

/* evaluation_full_marks: what would be enough in the best case, for a
 * card that cannot reach the threshold even if the experts gave every
 * judged factor its maximum (scorecard.md: advice for an incomplete card
 * is also the smallest changes of the applicant's own facts that reach
 * the threshold).  The same application scored with every judged factor
 * not judged yet at its maximum (the scores already given stay; experts
 * join up to the policy's quorum), into *out: its scorecard is complete
 * and its advice names those changes.  False when
 * that does not apply (a programme without points, a complete card, a card
 * that can still reach the threshold, a gate that fails, a fact not given:
 * then the first advice is to give it) or when a is exhausted.  ev comes
 * from evaluate_application() with the same bundle; out's memory and the
 * application it scores come from a. */
bool evaluation_full_marks(const struct policy_bundle *b, const struct evaluation *ev,
		struct arena *a, struct evaluation *out);

/* evaluation_texts: fill every criterion's and checklist item's `why` and
 * the advice's `text`, `judged_text` and `combined_text` of ev (from
 * evaluate_application) with memory from a; false when a is exhausted. */
bool evaluation_texts(struct evaluation *ev, struct arena *a);

#endif
