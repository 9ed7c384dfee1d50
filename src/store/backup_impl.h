/* backup_impl.h - what the files of the backup share; not for callers.
 *
 *   backup_file.c     the container: writing it (entries streamed, their
 *                     line patched with size and hash when they end) and
 *                     reading it (every hash checked as the bytes go by)
 *   backup_rows.c     tables as rows: the table list, the canonical JSON
 *                     line of a row, dumping a table and loading one
 *   backup.c          backup_write, backup_verify, what a file must hold
 *   backup_restore.c  backup_restore into SQLite or PostgreSQL
 *
 * Errors: every function returns an enum backup_rc and writes a message
 * into the caller's buffer; the first message written wins, so the layer
 * that knows most (the file, the entry, the line) names the problem.
 */
#ifndef YC_STORE_BACKUP_IMPL_H
#define YC_STORE_BACKUP_IMPL_H

#include "backup.h"
#include "lib/strbuf.h"
#include "store_impl.h"

#define BACKUP_MAGIC "yingcai-backup/1"
#define BACKUP_NAME_MAX 128
#define BACKUP_DB_ENTRY "yingcai.db"
#define BACKUP_BLOB_PREFIX "blobs/"
#define BACKUP_LINE_MAX ((size_t)64 << 20) /* one row of a table entry */

/* bfail: format a message into err (unless one is there already) and
 * return rc. */
enum backup_rc bfail(char *err, size_t n, enum backup_rc rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* backup_errno_rc: ENOSPC, EDQUOT, EFBIG are BACKUP_FULL, the rest BACKUP_IO. */
enum backup_rc backup_errno_rc(int e);
/* backup_errno_what: ": the disk is full" for those, else "". */
const char *backup_errno_what(int e);
/* backup_store_rc: STORE_FULL is BACKUP_FULL, any other failure BACKUP_DB. */
enum backup_rc backup_store_rc(enum store_rc rc);
/* backup_blob_name: name is "blobs/" and 64 lower-case hex digits; the hex
 * part (or NULL). */
const char *backup_blob_name(const char *name);
/* backup_fsync_parent: fsync the directory that holds path. */
int backup_fsync_parent(const char *path);

/* ---- the container (backup_file.c) ---- */

struct bwriter;

/* bw_open: create path.tmp (O_EXCL, 0600) for writing; NULL on failure
 * (*rc why, message in err).  err must outlive the writer. */
struct bwriter *bw_open(const char *path, enum backup_rc *rc, char *err, size_t n);
enum backup_rc bw_header(struct bwriter *w, const char *backend, int schema,
		int64_t created);
/* bw_begin / bw_data / bw_end: one entry, its bytes streamed; bw_end
 * gives the hash of its bytes in hex (may be NULL). */
enum backup_rc bw_begin(struct bwriter *w, const char *name);
enum backup_rc bw_data(struct bwriter *w, const void *p, size_t len);
enum backup_rc bw_end(struct bwriter *w, char hex[65]);
/* bw_finish: the trailer, fsync, rename path.tmp to path, fsync the
 * directory; *bytes: the file's size.  Frees w, also on failure (then
 * path.tmp is removed). */
enum backup_rc bw_finish(struct bwriter *w, uint64_t *bytes);
/* bw_abort: remove path.tmp and free w (NULL: nothing). */
void bw_abort(struct bwriter *w);

struct breader;

struct bentry {
	char name[BACKUP_NAME_MAX + 1];
	uint64_t size;
};

/* br_open: open path and read its header into info (backend, schema,
 * created); NULL on failure (message in err, *rc why).  err must outlive
 * the reader. */
struct breader *br_open(const char *path, struct backup_info *info, enum backup_rc *rc,
		char *err, size_t n);
/* br_next: skip what is left of the current entry (checking its hash),
 * then the next entry into *e, or *e = NULL at the trailer (checked: the
 * count, the hash, nothing after it). */
enum backup_rc br_next(struct breader *r, const struct bentry **e);
/* br_read: up to len bytes of the current entry (*got: 0 at its end); the
 * entry's hash is checked when its last byte is read. */
enum backup_rc br_read(struct breader *r, void *p, size_t len, size_t *got);
/* br_line: the entry's next line, '\n' included, into sb (reset first);
 * sb->len 0 at the end of the entry.  A last line without '\n' or longer
 * than sb's cap is BACKUP_FORMAT. */
enum backup_rc br_line(struct breader *r, struct strbuf *sb);
/* br_offset: bytes read so far (the file's size after the trailer). */
uint64_t br_offset(const struct breader *r);
size_t br_count(const struct breader *r);
void br_close(struct breader *r);

/* ---- what a file holds (backup.c) ----
 * A sqlite backup: the image first, then documents; a postgresql backup:
 * every table entry in the order of backup_tables, documents anywhere
 * among them.  Documents: "blobs/<sha256>", in increasing order, each at
 * most BLOB_MAX bytes.  Anything else is BACKUP_FORMAT. */
struct bplan {
	bool rows;          /* a postgresql backup: table entries */
	bool image;         /* a sqlite backup: its image was seen */
	size_t tables;      /* table entries seen, in order */
	size_t blobs;
	char last_blob[65];
};

void plan_init(struct bplan *p, const struct backup_info *info);
enum backup_rc plan_entry(struct bplan *p, const struct bentry *e, char *err, size_t n);
enum backup_rc plan_end(const struct bplan *p, const char *path, char *err, size_t n);

/* backup_blob_list: every <2 hex>/<64 hex> under dir (blob.c's layout;
 * tmp/ and anything else is not a document), sorted, appended to l (free
 * l->v).  A missing directory has none. */
struct bnames {
	char (*v)[65];
	size_t n, cap;
};
enum backup_rc backup_blob_list(const char *dir, struct bnames *l, char *err, size_t n);

/* ---- tables as rows (backup_rows.c) ---- */

enum bcol_type { BCOL_INT, BCOL_TEXT, BCOL_BYTES };

struct bcol {
	const char *name;
	enum bcol_type type;
};

struct btable {
	const char *name;  /* "users" */
	const char *entry; /* "users.jsonl" */
	enum query_id dump, load;
	const struct bcol *cols;
	int ncols;
	bool replace;      /* schema_migrations: the target's rows go first */
};

/* In the order of a backup file (parents before the rows that refer to
 * them); schema_migrations is last. */
extern const struct btable backup_tables[BACKUP_TABLES];
/* backup_table_entry: the table whose entry is named name, or NULL. */
const struct btable *backup_table_entry(const char *name);

/* bsink: takes one line of a table entry ('\n' included). */
typedef enum backup_rc bsink(void *arg, const char *line, size_t len);

/* rows_dump: the table's column line and then each row, in key order, to
 * sink; c may be inside a transaction (a snapshot). */
enum backup_rc rows_dump(struct store_conn *c, const struct btable *t, bsink *sink,
		void *arg, char *err, size_t n);

/* A loader inserts the lines of one table entry through c (which should be
 * inside a transaction: a failed row fails it). */
struct bloader {
	struct store_conn *c;
	const struct btable *t;
	struct arena a;  /* one row's values */
	uint64_t line;
	uint64_t rows;
	char *err;
	size_t n;
};

void rows_load_init(struct bloader *l, struct store_conn *c, const struct btable *t,
		char *err, size_t n);
/* rows_load_line: a bsink (arg: the loader): the column line must be this
 * program's; each later line is a row, inserted. */
enum backup_rc rows_load_line(void *arg, const char *line, size_t len);
/* rows_load_end: was the entry whole (its column line there)?  Releases l. */
enum backup_rc rows_load_end(struct bloader *l);

/* rows_snapshot: begin the one read transaction of a backup (store_commit
 * ends it). */
enum backup_rc rows_snapshot(struct store_conn *c, char *err, size_t n);
/* rows_any: does the database hold a row (or, on PostgreSQL, a blob)? */
enum backup_rc rows_any(struct store_conn *c, bool *any, char *err, size_t n);
/* rows_loaded: after every table was loaded: the sequences (PostgreSQL). */
enum backup_rc rows_loaded(struct store_conn *c, char *err, size_t n);

#endif
