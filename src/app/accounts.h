/* accounts.h - the account use cases: register, log in, log out, reset a
 * forgotten password, add a staff account.
 *
 * One function per thing a user does; each that changes state runs in one
 * write transaction and writes one audit entry ("user.register",
 * "session.login", "session.login_failed", "session.logout",
 * "user.reset_requested", "user.password_reset", "user.add").  Passwords
 * are hashed with Argon2id (password_hash() in web/session.h) before the
 * transaction starts, so the write lock is never held while hashing.
 *
 * The functions that bind a browser session (register, login, logout,
 * reset) take the request: the session and the login throttle live in
 * web/session.c and work on it.  accounts_user_add (the CLI) needs only a
 * connection.
 *
 * Rules:
 *   e-mail    trimmed, lower-cased (ASCII), at most 254 bytes, one '@', a
 *             local part and a domain with a dot; unique.
 *   name      trimmed, 1..100 characters of valid UTF-8, no control characters.
 *   password  at least 12 characters, at most 128 bytes, valid UTF-8, not
 *             the e-mail address.
 *   role      applicant or employer when registering; any role for staff.
 *
 * Errors: enum acct_err; for ACCT_INVALID (and ACCT_CONFLICT) the result
 * lists the fields concerned with a message key each ("acct_err_..."), so
 * a page can show them next to the fields in the user's language.
 */
#ifndef YC_APP_ACCOUNTS_H
#define YC_APP_ACCOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct request;

#define ACCT_PASSWORD_MIN 12  /* characters */
#define ACCT_PASSWORD_MAX 128 /* bytes */
#define ACCT_EMAIL_MAX 254    /* bytes */
#define ACCT_NAME_MAX 100     /* characters */
#define ACCT_RESET_TTL 3600   /* seconds a reset link works */

enum acct_err {
	ACCT_OK = 0,
	ACCT_INVALID,   /* a user's mistake: see result.errors */
	ACCT_CONFLICT,  /* the e-mail address has an account already */
	ACCT_BAD_LOGIN, /* no such account or a wrong password (never says which) */
	ACCT_THROTTLED, /* too many failed logins, or too many registrations or
			 * reset requests (site config account_forms_*):
			 * result.retry_minutes; nothing was done */
	ACCT_BAD_TOKEN, /* reset link unknown, used or expired */
	ACCT_BUSY,      /* database busy or full: answer 503, nothing changed */
	ACCT_ERROR,     /* anything else (logged): answer 500, nothing changed */
};

enum acct_field {
	ACCT_F_NONE = 0,
	ACCT_F_EMAIL,
	ACCT_F_NAME,
	ACCT_F_PASSWORD,
	ACCT_F_ROLE,
	ACCT_F_TOKEN,
};

#define ACCT_ERRORS_MAX 5

struct acct_result {
	enum acct_err err;
	struct {
		enum acct_field field;
		const char *key; /* message key, e.g. "acct_err_password_short" */
	} errors[ACCT_ERRORS_MAX];
	size_t nerrors;
	int retry_minutes;   /* ACCT_THROTTLED: when to try again */
	int64_t user_id;     /* the account concerned, when known and OK */
};

/* acct_field_name: "email", "name", "password", "role", "token" (form
 * field names and HTML ids use these). */
const char *acct_field_name(enum acct_field f);
/* acct_result_key: the message key of field f's first error, or NULL. */
const char *acct_result_key(const struct acct_result *r, enum acct_field f);

/* accounts_email_normalise: the trimmed, lower-cased address in a, or
 * NULL when it is not a valid address (or memory ran out). */
const char *accounts_email_normalise(struct arena *a, const char *email);

struct acct_new_user {
	const char *email, *name, *password;
	unsigned role;     /* one ROLE_* bit */
	const char *lang;  /* "zh", "en", "de"; NULL: "zh" */
};

/* accounts_register: a new applicant or employer account, logged in on the
 * request's session.  ACCT_INVALID with field errors, ACCT_CONFLICT
 * (field email) when the address is taken.  A form without mistakes counts
 * as an attempt of the client address (rq->remote), whatever its outcome;
 * at account_forms_max_attempts within account_forms_window_seconds the
 * next is ACCT_THROTTLED before anything is hashed or written. */
enum acct_err accounts_register(struct request *rq, const struct acct_new_user *in,
		struct acct_result *r);

/* accounts_login: check the password (a dummy hash is verified when the
 * account does not exist, so both take as long); counts a failure in the
 * throttle; on success binds the session to the user (new token and CSRF
 * token).  ACCT_THROTTLED is answered before the password is looked at. */
enum acct_err accounts_login(struct request *rq, const char *email, const char *password,
		struct acct_result *r);

/* accounts_logout: end the request's session (a visitor: nothing to do). */
enum acct_err accounts_logout(struct request *rq);

/* accounts_request_reset: when the address has an account, a reset token
 * (valid ACCT_RESET_TTL seconds, stored hashed) and a mail with the link
 * /password/reset/<token> in the outbox.  Answers ACCT_OK whether or not
 * the account exists; ACCT_INVALID only for a malformed address.  A
 * well-formed address counts as an attempt of the client address and of
 * that e-mail address (existing or not); at the limit (as for register)
 * ACCT_THROTTLED, whether or not the account exists, and no mail. */
enum acct_err accounts_request_reset(struct request *rq, const char *email,
		struct acct_result *r);

/* accounts_reset_check: whether token is a live reset token (nothing is
 * used up): ACCT_OK or ACCT_BAD_TOKEN. */
enum acct_err accounts_reset_check(struct request *rq, const char *token);

/* accounts_reset: set a new password with a reset token (the token is used
 * up only if the password is accepted) and log the user in on the
 * request's session (replacing its token); every other session of the
 * user ends in the same transaction (the audit entry's "after" says how
 * many: {"sessions_ended":N}).  ACCT_BAD_TOKEN, ACCT_INVALID. */
enum acct_err accounts_reset(struct request *rq, const char *token, const char *password,
		struct acct_result *r);

/* accounts_user_add: an account of any role (staff accounts come from the
 * CLI).  actor is the user id doing it (0: the system).  On ACCT_OK
 * r->user_id is the new account. */
enum acct_err accounts_user_add(struct store_conn *c, int64_t now, int64_t actor,
		const struct acct_new_user *in, struct acct_result *r);
/* accounts_user_check: the field errors accounts_user_add would find in
 * in (into *r), without a database: the CLI checks before it opens or
 * creates one, so that a refused account leaves nothing behind.  True when
 * there are none (an address already taken is found only by adding). */
bool accounts_user_check(struct arena *a, const struct acct_new_user *in,
		struct acct_result *r);

#endif
