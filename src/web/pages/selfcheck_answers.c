/* selfcheck_answers.c - where each answer of the self-check lives in an
 * application, both ways.
 *
 * sc_member is the one table of question target -> member of struct
 * application: sc_parse (selfcheck_form.c) writes checked answers through
 * it, and the functions of selfcheck_api.h read a stored application back
 * through it (answers made exactly as a person would type them in their
 * canonical form, then read by sc_parse like any form, so the same checks
 * and messages apply and answers compare equal whenever the facts do) and
 * copy one question's fact from one application to another.
 */
#define YC_SELFCHECK_INTERNAL
#include "pages_selfcheck.h"

#include <string.h>

#include "selfcheck_api.h"
#include "web/site.h"

struct sc_member sc_member(struct application *app, enum sc_target t)
{
	struct applicant *p = &app->applicant;
	struct enterprise *e = &app->enterprise;
	struct sc_member m = {0};

	switch (t) {
	case SC_T_TRACK: m.str = &app->track; break;
	case SC_T_BIRTH: m.has = &p->has_birth_date; m.date = &p->birth_date; break;
	case SC_T_NATION: m.str = &p->nationality; break;
	case SC_T_EDUCATION: m.str = &p->education; break;
	case SC_T_POSITION: m.str = &p->position; break;
	case SC_T_TITLE: m.str = &p->title; break;
	case SC_T_YEARS_WORK: m.num = &p->years_professional_work; break;
	case SC_T_YEARS_CHINA: m.num = &p->years_in_china; break;
	case SC_T_VISIBILITY: m.str = &p->employer_visibility; break;
	case SC_T_MAJOR_PROJECT: m.tri = &p->leads_major_project; break;
	case SC_T_URGENT_FIELD: m.tri = &p->urgent_field; break;
	case SC_T_SALARY: m.num = &p->annual_salary_cny; break;
	case SC_T_SOCIAL_DUTY: m.str = &p->social_duty; break;
	case SC_T_VOCATIONAL: m.tri = &p->intl_vocational_certificate; break;
	case SC_T_BOARD: m.tri = &p->board_director; break;
	case SC_T_SHARES: m.has = &p->has_shareholding; m.pct = &p->shareholding_percent; break;
	case SC_T_RD_TEAM: m.tri = &p->leads_rd_team; break;
	case SC_T_EMPLOYER: m.str = &e->name; break;
	case SC_T_USCC: m.str = &e->uscc; break;
	case SC_T_KEY_ENTITY: m.tri = &e->key_entity; break;
	case SC_T_SECTOR: m.str = &e->sector; break;
	case SC_T_REVENUE: m.num = &e->revenue_last_year_cny; break;
	case SC_T_TAX: m.num = &e->corporate_tax_last_year_cny; break;
	case SC_T_JOBS: m.num = &e->jobs; break;
	case SC_T_ZGC_REGISTERED: m.tri = &e->zgc_registered; break;
	case SC_T_ZGC_HIGH_TECH: m.tri = &e->zgc_high_tech; break;
	case SC_T_HIGH_END: m.tri = &e->high_end_industry; break;
	case SC_T_REAL_ESTATE: m.tri = &e->real_estate; break;
	case SC_T_PENALTIES: m.tri = &e->penalties_last_two_years; break;
	case SC_T_BEIJING: m.tri = &e->beijing_registered_and_taxed; break;
	case SC_T_QUALS:      /* lists: see struct sc_member */
	case SC_T_CONDITIONS:
		break;
	}
	return m;
}

/* The readers take a non-const application (sc_member gives pointers to
 * write through); they only read. */
static struct application *unconst(const struct application *a)
{
	return (struct application *)(uintptr_t)a;
}

/* ---- application -> answers ------------------------------------------------- */

struct pairs {
	struct arena *a;
	struct kv *kv;
	size_t n, cap;
};

static void push(struct pairs *l, const char *key, const char *value)
{
	if (!key || !value || l->n == l->cap)
		return;
	l->kv[l->n].key = key;
	l->kv[l->n].value = value;
	l->n++;
}

/* push_answer: the pairs of question f that app's facts give. */
static void push_answer(struct pairs *l, const struct application *app,
		const struct sc_field *f)
{
	struct sc_member m = sc_member(unconst(app), f->target);
	char buf[POINTS_FMT_MAX > DATE_FMT_MAX ? POINTS_FMT_MAX : DATE_FMT_MAX];

	if (f->type == SC_MULTI) {
		const struct enterprise *e = &app->enterprise;
		if (e->has_conditions && e->nconditions == 0)
			push(l, f->name, "none");
		for (size_t i = 0; e->has_conditions && i < e->nconditions; i++)
			push(l, f->name, e->conditions[i]);
	} else if (f->type == SC_QUALS) {
		const struct applicant *p = &app->applicant;
		for (size_t i = 0; i < p->nqualifications; i++)
			push(l, arena_printf(l->a, "q_%s", p->qualifications[i].id),
			     p->qualifications[i].status);
	} else if (m.str) {
		push(l, f->name, *m.str);
	} else if (m.tri) {
		if (*m.tri != TRI_UNKNOWN)
			push(l, f->name, *m.tri == TRI_TRUE ? "yes" : "no");
	} else if (m.num) {
		if (m.num->set)
			push(l, f->name, arena_printf(l->a, "%lld", (long long)m.num->v));
	} else if (m.has && *m.has) {
		push(l, f->name, arena_strdup(l->a, m.date ? date_format(*m.date, buf)
						      : points_format(*m.pct, buf)));
	}
}

bool sc_answers_from_application(struct arena *a, const char *programme,
		const struct application *app, struct kv **kv, size_t *n)
{
	const struct sc_programme *p = sc_programme_find(programme);
	struct pairs l = {a, NULL, 0, 0};

	*kv = NULL;
	*n = 0;
	if (!p)
		return false;
	/* a pair per question at most, but one per condition and per
	 * qualification */
	if (__builtin_add_overflow(p->nquestions, app->enterprise.nconditions, &l.cap) ||
	    __builtin_add_overflow(l.cap, app->applicant.nqualifications, &l.cap))
		return false;
	l.kv = arena_array(a, l.cap, sizeof *l.kv);
	if (!l.kv)
		return false;
	for (size_t i = 0; i < p->nquestions; i++)
		push_answer(&l, app, p->questions[i].field);
	*kv = l.kv;
	*n = l.n;
	return true;
}

/* ---- one fact from an application to another ----------------------------------- */

/* in_catalog: whether a qualification id is one the form asks about. */
static bool in_catalog(const struct catalog *c, const char *id)
{
	for (size_t i = 0; c && i < c->nentries && i < SC_MAX_MULTI; i++)
		if (strcmp(c->entries[i].id, id) == 0)
			return true;
	return false;
}

/* copy_quals: the qualifications the form asks about from src, and those
 * of dst it cannot show (not in today's catalog) kept. */
static void copy_quals(struct arena *ar, const struct catalog *cat, struct application *dst,
		const struct application *src)
{
	const struct applicant *s = &src->applicant;
	struct applicant *d = &dst->applicant;
	size_t n = 0, cap = s->nqualifications + d->nqualifications;
	struct qualification *q = cap ? arena_array(ar, cap, sizeof *q) : NULL;

	for (size_t i = 0; q && i < s->nqualifications; i++)
		if (in_catalog(cat, s->qualifications[i].id))
			q[n++] = s->qualifications[i];
	for (size_t i = 0; q && i < d->nqualifications; i++)
		if (!in_catalog(cat, d->qualifications[i].id))
			q[n++] = d->qualifications[i];
	d->qualifications = q;
	d->nqualifications = n;
	d->has_qualifications = n > 0;
}

bool sc_answer_copy(struct request *rq, const char *name, struct application *dst,
		const struct application *src)
{
	const struct sc_field *f = sc_field_find(name);
	struct sc_member d, s;

	if (!f)
		return false;
	if (f->type == SC_MULTI) {
		dst->enterprise.has_conditions = src->enterprise.has_conditions;
		dst->enterprise.conditions = src->enterprise.conditions;
		dst->enterprise.nconditions = src->enterprise.nconditions;
		return true;
	}
	if (f->type == SC_QUALS) {
		copy_quals(rq->a, policy_catalog_on(&rq->site->bundle, sc_today(rq)), dst, src);
		return true;
	}
	d = sc_member(dst, f->target);
	s = sc_member(unconst(src), f->target);
	if (d.str)
		*d.str = *s.str;
	if (d.tri)
		*d.tri = *s.tri;
	if (d.num)
		*d.num = *s.num;
	if (d.has)
		*d.has = *s.has;
	if (d.date)
		*d.date = *s.date;
	if (d.pct)
		*d.pct = *s.pct;
	return true;
}

bool sc_answer_known(const char *name)
{
	const struct sc_field *f = sc_field_find(name);
	struct application app;
	struct sc_member m;

	if (!f)
		return false;
	if (f->type == SC_MULTI || f->type == SC_QUALS)
		return true;
	memset(&app, 0, sizeof app);
	m = sc_member(&app, f->target);
	return m.str || m.tri || m.num || m.has;
}
