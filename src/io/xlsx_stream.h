/* xlsx_stream — a one-sheet workbook written row by row in libxlsxwriter's constant-memory
 * mode: each row goes to a temporary file as soon as the next one starts, strings are
 * written inline (no shared-string table in memory), so memory stays that of one row
 * whatever the number of rows. Rows must be written in order.
 *
 * Every text is a string cell (worksheet_write_string): an ID number keeps its 18 digits
 * and a text that starts with = + - @ stays text, never a formula.
 *
 * Ownership: the stream is the caller's until xlsx_stream_close, which frees it. */
#ifndef FK_XLSX_STREAM_H
#define FK_XLSX_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct xlsx_stream;

/* A workbook at path, its temporary files in tmpdir, one sheet named sheet whose first
 * row holds the ncols titles (bold, frozen) with widths (characters, 0: default);
 * author and title go in the document's properties. NULL when it cannot be created. */
struct xlsx_stream *xlsx_stream_open(const char *path, const char *tmpdir, const char *sheet,
				     const char *const *titles, const double *widths, int ncols,
				     const char *author, const char *title);
/* A text cell of the current row (NULL or "": left blank). */
void xlsx_stream_text(struct xlsx_stream *x, int col, const char *s);
/* A number cell of the current row. */
void xlsx_stream_number(struct xlsx_stream *x, int col, double v);
/* Ends the current row; the next cells go to the row below. */
void xlsx_stream_next(struct xlsx_stream *x);
/* Rows written so far (without the title row). */
size_t xlsx_stream_rows(const struct xlsx_stream *x);
/* Writes the workbook out and frees x; false when any write failed. */
bool xlsx_stream_close(struct xlsx_stream *x);

#endif
