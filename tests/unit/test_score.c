/* test_score.c - the scorecard engine on a small hand-built policy:
 * factor kinds and states, ranges, weighting and rounding, expert
 * aggregation, split panel, gates and input errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/score.h"

static const char *m_master[] = {"master"};
static const char *m_bachelor[] = {"bachelor"};
static struct level age_levels[] = {
	{.label = "16-25", .from = 1600, .to = 2500, .has_to = true, .points = 300, .provisional = true},
	{.label = "26-55", .from = 2600, .to = 5500, .has_to = true, .points = 500, .provisional = true},
	{.label = "56+", .from = 5600, .points = 200, .provisional = true},
};
static struct level edu_levels[] = {
	{.label = "master", .match = m_master, .nmatch = 1, .points = 800},
	{.label = "bachelor", .match = m_bachelor, .nmatch = 1, .points = 500},
	{.label = "other", .otherwise = true, .points = 200},
};
static struct level salary_levels[] = {
	{.label = ">=6x", .from = 600, .points = 1500},
	{.label = ">=4x", .from = 400, .points = 1200},
	{.label = "<4x", .from = 0, .points = 0},
};
static struct rubric_band bands[] = {{1600, "outstanding"}, {1100, "significant"}, {0, "little"}};
static struct factor value_subs[] = {
	{.id = "salary", .kind = FACTOR_BRACKET, .max = 1500, .input = "applicant.annual_salary_cny",
	 .unit = UNIT_AVERAGE_WAGE, .levels = salary_levels, .nlevels = 3, .source = "s"},
	{.id = "value_contribution", .kind = FACTOR_JUDGED, .max = 1000, .step = 50, .source = "s"},
};
static struct predicate key_entity = {.op = PRED_IS, .fact = "enterprise.key_entity", .want = true,
				      .label = "on the key list"};
static struct factor personal[] = {
	{.id = "age", .kind = FACTOR_BRACKET, .max = 500, .input = "applicant.age",
	 .levels = age_levels, .nlevels = 3, .source = "age clause"},
	{.id = "education", .kind = FACTOR_CHOICE, .max = 1000, .input = "applicant.education",
	 .levels = edu_levels, .nlevels = 3, .source = "education clause"},
	/* 15 + 10 capped at 20 */
	{.id = "value", .kind = FACTOR_SUM, .max = 2000, .subs = value_subs, .nsubs = 2, .source = "s"},
	{.id = "achievements", .kind = FACTOR_JUDGED, .max = 6500, .step = 50,
	 .rubric = bands, .nrubric = 3, .source = "s"},
};
static struct factor enterprise[] = {
	{.id = "key", .kind = FACTOR_GATE, .gate = &key_entity, .source = "gate clause"},
	{.id = "innovation", .kind = FACTOR_JUDGED, .max = 10000, .step = 50, .source = "s"},
};
static struct part parts[] = {
	{.id = "personal", .weight = 70, .max = 10000, .factors = personal, .nfactors = 4},
	{.id = "enterprise", .weight = 30, .max = 10000, .factors = enterprise, .nfactors = 2},
};
static struct track track = {.parts = parts, .nparts = 2};
static struct programme_policy pol = {
	.programme = "test", .edition = "1", .scored = true, .threshold = 7000,
	.expert_panel = 3, .expert_quorum = 1, .tracks = &track, .ntracks = 1,
};
static struct wage wage = {.year = 2024, .annual_cny = 100000};
static struct policy_bundle bundle = {.wages = &wage, .nwages = 1};

struct fixture {
	struct arena a;
	struct application app;
	struct expert experts[3];
	struct expert_score scores[3][3];
	struct facts f;
	struct scorecard sc;
	struct core_error err;
};

static int setup(void **state)
{
	static struct fixture fx;

	memset(&fx, 0, sizeof fx);
	arena_init(&fx.a, 0);
	if (!policy_track_derive(&track, &fx.a))
		return -1;
	fx.app.programme = "test";
	fx.app.date = date_from_ymd(2025, 12, 1);
	fx.app.applicant.has_birth_date = true;
	fx.app.applicant.birth_date = date_from_ymd(1984, 5, 17);
	fx.app.applicant.education = "master";
	fx.app.applicant.annual_salary_cny = (struct opt_num){true, 650000};
	fx.app.enterprise.key_entity = TRI_TRUE;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	arena_release(&fx->a);
	return 0;
}

static void judge(struct fixture *fx, size_t i, const char *id, points_t a,
		points_t vc, points_t inn)
{
	fx->experts[i].id = id;
	fx->experts[i].scores = fx->scores[i];
	fx->experts[i].nscores = 3;
	fx->scores[i][0] = (struct expert_score){.factor = "achievements", .points = a};
	fx->scores[i][1] = (struct expert_score){.factor = "value_contribution", .points = vc};
	fx->scores[i][2] = (struct expert_score){.factor = "innovation", .points = inn};
	fx->app.experts = fx->experts;
	fx->app.nexperts = i + 1;
}

static bool compute(struct fixture *fx)
{
	/* Our test policy has no catalog; only the wage table matters. */
	facts_init(&fx->f, &fx->app, &bundle);
	memset(&fx->err, 0, sizeof fx->err);
	return score_compute(&pol, &fx->f, &fx->a, &fx->sc, &fx->err);
}

static void no_experts_is_incomplete_with_range(void **state)
{
	struct fixture *fx = *state;
	char num[FACTOR_INPUT_MAX];

	assert_true(compute(fx));
	assert_false(fx->sc.complete);
	assert_false(fx->sc.passes);
	/* personal known: age 5 + education 8 + salary 15 (6.5x) = 28, judged 0..75 (value capped) */
	assert_int_equal(fx->sc.parts[0].min, 2800);
	assert_int_equal(fx->sc.parts[0].max, 2800 + 500 + 6500);
	assert_int_equal(fx->sc.parts[0].factors[0].state, FSTATE_SCORED);
	assert_null(fx->sc.parts[0].factors[0].input); /* a number: */
	assert_string_equal(factor_result_input(&fx->sc.parts[0].factors[0], num), "41");
	assert_string_equal(fx->sc.parts[0].factors[0].level, "26-55");
	assert_true(fx->sc.parts[0].factors[0].provisional);
	assert_int_equal(fx->sc.parts[0].factors[3].state, FSTATE_NOT_JUDGED);
	assert_int_equal(fx->sc.parts[0].factors[2].state, FSTATE_NOT_JUDGED);
	/* sum: 15 + (0..10) capped at 20 */
	assert_int_equal(fx->sc.parts[0].factors[2].min, 1500);
	assert_int_equal(fx->sc.parts[0].factors[2].max, 2000);
	/* total range: 0.7 x 28 + 0.3 x 0 = 19.60 .. 0.7 x 98 + 0.3 x 100 = 98.60 */
	assert_int_equal(fx->sc.min, 1960);
	assert_int_equal(fx->sc.max, 9860);
}

static void missing_fact_is_not_provided_never_zero(void **state)
{
	struct fixture *fx = *state;

	fx->app.applicant.education = NULL;
	judge(fx, 0, "e1", 5000, 500, 8000);
	assert_true(compute(fx));
	assert_int_equal(fx->sc.parts[0].factors[1].state, FSTATE_NOT_PROVIDED);
	assert_false(fx->sc.complete);
	assert_int_equal(fx->sc.parts[0].factors[1].max, 1000);
	assert_true(fx->sc.max > fx->sc.min);
}

static void one_expert_completes_and_weights_round_half_up(void **state)
{
	struct fixture *fx = *state;

	judge(fx, 0, "e1", 5000, 500, 8150);
	assert_true(compute(fx));
	assert_true(fx->sc.complete);
	/* personal 5 + 8 + min(15 + 5, 20) + 50 = 83; enterprise 81.50 */
	assert_int_equal(fx->sc.parts[0].score, 8300);
	assert_int_equal(fx->sc.parts[1].score, 8150);
	/* 0.7 x 83 + 0.3 x 81.5 = 58.10 + 24.45 = 82.55 */
	assert_int_equal(fx->sc.total, 8255);
	assert_true(fx->sc.passes);
	assert_string_equal(fx->sc.parts[0].factors[3].level, "outstanding");
}

static void mean_of_experts_rounds_half_up(void **state)
{
	struct fixture *fx = *state;

	judge(fx, 0, "e1", 6000, 500, 8000);
	judge(fx, 1, "e2", 6000, 500, 8000);
	judge(fx, 2, "e3", 6050, 500, 8000);
	assert_true(compute(fx));
	/* (60 + 60 + 60.5) / 3 = 60.1666 -> 60.17 */
	assert_int_equal(fx->sc.parts[0].factors[3].points, 6017);
	assert_int_equal(fx->sc.parts[0].factors[3].njudges, 3);
	assert_false(fx->sc.flags & SCORE_SPLIT_PANEL);
}

static void split_panel_when_experts_straddle_threshold(void **state)
{
	struct fixture *fx = *state;

	judge(fx, 0, "e1", 6000, 1000, 9000); /* high */
	judge(fx, 1, "e2", 500, 0, 1000);     /* low */
	assert_true(compute(fx));
	assert_true(fx->sc.flags & SCORE_SPLIT_PANEL);
	assert_int_equal(fx->sc.nexpert_totals, 2);
	assert_true(fx->sc.expert_totals[0] >= 7000);
	assert_true(fx->sc.expert_totals[1] < 7000);
}

static void gate_failure_blocks_passing(void **state)
{
	struct fixture *fx = *state;

	judge(fx, 0, "e1", 6500, 1000, 10000);
	fx->app.enterprise.key_entity = TRI_FALSE;
	assert_true(compute(fx));
	assert_true(fx->sc.complete);
	assert_true(fx->sc.total >= 7000);
	assert_true(fx->sc.flags & SCORE_GATE_FAILED);
	assert_false(fx->sc.passes);
	assert_string_equal(fx->sc.parts[1].factors[0].level, "fails");
}

static void expert_score_errors_name_the_field(void **state)
{
	struct fixture *fx = *state;

	judge(fx, 0, "e1", 6600, 500, 8000); /* above max 65 */
	assert_false(compute(fx));
	assert_string_equal(fx->err.path, "experts[0].scores.achievements");
	assert_non_null(strstr(fx->err.reason, "outside 0..65.00"));
	judge(fx, 0, "e1", 6025, 500, 8000); /* off the 0.5 step */
	assert_false(compute(fx));
	assert_non_null(strstr(fx->err.reason, "steps of 0.50"));
	/* range and step errors point at the value, not at the factor id */
	fx->scores[0][0].pos = (struct srcpos){ 30, 9 };
	fx->scores[0][0].vpos = (struct srcpos){ 30, 25 };
	assert_false(compute(fx));
	assert_int_equal(fx->err.pos.line, 30);
	assert_int_equal(fx->err.pos.col, 25);
	judge(fx, 0, "e1", 6000, 500, 8000);
	fx->scores[0][1].factor = "age"; /* not judged */
	fx->scores[0][1].pos = (struct srcpos){ 31, 9 };
	fx->scores[0][1].vpos = (struct srcpos){ 31, 16 };
	assert_false(compute(fx));
	assert_string_equal(fx->err.path, "experts[0].scores.age");
	assert_int_equal(fx->err.pos.col, 9); /* the key: the id is what is wrong */
	assert_null(strstr(fx->err.reason, "did you mean"));
	judge(fx, 0, "e1", 6000, 500, 8000);
	fx->scores[0][2].factor = "innovaton"; /* a typo */
	assert_false(compute(fx));
	assert_string_equal(fx->err.reason, "\"innovaton\" is not a factor experts judge in "
			    "test 1 (did you mean \"innovation\"?)");
	judge(fx, 0, "e1", 6000, 500, 8000);
	fx->scores[0][2].factor = "x\033[2J"; /* a control character is escaped */
	assert_false(compute(fx));
	assert_string_equal(fx->err.path, "experts[0].scores.x\\u001b[2J");
	assert_non_null(strstr(fx->err.reason, "\"x\\u001b[2J\" is not a factor"));
	judge(fx, 0, "e1", 6000, 500, 8000);
	judge(fx, 1, "e1", 6000, 500, 8000); /* same id twice */
	assert_false(compute(fx));
	assert_string_equal(fx->err.path, "experts[1].id");
}

static void value_below_every_bracket_is_an_input_error(void **state)
{
	struct fixture *fx = *state;

	fx->app.applicant.birth_date = date_from_ymd(2012, 1, 1); /* 13 */
	assert_false(compute(fx));
	assert_string_equal(fx->err.path, "applicant.birth_date");
	assert_non_null(strstr(fx->err.reason, "13"));
}

static void salary_in_multiples_of_the_wage(void **state)
{
	struct fixture *fx = *state;

	fx->app.applicant.annual_salary_cny.v = 600000; /* exactly 6x */
	assert_true(compute(fx));
	assert_int_equal(fx->sc.parts[0].factors[2].subs[0].points, 1500);
	fx->app.applicant.annual_salary_cny.v = 599999;
	assert_true(compute(fx));
	assert_int_equal(fx->sc.parts[0].factors[2].subs[0].points, 1200);
	assert_string_equal(fx->sc.parts[0].factors[2].subs[0].level, ">=4x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_experts_is_incomplete_with_range, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_fact_is_not_provided_never_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(one_expert_completes_and_weights_round_half_up, setup, teardown),
		cmocka_unit_test_setup_teardown(mean_of_experts_rounds_half_up, setup, teardown),
		cmocka_unit_test_setup_teardown(split_panel_when_experts_straddle_threshold, setup, teardown),
		cmocka_unit_test_setup_teardown(gate_failure_blocks_passing, setup, teardown),
		cmocka_unit_test_setup_teardown(expert_score_errors_name_the_field, setup, teardown),
		cmocka_unit_test_setup_teardown(value_below_every_bracket_is_an_input_error, setup, teardown),
		cmocka_unit_test_setup_teardown(salary_in_multiples_of_the_wage, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
