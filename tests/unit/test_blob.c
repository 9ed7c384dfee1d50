/* test_blob.c - the content-addressed blob store (store_blob_put/get).
 *
 * A blob lands at <blob_dir>/<first 2 hex>/<64 hex> of its SHA-256, no
 * temporary file is left behind, a second put of the same bytes is a
 * no-op, a name that is not 64 lower-case hex digits never reaches the
 * filesystem, a blob whose bytes no longer match its name is never served,
 * and a full disk (here: a file-size limit) is STORE_FULL.
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

#include "store/store.h"

/* SHA-256 of "hello" and of nothing (FIPS 180-4 test values). */
#define HELLO_SHA "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
#define EMPTY_SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct fx {
	char dir[64];
	char blobs[96];
	struct store *s;
	struct arena a;
};

static void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[512];

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
				rm_rf(sub);
			}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

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

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char db[128], err[256] = "";

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/yc-blob-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->blobs, sizeof f->blobs, "%s/blobs", f->dir);
	snprintf(db, sizeof db, "%s/yc.db", f->dir);
	f->s = store_open(db, f->blobs, 1, err, sizeof err);
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
	blob_file(f, hex, path, sizeof path);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 5);
	assert_int_equal(st.st_mode & 0137, 0); /* at most rw-r----- */
	assert_int_equal(tmp_entries(f), 0);

	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_OK);
	assert_int_equal(len, 5);
	assert_memory_equal(data, "hello", 5);

	assert_int_equal(store_blob_put(f->s, "", 0, hex), STORE_OK);
	assert_string_equal(hex, EMPTY_SHA);
	assert_int_equal(store_blob_get(f->s, hex, &f->a, &data, &len), STORE_OK);
	assert_int_equal(len, 0);
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

	assert_int_equal(store_blob_put(f->s, "same bytes", 10, hex1), STORE_OK);
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
	assert_true(tmp_entries(f) <= 0); /* refused before writing anything */
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

	snprintf(db, sizeof db, "sqlite:%s/other.db", f->dir);
	s = store_open(db, NULL, 1, err, sizeof err);
	assert_non_null(s);
	assert_null(store_blob_dir(s));
	assert_int_equal(store_blob_put(s, "x", 1, hex), STORE_ERROR);
	assert_int_equal(store_blob_get(s, HELLO_SHA, &f->a, &data, &len), STORE_ERROR);
	store_close(s);
	assert_string_equal(store_blob_dir(f->s), f->blobs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_not_served, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_blob_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
