/* facts.c - see facts.h.
 *
 * The fact table below is the only place where a policy's fact names meet
 * the application struct.  A new fact is one row here (and one field in
 * application.h); the policy loader learns it through facts_type().
 */
#include "facts.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define APP(field) offsetof(struct application, field)
const struct fact_def fact_defs[] = { /* FACTS_COUNT rows: the header's declaration checks */
	{"applicant.age", FACT_NUMBER, SRC_AGE, 0, false},
	{"applicant.years_professional_work", FACT_NUMBER, SRC_NUM, APP(applicant.years_professional_work), true},
	{"applicant.years_in_china", FACT_NUMBER, SRC_NUM, APP(applicant.years_in_china), true},
	{"applicant.annual_salary_cny", FACT_NUMBER, SRC_NUM, APP(applicant.annual_salary_cny), true},
	{"applicant.months_in_china_per_year", FACT_NUMBER, SRC_NUM, APP(applicant.months_in_china_per_year), false},
	{"applicant.shareholding_percent", FACT_NUMBER, SRC_SHARES, 0, false},
	{"enterprise.revenue_last_year_cny", FACT_NUMBER, SRC_NUM, APP(enterprise.revenue_last_year_cny), false},
	{"enterprise.corporate_tax_last_year_cny", FACT_NUMBER, SRC_NUM, APP(enterprise.corporate_tax_last_year_cny), false},
	{"enterprise.jobs", FACT_NUMBER, SRC_NUM, APP(enterprise.jobs), false},
	{"applicant.education", FACT_TEXT, SRC_TEXT, APP(applicant.education), true},
	{"applicant.position", FACT_TEXT, SRC_TEXT, APP(applicant.position), true},
	{"applicant.title", FACT_TEXT, SRC_TEXT, APP(applicant.title), true},
	{"applicant.employer_visibility", FACT_TEXT, SRC_TEXT, APP(applicant.employer_visibility), true},
	{"applicant.social_duty", FACT_TEXT, SRC_TEXT, APP(applicant.social_duty), true},
	{"applicant.nationality", FACT_TEXT, SRC_TEXT, APP(applicant.nationality), false},
	{"enterprise.sector", FACT_TEXT, SRC_TEXT, APP(enterprise.sector), false},
	{"applicant.leads_major_project", FACT_BOOL, SRC_TRI, APP(applicant.leads_major_project), false},
	{"applicant.urgent_field", FACT_BOOL, SRC_TRI, APP(applicant.urgent_field), false},
	{"applicant.former_chinese_citizen", FACT_BOOL, SRC_TRI, APP(applicant.former_chinese_citizen), false},
	{"applicant.intl_vocational_certificate", FACT_BOOL, SRC_TRI, APP(applicant.intl_vocational_certificate), false},
	{"applicant.board_director", FACT_BOOL, SRC_TRI, APP(applicant.board_director), false},
	{"applicant.leads_rd_team", FACT_BOOL, SRC_TRI, APP(applicant.leads_rd_team), false},
	{"enterprise.key_entity", FACT_BOOL, SRC_TRI, APP(enterprise.key_entity), false},
	{"enterprise.penalties_last_two_years", FACT_BOOL, SRC_TRI, APP(enterprise.penalties_last_two_years), false},
	{"enterprise.high_end_industry", FACT_BOOL, SRC_TRI, APP(enterprise.high_end_industry), false},
	{"enterprise.real_estate", FACT_BOOL, SRC_TRI, APP(enterprise.real_estate), false},
	{"enterprise.zgc_registered", FACT_BOOL, SRC_TRI, APP(enterprise.zgc_registered), false},
	{"enterprise.zgc_high_tech", FACT_BOOL, SRC_TRI, APP(enterprise.zgc_high_tech), false},
	{"enterprise.employer_211_or_first_batch", FACT_BOOL, SRC_TRI, APP(enterprise.employer_211_or_first_batch), false},
	{"enterprise.beijing_registered_and_taxed", FACT_BOOL, SRC_TRI, APP(enterprise.beijing_registered_and_taxed), false},
	{FACTS_CREDENTIALS, FACT_SET, SRC_CREDENTIALS, 0, true},
	{"enterprise.conditions", FACT_SET, SRC_CONDITIONS, 0, false},
};
#undef APP

#define NFACTS FACTS_COUNT

static const struct fact_def *fact_def_find(const char *name)
{
	for (size_t i = 0; i < NFACTS; i++)
		if (strcmp(fact_defs[i].name, name) == 0)
			return &fact_defs[i];
	return NULL;
}

int facts_id(const char *name)
{
	const struct fact_def *d = fact_def_find(name);

	return d ? (int)(d - fact_defs) + 1 : 0;
}

/* fact_def_by_name: the definition of a fact a rule names without an id
 * (policies built by hand).  Out of line and cold, so that the lookup by
 * id, which every loaded policy uses, needs no registers for the loop. */
__attribute__((noinline, cold))
const struct fact_def *fact_def_by_name(const char *name)
{
	return name ? fact_def_find(name) : NULL;
}

const char *facts_name(size_t i)
{
	return i < NFACTS ? fact_defs[i].name : NULL;
}

enum fact_type facts_type(const char *name)
{
	const struct fact_def *d = fact_def_find(name);

	return d ? d->type : FACT_MISSING;
}

bool facts_advisable(const char *name)
{
	return facts_advisable_id(0, name);
}

bool facts_advisable_id(int id, const char *name)
{
	const struct fact_def *d = fact_def_ref(id, name);

	return d && d->advisable;
}

/* same: whether a and b are equal; most values compared here are ids of a
 * closed list ("master", "title:senior"), which the first byte mostly tells
 * apart without a call. */
static inline bool same(const char *a, const char *b)
{
	return a[0] == b[0] && strcmp(a, b) == 0;
}

/* Every credential a person can hold, in the order of their bits
 * (facts_credential_bit).  The strings must outlive facts_init without an
 * arena: titles and catalog lists are closed enumerations.  Statuses that
 * earn nothing are still shown, so a pending or revoked qualification
 * never disappears from the scorecard without a word. */
enum credential {
	CRED_SENIOR, CRED_ASSOCIATE_SENIOR, CRED_INTERMEDIATE, CRED_NO_TITLE,
	CRED_INTERNATIONAL, CRED_URGENT, CRED_GO_GLOBAL, CRED_TITLES,
	CRED_PENDING, CRED_UNVERIFIABLE, CRED_REVOKED,
	CRED_NONE = -1,
};

static const char *const credential_names[FACTS_CREDENTIAL_KINDS] = {
	"title:senior", "title:associate-senior", "title:intermediate", "title:none",
	"catalog:international", "catalog:urgent", "catalog:go-global", "catalog:titles",
	"qualification-pending", "qualification-unverifiable", "qualification-revoked",
};

_Static_assert(FACTS_CREDENTIAL_KINDS <= FACTS_MAX_CREDENTIALS,
	       "every credential fits in facts.credentials");

/* A value of the application (a title, a catalog list, a status) and the
 * credential it gives. */
struct credential_src {
	const char *value;
	enum credential credential;
};

static const struct credential_src titles[] = {
	{"senior", CRED_SENIOR}, {"associate-senior", CRED_ASSOCIATE_SENIOR},
	{"intermediate", CRED_INTERMEDIATE}, {"none", CRED_NO_TITLE},
};
static const struct credential_src lists[] = {
	{"international", CRED_INTERNATIONAL}, {"urgent", CRED_URGENT},
	{"go-global", CRED_GO_GLOBAL}, {"titles", CRED_TITLES},
};
static const struct credential_src notes[] = {
	{"pending", CRED_PENDING}, {"unverifiable", CRED_UNVERIFIABLE}, {"revoked", CRED_REVOKED},
};

#define CREDENTIAL_OF(srcs, value) credential_of(srcs, sizeof srcs / sizeof srcs[0], value)

/* credential_of: the credential value gives among srcs[0..n), or CRED_NONE. */
static enum credential credential_of(const struct credential_src *srcs, size_t n,
		const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (same(srcs[i].value, value))
			return srcs[i].credential;
	return CRED_NONE;
}

/* add_credential: c, once (its bit says whether it is there already). */
static void add_credential(struct facts *f, enum credential c)
{
	if (c == CRED_NONE || (f->credential_bits & (1u << c)))
		return;
	f->credential_bits |= 1u << c;
	f->credentials[f->ncredentials++] = credential_names[c];
}

uint32_t facts_credential_bit(const char *name)
{
	for (size_t k = 0; k < FACTS_CREDENTIAL_KINDS; k++)
		if (strcmp(credential_names[k], name) == 0)
			return 1u << k;
	return 0;
}

const char *facts_credential_name(size_t k)
{
	return k < FACTS_CREDENTIAL_KINDS ? credential_names[k] : NULL;
}

static void derive_credentials(struct facts *f)
{
	const struct applicant *ap = &f->app->applicant;

	if (ap->title)
		add_credential(f, CREDENTIAL_OF(titles, ap->title));
	for (size_t i = 0; i < ap->nqualifications; i++) {
		const struct qualification *q = &ap->qualifications[i];
		const struct catalog_entry *e;

		if (!q->status || !same(q->status, "verified")) {
			if (q->status)
				add_credential(f, CREDENTIAL_OF(notes, q->status));
			continue;
		}
		e = f->catalog ? catalog_entry_find(f->catalog, q->id) : NULL;
		for (size_t j = 0; e && j < e->nlists; j++)
			add_credential(f, CREDENTIAL_OF(lists, e->lists[j]));
	}
	/* Known when the title is given; with only qualifications it is
	 * partial: the title could still raise the level. */
	f->has_credentials = ap->title != NULL || f->ncredentials > 0;
	f->credentials_partial = ap->title == NULL;
}

void facts_init(struct facts *f, const struct application *app,
		const struct policy_bundle *bundle)
{
	memset(f, 0, sizeof *f);
	f->app = app;
	f->bundle = bundle;
	f->wage = bundle ? policy_wage_on(bundle, app->date) : NULL;
	f->catalog = bundle ? policy_catalog_on(bundle, app->date) : NULL;
	if (app->applicant.has_birth_date) {
		f->has_age = true;
		f->age = date_age_years(app->applicant.birth_date, app->date);
	}
	derive_credentials(f);
}

static void get_set(struct fact_value *out, const char *const *set, size_t n)
{
	out->type = FACT_SET;
	out->set = set;
	out->nset = n;
}

bool facts_get(const struct facts *f, const char *name, struct fact_value *out)
{
	return facts_lookup(f, 0, name, out);
}

/* lookup: facts_lookup once the definition is found.  Inline, also into
 * the evaluation of predicates, which look up some twenty facts for each
 * application: there the value need not go through memory. */
__attribute__((always_inline))
static inline bool lookup(const struct facts *f, const struct fact_def *d,
		struct fact_value *out)
{
	const char *base = (const char *)f->app;

	memset(out, 0, sizeof *out);
	if (!d)
		return false;
	switch (d->src) {
	case SRC_TEXT: {
		const char *s = *(const char *const *)(base + d->offset);
		if (s) {
			out->type = FACT_TEXT;
			out->text = s;
		}
		break;
	}
	case SRC_TRI: {
		enum tri t = *(const enum tri *)(base + d->offset);
		if (t != TRI_UNKNOWN) {
			out->type = FACT_BOOL;
			out->b = t == TRI_TRUE;
		}
		break;
	}
	case SRC_NUM: {
		const struct opt_num *n = (const struct opt_num *)(base + d->offset);
		if (n->set && !__builtin_mul_overflow(n->v, 100, &out->num))
			out->type = FACT_NUMBER;
		break;
	}
	case SRC_AGE:
		if (f->has_age) {
			out->type = FACT_NUMBER;
			out->num = (int64_t)f->age * 100;
		}
		break;
	case SRC_SHARES:
		if (f->app->applicant.has_shareholding) {
			out->type = FACT_NUMBER;
			out->num = f->app->applicant.shareholding_percent;
		}
		break;
	case SRC_CREDENTIALS:
		if (f->has_credentials) {
			get_set(out, f->credentials, f->ncredentials);
			out->partial = f->credentials_partial;
		}
		break;
	case SRC_CONDITIONS:
		if (f->app->enterprise.has_conditions)
			get_set(out, f->app->enterprise.conditions,
				f->app->enterprise.nconditions);
		break;
	}
	return true;
}

bool facts_lookup(const struct facts *f, int id, const char *name, struct fact_value *out)
{
	return lookup(f, fact_def_ref(id, name), out);
}

/* put_cut: s[0..len) at buf[used..) as snprintf(buf + used, n - used, "%s")
 * puts it: cut to fit, NUL-terminated; returns used + len. */
static size_t put_cut(char *buf, size_t n, size_t used, const char *s, size_t len)
{
	size_t k = len < n - used - 1 ? len : n - used - 1;

	memcpy(buf + used, s, k);
	buf[used + k] = '\0';
	return used + len;
}

const char *facts_describe(const struct fact_value *v, char *buf, size_t n)
{
	char num[POINTS_FMT_MAX];
	size_t used = 0, len;

	switch (v->type) {
	case FACT_MISSING:
		return "not provided";
	case FACT_TEXT:
		return v->text;
	case FACT_BOOL:
		return v->b ? "yes" : "no";
	case FACT_NUMBER:
		len = points_format_n(v->num, num);
		/* whole numbers without ".00": 41 years, 900000 CNY */
		if (v->num % 100 == 0)
			len -= 3;
		if (n)
			put_cut(buf, n, 0, num, len);
		return buf;
	case FACT_SET:
		if (n)
			buf[0] = '\0';
		/* "a, b, c", cut at n - 1 bytes (as a loop of snprintf cut it) */
		for (size_t i = 0; i < v->nset && used < n; i++) {
			if (i)
				used = put_cut(buf, n, used, ", ", 2);
			if (used < n)
				used = put_cut(buf, n, used, v->set[i], strlen(v->set[i]));
			else
				used += strlen(v->set[i]);
		}
		return v->nset ? buf : "none";
	}
	return "?";
}

/* in_text: whether text s is one of p's values. */
static enum tri in_text(const struct predicate *p, const char *s)
{
	for (size_t i = 0; i < p->nvalues; i++)
		if (same(s, p->values[i]))
			return TRI_TRUE;
	return TRI_FALSE;
}

/* in_set: whether one of p's values is in set[0..n). */
static enum tri in_set(const struct predicate *p, const char *const *set, size_t n)
{
	for (size_t i = 0; i < p->nvalues; i++)
		for (size_t j = 0; j < n; j++)
			if (same(set[j], p->values[i]))
				return TRI_TRUE;
	return TRI_FALSE;
}

/* compare_at_least: v >= threshold in p's unit; unknown without a wage. */
/* compare_at_least: num >= threshold in p's unit; unknown without a wage. */
static enum tri compare_at_least(const struct predicate *p, int64_t num, const struct facts *f)
{
	__int128 lhs = num, rhs = p->threshold;

	if (p->unit == UNIT_AVERAGE_WAGE) {
		/* v (CNY hundredths) >= threshold (multiple, hundredths) x wage */
		if (!f->wage)
			return TRI_UNKNOWN;
		rhs = (__int128)p->threshold * f->wage->annual_cny;
	}
	return lhs >= rhs ? TRI_TRUE : TRI_FALSE;
}

/* eval_in_fact: a condition IN on fact d, its value read straight from
 * where lookup() reads it; on the credentials, a test of bits when the
 * loader derived them (struct predicate). */
static enum tri eval_in_fact(const struct predicate *p, const struct facts *f,
		const struct fact_def *d)
{
	const struct enterprise *en = &f->app->enterprise;
	struct fact_value v;
	const char *s;

	switch (d->src) {
	case SRC_TEXT:
		s = *(const char *const *)((const char *)f->app + d->offset);
		return s ? in_text(p, s) : TRI_UNKNOWN;
	case SRC_CREDENTIALS:
		if (!f->has_credentials)
			return TRI_UNKNOWN;
		if (p->by_credential_bits)
			return f->credential_bits & p->credential_bits ? TRI_TRUE : TRI_FALSE;
		return in_set(p, f->credentials, f->ncredentials);
	case SRC_CONDITIONS:
		if (!en->has_conditions)
			return TRI_UNKNOWN;
		return in_set(p, en->conditions, en->nconditions);
	default: /* not a text or a set (the loader refuses it): never in */
		lookup(f, d, &v);
		return v.type == FACT_MISSING ? TRI_UNKNOWN : TRI_FALSE;
	}
}

/* eval_leaf: a condition on one fact.  A yes/no or a number is read
 * straight from its field (as lookup() reads it): no fact_value. */
static enum tri eval_leaf(const struct predicate *p, const struct facts *f)
{
	const struct fact_def *d = fact_def_ref(p->fact_id, p->fact);
	struct fact_number n;
	enum tri t;

	if (!d)
		return TRI_UNKNOWN;
	switch (p->op) {
	case PRED_IS:
		if (d->src != SRC_TRI)
			return TRI_UNKNOWN; /* not a yes/no (or missing) */
		t = *(const enum tri *)((const char *)f->app + d->offset);
		if (t == TRI_UNKNOWN)
			return TRI_UNKNOWN;
		return (t == TRI_TRUE) == p->want ? TRI_TRUE : TRI_FALSE;
	case PRED_IN:
		return eval_in_fact(p, f, d);
	case PRED_AT_LEAST:
	case PRED_BELOW:
		n = facts_number_of(f, d);
		if (!n.given)
			return TRI_UNKNOWN;
		t = compare_at_least(p, n.num, f);
		if (p->op == PRED_BELOW && t != TRI_UNKNOWN)
			t = t == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
		return t;
	default:
		return TRI_UNKNOWN;
	}
}

/* trace_put: record p's outcome t in *trace (see predicate_eval_trace). */
static inline void trace_put(uint64_t *trace, const struct predicate *p, enum tri t)
{
	if (trace && p->node - 1u < PRED_TRACE_NODES)
		*trace |= (uint64_t)(t + 1) << (2 * (p->node - 1));
}

static enum tri eval(const struct predicate *p, const struct facts *f, uint64_t *trace);

/* eval_part: eval of a part of a combination, calling a condition's
 * evaluation directly. */
static inline enum tri eval_part(const struct predicate *p, const struct facts *f,
		uint64_t *trace)
{
	enum tri t;

	if (p->op == PRED_ALL || p->op == PRED_ANY || p->op == PRED_NOT)
		return eval(p, f, trace);
	t = eval_leaf(p, f);
	trace_put(trace, p, t);
	return t;
}

/* eval: predicate_eval, recording each node's outcome in *trace when
 * trace is not NULL. */
static enum tri eval(const struct predicate *p, const struct facts *f, uint64_t *trace)
{
	bool unknown = false;
	enum tri t;

	switch (p->op) {
	case PRED_ALL:
		/* false wins over unknown: one failed condition decides */
		t = TRI_TRUE;
		for (size_t i = 0; i < p->nsubs; i++) {
			enum tri s = eval_part(&p->subs[i], f, trace);
			if (s == TRI_FALSE) {
				t = TRI_FALSE;
				break;
			}
			unknown |= s == TRI_UNKNOWN;
		}
		if (t != TRI_FALSE && unknown)
			t = TRI_UNKNOWN;
		break;
	case PRED_ANY:
		t = TRI_FALSE;
		for (size_t i = 0; i < p->nsubs; i++) {
			enum tri s = eval_part(&p->subs[i], f, trace);
			if (s == TRI_TRUE) {
				t = TRI_TRUE;
				break;
			}
			unknown |= s == TRI_UNKNOWN;
		}
		if (t != TRI_TRUE && unknown)
			t = TRI_UNKNOWN;
		break;
	case PRED_NOT:
		t = TRI_UNKNOWN;
		if (p->nsubs >= 1) {
			switch (eval_part(&p->subs[0], f, trace)) {
			case TRI_TRUE: t = TRI_FALSE; break;
			case TRI_FALSE: t = TRI_TRUE; break;
			default: break;
			}
		}
		break;
	default:
		t = eval_leaf(p, f);
		break;
	}
	trace_put(trace, p, t);
	return t;
}

enum tri predicate_eval(const struct predicate *p, const struct facts *f)
{
	return eval(p, f, NULL);
}

enum tri predicate_eval_trace(const struct predicate *p, const struct facts *f,
		uint64_t *trace)
{
	return eval(p, f, trace);
}
