/* test_applications.c - the application use cases (app/applications.h):
 * optimistic concurrency on a draft, who may read and change it, the audit
 * entry of a change and finding an earlier version again.
 *
 * Each test opens a fresh SQLite database in a mkdtemp directory under /tmp
 * and removes it afterwards.  After every refused change the stored row is
 * compared with what it was (data, version, updated_at) and the audit log
 * is counted, so "nothing was written" is checked, not assumed.  Fault
 * injection: another connection holding the write lock (busy) and
 * store_freeze_size (disk full).
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

#include "app/applications.h"
#include "app/drafts.h"
#include "store/store.h"
#define YC_SELFCHECK_INTERNAL
#include "web/pages/app_form.h"
#include "web/pages/pages_selfcheck.h"

#define V1 "{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", " \
	"\"date\": \"2025-12-01\", \"applicant\": {\"name\": \"Anna\", \"annual_salary_cny\": 900000}}"
#define V2 "{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", " \
	"\"date\": \"2025-12-01\", \"applicant\": {\"name\": \"Anna\", \"annual_salary_cny\": 1200000}}"
#define V3 "{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", " \
	"\"date\": \"2025-12-01\", \"applicant\": {\"name\": \"Anna\", \"annual_salary_cny\": 950000}}"
#define BIG_NAME ((size_t)256 * 1024)
#define ZGC "{\"format\": \"yingcai-application/1\", \"programme\": \"zgc\", " \
	"\"date\": \"2025-12-01\"}"

struct fx {
	char dir[64];
	struct store *s;
	struct store_conn *c;
	struct arena a;
	struct user owner, other, reviewer, expert;
	int64_t app;      /* a draft of owner, version 1, data V1 */
	unsigned counter;
};


static void add_user(struct fx *f, struct user *u, unsigned role)
{
	char email[64];

	snprintf(email, sizeof email, "u%u@example.org", ++f->counter);
	*u = (struct user){ .email = arena_strdup(&f->a, email), .name = "T", .role = role,
		.password_hash = "$argon2id$x", .lang = "en", .created_at = 1000 };
	assert_int_equal(store_user_create(f->c, u, &u->id), STORE_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char url[128], blobs[128], err[256] = "";

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-test-apps-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(url, sizeof url, "sqlite:%s/yc.db", f->dir);
	snprintf(blobs, sizeof blobs, "%s/blobs", f->dir);
	f->s = store_open(url, blobs, 2, err, sizeof err);
	if (!f->s)
		fail_msg("store_open: %s", err);
	f->c = store_conn_acquire(f->s);
	arena_init(&f->a, 0);
	add_user(f, &f->owner, ROLE_APPLICANT);
	add_user(f, &f->other, ROLE_APPLICANT);
	add_user(f, &f->reviewer, ROLE_REVIEWER);
	add_user(f, &f->expert, ROLE_EXPERT);
	assert_int_equal(drafts_create(f->c, f->owner.id, "two-zones", V1, 2000, &f->app), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_conn_release(f->c);
	store_close(f->s);
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

/* ---- helpers ---- */

static struct application_rec row(struct fx *f)
{
	struct application_rec r;

	assert_int_equal(store_application_get(f->c, f->app, &f->a, &r), STORE_OK);
	return r;
}

static size_t audit_count(struct fx *f)
{
	struct audit_entry *log;
	size_t n = 0;
	char subject[48];

	snprintf(subject, sizeof subject, "application:%lld", (long long)f->app);
	assert_int_equal(store_audit_list(f->c, subject, 100, &f->a, &log, &n), STORE_OK);
	return n;
}

/* assert_unchanged: the row is exactly `was` and the log has n entries. */
static void assert_unchanged(struct fx *f, const struct application_rec *was, size_t n)
{
	struct application_rec now = row(f);

	assert_string_equal(now.data, was->data);
	assert_int_equal(now.version, was->version);
	assert_int_equal(now.updated_at, was->updated_at);
	assert_string_equal(now.status, was->status);
	assert_int_equal(audit_count(f), n);
}

static enum appl_rc update(struct fx *f, const struct user *u, int64_t version,
		const char *data, int64_t now, struct application_rec *out)
{
	return app_application_update(f->c, u, f->app, version, data, now, &f->a, out);
}

/* ---- tests ---- */

/* A change made from a version that is no longer current writes nothing
 * and hands back the stored row, so the page can show what changed. */
static void test_conflict_leaves_row_unchanged(void **state)
{
	struct fx *f = *state;
	struct application_rec out, was;

	assert_int_equal(update(f, &f->owner, 1, V2, 3000, &out), APPL_OK); /* A saves */
	was = row(f);
	assert_int_equal(was.version, 2);
	/* B still has version 1 */
	assert_int_equal(update(f, &f->owner, 1, V3, 4000, &out), APPL_CONFLICT);
	assert_int_equal(out.version, 2);
	assert_string_equal(out.data, V2);
	assert_int_equal(out.id, f->app);
	assert_unchanged(f, &was, 2); /* draft_create + A's update */
	/* a version from the future is a conflict too, never a write */
	assert_int_equal(update(f, &f->owner, 7, V3, 4000, &out), APPL_CONFLICT);
	assert_unchanged(f, &was, 2);
	/* with the current version, B's deliberate overwrite goes through */
	assert_int_equal(update(f, &f->owner, 2, V3, 5000, &out), APPL_OK);
	assert_int_equal(row(f).version, 3);
	assert_string_equal(row(f).data, V3);
}

/* Success: the data is stored, the version goes up by one, updated_at is
 * the time given, and one audit entry holds both versions. */
static void test_update_bumps_version_and_audits(void **state)
{
	struct fx *f = *state;
	struct application_rec out, now;
	struct audit_entry *log;
	size_t n = 0;
	char subject[48];

	assert_int_equal(audit_count(f), 1);
	assert_int_equal(update(f, &f->owner, 1, V2, 3000, &out), APPL_OK);
	assert_int_equal(out.version, 2);
	assert_string_equal(out.data, V2);
	now = row(f);
	assert_int_equal(now.version, 2);
	assert_string_equal(now.data, V2);
	assert_int_equal(now.updated_at, 3000);
	assert_int_equal(now.created_at, 2000);
	assert_string_equal(now.status, "draft");
	assert_string_equal(now.programme, "two-zones");

	snprintf(subject, sizeof subject, "application:%lld", (long long)f->app);
	assert_int_equal(store_audit_list(f->c, subject, 10, &f->a, &log, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(log[0].action, "application.update");
	assert_int_equal(log[0].actor, f->owner.id);
	assert_int_equal(log[0].at, 3000);
	assert_non_null(log[0].before);
	assert_non_null(log[0].after);
	assert_non_null(strstr(log[0].before, "\"version\": 1"));
	assert_non_null(strstr(log[0].before, V1));
	assert_non_null(strstr(log[0].after, "\"version\": 2"));
	assert_non_null(strstr(log[0].after, V2));
}

/* Only the owner changes an application; the rule is the use case's, not
 * only the route table's.  Another applicant does not learn it exists;
 * a reviewer may read it but not change it. */
static void test_non_owner_refused(void **state)
{
	struct fx *f = *state;
	struct application_rec out, was = row(f), got;

	assert_int_equal(update(f, &f->other, 1, V2, 3000, &out), APPL_NOTFOUND);
	assert_unchanged(f, &was, 1);
	assert_int_equal(update(f, &f->reviewer, 1, V2, 3000, &out), APPL_FORBIDDEN);
	assert_unchanged(f, &was, 1);
	assert_int_equal(update(f, &f->expert, 1, V2, 3000, &out), APPL_NOTFOUND);
	assert_int_equal(update(f, NULL, 1, V2, 3000, &out), APPL_NOTFOUND);
	assert_unchanged(f, &was, 1);
	/* even with a stale version a stranger learns nothing about it */
	assert_int_equal(update(f, &f->other, 5, V2, 3000, &out), APPL_NOTFOUND);
	assert_null(out.data);

	assert_int_equal(app_application_get(f->c, &f->owner, f->app, &f->a, &got), APPL_OK);
	assert_int_equal(app_application_get(f->c, &f->reviewer, f->app, &f->a, &got), APPL_OK);
	assert_int_equal(app_application_get(f->c, &f->other, f->app, &f->a, &got), APPL_NOTFOUND);
	assert_null(got.data);
	assert_int_equal(app_application_get(f->c, &f->expert, f->app, &f->a, &got),
			 APPL_NOTFOUND);
	assert_int_equal(app_application_get(f->c, &f->owner, f->app + 99, &f->a, &got),
			 APPL_NOTFOUND);
	assert_int_equal(update(f, &f->owner, 1, V2, 3000, &out), APPL_OK);
}

/* What is stored is always an application file of the row's programme. */
static void test_invalid_data_refused(void **state)
{
	struct fx *f = *state;
	struct application_rec out, was = row(f);
	static const char *const bad[] = {
		"", "{", "[]", "{}", "null", ZGC,
		"{\"format\": \"yingcai-application/1\", \"programme\": \"two-zones\", \"typo\": 1}",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (update(f, &f->owner, 1, bad[i], 3000, &out) != APPL_INVALID)
			fail_msg("data %s was not refused", bad[i]);
		assert_unchanged(f, &was, 1);
	}
	assert_int_equal(update(f, &f->owner, 1, NULL, 3000, &out), APPL_INVALID);
	assert_unchanged(f, &was, 1);
}

/* A submitted application is no longer a draft: not changed here. */
static void test_only_drafts_change(void **state)
{
	struct fx *f = *state;
	struct application_rec out, r = row(f), was;

	r.status = "submitted";
	assert_int_equal(store_application_update(f->c, &r), STORE_OK);
	was = row(f);
	assert_int_equal(update(f, &f->owner, was.version, V2, 3000, &out), APPL_NOT_DRAFT);
	assert_unchanged(f, &was, 1);
}

/* Database busy (another writer) and disk full: nothing written, the
 * caller is told to retry or answer 503. */
static void test_busy_and_full(void **state)
{
	struct fx *f = *state;
	struct store_conn *other = store_conn_acquire(f->s);
	struct application_rec out, was = row(f);
	char *big;
	size_t n;

	assert_int_equal(store_begin_write(other), STORE_OK);
	assert_int_equal(store_set_busy_timeout(f->c, 50), STORE_OK);
	assert_int_equal(update(f, &f->owner, 1, V2, 3000, &out), APPL_BUSY);
	store_rollback(other);
	store_conn_release(other);
	assert_unchanged(f, &was, 1);

	/* a change that needs the file to grow (a long name): disk full */
	big = malloc(BIG_NAME + 256);
	assert_non_null(big);
	n = (size_t)snprintf(big, 256, "{\"format\": \"yingcai-application/1\", "
		"\"programme\": \"two-zones\", \"date\": \"2025-12-01\", "
		"\"applicant\": {\"name\": \"");
	memset(big + n, 'x', BIG_NAME);
	memcpy(big + n + BIG_NAME, "\"}}", 4);
	assert_int_equal(store_freeze_size(f->c), STORE_OK);
	assert_int_equal(update(f, &f->owner, 1, big, 3000, &out), APPL_BUSY);
	free(big);
	store_conn_release(f->c);
	f->c = store_conn_acquire(f->s);
	assert_unchanged(f, &was, 1);
	assert_int_equal(update(f, &f->owner, 1, V2, 3000, &out), APPL_OK);
}

/* The version someone started from is found again in the log, whether it
 * was the first one or a later one, so the conflict page can show what
 * the other person changed. */
static void test_version_data_from_log(void **state)
{
	struct fx *f = *state;
	struct application_rec out;
	const char *data;

	assert_int_equal(update(f, &f->owner, 1, V2, 3000, &out), APPL_OK);
	assert_int_equal(update(f, &f->owner, 2, V3, 4000, &out), APPL_OK);
	assert_int_equal(app_application_version_data(f->c, &f->owner, f->app, 1, &f->a, &data),
			 APPL_OK);
	assert_string_equal(data, V1);
	assert_int_equal(app_application_version_data(f->c, &f->owner, f->app, 2, &f->a, &data),
			 APPL_OK);
	assert_string_equal(data, V2);
	assert_int_equal(app_application_version_data(f->c, &f->owner, f->app, 3, &f->a, &data),
			 APPL_OK);
	assert_string_equal(data, V3);
	assert_int_equal(app_application_version_data(f->c, &f->owner, f->app, 4, &f->a, &data),
			 APPL_NOTFOUND);
	assert_null(data);
	assert_int_equal(app_application_version_data(f->c, &f->owner, f->app, 0, &f->a, &data),
			 APPL_NOTFOUND);
	assert_int_equal(app_application_version_data(f->c, &f->other, f->app, 1, &f->a, &data),
			 APPL_NOTFOUND);
	assert_null(data);
}

/* Every question of every programme can be read from and written back to
 * an application (app_form.c's table): a question added to the self-check
 * without it would silently lose the answer on the edit form. */
static void test_every_question_maps(void **state)
{
	static const char *const progs[] = {"two-zones", "zgc", "urgent"};

	(void)state;
	for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
		const struct sc_programme *p = sc_programme_find(progs[i]);
		assert_non_null(p);
		for (size_t k = 0; k < p->nquestions; k++)
			if (!appform_field_known(p->questions[k].field->name))
				fail_msg("%s: question %s is not in app_form.c's table", progs[i],
					 p->questions[k].field->name);
	}
	assert_false(appform_field_known("no_such_question"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_conflict_leaves_row_unchanged, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_bumps_version_and_audits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_owner_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_data_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_drafts_change, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_and_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_data_from_log, setup, teardown),
		cmocka_unit_test(test_every_question_maps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
