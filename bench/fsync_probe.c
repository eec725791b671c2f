/* fsync_probe — how many durable small writes per second this filesystem takes.
 *
 * Overwrites 4 KiB at offset 0 of FILE and calls fdatasync(2), in a loop, for SECONDS
 * (default 3), like a database commit that rewrites a page of an already sized log. Prints
 *   fdatasync: N ops in S s = R ops/s, p50 X ms, p99 Y ms
 * The file is created if missing and left in place. Build: cc -O2 -o fsync_probe fsync_probe.c */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static char page[4096];
	double seconds = argc > 2 ? atof(argv[2]) : 3.0, start, t, *lat;
	size_t n = 0, cap = 1 << 16;
	int fd;

	if (argc < 2 || seconds <= 0) {
		fprintf(stderr, "usage: fsync_probe FILE [SECONDS]\n");
		return 2;
	}
	if ((fd = open(argv[1], O_RDWR | O_CREAT, 0600)) < 0) {
		fprintf(stderr, "fsync_probe: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (!(lat = malloc(cap * sizeof *lat)))
		return 1;
	/* Size the file and make it durable first, so the loop measures overwrites only. */
	memset(page, 'x', sizeof page);
	if (pwrite(fd, page, sizeof page, 0) != (ssize_t)sizeof page || fsync(fd) != 0) {
		fprintf(stderr, "fsync_probe: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	start = t = now_s();
	while (t - start < seconds) {
		double t0 = t;

		page[n % sizeof page] ^= 1;
		if (pwrite(fd, page, sizeof page, 0) != (ssize_t)sizeof page || fdatasync(fd) != 0) {
			fprintf(stderr, "fsync_probe: %s: %s\n", argv[1], strerror(errno));
			return 1;
		}
		t = now_s();
		if (n == cap) {
			double *bigger = realloc(lat, 2 * cap * sizeof *lat);
			if (!bigger)
				return 1;
			lat = bigger;
			cap *= 2;
		}
		lat[n++] = t - t0;
	}
	close(fd);
	qsort(lat, n, sizeof *lat, cmp_double);
	printf("fdatasync: %zu ops in %.2f s = %.0f ops/s, p50 %.3f ms, p99 %.3f ms\n", n, t - start,
	       (double)n / (t - start), lat[n / 2] * 1e3, lat[(size_t)((double)n * 0.99)] * 1e3);
	free(lat);
	return 0;
}
