/*
 * datefmt — parse the dates people write, and Excel serial numbers.
 *
 * Design: the input is normalised (text.h) into a small buffer, then read by a
 * cursor that knows three shapes. Bare numbers (only digits and at most one
 * point) are decided first and alone, because their meaning depends on their
 * length rather than on separators: 8 digits are YYYYMMDD, "M.D" with one- or
 * two-digit parts is a month-day, anything else is an Excel serial. All other
 * inputs are "number, then a separator or 年/月": the first separator decides
 * between year-month-day and month-day, and a time may follow.
 *
 * Validation is the last step and happens once: every shape produces
 * (y, m, d) and date_valid() decides, so "2月30日" and "2020-02-30" fail the
 * same way. Outputs are written only on success.
 *
 * Excel serials go through days since 1970-01-01 (civil_from_days, after
 * Howard Hinnant's public-domain algorithm), with the Lotus 1-2-3 leap-year
 * bug undone: serial 60 is 1900-02-29, a day that never existed.
 */
#include "domain/datefmt.h"

#include <stddef.h>

#include "domain/text.h"

#define EXCEL_DAY0_EARLY (-25568) /* serials 1–59: day 0 = 1899-12-31 */
#define EXCEL_DAY0_LATE (-25569)  /* serials >= 61: day 0 = 1899-12-30 (Lotus bug) */
#define EXCEL_LOTUS_BUG 60
#define MAX_DIGITS 9 /* a number token longer than this is never a date part */

struct ymd {
	int y, m, d;
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool date_valid(int y, int m, int d)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < DATE_YEAR_MIN || y > DATE_YEAR_MAX || m < 1 || m > 12 || d < 1)
		return false;
	return d <= mdays[m - 1] + (m == 2 && is_leap(y));
}

int date_to_int(int y, int m, int d)
{
	return date_valid(y, m, d) ? y * 10000 + m * 100 + d : 0;
}

/* Date of z days since 1970-01-01 (z may be negative). */
static struct ymd civil_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct ymd r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

bool date_from_excel_serial(double serial, int *y, int *m, int *d)
{
	/* Written so that NaN fails both comparisons. */
	if (!(serial >= 1.0 && serial < (double)DATE_EXCEL_SERIAL_MAX + 1.0))
		return false;
	long n = (long)serial;
	if (n == EXCEL_LOTUS_BUG || y == NULL || m == NULL || d == NULL)
		return false;
	struct ymd r =
		civil_from_days(n + (n < EXCEL_LOTUS_BUG ? EXCEL_DAY0_EARLY : EXCEL_DAY0_LATE));
	*y = r.y;
	*m = r.m;
	*d = r.d;
	return true;
}

/* Reads a run of digits at *p into *v; returns how many there were (capped at
 * MAX_DIGITS + 1, which no caller accepts). */
static int number(const char **p, int *v)
{
	int k = 0;
	*v = 0;
	while (is_digit(**p)) {
		if (k < MAX_DIGITS)
			*v = *v * 10 + (**p - '0');
		if (k <= MAX_DIGITS)
			k++;
		(*p)++;
	}
	return k;
}

static bool literal(const char **p, const char *lit)
{
	const char *s = *p;
	while (*lit != '\0' && *s == *lit)
		s++, lit++;
	if (*lit != '\0')
		return false;
	*p = s;
	return true;
}

static void skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

/* Only digits and at most one point: YYYYMMDD, M.D or an Excel serial.
 * Returns false when s has another shape, with *handled false. */
static bool parse_bare(const char *s, int ref_year, struct ymd *r, bool *handled)
{
	const char *p = s;
	int a, b = 0, ka = number(&p, &a), kb = -1;
	if (*p == '.') {
		p++;
		kb = number(&p, &b);
	}
	*handled = ka > 0 && *p == '\0' && kb != 0;
	if (!*handled)
		return false;
	if (kb < 0 && ka == 8) {
		*r = (struct ymd){a / 10000, a / 100 % 100, a % 100};
		return true;
	}
	if (kb > 0 && ka <= 2 && kb <= 2) {
		*r = (struct ymd){ref_year, a, b};
		return true;
	}
	return ka <= 7 && date_from_excel_serial((double)a, &r->y, &r->m, &r->d);
}

/* The rest of "M月D[日|号]" from 月 on (spaces allowed between parts). */
static bool chinese_tail(const char **p, struct ymd *r)
{
	skip_spaces(p);
	if (!literal(p, "月"))
		return false;
	skip_spaces(p);
	int kd = number(p, &r->d);
	if (kd < 1 || kd > 2)
		return false;
	skip_spaces(p);
	if (!literal(p, "日"))
		literal(p, "号");
	return true;
}

/* Year-month-day or month-day with separators or 年/月/日; leaves *p after it. */
static bool parse_date(const char **p, int ref_year, struct ymd *r)
{
	int a, b, ka = number(p, &a);
	skip_spaces(p);
	if (ka == 4 && literal(p, "年")) {
		r->y = a;
		skip_spaces(p);
		int km = number(p, &r->m);
		return km >= 1 && km <= 2 && chinese_tail(p, r);
	}
	const char *peek = *p;
	if (ka >= 1 && ka <= 2 && literal(&peek, "月")) {
		r->y = ref_year;
		r->m = a;
		return chinese_tail(p, r);
	}
	char sep = **p;
	if (ka == 0 || (sep != '-' && sep != '/' && sep != '.'))
		return false;
	(*p)++;
	int kb = number(p, &b);
	if (kb < 1 || kb > 2)
		return false;
	if (**p != sep) {
		*r = (struct ymd){ref_year, a, b};
		return ka <= 2;
	}
	(*p)++;
	int kd = number(p, &r->d);
	r->y = a;
	r->m = b;
	return ka == 4 && kd >= 1 && kd <= 2;
}

/* An optional " HH:MM[:SS[.fff]]" or "THH:MM…" that must end the input. */
static bool time_tail(const char *p)
{
	int h, mi, s = 0;
	skip_spaces(&p);
	if (*p == '\0')
		return true;
	if (*p == 'T')
		p++;
	int kh = number(&p, &h);
	if (kh < 1 || kh > 2 || *p++ != ':' || number(&p, &mi) != 2)
		return false;
	if (*p == ':') {
		p++;
		if (number(&p, &s) != 2)
			return false;
		if (*p == '.') {
			p++;
			if (number(&p, &(int){0}) == 0)
				return false;
		}
	}
	skip_spaces(&p);
	return *p == '\0' && h <= 23 && mi <= 59 && s <= 59;
}

bool date_parse(const char *input, int ref_year, int *y, int *m, int *d)
{
	char buf[DATE_INPUT_MAX + 1];
	if (input == NULL || y == NULL || m == NULL || d == NULL)
		return false;
	for (size_t i = 0; input[i] != '\0'; i++)
		if (i >= DATE_INPUT_MAX)
			return false;
	text_normalize(input, buf, sizeof buf);
	struct ymd r = {0, 0, 0};
	bool handled;
	bool ok = parse_bare(buf, ref_year, &r, &handled);
	if (!handled) {
		const char *p = buf;
		ok = parse_date(&p, ref_year, &r) && time_tail(p);
	}
	if (!ok || !date_valid(r.y, r.m, r.d))
		return false;
	*y = r.y;
	*m = r.m;
	*d = r.d;
	return true;
}
