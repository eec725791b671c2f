/* sq_import — the queries of imported lists: the jobs with their counters and last stored
 * line, and the rows' issues. What a batch does with its rows (files, journeys, timeline,
 * tasks) and what it counts is the use case's (src/service/svc_import.c); here are only
 * the operations it calls, one query each, and the reads of jobs and issues. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "store/sqlite/sq_rows.h"


static const char sql_job[] = "SELECT " JOB_COLS " FROM import_job WHERE id = ?1";

enum store_status store_import_get(struct store *s, const char *id, struct arena *a,
				   struct import_job *out)
{
	return sq_get(s, sql_job, &sq_job_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_import_list(struct store *s, const char *scope, int limit, struct arena *a,
				    struct import_job **out, size_t *n)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM import_job"
				  " WHERE area_code >= ?1 AND area_code < ?2"
				  " ORDER BY created_at DESC LIMIT ?3";
	char end[AREA_CODE_END_SIZE];
	enum store_status ss;

	area_code_scope_end(scope, end, sizeof end);
	*out = sq_list(s, sql, &sq_job_rows, (size_t)(limit > 0 ? limit : 0), a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end), SQ_INT(limit)));
	return ss;
}

enum store_status store_import_pending(struct store *s, struct arena *a, struct import_job **out,
				       size_t *n)
{
	static const char sql[] = "SELECT " JOB_COLS " FROM import_job"
				  " WHERE status IN ('queued', 'running') ORDER BY created_at";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_job_rows, 1024, a, n, &ss, NULL, 0);
	return ss;
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_import_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct import_job *out)
{
	return sq_one(sq_conn_of(tx), sql_job, &sq_job_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_import_same_file(struct store_tx *tx, const char *area,
					    const char *sha256, char *id, size_t sz)
{
	static const char sql[] =
		"SELECT id FROM import_job WHERE area_code = ?1 AND sha256 = ?2"
		" AND status <> 'failed'"; /* a failed file may come again, e.g. with a mapping */

	return sq_one_text(sq_conn_of(tx), sql, id, sz, SQ_PARAMS(SQ_TEXT(area), SQ_TEXT(sha256)));
}

enum store_status store_tx_import_insert(struct store_tx *tx, const struct import_job *j,
					 int64_t now)
{
	static const char sql[] =
		"INSERT INTO import_job(id, user_id, username, area_code, filename, sha256, path,"
		" kind, deadline_hours, mapping, bytes_total, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(j->id), SQ_TEXT(j->user_id), SQ_TEXT(j->username),
				SQ_TEXT(j->area), SQ_TEXT(j->filename), SQ_TEXT(j->sha256),
				SQ_TEXT(j->path), SQ_TEXT(j->kind), SQ_INT(j->deadline_hours),
				SQ_TEXT(j->mapping && *j->mapping ? j->mapping : NULL),
				SQ_INT(j->bytes_total), SQ_INT(now)));
}

enum store_status store_tx_import_start(struct store_tx *tx, const char *id, const char *header,
					int64_t total)
{
	static const char sql[] = "UPDATE import_job SET status = 'running', header = ?2,"
				  " bytes_total = ?3 WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(header), SQ_INT(total)));
}

enum store_status store_tx_import_set_status(struct store_tx *tx, const char *id,
					     const char *status, const char *error, int64_t now)
{
	static const char sql[] =
		"UPDATE import_job SET status = ?2, error = ?3,"
		" finished_at = CASE WHEN ?2 IN ('done', 'failed') THEN ?4 ELSE finished_at END"
		" WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(status), SQ_TEXT(error), SQ_INT(now)));
}

enum store_status store_tx_import_issue_add(struct store_tx *tx, const char *id,
					    const struct import_issue *is)
{
	static const char sql[] =
		"INSERT INTO import_issue(import_id, line, col, code, severity, value, cells)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_INT(is->line), SQ_TEXT_NN(is->col),
				SQ_TEXT(is->code), SQ_TEXT(is->severity), SQ_TEXT_NN(is->value),
				SQ_TEXT_NN(is->cells)));
}

enum store_status store_tx_import_progress(struct store_tx *tx, const char *id,
					   const struct import_progress *d)
{
	static const char sql[] =
		"UPDATE import_job SET status = 'running', rows = rows + ?2,"
		" imported = imported + ?3, merged = merged + ?4, flagged = flagged + ?5,"
		" rejected = rejected + ?6, last_line = ?7, bytes_done = ?8"
		" WHERE id = ?1 AND last_line < ?7";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_INT(d->imported + d->merged + d->rejected),
				 SQ_INT(d->imported), SQ_INT(d->merged), SQ_INT(d->flagged),
				 SQ_INT(d->rejected), SQ_INT(d->last_line), SQ_INT(d->bytes_done)));
}

enum store_status store_tx_person_lookalike(struct store_tx *tx, const struct person *p,
					    const char *scope, char *id, size_t idsz)
{
	/* name || '' and area_code || '' (plain SQL, also PostgreSQL's): look up by phone,
	 * not by name or area */
	static const char sql[] =
		"SELECT id FROM person WHERE phone = ?1 AND name || '' = ?2"
		" AND merged_into IS NULL AND area_code || '' >= ?3 AND area_code || '' < ?4"
		" LIMIT 1";
	char end[AREA_CODE_END_SIZE];

	area_code_scope_end(scope, end, sizeof end);
	return sq_one_text(
		sq_conn_of(tx), sql, id, idsz,
		SQ_PARAMS(SQ_TEXT(p->phone), SQ_TEXT(p->name), SQ_TEXT(scope), SQ_TEXT(end)));
}


enum store_status store_import_issues(struct store *s, const char *id, int64_t after_line,
				      int limit, struct arena *a, struct import_issue **out,
				      size_t *n)
{
	static const char sql[] = "SELECT " ISSUE_COLS " FROM import_issue"
				  " WHERE import_id = ?1 AND line > ?2 ORDER BY line, id LIMIT ?3";
	size_t cap = (size_t)(limit > 0 ? limit : 1);
	enum store_status ss;

	*out = sq_list(s, sql, &sq_issue_rows, cap, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(id), SQ_INT(after_line), SQ_INT(cap)));
	return ss;
}

/* ---- set-wise imports: the numbers files already have ---- */

static const struct sq_col doc_number_cols[] = {
	SQ_COL_TEXT(struct doc_number, doc_type),
	SQ_COL_TEXT(struct doc_number, id_number),
};

enum store_status store_tx_numbers_held(struct store_tx *tx, const char *const *numbers, size_t n,
					struct arena *a, struct doc_number **out, size_t *nout)
{
	/* one JSON array of the numbers: one statement whatever the batch (person_idnum) */
	static const char sql[] = "SELECT DISTINCT doc_type, id_number FROM person"
				  " WHERE id_number IN (SELECT value FROM json_each(?1))";
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct doc_number, doc_number_cols, NULL);
	json_t *list = json_array();
	enum store_status ss;
	char *text;

	for (size_t i = 0; i < n; i++) /* a number that is not UTF-8 cannot be held: none is */
		json_array_append_new(list, json_string(numbers[i]));
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	if (!text)
		fk_oom();
	*out = sq_rows(sq_conn_of(tx), sql, &rows, SQ_ALL, a, nout, &ss, SQ_PARAMS(SQ_TEXT(text)));
	free(text);
	return ss;
}
