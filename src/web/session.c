/* session.c - see session.h. */
#include "session.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "site.h"

const char *token_new(struct arena *a, size_t n)
{
	unsigned char raw[64];
	size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(a, len);

	if (!out || n > sizeof raw)
		return NULL;
	randombytes_buf(raw, n);
	sodium_bin2base64(out, len, raw, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	return out;
}

void token_hash(const char *token, unsigned char out[32])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

bool password_hash(const char *password, char out[128])
{
	/* INTERACTIVE limits: ~64 MiB, 2 passes; the parameters are stored in
	 * the string, so raising them later re-hashes on next login. */
	return crypto_pwhash_str(out, password, strlen(password),
				 crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

bool password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int64_t session_end(const struct site_config *cfg, int64_t created_at, int64_t now)
{
	int64_t by_age = created_at + (int64_t)cfg->session_ttl_s;
	int64_t by_idle = now + (int64_t)cfg->session_idle_s;

	return by_idle < by_age ? by_idle : by_age;
}

/* extend: a session in use ends session_idle_s after this request (never
 * past session_ttl_s after it began).  Written at most once a minute (or
 * half the idle time, when shorter), so a page's burst of requests costs
 * one write; a write that fails only leaves the end where it was. */
static void extend(struct request *rq, struct session *s)
{
	const struct site_config *cfg = &rq->site->cfg;
	int64_t end = session_end(cfg, s->created_at, rq->now);
	int64_t step = cfg->session_idle_s / 2 < 60 ? cfg->session_idle_s / 2 : 60;

	if (end - s->expires_at >= step && end > s->expires_at &&
	    store_session_extend(rq->db, s->id, end) == STORE_OK)
		s->expires_at = end;
}

bool session_load(struct request *rq)
{
	const char *tok = http_cookie(rq, SESSION_COOKIE);
	unsigned char h[32];
	struct session *s;
	enum store_rc rc;

	if (!tok || strlen(tok) < 20 || strlen(tok) > 100)
		return true;
	token_hash(tok, h);
	s = arena_alloc(rq->a, sizeof *s);
	if (!s || !http_db(rq))
		return false;
	rc = store_session_by_hash(rq->db, h, rq->now, rq->a, s);
	if (rc == STORE_NOTFOUND)
		return true;
	if (rc != STORE_OK)
		return false;
	rq->session = s;
	extend(rq, s);
	if (s->user_id) {
		struct user *u = arena_alloc(rq->a, sizeof *u);
		if (!u)
			return false;
		rc = store_user_by_id(rq->db, s->user_id, rq->a, u);
		if (rc == STORE_OK)
			rq->user = u;
		else if (rc != STORE_NOTFOUND)
			return false;
	}
	return true;
}

bool session_ensure(struct request *rq)
{
	struct session *s;
	const char *tok;

	if (rq->session)
		return true;
	s = arena_alloc(rq->a, sizeof *s);
	tok = token_new(rq->a, 32);
	if (!s || !tok || !http_db(rq))
		return false;
	token_hash(tok, s->token_hash);
	s->csrf = token_new(rq->a, 24);
	s->lang = rq->lang;
	s->created_at = rq->now;
	s->expires_at = session_end(&rq->site->cfg, rq->now, rq->now);
	if (!s->csrf || store_session_create(rq->db, s, &s->id) != STORE_OK)
		return false;
	rq->session = s;
	rq->session_token = tok;
	rq->new_session_cookie = true;
	return true;
}

const char *session_csrf(const struct request *rq)
{
	return rq->session && rq->session->csrf ? rq->session->csrf : "";
}

bool session_csrf_ok(const struct request *rq)
{
	const char *want = session_csrf(rq);
	const char *got = http_form(rq, "csrf");
	size_t n = strlen(want);

	if (!*want || !got || strlen(got) != n)
		return false;
	return sodium_memcmp(want, got, n) == 0;
}

bool session_login(struct request *rq, const struct user *u)
{
	const char *tok, *csrf;
	unsigned char h[32];

	if (!session_ensure(rq))
		return false;
	tok = token_new(rq->a, 32);
	csrf = token_new(rq->a, 24);
	if (!tok || !csrf)
		return false;
	token_hash(tok, h);
	if (store_session_login(rq->db, rq->session->id, u->id, h, csrf, rq->now,
				session_end(&rq->site->cfg, rq->now, rq->now)) != STORE_OK)
		return false;
	rq->session->created_at = rq->now;
	memcpy(rq->session->token_hash, h, sizeof h);
	rq->session->csrf = csrf;
	rq->session->user_id = u->id;
	rq->user = (struct user *)u;
	rq->session_token = tok;
	rq->new_session_cookie = true;
	return true;
}

bool session_logout(struct request *rq)
{
	if (rq->session && http_db(rq) &&
	    store_session_delete(rq->db, rq->session->id) != STORE_OK)
		return false;
	rq->session = NULL;
	rq->user = NULL;
	rq->session_token = "";
	rq->new_session_cookie = true;
	return true;
}

int64_t session_user_id(const struct request *rq)
{
	return rq->user ? rq->user->id : 0;
}

void session_set_cookies(struct request *rq, struct MHD_Response *r)
{
	char cookie[256];
	bool clear = rq->session_token && !*rq->session_token;

	if (!rq->new_session_cookie || !rq->session_token)
		return;
	snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
		 SESSION_COOKIE, rq->session_token,
		 rq->site->cfg.secure_cookies ? "; Secure" : "",
		 clear ? "; Max-Age=0" : "");
	MHD_add_response_header(r, "Set-Cookie", cookie);
}

/* Throttle keys: one per e-mail (guessing one account) and one per client
 * address (trying many accounts). */
static const char *key_email(struct request *rq, const char *email)
{
	return arena_printf(rq->a, "email:%s", email ? email : "");
}

static const char *key_ip(struct request *rq)
{
	return arena_printf(rq->a, "ip:%s", rq->remote);
}

enum login_throttle login_throttled(struct request *rq, const char *email)
{
	int64_t since = rq->now - rq->site->cfg.login_window_s;
	int by_email = 0, by_ip = 0;

	if (!http_db(rq) ||
	    store_login_failures_since(rq->db, key_email(rq, email), since, &by_email) != STORE_OK ||
	    store_login_failures_since(rq->db, key_ip(rq), since, &by_ip) != STORE_OK)
		return LOGIN_UNREADABLE;
	return by_email >= (int)rq->site->cfg.login_max_failures ||
	       by_ip >= 4 * (int)rq->site->cfg.login_max_failures
		? LOGIN_THROTTLED : LOGIN_ALLOWED;
}

void login_failed(struct request *rq, const char *email)
{
	if (!http_db(rq))
		return;
	store_login_failure_add(rq->db, key_email(rq, email), rq->now);
	store_login_failure_add(rq->db, key_ip(rq), rq->now);
}

void login_succeeded(struct request *rq, const char *email)
{
	if (http_db(rq))
		store_login_failures_clear(rq->db, key_email(rq, email));
}
