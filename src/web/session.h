/* session.h - sessions, CSRF tokens, login and the login throttle.
 *
 * A session is a random 32-byte token in an HttpOnly, SameSite=Lax cookie
 * (`yc_session`, Secure behind TLS); the database keeps only its SHA-256,
 * so a stolen database does not yield live sessions.  Visitors get an
 * anonymous session the first time a page shows them a form, because every
 * state-changing form carries the session's CSRF token.  A session ends
 * session_idle_s after its last request, and session_ttl_s after login
 * however much it is used (site.h).  Logging in
 * replaces the token and the CSRF token (no session fixation).  Everything
 * lives in the store, so any server behind the proxy can answer.
 */
#ifndef YC_SESSION_H
#define YC_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "store/store.h"

#define SESSION_COOKIE "yc_session"

struct MHD_Response;
struct site_config;

/* session_end: when a session that began at created_at ends if its last
 * request comes at now: session_idle_s after now, but never later than
 * session_ttl_s after created_at (login, or the first form for a visitor). */
int64_t session_end(const struct site_config *cfg, int64_t created_at, int64_t now);
/* session_load: the session and user of the request's cookie, if any and
 * unexpired (neither idle for session_idle_s nor older than session_ttl_s);
 * its end is moved on by this request.  Returns false only when the
 * database failed. */
bool session_load(struct request *rq);
/* session_ensure: a session for this request, creating an anonymous one
 * (and its cookie) when there is none.  False when the database failed. */
bool session_ensure(struct request *rq);
/* session_csrf: the CSRF token of the request's session ("" if none). */
const char *session_csrf(const struct request *rq);
/* session_csrf_ok: the form's `csrf` field matches (constant time). */
bool session_csrf_ok(const struct request *rq);
/* session_login: bind the session to user (new token, new CSRF). */
bool session_login(struct request *rq, const struct user *u);
/* session_logout: delete the session and clear the cookie. */
bool session_logout(struct request *rq);
int64_t session_user_id(const struct request *rq);
/* session_set_cookies: Set-Cookie headers due for this request. */
void session_set_cookies(struct request *rq, struct MHD_Response *r);

/* Passwords: Argon2id via libsodium crypto_pwhash_str (parameters stored
 * in the hash string). */
bool password_hash(const char *password, char out[128]);
bool password_verify(const char *hash, const char *password);

/* The login throttle, keyed by e-mail and by client address.
 * login_throttled: whether the failures counted for email, or for the
 * client's address, have reached their limit; LOGIN_UNREADABLE when the
 * counts cannot be read, which the caller refuses like a busy database
 * (fails closed: an error must not let guesses through). */
enum login_throttle { LOGIN_ALLOWED, LOGIN_THROTTLED, LOGIN_UNREADABLE };
enum login_throttle login_throttled(struct request *rq, const char *email);
void login_failed(struct request *rq, const char *email);
void login_succeeded(struct request *rq, const char *email);

/* token_new: n random bytes as base64url (for cookies, CSRF, reset links). */
const char *token_new(struct arena *a, size_t n);
/* token_hash: SHA-256 of a token string. */
void token_hash(const char *token, unsigned char out[32]);

#endif
