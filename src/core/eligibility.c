/* eligibility.c - see eligibility.h.
 *
 * An explanation is written each time a result is shown, so what does not
 * depend on the application is prepared once per policy
 * (eligibility_derive): each part of a criterion's test gets the words it
 * starts with for each outcome ("label: met") joined, with their length,
 * and its number in the test.  eligibility_compute evaluates each test
 * once, keeping the outcome of every part it looked at (a trace, facts.h),
 * so the explanation reads the outcomes instead of evaluating again.
 * Without derived fields or a trace (policies or results built by hand)
 * the same words are put together piece by piece, as they always were;
 * so are the words of another language (struct why_words: the derived
 * fields hold the English).
 */
#include "eligibility.h"

#include <string.h>

/* An explanation is at most WHY_MAX - 1 bytes, cut after the last piece
 * that fits (as the fixed buffer it was once built in cut it). */
#define WHY_MAX 2048

struct why_out {
	struct strbuf *sb;
	size_t start;   /* where the explanation begins in sb */
	bool full;      /* a piece did not fit: nothing more is written */
	uint64_t trace; /* the outcomes eligibility_compute found (facts.h) */
	const struct why_words *w; /* another language's words, or NULL: English */
};

static const char *const english[WHY_NPIECES] = {
	[WHY_MET] = "met", [WHY_NOT_MET] = "not met", [WHY_NOT_ANSWERED] = "not answered",
	[WHY_COLON] = ": ", [WHY_DASH] = " — ", [WHY_NOT] = "not: ", [WHY_SEP] = "; ",
	[WHY_OPEN] = " (", [WHY_CLOSE] = ")", [WHY_LIST_SEP] = ", ", [WHY_NONE] = "none",
	[WHY_WAGE] = "; the {year} average wage: CNY {cny}", [WHY_PROVISIONAL] = ", provisional",
};

/* word: piece k in the explanation's language. */
static const char *word(const struct why_out *o, enum why_piece k)
{
	return o->w && o->w->piece[k] ? o->w->piece[k] : english[k];
}

/* label_words: a label of the policy in the explanation's language. */
static const char *label_words(const struct why_out *o, const char *s)
{
	return o->w && o->w->label ? o->w->label(o->w->ctx, s) : s;
}

/* fits: whether a piece of n more bytes fits (else nothing more does). */
static bool fits(struct why_out *o, size_t n)
{
	if (!o->full && o->sb->len - o->start + n > WHY_MAX - 1)
		o->full = true;
	return !o->full;
}

/* room: whether n more bytes fit, without deciding anything: a derived
 * string that joins several pieces is written whole only when it fits,
 * and then each of its pieces would have fitted too, one after the other;
 * when it does not, the pieces are added one by one, to cut where they
 * always were cut. */
static bool room(const struct why_out *o, size_t n)
{
	return !o->full && o->sb->len - o->start + n <= WHY_MAX - 1;
}

static void add(struct why_out *o, const char *s)
{
	size_t n = strlen(s);

	if (fits(o, n))
		strbuf_add(o->sb, s, n);
}

static enum why_piece tri_piece(enum tri t)
{
	return t == TRI_TRUE ? WHY_MET : t == TRI_FALSE ? WHY_NOT_MET : WHY_NOT_ANSWERED;
}

/* put_derived: p's derived start for outcome t (policy.h), when it has
 * one and it fits; false: the caller words it piece by piece. */
static bool put_derived(struct why_out *o, const struct predicate *p, enum tri t)
{
	if (o->w || (unsigned)t >= 3 || !p->why[t] || !room(o, p->why_len[t]))
		return false;
	if (p->why_len[t])
		strbuf_add(o->sb, p->why[t], p->why_len[t]);
	return true;
}

/* outcome: p's outcome, from the trace when eligibility_compute recorded
 * it, else evaluated. */
static enum tri outcome(const struct why_out *o, const struct predicate *p,
		const struct facts *f)
{
	enum tri t;

	return predicate_traced(o->trace, p, &t) ? t : predicate_eval(p, f);
}

/* is_leaf: explained as one condition (a labelled NOT reads as the
 * condition its label states). */
static bool is_leaf(const struct predicate *p)
{
	return !(p->op == PRED_ALL || p->op == PRED_ANY || p->op == PRED_NOT) ||
	       (p->op == PRED_NOT && p->label);
}

/* put_wage: "; the 2023 average wage: CNY 141132, provisional": the wage
 * a comparison used, so that its number can be traced, and marked when
 * the wage table says it is provisional (scorecard.md: never hidden). */
static void put_wage(struct why_out *o, const struct wage *w)
{
	char buf[256];
	struct strbuf sb;

	strbuf_init_fixed(&sb, buf, sizeof buf);
	for (const char *s = word(o, WHY_WAGE); *s; s++) {
		if (strncmp(s, "{year}", 6) == 0) {
			strbuf_add_uint(&sb, (unsigned)w->year);
			s += 5;
		} else if (strncmp(s, "{cny}", 5) == 0) {
			const char *cny = o->w && o->w->number
				? o->w->number(o->w->ctx, NULL, w->annual_cny * 100) : NULL;

			if (cny)
				strbuf_addstr(&sb, cny);
			else
				strbuf_add_uint(&sb, (unsigned)w->annual_cny);
			s += 4;
		} else {
			strbuf_addch(&sb, *s);
		}
	}
	if (w->provisional)
		strbuf_addstr(&sb, word(o, WHY_PROVISIONAL));
	if (!sb.failed && fits(o, sb.len + strlen(word(o, WHY_CLOSE))))
		strbuf_add(o->sb, sb.buf, sb.len);
}

/* put_value: v (a set: each member) in the explanation's language, into
 * buf of n bytes, cut as facts_describe cuts; NULL when nothing is shown. */
static const char *put_value(const struct why_out *o, const char *fact,
		const struct fact_value *v, char *buf, size_t n)
{
	struct strbuf sb;

	if (v->type == FACT_MISSING || v->type == FACT_BOOL)
		return NULL;
	if (v->type == FACT_NUMBER && o->w && o->w->number) {
		const char *s = o->w->number(o->w->ctx, fact, v->num);

		if (s)
			return s;
	}
	if (v->type == FACT_TEXT)
		return o->w && o->w->value ? o->w->value(o->w->ctx, fact, v->text) : v->text;
	if (!o->w || !o->w->value || v->type != FACT_SET)
		return facts_describe(v, buf, n);
	if (v->nset == 0)
		return word(o, WHY_NONE);
	strbuf_init_fixed(&sb, buf, n);
	for (size_t i = 0; i < v->nset; i++) {
		if (i)
			strbuf_addstr(&sb, word(o, WHY_LIST_SEP));
		strbuf_addstr(&sb, o->w->value(o->w->ctx, fact, v->set[i]));
	}
	return sb.failed ? facts_describe(v, buf, n) : buf;
}

/* leaf: "label: met (director)": the condition, its outcome, and the value
 * it looked at when that is more than a yes or no. */
static void leaf(struct why_out *o, const struct predicate *p, const struct facts *f,
		enum tri t)
{
	struct fact_value v;
	const char *value, *open, *close;
	char buf[256];
	size_t n;

	if (!put_derived(o, p, t)) {
		add(o, p->label ? label_words(o, p->label) : p->fact);
		add(o, word(o, WHY_COLON));
		add(o, word(o, tri_piece(t)));
	}
	/* derived: the fact is known to be a yes/no (or none): no value */
	if (!p->fact || (p->node && !p->why_value))
		return;
	facts_lookup(f, p->fact_id, p->fact, &v);
	value = put_value(o, p->fact, &v, buf, sizeof buf);
	if (!value)
		return;
	open = word(o, WHY_OPEN);
	close = word(o, WHY_CLOSE);
	n = strlen(value);
	if (fits(o, strlen(open) + n + strlen(close))) {
		strbuf_addstr(o->sb, open);
		strbuf_add(o->sb, value, n);
		if (p->unit == UNIT_AVERAGE_WAGE && f->wage)
			put_wage(o, f->wage);
		strbuf_addstr(o->sb, close);
	}
}

/* explain: a leaf as above; a combination lists the parts that decided.
 * An ANY that holds names the part that holds; an ALL that fails names
 * the part that fails; otherwise every part is listed.  t is p's outcome
 * (each part's is looked up once, here, for the choice and for its own
 * words). */
static void explain(struct why_out *o, const struct predicate *p, const struct facts *f,
		enum tri t)
{
	enum tri decisive = p->op == PRED_ANY ? TRI_TRUE : TRI_FALSE;
	bool first = true, only_decisive;

	if (is_leaf(p)) {
		leaf(o, p, f, t);
		return;
	}
	only_decisive = t == decisive && p->op != PRED_NOT;
	if (!put_derived(o, p, t)) {
		if (p->label) {
			add(o, label_words(o, p->label));
			add(o, word(o, WHY_DASH));
		}
		if (p->op == PRED_NOT)
			add(o, word(o, WHY_NOT));
	}
	for (size_t i = 0; i < p->nsubs; i++) {
		enum tri ti = outcome(o, &p->subs[i], f);

		if (only_decisive && ti != decisive)
			continue;
		if (!first)
			add(o, word(o, WHY_SEP));
		explain(o, &p->subs[i], f, ti);
		first = false;
		if (only_decisive)
			break;
	}
}

bool eligibility_why_constant(const struct criterion *c)
{
	const struct predicate *p = &c->test;

	/* as leaf() words it: no value after a derived yes/no condition */
	return is_leaf(p) && (!p->fact || (p->node && !p->why_value));
}

void eligibility_write_why_in(const struct facts *f, const struct criterion_result *r,
		const struct why_words *w, struct strbuf *out)
{
	struct why_out o = {out, out->len, false, r->trace, w};

	explain(&o, &r->criterion->test, f, r->holds);
}

void eligibility_write_why(const struct facts *f, const struct criterion_result *r,
		struct strbuf *out)
{
	eligibility_write_why_in(f, r, NULL, out);
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
		r->holds = predicate_eval_trace(&c->test, f, &r->trace);
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

/* ---- derived once per policy ---- */

/* join: a + b + c as one string in a's arena, its length into *len. */
static const char *join(struct arena *a, const char *x, const char *y, const char *z,
		size_t *len)
{
	size_t lx = strlen(x), ly = strlen(y), lz = strlen(z);
	char *s = arena_alloc(a, lx + ly + lz + 1);

	if (!s)
		return NULL;
	memcpy(s, x, lx);
	memcpy(s + lx, y, ly);
	memcpy(s + lx + ly, z, lz);
	s[lx + ly + lz] = '\0';
	*len = lx + ly + lz;
	return s;
}

/* derive: the derived fields of p and its parts (policy.h); *n counts
 * the nodes numbered so far. */
static bool derive(struct predicate *p, unsigned *n, struct arena *a)
{
	p->node = ++*n;
	for (enum tri t = TRI_UNKNOWN; t <= TRI_TRUE; t++) {
		if (is_leaf(p)) {
			/* as leaf() words it, piece by piece */
			const char *label = p->label ? p->label : p->fact;

			if (!label)
				break; /* nothing to join: leaf() words it as it can */
			p->why[t] = join(a, label, english[WHY_COLON], english[tri_piece(t)],
					 &p->why_len[t]);
		} else {
			/* as explain() words it before the parts */
			p->why[t] = join(a, p->label ? p->label : "", p->label ? english[WHY_DASH] : "",
					 p->op == PRED_NOT ? english[WHY_NOT] : "", &p->why_len[t]);
		}
		if (!p->why[t])
			return false;
	}
	/* a yes/no fact (or one that does not exist) shows no value */
	p->why_value = p->fact && facts_type(p->fact) != FACT_BOOL &&
		       facts_type(p->fact) != FACT_MISSING;
	for (size_t i = 0; i < p->nsubs; i++)
		if (!derive(&p->subs[i], n, a))
			return false;
	return true;
}

bool eligibility_derive(struct criterion *c, struct arena *a)
{
	unsigned n = 0;

	return derive(&c->test, &n, a);
}
