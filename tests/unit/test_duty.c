/*
 * Unit tests for domain/duty: shifts across midnight (a shift starting 20:00 on D ends 08:00
 * on D+1; 02:00 on D+1 belongs to it), which shift holds an instant at every boundary, 1–4
 * starts, the next shift, gaps, a handover's state and window, when a swap may still be
 * asked, slot names, roster names, ranges, weeks and local ISO text. Asia/Shanghai is
 * pinned by the code, not by TZ: the tests run under a TZ with daylight saving to show it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "domain/duty.h"

/* 2026-12-07T00:00:00+08:00 */
static const int64_t D7 = 1796572800;
enum { H = 3600 };
static const int day_night[] = {8, 20};

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1); /* a zone with DST: must change nothing */
	tzset();
	return 0;
}

static void shift_bounds(void **state)
{
	(void)state;
	struct duty_shift s;

	assert_true(duty_shift_of(day_night, 2, 20261207, 0, &s));
	assert_int_equal(s.start, D7 + 8 * H);
	assert_int_equal(s.end, D7 + 20 * H);
	/* the night shift of D ends 08:00 on D+1 */
	assert_true(duty_shift_of(day_night, 2, 20261207, 1, &s));
	assert_int_equal(s.start, D7 + 20 * H);
	assert_int_equal(s.end, D7 + 32 * H);
	/* across a month's and a year's end */
	assert_true(duty_shift_of(day_night, 2, 20261231, 1, &s));
	assert_int_equal(s.end - s.start, 12 * H);
	/* index out of range, bad dates */
	assert_false(duty_shift_of(day_night, 2, 20261207, 2, &s));
	assert_false(duty_shift_of(day_night, 2, 20261207, -1, &s));
	assert_false(duty_shift_of(day_night, 2, 20261332, 0, &s));
	assert_false(duty_shift_of(day_night, 2, 20270229, 0, &s));
	assert_false(duty_shift_of(day_night, 2, 0, 0, &s));
	/* one shift a day runs 24 h */
	int one[] = {8};
	assert_true(duty_shift_of(one, 1, 20261207, 0, &s));
	assert_int_equal(s.end - s.start, 24 * H);
	/* a start at 0: the last shift ends at midnight */
	int four[] = {0, 6, 12, 18};
	assert_true(duty_shift_of(four, 4, 20261207, 3, &s));
	assert_int_equal(s.end, D7 + 24 * H);
}

static void shift_at(void **state)
{
	(void)state;
	struct duty_shift s;

	/* 02:00 on D+1 is the night shift of D */
	s = duty_shift_at(day_night, 2, D7 + 24 * H + 2 * H);
	assert_int_equal(s.date, 20261207);
	assert_int_equal(s.index, 1);
	/* 07:59:59 still the night before; 08:00 the day shift */
	s = duty_shift_at(day_night, 2, D7 + 8 * H - 1);
	assert_int_equal(s.date, 20261206);
	assert_int_equal(s.index, 1);
	s = duty_shift_at(day_night, 2, D7 + 8 * H);
	assert_int_equal(s.date, 20261207);
	assert_int_equal(s.index, 0);
	s = duty_shift_at(day_night, 2, D7 + 20 * H - 1);
	assert_int_equal(s.index, 0);
	s = duty_shift_at(day_night, 2, D7 + 20 * H);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.date, 20261207);
	/* midnight exactly */
	s = duty_shift_at(day_night, 2, D7);
	assert_int_equal(s.date, 20261206);
	assert_int_equal(s.index, 1);
	/* every instant lies in the shift found */
	int three[] = {7, 15, 23};
	for (int64_t t = D7 - 2 * H; t < D7 + 50 * H; t += 1800) {
		s = duty_shift_at(three, 3, t);
		assert_true(s.start <= t && t < s.end);
	}
	int four[] = {0, 6, 12, 18};
	s = duty_shift_at(four, 4, D7);
	assert_int_equal(s.date, 20261207);
	assert_int_equal(s.index, 0);
}

static void next_shift(void **state)
{
	(void)state;
	struct duty_shift s, n;

	duty_shift_of(day_night, 2, 20261207, 0, &s);
	n = duty_shift_next(day_night, 2, &s);
	assert_int_equal(n.date, 20261207);
	assert_int_equal(n.index, 1);
	assert_int_equal(n.start, s.end);
	n = duty_shift_next(day_night, 2, &n);
	assert_int_equal(n.date, 20261208);
	assert_int_equal(n.index, 0);
	duty_shift_of(day_night, 2, 20261231, 1, &s);
	n = duty_shift_next(day_night, 2, &s);
	assert_int_equal(n.date, 20270101);
	assert_int_equal(n.start, s.end);
}

static void starts(void **state)
{
	(void)state;
	int ok1[] = {8}, ok4[] = {0, 6, 12, 18}, down[] = {20, 8}, same[] = {8, 8}, big[] = {8, 24},
	    neg[] = {-1, 8}, five[] = {1, 2, 3, 4, 5};
	assert_true(duty_starts_valid(ok1, 1));
	assert_true(duty_starts_valid(day_night, 2));
	assert_true(duty_starts_valid(ok4, 4));
	assert_false(duty_starts_valid(ok1, 0));
	assert_false(duty_starts_valid(five, 5));
	assert_false(duty_starts_valid(down, 2));
	assert_false(duty_starts_valid(same, 2));
	assert_false(duty_starts_valid(big, 2));
	assert_false(duty_starts_valid(neg, 2));
}

static void gap_and_handover(void **state)
{
	(void)state;
	int64_t end = D7 + 20 * H;

	assert_true(duty_gap(false, 0));
	assert_false(duty_gap(true, 0));
	assert_false(duty_gap(false, 1));
	assert_int_equal(duty_handover_state(end - 1, end, false, false), DUTY_HO_NOT_DUE);
	assert_int_equal(duty_handover_state(end, end, false, false), DUTY_HO_MISSING);
	assert_int_equal(duty_handover_state(end - 60, end, true, false), DUTY_HO_PENDING);
	assert_int_equal(duty_handover_state(end + 99 * H, end, true, true), DUTY_HO_CONFIRMED);
	assert_string_equal(duty_handover_name(DUTY_HO_MISSING), "missing");
	assert_string_equal(duty_handover_name(DUTY_HO_NOT_DUE), "not_due");
	assert_string_equal(duty_handover_name((enum duty_ho)9), "not_due");
	/* the window: 2 h before the end to 12 h after, both ends included */
	assert_false(duty_handover_open(end - 2 * H - 1, end - 12 * H, end));
	assert_true(duty_handover_open(end - 2 * H, end - 12 * H, end));
	assert_true(duty_handover_open(end + 12 * H, end - 12 * H, end));
	assert_false(duty_handover_open(end + 12 * H + 1, end - 12 * H, end));
	/* a shift of 1 h: the window opens at its start, not during the shift before */
	assert_false(duty_handover_open(end - H - 1, end - H, end));
	assert_true(duty_handover_open(end - H, end - H, end));
	/* the state is shown as soon as a handover exists, even before the end (spec Changes) */
	assert_int_equal(duty_handover_state(end - H, end, true, true), DUTY_HO_CONFIRMED);
}

static void swaps(void **state)
{
	(void)state;
	int k;

	assert_true(duty_swap_open(D7, D7 + 1, D7 + 99));
	assert_false(duty_swap_open(D7 + 1, D7 + 1, D7 + 99)); /* the earlier has started */
	assert_false(duty_swap_open(D7 + 50, D7 + 99, D7 + 1));
	assert_true(duty_slot_parse("leader", &k));
	assert_int_equal(k, -1);
	assert_true(duty_slot_parse("officer:0", &k));
	assert_int_equal(k, 0);
	assert_true(duty_slot_parse("officer:5", &k));
	assert_int_equal(k, 5);
	assert_false(duty_slot_parse("officer:6", &k));
	assert_false(duty_slot_parse("officer:10", &k));
	assert_false(duty_slot_parse("officer:", &k));
	assert_false(duty_slot_parse("officer:-1", &k));
	assert_false(duty_slot_parse("Leader", &k));
	assert_false(duty_slot_parse("", &k));
	assert_false(duty_slot_parse(NULL, &k));
}

static void names_and_kinds(void **state)
{
	(void)state;
	char long_name[3 * 33 + 1] = "";

	assert_true(duty_name_valid("张三"));
	assert_true(duty_name_valid("A"));
	for (int i = 0; i < 32; i++)
		strcat(long_name, "张");
	assert_true(duty_name_valid(long_name));
	strcat(long_name, "张");
	assert_false(duty_name_valid(long_name));
	assert_false(duty_name_valid(""));
	assert_false(duty_name_valid("   "));
	assert_false(duty_name_valid("\xe3\x80\x80")); /* only an ideographic space */
	assert_false(duty_name_valid("张\n三"));
	assert_false(duty_name_valid("张\x7f"));
	assert_false(duty_name_valid("\xff"));
	assert_false(duty_name_valid(NULL));
	assert_true(duty_log_kind_valid("call"));
	assert_true(duty_log_kind_valid("other"));
	assert_false(duty_log_kind_valid("Call"));
	assert_false(duty_log_kind_valid(NULL));
}

static void ranges_weeks_iso(void **state)
{
	(void)state;
	char iso[DUTY_ISO_LEN + 1];

	assert_true(duty_range_valid(20261201, 20261201, 62));
	assert_true(duty_range_valid(20261201, 20270131, 62));  /* 62 days */
	assert_false(duty_range_valid(20261201, 20270201, 62)); /* 63 */
	assert_false(duty_range_valid(20261202, 20261201, 62));
	assert_false(duty_range_valid(20261232, 20270101, 62));
	/* the last day there is: the day after it bounds the read, and there is none */
	assert_false(duty_range_valid(99991231, 99991231, 92));
	assert_true(duty_range_valid(99991230, 99991230, 92));
	char m[64];
	duty_contact_mask("13812345678", m, sizeof m);
	assert_string_equal(m, "138****5678");
	duty_contact_mask("+86 138-1234-5678", m, sizeof m);
	assert_string_equal(m, "138****5678");
	duty_contact_mask("村委 0519-87654321 转 802", m, sizeof m);
	assert_string_equal(m, "村委 0519-876***21 转 802");
	duty_contact_mask("微信 wx13812345678x", m, sizeof m);
	assert_string_equal(m, "微信 wx138******78x");
	duty_contact_mask("", m, sizeof m);
	assert_string_equal(m, "");
	assert_int_equal(duty_week_monday(20261207), 20261207); /* a Monday */
	assert_int_equal(duty_week_monday(20261213), 20261207); /* Sunday */
	assert_int_equal(duty_week_monday(20270101), 20261228);
	assert_int_equal(duty_week_monday(19700101), 19691229);
	duty_iso(D7 + 8 * H, iso);
	assert_string_equal(iso, "2026-12-07T08:00:00+08:00");
	duty_iso(D7 - 1, iso);
	assert_string_equal(iso, "2026-12-06T23:59:59+08:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shift_bounds),     cmocka_unit_test(shift_at),
		cmocka_unit_test(next_shift),       cmocka_unit_test(starts),
		cmocka_unit_test(gap_and_handover), cmocka_unit_test(swaps),
		cmocka_unit_test(names_and_kinds),  cmocka_unit_test(ranges_weeks_iso),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
