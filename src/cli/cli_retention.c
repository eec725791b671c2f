/* cli_retention — `fangkong retention`: one run of the retention job (svc_retention_run) at
 * the time given (--at) or now, for cron, drills and tests that cannot wait for the
 * daily run; --dry-run only counts. It may run beside a serving server (SQLite's WAL):
 * each batch is a transaction, and what one run anonymised the other finds done. */
#include <stdio.h>

#include "cli/cli.h"
#include "service/service.h"
#include "util/arena.h"
#include "util/timeutil.h"

static const char retention_help[] =
	"usage: fangkong retention --db FILE [--at TIME] [--dry-run]\n"
	"\n"
	"Anonymises the personal data whose retention has passed (the county's settings, default\n"
	"30 days after the purpose ends: docs/privacy.md) and prints the counts per category.\n"
	"匿名化保存期限已过的个人信息（默认目的结束后 30 天，见 docs/privacy.md），输出各类数量。\n"
	"\n"
	"  --db FILE   SQLite database (or a PostgreSQL URI)\n"
	"  --at TIME   the time to run at, ISO 8601 (2026-12-07T03:00:00+08:00); default now\n"
	"  --dry-run   count what a run would anonymise; change nothing\n";

int cli_retention(int argc, char **argv)
{
	const char *db = NULL, *at = NULL;
	bool dry = false;
	const struct cli_opt opts[] = {{.name = "db", .value = &db, .required = true},
				       {.name = "at", .value = &at},
				       {.name = "dry-run", .flag = &dry},
				       {0}};
	struct principal who = svc_system_principal("");
	struct retention_run run;
	struct store *s;
	struct arena *a;
	int64_t now = time_now();
	int rc;

	if (!cli_parse(argc, argv, opts, retention_help, &rc))
		return rc;
	if (!cli_at(at, &now))
		return EXIT_USAGE;
	if (!(s = cli_open_store(db, false, 1)))
		return EXIT_RUNTIME;
	a = arena_new();
	rc = EXIT_OK;
	if (svc_retention_run(s, &who, NULL, "cli", NULL, now, dry, a, &run, NULL) != STORE_OK) {
		cli_err("the retention run stopped; run it again to go on / "
			"匿名化中断，请重新运行");
		rc = EXIT_RUNTIME;
	} else {
		printf("{\"run\":\"%s\",\"state\":\"%s\",\"counts\":%s}\n", run.id, run.state,
		       run.counts ? run.counts : "{}");
	}
	arena_free(a);
	store_close(s);
	return rc;
}
