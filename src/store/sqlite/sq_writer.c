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
 * batch, and the batches are not starved. On SQLite a bulk job does not commit: its
 * transaction stays open and the next bulk jobs join it, each in its own savepoint, until
 * an interactive group comes (it runs in the same transaction, and its commit makes
 * everything durable), the transaction is BULK_TX_MS old or holds BULK_TX_JOBS jobs, or
 * no job has come for BULK_IDLE_MS. So an import's pages are written to the WAL about once a
 * second, not once a batch, and a waiting write never waits for more than the batch in flight. A
 * bulk job is thus answered before it is durable: an import that loses batches (a crash, a commit
 * that failed) finds its stored progress short of where it left it and stops (svc_import.c); a
 * resumed import starts after its last durable line. On PostgreSQL, where an open transaction would
 * hold the other processes' writers, a bulk group commits without waiting for the disk
 * (synchronous_commit off): it is durable with the next commit that waits.
 *
 * Checkpoints are the writer's too (SQLite's automatic one is off): after a group has been
 * answered, when no write is waiting, or when the WAL has grown past a high-water mark
 * whatever the load. So copying the WAL back into the database is never in the path of
 * an acknowledgement unless the WAL must be kept from growing without bound. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite/sq.h"
#include "util/log.h"
#include "util/timeutil.h"

struct job {
	sq_job_fn fn;
	void *ctx;
	void (*free_ctx)(void *);
	bool async, done, bulk;
	bool abandoned;     /* a timed waiter gave up (sq_write_timed): freed by the writer */
	pthread_cond_t *cv; /* the waiter's own: only finished jobs are woken */
	enum store_status status;
	struct job *next;
};

enum { CHECKPOINT_IDLE_PAGES = 1000, CHECKPOINT_FORCE_PAGES = 16000 };
/* SQLite: how long bulk jobs keep one transaction open, at most and without a new job, and
 * how many share it at most (an import's batches: 8,192 rows) */
enum { BULK_TX_MS = 1000, BULK_IDLE_MS = 50, BULK_TX_JOBS = 32 };

struct sq_writer {
	struct sq_conn *c;
	int wal_pages; /* frames in the WAL after the last commit (wal hook) */
	int batch_max;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;
	struct job *head, *tail;
	bool stopping;
	bool passed;        /* a bulk job at the head waited for a group of others */
	bool last_bulk;     /* the last group was a bulk job's: its next one is on its way */
	bool open;          /* SQLite: bulk jobs' transaction, not yet committed */
	int64_t open_since; /* its BEGIN, time_mono_ms */
	int open_jobs;      /* bulk jobs that ran in it */
	bool closing;       /* the writer thread's copy of stopping, read outside mu */
	/* for /metrics (store_metrics): atomics, read by any thread without mu */
	atomic_uint_fast64_t jobs_interactive, jobs_bulk, jobs_async, groups_failed;
	struct metrics_hist group_jobs, commit_us;
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
	if (w->c->pg || w->open ||
	    w->wal_pages < (idle ? CHECKPOINT_IDLE_PAGES : CHECKPOINT_FORCE_PAGES))
		return;
	if (sqlite3_wal_checkpoint_v2(w->c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log, &done) ==
	    SQLITE_OK)
		w->wal_pages = log - done;
}

/* COMMIT, timed for /metrics: on SQLite with synchronous=FULL this is the WAL's fsync. */
static enum store_status commit(struct sq_writer *w)
{
	int64_t t0 = time_mono_us();
	enum store_status st = ctl(w->c, sql_commit);

	metrics_observe(&w->commit_us, &metrics_seconds, time_mono_us() - t0);
	return st;
}

/* Rolls back what is left of a transaction that failed. */
static void roll_back(struct sq_writer *w)
{
	if (w->c->pg ? sq_pg_in_tx(w->c) : !sqlite3_get_autocommit(w->c->db))
		ctl(w->c, sql_rollback);
	if (w->open)
		log_error("bulk jobs answered before their commit were rolled back; their import "
			  "stops");
	w->open = false;
}

/* SQLite: commits the bulk jobs' open transaction, if any. */
static void commit_open(struct sq_writer *w)
{
	if (!w->open)
		return;
	if (commit(w) != STORE_OK)
		roll_back(w);
	w->open = false;
}

static void run_group(struct sq_writer *w, struct job *group)
{
	bool bulk = group->bulk;
	enum store_status st = STORE_OK;
	int64_t njobs = 0;

	for (struct job *j = group; j; j = j->next)
		njobs++;
	metrics_observe(&w->group_jobs, &metrics_sizes, njobs);

	w->last_bulk = bulk;
	if (w->c->pg) {
		st = sq_exec(w->c, sql_pg_begin_job);
		if (st == STORE_OK && bulk)
			st = sq_exec(w->c, "SET LOCAL synchronous_commit TO off");
	} else if (!w->open && (st = ctl(w->c, sql_begin)) == STORE_OK) {
		w->open_since = time_mono_ms();
		w->open_jobs = 0;
	}

	w->c->in_write = w->c->pg;
	w->c->pg_area_told = false;
	for (struct job *j = group; j && st == STORE_OK; j = j->next)
		if (!run_job(w->c, j, !j->next)) {
			log_error("a savepoint failed: the whole group is rolled back");
			st = STORE_ERROR;
		}
	if (bulk && !w->c->pg)
		w->open_jobs++;
	if (st == STORE_OK && bulk && !w->c->pg && !w->closing && w->open_jobs < BULK_TX_JOBS &&
	    time_mono_ms() - w->open_since < BULK_TX_MS) {
		w->open = true; /* the next bulk job joins it */
		return;
	}
	if (st == STORE_OK)
		st = commit(w);
	w->c->in_write = false;
	if (st != STORE_OK) {
		atomic_fetch_add_explicit(&w->groups_failed, 1, memory_order_relaxed);
		roll_back(w);
		for (struct job *j = group; j; j = j->next)
			j->status = STORE_BUSY; /* nothing kept: the client may retry */
	}
	w->open = false;
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
		} else if (j->abandoned) { /* its waiter is gone: the job and its cv are ours */
			pthread_cond_destroy(j->cv);
			free(j);
		} else {
			j->done = true;
			pthread_cond_signal(j->cv);
		}
	}
	pthread_mutex_unlock(&w->mu);
}

/* Waits for a job; an open bulk transaction is committed when none has come for
 * BULK_IDLE_MS, and before the writer stops. False when the writer stops. Called and
 * returns with w->mu held. */
static bool wait_for_work(struct sq_writer *w)
{
	while (!w->head) {
		if (w->open) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += BULK_IDLE_MS * 1000000L;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			if (!w->stopping)
				pthread_cond_timedwait(&w->work, &w->mu, &until);
			if (!w->head) {
				pthread_mutex_unlock(&w->mu);
				commit_open(w);
				w->last_bulk = false; /* its worker is not waiting on it */
				maybe_checkpoint(w, true);
				pthread_mutex_lock(&w->mu);
			}
		} else if (w->stopping) {
			return false;
		} else {
			pthread_cond_wait(&w->work, &w->mu);
		}
	}
	return true;
}

static void *writer_main(void *arg)
{
	struct sq_writer *w = arg;

	for (;;) {
		struct job *group;

		pthread_mutex_lock(&w->mu);
		if (!wait_for_work(w)) {
			pthread_mutex_unlock(&w->mu);
			break;
		}
		group = take_group(w);
		w->closing = w->stopping;
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
		/* the writer's page cache: 96 MiB, 6× a reader's; an import's indexes are written
		 * page by page, each miss was a read of the file, and a bulk transaction's dirty
		 * pages beyond it are spilled to the WAL before its commit (bench/IMPORT.md) */
		sq_exec(c, "PRAGMA cache_size=-98304");
		sq_exec(c, "PRAGMA journal_size_limit=67108864");
		/* what is deleted or overwritten (the retention job's anonymised values among
		 * it) is zeroed in the file, not left in free pages for a copy of it to keep */
		sq_exec(c, "PRAGMA secure_delete=ON");
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
	atomic_fetch_add_explicit(bulk ? &w->jobs_bulk : &w->jobs_interactive, 1,
				  memory_order_relaxed);
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
	atomic_fetch_add_explicit(&w->jobs_async, 1, memory_order_relaxed);
	enqueue(w, j);
	pthread_mutex_unlock(&w->mu);
}

/* A job with its own condition variable (on CLOCK_MONOTONIC), freed by whichever of the
 * waiter and the writer is the last to need it. */
struct timed_job {
	struct job j; /* first: the writer frees a struct job */
	pthread_cond_t cv;
};

enum store_status sq_write_timed(struct store *s, sq_job_fn fn, void *ctx, int timeout_ms)
{
	struct sq_writer *w = s->writer;
	struct timed_job *t = xcalloc(1, sizeof *t);
	pthread_condattr_t ca;
	struct timespec until;
	enum store_status st;
	int rc = 0;

	t->j.fn = fn;
	t->j.ctx = ctx;
	t->j.cv = &t->cv;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		pthread_cond_destroy(&t->cv);
		free(t);
		return STORE_BUSY;
	}
	atomic_fetch_add_explicit(&w->jobs_interactive, 1, memory_order_relaxed);
	enqueue(w, &t->j);
	while (!t->j.done && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&t->cv, &w->mu, &until);
	if (!t->j.done) {
		t->j.abandoned = true; /* ctx must outlive it: the caller passes static data */
		pthread_mutex_unlock(&w->mu);
		return STORE_BUSY;
	}
	st = t->j.status;
	pthread_mutex_unlock(&w->mu);
	pthread_cond_destroy(&t->cv);
	free(t);
	return st;
}

void sq_writer_metrics(struct store *s, struct store_metrics *out)
{
	struct sq_writer *w = s->writer;

	out->jobs_interactive = atomic_load_explicit(&w->jobs_interactive, memory_order_relaxed);
	out->jobs_bulk = atomic_load_explicit(&w->jobs_bulk, memory_order_relaxed);
	out->jobs_async = atomic_load_explicit(&w->jobs_async, memory_order_relaxed);
	out->groups_failed = atomic_load_explicit(&w->groups_failed, memory_order_relaxed);
	metrics_snap(&w->group_jobs, &metrics_sizes, &out->group_jobs);
	metrics_snap(&w->commit_us, &metrics_seconds, &out->commit_us);
	out->queue_depth = sq_write_waiting(s);
}
