/* cli_schema — `fangkong schema`: the whole schema as one SQL script, for a DBA to read or
 * to create a PostgreSQL database with psql, and for the tests that compare the backends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char schema_help[] =
	"usage: fangkong schema [--backend sqlite|postgresql]\n"
	"\n"
	"Prints the SQL of every migration step for the backend, each step in a transaction\n"
	"with its schema_version row, so that on an empty PostgreSQL database\n"
	"  fangkong schema --backend postgresql | psql -v ON_ERROR_STOP=1 -d DB\n"
	"creates the schema that fangkong would create.\n"
	"打印数据库结构（全部迁移步骤的 SQL，每步一个事务并记录版本号），可交给 psql 在空的\n"
	"PostgreSQL 数据库上建表，或供数据库管理员审阅。\n"
	"\n"
	"  --backend NAME   sqlite (default) or postgresql / 数据库类型，默认 sqlite\n";

int cli_schema(int argc, char **argv)
{
	const char *backend = "sqlite";
	const struct cli_opt opts[] = {{.name = "backend", .value = &backend}, {0}};
	char *sql;
	int rc = EXIT_USAGE;
	bool pg;

	if (!cli_parse(argc, argv, opts, schema_help, &rc))
		return rc;
	pg = !strcmp(backend, "postgresql") || !strcmp(backend, "postgres");
	if (!pg && strcmp(backend, "sqlite")) {
		cli_err("--backend must be sqlite or postgresql / 数据库类型应为 sqlite 或 "
			"postgresql");
		return EXIT_USAGE;
	}
	if (!(sql = store_schema_script(pg))) {
		cli_err("a migration step does not translate to %s / 迁移步骤无法转换", backend);
		return EXIT_RUNTIME;
	}
	rc = fputs(sql, stdout) < 0 || fflush(stdout) ? EXIT_RUNTIME : EXIT_OK;
	free(sql);
	return rc;
}
