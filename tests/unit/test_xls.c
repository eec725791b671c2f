/* io/xls_reader through io/sheet: a legacy .xls written by a spreadsheet program, read as
 * the other readers read (title rows, the header below them, text, numbers, a date and a
 * date-time, an ID number that the program stored as a number, an empty row), the same
 * returnees as the same list saved as .xlsx, the caps, a password-protected workbook, and
 * truncated or damaged files that must fail cleanly.
 *
 * tests/unit/data/returnees.xls and returnees.xlsx were written once by LibreOffice Calc
 * 7.4 from tests/unit/data/returnees.csv:
 *   soffice --headless --infilter=CSV:44,34,76,1 --convert-to xls returnees.csv
 *   soffice --headless --infilter=CSV:44,34,76,1 --convert-to xlsx returnees.csv
 * (our own writer, libxlsxwriter, writes no .xls). The password-protected and damaged
 * variants are made from the .xls into private files under /tmp (mkstemp). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/returnee.h"
#include "io/sheet.h"
#include "sheet_rep.h"
#include "io/table.h"
#include "io/xls_reader.h"

#define XLS "tests/unit/data/returnees.xls"
#define XLSX "tests/unit/data/returnees.xlsx"

/* ---- collecting rows ---- */

enum { KEEP = 16, REP = 512 };

struct got {
	size_t rows, stop_after;
	char rep[KEEP][REP];  /* "line:cell|cell|…" */
	char flags[KEEP][32]; /* one digit per cell */
	/* the returnees below the header, as the import reads them */
	bool have_header;
	enum table_field map[SHEET_DEFAULT_CELLS];
	size_t nmap, nret;
	struct returnee ret[KEEP];
	size_t ret_line[KEEP];
	char err[256];
};

static bool collect(const struct sheet_row *row, void *ctx)
{
	struct got *g = ctx;

	if (g->rows < KEEP)
		sheet_rep(row, g->rep[g->rows], REP, g->flags[g->rows], sizeof g->flags[0]);
	if (!g->have_header && table_is_header(row, g->map, SHEET_DEFAULT_CELLS)) {
		g->have_header = true;
		g->nmap = row->ncells;
	} else if (g->have_header && g->nret < KEEP) {
		static const struct returnee_ctx rc = {
			.today = 20200201, .home_area = "320481", .home_is_exact = true};
		returnee_from_row(&rc, row->cells, row->flags,
				  row->ncells < g->nmap ? row->ncells : g->nmap, g->map,
				  &g->ret[g->nret]);
		g->ret_line[g->nret++] = row->line;
	}
	g->rows++;
	return !(g->stop_after && g->rows >= g->stop_after);
}

static enum sheet_status rd(const char *path, enum sheet_kind kind, const struct sheet_limits *lim,
			    struct got *g)
{
	size_t stop = g->stop_after;

	memset(g, 0, sizeof *g);
	g->stop_after = stop;
	return sheet_read_file(path, kind, lim, collect, g, g->err, sizeof g->err);
}

static struct got *new_got(void)
{
	struct got *g = calloc(1, sizeof *g);
	assert_non_null(g);
	return g;
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *d;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	d = malloc((size_t)len);
	assert_non_null(d);
	assert_int_equal(fread(d, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return d;
}

/* A new private file for the damaged copies (p: 32 bytes); the test unlinks it. */
static void tmp_path(char *p)
{
	int fd;

	snprintf(p, 32, "/tmp/fk-xls-XXXXXX");
	fd = mkstemp(p);
	assert_true(fd >= 0);
	close(fd);
}

static void spill(const char *path, const char *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* ---- the file as LibreOffice wrote it ---- */

static void test_rows(void **state)
{
	struct got *g = new_got();
	(void)state;

	/* told by its content, whatever the kind asked for is UNKNOWN */
	assert_int_equal(rd(XLS, SHEET_KIND_UNKNOWN, NULL, g), SHEET_OK);
	assert_int_equal(g->rows, 6); /* the empty row 6 is skipped; lines stay as in Excel */
	assert_string_equal(g->rep[0], "1:溧阳市社渚镇返乡人员排查登记表");
	assert_string_equal(g->rep[1], "2:填报单位：社渚镇人民政府");
	assert_string_equal(g->rep[2], "3:姓名|身份证号码|联系电话|来源地|返乡日期|体温|现住址");
	/* the ID number LibreOffice stored as a number: 15 significant digits, as Excel shows */
	assert_string_equal(g->rep[3], "4:张三|3.20481198001151E+17|13812345678|湖北省武汉市|"
				       "2020-01-26|36.5|社渚镇社渚村5组");
	assert_string_equal(g->flags[3], "0110210");
	assert_string_equal(g->rep[4], "5:李四|32048119900630123X|13912345678|江苏省南京市|"
				       "2020-01-25 08:30:00|37.25|社渚镇河口居委会幸福路3号");
	assert_string_equal(g->flags[4], "0010210");
	assert_string_equal(g->rep[5], "7:王五||0519-87654321||||社渚镇人民路8号");
	assert_string_equal(g->flags[5], "0000000");
	free(g);
}

/* The header is found below the title rows, and every returnee reads as it does from the
 * same list saved as .xlsx: the numeric ID number is mangled in both, the dates agree. */
static void test_same_as_xlsx(void **state)
{
	struct got *a = new_got(), *b = new_got();
	(void)state;

	assert_int_equal(rd(XLS, SHEET_KIND_XLS, NULL, a), SHEET_OK);
	assert_int_equal(rd(XLSX, SHEET_KIND_UNKNOWN, NULL, b), SHEET_OK);
	assert_true(a->have_header);
	assert_true(b->have_header);
	assert_int_equal(a->nret, 3);
	assert_int_equal(b->nret, a->nret);
	assert_int_equal(a->rows, b->rows);
	for (size_t i = 0; i < a->nret; i++) {
		const struct returnee *x = &a->ret[i], *y = &b->ret[i];
		assert_int_equal(a->ret_line[i], b->ret_line[i]);
		assert_string_equal(x->name, y->name);
		/* the mangled number keeps each program's spelling ("E+17", LibreOffice's
		 * .xlsx "E+017"); any other is the same text */
		if (!strstr(x->defects, "id.mangled"))
			assert_string_equal(x->id_number, y->id_number);
		assert_string_equal(x->phone, y->phone);
		assert_string_equal(x->address, y->address);
		assert_string_equal(x->origin, y->origin);
		assert_int_equal(x->arrival, y->arrival);
		assert_string_equal(x->defects, y->defects);
		assert_int_equal(x->rejected, y->rejected);
	}
	assert_non_null(strstr(a->ret[0].defects, "id.mangled"));
	assert_int_equal(a->ret[0].arrival, 20200126);
	assert_string_equal(a->ret[0].phone, "13812345678");
	assert_int_equal(a->ret[1].arrival, 20200125);
	assert_null(strstr(a->ret[1].defects, "id.mangled"));
	assert_int_equal(a->ret_line[2], 7);
	free(a);
	free(b);
}

static void test_caps_and_stop(void **state)
{
	struct got *g = new_got();
	struct sheet_limits cells = {.max_cells = 3}, rows = {.max_rows = 4},
			    bytes = {.max_cell_bytes = 20};
	bool encrypted = true;
	char err[128];
	(void)state;

	assert_int_equal(rd(XLS, SHEET_KIND_XLS, &cells, g), SHEET_TOO_BIG);
	assert_non_null(strstr(g->err, "row 3"));
	assert_int_equal(rd(XLS, SHEET_KIND_XLS, &rows, g), SHEET_TOO_BIG);
	assert_int_equal(g->rows, 4);
	assert_int_equal(rd(XLS, SHEET_KIND_XLS, &bytes, g), SHEET_TOO_BIG);
	assert_non_null(strstr(g->err, "cell too long"));
	g->stop_after = 2;
	assert_int_equal(rd(XLS, SHEET_KIND_XLS, NULL, g), SHEET_STOPPED);
	assert_int_equal(g->rows, 2);
	assert_int_equal(rd("tests/unit/data/no-such.xls", SHEET_KIND_XLS, NULL, g), SHEET_IO);
	assert_int_equal(xls_reader_check(XLS, &encrypted, err, sizeof err), SHEET_OK);
	assert_false(encrypted);
	free(g);
}

/* ---- damaged and protected files ---- */

/* A FILEPASS record (0x002F) in place of the record after the workbook's BOF: what Excel
 * writes first in a workbook saved with an open password. */
static void test_password(void **state)
{
	static const unsigned char bof[8] = {0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00};
	struct got *g = new_got();
	char p[32], err[160];
	size_t n;
	char *d = slurp(XLS, &n), *at = memmem(d, n, bof, sizeof bof);
	bool encrypted = false;
	(void)state;

	assert_non_null(at);
	at[20] = 0x2F;
	at[21] = 0x00;
	tmp_path(p);
	spill(p, d, n);
	assert_int_equal(xls_reader_check(p, &encrypted, err, sizeof err), SHEET_BAD_FORMAT);
	assert_true(encrypted);
	assert_non_null(strstr(err, "password"));
	assert_int_equal(rd(p, SHEET_KIND_UNKNOWN, NULL, g), SHEET_BAD_FORMAT);
	assert_non_null(strstr(g->err, "password"));
	assert_int_equal(g->rows, 0);
	unlink(p);
	free(d);
	free(g);
}

static bool known(enum sheet_status st)
{
	return st == SHEET_OK || st == SHEET_BAD_FORMAT || st == SHEET_TOO_BIG ||
	       st == SHEET_ENCODING || st == SHEET_IO;
}

/* Cut at every length up to the end of the first sectors and then in steps, and damaged
 * by flipped bytes: every read ends with a status and a reason, never a crash (the unit
 * suite runs under ASan and UBSan), and a file the check accepts reads. */
static void test_truncated_and_damaged(void **state)
{
	struct got *g = new_got();
	char p[32], err[160];
	size_t n;
	char *d = slurp(XLS, &n), *m = malloc(n);
	uint32_t seed = 20200126;
	bool encrypted;
	(void)state;

	assert_non_null(m);
	tmp_path(p);
	for (size_t len = 0; len < n; len += len < 1100 ? 1 : 37) {
		enum sheet_status st, chk;
		spill(p, d, len);
		st = rd(p, SHEET_KIND_XLS, NULL, g);
		assert_true(known(st));
		if (st != SHEET_OK)
			assert_true(g->err[0] != '\0');
		chk = xls_reader_check(p, &encrypted, err, sizeof err);
		assert_true(known(chk));
		if (len < 512) /* not even the compound file's header */
			assert_int_equal(chk, SHEET_BAD_FORMAT);
		if (chk == SHEET_OK)
			assert_int_equal(st, SHEET_OK);
	}
	/* garbage behind the OLE2 signature */
	memset(m, 0xA5, n);
	memcpy(m, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	spill(p, m, n);
	assert_int_equal(xls_reader_check(p, &encrypted, err, sizeof err), SHEET_BAD_FORMAT);
	assert_false(encrypted);
	assert_int_equal(rd(p, SHEET_KIND_UNKNOWN, NULL, g), SHEET_BAD_FORMAT);
	assert_non_null(strstr(g->err, ".xls"));
	/* flipped bytes, deterministic */
	for (int round = 0; round < 400; round++) {
		memcpy(m, d, n);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			m[(seed >> 8) % n] ^= (char)(1u << ((seed >> 4) % 8));
		}
		spill(p, m, n);
		assert_true(known(rd(p, SHEET_KIND_XLS, NULL, g)));
		assert_true(known(xls_reader_check(p, &encrypted, err, sizeof err)));
	}
	unlink(p);
	free(m);
	free(d);
	free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_same_as_xlsx),
		cmocka_unit_test(test_caps_and_stop),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_truncated_and_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
