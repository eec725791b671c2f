/* api_retention — the retention of personal data (PIPL, docs/privacy.md): the county's
 * settings with the preview of what the coming runs will anonymise, a run now, and the
 * runs' history. Reading needs retention.manage (admins and commanders), in the caller's
 * scope; changing the settings a county-level admin or commander; a run now a
 * county-level admin; the runs' history a county-level caller (below it: an empty list).
 * Names in the due list are masked ("张**"). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/area_code.h"
#include "domain/retention.h"
#include "util/timeutil.h"

enum { DUE_LIMIT_DEF = 20, DUE_OFFSET_MAX = 100000, AREA_NAMES_MAX = 200 };

static json_t *settings_json(const struct retention_settings *st)
{
	json_t *days = json_object();

	for (int i = 0; i < RET_NCAT; i++)
		json_object_set_new(days, retention_cat_name(i), json_integer(st->p.days[i]));
	return json_pack("{s:i, s:o, s:s, s:o, s:i, s:i}", "run_hour", st->p.run_hour, "days", days,
			 "updated_by", st->updated_by ? st->updated_by : "", "updated_at",
			 st->updated_at ? api_time_json(st->updated_at) : json_null(), "days_min",
			 RETENTION_DAYS_MIN, "days_max", RETENTION_DAYS_MAX);
}

static json_t *run_json(const struct retention_run *r)
{
	json_t *counts = json_loads(r->counts ? r->counts : "{}", 0, NULL);

	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:s}", "id", r->id, "source",
			 r->source ? r->source : "", "day", api_date_json(r->day), "at",
			 api_time_json(r->at), "started_at",
			 r->started_at ? api_time_json(r->started_at) : json_null(), "finished_at",
			 r->finished_at ? api_time_json(r->finished_at) : json_null(), "state",
			 r->state ? r->state : "", "counts", counts ? counts : json_object(), "by",
			 r->by_user ? r->by_user : "");
}

static json_t *preview_json(struct req *r, const struct retention_preview *p)
{
	json_t *days = json_array(), *due = json_array();

	for (int d = 0; d < RETENTION_PREVIEW_DAYS; d++) {
		json_t *o = json_pack("{s:o}", "day", api_date_json(p->days[d]));
		for (int c = 0; c < RET_NCAT; c++)
			json_object_set_new(o, retention_cat_name(c),
					    json_integer(p->counts[c][d]));
		json_array_append_new(days, o);
	}
	for (size_t i = 0; i < p->ndue; i++) {
		const struct retention_item *it = &p->due[i];
		char place[AREA_NAMES_MAX];
		retention_address(it->township, it->village, place, sizeof place);
		json_array_append_new(due, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "id", it->id,
						     "name", api_name_mask(r->a, it->name), "area",
						     it->area, "area_name", place, "ended_at",
						     api_time_json(it->end_at), "due_at",
						     api_time_json(p->due_at[i])));
	}
	return json_pack("{s:o, s:o, s:o, s:I}", "settings", settings_json(&p->settings), "preview",
			 days, "due", due, "due_total", (json_int_t)p->total);
}

void api_retention_get(struct req *r)
{
	struct principal who = api_principal(r);
	struct retention_preview *p = arena_alloc(r->a, sizeof *p);
	int offset, limit;

	memset(p, 0, sizeof *p);
	if (!api_query_int(r, "offset", 0, DUE_OFFSET_MAX, 0, &offset) ||
	    !api_query_int(r, "limit", 1, RETENTION_DUE_MAX, DUE_LIMIT_DEF, &limit))
		return;
	if (!api_stored(r,
			svc_retention_preview(r->srv->store, &who, time_now(), (size_t)offset,
					      (size_t)limit, r->a, p),
			ERR_NOT_FOUND))
		return;
	reply_json(r, 200, preview_json(r, p));
}

static bool county_level(const struct principal *who)
{
	return area_code_level(who->area) == AREA_LEVEL_COUNTY;
}

/* "days": {"person": 30, …}: each category given in 1–3650, the others -1 (kept). */
static bool days_field(struct req *r, struct retention_policy *p)
{
	json_t *v = json_object_get(r->json, "days"), *d;
	const char *key;

	for (int i = 0; i < RET_NCAT; i++)
		p->days[i] = -1;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_object(v)) {
		reply_error(r, ERR_RETENTION_DAYS, "days");
		return false;
	}
	json_object_foreach(v, key, d)
	{
		int c = retention_cat_parse(key);
		if (c < 0) {
			reply_error(r, ERR_FIELD_VALUE, "days");
			return false;
		}
		if (!json_is_integer(d) || !retention_days_valid(json_integer_value(d))) {
			reply_error(r, ERR_RETENTION_DAYS, "days");
			return false;
		}
		p->days[c] = (int)json_integer_value(d);
	}
	return true;
}

static bool hour_field(struct req *r, int *out)
{
	json_t *v = json_object_get(r->json, "run_hour");

	*out = -1;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v) || !retention_hour_valid(json_integer_value(v))) {
		reply_error(r, ERR_RETENTION_HOUR, "run_hour");
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

void api_retention_settings_put(struct req *r)
{
	static const char *const allowed[] = {"uuid", "days", "run_hour", NULL};
	struct principal who = api_principal(r);
	struct retention_policy in;
	struct retention_settings out;
	struct store_idem idem;
	char hash[65];
	enum store_status st;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) || !days_field(r, &in) ||
	    !hour_field(r, &in.run_hour))
		return;
	if (!county_level(&who)) {
		reply_error(r, ERR_RETENTION_COUNTY_ONLY, NULL);
		return;
	}
	st = svc_retention_settings_set(r->srv->store, &who, &idem, &in, r->a, &out, NULL);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_RETENTION_DAYS, "days");
		return;
	}
	if (!api_stored(r, st, ERR_NOT_FOUND))
		return;
	reply_json(r, 200, settings_json(&out));
}

void api_retention_run_post(struct req *r)
{
	static const char *const allowed[] = {"uuid", "note", NULL};
	struct principal who = api_principal(r);
	struct retention_run out;
	struct store_idem idem;
	const char *note = NULL;
	char hash[65];
	bool replayed = false;

	/* the note is the admin's reason for running now, kept in the audit row */
	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "note", 100, false, &note), "note"))
		return;
	if (who.role != ROLE_ADMIN || !county_level(&who)) {
		reply_error(r, ERR_RETENTION_ADMIN_ONLY, NULL);
		return;
	}
	if (!api_stored(r,
			svc_retention_run(r->srv->store, &who, &idem, "api", note, time_now(),
					  false, r->a, &out, &replayed),
			ERR_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201, run_json(&out));
}

void api_retention_runs(struct req *r)
{
	struct principal who = api_principal(r);
	struct retention_run *v;
	size_t n;
	json_t *items = json_array();

	if (!api_stored(r, svc_retention_runs(r->srv->store, &who, r->a, &v, &n), ERR_NOT_FOUND)) {
		json_decref(items);
		return;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, run_json(&v[i]));
	api_reply_list(r, items, (int64_t)n);
}
