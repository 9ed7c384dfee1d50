/* test_facts.c - the named facts of an application (core/facts.h): looked
 * up by id as the loader resolves them and by name as policies built by
 * hand name them, the credentials derived from title and catalog, values
 * described for reasons, and conditions on values that share a first byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/facts.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const names[] = {
	"applicant.age", "applicant.years_professional_work", "applicant.years_in_china",
	"applicant.annual_salary_cny", "applicant.months_in_china_per_year",
	"applicant.shareholding_percent", "enterprise.revenue_last_year_cny",
	"enterprise.corporate_tax_last_year_cny", "enterprise.jobs", "applicant.education",
	"applicant.position", "applicant.title", "applicant.employer_visibility",
	"applicant.social_duty", "applicant.nationality", "enterprise.sector",
	"applicant.leads_major_project", "applicant.urgent_field",
	"applicant.former_chinese_citizen", "applicant.intl_vocational_certificate",
	"applicant.board_director", "applicant.leads_rd_team", "enterprise.key_entity",
	"enterprise.penalties_last_two_years", "enterprise.high_end_industry",
	"enterprise.real_estate", "enterprise.zgc_registered", "enterprise.zgc_high_tech",
	"enterprise.employer_211_or_first_batch", "enterprise.beijing_registered_and_taxed",
	"applicant.credentials",
	"enterprise.conditions",
};

/* A catalog: "acca" on two lists, "cfa" on one of the same; "pmp" listed
 * on a list no credential names. */
static const char *l_acca[] = {"international", "urgent"}, *l_cfa[] = {"urgent"},
		  *l_pmp[] = {"other"};
static struct catalog_entry entries[] = {
	{"acca", "ACCA", "i", l_acca, 2, NULL, "s"},
	{"cfa", "CFA", "i", l_cfa, 1, NULL, "s"},
	{"pmp", "PMP", "i", l_pmp, 1, NULL, "s"},
};
static struct catalog catalog = {.edition = "1", .entries = entries, .nentries = N(entries)};
static struct wage wage = {.year = 2024, .annual_cny = 100000};
static struct policy_bundle bundle = {.wages = &wage, .nwages = 1, .catalogs = &catalog,
				      .ncatalogs = 1};

static const char *conditions[] = {"fortune-500", "tax-contribution-2x"};
static struct qualification quals[] = {
	{"acca", "verified", {0, 0}}, {"cfa", "verified", {0, 0}},
	{"pmp", "verified", {0, 0}}, {"acca", "pending", {0, 0}},
	{"cfa", "revoked", {0, 0}}, {"x", "unverifiable", {0, 0}}, {"y", "pending", {0, 0}},
};

static void full_application(struct application *app)
{
	memset(app, 0, sizeof *app);
	app->date = date_from_ymd(2025, 6, 1);
	app->applicant.has_birth_date = true;
	app->applicant.birth_date = date_from_ymd(1984, 6, 2); /* 40 the day before 41 */
	app->applicant.education = "master";
	app->applicant.position = "deputy-director";
	app->applicant.title = "senior";
	app->applicant.nationality = "DE";
	app->applicant.urgent_field = TRI_FALSE;
	app->applicant.board_director = TRI_TRUE;
	app->applicant.years_professional_work = (struct opt_num){true, 12};
	app->applicant.annual_salary_cny = (struct opt_num){true, 859464};
	app->applicant.has_shareholding = true;
	app->applicant.shareholding_percent = 499;
	app->applicant.qualifications = quals;
	app->applicant.nqualifications = N(quals);
	app->enterprise.sector = "finance";
	app->enterprise.key_entity = TRI_TRUE;
	app->enterprise.jobs = (struct opt_num){true, 300};
	app->enterprise.has_conditions = true;
	app->enterprise.conditions = conditions;
	app->enterprise.nconditions = N(conditions);
}

static bool same_value(const struct fact_value *a, const struct fact_value *b)
{
	if (a->type != b->type || a->num != b->num || a->b != b->b || a->nset != b->nset ||
	    a->set != b->set || a->partial != b->partial)
		return false;
	return a->type != FACT_TEXT || strcmp(a->text, b->text) == 0;
}

/* By id (what the loader stores) and by name: the same value, for every
 * fact; an unknown name has no id, no type and no value. */
static void test_lookup_by_id_and_name(void **state)
{
	struct application app;
	struct facts f;
	struct fact_value by_id, by_name;

	(void)state;
	full_application(&app);
	facts_init(&f, &app, &bundle);
	for (size_t i = 0; i < N(names); i++) {
		int id = facts_id(names[i]);

		assert_true(id > 0);
		assert_true(facts_lookup(&f, id, names[i], &by_id));
		assert_true(facts_lookup(&f, 0, names[i], &by_name));
		assert_true(facts_get(&f, names[i], &by_name));
		assert_true(same_value(&by_id, &by_name));
		assert_true(by_id.type == FACT_MISSING || by_id.type == facts_type(names[i]));
		assert_int_equal(facts_advisable_id(id, NULL), facts_advisable(names[i]));
	}
	assert_int_equal(facts_id("applicant.shoe_size"), 0);
	assert_int_equal(facts_type("applicant.shoe_size"), FACT_MISSING);
	assert_false(facts_lookup(&f, 0, "applicant.shoe_size", &by_name));
	assert_int_equal(by_name.type, FACT_MISSING);
	assert_false(facts_lookup(&f, 0, NULL, &by_name));

	assert_true(facts_get(&f, "applicant.age", &by_name));
	assert_int_equal(by_name.num, 4000);
	assert_true(facts_get(&f, "applicant.annual_salary_cny", &by_name));
	assert_int_equal(by_name.num, 85946400);
	assert_true(facts_get(&f, "applicant.shareholding_percent", &by_name));
	assert_int_equal(by_name.num, 499);
	assert_true(facts_get(&f, "applicant.urgent_field", &by_name));
	assert_int_equal(by_name.type, FACT_BOOL);
	assert_false(by_name.b);
	assert_true(facts_get(&f, "applicant.leads_rd_team", &by_name));
	assert_int_equal(by_name.type, FACT_MISSING);
	assert_true(facts_get(&f, "enterprise.conditions", &by_name));
	assert_int_equal(by_name.nset, 2);
	assert_string_equal(by_name.set[1], "tax-contribution-2x");
}

/* The credentials: the title, each list of a verified qualification once
 * (in the order met), a note for each status that earns nothing. */
static void test_credentials(void **state)
{
	static const char *const want[] = {
		"title:senior", "catalog:international", "catalog:urgent",
		"qualification-pending", "qualification-revoked", "qualification-unverifiable",
	};
	struct application app;
	struct facts f;
	struct fact_value v;

	(void)state;
	full_application(&app);
	facts_init(&f, &app, &bundle);
	assert_true(facts_get(&f, "applicant.credentials", &v));
	assert_int_equal(v.type, FACT_SET);
	assert_false(v.partial);
	assert_int_equal(v.nset, N(want));
	for (size_t i = 0; i < N(want); i++)
		assert_string_equal(v.set[i], want[i]);
	/* the same credentials by bit, one each */
	assert_int_equal(__builtin_popcount(f.credential_bits), N(want));
	for (size_t i = 0; i < N(want); i++)
		assert_true(f.credential_bits & facts_credential_bit(want[i]));
	assert_int_equal(facts_credential_bit("title:unknown"), 0);

	/* no title: what the qualifications give, partial */
	app.applicant.title = NULL;
	app.applicant.nqualifications = 2;
	facts_init(&f, &app, &bundle);
	assert_true(facts_get(&f, "applicant.credentials", &v));
	assert_true(v.partial);
	assert_int_equal(v.nset, 2);
	/* nothing at all: not provided */
	app.applicant.nqualifications = 0;
	facts_init(&f, &app, &bundle);
	assert_true(facts_get(&f, "applicant.credentials", &v));
	assert_int_equal(v.type, FACT_MISSING);
}

/* Values described for reasons, and cut as snprintf into buf would. */
static void test_describe(void **state)
{
	static const char *const set[] = {"abc", "defgh"};
	struct fact_value v;
	char buf[256], small[8];

	(void)state;
	memset(&v, 0, sizeof v);
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "not provided");
	v.type = FACT_NUMBER;
	v.num = 4100;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "41");
	v.num = 1250;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "12.50");
	v.num = -300;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "-3");
	v.num = 123456789;
	assert_string_equal(facts_describe(&v, small, sizeof small), "1234567");
	v.type = FACT_BOOL;
	v.b = true;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "yes");
	v.b = false;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "no");
	v.type = FACT_TEXT;
	v.text = "master";
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "master");
	v.type = FACT_SET;
	v.set = set;
	v.nset = 0;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "none");
	v.nset = 2;
	assert_string_equal(facts_describe(&v, buf, sizeof buf), "abc, defgh");
	assert_string_equal(facts_describe(&v, small, sizeof small), "abc, de");
	assert_string_equal(facts_describe(&v, small, 4), "abc");
	assert_string_equal(facts_describe(&v, small, 5), "abc,");
}

/* `in` on values with the same first byte, text and set; the other
 * conditions on missing and present facts. */
static void test_conditions(void **state)
{
	static const char *v_director[] = {"director", "chief"};
	static const char *v_cat[] = {"catalog:go-global", "catalog:urgent"};
	struct predicate in_position = {.op = PRED_IN, .fact = "applicant.position",
					.values = v_director, .nvalues = 2};
	struct predicate in_credentials = {.op = PRED_IN, .fact = "applicant.credentials",
					   .fact_id = facts_id("applicant.credentials"),
					   .values = v_cat, .nvalues = 2};
	struct predicate salary = {.op = PRED_AT_LEAST, .fact = "applicant.annual_salary_cny",
				   .threshold = 860, .unit = UNIT_AVERAGE_WAGE};
	struct predicate below = {.op = PRED_BELOW, .fact = "applicant.age", .threshold = 4100};
	struct predicate rd = {.op = PRED_IS, .fact = "applicant.leads_rd_team", .want = true};
	struct application app;
	struct facts f;

	(void)state;
	full_application(&app);
	facts_init(&f, &app, &bundle);
	assert_int_equal(predicate_eval(&in_position, &f), TRI_FALSE); /* deputy-director */
	app.applicant.position = "director";
	assert_int_equal(predicate_eval(&in_position, &f), TRI_TRUE);
	app.applicant.position = "chief";
	assert_int_equal(predicate_eval(&in_position, &f), TRI_TRUE);
	app.applicant.position = "";
	assert_int_equal(predicate_eval(&in_position, &f), TRI_FALSE);
	assert_int_equal(predicate_eval(&in_credentials, &f), TRI_TRUE); /* catalog:urgent */
	/* the same condition as the loader derives it: tested by bits */
	in_credentials.by_credential_bits = true;
	in_credentials.credential_bits = facts_credential_bit("title:none");
	assert_int_equal(predicate_eval(&in_credentials, &f), TRI_FALSE);
	in_credentials.credential_bits |= facts_credential_bit("catalog:urgent");
	assert_int_equal(predicate_eval(&in_credentials, &f), TRI_TRUE);
	/* 859,464 < 8.60 x 100,000 */
	assert_int_equal(predicate_eval(&salary, &f), TRI_FALSE);
	salary.threshold = 859;
	assert_int_equal(predicate_eval(&salary, &f), TRI_TRUE);
	f.wage = NULL;
	assert_int_equal(predicate_eval(&salary, &f), TRI_UNKNOWN);
	assert_int_equal(predicate_eval(&below, &f), TRI_TRUE); /* 40 */
	assert_int_equal(predicate_eval(&rd, &f), TRI_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_by_id_and_name),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_conditions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
