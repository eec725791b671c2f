/* sq_copy — internals of the copy between backends and of the table digests (sq_copy.c),
 * here for their unit tests. Not for use outside src/store/sqlite. */
#ifndef FK_SQ_COPY_H
#define FK_SQ_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* One column value of a row, as either backend gives it. */
struct sq_val {
	enum { SQ_V_NULL, SQ_V_INT, SQ_V_REAL, SQ_V_TEXT } t;
	int64_t i;
	double d;
	const char *s; /* a text: its bytes, len of them (may hold NUL) */
	size_t len;
};

/* The canonical text of a row, appended to b, the same on both backends for the same data:
 * a NULL "N;", an integer "I<decimal>;", a real "R<%.17g>;" (a double's exact round trip,
 * whatever text the backend printed), a text "T<bytes>:<the bytes>;", and the row ended by
 * "\n". So NULL differs from "", 5 from "5", and no two rows serialise alike. */
void sq_row_canon(struct buf *b, const struct sq_val *v, int n);

/* A text in COPY's text format (backslash, tab, newline and carriage return escaped). */
void sq_copy_text(struct buf *b, const char *s, size_t len);

#endif
