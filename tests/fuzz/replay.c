/* replay.c - run a libFuzzer target over files without libFuzzer.
 *
 * Linked with each tests/fuzz/fuzz_<name>.c into replay_<name>, so that
 * `make check` replays the seed corpus (and any crash reproducer) with a
 * plain main(), even where clang is not installed.  Each argument is a file,
 * or a directory whose files are replayed.  Exit 0 when every input ran
 * (a crash aborts the process), 2 when an input could not be read.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* replay_file: read path whole and hand it to the target; -1 if unreadable. */
static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *p;
	size_t len = 0, cap = 0, n;
	int rc = -1;

	if (!f)
		goto out;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p)
				goto out;
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f))
		goto out;
	/* A copy of exactly len bytes, so ASan sees reads past the input. */
	p = malloc(len ? len : 1);
	if (!p)
		goto out;
	memcpy(p, buf, len);
	LLVMFuzzerTestOneInput(p, len);
	free(p);
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "replay: cannot read %s\n", path);
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

static int replay_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	while ((e = readdir(d))) {
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= (int)sizeof sub)
			continue;
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode) && replay_file(sub))
			rc = -1;
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int status = 0, ran = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int rc;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = replay_dir(argv[i]);
		else
			rc = replay_file(argv[i]);
		if (rc)
			status = 2;
		ran++;
	}
	fprintf(stderr, "replay: %d input(s)%s\n", ran, status ? ", some unreadable" : "");
	return status;
}
