/* cli — what the subcommands share: their messages, opening the store, and reading their
 * options from a table (name, where the value goes, required), so that each command
 * states its options once and every command answers --help, a missing option and a stray
 * argument the same way. */
#include "cli/cli.h"

#include <assert.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "util/timeutil.h"

enum { OPTS_MAX = 16, OPT_BASE = 1000 };

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("fangkong: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

struct store *cli_open_store(const char *db, bool create, int readers)
{
	struct store_opts o = {.readers = readers, .batch_max = 256, .create = create};
	const char *err = "?";
	struct store *s;

	if (!create && !store_is_url(db) && access(db, F_OK) != 0) {
		cli_err("no database at %s (run fangkong init first) / 数据库不存在，请先运行 init",
			db);
		return NULL;
	}
	/* a command that would migrate an SQLite database backs it up first, as serve does
	 * (into backups/ beside it): a new binary's first command may be `user add` */
	if (cli_upgrade_backup(db, NULL, NULL, NULL) != EXIT_OK)
		return NULL;
	if (!(s = store_open(db, &o, &err)))
		cli_err("%s: %s", db, err);
	return s;
}

bool cli_parse(int argc, char **argv, const struct cli_opt *opts, const char *help, int *rc)
{
	struct option lo[OPTS_MAX + 2];
	size_t n;
	int c;

	for (n = 0; opts[n].name; n++) {
		assert(n < OPTS_MAX && (opts[n].value != NULL) != (opts[n].flag != NULL));
		lo[n] = (struct option){opts[n].name,
					opts[n].value ? required_argument : no_argument, 0,
					OPT_BASE + (int)n};
	}
	lo[n] = (struct option){"help", no_argument, 0, 'h'};
	lo[n + 1] = (struct option){0, 0, 0, 0};
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c >= OPT_BASE && c < OPT_BASE + (int)n) {
			const struct cli_opt *o = &opts[c - OPT_BASE];
			if (o->value)
				*o->value = optarg;
			else
				*o->flag = true;
		} else if (c == 'h') {
			fputs(help, stdout);
			*rc = EXIT_OK;
			return false;
		} else {
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	for (size_t i = 0; i < n; i++)
		if (opts[i].required && !*opts[i].value)
			goto usage;
	return true;
usage:
	fputs(help, stderr);
	*rc = EXIT_USAGE;
	return false;
}

bool cli_at(const char *at, int64_t *now)
{
	if (!at || time_parse_iso(at, now))
		return true;
	cli_err("--at: not an ISO 8601 time / 时间格式不正确: %s", at);
	return false;
}
