/* The daily report's rules (src/domain/report.c): report days under 16:00, 18:00 and 24:00
 * cut-offs in Asia/Shanghai and under a cut-off that changes, the figures from kept counts,
 * completeness and timeliness, and the briefing sentence ("尚未发现" only at zero). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/observation.h"
#include "domain/report.h"

/* The instant of local (UTC+8) date at hh:mm. */
static int64_t at(int date, int hh, int mm)
{
	return obs_midnight(date) + hh * 3600 + mm * 60;
}

static void test_cutoffs_a_county_may_choose(void **state)
{
	(void)state;
	assert_true(report_cutoff_ok(960));
	assert_true(report_cutoff_ok(1080));
	assert_true(report_cutoff_ok(1440));
	assert_false(report_cutoff_ok(0));
	assert_false(report_cutoff_ok(1441));
	assert_false(report_cutoff_ok(17 * 60));
	assert_false(report_cutoff_ok(-960));
}

static void test_day_under_a_1600_cutoff(void **state)
{
	const struct report_cutoff s[] = {{20200101, 960}};

	(void)state;
	/* 截至2月5日16时: the window is 2-4 16:00 up to (not including) 2-5 16:00 */
	assert_int_equal(report_day(s, 1, at(20200204, 16, 0)), 20200205);
	assert_int_equal(report_day(s, 1, at(20200205, 0, 30)), 20200205);
	assert_int_equal(report_day(s, 1, at(20200205, 15, 59)), 20200205);
	assert_int_equal(report_day(s, 1, at(20200205, 16, 0)), 20200206);
	assert_int_equal(report_day(s, 1, at(20200205, 23, 59)), 20200206);
	assert_int_equal(report_deadline(s, 1, 20200205), at(20200205, 16, 0));
	/* Asia/Shanghai, not UTC: 2-5 07:59 UTC is 15:59 there */
	assert_int_equal(report_day(s, 1, 1580889540 /* 2020-02-05T07:59:00Z */), 20200205);
	/* the end of a month and a year */
	assert_int_equal(report_day(s, 1, at(20200229, 17, 0)), 20200301);
	assert_int_equal(report_day(s, 1, at(20201231, 16, 0)), 20210101);
}

static void test_day_under_1800_and_2400(void **state)
{
	const struct report_cutoff s18[] = {{20200101, 1080}}, s24[] = {{20200101, 1440}};

	(void)state;
	assert_int_equal(report_day(s18, 1, at(20200205, 17, 59)), 20200205);
	assert_int_equal(report_day(s18, 1, at(20200205, 18, 0)), 20200206);
	/* 24:00 is the calendar day */
	assert_int_equal(report_day(s24, 1, at(20200205, 0, 0)), 20200205);
	assert_int_equal(report_day(s24, 1, at(20200205, 23, 59)), 20200205);
	assert_int_equal(report_deadline(s24, 1, 20200205), at(20200206, 0, 0));
	/* no schedule: 24:00 */
	assert_int_equal(report_day(NULL, 0, at(20200205, 23, 59)), 20200205);
	assert_int_equal(report_cutoff_of(NULL, 0, 20200205), 1440);
}

/* A changed cut-off keeps the windows back to back: every moment in one day, none lost. */
static void test_changed_cutoff_keeps_windows_back_to_back(void **state)
{
	const struct report_cutoff earlier[] = {{20200101, 1440}, {20200206, 960}};
	const struct report_cutoff later[] = {{20200101, 960}, {20200206, 1440}};

	(void)state;
	/* 24:00 until 2-5, 16:00 from 2-6: 2-6's window is 2-6 00:00 – 16:00 (short) */
	assert_int_equal(report_day(earlier, 2, at(20200205, 23, 0)), 20200205);
	assert_int_equal(report_day(earlier, 2, at(20200206, 0, 0)), 20200206);
	assert_int_equal(report_day(earlier, 2, at(20200206, 15, 59)), 20200206);
	assert_int_equal(report_day(earlier, 2, at(20200206, 16, 0)), 20200207);
	/* 16:00 until 2-5, 24:00 from 2-6: 2-6's window is 2-5 16:00 – 2-7 00:00 (long) */
	assert_int_equal(report_day(later, 2, at(20200205, 15, 0)), 20200205);
	assert_int_equal(report_day(later, 2, at(20200205, 16, 0)), 20200206);
	assert_int_equal(report_day(later, 2, at(20200206, 23, 59)), 20200206);
	assert_int_equal(report_day(later, 2, at(20200207, 0, 0)), 20200207);
	/* every minute of a week belongs to the day whose window holds it */
	for (int64_t t = at(20200203, 0, 0); t < at(20200210, 0, 0); t += 60) {
		int d = report_day(earlier, 2, t);
		assert_true(t < report_deadline(earlier, 2, d));
		assert_true(t >= report_deadline(earlier, 2, obs_date_add(d, -1)));
		d = report_day(later, 2, t);
		assert_true(t < report_deadline(later, 2, d));
		assert_true(t >= report_deadline(later, 2, obs_date_add(d, -1)));
	}
}

static void test_metric_and_figure_names(void **state)
{
	(void)state;
	for (int m = 0; m < RM__COUNT; m++)
		assert_int_equal(report_metric_of(report_metric_name(m)), m);
	assert_int_equal(report_metric_of("nope"), -1);
	assert_int_equal(report_metric_of(NULL), -1);
	assert_null(report_metric_name(RM__COUNT));
	for (int f = 0; f < RF__COUNT; f++) {
		const struct report_fig_def *d = report_fig_def(f);
		assert_non_null(d);
		assert_non_null(d->zh);
		assert_non_null(d->en);
		assert_int_equal(report_fig_of(d->key), f);
	}
	assert_null(report_fig_def(RF__COUNT));
	/* the keys the API contract names */
	static const char *const contract[] = {
		"screened_total",  "screened_new",         "verified_total", "observation_active",
		"observation_new", "observation_released", "fever_new",      "tasks_overdue"};
	for (size_t i = 0; i < sizeof contract / sizeof contract[0]; i++)
		assert_true(report_fig_of(contract[i]) >= 0);
}

static void test_figures_follow_from_counts(void **state)
{
	struct report_counts c = {0};
	int64_t f[RF__COUNT];

	(void)state;
	c.total[RM_PUSHED] = 1234;
	c.day[RM_PUSHED] = 12;
	c.total[RM_OBS_STARTED] = 1100;
	c.total[RM_OBS_ENDED] = 80;
	c.day[RM_OBS_STARTED] = 12;
	c.day[RM_OBS_RELEASED] = 30;
	c.tasks_overdue = 3;
	report_figures(&c, f);
	assert_int_equal(f[RF_SCREENED_TOTAL], 1234);
	assert_int_equal(f[RF_SCREENED_NEW], 12);
	assert_int_equal(f[RF_OBSERVATION_ACTIVE], 1020);
	assert_int_equal(f[RF_OBSERVATION_TOTAL], 1100);
	assert_int_equal(f[RF_OBSERVATION_RELEASED], 30);
	assert_int_equal(f[RF_TASKS_OVERDUE], 3);
	assert_int_equal(f[RF_FEVER_NEW], 0);
}

static void test_series_runs_on_from_before(void **state)
{
	int64_t before[RM__COUNT] = {0}, day[3][RM__COUNT] = {{0}}, f[3][RF__COUNT];

	(void)state;
	/* 10 pushed and 5 under observation (6 started, 1 ended) before the first day */
	before[RM_PUSHED] = 10;
	before[RM_OBS_STARTED] = 6;
	before[RM_OBS_ENDED] = 1;
	day[0][RM_PUSHED] = 4;
	day[0][RM_OBS_STARTED] = 2;
	day[1][RM_FEVER] = 1; /* a day with no observation started: active stays */
	day[2][RM_OBS_ENDED] = 3;
	day[2][RM_OBS_RELEASED] = 3;
	report_series(before, (const int64_t(*)[RM__COUNT])day, 3, f);
	assert_int_equal(f[0][RF_SCREENED_NEW], 4);
	assert_int_equal(f[0][RF_SCREENED_TOTAL], 14);
	assert_int_equal(f[0][RF_OBSERVATION_ACTIVE], 7);
	assert_int_equal(f[0][RF_OBSERVATION_NEW], 2);
	assert_int_equal(f[1][RF_SCREENED_NEW], 0);
	assert_int_equal(f[1][RF_SCREENED_TOTAL], 14);
	assert_int_equal(f[1][RF_OBSERVATION_ACTIVE], 7);
	assert_int_equal(f[1][RF_FEVER_NEW], 1);
	assert_int_equal(f[2][RF_FEVER_NEW], 0);
	assert_int_equal(f[2][RF_FEVER_TOTAL], 1);
	assert_int_equal(f[2][RF_OBSERVATION_ACTIVE], 4);
	assert_int_equal(f[2][RF_OBSERVATION_RELEASED], 3);
	assert_int_equal(f[2][RF_TASKS_OVERDUE], 0); /* read as of now: no past */
	/* no days: nothing written */
	report_series(before, (const int64_t(*)[RM__COUNT])day, 0, f);
}

static void test_completeness_and_timeliness(void **state)
{
	const struct report_cutoff s[] = {{20200101, 960}};

	(void)state;
	/* 14 townships × 3 days = 42 expected; 40 submitted, 37 by the cut-off */
	assert_true(report_rate(40, 42) == 95.2);
	assert_true(report_rate(37, 42) == 88.1);
	assert_true(report_rate(42, 42) == 100.0);
	assert_true(report_rate(0, 42) == 0.0);
	assert_true(report_rate(0, 0) == 0.0);
	assert_true(report_on_time(s, 1, 20200205, at(20200205, 15, 59)));
	assert_false(report_on_time(s, 1, 20200205, at(20200205, 16, 0)));
	assert_true(report_on_time(s, 1, 20200205, at(20200204, 17, 0)));
}

static void test_area_words_and_subject(void **state)
{
	char subject[64];

	(void)state;
	assert_string_equal(report_area_word("溧阳市"), "全市");
	assert_string_equal(report_area_word("沭阳县"), "全县");
	assert_string_equal(report_area_word("六合区"), "全区");
	assert_string_equal(report_area_word("社渚镇"), "全镇");
	assert_string_equal(report_area_word("上黄乡"), "全乡");
	assert_string_equal(report_area_word("龙袍街道办事处"), "全街道");
	assert_string_equal(report_area_word("龙袍街道"), "全街道");
	assert_string_equal(report_area_word("社渚村村委会"), "全村");
	assert_string_equal(report_area_word("龙虎营村村民委员会"), "全村");
	assert_string_equal(report_area_word("金磁社区居委会"), "全社区");
	assert_string_equal(report_area_word("东沟中心社区居民委员会"), "全社区");
	assert_string_equal(report_area_word("天目湖旅游度假区"), "全区");
	assert_string_equal(report_area_word("某农场"), "全辖区");
	assert_string_equal(report_area_word(""), "全辖区");
	assert_string_equal(report_area_word(NULL), "全辖区");
	report_subject_default("溧阳市", subject, sizeof subject);
	assert_string_equal(subject, "重点地区来溧人员");
	report_subject_default("沭阳县", subject, sizeof subject);
	assert_string_equal(subject, "重点地区来沭人员");
	report_subject_default("", subject, sizeof subject);
	assert_string_equal(subject, "重点人员");
}

static void sentence(const int64_t *f, bool en, int cutoff, char *out, size_t cap)
{
	struct report_sentence_in in = {"全市", "重点地区来溧人员", 20200205, cutoff, f, en};

	assert_true(report_sentence(&in, out, cap));
}

static void test_sentence_in_the_register_of_county_offices(void **state)
{
	int64_t f[RF__COUNT] = {0};
	char out[1024];

	(void)state;
	f[RF_SCREENED_TOTAL] = 1234;
	f[RF_SCREENED_NEW] = 12;
	f[RF_VERIFIED_TOTAL] = 1230;
	f[RF_OBSERVATION_ACTIVE] = 1020;
	f[RF_OBSERVATION_NEW] = 12;
	f[RF_OBSERVATION_RELEASED] = 30;
	sentence(f, false, 960, out, sizeof out);
	assert_string_equal(out,
			    "截至2月5日16时，全市累计排查重点地区来溧人员1234人，今日新增12人；"
			    "累计核实1230人；正在居家观察1020人，今日新增12人，解除观察30人；"
			    "尚未发现发热人员。");
	sentence(f, false, 1440, out, sizeof out);
	assert_non_null(strstr(out, "截至2月5日24时，"));
	/* "尚未发现" only at zero: a fever earlier, none today */
	f[RF_FEVER_TOTAL] = 1;
	sentence(f, false, 960, out, sizeof out);
	assert_null(strstr(out, "尚未发现"));
	assert_non_null(strstr(out, "今日无新增发热人员。"));
	/* a fever today, referred; overdue and unplaced said when there are any */
	f[RF_FEVER_NEW] = 1;
	f[RF_REFERRED_NEW] = 1;
	f[RF_TASKS_OVERDUE] = 4;
	f[RF_TO_PLACE] = 2;
	sentence(f, false, 960, out, sizeof out);
	assert_non_null(strstr(out, "今日新增发热人员1人，已转诊1人。"));
	assert_non_null(strstr(out, "累计核实1230人，超时未核查4人；"));
	assert_non_null(strstr(out, "解除观察30人，待落实居家观察2人；"));
	sentence(f, true, 960, out, sizeof out);
	assert_non_null(strstr(out, "As of 16:00 on 5 February: 1234 persons screened in all"));
	assert_non_null(strstr(out, "1 new fevers today, 1 referred."));
}

static void test_sentence_cut_at_a_whole_character(void **state)
{
	int64_t f[RF__COUNT] = {0};
	struct report_sentence_in in = {"全市", "重点地区来溧人员", 20200205, 960, f, false};
	char out[40];

	(void)state;
	assert_false(report_sentence(&in, out, sizeof out));
	assert_true(strlen(out) < sizeof out);
	/* every character whole: 3-byte CJK or ASCII digits */
	assert_int_equal(strncmp(out, "截至2月5日16时，", strlen("截至2月5日16时，")), 0);
	for (size_t i = 0; out[i];) {
		unsigned char c = (unsigned char)out[i];
		size_t k = c >= 0xE0 ? 3 : 1;
		assert_true(i + k <= strlen(out));
		i += k;
	}
	assert_false(report_sentence(&in, out, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cutoffs_a_county_may_choose),
		cmocka_unit_test(test_day_under_a_1600_cutoff),
		cmocka_unit_test(test_day_under_1800_and_2400),
		cmocka_unit_test(test_changed_cutoff_keeps_windows_back_to_back),
		cmocka_unit_test(test_metric_and_figure_names),
		cmocka_unit_test(test_figures_follow_from_counts),
		cmocka_unit_test(test_series_runs_on_from_before),
		cmocka_unit_test(test_completeness_and_timeliness),
		cmocka_unit_test(test_area_words_and_subject),
		cmocka_unit_test(test_sentence_in_the_register_of_county_offices),
		cmocka_unit_test(test_sentence_cut_at_a_whole_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
