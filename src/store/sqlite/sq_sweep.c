/* sq_sweep — what the sweep (svc_sweep.c) reminds of, and its bookkeeping: the candidates of
 * each kind not yet reminded of on the day (an open task past its deadline, a person verified
 * and not placed, an active observation with its two last days' filled slots), the mark that
 * makes a reminder once per kind, object and day, and the pruning of old notifications. Each
 * list is bounded by its caller; the rules that decide (what is missed) are above. */
#include <string.h>

#include "store/sqlite/sq_rows.h"

#define T_ struct sweep_item
static const struct sq_col item_cols[] = {SQ_COL_BUF(T_, id),
					  SQ_COL_BUF(T_, area),
					  SQ_COL_TEXT(T_, area_name),
					  SQ_COL_TEXT(T_, user),
					  SQ_COL_NUM(T_, due_at),
					  SQ_COL_NUM(T_, start_date),
					  SQ_COL_NUM(T_, end_date),
					  SQ_COL_NUM(T_, began_at),
					  SQ_COL_NUM(T_, ended_at),
					  SQ_COL_NUM(T_, filled_today),
					  SQ_COL_NUM(T_, filled_yesterday)};
#undef T_
static const struct sq_rowtype item_rows = SQ_ROWTYPE(struct sweep_item, item_cols, NULL);

/* not yet reminded of on the day: ?1 kind, ?2 day */
#define NOT_MARKED(id)                                                                             \
	" AND NOT EXISTS (SELECT 1 FROM notify_mark m WHERE m.kind = ?1 AND m.object_id = " id     \
	" AND m.day = ?2)"

enum store_status store_tx_sweep_tasks(struct store_tx *tx, int day, int64_t now, size_t max,
				       struct arena *a, struct sweep_item **out, size_t *n)
{
	static const char sql[] =
		"SELECT t.id, t.area_code, coalesce(a.name, ''), '', t.due_at, 0, 0, 0, 0, 0, 0"
		" FROM task t LEFT JOIN area a ON a.code = t.area_code"
		" WHERE t.status = 'open' AND t.due_at <= ?3" NOT_MARKED(
			"t.id") " ORDER BY t.due_at LIMIT ?4";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &item_rows, max, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT("task_overdue"), SQ_INT(day), SQ_INT(now), SQ_INT(max)));
	return ss;
}

enum store_status store_tx_sweep_to_place(struct store_tx *tx, int day, size_t max, struct arena *a,
					  struct sweep_item **out, size_t *n)
{
	static const char sql[] =
		"SELECT p.id, p.area_code, coalesce(a.name, ''), '', 0, 0, 0, 0, 0, 0, 0"
		" FROM person p LEFT JOIN area a ON a.code = p.area_code"
		" WHERE p.status = 'to_place' AND p.merged_into IS NULL" NOT_MARKED(
			"p.id") " LIMIT ?3";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &item_rows, max, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT("to_place"), SQ_INT(day), SQ_INT(max)));
	return ss;
}

enum store_status store_tx_sweep_observations(struct store_tx *tx, int day, int yesterday,
					      const char *after, size_t max, struct arena *a,
					      struct sweep_item **out, size_t *n)
{
	static const char sql[] =
		"SELECT o.id, o.area_code, coalesce(a.name, ''), coalesce(o.doctor, ''), 0,"
		" o.start_date, o.end_date, o.began_at, o.ended_at,"
		" coalesce((SELECT filled FROM obs_day d WHERE d.observation_id = o.id"
		"  AND d.date = ?2), 0),"
		" coalesce((SELECT filled FROM obs_day d WHERE d.observation_id = o.id"
		"  AND d.date = ?3), 0)"
		" FROM observation o LEFT JOIN area a ON a.code = o.area_code"
		" WHERE o.status = 'active' AND o.id > ?4" NOT_MARKED(
			"o.id") " ORDER BY o.id LIMIT ?5";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &item_rows, max, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT("visit_missed"), SQ_INT(day), SQ_INT(yesterday),
				 SQ_TEXT(after), SQ_INT(max)));
	return ss;
}

enum store_status store_tx_sweep_mark(struct store_tx *tx, const char *kind, const char *object_id,
				      int day, bool *fresh)
{
	static const char sql[] =
		"INSERT INTO notify_mark(kind, object_id, day) VALUES (?1, ?2, ?3)"
		" ON CONFLICT DO NOTHING";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss =
		sq_run(c, sql, SQ_PARAMS(SQ_TEXT(kind), SQ_TEXT(object_id), SQ_INT(day)));

	*fresh = ss == STORE_OK && sq_changes(c) == 1;
	return ss;
}

enum store_status store_tx_notification_prune(struct store_tx *tx, int64_t read_before,
					      int64_t all_before, int mark_before, int limit,
					      int64_t *deleted)
{
	static const char sql[] =
		"DELETE FROM notification WHERE id IN (SELECT id FROM notification"
		" WHERE created_at < ?1 AND (created_at < ?2 OR read_at > 0) ORDER BY id LIMIT ?3)";
	static const char marks[] =
		"DELETE FROM notify_mark WHERE (kind, object_id, day) IN (SELECT kind, object_id,"
		" day FROM notify_mark WHERE day < ?1 LIMIT ?2)";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss;

	ss = sq_run(c, sql, SQ_PARAMS(SQ_INT(read_before), SQ_INT(all_before), SQ_INT(limit)));
	*deleted = ss == STORE_OK ? sq_changes(c) : 0;
	if (ss != STORE_OK)
		return ss;
	return sq_run(c, marks, SQ_PARAMS(SQ_INT(mark_before), SQ_INT(limit)));
}
