/* accounts.c - see accounts.h. */
#include "accounts.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

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

/* commit_or_rollback: end the transaction begun by a use case. */
static enum acct_err commit_or_rollback(struct store_conn *c, enum store_rc rc)
{
	if (rc != STORE_OK) {
		store_rollback(c);
		return from_store(rc);
	}
	return from_store(store_commit(c));
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

/* create_user: insert the user (inside the caller's transaction). */
static enum acct_err create_user(struct store_conn *c, int64_t now, const char *email,
		const char *name, unsigned role, const char *lang, const char *hash,
		struct acct_result *r)
{
	struct user u = {
		.email = email, .name = name, .role = role, .password_hash = hash,
		.lang = lang && i18n_lang_valid(lang) ? lang : "zh", .created_at = now,
	};
	enum store_rc rc = store_user_create(c, &u, &r->user_id);

	if (rc == STORE_CONFLICT) {
		field_error(r, ACCT_F_EMAIL, "acct_err_email_taken");
		return ACCT_CONFLICT;
	}
	return from_store(rc);
}

enum acct_err accounts_user_add(struct store_conn *c, int64_t now, int64_t actor,
		const struct acct_new_user *in, struct acct_result *r)
{
	struct arena a;
	const char *email, *name;
	char hash[128];
	enum acct_err e;
	enum store_rc rc;

	result_init(r);
	arena_init(&a, 0);
	if (!validate_new(&a, in, true, &email, &name, r)) {
		e = a.failed ? ACCT_ERROR : ACCT_INVALID;
		goto out;
	}
	if (!password_hash(in->password, hash)) {
		e = ACCT_ERROR;
		goto out;
	}
	rc = store_begin_write(c);
	if (rc != STORE_OK) {
		e = from_store(rc);
		goto out;
	}
	e = create_user(c, now, email, name, in->role, in->lang, hash, r);
	if (e != ACCT_OK) {
		store_rollback(c);
		goto out;
	}
	rc = audit(c, now, actor, "user.add", user_subject(&a, r->user_id),
		   user_json(&a, email, in->role));
	e = commit_or_rollback(c, rc);
out:
	if (e != ACCT_OK)
		r->user_id = 0;
	sodium_memzero(hash, sizeof hash);
	arena_release(&a);
	return finish(r, e);
}

/* abandon_login: the session change did not commit: forget it in memory
 * too, so the request is answered as a visitor and no cookie is set for a
 * token the database does not hold. */
static void abandon_login(struct request *rq)
{
	rq->user = NULL;
	rq->session = NULL;
	rq->new_session_cookie = false;
	rq->session_token = NULL;
}

enum acct_err accounts_register(struct request *rq, const struct acct_new_user *in,
		struct acct_result *r)
{
	const char *email, *name;
	char hash[128];
	struct user *u;
	enum acct_err e;
	enum store_rc rc;

	result_init(r);
	if (!validate_new(rq->a, in, false, &email, &name, r))
		return finish(r, rq->a->failed ? ACCT_ERROR : ACCT_INVALID);
	if (!http_db(rq) || !session_ensure(rq))
		return finish(r, ACCT_BUSY);
	if ((e = form_limit(rq, FORM_REGISTER, NULL, r)) != ACCT_OK)
		return finish(r, e);
	if (!password_hash(in->password, hash))
		return finish(r, ACCT_ERROR);
	u = arena_alloc(rq->a, sizeof *u);
	rc = u ? store_begin_write(rq->db) : STORE_ERROR;
	if (rc != STORE_OK) {
		e = from_store(rc);
		goto out;
	}
	e = create_user(rq->db, rq->now, email, name, in->role, in->lang, hash, r);
	if (e != ACCT_OK) {
		store_rollback(rq->db);
		goto out;
	}
	rc = store_user_by_id(rq->db, r->user_id, rq->a, u);
	if (rc == STORE_OK && !session_login(rq, u))
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = audit(rq->db, rq->now, r->user_id, "user.register",
			   user_subject(rq->a, r->user_id), user_json(rq->a, email, in->role));
	e = commit_or_rollback(rq->db, rc);
	if (e != ACCT_OK)
		abandon_login(rq);
out:
	if (e != ACCT_OK)
		r->user_id = 0;
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

enum acct_err accounts_login(struct request *rq, const char *email, const char *password,
		struct acct_result *r)
{
	const char *key;
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
	if (login_throttled(rq, key)) {
		r->retry_minutes = retry_minutes(rq);
		return finish(r, ACCT_THROTTLED);
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

	rc = store_begin_write(rq->db);
	if (rc != STORE_OK)
		return finish(r, from_store(rc));
	if (!ok) {
		login_failed(rq, key);
		rc = audit(rq->db, rq->now, found ? u->id : 0, "session.login_failed",
			   user_subject(rq->a, found ? u->id : 0), user_json(rq->a, key, 0));
		e = commit_or_rollback(rq->db, rc);
		return finish(r, e == ACCT_OK ? ACCT_BAD_LOGIN : e);
	}
	/* Parameters raised since this hash was made: re-hash now. */
	if (crypto_pwhash_str_needs_rehash(u->password_hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		char h[128];
		if (password_hash(password, h))
			rc = store_user_set_password(rq->db, u->id, h);
		sodium_memzero(h, sizeof h);
	}
	login_succeeded(rq, key);
	if (rc == STORE_OK && !session_login(rq, u))
		rc = STORE_ERROR;
	if (rc == STORE_OK)
		rc = audit(rq->db, rq->now, u->id, "session.login", user_subject(rq->a, u->id), NULL);
	e = commit_or_rollback(rq->db, rc);
	if (e != ACCT_OK) {
		abandon_login(rq);
		return finish(r, e);
	}
	r->user_id = u->id;
	return finish(r, ACCT_OK);
}

enum acct_err accounts_logout(struct request *rq)
{
	int64_t uid = session_user_id(rq);
	enum store_rc rc;

	if (!rq->session)
		return ACCT_OK;
	if (!http_db(rq))
		return ACCT_BUSY;
	rc = store_begin_write(rq->db);
	if (rc != STORE_OK)
		return from_store(rc);
	if (!session_logout(rq))
		rc = STORE_ERROR;
	if (rc == STORE_OK && uid)
		rc = audit(rq->db, rq->now, uid, "session.logout", user_subject(rq->a, uid), NULL);
	return commit_or_rollback(rq->db, rc);
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

enum acct_err accounts_request_reset(struct request *rq, const char *email,
		struct acct_result *r)
{
	const char *e = NULL, *tok, *lang, *body;
	unsigned char h[32];
	struct user u;
	struct mail m;
	enum store_rc rc;
	enum acct_err ae;
	int64_t mail_id;

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
	if (rc == STORE_NOTFOUND)
		return finish(r, ACCT_OK);     /* the same answer: nothing to send */
	if (rc != STORE_OK)
		return finish(r, from_store(rc));

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
			      arena_printf(rq->a, "/password/reset/%s", tok)) : NULL;
	if (!body)
		return finish(r, ACCT_ERROR);
	m = (struct mail){
		.to = u.email,
		.subject = word(rq, lang, "mail_reset_subject", "Reset your yingcai password"),
		.body = body, .created_at = rq->now,
	};

	rc = store_begin_write(rq->db);
	if (rc != STORE_OK)
		return finish(r, from_store(rc));
	rc = store_reset_create(rq->db, h, u.id, rq->now + ACCT_RESET_TTL);
	if (rc == STORE_OK)
		rc = store_outbox_add(rq->db, &m, &mail_id);
	if (rc == STORE_OK)
		rc = audit(rq->db, rq->now, session_user_id(rq), "user.reset_requested",
			   user_subject(rq->a, u.id), NULL);
	sodium_memzero(h, sizeof h);
	return finish(r, commit_or_rollback(rq->db, rc));
}

enum acct_err accounts_reset_check(struct request *rq, const char *token)
{
	unsigned char h[32];
	int64_t uid;
	enum store_rc rc;

	if (!token_shape_ok(token))
		return ACCT_BAD_TOKEN;
	if (!http_db(rq))
		return ACCT_BUSY;
	token_hash(token, h);
	/* Take the token and undo: whether it is live, nothing used up. */
	rc = store_begin_write(rq->db);
	if (rc != STORE_OK)
		return from_store(rc);
	rc = store_reset_take(rq->db, h, rq->now, &uid);
	store_rollback(rq->db);
	if (rc == STORE_NOTFOUND)
		return ACCT_BAD_TOKEN;
	return from_store(rc);
}

enum acct_err accounts_reset(struct request *rq, const char *token, const char *password,
		struct acct_result *r)
{
	unsigned char h[32];
	char hash[128];
	int64_t uid = 0, ended = 0;
	struct user *u;
	enum store_rc rc;
	enum acct_err e;

	result_init(r);
	if (!token_shape_ok(token)) {
		field_error(r, ACCT_F_TOKEN, "acct_err_token");
		return finish(r, ACCT_BAD_TOKEN);
	}
	if (!check_password(rq->a, password, NULL, r))
		return finish(r, ACCT_INVALID);
	u = arena_alloc(rq->a, sizeof *u);
	if (!u || !http_db(rq) || !session_ensure(rq))
		return finish(r, ACCT_BUSY);
	if (!password_hash(password, hash))
		return finish(r, ACCT_ERROR);
	token_hash(token, h);

	rc = store_begin_write(rq->db);
	if (rc != STORE_OK) {
		e = from_store(rc);
		goto out;
	}
	rc = store_reset_take(rq->db, h, rq->now, &uid);
	if (rc == STORE_OK)
		rc = store_user_by_id(rq->db, uid, rq->a, u);
	if (rc == STORE_NOTFOUND) {
		store_rollback(rq->db);
		field_error(r, ACCT_F_TOKEN, "acct_err_token");
		e = ACCT_BAD_TOKEN;
		goto out;
	}
	/* The one rule that needs the account: rolled back, the token stays live. */
	if (rc == STORE_OK && !check_password(rq->a, password, u->email, r)) {
		store_rollback(rq->db);
		e = ACCT_INVALID;
		goto out;
	}
	if (rc == STORE_OK)
		rc = store_user_set_password(rq->db, uid, hash);
	if (rc == STORE_OK) {
		u->password_hash = NULL;
		if (!session_login(rq, u))
			rc = STORE_ERROR;
	}
	/* Whoever else is logged in to the account (a thief, if that is why
	 * the password changes) is logged out: every other session ends. */
	if (rc == STORE_OK)
		rc = store_sessions_end_user(rq->db, uid, rq->session->id, &ended);
	if (rc == STORE_OK)
		rc = audit(rq->db, rq->now, uid, "user.password_reset", user_subject(rq->a, uid),
			   arena_printf(rq->a, "{\"sessions_ended\":%lld}", (long long)ended));
	e = commit_or_rollback(rq->db, rc);
	if (e != ACCT_OK)
		abandon_login(rq);
	else
		r->user_id = uid;
out:
	sodium_memzero(hash, sizeof hash);
	sodium_memzero(h, sizeof h);
	return finish(r, e);
}
