/* result_json_cache.c - the result_json_cache (result.h): every fragment
 * of result_json_frag.c written once for each element of a bundle and
 * each value it can take, kept as pieces that result_json_cached() copies.
 */
#include "result_json_impl.h"

const enum check_why rj_const_whys[NCONST_WHY] = {WHY_UPLOAD, WHY_OPTIONAL, WHY_LATER};

struct build {
	struct arena *a;
	struct strbuf sb;
	struct out o; /* writing into sb */
	bool failed;
	struct programme_pieces *pp; /* the programme being built */
	size_t refs_alloc;
};

/* keep: what b->o wrote as *pc, in the arena; then empty b->sb. */
static void keep(struct build *b, struct piece *pc)
{
	out_sync(&b->o);
	pc->s = b->sb.failed ? NULL : arena_strndup(b->a, b->sb.buf, b->sb.len);
	pc->n = b->sb.len;
	if (!pc->s)
		b->failed = true;
	strbuf_reset(&b->sb);
	out_resume(&b->o);
}

static void *alloc_n(struct build *b, size_t n, size_t size)
{
	void *p = arena_array(b->a, n ? n : 1, size);

	if (!p)
		b->failed = true;
	return p;
}

/* build_scored_match: fp's scored_match, as factor() writes a scored
 * choice from scored_head, the input and scored_tail. */
static void build_scored_match(struct build *b, const struct factor *f,
		struct factor_pieces *fp)
{
	fp->scored_match = alloc_n(b, f->nlevels, sizeof *fp->scored_match);
	for (size_t j = 0; !b->failed && j < f->nlevels; j++) {
		const struct level *l = &f->levels[j];

		fp->scored_match[j] = alloc_n(b, l->nmatch, sizeof **fp->scored_match);
		for (size_t m = 0; !b->failed && m < l->nmatch; m++) {
			rj_factor_head(&b->o, f);
			dec(&b->o, l->points);
			rj_factor_state(&b->o, f, FSTATE_SCORED);
			str(&b->o, l->match[m]);
			rj_factor_level(&b->o, f, l->label);
			lit(&b->o, l->provisional ? "true}" : "false}");
			keep(b, &fp->scored_match[j][m]);
		}
	}
}

/* build_scored: fp's scored_head and scored_tail, written by the same
 * fragments as factor() writes a scored result, in the same order. */
static bool build_scored(struct build *b, const struct factor *f, struct factor_pieces *fp)
{
	fp->scored_head = alloc_n(b, f->nlevels, sizeof *fp->scored_head);
	fp->scored_tail = alloc_n(b, f->nlevels, sizeof *fp->scored_tail);
	if (!fp->scored_head || !fp->scored_tail)
		return false;
	for (size_t j = 0; j < f->nlevels; j++) {
		rj_factor_head(&b->o, f);
		dec(&b->o, f->levels[j].points);
		rj_factor_state(&b->o, f, FSTATE_SCORED);
		keep(b, &fp->scored_head[j]);
		rj_factor_level(&b->o, f, f->levels[j].label);
		lit(&b->o, f->levels[j].provisional ? "true}" : "false}");
		keep(b, &fp->scored_tail[j]);
	}
	if (f->kind == FACTOR_CHOICE)
		build_scored_match(b, f, fp);
	return !b->failed;
}

/* keep_open: what b->o wrote as *pc, the text the core wrote from `from`
 * on escaped as the start of a JSON string that the writer goes on with
 * (no closing quote). */
static void keep_open(struct build *b, size_t from, struct piece *pc)
{
	text_end(&b->o, from); /* escapes it and closes the quote */
	keep(b, pc);
	if (pc->s)
		pc->n--; /* the closing quote */
}

/* build_raise: the pieces of f's raise advice items (f a factor of part p),
 * written by the same fragments as advice() writes them. */
static void build_raise(struct build *b, const struct factor *f, const struct part *p,
		struct factor_pieces *fp)
{
	fp->from = alloc_n(b, f->nlevels, sizeof *fp->from);
	fp->raise_to = alloc_n(b, f->nlevels, sizeof *fp->raise_to);
	fp->raise_text = alloc_n(b, f->nlevels, sizeof *fp->raise_text);
	if (b->failed)
		return;
	fp->part_id = p->id;
	rj_raise_head(&b->o, f->id, p->id);
	keep(b, &fp->raise_head);
	for (size_t k = 0; k < f->nlevels; k++) {
		const struct level *l = &f->levels[k];

		str(&b->o, l->label);
		keep(b, &fp->from[k]);
		rj_raise_to(&b->o, l->label);
		keep(b, &fp->raise_to[k]);
		if (advice_level_constant(f, l)) {
			advice_write_raise_head(NULL, f, l, &b->sb);
			keep_open(b, 0, &fp->raise_text[k]);
		}
	}
}

/* build_judged: fp's judged_input and judged_tail, written by the same
 * fragments as factor() writes a judged result, in the same order. */
static void build_judged(struct build *b, const struct factor *f, struct factor_pieces *fp)
{
	fp->judged_input = alloc_n(b, SCORE_MEAN_TEXTS, sizeof *fp->judged_input);
	fp->judged_tail = alloc_n(b, SCORE_MEAN_TEXTS, sizeof *fp->judged_tail);
	if (b->failed)
		return;
	for (unsigned n = 1; n < SCORE_MEAN_TEXTS; n++) {
		rj_factor_state(&b->o, f, FSTATE_SCORED);
		str_or_null(&b->o, score_mean_text(n));
		keep(b, &fp->judged_input[n]);
		for (int prov = 0; prov < 2; prov++) {
			add_uint(&b->o, n);
			rj_factor_tail(&b->o, f);
			lit(&b->o, prov ? "true}" : "false}");
			keep(b, &fp->judged_tail[n][prov]);
		}
	}
}

/* add_ref: f and its pieces into b->pp's refs. */
static void add_ref(struct build *b, const struct factor *f, const struct factor_pieces *fp)
{
	struct programme_pieces *pp = b->pp;

	if (pp->nrefs == b->refs_alloc) {
		size_t n = b->refs_alloc ? 2 * b->refs_alloc : 32;
		struct factor_ref *r = alloc_n(b, n, sizeof *r);

		if (!r)
			return;
		if (pp->nrefs)
			memcpy(r, pp->refs, pp->nrefs * sizeof *r);
		pp->refs = r;
		b->refs_alloc = n;
	}
	pp->refs[pp->nrefs++] = (struct factor_ref){f, fp};
}

static struct factor_pieces *build_factors(struct build *b, const struct part *p,
		const struct factor *fs, size_t n)
{
	struct factor_pieces *fps = alloc_n(b, n, sizeof *fps);

	for (size_t i = 0; fps && i < n; i++) {
		const struct factor *f = &fs[i];
		struct factor_pieces *fp = &fps[i];
		size_t k = 0;

		rj_factor_head(&b->o, f);
		keep(b, &fp->head);
		for (int s = 0; s < NSTATES; s++) {
			rj_factor_state(&b->o, f, (enum factor_state)s);
			keep(b, &fp->state[s]);
		}
		rj_factor_tail(&b->o, f);
		keep(b, &fp->tail);
		fp->labels = alloc_n(b, f->nlevels + f->nrubric, sizeof *fp->labels);
		fp->level = alloc_n(b, f->nlevels + f->nrubric + 1, sizeof *fp->level);
		if (!fp->labels || !fp->level)
			return NULL;
		for (size_t j = 0; j < f->nlevels; j++)
			fp->labels[k++] = f->levels[j].label;
		for (size_t j = 0; j < f->nrubric; j++)
			fp->labels[k++] = f->rubric[j].label;
		fp->nlabels = k;
		for (size_t j = 0; j <= k; j++) {
			rj_factor_level(&b->o, f, j < k ? fp->labels[j] : NULL);
			keep(b, &fp->level[j]);
		}
		if ((f->kind == FACTOR_BRACKET || f->kind == FACTOR_CHOICE) && f->nlevels &&
		    !build_scored(b, f, fp))
			return NULL;
		for (int prov = 0; f->kind == FACTOR_SUM && prov < 2; prov++) {
			/* as factor() writes it piece by piece */
			rj_factor_state(&b->o, f, FSTATE_SCORED);
			lit(&b->o, "null");
			rj_factor_level(&b->o, f, NULL);
			lit(&b->o, prov ? "true, \"subfactors\": [" : "false, \"subfactors\": [");
			keep(b, &fp->sum_tail[prov]);
		}
		if ((f->kind == FACTOR_BRACKET || f->kind == FACTOR_CHOICE) && f->nlevels)
			build_raise(b, f, p, fp);
		if (f->kind == FACTOR_JUDGED)
			build_judged(b, f, fp);
		add_ref(b, f, fp);
		fp->subs = build_factors(b, p, f->subs, f->nsubs);
	}
	return fps;
}

static struct part_pieces *build_parts(struct build *b, const struct track *t)
{
	struct part_pieces *pps = alloc_n(b, t->nparts, sizeof *pps);

	for (size_t i = 0; pps && i < t->nparts; i++) {
		const struct part *p = &t->parts[i];

		rj_part_head(&b->o, p);
		keep(b, &pps[i].head);
		for (int c = 0; c < 2; c++) {
			rj_part_mid(&b->o, p, c);
			keep(b, &pps[i].mid[c]);
		}
		pps[i].factors = build_factors(b, p, p->factors, p->nfactors);
	}
	return pps;
}

static void build_slot(struct build *b, const struct programme_policy *p,
		const struct doc_slot *s, struct slot_pieces *sp)
{
	for (int st = 0; st < NCHECK; st++) {
		rj_item_head(&b->o, s->id, (enum check_state)st);
		keep(b, &sp->head[st]);
	}
	for (int k = 0; k < NCONST_WHY; k++) {
		size_t from;

		from = text_start(&b->o);
		checklist_write_slot_why(p, s, rj_const_whys[k], &b->sb);
		text_end(&b->o, from);
		rj_source_tail(&b->o, s->source);
		keep(b, &sp->why_tail[k]);
	}
	rj_source_tail(&b->o, s->source);
	keep(b, &sp->tail);
	for (int st = 0; st < NCHECK; st++) {
		size_t from;

		rj_item_head(&b->o, s->id, (enum check_state)st);
		from = text_start(&b->o);
		checklist_write_slot_why(p, s, WHY_UPLOADED, &b->sb);
		keep_open(b, from, &sp->uploaded[st]);
	}
}

/* build_window: the pieces of p's window item, as check_item() writes
 * it with checklist_write_why. */
static void build_window(struct build *b, const struct programme_policy *p,
		struct programme_pieces *pp)
{
	/* a date in each of the three cases */
	const date_t dates[NWINDOW_ENDS] = {p->window_opens, p->window_opens - 1,
					    p->window_opens + 1};
	const enum check_state states[NWINDOW_ENDS] = {CHECK_OK, CHECK_PROBLEM, CHECK_PROBLEM};

	for (int st = 0; st < NCHECK; st++) {
		size_t from;

		rj_item_head(&b->o, checklist_window_slot, (enum check_state)st);
		from = text_start(&b->o);
		strbuf_add(&b->sb, p->docrules.window_head, p->docrules.window_head_len);
		keep_open(b, from, &pp->window_head[st]);
	}
	for (int k = 0; k < NWINDOW_ENDS; k++) {
		pp->window_ends[k] = checklist_window_end(p, states[k], dates[k]);
		text_here(&b->o); /* empty: from 0 */
		strbuf_addstr(&b->sb, pp->window_ends[k]);
		text_end(&b->o, 0);
		rj_source_tail(&b->o, p->window_source);
		keep(b, &pp->window_end_tail[k]);
	}
}

static int ref_cmp(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct factor_ref *)x)->f;
	uintptr_t c = (uintptr_t)((const struct factor_ref *)y)->f;

	return (a > c) - (a < c);
}

static void build_programme(struct build *b, const struct programme_policy *p,
		struct programme_pieces *pp)
{
	pp->tracks = alloc_n(b, p->ntracks, sizeof *pp->tracks);
	pp->criteria = alloc_n(b, p->ncriteria, sizeof *pp->criteria);
	pp->slots = alloc_n(b, p->nslots, sizeof *pp->slots);
	if (b->failed)
		return;
	b->pp = pp;
	b->refs_alloc = 0;
	rj_programme_head(&b->o, p);
	keep(b, &pp->head);
	rj_programme_edition(&b->o, p);
	keep(b, &pp->edition);
	for (size_t t = 0; t < p->ntracks; t++)
		pp->tracks[t] = build_parts(b, &p->tracks[t]);
	for (size_t i = 0; i < p->ncriteria; i++) {
		struct criterion_pieces *cp = &pp->criteria[i];

		for (int h = 0; h < NTRI; h++) {
			rj_criterion_head(&b->o, &p->criteria[i], (enum tri)h);
			keep(b, &cp->head[h]);
		}
		rj_source_tail(&b->o, p->criteria[i].source);
		keep(b, &cp->tail);
		for (int h = 0; h < NTRI && eligibility_why_constant(&p->criteria[i]); h++) {
			struct criterion_result r = {.criterion = &p->criteria[i], .holds = h};

			rj_criterion_head(&b->o, r.criterion, r.holds);
			rj_criterion_why(&b->o, NULL, &r);
			rj_source_tail(&b->o, r.criterion->source);
			keep(b, &cp->whole[h]);
		}
	}
	for (size_t i = 0; i < p->nslots; i++)
		build_slot(b, p, &p->slots[i], &pp->slots[i]);
	rj_source_tail(&b->o, p->window_source);
	keep(b, &pp->window_tail);
	build_window(b, p, pp);
	pp->rule_sources[0] = p->docrules.source_format;
	pp->rule_sources[1] = p->docrules.source_names;
	pp->rule_sources[2] = p->docrules.source_translation;
	for (int k = 0; k < NRULE_SOURCES; k++) {
		rj_source_tail(&b->o, pp->rule_sources[k]);
		keep(b, &pp->rule_tails[k]);
	}
	rj_threshold_part(&b->o, p);
	keep(b, &pp->threshold);
	if (pp->nrefs)
		qsort(pp->refs, pp->nrefs, sizeof *pp->refs, ref_cmp);
}

struct result_json_cache *result_json_cache_build(const struct policy_bundle *bundle,
		struct arena *a)
{
	struct build b = {.a = a, .sb = STRBUF_INIT(1 << 24)};
	struct result_json_cache *c = arena_alloc(a, sizeof *c);

	if (!c)
		return NULL;
	b.o.sb = &b.sb;
	out_resume(&b.o);
	c->programmes = bundle->programmes;
	c->nprogrammes = bundle->nprogrammes;
	c->pieces = alloc_n(&b, bundle->nprogrammes, sizeof *c->pieces);
	for (size_t i = 0; !b.failed && i < bundle->nprogrammes; i++)
		build_programme(&b, &bundle->programmes[i], &c->pieces[i]);
	strbuf_release(&b.sb);
	return b.failed ? NULL : c;
}
