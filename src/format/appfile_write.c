/* appfile_write.c - see appfile_write.h.  Field order follows formats.md
 * (and the reader's tables in appfile.c, so reading it back costs one
 * comparison a key). */
#include "appfile_write.h"

#include <inttypes.h>

#include "appfile.h"

/* A writer for one JSON object: remembers whether a member came before. */
struct obj {
	struct strbuf *sb;
	bool any;
};

static void obj_open(struct obj *o, struct strbuf *sb)
{
	o->sb = sb;
	o->any = false;
	strbuf_addch(sb, '{');
}

static void obj_close(struct obj *o)
{
	strbuf_addch(o->sb, '}');
}

static void key(struct obj *o, const char *k)
{
	if (o->any)
		strbuf_addstr(o->sb, ", ");
	o->any = true;
	strbuf_add_json(o->sb, k);
	strbuf_addstr(o->sb, ": ");
}

static void w_str(struct obj *o, const char *k, const char *v)
{
	if (!v)
		return;
	key(o, k);
	strbuf_add_json(o->sb, v);
}

static void w_tri(struct obj *o, const char *k, enum tri v)
{
	if (v == TRI_UNKNOWN)
		return;
	key(o, k);
	strbuf_addstr(o->sb, v == TRI_TRUE ? "true" : "false");
}

static void w_num(struct obj *o, const char *k, struct opt_num v)
{
	if (!v.set)
		return;
	key(o, k);
	strbuf_addf(o->sb, "%" PRId64, v.v);
}

/* A decimal in hundredths as a JSON number: 21.50, 5. */
static void decimal(struct strbuf *sb, points_t p)
{
	char buf[POINTS_FMT_MAX];

	if (p % 100 == 0)
		strbuf_addf(sb, "%" PRId64, p / 100);
	else
		strbuf_addstr(sb, points_format(p, buf));
}

static void w_date(struct obj *o, const char *k, bool has, date_t d)
{
	char buf[DATE_FMT_MAX];

	if (!has)
		return;
	key(o, k);
	strbuf_add_json(o->sb, date_format(d, buf));
}

static void month(struct strbuf *sb, month_t m)
{
	char buf[MONTH_FMT_MAX];

	strbuf_add_json(sb, month_format(m, buf));
}

static void qualifications(struct obj *o, const struct applicant *ap)
{
	if (!ap->has_qualifications)
		return;
	key(o, "qualifications");
	strbuf_addch(o->sb, '[');
	for (size_t i = 0; i < ap->nqualifications; i++) {
		struct obj q;

		if (i)
			strbuf_addstr(o->sb, ", ");
		obj_open(&q, o->sb);
		w_str(&q, "id", ap->qualifications[i].id);
		w_str(&q, "status", ap->qualifications[i].status);
		obj_close(&q);
	}
	strbuf_addch(o->sb, ']');
}

static void resume(struct obj *o, const struct applicant *ap)
{
	if (!ap->has_resume)
		return;
	key(o, "resume");
	strbuf_addch(o->sb, '[');
	for (size_t i = 0; i < ap->nresume; i++) {
		const struct resume_entry *e = &ap->resume[i];
		struct obj r;

		if (i)
			strbuf_addstr(o->sb, ", ");
		obj_open(&r, o->sb);
		key(&r, "from");
		month(o->sb, e->from);
		key(&r, "to");
		if (e->to_present)
			strbuf_add_json(o->sb, "present");
		else
			month(o->sb, e->to);
		w_str(&r, "what", e->what);
		obj_close(&r);
	}
	strbuf_addch(o->sb, ']');
}

static void applicant(struct obj *parent, const struct applicant *ap)
{
	struct obj o;

	key(parent, "applicant");
	obj_open(&o, parent->sb);
	w_str(&o, "name", ap->name);
	w_date(&o, "birth_date", ap->has_birth_date, ap->birth_date);
	w_str(&o, "nationality", ap->nationality);
	w_str(&o, "education", ap->education);
	w_str(&o, "position", ap->position);
	w_str(&o, "title", ap->title);
	w_tri(&o, "leads_major_project", ap->leads_major_project);
	w_tri(&o, "urgent_field", ap->urgent_field);
	w_str(&o, "employer_visibility", ap->employer_visibility);
	w_num(&o, "years_professional_work", ap->years_professional_work);
	w_num(&o, "years_in_china", ap->years_in_china);
	w_num(&o, "annual_salary_cny", ap->annual_salary_cny);
	qualifications(&o, ap);
	w_str(&o, "social_duty", ap->social_duty);
	w_tri(&o, "former_chinese_citizen", ap->former_chinese_citizen);
	resume(&o, ap);
	w_tri(&o, "intl_vocational_certificate", ap->intl_vocational_certificate);
	w_tri(&o, "board_director", ap->board_director);
	if (ap->has_shareholding) {
		key(&o, "shareholding_percent");
		decimal(o.sb, ap->shareholding_percent);
	}
	w_tri(&o, "leads_rd_team", ap->leads_rd_team);
	w_num(&o, "months_in_china_per_year", ap->months_in_china_per_year);
	obj_close(&o);
}

static void enterprise(struct obj *parent, const struct enterprise *e)
{
	struct obj o;

	key(parent, "enterprise");
	obj_open(&o, parent->sb);
	w_str(&o, "uscc", e->uscc);
	w_str(&o, "name", e->name);
	w_tri(&o, "key_entity", e->key_entity);
	w_str(&o, "sector", e->sector);
	w_num(&o, "revenue_last_year_cny", e->revenue_last_year_cny);
	w_num(&o, "corporate_tax_last_year_cny", e->corporate_tax_last_year_cny);
	w_num(&o, "jobs", e->jobs);
	w_tri(&o, "penalties_last_two_years", e->penalties_last_two_years);
	if (e->has_conditions) {
		key(&o, "conditions");
		strbuf_addch(o.sb, '[');
		for (size_t i = 0; i < e->nconditions; i++) {
			if (i)
				strbuf_addstr(o.sb, ", ");
			strbuf_add_json(o.sb, e->conditions[i]);
		}
		strbuf_addch(o.sb, ']');
	}
	w_tri(&o, "high_end_industry", e->high_end_industry);
	w_tri(&o, "real_estate", e->real_estate);
	w_tri(&o, "zgc_registered", e->zgc_registered);
	w_tri(&o, "zgc_high_tech", e->zgc_high_tech);
	w_tri(&o, "employer_211_or_first_batch", e->employer_211_or_first_batch);
	w_tri(&o, "beijing_registered_and_taxed", e->beijing_registered_and_taxed);
	obj_close(&o);
}

static void experts(struct obj *o, const struct application *app)
{
	if (!app->nexperts)
		return;
	key(o, "experts");
	strbuf_addch(o->sb, '[');
	for (size_t i = 0; i < app->nexperts; i++) {
		const struct expert *x = &app->experts[i];
		struct obj e, s;

		if (i)
			strbuf_addstr(o->sb, ", ");
		obj_open(&e, o->sb);
		w_str(&e, "id", x->id);
		key(&e, "scores");
		obj_open(&s, o->sb);
		for (size_t k = 0; k < x->nscores; k++) {
			key(&s, x->scores[k].factor);
			decimal(o->sb, x->scores[k].points);
		}
		obj_close(&s);
		obj_close(&e);
	}
	strbuf_addch(o->sb, ']');
}

static void documents(struct obj *o, const struct application *app)
{
	if (!app->has_documents)
		return;
	key(o, "documents");
	strbuf_addch(o->sb, '[');
	for (size_t i = 0; i < app->ndocuments; i++) {
		const struct document *d = &app->documents[i];
		struct obj od;

		if (i)
			strbuf_addstr(o->sb, ", ");
		obj_open(&od, o->sb);
		w_str(&od, "slot", d->slot);
		w_str(&od, "file", d->file);
		w_str(&od, "language", d->language);
		w_tri(&od, "translated", d->translated);
		w_date(&od, "issued", d->has_issued, d->issued);
		if (d->has_covers) {
			key(&od, "covers");
			strbuf_addstr(o->sb, "{\"from\": ");
			month(o->sb, d->covers_from);
			strbuf_addstr(o->sb, ", \"to\": ");
			month(o->sb, d->covers_to);
			strbuf_addch(o->sb, '}');
		}
		obj_close(&od);
	}
	strbuf_addch(o->sb, ']');
}

void appfile_write(const struct application *app, struct strbuf *out)
{
	struct obj o;
	char d[DATE_FMT_MAX];

	obj_open(&o, out);
	w_str(&o, "format", APPFILE_FORMAT);
	w_str(&o, "programme", app->programme);
	w_str(&o, "date", date_format(app->date, d));
	w_str(&o, "track", app->track);
	applicant(&o, &app->applicant);
	enterprise(&o, &app->enterprise);
	experts(&o, app);
	documents(&o, app);
	obj_close(&o);
}
