/*
 * Unit tests for domain/grid_rule and its use by addr_resolve (rule 7): the addresses are
 * written the way DOMAIN.md says people write them ("竹镇镇金磁社区五组", Arabic and
 * Chinese numerals, 组/队/村民小组, 号/栋/幢, no township, stray spaces). The grids and
 * their codes are made up, as grids are created locally.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/address.h"
#include "domain/grid_rule.h"

#define VIL "320116105201"
#define G1 VIL "001"
#define G2 VIL "002"
#define G3 VIL "003"
#define G4 VIL "004"
#define OTHER "320116105202001"

static const struct grid_rule rules[] = {
	{G1, GRID_RULE_GROUP, "", 5, 5, GRID_RULE_ALL},
	{G1, GRID_RULE_GROUP, "", 15, 15, GRID_RULE_ALL},
	{G2, GRID_RULE_GROUP, "", 6, 6, GRID_RULE_ALL},
	{G2, GRID_RULE_ROAD, "金陵路", 0, 0, GRID_RULE_ALL},
	{G3, GRID_RULE_ROAD, "金陵路", 1, 50, GRID_RULE_ODD},
	{G4, GRID_RULE_ROAD, "金陵路", 1, 50, GRID_RULE_EVEN},
	{G3, GRID_RULE_COMPOUND, "阳光花园", 0, 0, GRID_RULE_ALL},
	{G4, GRID_RULE_COMPOUND, "阳光花园二期", 0, 0, GRID_RULE_ALL},
	{G4, GRID_RULE_COMPOUND, "阳光花园", 1, 3, GRID_RULE_ALL},
	{OTHER, GRID_RULE_GROUP, "", 7, 7, GRID_RULE_ALL}, /* another village's */
};
#define NRULES (sizeof rules / sizeof rules[0])

static const char *grid_of(const char *address)
{
	static char g[16];
	enum grid_rule_result r = grid_rule_match(rules, NRULES, VIL, address, g);
	return r == GRID_RULE_MATCH ? g : r == GRID_RULE_AMBIGUOUS ? "ambiguous" : "none";
}

static void groups_as_people_write_them(void **state)
{
	(void)state;
	assert_string_equal(grid_of("竹镇镇金磁社区五组"), G1);
	assert_string_equal(grid_of("金磁社区5组"), G1);
	assert_string_equal(grid_of("金磁社区 第五村民小组"), G1);
	assert_string_equal(grid_of("金磁社区第五小组3号"), G1);
	assert_string_equal(grid_of("金磁五队"), G1);
	assert_string_equal(grid_of("金磁社区第五生产队"), G1);
	assert_string_equal(grid_of("金磁社区５组"), G1); /* full-width digit */
	assert_string_equal(grid_of("金磁社区 5 组"), G1);
	assert_string_equal(grid_of("金磁社区十五组"), G1);
	assert_string_equal(grid_of("金磁社区15组"), G1);
	assert_string_equal(grid_of("金磁社区六组"), G2);
	/* 十五 is not 五 and 25 is not 5; a house number is not a group */
	assert_string_equal(grid_of("金磁社区二十五组"), "none");
	assert_string_equal(grid_of("金磁社区25组"), "none");
	assert_string_equal(grid_of("金磁社区5号"), "none");
	assert_string_equal(grid_of("金磁社区"), "none");
	/* a rule of another village never answers */
	assert_string_equal(grid_of("金磁社区七组"), "none");
}

static void roads_compounds_and_numbers(void **state)
{
	(void)state;
	assert_string_equal(grid_of("金磁社区金陵路"), G2);
	assert_string_equal(grid_of("金陵路19号"), G3);   /* odd, in 1-50 */
	assert_string_equal(grid_of("金陵路 20 号"), G4); /* even */
	assert_string_equal(grid_of("金陵路第21号"), G3);
	assert_string_equal(grid_of("金陵路51号"), G2); /* outside the range: the road */
	assert_string_equal(grid_of("金陵路7-2"), G3);
	assert_string_equal(grid_of("阳光花园8栋201"), G3);
	assert_string_equal(grid_of("阳光花园2幢"), G4);     /* numbered beats the compound */
	assert_string_equal(grid_of("阳光花园二期3栋"), G4); /* the longer name */
	/* a compound beats a group, a road beats a group */
	assert_string_equal(grid_of("金磁社区6组阳光花园9栋"), G3);
	assert_string_equal(grid_of("5组金陵路"), G2);
}

static void overlaps_that_decide_nothing(void **state)
{
	static const struct grid_rule tie[] = {
		{G1, GRID_RULE_ROAD, "幸福路", 0, 0, GRID_RULE_ALL},
		{G2, GRID_RULE_ROAD, "幸福路", 0, 0, GRID_RULE_ALL},
		{G3, GRID_RULE_GROUP, "", 3, 3, GRID_RULE_ALL},
		{G3, GRID_RULE_GROUP, "", 3, 3, GRID_RULE_ALL},
	};
	char g[16];
	(void)state;
	assert_int_equal(grid_rule_match(tie, 4, VIL, "幸福路19号", g), GRID_RULE_AMBIGUOUS);
	assert_string_equal(g, "");
	/* the same grid twice is no tie */
	assert_int_equal(grid_rule_match(tie, 4, VIL, "三组", g), GRID_RULE_MATCH);
	assert_string_equal(g, G3);
	assert_int_equal(grid_rule_match(tie, 0, VIL, "三组", g), GRID_RULE_NONE);
	assert_int_equal(grid_rule_match(NULL, 0, VIL, "三组", g), GRID_RULE_NONE);
	assert_int_equal(grid_rule_match(tie, 4, "3201", "三组", g), GRID_RULE_NONE);
	assert_int_equal(grid_rule_match(tie, 4, VIL, "", g), GRID_RULE_NONE);
}

static void group_numbers_and_validity(void **state)
{
	(void)state;
	assert_int_equal(grid_rule_group_number("5组"), 5);
	assert_int_equal(grid_rule_group_number("五组"), 5);
	assert_int_equal(grid_rule_group_number("第五村民小组"), 5);
	assert_int_equal(grid_rule_group_number(" 12 "), 12);
	assert_int_equal(grid_rule_group_number("二十三队"), 23);
	assert_int_equal(grid_rule_group_number("一百零五组"), 105);
	assert_int_equal(grid_rule_group_number("五组金陵路"), 0);
	assert_int_equal(grid_rule_group_number("组"), 0);
	assert_int_equal(grid_rule_group_number(""), 0);
	assert_int_equal(grid_rule_group_number(NULL), 0);
	assert_int_equal(grid_rule_group_number("0组"), 0);
	assert_int_equal(grid_rule_group_number("1000组"), 0);

	struct grid_rule r = {G1, GRID_RULE_ROAD, "金陵路", 1, 50, GRID_RULE_ODD};
	assert_true(grid_rule_valid(&r));
	r.from = 51;
	assert_false(grid_rule_valid(&r));
	r.from = 0, r.to = 0;
	assert_true(grid_rule_valid(&r));
	r.name = "";
	assert_false(grid_rule_valid(&r));
	r.grid = VIL;
	r.name = "金陵路";
	assert_false(grid_rule_valid(&r));
	struct grid_rule g = {G1, GRID_RULE_GROUP, "", 5, 5, GRID_RULE_ALL};
	assert_true(grid_rule_valid(&g));
	g.to = 6;
	assert_false(grid_rule_valid(&g));

	enum grid_rule_kind k;
	enum grid_rule_parity p;
	assert_true(grid_rule_kind_parse("compound", &k) && k == GRID_RULE_COMPOUND);
	assert_false(grid_rule_kind_parse("street", &k));
	assert_true(grid_rule_parity_parse("even", &p) && p == GRID_RULE_EVEN);
	assert_false(grid_rule_parity_parse(NULL, &p));
}

/* addr_resolve takes a village down to a grid by its rules; without rules it stays. */
static void resolution_reaches_the_grid(void **state)
{
	static const struct addr_area areas[] = {
		{"320116105", "竹镇镇"},
		{VIL, "金磁社区居委会"},
		{"320116105202", "竹墩社区居委会"},
		{G1, "一网格"},
		{G2, "二网格"},
		{G3, "三网格"},
		{G4, "四网格"},
		{OTHER, "竹墩一网格"},
	};
	struct addr_index *plain = addr_index_new(areas, 8);
	struct addr_index *ix = addr_index_new_ruled(areas, 8, rules, NRULES);
	char code[ADDR_CODE_LEN_MAX + 1];
	(void)state;

	assert_int_equal(addr_resolve(plain, "竹镇镇金磁社区五组", code), ADDR_VILLAGE);
	assert_string_equal(code, VIL);
	assert_int_equal(addr_resolve(ix, "竹镇镇金磁社区五组", code), ADDR_GRID);
	assert_string_equal(code, G1);
	assert_int_equal(addr_resolve(ix, "金磁社区 第五村民小组", code), ADDR_GRID);
	assert_string_equal(code, G1);
	assert_int_equal(addr_resolve(ix, "竹镇镇 金磁社区 金陵路20号", code), ADDR_GRID);
	assert_string_equal(code, G4);
	/* no rule fits: the village */
	assert_int_equal(addr_resolve(ix, "金磁社区九组", code), ADDR_VILLAGE);
	assert_string_equal(code, VIL);
	/* another village's rules do not apply to this one */
	assert_int_equal(addr_resolve(ix, "竹墩社区五组", code), ADDR_VILLAGE);
	assert_string_equal(code, "320116105202");
	/* a grid named in the address wins over the rules */
	assert_int_equal(addr_resolve(ix, "金磁社区三网格五组", code), ADDR_GRID);
	assert_string_equal(code, G3);
	assert_int_equal(addr_resolve(ix, "竹镇镇金磁社区五组", NULL), ADDR_GRID);
	addr_index_free(plain);
	addr_index_free(ix);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_as_people_write_them),
		cmocka_unit_test(roads_compounds_and_numbers),
		cmocka_unit_test(overlaps_that_decide_nothing),
		cmocka_unit_test(group_numbers_and_validity),
		cmocka_unit_test(resolution_reaches_the_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
