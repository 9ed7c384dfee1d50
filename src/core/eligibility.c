/* eligibility.c - see eligibility.h. */
#include "eligibility.h"

#include <string.h>

/* An explanation is at most WHY_MAX - 1 bytes, cut after the last piece
 * that fits (as the fixed buffer it was once built in cut it). */
#define WHY_MAX 2048

struct why_out {
	struct strbuf *sb;
	size_t start; /* where the explanation begins in sb */
	bool full;    /* a piece did not fit: nothing more is written */
};

/* fits: whether a piece of n more bytes fits (else nothing more does). */
static bool fits(struct why_out *o, size_t n)
{
	if (!o->full && o->sb->len - o->start + n > WHY_MAX - 1)
		o->full = true;
	return !o->full;
}

static void add(struct why_out *o, const char *s)
{
	size_t n = strlen(s);

	if (fits(o, n))
		strbuf_add(o->sb, s, n);
}

static const char *tri_word(enum tri t)
{
	return t == TRI_TRUE ? "met" : t == TRI_FALSE ? "not met" : "not answered";
}

/* leaf: "label: met (director)": the condition, its outcome, and the value
 * it looked at when that is more than a yes or no. */
static void leaf(struct why_out *o, const struct predicate *p, const struct facts *f,
		enum tri t)
{
	struct fact_value v;
	const char *value = NULL;
	char buf[256];

	add(o, p->label ? p->label : p->fact);
	add(o, ": ");
	add(o, tri_word(t));
	if (p->fact) {
		facts_lookup(f, p->fact_id, p->fact, &v);
		if (v.type != FACT_MISSING && v.type != FACT_BOOL)
			value = facts_describe(&v, buf, sizeof buf);
	}
	if (value && fits(o, strlen(value) + 3)) {
		strbuf_addstr(o->sb, " (");
		strbuf_addstr(o->sb, value);
		strbuf_addch(o->sb, ')');
	}
}

/* explain: a leaf as above; a combination lists the parts that decided.
 * An ANY that holds names the part that holds; an ALL that fails names
 * the part that fails; otherwise every part is listed.  A labelled NOT
 * reads as the condition its label states.  t is p's outcome (each part's
 * is computed once, here, for the choice and for its own words). */
static void explain(struct why_out *o, const struct predicate *p, const struct facts *f,
		enum tri t)
{
	if (p->op == PRED_NOT && p->label) {
		leaf(o, p, f, t);
		return;
	}
	if (p->op == PRED_ALL || p->op == PRED_ANY || p->op == PRED_NOT) {
		enum tri decisive = p->op == PRED_ANY ? TRI_TRUE : TRI_FALSE;
		bool first = true, only_decisive = t == decisive && p->op != PRED_NOT;

		if (p->label) {
			add(o, p->label);
			add(o, " — ");
		}
		if (p->op == PRED_NOT)
			add(o, "not: ");
		for (size_t i = 0; i < p->nsubs; i++) {
			enum tri ti = predicate_eval(&p->subs[i], f);

			if (only_decisive && ti != decisive)
				continue;
			if (!first)
				add(o, "; ");
			explain(o, &p->subs[i], f, ti);
			first = false;
			if (only_decisive)
				break;
		}
		return;
	}
	leaf(o, p, f, t);
}

void eligibility_write_why(const struct facts *f, const struct criterion_result *r,
		struct strbuf *out)
{
	struct why_out o = {out, out->len, false};

	explain(&o, &r->criterion->test, f, r->holds);
}

bool eligibility_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct eligibility *out)
{
	const char *track = f->app->track;
	bool unknown = false, failed = false;

	memset(out, 0, sizeof *out);
	out->criteria = arena_array(a, pol->ncriteria ? pol->ncriteria : 1, sizeof *out->criteria);
	if (!out->criteria)
		return false;
	for (size_t i = 0; i < pol->ncriteria; i++) {
		const struct criterion *c = &pol->criteria[i];
		struct criterion_result *r;

		if (c->track && (!track || strcmp(c->track, track) != 0))
			continue;
		r = &out->criteria[out->ncriteria++];
		r->criterion = c;
		r->holds = predicate_eval(&c->test, f);
		failed |= r->holds == TRI_FALSE;
		unknown |= r->holds == TRI_UNKNOWN;
	}
	out->eligible = failed ? TRI_FALSE : unknown ? TRI_UNKNOWN : TRI_TRUE;
	return !a->failed;
}

struct why_arg {
	const struct facts *f;
	const struct criterion_result *r;
};

static void write_why(struct strbuf *sb, const void *arg)
{
	const struct why_arg *x = arg;

	eligibility_write_why(x->f, x->r, sb);
}

bool eligibility_texts(const struct facts *f, struct eligibility *el, struct arena *a)
{
	for (size_t i = 0; i < el->ncriteria; i++) {
		struct why_arg x = {f, &el->criteria[i]};

		el->criteria[i].why = strbuf_render(a, write_why, &x);
		if (!el->criteria[i].why)
			return false;
	}
	return true;
}
