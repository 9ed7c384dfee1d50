/* test_housekeeping.c - what app_housekeeping removes and what it keeps
 * (app/housekeeping.h), and the server's thread that runs it
 * (web/housekeeper.h); the outbox's delivery bookkeeping (claims, leases,
 * retries, counts, the purge; app/delivery.h against a port where no SMTP
 * server listens), on SQLite and on PostgreSQL (tests/unit/backends.h;
 * a database of its own per test, testdb.h).
 *
 * The fixture puts, at "now" = 10,000: sessions expired and live, throttle
 * entries older and younger than the kept window, and reset links expired,
 * live, and used but not yet expired.  Everything a user could still use
 * and everything a throttle still counts must survive, checked through the
 * store's own reads.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testfs.h"
#include "backends.h"
#include <libpq-fe.h>
#include "testdb.h"

#include <pthread.h>

#include "app/delivery.h"
#include "app/housekeeping.h"
#include "store/store.h"
#include "web/housekeeper.h"
#include "web/site.h"

#define NOW 10000
#define KEEP 900 /* the throttle window kept */
#define KEEP_MAIL (7 * 86400) /* mails kept */

struct fx {
	enum be be;
	char dir[64];
	char schema[64];
	struct store *s;
	struct store_conn *c;
	struct arena a;
	int64_t user;
	unsigned char live_session[32], live_link[32], used_link[32];
};

static void hash_of(unsigned char h[32], int seed)
{
	for (int i = 0; i < 32; i++)
		h[i] = (unsigned char)(seed * 31 + i);
}

static void add_session(struct fx *f, int seed, int64_t expires_at, unsigned char *keep)
{
	struct session s = { .user_id = f->user, .csrf = "csrf", .lang = "en",
			     .created_at = 1000, .expires_at = expires_at };
	int64_t id;

	hash_of(s.token_hash, seed);
	assert_int_equal(store_session_create(f->c, &s, &id), STORE_OK);
	if (keep)
		memcpy(keep, s.token_hash, 32);
}

static void add_link(struct fx *f, int seed, int64_t expires_at, unsigned char *keep)
{
	unsigned char h[32];

	hash_of(h, seed);
	assert_int_equal(store_reset_create(f->c, h, f->user, expires_at), STORE_OK);
	if (keep)
		memcpy(keep, h, 32);
}

static int setup_with(void **state, enum be be)
{
	struct fx *f = calloc(1, sizeof *f);
	struct user u = { .email = "anna@example.org", .name = "Anna", .role = ROLE_APPLICANT,
			  .password_hash = "$argon2id$x", .lang = "en", .created_at = 1000 };
	int64_t uid;

	assert_non_null(f);
	f->be = be;
	f->s = test_store_open(be, "ychk", f->dir, f->schema, 3);
	f->c = store_conn_acquire(f->s);
	arena_init(&f->a, 0);
	assert_int_equal(store_user_create(f->c, &u, &f->user), STORE_OK);

	add_session(f, 1, NOW - 1, NULL);              /* expired */
	add_session(f, 2, NOW, NULL);                  /* expires now: gone */
	add_session(f, 3, NOW + 60, f->live_session);  /* live */
	assert_int_equal(store_login_failure_add(f->c, "ip:192.0.2.1", NOW - KEEP - 1), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "ip:192.0.2.1", NOW - KEEP), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "forgot:email:a@b.c", 5), STORE_OK);
	assert_int_equal(store_login_failure_add(f->c, "register:ip:192.0.2.9", NOW - 1),
			 STORE_OK);
	add_link(f, 4, NOW - 1, NULL);                 /* expired */
	add_link(f, 5, NOW + 600, f->live_link);       /* live */
	add_link(f, 6, NOW + 600, f->used_link);       /* used, not yet expired */
	assert_int_equal(store_reset_take(f->c, f->used_link, NOW - 10, &uid), STORE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_conn_release(f->c);
	store_close(f->s);
	if (f->be == BE_PG)
		test_drop_schema(f->schema);
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

static int throttle_count(struct fx *f, const char *key)
{
	int n = -1;

	assert_int_equal(store_login_failures_since(f->c, key, 0, &n), STORE_OK);
	return n;
}

/* assert_kept: what must survive any number of runs. */
static void assert_kept(struct fx *f)
{
	struct session s;
	int64_t uid = 0;

	assert_int_equal(store_session_by_hash(f->c, f->live_session, NOW, &f->a, &s), STORE_OK);
	assert_int_equal(s.user_id, f->user);
	assert_int_equal(throttle_count(f, "ip:192.0.2.1"), 1); /* the one inside the window */
	assert_int_equal(throttle_count(f, "register:ip:192.0.2.9"), 1);
	assert_int_equal(throttle_count(f, "forgot:email:a@b.c"), 0);
	/* the used link still says "used" (not "unknown"): taking it fails */
	assert_int_equal(store_reset_take(f->c, f->used_link, NOW, &uid), STORE_NOTFOUND);
}

static void test_removes_only_the_dead(void **state)
{
	struct fx *f = *state;
	struct housekeeping_counts n;
	int64_t uid = 0;

	assert_int_equal(app_housekeeping(f->c, NOW, KEEP, KEEP_MAIL, &n), STORE_OK);
	assert_int_equal(n.sessions, 2);
	assert_int_equal(n.throttle, 2);
	assert_int_equal(n.resets, 1);
	assert_kept(f);

	/* again: nothing more to do, nothing more removed */
	assert_int_equal(app_housekeeping(f->c, NOW, KEEP, KEEP_MAIL, &n), STORE_OK);
	assert_int_equal(n.sessions, 0);
	assert_int_equal(n.throttle, 0);
	assert_int_equal(n.resets, 0);
	assert_kept(f);

	/* the live link still works, once */
	assert_int_equal(store_reset_take(f->c, f->live_link, NOW, &uid), STORE_OK);
	assert_int_equal(uid, f->user);
}

static void test_later_takes_the_rest(void **state)
{
	struct fx *f = *state;
	struct housekeeping_counts n;
	struct session s;

	/* an hour later the session and both links have expired, and the
	 * throttle window has passed over every entry */
	assert_int_equal(app_housekeeping(f->c, NOW + 3600, KEEP, KEEP_MAIL, &n), STORE_OK);
	assert_int_equal(n.sessions, 3);
	assert_int_equal(n.throttle, 4);
	assert_int_equal(n.resets, 3);
	assert_int_equal(store_session_by_hash(f->c, f->live_session, NOW, &f->a, &s),
			 STORE_NOTFOUND);
}

/* ---- the server's thread ---- */

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_thread_runs_at_start_and_stops_at_once(void **state)
{
	struct fx *f = *state;
	struct site site;
	struct housekeeper *h;
	struct housekeeping_counts n;
	struct housekeeper_status st;
	struct timespec t0, nap = { 0, 10 * 1000 * 1000 };

	memset(&site, 0, sizeof site);
	site_config_defaults(&site.cfg);
	site.store = f->s;
	site.cfg.housekeeping_interval_s = 0;
	assert_null(housekeeper_start(&site)); /* 0: off on this server */

	/* The fixture's times are in 1970: at the real time all of it has
	 * expired or left the throttle window. */
	site.cfg.housekeeping_interval_s = 3600;
	h = housekeeper_start(&site);
	assert_non_null(h);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (housekeeper_runs(h) == 0 && seconds_since(&t0) < 10)
		nanosleep(&nap, NULL);
	assert_int_equal(housekeeper_runs(h), 1);
	/* what the dashboard shows: the run, its time and what it removed
	 * (the fixture's times are all in 1970: at the real time, all of it) */
	housekeeper_status(h, &st);
	assert_int_equal(st.runs, 1);
	assert_true(st.last_at >= (int64_t)time(NULL) - 60);
	assert_int_equal(st.last_rc, STORE_OK);
	assert_int_equal(st.removed.sessions, 3);
	assert_int_equal(st.removed.throttle, 4);
	assert_int_equal(st.removed.resets, 3);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	housekeeper_stop(h); /* wakes it from an hour's wait */
	assert_true(seconds_since(&t0) < 2);

	/* the thread's run removed what there was to remove */
	assert_int_equal(app_housekeeping(f->c, (int64_t)time(NULL), KEEP, KEEP_MAIL, &n), STORE_OK);
	assert_int_equal(n.sessions + n.throttle + n.resets, 0);
	housekeeper_stop(NULL);
}

/* ---- the outbox ---- */

static int64_t add_mail(struct fx *f, const char *to, int64_t created_at)
{
	struct mail m = { .to = to, .subject = "s", .body = "b", .created_at = created_at };
	int64_t id = 0;

	assert_int_equal(store_outbox_add(f->c, &m, &id), STORE_OK);
	return id;
}

static void test_outbox_claims_and_outcomes(void **state)
{
	struct fx *f = *state;
	int64_t m1 = add_mail(f, "a@example.org", NOW - 10);
	int64_t m2 = add_mail(f, "b@example.org", NOW - 10);
	int64_t m3 = add_mail(f, "c@example.org", NOW - 10);
	struct outbox_counts n;
	struct housekeeping_counts h;
	struct mail m;

	/* each claim takes another mail, oldest first; none is left for a fourth */
	assert_int_equal(store_outbox_claim(f->c, "srv-a", NOW, NOW + 300, &f->a, &m), STORE_OK);
	assert_int_equal(m.id, m1);
	assert_string_equal(m.to, "a@example.org");
	assert_int_equal(store_outbox_claim(f->c, "srv-b", NOW, NOW + 300, &f->a, &m), STORE_OK);
	assert_int_equal(m.id, m2);
	assert_int_equal(store_outbox_claim(f->c, "srv-c", NOW, NOW + 300, &f->a, &m), STORE_OK);
	assert_int_equal(m.id, m3);
	assert_int_equal(store_outbox_claim(f->c, "srv-d", NOW, NOW + 300, &f->a, &m),
			 STORE_NOTFOUND);
	/* only the claimer records the outcome */
	assert_int_equal(store_outbox_sent(f->c, m1, "srv-b", NOW), STORE_NOTFOUND);
	assert_int_equal(store_outbox_sent(f->c, m1, "srv-a", NOW), STORE_OK);
	assert_int_equal(store_outbox_attempt_failed(f->c, m2, "srv-b", NOW, "refused (SMTP reply 451)",
						     NOW + 60), STORE_OK);
	/* m2 waits for its retry, m3's lease is live */
	assert_int_equal(store_outbox_claim(f->c, "srv-d", NOW + 59, NOW + 359, &f->a, &m),
			 STORE_NOTFOUND);
	assert_int_equal(store_outbox_claim(f->c, "srv-e", NOW + 60, NOW + 360, &f->a, &m), STORE_OK);
	assert_int_equal(m.id, m2);
	assert_int_equal(m.attempts, 1);
	assert_string_equal(m.last_error, "refused (SMTP reply 451)");
	assert_int_equal(store_outbox_attempt_failed(f->c, m2, "srv-e", NOW + 60, "550 no such user",
						     0), STORE_OK);
	/* a lease that ended: another server may take the mail */
	assert_int_equal(store_outbox_claim(f->c, "srv-f", NOW + 301, NOW + 601, &f->a, &m), STORE_OK);
	assert_int_equal(m.id, m3);
	assert_int_equal(store_outbox_sent(f->c, m3, "srv-c", NOW + 302), STORE_NOTFOUND);

	assert_int_equal(store_outbox_counts(f->c, &n), STORE_OK);
	assert_int_equal(n.sent, 1);
	assert_int_equal(n.waiting, 1);
	assert_int_equal(n.failed, 1);
	assert_int_equal(store_outbox_last_error(f->c, &f->a, &m), STORE_OK);
	assert_int_equal(m.id, m2);
	assert_string_equal(m.last_error, "550 no such user");
	assert_int_equal(m.failed_at, NOW + 60);
	assert_int_equal(m.attempts, 2);

	/* the purge keeps what is younger than the keep, and a mail being sent */
	assert_int_equal(app_housekeeping(f->c, NOW + 400, KEEP, 411, &h), STORE_OK);
	assert_int_equal(h.mails, 0);
	assert_int_equal(app_housekeeping(f->c, NOW + 400, KEEP, 409, &h), STORE_OK);
	assert_int_equal(h.mails, 2); /* m3 is srv-f's until NOW + 601 */
	assert_int_equal(store_outbox_latest(f->c, "c@example.org", &f->a, &m), STORE_OK);
	assert_int_equal(app_housekeeping(f->c, NOW + 602, KEEP, 409, &h), STORE_OK);
	assert_int_equal(h.mails, 1);
	assert_int_equal(store_outbox_counts(f->c, &n), STORE_OK);
	assert_int_equal(n.sent + n.waiting + n.failed, 0);
}

#define RACE_MAILS 60

struct racer {
	struct store *s;
	const char *name;
	int64_t got[RACE_MAILS];
	int n;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct store_conn *c = store_conn_acquire(r->s);
	struct arena a;
	struct mail m;

	arena_init(&a, 0);
	while (r->n < RACE_MAILS &&
	       store_outbox_claim(c, r->name, NOW, NOW + 300, &a, &m) == STORE_OK)
		r->got[r->n++] = m.id;
	arena_release(&a);
	store_conn_release(c);
	return NULL;
}

/* two servers claiming at once on their own connections: every mail is
 * claimed, and by one of them only */
static void test_outbox_two_claimers_never_share(void **state)
{
	struct fx *f = *state;
	struct racer a = { .s = f->s, .name = "srv-a" }, b = { .s = f->s, .name = "srv-b" };
	pthread_t ta, tb;
	int seen[RACE_MAILS] = { 0 };
	int64_t first = 0;

	for (int i = 0; i < RACE_MAILS; i++) {
		int64_t id = add_mail(f, "race@example.org", NOW - 1);
		if (i == 0)
			first = id;
	}
	store_conn_release(f->c); /* the pool has 3: one per racer */
	f->c = NULL;
	assert_int_equal(pthread_create(&ta, NULL, race, &a), 0);
	assert_int_equal(pthread_create(&tb, NULL, race, &b), 0);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(a.n + b.n, RACE_MAILS);
	for (int i = 0; i < a.n; i++)
		seen[a.got[i] - first]++;
	for (int i = 0; i < b.n; i++)
		seen[b.got[i] - first]++;
	for (int i = 0; i < RACE_MAILS; i++)
		assert_int_equal(seen[i], 1);
}

/* app_delivery against a port where nothing listens: a real connection
 * refused, recorded with its error and a retry; too late, given up */
static void test_delivery_failure_is_recorded(void **state)
{
	struct fx *f = *state;
	int64_t now = (int64_t)time(NULL);
	int64_t young = add_mail(f, "anna@example.org", now - 10);
	struct delivery d = {
		.store = f->s, .from = "noreply@yingcai.example", .claimer = "test",
		.retry_s = 60, .give_up_s = 1800,
		.smtp = { .url = "smtp://127.0.0.1:1", .timeout_s = 5 },
	};
	struct delivery_report r;
	struct mail m;

	assert_true(smtp_global_init());
	store_conn_release(f->c);
	f->c = NULL;
	assert_int_equal(app_delivery_run_one(&d, now, &r), DELIVERY_RETRY);
	assert_int_equal(r.mail_id, young);
	assert_int_equal(r.attempts, 1);
	assert_int_equal(r.retry_at, now + 60);
	assert_non_null(strstr(r.error, "onnect")); /* "Couldn't connect to server" */
	assert_non_null(strstr(r.error, "; check smtp_url")); /* the setting to look at */
	assert_int_equal(app_delivery_run_one(&d, now, &r), DELIVERY_IDLE); /* not due yet */
	/* the 2nd wait is 5 minutes; the 3rd, 30 minutes, would end past the give-up */
	assert_int_equal(app_delivery_run_one(&d, now + 60, &r), DELIVERY_RETRY);
	assert_int_equal(r.retry_at, now + 60 + 300);
	assert_int_equal(app_delivery_run_one(&d, now + 360, &r), DELIVERY_GAVE_UP);
	assert_int_equal(r.attempts, 3);
	f->c = store_conn_acquire(f->s);
	assert_int_equal(store_outbox_latest(f->c, "anna@example.org", &f->a, &m), STORE_OK);
	assert_int_equal(m.attempts, 3);
	assert_int_equal(m.failed_at, now + 360);
	assert_int_equal(m.sent_at, 0);
	assert_non_null(m.last_error);
	smtp_global_cleanup();
	/* the schedule: 1, 5, 30, 120, 360, 720, 720... times retry_s */
	assert_int_equal(app_delivery_retry_at(0, 1, 0, 60, 86400), 60);
	assert_int_equal(app_delivery_retry_at(0, 4, 0, 60, 86400), 7200);
	assert_int_equal(app_delivery_retry_at(0, 9, 0, 60, 86400), 43200);
	assert_int_equal(app_delivery_retry_at(0, 9, 50000, 60, 86400), 0);
}

TESTDB_CASES(setup_with)

int main(void)
{
	static const struct CMUnitTest all[] = {
		BOTH(test_removes_only_the_dead),
		BOTH(test_later_takes_the_rest),
		BOTH(test_thread_runs_at_start_and_stops_at_once),
		BOTH(test_outbox_claims_and_outcomes),
		BOTH(test_outbox_two_claimers_never_share),
		BOTH(test_delivery_failure_is_recorded),
	};
	struct CMUnitTest run[sizeof all / sizeof all[0]];

	return run_on_backends("housekeeping", all, sizeof all / sizeof all[0], run);
}
