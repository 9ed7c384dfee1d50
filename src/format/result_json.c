/* result_json.c - the `yingcai evaluate --json` object of formats.md.
 *
 * Key order and spelling are a contract with outside tools: extend with new
 * keys, never rename.  Decimals are strings with two places.
 *
 * An object is written as a sequence of fragments.  Each fragment that
 * depends only on the policy and on a small enumerated value (a factor's
 * state, a criterion's verdict, the level a factor matched) is one function
 * of result_json_frag.c; result_json() calls them for every result.  A
 * result_json_cache holds the output of those same functions for every
 * element of a bundle and every value, written once, so
 * result_json_cached() writes a result mostly as copies of a few long
 * pieces (a factor is ~6 appends, a document slot 2) and the numbers
 * between them.  Pieces are found by index, from
 * the addresses the evaluation already holds (its factor is element i of
 * its part's factors), never by a hash lookup.  Because both paths run the
 * same fragment functions the bytes are the same by construction;
 * tests/unit/test_result.c compares them on every golden scenario.
 *
 * The sentences the core leaves to be written when shown (`why`, advice
 * `text`) are written straight into the output and escaped there.
 *
 * The files: this one writes a result; result_json_frag.c the fragments;
 * result_json_cache.c builds the cache; result_json_impl.h has the cursor,
 * the small writers and the pieces, shared by the three.
 */
#include "result_json_impl.h"

/* ---- writing ------------------------------------------------------------ */

static void put(struct out *o, const struct piece *pc)
{
	add(o, pc->s, pc->n);
}

/* level_piece: fp's piece for the level label a result names (compared by
 * address), or NULL for a label that is not the factor's own ("holds"). */
static const struct piece *level_piece(const struct factor_pieces *fp, const char *level)
{
	if (!level)
		return &fp->level[fp->nlabels];
	for (size_t k = 0; k < fp->nlabels; k++)
		if (fp->labels[k] == level)
			return &fp->level[k];
	return NULL;
}

/* scored_at: the level of f a scored result r is written with from
 * scored_head/scored_tail (its points and mark are that level's), or
 * f->nlevels when r must be written piece by piece. */
static size_t scored_at(const struct factor_pieces *fp, const struct factor *f,
		const struct factor_result *r)
{
	if (!fp->scored_head || r->state != FSTATE_SCORED || r->nsubs || !r->level)
		return f->nlevels;
	for (size_t k = 0; k < f->nlevels; k++)
		if (fp->labels[k] == r->level)
			return r->points == f->levels[k].points &&
			       r->provisional == f->levels[k].provisional ? k : f->nlevels;
	return f->nlevels;
}

static void subfactors(struct out *o, const struct factor_result *r,
		const struct factor_pieces *fp);

/* factor: one factor result; fp its pieces or NULL. */
static void factor(struct out *o, const struct factor_result *r, const struct factor_pieces *fp)
{
	const struct factor *f = r->factor;
	const struct piece *lv;
	size_t k = fp ? scored_at(fp, f, r) : f->nlevels;

	if (k < f->nlevels && fp->scored_match && r->input_type == FACT_MISSING && r->input) {
		/* a choice: one copy when the input is a match value of its level */
		const struct level *l = &f->levels[k];

		for (size_t m = 0; m < l->nmatch; m++)
			if (l->match[m][0] == r->input[0] && strcmp(l->match[m], r->input) == 0) {
				put(o, &fp->scored_match[k][m]);
				return;
			}
	}
	if (k < f->nlevels) { /* most results: three copies */
		put(o, &fp->scored_head[k]);
		input(o, r);
		put(o, &fp->scored_tail[k]);
		return;
	}
	if (fp && fp->judged_input && r->state == FSTATE_SCORED && !r->nsubs &&
	    r->input_type == FACT_MISSING && r->njudges >= 1 && r->njudges < SCORE_MEAN_TEXTS &&
	    r->input == score_mean_text(r->njudges) && (lv = level_piece(fp, r->level)) != NULL) {
		/* a judged factor: five copies */
		put(o, &fp->head);
		dec(o, r->points);
		put(o, &fp->judged_input[r->njudges]);
		put(o, lv);
		put(o, &fp->judged_tail[r->njudges][r->provisional]);
		return;
	}
	if (fp && f->kind == FACTOR_SUM && r->state == FSTATE_SCORED && r->nsubs && !r->level &&
	    r->input_type == FACT_MISSING && !r->input) { /* a sum: three copies */
		put(o, &fp->head);
		dec(o, r->points);
		put(o, &fp->sum_tail[r->provisional]);
		subfactors(o, r, fp);
		return;
	}
	lv = fp ? level_piece(fp, r->level) : NULL;

	if (fp)
		put(o, &fp->head);
	else
		rj_factor_head(o, f);
	if (r->state == FSTATE_SCORED)
		dec(o, r->points);
	else /* formats.md: a missing fact makes its factor not-provided, never zero */
		lit(o, "null");
	if (fp && (unsigned)r->state < NSTATES)
		put(o, &fp->state[r->state]);
	else
		rj_factor_state(o, f, r->state);
	if (r->state != FSTATE_SCORED) {
		dec(o, r->min);
		lit(o, ", \"max\": ");
		dec(o, r->max);
		lit(o, "}, \"input\": ");
	}
	input(o, r);
	if (lv)
		put(o, lv);
	else
		rj_factor_level(o, f, r->level);
	if (f->kind == FACTOR_JUDGED) {
		add_uint(o, r->njudges);
		if (fp)
			put(o, &fp->tail);
		else
			rj_factor_tail(o, f);
	}
	if (!r->nsubs) {
		if (r->provisional)
			lit(o, "true}");
		else
			lit(o, "false}");
		return;
	}
	if (r->provisional)
		lit(o, "true, \"subfactors\": [");
	else
		lit(o, "false, \"subfactors\": [");
	subfactors(o, r, fp);
}

/* subfactors: r's sub-factor results, after the '[' that opens them. */
static void subfactors(struct out *o, const struct factor_result *r,
		const struct factor_pieces *fp)
{
	const struct factor *f = r->factor;

	for (size_t i = 0; i < r->nsubs; i++) {
		const struct factor_result *s = &r->subs[i];
		size_t si = fp ? INDEX_NEAR(f->subs, f->nsubs, s->factor, i) : 0;

		if (i)
			lit(o, ", ");
		factor(o, s, fp && si < f->nsubs ? &fp->subs[si] : NULL);
	}
	lit(o, "]}");
}

static void parts(struct out *o, const struct scorecard *sc)
{
	const struct part_pieces *pps = NULL;

	if (o->pp) {
		const struct programme_policy *pol = o->ev->policy;
		size_t t = INDEX_OF(pol->tracks, pol->ntracks, sc->track);

		pps = t < pol->ntracks ? o->pp->tracks[t] : NULL;
	}
	lit(o, "[");
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		const struct part *def = p->part;
		size_t k = pps ? INDEX_NEAR(sc->track->parts, sc->track->nparts, def, i) : 0;
		const struct part_pieces *pp = pps && k < sc->track->nparts ? &pps[k] : NULL;

		if (i)
			lit(o, ", ");
		if (pp)
			put(o, &pp->head);
		else
			rj_part_head(o, def);
		dec(o, p->score);
		if (pp)
			put(o, &pp->mid[p->complete]);
		else
			rj_part_mid(o, def, p->complete);
		dec(o, p->min);
		lit(o, ", \"max\": ");
		dec(o, p->max);
		lit(o, "}, \"factors\": [");
		for (size_t j = 0; j < p->nfactors; j++) {
			const struct factor_result *r = &p->factors[j];
			size_t fi = pp ? INDEX_NEAR(def->factors, def->nfactors, r->factor, j) : 0;

			if (j)
				lit(o, ", ");
			factor(o, r, pp && fi < def->nfactors ? &pp->factors[fi] : NULL);
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
	const struct programme_policy *pol = o->ev->policy;

	lit(o, "{\"eligible\": ");
	tri(o, el->eligible);
	lit(o, ", \"criteria\": [");
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		size_t k = o->pp ? INDEX_NEAR(pol->criteria, pol->ncriteria, c->criterion, i) : 0;
		const struct criterion_pieces *cp =
			o->pp && k < pol->ncriteria ? &o->pp->criteria[k] : NULL;

		if (i)
			lit(o, ", ");
		if (cp && (unsigned)c->holds < NTRI && cp->whole[c->holds].s) {
			put(o, &cp->whole[c->holds]); /* a why of the outcome alone */
			continue;
		}
		if (cp && (unsigned)c->holds < NTRI)
			put(o, &cp->head[c->holds]);
		else
			rj_criterion_head(o, c->criterion, c->holds);
		rj_criterion_why(o, &o->ev->facts, c);
		if (cp)
			put(o, &cp->tail);
		else
			rj_source_tail(o, c->criterion->source);
	}
	lit(o, "]}");
}

/* const_why: the index in rj_const_whys of an item whose `why` is the slot's
 * own sentence, or NCONST_WHY. */
static size_t const_why(const struct check_item *it)
{
	for (size_t k = 0; k < NCONST_WHY; k++)
		if (rj_const_whys[k] == it->whykind)
			return checklist_why_constant(it) ? k : NCONST_WHY;
	return NCONST_WHY;
}

/* check_item: item number i of the checklist (slot i when the slots come
 * in the policy's order, as they do). */
/* rule_tail: the source_tail of source, copied when it is a document
 * rule's (a finding on the file type, name or language: their sources
 * quote the notice and would be escaped again each time). */
static void rule_tail(struct out *o, const char *source)
{
	for (int k = 0; o->pp && k < NRULE_SOURCES; k++)
		if (source == o->pp->rule_sources[k]) {
			put(o, &o->pp->rule_tails[k]);
			return;
		}
	rj_source_tail(o, source);
}

/* window_item: it, the window item, from the pieces; false when they do
 * not fit it (nothing written). */
static bool window_item(struct out *o, const struct check_item *it)
{
	const struct programme_policy *pol = o->ev->policy;
	const char *end;

	if (!o->pp || it->slot != checklist_window_slot || it->whykind != WHY_WINDOW ||
	    it->source != pol->window_source || (unsigned)it->state >= NCHECK)
		return false;
	end = checklist_window_end(pol, it->state, o->ev->facts.app->date);
	for (size_t k = 0; k < NWINDOW_ENDS; k++) {
		if (end != o->pp->window_ends[k])
			continue;
		put(o, &o->pp->window_head[it->state]);
		/* as checklist_write_why writes it: ten characters, nothing to escape */
		add(o, o->date, DATE_FMT_MAX - 1);
		put(o, &o->pp->window_end_tail[k]);
		return true;
	}
	return false;
}

static void check_item(struct out *o, const struct check_item *it, size_t i)
{
	const struct programme_policy *pol = o->ev->policy;
	const struct slot_pieces *sp = NULL;
	bool own_source;
	size_t from;

	if (!it->def && window_item(o, it))
		return;
	if (o->pp && it->def) {
		size_t k = INDEX_NEAR(pol->slots, pol->nslots, it->def, i);

		if (k < pol->nslots && it->slot == it->def->id)
			sp = &o->pp->slots[k];
	}
	own_source = sp && it->source == it->def->source;
	if (own_source && it->whykind == WHY_UPLOADED && (unsigned)it->state < NCHECK) {
		put(o, &sp->uploaded[it->state]);
		from = text_here(o);
		checklist_write_files(it, o->sb);
		text_end(o, from);
		put(o, &sp->tail);
		return;
	}
	if (sp && (unsigned)it->state < NCHECK)
		put(o, &sp->head[it->state]);
	else
		rj_item_head(o, it->slot, it->state);
	if (own_source) {
		/* most items say only what the slot is: one copy to the end */
		size_t k = const_why(it);

		if (k < NCONST_WHY) {
			put(o, &sp->why_tail[k]);
			return;
		}
	}
	from = text_start(o);
	checklist_write_why(pol, &o->ev->facts, it, &o->scratch, o->sb);
	text_end(o, from);
	if (own_source)
		put(o, &sp->tail);
	else if (o->pp && !it->def && it->source == pol->window_source)
		put(o, &o->pp->window_tail);
	else
		rule_tail(o, it->source);
}

static void checklist(struct out *o, const struct checklist *cl)
{

	lit(o, "{\"complete\": ");
	boolean(o, cl->complete);
	lit(o, ", \"items\": [");
	for (size_t i = 0; i < cl->nitems; i++) {
		if (i)
			lit(o, ", ");
		check_item(o, &cl->items[i], i);
	}
	lit(o, "]}");
}

/* factor_pieces_of: the pieces of factor f of ev's programme, or NULL. */
static const struct factor_pieces *factor_pieces_of(const struct out *o,
		const struct factor *f)
{
	size_t lo = 0, hi = o->pp ? o->pp->nrefs : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct factor_ref *r = &o->pp->refs[mid];

		if (r->f == f)
			return r->fp;
		if ((uintptr_t)r->f < (uintptr_t)f)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* raise_cached: it, a raise item, written from its factor's pieces (the
 * sentence's start, then the rest by the core); false when they do not
 * fit it (nothing written). */
static bool raise_cached(struct out *o, const struct evaluation *ev, const struct advice *ad,
		const struct advice_item *it)
{
	const struct factor *f = it->result->factor;
	const struct factor_pieces *fp;
	size_t k, j;

	if (it->provide || !it->from_level || !(fp = factor_pieces_of(o, f)) || !fp->raise_text)
		return false;
	k = INDEX_OF(f->levels, f->nlevels, it->level);
	if (k == f->nlevels || !fp->raise_text[k].s || it->to_level != f->levels[k].label ||
	    it->factor != f->id || it->part != fp->part_id)
		return false;
	put(o, &fp->raise_head);
	for (j = 0; j < f->nlevels && f->levels[j].label != it->from_level; j++)
		;
	if (j < f->nlevels)
		put(o, &fp->from[j]);
	else
		str(o, it->from_level);
	put(o, &fp->raise_to[k]);
	dec(o, it->part_gain);
	rj_advice_marks(o, ad, it);
	put(o, &fp->raise_text[k]);
	{
		size_t from = text_here(o);

		advice_write_raise_rest(&ev->facts, ad, it, o->sb);
		text_end(o, from);
	}
	lit(o, "}");
	return true;
}

/* advice: ad, the advice of ev, as a JSON array; `judged`: with the item
 * on the experts' share (not for the best case, where they gave everything). */
static void advice(struct out *o, const struct evaluation *ev, const struct advice *ad,
		bool judged)
{
	bool first = true;
	size_t from;

	lit(o, "[");
	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		if (!first)
			lit(o, ", ");
		first = false;
		if (raise_cached(o, ev, ad, it))
			continue;
		if (it->from_level) {
			rj_raise_head(o, it->factor, it->part);
		} else {
			lit(o, "{\"kind\": \"provide\", \"factor\": ");
			str(o, it->factor);
			lit(o, ", \"part\": ");
			str_or_null(o, it->part);
			lit(o, ", \"from\": ");
		}
		str_or_null(o, it->from_level);
		rj_raise_to(o, it->to_level);
		dec(o, it->part_gain);
		rj_advice_marks(o, ad, it);
		from = text_here(o);
		advice_write_text(&ev->facts, ad, it, o->sb);
		text_end(o, from);
		lit(o, "}");
	}
	if (judged && ad->has_judged_needed) {
		if (!first)
			lit(o, ", ");
		lit(o, "{\"kind\": \"judged\", \"judged_points_needed\": ");
		dec(o, ad->judged_needed);
		lit(o, ", \"text\": \"");
		from = text_here(o);
		advice_write_judged_text(&ev->scorecard, ad, o->sb);
		text_end(o, from);
		lit(o, "}");
	}
	lit(o, "]");
}

static void totals(struct out *o, const struct evaluation *ev,
		const struct programme_pieces *pp)
{
	const struct scorecard *sc = &ev->scorecard;

	if (sc->scored) {
		lit(o, ", \"total\": ");
		dec(o, sc->total);
		if (pp)
			put(o, &pp->threshold);
		else
			rj_threshold_part(o, ev->policy);
	} else {
		lit(o, ", \"total\": null, \"threshold\": null, \"threshold_source\": null");
	}
	lit(o, ", \"passes\": ");
	tri(o, ev->passes);
	if (sc->scored) {
		lit(o, ", \"range\": {\"min\": ");
		dec(o, sc->min);
		lit(o, ", \"max\": ");
		dec(o, sc->max);
		lit(o, "}");
	} else {
		lit(o, ", \"range\": null");
	}
	lit(o, ", \"flags\": ");
	flags(o, sc->flags);
	if (sc->nexpert_totals) {
		/* each expert's own total: how a split panel is decided */
		lit(o, ", \"expert_totals\": [");
		for (size_t i = 0; i < sc->nexpert_totals; i++) {
			lit(o, i ? ", {\"expert\": " : "{\"expert\": ");
			str_or_null(o, sc->expert_ids[i]);
			lit(o, ", \"total\": ");
			dec(o, sc->expert_totals[i]);
			lit(o, "}");
		}
		lit(o, "]");
	}
}

void result_json_cached(const struct evaluation *ev, const struct result_json_cache *cache,
		struct strbuf *sb)
{
	const struct programme_policy *pol = ev->policy;
	struct out out = {.sb = sb, .ev = ev}, *o = &out;

	if (cache) {
		size_t k = INDEX_OF(cache->programmes, cache->nprogrammes, pol);

		o->pp = k < cache->nprogrammes ? &cache->pieces[k] : NULL;
	}
	arena_init(&o->scratch, 0);
	out_resume(o);
	if (o->pp)
		put(o, &o->pp->head);
	else
		rj_programme_head(o, pol);
	if (ev->facts.app->track) {
		lit(o, ", \"track\": ");
		str(o, ev->facts.app->track);
	}
	if (o->pp)
		put(o, &o->pp->edition);
	else
		rj_programme_edition(o, pol);
	/* date_format always writes ten characters, digits and '-' (nothing
	 * to escape), so they go between the quotes as they are */
	add(o, date_format(ev->facts.app->date, o->date), DATE_FMT_MAX - 1);
	lit(o, "\", \"complete\": ");
	boolean(o, ev->scorecard.complete);
	totals(o, ev, o->pp);
	lit(o, ", \"eligibility\": ");
	eligibility(o, &ev->eligibility);
	lit(o, ", \"parts\": ");
	parts(o, &ev->scorecard);
	lit(o, ", \"checklist\": ");
	checklist(o, &ev->checklist);
	lit(o, ", \"advice\": ");
	advice(o, ev, &ev->advice, true);
	if (ev->full_marks && ev->full_marks->advice.nitems) {
		/* present only when even full expert marks cannot reach the
		 * threshold: the changes that would reach it in that best case */
		lit(o, ", \"advice_full_marks\": ");
		advice(o, ev->full_marks, &ev->full_marks->advice, false);
	}
	lit(o, "}");
	out_sync(o);
	arena_release(&o->scratch);
}

void result_json(const struct evaluation *ev, struct strbuf *sb)
{
	result_json_cached(ev, NULL, sb);
}
