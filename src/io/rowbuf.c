/* rowbuf — one reusable row. The text buffer and the per-cell arrays grow by doubling up to
 * what the caps allow (max_cells × (max_cell_bytes + 1) bytes), and are kept for the next
 * row, so a read allocates a handful of times whatever the number of rows. */
#include "io/rowbuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

void rowbuf_init(struct rowbuf *rb, const struct sheet_limits *lim)
{
	memset(rb, 0, sizeof *rb);
	sheet_limits_resolve(lim, &rb->lim);
}

void rowbuf_free(struct rowbuf *rb)
{
	free(rb->text);
	free(rb->off);
	free(rb->flags);
	free(rb->cells);
	memset(rb, 0, sizeof *rb);
}

void rowbuf_clear(struct rowbuf *rb)
{
	rb->len = 0;
	rb->n = 0;
	rb->any = false;
}

static void *grow(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	if (!p)
		fk_oom();
	return p;
}

/* Room for `need` more text bytes and one more cell. */
static void reserve(struct rowbuf *rb, size_t need)
{
	if (rb->len + need > rb->size) {
		size_t size = rb->size ? rb->size : 1024;
		while (size < rb->len + need)
			size *= 2;
		rb->text = grow(rb->text, size, 1);
		rb->size = size;
	}
	if (rb->n == rb->slots) {
		size_t slots = rb->slots ? rb->slots * 2 : 16;
		rb->off = grow(rb->off, slots, sizeof *rb->off);
		rb->flags = grow(rb->flags, slots, sizeof *rb->flags);
		rb->cells = grow(rb->cells, slots, sizeof *rb->cells);
		rb->slots = slots;
	}
}

static void append_empty(struct rowbuf *rb)
{
	reserve(rb, 1);
	rb->off[rb->n] = rb->len;
	rb->flags[rb->n++] = 0;
	rb->text[rb->len++] = '\0';
}

enum sheet_status rowbuf_put(struct rowbuf *rb, size_t col, const char *s, size_t n,
			     unsigned char flags)
{
	char *dst;
	size_t i, kept = 0;

	if (col < rb->n) {
		rb->why = "cells out of column order";
		return SHEET_BAD_FORMAT;
	}
	if (col >= rb->lim.max_cells) {
		if (n == 0)
			return SHEET_OK;
		rb->why = "too many columns";
		return SHEET_TOO_BIG;
	}
	if (n > rb->lim.max_cell_bytes) {
		rb->why = "cell too long";
		return SHEET_TOO_BIG;
	}
	while (rb->n < col)
		append_empty(rb);
	reserve(rb, n + 1);
	dst = rb->text + rb->len;
	if (n)
		memcpy(dst, s, n);
	if (memchr(dst, '\0', n)) {
		rb->why = "NUL byte in a cell";
		return SHEET_ENCODING;
	}
	kept = n;
	if (memchr(dst, '\r', n)) {
		kept = 0;
		for (i = 0; i < n; i++)
			if (dst[i] != '\r')
				dst[kept++] = dst[i];
	}
	if (rowbuf_utf8_span((const unsigned char *)dst, kept, NULL) != kept) {
		rb->why = "invalid UTF-8";
		return SHEET_ENCODING;
	}
	dst[kept] = '\0';
	rb->off[rb->n] = rb->len;
	rb->flags[rb->n++] = flags;
	rb->len += kept + 1;
	rb->any |= kept > 0;
	return SHEET_OK;
}

enum sheet_status rowbuf_emit(struct rowbuf *rb, size_t line, sheet_row_fn fn, void *ctx)
{
	struct sheet_row row = {.line = line, .ncells = rb->n};
	bool go_on = true;

	if (line > rb->lim.max_rows) {
		rb->why = "too many rows";
		return SHEET_TOO_BIG;
	}
	if (rb->any) {
		for (size_t i = 0; i < rb->n; i++)
			rb->cells[i] = rb->text + rb->off[i];
		row.cells = rb->cells;
		row.flags = rb->flags;
		go_on = fn(&row, ctx);
	}
	rowbuf_clear(rb);
	if (!go_on) {
		rb->why = "stopped";
		return SHEET_STOPPED;
	}
	return SHEET_OK;
}

size_t rowbuf_utf8_span(const unsigned char *s, size_t n, bool *partial)
{
	size_t i = 0;

	if (partial)
		*partial = false;
	while (i < n) {
		unsigned char c = s[i], lo = 0x80, hi = 0xBF; /* range of the first continuation */
		size_t more, j;

		if (c < 0x80) {
			i++;
			continue;
		}
		/* the ranges rule out overlong forms, surrogates and code points past U+10FFFF */
		if (c >= 0xC2 && c <= 0xDF) {
			more = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			more = 2;
			lo = c == 0xE0 ? 0xA0 : 0x80;
			hi = c == 0xED ? 0x9F : 0xBF;
		} else if (c >= 0xF0 && c <= 0xF4) {
			more = 3;
			lo = c == 0xF0 ? 0x90 : 0x80;
			hi = c == 0xF4 ? 0x8F : 0xBF;
		} else {
			return i;
		}
		for (j = 1; j <= more; j++, lo = 0x80, hi = 0xBF) {
			if (i + j == n) {
				if (partial)
					*partial = true;
				return i;
			}
			if (s[i + j] < lo || s[i + j] > hi)
				return i;
		}
		i += j;
	}
	return i;
}
