/* fuzz_backup.c - the backup container reader (yingcai-backup/1) never
 * crashes on a damaged or hostile file, and accepts nothing whose hashes
 * do not hold.  The reader works on files, so each input is written to a
 * temporary file first. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/yingcai-fuzz-backup-XXXXXX";
	char err[512];
	struct backup_info info;
	int fd = mkstemp(path);
	FILE *f;

	if (fd < 0)
		return 0;
	f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(path);
		return 0;
	}
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	backup_verify(path, &info, err, sizeof err);
	unlink(path);
	return 0;
}
