/* cli_copy — `fangkong copy`: a database copied to another backend (a county moving from
 * SQLite to PostgreSQL), verified by the digests `fangkong check` prints. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static const char copy_help[] =
	"usage: fangkong copy --from FILE|URL --to FILE|URL\n"
	"\n"
	"Copies every table of one database into another, ids, files, tasks, observations,\n"
	"visits, idempotency keys and audit rows as they are: an SQLite file into a\n"
	"PostgreSQL database (postgresql://user@host/db), or back. The destination is\n"
	"created or migrated first; both must be at the same schema version. Stop the server\n"
	"on the source first: the copy reads one snapshot, and what is written after it is not\n"
	"copied. A copy that was interrupted is finished by running it again: rows already\n"
	"copied are not duplicated. At the end both databases are compared table by table\n"
	"(rows and a SHA-256 digest, as `fangkong check` prints them).\n"
	"Exit 0 when the copy is complete and equal to its source, 1 otherwise.\n"
	"将一个数据库的全部数据（编号、档案、任务、居家观察、走访、幂等键、审计记录）原样复制到另一"
	"个\n"
	"数据库：SQLite 文件到 "
	"PostgreSQL，或反之。复制前请停止源数据库上的服务。中断后可重新运行，\n"
	"已复制的行不会重复。结束时逐表核对行数和摘要。\n"
	"\n"
	"  --from FILE|URL  the database copied from\n"
	"  --to FILE|URL    the database copied to (an empty one, or an interrupted copy)\n";

struct progress {
	bool tty;
	int64_t rows, changed;
	int tables;
};

static void on_table(void *ctx, const char *table, int64_t done, int64_t total, int64_t changed)
{
	struct progress *p = ctx;

	if (done < total) {
		if (p->tty)
			fprintf(stderr, "\r  %-18s %10lld / %lld", table, (long long)done,
				(long long)total);
		return;
	}
	fprintf(stderr, "%s  %-18s %10lld / %lld rows, %lld new or changed\n", p->tty ? "\r" : "",
		table, (long long)done, (long long)total, (long long)changed);
	p->rows += done;
	p->changed += changed;
	p->tables++;
}

/* Whether every table's rows and digest are the same in both (the differences on stderr). */
static bool digests_agree(struct store *a, struct store *b)
{
	struct arena *ar = arena_new();
	struct store_table_digest *x, *y;
	size_t nx, ny;
	bool same = true;

	if (store_table_digests(a, ar, &x, &nx) != STORE_OK ||
	    store_table_digests(b, ar, &y, &ny) != STORE_OK) {
		cli_err("the tables could not be read for the comparison / 无法读取数据表进行核对");
		arena_free(ar);
		return false;
	}
	for (size_t i = 0, j = 0; i < nx || j < ny;) {
		int c = i == nx ? 1 : j == ny ? -1 : strcmp(x[i].table, y[j].table);
		if (c || x[i].rows != y[j].rows || strcmp(x[i].sha256, y[j].sha256)) {
			same = false;
			cli_err("table %s differs: %lld rows in the source, %lld in the copy"
				" / 表 %s 不一致",
				c <= 0 ? x[i].table : y[j].table, c <= 0 ? (long long)x[i].rows : 0,
				c >= 0 ? (long long)y[j].rows : 0,
				c <= 0 ? x[i].table : y[j].table);
		}
		i += c <= 0;
		j += c >= 0;
	}
	arena_free(ar);
	return same;
}

int cli_copy(int argc, char **argv)
{
	const char *from = NULL, *to = NULL;
	const struct cli_opt opts[] = {{.name = "from", .value = &from, .required = true},
				       {.name = "to", .value = &to, .required = true},
				       {0}};
	struct progress p = {.tty = isatty(STDERR_FILENO)};
	struct store_copy_progress pr = {on_table, &p};
	struct store *src = NULL, *dst = NULL;
	struct timespec t0, t1;
	char err[512];
	int rc;

	if (!cli_parse(argc, argv, opts, copy_help, &rc))
		return rc;
	rc = EXIT_RUNTIME;
	if (!strcmp(from, to)) {
		cli_err("--from and --to name the same database / 源库与目标库相同");
		return EXIT_USAGE;
	}
	if (!(src = cli_open_store(from, false, 1)) || !(dst = cli_open_store(to, true, 1)))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (store_copy(src, dst, &pr, err, sizeof err) != STORE_OK) {
		cli_err("copy failed: %s (the destination must be empty or an earlier copy of the"
			" same source; it can be run again) / "
			"复制失败：目标库须为空库或同一源库此前的副本，可重新运行",
			err);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("copied %lld rows of %d tables in %.1f s, %lld of them new or changed"
	       " / 已复制 %d 个表共 %lld 行\n",
	       (long long)p.rows, p.tables, secs, (long long)p.changed, p.tables,
	       (long long)p.rows);
	if (!digests_agree(src, dst)) {
		cli_err("the copy differs from its source (see above) / 副本与源库不一致");
		goto out;
	}
	printf("verified: every table has the same rows and digest on both sides"
	       " / 核对一致：每个表的行数和摘要相同\n");
	rc = EXIT_OK;
out:
	store_close(dst);
	store_close(src);
	return rc;
}

int cli_print_digests(struct store *s)
{
	struct arena *a = arena_new();
	struct store_table_digest *d;
	size_t n;
	int rc = EXIT_OK;

	if (store_table_digests(s, a, &d, &n) != STORE_OK) {
		printf("tables: cannot be read / 无法读取数据表\n");
		rc = EXIT_RUNTIME;
	}
	for (size_t i = 0; i < n; i++)
		printf("table %-18s %10lld  %s\n", d[i].table, (long long)d[i].rows, d[i].sha256);
	arena_free(a);
	return rc;
}
