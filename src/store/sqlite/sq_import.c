/* sq_import — the queries of imported lists: the jobs with their counters and last stored
 * line, and the rows' issues. What a batch does with its rows (files, journeys, timeline,
 * tasks) and what it counts is the use case's (src/service/svc_import.c); here are only
 * the operations it calls, one query each, and the reads of jobs and issues. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"

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

/* ---- operations of a write transaction (store_run): one query each ---- */

static void read_job_into(sqlite3_stmt *st, struct arena *a, void *out)
{
	read_job(st, a, out);
}

enum store_status store_tx_import_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct import_job *out)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM import_job WHERE id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	return sq_row(c, st, a, out, read_job_into);
}

enum store_status store_tx_import_same_file(struct store_tx *tx, const char *area,
					    const char *sha256, char *id, size_t sz)
{
	static const char sql[] =
		"SELECT id FROM import_job WHERE area_code = ?1 AND sha256 = ?2"
		" AND status <> 'failed'"; /* a failed file may come again, e.g. with a mapping */
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	id[0] = '\0';
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, area);
	sq_bind_text(st, 2, sha256);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_text_to(st, 0, id, sz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_tx_import_insert(struct store_tx *tx, const struct import_job *j,
					 int64_t now)
{
	static const char sql[] =
		"INSERT INTO import_job(id, user_id, username, area_code, filename, sha256, path,"
		" kind, deadline_hours, mapping, bytes_total, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
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
	sqlite3_bind_int64(st, 12, now);
	return sq_step_done(c, st);
}

enum store_status store_tx_import_start(struct store_tx *tx, const char *id, const char *header,
					int64_t total)
{
	static const char sql[] = "UPDATE import_job SET status = 'running', header = ?2,"
				  " bytes_total = ?3 WHERE id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, header);
	sqlite3_bind_int64(st, 3, total);
	return sq_step_done(c, st);
}

enum store_status store_tx_import_set_status(struct store_tx *tx, const char *id,
					     const char *status, const char *error, int64_t now)
{
	static const char sql[] =
		"UPDATE import_job SET status = ?2, error = ?3,"
		" finished_at = CASE WHEN ?2 IN ('done', 'failed') THEN ?4 ELSE finished_at END"
		" WHERE id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, status);
	sq_bind_text(st, 3, error);
	sqlite3_bind_int64(st, 4, now);
	return sq_step_done(c, st);
}

enum store_status store_tx_import_issue_add(struct store_tx *tx, const char *id,
					    const struct import_issue *is)
{
	static const char sql[] =
		"INSERT INTO import_issue(import_id, line, col, code, severity, value, cells)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, is->line);
	sq_bind_text(st, 3, is->col ? is->col : "");
	sq_bind_text(st, 4, is->code);
	sq_bind_text(st, 5, is->severity);
	sq_bind_text(st, 6, is->value ? is->value : "");
	sq_bind_text(st, 7, is->cells ? is->cells : "");
	return sq_step_done(c, st);
}

enum store_status store_tx_import_progress(struct store_tx *tx, const char *id,
					   const struct import_progress *d)
{
	static const char sql[] =
		"UPDATE import_job SET status = 'running', rows = rows + ?2,"
		" imported = imported + ?3, merged = merged + ?4, flagged = flagged + ?5,"
		" rejected = rejected + ?6, last_line = ?7, bytes_done = ?8"
		" WHERE id = ?1 AND last_line < ?7";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sqlite3_bind_int64(st, 2, d->imported + d->merged + d->rejected);
	sqlite3_bind_int64(st, 3, d->imported);
	sqlite3_bind_int64(st, 4, d->merged);
	sqlite3_bind_int64(st, 5, d->flagged);
	sqlite3_bind_int64(st, 6, d->rejected);
	sqlite3_bind_int64(st, 7, d->last_line);
	sqlite3_bind_int64(st, 8, d->bytes_done);
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	return sqlite3_changes(c->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

enum store_status store_tx_person_lookalike(struct store_tx *tx, const struct person *p,
					    const char *scope, char *id, size_t idsz)
{
	static const char sql[] =
		"SELECT id FROM person WHERE phone = ?1 AND +name = ?2"
		" AND merged_into IS NULL AND +area_code >= ?3 AND +area_code < ?4"
		" LIMIT 1"; /* +: look up by phone */
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_END_SIZE];
	int rc;

	id[0] = '\0';
	if (!st)
		return STORE_ERROR;
	area_code_scope_end(scope, end, sizeof end);
	sq_bind_text(st, 1, p->phone);
	sq_bind_text(st, 2, p->name);
	sq_bind_text(st, 3, scope);
	sq_bind_text(st, 4, end);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_text_to(st, 0, id, idsz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
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
