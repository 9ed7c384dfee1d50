/* accounts.c - see accounts.h. */
#include "accounts.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "app/tx.h"
#include "lib/strbuf.h"
#include "web/i18n.h"
#include "web/session.h"
#include "web/site.h"

/* ---- results ---- */

const char *acct_field_name(enum acct_field f)
{
	switch (f) {
	case ACCT_F_EMAIL: return "email";
	case ACCT_F_NAME: return "name";
	case ACCT_F_PASSWORD: return "password";
	case ACCT_F_ROLE: return "role";
	case ACCT_F_TOKEN: return "token";
	default: return "";
	}
}

const char *acct_result_key(const struct acct_result *r, enum acct_field f)
{
	for (size_t i = 0; i < r->nerrors; i++)
		if (r->errors[i].field == f)
			return r->errors[i].key;
	return NULL;
}

static void result_init(struct acct_result *r)
{
	memset(r, 0, sizeof *r);
}

/* field_error: note a user's mistake (the first one per field counts). */
static void field_error(struct acct_result *r, enum acct_field f, const char *key)
{
	if (acct_result_key(r, f) || r->nerrors == ACCT_ERRORS_MAX)
		return;
	r->errors[r->nerrors].field = f;
	r->errors[r->nerrors].key = key;
	r->nerrors++;
}

static enum acct_err finish(struct acct_result *r, enum acct_err e)
{
	r->err = e;
	return e;
}

static enum acct_err from_store(enum store_rc rc)
{
	switch (rc) {
	case STORE_OK: return ACCT_OK;
	case STORE_BUSY:
	case STORE_FULL: return ACCT_BUSY;
	default: return ACCT_ERROR;
	}
}

/* ---- rules ---- */

/* utf8_chars: the number of characters of s, or -1 when s is not valid
 * UTF-8 (overlong forms, surrogates and code points past U+10FFFF are
 * invalid) or holds a control character. */
static long utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		unsigned c = *p, need, cp;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return -1;
			p++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; }
		else return -1;
		for (unsigned i = 1; i <= need; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp < 0xa0))
			return -1;
		p += need + 1;
		n++;
	}
	return n;
}

/* trimmed: s without leading and trailing ASCII white space, in a. */
static char *trimmed(struct arena *a, const char *s)
{
	size_t n;

	if (!s)
		s = "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(a, s, n);
}

static bool local_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$%&'*+/=?^_`{|}~.-", c));
}

static bool domain_ok(const char *d)
{
	size_t label = 0;
	bool dot = false;

	if (!*d || *d == '.' || *d == '-')
		return false;
	for (const char *p = d; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			dot = true;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
		if (*p == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return dot && label > 0 && d[strlen(d) - 1] != '-';
}

const char *accounts_email_normalise(struct arena *a, const char *email)
{
	char *e = trimmed(a, email), *at;
	size_t n;

	if (!e)
		return NULL;
	n = strlen(e);
	if (n == 0 || n > ACCT_EMAIL_MAX)
		return NULL;
	for (char *p = e; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || at - e > 64)
		return NULL;
	if (e[0] == '.' || at[-1] == '.' || strstr(e, ".."))
		return NULL;
	for (char *p = e; p < at; p++)
		if (!local_char(*p))
			return NULL;
	return domain_ok(at + 1) ? e : NULL;
}

/* check_email: the normalised address, or NULL with a field error. */
static const char *check_email(struct arena *a, const char *email, struct acct_result *r)
{
	const char *t = trimmed(a, email);
	const char *e;

	if (!t || !*t) {
		field_error(r, ACCT_F_EMAIL, "acct_err_email_missing");
		return NULL;
	}
	e = accounts_email_normalise(a, t);
	if (!e)
		field_error(r, ACCT_F_EMAIL, "acct_err_email_invalid");
	return e;
}

static const char *check_name(struct arena *a, const char *name, struct acct_result *r)
{
	const char *t = trimmed(a, name);
	long n;

	if (!t || !*t) {
		field_error(r, ACCT_F_NAME, "acct_err_name_missing");
		return NULL;
	}
	n = utf8_chars(t);
	if (n < 0) {
		field_error(r, ACCT_F_NAME, "acct_err_name_invalid");
		return NULL;
	}
	if (n > ACCT_NAME_MAX) {
		field_error(r, ACCT_F_NAME, "acct_err_name_long");
		return NULL;
	}
	return t;
}

/* check_password: the rules of accounts.h; email (normalised, may be NULL)
 * is what the password must not be. */
static bool check_password(struct arena *a, const char *pw, const char *email,
		struct acct_result *r)
{
	long n;

	if (!pw || !*pw) {
		field_error(r, ACCT_F_PASSWORD, "acct_err_password_missing");
		return false;
	}
	if (strlen(pw) > ACCT_PASSWORD_MAX) {
		field_error(r, ACCT_F_PASSWORD, "acct_err_password_long");
		return false;
	}
	n = utf8_chars(pw);
	if (n < 0) {
		field_error(r, ACCT_F_PASSWORD, "acct_err_password_invalid");
		return false;
	}
	if (n < ACCT_PASSWORD_MIN) {
		field_error(r, ACCT_F_PASSWORD, "acct_err_password_short");
		return false;
	}
	if (email) {
		const char *p = accounts_email_normalise(a, pw);
		if (p && strcmp(p, email) == 0) {
			field_error(r, ACCT_F_PASSWORD, "acct_err_password_is_email");
			return false;
		}
	}
	return true;
}

/* ---- audit ---- */

static const char *user_subject(struct arena *a, int64_t id)
{
	return id ? arena_printf(a, "user:%lld", (long long)id) : "user:unknown";
}

/* user_json: {"email": ..., "role": ...} for the audit log (never a hash). */
static const char *user_json(struct arena *a, const char *email, unsigned role)
{
	struct strbuf sb = STRBUF_INIT(1024);
	char *out;

	strbuf_addstr(&sb, "{\"email\":");
	strbuf_add_json(&sb, email ? email : "");
	if (role) {
		strbuf_addstr(&sb, ",\"role\":");
		strbuf_add_json(&sb, role_name(role) ? role_name(role) : "?");
	}
	strbuf_addch(&sb, '}');
	out = sb.failed ? NULL : arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return out;
}

static enum store_rc audit(struct store_conn *c, int64_t now, int64_t actor, const char *action,
		const char *subject, const char *after)
{
	struct audit_entry e = {
		.at = now, .actor = actor, .action = action, .subject = subject,
		.before = NULL, .after = after,
	};
	return store_audit_add(c, &e);
}

/* outcome: what a use case answers once app_tx (app/tx.h) returned rc,
 * its body having noted in `decided` why it wrote nothing (ACCT_OK: it
 * decided nothing, the database failed). */
static enum acct_err outcome(enum store_rc rc, enum acct_err decided)
{
	if (rc == STORE_OK || rc == STORE_BUSY)
		return from_store(rc);
	return decided != ACCT_OK ? decided : from_store(rc);
}

/* ---- the request's login, across runs of a transaction ----
 *
 * session_login and session_logout (web/session.c) change the request as
 * well as the database: its session (token hash, CSRF token, user), its
 * user and the cookie due.  A run that is rolled back must leave none of
 * that behind, or the next run would log in a session row that no longer
 * exists, and a failed request would set a cookie for a token the
 * database does not hold: every run starts from the state saved before
 * the first, and the request gets it back when no run was committed. */
struct login_state {
	struct session *session, copy;
	struct user *user;
	const char *token;
	bool new_cookie;
};

static void login_state_save(const struct request *rq, struct login_state *s)
{
	memset(s, 0, sizeof *s);
	s->session = rq->session;
	if (rq->session)
		s->copy = *rq->session;
	s->user = rq->user;
	s->token = rq->session_token;
	s->new_cookie = rq->new_session_cookie;
}

static void login_state_restore(struct request *rq, const struct login_state *s)
{
	rq->session = s->session;
	if (s->session)
		*s->session = s->copy;
	rq->user = s->user;
	rq->session_token = s->token;
	rq->new_session_cookie = s->new_cookie;
}

/* ---- the limit on the register and forgot-password forms ----
 *
 * Attempts are rows of the login throttle's table (store_login_failure_*),
 * apart from its "email:" and "ip:" keys by their prefix:
 *   "register:ip:ADDR"   registrations tried from client address ADDR
 *   "forgot:ip:ADDR"     reset links asked for from ADDR
 *   "forgot:email:ADDR"  reset links asked for e-mail address ADDR, whether
 *                        or not it has an account (counting only existing
 *                        accounts would give them away)
 * ADDR is rq->remote: the client, behind a trusted proxy its forwarded
 * address (web/proxy.h).  Only a form that passed its checks counts (one
 * with a mistake costs nothing and does nothing); a refused one is not
 * counted.  The count is added in autocommit before the use case's own
 * transaction, so an attempt stays counted when that transaction is
 * rolled back (a taken e-mail address).  Two requests at the same moment
 * may both pass at the last free place: the limit is a brake, not a
 * quota. */

enum form_kind { FORM_REGISTER, FORM_FORGOT };

/* form_keys: the keys of one attempt (email NULL: the address key only). */
static size_t form_keys(struct request *rq, enum form_kind k, const char *email,
		const char *keys[2])
{
	const char *form = k == FORM_REGISTER ? "register" : "forgot";
	size_t n = 0;

	keys[n++] = arena_printf(rq->a, "%s:ip:%s", form, rq->remote);
	if (email)
		keys[n++] = arena_printf(rq->a, "%s:email:%s", form, email);
	return n;
}

/* form_limit: refuse the attempt (ACCT_THROTTLED, r->retry_minutes) when
 * one of its keys has reached the limit within the window; else count it.
 * ACCT_BUSY / ACCT_ERROR when the database failed; nothing else written. */
static enum acct_err form_limit(struct request *rq, enum form_kind k, const char *email,
		struct acct_result *r)
{
	const struct site_config *cfg = &rq->site->cfg;
	const char *keys[2];
	size_t n = form_keys(rq, k, email, keys);
	enum store_rc rc = STORE_OK;
	int count;

	for (size_t i = 0; i < n; i++)
		if (!keys[i])
			return ACCT_ERROR;
	for (size_t i = 0; i < n && rc == STORE_OK; i++) {
		rc = store_login_failures_since(rq->db, keys[i],
						rq->now - (int64_t)cfg->account_forms_window_s, &count);
		if (rc == STORE_OK && count >= (int)cfg->account_forms_max) {
			r->retry_minutes = (int)((cfg->account_forms_window_s + 59) / 60);
			return ACCT_THROTTLED;
		}
	}
	for (size_t i = 0; i < n && rc == STORE_OK; i++)
		rc = store_login_failure_add(rq->db, keys[i], rq->now);
	return from_store(rc);
}

/* ---- creating accounts ---- */

/* validate_new: every field error of in; the normalised e-mail and name
 * in *email, *name. */
static bool validate_new(struct arena *a, const struct acct_new_user *in, bool staff_ok,
		const char **email, const char **name, struct acct_result *r)
{
	*email = check_email(a, in->email, r);
	*name = check_name(a, in->name, r);
	check_password(a, in->password, *email, r);
	if (!role_name(in->role) ||
	    (!staff_ok && in->role != ROLE_APPLICANT && in->role != ROLE_EMPLOYER))
		field_error(r, ACCT_F_ROLE, "acct_err_role");
	return r->nerrors == 0;
}

bool accounts_user_check(struct arena *a, const struct acct_new_user *in,
		struct acct_result *r)
{
	const char *email, *name;

	result_init(r);
	return validate_new(a, in, true, &email, &name, r);
}

/* create_user: insert the user (inside the caller's transaction);
 * STORE_CONFLICT when the e-mail address is taken. */
static enum store_rc create_user(struct store_conn *c, int64_t now, const char *email,
		const char *name, unsigned role, const char *lang, const char *hash, int64_t *id)
{
	struct user u = {
		.email = email, .name = name, .role = role, .password_hash = hash,
		.lang = lang && i18n_lang_valid(lang) ? lang : "zh", .created_at = now,
	};

	*id = 0;
	return store_user_create(c, &u, id);
}

/* taken: the answer to an address that has an account already. */
static enum acct_err taken(struct acct_result *r)
{
	field_error(r, ACCT_F_EMAIL, "acct_err_email_taken");
	return ACCT_CONFLICT;
}

/* A new account, as app_tx runs it: the user and the audit entry (and,
 * registering, the login).  Everything slow (the hash) or built once
 * (the audit JSON) is made before. */
struct new_user_tx {
	struct request *rq;        /* accounts_register: the login; else NULL */
	struct login_state before; /* rq's, before the first run */
	struct arena *a;
	int64_t now, actor;        /* who adds it (0: the system) */
	bool self;                 /* registering: the actor is the new user */
	const char *email, *name, *lang, *hash, *action, *after;
	unsigned role;
	struct user *u;            /* registering: the new user, read back */
	int64_t id;                /* the new user (this run's) */
	enum acct_err decided;
};

static enum store_rc new_user_run(struct store_conn *c, void *arg)
{
	struct new_user_tx *t = arg;
	enum store_rc rc;

	t->decided = ACCT_OK;
	if (t->rq)
		login_state_restore(t->rq, &t->before);
	rc = create_user(c, t->now, t->email, t->name, t->role, t->lang, t->hash, &t->id);
	if (rc == STORE_CONFLICT)
		t->decided = ACCT_CONFLICT;
	if (rc != STORE_OK)
		return rc;
	if (t->rq) {
		rc = store_user_by_id(c, t->id, t->a, t->u);
		if (rc == STORE_OK && !session_login(t->rq, t->u))
			rc = STORE_ERROR;
		if (rc != STORE_OK)
			return rc;
	}
	return audit(c, t->now, t->self ? t->id : t->actor, t->action,
		     user_subject(t->a, t->id), t->after);
}

enum acct_err accounts_user_add(struct store_conn *c, int64_t now, int64_t actor,
		const struct acct_new_user *in, struct acct_result *r)
{
	struct arena a;
	struct new_user_tx t = { .a = &a, .now = now, .actor = actor, .role = in->role,
				 .lang = in->lang, .action = "user.add" };
	char hash[128];
	enum store_rc rc;
	enum acct_err e;

	result_init(r);
	arena_init(&a, 0);
	if (!validate_new(&a, in, true, &t.email, &t.name, r)) {
		e = a.failed ? ACCT_ERROR : ACCT_INVALID;
		goto out;
	}
	t.after = user_json(&a, t.email, in->role);
	if (!t.after || !password_hash(in->password, hash)) {
		e = ACCT_ERROR;
		goto out;
	}
	t.hash = hash;
	rc = app_tx(c, new_user_run, &t);
	e = outcome(rc, t.decided);
	if (e == ACCT_CONFLICT)
		e = taken(r);
	if (e == ACCT_OK)
		r->user_id = t.id;
out:
	sodium_memzero(hash, sizeof hash);
	arena_release(&a);
	return finish(r, e);
}

enum acct_err accounts_register(struct request *rq, const struct acct_new_user *in,
		struct acct_result *r)
{
	struct new_user_tx t = { .rq = rq, .a = rq->a, .now = rq->now, .self = true,
				 .role = in->role, .lang = in->lang, .action = "user.register" };
	char hash[128];
	enum store_rc rc;
	enum acct_err e;

	result_init(r);
	if (!validate_new(rq->a, in, false, &t.email, &t.name, r))
		return finish(r, rq->a->failed ? ACCT_ERROR : ACCT_INVALID);
	if (!http_db(rq) || !session_ensure(rq))
		return finish(r, ACCT_BUSY);
	if ((e = form_limit(rq, FORM_REGISTER, NULL, r)) != ACCT_OK)
		return finish(r, e);
	t.u = arena_alloc(rq->a, sizeof *t.u);
	t.after = user_json(rq->a, t.email, in->role);
	if (!t.u || !t.after || !password_hash(in->password, hash))
		return finish(r, ACCT_ERROR);
	t.hash = hash;
	login_state_save(rq, &t.before);
	rc = app_tx(rq->db, new_user_run, &t);
	e = outcome(rc, t.decided);
	if (e == ACCT_CONFLICT)
		e = taken(r);
	if (e == ACCT_OK)
		r->user_id = t.id;
	else
		login_state_restore(rq, &t.before);
	sodium_memzero(hash, sizeof hash);
	return finish(r, e);
}

/* ---- logging in and out ---- */

/* A hash to verify when the account does not exist, so that a login for
 * an unknown address costs as much as a wrong password.  Made once, with
 * the same parameters password_hash() uses. */
static char dummy_hash[128];
static bool dummy_ok;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	char pw[33];
	unsigned char raw[16];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(pw, sizeof pw, raw, sizeof raw);
	dummy_ok = password_hash(pw, dummy_hash);
}

static void verify_dummy(const char *password)
{
	pthread_once(&dummy_once, dummy_make);
	if (dummy_ok)
		(void)password_verify(dummy_hash, password);
}

static int retry_minutes(const struct request *rq)
{
	unsigned w = rq->site->cfg.login_window_s;
	return (int)((w + 59) / 60);
}

/* A login, as app_tx runs it: the failure counted and logged, or the
 * success (the throttle's count cleared, a new hash if one was made, the
 * session bound to the user) logged.  The password was checked before. */
struct login_tx {
	struct request *rq;
	struct login_state before;
	const char *key, *subject, *after;
	struct user *u;     /* NULL: no such account */
	bool ok;            /* the password was right */
	const char *rehash; /* a new hash of it to store, or NULL */
};

static enum store_rc login_run(struct store_conn *c, void *arg)
{
	struct login_tx *t = arg;
	struct request *rq = t->rq;
	enum store_rc rc = STORE_OK;

	login_state_restore(rq, &t->before);
	if (!t->ok) {
		login_failed(rq, t->key);
		return audit(c, rq->now, t->u ? t->u->id : 0, "session.login_failed", t->subject,
			     t->after);
	}
	if (t->rehash)
		rc = store_user_set_password(c, t->u->id, t->rehash);
	login_succeeded(rq, t->key);
	if (rc == STORE_OK && !session_login(rq, t->u))
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = audit(c, rq->now, t->u->id, "session.login", t->subject, NULL);
	return rc;
}

enum acct_err accounts_login(struct request *rq, const char *email, const char *password,
		struct acct_result *r)
{
	struct login_tx t = {0};
	const char *key;
	char rehash[128];
	struct user *u;
	bool found = false, ok = false;
	enum store_rc rc;
	enum acct_err e;

	result_init(r);
	key = trimmed(rq->a, email);
	if (!key || !*key)
		field_error(r, ACCT_F_EMAIL, "acct_err_email_missing");
	if (!password || !*password)
		field_error(r, ACCT_F_PASSWORD, "acct_err_password_missing");
	if (r->nerrors)
		return finish(r, ACCT_INVALID);
	/* The throttle key: the normalised address, or what was typed (capped)
	 * when it is no address at all. */
	if (accounts_email_normalise(rq->a, key))
		key = accounts_email_normalise(rq->a, key);
	else if (strlen(key) > ACCT_EMAIL_MAX)
		key = arena_strndup(rq->a, key, ACCT_EMAIL_MAX);
	if (!key || !http_db(rq))
		return finish(r, ACCT_BUSY);
	switch (login_throttled(rq, key)) {
	case LOGIN_ALLOWED:
		break;
	case LOGIN_THROTTLED:
		r->retry_minutes = retry_minutes(rq);
		return finish(r, ACCT_THROTTLED);
	case LOGIN_UNREADABLE: /* fails closed, and says so as a busy database */
		return finish(r, ACCT_BUSY);
	}

	u = arena_alloc(rq->a, sizeof *u);
	if (!u)
		return finish(r, ACCT_ERROR);
	rc = store_user_by_email(rq->db, key, rq->a, u);
	if (rc == STORE_OK)
		found = true;
	else if (rc != STORE_NOTFOUND)
		return finish(r, from_store(rc));
	if (strlen(password) > ACCT_PASSWORD_MAX)
		verify_dummy("");                  /* never hash an oversized input */
	else if (found)
		ok = password_verify(u->password_hash, password);
	else
		verify_dummy(password);

	t.rq = rq;
	t.key = key;
	t.u = found ? u : NULL;
	t.ok = ok;
	t.subject = user_subject(rq->a, found ? u->id : 0);
	t.after = ok ? NULL : user_json(rq->a, key, 0);
	if (!t.subject || (!ok && !t.after))
		return finish(r, ACCT_ERROR);
	/* Parameters raised since this hash was made: re-hash now, before the
	 * transaction (once, however often it runs).  If hashing fails the
	 * login goes on with the old hash. */
	if (ok && crypto_pwhash_str_needs_rehash(u->password_hash,
						 crypto_pwhash_OPSLIMIT_INTERACTIVE,
						 crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 &&
	    password_hash(password, rehash))
		t.rehash = rehash;
	login_state_save(rq, &t.before);
	e = outcome(app_tx(rq->db, login_run, &t), ACCT_OK);
	sodium_memzero(rehash, sizeof rehash);
	if (e != ACCT_OK) {
		login_state_restore(rq, &t.before);
		return finish(r, e);
	}
	if (!ok)
		return finish(r, ACCT_BAD_LOGIN);
	r->user_id = u->id;
	return finish(r, ACCT_OK);
}

/* The end of a session, as app_tx runs it. */
struct logout_tx {
	struct request *rq;
	struct login_state before;
	int64_t uid;
	const char *subject;
};

static enum store_rc logout_run(struct store_conn *c, void *arg)
{
	struct logout_tx *t = arg;

	login_state_restore(t->rq, &t->before);
	if (!session_logout(t->rq))
		return STORE_ERROR;
	return t->uid ? audit(c, t->rq->now, t->uid, "session.logout", t->subject, NULL)
		      : STORE_OK;
}

enum acct_err accounts_logout(struct request *rq)
{
	struct logout_tx t = { .rq = rq, .uid = session_user_id(rq) };
	enum acct_err e;

	if (!rq->session)
		return ACCT_OK;
	if (!http_db(rq))
		return ACCT_BUSY;
	t.subject = user_subject(rq->a, t.uid);
	if (!t.subject)
		return ACCT_ERROR;
	login_state_save(rq, &t.before);
	e = outcome(app_tx(rq->db, logout_run, &t), ACCT_OK);
	if (e != ACCT_OK)
		login_state_restore(rq, &t.before);
	return e;
}

/* ---- password reset ---- */

/* Tokens are 32 random bytes in base64url: 43 characters. */
static bool token_shape_ok(const char *t)
{
	size_t n = 0;

	if (!t)
		return false;
	for (; t[n]; n++)
		if (!((t[n] >= 'A' && t[n] <= 'Z') || (t[n] >= 'a' && t[n] <= 'z') ||
		      (t[n] >= '0' && t[n] <= '9') || t[n] == '-' || t[n] == '_'))
			return false;
	return n == 43;
}

/* word: a message of the mail in lang, with an English fallback when the
 * site has no translations loaded (tools, tests). */
static const char *word(const struct request *rq, const char *lang, const char *key,
		const char *fallback)
{
	const char *s = rq->site->i18n ? i18n_get(rq->site->i18n, lang, key) : NULL;
	return s && strcmp(s, key) != 0 ? s : fallback;
}

/* replace: text with every "{name}" replaced by value (no format strings
 * from translations). */
static const char *replace(struct arena *a, const char *text, const char *name,
		const char *value)
{
	struct strbuf sb = STRBUF_INIT(16384);
	size_t nl = strlen(name);
	const char *p = text, *hit;
	char *out;

	while ((hit = strstr(p, name))) {
		strbuf_add(&sb, p, (size_t)(hit - p));
		strbuf_addstr(&sb, value);
		p = hit + nl;
	}
	strbuf_addstr(&sb, p);
	out = sb.failed ? NULL : arena_strdup(a, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* A reset link, as app_tx runs it: the token (hashed), the mail in the
 * outbox (a table: a rollback takes it back; nothing is sent from here)
 * and the audit entry.  Token and mail are made before.
 *
 * An address without an account goes through the same steps, so that
 * neither the answer nor its time tells whether the account exists: a
 * token is drawn and hashed, the mail is composed and written to the
 * outbox, and the same transaction withdraws it again (in place of the
 * token's row, which needs an account) before the audit entry (subject
 * "user:unknown", the address asked for) and the commit.  Nothing is
 * ever mailed to such an address. */
struct reset_request_tx {
	const unsigned char *h;
	int64_t user_id, actor, now; /* user_id 0: no such account */
	const char *subject, *after;
	const struct mail *mail;
};

static enum store_rc reset_request_run(struct store_conn *c, void *arg)
{
	struct reset_request_tx *t = arg;
	int64_t mail_id = 0;
	enum store_rc rc = STORE_OK;

	if (t->user_id)
		rc = store_reset_create(c, t->h, t->user_id, t->now + ACCT_RESET_TTL);
	if (rc == STORE_OK)
		rc = store_outbox_add(c, t->mail, &mail_id);
	if (rc == STORE_OK && !t->user_id)
		rc = store_outbox_withdraw(c, mail_id);
	if (rc == STORE_OK)
		rc = audit(c, t->now, t->actor, "user.reset_requested", t->subject, t->after);
	return rc;
}

enum acct_err accounts_request_reset(struct request *rq, const char *email,
		struct acct_result *r)
{
	struct reset_request_tx t;
	const char *e = NULL, *tok, *lang, *body;
	unsigned char h[32];
	struct user u;
	struct mail m;
	enum store_rc rc;
	enum acct_err ae;
	bool known;

	result_init(r);
	e = check_email(rq->a, email, r);
	if (!e)
		return finish(r, rq->a->failed ? ACCT_ERROR : ACCT_INVALID);
	if (!http_db(rq))
		return finish(r, ACCT_BUSY);
	/* Before the lookup: the limit never depends on whether the account exists. */
	if ((ae = form_limit(rq, FORM_FORGOT, e, r)) != ACCT_OK)
		return finish(r, ae);
	rc = store_user_by_email(rq->db, e, rq->a, &u);
	if (rc != STORE_OK && rc != STORE_NOTFOUND)
		return finish(r, from_store(rc));
	known = rc == STORE_OK;
	if (!known)                     /* the same work from here on */
		u = (struct user){ .id = 0, .email = e, .name = "", .lang = NULL };

	tok = token_new(rq->a, 32);
	if (!tok)
		return finish(r, ACCT_ERROR);
	token_hash(tok, h);
	lang = u.lang && i18n_lang_valid(u.lang) ? u.lang : rq->lang ? rq->lang : "zh";
	body = replace(rq->a, word(rq, lang, "mail_reset_body",
				   "Hello {name},\n\nsomeone (we hope you) asked to reset the "
				   "password of your yingcai account. Open this link within one "
				   "hour to choose a new password:\n\n{link}\n\nIf it was not you, "
				   "ignore this mail: your password stays as it is.\n"),
		       "{name}", u.name);
	body = body ? replace(rq->a, body, "{link}",
			      arena_printf(rq->a, "%s/password/reset/%s", rq->site->cfg.public_url ?
					   rq->site->cfg.public_url : "", tok)) : NULL;
	if (!body)
		return finish(r, ACCT_ERROR);
	m = (struct mail){
		.to = u.email,
		.subject = word(rq, lang, "mail_reset_subject", "Reset your yingcai password"),
		.body = body, .created_at = rq->now,
	};

	t.h = h;
	t.user_id = u.id;
	t.actor = session_user_id(rq);
	t.subject = user_subject(rq->a, u.id);
	t.after = known ? NULL : user_json(rq->a, e, 0);
	t.mail = &m;
	t.now = rq->now;
	ae = t.subject && (known || t.after)
		? outcome(app_tx(rq->db, reset_request_run, &t), ACCT_OK) : ACCT_ERROR;
	sodium_memzero(h, sizeof h);
	return finish(r, ae);
}

/* Whether a reset token is live: taken in a transaction that
 * app_tx_probe always rolls back. */
struct reset_check_tx {
	const unsigned char *h;
	int64_t now;
};

static enum store_rc reset_check_run(struct store_conn *c, void *arg)
{
	struct reset_check_tx *t = arg;
	int64_t uid;

	return store_reset_take(c, t->h, t->now, &uid);
}

enum acct_err accounts_reset_check(struct request *rq, const char *token)
{
	unsigned char h[32];
	struct reset_check_tx t = { .h = h, .now = rq->now };
	enum store_rc rc;

	if (!token_shape_ok(token))
		return ACCT_BAD_TOKEN;
	if (!http_db(rq))
		return ACCT_BUSY;
	token_hash(token, h);
	/* Take the token and undo: whether it is live, nothing used up. */
	rc = app_tx_probe(rq->db, reset_check_run, &t);
	sodium_memzero(h, sizeof h);
	if (rc == STORE_NOTFOUND)
		return ACCT_BAD_TOKEN;
	return from_store(rc);
}

/* A new password from a reset link, as app_tx runs it: the token used up,
 * the password stored, the session logged in, every other session and
 * reset link of the user ended, the audit entry.  The hash is made before. */
struct reset_tx {
	struct request *rq;
	struct login_state before;
	const unsigned char *h;
	const char *password, *hash;
	struct user *u;
	int64_t uid;
	enum acct_err decided;
};

static enum store_rc reset_run(struct store_conn *c, void *arg)
{
	struct reset_tx *t = arg;
	struct request *rq = t->rq;
	struct acct_result scratch;
	int64_t ended = 0, links = 0;
	enum store_rc rc;

	login_state_restore(rq, &t->before);
	t->decided = ACCT_OK;
	t->uid = 0;
	rc = store_reset_take(c, t->h, rq->now, &t->uid);
	if (rc == STORE_OK)
		rc = store_user_by_id(c, t->uid, rq->a, t->u);
	if (rc == STORE_NOTFOUND)
		t->decided = ACCT_BAD_TOKEN;
	if (rc != STORE_OK)
		return rc;
	/* The one rule that needs the account: rolled back, the token stays
	 * live (the caller names the field). */
	result_init(&scratch);
	if (!check_password(rq->a, t->password, t->u->email, &scratch)) {
		t->decided = ACCT_INVALID;
		return STORE_CONFLICT;
	}
	rc = store_user_set_password(c, t->uid, t->hash);
	if (rc == STORE_OK) {
		t->u->password_hash = NULL;
		if (!session_login(rq, t->u))
			rc = STORE_ERROR;
	}
	/* Whoever else is logged in to the account (a thief, if that is why
	 * the password changes) is logged out: every other session ends, and
	 * every other reset link sent for it (one in a mailbox someone else
	 * reads) stops working. */
	if (rc == STORE_OK)
		rc = store_sessions_end_user(c, t->uid, rq->session->id, &ended);
	if (rc == STORE_OK)
		rc = store_resets_end_user(c, t->uid, rq->now, &links);
	if (rc == STORE_OK)
		rc = audit(c, rq->now, t->uid, "user.password_reset", user_subject(rq->a, t->uid),
			   arena_printf(rq->a, "{\"sessions_ended\":%lld,\"links_ended\":%lld}",
					(long long)ended, (long long)links));
	return rc;
}

enum acct_err accounts_reset(struct request *rq, const char *token, const char *password,
		struct acct_result *r)
{
	unsigned char h[32];
	char hash[128];
	struct reset_tx t = { .rq = rq, .h = h, .password = password, .hash = hash };
	enum store_rc rc;
	enum acct_err e;

	result_init(r);
	if (!token_shape_ok(token)) {
		field_error(r, ACCT_F_TOKEN, "acct_err_token");
		return finish(r, ACCT_BAD_TOKEN);
	}
	if (!check_password(rq->a, password, NULL, r))
		return finish(r, ACCT_INVALID);
	t.u = arena_alloc(rq->a, sizeof *t.u);
	if (!t.u || !http_db(rq) || !session_ensure(rq))
		return finish(r, ACCT_BUSY);
	/* A dead or made-up token is refused before the Argon2id hash (64 MiB,
	 * tens of milliseconds): this form has no throttle, so a hash per
	 * guessed link would let anyone keep the server's CPU and memory busy.
	 * The transaction checks the token again (it may be used meanwhile). */
	e = accounts_reset_check(rq, token);
	if (e == ACCT_BAD_TOKEN)
		field_error(r, ACCT_F_TOKEN, "acct_err_token");
	if (e != ACCT_OK)
		return finish(r, e);
	if (!password_hash(password, hash))
		return finish(r, ACCT_ERROR);
	token_hash(token, h);

	login_state_save(rq, &t.before);
	rc = app_tx(rq->db, reset_run, &t);
	e = outcome(rc, t.decided);
	if (e == ACCT_OK) {
		r->user_id = t.uid;
	} else {
		login_state_restore(rq, &t.before);
		if (e == ACCT_BAD_TOKEN)
			field_error(r, ACCT_F_TOKEN, "acct_err_token");
		else if (e == ACCT_INVALID)
			check_password(rq->a, password, t.u->email, r);
	}
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(h, sizeof h);
	return finish(r, e);
}
