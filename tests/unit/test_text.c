/*
 * Unit tests for domain/text: the full-width, space and invisible characters
 * that Excel, WPS, WeChat and Chinese IMEs put into cells, and broken bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/text.h"

static void expect_norm(const char *in, const char *want)
{
	char out[256];
	size_t n = text_normalize(in, out, sizeof out);
	if (strcmp(out, want) != 0)
		fail_msg("normalize(\"%s\") = \"%s\", want \"%s\"", in ? in : "(null)", out, want);
	assert_int_equal(n, strlen(want));
}

static void ascii_unchanged(void **state)
{
	(void)state;
	expect_norm("abc", "abc");
	expect_norm("320481 社渚镇", "320481 社渚镇");
	expect_norm("a-b_c.d/e", "a-b_c.d/e");
}

static void full_width_folded(void **state)
{
	(void)state;
	expect_norm("３２０４８１", "320481");
	expect_norm("ＡＢＣｘｙｚ", "ABCxyz");
	expect_norm("！～", "!~"); /* U+FF01 and U+FF5E, the range ends */
	expect_norm("２０２０／１／２６", "2020/1/26");
	expect_norm("１月２６日", "1月26日");        /* CJK stays, digits fold */
	expect_norm("\xef\xbd\x9f", "\xef\xbd\x9f"); /* U+FF5F just past the range: kept */
	expect_norm("，。", ",。");                  /* U+FF0C is folded, 。 (U+3002) is not */
}

static void spaces(void **state)
{
	(void)state;
	expect_norm("  a  ", "a");
	expect_norm("a \t b", "a b");
	expect_norm("a\xe3\x80\x80\xe3\x80\x80"
		    "b",
		    "a b"); /* U+3000 twice */
	expect_norm("a\xc2\xa0"
		    "b",
		    "a b"); /* NBSP */
	expect_norm("\t320481\t", "320481");
	expect_norm("line\r\nbreak", "line break");
	expect_norm("   ", "");
	expect_norm("\xe3\x80\x80", "");
	expect_norm("", "");
	expect_norm(NULL, "");
}

static void invisible_removed(void **state)
{
	(void)state;
	expect_norm("\xef\xbb\xbf"
		    "abc",
		    "abc"); /* BOM */
	expect_norm("3204\xe2\x80\x8b"
		    "81",
		    "320481"); /* ZWSP inside a number */
	expect_norm("a\xe2\x80\x8c\xe2\x80\x8d"
		    "b",
		    "ab");
	expect_norm("a\x01\x7f"
		    "b",
		    "ab");
	expect_norm("\xe2\x80\x8b \xe2\x80\x8b", ""); /* only invisibles and a space */
	expect_norm("\xe2\x80\x8e"
		    "x",
		    "\xe2\x80\x8e"
		    "x"); /* U+200E is not in the list: kept */
}

static void invalid_bytes_dropped(void **state)
{
	(void)state;
	expect_norm("a\xff"
		    "b",
		    "ab");
	expect_norm("a\x80"
		    "b",
		    "ab");                     /* stray continuation */
	expect_norm("\xc0\xafx", "x");         /* overlong '/' */
	expect_norm("\xe0\x80\xafx", "x");     /* overlong, 3 bytes */
	expect_norm("\xed\xa0\x80x", "x");     /* surrogate U+D800 */
	expect_norm("\xf4\x90\x80\x80x", "x"); /* above U+10FFFF */
	expect_norm("\xe7\xa4", "");           /* cut sequence at the end */
	expect_norm("\xe7\xa4"
		    "abc",
		    "abc"); /* cut sequence: the ASCII after it survives */
	expect_norm("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"); /* emoji is valid */
}

static void truncation_at_boundary(void **state)
{
	(void)state;
	char out[8];
	/* 社渚镇 is 9 bytes: only two characters fit in 7 bytes + NUL. */
	size_t n = text_normalize("社渚镇", out, sizeof out);
	assert_int_equal(n, 6);
	assert_string_equal(out, "社渚");
	assert_true(text_valid_utf8(out, n));

	/* A pending space is not written when the character after it won't fit. */
	char small[5];
	n = text_normalize("abc 社", small, sizeof small);
	assert_int_equal(n, 3);
	assert_string_equal(small, "abc");

	char one[1] = {'x'};
	assert_int_equal(text_normalize("abc", one, 1), 0);
	assert_int_equal(one[0], '\0');
	assert_int_equal(text_normalize("abc", NULL, 10), 0);

	char exact[4];
	assert_int_equal(text_normalize("abc", exact, sizeof exact), 3);
	assert_string_equal(exact, "abc");
}

static void hostile_long(void **state)
{
	(void)state;
	size_t len = 10 * 1024;
	char *in = malloc(len + 1);
	assert_non_null(in);
	for (size_t i = 0; i < len; i++)
		in[i] = (i % 3 == 0) ? ' ' : (char)(0x80 + i % 64); /* spaces and junk */
	in[len] = '\0';
	char out[64];
	assert_int_equal(text_normalize(in, out, sizeof out), 0);
	assert_string_equal(out, "");

	memset(in, 'a', len);
	assert_int_equal(text_normalize(in, out, sizeof out), sizeof out - 1);
	assert_int_equal(strlen(out), sizeof out - 1);
	free(in);
}

static void valid_utf8(void **state)
{
	(void)state;
	assert_true(text_valid_utf8("", 0));
	assert_true(text_valid_utf8(NULL, 0));
	assert_false(text_valid_utf8(NULL, 1));
	assert_true(text_valid_utf8("abc", 3));
	assert_true(text_valid_utf8("社渚镇", strlen("社渚镇")));
	assert_true(text_valid_utf8("\xf0\x9f\x98\x80", 4));
	assert_true(text_valid_utf8("a\0b", 3));    /* NUL is a character */
	assert_false(text_valid_utf8("社渚镇", 2)); /* cut inside a character */
	assert_false(text_valid_utf8("\xff", 1));
	assert_false(text_valid_utf8("\x80", 1));
	assert_false(text_valid_utf8("\xc0\x80", 2)); /* overlong NUL */
	assert_false(text_valid_utf8("\xed\xbf\xbf", 3));
	assert_false(text_valid_utf8("\xf4\x90\x80\x80", 4));
	assert_false(text_valid_utf8("\xf5\x80\x80\x80", 4));
	assert_true(text_valid_utf8("\xf4\x8f\xbf\xbf", 4)); /* U+10FFFF */
	assert_true(text_valid_utf8("\xef\xbf\xbf", 3));     /* U+FFFF */
}

static void fits_cap(void **state)
{
	(void)state;
	char cut[4] = {'a', 'b', 'c', 'd'}; /* no NUL: text_fits must not read past max + 1 */
	assert_true(text_fits("", 0));
	assert_false(text_fits("a", 0));
	assert_true(text_fits("abc", 3));
	assert_false(text_fits("abcd", 3));
	assert_true(text_fits("社", 3)); /* bytes, not characters */
	assert_false(text_fits("社", 2));
	assert_false(text_fits(cut, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_unchanged),
		cmocka_unit_test(full_width_folded),
		cmocka_unit_test(spaces),
		cmocka_unit_test(invisible_removed),
		cmocka_unit_test(invalid_bytes_dropped),
		cmocka_unit_test(truncation_at_boundary),
		cmocka_unit_test(hostile_long),
		cmocka_unit_test(valid_utf8),
		cmocka_unit_test(fits_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
