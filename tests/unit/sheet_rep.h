/* A row of io/sheet as one comparable string, for the reader tests (test_sheet.c,
 * test_xls.c): "line:cell|cell|…" into rep (repsz bytes, cut there), and one digit of
 * SHEET_CELL_* flags per cell into flags (at most nflags - 1 cells, NUL-terminated). */
#ifndef FK_TEST_SHEET_REP_H
#define FK_TEST_SHEET_REP_H

#include <stdio.h>
#include <string.h>

#include "io/sheet.h"

static inline void sheet_rep(const struct sheet_row *row, char *rep, size_t repsz, char *flags,
			     size_t nflags)
{
	size_t o = (size_t)snprintf(rep, repsz, "%zu:", row->line);

	for (size_t i = 0; i < row->ncells && o < repsz; i++)
		o += (size_t)snprintf(rep + o, repsz - o, "%s%s", i ? "|" : "", row->cells[i]);
	memset(flags, 0, nflags);
	for (size_t i = 0; i < row->ncells && i + 1 < nflags; i++)
		flags[i] = (char)('0' + row->flags[i]);
}

#endif
