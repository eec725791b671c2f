/*
 * Unit tests for domain/pinyin: the initials of the county's area names and the ranks of a
 * match by name and by initials (issue 10, item 3: "tmh" finds 天目湖镇).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/pinyin.h"

static void expect_initials(const char *name, const char *want)
{
	char out[64];
	pinyin_initials(name, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("%s: initials %s, want %s", name, out, want);
}

static void initials_of_place_names(void **state)
{
	(void)state;
	expect_initials("天目湖镇", "tmhz");
	expect_initials("溧阳市", "lys");
	expect_initials("社渚镇", "szz");
	expect_initials("竹箦镇", "zzz");
	expect_initials("戴埠镇", "dbz");
	expect_initials("别桥镇", "bqz");
	expect_initials("上兴镇", "sxz");
	expect_initials("南渡镇", "ndz");
	expect_initials("埭头镇", "dtz");
	expect_initials("濑江村", "ljc");
	expect_initials("第3网格", "d3wg");
	expect_initials("A区", "aq");
	expect_initials("", "");
}

static void initials_are_cut_at_cap(void **state)
{
	(void)state;
	char out[3];
	assert_int_equal(pinyin_initials("天目湖镇", out, sizeof out), 2);
	assert_string_equal(out, "tm");
	assert_int_equal(pinyin_initials("天目湖镇", out, 0), 0);
}

static void unknown_characters_give_nothing(void **state)
{
	(void)state;
	expect_initials("天\xF0\x9F\x98\x80湖", "th"); /* an emoji */
	expect_initials("天\xFF湖", "th");             /* a stray byte */
	assert_int_equal(pinyin_initial(0x3000), 0);
	assert_int_equal(pinyin_initial('Q'), 'q');
}

static void ranks(void **state)
{
	(void)state;
	assert_int_equal(pinyin_name_match("天目湖镇", "天目湖"), 1);
	assert_int_equal(pinyin_name_match("天目湖镇", "目湖"), 2);
	assert_int_equal(pinyin_name_match("天目湖镇", "tmh"), 3);
	assert_int_equal(pinyin_name_match("天目湖镇", "TMH"), 3);
	assert_int_equal(pinyin_name_match("天目湖镇", "mhz"), 4);
	assert_int_equal(pinyin_name_match("天目湖镇", "xyz"), 0);
	assert_int_equal(pinyin_name_match("天目湖镇", "t m"), 0);
	assert_int_equal(pinyin_name_match("天目湖镇", ""), 0);
	assert_int_equal(pinyin_name_match(NULL, "t"), 0);
	assert_int_equal(pinyin_name_match("天目湖镇", "不在"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(initials_of_place_names),
		cmocka_unit_test(initials_are_cut_at_cap),
		cmocka_unit_test(unknown_characters_give_nothing),
		cmocka_unit_test(ranks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
