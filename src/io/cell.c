/* cell — see cell.h. Two checks on the cell's first characters and, only for a cell that
 * begins like a formula, one scan for the number pattern; no allocation. */
#include "io/cell.h"

#include <string.h>

/* Leading spaces a spreadsheet may trim before it looks for '=': ASCII space, U+3000
 * (ideographic space), U+00A0 (no-break space). */
static const char *skip_spaces(const char *s)
{
	for (;;) {
		if (*s == ' ')
			s++;
		else if (!strncmp(s, "\xE3\x80\x80", 3))
			s += 3;
		else if (!strncmp(s, "\xC2\xA0", 2))
			s += 2;
		else
			return s;
	}
}

static bool starts_like_formula(const char *s)
{
	static const char *const fullwidth[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
						"\xEF\xBC\xA0"}; /* ＝ ＋ － ＠ */

	if (*s && strchr("=+-@\t\r\n", *s))
		return true;
	for (size_t i = 0; i < sizeof fullwidth / sizeof fullwidth[0]; i++)
		if (!strncmp(s, fullwidth[i], 3))
			return true;
	return false;
}

/* ^[+-]?[0-9][0-9 -]*$ */
static bool is_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == ' ' || *s == '-'))
			return false;
	return true;
}

bool cell_is_live(const char *s)
{
	return s && starts_like_formula(skip_spaces(s)) && !is_number(s);
}

const char *cell_prefix(const char *s)
{
	return cell_is_live(s) ? "'" : "";
}
