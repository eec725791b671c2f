/* sq_obs_board — the counts behind the commander's board (obs_count: metric, local date
 * or 0, area): adding to them inside a write, reading the board from them, and recounting
 * them from the records (`fangkong check`). Which counts a write changes is the use
 * case's (src/service/svc_obs.c); the metric names are shared with it. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"

enum store_status sq_count_add(struct sq_conn *c, const char *metric, int date, const char *area,
			       int64_t delta)
{
	static const char sql[] = "INSERT INTO obs_count(metric, date, area_code, n)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (metric, date, area_code)"
				  " DO UPDATE SET n = obs_count.n + excluded.n";
	/* rows of past end dates would pile up under the due-release range scan */
	static const char sql_zero[] = "DELETE FROM obs_count WHERE metric = ?1 AND date = ?2"
				       " AND area_code = ?3 AND n = 0";
	enum store_status ss;

	if (!delta)
		return STORE_OK;
	ss = sq_run(c, sql, SQ_PARAMS(SQ_TEXT(metric), SQ_INT(date), SQ_TEXT(area), SQ_INT(delta)));
	if (ss != STORE_OK || delta > 0 || strncmp(metric, "ending", 6))
		return ss;
	return sq_run(c, sql_zero, SQ_PARAMS(SQ_TEXT(metric), SQ_INT(date), SQ_TEXT(area)));
}

enum store_status store_tx_obs_count_add(struct store_tx *tx, const char *metric, int date,
					 const char *area, int64_t delta)
{
	return sq_count_add(sq_conn_of(tx), metric, date, area, delta);
}

static const char *const slot_req[OBS_SLOTS_MAX] = {"req0", "req1", "req2", "req3"};
static const char *const slot_fill[OBS_SLOTS_MAX] = {"fill0", "fill1", "fill2", "fill3"};
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

/* A sum of a metric for one child area (or the scope itself). */
struct metric_sum {
	char area[AREA_CODE_MAX + 1];
	int64_t n;
};

static const struct sq_col sum_cols[] = {
	SQ_COL_BUF(struct metric_sum, area),
	SQ_COL_NUM(struct metric_sum, n),
};

/* Counted per child area of scope: the metric's sum over dates [lo, hi] (?1-?3), or the
 * persons verified for observation and not placed (person status to_place), read from
 * their own rows through the partial index person_to_place, so only the rows counted are
 * read. Both take the scope's range as ?4, ?5 and the child code's length as ?6. */
static const char sum_metric_sql[] = "SELECT substr(area_code, 1, ?6), sum(n) FROM obs_count"
				     " WHERE metric = ?1 AND date >= ?2 AND date <= ?3"
				     " AND area_code >= ?4 AND area_code < ?5 GROUP BY 1";
static const char sum_to_place_sql[] = "SELECT substr(area_code, 1, ?6), count(*) FROM person"
				       " WHERE status = 'to_place' AND merged_into IS NULL"
				       " AND area_code >= ?4 AND area_code < ?5 GROUP BY 1";

/* Adds sign × the sums of sql (metric over dates [lo, hi]) under scope into slot m of the
 * total and of each child area's row (sums of the scope itself only into the total). */
static enum store_status board_sum(struct sq_conn *c, const char *sql, const char *scope,
				   const char *metric, int lo, int hi, enum obs_metric m, int sign,
				   struct arena *a, struct obs_board_row *total,
				   struct obs_board_row **rows, size_t *n, size_t *cap)
{
	static const struct sq_rowtype sums = SQ_ROWTYPE(struct metric_sum, sum_cols, NULL);
	char end[AREA_CODE_END_SIZE];
	size_t len = strlen(scope), nsum;
	enum store_status ss;
	struct metric_sum *v;

	area_code_scope_end(scope, end, sizeof end);
	v = sq_rows(c, sql, &sums, SQ_ALL, a, &nsum, &ss,
		    SQ_PARAMS(SQ_TEXT(metric), SQ_INT(lo), SQ_INT(hi), SQ_TEXT(scope), SQ_TEXT(end),
			      SQ_INT(len + 3)));
	for (size_t i = 0; ss == STORE_OK && i < nsum; i++) {
		total->n[m] += sign * v[i].n;
		if (strlen(v[i].area) > len)
			board_row(rows, n, cap, a, v[i].area)->n[m] += sign * v[i].n;
	}
	return ss;
}

enum store_status store_obs_board(struct store *s, const char *scope, const struct obs_policy *pol,
				  int today, int64_t now, struct arena *a,
				  struct obs_board_row *out, struct obs_board_row **children,
				  size_t *nchildren)
{
	static const struct {
		const char *metric;
		enum obs_metric m;
		int when; /* 0: date 0, 1: today, 2: up to today */
		int sign;
	} plan[] = {
		{"active", OBM_ACTIVE, 0, 1},           {"started", OBM_STARTED, 1, 1},
		{"released", OBM_RELEASED, 1, 1},       {"fevers", OBM_FEVERS, 1, 1},
		{"alerts_open", OBM_ALERTS_OPEN, 0, 1}, {"due", OBM_DUE, 1, 1},
		{"complete", OBM_COMPLETE, 1, 1},       {"services_open", OBM_SERVICES_OPEN, 0, 1},
		{"ending", OBM_DUE_RELEASE, 2, 1},      {"ending_alert", OBM_DUE_RELEASE, 2, -1},
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
		ss = board_sum(c, sum_metric_sql, scope, plan[i].metric, lo, hi, plan[i].m,
			       plan[i].sign, a, out, children, nchildren, &cap);
	}
	if (ss == STORE_OK)
		ss = board_sum(c, sum_to_place_sql, scope, "", 0, 0, OBM_TO_PLACE, 1, a, out,
			       children, nchildren, &cap);
	/* overdue: required minus filled, for the slots whose deadline has passed */
	for (int k = 0; k < pol->nslots && ss == STORE_OK; k++) {
		if (obs_slot_deadline(pol, today, k) > now)
			continue;
		ss = board_sum(c, sum_metric_sql, scope, slot_req[k], today, today, OBM_OVERDUE, 1,
			       a, out, children, nchildren, &cap);
		if (ss == STORE_OK)
			ss = board_sum(c, sum_metric_sql, scope, slot_fill[k], today, today,
				       OBM_OVERDUE, -1, a, out, children, nchildren, &cap);
	}
	for (size_t i = 0; ss == STORE_OK && i < *nchildren; i++)
		(*children)[i].name = sq_area_name(c, (*children)[i].area, a);
	out->name = ss == STORE_OK ? sq_area_name(c, scope, a) : "";
	sq_reader_put(s, c);
	return ss;
}

/* ---- recount: the board's counts from the records themselves ---- */

/* Every observation and its filled days, walked together in id order. */
static enum store_status recount_observations(struct sq_conn *c, const struct obs_policy *pol,
					      struct rc_map *m)
{
	static const char sql_o[] = "SELECT id, area_code, status, start_date, end_date, began_at,"
				    " ended_at, alert_open FROM observation ORDER BY id";
	static const char sql_d[] = "SELECT observation_id, date, filled, fever FROM obs_day"
				    " ORDER BY observation_id, date";
	struct sq_cur so, sd;
	bool rco, rcd;
	enum store_status ss;

	/* both statements are stepped together (on PostgreSQL both results read whole) */
	if (!sq_open(&so, c, sql_o, NULL, 0))
		return sq_close(&so);
	if (!sq_open(&sd, c, sql_d, NULL, 0)) {
		sq_close(&so);
		return sq_close(&sd);
	}
	rcd = sq_next(&sd);
	while ((rco = sq_next(&so))) {
		char id[USER_ID_LEN + 1], area[AREA_CODE_MAX + 1];
		const char *status = sq_col(&so, 2, NULL);
		struct obs_period per;
		bool active = !strcmp(status, "active");
		sq_text_to(&so, 0, id, sizeof id);
		sq_text_to(&so, 1, area, sizeof area);
		per.start_date = (int)sq_int(&so, 3);
		per.end_date = (int)sq_int(&so, 4);
		per.began_at = sq_int(&so, 5);
		per.ended_at = sq_int(&so, 6);
		if (active) {
			rc_add(m, "active", 0, area, 1);
			rc_add(m, "ending", per.end_date, area, 1);
			if (sq_int(&so, 7))
				rc_add(m, "ending_alert", per.end_date, area, 1);
		}
		rc_add(m, "started", obs_local_date(per.began_at), area, 1);
		if (!strcmp(status, "released"))
			rc_add(m, "released", obs_local_date(per.ended_at), area, 1);
		/* skip day rows of observations that no longer exist (none should) */
		while (rcd && strcmp(sq_col(&sd, 0, NULL), id) < 0)
			rcd = sq_next(&sd);
		for (int d = per.start_date; d && d < per.end_date; d = obs_date_add(d, 1)) {
			unsigned filled = 0;
			struct obs_day_counts k;
			while (rcd && !strcmp(sq_col(&sd, 0, NULL), id) && sq_int(&sd, 1) < d) {
				if (sq_int(&sd, 3))
					rc_add(m, "fevers", (int)sq_int(&sd, 1), area, 1);
				rcd = sq_next(&sd);
			}
			if (rcd && !strcmp(sq_col(&sd, 0, NULL), id) && sq_int(&sd, 1) == d)
				filled = (unsigned)sq_int(&sd, 2);
			obs_day_contrib(pol, obs_required(pol, &per, d), filled, &k);
			rc_add(m, "due", d, area, k.due);
			rc_add(m, "complete", d, area, k.complete);
			for (int s = 0; s < pol->nslots; s++) {
				rc_add(m, slot_req[s], d, area, k.req[s]);
				rc_add(m, slot_fill[s], d, area, k.fill[s]);
			}
		}
		/* fevers on days after the period (a visit dated past the end) */
		while (rcd && !strcmp(sq_col(&sd, 0, NULL), id)) {
			if (sq_int(&sd, 3))
				rc_add(m, "fevers", (int)sq_int(&sd, 1), area, 1);
			rcd = sq_next(&sd);
		}
	}
	ss = sq_close(&so);
	return sq_close(&sd) != STORE_OK ? sd.ss : ss;
}

static enum store_status recount_grouped(struct sq_conn *c, const char *sql, const char *metric,
					 struct rc_map *m)
{
	struct sq_cur k;

	if (sq_open(&k, c, sql, NULL, 0))
		while (sq_next(&k)) {
			char area[AREA_CODE_MAX + 1];
			sq_text_to(&k, 0, area, sizeof area);
			rc_add(m, metric, 0, area, sq_int(&k, 1));
		}
	return sq_close(&k);
}

enum store_status store_obs_recount(struct store *s, const struct obs_policy *pol, int64_t *checked,
				    int64_t *mismatched, char *first, size_t firstsz)
{
	static const char sql_alerts[] = "SELECT area_code, count(*) FROM alert"
					 " WHERE status <> 'closed' GROUP BY area_code";
	static const char sql_services[] =
		"SELECT area_code, count(*) FROM service"
		" WHERE status IN ('new', 'accepted') GROUP BY area_code";
	static const char sql_counts[] = "SELECT metric, date, area_code, n FROM obs_count";
	struct sq_conn *c = sq_reader_get(s);
	struct rc_map m = {0};
	enum store_status ss;

	if (!c)
		return STORE_BUSY;

	/* one snapshot for all the reads below */
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK)
		goto out;
	if ((ss = recount_observations(c, pol, &m)) != STORE_OK ||
	    (ss = recount_grouped(c, sql_alerts, "alerts_open", &m)) != STORE_OK ||
	    (ss = recount_grouped(c, sql_services, "services_open", &m)) != STORE_OK)
		goto end;
	ss = sq_recount_compare(c, sql_counts, &m, checked, mismatched, first, firstsz);
end:
	sq_exec(c, "COMMIT");
out:
	free(m.v);
	sq_reader_put(s, c);
	return ss;
}
