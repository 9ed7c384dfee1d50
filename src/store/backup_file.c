/* backup_file.c - the yingcai-backup/1 container (see backup.h for the
 * layout, backup_impl.h for the functions).
 *
 * Writing streams each entry without knowing its size first: its line is
 * written with zeros for the size and the hash, the bytes follow, and when
 * the entry ends the line is rewritten in place (pwrite) with the real
 * values, which have fixed widths.  The trailer's hash is taken over the
 * header and the final entry lines, so it is known when the last entry
 * ends without reading the file again.
 *
 * Reading is one pass through a buffer: framing lines are parsed strictly
 * (fixed widths, no spaces to spare) and every entry's bytes are hashed as
 * they are handed out; the hash is compared when the entry's last byte is
 * read, the trailer when it is reached.  Nothing in the file is trusted to
 * size an allocation: lines are at most LINE_MAX bytes, entries are read
 * into the caller's buffers.
 */
#include "backup_impl.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#define BUF_SIZE ((size_t)1 << 16)
#define LINE_MAX_ 256      /* a framing line */
#define SIZE_DIGITS 20
#define HEX 64

/* ---- shared ---- */

enum backup_rc bfail(char *err, size_t n, enum backup_rc rc, const char *fmt, ...)
{
	va_list ap;

	if (n && !err[0]) {
		va_start(ap, fmt);
		vsnprintf(err, n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

enum backup_rc backup_errno_rc(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG ? BACKUP_FULL : BACKUP_IO;
}

const char *backup_errno_what(int e)
{
	return backup_errno_rc(e) == BACKUP_FULL ? ": the disk is full" : "";
}

enum backup_rc backup_store_rc(enum store_rc rc)
{
	return rc == STORE_OK ? BACKUP_OK : rc == STORE_FULL ? BACKUP_FULL : BACKUP_DB;
}

static bool is_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

const char *backup_blob_name(const char *name)
{
	size_t p = strlen(BACKUP_BLOB_PREFIX);

	if (strncmp(name, BACKUP_BLOB_PREFIX, p) != 0 || strlen(name + p) != HEX ||
	    !is_hex(name + p, HEX))
		return NULL;
	return name + p;
}

int backup_fsync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == path)
		snprintf(dir, sizeof dir, "/");
	else if ((size_t)(slash - path) < sizeof dir)
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	else
		return -1;
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* name_valid: [A-Za-z0-9._/-], 1..BACKUP_NAME_MAX bytes: names are never
 * paths, but they are printed and compared. */
static bool name_valid(const char *s, size_t len)
{
	if (len == 0 || len > BACKUP_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == '_' ||
		      s[i] == '-' || s[i] == '/'))
			return false;
	return true;
}

/* ---- writing ---- */

struct bwriter {
	int fd;
	char *path, *tmp;
	char *err;
	size_t n;
	unsigned char buf[BUF_SIZE];
	size_t len;          /* bytes buffered */
	uint64_t off;        /* file offset of buf[0] */
	crypto_hash_sha256_state summary, h;
	uint64_t at, size;   /* the entry: offset of its line, bytes so far */
	char name[BACKUP_NAME_MAX + 1];
	bool in_entry;
	size_t count;
};

static enum backup_rc w_errno(struct bwriter *w, const char *what, int e)
{
	return bfail(w->err, w->n, backup_errno_rc(e), "%s: %s: %s%s", w->tmp, what, strerror(e),
		     backup_errno_what(e));
}

static enum backup_rc pwrite_all(struct bwriter *w, const void *p, size_t len, uint64_t at)
{
	const unsigned char *b = p;

	while (len > 0) {
		ssize_t k = pwrite(w->fd, b, len, (off_t)at);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return w_errno(w, "write", k < 0 ? errno : EIO);
		b += k;
		len -= (size_t)k;
		at += (uint64_t)k;
	}
	return BACKUP_OK;
}

static enum backup_rc w_flush(struct bwriter *w)
{
	enum backup_rc rc = pwrite_all(w, w->buf, w->len, w->off);

	w->off += w->len;
	w->len = 0;
	return rc;
}

static enum backup_rc w_put(struct bwriter *w, const void *p, size_t len)
{
	const unsigned char *b = p;
	enum backup_rc rc;

	while (len > 0) {
		size_t k = BUF_SIZE - w->len < len ? BUF_SIZE - w->len : len;

		memcpy(w->buf + w->len, b, k);
		w->len += k;
		b += k;
		len -= k;
		if (w->len == BUF_SIZE && (rc = w_flush(w)) != BACKUP_OK)
			return rc;
	}
	return BACKUP_OK;
}

/* w_framing: a line that the trailer's hash covers. */
static enum backup_rc w_framing(struct bwriter *w, const char *line, size_t len)
{
	crypto_hash_sha256_update(&w->summary, (const unsigned char *)line, len);
	return w_put(w, line, len);
}

struct bwriter *bw_open(const char *path, enum backup_rc *rc, char *err, size_t n)
{
	struct bwriter *w = calloc(1, sizeof *w);
	size_t len = strlen(path);

	if (!w || !(w->path = strdup(path)) || !(w->tmp = malloc(len + 5))) {
		*rc = bfail(err, n, BACKUP_IO, "out of memory");
		goto fail;
	}
	memcpy(w->tmp, path, len);
	memcpy(w->tmp + len, ".tmp", 5);
	w->err = err;
	w->n = n;
	w->fd = open(w->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		if (errno == EEXIST)
			*rc = bfail(err, n, BACKUP_IO, "%s exists: another backup is writing %s, "
				    "or one was interrupted (then remove %s)", w->tmp, path, w->tmp);
		else
			*rc = w_errno(w, "cannot create", errno);
		goto fail;
	}
	crypto_hash_sha256_init(&w->summary);
	return w;
fail:
	if (w) {
		free(w->path);
		free(w->tmp);
	}
	free(w);
	return NULL;
}

enum backup_rc bw_header(struct bwriter *w, const char *backend, int schema, int64_t created)
{
	char line[LINE_MAX_];
	int k = snprintf(line, sizeof line, BACKUP_MAGIC "\nbackend %s\nschema %d\ncreated %"
			 PRId64 "\n\n", backend, schema, created);

	assert(k > 0 && (size_t)k < sizeof line);
	return w_framing(w, line, (size_t)k);
}

/* entry_line: "entry NAME SIZE HASH\n" into line (size > its length). */
static size_t entry_line(char *line, size_t size, const char *name, uint64_t n,
		const char *hex)
{
	int k = snprintf(line, size, "entry %s %0*" PRIu64 " %s\n", name, SIZE_DIGITS, n, hex);

	assert(k > 0 && (size_t)k < size);
	return (size_t)k;
}

enum backup_rc bw_begin(struct bwriter *w, const char *name)
{
	char line[LINE_MAX_], zeros[HEX + 1];

	assert(!w->in_entry && name_valid(name, strlen(name)));
	memset(zeros, '0', HEX);
	zeros[HEX] = '\0';
	snprintf(w->name, sizeof w->name, "%s", name);
	w->at = w->off + w->len;
	w->size = 0;
	w->in_entry = true;
	crypto_hash_sha256_init(&w->h);
	return w_put(w, line, entry_line(line, sizeof line, name, 0, zeros));
}

enum backup_rc bw_data(struct bwriter *w, const void *p, size_t len)
{
	assert(w->in_entry);
	crypto_hash_sha256_update(&w->h, p, len);
	w->size += len;
	return w_put(w, p, len);
}

enum backup_rc bw_end(struct bwriter *w, char hex_out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char line[LINE_MAX_], hex[HEX + 1];
	enum backup_rc rc;
	size_t len;

	assert(w->in_entry);
	w->in_entry = false;
	crypto_hash_sha256_final(&w->h, digest);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	if (hex_out)
		memcpy(hex_out, hex, sizeof hex);
	len = entry_line(line, sizeof line, w->name, w->size, hex);
	crypto_hash_sha256_update(&w->summary, (const unsigned char *)line, len);
	w->count++;
	/* the line is in the buffer still, or already in the file */
	if (w->at >= w->off) {
		memcpy(w->buf + (w->at - w->off), line, len);
		return BACKUP_OK;
	}
	if ((rc = w_flush(w)) != BACKUP_OK)
		return rc;
	return pwrite_all(w, line, len, w->at);
}

static void w_free(struct bwriter *w)
{
	free(w->path);
	free(w->tmp);
	free(w);
}

void bw_abort(struct bwriter *w)
{
	if (!w)
		return;
	close(w->fd);
	unlink(w->tmp);
	w_free(w);
}

enum backup_rc bw_finish(struct bwriter *w, uint64_t *bytes)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char line[LINE_MAX_], hex[HEX + 1];
	enum backup_rc rc;
	int k, fd;

	assert(!w->in_entry);
	crypto_hash_sha256_final(&w->summary, digest);
	sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
	k = snprintf(line, sizeof line, "end %zu %s\n", w->count, hex);
	if ((rc = w_put(w, line, (size_t)k)) != BACKUP_OK || (rc = w_flush(w)) != BACKUP_OK)
		goto fail;
	if (fsync(w->fd) != 0) {
		rc = w_errno(w, "fsync", errno);
		goto fail;
	}
	fd = w->fd;
	w->fd = -1;
	if (close(fd) != 0) {
		rc = w_errno(w, "close", errno);
		goto fail;
	}
	if (rename(w->tmp, w->path) != 0) {
		rc = w_errno(w, "rename", errno);
		goto fail;
	}
	if (backup_fsync_parent(w->path) != 0) {
		rc = bfail(w->err, w->n, backup_errno_rc(errno), "%s: fsync of its directory: %s",
			   w->path, strerror(errno));
		w_free(w);
		return rc;
	}
	if (bytes)
		*bytes = w->off;
	w_free(w);
	return BACKUP_OK;
fail:
	bw_abort(w);
	return rc;
}

/* ---- reading ---- */

struct breader {
	int fd;
	char *path;
	char *err;
	size_t n;
	unsigned char buf[BUF_SIZE];
	size_t pos, len;
	uint64_t off;                /* bytes taken from the file so far */
	crypto_hash_sha256_state summary, h;
	struct bentry e;
	bool in_entry;
	uint64_t left;               /* bytes of the entry not yet read */
	unsigned char want[crypto_hash_sha256_BYTES];
	size_t count;
};

static enum backup_rc r_damaged(struct breader *r, const char *what)
{
	return bfail(r->err, r->n, BACKUP_DAMAGED, "%s: %s at byte %" PRIu64 ": the backup "
		     "file is damaged", r->path, what, r->off);
}

static enum backup_rc r_truncated(struct breader *r)
{
	if (r->in_entry)
		return bfail(r->err, r->n, BACKUP_DAMAGED, "%s ends in the middle of entry %s: "
			     "the backup file is incomplete", r->path, r->e.name);
	return bfail(r->err, r->n, BACKUP_DAMAGED, "%s ends after %zu entries without its "
		     "trailer: the backup file is incomplete", r->path, r->count);
}

/* fill: more bytes in the buffer; false at the end of the file (*rc
 * BACKUP_OK) or on an error. */
static bool fill(struct breader *r, enum backup_rc *rc)
{
	ssize_t k;

	*rc = BACKUP_OK;
	if (r->pos < r->len)
		return true;
	do
		k = read(r->fd, r->buf, BUF_SIZE);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		*rc = bfail(r->err, r->n, BACKUP_IO, "%s: read: %s", r->path, strerror(errno));
		return false;
	}
	r->pos = 0;
	r->len = (size_t)k;
	return k > 0;
}

/* framing_line: the next line outside an entry, without its '\n', into
 * line (LINE_MAX_); its bytes go into the trailer's hash when `summed`. */
static enum backup_rc framing_line(struct breader *r, char *line, size_t *len, bool summed)
{
	enum backup_rc rc = BACKUP_OK;
	unsigned char c;

	*len = 0;
	for (;;) {
		if (!fill(r, &rc)) {
			if (rc == BACKUP_OK)
				rc = r_truncated(r);
			break;
		}
		c = r->buf[r->pos++];
		r->off++;
		if (summed)
			crypto_hash_sha256_update(&r->summary, &c, 1);
		if (c == '\n')
			break;
		if (*len + 1 >= LINE_MAX_ || c < 0x20 || c > 0x7e) {
			rc = r_damaged(r, "an unreadable line");
			break;
		}
		line[(*len)++] = (char)c;
	}
	line[*len] = '\0';
	return rc;
}

/* parse_uint: exactly the digits of s[0..len) (1..20 of them, no sign). */
static bool parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > SIZE_DIGITS)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return false;
	}
	*out = v;
	return v <= max;
}

/* header_value: line is "key value": the value, or NULL. */
static const char *header_value(const char *line, const char *key)
{
	size_t k = strlen(key);

	return strncmp(line, key, k) == 0 && line[k] == ' ' ? line + k + 1 : NULL;
}

static enum backup_rc read_header(struct breader *r, struct backup_info *info)
{
	char line[LINE_MAX_];
	const char *v;
	uint64_t u;
	size_t len;
	enum backup_rc rc;

	/* the first line decides whether this is a backup at all */
	if ((rc = framing_line(r, line, &len, true)) != BACKUP_OK || strcmp(line, BACKUP_MAGIC)) {
		if (rc == BACKUP_IO)
			return rc;
		r->err[0] = '\0';
		if (strncmp(line, "yingcai-backup/", 15) == 0)
			return bfail(r->err, r->n, BACKUP_FORMAT, "%s is a %.40s file: this yingcai "
				     "reads " BACKUP_MAGIC " (use a newer yingcai)", r->path, line);
		return bfail(r->err, r->n, BACKUP_FORMAT, "%s is not a yingcai backup (it does "
			     "not begin with " BACKUP_MAGIC ")", r->path);
	}
	if ((rc = framing_line(r, line, &len, true)) != BACKUP_OK)
		return rc;
	if (!(v = header_value(line, "backend")) ||
	    (strcmp(v, "sqlite") != 0 && strcmp(v, "postgresql") != 0))
		return r_damaged(r, "the header has no backend");
	snprintf(info->backend, sizeof info->backend, "%.15s", v);
	if ((rc = framing_line(r, line, &len, true)) != BACKUP_OK)
		return rc;
	if (!(v = header_value(line, "schema")) || !parse_uint(v, strlen(v), INT_MAX, &u) || !u)
		return r_damaged(r, "the header has no schema version");
	info->schema = (int)u;
	if ((rc = framing_line(r, line, &len, true)) != BACKUP_OK)
		return rc;
	if (!(v = header_value(line, "created")) || !parse_uint(v, strlen(v), INT64_MAX, &u))
		return r_damaged(r, "the header has no creation time");
	info->created = (int64_t)u;
	if ((rc = framing_line(r, line, &len, true)) != BACKUP_OK)
		return rc;
	return len == 0 ? BACKUP_OK : r_damaged(r, "the header does not end");
}

struct breader *br_open(const char *path, struct backup_info *info, enum backup_rc *rc,
		char *err, size_t n)
{
	struct breader *r = calloc(1, sizeof *r);
	struct stat st;

	memset(info, 0, sizeof *info);
	if (!r || !(r->path = strdup(path))) {
		*rc = bfail(err, n, BACKUP_IO, "out of memory");
		free(r);
		return NULL;
	}
	r->err = err;
	r->n = n;
	crypto_hash_sha256_init(&r->summary);
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		*rc = bfail(err, n, BACKUP_IO, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*rc = bfail(err, n, BACKUP_IO, "%s is not a file", path);
		goto fail;
	}
	if ((*rc = read_header(r, info)) != BACKUP_OK)
		goto fail;
	return r;
fail:
	br_close(r);
	return NULL;
}

void br_close(struct breader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r);
}

uint64_t br_offset(const struct breader *r)
{
	return r->off;
}

size_t br_count(const struct breader *r)
{
	return r->count;
}

/* entry_done: the entry's last byte was read: compare its hash. */
static enum backup_rc entry_done(struct breader *r)
{
	unsigned char got[crypto_hash_sha256_BYTES];

	r->in_entry = false;
	crypto_hash_sha256_final(&r->h, got);
	if (sodium_memcmp(got, r->want, sizeof got) != 0)
		return bfail(r->err, r->n, BACKUP_DAMAGED, "entry %s: checksum does not match: "
			     "the backup file is damaged", r->e.name);
	return BACKUP_OK;
}

/* take: up to len bytes of the entry from the buffer (*p points at them). */
static enum backup_rc take(struct breader *r, size_t len, const unsigned char **p,
		size_t *got)
{
	enum backup_rc rc;
	size_t k;

	*got = 0;
	if (!r->in_entry)
		return BACKUP_OK;
	if (!fill(r, &rc))
		return rc != BACKUP_OK ? rc : r_truncated(r);
	k = r->len - r->pos;
	if (k > len)
		k = len;
	if (k > r->left)
		k = (size_t)r->left;
	*p = r->buf + r->pos;
	*got = k;
	crypto_hash_sha256_update(&r->h, *p, k);
	r->pos += k;
	r->off += k;
	r->left -= k;
	return r->left == 0 ? entry_done(r) : BACKUP_OK;
}

enum backup_rc br_read(struct breader *r, void *p, size_t len, size_t *got)
{
	unsigned char *out = p;
	const unsigned char *b;
	enum backup_rc rc = BACKUP_OK;
	size_t k;

	*got = 0;
	while (*got < len && r->in_entry) {
		rc = take(r, len - *got, &b, &k);
		if (k)
			memcpy(out + *got, b, k);
		*got += k;
		if (rc != BACKUP_OK)
			break;
	}
	return rc;
}

enum backup_rc br_line(struct breader *r, struct strbuf *sb)
{
	const unsigned char *b, *nl;
	enum backup_rc rc;
	size_t k, avail;

	strbuf_reset(sb);
	while (r->in_entry) {
		if (!fill(r, &rc))
			return rc != BACKUP_OK ? rc : r_truncated(r);
		avail = r->len - r->pos;
		if (avail > r->left)
			avail = (size_t)r->left;
		nl = memchr(r->buf + r->pos, '\n', avail);
		if ((rc = take(r, nl ? (size_t)(nl - (r->buf + r->pos)) + 1 : avail, &b, &k)))
			return rc;
		strbuf_add(sb, b, k);
		if (sb->failed)
			return bfail(r->err, r->n, BACKUP_FORMAT, "entry %s: a line longer than %zu "
				     "bytes", r->e.name, sb->cap);
		if (nl)
			return BACKUP_OK;
	}
	if (sb->len)
		return bfail(r->err, r->n, BACKUP_FORMAT, "entry %s: its last line does not end",
			     r->e.name);
	return BACKUP_OK;
}

/* parse_entry: "entry NAME SIZE HASH" (without the '\n'). */
static bool parse_entry(struct breader *r, const char *line, size_t len)
{
	const char *name = line + 6, *sp;
	size_t nlen;

	if (len < 6 || strncmp(line, "entry ", 6) != 0 || !(sp = strchr(name, ' ')))
		return false;
	nlen = (size_t)(sp - name);
	if (!name_valid(name, nlen) || len != 6 + nlen + 1 + SIZE_DIGITS + 1 + HEX ||
	    !parse_uint(sp + 1, SIZE_DIGITS, UINT64_MAX, &r->e.size) ||
	    sp[1 + SIZE_DIGITS] != ' ' || !is_hex(sp + 2 + SIZE_DIGITS, HEX))
		return false;
	memcpy(r->e.name, name, nlen);
	r->e.name[nlen] = '\0';
	return sodium_hex2bin(r->want, sizeof r->want, sp + 2 + SIZE_DIGITS, HEX, NULL, NULL,
			      NULL) == 0;
}

/* check_trailer: "end COUNT HASH", then nothing. */
static enum backup_rc check_trailer(struct breader *r, const char *line, size_t len)
{
	unsigned char got[crypto_hash_sha256_BYTES], want[crypto_hash_sha256_BYTES];
	const char *sp = strchr(line + 4, ' ');
	enum backup_rc rc;
	uint64_t count;

	if (!sp || !parse_uint(line + 4, (size_t)(sp - line - 4), SIZE_MAX, &count) ||
	    len != (size_t)(sp - line) + 1 + HEX || !is_hex(sp + 1, HEX) ||
	    sodium_hex2bin(want, sizeof want, sp + 1, HEX, NULL, NULL, NULL) != 0)
		return r_damaged(r, "an unreadable trailer");
	if (count != r->count)
		return bfail(r->err, r->n, BACKUP_DAMAGED, "%s: the trailer counts %" PRIu64
			     " entries, the file has %zu: the backup file is damaged", r->path,
			     count, r->count);
	crypto_hash_sha256_final(&r->summary, got);
	if (sodium_memcmp(got, want, sizeof got) != 0)
		return bfail(r->err, r->n, BACKUP_DAMAGED, "%s: the checksum of the header and "
			     "entry lines does not match: the backup file is damaged", r->path);
	if (fill(r, &rc))
		return r_damaged(r, "bytes after the trailer");
	return rc;
}

enum backup_rc br_next(struct breader *r, const struct bentry **e)
{
	char line[LINE_MAX_];
	const unsigned char *b;
	enum backup_rc rc;
	size_t len, k;

	*e = NULL;
	while (r->in_entry)
		if ((rc = take(r, BUF_SIZE, &b, &k)) != BACKUP_OK)
			return rc;
	/* the trailer's own line is not in its hash: read it unsummed */
	if ((rc = framing_line(r, line, &len, false)) != BACKUP_OK)
		return rc;
	if (strncmp(line, "end ", 4) == 0)
		return check_trailer(r, line, len);
	if (!parse_entry(r, line, len))
		return r_damaged(r, "an unreadable entry line");
	crypto_hash_sha256_update(&r->summary, (const unsigned char *)line, len);
	crypto_hash_sha256_update(&r->summary, (const unsigned char *)"\n", 1);
	r->count++;
	r->in_entry = true;
	r->left = r->e.size;
	crypto_hash_sha256_init(&r->h);
	*e = &r->e;
	return r->left == 0 ? entry_done(r) : BACKUP_OK;
}
