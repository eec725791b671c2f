/* svc_import — imported lists (名单下发): the upload's job, the worker's status changes and
 * its batches of rows.
 *
 * The worker (io/import.c) reads an uploaded list and hands batches of rows here; each
 * batch is one transaction of the runner, as the account that uploaded the list, in its
 * area. A row goes to its file by the same rule as a form (svc_person_place): an import
 * touches no file outside the importer's area, and a number held there makes a file of the
 * importer's own, flagged for the commander over both. What the import adds: every row's
 * person gets a verification task unless one is open, a row without an ID number names a
 * file with its name and phone as a possible duplicate, and the batch commits with the
 * job's counters and last line, checked first: after a crash the import resumes after that
 * line with exact counts, and a row is never stored twice. One audit row per batch (not
 * per row) keeps an import of a million rows at the speed of its queries. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

/* The account that uploaded j, in j's area: the worker's writes are that account's. */
static struct principal worker_of(const struct import_job *j)
{
	return (struct principal){.user_id = j->user_id, .username = j->username, .area = j->area};
}

/* The job, read in the transaction: it must exist and lie in scope. */
static enum store_status job_in_tx(struct svc_ctx *x, const char *id, struct import_job *out)
{
	enum store_status ss = store_tx_import_read(x->tx, id, x->a, out);

	if (ss == STORE_OK && !svc_in_scope(x, out->area))
		return svc_deny(x->who, "import", id, NULL);
	return ss;
}

/* ---- the upload ---- */

struct create_io {
	const struct import_job *in;
	struct import_job *out;
	char *existing;
};

static enum store_status apply_create(struct svc_ctx *x)
{
	struct create_io *io = x->arg;
	struct import_job j = *io->in;
	enum store_status ss;

	j.user_id = x->who->user_id;
	j.username = x->who->username;
	snprintf(j.area, sizeof j.area, "%s", x->who->area);
	/* the same file again in the area: nothing is imported twice */
	if ((ss = store_tx_import_same_file(x->tx, j.area, j.sha256, io->existing, UUID_LEN + 1)) !=
	    STORE_OK)
		return ss;
	if (*io->existing)
		return STORE_CONFLICT;
	if ((ss = store_tx_import_insert(x->tx, &j, time_now())) != STORE_OK)
		return ss;
	return svc_changed(x, "import", io->in->id, x->who->area, NULL, NULL);
}

static enum store_status answer_create(struct svc_ctx *x)
{
	struct create_io *io = x->arg;

	return job_in_tx(x, x->object_id, io->out);
}

enum store_status svc_import_create(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const struct import_job *in,
				    struct arena *a, struct import_job *out, char *existing,
				    bool *replayed)
{
	struct create_io io = {in, out, existing};
	struct svc_write w = {"import.create", "import", idem, apply_create, answer_create, &io};

	existing[0] = '\0';
	return svc_run(s, who, &w, a, replayed);
}

/* ---- the worker's status changes ---- */

struct status_io {
	const struct import_job *j;
	const char *status, *error, *header;
	int64_t total;
};

/* Starts the job (io->header, io->total) or sets its status (io->status, io->error). */
static enum store_status apply_job(struct svc_ctx *x)
{
	struct status_io *io = x->arg;
	struct import_job j;
	enum store_status ss;

	if ((ss = job_in_tx(x, io->j->id, &j)) != STORE_OK)
		return ss;
	const char *before = NULL, *after;
	if (io->status) {
		ss = store_tx_import_set_status(x->tx, j.id, io->status, io->error, time_now());
		before = svc_json(x, json_pack("{s:s}", "status", j.status));
		after = svc_json(
			x, json_pack("{s:s, s:s?}", "status", io->status, "error", io->error));
	} else {
		ss = store_tx_import_start(x->tx, j.id, io->header, io->total);
		after = svc_json(x, json_pack("{s:I}", "rows", (json_int_t)io->total));
	}
	svc_changed(x, "import", io->j->id, io->j->area, before, after);
	return ss;
}

/* One of the worker's writes to io->j, as the account that uploaded it. */
static enum store_status run_job(struct store *s, const char *action, struct status_io *io)
{
	struct principal who = worker_of(io->j);
	struct arena *a = arena_new();
	struct svc_write w = {action, NULL, NULL, apply_job, NULL, io};
	enum store_status ss = svc_run(s, &who, &w, a, NULL);

	arena_free(a);
	return ss;
}

enum store_status svc_import_start(struct store *s, const struct import_job *j, const char *header,
				   int64_t total)
{
	struct status_io io = {.j = j, .header = header, .total = total};

	return run_job(s, "import.start", &io);
}

enum store_status svc_import_status(struct store *s, const struct import_job *j, const char *status,
				    const char *error)
{
	struct status_io io = {.j = j, .status = status, .error = error};

	return run_job(s, "import.status", &io);
}

/* ---- one batch ---- */

struct batch_io {
	const struct import_job *j;
	const struct import_row *rows;
	size_t nrows;
	const struct import_issue *issues;
	size_t nissues;
	struct import_progress d; /* the worker's delta, completed here */
	int64_t now;
	bool setwise; /* store_import_setwise */
};

/* The timeline event's detail: which list, file and line; a possible duplicate. */
static const char *event_detail(struct svc_ctx *x, const struct import_job *j, size_t line,
				const char *other)
{
	json_t *o = json_pack("{s:s, s:s, s:I}", "import", j->id, "file", j->filename, "line",
			      (json_int_t)line);

	if (other)
		json_object_set_new(o, "possible_duplicate_of", json_string(other));
	return svc_json(x, o);
}

/* A row without an ID number names, as a possible duplicate, a file under scope with its
 * name and phone (never one elsewhere: that would name it to the importer); it never
 * merges by itself. */
static enum store_status lookalike(struct svc_ctx *x, const struct person *p, char *id, size_t sz)
{
	id[0] = '\0';
	if (*p->id_number || !*p->phone)
		return STORE_OK;
	return store_tx_person_lookalike(x->tx, p, x->who->area, id, sz);
}

/* The person's task: a new one in the row's area unless one is open (the event of the
 * row records the new list). */
static enum store_status row_task(struct svc_ctx *x, struct batch_io *io,
				  const struct import_row *row, const char *person_id)
{
	char task_id[USER_ID_LEN + 1];
	enum store_status ss = store_tx_task_open_of(x->tx, person_id, task_id, sizeof task_id);

	if (ss != STORE_OK || *task_id)
		return ss;
	uuid_v4(task_id);
	struct task_new t = {
		.id = task_id,
		.person_id = person_id,
		.import_id = io->j->id,
		.area = row->p.area,
		.defects = row->p.defects,
		.due_at = io->now + (int64_t)io->j->deadline_hours * 3600,
		.now = io->now,
		.key_area = row->p.categories & CAT_KEY_AREA,
	};
	return svc_task_new(x, &t);
}

static enum store_status import_row(struct svc_ctx *x, struct batch_io *io,
				    const struct import_row *row)
{
	char other[USER_ID_LEN + 1];
	enum store_status ss;

	if ((ss = lookalike(x, &row->p, other, sizeof other)) != STORE_OK)
		return ss;
	struct person_place pl = {
		.p = &row->p,
		.t = &row->t,
		.import_id = io->j->id,
		.kind_new = "pushed",
		.kind_known = "listed",
		.detail = event_detail(x, io->j, row->line, *other ? other : NULL),
		.now = io->now,
	};
	if ((ss = svc_person_place(x, &pl)) != STORE_OK)
		return ss;
	if (row->p.defects && *row->p.defects)
		io->d.flagged++;
	if (pl.merged)
		io->d.merged++;
	else
		io->d.imported++; /* beside a holder elsewhere too, as for an unknown person */
	if (pl.elsewhere)
		return STORE_OK; /* its task is the commander's over both, not the importer's */
	return row_task(x, io, row, pl.id);
}

static int area_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rows [from, to) of the batch that make a new file, stored set-wise (the store
 * staged them: store_tx_import_stage): what import_row and svc_person_place do for such a
 * row — a file, its journey and event, a task with its notification, the robot's message
 * of the task's area and the pushed counts — by a few statements for the whole run. */
static enum store_status merge_set(struct svc_ctx *x, struct batch_io *io,
				   const enum import_way *way, size_t from, size_t to)
{
	struct import_merge m = {
		.import_id = io->j->id,
		.user_id = x->who->user_id,
		.username = x->who->username,
		.now = io->now,
		.due_at = io->now + (int64_t)io->j->deadline_hours * 3600,
	};
	const char **areas;
	enum store_status ss;
	size_t n = 0, na = 0;

	for (size_t i = from; i < to; i++)
		n += way[i] == IMPORT_WAY_SET;
	if (!n)
		return STORE_OK;
	ss = store_tx_import_merge(x->tx, &m, (int64_t)io->rows[from].line,
				   (int64_t)io->rows[to - 1].line);
	areas = arena_alloc(x->a, n * sizeof *areas);
	for (size_t i = from; i < to && ss == STORE_OK; i++) {
		const struct person *p = &io->rows[i].p;
		if (way[i] != IMPORT_WAY_SET)
			continue;
		io->d.imported++;
		if (p->defects && *p->defects)
			io->d.flagged++;
		areas[na++] = p->area;
		ss = svc_report_add(x, RM_PUSHED, p->area, io->now, 1);
		if (ss == STORE_OK && (p->categories & CAT_KEY_AREA))
			ss = svc_report_add(x, RM_PUSHED_KEY, p->area, io->now, 1);
	}
	/* the robot's message of each area with a new task: it waits once per area */
	qsort(areas, na, sizeof *areas, area_cmp);
	for (size_t i = 0; i < na && ss == STORE_OK; i++)
		if (i == 0 || strcmp(areas[i], areas[i - 1]))
			ss = svc_notify_task_robot(x, areas[i], io->now);
	return ss;
}

/* The batch's rows: staged first; those that make a new file set-wise, the others row by
 * row, in line order except that set-wise runs go first (a row stored row by row never
 * depends on a set-wise row of a later line, but for IMPORT_WAY_AFTER, which ends a run). */
static enum store_status batch_rows(struct svc_ctx *x, struct batch_io *io)
{
	struct import_staged *st = arena_alloc(x->a, (io->nrows ? io->nrows : 1) * sizeof *st);
	enum import_way *way = arena_alloc(x->a, (io->nrows ? io->nrows : 1) * sizeof *way);
	enum store_status ss;
	size_t from = 0;

	for (size_t i = 0; i < io->nrows; i++) {
		const struct import_row *row = &io->rows[i];
		char *task_id = arena_alloc(x->a, UUID_LEN + 1);
		uuid_v4(task_id);
		st[i] = (struct import_staged){
			.row = row,
			.task_id = task_id,
			.detail = event_detail(x, io->j, row->line, NULL),
			.below = svc_notify_task_below(row->p.area),
		};
	}
	if ((ss = store_tx_import_stage(x->tx, io->j->id, st, io->nrows, way)) != STORE_OK)
		return ss;
	for (size_t i = 0; i <= io->nrows && ss == STORE_OK; i++) {
		if (i < io->nrows && way[i] != IMPORT_WAY_AFTER)
			continue;
		size_t to = i < io->nrows ? i + 1 : io->nrows;
		ss = merge_set(x, io, way, from, i);
		for (size_t k = from; k < to && ss == STORE_OK; k++)
			if (way[k] != IMPORT_WAY_SET)
				ss = import_row(x, io, &io->rows[k]);
		from = to;
	}
	return ss;
}

static enum store_status apply_batch(struct svc_ctx *x)
{
	struct batch_io *io = x->arg;
	struct import_job j;
	enum store_status ss;

	/* a run after STORE_BUSY counts again from nothing */
	io->d.imported = io->d.merged = io->d.flagged = 0;
	if ((ss = job_in_tx(x, io->j->id, &j)) != STORE_OK)
		return ss;
	if (io->d.last_line <= j.last_line)
		return STORE_CONFLICT; /* already committed: refused whole */
	if (io->setwise) {
		ss = batch_rows(x, io);
	} else {
		for (size_t i = 0; i < io->nrows && ss == STORE_OK; i++)
			ss = import_row(x, io, &io->rows[i]);
	}
	for (size_t i = 0; i < io->nissues && ss == STORE_OK; i++)
		ss = store_tx_import_issue_add(x->tx, j.id, &io->issues[i]);
	if (ss != STORE_OK || (ss = store_tx_import_progress(x->tx, j.id, &io->d)) != STORE_OK)
		return ss;
	return svc_changed(x, "import", io->j->id, io->j->area, NULL,
			   svc_json(x, json_pack("{s:I, s:I, s:I, s:I, s:I}", "imported",
						 (json_int_t)io->d.imported, "merged",
						 (json_int_t)io->d.merged, "flagged",
						 (json_int_t)io->d.flagged, "rejected",
						 (json_int_t)io->d.rejected, "last_line",
						 (json_int_t)io->d.last_line)));
}

size_t svc_import_batch_rows(struct store *s)
{
	return store_import_setwise(s) ? 10000 : 500;
}

enum store_status svc_import_batch(struct store *s, const struct import_job *j,
				   const struct import_row *rows, size_t nrows,
				   const struct import_issue *issues, size_t nissues,
				   const struct import_progress *delta, int64_t now,
				   struct arena *a)
{
	struct principal who = worker_of(j);
	struct batch_io io = {.j = j,
			      .rows = rows,
			      .nrows = nrows,
			      .issues = issues,
			      .nissues = nissues,
			      .d = *delta,
			      .now = now,
			      .setwise = store_import_setwise(s)};
	struct svc_write w = {"import.batch", NULL, NULL, apply_batch, NULL, &io};

	return svc_run(s, &who, &w, a, NULL);
}

/* ---- reads: a job in scope, the caller's jobs, a job's issues ---- */

enum store_status svc_import_get(struct store *s, const struct principal *who, const char *id,
				 struct arena *a, struct import_job *out)
{
	return svc_seen(who, store_import_get(s, id, a, out), out->area, "import", id);
}

enum store_status svc_import_list(struct store *s, const struct principal *who, int limit,
				  struct arena *a, struct import_job **out, size_t *n)
{
	return store_import_list(s, who->area, limit, a, out, n);
}

enum store_status svc_import_issues(struct store *s, const struct principal *who,
				    const struct import_job *j, int64_t after_line, int limit,
				    struct arena *a, struct import_issue **out, size_t *n)
{
	if (!svc_sees(who, j->area))
		return svc_deny(who, "import", j->id, NULL);
	return store_import_issues(s, j->id, after_line, limit, a, out, n);
}
