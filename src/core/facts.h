/* facts.h - the named facts of an application that policy rules refer to.
 *
 * Policy files name their inputs ("applicant.age", "enterprise.jobs");
 * this module is the one place that maps those names to an application,
 * derives the computed ones (age on the application date, the salary's
 * multiple of the average wage in force, the credentials a person holds
 * from title and verified catalog qualifications) and evaluates predicates.
 * Every numeric fact is hundredths (points.h): 12 years is 1200.
 */
#ifndef YC_FACTS_H
#define YC_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "application.h"
#include "policy.h"

enum fact_type { FACT_MISSING = 0, FACT_NUMBER, FACT_TEXT, FACT_BOOL, FACT_SET };

struct fact_value {
	enum fact_type type; /* FACT_MISSING when the application does not say */
	int64_t num;         /* FACT_NUMBER: hundredths */
	const char *text;    /* FACT_TEXT */
	bool b;              /* FACT_BOOL */
	const char *const *set; /* FACT_SET: distinct strings */
	size_t nset;
	bool partial;        /* FACT_SET: more values may exist than are known */
};

#define FACTS_MAX_CREDENTIALS 16

/* The credentials fact: "title:<title>", "catalog:<list>" for each
 * verified qualification, "qualification-pending" and the like.  Each
 * credential a person can hold has a bit (facts_credential_bit), so that
 * the loader turns a rule on them into a mask or a table by bit, and
 * evaluating tests bits instead of comparing strings. */
#define FACTS_CREDENTIALS "applicant.credentials"
#define FACTS_CREDENTIAL_KINDS 11
/* facts_credential_bit: the bit of credential `name`, 0 for a name no one
 * can hold. */
uint32_t facts_credential_bit(const char *name);
/* facts_credential_name: the credential whose bit is 1 << k, NULL past
 * the last (k >= FACTS_CREDENTIAL_KINDS). */
const char *facts_credential_name(size_t k);

/* The context for facts: the application, the policy tables, derived values. */
struct facts {
	const struct application *app;
	const struct policy_bundle *bundle;
	const struct wage *wage;       /* in force on app->date, or NULL */
	const struct catalog *catalog; /* in force on app->date, or NULL */
	bool has_age;
	int age;
	/* "title:<title>", "catalog:<list>" for each verified qualification */
	const char *credentials[FACTS_MAX_CREDENTIALS];
	size_t ncredentials;
	uint32_t credential_bits; /* the same credentials, by bit */
	bool has_credentials;
	bool credentials_partial; /* qualifications known, title not given */
};

/* facts_init: derive the computed facts of app under bundle. */
void facts_init(struct facts *f, const struct application *app,
		const struct policy_bundle *bundle);
/* facts_get: the value of fact `name`; false if no such fact exists. */
bool facts_get(const struct facts *f, const char *name, struct fact_value *out);
/* facts_id: a fact's number, 1.. (0 for an unknown name).  The policy
 * loader stores it beside each fact name a rule uses (predicate.fact_id,
 * factor.input_id), so that evaluating looks facts up by index instead of
 * comparing names: an application asks for some 400 facts. */
int facts_id(const char *name);
/* facts_lookup: the value of the fact a policy rule names: by its id when
 * the loader resolved it (id > 0), else by name (policies built by hand,
 * as in the unit tests).  False if no such fact exists. */
bool facts_lookup(const struct facts *f, int id, const char *name, struct fact_value *out);
/* The fact table (facts.c), where each fact's value lives: in the header
 * so that facts_number() and facts_text() read a value without a call
 * (a card reads some ten, the eligibility some twenty). */
enum fact_src {
	SRC_TEXT,   /* const char * field */
	SRC_TRI,    /* enum tri field */
	SRC_NUM,    /* struct opt_num field, whole units */
	SRC_AGE,    /* derived: whole years on the application date */
	SRC_SHARES, /* has_shareholding + hundredths */
	SRC_CREDENTIALS,
	SRC_CONDITIONS,
};

struct fact_def {
	const char *name;
	enum fact_type type;
	enum fact_src src;
	size_t offset; /* into struct application */
	bool advisable; /* the applicant's own, and they can change it */
};

#define FACTS_COUNT 32
extern const struct fact_def fact_defs[FACTS_COUNT];

/* fact_def_by_name: the definition of fact `name` (a rule without an id:
 * policies built by hand), or NULL. */
const struct fact_def *fact_def_by_name(const char *name);

/* fact_def_ref: the definition of a fact a rule names (see facts_lookup). */
static inline const struct fact_def *fact_def_ref(int id, const char *name)
{
	if (id > 0 && id <= FACTS_COUNT)
		return &fact_defs[id - 1];
	return fact_def_by_name(name);
}

/* A number fact as facts_number() returns it: by value, in two registers,
 * so that the scoring of a bracket keeps nothing in memory. */
struct fact_number {
	bool given; /* a number fact the application gives */
	int64_t num; /* then its value in hundredths */
};

/* facts_number_of: fact d as a number (given false when it is not one, or
 * not given), as facts_lookup() gives it. */
static inline struct fact_number facts_number_of(const struct facts *f, const struct fact_def *d)
{
	struct fact_number n = {false, 0};
	const struct opt_num *o;

	switch (d->src) {
	case SRC_NUM:
		o = (const struct opt_num *)((const char *)f->app + d->offset);
		n.given = o->set && !__builtin_mul_overflow(o->v, 100, &n.num);
		break;
	case SRC_AGE:
		n.given = f->has_age;
		n.num = (int64_t)f->age * 100;
		break;
	case SRC_SHARES:
		n.given = f->app->applicant.has_shareholding;
		n.num = f->app->applicant.shareholding_percent;
		break;
	default:
		break;
	}
	return n;
}

/* facts_number: the fact a rule names (id and name as for facts_lookup)
 * when it is a number the application gives; given false otherwise (not
 * given, not a number, no such fact).  The same value facts_lookup gives. */
static inline struct fact_number facts_number(const struct facts *f, int id, const char *name)
{
	const struct fact_def *d = fact_def_ref(id, name);

	if (!d)
		return (struct fact_number){false, 0};
	return facts_number_of(f, d);
}

/* facts_text: the fact a rule names when it is a text the application
 * gives (the application's own string), else NULL. */
static inline const char *facts_text(const struct facts *f, int id, const char *name)
{
	const struct fact_def *d = fact_def_ref(id, name);

	if (!d || d->src != SRC_TEXT)
		return NULL;
	return *(const char *const *)((const char *)f->app + d->offset);
}
/* facts_name: the name of fact number i (0..), NULL past the last: every
 * name a policy may use, for "did you mean" in the loader. */
const char *facts_name(size_t i);
/* facts_type: the type a fact name has; FACT_MISSING for an unknown name.
 * The policy loader uses it to reject rules on facts that do not exist. */
enum fact_type facts_type(const char *name);
/* facts_advisable: whether fact `name` is the applicant's own and they can
 * change it (education, salary, ...): advice may suggest changing it.  Not
 * the age (nobody can), nor the enterprise's facts (the employer's). */
bool facts_advisable(const char *name);
bool facts_advisable_id(int id, const char *name); /* by id when > 0, as facts_lookup */
/* facts_describe: the value as text for reasons ("41", "master", "yes"),
 * written into buf of size n; "not provided" when missing. */
const char *facts_describe(const struct fact_value *v, char *buf, size_t n);

/* predicate_eval: whether p holds for f (TRI_UNKNOWN: a needed fact is
 * missing, or the wage table has no wage in force for a wage comparison). */
enum tri predicate_eval(const struct predicate *p, const struct facts *f);

/* A trace: what predicate_eval_trace() found for each node it evaluated
 * whose `node` (policy.h) is 1..PRED_TRACE_NODES, 2 bits a node (the enum
 * tri + 1; 0: not evaluated).  eligibility_compute keeps one per criterion
 * so that explaining the outcome later need not evaluate the parts again. */
#define PRED_TRACE_NODES 32

/* predicate_eval_trace: predicate_eval, adding the outcomes to *trace. */
enum tri predicate_eval_trace(const struct predicate *p, const struct facts *f,
		uint64_t *trace);

/* predicate_traced: p's outcome as recorded in trace, into *t; false when
 * p was not evaluated (or has no node number). */
static inline bool predicate_traced(uint64_t trace, const struct predicate *p, enum tri *t)
{
	unsigned bits;

	if (p->node - 1u >= PRED_TRACE_NODES)
		return false;
	bits = (unsigned)(trace >> (2 * (p->node - 1))) & 3u;
	if (!bits)
		return false;
	*t = (enum tri)(bits - 1);
	return true;
}

#endif
