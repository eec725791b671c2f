/* sq_visit — the visits of an observation and its days (filled slots, fever), the alert a
 * fever visit raises or feeds, and one observation's record (visits, alerts, services,
 * days), read through a view (store_view) with the observation. Queries only: what a
 * visit does is src/service/svc_visit.c's. */
#include <string.h>

#include "store/sqlite/sq_rows.h"

/* a day's row: its date, then what store_tx_obs_day_read reads */
static const struct sq_col day_cols[] = {
	SQ_COL_NUM(struct obs_day_row, date),
	SQ_COL_NUM(struct obs_day_row, filled),
	SQ_COL_NUM(struct obs_day_row, fever),
};
static const struct sq_rowtype day_rows = SQ_ROWTYPE(struct obs_day_row, day_cols, NULL);

static enum store_status sq_visit_read(struct sq_conn *c, const char *id, struct arena *a,
				       struct visit *out)
{
	static const char sql[] = "SELECT " VISIT_COLS " FROM visit WHERE id = ?1";
	return sq_one(c, sql, &sq_visit_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_obs_detail(struct store_tx *tx, const char *id, struct arena *a,
				      struct visit **visits, size_t *nvisits, struct alert **alerts,
				      size_t *nalerts, struct service **services, size_t *nservices,
				      struct obs_day_row **days, size_t *ndays)
{
	static const char sql_v[] = "SELECT " VISIT_COLS " FROM visit WHERE observation_id = ?1"
				    " ORDER BY at DESC, id DESC LIMIT 500";
	static const char sql_d[] = "SELECT date, filled, fever FROM obs_day"
				    " WHERE observation_id = ?1 ORDER BY date";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss;

	*ndays = 0;
	*days = NULL;
	*visits = sq_rows(c, sql_v, &sq_visit_rows, 500, a, nvisits, &ss, SQ_PARAMS(SQ_TEXT(id)));
	if (ss == STORE_OK)
		*days = sq_rows(c, sql_d, &day_rows, SQ_ALL, a, ndays, &ss, SQ_PARAMS(SQ_TEXT(id)));
	if (ss == STORE_OK)
		ss = sq_alerts_of(c, id, a, alerts, nalerts);
	if (ss == STORE_OK)
		ss = sq_services_of(c, id, a, services, nservices);
	return ss;
}

/* ---- operations of a write transaction ---- */

enum store_status store_tx_visit_read(struct store_tx *tx, const char *id, struct arena *a,
				      struct visit *out)
{
	return sq_visit_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_visit_insert(struct store_tx *tx, const struct visit *v,
					const char *user_id)
{
	static const char sql[] =
		"INSERT INTO visit(id, observation_id, at, recorded_at, mode, saw_person, saw_home,"
		" saw_state, temp, symptoms, note, by_user, by_username, self_report, slot, late, "
		"fever)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
		"?17)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(v->id), SQ_TEXT(v->observation_id), SQ_INT(v->at),
				SQ_INT(v->recorded_at), SQ_TEXT(v->mode), SQ_INT(v->saw_person),
				SQ_INT(v->saw_home), SQ_INT(v->saw_state), SQ_INT(v->temp),
				SQ_INT(v->symptoms), SQ_TEXT_NN(v->note),
				SQ_TEXT(v->self_report ? NULL : user_id),
				SQ_TEXT(v->self_report ? NULL : v->by), SQ_INT(v->self_report),
				SQ_INT(v->slot), SQ_INT(v->late), SQ_INT(v->fever)));
}

enum store_status store_tx_obs_day_read(struct store_tx *tx, const char *obs_id, int date,
					unsigned *filled, bool *fever)
{
	static const char sql[] = "SELECT date, filled, fever FROM obs_day"
				  " WHERE observation_id = ?1 AND date = ?2";
	struct obs_day_row d = {0};
	enum store_status ss = sq_one(sq_conn_of(tx), sql, &day_rows, NULL, &d,
				      SQ_PARAMS(SQ_TEXT(obs_id), SQ_INT(date)));

	*filled = d.filled;
	*fever = d.fever;
	return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status store_tx_obs_day_write(struct store_tx *tx, const char *obs_id, int date,
					 unsigned filled, bool fever)
{
	static const char sql[] = "INSERT INTO obs_day(observation_id, date, filled, fever)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (observation_id, date)"
				  " DO UPDATE SET filled = excluded.filled, fever = excluded.fever";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(obs_id), SQ_INT(date), SQ_INT(filled), SQ_INT(fever)));
}

/* ---- the alert of a fever visit ---- */

enum store_status store_tx_obs_open_alert(struct store_tx *tx, const char *obs_id, char *id,
					  size_t sz)
{
	static const char sql[] = "SELECT id FROM alert WHERE observation_id = ?1"
				  " AND status <> 'closed' ORDER BY raised_at DESC LIMIT 1";
	return sq_one_text(sq_conn_of(tx), sql, id, sz, SQ_PARAMS(SQ_TEXT(obs_id)));
}

enum store_status store_tx_obs_alert_feed(struct store_tx *tx, const char *alert_id, int temp,
					  unsigned symptoms, int64_t now)
{
	static const char sql[] =
		"UPDATE alert SET temp = CASE WHEN ?2 > temp THEN ?2 ELSE temp END,"
		" symptoms = symptoms | ?3, visits = visits + 1, updated_at = ?4 WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(alert_id), SQ_INT(temp), SQ_INT(symptoms), SQ_INT(now)));
}

enum store_status store_tx_obs_alert_insert(struct store_tx *tx, const char *alert_id,
					    const struct observation *o, const struct visit *v,
					    int64_t now)
{
	static const char sql[] =
		"INSERT INTO alert(id, observation_id, person_id, area_code, visit_id, raised_at,"
		" temp, symptoms, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?6)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(alert_id), SQ_TEXT(o->id), SQ_TEXT(o->person_id),
				SQ_TEXT(o->area), SQ_TEXT(v->id), SQ_INT(now), SQ_INT(v->temp),
				SQ_INT(v->symptoms)));
}

enum store_status store_tx_obs_alert_of_visit(struct store_tx *tx, const char *visit_id,
					      const char *obs_id, struct arena *a,
					      struct alert *out)
{
	return sq_alert_of_visit(sq_conn_of(tx), visit_id, obs_id, a, out);
}
