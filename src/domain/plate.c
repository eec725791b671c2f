/*
 * plate — GA 36-2018 plates: fold what was typed to one form, then match it against the
 * shape of each kind.
 *
 * Design: text_normalize does the folding the rest of the domain shares (full-width forms to
 * ASCII, odd spaces to a space, zero-width characters and bad bytes dropped); this module
 * then drops the separators people put inside a plate ("苏A·12345", "苏 A-12345") and
 * upper-cases ASCII letters. What is left of a plate is at most one Chinese character in
 * front (a province or 使), ASCII in the middle, and at most one Chinese character at the end
 * (挂 学 警 港 澳 领 使); every kind is a pattern over the middle. The alphabet is closed:
 * any other character fails, so "苏D12345（货）" is refused rather than read as a plate.
 */
#include "domain/plate.h"

#include <string.h>

#include "domain/text.h"

/* In the order of their division codes, codes[] beside it. */
const char *const plate_provinces[] = {
	"京", "津", "冀", "晋", "蒙", "辽", "吉", "黑", "沪", "苏", "浙",
	"皖", "闽", "赣", "鲁", "豫", "鄂", "湘", "粤", "桂", "琼", "渝",
	"川", "贵", "云", "藏", "陕", "甘", "青", "宁", "新", NULL,
};

static const char codes[][3] = {
	"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33",
	"34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
	"51", "52", "53", "54", "61", "62", "63", "64", "65",
};

_Static_assert(sizeof plate_provinces / sizeof plate_provinces[0] ==
		       sizeof codes / sizeof codes[0] + 1,
	       "every province has its code");

#define ZH_LEN 3 /* every Chinese character of a plate is 3 bytes in UTF-8 */

static const struct {
	const char *zh;
	enum plate_kind kind;
} suffixes[] = {
	{"挂", PLATE_TRAILER}, {"学", PLATE_COACH}, {"警", PLATE_POLICE},
	{"港", PLATE_HK},      {"澳", PLATE_MACAO}, {"领", PLATE_CONSULATE},
};

static const char *const kind_names[] = {
	[PLATE_ORDINARY] = "ordinary",   [PLATE_NEW_ENERGY] = "new_energy",
	[PLATE_TRAILER] = "trailer",     [PLATE_COACH] = "coach",
	[PLATE_POLICE] = "police",       [PLATE_HK] = "hk",
	[PLATE_MACAO] = "macao",         [PLATE_EMBASSY] = "embassy",
	[PLATE_CONSULATE] = "consulate",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* I and O are never used: they read as 1 and 0. */
static bool is_letter(char c)
{
	return c >= 'A' && c <= 'Z' && c != 'I' && c != 'O';
}

static bool is_serial(char c)
{
	return is_digit(c) || is_letter(c);
}

static bool is_df(char c)
{
	return c == 'D' || c == 'F';
}

static bool all(const char *s, size_t n, bool (*ok)(char))
{
	for (size_t i = 0; i < n; i++)
		if (!ok(s[i]))
			return false;
	return true;
}

/* Bytes of the separator at s: space, "-", ".", "·" (U+00B7), "•" (U+2022), "・" (U+30FB,
 * the middle dot of a Japanese-style IME); 0 when s is not one. */
static size_t separator(const char *s)
{
	static const char *const seps[] = {" ", "-", ".", "\u00b7", "\u2022", "\u30fb"};

	for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
		if (!strncmp(s, seps[i], strlen(seps[i])))
			return strlen(seps[i]);
	return 0;
}

/* Copies in to out (PLATE_MAX bytes) without separators, ASCII letters upper-cased. False,
 * with out "", when that does not fit. */
static bool strip(const char *in, char *out)
{
	size_t n = 0;

	while (*in) {
		size_t sep = separator(in);
		if (sep) {
			in += sep;
			continue;
		}
		if (n + 1 >= PLATE_MAX) {
			out[0] = '\0';
			return false;
		}
		out[n++] = *in >= 'a' && *in <= 'z' ? (char)(*in - 'a' + 'A') : *in;
		in++;
	}
	out[n] = '\0';
	return true;
}

/* The index of the province whose abbreviation starts s, or -1. */
static int province_at(const char *s)
{
	for (int i = 0; plate_provinces[i]; i++)
		if (!strncmp(s, plate_provinces[i], ZH_LEN))
			return i;
	return -1;
}

/* The kind of a plate whose province is the i-th and whose ASCII middle is the m bytes at
 * mid, followed by the Chinese character tail (NULL when none); -1 when there is none. */
static int provincial_kind(int i, const char *mid, size_t m, const char *tail)
{
	if (m < 1 || !is_letter(mid[0]))
		return -1;
	if (!tail) {
		if (m == 6 && all(mid + 1, 5, is_serial))
			return PLATE_ORDINARY;
		if (m == 7 && is_df(mid[1]) && is_serial(mid[2]) && all(mid + 3, 4, is_digit))
			return PLATE_NEW_ENERGY; /* small: 苏AD12345, 苏AF1K234 */
		if (m == 7 && all(mid + 1, 5, is_digit) && is_df(mid[6]))
			return PLATE_NEW_ENERGY; /* large: 苏A12345D */
		return -1;
	}
	if (m != 5 || !all(mid + 1, 4, is_serial))
		return -1;
	for (size_t k = 0; k < sizeof suffixes / sizeof suffixes[0]; k++) {
		enum plate_kind kind = suffixes[k].kind;
		if (strncmp(tail, suffixes[k].zh, ZH_LEN))
			continue;
		/* Cross-boundary plates of Hong Kong and Macao cars are issued in Guangdong as 粤Z.
		 */
		if ((kind == PLATE_HK || kind == PLATE_MACAO) &&
		    (strcmp(plate_provinces[i], "粤") || mid[0] != 'Z'))
			return -1;
		return (int)kind;
	}
	return -1;
}

/* Matches the normalised text t; fills out's province and kind when it is a plate. */
static bool match(const char *t, struct plate *out)
{
	size_t m = strlen(t);
	const char *lead = NULL, *tail = NULL, *mid = t;
	int prov, kind;

	if (m >= ZH_LEN && (unsigned char)t[0] >= 0x80) {
		lead = t;
		mid += ZH_LEN;
		m -= ZH_LEN;
	}
	if (m >= ZH_LEN && (unsigned char)mid[m - 1] >= 0x80) {
		m -= ZH_LEN;
		tail = mid + m;
	}
	for (size_t i = 0; i < m; i++)
		if ((unsigned char)mid[i] >= 0x80)
			return false;
	/* 使014578 (old) or 224001使 (country code, serial) */
	if ((lead && !tail && !strncmp(lead, "使", ZH_LEN)) ||
	    (!lead && tail && !strncmp(tail, "使", ZH_LEN))) {
		out->kind = PLATE_EMBASSY;
		return m == 6 && all(mid, 6, is_digit);
	}
	if (!lead || (prov = province_at(lead)) < 0 ||
	    (kind = provincial_kind(prov, mid, m, tail)) < 0)
		return false;
	memcpy(out->province, plate_provinces[prov], ZH_LEN + 1);
	memcpy(out->province_code, codes[prov], sizeof out->province_code);
	out->kind = (enum plate_kind)kind;
	return true;
}

bool plate_parse(const char *in, struct plate *out)
{
	char buf[PLATE_INPUT_MAX + 1];
	bool fits = in && text_fits(in, PLATE_INPUT_MAX), ok;
	bool utf8 = fits && text_valid_utf8(in, strlen(in));

	/* in is read before out is written: plate_parse(p.text, &p) reads p's own text */
	if (fits) /* text_normalize never lengthens: each form it folds becomes as many bytes or
		     fewer */
		text_normalize(in, buf, sizeof buf);
	memset(out, 0, sizeof *out);
	ok = fits && strip(buf, out->text) && utf8 && match(out->text, out);
	if (!ok) {
		out->province[0] = out->province_code[0] = '\0';
		out->kind = PLATE_ORDINARY;
	}
	return ok;
}

const char *plate_province_code(const char *abbr)
{
	if (!abbr)
		return NULL;
	for (int i = 0; plate_provinces[i]; i++)
		if (!strcmp(abbr, plate_provinces[i]))
			return codes[i];
	return NULL;
}

const char *plate_kind_name(enum plate_kind k)
{
	if ((unsigned)k >= sizeof kind_names / sizeof kind_names[0])
		return "";
	return kind_names[k];
}
