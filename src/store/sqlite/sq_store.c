/* sq_store — opening and closing the SQLite store (the writer connection with its
 * migrations and writer thread, the pool of readers), a consistent backup while serving,
 * and the integrity check. */
#include "store/store.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite/sq.h"
#include "util/log.h"

struct store *store_open(const char *path, const struct store_opts *opts, const char **err)
{
	struct store *s = xcalloc(1, sizeof *s);
	int nreaders = opts->readers < 1 ? 1 : opts->readers > 64 ? 64 : opts->readers;

	s->path = xstrdup(path);
	pthread_mutex_init(&s->rmu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->rcond, &ca);
	pthread_condattr_destroy(&ca);
	s->reader_wait_ms = opts->reader_wait_ms > 0 ? opts->reader_wait_ms : STORE_READER_WAIT_MS;
	s->pg = sq_is_pg(path);
	if ((s->pg ? sq_pg_open(path, false, &s->wconn, err)
		   : sq_conn_open(path, opts->create, false, &s->wconn, err)) != STORE_OK)
		goto fail;
	if (!opts->no_migrate && sq_migrate(s->wconn, err) != STORE_OK)
		goto fail;
	s->readers = xcalloc((size_t)nreaders, sizeof *s->readers);
	s->reader_busy = xcalloc((size_t)nreaders, sizeof *s->reader_busy);
	for (int i = 0; i < nreaders; i++) {
		struct sq_conn *c;
		if ((s->pg ? sq_pg_open(path, true, &c, err)
			   : sq_conn_open(path, false, true, &c, err)) != STORE_OK)
			goto fail;
		s->readers[i] = *c; /* the pool holds connections by value */
		free(c);
		s->nreaders++;
	}
	s->writer = sq_writer_start(s->wconn, opts->batch_max);
	return s;
fail:
	store_close(s);
	return NULL;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	sq_news_stop(s);
	sq_writer_stop(s->writer);
	for (int i = 0; i < s->nreaders; i++)
		sq_conn_end(&s->readers[i]); /* held by value: closed, not freed */
	free(s->readers);
	free(s->reader_busy);
	sq_conn_close(s->wconn);
	pthread_mutex_destroy(&s->rmu);
	pthread_cond_destroy(&s->rcond);
	free(s->path);
	free(s);
}

enum store_status store_backup(struct store *s, const char *out_path)
{
	static const char sql[] = "VACUUM INTO ?1";
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	if (c->pg) { /* a PostgreSQL database is backed up by pg_dump or its replication */
		sq_reader_put(s, c);
		return STORE_INVALID;
	}
	/* VACUUM INTO reads one consistent snapshot; it cannot run on a query_only handle. */
	sq_exec(c, "PRAGMA query_only=0");
	ss = sq_run(c, sql, SQ_PARAMS(SQ_TEXT(out_path)));
	sq_exec(c, "PRAGMA query_only=1");
	sq_reader_put(s, c);
	return ss;
}

int store_schema_version(struct store *s)
{
	struct sq_conn *c = sq_reader_get(s);
	int v;
	enum store_status ss = c ? sq_schema_version(c, &v) : STORE_BUSY;

	sq_reader_put(s, c);
	return ss == STORE_OK ? v : -1;
}

enum store_status store_integrity_check(struct store *s, char *msg, size_t msgsz)
{
	struct sq_conn *c = sq_reader_get(s);
	/* PostgreSQL checks its pages itself (and with data checksums, on every read): what
	 * is asked of it here is that it answers */
	static const char sql[] = "PRAGMA integrity_check", sql_pg[] = "SELECT 'ok'";
	enum store_status ss = sq_one_text(c, c && c->pg ? sql_pg : sql, msg, msgsz, NULL, 0);

	sq_reader_put(s, c);
	if (ss == STORE_OK && strcmp(msg, "ok"))
		ss = STORE_INVALID;
	return ss;
}
