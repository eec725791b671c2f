/* sq_obs — home observation (居家观察): reading observations (one, by token, lists) and the
 * queries of the observation use cases (src/service/svc_obs.c): placing, the period and its
 * end, who is responsible, the accounts and persons they name. The counts behind the board
 * are sq_obs_board.c's, visits and days sq_visit.c's. Queries only. */
#include <string.h>

#include "service/service.h"
#include "store/sqlite/sq_rows.h"
#include "util/timeutil.h"




static const struct sq_col staff_cols[] = {
	SQ_COL_BUF(struct staff, id),
	SQ_COL_TEXT(struct staff, name),
	SQ_COL_TEXT(struct staff, phone),
};

static const char sql_obs[] = "SELECT " OBS_COLS OBS_FROM " WHERE o.id = ?2";

enum store_status sq_obs_read(struct sq_conn *c, const char *id, int date, struct arena *a,
			      struct observation *out)
{
	return sq_one(c, sql_obs, &sq_obs_rows, a, out, SQ_PARAMS(SQ_INT(date), SQ_TEXT(id)));
}

enum store_status store_obs_get(struct store *s, const char *id, int date, struct arena *a,
				struct observation *out)
{
	return sq_get(s, sql_obs, &sq_obs_rows, a, out, SQ_PARAMS(SQ_INT(date), SQ_TEXT(id)));
}

enum store_status store_obs_by_token(struct store *s, const char *token_hash, int date,
				     struct arena *a, struct observation *out)
{
	static const char sql[] =
		"SELECT " OBS_COLS OBS_FROM " WHERE o.token_hash = ?2 AND o.status = 'active'";
	return sq_get(s, sql, &sq_obs_rows, a, out, SQ_PARAMS(SQ_INT(date), SQ_TEXT(token_hash)));
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

/* The parameters of a list (OBS_WHERE) into p[20]; the area ends in the arena. */
static void list_params(struct sq_param *p, const struct obs_query *q, const char *status,
			struct arena *a)
{
	const char *prefix = q->name_prefix;
	int64_t mid = obs_midnight(q->today);
	/* the index range is the narrower of scope and area (both are checked) */
	const char *range = q->area && area_code_in_scope(q->scope, q->area) ? q->area : q->scope;

	p[0] = SQ_INT(q->today);
	p[1] = SQ_TEXT(range);
	p[2] = SQ_TEXT(sq_scope_end(a, range));
	p[3] = SQ_TEXT(q->area);
	p[4] = SQ_TEXT(sq_scope_end(a, q->area));
	p[5] = SQ_TEXT(status);
	p[6] = SQ_TEXT(q->worker);
	p[7] = SQ_TEXT(prefix);
	p[8] = SQ_TEXT(prefix ? sq_text_prefix_end(a, prefix) : NULL);
	p[9] = SQ_INT(rowwise(q->filter));
	p[10] = SQ_INT(is(q->filter, "started_today"));
	p[11] = SQ_INT(mid);
	p[12] = SQ_INT(mid + 86400);
	p[13] = SQ_INT(is(q->filter, "released_today"));
	p[14] = SQ_INT(is(q->filter, "fever_today"));
	p[15] = SQ_INT(is(q->filter, "alert_open"));
	p[16] = SQ_INT(is(q->filter, "due_release"));
	p[17] = p[18] = SQ_NULL;
	p[19] = SQ_TEXT(q->person_id);
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
	bool whole = cap >= 1000 || q->each; /* an export reads every row whole */
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
	char(*ids)[USER_ID_LEN + 1] = whole ? NULL : arena_alloc(a, cap * sizeof *ids);
	struct sq_param p[20];
	struct sq_cur k;
	struct arena *scratch = NULL;
	struct observation row;
	size_t nid = 0;
	enum store_status ss = STORE_OK;

	list_params(p, q, status, a);
	if (sq_open_stream(&k, c, sql, p, 20))
		while (sq_next(&k)) {
			struct obs_period per = {(int)sq_int(&k, start_col),
						 (int)sq_int(&k, end_col), sq_int(&k, began_col),
						 sq_int(&k, began_col + 1)};
			if (!passes(q, pol, &per, (unsigned)sq_int(&k, filled_col)))
				continue;
			if (q->each) { /* streamed: a scratch arena per SQ_EACH_ROWS rows */
				if (*total % SQ_EACH_ROWS == 0) {
					arena_free(scratch);
					scratch = arena_new();
				}
				sq_read_row(&k, scratch, &row, &sq_obs_rows);
				row.token_box = "";
				(*total)++;
				if (!q->each->row(q->each->ctx, &row))
					break;
				continue;
			}
			if (*total >= q->offset && (whole ? *n : nid) < cap) {
				if (whole)
					sq_read_row(&k, a, &out[(*n)++], &sq_obs_rows);
				else
					sq_text_to(&k, 0, ids[nid++], sizeof ids[0]);
			}
			(*total)++;
		}
	arena_free(scratch);
	if ((ss = sq_close(&k)) != STORE_OK)
		return ss;
	if (q->each)
		*total = 0;
	for (size_t i = 0; i < nid && ss == STORE_OK; i++)
		if ((ss = sq_obs_read(c, ids[i], q->today, a, &out[*n])) == STORE_OK)
			(*n)++;
	for (size_t i = 0; i < *n && !q->with_token; i++)
		out[i].token_box = "";
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
	*out = q->each ? NULL : arena_alloc(a, cap * sizeof **out);
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

enum store_status store_tx_obs_household(struct store_tx *tx, const char *id, size_t cap,
					 struct arena *a, char (**ids)[USER_ID_LEN + 1], size_t *n)
{
	static const char sql[] = "SELECT id FROM observation WHERE household_of = ?1 ORDER BY id";
	enum store_status ss;

	/* struct sq_id is its char array */
	*ids = sq_rows(sq_conn_of(tx), sql, &sq_id_rows, cap, a, n, &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

/* One column of an observation with its updated_at, bound ?1 id, ?2 value, ?3 now. */
static enum store_status obs_set(struct store_tx *tx, const char *sql, const char *id,
				 int64_t value, int64_t now)
{
	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_INT(value), SQ_INT(now)));
}

enum store_status store_tx_obs_set_end_date(struct store_tx *tx, const char *id, int end_date,
					    int64_t now)
{
	static const char sql[] = "UPDATE observation SET end_date = ?2, updated_at = ?3"
				  " WHERE id = ?1";
	return obs_set(tx, sql, id, end_date, now);
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
	return obs_set(tx, sql, id, open, now);
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
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct staff, staff_cols, NULL);
	ss = sq_one(sq_conn_of(tx), sql, &rows, a, out, p, np);
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
