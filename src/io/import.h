/* import — the background worker that turns an uploaded list into key-person files and
 * verification tasks.
 *
 * One thread takes jobs in order. A job reads its file twice, streaming both times: a
 * first pass counts rows (for the progress bar) and finds the header row under any title
 * rows; the second validates each row (domain/returnee.h) and stores batches of rows
 * through the service layer (svc_import_batch). Each batch commits with the job's
 * counters and last line, so a job interrupted by a restart resumes where it stopped:
 * importer_start() picks up every job that was queued or running. Batches are small, so
 * an import never holds the writer for long and other users' writes keep flowing. Memory
 * stays bounded: one batch of rows at a time, whatever the file's size. */
#ifndef FK_IMPORT_H
#define FK_IMPORT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct importer;

struct importer *importer_start(struct store *s);
void importer_submit(struct importer *im, const char *job_id);
/* Removes from the upload folder every file that no queued or running job needs: a list
 * left by a crash between its import's end and its deletion, or a part-received upload.
 * Call it at start, before uploads are taken. Returns how many files went, -1 when the
 * folder or the jobs cannot be read. */
int import_sweep(struct store *s, const char *dir);
/* Finishes the batch in progress and stops; unfinished jobs resume at the next start. */
void importer_stop(struct importer *im);
/* Import jobs this server has taken and not finished (queued for its workers or running). */
int importer_active(struct importer *im);

/* Runs one job to its end in the calling thread (the worker, the CLI and the tests). */
enum store_status import_run(struct store *s, const char *job_id, atomic_bool *stop);
/* The same, calling on_batch(arg, last line) in the calling thread after each committed
 * batch (a test stops an import there: at a known point, without polling). */
typedef void (*import_batch_fn)(void *arg, int64_t last_line);
enum store_status import_run_observed(struct store *s, const char *job_id, atomic_bool *stop,
				      import_batch_fn on_batch, void *arg);

#endif
