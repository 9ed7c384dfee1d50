/* policy.c - lookups in a loaded policy bundle (see policy.h), and the
 * fields the loader derives from a track.  Pure: no I/O; memory only from
 * the arena handed in; the bundle's arrays are sorted by the loader. */
#include "policy.h"

#include <string.h>

#include "facts.h"

const struct programme_policy *policy_find(const struct policy_bundle *b,
		const char *programme, const char *edition, date_t date)
{
	const struct programme_policy *best = NULL;

	if (!b || !programme)
		return NULL;
	for (size_t i = 0; i < b->nprogrammes; i++) {
		const struct programme_policy *p = &b->programmes[i];

		/* most editions are another programme's: the first byte tells */
		if (p->programme[0] != programme[0] || strcmp(p->programme, programme) != 0)
			continue;
		if (edition) {
			if (strcmp(p->edition, edition) == 0)
				return p;
			continue;
		}
		if (p->in_force_from <= date && (!best || p->in_force_from > best->in_force_from))
			best = p;
	}
	return best;
}

const struct track *policy_track(const struct programme_policy *p, const char *track)
{
	if (!p)
		return NULL;
	if (!track)
		return p->ntracks == 1 ? &p->tracks[0] : NULL;
	for (size_t i = 0; i < p->ntracks; i++)
		if (p->tracks[i].id && strcmp(p->tracks[i].id, track) == 0)
			return &p->tracks[i];
	return NULL;
}

const struct wage *policy_wage_on(const struct policy_bundle *b, date_t date)
{
	const struct wage *best = NULL;

	for (size_t i = 0; b && i < b->nwages; i++)
		if (b->wages[i].in_force_from <= date &&
		    (!best || b->wages[i].in_force_from > best->in_force_from))
			best = &b->wages[i];
	return best;
}

const struct catalog *policy_catalog_on(const struct policy_bundle *b, date_t date)
{
	const struct catalog *best = NULL;

	for (size_t i = 0; b && i < b->ncatalogs; i++)
		if (b->catalogs[i].in_force_from <= date &&
		    (!best || b->catalogs[i].in_force_from > best->in_force_from))
			best = &b->catalogs[i];
	return best;
}

const struct catalog_entry *catalog_entry_find(const struct catalog *c, const char *id)
{
	for (size_t i = 0; c && id && i < c->nentries; i++)
		if (c->entries[i].id[0] == id[0] && strcmp(c->entries[i].id, id) == 0)
			return &c->entries[i];
	return NULL;
}

static const struct factor *factor_in(const struct factor *fs, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++) {
		const struct factor *f;
		if (strcmp(fs[i].id, id) == 0)
			return &fs[i];
		f = factor_in(fs[i].subs, fs[i].nsubs, id);
		if (f)
			return f;
	}
	return NULL;
}

const struct factor *policy_factor_find(const struct track *t, const char *id)
{
	for (size_t i = 0; t && id && i < t->nparts; i++) {
		const struct factor *f = factor_in(t->parts[i].factors, t->parts[i].nfactors, id);
		if (f)
			return f;
	}
	return NULL;
}

/* ---- derived fields ---- */

static bool levels_provisional(const struct factor *f)
{
	if (f->max_provisional)
		return true;
	for (size_t i = 0; i < f->nlevels; i++)
		if (f->levels[i].provisional)
			return true;
	return false;
}

/* choice_slot_of: the slot of `value` in f's table, or the free slot
 * where it goes. */
static struct choice_slot *choice_slot_of(struct factor *f, const char *value)
{
	size_t h = policy_choice_hash(value) & f->choice_mask;

	while (f->choice_table[h].value && strcmp(f->choice_table[h].value, value) != 0)
		h = (h + 1) & f->choice_mask;
	return &f->choice_table[h];
}

/* derive_credential_levels: f->credential_levels when f is a choice on
 * the credentials (after its table); false when a is exhausted. */
static bool derive_credential_levels(struct factor *f, struct arena *a)
{
	if (!f->input || strcmp(f->input, FACTS_CREDENTIALS) != 0)
		return true;
	f->credential_levels = arena_array(a, FACTS_CREDENTIAL_KINDS,
					   sizeof *f->credential_levels);
	if (!f->credential_levels)
		return false;
	for (size_t k = 0; k < FACTS_CREDENTIAL_KINDS; k++)
		f->credential_levels[k] = policy_choice_level(f, facts_credential_name(k));
	return true;
}

/* derive_choice: choice factor f's table of match values and its first
 * `otherwise` level (see struct factor); false when a is exhausted.  As
 * the levels were once compared in order: the first `otherwise` level
 * matches nothing, and a value in several levels selects the one with
 * the most points, the first of them on ties. */
static bool derive_choice(struct factor *f, struct arena *a)
{
	size_t nvalues = 0, size = 1;

	f->choice_table = NULL;
	f->choice_mask = 0;
	f->otherwise = NULL;
	f->credential_levels = NULL;
	for (size_t i = 0; i < f->nlevels; i++) {
		if (f->levels[i].otherwise && !f->otherwise)
			f->otherwise = &f->levels[i];
		else
			nvalues += f->levels[i].nmatch;
	}
	while (size <= 2 * nvalues) /* at most half full: searches stay short */
		size *= 2;
	if (!(f->choice_table = arena_array(a, size, sizeof *f->choice_table)))
		return false;
	f->choice_mask = size - 1;
	for (size_t i = 0; i < f->nlevels; i++) {
		const struct level *l = &f->levels[i];

		for (size_t k = 0; l != f->otherwise && k < l->nmatch; k++) {
			struct choice_slot *s = choice_slot_of(f, l->match[k]);

			if (!s->value)
				*s = (struct choice_slot){l->match[k], l};
			else if (l->points > s->level->points)
				s->level = l;
		}
	}
	return derive_credential_levels(f, a);
}

const struct level *policy_bracket_level(const struct factor *f, int64_t v)
{
	const struct level *best = NULL;

	for (size_t i = 0; i < f->nlevels; i++) {
		const struct level *l = &f->levels[i];

		if (v >= l->from && (!l->has_to || v <= l->to) && (!best || l->from > best->from))
			best = l;
	}
	return best;
}

/* add_cut: v into the ascending distinct cuts[0..*n). */
static void add_cut(int64_t *cuts, size_t *n, int64_t v)
{
	size_t i = *n;

	while (i > 0 && cuts[i - 1] > v)
		i--;
	if (i > 0 && cuts[i - 1] == v)
		return;
	memmove(&cuts[i + 1], &cuts[i], (*n - i) * sizeof *cuts);
	cuts[i] = v;
	(*n)++;
}

/* derive_bracket: bracket f's step function (see struct factor).  Between
 * two cuts no level starts or ends, so the level is the one
 * policy_bracket_level() finds at the lower cut.  False when a is
 * exhausted. */
static bool derive_bracket(struct factor *f, struct arena *a)
{
	size_t n = 0;

	f->cuts = NULL;
	f->cut_levels = NULL;
	f->ncuts = 0;
	if (f->unit == UNIT_AVERAGE_WAGE)
		return true; /* the steps move with the wage in force */
	f->cuts = arena_array(a, 2 * f->nlevels + 1, sizeof *f->cuts);
	f->cut_levels = arena_array(a, 2 * f->nlevels + 2, sizeof *f->cut_levels);
	if (!f->cuts || !f->cut_levels)
		return false;
	for (size_t i = 0; i < f->nlevels; i++) {
		const struct level *l = &f->levels[i];

		add_cut(f->cuts, &n, l->from);
		/* a `to` of INT64_MAX ends nowhere */
		if (l->has_to && l->to < INT64_MAX)
			add_cut(f->cuts, &n, l->to + 1);
	}
	f->cut_levels[0] = NULL; /* below every `from` */
	for (size_t k = 0; k < n; k++)
		f->cut_levels[k + 1] = policy_bracket_level(f, f->cuts[k]);
	f->ncuts = n;
	return true;
}

/* derive_rising: bracket or choice f's levels by points (see struct
 * factor): an insertion sort, stable, that keeps only the first level of
 * each number of points.  False when a is exhausted. */
static bool derive_rising(struct factor *f, struct arena *a)
{
	size_t n = 0;

	f->rising = arena_array(a, f->nlevels ? f->nlevels : 1, sizeof *f->rising);
	if (!f->rising)
		return false;
	for (size_t i = 0; i < f->nlevels; i++) {
		const struct level *l = &f->levels[i];
		size_t j = n;

		while (j > 0 && f->rising[j - 1]->points > l->points)
			j--;
		if (j > 0 && f->rising[j - 1]->points == l->points)
			continue; /* an earlier level has these points */
		memmove(&f->rising[j + 1], &f->rising[j], (n - j) * sizeof *f->rising);
		f->rising[j] = l;
		n++;
	}
	f->nrising = n;
	return true;
}

/* derive_factors: any_provisional of fs and their sub-factors, and the
 * track's counts; with `judged` not NULL (the second pass), the judged
 * factors into it, each choice's table and each bracket's and choice's
 * levels by points from a.  False when a is exhausted. */
static bool derive_factors(struct track *t, struct factor *fs, size_t n,
		const struct factor **judged, struct arena *a)
{
	for (size_t i = 0; i < n; i++) {
		struct factor *f = &fs[i];

		if (judged && f->kind == FACTOR_CHOICE && !derive_choice(f, a))
			return false;
		if (judged && f->kind == FACTOR_BRACKET && !derive_bracket(f, a))
			return false;
		if (judged && (f->kind == FACTOR_BRACKET || f->kind == FACTOR_CHOICE) &&
		    !derive_rising(f, a))
			return false;
		f->any_provisional = levels_provisional(f);
		f->advisable = f->input && facts_advisable_id(f->input_id, f->input);
		if (f->kind == FACTOR_JUDGED) {
			if (judged)
				judged[t->njudged] = f;
			f->judged_index = t->njudged++;
		}
		if (f->kind == FACTOR_GATE)
			t->has_gate = true;
		if (f->kind != FACTOR_SUM)
			t->nleaves++;
		if (!derive_factors(t, f->subs, f->nsubs, judged, a))
			return false;
		f->has_judged = f->kind == FACTOR_JUDGED;
		for (size_t k = 0; k < f->nsubs; k++)
			f->has_judged |= f->subs[k].has_judged;
	}
	return true;
}

bool policy_track_derive(struct track *t, struct arena *a)
{
	const struct factor **judged;

	for (int pass = 0; pass < 2; pass++) { /* count, then fill */
		judged = NULL;
		if (pass == 1 && !(judged = arena_array(a, t->njudged ? t->njudged : 1,
							 sizeof *judged)))
			return false;
		t->njudged = t->nleaves = 0;
		t->has_gate = false;
		for (size_t i = 0; i < t->nparts; i++)
			if (!derive_factors(t, t->parts[i].factors, t->parts[i].nfactors,
					    judged, a))
				return false;
	}
	t->judged = judged;
	return true;
}
