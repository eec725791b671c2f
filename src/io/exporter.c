/* exporter — see exporter.h. The jobs live in a fixed table under one mutex; a job's
 * counters are atomics its thread writes and readers poll. */
#include "io/exporter.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/uuid.h"
#include "util/workers.h"

enum job_state { JOB_FREE, JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED };

struct job {
	struct exporter *x;
	enum job_state state;
	char id[UUID_LEN + 1], user[UUID_LEN + 1], uuid[UUID_LEN + 1], hash[65], list[16];
	char path[PATH_MAX];
	struct export_task t;
	struct export_run run;
	int fd;
	int64_t size, created_at, finished_at;
};

struct exporter {
	pthread_mutex_t mu;
	pthread_cond_t ended; /* broadcast when a job is done or failed */
	atomic_bool stop;
	char *dir;
	struct workers *pool;
	struct job jobs[EXPORTER_JOBS];
};

static const char *const state_names[] = {"", "queued", "running", "done", "failed"};

static void job_clear(struct job *j)
{
	if (j->fd >= 0)
		close(j->fd);
	*j = (struct job){.x = j->x, .fd = -1};
}

static void run_job(void *item)
{
	struct job *j = item;
	struct exporter *x = j->x;
	struct stat st;
	bool ok;
	int fd = -1;

	pthread_mutex_lock(&x->mu);
	j->state = JOB_RUNNING;
	pthread_mutex_unlock(&x->mu);
	ok = j->t.run(&j->run, j->t.arg);
	if (ok)
		fd = open(j->path, O_RDONLY | O_CLOEXEC);
	unlink(j->path); /* kept open: nothing is left on disk, whatever happens next */
	if (fd >= 0 && fstat(fd, &st) != 0) {
		close(fd);
		fd = -1;
	}
	j->t.free(j->t.arg);
	j->t.arg = NULL;
	pthread_mutex_lock(&x->mu);
	j->fd = fd;
	j->size = fd >= 0 ? (int64_t)st.st_size : 0;
	j->state = fd >= 0 ? JOB_DONE : JOB_FAILED;
	j->finished_at = time_now();
	pthread_cond_broadcast(&x->ended);
	pthread_mutex_unlock(&x->mu);
	if (fd < 0)
		log_warn("export %s (%s) failed: %s", j->id, j->list,
			 *j->run.error ? j->run.error : "write error");
}

struct exporter *exporter_start(const char *dir)
{
	struct exporter *x = xcalloc(1, sizeof *x);

	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->ended, NULL);
	x->dir = xstrdup(dir);
	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		x->jobs[i].x = x;
		x->jobs[i].fd = -1;
	}
	x->pool = workers_start(EXPORTER_RUNNING, EXPORTER_JOBS, run_job);
	return x;
}

void exporter_stop(struct exporter *x)
{
	if (!x)
		return;
	atomic_store(&x->stop, true);
	workers_stop(x->pool);
	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		if (x->jobs[i].t.arg)
			x->jobs[i].t.free(x->jobs[i].t.arg);
		job_clear(&x->jobs[i]);
	}
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->ended);
	free(x->dir);
	free(x);
}

static bool active(const struct job *j)
{
	return j->state == JOB_QUEUED || j->state == JOB_RUNNING;
}

/* A slot for a new job: a free one, else the one finished longest ago; expired jobs go
 * first. NULL when every slot holds an active job. Under the mutex. */
static struct job *slot(struct exporter *x, int64_t now)
{
	struct job *best = NULL;

	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		struct job *j = &x->jobs[i];
		if (!active(j) && j->state != JOB_FREE &&
		    now - j->finished_at > EXPORTER_KEEP_SECONDS)
			job_clear(j);
	}
	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		struct job *j = &x->jobs[i];
		if (j->state == JOB_FREE)
			return j;
		if (!active(j) && (!best || j->finished_at < best->finished_at))
			best = j;
	}
	if (best)
		job_clear(best);
	return best;
}

static enum exporter_status admit(struct exporter *x, const char *user_id, const char *uuid,
				  const char *body_hash, char id[37])
{
	int running = 0;

	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		struct job *j = &x->jobs[i];
		if (j->state == JOB_FREE || strcmp(j->user, user_id))
			continue;
		if (!strcmp(j->uuid, uuid)) {
			memcpy(id, j->id, UUID_LEN + 1);
			return strcmp(j->hash, body_hash) ? EXPORTER_CONFLICT : EXPORTER_REPLAY;
		}
	}
	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		struct job *j = &x->jobs[i];
		if (active(j) && !strcmp(j->user, user_id))
			return EXPORTER_USER_BUSY;
		running += active(j);
	}
	return running >= EXPORTER_RUNNING ? EXPORTER_BUSY : EXPORTER_OK;
}

enum exporter_status exporter_submit(struct exporter *x, const char *user_id, const char *uuid,
				     const char *body_hash, const struct export_task *t,
				     char id[37])
{
	enum exporter_status st;
	struct job *j = NULL;

	pthread_mutex_lock(&x->mu);
	st = admit(x, user_id, uuid, body_hash, id);
	if (st == EXPORTER_OK && !(j = slot(x, time_now())))
		st = EXPORTER_BUSY;
	if (j) {
		j->state = JOB_QUEUED;
		uuid_v4(j->id);
		memcpy(id, j->id, UUID_LEN + 1);
		snprintf(j->user, sizeof j->user, "%s", user_id);
		snprintf(j->uuid, sizeof j->uuid, "%s", uuid);
		snprintf(j->hash, sizeof j->hash, "%s", body_hash);
		snprintf(j->list, sizeof j->list, "%s", t->list);
		snprintf(j->path, sizeof j->path, "%s/export-%s.xlsx", x->dir, j->id);
		j->t = *t;
		j->run = (struct export_run){
			.path = j->path, .tmpdir = x->dir, .id = j->id, .stop = &x->stop};
		j->created_at = time_now();
	}
	pthread_mutex_unlock(&x->mu);
	if (!j) {
		t->free(t->arg);
		return st;
	}
	if (!workers_submit(x->pool, j)) { /* stopping */
		pthread_mutex_lock(&x->mu);
		j->t.free(j->t.arg);
		job_clear(j);
		pthread_mutex_unlock(&x->mu);
		return EXPORTER_BUSY;
	}
	return EXPORTER_OK;
}

static struct job *find(struct exporter *x, const char *id, const char *user_id)
{
	for (size_t i = 0; i < EXPORTER_JOBS; i++) {
		struct job *j = &x->jobs[i];
		if (j->state != JOB_FREE && !strcmp(j->id, id) && !strcmp(j->user, user_id))
			return j;
	}
	return NULL;
}

bool exporter_state(struct exporter *x, const char *id, const char *user_id,
		    struct export_state *out)
{
	struct job *j;

	pthread_mutex_lock(&x->mu);
	if ((j = find(x, id, user_id))) {
		*out = (struct export_state){.rows_done = j->run.rows_done,
					     .rows_total = j->run.rows_total,
					     .size = j->size,
					     .created_at = j->created_at,
					     .finished_at = j->finished_at};
		snprintf(out->list, sizeof out->list, "%s", j->list);
		snprintf(out->status, sizeof out->status, "%s", state_names[j->state]);
		if (j->state == JOB_FAILED)
			snprintf(out->error, sizeof out->error, "%s", j->run.error);
	}
	pthread_mutex_unlock(&x->mu);
	return j != NULL;
}

int exporter_file(struct exporter *x, const char *id, const char *user_id, off_t *size)
{
	struct job *j;
	int fd = -1;

	pthread_mutex_lock(&x->mu);
	if ((j = find(x, id, user_id)) && j->state == JOB_DONE) {
		fd = dup(j->fd);
		*size = (off_t)j->size;
	}
	pthread_mutex_unlock(&x->mu);
	return fd;
}

bool exporter_wait(struct exporter *x, const char *id, const char *user_id)
{
	bool found = false;

	pthread_mutex_lock(&x->mu);
	for (;;) {
		const struct job *j = NULL;
		for (size_t i = 0; i < EXPORTER_JOBS && !j; i++)
			if (x->jobs[i].state != JOB_FREE && !strcmp(x->jobs[i].id, id) &&
			    !strcmp(x->jobs[i].user, user_id))
				j = &x->jobs[i];
		found = j != NULL;
		if (!j || !active(j))
			break;
		pthread_cond_wait(&x->ended, &x->mu);
	}
	pthread_mutex_unlock(&x->mu);
	return found;
}
