/* api_duty — 24-hour duty (值班值守): posts, the roster with swaps and gaps, who is on duty
 * now and the board, the duty log (首问负责制) and shift handovers. The contract is
 * /work/spec-duty.md, documented in docs/api.md ("Duty").
 *
 * A post's id in a path is an area code (county, township or village) or a checkpoint's
 * UUID; anything else is an unknown post. A shift is (date it starts on, index from 0).
 * Instants are answered as local ISO text with its offset ("2026-12-07T08:00:00+08:00").
 * A person on the roster is {name, phone, user_id}: a name of 1–32 characters, an office
 * or mobile phone (normalised, "" when none), an account (in scope) or null. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/area_code.h"
#include "domain/checkpoint.h"
#include "domain/duty.h"
#include "domain/observation.h"
#include "domain/phone.h"
#include "domain/returnee.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/timeutil.h"

enum {
	AT_SKEW_S = 300,         /* a phone's clock may run a little ahead */
	AT_BACK_S = 7 * 86400,   /* a matter logged at most 7 days late */
	ROSTER_REACH_DAYS = 366, /* a shift set or copied within a year of today */
	TEXT_MAX = 1000,         /* a log entry's content, action, result */
	NOTE_MAX = 500,
};

/* ---- answers ---- */

static json_t *iso_json(int64_t t)
{
	char buf[DUTY_ISO_LEN + 1];

	if (!t)
		return json_null();
	duty_iso(t, buf);
	return json_string(buf);
}

static json_t *shifts_json(const char *text)
{
	int starts[DUTY_SHIFTS_MAX];
	size_t n = checkpoint_shifts_parse(text, starts);
	json_t *a = json_array();

	if (!n) {
		starts[0] = 8;
		starts[1] = 20;
		n = 2;
	}
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(starts[i]));
	return a;
}

static size_t starts_of(const struct duty_post *p, int starts[DUTY_SHIFTS_MAX])
{
	size_t n = checkpoint_shifts_parse(p->shifts, starts);

	if (!n) {
		starts[0] = 8;
		starts[1] = 20;
		n = 2;
	}
	return n;
}

static json_t *post_json(const struct duty_post *p, bool shifts)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:o, s:s, s:o}", "id", p->id, "kind", p->kind,
			      "name", json_str_safe(p->name), "area", p->area, "area_name",
			      json_str_safe(p->area_name), "level",
			      p->level ? area_level_name((enum area_level)p->level) : "checkpoint",
			      "phone", json_str_safe(p->phone));

	if (shifts)
		json_object_set_new(o, "shifts", shifts_json(p->shifts));
	return o;
}

/* A leader's JSON text ("" none) as null or its object; officers' as an array. */
static json_t *leader_json(const char *text)
{
	json_t *v = text && *text ? json_loads(text, 0, NULL) : NULL;

	return json_is_object(v) ? v : (json_decref(v), json_null());
}

static json_t *officers_json(const char *text)
{
	json_t *v = text && *text ? json_loads(text, 0, NULL) : NULL;

	return json_is_array(v) ? v : (json_decref(v), json_array());
}

static json_t *shift_json(const struct duty_shift *sh)
{
	return json_pack("{s:o, s:i, s:o, s:o}", "date", api_date_json(sh->date), "index",
			 sh->index, "start", iso_json(sh->start), "end", iso_json(sh->end));
}

static json_t *swap_side(int day, int index, const char *slot)
{
	return json_pack("{s:o, s:i, s:s}", "date", api_date_json(day), "index", index, "slot",
			 slot);
}

static json_t *swap_json(const struct duty_swap *w)
{
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:o}", "id",
			 w->id, "post", w->post_id, "a", swap_side(w->a_day, w->a_index, w->a_slot),
			 "b", swap_side(w->b_day, w->b_index, w->b_slot), "a_person",
			 leader_json(w->a_person), "b_person", leader_json(w->b_person), "reason",
			 json_str_safe(w->reason), "state", w->state, "asked_by",
			 json_str_safe(w->asked_by), "decided_by",
			 *w->decided_by ? json_str_safe(w->decided_by) : json_null(), "at",
			 iso_json(w->at), "decided_at", iso_json(w->decided_at));
}

static json_t *or_null(const char *s)
{
	return s && *s ? json_str_safe(s) : json_null();
}

static json_t *log_json(const struct duty_log *l)
{
	json_t *ev = json_array();

	for (size_t i = 0; i < l->nevents; i++)
		json_array_append_new(
			ev, json_pack("{s:o, s:o, s:s, s:o}", "at", iso_json(l->events[i].at), "by",
				      json_str_safe(l->events[i].by), "what", l->events[i].what,
				      "note", json_str_safe(l->events[i].note)));
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:{s:o, s:o}, s:s, s:o,"
			 " s:o, s:b, s:o, s:o, s:o, s:o, s:o}",
			 "id", l->id, "post", l->post_id, "area", l->area, "at", iso_json(l->at),
			 "kind", l->kind, "from_name", json_str_safe(l->from_name), "from_contact",
			 json_str_safe(l->from_contact), "content", json_str_safe(l->content),
			 "action", json_str_safe(l->action), "owner", "user_id",
			 or_null(l->owner_id), "name", json_str_safe(l->owner_name), "state",
			 l->state, "handed_to", or_null(l->handed_to), "handed_at",
			 iso_json(l->handed_at), "returned", l->returned, "result",
			 or_null(l->result), "task_id", or_null(l->task_id), "task_area",
			 or_null(l->task_area), "person_id", or_null(l->person_id), "events", ev);
}

static json_t *handover_json(const struct duty_handover *h)
{
	json_t *items = h->open_items ? json_loads(h->open_items, 0, NULL) : NULL;

	if (!json_is_array(items)) {
		json_decref(items);
		items = json_array();
	}
	/* a handover made before step 20 has no count: its list is complete */
	json_int_t total = h->open_total > (json_int_t)json_array_size(items)
				   ? h->open_total
				   : (json_int_t)json_array_size(items);
	return json_pack("{s:s, s:s, s:o, s:i, s:o, s:o, s:I, s:o, s:o, s:o, s:o, s:o}", "id",
			 h->id, "post", h->post_id, "date", api_date_json(h->day), "index",
			 h->index, "note", json_str_safe(h->note), "open_items", items,
			 "open_total", total, "by", json_str_safe(h->by), "at", iso_json(h->at),
			 "confirmed_by", or_null(h->confirmed_by), "confirmed_at",
			 iso_json(h->confirmed_at), "confirm_note", json_str_safe(h->confirm_note));
}

/* ---- errors ---- */

static bool failed(struct req *r, enum store_status st, const enum duty_why *whyp,
		   enum err not_found)
{
	enum duty_why why = whyp ? *whyp : DUTY_WHY_NONE;

	static const enum err errs[] = {
		[DUTY_WHY_SHIFT] = ERR_DUTY_SHIFT_INVALID,
		[DUTY_WHY_SLOT] = ERR_DUTY_SLOT_INVALID,
		[DUTY_WHY_SAME] = ERR_DUTY_SWAP_SAME,
		[DUTY_WHY_STARTED] = ERR_DUTY_SWAP_STARTED,
		[DUTY_WHY_DECIDED] = ERR_DUTY_SWAP_DECIDED,
		[DUTY_WHY_CHANGED] = ERR_DUTY_SWAP_CHANGED,
		[DUTY_WHY_NOT_ON_DUTY] = ERR_DUTY_NOT_ON_DUTY,
		[DUTY_WHY_NOT_OWNER] = ERR_DUTY_NOT_OWNER,
		[DUTY_WHY_NOT_LEADER] = ERR_DUTY_NOT_LEADER,
		[DUTY_WHY_NOT_SHIFT] = ERR_DUTY_NOT_SHIFT,
		[DUTY_WHY_CLOSED] = ERR_DUTY_LOG_CLOSED,
		[DUTY_WHY_NOT_HANDED] = ERR_DUTY_LOG_NOT_HANDED,
		[DUTY_WHY_HAS_TASK] = ERR_DUTY_LOG_HAS_TASK,
		[DUTY_WHY_WINDOW] = ERR_DUTY_HANDOVER_WINDOW,
		[DUTY_WHY_EXISTS] = ERR_DUTY_HANDOVER_EXISTS,
		[DUTY_WHY_CONFIRMED] = ERR_DUTY_HANDOVER_CONFIRMED,
		[DUTY_WHY_FORBIDDEN] = ERR_FORBIDDEN,
		[DUTY_WHY_LOG_FULL] = ERR_DUTY_LOG_FULL,
		[DUTY_WHY_SHIFT_STARTED] = ERR_DUTY_SHIFT_STARTED,
		[DUTY_WHY_USER] = ERR_FIELD_VALUE,
	};
	static const char *const fields[] = {[DUTY_WHY_SHIFT] = "index",
					     [DUTY_WHY_SLOT] = "slot",
					     [DUTY_WHY_SAME] = "b",
					     [DUTY_WHY_USER] = "user_id"};

	if (st == STORE_OK)
		return false;
	if (st == STORE_INVALID && why > DUTY_WHY_NONE && (size_t)why < sizeof errs / sizeof *errs)
		reply_error(r, errs[why],
			    (size_t)why < sizeof fields / sizeof *fields ? fields[why] : NULL);
	else if (st == STORE_DENIED && r->denial && r->denial->object_type &&
		 !strcmp(r->denial->object_type, "user"))
		api_store_error(r, st, ERR_USER_NOT_FOUND); /* an account out of scope */
	else
		api_store_error(r, st, not_found);
	return true;
}

/* ---- request parts ---- */

/* {post}: an area code of a command post or a checkpoint's UUID; NULL after a 404. */
static const char *post_param(struct req *r)
{
	const char *id = r->match.params[0];
	enum area_level l = area_code_level(id);

	if (l == AREA_LEVEL_COUNTY || l == AREA_LEVEL_TOWNSHIP || l == AREA_LEVEL_VILLAGE ||
	    uuid_valid(id))
		return id;
	reply_error(r, ERR_DUTY_POST_NOT_FOUND, NULL);
	return NULL;
}

/* A date text "YYYY-MM-DD" as YYYYMMDD; 0 after a reply naming field. */
static int date_of(struct req *r, const char *s, const char *field)
{
	int d = s && strlen(s) == 10 ? api_parse_date(s) : 0;

	if (!d)
		reply_error(r, ERR_DUTY_DATE_INVALID, field);
	return d;
}

/* ?name= as a date, def when absent; 0 after a reply. */
static int date_query(struct req *r, const char *name, int def)
{
	const char *s = req_query(r, name);

	return s ? date_of(r, s, name) : def;
}

/* A body's date field; 0 after a reply. */
static int date_field(struct req *r, const json_t *o, const char *key, const char *field)
{
	const char *s;

	if (api_bad_field(r, json_get_str(o, key, 10, true, &s), field))
		return 0;
	return date_of(r, s, field);
}

/* ?from=&to= (default [def_from, def_to]) spanning at most max days. */
static bool range_query(struct req *r, int def_from, int def_to, int max, int *from, int *to)
{
	if (!(*from = date_query(r, "from", def_from)) || !(*to = date_query(r, "to", def_to)))
		return false;
	if (!duty_range_valid(*from, *to, max)) {
		reply_error(r, ERR_DUTY_DATE_INVALID, *from > *to ? "from" : "to");
		return false;
	}
	return true;
}

static int today(void)
{
	return time_local_date(time_now());
}

/* A day within a year of today. */
static bool day_reachable(struct req *r, int day, const char *field)
{
	int d = obs_date_diff(today(), day);

	if (d < -ROSTER_REACH_DAYS || d > ROSTER_REACH_DAYS) {
		reply_error(r, ERR_DUTY_DATE_INVALID, field);
		return false;
	}
	return true;
}

/* One person of the roster at o (field: "leader", "officers[2]"), as canonical JSON into
 * out; the account named appended to ids. */
static bool person_read(struct req *r, const json_t *o, const char *field, json_t **out,
			const char **ids, size_t *nids)
{
	static const char *const allowed[] = {"name", "phone", "user_id", NULL};
	const char *name, *phone = NULL, *user_id = NULL, *bad;
	char norm[PHONE_OFFICE_MAX + 1] = "";

	if (!json_is_object(o)) {
		reply_error(r, ERR_FIELD_TYPE, field);
		return false;
	}
	if ((bad = json_unknown_key(o, allowed))) {
		reply_error(r, ERR_FIELD_UNKNOWN, arena_printf(r->a, "%s.%s", field, bad));
		return false;
	}
	const char *fname = arena_printf(r->a, "%s.name", field);
	const char *fphone = arena_printf(r->a, "%s.phone", field);
	const char *fuser = arena_printf(r->a, "%s.user_id", field);
	if (api_bad_field(r, json_get_str(o, "name", DUTY_NAME_MAX, true, &name), fname) ||
	    api_bad_field(r, json_get_str(o, "phone", 40, false, &phone), fphone) ||
	    api_bad_field(r, json_get_str(o, "user_id", 36, false, &user_id), fuser))
		return false;
	if (!duty_name_valid(name)) {
		reply_error(r, ERR_DUTY_NAME_INVALID, fname);
		return false;
	}
	if (phone && *phone && !phone_office_normalize(phone, norm)) {
		reply_error(r, ERR_PHONE_OFFICE_INVALID, fphone);
		return false;
	}
	if (user_id && !uuid_valid(user_id)) {
		reply_error(r, ERR_USER_NOT_FOUND, fuser);
		return false;
	}
	if (user_id)
		ids[(*nids)++] = user_id;
	*out = json_pack("{s:s, s:s, s:o}", "name", name, "phone", norm, "user_id",
			 user_id ? json_string(user_id) : json_null());
	return true;
}

static const char *dump(struct req *r, json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	const char *out = arena_strdup(r->a, t ? t : "null");

	free(t);
	json_decref(v);
	return out;
}

/* The shift body {leader|null, officers:[…]} into in. */
static bool slot_body(struct req *r, struct duty_slot_in *in)
{
	json_t *leader = json_object_get(r->json, "leader");
	json_t *officers = json_object_get(r->json, "officers"), *v, *p;
	json_t *list = json_array();
	size_t i;

	in->user_ids = arena_alloc(r->a, (DUTY_OFFICERS_MAX + 1) * sizeof *in->user_ids);
	in->nusers = 0;
	in->leader = "";
	if (leader && !json_is_null(leader)) {
		if (!person_read(r, leader, "leader", &p, in->user_ids, &in->nusers))
			goto bad;
		in->leader = dump(r, p);
	}
	if (officers && !json_is_null(officers) && !json_is_array(officers)) {
		reply_error(r, ERR_FIELD_TYPE, "officers");
		goto bad;
	}
	if (json_array_size(officers) > DUTY_OFFICERS_MAX) {
		reply_error(r, ERR_DUTY_OFFICERS_TOO_MANY, "officers");
		goto bad;
	}
	json_array_foreach(officers, i, v)
	{
		if (!person_read(r, v, arena_printf(r->a, "officers[%zu]", i), &p, in->user_ids,
				 &in->nusers))
			goto bad;
		json_array_append_new(list, p);
	}
	in->officers = dump(r, list);
	return true;
bad:
	json_decref(list);
	return false;
}

/* "shifts": [8, 20] as text "8,20" (NULL: absent). */
static bool shifts_field(struct req *r, const char **out)
{
	json_t *v = json_object_get(r->json, "shifts");
	int starts[DUTY_SHIFTS_MAX];
	size_t n = json_array_size(v);
	char *text = arena_alloc(r->a, 32);

	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_array(v) || n < 1 || n > DUTY_SHIFTS_MAX)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		json_t *h = json_array_get(v, i);
		if (!json_is_integer(h) || json_integer_value(h) < 0 || json_integer_value(h) > 23)
			goto bad;
		starts[i] = (int)json_integer_value(h);
	}
	if (!duty_starts_valid(starts, n))
		goto bad;
	checkpoint_shifts_text(starts, n, text, 32);
	*out = text;
	return true;
bad:
	reply_error(r, ERR_DUTY_SHIFTS_INVALID, "shifts");
	return false;
}

/* A path segment as a shift index 0..DUTY_SHIFTS_MAX-1; -1 after a reply. */
static int index_param(struct req *r, const char *s)
{
	if (!s || s[0] < '0' || s[0] >= '0' + DUTY_SHIFTS_MAX || s[1]) {
		reply_error(r, ERR_DUTY_SHIFT_INVALID, "index");
		return -1;
	}
	return s[0] - '0';
}

/* ---- posts ---- */

void api_duty_posts(struct req *r)
{
	struct principal who = api_principal(r);
	const char *area;
	struct duty_post *v;
	size_t n;
	json_t *items;

	if (!api_area_query(r, &area))
		return;
	enum store_status st =
		svc_duty_posts(r->srv->store, &who, area ? area : who.area, r->a, &v, &n);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, post_json(&v[i], true));
	api_reply_list(r, items, (int64_t)n);
}

void api_duty_post_put(struct req *r)
{
	static const char *const allowed[] = {"uuid", "phone", "shifts", NULL};
	const char *id = post_param(r), *phone, *shifts;
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct duty_post out;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !api_office_phone_field(r, "phone", &phone) || !shifts_field(r, &shifts))
		return;
	if (!failed(r, svc_duty_post_put(r->srv->store, &who, &idem, id, phone, shifts, r->a, &out),
		    NULL, ERR_DUTY_POST_NOT_FOUND))
		reply_json(r, 200, post_json(&out, true));
}

/* ---- roster ---- */

static json_t *roster_shift(const struct duty_roster *ro, const struct duty_shift *sh, int64_t now)
{
	const struct duty_slot *sl = NULL;
	const struct duty_handover *h = NULL;
	bool swap = false;

	for (size_t i = 0; i < ro->nslots && !sl; i++)
		if (ro->slots[i].day == sh->date && ro->slots[i].index == sh->index)
			sl = &ro->slots[i];
	for (size_t i = 0; i < ro->nhandovers && !h; i++)
		if (ro->handovers[i].day == sh->date && ro->handovers[i].index == sh->index)
			h = &ro->handovers[i];
	for (size_t i = 0; i < ro->nswaps && !swap; i++) {
		const struct duty_swap *w = &ro->swaps[i];
		swap = (w->a_day == sh->date && w->a_index == sh->index) ||
		       (w->b_day == sh->date && w->b_index == sh->index);
	}
	json_t *leader = leader_json(sl ? sl->leader : "");
	json_t *officers = officers_json(sl ? sl->officers : "[]");
	json_t *o = shift_json(sh);
	json_object_del(o, "date");
	json_object_update_new(
		o, json_pack("{s:o, s:o, s:b, s:s, s:b}", "leader", leader, "officers", officers,
			     "gap", duty_gap(!json_is_null(leader), json_array_size(officers)),
			     "handover",
			     duty_handover_name(duty_handover_state(now, sh->end, h != NULL,
								    h && h->confirmed_at)),
			     "swap_pending", swap));
	return o;
}

void api_duty_roster(struct req *r)
{
	const char *id = post_param(r);
	struct principal who = api_principal(r);
	struct duty_post p;
	struct duty_roster ro;
	int monday = duty_week_monday(today()), from, to, starts[DUTY_SHIFTS_MAX];
	int64_t now = time_now();

	if (!id ||
	    !range_query(r, monday, obs_date_add(monday, 6), DUTY_ROSTER_DAYS_MAX, &from, &to))
		return;
	if (failed(r, svc_duty_roster(r->srv->store, &who, id, from, to, r->a, &p, &ro), NULL,
		   ERR_DUTY_POST_NOT_FOUND))
		return;
	size_t ns = starts_of(&p, starts);
	json_t *days = json_array();
	for (int d = from; d && d <= to; d = obs_date_add(d, 1)) {
		json_t *shifts = json_array();
		for (size_t k = 0; k < ns; k++) {
			struct duty_shift sh;
			duty_shift_of(starts, ns, d, (int)k, &sh);
			json_array_append_new(shifts, roster_shift(&ro, &sh, now));
		}
		json_array_append_new(
			days, json_pack("{s:o, s:o}", "date", api_date_json(d), "shifts", shifts));
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "post", post_json(&p, true), "days", days));
}

void api_duty_slot_put(struct req *r)
{
	static const char *const allowed[] = {"uuid", "leader", "officers", NULL};
	const char *id = post_param(r);
	struct principal who = api_principal(r);
	struct duty_slot_in in = {0};
	struct store_idem idem;
	struct duty_slot out;
	enum duty_why why;
	char hash[65];

	if (!id || !(in.day = date_of(r, r->match.params[1], "date")) ||
	    !day_reachable(r, in.day, "date") ||
	    (in.index = index_param(r, r->match.params[2])) < 0 || api_unknown_fields(r, allowed) ||
	    !api_idem(r, &idem, hash) || !slot_body(r, &in))
		return;
	if (failed(r, svc_duty_slot_set(r->srv->store, &who, &idem, id, &in, r->a, &out, &why),
		   &why, ERR_DUTY_POST_NOT_FOUND))
		return;
	struct duty_shift sh = {out.day, out.index, out.start_at, out.end_at};
	json_t *leader = leader_json(out.leader), *officers = officers_json(out.officers);
	json_t *o = shift_json(&sh);
	json_object_update_new(
		o, json_pack("{s:o, s:o, s:b}", "leader", leader, "officers", officers, "gap",
			     duty_gap(!json_is_null(leader), json_array_size(officers))));
	reply_json(r, 200, o);
}

void api_duty_roster_copy(struct req *r)
{
	static const char *const allowed[] = {"uuid", "from", "to", "days", NULL};
	const char *id = post_param(r);
	struct principal who = api_principal(r);
	struct store_idem idem;
	json_t *days_v;
	char hash[65];
	int from, to, days, copied;
	enum duty_why why = DUTY_WHY_NONE;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !(from = date_field(r, r->json, "from", "from")) ||
	    !(to = date_field(r, r->json, "to", "to")))
		return;
	days_v = json_object_get(r->json, "days");
	if (!json_is_integer(days_v) || json_integer_value(days_v) < 1 ||
	    json_integer_value(days_v) > DUTY_COPY_DAYS_MAX) {
		reply_error(r, days_v ? ERR_FIELD_VALUE : ERR_FIELD_REQUIRED, "days");
		return;
	}
	days = (int)json_integer_value(days_v);
	/* the last day written must be reachable too, not only the first */
	if (!day_reachable(r, from, "from") || !day_reachable(r, to, "to") ||
	    !day_reachable(r, obs_date_add(to, days - 1), "to"))
		return;
	if (!failed(r,
		    svc_duty_roster_copy(r->srv->store, &who, &idem, id, from, to, days, r->a,
					 &copied, &why),
		    &why, ERR_DUTY_POST_NOT_FOUND))
		reply_json(r, 200, json_pack("{s:i}", "copied", copied));
}

/* ---- swaps ---- */

static bool swap_side_field(struct req *r, const char *key, int *day, int *index, const char **slot)
{
	static const char *const allowed[] = {"date", "index", "slot", NULL};
	json_t *o = json_object_get(r->json, key), *ix;
	const char *bad;
	int k;

	if (!o) {
		reply_error(r, ERR_FIELD_REQUIRED, key);
		return false;
	}
	if (!json_is_object(o)) {
		reply_error(r, ERR_FIELD_TYPE, key);
		return false;
	}
	if ((bad = json_unknown_key(o, allowed))) {
		reply_error(r, ERR_FIELD_UNKNOWN, arena_printf(r->a, "%s.%s", key, bad));
		return false;
	}
	if (!(*day = date_field(r, o, "date", arena_printf(r->a, "%s.date", key))))
		return false;
	ix = json_object_get(o, "index");
	if (!json_is_integer(ix) || json_integer_value(ix) < 0 ||
	    json_integer_value(ix) >= DUTY_SHIFTS_MAX) {
		reply_error(r, ERR_DUTY_SHIFT_INVALID, arena_printf(r->a, "%s.index", key));
		return false;
	}
	*index = (int)json_integer_value(ix);
	if (api_bad_field(r, json_get_str(o, "slot", 12, true, slot),
			  arena_printf(r->a, "%s.slot", key)))
		return false;
	if (!duty_slot_parse(*slot, &k)) {
		reply_error(r, ERR_DUTY_SLOT_INVALID, arena_printf(r->a, "%s.slot", key));
		return false;
	}
	return day_reachable(r, *day, arena_printf(r->a, "%s.date", key));
}

void api_duty_swap_ask(struct req *r)
{
	static const char *const allowed[] = {"uuid", "a", "b", "reason", NULL};
	const char *id = post_param(r);
	struct principal who = api_principal(r);
	struct duty_swap in = {0}, out;
	struct store_idem idem;
	enum duty_why why;
	bool replayed = false;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !swap_side_field(r, "a", &in.a_day, &in.a_index, &in.a_slot) ||
	    !swap_side_field(r, "b", &in.b_day, &in.b_index, &in.b_slot) ||
	    api_bad_field(r, json_get_str(r->json, "reason", 200, false, &in.reason), "reason"))
		return;
	snprintf(in.id, sizeof in.id, "%s", idem.uuid);
	if (failed(r,
		   svc_duty_swap_ask(r->srv->store, &who, &idem, id, &in, r->a, &out, &why,
				     &replayed),
		   &why, ERR_DUTY_POST_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201, swap_json(&out));
}

static void decide(struct req *r, bool approve)
{
	static const char *const allowed[] = {"uuid", NULL};
	const char *id = api_id_param(r, ERR_DUTY_SWAP_NOT_FOUND);
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct duty_swap out;
	enum duty_why why;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash))
		return;
	if (!failed(r,
		    svc_duty_swap_decide(r->srv->store, &who, &idem, id, approve, r->a, &out, &why),
		    &why, ERR_DUTY_SWAP_NOT_FOUND))
		reply_json(r, 200, swap_json(&out));
}

void api_duty_swap_approve(struct req *r)
{
	decide(r, true);
}

void api_duty_swap_reject(struct req *r)
{
	decide(r, false);
}

void api_duty_swaps(struct req *r)
{
	static const char *const states[] = {"pending", "approved", "rejected", "all", NULL};
	const char *id = post_param(r), *state = req_query(r, "state");
	struct principal who = api_principal(r);
	struct duty_swap *v;
	size_t n;
	bool known = !state;

	if (!id)
		return;
	for (const char *const *s = states; state && *s; s++)
		known = known || !strcmp(state, *s);
	if (!known) {
		reply_error(r, ERR_QUERY_INVALID, "state");
		return;
	}
	if (state && !strcmp(state, "all"))
		state = NULL;
	if (failed(r, svc_duty_swaps(r->srv->store, &who, id, state, r->a, &v, &n), NULL,
		   ERR_DUTY_POST_NOT_FOUND))
		return;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, swap_json(&v[i]));
	api_reply_list(r, items, (int64_t)n);
}

/* ---- who is on duty now ----
 *
 * The board of a county is hundreds of posts: its answer is written as text, the roster's
 * leader and officers copied as they are stored (JSON the server wrote), not parsed and
 * written again. */

enum { NOW_TEXT_MAX = 64 << 20 };

static void put(struct buf *b, const char *s)
{
	if (!buf_append(b, s, strlen(s)))
		fk_oom(); /* NOW_TEXT_MAX bounds DUTY_BOARD_MAX posts many times over */
}

/* s as a JSON string: quotes, backslashes and controls escaped, bytes that start no
 * well-formed UTF-8 character replaced by U+FFFD. */
static void put_str(struct buf *b, const char *s)
{
	const char *run = s; /* bytes written as they are, not yet appended */
	char esc[8];
	unsigned cp;
	int len;

	put(b, "\"");
	for (; s && *s; s += len) {
		len = utf8_next(s, &cp);
		if (len && cp >= 0x20 && cp != '"' && cp != '\\')
			continue;
		if (s > run && !buf_append(b, run, (size_t)(s - run)))
			fk_oom();
		if (!len) {
			put(b, "\xef\xbf\xbd");
			len = 1;
		} else {
			snprintf(esc, sizeof esc, cp < 0x20 ? "\\u%04x" : "\\%c", cp);
			put(b, esc);
		}
		run = s + len;
	}
	if (s && s > run && !buf_append(b, run, (size_t)(s - run)))
		fk_oom();
	put(b, "\"");
}

static void put_key(struct buf *b, const char *key, const char *value)
{
	put(b, ",\"");
	put(b, key);
	put(b, "\":");
	put_str(b, value);
}

/* A post with the shift going on at now and who holds it (the board's and now's items). */
static bool now_item(struct buf *b, const struct duty_post *p, int64_t now)
{
	int starts[DUTY_SHIFTS_MAX];
	struct duty_shift sh = duty_shift_at(starts, starts_of(p, starts), now);
	bool on = p->slot_index == sh.index && p->slot_day == sh.date;
	const char *leader = on && p->leader && *p->leader ? p->leader : "null";
	const char *officers = on && p->officers && *p->officers ? p->officers : "[]";
	bool gap = duty_gap(strcmp(leader, "null") != 0, strcmp(officers, "[]") != 0);
	char start[DUTY_ISO_LEN + 1], end[DUTY_ISO_LEN + 1], text[160];

	put(b, "{\"post\":{\"id\":");
	put_str(b, p->id);
	put_key(b, "kind", p->kind);
	put_key(b, "name", p->name);
	put_key(b, "area", p->area);
	put_key(b, "area_name", p->area_name);
	put_key(b, "level", p->level ? area_level_name((enum area_level)p->level) : "checkpoint");
	put_key(b, "phone", p->phone);
	duty_iso(sh.start, start);
	duty_iso(sh.end, end);
	snprintf(text, sizeof text,
		 "},\"shift\":{\"date\":\"%04d-%02d-%02d\",\"index\":%d,\"start\":\"%s\","
		 "\"end\":\"%s\"},\"leader\":",
		 sh.date / 10000, sh.date / 100 % 100, sh.date % 100, sh.index, start, end);
	put(b, text);
	put(b, leader);
	put(b, ",\"officers\":");
	put(b, officers);
	put(b, gap ? ",\"gap\":true}" : ",\"gap\":false}");
	return gap;
}

static void reply_now(struct req *r, enum store_status st, const struct duty_post *v, size_t n,
		      int64_t now, bool gaps, bool truncated)
{
	char at[DUTY_ISO_LEN + 1], text[64];
	struct buf b;
	int ngaps = 0;

	if (st != STORE_OK) {
		api_list_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	buf_init(&b, NOW_TEXT_MAX);
	duty_iso(now, at);
	snprintf(text, sizeof text, "{\"at\":\"%s\",\"items\":[", at);
	put(&b, text);
	for (size_t i = 0; i < n; i++) {
		if (i)
			put(&b, ",");
		ngaps += now_item(&b, &v[i], now);
	}
	put(&b, "]");
	if (gaps) {
		snprintf(text, sizeof text, ",\"gaps\":%d,\"truncated\":%s", ngaps,
			 truncated ? "true" : "false");
		put(&b, text);
	}
	put(&b, "}");
	reply_json_text(r, 200, b.data, b.len); /* the reply owns the bytes */
}

void api_duty_now(struct req *r)
{
	struct principal who = api_principal(r);
	const char *area;
	struct duty_post *v = NULL;
	size_t n = 0;
	int64_t now = time_now();

	if (!api_area_query(r, &area))
		return;
	enum store_status st =
		svc_duty_now(r->srv->store, &who, area ? area : who.area, now, r->a, &v, &n);
	reply_now(r, st, v, n, now, false, false);
}

void api_duty_board(struct req *r)
{
	struct principal who = api_principal(r);
	struct duty_post *v = NULL;
	size_t n = 0;
	int64_t now = time_now();

	bool truncated = false;
	enum store_status st = svc_duty_board(r->srv->store, &who, now, r->a, &v, &n, &truncated);

	reply_now(r, st, v, n, now, true, truncated);
}

/* ---- the log ---- */

void api_duty_log_list(struct req *r)
{
	const char *id = post_param(r), *state = req_query(r, "state");
	struct principal who = api_principal(r);
	struct duty_log *v;
	size_t n;
	int64_t total;
	int from, to, page, t = today();

	if (!id || !range_query(r, obs_date_add(t, -6), t, DUTY_LOG_DAYS_MAX, &from, &to) ||
	    !api_query_int(r, "page", 1, 10000, 1, &page))
		return;
	if (state && strcmp(state, "open") && strcmp(state, "all")) {
		reply_error(r, ERR_QUERY_INVALID, "state");
		return;
	}
	if (failed(r,
		   svc_duty_log_list(r->srv->store, &who, id, from, to,
				     state && !strcmp(state, "open"), page, r->a, &v, &n, &total),
		   NULL, ERR_DUTY_POST_NOT_FOUND))
		return;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, log_json(&v[i]));
	reply_json(r, 200,
		   json_pack("{s:o, s:I, s:i}", "items", items, "total", (json_int_t)total, "page",
			     page));
}

void api_duty_log_add(struct req *r)
{
	static const char *const allowed[] = {"uuid",         "at",      "kind",   "from_name",
					      "from_contact", "content", "action", NULL};
	const char *id = post_param(r), *at_s;
	struct principal who = api_principal(r);
	struct duty_log in = {0}, out;
	struct store_idem idem;
	enum duty_why why;
	int64_t now = time_now();
	bool replayed = false;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "at", 40, true, &at_s), "at") ||
	    api_bad_field(r, json_get_str(r->json, "kind", 16, true, &in.kind), "kind") ||
	    api_bad_field(r, json_get_str(r->json, "from_name", 32, false, &in.from_name),
			  "from_name") ||
	    api_bad_field(r, json_get_str(r->json, "from_contact", 64, false, &in.from_contact),
			  "from_contact") ||
	    api_bad_field(r, json_get_str(r->json, "content", TEXT_MAX, true, &in.content),
			  "content") ||
	    api_bad_field(r, json_get_str(r->json, "action", TEXT_MAX, false, &in.action),
			  "action"))
		return;
	if (!time_parse_iso(at_s, &in.at) || in.at > now + AT_SKEW_S || in.at < now - AT_BACK_S) {
		reply_error(r, ERR_DUTY_AT_INVALID, "at");
		return;
	}
	if (!duty_log_kind_valid(in.kind)) {
		reply_error(r, ERR_FIELD_VALUE, "kind");
		return;
	}
	snprintf(in.id, sizeof in.id, "%s", idem.uuid);
	if (!failed(r,
		    svc_duty_log_add(r->srv->store, &who, &idem, id, &in, r->a, &out, &why,
				     &replayed),
		    &why, ERR_DUTY_POST_NOT_FOUND))
		reply_json(r, replayed ? 200 : 201, log_json(&out));
}

/* hand {to, note}, return {result}, close {result}, note {note} */
static void log_act(struct req *r, enum duty_log_act act)
{
	static const char *const keys[][3] = {
		[DUTY_LOG_HAND] = {"to", "note", NULL},
		[DUTY_LOG_RETURN] = {"result", NULL, NULL},
		[DUTY_LOG_CLOSE] = {"result", NULL, NULL},
		[DUTY_LOG_NOTE] = {"note", NULL, NULL},
	};
	const char *allowed[] = {"uuid", keys[act][0], keys[act][1], NULL};
	const char *id = api_id_param(r, ERR_DUTY_LOG_NOT_FOUND), *text = NULL, *note = NULL;
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct duty_log out;
	enum duty_why why;
	char hash[65];
	size_t max = act == DUTY_LOG_HAND ? 64 : act == DUTY_LOG_NOTE ? NOTE_MAX : TEXT_MAX;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, keys[act][0], max, act != DUTY_LOG_CLOSE, &text),
			  keys[act][0]) ||
	    (keys[act][1] &&
	     api_bad_field(r, json_get_str(r->json, keys[act][1], NOTE_MAX, false, &note),
			   keys[act][1])))
		return;
	if (!failed(r,
		    svc_duty_log_act(r->srv->store, &who, &idem, id, act, text ? text : "",
				     note ? note : "", r->a, &out, &why),
		    &why, ERR_DUTY_LOG_NOT_FOUND))
		reply_json(r, 200, log_json(&out));
}

void api_duty_log_hand(struct req *r)
{
	log_act(r, DUTY_LOG_HAND);
}

void api_duty_log_return(struct req *r)
{
	log_act(r, DUTY_LOG_RETURN);
}

void api_duty_log_close(struct req *r)
{
	log_act(r, DUTY_LOG_CLOSE);
}

void api_duty_log_note(struct req *r)
{
	log_act(r, DUTY_LOG_NOTE);
}

/* The person of a task body read as an imported row, in the county of area: the address
 * resolved as an import's, an unresolved one going to area (the post's). */
static bool task_row(struct req *r, const char *area, struct import_row *row)
{
	const char *name, *idn = NULL, *phone = NULL, *address, *origin = NULL, *arrived = NULL;
	struct returnee_ctx ctx = {.today = today()};
	struct svc_reading *held;
	struct returnee *rt = arena_alloc(r->a, sizeof *rt);
	int arrival = 0;

	if (api_bad_field(r, json_get_str(r->json, "name", 40, true, &name), "name") ||
	    api_bad_field(r, json_get_str(r->json, "id_number", 40, false, &idn), "id_number") ||
	    api_bad_field(r, json_get_str(r->json, "phone", 32, false, &phone), "phone") ||
	    api_bad_field(r, json_get_str(r->json, "address", 200, true, &address), "address") ||
	    api_bad_field(r, json_get_str(r->json, "origin", 60, false, &origin), "origin") ||
	    api_bad_field(r, json_get_str(r->json, "arrived_on", 10, false, &arrived),
			  "arrived_on"))
		return false;
	if (arrived && !(arrival = date_of(r, arrived, "arrived_on")))
		return false;
	if (svc_reading_get(r->srv->refcache, r->srv->store, area, &held) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	svc_reading_ctx(held, &ctx);
	ctx.home_area = arena_printf(r->a, "%.12s", area);
	const char *cells[5] = {name, idn ? idn : "", phone ? phone : "", address,
				origin ? origin : ""};
	const enum table_field map[5] = {TF_NAME, TF_ID_NUMBER, TF_PHONE, TF_ADDRESS, TF_ORIGIN};
	returnee_from_row(&ctx, cells, NULL, 5, map, rt);
	svc_reading_put(r->srv->refcache, held);
	svc_person_row(rt, row);
	if (arrival)
		row->t.arrival = arrival;
	return true;
}

void api_duty_log_task(struct req *r)
{
	static const char *const allowed[] = {"uuid",    "name",   "id_number",  "phone",
					      "address", "origin", "arrived_on", NULL};
	const char *id = api_id_param(r, ERR_DUTY_LOG_NOT_FOUND);
	struct principal who = api_principal(r);
	struct import_row row;
	struct store_idem idem;
	struct duty_log entry, out;
	enum duty_why why;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash))
		return;
	if (failed(r, svc_duty_log_get(r->srv->store, &who, id, r->a, &entry), NULL,
		   ERR_DUTY_LOG_NOT_FOUND) ||
	    !task_row(r, entry.area, &row))
		return;
	if (!failed(r, svc_duty_log_task(r->srv->store, &who, &idem, id, &row, r->a, &out, &why),
		    &why, ERR_DUTY_LOG_NOT_FOUND))
		reply_json(r, 200, log_json(&out));
}

/* ---- handovers ---- */

void api_duty_handover_add(struct req *r)
{
	static const char *const allowed[] = {"uuid", "date", "index", "note", NULL};
	const char *id = post_param(r), *note = NULL;
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct duty_handover out;
	enum duty_why why;
	json_t *ix;
	bool replayed = false;
	char hash[65];
	int day;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !(day = date_field(r, r->json, "date", "date")) ||
	    api_bad_field(r, json_get_str(r->json, "note", NOTE_MAX, false, &note), "note"))
		return;
	ix = json_object_get(r->json, "index");
	if (!json_is_integer(ix) || json_integer_value(ix) < 0 ||
	    json_integer_value(ix) >= DUTY_SHIFTS_MAX) {
		reply_error(r, ERR_DUTY_SHIFT_INVALID, "index");
		return;
	}
	if (!failed(r,
		    svc_duty_handover_add(r->srv->store, &who, &idem, id, day,
					  (int)json_integer_value(ix), note ? note : "", r->a, &out,
					  &why, &replayed),
		    &why, ERR_DUTY_POST_NOT_FOUND))
		reply_json(r, replayed ? 200 : 201, handover_json(&out));
}

void api_duty_handover_confirm(struct req *r)
{
	static const char *const allowed[] = {"uuid", "note", NULL};
	const char *id = api_id_param(r, ERR_DUTY_HANDOVER_NOT_FOUND), *note = NULL;
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct duty_handover out;
	enum duty_why why;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "note", NOTE_MAX, false, &note), "note"))
		return;
	if (!failed(r,
		    svc_duty_handover_confirm(r->srv->store, &who, &idem, id, note ? note : "",
					      r->a, &out, &why),
		    &why, ERR_DUTY_HANDOVER_NOT_FOUND))
		reply_json(r, 200, handover_json(&out));
}

void api_duty_handovers(struct req *r)
{
	const char *id = post_param(r);
	struct principal who = api_principal(r);
	struct duty_handover *v;
	size_t n;
	int from, to, t = today();

	if (!id || !range_query(r, obs_date_add(t, -6), t, DUTY_ROSTER_DAYS_MAX, &from, &to))
		return;
	if (failed(r, svc_duty_handovers(r->srv->store, &who, id, from, to, r->a, &v, &n), NULL,
		   ERR_DUTY_POST_NOT_FOUND))
		return;
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, handover_json(&v[i]));
	api_reply_list(r, items, (int64_t)n);
}
