/* factors.c - the scorecard of a programme edition: tracks, parts, factors.
 *
 * Checks what makes a scorecard add up: a track's part weights sum to 1.00,
 * a part's factor maxima sum to its maximum, no level gives more than its
 * factor's maximum, a sub-factor's maximum is not above its parent's,
 * bracket levels do not overlap, no choice value is matched twice, a judged
 * factor's step divides its maximum and its rubric goes from the top down,
 * and every factor names the clause it comes from.
 */
#include "internal.h"

#include <string.h>

static const char *const factor_keys[] = {
	"id", "name", "kind", "max", "max_provisional", "source", "input", "unit",
	"levels", "factors", "step", "rubric", "test", NULL};

static const char *const kind_names[] = {"bracket", "choice", "judged", "sum", "gate"};

/* Keys that only some kinds take. */
static const struct {
	const char *key;
	unsigned kinds; /* bit (1 << enum factor_kind) */
} kind_keys[] = {
	{"max", 1u << FACTOR_BRACKET | 1u << FACTOR_CHOICE | 1u << FACTOR_JUDGED | 1u << FACTOR_SUM},
	{"max_provisional", 1u << FACTOR_BRACKET | 1u << FACTOR_CHOICE | 1u << FACTOR_JUDGED | 1u << FACTOR_SUM},
	{"input", 1u << FACTOR_BRACKET | 1u << FACTOR_CHOICE},
	{"levels", 1u << FACTOR_BRACKET | 1u << FACTOR_CHOICE},
	{"unit", 1u << FACTOR_BRACKET},
	{"factors", 1u << FACTOR_SUM},
	{"step", 1u << FACTOR_JUDGED},
	{"rubric", 1u << FACTOR_JUDGED},
	{"test", 1u << FACTOR_GATE},
};

static bool parse_factor(struct pctx *c, const struct ynode *n,
		const struct factor_defaults *d, struct idlist *ids, bool is_sub,
		struct factor *f);

/* ---- levels ---------------------------------------------------------- */

static const char *const bracket_level_keys[] = {
	"label", "from", "to", "points", "provisional", NULL};
static const char *const choice_level_keys[] = {
	"label", "match", "otherwise", "points", "provisional", NULL};

static bool level_points(struct pctx *c, const struct ynode *n, const struct factor *f,
		struct level *l)
{
	const struct ynode *v = ymap_need(c, n, "level", "points");
	char a[POINTS_FMT_MAX], b[POINTS_FMT_MAX];

	if (!v || !y_points(c, v, &l->points))
		return false;
	if (l->points < 0) {
		perr(c, v, "level points %s are negative", points_format(l->points, a));
		return false;
	}
	if (l->points > f->max) {
		perr(c, v, "level points %s are above the maximum %s of factor '%s'",
		     points_format(l->points, a), points_format(f->max, b), f->id);
		return false;
	}
	return yget_bool(c, n, "provisional", &l->provisional);
}

/* check_brackets: no two levels overlap; labels for levels without one. */
static bool check_brackets(struct pctx *c, const struct ynode *seq, struct factor *f)
{
	size_t *order = arena_array(c->tmp, f->nlevels, sizeof *order);
	const struct ynode **at = arena_array(c->tmp, f->nlevels, sizeof *at);
	const struct ynode *k = seq->head;
	bool ok = true;

	if (!order || !at)
		return false;
	for (size_t i = 0; i < f->nlevels; i++, k = k->next) {
		size_t j = i;
		at[i] = k;
		while (j > 0 && f->levels[order[j - 1]].from > f->levels[i].from) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	for (size_t i = 0; i + 1 < f->nlevels; i++) {
		const struct level *lo = &f->levels[order[i]], *hi = &f->levels[order[i + 1]];
		if (lo->from == hi->from) {
			perr(c, at[order[i + 1]], "two levels start at %s (the other is at line %u, "
			     "column %u)", format_amount(c->a, hi->from, f->unit),
			     at[order[i]]->line, at[order[i]]->col);
			ok = false;
		} else if (lo->has_to && lo->to >= hi->from) {
			perr(c, at[order[i + 1]], "the level from %s overlaps the level at line %u, "
			     "column %u, which runs to %s", format_amount(c->a, hi->from, f->unit),
			     at[order[i]]->line, at[order[i]]->col, format_amount(c->a, lo->to, f->unit));
			ok = false;
		}
	}
	for (size_t i = 0; ok && i < f->nlevels; i++) {
		struct level *l = &f->levels[order[i]];
		const char *from = format_amount(c->a, l->from, f->unit);
		if (l->label)
			continue;
		if (l->has_to)
			l->label = arena_printf(c->a, "%s-%s", from,
						format_amount(c->a, l->to, f->unit));
		else if (i + 1 < f->nlevels)
			l->label = arena_printf(c->a, "%s to under %s", from,
						format_amount(c->a, f->levels[order[i + 1]].from, f->unit));
		else
			l->label = arena_printf(c->a, "%s+", from);
	}
	return ok;
}

static bool parse_bracket_level(struct pctx *c, const struct ynode *n,
		struct factor *f, struct level *l)
{
	const struct ynode *from, *to;
	bool ok = true;

	if (!ymap_check(c, n, "level", bracket_level_keys))
		return false;
	ok &= yget_str(c, n, "label", &l->label);
	from = ymap_need(c, n, "level", "from");
	ok &= from && y_points(c, from, &l->from);
	to = ymap_get(n, "to");
	if (to) {
		l->has_to = y_points(c, to, &l->to);
		ok &= l->has_to;
		if (ok && l->from > l->to) {
			perr(c, to, "level runs from %s to %s: 'from' must not be above 'to'",
			     format_amount(c->a, l->from, f->unit), format_amount(c->a, l->to, f->unit));
			ok = false;
		}
	}
	ok &= level_points(c, n, f, l);
	return ok;
}

static bool parse_choice_level(struct pctx *c, const struct ynode *n,
		struct factor *f, struct level *l, struct idlist *seen)
{
	const struct ynode *m, *o;
	bool ok = true;

	if (!ymap_check(c, n, "level", choice_level_keys))
		return false;
	ok &= yget_str(c, n, "label", &l->label);
	m = ymap_get(n, "match");
	o = ymap_get(n, "otherwise");
	if (o && !y_bool(c, o, &l->otherwise))
		ok = false;
	if (m && l->otherwise) {
		perr(c, ymap_key(n, "otherwise"), "level: 'otherwise: true' takes no 'match' list");
		ok = false;
	} else if (!m && !l->otherwise) {
		perr(c, n, "level: needs 'match: [values]' or 'otherwise: true'");
		ok = false;
	} else if (m) {
		if (!y_str_list_at(c, m, &l->match, &l->match_pos, &l->nmatch)) {
			ok = false;
		} else if (l->nmatch == 0) {
			perr(c, m, "level: the match list is empty");
			ok = false;
		} else {
			const struct ynode *k = m->type == Y_SEQ ? m->head : m;
			for (size_t i = 0; i < l->nmatch; i++, k = k->next) {
				const struct ynode *first = idlist_find(seen, l->match[i]);
				if (f->input && !check_value(c, k, f->input, l->match[i])) {
					ok = false;
				} else if (first) {
					perr(c, k, "'%s' is matched twice (first on line %u, column %u)",
					     l->match[i], first->line, first->col);
					ok = false;
				} else {
					idlist_add(c, seen, l->match[i], k, "matched value");
				}
			}
		}
	}
	ok &= level_points(c, n, f, l);
	if (ok && !l->label) {
		struct strbuf sb = STRBUF_INIT(512);
		for (size_t i = 0; i < l->nmatch; i++)
			strbuf_addf(&sb, "%s%s", i ? " / " : "", l->match[i]);
		l->label = l->otherwise ? "other" : arena_strdup(c->a, sb.buf);
		strbuf_release(&sb);
	}
	return ok;
}

static bool parse_levels(struct pctx *c, const struct ynode *n, struct factor *f)
{
	const struct ynode *v = ymap_need(c, n, "factor", "levels");
	struct idlist seen = {0};
	const struct ynode *other = NULL;
	size_t i = 0;
	bool ok = true;

	if (!v || !yseq(c, v, "levels"))
		return false;
	if (v->n == 0) {
		perr(c, v, "factor '%s': the list of levels is empty", f->id);
		return false;
	}
	f->levels = arena_array(c->a, v->n, sizeof *f->levels);
	if (!f->levels)
		return false;
	f->nlevels = v->n;
	for (const struct ynode *k = v->head; k; k = k->next, i++) {
		struct level *l = &f->levels[i];
		if (f->kind == FACTOR_BRACKET) {
			ok &= parse_bracket_level(c, k, f, l);
			continue;
		}
		ok &= parse_choice_level(c, k, f, l, &seen);
		if (l->otherwise && other) {
			perr(c, k, "factor '%s': a second 'otherwise' level (the first is on line %u)",
			     f->id, other->line);
			ok = false;
		} else if (l->otherwise) {
			other = k;
		}
	}
	if (ok && f->kind == FACTOR_BRACKET)
		ok = check_brackets(c, v, f);
	return ok;
}

/* ---- judged ---------------------------------------------------------- */

static bool parse_rubric(struct pctx *c, const struct ynode *v, struct factor *f)
{
	static const char *const band_keys[] = {"from", "label", NULL};
	char a[POINTS_FMT_MAX], b[POINTS_FMT_MAX];
	size_t i = 0;
	bool ok = true;

	if (!yseq(c, v, "rubric"))
		return false;
	f->rubric = arena_array(c->a, v->n ? v->n : 1, sizeof *f->rubric);
	if (!f->rubric)
		return false;
	f->nrubric = v->n;
	for (const struct ynode *k = v->head; k; k = k->next, i++) {
		struct rubric_band *r = &f->rubric[i];
		const struct ynode *from;
		bool band_ok = true;

		if (!ymap_check(c, k, "rubric band", band_keys)) {
			ok = false;
			continue;
		}
		from = ymap_need(c, k, "rubric band", "from");
		band_ok &= from && y_points(c, from, &r->from);
		band_ok &= yneed_str(c, k, "rubric band", "label", &r->label);
		if (band_ok && (r->from < 0 || r->from > f->max)) {
			perr(c, from, "rubric band from %s is outside 0..%s", points_format(r->from, a),
			     points_format(f->max, b));
			band_ok = false;
		}
		if (band_ok && i > 0 && f->rubric[i - 1].label && r->from >= f->rubric[i - 1].from) {
			perr(c, from, "rubric bands go from the highest score down: %s follows %s",
			     points_format(r->from, a), points_format(f->rubric[i - 1].from, b));
			band_ok = false;
		}
		if (!band_ok)
			r->label = NULL;
		ok &= band_ok;
	}
	return ok;
}

static bool parse_judged(struct pctx *c, const struct ynode *n,
		const struct factor_defaults *d, struct factor *f)
{
	const struct ynode *s = ymap_get(n, "step"), *r = ymap_get(n, "rubric");
	char a[POINTS_FMT_MAX], b[POINTS_FMT_MAX];
	bool ok = true;

	f->step = d->step;
	if (s && !y_points(c, s, &f->step))
		return false;
	if (f->step <= 0 && !s && d->step_bad)
		return false; /* follows from the error in 'experts' */
	if (f->step <= 0) {
		perr(c, s ? s : n, "judged factor '%s' needs a step above 0 "
		     "(its own 'step' or 'experts: {step: ...}')", f->id);
		return false;
	}
	if (f->max > 0 && f->max % f->step != 0) {
		perr(c, s ? s : ymap_get(n, "max"), "step %s does not divide the maximum %s of factor '%s'",
		     points_format(f->step, a), points_format(f->max, b), f->id);
		ok = false;
	}
	if (r)
		ok &= parse_rubric(c, r, f);
	return ok;
}

/* ---- sum and gate ---------------------------------------------------- */

static bool parse_sum(struct pctx *c, const struct ynode *n,
		const struct factor_defaults *d, struct idlist *ids, struct factor *f)
{
	const struct ynode *v = ymap_need(c, n, "factor", "factors");
	char a[POINTS_FMT_MAX], b[POINTS_FMT_MAX];
	size_t i = 0;
	bool ok = true;

	if (!v || !yseq(c, v, "factors"))
		return false;
	if (v->n == 0) {
		perr(c, v, "factor '%s': the list of sub-factors is empty", f->id);
		return false;
	}
	f->subs = arena_array(c->a, v->n, sizeof *f->subs);
	if (!f->subs)
		return false;
	f->nsubs = v->n;
	for (const struct ynode *k = v->head; k; k = k->next, i++) {
		struct factor *s = &f->subs[i];
		if (!parse_factor(c, k, d, ids, true, s)) {
			ok = false;
			continue;
		}
		if (s->max > f->max) {
			perr(c, ymap_get(k, "max"), "sub-factor '%s' has maximum %s, above the "
			     "maximum %s of factor '%s'", s->id, points_format(s->max, a),
			     points_format(f->max, b), f->id);
			ok = false;
		}
	}
	return ok;
}

static bool parse_gate(struct pctx *c, const struct ynode *n, struct factor *f)
{
	const struct ynode *v = ymap_need(c, n, "factor", "test");

	if (!v)
		return false;
	f->gate = arena_alloc(c->a, sizeof *f->gate);
	return f->gate && parse_predicate(c, v, f->gate);
}

/* ---- a factor -------------------------------------------------------- */

static bool parse_kind(struct pctx *c, const struct ynode *n, struct factor *f)
{
	const struct ynode *v = ymap_need(c, n, "factor", "kind");
	const char *near;

	if (!v)
		return false;
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++) {
		if (v->type == Y_SCALAR && strcmp(v->text, kind_names[i]) == 0) {
			f->kind = (enum factor_kind)i;
			return true;
		}
	}
	near = v->type == Y_SCALAR ? closest(v->text, kind_names, 5) : NULL;
	perr(c, v, "kind: expected bracket, choice, judged, sum or gate, found %s%s%s%s",
	     v->type == Y_SCALAR ? v->text : y_what(v), near ? " (did you mean '" : "",
	     near ? near : "", near ? "'?)" : "");
	return false;
}

static bool parse_factor(struct pctx *c, const struct ynode *n,
		const struct factor_defaults *d, struct idlist *ids, bool is_sub,
		struct factor *f)
{
	const struct ynode *id, *mx;
	bool ok = true, unique, stray = false;
	char a[POINTS_FMT_MAX];

	if (!ymap_check(c, n, "factor", factor_keys))
		return false;
	id = ymap_need(c, n, "factor", "id");
	if (!id || !y_id(c, id, &f->id))
		return false;
	unique = idlist_add(c, ids, f->id, id, "factor");
	ok &= yget_str(c, n, "name", &f->name);
	if (!f->name)
		f->name = f->id;
	ok &= yneed_str(c, n, "factor", "source", &f->source);
	if (!parse_kind(c, n, f))
		return false;
	for (size_t i = 0; i < sizeof kind_keys / sizeof kind_keys[0]; i++) {
		const struct ynode *k = ymap_key(n, kind_keys[i].key);
		if (k && !(kind_keys[i].kinds & (1u << f->kind))) {
			perr(c, k, "'%s' does not apply to a %s factor", kind_keys[i].key,
			     kind_names[f->kind]);
			stray = true;
		}
	}
	if (stray)
		return false;
	if (is_sub && (f->kind == FACTOR_SUM || f->kind == FACTOR_GATE)) {
		perr(c, ymap_get(n, "kind"), "a sub-factor cannot be a %s (only bracket, choice "
		     "or judged)", kind_names[f->kind]);
		return false;
	}
	if (f->kind != FACTOR_GATE) {
		mx = ymap_need(c, n, "factor", "max");
		if (!mx || !y_points(c, mx, &f->max))
			return false;
		if (f->max <= 0) {
			perr(c, mx, "maximum %s of factor '%s' must be above 0",
			     points_format(f->max, a), f->id);
			return false;
		}
		ok &= yget_bool(c, n, "max_provisional", &f->max_provisional);
	}
	switch (f->kind) {
	case FACTOR_BRACKET:
	case FACTOR_CHOICE: {
		const struct ynode *in = ymap_need(c, n, "factor", "input");
		if (!in || !y_str(c, in, &f->input))
			return false;
		f->input_id = facts_id(f->input); /* evaluation looks it up by index */
		if (f->kind == FACTOR_BRACKET) {
			if (!check_fact(c, in, f->input, "a bracket factor", FACT_NUMBER, FACT_MISSING))
				return false;
			f->unit_pos = ypos(ymap_key(n, "unit") ? ymap_key(n, "unit") : n);
			if (ymap_get(n, "unit") && !parse_unit(c, ymap_get(n, "unit"), &f->unit))
				return false;
		} else if (!check_fact(c, in, f->input, "a choice factor", FACT_TEXT, FACT_SET)) {
			return false;
		}
		ok &= parse_levels(c, n, f);
		break;
	}
	case FACTOR_JUDGED:
		ok &= parse_judged(c, n, d, f);
		break;
	case FACTOR_SUM:
		ok &= parse_sum(c, n, d, ids, f);
		break;
	case FACTOR_GATE:
		ok &= parse_gate(c, n, f);
		break;
	}
	return ok && unique;
}

/* ---- parts and tracks ------------------------------------------------ */

static const char *const part_keys[] = {"id", "name", "weight", "max", "source", "factors",
					  NULL};

static bool parse_part(struct pctx *c, const struct ynode *n,
		const struct factor_defaults *d, struct idlist *ids, struct part *p)
{
	const struct ynode *v, *fs;
	char a[POINTS_FMT_MAX], b[POINTS_FMT_MAX];
	points_t sum = 0;
	size_t i = 0;
	bool ok = true;

	if (!ymap_check(c, n, "part", part_keys))
		return false;
	if (!yneed_id(c, n, "part", "id", &p->id))
		return false;
	ok &= yget_str(c, n, "name", &p->name);
	if (!p->name)
		p->name = p->id;
	ok &= yneed_str(c, n, "part", "source", &p->source);
	v = ymap_need(c, n, "part", "weight");
	if (v && y_points(c, v, &p->weight)) {
		if (p->weight <= 0 || p->weight > 100) {
			perr(c, v, "weight %s of part '%s' must be above 0 and at most 1",
			     points_format(p->weight, a), p->id);
			ok = false;
		}
	} else {
		ok = false;
	}
	p->max = POINTS(100);
	v = ymap_get(n, "max");
	if (v && y_points(c, v, &p->max) && p->max <= 0) {
		perr(c, v, "maximum of part '%s' must be above 0", p->id);
		ok = false;
	}
	fs = ymap_need(c, n, "part", "factors");
	if (!fs || !yseq(c, fs, "factors"))
		return false;
	if (fs->n == 0) {
		perr(c, fs, "part '%s' has no factors", p->id);
		return false;
	}
	p->factors = arena_array(c->a, fs->n, sizeof *p->factors);
	if (!p->factors)
		return false;
	p->nfactors = fs->n;
	for (const struct ynode *k = fs->head; k; k = k->next, i++) {
		if (!parse_factor(c, k, d, ids, false, &p->factors[i]))
			ok = false;
		else
			sum += p->factors[i].max;
	}
	if (ok && sum != p->max) {
		perr(c, fs, "the factor maxima of part '%s' add up to %s, not its maximum %s",
		     p->id, points_format(sum, a), points_format(p->max, b));
		ok = false;
	}
	return ok;
}

static bool parse_parts(struct pctx *c, const struct ynode *v,
		const struct factor_defaults *d, struct track *t)
{
	struct idlist ids = {0}, pids = {0};
	char a[POINTS_FMT_MAX];
	points_t sum = 0;
	size_t i = 0;
	bool ok = true, weights_ok = true;

	if (!yseq(c, v, "parts"))
		return false;
	if (v->n == 0) {
		perr(c, v, "parts: the list is empty");
		return false;
	}
	t->parts = arena_array(c->a, v->n, sizeof *t->parts);
	if (!t->parts)
		return false;
	t->nparts = v->n;
	for (const struct ynode *k = v->head; k; k = k->next, i++) {
		const struct part *p = &t->parts[i];

		ok &= parse_part(c, k, d, &ids, &t->parts[i]);
		if (p->id)
			ok &= idlist_add(c, &pids, p->id, ymap_get(k, "id"), "part");
		/* the weights are checked even when a part has other errors */
		if (p->weight <= 0 || p->weight > 100)
			weights_ok = false;
		sum += p->weight;
	}
	if (weights_ok && sum != 100) {
		perr(c, v, "the part weights%s%s add up to %s, not 1.00", t->id ? " of track " : "",
		     t->id ? t->id : "", points_format(sum, a));
		ok = false;
	}
	return ok && policy_track_derive(t, c->a);
}

bool parse_tracks(struct pctx *c, const struct ynode *root,
		const struct factor_defaults *d, struct programme_policy *p)
{
	static const char *const track_keys[] = {"id", "name", "parts", NULL};
	const struct ynode *parts = ymap_get(root, "parts"), *tracks = ymap_get(root, "tracks");
	struct idlist tids = {0};
	size_t i = 0;
	bool ok = true;

	if (!d->scored) {
		if (parts || tracks) {
			perr(c, ymap_key(root, parts ? "parts" : "tracks"),
			     "'%s' does not apply when 'scored' is false", parts ? "parts" : "tracks");
			return false;
		}
		return true;
	}
	if (parts && tracks) {
		perr(c, ymap_key(root, "tracks"), "give either 'parts' (one track) or 'tracks', not both");
		return false;
	}
	if (!parts && !tracks) {
		perr(c, root, "a scored programme needs 'parts' (or 'tracks' with parts)");
		return false;
	}
	if (parts) {
		p->tracks = arena_alloc(c->a, sizeof *p->tracks);
		if (!p->tracks)
			return false;
		p->ntracks = 1;
		return parse_parts(c, parts, d, &p->tracks[0]);
	}
	if (!yseq(c, tracks, "tracks"))
		return false;
	if (tracks->n == 0) {
		perr(c, tracks, "tracks: the list is empty");
		return false;
	}
	p->tracks = arena_array(c->a, tracks->n, sizeof *p->tracks);
	if (!p->tracks)
		return false;
	p->ntracks = tracks->n;
	for (const struct ynode *k = tracks->head; k; k = k->next, i++) {
		struct track *t = &p->tracks[i];
		const struct ynode *tp;

		if (!ymap_check(c, k, "track", track_keys) ||
		    !yneed_id(c, k, "track", "id", &t->id)) {
			ok = false;
			continue;
		}
		ok &= idlist_add(c, &tids, t->id, ymap_get(k, "id"), "track");
		ok &= yget_str(c, k, "name", &t->name);
		if (!t->name)
			t->name = t->id;
		tp = ymap_need(c, k, "track", "parts");
		ok &= tp && parse_parts(c, tp, d, t);
	}
	return ok;
}
