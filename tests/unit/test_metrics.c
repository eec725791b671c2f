/*
 * Unit tests for util/metrics, the Prometheus text exposition /metrics answers with: the
 * HELP and TYPE lines (and HELP's escaping), label values escaped (\, ", newline), integer
 * and special values, histograms with cumulative buckets ending in +Inf equal to _count,
 * exact decimal bounds and sums, observations on the bounds and beyond the last one, and
 * many threads observing at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/metrics.h"

static char *out(struct buf *b)
{
	return b->len ? b->data : "";
}

static void family_lines(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 1 << 20);
	metrics_family(&b, "fangkong_x_total", "counter", "Things done");
	assert_string_equal(out(&b), "# HELP fangkong_x_total Things done\n"
				     "# TYPE fangkong_x_total counter\n");
	buf_free(&b);
	buf_init(&b, 1 << 20);
	metrics_family(&b, "g", "gauge", "a \\ b\nc \"q\"");
	/* HELP escapes backslash and newline, not quotes */
	assert_string_equal(out(&b), "# HELP g a \\\\ b\\nc \"q\"\n# TYPE g gauge\n");
	buf_free(&b);
}

static void samples(void **state)
{
	struct buf b;
	const char *l1[] = {"route", "/api/v1/persons/{id}", "method", "GET", NULL};
	const char *esc[] = {"v", "a\"b\\c\nd", NULL};

	(void)state;
	buf_init(&b, 1 << 20);
	metrics_sample_u(&b, "c_total", NULL, 0);
	metrics_sample_u(&b, "c_total", l1, 18446744073709551615ull);
	metrics_sample(&b, "g", NULL, 1.5);
	metrics_sample(&b, "g", NULL, -3);
	metrics_sample(&b, "g", NULL, INFINITY);
	metrics_sample(&b, "g", NULL, -INFINITY);
	metrics_sample(&b, "g", NULL, NAN);
	metrics_sample(&b, "g", esc, 16179200);
	assert_string_equal(out(&b), "c_total 0\n"
				     "c_total{route=\"/api/v1/persons/{id}\",method=\"GET\"} "
				     "18446744073709551615\n"
				     "g 1.5\n"
				     "g -3\n"
				     "g +Inf\n"
				     "g -Inf\n"
				     "g NaN\n"
				     "g{v=\"a\\\"b\\\\c\\nd\"} 16179200\n");
	buf_free(&b);
}

static void histogram_seconds(void **state)
{
	static struct metrics_hist h; /* zeroed */
	struct metrics_hist_snap s;
	struct buf b;
	const char *l[] = {"route", "static", NULL};

	(void)state;
	metrics_observe(&h, &metrics_seconds, 0);        /* ≤ .001 */
	metrics_observe(&h, &metrics_seconds, 1000);     /* on the bound: ≤ .001 */
	metrics_observe(&h, &metrics_seconds, 1001);     /* ≤ .0025 */
	metrics_observe(&h, &metrics_seconds, 390);      /* ≤ .001 */
	metrics_observe(&h, &metrics_seconds, 30000000); /* beyond 10: +Inf only */
	metrics_observe(&h, &metrics_seconds, -5);       /* a clock step back: 0 */
	metrics_snap(&h, &metrics_seconds, &s);
	buf_init(&b, 1 << 20);
	metrics_histogram(&b, "lat_seconds", l, &s);
	assert_string_equal(out(&b), "lat_seconds_bucket{route=\"static\",le=\"0.001\"} 4\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.0025\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.005\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.01\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.025\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.05\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.1\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.25\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"0.5\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"1\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"2.5\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"5\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"10\"} 5\n"
				     "lat_seconds_bucket{route=\"static\",le=\"+Inf\"} 6\n"
				     "lat_seconds_sum{route=\"static\"} 30.002391\n"
				     "lat_seconds_count{route=\"static\"} 6\n");
	buf_free(&b);
}

static void histogram_sizes(void **state)
{
	static struct metrics_hist h;
	struct metrics_hist_snap s;
	struct buf b;

	(void)state;
	metrics_snap(&h, &metrics_sizes, &s); /* empty: every bucket 0 */
	buf_init(&b, 1 << 20);
	metrics_histogram(&b, "g_jobs", NULL, &s);
	assert_non_null(strstr(out(&b), "g_jobs_bucket{le=\"1\"} 0\n"));
	assert_non_null(
		strstr(out(&b), "g_jobs_bucket{le=\"+Inf\"} 0\ng_jobs_sum 0\ng_jobs_count 0\n"));
	buf_free(&b);
	for (int i = 1; i <= 3000; i++)
		metrics_observe(&h, &metrics_sizes, i % 7);
	metrics_observe(&h, &metrics_sizes, 5000);
	metrics_snap(&h, &metrics_sizes, &s);
	buf_init(&b, 1 << 20);
	metrics_histogram(&b, "g_jobs", NULL, &s);
	/* cumulative: never decreasing, +Inf == count */
	uint64_t prev = 0, v, inf = 0, count = 0;
	int buckets = 0;
	for (char *line = out(&b), *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		assert_non_null(nl);
		*nl = '\0';
		char *sp = strrchr(line, ' ');
		v = strtoull(sp + 1, NULL, 10);
		if (strstr(line, "_bucket{")) {
			assert_true(v >= prev);
			prev = v;
			buckets++;
			if (strstr(line, "le=\"+Inf\""))
				inf = v;
		} else if (strstr(line, "_count ")) {
			count = v;
		}
	}
	assert_int_equal(buckets, metrics_sizes.n + 1);
	assert_int_equal(inf, 3001);
	assert_int_equal(count, 3001);
	buf_free(&b);
}

static struct metrics_hist shared;

static void *observer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20000; i++)
		metrics_observe(&shared, &metrics_seconds, i % 3000);
	return NULL;
}

static void concurrent(void **state)
{
	pthread_t t[4];
	struct metrics_hist_snap s;
	uint64_t n = 0;

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, observer, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	metrics_snap(&shared, &metrics_seconds, &s);
	for (int i = 0; i <= s.b->n; i++)
		n += s.bucket[i];
	assert_int_equal(n, 80000);
	/* 0..2999 µs, each 20000/3000 times per thread: sum of i%3000 over 20000 */
	uint64_t sum = 0;
	for (int i = 0; i < 20000; i++)
		sum += (uint64_t)(i % 3000);
	assert_int_equal(s.sum, 4 * sum);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(family_lines),      cmocka_unit_test(samples),
		cmocka_unit_test(histogram_seconds), cmocka_unit_test(histogram_sizes),
		cmocka_unit_test(concurrent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
