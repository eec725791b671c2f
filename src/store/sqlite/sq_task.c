/* sq_task — the queries of verification tasks (核查任务): lists, counts, and the
 * operations a write transaction uses. What closing, forwarding or moving a task does is
 * src/service/svc_task.c's. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/timeutil.h"

#define TASK_COLS                                                                                  \
	"t.id, t.person_id, coalesce(p.name, ''), coalesce(t.import_id, ''), t.area_code,"         \
	" coalesce(a.name, ''), coalesce(t.assignee, ''), t.status, coalesce(t.outcome, ''),"      \
	" t.note, t.defects, coalesce(t.forwarded_from, ''), coalesce(t.forward_target, ''),"      \
	" coalesce(t.closed_by, ''), t.due_at, t.created_at, coalesce(t.closed_at, 0),"            \
	" coalesce(p.area_code, '')"
#define TASK_FROM                                                                                  \
	" FROM task t LEFT JOIN person p ON p.id = t.person_id"                                    \
	" LEFT JOIN area a ON a.code = t.area_code"

static void read_row(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct task *t = out;

	memset(t, 0, sizeof *t);
	sq_text_to(st, 0, t->id, sizeof t->id);
	sq_text_to(st, 1, t->person_id, sizeof t->person_id);
	t->person_name = sq_text(a, st, 2);
	t->import_id = sq_text(a, st, 3);
	sq_text_to(st, 4, t->area, sizeof t->area);
	t->area_name = sq_text(a, st, 5);
	t->assignee = sq_text(a, st, 6);
	t->status = sq_text(a, st, 7);
	t->outcome = sq_text(a, st, 8);
	t->note = sq_text(a, st, 9);
	t->defects = sq_text(a, st, 10);
	t->forwarded_from = sq_text(a, st, 11);
	t->forward_target = sq_text(a, st, 12);
	t->closed_by = sq_text(a, st, 13);
	t->due_at = sqlite3_column_int64(st, 14);
	t->created_at = sqlite3_column_int64(st, 15);
	t->closed_at = sqlite3_column_int64(st, 16);
	sq_text_to(st, 17, t->person_area, sizeof t->person_area);
}

enum store_status sq_task_read(struct sq_conn *c, const char *id, struct arena *a, struct task *out)
{
	static const char sql[] = "SELECT " TASK_COLS TASK_FROM " WHERE t.id = ?1";
	return sq_one(c, sql, read_row, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_task_get(struct store *s, const char *id, struct arena *a, struct task *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_task_read(c, id, a, out);

	sq_reader_put(s, c);
	return ss;
}

#define TASK_WHERE                                                                                 \
	" WHERE t.area_code >= ?1 AND t.area_code < ?2"                                            \
	"   AND (?3 IS NULL OR (t.area_code >= ?3 AND t.area_code < ?4))"                          \
	"   AND (?5 IS NULL OR (?5 = 'open' AND t.status = 'open')"                                \
	"        OR (?5 = 'overdue' AND t.status = 'open' AND t.due_at < ?6)"                      \
	"        OR (?5 = 'closed' AND t.status = 'closed'))"

static void bind_query(sqlite3_stmt *st, const struct task_query *q, char *scope_end,
		       char *area_end)
{
	area_code_scope_end(q->scope, scope_end, AREA_CODE_END_SIZE);
	sq_bind_text(st, 1, q->scope);
	sq_bind_text(st, 2, scope_end);
	if (q->area) {
		area_code_scope_end(q->area, area_end, AREA_CODE_END_SIZE);
		sq_bind_text(st, 3, q->area);
		sq_bind_text(st, 4, area_end);
	}
	sq_bind_text(st, 5, q->status);
	sqlite3_bind_int64(st, 6, q->now);
}

enum store_status store_task_list(struct store *s, const struct task_query *q, struct arena *a,
				  struct task **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*) FROM task t" TASK_WHERE;
	/* open work nearest deadline first; closed work newest first */
	static const char sql[] = "SELECT " TASK_COLS TASK_FROM TASK_WHERE
				  " ORDER BY t.status = 'closed', CASE WHEN t.status = 'open'"
				  " THEN t.due_at ELSE -t.closed_at END, t.id LIMIT ?7 OFFSET ?8";
	struct sq_conn *c = sq_reader_get(s);
	char scope_end[AREA_CODE_END_SIZE], area_end[AREA_CODE_END_SIZE];
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);
	enum store_status ss = STORE_ERROR;
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	*n = 0;
	*total = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!c)
		return STORE_BUSY; /* no reader came free in time */
	if (!(st = sq_stmt(c, sql_count)))
		goto out;
	bind_query(st, q, scope_end, area_end);
	if (sqlite3_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!(st = sq_stmt(c, sql)))
		goto out;
	bind_query(st, q, scope_end, area_end);
	sqlite3_bind_int(st, 7, (int)cap);
	sqlite3_bind_int(st, 8, q->offset);
	while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, a, &(*out)[(*n)++]);
	ss = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
	sqlite3_reset(st);
out:
	sq_reader_put(s, c);
	return ss;
}

/* ---- operations of a write transaction (the rules are src/service/svc_task.c's) ---- */

enum store_status store_tx_task_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct task *out)
{
	return sq_task_read(sq_conn_of(tx), id, a, out);
}

#define OUTCOME_SELECT "SELECT code, zh, en, status_after, needs_target FROM outcome"

static void read_outcome(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct outcome *o = out;

	o->code = sq_text(a, st, 0);
	o->zh = sq_text(a, st, 1);
	o->en = sq_text(a, st, 2);
	o->status_after = sq_text(a, st, 3);
	o->needs_target = sqlite3_column_int(st, 4) != 0;
}

enum store_status store_tx_outcome(struct store_tx *tx, const char *code, struct arena *a,
				   struct outcome *o)
{
	static const char sql[] = OUTCOME_SELECT " WHERE code = ?1 AND active = 1";
	enum store_status ss =
		sq_one(sq_conn_of(tx), sql, read_outcome, a, o, SQ_PARAMS(SQ_TEXT(code)));

	return ss == STORE_NOT_FOUND ? STORE_INVALID : ss;
}

enum store_status store_tx_task_close(struct store_tx *tx, const char *id, const char *outcome,
				      const char *note, const char *closed_by,
				      const char *forward_target, int64_t now)
{
	static const char sql[] =
		"UPDATE task SET status = 'closed', outcome = ?2, note = ?3, closed_at = ?4,"
		" closed_by = ?5, forward_target = ?6 WHERE id = ?1 AND status = 'open'";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(outcome), SQ_TEXT_NN(note), SQ_INT(now),
				 SQ_TEXT(closed_by), SQ_TEXT(forward_target)));
}

enum store_status store_tx_task_set(struct store_tx *tx, const char *id, const char *area,
				    const char *assignee, int64_t due_at)
{
	static const char sql[] = "UPDATE task SET area_code = ?2, assignee = ?3, due_at = ?4"
				  " WHERE id = ?1 AND status = 'open'";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss =
		sq_run(c, sql,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(area),
				 SQ_TEXT(assignee && *assignee ? assignee : NULL), SQ_INT(due_at)));

	if (ss != STORE_OK)
		return ss == STORE_CONFLICT ? STORE_INVALID : ss; /* no such area */
	return sqlite3_changes(c->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

enum store_status sq_task_insert(struct sq_conn *c, const char *id, const char *person_id,
				 const char *import_id, const char *area, int64_t due_at,
				 const char *defects, const char *forwarded_from,
				 const char *forward_target, int64_t now)
{
	static const char sql[] =
		"INSERT INTO task(id, person_id, import_id, area_code, due_at, created_at, defects,"
		" forwarded_from, forward_target) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(person_id), SQ_TEXT(import_id), SQ_TEXT(area),
				SQ_INT(due_at), SQ_INT(now), SQ_TEXT_NN(defects),
				SQ_TEXT(forwarded_from), SQ_TEXT(forward_target)));
}

enum store_status store_tx_task_insert(struct store_tx *tx, const struct task_new *t)
{
	enum store_status ss =
		sq_task_insert(sq_conn_of(tx), t->id, t->person_id, t->import_id, t->area,
			       t->due_at, t->defects, t->forwarded_from, t->forward_target, t->now);
	return ss == STORE_CONFLICT ? STORE_INVALID : ss; /* no such area */
}

enum store_status store_tx_task_open_of(struct store_tx *tx, const char *person_id, char *id,
					size_t sz)
{
	static const char sql[] =
		"SELECT id FROM task WHERE person_id = ?1 AND status = 'open' LIMIT 1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	id[0] = '\0';
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, person_id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_text_to(st, 0, id, sz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_tx_person_set(struct store_tx *tx, const char *person_id, const char *area,
				      const char *status, int64_t now)
{
	/* NULL keeps a column */
	static const char sql[] = "UPDATE person SET area_code = coalesce(?2, area_code),"
				  " status = coalesce(?3, status), updated_at = ?4 WHERE id = ?1";
	enum store_status ss =
		sq_run(sq_conn_of(tx), sql,
		       SQ_PARAMS(SQ_TEXT(person_id), SQ_TEXT(area), SQ_TEXT(status), SQ_INT(now)));

	return ss == STORE_CONFLICT ? STORE_INVALID : ss;
}

enum store_status store_tx_person_event(struct store_tx *tx, const struct person_event_new *ev)
{
	return sq_person_event(sq_conn_of(tx), ev->person_id, ev->kind, ev->user_id, ev->username,
			       ev->area, ev->detail, ev->now);
}

/* ---- counts per area ---- */

enum store_status store_outcomes(struct store *s, struct arena *a, struct outcome **out, size_t *n)
{
	static const char sql[] = OUTCOME_SELECT " WHERE active = 1 ORDER BY sort LIMIT 16";
	static const struct sq_rowtype rows = {read_outcome, sizeof(struct outcome)};
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	*out = sq_rows(c, sql, &rows, 16, a, n, &ss, NULL, 0);
	sq_reader_put(s, c);
	return ss;
}

/* The row for child code k, appended when new (children arrive grouped). */
static struct task_stats *stats_row(struct task_stats **v, size_t *n, size_t *cap, struct arena *a,
				    const char *k)
{
	if (*n && !strcmp((*v)[*n - 1].area, k))
		return &(*v)[*n - 1];
	*v = sq_grow(a, *v, *n, cap, sizeof **v);
	struct task_stats *r = &(*v)[(*n)++];
	memset(r, 0, sizeof *r);
	memcpy(r->area, k, strlen(k) + 1);
	return r;
}

enum store_status store_task_stats(struct store *s, const char *scope, int64_t now, struct arena *a,
				   struct task_stats **out, size_t *n)
{
	static const char sql[] =
		"SELECT substr(area_code, 1, ?3), status, coalesce(outcome, ''),"
		" status = 'open' AND due_at < ?4, count(*) FROM task"
		" WHERE area_code >= ?1 AND area_code < ?2 GROUP BY 1, 2, 3, 4 ORDER BY 1";
	struct sq_conn *c;
	sqlite3_stmt *st;
	struct outcome *outs = NULL;
	size_t nouts = 0, cap = 32;
	char end[AREA_CODE_END_SIZE];
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (store_outcomes(s, a, &outs, &nouts) != STORE_OK)
		return STORE_ERROR;
	if (!(c = sq_reader_get(s)))
		return STORE_BUSY;
	if (!(st = sq_stmt(c, sql)))
		goto out;
	area_code_scope_end(scope, end, sizeof end);
	sq_bind_text(st, 1, scope);
	sq_bind_text(st, 2, end);
	sqlite3_bind_int(st, 3, (int)strlen(scope) + 3);
	sqlite3_bind_int64(st, 4, now);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char k[AREA_CODE_MAX + 1];
		const char *status = (const char *)sqlite3_column_text(st, 1);
		const char *outcome = (const char *)sqlite3_column_text(st, 2);
		int64_t cnt = sqlite3_column_int64(st, 4);
		sq_text_to(st, 0, k, sizeof k);
		struct task_stats *r = stats_row(out, n, &cap, a, k);
		r->pushed += cnt;
		if (!strcmp(status, "open")) {
			r->open += cnt;
			if (sqlite3_column_int(st, 3))
				r->overdue += cnt;
		} else {
			r->closed += cnt;
			for (size_t i = 0; i < nouts && i < 16; i++)
				if (!strcmp(outs[i].code, outcome))
					r->by_outcome[i] += cnt;
		}
	}
	sqlite3_reset(st);
	ss = rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
	for (size_t i = 0; ss == STORE_OK && i < *n; i++) {
		struct area ar;
		(*out)[i].name = sq_area_read(c, (*out)[i].area, a, &ar) == STORE_OK ? ar.name : "";
	}
out:
	sq_reader_put(s, c);
	return ss;
}
