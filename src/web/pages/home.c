/* home.c - the front door: the four programmes, who they are for, their
 * windows and deadlines, fees, service centres, hotlines and points for
 * attention, all from the policy in force today; and /healthz. */
#include <string.h>
#include <time.h>

#include "pages.h"
#include "web/i18n.h"
#include "web/render.h"
#include "web/site.h"

static date_t today(const struct request *rq)
{
	time_t t = (time_t)rq->now;
	struct tm tm;

	/* Beijing is UTC+8 all year. */
	t += 8 * 3600;
	gmtime_r(&t, &tm);
	return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Tr: the translation of key, or fallback (policy text) when none exists. */
static const char *Tr(const struct request *rq, const char *key, const char *fallback)
{
	const char *s = T(rq, key);

	return strcmp(s, key) == 0 && fallback ? fallback : s;
}

static void add_window(struct request *rq, struct view *p, const struct programme_policy *pol,
		date_t now)
{
	if (!pol->has_window)
		return;
	view_set_str(p, "window_opens", i18n_date(rq->a, rq->lang, pol->window_opens));
	view_set_str(p, "window_closes", i18n_date(rq->a, rq->lang, pol->window_closes));
	view_set_bool(p, "window_open", now >= pol->window_opens && now <= pol->window_closes);
	view_set_bool(p, "window_upcoming", now < pol->window_opens);
}

static const char *fee_name(struct request *rq, const struct fee *f)
{
	return Tr(rq, arena_printf(rq->a, "fee_%s", f->id), f->name);
}

static const char *deadline_name(struct request *rq, const struct programme_policy *pol,
		const struct deadline *d)
{
	return Tr(rq, arena_printf(rq->a, "deadline_%s_%s", pol->programme, d->id), d->name);
}

/* deadline_span: "5 working days", "1 calendar month", in the page's words. */
static const char *deadline_span(struct request *rq, const struct deadline *d)
{
	if (d->working_days)
		return arena_printf(rq->a, "%d %s", d->working_days,
			T(rq, d->working_days == 1 ? "unit_working_day" : "unit_working_days"));
	return arena_printf(rq->a, "%d %s", d->calendar_months,
		T(rq, d->calendar_months == 1 ? "unit_calendar_month" : "unit_calendar_months"));
}

static void add_lists(struct request *rq, struct view *p, const struct programme_policy *pol)
{
	const char *id = pol->programme;
	struct view *fees = view_set_list(p, "fees");
	struct view *centres = view_set_list(p, "centres");
	struct view *contacts = view_set_list(p, "contacts");
	struct view *deadlines = view_set_list(p, "deadlines");
	struct view *notes = view_set_list(p, "notes");

	view_set_bool(p, "has_fees", pol->nfees > 0);
	view_set_bool(p, "has_centres", pol->ncentres > 0);
	view_set_bool(p, "has_contacts", pol->ncontacts > 0);
	view_set_bool(p, "has_deadlines", pol->ndeadlines > 0);
	view_set_bool(p, "has_notes", pol->nnotes > 0);

	for (size_t i = 0; i < pol->nfees; i++) {
		struct view *f = view_list_push_object(fees);
		view_set_str(f, "name", fee_name(rq, &pol->fees[i]));
		view_set_str(f, "amount", i18n_money(rq->a, rq->lang, pol->fees[i].amount_cny));
	}
	for (size_t i = 0; i < pol->ncentres; i++) {
		const struct centre *c = &pol->centres[i];
		struct view *cv = view_list_push_object(centres);
		struct view *hours = view_set_list(cv, "hours");
		struct view *acc = view_set_list(cv, "accepts");

		view_set_bool(cv, "has_accepts", c->naccepts > 0);

		view_set_str(cv, "name", Tr(rq, arena_printf(rq->a, "centre_%s", c->id), c->name));
		view_set_str(cv, "address", Tr(rq, arena_printf(rq->a, "centre_%s_address", c->id),
					       c->address));
		for (size_t h = 0; h < c->nhours; h++) {
			struct view *hv = view_list_push_object(hours);
			view_set_str(hv, "days", Tr(rq, arena_printf(rq->a, "days_%s", c->hours[h].days),
						    c->hours[h].days));
			view_set_str(hv, "hours", c->hours[h].hours);
		}
		for (size_t k = 0; k < c->naccepts; k++)
			view_list_push_str(acc, Tr(rq, arena_printf(rq->a, "centre_%s_accepts_%zu",
							c->id, k), c->accepts[k]));
	}
	for (size_t i = 0; i < pol->ncontacts; i++) {
		struct view *cv = view_list_push_object(contacts);
		view_set_str(cv, "name", Tr(rq, arena_printf(rq->a, "contact_%s", pol->contacts[i].id),
					    pol->contacts[i].name));
		view_set_str(cv, "phone", pol->contacts[i].phone);
	}
	for (size_t i = 0; i < pol->ndeadlines; i++) {
		const struct deadline *d = &pol->deadlines[i];
		struct view *dv = view_list_push_object(deadlines);
		view_set_str(dv, "name", deadline_name(rq, pol, d));
		view_set_str(dv, "span", deadline_span(rq, d));
	}
	for (size_t i = 0; i < pol->nnotes; i++)
		view_list_push_str(notes, Tr(rq, arena_printf(rq->a, "note_%s_%s", id,
						pol->notes[i].id), pol->notes[i].text));
}

static void add_source(struct view *list, const char *what, const char *source)
{
	struct view *s;

	if (!source)
		return;
	s = view_list_push_object(list);
	view_set_str(s, "what", what);
	view_set_str(s, "source", source);
}

/* add_sources: the clause behind every number the card shows (the window,
 * the points needed, each deadline and fee), quoted from the source texts. */
static void add_sources(struct request *rq, struct view *p, const struct programme_policy *pol)
{
	struct view *list = view_set_list(p, "sources");
	char th[POINTS_FMT_MAX];

	if (pol->has_window)
		add_source(list, arena_printf(rq->a, "%s %s – %s", T(rq, "home_window"),
				i18n_date(rq->a, rq->lang, pol->window_opens),
				i18n_date(rq->a, rq->lang, pol->window_closes)), pol->window_source);
	if (pol->scored)
		add_source(list, arena_printf(rq->a, "%s %s", T(rq, "home_threshold"),
				points_format(pol->threshold, th)), pol->threshold_source);
	for (size_t i = 0; i < pol->ndeadlines; i++)
		add_source(list, arena_printf(rq->a, "%s%s%s",
				deadline_name(rq, pol, &pol->deadlines[i]), T(rq, "colon"),
				deadline_span(rq, &pol->deadlines[i])), pol->deadlines[i].source);
	for (size_t i = 0; i < pol->nfees; i++)
		add_source(list, arena_printf(rq->a, "%s %s", fee_name(rq, &pol->fees[i]),
				i18n_money(rq->a, rq->lang, pol->fees[i].amount_cny)),
			   pol->fees[i].source);
	view_set_bool(p, "has_sources", pol->has_window || pol->scored || pol->ndeadlines ||
				     pol->nfees);
}

static void add_programme(struct request *rq, struct view *list, const char *id, date_t now)
{
	const struct programme_policy *pol = policy_find(&rq->site->bundle, id, NULL, now);
	struct view *p = view_list_push_object(list);
	const char *key = strcmp(id, "two-zones") == 0 ? "two_zones" : id;

	view_set_str(p, "id", id);
	view_set_str(p, "name", T(rq, arena_printf(rq->a, "prog_%s_name", key)));
	view_set_str(p, "who", T(rq, arena_printf(rq->a, "prog_%s_who", key)));
	view_set_str(p, "what", T(rq, arena_printf(rq->a, "prog_%s_what", key)));
	view_set_str(p, "selfcheck", arena_printf(rq->a, "/self-check/%s", id));
	if (!pol)
		return;
	view_set_str(p, "edition", pol->edition);
	view_set_bool(p, "scored", pol->scored);
	if (pol->scored) {
		char th[POINTS_FMT_MAX];
		view_set_str(p, "threshold", points_format(pol->threshold, th));
	}
	add_window(rq, p, pol, now);
	add_lists(rq, p, pol);
	add_sources(rq, p, pol);
}

static void add_catalog(struct request *rq, struct view *v, date_t now)
{
	const struct catalog *c = policy_catalog_on(&rq->site->bundle, now);
	struct view *cv, *lists;

	if (!c)
		return;
	cv = view_set_object(v, "catalog");
	view_set_str(cv, "edition", c->edition);
	view_set_int(cv, "count", c->published_count);
	view_set_str(cv, "in_force_from", i18n_date(rq->a, rq->lang, c->in_force_from));
	lists = view_set_list(cv, "lists");
	for (size_t i = 0; i < c->nlists; i++) {
		struct view *l = view_list_push_object(lists);
		view_set_str(l, "id", c->lists[i].id);
		view_set_str(l, "name", Tr(rq, arena_printf(rq->a, "catalog_list_%s", c->lists[i].id),
					   c->lists[i].name));
	}
}

void page_home(struct request *rq, struct response *rs)
{
	struct view *v = render_view(rq);
	struct view *progs = view_set_list(v, "programmes");
	date_t now = today(rq);

	view_set_str(v, "today", i18n_date(rq->a, rq->lang, now));
	add_programme(rq, progs, "two-zones", now);
	add_programme(rq, progs, "zgc", now);
	add_programme(rq, progs, "urgent", now);
	add_catalog(rq, v, now);
	render_page(rq, rs, 200, "home", "home_title", v);
}

void api_healthz(struct request *rq, struct response *rs)
{
	(void)rq;
	http_text(rs, 200, "ok\n");
}
