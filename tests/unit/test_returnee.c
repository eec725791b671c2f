/* returnee_from_row, pure: one row of a pushed list into a key-person record. A valid row;
 * every defect that keeps the row (flagged) and every reason that drops it (rejected);
 * Excel serial dates (1900 and 1904 systems); the key-area window; the address resolving
 * to a village, a township queue or outside the importer's area; the place of origin. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/returnee.h"
#include "io/sheet.h"

#define TODAY 20200201

/* ---- fixtures ---- */

static const struct addr_area areas[] = {
	{"320481116", "社渚镇"},
	{"320481111", "竹箦镇"},
	{"320481116200", "社渚村村委会"},
	{"320481116002", "河口居委会"},
	{"320481111200", "竹箦村村委会"},
};

/* sorted by code, as the store hands them over */
static const struct returnee_division divisions[] = {
	{"32", "江苏省"},   {"3201", "南京市"}, {"320106", "鼓楼区"}, {"42", "湖北省"},
	{"4201", "武汉市"}, {"420102", "江岸区"}, {"4202", "黄石市"},
};

static const struct returnee_key_area keys[] = {
	{"4201", 20191201, 20200123}, /* 武汉市, until the city closed */
};

static struct addr_index *ix;

static int group_setup(void **state)
{
	(void)state;
	ix = addr_index_new(areas, sizeof areas / sizeof areas[0]);
	return ix && addr_index_count(ix) == 5 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	addr_index_free(ix);
	return 0;
}

static struct returnee_ctx ctx_home(const char *home)
{
	return (struct returnee_ctx){
		.today = TODAY,
		.addr = ix,
		.home_area = home,
		.divisions = divisions,
		.ndivisions = sizeof divisions / sizeof divisions[0],
		.keys = keys,
		.nkeys = sizeof keys / sizeof keys[0],
	};
}

/* A valid GB 11643 number: region + birth (YYYYMMDD) + 3-digit sequence + check. */
static const char *make_id(char out[19], const char *region, const char *birth, int seq)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int s = 0;

	snprintf(out, 19, "%s%s%03d", region, birth, seq);
	for (int i = 0; i < 17; i++)
		s += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[s % 11];
	out[18] = '\0';
	return out;
}

/* The same number with a wrong check character. */
static const char *bad_check(char out[19], const char *valid)
{
	memcpy(out, valid, 19);
	out[17] = out[17] == '1' ? '2' : '1';
	return out;
}

enum { C_NAME, C_TYPE, C_ID, C_PHONE, C_ORIGIN, C_DATE, C_TRANSPORT, C_NO, C_ADDR, C_TOWN,
       C_VILLAGE, NCOLS };

static const enum table_field map[NCOLS] = {
	TF_NAME, TF_ID_TYPE, TF_ID_NUMBER, TF_PHONE, TF_ORIGIN, TF_ARRIVAL_DATE,
	TF_TRANSPORT, TF_TRANSPORT_NO, TF_ADDRESS, TF_TOWNSHIP, TF_VILLAGE,
};

struct row {
	const char *cells[NCOLS];
	unsigned char flags[NCOLS];
};

/* A complete, valid row: 张三 from 武汉 to 社渚村 on 2020-01-20. */
static struct row valid_row(char id[19])
{
	struct row r = {{0}, {0}};

	r.cells[C_NAME] = "张三";
	r.cells[C_TYPE] = "居民身份证";
	r.cells[C_ID] = make_id(id, "320481", "19800115", 123);
	r.cells[C_PHONE] = "13812345678";
	r.cells[C_ORIGIN] = "湖北省武汉市";
	r.cells[C_DATE] = "2020-01-20";
	r.cells[C_TRANSPORT] = "火车";
	r.cells[C_NO] = "G1234";
	r.cells[C_ADDR] = "社渚镇社渚村5组";
	r.cells[C_TOWN] = "";
	r.cells[C_VILLAGE] = "";
	return r;
}

static void convert(const struct returnee_ctx *ctx, struct row *r, struct returnee *out)
{
	for (int i = 0; i < NCOLS; i++)
		if (!r->cells[i])
			r->cells[i] = "";
	returnee_from_row(ctx, r->cells, r->flags, NCOLS, map, out);
}

/* The issue with this code, or NULL. */
static const struct returnee_issue *issue(const struct returnee *r, const char *code)
{
	for (size_t i = 0; i < r->nissues; i++)
		if (!strcmp(r->issues[i].code, code))
			return &r->issues[i];
	return NULL;
}

/* Asserts that r is kept, flagged with exactly `code` (on field f), and nothing else. */
static void expect_only_flag(const struct returnee *r, const char *code, enum table_field f)
{
	const struct returnee_issue *is = issue(r, code);

	assert_false(r->rejected);
	assert_int_equal(r->nissues, 1);
	assert_non_null(is);
	assert_false(is->reject);
	assert_int_equal(is->field, f);
	assert_string_equal(r->defects, code);
}

/* ---- a valid row ---- */

static void test_valid_row(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	convert(&ctx, &r, &out);
	assert_false(out.rejected);
	assert_int_equal(out.nissues, 0);
	assert_string_equal(out.defects, "");
	assert_string_equal(out.name, "张三");
	assert_string_equal(out.doc_type, "resident");
	assert_string_equal(out.id_number, id);
	assert_true(out.id_valid);
	assert_int_equal(out.birth, 19800115);
	assert_string_equal(out.sex, "M"); /* 123: odd */
	assert_string_equal(out.phone, "13812345678");
	assert_string_equal(out.origin, "湖北省武汉市");
	assert_string_equal(out.origin_code, "4201");
	assert_int_equal(out.arrival, 20200120);
	assert_true(out.key_area);
	assert_string_equal(out.transport, "火车");
	assert_string_equal(out.transport_no, "G1234");
	assert_string_equal(out.address, "社渚镇社渚村5组");
	assert_string_equal(out.area, "320481116200");
}

static void test_valid_row_normalised(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_NAME] = "  李四 ";
	r.cells[C_ID] = "11010519491231002x"; /* lower-case x accepted, stored upper-case */
	r.cells[C_PHONE] = "+86 139-1234-5678";
	r.cells[C_TYPE] = "";
	convert(&ctx, &r, &out);
	assert_false(out.rejected);
	assert_int_equal(out.nissues, 0);
	assert_string_equal(out.name, "李四");
	assert_string_equal(out.id_number, "11010519491231002X");
	assert_true(out.id_valid);
	assert_string_equal(out.sex, "F"); /* 002: even */
	assert_int_equal(out.birth, 19491231);
	assert_string_equal(out.phone, "13912345678");
	assert_string_equal(out.doc_type, "resident");

	/* a 15-digit legacy number is upgraded, not flagged */
	r.cells[C_ID] = "320481800115123";
	convert(&ctx, &r, &out);
	assert_int_equal(out.nissues, 0);
	assert_true(out.id_valid);
	assert_string_equal(out.id_number, make_id(id, "320481", "19800115", 123));
	assert_int_equal(out.birth, 19800115);

	/* another document, named in the type column */
	r.cells[C_TYPE] = "护照";
	r.cells[C_ID] = "e12345678";
	convert(&ctx, &r, &out);
	assert_int_equal(out.nissues, 0);
	assert_true(out.id_valid);
	assert_string_equal(out.doc_type, "passport");
	assert_string_equal(out.id_number, "E12345678");
}

/* ---- each flagged defect ---- */

static void test_defect_id_check(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19], bad[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ID] = bad_check(bad, id);
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.check", TF_ID_NUMBER);
	assert_false(out.id_valid);
	assert_string_equal(out.id_number, bad); /* kept as written, for the door */
	assert_int_equal(out.birth, 0);
	assert_string_equal(out.sex, "");
	assert_string_equal(out.area, "320481116200"); /* still lands on the village */
}

static void test_defect_id_length_chars(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19], shortid[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	memcpy(shortid, id, 17);
	shortid[17] = '\0';
	r.cells[C_ID] = shortid;
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.length", TF_ID_NUMBER);

	r.cells[C_ID] = "32048119800115123Y";
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.chars", TF_ID_NUMBER);
}

static void test_defect_id_birth(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19], feb30[19], future[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ID] = make_id(feb30, "320481", "19800230", 11); /* check right, date not */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.birth_date", TF_ID_NUMBER);
	assert_int_equal(out.birth, 0);

	r.cells[C_ID] = make_id(future, "320481", "20210101", 11); /* after TODAY */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.future_birth", TF_ID_NUMBER);
}

static void test_defect_id_mangled(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ID] = "3.20481E+17";
	r.flags[C_ID] = SHEET_CELL_NUMBER;
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.mangled", TF_ID_NUMBER);
	assert_false(out.id_valid);

	r.cells[C_ID] = "320481198001150000"; /* Excel kept 15 digits, then zeros */
	r.flags[C_ID] = 0;
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.mangled", TF_ID_NUMBER);
}

static void test_defect_id_missing(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ID] = ""; /* a phone and an address are enough to verify */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "id.missing", TF_ID_NUMBER);
	assert_string_equal(out.id_number, "");
	assert_string_equal(out.phone, "13812345678");
}

static void test_defect_phone(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_PHONE] = "1381234567"; /* 10 digits */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "phone.invalid", TF_PHONE);
	assert_string_equal(out.phone, "");

	r.cells[C_PHONE] = "12812345678"; /* second digit 2 */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "phone.invalid", TF_PHONE);
}

static void test_defect_date(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_DATE] = "春节前";
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "date.invalid", TF_ARRIVAL_DATE);
	assert_int_equal(out.arrival, 0);

	r.cells[C_DATE] = "2020-02-30";
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "date.invalid", TF_ARRIVAL_DATE);
}

static void test_several_defects(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19], bad[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ID] = bad_check(bad, id);
	r.cells[C_PHONE] = "12345";
	r.cells[C_DATE] = "不详";
	r.cells[C_ADDR] = "社渚镇人民路8号";
	convert(&ctx, &r, &out);
	assert_false(out.rejected);
	assert_int_equal(out.nissues, 4);
	assert_string_equal(out.defects, "id.check,phone.invalid,date.invalid,address.unresolved");
	assert_string_equal(out.area, "320481116");
}

/* ---- each reject reason ---- */

static void test_reject_no_name(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;
	const struct returnee_issue *is;

	(void)state;
	r.cells[C_NAME] = "";
	convert(&ctx, &r, &out);
	assert_true(out.rejected);
	assert_int_equal(out.nissues, 1);
	assert_non_null(is = issue(&out, "name.missing"));
	assert_true(is->reject);
	assert_int_equal(is->field, TF_NAME);
	assert_string_equal(out.defects, ""); /* a rejected reason is not a defect to resolve */

	r.cells[C_NAME] = "　 "; /* ideographic and ASCII spaces only */
	convert(&ctx, &r, &out);
	assert_true(out.rejected);
	assert_non_null(issue(&out, "name.missing"));
}

static void test_reject_nothing_to_verify(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;
	const struct returnee_issue *is;

	(void)state;
	r.cells[C_ID] = "";
	r.cells[C_PHONE] = "";
	r.cells[C_ADDR] = "";
	convert(&ctx, &r, &out);
	assert_true(out.rejected);
	assert_non_null(is = issue(&out, "row.empty"));
	assert_true(is->reject);
	assert_int_equal(is->field, TF_NONE);
	assert_null(issue(&out, "id.missing")); /* rejected rows get no further checks */
	assert_null(issue(&out, "address.unresolved"));

	/* no name and nothing else: both reasons */
	r.cells[C_NAME] = "";
	convert(&ctx, &r, &out);
	assert_true(out.rejected);
	assert_int_equal(out.nissues, 2);
	assert_non_null(issue(&out, "name.missing"));
	assert_non_null(issue(&out, "row.empty"));
}

static void test_one_of_id_phone_address_is_enough(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;
	const struct returnee_issue *is;

	(void)state;
	r.cells[C_ID] = "";
	r.cells[C_ADDR] = "";
	convert(&ctx, &r, &out); /* a phone only */
	assert_false(out.rejected);
	assert_non_null(issue(&out, "id.missing"));
	assert_string_equal(out.area, "320481"); /* no address: the importer's area */
	assert_null(issue(&out, "address.unresolved"));

	r = valid_row(id);
	r.cells[C_PHONE] = "";
	r.cells[C_ADDR] = "";
	convert(&ctx, &r, &out); /* an ID number only */
	assert_false(out.rejected);
	assert_int_equal(out.nissues, 1); /* a missing phone is flagged, not silently accepted */
	assert_non_null(is = issue(&out, "phone.missing"));
	assert_int_equal(is->field, TF_PHONE);
	assert_false(is->reject);
	assert_string_equal(out.defects, "phone.missing");
	assert_string_equal(out.area, "320481");
}

/* A correction at the door replaces the defects of the corrected fields only. */
static void test_fix_defects(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19], out[160];
	struct row r = valid_row(id);
	struct returnee fixed;

	(void)state;
	convert(&ctx, &r, &fixed); /* valid ID number and phone: no issues */
	returnee_fix_defects("id.check,phone.invalid,address.unresolved",
			     RETURNEE_FIX_ID | RETURNEE_FIX_PHONE, &fixed, out, sizeof out);
	assert_string_equal(out, "address.unresolved");
	returnee_fix_defects("id.check,duplicate.elsewhere,phone.missing", RETURNEE_FIX_PHONE,
			     &fixed, out, sizeof out);
	assert_string_equal(out, "id.check,duplicate.elsewhere");
	returnee_fix_defects("", RETURNEE_FIX_ID, &fixed, out, sizeof out);
	assert_string_equal(out, "");
	returnee_fix_defects(NULL, 0, &fixed, out, sizeof out);
	assert_string_equal(out, "");

	/* a number still wrong keeps its flag (the new one) */
	id[17] = id[17] == '0' ? '1' : '0';
	r.cells[C_ID] = id;
	convert(&ctx, &r, &fixed);
	returnee_fix_defects("id.length,phone.invalid", RETURNEE_FIX_ID, &fixed, out, sizeof out);
	assert_string_equal(out, "phone.invalid,id.check");
}

/* ---- dates ---- */

static void test_dates_text(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{"2020-01-26", 20200126},   {"2020/1/26", 20200126}, {"2020.1.26", 20200126},
		{"2020年1月26日", 20200126}, {"20200126", 20200126},  {"1月26日", 20200126},
		{"2020-01-26 08:30", 20200126},
	};
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct returnee out;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct row r = valid_row(id);
		r.cells[C_DATE] = cases[i].in;
		convert(&ctx, &r, &out);
		if (out.arrival != cases[i].want || out.nissues)
			fail_msg("%s → %d (%zu issues), want %d", cases[i].in, out.arrival, out.nissues,
				 cases[i].want);
	}
}

static void test_dates_excel_serial(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_DATE] = "43856"; /* 2020-01-26 in the 1900 system */
	r.flags[C_DATE] = SHEET_CELL_NUMBER | SHEET_CELL_DATE;
	convert(&ctx, &r, &out);
	assert_int_equal(out.nissues, 0);
	assert_int_equal(out.arrival, 20200126);

	r.cells[C_DATE] = "43856.75"; /* 18:00 that day */
	convert(&ctx, &r, &out);
	assert_int_equal(out.arrival, 20200126);

	/* the same day in a 1904 workbook is 1462 days shorter */
	r.cells[C_DATE] = "42394";
	r.flags[C_DATE] = SHEET_CELL_NUMBER | SHEET_CELL_DATE | SHEET_CELL_DATE1904;
	convert(&ctx, &r, &out);
	assert_int_equal(out.nissues, 0);
	assert_int_equal(out.arrival, 20200126);

	/* and without the 1904 flag that serial is 2016-01-25 */
	r.flags[C_DATE] = SHEET_CELL_NUMBER | SHEET_CELL_DATE;
	convert(&ctx, &r, &out);
	assert_int_equal(out.arrival, 20160125);

	/* DATE alone: an ISO date stored as t="d" */
	r.cells[C_DATE] = "2020-01-26T00:00:00";
	r.flags[C_DATE] = SHEET_CELL_DATE;
	convert(&ctx, &r, &out);
	assert_int_equal(out.nissues, 0);
	assert_int_equal(out.arrival, 20200126);

	/* Excel's phantom 1900-02-29 is refused, flagged */
	r.cells[C_DATE] = "60";
	r.flags[C_DATE] = SHEET_CELL_NUMBER | SHEET_CELL_DATE;
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "date.invalid", TF_ARRIVAL_DATE);
}

/* ---- key areas: origin + arrival window ---- */

static void test_key_area(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_DATE] = "2020-01-23"; /* last day of the window */
	convert(&ctx, &r, &out);
	assert_true(out.key_area);

	r.cells[C_DATE] = "2019-12-01"; /* first day */
	convert(&ctx, &r, &out);
	assert_true(out.key_area);

	r.cells[C_DATE] = "2020-01-24"; /* after the window */
	convert(&ctx, &r, &out);
	assert_false(out.key_area);
	assert_string_equal(out.origin_code, "4201");

	r.cells[C_DATE] = "2019-11-30"; /* before */
	convert(&ctx, &r, &out);
	assert_false(out.key_area);

	r.cells[C_ORIGIN] = "武汉市江岸区"; /* a county inside the key city */
	r.cells[C_DATE] = "2020-01-10";
	convert(&ctx, &r, &out);
	assert_string_equal(out.origin_code, "420102");
	assert_true(out.key_area);

	r.cells[C_ORIGIN] = "湖北省黄石市"; /* same province, not a key city */
	convert(&ctx, &r, &out);
	assert_string_equal(out.origin_code, "4202");
	assert_false(out.key_area);

	r.cells[C_ORIGIN] = "江苏省南京市";
	convert(&ctx, &r, &out);
	assert_false(out.key_area);

	r.cells[C_ORIGIN] = "";
	convert(&ctx, &r, &out);
	assert_false(out.key_area);
	assert_string_equal(out.origin_code, "");

	/* no arrival date: from a key city, it counts (the door will ask) */
	r.cells[C_ORIGIN] = "武汉";
	r.cells[C_DATE] = "";
	convert(&ctx, &r, &out);
	assert_int_equal(out.arrival, 0);
	assert_true(out.key_area);

	/* no key areas configured: nobody is flagged */
	ctx.nkeys = 0;
	r.cells[C_DATE] = "2020-01-20";
	convert(&ctx, &r, &out);
	assert_false(out.key_area);
}

/* ---- addresses ---- */

static void test_address_village(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ADDR] = "社渚镇社渚村5组";
	convert(&ctx, &r, &out);
	assert_string_equal(out.area, "320481116200");
	assert_int_equal(out.nissues, 0);

	r.cells[C_ADDR] = "河口居委会幸福路3号";
	convert(&ctx, &r, &out);
	assert_string_equal(out.area, "320481116002");
	assert_int_equal(out.nissues, 0);

	r.cells[C_ADDR] = "竹箦镇竹箦村3组";
	convert(&ctx, &r, &out);
	assert_string_equal(out.area, "320481111200");
	assert_int_equal(out.nissues, 0);

	/* separate township and village columns, a bare house address */
	r.cells[C_ADDR] = "5组12号";
	r.cells[C_TOWN] = "社渚镇";
	r.cells[C_VILLAGE] = "社渚村";
	convert(&ctx, &r, &out);
	assert_string_equal(out.area, "320481116200");
	assert_int_equal(out.nissues, 0);
	assert_string_equal(out.address, "5组12号"); /* the address itself is kept as written */
}

static void test_address_township_queue(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481");
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ADDR] = "社渚镇人民路8号";
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "address.unresolved", TF_ADDRESS);
	assert_string_equal(out.area, "320481116"); /* queued at the township */

	r.cells[C_ADDR] = "南京市鼓楼区中山路1号"; /* nothing of the county */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "address.unresolved", TF_ADDRESS);
	assert_string_equal(out.area, "320481"); /* the importer's area */

	/* no address index at all: everything goes to the importer's area */
	ctx.addr = NULL;
	r.cells[C_ADDR] = "社渚镇社渚村5组";
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "address.unresolved", TF_ADDRESS);
	assert_string_equal(out.area, "320481");
}

static void test_address_outside(void **state)
{
	struct returnee_ctx ctx = ctx_home("320481116"); /* a 社渚镇 importer */
	char id[19];
	struct row r = valid_row(id);
	struct returnee out;

	(void)state;
	r.cells[C_ADDR] = "竹箦镇竹箦村3组";
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "address.outside", TF_ADDRESS);
	assert_string_equal(out.area, "320481116"); /* never outside the importer's area */

	r.cells[C_ADDR] = "竹箦镇东街1号"; /* only the other township */
	convert(&ctx, &r, &out);
	expect_only_flag(&out, "address.outside", TF_ADDRESS);
	assert_string_equal(out.area, "320481116");

	r.cells[C_ADDR] = "社渚村5组"; /* inside */
	convert(&ctx, &r, &out);
	assert_int_equal(out.nissues, 0);
	assert_string_equal(out.area, "320481116200");
}

/* ---- origins ---- */

static void test_origin(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"湖北省武汉市", "4201"}, {"武汉", "4201"},         {"武汉市", "4201"},
		{"湖北", "42"},           {"湖北省", "42"},         {"湖北武汉江岸区", "420102"},
		{"黄石", "4202"},         {"江苏省南京市鼓楼区", "320106"}, {"南京", "3201"},
		{"", ""},                 {"火星", ""},
	};
	struct returnee_ctx ctx = ctx_home("320481");
	char code[8];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(code, 'z', sizeof code);
		returnee_origin(&ctx, cases[i].in, code);
		if (strcmp(code, cases[i].want))
			fail_msg("origin %s → \"%s\", want \"%s\"", cases[i].in, code, cases[i].want);
	}
	returnee_origin(&ctx, NULL, code);
	assert_string_equal(code, "");

	ctx.ndivisions = 0; /* an empty table resolves nothing */
	returnee_origin(&ctx, "湖北省武汉市", code);
	assert_string_equal(code, "");
}

static void test_issue_texts(void **state)
{
	(void)state;
	assert_string_equal(returnee_issue_zh("id.check"), "身份证号校验位错误");
	assert_string_equal(returnee_issue_en("name.missing"), "No name");
	assert_string_equal(returnee_issue_zh("no.such"), "no.such");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_row),
		cmocka_unit_test(test_valid_row_normalised),
		cmocka_unit_test(test_defect_id_check),
		cmocka_unit_test(test_defect_id_length_chars),
		cmocka_unit_test(test_defect_id_birth),
		cmocka_unit_test(test_defect_id_mangled),
		cmocka_unit_test(test_defect_id_missing),
		cmocka_unit_test(test_defect_phone),
		cmocka_unit_test(test_defect_date),
		cmocka_unit_test(test_several_defects),
		cmocka_unit_test(test_reject_no_name),
		cmocka_unit_test(test_reject_nothing_to_verify),
		cmocka_unit_test(test_one_of_id_phone_address_is_enough),
		cmocka_unit_test(test_fix_defects),
		cmocka_unit_test(test_dates_text),
		cmocka_unit_test(test_dates_excel_serial),
		cmocka_unit_test(test_key_area),
		cmocka_unit_test(test_address_village),
		cmocka_unit_test(test_address_township_queue),
		cmocka_unit_test(test_address_outside),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_issue_texts),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
