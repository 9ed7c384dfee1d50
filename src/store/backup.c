/* backup.c - backup_write and backup_verify (see backup.h), and what a
 * backup file must hold (plan_*, backup_impl.h).
 *
 * SQLite: the database is copied with the online backup API in one step
 * (sqlite3_backup_step(-1): one read transaction on the source, so one
 * state; in WAL mode writers go on meanwhile) into a temporary file beside
 * the backup, which becomes the "yingcai.db" entry.  The blob directory is
 * listed after that copy: documents are put before the rows that name them
 * and are never changed or removed, so the list holds every document the
 * copied database can name (and perhaps a few newer ones).  Each is
 * checked against its name as it is read: a damaged document fails the
 * backup rather than being carried into it.
 *
 * PostgreSQL: every table and the blobs table are read in one SERIALIZABLE
 * READ ONLY DEFERRABLE transaction (rows_snapshot), one pool connection.
 */
#include "backup_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define HEX 64
#define CHUNK ((size_t)1 << 16)

const char *backup_rc_name(enum backup_rc rc)
{
	switch (rc) {
	case BACKUP_OK: return "ok";
	case BACKUP_IO: return "file error";
	case BACKUP_FULL: return "disk full";
	case BACKUP_FORMAT: return "format";
	case BACKUP_DAMAGED: return "damaged";
	case BACKUP_NOT_EMPTY: return "target not empty";
	case BACKUP_DB: return "database error";
	}
	return "unknown";
}

/* ---- what a file holds ---- */

void plan_init(struct bplan *p, const struct backup_info *info)
{
	memset(p, 0, sizeof *p);
	p->rows = strcmp(info->backend, "postgresql") == 0;
}

enum backup_rc plan_entry(struct bplan *p, const struct bentry *e, char *err, size_t n)
{
	const char *hex = backup_blob_name(e->name);

	if (hex) {
		if (!p->rows && !p->image)
			return bfail(err, n, BACKUP_FORMAT, "entry %s comes before the database",
				     e->name);
		if (p->blobs && strcmp(hex, p->last_blob) <= 0)
			return bfail(err, n, BACKUP_FORMAT, "entry %s is out of order", e->name);
		if (e->size > BLOB_MAX)
			return bfail(err, n, BACKUP_FORMAT, "entry %s is larger than a document "
				     "may be", e->name);
		memcpy(p->last_blob, hex, HEX + 1);
		p->blobs++;
		return BACKUP_OK;
	}
	if (!p->rows && !p->image && strcmp(e->name, BACKUP_DB_ENTRY) == 0) {
		p->image = true;
		return BACKUP_OK;
	}
	if (p->rows && p->tables < BACKUP_TABLES &&
	    strcmp(e->name, backup_tables[p->tables].entry) == 0) {
		p->tables++;
		return BACKUP_OK;
	}
	if (p->rows && p->tables < BACKUP_TABLES && backup_table_entry(e->name))
		return bfail(err, n, BACKUP_FORMAT, "entry %s comes where %s should: that one is "
			     "missing, or the entries are out of order", e->name,
			     backup_tables[p->tables].entry);
	return bfail(err, n, BACKUP_FORMAT, "entry %s is not one this yingcai knows in a %s "
		     "backup (or is out of place)", e->name, p->rows ? "postgresql" : "sqlite");
}

enum backup_rc plan_end(const struct bplan *p, const char *path, char *err, size_t n)
{
	if (!p->rows && !p->image)
		return bfail(err, n, BACKUP_FORMAT, "%s holds no database (entry " BACKUP_DB_ENTRY
			     ")", path);
	if (p->rows && p->tables < BACKUP_TABLES)
		return bfail(err, n, BACKUP_FORMAT, "%s has no entry %s", path,
			     backup_tables[p->tables].entry);
	return BACKUP_OK;
}

enum backup_rc backup_verify(const char *path, struct backup_info *info, char *err, size_t n)
{
	struct backup_info mine;
	const struct bentry *e;
	struct breader *r;
	struct bplan plan;
	enum backup_rc rc, prc = BACKUP_OK;
	char perr[512] = "";

	if (!info)
		info = &mine;
	if (n)
		err[0] = '\0';
	if (!(r = br_open(path, info, &rc, err, n)))
		return rc;
	plan_init(&plan, info);
	/* every hash first: a damaged file is "damaged", whatever else it looks like */
	while ((rc = br_next(r, &e)) == BACKUP_OK && e)
		if (prc == BACKUP_OK)
			prc = plan_entry(&plan, e, perr, sizeof perr);
	if (rc == BACKUP_OK && prc == BACKUP_OK)
		prc = plan_end(&plan, path, perr, sizeof perr);
	if (rc == BACKUP_OK && prc != BACKUP_OK)
		rc = bfail(err, n, prc, "%s", perr);
	info->entries = br_count(r);
	info->tables = plan.tables;
	info->blobs = plan.blobs;
	info->bytes = br_offset(r);
	br_close(r);
	return rc;
}

/* ---- writing: SQLite ---- */

/* copy_fd: the rest of fd into the writer's current entry. */
static enum backup_rc copy_fd(struct bwriter *w, int fd, const char *path, uint64_t max,
		char *err, size_t n)
{
	unsigned char buf[CHUNK];
	enum backup_rc rc = BACKUP_OK;
	uint64_t total = 0;
	ssize_t k;

	while (rc == BACKUP_OK) {
		k = read(fd, buf, sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return bfail(err, n, BACKUP_IO, "%s: read: %s", path, strerror(errno));
		if (k == 0)
			break;
		total += (uint64_t)k;
		if (total > max)
			return bfail(err, n, BACKUP_IO, "%s is larger than %llu bytes", path,
				     (unsigned long long)max);
		rc = bw_data(w, buf, (size_t)k);
	}
	return rc;
}

/* image_rc: a failed sqlite3_backup_step. */
static enum backup_rc image_rc(sqlite3 *dst, int rc, const char *tmp, char *err, size_t n)
{
	int e = dst ? sqlite3_system_errno(dst) : 0;
	enum backup_rc brc = (rc & 0xff) == SQLITE_FULL ? BACKUP_FULL :
			     (rc & 0xff) == SQLITE_IOERR ? BACKUP_IO : BACKUP_DB;

	if (brc == BACKUP_FULL || (e && backup_errno_rc(e) == BACKUP_FULL))
		return bfail(err, n, BACKUP_FULL, "copying the database into %s: %s: the disk is "
			     "full", tmp, e ? strerror(e) : sqlite3_errstr(rc));
	return bfail(err, n, brc, "copying the database into %s: %s (%s)", tmp,
		     sqlite3_errmsg(dst), sqlite3_errstr(rc));
}

/* write_image: the database behind c, copied by the online backup API into
 * a temporary file beside path, as the entry "yingcai.db". */
static enum backup_rc write_image(struct store_conn *c, struct bwriter *w, const char *path,
		char *err, size_t n)
{
	char tmp[4096];
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	enum backup_rc rc;
	int fd, src;

	if (snprintf(tmp, sizeof tmp, "%s.image-XXXXXX", path) >= (int)sizeof tmp)
		return bfail(err, n, BACKUP_IO, "%s: the name is too long", path);
	if ((fd = mkstemp(tmp)) < 0)
		return bfail(err, n, backup_errno_rc(errno), "%s: cannot create: %s%s", tmp,
			     strerror(errno), backup_errno_what(errno));
	src = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (src != SQLITE_OK) {
		rc = image_rc(dst, src, tmp, err, n);
		goto out;
	}
	if (!(b = sqlite3_backup_init(dst, "main", c->db, "main"))) {
		rc = image_rc(dst, sqlite3_errcode(dst), tmp, err, n);
		goto out;
	}
	/* one step: one read transaction, one state; a lock held for a moment
	 * (a checkpoint, a recovery) is waited out */
	for (int tries = 0; tries < 100; tries++) {
		src = sqlite3_backup_step(b, -1);
		if (src != SQLITE_BUSY && src != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	sqlite3_backup_finish(b);
	if (src != SQLITE_DONE) {
		rc = image_rc(dst, src, tmp, err, n);
		goto out;
	}
	if ((src = sqlite3_close(dst)) != SQLITE_OK) {
		rc = image_rc(dst, src, tmp, err, n);
		goto out;
	}
	dst = NULL;
	if (lseek(fd, 0, SEEK_SET) != 0) {
		rc = bfail(err, n, BACKUP_IO, "%s: seek: %s", tmp, strerror(errno));
		goto out;
	}
	if ((rc = bw_begin(w, BACKUP_DB_ENTRY)) == BACKUP_OK &&
	    (rc = copy_fd(w, fd, tmp, UINT64_MAX, err, n)) == BACKUP_OK)
		rc = bw_end(w, NULL);
out:
	sqlite3_close(dst);
	close(fd);
	unlink(tmp);
	return rc;
}

static bool is_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool names_add(struct bnames *l, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 256;
		void *p = cap < l->cap ? NULL : realloc(l->v, cap * sizeof *l->v);

		if (!p)
			return false;
		l->v = p;
		l->cap = cap;
	}
	memcpy(l->v[l->n++], name, HEX + 1);
	return true;
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

enum backup_rc backup_blob_list(const char *dir, struct bnames *l, char *err, size_t n)
{
	char sub[4096];
	struct dirent *d, *f;
	DIR *top, *fan;
	enum backup_rc rc = BACKUP_OK;

	if (!(top = opendir(dir))) {
		if (errno == ENOENT)
			return BACKUP_OK;
		return bfail(err, n, BACKUP_IO, "blob directory %s: %s", dir, strerror(errno));
	}
	while (rc == BACKUP_OK && (d = readdir(top))) {
		if (strlen(d->d_name) != 2 || !is_hex(d->d_name, 2))
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", dir, d->d_name) >= (int)sizeof sub ||
		    !(fan = opendir(sub))) {
			rc = bfail(err, n, BACKUP_IO, "blob directory %s/%s: %s", dir, d->d_name,
				   strerror(errno));
			break;
		}
		while ((f = readdir(fan)))
			if (strlen(f->d_name) == HEX && is_hex(f->d_name, HEX) &&
			    memcmp(f->d_name, d->d_name, 2) == 0 && !names_add(l, f->d_name)) {
				rc = bfail(err, n, BACKUP_IO, "out of memory");
				break;
			}
		closedir(fan);
	}
	closedir(top);
	if (rc == BACKUP_OK && l->n)
		qsort(l->v, l->n, sizeof *l->v, names_cmp);
	return rc;
}

/* write_blob_file: one document of the blob directory, checked against its
 * name as it is read. */
static enum backup_rc write_blob_file(struct bwriter *w, const char *dir, const char *hex,
		char *err, size_t n)
{
	char path[4096], entry[BACKUP_NAME_MAX + 1], got[HEX + 1];
	struct stat st;
	enum backup_rc rc;
	int fd;

	snprintf(entry, sizeof entry, BACKUP_BLOB_PREFIX "%s", hex);
	if (snprintf(path, sizeof path, "%s/%.2s/%s", dir, hex, hex) >= (int)sizeof path)
		return bfail(err, n, BACKUP_IO, "blob directory %s: the name is too long", dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return bfail(err, n, BACKUP_IO, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return bfail(err, n, BACKUP_IO, "%s is not a file", path);
	}
	if ((rc = bw_begin(w, entry)) == BACKUP_OK &&
	    (rc = copy_fd(w, fd, path, BLOB_MAX, err, n)) == BACKUP_OK &&
	    (rc = bw_end(w, got)) == BACKUP_OK && strcmp(got, hex) != 0)
		rc = bfail(err, n, BACKUP_DAMAGED, "%s does not match its name (its SHA-256): the "
			   "document is damaged; move it out of the blob directory and back up "
			   "again", path);
	close(fd);
	return rc;
}

static enum backup_rc write_sqlite(struct store_conn *c, struct bwriter *w, const char *path,
		struct backup_info *info, char *err, size_t n)
{
	const char *dir = store_blob_dir(c->s);
	struct bnames blobs = { 0 };
	enum backup_rc rc;

	info->schema = store_schema_version(c);
	if (info->schema <= 0)
		return bfail(err, n, BACKUP_DB, "the database has no schema version");
	if ((rc = bw_header(w, "sqlite", info->schema, info->created)) != BACKUP_OK ||
	    (rc = write_image(c, w, path, err, n)) != BACKUP_OK)
		return rc;
	if (dir && (rc = backup_blob_list(dir, &blobs, err, n)) == BACKUP_OK)
		for (size_t i = 0; i < blobs.n && rc == BACKUP_OK; i++) {
			rc = write_blob_file(w, dir, blobs.v[i], err, n);
			info->blobs += rc == BACKUP_OK;
		}
	free(blobs.v);
	return rc;
}

/* ---- writing: PostgreSQL ---- */

static enum backup_rc write_line(void *arg, const char *line, size_t len)
{
	return bw_data(arg, line, len);
}

/* write_db_blobs: the blobs table, in the snapshot. */
static enum backup_rc write_db_blobs(struct store_conn *c, struct bwriter *w,
		struct backup_info *info, char *err, size_t n)
{
	char entry[BACKUP_NAME_MAX + 1];
	struct arena names, data;
	const char **hex = NULL;
	size_t count = 0, cap = 0;
	enum backup_rc rc = BACKUP_OK;
	enum store_rc src;
	const char **slot;
	struct q q;
	void *bytes;
	size_t len;

	arena_init(&names, 0);
	arena_init(&data, 0);
	q_start(&q, c, Q_BACKUP_BLOB_LIST);
	while (q_row(&q) && (slot = list_slot(&q, &names, (void **)&hex, &cap, count,
					      sizeof *hex)))
		*slot = col_str(&q, 0, &names), count++;
	if ((src = list_end(&q, &count)) != STORE_OK)
		rc = bfail(err, n, backup_store_rc(src), "the database failed listing its "
			   "documents (%s)", store_rc_name(src));
	for (size_t i = 0; i < count && rc == BACKUP_OK; i++) {
		src = STORE_ERROR;
		if (!hex[i] || (src = blob_get_conn(c, hex[i], &data, &bytes, &len)) != STORE_OK) {
			rc = bfail(err, n, backup_store_rc(src), "document %s: the database failed "
				   "reading it, or it does not match its hash (%s)",
				   hex[i] ? hex[i] : "?", store_rc_name(src));
			break;
		}
		snprintf(entry, sizeof entry, BACKUP_BLOB_PREFIX "%s", hex[i]);
		if ((rc = bw_begin(w, entry)) == BACKUP_OK &&
		    (rc = bw_data(w, bytes, len)) == BACKUP_OK)
			rc = bw_end(w, NULL);
		info->blobs += rc == BACKUP_OK;
		arena_reset(&data);
	}
	arena_release(&data);
	arena_release(&names);
	return rc;
}

static enum backup_rc write_pg(struct store_conn *c, struct bwriter *w,
		struct backup_info *info, char *err, size_t n)
{
	const struct btable *t;
	enum backup_rc rc;
	enum store_rc src;

	if ((rc = rows_snapshot(c, err, n)) != BACKUP_OK)
		return rc;
	info->schema = store_schema_version(c);
	if (info->schema <= 0) {
		rc = bfail(err, n, BACKUP_DB, "the database has no schema version");
		goto out;
	}
	if ((rc = bw_header(w, "postgresql", info->schema, info->created)) != BACKUP_OK)
		goto out;
	for (size_t i = 0; i < BACKUP_TABLES && rc == BACKUP_OK; i++) {
		t = &backup_tables[i];
		/* the documents before schema_migrations, the last table */
		if (i == BACKUP_TABLES - 1 &&
		    (rc = write_db_blobs(c, w, info, err, n)) != BACKUP_OK)
			break;
		if ((rc = bw_begin(w, t->entry)) == BACKUP_OK &&
		    (rc = rows_dump(c, t, write_line, w, err, n)) == BACKUP_OK)
			rc = bw_end(w, NULL);
		info->tables += rc == BACKUP_OK;
	}
out:
	if (rc != BACKUP_OK) {
		store_rollback(c);
		return rc;
	}
	if ((src = store_commit(c)) != STORE_OK)
		return bfail(err, n, backup_store_rc(src), "the database failed ending the "
			     "snapshot (%s)", store_rc_name(src));
	return BACKUP_OK;
}

enum backup_rc backup_write(struct store *s, const char *path, struct backup_info *info,
		char *err, size_t n)
{
	struct backup_info mine;
	struct store_conn *c;
	struct bwriter *w;
	enum backup_rc rc;

	if (!info)
		info = &mine;
	memset(info, 0, sizeof *info);
	if (n)
		err[0] = '\0';
	snprintf(info->backend, sizeof info->backend, "%s", s->be->name);
	info->created = (int64_t)time(NULL);
	if (!(w = bw_open(path, &rc, err, n)))
		return rc;
	c = store_conn_acquire(s);
	if (s->be->kind == STORE_SQLITE)
		rc = write_sqlite(c, w, path, info, err, n);
	else
		rc = write_pg(c, w, info, err, n);
	store_conn_release(c);
	info->entries = info->tables + info->blobs + (s->be->kind == STORE_SQLITE);
	if (rc != BACKUP_OK) {
		bw_abort(w);
		return rc;
	}
	return bw_finish(w, &info->bytes);
}
