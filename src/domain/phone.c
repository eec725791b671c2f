/*
 * phone — normalise and mask mainland mobile numbers.
 *
 * Design: two passes over at most PHONE_INPUT_MAX bytes. The first folds the
 * input into a small buffer holding only ASCII digits and '+', dropping
 * separators and rejecting any other byte, so the second pass (prefix and
 * pattern) never has to think about UTF-8. Accepting only a closed set of
 * characters is deliberate: "138 1234 5678 (home)" must fail loudly rather
 * than lose its note silently.
 *
 * The bare "86" prefix is only stripped when exactly 11 digits follow, because
 * that is the only length at which it cannot be part of the number itself.
 */
#include "domain/phone.h"

#include <string.h>

#include "domain/text.h"

/* Bytes of the UTF-8 full-width forms we fold (U+FFxx = EF BC xx for FF00–FF3F). */
#define FW_LEAD0 0xEF
#define FW_LEAD1 0xBC
#define FW_PLUS 0x8B  /* U+FF0B ＋ */
#define FW_MINUS 0x8D /* U+FF0D － */
#define FW_ZERO 0x90  /* U+FF10 ０ … U+FF19 ９ = 0x99 */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Folds the character at s to one ASCII byte in *c. Returns the number of
 * input bytes it used, or 0 when the character is not allowed in a number. */
static size_t fold_char(const unsigned char *s, char *c)
{
	if (is_digit((char)s[0]) || s[0] == '+' || s[0] == '-' || s[0] == ' ') {
		*c = (char)s[0];
		return 1;
	}
	if (s[0] == FW_LEAD0 && s[1] == FW_LEAD1) {
		if (s[2] >= FW_ZERO && s[2] <= FW_ZERO + 9) {
			*c = (char)('0' + (s[2] - FW_ZERO));
			return 3;
		}
		if (s[2] == FW_PLUS || s[2] == FW_MINUS) {
			*c = s[2] == FW_PLUS ? '+' : '-';
			return 3;
		}
	}
	if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { /* U+3000 ideographic space */
		*c = ' ';
		return 3;
	}
	return 0;
}

/* Copies the digits and '+' of in into buf (at least PHONE_INPUT_MAX + 1
 * bytes), dropping separators. Returns the count, or -1 on a disallowed
 * character. The caller has checked that in is at most PHONE_INPUT_MAX bytes. */
static int fold(const char *in, char *buf)
{
	const unsigned char *s = (const unsigned char *)in;
	int n = 0;
	while (*s != '\0') {
		char c;
		size_t used = fold_char(s, &c);
		if (used == 0)
			return -1;
		s += used;
		if (c != ' ' && c != '-')
			buf[n++] = c;
	}
	buf[n] = '\0';
	return n;
}

/* Offset of the 11-digit number in folded buf of length n, or -1. */
static int prefix_len(const char *buf, int n)
{
	if (n == PHONE_LEN + 3 && memcmp(buf, "+86", 3) == 0)
		return 3;
	if (n == PHONE_LEN + 4 && memcmp(buf, "0086", 4) == 0)
		return 4;
	if (n == PHONE_LEN + 2 && memcmp(buf, "86", 2) == 0)
		return 2;
	if (n == PHONE_LEN)
		return 0;
	return -1;
}

static bool is_mobile(const char *p)
{
	if (p[0] != '1' || p[1] < '3' || p[1] > '9')
		return false;
	for (int i = 2; i < PHONE_LEN; i++)
		if (!is_digit(p[i]))
			return false;
	return true;
}

bool phone_normalize(const char *in, char out[PHONE_LEN + 1])
{
	char buf[PHONE_INPUT_MAX + 1];
	if (out == NULL)
		return false;
	out[0] = '\0';
	if (in == NULL || !text_fits(in, PHONE_INPUT_MAX))
		return false;
	int n = fold(in, buf);
	int at = n < 0 ? -1 : prefix_len(buf, n);
	if (at < 0 || !is_mobile(buf + at))
		return false;
	memcpy(out, buf + at, PHONE_LEN);
	out[PHONE_LEN] = '\0';
	return true;
}

void phone_mask(const char *phone, char out[PHONE_LEN + 1])
{
	bool ok = phone != NULL;
	for (int i = 0; ok && i < PHONE_LEN; i++)
		ok = is_digit(phone[i]);
	if (!ok || phone[PHONE_LEN] != '\0') {
		memcpy(out, "****", 5);
		return;
	}
	memcpy(out, phone, 3);
	memcpy(out + 3, "****", 4);
	memcpy(out + 7, phone + 7, 4);
	out[PHONE_LEN] = '\0';
}

/* ---- fixed lines ---- */

#define LOCAL_MIN 7
#define LOCAL_MAX 8
#define EXT_MAX 6

/* What stands between two digits of a fixed-line number. */
enum brk { BRK_NONE, BRK_SPACE, BRK_HYPHEN, BRK_EXT };

enum tok { TOK_BAD, TOK_DIGIT, TOK_SPACE, TOK_HYPHEN, TOK_OPEN, TOK_CLOSE, TOK_EXT };

static bool starts(const unsigned char *s, const char *word)
{
	return strncmp((const char *)s, word, strlen(word)) == 0;
}

/* Reads one token at s into *t (and the digit into *c); returns the bytes used. */
static size_t office_tok(const unsigned char *s, enum tok *t, char *c)
{
	static const struct {
		const char *text;
		enum tok tok;
	} words[] = {
		{"(", TOK_OPEN},
		{"\xEF\xBC\x88", TOK_OPEN}, /* （ */
		{")", TOK_CLOSE},
		{"\xEF\xBC\x89", TOK_CLOSE}, /* ） */
		{"\xE8\xBD\xAC", TOK_EXT},
		{"\xE5\x88\x86\xE6\x9C\xBA", TOK_EXT}, /* 转 分机 */
		{"#", TOK_EXT},
		{"ext.", TOK_EXT},
		{"ext", TOK_EXT},
		{"EXT.", TOK_EXT},
		{"EXT", TOK_EXT},
		{"Ext.", TOK_EXT},
		{"Ext", TOK_EXT},
	};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (starts(s, words[i].text)) {
			*t = words[i].tok;
			return strlen(words[i].text);
		}
	size_t used = fold_char(s, c);
	*t = used == 0 || *c == '+' ? TOK_BAD
	     : *c == ' '            ? TOK_SPACE
	     : *c == '-'            ? TOK_HYPHEN
				    : TOK_DIGIT;
	return used == 0 ? 1 : used;
}

/* The digits of a fixed line, each with the break before it; close_at is the
 * digit count at a ')' (-1 when none). */
struct office_digits {
	char d[PHONE_INPUT_MAX + 1];
	enum brk before[PHONE_INPUT_MAX + 1];
	int n, close_at;
};

static bool office_scan(const char *in, struct office_digits *o)
{
	const unsigned char *s = (const unsigned char *)in;
	enum brk pending = BRK_NONE;
	bool opened = false;

	o->n = 0;
	o->close_at = -1;
	while (*s != '\0') {
		enum tok t;
		char c = 0;
		s += office_tok(s, &t, &c);
		switch (t) {
		case TOK_BAD: return false;
		case TOK_DIGIT:
			o->before[o->n] = o->n == 0 ? BRK_NONE : pending;
			o->d[o->n++] = c;
			pending = BRK_NONE;
			break;
		case TOK_OPEN: /* only around the area code, at the start */
			if (opened || o->n > 0)
				return false;
			opened = true;
			break;
		case TOK_CLOSE:
			if (!opened || o->close_at >= 0)
				return false;
			o->close_at = o->n;
			pending = pending > BRK_SPACE ? pending : BRK_SPACE;
			break;
		case TOK_SPACE:
		case TOK_HYPHEN:
		case TOK_EXT: {
			enum brk b = t == TOK_SPACE    ? BRK_SPACE
				     : t == TOK_HYPHEN ? BRK_HYPHEN
						       : BRK_EXT;
			pending = b > pending ? b : pending;
			break;
		}
		}
	}
	/* A trailing extension mark without digits, or an unclosed parenthesis. */
	return pending != BRK_EXT && opened == (o->close_at >= 0);
}

/* Writes the fixed line with a local number of len digits to out, or returns false. */
static bool office_fit(const struct office_digits *o, int area, int len,
		       char out[PHONE_OFFICE_MAX + 1])
{
	int end = area + len, ext = o->n - end;
	if (ext < 0 || ext > EXT_MAX || o->d[area] < '2')
		return false;
	for (int i = 1; i < area; i++) /* the area code is written in one piece */
		if (o->before[i] != BRK_NONE)
			return false;
	for (int i = area; i < end; i++) /* the number may be spaced, not extended */
		if (o->before[i] == BRK_EXT)
			return false;
	if (ext > 0 && o->before[end] != BRK_HYPHEN && o->before[end] != BRK_EXT)
		return false;
	for (int i = end + 1; i < o->n; i++)
		if (o->before[i] != BRK_NONE)
			return false;
	memcpy(out, o->d, (size_t)area);
	out[area] = '-';
	memcpy(out + area + 1, o->d + area, (size_t)len);
	int at = area + 1 + len;
	if (ext > 0) {
		out[at++] = '-';
		memcpy(out + at, o->d + end, (size_t)ext);
		at += ext;
	}
	out[at] = '\0';
	return true;
}

bool phone_office_normalize(const char *in, char out[PHONE_OFFICE_MAX + 1])
{
	char mobile[PHONE_LEN + 1];
	struct office_digits o;

	if (out == NULL)
		return false;
	out[0] = '\0';
	if (in == NULL || !text_fits(in, PHONE_INPUT_MAX))
		return false;
	if (phone_normalize(in, mobile)) {
		memcpy(out, mobile, PHONE_LEN + 1);
		return true;
	}
	if (!office_scan(in, &o) || o.n < 3 || o.d[0] != '0' || o.d[1] == '0')
		return false;
	int area = o.d[1] == '1' || o.d[1] == '2' ? 3 : 4;
	if (o.close_at >= 0 && o.close_at != area)
		return false;
	if (office_fit(&o, area, LOCAL_MAX, out) || office_fit(&o, area, LOCAL_MIN, out))
		return true;
	out[0] = '\0';
	return false;
}
