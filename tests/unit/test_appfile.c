/* test_appfile.c - application files: decoding, error messages and
 * positions, the stream reader. */
#define _GNU_SOURCE /* fopencookie, for the million-line stream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/date.h"
#include "format/appfile.h"
#include "lib/arena.h"
#include "lib/strbuf.h"

static const char example[] =
	"{\n"
	"  \"format\": \"yingcai-application/1\",\n"
	"  \"programme\": \"two-zones\",\n"
	"  \"track\": null,\n"
	"  \"date\": \"2025-12-01\",\n"
	"  \"applicant\": {\n"
	"    \"name\": \"Anna Example\",\n"
	"    \"birth_date\": \"1984-05-17\",\n"
	"    \"nationality\": \"DEU\",\n"
	"    \"education\": \"master\",\n"
	"    \"position\": \"director\",\n"
	"    \"title\": \"none\",\n"
	"    \"leads_major_project\": false,\n"
	"    \"urgent_field\": false,\n"
	"    \"employer_visibility\": \"listed\",\n"
	"    \"years_professional_work\": 12,\n"
	"    \"years_in_china\": 4,\n"
	"    \"annual_salary_cny\": 900000,\n"
	"    \"qualifications\": [{\"id\": \"acca-fellow\", \"status\": \"verified\"}],\n"
	"    \"social_duty\": \"municipal\",\n"
	"    \"former_chinese_citizen\": false,\n"
	"    \"resume\": [{\"from\": \"2002-05\", \"to\": \"2006-07\", \"what\": \"BSc, TU Berlin\"}]\n"
	"  },\n"
	"  \"enterprise\": {\n"
	"    \"uscc\": \"91110108551385082Q\",\n"
	"    \"name\": \"Example Technology Co., Ltd.\",\n"
	"    \"key_entity\": true,\n"
	"    \"sector\": \"science-technology\",\n"
	"    \"revenue_last_year_cny\": 250000000,\n"
	"    \"corporate_tax_last_year_cny\": 12000000,\n"
	"    \"jobs\": 420,\n"
	"    \"penalties_last_two_years\": false\n"
	"  },\n"
	"  \"experts\": [\n"
	"    {\"id\": \"e1\", \"scores\": {\"achievements\": 15, \"value_contribution\": 4,\n"
	"                            \"business_leadership\": 20, \"innovation\": 18, \"public_welfare\": 3}}\n"
	"  ],\n"
	"  \"documents\": [\n"
	"    {\"slot\": \"passport\", \"file\": \"passport-anna-example.pdf\", \"language\": \"en\",\n"
	"     \"translated\": true, \"issued\": \"2025-11-02\"}\n"
	"  ]\n"
	"}\n";

#define HEAD "{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", " \
	     "\"date\": \"2025-12-01\""

struct fixture {
	struct appfile_decoder d;
	struct arena a;
	struct application app;
	struct appfile_error err;
};

static struct fixture F;

static int setup(void **state)
{
	(void)state;
	appfile_decoder_init(&F.d);
	arena_init(&F.a, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	appfile_decoder_release(&F.d);
	arena_release(&F.a);
	return 0;
}

static void decode_ok(const char *json)
{
	arena_reset(&F.a);
	if (appfile_decode(&F.d, json, strlen(json), 1, &F.a, &F.app, &F.err) != APPFILE_OK)
		fail_msg("%s\n-> %u:%u: %s: %s", json, F.err.line, F.err.col, F.err.path,
			 F.err.reason);
}

/* decode_bad: json fails at line:col with path and reason. */
static void decode_bad(const char *json, uint32_t line, uint32_t col, const char *path,
		       const char *reason)
{
	int rc;

	arena_reset(&F.a);
	rc = appfile_decode(&F.d, json, strlen(json), 1, &F.a, &F.app, &F.err);
	if (rc == APPFILE_OK)
		fail_msg("accepted %s", json);
	if (F.err.line != line || F.err.col != col || strcmp(F.err.path, path) != 0 ||
	    strcmp(F.err.reason, reason) != 0)
		fail_msg("%s\n got %u:%u: %s: %s\nwant %u:%u: %s: %s", json, F.err.line, F.err.col,
			 F.err.path, F.err.reason, line, col, path, reason);
}

/* bad_at: a one-line json that fails where `mark` first occurs. */
static void bad_at(const char *json, const char *mark, const char *path, const char *reason)
{
	const char *at = strstr(json, mark);

	assert_non_null(at);
	decode_bad(json, 1, (uint32_t)(at - json) + 1, path, reason);
}

static void pos_is(struct srcpos p, uint32_t line, uint32_t col)
{
	if (p.line != line || p.col != col)
		fail_msg("position %u:%u, want %u:%u", p.line, p.col, line, col);
}

static void example_decodes(void **state)
{
	const struct application *app = &F.app;
	const struct applicant *ap = &app->applicant;
	const struct enterprise *en = &app->enterprise;
	static const char *const factors[] = { "achievements", "value_contribution",
					       "business_leadership", "innovation",
					       "public_welfare" };
	static const points_t points[] = { 1500, 400, 2000, 1800, 300 };

	(void)state;
	decode_ok(example);
	assert_string_equal(app->programme, "two-zones");
	assert_null(app->track);
	assert_int_equal(app->date, date_from_ymd(2025, 12, 1));
	pos_is(app->date_pos, 5, 11);
	pos_is(app->pos, 1, 1);

	assert_string_equal(ap->name, "Anna Example");
	assert_true(ap->has_birth_date);
	assert_int_equal(ap->birth_date, date_from_ymd(1984, 5, 17));
	pos_is(ap->birth_date_pos, 8, 19);
	assert_string_equal(ap->nationality, "DEU");
	assert_string_equal(ap->education, "master");
	assert_string_equal(ap->position, "director");
	assert_string_equal(ap->title, "none");
	assert_int_equal(ap->leads_major_project, TRI_FALSE);
	assert_int_equal(ap->urgent_field, TRI_FALSE);
	assert_string_equal(ap->employer_visibility, "listed");
	assert_true(ap->years_professional_work.set);
	assert_int_equal(ap->years_professional_work.v, 12);
	assert_true(ap->years_in_china.set);
	assert_int_equal(ap->years_in_china.v, 4);
	assert_true(ap->annual_salary_cny.set);
	assert_int_equal(ap->annual_salary_cny.v, 900000);
	assert_true(ap->has_qualifications);
	assert_int_equal(ap->nqualifications, 1);
	assert_string_equal(ap->qualifications[0].id, "acca-fellow");
	assert_string_equal(ap->qualifications[0].status, "verified");
	pos_is(ap->qualifications[0].pos, 19, 24);
	assert_string_equal(ap->social_duty, "municipal");
	assert_int_equal(ap->former_chinese_citizen, TRI_FALSE);
	assert_true(ap->has_resume);
	assert_int_equal(ap->nresume, 1);
	assert_int_equal(ap->resume[0].from, month_from_ym(2002, 5));
	assert_int_equal(ap->resume[0].to, month_from_ym(2006, 7));
	assert_false(ap->resume[0].to_present);
	assert_string_equal(ap->resume[0].what, "BSc, TU Berlin");
	pos_is(ap->resume[0].pos, 22, 16);
	/* Facts the example leaves out are absent, not zero. */
	assert_int_equal(ap->intl_vocational_certificate, TRI_UNKNOWN);
	assert_int_equal(ap->board_director, TRI_UNKNOWN);
	assert_int_equal(ap->leads_rd_team, TRI_UNKNOWN);
	assert_false(ap->has_shareholding);
	assert_false(ap->months_in_china_per_year.set);

	assert_string_equal(en->uscc, "91110108551385082Q");
	assert_string_equal(en->name, "Example Technology Co., Ltd.");
	assert_int_equal(en->key_entity, TRI_TRUE);
	assert_string_equal(en->sector, "science-technology");
	assert_int_equal(en->revenue_last_year_cny.v, 250000000);
	assert_int_equal(en->corporate_tax_last_year_cny.v, 12000000);
	assert_int_equal(en->jobs.v, 420);
	assert_true(en->jobs.set);
	assert_int_equal(en->penalties_last_two_years, TRI_FALSE);
	assert_false(en->has_conditions);
	assert_int_equal(en->high_end_industry, TRI_UNKNOWN);

	assert_int_equal(app->nexperts, 1);
	assert_string_equal(app->experts[0].id, "e1");
	pos_is(app->experts[0].pos, 35, 5);
	assert_int_equal(app->experts[0].nscores, 5);
	for (size_t k = 0; k < 5; k++) {
		assert_string_equal(app->experts[0].scores[k].factor, factors[k]);
		assert_int_equal(app->experts[0].scores[k].points, points[k]);
	}
	pos_is(app->experts[0].scores[0].pos, 35, 29);
	pos_is(app->experts[0].scores[2].pos, 36, 29);
	pos_is(app->experts[0].scores[4].pos, 36, 74);

	assert_true(app->has_documents);
	assert_int_equal(app->ndocuments, 1);
	assert_string_equal(app->documents[0].slot, "passport");
	assert_string_equal(app->documents[0].file, "passport-anna-example.pdf");
	assert_string_equal(app->documents[0].language, "en");
	assert_int_equal(app->documents[0].translated, TRI_TRUE);
	assert_true(app->documents[0].has_issued);
	assert_int_equal(app->documents[0].issued, date_from_ymd(2025, 11, 2));
	assert_false(app->documents[0].has_covers);
	pos_is(app->documents[0].pos, 39, 5);
}

static void other_programmes_and_facts(void **state)
{
	(void)state;
	decode_ok("{\"format\": \"yingcai-application/1\", \"programme\": \"zgc\", "
		  "\"track\": \"startup\", \"date\": \"2025-01-31\", "
		  "\"applicant\": {\"shareholding_percent\": 12.5, \"board_director\": true, "
		  "\"leads_rd_team\": false, \"months_in_china_per_year\": 12, "
		  "\"intl_vocational_certificate\": true, "
		  "\"resume\": [{\"from\": \"2020-01\", \"to\": \"present\"}]}, "
		  "\"enterprise\": {\"zgc_registered\": true, \"zgc_high_tech\": false, "
		  "\"employer_211_or_first_batch\": true}}");
	assert_string_equal(F.app.programme, "zgc");
	assert_string_equal(F.app.track, "startup");
	assert_true(F.app.applicant.has_shareholding);
	assert_int_equal(F.app.applicant.shareholding_percent, 1250);
	assert_int_equal(F.app.applicant.board_director, TRI_TRUE);
	assert_int_equal(F.app.applicant.leads_rd_team, TRI_FALSE);
	assert_int_equal(F.app.applicant.months_in_china_per_year.v, 12);
	assert_int_equal(F.app.applicant.intl_vocational_certificate, TRI_TRUE);
	assert_true(F.app.applicant.resume[0].to_present);
	assert_null(F.app.applicant.resume[0].what);
	assert_int_equal(F.app.enterprise.zgc_registered, TRI_TRUE);
	assert_int_equal(F.app.enterprise.zgc_high_tech, TRI_FALSE);
	assert_int_equal(F.app.enterprise.employer_211_or_first_batch, TRI_TRUE);
	assert_null(F.app.experts);
	assert_false(F.app.has_documents);

	decode_ok("{\"format\": \"yingcai-application/1\", \"programme\": \"urgent\", "
		  "\"date\": \"2024-02-29\", \"enterprise\": {\"conditions\": "
		  "[\"fortune-500\", \"hospital\"], \"high_end_industry\": true, "
		  "\"real_estate\": false}, \"documents\": [{\"slot\": \"application\", "
		  "\"covers\": {\"from\": \"2024-01\", \"to\": \"2024-12\"}}, "
		  "{\"slot\": \"x\", \"covers\": null}]}");
	assert_string_equal(F.app.programme, "urgent");
	assert_true(F.app.enterprise.has_conditions);
	assert_int_equal(F.app.enterprise.nconditions, 2);
	assert_string_equal(F.app.enterprise.conditions[0], "fortune-500");
	assert_string_equal(F.app.enterprise.conditions[1], "hospital");
	assert_int_equal(F.app.enterprise.real_estate, TRI_FALSE);
	assert_int_equal(F.app.ndocuments, 2);
	assert_true(F.app.documents[0].has_covers);
	assert_int_equal(F.app.documents[0].covers_from, month_from_ym(2024, 1));
	assert_int_equal(F.app.documents[0].covers_to, month_from_ym(2024, 12));
	assert_null(F.app.documents[0].file);
	assert_int_equal(F.app.documents[0].translated, TRI_UNKNOWN);
	assert_false(F.app.documents[1].has_covers);

	/* Empty arrays are present and empty. */
	decode_ok(HEAD ", \"documents\": [], \"experts\": [], "
		  "\"enterprise\": {\"conditions\": []}}");
	assert_true(F.app.has_documents);
	assert_int_equal(F.app.ndocuments, 0);
	assert_int_equal(F.app.nexperts, 0);
	assert_true(F.app.enterprise.has_conditions);
	assert_int_equal(F.app.enterprise.nconditions, 0);
}

static void null_is_absent(void **state)
{
	(void)state;
	decode_ok(HEAD ", \"track\": null, \"applicant\": {\"name\": null, \"birth_date\": null, "
		  "\"education\": null, \"board_director\": null, \"years_in_china\": null, "
		  "\"shareholding_percent\": null, \"qualifications\": null, \"resume\": null}, "
		  "\"enterprise\": null, \"experts\": [{\"id\": \"e1\", \"scores\": "
		  "{\"achievements\": null, \"innovation\": 3}}], \"documents\": null}");
	assert_null(F.app.track);
	assert_null(F.app.applicant.name);
	assert_false(F.app.applicant.has_birth_date);
	pos_is(F.app.applicant.birth_date_pos, 0, 0);
	assert_null(F.app.applicant.education);
	assert_int_equal(F.app.applicant.board_director, TRI_UNKNOWN);
	assert_false(F.app.applicant.years_in_china.set);
	assert_false(F.app.applicant.has_shareholding);
	assert_false(F.app.applicant.has_qualifications);
	assert_false(F.app.applicant.has_resume);
	assert_false(F.app.has_documents);
	assert_int_equal(F.app.experts[0].nscores, 1);
	assert_string_equal(F.app.experts[0].scores[0].factor, "innovation");

	bad_at(HEAD ", \"programme\": null}", "\"programme\": null", "programme",
	       "duplicate field (first given at line 1, column 37)");
	bad_at("{\"format\": \"yingcai-application/1\", \"programme\": null}", "null",
	       "programme", "expected one of two-zones, zgc, urgent, got null");
	bad_at(HEAD ", \"documents\": [{\"slot\": null}]}", "null", "documents[0].slot",
	       "expected a string, got null");
	bad_at(HEAD ", \"documents\": [null]}", "null", "documents[0]",
	       "expected an object, got null");
}

static void required_fields(void **state)
{
	(void)state;
	decode_bad("{\"programme\": \"zgc\", \"date\": \"2025-12-01\"}", 1, 1, "format",
		   "required field is missing (expected \"yingcai-application/1\")");
	decode_bad("{\"format\": \"yingcai-application/1\", \"date\": \"2025-12-01\"}", 1, 1,
		   "programme",
		   "required field is missing (expected one of two-zones, zgc, urgent)");
	decode_bad("{\"format\": \"yingcai-application/1\", \"programme\": \"zgc\"}", 1, 1, "date",
		   "required field is missing (expected a date \"YYYY-MM-DD\")");
	bad_at(HEAD ", \"documents\": [{\"file\": \"a.pdf\"}]}", "{\"file", "documents[0].slot",
	       "required field is missing (expected a string)");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"covers\": {\"from\": \"2025-01\"}}]}",
	       "{\"from", "documents[0].covers.to",
	       "required field is missing (expected a month \"YYYY-MM\")");
	bad_at(HEAD ", \"experts\": [{\"scores\": {}}]}", "{\"scores", "experts[0].id",
	       "required field is missing (expected a string)");
	bad_at(HEAD ", \"applicant\": {\"resume\": [{\"to\": \"2020-01\"}]}}", "{\"to",
	       "applicant.resume[0].from",
	       "required field is missing (expected a month \"YYYY-MM\")");
}

static void enumerations(void **state)
{
	(void)state;
	bad_at(HEAD ", \"applicant\": {\"education\": \"masters\"}}", "\"masters\"",
	       "applicant.education",
	       "\"masters\" is not one of junior-college, bachelor, master, doctorate");
	bad_at("{\"format\": \"yingcai-application/2\"}", "\"yingcai-application/2",
	       "format", "expected \"yingcai-application/1\", got \"yingcai-application/2\"");
	bad_at("{\"format\": \"yingcai-application/1\", \"programme\": \"Two-Zones\"}",
	       "\"Two", "programme", "\"Two-Zones\" is not one of two-zones, zgc, urgent");
	bad_at(HEAD ", \"track\": \"basic\"}", "\"basic", "track",
	       "\"basic\" is not one of startup, technical");
	bad_at(HEAD ", \"track\": \"startup\"}", "\"startup", "track",
	       "only the zgc programme has a track (use null or leave it out)");
	bad_at(HEAD ", \"applicant\": {\"qualifications\": [{\"id\": \"x\", \"status\": \"ok\"}]}}",
	       "\"ok", "applicant.qualifications[0].status",
	       "\"ok\" is not one of verified, pending, unverifiable, revoked");
	bad_at(HEAD ", \"enterprise\": {\"conditions\": [\"hospital\", \"hospitals\"]}}",
	       "\"hospitals", "enterprise.conditions[1]",
	       "\"hospitals\" is not one of tax-contribution-2x, fortune-500, "
	       "financial-institution, foreign-investment-or-rd-centre, research-institution, "
	       "hospital, university-or-international-school, national-high-tech-or-incubator, "
	       "pilot-programme-project, four-centres-innovator");
	bad_at(HEAD ", \"applicant\": {\"position\": 3}}", "3}", "applicant.position",
	       "expected one of chief, director, deputy-director, team-lead, other, got 3");
	/* An escaped spelling of a valid value is that value. */
	decode_ok(HEAD ", \"applicant\": {\"\\u0065ducation\": \"m\\u0061ster\"}}");
	assert_string_equal(F.app.applicant.education, "master");
}

static void numbers(void **state)
{
	(void)state;
	bad_at(HEAD ", \"applicant\": {\"years_in_china\": -2}}", "-2", "applicant.years_in_china",
	       "expected a non-negative integer, got -2");
	bad_at(HEAD ", \"applicant\": {\"annual_salary_cny\": 12.5}}", "12.5",
	       "applicant.annual_salary_cny", "expected a non-negative integer, got 12.5");
	bad_at(HEAD ", \"applicant\": {\"annual_salary_cny\": 1e6}}", "1e6",
	       "applicant.annual_salary_cny",
	       "expected a non-negative integer written without an exponent: write 1000000, "
	       "not 1e6");
	bad_at(HEAD ", \"applicant\": {\"shareholding_percent\": 1e1}}", "1e1",
	       "applicant.shareholding_percent",
	       "expected a number written without an exponent: write 10, not 1e1");
	bad_at(HEAD ", \"applicant\": {\"shareholding_percent\": 2.5E-1}}", "2.5E",
	       "applicant.shareholding_percent",
	       "expected a number written without an exponent: write 0.25, not 2.5E-1");
	bad_at(HEAD ", \"applicant\": {\"years_in_china\": 4.0e0}}", "4.0e0",
	       "applicant.years_in_china",
	       "expected a non-negative integer written without an exponent: write 4, not 4.0e0");
	/* Trailing zeros after the point are the same number (serializers
	 * write 4.0); a digit that counts is still refused. */
	decode_ok(HEAD ", \"applicant\": {\"years_in_china\": 4.0, \"years_professional_work\": "
		  "12.00, \"shareholding_percent\": 12.5000}}");
	assert_int_equal(F.app.applicant.years_in_china.v, 4);
	assert_int_equal(F.app.applicant.years_professional_work.v, 12);
	assert_int_equal(F.app.applicant.shareholding_percent, 1250);
	bad_at(HEAD ", \"applicant\": {\"years_in_china\": 4.50}}", "4.50",
	       "applicant.years_in_china", "expected a non-negative integer, got 4.50");
	bad_at(HEAD ", \"applicant\": {\"shareholding_percent\": 12.3450}}", "12.3450",
	       "applicant.shareholding_percent",
	       "expected a number with at most 2 decimal places, got 12.3450");
	bad_at(HEAD ", \"enterprise\": {\"jobs\": \"420\"}}", "\"420", "enterprise.jobs",
	       "expected a non-negative integer, got \"420\"");
	bad_at(HEAD ", \"enterprise\": {\"jobs\": 99999999999999999999}}", "999",
	       "enterprise.jobs",
	       "expected a non-negative integer, got 99999999999999999999 (too large)");
	bad_at(HEAD ", \"applicant\": {\"months_in_china_per_year\": 13}}", "13",
	       "applicant.months_in_china_per_year",
	       "expected a non-negative integer of at most 12, got 13");
	bad_at(HEAD ", \"applicant\": {\"shareholding_percent\": 100.5}}", "100.5",
	       "applicant.shareholding_percent", "expected a number from 0 to 100, got 100.5");
	bad_at(HEAD ", \"applicant\": {\"shareholding_percent\": 12.345}}", "12.345",
	       "applicant.shareholding_percent",
	       "expected a number with at most 2 decimal places, got 12.345");
	bad_at(HEAD ", \"applicant\": {\"shareholding_percent\": true}}", "true",
	       "applicant.shareholding_percent",
	       "expected a number from 0 to 100 with at most 2 decimal places, got true");
	decode_ok(HEAD ", \"applicant\": {\"shareholding_percent\": 0.05, \"years_in_china\": 0}}");
	assert_int_equal(F.app.applicant.shareholding_percent, 5);
	assert_true(F.app.applicant.years_in_china.set);
	assert_int_equal(F.app.applicant.years_in_china.v, 0);
}

static void scores(void **state)
{
	(void)state;
	decode_ok(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"innovation\": 12.25}}, "
		  "{\"id\": \"b\", \"scores\": {\"innovation\": 7.5, \"made_up\": 0}}]}");
	assert_int_equal(F.app.nexperts, 2);
	assert_int_equal(F.app.experts[0].scores[0].points, 1225);
	assert_int_equal(F.app.experts[1].scores[0].points, 750);
	assert_string_equal(F.app.experts[1].scores[1].factor, "made_up");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"achievements\": 15.125}}]}",
	       "15.125", "experts[0].scores.achievements",
	       "expected a number with at most 2 decimal places, got 15.125");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"achievements\": \"15\"}}]}",
	       "\"15\"", "experts[0].scores.achievements", "expected a number, got \"15\"");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"achievements\": -1}}]}",
	       "-1}", "experts[0].scores.achievements", "expected a number from 0 to 1000, got -1");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"x\": 1, \"x\": 2}}]}",
	       "\"x\": 2", "experts[0].scores.x",
	       "duplicate key (first given at line 1, column 120)");
	/* Every key counts, a null one's too (null is "not scored"). */
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"x\": null, \"y\": 1, "
	       "\"x\": 15}}]}", "\"x\": 15", "experts[0].scores.x",
	       "duplicate key (first given at line 1, column 120)");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"x\": null, \"x\": null}}]}",
	       "\"x\": null}", "experts[0].scores.x",
	       "duplicate key (first given at line 1, column 120)");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"x\": 1, \"\\u0078\": 2}}]}",
	       "\"\\u0078", "experts[0].scores.x",
	       "duplicate key (first given at line 1, column 120)");
	/* Scores keep the position of the key and of the value. */
	decode_ok(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"x\": null, \"y\":  15.50000}}]}");
	assert_int_equal(F.app.experts[0].nscores, 1);
	assert_int_equal(F.app.experts[0].scores[0].points, 1550);
	pos_is(F.app.experts[0].scores[0].pos, 1, 131);
	pos_is(F.app.experts[0].scores[0].vpos, 1, 137);
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": [1]}]}", "[1]",
	       "experts[0].scores",
	       "expected an object of factor scores (factor id: number), got an array");
}

static void structure_errors(void **state)
{
	(void)state;
	bad_at(HEAD ", \"applicant\": {\"eduction\": \"master\"}}", "\"eduction",
	       "applicant.eduction", "unknown field (did you mean \"education\"?)");
	bad_at(HEAD ", \"applicant\": {\"favourite_colour\": \"blue\"}}", "\"favourite",
	       "applicant.favourite_colour", "unknown field");
	bad_at(HEAD ", \"Date\": 1}", "\"Date", "Date", "unknown field (did you mean \"date\"?)");
	bad_at(HEAD ", \"applicant\": {\"name\": \"A\", \"name\": \"B\"}}", "\"name\": \"B",
	       "applicant.name", "duplicate field (first given at line 1, column 99)");
	bad_at(HEAD ", \"applicant\": []}", "[]", "applicant", "expected an object, got an array");
	bad_at(HEAD ", \"experts\": {}}", "{}", "experts",
	       "expected an array of objects, got an object");
	bad_at(HEAD ", \"experts\": [5]}", "5]", "experts[0]", "expected an object, got 5");
	bad_at(HEAD ", \"applicant\": {\"board_director\": \"yes\"}}", "\"yes",
	       "applicant.board_director", "expected true or false, got \"yes\"");
	bad_at(HEAD ", \"applicant\": {\"name\": 5}}", "5}", "applicant.name",
	       "expected a string, got 5");
	bad_at(HEAD ", \"enterprise\": {\"conditions\": \"hospital\"}}", "\"hospital",
	       "enterprise.conditions", "expected an array of strings, got \"hospital\"");
	decode_bad("[1, 2]", 1, 1, "", "expected an object, got an array");
	decode_bad("{\"format\": \"yingcai-application/1\",}", 1, 35, "",
		   "invalid JSON: trailing comma before '}'");
	decode_bad("", 1, 1, "", "invalid JSON: empty input (expected a JSON value)");
	/* The decoder checks the grammar as it walks: what jsmn lets through. */
	bad_at("{\"format\": \"yingcai-application/1\" \"programme\": \"zgc\"}",
	       "\"programme", "", "invalid JSON: expected ',' or '}' after a value, got '\"'");
	bad_at("{\"format\"}", "}", "format", "invalid JSON: expected ':' after a key, got '}'");
	bad_at("{\"format\":, \"programme\": 1}", ",", "format",
	       "invalid JSON: expected a value after ':', got ','");
	bad_at(HEAD ", \"experts\": [{\"id\": \"e\"},]}", ",]", "",
	       "invalid JSON: trailing comma before ']'");
	bad_at(HEAD ", \"enterprise\": {\"conditions\": [\"hospital\",, \"fortune-500\"]}}",
	       ", \"fortune", "", "invalid JSON: expected a value after ',', got ','");
	bad_at(HEAD ", \"enterprise\": {\"conditions\": [\"hospital\", tru]}}", "tru",
	       "enterprise.conditions",
	       "invalid JSON: invalid literal 'tru' (expected true, false or null)");
	bad_at(HEAD ", \"experts\": [{\"id\": \"e\", \"scores\": {\"a\": 1 \"b\": 2}}]}",
	       "\"b", "", "invalid JSON: expected ',' or '}' after a value, got '\"'");
	bad_at(HEAD "} {}", "{}", "", "invalid JSON: unexpected text after the JSON value");
	bad_at(HEAD "} x", "x", "", "invalid JSON: unexpected character 'x'");
	bad_at(HEAD ", \"applicant\": {\"board_director\": tru}}", "tru", "applicant.board_director",
	       "invalid JSON: invalid literal 'tru' (expected true, false or null)");
	bad_at(HEAD ", \"applicant\": {\"years_in_china\": 01}}", "01}", "applicant.years_in_china",
	       "invalid JSON: invalid number '01': a number must not start with 0 (write 1)");
}

static void dates_and_months(void **state)
{
	(void)state;
	bad_at("{\"format\": \"yingcai-application/1\", \"programme\": \"zgc\", "
	       "\"date\": \"2025-02-30\"}", "\"2025-02-30", "date",
	       "\"2025-02-30\" is not a date: February 2025 has 28 days");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"2023-02-29\"}}", "\"2023",
	       "applicant.birth_date",
	       "\"2023-02-29\" is not a date: 2023 has no 29 February (2023 is not a leap year)");
	decode_ok(HEAD ", \"applicant\": {\"birth_date\": \"2024-02-29\"}}");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"2024-04-31\"}}", "\"2024",
	       "applicant.birth_date", "\"2024-04-31\" is not a date: April has 30 days");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"2024-04-00\"}}", "\"2024",
	       "applicant.birth_date", "\"2024-04-00\" is not a date: there is no day 00");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"0000-04-01\"}}", "\"0000",
	       "applicant.birth_date",
	       "\"0000-04-01\" is not a date: there is no year 0000 (years start at 0001)");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"covers\": "
	       "{\"from\": \"2025-00\", \"to\": \"2025-01\"}}]}", "\"2025-00",
	       "documents[0].covers.from", "\"2025-00\" is not a month: there is no month 00");
	bad_at("{\"format\": \"yingcai-application/1\", \"programme\": \"zgc\", "
	       "\"date\": 20251201}", "2025", "date",
	       "expected a date \"YYYY-MM-DD\", got 20251201");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"1984-5-17\"}}", "\"1984",
	       "applicant.birth_date",
	       "\"1984-5-17\" is not a date in the form YYYY-MM-DD: write \"1984-05-17\"");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"1984/05/17\"}}", "\"1984",
	       "applicant.birth_date",
	       "\"1984/05/17\" is not a date in the form YYYY-MM-DD: write \"1984-05-17\"");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"2023-2-29\"}}", "\"2023",
	       "applicant.birth_date",
	       "\"2023-2-29\" is not a date: 2023 has no 29 February (2023 is not a leap year); "
	       "write dates in the form YYYY-MM-DD");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"issued\": \"2025/13/1\"}]}",
	       "\"2025/13", "documents[0].issued",
	       "\"2025/13/1\" is not a date: there is no month 13; write dates in the form "
	       "YYYY-MM-DD");
	bad_at(HEAD ", \"applicant\": {\"birth_date\": \"17.05.1984\"}}", "\"17.05",
	       "applicant.birth_date", "\"17.05.1984\" is not a date (expected YYYY-MM-DD)");
	bad_at(HEAD ", \"applicant\": {\"resume\": [{\"from\": \"2020-13\", \"to\": \"present\"}]}}",
	       "\"2020-13", "applicant.resume[0].from",
	       "\"2020-13\" is not a month: there is no month 13");
	bad_at(HEAD ", \"applicant\": {\"resume\": [{\"from\": \"2020-01\", \"to\": \"now\"}]}}",
	       "\"now", "applicant.resume[0].to",
	       "\"now\" is not a month (expected YYYY-MM or \"present\")");
	bad_at(HEAD ", \"applicant\": {\"resume\": [{\"from\": \"2010-05\", \"to\": \"2006-07\"}]}}",
	       "{\"from", "applicant.resume[0]", "from 2010-05 is after to 2006-07");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\"}, {\"slot\": \"b\"}, "
	       "{\"slot\": \"c\", \"issued\": \"2025-13-01\"}]}", "\"2025-13",
	       "documents[2].issued", "\"2025-13-01\" is not a date: there is no month 13");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"covers\": "
	       "{\"from\": \"2025-06\", \"to\": \"2025-01\"}}]}", "{\"from",
	       "documents[0].covers", "from 2025-06 is after to 2025-01");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"covers\": \"2025\"}]}", "\"2025\"",
	       "documents[0].covers", "expected an object, got \"2025\"");
}

static void strings_and_escapes(void **state)
{
	(void)state;
	decode_ok(HEAD ", \"applicant\": {\"name\": \"Ren\\u00e9e \\ud83d\\ude00\\nII\", "
		  "\"nationality\": \"\xe4\xb8\xad\"}}");
	assert_string_equal(F.app.applicant.name, "Ren\xc3\xa9" "e \xf0\x9f\x98\x80\nII");
	assert_string_equal(F.app.applicant.nationality, "\xe4\xb8\xad");
	bad_at(HEAD ", \"applicant\": {\"name\": \"\\ud83d x\"}}", "\\ud83d", "applicant.name",
	       "invalid JSON: invalid \\u escape or unpaired surrogate in a string");
	bad_at(HEAD ", \"applicant\": {\"name\": \"caf\xe9\"}}", "\xe9", "applicant.name",
	       "invalid JSON: invalid UTF-8 in a string: save the file as UTF-8 (text saved "
	       "as GBK or Latin-1 must be converted)");
	/* at the escape itself, not at the string's opening quote */
	bad_at(HEAD ", \"applicant\": {\"name\": \"a\\\\u0000\\u0000b\"}}", "\\u0000b",
	       "applicant.name", "a string must not contain \\u0000");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"x\\u0000\": 1}}]}", "\\u0000",
	       "experts[0].scores", "a key must not contain \\u0000");
	/* Control characters from the input never reach a message raw. */
	bad_at(HEAD ", \"applicant\": {\"nat\\u001bionality\": \"DEU\"}}", "\"nat",
	       "applicant.nat\\u001bionality", "unknown field (did you mean \"nationality\"?)");
	bad_at(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"\\u001b[2J\": true}}]}", "true",
	       "experts[0].scores.\\u001b[2J", "expected a number, got true");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"language\": \"\\u001b\\\"\"}]}",
	       "\"\\u001b", "documents[0].language",
	       "\"\\u001b\\\"\" is not an ISO 639-1 language code (two letters, e.g. \"en\", "
	       "\"zh\", \"de\")");
	/* (jsmn finds this one, before the decoder knows any field) */
	bad_at(HEAD ", \"applicant\": {\"name\": \"\\x\"}}", "\\x", "",
	       "invalid JSON: invalid escape '\\x'; the escapes are \\\" \\\\ \\/ \\b \\f \\n \\r "
	       "\\t \\uXXXX");
	/* Columns count characters: the error after two CJK characters. */
	decode_bad(HEAD ", \"applicant\": {\"name\": \"\xe4\xb8\xad\xe6\x96\x87\", \"x\": 1}}", 1,
		   113, "applicant.x", "unknown field");
}

static void languages(void **state)
{
	(void)state;
	decode_ok(HEAD ", \"documents\": [{\"slot\": \"a\", \"language\": \"zh\"}, "
		  "{\"slot\": \"b\", \"language\": null}, {\"slot\": \"c\"}]}");
	assert_string_equal(F.app.documents[0].language, "zh");
	assert_null(F.app.documents[1].language);
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"language\": \"english\"}]}",
	       "\"english", "documents[0].language",
	       "\"english\" is not an ISO 639-1 language code (two letters, e.g. \"en\", \"zh\", "
	       "\"de\")");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"language\": \"\"}]}", "\"\"}",
	       "documents[0].language",
	       "\"\" is not an ISO 639-1 language code (two letters, e.g. \"en\", \"zh\", \"de\")");
	bad_at(HEAD ", \"documents\": [{\"slot\": \"a\", \"language\": \"EN\"}]}", "\"EN",
	       "documents[0].language",
	       "\"EN\" is not an ISO 639-1 language code (two letters, e.g. \"en\", \"zh\", \"de\")");
}

/* A file saved as UTF-16 or UTF-32 is named as such, not as a syntax error. */
static void wide_files_are_named(void **state)
{
	static const char *const files[] = {
		"\xff\xfe{\0\"\0", "\xfe\xff\0{\0\"", "{\0\"\0f\0", "\0{\0\"\0f",
		"\xff\xfe\0\0{\0\0\0", "\0\0\xfe\xff\0\0\0{",
	};
	static const char want[] = "the file is UTF-16 (or UTF-32), not UTF-8: save it as UTF-8";

	(void)state;
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		struct appfile_stream st;
		struct appfile_error err;
		const char *text;
		size_t len;
		uint32_t line, col;
		FILE *f = fmemopen((void *)files[k], 6, "r");

		assert_int_equal(appfile_decode(&F.d, files[k], 6, 1, &F.a, &F.app, &F.err),
				 APPFILE_EINPUT);
		assert_string_equal(F.err.reason, want);
		assert_int_equal(F.err.col, 1);
		assert_non_null(f);
		appfile_stream_init(&st, f, 0);
		assert_int_equal(appfile_stream_next(&st, &text, &len, &line, &col, &err),
				 APPFILE_BAD);
		assert_string_equal(err.reason, want);
		assert_int_equal(err.line, 1);
		assert_int_equal(err.col, 1);
		/* and nothing more from it */
		assert_int_equal(appfile_stream_next(&st, &text, &len, &line, &col, &err),
				 APPFILE_END);
		appfile_stream_release(&st);
		fclose(f);
	}
}

static void positions_on_multiline_input(void **state)
{
	const char *json = "{\n"
			   "\t\"format\": \"yingcai-application/1\",\n"
			   "\t\"programme\": \"two-zones\",\n"
			   "\t\"date\": \"2025-12-01\",\n"
			   "\t\"applicant\": {\n"
			   "\t\t\"education\": \"masters\"\n"
			   "\t}\n"
			   "}\n";
	struct strbuf sb = STRBUF_INIT(1024);
	int rc;

	(void)state;
	rc = appfile_decode(&F.d, json, strlen(json), 10, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_EINPUT);
	assert_int_equal(F.err.rc, APPFILE_EINPUT);
	assert_int_equal(F.err.line, 15);
	assert_int_equal(F.err.col, 16);
	appfile_error_format(&F.err, "apps.jsonl", &sb);
	assert_string_equal(sb.buf, "apps.jsonl:15:16: applicant.education: \"masters\" is not "
				    "one of junior-college, bachelor, master, doctorate");
	strbuf_reset(&sb);

	/* Mid-line start (the second object on a line). */
	rc = appfile_decode_at(&F.d, "{\"format\": 1}", 13, 3, 40, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_EINPUT);
	assert_int_equal(F.err.line, 3);
	assert_int_equal(F.err.col, 51);

	/* A JSON error names the field whose value is malformed ... */
	rc = appfile_decode(&F.d, "{\n  \"format\": tru\n}", 19, 1, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_EINPUT);
	appfile_error_format(&F.err, "x.json", &sb);
	assert_string_equal(sb.buf, "x.json:2:13: format: invalid JSON: invalid literal 'tru' "
				    "(expected true, false or null)");
	strbuf_reset(&sb);
	/* ... and has no path when it is not in a value. */
	rc = appfile_decode(&F.d, HEAD "} []", strlen(HEAD "} []"), 1, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_EINPUT);
	appfile_error_format(&F.err, "x.json", &sb);
	assert_string_equal(sb.buf, "x.json:1:85: invalid JSON: unexpected text after the JSON "
				    "value");
	strbuf_release(&sb);

	/* Positions in a decoded application are absolute too. */
	decode_ok(example);
	rc = appfile_decode(&F.d, example, strlen(example), 101, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_OK);
	pos_is(F.app.pos, 101, 1);
	pos_is(F.app.date_pos, 105, 11);
	pos_is(F.app.documents[0].pos, 139, 5);
	pos_is(F.app.experts[0].scores[4].pos, 136, 74);
}

static void arena_exhaustion_is_reported(void **state)
{
	struct arena tiny;
	int rc;

	(void)state;
	arena_init(&tiny, 64);
	rc = appfile_decode(&F.d, example, strlen(example), 1, &tiny, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_ENOMEM);
	assert_string_equal(F.err.reason, "out of memory");
	arena_release(&tiny);
}

/* ---- the stream reader ------------------------------------------------- */

struct got {
	enum appfile_next r;
	uint32_t line, col;
	char text[600];
};

/* stream_all: every result of appfile_stream_next over s (max 0 default). */
static size_t stream_all(const char *s, size_t max, struct got *out, size_t cap)
{
	FILE *f = fmemopen((void *)s, strlen(s), "r");
	struct appfile_stream st;
	struct appfile_error err;
	size_t n = 0;

	assert_non_null(f);
	appfile_stream_init(&st, f, max);
	while (n < cap) {
		const char *text;
		size_t len;
		struct got *g = &out[n++];
		g->r = appfile_stream_next(&st, &text, &len, &g->line, &g->col, &err);
		g->text[0] = '\0';
		if (g->r == APPFILE_END)
			break;
		if (g->r == APPFILE_BAD) {
			snprintf(g->text, sizeof g->text, "!%s", err.reason);
			g->line = err.line;
			g->col = err.col;
		} else {
			snprintf(g->text, sizeof g->text, "%.*s", (int)len, text);
		}
	}
	appfile_stream_release(&st);
	fclose(f);
	return n;
}

static void got_is(const struct got *g, enum appfile_next r, uint32_t line, uint32_t col,
		   const char *text)
{
	if (g->r != r || (r != APPFILE_END && (g->line != line || g->col != col)) ||
	    strncmp(g->text, text, strlen(text)))
		fail_msg("got %d %u:%u %s, want %d %u:%u %s", g->r, g->line, g->col, g->text, r,
			 line, col, text);
}

static void stream_jsonl(void **state)
{
	struct got g[10];
	size_t n;

	(void)state;
	n = stream_all("{\"a\":1}\n{\"b\":\"}{\\\"\"}\r\n\n   \n{\"c\":[{}]}", 0, g, 10);
	assert_int_equal(n, 4);
	got_is(&g[0], APPFILE_VALUE, 1, 1, "{\"a\":1}");
	got_is(&g[1], APPFILE_VALUE, 2, 1, "{\"b\":\"}{\\\"\"}");
	got_is(&g[2], APPFILE_VALUE, 5, 1, "{\"c\":[{}]}");
	got_is(&g[3], APPFILE_END, 0, 0, "");
}

static void stream_pretty_and_concatenated(void **state)
{
	struct got g[10];
	size_t n;

	(void)state;
	n = stream_all("\xEF\xBB\xBF{\n  \"a\": {\n    \"b\": 1\n  }\n}\n", 0, g, 10);
	assert_int_equal(n, 2);
	got_is(&g[0], APPFILE_VALUE, 1, 1, "{\n  \"a\"");
	got_is(&g[1], APPFILE_END, 0, 0, "");

	n = stream_all("{\"a\":1}{\"b\":2} {\"c\":\n3}  {\"d\":4}", 0, g, 10);
	assert_int_equal(n, 5);
	got_is(&g[0], APPFILE_VALUE, 1, 1, "{\"a\":1}");
	got_is(&g[1], APPFILE_VALUE, 1, 8, "{\"b\":2}");
	got_is(&g[2], APPFILE_VALUE, 1, 16, "{\"c\":\n3}");
	got_is(&g[3], APPFILE_VALUE, 2, 5, "{\"d\":4}");
}

static void stream_garbage_and_resync(void **state)
{
	struct got g[10];
	size_t n;

	(void)state;
	n = stream_all("{\"a\":1}\nxyz {\"lost\":1}\n  {\"lost\":2}\n{\"b\":2} , {\"lost\":3}\n"
		       "{\"c\":3}\n[{\"d\":4}]\n", 0, g, 10);
	assert_int_equal(n, 7);
	got_is(&g[0], APPFILE_VALUE, 1, 1, "{\"a\":1}");
	got_is(&g[1], APPFILE_BAD, 2, 1, "!expected '{' to start an application");
	got_is(&g[2], APPFILE_VALUE, 4, 1, "{\"b\":2}");
	got_is(&g[3], APPFILE_BAD, 4, 9, "!expected '{'");
	got_is(&g[4], APPFILE_VALUE, 5, 1, "{\"c\":3}");
	got_is(&g[5], APPFILE_BAD, 6, 1, "!expected an application object, got an array");
	got_is(&g[6], APPFILE_END, 0, 0, "");
}

static void stream_limits(void **state)
{
	struct got g[10];
	char big[400];
	size_t n;

	(void)state;
	/* Larger than the cap: an error at its start, then the next value. */
	memset(big, 0, sizeof big);
	memcpy(big, "{\"a\":\"", 6);
	memset(big + 6, 'x', 300);
	memcpy(big + 306, "\"}\n{\"b\":1}\n", 11);
	n = stream_all(big, 100, g, 10);
	assert_int_equal(n, 3);
	got_is(&g[0], APPFILE_BAD, 1, 1, "!the application is larger than 100 bytes");
	got_is(&g[1], APPFILE_VALUE, 2, 1, "{\"b\":1}");

	/* Cut short by the end of the file: returned, decoding says where. */
	n = stream_all("{\"a\":1}\n{\"b\": [1,\n", 0, g, 10);
	assert_int_equal(n, 3);
	/* JSON Lines (the first line holds one application): a value ends with
	 * its line, without the line break */
	got_is(&g[1], APPFILE_VALUE, 2, 1, "{\"b\": [1,");
	got_is(&g[2], APPFILE_END, 0, 0, "");
}

static void stream_decodes_with_file_positions(void **state)
{
	const char *file = HEAD "}\n"
			   "\n"
			   HEAD ", \"applicant\": {\"education\": \"masters\"}}\n"
			   "   " HEAD ", \"experts\": [{\"id\": \"e\"}]}\n";
	FILE *f = fmemopen((void *)file, strlen(file), "r");
	struct appfile_stream st;
	int rc;

	(void)state;
	appfile_stream_init(&st, f, 0);
	rc = appfile_stream_read(&st, &F.d, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_VALUE);
	pos_is(F.app.date_pos, 1, 71);
	arena_reset(&F.a);
	rc = appfile_stream_read(&st, &F.d, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_BAD);
	assert_int_equal(F.err.line, 3);
	assert_int_equal(F.err.col, 112);
	assert_string_equal(F.err.path, "applicant.education");
	arena_reset(&F.a);
	rc = appfile_stream_read(&st, &F.d, &F.a, &F.app, &F.err);
	assert_int_equal(rc, APPFILE_VALUE);
	pos_is(F.app.pos, 4, 4);
	pos_is(F.app.experts[0].pos, 4, 100);
	assert_int_equal(appfile_stream_read(&st, &F.d, &F.a, &F.app, &F.err), APPFILE_END);
	appfile_stream_release(&st);
	fclose(f);
}

/* A generated JSON Lines file of a million applications, never on disk. */
struct lines {
	size_t left, at;
	char line[128];
	size_t len;
};

static ssize_t lines_read(void *cookie, char *buf, size_t size)
{
	struct lines *l = cookie;
	size_t n = 0;

	while (n < size && l->left) {
		size_t k = l->len - l->at < size - n ? l->len - l->at : size - n;
		memcpy(buf + n, l->line + l->at, k);
		n += k;
		l->at += k;
		if (l->at == l->len) {
			l->at = 0;
			l->left--;
		}
	}
	return (ssize_t)n;
}

static void stream_million_lines_constant_memory(void **state)
{
	struct lines l = { .left = 1000000 };
	cookie_io_functions_t io = { .read = lines_read };
	struct appfile_stream st;
	size_t ok = 0;
	FILE *f;

	(void)state;
	l.len = (size_t)snprintf(l.line, sizeof l.line, "%s}\n", HEAD);
	f = fopencookie(&l, "r", io);
	assert_non_null(f);
	appfile_stream_init(&st, f, 0);
	while (appfile_stream_read(&st, &F.d, &F.a, &F.app, &F.err) == APPFILE_VALUE) {
		ok++;
		arena_reset(&F.a);
		assert_true(st.alloc == APPFILE_CHUNK);
	}
	assert_int_equal(ok, 1000000);
	pos_is(F.app.pos, 1000000, 1);
	assert_int_equal(st.line, 1000001);
	appfile_stream_release(&st);
	fclose(f);
}

static void stream_grows_for_a_large_application(void **state)
{
	size_t n = APPFILE_CHUNK + APPFILE_CHUNK / 2; /* more than the first buffer */
	char *big = malloc(n + 64);
	FILE *f;
	struct appfile_stream st;
	const char *text;
	size_t len;
	uint32_t line, col;
	struct appfile_error err;

	(void)state;
	memcpy(big, "{\"a\":\"", 6);
	memset(big + 6, 'y', n);
	memcpy(big + 6 + n, "\"}\n{}", 6);
	f = fmemopen(big, n + 11, "r");
	appfile_stream_init(&st, f, 0);
	assert_int_equal(appfile_stream_next(&st, &text, &len, &line, &col, &err), APPFILE_VALUE);
	assert_int_equal(len, n + 8);
	assert_true(st.alloc > APPFILE_CHUNK && st.alloc <= APPFILE_MAX);
	assert_int_equal(appfile_stream_next(&st, &text, &len, &line, &col, &err), APPFILE_VALUE);
	assert_int_equal(line, 2);
	assert_int_equal(len, 2);
	assert_int_equal(appfile_stream_next(&st, &text, &len, &line, &col, &err), APPFILE_END);
	appfile_stream_release(&st);
	fclose(f);
	free(big);
}

/* fast_ok: the fast way takes json (starting at 7:3) and ends at its end. */
static void fast_ok(const char *json)
{
	struct jd_end end;

	arena_reset(&F.a);
	if (!appfile_decode_fast(json, strlen(json), 7, 3, &F.a, &F.app, JSON_MAX_TOKENS, &end))
		fail_msg("the fast way declined %s", json);
	assert_int_equal(end.off, strlen(json) - (json[strlen(json) - 1] == '\n'));
}

static void fast_declines(const char *json)
{
	struct jd_end end;

	arena_reset(&F.a);
	if (appfile_decode_fast(json, strlen(json), 1, 1, &F.a, &F.app, JSON_MAX_TOKENS, &end))
		fail_msg("the fast way took %s", json);
}

/* The fast way (jd_decode_fast) takes ordinary applications, with the
 * careful way's positions, and declines what it leaves to the careful way;
 * either way appfile_decode gives the same answer (the fuzz target checks
 * that at large). */
static void fast_way(void **state)
{
	(void)state;
	fast_ok(example);
	pos_is(F.app.pos, 7, 3);
	pos_is(F.app.date_pos, 11, 11);
	pos_is(F.app.applicant.birth_date_pos, 14, 19);
	pos_is(F.app.documents[0].pos, 45, 5);
	pos_is(F.app.experts[0].scores[4].pos, 42, 74);
	assert_string_equal(F.app.applicant.qualifications[0].status, "verified");
	/* Non-ASCII before a position counts characters, not bytes, as the
	 * careful way does. */
	{
		const char *cjk = HEAD ", \"applicant\": {\"name\": \"\xe4\xb8\xad\xe6\x96\x87\", "
				  "\"birth_date\": \"1984-05-17\"}}";
		struct appfile_decoder careful;
		struct application app;

		appfile_decoder_init(&careful);
		careful.careful = true;
		assert_int_equal(appfile_decode_at(&careful, cjk, strlen(cjk), 7, 3, &F.a, &app,
						   &F.err), APPFILE_OK);
		appfile_decoder_release(&careful);
		fast_ok(cjk);
		/* strings_and_escapes: the key after the name at column 113 from column 1;
		 * from column 3 that is 115, and the date value 14 further on */
		pos_is(app.applicant.birth_date_pos, 7, 115 + 14);
		pos_is(F.app.applicant.birth_date_pos, 7, 115 + 14);
	}
	fast_ok(HEAD ", \"applicant\": {\"name\": \"Ren\\u00e9e\\n\"}}");
	assert_string_equal(F.app.applicant.name, "Ren\xc3\xa9" "e\n");
	/* Declined (the careful way decides): */
	fast_declines(HEAD ", \"applicant\": {\"n\\u0061me\": \"A\"}}"); /* escaped key */
	fast_declines(HEAD ", \"track\": \"st\\u0061rtup\"}");               /* escaped enum */
	fast_declines(HEAD ", \"applicant\": {\"years_in_china\": -0}}");       /* sign */
	fast_declines(HEAD ", \"experts\": [{\"id\": \"e\", \"scores\": {\"a\": null}}]}");
	fast_declines(HEAD ", \"applicant\": {\"name\": \"a\\u0000b\"}}");     /* \u0000 */
	fast_declines(HEAD ", \"date\": \"2025-12-01\"}");                      /* duplicate */
	fast_declines(HEAD ", \"applicant\": {\"years_in_china\": 1.5}}");      /* fraction */
	fast_declines(HEAD ", \"applicant\": {\"years_in_china\": 1.01}}");
	fast_declines(HEAD ", \"applicant\": {\"years_in_china\": 1.0e0}}");
	fast_declines(HEAD ", \"applicant\": {\"shareholding_percent\": 1.5001}}");
	fast_declines(HEAD ", \"documents\": [{\"slot\": \"a\", \"language\": \"english\"}]}");
	fast_declines(HEAD ", \"applicant\": {\"name\": \"caf\xe9\"}}");       /* bad UTF-8 */
	fast_declines(HEAD ", \"track\": \"startup\"}");                        /* app_check */
	fast_declines(HEAD ",}");
	fast_declines(HEAD);
	decode_ok(HEAD ", \"applicant\": {\"years_in_china\": -0}}");
	assert_int_equal(F.app.applicant.years_in_china.v, 0);
	/* Trailing zeros after the point, taken as the careful way takes them. */
	fast_ok(HEAD ", \"applicant\": {\"years_in_china\": 4.0, \"shareholding_percent\": 1.5000}, "
		"\"experts\": [{\"id\": \"e\", \"scores\": {\"a\": 15.50000, \"b\": 3.000}}]}");
	assert_int_equal(F.app.applicant.years_in_china.v, 4);
	assert_int_equal(F.app.applicant.shareholding_percent, 150);
	assert_int_equal(F.app.experts[0].scores[0].points, 1550);
	assert_int_equal(F.app.experts[0].scores[1].points, 300);
	/* the value's position, as the careful way gives it (scores above) */
	fast_ok(HEAD ", \"experts\": [{\"id\": \"a\", \"scores\": {\"y\":  15.50000}}]}");
	pos_is(F.app.experts[0].scores[0].pos, 7, 122);
	pos_is(F.app.experts[0].scores[0].vpos, 7, 128);
	pos_is(F.app.experts[0].scores[0].vpos, 7, 128);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(example_decodes),
		cmocka_unit_test(other_programmes_and_facts),
		cmocka_unit_test(null_is_absent),
		cmocka_unit_test(required_fields),
		cmocka_unit_test(enumerations),
		cmocka_unit_test(numbers),
		cmocka_unit_test(scores),
		cmocka_unit_test(structure_errors),
		cmocka_unit_test(dates_and_months),
		cmocka_unit_test(strings_and_escapes),
		cmocka_unit_test(languages),
		cmocka_unit_test(wide_files_are_named),
		cmocka_unit_test(positions_on_multiline_input),
		cmocka_unit_test(arena_exhaustion_is_reported),
		cmocka_unit_test(fast_way),
		cmocka_unit_test(stream_jsonl),
		cmocka_unit_test(stream_pretty_and_concatenated),
		cmocka_unit_test(stream_garbage_and_resync),
		cmocka_unit_test(stream_limits),
		cmocka_unit_test(stream_decodes_with_file_positions),
		cmocka_unit_test(stream_million_lines_constant_memory),
		cmocka_unit_test(stream_grows_for_a_large_application),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
