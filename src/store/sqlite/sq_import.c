/* sq_import — imported lists and what they create: one file per person, travel, the
 * timeline, one open verification task per person, and the rows' issues.
 *
 * A batch of rows is one write job, so it commits with the job's counters and last line:
 * after a crash the import resumes after that line with exact counts, and a row is never
 * stored twice. One file per person, as for a form (sq_person.c): a valid ID number (per
 * document type) is unique; a defective number matches only the same number with the same
 * name in the importer's area; a row without any number never merges by itself (a name +
 * phone match in the importer's area is recorded as a possible duplicate, for a person to
 * merge explicitly). An import touches no file outside the importer's area: a number held
 * there makes a file of the importer's own, flagged for the commander over both. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/timeutil.h"
#include "util/uuid.h"

#define JOB_COLS                                                                                   \
	"id, user_id, username, area_code, filename, sha256, path, kind, status,"                  \
	" deadline_hours, coalesce(mapping, ''), rows, imported, merged, flagged, rejected,"       \
	" last_line, bytes_total, bytes_done, coalesce(error, ''), created_at,"                    \
	" coalesce(finished_at, 0), coalesce(header, '')"

static void read_job(sqlite3_stmt *st, struct arena *a, struct import_job *j)
{
	memset(j, 0, sizeof *j);
	sq_text_to(st, 0, j->id, sizeof j->id);
	j->user_id = sq_text(a, st, 1);
	j->username = sq_text(a, st, 2);
	sq_text_to(st, 3, j->area, sizeof j->area);
	j->filename = sq_text(a, st, 4);
	j->sha256 = sq_text(a, st, 5);
	j->path = sq_text(a, st, 6);
	j->kind = sq_text(a, st, 7);
	j->status = sq_text(a, st, 8);
	j->deadline_hours = sqlite3_column_int(st, 9);
	j->mapping = sq_text(a, st, 10);
	j->rows = sqlite3_column_int64(st, 11);
	j->imported = sqlite3_column_int64(st, 12);
	j->merged = sqlite3_column_int64(st, 13);
	j->flagged = sqlite3_column_int64(st, 14);
	j->rejected = sqlite3_column_int64(st, 15);
	j->last_line = sqlite3_column_int64(st, 16);
	j->bytes_total = sqlite3_column_int64(st, 17);
	j->bytes_done = sqlite3_column_int64(st, 18);
	j->error = sq_text(a, st, 19);
	j->created_at = sqlite3_column_int64(st, 20);
	j->finished_at = sqlite3_column_int64(st, 21);
	j->header = sq_text(a, st, 22);
}

static enum store_status read_jobs(struct sq_conn *c, sqlite3_stmt *st, struct arena *a,
				   struct import_job **out, size_t *n, size_t cap)
{
	int rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_job(st, a, &(*out)[(*n)++]);
	if (*n < cap && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return sq_rc(c, rc);
	}
	sqlite3_reset(st);
	return STORE_OK;
}

struct create_ctx {
	const struct import_job *in;
	const struct audit_entry *e;
	char *existing;
	size_t existing_sz;
};

static enum store_status create_job(struct sq_conn *c, void *p)
{
	static const char sql_find[] =
		"SELECT id FROM import_job WHERE area_code = ?1 AND sha256 = ?2"
		" AND status <> 'failed'"; /* a failed file may come again, e.g. with a mapping */
	static const char sql[] =
		"INSERT INTO import_job(id, user_id, username, area_code, filename, sha256, path,"
		" kind, deadline_hours, mapping, bytes_total, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct create_ctx *x = p;
	const struct import_job *j = x->in;
	sqlite3_stmt *st = sq_stmt(c, sql_find);
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, j->area);
	sq_bind_text(st, 2, j->sha256);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		sq_text_to(st, 0, x->existing, x->existing_sz);
		sqlite3_reset(st);
		return STORE_CONFLICT;
	}
	sqlite3_reset(st);
	if (!(st = sq_stmt(c, sql)))
		return STORE_ERROR;
	sq_bind_text(st, 1, j->id);
	sq_bind_text(st, 2, j->user_id);
	sq_bind_text(st, 3, j->username);
	sq_bind_text(st, 4, j->area);
	sq_bind_text(st, 5, j->filename);
	sq_bind_text(st, 6, j->sha256);
	sq_bind_text(st, 7, j->path);
	sq_bind_text(st, 8, j->kind);
	sqlite3_bind_int(st, 9, j->deadline_hours);
	sq_bind_text(st, 10, j->mapping && *j->mapping ? j->mapping : NULL);
	sqlite3_bind_int64(st, 11, j->bytes_total);
	sqlite3_bind_int64(st, 12, time_now());
	enum store_status ss = sq_step_done(c, st);
	return ss != STORE_OK ? ss : sq_audit_insert(c, x->e);
}

enum store_status store_import_create(struct store *s, const struct import_job *in,
				      const struct audit_entry *e, char *existing_id,
				      size_t existing_sz)
{
	struct create_ctx x = {in, e, existing_id, existing_sz};
	return sq_write(s, create_job, &x);
}

enum store_status store_import_get(struct store *s, const char *id, struct arena *a,
				   struct import_job *out)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM import_job WHERE id = ?1";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss = STORE_ERROR;
	int rc;

	if (!c)
		return STORE_BUSY;

	if (st) {
		sq_bind_text(st, 1, id);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			read_job(st, a, out);
		ss = rc == SQLITE_ROW    ? STORE_OK
		     : rc == SQLITE_DONE ? STORE_NOT_FOUND
					 : sq_rc(c, rc);
		sqlite3_reset(st);
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_import_list(struct store *s, const char *scope, int limit, struct arena *a,
				    struct import_job **out, size_t *n)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM import_job"
				  " WHERE area_code >= ?1 AND area_code < ?2"
				  " ORDER BY created_at DESC LIMIT ?3";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_END_SIZE];
	enum store_status ss = STORE_ERROR;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	if (st) {
		area_code_scope_end(scope, end, sizeof end);
		sq_bind_text(st, 1, scope);
		sq_bind_text(st, 2, end);
		sqlite3_bind_int(st, 3, limit);
		ss = read_jobs(c, st, a, out, n, (size_t)limit);
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_import_pending(struct store *s, struct arena *a, struct import_job **out,
				       size_t *n)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM import_job"
				  " WHERE status IN ('queued', 'running') ORDER BY created_at";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss = st ? read_jobs(c, st, a, out, n, 1024) : STORE_ERROR;

	if (!c)
		return STORE_BUSY;

	sq_reader_put(s, c);
	return ss;
}

struct status_ctx {
	const char *id, *status, *error;
};

static enum store_status status_job(struct sq_conn *c, void *p)
{
	static const char sql[] =
		"UPDATE import_job SET status = ?2, error = ?3,"
		" finished_at = CASE WHEN ?2 IN ('done', 'failed') THEN ?4 ELSE finished_at END"
		" WHERE id = ?1";
	struct status_ctx *x = p;
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, x->id);
	sq_bind_text(st, 2, x->status);
	sq_bind_text(st, 3, x->error);
	sqlite3_bind_int64(st, 4, time_now());
	return sq_step_done(c, st);
}

enum store_status store_import_set_status(struct store *s, const char *id, const char *status,
					  const char *error)
{
	struct status_ctx x = {id, status, error};
	return sq_write(s, status_job, &x);
}

struct start_ctx {
	const char *id, *header;
	int64_t total;
};

static enum store_status start_job(struct sq_conn *c, void *p)
{
	static const char sql[] = "UPDATE import_job SET status = 'running', header = ?2,"
				  " bytes_total = ?3 WHERE id = ?1";
	struct start_ctx *x = p;
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, x->id);
	sq_bind_text(st, 2, x->header);
	sqlite3_bind_int64(st, 3, x->total);
	return sq_step_done(c, st);
}

enum store_status store_import_start(struct store *s, const char *id, const char *header,
				     int64_t total)
{
	struct start_ctx x = {id, header, total};
	return sq_write(s, start_job, &x);
}

/* ---- one batch ---- */

struct batch_ctx {
	const struct import_job *job;
	const struct import_row *rows;
	size_t nrows;
	const struct import_issue *issues;
	size_t nissues;
	struct import_progress d; /* the caller's delta, completed here */
	int64_t now;
};

/* Another file in the importer's area with the same name and phone, for a row without an
 * ID number. Files elsewhere are never proposed: that would name them to the importer. */
static enum store_status find_lookalike(struct sq_conn *c, const char *scope,
					const struct person *p, char *id, size_t idsz)
{
	static const char sql[] =
		"SELECT id FROM person WHERE phone = ?1 AND +name = ?2"
		" AND merged_into IS NULL AND +area_code >= ?3 AND +area_code < ?4"
		" LIMIT 1"; /* +: look up by phone */
	char end[AREA_CODE_END_SIZE];
	sqlite3_stmt *st;
	int rc;

	id[0] = '\0';
	if (*p->id_number || !*p->phone)
		return STORE_OK;
	if (!(st = sq_stmt(c, sql)))
		return STORE_ERROR;
	area_code_scope_end(scope, end, sizeof end);
	sq_bind_text(st, 1, p->phone);
	sq_bind_text(st, 2, p->name);
	sq_bind_text(st, 3, scope);
	sq_bind_text(st, 4, end);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_text_to(st, 0, id, idsz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

/* The person's open task, if any. */
static enum store_status open_task_of(struct sq_conn *c, const char *person_id, char *task_id,
				      size_t sz)
{
	static const char sql[] =
		"SELECT id FROM task WHERE person_id = ?1 AND status = 'open' LIMIT 1";
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	task_id[0] = '\0';
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, person_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		sq_text_to(st, 0, task_id, sz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

static const char *event_detail(struct arena *a, const struct import_job *job, size_t line,
				const char *other)
{
	json_t *o = json_pack("{s:s, s:s, s:I}", "import", job->id, "file", job->filename, "line",
			      (json_int_t)line);
	char *txt;
	const char *r;

	if (other)
		json_object_set_new(o, "possible_duplicate_of", json_string(other));
	txt = json_dumps(o, JSON_COMPACT);
	r = arena_strdup(a, txt);
	free(txt);
	json_decref(o);
	return r;
}

/* The file a row goes to, as for a form (sq_person.c): the holder of its valid number
 * when that file is in the importer's area; else the importer's own file of that number
 * (made earlier beside a holder elsewhere, or with the same defective number and name);
 * else a new file. *holder is set when a file outside the importer's area holds the
 * number: the importer may not touch or learn of that file. */
static enum store_status row_file(struct sq_conn *c, const char *scope, const struct person *p,
				  char id[USER_ID_LEN + 1], char holder[USER_ID_LEN + 1],
				  char holder_area[AREA_CODE_MAX + 1])
{
	enum store_status ss =
		sq_person_holder(c, p, holder, USER_ID_LEN + 1, holder_area, AREA_CODE_MAX + 1);

	id[0] = '\0';
	if (ss != STORE_OK)
		return ss;
	if (*holder && area_code_in_scope(scope, holder_area)) {
		memcpy(id, holder, USER_ID_LEN + 1);
		holder[0] = '\0';
		return STORE_OK;
	}
	return sq_person_own(c, p, scope, id, USER_ID_LEN + 1);
}

/* A new file for a number held elsewhere: counted as imported, as for an unknown person;
 * flagged PERSON_ELSEWHERE (shown only to a commander over both), and its task goes to the
 * lowest area over both instead of the importer's (a cross-township duplicate is the
 * county's matter). */
static enum store_status new_beside_holder(struct sq_conn *c, struct batch_ctx *x,
					   const struct import_row *row, const char *holder,
					   const char *holder_area, struct arena *a)
{
	const struct import_job *job = x->job;
	struct person fresh = row->p;
	struct audit_entry e = {.user_id = job->user_id, .username = job->username, .result = "ok"};

	fresh.id_valid = false;
	fresh.defects = *row->p.defects ? arena_printf(a, "%s,%s", row->p.defects, PERSON_ELSEWHERE)
					: PERSON_ELSEWHERE;
	enum store_status ss = sq_person_insert(c, &fresh, x->now);
	if (ss != STORE_OK ||
	    (ss = sq_travel_add(c, fresh.id, &row->t, job->id, x->now)) != STORE_OK ||
	    (ss = sq_person_event(c, fresh.id, "pushed", job->user_id, job->username, row->p.area,
				  event_detail(a, job, row->line, NULL), x->now)) != STORE_OK)
		return ss;
	return sq_person_report_duplicate(c, &e, a, fresh.id, row->p.area, holder, holder_area,
					  job->id, x->now);
}

static enum store_status store_row(struct sq_conn *c, struct batch_ctx *x,
				   const struct import_row *row, struct arena *a)
{
	const struct import_job *job = x->job;
	char found[USER_ID_LEN + 1], other[USER_ID_LEN + 1], task_id[USER_ID_LEN + 1];
	char holder[USER_ID_LEN + 1], holder_area[AREA_CODE_MAX + 1];
	const char *pid;
	enum store_status ss;

	if ((ss = row_file(c, job->area, &row->p, found, holder, holder_area)) != STORE_OK ||
	    (ss = find_lookalike(c, job->area, &row->p, other, sizeof other)) != STORE_OK)
		return ss;
	if (row->p.defects && *row->p.defects)
		x->d.flagged++;
	if (*found) {
		pid = found;
		x->d.merged++;
		ss = sq_person_fill(c, pid, &row->p, x->now);
	} else {
		pid = row->p.id;
		x->d.imported++;
		if (*holder)
			return new_beside_holder(c, x, row, holder, holder_area, a);
		ss = sq_person_insert(c, &row->p, x->now);
	}
	if (ss != STORE_OK || (ss = sq_travel_add(c, pid, &row->t, job->id, x->now)) != STORE_OK ||
	    (ss = sq_person_event(
		     c, pid, *found ? "listed" : "pushed", job->user_id, job->username, row->p.area,
		     event_detail(a, job, row->line, *other ? other : NULL), x->now)) != STORE_OK ||
	    (ss = open_task_of(c, pid, task_id, sizeof task_id)) != STORE_OK)
		return ss;
	if (*task_id)
		return STORE_OK; /* already being verified: the event above records the new list */
	uuid_v4(task_id);
	return sq_task_insert(c, task_id, pid, job->id, row->p.area,
			      x->now + (int64_t)job->deadline_hours * 3600, row->p.defects, NULL,
			      NULL, x->now);
}

static enum store_status insert_issue(struct sq_conn *c, const char *job,
				      const struct import_issue *is)
{
	static const char sql[] =
		"INSERT INTO import_issue(import_id, line, col, code, severity, value, cells)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, job);
	sqlite3_bind_int64(st, 2, is->line);
	sq_bind_text(st, 3, is->col ? is->col : "");
	sq_bind_text(st, 4, is->code);
	sq_bind_text(st, 5, is->severity);
	sq_bind_text(st, 6, is->value ? is->value : "");
	sq_bind_text(st, 7, is->cells ? is->cells : "");
	return sq_step_done(c, st);
}

static enum store_status add_progress(struct sq_conn *c, const char *job,
				      const struct import_progress *d)
{
	static const char sql[] =
		"UPDATE import_job SET status = 'running', rows = rows + ?2, imported = imported + "
		"?3,"
		" merged = merged + ?4, flagged = flagged + ?5, rejected = rejected + ?6,"
		" last_line = ?7, bytes_done = ?8 WHERE id = ?1 AND last_line < ?7";
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, job);
	sqlite3_bind_int64(st, 2, d->imported + d->merged + d->rejected);
	sqlite3_bind_int64(st, 3, d->imported);
	sqlite3_bind_int64(st, 4, d->merged);
	sqlite3_bind_int64(st, 5, d->flagged);
	sqlite3_bind_int64(st, 6, d->rejected);
	sqlite3_bind_int64(st, 7, d->last_line);
	sqlite3_bind_int64(st, 8, d->bytes_done);
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	/* a batch at or before the stored last line was already committed: refuse it whole */
	return sqlite3_changes(c->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

static enum store_status batch_job(struct sq_conn *c, void *p)
{
	struct batch_ctx *x = p;
	struct arena *a = arena_new();
	enum store_status ss = STORE_OK;

	x->d.imported = x->d.merged = x->d.flagged = 0;
	for (size_t i = 0; i < x->nrows && ss == STORE_OK; i++)
		ss = store_row(c, x, &x->rows[i], a);
	for (size_t i = 0; i < x->nissues && ss == STORE_OK; i++)
		ss = insert_issue(c, x->job->id, &x->issues[i]);
	if (ss == STORE_OK)
		ss = add_progress(c, x->job->id, &x->d);
	arena_free(a);
	return ss;
}

enum store_status store_import_batch(struct store *s, const struct import_job *job,
				     const struct import_row *rows, size_t nrows,
				     const struct import_issue *issues, size_t nissues,
				     const struct import_progress *delta, int64_t now)
{
	struct batch_ctx x = {job, rows, nrows, issues, nissues, *delta, now};
	return sq_write(s, batch_job, &x);
}

enum store_status store_import_issues(struct store *s, const char *id, int64_t after_line,
				      int limit, struct arena *a, struct import_issue **out,
				      size_t *n)
{
	static const char sql[] = "SELECT line, col, code, severity, value, cells FROM import_issue"
				  " WHERE import_id = ?1 AND line > ?2 ORDER BY line, id LIMIT ?3";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t cap = (size_t)(limit > 0 ? limit : 1);
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (st) {
		sq_bind_text(st, 1, id);
		sqlite3_bind_int64(st, 2, after_line);
		sqlite3_bind_int(st, 3, (int)cap);
		while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct import_issue *is = &(*out)[(*n)++];
			is->line = sqlite3_column_int64(st, 0);
			is->col = sq_text(a, st, 1);
			is->code = sq_text(a, st, 2);
			is->severity = sq_text(a, st, 3);
			is->value = sq_text(a, st, 4);
			is->cells = sq_text(a, st, 5);
		}
		ss = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
		sqlite3_reset(st);
	}
	sq_reader_put(s, c);
	return ss;
}
