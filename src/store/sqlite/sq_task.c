/* sq_task — the queries of verification tasks (核查任务): lists, counts, and the
 * operations a write transaction uses. What closing, forwarding or moving a task does is
 * src/service/svc_task.c's. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"
#include "util/timeutil.h"

static const char sql_task[] = "SELECT " TASK_COLS TASK_FROM " WHERE t.id = ?1";

enum store_status sq_task_read(struct sq_conn *c, const char *id, struct arena *a, struct task *out)
{
	return sq_one(c, sql_task, &sq_task_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_task_get(struct store *s, const char *id, struct arena *a, struct task *out)
{
	return sq_get(s, sql_task, &sq_task_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

#define TASK_WHERE                                                                                 \
	" WHERE t.area_code >= ?1 AND t.area_code < ?2"                                            \
	"   AND (?3 IS NULL OR (t.area_code >= ?3 AND t.area_code < ?4))"                          \
	"   AND (?5 IS NULL OR (?5 = 'open' AND t.status = 'open')"                                \
	"        OR (?5 = 'overdue' AND t.status = 'open' AND t.due_at < ?6)"                      \
	"        OR (?5 = 'closed' AND t.status = 'closed')"                                       \
	"        OR (?5 = 'to_place' AND t.status = 'closed' AND t.outcome = 'observation'"        \
	"            AND t.person_id IN (SELECT id FROM person"                                    \
	"                WHERE status = 'to_place' AND merged_into IS NULL)))"                     \
	"   AND (?9 IS NULL OR (t.area_code = ?9 AND t.assignee IS NULL"                           \
	"        AND (SELECT area_code FROM person WHERE id = t.person_id) = ?9))"

enum store_status store_task_list(struct store *s, const struct task_query *q, struct arena *a,
				  struct task **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*) FROM task t" TASK_WHERE;
	/* open work nearest deadline first; closed work newest first */
	static const char sql[] = "SELECT " TASK_COLS TASK_FROM TASK_WHERE
				  " ORDER BY t.status = 'closed', CASE WHEN t.status = 'open'"
				  " THEN t.due_at ELSE -t.closed_at END, t.id LIMIT ?7 OFFSET ?8";
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);
	enum store_status ss;
#define TASK_PARAMS                                                                                \
	SQ_PARAMS(SQ_TEXT(q->scope), SQ_TEXT(sq_scope_end(a, q->scope)), SQ_TEXT(q->area),         \
		  SQ_TEXT(sq_scope_end(a, q->area)), SQ_TEXT(q->status), SQ_INT(q->now),           \
		  SQ_INT(cap), SQ_INT(q->offset), SQ_TEXT(q->unassigned_at))

	if (q->each) {
		*out = NULL;
		*n = 0;
		*total = 0;
		return sq_each(s, sql, &sq_task_rows, q->each, TASK_PARAMS);
	}
	*out = sq_page(s, sql_count, sql, &sq_task_rows, cap, a, n, total, &ss, TASK_PARAMS);
#undef TASK_PARAMS
	return ss;
}

/* ---- operations of a write transaction (the rules are src/service/svc_task.c's) ---- */

enum store_status store_tx_task_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct task *out)
{
	return sq_task_read(sq_conn_of(tx), id, a, out);
}

#define OUTCOME_SELECT "SELECT " OUTCOME_COLS " FROM outcome"

enum store_status store_tx_outcome(struct store_tx *tx, const char *code, struct arena *a,
				   struct outcome *o)
{
	static const char sql[] = OUTCOME_SELECT " WHERE code = ?1 AND active = 1";
	enum store_status ss =
		sq_one(sq_conn_of(tx), sql, &sq_outcome_rows, a, o, SQ_PARAMS(SQ_TEXT(code)));

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
	return sq_changes(c) == 1 ? STORE_OK : STORE_CONFLICT;
}

enum store_status sq_task_insert(struct sq_conn *c, const struct task_new *t)
{
	static const char sql[] =
		"INSERT INTO task(id, person_id, import_id, area_code, due_at, created_at, defects,"
		" forwarded_from, forward_target, key_area)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(t->id), SQ_TEXT(t->person_id), SQ_TEXT(t->import_id),
				SQ_TEXT(t->area), SQ_INT(t->due_at), SQ_INT(t->now),
				SQ_TEXT_NN(t->defects), SQ_TEXT(t->forwarded_from),
				SQ_TEXT(t->forward_target), SQ_INT(t->key_area)));
}

enum store_status store_tx_task_insert(struct store_tx *tx, const struct task_new *t)
{
	enum store_status ss = sq_task_insert(sq_conn_of(tx), t);
	return ss == STORE_CONFLICT ? STORE_INVALID : ss; /* no such area */
}

enum store_status store_tx_task_unassigned(struct store_tx *tx, const char *area, size_t max,
					   struct arena *a, struct task **out, size_t *n)
{
	static const char sql[] =
		"SELECT " TASK_COLS TASK_FROM
		" WHERE t.area_code = ?1 AND t.status = 'open' AND t.assignee IS NULL"
		" ORDER BY t.due_at, t.id LIMIT ?2";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &sq_task_rows, max, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(area), SQ_INT(max)));
	return ss;
}

enum store_status store_tx_task_open_of(struct store_tx *tx, const char *person_id, char *id,
					size_t sz)
{
	static const char sql[] =
		"SELECT id FROM task WHERE person_id = ?1 AND status = 'open' LIMIT 1";
	return sq_one_text(sq_conn_of(tx), sql, id, sz, SQ_PARAMS(SQ_TEXT(person_id)));
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
	enum store_status ss;

	*out = sq_list(s, sql, &sq_outcome_rows, 16, a, n, &ss, NULL, 0);
	return ss;
}

/* A row of the counts: a child area, a status and outcome, whether overdue, how many. */
struct stats_count {
	char area[AREA_CODE_MAX + 1];
	const char *status, *outcome;
	bool overdue;
	int64_t n;
};

static const struct sq_col stats_cols[] = {
	SQ_COL_BUF(struct stats_count, area),     SQ_COL_TEXT(struct stats_count, status),
	SQ_COL_TEXT(struct stats_count, outcome), SQ_COL_NUM(struct stats_count, overdue),
	SQ_COL_NUM(struct stats_count, n),
};

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

/* Adds a row of counts to its child's stats; by_outcome in the order of outs. */
static void stats_add(struct task_stats *r, const struct stats_count *k, const struct outcome *outs,
		      size_t nouts)
{
	r->pushed += k->n;
	if (!strcmp(k->status, "open")) {
		r->open += k->n;
		if (k->overdue)
			r->overdue += k->n;
		return;
	}
	r->closed += k->n;
	for (size_t i = 0; i < nouts && i < 16; i++)
		if (!strcmp(outs[i].code, k->outcome))
			r->by_outcome[i] += k->n;
}

enum store_status store_task_stats(struct store *s, const char *scope, int64_t now, struct arena *a,
				   struct task_stats **out, size_t *n)
{
	static const char sql[] =
		"SELECT substr(area_code, 1, ?3), status, coalesce(outcome, ''),"
		" status = 'open' AND due_at < ?4, count(*) FROM task"
		" WHERE area_code >= ?1 AND area_code < ?2 GROUP BY 1, 2, 3, 4 ORDER BY 1";
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct stats_count, stats_cols, NULL);
	struct outcome *outs = NULL;
	struct stats_count *counts;
	size_t nouts = 0, ncounts, cap = 32;
	char end[AREA_CODE_END_SIZE];
	struct sq_conn *c;
	enum store_status ss;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (store_outcomes(s, a, &outs, &nouts) != STORE_OK)
		return STORE_ERROR;
	area_code_scope_end(scope, end, sizeof end);
	c = sq_reader_get(s);
	counts = sq_rows(
		c, sql, &rows, SQ_ALL, a, &ncounts, &ss,
		SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end), SQ_INT(strlen(scope) + 3), SQ_INT(now)));
	for (size_t i = 0; ss == STORE_OK && i < ncounts; i++)
		stats_add(stats_row(out, n, &cap, a, counts[i].area), &counts[i], outs, nouts);
	for (size_t i = 0; ss == STORE_OK && i < *n; i++)
		(*out)[i].name = sq_area_name(c, (*out)[i].area, a);
	sq_reader_put(s, c);
	return ss;
}
