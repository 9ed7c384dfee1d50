/* store.h - the one storage API of yingcai.
 *
 * Everything the portal keeps goes through these functions: accounts,
 * sessions, the login throttle, password-reset tokens, the mail outbox,
 * the audit log, the key-entity registry, saved applications and document
 * blobs.  Two backends, chosen once by the URL given to store_open:
 *   SQLite (sqlite.c): one file, WAL, foreign keys, STRICT tables; blobs in
 *     a directory.  The embedded default.
 *   PostgreSQL (postgres.c, libpq): for several `yingcai serve` behind a
 *     proxy; blobs in the database.
 * Every query is written once per backend, side by side, in queries.c; the
 * schema is the same numbered migrations (migrations.c), applied at open.
 * The functions below are written once for both (store_impl.h).
 *
 * Concurrency: a `struct store` owns a fixed pool of connections opened at
 * store_open (a server gives one per thread, plus one); each request takes
 * one with store_conn_acquire() and gives it back with
 * store_conn_release().  A connection is used by one thread at a time.
 * Strings returned in out-structs are copied into the arena the caller
 * passes; nothing returned points into the database library's memory.
 * Times are Unix seconds (int64).  Errors: enum store_rc, never a global.
 *
 * Transactions and isolation.  SQLite: store_begin_write is BEGIN IMMEDIATE,
 * one writer at a time; waiting for the lock longer than the busy timeout
 * is STORE_BUSY.  PostgreSQL: store_begin and store_begin_write are both
 * SERIALIZABLE.  The use cases of src/app were written against SQLite,
 * whose writers are serial: they read, decide and write in one transaction
 * (count login failures then add one, look at a row then change it).
 * SERIALIZABLE keeps exactly that guarantee without auditing each use case
 * for the row locks READ COMMITTED would need (and a lock cannot protect a
 * row that does not exist yet).  Use cases are short, so conflicts are
 * rare; when one happens PostgreSQL fails one transaction with SQLSTATE
 * 40001 (at any statement or at commit), and the store returns STORE_BUSY
 * as it does for SQLite's lock: the use case rolls back and the caller may
 * run it again or answer 503.  Deadlocks (40P01) and waiting for a row
 * lock longer than the busy timeout (lock_timeout, 55P03) are STORE_BUSY
 * too.  Unlike BEGIN IMMEDIATE, BEGIN takes no lock: two writers proceed
 * together and the loser learns it later.  Lost updates between users are
 * still STORE_CONFLICT through the version columns.  Writes outside a
 * transaction are single statements in autocommit.
 * A statement that fails inside a transaction (a taken e-mail, busy,
 * full...; not a lookup that finds nothing) fails the whole transaction,
 * on both backends alike because PostgreSQL can do nothing else: later
 * statements return the same store_rc without running, and store_commit
 * rolls back and returns it.  A use case rolls back after a failure.
 *
 * A lost PostgreSQL connection (server restart) makes the statement
 * STORE_BUSY; the next store_conn_acquire of it reconnects once.
 */
#ifndef YC_STORE_H
#define YC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/arena.h"

enum store_rc {
	STORE_OK = 0,
	STORE_NOTFOUND, /* no such row */
	STORE_CONFLICT, /* a unique key is taken, or the version changed */
	STORE_BUSY,     /* the database is locked / busy: retry or answer 503 */
	STORE_FULL,     /* disk full */
	STORE_ERROR,    /* anything else: logged with the database's message */
};

const char *store_rc_name(enum store_rc rc);

struct store;
struct store_conn;

/* store_open: open (creating if needed) the database at `url` with `pool`
 * connections (1..64), apply pending migrations; blob_dir is where
 * document blobs are kept on SQLite (made if missing; NULL: no blobs).
 * url is one of
 *   sqlite:PATH or a bare PATH
 *   postgresql://[user[:password]@]host[:port]/dbname[?param=value&...]
 *     (postgres:// too): libpq's URI; its parameters are libpq's, plus
 *     schema=NAME: the store's tables live in schema NAME, created if
 *     missing ([a-z0-9_], at most 63 bytes, not pg_...), and every
 *     connection's search_path is that schema alone.  A clean database
 *     for a test run is a new schema name; two servers given the same URL
 *     share one.  blob_dir is not used (blobs are in the database).
 * Two servers opening one database at once apply the migrations once.
 * On failure returns NULL and writes a message into err (size n); the
 * message never repeats a password. */
struct store *store_open(const char *url, const char *blob_dir, unsigned pool,
		char *err, size_t n);
/* store_open_current: as store_open, but the schema is never changed: the
 * database must have exactly this program's schema version, else NULL and
 * a message (none, older: run 'yingcai db migrate', newer).  For tools that
 * must not change what they read, such as a backup before an upgrade.  A
 * SQLite file that does not exist is created (empty, so refused): check
 * for it first. */
struct store *store_open_current(const char *url, const char *blob_dir, unsigned pool,
		char *err, size_t n);
/* store_close: wait for connections to come back, checkpoint (SQLite), close. */
void store_close(struct store *s);
/* store_blob_dir: the blob directory given to store_open (NULL if none). */
const char *store_blob_dir(const struct store *s);
/* store_backend_name: "sqlite" or "postgresql". */
const char *store_backend_name(const struct store *s);
/* store_conn_acquire: a connection for this thread (blocks while all are in use). */
struct store_conn *store_conn_acquire(struct store *s);
/* store_conn_release: give c back; an open transaction is rolled back
 * (and logged: a use case must end its own), settings changed with
 * store_set_busy_timeout / store_freeze_size are restored. */
void store_conn_release(struct store_conn *c);
/* store_set_busy_timeout: how long c waits for a lock before STORE_BUSY
 * (default 5000 ms; PostgreSQL: lock_timeout); until c is released. */
enum store_rc store_set_busy_timeout(struct store_conn *c, int ms);
/* store_freeze_size: fault injection for tests: until c is released, a
 * write that needs the database to grow fails with STORE_FULL, as it
 * would on a full disk (SQLite: max_page_count; PostgreSQL, whose disk is
 * the server's: every INSERT and UPDATE on c fails as with SQLSTATE 53100
 * without being sent). */
enum store_rc store_freeze_size(struct store_conn *c);
/* store_schema_version: the highest migration applied. */
int store_schema_version(struct store_conn *c);

/* Transactions: one per use case (src/app/); isolation: see the top of this
 * file.  begin_write takes the write lock at once on SQLite (BEGIN
 * IMMEDIATE) so a use case never fails halfway there; on PostgreSQL a
 * SERIALIZABLE transaction can fail at any statement or at commit with
 * STORE_BUSY. */
enum store_rc store_begin(struct store_conn *c);
enum store_rc store_begin_write(struct store_conn *c);
/* store_commit: on failure the transaction has been rolled back. */
enum store_rc store_commit(struct store_conn *c);
/* store_rollback: end the transaction, if one is open, undoing it. */
void store_rollback(struct store_conn *c);
/* store_tx_failure: the first failure of the open transaction on c
 * (STORE_OK when none, or no transaction is open): what store_commit
 * would return.  For a caller that learnt of a failure only as "false"
 * from a function between it and the store (app/tx.h runs a transaction
 * that failed busy again, whatever its body made of it). */
enum store_rc store_tx_failure(struct store_conn *c);

/* ---- accounts ---- */
enum role {
	ROLE_APPLICANT = 1 << 0,
	ROLE_EMPLOYER = 1 << 1,
	ROLE_REVIEWER = 1 << 2,
	ROLE_EXPERT = 1 << 3,
	ROLE_OFFICER = 1 << 4,   /* diligence officer */
	ROLE_APPROVER = 1 << 5,
	ROLE_REGISTRY = 1 << 6,  /* registry admin */
	ROLE_INSPECTOR = 1 << 7,
	ROLE_SYSADMIN = 1 << 8,
};
#define ROLE_STAFF (ROLE_REVIEWER | ROLE_EXPERT | ROLE_OFFICER | ROLE_APPROVER | \
		    ROLE_REGISTRY | ROLE_INSPECTOR | ROLE_SYSADMIN)

/* role_name / role_parse: "applicant", "employer", "reviewer", "expert",
 * "officer", "approver", "registry", "inspector", "sysadmin". */
const char *role_name(unsigned role);
unsigned role_parse(const char *name); /* 0 when unknown */

struct user {
	int64_t id;
	const char *email; /* lower-case, unique */
	const char *name;
	unsigned role;     /* one ROLE_* bit */
	const char *password_hash; /* libsodium crypto_pwhash_str (Argon2id, parameters inside) */
	const char *lang;  /* "zh", "en", "de" */
	int64_t created_at;
	int64_t version;
};

/* store_user_create: STORE_CONFLICT when the e-mail is taken; u->role must
 * be one ROLE_* bit; u->id and u->version are ignored (a new user is
 * version 1). */
enum store_rc store_user_create(struct store_conn *c, const struct user *u, int64_t *id);
enum store_rc store_user_by_email(struct store_conn *c, const char *email,
		struct arena *a, struct user *out);
enum store_rc store_user_by_id(struct store_conn *c, int64_t id, struct arena *a,
		struct user *out);
/* store_user_list: the users whose id is above after, by id, at most max
 * of them (a page: give the last id read as the next after). */
enum store_rc store_user_list(struct store_conn *c, int64_t after, size_t max,
		struct arena *a, struct user **out, size_t *n);
/* store_user_set_password: STORE_NOTFOUND if no such user; bumps version. */
enum store_rc store_user_set_password(struct store_conn *c, int64_t id, const char *hash);

/* ---- sessions ---- */
struct session {
	int64_t id;
	unsigned char token_hash[32]; /* SHA-256 of the cookie token; the token is never stored */
	int64_t user_id;              /* 0: an anonymous session (forms before login) */
	const char *csrf;             /* per-session CSRF token, base64url */
	const char *lang;
	int64_t created_at, expires_at;
};

/* store_session_create: STORE_NOTFOUND if s->user_id names no user,
 * STORE_CONFLICT if the token hash is taken. */
enum store_rc store_session_create(struct store_conn *c, const struct session *s, int64_t *id);
/* store_session_by_hash: only a session that expires after now. */
enum store_rc store_session_by_hash(struct store_conn *c, const unsigned char hash[32],
		int64_t now, struct arena *a, struct session *out);
/* store_session_login: bind the session to user_id with a fresh token hash
 * and CSRF token (session fixation defence); it counts as created at
 * created_at (the login) and ends at expires_at. */
enum store_rc store_session_login(struct store_conn *c, int64_t id, int64_t user_id,
		const unsigned char new_hash[32], const char *new_csrf, int64_t created_at,
		int64_t expires_at);
/* store_session_extend: move the end of session id to expires_at when that
 * is later than its end now (STORE_NOTFOUND when it is not, or there is no
 * such session). */
enum store_rc store_session_extend(struct store_conn *c, int64_t id, int64_t expires_at);
/* store_session_delete: STORE_OK also if there was no such session (a
 * second logout, or a purge got there first). */
enum store_rc store_session_delete(struct store_conn *c, int64_t id);
/* store_sessions_end_user: delete every session of user_id except the one
 * whose id is keep (0: keep none), so their cookies open nothing any more
 * (a password reset ends the sessions a thief may hold).  *ended (may be
 * NULL) receives how many were deleted; none is STORE_OK too. */
enum store_rc store_sessions_end_user(struct store_conn *c, int64_t user_id, int64_t keep,
		int64_t *ended);
/* store_session_purge: delete the sessions expired at now; *removed (when
 * not NULL) says how many.  The purges are app/housekeeping.c's. */
enum store_rc store_session_purge(struct store_conn *c, int64_t now, int64_t *removed);

/* ---- login throttle ----
 * Keys are indexed: keep them short (the app caps them at 254 bytes); on
 * PostgreSQL an index entry is at most about 2.7 KB and a longer key is
 * STORE_ERROR.  The same rows count the attempts of the register and
 * forgot-password forms (app/accounts.c: keys "register:..." and
 * "forgot:...", beside the login's "email:..." and "ip:..."); a purge must
 * keep the longest of the windows (account_forms_window_seconds, by
 * default an hour, against the login's 15 minutes). */
enum store_rc store_login_failure_add(struct store_conn *c, const char *key, int64_t now);
enum store_rc store_login_failures_since(struct store_conn *c, const char *key,
		int64_t since, int *count);
enum store_rc store_login_failures_clear(struct store_conn *c, const char *key);
/* store_login_failures_purge: forget failures older than `before` (the
 * table would otherwise grow with every key an attacker tries). */
enum store_rc store_login_failures_purge(struct store_conn *c, int64_t before,
		int64_t *removed);

/* ---- password reset ---- */
/* store_reset_create: STORE_NOTFOUND if no such user. */
enum store_rc store_reset_create(struct store_conn *c, const unsigned char hash[32],
		int64_t user_id, int64_t expires_at);
/* store_reset_take: the user of an unexpired, unused token, marking it used
 * (in one statement: of two concurrent takes only one succeeds);
 * STORE_NOTFOUND for an unknown, expired or used token. */
enum store_rc store_reset_take(struct store_conn *c, const unsigned char hash[32],
		int64_t now, int64_t *user_id);
/* store_resets_end_user: every unused link of the user marked used at now
 * (a successful reset leaves no other link live); *ended, when not NULL,
 * says how many. */
enum store_rc store_resets_end_user(struct store_conn *c, int64_t user_id, int64_t now,
		int64_t *ended);
/* store_resets_purge: forget links that expired before `before`. */
enum store_rc store_resets_purge(struct store_conn *c, int64_t before, int64_t *removed);

/* ---- mail outbox ----
 * Mails wait here until a server delivers them (app/delivery.h): each
 * server's delivery thread claims one at a time with a lease, sends it and
 * records the outcome; the purge of housekeeping forgets old ones. */
struct mail {
	int64_t id;
	const char *to, *subject, *body;
	int64_t created_at, sent_at; /* sent_at 0: not yet sent */
	int attempts;                /* delivery attempts so far */
	int64_t attempted_at;        /* the last one (0: none) */
	const char *last_error;      /* of the last failed attempt; NULL after success */
	int64_t failed_at;           /* given up (0: not) */
	int64_t next_at;             /* no attempt before this time */
};
enum store_rc store_outbox_add(struct store_conn *c, const struct mail *m, int64_t *id);
/* store_outbox_withdraw: remove mail id before it is sent; STORE_NOTFOUND
 * when there is no such mail or it has been sent. */
enum store_rc store_outbox_withdraw(struct store_conn *c, int64_t id);
/* store_outbox_latest: the newest mail to `to` (tests and the admin view). */
enum store_rc store_outbox_latest(struct store_conn *c, const char *to, struct arena *a,
		struct mail *out);
/* store_outbox_claim: the oldest mail due at now (unsent, not given up,
 * next_at <= now, no lease or one that ended before now), given to
 * claimer `by` until lease_until, in one statement outside a transaction:
 * of two servers claiming at once each gets another mail or none.
 * STORE_NOTFOUND when no mail is due. */
enum store_rc store_outbox_claim(struct store_conn *c, const char *by, int64_t now,
		int64_t lease_until, struct arena *a, struct mail *out);
/* store_outbox_sent: mail id, claimed by `by`, was sent at now; the lease
 * ends.  STORE_NOTFOUND when the claim is no longer by (the lease ended
 * and another server took it, or it was purged). */
enum store_rc store_outbox_sent(struct store_conn *c, int64_t id, const char *by, int64_t now);
/* store_outbox_attempt_failed: an attempt of mail id (claimed by `by`)
 * failed at now with error (one line, no secret); the next may start at
 * retry_at, or with retry_at 0 delivery is given up (failed_at = now).
 * STORE_NOTFOUND as for store_outbox_sent. */
enum store_rc store_outbox_attempt_failed(struct store_conn *c, int64_t id, const char *by,
		int64_t now, const char *error, int64_t retry_at);
struct outbox_counts {
	int64_t sent, waiting, failed;
};
/* store_outbox_counts: how many mails of the outbox were sent, wait
 * (unsent and not given up) and were given up. */
enum store_rc store_outbox_counts(struct store_conn *c, struct outbox_counts *out);
/* store_outbox_last_error: the mail whose failed attempt is the latest
 * (its last_error, attempted_at, ...); STORE_NOTFOUND when no mail in the
 * outbox has one. */
enum store_rc store_outbox_last_error(struct store_conn *c, struct arena *a, struct mail *out);
/* store_outbox_purge: forget mails created before `before`, sent or not,
 * except one whose lease is still live at now. */
enum store_rc store_outbox_purge(struct store_conn *c, int64_t before, int64_t now,
		int64_t *removed);

/* ---- audit log: one entry per state change ---- */
struct audit_entry {
	int64_t at;
	int64_t actor;      /* user id, 0 for the system */
	const char *action; /* "user.register", "session.login", ... */
	const char *subject;/* "user:42" */
	const char *before, *after; /* JSON, may be NULL */
};
enum store_rc store_audit_add(struct store_conn *c, const struct audit_entry *e);
/* store_audit_list: the entries about `subject`, newest first, at most max
 * (an array in the arena; *n may be 0).  The log is append-only: the
 * database refuses to change or delete an entry. */
enum store_rc store_audit_list(struct store_conn *c, const char *subject, size_t max,
		struct arena *a, struct audit_entry **out, size_t *n);

/* ---- key-entity registry ---- */
struct enterprise_rec {
	const char *uscc;
	const char *name;
	bool key_entity;      /* on the "Two Zones" key list */
	bool service_key;     /* on the key service-sector list (urgent measures) */
	bool breach_of_trust; /* on the breach-of-trust list */
	const char *sector;
	const char *district;
	const char *note;     /* reason for the last change */
	int64_t updated_at;
	int64_t version;
};
/* store_enterprise_put: with e->version 0, insert or overwrite (imports);
 * otherwise update only if e->version is current: STORE_CONFLICT when
 * someone else changed it, STORE_NOTFOUND when there is no such row.
 * Either way the stored version is bumped (a new row is version 1). */
enum store_rc store_enterprise_put(struct store_conn *c, const struct enterprise_rec *e);
enum store_rc store_enterprise_get(struct store_conn *c, const char *uscc, struct arena *a,
		struct enterprise_rec *out);

/* ---- saved applications (drafts from the self-check, later the whole file) ---- */
struct application_rec {
	int64_t id;
	int64_t owner_id;
	const char *programme;
	const char *status;   /* "draft", ... */
	const char *data;     /* the application file (formats.md JSON) */
	int64_t created_at, updated_at;
	int64_t version;
};
/* store_application_create: STORE_NOTFOUND if the owner is no user; a new
 * application is version 1 (updated_at 0: created_at). */
enum store_rc store_application_create(struct store_conn *c, const struct application_rec *r,
		int64_t *id);
/* store_application_update: programme, status, data and updated_at, only
 * if r->version is current (then version+1); STORE_CONFLICT when someone
 * else changed it, STORE_NOTFOUND when there is no such application. */
enum store_rc store_application_update(struct store_conn *c, const struct application_rec *r);
enum store_rc store_application_get(struct store_conn *c, int64_t id, struct arena *a,
		struct application_rec *out);
/* store_application_list: the owner's applications, newest first, at most max. */
enum store_rc store_application_list(struct store_conn *c, int64_t owner_id, size_t max,
		struct arena *a, struct application_rec **out, size_t *n);

/* ---- document blobs: content-addressed (SHA-256) ---- */
/* On SQLite blobs are files under blob_dir; on PostgreSQL rows of the blobs
 * table, so every server sees them and backups hold them.  On PostgreSQL
 * both functions take a pool connection for their duration: a thread that
 * holds one already needs the pool to have another (a server's pool is
 * one per thread plus one). */
/* store_blob_put: keep data under its SHA-256 (hex into sha256_hex[65]):
 * SQLite: written to a temporary file, fsynced, renamed, never under a
 * user's file name; PostgreSQL: inserted unless already there. */
enum store_rc store_blob_put(struct store *s, const void *data, size_t len,
		char sha256_hex[65]);
/* store_blob_get: read a blob whose hash is given, into the arena.  The hash
 * must be exactly 64 lower-case hex digits, else STORE_NOTFOUND without
 * touching the filesystem or the database; a blob that no longer matches its hash is
 * STORE_ERROR.  Blobs are at most 32 MiB (store_blob_put refuses more). */
enum store_rc store_blob_get(struct store *s, const char *sha256_hex, struct arena *a,
		void **data, size_t *len);

#endif
