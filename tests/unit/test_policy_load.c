/* test_policy_load.c - the policy loader (policy/load.h) and the lookups of
 * core/policy.h.
 *
 * First the real policy directory (YINGCAI_POLICY, else "policy"): the
 * numbers the specs publish must come out of the YAML exactly.  Then one
 * broken document per validation rule, loaded from a string: each must
 * produce exactly the expected "file:line:column: message" lines, because
 * that line is what an administrator reads to fix a policy file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/calendar.h"
#include "core/policy.h"
#include "policy/load.h"

/* ---- the real policy directory --------------------------------------- */

struct loaded {
	struct arena a;
	struct policy_bundle b;
};

static int setup_real(void **state)
{
	struct loaded *l = calloc(1, sizeof *l);
	struct strbuf errors = STRBUF_INIT(1 << 20);
	const char *dir = getenv("YINGCAI_POLICY");
	int n;

	if (!l)
		return -1;
	arena_init(&l->a, 0);
	n = policy_load_dir(dir && *dir ? dir : "policy", &l->a, &l->b, &errors);
	if (n) {
		fprintf(stderr, "%s", errors.buf);
		strbuf_release(&errors);
		arena_release(&l->a);
		free(l);
		return -1;
	}
	strbuf_release(&errors);
	*state = l;
	return 0;
}

static int teardown_real(void **state)
{
	struct loaded *l = *state;

	arena_release(&l->a);
	free(l);
	return 0;
}

static date_t day(const char *s)
{
	date_t d = 0;

	assert_true(date_parse(s, strlen(s), &d));
	return d;
}

static const struct factor *factor(const struct track *t, const char *id)
{
	const struct factor *f = policy_factor_find(t, id);

	assert_non_null(f);
	return f;
}

static void test_two_zones_2025(void **state)
{
	const struct policy_bundle *b = &((struct loaded *)*state)->b;
	const struct programme_policy *p = policy_find(b, "two-zones", NULL, day("2025-12-01"));
	static const char *const personal[] = {"age", "education", "experience", "ability",
					       "achievements", "value"};
	static const int personal_max[] = {5, 10, 20, 20, 20, 25};
	static const char *const enterprise[] = {"enterprise_type", "business_leadership",
						 "innovation", "economic", "social"};
	static const int enterprise_max[] = {10, 25, 25, 25, 15};
	const struct track *t;
	const struct factor *f;

	assert_non_null(p);
	assert_string_equal(p->edition, "2025");
	assert_int_equal(p->in_force_from, day("2025-11-27"));
	assert_true(p->has_window);
	assert_int_equal(p->window_opens, day("2025-11-27"));
	assert_int_equal(p->window_closes, day("2026-01-16"));
	assert_true(p->scored);
	assert_int_equal(p->threshold, 7000);
	assert_int_equal(p->expert_panel, 3);
	assert_int_equal(p->expert_quorum, 1);
	/* the day before the round opens, no edition is in force */
	assert_null(policy_find(b, "two-zones", NULL, day("2025-11-26")));
	assert_ptr_equal(policy_find(b, "two-zones", "2025", day("2020-01-01")), p);
	assert_null(policy_find(b, "two-zones", "2024", day("2025-12-01")));

	t = policy_track(p, NULL);
	assert_non_null(t);
	assert_null(t->id);
	assert_null(policy_track(p, "startup"));
	assert_int_equal(t->nparts, 2);
	assert_string_equal(t->parts[0].id, "personal");
	assert_int_equal(t->parts[0].weight, 70);
	assert_non_null(strstr(t->parts[0].source, "Personal score evaluation criteria (70% weight)"));
	assert_non_null(strstr(p->threshold_source, "70 points or above"));
	assert_non_null(strstr(p->window_source, "November 27, 2025, to January 16, 2026"));
	assert_int_equal(t->parts[0].max, 10000);
	assert_string_equal(t->parts[1].id, "enterprise");
	assert_int_equal(t->parts[1].weight, 30);
	assert_int_equal(t->parts[0].nfactors, 6);
	assert_int_equal(t->parts[1].nfactors, 5);
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(t->parts[0].factors[i].id, personal[i]);
		assert_int_equal(t->parts[0].factors[i].max, personal_max[i] * 100);
		assert_non_null(t->parts[0].factors[i].source);
	}
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(t->parts[1].factors[i].id, enterprise[i]);
		assert_int_equal(t->parts[1].factors[i].max, enterprise_max[i] * 100);
	}

	f = factor(t, "age");
	assert_int_equal(f->kind, FACTOR_BRACKET);
	assert_string_equal(f->input, "applicant.age");
	assert_int_equal(f->nlevels, 4);
	assert_int_equal(f->levels[0].from, 1600);
	assert_true(f->levels[0].has_to);
	assert_int_equal(f->levels[0].to, 2500);
	assert_string_equal(f->levels[0].label, "16-25");
	assert_int_equal(f->levels[1].points, 500);
	assert_false(f->levels[3].has_to);
	assert_string_equal(f->levels[3].label, "66+");
	assert_true(f->levels[3].provisional);
	assert_false(f->max_provisional);
	assert_non_null(strstr(f->source, "Age (5 points)"));

	f = factor(t, "education");
	assert_int_equal(f->kind, FACTOR_CHOICE);
	assert_int_equal(f->nlevels, 4);
	assert_string_equal(f->levels[2].match[0], "master");
	assert_int_equal(f->levels[2].points, 800);

	f = factor(t, "experience");
	assert_int_equal(f->kind, FACTOR_SUM);
	assert_int_equal(f->nsubs, 3);
	assert_int_equal(f->subs[0].max + f->subs[1].max + f->subs[2].max, 2000);
	assert_true(f->subs[0].max_provisional);

	f = factor(t, "qualification");
	assert_string_equal(f->input, "applicant.credentials");
	assert_int_equal(f->nlevels, 4);
	assert_int_equal(f->levels[0].nmatch, 2);
	assert_string_equal(f->levels[0].match[0], "catalog:urgent");
	assert_int_equal(f->levels[1].nmatch, 4);
	assert_true(f->levels[3].otherwise);
	assert_int_equal(f->levels[3].points, 0);

	f = factor(t, "salary");
	assert_int_equal(f->unit, UNIT_AVERAGE_WAGE);
	assert_int_equal(f->nlevels, 6);
	assert_int_equal(f->levels[0].from, 600);
	assert_int_equal(f->levels[0].points, 1500);
	assert_false(f->levels[0].has_to);

	f = factor(t, "achievements");
	assert_int_equal(f->kind, FACTOR_JUDGED);
	assert_int_equal(f->step, 50);
	assert_int_equal(f->nrubric, 4);
	assert_int_equal(f->rubric[0].from, 1600);
	assert_string_equal(f->rubric[0].label, "outstanding");
	assert_int_equal(f->rubric[3].from, 0);

	assert_int_equal(factor(t, "value_contribution")->kind, FACTOR_JUDGED);
	assert_int_equal(factor(t, "revenue")->nlevels, 5);
	assert_int_equal(factor(t, "revenue")->levels[0].from, INT64_C(100000000000));
	assert_int_equal(factor(t, "jobs")->nlevels, 5);
	assert_null(policy_factor_find(t, "potential"));

	assert_int_equal(p->ncriteria, 2);
	assert_string_equal(p->criteria[0].test.fact, "enterprise.key_entity");
	assert_int_equal(p->criteria[1].test.op, PRED_ANY);
	assert_int_equal(p->criteria[1].test.nsubs, 4);
	assert_int_equal(p->nslots, 17);
	assert_int_equal(p->slots[0].need, SLOT_REQUIRED);
	assert_int_equal(p->slots[16].need, SLOT_OPTIONAL);
	assert_string_equal(p->docrules.file_types[0], "pdf");
	assert_string_equal(p->docrules.native_languages[0], "zh");
	assert_int_equal(p->ndeadlines, 1);
	assert_int_equal(p->deadlines[0].calendar_months, 1);
	assert_int_equal(p->ncontacts, 3);
	assert_string_equal(p->contacts[0].phone, "+86-10-68869983");
	assert_int_equal(p->nnotes, 3);
	assert_string_equal(p->notes[0].id, "interview");
	assert_non_null(strstr(p->notes[0].source, "Notice VI.(I)"));
}

static void test_zgc(void **state)
{
	const struct policy_bundle *b = &((struct loaded *)*state)->b;
	const struct programme_policy *p = policy_find(b, "zgc", NULL, day("2025-12-01"));
	const struct track *s, *t;

	assert_non_null(p);
	assert_int_equal(p->threshold, 7000);
	assert_int_equal(p->ntracks, 2);
	assert_null(policy_track(p, NULL));
	s = policy_track(p, "startup");
	t = policy_track(p, "technical");
	assert_non_null(s);
	assert_non_null(t);
	assert_null(policy_track(p, "nonsense"));
	assert_int_equal(s->nparts, 1);
	assert_int_equal(s->parts[0].weight, 100);
	assert_int_equal(s->parts[0].nfactors, 6);
	assert_int_equal(s->parts[0].factors[0].kind, FACTOR_GATE);
	assert_int_equal(s->parts[0].factors[1].gate->op, PRED_ANY);
	assert_int_equal(factor(s, "potential")->max, 3000);
	assert_true(factor(s, "potential")->max_provisional);
	assert_int_equal(factor(t, "working_ability")->max, 4000);
	assert_null(policy_factor_find(t, "growth"));
	assert_int_equal(p->nfees, 4);
	assert_int_equal(p->fees[0].amount_cny, 1500);
	assert_int_equal(p->fees[3].amount_cny, 600);
	assert_int_equal(p->ncentres, 6);
	assert_int_equal(p->centres[0].naccepts, 0);
	assert_int_equal(p->centres[2].naccepts, 2);
	assert_string_equal(p->centres[5].hours[0].hours, "09:00-12:00, 13:30-17:00");
	assert_int_equal(p->nslots, 12);
	for (size_t i = 0; i < p->nslots; i++) {
		const struct doc_slot *d = &p->slots[i];
		if (strcmp(d->id, "medical_certificate") == 0)
			assert_int_equal(d->issued_within_months, 6);
		if (strcmp(d->id, "tax_certificates") == 0 || strcmp(d->id, "work_permit") == 0)
			assert_int_equal(d->covers_years_before, 4);
		if (strcmp(d->id, "resume") == 0)
			assert_int_equal(d->resume_from_age, 18);
		if (strcmp(d->id, "university_approval") == 0) {
			assert_int_equal(d->need, SLOT_CONDITIONAL);
			assert_string_equal(d->when->fact, "enterprise.employer_211_or_first_batch");
		}
	}
	assert_int_equal(p->ncriteria, 4);
	assert_string_equal(p->criteria[0].track, "startup");
	assert_int_equal(p->nnotes, 5);
	assert_string_equal(p->notes[4].id, "household_registration");
}

static void test_urgent(void **state)
{
	const struct policy_bundle *b = &((struct loaded *)*state)->b;
	const struct programme_policy *p = policy_find(b, "urgent", NULL, day("2020-01-01"));
	size_t deferrable = 0;

	assert_non_null(p);
	assert_null(policy_find(b, "urgent", NULL, day("2019-12-31")));
	assert_false(p->scored);
	assert_int_equal(p->ncriteria, 5);
	assert_string_equal(p->criteria[0].test.fact, "enterprise.beijing_registered_and_taxed");
	assert_string_equal(p->criteria[4].test.subs[2].fact, "applicant.annual_salary_cny");
	assert_int_equal(p->criteria[4].test.subs[2].threshold, 400);
	assert_int_equal(p->criteria[4].test.subs[2].unit, UNIT_AVERAGE_WAGE);
	for (size_t i = 0; i < p->nslots; i++)
		deferrable += p->slots[i].need == SLOT_DEFERRABLE;
	assert_int_equal(p->nslots, 8);
	assert_int_equal(deferrable, 3);
	assert_int_equal(p->ndeadlines, 2);
	assert_int_equal(p->deadlines[0].working_days, 2);
	assert_int_equal(p->deadlines[1].working_days, 5);
}

static void test_tables(void **state)
{
	const struct policy_bundle *b = &((struct loaded *)*state)->b;
	const struct wage *w;
	const struct catalog *c;
	const struct catalog_entry *e;
	bool working = false;

	w = policy_wage_on(b, day("2025-07-01"));
	assert_non_null(w);
	assert_int_equal(w->annual_cny, 143244);
	assert_int_equal(w->year, 2024);
	w = policy_wage_on(b, day("2025-06-30"));
	assert_non_null(w);
	assert_int_equal(w->annual_cny, 141132);
	assert_true(w->provisional);
	assert_null(policy_wage_on(b, day("2024-06-30")));

	c = policy_catalog_on(b, day("2025-09-05"));
	assert_non_null(c);
	assert_null(policy_catalog_on(b, day("2025-09-04")));
	assert_int_equal(c->published_count, 163);
	assert_int_equal(c->nlists, 4);
	assert_int_equal(c->nentries, 7);
	e = catalog_entry_find(c, "acca-fellow");
	assert_non_null(e);
	assert_string_equal(e->lists[0], "urgent");
	assert_null(catalog_entry_find(c, "acca"));

	assert_int_equal(b->calendar.nyears, 2);
	assert_int_equal(b->calendar.years[0].year, 2025);
	assert_string_equal(b->calendar.years[1].source,
			    "国办发明电〔2025〕7号: 国务院办公厅关于2026年部分节假日安排的通知");
	assert_int_equal(b->calendar.ndays_off, 28 + 33);
	assert_int_equal(b->calendar.nworking_days, 5 + 6);
	for (size_t i = 1; i < b->calendar.ndays_off; i++)
		assert_true(b->calendar.days_off[i - 1] < b->calendar.days_off[i]);
	assert_int_equal(calendar_is_working_day(&b->calendar, day("2025-10-08"), &working), CAL_OK);
	assert_false(working);
	assert_int_equal(calendar_is_working_day(&b->calendar, day("2025-01-26"), &working), CAL_OK);
	assert_true(working);

	{
		struct strbuf errors = STRBUF_INIT(1 << 16);
		assert_int_equal(policy_validate_bundle(b, &errors), 0);
		strbuf_release(&errors);
	}
}

/* Every day of 2025 and 2026 in policy/calendar/, against the State
 * Council notices themselves, transcribed here a second time:
 * 国办发明电〔2024〕12号 for 2025 and 国办发明电〔2025〕7号 for 2026.  The
 * counts checked in test_tables would not notice a holiday or an adjusted
 * working day moved to another date; this does. */
static void test_calendar_notices(void **state)
{
	const struct policy_bundle *b = &((struct loaded *)*state)->b;
	static const struct {
		const char *from, *to;
	} off[] = {
		{"2025-01-01", "2025-01-01"}, /* 元旦: Wed */
		{"2025-01-28", "2025-02-04"}, /* 春节: Tue (除夕) - Tue */
		{"2025-04-04", "2025-04-06"}, /* 清明: Fri - Sun */
		{"2025-05-01", "2025-05-05"}, /* 劳动节: Thu - Mon */
		{"2025-05-31", "2025-06-02"}, /* 端午: Sat - Mon */
		{"2025-10-01", "2025-10-08"}, /* 国庆、中秋: Wed - Wed */
		{"2026-01-01", "2026-01-03"}, /* 元旦: Thu - Sat */
		{"2026-02-15", "2026-02-23"}, /* 春节: Sun (腊月二十八) - Mon */
		{"2026-04-04", "2026-04-06"}, /* 清明: Sat - Mon */
		{"2026-05-01", "2026-05-05"}, /* 劳动节: Fri - Tue */
		{"2026-06-19", "2026-06-21"}, /* 端午: Fri - Sun */
		{"2026-09-25", "2026-09-27"}, /* 中秋: Fri - Sun */
		{"2026-10-01", "2026-10-07"}, /* 国庆: Thu - Wed */
	};
	static const char *const worked[] = {
		"2025-01-26", "2025-02-08", /* 春节 */
		"2025-04-27",               /* 劳动节 */
		"2025-09-28", "2025-10-11", /* 国庆、中秋 */
		"2026-01-04",               /* 元旦 */
		"2026-02-14", "2026-02-28", /* 春节 */
		"2026-05-09",               /* 劳动节 */
		"2026-09-20", "2026-10-10", /* 国庆 (中秋 2026 has none) */
	};
	int working_count[2] = {0, 0};
	bool working = false;
	date_t out = 0;

	for (date_t d = day("2025-01-01"); d <= day("2026-12-31"); d++) {
		bool want = date_weekday(d) <= 5;

		for (size_t i = 0; i < sizeof worked / sizeof worked[0]; i++)
			if (d == day(worked[i])) {
				assert_true(date_weekday(d) >= 6);
				want = true;
			}
		for (size_t i = 0; i < sizeof off / sizeof off[0]; i++)
			if (d >= day(off[i].from) && d <= day(off[i].to))
				want = false;
		assert_int_equal(calendar_is_working_day(&b->calendar, d, &working), CAL_OK);
		if (working != want) {
			char buf[DATE_FMT_MAX];

			fail_msg("%s: policy/calendar/ says %s, the notice %s", date_format(d, buf),
				 working ? "working day" : "day off", want ? "working day" : "day off");
		}
		working_count[d >= day("2026-01-01")] += want;
	}
	/* 248 working days in each year */
	assert_int_equal(working_count[0], 248);
	assert_int_equal(working_count[1], 248);
	/* no data before 2025 or after 2026: an error, never a guess */
	assert_int_equal(calendar_is_working_day(&b->calendar, day("2024-12-31"), &working),
			 CAL_OUT_OF_RANGE);
	assert_int_equal(calendar_is_working_day(&b->calendar, day("2027-01-01"), &working),
			 CAL_OUT_OF_RANGE);
	/* the urgent measures' deadlines over Spring Festival 2026 */
	assert_int_equal(calendar_add_working_days(&b->calendar, day("2026-02-13"), 2, &out), CAL_OK);
	assert_int_equal(out, day("2026-02-24"));
	assert_int_equal(calendar_add_working_days(&b->calendar, day("2026-02-13"), 5, &out), CAL_OK);
	assert_int_equal(out, day("2026-02-27"));
}

/* What scorecard.md says is published is not provisional, and every default
 * the platform ships below a published maximum is: two-zones publishes the
 * primary factors' maxima (not the secondary factors' nor any level's
 * points), zgc only "70 points" (every maximum is a default), and the 2024
 * average wage is published while the 2023 one is provisional. */
static void test_provisional_marks(void **state)
{
	const struct policy_bundle *b = &((struct loaded *)*state)->b;
	const struct programme_policy *p = policy_find(b, "two-zones", NULL, day("2025-12-01"));
	const struct track *t = policy_track(p, NULL);
	static const char *const tracks[] = {"startup", "technical"};

	for (size_t i = 0; i < t->nparts; i++)
		for (size_t j = 0; j < t->parts[i].nfactors; j++) {
			const struct factor *f = &t->parts[i].factors[j];

			assert_false(f->max_provisional);
			for (size_t k = 0; k < f->nlevels; k++)
				assert_true(f->levels[k].provisional);
			for (size_t s = 0; s < f->nsubs; s++) {
				assert_true(f->subs[s].max_provisional);
				for (size_t k = 0; k < f->subs[s].nlevels; k++)
					assert_true(f->subs[s].levels[k].provisional);
			}
			/* a judged primary factor: its maximum is all there is */
			if (f->kind == FACTOR_JUDGED)
				assert_false(f->any_provisional);
		}

	p = policy_find(b, "zgc", NULL, day("2025-12-01"));
	for (size_t n = 0; n < 2; n++) {
		t = policy_track(p, tracks[n]);
		for (size_t j = 0; j < t->parts[0].nfactors; j++) {
			const struct factor *f = &t->parts[0].factors[j];

			assert_true(f->kind == FACTOR_GATE || f->max_provisional);
		}
	}

	assert_false(policy_wage_on(b, day("2025-07-01"))->provisional);
	assert_true(policy_wage_on(b, day("2025-06-30"))->provisional);
}

/* ---- broken documents ------------------------------------------------ */

/* Lines 1-12 of a scored programme; its factors start on line 13. */
#define HEAD \
	"programme: two-zones\n" \
	"edition: \"t\"\n" \
	"source: s\n" \
	"in_force_from: 2025-01-01\n" \
	"threshold: 70\n" \
	"threshold_source: s\n" \
	"experts: {panel: 3, quorum: 1, step: 0.5}\n" \
	"parts:\n" \
	"  - id: p\n" \
	"    weight: 1\n" \
	"    source: s\n" \
	"    factors:\n"

/* A valid one-factor scorecard for documents about other things. */
#define ONE_FACTOR HEAD "      - {id: j, kind: judged, max: 100, source: s}\n"

struct bad {
	const char *name;
	const char *kind;
	const char *text;
	const char *want; /* every error line, in order */
};

static const struct bad bad_docs[] = {
	{"yaml syntax error", "two-zones",
	 "programme: two-zones\nedition: [1, 2\nsource: s\n",
	 "t.yaml:4:1: YAML syntax: flow sequence without a closing bracket: a '[' opened before "
	 "is not closed\n"},
	{"a tab in the indentation is reported at the tab", "two-zones",
	 "programme: two-zones\nwindow:\n  opens: 2025-01-01\n \tcloses: 2025-02-01\n",
	 "t.yaml:4:2: YAML syntax: a tab in the indentation: YAML indents with spaces, not tabs\n"},
	{"a double quote not closed is reported at the quote", "two-zones",
	 "programme: two-zones\nedition: \"2025\nsource: s\n",
	 "t.yaml:2:10: YAML syntax: wrongly indented double-quoted scalar: the double quote opened "
	 "here is not closed; add the closing \"\n"},
	{"a '}' missing at the end of a line", "two-zones",
	 "programme: two-zones\nwindow: {opens: 2025-01-01, closes: 2025-02-01\nsource: s\n",
	 "t.yaml:3:7: YAML syntax: missing comma in flow mapping: is the ',' or the closing '}' "
	 "missing at the end of line 2?\n"},
	{"unknown key, with the closest known key", "two-zones",
	 HEAD "      - {id: a, kind: judged, max: 100, sourse: s}\n",
	 "t.yaml:13:41: factor: unknown key 'sourse' (did you mean 'source'?)\n"},
	{"a misspelt required key is one error, not two", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, imput: applicant.age,\n"
	      "         levels: [{from: 0, pionts: 1}]}\n",
	 "t.yaml:13:53: factor: unknown key 'imput' (did you mean 'input'?)\n"},
	{"a misspelt level key is one error, not two", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, input: applicant.age,\n"
	      "         levels: [{from: 0, pionts: 1}]}\n",
	 "t.yaml:14:29: level: unknown key 'pionts' (did you mean 'points'?)\n"},
	{"unknown key without a close one", "two-zones",
	 ONE_FACTOR "colour: blue\n",
	 "t.yaml:14:1: policy: unknown key 'colour' (known keys: programme, edition, title, "
	 "source, in_force_from, window, scored, threshold, threshold_source, experts, parts, tracks, "
	 "criteria, "
	 "documents, fees, centres, deadlines, contacts, notes)\n"},
	{"a note without the clause it quotes", "two-zones",
	 ONE_FACTOR "notes:\n  - {id: a4, text: Photocopies are A4., sorce: s}\n",
	 "t.yaml:15:41: note: unknown key 'sorce' (did you mean 'source'?)\n"},
	{"key cut short", "two-zones",
	 ONE_FACTOR "in_force: 2025-01-01\n",
	 "t.yaml:14:1: policy: unknown key 'in_force' (did you mean 'in_force_from'?)\n"},
	{"text that is not UTF-8", "two-zones",
	 "programme: two-zones\ntitle: \"caf\xe9\"\n",
	 "t.yaml:2:12: not valid UTF-8 text (policy files are UTF-8)\n"},
	{"weights checked beside other errors", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: 70\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
	 "parts:\n"
	 "  - {id: a, weight: 0.7, factors: [{id: x, kind: judged, max: 90, source: s}], source: s}\n"
	 "  - {id: b, weight: 0.2, factors: [{id: y, kind: judged, max: 100, source: s}], source: s}\n",
	 "t.yaml:9:35: the factor maxima of part 'a' add up to 90.00, not its maximum 100.00\n"
	 "t.yaml:9:3: the part weights add up to 0.90, not 1.00\n"},
	{"key given twice", "two-zones",
	 ONE_FACTOR "source: again\n",
	 "t.yaml:14:1: policy: key 'source' given twice (first on line 3)\n"},
	{"a number without the clause that gives it", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: 70\nexperts: {panel: 3, step: 0.5}\n"
	 "window: {opens: 2025-11-27, closes: 2026-01-16}\n"
	 "parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}]}]\n",
	 "t.yaml:7:9: window: missing required key 'source'\n"
	 "t.yaml:1:1: policy: missing required key 'threshold_source'\n"
	 "t.yaml:8:9: part: missing required key 'source'\n"},
	{"a blank clause", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: \"  \"\nin_force_from: 2025-01-01\n"
	 "threshold: 70\nthreshold_source: \"\"\nexperts: {panel: 3, step: 0.5}\n"
	 "parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}], source: s}]\n",
	 "t.yaml:3:10: policy: 'source' is empty: a required key needs its text\n"
	 "t.yaml:6:20: policy: 'threshold_source' is empty: a required key needs its text\n"},
	{"threshold_source in an eligibility-only programme", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "scored: false\nthreshold_source: s\n",
	 "t.yaml:6:1: 'threshold_source' does not apply when 'scored' is false\n"},
	{"missing in_force_from", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nthreshold: 70\nthreshold_source: s\n"
	 "experts: {panel: 3, step: 0.5}\n"
	 "parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}], source: s}]\n",
	 "t.yaml:1:1: policy: missing required key 'in_force_from'\n"},
	{"missing source on a factor", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: 100}\n",
	 "t.yaml:13:9: factor: missing required key 'source'\n"},
	{"wrong scalar type", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: lots, source: s}\n",
	 "t.yaml:13:36: max: expected a number with at most two decimal places (e.g. 5 or 2.5), "
	 "found 'lots'\n"},
	{"a threshold that is not a number", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: high\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
	 "parts: [{id: p, weight: 1, source: s, factors: [{id: j, kind: judged, max: 100, source: s}]}]\n",
	 "t.yaml:5:12: threshold: expected a number with at most two decimal places (e.g. 5 or 2.5), "
	 "found 'high'\n"},
	{"a list where a number belongs", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: [70]\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
	 "parts: [{id: p, weight: 1, source: s, factors: [{id: j, kind: judged, max: 100, source: s}]}]\n",
	 "t.yaml:5:12: threshold: expected a number with at most two decimal places (e.g. 5 or 2.5), "
	 "found a list\n"},
	{"yes is not a yes/no value", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: 100, source: s, max_provisional: yes}\n",
	 "t.yaml:13:69: max_provisional: expected true or false (without quotes), found 'yes'\n"},
	{"a whole number with a decimal point", "wages",
	 "wages:\n  - {year: 2024.5, annual_cny: 143244, in_force_from: 2025-07-01, source: s}\n",
	 "t.yaml:2:12: year: expected a whole number (e.g. 12), found '2024.5'\n"},
	{"a mapping where a number belongs", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: {a: 1}, source: s}\n",
	 "t.yaml:13:36: max: expected a number with at most two decimal places (e.g. 5 or 2.5), "
	 "found a mapping\n"},
	{"more than two decimal places", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: 99.995, source: s}\n",
	 "t.yaml:13:36: max: '99.995' has more than two decimal places (use at most two, e.g. 99.99)\n"},
	{"unknown kind", "two-zones",
	 HEAD "      - {id: j, kind: judgd, max: 100, source: s}\n",
	 "t.yaml:13:23: kind: expected bracket, choice, judged, sum or gate, found judgd "
	 "(did you mean 'judged'?)\n"},
	{"key of another kind", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: 100, source: s, input: applicant.age}\n",
	 "t.yaml:13:52: 'input' does not apply to a judged factor\n"},
	{"level points above the maximum", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, input: applicant.age,\n"
	      "         levels: [{from: 16, points: 101}]}\n",
	 "t.yaml:14:38: level points 101.00 are above the maximum 100.00 of factor 'a'\n"},
	{"bracket level from above to", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, input: applicant.age,\n"
	      "         levels: [{from: 30, to: 16, points: 1}]}\n",
	 "t.yaml:14:34: level runs from 30 to 16: 'from' must not be above 'to'\n"},
	{"overlapping bracket levels", "two-zones",
	 HEAD "      - id: a\n"
	      "        kind: bracket\n"
	      "        max: 100\n"
	      "        source: s\n"
	      "        input: applicant.age\n"
	      "        levels:\n"
	      "          - {from: 16, to: 30, points: 1}\n"
	      "          - {from: 25, points: 100}\n",
	 "t.yaml:20:13: the level from 25 overlaps the level at line 19, column 13, "
	 "which runs to 30\n"},
	{"two bracket levels from the same bound", "two-zones",
	 HEAD "      - id: a\n"
	      "        kind: bracket\n"
	      "        max: 100\n"
	      "        source: s\n"
	      "        input: applicant.annual_salary_cny\n"
	      "        unit: average-wage\n"
	      "        levels:\n"
	      "          - {from: 4, points: 50}\n"
	      "          - {from: 4, points: 100}\n",
	 "t.yaml:21:13: two levels start at 4x (the other is at line 20, column 13)\n"},
	{"choice value matched twice", "two-zones",
	 HEAD "      - id: a\n"
	      "        kind: choice\n"
	      "        max: 100\n"
	      "        source: s\n"
	      "        input: applicant.education\n"
	      "        levels:\n"
	      "          - {match: [master, doctorate], points: 100}\n"
	      "          - {match: [bachelor, master], points: 50}\n",
	 "t.yaml:20:32: 'master' is matched twice (first on line 19, column 22)\n"},
	{"choice value the application cannot hold", "two-zones",
	 HEAD "      - {id: a, kind: choice, max: 100, source: s, input: applicant.education,\n"
	      "         levels: [{match: [mastr], points: 100}]}\n",
	 "t.yaml:14:28: 'mastr' is not a value of applicant.education (did you mean 'master'?)\n"},
	{"two otherwise levels", "two-zones",
	 HEAD "      - id: a\n"
	      "        kind: choice\n"
	      "        max: 100\n"
	      "        source: s\n"
	      "        input: applicant.position\n"
	      "        levels:\n"
	      "          - {otherwise: true, points: 100}\n"
	      "          - {otherwise: true, points: 50}\n",
	 "t.yaml:20:13: factor 'a': a second 'otherwise' level (the first is on line 19)\n"},
	{"part weights not summing to 1.00", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: 70\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
	 "parts:\n"
	 "  - {id: a, weight: 0.7, factors: [{id: x, kind: judged, max: 100, source: s}], source: s}\n"
	 "  - {id: b, weight: 0.2, factors: [{id: y, kind: judged, max: 100, source: s}], source: s}\n",
	 "t.yaml:9:3: the part weights add up to 0.90, not 1.00\n"},
	{"factor maxima not summing to the part maximum", "two-zones",
	 HEAD "      - {id: a, kind: judged, max: 60, source: s}\n"
	      "      - {id: b, kind: judged, max: 30, source: s}\n",
	 "t.yaml:13:7: the factor maxima of part 'p' add up to 90.00, not its maximum 100.00\n"},
	{"sub-factor maximum above its parent's", "two-zones",
	 HEAD "      - id: a\n"
	      "        kind: sum\n"
	      "        max: 100\n"
	      "        source: s\n"
	      "        factors:\n"
	      "          - {id: b, kind: judged, max: 120, source: s}\n",
	 "t.yaml:18:40: sub-factor 'b' has maximum 120.00, above the maximum 100.00 of factor 'a'\n"},
	{"judged step not dividing the maximum", "two-zones",
	 HEAD "      - {id: a, kind: judged, max: 100, source: s, step: 0.75}\n",
	 "t.yaml:13:58: step 0.75 does not divide the maximum 100.00 of factor 'a'\n"},
	{"rubric bands out of order", "two-zones",
	 HEAD "      - id: a\n"
	      "        kind: judged\n"
	      "        max: 100\n"
	      "        source: s\n"
	      "        rubric:\n"
	      "          - {from: 50, label: good}\n"
	      "          - {from: 80, label: better}\n",
	 "t.yaml:19:20: rubric bands go from the highest score down: 80.00 follows 50.00\n"},
	{"duplicate factor id", "two-zones",
	 HEAD "      - {id: a, kind: judged, max: 50, source: s}\n"
	      "      - {id: a, kind: judged, max: 50, source: s}\n",
	 "t.yaml:14:14: factor id 'a' is used twice (first on line 13)\n"},
	{"fact that does not exist", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, input: applicant.agee,\n"
	      "         levels: [{from: 0, points: 1}]}\n",
	 "t.yaml:13:60: no fact is named 'applicant.agee' (did you mean 'applicant.age'?)\n"},
	{"fact that is nothing like a known one", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, input: shoe_size,\n"
	      "         levels: [{from: 0, points: 1}]}\n",
	 "t.yaml:13:60: no fact is named 'shoe_size' (see docs/policy-authoring.md for the list)\n"},
	{"bracket on a text fact", "two-zones",
	 HEAD "      - {id: a, kind: bracket, max: 100, source: s, input: applicant.title,\n"
	      "         levels: [{from: 0, points: 1}]}\n",
	 "t.yaml:13:60: fact 'applicant.title' is a text; a bracket factor needs a number\n"},
	{"choice on a number fact", "two-zones",
	 HEAD "      - {id: a, kind: choice, max: 100, source: s, input: applicant.age,\n"
	      "         levels: [{otherwise: true, points: 1}]}\n",
	 "t.yaml:13:59: fact 'applicant.age' is a number; a choice factor needs a text or a set of values\n"},
	{"'is' on a number fact", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, test: {fact: applicant.age, is: true}}\n",
	 "t.yaml:15:46: fact 'applicant.age' is a number; 'is' needs a yes/no fact\n"},
	{"'in' on a yes/no fact", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, test: {fact: enterprise.key_entity, in: [yes]}}\n",
	 "t.yaml:15:46: fact 'enterprise.key_entity' is a yes/no fact; 'in' needs a text or a set of values\n"},
	{"'at_least' on a set", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, test: {fact: enterprise.conditions, at_least: 2}}\n",
	 "t.yaml:15:46: fact 'enterprise.conditions' is a set of values; 'at_least' needs a number\n"},
	{"two operators in one condition", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, test: {fact: applicant.urgent_field, is: true, in: [x]}}\n",
	 "t.yaml:15:80: condition: 'is' and 'in' cannot be combined; use all: [...] for several conditions\n"},
	{"condition without an operator", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, test: {fact: applicant.urgent_field}}\n",
	 "t.yaml:15:39: condition: needs one of is, in, at_least, below, all, any, not\n"},
	{"missing source on a criterion", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, test: {fact: applicant.urgent_field, is: true}}\n",
	 "t.yaml:15:5: criterion: missing required key 'source'\n"},
	{"criterion on a track that does not exist", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, track: startup, test: {fact: applicant.urgent_field, is: true}}\n",
	 "t.yaml:15:40: criterion: no track 'startup' in this edition\n"},
	{"duplicate criterion id", "two-zones",
	 ONE_FACTOR
	 "criteria:\n"
	 "  - {id: c, name: n, source: s, test: {fact: applicant.urgent_field, is: true}}\n"
	 "  - {id: c, name: n, source: s, test: {fact: applicant.urgent_field, is: false}}\n",
	 "t.yaml:16:10: criterion id 'c' is used twice (first on line 15)\n"},
	{"missing source on a document slot", "two-zones",
	 ONE_FACTOR
	 "documents:\n"
	 "  slots:\n"
	 "    - {id: passport, name: Passport}\n",
	 "t.yaml:16:7: document slot: missing required key 'source'\n"},
	{"conditional slot without a condition", "two-zones",
	 ONE_FACTOR
	 "documents:\n"
	 "  slots:\n"
	 "    - {id: passport, name: Passport, source: s, need: conditional}\n",
	 "t.yaml:16:7: document slot 'passport': 'need: conditional' needs a 'when' condition\n"},
	{"deadline in two units", "two-zones",
	 ONE_FACTOR
	 "deadlines:\n"
	 "  - {id: d, name: n, source: s, working_days: 2, calendar_months: 1}\n",
	 "t.yaml:15:5: deadline 'd': give exactly one of 'working_days' and 'calendar_months'\n"},
	{"window opening after it closes", "two-zones",
	 ONE_FACTOR "window: {opens: 2026-01-17, closes: 2026-01-16, source: s}\n",
	 "t.yaml:14:37: the window opens on 2026-01-17, after it closes on 2026-01-16\n"},
	{"date that does not exist", "two-zones",
	 ONE_FACTOR "window: {opens: 2025-02-29, closes: 2026-01-16, source: s}\n",
	 "t.yaml:14:17: opens: expected a date YYYY-MM-DD that exists (e.g. 2025-11-27), "
	 "found '2025-02-29'\n"},
	{"a date written day first", "two-zones",
	 ONE_FACTOR "window: {opens: 27.11.2025, closes: 2026-01-16, source: s}\n",
	 "t.yaml:14:17: opens: expected a date YYYY-MM-DD that exists (e.g. 2025-11-27), "
	 "found '27.11.2025'\n"},
	{"quorum larger than the panel", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: 70\nthreshold_source: s\nexperts: {panel: 3, quorum: 4, step: 0.5}\n"
	 "parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}], source: s}]\n",
	 "t.yaml:7:29: experts: quorum 4 is larger than the panel of 3\n"},
	{"programme in the wrong directory", "zgc",
	 ONE_FACTOR,
	 "t.yaml:1:12: programme 'two-zones' does not belong in the directory of zgc\n"},
	{"scorecard keys in an eligibility-only programme", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "scored: false\nthreshold: 70\n",
	 "t.yaml:6:1: 'threshold' does not apply when 'scored' is false\n"},
	{"a bad experts list is one error, without one per judged factor", "two-zones",
	 "programme: two-zones\nedition: \"t\"\nsource: s\nin_force_from: 2025-01-01\n"
	 "threshold: 70\nthreshold_source: s\nexperts: [3, 1, 0.5]\n"
	 "parts: [{id: p, weight: 1, source: s, factors: [\n"
	 "  {id: a, kind: judged, max: 50, source: s},\n"
	 "  {id: b, kind: judged, max: 50, source: s}]}]\n",
	 "t.yaml:7:10: experts: expected a mapping (key: value lines), found a list\n"},
	{"anchors are not supported", "two-zones",
	 ONE_FACTOR "title: &t x\n",
	 "t.yaml:14:8: anchors (&name) are not supported: write each value where it applies\n"},
	{"an anchor is reported at its '&', not at the value", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: &m 100, source: s}\n",
	 "t.yaml:13:36: anchors (&name) are not supported: write each value where it applies\n"},
	{"an alias is reported at its '*'", "two-zones",
	 HEAD "      - {id: j, kind: judged, max: *m, source: s}\n",
	 "t.yaml:13:36: aliases (*name) are not supported: write the value out\n"},
	{"unknown kind of file", "rules",
	 "a: 1\n",
	 "t.yaml:1:1: unknown kind of policy file 'rules' (expected calendar, wages, catalog, "
	 "two-zones, zgc or urgent)\n"},
	{"calendar day off outside the year", "calendar",
	 "year: 2025\nsource: s\ndays_off:\n  - 2025-01-01\n  - {from: 2025-12-31, to: 2026-01-01}\n",
	 "t.yaml:5:28: 2026-01-01 is not in 2025, the year of this file\n"},
	{"calendar day both off and working", "calendar",
	 "year: 2025\nsource: s\ndays_off: [2025-02-01]\nworking_days: [2025-02-01]\n",
	 "t.yaml:4:16: 2025-02-01 is both a day off (line 3) and a working day\n"},
	{"calendar adjusted working day on a weekday", "calendar",
	 "year: 2025\nsource: s\ndays_off: []\nworking_days: [2025-01-27]\n",
	 "t.yaml:4:16: 2025-01-27 is a weekday; an adjusted working day is a Saturday or Sunday worked\n"},
	{"calendar day off listed twice", "calendar",
	 "year: 2025\nsource: s\ndays_off:\n  - {from: 2025-01-28, to: 2025-02-04}\n  - 2025-02-01\n",
	 "t.yaml:5:5: day off 2025-02-01 is listed twice (first on line 4)\n"},
	{"calendar range the wrong way round", "calendar",
	 "year: 2025\nsource: s\ndays_off:\n  - {from: 2025-02-04, to: 2025-01-28}\n",
	 "t.yaml:4:28: days off run from 2025-02-04 to 2025-01-28: 'from' is after 'to'\n"},
	{"wage without a source", "wages",
	 "wages:\n  - {year: 2024, annual_cny: 143244, in_force_from: 2025-07-01}\n",
	 "t.yaml:2:5: wage: missing required key 'source'\n"},
	{"two wages in force from the same day", "wages",
	 "wages:\n"
	 "  - {year: 2023, annual_cny: 141132, in_force_from: 2025-07-01, source: s}\n"
	 "  - {year: 2024, annual_cny: 143244, in_force_from: 2025-07-01, source: s}\n",
	 "t.yaml:3:53: the wages of 2023 and 2024 are both in force from 2025-07-01\n"},
	{"a later year's wage taking effect before an earlier one's", "wages",
	 "wages:\n"
	 "  - year: 2023\n    annual_cny: 141132\n    in_force_from: 2024-07-01\n    source: s\n"
	 "  - year: 2024\n    annual_cny: 143244\n    in_force_from: 2024-06-01\n    source: s\n",
	 "t.yaml:8:20: the 2024 wage takes effect on 2024-06-01, before the 2023 wage (2024-07-01, "
	 "line 4): a later year's wage takes effect later\n"},
	{"wages not listed by year", "wages",
	 "wages:\n"
	 "  - {year: 2024, annual_cny: 143244, in_force_from: 2025-07-01, source: s}\n"
	 "  - {year: 2023, annual_cny: 141132, in_force_from: 2024-07-01, source: s}\n",
	 "t.yaml:3:12: the 2023 wage is listed after the 2024 wage (line 2): list the wages by "
	 "year, oldest first\n"},
	{"a wage taking effect before its year is over", "wages",
	 "wages:\n"
	 "  - {year: 2023, annual_cny: 141132, in_force_from: 2024-07-01, source: s}\n"
	 "  - {year: 2026, annual_cny: 143244, in_force_from: 2025-07-01, source: s}\n",
	 "t.yaml:3:53: the 2026 wage takes effect on 2025-07-01, before the end of 2026: a year's "
	 "average wage takes effect after the year (e.g. 2027-07-01)\n"},
	{"catalog entry on a list that does not exist", "catalog",
	 "edition: \"2025\"\nin_force_from: 2025-09-05\nsource: s\npublished_count: 163\n"
	 "lists: [{id: urgent, name: n, source: s}]\n"
	 "entries: [{id: x, name: n, source: s, lists: [urgnt]}]\n",
	 "t.yaml:6:47: catalog entry 'x': no list 'urgnt' in this catalog\n"},
	{"a list whose holders also get a list that does not exist", "catalog",
	 "edition: \"2025\"\nin_force_from: 2025-09-05\nsource: s\npublished_count: 163\n"
	 "lists:\n"
	 "  - {id: urgent, name: n, source: s, also: [internatonal]}\n"
	 "  - {id: international, name: n, source: s}\n",
	 "t.yaml:6:45: catalog list 'urgent': also: 'internatonal' is no list of this catalog\n"},
	{"a list whose holders also get that list", "catalog",
	 "edition: \"2025\"\nin_force_from: 2025-09-05\nsource: s\npublished_count: 163\n"
	 "lists: [{id: urgent, name: n, source: s, also: urgent}]\n",
	 "t.yaml:5:48: catalog list 'urgent': also: 'urgent' is the list itself\n"},
};

static void test_bad_doc(void **state)
{
	const struct bad *t = *state;
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 16);
	int n, lines = 0;

	memset(&b, 0, sizeof b);
	arena_init(&a, 0);
	n = policy_load_buffer(t->kind, "t.yaml", t->text, strlen(t->text), &a, &b, &errors);
	assert_string_equal(errors.buf, t->want);
	for (const char *p = t->want; *p; p++)
		lines += *p == '\n';
	assert_int_equal(n, lines);
	/* a document with errors is not added to the bundle */
	assert_int_equal(b.nprogrammes + b.nwages + b.ncatalogs + b.calendar.nyears, 0);
	strbuf_release(&errors);
	arena_release(&a);
}

/* ---- loading several documents --------------------------------------- */

static const char zgc_a[] =
	"programme: zgc\nedition: \"a\"\nsource: s\nin_force_from: 2019-01-01\n"
	"threshold: 70\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
	"parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}], source: s}]\n";
static const char zgc_b[] =
	"programme: zgc\nedition: \"b\"\nsource: s\nin_force_from: 2018-01-01\n"
	"threshold: 70\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
	"parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}], source: s}]\n";

static void test_editions(void **state)
{
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 16);

	(void)state;
	memset(&b, 0, sizeof b);
	arena_init(&a, 0);
	assert_int_equal(policy_load_buffer("zgc", "a.yaml", zgc_a, strlen(zgc_a), &a, &b, &errors), 0);
	assert_int_equal(policy_load_buffer("zgc", "b.yaml", zgc_b, strlen(zgc_b), &a, &b, &errors), 0);
	assert_int_equal(b.nprogrammes, 2);
	/* sorted by date, and the latest edition in force wins */
	assert_string_equal(b.programmes[0].edition, "b");
	assert_string_equal(policy_find(&b, "zgc", NULL, day("2018-06-01"))->edition, "b");
	assert_string_equal(policy_find(&b, "zgc", NULL, day("2025-06-01"))->edition, "a");
	assert_string_equal(policy_find(&b, "zgc", "b", day("2025-06-01"))->edition, "b");
	assert_null(policy_find(&b, "zgc", NULL, day("2017-12-31")));
	assert_null(policy_find(&b, "two-zones", NULL, day("2025-06-01")));
	assert_string_equal(b.programmes[1].file, "a.yaml");
	/* loading an edition twice names the file that has it */
	assert_int_equal(policy_load_buffer("zgc", "c.yaml", zgc_a, strlen(zgc_a), &a, &b, &errors), 1);
	assert_string_equal(errors.buf, "c.yaml:2:11: edition 'a' of zgc is already loaded from a.yaml\n");
	assert_int_equal(b.nprogrammes, 2);
	assert_int_equal(policy_validate_bundle(&b, &errors), 0);
	strbuf_release(&errors);
	arena_release(&a);
}

static void test_quoting(void **state)
{
	static const char doc[] =
		"programme: zgc\nedition: \"q\"\nsource: 'the ''ZGC''\n  page\n\n  text'\n"
		"title: \"double \\\"quoted\\\" \\u4e2d\"\nin_force_from: 2019-01-01\n"
		"threshold: 70\nthreshold_source: s\nexperts: {panel: 3, step: 0.5}\n"
		"parts: [{id: p, weight: 1, factors: [{id: j, kind: judged, max: 100, source: s}], source: s}]\n";
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 16);

	(void)state;
	memset(&b, 0, sizeof b);
	arena_init(&a, 0);
	assert_int_equal(policy_load_buffer("zgc", "q.yaml", doc, strlen(doc), &a, &b, &errors), 0);
	assert_string_equal(b.programmes[0].source, "the 'ZGC' page\ntext");
	assert_string_equal(b.programmes[0].title, "double \"quoted\" \xe4\xb8\xad");
	strbuf_release(&errors);
	arena_release(&a);
}

static void test_cross_file(void **state)
{
	static const char doc[] =
		"programme: urgent\nedition: \"u\"\nsource: s\nin_force_from: 2020-01-01\n"
		"scored: false\n"
		"criteria:\n"
		"  - {id: c, name: n, source: s, test: {any: [\n"
		"      {fact: applicant.annual_salary_cny, at_least: 4, unit: average-wage, label: pay},\n"
		"      {fact: applicant.credentials, in: [\"catalog:urgent\"]}]}}\n";
	static const char cal[] = "year: 2025\nsource: s\ndays_off: [2025-01-01]\n";
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 16);

	(void)state;
	memset(&b, 0, sizeof b);
	arena_init(&a, 0);
	assert_int_equal(policy_load_buffer("urgent", "u.yaml", doc, strlen(doc), &a, &b, &errors), 0);
	assert_int_equal(policy_load_buffer("calendar", "c.yaml", cal, strlen(cal), &a, &b, &errors), 0);
	assert_int_equal(b.programmes[0].ntracks, 1);
	assert_int_equal(b.programmes[0].tracks[0].nparts, 0);
	assert_int_equal(policy_validate_bundle(&b, &errors), 2);
	assert_string_equal(errors.buf,
		"u.yaml:8:56: pay compares with the average wage, but no wage table is loaded "
		"(wages/): add the wage table under wages/ or use 'unit: plain'\n"
		"u.yaml:9:43: 'catalog:urgent' names a list that no catalog under catalog/ defines: "
		"add a catalog under catalog/ with that list\n");
	strbuf_reset(&errors);
	/* a second calendar of the same year is refused with its position */
	assert_int_equal(policy_load_buffer("calendar", "d.yaml", cal, strlen(cal), &a, &b, &errors), 1);
	assert_string_equal(errors.buf, "d.yaml:1:7: the calendar of 2025 is already loaded from c.yaml\n");
	strbuf_release(&errors);
	arena_release(&a);
}

static void test_error_cap(void **state)
{
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 20);
	struct strbuf doc = STRBUF_INIT(1 << 20);
	size_t lines = 0;
	int n;

	(void)state;
	memset(&b, 0, sizeof b);
	arena_init(&a, 0);
	strbuf_addstr(&doc, "year: 2025\nsource: s\ndays_off:\n");
	for (int i = 0; i < 60; i++)
		strbuf_addf(&doc, "  - 2024-01-%02d\n", i % 28 + 1);
	n = policy_load_buffer("calendar", "t.yaml", doc.buf, doc.len, &a, &b, &errors);
	assert_int_equal(n, 60);
	for (const char *p = errors.buf; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 51);
	assert_non_null(strstr(errors.buf, "t.yaml:54:5: too many errors; only the first 50 are listed\n"));
	strbuf_release(&doc);
	strbuf_release(&errors);
	arena_release(&a);
}

static void test_missing_dir(void **state)
{
	struct arena a;
	struct policy_bundle b;
	struct strbuf errors = STRBUF_INIT(1 << 16);

	(void)state;
	arena_init(&a, 0);
	assert_int_equal(policy_load_dir("/nonexistent/policy", &a, &b, &errors), 1);
	assert_string_equal(errors.buf, "/nonexistent/policy: cannot open the policy directory: "
			    "No such file or directory\n");
	strbuf_release(&errors);
	arena_release(&a);
}

int main(void)
{
	enum { NBAD = sizeof bad_docs / sizeof bad_docs[0] };
	const struct CMUnitTest fixed[] = {
		cmocka_unit_test_setup_teardown(test_two_zones_2025, setup_real, teardown_real),
		cmocka_unit_test_setup_teardown(test_zgc, setup_real, teardown_real),
		cmocka_unit_test_setup_teardown(test_urgent, setup_real, teardown_real),
		cmocka_unit_test_setup_teardown(test_tables, setup_real, teardown_real),
		cmocka_unit_test_setup_teardown(test_calendar_notices, setup_real, teardown_real),
		cmocka_unit_test_setup_teardown(test_provisional_marks, setup_real, teardown_real),
		cmocka_unit_test(test_editions),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_cross_file),
		cmocka_unit_test(test_error_cap),
		cmocka_unit_test(test_missing_dir),
	};
	enum { NFIXED = sizeof fixed / sizeof fixed[0] };
	struct CMUnitTest tests[NFIXED + NBAD];

	memcpy(tests, fixed, sizeof fixed);
	for (size_t i = 0; i < NBAD; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_bad_doc, (void *)&bad_docs[i]);
		t.name = bad_docs[i].name;
		tests[NFIXED + i] = t;
	}
	return _cmocka_run_group_tests("policy_load", tests, NFIXED + NBAD, NULL, NULL);
}
