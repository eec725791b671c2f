/* cli_sweep — `fangkong sweep`: one run of the reminders the server sweeps for now and then
 * (svc_sweep), at the time given (--at) or now, for cron jobs, drills and tests that cannot
 * wait for the clock. It may run beside a serving server: both write through SQLite's WAL,
 * and a reminder is marked once per object, kind and day whoever wrote it. */
#include <stdio.h>

#include "cli/cli.h"
#include "service/service.h"
#include "util/arena.h"
#include "util/timeutil.h"

static const char sweep_help[] =
	"usage: fangkong sweep --db FILE [--at TIME]\n"
	"\n"
	"Reminds of overdue tasks, persons verified and not placed under observation and missed\n"
	"daily reports (once per object and day), and prunes old notifications; prints the\n"
	"counts. 发送逾期、待落实和漏报提醒（每人每天一次），清理旧通知。\n"
	"\n"
	"  --db FILE   SQLite database\n"
	"  --at TIME   the time to sweep at, ISO 8601 (2026-12-07T10:00:00+08:00); default now\n";

int cli_sweep(int argc, char **argv)
{
	const char *db = NULL, *at = NULL;
	const struct cli_opt opts[] = {
		{.name = "db", .value = &db, .required = true}, {.name = "at", .value = &at}, {0}};
	struct svc_sweep_result r;
	struct store *s;
	struct arena *a;
	int64_t now = time_now();
	int rc;

	if (!cli_parse(argc, argv, opts, sweep_help, &rc))
		return rc;
	if (!cli_at(at, &now))
		return EXIT_USAGE;
	if (!(s = cli_open_store(db, false, 1)))
		return EXIT_RUNTIME;
	a = arena_new();
	rc = EXIT_OK;
	if (svc_sweep(s, now, a, &r) != STORE_OK) {
		cli_err("the sweep failed / 提醒任务失败");
		rc = EXIT_RUNTIME;
	} else {
		printf("{\"task_overdue\":%lld,\"to_place\":%lld,\"visit_missed\":%lld,"
		       "\"pruned\":%lld,\"prereg_pruned\":%lld}\n",
		       (long long)r.task_overdue, (long long)r.to_place, (long long)r.visit_missed,
		       (long long)r.pruned, (long long)r.prereg_pruned);
	}
	arena_free(a);
	store_close(s);
	return rc;
}
