/* test_advice.c - advice for scorecards that do not pass (core/advice.h).
 *
 * A small policy built by hand: one track, threshold 70, part `personal`
 * (70%) with an age bracket, an education choice, a sum `experience`
 * capped at 10 over two brackets (8 + 6), a salary bracket in multiples of
 * the average wage and a judged factor; part `enterprise` (30%) with a
 * sector choice and a judged factor.  Each application is scored with
 * score_compute() and the gains advised are checked to the hundredth, as
 * worked out by hand in each test's comment.  Then, over a grid of cards,
 * every number of the advice against the card rescored with the change
 * (advice.c finds them by arithmetic, never rescoring); and a track with
 * more factors than advice.c keeps on its stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/advice.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OPEN(from_, pts_, label_) {label_, (from_), 0, false, NULL, 0, false, POINTS(pts_), true, NULL}
#define RANGE(from_, to_, pts_, label_) {label_, (from_), (to_), true, NULL, 0, false, POINTS(pts_), true, NULL}

static struct level age_levels[] = {
	RANGE(1600, 2599, 3, "16-25"), RANGE(2600, 5599, 5, "26-55"),
	RANGE(5600, 6599, 2, "56-65"), OPEN(6600, 0, "66+"),
};

static const char *m_junior[] = {"junior-college"}, *m_bachelor[] = {"bachelor"},
		  *m_master[] = {"master"}, *m_doctorate[] = {"doctorate"},
		  *m_key[] = {"science-technology"};

#define CHOICE(m_, pts_, label_) {label_, 0, 0, false, (m_), 1, false, POINTS(pts_), false, NULL}
static struct level education_levels[] = {
	CHOICE(m_junior, 2, "junior college or below"), CHOICE(m_bachelor, 5, "bachelor"),
	CHOICE(m_master, 8, "master"), CHOICE(m_doctorate, 10, "doctorate"),
};
static struct level sector_levels[] = {
	CHOICE(m_key, 10, "key service sector"),
	{"other", 0, 0, false, NULL, 0, true, POINTS(2), false, NULL},
};

static struct level years_work_levels[] = {
	RANGE(0, 299, 0, "<3"), RANGE(300, 499, 3, "3-4"),
	RANGE(500, 999, 5, "5-9"), OPEN(1000, 8, "10+"),
};
static struct level years_china_levels[] = {
	RANGE(0, 99, 0, "<1"), RANGE(100, 299, 2, "1-2"),
	RANGE(300, 499, 4, "3-4"), OPEN(500, 6, "5+"),
};
/* open-ended and overlapping: score.c takes the highest `from` that holds */
static struct level salary_levels[] = {
	OPEN(0, 0, "<1x"), OPEN(100, 3, ">=1x"), OPEN(200, 6, ">=2x"),
	OPEN(400, 12, ">=4x"), OPEN(600, 15, ">=6x"),
};

#define LEVELS(l_) (l_), N(l_)
static struct factor experience_subs[] = {
	{.id = "years_work", .name = "years of professional work", .kind = FACTOR_BRACKET,
	 .max = POINTS(8), .source = "t", .input = "applicant.years_professional_work",
	 .levels = LEVELS(years_work_levels)},
	{.id = "years_china", .name = "years of work in China", .kind = FACTOR_BRACKET,
	 .max = POINTS(6), .source = "t", .input = "applicant.years_in_china",
	 .levels = LEVELS(years_china_levels)},
};

static struct factor personal_factors[] = {
	{.id = "age", .name = "age", .kind = FACTOR_BRACKET, .max = POINTS(5), .source = "t",
	 .input = "applicant.age", .levels = LEVELS(age_levels)},
	{.id = "education", .name = "education", .kind = FACTOR_CHOICE, .max = POINTS(10),
	 .source = "t", .input = "applicant.education", .levels = LEVELS(education_levels)},
	{.id = "experience", .name = "work experience", .kind = FACTOR_SUM, .max = POINTS(10),
	 .source = "t", .subs = experience_subs, .nsubs = N(experience_subs)},
	{.id = "salary", .name = "annual salary", .kind = FACTOR_BRACKET, .max = POINTS(15),
	 .source = "t", .input = "applicant.annual_salary_cny", .unit = UNIT_AVERAGE_WAGE,
	 .levels = LEVELS(salary_levels)},
	{.id = "achievements", .name = "achievements", .kind = FACTOR_JUDGED,
	 .max = POINTS(60), .source = "t", .step = 50},
};
static struct factor enterprise_factors[] = {
	{.id = "enterprise_type", .name = "type of enterprise", .kind = FACTOR_CHOICE,
	 .max = POINTS(10), .source = "t", .input = "enterprise.sector",
	 .levels = LEVELS(sector_levels)},
	{.id = "leadership", .name = "business leadership", .kind = FACTOR_JUDGED,
	 .max = POINTS(90), .source = "t", .step = 50},
};
static struct part parts[] = {
	{"personal", "personal score", 70, POINTS(100), personal_factors, N(personal_factors), "t"},
	{"enterprise", "enterprise credit score", 30, POINTS(100), enterprise_factors,
	 N(enterprise_factors), "t"},
};
static struct track track = {.parts = parts, .nparts = N(parts)};

static struct programme_policy policy(bool scored)
{
	struct programme_policy p;

	memset(&p, 0, sizeof p);
	p.programme = "test";
	p.edition = "1";
	p.scored = scored;
	p.threshold = POINTS(70);
	p.expert_panel = 1;
	p.expert_quorum = 1;
	p.tracks = &track;
	p.ntracks = 1;
	return p;
}

static const struct wage wage = {2024, 0, 143244, false, "t"};

/* A complete application: age 41 (5), master (8), 5 years' work (5) and 2
 * in China (2): experience 7 of 10, salary 600,000 = 4.19x (12), a key
 * sector (10); the expert gives `achievements` and leadership 60. */
struct fixture {
	struct application app;
	struct expert_score scores[2];
	struct expert expert;
	struct facts f;
	struct arena a;
	struct scorecard sc;
	struct advice adv;
	struct programme_policy pol;
};

static struct fixture *fixture(points_t achievements)
{
	static struct fixture x;

	memset(&x, 0, sizeof x);
	x.pol = policy(true);
	x.app.programme = "test";
	x.app.date = date_from_ymd(2025, 12, 1);
	x.app.applicant.has_birth_date = true;
	x.app.applicant.birth_date = date_from_ymd(1984, 5, 17);
	x.app.applicant.education = "master";
	x.app.applicant.years_professional_work = (struct opt_num){true, 5};
	x.app.applicant.years_in_china = (struct opt_num){true, 2};
	x.app.applicant.annual_salary_cny = (struct opt_num){true, 600000};
	x.app.enterprise.sector = "science-technology";
	x.scores[0] = (struct expert_score){"achievements", achievements, {0, 0}, {0, 0}};
	x.scores[1] = (struct expert_score){"leadership", POINTS(60), {0, 0}, {0, 0}};
	x.expert = (struct expert){"e1", x.scores, 2, {0, 0}};
	x.app.experts = &x.expert;
	x.app.nexperts = 1;
	arena_init(&x.a, 0);
	assert_true(policy_track_derive(&track, &x.a));
	return &x;
}

/* advise: score x's application and compute the advice. */
static void advise(struct fixture *x)
{
	struct core_error err;

	facts_init(&x->f, &x->app, NULL);
	x->f.wage = &wage;
	if (!score_compute(&x->pol, &x->f, &x->a, &x->sc, &err))
		fail_msg("score_compute: %s: %s", err.path, err.reason);
	assert_true(advice_compute(&x->sc, &x->f, &x->a, &x->adv));
	/* the sentences are written on demand: fill the text fields */
	assert_true(advice_texts(&x->sc, &x->f, &x->adv, &x->a));
	assert_false(x->a.failed);
	for (size_t i = 0; i < x->adv.nitems; i++) {
		assert_string_not_equal(x->adv.items[i].factor, "age");
		assert_string_not_equal(x->adv.items[i].factor, "enterprise_type");
		assert_non_null(x->adv.items[i].text);
	}
}

static void assert_item(const struct advice_item *it, const char *factor, const char *to,
		points_t part_gain, points_t total_gain, bool reaches)
{
	assert_string_equal(it->factor, factor);
	assert_string_equal(it->to_level, to);
	assert_int_equal(it->part_gain, part_gain);
	assert_int_equal(it->total_gain, total_gain);
	assert_int_equal(it->reaches, reaches);
}

static void done(struct fixture *x)
{
	arena_release(&x->a);
}

/* A passing card (personal 5+8+7+12+40 = 72, enterprise 70: 71.40) and an
 * unscored programme get no advice. */
static void test_nothing_to_advise(void **state)
{
	struct fixture *x = fixture(POINTS(40));

	(void)state;
	advise(x);
	assert_true(x->sc.passes);
	assert_int_equal(x->sc.total, 7140);
	assert_int_equal(x->adv.nitems, 0);
	assert_false(x->adv.has_judged_needed);
	done(x);

	x = fixture(POINTS(40));
	x->pol.scored = false;
	x->app.nexperts = 0;
	advise(x);
	assert_int_equal(x->adv.nitems, 0);
	assert_false(x->adv.has_judged_needed);
	done(x);
}

/* Achievements 36: personal 68, total (4760 + 2100) / 100 = 68.60.  Every
 * single change below reaches 70; each factor's lowest reaching level:
 * doctorate +2 personal = 1.40 (70.00); 3-4 years in China: experience
 * 5 + 4 = 9, +2 = 1.40 (not 5+, which the cap would cut to 10 anyway);
 * 10+ years' work: 8 + 2 = 10, +3 = 2.10; salary >=6x +3 = 2.10.
 * Never the age (41 is already at its best, but it is never a candidate). */
static void test_single_changes(void **state)
{
	struct fixture *x = fixture(POINTS(36));
	const struct advice_item *it;

	(void)state;
	advise(x);
	assert_int_equal(x->sc.total, 6860);
	assert_false(x->sc.passes);
	assert_false(x->adv.combination);
	assert_int_equal(x->adv.nitems, 4);
	it = x->adv.items;
	assert_item(&it[0], "education", "doctorate", 200, 140, true);
	assert_item(&it[1], "years_china", "3-4", 200, 140, true);
	assert_item(&it[2], "years_work", "10+", 300, 210, true);
	assert_item(&it[3], "salary", ">=6x", 300, 210, true);
	assert_string_equal(it[0].from_level, "master");
	assert_string_equal(it[0].part, "personal");
	assert_string_equal(it[0].text, "Education: doctorate (now: master) adds 2.00 personal "
			    "points = 1.40 total and reaches 70.00 (total 70.00).");
	assert_string_equal(it[3].text, "Annual salary: at least 6 times the average wage, "
			    "CNY 859,464 a year (now: CNY 600,000 a year) adds 3.00 personal "
			    "points = 2.10 total and reaches 70.00 (total 70.70).");
	/* complete and failing: the judged factors' shortfall in total points */
	assert_true(x->adv.has_judged_needed);
	assert_int_equal(x->adv.judged_needed, 140);
	done(x);
}

/* Doctorate (10), 5 + 4 years (experience 9: one point below the cap),
 * salary 300,000 = 2.09x (6), achievements 30: personal 60, total 63.00.
 * Alone: salary >=6x +9 personal = 69.30; 10+ years' work or 5+ in China
 * +1 (capped) each.  Together salary >=6x and 10+ years' work: +10 = 70.00,
 * the least gain of the two-factor combinations (the one with 5+ in China
 * gains as much and comes later).  Both sub-factors together still only
 * add 1 (the cap), so they are no combination. */
static void test_combination(void **state)
{
	struct fixture *x = fixture(POINTS(30));
	const struct advice_item *it;

	(void)state;
	x->app.applicant.education = "doctorate";
	x->app.applicant.years_in_china = (struct opt_num){true, 4};
	x->app.applicant.annual_salary_cny = (struct opt_num){true, 300000};
	advise(x);
	assert_int_equal(x->sc.total, 6300);
	assert_true(x->adv.combination);
	assert_int_equal(x->adv.nitems, 2);
	it = x->adv.items;
	assert_item(&it[0], "years_work", "10+", 100, 70, false);
	assert_item(&it[1], "salary", ">=6x", 900, 630, false);
	assert_int_equal(x->adv.combined_gain, 700);
	assert_string_equal(x->adv.combined_text, "No single change reaches 70.00; together "
			    "these 2 changes add 7.00 total points and reach it (total 70.00).");
	done(x);
}

/* Three factors: master, 5 + 4 years, salary 2.09x, achievements 30:
 * personal 58, total 61.60.  The best pair (salary >=6x +9 and doctorate
 * +2) gives 69 personal = 69.30; adding 10+ years' work (+1 to the cap)
 * gives 70 = 70.00. */
static void test_combination_of_three(void **state)
{
	struct fixture *x = fixture(POINTS(30));
	const struct advice_item *it;

	(void)state;
	x->app.applicant.years_in_china = (struct opt_num){true, 4};
	x->app.applicant.annual_salary_cny = (struct opt_num){true, 300000};
	advise(x);
	assert_int_equal(x->sc.total, 6160);
	assert_true(x->adv.combination);
	assert_int_equal(x->adv.nitems, 3);
	it = x->adv.items;
	assert_item(&it[0], "years_work", "10+", 100, 70, false);
	assert_item(&it[1], "education", "doctorate", 200, 140, false);
	assert_item(&it[2], "salary", ">=6x", 900, 630, false);
	assert_int_equal(x->adv.combined_gain, 840);
	done(x);
}

/* Nothing reaches: 10 years' work and 4 in China fill experience to its cap
 * (8 + 4 = 12, counted 10), salary 2.09x (6), achievements 0: personal 31,
 * total (2170 + 2100) / 100 = 42.70.  The best level per factor, by gain
 * descending: only the salary, since 5+ years in China adds nothing above
 * the cap.  The experts could still give 60 personal (42.00 total) and 30
 * enterprise (9.00) points: 51.00. */
static void test_nothing_reaches(void **state)
{
	struct fixture *x = fixture(0);

	(void)state;
	x->app.applicant.education = "doctorate";
	x->app.applicant.years_professional_work = (struct opt_num){true, 10};
	x->app.applicant.years_in_china = (struct opt_num){true, 4};
	x->app.applicant.annual_salary_cny = (struct opt_num){true, 300000};
	advise(x);
	assert_int_equal(x->sc.total, 4270);
	assert_false(x->adv.combination);
	assert_int_equal(x->adv.nitems, 1);
	assert_item(&x->adv.items[0], "salary", ">=6x", 900, 630, false);
	assert_true(x->adv.has_judged_needed);
	assert_int_equal(x->adv.judged_needed, 2730);
	assert_int_equal(x->adv.judged_can_give, 5100);
	assert_string_equal(x->adv.judged_text, "The total is 27.30 points short of 70.00; "
			    "the experts' factors can give at most 51.00 more total points.");
	done(x);
}

/* Best per factor when several improve: as above but 5 years' work (experience
 * 5 + 4 = 9) and master: doctorate +2 = 1.40, salary +9 = 6.30, 10+ years'
 * work or 5+ in China +1 = 0.70; even all of them (+12: 40.60 + 8.40) fall
 * short.  Sorted by total gain descending, ties in the policy's order. */
static void test_best_per_factor(void **state)
{
	struct fixture *x = fixture(0);
	const struct advice_item *it;

	(void)state;
	x->app.applicant.years_in_china = (struct opt_num){true, 4};
	x->app.applicant.annual_salary_cny = (struct opt_num){true, 300000};
	advise(x);
	/* personal 5 + 8 + 9 + 6 = 28: (1960 + 2100) / 100 */
	assert_int_equal(x->sc.total, 4060);
	assert_false(x->adv.combination);
	assert_int_equal(x->adv.nitems, 4);
	it = x->adv.items;
	assert_item(&it[0], "salary", ">=6x", 900, 630, false);
	assert_item(&it[1], "education", "doctorate", 200, 140, false);
	assert_item(&it[2], "years_work", "10+", 100, 70, false);
	assert_item(&it[3], "years_china", "5+", 100, 70, false);
	done(x);
}

/* The age (65: 2 of 5) and the enterprise's sector ("other": 2 of 10)
 * could gain points, but neither is the applicant's to change: personal
 * 2 + 8 + 7 + 12 + 36 = 65, enterprise 62, total 64.10; advise() checks
 * that no item names them. */
static void test_never_age_or_enterprise(void **state)
{
	struct fixture *x = fixture(POINTS(36));

	(void)state;
	x->app.applicant.birth_date = date_from_ymd(1960, 1, 1);
	x->app.enterprise.sector = "other";
	advise(x);
	assert_int_equal(x->sc.total, 6410);
	assert_true(x->adv.nitems > 0);
	assert_false(facts_advisable("applicant.age"));
	assert_false(facts_advisable("enterprise.sector"));
	assert_true(facts_advisable("applicant.education"));
	assert_true(facts_advisable("applicant.credentials"));
	done(x);
}

/* Incomplete: no experts, no education, no age.  Personal 0 + 0 + 7 + 12
 * = 19, enterprise 10: total (1330 + 300) / 100 = 16.30, so the judged
 * factors must bring 53.70; they can give 60 personal and 90 enterprise
 * points = 42.00 + 27.00 = 69.00.  Providing the education could add 10
 * personal = 7.00; the age, not provided either, is never suggested. */
static void test_incomplete(void **state)
{
	struct fixture *x = fixture(0);
	const struct advice_item *it;

	(void)state;
	x->app.nexperts = 0;
	x->app.applicant.education = NULL;
	x->app.applicant.has_birth_date = false;
	advise(x);
	assert_false(x->sc.complete);
	assert_int_equal(x->sc.total, 1630);
	assert_true(x->adv.has_judged_needed);
	assert_int_equal(x->adv.judged_needed, 5370);
	assert_int_equal(x->adv.judged_can_give, 6900);
	assert_string_equal(x->adv.judged_text, "Counting the facts not provided as 0, the "
			    "experts' factors must bring at least 53.70 of the 69.00 total "
			    "points they can give.");
	assert_int_equal(x->adv.nitems, 1);
	it = x->adv.items;
	assert_item(&it[0], "education", "doctorate", 1000, 700, false);
	assert_true(it[0].provide);
	assert_null(it[0].from_level);
	assert_string_equal(it[0].text, "Providing education could add up to 10.00 personal "
			    "points = 7.00 total (doctorate).");
	done(x);
}

/* Facts missing, every judged factor judged (achievements 40, leadership
 * 90): personal 5 + 0 + 7 + 0 + 40 = 52, enterprise 100, total 66.40.
 * Providing a salary could add 15 personal = 10.50 (76.90), the education
 * 10 = 7.00 (73.40): each reaches alone.  Nothing for the experts to do. */
static void test_provide_reaches(void **state)
{
	struct fixture *x = fixture(POINTS(40));
	const struct advice_item *it;

	(void)state;
	x->scores[1].points = POINTS(90);
	x->app.applicant.education = NULL;
	x->app.applicant.annual_salary_cny.set = false;
	advise(x);
	assert_false(x->sc.complete);
	assert_int_equal(x->sc.total, 6640);
	assert_false(x->adv.has_judged_needed);
	assert_null(x->adv.judged_text);
	assert_int_equal(x->adv.nitems, 2);
	it = x->adv.items;
	assert_item(&it[0], "salary", ">=6x", 1500, 1050, true);
	assert_item(&it[1], "education", "doctorate", 1000, 700, true);
	assert_string_equal(it[1].text, "Providing education could add up to 10.00 personal "
			    "points = 7.00 total (doctorate) and reach 70.00 (total 73.40).");
	done(x);
}

/* Incomplete with the judged factors of one part open: leadership judged
 * (60), achievements not.  Personal 5 + 8 + 7 + 12 = 32, enterprise 70:
 * total (2240 + 2100) / 100 = 43.40, 26.60 short.  In personal points: the
 * weighted sum must reach 699,950 (half-up): 70 x (3200 + g) + 210,000,
 * g = 3800 (3799 gives 69.99).  Providing a missing salary would add 15. */
static void test_one_part_judged(void **state)
{
	struct fixture *x = fixture(0);
	const struct advice_item *it;

	(void)state;
	x->expert.scores = &x->scores[1];
	x->expert.nscores = 1;
	advise(x);
	assert_false(x->sc.complete);
	assert_int_equal(x->sc.total, 4340);
	assert_int_equal(x->adv.judged_needed, 2660);
	assert_int_equal(x->adv.judged_can_give, 4200);
	assert_string_equal(x->adv.judged_text, "The experts' factors must bring at least "
			    "26.60 of the 42.00 total points they can give (38.00 personal points).");
	assert_int_equal(x->adv.nitems, 0);
	done(x);

	x = fixture(0);
	x->expert.scores = &x->scores[1];
	x->expert.nscores = 1;
	x->app.applicant.annual_salary_cny.set = false;
	advise(x);
	assert_int_equal(x->adv.nitems, 1);
	it = x->adv.items;
	/* personal 20: (1400 + 2100) / 100 = 35.00; +15 personal = 10.50 */
	assert_item(&it[0], "salary", ">=6x", 1500, 1050, false);
	assert_string_equal(it[0].text, "Providing annual salary could add up to 15.00 personal "
			    "points = 10.50 total (at least 6 times the average wage, "
			    "CNY 859,464 a year).");
	done(x);
}

/* Only the enterprise's judged factor is open: achievements 60, personal
 * 5 + 8 + 7 + 12 + 60 = 92, enterprise 10: (6440 + 300) / 100 = 67.40,
 * 2.60 short; 70 x 9200 + 30 x (1000 + g) >= 699,950 gives g = 865 (864
 * gives 69.99).  With 10 years' work and a salary of 900,000 (6.28x) the
 * personal part is 98 and the total 71.60 before the experts judge it: the
 * judged factors need bring nothing more. */
static void test_enterprise_judged_open(void **state)
{
	struct fixture *x = fixture(POINTS(60));

	(void)state;
	x->expert.nscores = 1;
	advise(x);
	assert_int_equal(x->sc.total, 6740);
	assert_int_equal(x->adv.judged_needed, 260);
	assert_string_equal(x->adv.judged_text, "The experts' factors must bring at least "
			    "2.60 of the 27.00 total points they can give (8.65 enterprise points).");
	done(x);

	x = fixture(POINTS(60));
	x->expert.nscores = 1;
	x->app.applicant.years_professional_work = (struct opt_num){true, 10};
	x->app.applicant.annual_salary_cny = (struct opt_num){true, 900000};
	advise(x);
	assert_int_equal(x->sc.total, 7160);
	assert_false(x->sc.passes);
	assert_true(x->adv.has_judged_needed);
	assert_int_equal(x->adv.judged_needed, 0);
	assert_string_equal(x->adv.judged_text,
			    "The total reaches 70.00 whatever the experts' factors bring.");
	assert_int_equal(x->adv.nitems, 0);
	done(x);
}

/* ---- every gain as a rescored card gives it ---- */

/* rescored_points: r's points with the results in ch[0..n) at pts[i], a
 * sum added up again from its sub-factors and capped, as score.c does. */
static points_t rescored_points(const struct factor_result *r,
		const struct factor_result *const *ch, const points_t *pts, size_t n)
{
	points_t sum = 0;

	for (size_t i = 0; i < n; i++)
		if (ch[i] == r)
			return pts[i];
	if (r->factor->kind != FACTOR_SUM)
		return r->points;
	for (size_t i = 0; i < r->nsubs; i++)
		sum += rescored_points(&r->subs[i], ch, pts, n);
	return sum < r->factor->max ? sum : r->factor->max;
}

/* rescored: the total of sc with those changes; the part scores into s. */
static points_t rescored(const struct scorecard *sc, const struct factor_result *const *ch,
		const points_t *pts, size_t n, points_t *s)
{
	for (size_t i = 0; i < sc->nparts; i++) {
		s[i] = 0;
		for (size_t j = 0; j < sc->parts[i].nfactors; j++)
			s[i] += rescored_points(&sc->parts[i].factors[j], ch, pts, n);
	}
	return score_weighted_total(sc->track, s);
}

/* judged_raised: the judged results that can still bring points, at
 * their maximum (every one on a complete card, else the ones not judged). */
static size_t judged_raised(const struct scorecard *sc, const struct factor_result *r,
		const struct factor_result **ch, points_t *pts, size_t n)
{
	for (size_t i = 0; i < r->nsubs; i++)
		n = judged_raised(sc, &r->subs[i], ch, pts, n);
	if (r->factor->kind == FACTOR_JUDGED && (sc->complete || r->state != FSTATE_SCORED)) {
		ch[n] = r;
		pts[n++] = r->factor->max;
	}
	return n;
}

/* check_against_rescoring: every number of x's advice against the card
 * rescored with the change (advice.c gets them by arithmetic instead). */
static void check_against_rescoring(const struct fixture *x)
{
	const struct scorecard *sc = &x->sc;
	const struct advice *ad = &x->adv;
	const struct factor_result *ch[16], *all[ADVICE_MAX_ITEMS];
	points_t pts[16], all_pts[ADVICE_MAX_ITEMS], now[8], s[8];
	points_t base = rescored(sc, NULL, NULL, 0, now);
	size_t n = 0;

	if (!sc->scored || sc->passes || (sc->complete && base >= sc->policy->threshold)) {
		assert_int_equal(ad->nitems, 0);
		assert_false(ad->has_judged_needed);
		return;
	}
	assert_int_equal(ad->base, base);
	assert_true(ad->nitems <= ADVICE_MAX_ITEMS);
	for (size_t i = 0; i < ad->nitems; i++) {
		const struct advice_item *it = &ad->items[i];
		size_t part = 0;
		points_t total;

		while (strcmp(sc->parts[part].part->id, it->part) != 0)
			part++;
		ch[0] = it->result;
		pts[0] = it->level->points;
		total = rescored(sc, ch, pts, 1, s);
		assert_int_equal(it->part_gain, s[part] - now[part]);
		assert_int_equal(it->total_gain, total - base);
		assert_int_equal(it->reaches, total >= sc->policy->threshold);
		assert_true(it->level->points > it->result->points);
		if (i > 0 && !it->provide && it[-1].reaches == it->reaches && !ad->combination) {
			/* reaching alone: gain ascending; else gain descending */
			if (it->reaches)
				assert_true(it[-1].total_gain <= it->total_gain);
			else
				assert_true(it[-1].total_gain >= it->total_gain);
		}
		all[i] = it->result;
		all_pts[i] = it->level->points;
	}
	if (ad->combination) {
		points_t total = rescored(sc, all, all_pts, ad->nitems, s);

		assert_int_equal(ad->combined_gain, total - base);
		assert_true(total >= sc->policy->threshold);
	}
	n = 0;
	for (size_t i = 0; i < sc->nparts; i++)
		for (size_t j = 0; j < sc->parts[i].nfactors; j++)
			n = judged_raised(sc, &sc->parts[i].factors[j], ch, pts, n);
	assert_int_equal(ad->has_judged_needed, n > 0);
	if (n)
		assert_int_equal(ad->judged_can_give, rescored(sc, ch, pts, n, s) - base);
}

/* A grid of cards (complete and not, passing and not, one change, a
 * combination, nothing that reaches): the advice's gains, reaches, order
 * and what the experts can give are those of the card rescored. */
static void test_gains_as_rescored(void **state)
{
	static const points_t achievements[] = {0, POINTS(20), POINTS(30), POINTS(36), POINTS(60)};
	static const char *const education[] = {NULL, "junior-college", "bachelor", "master",
						"doctorate"};
	static const int64_t years[] = {-1, 0, 3, 5, 10}, salary[] = {-1, 100000, 300000, 900000};
	size_t cards = 0, with_items = 0, combinations = 0;

	(void)state;
	for (size_t a = 0; a < N(achievements); a++)
		for (size_t e = 0; e < N(education); e++)
			for (size_t y = 0; y < N(years); y++)
				for (size_t m = 0; m < N(salary); m++)
					for (unsigned ex = 0; ex < 3; ex++) {
		struct fixture *x = fixture(achievements[a]);

		x->app.applicant.education = education[e];
		x->app.applicant.years_professional_work = (struct opt_num){years[y] >= 0, years[y]};
		x->app.applicant.years_in_china = (struct opt_num){years[y] >= 0, years[y] / 2};
		x->app.applicant.annual_salary_cny = (struct opt_num){salary[m] >= 0, salary[m]};
		x->app.nexperts = ex > 0;
		x->expert.nscores = ex == 2 ? 1 : 2; /* 2: leadership not judged */
		advise(x);
		check_against_rescoring(x);
		cards++;
		with_items += x->adv.nitems > 0;
		combinations += x->adv.combination;
		done(x);
	}
	assert_int_equal(cards, 5 * 5 * 5 * 4 * 3);
	assert_true(with_items > 100);
	assert_true(combinations > 10);
}

/* ---- a track with more factors than advice.c keeps on its stack ---- */

#define MANY 41 /* 41 candidates of 4 levels: 164 options */
static char many_ids[MANY][8];
static struct factor many_factors[MANY];
static struct part many_part[] = {
	{"all", "all of them", 100, POINTS(100), many_factors, MANY, "t"},
};
static struct track many_track = {.parts = many_part, .nparts = 1};

/* advise_many: 41 brackets on the years in China (0, 2, 4, 6 points), all
 * at 0, one part weighing 1.00 (the total is the sum); threshold t. */
static void advise_many(struct fixture *x, points_t t)
{
	struct core_error err;

	memset(x, 0, sizeof *x);
	for (size_t i = 0; i < MANY; i++) {
		snprintf(many_ids[i], sizeof many_ids[i], "f%02zu", i);
		many_factors[i] = (struct factor){.id = many_ids[i], .name = "years in China",
			.kind = FACTOR_BRACKET, .max = POINTS(6), .source = "t",
			.input = "applicant.years_in_china", .levels = LEVELS(years_china_levels)};
	}
	arena_init(&x->a, 0);
	assert_true(policy_track_derive(&many_track, &x->a));
	assert_int_equal(many_track.nleaves, MANY);
	x->pol = policy(true);
	x->pol.tracks = &many_track;
	x->pol.threshold = t;
	x->app.programme = "test";
	x->app.date = date_from_ymd(2025, 12, 1);
	x->app.applicant.years_in_china = (struct opt_num){true, 0};
	facts_init(&x->f, &x->app, NULL);
	if (!score_compute(&x->pol, &x->f, &x->a, &x->sc, &err))
		fail_msg("score_compute: %s: %s", err.path, err.reason);
	assert_true(x->sc.complete);
	assert_int_equal(x->sc.total, 0);
	assert_true(advice_compute(&x->sc, &x->f, &x->a, &x->adv));
	assert_false(x->a.failed);
	check_against_rescoring(x);
}

/* Threshold 70: no change alone (6) nor eight (48) reaches, so each factor's
 * best level, all +6: only the first eight are kept, in the track's order.
 * Threshold 10: no single change (6); the first pair that reaches with the
 * least gain (10): f00 to 3-4 (+4) and f01 to 5+ (+6). */
static void test_many_factors(void **state)
{
	static struct fixture x;

	(void)state;
	advise_many(&x, POINTS(70));
	assert_false(x.adv.combination);
	assert_int_equal(x.adv.nitems, ADVICE_MAX_ITEMS);
	for (size_t i = 0; i < ADVICE_MAX_ITEMS; i++) {
		assert_item(&x.adv.items[i], many_ids[i], "5+", 600, 600, false);
		assert_string_equal(x.adv.items[i].part, "all");
	}
	done(&x);

	advise_many(&x, POINTS(10));
	assert_true(x.adv.combination);
	assert_int_equal(x.adv.nitems, 2);
	assert_item(&x.adv.items[0], "f00", "3-4", 400, 400, false);
	assert_item(&x.adv.items[1], "f01", "5+", 600, 600, false);
	assert_int_equal(x.adv.combined_gain, 1000);
	done(&x);

	advise_many(&x, POINTS(6));
	assert_false(x.adv.combination);
	assert_int_equal(x.adv.nitems, ADVICE_MAX_ITEMS);
	assert_item(&x.adv.items[0], "f00", "5+", 600, 600, true);
	assert_item(&x.adv.items[7], "f07", "5+", 600, 600, true);
	done(&x);
}

/* Threshold 48: only eight changes to 5+ (+6 each) reach, and the first
 * eight factors reach it exactly: the search stops there, where trying
 * the C(41, 8) sets of equal gain one by one would pass SEARCH_BUDGET and
 * lose the answer.  Threshold 47: every set that reaches gains 48, more
 * than the threshold, so the search goes on until SEARCH_BUDGET stops it;
 * the set it found first still has the fewest changes, and is kept. */
static void test_many_equal_sets(void **state)
{
	static struct fixture x;
	points_t thresholds[] = {POINTS(48), POINTS(47)};

	(void)state;
	for (size_t t = 0; t < N(thresholds); t++) {
		advise_many(&x, thresholds[t]);
		assert_true(x.adv.combination);
		assert_int_equal(x.adv.nitems, 8);
		for (size_t i = 0; i < 8; i++)
			assert_item(&x.adv.items[i], many_ids[i], "5+", 600, 600, false);
		assert_int_equal(x.adv.combined_gain, 4800);
		done(&x);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_to_advise),
		cmocka_unit_test(test_single_changes),
		cmocka_unit_test(test_combination),
		cmocka_unit_test(test_combination_of_three),
		cmocka_unit_test(test_nothing_reaches),
		cmocka_unit_test(test_best_per_factor),
		cmocka_unit_test(test_never_age_or_enterprise),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_provide_reaches),
		cmocka_unit_test(test_one_part_judged),
		cmocka_unit_test(test_enterprise_judged_open),
		cmocka_unit_test(test_gains_as_rescored),
		cmocka_unit_test(test_many_factors),
		cmocka_unit_test(test_many_equal_sets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
