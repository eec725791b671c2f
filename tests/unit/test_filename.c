/* Stored text that is not valid UTF-8: uploaded file names cleaned before they are stored
 * (upload_filename_clean), and JSON that never drops a string it cannot encode
 * (json_str_safe, json_str_or_null). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/upload.h"
#include "util/json.h"

static void clean_is(const char *in, const char *want)
{
	char out[256];

	upload_filename_clean(in, out, sizeof out);
	if (strcmp(out, want))
		fail_msg("\"%s\" -> \"%s\", want \"%s\"", in ? in : "(null)", out, want);
}

static void test_filename_clean(void **state)
{
	(void)state;
	clean_is("社渚镇返乡人员.csv", "社渚镇返乡人员.csv");
	clean_is("list (2).xlsx", "list (2).xlsx");
	clean_is(NULL, "");
	clean_is("", "");
	/* bytes that are no UTF-8: one U+FFFD a run, the rest kept */
	clean_is("\xff\xfe.csv", "\xEF\xBF\xBD.csv");
	clean_is("a\xff"
		 "b\xfe\xfd"
		 "c.csv",
		 "a\xEF\xBF\xBD"
		 "b\xEF\xBF\xBD"
		 "c.csv");
	clean_is("\xC0\xAF.csv", "\xEF\xBF\xBD.csv");     /* overlong / */
	clean_is("\xED\xA0\x80.csv", "\xEF\xBF\xBD.csv"); /* a surrogate */
	clean_is("\xE5\x90.csv", "\xEF\xBF\xBD.csv");     /* a cut sequence */
	/* paths: the last part only */
	clean_is("../../etc/passwd", "passwd");
	clean_is("C:\\Users\\x\\名单.csv", "名单.csv");
	clean_is("dir/", "");
	/* controls, bidirectional overrides, zero-width, and ASCII marks go */
	clean_is("a\r\nb\t.csv", "ab.csv");
	clean_is("list\xE2\x80\xAE"
		 "vsc.exe",
		 "listvsc.exe"); /* U+202E */
	clean_is("a\xE2\x80\x8B"
		 "b\xC2\x85.csv",
		 "ab.csv"); /* U+200B, U+0085 */
	clean_is("a<b>\"c\";|&.csv", "abc.csv");
	clean_is("  spaced name.csv  ", "spaced name.csv");
	clean_is("=HYPERLINK(x).csv", "HYPERLINK(x).csv");
}

static void test_filename_cap(void **state)
{
	char in[1024], out[16];
	(void)state;
	/* 300 CJK characters into 256 bytes: cut at a character boundary */
	in[0] = '\0';
	for (int i = 0; i < 300; i++)
		strcat(in, "名");
	{
		char big[256];
		upload_filename_clean(in, big, sizeof big);
		assert_int_equal(strlen(big), 255);
		json_t *v = json_string(big);
		assert_non_null(v);
		json_decref(v);
	}
	upload_filename_clean("abcdefghijklmnopqrstuvwxyz", out, sizeof out);
	assert_string_equal(out, "abcdefghijklmno");
	upload_filename_clean("ab名名名名名", out, sizeof out); /* 2 + 3*4 = 14 bytes fit, not 17 */
	assert_string_equal(out, "ab名名名名");
	upload_filename_clean("\xff", out, 3); /* U+FFFD does not fit: nothing */
	assert_string_equal(out, "");
}

static void test_json_str_safe(void **state)
{
	json_t *v;
	(void)state;
	assert_null(json_string("\xff\xfe")); /* what jansson does: the reason for the helper */
	v = json_str_safe("\xff\xfe"
			  "名单.csv");
	assert_non_null(v);
	assert_string_equal(json_string_value(v), "\xEF\xBF\xBD\xEF\xBF\xBD名单.csv");
	json_decref(v);
	v = json_str_safe("valid 张三");
	assert_string_equal(json_string_value(v), "valid 张三");
	json_decref(v);
	v = json_str_safe("");
	assert_string_equal(json_string_value(v), "");
	json_decref(v);
	assert_true(json_is_null(json_str_safe(NULL)));
	v = json_str_or_null("a\x80"
			     "b");
	assert_string_equal(json_string_value(v), "a\xEF\xBF\xBD"
						  "b");
	json_decref(v);
	/* inside json_pack the object is kept */
	v = json_pack("{s:o}", "filename", json_str_safe("\xfe"));
	assert_non_null(v);
	json_decref(v);
}

static void test_utf8_next(void **state)
{
	unsigned cp;
	(void)state;
	assert_int_equal(utf8_next("A", &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(utf8_next("名", &cp), 3);
	assert_int_equal(cp, 0x540D);
	assert_int_equal(utf8_next("\xF0\x9F\x98\x80", &cp), 4);
	assert_int_equal(cp, 0x1F600);
	assert_int_equal(utf8_next("\xff", &cp), 0);
	assert_int_equal(utf8_next("\x80", &cp), 0);
	assert_int_equal(utf8_next("\xC1\xBF", &cp), 0);         /* overlong */
	assert_int_equal(utf8_next("\xE0\x80\xAF", &cp), 0);     /* overlong */
	assert_int_equal(utf8_next("\xED\xBF\xBF", &cp), 0);     /* surrogate */
	assert_int_equal(utf8_next("\xF4\x90\x80\x80", &cp), 0); /* above U+10FFFF */
	assert_int_equal(utf8_next("\xE5\x90", &cp), 0);         /* cut at the NUL */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filename_clean),
		cmocka_unit_test(test_filename_cap),
		cmocka_unit_test(test_json_str_safe),
		cmocka_unit_test(test_utf8_next),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
