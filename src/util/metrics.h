/* metrics — counters and histograms kept in C11 atomics, and the Prometheus text exposition
 * format 0.0.4 that /metrics answers with.
 *
 * A histogram has fixed upper bounds (at most METRICS_MAX_BUCKETS, ascending) in integer
 * units (microseconds for latencies, plain counts for sizes); an observation is one
 * relaxed atomic add on its bucket and one on the sum: no lock, cheap enough for every
 * request. The buckets are kept per bucket and made cumulative when written, and the
 * written _count is the +Inf bucket, so the exposition is consistent even while other
 * threads observe.
 *
 * The writer functions append to a struct buf; label values are escaped (\\, \", \n) and
 * HELP text too (\\, \n). Names are the caller's constants and are not checked. */
#ifndef FK_METRICS_H
#define FK_METRICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define METRICS_MAX_BUCKETS 16

struct metrics_bounds {
	int n;                           /* bounds in use */
	int64_t le[METRICS_MAX_BUCKETS]; /* upper bounds, ascending, in units */
	int decimals; /* written value = units / 10^decimals (6: microseconds as seconds) */
};

/* Latency buckets in microseconds, written in seconds: .001 .0025 … 10. */
extern const struct metrics_bounds metrics_seconds;
/* Sizes (jobs in a group commit): 1 2 4 … 1024. */
extern const struct metrics_bounds metrics_sizes;

struct metrics_hist {
	atomic_uint_fast64_t bucket[METRICS_MAX_BUCKETS + 1]; /* the last one: above every bound */
	atomic_uint_fast64_t sum;                             /* in units */
};

/* A plain copy, for handing over (store_metrics) and writing. */
struct metrics_hist_snap {
	const struct metrics_bounds *b;
	uint64_t bucket[METRICS_MAX_BUCKETS + 1];
	uint64_t sum;
};

void metrics_observe(struct metrics_hist *h, const struct metrics_bounds *b, int64_t v);
void metrics_snap(const struct metrics_hist *h, const struct metrics_bounds *b,
		  struct metrics_hist_snap *out);

/* ---- the exposition ---- */

/* "# HELP name help\n# TYPE name type\n"; type is counter, gauge or histogram. */
void metrics_family(struct buf *b, const char *name, const char *type, const char *help);
/* One sample line: name{k="v",...} value. labels: NULL, or key, value, …, NULL. */
void metrics_sample(struct buf *b, const char *name, const char *const *labels, double v);
/* The same with an integer value, written exactly. */
void metrics_sample_u(struct buf *b, const char *name, const char *const *labels, uint64_t v);
/* name_bucket{…,le="…"} (cumulative, ending with +Inf), name_sum and name_count. */
void metrics_histogram(struct buf *b, const char *name, const char *const *labels,
		       const struct metrics_hist_snap *h);
/* Appends a string (the buffer's cap is large: a failure aborts as out of memory). */
void metrics_put(struct buf *b, const char *s, size_t n);

#endif
