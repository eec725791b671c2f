/*
 * Unit tests for domain/checkpoint: the names a body may use, the outcome the rules propose
 * (fever first, then a key area or its plate for arrivals), and shifts — parsed, written
 * back, an hour's shift (before the first start: the night shift begun the day before) and a
 * shift's hours, past midnight included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/checkpoint.h"

static void names(void **state)
{
	(void)state;
	assert_true(checkpoint_kind_valid("highway"));
	assert_true(checkpoint_kind_valid("village"));
	assert_false(checkpoint_kind_valid("Highway"));
	assert_false(checkpoint_kind_valid(""));
	assert_false(checkpoint_kind_valid(NULL));
	assert_true(checkpoint_vehicle_valid("bus"));
	assert_false(checkpoint_vehicle_valid("tank"));
	assert_true(checkpoint_direction_valid("out"));
	assert_false(checkpoint_direction_valid("up"));
	assert_true(checkpoint_outcome_valid("turned_back"));
	assert_false(checkpoint_outcome_valid("proposed"));
}

static void propose(void **state)
{
	(void)state;
	/* a fever wins over everything; the threshold itself is a fever */
	assert_string_equal(checkpoint_propose(373, 373, true, true, true), "clinic");
	assert_string_equal(checkpoint_propose(380, 373, false, false, false), "clinic");
	assert_string_equal(checkpoint_propose(372, 373, true, false, true), "handover");
	assert_string_equal(checkpoint_propose(365, 373, false, true, true), "handover");
	/* leaving, or from nowhere special: passed; no reading is no fever */
	assert_string_equal(checkpoint_propose(365, 373, true, true, false), "passed");
	assert_string_equal(checkpoint_propose(0, 373, false, false, true), "passed");
}

static void shifts_parse(void **state)
{
	(void)state;
	int s[CHECKPOINT_SHIFTS];
	char buf[32];

	assert_int_equal(checkpoint_shifts_parse("8,20", s), 2);
	assert_int_equal(s[0], 8);
	assert_int_equal(s[1], 20);
	checkpoint_shifts_text(s, 2, buf, sizeof buf);
	assert_string_equal(buf, "8,20");
	assert_int_equal(checkpoint_shifts_parse("0,8,16", s), 3);
	assert_int_equal(checkpoint_shifts_parse("0,6,12,18", s), 4);
	assert_int_equal(checkpoint_shifts_parse("0,5,10,15,20", s), 0); /* five */
	assert_int_equal(checkpoint_shifts_parse("20,8", s), 0);         /* not ascending */
	assert_int_equal(checkpoint_shifts_parse("8,8", s), 0);
	assert_int_equal(checkpoint_shifts_parse("24", s), 0);
	assert_int_equal(checkpoint_shifts_parse("8,", s), 0);
	assert_int_equal(checkpoint_shifts_parse(",8", s), 0);
	assert_int_equal(checkpoint_shifts_parse("0008", s), 0);
	assert_int_equal(checkpoint_shifts_parse("-1", s), 0);
	assert_int_equal(checkpoint_shifts_parse("", s), 0);
	assert_int_equal(checkpoint_shifts_parse(NULL, s), 0);
	checkpoint_shifts_text(s, 0, buf, sizeof buf);
	assert_string_equal(buf, "");
}

static void shift_of_hour(void **state)
{
	(void)state;
	const int two[] = {8, 20}, three[] = {0, 8, 16};

	assert_int_equal(checkpoint_shift_of(two, 2, 8), 1);
	assert_int_equal(checkpoint_shift_of(two, 2, 19), 1);
	assert_int_equal(checkpoint_shift_of(two, 2, 20), 2);
	assert_int_equal(checkpoint_shift_of(two, 2, 23), 2);
	assert_int_equal(checkpoint_shift_of(two, 2, 2), 2); /* begun the evening before */
	assert_int_equal(checkpoint_shift_of(three, 3, 0), 1);
	assert_int_equal(checkpoint_shift_of(three, 3, 15), 2);
	assert_int_equal(checkpoint_shift_of(three, 3, 23), 3);
}

static void shift_hours(void **state)
{
	(void)state;
	const int two[] = {8, 20}, three[] = {0, 8, 16};
	int from, to, next;

	checkpoint_shift_hours(two, 2, 1, &from, &to, &next);
	assert_int_equal(from, 8);
	assert_int_equal(to, 20);
	assert_int_equal(next, 0);
	checkpoint_shift_hours(two, 2, 2, &from, &to, &next);
	assert_int_equal(from, 20);
	assert_int_equal(to, 24);
	assert_int_equal(next, 8); /* and 00:00–08:00 of the next day */
	checkpoint_shift_hours(three, 3, 3, &from, &to, &next);
	assert_int_equal(from, 16);
	assert_int_equal(to, 24);
	assert_int_equal(next, 0); /* the day's first shift starts at midnight */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),        cmocka_unit_test(propose),
		cmocka_unit_test(shifts_parse), cmocka_unit_test(shift_of_hour),
		cmocka_unit_test(shift_hours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
