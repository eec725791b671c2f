/* rowbuf — assembles one row for the sheet readers, under the caps of struct sheet_limits.
 *
 * Cells go back to back into one buffer that is reused row after row, so reading a file
 * allocates nothing per row. rowbuf_put checks each cell (size, column, UTF-8, no NUL),
 * drops CRs and pads gaps between columns with empty cells; rowbuf_emit hands the row to
 * the callback unless every cell is empty, then starts the next row. On a failure, `why`
 * says what went wrong in a few English words. */
#ifndef FK_ROWBUF_H
#define FK_ROWBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "io/sheet.h"

struct rowbuf {
	struct sheet_limits lim; /* resolved: no zero fields */
	char *text;              /* the row's cells, each NUL-terminated */
	size_t len, size;
	size_t *off; /* where each cell starts in text */
	unsigned char *flags;
	const char **cells; /* pointers for the callback, set by rowbuf_emit */
	size_t n, slots;
	bool any;        /* a cell with a value was put */
	const char *why; /* reason of the last failure */
};

void rowbuf_init(struct rowbuf *rb, const struct sheet_limits *lim);
void rowbuf_free(struct rowbuf *rb);

/* Puts n bytes at column col (0-based, above every column put since the last emit). An
 * empty cell past max_cells is dropped quietly, since trailing separators are common. */
enum sheet_status rowbuf_put(struct rowbuf *rb, size_t col, const char *s, size_t n,
			     unsigned char flags);

/* Ends the row numbered line: calls fn unless the row is empty. SHEET_STOPPED when fn says
 * stop; SHEET_TOO_BIG when line passes max_rows. */
enum sheet_status rowbuf_emit(struct rowbuf *rb, size_t line, sheet_row_fn fn, void *ctx);

/* Drops the row being assembled. */
void rowbuf_clear(struct rowbuf *rb);

/* Length of the longest prefix of s that is valid UTF-8. *partial (if not NULL) says
 * whether the rest is a sequence that is valid so far but cut short by the end of s. */
size_t rowbuf_utf8_span(const unsigned char *s, size_t n, bool *partial);

#endif
