/*
 * area_code — division codes as fixed-width digit strings.
 *
 * Design: a code's length alone gives its level (3 digits per level after the
 * 6-digit county), so the parent is the code minus its last three digits and
 * scope is a plain prefix comparison. Because every level has a fixed width,
 * a prefix of a valid code is always a whole ancestor: "320481116001" can never
 * be mistaken for a prefix of "320481116010" (same length, different code), and
 * two codes of the same length are in scope of each other only when equal.
 *
 * We reject a "000" segment below the county. NBS publishes 12-digit codes
 * padded with zeros (320481000000 is 溧阳市 itself), and an import that forgets
 * to strip the padding would otherwise create a phantom township 320481000 that
 * looks valid and sits inside everyone's scope. No real township or village has
 * sequence 000, and area_code_child never makes one.
 *
 * A store selects "scope and below" as the range [scope, area_code_scope_end(scope)):
 * the end is the next prefix in digit order, not scope + ':' (the byte after '9'),
 * which is the next prefix only in byte order and falls among or before the digits
 * under a linguistic collation (glibc's en_US.UTF-8 ignores ':' at the first level).
 *
 * Nothing here allocates; scans are bounded by AREA_CODE_MAX + 1 so a hostile,
 * very long string costs at most 19 byte reads.
 */
#include "domain/area_code.h"

#include <string.h>

#define COUNTY_DIGITS 6
#define SEGMENT_DIGITS 3

static const char *const level_names[] = {
	[AREA_LEVEL_INVALID] = "invalid",   [AREA_LEVEL_COUNTY] = "county",
	[AREA_LEVEL_TOWNSHIP] = "township", [AREA_LEVEL_VILLAGE] = "village",
	[AREA_LEVEL_GRID] = "grid",         [AREA_LEVEL_GROUP] = "group",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Value of the three digits at code[at]; the caller has checked they are digits. */
static unsigned segment_at(const char *code, size_t at)
{
	return (unsigned)(code[at] - '0') * 100u + (unsigned)(code[at + 1] - '0') * 10u +
	       (unsigned)(code[at + 2] - '0');
}

/* Number of digits in code when it is all digits and at most AREA_CODE_MAX
 * long; 0 otherwise. Never reads past the first non-digit or byte 19. */
static size_t digit_run(const char *code)
{
	size_t n = 0;
	while (n <= AREA_CODE_MAX && is_digit(code[n]))
		n++;
	if (n > AREA_CODE_MAX || code[n] != '\0')
		return 0;
	return n;
}

enum area_level area_code_level(const char *code)
{
	if (code == NULL)
		return AREA_LEVEL_INVALID;
	size_t n = digit_run(code);
	if (n < COUNTY_DIGITS || n % SEGMENT_DIGITS != 0)
		return AREA_LEVEL_INVALID;
	for (size_t at = COUNTY_DIGITS; at < n; at += SEGMENT_DIGITS)
		if (segment_at(code, at) == 0)
			return AREA_LEVEL_INVALID;
	return (enum area_level)(n / SEGMENT_DIGITS - 1);
}

/* Length of a code at level (a valid level, COUNTY..GROUP). */
static size_t level_len(int level)
{
	return (size_t)(level + 1) * SEGMENT_DIGITS;
}

const char *area_level_name(enum area_level level)
{
	if ((unsigned)level > AREA_LEVEL_GROUP)
		return level_names[AREA_LEVEL_INVALID];
	return level_names[level];
}

enum area_level area_level_parse(const char *name)
{
	if (name == NULL)
		return AREA_LEVEL_INVALID;
	for (int l = AREA_LEVEL_COUNTY; l <= AREA_LEVEL_GROUP; l++)
		if (strcmp(name, level_names[l]) == 0)
			return (enum area_level)l;
	return AREA_LEVEL_INVALID;
}

bool area_code_parent(const char *code, char *out, size_t outsz)
{
	enum area_level level = area_code_level(code);
	if (level <= AREA_LEVEL_COUNTY || out == NULL)
		return false;
	size_t n = level_len((int)level - 1);
	if (outsz < n + 1)
		return false;
	memcpy(out, code, n);
	out[n] = '\0';
	return true;
}

bool area_code_in_scope(const char *scope, const char *code)
{
	enum area_level scope_level = area_code_level(scope);
	enum area_level code_level = area_code_level(code);
	if (scope_level == AREA_LEVEL_INVALID || code_level < scope_level)
		return false;
	return memcmp(scope, code, level_len((int)scope_level)) == 0;
}

bool area_code_common(const char *a, const char *b, char *out, size_t outsz)
{
	enum area_level la = area_code_level(a), lb = area_code_level(b);
	size_t max, len = 0;

	if (la == AREA_LEVEL_INVALID || lb == AREA_LEVEL_INVALID || out == NULL)
		return false;
	max = level_len((int)(la < lb ? la : lb));
	while (len < max && a[len] == b[len])
		len++;
	if (len < 6)
		return false;        /* another county */
	len = 6 + (len - 6) / 3 * 3; /* back to a level boundary */
	if (outsz <= len)
		return false;
	memcpy(out, a, len);
	out[len] = '\0';
	return true;
}

bool area_code_scope_end(const char *scope, char *out, size_t outsz)
{
	size_t n = 0, last;

	if (out == NULL || outsz == 0)
		return false;
	out[0] = '\0';
	if (scope == NULL || outsz < AREA_CODE_END_SIZE)
		return false;
	while (n <= AREA_CODE_MAX && is_digit(scope[n]))
		n++;
	if (n > AREA_CODE_MAX || scope[n] != '\0')
		return false;
	for (last = n; last > 0 && scope[last - 1] == '9'; last--)
		;
	if (last == 0) { /* only 9s, or empty: above every code of at most AREA_CODE_MAX digits */
		memset(out, '9', AREA_CODE_MAX + 1);
		out[AREA_CODE_MAX + 1] = '\0';
		return true;
	}
	memcpy(out, scope, last);
	out[last - 1]++;
	out[last] = '\0';
	return true;
}

bool area_code_child(const char *parent, unsigned seq, char *out, size_t outsz)
{
	enum area_level level = area_code_level(parent);
	if (level != AREA_LEVEL_VILLAGE && level != AREA_LEVEL_GRID)
		return false;
	if (seq < 1 || seq > 999 || out == NULL)
		return false;
	size_t n = level_len((int)level);
	if (outsz < n + SEGMENT_DIGITS + 1)
		return false;
	memcpy(out, parent, n);
	out[n] = (char)('0' + seq / 100);
	out[n + 1] = (char)('0' + seq / 10 % 10);
	out[n + 2] = (char)('0' + seq % 10);
	out[n + 3] = '\0';
	return true;
}

enum township_kind area_code_township_kind(const char *code)
{
	if (area_code_level(code) != AREA_LEVEL_TOWNSHIP)
		return TOWNSHIP_KIND_UNKNOWN;
	unsigned seq = segment_at(code, COUNTY_DIGITS);
	if (seq <= 99)
		return TOWNSHIP_KIND_SUBDISTRICT;
	if (seq <= 199)
		return TOWNSHIP_KIND_TOWN;
	if (seq <= 399)
		return TOWNSHIP_KIND_TOWNSHIP;
	if (seq <= 599)
		return TOWNSHIP_KIND_ZONE;
	return TOWNSHIP_KIND_UNKNOWN;
}

enum village_kind area_code_village_kind(const char *code)
{
	if (area_code_level(code) != AREA_LEVEL_VILLAGE)
		return VILLAGE_KIND_UNKNOWN;
	unsigned seq = segment_at(code, COUNTY_DIGITS + SEGMENT_DIGITS);
	if (seq <= 199)
		return VILLAGE_KIND_RESIDENTS;
	if (seq <= 399)
		return VILLAGE_KIND_VILLAGERS;
	return VILLAGE_KIND_UNKNOWN;
}
