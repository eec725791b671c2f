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
#include "util/log.h"
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

/* The worker's batches are answered before they are durable (store_run_bulk): a batch, and
 * the job's end, go on only from where the worker left the job (left->last_line, its last
 * batch's). A stored progress short of it means answered batches were lost with a
 * transaction that did not commit: the import stops rather than skip their lines (it
 * fails; the same list imported again merges what was kept). */
static enum store_status kept_where_left(const struct import_job *stored,
					 const struct import_job *left)
{
	if (stored->last_line == left->last_line)
		return STORE_OK;
	log_error("import %s: stored up to line %lld, left at line %lld: batches were lost",
		  stored->id, (long long)stored->last_line, (long long)left->last_line);
	return STORE_ERROR;
}

/* Starts the job (io->header, io->total) or sets its status (io->status, io->error). */
static enum store_status apply_job(struct svc_ctx *x)
{
	struct status_io *io = x->arg;
	struct import_job j;
	enum store_status ss;

	if ((ss = job_in_tx(x, io->j->id, &j)) != STORE_OK)
		return ss;
	const char *before = NULL, *after;
	if (io->status && !strcmp(io->status, "done") &&
	    (ss = kept_where_left(&j, io->j)) != STORE_OK)
		return ss;
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

struct svc_import_memo {
	char **areas; /* sorted */
	size_t n;
};

struct svc_import_memo *svc_import_memo_new(void)
{
	return xcalloc(1, sizeof(struct svc_import_memo));
}

void svc_import_memo_free(struct svc_import_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->areas[i]);
	free(m->areas);
	free(m);
}

static int area_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool memo_has(const struct svc_import_memo *m, const char *area)
{
	return m && m->n && bsearch(&area, m->areas, m->n, sizeof *m->areas, area_cmp);
}

/* After the batch committed: its areas told are remembered. */
static void memo_add(struct svc_import_memo *m, const char *const *areas, size_t n)
{
	if (!m || !n)
		return;
	if (!(m->areas = realloc(m->areas, (m->n + n) * sizeof *m->areas)))
		fk_oom();
	for (size_t i = 0; i < n; i++)
		m->areas[m->n++] = xstrdup(areas[i]);
	qsort(m->areas, m->n, sizeof *m->areas, area_cmp);
}

struct batch_io {
	const struct import_job *j;
	const struct import_row *rows;
	size_t nrows;
	const struct import_issue *issues;
	size_t nissues;
	struct import_progress d; /* the worker's delta, completed here */
	int64_t now;
	struct svc_import_memo *memo;
	/* the areas of the batch's new tasks set-wise (robot_tell), then those it told */
	const char **areas;
	size_t nareas;
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

/* The rows [from, to) of the batch that make a new file, stored set-wise
 * (store_tx_import_merge): what import_row and svc_person_place do for such a row — a file,
 * its journey and event, a task with its notification and the pushed counts — by a few
 * statements for the whole run; their areas are kept for the robot (robot_tell). */
static enum store_status merge_set(struct svc_ctx *x, struct batch_io *io,
				   const struct import_staged *st, const enum import_way *way,
				   size_t from, size_t to)
{
	struct import_merge m = {
		.import_id = io->j->id,
		.area = io->j->area,
		.user_id = x->who->user_id,
		.username = x->who->username,
		.now = io->now,
		.due_at = io->now + (int64_t)io->j->deadline_hours * 3600,
	};
	struct import_staged *set;
	enum store_status ss = STORE_OK;
	size_t n = 0, na = 0;

	for (size_t i = from; i < to; i++)
		n += way[i] == IMPORT_WAY_SET;
	if (!n)
		return STORE_OK;
	set = arena_alloc(x->a, n * sizeof *set);
	for (size_t i = from; i < to; i++) {
		const struct person *p = &io->rows[i].p;
		if (way[i] != IMPORT_WAY_SET)
			continue;
		set[na++] = st[i];
		io->areas[io->nareas++] = p->area;
		io->d.imported++;
		if (p->defects && *p->defects)
			io->d.flagged++;
		if (ss == STORE_OK)
			ss = svc_report_add(x, RM_PUSHED, p->area, io->now, 1);
		if (ss == STORE_OK && (p->categories & CAT_KEY_AREA))
			ss = svc_report_add(x, RM_PUSHED_KEY, p->area, io->now, 1);
	}
	return ss == STORE_OK ? store_tx_import_merge(x->tx, &m, set, n) : ss;
}

/* The robot's message of each area with a new task of the batch set-wise: once per area and
 * list (memo); io->areas keeps the areas told. */
static enum store_status robot_tell(struct svc_ctx *x, struct batch_io *io)
{
	enum store_status ss = STORE_OK;
	size_t told = 0;

	qsort(io->areas, io->nareas, sizeof *io->areas, area_cmp);
	for (size_t i = 0; i < io->nareas && ss == STORE_OK; i++) {
		if ((i > 0 && !strcmp(io->areas[i], io->areas[i - 1])) ||
		    memo_has(io->memo, io->areas[i]))
			continue;
		ss = svc_notify_task_robot(x, io->areas[i], io->now);
		io->areas[told++] = io->areas[i];
	}
	io->nareas = told;
	return ss;
}

/* A row's two texts to compare (an ID number under its document type; a phone and a
 * name), and its index in the batch. */
struct way_key {
	const char *a, *b;
	size_t i;
};

static int way_key_cmp(const void *x, const void *y)
{
	const struct way_key *p = x, *q = y;
	int c = strcmp(p->a, q->a);

	if (!c)
		c = strcmp(p->b, q->b);
	return c ? c : (p->i > q->i) - (p->i < q->i);
}

/* The first key of k[0..n) (sorted) with texts a, b; n when none. */
static size_t way_key_find(const struct way_key *k, size_t n, const char *a, const char *b)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(k[mid].a, a);
		if (!c)
			c = strcmp(k[mid].b, b);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(k[lo].a, a) && !strcmp(k[lo].b, b) ? lo : n;
}

static bool has(const char *s)
{
	return s && *s;
}

/* How each row of the batch is stored (way[i]). Row by row: a number some file has (valid
 * or not: its holder, a file made beside a holder elsewhere, a defective number's file),
 * the later rows of a number within the batch, a row without a number but with a phone
 * (its possible duplicate is looked up row by row); of these, AFTER: no number, and a later
 * set-wise row has the same name and phone. Every other row makes a new file, set-wise. */
static enum store_status batch_ways(struct svc_ctx *x, struct batch_io *io, enum import_way *way)
{
	size_t n = io->nrows, nk = 0, nnum = 0, nheld = 0;
	struct way_key *k = arena_alloc(x->a, (n ? n : 1) * sizeof *k);
	const char **numbers = arena_alloc(x->a, (n ? n : 1) * sizeof *numbers);
	struct doc_number *held;
	enum store_status ss;

	for (size_t i = 0; i < n; i++) {
		const struct person *p = &io->rows[i].p;
		way[i] = IMPORT_WAY_SET;
		if (has(p->id_number))
			k[nk++] = (struct way_key){p->id_number, p->doc_type ? p->doc_type : "", i};
		else if (has(p->phone))
			way[i] = IMPORT_WAY_ROW;
	}
	/* a number's later rows; its first row's number is looked up */
	qsort(k, nk, sizeof *k, way_key_cmp);
	for (size_t i = 0; i < nk; i++) {
		if (i > 0 && !strcmp(k[i].a, k[i - 1].a) && !strcmp(k[i].b, k[i - 1].b))
			way[k[i].i] = IMPORT_WAY_ROW;
		if (i == 0 || strcmp(k[i].a, k[i - 1].a))
			numbers[nnum++] = k[i].a;
	}
	if (nnum &&
	    (ss = store_tx_numbers_held(x->tx, numbers, nnum, x->a, &held, &nheld)) != STORE_OK)
		return ss;
	for (size_t h = 0; h < nheld; h++)
		for (size_t i = way_key_find(k, nk, held[h].id_number, held[h].doc_type);
		     i < nk && !strcmp(k[i].a, held[h].id_number) &&
		     !strcmp(k[i].b, held[h].doc_type);
		     i++)
			way[k[i].i] = IMPORT_WAY_ROW;
	/* AFTER: by phone and name, the set-wise rows and the rows without a number */
	nk = 0;
	for (size_t i = 0; i < n; i++) {
		const struct person *p = &io->rows[i].p;
		if (has(p->phone) && (way[i] == IMPORT_WAY_SET || !has(p->id_number)))
			k[nk++] = (struct way_key){p->phone, p->name ? p->name : "", i};
	}
	qsort(k, nk, sizeof *k, way_key_cmp);
	for (size_t g = 0, e; g < nk; g = e) {
		size_t last_set = 0;
		bool any = false;
		for (e = g; e < nk && !strcmp(k[e].a, k[g].a) && !strcmp(k[e].b, k[g].b); e++)
			if (way[k[e].i] == IMPORT_WAY_SET)
				last_set = k[e].i, any = true;
		for (size_t i = g; any && i < e; i++)
			if (way[k[i].i] == IMPORT_WAY_ROW && k[i].i < last_set)
				way[k[i].i] = IMPORT_WAY_AFTER;
	}
	return STORE_OK;
}

/* The batch's rows: those that make a new file set-wise, the others row by row, in line
 * order except that set-wise runs go first (a row stored row by row never depends on a
 * set-wise row of a later line, but for IMPORT_WAY_AFTER, which ends a run). */
static enum store_status batch_rows(struct svc_ctx *x, struct batch_io *io)
{
	struct import_staged *st = arena_alloc(x->a, (io->nrows ? io->nrows : 1) * sizeof *st);
	enum import_way *way = arena_alloc(x->a, (io->nrows ? io->nrows : 1) * sizeof *way);
	enum store_status ss;
	size_t from = 0;

	if ((ss = batch_ways(x, io, way)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < io->nrows; i++) {
		const struct import_row *row = &io->rows[i];
		char *task_id = NULL;
		if (way[i] == IMPORT_WAY_SET) {
			task_id = arena_alloc(x->a, UUID_LEN + 1);
			uuid_v4(task_id);
		}
		st[i] = (struct import_staged){
			.row = row,
			.task_id = task_id,
			.detail = way[i] == IMPORT_WAY_SET ? event_detail(x, io->j, row->line, NULL)
							   : NULL,
			.below = svc_notify_task_below(row->p.area),
		};
	}
	for (size_t i = 0; i <= io->nrows && ss == STORE_OK; i++) {
		if (i < io->nrows && way[i] != IMPORT_WAY_AFTER)
			continue;
		size_t to = i < io->nrows ? i + 1 : io->nrows;
		ss = merge_set(x, io, st, way, from, i);
		for (size_t k = from; k < to && ss == STORE_OK; k++)
			if (way[k] != IMPORT_WAY_SET)
				ss = import_row(x, io, &io->rows[k]);
		from = to;
	}
	return ss == STORE_OK ? robot_tell(x, io) : ss;
}

static enum store_status apply_batch(struct svc_ctx *x)
{
	struct batch_io *io = x->arg;
	struct import_job j;
	enum store_status ss;

	/* a run after STORE_BUSY counts again from nothing */
	io->d.imported = io->d.merged = io->d.flagged = 0;
	io->nareas = 0;
	io->areas = arena_alloc(x->a, (io->nrows ? io->nrows : 1) * sizeof *io->areas);
	if ((ss = job_in_tx(x, io->j->id, &j)) != STORE_OK)
		return ss;
	if (io->d.last_line <= j.last_line)
		return STORE_CONFLICT; /* already committed: refused whole */
	if ((ss = kept_where_left(&j, io->j)) != STORE_OK)
		return ss;
	ss = batch_rows(x, io);
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
	return store_import_batch_rows(s);
}

enum store_status svc_import_batch(struct store *s, const struct import_job *j,
				   const struct import_row *rows, size_t nrows,
				   const struct import_issue *issues, size_t nissues,
				   const struct import_progress *delta, int64_t now,
				   struct svc_import_memo *memo, struct arena *a)
{
	struct principal who = worker_of(j);
	struct batch_io io = {.j = j,
			      .rows = rows,
			      .nrows = nrows,
			      .issues = issues,
			      .nissues = nissues,
			      .d = *delta,
			      .now = now,
			      .memo = memo};
	struct svc_write w = {"import.batch", NULL, NULL, apply_batch, NULL, &io};
	enum store_status ss = svc_run_bulk(s, &who, &w, a);

	if (ss == STORE_OK)
		memo_add(memo, io.areas, io.nareas);
	return ss;
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
