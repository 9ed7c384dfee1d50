/* programme.c - one programme edition (policy/<programme>/<edition>.yaml):
 * its dates, threshold and experts, eligibility criteria, document slots
 * and rules, fees, service centres, deadlines, contacts and notes.  The scorecard
 * itself (tracks, parts, factors) is read by factors.c.
 */
#include "internal.h"

#include <string.h>

#include "core/eligibility.h"

#include "core/checklist.h"

static const char *const programme_keys[] = {
	"programme", "edition", "title", "source", "in_force_from", "window",
	"scored", "threshold", "threshold_source", "experts", "parts", "tracks", "criteria",
	"documents", "fees", "centres", "deadlines", "contacts", "notes", NULL};

/* parse_list: the list under `key` (optional) into an array of `size`-byte
 * items, one call of fn per item. */
typedef bool (*item_fn)(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p);

static bool parse_list(struct pctx *c, const struct ynode *root, const char *key,
		size_t size, void **out, size_t *nout, item_fn fn,
		const struct programme_policy *p)
{
	const struct ynode *v = ymap_get(root, key);
	struct idlist ids = {0};
	unsigned char *items;
	size_t i = 0;
	bool ok = true;

	if (!v)
		return true;
	if (!yseq(c, v, key))
		return false;
	items = arena_array(c->a, v->n ? v->n : 1, size);
	if (!items)
		return false;
	for (const struct ynode *k = v->head; k; k = k->next, i++)
		ok &= fn(c, k, items + i * size, &ids, p);
	*out = items;
	*nout = v->n;
	return ok;
}

/* item_id: the required id of a list item, checked for duplicates. */
static bool item_id(struct pctx *c, const struct ynode *n, const char *what,
		struct idlist *ids, const char **out)
{
	return yneed_id(c, n, what, "id", out) &&
	       idlist_add(c, ids, *out, ymap_get(n, "id"), what);
}

/* ---- criteria -------------------------------------------------------- */

static bool parse_criterion(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {"id", "name", "source", "track", "test", NULL};
	struct criterion *cr = item;
	const struct ynode *t, *tk;
	bool ok = true;

	if (!ymap_check(c, n, "criterion", keys))
		return false;
	ok &= item_id(c, n, "criterion", ids, &cr->id);
	ok &= yneed_str(c, n, "criterion", "name", &cr->name);
	ok &= yneed_str(c, n, "criterion", "source", &cr->source);
	tk = ymap_get(n, "track");
	if (tk && y_str(c, tk, &cr->track)) {
		size_t i;
		for (i = 0; i < p->ntracks; i++)
			if (p->tracks[i].id && strcmp(p->tracks[i].id, cr->track) == 0)
				break;
		if (i == p->ntracks) {
			perr(c, tk, "criterion: no track '%s' in this edition", cr->track);
			ok = false;
		}
	} else if (tk) {
		ok = false;
	}
	t = ymap_need(c, n, "criterion", "test");
	ok &= t && parse_predicate(c, t, &cr->test);
	ok = ok && eligibility_derive(cr, c->a); /* what its explanations need */
	return ok;
}

/* ---- documents ------------------------------------------------------- */

static bool small_int(struct pctx *c, const struct ynode *m, const char *key,
		int64_t max, int *out)
{
	const struct ynode *v = ymap_get(m, key);
	int64_t x;

	if (!v)
		return true;
	if (!y_int(c, v, 1, max, &x))
		return false;
	*out = (int)x;
	return true;
}

static bool parse_slot(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {
		"id", "name", "source", "need", "when", "issued_within_months",
		"covers_years_before", "resume_from_age", "pictures", NULL};
	static const char *const needs[] = {"required", "optional", "conditional", "deferrable"};
	struct doc_slot *s = item;
	const struct ynode *need, *when;
	bool ok = true;

	(void)p;
	if (!ymap_check(c, n, "document slot", keys))
		return false;
	ok &= item_id(c, n, "document slot", ids, &s->id);
	ok &= yneed_str(c, n, "document slot", "name", &s->name);
	ok &= yneed_str(c, n, "document slot", "source", &s->source);
	s->need = SLOT_REQUIRED;
	need = ymap_get(n, "need");
	if (need) {
		size_t i;
		for (i = 0; i < 4; i++)
			if (need->type == Y_SCALAR && strcmp(need->text, needs[i]) == 0)
				break;
		if (i == 4) {
			perr(c, need, "need: expected required, optional, conditional or deferrable, "
			     "found %s", need->type == Y_SCALAR ? need->text : y_what(need));
			ok = false;
		} else {
			s->need = (enum slot_need)i;
		}
	}
	when = ymap_get(n, "when");
	if (s->need == SLOT_CONDITIONAL && !when && ok) {
		perr(c, n, "document slot '%s': 'need: conditional' needs a 'when' condition", s->id);
		ok = false;
	} else if (when && s->need != SLOT_CONDITIONAL) {
		perr(c, ymap_key(n, "when"), "document slot: 'when' applies only to 'need: conditional'");
		ok = false;
	} else if (when) {
		s->when = arena_alloc(c->a, sizeof *s->when);
		ok &= s->when && parse_predicate(c, when, s->when);
	}
	ok &= small_int(c, n, "issued_within_months", 120, &s->issued_within_months);
	ok &= small_int(c, n, "covers_years_before", 50, &s->covers_years_before);
	ok &= small_int(c, n, "resume_from_age", 100, &s->resume_from_age);
	ok &= yget_bool(c, n, "pictures", &s->pictures);
	return ok;
}

static bool parse_doc_rules(struct pctx *c, const struct ynode *n, struct doc_rules *r)
{
	static const char *const keys[] = {
		"file_types", "generic_names", "native_languages", "source_format",
		"source_names", "source_translation", NULL};
	const struct ynode *v;
	bool ok = true;

	if (!ymap_check(c, n, "document rules", keys))
		return false;
	if ((v = ymap_get(n, "file_types")) != NULL)
		ok &= y_str_list(c, v, &r->file_types, &r->nfile_types);
	if ((v = ymap_get(n, "generic_names")) != NULL)
		ok &= y_str_list(c, v, &r->generic_names, &r->ngeneric_names);
	if ((v = ymap_get(n, "native_languages")) != NULL)
		ok &= y_str_list(c, v, &r->native_languages, &r->nnative_languages);
	ok &= yget_str(c, n, "source_format", &r->source_format);
	ok &= yget_str(c, n, "source_names", &r->source_names);
	ok &= yget_str(c, n, "source_translation", &r->source_translation);
	if (r->nfile_types && !r->source_format) {
		perr(c, n, "document rules: 'file_types' needs 'source_format' (the clause it comes from)");
		ok = false;
	}
	if (r->ngeneric_names && !r->source_names) {
		perr(c, n, "document rules: 'generic_names' needs 'source_names' (the clause it comes from)");
		ok = false;
	}
	if (r->nnative_languages && !r->source_translation) {
		perr(c, n, "document rules: 'native_languages' needs 'source_translation' "
		     "(the clause it comes from)");
		ok = false;
	}
	return ok;
}

static bool parse_documents(struct pctx *c, const struct ynode *root,
		struct programme_policy *p)
{
	static const char *const keys[] = {"rules", "slots", NULL};
	const struct ynode *d = ymap_get(root, "documents"), *r;
	void *slots = NULL;
	bool ok = true;

	if (!d)
		return true;
	if (!ymap_check(c, d, "documents", keys))
		return false;
	if ((r = ymap_get(d, "rules")) != NULL)
		ok &= parse_doc_rules(c, r, &p->docrules);
	ok &= parse_list(c, d, "slots", sizeof *p->slots, &slots, &p->nslots, parse_slot, p);
	p->slots = slots;
	return ok;
}

/* ---- information for people ------------------------------------------ */

static bool parse_fee(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {"id", "name", "amount_cny", "source", NULL};
	struct fee *f = item;
	const struct ynode *v;
	bool ok = true;

	(void)p;
	if (!ymap_check(c, n, "fee", keys))
		return false;
	ok &= item_id(c, n, "fee", ids, &f->id);
	ok &= yneed_str(c, n, "fee", "name", &f->name);
	ok &= yneed_str(c, n, "fee", "source", &f->source);
	v = ymap_need(c, n, "fee", "amount_cny");
	ok &= v && y_int(c, v, 0, 1000000000, &f->amount_cny);
	return ok;
}

static bool parse_opening(struct pctx *c, const struct ynode *n, struct opening *o)
{
	static const char *const keys[] = {"days", "hours", NULL};

	if (!ymap_check(c, n, "opening hours", keys))
		return false;
	/* both read, so that both missing keys are reported */
	bool days = yneed_str(c, n, "opening hours", "days", &o->days);
	bool hours = yneed_str(c, n, "opening hours", "hours", &o->hours);

	return days && hours;
}

static bool parse_centre(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {
		"id", "name", "address", "hours", "accepts", "source", NULL};
	struct centre *ce = item;
	const struct ynode *v;
	size_t i = 0;
	bool ok = true;

	(void)p;
	if (!ymap_check(c, n, "service centre", keys))
		return false;
	ok &= item_id(c, n, "service centre", ids, &ce->id);
	ok &= yneed_str(c, n, "service centre", "name", &ce->name);
	ok &= yneed_str(c, n, "service centre", "address", &ce->address);
	ok &= yneed_str(c, n, "service centre", "source", &ce->source);
	if ((v = ymap_get(n, "accepts")) != NULL)
		ok &= y_str_list(c, v, &ce->accepts, &ce->naccepts);
	v = ymap_need(c, n, "service centre", "hours");
	if (!v || !yseq(c, v, "hours"))
		return false;
	ce->hours = arena_array(c->a, v->n ? v->n : 1, sizeof *ce->hours);
	if (!ce->hours)
		return false;
	ce->nhours = v->n;
	if (v->n == 0) {
		perr(c, v, "service centre '%s': the list of opening hours is empty", ce->id);
		ok = false;
	}
	for (const struct ynode *k = v->head; k; k = k->next)
		ok &= parse_opening(c, k, &ce->hours[i++]);
	return ok;
}

static bool parse_deadline(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {
		"id", "name", "working_days", "calendar_months", "source", NULL};
	struct deadline *d = item;
	bool ok = true;

	(void)p;
	if (!ymap_check(c, n, "deadline", keys))
		return false;
	ok &= item_id(c, n, "deadline", ids, &d->id);
	ok &= yneed_str(c, n, "deadline", "name", &d->name);
	ok &= yneed_str(c, n, "deadline", "source", &d->source);
	ok &= small_int(c, n, "working_days", 3650, &d->working_days);
	ok &= small_int(c, n, "calendar_months", 1200, &d->calendar_months);
	if (ok && (d->working_days > 0) == (d->calendar_months > 0)) {
		perr(c, n, "deadline '%s': give exactly one of 'working_days' and 'calendar_months'",
		     d->id);
		ok = false;
	}
	return ok;
}

static bool parse_contact(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {"id", "name", "phone", NULL};
	struct contact *ct = item;
	bool ok = true;

	(void)p;
	if (!ymap_check(c, n, "contact", keys))
		return false;
	ok &= item_id(c, n, "contact", ids, &ct->id);
	ok &= yneed_str(c, n, "contact", "name", &ct->name);
	ok &= yneed_str(c, n, "contact", "phone", &ct->phone);
	return ok;
}

static bool parse_note(struct pctx *c, const struct ynode *n, void *item,
		struct idlist *ids, const struct programme_policy *p)
{
	static const char *const keys[] = {"id", "text", "source", NULL};
	struct note *nt = item;
	bool ok = true;

	(void)p;
	if (!ymap_check(c, n, "note", keys))
		return false;
	ok &= item_id(c, n, "note", ids, &nt->id);
	ok &= yneed_str(c, n, "note", "text", &nt->text);
	ok &= yneed_str(c, n, "note", "source", &nt->source);
	return ok;
}

/* ---- the edition ----------------------------------------------------- */

static bool parse_experts(struct pctx *c, const struct ynode *root,
		struct programme_policy *p, struct factor_defaults *d)
{
	static const char *const keys[] = {"panel", "quorum", "step", NULL};
	const struct ynode *e = ymap_get(root, "experts"), *v;
	int64_t x;
	bool ok = true;

	if (!e) {
		if (d->scored)
			return ymap_need(c, root, "policy", "experts") != NULL;
		return true;
	}
	if (!d->scored) {
		perr(c, ymap_key(root, "experts"), "'experts' does not apply when 'scored' is false");
		return false;
	}
	if (!ymap_check(c, e, "experts", keys))
		return false;
	v = ymap_need(c, e, "experts", "panel");
	if (v && y_int(c, v, 1, 99, &x))
		p->expert_panel = (unsigned)x;
	else
		ok = false;
	p->expert_quorum = p->expert_panel;
	if ((v = ymap_get(e, "quorum")) != NULL) {
		if (y_int(c, v, 1, 99, &x) && ok && (unsigned)x > p->expert_panel) {
			perr(c, v, "experts: quorum %lld is larger than the panel of %u",
			     (long long)x, p->expert_panel);
			ok = false;
		} else if (ok) {
			p->expert_quorum = (unsigned)x;
		}
	}
	v = ymap_need(c, e, "experts", "step");
	ok &= v && y_points(c, v, &d->step);
	return ok;
}

static bool check_unique(struct pctx *c, const struct ynode *root,
		const struct policy_bundle *b, const struct programme_policy *p)
{
	char a[DATE_FMT_MAX];

	for (size_t i = 0; b && i < b->nprogrammes; i++) {
		const struct programme_policy *q = &b->programmes[i];
		if (strcmp(q->programme, p->programme) != 0)
			continue;
		if (strcmp(q->edition, p->edition) == 0) {
			perr(c, ymap_get(root, "edition"), "edition '%s' of %s is already loaded from %s",
			     p->edition, p->programme, q->file);
			return false;
		}
		if (q->in_force_from == p->in_force_from) {
			perr(c, ymap_get(root, "in_force_from"), "edition '%s' of %s is also in force "
			     "from %s; editions need distinct dates", q->edition, p->programme,
			     date_format(p->in_force_from, a));
			return false;
		}
	}
	return true;
}

bool parse_programme(struct pctx *c, const char *kind, const struct ynode *root,
		const struct policy_bundle *b, struct programme_policy *p)
{
	struct factor_defaults d = {0, true, false};
	const struct ynode *v;
	void *arr;
	bool ok = true;

	if (!ymap_check(c, root, "policy", programme_keys))
		return false;
	p->file = c->file;
	if (!yneed_str(c, root, "policy", "programme", &p->programme))
		return false;
	if (strcmp(p->programme, kind) != 0) {
		perr(c, ymap_get(root, "programme"), "programme '%s' does not belong in the "
		     "directory of %s", p->programme, kind);
		return false;
	}
	ok &= yneed_str(c, root, "policy", "edition", &p->edition);
	ok &= yget_str(c, root, "title", &p->title);
	ok &= yneed_str(c, root, "policy", "source", &p->source);
	ok &= yneed_date(c, root, "policy", "in_force_from", &p->in_force_from);
	if ((v = ymap_get(root, "window")) != NULL) {
		static const char *const keys[] = {"opens", "closes", "source", NULL};
		char x[DATE_FMT_MAX], y[DATE_FMT_MAX];
		bool keys_ok = ymap_check(c, v, "window", keys);
		/* all read, so that every problem is reported */
		bool opens = keys_ok && yneed_date(c, v, "window", "opens", &p->window_opens);
		bool closes = keys_ok && yneed_date(c, v, "window", "closes", &p->window_closes);
		bool source = keys_ok && yneed_str(c, v, "window", "source", &p->window_source);

		if (opens && closes && source) {
			p->has_window = true;
			if (p->window_opens > p->window_closes) {
				perr(c, ymap_get(v, "closes"), "the window opens on %s, after it closes on %s",
				     date_format(p->window_opens, x), date_format(p->window_closes, y));
				ok = false;
			}
		} else {
			ok = false;
		}
	}
	ok &= yget_bool(c, root, "scored", &d.scored);
	p->scored = d.scored;
	v = ymap_get(root, "threshold");
	if (p->scored) {
		char x[POINTS_FMT_MAX];
		ok &= yneed_str(c, root, "policy", "threshold_source", &p->threshold_source);
		v = ymap_need(c, root, "policy", "threshold");
		if (v && y_points(c, v, &p->threshold) &&
		    (p->threshold <= 0 || p->threshold > POINTS(100))) {
			perr(c, v, "threshold %s must be above 0 and at most 100",
			     points_format(p->threshold, x));
			ok = false;
		} else if (!v) {
			ok = false;
		}
	} else {
		static const char *const only_scored[] = {"threshold", "threshold_source"};

		for (size_t i = 0; i < 2; i++) {
			if (!ymap_get(root, only_scored[i]))
				continue;
			perr(c, ymap_key(root, only_scored[i]),
			     "'%s' does not apply when 'scored' is false", only_scored[i]);
			ok = false;
		}
	}
	if (!parse_experts(c, root, p, &d)) {
		ok = false;
		d.step_bad = d.step <= 0;
	}
	ok &= parse_tracks(c, root, &d, p);
	if (!p->scored) {
		/* An eligibility-only programme still has its one (empty) track. */
		p->tracks = arena_alloc(c->a, sizeof *p->tracks);
		p->ntracks = p->tracks ? 1 : 0;
	}
	arr = NULL;
	ok &= parse_list(c, root, "criteria", sizeof *p->criteria, &arr, &p->ncriteria,
			 parse_criterion, p);
	p->criteria = arr;
	ok &= parse_documents(c, root, p);
	ok = ok && checklist_derive(p, c->a);
	arr = NULL;
	ok &= parse_list(c, root, "fees", sizeof *p->fees, &arr, &p->nfees, parse_fee, p);
	p->fees = arr;
	arr = NULL;
	ok &= parse_list(c, root, "centres", sizeof *p->centres, &arr, &p->ncentres,
			 parse_centre, p);
	p->centres = arr;
	arr = NULL;
	ok &= parse_list(c, root, "deadlines", sizeof *p->deadlines, &arr, &p->ndeadlines,
			 parse_deadline, p);
	p->deadlines = arr;
	arr = NULL;
	ok &= parse_list(c, root, "contacts", sizeof *p->contacts, &arr, &p->ncontacts,
			 parse_contact, p);
	p->contacts = arr;
	arr = NULL;
	ok &= parse_list(c, root, "notes", sizeof *p->notes, &arr, &p->nnotes, parse_note, p);
	p->notes = arr;
	if (ok)
		ok = check_unique(c, root, b, p);
	return ok;
}
