/* observation, pure: the rules of 14-day home observation under a fixed clock. Every instant
 * is built from a local (Asia/Shanghai) date and time with obs_midnight, anchored once to an
 * absolute epoch value so that the offset itself is checked. Calendar arithmetic across month
 * and year ends, the leap day and the Spring Festival of 2020; slots required, overdue and
 * next due; the day's contribution to the board counts; the checks on dates, visits, release
 * and temperatures; the vocabularies; the urgency order of today's list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/observation.h"

#define START 20200126 /* 正月初二 */
#define END 20200209   /* START + 14 */

static struct obs_policy pol;

static int group_setup(void **state)
{
	(void)state;
	obs_policy_default(&pol);
	return 0;
}

/* The instant of hh:mm local time on date. */
static int64_t at(int date, int hh, int mm)
{
	return obs_midnight(date) + ((int64_t)hh * 60 + mm) * 60;
}

/* Placed on START at hh:mm local, active. */
static struct obs_period placed(int hh, int mm)
{
	return (struct obs_period){START, END, at(START, hh, mm), 0};
}

/* ---- calendar ---- */

static void test_date_add_diff(void **state)
{
	(void)state;
	assert_int_equal(obs_date_add(20200131, 1), 20200201);
	assert_int_equal(obs_date_add(20200201, -1), 20200131);
	assert_int_equal(obs_date_add(20200228, 1), 20200229);
	assert_int_equal(obs_date_add(20200229, 1), 20200301);
	assert_int_equal(obs_date_add(20200301, -1), 20200229);
	assert_int_equal(obs_date_add(20190228, 1), 20190301); /* not a leap year */
	assert_int_equal(obs_date_add(20191231, 1), 20200101);
	assert_int_equal(obs_date_add(20200101, -1), 20191231);
	assert_int_equal(obs_date_add(20200101, 366), 20210101);
	assert_int_equal(obs_date_add(20200209, -14), 20200126);

	assert_int_equal(obs_date_diff(20191231, 20200101), 1);
	assert_int_equal(obs_date_diff(20200101, 20191231), -1);
	assert_int_equal(obs_date_diff(20200228, 20200301), 2);
	assert_int_equal(obs_date_diff(20190228, 20190301), 1);
	assert_int_equal(obs_date_diff(20200101, 20210101), 366);
}

static void test_spring_festival(void **state)
{
	(void)state;
	/* 除夕 2020-01-24, 春节 2020-01-25 */
	assert_int_equal(obs_date_add(20200125, 14), 20200208);
	assert_int_equal(obs_date_add(20200126, 14), 20200209);
	assert_int_equal(obs_date_add(20200124, 14), 20200207);
	assert_int_equal(obs_date_diff(20200125, 20200208), 14);
}

static void test_date_invalid(void **state)
{
	(void)state;
	assert_int_equal(obs_date_add(20200230, 1), 0);
	assert_int_equal(obs_date_add(20201301, 1), 0);
	assert_int_equal(obs_date_add(20190229, 0), 0);
	assert_int_equal(obs_date_add(20200431, -1), 0);
	assert_int_equal(obs_date_add(0, 1), 0);
}

static void test_local_date_midnight(void **state)
{
	(void)state;
	/* 2020-01-26T00:00Z = 1579996800; local midnight of 01-26 is 8 hours earlier */
	const int64_t t0 = 1579996800 - 8 * 3600; /* 2020-01-25T16:00:00Z */

	assert_true(obs_midnight(20200126) == t0);
	assert_true(at(20200126, 8, 0) == 1579996800);
	assert_int_equal(obs_local_date(t0), 20200126);
	assert_int_equal(obs_local_date(t0 - 1), 20200125); /* 15:59:59Z */
	assert_int_equal(obs_local_date(t0 + 86400), 20200127);
	assert_int_equal(obs_local_date(0), 19700101);      /* 08:00 local */
	assert_int_equal(obs_local_date(-28801), 19691231); /* before local midnight */
	assert_int_equal(obs_local_date(obs_midnight(20200229)), 20200229);
	assert_int_equal(obs_local_date(obs_midnight(20200101) - 1), 20191231);
	assert_true(obs_midnight(20200101) - obs_midnight(20191231) == 86400);
}

/* ---- slots ---- */

static void test_slot_of(void **state)
{
	(void)state;
	assert_int_equal(obs_slot_of(&pol, at(START, 0, 0)), 0);
	assert_int_equal(obs_slot_of(&pol, at(START, 11, 59)), 0);
	assert_int_equal(obs_slot_of(&pol, at(START, 12, 0)), 1);
	assert_int_equal(obs_slot_of(&pol, at(START, 23, 59)), 1);
	assert_int_equal(obs_slot_of(&pol, at(19691231, 13, 0)), 1); /* negative instant */
	assert_int_equal(pol.nslots, 2);
	assert_string_equal(pol.slots[1].code, "evening");
	assert_true(obs_slot_deadline(&pol, START, 0) == at(START, 12, 0));
	assert_true(obs_slot_deadline(&pol, START, 1) == at(START, 21, 0));
}

static void test_required_placed(void **state)
{
	(void)state;
	struct obs_period p = placed(8, 0);
	assert_int_equal(obs_required(&pol, &p, START), 3);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(END, -1)), 3);
	assert_int_equal(obs_required(&pol, &p, END), 0);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(START, -1)), 0);

	p = placed(13, 0);
	assert_int_equal(obs_required(&pol, &p, START), 2);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(START, 1)), 3);
	p = placed(12, 0); /* placed exactly at the morning deadline: too late for it */
	assert_int_equal(obs_required(&pol, &p, START), 2);
	p = placed(21, 30);
	assert_int_equal(obs_required(&pol, &p, START), 0);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(START, 1)), 3);

	assert_int_equal(obs_day_number(&p, START), 1);
	assert_int_equal(obs_day_number(&p, obs_date_add(END, -1)), 14);
	assert_int_equal(obs_day_number(&p, END), 0);
	assert_int_equal(obs_day_number(&p, 20200125), 0);
}

static void test_required_ended_early(void **state)
{
	(void)state;
	const int day = 20200130;
	struct obs_period p = placed(8, 0);

	p.ended_at = at(day, 10, 0);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(day, -1)), 3);
	assert_int_equal(obs_required(&pol, &p, day), 0);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(day, 1)), 0);

	p.ended_at = at(day, 12, 30);
	assert_int_equal(obs_required(&pol, &p, day), 1);
	assert_int_equal(obs_required(&pol, &p, obs_date_add(day, 1)), 0);

	p.ended_at = at(day, 12, 0); /* a deadline at the very moment of the end still counts */
	assert_int_equal(obs_required(&pol, &p, day), 1);
}

static void test_overdue_through_the_day(void **state)
{
	(void)state;
	const int day = 20200201;
	struct obs_period p = placed(8, 0);

	assert_int_equal(obs_overdue(&pol, &p, day, 0, at(day, 0, 0)), 0);
	assert_int_equal(obs_overdue(&pol, &p, day, 0, at(day, 11, 59)), 0);
	assert_true(obs_next_deadline(&pol, &p, day, 0, at(day, 11, 59)) == at(day, 12, 0));

	assert_int_equal(obs_overdue(&pol, &p, day, 0, at(day, 12, 0)), 1);
	assert_true(obs_next_deadline(&pol, &p, day, 0, at(day, 12, 0)) == at(day, 21, 0));
	assert_int_equal(obs_overdue(&pol, &p, day, 1, at(day, 12, 0)), 0);

	assert_int_equal(obs_overdue(&pol, &p, day, 0, at(day, 21, 0)), 3);
	assert_int_equal(obs_overdue(&pol, &p, day, 2, at(day, 21, 0)), 1);
	assert_int_equal(obs_overdue(&pol, &p, day, 3, at(day, 23, 59)), 0);
	assert_true(obs_next_deadline(&pol, &p, day, 0, at(day, 21, 0)) == 0);
	assert_true(obs_next_deadline(&pol, &p, day, 1, at(day, 8, 0)) == at(day, 21, 0));
	assert_true(obs_next_deadline(&pol, &p, day, 3, at(day, 8, 0)) == 0);

	/* a later look at a past day still counts it; days outside the period never do */
	assert_int_equal(obs_overdue(&pol, &p, day, 0, at(obs_date_add(day, 3), 9, 0)), 3);
	assert_int_equal(obs_overdue(&pol, &p, END, 0, at(END, 22, 0)), 0);
	assert_true(obs_next_deadline(&pol, &p, END, 0, at(END, 8, 0)) == 0);

	p = placed(13, 0); /* the morning of the first day was never due */
	assert_int_equal(obs_overdue(&pol, &p, START, 0, at(START, 22, 0)), 2);
}

static void test_day_contrib(void **state)
{
	(void)state;
	/* required, filled → due, complete, req[0], req[1], fill[0], fill[1] */
	static const struct {
		unsigned req, fill;
		int want[6];
	} cases[] = {
		{0, 0, {0, 0, 0, 0, 0, 0}}, {0, 3, {0, 0, 0, 0, 0, 0}}, /* nothing required */
		{3, 0, {1, 0, 1, 1, 0, 0}}, {3, 1, {1, 0, 1, 1, 1, 0}},
		{3, 3, {1, 1, 1, 1, 1, 1}}, {2, 3, {1, 1, 0, 1, 0, 1}}, /* fill only if required */
	};
	struct obs_day_counts c;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		obs_day_contrib(&pol, cases[i].req, cases[i].fill, &c);
		const int got[6] = {c.due, c.complete, c.req[0], c.req[1], c.fill[0], c.fill[1]};
		if (memcmp(got, cases[i].want, sizeof got))
			fail_msg("contrib(%u, %u): got %d %d %d %d %d %d", cases[i].req,
				 cases[i].fill, got[0], got[1], got[2], got[3], got[4], got[5]);
	}
}

static void test_day_contrib_delta(void **state)
{
	(void)state;
	/* one day filled slot by slot, then refilled: complete moves 0 → 1 once */
	static const unsigned steps[] = {0, 1, 3, 3};
	struct obs_day_counts before, after;
	int complete = 0, due = 0, fill0 = 0;

	obs_day_contrib(&pol, 3, steps[0], &before);
	complete += before.complete;
	due += before.due;
	fill0 += before.fill[0];
	for (size_t i = 1; i < sizeof steps / sizeof steps[0]; i++) {
		obs_day_contrib(&pol, 3, steps[i], &after);
		complete += after.complete - before.complete;
		due += after.due - before.due;
		fill0 += after.fill[0] - before.fill[0];
		assert_int_equal(complete, i >= 2);
		before = after;
	}
	assert_int_equal(due, 1);
	assert_int_equal(fill0, 1);
}

/* ---- checks ---- */

static void test_start_end_valid(void **state)
{
	(void)state;
	const int today = 20200210;
	assert_true(obs_start_valid(&pol, today, today));
	assert_true(obs_start_valid(&pol, 20200127, today));  /* 14 back, across the month */
	assert_false(obs_start_valid(&pol, 20200126, today)); /* 15 back */
	assert_false(obs_start_valid(&pol, 20200211, today)); /* tomorrow */
	assert_false(obs_start_valid(&pol, 20200230, 20200301));
	assert_true(obs_start_valid(&pol, 20191231, 20200101));

	assert_true(obs_end_valid(START, END, 20200201));
	assert_true(obs_end_valid(START, 20200201, 20200201));  /* ends today */
	assert_false(obs_end_valid(START, 20200131, 20200201)); /* already past */
	assert_false(obs_end_valid(START, START, START));       /* not after the start */
	assert_false(obs_end_valid(START, 20200230, 20200201));
	assert_true(obs_end_valid(20191230, 20200105, 20191231));
	/* the policy maximum: 60 days, across months and years; never 9999-12-31 */
	assert_true(obs_end_valid(20200120, 20200320, 20200201));  /* 60 days (leap year) */
	assert_false(obs_end_valid(20200120, 20200321, 20200201)); /* 61 days */
	assert_true(obs_end_valid(20191215, 20200213, 20191216));
	assert_false(obs_end_valid(20191215, 20200214, 20191216));
	assert_false(obs_end_valid(START, 99991231, 20200201));
	assert_false(obs_end_valid(0, END, 20200201));
}

static void test_visit_time_valid(void **state)
{
	(void)state;
	struct obs_period p = placed(13, 0);
	int64_t now = at(20200201, 9, 0);

	assert_true(obs_visit_time_valid(&p, obs_midnight(START), now)); /* before placement ok */
	assert_false(obs_visit_time_valid(&p, obs_midnight(START) - 1, now));
	assert_true(obs_visit_time_valid(&p, now, now));
	assert_true(obs_visit_time_valid(&p, now + 5 * 60, now));
	assert_false(obs_visit_time_valid(&p, now + 6 * 60, now));
}

static void test_release_due(void **state)
{
	(void)state;
	struct obs_period p = placed(8, 0);

	assert_false(obs_release_due(&p, obs_date_add(END, -1), false));
	assert_true(obs_release_due(&p, END, false));
	assert_false(obs_release_due(&p, END, true));
	p.ended_at = at(END, 9, 0);
	assert_false(obs_release_due(&p, END, false));
}

static void test_temperatures(void **state)
{
	(void)state;
	assert_int_equal(obs_temp_from_celsius(37.25), 373); /* 372.5 rounds away from zero */
	assert_int_equal(obs_temp_from_celsius(37.3), 373);
	assert_int_equal(obs_temp_from_celsius(37.26), 373);
	assert_int_equal(obs_temp_from_celsius(36.94), 369);
	assert_int_equal(obs_temp_from_celsius(36.95), 370);
	assert_int_equal(obs_temp_from_celsius(NAN), 0);
	assert_int_equal(obs_temp_from_celsius(INFINITY), 0);
	assert_int_equal(obs_temp_from_celsius(-1.0), 0);

	assert_true(obs_temp_valid(&pol, 340));
	assert_true(obs_temp_valid(&pol, 425));
	assert_false(obs_temp_valid(&pol, 339));
	assert_false(obs_temp_valid(&pol, 426));
	assert_false(obs_temp_valid(&pol, 0));

	assert_false(obs_is_fever(&pol, 372, 0));
	assert_true(obs_is_fever(&pol, 373, 0));
	assert_true(obs_is_fever(&pol, 0, SYM_COUGH));
	assert_true(obs_is_fever(&pol, 365, SYM_SHORT_BREATH));
	assert_false(obs_is_fever(&pol, 0, 0));

	/* 状态正常: 是 beside a fever or a symptom is a contradiction; 否, or no fever, is not */
	assert_true(obs_state_contradicts(&pol, true, 380, 0));
	assert_true(obs_state_contradicts(&pol, true, 373, 0));
	assert_true(obs_state_contradicts(&pol, true, 365, SYM_COUGH));
	assert_true(obs_state_contradicts(&pol, true, 0, SYM_COUGH));
	assert_false(obs_state_contradicts(&pol, true, 372, 0));
	assert_false(obs_state_contradicts(&pol, true, 0, 0));
	assert_false(obs_state_contradicts(&pol, false, 380, SYM_COUGH));
	assert_false(obs_state_contradicts(&pol, false, 0, 0));
}

/* ---- vocabularies ---- */

static void test_symptoms(void **state)
{
	(void)state;
	unsigned all = 0;

	for (size_t i = 0; i < OBS_NSYMPTOMS; i++) {
		const char *code = obs_symptom_code(i);
		assert_non_null(code);
		assert_int_equal(obs_symptom_parse(code), 1u << i);
		all |= obs_symptom_parse(code);
	}
	assert_int_equal(all, (1u << OBS_NSYMPTOMS) - 1);
	assert_int_equal(obs_symptom_parse("cough"), SYM_COUGH);
	assert_null(obs_symptom_code(OBS_NSYMPTOMS));
	assert_int_equal(obs_symptom_parse("sneeze"), 0);
	assert_int_equal(obs_symptom_parse("Cough"), 0);
	assert_int_equal(obs_symptom_parse(""), 0);
	assert_int_equal(obs_symptom_parse(NULL), 0);
}

static void test_lists(void **state)
{
	(void)state;
	assert_true(obs_in(obs_kinds, "home_observation"));
	assert_true(obs_in(obs_modes, "self"));
	assert_true(obs_in(obs_destinations, "designated_hospital"));
	assert_true(obs_in(obs_results, "hospitalised"));
	assert_true(obs_in(obs_service_kinds, "rubbish"));
	assert_false(obs_in(obs_kinds, "home"));
	assert_false(obs_in(obs_modes, ""));
	assert_false(obs_in(obs_modes, NULL));
}

static void test_service_moves(void **state)
{
	(void)state;
	static const char *const st[] = {"new", "accepted", "delivered", "cancelled"};
	/* ok[from][to], as docs/api.md states it: accepted from new; delivered and cancelled
	 * from new or accepted; nothing out of delivered or cancelled. (observation.h says
	 * "new → accepted → delivered", which leaves new → delivered out; the API allows it.) */
	static const bool ok[4][4] = {
		{false, true, true, true},
		{false, false, true, true},
		{false, false, false, false},
		{false, false, false, false},
	};

	for (int f = 0; f < 4; f++)
		for (int t = 0; t < 4; t++)
			if (obs_service_move_ok(st[f], st[t]) != ok[f][t])
				fail_msg("%s -> %s: expected %d", st[f], st[t], ok[f][t]);
	assert_false(obs_service_move_ok("new", "open"));
	assert_false(obs_service_move_ok("open", "delivered"));
}

/* ---- urgency ---- */

static int by_urgency(const void *a, const void *b)
{
	return obs_urgency_cmp(a, b);
}

static void test_urgency(void **state)
{
	(void)state;
	const int64_t noon = at(20200201, 12, 0), night = at(20200201, 21, 0);
	const struct obs_urgency alert = {true, 0, 0, "张伟"}, calm = {false, 2, noon, "李娜"};
	const struct obs_urgency two = {false, 2, night, "王芳"}, one = {false, 1, noon, "刘洋"};
	const struct obs_urgency none = {false, 0, 0, "陈静"}, soon = {false, 0, noon, "赵磊"};

	assert_true(obs_urgency_cmp(&alert, &calm) < 0);
	assert_true(obs_urgency_cmp(&calm, &alert) > 0);
	assert_true(obs_urgency_cmp(&two, &one) < 0);
	assert_true(obs_urgency_cmp(&calm, &two) < 0);  /* same overdue, earlier deadline */
	assert_true(obs_urgency_cmp(&soon, &none) < 0); /* 0 deadline last */
	assert_true(obs_urgency_cmp(&none, &soon) > 0);
	assert_int_equal(obs_urgency_cmp(&calm, &calm), 0);

	struct obs_urgency a = {false, 0, 0, "b"}, b = {false, 0, 0, "a"}, c = {false, 0, 0, NULL};
	assert_true(obs_urgency_cmp(&a, &b) > 0);
	assert_true(obs_urgency_cmp(&c, &b) < 0); /* NULL sorts as "" */

	struct obs_urgency list[] = {
		{false, 0, 0, "z"}, {false, 0, night, "y"}, {false, 1, night, "x"},
		{true, 0, 0, "w"},  {false, 0, noon, "v"},  {false, 2, night, "u"},
		{false, 0, 0, "a"}, {true, 1, noon, "t"},   {false, 1, noon, "s"},
	};
	static const char *const want[] = {"t", "w", "u", "s", "x", "v", "y", "a", "z"};
	qsort(list, sizeof list / sizeof list[0], sizeof list[0], by_urgency);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_string_equal(list[i].name, want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_add_diff),
		cmocka_unit_test(test_spring_festival),
		cmocka_unit_test(test_date_invalid),
		cmocka_unit_test(test_local_date_midnight),
		cmocka_unit_test(test_slot_of),
		cmocka_unit_test(test_required_placed),
		cmocka_unit_test(test_required_ended_early),
		cmocka_unit_test(test_overdue_through_the_day),
		cmocka_unit_test(test_day_contrib),
		cmocka_unit_test(test_day_contrib_delta),
		cmocka_unit_test(test_start_end_valid),
		cmocka_unit_test(test_visit_time_valid),
		cmocka_unit_test(test_release_due),
		cmocka_unit_test(test_temperatures),
		cmocka_unit_test(test_symptoms),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_service_moves),
		cmocka_unit_test(test_urgency),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}
