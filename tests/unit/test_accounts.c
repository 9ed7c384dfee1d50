/* test_accounts.c - the account use cases (app/accounts.h) on a real
 * SQLite database in a mkdtemp directory.
 *
 * A test plays a browser: each "request" is a struct request as the server
 * would build it (arena, site, clock, client address), carrying the
 * session cookie of the previous one and loading the session from the
 * store the way session_load() does.  The site holds only what the use
 * cases read: the store, the login throttle and session settings, and the
 * translations (po/, when the test runs from the source tree).
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
#include <sodium.h>

#include "app/accounts.h"
#include "store/store.h"
#include "web/http.h"
#include "web/i18n.h"
#include "web/session.h"
#include "web/site.h"

#define T0 1764547200 /* 2025-12-01 00:00 UTC */
#define PW "correct horse battery staple"

struct fx {
	char dir[64];
	struct site site;
	struct arena a;        /* one request's memory */
	struct request rq;
	char cookie[128];      /* the browser's yc_session */
	int64_t now;
	char remote[64];
};


/* end_request: what the server does after answering: the browser keeps
 * the cookie it was sent; the connection and the memory go back. */
static void end_request(struct fx *f)
{
	if (f->rq.new_session_cookie && f->rq.session_token)
		snprintf(f->cookie, sizeof f->cookie, "%s", f->rq.session_token);
	if (f->rq.db)
		store_conn_release(f->rq.db);
	memset(&f->rq, 0, sizeof f->rq);
	arena_reset(&f->a);
}

/* browse: a new request from the same browser, its session loaded. */
static struct request *browse(struct fx *f)
{
	struct request *rq = &f->rq;

	end_request(f);
	rq->a = &f->a;
	rq->site = &f->site;
	rq->now = f->now;
	rq->lang = "en";
	rq->path = "/";
	snprintf(rq->remote, sizeof rq->remote, "%s", f->remote);
	if (f->cookie[0]) {
		unsigned char h[32];
		struct session *s = arena_alloc(rq->a, sizeof *s);
		struct user *u = arena_alloc(rq->a, sizeof *u);

		token_hash(f->cookie, h);
		assert_non_null(http_db(rq));
		if (store_session_by_hash(rq->db, h, rq->now, rq->a, s) == STORE_OK) {
			rq->session = s;
			if (s->user_id && store_user_by_id(rq->db, s->user_id, rq->a, u) == STORE_OK)
				rq->user = u;
		}
	}
	return rq;
}

/* new_browser: forget the cookie (another person, another machine). */
static struct request *new_browser(struct fx *f, const char *remote)
{
	end_request(f);
	f->cookie[0] = '\0';
	snprintf(f->remote, sizeof f->remote, "%s", remote);
	return browse(f);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char err[512] = "", url[128], blobs[128];

	assert_non_null(f);
	assert_true(sodium_init() >= 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-acct-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(url, sizeof url, "sqlite:%s/yc.db", f->dir);
	snprintf(blobs, sizeof blobs, "%s/blobs", f->dir);
	site_config_defaults(&f->site.cfg);
	f->site.cfg.login_max_failures = 3;
	arena_init(&f->site.arena, 0);
	f->site.store = store_open(url, blobs, 2, err, sizeof err);
	if (!f->site.store)
		fail_msg("store_open: %s", err);
	f->site.i18n = i18n_load("po", &f->site.arena, err, sizeof err); /* NULL outside the tree */
	arena_init(&f->a, 0);
	f->now = T0;
	snprintf(f->remote, sizeof f->remote, "192.0.2.1");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	end_request(f);
	store_close(f->site.store);
	arena_release(&f->a);
	arena_release(&f->site.arena);
	rm_rf(f->dir);
	free(f);
	return 0;
}

static enum acct_err reg(struct fx *f, const char *email, const char *name, const char *pw,
		unsigned role, struct acct_result *r)
{
	struct acct_new_user in = { .email = email, .name = name, .password = pw, .role = role,
				    .lang = "en" };
	return accounts_register(browse(f), &in, r);
}

/* audit_has: whether subject's log has an entry with action (by actor). */
static bool audit_has(struct fx *f, const char *subject, const char *action, int64_t actor)
{
	struct store_conn *c = store_conn_acquire(f->site.store);
	struct audit_entry *list = NULL;
	size_t n = 0;
	bool found = false;

	assert_int_equal(store_audit_list(c, subject, 100, &f->a, &list, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].action, action) == 0 && list[i].actor == actor)
			found = true;
	store_conn_release(c);
	return found;
}

static size_t audit_count(struct fx *f, const char *subject)
{
	struct store_conn *c = store_conn_acquire(f->site.store);
	struct audit_entry *list = NULL;
	size_t n = 0;

	assert_int_equal(store_audit_list(c, subject, 1000, &f->a, &list, &n), STORE_OK);
	store_conn_release(c);
	return n;
}

static int failures(struct fx *f, const char *key)
{
	struct store_conn *c = store_conn_acquire(f->site.store);
	int n = -1;

	assert_int_equal(store_login_failures_since(c, key, 0, &n), STORE_OK);
	store_conn_release(c);
	return n;
}

/* mailed_token: the token in the newest mail to `to`, or NULL. */
static const char *mailed_token(struct fx *f, const char *to)
{
	struct store_conn *c = store_conn_acquire(f->site.store);
	struct mail m;
	enum store_rc rc = store_outbox_latest(c, to, &f->site.arena, &m);
	const char *p;
	static char tok[64];
	size_t n = 0;

	store_conn_release(c);
	if (rc != STORE_OK)
		return NULL;
	p = strstr(m.body, "/password/reset/");
	assert_non_null(p);
	p += strlen("/password/reset/");
	while (p[n] && p[n] != '\n' && p[n] != ' ' && n < sizeof tok - 1)
		n++;
	memcpy(tok, p, n);
	tok[n] = '\0';
	return tok;
}

/* ---- register ---- */

static void expect_field(const struct acct_result *r, enum acct_field fld, const char *key)
{
	const char *got = acct_result_key(r, fld);

	if (!got || strcmp(got, key) != 0)
		fail_msg("field %s: want %s, got %s", acct_field_name(fld), key, got ? got : "none");
}

static void test_register_validation(void **state)
{
	struct fx *f = *state;
	struct acct_result r;
	char long_pw[200], long_name[400];

	assert_int_equal(reg(f, "", "", "", ROLE_APPLICANT, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_EMAIL, "acct_err_email_missing");
	expect_field(&r, ACCT_F_NAME, "acct_err_name_missing");
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_missing");
	assert_int_equal(r.nerrors, 3);

	static const char *const bad_emails[] = {
		"anna", "anna@", "@example.org", "anna@example", "an na@example.org",
		"anna@@example.org", "anna..x@example.org", ".anna@example.org",
		"anna@-example.org", "anna@example-.org", "anna@exa_mple.org", "anna@example..org",
		"ànna@example.org",
	};
	for (size_t i = 0; i < sizeof bad_emails / sizeof bad_emails[0]; i++) {
		assert_int_equal(reg(f, bad_emails[i], "Anna", PW, ROLE_APPLICANT, &r), ACCT_INVALID);
		expect_field(&r, ACCT_F_EMAIL, "acct_err_email_invalid");
		assert_int_equal(r.nerrors, 1);
	}

	assert_int_equal(reg(f, "anna@example.org", "Anna", "short pw", ROLE_APPLICANT, &r),
			 ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_short");
	/* 11 characters fail, 12 pass; characters, not bytes: 11 Chinese
	 * characters are 33 bytes and still too short. */
	assert_int_equal(reg(f, "anna@example.org", "Anna", "12345678901", ROLE_APPLICANT, &r),
			 ACCT_INVALID);
	assert_int_equal(reg(f, "anna@example.org", "Anna",
			     "一二三四五六七八九十百", ROLE_APPLICANT, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_short");
	memset(long_pw, 'x', 129);
	long_pw[129] = '\0';
	assert_int_equal(reg(f, "anna@example.org", "Anna", long_pw, ROLE_APPLICANT, &r),
			 ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_long");
	assert_int_equal(reg(f, "anna.long@example.org", "Anna", "Anna.Long@Example.org",
			     ROLE_APPLICANT, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_is_email");
	assert_int_equal(reg(f, "anna@example.org", "Anna", "password\001with control",
			     ROLE_APPLICANT, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_invalid");

	assert_int_equal(reg(f, "anna@example.org", "An\nna", PW, ROLE_APPLICANT, &r),
			 ACCT_INVALID);
	expect_field(&r, ACCT_F_NAME, "acct_err_name_invalid");
	assert_int_equal(reg(f, "anna@example.org", "Anna\xff", PW, ROLE_APPLICANT, &r),
			 ACCT_INVALID);
	expect_field(&r, ACCT_F_NAME, "acct_err_name_invalid");
	memset(long_name, 'a', 101);
	long_name[101] = '\0';
	assert_int_equal(reg(f, "anna@example.org", long_name, PW, ROLE_APPLICANT, &r),
			 ACCT_INVALID);
	expect_field(&r, ACCT_F_NAME, "acct_err_name_long");

	/* Staff roles (and no role) cannot be chosen when registering. */
	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_REVIEWER, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_ROLE, "acct_err_role");
	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_SYSADMIN, &r), ACCT_INVALID);
	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, 0, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_ROLE, "acct_err_role");
	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT | ROLE_EMPLOYER, &r),
			 ACCT_INVALID);

	/* Nothing of the above was stored. */
	assert_int_equal(audit_count(f, "user:1"), 0);
	assert_null(f->rq.user);
}

static void test_register_logs_in(void **state)
{
	struct fx *f = *state;
	struct acct_result r;
	struct request *rq;

	assert_int_equal(reg(f, "  Anna.Example@Example.ORG ", "  安娜 Anna  ", PW, ROLE_APPLICANT,
			     &r), ACCT_OK);
	assert_true(r.user_id > 0);
	assert_int_equal(r.nerrors, 0);
	assert_non_null(f->rq.user);
	assert_string_equal(f->rq.user->email, "anna.example@example.org");
	rq = browse(f);
	assert_non_null(rq->user);
	assert_int_equal(rq->user->id, r.user_id);
	assert_string_equal(rq->user->name, "安娜 Anna");
	assert_int_equal(rq->user->role, ROLE_APPLICANT);
	assert_string_equal(rq->user->lang, "en");
	/* Argon2id with its parameters in the string, never the password. */
	assert_true(strncmp(rq->user->password_hash, "$argon2id$", 10) == 0);
	assert_null(strstr(rq->user->password_hash, "horse"));
	assert_true(audit_has(f, "user:1", "user.register", r.user_id));

	assert_int_equal(reg(f, "boss@example.org", "HR", PW, ROLE_EMPLOYER, &r), ACCT_OK);
	assert_int_equal(browse(f)->user->role, ROLE_EMPLOYER);
}

static void test_register_duplicate(void **state)
{
	struct fx *f = *state;
	struct acct_result r;

	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
	new_browser(f, "192.0.2.1");
	assert_int_equal(reg(f, "ANNA@example.org", "Other Anna", PW, ROLE_EMPLOYER, &r),
			 ACCT_CONFLICT);
	expect_field(&r, ACCT_F_EMAIL, "acct_err_email_taken");
	assert_int_equal(r.user_id, 0);
	assert_null(f->rq.user);
	assert_null(browse(f)->user);
	assert_int_equal(audit_count(f, "user:2"), 0);
}

/* ---- login, throttle, logout ---- */

static void test_login(void **state)
{
	struct fx *f = *state;
	struct acct_result r;
	struct request *rq;
	int64_t id;
	unsigned char before[32];

	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
	id = r.user_id;
	rq = new_browser(f, "192.0.2.7");

	/* Missing fields are the user's mistake, not an attempt. */
	assert_int_equal(accounts_login(rq, "", "", &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_EMAIL, "acct_err_email_missing");
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_missing");
	assert_int_equal(failures(f, "email:anna@example.org"), 0);

	/* A wrong password is counted (by address and by client) and audited. */
	assert_int_equal(accounts_login(browse(f), "anna@example.org", "wrong password!", &r),
			 ACCT_BAD_LOGIN);
	assert_null(f->rq.user);
	assert_int_equal(failures(f, "email:anna@example.org"), 1);
	assert_int_equal(failures(f, "ip:192.0.2.7"), 1);
	assert_true(audit_has(f, "user:1", "session.login_failed", id));
	/* An unknown account gives the same answer and is counted too. */
	assert_int_equal(accounts_login(browse(f), "nobody@example.org", PW, &r), ACCT_BAD_LOGIN);
	assert_int_equal(failures(f, "email:nobody@example.org"), 1);

	/* The right password, typed with capitals and spaces: logged in on a
	 * new session token (no fixation), failures of the address cleared. */
	rq = browse(f);
	assert_true(session_ensure(rq));
	memcpy(before, rq->session->token_hash, 32);
	assert_int_equal(accounts_login(rq, " Anna@Example.org", PW, &r), ACCT_OK);
	assert_int_equal(r.user_id, id);
	assert_memory_not_equal(before, rq->session->token_hash, 32);
	assert_int_equal(failures(f, "email:anna@example.org"), 0);
	assert_true(audit_has(f, "user:1", "session.login", id));
	rq = browse(f);
	assert_non_null(rq->user);
	assert_int_equal(rq->user->id, id);

	/* Logout ends the session: the cookie no longer opens it. */
	assert_int_equal(accounts_logout(rq), ACCT_OK);
	assert_true(audit_has(f, "user:1", "session.logout", id));
	snprintf(f->cookie, sizeof f->cookie, "%s", "");
	assert_null(browse(f)->user);
}

static void test_logout_keeps_old_cookie_dead(void **state)
{
	struct fx *f = *state;
	struct acct_result r;
	char old[128];

	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
	browse(f);
	snprintf(old, sizeof old, "%s", f->cookie);
	assert_int_equal(accounts_logout(&f->rq), ACCT_OK);
	/* Someone who copied the cookie before the logout gets nothing. */
	snprintf(f->cookie, sizeof f->cookie, "%s", old);
	assert_null(browse(f)->user);
	assert_null(f->rq.session);
	/* A visitor logging out: nothing to do. */
	assert_int_equal(accounts_logout(new_browser(f, "192.0.2.1")), ACCT_OK);
}

static void test_throttle(void **state)
{
	struct fx *f = *state;
	struct acct_result r;

	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
	new_browser(f, "198.51.100.9");
	for (int i = 0; i < 3; i++)
		assert_int_equal(accounts_login(browse(f), "anna@example.org", "not the password",
						&r), ACCT_BAD_LOGIN);
	/* The 4th attempt is refused before the password is looked at, even
	 * the right one, and even from elsewhere (the address is the key). */
	assert_int_equal(accounts_login(browse(f), "anna@example.org", PW, &r), ACCT_THROTTLED);
	assert_int_equal(r.retry_minutes, 15);
	assert_null(f->rq.user);
	assert_int_equal(failures(f, "email:anna@example.org"), 3);
	assert_int_equal(accounts_login(new_browser(f, "203.0.113.5"), "ANNA@example.org", PW, &r),
			 ACCT_THROTTLED);
	/* Other accounts are not affected. */
	assert_int_equal(reg(f, "ben@example.org", "Ben", PW, ROLE_APPLICANT, &r), ACCT_OK);
	assert_int_equal(accounts_login(new_browser(f, "203.0.113.5"), "ben@example.org", PW, &r),
			 ACCT_OK);
	/* After the window the account opens again. */
	f->now += f->site.cfg.login_window_s + 1;
	assert_int_equal(accounts_login(new_browser(f, "198.51.100.9"), "anna@example.org", PW, &r),
			 ACCT_OK);
}

/* ---- password reset ---- */

static void test_reset(void **state)
{
	struct fx *f = *state;
	struct acct_result r;
	const char *tok;
	char saved[64];
	struct request *rq;
	int64_t id;

	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
	id = r.user_id;

	/* Unknown address: the same answer, no mail, no token. */
	rq = new_browser(f, "192.0.2.1");
	assert_int_equal(accounts_request_reset(rq, "nobody@example.org", &r), ACCT_OK);
	assert_null(mailed_token(f, "nobody@example.org"));
	assert_int_equal(accounts_request_reset(browse(f), "not an address", &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_EMAIL, "acct_err_email_invalid");

	assert_int_equal(accounts_request_reset(browse(f), "Anna@Example.org", &r), ACCT_OK);
	tok = mailed_token(f, "anna@example.org");
	assert_non_null(tok);
	assert_int_equal(strlen(tok), 43);
	snprintf(saved, sizeof saved, "%s", tok);
	assert_true(audit_has(f, "user:1", "user.reset_requested", 0));

	/* Checking the link uses nothing up. */
	assert_int_equal(accounts_reset_check(browse(f), saved), ACCT_OK);
	assert_int_equal(accounts_reset_check(browse(f), saved), ACCT_OK);
	assert_int_equal(accounts_reset_check(browse(f), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
			 ACCT_BAD_TOKEN);
	assert_int_equal(accounts_reset_check(browse(f), "../../etc/passwd"), ACCT_BAD_TOKEN);

	/* A refused password leaves the token usable. */
	assert_int_equal(accounts_reset(browse(f), saved, "too short", &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_short");
	assert_int_equal(accounts_reset(browse(f), saved, "anna@example.org", &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_is_email");
	assert_null(f->rq.user);
	assert_int_equal(accounts_reset_check(browse(f), saved), ACCT_OK);

	/* Used once: the password changes and the browser is logged in. */
	rq = browse(f);
	assert_int_equal(accounts_reset(rq, saved, "a brand new password", &r), ACCT_OK);
	assert_int_equal(r.user_id, id);
	assert_non_null(browse(f)->user);
	assert_int_equal(f->rq.user->id, id);
	assert_true(audit_has(f, "user:1", "user.password_reset", id));
	/* ... and never again. */
	assert_int_equal(accounts_reset(new_browser(f, "192.0.2.66"), saved, "an attacker's password",
					&r), ACCT_BAD_TOKEN);
	assert_null(f->rq.user);
	assert_int_equal(accounts_reset_check(browse(f), saved), ACCT_BAD_TOKEN);
	/* The old password is gone, the new one works. */
	assert_int_equal(accounts_login(new_browser(f, "192.0.2.1"), "anna@example.org", PW, &r),
			 ACCT_BAD_LOGIN);
	assert_int_equal(accounts_login(browse(f), "anna@example.org", "a brand new password", &r),
			 ACCT_OK);
}

static void test_reset_expires(void **state)
{
	struct fx *f = *state;
	struct acct_result r;
	char saved[64];

	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
	assert_int_equal(accounts_request_reset(new_browser(f, "192.0.2.1"), "anna@example.org", &r),
			 ACCT_OK);
	snprintf(saved, sizeof saved, "%s", mailed_token(f, "anna@example.org"));
	f->now += ACCT_RESET_TTL - 1;
	assert_int_equal(accounts_reset_check(browse(f), saved), ACCT_OK);
	f->now += 1;
	assert_int_equal(accounts_reset_check(browse(f), saved), ACCT_BAD_TOKEN);
	assert_int_equal(accounts_reset(browse(f), saved, "a brand new password", &r),
			 ACCT_BAD_TOKEN);
	expect_field(&r, ACCT_F_TOKEN, "acct_err_token");
	assert_int_equal(accounts_login(browse(f), "anna@example.org", PW, &r), ACCT_OK);
}

static void test_reset_mail_in_user_language(void **state)
{
	struct fx *f = *state;
	struct acct_new_user in = { .email = "li@example.org", .name = "李娜", .password = PW,
				    .role = ROLE_APPLICANT, .lang = "zh" };
	struct acct_result r;
	struct store_conn *c;
	struct mail m;

	if (!f->site.i18n)
		skip();
	assert_int_equal(accounts_register(browse(f), &in, &r), ACCT_OK);
	assert_int_equal(accounts_request_reset(new_browser(f, "192.0.2.1"), "li@example.org", &r),
			 ACCT_OK);
	c = store_conn_acquire(f->site.store);
	assert_int_equal(store_outbox_latest(c, "li@example.org", &f->a, &m), STORE_OK);
	store_conn_release(c);
	assert_string_equal(m.subject, i18n_get(f->site.i18n, "zh", "mail_reset_subject"));
	assert_non_null(strstr(m.body, "李娜"));
	assert_null(strstr(m.body, "{link}"));
	assert_null(strstr(m.body, "{name}"));
}

/* ---- staff accounts (the CLI's use case) ---- */

static void test_user_add(void **state)
{
	struct fx *f = *state;
	struct store_conn *c = store_conn_acquire(f->site.store);
	struct acct_new_user in = { .email = "Reviewer@Gov.example.cn", .name = "张伟",
				    .password = PW, .role = ROLE_REVIEWER };
	struct acct_result r;
	struct user u;

	assert_int_equal(accounts_user_add(c, T0, 0, &in, &r), ACCT_OK);
	assert_int_equal(store_user_by_email(c, "reviewer@gov.example.cn", &f->a, &u), STORE_OK);
	assert_int_equal(u.role, ROLE_REVIEWER);
	assert_string_equal(u.lang, "zh");
	assert_int_equal(accounts_user_add(c, T0, 0, &in, &r), ACCT_CONFLICT);
	in.email = "sys@gov.example.cn";
	in.role = ROLE_SYSADMIN;
	in.password = "short";
	assert_int_equal(accounts_user_add(c, T0, 0, &in, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_PASSWORD, "acct_err_password_short");
	in.password = PW;
	in.role = ROLE_SYSADMIN | ROLE_REVIEWER;
	assert_int_equal(accounts_user_add(c, T0, 0, &in, &r), ACCT_INVALID);
	expect_field(&r, ACCT_F_ROLE, "acct_err_role");
	store_conn_release(c);
	assert_true(audit_has(f, "user:1", "user.add", 0));
	assert_int_equal(audit_count(f, "user:2"), 0);

	/* A staff member logs in like everyone else. */
	assert_int_equal(accounts_login(new_browser(f, "192.0.2.1"), "reviewer@gov.example.cn", PW,
					&r), ACCT_OK);
	assert_int_equal(browse(f)->user->role, ROLE_REVIEWER);
}

static void test_database_busy(void **state)
{
	struct fx *f = *state;
	struct store_conn *hog = store_conn_acquire(f->site.store);
	struct acct_result r;

	/* Another connection holds the write lock: nothing half-done, 503. */
	assert_int_equal(store_begin_write(hog), STORE_OK);
	browse(f);
	assert_non_null(http_db(&f->rq));
	assert_int_equal(store_set_busy_timeout(f->rq.db, 10), STORE_OK);
	assert_int_equal(accounts_register(&f->rq, &(struct acct_new_user){
		.email = "anna@example.org", .name = "Anna", .password = PW,
		.role = ROLE_APPLICANT }, &r), ACCT_BUSY);
	assert_null(f->rq.user);
	store_rollback(hog);
	store_conn_release(hog);
	assert_int_equal(reg(f, "anna@example.org", "Anna", PW, ROLE_APPLICANT, &r), ACCT_OK);
}

/* ---- words ---- */

static void test_words_in_every_language(void **state)
{
	struct fx *f = *state;
	static const char *const prefixes[] = {"acct_", "dash_", "mail_reset", "app_status_"};
	const char *missing[512];

	if (!f->site.i18n)
		skip();
	for (int l = 0; l < I18N_NLANGS; l++) {
		size_t n = i18n_missing(f->site.i18n, i18n_codes[l], missing, 512);
		for (size_t i = 0; i < n; i++)
			for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++)
				if (strncmp(missing[i], prefixes[p], strlen(prefixes[p])) == 0)
					fail_msg("%s: no translation of %s", i18n_codes[l], missing[i]);
	}
	assert_string_not_equal(i18n_get(f->site.i18n, "zh", "acct_err_throttled"),
				i18n_get(f->site.i18n, "en", "acct_err_throttled"));
	assert_non_null(strstr(i18n_get(f->site.i18n, "de", "acct_err_throttled"), "{n}"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_logs_in, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logout_keeps_old_cookie_dead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_mail_in_user_language, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_words_in_every_language, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
