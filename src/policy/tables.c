/* tables.c - the shared policy tables: the average wage by effective date
 * (policy/wages/), the qualification catalog by edition (policy/catalog/)
 * and the official working-day calendar, one file per year
 * (policy/calendar/).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- wages ----------------------------------------------------------- */

/* wage_in_order: a wage (at node k) takes effect after the year it
 * measures, and after the wages of earlier years: listed by year, oldest
 * first, their dates strictly increasing (prev: the entry before it in
 * this file, at prev_at; b: wages of files loaded before).  A table whose
 * dates contradict its years would score with the wrong wage. */
static bool wage_in_order(struct pctx *c, const struct ynode *k, const struct wage *w,
		const struct wage *prev, const struct ynode *prev_at,
		const struct policy_bundle *b)
{
	const struct ynode *at = ymap_get(k, "in_force_from");
	char x[DATE_FMT_MAX], y[DATE_FMT_MAX];
	int wy, m, d;

	if (prev && w->year < prev->year) {
		perr(c, ymap_get(k, "year"), "the %d wage is listed after the %d wage (line %u): "
		     "list the wages by year, oldest first", w->year, prev->year, prev_at->line);
		return false;
	}
	date_format(w->in_force_from, x);
	if (prev && w->in_force_from < prev->in_force_from) {
		perr(c, at, "the %d wage takes effect on %s, before the %d wage (%s, line %u): "
		     "a later year's wage takes effect later", w->year, x, prev->year,
		     date_format(prev->in_force_from, y), ymap_get(prev_at, "in_force_from")->line);
		return false;
	}
	for (size_t j = 0; b && j < b->nwages; j++) {
		const struct wage *o = &b->wages[j];
		if ((o->year < w->year) != (o->in_force_from < w->in_force_from)) {
			perr(c, at, "the %d wage takes effect on %s, %s the %d wage (%s, in another "
			     "wages file): a later year's wage takes effect later", w->year, x,
			     o->year < w->year ? "before" : "after", o->year,
			     date_format(o->in_force_from, y));
			return false;
		}
	}
	date_to_ymd(w->in_force_from, &wy, &m, &d);
	if (wy <= w->year) {
		perr(c, at, "the %d wage takes effect on %s, before the end of %d: a year's average "
		     "wage takes effect after the year (e.g. %d-07-01)", w->year,
		     x, w->year, w->year + 1);
		return false;
	}
	return true;
}

bool parse_wages(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, struct wage **out, size_t *nout)
{
	static const char *const top_keys[] = {"wages", NULL};
	static const char *const keys[] = {
		"year", "annual_cny", "in_force_from", "provisional", "source", NULL};
	const struct ynode *list, *prev_at = NULL;
	const struct wage *prev = NULL;
	struct wage *w;
	size_t i = 0;
	bool ok = true;

	if (!ymap_check(c, root, "wages file", top_keys))
		return false;
	list = ymap_need(c, root, "wages file", "wages");
	if (!list || !yseq(c, list, "wages"))
		return false;
	w = arena_array(c->a, list->n ? list->n : 1, sizeof *w);
	if (!w)
		return false;
	for (const struct ynode *k = list->head; k; k = k->next, i++) {
		const struct ynode *v;
		int64_t x;
		bool item_ok = true;
		char d[DATE_FMT_MAX];

		if (!ymap_check(c, k, "wage", keys)) {
			ok = false;
			continue;
		}
		v = ymap_need(c, k, "wage", "year");
		if (v && y_int(c, v, 1900, 9999, &x))
			w[i].year = (int)x;
		else
			item_ok = false;
		v = ymap_need(c, k, "wage", "annual_cny");
		item_ok &= v && y_int(c, v, 1, INT64_C(1000000000000), &w[i].annual_cny);
		item_ok &= yneed_date(c, k, "wage", "in_force_from", &w[i].in_force_from);
		item_ok &= yget_bool(c, k, "provisional", &w[i].provisional);
		item_ok &= yneed_str(c, k, "wage", "source", &w[i].source);
		for (size_t j = 0; item_ok && j < i + (b ? b->nwages : 0); j++) {
			const struct wage *o = j < i ? &w[j] : &b->wages[j - i];
			if (o->year == w[i].year) {
				perr(c, ymap_get(k, "year"), "the wage of %d is given twice", w[i].year);
				item_ok = false;
			} else if (o->in_force_from == w[i].in_force_from) {
				perr(c, ymap_get(k, "in_force_from"), "the wages of %d and %d are both "
				     "in force from %s", o->year, w[i].year,
				     date_format(w[i].in_force_from, d));
				item_ok = false;
			}
		}
		if (item_ok)
			item_ok = wage_in_order(c, k, &w[i], prev, prev_at, b);
		if (item_ok) {
			prev = &w[i];
			prev_at = k;
		}
		ok &= item_ok;
	}
	*out = w;
	*nout = list->n;
	return ok;
}

/* ---- catalog --------------------------------------------------------- */

static bool parse_catalog_list(struct pctx *c, const struct ynode *n,
		struct catalog_list *l, struct idlist *ids)
{
	static const char *const keys[] = {"id", "name", "benefits", "source", "also", NULL};
	const struct ynode *v;
	bool ok = true;

	if (!ymap_check(c, n, "catalog list", keys))
		return false;
	if (!yneed_id(c, n, "catalog list", "id", &l->id))
		return false;
	ok &= idlist_add(c, ids, l->id, ymap_get(n, "id"), "catalog list");
	ok &= yneed_str(c, n, "catalog list", "name", &l->name);
	ok &= yneed_str(c, n, "catalog list", "source", &l->source);
	if ((v = ymap_get(n, "benefits")) != NULL)
		ok &= y_str_list(c, v, &l->benefits, &l->nbenefits);
	if ((v = ymap_get(n, "also")) != NULL)
		ok &= y_str_list(c, v, &l->also, &l->nalso);
	return ok;
}

/* check_also: every list a list's `also` names is another list of the
 * catalog (checked once all lists are read: it may name a later one). */
static bool check_also(struct pctx *c, const struct ynode *seq, const struct catalog *cat)
{
	bool ok = true;
	size_t i = 0;

	for (const struct ynode *n = seq->head; n && i < cat->nlists; n = n->next, i++) {
		const struct catalog_list *l = &cat->lists[i];
		const struct ynode *v = ymap_get(n, "also");
		const struct ynode *k = v && v->type == Y_SEQ ? v->head : v;

		for (size_t a = 0; a < l->nalso; a++, k = k ? k->next : NULL) {
			size_t j;

			for (j = 0; j < cat->nlists; j++)
				if (strcmp(cat->lists[j].id, l->also[a]) == 0)
					break;
			if (j == cat->nlists || j == i) {
				perr(c, k ? k : v, "catalog list '%s': also: '%s' is %s", l->id,
				     l->also[a], j == i ? "the list itself" : "no list of this catalog");
				ok = false;
			}
		}
	}
	return ok;
}

static bool parse_catalog_entry(struct pctx *c, const struct ynode *n,
		const struct catalog *cat, struct catalog_entry *e, struct idlist *ids)
{
	static const char *const keys[] = {
		"id", "name", "issuer", "lists", "title_correspondence", "source", NULL};
	static const char *const titles[] = {"intermediate", "deputy-senior", "senior"};
	const struct ynode *v;
	bool ok = true;

	if (!ymap_check(c, n, "catalog entry", keys))
		return false;
	if (!yneed_id(c, n, "catalog entry", "id", &e->id))
		return false;
	ok &= idlist_add(c, ids, e->id, ymap_get(n, "id"), "catalog entry");
	ok &= yneed_str(c, n, "catalog entry", "name", &e->name);
	ok &= yget_str(c, n, "issuer", &e->issuer);
	ok &= yneed_str(c, n, "catalog entry", "source", &e->source);
	v = ymap_need(c, n, "catalog entry", "lists");
	if (v && y_str_list(c, v, &e->lists, &e->nlists)) {
		const struct ynode *k = v->type == Y_SEQ ? v->head : v;
		for (size_t i = 0; i < e->nlists; i++, k = k->next) {
			size_t j;
			for (j = 0; j < cat->nlists; j++)
				if (strcmp(cat->lists[j].id, e->lists[i]) == 0)
					break;
			if (j == cat->nlists) {
				perr(c, k, "catalog entry '%s': no list '%s' in this catalog", e->id,
				     e->lists[i]);
				ok = false;
			}
		}
		if (e->nlists == 0) {
			perr(c, v, "catalog entry '%s' is on no list", e->id);
			ok = false;
		}
	} else {
		ok = false;
	}
	v = ymap_get(n, "title_correspondence");
	if (v && y_str(c, v, &e->title_correspondence)) {
		size_t j;
		for (j = 0; j < 3; j++)
			if (strcmp(titles[j], e->title_correspondence) == 0)
				break;
		if (j == 3) {
			perr(c, v, "title_correspondence: expected intermediate, deputy-senior or "
			     "senior, found '%s'", e->title_correspondence);
			ok = false;
		}
	} else if (v) {
		ok = false;
	}
	return ok;
}

bool parse_catalog(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, struct catalog *cat)
{
	static const char *const keys[] = {
		"edition", "in_force_from", "source", "published_count", "lists",
		"entries", NULL};
	const struct ynode *v;
	struct idlist lids = {0}, eids = {0};
	int64_t x;
	size_t i = 0;
	bool ok = true;

	if (!ymap_check(c, root, "catalog", keys))
		return false;
	ok &= yneed_str(c, root, "catalog", "edition", &cat->edition);
	ok &= yneed_date(c, root, "catalog", "in_force_from", &cat->in_force_from);
	ok &= yneed_str(c, root, "catalog", "source", &cat->source);
	v = ymap_need(c, root, "catalog", "published_count");
	if (v && y_int(c, v, 0, 1000000, &x))
		cat->published_count = (int)x;
	else
		ok = false;
	v = ymap_need(c, root, "catalog", "lists");
	if (!v || !yseq(c, v, "lists"))
		return false;
	cat->lists = arena_array(c->a, v->n ? v->n : 1, sizeof *cat->lists);
	if (!cat->lists)
		return false;
	for (const struct ynode *k = v->head; k; k = k->next)
		if (parse_catalog_list(c, k, &cat->lists[i], &lids))
			i++;
		else
			ok = false;
	cat->nlists = i;
	if (ok)
		ok = check_also(c, v, cat);
	v = ymap_get(root, "entries");
	if (v && yseq(c, v, "entries")) {
		i = 0;
		cat->entries = arena_array(c->a, v->n ? v->n : 1, sizeof *cat->entries);
		if (!cat->entries)
			return false;
		for (const struct ynode *k = v->head; k; k = k->next, i++)
			ok &= parse_catalog_entry(c, k, cat, &cat->entries[i], &eids);
		cat->nentries = v->n;
		if (ok && (size_t)cat->published_count < cat->nentries) {
			perr(c, ymap_get(root, "published_count"), "published_count %d is smaller "
			     "than the %zu entries listed", cat->published_count, cat->nentries);
			ok = false;
		}
	} else if (v) {
		ok = false;
	}
	for (size_t j = 0; ok && b && j < b->ncatalogs; j++) {
		char d[DATE_FMT_MAX];
		if (strcmp(b->catalogs[j].edition, cat->edition) == 0) {
			perr(c, ymap_get(root, "edition"), "catalog edition '%s' is already loaded",
			     cat->edition);
			ok = false;
		} else if (b->catalogs[j].in_force_from == cat->in_force_from) {
			perr(c, ymap_get(root, "in_force_from"), "catalog edition '%s' is also in "
			     "force from %s", b->catalogs[j].edition, date_format(cat->in_force_from, d));
			ok = false;
		}
	}
	return ok;
}

/* ---- calendar -------------------------------------------------------- */

struct dayset {
	date_t *days;
	const struct ynode **at;
	size_t n, cap;
};

static bool dayset_add(struct pctx *c, struct dayset *s, date_t d, const struct ynode *at,
		const char *what)
{
	char buf[DATE_FMT_MAX];

	for (size_t i = 0; i < s->n; i++) {
		if (s->days[i] == d) {
			perr(c, at, "%s %s is listed twice (first on line %u)", what,
			     date_format(d, buf), s->at[i]->line);
			return false;
		}
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		date_t *days = arena_array(c->tmp, cap, sizeof *days);
		const struct ynode **ats = arena_array(c->tmp, cap, sizeof *ats);
		if (!days || !ats)
			return false;
		if (s->n) {
			memcpy(days, s->days, s->n * sizeof *days);
			memcpy(ats, s->at, s->n * sizeof *ats);
		}
		s->days = days;
		s->at = ats;
		s->cap = cap;
	}
	s->days[s->n] = d;
	s->at[s->n++] = at;
	return true;
}

static bool in_year(struct pctx *c, const struct ynode *at, date_t d, int year)
{
	char buf[DATE_FMT_MAX];
	int y, m, dd;

	date_to_ymd(d, &y, &m, &dd);
	if (y != year) {
		perr(c, at, "%s is not in %d, the year of this file", date_format(d, buf), year);
		return false;
	}
	return true;
}

/* A day off: "2025-01-01" or {from: 2025-01-28, to: 2025-02-04, name: ...}. */
static bool parse_days_off(struct pctx *c, const struct ynode *n, int year,
		struct dayset *off)
{
	static const char *const keys[] = {"from", "to", "name", NULL};
	char x[DATE_FMT_MAX], y[DATE_FMT_MAX];
	date_t from, to;

	if (n->type == Y_SCALAR) {
		if (!y_date(c, n, &from) || !in_year(c, n, from, year))
			return false;
		return dayset_add(c, off, from, n, "day off");
	}
	if (!ymap_check(c, n, "days off", keys) || !yneed_date(c, n, "days off", "from", &from))
		return false;
	to = from;
	if (ymap_get(n, "to") && !y_date(c, ymap_get(n, "to"), &to))
		return false;
	if (from > to) {
		perr(c, ymap_get(n, "to"), "days off run from %s to %s: 'from' is after 'to'",
		     date_format(from, x), date_format(to, y));
		return false;
	}
	if (!in_year(c, ymap_get(n, "from"), from, year) ||
	    !in_year(c, ymap_get(n, "to") ? ymap_get(n, "to") : n, to, year))
		return false;
	for (date_t d = from; d <= to; d++)
		if (!dayset_add(c, off, d, n, "day off"))
			return false;
	return true;
}

static int cmp_date(const void *a, const void *b)
{
	date_t x = *(const date_t *)a, y = *(const date_t *)b;

	return (x > y) - (x < y);
}

static bool copy_sorted(struct pctx *c, const struct dayset *s, date_t **out, size_t *n)
{
	*out = arena_array(c->a, s->n ? s->n : 1, sizeof **out);
	if (!*out)
		return false;
	if (s->n)
		memcpy(*out, s->days, s->n * sizeof **out);
	qsort(*out, s->n, sizeof **out, cmp_date);
	*n = s->n;
	return true;
}

bool parse_calendar(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, struct calendar *cal)
{
	static const char *const keys[] = {"year", "source", "days_off", "working_days", NULL};
	struct dayset off = {0}, work = {0};
	const struct ynode *v;
	char buf[DATE_FMT_MAX];
	int64_t year;
	bool ok = true;

	if (!ymap_check(c, root, "calendar", keys))
		return false;
	v = ymap_need(c, root, "calendar", "year");
	if (!v || !y_int(c, v, 1, 9999, &year))
		return false;
	for (size_t i = 0; b && i < b->calendar.nyears; i++) {
		if (b->calendar.years[i].year == year) {
			perr(c, v, "the calendar of %d is already loaded from %s", (int)year,
			     b->calendar.years[i].file);
			return false;
		}
	}
	cal->years = arena_alloc(c->a, sizeof *cal->years);
	if (!cal->years)
		return false;
	cal->nyears = 1;
	cal->years[0].year = (int)year;
	cal->years[0].file = c->file;
	ok &= yneed_str(c, root, "calendar", "source", &cal->years[0].source);
	v = ymap_need(c, root, "calendar", "days_off");
	if (v && yseq(c, v, "days_off")) {
		for (const struct ynode *k = v->head; k; k = k->next)
			ok &= parse_days_off(c, k, (int)year, &off);
	} else {
		ok = false;
	}
	v = ymap_get(root, "working_days");
	if (v && yseq(c, v, "working_days")) {
		for (const struct ynode *k = v->head; k; k = k->next) {
			date_t d;
			int wd;
			if (!y_date(c, k, &d) || !in_year(c, k, d, (int)year)) {
				ok = false;
				continue;
			}
			wd = date_weekday(d);
			if (wd < 6) {
				perr(c, k, "%s is a weekday; an adjusted working day is a Saturday "
				     "or Sunday worked", date_format(d, buf));
				ok = false;
			}
			for (size_t i = 0; i < off.n; i++) {
				if (off.days[i] == d) {
					perr(c, k, "%s is both a day off (line %u) and a working day",
					     date_format(d, buf), off.at[i]->line);
					ok = false;
				}
			}
			ok &= dayset_add(c, &work, d, k, "working day");
		}
	} else if (v) {
		ok = false;
	}
	ok &= copy_sorted(c, &off, &cal->days_off, &cal->ndays_off);
	ok &= copy_sorted(c, &work, &cal->working_days, &cal->nworking_days);
	return ok;
}
