/* testfs.h - file-system helpers shared by the unit tests that need a
 * temporary directory (stores, blobs, backups). */
#ifndef YC_TEST_FS_H
#define YC_TEST_FS_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* rm_rf: remove path and everything below it (no symlinks followed). */
static inline void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	char sub[4096];

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (d = opendir(path))) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
				int n = snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
				if (n > 0 && (size_t)n < sizeof sub)
					rm_rf(sub);
			}
		closedir(d);
		rmdir(path);
		return;
	}
	unlink(path);
}

#endif
