/* xlsx_mem — see xlsx_mem.h. */
#include "io/xlsx_mem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "util/arena.h"

int xlsx_close(void *wb)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int rc;

	pthread_mutex_lock(&mu);
	rc = workbook_close(wb);
	pthread_mutex_unlock(&mu);
	return rc;
}

bool xlsx_mem_build(const char *name, bool (*write)(const char *path, const void *arg),
		    const void *arg, char **data, size_t *len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	char path[64];
	struct stat st;
	bool ok = false;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return false;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (!write(path, arg) || fstat(fd, &st) != 0 || st.st_size <= 0)
		goto out;
	*data = xmalloc((size_t)st.st_size);
	*len = (size_t)st.st_size;
	ok = pread(fd, *data, *len, 0) == (ssize_t)st.st_size;
	if (!ok) {
		free(*data);
		*data = NULL;
		*len = 0;
	}
out:
	close(fd);
	return ok;
}
