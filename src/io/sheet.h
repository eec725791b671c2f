/* sheet — one streaming interface over the spreadsheets people bring: .xlsx, the legacy
 * .xls (Excel 97–2003, WPS) and CSV.
 *
 * Rows are handed one at a time to a callback; the .xlsx and CSV readers keep one row, a
 * fixed read buffer and (for .xlsx) the shared-string table, never the file, so a
 * 300,000-row list costs no more memory than a 30-row one. The .xls reader (libfreexl)
 * holds one worksheet's cells, at most 65,536 rows (see xls_reader.c). Every size the file
 * controls has a cap (struct sheet_limits); a file that passes one stops the read with
 * SHEET_TOO_BIG.
 *
 * Ownership rule: a struct sheet_row and everything it points to belong to the reader and
 * are valid only during the callback; copy what you keep. Rows already handed over when a
 * read ends with anything but SHEET_OK came from a file that turned out to be bad: the
 * caller discards them (the import runs in one transaction).
 *
 * Cells are NUL-terminated, valid UTF-8 without NUL bytes. Nothing is trimmed or
 * normalised (the caller does that), except that a leading UTF-8 BOM and every CR are
 * dropped, and .xlsx escapes (_x000D_) are decoded. Completely empty rows are skipped;
 * line numbers stay those the user sees. */
#ifndef FK_SHEET_H
#define FK_SHEET_H

#include <stdbool.h>
#include <stddef.h>

enum {
	SHEET_CELL_NUMBER = 1,   /* an .xlsx number, as the raw stored text ("43856", "3.2E+17");
				  * an .xls number with 15 significant digits ("%.15G") */
	SHEET_CELL_DATE = 2,     /* its style is a date/time format; alone: an ISO date (.xlsx
				  * t="d", and every .xls date: "2020-01-26[ 08:30:00]") */
	SHEET_CELL_DATE1904 = 4, /* with DATE: the workbook counts days from 1904-01-01 (old Mac
				  * Excel), so the serial is 1462 days short of a 1900 one */
};

struct sheet_row {
	size_t line;                /* 1-based row number as the user sees it in Excel / the CSV */
	size_t ncells;              /* cells up to the last one that has a value (CSV: all) */
	const char *const *cells;   /* ncells strings; a gap between .xlsx cells is "" */
	const unsigned char *flags; /* ncells entries of SHEET_CELL_*; always 0 for CSV */
};

enum sheet_status {
	SHEET_OK = 0,
	SHEET_STOPPED,    /* the callback returned false */
	SHEET_IO,         /* the file cannot be opened or read */
	SHEET_BAD_FORMAT, /* not a valid .xlsx or .xls (or a password-protected workbook) */
	SHEET_TOO_BIG,    /* a cap in struct sheet_limits was hit */
	SHEET_ENCODING,   /* bytes that do not decode */
};

/* false stops the read: sheet_read_file then answers SHEET_STOPPED. */
typedef bool (*sheet_row_fn)(const struct sheet_row *row, void *ctx);

/* A zero field takes its default; a NULL pointer takes all defaults. */
struct sheet_limits {
	size_t max_cell_bytes;           /* UTF-8 bytes in one cell: 4096 */
	size_t max_cells;                /* columns in one row: 200 */
	size_t max_rows;                 /* highest row (line) number: 2,000,000 */
	size_t max_shared_strings_bytes; /* .xlsx shared strings, text + index: 64 MiB */
	size_t max_part_bytes;           /* uncompressed bytes of one .xlsx part: 2 GiB */
};

#define SHEET_DEFAULT_CELL_BYTES 4096
#define SHEET_DEFAULT_CELLS 200
#define SHEET_DEFAULT_ROWS 2000000
#define SHEET_DEFAULT_SHARED_STRINGS_BYTES ((size_t)64 << 20)
#define SHEET_DEFAULT_PART_BYTES ((size_t)2 << 30)

enum sheet_kind { SHEET_KIND_UNKNOWN, SHEET_KIND_CSV, SHEET_KIND_XLSX, SHEET_KIND_XLS };

/* From the first bytes of a file: a zip (PK\3\4) is XLSX, an OLE2 compound file
 * (D0 CF 11 E0 A1 B1 1A E1: a legacy .xls, or else a password-protected .xlsx, which the
 * .xls reader refuses) is XLS, anything else is CSV. The filename is consulted only when
 * n == 0 (".xlsx" → XLSX, ".xls" → XLS). */
enum sheet_kind sheet_sniff(const unsigned char *head, size_t n, const char *filename);

/* Streams the first visible worksheet of an .xlsx, the first worksheet of an .xls, or a
 * CSV, to fn. kind UNKNOWN sniffs the
 * file first. On failure err (if errsz > 0) holds a one-line English detail that names the
 * line when there is one. */
enum sheet_status sheet_read_file(const char *path, enum sheet_kind kind,
				  const struct sheet_limits *lim, sheet_row_fn fn, void *ctx,
				  char *err, size_t errsz);

/* Stable error codes for the API: "import.io", "import.format", "import.too_big",
 * "import.encoding", "import.stopped"; "ok" for SHEET_OK. */
const char *sheet_status_code(enum sheet_status st);

/* Fills out with lim's values, defaults where lim (or a field of it) is zero. */
void sheet_limits_resolve(const struct sheet_limits *lim, struct sheet_limits *out);

#endif
