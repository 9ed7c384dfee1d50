/* queries.h - every SQL text of the store, once, per backend side by side.
 *
 * A query is named by an enum query_id; queries.c holds a table indexed by
 * that id with the SQLite text (?NNN placeholders) and the PostgreSQL text
 * ($N placeholders).  Both texts take the same parameters in the same
 * order and return the same columns in the same order, so a backend binds
 * and reads by position without knowing which database it talks to.
 * Backends prepare each text once per connection and cache it by id.
 *
 * Invariants (checked by tests/unit/test_store.c): the table has one entry
 * per id, in id order; every entry has a name and at least one text; where
 * both texts exist they take the same number of parameters.  A NULL text
 * means the step does not exist on that backend and running it there does
 * nothing and succeeds (stmt.c): SQLite's PRAGMAs have no PostgreSQL
 * counterpart; the migration lock, session settings, the blob table and
 * the identity sequences a restore moves on are PostgreSQL's own (SQLite's
 * BEGIN IMMEDIATE is the lock, its blobs live in the filesystem, and its
 * keys follow max(id)).  No text is ever built at run time: where PostgreSQL
 * needs an identifier (a schema name), the text passes it as a parameter to
 * format('%I') inside the server.
 */
#ifndef YC_STORE_QUERIES_H
#define YC_STORE_QUERIES_H

enum query_id {
	/* connection setup */
	Q_PRAGMA_WAL,
	Q_PRAGMA_FOREIGN_KEYS,
	Q_PRAGMA_SYNCHRONOUS,
	Q_PRAGMA_CHECKPOINT,
	Q_PRAGMA_NO_GROWTH,
	Q_PRAGMA_GROWTH,
	Q_SET_SEARCH_PATH,
	Q_SET_LOCK_TIMEOUT,
	/* transactions */
	Q_BEGIN,
	Q_BEGIN_WRITE,
	Q_COMMIT,
	Q_ROLLBACK,
	/* migrations */
	Q_MIGRATIONS_BEGIN,
	Q_MIGRATIONS_WAIT,
	Q_MIGRATIONS_LOCK,
	Q_SCHEMA_NAME,
	Q_SCHEMA_CREATE,
	Q_MIGRATIONS_INIT,
	Q_MIGRATIONS_VERSION,
	Q_MIGRATIONS_RECORD,
	/* accounts */
	Q_USER_CREATE,
	Q_USER_BY_EMAIL,
	Q_USER_BY_ID,
	Q_USER_LIST,
	Q_USER_SET_PASSWORD,
	/* sessions */
	Q_SESSION_CREATE,
	Q_SESSION_BY_HASH,
	Q_SESSION_LOGIN,
	Q_SESSION_EXTEND,
	Q_SESSION_DELETE,
	Q_SESSION_DELETE_USER,
	Q_SESSION_PURGE,
	/* login throttle */
	Q_LOGIN_FAILURE_ADD,
	Q_LOGIN_FAILURES_SINCE,
	Q_LOGIN_FAILURES_CLEAR,
	Q_LOGIN_FAILURES_PURGE,
	/* password reset */
	Q_RESET_CREATE,
	Q_RESET_TAKE,
	Q_RESET_END_USER,
	Q_RESET_PURGE,
	/* outbox */
	Q_OUTBOX_ADD,
	Q_OUTBOX_LATEST,
	Q_OUTBOX_WITHDRAW,
	Q_OUTBOX_CLAIM,
	Q_OUTBOX_SENT,
	Q_OUTBOX_ATTEMPT_FAILED,
	Q_OUTBOX_COUNTS,
	Q_OUTBOX_LAST_ERROR,
	Q_OUTBOX_PURGE,
	/* audit */
	Q_AUDIT_ADD,
	Q_AUDIT_BY_SUBJECT,
	/* key-entity registry */
	Q_ENTERPRISE_UPSERT,
	Q_ENTERPRISE_UPDATE,
	Q_ENTERPRISE_GET,
	Q_ENTERPRISE_VERSION,
	/* applications */
	Q_APPLICATION_CREATE,
	Q_APPLICATION_UPDATE,
	Q_APPLICATION_GET,
	Q_APPLICATION_VERSION,
	Q_APPLICATION_LIST,
	/* document blobs (PostgreSQL; SQLite keeps them in files) */
	Q_BLOB_HAS,
	Q_BLOB_PUT,
	Q_BLOB_GET,
	/* backup and restore (backup_rows.c): whole tables in key order */
	Q_BACKUP_SNAPSHOT,
	Q_BACKUP_ANY_ROWS,
	Q_BACKUP_BLOB_LIST,
	Q_BACKUP_MIGRATIONS_CLEAR,
	Q_BACKUP_SEQUENCES,
	Q_DUMP_USERS,
	Q_LOAD_USERS,
	Q_DUMP_SESSIONS,
	Q_LOAD_SESSIONS,
	Q_DUMP_LOGIN_FAILURES,
	Q_LOAD_LOGIN_FAILURES,
	Q_DUMP_PASSWORD_RESETS,
	Q_LOAD_PASSWORD_RESETS,
	Q_DUMP_OUTBOX,
	Q_LOAD_OUTBOX,
	Q_DUMP_AUDIT,
	Q_LOAD_AUDIT,
	Q_DUMP_ENTERPRISES,
	Q_LOAD_ENTERPRISES,
	Q_DUMP_APPLICATIONS,
	Q_LOAD_APPLICATIONS,
	Q_DUMP_MIGRATIONS,
	Q_LOAD_MIGRATIONS,
	Q__COUNT
};

struct query {
	enum query_id id;
	const char *name;   /* for logs: "user_create" */
	const char *sqlite; /* ?NNN placeholders; NULL: PostgreSQL only */
	const char *pg;     /* $N placeholders; NULL: SQLite only */
};

/* query_get: the entry for id (id < Q__COUNT). */
const struct query *query_get(enum query_id id);

#endif
