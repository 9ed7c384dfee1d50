/* queries.c - the SQL texts of the store (see queries.h).
 *
 * One row per query: SQLite text on the left, PostgreSQL text on the
 * right.  Where both databases accept the same statement the two texts
 * differ only in their placeholders (?N against $N).  Statements that
 * insert return the new id with RETURNING (SQLite >= 3.35).  Times are
 * Unix seconds, booleans 0/1, a NULL user_id is an anonymous session and
 * a NULL sent_at an unsent mail (both read back as 0).  A NULL text: the
 * step does not exist on that backend (see queries.h).
 */
#include "queries.h"

#include <assert.h>
#include <stddef.h>

#define USER_COLS "id, email, name, role, password_hash, lang, created_at, version"
#define SESSION_COLS "id, token_hash, coalesce(user_id, 0), csrf, lang, created_at, expires_at"
#define ENTERPRISE_COLS "uscc, name, key_entity, service_key, breach_of_trust, " \
	"sector, district, note, updated_at, version"
#define APPLICATION_COLS "id, owner_id, programme, status, data, created_at, updated_at, version"
#define AUDIT_COLS "at, actor, action, subject, before, after"
/* backups: every column as stored (a NULL stays NULL) */
#define SESSION_ROW "id, token_hash, user_id, csrf, lang, created_at, expires_at"
#define RESET_ROW "id, token_hash, user_id, expires_at, used_at"
/* a mail as a backup holds it: with where its delivery stands, so that a
 * mail given up stays given up after a restore (a lease, claimed_by and
 * claimed_until, is one moment's and is not kept) */
#define OUTBOX_ROW "id, recipient, subject, body, created_at, sent_at, attempts, next_at, " \
	"attempted_at, last_error, failed_at"
/* a mail as store_outbox_* read it (read_mail in accounts.c) */
#define MAIL_COLS "id, recipient, subject, body, created_at, coalesce(sent_at, 0), attempts, " \
	"coalesce(attempted_at, 0), last_error, coalesce(failed_at, 0), next_at"

static const struct query queries[Q__COUNT] = {
	/* PRAGMAs take no parameters.  max_page_count cannot go below the
	 * current size, so "= 1" means "no growth" (fault injection); the
	 * other value is SQLite's default limit (4 TiB in 4 KiB pages). */
	{ Q_PRAGMA_WAL, "pragma_wal", "PRAGMA journal_mode = WAL", NULL },
	{ Q_PRAGMA_FOREIGN_KEYS, "pragma_foreign_keys", "PRAGMA foreign_keys = ON", NULL },
	{ Q_PRAGMA_SYNCHRONOUS, "pragma_synchronous", "PRAGMA synchronous = NORMAL", NULL },
	{ Q_PRAGMA_CHECKPOINT, "pragma_checkpoint", "PRAGMA wal_checkpoint(TRUNCATE)", NULL },
	{ Q_PRAGMA_NO_GROWTH, "pragma_no_growth", "PRAGMA max_page_count = 1", NULL },
	{ Q_PRAGMA_GROWTH, "pragma_growth", "PRAGMA max_page_count = 1073741823", NULL },
	/* PostgreSQL session settings, set per connection by parameter: the
	 * server quotes the schema name (quote_ident); the lock wait is in ms. */
	{ Q_SET_SEARCH_PATH, "set_search_path", NULL,
	  "SELECT set_config('search_path', quote_ident($1), false)" },
	{ Q_SET_LOCK_TIMEOUT, "set_lock_timeout", NULL,
	  "SELECT set_config('lock_timeout', $1, false)" },

	/* PostgreSQL has no database write lock to take up front: both begin
	 * SERIALIZABLE (store.h says why); a serialization failure (40001) is
	 * STORE_BUSY. */
	{ Q_BEGIN, "begin", "BEGIN DEFERRED", "BEGIN ISOLATION LEVEL SERIALIZABLE" },
	{ Q_BEGIN_WRITE, "begin_write", "BEGIN IMMEDIATE", "BEGIN ISOLATION LEVEL SERIALIZABLE" },
	{ Q_COMMIT, "commit", "COMMIT", "COMMIT" },
	{ Q_ROLLBACK, "rollback", "ROLLBACK", "ROLLBACK" },

	/* Migrations take the write lock first (SQLite) or a transaction-level
	 * advisory lock (PostgreSQL) so that two servers starting at once apply
	 * them once: the second waits, without a time limit, for the first to
	 * commit.  READ COMMITTED on PostgreSQL because a SERIALIZABLE snapshot
	 * would be taken before the lock is granted and would not show the
	 * migrations the first server just applied.  The lock key is arbitrary
	 * but fixed; the schema (URL ?schema=NAME) is created under the lock. */
	{ Q_MIGRATIONS_BEGIN, "migrations_begin", "BEGIN IMMEDIATE",
	  "BEGIN ISOLATION LEVEL READ COMMITTED" },
	{ Q_MIGRATIONS_WAIT, "migrations_wait", NULL,
	  "SELECT set_config('lock_timeout', '0', true)" },
	{ Q_MIGRATIONS_LOCK, "migrations_lock", NULL,
	  "SELECT pg_advisory_xact_lock(7969794870273906)" },
	{ Q_SCHEMA_NAME, "schema_name", NULL,
	  "SELECT set_config('yingcai.schema', $1, true)" },
	{ Q_SCHEMA_CREATE, "schema_create", NULL,
	  "DO $$ BEGIN EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I', "
	  "current_setting('yingcai.schema')); END $$" },
	{ Q_MIGRATIONS_INIT, "migrations_init",
	  "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
	  "name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT",
	  "CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
	  "name TEXT NOT NULL, applied_at BIGINT NOT NULL)" },
	{ Q_MIGRATIONS_VERSION, "migrations_version",
	  "SELECT coalesce(max(number), 0) FROM schema_migrations",
	  "SELECT coalesce(max(number), 0) FROM schema_migrations" },
	{ Q_MIGRATIONS_RECORD, "migrations_record",
	  "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?1, ?2, ?3)",
	  "INSERT INTO schema_migrations (number, name, applied_at) VALUES ($1, $2, $3)" },

	{ Q_USER_CREATE, "user_create",
	  "INSERT INTO users (email, name, role, password_hash, lang, created_at, version) "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) RETURNING id",
	  "INSERT INTO users (email, name, role, password_hash, lang, created_at, version) "
	  "VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id" },
	{ Q_USER_BY_EMAIL, "user_by_email",
	  "SELECT " USER_COLS " FROM users WHERE email = ?1",
	  "SELECT " USER_COLS " FROM users WHERE email = $1" },
	{ Q_USER_BY_ID, "user_by_id",
	  "SELECT " USER_COLS " FROM users WHERE id = ?1",
	  "SELECT " USER_COLS " FROM users WHERE id = $1" },
	{ Q_USER_LIST, "user_list",
	  "SELECT " USER_COLS " FROM users WHERE id > ?1 ORDER BY id LIMIT ?2",
	  "SELECT " USER_COLS " FROM users WHERE id > $1 ORDER BY id LIMIT $2" },
	{ Q_USER_SET_PASSWORD, "user_set_password",
	  "UPDATE users SET password_hash = ?2, version = version + 1 WHERE id = ?1",
	  "UPDATE users SET password_hash = $2, version = version + 1 WHERE id = $1" },

	{ Q_SESSION_CREATE, "session_create",
	  "INSERT INTO sessions (token_hash, user_id, csrf, lang, created_at, expires_at) "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
	  "INSERT INTO sessions (token_hash, user_id, csrf, lang, created_at, expires_at) "
	  "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id" },
	{ Q_SESSION_BY_HASH, "session_by_hash",
	  "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
	  "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = $1 AND expires_at > $2" },
	{ Q_SESSION_LOGIN, "session_login",
	  "UPDATE sessions SET user_id = ?2, token_hash = ?3, csrf = ?4, expires_at = ?5, "
	  "created_at = ?6 WHERE id = ?1",
	  "UPDATE sessions SET user_id = $2, token_hash = $3, csrf = $4, expires_at = $5, "
	  "created_at = $6 WHERE id = $1" },
	/* a later end for a session in use (never an earlier one) */
	{ Q_SESSION_EXTEND, "session_extend",
	  "UPDATE sessions SET expires_at = ?2 WHERE id = ?1 AND expires_at < ?2",
	  "UPDATE sessions SET expires_at = $2 WHERE id = $1 AND expires_at < $2" },
	{ Q_SESSION_DELETE, "session_delete",
	  "DELETE FROM sessions WHERE id = ?1",
	  "DELETE FROM sessions WHERE id = $1" },
	/* every session of a user but one (?2: its id; 0 keeps none, ids
	 * start at 1); anonymous sessions have a NULL user_id and never match */
	{ Q_SESSION_DELETE_USER, "session_delete_user",
	  "DELETE FROM sessions WHERE user_id = ?1 AND id <> ?2",
	  "DELETE FROM sessions WHERE user_id = $1 AND id <> $2" },
	{ Q_SESSION_PURGE, "session_purge",
	  "DELETE FROM sessions WHERE expires_at <= ?1",
	  "DELETE FROM sessions WHERE expires_at <= $1" },

	{ Q_LOGIN_FAILURE_ADD, "login_failure_add",
	  "INSERT INTO login_failures (key, at) VALUES (?1, ?2)",
	  "INSERT INTO login_failures (key, at) VALUES ($1, $2)" },
	{ Q_LOGIN_FAILURES_SINCE, "login_failures_since",
	  "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
	  "SELECT count(*) FROM login_failures WHERE key = $1 AND at >= $2" },
	{ Q_LOGIN_FAILURES_CLEAR, "login_failures_clear",
	  "DELETE FROM login_failures WHERE key = ?1",
	  "DELETE FROM login_failures WHERE key = $1" },
	{ Q_LOGIN_FAILURES_PURGE, "login_failures_purge",
	  "DELETE FROM login_failures WHERE at < ?1",
	  "DELETE FROM login_failures WHERE at < $1" },

	{ Q_RESET_CREATE, "reset_create",
	  "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
	  "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)" },
	/* one statement: two concurrent takes of a token cannot both succeed */
	{ Q_RESET_TAKE, "reset_take",
	  "UPDATE password_resets SET used_at = ?2 WHERE token_hash = ?1 "
	  "AND used_at IS NULL AND expires_at > ?2 RETURNING user_id",
	  "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 "
	  "AND used_at IS NULL AND expires_at > $2 RETURNING user_id" },
	{ Q_RESET_END_USER, "reset_end_user",
	  "UPDATE password_resets SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
	  "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL" },
	{ Q_RESET_PURGE, "reset_purge",
	  "DELETE FROM password_resets WHERE expires_at < ?1",
	  "DELETE FROM password_resets WHERE expires_at < $1" },

	{ Q_OUTBOX_ADD, "outbox_add",
	  "INSERT INTO outbox (recipient, subject, body, created_at) "
	  "VALUES (?1, ?2, ?3, ?4) RETURNING id",
	  "INSERT INTO outbox (recipient, subject, body, created_at) "
	  "VALUES ($1, $2, $3, $4) RETURNING id" },
	{ Q_OUTBOX_LATEST, "outbox_latest",
	  "SELECT " MAIL_COLS " FROM outbox WHERE recipient = ?1 ORDER BY id DESC LIMIT 1",
	  "SELECT " MAIL_COLS " FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1" },
	{ Q_OUTBOX_WITHDRAW, "outbox_withdraw",
	  "DELETE FROM outbox WHERE id = ?1 AND sent_at IS NULL",
	  "DELETE FROM outbox WHERE id = $1 AND sent_at IS NULL" },
	/* Delivery (app/delivery.h).  A claim is one statement: the oldest
	 * mail that is due (unsent, not given up, its next attempt not later
	 * than now, no live lease) gets claimer ?1's lease until ?3.  SQLite
	 * has one writer, so the statement is atomic as it is.  PostgreSQL,
	 * in autocommit (READ COMMITTED): FOR UPDATE SKIP LOCKED makes a
	 * second server skip the row the first is claiming, and a row claimed
	 * and committed meanwhile is re-checked against the WHERE and left
	 * out: two servers never hold one mail. */
	{ Q_OUTBOX_CLAIM, "outbox_claim",
	  "UPDATE outbox SET claimed_by = ?1, claimed_until = ?3 WHERE id = (SELECT id FROM outbox "
	  "WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= ?2 "
	  "AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY id LIMIT 1) "
	  "RETURNING " MAIL_COLS,
	  "UPDATE outbox SET claimed_by = $1, claimed_until = $3 WHERE id = (SELECT id FROM outbox "
	  "WHERE sent_at IS NULL AND failed_at IS NULL AND next_at <= $2 "
	  "AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY id LIMIT 1 "
	  "FOR UPDATE SKIP LOCKED) RETURNING " MAIL_COLS },
	/* the outcome of an attempt, recorded only by the claimer whose lease
	 * it is (?2); ?4 of a failure: the next attempt, ?5: given up (NULL
	 * while it is not) */
	{ Q_OUTBOX_SENT, "outbox_sent",
	  "UPDATE outbox SET sent_at = ?3, attempted_at = ?3, attempts = attempts + 1, "
	  "last_error = NULL, claimed_by = NULL, claimed_until = NULL "
	  "WHERE id = ?1 AND claimed_by = ?2 AND sent_at IS NULL",
	  "UPDATE outbox SET sent_at = $3, attempted_at = $3, attempts = attempts + 1, "
	  "last_error = NULL, claimed_by = NULL, claimed_until = NULL "
	  "WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL" },
	{ Q_OUTBOX_ATTEMPT_FAILED, "outbox_attempt_failed",
	  "UPDATE outbox SET attempted_at = ?3, attempts = attempts + 1, last_error = ?6, "
	  "next_at = ?4, failed_at = ?5, claimed_by = NULL, claimed_until = NULL "
	  "WHERE id = ?1 AND claimed_by = ?2 AND sent_at IS NULL",
	  "UPDATE outbox SET attempted_at = $3, attempts = attempts + 1, last_error = $6, "
	  "next_at = $4, failed_at = $5, claimed_by = NULL, claimed_until = NULL "
	  "WHERE id = $1 AND claimed_by = $2 AND sent_at IS NULL" },
	/* sent, waiting (unsent and not given up), given up */
	{ Q_OUTBOX_COUNTS, "outbox_counts",
	  "SELECT count(sent_at), count(*) - count(sent_at) - count(failed_at), count(failed_at) "
	  "FROM outbox",
	  "SELECT count(sent_at), count(*) - count(sent_at) - count(failed_at), count(failed_at) "
	  "FROM outbox" },
	/* the latest failed attempt of a mail not sent since */
	{ Q_OUTBOX_LAST_ERROR, "outbox_last_error",
	  "SELECT " MAIL_COLS " FROM outbox WHERE last_error IS NOT NULL "
	  "ORDER BY attempted_at DESC, id DESC LIMIT 1",
	  "SELECT " MAIL_COLS " FROM outbox WHERE last_error IS NOT NULL "
	  "ORDER BY attempted_at DESC, id DESC LIMIT 1" },
	/* mails created before ?1 whatever became of them, but not one a live
	 * lease is sending at ?2 */
	{ Q_OUTBOX_PURGE, "outbox_purge",
	  "DELETE FROM outbox WHERE created_at < ?1 "
	  "AND (claimed_until IS NULL OR claimed_until < ?2)",
	  "DELETE FROM outbox WHERE created_at < $1 "
	  "AND (claimed_until IS NULL OR claimed_until < $2)" },

	{ Q_AUDIT_ADD, "audit_add",
	  "INSERT INTO audit (" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	  "INSERT INTO audit (" AUDIT_COLS ") VALUES ($1, $2, $3, $4, $5, $6)" },
	{ Q_AUDIT_BY_SUBJECT, "audit_by_subject",
	  "SELECT " AUDIT_COLS " FROM audit WHERE subject = ?1 ORDER BY id DESC LIMIT ?2",
	  "SELECT " AUDIT_COLS " FROM audit WHERE subject = $1 ORDER BY id DESC LIMIT $2" },

	/* both accept ON CONFLICT ... DO UPDATE with excluded.* */
	{ Q_ENTERPRISE_UPSERT, "enterprise_upsert",
	  "INSERT INTO enterprises (" ENTERPRISE_COLS ") "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1) "
	  "ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, "
	  "key_entity = excluded.key_entity, service_key = excluded.service_key, "
	  "breach_of_trust = excluded.breach_of_trust, sector = excluded.sector, "
	  "district = excluded.district, note = excluded.note, "
	  "updated_at = excluded.updated_at, version = enterprises.version + 1",
	  "INSERT INTO enterprises (" ENTERPRISE_COLS ") "
	  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1) "
	  "ON CONFLICT (uscc) DO UPDATE SET name = excluded.name, "
	  "key_entity = excluded.key_entity, service_key = excluded.service_key, "
	  "breach_of_trust = excluded.breach_of_trust, sector = excluded.sector, "
	  "district = excluded.district, note = excluded.note, "
	  "updated_at = excluded.updated_at, version = enterprises.version + 1" },
	{ Q_ENTERPRISE_UPDATE, "enterprise_update",
	  "UPDATE enterprises SET name = ?2, key_entity = ?3, service_key = ?4, "
	  "breach_of_trust = ?5, sector = ?6, district = ?7, note = ?8, updated_at = ?9, "
	  "version = version + 1 WHERE uscc = ?1 AND version = ?10",
	  "UPDATE enterprises SET name = $2, key_entity = $3, service_key = $4, "
	  "breach_of_trust = $5, sector = $6, district = $7, note = $8, updated_at = $9, "
	  "version = version + 1 WHERE uscc = $1 AND version = $10" },
	{ Q_ENTERPRISE_GET, "enterprise_get",
	  "SELECT " ENTERPRISE_COLS " FROM enterprises WHERE uscc = ?1",
	  "SELECT " ENTERPRISE_COLS " FROM enterprises WHERE uscc = $1" },
	{ Q_ENTERPRISE_VERSION, "enterprise_version",
	  "SELECT version FROM enterprises WHERE uscc = ?1",
	  "SELECT version FROM enterprises WHERE uscc = $1" },

	{ Q_APPLICATION_CREATE, "application_create",
	  "INSERT INTO applications (owner_id, programme, status, data, created_at, "
	  "updated_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) RETURNING id",
	  "INSERT INTO applications (owner_id, programme, status, data, created_at, "
	  "updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, 1) RETURNING id" },
	{ Q_APPLICATION_UPDATE, "application_update",
	  "UPDATE applications SET programme = ?2, status = ?3, data = ?4, updated_at = ?5, "
	  "version = version + 1 WHERE id = ?1 AND version = ?6",
	  "UPDATE applications SET programme = $2, status = $3, data = $4, updated_at = $5, "
	  "version = version + 1 WHERE id = $1 AND version = $6" },
	{ Q_APPLICATION_GET, "application_get",
	  "SELECT " APPLICATION_COLS " FROM applications WHERE id = ?1",
	  "SELECT " APPLICATION_COLS " FROM applications WHERE id = $1" },
	{ Q_APPLICATION_VERSION, "application_version",
	  "SELECT version FROM applications WHERE id = ?1",
	  "SELECT version FROM applications WHERE id = $1" },
	{ Q_APPLICATION_LIST, "application_list",
	  "SELECT " APPLICATION_COLS " FROM applications WHERE owner_id = ?1 "
	  "ORDER BY created_at DESC, id DESC LIMIT ?2",
	  "SELECT " APPLICATION_COLS " FROM applications WHERE owner_id = $1 "
	  "ORDER BY created_at DESC, id DESC LIMIT $2" },

	/* Document blobs on PostgreSQL (migration 2): looked up before a put so
	 * that bytes already stored are not sent again; the insert is
	 * idempotent all the same when two servers put the same bytes at once. */
	{ Q_BLOB_HAS, "blob_has", NULL,
	  "SELECT size FROM blobs WHERE sha256 = $1" },
	{ Q_BLOB_PUT, "blob_put", NULL,
	  "INSERT INTO blobs (sha256, size, data) VALUES ($1, $2, $3) "
	  "ON CONFLICT (sha256) DO NOTHING" },
	{ Q_BLOB_GET, "blob_get", NULL,
	  "SELECT data FROM blobs WHERE sha256 = $1" },

	/* Backup and restore (backup_rows.c, docs/backup.md).  A backup reads
	 * every table in one transaction: on SQLite a read transaction is one
	 * snapshot (WAL); on PostgreSQL SERIALIZABLE READ ONLY DEFERRABLE waits
	 * for a snapshot no serializable writer can contradict (as pg_dump
	 * --serializable-deferrable), then never fails or blocks writers.
	 * A restore target must have no row (schema_migrations aside), on
	 * PostgreSQL no blob either.  After loading rows with their ids,
	 * PostgreSQL's identity sequences are moved past the highest id (the
	 * table names are constants, quoted by the server); SQLite takes
	 * max(id) + 1 by itself. */
	{ Q_BACKUP_SNAPSHOT, "backup_snapshot", "BEGIN DEFERRED",
	  "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE" },
	{ Q_BACKUP_ANY_ROWS, "backup_any_rows",
	  "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM sessions) "
	  "OR EXISTS (SELECT 1 FROM login_failures) OR EXISTS (SELECT 1 FROM password_resets) "
	  "OR EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM audit) "
	  "OR EXISTS (SELECT 1 FROM enterprises) OR EXISTS (SELECT 1 FROM applications)",
	  "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM sessions) "
	  "OR EXISTS (SELECT 1 FROM login_failures) OR EXISTS (SELECT 1 FROM password_resets) "
	  "OR EXISTS (SELECT 1 FROM outbox) OR EXISTS (SELECT 1 FROM audit) "
	  "OR EXISTS (SELECT 1 FROM enterprises) OR EXISTS (SELECT 1 FROM applications) "
	  "OR EXISTS (SELECT 1 FROM blobs)" },
	{ Q_BACKUP_BLOB_LIST, "backup_blob_list", NULL,
	  "SELECT sha256 FROM blobs ORDER BY sha256 COLLATE \"C\"" },
	{ Q_BACKUP_MIGRATIONS_CLEAR, "backup_migrations_clear",
	  "DELETE FROM schema_migrations", "DELETE FROM schema_migrations" },
	{ Q_BACKUP_SEQUENCES, "backup_sequences", NULL,
	  "DO $$ DECLARE t text; BEGIN FOREACH t IN ARRAY ARRAY['users', 'sessions', "
	  "'login_failures', 'password_resets', 'outbox', 'audit', 'applications'] LOOP "
	  "EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), "
	  "coalesce(max(id), 0) + 1, false) FROM %I', t, t); END LOOP; END $$" },

	/* One dump (SELECT every column in key order) and one load (INSERT
	 * with the row's own key) per table; the same columns in the same
	 * order on both sides and in backup_rows.c's table list. */
	{ Q_DUMP_USERS, "dump_users",
	  "SELECT " USER_COLS " FROM users ORDER BY id",
	  "SELECT " USER_COLS " FROM users ORDER BY id" },
	{ Q_LOAD_USERS, "load_users",
	  "INSERT INTO users (" USER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	  "INSERT INTO users (" USER_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)" },
	{ Q_DUMP_SESSIONS, "dump_sessions",
	  "SELECT " SESSION_ROW " FROM sessions ORDER BY id",
	  "SELECT " SESSION_ROW " FROM sessions ORDER BY id" },
	{ Q_LOAD_SESSIONS, "load_sessions",
	  "INSERT INTO sessions (" SESSION_ROW ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	  "INSERT INTO sessions (" SESSION_ROW ") VALUES ($1, $2, $3, $4, $5, $6, $7)" },
	{ Q_DUMP_LOGIN_FAILURES, "dump_login_failures",
	  "SELECT id, key, at FROM login_failures ORDER BY id",
	  "SELECT id, key, at FROM login_failures ORDER BY id" },
	{ Q_LOAD_LOGIN_FAILURES, "load_login_failures",
	  "INSERT INTO login_failures (id, key, at) VALUES (?1, ?2, ?3)",
	  "INSERT INTO login_failures (id, key, at) VALUES ($1, $2, $3)" },
	{ Q_DUMP_PASSWORD_RESETS, "dump_password_resets",
	  "SELECT " RESET_ROW " FROM password_resets ORDER BY id",
	  "SELECT " RESET_ROW " FROM password_resets ORDER BY id" },
	{ Q_LOAD_PASSWORD_RESETS, "load_password_resets",
	  "INSERT INTO password_resets (" RESET_ROW ") VALUES (?1, ?2, ?3, ?4, ?5)",
	  "INSERT INTO password_resets (" RESET_ROW ") VALUES ($1, $2, $3, $4, $5)" },
	{ Q_DUMP_OUTBOX, "dump_outbox",
	  "SELECT " OUTBOX_ROW " FROM outbox ORDER BY id",
	  "SELECT " OUTBOX_ROW " FROM outbox ORDER BY id" },
	{ Q_LOAD_OUTBOX, "load_outbox",
	  "INSERT INTO outbox (" OUTBOX_ROW ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
	  "?10, ?11)",
	  "INSERT INTO outbox (" OUTBOX_ROW ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	  "$10, $11)" },
	{ Q_DUMP_AUDIT, "dump_audit",
	  "SELECT id, " AUDIT_COLS " FROM audit ORDER BY id",
	  "SELECT id, " AUDIT_COLS " FROM audit ORDER BY id" },
	{ Q_LOAD_AUDIT, "load_audit",
	  "INSERT INTO audit (id, " AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	  "INSERT INTO audit (id, " AUDIT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7)" },
	{ Q_DUMP_ENTERPRISES, "dump_enterprises",
	  "SELECT " ENTERPRISE_COLS " FROM enterprises ORDER BY uscc",
	  "SELECT " ENTERPRISE_COLS " FROM enterprises ORDER BY uscc COLLATE \"C\"" },
	{ Q_LOAD_ENTERPRISES, "load_enterprises",
	  "INSERT INTO enterprises (" ENTERPRISE_COLS ") "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	  "INSERT INTO enterprises (" ENTERPRISE_COLS ") "
	  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)" },
	{ Q_DUMP_APPLICATIONS, "dump_applications",
	  "SELECT " APPLICATION_COLS " FROM applications ORDER BY id",
	  "SELECT " APPLICATION_COLS " FROM applications ORDER BY id" },
	{ Q_LOAD_APPLICATIONS, "load_applications",
	  "INSERT INTO applications (" APPLICATION_COLS ") "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	  "INSERT INTO applications (" APPLICATION_COLS ") "
	  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)" },
	{ Q_DUMP_MIGRATIONS, "dump_migrations",
	  "SELECT number, name, applied_at FROM schema_migrations ORDER BY number",
	  "SELECT number, name, applied_at FROM schema_migrations ORDER BY number" },
	{ Q_LOAD_MIGRATIONS, "load_migrations",
	  "INSERT INTO schema_migrations (number, name, applied_at) VALUES (?1, ?2, ?3)",
	  "INSERT INTO schema_migrations (number, name, applied_at) VALUES ($1, $2, $3)" },
};

const struct query *query_get(enum query_id id)
{
	assert((unsigned)id < Q__COUNT && queries[id].id == id);
	return &queries[id];
}
