/* api_obs — home observation (居家观察): the policy, placing, the grid worker's "today",
 * the lists and one observation's record, the period and release, who is responsible, and
 * the commander's board; the JSON and the field readers the observation handlers share
 * (api_obs.h). Visits are api_visit.c's, alerts and service requests api_alert.c's,
 * contact cards api_card.c's, the self-report link's routes api_self.c's. The rules are
 * domain/observation.h; the counts are kept by the store. Every write is idempotent by the client's
 * UUID; anything outside the caller's area answers 404. */
#include <stdio.h>
#include <string.h>

#include "api/api_obs.h"
#include "domain/phone.h"
#include "util/timeutil.h"
#include "util/uuid.h"

const struct obs_policy *api_obs_policy_of(struct req *r)
{
	return &r->srv->obs;
}

int api_obs_today_of(int64_t now)
{
	return obs_local_date(now);
}

/* ---- JSON ---- */

json_t *api_date_json(int date)
{
	char s[16];

	if (!date)
		return json_null();
	snprintf(s, sizeof s, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
	return json_string(s);
}

static json_t *time_json(int64_t t)
{
	char s[ISO_TIME_LEN + 1];

	if (!t)
		return json_null();
	time_iso(t, s);
	return json_string(s);
}

static json_t *temp_json(int dc)
{
	return dc ? json_real(dc / 10.0) : json_null();
}

static json_t *staff_json(const struct staff *s)
{
	if (!*s->id)
		return json_null();
	return json_pack("{s:s, s:s, s:s}", "id", s->id, "name", s->name, "phone", s->phone);
}

static json_t *symptoms_json(unsigned mask)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < OBS_NSYMPTOMS; i++)
		if (mask & (1u << i))
			json_array_append_new(arr, json_string(obs_symptom_code(i)));
	return arr;
}

static struct obs_period period_of(const struct observation *o)
{
	return (struct obs_period){o->start_date, o->end_date, o->began_at, o->ended_at};
}

json_t *api_obs_json(const struct observation *o, int today)
{
	struct obs_period per = period_of(o);
	bool active = !strcmp(o->status, "active");
	int day = active ? obs_day_number(&per, today) : 0;
	json_t *j = json_object();

	json_object_set_new(j, "id", json_string(o->id));
	json_object_set_new(j, "person_id", json_string(o->person_id));
	json_object_set_new(j, "person_name", json_string(o->person_name));
	json_object_set_new(j, "area", json_string(o->area));
	json_object_set_new(j, "area_name", json_string(o->area_name));
	json_object_set_new(j, "kind", json_string(o->kind));
	json_object_set_new(j, "status", json_string(o->status));
	json_object_set_new(j, "start_date", api_date_json(o->start_date));
	json_object_set_new(j, "end_date", api_date_json(o->end_date));
	json_object_set_new(j, "day", day ? json_integer(day) : json_null());
	json_object_set_new(j, "days", json_integer(obs_date_diff(o->start_date, o->end_date)));
	json_object_set_new(j, "place", json_string(o->place));
	json_object_set_new(j, "household_of",
			    json_str_or_null(*o->household_of ? o->household_of : NULL));
	json_object_set_new(j, "grid_worker", staff_json(&o->grid_worker));
	json_object_set_new(j, "doctor", staff_json(&o->doctor));
	json_object_set_new(j, "social_worker", staff_json(&o->social_worker));
	json_object_set_new(j, "alert_open", json_boolean(o->alert_open));
	json_object_set_new(j, "last_temperature", temp_json(o->last_temp));
	json_object_set_new(j, "last_visit_at", time_json(o->last_visit_at));
	/* the reading that raised the latest alert (a drill-down to fevers shows it, not a
	 * later normal reading) */
	json_object_set_new(j, "alert_temperature", temp_json(o->alert_temp));
	json_object_set_new(j, "alert_raised_at", time_json(o->alert_at));
	json_object_set_new(j, "due_release",
			    json_boolean(active && obs_release_due(&per, today, o->alert_open)));
	json_object_set_new(j, "end_reason", json_string(o->end_reason));
	json_object_set_new(j, "released_at",
			    time_json(!strcmp(o->status, "released") ? o->ended_at : 0));
	json_object_set_new(j, "ended_at", time_json(o->ended_at));
	json_object_set_new(j, "created_at", time_json(o->created_at));
	json_object_set_new(j, "updated_at", time_json(o->updated_at));
	return j;
}

/* The slots of one day: required, done, overdue, deadline. */
static json_t *slots_json(struct req *r, const struct obs_period *per, int date, unsigned filled,
			  int64_t now)
{
	const struct obs_policy *p = api_obs_policy_of(r);
	unsigned req = obs_required(p, per, date), late = obs_overdue(p, per, date, filled, now);
	json_t *arr = json_array();

	for (int k = 0; k < p->nslots; k++)
		json_array_append_new(
			arr, json_pack("{s:s, s:o, s:b, s:b, s:b}", "slot", p->slots[k].code,
				       "deadline", time_json(obs_slot_deadline(p, date, k)),
				       "required", (req >> k) & 1u, "done", (filled >> k) & 1u,
				       "overdue", (late >> k) & 1u));
	return arr;
}

json_t *api_visit_json(struct req *r, const struct visit *v)
{
	const struct obs_policy *p = api_obs_policy_of(r);

	return json_pack("{s:s, s:s, s:o, s:o, s:s, s:b, s:b, s:b, s:o, s:o, s:s, s:o, s:b, s:o,"
			 " s:b, s:b}",
			 "id", v->id, "observation_id", v->observation_id, "at", time_json(v->at),
			 "recorded_at", time_json(v->recorded_at), "mode", v->mode, "saw_person",
			 v->saw_person, "saw_home", v->saw_home, "saw_state", v->saw_state,
			 "temperature", temp_json(v->temp), "symptoms", symptoms_json(v->symptoms),
			 "note", v->note, "by", json_str_or_null(*v->by ? v->by : NULL),
			 "self_report", v->self_report, "slot",
			 v->slot >= 0 && v->slot < p->nslots ? json_string(p->slots[v->slot].code)
							     : json_null(),
			 "late", v->late, "fever", v->fever);
}

/* The person's phone and address ride on the alert as on the file (api_person_json): the
 * address as it is, the phone masked — the doctor calls through the audited reveal. */
json_t *api_alert_json(const struct alert *al)
{
	json_t *ref = json_null(), *o;
	char phm[PHONE_LEN + 1] = "";

	if (*al->destination)
		ref = json_pack("{s:s, s:s, s:s, s:o, s:s}", "destination", al->destination,
				"facility", al->facility, "transport", al->transport, "at",
				time_json(al->referred_at), "by", al->referred_by);
	if (al->person_phone && *al->person_phone)
		phone_mask(al->person_phone, phm);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o,"
		      " s:s, s:i}",
		      "id", al->id, "observation_id", al->observation_id, "person_id",
		      al->person_id, "person_name", al->person_name, "area", al->area, "area_name",
		      al->area_name, "visit_id",
		      json_str_or_null(*al->visit_id ? al->visit_id : NULL), "raised_at",
		      time_json(al->raised_at), "temperature", temp_json(al->temp), "symptoms",
		      symptoms_json(al->symptoms), "status", al->status, "referral", ref, "result",
		      json_str_or_null(*al->result ? al->result : NULL), "result_at",
		      time_json(al->result_at), "note", al->note, "visits", al->visits);
	json_object_set_new(o, "person_phone", json_string(phm));
	json_object_set_new(o, "person_address",
			    json_string(al->person_address ? al->person_address : ""));
	return o;
}

json_t *api_service_json(const struct service *s, int64_t now)
{
	bool open = !strcmp(s->status, "new") || !strcmp(s->status, "accepted");

	return json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:b,"
		" s:s, s:o, s:o, s:o, s:o}",
		"id", s->id, "observation_id", s->observation_id, "person_id", s->person_id,
		"person_name", s->person_name, "area", s->area, "area_name", s->area_name, "kind",
		s->kind, "items", s->items, "requested_by", s->requested_by, "requester",
		s->requester, "assignee", s->assignee, "status", s->status, "due_at",
		time_json(s->due_at), "overdue", open && s->due_at < now, "note", s->note,
		"created_at", time_json(s->created_at), "accepted_at", time_json(s->accepted_at),
		"delivered_at", time_json(s->delivered_at), "updated_at", time_json(s->updated_at));
}

/* ---- input ---- */


/* An optional date field; replies and returns false on error. */
static bool date_field(struct req *r, const char *field, enum err bad, int *out)
{
	const char *s;

	*out = 0;
	if (api_bad_field(r, json_get_str(r->json, field, 10, false, &s), field))
		return false;
	if (s && *s && !(*out = api_parse_date(s))) {
		reply_error(r, bad, field);
		return false;
	}
	return true;
}

/* An optional ISO instant, 0 when absent; *given (when not NULL) tells whether it came,
 * since the epoch is a time like any other. Replies and returns false on error. */
bool api_obs_time_field(struct req *r, const char *field, enum err bad, int64_t *out, bool *given)
{
	const char *s;

	*out = 0;
	if (api_bad_field(r, json_get_str(r->json, field, 40, false, &s), field))
		return false;
	if (given)
		*given = s && *s;
	if (s && *s && !time_parse_iso(s, out)) {
		reply_error(r, bad, field);
		return false;
	}
	return true;
}

/* A string field that must be one of list (required or not). */
bool api_obs_enum_field(struct req *r, const char *field, const char *const *list, bool required,
			const char **out)
{
	if (api_bad_field(r, json_get_str(r->json, field, 40, required, out), field))
		return false;
	if (*out && !obs_in(list, *out)) {
		reply_error(r, ERR_FIELD_VALUE, field);
		return false;
	}
	return true;
}

bool api_obs_text_field(struct req *r, const char *field, size_t max, bool required,
			const char **out)
{
	return !api_bad_field(r, json_get_str(r->json, field, max, required, out), field);
}

/* temperature, symptoms and note of a visit or a self-report (api_self.c). */
bool api_obs_reading(struct req *r, bool temp_required, struct visit *v)
{
	json_t *t = json_object_get(r->json, "temperature");
	json_t *sy = json_object_get(r->json, "symptoms");
	size_t i;
	json_t *x;

	if (!t || json_is_null(t)) {
		if (temp_required) {
			reply_error(r, ERR_FIELD_REQUIRED, "temperature");
			return false;
		}
	} else if (!json_is_number(t)) {
		reply_error(r, ERR_FIELD_TYPE, "temperature");
		return false;
	} else {
		v->temp = obs_temp_from_celsius(json_number_value(t));
		if (!obs_temp_valid(api_obs_policy_of(r), v->temp)) {
			reply_error(r, ERR_VISIT_TEMP_RANGE, "temperature");
			return false;
		}
	}
	if (sy && !json_is_null(sy)) {
		if (!json_is_array(sy) || json_array_size(sy) > 16) {
			reply_error(r, ERR_FIELD_TYPE, "symptoms");
			return false;
		}
		json_array_foreach(sy, i, x)
		{
			unsigned bit =
				json_is_string(x) ? obs_symptom_parse(json_string_value(x)) : 0;
			if (!bit) {
				reply_error(r, ERR_VISIT_SYMPTOM, "symptoms");
				return false;
			}
			v->symptoms |= bit;
		}
	}
	return api_obs_text_field(r, "note", NOTE_MAX, false, &v->note);
}

/* ---- loading in scope ---- */

bool api_obs_load(struct req *r, const char *id, int today, struct observation *o)
{
	struct principal who = api_principal(r);

	return api_uuid_ok(r, id, ERR_OBS_NOT_FOUND) &&
	       api_stored(r, svc_obs_get(r->srv->store, &who, id, today, r->a, o),
			  ERR_OBS_NOT_FOUND);
}

/* ---- policy ---- */

static json_t *list_json(const char *const *list)
{
	json_t *arr = json_array();

	for (; *list; list++)
		json_array_append_new(arr, json_string(*list));
	return arr;
}

void api_obs_policy(struct req *r)
{
	const struct obs_policy *p = api_obs_policy_of(r);
	json_t *slots = json_array(), *sym = json_array();
	char from[32], dl[32];

	for (int k = 0; k < p->nslots; k++) {
		snprintf(from, sizeof from, "%02d:%02d", p->slots[k].from_min / 60,
			 p->slots[k].from_min % 60);
		snprintf(dl, sizeof dl, "%02d:%02d", p->slots[k].deadline_min / 60,
			 p->slots[k].deadline_min % 60);
		json_array_append_new(slots, json_pack("{s:s, s:s, s:s}", "slot", p->slots[k].code,
						       "from", from, "deadline", dl));
	}
	for (size_t i = 0; i < OBS_NSYMPTOMS; i++)
		json_array_append_new(sym, json_string(obs_symptom_code(i)));
	reply_json(r, 200,
		   json_pack("{s:i, s:f, s:f, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "days",
			     p->days, "fever_threshold", p->fever_dc / 10.0, "temperature_min",
			     p->temp_min_dc / 10.0, "temperature_max", p->temp_max_dc / 10.0,
			     "slots", slots, "symptoms", sym, "kinds", list_json(obs_kinds),
			     "modes", list_json(obs_modes), "destinations",
			     list_json(obs_destinations), "results", list_json(obs_results),
			     "service_kinds", list_json(obs_service_kinds)));
}

/* ---- placing ---- */

static bool staff_field(struct req *r, const char *field, const char **out)
{
	if (api_bad_field(r, json_get_str(r->json, field, 36, false, out), field))
		return false;
	if (*out && !**out)
		*out = NULL;
	if (*out && !uuid_valid(*out)) {
		reply_error(r, ERR_OBS_STAFF_INVALID, field);
		return false;
	}
	return true;
}

static bool household_field(struct req *r, struct obs_new *in)
{
	json_t *h = json_object_get(r->json, "household");
	size_t n, i;
	json_t *x;

	if (!h || json_is_null(h))
		return true;
	if (!json_is_array(h) || (n = json_array_size(h)) > HOUSEHOLD_MAX) {
		reply_error(r, ERR_FIELD_TYPE, "household");
		return false;
	}
	const char **ids = arena_alloc(r->a, (n + 1) * sizeof *ids);
	const char **mine = arena_alloc(r->a, (n + 1) * sizeof *mine);
	const char **hash = arena_alloc(r->a, (n + 1) * sizeof *hash);
	const char **box = arena_alloc(r->a, (n + 1) * sizeof *box);
	json_array_foreach(h, i, x)
	{
		const char *s = json_is_string(x) ? json_string_value(x) : NULL;
		if (!s || !uuid_valid(s)) {
			reply_error(r, ERR_PERSON_NOT_FOUND, "household");
			return false;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ids[j], s)) {
				reply_error(r, ERR_FIELD_VALUE, "household");
				return false;
			}
		char *oid = arena_alloc(r->a, UUID_LEN + 1),
		     *tok = arena_alloc(r->a, TOKEN_LEN + 1);
		char *hh = arena_alloc(r->a, TOKEN_HASH_LEN + 1),
		     *bx = arena_alloc(r->a, TOKEN_BOX_LEN + 1);
		uuid_v4(oid);
		token_new(r->srv->key, tok, hh, bx);
		ids[i] = s;
		mine[i] = oid;
		hash[i] = hh;
		box[i] = bx;
	}
	in->nhousehold = n;
	in->household = ids;
	in->household_ids = mine;
	in->household_hash = hash;
	in->household_box = box;
	return true;
}

void api_obs_create(struct req *r)
{
	static const char *const allowed[] = {
		"uuid",  "person_id",   "kind",   "start_date",    "end_date",  "reason",
		"place", "grid_worker", "doctor", "social_worker", "household", NULL};
	struct store_idem idem;
	struct obs_new in = {0};
	struct obs_placed out;
	struct principal who = api_principal(r);
	char hash[65], token[TOKEN_LEN + 1], thash[TOKEN_HASH_LEN + 1], tbox[TOKEN_BOX_LEN + 1];
	int64_t now = time_now();
	int today = api_obs_today_of(now), def_end;
	enum store_status st;
	bool replayed;

	in.kind = "home_observation";
	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "person_id", 36, true, &in.person_id),
			  "person_id") ||
	    !api_obs_enum_field(r, "kind", obs_kinds, false, &in.kind) ||
	    !date_field(r, "start_date", ERR_OBS_START_INVALID, &in.start_date) ||
	    !date_field(r, "end_date", ERR_OBS_END_INVALID, &in.end_date) ||
	    !api_obs_text_field(r, "reason", REASON_MAX, false, &in.reason) ||
	    !api_obs_text_field(r, "place", PLACE_MAX, false, &in.place) ||
	    !staff_field(r, "grid_worker", &in.grid_worker) ||
	    !staff_field(r, "doctor", &in.doctor) ||
	    !staff_field(r, "social_worker", &in.social_worker) || !household_field(r, &in))
		return;
	if (!in.kind)
		in.kind = "home_observation";
	if (!uuid_valid(in.person_id)) {
		reply_error(r, ERR_PERSON_NOT_FOUND, "person_id");
		return;
	}
	if (!in.start_date)
		in.start_date = today;
	if (!obs_start_valid(api_obs_policy_of(r), in.start_date, today)) {
		reply_error(r, ERR_OBS_START_INVALID, "start_date");
		return;
	}
	def_end = obs_date_add(in.start_date, api_obs_policy_of(r)->days);
	if (!in.end_date)
		in.end_date = def_end;
	if (!obs_end_valid(in.start_date, in.end_date, today)) {
		reply_error(r, ERR_OBS_END_INVALID, "end_date");
		return;
	}
	if (in.end_date != def_end && (!in.reason || !*in.reason)) {
		reply_error(r, ERR_FIELD_REQUIRED, "reason");
		return;
	}
	token_new(r->srv->key, token, thash, tbox);
	in.id = idem.uuid;
	in.token_hash = thash;
	in.token_box = tbox;
	in.now = now;
	st = svc_obs_place(r->srv->store, &who, &idem, api_obs_policy_of(r), &in, r->a, &out,
			   &replayed);
	const char *bad = out.bad_field;
	switch (st) {
	case STORE_OK: break;
	case STORE_NOT_FOUND:
		api_deny_field(r, ERR_PERSON_NOT_FOUND, bad ? bad : "person_id", "person", NULL);
		return;
	case STORE_DENIED: api_store_error(r, st, ERR_PERSON_NOT_FOUND); return;
	case STORE_CONFLICT: reply_error(r, ERR_OBS_ACTIVE, bad ? bad : "person_id"); return;
	case STORE_INVALID: reply_error(r, ERR_OBS_STAFF_INVALID, bad); return;
	default: api_store_error(r, st, ERR_OBS_NOT_FOUND); return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < out.nhousehold; i++)
		json_array_append_new(arr, api_obs_json(&out.household[i], today));
	if (replayed && !token_open(r->srv->key, out.obs.token_box, token))
		token[0] = '\0';
	reply_json(r, replayed ? 200 : 201,
		   json_pack("{s:o, s:o, s:o}", "observation", api_obs_json(&out.obs, today),
			     "household", arr, "token", json_str_or_null(*token ? token : NULL)));
}

/* ---- lists ---- */

static json_t *obs_items(const struct observation *v, size_t n, int today);

static const char *const statuses[] = {"active", "released", "transferred", "ended", "all", NULL};
static const char *const filters[] = {
	"started_today",  "released_today",   "fever_today", "alert_open",  "due_today",
	"complete_today", "incomplete_today", "overdue",     "due_release", NULL};

bool api_obs_query(struct req *r, struct obs_query *q)
{
	static const struct api_list_spec spec = {statuses, "active", 50, 500, true};
	struct api_list l;
	const char *filter = req_query(r, "filter"), *name = req_query(r, "q");

	*q = (struct obs_query){.now = time_now()};
	q->today = api_obs_today_of(q->now);
	if (!api_list_query(r, &spec, &l))
		return false;
	if (filter && *filter && !obs_in(filters, filter)) {
		reply_error(r, ERR_QUERY_INVALID, "filter");
		return false;
	}
	if (name && utf8_chars(name) > 20) {
		reply_error(r, ERR_QUERY_INVALID, "q");
		return false;
	}
	q->area = l.area;
	q->status = l.status;
	q->limit = l.limit;
	q->offset = l.offset;
	q->filter = filter && *filter ? filter : NULL;
	q->name_prefix = name && *name ? name : NULL;
	return true;
}

void api_obs_list(struct req *r)
{
	struct obs_query q;
	struct principal who = api_principal(r);
	struct observation *v;
	size_t n;
	int64_t total;
	enum store_status st;

	if (!api_obs_query(r, &q))
		return;
	st = svc_obs_list(r->srv->store, &who, &q, api_obs_policy_of(r), r->a, &v, &n, &total);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_OBS_NOT_FOUND);
		return;
	}
	api_reply_list(r, obs_items(v, n, q.today), total);
}

struct ranked {
	struct obs_urgency u;
	const struct observation *o;
};

static int ranked_cmp(const void *a, const void *b)
{
	return obs_urgency_cmp(&((const struct ranked *)a)->u, &((const struct ranked *)b)->u);
}

void api_obs_today(struct req *r)
{
	struct obs_query q = {
		.now = time_now(), .status = "active", .filter = "today", .limit = 5000};
	struct principal who = api_principal(r);
	const struct obs_policy *p = api_obs_policy_of(r);
	const char *mine = req_query(r, "mine");
	struct observation *v;
	size_t n;
	int64_t total, complete = 0, overdue = 0;
	enum store_status st;

	q.today = api_obs_today_of(q.now);
	if (!api_area_query(r, &q.area))
		return;
	if (mine && !strcmp(mine, "1"))
		q.worker = r->sess.user_id;
	/* a visit list is a village's or a grid's (or one worker's); above, the board counts */
	if (!q.worker && strlen(q.area ? q.area : who.area) < 12) {
		reply_error(r, ERR_OBS_TODAY_AREA, "area");
		return;
	}
	st = svc_obs_list(r->srv->store, &who, &q, p, r->a, &v, &n, &total);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_OBS_NOT_FOUND);
		return;
	}
	struct ranked *rk = arena_alloc(r->a, (n ? n : 1) * sizeof *rk);
	for (size_t i = 0; i < n; i++) {
		struct obs_period per = period_of(&v[i]);
		unsigned late = obs_overdue(p, &per, q.today, v[i].filled, q.now);
		rk[i].o = &v[i];
		rk[i].u = (struct obs_urgency){
			v[i].alert_open, __builtin_popcount(late),
			obs_next_deadline(p, &per, q.today, v[i].filled, q.now), v[i].person_name};
		overdue += rk[i].u.overdue;
		complete += (obs_required(p, &per, q.today) & ~v[i].filled) == 0;
	}
	qsort(rk, n, sizeof *rk, ranked_cmp);
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct observation *o = rk[i].o;
		struct obs_period per = period_of(o);
		unsigned missing = obs_required(p, &per, q.today) & ~o->filled;
		json_t *j = api_obs_json(o, q.today), *miss = json_array();
		for (int k = 0; k < p->nslots; k++)
			if (missing & (1u << k))
				json_array_append_new(miss, json_string(p->slots[k].code));
		json_object_set_new(j, "slots", slots_json(r, &per, q.today, o->filled, q.now));
		json_object_set_new(j, "missing", miss);
		json_object_set_new(j, "overdue_count", json_integer(rk[i].u.overdue));
		json_array_append_new(arr, j);
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:o, s:{s:I, s:I, s:I}}", "date", api_date_json(q.today),
			     "items", arr, "counts", "due", (json_int_t)total, "complete",
			     (json_int_t)complete, "overdue", (json_int_t)overdue));
}

void api_obs_get(struct req *r)
{
	const char *id = r->match.params[0];
	struct principal who = api_principal(r);
	struct obs_detail x;
	int64_t now = time_now();
	int today = api_obs_today_of(now);

	if (!api_uuid_ok(r, id, ERR_OBS_NOT_FOUND) ||
	    !api_stored(r, svc_obs_detail(r->srv->store, &who, id, today, r->a, &x),
			ERR_OBS_NOT_FOUND))
		return;
	const struct observation o = x.obs;
	const struct visit *v = x.visits;
	const struct alert *al = x.alerts;
	const struct service *sv = x.services;
	const struct obs_day_row *d = x.days;
	size_t nv = x.nvisits, na = x.nalerts, ns = x.nservices, nd = x.ndays;
	json_t *j = api_obs_json(&o, today), *arr = json_array(), *days = json_array();
	for (size_t i = 0; i < nv; i++)
		json_array_append_new(arr, api_visit_json(r, &v[i]));
	json_object_set_new(j, "visits", arr);
	arr = json_array();
	for (size_t i = 0; i < na; i++)
		json_array_append_new(arr, api_alert_json(&al[i]));
	json_object_set_new(j, "alerts", arr);
	arr = json_array();
	for (size_t i = 0; i < ns; i++)
		json_array_append_new(arr, api_service_json(&sv[i], now));
	json_object_set_new(j, "services", arr);
	/* every day of the period up to today (or its end), with its slots */
	struct obs_period per = period_of(&o);
	int last = o.ended_at ? api_obs_today_of(o.ended_at) : today;
	size_t k = 0;
	for (int day = o.start_date; day && day < o.end_date && day <= last;
	     day = obs_date_add(day, 1)) {
		unsigned filled = 0;
		while (k < nd && d[k].date < day)
			k++;
		if (k < nd && d[k].date == day)
			filled = d[k].filled;
		json_array_append_new(days,
				      json_pack("{s:o, s:o, s:b}", "date", api_date_json(day),
						"slots", slots_json(r, &per, day, filled, now),
						"fever", k < nd && d[k].date == day && d[k].fever));
	}
	json_object_set_new(j, "days", days);
	reply_json(r, 200, j);
}

/* ---- the period and release ---- */

static void reply_change(struct req *r, enum store_status st, const struct observation *out,
			 int today)
{
	if (st == STORE_OK)
		reply_json(r, 200, api_obs_json(out, today));
	else if (st == STORE_CONFLICT)
		reply_error(r, ERR_OBS_ENDED, NULL);
	else
		api_store_error(r, st, ERR_OBS_NOT_FOUND);
}

void api_obs_period(struct req *r)
{
	static const char *const allowed[] = {"uuid", "end_date", "reason", NULL};
	struct store_idem idem;
	struct observation out;
	char hash[65];
	const char *id = api_id_param(r, ERR_OBS_NOT_FOUND), *reason;
	int64_t now = time_now();
	int today = api_obs_today_of(now), end;
	struct principal who = api_principal(r);
	enum store_status st;
	bool replayed;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !date_field(r, "end_date", ERR_OBS_END_INVALID, &end))
		return;
	if (!end) {
		reply_error(r, ERR_FIELD_REQUIRED, "end_date");
		return;
	}
	if (!api_obs_text_field(r, "reason", REASON_MAX, true, &reason))
		return;
	st = svc_obs_period(r->srv->store, &who, &idem, api_obs_policy_of(r), id, end, reason, now,
			    r->a, &out, &replayed);
	if (st == STORE_INVALID)
		reply_error(r, ERR_OBS_END_INVALID, "end_date");
	else
		reply_change(r, st, &out, today);
}

void api_obs_release(struct req *r)
{
	static const char *const allowed[] = {"uuid", "note", NULL};
	struct store_idem idem;
	struct observation out;
	char hash[65];
	const char *id = api_id_param(r, ERR_OBS_NOT_FOUND), *note = NULL;
	int64_t now = time_now();
	int today = api_obs_today_of(now);
	struct principal who = api_principal(r);
	enum store_status st;
	bool replayed;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !api_obs_text_field(r, "note", REASON_MAX, false, &note))
		return;
	st = svc_obs_release(r->srv->store, &who, &idem, api_obs_policy_of(r), id, note, now, r->a,
			     &out, &replayed);
	if (st == STORE_CONFLICT) { /* out: the observation as the refusal read it */
		reply_error(r,
			    strcmp(out.status, "active") ? ERR_OBS_ENDED
			    : out.alert_open             ? ERR_OBS_ALERT_OPEN
							 : ERR_OBS_NOT_DUE,
			    NULL);
		return;
	}
	reply_change(r, st, &out, today);
}

void api_obs_staff(struct req *r)
{
	static const char *const allowed[] = {"uuid", "grid_worker", "doctor", "social_worker",
					      NULL};
	struct store_idem idem;
	struct observation out;
	const char *id = api_id_param(r, ERR_OBS_NOT_FOUND), *g, *d, *w, *bad = NULL;
	char hash[65];
	int64_t now = time_now();
	int today = api_obs_today_of(now);
	struct principal who = api_principal(r);
	enum store_status st;
	bool replayed;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash))
		return;
	/* "" clears a field: read the raw strings before staff_field turns "" into NULL */
	if (api_bad_field(r, json_get_str(r->json, "grid_worker", 36, false, &g), "grid_worker") ||
	    api_bad_field(r, json_get_str(r->json, "doctor", 36, false, &d), "doctor") ||
	    api_bad_field(r, json_get_str(r->json, "social_worker", 36, false, &w),
			  "social_worker"))
		return;
	if (!g && !d && !w) {
		reply_error(r, ERR_FIELD_REQUIRED, "grid_worker");
		return;
	}
	const char *v[3] = {g, d, w}, *f[3] = {"grid_worker", "doctor", "social_worker"};
	for (int i = 0; i < 3; i++)
		if (v[i] && *v[i] && !uuid_valid(v[i])) {
			reply_error(r, ERR_OBS_STAFF_INVALID, f[i]);
			return;
		}
	st = svc_obs_staff(r->srv->store, &who, &idem, id, v, now, r->a, &out, &bad, &replayed);
	if (st == STORE_INVALID)
		reply_error(r, ERR_OBS_STAFF_INVALID, bad);
	else
		reply_change(r, st, &out, today);
}

/* ---- the board ---- */

static json_t *counts_json(const int64_t *n)
{
	static const char *const names[OBM__COUNT] = {
		[OBM_ACTIVE] = "active",
		[OBM_STARTED] = "started_today",
		[OBM_RELEASED] = "released_today",
		[OBM_FEVERS] = "fevers_today",
		[OBM_ALERTS_OPEN] = "alerts_open",
		[OBM_DUE] = "due_today",
		[OBM_COMPLETE] = "complete_today",
		[OBM_OVERDUE] = "overdue_visits",
		[OBM_SERVICES_OPEN] = "services_open",
		[OBM_DUE_RELEASE] = "due_release",
		[OBM_TO_PLACE] = "to_place",
	};
	json_t *o = json_object();

	for (int i = 0; i < OBM__COUNT; i++)
		json_object_set_new(o, names[i], json_integer(n[i]));
	return o;
}

void api_obs_board(struct req *r)
{
	struct principal who = api_principal(r);
	const char *area;
	struct obs_board_row total, *rows;
	size_t n;
	int64_t now = time_now();
	int today = api_obs_today_of(now);
	enum store_status st;

	if (!api_area_query(r, &area))
		return;
	if (!area)
		area = who.area;
	st = svc_obs_board(r->srv->store, &who, area, api_obs_policy_of(r), today, now, r->a,
			   &total, &rows, &n);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr,
				      json_pack("{s:s, s:s, s:o}", "area", rows[i].area, "name",
						rows[i].name, "counts", counts_json(rows[i].n)));
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:o, s:o, s:o}", "area", area, "area_name", total.name,
			     "date", api_date_json(today), "counts", counts_json(total.n),
			     "children", arr));
}

static json_t *obs_items(const struct observation *v, size_t n, int today)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, api_obs_json(&v[i], today));
	return arr;
}

json_t *api_obs_list_json(const struct observation *v, size_t n)
{
	return obs_items(v, n, api_obs_today_of(time_now()));
}
