/* xls_reader — .xls workbooks (BIFF5/BIFF8 in an OLE2 compound file: Excel 97–2003, and
 * what WPS and many township offices still save), read with libfreexl.
 *
 * The first worksheet is read, cell by cell, into the same rows as the other readers give:
 *  - text (plain and shared strings) as UTF-8: freexl converts the workbook's code page
 *    (GBK/CP936 in a Chinese Excel 97 file, UTF-16 in BIFF8);
 *  - a number as Excel stores and shows it, 15 significant digits ("%.15G"), flagged
 *    SHEET_CELL_NUMBER: 13812345678 stays 13812345678, and an 18-digit ID number that Excel
 *    or WPS turned into a number reads "3.20481198001151E+17", which the ID check reports
 *    as id.mangled, just as the raw text of the same cell in an .xlsx;
 *  - a date or date-time cell (its format is a date format; freexl knows the 1900 and 1904
 *    date systems) as the ISO text freexl gives, "2020-01-26" or "2020-01-26 08:30:00",
 *    flagged SHEET_CELL_DATE like an .xlsx t="d" cell; a time alone as "08:30:00", unflagged;
 *  - empty cells and formulas (freexl reads no formula results) as "".
 *
 * Memory: unlike the streaming readers, freexl holds the worksheet's cell table (it refuses
 * one over 256 MiB with FREEXL_INSUFFICIENT_MEMORY: SHEET_TOO_BIG here); a .xls sheet has at
 * most 65,536 rows of 256 columns, and the upload's own cap bounds the file. The caps of
 * struct sheet_limits apply to the rows handed out, as for the other readers (rowbuf).
 *
 * A password-protected workbook (a FILEPASS record: freexl cannot decrypt it) and an OLE2
 * file without a workbook stream (an encrypted .xlsx, a .doc) are SHEET_BAD_FORMAT. */
#include "io/xls_reader.h"

#include <freexl.h>
#include <stdio.h>
#include <string.h>

#include "io/rowbuf.h"

struct xls {
	const void *h;
	unsigned int rows;
	unsigned short cols;
};

/* Whether the file declares a password (FILEPASS); freexl_open_info reads only the
 * workbook's globals, so it answers even where a full open fails. */
static bool has_password(const char *path)
{
	const void *h = NULL;
	unsigned int pw = 0;
	bool yes = freexl_open_info(path, &h) == FREEXL_OK &&
		   freexl_get_info(h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
		   pw == FREEXL_BIFF_OBFUSCATED;

	freexl_close(h);
	return yes;
}

static enum sheet_status open_fail(const char *path, int rc, bool *encrypted, char *err,
				   size_t errsz)
{
	if (rc == FREEXL_FILE_NOT_FOUND) {
		snprintf(err, errsz, "cannot open the file");
		return SHEET_IO;
	}
	if (rc == FREEXL_INSUFFICIENT_MEMORY) {
		snprintf(err, errsz, "the .xls worksheet is too large");
		return SHEET_TOO_BIG;
	}
	if (has_password(path)) {
		*encrypted = true;
		snprintf(err, errsz,
			 "a password-protected .xls: remove the password and save again");
	} else if (rc == FREEXL_BIFF_WORKBOOK_NOT_FOUND) {
		snprintf(err, errsz,
			 "not a .xls workbook (an encrypted .xlsx, or not a spreadsheet)");
	} else {
		snprintf(err, errsz, "not a readable .xls workbook (damaged; freexl error %d)", rc);
	}
	return SHEET_BAD_FORMAT;
}

/* Opens path and selects its first worksheet; on failure x->h is closed. */
static enum sheet_status xls_open(struct xls *x, const char *path, bool *encrypted, char *err,
				  size_t errsz)
{
	unsigned int n = 0, pw = 0;
	enum sheet_status st;
	int rc;

	memset(x, 0, sizeof *x);
	*encrypted = false;
	rc = freexl_open(path, &x->h);
	if (rc != FREEXL_OK) {
		st = open_fail(path, rc, encrypted, err, errsz);
		freexl_close(x->h); /* freexl wants a close even after a failed open */
		x->h = NULL;
		return st;
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &pw) == FREEXL_OK &&
	    pw == FREEXL_BIFF_OBFUSCATED) {
		*encrypted = true;
		snprintf(err, errsz,
			 "a password-protected .xls: remove the password and save again");
		st = SHEET_BAD_FORMAT;
	} else if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &n) != FREEXL_OK || n == 0) {
		snprintf(err, errsz, "the .xls workbook has no worksheet");
		st = SHEET_BAD_FORMAT;
	} else if (freexl_select_active_worksheet(x->h, 0) != FREEXL_OK ||
		   freexl_worksheet_dimensions(x->h, &x->rows, &x->cols) != FREEXL_OK) {
		snprintf(err, errsz, "the first worksheet of the .xls cannot be read");
		st = SHEET_BAD_FORMAT;
	} else {
		return SHEET_OK;
	}
	freexl_close(x->h);
	x->h = NULL;
	return st;
}

/* The text of one cell and its SHEET_CELL_* flags; "" for an empty one. */
static const char *cell_text(const FreeXL_CellValue *v, char *buf, size_t bufsz,
			     unsigned char *flags)
{
	*flags = 0;
	switch (v->type) {
	case FREEXL_CELL_INT:
		*flags = SHEET_CELL_NUMBER;
		snprintf(buf, bufsz, "%d", v->value.int_value);
		return buf;
	case FREEXL_CELL_DOUBLE:
		*flags = SHEET_CELL_NUMBER;
		snprintf(buf, bufsz, "%.15G", v->value.double_value);
		return buf;
	case FREEXL_CELL_DATE:
	case FREEXL_CELL_DATETIME:
		*flags = SHEET_CELL_DATE;
		return v->value.text_value ? v->value.text_value : "";
	case FREEXL_CELL_TEXT:
	case FREEXL_CELL_SST_TEXT:
	case FREEXL_CELL_TIME: return v->value.text_value ? v->value.text_value : "";
	default: return "";
	}
}

static enum sheet_status read_rows(struct xls *x, struct rowbuf *rb, sheet_row_fn fn, void *ctx,
				   char *err, size_t errsz)
{
	char num[64];
	enum sheet_status st;

	for (unsigned int r = 0; r < x->rows; r++) {
		for (unsigned short c = 0; c < x->cols; c++) {
			FreeXL_CellValue v;
			unsigned char flags;
			const char *s;
			int rc = freexl_get_cell_value(x->h, r, c, &v);
			if (rc != FREEXL_OK) {
				snprintf(err, errsz,
					 "row %u: a cell cannot be read (freexl error %d)", r + 1,
					 rc);
				return SHEET_BAD_FORMAT;
			}
			s = cell_text(&v, num, sizeof num, &flags);
			if (!*s)
				continue;
			if ((st = rowbuf_put(rb, c, s, strlen(s), flags)) != SHEET_OK) {
				snprintf(err, errsz, "row %u: %s", r + 1, rb->why);
				return st;
			}
		}
		if ((st = rowbuf_emit(rb, (size_t)r + 1, fn, ctx)) != SHEET_OK) {
			if (st != SHEET_STOPPED)
				snprintf(err, errsz, "row %u: %s", r + 1, rb->why);
			return st;
		}
	}
	return SHEET_OK;
}

enum sheet_status xls_reader_read(const char *path, const struct sheet_limits *lim, sheet_row_fn fn,
				  void *ctx, char *err, size_t errsz)
{
	struct xls x;
	struct rowbuf rb;
	bool encrypted;
	enum sheet_status st = xls_open(&x, path, &encrypted, err, errsz);

	if (st != SHEET_OK)
		return st;
	rowbuf_init(&rb, lim);
	st = read_rows(&x, &rb, fn, ctx, err, errsz);
	rowbuf_free(&rb);
	freexl_close(x.h);
	return st;
}

enum sheet_status xls_reader_check(const char *path, bool *encrypted, char *err, size_t errsz)
{
	struct xls x;
	enum sheet_status st;

	err[0] = '\0';
	st = xls_open(&x, path, encrypted, err, errsz);
	if (st == SHEET_OK)
		freexl_close(x.h);
	return st;
}
