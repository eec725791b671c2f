/* sheet — picks the reader for a file and holds what the readers share: the defaults of
 * the caps and the error codes. The readers themselves are csv_reader.c, xlsx_reader.c
 * and xls_reader.c; rowbuf.c assembles their rows. */
#include "io/sheet.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "io/csv_reader.h"
#include "io/xls_reader.h"
#include "io/xlsx_reader.h"

static const unsigned char zip_magic[4] = {'P', 'K', 3, 4};
static const unsigned char empty_zip_magic[4] = {'P', 'K', 5, 6};
static const unsigned char ole2_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

enum sheet_kind sheet_sniff(const unsigned char *head, size_t n, const char *filename)
{
	if (n >= 4 && (!memcmp(head, zip_magic, 4) || !memcmp(head, empty_zip_magic, 4)))
		return SHEET_KIND_XLSX;
	if (n >= 8 && !memcmp(head, ole2_magic, 8))
		return SHEET_KIND_XLS;
	if (n == 0 && filename && ends_with(filename, ".xlsx"))
		return SHEET_KIND_XLSX;
	if (n == 0 && filename && ends_with(filename, ".xls"))
		return SHEET_KIND_XLS;
	return SHEET_KIND_CSV;
}

static enum sheet_status sniff_file(const char *path, enum sheet_kind *kind, char *err,
				    size_t errsz)
{
	unsigned char head[8];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		snprintf(err, errsz, "cannot open the file");
		return SHEET_IO;
	}
	n = fread(head, 1, sizeof head, f);
	if (ferror(f)) {
		fclose(f);
		snprintf(err, errsz, "cannot read the file");
		return SHEET_IO;
	}
	fclose(f);
	*kind = sheet_sniff(head, n, path);
	return SHEET_OK;
}

enum sheet_status sheet_read_file(const char *path, enum sheet_kind kind,
				  const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
				  char *err, size_t errsz)
{
	char dummy[1];
	enum sheet_status st;

	if (!err || errsz == 0) {
		err = dummy;
		errsz = sizeof dummy;
	}
	err[0] = '\0';
	if (kind == SHEET_KIND_UNKNOWN && (st = sniff_file(path, &kind, err, errsz)) != SHEET_OK)
		return st;
	switch (kind) {
	case SHEET_KIND_CSV: return csv_reader_read(path, lim, fn, ctx, err, errsz);
	case SHEET_KIND_XLSX: return xlsx_reader_read(path, lim, fn, ctx, err, errsz);
	case SHEET_KIND_XLS: return xls_reader_read(path, lim, fn, ctx, err, errsz);
	case SHEET_KIND_UNKNOWN: break;
	}
	snprintf(err, errsz, "not a spreadsheet this reader knows");
	return SHEET_BAD_FORMAT;
}

const char *sheet_status_code(enum sheet_status st)
{
	switch (st) {
	case SHEET_OK: return "ok";
	case SHEET_STOPPED: return "import.stopped";
	case SHEET_IO: return "import.io";
	case SHEET_BAD_FORMAT: return "import.format";
	case SHEET_TOO_BIG: return "import.too_big";
	case SHEET_ENCODING: return "import.encoding";
	}
	return "import.io";
}

void sheet_limits_resolve(const struct sheet_limits *lim, struct sheet_limits *out)
{
	static const struct sheet_limits none;

	if (!lim)
		lim = &none;
	out->max_cell_bytes = lim->max_cell_bytes ? lim->max_cell_bytes : SHEET_DEFAULT_CELL_BYTES;
	out->max_cells = lim->max_cells ? lim->max_cells : SHEET_DEFAULT_CELLS;
	out->max_rows = lim->max_rows ? lim->max_rows : SHEET_DEFAULT_ROWS;
	out->max_shared_strings_bytes = lim->max_shared_strings_bytes
						? lim->max_shared_strings_bytes
						: SHEET_DEFAULT_SHARED_STRINGS_BYTES;
	out->max_part_bytes = lim->max_part_bytes ? lim->max_part_bytes : SHEET_DEFAULT_PART_BYTES;
}
