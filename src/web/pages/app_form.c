/* app_form.c - see app_form.h: from an application file to the
 * self-check's answers and back.
 *
 * The self-check builds an application from answers (selfcheck_form.c);
 * the way back, from a stored application to the answers its form shows,
 * is the table below: one row per question name, saying which member of
 * struct application it reads and writes.  Answers are made exactly as a
 * person would type them in their canonical form ("1984-05-17",
 * "900000", "yes"), then read by sc_parse like any form, so the same
 * checks and messages apply and the answers compare equal whenever the
 * facts do.
 */
#include "app_form_impl.h"

#include <stdio.h>
#include <string.h>

#include "format/appfile.h"
#include "format/appfile_write.h"
#include "web/site.h"

#define KV_MAX 128                           /* answers of one application */
#define JSON_MAX ((size_t)1024 * 1024)        /* as APPFILE_MAX */

/* ---- question name -> application member ---------------------------------- */

enum member {
	M_TRACK, M_BIRTH, M_NATION, M_EDUCATION, M_POSITION, M_TITLE, M_YEARS_WORK,
	M_YEARS_CHINA, M_VISIBILITY, M_MAJOR, M_URGENT, M_QUALS, M_SALARY, M_DUTY,
	M_VOCATIONAL, M_BOARD, M_SHARES, M_RD_TEAM, M_EMPLOYER, M_USCC, M_KEY_ENTITY,
	M_SECTOR, M_REVENUE, M_TAX, M_JOBS, M_ZGC_REGISTERED, M_ZGC_HIGH_TECH, M_HIGH_END,
	M_CONDITIONS, M_REAL_ESTATE, M_PENALTIES, M_COUNT
};

/* the self-check's field names (struct sc_field.name), in enum order */
static const char *const member_names[M_COUNT] = {
	"track", "birth_date", "nationality", "education", "position", "title", "years_work",
	"years_china", "visibility", "major_project", "urgent_field", "quals", "salary",
	"social_duty", "vocational", "board_director", "shares", "rd_team", "employer", "uscc",
	"key_entity", "sector", "revenue", "tax", "jobs", "zgc_registered", "zgc_high_tech",
	"high_end", "conditions", "real_estate", "penalties",
};

static enum member member_of(const char *name)
{
	for (int m = 0; m < M_COUNT; m++)
		if (strcmp(member_names[m], name) == 0)
			return (enum member)m;
	return M_COUNT;
}

bool appform_field_known(const char *name)
{
	return name && member_of(name) != M_COUNT;
}

/* The member accessors take a non-const application; readers pass theirs
 * through unconst() and only read. */
static struct application *unconst(const struct application *a)
{
	return (struct application *)(uintptr_t)a;
}

static const char **str_member(struct application *a, enum member m)
{
	switch (m) {
	case M_TRACK: return &a->track;
	case M_NATION: return &a->applicant.nationality;
	case M_EDUCATION: return &a->applicant.education;
	case M_POSITION: return &a->applicant.position;
	case M_TITLE: return &a->applicant.title;
	case M_VISIBILITY: return &a->applicant.employer_visibility;
	case M_DUTY: return &a->applicant.social_duty;
	case M_EMPLOYER: return &a->enterprise.name;
	case M_USCC: return &a->enterprise.uscc;
	case M_SECTOR: return &a->enterprise.sector;
	default: return NULL;
	}
}

static enum tri *tri_member(struct application *a, enum member m)
{
	switch (m) {
	case M_MAJOR: return &a->applicant.leads_major_project;
	case M_URGENT: return &a->applicant.urgent_field;
	case M_VOCATIONAL: return &a->applicant.intl_vocational_certificate;
	case M_BOARD: return &a->applicant.board_director;
	case M_RD_TEAM: return &a->applicant.leads_rd_team;
	case M_KEY_ENTITY: return &a->enterprise.key_entity;
	case M_ZGC_REGISTERED: return &a->enterprise.zgc_registered;
	case M_ZGC_HIGH_TECH: return &a->enterprise.zgc_high_tech;
	case M_HIGH_END: return &a->enterprise.high_end_industry;
	case M_REAL_ESTATE: return &a->enterprise.real_estate;
	case M_PENALTIES: return &a->enterprise.penalties_last_two_years;
	default: return NULL;
	}
}

static struct opt_num *num_member(struct application *a, enum member m)
{
	switch (m) {
	case M_YEARS_WORK: return &a->applicant.years_professional_work;
	case M_YEARS_CHINA: return &a->applicant.years_in_china;
	case M_SALARY: return &a->applicant.annual_salary_cny;
	case M_REVENUE: return &a->enterprise.revenue_last_year_cny;
	case M_TAX: return &a->enterprise.corporate_tax_last_year_cny;
	case M_JOBS: return &a->enterprise.jobs;
	default: return NULL;
	}
}

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

/* copy_member: the fact behind question m from src to dst. */
static void copy_member(struct arena *ar, const struct catalog *cat, struct application *dst,
		const struct application *src, enum member m)
{
	struct application *s = unconst(src);
	const char **str = str_member(dst, m);
	enum tri *tri = tri_member(dst, m);
	struct opt_num *num = num_member(dst, m);

	if (str) {
		*str = *str_member(s, m);
		return;
	}
	if (tri) {
		*tri = *tri_member(s, m);
		return;
	}
	if (num) {
		*num = *num_member(s, m);
		return;
	}
	switch (m) {
	case M_BIRTH:
		dst->applicant.has_birth_date = src->applicant.has_birth_date;
		dst->applicant.birth_date = src->applicant.birth_date;
		break;
	case M_SHARES:
		dst->applicant.has_shareholding = src->applicant.has_shareholding;
		dst->applicant.shareholding_percent = src->applicant.shareholding_percent;
		break;
	case M_CONDITIONS:
		dst->enterprise.has_conditions = src->enterprise.has_conditions;
		dst->enterprise.conditions = src->enterprise.conditions;
		dst->enterprise.nconditions = src->enterprise.nconditions;
		break;
	case M_QUALS:
		copy_quals(ar, cat, dst, src);
		break;
	default:
		break;
	}
}

/* ---- application -> answers ------------------------------------------------- */

struct kvlist {
	struct arena *a;
	struct kv kv[KV_MAX];
	size_t n;
};

static void push(struct kvlist *l, const char *key, const char *value)
{
	if (!key || !value || l->n == KV_MAX)
		return;
	l->kv[l->n].key = key;
	l->kv[l->n].value = value;
	l->n++;
}

static void push_member(struct kvlist *l, const struct application *app, enum member m)
{
	struct application *a = unconst(app);
	const char *name = member_names[m];
	const char **str = str_member(a, m);
	enum tri *tri = tri_member(a, m);
	struct opt_num *num = num_member(a, m);
	char buf[POINTS_FMT_MAX > DATE_FMT_MAX ? POINTS_FMT_MAX : DATE_FMT_MAX];

	if (str) {
		push(l, name, *str);
	} else if (tri) {
		if (*tri != TRI_UNKNOWN)
			push(l, name, *tri == TRI_TRUE ? "yes" : "no");
	} else if (num) {
		if (num->set)
			push(l, name, arena_printf(l->a, "%lld", (long long)num->v));
	} else if (m == M_BIRTH) {
		if (app->applicant.has_birth_date)
			push(l, name, arena_strdup(l->a, date_format(app->applicant.birth_date, buf)));
	} else if (m == M_SHARES) {
		if (app->applicant.has_shareholding)
			push(l, name, arena_strdup(l->a,
				points_format(app->applicant.shareholding_percent, buf)));
	} else if (m == M_CONDITIONS) {
		const struct enterprise *e = &app->enterprise;
		if (e->has_conditions && e->nconditions == 0)
			push(l, name, "none");
		for (size_t i = 0; e->has_conditions && i < e->nconditions; i++)
			push(l, name, e->conditions[i]);
	} else if (m == M_QUALS) {
		const struct applicant *p = &app->applicant;
		for (size_t i = 0; i < p->nqualifications; i++)
			push(l, arena_printf(l->a, "q_%s", p->qualifications[i].id),
			     p->qualifications[i].status);
	}
}

/* ---- building appforms ------------------------------------------------------- */

static struct appform *appform_new(struct request *rq)
{
	struct appform *f = arena_alloc(rq->a, sizeof *f);

	if (f)
		memset(f, 0, sizeof *f);
	return f;
}

/* read_answers: f->sc from the facts of f->app. */
static bool read_answers(struct request *rq, struct appform *f, const struct sc_programme *p)
{
	struct kvlist *l = arena_alloc(rq->a, sizeof *l);

	if (!l)
		return false;
	l->a = rq->a;
	l->n = 0;
	for (int m = 0; m < M_COUNT; m++)
		push_member(l, &f->app, (enum member)m);
	sc_parse(&f->sc, rq, p, l->kv, l->n);
	return true;
}

struct appform *appform_from_json(struct request *rq, const char *programme, const char *json)
{
	const struct sc_programme *p = sc_programme_find(programme);
	struct appform *f;
	struct appfile_decoder d;
	struct appfile_error err;
	int rc;

	if (!p || !json)
		return NULL;
	f = appform_new(rq);
	if (!f)
		return NULL;
	appfile_decoder_init(&d);
	rc = appfile_decode(&d, json, strlen(json), 1, rq->a, &f->app, &err);
	appfile_decoder_release(&d);
	if (rc != APPFILE_OK || !f->app.programme || strcmp(f->app.programme, p->id) != 0) {
		fprintf(stderr, "yingcai serve: %s: a stored application does not read back: "
			"%s: %s\n", rq->path, rc == APPFILE_OK ? "programme" : err.path,
			rc == APPFILE_OK ? "differs from its row" : err.reason);
		return NULL;
	}
	if (!read_answers(rq, f, p))
		return NULL;
	f->json = json;
	return f;
}

/* canonical: f as it reads back from its own file, so its answers compare
 * with stored ones ("900,000" typed is "900000" stored); f itself when
 * writing fails. */
static struct appform *canonical(struct request *rq, struct appform *f)
{
	const char *json = appform_json(f);
	struct appform *c = json ? appform_from_json(rq, f->sc.prog->id, json) : NULL;

	return c && c->sc.nerrors == 0 ? c : f;
}

struct appform *appform_from_form(struct request *rq, const struct appform *base)
{
	struct appform *f = appform_new(rq);

	if (!f)
		return NULL;
	sc_parse(&f->sc, rq, base->sc.prog, rq->form, rq->nform);
	f->app = base->app;
	for (size_t i = 0; i < f->sc.nans; i++) {
		enum member m = member_of(f->sc.ans[i].q->field->name);
		if (m != M_COUNT)
			copy_member(rq->a, f->sc.catalog, &f->app, &f->sc.app, m);
	}
	return f->sc.nerrors ? f : canonical(rq, f);
}

struct appform *appform_rebase(struct request *rq, const struct appform *base,
		const struct appform *current, const struct appform *mine)
{
	struct appform *r = appform_new(rq);
	const struct sc_programme *p = mine->sc.prog;
	const char *json;

	if (!r)
		return NULL;
	r->sc = current->sc;
	r->app = current->app;
	for (size_t i = 0; i < p->nquestions; i++) {
		const struct sc_question *q = &p->questions[i];
		const struct sc_answer *am = appform_find(mine, q);
		enum member m = member_of(q->field->name);

		if (!am || m == M_COUNT)
			continue;
		if (!base || strcmp(appform_answer_key(base, appform_find(base, q)),
				    appform_answer_key(mine, am)) != 0)
			copy_member(rq->a, mine->sc.catalog, &r->app, &mine->app, m);
	}
	json = appform_json(r);
	return json ? appform_from_json(rq, p->id, json) : NULL;
}

/* ---- reading an appform ------------------------------------------------------- */

size_t appform_nerrors(const struct appform *f)
{
	return f->sc.nerrors;
}

const char *appform_track(const struct appform *f)
{
	return f->sc.track;
}

const char *appform_json(const struct appform *f)
{
	struct appform *w = (struct appform *)(uintptr_t)f; /* caches the file */
	struct strbuf sb = STRBUF_INIT(JSON_MAX);

	if (f->json)
		return f->json;
	appfile_write(&f->app, &sb);
	if (!sb.failed)
		w->json = arena_strdup(f->sc.rq->a, sb.buf);
	strbuf_release(&sb);
	return w->json;
}

const struct sc_answer *appform_find(const struct appform *f, const struct sc_question *q)
{
	for (size_t i = 0; f && i < f->sc.nans; i++)
		if (f->sc.ans[i].q == q)
			return &f->sc.ans[i];
	return NULL;
}

const char *appform_answer_key(const struct appform *f, const struct sc_answer *an)
{
	const struct sc_field *fl;
	struct strbuf sb = STRBUF_INIT(8192);
	const char *out;

	if (!an)
		return "";
	fl = an->q->field;
	if (fl->type != SC_MULTI && fl->type != SC_QUALS)
		return an->raw;
	if (fl->type == SC_MULTI) {
		/* a set: in the order of the options, whatever order it came in */
		for (size_t o = 0; o < fl->noptions; o++)
			for (size_t k = 0; k < an->nvals; k++)
				if (strcmp(an->vals[k], fl->options[o]) == 0) {
					strbuf_addstr(&sb, fl->options[o]);
					strbuf_addch(&sb, '\n');
					break;
				}
	} else {
		for (size_t k = 0; k < an->nvals && f->sc.catalog; k++)
			if (an->vals[k])
				strbuf_addf(&sb, "%s=%s\n", f->sc.catalog->entries[k].id, an->vals[k]);
	}
	out = sb.failed ? NULL : arena_strdup(f->sc.rq->a, sb.buf);
	strbuf_release(&sb);
	return out ? out : "\x01"; /* never equal to a real key */
}
