/*
 * Unit tests for domain/closure: the quota over Asia/Shanghai calendar days (1 every 2
 * days: out on 12-07, refused on 12-08, allowed on 12-09; 23:59 and 00:01 are two days;
 * exits synced out of order), next_allowed_on, which reason wins at the gate, and pass
 * numbers (made from bytes, random ones distinct, parsed from what a guard types or a
 * scanner reads).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>

#include "domain/closure.h"
#include "domain/observation.h"

static const struct closure_rules one_in_two = {1, 2, false, false};

static void quota_windows(void **state)
{
	(void)state;
	struct closure_day_count v[] = {{20261207, 1}};

	assert_false(closure_quota_allows(&one_in_two, v, 1, 20261207));
	assert_false(closure_quota_allows(&one_in_two, v, 1, 20261208));
	assert_true(closure_quota_allows(&one_in_two, v, 1, 20261209));
	/* an earlier day also shares a window with 12-07 */
	assert_false(closure_quota_allows(&one_in_two, v, 1, 20261206));
	assert_true(closure_quota_allows(&one_in_two, v, 1, 20261205));
	assert_true(closure_quota_allows(&one_in_two, NULL, 0, 20261208));
	assert_int_equal(closure_next_allowed(&one_in_two, v, 1, 20261208), 20261209);
	assert_int_equal(closure_next_allowed(&one_in_two, v, 1, 20261209), 20261209);
	assert_int_equal(closure_next_allowed(&one_in_two, NULL, 0, 20261207), 20261207);
	assert_int_equal(closure_exits_in_window(&one_in_two, v, 1, 20261208), 1);
	assert_int_equal(closure_exits_in_window(&one_in_two, v, 1, 20261209), 0);

	/* 2 per 3 days; month and year ends */
	struct closure_rules two_in_three = {2, 3, false, false};
	struct closure_day_count w[] = {{20261230, 1}, {20261231, 1}};
	assert_false(closure_quota_allows(&two_in_three, w, 2, 20270101));
	assert_false(closure_quota_allows(&two_in_three, w, 2, 20261229));
	assert_true(closure_quota_allows(&two_in_three, w, 2, 20270102));
	assert_int_equal(closure_next_allowed(&two_in_three, w, 2, 20261231), 20270102);
	int lo, hi;
	closure_quota_span(&two_in_three, 20270101, &lo, &hi);
	assert_int_equal(lo, 20261230);
	assert_int_equal(hi, 20270103);

	/* one a day: the next day is free */
	struct closure_rules daily = {1, 1, false, false};
	struct closure_day_count d[] = {{20261207, 1}};
	assert_false(closure_quota_allows(&daily, d, 1, 20261207));
	assert_true(closure_quota_allows(&daily, d, 1, 20261208));
	/* a refusal is not counted (a count of 0) */
	struct closure_day_count z[] = {{20261207, 0}};
	assert_true(closure_quota_allows(&one_in_two, z, 1, 20261208));
}

static void calendar_days(void **state)
{
	(void)state;
	/* 2026-12-07 23:59 and 2026-12-08 00:01 in Asia/Shanghai (UTC+8) */
	int64_t late = 1796659140, early = 1796659260; /* 15:59 and 16:01 UTC */
	assert_int_equal(obs_local_date(late), 20261207);
	assert_int_equal(obs_local_date(early), 20261208);
	struct closure_rules daily = {1, 1, false, false};
	struct closure_day_count v[] = {{obs_local_date(late), 1}};
	assert_true(closure_quota_allows(&daily, v, 1, obs_local_date(early)));
}

static struct closure_facts ok_exit(void)
{
	return (struct closure_facts){.found = true,
				      .here = true,
				      .kind = "resident",
				      .at = 1000,
				      .out = true,
				      .quota_allows = true};
}

static void verdict_order(void **state)
{
	(void)state;
	struct closure_facts f = ok_exit();

	assert_int_equal(closure_verdict(&f), CLOSURE_OK);
	/* everything wrong at once: the closure's end wins, then each in turn */
	f.closure_ended = true;
	f.found = false;
	f.here = false;
	f.revoked_at = 900;
	f.valid_to = 500;
	f.observation = f.blocked = true;
	f.temp_dc = 380;
	f.quota_allows = false;
	assert_int_equal(closure_verdict(&f), CLOSURE_ENDED);
	f.closure_ended = false;
	assert_int_equal(closure_verdict(&f), CLOSURE_UNKNOWN);
	f.found = true;
	assert_int_equal(closure_verdict(&f), CLOSURE_NOT_HERE);
	f.here = true;
	assert_int_equal(closure_verdict(&f), CLOSURE_REVOKED);
	f.revoked_at = 1001; /* revoked after the instant: not yet */
	assert_int_equal(closure_verdict(&f), CLOSURE_EXPIRED);
	f.valid_to = 0;
	f.valid_from = 2000;
	assert_int_equal(closure_verdict(&f), CLOSURE_NOT_YET);
	f.valid_from = 0;
	assert_int_equal(closure_verdict(&f), CLOSURE_OBSERVATION);
	f.observation = false;
	assert_int_equal(closure_verdict(&f), CLOSURE_BLOCKED);
	f.blocked = false;
	assert_int_equal(closure_verdict(&f), CLOSURE_FEVER);
	f.temp_dc = 372;
	assert_int_equal(closure_verdict(&f), CLOSURE_QUOTA);
	/* entering: only the pass itself counts */
	f.out = false;
	f.observation = f.blocked = true;
	f.temp_dc = 390;
	assert_int_equal(closure_verdict(&f), CLOSURE_OK);
	f.revoked_at = 1000;
	assert_int_equal(closure_verdict(&f), CLOSURE_REVOKED);
	/* a worker pass has no quota; a temporary pass only its window */
	f = ok_exit();
	f.kind = "worker";
	f.quota_allows = false;
	assert_int_equal(closure_verdict(&f), CLOSURE_OK);
	f.blocked = true;
	assert_int_equal(closure_verdict(&f), CLOSURE_BLOCKED);
	f.kind = "temporary";
	f.observation = true;
	f.valid_from = 900;
	f.valid_to = 1000;
	assert_int_equal(closure_verdict(&f), CLOSURE_OK);
	f.at = 1001;
	assert_int_equal(closure_verdict(&f), CLOSURE_EXPIRED);
	assert_string_equal(closure_reason_name(CLOSURE_NOT_YET), "not_yet_valid");
	assert_string_equal(closure_reason_name(CLOSURE_ENDED), "closure_ended");
	assert_string_equal(closure_reason_name(CLOSURE_QUOTA), "quota");
	assert_string_equal(closure_reason_name((enum closure_reason)99), "unknown");
}

static void rules_and_kinds(void **state)
{
	(void)state;
	struct closure_rules r = {1, 2, false, false};
	assert_true(closure_rules_valid(&r));
	r.out_per = 0;
	assert_false(closure_rules_valid(&r));
	r.out_per = 11;
	assert_false(closure_rules_valid(&r));
	r.out_per = 10;
	r.every_days = 15;
	assert_false(closure_rules_valid(&r));
	r.every_days = 14;
	assert_true(closure_rules_valid(&r));
	assert_true(closure_pass_kind_valid("temporary"));
	assert_false(closure_pass_kind_valid("Resident"));
	assert_false(closure_pass_kind_valid(NULL));
	assert_true(closure_temp_window_valid(1000, 1000 + 7 * 86400));
	assert_false(closure_temp_window_valid(1000, 1001 + 7 * 86400));
	assert_false(closure_temp_window_valid(1000, 1000));
	/* a record's time: 5 minutes ahead at most; older than 10 minutes only offline, and then
	 * a day at most */
	const int64_t now = 1796572800;
	assert_true(closure_record_at_ok(now, now, false));
	assert_true(closure_record_at_ok(now + 300, now, false));
	assert_false(closure_record_at_ok(now + 301, now, true));
	assert_true(closure_record_at_ok(now - 600, now, false));
	assert_false(closure_record_at_ok(now - 601, now, false));
	assert_true(closure_record_at_ok(now - 601, now, true));
	assert_true(closure_record_at_ok(now - 86400, now, true));
	assert_false(closure_record_at_ok(now - 86401, now, true));
	assert_false(closure_record_at_ok(INT64_MIN, now, true));
	assert_false(closure_temp_window_valid(0, 10));
}

static void pass_numbers(void **state)
{
	(void)state;
	unsigned char b[CLOSURE_PASS_LEN] = {0, 31, 32, 255, 10, 17, 18, 20, 21, 30};
	char n[CLOSURE_PASS_LEN + 1], m[CLOSURE_PASS_LEN + 1], shown[CLOSURE_PASS_LEN + 2];

	closure_pass_from_bytes(b, n);
	assert_string_equal(n, "0Z0ZAHJMNY");
	closure_pass_show(n, shown);
	assert_string_equal(shown, "0Z0ZA-HJMNY");

	assert_true(closure_pass_parse("0Z0ZA-HJMNY", m));
	assert_string_equal(m, n);
	assert_true(closure_pass_parse("fkp:0z0za-hjmny", m));
	assert_string_equal(m, n);
	assert_true(closure_pass_parse("FKP:OZOZAHJMNY", m)); /* O read as 0 */
	assert_string_equal(m, n);
	assert_true(closure_pass_parse("il111 11111", m));
	assert_string_equal(m, "1111111111");
	assert_false(closure_pass_parse("0Z0ZAHJMNU", m)); /* U is not in the alphabet */
	assert_false(closure_pass_parse("0Z0ZAHJMN", m));
	assert_false(closure_pass_parse("0Z0ZAHJMNYY", m));
	assert_false(closure_pass_parse("", m));
	assert_false(closure_pass_parse(NULL, m));
	assert_false(closure_pass_parse("0Z0ZA_HJMNY", m));
	assert_false(closure_pass_parse("0Z0ZA\xe4\xb8\xadHJMN", m));
	char huge[200];
	memset(huge, '-', sizeof huge - 1);
	huge[sizeof huge - 1] = '\0';
	assert_false(closure_pass_parse(huge, m));

	/* random ones: well-formed, distinct */
	assert_true(sodium_init() >= 0);
	char seen[200][CLOSURE_PASS_LEN + 1];
	for (int i = 0; i < 200; i++) {
		closure_pass_make(seen[i]);
		assert_true(closure_pass_parse(seen[i], m));
		assert_string_equal(m, seen[i]);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(seen[i], seen[k]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quota_windows), cmocka_unit_test(calendar_days),
		cmocka_unit_test(verdict_order), cmocka_unit_test(rules_and_kinds),
		cmocka_unit_test(pass_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
