/* cp_sql — the ceiling for the reads of bench/checkpoint_bench.sh: the statements the store
 * runs for GET /api/v1/checkpoints/stats and GET /api/v1/checkpoints
 * (src/store/sqlite/sq_checkpoint.c store_checkpoint_stats, store_checkpoint_hours and
 * store_checkpoint_list, with CHECKPOINT_COLS of sq_rows.h spelled out: copied here, keep
 * them in step), executed directly on the same database file, N times each, on one
 * connection with the server's reader settings (query_only, cache_size −16000, temp_store
 * MEMORY), prepared once as the server's statement cache does. A one-day stats request also
 * reads each checkpoint's hours of that day and the next (its shifts), as the API does.
 *
 *   cc -O2 -o cp_sql bench/cp_sql.c -lsqlite3
 *   cp_sql --db FILE --county CODE --today YYYYMMDD --back30 YYYYMMDD --back60 YYYYMMDD
 *          --tomorrow YYYYMMDD [--n 50]
 *
 * Prints per request `SQL NAME median p95 max` (ms) and the rows of its main statement. */
#define _GNU_SOURCE
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CP_COLS                                                                                    \
	"c.id, c.name, c.kind, c.area_code, coalesce(a.name, ''), c.location, c.opened_on,"        \
	" coalesce(c.closed_on, 0), c.shift_starts, c.created_at, c.updated_at,"                   \
	" coalesce(t.vehicles, 0), coalesce(t.persons, 0), coalesce(t.key_area_vehicles, 0),"      \
	" coalesce(t.key_area_persons, 0), coalesce(t.turned_back, 0), coalesce(t.clinic, 0),"     \
	" coalesce(t.handed_over, 0), coalesce(t.handovers_closed, 0), coalesce(o.n, 0)"
#define CP_FROM " FROM checkpoint c LEFT JOIN area a ON a.code = c.area_code"
#define CP_OPEN_HANDOVERS                                                                          \
	" LEFT JOIN (SELECT checkpoint_id, sum(handed_over - handovers_closed) AS n"               \
	"  FROM checkpoint_count WHERE hour = 24 GROUP BY checkpoint_id) o"                        \
	" ON o.checkpoint_id = c.id"

static const char stats_sql[] =
	"SELECT " CP_COLS CP_FROM " LEFT JOIN (SELECT checkpoint_id, sum(vehicles) "
	"AS vehicles, sum(persons) AS persons,"
	"  sum(key_area_vehicles) AS key_area_vehicles,"
	"  sum(key_area_persons) AS key_area_persons, sum(turned_back) AS turned_back,"
	"  sum(clinic) AS clinic, sum(handed_over) AS handed_over,"
	"  sum(handovers_closed) AS handovers_closed FROM checkpoint_count"
	"  WHERE hour = 24 AND day BETWEEN ?3 AND ?4 GROUP BY checkpoint_id) t"
	" ON t.checkpoint_id = c.id" CP_OPEN_HANDOVERS
	" WHERE c.area_code >= ?1 AND c.area_code < ?2 AND (?5 IS NULL OR c.id = ?5)"
	" AND c.opened_on <= ?4 AND (c.closed_on IS NULL OR c.closed_on >= ?3)"
	" ORDER BY c.area_code, c.name";
static const char hours_sql[] =
	"SELECT day, hour, vehicles, persons, key_area_vehicles, key_area_persons,"
	" turned_back, clinic, handed_over, handovers_closed FROM checkpoint_count"
	" WHERE checkpoint_id = ?1 AND day IN (?2, ?3) AND hour < 24";
static const char list_sql[] =
	"SELECT " CP_COLS CP_FROM " LEFT JOIN checkpoint_count t ON t.checkpoint_id = c.id"
	" AND t.day = ?3 AND t.hour = 24" CP_OPEN_HANDOVERS
	" WHERE c.area_code >= ?1 AND c.area_code < ?2 AND (?4 OR c.closed_on IS NULL)"
	" ORDER BY c.closed_on IS NOT NULL, c.area_code, c.name";

static sqlite3 *db;
static sqlite3_stmt *stats, *hours, *list;
static char county[16], county_end[24];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "cp_sql: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare");
	return st;
}

/* area_code_scope_end (domain/area.c): the first code after every code under scope */
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

/* steps st to its end, reading every column as the row reader does; returns the rows */
static long drain(sqlite3_stmt *st, char ids[][40], int max)
{
	long rows = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(st); i++)
			(void)sqlite3_column_text(st, i);
		if (ids && rows < max)
			snprintf(ids[rows], 40, "%s", (const char *)sqlite3_column_text(st, 0));
		rows++;
	}
	if (rc != SQLITE_DONE)
		die("step");
	sqlite3_reset(st);
	return rows;
}

/* one stats request over [from, to]; with from == to each checkpoint's shifts too */
static long stats_call(int from, int to, int tomorrow)
{
	static char ids[512][40];
	sqlite3_bind_text(stats, 1, county, -1, SQLITE_STATIC);
	sqlite3_bind_text(stats, 2, county_end, -1, SQLITE_STATIC);
	sqlite3_bind_int(stats, 3, from);
	sqlite3_bind_int(stats, 4, to);
	sqlite3_bind_null(stats, 5);
	long rows = drain(stats, ids, 512);
	if (from == to)
		for (long i = 0; i < rows && i < 512; i++) {
			sqlite3_bind_text(hours, 1, ids[i], -1, SQLITE_STATIC);
			sqlite3_bind_int(hours, 2, from);
			sqlite3_bind_int(hours, 3, tomorrow);
			drain(hours, NULL, 0);
		}
	return rows;
}

static long list_call(int today)
{
	sqlite3_bind_text(list, 1, county, -1, SQLITE_STATIC);
	sqlite3_bind_text(list, 2, county_end, -1, SQLITE_STATIC);
	sqlite3_bind_int(list, 3, today);
	sqlite3_bind_int(list, 4, 0);
	return drain(list, NULL, 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *name, double *t, int n, long rows)
{
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	/* nearest rank, as the driver's stats() */
	int m = (n + 1) / 2, p = (n * 95 + 99) / 100;
	printf("SQL %s %.2f %.2f %.2f rows=%ld\n", name, t[m - 1], t[p - 1], t[n - 1], rows);
}

int main(int argc, char **argv)
{
	int today = 0, back30 = 0, back60 = 0, tomorrow = 0, n = 50, c;
	const char *path = NULL;
	static const struct option opts[] = {{"db", 1, 0, 'd'},     {"county", 1, 0, 'c'},
					     {"today", 1, 0, 't'},  {"back30", 1, 0, '3'},
					     {"back60", 1, 0, '6'}, {"tomorrow", 1, 0, 'm'},
					     {"n", 1, 0, 'n'},      {0, 0, 0, 0}};

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': path = optarg; break;
		case 'c': snprintf(county, sizeof county, "%s", optarg); break;
		case 't': today = atoi(optarg); break;
		case '3': back30 = atoi(optarg); break;
		case '6': back60 = atoi(optarg); break;
		case 'm': tomorrow = atoi(optarg); break;
		case 'n': n = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!path || !*county || !today || !back30 || !back60 || !tomorrow || n < 1) {
		fprintf(stderr, "usage: cp_sql --db FILE --county CODE --today D --back30 D"
				" --back60 D --tomorrow D [--n N]\n");
		return 2;
	}
	scope_end(county, county_end, sizeof county_end);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_exec(db,
			 "PRAGMA query_only=1; PRAGMA busy_timeout=10000;"
			 " PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;",
			 0, 0, 0) != SQLITE_OK)
		die("open");
	stats = prep(stats_sql);
	hours = prep(hours_sql);
	list = prep(list_sql);
	double *t = malloc((size_t)n * sizeof *t);
	struct {
		const char *name;
		int from, to;
	} cases[] = {{"stats_1", today, today},
		     {"stats_30", back30, today},
		     {"stats_60", back60, today}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		long rows = 0;
		stats_call(cases[k].from, cases[k].to,
			   tomorrow); /* warm, as the server's cache is */
		for (int i = 0; i < n; i++) {
			double t0 = now_ms();
			rows = stats_call(cases[k].from, cases[k].to, tomorrow);
			t[i] = now_ms() - t0;
		}
		report(cases[k].name, t, n, rows);
	}
	long rows = list_call(today);
	for (int i = 0; i < n; i++) {
		double t0 = now_ms();
		rows = list_call(today);
		t[i] = now_ms() - t0;
	}
	report("list", t, n, rows);
	free(t);
	sqlite3_finalize(stats);
	sqlite3_finalize(hours);
	sqlite3_finalize(list);
	return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}
