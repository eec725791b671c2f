/* io/table: header synonyms as county staff write them (decorated, full-width, English),
 * the title row above the header, and the API names of the fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "io/table.h"

static void test_field_names(void **state)
{
	(void)state;
	assert_string_equal(table_field_name(TF_NAME), "name");
	assert_string_equal(table_field_name(TF_ID_NUMBER), "id_number");
	assert_string_equal(table_field_name(TF_ARRIVAL_DATE), "arrival_date");
	assert_string_equal(table_field_name(TF_NOTE), "note");
	assert_string_equal(table_field_name(TF_NONE), "none");
	assert_string_equal(table_field_name(TF__COUNT), "none");
	assert_string_equal(table_field_name((enum table_field) - 1), "none");
	for (int f = TF_NONE + 1; f < TF__COUNT; f++) {
		assert_int_equal(table_field_parse(table_field_name((enum table_field)f)), f);
		/* a file we exported with API names as headers reads back */
		assert_int_equal(table_header_match(table_field_name((enum table_field)f)), f);
	}
	assert_int_equal(table_field_parse("none"), TF_NONE);
	assert_int_equal(table_field_parse("Name"), TF_NONE);
	assert_int_equal(table_field_parse(""), TF_NONE);
	assert_int_equal(table_field_parse(NULL), TF_NONE);
}

static void expect(const char *header, enum table_field want)
{
	enum table_field got = table_header_match(header);
	if (got != want)
		fail_msg("\"%s\" → %s, want %s", header ? header : "(null)", table_field_name(got),
			 table_field_name(want));
}

static void test_chinese_headers(void **state)
{
	(void)state;
	expect("姓名", TF_NAME);
	expect("人员姓名", TF_NAME);
	expect("名字", TF_NAME);
	expect("身份证号", TF_ID_NUMBER);
	expect("身份证号码", TF_ID_NUMBER);
	expect("证件号码", TF_ID_NUMBER);
	expect("公民身份号码", TF_ID_NUMBER);
	expect("身份证", TF_ID_NUMBER);
	expect("证件类型", TF_ID_TYPE);
	expect("手机", TF_PHONE);
	expect("手机号", TF_PHONE);
	expect("手机号码", TF_PHONE);
	expect("联系电话", TF_PHONE);
	expect("电话", TF_PHONE);
	expect("联系方式", TF_PHONE);
	expect("来源地", TF_ORIGIN);
	expect("出发地", TF_ORIGIN);
	expect("从何地来", TF_ORIGIN);
	expect("返乡时间", TF_ARRIVAL_DATE);
	expect("到达日期", TF_ARRIVAL_DATE);
	expect("抵达时间", TF_ARRIVAL_DATE);
	expect("交通方式", TF_TRANSPORT);
	expect("车次", TF_TRANSPORT_NO);
	expect("航班号", TF_TRANSPORT_NO);
	expect("车牌号", TF_TRANSPORT_NO);
	expect("现住址", TF_ADDRESS);
	expect("居住地址", TF_ADDRESS);
	expect("详细地址", TF_ADDRESS);
	expect("乡镇", TF_TOWNSHIP);
	expect("村", TF_VILLAGE);
	expect("性别", TF_SEX);
	expect("年龄", TF_AGE);
	expect("备注", TF_NOTE);
}

static void test_decorated_headers(void **state)
{
	(void)state;
	expect("*姓名", TF_NAME);
	expect("姓  名", TF_NAME);
	expect(" 姓名： ", TF_NAME);
	expect("姓名:", TF_NAME);
	expect("\xE3\x80\x80姓名\xE3\x80\x80", TF_NAME); /* ideographic spaces */
	expect("姓\n名", TF_NAME);                       /* Alt+Enter in Excel */
	expect("身份证号码（必填）", TF_ID_NUMBER);
	expect("身份证号(18位)", TF_ID_NUMBER);
	expect("【必填】身份证号码", TF_ID_NUMBER);
	expect("联系电话（手机）", TF_PHONE);
	expect("返乡时间（年/月/日）", TF_ARRIVAL_DATE);
	expect("车次/航班号/车牌号", TF_TRANSPORT_NO);
	expect("车次、航班号", TF_TRANSPORT_NO);
	expect("乡（镇、街道）", TF_TOWNSHIP);
	expect("乡镇（街道）", TF_TOWNSHIP);
	expect("村（社区）", TF_VILLAGE);
	expect("村/社区", TF_VILLAGE);
	expect("“备注”", TF_NOTE);
	expect("（备注）", TF_NOTE); /* nothing but a note: the note is the name */
}

static void test_english_headers(void **state)
{
	(void)state;
	expect("Name", TF_NAME);
	expect("Full Name", TF_NAME);
	expect("ID Number", TF_ID_NUMBER);
	expect("ID No.", TF_ID_NUMBER);
	expect("ＩＤ　Ｎｏ．", TF_ID_NUMBER); /* full-width from a Chinese IME */
	expect("id_number", TF_ID_NUMBER);
	expect("Phone", TF_PHONE);
	expect("Mobile No", TF_PHONE);
	expect("Arrival Date", TF_ARRIVAL_DATE);
	expect("Flight No.", TF_TRANSPORT_NO);
	expect("ADDRESS", TF_ADDRESS);
	expect("Remarks", TF_NOTE);
}

static void test_not_headers(void **state)
{
	char longer[600];
	(void)state;
	expect(NULL, TF_NONE);
	expect("", TF_NONE);
	expect("   ", TF_NONE);
	expect("（）", TF_NONE);
	expect("序号", TF_NONE);
	expect("张三", TF_NONE);
	expect("320116194912310011", TF_NONE);
	/* near misses that name someone or something else */
	expect("联系人姓名", TF_NONE);
	expect("户主姓名", TF_NONE);
	expect("户籍地址", TF_NONE);
	expect("紧急联系人电话", TF_NONE);
	expect("六合区龙袍街道返乡人员排查登记表", TF_NONE);
	memset(longer, 'a', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	memcpy(longer, "姓名", strlen("姓名"));
	expect(longer, TF_NONE);
	expect("\xFF姓名", TF_NAME); /* a stray byte is dropped by normalisation */
}

static struct sheet_row row_of(const char *const *cells, size_t n)
{
	static unsigned char flags[32];
	return (struct sheet_row){.line = 1, .ncells = n, .cells = cells, .flags = flags};
}

static void test_is_header(void **state)
{
	static const char *const title[] = {"六合区龙袍街道返乡人员排查登记表"};
	static const char *const head[] = {"序号",   "姓名",   "身份证号码", "联系电话",
					   "现住址", "手机号", "返乡日期"};
	static const char *const id_only[] = {"公民身份号码", "备注"};
	static const char *const no_key[] = {"联系电话", "现住址", "备注"};
	static const char *const one[] = {"姓名", "张三", "李四"};
	static const char *const data[] = {"1", "张三", "320116194912310011", "13812345678"};
	enum table_field map[10];
	struct sheet_row r;
	(void)state;

	r = row_of(title, 1);
	memset(map, 0x7F, sizeof map);
	assert_false(table_is_header(&r, map, 10));
	for (int i = 0; i < 10; i++)
		assert_int_equal(map[i], TF_NONE);

	r = row_of(head, 7);
	memset(map, 0x7F, sizeof map);
	assert_true(table_is_header(&r, map, 10));
	assert_int_equal(map[0], TF_NONE);
	assert_int_equal(map[1], TF_NAME);
	assert_int_equal(map[2], TF_ID_NUMBER);
	assert_int_equal(map[3], TF_PHONE);
	assert_int_equal(map[4], TF_ADDRESS);
	assert_int_equal(map[5], TF_NONE); /* the second phone column: the first one wins */
	assert_int_equal(map[6], TF_ARRIVAL_DATE);
	for (int i = 7; i < 10; i++)
		assert_int_equal(map[i], TF_NONE);

	/* a map shorter than the row */
	assert_true(table_is_header(&r, map, 3));
	assert_int_equal(map[2], TF_ID_NUMBER);
	assert_false(table_is_header(&r, map, 2)); /* only name seen */
	assert_true(table_is_header(&r, map, 0) == false);

	r = row_of(id_only, 2);
	assert_true(table_is_header(&r, map, 2));
	r = row_of(no_key, 3);
	assert_false(table_is_header(&r, map, 3));
	r = row_of(one, 3);
	assert_false(table_is_header(&r, map, 3));
	r = row_of(data, 4);
	assert_false(table_is_header(&r, map, 4));
	r = row_of(NULL, 0);
	assert_false(table_is_header(&r, map, 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_field_names),       cmocka_unit_test(test_chinese_headers),
		cmocka_unit_test(test_decorated_headers), cmocka_unit_test(test_english_headers),
		cmocka_unit_test(test_not_headers),       cmocka_unit_test(test_is_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
