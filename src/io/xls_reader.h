/* xls_reader — the legacy .xls side of sheet.h (Excel 97–2003 and WPS "xls" workbooks,
 * BIFF in an OLE2 compound file), read with libfreexl (see xls_reader.c). */
#ifndef FK_XLS_READER_H
#define FK_XLS_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "io/sheet.h"

enum sheet_status xls_reader_read(const char *path, const struct sheet_limits *lim, sheet_row_fn fn,
				  void *ctx, char *err, size_t errsz);

/* Whether the .xls at path can be read, before an upload is accepted: opens the workbook
 * and its first worksheet as xls_reader_read does, without handing out rows. SHEET_OK, or
 * SHEET_BAD_FORMAT (damaged, not a workbook, or password-protected: then *encrypted is
 * true), SHEET_TOO_BIG, SHEET_IO; err (errsz > 0 bytes, required) then holds a one-line
 * English detail. */
enum sheet_status xls_reader_check(const char *path, bool *encrypted, char *err, size_t errsz);

#endif
