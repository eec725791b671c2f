/* metrics — see metrics.h. */
#include "http/metrics.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/server.h"
#include "io/import.h"
#include "util/arena.h"
#include "util/metrics.h"
#include "util/timeutil.h"

enum { NMETHODS = HTTP_DELETE + 1, NCLASSES = 5 };

struct http_metrics {
	const struct route *routes;
	size_t nroutes, nslots; /* slots: the routes, "other", "static" */
	atomic_int_fast64_t in_flight;
	atomic_uint_fast64_t *count;  /* [slot][method][class] */
	struct metrics_hist *latency; /* [slot] */
};

struct http_metrics *http_metrics_new(const struct route *routes, size_t nroutes)
{
	struct http_metrics *m = xcalloc(1, sizeof *m);

	m->routes = routes;
	m->nroutes = nroutes;
	m->nslots = nroutes + 2;
	m->count = xcalloc(m->nslots * NMETHODS * NCLASSES, sizeof *m->count);
	m->latency = xcalloc(m->nslots, sizeof *m->latency);
	return m;
}

void http_metrics_free(struct http_metrics *m)
{
	if (!m)
		return;
	free(m->count);
	free(m->latency);
	free(m);
}

void http_metrics_begin(struct http_metrics *m)
{
	atomic_fetch_add_explicit(&m->in_flight, 1, memory_order_relaxed);
}

void http_metrics_end(struct http_metrics *m, size_t route, enum http_method method,
		      unsigned status, int64_t us)
{
	atomic_fetch_sub_explicit(&m->in_flight, 1, memory_order_relaxed);
	if (status < 100 || status > 599 || route >= m->nslots || (unsigned)method >= NMETHODS)
		return;
	atomic_fetch_add_explicit(
		&m->count[(route * NMETHODS + (size_t)method) * NCLASSES + (status / 100 - 1)], 1,
		memory_order_relaxed);
	metrics_observe(&m->latency[route], &metrics_seconds, us);
}

static const char *slot_name(const struct http_metrics *m, size_t i)
{
	return i < m->nroutes                         ? m->routes[i].pattern
	       : i == m->nroutes + HTTP_METRICS_OTHER ? "other"
						      : "static";
}

static void render_http(const struct http_metrics *m, struct buf *b)
{
	static const char *const classes[NCLASSES] = {"1xx", "2xx", "3xx", "4xx", "5xx"};

	metrics_family(b, "fangkong_http_requests_total", "counter",
		       "HTTP requests answered, by route pattern (never the path), method and "
		       "status class; route other: no route matched, static: the console's files");
	for (size_t i = 0; i < m->nslots; i++)
		for (int k = 0; k < NMETHODS; k++)
			for (int c = 0; c < NCLASSES; c++) {
				uint64_t v = atomic_load_explicit(
					&m->count[(i * NMETHODS + (size_t)k) * NCLASSES +
						  (size_t)c],
					memory_order_relaxed);
				const char *labels[] = {
					"route",  slot_name(m, i),
					"method", http_method_name((enum http_method)k),
					"status", classes[c],
					NULL};
				if (v)
					metrics_sample_u(b, "fangkong_http_requests_total", labels,
							 v);
			}
	metrics_family(b, "fangkong_http_request_duration_seconds", "histogram",
		       "Time from a request's first byte to its reply's end, by route pattern "
		       "(routes not yet requested are left out)");
	for (size_t i = 0; i < m->nslots; i++) {
		struct metrics_hist_snap h;
		const char *labels[] = {"route", slot_name(m, i), NULL};
		uint64_t n = 0;
		metrics_snap(&m->latency[i], &metrics_seconds, &h);
		for (int k = 0; k <= h.b->n; k++)
			n += h.bucket[k];
		if (n)
			metrics_histogram(b, "fangkong_http_request_duration_seconds", labels, &h);
	}
	metrics_family(b, "fangkong_http_requests_in_flight", "gauge",
		       "HTTP requests begun and not yet finished (event streams included)");
	metrics_sample(b, "fangkong_http_requests_in_flight", NULL,
		       (double)atomic_load_explicit(&m->in_flight, memory_order_relaxed));
}

static void gauge(struct buf *b, const char *name, const char *help, double v)
{
	metrics_family(b, name, "gauge", help);
	metrics_sample(b, name, NULL, v);
}

static void counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
	metrics_family(b, name, "counter", help);
	metrics_sample_u(b, name, NULL, v);
}

static void render_store(const struct store_metrics *sm, struct buf *b)
{
	const char *ki[] = {"kind", "interactive", NULL}, *kb[] = {"kind", "bulk", NULL},
		   *ka[] = {"kind", "async", NULL};

	metrics_family(b, "fangkong_store_write_jobs_total", "counter",
		       "Write jobs queued for the writer thread: interactive (a request waits), "
		       "bulk (an import's batch), async (a denial's audit row)");
	metrics_sample_u(b, "fangkong_store_write_jobs_total", ki, sm->jobs_interactive);
	metrics_sample_u(b, "fangkong_store_write_jobs_total", kb, sm->jobs_bulk);
	metrics_sample_u(b, "fangkong_store_write_jobs_total", ka, sm->jobs_async);
	metrics_family(b, "fangkong_store_group_commit_jobs", "histogram",
		       "Jobs per group the writer ran in one transaction");
	metrics_histogram(b, "fangkong_store_group_commit_jobs", NULL, &sm->group_jobs);
	metrics_family(b, "fangkong_store_commit_duration_seconds", "histogram",
		       "Time of each COMMIT of the writer (on SQLite the WAL fsync; the empty "
		       "ones of /readyz probes included)");
	metrics_histogram(b, "fangkong_store_commit_duration_seconds", NULL, &sm->commit_us);
	counter(b, "fangkong_store_write_groups_failed_total",
		"Groups whose transaction failed (their jobs were answered busy)",
		sm->groups_failed);
	gauge(b, "fangkong_store_write_queue_depth",
	      "Write jobs waiting for the writer thread now (not the group it runs)",
	      (double)sm->queue_depth);
	gauge(b, "fangkong_store_readers", "Read-only database connections in the pool",
	      sm->readers);
	gauge(b, "fangkong_store_readers_busy", "Reader connections in use now", sm->readers_busy);
	metrics_family(b, "fangkong_store_reader_wait_seconds", "histogram",
		       "Waits for a free reader connection (only reads that had to wait; the count "
		       "is the number of waits)");
	metrics_histogram(b, "fangkong_store_reader_wait_seconds", NULL, &sm->reader_wait_us);
	counter(b, "fangkong_store_reader_timeouts_total",
		"Waits for a reader that gave up (the request was answered 503)",
		sm->reader_timeouts);
	if (sm->db_bytes >= 0)
		gauge(b, "fangkong_database_size_bytes",
		      sm->pg ? "Size of the database (PostgreSQL pg_database_size)"
			     : "Size of the SQLite database file",
		      (double)sm->db_bytes);
	if (!sm->pg && sm->wal_bytes >= 0)
		gauge(b, "fangkong_database_wal_size_bytes",
		      "Size of the SQLite write-ahead log (-wal file); not given on PostgreSQL",
		      (double)sm->wal_bytes);
	gauge(b, "fangkong_schema_version",
	      "Schema version of the database (-1: could not be read)", sm->schema_version);
	gauge(b, "fangkong_schema_version_latest", "Schema version this program migrates to",
	      store_schema_latest());
}

/* Resident memory from /proc/self/statm (its second field, in pages); -1 when unknown. */
static double resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "re");
	unsigned long long size = 0, rss = 0;
	int n;

	if (!f)
		return -1;
	n = fscanf(f, "%llu %llu", &size, &rss);
	fclose(f);
	return n == 2 ? (double)rss * (double)sysconf(_SC_PAGESIZE) : -1;
}

static double open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return (double)(n - 1); /* not the one opendir holds */
}

static void render_process(struct server *srv, struct buf *b)
{
	const char *version[] = {"version", FK_VERSION, NULL};
	double rss = resident_bytes(), fds = open_fds();

	metrics_family(b, "fangkong_build_info", "gauge",
		       "The running program's version (always 1)");
	metrics_sample(b, "fangkong_build_info", version, 1);
	gauge(b, "fangkong_process_start_time_seconds",
	      "When the server started, seconds since 1970-01-01 UTC", (double)srv->started);
	if (rss >= 0)
		gauge(b, "fangkong_process_resident_memory_bytes", "Resident memory of the process",
		      rss);
	if (fds >= 0)
		gauge(b, "fangkong_process_open_fds", "Open file descriptors of the process", fds);
	gauge(b, "fangkong_imports_running",
	      "Import jobs this server has taken and not finished (queued or running)",
	      importer_active(srv->importer));
	gauge(b, "fangkong_sessions_active",
	      "Signed-in sessions this server holds in memory and that have not expired",
	      (double)sessions_active(srv->sessions, time_now()));
}

void http_metrics_render(struct server *srv, const struct store_metrics *sm, struct buf *out)
{
	render_http(srv->metrics, out);
	render_store(sm, out);
	render_process(srv, out);
}
