/* test_appfile_write.c - writing application files (format/appfile_write.h)
 * and keeping a self-check as a draft (app/drafts.h).
 *
 * The invariant: appfile_decode(appfile_write(x)) == x, field by field,
 * for every demo application and for hand-made ones that exercise what the
 * demos do not (escapes, decimals, empty lists, absent facts).  Writing is
 * also stable: writing the decoded copy gives the same text.  The draft
 * use case is checked through the store: the saved data decodes to the
 * application, there is one audit entry, and a full disk leaves neither.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testfs.h"

#include "app/drafts.h"
#include "format/appfile.h"
#include "format/appfile_write.h"
#include "lib/arena.h"
#include "lib/strbuf.h"
#include "store/store.h"

#define WRITE_MAX ((size_t)1 << 20)

static const char *const demos[] = {
	"demo/anna-two-zones.json",
	"demo/ben-self-check.json",
	"demo/chen-zgc-technical.json",
	"demo/dana-urgent.json",
};

/* ---- field-by-field equality ------------------------------------------ */

static void str_eq(const char *path, const char *a, const char *b)
{
	if (!a || !b) {
		if (a != b)
			fail_msg("%s: %s vs %s", path, a ? a : "(absent)", b ? b : "(absent)");
		return;
	}
	if (strcmp(a, b) != 0)
		fail_msg("%s: \"%s\" vs \"%s\"", path, a, b);
}

static void int_eq(const char *path, int64_t a, int64_t b)
{
	if (a != b)
		fail_msg("%s: %lld vs %lld", path, (long long)a, (long long)b);
}

static void num_eq(const char *path, struct opt_num a, struct opt_num b)
{
	int_eq(path, a.set, b.set);
	if (a.set)
		int_eq(path, a.v, b.v);
}

static void applicant_eq(const struct applicant *a, const struct applicant *b)
{
	str_eq("applicant.name", a->name, b->name);
	int_eq("applicant.has_birth_date", a->has_birth_date, b->has_birth_date);
	if (a->has_birth_date)
		int_eq("applicant.birth_date", a->birth_date, b->birth_date);
	str_eq("applicant.nationality", a->nationality, b->nationality);
	str_eq("applicant.education", a->education, b->education);
	str_eq("applicant.position", a->position, b->position);
	str_eq("applicant.title", a->title, b->title);
	str_eq("applicant.employer_visibility", a->employer_visibility, b->employer_visibility);
	str_eq("applicant.social_duty", a->social_duty, b->social_duty);
	int_eq("applicant.leads_major_project", a->leads_major_project, b->leads_major_project);
	int_eq("applicant.urgent_field", a->urgent_field, b->urgent_field);
	int_eq("applicant.former_chinese_citizen", a->former_chinese_citizen,
	       b->former_chinese_citizen);
	int_eq("applicant.intl_vocational_certificate", a->intl_vocational_certificate,
	       b->intl_vocational_certificate);
	int_eq("applicant.board_director", a->board_director, b->board_director);
	int_eq("applicant.leads_rd_team", a->leads_rd_team, b->leads_rd_team);
	num_eq("applicant.years_professional_work", a->years_professional_work,
	       b->years_professional_work);
	num_eq("applicant.years_in_china", a->years_in_china, b->years_in_china);
	num_eq("applicant.annual_salary_cny", a->annual_salary_cny, b->annual_salary_cny);
	num_eq("applicant.months_in_china_per_year", a->months_in_china_per_year,
	       b->months_in_china_per_year);
	int_eq("applicant.has_shareholding", a->has_shareholding, b->has_shareholding);
	if (a->has_shareholding)
		int_eq("applicant.shareholding_percent", a->shareholding_percent,
		       b->shareholding_percent);
	int_eq("applicant.has_qualifications", a->has_qualifications, b->has_qualifications);
	int_eq("applicant.nqualifications", (int64_t)a->nqualifications,
	       (int64_t)b->nqualifications);
	for (size_t i = 0; i < a->nqualifications; i++) {
		str_eq("applicant.qualifications[].id", a->qualifications[i].id,
		       b->qualifications[i].id);
		str_eq("applicant.qualifications[].status", a->qualifications[i].status,
		       b->qualifications[i].status);
	}
	int_eq("applicant.has_resume", a->has_resume, b->has_resume);
	int_eq("applicant.nresume", (int64_t)a->nresume, (int64_t)b->nresume);
	for (size_t i = 0; i < a->nresume; i++) {
		int_eq("applicant.resume[].from", a->resume[i].from, b->resume[i].from);
		int_eq("applicant.resume[].to_present", a->resume[i].to_present,
		       b->resume[i].to_present);
		if (!a->resume[i].to_present)
			int_eq("applicant.resume[].to", a->resume[i].to, b->resume[i].to);
		str_eq("applicant.resume[].what", a->resume[i].what, b->resume[i].what);
	}
}

static void enterprise_eq(const struct enterprise *a, const struct enterprise *b)
{
	str_eq("enterprise.uscc", a->uscc, b->uscc);
	str_eq("enterprise.name", a->name, b->name);
	str_eq("enterprise.sector", a->sector, b->sector);
	int_eq("enterprise.key_entity", a->key_entity, b->key_entity);
	num_eq("enterprise.revenue_last_year_cny", a->revenue_last_year_cny,
	       b->revenue_last_year_cny);
	num_eq("enterprise.corporate_tax_last_year_cny", a->corporate_tax_last_year_cny,
	       b->corporate_tax_last_year_cny);
	num_eq("enterprise.jobs", a->jobs, b->jobs);
	int_eq("enterprise.penalties_last_two_years", a->penalties_last_two_years,
	       b->penalties_last_two_years);
	int_eq("enterprise.has_conditions", a->has_conditions, b->has_conditions);
	int_eq("enterprise.nconditions", (int64_t)a->nconditions, (int64_t)b->nconditions);
	for (size_t i = 0; i < a->nconditions; i++)
		str_eq("enterprise.conditions[]", a->conditions[i], b->conditions[i]);
	int_eq("enterprise.high_end_industry", a->high_end_industry, b->high_end_industry);
	int_eq("enterprise.real_estate", a->real_estate, b->real_estate);
	int_eq("enterprise.zgc_registered", a->zgc_registered, b->zgc_registered);
	int_eq("enterprise.zgc_high_tech", a->zgc_high_tech, b->zgc_high_tech);
	int_eq("enterprise.employer_211_or_first_batch", a->employer_211_or_first_batch,
	       b->employer_211_or_first_batch);
	int_eq("enterprise.beijing_registered_and_taxed", a->beijing_registered_and_taxed,
	       b->beijing_registered_and_taxed);
}

static void application_eq(const struct application *a, const struct application *b)
{
	str_eq("programme", a->programme, b->programme);
	str_eq("track", a->track, b->track);
	int_eq("date", a->date, b->date);
	applicant_eq(&a->applicant, &b->applicant);
	enterprise_eq(&a->enterprise, &b->enterprise);
	int_eq("nexperts", (int64_t)a->nexperts, (int64_t)b->nexperts);
	for (size_t i = 0; i < a->nexperts; i++) {
		const struct expert *x = &a->experts[i], *y = &b->experts[i];
		str_eq("experts[].id", x->id, y->id);
		int_eq("experts[].nscores", (int64_t)x->nscores, (int64_t)y->nscores);
		for (size_t k = 0; k < x->nscores; k++) {
			str_eq("experts[].scores key", x->scores[k].factor, y->scores[k].factor);
			int_eq("experts[].scores value", x->scores[k].points, y->scores[k].points);
		}
	}
	int_eq("has_documents", a->has_documents, b->has_documents);
	int_eq("ndocuments", (int64_t)a->ndocuments, (int64_t)b->ndocuments);
	for (size_t i = 0; i < a->ndocuments; i++) {
		const struct document *x = &a->documents[i], *y = &b->documents[i];
		str_eq("documents[].slot", x->slot, y->slot);
		str_eq("documents[].file", x->file, y->file);
		str_eq("documents[].language", x->language, y->language);
		int_eq("documents[].translated", x->translated, y->translated);
		int_eq("documents[].has_issued", x->has_issued, y->has_issued);
		if (x->has_issued)
			int_eq("documents[].issued", x->issued, y->issued);
		int_eq("documents[].has_covers", x->has_covers, y->has_covers);
		if (x->has_covers) {
			int_eq("documents[].covers.from", x->covers_from, y->covers_from);
			int_eq("documents[].covers.to", x->covers_to, y->covers_to);
		}
	}
}

/* ---- helpers ------------------------------------------------------------ */

struct fixture {
	struct appfile_decoder d;
	struct arena a;
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

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		fail_msg("%s: cannot open (run the tests from the repository root)", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	buf = arena_alloc(&F.a, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void decode(const char *what, const char *text, size_t len, struct application *out)
{
	struct appfile_error err;

	memset(out, 0, sizeof *out);
	if (appfile_decode(&F.d, text, len, 1, &F.a, out, &err) != APPFILE_OK)
		fail_msg("%s: %u:%u: %s: %s\n%s", what, err.line, err.col, err.path, err.reason,
			 text);
}

/* round_trip: decode(write(x)) == x and write(decode(write(x))) == write(x). */
static void round_trip(const char *what, const struct application *x)
{
	struct strbuf one = STRBUF_INIT(WRITE_MAX), two = STRBUF_INIT(WRITE_MAX);
	struct application y;

	appfile_write(x, &one);
	assert_false(one.failed);
	assert_null(memchr(one.buf, '\n', one.len)); /* one line: JSON Lines friendly */
	decode(what, one.buf, one.len, &y);
	application_eq(x, &y);
	appfile_write(&y, &two);
	assert_string_equal(one.buf, two.buf);
	strbuf_release(&one);
	strbuf_release(&two);
}

/* ---- tests -------------------------------------------------------------- */

/* Every application in demo/ (the four named ones at least). */
static void demos_round_trip(void **state)
{
	DIR *d = opendir("demo");
	struct dirent *e;
	size_t n = 0, named = 0;

	(void)state;
	if (!d)
		fail_msg("demo/: cannot open (run the tests from the repository root)");
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name), len;
		struct application x;
		char path[300], *text;

		if (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "demo/%s", e->d_name);
		for (size_t i = 0; i < sizeof demos / sizeof demos[0]; i++)
			named += strcmp(demos[i], path) == 0;
		arena_reset(&F.a);
		text = slurp(path, &len);
		decode(path, text, len, &x);
		round_trip(path, &x);
		n++;
	}
	closedir(d);
	assert_int_equal(named, sizeof demos / sizeof demos[0]);
	assert_true(n >= named);
}

/* What the demos do not have: escapes and non-ASCII text, decimals,
 * empty lists that are present, a present resume, every tri-state value. */
static void corners_round_trip(void **state)
{
	static const char text[] =
		"{\"format\": \"yingcai-application/1\", \"programme\": \"zgc\", "
		"\"date\": \"2026-02-28\", \"track\": \"startup\", "
		"\"applicant\": {\"name\": \"Zoë \\\"Q\\\" \\\\ Müller\\n\\t李雷 \\u0001\", "
		"\"board_director\": false, \"shareholding_percent\": 12.35, "
		"\"leads_rd_team\": true, \"qualifications\": [], \"resume\": [], "
		"\"months_in_china_per_year\": 0, \"years_in_china\": 0}, "
		"\"enterprise\": {\"conditions\": [], \"zgc_registered\": true, "
		"\"real_estate\": false, \"jobs\": 0}, "
		"\"experts\": [{\"id\": \"a\", \"scores\": {}}, "
		"{\"id\": \"b\", \"scores\": {\"potential\": 20.5, \"growth\": 0}}], "
		"\"documents\": []}";
	static const char minimal[] =
		"{\"format\": \"yingcai-application/1\", \"programme\": \"urgent\", "
		"\"date\": \"2020-01-01\"}";
	struct application x;

	(void)state;
	arena_reset(&F.a);
	decode("corners", text, strlen(text), &x);
	assert_int_equal(x.applicant.shareholding_percent, 1235);
	assert_true(x.has_documents);
	assert_true(x.enterprise.has_conditions);
	round_trip("corners", &x);

	decode("minimal", minimal, strlen(minimal), &x);
	round_trip("minimal", &x);
}

/* Absent stays absent: nothing is written for a fact that is not there. */
static void absent_facts_are_not_written(void **state)
{
	struct application x;
	struct strbuf sb = STRBUF_INIT(WRITE_MAX);

	(void)state;
	memset(&x, 0, sizeof x);
	x.programme = "two-zones";
	x.date = date_from_ymd(2025, 12, 1);
	x.applicant.education = "master";
	x.applicant.years_in_china = (struct opt_num){true, 0};
	appfile_write(&x, &sb);
	assert_string_equal(sb.buf,
		"{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", "
		"\"date\": \"2025-12-01\", \"applicant\": {\"education\": \"master\", "
		"\"years_in_china\": 0}, \"enterprise\": {}}");
	strbuf_release(&sb);
}

/* A builder that is too small latches failed instead of writing half. */
static void small_builder_fails(void **state)
{
	struct application x;
	struct strbuf sb = STRBUF_INIT(40);

	(void)state;
	memset(&x, 0, sizeof x);
	x.programme = "two-zones";
	appfile_write(&x, &sb);
	assert_true(sb.failed);
	strbuf_release(&sb);
}

/* ---- the draft use case -------------------------------------------------- */

struct dbfx {
	char dir[64];
	struct store *s;
	struct store_conn *c;
	int64_t user;
};


static void db_open(struct dbfx *x)
{
	char err[256], url[128];
	struct user u = {0};

	snprintf(x->dir, sizeof x->dir, "/tmp/yc-drafts-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	snprintf(url, sizeof url, "sqlite:%s/yc.db", x->dir);
	x->s = store_open(url, x->dir, 2, err, sizeof err);
	if (!x->s)
		fail_msg("store_open: %s", err);
	x->c = store_conn_acquire(x->s);
	u.email = "anna@example.com";
	u.name = "Anna Example";
	u.role = ROLE_APPLICANT;
	u.password_hash = "x";
	u.lang = "en";
	u.created_at = 1764547200;
	assert_int_equal(store_user_create(x->c, &u, &x->user), STORE_OK);
}

static void db_close(struct dbfx *x)
{
	store_conn_release(x->c);
	store_close(x->s);
	rm_rf(x->dir);
}

static void draft_saved_with_audit(void **state)
{
	struct dbfx x;
	struct application app, back;
	struct application_rec rec;
	struct audit_entry *log;
	struct strbuf sb = STRBUF_INIT(WRITE_MAX);
	size_t len, n;
	char *text, subject[64];
	int64_t id = 0;

	(void)state;
	arena_reset(&F.a);
	text = slurp("demo/ben-self-check.json", &len);
	decode("ben", text, len, &app);
	appfile_write(&app, &sb);
	db_open(&x);
	assert_int_equal(drafts_create(x.c, x.user, app.programme, sb.buf, 1765324800, &id),
			 STORE_OK);
	assert_true(id > 0);
	assert_int_equal(store_application_get(x.c, id, &F.a, &rec), STORE_OK);
	assert_int_equal(rec.owner_id, x.user);
	assert_string_equal(rec.programme, "two-zones");
	assert_string_equal(rec.status, "draft");
	assert_int_equal(rec.created_at, 1765324800);
	decode("saved draft", rec.data, strlen(rec.data), &back);
	application_eq(&app, &back);

	snprintf(subject, sizeof subject, "application:%lld", (long long)id);
	assert_int_equal(store_audit_list(x.c, subject, 10, &F.a, &log, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(log[0].action, "application.draft_create");
	assert_int_equal(log[0].actor, x.user);
	assert_null(log[0].before);
	assert_non_null(strstr(log[0].after, "\"status\": \"draft\""));
	db_close(&x);
	strbuf_release(&sb);
}

/* A full disk: the use case fails as a whole (no application, no entry). */
static void draft_disk_full_leaves_nothing(void **state)
{
	struct dbfx x;
	struct application_rec *list;
	struct strbuf big = STRBUF_INIT(WRITE_MAX);
	size_t n;
	int64_t id = 0;

	(void)state;
	db_open(&x);
	/* Data larger than the free pages, so the write must grow the file. */
	strbuf_addstr(&big, "{\"format\": \"yingcai-application/1\", \"programme\": \"urgent\", "
		      "\"date\": \"2026-01-05\", \"applicant\": {\"name\": \"");
	strbuf_addrep(&big, "x", 200000);
	strbuf_addstr(&big, "\"}}");
	assert_false(big.failed);
	assert_int_equal(store_freeze_size(x.c), STORE_OK);
	assert_int_equal(drafts_create(x.c, x.user, "urgent", big.buf, 1765324800, &id),
			 STORE_FULL);
	store_conn_release(x.c);
	x.c = store_conn_acquire(x.s);
	assert_int_equal(store_application_list(x.c, x.user, 10, &F.a, &list, &n), STORE_OK);
	assert_int_equal(n, 0);
	db_close(&x);
	strbuf_release(&big);
}

/* An owner that does not exist: nothing is written. */
static void draft_unknown_owner(void **state)
{
	struct dbfx x;
	int64_t id = 0;

	(void)state;
	db_open(&x);
	assert_int_equal(drafts_create(x.c, x.user + 100, "zgc", "{}", 1, &id), STORE_NOTFOUND);
	db_close(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demos_round_trip),
		cmocka_unit_test(corners_round_trip),
		cmocka_unit_test(absent_facts_are_not_written),
		cmocka_unit_test(small_builder_fails),
		cmocka_unit_test(draft_saved_with_audit),
		cmocka_unit_test(draft_disk_full_leaves_nothing),
		cmocka_unit_test(draft_unknown_owner),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
