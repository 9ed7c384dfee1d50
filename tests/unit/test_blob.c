/* test_blob.c - the content-addressed blob store (store_blob_put/get) on
 * both backends.
 *
 * Every test runs on SQLite, and again on PostgreSQL when YINGCAI_TEST_PG
 * is a postgresql:// URL; YINGCAI_TEST_BACKEND=sqlite or =postgresql runs
 * one half (see test_store.c).  PostgreSQL: a schema of its own per test
 * (?schema=), dropped afterwards.
 *
 * SQLite: a blob lands at <blob_dir>/<first 2 hex>/<64 hex> of its SHA-256,
 * no temporary file is left behind, a second put of the same bytes is a
 * no-op, and a full disk (here: a file-size limit) is STORE_FULL.
 * PostgreSQL: a blob is a row of the blobs table (nothing in blob_dir), a
 * second put writes nothing, and a full disk (injected, store_freeze_size)
 * is STORE_FULL with nothing stored.
 * Both: a name that is not 64 lower-case hex digits never reaches the
 * filesystem or the database, a blob whose bytes no longer match its name
 * is never served, puts of the same bytes from several threads at once all
 * succeed and keep one copy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "testfs.h"

#include "backends.h"
#include <libpq-fe.h>
#include "testdb.h"
#include <pthread.h>

#include "store/store.h"
#include "store/store_impl.h"

/* SHA-256 of "hello" and of nothing (FIPS 180-4 test values). */
#define HELLO_SHA "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"



struct fx {
	enum be be;
	char dir[64];
	char blobs[96];
	char schema[64];  /* PostgreSQL: the test's schema */
	char url[1024];
	PGconn *raw;      /* PostgreSQL: a plain connection in the schema */
	struct store *s;
	struct arena a;
};


/* entries: the number of names in dir besides . and .. (-1: no dir). */
static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static int tmp_entries(struct fx *f)
{
	char tmp[128];

	snprintf(tmp, sizeof tmp, "%s/tmp", f->blobs);
	return entries(tmp);
}

static void blob_file(struct fx *f, const char *hex, char *path, size_t n)
{
	snprintf(path, n, "%s/%.2s/%s", f->blobs, hex, hex);
}

/* raw_int: the first column of the first row of sql over the plain
 * PostgreSQL connection (-1 without a row). */
static int64_t raw_int(struct fx *f, const char *sql)
{
	return pg_int(f->raw, sql);
}

static int setup_with(void **state, enum be be)
{
	static unsigned serial;
	struct fx *f = calloc(1, sizeof *f);
	char err[256] = "";

	assert_non_null(f);
	f->be = be;
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-blob-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->blobs, sizeof f->blobs, "%s/blobs", f->dir);
	if (be == BE_SQLITE) {
		snprintf(f->url, sizeof f->url, "%s/yc.db", f->dir); /* a bare path */
	} else {
		snprintf(f->schema, sizeof f->schema, "ycb_%ld_%u", (long)getpid(), ++serial);
		snprintf(f->url, sizeof f->url, "%s%sschema=%s", pg_base,
			 strchr(pg_base, '?') ? "&" : "?", f->schema);
		f->raw = PQconnectdb(pg_base);
		if (PQstatus(f->raw) != CONNECTION_OK)
			fail_msg("YINGCAI_TEST_PG: %s", PQerrorMessage(f->raw));
		PQsetNoticeProcessor(f->raw, quiet_notice, NULL);
		assert_true(pg_ok(pg_param(f->raw, "SELECT set_config('search_path', "
					   "quote_ident($1), false)", f->schema)));
	}
	f->s = store_open(f->url, f->blobs, 1, err, sizeof err);
	if (!f->s)
		fail_msg("store_open: %s", err);
	arena_init(&f->a, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	if (f->raw) {
		if (!pg_ok(pg_param(f->raw, "SELECT set_config('yingcai.schema', $1, false)",
				    f->schema)) ||
		    !pg_ok(pg_param(f->raw, "DO $$ BEGIN EXECUTE format('DROP SCHEMA IF EXISTS %I "
				    "CASCADE', current_setting('yingcai.schema')); END $$", NULL)))
			fail_msg("drop schema %s: %s", f->schema, PQerrorMessage(f->raw));
		PQfinish(f->raw);
	}
	arena_release(&f->a);
	rm_rf(f->dir);
	free(f);
	return 0;
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	char hex[65], path[256];
	struct stat st;
	void *data;
	size_t len;

	assert_int_equal(store_blob_put(f->s, "hello", 5, hex), STORE_OK);
	assert_string_equal(hex, HELLO_SHA);
	if (f->be == BE_SQLITE) {
		blob_file(f, hex, path, sizeof path);
		assert_int_equal(stat(path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_size, 5);
		assert_int_equal(st.st_mode & 0137, 0); /* at most rw-r----- */
		assert_int_equal(tmp_entries(f), 0);
	} else {
		/* a row, and nothing in the blob directory (not even made) */
		assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs WHERE sha256 = "
					 "'" HELLO_SHA "' AND size = 5 AND data = 'hello'::bytea"), 1);
		assert_int_not_equal(stat(f->blobs, &st), 0);
	}

	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "hello", 5);

	assert_int_equal(store_blob_put(f->s, "", 0, hex), STORE_OK);
	assert_string_equal(hex, EMPTY_SHA);
	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_OK);
	assert_int_equal(len, 0);
	if (f->be == BE_PG)
		assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs"), 2);
}

static void test_binary_large(void **state)
{
	struct fx *f = *state;
	size_t n = 3 * 1024 * 1024 + 17;
	unsigned char *buf = malloc(n);
	char hex[65];
	void *data;
	size_t len;

	assert_non_null(buf);
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(i * 2654435761u >> 13);
	assert_int_equal(store_blob_put(f->s, buf, n, hex), STORE_OK);
	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_OK);
	assert_int_equal(len, n);
	assert_memory_equal(data, buf, n);
	free(buf);
}

static void test_idempotent(void **state)
{
	struct fx *f = *state;
	char hex1[65], hex2[65], path[256], fan[128];
	struct stat st1, st2;

	int64_t xmin;

	assert_int_equal(store_blob_put(f->s, "same bytes", 10, hex1), STORE_OK);
	if (f->be == BE_PG) {
		/* the row is not written again: the same row version */
		xmin = raw_int(f, "SELECT xmin::text::bigint FROM blobs");
		assert_int_equal(store_blob_put(f->s, "same bytes", 10, hex2), STORE_OK);
		assert_string_equal(hex1, hex2);
		assert_int_equal(raw_int(f, "SELECT xmin::text::bigint FROM blobs"), xmin);
		assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs"), 1);
		return;
	}
	blob_file(f, hex1, path, sizeof path);
	assert_int_equal(stat(path, &st1), 0);
	assert_int_equal(store_blob_put(f->s, "same bytes", 10, hex2), STORE_OK);
	assert_string_equal(hex1, hex2);
	assert_int_equal(stat(path, &st2), 0);
	assert_int_equal(st1.st_ino, st2.st_ino); /* not written again */
	snprintf(fan, sizeof fan, "%s/%.2s", f->blobs, hex1);
	assert_int_equal(entries(fan), 1);
	assert_int_equal(tmp_entries(f), 0);
}

static void test_bad_hash(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {
		"",
		"2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824", /* upper */
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982",  /* 63 */
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98240", /* 65 */
		"../../../../../../../../../../../../../../../../../../etc/passwd",
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g",
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b98/4",
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982 ",
	};
	void *data = (void *)1;
	size_t len = 1;
	char hex[65];

	assert_int_equal(store_blob_put(f->s, "hello", 5, hex), STORE_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(store_blob_get(f->s, bad[i], &f->a, &data, &len), STORE_NOTFOUND);
		assert_null(data);
		assert_int_equal(len, 0);
	}
	assert_int_equal(store_blob_get(f->s, NULL, &f->a, &data, &len), STORE_NOTFOUND);
	/* well-formed but absent */
	assert_int_equal(store_blob_get(f->s, EMPTY_SHA, &f->a, &data, &len), STORE_NOTFOUND);
}

static void test_corrupt_not_served(void **state)
{
	struct fx *f = *state;
	char hex[65], path[256];
	void *data;
	size_t len;
	int fd;

	assert_int_equal(store_blob_put(f->s, "hello", 5, hex), STORE_OK);
	if (f->be == BE_PG) {
		/* the row changed behind the store's back */
		assert_true(pg_ok(pg_param(f->raw, "UPDATE blobs SET data = 'jello'::bytea", NULL)));
		assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_ERROR);
		assert_null(data);
		return;
	}
	blob_file(f, hex, path, sizeof path);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "jello", 5), 5);
	close(fd);
	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_ERROR);
	assert_null(data);
	/* a directory where a blob should be */
	unlink(path);
	assert_int_equal(mkdir(path, 0750), 0);
	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_ERROR);
}

static void test_too_large(void **state)
{
	struct fx *f = *state;
	size_t n = ((size_t)32 << 20) + 1;
	char *buf = calloc(1, n);
	char hex[65];

	enum store_rc rc;

	assert_non_null(buf);
	rc = store_blob_put(f->s, buf, n, hex);
	free(buf);
	assert_int_equal(rc, STORE_ERROR);
	/* refused before writing anything */
	if (f->be == BE_SQLITE)
		assert_true(tmp_entries(f) <= 0);
	else
		assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs"), 0);
}

/* PostgreSQL's disk is the server's: the full disk is injected on a
 * connection (store_freeze_size), the put through it is STORE_FULL and
 * stores nothing; with the connection given back it works. */
static void disk_full_pg(struct fx *f, const char *buf, size_t n)
{
	struct store_conn *c = store_conn_acquire(f->s);
	char hex[65];

	assert_int_equal(store_freeze_size(c), STORE_OK);
	assert_int_equal(blob_put_conn(c, buf, n, hex), STORE_FULL);
	store_conn_release(c);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs"), 0);
	assert_int_equal(store_blob_put(f->s, buf, n, hex), STORE_OK);
	assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs"), 1);
}

/* A file-size limit makes write() fail with EFBIG, as a full disk makes
 * it fail with ENOSPC: the put is STORE_FULL and leaves nothing behind. */
static void test_disk_full(void **state)
{
	struct fx *f = *state;
	static char buf[64 * 1024];
	struct rlimit old, low;
	void (*prev)(int);
	enum store_rc rc;
	char hex[65], path[256];
	struct stat st;

	memset(buf, 'z', sizeof buf);
	if (f->be == BE_PG) {
		disk_full_pg(f, buf, sizeof buf);
		return;
	}
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	low = old;
	low.rlim_cur = 4096;
	prev = signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
	rc = store_blob_put(f->s, buf, sizeof buf, hex);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, prev);
	assert_int_equal(rc, STORE_FULL);
	assert_int_equal(tmp_entries(f), 0);
	blob_file(f, hex, path, sizeof path);
	assert_int_not_equal(stat(path, &st), 0);
	/* with room again it works */
	assert_int_equal(store_blob_put(f->s, buf, sizeof buf, hex), STORE_OK);
	assert_int_equal(stat(path, &st), 0);
}

static void test_no_blob_dir(void **state)
{
	struct fx *f = *state;
	char db[128], err[256] = "", hex[65];
	struct store *s;
	void *data;
	size_t len;

	if (f->be == BE_PG) {
		/* blobs are in the database: no directory needed, another store
		 * on the same database (another server) sees them */
		s = store_open(f->url, NULL, 1, err, sizeof err);
		assert_non_null(s);
		assert_null(store_blob_dir(s));
		assert_int_equal(store_blob_put(s, "hello", 5, hex), STORE_OK);
		assert_int_equal(store_blob_get(f->s, HELLO_SHA, &f->a, &data, &len), STORE_OK);
		assert_int_equal(len, 5);
		store_close(s);
		return;
	}
	snprintf(db, sizeof db, "sqlite:%s/other.db", f->dir);
	s = store_open(db, NULL, 1, err, sizeof err);
	assert_non_null(s);
	assert_null(store_blob_dir(s));
	assert_int_equal(store_blob_put(s, "x", 1, hex), STORE_ERROR);
	assert_int_equal(store_blob_get(s, HELLO_SHA, &f->a, &data, &len), STORE_ERROR);
	store_close(s);
	assert_string_equal(store_blob_dir(f->s), f->blobs);
}

/* ---- several threads at once ---- */

#define PUTTERS 4
#define PUTS 20

struct putter {
	struct store *s;
	int id;
	int failures;
};

static void *put_run(void *arg)
{
	struct putter *p = arg;
	struct arena a;
	char buf[64], hex[65];
	void *data;
	size_t len;

	arena_init(&a, 0);
	for (int i = 0; i < PUTS; i++) {
		/* every thread puts blob i (the same bytes) and one of its own */
		int n = snprintf(buf, sizeof buf, "shared blob %d", i);

		if (store_blob_put(p->s, buf, (size_t)n, hex) != STORE_OK ||
		    store_blob_get(p->s, hex, &a, &data, &len) != STORE_OK || len != (size_t)n ||
		    memcmp(data, buf, len) != 0)
			p->failures++;
		n = snprintf(buf, sizeof buf, "thread %d blob %d", p->id, i);
		if (store_blob_put(p->s, buf, (size_t)n, hex) != STORE_OK)
			p->failures++;
	}
	arena_release(&a);
	return NULL;
}

static void test_concurrent_puts(void **state)
{
	struct fx *f = *state;
	struct putter p[PUTTERS];
	pthread_t t[PUTTERS];
	char err[256] = "";
	struct store *s;

	/* a pool of 2 for 4 threads (PostgreSQL takes a connection per call) */
	s = store_open(f->url, f->blobs, 2, err, sizeof err);
	if (!s)
		fail_msg("store_open: %s", err);
	for (int i = 0; i < PUTTERS; i++) {
		p[i] = (struct putter){ .s = s, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, put_run, &p[i]), 0);
	}
	for (int i = 0; i < PUTTERS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(p[i].failures, 0);
	}
	store_close(s);
	if (f->be == BE_PG) {
		assert_int_equal(raw_int(f, "SELECT count(*) FROM blobs"), PUTS * (PUTTERS + 1));
	} else {
		assert_int_equal(tmp_entries(f), 0);
	}
}

TESTDB_CASES(setup_with)

int main(void)
{
	static const struct CMUnitTest all[] = {
		BOTH(test_round_trip),
		BOTH(test_binary_large),
		BOTH(test_idempotent),
		BOTH(test_bad_hash),
		BOTH(test_corrupt_not_served),
		BOTH(test_too_large),
		BOTH(test_disk_full),
		BOTH(test_no_blob_dir),
		BOTH(test_concurrent_puts),
	};
	struct CMUnitTest run[sizeof all / sizeof all[0]];

	return run_on_backends("blob", all, sizeof all / sizeof all[0], run);
}
