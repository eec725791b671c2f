/* sq_obs — home observation (居家观察): reading observations (one, by token, lists) and the
 * queries of the observation use cases (src/service/svc_obs.c): placing, the period and its
 * end, who is responsible, the accounts and persons they name. The counts behind the board
 * are sq_obs_board.c's, visits and days sq_visit.c's. Queries only. */
#include <string.h>

#include "service/service.h"
#include "store/sqlite/sq.h"
#include "util/timeutil.h"

#define STAFF_NAME(t)                                                                              \
	"coalesce(" t ".id, ''), coalesce(CASE WHEN " t ".display_name <> '' THEN " t              \
	".display_name ELSE " t ".username END, ''), coalesce(" t ".phone, '')"
#define OBS_COLS                                                                                   \
	"o.id, o.person_id, coalesce(p.name, ''), o.area_code, coalesce(a.name, ''), o.kind,"      \
	" o.status, o.start_date, o.end_date, o.began_at, o.ended_at, o.place,"                    \
	" coalesce(o.household_of, ''), o.alert_open, o.last_temp, o.last_visit_at,"               \
	" o.end_reason, o.created_at, o.updated_at, " STAFF_NAME("g") ", " STAFF_NAME(             \
		"d") ", " STAFF_NAME("w") ", coalesce(dy.filled, 0), o.token_box"
/* ?1 is always the date whose filled slots are read */
#define OBS_FROM                                                                                   \
	" FROM observation o LEFT JOIN person p ON p.id = o.person_id"                             \
	" LEFT JOIN area a ON a.code = o.area_code"                                                \
	" LEFT JOIN app_user g ON g.id = o.grid_worker"                                            \
	" LEFT JOIN app_user d ON d.id = o.doctor"                                                 \
	" LEFT JOIN app_user w ON w.id = o.social_worker"                                          \
	" LEFT JOIN obs_day dy ON dy.observation_id = o.id AND dy.date = ?1"

static void read_staff(sqlite3_stmt *st, int col, struct arena *a, struct staff *s)
{
	sq_text_to(st, col, s->id, sizeof s->id);
	s->name = sq_text(a, st, col + 1);
	s->phone = sq_text(a, st, col + 2);
}

static void read_obs(sqlite3_stmt *st, struct arena *a, struct observation *o, bool token)
{
	memset(o, 0, sizeof *o);
	sq_text_to(st, 0, o->id, sizeof o->id);
	sq_text_to(st, 1, o->person_id, sizeof o->person_id);
	o->person_name = sq_text(a, st, 2);
	sq_text_to(st, 3, o->area, sizeof o->area);
	o->area_name = sq_text(a, st, 4);
	o->kind = sq_text(a, st, 5);
	o->status = sq_text(a, st, 6);
	o->start_date = sqlite3_column_int(st, 7);
	o->end_date = sqlite3_column_int(st, 8);
	o->began_at = sqlite3_column_int64(st, 9);
	o->ended_at = sqlite3_column_int64(st, 10);
	o->place = sq_text(a, st, 11);
	o->household_of = sq_text(a, st, 12);
	o->alert_open = sqlite3_column_int(st, 13) != 0;
	o->last_temp = sqlite3_column_int(st, 14);
	o->last_visit_at = sqlite3_column_int64(st, 15);
	o->end_reason = sq_text(a, st, 16);
	o->created_at = sqlite3_column_int64(st, 17);
	o->updated_at = sqlite3_column_int64(st, 18);
	read_staff(st, 19, a, &o->grid_worker);
	read_staff(st, 22, a, &o->doctor);
	read_staff(st, 25, a, &o->social_worker);
	o->filled = (unsigned)sqlite3_column_int(st, 28);
	o->token_box = token ? sq_text(a, st, 29) : "";
}

static void read_obs_row(sqlite3_stmt *st, struct arena *a, void *out)
{
	read_obs(st, a, out, true);
}

static void read_staff_row(sqlite3_stmt *st, struct arena *a, void *out)
{
	read_staff(st, 0, a, out);
}

enum store_status sq_obs_read(struct sq_conn *c, const char *id, int date, struct arena *a,
			      struct observation *out)
{
	static const char sql[] = "SELECT " OBS_COLS OBS_FROM " WHERE o.id = ?2";
	return sq_one(c, sql, read_obs_row, a, out, SQ_PARAMS(SQ_INT(date), SQ_TEXT(id)));
}

enum store_status store_obs_get(struct store *s, const char *id, int date, struct arena *a,
				struct observation *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_obs_read(c, id, date, a, out);

	sq_reader_put(s, c);
	return ss;
}

enum store_status store_obs_by_token(struct store *s, const char *token_hash, int date,
				     struct arena *a, struct observation *out)
{
	static const char sql[] =
		"SELECT " OBS_COLS OBS_FROM " WHERE o.token_hash = ?2 AND o.status = 'active'";
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss =
		sq_one(c, sql, read_obs_row, a, out, SQ_PARAMS(SQ_INT(date), SQ_TEXT(token_hash)));

	sq_reader_put(s, c);
	return ss;
}

/* ---- lists ---- */

#define OBS_WHERE                                                                                  \
	" WHERE o.area_code >= ?2 AND o.area_code < ?3"                                            \
	"   AND (?4 IS NULL OR (o.area_code >= ?4 AND o.area_code < ?5))"                          \
	"   AND (?6 IS NULL OR o.status = ?6)"                                                     \
	"   AND (?7 IS NULL OR o.grid_worker = ?7)"                                                \
	"   AND (?8 IS NULL OR (p.name COLLATE BINARY >= ?8 AND p.name COLLATE BINARY < ?9))"      \
	"   AND (?10 = 0 OR (o.start_date <= ?1 AND o.end_date > ?1))"                             \
	"   AND (?11 = 0 OR (o.began_at >= ?12 AND o.began_at < ?13))"                             \
	"   AND (?14 = 0 OR (o.ended_at >= ?12 AND o.ended_at < ?13))"                             \
	"   AND (?15 = 0 OR coalesce(dy.fever, 0) = 1)"                                            \
	"   AND (?16 = 0 OR o.alert_open = 1)"                                                     \
	"   AND (?17 = 0 OR (o.end_date <= ?1 AND o.alert_open = 0))"                              \
	"   AND (?20 IS NULL OR o.person_id = ?20)"

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

/* The filters that need the domain's rules, checked row by row. */
static bool rowwise(const char *filter)
{
	return is(filter, "today") || is(filter, "due_today") || is(filter, "complete_today") ||
	       is(filter, "incomplete_today") || is(filter, "overdue");
}

static void bind_list(sqlite3_stmt *st, const struct obs_query *q, const char *status,
		      struct arena *a)
{
	char *end = arena_alloc(a, AREA_CODE_END_SIZE), *aend = arena_alloc(a, AREA_CODE_END_SIZE);
	int64_t mid = obs_midnight(q->today);

	/* the index range is the narrower of scope and area (both are checked) */
	const char *range = q->area && area_code_in_scope(q->scope, q->area) ? q->area : q->scope;
	sqlite3_bind_int(st, 1, q->today);
	area_code_scope_end(range, end, AREA_CODE_END_SIZE);
	sq_bind_text(st, 2, range);
	sq_bind_text(st, 3, end);
	if (q->area) {
		area_code_scope_end(q->area, aend, AREA_CODE_END_SIZE);
		sq_bind_text(st, 4, q->area);
		sq_bind_text(st, 5, aend);
	}
	sq_bind_text(st, 6, status);
	sq_bind_text(st, 7, q->worker);
	if (q->name_prefix) {
		sq_bind_text(st, 8, q->name_prefix);
		sq_bind_text(st, 9, sq_text_prefix_end(a, q->name_prefix));
	}
	sqlite3_bind_int(st, 10, rowwise(q->filter));
	sqlite3_bind_int(st, 11, is(q->filter, "started_today"));
	sqlite3_bind_int64(st, 12, mid);
	sqlite3_bind_int64(st, 13, mid + 86400);
	sqlite3_bind_int(st, 14, is(q->filter, "released_today"));
	sqlite3_bind_int(st, 15, is(q->filter, "fever_today"));
	sqlite3_bind_int(st, 16, is(q->filter, "alert_open"));
	sqlite3_bind_int(st, 17, is(q->filter, "due_release"));
	sq_bind_text(st, 20, q->person_id);
}

/* Whether a row passes such a filter. */
static bool passes(const struct obs_query *q, const struct obs_policy *pol,
		   const struct obs_period *per, unsigned filled)
{
	unsigned req = obs_required(pol, per, q->today);

	if (is(q->filter, "today") || is(q->filter, "due_today"))
		return req != 0;
	if (is(q->filter, "complete_today"))
		return req && !(req & ~filled);
	if (is(q->filter, "incomplete_today"))
		return req && (req & ~filled);
	if (is(q->filter, "overdue"))
		return obs_overdue(pol, per, q->today, filled, q->now) != 0;
	return true;
}

/* Every list reads the matching rows lightly — only what ordering and the filters need,
 * joining a person only for a name prefix and the day only for the day's rules — counts
 * them, and then reads the page's rows whole, by id. With a worker the query starts from
 * the worker's index. */
#define OBS_LIGHT_COLS "SELECT o.id, o.start_date, o.end_date, o.began_at, o.ended_at"
#define OBS_LIGHT_FROM                                                                             \
	" FROM observation o LEFT JOIN person p ON p.id = o.person_id"                             \
	" LEFT JOIN obs_day dy ON dy.observation_id = o.id AND dy.date = ?1"
#define OBS_PLAIN_WHERE                                                                            \
	" WHERE o.area_code >= ?2 AND o.area_code < ?3"                                            \
	"   AND (?4 IS NULL OR (o.area_code >= ?4 AND o.area_code < ?5))"                          \
	"   AND (?6 IS NULL OR o.status = ?6)"                                                     \
	"   AND (?7 IS NULL OR o.grid_worker = ?7)"                                                \
	"   AND (?11 = 0 OR (o.began_at >= ?12 AND o.began_at < ?13))"                             \
	"   AND (?14 = 0 OR (o.ended_at >= ?12 AND o.ended_at < ?13))"                             \
	"   AND (?16 = 0 OR o.alert_open = 1)"                                                     \
	"   AND (?17 = 0 OR (o.end_date <= ?1 AND o.alert_open = 0))"                              \
	"   AND (?20 IS NULL OR o.person_id = ?20)"
#define OBS_WORKER_WHERE                                                                           \
	" WHERE o.grid_worker = ?7 AND o.status = 'active'"                                        \
	" AND o.area_code >= ?2 AND o.area_code < ?3"                                              \
	" AND (?4 IS NULL OR (o.area_code >= ?4 AND o.area_code < ?5))"                            \
	" AND (?8 IS NULL OR (p.name COLLATE BINARY >= ?8 AND p.name COLLATE BINARY < ?9))"        \
	" AND (?10 = 0 OR (o.start_date <= ?1 AND o.end_date > ?1))"                               \
	" AND ?6 = 'active' AND ?20 IS NULL"
#define OBS_ORDER " ORDER BY o.end_date, o.id"
/* Column 5 of a light row and column 28 of a whole row: the day's filled slots. */
enum { LIGHT_FILLED = 5, WHOLE_FILLED = 28 };

static enum store_status list_ids(struct sq_conn *c, const struct obs_query *q, const char *status,
				  const struct obs_policy *pol, struct arena *a,
				  struct observation *out, size_t cap, size_t *n, int64_t *total)
{
	static const char sql_plain[] =
		OBS_LIGHT_COLS ", 0 FROM observation o" OBS_PLAIN_WHERE OBS_ORDER;
	static const char sql_light[] =
		OBS_LIGHT_COLS ", coalesce(dy.filled, 0)" OBS_LIGHT_FROM OBS_WHERE OBS_ORDER;
	/* no name prefix: the day's row only, no person */
	static const char sql_day[] = OBS_LIGHT_COLS
		", coalesce(dy.filled, 0) FROM observation o"
		" LEFT JOIN obs_day dy ON dy.observation_id = o.id AND dy.date = ?1" OBS_PLAIN_WHERE
		" AND (?10 = 0 OR (o.start_date <= ?1 AND o.end_date > ?1))"
		" AND (?15 = 0 OR coalesce(dy.fever, 0) = 1)" OBS_ORDER;
	static const char sql_light_worker[] =
		OBS_LIGHT_COLS ", coalesce(dy.filled, 0)" OBS_LIGHT_FROM OBS_WORKER_WHERE OBS_ORDER;
	/* a page that takes (nearly) every matching row, as a visit list does: whole rows at once
	 */
	static const char sql_whole[] = "SELECT " OBS_COLS OBS_FROM OBS_WHERE OBS_ORDER;
	static const char sql_whole_worker[] =
		"SELECT " OBS_COLS OBS_FROM OBS_WORKER_WHERE OBS_ORDER;
	bool worker = q->worker && is(status, "active") && !q->person_id &&
		      (!q->filter || rowwise(q->filter));
	bool whole = cap >= 1000;
	/* the drill-downs to open alerts and to those due for release, from their own indexes;
	 * area_code || '' (plain SQL, also PostgreSQL's) keeps the area index out of the
	 * second, so that it reads observation_ending: the few active rows ending by today */
	static const char sql_alert[] =
		OBS_LIGHT_COLS ", 0 FROM observation o"
			       " WHERE o.alert_open = 1 AND o.status = 'active'"
			       " AND o.area_code >= ?2 AND o.area_code < ?3" OBS_ORDER;
	static const char sql_ending[] =
		OBS_LIGHT_COLS ", 0 FROM observation o"
			       " WHERE o.status = 'active' AND o.end_date <= ?1"
			       " AND o.alert_open = 0"
			       " AND o.area_code || '' >= ?2 AND o.area_code || '' < ?3" OBS_ORDER;
	bool plain = !q->name_prefix && !is(q->filter, "fever_today") && !rowwise(q->filter);
	/* a township or the county (a village reads its few rows by area faster) */
	bool bare = !q->name_prefix && !q->worker && !q->person_id &&
		    strlen(q->area ? q->area : q->scope) < 12;
	const char *sql = whole    ? (worker ? sql_whole_worker : sql_whole)
			  : worker ? sql_light_worker
			  : bare && is(q->filter, "alert_open")  ? sql_alert
			  : bare && is(q->filter, "due_release") ? sql_ending
			  : plain                                ? sql_plain
			  : !q->name_prefix                      ? sql_day
								 : sql_light;
	int filled_col = whole ? WHOLE_FILLED : LIGHT_FILLED;
	int end_col = whole ? 8 : 2, start_col = whole ? 7 : 1, began_col = whole ? 9 : 3;
	sqlite3_stmt *st = sq_stmt(c, sql);
	char(*ids)[USER_ID_LEN + 1] = whole ? NULL : arena_alloc(a, cap * sizeof *ids);
	size_t nid = 0;
	enum store_status ss = STORE_OK;
	int rc;

	if (!st)
		return STORE_ERROR;
	bind_list(st, q, status, a);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct obs_period per = {sqlite3_column_int(st, start_col),
					 sqlite3_column_int(st, end_col),
					 sqlite3_column_int64(st, began_col),
					 sqlite3_column_int64(st, began_col + 1)};
		if (!passes(q, pol, &per, (unsigned)sqlite3_column_int(st, filled_col)))
			continue;
		if (*total >= q->offset && (whole ? *n : nid) < cap) {
			if (whole)
				read_obs(st, a, &out[(*n)++], q->with_token);
			else
				sq_text_to(st, 0, ids[nid++], sizeof ids[0]);
		}
		(*total)++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return sq_rc(c, rc);
	for (size_t i = 0; i < nid && ss == STORE_OK; i++) {
		ss = sq_obs_read(c, ids[i], q->today, a, &out[*n]);
		if (ss == STORE_OK) {
			if (!q->with_token)
				out[*n].token_box = "";
			(*n)++;
		}
	}
	return ss;
}

static enum store_status list_in(struct sq_conn *c, const struct obs_query *q,
				  const struct obs_policy *pol, struct arena *a,
				  struct observation **out, size_t *n, int64_t *total)
{
	const char *status = q->status;
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);

	if (q->filter && !is(q->filter, "started_today"))
		status = is(q->filter, "released_today") ? "released" : "active";
	*n = 0;
	*total = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	return list_ids(c, q, status, pol, a, *out, cap, n, total);
}

enum store_status store_obs_list(struct store *s, const struct obs_query *q,
				 const struct obs_policy *pol, struct arena *a,
				 struct observation **out, size_t *n, int64_t *total)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	/* one snapshot for the pass and the page */
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = list_in(c, q, pol, a, out, n, total);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_obs_list(struct store_tx *tx, const struct obs_query *q,
				    const struct obs_policy *pol, struct arena *a,
				    struct observation **out, size_t *n, int64_t *total)
{
	return list_in(sq_conn_of(tx), q, pol, a, out, n, total);
}

/* ---- operations of a write transaction ---- */

enum store_status store_tx_obs_read(struct store_tx *tx, const char *id, int date, struct arena *a,
				    struct observation *out)
{
	return sq_obs_read(sq_conn_of(tx), id, date, a, out);
}

enum store_status store_tx_obs_insert(struct store_tx *tx, const struct obs_row *o)
{
	static const char sql[] =
		"INSERT INTO observation(id, person_id, area_code, kind, start_date, end_date,"
		" began_at, place, household_of, grid_worker, doctor, social_worker, token_hash,"
		" token_box, created_by, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?7, "
		"?7)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(o->id), SQ_TEXT(o->person_id), SQ_TEXT(o->area),
				SQ_TEXT(o->kind), SQ_INT(o->start_date), SQ_INT(o->end_date),
				SQ_INT(o->now), SQ_TEXT(o->place), SQ_TEXT(o->household_of),
				SQ_TEXT(o->staff[0]), SQ_TEXT(o->staff[1]), SQ_TEXT(o->staff[2]),
				SQ_TEXT(o->token_hash), SQ_TEXT_NN(o->token_box),
				SQ_TEXT(o->created_by)));
}

enum store_status store_tx_obs_active_of(struct store_tx *tx, const char *person_id, bool *active)
{
	static const char sql[] = "SELECT 1 FROM observation WHERE person_id = ?1"
				  " AND status = 'active'";
	enum store_status ss =
		sq_one(sq_conn_of(tx), sql, NULL, NULL, NULL, SQ_PARAMS(SQ_TEXT(person_id)));

	*active = ss == STORE_OK;
	return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

static void read_id(sqlite3_stmt *st, struct arena *a, void *out)
{
	sq_text_to(st, 0, out, USER_ID_LEN + 1);
}

enum store_status store_tx_obs_household(struct store_tx *tx, const char *id, size_t cap,
					 struct arena *a, char (**ids)[USER_ID_LEN + 1], size_t *n)
{
	static const char sql[] = "SELECT id FROM observation WHERE household_of = ?1 ORDER BY id";
	static const struct sq_rowtype rows = {read_id, sizeof **ids};
	enum store_status ss;

	*ids = sq_rows(sq_conn_of(tx), sql, &rows, cap, a, n, &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

enum store_status store_tx_obs_set_end_date(struct store_tx *tx, const char *id, int end_date,
					    int64_t now)
{
	static const char sql[] = "UPDATE observation SET end_date = ?2, updated_at = ?3"
				  " WHERE id = ?1";
	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_INT(end_date), SQ_INT(now)));
}

enum store_status store_tx_obs_end(struct store_tx *tx, const char *id, const char *status,
				   const char *reason, int64_t now)
{
	static const char sql[] = "UPDATE observation SET status = ?2, ended_at = ?3,"
				  " end_reason = ?4, alert_open = 0, token_hash = NULL,"
				  " token_box = '', updated_at = ?3 WHERE id = ?1"
				  " AND status = 'active'";
	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(status), SQ_INT(now), SQ_TEXT_NN(reason)));
}

/* Until the transfer of sq_alert.c is a use case: the same end, through the service. */
enum store_status sq_obs_end(struct sq_conn *c, const struct obs_policy *pol,
			     const struct observation *o, const char *status, const char *reason,
			     int64_t now)
{
	return svc_obs_end(sq_tx(c), pol, o, status, reason, now);
}

enum store_status store_tx_obs_set_staff(struct store_tx *tx, const char *id,
					 const char *const staff[3], int64_t now)
{
	static const char sql[] = "UPDATE observation SET grid_worker = ?2, doctor = ?3,"
				  " social_worker = ?4, updated_at = ?5 WHERE id = ?1";
	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(staff[0]), SQ_TEXT(staff[1]),
				SQ_TEXT(staff[2]), SQ_INT(now)));
}

enum store_status store_tx_obs_touch(struct store_tx *tx, const struct visit *v, int64_t now)
{
	static const char sql[] =
		"UPDATE observation SET last_temp = CASE WHEN ?2 > 0 AND ?3 >= last_visit_at"
		" THEN ?2 ELSE last_temp END, last_visit_at = max(last_visit_at, ?3),"
		" updated_at = ?4 WHERE id = ?1";
	return sq_run(
		sq_conn_of(tx), sql,
		SQ_PARAMS(SQ_TEXT(v->observation_id), SQ_INT(v->temp), SQ_INT(v->at), SQ_INT(now)));
}

enum store_status store_tx_obs_alert_flag(struct store_tx *tx, const char *id, bool open,
					  int64_t now)
{
	static const char sql[] = "UPDATE observation SET alert_open = ?2, updated_at = ?3"
				  " WHERE id = ?1";
	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_INT(open), SQ_INT(now)));
}

enum store_status store_tx_obs_person(struct store_tx *tx, const char *id, struct arena *a,
				      struct person *out)
{
	return sq_person_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_obs_person_flag(struct store_tx *tx, const char *person_id,
					   unsigned categories, int64_t now)
{
	static const char sql[] = "UPDATE person SET categories = categories | ?2, updated_at = ?3"
				  " WHERE id = ?1";
	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(person_id), SQ_INT(categories), SQ_INT(now)));
}

/* ---- staff ---- */

enum store_status store_tx_obs_staff_user(struct store_tx *tx, const char *id, struct arena *a,
					  struct user *out)
{
	return sq_user_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_obs_staff_nearest(struct store_tx *tx, const char *area, enum role role,
					     struct arena *a, struct staff *out)
{
	static const char sql[] =
		"SELECT id, CASE WHEN display_name <> '' THEN display_name ELSE username END, phone"
		" FROM app_user WHERE role = ?1 AND disabled = 0"
		" AND area_code IN (?2, ?3, ?4, ?5, ?6)"
		" ORDER BY length(area_code) DESC, created_at, id LIMIT 1";
	/* the area and its ancestors from the county down (?2..?6), codes 3 digits apart */
	struct sq_param p[6] = {SQ_TEXT(role_name(role))};
	size_t len = strlen(area);
	int np = 1;
	enum store_status ss;

	for (size_t l = 6; l <= len && np < 6; l += 3)
		p[np++] = SQ_TEXT_N(area, l);
	memset(out, 0, sizeof *out);
	out->name = out->phone = "";
	ss = sq_one(sq_conn_of(tx), sql, read_staff_row, a, out, p, np);
	return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

/* ---- the self-report token ---- */

enum store_status store_tx_obs_set_token(struct store_tx *tx, const char *id, const char *hash,
					 const char *box)
{
	static const char sql[] = "UPDATE observation SET token_hash = ?2, token_box = ?3"
				  " WHERE id = ?1 AND status = 'active'";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(hash), SQ_TEXT(box)));
}
