/* result_json.c - the `yingcai evaluate --json` object of formats.md.
 *
 * Key order and spelling are a contract with outside tools: extend with new
 * keys, never rename.  Decimals are strings with two places.
 */
#include "result.h"

#include <string.h>

static void str_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json(sb, s);
	else
		strbuf_addstr(sb, "null");
}

static void dec(struct strbuf *sb, points_t p)
{
	char buf[POINTS_FMT_MAX];

	strbuf_addch(sb, '"');
	strbuf_addstr(sb, points_format(p, buf));
	strbuf_addch(sb, '"');
}

static void boolean(struct strbuf *sb, bool b)
{
	strbuf_addstr(sb, b ? "true" : "false");
}

static void tri(struct strbuf *sb, enum tri t)
{
	strbuf_addstr(sb, t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : "null");
}

static void factor(struct strbuf *sb, const struct factor_result *r)
{
	const struct factor *f = r->factor;

	strbuf_addstr(sb, "{\"id\": ");
	strbuf_add_json(sb, f->id);
	strbuf_addstr(sb, ", \"kind\": ");
	strbuf_add_json(sb, factor_kind_name(f->kind));
	strbuf_addstr(sb, ", \"points\": ");
	dec(sb, r->points);
	strbuf_addstr(sb, ", \"max\": ");
	dec(sb, f->max);
	strbuf_addstr(sb, ", \"state\": ");
	strbuf_add_json(sb, factor_state_name(r->state));
	if (r->state != FSTATE_SCORED) {
		strbuf_addstr(sb, ", \"range\": {\"min\": ");
		dec(sb, r->min);
		strbuf_addstr(sb, ", \"max\": ");
		dec(sb, r->max);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, ", \"input\": ");
	str_or_null(sb, r->input);
	strbuf_addstr(sb, ", \"level\": ");
	str_or_null(sb, r->level);
	if (f->kind == FACTOR_JUDGED) {
		strbuf_addf(sb, ", \"experts\": %u", r->njudges);
	}
	strbuf_addstr(sb, ", \"source\": ");
	str_or_null(sb, f->source);
	strbuf_addstr(sb, ", \"provisional\": ");
	boolean(sb, r->provisional);
	if (r->nsubs) {
		strbuf_addstr(sb, ", \"subfactors\": [");
		for (size_t i = 0; i < r->nsubs; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			factor(sb, &r->subs[i]);
		}
		strbuf_addch(sb, ']');
	}
	strbuf_addch(sb, '}');
}

static void parts(struct strbuf *sb, const struct scorecard *sc)
{
	strbuf_addch(sb, '[');
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		if (i)
			strbuf_addstr(sb, ", ");
		strbuf_addstr(sb, "{\"id\": ");
		strbuf_add_json(sb, p->part->id);
		strbuf_addstr(sb, ", \"weight\": ");
		dec(sb, p->part->weight);
		strbuf_addstr(sb, ", \"score\": ");
		dec(sb, p->score);
		strbuf_addstr(sb, ", \"max\": ");
		dec(sb, p->part->max);
		strbuf_addstr(sb, ", \"complete\": ");
		boolean(sb, p->complete);
		strbuf_addstr(sb, ", \"range\": {\"min\": ");
		dec(sb, p->min);
		strbuf_addstr(sb, ", \"max\": ");
		dec(sb, p->max);
		strbuf_addstr(sb, "}, \"factors\": [");
		for (size_t j = 0; j < p->nfactors; j++) {
			if (j)
				strbuf_addstr(sb, ", ");
			factor(sb, &p->factors[j]);
		}
		strbuf_addstr(sb, "]}");
	}
	strbuf_addch(sb, ']');
}

static void flags(struct strbuf *sb, unsigned fl)
{
	static const struct { unsigned bit; const char *name; } names[] = {
		{SCORE_SPLIT_PANEL, "split-panel"},
		{SCORE_GATE_FAILED, "gate-failed"},
		{SCORE_WINDOW_CLOSED, "window-closed"},
	};
	bool first = true;

	strbuf_addch(sb, '[');
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(fl & names[i].bit))
			continue;
		if (!first)
			strbuf_addstr(sb, ", ");
		strbuf_add_json(sb, names[i].name);
		first = false;
	}
	strbuf_addch(sb, ']');
}

/* Texts the core leaves to be written when shown go straight into the
 * output, then are escaped in place (usually there is nothing to escape). */
struct texts {
	const struct evaluation *ev;
	struct arena scratch; /* for the rare long text (checklist_write_why) */
};

static void eligibility(struct strbuf *sb, const struct eligibility *el, struct texts *tx)
{
	strbuf_addstr(sb, "{\"eligible\": ");
	tri(sb, el->eligible);
	strbuf_addstr(sb, ", \"criteria\": [");
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		size_t from;
		if (i)
			strbuf_addstr(sb, ", ");
		strbuf_addstr(sb, "{\"id\": ");
		strbuf_add_json(sb, c->criterion->id);
		strbuf_addstr(sb, ", \"holds\": ");
		tri(sb, c->holds);
		strbuf_addstr(sb, ", \"why\": \"");
		from = sb->len;
		eligibility_write_why(&tx->ev->facts, c, sb);
		strbuf_json_quote_from(sb, from);
		strbuf_addstr(sb, ", \"source\": ");
		str_or_null(sb, c->criterion->source);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}");
}

static void checklist(struct strbuf *sb, const struct checklist *cl, struct texts *tx)
{
	strbuf_addstr(sb, "{\"complete\": ");
	boolean(sb, cl->complete);
	strbuf_addstr(sb, ", \"items\": [");
	for (size_t i = 0; i < cl->nitems; i++) {
		const struct check_item *it = &cl->items[i];
		size_t from;
		if (i)
			strbuf_addstr(sb, ", ");
		strbuf_addstr(sb, "{\"slot\": ");
		strbuf_add_json(sb, it->slot);
		strbuf_addstr(sb, ", \"state\": ");
		strbuf_add_json(sb, check_state_name(it->state));
		strbuf_addstr(sb, ", \"why\": \"");
		from = sb->len;
		checklist_write_why(tx->ev->policy, &tx->ev->facts, it, &tx->scratch, sb);
		strbuf_json_quote_from(sb, from);
		strbuf_addstr(sb, ", \"source\": ");
		str_or_null(sb, it->source);
		strbuf_addch(sb, '}');
	}
	strbuf_addstr(sb, "]}");
}

static void advice(struct strbuf *sb, const struct advice *ad, struct texts *tx)
{
	size_t from;

	bool first = true;

	strbuf_addch(sb, '[');
	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		if (!first)
			strbuf_addstr(sb, ", ");
		first = false;
		strbuf_addstr(sb, "{\"kind\": ");
		strbuf_add_json(sb, it->from_level ? "raise" : "provide");
		strbuf_addstr(sb, ", \"factor\": ");
		strbuf_add_json(sb, it->factor);
		strbuf_addstr(sb, ", \"part\": ");
		str_or_null(sb, it->part);
		strbuf_addstr(sb, ", \"from\": ");
		str_or_null(sb, it->from_level);
		strbuf_addstr(sb, ", \"to\": ");
		str_or_null(sb, it->to_level);
		strbuf_addstr(sb, ", \"adds_part\": ");
		dec(sb, it->part_gain);
		strbuf_addstr(sb, ", \"adds_total\": ");
		dec(sb, it->total_gain);
		strbuf_addstr(sb, ", \"reaches\": ");
		boolean(sb, it->reaches);
		strbuf_addstr(sb, ", \"combination\": ");
		boolean(sb, ad->combination);
		strbuf_addstr(sb, ", \"text\": \"");
		from = sb->len;
		advice_write_text(&tx->ev->facts, ad, it, sb);
		strbuf_json_quote_from(sb, from);
		strbuf_addch(sb, '}');
	}
	if (ad->has_judged_needed) {
		if (!first)
			strbuf_addstr(sb, ", ");
		strbuf_addstr(sb, "{\"kind\": \"judged\", \"judged_points_needed\": ");
		dec(sb, ad->judged_needed);
		strbuf_addstr(sb, ", \"text\": \"");
		from = sb->len;
		advice_write_judged_text(&tx->ev->scorecard, ad, sb);
		strbuf_json_quote_from(sb, from);
		strbuf_addch(sb, '}');
	}
	strbuf_addch(sb, ']');
}

void result_json(const struct evaluation *ev, struct strbuf *sb)
{
	const struct scorecard *sc = &ev->scorecard;
	const struct programme_policy *pol = ev->policy;
	char d[DATE_FMT_MAX];
	struct texts tx = {ev, {0}};

	arena_init(&tx.scratch, 0);
	strbuf_addstr(sb, "{\"programme\": ");
	strbuf_add_json(sb, pol->programme);
	if (ev->facts.app->track) {
		strbuf_addstr(sb, ", \"track\": ");
		strbuf_add_json(sb, ev->facts.app->track);
	}
	strbuf_addstr(sb, ", \"edition\": ");
	strbuf_add_json(sb, pol->edition);
	strbuf_addstr(sb, ", \"date\": ");
	strbuf_add_json(sb, date_format(ev->facts.app->date, d));
	strbuf_addstr(sb, ", \"complete\": ");
	boolean(sb, sc->complete);
	if (sc->scored) {
		strbuf_addstr(sb, ", \"total\": ");
		dec(sb, sc->total);
		strbuf_addstr(sb, ", \"threshold\": ");
		dec(sb, pol->threshold);
	} else {
		strbuf_addstr(sb, ", \"total\": null, \"threshold\": null");
	}
	strbuf_addstr(sb, ", \"passes\": ");
	tri(sb, ev->passes);
	if (sc->scored) {
		strbuf_addstr(sb, ", \"range\": {\"min\": ");
		dec(sb, sc->min);
		strbuf_addstr(sb, ", \"max\": ");
		dec(sb, sc->max);
		strbuf_addch(sb, '}');
	} else {
		strbuf_addstr(sb, ", \"range\": null");
	}
	strbuf_addstr(sb, ", \"flags\": ");
	flags(sb, sc->flags);
	if (sc->nexpert_totals) {
		/* each expert's own total: how a split panel is decided */
		strbuf_addstr(sb, ", \"expert_totals\": [");
		for (size_t i = 0; i < sc->nexpert_totals; i++) {
			strbuf_addstr(sb, i ? ", {\"expert\": " : "{\"expert\": ");
			str_or_null(sb, sc->expert_ids[i]);
			strbuf_addstr(sb, ", \"total\": ");
			dec(sb, sc->expert_totals[i]);
			strbuf_addch(sb, '}');
		}
		strbuf_addch(sb, ']');
	}
	strbuf_addstr(sb, ", \"eligibility\": ");
	eligibility(sb, &ev->eligibility, &tx);
	strbuf_addstr(sb, ", \"parts\": ");
	parts(sb, sc);
	strbuf_addstr(sb, ", \"checklist\": ");
	checklist(sb, &ev->checklist, &tx);
	strbuf_addstr(sb, ", \"advice\": ");
	advice(sb, &ev->advice, &tx);
	strbuf_addch(sb, '}');
	arena_release(&tx.scratch);
}
