/* eligibility.c - see eligibility.h. */
#include "eligibility.h"

#include <string.h>

#include "lib/strbuf.h"

#define WHY_MAX 2048

static const char *tri_word(enum tri t)
{
	return t == TRI_TRUE ? "yes" : t == TRI_FALSE ? "no" : "not provided";
}

/* explain: "label (fact: value): yes" for leaves; combinations list the
 * parts that decided.  An ANY that holds names the part that holds; an ALL
 * that fails names the part that fails; otherwise every part is listed. */
static void explain(struct strbuf *sb, const struct predicate *p, const struct facts *f)
{
	enum tri t = predicate_eval(p, f);
	struct fact_value v;
	char buf[256];

	if (p->op == PRED_ALL || p->op == PRED_ANY || p->op == PRED_NOT) {
		enum tri decisive = p->op == PRED_ANY ? TRI_TRUE : TRI_FALSE;
		bool first = true, only_decisive = t == decisive && p->op != PRED_NOT;

		if (p->label && p->op != PRED_NOT) {
			strbuf_addstr(sb, p->label);
			strbuf_addstr(sb, ": ");
		}
		for (size_t i = 0; i < p->nsubs; i++) {
			if (only_decisive && predicate_eval(&p->subs[i], f) != decisive)
				continue;
			if (!first)
				strbuf_addstr(sb, "; ");
			explain(sb, &p->subs[i], f);
			first = false;
			if (only_decisive)
				break;
		}
		if (p->op == PRED_NOT) {
			strbuf_addstr(sb, " -> ");
			strbuf_addstr(sb, tri_word(t));
		}
		return;
	}
	facts_get(f, p->fact, &v);
	strbuf_addstr(sb, p->label ? p->label : p->fact);
	strbuf_addf(sb, " (%s: %s): %s", p->fact, facts_describe(&v, buf, sizeof buf),
		    tri_word(t));
}

bool eligibility_compute(const struct programme_policy *pol, const struct facts *f,
		struct arena *a, struct eligibility *out)
{
	char why[WHY_MAX];
	struct strbuf sb;
	const char *track = f->app->track;
	bool unknown = false, failed = false;

	memset(out, 0, sizeof *out);
	strbuf_init_fixed(&sb, why, sizeof why);
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
		strbuf_reset(&sb);
		explain(&sb, &c->test, f);
		r->why = arena_strndup(a, sb.buf, sb.len);
		failed |= r->holds == TRI_FALSE;
		unknown |= r->holds == TRI_UNKNOWN;
	}
	out->eligible = failed ? TRI_FALSE : unknown ? TRI_UNKNOWN : TRI_TRUE;
	return !a->failed;
}
