/*
 * grid_rule — which grid of a village covers an address.
 *
 * A village's commander says, per grid, which villagers' groups (村民小组: "5组", "五组",
 * "第五村民小组", "5队"), roads or streets ("金陵路"), compounds ("阳光花园") and
 * house-number ranges of a road or compound ("金陵路 1-50号", odd or even numbers only)
 * it covers. Once address.c has resolved an address to a village, the village's rules
 * are tried on the same text: the most specific rule that fits names the grid.
 *
 * Specificity, highest first: a numbered rule (a road or compound with a number range;
 * the narrower range first), a compound, a road, a group; between rules of one kind a
 * longer name is more specific ("阳光花园二期" before "阳光花园"). When the most specific
 * fitting rules name different grids, nothing is decided and the address stays at the
 * village.
 *
 * Numbers are read as people write them: Arabic or Chinese numerals (五, 十五, 二十三,
 * 一百零五), with or without 第, before 组, 队, 小组, 村民小组 or 生产队; a house number
 * is the number right after the road or compound name, before 号, 栋, 幢 or 号楼 (or
 * followed by nothing that is a digit). Spaces are ignored, full-width digits count.
 *
 * Ownership: pure. Nothing is allocated; rules and texts are borrowed for the call.
 */
#ifndef FANGKONG_DOMAIN_GRID_RULE_H
#define FANGKONG_DOMAIN_GRID_RULE_H

#include <stdbool.h>
#include <stddef.h>

#define GRID_RULE_NAME_MAX 120 /* bytes of a road or compound name */
#define GRID_RULE_NUMBER_MAX 99999
#define GRID_RULES_MAX 500 /* rules of one village */

enum grid_rule_kind { GRID_RULE_GROUP, GRID_RULE_ROAD, GRID_RULE_COMPOUND };
enum grid_rule_parity { GRID_RULE_ALL, GRID_RULE_ODD, GRID_RULE_EVEN };

struct grid_rule {
	const char *grid; /* 15-digit grid code; its first 12 digits are the village's code */
	enum grid_rule_kind kind;
	const char *name; /* road or compound name; "" for a group */
	int from, to;     /* group: its number (from == to); road/compound: house numbers,
			   * 0 and 0 for all of it */
	enum grid_rule_parity parity; /* of the house numbers */
};

enum grid_rule_result { GRID_RULE_NONE, GRID_RULE_MATCH, GRID_RULE_AMBIGUOUS };

/* Applies the rules whose grid lies in village (12 digits) to address and writes the grid
 * code of the most specific fitting rule to grid_out (16 bytes; "" unless MATCH). */
enum grid_rule_result grid_rule_match(const struct grid_rule *rules, size_t n, const char *village,
				      const char *address, char grid_out[16]);

/* The group number a text names ("5组", "五组", "第五村民小组", "5", "十五"); 0 when none. */
int grid_rule_group_number(const char *text);

/* Whether r is well formed: a 15-digit grid code, a known kind and parity, a group number
 * 1..999 (from == to), a road or compound name of 1..GRID_RULE_NAME_MAX bytes, and a house
 * range 0-0 or 1 <= from <= to <= GRID_RULE_NUMBER_MAX. */
bool grid_rule_valid(const struct grid_rule *r);

/* "group", "road", "compound" / "all", "odd", "even"; and back (false when unknown). */
const char *grid_rule_kind_name(enum grid_rule_kind k);
const char *grid_rule_parity_name(enum grid_rule_parity p);
bool grid_rule_kind_parse(const char *s, enum grid_rule_kind *out);
bool grid_rule_parity_parse(const char *s, enum grid_rule_parity *out);

#endif
