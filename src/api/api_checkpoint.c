/* api_checkpoint — checkpoints (卡口): opening and closing them, their staff, passages
 * registered at the gate (one vehicle with its persons), corrections, totals and the QR
 * pre-registration a traveller fills in on the public page.
 *
 * Each person of a passage is read as an imported row (domain/returnee.h): the ID number's
 * defects are flagged, not refused; the destination is resolved in the checkpoint's county
 * as an import's address (down to a grid by the village's rules), an unresolved one going
 * to the checkpoint's township (or the county for a county checkpoint); the origin and the
 * 14-day travel decide the key area. The plate is read by domain/plate.h; a plate that does
 * not parse is refused unless the staff say it is unreadable — then a note describes the
 * car, and the car is registered. The outcome is the staff's, or the rules' proposal
 * (domain/checkpoint.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/checkpoint.h"
#include "domain/area_code.h"
#include "domain/idcard.h"
#include "domain/observation.h"
#include "domain/phone.h"
#include "domain/plate.h"
#include "domain/returnee.h"
#include "http/ratelimit.h"
#include "util/qr.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { AT_SKEW_S = 300 }; /* a phone's clock may run a little ahead */
enum { STATS_DAYS_MAX = 366 };

/* ---- answers ---- */

static json_t *totals_json(const struct checkpoint_totals *t)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "vehicles",
			 (json_int_t)t->vehicles, "persons", (json_int_t)t->persons,
			 "key_area_vehicles", (json_int_t)t->key_area_vehicles, "key_area_persons",
			 (json_int_t)t->key_area_persons, "turned_back", (json_int_t)t->turned_back,
			 "clinic", (json_int_t)t->clinic, "handed_over", (json_int_t)t->handed_over,
			 "handovers_closed", (json_int_t)t->handovers_closed);
}

static json_t *shifts_json(const char *text)
{
	int starts[CHECKPOINT_SHIFTS];
	size_t n = checkpoint_shifts_parse(text, starts);
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_integer(starts[i]));
	return a;
}

static json_t *checkpoint_json(const struct checkpoint *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:b, s:o, s:o, s:I}", "id",
			 c->id, "name", c->name, "kind", c->kind, "area", c->area, "area_name",
			 c->area_name ? c->area_name : "", "location",
			 c->location ? c->location : "", "opened_on", api_date_json(c->opened_on),
			 "closed_on", api_date_json(c->closed_on), "open", !c->closed_on,
			 "shift_starts", shifts_json(c->shift_starts), "today",
			 totals_json(&c->today), "open_handovers", (json_int_t)c->open_handovers);
}

static json_t *hour_text(int h)
{
	char buf[8];

	snprintf(buf, sizeof buf, "%02d:00", h % 24);
	return json_string(buf);
}

static json_t *shift_list_json(const struct checkpoint_shift *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = totals_json(&v[i].t);
		json_object_set_new(o, "shift", json_integer(v[i].shift));
		json_object_set_new(o, "start", hour_text(v[i].from));
		json_object_set_new(o, "end", hour_text(v[i].to));
		json_array_append_new(a, o);
	}
	return a;
}

/* ---- checkpoints ---- */

static bool date_field(struct req *r, const char *key, int *out)
{
	const char *s;

	if (api_bad_field(r, json_get_str(r->json, key, 10, true, &s), key))
		return false;
	if (!(*out = api_parse_date(s))) {
		reply_error(r, ERR_CHECKPOINT_DATE_INVALID, key);
		return false;
	}
	return true;
}

/* "shift_starts": [8, 20] → "8,20" */
static bool shifts_field(struct req *r, const char **out)
{
	json_t *v = json_object_get(r->json, "shift_starts");
	int starts[CHECKPOINT_SHIFTS];
	size_t n;
	char *text = arena_alloc(r->a, 32);

	*out = "8,20";
	if (!v || json_is_null(v))
		return true;
	n = json_array_size(v);
	if (!json_is_array(v) || n < 1 || n > CHECKPOINT_SHIFTS)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		json_t *h = json_array_get(v, i);
		if (!json_is_integer(h) || json_integer_value(h) < 0 ||
		    json_integer_value(h) > 23 || (i && json_integer_value(h) <= starts[i - 1]))
			goto bad;
		starts[i] = (int)json_integer_value(h);
	}
	checkpoint_shifts_text(starts, n, text, 32);
	*out = text;
	return true;
bad:
	reply_error(r, ERR_CHECKPOINT_SHIFTS_INVALID, "shift_starts");
	return false;
}

static bool checkpoint_failed(struct req *r, enum store_status st)
{
	if (st == STORE_OK)
		return false;
	if (st == STORE_CONFLICT)
		reply_error(r, ERR_CHECKPOINT_CLOSED, NULL);
	else
		api_store_error(r, st, ERR_CHECKPOINT_NOT_FOUND);
	return true;
}

void api_checkpoint_create(struct req *r)
{
	static const char *const allowed[] = {"uuid",      "name",     "area",         "kind",
					      "opened_on", "location", "shift_starts", NULL};
	struct checkpoint in = {0}, out;
	struct principal who = api_principal(r);
	struct store_idem idem;
	const char *area;
	char hash[65];
	bool replayed;
	enum store_status st;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "name", 40, true, &in.name), "name") ||
	    api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, true, &area), "area") ||
	    api_bad_field(r, json_get_str(r->json, "kind", 16, true, &in.kind), "kind") ||
	    api_bad_field(r, json_get_str(r->json, "location", 100, false, &in.location),
			  "location") ||
	    !date_field(r, "opened_on", &in.opened_on) || !shifts_field(r, &in.shift_starts))
		return;
	if (!checkpoint_kind_valid(in.kind)) {
		reply_error(r, ERR_FIELD_VALUE, "kind");
		return;
	}
	if (area_code_level(area) == AREA_LEVEL_INVALID ||
	    !svc_ref_area_exists(r->srv->store, area)) {
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		return;
	}
	snprintf(in.area, sizeof in.area, "%s", area);
	snprintf(in.id, sizeof in.id, "%s", idem.uuid);
	in.created_at = time_now();
	st = svc_checkpoint_create(r->srv->store, &who, &idem, &in, r->a, &out, &replayed);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	reply_json(r, replayed ? 200 : 201, checkpoint_json(&out));
}

void api_checkpoint_close(struct req *r)
{
	static const char *const allowed[] = {"uuid", "closed_on", NULL};
	const char *id = api_id_param(r, ERR_CHECKPOINT_NOT_FOUND);
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct checkpoint out;
	char hash[65];
	int closed_on;
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !date_field(r, "closed_on", &closed_on))
		return;
	st = svc_checkpoint_close(r->srv->store, &who, &idem, id, closed_on, r->a, &out, NULL);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_CHECKPOINT_DATE_INVALID, "closed_on");
		return;
	}
	if (!checkpoint_failed(r, st))
		reply_json(r, 200, checkpoint_json(&out));
}

void api_checkpoint_staff_post(struct req *r)
{
	static const char *const allowed[] = {"uuid", "user_id", "remove", NULL};
	const char *id = api_id_param(r, ERR_CHECKPOINT_NOT_FOUND), *user_id;
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct checkpoint out;
	char hash[65];
	bool remove = false;
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "user_id", 36, true, &user_id), "user_id") ||
	    api_bad_field(r, json_get_bool(r->json, "remove", false, &remove), "remove"))
		return;
	if (!uuid_valid(user_id)) {
		reply_error(r, ERR_USER_NOT_FOUND, "user_id");
		return;
	}
	st = svc_checkpoint_staff_set(r->srv->store, &who, &idem, id, user_id, remove, r->a, &out,
				      NULL);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_CHECKPOINT_STAFF_ROLE, "user_id");
		return;
	}
	if (st == STORE_DENIED && who.denial && who.denial->field) {
		api_store_error(r, st, ERR_USER_NOT_FOUND); /* an account out of scope */
		return;
	}
	if (checkpoint_failed(r, st))
		return;
	/* its area (its scope) changed with its post: it signs in again, as after an area change */
	sessions_drop_user(r->srv->sessions, user_id);
	reply_json(r, 200, checkpoint_json(&out));
}

void api_checkpoint_list(struct req *r)
{
	struct principal who = api_principal(r);
	const char *area;
	int closed;
	struct checkpoint *v;
	size_t n;
	json_t *items;

	if (!api_area_query(r, &area) || !api_query_int(r, "closed", 0, 1, 0, &closed))
		return;
	enum store_status st = svc_checkpoint_list(r->srv->store, &who, area ? area : who.area,
						   closed, r->a, &v, &n);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, checkpoint_json(&v[i]));
	api_reply_list(r, items, (int64_t)n);
}

void api_checkpoint_get(struct req *r)
{
	const char *id = api_id_param(r, ERR_CHECKPOINT_NOT_FOUND);
	struct principal who = api_principal(r);
	struct checkpoint c;
	struct checkpoint_shift sh[CHECKPOINT_SHIFTS_MAX];
	struct user *staff;
	size_t nstaff, nsh;
	json_t *o, *sa;

	if (!id ||
	    !api_stored(r, svc_checkpoint_get(r->srv->store, &who, id, r->a, &c),
			ERR_CHECKPOINT_NOT_FOUND) ||
	    !api_stored(r, svc_checkpoint_staff(r->srv->store, &who, id, r->a, &staff, &nstaff),
			ERR_CHECKPOINT_NOT_FOUND) ||
	    !api_stored(
		    r,
		    svc_checkpoint_shifts(r->srv->store, &c, time_local_date(time_now()), sh, &nsh),
		    ERR_CHECKPOINT_NOT_FOUND))
		return;
	o = checkpoint_json(&c);
	sa = json_array();
	for (size_t i = 0; i < nstaff; i++)
		json_array_append_new(sa, json_pack("{s:s, s:s, s:s}", "id", staff[i].id,
						    "username", staff[i].username, "display_name",
						    staff[i].display_name));
	json_object_set_new(o, "staff", sa);
	json_object_set_new(o, "shifts_today", shift_list_json(sh, nsh));
	reply_json(r, 200, o);
}

/* ?name=YYYY-MM-DD (def when absent); 0 after a reply. */
static int date_query(struct req *r, const char *name, int def)
{
	const char *s = req_query(r, name);
	int d;

	if (!s)
		return def;
	if (!(d = api_parse_date(s)))
		reply_error(r, ERR_CHECKPOINT_DATE_INVALID, name);
	return d;
}

void api_checkpoint_stats(struct req *r)
{
	struct principal who = api_principal(r);
	int today = time_local_date(time_now());
	const char *area, *id = req_query(r, "checkpoint");
	struct checkpoint *v;
	struct checkpoint_totals sum;
	size_t n;
	json_t *o, *items;

	if (!api_area_query(r, &area))
		return;
	int to = date_query(r, "to", today), from = to ? date_query(r, "from", to) : 0;
	if (!to || !from)
		return;
	if (from > to || obs_date_diff(from, to) >= STATS_DAYS_MAX) {
		reply_error(r, ERR_CHECKPOINT_DATE_INVALID, from > to ? "from" : "to");
		return;
	}
	if (id && !api_uuid_ok(r, id, ERR_CHECKPOINT_NOT_FOUND))
		return;
	enum store_status st = svc_checkpoint_stats(r->srv->store, &who, area ? area : who.area, id,
						    from, to, r->a, &v, &n, &sum);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *c = totals_json(&v[i].today);
		json_object_update_new(
			c, json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "id", v[i].id, "name",
				     v[i].name, "area", v[i].area, "area_name",
				     v[i].area_name ? v[i].area_name : "", "kind", v[i].kind,
				     "open", !v[i].closed_on, "open_handovers",
				     (json_int_t)v[i].open_handovers));
		if (from == to) {
			struct checkpoint_shift sh[CHECKPOINT_SHIFTS_MAX];
			size_t nsh;
			if (!api_stored(r,
					svc_checkpoint_shifts(r->srv->store, &v[i], from, sh, &nsh),
					ERR_CHECKPOINT_NOT_FOUND)) {
				json_decref(c);
				json_decref(items);
				return;
			}
			json_object_set_new(c, "shifts", shift_list_json(sh, nsh));
		}
		json_array_append_new(items, c);
	}
	o = totals_json(&sum);
	json_object_update_new(o, json_pack("{s:o, s:o, s:o}", "from", api_date_json(from), "to",
					    api_date_json(to), "checkpoints", items));
	reply_json(r, 200, o);
}

/* ---- passages ---- */

/* What the API reads of the body: the vehicle and, per person, the fields. */
struct person_in {
	const char *name, *id_number, *phone, *origin, *travel, *destination, *purpose, *outcome;
	int temp; /* tenths */
};

static const char *vehicle_label(const char *kind)
{
	return !strcmp(kind, "car")     ? "小客车"
	       : !strcmp(kind, "bus")   ? "客车"
	       : !strcmp(kind, "truck") ? "货车"
					: "其他车辆";
}

/* A field of person i, named "persons[i].key" in an error. */
static bool person_str(struct req *r, const json_t *o, size_t i, const char *key, size_t max,
		       bool required, const char **out)
{
	enum json_field jf = json_get_str(o, key, max, required, out);

	if (jf == JSON_FIELD_ABSENT)
		*out = "";
	if (jf == JSON_FIELD_OK || jf == JSON_FIELD_ABSENT)
		return true;
	api_bad_field(r, jf, arena_printf(r->a, "persons[%zu].%s", i, key));
	return false;
}

static bool person_temp(struct req *r, const json_t *o, size_t i, bool required, int *out)
{
	json_t *v = json_object_get(o, "temperature");
	double t;

	*out = 0;
	if (!v || json_is_null(v)) {
		if (!required)
			return true;
		reply_error(r, ERR_FIELD_REQUIRED,
			    arena_printf(r->a, "persons[%zu].temperature", i));
		return false;
	}
	if (!json_is_number(v)) {
		reply_error(r, ERR_FIELD_TYPE, arena_printf(r->a, "persons[%zu].temperature", i));
		return false;
	}
	t = json_number_value(v);
	if (!(t >= 34.0 && t <= 43.0)) {
		reply_error(r, ERR_PASSAGE_TEMP_RANGE,
			    arena_printf(r->a, "persons[%zu].temperature", i));
		return false;
	}
	*out = (int)lround(t * 10.0);
	return true;
}

/* The persons of body (an array under "persons"): all fields when full, else only the
 * temperature and outcome (a pre-registration gives the rest). */
static bool persons_field(struct req *r, const json_t *body, bool full, bool temp_required,
			  size_t max, struct person_in **out, size_t *n)
{
	static const char *const all[] = {"name",    "id_number", "phone",       "temperature",
					  "origin",  "travel",    "destination", "purpose",
					  "outcome", NULL};
	static const char *const fast[] = {"temperature", "outcome", NULL};
	json_t *v = json_object_get(body, "persons");

	*n = json_array_size(v);
	if (!json_is_array(v) || *n < 1 || *n > max) {
		reply_error(r, v ? ERR_PASSAGE_PERSONS : ERR_FIELD_REQUIRED, "persons");
		return false;
	}
	*out = arena_alloc(r->a, *n * sizeof **out);
	for (size_t i = 0; i < *n; i++) {
		json_t *o = json_array_get(v, i);
		struct person_in *p = &(*out)[i];
		const char *bad;
		*p = (struct person_in){0};
		if (!json_is_object(o)) {
			reply_error(r, ERR_FIELD_TYPE, arena_printf(r->a, "persons[%zu]", i));
			return false;
		}
		if ((bad = json_unknown_key(o, full ? all : fast))) {
			reply_error(r, ERR_FIELD_UNKNOWN,
				    arena_printf(r->a, "persons[%zu].%s", i, bad));
			return false;
		}
		if (!person_temp(r, o, i, temp_required, &p->temp) ||
		    !person_str(r, o, i, "outcome", 16, false, &p->outcome))
			return false;
		if (*p->outcome && !checkpoint_outcome_valid(p->outcome)) {
			reply_error(r, ERR_FIELD_VALUE,
				    arena_printf(r->a, "persons[%zu].outcome", i));
			return false;
		}
		if (full && (!person_str(r, o, i, "name", 40, true, &p->name) ||
			     !person_str(r, o, i, "id_number", 40, false, &p->id_number) ||
			     !person_str(r, o, i, "phone", 32, false, &p->phone) ||
			     !person_str(r, o, i, "origin", 60, false, &p->origin) ||
			     !person_str(r, o, i, "travel", 100, false, &p->travel) ||
			     !person_str(r, o, i, "destination", 200, false, &p->destination) ||
			     !person_str(r, o, i, "purpose", 60, false, &p->purpose)))
			return false;
	}
	return true;
}

/* The vehicle of body: plate (normalised), unreadable, kind, direction, note. */
struct vehicle_in {
	struct plate plate;
	bool unreadable;
	const char *kind, *direction, *note;
};

static bool vehicle_field(struct req *r, const json_t *body, bool note_allowed,
			  struct vehicle_in *v)
{
	const char *plate = NULL;

	*v = (struct vehicle_in){.note = ""};
	if (api_bad_field(r, json_get_bool(body, "plate_unreadable", false, &v->unreadable),
			  "plate_unreadable") ||
	    api_bad_field(r, json_get_str(body, "plate", 20, !v->unreadable, &plate), "plate") ||
	    api_bad_field(r, json_get_str(body, "vehicle_kind", 8, true, &v->kind),
			  "vehicle_kind") ||
	    api_bad_field(r, json_get_str(body, "direction", 4, true, &v->direction),
			  "direction") ||
	    (note_allowed &&
	     api_bad_field(r, json_get_str(body, "note", 200, false, &v->note), "note")))
		return false;
	if (!v->note)
		v->note = "";
	if (!checkpoint_vehicle_valid(v->kind) || !checkpoint_direction_valid(v->direction)) {
		reply_error(r, ERR_FIELD_VALUE,
			    checkpoint_vehicle_valid(v->kind) ? "direction" : "vehicle_kind");
		return false;
	}
	if (!plate_parse(plate ? plate : "", &v->plate) && !v->unreadable) {
		reply_error(r, ERR_PLATE_INVALID, "plate");
		return false;
	}
	if (v->unreadable) {
		/* a plate read in part is kept as typed; its province counts for nothing */
		v->plate.province[0] = v->plate.province_code[0] = '\0';
		if (note_allowed && !*v->note) {
			reply_error(r, ERR_PLATE_NOTE_REQUIRED, "note");
			return false;
		}
	}
	return true;
}

/* Whether a key area of the list covers province code pc today (a whole province only). */
static bool plate_key(const struct returnee_ctx *ctx, const char *pc)
{
	for (size_t i = 0; *pc && i < ctx->nkeys; i++)
		if (!strcmp(ctx->keys[i].code, pc) && ctx->keys[i].start_date <= ctx->today &&
		    ctx->today <= ctx->keys[i].end_date)
			return true;
	return false;
}

/* One person read as an imported row, into the passage person q and the row a handover
 * places. */
static void person_read(struct req *r, const struct returnee_ctx *ctx, const struct person_in *in,
			const struct vehicle_in *v, const char *plate, int day, int fever_dc,
			size_t i, struct passage_person *q, struct import_row *row)
{
	const char *cells[5] = {in->name, in->id_number, in->phone, in->destination, in->origin};
	const enum table_field map[5] = {TF_NAME, TF_ID_NUMBER, TF_PHONE, TF_ADDRESS, TF_ORIGIN};
	struct returnee *rt = arena_alloc(r->a, sizeof *rt), travel;
	bool key;

	returnee_from_row(ctx, cells, NULL, 5, map, rt);
	key = rt->key_area;
	if (*in->travel) {
		const char *tc[2] = {in->name, in->travel};
		const enum table_field tm[2] = {TF_NAME, TF_ORIGIN};
		returnee_from_row(ctx, tc, NULL, 2, tm, &travel);
		key = key || travel.key_area;
	}
	*q = (struct passage_person){
		.seq = (int)i + 1,
		.name = rt->name,
		.id_number = rt->id_number,
		.id_valid = rt->id_valid,
		.defects = rt->defects,
		.phone = rt->phone,
		.temp = in->temp,
		.origin = in->origin,
		.travel = in->travel,
		.destination = in->destination,
		.purpose = in->purpose,
		.key_area = key,
	};
	memcpy(q->area, rt->area, sizeof q->area);
	q->proposed =
		checkpoint_propose(in->temp, fever_dc, key, plate_key(ctx, v->plate.province_code),
				   !strcmp(v->direction, "in"));
	q->outcome = *in->outcome ? in->outcome : q->proposed;
	svc_person_row(rt, row);
	row->p.categories = key ? CAT_KEY_AREA : 0; /* the 14-day travel counts too */
	row->t.arrival = day;
	row->t.transport = vehicle_label(v->kind);
	row->t.transport_no = plate;
}

/* The reading context of the checkpoint's county (shared: svc_refcache.c, held in *held
 * until put back): its addresses and reference lists; an unresolved destination goes to
 * the checkpoint's township, or the county. */
static bool county_ctx(struct req *r, const struct checkpoint *c, struct returnee_ctx *ctx,
		       struct svc_reading **held)
{
	size_t queue = strlen(c->area) >= 9 ? 9 : 6;

	*ctx = (struct returnee_ctx){.today = time_local_date(time_now())};
	if (svc_reading_get(r->srv->refcache, r->srv->store, c->area, held) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return false;
	}
	svc_reading_ctx(*held, ctx);
	ctx->home_area = arena_printf(r->a, "%.*s", (int)queue, c->area);
	return true;
}

/* The passage of body at checkpoint c, into in (persons read; pre holds a pre-registration's
 * body, whose vehicle and persons the staff's temperatures and outcomes complete). */
static bool passage_read(struct req *r, const struct checkpoint *c, const json_t *body,
			 const json_t *pre, int64_t at, struct passage_new *in)
{
	struct vehicle_in v;
	struct person_in *pi, *pp = NULL;
	struct returnee_ctx ctx;
	struct svc_reading *held;
	size_t n, npre = 0;
	int day = time_local_date(at);

	if (!vehicle_field(r, pre ? pre : body, !pre, &v) ||
	    !persons_field(r, body, !pre, true, PASSAGE_PERSONS_MAX, &pi, &n))
		return false;
	if (pre) {
		/* the traveller's persons, the staff's readings */
		if (!persons_field(r, pre, true, false, PREREG_PERSONS_MAX, &pp, &npre))
			return false;
		if (npre != n) {
			reply_error(r, ERR_PASSAGE_PERSONS, "persons");
			return false;
		}
		for (size_t i = 0; i < n; i++) {
			pp[i].temp = pi[i].temp;
			pp[i].outcome = pi[i].outcome;
		}
		pi = pp;
		const char *note = NULL;
		if (api_bad_field(r, json_get_str(body, "note", 200, false, &note), "note"))
			return false;
		v.note = note ? note : "";
	}
	if (!county_ctx(r, c, &ctx, &held))
		return false;
	/* the passage outlives this frame: its texts go to the request's arena */
	char *plate_text = arena_strdup(r->a, v.plate.text);
	in->p.plate = plate_text;
	in->p.plate_unreadable = v.unreadable;
	in->p.plate_province = arena_strdup(r->a, v.plate.province);
	in->p.plate_key_area = plate_key(&ctx, v.plate.province_code);
	in->p.vehicle_kind = v.kind;
	in->p.direction = v.direction;
	in->p.note = v.note;
	in->p.npersons = n;
	in->p.persons = arena_alloc(r->a, n * sizeof *in->p.persons);
	in->rows = arena_alloc(r->a, n * sizeof *in->rows);
	for (size_t i = 0; i < n; i++)
		person_read(r, &ctx, &pi[i], &v, plate_text, day, r->srv->obs.fever_dc, i,
			    &in->p.persons[i], &in->rows[i]);
	svc_reading_put(r->srv->refcache, held);
	return true;
}

static void reply_passage(struct req *r, int status, const struct passage *p)
{
	reply_json(r, status, svc_passage_json(p));
}

static bool passage_failed(struct req *r, enum store_status st, bool prereg_gone)
{
	if (st == STORE_OK)
		return false;
	if (prereg_gone)
		reply_error(r, ERR_PREREG_NOT_FOUND, "prereg");
	else if (st == STORE_INVALID)
		reply_error(r, ERR_PASSAGE_AT_INVALID, "at");
	else if (st == STORE_CONFLICT)
		reply_error(r, ERR_CHECKPOINT_CLOSED, NULL);
	else
		api_store_error(r, st, ERR_CHECKPOINT_NOT_FOUND);
	return true;
}

void api_passage_create(struct req *r)
{
	static const char *const allowed[] = {
		"uuid",         "at",        "plate",  "plate_unreadable", "note",
		"vehicle_kind", "direction", "prereg", "persons",          NULL};
	const char *id = api_id_param(r, ERR_CHECKPOINT_NOT_FOUND), *at_s, *code = NULL;
	struct principal who = api_principal(r);
	struct passage_new in = {.now = time_now()};
	struct store_idem idem;
	struct checkpoint c;
	struct passage out;
	struct prereg pr;
	json_t *pre = NULL;
	char hash[65];
	bool gone = false, replayed;
	int64_t at;
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "at", 40, true, &at_s), "at") ||
	    api_bad_field(r, json_get_str(r->json, "prereg", 12, false, &code), "prereg"))
		return;
	if (!time_parse_iso(at_s, &at) || at > in.now + AT_SKEW_S) {
		reply_error(r, ERR_PASSAGE_AT_INVALID, "at");
		return;
	}
	if (!api_stored(r, svc_checkpoint_get(r->srv->store, &who, id, r->a, &c),
			ERR_CHECKPOINT_NOT_FOUND))
		return;
	if (code) {
		/* a replay after the pre-registration was consumed answers the stored passage */
		st = svc_prereg_get(r->srv->store, &who, code, r->a, &pr);
		if (st == STORE_OK && strcmp(pr.checkpoint_id, c.id))
			st = STORE_NOT_FOUND;
		if (st == STORE_OK)
			pre = json_loads(pr.body, 0, NULL);
		else if (st != STORE_NOT_FOUND && st != STORE_DENIED) {
			api_store_error(r, st, ERR_PREREG_NOT_FOUND);
			return;
		}
	}
	if (code && !pre) {
		/* gone: a replay of the registration that used it, or nothing */
		in.p.npersons = 0;
		in.prereg = code;
		in.p.persons = NULL;
	} else if (!passage_read(r, &c, r->json, pre, at, &in)) {
		json_decref(pre);
		return;
	}
	snprintf(in.p.id, sizeof in.p.id, "%s", idem.uuid);
	snprintf(in.p.checkpoint_id, sizeof in.p.checkpoint_id, "%s", c.id);
	in.p.at = at;
	in.prereg = code;
	st = svc_passage_add(r->srv->store, &who, &idem, &in, r->a, &out, &gone, &replayed);
	json_decref(pre); /* the persons' texts were its */
	if (!passage_failed(r, st, gone))
		reply_passage(r, replayed ? 200 : 201, &out);
}

/* A correction gives the whole vehicle again, but the console has only ever seen the ID
 * numbers and phones masked: a person whose id_number or phone the body leaves out keeps the
 * registered one (persons in the order of the passage's). */
static void correct_keep(struct req *r, const struct passage *old)
{
	json_t *v = json_object_get(r->json, "persons");

	for (size_t i = 0; i < json_array_size(v) && i < old->npersons; i++) {
		json_t *o = json_array_get(v, i);
		const struct passage_person *q = &old->persons[i];
		if (!json_is_object(o))
			continue;
		if (!json_object_get(o, "id_number"))
			json_object_set_new(o, "id_number",
					    json_string(q->id_number ? q->id_number : ""));
		if (!json_object_get(o, "phone"))
			json_object_set_new(o, "phone", json_string(q->phone ? q->phone : ""));
	}
}

void api_passage_correct(struct req *r)
{
	static const char *const allowed[] = {
		"uuid",      "reason",  "plate", "plate_unreadable", "note", "vehicle_kind",
		"direction", "persons", NULL};
	const char *id = api_id_param(r, ERR_PASSAGE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct passage_new in = {.now = time_now()};
	struct passage old, out;
	struct checkpoint c;
	struct store_idem idem;
	char hash[65];
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "reason", 200, true, &in.reason), "reason"))
		return;
	if (!api_stored(r, svc_passage_current(r->srv->store, &who, id, r->a, &old),
			ERR_PASSAGE_NOT_FOUND) ||
	    !api_stored(r, svc_checkpoint_get(r->srv->store, &who, old.checkpoint_id, r->a, &c),
			ERR_PASSAGE_NOT_FOUND))
		return;
	correct_keep(r, &old);
	if (!passage_read(r, &c, r->json, NULL, old.at, &in))
		return;
	st = svc_passage_correct(r->srv->store, &who, &idem, id, &in, r->a, &out, NULL);
	if (st == STORE_INVALID)
		reply_error(r, ERR_PASSAGE_PERSONS, "persons");
	else if (st == STORE_CONFLICT)
		reply_error(r, ERR_PASSAGE_HANDED_OVER, "persons");
	else if (st != STORE_OK)
		api_store_error(r, st, ERR_PASSAGE_NOT_FOUND);
	else
		reply_passage(r, 200, &out);
}

void api_passage_get(struct req *r)
{
	const char *id = api_id_param(r, ERR_PASSAGE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct passage p;
	struct passage_version *v;
	size_t nv;
	json_t *o, *va;

	if (!id || !api_stored(r, svc_passage_get(r->srv->store, &who, id, r->a, &p, &v, &nv),
			       ERR_PASSAGE_NOT_FOUND))
		return;
	o = svc_passage_json(&p);
	va = json_array();
	for (size_t i = 0; i < nv; i++)
		json_array_append_new(va, json_pack("{s:i, s:I, s:s, s:s, s:o}", "version",
						    v[i].version, "at", (json_int_t)v[i].at, "by",
						    v[i].by, "reason", v[i].reason, "body",
						    json_loads(v[i].body, 0, NULL)));
	json_object_set_new(o, "versions", va);
	reply_json(r, 200, o);
}

void api_passage_list(struct req *r)
{
	const char *id = api_id_param(r, ERR_CHECKPOINT_NOT_FOUND);
	const char *outcome = req_query(r, "outcome"), *q = req_query(r, "q");
	struct principal who = api_principal(r);
	struct passage *v;
	size_t n;
	int64_t total;
	int shift, limit, offset, day;
	json_t *items;

	if (!id || !(day = date_query(r, "day", time_local_date(time_now()))) ||
	    !api_query_int(r, "shift", 0, CHECKPOINT_SHIFTS, 0, &shift) ||
	    !api_query_int(r, "limit", 1, PASSAGE_PAGE_MAX, 50, &limit) ||
	    !api_query_int(r, "offset", 0, 1000000, 0, &offset))
		return;
	if ((outcome && !checkpoint_outcome_valid(outcome)) || (q && strlen(q) > 40)) {
		reply_error(r, ERR_QUERY_INVALID,
			    outcome && !checkpoint_outcome_valid(outcome) ? "outcome" : "q");
		return;
	}
	enum store_status st =
		svc_passage_list(r->srv->store, &who, id, day, shift, outcome, q && *q ? q : NULL,
				 limit, offset, r->a, &v, &n, &total);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_QUERY_INVALID, "shift");
		return;
	}
	if (!api_stored(r, st, ERR_CHECKPOINT_NOT_FOUND))
		return;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, svc_passage_json(&v[i]));
	api_reply_list(r, items, total);
}

bool api_passage_lines_query(struct req *r, const char **checkpoint, int *from, int *to,
			     const char **outcome)
{
	int today = time_local_date(time_now());

	*checkpoint = req_query(r, "checkpoint");
	*outcome = req_query(r, "outcome");
	if (!*checkpoint || !uuid_valid(*checkpoint)) {
		reply_error(r, ERR_CHECKPOINT_NOT_FOUND, "checkpoint");
		return false;
	}
	if (*outcome && !checkpoint_outcome_valid(*outcome)) {
		reply_error(r, ERR_QUERY_INVALID, "outcome");
		return false;
	}
	if (!(*to = date_query(r, "to", today)) || !(*from = date_query(r, "from", *to)))
		return false;
	if (*from > *to || obs_date_diff(*from, *to) >= STATS_DAYS_MAX) {
		reply_error(r, ERR_CHECKPOINT_DATE_INVALID, *from > *to ? "from" : "to");
		return false;
	}
	return true;
}

/* ---- the QR poster and pre-registrations ---- */

static const char *pre_url(struct req *r, const char *id)
{
	return arena_printf(r->a, "%s/pre/%s", server_link_base(r), id);
}

void api_checkpoint_poster(struct req *r)
{
	const char *id = api_id_param(r, ERR_CHECKPOINT_NOT_FOUND), *url, *svg;
	struct principal who = api_principal(r);
	struct checkpoint c;

	if (!id || !api_stored(r, svc_checkpoint_get(r->srv->store, &who, id, r->a, &c),
			       ERR_CHECKPOINT_NOT_FOUND))
		return;
	url = pre_url(r, c.id);
	svg = qr_svg(url, r->a);
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "id", c.id, "name", c.name,
			     "location", c.location ? c.location : "", "url", url, "qr_svg",
			     svg ? svg : "", "open", !c.closed_on));
}

/* A pre-registration as staff see it: masked. */
static json_t *prereg_json(const struct prereg *p, bool mask)
{
	json_t *o = json_loads(p->body, 0, NULL), *persons;

	if (!o)
		o = json_object();
	persons = json_object_get(o, "persons");
	for (size_t i = 0; mask && i < json_array_size(persons); i++) {
		json_t *q = json_array_get(persons, i);
		const char *idn = json_string_value(json_object_get(q, "id_number"));
		const char *ph = json_string_value(json_object_get(q, "phone"));
		char idm[ID_NUMBER_MAX + 1] = "", phm[PHONE_LEN + 1] = "";
		if (idn && *idn)
			idcard_mask(idn, idm, sizeof idm);
		if (ph && *ph)
			phone_mask(ph, phm);
		json_object_set_new(q, "id_number", json_string(idm));
		json_object_set_new(q, "phone", json_string(phm));
	}
	json_object_del(o, "uuid");
	json_object_update_new(o,
			       json_pack("{s:s, s:s, s:I, s:I}", "code", p->code, "checkpoint_id",
					 p->checkpoint_id, "created_at", (json_int_t)p->created_at,
					 "expires_at", (json_int_t)p->expires_at));
	return o;
}

void api_prereg_get(struct req *r)
{
	const char *code = r->match.params[0];
	struct principal who = api_principal(r);
	struct prereg p;

	if (strlen(code) != 8 || strspn(code, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ") != 8) {
		reply_error(r, ERR_PREREG_NOT_FOUND, NULL);
		return;
	}
	if (!api_stored(r, svc_prereg_get(r->srv->store, &who, code, r->a, &p),
			ERR_PREREG_NOT_FOUND))
		return;
	reply_json(r, 200, prereg_json(&p, true));
}

/* The public pages are rate-limited per address, and a pre-registration per checkpoint. */
static bool pre_allowed(struct req *r, const char *id, bool write)
{
	int64_t now = time_now();

	if (!ratelimit_allow(r->srv->self_rl, arena_printf(r->a, "pre-ip:%s", r->ip), now) ||
	    (write && !ratelimit_allow(r->srv->pre_rl, arena_printf(r->a, "cp:%s", id), now))) {
		reply_error(r, ERR_RATE_LIMITED, NULL);
		return false;
	}
	return true;
}

void api_pre_get(struct req *r)
{
	const char *id = r->match.params[0];
	struct checkpoint c;

	if (!uuid_valid(id)) {
		reply_error(r, ERR_CHECKPOINT_NOT_FOUND, NULL);
		return;
	}
	if (!pre_allowed(r, id, false) ||
	    !api_stored(r, svc_checkpoint_public(r->srv->store, id, r->a, &c),
			ERR_CHECKPOINT_NOT_FOUND))
		return;
	/* the area, for the plate's province the page starts on: no personal data */
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:b, s:s}", "name", c.name, "kind", c.kind,
			     "location", c.location ? c.location : "", "open", !c.closed_on, "area",
			     c.area));
}

/* A traveller's person: an ID number must pass (the traveller can correct it now) and a
 * phone must be a phone. */
static bool pre_person_ok(struct req *r, const struct person_in *p, size_t i)
{
	char norm[PHONE_LEN + 1];
	struct id_result id;

	idcard_parse(p->id_number, ID_DOC_NONE, time_local_date(time_now()), &id);
	if (!idcard_ok(&id)) {
		reply_error(r, id.defect == ID_EMPTY ? ERR_FIELD_REQUIRED : ERR_FIELD_VALUE,
			    arena_printf(r->a, "persons[%zu].id_number", i));
		return false;
	}
	if (!phone_normalize(p->phone, norm)) {
		reply_error(r, ERR_PHONE_INVALID, arena_printf(r->a, "persons[%zu].phone", i));
		return false;
	}
	return true;
}

void api_pre_post(struct req *r)
{
	static const char *const allowed[] = {
		"uuid", "plate", "plate_unreadable", "vehicle_kind", "direction", "persons", NULL};
	const char *id = r->match.params[0];
	struct principal who = svc_public_principal(r->ip, r->id);
	struct store_idem idem;
	struct vehicle_in v;
	struct person_in *pi;
	struct prereg out;
	size_t n;
	char hash[65];
	bool replayed;
	enum store_status st;
	json_t *o;

	if (!uuid_valid(id)) {
		reply_error(r, ERR_CHECKPOINT_NOT_FOUND, NULL);
		return;
	}
	if (!pre_allowed(r, id, true) || api_unknown_fields(r, allowed) ||
	    !api_idem(r, &idem, hash) || !vehicle_field(r, r->json, false, &v) ||
	    !persons_field(r, r->json, true, false, PREREG_PERSONS_MAX, &pi, &n))
		return;
	idem.user_id = NULL;
	for (size_t i = 0; i < n; i++) {
		if (pi[i].temp || *pi[i].outcome) {
			reply_error(r, ERR_FIELD_UNKNOWN,
				    arena_printf(r->a, "persons[%zu].%s", i,
						 pi[i].temp ? "temperature" : "outcome"));
			return;
		}
		if (!pre_person_ok(r, &pi[i], i))
			return;
	}
	char *body = json_dumps(r->json, JSON_COMPACT | JSON_SORT_KEYS);
	if (!body)
		fk_oom();
	const char *stored = arena_strdup(r->a, body);
	free(body);
	st = svc_prereg_create(r->srv->store, &who, &idem, id, stored, time_now(),
			       r->srv->cfg.prereg_pending_max, r->a, &out, &replayed);
	if (st == STORE_BUSY) { /* as many wait as the checkpoint takes: come back later */
		reply_error(r, ERR_RATE_LIMITED, NULL);
		return;
	}
	if (checkpoint_failed(r, st))
		return;
	/* what the traveller typed, the code and its QR: nothing else */
	o = prereg_json(&out, false);
	json_object_set_new(o, "qr_svg", json_string(qr_svg(out.code, r->a)));
	reply_json(r, replayed ? 200 : 201, o);
}
