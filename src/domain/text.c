/*
 * text — fold what people type into one canonical UTF-8 form.
 *
 * Design: one pass, one code point at a time. A strict decoder (RFC 3629)
 * either yields a code point or rejects the byte under the cursor, which is
 * then dropped alone, so one bad byte never swallows the valid characters after
 * it. Each code point is classified as dropped, a space, or kept (after the
 * full-width fold). Spaces are not written when seen: a flag remembers that one
 * is pending and it is written only in front of the next kept character, which
 * collapses runs and trims both ends without a second pass. Before writing, the
 * whole character (plus its pending space) must fit, so a short buffer cuts the
 * output at a character boundary.
 *
 * The decoder reads continuation bytes only while they look like continuation
 * bytes; the NUL terminator never does, so a NUL-terminated string can be
 * decoded without knowing its length and without reading past its end.
 */
#include "domain/text.h"

#include <stdint.h>

#define FULLWIDTH_FIRST 0xFF01u /* ！ */
#define FULLWIDTH_LAST 0xFF5Eu  /* ～ */
#define FULLWIDTH_OFFSET 0xFEE0u
#define IDEOGRAPHIC_SPACE 0x3000u
#define NBSP 0x00A0u
#define BOM 0xFEFFu

enum cls { CLS_DROP, CLS_SPACE, CLS_KEEP };

static bool is_cont(unsigned char b)
{
	return (b & 0xC0u) == 0x80u;
}

/* Decodes one code point from s (avail readable bytes, avail >= 1) into *cp.
 * Returns its length 1–4, or 0 when s does not start a well-formed sequence. */
static size_t decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
	unsigned char b = s[0];
	size_t len;
	uint32_t min;
	if (b < 0x80u) {
		*cp = b;
		return 1;
	}
	if (b >= 0xC2u && b <= 0xDFu) {
		len = 2, min = 0x80u, *cp = b & 0x1Fu;
	} else if (b >= 0xE0u && b <= 0xEFu) {
		len = 3, min = 0x800u, *cp = b & 0x0Fu;
	} else if (b >= 0xF0u && b <= 0xF4u) {
		len = 4, min = 0x10000u, *cp = b & 0x07u;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if (i >= avail || !is_cont(s[i]))
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3Fu);
	}
	if (*cp < min || *cp > 0x10FFFFu || (*cp >= 0xD800u && *cp <= 0xDFFFu))
		return 0;
	return len;
}

/* Classifies cp and folds full-width ASCII in place. */
static enum cls classify(uint32_t *cp)
{
	uint32_t c = *cp;
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
	    c == IDEOGRAPHIC_SPACE || c == NBSP)
		return CLS_SPACE;
	if (c < 0x20u || c == 0x7Fu || (c >= 0x200Bu && c <= 0x200Du) || c == BOM)
		return CLS_DROP;
	if (c >= FULLWIDTH_FIRST && c <= FULLWIDTH_LAST)
		*cp = c - FULLWIDTH_OFFSET;
	return CLS_KEEP;
}

/* UTF-8 encoding of cp (a valid scalar value) into buf; returns its length. */
static size_t encode(uint32_t cp, unsigned char buf[4])
{
	if (cp < 0x80u) {
		buf[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800u) {
		buf[0] = (unsigned char)(0xC0u | (cp >> 6));
		buf[1] = (unsigned char)(0x80u | (cp & 0x3Fu));
		return 2;
	}
	if (cp < 0x10000u) {
		buf[0] = (unsigned char)(0xE0u | (cp >> 12));
		buf[1] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
		buf[2] = (unsigned char)(0x80u | (cp & 0x3Fu));
		return 3;
	}
	buf[0] = (unsigned char)(0xF0u | (cp >> 18));
	buf[1] = (unsigned char)(0x80u | ((cp >> 12) & 0x3Fu));
	buf[2] = (unsigned char)(0x80u | ((cp >> 6) & 0x3Fu));
	buf[3] = (unsigned char)(0x80u | (cp & 0x3Fu));
	return 4;
}

size_t text_normalize(const char *in, char *out, size_t outsz)
{
	if (out == NULL || outsz == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)(in != NULL ? in : "");
	size_t n = 0;
	bool space = false;
	while (*s != '\0') {
		uint32_t cp;
		size_t used = decode(s, SIZE_MAX, &cp);
		s += used ? used : 1;
		enum cls c = used ? classify(&cp) : CLS_DROP;
		if (c == CLS_SPACE)
			space = n > 0;
		if (c != CLS_KEEP)
			continue;
		unsigned char buf[4];
		size_t len = encode(cp, buf);
		if (n + space + len >= outsz)
			break;
		if (space)
			out[n++] = ' ';
		for (size_t i = 0; i < len; i++)
			out[n++] = (char)buf[i];
		space = false;
	}
	out[n] = '\0';
	return n;
}

bool text_valid_utf8(const char *s, size_t len)
{
	if (s == NULL)
		return len == 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t used = decode(p + i, len - i, &cp);
		if (used == 0)
			return false;
		i += used;
	}
	return true;
}

bool text_fits(const char *s, size_t max)
{
	for (size_t i = 0; i <= max; i++)
		if (s[i] == '\0')
			return true;
	return false;
}
