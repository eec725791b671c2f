/*
 * Unit tests for domain/plate: every kind of GA 36-2018 plate as staff type it (lower case,
 * spaces, "·", full-width IME forms), every province with its code, and what must fail: I and
 * O, unknown provinces, wrong lengths, other characters, bad UTF-8, hostile lengths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/plate.h"

static void expect_ok(const char *in, const char *text, enum plate_kind kind)
{
	struct plate p;

	if (!plate_parse(in, &p))
		fail_msg("rejected: \"%s\" (as \"%s\")", in, p.text);
	assert_string_equal(p.text, text);
	if (p.kind != kind)
		fail_msg("\"%s\": kind %s, want %s", in, plate_kind_name(p.kind),
			 plate_kind_name(kind));
}

/* Refused; its normalised text is text. */
static void expect_bad_as(const char *in, const char *text)
{
	struct plate p;

	memset(&p, 'x', sizeof p);
	if (plate_parse(in, &p))
		fail_msg("accepted: \"%s\" as %s", in ? in : "(null)", plate_kind_name(p.kind));
	assert_string_equal(p.text, text);
	assert_string_equal(p.province, "");
	assert_string_equal(p.province_code, "");
}

static void expect_bad(const char *in)
{
	expect_bad_as(in, in);
}

static void ordinary(void **state)
{
	struct plate p;

	(void)state;
	assert_true(plate_parse("苏D12345", &p));
	assert_string_equal(p.text, "苏D12345");
	assert_string_equal(p.province, "苏");
	assert_string_equal(p.province_code, "32");
	assert_int_equal(p.kind, PLATE_ORDINARY);
	expect_ok("鄂A88888", "鄂A88888", PLATE_ORDINARY);
	expect_ok("京N8P8F8", "京N8P8F8", PLATE_ORDINARY);
	expect_ok("沪AB1234", "沪AB1234", PLATE_ORDINARY);
	expect_ok("新ZZZZZZ", "新ZZZZZZ", PLATE_ORDINARY);
	expect_ok("苏AD1234", "苏AD1234", PLATE_ORDINARY); /* 7 characters: not new energy */
}

static void new_energy(void **state)
{
	struct plate p;

	(void)state;
	/* small: D or F first in the serial, then a letter or digit, then four digits */
	assert_true(plate_parse("苏AD12345", &p));
	assert_int_equal(p.kind, PLATE_NEW_ENERGY);
	assert_string_equal(p.province_code, "32");
	expect_ok("苏AF12345", "苏AF12345", PLATE_NEW_ENERGY);
	expect_ok("京ADK2345", "京ADK2345", PLATE_NEW_ENERGY);
	expect_ok("粤BF0000", "粤BF0000", PLATE_ORDINARY);
	/* large: five digits, then D or F */
	expect_ok("苏A12345D", "苏A12345D", PLATE_NEW_ENERGY);
	expect_ok("浙B00001F", "浙B00001F", PLATE_NEW_ENERGY);
	expect_bad("苏AK12345"); /* K is no energy letter */
	expect_bad("苏AD1234A"); /* last four digits */
	expect_bad("苏A12345K");
	expect_bad("苏A1234KD"); /* large: five digits before D */
	expect_bad("苏ADI2345");
	expect_bad("苏ADO2345");
	expect_bad("苏A123456");
}

static void suffixes(void **state)
{
	struct plate p;

	(void)state;
	expect_ok("苏A1234挂", "苏A1234挂", PLATE_TRAILER);
	expect_ok("苏D0K12挂", "苏D0K12挂", PLATE_TRAILER);
	expect_ok("苏A1234学", "苏A1234学", PLATE_COACH);
	expect_ok("苏A1234警", "苏A1234警", PLATE_POLICE);
	expect_ok("沪A1234领", "沪A1234领", PLATE_CONSULATE);
	assert_true(plate_parse("粤Z1234港", &p));
	assert_int_equal(p.kind, PLATE_HK);
	assert_string_equal(p.province, "粤");
	assert_string_equal(p.province_code, "44");
	expect_ok("粤Z1234澳", "粤Z1234澳", PLATE_MACAO);
	expect_ok("粤zA123港", "粤ZA123港", PLATE_HK);
	/* 港 and 澳 only as 粤Z */
	expect_bad("粤B1234港");
	expect_bad("苏Z1234港");
	expect_bad("沪Z1234澳");
	/* four serial characters before a suffix, no more, no less */
	expect_bad("苏A12345挂");
	expect_bad("苏A123挂");
	expect_bad("苏A12O4挂");
	expect_bad("苏I1234警");
	expect_bad("苏A1234车"); /* no such suffix */
	expect_bad("苏A1234挂挂");
	expect_bad("苏挂");
}

static void embassy(void **state)
{
	struct plate p;

	(void)state;
	assert_true(plate_parse("使014578", &p));
	assert_int_equal(p.kind, PLATE_EMBASSY);
	assert_string_equal(p.province, "");
	assert_string_equal(p.province_code, "");
	expect_ok("224001使", "224001使", PLATE_EMBASSY);
	expect_ok("224 001 使", "224001使", PLATE_EMBASSY);
	expect_ok("使 01·4578", "使014578", PLATE_EMBASSY);
	expect_bad("使01457");
	expect_bad("使0145789");
	expect_bad("使01457A");
	expect_bad("22400A使");
	expect_bad("使224001使");
	expect_bad("使014578警");
	expect_bad("224001");
	expect_bad("使");
}

static void i_and_o(void **state)
{
	(void)state;
	expect_bad("苏I12345");
	expect_bad("苏O12345");
	expect_bad("苏A1234O");
	expect_bad("苏A12I45");
	expect_bad_as("苏i12345", "苏I12345");
	expect_bad_as("苏ao1234", "苏AO1234");
	expect_bad("苏AI12345");
	expect_bad("苏A12345O");
}

static void normalised(void **state)
{
	(void)state;
	expect_ok("苏d12345", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏ad12345", "苏AD12345", PLATE_NEW_ENERGY);
	expect_ok("苏 D·12345", "苏D12345", PLATE_ORDINARY);
	expect_ok(" 苏 d 1 2 3 4 5 ", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏D-12345", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏D.12345", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏D•12345", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏D・12345", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏\tD12345\n", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏A·1234挂", "苏A1234挂", PLATE_TRAILER);
	/* full-width letters, digits, space, hyphen and full stop of a Chinese IME */
	expect_ok("苏ＡＢ１２３４", "苏AB1234", PLATE_ORDINARY);
	expect_ok("苏ｄ　１２３４５", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏Ｄ－１２３４５", "苏D12345", PLATE_ORDINARY);
	expect_ok("苏Ｄ．12345", "苏D12345", PLATE_ORDINARY);
	expect_ok("\u200b苏D12345\ufeff", "苏D12345", PLATE_ORDINARY); /* zero-width from WeChat */
	expect_bad_as("苏 i·12345", "苏I12345");
	expect_bad_as("ｓｕＤ12345", "SUD12345");
}

static void malformed(void **state)
{
	(void)state;
	expect_bad_as(NULL, "");
	expect_bad("");
	expect_bad_as("   ", "");
	expect_bad_as("·-.", "");
	expect_bad("苏");
	expect_bad("苏A");
	expect_bad("苏A1234");    /* too short */
	expect_bad("苏A1234567"); /* too long */
	expect_bad("台A12345");   /* not a province of the mainland list */
	expect_bad("港A12345");
	expect_bad("使A12345");
	expect_bad("A苏12345");
	expect_bad("苏112345"); /* the office is a letter */
	expect_bad("D12345");
	expect_bad("苏苏D12345");
	expect_bad_as("苏D12345（货）", "苏D12345(货)");
	expect_bad("苏D1234_");
	expect_bad("苏D1234é");
	expect_bad("苏D1234😀");
	expect_bad("苏D12\u00e95");
}

static void bad_utf8(void **state)
{
	(void)state;
	/* the bad bytes are dropped from the text shown, and the plate refused */
	expect_bad_as("苏D1234\xff"
		      "5",
		      "苏D12345");
	expect_bad_as("苏D12345\xe8\x8b", "苏D12345");
	expect_bad_as("\xe8\x8b\x8f" "D12345\xc0\xaf", "苏D12345");
	expect_bad_as("\xe8\x8b"
		      "D12345",
		      "D12345");
	expect_bad_as("\xed\xa0\x80"
		      "D12345",
		      "D12345"); /* a surrogate */
}

static void hostile_lengths(void **state)
{
	char *big = malloc(10 * 1024 + 1);
	char edge[PLATE_INPUT_MAX + 2];
	const char *plate = "苏D12345";
	size_t pl = strlen(plate);

	(void)state;
	assert_non_null(big);
	memset(big, 'A', 10 * 1024);
	big[10 * 1024] = '\0';
	expect_bad_as(big, "");
	memset(big, ' ', 10 * 1024);
	memcpy(big, plate, pl);
	expect_bad_as(big, ""); /* a plate, then 10 kB of spaces: not read past the cap */
	free(big);

	/* exactly PLATE_INPUT_MAX bytes is read; one more is not */
	memset(edge, ' ', PLATE_INPUT_MAX);
	memcpy(edge, plate, pl);
	edge[PLATE_INPUT_MAX] = '\0';
	expect_ok(edge, plate, PLATE_ORDINARY);
	edge[PLATE_INPUT_MAX] = ' ';
	edge[PLATE_INPUT_MAX + 1] = '\0';
	expect_bad_as(edge, "");

	/* normalised text longer than PLATE_MAX - 1 bytes */
	expect_bad_as("苏D1234567890123456789012345678", "");
	expect_bad_as("苏D123456789012345678901234567", "苏D123456789012345678901234567");
	expect_bad_as("苏苏苏苏苏苏苏苏苏苏苏", "");
}

static void every_province(void **state)
{
	static const char *const want[][2] = {
		{"京", "11"}, {"津", "12"}, {"冀", "13"}, {"晋", "14"}, {"蒙", "15"}, {"辽", "21"},
		{"吉", "22"}, {"黑", "23"}, {"沪", "31"}, {"苏", "32"}, {"浙", "33"}, {"皖", "34"},
		{"闽", "35"}, {"赣", "36"}, {"鲁", "37"}, {"豫", "41"}, {"鄂", "42"}, {"湘", "43"},
		{"粤", "44"}, {"桂", "45"}, {"琼", "46"}, {"渝", "50"}, {"川", "51"}, {"贵", "52"},
		{"云", "53"}, {"藏", "54"}, {"陕", "61"}, {"甘", "62"}, {"青", "63"}, {"宁", "64"},
		{"新", "65"},
	};
	size_t n = sizeof want / sizeof want[0];

	(void)state;
	for (size_t i = 0; i < n; i++) {
		char in[32];
		struct plate p;

		assert_non_null(plate_provinces[i]);
		assert_string_equal(plate_provinces[i], want[i][0]);
		assert_string_equal(plate_province_code(want[i][0]), want[i][1]);
		snprintf(in, sizeof in, "%s%s", want[i][0], "a 12345");
		assert_true(plate_parse(in, &p));
		assert_string_equal(p.province, want[i][0]);
		assert_string_equal(p.province_code, want[i][1]);
		snprintf(in, sizeof in, "%s%s", want[i][0], "AD12345");
		assert_true(plate_parse(in, &p));
		assert_string_equal(p.province_code, want[i][1]);
	}
	assert_null(plate_provinces[n]);
	assert_null(plate_province_code("港"));
	assert_null(plate_province_code("台"));
	assert_null(plate_province_code("使"));
	assert_null(plate_province_code("苏A"));
	assert_null(plate_province_code(""));
	assert_null(plate_province_code(NULL));
}

static void kind_names(void **state)
{
	static const char *const want[] = {"ordinary", "new_energy", "trailer",
					   "coach",    "police",     "hk",
					   "macao",    "embassy",    "consulate"};

	(void)state;
	for (int k = PLATE_ORDINARY; k <= PLATE_CONSULATE; k++)
		assert_string_equal(plate_kind_name((enum plate_kind)k), want[k]);
	assert_string_equal(plate_kind_name((enum plate_kind)(PLATE_CONSULATE + 1)), "");
	assert_string_equal(plate_kind_name((enum plate_kind) - 1), "");
}

/* A parse that fails leaves nothing of an earlier one behind. */
static void out_reset(void **state)
{
	struct plate p;

	(void)state;
	assert_true(plate_parse("苏D12345", &p));
	assert_false(plate_parse("苏I12345", &p));
	assert_string_equal(p.province, "");
	assert_string_equal(p.province_code, "");
	assert_int_equal(p.kind, PLATE_ORDINARY);
	assert_true(plate_parse("224001使", &p));
	assert_true(plate_parse(p.text, &p) && p.kind == PLATE_EMBASSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ordinary),        cmocka_unit_test(new_energy),
		cmocka_unit_test(suffixes),        cmocka_unit_test(embassy),
		cmocka_unit_test(i_and_o),         cmocka_unit_test(normalised),
		cmocka_unit_test(malformed),       cmocka_unit_test(bad_utf8),
		cmocka_unit_test(hostile_lengths), cmocka_unit_test(every_province),
		cmocka_unit_test(kind_names),      cmocka_unit_test(out_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
