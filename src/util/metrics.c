/* metrics — see metrics.h. */
#include "util/metrics.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/arena.h"

const struct metrics_bounds metrics_seconds = {
	.n = 13,
	.le = {1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000,
	       5000000, 10000000},
	.decimals = 6,
};

const struct metrics_bounds metrics_sizes = {
	.n = 11,
	.le = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
	.decimals = 0,
};

void metrics_observe(struct metrics_hist *h, const struct metrics_bounds *b, int64_t v)
{
	int i = 0;

	if (v < 0)
		v = 0;
	while (i < b->n && v > b->le[i])
		i++;
	atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum, (uint_fast64_t)v, memory_order_relaxed);
}

void metrics_snap(const struct metrics_hist *h, const struct metrics_bounds *b,
		  struct metrics_hist_snap *out)
{
	memset(out, 0, sizeof *out);
	out->b = b;
	for (int i = 0; i <= b->n; i++)
		out->bucket[i] = atomic_load_explicit(&h->bucket[i], memory_order_relaxed);
	out->sum = atomic_load_explicit(&h->sum, memory_order_relaxed);
}

void metrics_put(struct buf *b, const char *s, size_t n)
{
	if (!buf_append(b, s, n))
		fk_oom();
}

static void puts_(struct buf *b, const char *s)
{
	metrics_put(b, s, strlen(s));
}

/* Escapes \ and newline (and " when quoted: label values). */
static void escaped(struct buf *b, const char *s, bool quoted)
{
	for (const char *p = s; *p; p++) {
		if (*p == '\\')
			puts_(b, "\\\\");
		else if (*p == '\n')
			puts_(b, "\\n");
		else if (quoted && *p == '"')
			puts_(b, "\\\"");
		else
			metrics_put(b, p, 1);
	}
}

void metrics_family(struct buf *b, const char *name, const char *type, const char *help)
{
	puts_(b, "# HELP ");
	puts_(b, name);
	puts_(b, " ");
	escaped(b, help, false);
	puts_(b, "\n# TYPE ");
	puts_(b, name);
	puts_(b, " ");
	puts_(b, type);
	puts_(b, "\n");
}

/* name{labels[,extra_k="extra_v"]} */
static void head(struct buf *b, const char *name, const char *suffix, const char *const *labels,
		 const char *extra_k, const char *extra_v)
{
	bool any = false;

	puts_(b, name);
	puts_(b, suffix);
	for (const char *const *l = labels; l && l[0] && l[1]; l += 2) {
		puts_(b, any ? "," : "{");
		puts_(b, l[0]);
		puts_(b, "=\"");
		escaped(b, l[1], true);
		puts_(b, "\"");
		any = true;
	}
	if (extra_k) {
		puts_(b, any ? "," : "{");
		puts_(b, extra_k);
		puts_(b, "=\"");
		escaped(b, extra_v, true);
		puts_(b, "\"");
		any = true;
	}
	if (any)
		puts_(b, "}");
}

static void value_d(struct buf *b, double v)
{
	char s[40];

	if (isnan(v))
		snprintf(s, sizeof s, " NaN\n");
	else if (isinf(v))
		snprintf(s, sizeof s, " %sInf\n", v > 0 ? "+" : "-");
	else if (v == (double)(int64_t)v && fabs(v) < 9e15)
		snprintf(s, sizeof s, " %lld\n", (long long)v);
	else
		snprintf(s, sizeof s, " %.17g\n", v);
	puts_(b, s);
}

static void value_u(struct buf *b, uint64_t v)
{
	char s[32];

	snprintf(s, sizeof s, " %llu\n", (unsigned long long)v);
	puts_(b, s);
}

void metrics_sample(struct buf *b, const char *name, const char *const *labels, double v)
{
	head(b, name, "", labels, NULL, NULL);
	value_d(b, v);
}

void metrics_sample_u(struct buf *b, const char *name, const char *const *labels, uint64_t v)
{
	head(b, name, "", labels, NULL, NULL);
	value_u(b, v);
}

/* v / 10^decimals exactly, without trailing zeros ("0.0025", "1", "10", "0.00039"). */
static void fixed(char *s, size_t n, uint64_t v, int decimals)
{
	uint64_t unit = 1;
	size_t len;

	for (int i = 0; i < decimals; i++)
		unit *= 10;
	if (decimals == 0) {
		snprintf(s, n, "%llu", (unsigned long long)v);
		return;
	}
	snprintf(s, n, "%llu.%0*llu", (unsigned long long)(v / unit), decimals,
		 (unsigned long long)(v % unit));
	len = strlen(s);
	while (len && s[len - 1] == '0')
		s[--len] = '\0';
	if (len && s[len - 1] == '.')
		s[--len] = '\0';
}

void metrics_histogram(struct buf *b, const char *name, const char *const *labels,
		       const struct metrics_hist_snap *h)
{
	uint64_t cum = 0;
	char le[32], sum[40];

	for (int i = 0; i < h->b->n; i++) {
		cum += h->bucket[i];
		fixed(le, sizeof le, (uint64_t)h->b->le[i], h->b->decimals);
		head(b, name, "_bucket", labels, "le", le);
		value_u(b, cum);
	}
	cum += h->bucket[h->b->n];
	head(b, name, "_bucket", labels, "le", "+Inf");
	value_u(b, cum);
	head(b, name, "_sum", labels, NULL, NULL);
	fixed(sum, sizeof sum, h->sum, h->b->decimals);
	puts_(b, " ");
	puts_(b, sum);
	puts_(b, "\n");
	head(b, name, "_count", labels, NULL, NULL);
	value_u(b, cum);
}
