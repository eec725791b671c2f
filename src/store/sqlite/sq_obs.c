/* sq_obs — home observation (居家观察): placing people under observation, their daily
 * visits and filled slots, changing the period, release; and the counts behind the
 * commander's board.
 *
 * The board never scans: every write that changes what is due, filled, open or ended adds
 * its difference to obs_count (metric, local date or 0, the observation's area) in the same
 * transaction. For the per-day counts the difference is contrib(new) − contrib(old) of
 * domain/observation.h's obs_day_contrib, so placing, a visit, a new end date and an early
 * end all go through one function (day_apply / fill_apply). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/timeutil.h"

#define STAFF_NAME(t)                                                                          \
	"coalesce(" t ".id, ''), coalesce(CASE WHEN " t ".display_name <> '' THEN " t            \
	".display_name ELSE " t ".username END, ''), coalesce(" t ".phone, '')"
#define OBS_COLS                                                                               \
	"o.id, o.person_id, coalesce(p.name, ''), o.area_code, coalesce(a.name, ''), o.kind,"  \
	" o.status, o.start_date, o.end_date, o.began_at, o.ended_at, o.place,"                \
	" coalesce(o.household_of, ''), o.alert_open, o.last_temp, o.last_visit_at,"           \
	" o.end_reason, o.created_at, o.updated_at, " STAFF_NAME("g") ", " STAFF_NAME("d")     \
	", " STAFF_NAME("w") ", coalesce(dy.filled, 0), o.token_box"
/* ?1 is always the date whose filled slots are read */
#define OBS_FROM                                                                               \
	" FROM observation o LEFT JOIN person p ON p.id = o.person_id"                          \
	" LEFT JOIN area a ON a.code = o.area_code"                                             \
	" LEFT JOIN app_user g ON g.id = o.grid_worker"                                         \
	" LEFT JOIN app_user d ON d.id = o.doctor"                                              \
	" LEFT JOIN app_user w ON w.id = o.social_worker"                                       \
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

static struct obs_period period_of(const struct observation *o)
{
	return (struct obs_period){o->start_date, o->end_date, o->began_at, o->ended_at};
}

enum store_status sq_obs_read(struct sq_conn *c, const char *id, int date, struct arena *a,
			      struct observation *out)
{
	static const char sql[] = "SELECT " OBS_COLS OBS_FROM " WHERE o.id = ?2";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (st) {
		sqlite3_bind_int(st, 1, date);
		sq_bind_text(st, 2, id);
	}
	return sq_row(c, st, a, out, read_obs_row);
}

enum store_status store_obs_get(struct store *s, const char *id, int date, struct arena *a,
				struct observation *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_obs_read(c, id, date, a, out);

	if (!c)
		return STORE_BUSY;

	sq_reader_put(s, c);
	return ss;
}

enum store_status store_obs_by_token(struct store *s, const char *token_hash, int date,
				     struct arena *a, struct observation *out)
{
	static const char sql[] = "SELECT " OBS_COLS OBS_FROM
				  " WHERE o.token_hash = ?2 AND o.status = 'active'";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;

	if (st) {
		sqlite3_bind_int(st, 1, date);
		sq_bind_text(st, 2, token_hash);
	}
	ss = sq_row(c, st, a, out, read_obs_row);
	sq_reader_put(s, c);
	return ss;
}

/* ---- counts ---- */

enum store_status sq_count_add(struct sq_conn *c, const char *metric, int date, const char *area,
			       int64_t delta)
{
	static const char sql[] = "INSERT INTO obs_count(metric, date, area_code, n)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (metric, date, area_code)"
				  " DO UPDATE SET n = n + excluded.n";
	/* rows of past end dates would pile up under the due-release range scan */
	static const char sql_zero[] = "DELETE FROM obs_count WHERE metric = ?1 AND date = ?2"
				       " AND area_code = ?3 AND n = 0";
	sqlite3_stmt *st;
	enum store_status ss;

	if (!delta)
		return STORE_OK;
	if (!(st = sq_stmt(c, sql)))
		return STORE_ERROR;
	sq_bind_text(st, 1, metric);
	sqlite3_bind_int(st, 2, date);
	sq_bind_text(st, 3, area);
	sqlite3_bind_int64(st, 4, delta);
	if ((ss = sq_step_done(c, st)) != STORE_OK || delta > 0 || strncmp(metric, "ending", 6))
		return ss;
	if (!(st = sq_stmt(c, sql_zero)))
		return STORE_ERROR;
	sq_bind_text(st, 1, metric);
	sqlite3_bind_int(st, 2, date);
	sq_bind_text(st, 3, area);
	return sq_step_done(c, st);
}

static const char *const slot_req[OBS_SLOTS_MAX] = {"req0", "req1", "req2", "req3"};
static const char *const slot_fill[OBS_SLOTS_MAX] = {"fill0", "fill1", "fill2", "fill3"};

static enum store_status contrib_apply(struct sq_conn *c, const struct obs_policy *pol,
				       const char *area, int date, unsigned req_old,
				       unsigned fill_old, unsigned req_new, unsigned fill_new)
{
	struct obs_day_counts o, n;
	enum store_status ss = STORE_OK;

	obs_day_contrib(pol, req_old, fill_old, &o);
	obs_day_contrib(pol, req_new, fill_new, &n);
	if ((ss = sq_count_add(c, "due", date, area, n.due - o.due)) != STORE_OK ||
	    (ss = sq_count_add(c, "complete", date, area, n.complete - o.complete)) != STORE_OK)
		return ss;
	for (int k = 0; k < pol->nslots && ss == STORE_OK; k++) {
		ss = sq_count_add(c, slot_req[k], date, area, n.req[k] - o.req[k]);
		if (ss == STORE_OK)
			ss = sq_count_add(c, slot_fill[k], date, area, n.fill[k] - o.fill[k]);
	}
	return ss;
}

static enum store_status day_read(struct sq_conn *c, const char *obs_id, int date,
				  unsigned *filled, bool *fever)
{
	static const char sql[] = "SELECT filled, fever FROM obs_day WHERE observation_id = ?1"
				  " AND date = ?2";
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	*filled = 0;
	*fever = false;
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, obs_id);
	sqlite3_bind_int(st, 2, date);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*filled = (unsigned)sqlite3_column_int(st, 0);
		*fever = sqlite3_column_int(st, 1) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

/* The per-day counts of an observation whose period changes from `before` to `after`
 * (either NULL: none). */
static enum store_status day_apply(struct sq_conn *c, const struct obs_policy *pol,
				   const char *obs_id, const char *area,
				   const struct obs_period *before, const struct obs_period *after)
{
	int from = before ? before->start_date : after->start_date;
	int to = before ? before->end_date : after->end_date;
	enum store_status ss = STORE_OK;

	if (after && after->start_date < from)
		from = after->start_date;
	if (after && after->end_date > to)
		to = after->end_date;
	for (int d = from; d && d < to && ss == STORE_OK; d = obs_date_add(d, 1)) {
		unsigned rb = before ? obs_required(pol, before, d) : 0;
		unsigned ra = after ? obs_required(pol, after, d) : 0;
		unsigned filled = 0;
		bool fever;
		if (rb == ra)
			continue;
		if (before && (ss = day_read(c, obs_id, d, &filled, &fever)) != STORE_OK)
			break;
		ss = contrib_apply(c, pol, area, d, rb, filled, ra, filled);
	}
	return ss;
}

/* ---- staff ---- */

static enum store_status staff_nearest(struct sq_conn *c, const char *area, enum role role,
				       struct arena *a, struct staff *out)
{
	static const char sql[] =
		"SELECT id, CASE WHEN display_name <> '' THEN display_name ELSE username END, phone"
		" FROM app_user WHERE role = ?1 AND disabled = 0"
		" AND area_code IN (?2, ?3, ?4, ?5, ?6)"
		" ORDER BY length(area_code) DESC, created_at, id LIMIT 1";
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t len = strlen(area);
	int rc, i = 2;

	memset(out, 0, sizeof *out);
	out->name = out->phone = "";
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, role_name(role));
	for (size_t l = 6; l <= len && i <= 6; l += 3, i++)
		sqlite3_bind_text(st, i, area, (int)l, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_staff(st, 0, a, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

/* The account for a staff field: the given id (an enabled account of role whose area covers
 * area) or the nearest one. NULL id and none found: "". */
static enum store_status staff_pick(struct sq_conn *c, const char *given, const char *area,
				    enum role role, struct arena *a, const char **out)
{
	struct staff st;
	struct user u;
	enum store_status ss;

	if (given && *given) {
		ss = sq_user_read(c, given, a, &u);
		if (ss == STORE_NOT_FOUND || (ss == STORE_OK && (u.disabled || u.role != role ||
								!area_code_in_scope(u.area, area))))
			return STORE_INVALID;
		*out = given;
		return ss;
	}
	if ((ss = staff_nearest(c, area, role, a, &st)) != STORE_OK)
		return ss;
	*out = *st.id ? arena_strdup(a, st.id) : NULL;
	return STORE_OK;
}

/* ---- placing ---- */

struct create_ctx {
	const struct store_idem *idem;
	const struct obs_policy *pol;
	const struct obs_new *in;
	const struct audit_entry *e;
	struct arena *a;
	struct observation *out, *household;
	size_t nhousehold;
	const char *bad_field;
	bool replayed;
};

static enum store_status active_of(struct sq_conn *c, const char *person_id, bool *active)
{
	static const char sql[] = "SELECT 1 FROM observation WHERE person_id = ?1"
				  " AND status = 'active'";
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, person_id);
	rc = sqlite3_step(st);
	*active = rc == SQLITE_ROW;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

struct placing {
	const char *id, *person_id, *household_of, *token_hash, *token_box;
	const char *staff[3];
	const char *place;
};

static enum store_status place_one(struct sq_conn *c, struct create_ctx *x,
				   const struct placing *pl, const struct person *p)
{
	static const char sql[] =
		"INSERT INTO observation(id, person_id, area_code, kind, start_date, end_date,"
		" began_at, place, household_of, grid_worker, doctor, social_worker, token_hash,"
		" token_box, created_by, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?7, ?7)";
	static const char sql_person[] = "UPDATE person SET status = 'observation', updated_at = ?2"
					 " WHERE id = ?1";
	const struct obs_new *in = x->in;
	struct obs_period per = {in->start_date, in->end_date, in->now, 0};
	struct audit_entry e = *x->e;
	sqlite3_stmt *st;
	enum store_status ss;
	json_t *d;

	if (!(st = sq_stmt(c, sql)))
		return STORE_ERROR;
	sq_bind_text(st, 1, pl->id);
	sq_bind_text(st, 2, p->id);
	sq_bind_text(st, 3, p->area);
	sq_bind_text(st, 4, in->kind);
	sqlite3_bind_int(st, 5, in->start_date);
	sqlite3_bind_int(st, 6, in->end_date);
	sqlite3_bind_int64(st, 7, in->now);
	sq_bind_text(st, 8, pl->place);
	sq_bind_text(st, 9, pl->household_of);
	for (int i = 0; i < 3; i++)
		sq_bind_text(st, 10 + i, pl->staff[i]);
	sq_bind_text(st, 13, pl->token_hash);
	sq_bind_text(st, 14, pl->token_box ? pl->token_box : "");
	sq_bind_text(st, 15, in->user_id);
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	if (!(st = sq_stmt(c, sql_person)))
		return STORE_ERROR;
	sq_bind_text(st, 1, p->id);
	sqlite3_bind_int64(st, 2, in->now);
	if ((ss = sq_step_done(c, st)) != STORE_OK ||
	    (ss = sq_count_add(c, "active", 0, p->area, 1)) != STORE_OK ||
	    (ss = sq_count_add(c, "started", obs_local_date(in->now), p->area, 1)) != STORE_OK ||
	    (ss = sq_count_add(c, "ending", in->end_date, p->area, 1)) != STORE_OK ||
	    (ss = day_apply(c, x->pol, pl->id, p->area, NULL, &per)) != STORE_OK)
		return ss;
	d = json_pack("{s:s, s:s, s:i, s:i, s:s, s:s?, s:s}", "observation", pl->id, "kind",
		      in->kind, "start_date", in->start_date, "end_date", in->end_date, "place",
		      pl->place, "household_of", pl->household_of, "reason",
		      in->reason ? in->reason : "");
	if ((ss = sq_person_event(c, p->id, "observation_started", in->user_id, in->username,
				  p->area, sq_json_text(x->a, json_incref(d)), in->now)) != STORE_OK) {
		json_decref(d);
		return ss;
	}
	e.object_type = "observation";
	e.object_id = pl->id;
	e.area = p->area;
	e.after = sq_json_text(x->a, d);
	return sq_audit_insert(c, &e);
}

/* The person for a placing: in scope, not merged, not under observation already. */
static enum store_status placeable(struct sq_conn *c, struct create_ctx *x, const char *id,
				   const char *field, struct person *p)
{
	enum store_status ss = sq_person_read(c, id, x->a, p);
	bool active;

	if (ss == STORE_OK && (p->merged_into || !area_code_in_scope(x->in->scope, p->area)))
		ss = STORE_NOT_FOUND;
	if (ss == STORE_OK && (ss = active_of(c, id, &active)) == STORE_OK && active)
		ss = STORE_CONFLICT;
	if (ss == STORE_NOT_FOUND || ss == STORE_CONFLICT)
		x->bad_field = field;
	return ss;
}

static enum store_status read_household(struct sq_conn *c, struct create_ctx *x, int date)
{
	static const char sql[] = "SELECT id FROM observation WHERE household_of = ?1 ORDER BY id";
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t cap = x->in->nhousehold + 8, n = 0;
	char (*ids)[USER_ID_LEN + 1] = arena_alloc(x->a, cap * sizeof *ids);
	enum store_status ss = STORE_OK;
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, x->out->id);
	while (n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_text_to(st, 0, ids[n++], sizeof ids[0]);
	sqlite3_reset(st);
	x->household = arena_alloc(x->a, (n ? n : 1) * sizeof *x->household);
	for (size_t i = 0; i < n && ss == STORE_OK; i++)
		ss = sq_obs_read(c, ids[i], date, x->a, &x->household[i]);
	x->nhousehold = ss == STORE_OK ? n : 0;
	return ss;
}

static enum store_status create_job(struct sq_conn *c, void *p)
{
	struct create_ctx *x = p;
	const struct obs_new *in = x->in;
	char done_id[USER_ID_LEN + 1];
	struct person main, member;
	struct placing pl = {0};
	int today = obs_local_date(in->now);
	enum store_status ss;
	static const enum role roles[3] = {ROLE_GRID_WORKER, ROLE_DOCTOR, ROLE_SOCIAL_WORKER};
	static const char *const fields[3] = {"grid_worker", "doctor", "social_worker"};
	const char *given[3] = {in->grid_worker, in->doctor, in->social_worker};

	ss = sq_idem_check(c, x->idem, "observation.create", done_id, sizeof done_id);
	if (ss == STORE_OK) {
		x->replayed = true;
		if ((ss = sq_obs_read(c, done_id, today, x->a, x->out)) != STORE_OK)
			return ss;
		return read_household(c, x, today);
	}
	if (ss != STORE_NOT_FOUND)
		return ss;
	if ((ss = placeable(c, x, in->person_id, "person_id", &main)) != STORE_OK)
		return ss;
	for (int i = 0; i < 3; i++) {
		ss = staff_pick(c, given[i], main.area, roles[i], x->a, &pl.staff[i]);
		if (ss == STORE_INVALID)
			x->bad_field = fields[i];
		if (ss != STORE_OK)
			return ss;
	}
	pl.id = in->id;
	pl.place = in->place && *in->place ? in->place : main.address;
	pl.token_hash = in->token_hash;
	pl.token_box = in->token_box;
	if ((ss = place_one(c, x, &pl, &main)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < in->nhousehold; i++) {
		if (!strcmp(in->household[i], in->person_id))
			continue;
		if ((ss = placeable(c, x, in->household[i], "household", &member)) != STORE_OK)
			return ss;
		struct placing m = pl;
		m.id = in->household_ids[i];
		m.household_of = in->id;
		m.token_hash = in->household_hash[i];
		m.token_box = in->household_box[i];
		if ((ss = place_one(c, x, &m, &member)) != STORE_OK)
			return ss;
	}
	if ((ss = sq_obs_read(c, in->id, today, x->a, x->out)) != STORE_OK ||
	    (in->nhousehold && (ss = read_household(c, x, today)) != STORE_OK))
		return ss;
	return sq_idem_save(c, x->idem, "observation.create", in->id);
}

enum store_status store_obs_create(struct store *s, const struct store_idem *idem,
				   const struct obs_policy *pol, const struct obs_new *in,
				   const struct audit_entry *e, struct arena *a,
				   struct observation *out, struct observation **household,
				   size_t *nhousehold, const char **bad_field, bool *replayed)
{
	struct create_ctx x = {idem, pol, in, e, a, out, NULL, 0, NULL, false};
	enum store_status ss = sq_write(s, create_job, &x);

	*household = x.household;
	*nhousehold = x.nhousehold;
	*bad_field = x.bad_field;
	*replayed = x.replayed;
	return ss;
}

/* ---- lists ---- */

#define OBS_WHERE                                                                              \
	" WHERE o.area_code >= ?2 AND o.area_code < ?3"                                        \
	"   AND (?4 IS NULL OR (o.area_code >= ?4 AND o.area_code < ?5))"                      \
	"   AND (?6 IS NULL OR o.status = ?6)"                                                 \
	"   AND (?7 IS NULL OR o.grid_worker = ?7)"                                            \
	"   AND (?8 IS NULL OR (p.name >= ?8 AND p.name < ?9))"                                \
	"   AND (?10 = 0 OR (o.start_date <= ?1 AND o.end_date > ?1))"                         \
	"   AND (?11 = 0 OR (o.began_at >= ?12 AND o.began_at < ?13))"                         \
	"   AND (?14 = 0 OR (o.ended_at >= ?12 AND o.ended_at < ?13))"                         \
	"   AND (?15 = 0 OR coalesce(dy.fever, 0) = 1)"                                        \
	"   AND (?16 = 0 OR o.alert_open = 1)"                                                 \
	"   AND (?17 = 0 OR (o.end_date <= ?1 AND o.alert_open = 0))"                         \
	"   AND (?20 IS NULL OR o.person_id = ?20)"

static bool is(const char *a, const char *b) { return a && !strcmp(a, b); }

/* The filters that need the domain's rules, checked row by row. */
static bool rowwise(const char *filter)
{
	return is(filter, "today") || is(filter, "due_today") || is(filter, "complete_today") ||
	       is(filter, "incomplete_today") || is(filter, "overdue");
}

static void bind_list(sqlite3_stmt *st, const struct obs_query *q, const char *status,
		      struct arena *a)
{
	char *end = arena_alloc(a, AREA_CODE_MAX + 2), *aend = arena_alloc(a, AREA_CODE_MAX + 2);
	int64_t mid = obs_midnight(q->today);

	/* the index range is the narrower of scope and area (both are checked) */
	const char *range = q->area && area_code_in_scope(q->scope, q->area) ? q->area : q->scope;
	sqlite3_bind_int(st, 1, q->today);
	sq_prefix_end(range, end, AREA_CODE_MAX + 2);
	sq_bind_text(st, 2, range);
	sq_bind_text(st, 3, end);
	if (q->area) {
		sq_prefix_end(q->area, aend, AREA_CODE_MAX + 2);
		sq_bind_text(st, 4, q->area);
		sq_bind_text(st, 5, aend);
	}
	sq_bind_text(st, 6, status);
	sq_bind_text(st, 7, q->worker);
	if (q->name_prefix) {
		size_t len = strlen(q->name_prefix);
		char *ne = arena_alloc(a, len + 5);
		memcpy(ne, q->name_prefix, len);
		memcpy(ne + len, "\xf4\x8f\xbf\xbf", 5);
		sq_bind_text(st, 8, q->name_prefix);
		sq_bind_text(st, 9, ne);
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
#define OBS_LIGHT_FROM                                                                         \
	" FROM observation o LEFT JOIN person p ON p.id = o.person_id"                          \
	" LEFT JOIN obs_day dy ON dy.observation_id = o.id AND dy.date = ?1"
#define OBS_PLAIN_WHERE                                                                        \
	" WHERE o.area_code >= ?2 AND o.area_code < ?3"                                        \
	"   AND (?4 IS NULL OR (o.area_code >= ?4 AND o.area_code < ?5))"                      \
	"   AND (?6 IS NULL OR o.status = ?6)"                                                 \
	"   AND (?7 IS NULL OR o.grid_worker = ?7)"                                            \
	"   AND (?11 = 0 OR (o.began_at >= ?12 AND o.began_at < ?13))"                         \
	"   AND (?14 = 0 OR (o.ended_at >= ?12 AND o.ended_at < ?13))"                         \
	"   AND (?16 = 0 OR o.alert_open = 1)"                                                 \
	"   AND (?17 = 0 OR (o.end_date <= ?1 AND o.alert_open = 0))"                         \
	"   AND (?20 IS NULL OR o.person_id = ?20)"
#define OBS_WORKER_WHERE                                                                       \
	" WHERE o.grid_worker = ?7 AND o.status = 'active'"                                    \
	" AND o.area_code >= ?2 AND o.area_code < ?3"                                          \
	" AND (?4 IS NULL OR (o.area_code >= ?4 AND o.area_code < ?5))"                        \
	" AND (?8 IS NULL OR (p.name >= ?8 AND p.name < ?9))"                                  \
	" AND (?10 = 0 OR (o.start_date <= ?1 AND o.end_date > ?1))"                           \
	" AND ?6 = 'active' AND ?20 IS NULL"
#define OBS_ORDER " ORDER BY o.end_date, o.id"
/* Column 5 of a light row and column 28 of a whole row: the day's filled slots. */
enum { LIGHT_FILLED = 5, WHOLE_FILLED = 28 };

static enum store_status list_ids(struct sq_conn *c, const struct obs_query *q,
				  const char *status, const struct obs_policy *pol,
				  struct arena *a, struct observation *out, size_t cap, size_t *n,
				  int64_t *total)
{
	static const char sql_plain[] = OBS_LIGHT_COLS ", 0 FROM observation o" OBS_PLAIN_WHERE
					OBS_ORDER;
	static const char sql_light[] = OBS_LIGHT_COLS ", coalesce(dy.filled, 0)" OBS_LIGHT_FROM
					OBS_WHERE OBS_ORDER;
	/* no name prefix: the day's row only, no person */
	static const char sql_day[] = OBS_LIGHT_COLS ", coalesce(dy.filled, 0) FROM observation o"
				      " LEFT JOIN obs_day dy ON dy.observation_id = o.id AND dy.date = ?1"
				      OBS_PLAIN_WHERE
				      " AND (?10 = 0 OR (o.start_date <= ?1 AND o.end_date > ?1))"
				      " AND (?15 = 0 OR coalesce(dy.fever, 0) = 1)" OBS_ORDER;
	static const char sql_light_worker[] = OBS_LIGHT_COLS ", coalesce(dy.filled, 0)"
					       OBS_LIGHT_FROM OBS_WORKER_WHERE OBS_ORDER;
	/* a page that takes (nearly) every matching row, as a visit list does: whole rows at once */
	static const char sql_whole[] = "SELECT " OBS_COLS OBS_FROM OBS_WHERE OBS_ORDER;
	static const char sql_whole_worker[] = "SELECT " OBS_COLS OBS_FROM OBS_WORKER_WHERE
					       OBS_ORDER;
	bool worker = q->worker && is(status, "active") && !q->person_id &&
		      (!q->filter || rowwise(q->filter));
	bool whole = cap >= 1000;
	/* the drill-downs to open alerts and to those due for release, from their own indexes */
	static const char sql_alert[] = OBS_LIGHT_COLS ", 0 FROM observation o"
					" WHERE o.alert_open = 1 AND o.status = 'active'"
					" AND o.area_code >= ?2 AND o.area_code < ?3" OBS_ORDER;
	static const char sql_ending[] = OBS_LIGHT_COLS ", 0 FROM observation o"
					 " INDEXED BY observation_ending WHERE o.status = 'active' AND o.end_date <= ?1"
					 " AND o.alert_open = 0"
					 " AND o.area_code >= ?2 AND o.area_code < ?3" OBS_ORDER;
	bool plain = !q->name_prefix && !is(q->filter, "fever_today") && !rowwise(q->filter);
	/* a township or the county (a village reads its few rows by area faster) */
	bool bare = !q->name_prefix && !q->worker && !q->person_id &&
		    strlen(q->area ? q->area : q->scope) < 12;
	const char *sql = whole ? (worker ? sql_whole_worker : sql_whole)
			  : worker	   ? sql_light_worker
			  : bare && is(q->filter, "alert_open")  ? sql_alert
			  : bare && is(q->filter, "due_release") ? sql_ending
			  : plain	   ? sql_plain
			  : !q->name_prefix ? sql_day
					   : sql_light;
	int filled_col = whole ? WHOLE_FILLED : LIGHT_FILLED;
	int end_col = whole ? 8 : 2, start_col = whole ? 7 : 1, began_col = whole ? 9 : 3;
	sqlite3_stmt *st = sq_stmt(c, sql);
	char (*ids)[USER_ID_LEN + 1] = whole ? NULL : arena_alloc(a, cap * sizeof *ids);
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

enum store_status store_obs_list(struct store *s, const struct obs_query *q,
				 const struct obs_policy *pol, struct arena *a,
				 struct observation **out, size_t *n, int64_t *total)
{
	const char *status = q->status;
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;

	if (q->filter && !is(q->filter, "started_today"))
		status = is(q->filter, "released_today") ? "released" : "active";
	*n = 0;
	*total = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	/* one snapshot for the pass and the page */
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = list_ids(c, q, status, pol, a, *out, cap, n, total);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

/* ---- one observation's record ---- */

#define VISIT_COLS                                                                             \
	"id, observation_id, at, recorded_at, mode, saw_person, saw_home, saw_state, temp,"    \
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
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (st)
		sq_bind_text(st, 1, id);
	return sq_row(c, st, a, out, read_visit);
}

enum store_status store_obs_detail(struct store *s, const char *id, struct arena *a,
				   struct visit **visits, size_t *nvisits, struct alert **alerts,
				   size_t *nalerts, struct service **services, size_t *nservices,
				   struct obs_day_row **days, size_t *ndays)
{
	static const char sql_v[] = "SELECT " VISIT_COLS " FROM visit WHERE observation_id = ?1"
				    " ORDER BY at DESC, id DESC LIMIT 500";
	static const char sql_d[] = "SELECT date, filled, fever FROM obs_day"
				    " WHERE observation_id = ?1 ORDER BY date";
	struct sq_conn *c = sq_reader_get(s);
	size_t cv = 32, cd = 16;
	sqlite3_stmt *st;
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

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
	sq_reader_put(s, c);
	return ss;
}

/* ---- visits ---- */

struct visit_ctx {
	const struct store_idem *idem;
	const struct obs_policy *pol;
	const struct visit *in;
	const char *alert_id, *user_id;
	int64_t now;
	const struct audit_entry *e;
	struct arena *a;
	struct visit *out;
	struct alert *alert;
	bool has_alert;
	struct observation *obs;
	bool replayed;
};

static enum store_status insert_visit(struct sq_conn *c, const struct visit *v,
				      const char *user_id)
{
	static const char sql[] =
		"INSERT INTO visit(id, observation_id, at, recorded_at, mode, saw_person, saw_home,"
		" saw_state, temp, symptoms, note, by_user, by_username, self_report, slot, late, fever)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, v->id);
	sq_bind_text(st, 2, v->observation_id);
	sqlite3_bind_int64(st, 3, v->at);
	sqlite3_bind_int64(st, 4, v->recorded_at);
	sq_bind_text(st, 5, v->mode);
	sqlite3_bind_int(st, 6, v->saw_person);
	sqlite3_bind_int(st, 7, v->saw_home);
	sqlite3_bind_int(st, 8, v->saw_state);
	sqlite3_bind_int(st, 9, v->temp);
	sqlite3_bind_int(st, 10, (int)v->symptoms);
	sq_bind_text(st, 11, v->note ? v->note : "");
	sq_bind_text(st, 12, v->self_report ? NULL : user_id);
	sq_bind_text(st, 13, v->self_report ? NULL : v->by);
	sqlite3_bind_int(st, 14, v->self_report);
	sqlite3_bind_int(st, 15, v->slot);
	sqlite3_bind_int(st, 16, v->late);
	sqlite3_bind_int(st, 17, v->fever);
	return sq_step_done(c, st);
}

static enum store_status day_write(struct sq_conn *c, const char *obs_id, int date,
				   unsigned filled, bool fever)
{
	static const char sql[] = "INSERT INTO obs_day(observation_id, date, filled, fever)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (observation_id, date)"
				  " DO UPDATE SET filled = excluded.filled, fever = excluded.fever";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, obs_id);
	sqlite3_bind_int(st, 2, date);
	sqlite3_bind_int(st, 3, (int)filled);
	sqlite3_bind_int(st, 4, fever);
	return sq_step_done(c, st);
}

static enum store_status obs_touch(struct sq_conn *c, const struct visit *v, int64_t now)
{
	static const char sql[] =
		"UPDATE observation SET last_temp = CASE WHEN ?2 > 0 AND ?3 >= last_visit_at"
		" THEN ?2 ELSE last_temp END, last_visit_at = max(last_visit_at, ?3),"
		" updated_at = ?4 WHERE id = ?1";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, v->observation_id);
	sqlite3_bind_int(st, 2, v->temp);
	sqlite3_bind_int64(st, 3, v->at);
	sqlite3_bind_int64(st, 4, now);
	return sq_step_done(c, st);
}

static enum store_status visit_job(struct sq_conn *c, void *p)
{
	struct visit_ctx *x = p;
	struct visit v = *x->in;
	char done_id[USER_ID_LEN + 1];
	struct obs_period per;
	struct audit_entry e = *x->e;
	unsigned filled, now_filled;
	bool fever_before;
	int date;
	enum store_status ss;

	ss = sq_idem_check(c, x->idem, "visit.create", done_id, sizeof done_id);
	if (ss == STORE_OK) {
		x->replayed = true;
		if ((ss = sq_visit_read(c, done_id, x->a, x->out)) != STORE_OK ||
		    (ss = sq_obs_read(c, x->out->observation_id, obs_local_date(x->now), x->a,
				      x->obs)) != STORE_OK)
			return ss;
		x->has_alert = false;
		if (x->out->fever) {
			ss = sq_alert_of_visit(c, x->out->id, x->out->observation_id, x->a, x->alert);
			x->has_alert = ss == STORE_OK;
			ss = ss == STORE_NOT_FOUND ? STORE_OK : ss;
		}
		return ss;
	}
	if (ss != STORE_NOT_FOUND)
		return ss;
	if ((ss = sq_obs_read(c, v.observation_id, 0, x->a, x->obs)) != STORE_OK)
		return ss;
	if (strcmp(x->obs->status, "active"))
		return STORE_CONFLICT;
	per = period_of(x->obs);
	date = obs_local_date(v.at);
	v.recorded_at = x->now;
	v.slot = v.temp ? obs_slot_of(x->pol, v.at) : -1;
	v.late = v.slot >= 0 && x->now > obs_slot_deadline(x->pol, date, v.slot);
	v.fever = obs_is_fever(x->pol, v.temp, v.symptoms);
	if ((ss = day_read(c, v.observation_id, date, &filled, &fever_before)) != STORE_OK)
		return ss;
	now_filled = filled | (v.slot >= 0 ? 1u << v.slot : 0);
	if (now_filled != filled || (v.fever && !fever_before)) {
		unsigned req = obs_required(x->pol, &per, date);
		if ((ss = day_write(c, v.observation_id, date, now_filled,
				    fever_before || v.fever)) != STORE_OK ||
		    (ss = contrib_apply(c, x->pol, x->obs->area, date, req, filled, req,
					now_filled)) != STORE_OK)
			return ss;
		if (v.fever && !fever_before &&
		    (ss = sq_count_add(c, "fevers", date, x->obs->area, 1)) != STORE_OK)
			return ss;
	}
	if ((ss = insert_visit(c, &v, x->user_id)) != STORE_OK ||
	    (ss = obs_touch(c, &v, x->now)) != STORE_OK)
		return ss;
	if (v.fever) {
		ss = sq_alert_raise(c, x->obs, &v, x->alert_id, x->user_id, e.username, x->now,
				    x->a, x->alert);
		if (ss != STORE_OK)
			return ss;
		x->has_alert = true;
	}
	if ((ss = sq_visit_read(c, v.id, x->a, x->out)) != STORE_OK ||
	    (ss = sq_obs_read(c, v.observation_id, obs_local_date(x->now), x->a, x->obs)) !=
		    STORE_OK)
		return ss;
	e.object_type = "visit";
	e.object_id = v.id;
	e.area = x->obs->area;
	e.after = sq_json_text(x->a, json_pack("{s:s, s:s, s:i, s:b, s:b}", "observation",
					    v.observation_id, "mode", v.mode, "slot", v.slot,
					    "fever", v.fever, "self_report", v.self_report));
	if ((ss = sq_audit_insert(c, &e)) != STORE_OK)
		return ss;
	return sq_idem_save(c, x->idem, "visit.create", v.id);
}

enum store_status store_visit_add(struct store *s, const struct store_idem *idem,
				  const struct obs_policy *pol, const struct visit *in,
				  const char *alert_id, const char *user_id, int64_t now,
				  const struct audit_entry *e, struct arena *a, struct visit *out,
				  struct alert *alert, bool *has_alert, struct observation *obs,
				  bool *replayed)
{
	struct visit_ctx x = {idem, pol, in, alert_id, user_id, now, e, a, out, alert,
			      false, obs, false};
	enum store_status ss = sq_write(s, visit_job, &x);

	*has_alert = x.has_alert;
	*replayed = x.replayed;
	return ss;
}

/* ---- the period and its end ---- */

static enum store_status set_token(struct sq_conn *c, const char *id, const char *hash,
				   const char *box)
{
	static const char sql[] = "UPDATE observation SET token_hash = ?2, token_box = ?3"
				  " WHERE id = ?1";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, hash);
	sq_bind_text(st, 3, box ? box : "");
	return sq_step_done(c, st);
}

enum store_status sq_obs_end(struct sq_conn *c, const struct obs_policy *pol,
			     const struct observation *o, const char *status, const char *reason,
			     int64_t now)
{
	static const char sql[] = "UPDATE observation SET status = ?2, ended_at = ?3,"
				  " end_reason = ?4, alert_open = 0, updated_at = ?3 WHERE id = ?1"
				  " AND status = 'active'";
	struct obs_period before = period_of(o), after = before;
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (!st)
		return STORE_ERROR;
	after.ended_at = now;
	sq_bind_text(st, 1, o->id);
	sq_bind_text(st, 2, status);
	sqlite3_bind_int64(st, 3, now);
	sq_bind_text(st, 4, reason ? reason : "");
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	if (sqlite3_changes(c->db) != 1)
		return STORE_CONFLICT;
	if ((ss = set_token(c, o->id, NULL, NULL)) != STORE_OK ||
	    (ss = sq_count_add(c, "active", 0, o->area, -1)) != STORE_OK ||
	    (ss = sq_count_add(c, "ending", o->end_date, o->area, -1)) != STORE_OK ||
	    (o->alert_open &&
	     (ss = sq_count_add(c, "ending_alert", o->end_date, o->area, -1)) != STORE_OK) ||
	    (!strcmp(status, "released") &&
	     (ss = sq_count_add(c, "released", obs_local_date(now), o->area, 1)) != STORE_OK))
		return ss;
	return day_apply(c, pol, o->id, o->area, &before, &after);
}

struct change_ctx {
	const struct store_idem *idem;
	const struct obs_policy *pol;
	const char *id, *text;
	int end_date; /* 0: release */
	int64_t now;
	const struct audit_entry *e;
	struct arena *a;
	struct observation *out;
	bool replayed;
};

static enum store_status change_job(struct sq_conn *c, void *p)
{
	static const char sql[] = "UPDATE observation SET end_date = ?2, updated_at = ?3"
				  " WHERE id = ?1";
	static const char sql_person[] = "UPDATE person SET status = 'released', updated_at = ?2"
					 " WHERE id = ?1";
	struct change_ctx *x = p;
	const char *kind = x->end_date ? "observation.period" : "observation.release";
	char done_id[USER_ID_LEN + 1];
	struct observation o;
	struct audit_entry e = *x->e;
	int today = obs_local_date(x->now);
	sqlite3_stmt *st;
	enum store_status ss;
	const char *event;

	ss = sq_idem_check(c, x->idem, kind, done_id, sizeof done_id);
	if (ss == STORE_OK) {
		x->replayed = true;
		return sq_obs_read(c, done_id, today, x->a, x->out);
	}
	if (ss != STORE_NOT_FOUND)
		return ss;
	if ((ss = sq_obs_read(c, x->id, today, x->a, &o)) != STORE_OK)
		return ss;
	if (strcmp(o.status, "active"))
		return STORE_CONFLICT;
	e.object_type = "observation";
	e.object_id = o.id;
	e.area = o.area;
	e.before = sq_json_text(x->a, json_pack("{s:s, s:i}", "status", o.status, "end_date",
					     o.end_date));
	if (x->end_date) {
		struct obs_period before = period_of(&o), after = before;
		after.end_date = x->end_date;
		if (!(st = sq_stmt(c, sql)))
			return STORE_ERROR;
		sq_bind_text(st, 1, o.id);
		sqlite3_bind_int(st, 2, x->end_date);
		sqlite3_bind_int64(st, 3, x->now);
		if ((ss = sq_step_done(c, st)) != STORE_OK ||
		    (ss = sq_count_add(c, "ending", o.end_date, o.area, -1)) != STORE_OK ||
		    (ss = sq_count_add(c, "ending", x->end_date, o.area, 1)) != STORE_OK ||
		    (o.alert_open &&
		     ((ss = sq_count_add(c, "ending_alert", o.end_date, o.area, -1)) != STORE_OK ||
		      (ss = sq_count_add(c, "ending_alert", x->end_date, o.area, 1)) != STORE_OK)) ||
		    (ss = day_apply(c, x->pol, o.id, o.area, &before, &after)) != STORE_OK)
			return ss;
		event = x->end_date > o.end_date ? "observation_extended" : "observation_shortened";
	} else {
		if (o.alert_open || today < o.end_date)
			return STORE_CONFLICT;
		if ((ss = sq_obs_end(c, x->pol, &o, "released", x->text, x->now)) != STORE_OK)
			return ss;
		if (!(st = sq_stmt(c, sql_person)))
			return STORE_ERROR;
		sq_bind_text(st, 1, o.person_id);
		sqlite3_bind_int64(st, 2, x->now);
		if ((ss = sq_step_done(c, st)) != STORE_OK)
			return ss;
		event = "observation_released";
	}
	if ((ss = sq_obs_read(c, o.id, today, x->a, x->out)) != STORE_OK)
		return ss;
	json_t *d = json_pack("{s:s, s:s, s:i, s:i, s:s}", "observation", o.id, "status",
			      x->out->status, "end_date", x->out->end_date, "previous_end_date",
			      o.end_date, x->end_date ? "reason" : "note", x->text ? x->text : "");
	e.after = sq_json_text(x->a, json_incref(d));
	if ((ss = sq_person_event(c, o.person_id, event, e.user_id, e.username, o.area,
				  sq_json_text(x->a, d), x->now)) != STORE_OK ||
	    (ss = sq_audit_insert(c, &e)) != STORE_OK)
		return ss;
	return sq_idem_save(c, x->idem, kind, o.id);
}

enum store_status store_obs_period(struct store *s, const struct store_idem *idem,
				   const struct obs_policy *pol, const char *id, int end_date,
				   const char *reason, int64_t now, const struct audit_entry *e,
				   struct arena *a, struct observation *out, bool *replayed)
{
	struct change_ctx x = {idem, pol, id, reason, end_date, now, e, a, out, false};
	enum store_status ss = sq_write(s, change_job, &x);

	*replayed = x.replayed;
	return ss;
}

enum store_status store_obs_release(struct store *s, const struct store_idem *idem,
				    const struct obs_policy *pol, const char *id, const char *note,
				    int64_t now, const struct audit_entry *e, struct arena *a,
				    struct observation *out, bool *replayed)
{
	struct change_ctx x = {idem, pol, id, note, 0, now, e, a, out, false};
	enum store_status ss = sq_write(s, change_job, &x);

	*replayed = x.replayed;
	return ss;
}

struct token_ctx {
	const char *id, *hash, *box;
};

static enum store_status token_job(struct sq_conn *c, void *p)
{
	static const char sql[] = "UPDATE observation SET token_hash = ?2, token_box = ?3"
				  " WHERE id = ?1 AND status = 'active'";
	struct token_ctx *x = p;
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, x->id);
	sq_bind_text(st, 2, x->hash);
	sq_bind_text(st, 3, x->box);
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	return sqlite3_changes(c->db) == 1 ? STORE_OK : STORE_CONFLICT;
}

enum store_status store_obs_set_token(struct store *s, const char *id, const char *hash,
				      const char *box)
{
	struct token_ctx x = {id, hash, box};
	return sq_write(s, token_job, &x);
}

/* ---- the board ---- */

static struct obs_board_row *board_row(struct obs_board_row **v, size_t *n, size_t *cap,
				       struct arena *a, const char *k)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].area, k))
			return &(*v)[i];
	*v = sq_grow(a, *v, *n, cap, sizeof **v);
	struct obs_board_row *r = &(*v)[(*n)++];
	memset(r, 0, sizeof *r);
	memcpy(r->area, k, strlen(k) + 1);
	return r;
}

/* Adds sign × the sum of metric over dates [lo, hi] under scope into the rows. */
static enum store_status board_metric(struct sq_conn *c, const char *scope, const char *metric,
				      int lo, int hi, enum obs_metric m, int sign, struct arena *a,
				      struct obs_board_row *total, struct obs_board_row **rows,
				      size_t *n, size_t *cap)
{
	static const char sql[] = "SELECT substr(area_code, 1, ?6), sum(n) FROM obs_count"
				  " WHERE metric = ?1 AND date >= ?2 AND date <= ?3"
				  " AND area_code >= ?4 AND area_code < ?5 GROUP BY 1";
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_MAX + 2];
	size_t len = strlen(scope);
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_prefix_end(scope, end, sizeof end);
	sq_bind_text(st, 1, metric);
	sqlite3_bind_int(st, 2, lo);
	sqlite3_bind_int(st, 3, hi);
	sq_bind_text(st, 4, scope);
	sq_bind_text(st, 5, end);
	sqlite3_bind_int(st, 6, (int)len + 3);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char k[AREA_CODE_MAX + 1];
		int64_t v = sign * sqlite3_column_int64(st, 1);
		sq_text_to(st, 0, k, sizeof k);
		total->n[m] += v;
		if (strlen(k) > len)
			board_row(rows, n, cap, a, k)->n[m] += v;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_obs_board(struct store *s, const char *scope,
				  const struct obs_policy *pol, int today, int64_t now,
				  struct arena *a, struct obs_board_row *out,
				  struct obs_board_row **children, size_t *nchildren)
{
	static const struct {
		const char *metric;
		enum obs_metric m;
		int when; /* 0: date 0, 1: today, 2: up to today */
		int sign;
	} plan[] = {
		{"active", OBM_ACTIVE, 0, 1},         {"started", OBM_STARTED, 1, 1},
		{"released", OBM_RELEASED, 1, 1},     {"fevers", OBM_FEVERS, 1, 1},
		{"alerts_open", OBM_ALERTS_OPEN, 0, 1}, {"due", OBM_DUE, 1, 1},
		{"complete", OBM_COMPLETE, 1, 1},     {"services_open", OBM_SERVICES_OPEN, 0, 1},
		{"ending", OBM_DUE_RELEASE, 2, 1},    {"ending_alert", OBM_DUE_RELEASE, 2, -1},
	};
	struct sq_conn *c = sq_reader_get(s);
	size_t cap = 16;
	enum store_status ss = STORE_OK;

	if (!c)
		return STORE_BUSY;

	memset(out, 0, sizeof *out);
	memcpy(out->area, scope, strlen(scope) + 1);
	*nchildren = 0;
	*children = arena_alloc(a, cap * sizeof **children);
	for (size_t i = 0; i < sizeof plan / sizeof plan[0] && ss == STORE_OK; i++) {
		int lo = plan[i].when == 0 ? 0 : plan[i].when == 1 ? today : 1;
		int hi = plan[i].when == 0 ? 0 : today;
		ss = board_metric(c, scope, plan[i].metric, lo, hi, plan[i].m, plan[i].sign, a, out,
				  children, nchildren, &cap);
	}
	/* overdue: required minus filled, for the slots whose deadline has passed */
	for (int k = 0; k < pol->nslots && ss == STORE_OK; k++) {
		if (obs_slot_deadline(pol, today, k) > now)
			continue;
		ss = board_metric(c, scope, slot_req[k], today, today, OBM_OVERDUE, 1, a, out,
				  children, nchildren, &cap);
		if (ss == STORE_OK)
			ss = board_metric(c, scope, slot_fill[k], today, today, OBM_OVERDUE, -1, a,
					  out, children, nchildren, &cap);
	}
	for (size_t i = 0; ss == STORE_OK && i < *nchildren; i++) {
		struct area ar;
		(*children)[i].name =
			sq_area_read(c, (*children)[i].area, a, &ar) == STORE_OK ? ar.name : "";
	}
	{
		struct area ar;
		out->name = ss == STORE_OK && sq_area_read(c, scope, a, &ar) == STORE_OK ? ar.name : "";
	}
	sq_reader_put(s, c);
	return ss;
}

/* ---- recount: the board's counts from the records themselves ---- */

struct rc_key {
	char metric[12];
	int date;
	char area[AREA_CODE_MAX + 1];
};

struct rc_slot {
	struct rc_key k;
	int64_t n;
	bool used, seen;
};

struct rc_map {
	struct rc_slot *v;
	size_t cap, len;
};

static uint64_t rc_hash(const struct rc_key *k)
{
	uint64_t h = 1469598103934665603ull;
	const unsigned char *p = (const unsigned char *)k;

	for (size_t i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static struct rc_slot *rc_find(struct rc_map *m, const char *metric, int date, const char *area)
{
	struct rc_key k;

	memset(&k, 0, sizeof k);
	snprintf(k.metric, sizeof k.metric, "%s", metric);
	k.date = date;
	snprintf(k.area, sizeof k.area, "%s", area);
	if (2 * (m->len + 1) > m->cap) {
		struct rc_map bigger = {calloc(m->cap ? 2 * m->cap : 1024, sizeof *m->v),
					m->cap ? 2 * m->cap : 1024, 0};
		if (!bigger.v)
			abort();
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->v[i].used)
				continue;
			size_t j = rc_hash(&m->v[i].k) & (bigger.cap - 1);
			while (bigger.v[j].used)
				j = (j + 1) & (bigger.cap - 1);
			bigger.v[j] = m->v[i];
			bigger.len++;
		}
		free(m->v);
		*m = bigger;
	}
	size_t j = rc_hash(&k) & (m->cap - 1);
	while (m->v[j].used && memcmp(&m->v[j].k, &k, sizeof k))
		j = (j + 1) & (m->cap - 1);
	if (!m->v[j].used) {
		m->v[j].used = true;
		m->v[j].k = k;
		m->len++;
	}
	return &m->v[j];
}

static void rc_add(struct rc_map *m, const char *metric, int date, const char *area, int64_t n)
{
	if (n)
		rc_find(m, metric, date, area)->n += n;
}

/* Every observation and its filled days, walked together in id order. */
static enum store_status recount_observations(struct sq_conn *c, const struct obs_policy *pol,
					      struct rc_map *m)
{
	static const char sql_o[] = "SELECT id, area_code, status, start_date, end_date, began_at,"
				    " ended_at, alert_open FROM observation ORDER BY id";
	static const char sql_d[] = "SELECT observation_id, date, filled, fever FROM obs_day"
				    " ORDER BY observation_id, date";
	sqlite3_stmt *so = sq_stmt(c, sql_o), *sd;
	int rco, rcd;

	if (!so)
		return STORE_ERROR;
	/* both cached statements are stepped together: prepare the second after the first */
	if (!(sd = sq_stmt(c, sql_d)))
		return STORE_ERROR;
	rcd = sqlite3_step(sd);
	while ((rco = sqlite3_step(so)) == SQLITE_ROW) {
		char id[USER_ID_LEN + 1], area[AREA_CODE_MAX + 1];
		const char *status = (const char *)sqlite3_column_text(so, 2);
		struct obs_period per;
		bool active = status && !strcmp(status, "active");
		sq_text_to(so, 0, id, sizeof id);
		sq_text_to(so, 1, area, sizeof area);
		per.start_date = sqlite3_column_int(so, 3);
		per.end_date = sqlite3_column_int(so, 4);
		per.began_at = sqlite3_column_int64(so, 5);
		per.ended_at = sqlite3_column_int64(so, 6);
		if (active) {
			rc_add(m, "active", 0, area, 1);
			rc_add(m, "ending", per.end_date, area, 1);
			if (sqlite3_column_int(so, 7))
				rc_add(m, "ending_alert", per.end_date, area, 1);
		}
		rc_add(m, "started", obs_local_date(per.began_at), area, 1);
		if (status && !strcmp(status, "released"))
			rc_add(m, "released", obs_local_date(per.ended_at), area, 1);
		/* skip day rows of observations that no longer exist (none should) */
		while (rcd == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(sd, 0), id) < 0)
			rcd = sqlite3_step(sd);
		for (int d = per.start_date; d && d < per.end_date; d = obs_date_add(d, 1)) {
			unsigned filled = 0;
			struct obs_day_counts k;
			while (rcd == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(sd, 0), id) &&
			       sqlite3_column_int(sd, 1) < d) {
				if (sqlite3_column_int(sd, 3))
					rc_add(m, "fevers", sqlite3_column_int(sd, 1), area, 1);
				rcd = sqlite3_step(sd);
			}
			if (rcd == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(sd, 0), id) &&
			    sqlite3_column_int(sd, 1) == d)
				filled = (unsigned)sqlite3_column_int(sd, 2);
			obs_day_contrib(pol, obs_required(pol, &per, d), filled, &k);
			rc_add(m, "due", d, area, k.due);
			rc_add(m, "complete", d, area, k.complete);
			for (int s = 0; s < pol->nslots; s++) {
				rc_add(m, slot_req[s], d, area, k.req[s]);
				rc_add(m, slot_fill[s], d, area, k.fill[s]);
			}
		}
		/* fevers on days after the period (a visit dated past the end) */
		while (rcd == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(sd, 0), id)) {
			if (sqlite3_column_int(sd, 3))
				rc_add(m, "fevers", sqlite3_column_int(sd, 1), area, 1);
			rcd = sqlite3_step(sd);
		}
	}
	sqlite3_reset(so);
	sqlite3_reset(sd);
	return rco == SQLITE_DONE && (rcd == SQLITE_DONE || rcd == SQLITE_ROW) ? STORE_OK
									     : sq_rc(c, rco);
}

static enum store_status recount_grouped(struct sq_conn *c, const char *sql, const char *metric,
					 struct rc_map *m)
{
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	if (!st)
		return STORE_ERROR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char area[AREA_CODE_MAX + 1];
		sq_text_to(st, 0, area, sizeof area);
		rc_add(m, metric, 0, area, sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_obs_recount(struct store *s, const struct obs_policy *pol,
				    int64_t *checked, int64_t *mismatched, char *first,
				    size_t firstsz)
{
	static const char sql_alerts[] = "SELECT area_code, count(*) FROM alert"
					 " WHERE status <> 'closed' GROUP BY area_code";
	static const char sql_services[] = "SELECT area_code, count(*) FROM service"
					   " WHERE status IN ('new', 'accepted') GROUP BY area_code";
	static const char sql_counts[] = "SELECT metric, date, area_code, n FROM obs_count";
	struct sq_conn *c = sq_reader_get(s);
	struct rc_map m = {0};
	enum store_status ss;
	sqlite3_stmt *st;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*checked = *mismatched = 0;
	if (first && firstsz)
		*first = '\0';
	/* one snapshot for all the reads below */
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK)
		goto out;
	if ((ss = recount_observations(c, pol, &m)) != STORE_OK ||
	    (ss = recount_grouped(c, sql_alerts, "alerts_open", &m)) != STORE_OK ||
	    (ss = recount_grouped(c, sql_services, "services_open", &m)) != STORE_OK)
		goto end;
	if (!(st = sq_stmt(c, sql_counts))) {
		ss = STORE_ERROR;
		goto end;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char metric[12], area[AREA_CODE_MAX + 1];
		int date = sqlite3_column_int(st, 1);
		int64_t n = sqlite3_column_int64(st, 3);
		sq_text_to(st, 0, metric, sizeof metric);
		sq_text_to(st, 2, area, sizeof area);
		struct rc_slot *e = rc_find(&m, metric, date, area);
		e->seen = true;
		(*checked)++;
		if (e->n != n) {
			if (!*mismatched && first)
				snprintf(first, firstsz, "%s %d %s: kept %lld, recounted %lld", metric, date,
					 area, (long long)n, (long long)e->n);
			(*mismatched)++;
		}
	}
	sqlite3_reset(st);
	ss = rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
	for (size_t i = 0; ss == STORE_OK && i < m.cap; i++) {
		const struct rc_slot *e = &m.v[i];
		if (!e->used || e->seen || !e->n)
			continue;
		if (!*mismatched && first)
			snprintf(first, firstsz, "%s %d %s: kept 0, recounted %lld", e->k.metric, e->k.date,
				 e->k.area, (long long)e->n);
		(*mismatched)++;
	}
end:
	sq_exec(c, "COMMIT");
out:
	free(m.v);
	sq_reader_put(s, c);
	return ss;
}

/* ---- who is responsible ---- */

struct staff_ctx {
	const struct store_idem *idem;
	const char *id;
	const char *given[3]; /* NULL keep, "" clear, else an account id */
	const struct audit_entry *e;
	struct arena *a;
	struct observation *out;
	const char *bad_field;
	bool replayed;
};

static enum store_status staff_job(struct sq_conn *c, void *p)
{
	static const char sql[] = "UPDATE observation SET grid_worker = ?2, doctor = ?3,"
				  " social_worker = ?4, updated_at = ?5 WHERE id = ?1";
	static const enum role roles[3] = {ROLE_GRID_WORKER, ROLE_DOCTOR, ROLE_SOCIAL_WORKER};
	static const char *const fields[3] = {"grid_worker", "doctor", "social_worker"};
	struct staff_ctx *x = p;
	char done_id[USER_ID_LEN + 1];
	struct observation o;
	struct audit_entry e = *x->e;
	const char *now_ids[3];
	int64_t now = time_now();
	sqlite3_stmt *st;
	enum store_status ss;

	ss = sq_idem_check(c, x->idem, "observation.staff", done_id, sizeof done_id);
	if (ss == STORE_OK) {
		x->replayed = true;
		return sq_obs_read(c, done_id, obs_local_date(now), x->a, x->out);
	}
	if (ss != STORE_NOT_FOUND)
		return ss;
	if ((ss = sq_obs_read(c, x->id, obs_local_date(now), x->a, &o)) != STORE_OK)
		return ss;
	if (strcmp(o.status, "active"))
		return STORE_CONFLICT;
	const struct staff *cur[3] = {&o.grid_worker, &o.doctor, &o.social_worker};
	for (int i = 0; i < 3; i++) {
		now_ids[i] = *cur[i]->id ? cur[i]->id : NULL;
		if (!x->given[i])
			continue;
		if (!*x->given[i]) {
			now_ids[i] = NULL;
			continue;
		}
		ss = staff_pick(c, x->given[i], o.area, roles[i], x->a, &now_ids[i]);
		if (ss == STORE_INVALID)
			x->bad_field = fields[i];
		if (ss != STORE_OK)
			return ss;
	}
	if (!(st = sq_stmt(c, sql)))
		return STORE_ERROR;
	sq_bind_text(st, 1, o.id);
	for (int i = 0; i < 3; i++)
		sq_bind_text(st, 2 + i, now_ids[i]);
	sqlite3_bind_int64(st, 5, now);
	if ((ss = sq_step_done(c, st)) != STORE_OK ||
	    (ss = sq_obs_read(c, o.id, obs_local_date(now), x->a, x->out)) != STORE_OK)
		return ss;
	json_t *b = json_pack("{s:s, s:s, s:s}", "grid_worker", o.grid_worker.name, "doctor",
			      o.doctor.name, "social_worker", o.social_worker.name);
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "observation", o.id, "grid_worker",
			      x->out->grid_worker.name, "doctor", x->out->doctor.name,
			      "social_worker", x->out->social_worker.name);
	e.object_type = "observation";
	e.object_id = o.id;
	e.area = o.area;
	e.before = sq_json_text(x->a, b);
	e.after = sq_json_text(x->a, json_incref(d));
	if ((ss = sq_person_event(c, o.person_id, "observation_staff", e.user_id, e.username, o.area,
				  sq_json_text(x->a, d), now)) != STORE_OK ||
	    (ss = sq_audit_insert(c, &e)) != STORE_OK)
		return ss;
	return sq_idem_save(c, x->idem, "observation.staff", o.id);
}

enum store_status store_obs_staff(struct store *s, const struct store_idem *idem, const char *id,
				  const char *grid_worker, const char *doctor,
				  const char *social_worker, const struct audit_entry *e,
				  struct arena *a, struct observation *out, const char **bad_field,
				  bool *replayed)
{
	struct staff_ctx x = {idem, id, {grid_worker, doctor, social_worker}, e, a, out, NULL, false};
	enum store_status ss = sq_write(s, staff_job, &x);

	*bad_field = x.bad_field;
	*replayed = x.replayed;
	return ss;
}
