/* policy.h - the published standards as data: the model the core computes on.
 *
 * One `struct programme_policy` per programme and edition (policy/<programme>/
 * <edition>.yaml), plus the shared tables (average wages, qualification
 * catalog, working-day calendar) in one `struct policy_bundle`.  C code here
 * knows only the *kinds* of rules (bracket, choice, judged, sum, gate, date
 * windows, document checks); every number, level, list and text is data and
 * every rule carries the clause it comes from (`source`).  Values the source
 * texts do not publish are marked `provisional`.
 *
 * The structs are filled by src/policy/ (the YAML loader, which validates
 * everything) and are read-only afterwards.  All memory belongs to the
 * bundle's arena.  Numbers are fixed-point hundredths (points.h).
 */
#ifndef YC_POLICY_H
#define YC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "application.h" /* struct srcpos */
#include "calendar.h"
#include "date.h"
#include "lib/arena.h"
#include "points.h"

/* Unit of a numeric comparison: plain, or multiples of the average wage in
 * force on the application date (salary tests: "4 times the average"). */
enum unit { UNIT_PLAIN = 0, UNIT_AVERAGE_WAGE };

/* A condition on the facts of an application (facts.h), used by gates,
 * eligibility criteria and conditional documents.  Evaluates to true, false
 * or unknown (a fact it needs is absent). */
enum pred_op {
	PRED_ALL,      /* every sub-predicate holds */
	PRED_ANY,      /* at least one holds */
	PRED_NOT,      /* subs[0] does not hold */
	PRED_IS,       /* bool fact == want */
	PRED_IN,       /* text fact is one of values / set fact has one of values */
	PRED_AT_LEAST, /* number fact >= threshold (in `unit`) */
	PRED_BELOW,    /* number fact < threshold (in `unit`) */
};

struct predicate {
	enum pred_op op;
	const char *fact;       /* IS, IN, AT_LEAST, BELOW */
	int fact_id;            /* facts_id(fact), set by the loader; 0: not resolved */
	bool want;              /* IS */
	const char **values;    /* IN */
	size_t nvalues;
	int64_t threshold;      /* AT_LEAST, BELOW: hundredths */
	enum unit unit;
	struct predicate *subs; /* ALL, ANY, NOT */
	size_t nsubs;
	const char *label;      /* what it asks, for reasons ("director or above") */
	/* Where the loader read it (0:0 and NULL when built by hand): */
	struct srcpos pos;      /* its `unit`, else the condition */
	const struct srcpos *value_pos; /* IN: each of `values` */
	/* IN on the credentials (facts.h), set by the loader: the bits of
	 * `values`, which evaluating tests against the person's bits; false
	 * when built by hand, where the values are compared as strings. */
	bool by_credential_bits;
	uint32_t credential_bits;
	/* Derived by eligibility_derive() for the test of a criterion (the
	 * loader calls it); zero elsewhere (gates, documents, policies built
	 * by hand), where an explanation is put together piece by piece: */
	unsigned node;          /* 1.. in pre-order within the test: its place in a trace (facts.h) */
	const char *why[3];     /* how its explanation starts, by outcome (enum tri):
				 * "label: met" (a condition or a labelled not), "label — " */
	size_t why_len[3];
	bool why_value;         /* a condition whose fact is not yes/no: its value follows */
};

enum factor_kind { FACTOR_BRACKET, FACTOR_CHOICE, FACTOR_JUDGED, FACTOR_SUM, FACTOR_GATE };

/* One level of a bracket or choice factor. */
struct level {
	const char *label;  /* "26-55", "master" */
	int64_t from, to;   /* bracket: inclusive bounds in hundredths (of `unit`) */
	bool has_to;        /* bracket: false when open-ended ("66+") */
	const char **match; /* choice: input values that select this level */
	size_t nmatch;
	bool otherwise;     /* choice: matches any provided value not matched above */
	points_t points;
	bool provisional;
	const struct srcpos *match_pos; /* where the loader read each of `match`
					 * (NULL when built by hand) */
};

/* A slot of a choice factor's table of match values (policy_choice_level). */
struct choice_slot {
	const char *value;         /* NULL: the slot is free */
	const struct level *level; /* the level the value selects */
};

/* A band of a judged factor's rubric: scores >= from carry this label. */
struct rubric_band {
	points_t from;
	const char *label;
};

struct factor {
	const char *id;
	const char *name;   /* English name as published */
	enum factor_kind kind;
	points_t max;       /* published maximum (0 for gates) */
	bool max_provisional; /* the maximum itself is not published (zgc) */
	const char *source; /* the clause it comes from */
	/* bracket, choice: */
	const char *input;  /* fact name (facts.h) */
	int input_id;       /* facts_id(input), set by the loader; 0: not resolved */
	enum unit unit;     /* bracket: unit of the level bounds */
	struct srcpos unit_pos; /* where the loader read the unit, else the factor */
	struct level *levels;
	size_t nlevels;
	/* sum: sub-factors added, capped at max */
	struct factor *subs;
	size_t nsubs;
	/* judged: experts give 0..max in steps of `step` */
	points_t step;
	struct rubric_band *rubric; /* sorted by `from` descending */
	size_t nrubric;
	/* gate: must hold, gives no points */
	struct predicate *gate;
	/* Derived by policy_track_derive() (the loader calls it): */
	bool any_provisional; /* max_provisional, or some level is provisional */
	bool has_judged;      /* judged, or a sum with a judged sub-factor */
	bool advisable;       /* its input is the applicant's to change (facts_advisable) */
	size_t judged_index;  /* judged: its place in its track's `judged` */
	/* choice: every match value once, with the level it selects (the one
	 * with the most points, the first in the policy's order on ties), in
	 * an open-addressing table of choice_mask + 1 slots, so that scoring
	 * finds a value's level with one hash instead of comparing it with
	 * every level's values; and the first `otherwise` level, which no
	 * value selects (NULL when there is none). */
	struct choice_slot *choice_table;
	size_t choice_mask;
	const struct level *otherwise;
	/* choice on the credentials (facts.h): the level each credential
	 * selects, by its bit (credential_levels[k] for 1 << k; NULL: none),
	 * so that scoring takes a person's credentials by bit, not by string;
	 * NULL for other inputs. */
	const struct level **credential_levels;
	/* bracket whose bounds are in the input's own unit: the level a value
	 * selects is a step function of it, with a step at every `from` and
	 * after every `to`.  cuts[0..ncuts) are those steps, ascending and
	 * distinct; a value v selects cut_levels[k] (NULL: none), k the number
	 * of cuts <= v, so scoring counts instead of testing every level.
	 * NULL (ncuts 0) for a wage-unit bracket. */
	int64_t *cuts;
	const struct level **cut_levels; /* ncuts + 1 */
	size_t ncuts;
	/* bracket, choice: what a change of its input can reach (advice.c):
	 * one level per distinct number of points, ascending, the first in
	 * the policy's order of those with equal points.  The levels worth
	 * more than a result's points are a suffix of it. */
	const struct level **rising;
	size_t nrising;
};

struct part {
	const char *id;
	const char *name;
	points_t weight; /* hundredths of one: 70 is 0.70; a track's weights sum to 100 */
	points_t max;    /* 100.00 */
	struct factor *factors;
	size_t nfactors;
	const char *source; /* the clause that gives the part and its weight */
};

/* A programme without tracks has one track whose id is NULL. */
struct track {
	const char *id;
	const char *name;
	struct part *parts;
	size_t nparts;
	/* Derived by policy_track_derive() so that scoring an application
	 * need not walk the factor tree to find them: */
	const struct factor **judged; /* the judged factors, sub-factors included,
				       * in track order */
	size_t njudged;
	size_t nleaves;               /* factors that are not sums, sub-factors included */
	bool has_gate;
};

/* An eligibility criterion: all criteria (of the application's track) must hold. */
struct criterion {
	const char *id;
	const char *name;
	const char *source;
	const char *track; /* NULL: every track */
	struct predicate test;
};

enum slot_need {
	SLOT_REQUIRED,    /* must be uploaded */
	SLOT_OPTIONAL,    /* may be uploaded */
	SLOT_CONDITIONAL, /* required when `when` holds, not needed otherwise */
	SLOT_DEFERRABLE,  /* required, may follow after acceptance ("acceptance of vacancy") */
};

/* A document slot of the checklist, with the checks that apply to it. */
struct doc_slot {
	const char *id;
	const char *name;
	const char *source;
	enum slot_need need;
	struct predicate *when;    /* SLOT_CONDITIONAL */
	int issued_within_months;  /* > 0: issued within N months before the date */
	int covers_years_before;   /* > 0: `covers` spans the N years before the date */
	int resume_from_age;       /* > 0: the resume runs month by month from this age */
	bool pictures;             /* pictures (photos), no text: no language to say */
	/* Derived by checklist_derive() (the loader calls it): */
	size_t id_len;             /* strlen(id) */
	bool busy;                 /* its checklist item looks at the application
				    * even when nothing is uploaded for it: a
				    * condition (`when`), or resume_from_age */
};

/* Rules every document of a programme obeys. */
struct doc_rules {
	const char **file_types;      /* accepted extensions, e.g. "pdf" */
	size_t nfile_types;
	const char **generic_names;   /* stems that do not describe: "scan", "img" */
	size_t ngeneric_names;
	const char **native_languages; /* no translation needed: "zh" */
	size_t nnative_languages;
	const char *source_format, *source_names, *source_translation;
	/* Derived by checklist_derive() (the loader calls it) so that checking
	 * an application's documents measures no policy string: */
	bool derived;
	const char **type_exts;        /* file_types without a leading dot, lowered */
	size_t *type_lens;             /* their lengths */
	const char **generic_sorted;   /* the non-empty generic names, lowered, by
				        * first byte: those starting with byte b are
				        * generic_sorted[generic_at[b] .. generic_at[b + 1]) */
	size_t *generic_sorted_lens;
	uint32_t *generic_at;          /* 257 entries */
	bool generic_empty;            /* "" is a generic name (it fits any stem) */
	uint32_t *slot_table;          /* the programme's slots by slot_hash() of
				        * their id: index + 1, 0 for none */
	size_t slot_mask;              /* entries in slot_table - 1 (a power of 2) */
	const struct check_item *idle_items; /* each slot's checklist item when
				        * nothing is uploaded for it, as it is for
				        * every application unless the slot is busy
				        * (checklist.h) */
	size_t idle_missing;           /* idle items of slots not busy that are
				        * missing */
	uint32_t *busy_slots;          /* the indices of the busy slots, in order */
	size_t nbusy_slots;
	const char *window_head;       /* the window item's words before the
				        * application date: "the 2025 window is
				        * 2025-01-01 to 2025-03-31; " */
	size_t window_head_len;
};

/* Information for people: fees, service centres, deadlines, contacts. */
struct fee {
	const char *id, *name;
	int64_t amount_cny;
	const char *source;
};
struct opening {
	const char *days;  /* "Mon-Sat", "working days" */
	const char *hours; /* "09:00-12:00, 13:30-17:00" */
};
struct centre {
	const char *id, *name, *address;
	struct opening *hours;
	size_t nhours;
	const char **accepts; /* categories it accepts; empty: all */
	size_t naccepts;
	const char *source;
};
struct deadline {
	const char *id, *name;
	int working_days;   /* > 0 when counted in working days */
	int calendar_months; /* > 0 when counted in calendar months */
	const char *source;
};
struct contact {
	const char *id, *name, *phone;
};
/* What applicants must know that no rule checks ("an interview may be
 * required", "photocopies A4"), quoted from the notice. */
struct note {
	const char *id, *text;
	const char *source;
};

struct programme_policy {
	const char *programme; /* two-zones | zgc | urgent */
	const char *edition;   /* "2025" */
	const char *title;
	const char *source;
	const char *file;      /* the YAML file it was loaded from */
	date_t in_force_from;
	bool has_window;
	date_t window_opens, window_closes;
	const char *window_source;    /* the clause that gives the window */
	bool scored;           /* false: eligibility only (urgent) */
	points_t threshold;
	const char *threshold_source; /* the clause that gives it (scored only) */
	unsigned expert_panel;  /* experts assigned to each application */
	unsigned expert_quorum; /* scores a judged factor needs to count as judged */
	struct track *tracks;
	size_t ntracks;
	struct criterion *criteria;
	size_t ncriteria;
	struct doc_slot *slots;
	size_t nslots;
	struct doc_rules docrules;
	struct fee *fees;
	size_t nfees;
	struct centre *centres;
	size_t ncentres;
	struct deadline *deadlines;
	size_t ndeadlines;
	struct contact *contacts;
	size_t ncontacts;
	struct note *notes;
	size_t nnotes;
};

/* Beijing all-caliber average wage of urban employees, by effective date. */
struct wage {
	int year;              /* the year the wage was measured */
	date_t in_force_from;  /* used for decisions from this date */
	int64_t annual_cny;
	bool provisional;
	const char *source;
};

struct catalog_list {
	const char *id;   /* international | urgent | go-global | titles */
	const char *name;
	const char **benefits;
	size_t nbenefits;
	const char *source;
	/* lists whose benefits holders of this one also receive (the urgent
	 * list's holders "are also eligible": its benefits add to the
	 * international list's) */
	const char **also;
	size_t nalso;
};

struct catalog_entry {
	const char *id;    /* "acca-fellow" */
	const char *name;
	const char *issuer;
	const char **lists; /* ids of the lists it is on */
	size_t nlists;
	const char *title_correspondence; /* "deputy-senior", "intermediate" or NULL */
	const char *source;
};

struct catalog {
	const char *edition;
	date_t in_force_from;
	const char *source;
	int published_count; /* entries in the official edition (163) */
	struct catalog_list *lists;
	size_t nlists;
	struct catalog_entry *entries; /* the publicly confirmed ones */
	size_t nentries;
};

struct policy_bundle {
	struct programme_policy *programmes; /* every edition of every programme */
	size_t nprogrammes;
	struct wage *wages; /* sorted by in_force_from */
	size_t nwages;
	struct catalog *catalogs; /* sorted by in_force_from */
	size_t ncatalogs;
	struct calendar calendar;
};

/* policy_find: the edition of `programme` in force on `date`, or the edition
 * named `edition` when not NULL; NULL when there is none. */
const struct programme_policy *policy_find(const struct policy_bundle *b,
		const char *programme, const char *edition, date_t date);
/* policy_track_derive: fill the derived fields of t and of its factors
 * from its parts (after they are complete and valid); false when a is
 * exhausted.  The loader calls it for every track; code that builds a
 * track by hand must call it too. */
bool policy_track_derive(struct track *t, struct arena *a);

/* policy_choice_hash: the hash of a match value in a choice factor's table:
 * its length and three of its bytes, which tell a closed list of values
 * apart ("title:senior" and "title:associate-senior" differ in both). */
static inline size_t policy_choice_hash(const char *value)
{
	size_t n = strlen(value);

	if (n == 0)
		return 0;
	return n * 31 + (unsigned char)value[0] + ((size_t)(unsigned char)value[n / 2] << 7) +
	       ((size_t)(unsigned char)value[n - 1] << 14);
}

/* policy_choice_level: the level of choice factor f that `value` selects,
 * or NULL when none does (f's `otherwise` level, if any, then applies). */
static inline const struct level *policy_choice_level(const struct factor *f, const char *value)
{
	const struct choice_slot *t = f->choice_table;

	if (!t)
		return NULL;
	for (size_t h = policy_choice_hash(value) & f->choice_mask; t[h].value;
	     h = (h + 1) & f->choice_mask)
		if (t[h].value[0] == value[0] && strcmp(t[h].value, value) == 0)
			return t[h].level;
	return NULL;
}

/* policy_bracket_level: the level of bracket f (bounds in the input's
 * unit) that v falls in, the one that starts highest when several do
 * (the first of those in the policy's order); NULL when none.  Tests
 * every level: scoring uses the table derived from it (cuts). */
const struct level *policy_bracket_level(const struct factor *f, int64_t v);

/* policy_track: the track with id `track` (NULL: the programme's only track). */
const struct track *policy_track(const struct programme_policy *p, const char *track);
/* policy_wage_on: the average wage in force on `date`, or NULL. */
const struct wage *policy_wage_on(const struct policy_bundle *b, date_t date);
/* policy_catalog_on: the catalog edition in force on `date`, or NULL. */
const struct catalog *policy_catalog_on(const struct policy_bundle *b, date_t date);
const struct catalog_entry *catalog_entry_find(const struct catalog *c, const char *id);
/* policy_factor_find: a factor (or sub-factor) of a track by id. */
const struct factor *policy_factor_find(const struct track *t, const char *id);

#endif
