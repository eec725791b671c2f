/*
 * Unit tests for domain/area_code: levels, names, parents, scope, children and
 * the NBS kind ranges. Real codes from the article anchor the cases: 溧阳市
 * 320481, 社渚镇 320481116, 竹箦镇 320481111.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/area_code.h"

#define LIYANG "320481"
#define SHEZHU "320481116"
#define ZHUZE "320481111"
#define SHEZHU_VILLAGE "320481116201"
#define SHEZHU_GRID "320481116201001"
#define SHEZHU_GROUP "320481116201001001"

static void level_of_each_length(void **state)
{
	(void)state;
	assert_int_equal(area_code_level(LIYANG), AREA_LEVEL_COUNTY);
	assert_int_equal(area_code_level(SHEZHU), AREA_LEVEL_TOWNSHIP);
	assert_int_equal(area_code_level(SHEZHU_VILLAGE), AREA_LEVEL_VILLAGE);
	assert_int_equal(area_code_level(SHEZHU_GRID), AREA_LEVEL_GRID);
	assert_int_equal(area_code_level(SHEZHU_GROUP), AREA_LEVEL_GROUP);
}

static void level_rejects_bad_input(void **state)
{
	(void)state;
	assert_int_equal(area_code_level(NULL), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level(""), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("32048"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("3204811"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("32048111"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("3204811160011"), AREA_LEVEL_INVALID);
	/* one past the longest level */
	assert_int_equal(area_code_level("3204811162010010011"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481116201001001001"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("32048a"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level(" 320481"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481 "), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("-32048"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("+320481"), AREA_LEVEL_INVALID);
	/* full-width digits are not codes: the API takes ASCII only */
	assert_int_equal(area_code_level("\xef\xbc\x93\xef\xbc\x92"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("３２０４８１"), AREA_LEVEL_INVALID);
}

static void level_rejects_zero_segments(void **state)
{
	(void)state;
	/* NBS zero padding: 320481000000 is the county itself, not a village */
	assert_int_equal(area_code_level("320481000"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481000000"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481116000"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481116201000"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481116201001000"), AREA_LEVEL_INVALID);
	assert_int_equal(area_code_level("320481001"), AREA_LEVEL_TOWNSHIP);
}

static void level_hostile_long_string(void **state)
{
	(void)state;
	char big[4096];
	memset(big, '1', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(area_code_level(big), AREA_LEVEL_INVALID);
	/* 18 digits followed by garbage */
	assert_int_equal(area_code_level("320481116201001001x"), AREA_LEVEL_INVALID);
}

static void level_names_round_trip(void **state)
{
	(void)state;
	static const char *const names[] = {"county", "township", "village", "grid", "group"};
	for (int l = AREA_LEVEL_COUNTY; l <= AREA_LEVEL_GROUP; l++) {
		assert_string_equal(area_level_name((enum area_level)l), names[l - 1]);
		assert_int_equal(area_level_parse(names[l - 1]), l);
	}
	assert_string_equal(area_level_name(AREA_LEVEL_INVALID), "invalid");
	assert_string_equal(area_level_name((enum area_level)99), "invalid");
	assert_string_equal(area_level_name((enum area_level) - 1), "invalid");
	assert_int_equal(area_level_parse("invalid"), AREA_LEVEL_INVALID);
	assert_int_equal(area_level_parse("County"), AREA_LEVEL_INVALID);
	assert_int_equal(area_level_parse("grid "), AREA_LEVEL_INVALID);
	assert_int_equal(area_level_parse(""), AREA_LEVEL_INVALID);
	assert_int_equal(area_level_parse(NULL), AREA_LEVEL_INVALID);
}

static void parent_of_each_level(void **state)
{
	(void)state;
	char out[AREA_CODE_MAX + 1];
	assert_true(area_code_parent(SHEZHU_GROUP, out, sizeof out));
	assert_string_equal(out, SHEZHU_GRID);
	assert_true(area_code_parent(SHEZHU_GRID, out, sizeof out));
	assert_string_equal(out, SHEZHU_VILLAGE);
	assert_true(area_code_parent(SHEZHU_VILLAGE, out, sizeof out));
	assert_string_equal(out, SHEZHU);
	assert_true(area_code_parent(SHEZHU, out, sizeof out));
	assert_string_equal(out, LIYANG);
}

static void parent_refusals(void **state)
{
	(void)state;
	char out[AREA_CODE_MAX + 1];
	memcpy(out, "untouched", 10);
	assert_false(area_code_parent(LIYANG, out, sizeof out));
	assert_false(area_code_parent("3204811", out, sizeof out));
	assert_false(area_code_parent(NULL, out, sizeof out));
	assert_false(area_code_parent(SHEZHU, NULL, 7));
	assert_string_equal(out, "untouched");
	/* exact fit: 6 digits + NUL */
	assert_false(area_code_parent(SHEZHU, out, 6));
	assert_true(area_code_parent(SHEZHU, out, 7));
	assert_string_equal(out, LIYANG);
	assert_false(area_code_parent(SHEZHU_GROUP, out, 15));
	assert_true(area_code_parent(SHEZHU_GROUP, out, 16));
	assert_string_equal(out, SHEZHU_GRID);
}

static void scope_self_and_below(void **state)
{
	(void)state;
	assert_true(area_code_in_scope(LIYANG, LIYANG));
	assert_true(area_code_in_scope(LIYANG, SHEZHU));
	assert_true(area_code_in_scope(LIYANG, SHEZHU_GROUP));
	assert_true(area_code_in_scope(SHEZHU, SHEZHU_VILLAGE));
	assert_true(area_code_in_scope(SHEZHU_VILLAGE, SHEZHU_GRID));
	assert_true(area_code_in_scope(SHEZHU_GRID, SHEZHU_GROUP));
	assert_true(area_code_in_scope(SHEZHU_GROUP, SHEZHU_GROUP));
}

static void scope_not_above_or_sideways(void **state)
{
	(void)state;
	/* upward */
	assert_false(area_code_in_scope(SHEZHU, LIYANG));
	assert_false(area_code_in_scope(SHEZHU_GROUP, SHEZHU_GRID));
	/* sibling townships of 溧阳市 */
	assert_false(area_code_in_scope(SHEZHU, ZHUZE));
	assert_false(area_code_in_scope(ZHUZE, SHEZHU));
	assert_false(area_code_in_scope(ZHUZE, SHEZHU_VILLAGE));
	assert_false(area_code_in_scope(SHEZHU, "320481111201"));
	/* another county */
	assert_false(area_code_in_scope(LIYANG, "321322"));
	assert_false(area_code_in_scope("321322", "320481116"));
}

static void scope_prefix_look_alikes(void **state)
{
	(void)state;
	/* same length, shares 11 digits */
	assert_false(area_code_in_scope("320481116001", "320481116010"));
	assert_false(area_code_in_scope("320481116010", "320481116001"));
	/* 320481116001 is a string prefix of neither grid below 320481116010 */
	assert_false(area_code_in_scope("320481116001", "320481116010001"));
	assert_true(area_code_in_scope("320481116010", "320481116010001"));
	/* a township whose digits look like the start of a village elsewhere */
	assert_false(area_code_in_scope("320481116", "320481161116"));
	/* grid 001 of village 001 vs village 001001-look-alike */
	assert_false(area_code_in_scope("320481116001001", "320481116001010001"));
	assert_true(area_code_in_scope("320481116001001", "320481116001001010"));
}

static void scope_needs_valid_codes(void **state)
{
	(void)state;
	assert_false(area_code_in_scope(NULL, SHEZHU));
	assert_false(area_code_in_scope(LIYANG, NULL));
	assert_false(area_code_in_scope("", SHEZHU));
	assert_false(area_code_in_scope("32", SHEZHU));      /* string prefix, not a code */
	assert_false(area_code_in_scope("3204811", SHEZHU)); /* 7 digits */
	assert_false(area_code_in_scope(LIYANG, "3204811160"));
	assert_false(area_code_in_scope(LIYANG, "32048111x"));
	assert_false(area_code_in_scope(LIYANG, "320481000"));
}

static void child_of_village_and_grid(void **state)
{
	(void)state;
	char out[AREA_CODE_MAX + 1];
	assert_true(area_code_child(SHEZHU_VILLAGE, 1, out, sizeof out));
	assert_string_equal(out, "320481116201001");
	assert_int_equal(area_code_level(out), AREA_LEVEL_GRID);
	assert_true(area_code_child(SHEZHU_VILLAGE, 999, out, sizeof out));
	assert_string_equal(out, "320481116201999");
	assert_true(area_code_child(SHEZHU_VILLAGE, 42, out, sizeof out));
	assert_string_equal(out, "320481116201042");
	assert_true(area_code_child(SHEZHU_GRID, 1, out, sizeof out));
	assert_string_equal(out, "320481116201001001");
	assert_int_equal(area_code_level(out), AREA_LEVEL_GROUP);
	assert_true(area_code_child(SHEZHU_GRID, 999, out, sizeof out));
	assert_string_equal(out, "320481116201001999");
	assert_true(area_code_child(SHEZHU_GRID, 100, out, sizeof out));
	assert_string_equal(out, "320481116201001100");
}

static void child_refusals(void **state)
{
	(void)state;
	char out[AREA_CODE_MAX + 1] = "untouched";
	assert_false(area_code_child(SHEZHU_VILLAGE, 0, out, sizeof out));
	assert_false(area_code_child(SHEZHU_VILLAGE, 1000, out, sizeof out));
	assert_false(area_code_child(SHEZHU_GRID, 0, out, sizeof out));
	assert_false(area_code_child(SHEZHU_GRID, 1000, out, sizeof out));
	assert_false(area_code_child(SHEZHU_VILLAGE, 4294967295u, out, sizeof out));
	/* official levels are not numbered locally, groups have no children */
	assert_false(area_code_child(LIYANG, 1, out, sizeof out));
	assert_false(area_code_child(SHEZHU, 1, out, sizeof out));
	assert_false(area_code_child(SHEZHU_GROUP, 1, out, sizeof out));
	assert_false(area_code_child(NULL, 1, out, sizeof out));
	assert_false(area_code_child("32048111620", 1, out, sizeof out));
	assert_false(area_code_child(SHEZHU_VILLAGE, 1, NULL, 16));
	assert_string_equal(out, "untouched");
	/* exact fit: 15 digits + NUL, 18 digits + NUL */
	assert_false(area_code_child(SHEZHU_VILLAGE, 1, out, 15));
	assert_true(area_code_child(SHEZHU_VILLAGE, 1, out, 16));
	assert_false(area_code_child(SHEZHU_GRID, 1, out, 18));
	assert_true(area_code_child(SHEZHU_GRID, 1, out, 19));
}

static void township_kind_boundaries(void **state)
{
	(void)state;
	assert_int_equal(area_code_township_kind("320481001"), TOWNSHIP_KIND_SUBDISTRICT);
	assert_int_equal(area_code_township_kind("320481099"), TOWNSHIP_KIND_SUBDISTRICT);
	assert_int_equal(area_code_township_kind("320481100"), TOWNSHIP_KIND_TOWN);
	assert_int_equal(area_code_township_kind(SHEZHU), TOWNSHIP_KIND_TOWN); /* 社渚镇 */
	assert_int_equal(area_code_township_kind("320481199"), TOWNSHIP_KIND_TOWN);
	assert_int_equal(area_code_township_kind("320481200"), TOWNSHIP_KIND_TOWNSHIP);
	assert_int_equal(area_code_township_kind("320481399"), TOWNSHIP_KIND_TOWNSHIP);
	assert_int_equal(area_code_township_kind("320481400"), TOWNSHIP_KIND_ZONE);
	assert_int_equal(area_code_township_kind("320481599"), TOWNSHIP_KIND_ZONE);
	assert_int_equal(area_code_township_kind("320481600"), TOWNSHIP_KIND_UNKNOWN);
	assert_int_equal(area_code_township_kind("320481999"), TOWNSHIP_KIND_UNKNOWN);
	assert_int_equal(area_code_township_kind("320481000"), TOWNSHIP_KIND_UNKNOWN);
}

static void township_kind_needs_township(void **state)
{
	(void)state;
	assert_int_equal(area_code_township_kind(NULL), TOWNSHIP_KIND_UNKNOWN);
	assert_int_equal(area_code_township_kind(LIYANG), TOWNSHIP_KIND_UNKNOWN);
	/* a village below a town is not itself a town */
	assert_int_equal(area_code_township_kind(SHEZHU_VILLAGE), TOWNSHIP_KIND_UNKNOWN);
	assert_int_equal(area_code_township_kind("32048111a"), TOWNSHIP_KIND_UNKNOWN);
}

static void village_kind_boundaries(void **state)
{
	(void)state;
	assert_int_equal(area_code_village_kind("320481116001"), VILLAGE_KIND_RESIDENTS);
	assert_int_equal(area_code_village_kind("320481116199"), VILLAGE_KIND_RESIDENTS);
	assert_int_equal(area_code_village_kind("320481116200"), VILLAGE_KIND_VILLAGERS);
	assert_int_equal(area_code_village_kind(SHEZHU_VILLAGE), VILLAGE_KIND_VILLAGERS);
	assert_int_equal(area_code_village_kind("320481116399"), VILLAGE_KIND_VILLAGERS);
	assert_int_equal(area_code_village_kind("320481116400"), VILLAGE_KIND_UNKNOWN);
	assert_int_equal(area_code_village_kind("320481116599"), VILLAGE_KIND_UNKNOWN);
	assert_int_equal(area_code_village_kind("320481116600"), VILLAGE_KIND_UNKNOWN);
	assert_int_equal(area_code_village_kind("320481116000"), VILLAGE_KIND_UNKNOWN);
}

static void village_kind_needs_village(void **state)
{
	(void)state;
	assert_int_equal(area_code_village_kind(NULL), VILLAGE_KIND_UNKNOWN);
	assert_int_equal(area_code_village_kind(SHEZHU), VILLAGE_KIND_UNKNOWN);
	assert_int_equal(area_code_village_kind(SHEZHU_GRID), VILLAGE_KIND_UNKNOWN);
	assert_int_equal(area_code_village_kind("32048111620x"), VILLAGE_KIND_UNKNOWN);
}

static void common_of_two(void **state)
{
	char out[AREA_CODE_MAX + 1];

	(void)state;
	assert_true(area_code_common(SHEZHU_VILLAGE, SHEZHU_GRID, out, sizeof out));
	assert_string_equal(out, SHEZHU_VILLAGE);
	assert_true(area_code_common(SHEZHU_GRID, SHEZHU_VILLAGE, out, sizeof out));
	assert_string_equal(out, SHEZHU_VILLAGE);
	assert_true(area_code_common(SHEZHU, "320481111", out, sizeof out));
	assert_string_equal(out, LIYANG);
	assert_true(area_code_common("320481116200", "320481116201", out, sizeof out));
	assert_string_equal(out, SHEZHU);
	assert_true(area_code_common(LIYANG, LIYANG, out, sizeof out));
	assert_string_equal(out, LIYANG);
	assert_false(area_code_common(LIYANG, "320482", out, sizeof out)); /* another county */
	assert_false(area_code_common(LIYANG, "32048", out, sizeof out));
	assert_false(area_code_common(NULL, LIYANG, out, sizeof out));
	assert_false(area_code_common(SHEZHU, SHEZHU, out, 9)); /* no room for the NUL */
	assert_false(area_code_common(SHEZHU, SHEZHU, NULL, 0));
}

/* area_code_scope_end(scope) as a string (the test's own buffer). */
static const char *end_of(const char *scope)
{
	static char out[AREA_CODE_END_SIZE];

	assert_true(area_code_scope_end(scope, out, sizeof out));
	return out;
}

#define NINES_19 "9999999999999999999" /* AREA_CODE_MAX + 1 nines */

static void scope_end_next_prefix(void **state)
{
	(void)state;
	assert_string_equal(end_of("3204"), "3205");
	assert_string_equal(end_of(LIYANG), "320482");
	assert_string_equal(end_of(SHEZHU), "320481117");
	/* trailing 9s carry */
	assert_string_equal(end_of("320489"), "32049");
	assert_string_equal(end_of("329"), "33");
	assert_string_equal(end_of("320481119"), "32048112");
	assert_string_equal(end_of("320481116009"), "32048111601");
	assert_string_equal(end_of("320481116099"), "3204811161");
	assert_string_equal(end_of("320481116999"), "320481117");
	assert_string_equal(end_of("3999999"), "4");
	/* one digit */
	assert_string_equal(end_of("0"), "1");
	assert_string_equal(end_of("5"), "6");
	/* the longest code */
	assert_string_equal(end_of(SHEZHU_GROUP), "320481116201001002");
	assert_string_equal(end_of("320481116201001999"), "320481116201002");
}

static void scope_end_without_next_prefix(void **state)
{
	(void)state;
	/* only 9s, or everything: a bound above every code of at most 18 digits */
	assert_int_equal(strlen(NINES_19), AREA_CODE_MAX + 1);
	assert_string_equal(end_of(""), NINES_19);
	assert_string_equal(end_of("9"), NINES_19);
	assert_string_equal(end_of("999999"), NINES_19);
	assert_string_equal(end_of("999999999999999999"), NINES_19);
	assert_true(strcmp("999999999999999999", end_of("999999")) < 0);
}

static void scope_end_refusals_fail_closed(void **state)
{
	char out[AREA_CODE_END_SIZE] = "x";

	(void)state;
	assert_false(area_code_scope_end(NULL, out, sizeof out));
	assert_string_equal(out, "");
	strcpy(out, "x");
	assert_false(area_code_scope_end("32048a", out, sizeof out));
	assert_string_equal(out, ""); /* [scope, "") is empty */
	assert_false(area_code_scope_end("320481:", out, sizeof out));
	assert_false(area_code_scope_end("320481 ", out, sizeof out));
	assert_false(area_code_scope_end("\xef\xbc\x93", out, sizeof out)); /* full-width 3 */
	assert_false(area_code_scope_end("3204811162010010011", out, sizeof out)); /* 19 digits */
	assert_false(area_code_scope_end("320481116201001001001001001001001001", out, sizeof out));
	/* the longest end needs AREA_CODE_END_SIZE bytes, whatever the scope */
	strcpy(out, "x");
	assert_false(area_code_scope_end("3204", out, AREA_CODE_END_SIZE - 1));
	assert_string_equal(out, "");
	assert_false(area_code_scope_end("3204", NULL, sizeof out));
	assert_false(area_code_scope_end("3204", out, 0));
}

/* Writes the n-th digit string of length len (0 <= n < 10^len) into out. */
static void nth_code(unsigned n, size_t len, char *out)
{
	out[len] = '\0';
	for (size_t i = len; i > 0; i--, n /= 10)
		out[i - 1] = (char)('0' + n % 10);
}

/* The range is exactly the prefix: for every scope of 0..2 digits and every code of 0..4
 * digits (and the longest codes around a 9-ending scope), scope <= code < end (byte
 * comparison, which for digit strings is every collation's) iff code starts with scope. */
static void scope_end_range_is_prefix(void **state)
{
	static const unsigned count[] = {1, 10, 100, 1000, 10000}; /* strings of each length */
	char scope[3], code[5], end[AREA_CODE_END_SIZE];
	static const char *const longest[] = {"320481116009999999", "320481116010000000",
					      "320481116008999999", "999999999999999999",
					      "320481116009"};

	(void)state;
	for (size_t sl = 0; sl <= 2; sl++)
		for (unsigned si = 0; si < count[sl]; si++) {
			nth_code(si, sl, scope);
			assert_true(area_code_scope_end(scope, end, sizeof end));
			for (size_t cl = 0; cl <= 4; cl++)
				for (unsigned ci = 0; ci < count[cl]; ci++) {
					nth_code(ci, cl, code);
					bool in = strcmp(code, scope) >= 0 && strcmp(code, end) < 0;
					assert_int_equal(in, strncmp(code, scope, sl) == 0);
				}
		}
	for (size_t i = 0; i < sizeof longest / sizeof *longest; i++) {
		static const char *const scopes[] = {"320481116009", "32048111600", "99", ""};
		for (size_t k = 0; k < sizeof scopes / sizeof *scopes; k++) {
			const char *c = longest[i], *sc = scopes[k];
			assert_true(area_code_scope_end(sc, end, sizeof end));
			bool in = strcmp(c, sc) >= 0 && strcmp(c, end) < 0;
			assert_int_equal(in, strncmp(c, sc, strlen(sc)) == 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(level_of_each_length),
		cmocka_unit_test(level_rejects_bad_input),
		cmocka_unit_test(level_rejects_zero_segments),
		cmocka_unit_test(level_hostile_long_string),
		cmocka_unit_test(level_names_round_trip),
		cmocka_unit_test(parent_of_each_level),
		cmocka_unit_test(parent_refusals),
		cmocka_unit_test(scope_self_and_below),
		cmocka_unit_test(scope_not_above_or_sideways),
		cmocka_unit_test(scope_prefix_look_alikes),
		cmocka_unit_test(scope_needs_valid_codes),
		cmocka_unit_test(common_of_two),
		cmocka_unit_test(child_of_village_and_grid),
		cmocka_unit_test(child_refusals),
		cmocka_unit_test(township_kind_boundaries),
		cmocka_unit_test(township_kind_needs_township),
		cmocka_unit_test(village_kind_boundaries),
		cmocka_unit_test(village_kind_needs_village),
		cmocka_unit_test(scope_end_next_prefix),
		cmocka_unit_test(scope_end_without_next_prefix),
		cmocka_unit_test(scope_end_refusals_fail_closed),
		cmocka_unit_test(scope_end_range_is_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
