/* sq_alert — fever alerts with their referral (发热预警、转诊), and service requests for
 * isolated households (代购、送餐). Both belong to an observation and to its area; their
 * open counts feed the commander's board through obs_count. Queries only: the use cases
 * (referral, result, service requests and their moves) are src/service/svc_alert.c and
 * svc_service.c. */
#include <string.h>

#include "store/sqlite/sq.h"

/* ---- alerts ---- */

#define ALERT_COLS                                                                             \
	"al.id, al.observation_id, al.person_id, coalesce(p.name, ''), al.area_code,"          \
	" coalesce(a.name, ''), coalesce(al.visit_id, ''), al.status,"                         \
	" coalesce(al.destination, ''), al.facility, al.transport, coalesce(al.referred_by, ''),"\
	" coalesce(al.result, ''), al.note, al.raised_at, al.referred_at, al.result_at,"       \
	" al.updated_at, al.temp, al.visits, al.symptoms"
#define ALERT_FROM                                                                             \
	" FROM alert al LEFT JOIN person p ON p.id = al.person_id"                              \
	" LEFT JOIN area a ON a.code = al.area_code"

static void read_alert(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct alert *r = out;

	memset(r, 0, sizeof *r);
	sq_text_to(st, 0, r->id, sizeof r->id);
	sq_text_to(st, 1, r->observation_id, sizeof r->observation_id);
	sq_text_to(st, 2, r->person_id, sizeof r->person_id);
	r->person_name = sq_text(a, st, 3);
	sq_text_to(st, 4, r->area, sizeof r->area);
	r->area_name = sq_text(a, st, 5);
	r->visit_id = sq_text(a, st, 6);
	r->status = sq_text(a, st, 7);
	r->destination = sq_text(a, st, 8);
	r->facility = sq_text(a, st, 9);
	r->transport = sq_text(a, st, 10);
	r->referred_by = sq_text(a, st, 11);
	r->result = sq_text(a, st, 12);
	r->note = sq_text(a, st, 13);
	r->raised_at = sqlite3_column_int64(st, 14);
	r->referred_at = sqlite3_column_int64(st, 15);
	r->result_at = sqlite3_column_int64(st, 16);
	r->updated_at = sqlite3_column_int64(st, 17);
	r->temp = sqlite3_column_int(st, 18);
	r->visits = sqlite3_column_int(st, 19);
	r->symptoms = (unsigned)sqlite3_column_int(st, 20);
}

static enum store_status alert_one(struct sq_conn *c, const char *sql, const char *p1,
				   const char *p2, struct arena *a, struct alert *out)
{
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (st) {
		sq_bind_text(st, 1, p1);
		sq_bind_text(st, 2, p2);
	}
	return sq_row(c, st, a, out, read_alert);
}

static enum store_status alert_read(struct sq_conn *c, const char *id, struct arena *a,
				    struct alert *out)
{
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE al.id = ?1 AND ?2 IS NULL";
	return alert_one(c, sql, id, NULL, a, out);
}

enum store_status sq_alert_of_visit(struct sq_conn *c, const char *visit_id, const char *obs_id,
				    struct arena *a, struct alert *out)
{
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE al.observation_id = ?2"
				  " ORDER BY al.visit_id = ?1 DESC, al.raised_at DESC LIMIT 1";
	return alert_one(c, sql, visit_id, obs_id, a, out);
}

enum store_status store_alert_get(struct store *s, const char *id, struct arena *a,
				  struct alert *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = alert_read(c, id, a, out);

	if (!c)
		return STORE_BUSY;

	sq_reader_put(s, c);
	return ss;
}

enum store_status sq_alerts_of(struct sq_conn *c, const char *obs_id, struct arena *a,
			       struct alert **out, size_t *n)
{
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM " WHERE al.observation_id = ?1"
				  " ORDER BY al.raised_at DESC LIMIT 100";
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t cap = 4;
	int rc = SQLITE_DONE;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, obs_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sq_grow(a, *out, *n, &cap, sizeof **out);
		read_alert(st, a, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

/* A list of an area's rows, newest or most urgent first as sql orders them: the count and
 * the first cap rows, in one snapshot. Both statements bind ?1/?2 the scope's range, ?3/?4
 * the area's (optional), ?5 the status filter, ?6 now, ?7 the limit. */
static enum store_status area_list(struct store *s, const char *sql_count, const char *sql,
				   const char *scope, const char *area, const char *status,
				   int64_t now, size_t cap, struct arena *a, void *rows, size_t size,
				   void (*read)(sqlite3_stmt *, struct arena *, void *), size_t *n,
				   int64_t *total)
{
	struct sq_conn *c = sq_reader_get(s);
	char end[AREA_CODE_MAX + 2], aend[AREA_CODE_MAX + 2];
	enum store_status ss = sq_exec(c, "BEGIN");
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	*total = 0;
	sq_prefix_end(scope, end, sizeof end);
	if (area)
		sq_prefix_end(area, aend, sizeof aend);
	for (int pass = 0; pass < 2 && ss == STORE_OK; pass++) {
		if (!(st = sq_stmt(c, pass ? sql : sql_count))) {
			ss = STORE_ERROR;
			break;
		}
		sq_bind_text(st, 1, scope);
		sq_bind_text(st, 2, end);
		if (area) {
			sq_bind_text(st, 3, area);
			sq_bind_text(st, 4, aend);
		}
		sq_bind_text(st, 5, status);
		sqlite3_bind_int64(st, 6, now);
		if (!pass) {
			if (sqlite3_step(st) == SQLITE_ROW)
				*total = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			continue;
		}
		sqlite3_bind_int(st, 7, (int)cap);
		while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
			read(st, a, (char *)rows + (*n)++ * size);
		ss = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
		sqlite3_reset(st);
	}
	sq_exec(c, "COMMIT");
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_alert_list(struct store *s, const struct alert_query *q, struct arena *a,
				   struct alert **out, size_t *n, int64_t *total)
{
#define ALERT_WHERE                                                                            \
	" WHERE al.area_code >= ?1 AND al.area_code < ?2"                                      \
	"   AND (?3 IS NULL OR (al.area_code >= ?3 AND al.area_code < ?4))"                    \
	"   AND (?5 IS NULL OR (?5 = 'active' AND al.status <> 'closed') OR al.status = ?5)"
	static const char sql_count[] = "SELECT count(*) FROM alert al" ALERT_WHERE;
	static const char sql[] = "SELECT " ALERT_COLS ALERT_FROM ALERT_WHERE
				  " ORDER BY al.raised_at DESC, al.id LIMIT ?7";
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);

	*out = arena_alloc(a, cap * sizeof **out);
	return area_list(s, sql_count, sql, q->scope, q->area, q->status, 0, cap, a, *out,
			 sizeof **out, read_alert, n, total);
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_alert_read(struct store_tx *tx, const char *id, struct arena *a,
				      struct alert *out)
{
	return alert_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_alert_refer(struct store_tx *tx, const char *id,
				       const struct alert_update *u, const char *by)
{
	static const char sql[] =
		"UPDATE alert SET status = 'referred', destination = ?2, facility = ?3,"
		" transport = ?4, referred_at = ?5, referred_by = ?6, note = ?7, updated_at = ?8"
		" WHERE id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, u->destination);
	sq_bind_text(st, 3, u->facility ? u->facility : "");
	sq_bind_text(st, 4, u->transport ? u->transport : "");
	sqlite3_bind_int64(st, 5, u->referred_at);
	sq_bind_text(st, 6, by);
	sq_bind_text(st, 7, u->note ? u->note : "");
	sqlite3_bind_int64(st, 8, u->now);
	return sq_step_done(c, st);
}

enum store_status store_tx_alert_close(struct store_tx *tx, const char *id, const char *result,
				       const char *note, int64_t now)
{
	static const char sql[] =
		"UPDATE alert SET status = 'closed', result = ?2, result_at = ?3,"
		" note = CASE WHEN ?4 <> '' THEN ?4 ELSE note END, updated_at = ?3 WHERE id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, result);
	sqlite3_bind_int64(st, 3, now);
	sq_bind_text(st, 4, note ? note : "");
	return sq_step_done(c, st);
}

/* ---- services ---- */

#define SERVICE_COLS                                                                           \
	"sv.id, sv.observation_id, sv.person_id, coalesce(p.name, ''), sv.area_code,"          \
	" coalesce(a.name, ''), sv.kind, sv.items, sv.requested_by, sv.requester, sv.assignee,"\
	" sv.status, sv.note, sv.due_at, sv.created_at, sv.accepted_at, sv.delivered_at,"      \
	" sv.updated_at"
#define SERVICE_FROM                                                                           \
	" FROM service sv LEFT JOIN person p ON p.id = sv.person_id"                            \
	" LEFT JOIN area a ON a.code = sv.area_code"

static void read_service(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct service *r = out;

	memset(r, 0, sizeof *r);
	sq_text_to(st, 0, r->id, sizeof r->id);
	sq_text_to(st, 1, r->observation_id, sizeof r->observation_id);
	sq_text_to(st, 2, r->person_id, sizeof r->person_id);
	r->person_name = sq_text(a, st, 3);
	sq_text_to(st, 4, r->area, sizeof r->area);
	r->area_name = sq_text(a, st, 5);
	r->kind = sq_text(a, st, 6);
	r->items = sq_text(a, st, 7);
	r->requested_by = sq_text(a, st, 8);
	r->requester = sq_text(a, st, 9);
	r->assignee = sq_text(a, st, 10);
	r->status = sq_text(a, st, 11);
	r->note = sq_text(a, st, 12);
	r->due_at = sqlite3_column_int64(st, 13);
	r->created_at = sqlite3_column_int64(st, 14);
	r->accepted_at = sqlite3_column_int64(st, 15);
	r->delivered_at = sqlite3_column_int64(st, 16);
	r->updated_at = sqlite3_column_int64(st, 17);
}

static enum store_status service_read(struct sq_conn *c, const char *id, struct arena *a,
				      struct service *out)
{
	static const char sql[] = "SELECT " SERVICE_COLS SERVICE_FROM " WHERE sv.id = ?1";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (st)
		sq_bind_text(st, 1, id);
	return sq_row(c, st, a, out, read_service);
}

enum store_status store_service_get(struct store *s, const char *id, struct arena *a,
				    struct service *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = service_read(c, id, a, out);

	if (!c)
		return STORE_BUSY;

	sq_reader_put(s, c);
	return ss;
}

enum store_status sq_services_of(struct sq_conn *c, const char *obs_id, struct arena *a,
				 struct service **out, size_t *n)
{
	static const char sql[] = "SELECT " SERVICE_COLS SERVICE_FROM
				  " WHERE sv.observation_id = ?1 ORDER BY sv.created_at DESC LIMIT 200";
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t cap = 4;
	int rc = SQLITE_DONE;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, obs_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = sq_grow(a, *out, *n, &cap, sizeof **out);
		read_service(st, a, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

#define SERVICE_WHERE                                                                          \
	" WHERE sv.area_code >= ?1 AND sv.area_code < ?2"                                      \
	"   AND (?3 IS NULL OR (sv.area_code >= ?3 AND sv.area_code < ?4))"                    \
	"   AND (?5 IS NULL OR sv.status = ?5"                                                 \
	"        OR (?5 IN ('open', 'overdue') AND sv.status IN ('new', 'accepted')"           \
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
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);

	*out = arena_alloc(a, cap * sizeof **out);
	return area_list(s, sql_count, sql, q->scope, q->area, q->status, q->now, cap, a, *out,
			 sizeof **out, read_service, n, total);
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_service_read(struct store_tx *tx, const char *id, struct arena *a,
					struct service *out)
{
	return service_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_service_insert(struct store_tx *tx, const struct service *in,
					  int64_t now)
{
	static const char sql[] =
		"INSERT INTO service(id, observation_id, person_id, area_code, kind, items,"
		" requested_by, requester, assignee, due_at, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, in->id);
	sq_bind_text(st, 2, in->observation_id);
	sq_bind_text(st, 3, in->person_id);
	sq_bind_text(st, 4, in->area);
	sq_bind_text(st, 5, in->kind);
	sq_bind_text(st, 6, in->items);
	sq_bind_text(st, 7, in->requested_by);
	sq_bind_text(st, 8, in->requester ? in->requester : "");
	sq_bind_text(st, 9, in->assignee ? in->assignee : "");
	sqlite3_bind_int64(st, 10, in->due_at);
	sqlite3_bind_int64(st, 11, now);
	return sq_step_done(c, st);
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
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, status);
	sq_bind_text(st, 3, assignee);
	sq_bind_text(st, 4, note);
	sqlite3_bind_int64(st, 5, now);
	return sq_step_done(c, st);
}
