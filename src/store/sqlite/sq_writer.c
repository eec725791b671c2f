/* sq_writer — one thread owns the only writing connection and commits in groups.
 *
 * Requests queue jobs and wait. The writer takes every job waiting at that moment (up to
 * batch_max), runs them in one BEGIN IMMEDIATE … COMMIT, each inside its own savepoint so
 * that one failing job rolls back alone, and then wakes their waiters. While one group is
 * being made durable (fsync), the next one gathers: with many clients, one fsync serves
 * many writes. A job is reported done only after COMMIT returned, i.e. after the WAL was
 * synced (synchronous=FULL). If COMMIT itself fails, every job of that group fails.
 *
 * Bulk jobs (an import's batches: sq_write_bulk) are never grouped with others, and wait
 * while other jobs are queued, for one group at most: interactive writes wait at most one
 * batch, and the batches are not starved. A group of a bulk job commits without waiting
 * for the disk (SQLite synchronous=NORMAL, PostgreSQL synchronous_commit off): it is
 * durable with the next commit that waits (every other group's), and an import that loses
 * its last batches to a power cut resumes after the last line it made durable.
 *
 * Checkpoints are the writer's too (SQLite's automatic one is off): after a group has been
 * answered, when no write is waiting, or when the WAL has grown past a high-water mark
 * whatever the load. So copying the WAL back into the database is never in the path of
 * an acknowledgement unless the WAL must be kept from growing without bound. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/log.h"

struct job {
	sq_job_fn fn;
	void *ctx;
	void (*free_ctx)(void *);
	bool async, done, bulk;
	pthread_cond_t *cv; /* the waiter's own: only finished jobs are woken */
	enum store_status status;
	struct job *next;
};

enum { CHECKPOINT_IDLE_PAGES = 1000, CHECKPOINT_FORCE_PAGES = 16000 };

struct sq_writer {
	struct sq_conn *c;
	int wal_pages; /* frames in the WAL after the last commit (wal hook) */
	int batch_max;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;
	struct job *head, *tail;
	bool stopping;
	bool passed;      /* a bulk job at the head waited for a group of others */
	bool sync_normal; /* SQLite: synchronous=NORMAL is set (a bulk group) */
	bool last_bulk;   /* the last group was a bulk job's: its next one is on its way */
};

/* Transaction control through the statement cache: prepared once, not parsed per job. */
static const char sql_begin[] = "BEGIN IMMEDIATE", sql_commit[] = "COMMIT",
		  sql_rollback[] = "ROLLBACK", sql_savepoint[] = "SAVEPOINT job",
		  sql_rollback_to[] = "ROLLBACK TO job", sql_release[] = "RELEASE job";

/* On PostgreSQL the writers of every process take turns (one transaction-scoped advisory
 * lock): what a use case reads in its transaction is what it changes, as on SQLite, where
 * BEGIN IMMEDIATE takes the one write lock. */
/* PostgreSQL: the control statements of a group in as few round trips as they can share
 * (the writer's every round trip is on every waiting job's path): the group's start with
 * its first job's savepoint, one job's release with the next one's savepoint, and the
 * commit, which releases the last job's savepoint with it. */
static const char sql_pg_begin_job[] =
	"BEGIN; SELECT pg_advisory_xact_lock(" SQ_PG_WRITE_LOCK "); SAVEPOINT job",
		  sql_pg_next_job[] = "RELEASE job; SAVEPOINT job";

static enum store_status ctl(struct sq_conn *c, const char *sql)
{
	if (c->pg)
		return sq_exec(c, sql);
	return sq_run(c, sql, NULL, 0);
}

/* Runs one job in its savepoint (set by the caller on PostgreSQL, where it shares a round
 * trip). False when the transaction can no longer be trusted: the savepoint could not be
 * set, rolled back or released (a job that failed and could not be undone would otherwise
 * commit its partial writes with the group). */
static bool run_job(struct sq_conn *c, struct job *j, bool last)
{
	if (!c->pg && ctl(c, sql_savepoint) != STORE_OK)
		return false;
	bool told = c->pg_area_told; /* undone with the job */

	c->pg_stmt_sp = c->pg_doomed = false;
	j->status = j->fn(c, j->ctx);
	if (c->pg_doomed) {
		/* PostgreSQL: a statement failed and took the transaction with it: the job again
		 * from its savepoint, each write in a savepoint of its own (sq_pg.c), so that it
		 * goes on after a refused statement as on SQLite */
		c->pg_doomed = false;
		if (ctl(c, sql_rollback_to) != STORE_OK)
			return false;
		c->pg_area_told = told;
		c->pg_stmt_sp = true;
		j->status = j->fn(c, j->ctx);
		c->pg_stmt_sp = false;
	}
	if (j->status != STORE_OK && ctl(c, sql_rollback_to) != STORE_OK)
		return false;
	if (j->status != STORE_OK)
		c->pg_area_told = told;
	if (c->pg) /* the last job's savepoint goes with the commit */
		return last || sq_exec(c, sql_pg_next_job) == STORE_OK;
	return ctl(c, sql_release) == STORE_OK;
}

static int on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	((struct sq_writer *)arg)->wal_pages = pages;
	return SQLITE_OK;
}

static void maybe_checkpoint(struct sq_writer *w, bool idle)
{
	int log = 0, done = 0;

	/* after a bulk job the queue is empty only while its worker hands the next one: not idle
	 * (a checkpoint after each import batch cost a quarter of the import's time) */
	if (w->last_bulk)
		idle = false;
	if (w->c->pg || w->wal_pages < (idle ? CHECKPOINT_IDLE_PAGES : CHECKPOINT_FORCE_PAGES))
		return;
	if (sqlite3_wal_checkpoint_v2(w->c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) ==
	    SQLITE_OK)
		w->wal_pages = log - done;
}

static void run_group(struct sq_writer *w, struct job *group)
{
	bool bulk = group->bulk;

	w->last_bulk = bulk;
	enum store_status st = STORE_OK;

	if (!w->c->pg && bulk != w->sync_normal) {
		/* a group that waits is never committed without waiting */
		st = sq_exec(w->c, bulk ? "PRAGMA synchronous=NORMAL" : "PRAGMA synchronous=FULL");
		if (st == STORE_OK)
			w->sync_normal = bulk;
	}
	if (st == STORE_OK)
		st = w->c->pg ? sq_exec(w->c, sql_pg_begin_job) : ctl(w->c, sql_begin);
	if (st == STORE_OK && w->c->pg && bulk)
		st = sq_exec(w->c, "SET LOCAL synchronous_commit TO off");

	w->c->in_write = w->c->pg;
	w->c->pg_area_told = false;
	for (struct job *j = group; j && st == STORE_OK; j = j->next)
		if (!run_job(w->c, j, !j->next)) {
			log_error("a savepoint failed: the whole group is rolled back");
			st = STORE_ERROR;
		}
	if (st == STORE_OK)
		st = ctl(w->c, sql_commit);
	w->c->in_write = false;
	if (st != STORE_OK) {
		if (w->c->pg ? sq_pg_in_tx(w->c) : !sqlite3_get_autocommit(w->c->db))
			ctl(w->c, sql_rollback);
		for (struct job *j = group; j; j = j->next)
			j->status = STORE_BUSY; /* nothing kept: the client may retry */
	}
}

/* The next group: the jobs waiting, in order, up to batch_max, but a bulk job alone and
 * only when no other job waits or when it has already let one group pass. */
static struct job *take_group(struct sq_writer *w)
{
	struct job *group = NULL, **tail = &group, **pp;
	int n = 0;

	if (w->head->bulk && !w->passed) {
		for (pp = &w->head; *pp && n < w->batch_max;) {
			struct job *j = *pp;
			if (j->bulk) {
				pp = &j->next;
				continue;
			}
			*pp = j->next; /* out of the queue, into the group */
			j->next = NULL;
			*tail = j;
			tail = &j->next;
			n++;
		}
	}
	if (group) {
		w->passed = true;
	} else if (w->head->bulk) {
		group = w->head;
		w->head = group->next;
		group->next = NULL;
		w->passed = false;
	} else {
		struct job *last = w->head;
		for (n = 1; last->next && !last->next->bulk && n < w->batch_max; n++)
			last = last->next;
		group = w->head;
		w->head = last->next;
		last->next = NULL;
	}
	w->tail = w->head;
	while (w->tail && w->tail->next)
		w->tail = w->tail->next;
	return group;
}

static void finish_group(struct sq_writer *w, struct job *group)
{
	struct job *j, *next;

	pthread_mutex_lock(&w->mu);
	for (j = group; j; j = next) {
		next = j->next;
		if (j->async) {
			if (j->free_ctx)
				j->free_ctx(j->ctx);
			free(j);
		} else {
			j->done = true;
			pthread_cond_signal(j->cv);
		}
	}
	pthread_mutex_unlock(&w->mu);
}

static void *writer_main(void *arg)
{
	struct sq_writer *w = arg;

	for (;;) {
		struct job *group;

		pthread_mutex_lock(&w->mu);
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->work, &w->mu);
		if (!w->head && w->stopping) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		group = take_group(w);
		pthread_mutex_unlock(&w->mu);
		run_group(w, group);
		finish_group(w, group);
		pthread_mutex_lock(&w->mu);
		bool idle = w->head == NULL;
		pthread_mutex_unlock(&w->mu);
		maybe_checkpoint(w, idle);
	}
	return NULL;
}

struct sq_writer *sq_writer_start(struct sq_conn *c, int batch_max)
{
	struct sq_writer *w = xcalloc(1, sizeof *w);

	w->c = c;
	w->batch_max = batch_max > 0 ? batch_max : 256;
	if (!c->pg) {
		sqlite3_wal_hook(c->db, on_wal, w); /* replaces the automatic checkpoint */
		/* Each job runs in a savepoint; with an in-memory statement journal every
		 * statement of a large job (an import batch) truncated it from its start: a third
		 * of the writer's time. On a temp file SQLite skips that (bench/IMPORT.md,
		 * finding 1). */
		sq_exec(c, "PRAGMA temp_store=FILE");
		/* the writer's page cache: 64 MiB, 4× a reader's; an import's indexes are written
		 * page by page, and each miss was a read of the file (bench/IMPORT.md) */
		sq_exec(c, "PRAGMA cache_size=-65536");
		sq_exec(c, "PRAGMA journal_size_limit=67108864");
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		log_error("cannot start the writer thread");
		abort();
	}
	return w;
}

/* Runs what is queued, then stops. */
void sq_writer_stop(struct sq_writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = true;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	if (!w->c->pg)
		sqlite3_wal_hook(w->c->db, NULL, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	free(w);
}

static void enqueue(struct sq_writer *w, struct job *j)
{
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	pthread_cond_signal(&w->work);
}

static enum store_status write_job(struct store *s, sq_job_fn fn, void *ctx, bool bulk)
{
	struct sq_writer *w = s->writer;
	pthread_cond_t cv;
	struct job j = {.fn = fn, .ctx = ctx, .cv = &cv, .bulk = bulk};

	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return STORE_BUSY;
	}
	pthread_cond_init(&cv, NULL);
	enqueue(w, &j);
	while (!j.done)
		pthread_cond_wait(&cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	pthread_cond_destroy(&cv);
	return j.status;
}

size_t sq_write_waiting(struct store *s)
{
	struct sq_writer *w = s->writer;
	size_t n = 0;

	pthread_mutex_lock(&w->mu);
	for (struct job *j = w->head; j; j = j->next)
		n++;
	pthread_mutex_unlock(&w->mu);
	return n;
}

enum store_status sq_write(struct store *s, sq_job_fn fn, void *ctx)
{
	return write_job(s, fn, ctx, false);
}

enum store_status sq_write_bulk(struct store *s, sq_job_fn fn, void *ctx)
{
	return write_job(s, fn, ctx, true);
}

void sq_write_async(struct store *s, sq_job_fn fn, void *ctx, void (*free_ctx)(void *))
{
	struct sq_writer *w = s->writer;
	struct job *j = xcalloc(1, sizeof *j);

	j->fn = fn;
	j->ctx = ctx;
	j->free_ctx = free_ctx;
	j->async = true;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		if (free_ctx)
			free_ctx(ctx);
		free(j);
		return;
	}
	enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
}
