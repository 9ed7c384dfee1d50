/* validate.c - checks across policy files, after everything is loaded:
 * editions unique by name and by date, tables without duplicates, and the
 * references one file makes to another (an average-wage comparison needs a
 * wage table; "catalog:<list>" needs a catalog that has that list).
 * A reference is reported where the loader read it (policy.h keeps each
 * condition's, level's and unit's position) as "file:line:column: ...";
 * table checks name the table.
 */
#include "internal.h"
#include "policy/load.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct vctx {
	struct strbuf *errors;
	int n;
	const struct policy_bundle *b;
};

static void verr(struct vctx *v, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void verr(struct vctx *v, const char *where, const char *fmt, ...)
{
	va_list ap;

	v->n++;
	strbuf_addf(v->errors, "%s: ", where);
	va_start(ap, fmt);
	strbuf_vaddf(v->errors, fmt, ap);
	va_end(ap);
	strbuf_addch(v->errors, '\n');
}

/* at: "file:line:column" of pos in p's file, or the file alone when the
 * position is not known (a policy built by hand). */
static const char *at(const struct programme_policy *p, struct srcpos pos, char *buf,
		size_t size)
{
	if (!pos.line)
		return p->file;
	snprintf(buf, size, "%s:%u:%u", p->file, (unsigned)pos.line, (unsigned)pos.col);
	return buf;
}

static bool catalog_has_list(const struct policy_bundle *b, const char *id)
{
	for (size_t i = 0; i < b->ncatalogs; i++)
		for (size_t j = 0; j < b->catalogs[i].nlists; j++)
			if (strcmp(b->catalogs[i].lists[j].id, id) == 0)
				return true;
	return false;
}

/* list_hint: " (did you mean 'catalog:x'?)" or what lists there are. */
static const char *list_hint(const struct policy_bundle *b, const char *id, char *buf,
		size_t size)
{
	const char *ids[64] = {0}, *near;
	size_t n = 0;

	for (size_t i = 0; i < b->ncatalogs; i++)
		for (size_t j = 0; j < b->catalogs[i].nlists && n < 64; j++)
			ids[n++] = b->catalogs[i].lists[j].id;
	near = closest(id, ids, n);
	if (near)
		snprintf(buf, size, " (did you mean 'catalog:%s'?)", near);
	else if (n == 0)
		snprintf(buf, size, ": add a catalog under catalog/ with that list");
	else
		snprintf(buf, size, ": use the id of a list of the catalog (e.g. 'catalog:%s')", ids[0]);
	return buf;
}

static const char catalog_prefix[] = "catalog:";

static bool bad_list_ref(const struct policy_bundle *b, const char *value)
{
	return strncmp(value, catalog_prefix, sizeof catalog_prefix - 1) == 0 &&
	       !catalog_has_list(b, value + sizeof catalog_prefix - 1);
}

static void check_value_ref(struct vctx *v, const struct programme_policy *p,
		const char *fact, const char *value, struct srcpos pos)
{
	char hint[160], where[4096];

	if (!fact || strcmp(fact, "applicant.credentials") != 0 || !bad_list_ref(v->b, value))
		return;
	verr(v, at(p, pos, where, sizeof where),
	     "'%s' names a list that no catalog under catalog/ defines%s", value,
	     list_hint(v->b, value + sizeof catalog_prefix - 1, hint, sizeof hint));
}

static const char wage_msg[] = "%s compares with the average wage, but no wage table is "
	"loaded (wages/): add the wage table under wages/ or use 'unit: plain'";

static void check_wage_ref(struct vctx *v, const struct programme_policy *p, enum unit u,
		const char *what, struct srcpos pos)
{
	char where[4096];

	if (u == UNIT_AVERAGE_WAGE && v->b->nwages == 0)
		verr(v, at(p, pos, where, sizeof where), wage_msg, what);
}

static void check_pred(struct vctx *v, const struct programme_policy *p,
		const struct predicate *q)
{
	for (size_t i = 0; i < q->nvalues; i++)
		check_value_ref(v, p, q->fact, q->values[i],
				q->value_pos ? q->value_pos[i] : q->pos);
	if (q->op == PRED_AT_LEAST || q->op == PRED_BELOW)
		check_wage_ref(v, p, q->unit, q->label ? q->label : q->fact, q->pos);
	for (size_t i = 0; i < q->nsubs; i++)
		check_pred(v, p, &q->subs[i]);
}

static void check_factor(struct vctx *v, const struct programme_policy *p,
		const struct factor *f)
{
	if (f->kind == FACTOR_BRACKET)
		check_wage_ref(v, p, f->unit, f->id, f->unit_pos);
	for (size_t i = 0; i < f->nlevels; i++)
		for (size_t j = 0; j < f->levels[i].nmatch; j++)
			check_value_ref(v, p, f->input, f->levels[i].match[j],
					f->levels[i].match_pos ? f->levels[i].match_pos[j]
							       : (struct srcpos){0, 0});
	if (f->gate)
		check_pred(v, p, f->gate);
	for (size_t i = 0; i < f->nsubs; i++)
		check_factor(v, p, &f->subs[i]);
}

/* check_programme: every reference p makes to another file. */
static void check_programme(struct vctx *v, const struct programme_policy *p)
{
	for (size_t t = 0; t < p->ntracks; t++)
		for (size_t i = 0; i < p->tracks[t].nparts; i++)
			for (size_t j = 0; j < p->tracks[t].parts[i].nfactors; j++)
				check_factor(v, p, &p->tracks[t].parts[i].factors[j]);
	for (size_t i = 0; i < p->ncriteria; i++)
		check_pred(v, p, &p->criteria[i].test);
	for (size_t i = 0; i < p->nslots; i++)
		if (p->slots[i].when)
			check_pred(v, p, p->slots[i].when);
}

static void check_days(struct vctx *v, const struct calendar *cal)
{
	char d[DATE_FMT_MAX];
	size_t i = 0, j = 0;

	for (size_t k = 1; k < cal->nyears; k++)
		if (cal->years[k].year <= cal->years[k - 1].year)
			verr(v, cal->years[k].file, "the calendar of %d is given twice (also in %s)",
			     cal->years[k].year, cal->years[k - 1].file);
	for (size_t k = 1; k < cal->ndays_off; k++)
		if (cal->days_off[k] <= cal->days_off[k - 1])
			verr(v, "calendar", "day off %s is listed twice or out of order",
			     date_format(cal->days_off[k], d));
	for (size_t k = 1; k < cal->nworking_days; k++)
		if (cal->working_days[k] <= cal->working_days[k - 1])
			verr(v, "calendar", "working day %s is listed twice or out of order",
			     date_format(cal->working_days[k], d));
	while (i < cal->ndays_off && j < cal->nworking_days) {
		if (cal->days_off[i] == cal->working_days[j]) {
			verr(v, "calendar", "%s is both a day off and a working day",
			     date_format(cal->days_off[i], d));
			i++;
			j++;
		} else if (cal->days_off[i] < cal->working_days[j]) {
			i++;
		} else {
			j++;
		}
	}
}

int policy_validate_bundle(const struct policy_bundle *b, struct strbuf *errors)
{
	struct vctx v = {errors, 0, b};
	char d[DATE_FMT_MAX];

	for (size_t i = 0; i < b->nprogrammes; i++) {
		const struct programme_policy *p = &b->programmes[i];
		for (size_t j = 0; j < i; j++) {
			const struct programme_policy *q = &b->programmes[j];
			if (strcmp(p->programme, q->programme) != 0)
				continue;
			if (strcmp(p->edition, q->edition) == 0)
				verr(&v, p->file, "edition '%s' of %s is also defined in %s",
				     p->edition, p->programme, q->file);
			else if (p->in_force_from == q->in_force_from)
				verr(&v, p->file, "editions '%s' and '%s' of %s are both in force from %s",
				     q->edition, p->edition, p->programme, date_format(p->in_force_from, d));
		}
		check_programme(&v, p);
	}
	for (size_t i = 1; i < b->nwages; i++) {
		if (b->wages[i].in_force_from <= b->wages[i - 1].in_force_from)
			verr(&v, "wages", "the wages of %d and %d are in force from the same date or "
			     "out of order", b->wages[i - 1].year, b->wages[i].year);
		for (size_t j = 0; j < i; j++)
			if (b->wages[j].year == b->wages[i].year)
				verr(&v, "wages", "the wage of %d is given twice", b->wages[i].year);
	}
	for (size_t i = 1; i < b->ncatalogs; i++)
		if (b->catalogs[i].in_force_from <= b->catalogs[i - 1].in_force_from)
			verr(&v, "catalog", "catalog editions '%s' and '%s' are in force from the "
			     "same date or out of order", b->catalogs[i - 1].edition,
			     b->catalogs[i].edition);
	check_days(&v, &b->calendar);
	return v.n;
}
