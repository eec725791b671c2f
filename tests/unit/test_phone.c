/*
 * Unit tests for domain/phone: the decorations people really type (spaces,
 * hyphens, +86/0086/86, full-width IME forms) and everything that must fail.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/phone.h"

static void expect_ok(const char *in, const char *want)
{
	char out[PHONE_LEN + 1];
	if (!phone_normalize(in, out))
		fail_msg("rejected: \"%s\"", in);
	assert_string_equal(out, want);
}

static void expect_bad(const char *in)
{
	char out[PHONE_LEN + 1] = "dirty";
	if (phone_normalize(in, out))
		fail_msg("accepted: \"%s\" as %s", in ? in : "(null)", out);
	assert_string_equal(out, "");
}

static void bare_numbers(void **state)
{
	(void)state;
	expect_ok("13812345678", "13812345678");
	expect_ok("19912345678", "19912345678");
	expect_ok("13000000000", "13000000000");
	for (char second = '3'; second <= '9'; second++) {
		char in[] = "1X812345678";
		in[1] = second;
		expect_ok(in, in);
	}
}

static void separators(void **state)
{
	(void)state;
	expect_ok("138 1234 5678", "13812345678");
	expect_ok("138-1234-5678", "13812345678");
	expect_ok(" 138-1234 5678 ", "13812345678");
	expect_ok("1-3-8-1-2-3-4-5-6-7-8", "13812345678");
}

static void country_prefixes(void **state)
{
	(void)state;
	expect_ok("+8613812345678", "13812345678");
	expect_ok("+86 138 1234 5678", "13812345678");
	expect_ok("+86-138-1234-5678", "13812345678");
	expect_ok("008613812345678", "13812345678");
	expect_ok("0086 13812345678", "13812345678");
	expect_ok("8613812345678", "13812345678");
	expect_ok("86 138 1234 5678", "13812345678");
}

static void full_width_forms(void **state)
{
	(void)state;
	expect_ok("１３８１２３４５６７８", "13812345678");
	expect_ok("＋８６　１３８－１２３４－５６７８", "13812345678");
	expect_ok("\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98"
		  "12345678",
		  "13812345678");
	expect_ok("0086\xef\xbc\x8d"
		  "13812345678",
		  "13812345678"); /* U+FF0D after prefix */
}

static void prefix_needs_exact_length(void **state)
{
	(void)state;
	expect_bad("+861381234567");   /* 10 digits after +86 */
	expect_bad("+86138123456789"); /* 12 digits after +86 */
	expect_bad("861381234567");    /* 86 + 10: not a number either way */
	expect_bad("86138123456789");  /* 86 + 12 */
	expect_bad("00861381234567");
	expect_bad("+008613812345678"); /* two prefixes */
	expect_bad("+13812345678");     /* plus without 86 */
	expect_bad("+8613812345678+");
	expect_bad("138+8612345678");
	expect_bad("++8613812345678");
	expect_bad("+85213812345678"); /* Hong Kong code */
	expect_bad("08613812345678");
}

static void not_mobile_patterns(void **state)
{
	(void)state;
	expect_bad("12812345678"); /* second digit 2 */
	expect_bad("10812345678");
	expect_bad("23812345678"); /* does not start with 1 */
	expect_bad("02584567890"); /* landline */
	expect_bad("1381234567");  /* 10 digits */
	expect_bad("138123456789");
	expect_bad("+8612812345678");
}

static void junk(void **state)
{
	(void)state;
	expect_bad(NULL);
	expect_bad("");
	expect_bad(" ");
	expect_bad("---");
	expect_bad("+86");
	expect_bad("1381234567a");
	expect_bad("138l2345678"); /* letter l for digit 1 */
	expect_bad("138.1234.5678");
	expect_bad("(138)12345678");
	expect_bad("138\t1234\t5678");
	expect_bad("13812345678\n");
	expect_bad("138 1234 5678 (home)");
	expect_bad("tel:13812345678");
	expect_bad("\xef\xbc"); /* truncated UTF-8 */
	expect_bad("\xef\xbc\x9a"
		   "13812345678"); /* U+FF1A full-width colon */
	expect_bad("１３８１２３４５６７８９");
	expect_bad("138—1234—5678"); /* em dash is not a hyphen */
}

static void length_cap(void **state)
{
	(void)state;
	char in[PHONE_INPUT_MAX + 2];
	/* exactly PHONE_INPUT_MAX bytes: spaces then the number */
	memset(in, ' ', PHONE_INPUT_MAX - PHONE_LEN);
	memcpy(in + PHONE_INPUT_MAX - PHONE_LEN, "13812345678", PHONE_LEN + 1);
	assert_int_equal(strlen(in), PHONE_INPUT_MAX);
	expect_ok(in, "13812345678");
	/* one byte more is refused even though it is only padding */
	memset(in, ' ', PHONE_INPUT_MAX + 1 - PHONE_LEN);
	memcpy(in + PHONE_INPUT_MAX + 1 - PHONE_LEN, "13812345678", PHONE_LEN + 1);
	assert_int_equal(strlen(in), PHONE_INPUT_MAX + 1);
	expect_bad(in);
}

static void hostile_long(void **state)
{
	(void)state;
	static char big[1 << 16];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	expect_bad(big);
	memset(big, '-', sizeof big - 1);
	expect_bad(big);
}

static void null_out_is_refused(void **state)
{
	(void)state;
	assert_false(phone_normalize("13812345678", NULL));
}

static void mask(void **state)
{
	(void)state;
	char out[PHONE_LEN + 1];
	phone_mask("13812345678", out);
	assert_string_equal(out, "138****5678");
	phone_mask("19900001111", out);
	assert_string_equal(out, "199****1111");
	phone_mask(NULL, out);
	assert_string_equal(out, "****");
	phone_mask("", out);
	assert_string_equal(out, "****");
	phone_mask("1381234567", out);
	assert_string_equal(out, "****");
	phone_mask("138123456789", out);
	assert_string_equal(out, "****");
	phone_mask("138-1234-56", out);
	assert_string_equal(out, "****");
	phone_mask("+8613812345", out);
	assert_string_equal(out, "****");
}

static void office_ok(const char *in, const char *want)
{
	char out[PHONE_OFFICE_MAX + 1];
	if (!phone_office_normalize(in, out))
		fail_msg("office phone rejected: \"%s\"", in);
	assert_string_equal(out, want);
}

static void office_bad(const char *in)
{
	char out[PHONE_OFFICE_MAX + 1] = "dirty";
	if (phone_office_normalize(in, out))
		fail_msg("office phone accepted: \"%s\" as %s", in ? in : "(null)", out);
	assert_string_equal(out, "");
}

/* The forms a township office writes its duty line in (issue 10, item 4). */
static void office_fixed_lines(void **state)
{
	(void)state;
	office_ok("0519-87654321", "0519-87654321");
	office_ok("0519 8765 4321", "0519-87654321");
	office_ok("(0519)87654321", "0519-87654321");
	office_ok("（0519）8765-4321", "0519-87654321");
	office_ok("051987654321", "0519-87654321");
	office_ok("0519-87654321-802", "0519-87654321-802");
	office_ok("0519-87654321转802", "0519-87654321-802");
	office_ok("0519-87654321 转 802", "0519-87654321-802");
	office_ok("0519-87654321分机802", "0519-87654321-802");
	office_ok("0519-87654321 ext. 802", "0519-87654321-802");
	office_ok("０５１９－８７６５４３２１", "0519-87654321");
	office_ok("010-62345678", "010-62345678");
	office_ok("02584567890", "025-84567890");
	office_ok("0917-2345678", "0917-2345678"); /* a seven-digit local number */
	office_ok(" 0519-87654321 ", "0519-87654321");
}

static void office_mobiles_as_today(void **state)
{
	(void)state;
	office_ok("13812345678", "13812345678");
	office_ok("+86 138 1234 5678", "13812345678");
	office_ok("138-1234-5678", "13812345678");
}

static void office_wrong(void **state)
{
	(void)state;
	office_bad(NULL);
	office_bad("");
	office_bad("0519-8765");             /* too short */
	office_bad("0519-876543");           /* too short */
	office_bad("87654321");              /* no area code */
	office_bad("0519-876543210");        /* nine digits */
	office_bad("0519-87654321-1234567"); /* extension too long */
	office_bad("0519-8765432a");         /* letters */
	office_bad("0519-abcdefgh");
	office_bad("tel 0519-87654321");
	office_bad("13812345678-802"); /* a mobile with an extension */
	office_bad("13812345678转802");
	office_bad("0519-07654321"); /* a local number starts 2-9 */
	office_bad("0519-17654321");
	office_bad("00519-87654321");
	office_bad("(0519-87654321");  /* unclosed */
	office_bad("0519)87654321");   /* not opened */
	office_bad("(05)1987654321");  /* parentheses not around the area code */
	office_bad("05 19 87654321");  /* the area code cut in two */
	office_bad("0519-87654321转"); /* an extension mark without digits */
	office_bad("0519-8765转4321");
	office_bad("0519 87654321 802"); /* an extension needs its mark */
	office_bad("+86 0519-87654321");
	char out[PHONE_OFFICE_MAX + 1];
	assert_false(phone_office_normalize("0519-87654321", NULL));
	char big[PHONE_INPUT_MAX + 2];
	memset(big, '1', sizeof big - 1);
	big[0] = '0';
	big[sizeof big - 1] = '\0';
	assert_false(phone_office_normalize(big, out));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bare_numbers),
		cmocka_unit_test(separators),
		cmocka_unit_test(country_prefixes),
		cmocka_unit_test(full_width_forms),
		cmocka_unit_test(prefix_needs_exact_length),
		cmocka_unit_test(not_mobile_patterns),
		cmocka_unit_test(junk),
		cmocka_unit_test(length_cap),
		cmocka_unit_test(hostile_long),
		cmocka_unit_test(null_out_is_refused),
		cmocka_unit_test(mask),
		cmocka_unit_test(office_fixed_lines),
		cmocka_unit_test(office_mobiles_as_today),
		cmocka_unit_test(office_wrong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
