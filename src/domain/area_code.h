/*
 * area_code — division codes of the area tree (county → township → village →
 * grid → group).
 *
 * A code is a string of ASCII digits whose length names its level: 6, 9, 12,
 * 15 or 18. Each level appends three digits to its parent's code, so "lies
 * below" is a prefix test. Counties, townships and villages carry official NBS
 * codes; grids and groups are created locally as children of a village or grid.
 *
 * Ownership: every function here is pure. Nothing is allocated; strings passed
 * in are borrowed for the duration of the call; results are written only into
 * buffers the caller owns, and only when the call returns true (except
 * area_code_scope_end, which writes an empty range's end on failure).
 */
#ifndef FANGKONG_DOMAIN_AREA_CODE_H
#define FANGKONG_DOMAIN_AREA_CODE_H

#include <stdbool.h>
#include <stddef.h>

enum area_level {
	AREA_LEVEL_INVALID = 0,
	AREA_LEVEL_COUNTY,   /* 6 digits, 县/市/区 */
	AREA_LEVEL_TOWNSHIP, /* 9 digits, 乡镇/街道 */
	AREA_LEVEL_VILLAGE,  /* 12 digits, 村/社区 */
	AREA_LEVEL_GRID,     /* 15 digits, 网格 (local) */
	AREA_LEVEL_GROUP,    /* 18 digits, 村民小组 (local) */
};

#define AREA_CODE_MAX 18 /* longest code, without NUL */

/* Level of code; INVALID for NULL, non-digits, a length other than 6/9/12/15/18,
 * or a segment below the county that is "000" (see area_code.c). */
enum area_level area_code_level(const char *code);

/* "county", "township", "village", "grid", "group"; "invalid" for anything else.
 * The result is a static string. */
const char *area_level_name(enum area_level level);

/* Inverse of area_level_name (exact, lower-case); INVALID for NULL or unknown. */
enum area_level area_level_parse(const char *name);

/* Writes the parent of code into out (outsz bytes including NUL).
 * False for a county, an invalid code, NULL out, or outsz too small. */
bool area_code_parent(const char *code, char *out, size_t outsz);

/* True when code equals scope or lies below it. Both must be valid codes. */
bool area_code_in_scope(const char *scope, const char *code);

/* Writes the lowest area that contains both a and b (one of them when it contains the
 * other) into out: the level of the commander who sees both. False when either code is
 * invalid, they lie in different counties, or out is NULL or too small. */
bool area_code_common(const char *a, const char *b, char *out, size_t outsz);

/* Size of a buffer for area_code_scope_end's result: AREA_CODE_MAX + 1 digits and NUL. */
#define AREA_CODE_END_SIZE (AREA_CODE_MAX + 2)

/* The end of scope's range: every code that equals scope or starts with it, and no other
 * code, lies in [scope, end). end is the next prefix in digit order — scope with its last
 * digit that is not a 9 incremented and the 9s after it dropped ("3204" -> "3205",
 * "320489" -> "32049", "329" -> "33"). A scope of only 9s, and the empty scope
 * ("everything"), has no next prefix: end is then AREA_CODE_MAX + 1 nines, above every
 * code, which is at most AREA_CODE_MAX digits long. Both bounds and every code are ASCII
 * digits, which every collation orders digit by digit as bytes do, so the range needs no
 * byte-order collation. scope is any run of 0..AREA_CODE_MAX ASCII digits (a prefix, not
 * necessarily a valid code). False for NULL, a non-digit, a longer scope, or outsz below
 * AREA_CODE_END_SIZE; out (when outsz > 0) is then "", so that the range [scope, "") is
 * empty and a caller that does not check fails closed. */
bool area_code_scope_end(const char *scope, char *out, size_t outsz);

/* Writes parent + seq as three digits ("%03u") into out. Only village and grid
 * parents have locally numbered children; seq must be 1..999. False otherwise,
 * or when out is NULL or outsz too small. */
bool area_code_child(const char *parent, unsigned seq, char *out, size_t outsz);

enum township_kind {
	TOWNSHIP_KIND_UNKNOWN,
	TOWNSHIP_KIND_SUBDISTRICT, /* 街道, digits 7–9 = 001–099 */
	TOWNSHIP_KIND_TOWN,        /* 镇, 100–199 */
	TOWNSHIP_KIND_TOWNSHIP,    /* 乡, 200–399 */
	TOWNSHIP_KIND_ZONE,        /* development zone or farm, 400–599 */
};

/* Kind from digits 7–9; UNKNOWN unless code is a valid township-level code in
 * one of the ranges above. */
enum township_kind area_code_township_kind(const char *code);

enum village_kind {
	VILLAGE_KIND_UNKNOWN,
	VILLAGE_KIND_RESIDENTS, /* 居委会/社区, digits 10–12 = 001–199 */
	VILLAGE_KIND_VILLAGERS, /* 村委会, 200–399 */
};

/* Kind from digits 10–12; UNKNOWN unless code is a valid village-level code in
 * one of the ranges above. */
enum village_kind area_code_village_kind(const char *code);

#endif
