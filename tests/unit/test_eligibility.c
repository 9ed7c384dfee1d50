/* test_eligibility.c - criteria and their explanations (core/eligibility.h).
 *
 * Hand-built criteria on a few applications: the outcome of each and the
 * words that explain it.  Every criterion is built twice, once as the
 * loader leaves it (eligibility_derive: words prepared, parts numbered,
 * outcomes traced) and once as a policy built by hand (nothing derived):
 * both must say exactly the same, also where a long explanation is cut at
 * 2047 bytes, and also when a result comes without its trace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/eligibility.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *v_director[] = {"chief", "director"};
static const char *v_senior[] = {"title:senior", "title:associate-senior"};
static const char *v_degree[] = {"bachelor", "master", "doctorate"};
static const char *v_finance[] = {"finance"};

#define IS(fact_, label_) {.op = PRED_IS, .fact = (fact_), .fact_id = 0, .want = true, .label = (label_)}
#define IN(fact_, v_, label_) \
	{.op = PRED_IN, .fact = (fact_), .values = (v_), .nvalues = N(v_), .label = (label_)}

/* any of: a position, a title (a set), a yes/no */
static struct predicate profile_subs[] = {
	IN("applicant.position", v_director, "director-level position or above"),
	IN("applicant.credentials", v_senior, "associate-senior title or above"),
	IS("applicant.leads_major_project", "head of a major project"),
};
/* all of (no label): a degree, two years' work */
static struct predicate degree_subs[] = {
	IN("applicant.education", v_degree, "bachelor's degree or above"),
	{.op = PRED_AT_LEAST, .fact = "applicant.years_professional_work", .threshold = 200,
	 .label = "at least two years of work"},
};
static struct predicate real_estate = IS("enterprise.real_estate", "in real estate");
static struct predicate finance = IN("enterprise.sector", v_finance, "the finance sector");
static struct predicate nested_subs[] = {
	{.op = PRED_ALL, .subs = degree_subs, .nsubs = N(degree_subs), .label = "degree and work"},
	{.op = PRED_NOT, .subs = &finance, .nsubs = 1}, /* "not: ..." */
	{.op = PRED_AT_LEAST, .fact = "applicant.annual_salary_cny", .threshold = 400,
	 .unit = UNIT_AVERAGE_WAGE, .label = "salary at least 4 times the average wage"},
};

static const struct criterion templates[] = {
	{"key", "key entity", "s", NULL, IS("enterprise.key_entity", "employer on the key list")},
	{"profile", "profile", "s", NULL,
	 {.op = PRED_ANY, .subs = profile_subs, .nsubs = N(profile_subs), .label = "a talent"}},
	{"degree", "degree", "s", NULL, {.op = PRED_ALL, .subs = degree_subs, .nsubs = N(degree_subs)}},
	{"estate", "estate", "s", NULL,
	 {.op = PRED_NOT, .subs = &real_estate, .nsubs = 1, .label = "outside real estate"}},
	{"nested", "nested", "s", NULL,
	 {.op = PRED_ANY, .subs = nested_subs, .nsubs = N(nested_subs), .label = "one of three"}},
	{"age", "age", "s", NULL, {.op = PRED_BELOW, .fact = "applicant.age", .threshold = 5600}},
	{"startup", "startup", "s", "startup", IS("applicant.board_director", "board director")},
};

/* clone: a deep copy of p from a (so each policy has its own, derived or not). */
static void clone(struct predicate *to, const struct predicate *p, struct arena *a)
{
	*to = *p;
	if (!p->nsubs)
		return;
	to->subs = arena_array(a, p->nsubs, sizeof *to->subs);
	assert_non_null(to->subs);
	for (size_t i = 0; i < p->nsubs; i++)
		clone(&to->subs[i], &p->subs[i], a);
}

/* policy_of: the criteria c[0..n) as a programme, derived or as built by hand. */
static struct programme_policy policy_of(const struct criterion *c, size_t n, bool derived,
		struct arena *a)
{
	struct programme_policy p;
	struct criterion *cs = arena_array(a, n, sizeof *cs);

	assert_non_null(cs);
	for (size_t i = 0; i < n; i++) {
		cs[i] = c[i];
		clone(&cs[i].test, &c[i].test, a);
		if (derived)
			assert_true(eligibility_derive(&cs[i], a));
	}
	memset(&p, 0, sizeof p);
	p.programme = "test";
	p.criteria = cs;
	p.ncriteria = n;
	return p;
}

static const struct wage wage = {2024, 0, 100000, false, "t"};
static const struct wage provisional_wage = {2023, 0, 141132, true, "t"};

/* apps: a complete one, one with facts missing, one that fails most. */
static void application(struct application *app, int which)
{
	memset(app, 0, sizeof *app);
	app->programme = "test";
	app->date = date_from_ymd(2025, 6, 1);
	app->applicant.has_birth_date = which != 1;
	app->applicant.birth_date = date_from_ymd(which == 2 ? 1960 : 1984, 5, 17);
	if (which == 0) {
		app->applicant.position = "deputy-director"; /* 'd' as "director" */
		app->applicant.title = "senior";
		app->applicant.education = "master";
		app->applicant.years_professional_work = (struct opt_num){true, 5};
		app->applicant.annual_salary_cny = (struct opt_num){true, 450000};
		app->enterprise.key_entity = TRI_TRUE;
		app->enterprise.real_estate = TRI_FALSE;
		app->enterprise.sector = "finance";
		app->track = "startup";
		app->applicant.board_director = TRI_TRUE;
	} else if (which == 2) {
		app->applicant.position = "other";
		app->applicant.title = "intermediate";
		app->applicant.leads_major_project = TRI_FALSE;
		app->applicant.education = "junior-college";
		app->applicant.years_professional_work = (struct opt_num){true, 1};
		app->applicant.annual_salary_cny = (struct opt_num){true, 100000};
		app->enterprise.key_entity = TRI_FALSE;
		app->enterprise.real_estate = TRI_TRUE;
		app->enterprise.sector = "finance";
	}
}

struct run {
	struct arena a;
	struct application app;
	struct facts f;
	struct programme_policy pol;
	struct eligibility el;
};

static void run(struct run *r, const struct criterion *c, size_t n, int which, bool derived)
{
	memset(r, 0, sizeof *r);
	arena_init(&r->a, 0);
	application(&r->app, which);
	facts_init(&r->f, &r->app, NULL);
	r->f.wage = &wage;
	r->pol = policy_of(c, n, derived, &r->a);
	assert_true(eligibility_compute(&r->pol, &r->f, &r->a, &r->el));
	assert_true(eligibility_texts(&r->f, &r->el, &r->a));
}

/* why_untraced: criterion i's explanation from a copy of its result
 * without the trace (the parts evaluated again). */
static const char *why_untraced(struct run *r, size_t i, char *buf, size_t size)
{
	struct criterion_result copy = r->el.criteria[i];
	struct strbuf sb;

	copy.trace = 0;
	strbuf_init_fixed(&sb, buf, size);
	eligibility_write_why(&r->f, &copy, &sb);
	assert_false(sb.failed);
	return sb.buf;
}

/* The words for the complete application, checked by hand; then every
 * application: derived, by hand and without the trace say the same. */
static void test_explanations(void **state)
{
	static const char *const want[] = {
		"employer on the key list: met",
		"a talent — associate-senior title or above: met (title:senior)",
		"bachelor's degree or above: met (master); at least two years of work: met (5)",
		"outside real estate: met",
		("one of three — degree and work — bachelor's degree or above: met (master); "
		 "at least two years of work: met (5)"),
		"applicant.age: met (41)", /* no label: the fact's name */
		"board director: met",
	};
	static struct run derived, plain;
	char buf[4096];

	(void)state;
	for (int which = 0; which < 3; which++) {
		run(&derived, templates, N(templates), which, true);
		run(&plain, templates, N(templates), which, false);
		assert_int_equal(derived.el.ncriteria, which == 0 ? N(templates) : N(templates) - 1);
		assert_int_equal(derived.el.ncriteria, plain.el.ncriteria);
		assert_int_equal(derived.el.eligible, plain.el.eligible);
		for (size_t i = 0; i < derived.el.ncriteria; i++) {
			const struct criterion_result *d = &derived.el.criteria[i];

			assert_int_equal(d->holds, plain.el.criteria[i].holds);
			assert_string_equal(d->why, plain.el.criteria[i].why);
			assert_string_equal(why_untraced(&derived, i, buf, sizeof buf), d->why);
			assert_int_equal(plain.el.criteria[i].trace, 0);
			if (which == 0)
				assert_string_equal(d->why, want[i]);
		}
		arena_release(&derived.a);
		arena_release(&plain.a);
	}
}

/* Facts missing, and failing: the outcomes and the words for them. */
static void test_missing_and_failing(void **state)
{
	static struct run r;

	(void)state;
	run(&r, templates, N(templates), 1, true);
	assert_int_equal(r.el.eligible, TRI_UNKNOWN);
	assert_string_equal(r.el.criteria[0].why, "employer on the key list: not answered");
	assert_string_equal(r.el.criteria[1].why,
			    "a talent — director-level position or above: not answered; "
			    "associate-senior title or above: not answered; "
			    "head of a major project: not answered");
	assert_string_equal(r.el.criteria[3].why, "outside real estate: not answered");
	assert_string_equal(r.el.criteria[5].why, "applicant.age: not answered");
	arena_release(&r.a);

	run(&r, templates, N(templates), 2, true);
	assert_int_equal(r.el.eligible, TRI_FALSE);
	assert_string_equal(r.el.criteria[1].why,
			    "a talent — director-level position or above: not met (other); "
			    "associate-senior title or above: not met (title:intermediate); "
			    "head of a major project: not met");
	/* an ALL that fails names the part that fails */
	assert_string_equal(r.el.criteria[2].why, "bachelor's degree or above: not met "
			    "(junior-college)");
	assert_string_equal(r.el.criteria[4].why,
			    "one of three — degree and work — bachelor's degree or above: not met "
			    "(junior-college); not: the finance sector: met (finance); "
			    "salary at least 4 times the average wage: not met (100000; the 2024 "
			    "average wage: CNY 100000)");
	arena_release(&r.a);

	/* a wage the table marks provisional is said to be (scorecard.md) */
	run(&r, templates, N(templates), 2, true);
	r.f.wage = &provisional_wage;
	assert_true(eligibility_texts(&r.f, &r.el, &r.a));
	assert_string_equal(r.el.criteria[4].why,
			    "one of three — degree and work — bachelor's degree or above: not met "
			    "(junior-college); not: the finance sector: met (finance); "
			    "salary at least 4 times the average wage: not met (100000; the 2023 "
			    "average wage: CNY 141132, provisional)");
	arena_release(&r.a);
}

/* A long explanation is cut after the last piece that fits in 2047
 * bytes, wherever that falls: in a derived head, between a label and
 * its outcome, in a value. */
static void test_cut_at_2047(void **state)
{
	static char labels[40][400];
	static struct predicate subs[40];
	static struct run derived, plain;
	char buf[4096];

	(void)state;
	for (size_t len = 60; len < 140; len += 3) {
		struct criterion c = {"long", "long", "s", NULL,
				      {.op = PRED_ANY, .subs = subs, .nsubs = N(subs),
				       .label = "many conditions"}};

		for (size_t i = 0; i < N(subs); i++) {
			size_t n = len + i % 7;

			memset(labels[i], 'a' + (int)(i % 26), n);
			labels[i][n] = '\0';
			subs[i] = (struct predicate)IN("applicant.position", v_director, labels[i]);
		}
		run(&derived, &c, 1, 2, true);
		run(&plain, &c, 1, 2, false);
		assert_int_equal(derived.el.criteria[0].holds, TRI_FALSE);
		assert_string_equal(derived.el.criteria[0].why, plain.el.criteria[0].why);
		assert_string_equal(why_untraced(&derived, 0, buf, sizeof buf),
				    plain.el.criteria[0].why);
		assert_true(strlen(plain.el.criteria[0].why) <= 2047);
		assert_true(strlen(plain.el.criteria[0].why) > 2047 - len - 30);
		arena_release(&derived.a);
		arena_release(&plain.a);
	}
}

/* The explanation is appended: the 2047 bytes count from where it starts. */
static void test_appended(void **state)
{
	static struct run r;
	char buf[64];
	struct strbuf sb;

	(void)state;
	run(&r, templates, 1, 0, true);
	strbuf_init_fixed(&sb, buf, sizeof buf - 1);
	strbuf_addstr(&sb, "why: ");
	eligibility_write_why(&r.f, &r.el.criteria[0], &sb);
	assert_string_equal(sb.buf, "why: employer on the key list: met");
	arena_release(&r.a);
}

/* Another language's words (struct why_words): every piece, label and value
 * goes through them, derived words or not; with NULL pieces and callbacks
 * the English is unchanged. */
static const char *upper_label(void *ctx, const char *s)
{
	++*(int *)ctx;
	return strcmp(s, "a talent") == 0 ? "EIN TALENT" : strcmp(s, "associate-senior title or above")
		== 0 ? "TITEL" : s;
}

static const char *value_words(void *ctx, const char *fact, const char *v)
{
	++*(int *)ctx;
	return strcmp(fact, "applicant.credentials") == 0 && strcmp(v, "title:senior") == 0
		? "Höchste Stufe" : v;
}

static void test_other_language(void **state)
{
	static struct run r;
	int calls = 0;
	struct why_words de = {.label = upper_label, .value = value_words, .ctx = &calls};
	struct why_words none = {0};
	char buf[512];
	struct strbuf sb;

	(void)state;
	de.piece[WHY_MET] = "erfüllt";
	de.piece[WHY_COLON] = "：";
	de.piece[WHY_DASH] = " / ";
	de.piece[WHY_OPEN] = " [";
	de.piece[WHY_CLOSE] = "]";
	run(&r, templates, N(templates), 0, true);
	strbuf_init_fixed(&sb, buf, sizeof buf);
	eligibility_write_why_in(&r.f, &r.el.criteria[1], &de, &sb);
	assert_string_equal(sb.buf, "EIN TALENT / TITEL：erfüllt [Höchste Stufe]");
	assert_int_equal(calls, 3);
	strbuf_init_fixed(&sb, buf, sizeof buf);
	eligibility_write_why_in(&r.f, &r.el.criteria[1], &none, &sb);
	assert_string_equal(sb.buf, r.el.criteria[1].why);
	arena_release(&r.a);
}

/* Numbers as the reader writes them (why_words.number): a fact's value
 * (hundredths, with the fact's name) and the average wage (no fact); a
 * callback that answers NULL leaves the plain digits. */
static const char *grouped(void *ctx, const char *fact, int64_t hundredths)
{
	char *buf = ctx;

	if (fact && strcmp(fact, "applicant.annual_salary_cny") != 0)
		return NULL;
	snprintf(buf + (fact ? 0 : 64), 64, "%s%" PRId64 ".000", fact ? "¥" : "",
		 hundredths / 100 / 1000);
	return buf + (fact ? 0 : 64);
}

static void test_numbers_in_other_words(void **state)
{
	static struct run r;
	char out[512], nums[128];
	struct why_words w = {.number = grouped, .ctx = nums};
	struct strbuf sb;

	(void)state;
	run(&r, templates, N(templates), 2, true);
	strbuf_init_fixed(&sb, out, sizeof out);
	eligibility_write_why_in(&r.f, &r.el.criteria[4], &w, &sb);
	assert_non_null(strstr(out, "salary at least 4 times the average wage: not met "
			       "(¥100.000; the 2024 average wage: CNY 100.000)"));
	arena_release(&r.a);
}

/* The trace: the outcome of every part evaluated, none of those after the
 * one that decided an ANY; nothing for parts without a number. */
static void test_trace(void **state)
{
	static struct run r;
	const struct predicate *p;
	uint64_t trace = 0;
	enum tri t;

	(void)state;
	run(&r, &templates[4], 1, 0, true); /* nested: the first part holds */
	p = &r.pol.criteria[0].test;
	assert_int_equal(p->node, 1);
	assert_int_equal(p->subs[0].node, 2);
	assert_int_equal(p->subs[0].subs[1].node, 4);
	assert_int_equal(p->subs[1].node, 5);
	assert_int_equal(p->subs[2].node, 7);
	assert_int_equal(predicate_eval_trace(p, &r.f, &trace), TRI_TRUE);
	assert_int_equal(trace, r.el.criteria[0].trace);
	assert_true(predicate_traced(trace, p, &t) && t == TRI_TRUE);
	assert_true(predicate_traced(trace, &p->subs[0], &t) && t == TRI_TRUE);
	assert_true(predicate_traced(trace, &p->subs[0].subs[1], &t) && t == TRI_TRUE);
	assert_false(predicate_traced(trace, &p->subs[1], &t));
	assert_false(predicate_traced(trace, &p->subs[2], &t));
	assert_false(predicate_traced(trace, &templates[4].test, &t)); /* no number */
	assert_int_equal(predicate_eval(p, &r.f), TRI_TRUE);
	arena_release(&r.a);
}

/* What eligibility_derive prepares: each outcome's words and whether a
 * value follows. */
static void test_derived(void **state)
{
	static struct run r;
	const struct predicate *p;

	(void)state;
	run(&r, templates, N(templates), 0, true);
	p = &r.pol.criteria[0].test;
	assert_string_equal(p->why[TRI_TRUE], "employer on the key list: met");
	assert_string_equal(p->why[TRI_FALSE], "employer on the key list: not met");
	assert_string_equal(p->why[TRI_UNKNOWN], "employer on the key list: not answered");
	assert_int_equal(p->why_len[TRI_FALSE], strlen(p->why[TRI_FALSE]));
	assert_false(p->why_value);
	p = &r.pol.criteria[1].test;
	assert_string_equal(p->why[TRI_TRUE], "a talent — ");
	assert_true(p->subs[0].why_value);
	assert_true(p->subs[1].why_value);
	assert_false(p->subs[2].why_value);
	p = &r.pol.criteria[2].test;
	assert_string_equal(p->why[TRI_FALSE], "");
	assert_int_equal(p->why_len[TRI_FALSE], 0);
	p = &r.pol.criteria[5].test;
	assert_string_equal(p->why[TRI_TRUE], "applicant.age: met");
	p = &r.pol.criteria[4].test.subs[1];
	assert_string_equal(p->why[TRI_TRUE], "not: ");
	arena_release(&r.a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explanations),
		cmocka_unit_test(test_missing_and_failing),
		cmocka_unit_test(test_cut_at_2047),
		cmocka_unit_test(test_appended),
		cmocka_unit_test(test_other_language),
		cmocka_unit_test(test_numbers_in_other_words),
		cmocka_unit_test(test_trace),
		cmocka_unit_test(test_derived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
