/* backup.h - one file that holds the whole store, records and documents,
 * for either backend: `yingcai db backup FILE` and `yingcai db restore FILE`.
 *
 * The file is a container of ours, yingcai-backup/1 (docs/backup.md):
 *
 *	yingcai-backup/1\n                        the format
 *	backend sqlite\n                          or postgresql: what made it
 *	schema 2\n                                its schema version
 *	created 1718000000\n                      Unix seconds
 *	\n
 *	entry NAME SIZE SHA256\n  SIZE bytes      one per entry, in order
 *	...
 *	end COUNT SHA256\n                        the trailer, then end of file
 *
 * SIZE is 20 decimal digits, SHA256 64 lower-case hex digits: the hash of
 * the entry's bytes.  The trailer's hash covers the header and every entry
 * line, so with the entries' own hashes every byte of the file is checked;
 * COUNT and the trailer itself catch a file cut short.
 *
 * What the entries hold depends on the backend that wrote the file:
 *   sqlite      "yingcai.db": the database, copied by SQLite's online backup
 *               API (one read transaction: the portal keeps running), then
 *               "blobs/<sha256>" for each document in the blob directory,
 *               checked against its name as it is read.
 *   postgresql  "<table>.jsonl" for each table, all read in one SERIALIZABLE
 *               READ ONLY DEFERRABLE transaction: a first line naming the
 *               columns, then one JSON array per row (integers, strings,
 *               bytes in base64, null); "blobs/<sha256>" for each row of the
 *               blobs table, read in the same transaction.
 * Either restores into either backend (the rows of a SQLite image are
 * read back through the store), so a backup is also how a portal moves
 * from SQLite to PostgreSQL.  Every table is in it, sessions and login
 * failures too: a restore is one moment's state, tokens are stored only
 * hashed, and the login throttle must survive a restore (docs/backup.md).
 *
 * Invariants: a backup file is written to FILE.tmp (mode 0600: it holds
 * password hashes), fsynced and renamed, so FILE is whole or absent.  A
 * restore reads the whole file and checks every hash before it changes
 * anything, and changes the target all at once or not at all: SQLite
 * through files staged beside the target and renamed into place,
 * PostgreSQL in one transaction.  A target that holds data is refused;
 * on SQLite --force moves it aside (NAME.before-restore) instead.
 */
#ifndef YC_STORE_BACKUP_H
#define YC_STORE_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum backup_rc {
	BACKUP_OK = 0,
	BACKUP_IO,        /* a file cannot be read or written (the message names it) */
	BACKUP_FULL,      /* the disk is full (or a file size limit was reached) */
	BACKUP_FORMAT,    /* not a backup this program can restore, or a bad target */
	BACKUP_DAMAGED,   /* a checksum does not match, or the file is cut short */
	BACKUP_NOT_EMPTY, /* the restore target holds data */
	BACKUP_DB,        /* the database failed (busy, refused a row, ...) */
};

const char *backup_rc_name(enum backup_rc rc);

struct backup_info {
	char backend[16];   /* the database it was made from: "sqlite", "postgresql" */
	int schema;         /* that database's schema version */
	int64_t created;    /* Unix seconds */
	size_t entries;     /* entries in the file */
	size_t tables;      /* table entries (a PostgreSQL backup) */
	size_t blobs;       /* documents */
	uint64_t bytes;     /* the file's size */
	bool moved_aside;   /* restore --force: the old SQLite target is NAME.before-restore */
};

/* backup_write: a backup of s into the file path (see the top of this
 * file), using one pool connection; the database keeps serving meanwhile.
 * On failure nothing is left at path (an older file there is untouched)
 * and err (size n) says why: BACKUP_IO / BACKUP_FULL for the file,
 * BACKUP_DB for the database, BACKUP_DAMAGED for a document in the blob
 * directory that no longer matches its hash.  path.tmp must not exist (a
 * backup running or interrupted: BACKUP_IO).  info may be NULL. */
enum backup_rc backup_write(struct store *s, const char *path, struct backup_info *info,
		char *err, size_t n);

/* backup_verify: read the whole file and check its structure and every
 * hash; nothing else is touched.  info (may be NULL) is filled as far as
 * the file could be read. */
enum backup_rc backup_verify(const char *path, struct backup_info *info, char *err,
		size_t n);

struct backup_target {
	const char *url;      /* as for store_open: sqlite:PATH, PATH or postgresql://... */
	const char *blob_dir; /* SQLite: the blob directory (NULL: none) */
	bool force;           /* SQLite: move a target that holds data aside */
};

/* backup_restore: the backup at path into the target database, which must
 * be empty: no row in any table (schema_migrations aside) and no document.
 * First the whole file is verified (as backup_verify); nothing is changed
 * unless it is whole.  A backup made from a schema newer than this
 * program's is refused; so is a PostgreSQL (row) backup of an older one
 * (restore it with the yingcai that made it).  A SQLite image of an older
 * schema is migrated after it is restored.
 * SQLite: the target file (and blob directory) must be absent or empty;
 * with force, a target that holds data (or cannot be opened) is renamed
 * NAME.before-restore first, which must not exist.  A database in use
 * (its -wal file outlives our connection: a server has it open) is
 * refused, force or not.  The new database and blob directory are written
 * beside the target (NAME.restore-tmp, fsynced) and renamed into place.
 * PostgreSQL: store_open creates the schema (migrations); every row and
 * document goes in in one transaction, then the identity sequences are
 * moved past the restored ids.  force is refused: a restore never empties
 * a PostgreSQL target (the audit log is append-only; docs/backup.md).
 * Returns BACKUP_NOT_EMPTY for a target that holds data. */
enum backup_rc backup_restore(const char *path, const struct backup_target *t,
		struct backup_info *info, char *err, size_t n);

/* ---- digests: what "every record identical" is checked against ---- */

#define BACKUP_TABLES 9

struct backup_digest {
	const char *table;  /* "users", ... (static) */
	char sha256[65];    /* of the table's canonical dump: the bytes a row backup holds */
	uint64_t rows;
};

/* backup_digests: the SHA-256 of each table's canonical dump (the
 * <table>.jsonl entry a PostgreSQL backup would hold, the same text on both
 * backends), all read in one snapshot; c must not be in a transaction.
 * Two stores hold the same records exactly when their digests are equal. */
enum backup_rc backup_digests(struct store_conn *c, struct backup_digest out[BACKUP_TABLES],
		char *err, size_t n);

#endif
