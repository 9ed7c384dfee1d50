/* result_text.c - the scorecard as a person reads it in a terminal.
 *
 *   two-zones 2025 · application date 2025-12-01
 *   Eligibility  eligible
 *   Total        82.50 of 100   threshold 70.00   PASSES
 *
 *   personal     84.00 ████████████████░░░░  x0.70 = 58.80
 *     age            5.00 /  5.00  41 → 26-55                 provisional
 *
 * Every factor line shows the input it used, the level it matched and a
 * provisional mark where the value is a default the source does not
 * publish; the legend at the end says what that means.
 */
#include "result.h"

#include <stdio.h>
#include <string.h>

#define BAR_CELLS 20

struct style {
	const char *bold, *dim, *good, *bad, *warn, *off;
};

static const struct style plain = {"", "", "", "", "", ""};
static const struct style ansi = {"\033[1m", "\033[2m", "\033[32m", "\033[31m",
				  "\033[33m", "\033[0m"};

static const char *fmt(points_t p, char *buf)
{
	return points_format(p, buf);
}

/* bar: `cells` cells, filled in proportion to value/max (rounded down). */
static void bar(struct strbuf *sb, points_t value, points_t max, int cells)
{
	int full = max > 0 ? (int)(value * cells / max) : 0;

	if (full < 0)
		full = 0;
	if (full > cells)
		full = cells;
	strbuf_addrep(sb, "█", (size_t)full);
	strbuf_addrep(sb, "░", (size_t)(cells - full));
}

static int display_cols(const char *s)
{
	int cols = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		cols += (*p & 0xC0) != 0x80;
	return cols;
}

/* pad_cut: s left-aligned in `width` display columns (UTF-8 aware); with
 * `cut`, wider text ends in "…" so the columns after it stay aligned. */
static void pad_cut(struct strbuf *sb, const char *s, int width, bool cut)
{
	int cols = display_cols(s);

	if (cut && cols > width) {
		const unsigned char *p = (const unsigned char *)s;
		int n = 0;

		for (; *p; p++) {
			if ((*p & 0xC0) != 0x80 && ++n == width)
				break;
			strbuf_addch(sb, (char)*p);
		}
		strbuf_addstr(sb, "…");
		return;
	}
	strbuf_addstr(sb, s);
	while (cols++ < width)
		strbuf_addch(sb, ' ');
}

static void pad(struct strbuf *sb, const char *s, int width)
{
	pad_cut(sb, s, width, false);
}

static void factor_line(struct strbuf *sb, const struct factor_result *r, int depth,
		const struct style *st)
{
	char p[POINTS_FMT_MAX], m[POINTS_FMT_MAX], lo[POINTS_FMT_MAX], hi[POINTS_FMT_MAX], what[160];
	char num[FACTOR_INPUT_MAX];
	const struct factor *f = r->factor;
	const char *input = factor_result_input(r, num);

	strbuf_addrep(sb, "  ", (size_t)depth + 1);
	pad(sb, f->id, 22 - 2 * depth);
	strbuf_addch(sb, ' ');
	if (f->kind == FACTOR_GATE) {
		strbuf_addf(sb, "%s%-14s%s", r->holds == TRI_TRUE ? st->good : st->bad,
			    r->level ? r->level : "", st->off);
	} else if (r->state == FSTATE_SCORED) {
		strbuf_addf(sb, "%6s / %5s", fmt(r->points, p), fmt(f->max, m));
	} else {
		strbuf_addf(sb, "%s%6s / %5s%s", st->warn, "?", fmt(f->max, m), st->off);
	}
	if (r->state == FSTATE_SCORED && f->kind != FACTOR_GATE && input && r->level &&
	    strcmp(input, r->level) == 0)
		snprintf(what, sizeof what, "%s", r->level);
	else if (r->state == FSTATE_SCORED && f->kind != FACTOR_GATE)
		snprintf(what, sizeof what, "%s%s%s", input ? input : "",
			 input && r->level ? " → " : "", r->level ? r->level : "");
	else if (r->state == FSTATE_NOT_JUDGED) /* a sum may hold scored parts already */
		snprintf(what, sizeof what, "not judged yet (%s to %s)", fmt(r->min, lo),
			 fmt(r->max, hi));
	else if (r->state == FSTATE_NOT_PROVIDED && f->kind != FACTOR_SUM)
		snprintf(what, sizeof what, "not provided%s%s", r->level ? ": " : "",
			 r->level ? r->level : "");
	else if (f->kind == FACTOR_SUM)
		snprintf(what, sizeof what, "sum of %zu, capped at %s", r->nsubs, m);
	else
		snprintf(what, sizeof what, "%s", input ? input : "");
	strbuf_addstr(sb, "  ");
	pad_cut(sb, what, 44, true);
	if (r->provisional)
		strbuf_addf(sb, " %sprovisional*%s", st->warn, st->off);
	strbuf_addch(sb, '\n');
	for (size_t i = 0; i < r->nsubs; i++)
		factor_line(sb, &r->subs[i], depth + 1, st);
}

static void header(struct strbuf *sb, const struct evaluation *ev, const char *name,
		const struct style *st)
{
	const struct application *app = ev->facts.app;
	char d[DATE_FMT_MAX];

	/* the name as typed, but no control character reaches the terminal */
	strbuf_addstr(sb, st->bold);
	strbuf_add_shown(sb, app->applicant.name ? app->applicant.name : name);
	strbuf_addstr(sb, st->off);
	strbuf_addf(sb, " · %s%s%s %s · application date %s\n", ev->policy->programme,
		    app->track ? "/" : "", app->track ? app->track : "", ev->policy->edition,
		    date_format(app->date, d));
}

static void eligibility_lines(struct strbuf *sb, const struct evaluation *ev,
		const struct style *st)
{
	const struct eligibility *el = &ev->eligibility;
	const char *word = el->eligible == TRI_TRUE ? "eligible" :
			   el->eligible == TRI_FALSE ? "not eligible" : "undecided (facts missing)";

	strbuf_addf(sb, "Eligibility  %s%s%s\n", el->eligible == TRI_TRUE ? st->good :
		    el->eligible == TRI_FALSE ? st->bad : st->warn, word, st->off);
	for (size_t i = 0; i < el->ncriteria; i++) {
		const struct criterion_result *c = &el->criteria[i];
		strbuf_addf(sb, "  %s %s\n      ", c->holds == TRI_TRUE ? "✓" :
			    c->holds == TRI_FALSE ? "✗" : "?",
			    c->criterion->name ? c->criterion->name : c->criterion->id);
		eligibility_write_why(&ev->facts, c, sb);
		strbuf_addch(sb, '\n');
	}
}

/* verdict: what a complete card's total means, in capitals after it.  A
 * total at the threshold does not pass when a gate fails, and passing the
 * scorecard is not enough when the eligibility criteria are not met: the
 * words say which, so "PASSES" never stands beside "not eligible". */
static const char *verdict(const struct evaluation *ev, bool *good)
{
	const struct scorecard *sc = &ev->scorecard;

	*good = false;
	if (sc->total < sc->policy->threshold)
		return "BELOW THRESHOLD";
	if (sc->flags & SCORE_GATE_FAILED)
		return "REACHES THE THRESHOLD, BUT A GATE DOES NOT HOLD";
	if (ev->eligibility.eligible == TRI_FALSE)
		return "REACHES THE THRESHOLD, BUT NOT ELIGIBLE";
	if (ev->eligibility.eligible == TRI_UNKNOWN)
		return "REACHES THE THRESHOLD (eligibility undecided)";
	*good = true;
	return "PASSES";
}

static void score_lines(struct strbuf *sb, const struct evaluation *ev, const struct style *st)
{
	const struct scorecard *sc = &ev->scorecard;
	char t[POINTS_FMT_MAX], th[POINTS_FMT_MAX], lo[POINTS_FMT_MAX], hi[POINTS_FMT_MAX];
	bool good;
	const char *word = verdict(ev, &good);

	if (sc->complete)
		strbuf_addf(sb, "Total        %s%s%s of 100   threshold %s   %s%s%s\n",
			    st->bold, fmt(sc->total, t), st->off, fmt(sc->policy->threshold, th),
			    good ? st->good : st->bad, word, st->off);
	else
		strbuf_addf(sb, "Total        incomplete: can still reach %s to %s of 100   "
			    "threshold %s\n", fmt(sc->min, lo), fmt(sc->max, hi),
			    fmt(sc->policy->threshold, th));
	for (size_t i = 0; i < sc->nparts; i++) {
		const struct part_result *p = &sc->parts[i];
		int64_t weighted = points_div_round(p->score * p->part->weight, 100);
		char s[POINTS_FMT_MAX], w[POINTS_FMT_MAX], x[POINTS_FMT_MAX];

		strbuf_addch(sb, '\n');
		strbuf_addstr(sb, st->bold);
		pad(sb, p->part->id, 13);
		strbuf_addf(sb, "%6s%s ", fmt(p->score, s), st->off);
		bar(sb, p->score, p->part->max, BAR_CELLS);
		strbuf_addf(sb, "  x%s = %s%s\n", fmt(p->part->weight, w), fmt(weighted, x),
			    p->complete ? "" : " (so far)");
		for (size_t j = 0; j < p->nfactors; j++)
			factor_line(sb, &p->factors[j], 0, st);
	}
}

static void checklist_lines(struct strbuf *sb, const struct evaluation *ev,
		const struct style *st)
{
	const struct checklist *cl = &ev->checklist;
	struct arena scratch; /* for the rare long text (checklist_write_why) */
	size_t ok = 0;

	arena_init(&scratch, 0);
	for (size_t i = 0; i < cl->nitems; i++)
		ok += cl->items[i].state == CHECK_OK;
	strbuf_addf(sb, "\nDocuments    %s%s%s (%zu of %zu items ok)\n",
		    cl->complete ? st->good : st->warn,
		    cl->complete ? "complete" : "incomplete", st->off, ok, cl->nitems);
	for (size_t i = 0; i < cl->nitems; i++) {
		const struct check_item *it = &cl->items[i];
		const char *mark = it->state == CHECK_OK ? "✓" :
				   it->state == CHECK_MISSING || it->state == CHECK_PROBLEM ? "✗" : "·";
		strbuf_addf(sb, "  %s ", mark);
		pad(sb, it->slot, 36);
		pad(sb, check_state_name(it->state), 11);
		if (it->state != CHECK_OK)
			checklist_write_why(ev->policy, &ev->facts, it, &scratch, sb);
		strbuf_addch(sb, '\n');
	}
	arena_release(&scratch);
}

static void advice_lines(struct strbuf *sb, const struct evaluation *ev)
{
	const struct advice *ad = &ev->advice;

	if (!ad->nitems && !ad->has_judged_needed)
		return;
	strbuf_addstr(sb, "\nAdvice\n");
	if (ad->combination)
		strbuf_addstr(sb, "  No single change reaches the threshold; together:\n");
	for (size_t i = 0; i < ad->nitems; i++) {
		strbuf_addstr(sb, "  - ");
		advice_write_text(&ev->facts, ad, &ad->items[i], sb);
		strbuf_addch(sb, '\n');
	}
	if (ad->has_judged_needed) {
		strbuf_addstr(sb, "  - ");
		advice_write_judged_text(&ev->scorecard, ad, sb);
		strbuf_addch(sb, '\n');
	}
	if (ev->full_marks && ev->full_marks->advice.nitems) {
		const struct evaluation *best = ev->full_marks;

		bool reaches = false;

		for (size_t i = 0; i < best->advice.nitems; i++)
			reaches |= best->advice.items[i].reaches;
		strbuf_addstr(sb, best->advice.combination
			      ? "  With full marks from the experts, these changes together would "
				"reach the threshold:\n"
			      : reaches ? "  With full marks from the experts, any one of these "
					  "changes would reach the threshold:\n"
			      : "  Even with full marks from the experts, no change of your own "
				"facts reaches the threshold; these would add the most:\n");
		for (size_t i = 0; i < best->advice.nitems; i++) {
			strbuf_addstr(sb, "    - ");
			advice_write_text(&best->facts, &best->advice, &best->advice.items[i], sb);
			strbuf_addch(sb, '\n');
		}
	}
}

static bool any_provisional(const struct scorecard *sc)
{
	for (size_t i = 0; i < sc->nparts; i++)
		for (size_t j = 0; j < sc->parts[i].nfactors; j++)
			if (sc->parts[i].factors[j].provisional)
				return true;
	return false;
}

void result_text(const struct evaluation *ev, const char *name, bool color,
		struct strbuf *sb)
{
	const struct style *st = color ? &ansi : &plain;
	const struct scorecard *sc = &ev->scorecard;

	header(sb, ev, name, st);
	eligibility_lines(sb, ev, st);
	if (sc->scored) {
		score_lines(sb, ev, st);
		if (sc->flags & SCORE_SPLIT_PANEL)
			strbuf_addf(sb, "\n%sSplit panel:%s the experts' own totals fall on both "
				    "sides of the threshold; the approver must justify the decision "
				    "in writing.\n", st->warn, st->off);
	} else {
		strbuf_addf(sb, "Result       %s (no points in this programme)\n",
			    ev->passes == TRI_TRUE ? "eligible for accreditation if the documents hold" :
			    ev->passes == TRI_FALSE ? "not eligible" : "undecided: answer the missing facts");
	}
	if (sc->flags & SCORE_WINDOW_CLOSED) {
		char o[DATE_FMT_MAX], c[DATE_FMT_MAX];
		strbuf_addf(sb, "\n%sThe application window (%s to %s) is closed on this date.%s\n",
			    st->warn, date_format(ev->policy->window_opens, o),
			    date_format(ev->policy->window_closes, c), st->off);
	}
	checklist_lines(sb, ev, st);
	advice_lines(sb, ev);
	if (sc->scored && any_provisional(sc))
		strbuf_addstr(sb, "\n* provisional: the source publishes only the maximum; this "
			      "is the platform's default split until the official values are "
			      "published as a new policy edition.\n");
}
