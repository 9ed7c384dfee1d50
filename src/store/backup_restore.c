/* backup_restore.c - backup_restore (see backup.h): a verified backup file
 * into an empty SQLite or PostgreSQL target.
 *
 * Two passes over the file: backup_verify reads it whole and checks every
 * hash and what it must hold; only then is the target looked at and
 * changed, while the second pass checks the hashes again as it goes (the
 * file might change in between: then the restore fails and is undone).
 *
 * Entries go into a store connection (apply_entries): a table entry row by
 * row through its load query, a document through blob_put_conn (the blobs
 * table, or the blob directory), and a SQLite image, when the target is
 * not SQLite, by opening it as a store of its own in a temporary file and
 * copying its tables row by row (the same lines a PostgreSQL backup holds).
 *
 * SQLite target: everything is built beside the target, in
 * NAME.restore-tmp (the database file and the blob directory), through a
 * store opened on it, then renamed into place; a failure before that
 * removes the staging and leaves the target as it was.  A SQLite image is
 * written as the new file as it is (it was made by SQLite's backup API).
 * PostgreSQL target: one SERIALIZABLE transaction on the migrated schema.
 */
#include "backup_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrations.h"

#define PATH_MAX_ 4096
#define CHUNK ((size_t)1 << 16)

struct apply {
	const char *path;   /* the backup file */
	struct breader *r;
	struct store_conn *c;
	struct bplan plan;
	char *err;
	size_t n;
};

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static enum backup_rc write_all(int fd, const unsigned char *p, size_t len, const char *path,
		char *err, size_t n)
{
	while (len > 0) {
		ssize_t k = write(fd, p, len);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			int e = k < 0 ? errno : EIO;

			return bfail(err, n, backup_errno_rc(e), "%s: write: %s%s", path,
				     strerror(e), backup_errno_what(e));
		}
		p += k;
		len -= (size_t)k;
	}
	return BACKUP_OK;
}

/* entry_to_fd: the rest of the current entry into the new file fd (named
 * file), fsynced and closed. */
static enum backup_rc entry_to_fd(struct breader *r, int fd, const char *file, char *err,
		size_t n)
{
	unsigned char *buf = malloc(CHUNK);
	enum backup_rc rc = BACKUP_OK;
	size_t got = 1;

	if (!buf) {
		close(fd);
		return bfail(err, n, BACKUP_IO, "out of memory");
	}
	while (rc == BACKUP_OK && got > 0 && (rc = br_read(r, buf, CHUNK, &got)) == BACKUP_OK)
		rc = write_all(fd, buf, got, file, err, n);
	if (rc == BACKUP_OK && fsync(fd) != 0)
		rc = bfail(err, n, backup_errno_rc(errno), "%s: fsync: %s%s", file, strerror(errno),
			   backup_errno_what(errno));
	if (close(fd) != 0 && rc == BACKUP_OK)
		rc = bfail(err, n, backup_errno_rc(errno), "%s: close: %s%s", file, strerror(errno),
			   backup_errno_what(errno));
	free(buf);
	return rc;
}

/* entry_to_file: the same into a new file (O_EXCL). */
static enum backup_rc entry_to_file(struct breader *r, const char *file, char *err, size_t n)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);

	if (fd < 0)
		return bfail(err, n, backup_errno_rc(errno), "%s: cannot create: %s%s", file,
			     strerror(errno), backup_errno_what(errno));
	return entry_to_fd(r, fd, file, err, n);
}

static void unlink_db(const char *db)
{
	char p[PATH_MAX_ + 8];

	unlink(db);
	snprintf(p, sizeof p, "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", db);
	unlink(p);
	snprintf(p, sizeof p, "%s-journal", db);
	unlink(p);
}

/* ---- entries into a connection ---- */

static enum backup_rc apply_table(struct apply *ap, const struct btable *t)
{
	struct strbuf sb = STRBUF_INIT(BACKUP_LINE_MAX);
	struct bloader l;
	enum backup_rc rc, end;

	rows_load_init(&l, ap->c, t, ap->err, ap->n);
	while ((rc = br_line(ap->r, &sb)) == BACKUP_OK && sb.len &&
	       (rc = rows_load_line(&l, sb.buf, sb.len)) == BACKUP_OK)
		;
	end = rows_load_end(&l);
	strbuf_release(&sb);
	return rc != BACKUP_OK ? rc : end;
}

static enum backup_rc apply_blob(struct apply *ap, const struct bentry *e, const char *hex)
{
	unsigned char *buf = malloc(e->size ? (size_t)e->size : 1);
	char got_hex[65];
	enum backup_rc rc;
	enum store_rc src;
	size_t got;

	if (!buf)
		return bfail(ap->err, ap->n, BACKUP_IO, "out of memory");
	rc = br_read(ap->r, buf, (size_t)e->size, &got);
	if (rc == BACKUP_OK && (src = blob_put_conn(ap->c, buf, got, got_hex)) != STORE_OK)
		rc = bfail(ap->err, ap->n, backup_store_rc(src), "entry %s: the document cannot be "
			   "stored (%s)", e->name, store_rc_name(src));
	else if (rc == BACKUP_OK && strcmp(got_hex, hex) != 0)
		rc = bfail(ap->err, ap->n, BACKUP_FORMAT, "entry %s: the document does not match "
			   "its name (its SHA-256)", e->name);
	free(buf);
	return rc;
}

/* apply_image_rows: a SQLite image into a target that is not that image:
 * opened as a store of its own in a temporary file, its tables copied row
 * by row into ap->c. */
static enum backup_rc apply_image_rows(struct apply *ap)
{
	const char *tmpdir = getenv("TMPDIR");
	char tmp[PATH_MAX_], url[PATH_MAX_ + 8], oerr[512] = "";
	struct store *s = NULL;
	struct store_conn *sc;
	struct bloader l;
	enum backup_rc rc, end;
	enum store_rc src;
	int fd;

	if (snprintf(tmp, sizeof tmp, "%s/yingcai-restore-XXXXXX", tmpdir && *tmpdir ? tmpdir :
		     "/tmp") >= (int)sizeof tmp)
		return bfail(ap->err, ap->n, BACKUP_IO, "TMPDIR: the name is too long");
	if ((fd = mkstemp(tmp)) < 0)
		return bfail(ap->err, ap->n, backup_errno_rc(errno), "%s: cannot create: %s%s", tmp,
			     strerror(errno), backup_errno_what(errno));
	if ((rc = entry_to_fd(ap->r, fd, tmp, ap->err, ap->n)) != BACKUP_OK)
		goto out;
	snprintf(url, sizeof url, "sqlite:%s", tmp);
	if (!(s = store_open(url, NULL, 1, oerr, sizeof oerr))) {
		rc = bfail(ap->err, ap->n, BACKUP_FORMAT, "entry " BACKUP_DB_ENTRY ": the database "
			   "cannot be opened: %s", oerr);
		goto out;
	}
	sc = store_conn_acquire(s);
	rc = rows_snapshot(sc, ap->err, ap->n);
	for (size_t i = 0; i < BACKUP_TABLES && rc == BACKUP_OK; i++) {
		rows_load_init(&l, ap->c, &backup_tables[i], ap->err, ap->n);
		rc = rows_dump(sc, &backup_tables[i], rows_load_line, &l, ap->err, ap->n);
		end = rows_load_end(&l);
		if (rc == BACKUP_OK)
			rc = end;
	}
	if (rc == BACKUP_OK && (src = store_commit(sc)) != STORE_OK)
		rc = bfail(ap->err, ap->n, backup_store_rc(src), "entry " BACKUP_DB_ENTRY
			   ": reading it failed (%s)", store_rc_name(src));
	store_conn_release(sc);
out:
	store_close(s);
	unlink_db(tmp);
	return rc;
}

/* apply_entries: the entries left in the file into ap->c, checked against
 * what a file must hold. */
static enum backup_rc apply_entries(struct apply *ap)
{
	const struct bentry *e;
	const char *hex;
	enum backup_rc rc;

	while ((rc = br_next(ap->r, &e)) == BACKUP_OK && e) {
		if ((rc = plan_entry(&ap->plan, e, ap->err, ap->n)) != BACKUP_OK)
			break;
		if ((hex = backup_blob_name(e->name)))
			rc = apply_blob(ap, e, hex);
		else if (strcmp(e->name, BACKUP_DB_ENTRY) == 0)
			rc = apply_image_rows(ap);
		else
			rc = apply_table(ap, backup_table_entry(e->name));
		if (rc != BACKUP_OK)
			break;
	}
	return rc == BACKUP_OK ? plan_end(&ap->plan, ap->path, ap->err, ap->n) : rc;
}

static enum backup_rc open_again(struct apply *ap, const struct backup_info *checked)
{
	struct backup_info info;
	enum backup_rc rc;

	if (!(ap->r = br_open(ap->path, &info, &rc, ap->err, ap->n)))
		return rc;
	if (strcmp(info.backend, checked->backend) != 0 || info.schema != checked->schema ||
	    info.created != checked->created)
		return bfail(ap->err, ap->n, BACKUP_IO, "%s changed while it was being restored",
			     ap->path);
	plan_init(&ap->plan, &info);
	return BACKUP_OK;
}

/* ---- PostgreSQL ---- */

static enum backup_rc restore_pg(struct apply *ap, const struct backup_target *t,
		const struct backup_info *info)
{
	char oerr[512] = "";
	struct store *s;
	enum backup_rc rc;
	enum store_rc src;
	bool any;

	if (!(s = store_open(t->url, NULL, 1, oerr, sizeof oerr)))
		return bfail(ap->err, ap->n, BACKUP_DB, "the target database: %s", oerr);
	ap->c = store_conn_acquire(s);
	if ((src = store_begin_write(ap->c)) != STORE_OK) {
		rc = bfail(ap->err, ap->n, backup_store_rc(src), "the target database cannot "
			   "begin a transaction (%s)", store_rc_name(src));
		goto out;
	}
	if ((rc = rows_any(ap->c, &any, ap->err, ap->n)) != BACKUP_OK)
		goto out;
	if (any) {
		rc = bfail(ap->err, ap->n, BACKUP_NOT_EMPTY, "the target database already holds "
			   "records or documents: restore into an empty database or a new schema "
			   "(&schema=NAME)%s", t->force ? "; --force applies to SQLite only (a "
			   "restore never deletes a PostgreSQL database's records, its audit log "
			   "least of all)" : "");
		goto out;
	}
	if ((rc = open_again(ap, info)) != BACKUP_OK || (rc = apply_entries(ap)) != BACKUP_OK ||
	    (rc = rows_loaded(ap->c, ap->err, ap->n)) != BACKUP_OK)
		goto out;
	if ((src = store_commit(ap->c)) != STORE_OK)
		rc = bfail(ap->err, ap->n, backup_store_rc(src), "the target database failed at "
			   "commit (%s): nothing was restored", store_rc_name(src));
out:
	store_rollback(ap->c);
	store_conn_release(ap->c);
	store_close(s);
	return rc;
}

/* ---- SQLite ---- */

struct spaths {
	char db[PATH_MAX_], db_tmp[PATH_MAX_], db_aside[PATH_MAX_];
	char blobs[PATH_MAX_], blobs_tmp[PATH_MAX_], blobs_aside[PATH_MAX_];
	bool has_blobs;
};

static bool paths_of(struct spaths *p, const char *url, const char *blob_dir)
{
	const char *db = has_prefix(url, "sqlite:") ? url + 7 : url;
	int k = 0;

	memset(p, 0, sizeof *p);
	p->has_blobs = blob_dir != NULL;
	k |= snprintf(p->db, sizeof p->db, "%s", db) >= PATH_MAX_ - 32;
	k |= snprintf(p->db_tmp, sizeof p->db_tmp, "%s.restore-tmp", db) >= PATH_MAX_ - 16;
	k |= snprintf(p->db_aside, sizeof p->db_aside, "%s.before-restore", db) >= PATH_MAX_;
	if (blob_dir) {
		k |= snprintf(p->blobs, sizeof p->blobs, "%s", blob_dir) >= PATH_MAX_ - 32;
		k |= snprintf(p->blobs_tmp, sizeof p->blobs_tmp, "%s.restore-tmp", blob_dir) >=
		     PATH_MAX_ - 160;
		k |= snprintf(p->blobs_aside, sizeof p->blobs_aside, "%s.before-restore",
			      blob_dir) >= PATH_MAX_;
	}
	return *db && !k;
}

/* rm_blob_tree: dir, its files and its subdirectories' files (blob.c's
 * layout is two levels deep); symbolic links are removed, not followed. */
static void rm_blob_tree(const char *dir)
{
	char p[PATH_MAX_], q[PATH_MAX_];
	struct dirent *e, *f;
	struct stat st;
	DIR *d, *sub;

	if (!(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
			continue;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && (sub = opendir(p))) {
			while ((f = readdir(sub)))
				if (strcmp(f->d_name, ".") && strcmp(f->d_name, "..") &&
				    snprintf(q, sizeof q, "%s/%s", p, f->d_name) < (int)sizeof q)
					unlink(q);
			closedir(sub);
			rmdir(p);
		} else {
			unlink(p);
		}
	}
	closedir(d);
	rmdir(dir);
}

/* sqlite_target: does the target hold data?  *why says what (for the
 * message).  A database that cannot be opened counts as data; one in use
 * is refused outright. */
static enum backup_rc sqlite_target(const struct spaths *p, bool *data, char *why,
		size_t whyn, char *err, size_t n)
{
	char url[PATH_MAX_ + 8], oerr[512] = "", wal[PATH_MAX_ + 8];
	struct bnames docs = { 0 };
	struct store_conn *c;
	struct store *s;
	struct stat st;
	enum backup_rc rc = BACKUP_OK;
	bool any = false;

	*data = false;
	if (lstat(p->db, &st) != 0) {
		if (errno != ENOENT)
			return bfail(err, n, BACKUP_IO, "%s: %s", p->db, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		return bfail(err, n, BACKUP_FORMAT, "%s is not a database file", p->db);
	} else if (st.st_size > 0) {
		snprintf(url, sizeof url, "sqlite:%s", p->db);
		if (!(s = store_open_current(url, NULL, 1, oerr, sizeof oerr))) {
			snprintf(why, whyn, "it cannot be opened: %s", oerr);
			*data = true;
		} else {
			c = store_conn_acquire(s);
			rc = rows_any(c, &any, err, n);
			store_conn_release(c);
			store_close(s);
			if (any)
				snprintf(why, whyn, "it holds records");
			*data = any;
		}
		snprintf(wal, sizeof wal, "%s-wal", p->db);
		if (rc == BACKUP_OK && exists(wal))
			return bfail(err, n, BACKUP_NOT_EMPTY, "%s is in use (its -wal file stays "
				     "while a yingcai has it open): stop yingcai serve before "
				     "restoring", p->db);
	}
	if (rc == BACKUP_OK && p->has_blobs &&
	    (rc = backup_blob_list(p->blobs, &docs, err, n)) == BACKUP_OK && docs.n) {
		if (!*data)
			snprintf(why, whyn, "its blob directory %.300s holds %zu documents", p->blobs,
				 docs.n);
		*data = true;
	}
	free(docs.v);
	return rc;
}

/* stage: the database and documents of the backup into p->db_tmp and
 * p->blobs_tmp (made here). */
static enum backup_rc stage(struct apply *ap, const struct spaths *p,
		const struct backup_info *info)
{
	bool image = strcmp(info->backend, "sqlite") == 0;
	char url[PATH_MAX_ + 8], oerr[512] = "";
	const struct bentry *e;
	struct store *s;
	enum backup_rc rc;
	enum store_rc src;

	if ((rc = open_again(ap, info)) != BACKUP_OK)
		return rc;
	if (image) {
		/* the image first (plan_entry checks), written as the new file */
		if ((rc = br_next(ap->r, &e)) != BACKUP_OK || !e ||
		    (rc = plan_entry(&ap->plan, e, ap->err, ap->n)) != BACKUP_OK ||
		    strcmp(e->name, BACKUP_DB_ENTRY) != 0)
			return rc != BACKUP_OK ? rc : bfail(ap->err, ap->n, BACKUP_FORMAT,
							    "%s holds no database", ap->path);
		if ((rc = entry_to_file(ap->r, p->db_tmp, ap->err, ap->n)) != BACKUP_OK)
			return rc;
	}
	snprintf(url, sizeof url, "sqlite:%s", p->db_tmp);
	if (!(s = store_open(url, p->has_blobs ? p->blobs_tmp : NULL, 1, oerr, sizeof oerr)))
		return bfail(ap->err, ap->n, image ? BACKUP_FORMAT : BACKUP_DB, "%s: %s",
			     image ? "the database in the backup cannot be opened" :
			     "the new database", oerr);
	ap->c = store_conn_acquire(s);
	if (!image && (src = store_begin_write(ap->c)) != STORE_OK)
		rc = bfail(ap->err, ap->n, backup_store_rc(src), "the new database cannot begin a "
			   "transaction (%s)", store_rc_name(src));
	if (rc == BACKUP_OK)
		rc = apply_entries(ap);
	if (rc == BACKUP_OK && !image && (src = store_commit(ap->c)) != STORE_OK)
		rc = bfail(ap->err, ap->n, backup_store_rc(src), "the new database failed at "
			   "commit (%s)", store_rc_name(src));
	store_rollback(ap->c);
	store_conn_release(ap->c);
	ap->c = NULL;
	store_close(s);
	return rc;
}

static enum backup_rc move(const char *from, const char *to, char *err, size_t n)
{
	if (rename(from, to) == 0)
		return BACKUP_OK;
	return bfail(err, n, backup_errno_rc(errno), "cannot rename %s to %s: %s", from, to,
		     strerror(errno));
}

/* swap: the old target aside (data) or away (empty: no document in its
 * blob directory, see sqlite_target), the staged one in.  *placed: the new
 * database is in place (from then on the staging is not removed). */
static enum backup_rc swap(const struct spaths *p, bool data, bool *moved, bool *placed,
		char *err, size_t n)
{
	bool db_aside = false, blobs_aside = false;
	enum backup_rc rc = BACKUP_OK;

	if (data && exists(p->db))
		db_aside = (rc = move(p->db, p->db_aside, err, n)) == BACKUP_OK;
	if (rc == BACKUP_OK && p->has_blobs && exists(p->blobs)) {
		if (data)
			blobs_aside = (rc = move(p->blobs, p->blobs_aside, err, n)) == BACKUP_OK;
		else
			rm_blob_tree(p->blobs);
	}
	if (rc == BACKUP_OK)
		rc = move(p->db_tmp, p->db, err, n);
	if (rc != BACKUP_OK) {
		/* put back what was moved aside */
		if (blobs_aside)
			rename(p->blobs_aside, p->blobs);
		if (db_aside)
			rename(p->db_aside, p->db);
		return rc;
	}
	*placed = true;
	*moved = db_aside || blobs_aside;
	if (p->has_blobs && (rc = move(p->blobs_tmp, p->blobs, err, n)) != BACKUP_OK)
		return bfail(err, n, rc, "the database was restored but its documents are still "
			     "in %s", p->blobs_tmp);
	if (backup_fsync_parent(p->db) != 0 ||
	    (p->has_blobs && backup_fsync_parent(p->blobs) != 0))
		return bfail(err, n, BACKUP_IO, "%s: fsync of its directory: %s", p->db,
			     strerror(errno));
	return BACKUP_OK;
}

static enum backup_rc restore_sqlite(struct apply *ap, const struct backup_target *t,
		const struct backup_info *info, bool *moved)
{
	struct spaths p;
	char why[768] = "";
	enum backup_rc rc;
	bool data, placed = false;

	if (!paths_of(&p, t->url, t->blob_dir))
		return bfail(ap->err, ap->n, BACKUP_FORMAT, "%s: not a database file name", t->url);
	if (info->blobs && !p.has_blobs)
		return bfail(ap->err, ap->n, BACKUP_FORMAT, "the backup holds %zu documents but no "
			     "blob directory was given", info->blobs);
	if ((rc = sqlite_target(&p, &data, why, sizeof why, ap->err, ap->n)) != BACKUP_OK)
		return rc;
	if (data && !t->force)
		return bfail(ap->err, ap->n, BACKUP_NOT_EMPTY, "%s is not empty (%s): restore into "
			     "an empty data directory, or give --force to move the old database "
			     "aside to %s", p.db, why, p.db_aside);
	if (data && (exists(p.db_aside) || (p.has_blobs && exists(p.blobs_aside))))
		return bfail(ap->err, ap->n, BACKUP_NOT_EMPTY, "%s is there from an earlier "
			     "restore: move it away first", exists(p.db_aside) ? p.db_aside :
			     p.blobs_aside);
	/* staging of an interrupted restore (the names are ours) */
	unlink_db(p.db_tmp);
	if (p.has_blobs)
		rm_blob_tree(p.blobs_tmp);
	rc = stage(ap, &p, info);
	if (rc == BACKUP_OK)
		rc = swap(&p, data, moved, &placed, ap->err, ap->n);
	if (rc != BACKUP_OK && !placed) {
		unlink_db(p.db_tmp);
		if (p.has_blobs)
			rm_blob_tree(p.blobs_tmp);
	}
	return rc;
}

enum backup_rc backup_restore(const char *path, const struct backup_target *t,
		struct backup_info *info, char *err, size_t n)
{
	struct backup_info mine;
	struct apply ap = { .path = path, .err = err, .n = n };
	enum backup_rc rc;
	bool moved = false;

	if (!info)
		info = &mine;
	if ((rc = backup_verify(path, info, err, n)) != BACKUP_OK)
		return rc;
	if (info->schema > migrations_latest())
		return bfail(err, n, BACKUP_FORMAT, "%s was made by a newer yingcai (schema %d; "
			     "this one has %d): restore it with that one", path, info->schema,
			     migrations_latest());
	if (strcmp(info->backend, "postgresql") == 0 && info->schema != migrations_latest())
		return bfail(err, n, BACKUP_FORMAT, "%s holds the rows of schema %d and this "
			     "yingcai has %d: restore it with the yingcai that made it, then "
			     "upgrade", path, info->schema, migrations_latest());
	if (!t->url || !*t->url)
		return bfail(err, n, BACKUP_FORMAT, "no target database given");
	if (has_prefix(t->url, "postgresql://") || has_prefix(t->url, "postgres://"))
		rc = restore_pg(&ap, t, info);
	else
		rc = restore_sqlite(&ap, t, info, &moved);
	br_close(ap.r);
	info->moved_aside = moved;
	return rc;
}
