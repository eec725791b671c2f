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
