/* sq_alert — fever alerts with their referral (发热预警、转诊), and service requests for
 * isolated households (代购、送餐). Both belong to an observation and to its area; their
 * open counts feed the commander's board through obs_count. Queries only: the use cases
 * (referral, result, service requests and their moves) are src/service/svc_alert.c and
 * svc_service.c. */
#include <string.h>

#include "store/sqlite/sq_rows.h"

/* ---- alerts ---- */



static const char sql_alert[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE al.id = ?1";

enum store_status sq_alert_of_visit(struct sq_conn *c, const char *visit_id, const char *obs_id,
				    struct arena *a, struct alert *out)
{
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE al.observation_id = ?2"
				  " ORDER BY al.visit_id = ?1 DESC, al.raised_at DESC LIMIT 1";
	return sq_one(c, sql, &sq_alert_rows, a, out, SQ_PARAMS(SQ_TEXT(visit_id), SQ_TEXT(obs_id)));
}

enum store_status store_alert_get(struct store *s, const char *id, struct arena *a,
				  struct alert *out)
{
	return sq_get(s, sql_alert, &sq_alert_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status sq_alerts_of(struct sq_conn *c, const char *obs_id, struct arena *a,
			       struct alert **out, size_t *n)
{
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE al.observation_id = ?1"
				  " ORDER BY al.raised_at DESC LIMIT 100";
	enum store_status ss;

	*out = sq_rows(c, sql, &sq_alert_rows, 100, a, n, &ss, SQ_PARAMS(SQ_TEXT(obs_id)));
	return ss;
}

/* A list of an area's rows, newest or most urgent first as sql orders them: the count and
 * the first rows up to the limit, in one snapshot (sq_page). Both statements bind ?1/?2 the
 * scope's range, ?3/?4 the area's (optional), ?5 the status filter, ?6 now, ?7 the limit. */
static void *area_list(struct store *s, const char *sql_count, const char *sql,
		       const struct sq_rowtype *t, const char *scope, const char *area,
		       const char *status, int64_t now, int limit, const struct store_each *each,
		       struct arena *a, size_t *n, int64_t *total, enum store_status *ss)
{
	size_t cap = (size_t)(limit > 0 ? limit : 1);
#define AREA_PARAMS                                                                                \
	SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_TEXT(area),                  \
		  SQ_TEXT(sq_scope_end(a, area)), SQ_TEXT(status), SQ_INT(now), SQ_INT(cap))

	if (each) { /* streamed: no page, no count */
		*n = 0;
		*total = 0;
		*ss = sq_each(s, sql, t, each, AREA_PARAMS);
		return NULL;
	}
	return sq_page(s, sql_count, sql, t, cap, a, n, total, ss, AREA_PARAMS);
#undef AREA_PARAMS
}

enum store_status store_alert_list(struct store *s, const struct alert_query *q, struct arena *a,
				   struct alert **out, size_t *n, int64_t *total)
{
#define ALERT_WHERE                                                                                \
	" WHERE al.area_code >= ?1 AND al.area_code < ?2"                                          \
	"   AND (?3 IS NULL OR (al.area_code >= ?3 AND al.area_code < ?4))"                        \
	"   AND (?5 IS NULL OR (?5 = 'active' AND al.status <> 'closed') OR al.status = ?5)"
	static const char sql_count[] = "SELECT count(*) FROM alert al" ALERT_WHERE;
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM ALERT_WHERE
				  " ORDER BY al.raised_at DESC, al.id LIMIT ?7";
	enum store_status ss;

	*out = area_list(s, sql_count, sql, &sq_alert_rows, q->scope, q->area, q->status, 0,
			 q->limit, q->each, a, n, total, &ss);
	return ss;
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_alert_read(struct store_tx *tx, const char *id, struct arena *a,
				      struct alert *out)
{
	return sq_one(sq_conn_of(tx), sql_alert, &sq_alert_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_alert_refer(struct store_tx *tx, const char *id,
				       const struct alert_update *u, const char *by)
{
	static const char sql[] =
		"UPDATE alert SET status = 'referred', destination = ?2, facility = ?3,"
		" transport = ?4, referred_at = ?5, referred_by = ?6, note = ?7, updated_at = ?8"
		" WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(u->destination), SQ_TEXT_NN(u->facility),
				SQ_TEXT_NN(u->transport), SQ_INT(u->referred_at), SQ_TEXT(by),
				SQ_TEXT_NN(u->note), SQ_INT(u->now)));
}

enum store_status store_tx_alert_close(struct store_tx *tx, const char *id, const char *result,
				       const char *note, int64_t now)
{
	static const char sql[] =
		"UPDATE alert SET status = 'closed', result = ?2, result_at = ?3,"
		" note = CASE WHEN ?4 <> '' THEN ?4 ELSE note END, updated_at = ?3 WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(result), SQ_INT(now), SQ_TEXT_NN(note)));
}

/* ---- services ---- */



static const char sql_service[] = "SELECT " SERVICE_COLS SERVICE_FROM " WHERE sv.id = ?1";

enum store_status store_service_get(struct store *s, const char *id, struct arena *a,
				    struct service *out)
{
	return sq_get(s, sql_service, &sq_service_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status sq_services_of(struct sq_conn *c, const char *obs_id, struct arena *a,
				 struct service **out, size_t *n)
{
	static const char sql[] =
		"SELECT " SERVICE_COLS SERVICE_FROM
		" WHERE sv.observation_id = ?1 ORDER BY sv.created_at DESC LIMIT 200";
	enum store_status ss;

	*out = sq_rows(c, sql, &sq_service_rows, 200, a, n, &ss, SQ_PARAMS(SQ_TEXT(obs_id)));
	return ss;
}

#define SERVICE_WHERE                                                                              \
	" WHERE sv.area_code >= ?1 AND sv.area_code < ?2"                                          \
	"   AND (?3 IS NULL OR (sv.area_code >= ?3 AND sv.area_code < ?4))"                        \
	"   AND (?5 IS NULL OR sv.status = ?5"                                                     \
	"        OR (?5 IN ('open', 'overdue') AND sv.status IN ('new', 'accepted')"               \
	"            AND (?5 = 'open' OR sv.due_at < ?6)))"

enum store_status store_service_list(struct store *s, const struct service_query *q,
				     struct arena *a, struct service **out, size_t *n,
				     int64_t *total)
{
	static const char sql_count[] = "SELECT count(*) FROM service sv" SERVICE_WHERE;
	/* open work nearest deadline first, the rest newest first */
	static const char sql[] = "SELECT " SERVICE_COLS SERVICE_FROM SERVICE_WHERE
				  " ORDER BY sv.status IN ('new', 'accepted') DESC,"
				  " CASE WHEN sv.status IN ('new', 'accepted') THEN sv.due_at"
				  " ELSE -sv.updated_at END, sv.id LIMIT ?7";
	enum store_status ss;

	*out = area_list(s, sql_count, sql, &sq_service_rows, q->scope, q->area, q->status, q->now,
			 q->limit, q->each, a, n, total, &ss);
	return ss;
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_service_read(struct store_tx *tx, const char *id, struct arena *a,
					struct service *out)
{
	return sq_one(sq_conn_of(tx), sql_service, &sq_service_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_service_insert(struct store_tx *tx, const struct service *in,
					  int64_t now)
{
	static const char sql[] =
		"INSERT INTO service(id, observation_id, person_id, area_code, kind, items,"
		" requested_by, requester, assignee, due_at, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(in->id), SQ_TEXT(in->observation_id),
				SQ_TEXT(in->person_id), SQ_TEXT(in->area), SQ_TEXT(in->kind),
				SQ_TEXT(in->items), SQ_TEXT(in->requested_by),
				SQ_TEXT_NN(in->requester), SQ_TEXT_NN(in->assignee),
				SQ_INT(in->due_at), SQ_INT(now)));
}

enum store_status store_tx_service_move(struct store_tx *tx, const char *id, const char *status,
					const char *assignee, const char *note, int64_t now)
{
	static const char sql[] =
		"UPDATE service SET status = ?2, assignee = coalesce(?3, assignee),"
		" note = coalesce(?4, note),"
		" accepted_at = CASE WHEN ?2 = 'accepted' THEN ?5 ELSE accepted_at END,"
		" delivered_at = CASE WHEN ?2 = 'delivered' THEN ?5 ELSE delivered_at END,"
		" updated_at = ?5 WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(status), SQ_TEXT(assignee), SQ_TEXT(note),
				SQ_INT(now)));
}
