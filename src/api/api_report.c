/* api_report — the daily report (日报): a day's report of an area with its children and
 * the records' figures beside it, submitting or correcting a reporting area's report,
 * completeness and timeliness over a period, and the county's settings (cut-off from a
 * day on, reporting level, the sentence's subject, the figures townships type in). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/report.h"
#include "io/xlsx_report.h"
#include "util/log.h"
#include "util/timeutil.h"

enum {
	REPORT_REASON_MAX_CHARS = 200,
	SUBJECT_MAX_CHARS = 32,
	FIELDS_MAX = 20,
	FIELD_NAME_MAX_CHARS = 32,
	RATES_DAYS_MAX = 366
};

static json_t *figures_json(const int64_t fig[RF__COUNT], const char *typed)
{
	json_t *o = json_object(), *t = json_loads(typed ? typed : "{}", 0, NULL);

	for (int f = 0; f < RF__COUNT; f++)
		json_object_set_new(o, report_fig_def(f)->key, json_integer(fig[f]));
	if (json_is_object(t))
		json_object_update(o, t);
	json_decref(t);
	return o;
}

static json_t *area_json(const struct report_area *ra)
{
	return json_pack("{s:s, s:s?, s:o, s:i, s:o, s:b, s:b, s:o}", "area", ra->area, "name",
			 ra->name, "status", json_str_or_null(ra->status), "version", ra->version,
			 "submitted_at",
			 ra->submitted_at ? api_time_json(ra->submitted_at) : json_null(),
			 "on_time", ra->on_time, "reporting", ra->reporting, "figures",
			 figures_json(ra->fig, ra->typed));
}

static json_t *cutoff_json(int minute)
{
	char s[32];

	snprintf(s, sizeof s, "%02d:%02d", minute / 60, minute % 60);
	return json_string(s);
}

/* The date of ?name= (YYYY-MM-DD), def when absent; replies and returns 0 on error. */
static int date_query(struct req *r, const char *name, int def)
{
	const char *s = req_query(r, name);
	int d;

	if (!s || !*s)
		return def;
	if (!(d = api_parse_date(s)))
		reply_error(r, ERR_REPORT_DATE_INVALID, name);
	return d;
}

/* ?area=, the caller's own area when absent; replies and returns NULL on error. */
static const char *area_query(struct req *r, const struct principal *who)
{
	const char *area = req_query(r, "area");

	if (!area || !*area)
		return who->area;
	if (area_code_level(area) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "area");
		return NULL;
	}
	return area;
}

static json_t *rates_json(int64_t expected, int64_t submitted, int64_t on_time)
{
	return json_pack("{s:I, s:I, s:I, s:f, s:f}", "expected", (json_int_t)expected, "submitted",
			 (json_int_t)submitted, "on_time", (json_int_t)on_time, "completeness",
			 report_rate(submitted, expected), "timeliness",
			 report_rate(on_time, expected));
}

static json_t *fields_json(const char *fields)
{
	json_t *f = json_loads(fields ? fields : "[]", 0, NULL);
	return json_is_array(f) ? f : (json_decref(f), json_array());
}

/* The report of ?area= (the caller's own) and ?date= (today's report day under the
 * county's cut-off), at most 366 days back; false when it replied. */
static bool daily_query(struct req *r, const struct principal *who, int64_t now,
			struct report_daily *d, int *day)
{
	struct report_settings_view sv;
	const char *area = area_query(r, who);

	if (!area || !api_stored(r, svc_report_settings_get(r->srv->store, who, now, r->a, &sv),
				 ERR_AREA_NOT_FOUND))
		return false;
	if (!(*day = date_query(r, "date", sv.today)))
		return false;
	if (*day > sv.today || obs_date_diff(*day, sv.today) > 366) {
		reply_error(r, ERR_REPORT_DATE_INVALID, "date");
		return false;
	}
	return api_stored(r, svc_report_daily(r->srv->store, who, area, *day, now, r->a, d),
			  ERR_AREA_NOT_FOUND);
}

void api_report_daily(struct req *r)
{
	struct principal who = api_principal(r);
	struct report_daily d;
	int day;
	json_t *kids, *versions;

	if (!daily_query(r, &who, time_now(), &d, &day))
		return;
	kids = json_array();
	for (size_t i = 0; i < d.nchildren; i++)
		json_array_append_new(kids, area_json(&d.children[i]));
	versions = json_array();
	for (size_t i = 0; i < d.nversions; i++) {
		const struct daily_report *v = &d.versions[i];
		json_array_append_new(versions,
				      json_pack("{s:i, s:s, s:o, s:b, s:s, s:s, s:s}", "version",
						v->version, "status", v->status, "submitted_at",
						api_time_json(v->submitted_at), "on_time",
						v->on_time, "submitted_by", v->submitted_by,
						"reason", v->reason, "sentence", v->sentence));
	}
	json_t *j = area_json(&d.self);
	json_object_update_new(
		j, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:i, s:o}", "date",
			     api_date_json(day), "today", api_date_json(d.today), "cutoff",
			     cutoff_json(d.cutoff), "deadline", api_time_json(d.deadline),
			     "records", figures_json(d.records, "{}"), "children", kids, "versions",
			     versions, "sentence", d.sentence, "sentence_en", d.sentence_en,
			     "fields", fields_json(d.setting.fields), "level", d.setting.level,
			     "rates", rates_json(d.expected, d.submitted, d.on_time)));
	json_object_set_new(j, "completeness", json_real(report_rate(d.submitted, d.expected)));
	json_object_set_new(j, "timeliness", json_real(report_rate(d.on_time, d.expected)));
	reply_json(r, 200, j);
}

void api_report_rates(struct req *r)
{
	struct principal who = api_principal(r);
	struct report_rates rt;
	struct report_settings_view sv;
	const char *area = area_query(r, &who);
	int64_t now = time_now();

	if (!area || !api_stored(r, svc_report_settings_get(r->srv->store, &who, now, r->a, &sv),
				 ERR_AREA_NOT_FOUND))
		return;
	int to = date_query(r, "to", sv.today), from = to ? date_query(r, "from", to) : 0;
	if (!to || !from)
		return;
	if (from > to || to > sv.today || obs_date_diff(from, to) >= RATES_DAYS_MAX) {
		reply_error(r, ERR_REPORT_DATE_INVALID, from > to ? "from" : "to");
		return;
	}
	if (!api_stored(r, svc_report_rates(r->srv->store, &who, area, from, to, &rt),
			ERR_AREA_NOT_FOUND))
		return;
	json_t *j = rates_json(rt.expected, rt.submitted, rt.on_time);
	json_object_update_new(j, json_pack("{s:s, s:o, s:o}", "area", area, "from",
					    api_date_json(from), "to", api_date_json(to)));
	reply_json(r, 200, j);
}

/* The trend of the home page: each record figure per report day of the last ?days= (14
 * by default), from the kept counts; not the values read as of now (tasks overdue, to
 * place, visits), which have no past. */
void api_report_trend(struct req *r)
{
	struct principal who = api_principal(r);
	struct report_trend t;
	const char *area = area_query(r, &who);
	int ndays;

	if (!area || !api_query_int(r, "days", 1, REPORT_TREND_DAYS_MAX, 14, &ndays) ||
	    !api_stored(r, svc_report_trend(r->srv->store, &who, area, ndays, time_now(), r->a, &t),
			ERR_AREA_NOT_FOUND))
		return;
	json_t *days = json_array(), *series = json_object();
	for (size_t i = 0; i < t.ndays; i++)
		json_array_append_new(days, api_date_json(t.days[i]));
	for (int f = 0; f < RF__COUNT; f++) {
		if (f == RF_TASKS_OVERDUE || f == RF_TO_PLACE || f == RF_VISITS_DUE ||
		    f == RF_VISITS_DONE)
			continue;
		json_t *v = json_array();
		for (size_t i = 0; i < t.ndays; i++)
			json_array_append_new(v, json_integer(t.fig[i][f]));
		json_object_set_new(series, report_fig_def(f)->key, v);
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:o, s:o, s:o}", "area", area, "from",
			     api_date_json(t.from), "to", api_date_json(t.to), "days", days,
			     "series", series));
}

static const char *const refusal_err_field[] = {NULL, "area", "date", NULL, "reason", "nil"};

void api_report_submit(struct req *r)
{
	static const char *const allowed[] = {"uuid", "area",   "date", "figures",
					      "nil",  "reason", NULL};
	static const enum err refusal_err[] = {ERR_INTERNAL,
					       ERR_REPORT_NOT_REPORTING,
					       ERR_REPORT_DATE_INVALID,
					       ERR_REPORT_FIGURE_INVALID,
					       ERR_REPORT_REASON_REQUIRED,
					       ERR_REPORT_NIL_CONTRADICTS};
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct report_submit in = {.now = time_now()};
	struct report_area out;
	char hash[65];
	const char *date;
	bool replayed;
	json_t *figs = json_object_get(r->json, "figures"), *nil = json_object_get(r->json, "nil");

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, true, &in.area),
			  "area") ||
	    api_bad_field(r, json_get_str(r->json, "date", 10, true, &date), "date") ||
	    api_bad_field(
		    r, json_get_str(r->json, "reason", REPORT_REASON_MAX_CHARS, false, &in.reason),
		    "reason"))
		return;
	if (area_code_level(in.area) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "area");
		return;
	}
	if (!(in.day = api_parse_date(date))) {
		reply_error(r, ERR_REPORT_DATE_INVALID, "date");
		return;
	}
	if ((figs && !json_is_object(figs)) || (nil && !json_is_boolean(nil))) {
		reply_error(r, ERR_FIELD_VALUE, figs && !json_is_object(figs) ? "figures" : "nil");
		return;
	}
	if (figs && json_object_size(figs) > FIELDS_MAX) {
		reply_error(r, ERR_REPORT_FIGURE_INVALID, "figures");
		return;
	}
	in.typed = figs ? figs : json_object();
	in.nil = nil && json_is_true(nil);
	enum store_status st =
		svc_report_submit(r->srv->store, &who, &idem, &in, r->a, &out, &replayed);
	if (!figs)
		json_decref(in.typed);
	if (st == STORE_INVALID && in.why != REPORT_OK) {
		const char *field =
			refusal_err_field[in.why] ? refusal_err_field[in.why] : in.field;
		char *path = arena_alloc(r->a, 80);
		if (in.why == REPORT_TYPED_UNKNOWN)
			snprintf(path, 80, "figures.%s", field ? field : "");
		reply_error(r, refusal_err[in.why], in.why == REPORT_TYPED_UNKNOWN ? path : field);
		return;
	}
	if (!api_stored(r, st, ERR_AREA_NOT_FOUND))
		return;
	json_t *j = area_json(&out);
	json_object_set_new(j, "date", api_date_json(in.day));
	json_object_set_new(j, "sentence", json_string(out.sentence ? out.sentence : ""));
	reply_json(r, replayed ? 200 : 201, j);
}

void api_report_settings(struct req *r)
{
	struct principal who = api_principal(r);
	struct report_settings_view sv;
	json_t *cuts = json_array();

	if (!api_stored(r, svc_report_settings_get(r->srv->store, &who, time_now(), r->a, &sv),
			ERR_AREA_NOT_FOUND))
		return;
	for (size_t i = 0; i < sv.ncutoffs; i++)
		json_array_append_new(cuts, json_pack("{s:o, s:o}", "from",
						      api_date_json(sv.cutoffs[i].from_day),
						      "cutoff", cutoff_json(sv.cutoffs[i].minute)));
	reply_json(r, 200,
		   json_pack("{s:o, s:o, s:s, s:s, s:o, s:o, s:o}", "cutoff",
			     cutoff_json(sv.cutoff), "today", api_date_json(sv.today), "level",
			     sv.setting.level == 12 ? "village" : "township", "subject",
			     sv.setting.subject, "fields", fields_json(sv.setting.fields),
			     "cutoffs", cuts, "updated_at",
			     sv.setting.updated_at ? api_time_json(sv.setting.updated_at)
						   : json_null()));
}

/* The typed figures a county asks for: each {key, zh, en}, the key lower-case ASCII and
 * not a record figure's, at most FIELDS_MAX, keys unique. */
static bool fields_ok(json_t *f)
{
	size_t i;
	json_t *e;

	if (!json_is_array(f) || json_array_size(f) > FIELDS_MAX)
		return false;
	json_array_foreach(f, i, e)
	{
		const char *key = json_string_value(json_object_get(e, "key"));
		const char *zh = json_string_value(json_object_get(e, "zh"));
		const char *en = json_string_value(json_object_get(e, "en"));
		if (!json_is_object(e) || json_object_size(e) != 3 || !key || !zh || !en || !*key ||
		    strlen(key) > 32 || !*zh || utf8_chars(zh) > FIELD_NAME_MAX_CHARS ||
		    utf8_chars(en) > FIELD_NAME_MAX_CHARS || report_fig_of(key) >= 0)
			return false;
		for (const char *p = key; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				return false;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(key, json_string_value(
						 json_object_get(json_array_get(f, k), "key"))))
				return false;
	}
	return true;
}

void api_report_settings_put(struct req *r)
{
	static const char *const allowed[] = {"uuid",    "cutoff", "from", "level",
					      "subject", "fields", NULL};
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct report_settings_in in = {.now = time_now()};
	char hash[65];
	const char *cutoff = NULL, *from = NULL, *level = NULL;
	int first = 0;
	bool replayed;
	json_t *fields = json_object_get(r->json, "fields");

	in.first_day = &first;
	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "cutoff", 5, false, &cutoff), "cutoff") ||
	    api_bad_field(r, json_get_str(r->json, "from", 10, false, &from), "from") ||
	    api_bad_field(r, json_get_str(r->json, "level", 16, false, &level), "level") ||
	    api_bad_field(r,
			  json_get_str(r->json, "subject", SUBJECT_MAX_CHARS, false, &in.subject),
			  "subject"))
		return;
	if (strlen(who.area) != 6) {
		reply_error(r, ERR_REPORT_COUNTY_ONLY, NULL);
		return;
	}
	if (cutoff) {
		int h = -1, m = -1, n = 0;
		if (sscanf(cutoff, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 ||
		    !report_cutoff_ok(h * 60 + m)) {
			reply_error(r, ERR_REPORT_CUTOFF_INVALID, "cutoff");
			return;
		}
		in.cutoff = h * 60 + m;
		if (!from || !(in.from_day = api_parse_date(from))) {
			reply_error(r, ERR_REPORT_FROM_INVALID, "from");
			return;
		}
	}
	if (level) {
		if (strcmp(level, "township") && strcmp(level, "village")) {
			reply_error(r, ERR_FIELD_VALUE, "level");
			return;
		}
		in.level = strcmp(level, "village") ? 9 : 12;
	}
	if (fields) {
		if (!fields_ok(fields)) {
			reply_error(r, ERR_REPORT_FIELDS_INVALID, "fields");
			return;
		}
		char *s = json_dumps(fields, JSON_COMPACT);
		in.fields = arena_strdup(r->a, s ? s : "[]");
		free(s);
	}
	enum store_status st =
		svc_report_settings_put(r->srv->store, &who, &idem, &in, r->a, &replayed);
	if (st == STORE_INVALID && first) {
		reply_error(r, ERR_REPORT_FROM_INVALID, "from");
		return;
	}
	if (api_stored(r, st, ERR_AREA_NOT_FOUND))
		api_report_settings(r);
}

/* ---- the day's table (.xlsx) ---- */

/* The record figures of the table, in the order county tables gave them. */
static const enum report_fig table_figs[] = {
	RF_SCREENED_TOTAL, RF_SCREENED_NEW,       RF_KEY_AREA_TOTAL,  RF_VERIFIED_TOTAL,
	RF_TASKS_OVERDUE,  RF_OBSERVATION_ACTIVE, RF_OBSERVATION_NEW, RF_OBSERVATION_RELEASED,
	RF_FEVER_NEW,      RF_REFERRED_NEW,	    RF_CP_VEHICLES_NEW, RF_CP_PERSONS_NEW,
	RF_CP_TURNED_BACK_NEW,
};
enum { TABLE_FIGS = sizeof table_figs / sizeof table_figs[0] };

static const char *status_zh(const struct report_area *ra)
{
	if (!ra->status)
		return "";
	if (!strcmp(ra->status, "pending"))
		return "未报";
	if (!strcmp(ra->status, "nil"))
		return ra->on_time ? "零报告" : "零报告（迟报）";
	if (!strcmp(ra->status, "submitted") && ra->version > 1)
		return ra->on_time ? "已报（已更正）" : "迟报（已更正）";
	if (!strcmp(ra->status, "submitted"))
		return ra->on_time ? "已报" : "迟报";
	return "";
}

/* One row's values: the table's record figures, then the typed ones of fields. */
static int64_t *row_vals(struct req *r, const struct report_area *ra, json_t *fields)
{
	size_t nf = json_array_size(fields), i;
	int64_t *v = arena_alloc(r->a, (TABLE_FIGS + nf + 1) * sizeof *v);
	json_t *typed = json_loads(ra->typed ? ra->typed : "{}", 0, NULL), *f;

	for (size_t k = 0; k < TABLE_FIGS; k++)
		v[k] = ra->fig[table_figs[k]];
	json_array_foreach(fields, i, f)
	{
		json_t *x = json_object_get(typed, json_string_value(json_object_get(f, "key")));
		v[TABLE_FIGS + i] = json_is_integer(x) ? json_integer_value(x) : 0;
	}
	json_decref(typed);
	return v;
}

void api_report_xlsx(struct req *r)
{
	struct principal who = api_principal(r);
	struct report_daily d;
	int64_t now = time_now();
	int day;
	char *data = NULL, title[160], unit[160], date_line[96], footer[160], at[ISO_TIME_LEN + 1],
	     object[48], name[96];
	size_t len = 0;

	if (!daily_query(r, &who, now, &d, &day))
		return;
	const char *area = d.self.area;
	json_t *fields = fields_json(d.setting.fields), *f;
	size_t nf = json_array_size(fields), ncols = TABLE_FIGS + nf, i;
	const char **headers = arena_alloc(r->a, (ncols + 1) * sizeof *headers);
	for (size_t k = 0; k < TABLE_FIGS; k++)
		headers[k] = report_fig_def(table_figs[k])->zh;
	json_array_foreach(fields, i, f)
	{
		headers[TABLE_FIGS + i] =
			arena_strdup(r->a, json_string_value(json_object_get(f, "zh")));
	}
	struct xlsx_report_row *rows = arena_alloc(r->a, (d.nchildren + 1) * sizeof *rows);
	for (size_t k = 0; k < d.nchildren; k++)
		rows[k] = (struct xlsx_report_row){d.children[k].name, status_zh(&d.children[k]),
						   row_vals(r, &d.children[k], fields)};
	struct xlsx_report_row total = {"合计", status_zh(&d.self), row_vals(r, &d.self, fields)};
	json_decref(fields);
	snprintf(title, sizeof title, "%s疫情防控工作日报", d.self.name ? d.self.name : area);
	snprintf(unit, sizeof unit, "填报单位：%s", d.self.name ? d.self.name : area);
	snprintf(date_line, sizeof date_line, "日期：%d年%d月%d日（截至%d时）", day / 10000,
		 day / 100 % 100, day % 100, d.cutoff / 60);
	time_iso(now, at);
	snprintf(footer, sizeof footer, "导出：%s，%s（UTC）", who.username, at);
	struct xlsx_report x = {title, unit,        date_line, headers,    ncols,
				rows,  d.nchildren, &total,    d.sentence, footer};
	if (!xlsx_report_build(&x, &data, &len)) {
		log_error("report table: cannot build the .xlsx");
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	/* every download is audited: who took which table */
	snprintf(object, sizeof object, "%s:%d", area, day);
	svc_read_audit(r->srv->store, &who, "report.download", "daily_report", object, area, NULL,
		       false);
	snprintf(name, sizeof name, "attachment; filename=\"daily-%s-%d.xlsx\"", area, day);
	reply_bytes(r, 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    arena_strdup(r->a, name), data, len);
}
