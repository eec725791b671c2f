/* xlsx_reader — the .xlsx side of sheet.h (called by sheet_read_file; see xlsx_reader.c). */
#ifndef FK_XLSX_READER_H
#define FK_XLSX_READER_H

#include "io/sheet.h"

enum sheet_status xlsx_reader_read(const char *path, const struct sheet_limits *lim,
				   sheet_row_fn fn, void *ctx, char *err, size_t errsz);

#endif
