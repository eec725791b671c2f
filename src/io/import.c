/* import — see import.h. */
#include "io/import.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/returnee.h"
#include "io/sheet.h"
#include "io/table.h"
#include "io/xlsx_template.h"
#include "service/service.h"
#include "util/log.h"
#include "util/threads.h"
#include "util/timeutil.h"
#include "util/uuid.h"
#include "util/workers.h"

enum { HEADER_SEARCH_ROWS = 30, MAX_COLS = SHEET_DEFAULT_CELLS };

struct run {
	struct store *s;
	struct import_job job;
	struct arena *a; /* lives as long as the job */
	struct returnee_ctx ctx;
	struct returnee_origin_cache origins;
	struct addr_index *addr;
	atomic_bool *stop;
	import_batch_fn on_batch; /* after each committed batch, or NULL */
	struct svc_import_memo *memo; /* what the batches remember between them */
	void *on_batch_arg;
	/* header */
	bool have_header;
	size_t header_line;
	enum table_field map[MAX_COLS];
	size_t nmap;
	json_t *header, *mapping;
	int64_t total, done;
	/* the batch being filled: at most batch rows (svc_import_batch_rows), 2 * batch issues */
	struct arena *ba;
	size_t batch;
	struct returnee *ret;
	struct import_row *rows;
	size_t nrows;
	struct import_issue *issues;
	size_t nissues;
	struct import_progress d;
	enum store_status st;
	/* the batch before it, committed by a thread of its own while this one is read (its
	 * buffers are taken again for the batch after); the next flush waits for it */
	struct flight {
		struct run *x;
		pthread_t t;
		bool flying, joinable;
		struct arena *ba;
		struct returnee *ret;
		struct import_row *rows;
		size_t nrows;
		struct import_issue *issues;
		size_t nissues;
		struct import_progress d;
		int64_t now;
		enum store_status st;
	} fl;
	const char *error;
};

/* ---- the first pass: count rows, find the header ---- */

static void apply_mapping(struct run *x)
{
	const char *key;
	json_t *v;

	if (!json_is_object(x->mapping))
		return;
	json_object_foreach(x->mapping, key, v)
	{
		enum table_field f =
			json_is_string(v) ? table_field_parse(json_string_value(v)) : TF_NONE;
		char *end;
		long col = strtol(key, &end, 10);
		if (*end == '\0' && col >= 1 && col <= MAX_COLS) { /* "3": the third column */
			x->map[col - 1] = f;
			if ((size_t)col > x->nmap)
				x->nmap = (size_t)col;
			continue;
		}
		for (size_t i = 0; i < json_array_size(x->header) && i < MAX_COLS; i++)
			if (!strcmp(json_string_value(json_array_get(x->header, i)), key))
				x->map[i] = f;
	}
}

static bool count_row(const struct sheet_row *row, void *p)
{
	struct run *x = p;

	x->total++;
	if (!x->have_header && x->total <= HEADER_SEARCH_ROWS &&
	    table_is_header(row, x->map, MAX_COLS)) {
		x->have_header = true;
		x->header_line = row->line;
		x->nmap = row->ncells < MAX_COLS ? row->ncells : MAX_COLS;
		x->header = json_array();
		for (size_t i = 0; i < row->ncells; i++)
			json_array_append_new(x->header, json_string(row->cells[i]));
	}
	return !atomic_load(x->stop);
}

/* ---- the second pass: rows into batches ---- */

static const char *column_name(struct run *x, enum table_field f)
{
	for (size_t i = 0; i < x->nmap; i++)
		if (x->map[i] == f && i < json_array_size(x->header))
			return json_string_value(json_array_get(x->header, i));
	return f == TF_NONE ? "" : table_field_name(f);
}

static const char *cells_json(struct run *x, const struct sheet_row *row)
{
	json_t *arr = json_array();
	char *txt;
	const char *r;

	for (size_t i = 0; i < row->ncells; i++)
		json_array_append_new(arr, json_string(row->cells[i]));
	txt = json_dumps(arr, JSON_COMPACT);
	r = arena_strdup(x->ba, txt);
	free(txt);
	json_decref(arr);
	return r;
}

static void *commit_main(void *p)
{
	struct flight *f = p;

	f->st = svc_import_batch(f->x->s, &f->x->job, f->rows, f->nrows, f->issues, f->nissues,
				 &f->d, f->now, f->x->memo, f->ba);
	return NULL;
}

/* Waits for the batch in flight, if any: its status in x->st, on_batch after a commit;
 * its buffers are free again. False when it was not committed. */
static bool land(struct run *x)
{
	struct flight *f = &x->fl;

	if (!f->flying)
		return x->st == STORE_OK;
	if (f->joinable)
		pthread_join(f->t, NULL);
	f->flying = false;
	x->st = f->st;
	arena_free(f->ba);
	f->ba = NULL;
	if (x->st == STORE_OK)
		x->job.last_line = f->d.last_line; /* the next batch goes on from here */
	if (x->st == STORE_OK && x->on_batch)
		x->on_batch(x->on_batch_arg, f->d.last_line);
	return x->st == STORE_OK;
}

/* Hands the batch read to a thread that commits it, once the one before is committed,
 * and goes on reading into the other buffers: the file is read while the database works. */
static bool flush(struct run *x)
{
	struct flight *f = &x->fl;

	if (x->nrows == 0 && x->nissues == 0 && x->d.rejected == 0)
		return land(x);
	x->d.bytes_done = x->done;
	if (!land(x))
		return false;
	struct returnee *ret = f->ret;
	struct import_row *rows = f->rows;
	struct import_issue *issues = f->issues;
	f->x = x;
	f->ba = x->ba;
	f->ret = x->ret;
	f->rows = x->rows;
	f->nrows = x->nrows;
	f->issues = x->issues;
	f->nissues = x->nissues;
	f->d = x->d;
	f->now = time_now();
	f->joinable = pthread_create(&f->t, NULL, commit_main, f) == 0;
	if (!f->joinable)
		commit_main(f); /* no thread: committed here */
	f->flying = true;
	x->ret = ret;
	x->rows = rows;
	x->issues = issues;
	x->ba = arena_new();
	x->nrows = x->nissues = 0;
	memset(&x->d, 0, sizeof x->d);
	return x->st == STORE_OK;
}

static void add_row(struct run *x, const struct returnee *rt, size_t line)
{
	struct import_row *ir = &x->rows[x->nrows++];

	svc_person_row(rt, ir);
	ir->line = line;
}

static void add_issues(struct run *x, const struct returnee *rt, const struct sheet_row *row)
{
	const char *cells = NULL;

	for (size_t i = 0; i < rt->nissues && x->nissues < 2 * x->batch; i++) {
		const struct returnee_issue *is = &rt->issues[i];
		const char *value = "";
		for (size_t c = 0; c < row->ncells && c < x->nmap; c++)
			if (x->map[c] == is->field && is->field != TF_NONE && *row->cells[c]) {
				value = arena_strdup(x->ba, row->cells[c]);
				break;
			}
		if (!cells)
			cells = cells_json(x, row);
		x->issues[x->nissues++] = (struct import_issue){
			.line = (int64_t)row->line,
			.col = column_name(x, is->field),
			.code = is->code,
			.severity = is->reject ? "rejected" : "flagged",
			.value = value,
			.cells = cells,
		};
	}
}

static bool take_row(const struct sheet_row *row, void *p)
{
	struct run *x = p;
	struct returnee *rt;

	if (atomic_load(x->stop))
		return false;
	x->done++;
	if (row->line <= x->header_line || (int64_t)row->line <= x->job.last_line ||
	    xlsx_template_is_example(row->cells, row->ncells)) /* the template's example row */
		return true;
	rt = &x->ret[x->nrows];
	returnee_from_row(&x->ctx, row->cells, row->flags,
			  row->ncells < x->nmap ? row->ncells : x->nmap, x->map, rt);
	if (rt->rejected)
		x->d.rejected++;
	else
		add_row(x, rt, row->line);
	add_issues(x, rt, row);
	x->d.last_line = (int64_t)row->line;
	if (x->nrows == x->batch || x->nissues + RETURNEE_MAX_ISSUES > x->batch * 2)
		return flush(x);
	return true;
}

/* ---- setting up a run ---- */

static enum store_status load_context(struct run *x)
{
	struct area_seed *divs;
	struct key_area *keys;
	struct returnee_division *rd;
	struct returnee_key_area *rk;
	size_t nd, nk;
	enum store_status st;

	/* the whole county, with its villages' grid rules: an address elsewhere in it is told
	 * apart from one that resolves nowhere (returnee.h: address.outside vs
	 * address.unresolved); one in a village goes down to its grid (svc_county_index) */
	if ((st = svc_county_index(x->s, x->job.area, x->a, &x->addr, NULL, NULL)) != STORE_OK ||
	    (st = store_divisions(x->s, x->a, &divs, &nd)) != STORE_OK ||
	    (st = store_key_areas(x->s, x->a, &keys, &nk)) != STORE_OK)
		return st;
	rd = arena_alloc(x->a, (nd ? nd : 1) * sizeof *rd);
	for (size_t i = 0; i < nd; i++)
		rd[i] = (struct returnee_division){divs[i].code, divs[i].name};
	rk = arena_alloc(x->a, (nk ? nk : 1) * sizeof *rk);
	for (size_t i = 0; i < nk; i++)
		rk[i] = (struct returnee_key_area){keys[i].code, keys[i].start_date,
						   keys[i].end_date};
	x->ctx = (struct returnee_ctx){
		.today = time_local_date(time_now()),
		.addr = x->addr,
		.home_area = x->job.area,
		.divisions = rd,
		.ndivisions = nd,
		.keys = rk,
		.nkeys = nk,
		.origin_cache = &x->origins,
	};
	return STORE_OK;
}

static enum sheet_kind kind_of(const struct import_job *j)
{
	return !strcmp(j->kind, "xlsx")  ? SHEET_KIND_XLSX
	       : !strcmp(j->kind, "xls") ? SHEET_KIND_XLS
					 : SHEET_KIND_CSV;
}

static enum store_status fail(struct run *x, const char *code)
{
	log_warn("import %s failed: %s", x->job.id, code);
	x->error = code;
	return svc_import_status(x->s, &x->job, "failed", code);
}

static enum store_status run_job(struct run *x)
{
	struct sheet_limits lim = {0};
	char err[256];
	enum sheet_status ss;
	char *hdr;

	if (load_context(x) != STORE_OK)
		return STORE_ERROR;
	x->mapping = *x->job.mapping ? json_loads(x->job.mapping, 0, NULL) : NULL;
	ss = sheet_read_file(x->job.path, kind_of(&x->job), &lim, count_row, x, err, sizeof err);
	if (ss != SHEET_OK)
		return atomic_load(x->stop) ? STORE_BUSY : fail(x, sheet_status_code(ss));
	if (!x->have_header && !json_is_object(x->mapping))
		return fail(x, "import.header.missing");
	if (!x->header)
		x->header = json_array();
	apply_mapping(x);
	hdr = json_dumps(x->header, JSON_COMPACT);
	x->st = svc_import_start(x->s, &x->job, hdr, x->total);
	free(hdr);
	if (x->st != STORE_OK)
		return x->st;
	x->ba = arena_new();
	ss = sheet_read_file(x->job.path, kind_of(&x->job), &lim, take_row, x, err, sizeof err);
	land(x); /* the batch in flight is committed, whatever stopped the reading */
	if (ss == SHEET_STOPPED && x->st != STORE_OK)
		return x->st;
	if (ss == SHEET_STOPPED || atomic_load(x->stop))
		return STORE_BUSY; /* stopping: resumes at the next start */
	if (ss != SHEET_OK)
		return fail(x, sheet_status_code(ss));
	x->done = x->total;
	if (!flush(x) || !land(x))
		return x->st;
	return svc_import_status(x->s, &x->job, "done", NULL);
}

/* The uploaded list (full ID numbers and phones) is kept only while its import runs or can
 * resume; the issues download reads the database, not the file. */
static void drop_upload(const struct import_job *j)
{
	if (j->path && *j->path && unlink(j->path) != 0 && errno != ENOENT)
		log_warn("import %s: the uploaded file cannot be removed: %s", j->id,
			 strerror(errno));
}

enum store_status import_run(struct store *s, const char *job_id, atomic_bool *stop)
{
	return import_run_observed(s, job_id, stop, NULL, NULL);
}

enum store_status import_run_observed(struct store *s, const char *job_id, atomic_bool *stop,
				      import_batch_fn on_batch, void *arg)
{
	static atomic_bool never;
	struct run *x = xcalloc(1, sizeof *x);
	enum store_status st;

	x->s = s;
	x->on_batch = on_batch;
	x->on_batch_arg = arg;
	x->a = arena_new();
	x->memo = svc_import_memo_new();
	x->stop = stop ? stop : &never;
	x->batch = svc_import_batch_rows(s);
	x->ret = xcalloc(x->batch, sizeof *x->ret);
	x->rows = xcalloc(x->batch, sizeof *x->rows);
	x->issues = xcalloc(2 * x->batch, sizeof *x->issues);
	x->fl.ret = xcalloc(x->batch, sizeof *x->fl.ret);
	x->fl.rows = xcalloc(x->batch, sizeof *x->fl.rows);
	x->fl.issues = xcalloc(2 * x->batch, sizeof *x->fl.issues);
	st = store_import_get(s, job_id, x->a, &x->job);
	if (st == STORE_OK && (!strcmp(x->job.status, "done") || !strcmp(x->job.status, "failed")))
		st = STORE_OK;
	else if (st == STORE_OK)
		st = run_job(x);
	land(x);
	store_flush(s);     /* stopped or not: what the batches wrote is committed, or lost */
	if (st == STORE_OK) /* done or failed for good: nothing will read the file again */
		drop_upload(&x->job);
	json_decref(x->header);
	json_decref(x->mapping);
	addr_index_free(x->addr);
	arena_free(x->ba);
	arena_free(x->a);
	free(x->ret);
	free(x->rows);
	free(x->issues);
	free(x->fl.ret);
	free(x->fl.rows);
	free(x->fl.issues);
	svc_import_memo_free(x->memo);
	free(x);
	return st;
}

/* ---- the worker thread ---- */

/* A pool of one thread (util/workers.h): jobs run one at a time, in order. */
struct importer {
	struct store *s;
	struct workers *pool;
	atomic_bool stop;  /* read by import_run between batches */
	atomic_int queued; /* jobs submitted and not yet done */
	struct threads t;  /* looks for jobs left by a server that stopped (rescan) */
	int64_t next_scan; /* monotonic seconds */
};

enum { RESCAN_EVERY_S = 30 };

struct pending {
	struct importer *im;
	char id[UUID_LEN + 1];
};

/* Marks a job that broke as failed, for good. */
static enum store_status give_up(struct store *s, const char *job_id)
{
	struct arena *a = arena_new();
	struct import_job j;
	enum store_status st = store_import_get(s, job_id, a, &j);

	if (st == STORE_OK)
		st = svc_import_status(s, &j, "failed", "import.internal");
	arena_free(a);
	return st;
}

/* Runs one job; once the importer stops, the jobs still queued are left for the next
 * start (they are queued in the database). */
static void run_pending(void *item)
{
	struct pending *job = item;
	struct importer *im = job->im;

	/* one server of the database runs a job: another that holds it is running it */
	struct store_lock *lock = atomic_load(&im->stop) ? NULL : store_lock_try(im->s, job->id);

	if (lock) {
		enum store_status st = import_run(im->s, job->id, &im->stop);
		if (st != STORE_OK && !atomic_load(&im->stop)) {
			log_error("import %s: %s", job->id, store_status_name(st));
			if (give_up(im->s, job->id) == STORE_OK)
				import_run(im->s, job->id, NULL); /* failed now: removes the file */
		}
	}
	store_lock_release(lock);
	atomic_fetch_sub(&im->queued, 1);
	free(job);
}

void importer_submit(struct importer *im, const char *job_id)
{
	struct pending *p = xcalloc(1, sizeof *p);

	p->im = im;
	snprintf(p->id, sizeof p->id, "%s", job_id);
	atomic_fetch_add(&im->queued, 1);
	if (!workers_submit(im->pool, p)) {
		atomic_fetch_sub(&im->queued, 1);
		free(p); /* stopping: the job is taken up at the next start */
	}
}

/* Submits the jobs waiting in the database (pending: queued or running). */
static void submit_pending(struct importer *im, bool resuming)
{
	struct arena *a = arena_new();
	struct import_job *jobs;
	size_t n = 0;

	if (store_import_pending(im->s, a, &jobs, &n) == STORE_OK)
		for (size_t i = 0; i < n; i++) {
			if (resuming)
				log_info("resuming import %s after line %lld", jobs[i].id,
					 (long long)jobs[i].last_line);
			importer_submit(im, jobs[i].id);
		}
	arena_free(a);
}

/* Every RESCAN_EVERY_S while idle: a job another server of the database left when it
 * stopped (its lock ended with it) is taken up here; one still running elsewhere is
 * skipped (run_pending cannot take its lock). */
static void rescan(void *p)
{
	struct importer *im = p;
	int64_t now = time_mono_ms() / 1000;

	if (now < im->next_scan || atomic_load(&im->queued) > 0)
		return;
	im->next_scan = now + RESCAN_EVERY_S;
	submit_pending(im, false);
}

static void *rescan_main(void *p)
{
	struct importer *im = p;

	threads_every_second(&im->t, rescan, im);
	return NULL;
}

/* Whether name (a file in the upload folder) is the file of one of the jobs. */
static bool needed(const char *name, const struct import_job *jobs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *slash = jobs[i].path ? strrchr(jobs[i].path, '/') : NULL;
		const char *base = slash ? slash + 1 : jobs[i].path;
		if (base && !strcmp(base, name))
			return true;
	}
	return false;
}

int import_sweep(struct store *s, const char *dir)
{
	struct arena *a = arena_new();
	struct import_job *jobs;
	size_t n = 0;
	struct dirent *de;
	DIR *d = NULL;
	int gone = -1;
	char path[4096];

	if (store_import_pending(s, a, &jobs, &n) != STORE_OK || !(d = opendir(dir)))
		goto out;
	gone = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || needed(de->d_name, jobs, n))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (unlink(path) == 0)
			gone++;
		else
			log_warn("cannot remove %s from the upload folder: %s", de->d_name,
				 strerror(errno));
	}
out:
	if (d)
		closedir(d);
	arena_free(a);
	return gone;
}

struct importer *importer_start(struct store *s)
{
	struct importer *im = xcalloc(1, sizeof *im);

	im->s = s;
	im->pool = workers_start(1, SIZE_MAX, run_pending);
	submit_pending(im, true);
	im->next_scan = time_mono_ms() / 1000 + RESCAN_EVERY_S;
	threads_start(&im->t, 1, rescan_main, im, "import rescan");
	return im;
}

void importer_stop(struct importer *im)
{
	if (!im)
		return;
	atomic_store(&im->stop, true); /* the batch in progress ends, queued jobs are skipped */
	threads_stop(&im->t);
	workers_stop(im->pool);
	free(im);
}

int importer_active(struct importer *im)
{
	return im ? atomic_load(&im->queued) : 0;
}
