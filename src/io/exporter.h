/* exporter — the jobs that write a list to a workbook in the background, with their
 * progress, for GET /exports/{id} and the file for GET /exports/{id}/file.
 *
 * A job is kept in memory (an export changes no data): submitted under the client's uuid
 * (the same uuid and body again: the same job; another body: a conflict), run on one of
 * the exporter's threads, its workbook written to a file in the exporter's folder that is
 * unlinked as soon as it is complete and kept open, so that nothing is left on disk
 * whatever happens to the process; the open file goes when the job expires (finished
 * EXPORTER_KEEP_SECONDS ago) or the exporter stops. Bounds: EXPORTER_RUNNING jobs queued
 * or running at once on the server, one per account.
 *
 * Ownership: the task's arg is the exporter's once submitted (freed by task.free). */
#ifndef FK_EXPORTER_H
#define FK_EXPORTER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum { EXPORTER_RUNNING = 2, EXPORTER_KEEP_SECONDS = 900, EXPORTER_JOBS = 64 };

struct exporter;

/* What a running job is told and tells: where to write, and how far it got. */
struct export_run {
	const char *path, *tmpdir; /* the workbook to write; libxlsxwriter's temporary files */
	const char *id;            /* the job's */
	const atomic_bool *stop;   /* set when the exporter stops: end the run early */
	_Atomic int64_t rows_done, rows_total;
	char error[48]; /* an error code (errors.def) when the run failed for a reason a user
			   can act on ("" otherwise) */
};

struct export_task {
	const char *list; /* copied */
	/* writes the workbook; false when it failed (run->error says why, if a user can act) */
	bool (*run)(struct export_run *run, void *arg);
	void (*free)(void *arg);
	void *arg;
};

enum exporter_status {
	EXPORTER_OK,       /* a new job */
	EXPORTER_REPLAY,   /* the job this uuid made */
	EXPORTER_CONFLICT, /* the uuid made a job of another body */
	EXPORTER_USER_BUSY,
	EXPORTER_BUSY,
};

struct exporter *exporter_start(const char *dir);
/* Tells running jobs to stop (run->stop), waits for them, then closes every file. */
void exporter_stop(struct exporter *x);

/* A job of user's under uuid (its request's hash body_hash); its id in id. On anything
 * but EXPORTER_OK the task is freed here. */
enum exporter_status exporter_submit(struct exporter *x, const char *user_id, const char *uuid,
				     const char *body_hash, const struct export_task *t,
				     char id[37]);

struct export_state {
	char list[16];
	char status[12]; /* queued, running, done, failed */
	char error[48];
	int64_t rows_done, rows_total, size;
	int64_t created_at, finished_at;
};
/* user's job id: false when there is none (or it is another account's). */
bool exporter_state(struct exporter *x, const char *id, const char *user_id,
		    struct export_state *out);
/* A descriptor of the finished workbook of user's job id (the caller's to close), -1 when
 * there is none; *size its length. */
int exporter_file(struct exporter *x, const char *id, const char *user_id, off_t *size);
/* Waits until user's job id is done or failed; false when there is no such job. */
bool exporter_wait(struct exporter *x, const char *id, const char *user_id);

#endif
