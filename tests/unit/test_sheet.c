/* io/sheet: CSV (UTF-8 with BOM, GB18030 with a title row and quoted newlines, UTF-16,
 * delimiters, chunk boundaries inside characters) and .xlsx (libxlsxwriter output with a
 * merged title, shared strings, numbers, dates and a second sheet; hand-made packages for
 * what libxlsxwriter never writes), hostile input that must hit a cap or fail cleanly, and
 * 200,000-row files read in bounded memory. Every file is generated into a mkdtemp dir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "io/rowbuf.h"
#include "io/sheet.h"
#include "sheet_rep.h"
#include "util/buf.h"

static char dir[64];

static void mkpath(char *out, size_t outsz, const char *name)
{
	snprintf(out, outsz, "%s/%s", dir, name);
}

/* ---- collecting rows ---- */

enum { KEEP = 64, REP = 1024 };

struct got {
	size_t rows, stop_after, last_line, max_cells;
	bool lines_increase, valid;
	char rep[KEEP][REP];  /* "line:cell|cell|…" */
	char flags[KEEP][64]; /* one digit per cell */
	char err[256];
};

static bool collect(const struct sheet_row *row, void *ctx)
{
	struct got *g = ctx;

	if (g->rows < KEEP)
		sheet_rep(row, g->rep[g->rows], REP, g->flags[g->rows], sizeof g->flags[0]);
	for (size_t i = 0; i < row->ncells && g->rows < KEEP; i++) {
		size_t n = strlen(row->cells[i]);
		if (rowbuf_utf8_span((const unsigned char *)row->cells[i], n, NULL) != n)
			g->valid = false;
	}
	if (row->line <= g->last_line)
		g->lines_increase = false;
	if (row->ncells > g->max_cells)
		g->max_cells = row->ncells;
	g->last_line = row->line;
	g->rows++;
	return !(g->stop_after && g->rows >= g->stop_after);
}

static enum sheet_status rd(const char *path, enum sheet_kind kind, const struct sheet_limits *lim,
			    struct got *g)
{
	memset(g, 0, sizeof *g);
	g->lines_increase = g->valid = true;
	return sheet_read_file(path, kind, lim, collect, g, g->err, sizeof g->err);
}

#define expect_status(st, want, g)                                                                 \
	do {                                                                                       \
		enum sheet_status st_ = (st);                                                      \
		if (st_ != (want))                                                                 \
			fail_msg("status %s, want %s (%s)", sheet_status_code(st_),                \
				 sheet_status_code(want), (g).err);                                \
	} while (0)

/* ---- building files ---- */

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void add(struct buf *b, const char *s)
{
	assert_true(buf_append(b, s, strlen(s)));
}

/* Appends utf8 converted to another encoding. */
static void add_enc(struct buf *b, const char *to, const char *utf8)
{
	char out[4096], *ip = (char *)utf8, *op = out;
	size_t il = strlen(utf8), ol = sizeof out;
	iconv_t cd = iconv_open(to, "UTF-8");

	assert_true(cd != (iconv_t)-1);
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	iconv_close(cd);
	assert_true(buf_append(b, out, (size_t)(op - out)));
}

static void add_gb(struct buf *b, const char *utf8)
{
	add_enc(b, "GB18030", utf8);
}

struct part {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen */
};

static void make_zip(const char *path, const struct part *parts, size_t n)
{
	int code;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &code);

	assert_non_null(za);
	for (size_t i = 0; i < n; i++) {
		size_t len = parts[i].len ? parts[i].len : strlen(parts[i].data);
		zip_source_t *src = zip_source_buffer(za, parts[i].data, len, 0);
		assert_non_null(src);
		assert_true(zip_file_add(za, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
}

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"

static const char root_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
	"/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char plain_workbook[] = "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL
				     "\"><sheets><sheet name=\"S\" sheetId=\"1\" "
				     "r:id=\"rId1\"/></sheets></workbook>";
static const char plain_workbook_rels[] =
	"<Relationships xmlns=\"" NS_PKG "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
	"</Relationships>";
#define SHEET_HEAD "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
#define SHEET_TAIL "</sheetData></worksheet>"

/* A one-sheet package around this sheet XML (shared strings and styles optional). */
static void make_xlsx(const char *path, const char *sheet, size_t sheet_len, const char *sst,
		      const char *styles)
{
	struct part parts[6] = {
		{"_rels/.rels", root_rels, 0},
		{"xl/workbook.xml", plain_workbook, 0},
		{"xl/_rels/workbook.xml.rels", plain_workbook_rels, 0},
		{"xl/worksheets/sheet1.xml", sheet, sheet_len},
	};
	size_t n = 4;

	if (sst)
		parts[n++] = (struct part){"xl/sharedStrings.xml", sst, 0};
	if (styles)
		parts[n++] = (struct part){"xl/styles.xml", styles, 0};
	make_zip(path, parts, n);
}

/* ---- sniffing and codes ---- */

static void test_sniff(void **state)
{
	static const unsigned char zip[] = "PK\3\4rest", empty_zip[] = "PK\5\6",
				   ole[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0},
				   csv[] = "\xEF\xBB\xBF姓名,电话";
	(void)state;
	assert_int_equal(sheet_sniff(zip, 8, "a.csv"), SHEET_KIND_XLSX);
	assert_int_equal(sheet_sniff(empty_zip, 4, NULL), SHEET_KIND_XLSX);
	assert_int_equal(sheet_sniff(ole, 8, "a.xls"), SHEET_KIND_XLS);
	assert_int_equal(sheet_sniff(ole, 8, "a.xlsx"), SHEET_KIND_XLS);
	assert_int_equal(sheet_sniff(NULL, 0, "名单.XLS"), SHEET_KIND_XLS);
	assert_int_equal(sheet_sniff(csv, sizeof csv - 1, "a.xlsx"), SHEET_KIND_CSV);
	assert_int_equal(sheet_sniff(zip, 3, NULL), SHEET_KIND_CSV);
	assert_int_equal(sheet_sniff(NULL, 0, "名单.XLSX"), SHEET_KIND_XLSX);
	assert_int_equal(sheet_sniff(NULL, 0, "名单.csv"), SHEET_KIND_CSV);
	assert_int_equal(sheet_sniff(NULL, 0, NULL), SHEET_KIND_CSV);
}

static void test_status_codes(void **state)
{
	(void)state;
	assert_string_equal(sheet_status_code(SHEET_OK), "ok");
	assert_string_equal(sheet_status_code(SHEET_IO), "import.io");
	assert_string_equal(sheet_status_code(SHEET_BAD_FORMAT), "import.format");
	assert_string_equal(sheet_status_code(SHEET_TOO_BIG), "import.too_big");
	assert_string_equal(sheet_status_code(SHEET_ENCODING), "import.encoding");
	assert_string_equal(sheet_status_code(SHEET_STOPPED), "import.stopped");
}

static void test_limits_defaults(void **state)
{
	struct sheet_limits out, some = {.max_cells = 7};
	(void)state;
	sheet_limits_resolve(NULL, &out);
	assert_int_equal(out.max_cell_bytes, 4096);
	assert_int_equal(out.max_cells, 200);
	assert_int_equal(out.max_rows, 2000000);
	assert_int_equal(out.max_shared_strings_bytes, 64 << 20);
	sheet_limits_resolve(&some, &out);
	assert_int_equal(out.max_cells, 7);
	assert_int_equal(out.max_cell_bytes, 4096);
}

static void test_missing_file(void **state)
{
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "nope.csv");
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_IO, g);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_IO, g);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_IO, g);
	assert_int_equal(g.rows, 0);
}

/* ---- CSV ---- */

static void test_csv_utf8_bom(void **state)
{
	static const char text[] = "\xEF\xBB\xBF姓名,身份证号,电话\r\n"
				   "张三,320116194912310011,13812345678\r\n"
				   "\r\n"
				   ",,\r\n"
				   " 李四 , 32011619491231002X ,\r\n"
				   "王五,\"南京市,六合区\",\"他说\"\"好\"\"\"";
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "bom.csv");
	write_file(p, text, sizeof text - 1);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 4);
	assert_string_equal(g.rep[0], "1:姓名|身份证号|电话");
	assert_string_equal(g.rep[1], "2:张三|320116194912310011|13812345678");
	assert_string_equal(g.rep[2], "5: 李四 | 32011619491231002X |");
	assert_string_equal(g.rep[3], "6:王五|南京市,六合区|他说\"好\"");
	assert_string_equal(g.flags[1], "000");
}

/* GB18030, as WPS saves it: a title row with trailing commas, CRLF, quoted cells with
 * commas, quotes and line breaks, and a character outside the BMP (4 bytes in GB18030). */
static void test_csv_gb18030(void **state)
{
	struct buf b;
	char p[512];
	struct got g;
	(void)state;
	buf_init(&b, SIZE_MAX);
	add_gb(&b, "六合区龙袍街道返乡人员排查登记表,,,\r\n"
		   "姓名,身份证号,现住址,备注\r\n"
		   "张三,320116194912310011,\"龙袍街道,东沟社区\",\"第一行\r\n第二行\"\r\n"
		   "\r\n"
		   "𠮷小明,32011619491231002X,\"幸福路\"\"19\"\"号\",\r\n"
		   "李四,3201161949123100,竹镇镇金磁社区五组,\"多\n行\n备注\"");
	mkpath(p, sizeof p, "gb.csv");
	write_file(p, b.data, b.len);
	buf_free(&b);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_true(g.valid);
	assert_int_equal(g.rows, 5);
	assert_string_equal(g.rep[0], "1:六合区龙袍街道返乡人员排查登记表|||");
	assert_string_equal(g.rep[1], "2:姓名|身份证号|现住址|备注");
	assert_string_equal(g.rep[2], "3:张三|320116194912310011|龙袍街道,东沟社区|第一行\n第二行");
	assert_string_equal(g.rep[3], "6:𠮷小明|32011619491231002X|幸福路\"19\"号|");
	assert_string_equal(g.rep[4], "7:李四|3201161949123100|竹镇镇金磁社区五组|多\n行\n备注");
}

/* Filler rows of ASCII (4000 bytes each, under the cell cap) up to offset at. */
static void pad_to(struct buf *b, size_t at)
{
	size_t d = at - b->len, k = (d - 5) / 4000;
	char row[4100];

	assert_true(at >= b->len + 5);
	memset(row, 'x', sizeof row);
	memcpy(row, "f,", 2);
	memcpy(row + 3998, "\r\n", 2);
	for (size_t i = 0; i < k; i++)
		assert_true(buf_append(b, row, 4000));
	memset(row + 3998, 'x', 2);
	d -= 4000 * k;
	memcpy(row + d - 2, "\r\n", 2);
	assert_true(buf_append(b, row, d));
}

static size_t line_at(const struct buf *b)
{
	size_t line = 1;
	for (size_t i = 0; i < b->len; i++)
		line += b->data[i] == '\n';
	return line;
}

static bool find_row(const struct got *g, const char *rep)
{
	for (size_t i = 0; i < KEEP && i < g->rows; i++)
		if (!strcmp(g->rep[i], rep))
			return true;
	return false;
}

/* Characters cut by the 64 KiB read chunks: 测 (2 bytes in GB18030, 3 in UTF-8) across the
 * first boundary, 𠮷 (4 bytes in both) across the second. */
static void chunk_boundaries(const char *enc)
{
	size_t prefix = strcmp(enc, "UTF-8") ? 5 : 7; /* "张三," and "李四," */
	char p[512], want1[64], want2[64];
	struct buf b;
	struct got g;

	buf_init(&b, SIZE_MAX);
	add_enc(&b, enc, "姓名,备注\r\n");
	pad_to(&b, 65535 - prefix);
	snprintf(want1, sizeof want1, "%zu:张三|测试", line_at(&b));
	add_enc(&b, enc, "张三,测试\r\n");
	pad_to(&b, 131070 - prefix);
	snprintf(want2, sizeof want2, "%zu:李四|𠮷", line_at(&b));
	add_enc(&b, enc, "李四,𠮷\r\n");
	mkpath(p, sizeof p, "chunks.csv");
	write_file(p, b.data, b.len);
	buf_free(&b);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_true(g.valid);
	assert_true(g.lines_increase);
	assert_true(g.rows < KEEP);
	assert_string_equal(g.rep[0], "1:姓名|备注");
	if (!find_row(&g, want1) || !find_row(&g, want2))
		fail_msg("%s: rows \"%s\" or \"%s\" missing", enc, want1, want2);
}

static void test_csv_chunk_boundaries(void **state)
{
	(void)state;
	chunk_boundaries("GB18030");
	chunk_boundaries("UTF-8");
}

/* Excel's "Unicode text": UTF-16LE with a BOM, tab-separated. */
static void test_csv_utf16_tabs(void **state)
{
	struct buf b;
	char p[512];
	struct got g;
	(void)state;
	buf_init(&b, SIZE_MAX);
	add(&b, "\xFF\xFE");
	add_enc(&b, "UTF-16LE", "姓名\t手机号\t备注\r\n张三\t13812345678\t有,逗号\r\n");
	mkpath(p, sizeof p, "u16.txt");
	write_file(p, b.data, b.len);
	buf_free(&b);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 2);
	assert_string_equal(g.rep[0], "1:姓名|手机号|备注");
	assert_string_equal(g.rep[1], "2:张三|13812345678|有,逗号");
}

static void test_csv_delimiters(void **state)
{
	static const char semi[] = "返乡人员登记表\n姓名;电话;地址\n张三;138;南京市\n";
	static const char tabs[] = "登记表\n姓名\t电话\t住址,小区\n张三\t138\t六合区,某小区\n";
	static const char commas[] = "姓名,电话\n张三;李四,138\n";
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "semi.csv");
	write_file(p, semi, sizeof semi - 1);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_string_equal(g.rep[0], "1:返乡人员登记表");
	assert_string_equal(g.rep[2], "3:张三|138|南京市");
	write_file(p, tabs, sizeof tabs - 1);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_string_equal(g.rep[2], "3:张三|138|六合区,某小区");
	write_file(p, commas, sizeof commas - 1);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_string_equal(g.rep[1], "2:张三;李四|138");
}

/* Old Mac line ends (CR alone) still count lines. */
static void test_csv_cr_only(void **state)
{
	static const char text[] = "姓名,电话\r张三,1\r\r李四,\"2\r3\"\r王五,4";
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "cr.csv");
	write_file(p, text, sizeof text - 1);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 4);
	assert_string_equal(g.rep[2], "4:李四|23");
	assert_string_equal(g.rep[3], "6:王五|4");
}

static void test_csv_too_long(void **state)
{
	struct buf b;
	char p[512], cell[5000];
	struct got g;
	struct sheet_limits lim = {.max_cell_bytes = 4096};
	(void)state;
	buf_init(&b, SIZE_MAX);
	add(&b, "姓名,备注\n张三,短\n李四,");
	memset(cell, 'y', sizeof cell - 1);
	cell[sizeof cell - 1] = '\0';
	add(&b, cell);
	add(&b, "\n");
	mkpath(p, sizeof p, "long.csv");
	write_file(p, b.data, b.len);
	expect_status(rd(p, SHEET_KIND_CSV, &lim, &g), SHEET_TOO_BIG, g);
	assert_int_equal(g.rows, 2);
	assert_non_null(strstr(g.err, "line 3"));
	/* exactly at the cap is fine */
	lim.max_cell_bytes = 4999;
	expect_status(rd(p, SHEET_KIND_CSV, &lim, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 3);

	/* a quote that never closes: 8 MiB that libcsv would buffer whole */
	b.len = 0;
	add(&b, "姓名,备注\n张三,\"");
	for (int i = 0; i < 8 * 1024; i++) {
		memset(cell, i % 3 ? 'z' : '\n', 1024);
		assert_true(buf_append(&b, cell, 1024));
	}
	write_file(p, b.data, b.len);
	buf_free(&b);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "line 2"));
}

static void test_csv_columns(void **state)
{
	struct buf b;
	char p[512];
	struct got g;
	(void)state;
	buf_init(&b, SIZE_MAX);
	add(&b, "姓名,电话");
	for (int i = 0; i < 300; i++)
		add(&b, ",");
	add(&b, "\n张三,138\n");
	mkpath(p, sizeof p, "cols.csv");
	write_file(p, b.data, b.len);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.max_cells, 200); /* empty cells past the cap are dropped */
	assert_string_equal(g.rep[1], "2:张三|138");
	b.len = 0;
	add(&b, "姓名\n");
	for (int i = 0; i < 201; i++)
		add(&b, "v,");
	add(&b, "\n");
	write_file(p, b.data, b.len);
	buf_free(&b);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "line 2"));
}

static void test_csv_encoding_errors(void **state)
{
	struct buf b;
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "enc.csv");
	buf_init(&b, SIZE_MAX);

	/* valid UTF-8 for the first 64 KiB, a GBK byte pair far below */
	add(&b, "姓名,备注\n");
	while (b.len < 100000)
		add(&b, "张三,六合区龙袍街道\n");
	add(&b, "李四,");
	add_gb(&b, "王");
	add(&b, "\n");
	write_file(p, b.data, b.len);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_ENCODING, g);
	{
		char want[32];
		snprintf(want, sizeof want, "line %zu:", g.rows + 1);
		if (!strstr(g.err, want) || g.rows < 3000)
			fail_msg("%zu rows, error \"%s\"", g.rows, g.err);
	}

	/* GB18030 that ends inside a character */
	b.len = 0;
	add_gb(&b, "姓名,备注\n张三,王");
	b.len--;
	write_file(p, b.data, b.len);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_ENCODING, g);

	/* a byte that is no GB18030 */
	b.len = 0;
	add_gb(&b, "姓名,备注\n张三,");
	add(&b, "\xFF\xFF\n");
	write_file(p, b.data, b.len);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_ENCODING, g);
	assert_non_null(strstr(g.err, "line 2"));

	/* a NUL inside a cell */
	write_file(p, "姓名,备注\n张\0三,x\n", sizeof "姓名,备注\n张\0三,x\n" - 1);
	expect_status(rd(p, SHEET_KIND_CSV, NULL, &g), SHEET_ENCODING, g);
	assert_int_equal(g.rows, 1);
	buf_free(&b);
}

static void test_csv_stop_and_rows(void **state)
{
	static const char text[] = "a,b\nc,d\ne,f\ng,h\n";
	struct sheet_limits lim = {.max_rows = 3};
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "stop.csv");
	write_file(p, text, sizeof text - 1);
	memset(&g, 0, sizeof g);
	g.stop_after = 2;
	assert_int_equal(sheet_read_file(p, SHEET_KIND_CSV, NULL, collect, &g, g.err, sizeof g.err),
			 SHEET_STOPPED);
	assert_int_equal(g.rows, 2);
	expect_status(rd(p, SHEET_KIND_CSV, &lim, &g), SHEET_TOO_BIG, g);
	assert_int_equal(g.rows, 3);
	/* an empty file has no rows */
	write_file(p, "", 0);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 0);
}

/* ---- XLSX from libxlsxwriter ---- */

static void write_workbook(const char *path)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "登记表");
	lxw_worksheet *other = workbook_add_worksheet(wb, "说明");
	lxw_format *title = workbook_add_format(wb), *ymd = workbook_add_format(wb),
		   *builtin = workbook_add_format(wb), *cn = workbook_add_format(wb),
		   *money = workbook_add_format(wb), *red = workbook_add_format(wb);
	lxw_datetime when = {2020, 1, 26, 0, 0, 0};
	lxw_rich_string_tuple run1 = {.format = red, .string = "重点"},
			      run2 = {.format = NULL, .string = "人员"};
	lxw_rich_string_tuple *runs[] = {&run1, &run2, NULL};
	static const char *const head[] = {"序号",     "姓名",     "身份证号", "返乡日期",
					   "登记日期", "联系电话", "备注"};

	assert_non_null(wb);
	format_set_bold(title);
	format_set_num_format(ymd, "yyyy-mm-dd");
	format_set_num_format_index(builtin, 14);
	format_set_num_format(cn, "[$-804]yyyy\"年\"m\"月\"d\"日\"");
	format_set_num_format(money, "0.00_);[Red](0.00)");
	format_set_font_color(red, LXW_COLOR_RED);
	worksheet_merge_range(ws, 0, 0, 0, 6, "六合区龙袍街道返乡人员排查登记表", title);
	for (int c = 0; c < 7; c++)
		worksheet_write_string(ws, 1, (lxw_col_t)c, head[c], NULL);
	worksheet_write_number(ws, 2, 0, 1, NULL);
	worksheet_write_string(ws, 2, 1, "张三", NULL);
	worksheet_write_number(ws, 2, 2, 320116194912310000.0, NULL);
	worksheet_write_number(ws, 2, 3, 43856, ymd);
	worksheet_write_number(ws, 2, 4, 43857, builtin);
	worksheet_write_string(ws, 2, 5, "13812345678", NULL);
	worksheet_write_string(ws, 2, 6, "第一行\n第二行", NULL);
	worksheet_write_blank(ws, 3, 1, money); /* styled but empty: the row is skipped */
	worksheet_write_number(ws, 5, 0, 2, NULL);
	worksheet_write_string(ws, 5, 1, " 李四 ", NULL);
	worksheet_write_string(ws, 5, 2, "32011619491231002X", NULL);
	worksheet_write_datetime(ws, 5, 4, &when, cn);
	worksheet_write_number(ws, 5, 6, 3.5, money);
	worksheet_write_string(ws, 6, 1, "张三", NULL); /* a repeated shared string */
	worksheet_write_rich_string(ws, 6, 6, runs, NULL);
	worksheet_write_string(other, 0, 0, "姓名", NULL);
	worksheet_write_string(other, 1, 0, "不该读到", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

static void test_xlsx_libxlsxwriter(void **state)
{
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "list.xlsx");
	write_workbook(p);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_OK, g);
	assert_true(g.valid);
	assert_int_equal(g.rows, 5);
	assert_string_equal(g.rep[0], "1:六合区龙袍街道返乡人员排查登记表");
	assert_string_equal(g.rep[1], "2:序号|姓名|身份证号|返乡日期|登记日期|联系电话|备注");
	assert_string_equal(g.flags[1], "0000000");
	assert_string_equal(g.rep[2], "3:1|张三|3.2011619491231E+17|43856|43857|13812345678|"
				      "第一行\n第二行");
	assert_string_equal(g.flags[2], "1013300");
	assert_string_equal(g.rep[3], "6:2| 李四 |32011619491231002X||43856||3.5");
	assert_string_equal(g.flags[3], "1000301");
	assert_string_equal(g.rep[4], "7:|张三|||||重点人员");
}

/* ---- XLSX made by hand: what libxlsxwriter never writes ---- */

static void test_xlsx_package_walk(void **state)
{
	/* The first sheet is hidden, the visible one lives at an absolute target not named
	 * sheet1.xml; elements are prefixed; rows and cells lack r; inline strings, booleans,
	 * errors, formulas, ISO dates, _x000D_ escapes, phonetic runs and a 1904 workbook. */
	static const char rels[] =
		"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"R\" Type=\"" NS_REL
		"/officeDocument\" Target=\"/xl/book.xml\"/></Relationships>";
	static const char workbook[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		"<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:rel=\"" NS_REL "\">"
		"<x:workbookPr date1904=\"1\"/><x:sheets>"
		"<x:sheet name=\"配置\" sheetId=\"1\" state=\"hidden\" rel:id=\"rIdA\"/>"
		"<x:sheet name=\"名单\" sheetId=\"2\" rel:id=\"rIdB\"/>"
		"<x:sheet name=\"其他\" sheetId=\"3\" rel:id=\"rIdC\"/>"
		"</x:sheets></x:workbook>";
	static const char book_rels[] =
		"<Relationships xmlns=\"" NS_PKG "\">"
		"<Relationship Id=\"rIdA\" Type=\"" NS_REL "/worksheet\" Target=\"sheets/a.xml\"/>"
		"<Relationship Id=\"rIdC\" Type=\"" NS_REL "/worksheet\" Target=\"sheets/c.xml\"/>"
		"<Relationship Id=\"rIdB\" Type=\"" NS_REL
		"/worksheet\" Target=\"/xl/sheets/../data/list.xml\"/>"
		"<Relationship Id=\"rIdS\" Type=\"" NS_REL
		"/sharedStrings\" Target=\"strings.xml\"/>"
		"<Relationship Id=\"rIdY\" Type=\"" NS_REL "/styles\" Target=\"./st.xml\"/>"
		"<Relationship Id=\"rIdH\" Type=\"" NS_REL
		"/hyperlink\" Target=\"http://x/\" TargetMode=\"External\"/>"
		"</Relationships>";
	static const char strings[] =
		"<sst xmlns=\"" NS_MAIN "\" count=\"3\" uniqueCount=\"3\">"
		"<si><t>姓名</t></si>"
		"<si><r><rPr><b/></rPr><t xml:space=\"preserve\">赵 </t></r><r><t>六</t></r>"
		"<rPh sb=\"0\" eb=\"1\"><t>ZHAO</t></rPh></si>"
		"<si><t>第一行_x000D_\n第二行 a_x005F_x000D_b</t></si>"
		"</sst>";
	static const char styles[] =
		"<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"2\">"
		"<numFmt numFmtId=\"164\" formatCode=\"0.00_);[Red]\\(0.00\\)\"/>"
		"<numFmt numFmtId=\"165\" formatCode=\"&quot;日期&quot;@\"/></numFmts>"
		"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
		"<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"31\"/><xf "
		"numFmtId=\"164\"/>"
		"<xf numFmtId=\"165\"/><xf numFmtId=\"58\"/></cellXfs>"
		"<dxfs count=\"1\"><dxf><numFmt numFmtId=\"166\" formatCode=\"yyyy\"/></dxf></dxfs>"
		"</styleSheet>";
	static const char hidden[] = SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>"
						"hidden</t></is></c></row>" SHEET_TAIL;
	static const char list[] =
		"<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData>"
		"<x:row r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>0</x:v></x:c>"
		"<x:c r=\"C2\" t=\"inlineStr\"><x:is><x:t>身份证号</x:t></x:is></x:c></x:row>"
		"<x:row><x:c t=\"s\"><x:v>1</x:v></x:c><x:c s=\"1\"><x:v>43856</x:v></x:c>"
		"<x:c s=\"2\"><x:v>1.5</x:v></x:c><x:c s=\"3\"><x:v>7</x:v></x:c>"
		"<x:c s=\"4\"><x:v>0.5</x:v></x:c><x:c s=\"99\"><x:v>8</x:v></x:c></x:row>"
		"<x:row r=\"5\"><x:c r=\"A5\" t=\"b\"><x:v>1</x:v></x:c><x:c "
		"t=\"b\"><x:v>0</x:v></x:c>"
		"<x:c t=\"e\"><x:v>#N/A</x:v></x:c>"
		"<x:c t=\"str\"><x:f>A1&amp;B1</x:f><x:v>公式</x:v></x:c>"
		"<x:c t=\"d\"><x:v>2020-01-26T00:00:00</x:v></x:c>"
		"<x:c r=\"H5\" "
		"t=\"inlineStr\"><x:is><x:r><x:t>内</x:t></x:r><x:r><x:t>联</x:t></x:r>"
		"<x:rPh><x:t>NEI</x:t></x:rPh></x:is></x:c>"
		"<x:c r=\"J5\"><x:f>1+1</x:f></x:c></x:row>"
		"<x:row r=\"7\"><x:c r=\"A7\" t=\"s\"><x:v>2</x:v></x:c></x:row>"
		"<x:row r=\"8\" spans=\"1:3\"><x:c r=\"A8\" s=\"2\"/><x:c r=\"B8\" "
		"t=\"s\"/></x:row>"
		"</x:sheetData><x:mergeCells count=\"0\"/></x:worksheet>";
	const struct part parts[] = {
		{"_rels/.rels", rels, 0},
		{"xl/book.xml", workbook, 0},
		{"xl/_rels/book.xml.rels", book_rels, 0},
		{"xl/sheets/a.xml", hidden, 0},
		{"xl/sheets/c.xml", hidden, 0},
		{"xl/data/list.xml", list, 0},
		{"xl/strings.xml", strings, 0},
		{"xl/st.xml", styles, 0},
	};
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "walk.xlsx");
	make_zip(p, parts, sizeof parts / sizeof parts[0]);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 4);
	assert_string_equal(g.rep[0], "2:|姓名|身份证号");
	assert_string_equal(g.rep[1], "3:赵 六|43856|1.5|7|0.5|8");
	assert_string_equal(g.flags[1], "071171");
	assert_string_equal(g.rep[2], "5:TRUE|FALSE|#N/A|公式|2020-01-26T00:00:00|||内联");
	assert_string_equal(g.flags[2], "00002000");
	assert_string_equal(g.rep[3], "7:第一行\n第二行 a_x000D_b");
}

/* The package read without _rels/.rels, with a relative sheet that is not sheet1.xml. */
static void test_xlsx_defaults(void **state)
{
	static const char wb_rels[] =
		"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
		"/worksheet\" Target=\"worksheets/名单.xml\"/></Relationships>";
	static const char sheet[] =
		SHEET_HEAD "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
			   "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\">"
			   "<is><t></t></is></c><c r=\"A1048576\"/></row>" SHEET_TAIL;
	const struct part parts[] = {
		{"xl/workbook.xml", plain_workbook, 0},
		{"xl/_rels/workbook.xml.rels", wb_rels, 0},
		{"xl/worksheets/名单.xml", sheet, 0},
	};
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "defaults.xlsx");
	make_zip(p, parts, 3);
	/* A1048576 after XFD1048576 is out of order */
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_string_equal(g.rep[0], "1:1");
	assert_string_equal(g.flags[0], "1");
	assert_non_null(strstr(g.err, "row 1048576"));
}

static void test_xlsx_corrupt(void **state)
{
	char p[512], junk[4096];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "corrupt.xlsx");
	memset(junk, 'J', sizeof junk);
	memcpy(junk, "PK\3\4", 4);
	write_file(p, junk, sizeof junk);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_BAD_FORMAT, g);
	write_file(p, "", 0);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	write_file(p, "姓名,电话\n", strlen("姓名,电话\n"));
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	/* a legacy .xls (OLE2) */
	memcpy(junk, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	write_file(p, junk, sizeof junk);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_non_null(strstr(g.err, ".xls"));

	/* a real workbook cut in half, and one with its compressed data damaged */
	{
		FILE *f;
		char *data;
		long n;
		mkpath(p, sizeof p, "list.xlsx");
		write_workbook(p);
		f = fopen(p, "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		data = malloc((size_t)n);
		assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		mkpath(p, sizeof p, "cut.xlsx");
		write_file(p, data, (size_t)n / 2);
		expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_BAD_FORMAT, g);
		for (long i = 100; i < n / 2; i += 7)
			data[i] ^= 0x55;
		write_file(p, data, (size_t)n);
		expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_BAD_FORMAT, g);
		free(data);
	}
}

static void test_xlsx_truncated_sheet(void **state)
{
	static const char sheet[] =
		SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row>"
			   "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>张三</t></is></c></row>"
			   "<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>李";
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "trunc.xlsx");
	make_xlsx(p, sheet, 0, NULL, NULL);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_int_equal(g.rows, 2);
	assert_non_null(strstr(g.err, "sheet1.xml"));
}

static void expect_sheet(const char *sheet, const char *sst, const struct sheet_limits *lim,
			 enum sheet_status want, const char *err_part)
{
	char p[512];
	struct got g;
	mkpath(p, sizeof p, "hostile.xlsx");
	make_xlsx(p, sheet, 0, sst, NULL);
	expect_status(rd(p, SHEET_KIND_XLSX, lim, &g), want, g);
	if (err_part && !strstr(g.err, err_part))
		fail_msg("error \"%s\" lacks \"%s\"", g.err, err_part);
}

static void test_xlsx_hostile(void **state)
{
	static const char laughs[] =
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
		"<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row><c t=\"inlineStr\"><is><t>&lol2;"
		"</t></is></c></row></sheetData></worksheet>";
	static const char sst2[] =
		"<sst xmlns=\"" NS_MAIN "\"><si><t>a</t></si><si><t>b</t></si></sst>";
	struct sheet_limits lim = {.max_shared_strings_bytes = 100};
	(void)state;
	expect_sheet(laughs, NULL, NULL, SHEET_BAD_FORMAT, "DTD");
	expect_sheet(SHEET_HEAD "<row><c t=\"s\"><v>2</v></c></row>" SHEET_TAIL, sst2, NULL,
		     SHEET_BAD_FORMAT, "shared string");
	expect_sheet(SHEET_HEAD "<row><c t=\"s\"><v>-1</v></c></row>" SHEET_TAIL, sst2, NULL,
		     SHEET_BAD_FORMAT, NULL);
	expect_sheet(SHEET_HEAD "<row><c t=\"s\"><v>1</v></c></row>" SHEET_TAIL, sst2, NULL,
		     SHEET_OK, NULL);
	/* 2 strings cost 2 × (1 + NUL + an 8-byte offset) = 20 bytes: a cap of 19 is hit */
	lim.max_shared_strings_bytes = 19;
	expect_sheet(SHEET_HEAD SHEET_TAIL, sst2, &lim, SHEET_TOO_BIG, "sharedStrings");
	lim.max_shared_strings_bytes = 20;
	expect_sheet(SHEET_HEAD SHEET_TAIL, sst2, &lim, SHEET_OK, NULL);
	expect_sheet(SHEET_HEAD "<row><c r=\"GS1\"><v>1</v></c></row>" SHEET_TAIL, NULL, NULL,
		     SHEET_TOO_BIG, "row 1: too many columns");
	expect_sheet(SHEET_HEAD
		     "<row><c r=\"GS1\"/><c r=\"GT1\"><v></v></c><c r=\"A1\"/></row>" SHEET_TAIL,
		     NULL, NULL, SHEET_BAD_FORMAT, "order");
	expect_sheet(SHEET_HEAD "<row><c r=\"AAAA1\"><v>1</v></c></row>" SHEET_TAIL, NULL, NULL,
		     SHEET_BAD_FORMAT, "reference");
	expect_sheet(SHEET_HEAD "<row r=\"x\"/>" SHEET_TAIL, NULL, NULL, SHEET_BAD_FORMAT, NULL);
	expect_sheet(SHEET_HEAD "<row r=\"2\"/><row r=\"2\"/>" SHEET_TAIL, NULL, NULL,
		     SHEET_BAD_FORMAT, "order");
	expect_sheet(SHEET_HEAD "<row r=\"2000001\"/>" SHEET_TAIL, NULL, NULL, SHEET_TOO_BIG,
		     "rows");
	expect_sheet(SHEET_HEAD "<row r=\"99999999999999999999999\"/>" SHEET_TAIL, NULL, NULL,
		     SHEET_BAD_FORMAT, NULL);
	expect_sheet(SHEET_HEAD "<row><c><v>1</v></c></row>", NULL, NULL, SHEET_BAD_FORMAT, NULL);
	expect_sheet("<worksheet xmlns=\"" NS_MAIN "\"><sheetData></sheetdata></worksheet>", NULL,
		     NULL, SHEET_BAD_FORMAT, "mismatched tag");
	expect_sheet(SHEET_HEAD
		     "<row><c t=\"inlineStr\"><is><t>\xE4\xB8</t></is></c></row>" SHEET_TAIL,
		     NULL, NULL, SHEET_BAD_FORMAT, NULL);
	expect_sheet(SHEET_HEAD
		     "<row><c t=\"inlineStr\"><is><t>a&#0;</t></is></c></row>" SHEET_TAIL,
		     NULL, NULL, SHEET_BAD_FORMAT, NULL);
}

static void test_xlsx_bombs(void **state)
{
	size_t n = 16u << 20;
	char *big = malloc(n + 256), p[512];
	struct sheet_limits lim = {.max_part_bytes = 1 << 20};
	struct got g;
	size_t o;
	(void)state;
	assert_non_null(big);
	mkpath(p, sizeof p, "bomb.xlsx");

	/* 16 MiB of harmless whitespace against a 1 MiB part cap */
	o = (size_t)snprintf(big, 256, "%s", SHEET_HEAD);
	memset(big + o, ' ', n);
	o += n;
	o += (size_t)snprintf(big + o, 256, "%s", SHEET_TAIL);
	make_xlsx(p, big, o, NULL, NULL);
	expect_status(rd(p, SHEET_KIND_XLSX, &lim, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "bytes"));
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_OK, g);

	/* a 40 MiB attribute: expat would have to hold it whole */
	big = realloc(big, (40u << 20) + 256);
	o = (size_t)snprintf(big, 256, "%s<row><c r=\"", SHEET_HEAD);
	memset(big + o, 'A', 40u << 20);
	o += 40u << 20;
	o += (size_t)snprintf(big + o, 256, "1\"/></row>%s", SHEET_TAIL);
	make_xlsx(p, big, o, NULL, NULL);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "too large"));

	/* a 40 MiB cell against the 4096-byte cell cap */
	o = (size_t)snprintf(big, 256, "%s<row><c t=\"inlineStr\"><is><t>", SHEET_HEAD);
	memset(big + o, 'B', 40u << 20);
	o += 40u << 20;
	o += (size_t)snprintf(big + o, 256, "</t></is></c></row>%s", SHEET_TAIL);
	make_xlsx(p, big, o, NULL, NULL);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "row 1: cell too long"));
	free(big);
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

/* A zip that is all directory: refused from its end record, before libzip builds a table
 * of a million entries. */
static void test_xlsx_directory_cap(void **state)
{
	unsigned char f[200];
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "dir.xlsx");
	memset(f, 0, sizeof f);
	memcpy(f, "PK\3\4", 4);
	memcpy(f + 100, "PK\5\6", 4);
	put_le(f + 108, 60000, 2);
	put_le(f + 110, 60000, 2);
	put_le(f + 112, 46 * 60000, 4);
	write_file(p, f, 122);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "60000"));

	/* the same through a ZIP64 end record */
	memset(f, 0, sizeof f);
	memcpy(f, "PK\3\4", 4);
	memcpy(f + 20, "PK\6\6", 4);
	put_le(f + 20 + 32, 5000000, 8);
	put_le(f + 20 + 40, 46 * 5000000ull, 8);
	memcpy(f + 120, "PK\6\7", 4);
	put_le(f + 128, 20, 8);
	memcpy(f + 140, "PK\5\6", 4);
	put_le(f + 148, 0xFFFF, 2);
	put_le(f + 150, 0xFFFF, 2);
	put_le(f + 152, 0xFFFFFFFF, 4);
	write_file(p, f, 162);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_TOO_BIG, g);
	assert_non_null(strstr(g.err, "5000000"));

	/* a modest directory that is simply broken */
	put_le(f + 148, 3, 2);
	put_le(f + 150, 3, 2);
	put_le(f + 152, 150, 4);
	write_file(p, f, 162);
	expect_status(rd(p, SHEET_KIND_UNKNOWN, NULL, &g), SHEET_BAD_FORMAT, g);
}

static void test_xlsx_package_errors(void **state)
{
	static const char no_sheets[] = "<workbook xmlns=\"" NS_MAIN "\"><sheets/></workbook>";
	static const char chart_rels[] =
		"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
		"/chartsheet\" Target=\"chartsheets/sheet1.xml\"/></Relationships>";
	static const char escape_rels[] =
		"<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
		"/worksheet\" Target=\"../../../etc/passwd\"/></Relationships>";
	static const char sheet[] = SHEET_HEAD SHEET_TAIL;
	struct part parts[] = {
		{"xl/workbook.xml", no_sheets, 0},
		{"xl/_rels/workbook.xml.rels", plain_workbook_rels, 0},
		{"xl/worksheets/sheet1.xml", sheet, 0},
	};
	char p[512];
	struct got g;
	(void)state;
	mkpath(p, sizeof p, "pkg.xlsx");
	make_zip(p, parts, 3);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_non_null(strstr(g.err, "no sheet"));
	parts[0].data = plain_workbook;
	make_zip(p, parts + 1, 2);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_non_null(strstr(g.err, "workbook.xml is missing"));
	make_zip(p, parts, 1);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	parts[1].data = chart_rels;
	make_zip(p, parts, 3);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_non_null(strstr(g.err, "not a worksheet"));
	parts[1].data = escape_rels;
	make_zip(p, parts, 3);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	parts[1].data = plain_workbook_rels;
	make_zip(p, parts, 2);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_BAD_FORMAT, g);
	assert_non_null(strstr(g.err, "sheet1.xml is missing"));
	make_zip(p, parts, 3);
	expect_status(rd(p, SHEET_KIND_XLSX, NULL, &g), SHEET_OK, g);
	assert_int_equal(g.rows, 0);
}

/* ---- 200,000 rows in bounded memory ---- */

enum { BIG_ROWS = 200000 };

static long status_kib(const char *field)
{
	char line[256];
	long v = -1;
	size_t n = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, field, n) && line[n] == ':')
			v = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Resets the peak RSS (Linux ≥ 4.0); returns the current RSS in KiB, or the peak so far
 * from getrusage when the reset is not available (the growth measured is then a floor). */
static long peak_reset(void)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");
	struct rusage ru;

	if (f && fputs("5", f) >= 0 && fclose(f) == 0)
		return status_kib("VmRSS");
	if (f)
		fclose(f);
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static long peak_now(void)
{
	long hwm = status_kib("VmHWM");
	struct rusage ru;

	if (hwm >= 0)
		return hwm;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void read_big(const char *path, const char *what, size_t file_bytes)
{
	struct got *g = malloc(sizeof *g);
	long base, growth;
	double t0;
	enum sheet_status st;

	assert_non_null(g);
	base = peak_reset();
	t0 = now();
	st = rd(path, SHEET_KIND_UNKNOWN, NULL, g);
	growth = peak_now() - base;
	print_message("%s: %d rows, %.1f MiB file, read in %.2f s, peak RSS growth %ld KiB\n", what,
		      BIG_ROWS, (double)file_bytes / (1 << 20), now() - t0, growth);
	expect_status(st, SHEET_OK, *g);
	assert_int_equal(g->rows, BIG_ROWS + 1);
	assert_int_equal(g->last_line, BIG_ROWS + 1);
	assert_true(g->lines_increase);
	assert_true(g->valid);
	/* well below the file size: a reader that kept the file or the rows would not fit */
	assert_true(growth < 4 * 1024);
	assert_true(growth < 0 || (size_t)growth * 1024 < file_bytes / 2); /* < 0: RSS fell */
	free(g);
}

static void test_big_csv(void **state)
{
	struct buf b, name, tail;
	char p[512], id[32];
	FILE *f;
	size_t total = 0;
	(void)state;
	buf_init(&b, SIZE_MAX);
	buf_init(&name, 64);
	buf_init(&tail, 64);
	add_gb(&name, "张三丰,");
	add_gb(&tail, ",六合区龙袍街道\r\n");
	mkpath(p, sizeof p, "big.csv");
	f = fopen(p, "wb");
	assert_non_null(f);
	add_gb(&b, "姓名,身份证号,现住址\r\n");
	for (int i = 0; i < BIG_ROWS; i++) {
		snprintf(id, sizeof id, "3201161949%08d", i);
		assert_true(buf_append(&b, name.data, name.len));
		add(&b, id);
		assert_true(buf_append(&b, tail.data, tail.len));
		if (b.len > (1 << 20)) {
			assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
			total += b.len;
			b.len = 0;
		}
	}
	assert_int_equal(fwrite(b.data, 1, b.len, f), b.len);
	total += b.len;
	assert_int_equal(fclose(f), 0);
	buf_free(&b);
	buf_free(&name);
	buf_free(&tail);
	read_big(p, "CSV (GB18030)", total);
}

/* Made by hand rather than by libxlsxwriter, which under ASan takes longer to write the
 * file than we take to read it; shared strings and a date style as Excel writes them. */
static void test_big_xlsx(void **state)
{
	static const char sst[] = "<sst xmlns=\"" NS_MAIN "\"><si><t>姓名</t></si>"
				  "<si><t>返乡日期</t></si><si><t>张三丰</t></si></sst>";
	static const char styles[] =
		"<styleSheet xmlns=\"" NS_MAIN "\"><cellXfs count=\"2\">"
		"<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
	struct buf b;
	char p[512], row[160];
	size_t xml_bytes;
	(void)state;
	buf_init(&b, SIZE_MAX);
	add(&b, SHEET_HEAD "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c>"
			   "<c r=\"B1\" t=\"s\"><v>1</v></c></row>");
	for (int r = 2; r <= BIG_ROWS + 1; r++) {
		snprintf(row, sizeof row,
			 "<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>2</v></c><c r=\"B%d\" s=\"1\">"
			 "<v>%d</v></c></row>",
			 r, r, r, 43856 + r % 30);
		add(&b, row);
	}
	add(&b, SHEET_TAIL);
	mkpath(p, sizeof p, "big.xlsx");
	make_xlsx(p, b.data, b.len, sst, styles);
	xml_bytes = b.len;
	buf_free(&b);
	/* the sheet XML is what a careless reader would hold: measure against it, not the zip */
	read_big(p, "XLSX", xml_bytes);
}

/* ---- setup ---- */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/fk_sheet_XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_status_codes),
		cmocka_unit_test(test_limits_defaults),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_csv_utf8_bom),
		cmocka_unit_test(test_csv_gb18030),
		cmocka_unit_test(test_csv_chunk_boundaries),
		cmocka_unit_test(test_csv_utf16_tabs),
		cmocka_unit_test(test_csv_delimiters),
		cmocka_unit_test(test_csv_cr_only),
		cmocka_unit_test(test_csv_too_long),
		cmocka_unit_test(test_csv_columns),
		cmocka_unit_test(test_csv_encoding_errors),
		cmocka_unit_test(test_csv_stop_and_rows),
		cmocka_unit_test(test_xlsx_libxlsxwriter),
		cmocka_unit_test(test_xlsx_package_walk),
		cmocka_unit_test(test_xlsx_defaults),
		cmocka_unit_test(test_xlsx_corrupt),
		cmocka_unit_test(test_xlsx_truncated_sheet),
		cmocka_unit_test(test_xlsx_hostile),
		cmocka_unit_test(test_xlsx_bombs),
		cmocka_unit_test(test_xlsx_directory_cap),
		cmocka_unit_test(test_xlsx_package_errors),
		cmocka_unit_test(test_big_csv),
		cmocka_unit_test(test_big_xlsx),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
