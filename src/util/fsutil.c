/* fsutil — see fsutil.h. The directory of a path is the text before its last '/'; a path
 * without one is in the working directory. */
#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool fs_sync_dir(const char *dir)
{
	int fd = open(dir && *dir ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = fsync(fd) == 0;
	if (!ok) {
		int e = errno;
		close(fd);
		errno = e;
		return false;
	}
	close(fd);
	return true;
}

/* The directory part of path into out ("/" for a file at the root, "" for none); false
 * when it does not fit. */
static bool dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (slash && n == 0)
		n = 1; /* "/name" lives in "/" */
	if (n >= outsz) {
		errno = ENAMETOOLONG;
		return false;
	}
	memcpy(out, path, n);
	out[n] = '\0';
	return true;
}

bool fs_rename_durable(const char *from, const char *to)
{
	char dto[PATH_MAX], dfrom[PATH_MAX];

	if (!dir_of(to, dto, sizeof dto) || !dir_of(from, dfrom, sizeof dfrom))
		return false;
	if (rename(from, to) != 0)
		return false;
	if (!fs_sync_dir(dto))
		return false;
	return !strcmp(dfrom, dto) || fs_sync_dir(dfrom);
}
