/* sq_report — the daily report's queries: the kept counts (report_count, keyed by report day,
 * area and metric, with day 0 the running total, so that a day's figures read the totals and
 * the days from it on, a few rows per area, never the records), the county's cut-offs and
 * settings, and the submitted reports, each version a row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

/* The count in its area and in every area above it (level: the code's length), on its day and
 * in the running totals: one statement. */
/* The levels of a code's areas, by its length: county, township, village, … */
static const int report_levels[] = {6, 9, 12, 15, 18};

/* A row of report_count to add to, as one text of fixed fields (both backends read a JSON
 * array of texts): day (8 digits), level (2), the number added (12, with its sign), the
 * area's code (level bytes), the metric (the rest). */
struct count_key {
	int day, level;
	const char *area, *metric;
	int64_t n;
};

static int count_key_cmp(const void *x, const void *y)
{
	const struct count_key *p = x, *q = y;
	int c = p->day != q->day ? (p->day > q->day) - (p->day < q->day)
				 : (p->level > q->level) - (p->level < q->level);

	if (!c)
		c = strncmp(p->area, q->area, (size_t)p->level);
	return c ? c : strcmp(p->metric, q->metric);
}

enum store_status store_tx_report_counts_add(struct store_tx *tx, const struct report_delta *d,
					     size_t n)
{
	/* each row once per statement: ON CONFLICT cannot change a row twice */
	static const char sql[] =
		"INSERT INTO report_count(day, level, area_code, metric, n)"
		" SELECT CAST(substr(j.value, 1, 8) AS BIGINT),"
		" CAST(substr(j.value, 9, 2) AS BIGINT),"
		" substr(j.value, 23, CAST(substr(j.value, 9, 2) AS BIGINT)),"
		" substr(j.value, 23 + CAST(substr(j.value, 9, 2) AS BIGINT)),"
		" CAST(substr(j.value, 11, 12) AS BIGINT) FROM json_each(?1) j WHERE true"
		" ON CONFLICT (day, level, area_code, metric) DO UPDATE SET n = report_count.n + "
		"excluded.n";
	enum { PER_STATEMENT = 4096 };
	size_t nlv = sizeof report_levels / sizeof report_levels[0], nk = 0, cap = 2 * nlv * n;
	struct count_key *k = xcalloc(cap ? cap : 1, sizeof *k);
	enum store_status ss = STORE_OK;
	char *text = NULL;
	size_t len = 0, size = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t l = 0;
		     d[i].delta && l < nlv && (size_t)report_levels[l] <= strlen(d[i].area); l++)
			for (int day = 0; day < 2; day++)
				k[nk++] = (struct count_key){day ? d[i].day : 0, report_levels[l],
							     d[i].area, d[i].metric, d[i].delta};
	qsort(k, nk, sizeof *k, count_key_cmp);
	for (size_t i = 0, rows = 0; i < nk && ss == STORE_OK;) {
		size_t e = i + 1;
		int64_t sum = k[i].n;
		while (e < nk && !count_key_cmp(&k[i], &k[e]))
			sum += k[e++].n;
		if (sum <= -100000000000LL || sum >= 100000000000LL || k[i].day < 0 ||
		    k[i].day > 99999999) {
			ss = STORE_INVALID; /* not a day's count: never */
			break;
		}
		size_t need = 48 + (size_t)k[i].level + strlen(k[i].metric);
		if (len + need + 2 > size) {
			size = 2 * (len + need + 2) + 4096;
			if (!(text = realloc(text, size)))
				fk_oom();
		}
		len += (size_t)snprintf(text + len, size - len, "%s\"%08d%02d%+012lld%.*s%s\"",
					rows ? "," : "[", k[i].day, k[i].level, (long long)sum,
					k[i].level, k[i].area, k[i].metric);
		rows++;
		i = e;
		if (rows == PER_STATEMENT || i == nk) {
			memcpy(text + len, "]", 2);
			ss = sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(text)));
			len = rows = 0;
		}
	}
	free(text);
	free(k);
	return ss;
}

enum store_status store_tx_report_count_add(struct store_tx *tx, const char *metric, int day,
					    const char *area, int64_t delta)
{
	struct report_delta d = {metric, area, day, delta};

	return store_tx_report_counts_add(tx, &d, 1);
}

/* ---- cut-offs ---- */

#define T_ struct report_cutoff
static const struct sq_col cutoff_cols[] = {SQ_COL_NUM(T_, from_day), SQ_COL_NUM(T_, minute)};
#undef T_
static const struct sq_rowtype cutoff_rows = SQ_ROWTYPE(struct report_cutoff, cutoff_cols, NULL);
static const char cutoffs_sql[] = "SELECT from_day, minute FROM report_cutoff ORDER BY from_day";

enum store_status store_tx_report_cutoffs(struct store_tx *tx, struct arena *a,
					  struct report_cutoff **out, size_t *n)
{
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), cutoffs_sql, &cutoff_rows, REPORT_SCHEDULE_MAX, a, n, &ss,
		       NULL, 0);
	return ss;
}

enum store_status store_report_cutoffs(struct store *s, struct arena *a, struct report_cutoff **out,
				       size_t *n)
{
	enum store_status ss;

	*out = sq_list(s, cutoffs_sql, &cutoff_rows, REPORT_SCHEDULE_MAX, a, n, &ss, NULL, 0);
	return ss;
}

enum store_status store_tx_report_cutoff_put(struct store_tx *tx, int from_day, int minute,
					     const char *by, int64_t now)
{
	static const char sql[] = "INSERT INTO report_cutoff(from_day, minute, set_by, set_at)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (from_day) DO UPDATE"
				  " SET minute = excluded.minute, set_by = excluded.set_by,"
				  " set_at = excluded.set_at";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_INT(from_day), SQ_INT(minute), SQ_TEXT(by), SQ_INT(now)));
}

/* ---- the sums of a day ---- */

/* The rows of the children's level only (each holds its area's whole subtree): the running
 * totals (day 0), and the days from day on, each day one range of the primary key (day,
 * level, area_code): the days are listed (?5, a JSON array from day to the last day
 * counted) so that a day a month back reads its children's rows of each day since, not
 * every level's (CROSS JOIN: the days outside, each a seek). Summed per child and metric by sums()
 * below rather than by GROUP BY, which sorted every row read (bench/README.md, "The daily report").
 */
static const char sums_sql[] =
	"SELECT area_code, metric, 0, n FROM report_count"
	" WHERE day = 0 AND level = ?4 AND area_code >= ?1 AND area_code < ?2"
	" UNION ALL SELECT r.area_code, r.metric, r.day, r.n FROM json_each(?5) j"
	" CROSS JOIN report_count r WHERE r.day = CAST(j.value AS INTEGER) AND r.level = ?4"
	" AND r.area_code >= ?1 AND r.area_code < ?2";
static const char last_day_sql[] = "SELECT max(day) FROM report_count";

/* The days from day to the last day counted, as a JSON array in a (at most 800). */
static const char *days_from(struct sq_conn *c, int day, struct arena *a)
{
	char last[16] = "";
	long to;
	int n = 0;
	size_t cap = 16 + 9 * 800, len = 0;
	char *out = arena_alloc(a, cap);

	if (sq_one_text(c, last_day_sql, last, sizeof last, NULL, 0) != STORE_OK)
		last[0] = '\0';
	to = strtol(last, NULL, 10); /* a YYYYMMDD the table holds; 0 when it is empty */
	out[len++] = '[';
	for (int d = day > 0 ? day : 1; d && d <= to && n < 800; d = obs_date_add(d, 1), n++)
		len += (size_t)snprintf(out + len, cap - len, "%s%d", n ? "," : "", d);
	out[len++] = ']';
	out[len] = '\0';
	return out;
}

/* An index of the sums by (child prefix, metric): open addressing over positions in v. */
struct sum_index {
	uint32_t *slot; /* position + 1, 0 for empty */
	size_t cap;
};

static uint64_t sum_hash(const char *area, size_t alen, const char *metric, size_t mlen)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < alen; i++)
		h = (h ^ (unsigned char)area[i]) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (size_t i = 0; i < mlen; i++)
		h = (h ^ (unsigned char)metric[i]) * 1099511628211ull;
	return h;
}

static bool sum_index_grow(struct sum_index *x, const struct report_sum *v, size_t n)
{
	size_t cap = x->cap ? 2 * x->cap : 256;
	uint32_t *slot = calloc(cap, sizeof *slot);

	if (!slot)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t j =
			sum_hash(v[i].area, strlen(v[i].area), v[i].metric, strlen(v[i].metric)) &
			(cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = (uint32_t)i + 1;
	}
	free(x->slot);
	x->slot = slot;
	x->cap = cap;
	return true;
}

static struct report_sum *sums(struct sq_conn *c, const char *scope, size_t child_len, int day,
			       struct arena *a, size_t *n, enum store_status *ss)
{
	const char *days = days_from(c, day, a); /* before the statement below is taken */
	struct sum_index x = {0};
	size_t cap = 64;
	struct report_sum *v = arena_alloc(a, cap * sizeof *v);
	struct sq_cur q;
	bool nomem = false;

	*n = 0;
	if (sq_open(&q, c, sums_sql,
		    SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_INT(day),
			      SQ_INT(child_len), SQ_TEXT(days))))
		while (sq_next(&q)) {
			size_t alen, mlen;
			const char *area = sq_col(&q, 0, &alen), *metric = sq_col(&q, 1, &mlen);
			int d = (int)sq_int(&q, 2);
			int64_t k = sq_int(&q, 3);
			if (alen > child_len)
				alen = child_len;
			if (!alen || alen > AREA_CODE_MAX || !mlen || mlen >= sizeof v->metric)
				continue;
			if (2 * (*n + 1) > x.cap && !sum_index_grow(&x, v, *n)) {
				nomem = true;
				break;
			}
			size_t j = sum_hash(area, alen, metric, mlen) & (x.cap - 1);
			struct report_sum *r = NULL;
			for (; x.slot[j]; j = (j + 1) & (x.cap - 1)) {
				r = &v[x.slot[j] - 1];
				if (!strncmp(r->area, area, alen) && !r->area[alen] &&
				    !strcmp(r->metric, metric))
					break;
				r = NULL;
			}
			if (!r) {
				v = sq_grow(a, v, *n, &cap, sizeof *v);
				r = &v[*n];
				memset(r, 0, sizeof *r);
				memcpy(r->area, area, alen);
				memcpy(r->metric, metric, mlen);
				x.slot[j] = (uint32_t)++ * n;
			}
			/* up to the end of day: the running total less what came on later days */
			if (d == day)
				r->day += k;
			if (d == 0)
				r->total += k;
			else if (d > day)
				r->total -= k;
		}
	*ss = sq_close(&q);
	free(x.slot);
	if (nomem)
		*ss = STORE_ERROR;
	return v;
}

enum store_status store_report_sums(struct store *s, const char *scope, size_t child_len, int day,
				    struct arena *a, struct report_sum **out, size_t *n)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = STORE_BUSY;

	*n = 0;
	if (c)
		*out = sums(c, scope, child_len, day, a, n, &ss);
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_report_sums(struct store_tx *tx, const char *scope, size_t child_len,
				       int day, struct arena *a, struct report_sum **out, size_t *n)
{
	enum store_status ss;

	*out = sums(sq_conn_of(tx), scope, child_len, day, a, n, &ss);
	return ss;
}

/* ---- the series of a trend ---- */

#define T_ struct report_point
static const struct sq_col point_cols[] = {SQ_COL_NUM(T_, day), SQ_COL_BUF(T_, metric),
					   SQ_COL_NUM(T_, n)};
#undef T_
static const struct sq_rowtype point_rows = SQ_ROWTYPE(struct report_point, point_cols, NULL);

enum store_status store_report_series(struct store *s, const char *scope, int from, int to,
				      struct arena *a, struct report_point **out, size_t *n)
{
	static const char sql[] =
		/* one pass over the running totals and the days from `from` on, summed per day
		 * and metric (a few hundred rows); from them each day of [from, to], and before
		 * from: the running total less the days from it on (later than `to` too) */
		"WITH g AS MATERIALIZED (SELECT day, metric, sum(n) AS n FROM report_count"
		" WHERE (day = 0 OR day >= ?3) AND level = length(?1) AND area_code = ?1"
		" GROUP BY 1, 2)"
		" SELECT day, metric, n FROM g WHERE day >= ?3 AND day <= ?4"
		" UNION ALL SELECT 0, metric, sum(CASE WHEN day = 0 THEN n ELSE -n END) FROM g"
		" GROUP BY 2";
	enum store_status ss;

	*out = sq_list(s, sql, &point_rows, SQ_ALL, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_NULL, SQ_INT(from), SQ_INT(to)));
	return ss;
}

/* ---- what is read as of now ---- */

struct now_count {
	char area[AREA_CODE_MAX + 1];
	int64_t a, b;
};
static const struct sq_col now_cols[] = {SQ_COL_BUF(struct now_count, area),
					 SQ_COL_NUM(struct now_count, a),
					 SQ_COL_NUM(struct now_count, b)};
static const struct sq_rowtype now_rows = SQ_ROWTYPE(struct now_count, now_cols, NULL);

static struct report_now *now_row(struct report_now **v, size_t *n, size_t *cap, struct arena *a,
				  const char *area)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i].area, area))
			return &(*v)[i];
	*v = sq_grow(a, *v, *n, cap, sizeof **v);
	struct report_now *r = &(*v)[(*n)++];
	memset(r, 0, sizeof *r);
	snprintf(r->area, sizeof r->area, "%s", area);
	return r;
}

static enum store_status now_counts(struct sq_conn *c, const char *scope, size_t child_len,
				    int64_t now, int date, struct arena *a, struct report_now **out,
				    size_t *n)
{
	/* open tasks past their deadline (index task_open_area: the scope's open tasks, none
	 * looked up), persons to place (the partial index person_to_place), the day's visit
	 * slots due and done (the board's counts). Counted per area first, in the index's
	 * order, so that only those counts are sorted for the children, not every row */
	static const char *const sql[] = {
		"SELECT substr(area_code, 1, ?3), sum(n), 0 FROM (SELECT area_code, count(*) AS n"
		" FROM task WHERE status = 'open' AND area_code >= ?1 AND area_code < ?2"
		" AND due_at < ?4 GROUP BY area_code) c GROUP BY 1",
		"SELECT substr(area_code, 1, ?3), sum(n), 0 FROM (SELECT area_code, count(*) AS n"
		" FROM person WHERE status = 'to_place' AND merged_into IS NULL"
		" AND area_code >= ?1 AND area_code < ?2 GROUP BY area_code) c GROUP BY 1",
		"SELECT substr(area_code, 1, ?3), sum(CASE WHEN metric = 'due' THEN n ELSE 0 END),"
		" sum(CASE WHEN metric = 'complete' THEN n ELSE 0 END) FROM obs_count"
		" WHERE metric IN ('due', 'complete') AND date = ?5"
		" AND area_code >= ?1 AND area_code < ?2 GROUP BY 1",
	};
	const char *end = sq_scope_end(a, scope);
	size_t cap = 8;
	enum store_status ss = STORE_OK;

	*out = arena_alloc(a, cap * sizeof **out);
	*n = 0;
	for (size_t q = 0; q < 3 && ss == STORE_OK; q++) {
		size_t k;
		struct now_count *v =
			sq_rows(c, sql[q], &now_rows, SQ_ALL, a, &k, &ss,
				SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end), SQ_INT(child_len),
					  SQ_INT(now), SQ_INT(date)));
		for (size_t i = 0; ss == STORE_OK && i < k; i++) {
			struct report_now *r = now_row(out, n, &cap, a, v[i].area);
			if (q == 0)
				r->tasks_overdue = v[i].a;
			else if (q == 1)
				r->to_place = v[i].a;
			else {
				r->visits_due = v[i].a;
				r->visits_done = v[i].b;
			}
		}
	}
	return ss;
}

enum store_status store_report_now(struct store *s, const char *scope, size_t child_len,
				   int64_t now, int date, struct arena *a, struct report_now **out,
				   size_t *n)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = STORE_BUSY;

	*n = 0;
	if (c && (ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = now_counts(c, scope, child_len, now, date, a, out, n);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_report_now(struct store_tx *tx, const char *scope, size_t child_len,
				      int64_t now, int date, struct arena *a,
				      struct report_now **out, size_t *n)
{
	return now_counts(sq_conn_of(tx), scope, child_len, now, date, a, out, n);
}

/* ---- settings ---- */

#define T_ struct report_setting
static const struct sq_col setting_cols[] = {SQ_COL_NUM(T_, level), SQ_COL_TEXT(T_, subject),
					     SQ_COL_TEXT(T_, fields), SQ_COL_NUM(T_, updated_at)};
#undef T_
static const struct sq_rowtype setting_rows = SQ_ROWTYPE(struct report_setting, setting_cols, NULL);
static const char setting_sql[] =
	"SELECT level, subject, fields, updated_at FROM report_setting WHERE id = 1";

enum store_status store_report_setting_get(struct store *s, struct arena *a,
					   struct report_setting *out)
{
	return sq_get(s, setting_sql, &setting_rows, a, out, NULL, 0);
}

enum store_status store_tx_report_setting_get(struct store_tx *tx, struct arena *a,
					      struct report_setting *out)
{
	return sq_one(sq_conn_of(tx), setting_sql, &setting_rows, a, out, NULL, 0);
}

enum store_status store_tx_report_setting_put(struct store_tx *tx, const struct report_setting *in)
{
	static const char sql[] = "UPDATE report_setting SET level = ?1, subject = ?2, fields = ?3,"
				  " updated_at = ?4 WHERE id = 1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_INT(in->level), SQ_TEXT(in->subject), SQ_TEXT(in->fields),
				 SQ_INT(in->updated_at)));
}

/* ---- submitted reports ---- */

#define T_ struct daily_report
static const struct sq_col report_cols[] = {
	SQ_COL_BUF(T_, area),         SQ_COL_NUM(T_, day),      SQ_COL_NUM(T_, version),
	SQ_COL_TEXT(T_, status),      SQ_COL_TEXT(T_, figures), SQ_COL_TEXT(T_, typed),
	SQ_COL_TEXT(T_, sentence),    SQ_COL_TEXT(T_, reason),  SQ_COL_TEXT(T_, submitted_by),
	SQ_COL_NUM(T_, submitted_at), SQ_COL_NUM(T_, on_time)};
#undef T_
static const struct sq_rowtype report_rows = SQ_ROWTYPE(struct daily_report, report_cols, NULL);
#define REPORT_COLS                                                                                \
	"area_code, day, version, status, figures, typed, sentence, reason, submitted_by,"         \
	" submitted_at, on_time"

enum store_status store_tx_daily_report_insert(struct store_tx *tx, const struct daily_report *r)
{
	static const char sql[] = "INSERT INTO daily_report(" REPORT_COLS ")"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(r->area), SQ_INT(r->day), SQ_INT(r->version),
				SQ_TEXT(r->status), SQ_TEXT(r->figures), SQ_TEXT(r->typed),
				SQ_TEXT(r->sentence), SQ_TEXT_NN(r->reason),
				SQ_TEXT(r->submitted_by), SQ_INT(r->submitted_at),
				SQ_INT(r->on_time)));
}

enum store_status store_tx_daily_report_get(struct store_tx *tx, const char *area, int day,
					    int version, struct arena *a, struct daily_report *out)
{
	static const char sql[] = "SELECT " REPORT_COLS " FROM daily_report"
				  " WHERE area_code = ?1 AND day = ?2 AND (?3 = 0 OR version = ?3)"
				  " ORDER BY version DESC LIMIT 1";

	return sq_one(sq_conn_of(tx), sql, &report_rows, a, out,
		      SQ_PARAMS(SQ_TEXT(area), SQ_INT(day), SQ_INT(version)));
}

enum store_status store_daily_report_children(struct store *s, const char *scope, size_t child_len,
					      int day, struct arena *a, struct daily_report **out,
					      size_t *n)
{
	static const char sql[] =
		/* on time: as its first version was (a correction does not make it late) */
		"SELECT area_code, day, version, status, figures, typed, sentence, reason,"
		" submitted_by, submitted_at, (SELECT f.on_time FROM daily_report f"
		" WHERE f.area_code = r.area_code AND f.day = r.day AND f.version = 1)"
		" FROM daily_report r WHERE day = ?4"
		" AND area_code >= ?1 AND area_code < ?2 AND length(area_code) = ?3"
		" AND version = (SELECT max(version) FROM daily_report"
		" WHERE area_code = r.area_code AND day = r.day) ORDER BY area_code";
	enum store_status ss;

	*out = sq_list(s, sql, &report_rows, SQ_ALL, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_INT(child_len),
				 SQ_INT(day)));
	return ss;
}

enum store_status store_daily_report_versions(struct store *s, const char *area, int day,
					      struct arena *a, struct daily_report **out, size_t *n)
{
	static const char sql[] =
		"SELECT " REPORT_COLS " FROM daily_report"
		" WHERE area_code = ?1 AND day = ?2 ORDER BY version DESC LIMIT 50";
	enum store_status ss;

	*out = sq_list(s, sql, &report_rows, 50, a, n, &ss, SQ_PARAMS(SQ_TEXT(area), SQ_INT(day)));
	return ss;
}

struct two_counts {
	int64_t a, b;
};

enum store_status store_daily_report_rates(struct store *s, const char *scope, size_t child_len,
					   int from, int to, int64_t *submitted, int64_t *on_time)
{
	/* a report's timeliness is its first version's */
	static const char sql[] =
		"SELECT count(*), coalesce(sum(on_time), 0) FROM daily_report"
		" WHERE version = 1 AND day >= ?4 AND day <= ?5"
		" AND area_code >= ?1 AND area_code < ?2 AND length(area_code) = ?3";
	static const struct sq_col cols[] = {SQ_COL_NUM(struct two_counts, a),
					     SQ_COL_NUM(struct two_counts, b)};
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct two_counts, cols, NULL);
	struct arena *a = arena_new();
	struct two_counts c = {0};
	enum store_status ss = sq_get(s, sql, &rows, a, &c,
				      SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)),
						SQ_INT(child_len), SQ_INT(from), SQ_INT(to)));

	arena_free(a);
	*submitted = c.a;
	*on_time = c.b;
	return ss;
}

enum store_status store_report_areas(struct store *s, const char *scope, size_t child_len,
				     int64_t *n)
{
	static const char sql[] = "SELECT count(*), 0 FROM area WHERE code >= ?1 AND code < ?2"
				  " AND length(code) = ?3";
	static const struct sq_col cols[] = {SQ_COL_NUM(struct two_counts, a),
					     SQ_COL_NUM(struct two_counts, b)};
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct two_counts, cols, NULL);
	struct arena *a = arena_new();
	struct two_counts c = {0};
	enum store_status ss = sq_get(
		s, sql, &rows, a, &c,
		SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_INT(child_len)));

	arena_free(a);
	*n = c.a;
	return ss;
}

/* ---- recount ---- */

enum store_status store_report_recount(struct store *s, int64_t *checked, int64_t *mismatched,
				       char *first, size_t firstsz)
{
	static const char sql_events[] = "SELECT metric, at, area_code FROM report_event";
	static const char sql_kept[] = "SELECT metric, day, area_code, n FROM report_count";
	struct sq_conn *c = sq_reader_get(s);
	struct arena *a = arena_new();
	struct rc_map m = {0};
	struct report_cutoff *cut;
	size_t ncut;
	struct sq_cur k;
	enum store_status ss;

	*checked = *mismatched = 0;
	if (!c) {
		arena_free(a);
		return STORE_BUSY;
	}
	/* one snapshot: the cut-offs, the records and the counts */
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK)
		goto out;
	cut = sq_rows(c, cutoffs_sql, &cutoff_rows, REPORT_SCHEDULE_MAX, a, &ncut, &ss, NULL, 0);
	if (ss != STORE_OK)
		goto end;
	if (sq_open_stream(&k, c, sql_events, NULL, 0))
		while (sq_next(&k)) {
			char metric[16], area[AREA_CODE_MAX + 1];
			sq_text_to(&k, 0, metric, sizeof metric);
			sq_text_to(&k, 2, area, sizeof area);
			int day = report_day(cut, ncut, sq_int(&k, 1));
			for (size_t len = 6; len <= strlen(area); len += 3) {
				char up[AREA_CODE_MAX + 1];
				snprintf(up, sizeof up, "%.*s", (int)len, area);
				rc_add(&m, metric, day, up, 1);
				rc_add(&m, metric, 0, up, 1);
			}
		}
	if ((ss = sq_close(&k)) == STORE_OK)
		ss = sq_recount_compare(c, sql_kept, &m, checked, mismatched, first, firstsz);
end:
	sq_exec(c, "COMMIT");
out:
	free(m.v);
	arena_free(a);
	sq_reader_put(s, c);
	return ss;
}
