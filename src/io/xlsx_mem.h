/* xlsx_mem — a workbook built in memory: libxlsxwriter writes only to a named file, so
 * the workbook is an anonymous file (memfd) reached by its /proc/self/fd name, read back
 * whole; nothing is written to /tmp or left behind.
 *
 * Ownership: *data is the caller's (free()). */
#ifndef FK_XLSX_MEM_H
#define FK_XLSX_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* Calls write(path, arg) on a fresh anonymous file named name and reads what it wrote into
 * *data (*len bytes); false when write fails or nothing could be read. */
bool xlsx_mem_build(const char *name, bool (*write)(const char *path, const void *arg),
		    const void *arg, char **data, size_t *len);

/* workbook_close() for every workbook of the process, one at a time: libxlsxwriter writes
 * the document's creation time with gmtime(), whose buffer the whole process shares (two
 * exports closing at once raced on it under ThreadSanitizer). wb is a lxw_workbook *. */
int xlsx_close(void *wb);

#endif
