/* common.c - finding and loading the policy directory for subcommands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "lib/strbuf.h"
#include "policy/load.h"
#include "store/store.h"

#ifndef YINGCAI_DATADIR
#define YINGCAI_DATADIR "/usr/local/share/yingcai"
#endif

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* beside_exe: <dir of the executable>/../<up>policy: build/yingcai and
 * build/check/yingcai both find the repository's policy/. */
static const char *beside_exe(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	for (int up = 0; up < 3; up++) {
		slash = strrchr(exe, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
		if (strlen(exe) + sizeof "/policy" > sizeof path)
			return NULL;
		memcpy(path, exe, strlen(exe));
		memcpy(path + strlen(exe), "/policy", sizeof "/policy");
		if (is_dir(path))
			return path;
	}
	return NULL;
}

const char *cli_shown(const char *s)
{
	static char slots[CLI_SHOWN_SLOTS][1024];
	static unsigned next;
	char *buf = slots[next++ % CLI_SHOWN_SLOTS];
	struct strbuf sb;

	/* room for "..." and the NUL after the text */
	strbuf_init_fixed(&sb, buf, sizeof slots[0] - 3);
	strbuf_add_shown_arg(&sb, s);
	if (sb.failed)
		memcpy(buf + sb.len, "...", 4);
	return buf;
}

const char *cli_policy_dir(const char *dir)
{
	const char *p;

	if (dir)
		return dir;
	p = getenv("YINGCAI_POLICY");
	if (p && *p)
		return p;
	p = beside_exe();
	if (p)
		return p;
	return YINGCAI_DATADIR "/policy";
}

/* policy_dir_missing: d is not a directory: say where the name came from
 * and how to give another (one message, not "1 error in the policy files"). */
static void policy_dir_missing(const char *dir, const char *d)
{
	const char *env = getenv("YINGCAI_POLICY");
	const char *from = dir ? "given with --policy"
		: env && *env ? "from $YINGCAI_POLICY" : "the default";
	int e = errno;

	fprintf(stderr, "yingcai: %s (%s): %s; give the policy directory with --policy DIR "
		"or YINGCAI_POLICY=DIR (the policy/ directory of the source tree)\n",
		cli_shown(d), from, e == ENOENT ? "no such directory"
		: e == ENOTDIR ? "not a directory" : strerror(e));
}

int cli_load_policy(const char *dir, struct arena *a, struct policy_bundle *out)
{
	struct strbuf errors = STRBUF_INIT(1 << 20);
	const char *d = cli_policy_dir(dir);
	struct stat st;
	int n = stat(d, &st);

	if (n != 0 || !S_ISDIR(st.st_mode)) {
		if (n == 0)
			errno = ENOTDIR;
		policy_dir_missing(dir, d);
		return -1;
	}
	n = policy_load_dir(d, a, out, &errors);

	if (n) {
		fputs(errors.buf, stderr);
		fprintf(stderr, "yingcai: %d error%s in the policy files under %s\n", n,
			n == 1 ? "" : "s", cli_shown(d));
	}
	strbuf_release(&errors);
	return n ? -1 : 0;
}

struct store *cli_open_store(const char *prog, const char *data, const char *db,
		struct arena *a)
{
	char err[1024];
	struct store *s;

	const char *blobs;
	bool made;

	if (!data)
		data = "var";
	blobs = arena_printf(a, "%s/blobs", data);
	/* As `yingcai serve` does: the data directory holds the blobs of a
	 * SQLite database even when --db names the database file. */
	made = mkdir(data, 0750) == 0;
	if (!made && errno != EEXIST) {
		fprintf(stderr, "%s: %s: cannot create the data directory: %s\n", prog,
			cli_shown(data), strerror(errno));
		return NULL;
	}
	s = store_open(db ? db : arena_printf(a, "sqlite:%s/yingcai.db", data), blobs, 1, err,
		       sizeof err);
	if (!s) {
		fprintf(stderr, "%s: %s\n", prog, err);
		/* a command that failed leaves no directory behind: the blob
		 * directory store_open made in it, then the one made here (only
		 * while empty: nothing that was there is touched) */
		if (made) {
			rmdir(blobs);
			rmdir(data);
		}
	}
	return s;
}
