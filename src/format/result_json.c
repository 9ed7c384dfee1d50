/* result_json.c - the `yingcai evaluate --json` object of formats.md.
 *
 * Key order and spelling are a contract with outside tools: extend with new
 * keys, never rename.  Decimals are strings with two places.
 *
 * Most of an object's bytes are the policy's own strings: ids, levels and
 * above all the clauses (`source`) quoted from the published texts.  With a
 * result_json_cache those are written as JSON once, when the cache is
 * built, and copied as they are into every result.  The sentences the core
 * leaves to be written when shown (`why`, advice `text`) are written
 * straight into the output and escaped there.
 */
#include "result.h"

#include <stdint.h>
#include <string.h>

/* ---- the cache of policy strings -------------------------------------- */

/* A table keyed by address: a policy string, factor or slot, with up to
 * three pieces of JSON written for it. */
struct entry {
	const void *key;
	const char *json[3];
	size_t len[3];
};

struct table {
	struct entry *slots; /* open addressing, a power of two long */
	size_t mask;
	size_t n;
};

struct result_json_cache {
	struct table strs;    /* a string: [0] it as a JSON string literal */
	struct table factors; /* a factor: [0] `{"id": ..., "kind": ..., "points": `,
			       * [1] `, "max": ..., "state": `,
			       * [2] `, "source": ..., "provisional": ` */
	struct table slots;   /* a document slot: [k] its `why` for WHY_UPLOAD,
			       * WHY_OPTIONAL, WHY_LATER as a JSON string */
	struct arena *a;
	bool counting;        /* first pass: only count the keys */
	bool failed;          /* out of memory */
};

static const enum check_why slot_whys[3] = {WHY_UPLOAD, WHY_OPTIONAL, WHY_LATER};

static size_t hash(const struct table *t, const void *key)
{
	return (size_t)(((uint64_t)(uintptr_t)key * UINT64_C(0x9E3779B97F4A7C15)) >> 32) & t->mask;
}

static const struct entry *find(const struct table *t, const void *key)
{
	size_t i;

	if (!t->slots)
		return NULL;
	for (i = hash(t, key); t->slots[i].key; i = (i + 1) & t->mask)
		if (t->slots[i].key == key)
			return &t->slots[i];
	return NULL;
}

/* add: key's entry to fill, or NULL when it is there already (or when
 * only counting). */
static struct entry *add(struct result_json_cache *c, struct table *t, const void *key)
{
	size_t i;

	if (c->counting) {
		t->n++;
		return NULL;
	}
	for (i = hash(t, key); t->slots[i].key; i = (i + 1) & t->mask)
		if (t->slots[i].key == key)
			return NULL;
	t->slots[i].key = key;
	return &t->slots[i];
}

/* keep: what sb holds as piece k of e, in the arena. */
static void keep(struct result_json_cache *c, struct entry *e, int k, struct strbuf *sb)
{
	e->json[k] = sb->failed ? NULL : arena_strndup(c->a, sb->buf, sb->len);
	e->len[k] = sb->len;
	if (!e->json[k]) {
		c->failed = true;
		e->key = NULL; /* not usable: found by nobody */
	}
	strbuf_reset(sb);
}

static void cache_str(struct result_json_cache *c, struct strbuf *sb, const char *s)
{
	struct entry *e;

	if (s && (e = add(c, &c->strs, s))) {
		strbuf_add_json(sb, s);
		keep(c, e, 0, sb);
	}
}

static void cache_factors(struct result_json_cache *c, struct strbuf *sb,
		const struct factor *fs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct factor *f = &fs[i];
		struct entry *e;
		char max[POINTS_FMT_MAX];

		cache_str(c, sb, f->id);
		cache_str(c, sb, f->source);
		for (size_t k = 0; k < f->nlevels; k++)
			cache_str(c, sb, f->levels[k].label);
		for (size_t k = 0; k < f->nrubric; k++)
			cache_str(c, sb, f->rubric[k].label);
		if (f->gate)
			cache_str(c, sb, f->gate->label);
		if ((e = add(c, &c->factors, f))) {
			strbuf_addstr(sb, "{\"id\": ");
			strbuf_add_json(sb, f->id);
			strbuf_addstr(sb, ", \"kind\": ");
			strbuf_add_json(sb, factor_kind_name(f->kind));
			strbuf_addstr(sb, ", \"points\": ");
			keep(c, e, 0, sb);
			strbuf_addstr(sb, ", \"max\": \"");
			strbuf_addstr(sb, points_format(f->max, max));
			strbuf_addstr(sb, "\", \"state\": ");
			keep(c, e, 1, sb);
			strbuf_addstr(sb, ", \"source\": ");
			if (f->source)
				strbuf_add_json(sb, f->source);
			else
				strbuf_addstr(sb, "null");
			strbuf_addstr(sb, ", \"provisional\": ");
			keep(c, e, 2, sb);
		}
		cache_factors(c, sb, f->subs, f->nsubs);
	}
}

static void cache_slot(struct result_json_cache *c, struct strbuf *sb,
		const struct programme_policy *p, const struct doc_slot *s)
{
	struct entry *e;

	cache_str(c, sb, s->id);
	cache_str(c, sb, s->source);
	if (!(e = add(c, &c->slots, s)))
		return;
	for (int k = 0; k < 3; k++) {
		size_t from;

		strbuf_addch(sb, '"');
		from = sb->len;
		checklist_write_slot_why(p, s, slot_whys[k], sb);
		strbuf_json_quote_from(sb, from);
		keep(c, e, k, sb);
	}
}

/* cache_all: every string of b that a result names, the names of states
 * and kinds, and the pieces of factors and slots. */
static void cache_all(struct result_json_cache *c, const struct policy_bundle *b,
		struct strbuf *sb)
{
	for (int k = FACTOR_BRACKET; k <= FACTOR_GATE; k++)
		cache_str(c, sb, factor_kind_name((enum factor_kind)k));
	for (int s = FSTATE_SCORED; s <= FSTATE_NOT_JUDGED; s++)
		cache_str(c, sb, factor_state_name((enum factor_state)s));
	for (int s = CHECK_OK; s <= CHECK_LATER; s++)
		cache_str(c, sb, check_state_name((enum check_state)s));
	for (size_t i = 0; i < b->nprogrammes; i++) {
		const struct programme_policy *p = &b->programmes[i];

		cache_str(c, sb, p->programme);
		cache_str(c, sb, p->edition);
		cache_str(c, sb, p->source);
		cache_str(c, sb, p->docrules.source_format);
		cache_str(c, sb, p->docrules.source_names);
		cache_str(c, sb, p->docrules.source_translation);
		for (size_t t = 0; t < p->ntracks; t++)
			for (size_t k = 0; k < p->tracks[t].nparts; k++) {
				const struct part *pt = &p->tracks[t].parts[k];
				cache_str(c, sb, pt->id);
				cache_factors(c, sb, pt->factors, pt->nfactors);
			}
		for (size_t k = 0; k < p->ncriteria; k++) {
			cache_str(c, sb, p->criteria[k].id);
			cache_str(c, sb, p->criteria[k].source);
		}
		for (size_t k = 0; k < p->nslots; k++)
			cache_slot(c, sb, p, &p->slots[k]);
	}
}

static bool table_alloc(struct result_json_cache *c, struct table *t)
{
	size_t size = 16;

	while (size < 2 * t->n)
		size *= 2;
	t->slots = arena_array(c->a, size, sizeof *t->slots);
	t->mask = size - 1;
	return t->slots != NULL;
}

struct result_json_cache *result_json_cache_build(const struct policy_bundle *b,
		struct arena *a)
{
	struct result_json_cache *c = arena_alloc(a, sizeof *c);
	struct strbuf sb = STRBUF_INIT(1 << 24);

	if (!c)
		return NULL;
	c->a = a;
	c->counting = true;
	cache_all(c, b, &sb);
	c->counting = false;
	if (!table_alloc(c, &c->strs) || !table_alloc(c, &c->factors) ||
	    !table_alloc(c, &c->slots))
		return NULL;
	cache_all(c, b, &sb);
	strbuf_release(&sb);
	return c->failed ? NULL : c;
}

/* ---- writing ---------------------------------------------------------- */

struct out {
	struct strbuf *sb;
	const struct evaluation *ev;
	const struct result_json_cache *cache; /* or NULL */
	struct arena scratch; /* for the rare long text (checklist_write_why) */
};

static void lit(struct out *o, const char *s)
{
	strbuf_addstr(o->sb, s);
}

/* str: s as a JSON string: copied from the cache when it is a policy
 * string, else escaped. */
static void str(struct out *o, const char *s)
{
	const struct entry *e = o->cache ? find(&o->cache->strs, s) : NULL;

	if (e)
		strbuf_add(o->sb, e->json[0], e->len[0]);
	else
		strbuf_add_json(o->sb, s);
}

/* piece: piece k of what the cache holds for key, or false. */
static bool piece(struct out *o, const struct table *t, const void *key, int k)
{
	const struct entry *e = o->cache ? find(t, key) : NULL;

	if (e)
		strbuf_add(o->sb, e->json[k], e->len[k]);
	return e != NULL;
}

static void str_or_null(struct out *o, const char *s)
{
	if (s)
		str(o, s);
	else
		lit(o, "null");
}

/* dec: p as points_format() writes it, in quotes ("12.30"): digits from
 * the right into a small buffer, then one append (a result has some 170). */
static void dec(struct out *o, points_t p)
{
	char buf[POINTS_FMT_MAX + 2];
	char *e = buf + sizeof buf, *b = e;
	uint64_t v = p < 0 ? (uint64_t)0 - (uint64_t)p : (uint64_t)p;

	*--b = '"';
	*--b = (char)('0' + v % 10);
	v /= 10;
	*--b = (char)('0' + v % 10);
	v /= 10;
	*--b = '.';
	do {
		*--b = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (p < 0)
		*--b = '-';
	*--b = '"';
	strbuf_add(o->sb, b, (size_t)(e - b));
}

static void boolean(struct out *o, bool b)
{
	lit(o, b ? "true" : "false");
}

static void tri(struct out *o, enum tri t)
{
	lit(o, t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : "null");
}

/* text_start, text_end: a sentence written by the core between them
 * becomes a JSON string. */
static size_t text_start(struct out *o)
{
	strbuf_addch(o->sb, '"');
	return o->sb->len;
}

static void text_end(struct out *o, size_t from)
{
	strbuf_json_quote_from(o->sb, from);
}

static void factor(struct out *o, const struct factor_result *r)
{
	const struct factor *f = r->factor;
	const struct table *pieces = o->cache ? &o->cache->factors : NULL;

	if (!piece(o, pieces, f, 0)) {
		lit(o, "{\"id\": ");
		str(o, f->id);
		lit(o, ", \"kind\": ");
		str(o, factor_kind_name(f->kind));
		lit(o, ", \"points\": ");
	}
	dec(o, r->points);
	if (!piece(o, pieces, f, 1)) {
		lit(o, ", \"max\": ");
		dec(o, f->max);
		lit(o, ", \"state\": ");
	}
	str(o, factor_state_name(r->state));
	if (r->state != FSTATE_SCORED) {
		lit(o, ", \"range\": {\"min\": ");
		dec(o, r->min);
		lit(o, ", \"max\": ");
		dec(o, r->max);
		lit(o, "}");
	}
	lit(o, ", \"input\": ");
	str_or_null(o, r->input);
	lit(o, ", \"level\": ");
	str_or_null(o, r->level);
	if (f->kind == FACTOR_JUDGED) {
		lit(o, ", \"experts\": ");
		strbuf_add_uint(o->sb, r->njudges);
	}
	if (!piece(o, pieces, f, 2)) {
		lit(o, ", \"source\": ");
		str_or_null(o, f->source);
		lit(o, ", \"provisional\": ");
	}
	boolean(o, r->provisional);
	if (r->nsubs) {
		lit(o, ", \"subfactors\": [");
		for (size_t i = 0; i < r->nsubs; i++) {
			if (i)
				lit(o, ", ");
			factor(o, &r->subs[i]);
		}
		lit(o, "]");
	}
	lit(o, "}");
}

static void parts(struct out *o, const struct scorecard *sc)
{
	lit(o, "[");
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		if (i)
			lit(o, ", ");
		lit(o, "{\"id\": ");
		str(o, p->part->id);
		lit(o, ", \"weight\": ");
		dec(o, p->part->weight);
		lit(o, ", \"score\": ");
		dec(o, p->score);
		lit(o, ", \"max\": ");
		dec(o, p->part->max);
		lit(o, ", \"complete\": ");
		boolean(o, p->complete);
		lit(o, ", \"range\": {\"min\": ");
		dec(o, p->min);
		lit(o, ", \"max\": ");
		dec(o, p->max);
		lit(o, "}, \"factors\": [");
		for (size_t j = 0; j < p->nfactors; j++) {
			if (j)
				lit(o, ", ");
			factor(o, &p->factors[j]);
		}
		lit(o, "]}");
	}
	lit(o, "]");
}

static void flags(struct out *o, unsigned fl)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{SCORE_SPLIT_PANEL, "\"split-panel\""},
		{SCORE_GATE_FAILED, "\"gate-failed\""},
		{SCORE_WINDOW_CLOSED, "\"window-closed\""},
	};
	bool first = true;

	lit(o, "[");
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(fl & names[i].bit))
			continue;
		if (!first)
			lit(o, ", ");
		lit(o, names[i].name);
		first = false;
	}
	lit(o, "]");
}

static void eligibility(struct out *o, const struct eligibility *el)
{
	lit(o, "{\"eligible\": ");
	tri(o, el->eligible);
	lit(o, ", \"criteria\": [");
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		size_t from;
		if (i)
			lit(o, ", ");
		lit(o, "{\"id\": ");
		str(o, c->criterion->id);
		lit(o, ", \"holds\": ");
		tri(o, c->holds);
		lit(o, ", \"why\": ");
		from = text_start(o);
		eligibility_write_why(&o->ev->facts, c, o->sb);
		text_end(o, from);
		lit(o, ", \"source\": ");
		str_or_null(o, c->criterion->source);
		lit(o, "}");
	}
	lit(o, "]}");
}

static void checklist(struct out *o, const struct checklist *cl)
{
	lit(o, "{\"complete\": ");
	boolean(o, cl->complete);
	lit(o, ", \"items\": [");
	for (size_t i = 0; i < cl->nitems; i++) {
		const struct check_item *it = &cl->items[i];
		size_t from;
		if (i)
			lit(o, ", ");
		lit(o, "{\"slot\": ");
		str(o, it->slot);
		lit(o, ", \"state\": ");
		str(o, check_state_name(it->state));
		lit(o, ", \"why\": ");
		/* most items say only what the slot is: kept in the cache */
		if (!checklist_why_constant(it) || !o->cache ||
		    !piece(o, &o->cache->slots, it->def, it->whykind == WHY_UPLOAD ? 0
							 : it->whykind == WHY_OPTIONAL ? 1 : 2)) {
			from = text_start(o);
			checklist_write_why(o->ev->policy, &o->ev->facts, it, &o->scratch, o->sb);
			text_end(o, from);
		}
		lit(o, ", \"source\": ");
		str_or_null(o, it->source);
		lit(o, "}");
	}
	lit(o, "]}");
}

static void advice(struct out *o, const struct advice *ad)
{
	bool first = true;
	size_t from;

	lit(o, "[");
	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		if (!first)
			lit(o, ", ");
		first = false;
		lit(o, it->from_level ? "{\"kind\": \"raise\"" : "{\"kind\": \"provide\"");
		lit(o, ", \"factor\": ");
		str(o, it->factor);
		lit(o, ", \"part\": ");
		str_or_null(o, it->part);
		lit(o, ", \"from\": ");
		str_or_null(o, it->from_level);
		lit(o, ", \"to\": ");
		str_or_null(o, it->to_level);
		lit(o, ", \"adds_part\": ");
		dec(o, it->part_gain);
		lit(o, ", \"adds_total\": ");
		dec(o, it->total_gain);
		lit(o, ", \"reaches\": ");
		boolean(o, it->reaches);
		lit(o, ", \"combination\": ");
		boolean(o, ad->combination);
		lit(o, ", \"text\": ");
		from = text_start(o);
		advice_write_text(&o->ev->facts, ad, it, o->sb);
		text_end(o, from);
		lit(o, "}");
	}
	if (ad->has_judged_needed) {
		if (!first)
			lit(o, ", ");
		lit(o, "{\"kind\": \"judged\", \"judged_points_needed\": ");
		dec(o, ad->judged_needed);
		lit(o, ", \"text\": ");
		from = text_start(o);
		advice_write_judged_text(&o->ev->scorecard, ad, o->sb);
		text_end(o, from);
		lit(o, "}");
	}
	lit(o, "]");
}

void result_json_cached(const struct evaluation *ev, const struct result_json_cache *cache,
		struct strbuf *sb)
{
	const struct scorecard *sc = &ev->scorecard;
	const struct programme_policy *pol = ev->policy;
	char d[DATE_FMT_MAX];
	struct out o = {sb, ev, cache, {0}};

	arena_init(&o.scratch, 0);
	lit(&o, "{\"programme\": ");
	str(&o, pol->programme);
	if (ev->facts.app->track) {
		lit(&o, ", \"track\": ");
		str(&o, ev->facts.app->track);
	}
	lit(&o, ", \"edition\": ");
	str(&o, pol->edition);
	lit(&o, ", \"date\": ");
	str(&o, date_format(ev->facts.app->date, d));
	lit(&o, ", \"complete\": ");
	boolean(&o, sc->complete);
	if (sc->scored) {
		lit(&o, ", \"total\": ");
		dec(&o, sc->total);
		lit(&o, ", \"threshold\": ");
		dec(&o, pol->threshold);
	} else {
		lit(&o, ", \"total\": null, \"threshold\": null");
	}
	lit(&o, ", \"passes\": ");
	tri(&o, ev->passes);
	if (sc->scored) {
		lit(&o, ", \"range\": {\"min\": ");
		dec(&o, sc->min);
		lit(&o, ", \"max\": ");
		dec(&o, sc->max);
		lit(&o, "}");
	} else {
		lit(&o, ", \"range\": null");
	}
	lit(&o, ", \"flags\": ");
	flags(&o, sc->flags);
	if (sc->nexpert_totals) {
		/* each expert's own total: how a split panel is decided */
		lit(&o, ", \"expert_totals\": [");
		for (size_t i = 0; i < sc->nexpert_totals; i++) {
			lit(&o, i ? ", {\"expert\": " : "{\"expert\": ");
			str_or_null(&o, sc->expert_ids[i]);
			lit(&o, ", \"total\": ");
			dec(&o, sc->expert_totals[i]);
			lit(&o, "}");
		}
		lit(&o, "]");
	}
	lit(&o, ", \"eligibility\": ");
	eligibility(&o, &ev->eligibility);
	lit(&o, ", \"parts\": ");
	parts(&o, sc);
	lit(&o, ", \"checklist\": ");
	checklist(&o, &ev->checklist);
	lit(&o, ", \"advice\": ");
	advice(&o, &ev->advice);
	lit(&o, "}");
	arena_release(&o.scratch);
}

void result_json(const struct evaluation *ev, struct strbuf *sb)
{
	result_json_cached(ev, NULL, sb);
}
