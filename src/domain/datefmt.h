/*
 * datefmt — dates as people write them in registers, Excel and WPS.
 *
 * Accepted forms (after text_normalize, so full-width digits and IME spaces
 * are fine), with an optional time "HH:MM[:SS[.fff]]" after a space or 'T'
 * that is checked and ignored:
 *   2020-01-26  2020/1/26  2020.1.26  2020年1月26日  2020年1月26号  2020年1月26
 *   20200126
 *   1月26日  1月26号  1-26  1/26  1.26                  (year = ref_year)
 *   43856  43856.5                                     (Excel serial number)
 * Spaces between the parts of a Chinese date are ignored ("2020年 1月 26日").
 *
 * Ownership: pure. Nothing is allocated; results go only into the caller's
 * ints, and only on success. No clock inside: the year for month-day forms is
 * passed in.
 */
#ifndef FANGKONG_DOMAIN_DATEFMT_H
#define FANGKONG_DOMAIN_DATEFMT_H

#include <stdbool.h>

#define DATE_YEAR_MIN 1800
#define DATE_YEAR_MAX 9999
#define DATE_INPUT_MAX 64             /* longer inputs (in bytes) are refused unread */
#define DATE_EXCEL_SERIAL_MAX 2958465 /* 9999-12-31 */

/* Parses input into *y, *m, *d. False (outputs untouched) for NULL, empty,
 * any other form, a date that does not exist (2月30日), a year outside
 * DATE_YEAR_MIN..DATE_YEAR_MAX (also ref_year for month-day forms), a bad
 * time, or an Excel serial outside 1..DATE_EXCEL_SERIAL_MAX or equal to 60.
 *
 * Bare digits: 8 digits are YYYYMMDD; 1 to 7 digits, with or without a
 * fraction, are an Excel serial — except "M.D" with a valid month and day
 * (1.26, 12.5), which is a month-day date, since no one means 1900-01-01
 * 06:14 by "1.26". */
bool date_parse(const char *input, int ref_year, int *y, int *m, int *d);

/* True when y-m-d is a calendar date (Gregorian, proleptic) with y in
 * DATE_YEAR_MIN..DATE_YEAR_MAX. */
bool date_valid(int y, int m, int d);

/* y * 10000 + m * 100 + d, or 0 when !date_valid(y, m, d). */
int date_to_int(int y, int m, int d);

/* Converts an Excel serial (1900 date system) to a date, ignoring the time
 * fraction. Serial 1 is 1900-01-01. Excel (after Lotus 1-2-3) counts a
 * 1900-02-29 that never existed as serial 60; serials 1–59 and 61 and above
 * are converted correctly and 60 is refused. False for NaN, < 1 or >=
 * DATE_EXCEL_SERIAL_MAX + 1. Outputs are written only on success. */
bool date_from_excel_serial(double serial, int *y, int *m, int *d);

#endif
