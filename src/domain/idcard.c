/*
 * idcard — parse, check and mask identity document numbers.
 *
 * Design: every input first goes through text_normalize (full-width digits,
 * IME spaces, tabs that CSV exporters prepend to keep Excel off the number),
 * then all spaces go and letters are upper-cased, into a small fixed buffer.
 * Inputs longer than ID_INPUT_MAX bytes are refused before any of that, so a
 * hostile 10 KB cell costs one bounded scan.
 *
 * The 18-character family is then judged defect by defect, most telling first.
 * Excel damage is recognised before the character check because its forms
 * ("3.20116E+17") would otherwise be reported as mere bad characters, and the
 * fix is different: the cell must be re-typed as text, not corrected. An
 * 18-digit number ending in "000" whose check fails is the other face of the
 * same damage (Excel keeps 15 significant digits); when such a number happens
 * to pass the check we cannot tell and accept it.
 *
 * The check character is tested before the birth date: when the check fails
 * the number has a typo somewhere, and a date read from it means nothing.
 *
 * Birth dates from 1800-01-01 are accepted, not from 1900: DOMAIN.md lists
 * 440524188001010014 (born 1880) as a valid example, and old registers do
 * hold such numbers. The address code is never looked up: numbers keep the
 * code of a county that has since merged or been renamed.
 *
 * A 15-digit legacy number holds YYMMDD and no check character; the century is
 * always 19 (these numbers were issued from 1984 to 2004 to people born in the
 * 1900s), and the upgrade inserts "19" and appends the computed check.
 *
 * A mask is judged by what it leaves open together with everything else a
 * reader sees beside it (sex, birth year), not by how many stars it has:
 * idcard_mask_candidates counts the numbers still possible, by enumerating the
 * birth dates and carrying the other hidden digits as a distribution of
 * weighted sums mod 11, so the check character is accounted for exactly.
 */
#include "domain/idcard.h"

#include <stdint.h>
#include <string.h>

#include "domain/text.h"

#define ID_LEN 18
#define ID_LEGACY_LEN 15
#define BIRTH_MIN 18000101

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

struct defect_text {
	const char *code, *zh, *en;
};

static const struct defect_text defects[] = {
	[ID_OK] = {"id.ok", "证件号码有效", "valid document number"},
	[ID_EMPTY] = {"id.empty", "证件号码为空", "document number is empty"},
	[ID_BAD_LENGTH] = {"id.length", "证件号码长度错误", "document number has the wrong length"},
	[ID_BAD_CHARS] = {"id.chars", "证件号码含有无效字符",
			  "document number contains invalid characters"},
	[ID_BAD_CHECK] = {"id.check", "身份证号校验位错误", "wrong ID check character"},
	[ID_BAD_BIRTH_DATE] = {"id.birth_date", "身份证号中的出生日期无效",
			       "impossible birth date in ID number"},
	[ID_FUTURE_BIRTH] = {"id.future_birth", "身份证号中的出生日期晚于今天",
			     "birth date in ID number is in the future"},
	[ID_NUMBER_MANGLED] = {"id.mangled",
			       "身份证号被Excel存成了数字，末几位已丢失，请按文本格式重新录入",
			       "Excel stored the ID number as a number and lost its last digits; "
			       "re-enter it as text"},
	[ID_LEGACY_15_UPGRADED] = {"id.legacy_15", "15位旧身份证号已升级为18位",
				   "15-digit legacy ID number upgraded to 18 digits"},
};

static const struct defect_text unknown_defect = {"id.unknown", "证件号码无效",
						  "invalid document number"};

static const char *const doc_names[] = {
	[ID_DOC_NONE] = "none",           [ID_DOC_RESIDENT] = "resident",
	[ID_DOC_PERMIT_HK] = "permit_hk", [ID_DOC_PERMIT_MO] = "permit_mo",
	[ID_DOC_PERMIT_TW] = "permit_tw", [ID_DOC_PASSPORT] = "passport",
	[ID_DOC_HKMO_PASS] = "hkmo_pass", [ID_DOC_TW_PASS] = "tw_pass",
	[ID_DOC_OTHER] = "other",
};

/* Labels seen in registers and import templates, after text_normalize. */
static const struct {
	const char *label;
	enum id_doc doc;
} doc_labels[] = {
	{"身份证", ID_DOC_RESIDENT},
	{"居民身份证", ID_DOC_RESIDENT},
	{"身份证号", ID_DOC_RESIDENT},
	{"身份证号码", ID_DOC_RESIDENT},
	{"二代身份证", ID_DOC_RESIDENT},
	{"港澳居民居住证", ID_DOC_PERMIT_HK}, /* HK or Macau: the 81/82 prefix decides */
	{"香港居民居住证", ID_DOC_PERMIT_HK},
	{"澳门居民居住证", ID_DOC_PERMIT_MO},
	{"台湾居民居住证", ID_DOC_PERMIT_TW},
	{"护照", ID_DOC_PASSPORT},
	{"中国护照", ID_DOC_PASSPORT},
	{"外国护照", ID_DOC_PASSPORT},
	{"港澳通行证", ID_DOC_HKMO_PASS},
	{"往来港澳通行证", ID_DOC_HKMO_PASS},
	{"港澳居民来往内地通行证", ID_DOC_HKMO_PASS},
	{"回乡证", ID_DOC_HKMO_PASS},
	{"台胞证", ID_DOC_TW_PASS},
	{"台湾通行证", ID_DOC_TW_PASS},
	{"台湾居民来往大陆通行证", ID_DOC_TW_PASS},
	{"大陆居民往来台湾通行证", ID_DOC_TW_PASS},
	{"其他", ID_DOC_OTHER},
	{"其它", ID_DOC_OTHER},
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z');
}

static char to_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Value of the n digits at s; the caller has checked they are digits. */
static int digits_value(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool real_date(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

/* Normalises in into buf (ID_INPUT_MAX + 1 bytes): text_normalize, then
 * spaces removed, letters upper-cased, one leading apostrophe dropped.
 * Returns the length. */
static size_t clean(const char *in, char *buf)
{
	size_t n = text_normalize(in, buf, ID_INPUT_MAX + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (buf[i] != ' ' && !(i == 0 && buf[i] == '\''))
			buf[j++] = to_upper(buf[i]);
	buf[j] = '\0';
	return j;
}

/* True for a decimal number as Excel displays or exports it: digits with a
 * decimal point and/or an exponent ("3.20116E+17", "3.20116E17",
 * "320116194912310000.0"). Plain digits are not this. */
static bool looks_like_float(const char *s)
{
	size_t i = 0, int_digits = 0;
	bool point = false, exponent = false;
	while (is_digit(s[i]))
		i++, int_digits++;
	if (int_digits == 0)
		return false;
	if (s[i] == '.') {
		point = true;
		i++;
		while (is_digit(s[i]))
			i++;
	}
	if (s[i] == 'E') {
		exponent = true;
		i++;
		if (s[i] == '+')
			i++;
		if (!is_digit(s[i]))
			return false;
		while (is_digit(s[i]))
			i++;
	}
	return s[i] == '\0' && (point || exponent);
}

bool idcard_check_char(const char *first17, char *out)
{
	if (first17 == NULL || out == NULL)
		return false;
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		if (!is_digit(first17[i]))
			return false;
		sum += (first17[i] - '0') * weights[i];
	}
	*out = check_chars[sum % 11];
	return true;
}

static enum id_doc doc_from_prefix(const char *number)
{
	if (number[0] == '8' && number[1] >= '1' && number[1] <= '3')
		return (enum id_doc)(ID_DOC_PERMIT_HK + (number[1] - '1'));
	return ID_DOC_RESIDENT;
}

/* Birth date check of the 8 digits at s; fills out on success. */
static enum id_defect check_birth(const char *s, int today, struct id_result *out)
{
	int y = digits_value(s, 4), m = digits_value(s + 4, 2), d = digits_value(s + 6, 2);
	int ymd = y * 10000 + m * 100 + d;
	if (!real_date(y, m, d) || ymd < BIRTH_MIN)
		return ID_BAD_BIRTH_DATE;
	if (today > 0 && ymd > today)
		return ID_FUTURE_BIRTH;
	out->birth_y = y;
	out->birth_m = m;
	out->birth_d = d;
	return ID_OK;
}

/* Judges the 18-character number in out->number. */
static enum id_defect judge18(int today, struct id_result *out)
{
	const char *num = out->number;
	char check;
	if (!idcard_check_char(num, &check))
		return ID_BAD_CHARS;
	if (check != num[17])
		return memcmp(num + 15, "000", 3) == 0 ? ID_NUMBER_MANGLED : ID_BAD_CHECK;
	enum id_defect d = check_birth(num + 6, today, out);
	if (d != ID_OK)
		return d;
	out->sex = (num[16] - '0') % 2 ? 'M' : 'F';
	memcpy(out->region, num, 6);
	out->region[6] = '\0';
	return ID_OK;
}

/* Upgrades the 15-digit number in out->number in place and judges it. */
static enum id_defect judge15(int today, struct id_result *out)
{
	char *num = out->number;
	char birth[8] = {'1', '9'};
	memcpy(birth + 2, num + 6, 6);
	enum id_defect d = check_birth(birth, today, out);
	if (d != ID_OK)
		return d;
	memmove(num + 8, num + 6, 9);
	memcpy(num + 6, "19", 2);
	idcard_check_char(num, &num[17]);
	num[ID_LEN] = '\0';
	out->sex = (num[16] - '0') % 2 ? 'M' : 'F';
	memcpy(out->region, num, 6);
	out->region[6] = '\0';
	return ID_LEGACY_15_UPGRADED;
}

static enum id_defect parse_resident(const char *s, size_t n, int today, struct id_result *out)
{
	if (looks_like_float(s))
		return ID_NUMBER_MANGLED;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]) && !(s[i] == 'X' && i + 1 == n))
			return ID_BAD_CHARS;
	if (n != ID_LEN && n != ID_LEGACY_LEN)
		return ID_BAD_LENGTH;
	out->doc = doc_from_prefix(s);
	if (n == ID_LEGACY_LEN && !all_digits(s, n))
		return ID_BAD_CHARS;
	return n == ID_LEN ? judge18(today, out) : judge15(today, out);
}

static enum id_defect parse_other(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_upper_alnum(s[i]))
			return ID_BAD_CHARS;
	if (n < ID_OTHER_MIN || n > ID_OTHER_MAX)
		return ID_BAD_LENGTH;
	return ID_OK;
}

static bool resident_family(enum id_doc d)
{
	return d == ID_DOC_NONE || d == ID_DOC_RESIDENT || d == ID_DOC_PERMIT_HK ||
	       d == ID_DOC_PERMIT_MO || d == ID_DOC_PERMIT_TW || (unsigned)d > ID_DOC_OTHER;
}

static void clear_identity(struct id_result *out)
{
	out->birth_y = out->birth_m = out->birth_d = 0;
	out->sex = 0;
	out->region[0] = '\0';
}

void idcard_parse(const char *input, enum id_doc doc_hint, int today, struct id_result *out)
{
	char buf[ID_INPUT_MAX + 1];
	if (out == NULL)
		return;
	memset(out, 0, sizeof *out);
	bool resident = resident_family(doc_hint);
	out->doc = resident ? ID_DOC_RESIDENT : doc_hint;
	if (input == NULL) {
		out->defect = ID_EMPTY;
		return;
	}
	if (!text_fits(input, ID_INPUT_MAX)) {
		out->defect = ID_BAD_LENGTH;
		return;
	}
	size_t n = clean(input, buf);
	if (n == 0) {
		out->defect = ID_EMPTY;
		return;
	}
	size_t keep = n < ID_NUMBER_MAX ? n : ID_NUMBER_MAX;
	memcpy(out->number, buf, keep);
	out->number[keep] = '\0';
	out->defect = resident ? parse_resident(buf, n, today, out) : parse_other(buf, n);
	if (!idcard_ok(out))
		clear_identity(out);
}

bool idcard_ok(const struct id_result *r)
{
	return r != NULL && (r->defect == ID_OK || r->defect == ID_LEGACY_15_UPGRADED);
}

void idcard_mask(const char *number, char *out, size_t outsz)
{
	if (out == NULL || outsz == 0)
		return;
	size_t n = 0;
	bool ok = number != NULL;
	while (ok && number[n] != '\0' && n <= ID_NUMBER_MAX)
		ok = is_upper_alnum(to_upper(number[n++]));
	const char *mask = "****";
	if (!ok || n == 0 || n > ID_NUMBER_MAX) {
		if (outsz > strlen(mask))
			memcpy(out, mask, strlen(mask) + 1);
		else
			out[0] = '\0';
		return;
	}
	if (outsz <= n) {
		out[0] = '\0';
		return;
	}
	size_t head = n >= 15 ? 6 : n >= 5 ? 1 : 0, tail = n >= 8 && n < 15 ? 1 : 0;
	for (size_t i = 0; i < n; i++)
		out[i] = (i < head || i >= n - tail) ? number[i] : '*';
	out[n] = '\0';
}

/* The date `days` days before ymd (a real date). */
static int days_before(int ymd, int days)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	for (; days > 0; days--) {
		if (--d > 0)
			continue;
		if (--m == 0) {
			m = 12;
			y--;
		}
		d = mdays[m - 1] + (m == 2 && is_leap(y));
	}
	return y * 10000 + m * 100 + d;
}

int idcard_birth_year_shown(int birth, int today)
{
	int y = birth / 10000;
	if (!real_date(y, birth / 100 % 100, birth % 100) ||
	    !real_date(today / 10000, today / 100 % 100, today % 100) || birth > today)
		return 0;
	return y < days_before(today, 30) / 10000 ? y : 0;
}

/* ---- counting what a mask leaves open ---- */

/* Number of assignments of the non-date positions (region 0–5, sequence 14–16) of an
 * 18-character pattern per weighted sum mod 11. */
static void region_sequence_sums(const char *pat, char sex, uint64_t dist[11])
{
	static const int pos[] = {0, 1, 2, 3, 4, 5, 14, 15, 16};
	memset(dist, 0, 11 * sizeof *dist);
	dist[0] = 1;
	for (size_t k = 0; k < sizeof pos / sizeof pos[0]; k++) {
		uint64_t next[11] = {0};
		int i = pos[k];
		for (int digit = 0; digit <= 9; digit++) {
			if (pat[i] != '*' && pat[i] - '0' != digit)
				continue;
			if (i == 16 && sex && (digit % 2 == 1) != (sex == 'M'))
				continue;
			for (int r = 0; r < 11; r++)
				next[(r + digit * weights[i]) % 11] += dist[r];
		}
		memcpy(dist, next, sizeof next);
	}
}

/* Weighted sum mod 11 of the 8 birth digits when the date fits the pattern, else -1. */
static int date_sum(const char *pat, int ymd)
{
	int sum = 0;
	for (int i = 13; i >= 6; i--, ymd /= 10) {
		int digit = ymd % 10;
		if (pat[i] != '*' && pat[i] - '0' != digit)
			return -1;
		sum += digit * weights[i];
	}
	return sum % 11;
}

static uint64_t count18(const char *pat, int from, int to, char sex)
{
	uint64_t dist[11], all = 0, n = 0;
	const char *check = pat[17] == '*' ? NULL : strchr(check_chars, pat[17]);
	region_sequence_sums(pat, sex, dist);
	for (int r = 0; r < 11; r++)
		all += dist[r];
	for (int y = from / 10000; y <= to / 10000; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= 31 && real_date(y, m, d); d++) {
				int ymd = y * 10000 + m * 100 + d, s;
				if (ymd < from || ymd > to || (s = date_sum(pat, ymd)) < 0)
					continue;
				/* the check makes the full sum ≡ its index (mod 11) */
				n += check ? dist[((check - check_chars) - s + 22) % 11] : all;
			}
	return n;
}

static bool pattern_ok(const char *pat, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (pat[i] != '*' && !is_digit(pat[i]) && !(pat[i] == 'X' && i == 17))
			return false;
	return true;
}

uint64_t idcard_mask_candidates(const struct idcard_view *v)
{
	char pat[ID_LEN + 1];
	size_t n;
	int from, to;

	if (v == NULL || v->pattern == NULL || !text_fits(v->pattern, ID_NUMBER_MAX))
		return 0;
	n = strlen(v->pattern);
	if (n != ID_LEN && n != ID_LEGACY_LEN) {
		uint64_t c = 1;
		for (size_t i = 0; i < n; i++) {
			if (v->pattern[i] != '*' && !is_upper_alnum(v->pattern[i]))
				return 0;
			if (v->pattern[i] == '*')
				c = c > UINT64_MAX / 10 ? UINT64_MAX : c * 10;
		}
		return n ? c : 0;
	}
	if (n == ID_LEGACY_LEN) { /* 19YYMMDD, no check character */
		memcpy(pat, v->pattern, 6);
		memcpy(pat + 6, "19", 2);
		memcpy(pat + 8, v->pattern + 6, 9);
		pat[17] = '*';
	} else {
		memcpy(pat, v->pattern, ID_LEN);
	}
	pat[ID_LEN] = '\0';
	from = v->born_from > BIRTH_MIN ? v->born_from : BIRTH_MIN;
	to = v->born_to > 0 && v->born_to < 99991231 ? v->born_to : 99991231;
	if (n == ID_LEGACY_LEN) {
		from = from > 19000101 ? from : 19000101;
		to = to < 19991231 ? to : 19991231;
	}
	if (!pattern_ok(pat, ID_LEN) || from > to)
		return 0;
	return count18(pat, from, to, v->sex == 'M' || v->sex == 'F' ? v->sex : 0);
}

static const struct defect_text *defect_text(enum id_defect d)
{
	if ((unsigned)d >= sizeof defects / sizeof defects[0])
		return &unknown_defect;
	return &defects[d];
}

const char *id_defect_code(enum id_defect d)
{
	return defect_text(d)->code;
}

const char *id_defect_zh(enum id_defect d)
{
	return defect_text(d)->zh;
}

const char *id_defect_en(enum id_defect d)
{
	return defect_text(d)->en;
}

const char *id_doc_name(enum id_doc d)
{
	if ((unsigned)d > ID_DOC_OTHER)
		return doc_names[ID_DOC_NONE];
	return doc_names[d];
}

static bool equal_fold(const char *a, const char *b)
{
	while (*a != '\0' && to_upper(*a) == to_upper(*b))
		a++, b++;
	return *a == '\0' && *b == '\0';
}

enum id_doc id_doc_parse(const char *s)
{
	char buf[64];
	if (s == NULL || !text_fits(s, sizeof buf - 1))
		return ID_DOC_NONE;
	text_normalize(s, buf, sizeof buf);
	for (int d = ID_DOC_RESIDENT; d <= ID_DOC_OTHER; d++)
		if (equal_fold(buf, doc_names[d]))
			return (enum id_doc)d;
	for (size_t i = 0; i < sizeof doc_labels / sizeof doc_labels[0]; i++)
		if (strcmp(buf, doc_labels[i].label) == 0)
			return doc_labels[i].doc;
	return ID_DOC_NONE;
}
