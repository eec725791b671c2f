/* The trend's reads against a real store: store_report_series gives each report day's
 * counts of [from, to] under a scope (not the days after `to`, not another township's) and
 * each metric's count before `from` (the running total less every day from `from` on, later
 * ones too); svc_report_trend turns them into the figures of each day, under observation
 * running on from before the first day, and keeps its bounds and the caller's scope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/observation.h"
#include "store_fixture.h"

#define COUNTY "320481"
#define TA "320481116"
#define VA "320481116200"
#define TB "320481111"

static const struct area_seed seeds[] = {
	{COUNTY, "", "溧阳市"},
	{TA, COUNTY, "社渚镇"},
	{VA, TA, "社渚村村委会"},
	{TB, COUNTY, "竹箦镇"},
};

struct count {
	const char *metric;
	int day;
	const char *area;
	int64_t n;
};
static const struct count counts[] = {
	{"pushed", 20261120, VA, 3},      {"obs_started", 20261120, VA, 2},
	{"pushed", 20261201, VA, 2},      {"obs_ended", 20261202, VA, 1},
	{"pushed", 20261203, TB, 1},      {"pushed", 20261205, VA, 4}, /* after `to` */
	{"obs_started", 20261203, TA, 1},
};

static enum store_status add_counts(struct store_tx *tx, void *ctx)
{
	enum store_status ss = STORE_OK;

	(void)ctx;
	for (size_t i = 0; ss == STORE_OK && i < sizeof counts / sizeof counts[0]; i++)
		ss = store_tx_report_count_add(tx, counts[i].metric, counts[i].day, counts[i].area,
					       counts[i].n);
	return ss;
}

static int setup(void **state)
{
	if (fixture_open(state, "report", (struct store_opts){0}, seeds, 4))
		return -1;
	struct fixture *f = *state;
	return store_run(f->s, add_counts, NULL) == STORE_OK ? 0 : -1;
}

/* The row of (day, metric), -1 when there is none. */
static int64_t point(const struct report_point *p, size_t n, int day, const char *metric)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].day == day && !strcmp(p[i].metric, metric))
			return p[i].n;
	return -1;
}

static void test_series_rows(void **state)
{
	struct fixture *f = *state;
	struct report_point *p;
	size_t n;

	assert_int_equal(store_report_series(f->s, COUNTY, 20261201, 20261203, f->a, &p, &n),
			 STORE_OK);
	assert_int_equal(point(p, n, 20261201, "pushed"), 2);
	assert_int_equal(point(p, n, 20261203, "pushed"), 1);
	assert_int_equal(point(p, n, 20261202, "obs_ended"), 1);
	assert_int_equal(point(p, n, 20261203, "obs_started"), 1);
	assert_int_equal(point(p, n, 20261205, "pushed"), -1); /* after `to` */
	assert_int_equal(point(p, n, 20261202, "pushed"), -1); /* a day without a count */
	/* before the first day: 10 pushed in all, less 2 + 1 + 4 from it on */
	assert_int_equal(point(p, n, 0, "pushed"), 3);
	assert_int_equal(point(p, n, 0, "obs_started"), 2);
	assert_int_equal(point(p, n, 0, "obs_ended"), 0);

	/* another township's counts are not the scope's */
	assert_int_equal(store_report_series(f->s, TB, 20261201, 20261203, f->a, &p, &n), STORE_OK);
	assert_int_equal(point(p, n, 20261203, "pushed"), 1);
	assert_int_equal(point(p, n, 0, "pushed"), 0);
	assert_int_equal(point(p, n, 20261201, "pushed"), -1);
}

static void test_trend_figures(void **state)
{
	struct fixture *f = *state;
	const struct principal county = {.user_id = "00000000-0000-4000-8000-000000000001",
					 .username = "county",
					 .role = ROLE_COMMANDER,
					 .area = COUNTY,
					 .ip = "127.0.0.1",
					 .request_id = "r1"};
	struct principal town = county;
	struct report_trend t;
	int64_t now = obs_midnight(20261203) + 10 * 3600; /* 10:00 of 3 December */

	town.area = TB;
	assert_int_equal(svc_report_trend(f->s, &county, COUNTY, 3, now, f->a, &t), STORE_OK);
	assert_int_equal(t.from, 20261201);
	assert_int_equal(t.to, 20261203);
	assert_int_equal(t.ndays, 3);
	assert_int_equal(t.days[1], 20261202);
	assert_int_equal(t.fig[0][RF_SCREENED_NEW], 2);
	assert_int_equal(t.fig[0][RF_SCREENED_TOTAL], 5);
	assert_int_equal(t.fig[0][RF_OBSERVATION_ACTIVE], 2);
	assert_int_equal(t.fig[1][RF_SCREENED_NEW], 0);
	assert_int_equal(t.fig[1][RF_OBSERVATION_ACTIVE], 1);
	assert_int_equal(t.fig[2][RF_SCREENED_NEW], 1);
	assert_int_equal(t.fig[2][RF_SCREENED_TOTAL], 6); /* not the 4 of 5 December */
	assert_int_equal(t.fig[2][RF_OBSERVATION_ACTIVE], 2);
	assert_int_equal(t.fig[2][RF_OBSERVATION_NEW], 1);

	/* 90 days at most; the caller's scope; an area that is not there */
	assert_int_equal(svc_report_trend(f->s, &county, COUNTY, 90, now, f->a, &t), STORE_OK);
	assert_int_equal(t.fig[89][RF_SCREENED_TOTAL], 6);
	assert_int_equal(t.fig[0][RF_SCREENED_TOTAL], 0);
	assert_int_equal(svc_report_trend(f->s, &county, COUNTY, 91, now, f->a, &t), STORE_INVALID);
	assert_int_equal(svc_report_trend(f->s, &county, COUNTY, 0, now, f->a, &t), STORE_INVALID);
	assert_int_equal(svc_report_trend(f->s, &town, COUNTY, 3, now, f->a, &t), STORE_DENIED);
	assert_int_equal(svc_report_trend(f->s, &town, TB, 3, now, f->a, &t), STORE_OK);
	assert_int_equal(t.fig[2][RF_SCREENED_TOTAL], 1);
	assert_int_equal(svc_report_trend(f->s, &county, "320481999", 3, now, f->a, &t),
			 STORE_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_rows),
		cmocka_unit_test(test_trend_figures),
	};
	return cmocka_run_group_tests(tests, setup, fixture_close);
}
