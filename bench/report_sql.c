/* report_sql — the ceiling for bench/report_bench.sh: the statements the store runs for the
 * daily report, the observation board and the reporting rates (src/store/sqlite/sq_report.c
 * and sq_obs_board.c, copied here: keep them in step), executed directly on the same
 * database file, N times each, on one connection with the server's reader settings
 * (src/store/sqlite/sq_db.c: query_only, cache_size −16000, temp_store MEMORY, no mmap),
 * statements prepared once as the server's statement cache does. What is left between this
 * and the server's own time is HTTP, the session, the use case, JSON and the area reads.
 *
 *   cc -O2 -o report_sql bench/report_sql.c -lsqlite3
 *   report_sql --db FILE --county CODE --township CODE --today YYYY-MM-DD
 *              --back YYYY-MM-DD [--n 200] [--variant before|after]
 *
 * --variant picks the report's statements: before (sums: an OR of two ranges and GROUP BY;
 * open tasks and persons to place grouped by child directly) or after (as sq_report.c does
 * now: the sums' two ranges summed here; counts per area first; the default).
 *
 * Prints per request `SQL NAME median p95 max` (ms) and, under it, each statement's median
 * and the rows it returned. */
#define _GNU_SOURCE
#include <getopt.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* sq_report.c: sums_sql before and after commit "report sums without a sort" (bench/README.md),
 * the latter with the rows of one level (counts kept in every area above their own since
 * the commit "counts rolled up"; the before query no longer matches that table):
 * before, an OR of the two ranges and GROUP BY; after, the two ranges' rows, summed in C
 * per child and metric (sum_rows() below, as sums() in sq_report.c) */
/* YYYYMMDD plus one day (domain/observation.c's obs_date_add, for the days list) */
static int next_day(int d)
{
	struct tm t = {.tm_year = d / 10000 - 1900, .tm_mon = d / 100 % 100 - 1,
		       .tm_mday = d % 100 + 1, .tm_hour = 12};
	timegm(&t);
	return (t.tm_year + 1900) * 10000 + (t.tm_mon + 1) * 100 + t.tm_mday;
}

static const char sums_after_sql[] =
	"SELECT area_code, metric, 0, n FROM report_count"
	" WHERE day = 0 AND level = ?4 AND area_code >= ?1 AND area_code < ?2"
	" UNION ALL SELECT r.area_code, r.metric, r.day, r.n FROM json_each(?5) j"
	" CROSS JOIN report_count r ON r.day = j.value AND r.level = ?4"
	" AND r.area_code >= ?1 AND r.area_code < ?2";
static const char sums_sql[] = "SELECT substr(area_code, 1, ?3), metric,"
			       " sum(CASE WHEN day = ?4 THEN n ELSE 0 END),"
			       " sum(CASE WHEN day = 0 THEN n WHEN day > ?4 THEN -n ELSE 0 END)"
			       " FROM report_count WHERE (day = 0 OR day >= ?4)"
			       " AND area_code >= ?1 AND area_code < ?2 GROUP BY 1, 2";
/* sq_report.c: now_counts (?1 scope, ?2 end, ?3 child length, ?4 now, ?5 date), before and
 * after (counted per area first; and migration 12's index task_open_area, which the
 * "before" run has not got yet) */
static const char now_tasks_before_sql[] =
	"SELECT substr(area_code, 1, ?3), count(*), 0 FROM task WHERE status = 'open'"
	" AND due_at < ?4 AND area_code >= ?1 AND area_code < ?2 GROUP BY 1";
static const char now_place_before_sql[] =
	"SELECT substr(area_code, 1, ?3), count(*), 0 FROM person WHERE status = 'to_place'"
	" AND merged_into IS NULL AND area_code >= ?1 AND area_code < ?2 GROUP BY 1";
static const char now_tasks_sql[] =
	"SELECT substr(area_code, 1, ?3), sum(n), 0 FROM (SELECT area_code, count(*) AS n"
	" FROM task WHERE status = 'open' AND area_code >= ?1 AND area_code < ?2"
	" AND due_at < ?4 GROUP BY area_code) GROUP BY 1";
static const char now_place_sql[] =
	"SELECT substr(area_code, 1, ?3), sum(n), 0 FROM (SELECT area_code, count(*) AS n"
	" FROM person WHERE status = 'to_place' AND merged_into IS NULL"
	" AND area_code >= ?1 AND area_code < ?2 GROUP BY area_code) GROUP BY 1";
static const char now_visits_sql[] =
	"SELECT substr(area_code, 1, ?3), sum(CASE WHEN metric = 'due' THEN n ELSE 0 END),"
	" sum(CASE WHEN metric = 'complete' THEN n ELSE 0 END) FROM obs_count"
	" WHERE metric IN ('due', 'complete') AND date = ?5"
	" AND area_code >= ?1 AND area_code < ?2 GROUP BY 1";
/* sq_report.c: store_daily_report_children (?3 child length, ?4 day) */
static const char children_sql[] =
	"SELECT area_code, day, version, status, figures, typed, sentence, reason,"
	" submitted_by, submitted_at, (SELECT f.on_time FROM daily_report f"
	" WHERE f.area_code = r.area_code AND f.day = r.day AND f.version = 1)"
	" FROM daily_report r WHERE day = ?4"
	" AND area_code >= ?1 AND area_code < ?2 AND length(area_code) = ?3"
	" AND version = (SELECT max(version) FROM daily_report"
	" WHERE area_code = r.area_code AND day = r.day) ORDER BY area_code";
/* sq_report.c: store_report_areas, store_daily_report_rates (?4 from, ?5 to) */
static const char areas_sql[] = "SELECT count(*), 0 FROM area WHERE code >= ?1 AND code < ?2"
				" AND length(code) = ?3";
static const char rates_sql[] =
	"SELECT count(*), coalesce(sum(on_time), 0) FROM daily_report"
	" WHERE version = 1 AND day >= ?4 AND day <= ?5"
	" AND area_code >= ?1 AND area_code < ?2 AND length(area_code) = ?3";
/* sq_obs_board.c: sum_metric_sql (?1 metric, ?2 lo, ?3 hi, ?4 scope, ?5 end, ?6 child
 * length), sum_to_place_sql */
static const char metric_sql[] = "SELECT substr(area_code, 1, ?6), sum(n) FROM obs_count"
				 " WHERE metric = ?1 AND date >= ?2 AND date <= ?3"
				 " AND area_code >= ?4 AND area_code < ?5 GROUP BY 1";
static const char to_place_sql[] = "SELECT substr(area_code, 1, ?6), count(*) FROM person"
				   " WHERE status = 'to_place' AND merged_into IS NULL"
				   " AND area_code >= ?4 AND area_code < ?5 GROUP BY 1";

static sqlite3 *db;

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* area_code_scope_end (src/domain/area_code.c): the next prefix in digit order */
static void scope_end(const char *scope, char *out, size_t size)
{
	size_t n = strlen(scope);
	snprintf(out, size, "%s", scope);
	while (n && out[n - 1] == '9')
		out[--n] = '\0';
	if (n)
		out[n - 1]++;
	else
		snprintf(out, size, "9999999999999999999");
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "report_sql: %s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
	return st;
}

struct call {
	const char *label;
	sqlite3_stmt *st;
	const char *t1; /* ?1 text; metric for the board */
	const char *scope;
	int len, i4, i5; /* child length; ?4 ?5 (report) or ?2 ?3 (board) */
	int64_t now;
	int board; /* 1: the board's binding; 2: sums_after_sql, its rows summed here */
	double sum;
	double *each;
	long rows;
};

/* the rows of sums_after_sql summed per (child prefix, metric), as sq_report.c does */
struct agg {
	char area[19], metric[16];
	int64_t day, total;
};
static struct agg aggv[4096];
static uint32_t aggslot[8192];

static long sum_rows(sqlite3_stmt *st, int len, int day)
{
	long n = 0;
	memset(aggslot, 0, sizeof aggslot);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *area = (const char *)sqlite3_column_text(st, 0);
		const char *metric = (const char *)sqlite3_column_text(st, 1);
		int d = sqlite3_column_int(st, 2);
		int64_t k = sqlite3_column_int64(st, 3);
		size_t alen = strlen(area), mlen = strlen(metric);
		uint64_t h = 1469598103934665603ull;
		if (alen > (size_t)len)
			alen = (size_t)len;
		if (alen > 18 || mlen > 15)
			continue;
		for (size_t i = 0; i < alen; i++)
			h = (h ^ (unsigned char)area[i]) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull;
		for (size_t i = 0; i < mlen; i++)
			h = (h ^ (unsigned char)metric[i]) * 1099511628211ull;
		size_t j = h & 8191;
		struct agg *r = NULL;
		for (; aggslot[j]; j = (j + 1) & 8191) {
			r = &aggv[aggslot[j] - 1];
			if (!strncmp(r->area, area, alen) && !r->area[alen] &&
			    !strcmp(r->metric, metric))
				break;
			r = NULL;
		}
		if (!r) {
			if (n == 4096)
				continue;
			r = &aggv[n];
			memset(r, 0, sizeof *r);
			memcpy(r->area, area, alen);
			memcpy(r->metric, metric, mlen);
			aggslot[j] = (uint32_t)++n;
		}
		if (d == day)
			r->day += k;
		if (d == 0)
			r->total += k;
		else if (d > day)
			r->total -= k;
	}
	return n;
}

static void run(struct call *c, int rep)
{
	char end[24];
	double t0 = now_ms();
	long rows = 0;
	int rc;

	scope_end(c->scope, end, sizeof end);
	sqlite3_reset(c->st);
	sqlite3_clear_bindings(c->st);
	if (c->board == 2) {
		sqlite3_bind_text(c->st, 1, c->scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(c->st, 2, end, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(c->st, 3, c->i4);
		sqlite3_bind_int(c->st, 4, c->len); /* the level: rows of the children only */
		{ /* the days from day to the last day counted, as sq_report.c lists them */
			static char days[16 + 9 * 800];
			size_t len = 0;
			int last = 0, n = 0;
			sqlite3_stmt *q;
			if (sqlite3_prepare_v2(sqlite3_db_handle(c->st), "SELECT max(day) FROM report_count", -1, &q, NULL) == SQLITE_OK &&
			    sqlite3_step(q) == SQLITE_ROW)
				last = sqlite3_column_int(q, 0);
			sqlite3_finalize(q);
			days[len++] = '[';
			for (int d = c->i4 > 0 ? c->i4 : 1; d <= last && n < 800; d = next_day(d), n++)
				len += (size_t)snprintf(days + len, sizeof days - len, "%s%d", n ? "," : "", d);
			days[len++] = ']';
			days[len] = 0;
			sqlite3_bind_text(c->st, 5, days, -1, SQLITE_TRANSIENT);
		}
		c->rows = sum_rows(c->st, c->len, c->i4);
		sqlite3_reset(c->st);
		c->each[rep] = now_ms() - t0;
		return;
	} else if (c->board) {
		sqlite3_bind_text(c->st, 1, c->t1, -1, SQLITE_STATIC);
		sqlite3_bind_int(c->st, 2, c->i4);
		sqlite3_bind_int(c->st, 3, c->i5);
		sqlite3_bind_text(c->st, 4, c->scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(c->st, 5, end, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(c->st, 6, c->len);
	} else {
		sqlite3_bind_text(c->st, 1, c->scope, -1, SQLITE_STATIC);
		sqlite3_bind_text(c->st, 2, end, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(c->st, 3, c->len);
		if (sqlite3_bind_parameter_count(c->st) >= 4)
			sqlite3_bind_int64(c->st, 4, c->now ? c->now : c->i4);
		if (sqlite3_bind_parameter_count(c->st) >= 5)
			sqlite3_bind_int(c->st, 5, c->i5);
	}
	while ((rc = sqlite3_step(c->st)) == SQLITE_ROW)
		rows++;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "report_sql: %s: %s\n", c->label, sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_reset(c->st);
	c->each[rep] = now_ms() - t0;
	c->rows = rows;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pick(double *v, int n, double p)
{
	int i = (int)(n * p + 0.999999);
	return v[(i < 1 ? 1 : i > n ? n : i) - 1];
}

/* runs the calls n times as one request each, prints the request's and each call's figures */
static void request(const char *name, struct call *c, int nc, int n)
{
	double *tot = calloc((size_t)n, sizeof *tot);
	for (int k = 0; k < nc; k++)
		c[k].each = calloc((size_t)n, sizeof(double));
	for (int r = 0; r < n; r++) {
		double t0 = now_ms();
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (int k = 0; k < nc; k++)
			run(&c[k], r);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		tot[r] = now_ms() - t0;
	}
	qsort(tot, (size_t)n, sizeof *tot, cmp);
	printf("SQL %s %.1f %.1f %.1f\n", name, pick(tot, n, 0.5), pick(tot, n, 0.95), tot[n - 1]);
	for (int k = 0; k < nc; k++) {
		qsort(c[k].each, (size_t)n, sizeof(double), cmp);
		printf("    %-28s median %7.2f ms  max %7.2f ms  %ld rows\n", c[k].label,
		       pick(c[k].each, n, 0.5), c[k].each[n - 1], c[k].rows);
		free(c[k].each);
	}
	free(tot);
}

static int date_int(const char *s) /* YYYY-MM-DD → YYYYMMDD */
{
	int y, m, d;
	if (sscanf(s, "%d-%d-%d", &y, &m, &d) != 3) {
		fprintf(stderr, "report_sql: bad date %s\n", s);
		exit(2);
	}
	return y * 10000 + m * 100 + d;
}

/* the report of scope for day (date): its sums, the counts read as of now, and for the
 * county the children's submissions and the rates of its reporting areas (level 9) */
static int after = 1; /* --variant after: the sums of sq_report.c since the fix */

static void report(const char *name, const char *scope, int day, int64_t now, int n)
{
	int len = (int)strlen(scope) + 3;
	struct call c[] = {
		{"sums (report_count), own level", prep(sums_after_sql), NULL, scope, len - 3, day,
		 0, 0, 2, 0, 0, 0},
		{after ? "sums (report_count), new" : "sums (report_count)",
		 prep(after ? sums_after_sql : sums_sql), NULL, scope, len, day, 0, 0,
		 after ? 2 : 0, 0, 0, 0},
		{"now: tasks overdue", prep(after ? now_tasks_sql : now_tasks_before_sql), NULL,
		 scope, len, 0, day, now, 0, 0, 0, 0},
		{"now: to place", prep(after ? now_place_sql : now_place_before_sql), NULL, scope,
		 len, 0, day, now, 0, 0, 0, 0},
		{"now: visits due/done", prep(now_visits_sql), NULL, scope, len, 0, day, now, 0, 0,
		 0, 0},
		{"children (daily_report)", prep(children_sql), NULL, scope, 9, day, 0, 0, 0, 0, 0,
		 0},
		{"areas", prep(areas_sql), NULL, scope, 9, 0, 0, 0, 0, 0, 0, 0},
		{"rates (daily_report)", prep(rates_sql), NULL, scope, 9, day, day, 0, 0, 0, 0, 0},
	};
	/* a township's children do not report: no children's submissions */
	if (len != 9) {
		sqlite3_finalize(c[4].st);
		memmove(&c[4], &c[5], 2 * sizeof c[0]);
	}
	int nc = len == 9 ? 7 : 6;
	request(name, c, nc, n);
	for (int k = 0; k < nc; k++)
		sqlite3_finalize(c[k].st);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, 0, 'd'},       {"county", required_argument, 0, 'c'},
		{"township", required_argument, 0, 't'}, {"today", required_argument, 0, 'y'},
		{"back", required_argument, 0, 'b'},     {"n", required_argument, 0, 'n'},
		{"variant", required_argument, 0, 'v'},  {0, 0, 0, 0}};
	const char *path = NULL, *county = NULL, *town = NULL, *today_s = NULL, *back_s = NULL;
	int n = 200, ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd': path = optarg; break;
		case 'c': county = optarg; break;
		case 't': town = optarg; break;
		case 'y': today_s = optarg; break;
		case 'b': back_s = optarg; break;
		case 'n': n = atoi(optarg); break;
		case 'v': after = !strcmp(optarg, "after"); break;
		default: return 2;
		}
	}
	if (!path || !county || !town || !today_s || !back_s || n < 1) {
		fprintf(stderr, "usage: report_sql --db FILE --county CODE --township CODE"
				" --today YYYY-MM-DD --back YYYY-MM-DD [--n N]\n");
		return 2;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
		    SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA query_only=1; PRAGMA busy_timeout=10000;"
			 " PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "report_sql: %s: %s\n", path, sqlite3_errmsg(db));
		return 1;
	}
	int today = date_int(today_s), back = date_int(back_s);
	int64_t now = (int64_t)time(NULL);

	report("county_today", county, today, now, n);
	report("county_back30", county, back, now, n);
	report("township_today", town, today, now, n);

	/* the board (store_obs_board): its plan, to place, and the overdue slots of today
	 * whose deadline (12:00, 21:00 Asia/Shanghai) has passed */
	static const char *const plan[][2] = {{"active", "0"},      {"started", "1"},
					      {"released", "1"},    {"fevers", "1"},
					      {"alerts_open", "0"}, {"due", "1"},
					      {"complete", "1"},    {"services_open", "0"},
					      {"ending", "2"},      {"ending_alert", "2"}};
	struct call b[16];
	int nb = 0, minute = (int)(((now + 8 * 3600) % 86400) / 60);
	int len = (int)strlen(county) + 3;
	for (size_t i = 0; i < sizeof plan / sizeof plan[0]; i++) {
		int when = plan[i][1][0] - '0';
		b[nb++] = (struct call){plan[i][0],
					prep(metric_sql),
					plan[i][0],
					county,
					len,
					when == 0   ? 0
					: when == 1 ? today
						    : 1,
					when == 0 ? 0 : today,
					0,
					1,
					0,
					0,
					0};
	}
	b[nb++] = (struct call){
		"to_place (person)", prep(to_place_sql), "", county, len, 0, 0, 0, 1, 0, 0, 0};
	static const char *const slots[][2] = {{"req0", "fill0"}, {"req1", "fill1"}};
	static const int deadline[] = {12 * 60, 21 * 60};
	for (int k = 0; k < 2; k++)
		if (minute >= deadline[k])
			for (int j = 0; j < 2; j++)
				b[nb++] = (struct call){slots[k][j], prep(metric_sql),
							slots[k][j], county,
							len,         today,
							today,       0,
							1,           0,
							0,           0};
	request("board_county", b, nb, n);
	for (int k = 0; k < nb; k++)
		sqlite3_finalize(b[k].st);

	struct call r[] = {
		{"areas", prep(areas_sql), NULL, county, 9, 0, 0, 0, 0, 0, 0, 0},
		{"rates (daily_report)", prep(rates_sql), NULL, county, 9, back, today, 0, 0, 0, 0,
		 0},
	};
	request("rates_30", r, 2, n);
	sqlite3_finalize(r[0].st);
	sqlite3_finalize(r[1].st);
	sqlite3_close(db);
	return 0;
}
