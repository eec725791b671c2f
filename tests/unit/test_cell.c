/* cell: which cells a spreadsheet would run as a formula (io/cell.h), the OWASP CSV
 * injection rule, and the phone numbers and negative numbers it leaves alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "io/cell.h"

static void test_live(void **state)
{
	static const char *const live[] = {
		"=1+1",
		"=HYPERLINK(\"http://x\",\"y\")",
		"@SUM(A1)",
		"@",
		"+",
		"-",
		"+1+cmd|' /C calc'!A0",
		"-2+3+cmd|' /C calc'!A0",
		"+A1",
		"- 5",        /* a sign not followed by a digit is no number */
		"+86 138(0)", /* parentheses are not in the number pattern */
		"\t=x",
		"\r=x",
		"\n=x",
		"\t",
		" =1+1", /* a leading space that a spreadsheet may trim */
		"   @SUM(A1)",
		"　=1",       /* U+3000, then = */
		"\xC2\xA0=1", /* U+00A0, then = */
		"＝1+1",      /* full-width ＝ */
		"＋1",        /* full-width ＋ */
		"－1",        /* full-width － */
		"＠SUM",      /* full-width ＠ */
		"=张三",
	};
	(void)state;
	for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
		if (!cell_is_live(live[i]))
			fail_msg("not live: \"%s\"", live[i]);
		assert_string_equal(cell_prefix(live[i]), "'");
	}
}

static void test_inert(void **state)
{
	static const char *const inert[] = {
		"",
		"张三",
		"社渚镇社渚村5组",
		"湖北省武汉市",
		"13812345678",
		"+8613812345678", /* a phone number keeps its + */
		"+86 138 1234 5678",
		"+86-138-1234-5678",
		"0519-87210000",
		"-5", /* a negative number: no formula can be built of digits */
		"-1-1",
		"11010519491231002X",
		"a=b", /* = elsewhere than first */
		"user@example.com",
		"1+1",
		" ",
		"'=1+1", /* already quoted */
		"G1234",
		"2020-01-20",
	};
	(void)state;
	for (size_t i = 0; i < sizeof inert / sizeof inert[0]; i++) {
		if (cell_is_live(inert[i]))
			fail_msg("live: \"%s\"", inert[i]);
		assert_string_equal(cell_prefix(inert[i]), "");
	}
	assert_false(cell_is_live(NULL));
	assert_string_equal(cell_prefix(NULL), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_inert),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
