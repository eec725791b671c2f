/*
 * Unit tests for domain/datefmt: every form of DOMAIN.md and the brief, Excel
 * serial numbers around the Lotus leap-year bug, impossible dates and junk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/datefmt.h"

#define REF 2020

static void expect_date(const char *in, int want)
{
	int y = -1, m = -1, d = -1;
	if (!date_parse(in, REF, &y, &m, &d))
		fail_msg("rejected: \"%s\"", in);
	if (date_to_int(y, m, d) != want)
		fail_msg("\"%s\" = %d-%d-%d, want %d", in, y, m, d, want);
}

static void expect_bad(const char *in)
{
	int y = -1, m = -1, d = -1;
	if (date_parse(in, REF, &y, &m, &d))
		fail_msg("accepted: \"%s\" as %d-%d-%d", in ? in : "(null)", y, m, d);
	assert_int_equal(y, -1); /* untouched on failure */
	assert_int_equal(m, -1);
	assert_int_equal(d, -1);
}

static void full_dates(void **state)
{
	(void)state;
	expect_date("2020-01-26", 20200126);
	expect_date("2020/1/26", 20200126);
	expect_date("2020.1.26", 20200126);
	expect_date("2020年1月26日", 20200126);
	expect_date("2020年1月26号", 20200126);
	expect_date("2020年1月26", 20200126);
	expect_date("2020年01月06日", 20200106);
	expect_date("2020 年 1 月 26 日", 20200126);
	expect_date("20200126", 20200126);
	expect_date("2020-12-31", 20201231);
	expect_date("1949-10-01", 19491001);
	expect_date("２０２０－０１－２６", 20200126);      /* full-width */
	expect_date("\xe3\x80\x80 2020/1/26 \t", 20200126); /* IME and tab spaces */
}

static void with_time(void **state)
{
	(void)state;
	expect_date("2020-01-26 08:30", 20200126);
	expect_date("2020-01-26 08:30:00", 20200126);
	expect_date("2020-01-26 8:30", 20200126);
	expect_date("2020-01-26T08:30:00", 20200126);
	expect_date("2020-01-26 23:59:59.999", 20200126);
	expect_date("2020/1/26 08:30", 20200126);
	expect_date("2020年1月26日 08:30", 20200126);
	expect_bad("2020-01-26 24:00");
	expect_bad("2020-01-26 08:60");
	expect_bad("2020-01-26 08:30:61");
	expect_bad("2020-01-26 08");
	expect_bad("2020-01-26 08:3");
	expect_bad("2020-01-26 08:30 pm");
	expect_bad("2020-01-26 08:30:00.");
}

static void month_day(void **state)
{
	(void)state;
	expect_date("1月26日", 20200126);
	expect_date("1月26号", 20200126);
	expect_date("1月26", 20200126);
	expect_date("12月5日", 20201205);
	expect_date("1-26", 20200126);
	expect_date("1/26", 20200126);
	expect_date("1.26", 20200126); /* month-day, not the Excel serial 1.26 */
	expect_date("12.5", 20201205);
	expect_date("２月２９日", 20200229); /* 2020 is a leap year */
	int y, m, d;
	assert_false(date_parse("2月29日", 2021, &y, &m, &d));
	assert_true(date_parse("1/26", 2021, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 20210126);
	assert_false(date_parse("1/26", 0, &y, &m, &d)); /* no usable ref_year */
	assert_false(date_parse("1月26日", 10000, &y, &m, &d));
	expect_bad("13.5");
	expect_bad("1.32");
	expect_bad("100/26");
}

static void excel_serials(void **state)
{
	(void)state;
	expect_date("43856", 20200126);
	expect_date("43856.5", 20200126); /* noon: time ignored */
	expect_date("43856.999", 20200126);
	expect_date("１", 19000101);
	expect_date("59", 19000228);
	expect_bad("60"); /* the 1900-02-29 of Lotus 1-2-3 */
	expect_date("61", 19000301);
	expect_date("25569", 19700101);
	expect_date("36526", 20000101);
	expect_date("2958465", 99991231);
	expect_bad("2958466");
	expect_bad("0");
	expect_bad("0.5");
	expect_bad("43856.");
	expect_bad("-43856");
	expect_bad("43856.5.5");

	int y = 0, m = 0, d = 0;
	assert_true(date_from_excel_serial(43856.75, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 20200126);
	assert_true(date_from_excel_serial(59.9, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 19000228);
	assert_false(date_from_excel_serial(60.0, &y, &m, &d));
	assert_false(date_from_excel_serial(60.5, &y, &m, &d));
	assert_true(date_from_excel_serial(61.0, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 19000301);
	assert_true(date_from_excel_serial(1.0, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 19000101);
	assert_true(date_from_excel_serial(2958465.99, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 99991231);
	y = -1;
	assert_false(date_from_excel_serial(0.99, &y, &m, &d));
	assert_false(date_from_excel_serial(2958466.0, &y, &m, &d));
	assert_false(date_from_excel_serial(-1.0, &y, &m, &d));
	assert_false(date_from_excel_serial(0.0 / 0.0, &y, &m, &d)); /* NaN */
	assert_false(date_from_excel_serial(1.0 / 0.0, &y, &m, &d)); /* +Inf */
	assert_false(date_from_excel_serial(43856, NULL, &m, &d));
	assert_int_equal(y, -1);
}

static void serials_round_trip(void **state)
{
	(void)state;
	/* Consecutive serials give consecutive days: walk 1900–2099 once. */
	int py = 1900, pm = 1, pd = 1;
	for (int s = 2; s < 73051; s++) {
		int y, m, d;
		if (s == 60)
			continue;
		assert_true(date_from_excel_serial(s, &y, &m, &d));
		assert_true(date_valid(y, m, d));
		bool next_day = (y == py && m == pm && d == pd + 1) ||
				(y == py && m == pm + 1 && d == 1) ||
				(y == py + 1 && m == 1 && d == 1);
		if (!next_day)
			fail_msg("serial %d = %d-%d-%d after %d-%d-%d", s, y, m, d, py, pm, pd);
		py = y, pm = m, pd = d;
	}
	assert_int_equal(date_to_int(py, pm, pd), 20991231); /* 73050 */
}

static void impossible_dates(void **state)
{
	(void)state;
	expect_bad("2月30日");
	expect_bad("2020-02-30");
	expect_bad("2019-02-29");
	expect_date("2000-02-29", 20000229);
	expect_bad("1900-02-29");
	expect_bad("2020-04-31");
	expect_bad("2020-13-01");
	expect_bad("2020-00-10");
	expect_bad("2020-01-00");
	expect_bad("20201301");
	expect_bad("20200230");
	expect_bad("0000-01-01");
	expect_bad("1799-12-31"); /* before DATE_YEAR_MIN */
	expect_date("1800-01-01", 18000101);
}

static void malformed(void **state)
{
	(void)state;
	expect_bad(NULL);
	expect_bad("");
	expect_bad("   ");
	expect_bad("2020-01");   /* year-month: refused */
	expect_bad("2020-1/26"); /* mixed separators */
	expect_bad("20-01-26");  /* two-digit year */
	expect_bad("26/1/2020"); /* day first */
	expect_bad("1/26/2020");
	expect_bad("2020-001-26");
	expect_bad("2020-01-026");
	expect_bad("2020年1月");
	expect_bad("2020年13月1日");
	expect_bad("1月");
	expect_bad("月26日");
	expect_bad("2020-01-26x");
	expect_bad("2020年1月26日日");
	expect_bad("202001260"); /* 9 digits */
	expect_bad("3000000");   /* 7 digits: a serial past 9999-12-31 */
	expect_bad("yesterday");
	expect_bad("2020\xff-01-26x");
	expect_bad("99999999999999999999");
	expect_bad("1.26.");
}

static void bare_year_is_a_serial(void **state)
{
	(void)state;
	/* Documented consequence of accepting serials 1..2958465: a bare "2020"
	 * is serial 2020. Callers that know a column holds dates of 2020 should
	 * check the result's range. */
	int y, m, d;
	assert_true(date_parse("2020", REF, &y, &m, &d));
	assert_int_equal(date_to_int(y, m, d), 19050712);
}

static void hostile(void **state)
{
	(void)state;
	size_t len = 10 * 1024;
	char *in = malloc(len + 1);
	assert_non_null(in);
	memset(in, '1', len);
	in[len] = '\0';
	expect_bad(in);
	memcpy(in, "2020-01-26", 10);
	memset(in + 10, ' ', len - 10); /* trailing spaces past the cap */
	expect_bad(in);
	free(in);
	int y = 0;
	assert_false(date_parse("2020-01-26", REF, &y, NULL, NULL));
	assert_int_equal(y, 0);
}

static void to_int(void **state)
{
	(void)state;
	assert_int_equal(date_to_int(2020, 1, 26), 20200126);
	assert_int_equal(date_to_int(9999, 12, 31), 99991231);
	assert_int_equal(date_to_int(2020, 2, 30), 0);
	assert_int_equal(date_to_int(2020, 0, 1), 0);
	assert_int_equal(date_to_int(10000, 1, 1), 0);
	assert_true(date_valid(2024, 2, 29));
	assert_false(date_valid(2100, 2, 29));
	assert_true(date_valid(2400, 2, 29));
	assert_false(date_valid(2020, 12, 32));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_dates),
		cmocka_unit_test(with_time),
		cmocka_unit_test(month_day),
		cmocka_unit_test(excel_serials),
		cmocka_unit_test(serials_round_trip),
		cmocka_unit_test(impossible_dates),
		cmocka_unit_test(malformed),
		cmocka_unit_test(bare_year_is_a_serial),
		cmocka_unit_test(hostile),
		cmocka_unit_test(to_int),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
