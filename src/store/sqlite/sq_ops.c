/* sq_ops — what the store tells the operations endpoints: its metrics (/metrics) and
 * whether it takes writes (/readyz). See store.h, "operations". */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "store/sqlite/sq.h"

/* The size of a file in bytes; 0 when it does not exist (a WAL after a clean close), -1
 * when the database is not a file we name (in memory, a URI). */
static int64_t file_bytes(const char *path, const char *suffix)
{
	char p[4096];
	struct stat st;

	if (path[0] == ':' || !strncmp(path, "file:", 5))
		return -1;
	if ((size_t)snprintf(p, sizeof p, "%s%s", path, suffix) >= sizeof p)
		return -1;
	if (stat(p, &st) != 0)
		return 0;
	return (int64_t)st.st_size;
}

void store_metrics(struct store *s, struct store_metrics *out)
{
	memset(out, 0, sizeof *out);
	out->pg = s->pg;
	out->schema_version = store_schema_version(s);
	out->db_bytes = out->wal_bytes = -1;
	if (s->pg) {
		struct sq_conn *c = sq_reader_get(s);
		int64_t n = -1;
		if (c && sq_one_int(c, "SELECT pg_database_size(current_database())", &n, NULL,
				    0) == STORE_OK)
			out->db_bytes = n;
		sq_reader_put(s, c);
	} else {
		out->db_bytes = file_bytes(s->path, "");
		out->wal_bytes = file_bytes(s->path, "-wal");
	}
	sq_writer_metrics(s, out);
	out->readers = s->nreaders;
	pthread_mutex_lock(&s->rmu);
	for (int i = 0; i < s->nreaders; i++)
		out->readers_busy += s->reader_busy[i];
	pthread_mutex_unlock(&s->rmu);
	out->reader_timeouts = atomic_load_explicit(&s->reader_timeouts, memory_order_relaxed);
	metrics_snap(&s->reader_wait_us, &metrics_seconds, &out->reader_wait_us);
}

/* Nothing to do: the group around it (BEGIN IMMEDIATE or PostgreSQL's write lock, and the
 * COMMIT) is the probe. */
static enum store_status noop(struct sq_conn *c, void *ctx)
{
	(void)c;
	(void)ctx;
	return STORE_OK;
}

enum store_status store_ready(struct store *s, int timeout_ms)
{
	return sq_write_timed(s, noop, NULL, timeout_ms > 0 ? timeout_ms : 1);
}
