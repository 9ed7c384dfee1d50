/* blob.c - content-addressed document blobs (store_blob_put/get, see
 * store.h): named by the SHA-256 of their bytes, checked against it when
 * read, at most BLOB_MAX bytes.
 *
 * SQLite (one machine): files under the blob directory.
 *   tmp/<32 hex>        a blob being written (random name, O_EXCL)
 *   <2 hex>/<64 hex>    a blob, named by the SHA-256 of its bytes
 * A blob is written to tmp/, fsynced, renamed into place and the directory
 * fsynced, so a crash leaves either no blob or a whole one.  Paths are
 * built only from the blob directory and hex digits we produce or check;
 * never from a name a user gave.
 *
 * PostgreSQL (several servers): the blobs table (migration 2), so every
 * server sees every document and a database backup holds them.  A put asks
 * first whether the hash is there (no need to send the bytes again), then
 * inserts with ON CONFLICT DO NOTHING (two servers putting the same bytes
 * at once); the bytes go and come back in binary.
 */
#include "store_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define HASH_HEX 64

/* ---- common ---- */

static void blob_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void blob_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("store: blob: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* blob_hash: the SHA-256 of data as 64 lower-case hex digits. */
static void blob_hash(const void *data, size_t len, char hex[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, data, len);
	sodium_bin2hex(hex, 65, digest, sizeof digest);
}

/* errno_rc: a full disk, quota or file-size limit is STORE_FULL. */
static enum store_rc errno_rc(int e)
{
	if (e == ENOSPC || e == EDQUOT || e == EFBIG)
		return STORE_FULL;
	return STORE_ERROR;
}

static bool hash_hex_valid(const char *h)
{
	if (!h)
		return false;
	for (size_t i = 0; i < HASH_HEX; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return h[HASH_HEX] == '\0';
}

/* blob_path: "<dir>/<a>" or "<dir>/<a>/<b>" (b may be NULL) into buf. */
static bool blob_path(char *buf, size_t n, const char *dir, const char *a, const char *b)
{
	int w = b ? snprintf(buf, n, "%s/%s/%s", dir, a, b)
		  : snprintf(buf, n, "%s/%s", dir, a);

	if (w < 0 || (size_t)w >= n) {
		blob_log("path too long under %s", dir);
		return false;
	}
	return true;
}

static int fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* ensure_dir: mkdir path (0750) unless it exists; a new directory is made
 * durable by fsyncing its parent. */
static enum store_rc ensure_dir(const char *path, const char *parent)
{
	if (mkdir(path, 0750) == 0) {
		if (fsync_dir(parent) != 0) {
			blob_log("fsync %s: %s", parent, strerror(errno));
			return errno_rc(errno);
		}
		return STORE_OK;
	}
	if (errno == EEXIST)
		return STORE_OK;
	blob_log("mkdir %s: %s", path, strerror(errno));
	return errno_rc(errno);
}

static enum store_rc write_all(int fd, const unsigned char *p, size_t len, const char *path)
{
	while (len > 0) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;

			blob_log("write %s: %s", path, strerror(e));
			return errno_rc(e);
		}
		p += w;
		len -= (size_t)w;
	}
	return STORE_OK;
}

/* blob_write_tmp: data into a new file under <dir>/tmp, fsynced and closed;
 * its path in tmp (size n).  On failure nothing is left behind. */
static enum store_rc blob_write_tmp(const char *dir, const void *data, size_t len,
		char *tmp, size_t n)
{
	unsigned char rnd[16];
	char name[2 * sizeof rnd + 1];
	char tmpdir[4096];
	enum store_rc rc;
	int fd;

	if (!blob_path(tmpdir, sizeof tmpdir, dir, "tmp", NULL))
		return STORE_ERROR;
	if ((rc = ensure_dir(tmpdir, dir)) != STORE_OK)
		return rc;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(name, sizeof name, rnd, sizeof rnd);
	if (!blob_path(tmp, n, dir, "tmp", name))
		return STORE_ERROR;
	fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0) {
		blob_log("create %s: %s", tmp, strerror(errno));
		return errno_rc(errno);
	}
	rc = write_all(fd, data, len, tmp);
	if (rc == STORE_OK && fsync(fd) != 0) {
		blob_log("fsync %s: %s", tmp, strerror(errno));
		rc = errno_rc(errno);
	}
	if (close(fd) != 0 && rc == STORE_OK) {
		blob_log("close %s: %s", tmp, strerror(errno));
		rc = errno_rc(errno);
	}
	if (rc != STORE_OK)
		unlink(tmp);
	return rc;
}

/* fs_put: data (hashed already into sha256_hex) into the directory. */
static enum store_rc fs_put(const char *dir, const void *data, size_t len,
		const char *sha256_hex)
{
	char fan[3], fandir[4096], final[4096], tmp[4096];
	struct stat st;
	enum store_rc rc;

	if (!dir) {
		blob_log("no blob directory configured");
		return STORE_ERROR;
	}
	memcpy(fan, sha256_hex, 2);
	fan[2] = '\0';
	if (!blob_path(fandir, sizeof fandir, dir, fan, NULL) ||
	    !blob_path(final, sizeof final, dir, fan, sha256_hex))
		return STORE_ERROR;
	if (stat(final, &st) == 0 && S_ISREG(st.st_mode))
		return STORE_OK; /* the same bytes are already there */
	if ((rc = blob_write_tmp(dir, data, len, tmp, sizeof tmp)) != STORE_OK)
		return rc;
	if ((rc = ensure_dir(fandir, dir)) != STORE_OK)
		goto out;
	if (rename(tmp, final) != 0) {
		blob_log("rename %s: %s", final, strerror(errno));
		rc = errno_rc(errno);
		goto out;
	}
	tmp[0] = '\0'; /* renamed: nothing left to remove */
	if (fsync_dir(fandir) != 0) {
		blob_log("fsync %s: %s", fandir, strerror(errno));
		rc = errno_rc(errno);
	}
out:
	if (tmp[0])
		unlink(tmp);
	return rc;
}

static enum store_rc read_all(int fd, unsigned char *p, size_t len, const char *path)
{
	while (len > 0) {
		ssize_t r = read(fd, p, len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			blob_log("read %s: %s", path, r < 0 ? strerror(errno) : "short file");
			return STORE_ERROR;
		}
		p += r;
		len -= (size_t)r;
	}
	return STORE_OK;
}

/* blob_check: the bytes still hash to their name (a corrupt disk or a
 * tampered file is an error, never served). */
static enum store_rc blob_check(const void *data, size_t len, const char *hex,
		const char *path)
{
	char got[65];

	blob_hash(data, len, got);
	if (memcmp(got, hex, HASH_HEX) != 0) {
		blob_log("%s does not match its hash", path);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* fs_get: the blob named sha256_hex (valid) from the directory. */
static enum store_rc fs_get(const char *dir, const char *sha256_hex, struct arena *a,
		void **data, size_t *len)
{
	char fan[3], path[4096];
	unsigned char *buf;
	struct stat st;
	enum store_rc rc;
	size_t size;
	int fd;

	if (!dir) {
		blob_log("no blob directory configured");
		return STORE_ERROR;
	}
	memcpy(fan, sha256_hex, 2);
	fan[2] = '\0';
	if (!blob_path(path, sizeof path, dir, fan, sha256_hex))
		return STORE_ERROR;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return STORE_NOTFOUND;
		blob_log("open %s: %s", path, strerror(errno));
		return STORE_ERROR;
	}
	rc = STORE_ERROR;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0 ||
	    (uint64_t)st.st_size > BLOB_MAX) {
		blob_log("%s is not a regular file of at most %zu bytes", path, BLOB_MAX);
		goto out;
	}
	size = (size_t)st.st_size;
	if (!(buf = arena_alloc(a, size ? size : 1))) {
		blob_log("out of memory for %zu bytes", size);
		goto out;
	}
	if ((rc = read_all(fd, buf, size, path)) != STORE_OK ||
	    (rc = blob_check(buf, size, sha256_hex, path)) != STORE_OK)
		goto out;
	*data = buf;
	*len = size;
out:
	close(fd);
	return rc;
}

/* ---- PostgreSQL: the blobs table ---- */

static enum store_rc db_put(struct store_conn *c, const void *data, size_t len,
		const char *sha256_hex)
{
	enum store_rc rc;
	struct q q;

	q_start(&q, c, Q_BLOB_HAS);
	q_text(&q, 1, sha256_hex);
	rc = q_end(&q, q_one(&q));
	if (rc != STORE_NOTFOUND)
		return rc; /* STORE_OK: the same bytes are already there */
	q_start(&q, c, Q_BLOB_PUT);
	q_text(&q, 1, sha256_hex);
	q_int(&q, 2, (int64_t)len);
	q_bytes(&q, 3, data, len);
	return q_end(&q, q_finish(&q));
}

static enum store_rc db_get(struct store_conn *c, const char *sha256_hex, struct arena *a,
		void **data, size_t *len)
{
	const void *bytes;
	unsigned char *buf;
	enum store_rc rc;
	size_t size = 0;
	struct q q;

	q_start(&q, c, Q_BLOB_GET);
	q_text(&q, 1, sha256_hex);
	if ((rc = q_one(&q)) != STORE_OK)
		return q_end(&q, rc);
	bytes = col_bytes(&q, 0, &size);
	rc = STORE_ERROR;
	if (!bytes || size > BLOB_MAX) {
		blob_log("%s: not a blob of at most %zu bytes", sha256_hex, BLOB_MAX);
	} else if (!(buf = arena_alloc(a, size ? size : 1))) {
		blob_log("out of memory for %zu bytes", size);
	} else {
		memcpy(buf, bytes, size);
		if ((rc = blob_check(buf, size, sha256_hex, sha256_hex)) == STORE_OK) {
			*data = buf;
			*len = size;
		}
	}
	return q_end(&q, rc);
}

/* ---- the API ---- */

/* put / get: on PostgreSQL through c; on SQLite in s's directory (c unused). */
static enum store_rc put(struct store *s, struct store_conn *c, const void *data, size_t len,
		char sha256_hex[65])
{
	sha256_hex[0] = '\0';
	if (len > BLOB_MAX) {
		blob_log("%zu bytes is over the %zu byte limit", len, BLOB_MAX);
		return STORE_ERROR;
	}
	blob_hash(data, len, sha256_hex);
	if (s->be->kind == STORE_PG)
		return db_put(c, data, len, sha256_hex);
	return fs_put(store_blob_dir(s), data, len, sha256_hex);
}

static enum store_rc get(struct store *s, struct store_conn *c, const char *sha256_hex,
		struct arena *a, void **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	if (!hash_hex_valid(sha256_hex))
		return STORE_NOTFOUND; /* no blob can have that name */
	if (s->be->kind == STORE_PG)
		return db_get(c, sha256_hex, a, data, len);
	return fs_get(store_blob_dir(s), sha256_hex, a, data, len);
}

enum store_rc blob_put_conn(struct store_conn *c, const void *data, size_t len,
		char sha256_hex[65])
{
	return put(c->s, c, data, len, sha256_hex);
}

enum store_rc blob_get_conn(struct store_conn *c, const char *sha256_hex, struct arena *a,
		void **data, size_t *len)
{
	return get(c->s, c, sha256_hex, a, data, len);
}

/* On PostgreSQL the blob functions take a pool connection for their
 * duration (store.h). */
enum store_rc store_blob_put(struct store *s, const void *data, size_t len,
		char sha256_hex[65])
{
	struct store_conn *c = s->be->kind == STORE_PG ? store_conn_acquire(s) : NULL;
	enum store_rc rc = put(s, c, data, len, sha256_hex);

	store_conn_release(c);
	return rc;
}

enum store_rc store_blob_get(struct store *s, const char *sha256_hex, struct arena *a,
		void **data, size_t *len)
{
	struct store_conn *c = s->be->kind == STORE_PG ? store_conn_acquire(s) : NULL;
	enum store_rc rc = get(s, c, sha256_hex, a, data, len);

	store_conn_release(c);
	return rc;
}
