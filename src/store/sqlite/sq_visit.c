/* sq_visit — the visits of an observation and its days (filled slots, fever), the alert a
 * fever visit raises or feeds, and one observation's record (visits, alerts, services,
 * days), read through a view (store_view) with the observation. Queries only: what a
 * visit does is src/service/svc_visit.c's. */
#include <string.h>

#include "store/sqlite/sq.h"

#define VISIT_COLS                                                                                 \
	"id, observation_id, at, recorded_at, mode, saw_person, saw_home, saw_state, temp,"        \
	" symptoms, note, coalesce(by_username, ''), self_report, slot, late, fever"

static void read_visit(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct visit *v = out;

	memset(v, 0, sizeof *v);
	sq_text_to(st, 0, v->id, sizeof v->id);
	sq_text_to(st, 1, v->observation_id, sizeof v->observation_id);
	v->at = sqlite3_column_int64(st, 2);
	v->recorded_at = sqlite3_column_int64(st, 3);
	v->mode = sq_text(a, st, 4);
	v->saw_person = sqlite3_column_int(st, 5) != 0;
	v->saw_home = sqlite3_column_int(st, 6) != 0;
	v->saw_state = sqlite3_column_int(st, 7) != 0;
	v->temp = sqlite3_column_int(st, 8);
	v->symptoms = (unsigned)sqlite3_column_int(st, 9);
	v->note = sq_text(a, st, 10);
	v->by = sq_text(a, st, 11);
	v->self_report = sqlite3_column_int(st, 12) != 0;
	v->slot = sqlite3_column_int(st, 13);
	v->late = sqlite3_column_int(st, 14) != 0;
	v->fever = sqlite3_column_int(st, 15) != 0;
}

static enum store_status sq_visit_read(struct sq_conn *c, const char *id, struct arena *a,
				       struct visit *out)
{
	static const char sql[] = "SELECT " VISIT_COLS " FROM visit WHERE id = ?1";
	return sq_one(c, sql, read_visit, a, out, SQ_PARAMS(SQ_TEXT(id)));
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
	size_t cv = 32, cd = 16;
	sqlite3_stmt *st;
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	*nvisits = *ndays = 0;
	*visits = arena_alloc(a, cv * sizeof **visits);
	*days = arena_alloc(a, cd * sizeof **days);
	if (!(st = sq_stmt(c, sql_v)))
		goto out;
	sq_bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*visits = sq_grow(a, *visits, *nvisits, &cv, sizeof **visits);
		read_visit(st, a, &(*visits)[(*nvisits)++]);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE || !(st = sq_stmt(c, sql_d)))
		goto out;
	sq_bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*days = sq_grow(a, *days, *ndays, &cd, sizeof **days);
		struct obs_day_row *d = &(*days)[(*ndays)++];
		d->date = sqlite3_column_int(st, 0);
		d->filled = (unsigned)sqlite3_column_int(st, 1);
		d->fever = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto out;
	if ((ss = sq_alerts_of(c, id, a, alerts, nalerts)) == STORE_OK)
		ss = sq_services_of(c, id, a, services, nservices);
out:
	if (rc != SQLITE_DONE && ss == STORE_ERROR)
		ss = sq_rc(c, rc);
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

static void read_day(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct obs_day_row *d = out;

	d->filled = (unsigned)sqlite3_column_int(st, 0);
	d->fever = sqlite3_column_int(st, 1) != 0;
}

enum store_status store_tx_obs_day_read(struct store_tx *tx, const char *obs_id, int date,
					unsigned *filled, bool *fever)
{
	static const char sql[] = "SELECT filled, fever FROM obs_day WHERE observation_id = ?1"
				  " AND date = ?2";
	struct obs_day_row d = {0};
	enum store_status ss = sq_one(sq_conn_of(tx), sql, read_day, NULL, &d,
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
		"UPDATE alert SET temp = CASE WHEN ?2 > 0 THEN ?2 ELSE temp END,"
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
