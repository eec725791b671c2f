/* export_ceiling — the honest ceiling of bench/export_bench.sh: the rows of the county's
 * task list read straight from SQLite and written by libxlsxwriter in constant-memory mode,
 * with nothing else (no server, no scope rule, no masking, no HTTP).
 *
 *   cc -O2 -o export_ceiling bench/export_ceiling.c -lsqlite3 -lxlsxwriter
 *   export_ceiling --db FANGKONG.db --out FILE.xlsx [--select-only]
 *
 * The query is the task list's (src/store/sqlite/sq_task.c: the task joined to its person
 * and area, open work by deadline, closed work newest first), its columns cut to the ones
 * the export writes; the cells the export's eleven: texts as string cells, times as
 * "YYYY-MM-DD HH:MM" text in Asia/Shanghai. --select-only steps the query and touches
 * every column, without writing a workbook: the read alone.
 *
 * Prints `CEILING rows=N seconds=S` (the open, every row and the close). */
#define _GNU_SOURCE
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

static const char sql[] =
	"SELECT coalesce(p.name, ''), coalesce(a.name, ''), t.area_code, t.status,"
	" coalesce(t.outcome, ''), coalesce(t.assignee, ''), t.due_at, t.created_at,"
	" coalesce(t.closed_at, 0), t.note, coalesce(t.forward_target, '')"
	" FROM task t LEFT JOIN person p ON p.id = t.person_id"
	" LEFT JOIN area a ON a.code = t.area_code"
	" WHERE t.area_code >= '320481' AND t.area_code < '320482'"
	" ORDER BY t.status = 'closed', CASE WHEN t.status = 'open' THEN t.due_at"
	" ELSE -t.closed_at END, t.id";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void when(char *s, size_t n, long long t)
{
	time_t lt = (time_t)(t + 8 * 3600);
	struct tm tm;

	s[0] = '\0';
	if (t && gmtime_r(&lt, &tm))
		strftime(s, n, "%Y-%m-%d %H:%M", &tm);
}

int main(int argc, char **argv)
{
	const char *db = NULL, *out = "ceiling.xlsx";
	int select_only = 0, c;
	static const struct option opts[] = {{"db", 1, 0, 'd'}, {"out", 1, 0, 'o'},
					     {"select-only", 0, 0, 's'}, {0, 0, 0, 0}};
	sqlite3 *h;
	sqlite3_stmt *st;
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws = NULL;
	long long rows = 0;
	double t0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': out = optarg; break;
		case 's': select_only = 1; break;
		default: return 2;
		}
	if (!db || sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "export_ceiling: cannot open or prepare (--db FILE)\n");
		return 1;
	}
	t0 = now();
	if (!select_only) {
		lxw_workbook_options o = {.constant_memory = LXW_TRUE, .tmpdir = "/tmp"};
		wb = workbook_new_opt(out, &o);
		ws = workbook_add_worksheet(wb, "核查任务");
		for (int k = 0; k < 11; k++)
			worksheet_write_string(ws, 0, (lxw_col_t)k, "title", NULL);
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		char buf[32];
		rows++;
		for (int k = 0; k < 11; k++) {
			const char *v;
			if (k >= 6 && k <= 8) {
				when(buf, sizeof buf, sqlite3_column_int64(st, k));
				v = buf;
			} else {
				v = (const char *)sqlite3_column_text(st, k);
			}
			if (!select_only && v && *v)
				worksheet_write_string(ws, (lxw_row_t)rows, (lxw_col_t)k, v, NULL);
		}
	}
	if (wb && workbook_close(wb) != LXW_NO_ERROR) {
		fprintf(stderr, "export_ceiling: workbook_close failed\n");
		return 1;
	}
	printf("CEILING rows=%lld seconds=%.2f\n", rows, now() - t0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return 0;
}
