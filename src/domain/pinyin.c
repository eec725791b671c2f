/*
 * pinyin — the initials of a name, from a sorted table of code points (binary search).
 */
#include "domain/pinyin.h"

#include <string.h>

#include "domain/pinyin_table.h"

_Static_assert(sizeof pinyin_cp / sizeof pinyin_cp[0] == sizeof pinyin_ini - 1,
	       "one initial per code point");

#define NAME_INITIALS_MAX 64

char pinyin_initial(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (char)(cp - 'A' + 'a');
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
		return (char)cp;
	size_t lo = 0, hi = sizeof pinyin_cp / sizeof pinyin_cp[0];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pinyin_cp[mid] == cp)
			return pinyin_ini[mid];
		if (pinyin_cp[mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Decodes one UTF-8 character at s into *cp; returns its length (1 for a stray byte). */
static size_t utf8_next(const unsigned char *s, unsigned *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
		return 2;
	}
	if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x0F) << 12 | (unsigned)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		return 3;
	}
	if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 &&
	    (s[3] & 0xC0) == 0x80) {
		*cp = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3F) << 12 |
		      (unsigned)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		return 4;
	}
	*cp = 0xFFFD;
	return 1;
}

size_t pinyin_initials(const char *s, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (cap == 0)
		return 0;
	while (p && *p && n + 1 < cap) {
		unsigned cp;
		p += utf8_next(p, &cp);
		char c = pinyin_initial(cp);
		if (c)
			out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/* Whether q is ASCII letters only, folded to lower case into low. */
static bool letters(const char *q, char *low, size_t cap)
{
	size_t n = 0;
	for (; *q; q++) {
		char c = *q;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c < 'a' || c > 'z' || n + 1 >= cap)
			return false;
		low[n++] = c;
	}
	low[n] = '\0';
	return n > 0;
}

int pinyin_name_match(const char *name, const char *q)
{
	char ini[NAME_INITIALS_MAX], low[NAME_INITIALS_MAX];
	const char *at;

	if (!name || !q || !*q)
		return 0;
	if ((at = strstr(name, q)))
		return at == name ? 1 : 2;
	if (!letters(q, low, sizeof low))
		return 0;
	pinyin_initials(name, ini, sizeof ini);
	if ((at = strstr(ini, low)))
		return at == ini ? 3 : 4;
	return 0;
}
