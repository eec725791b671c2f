/* api_closure — closed management of residential areas (封闭式管理): closures and their
 * rules, households (from the files, by hand, from a sheet), passes with their QR, gates
 * and guards, the guard's phone page (check, record, the offline list) and the
 * commander's figures. docs/api.md "Closed management" is the contract.
 *
 * A pass number is read by domain/closure.h (dashes, lower case and the FKP: prefix
 * tolerated); the QR carries only "FKP:" and the number. A household's sheet is read by
 * the sheet readers of the list imports (io/sheet.h: .csv in UTF-8 or GB18030, .xlsx,
 * .xls), its header named in Chinese or English; rows with a bad field are rejected one by
 * one, the others kept. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/area_code.h"
#include "domain/closure.h"
#include "domain/observation.h"
#include "domain/phone.h"
#include "domain/text.h"
#include "io/sheet.h"
#include "util/qr.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { OFFLINE_DAYS = 7, STATS_DAYS_MAX = 92, CELL_MAX = 256 };
enum { HEAD_MAX = 32, ADDRESS_MAX = 100, REASON_MAX = 200, NAME_MAX = 40, MEMBERS_MAX = 30 };

/* ---- answers ---- */

static json_t *time_or_null(int64_t t)
{
	return t ? api_time_json(t) : json_null();
}

static json_t *number_json(const char *number)
{
	char shown[CLOSURE_PASS_LEN + 2];

	closure_pass_show(number, shown);
	return json_string(shown);
}

static const char *pass_state(const struct closure_pass *p, int64_t now)
{
	if (p->revoked_at)
		return "revoked";
	if (p->valid_to && p->valid_to < now)
		return "expired";
	return "valid";
}

static json_t *closure_json(const struct closure *c)
{
	const struct closure_counts *k = &c->counts;

	return json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:s, s:{s:i, s:i, s:b, s:b}, s:s, s:s, s:o, s:I,"
		" s:{s:I, s:I, s:I, s:{s:I, s:I, s:I}, s:I, s:I, s:I}}",
		"id", c->id, "area", c->area, "area_name", c->area_name, "from",
		api_date_json(c->from_day), "until", api_date_json(c->until_day), "reason",
		c->reason, "rules", "out_per_household", c->out_per, "every_days", c->every_days,
		"outsiders", c->outsiders, "vehicles", c->vehicles, "state", c->state, "created_by",
		c->created_by, "created_at", api_time_json(c->created_at), "list_version",
		(json_int_t)c->list_version, "counts", "households", (json_int_t)k->households,
		"blocked", (json_int_t)k->blocked, "observation", (json_int_t)k->observation,
		"passes", "resident", (json_int_t)k->resident, "worker", (json_int_t)k->worker,
		"temporary", (json_int_t)k->temporary, "out_now", (json_int_t)k->out_now,
		"exits_today", (json_int_t)k->exits_today, "refusals_today",
		(json_int_t)k->refusals_today);
}

static json_t *household_json(struct req *r, const struct household *h, int next, bool reveal)
{
	char masked[PHONE_LEN + 1] = "";
	const char *phone = h->phone;

	if (!reveal && phone && *phone) {
		phone_mask(phone, masked);
		phone = masked;
	}
	(void)r;
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:b, s:s, s:b, s:o, s:o, s:o}", "id",
			 h->id, "head", h->head, "head_phone", phone ? phone : "", "address",
			 h->address, "members", h->members, "phone", phone ? phone : "", "source",
			 h->source, "blocked", h->blocked, "blocked_reason", h->blocked_reason,
			 "observation", h->observation, "pass",
			 h->pass_number && *h->pass_number
				 ? json_pack("{s:o, s:s}", "number", number_json(h->pass_number),
					     "state", "valid")
				 : json_null(),
			 "last_out_at", time_or_null(h->last_out_at), "next_allowed_on",
			 api_date_json(next));
}

static json_t *pass_json(const struct closure_pass *p, int64_t now)
{
	return json_pack("{s:o, s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:s, s:o, s:s, s:o, s:o,"
			 " s:o, s:s, s:s}",
			 "number", number_json(p->number), "qr_text",
			 p->number, /* the canonical number: the QR says FKP: and it */
			 "kind", p->kind, "household_id",
			 json_str_or_null(*p->household_id ? p->household_id : NULL), "holder",
			 p->holder, "employer", p->employer, "purpose", p->purpose, "valid_from",
			 time_or_null(p->valid_from), "valid_to", time_or_null(p->valid_to),
			 "state", pass_state(p, now), "issued_at", api_time_json(p->issued_at),
			 "issued_by", p->issued_by, "replaces",
			 *p->replaces ? number_json(p->replaces) : json_null(), "replaced_by",
			 *p->replaced_by ? number_json(p->replaced_by) : json_null(), "revoked_at",
			 time_or_null(p->revoked_at), "closure_id", p->closure_id, "revoke_reason",
			 p->revoke_reason);
}

static json_t *gate_json(const struct gate *g)
{
	return json_pack("{s:s, s:s, s:s, s:I}", "id", g->id, "closure_id", g->closure_id, "name",
			 g->name, "guards", (json_int_t)g->guards);
}

static json_t *check_json(struct req *r, const struct gate_check *c)
{
	json_t *pass = json_null();

	if (c->shown)
		pass = json_pack("{s:o, s:s, s:s, s:s, s:s, s:i}", "number",
				 number_json(c->pass.number), "kind", c->pass.kind, "holder",
				 c->pass.holder, "head", api_name_mask(r->a, c->pass.head),
				 "address", c->pass.address, "members", c->pass.members);
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:b, s:b}", "verdict",
			 c->green ? "green" : "red", "reason", closure_reason_name(c->reason),
			 "pass", pass, "last_out_at", time_or_null(c->last_out_at),
			 "next_allowed_on", api_date_json(c->next_allowed), "out_now", c->out_now,
			 "fever", c->fever);
}

static json_t *record_json(const struct gate_record *g)
{
	return json_pack(
		"{s:s, s:o, s:s, s:o, s:s, s:s, s:o, s:b, s:s, s:s, s:s, s:s, s:s, s:b,"
		" s:s, s:s, s:I}",
		"id", g->id, "at", api_time_json(g->at), "direction", g->direction, "number",
		number_json(g->number), "verdict", g->verdict, "reason", g->reason, "temperature",
		g->temp ? json_real(g->temp / 10.0) : json_null(), "fever", g->fever, "gate",
		g->gate_id, "gate_name", g->gate_name, "guard", g->guard, "person", g->person,
		"override_reason", g->override_reason, "offline_disagreed", g->offline_disagreed,
		"closure_id", g->closure_id, "household_id", g->household_id, "late_s",
		(json_int_t)(g->created_at > g->at ? g->created_at - g->at : 0));
}

/* ---- errors ---- */

static bool closure_failed(struct req *r, enum store_status st, enum err not_found)
{
	if (st == STORE_OK)
		return false;
	if (st == STORE_CONFLICT)
		reply_error(r, ERR_CLOSURE_ENDED, NULL);
	else if (st == STORE_INVALID)
		reply_error(r, ERR_CLOSURE_ENDED, NULL);
	else
		api_store_error(r, st, not_found);
	return true;
}

static bool date_field(struct req *r, const char *key, bool required, int *out)
{
	const char *s;
	enum json_field jf = json_get_str(r->json, key, 10, required, &s);

	*out = 0;
	if (jf == JSON_FIELD_ABSENT)
		return true;
	if (api_bad_field(r, jf, key))
		return false;
	if (!(*out = api_parse_date(s))) {
		reply_error(r, ERR_CLOSURE_DATE_INVALID, key);
		return false;
	}
	return true;
}

/* A whole-number field in [min, max] (def when absent). */
static bool int_field(const json_t *o, struct req *r, const char *key, int min, int max, int def,
		      enum err e, int *out)
{
	json_t *v = json_object_get(o, key);

	*out = def;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_integer(v)) {
		reply_error(r, ERR_FIELD_TYPE, key);
		return false;
	}
	if (json_integer_value(v) < min || json_integer_value(v) > max) {
		reply_error(r, e, key);
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

static bool bool_in(const json_t *o, struct req *r, const char *key, bool *out)
{
	return !api_bad_field(r, json_get_bool(o, key, false, out), key);
}

/* "rules": {out_per_household, every_days, outsiders, vehicles} into c (defaults 1, 2). */
static bool rules_field(struct req *r, struct closure *c, bool *given)
{
	static const char *const allowed[] = {"out_per_household", "every_days", "outsiders",
					      "vehicles", NULL};
	json_t *o = json_object_get(r->json, "rules");
	const char *bad;

	c->out_per = 1;
	c->every_days = 2;
	c->outsiders = c->vehicles = false;
	*given = o && !json_is_null(o);
	if (!*given)
		return true;
	if (!json_is_object(o)) {
		reply_error(r, ERR_FIELD_TYPE, "rules");
		return false;
	}
	if ((bad = json_unknown_key(o, allowed))) {
		reply_error(r, ERR_FIELD_UNKNOWN, arena_printf(r->a, "rules.%.40s", bad));
		return false;
	}
	return int_field(o, r, "out_per_household", 1, CLOSURE_OUT_MAX, 1,
			 ERR_CLOSURE_RULES_INVALID, &c->out_per) &&
	       int_field(o, r, "every_days", 1, CLOSURE_EVERY_MAX, 2, ERR_CLOSURE_RULES_INVALID,
			 &c->every_days) &&
	       bool_in(o, r, "outsiders", &c->outsiders) && bool_in(o, r, "vehicles", &c->vehicles);
}

/* ---- closures ---- */

void api_closure_create(struct req *r)
{
	static const char *const allowed[] = {"uuid", "area", "from", "reason", "rules", NULL};
	struct principal who = api_principal(r);
	struct closure in = {0}, out;
	struct store_idem idem;
	const char *area;
	char hash[65];
	bool replayed, given;
	enum store_status st;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, true, &area), "area") ||
	    !date_field(r, "from", true, &in.from_day) ||
	    api_bad_field(r, json_get_str(r->json, "reason", REASON_MAX, false, &in.reason),
			  "reason") ||
	    !rules_field(r, &in, &given))
		return;
	enum area_level lv = area_code_level(area);
	if (lv == AREA_LEVEL_INVALID || !svc_ref_area_exists(r->srv->store, area)) {
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		return;
	}
	if (lv != AREA_LEVEL_VILLAGE && lv != AREA_LEVEL_GRID && lv != AREA_LEVEL_GROUP) {
		reply_error(r, ERR_CLOSURE_AREA_LEVEL, "area");
		return;
	}
	snprintf(in.area, sizeof in.area, "%s", area);
	snprintf(in.id, sizeof in.id, "%s", idem.uuid);
	in.created_by = who.username;
	in.created_at = time_now();
	st = svc_closure_create(r->srv->store, &who, &idem, &in, r->a, &out, &replayed);
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_CLOSURE_EXISTS, "area");
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	if (!api_stored(r, svc_closure_get(r->srv->store, &who, out.id, r->a, &out),
			ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201, closure_json(&out));
}

void api_closure_update(struct req *r)
{
	static const char *const allowed[] = {"uuid", "rules", "reason", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct closure in = {0}, out;
	struct store_idem idem;
	char hash[65];
	unsigned rules = 0;
	bool given;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "reason", REASON_MAX, false, &in.reason),
			  "reason") ||
	    !rules_field(r, &in, &given))
		return;
	/* the rules not named keep their values */
	if (given) {
		const json_t *o = json_object_get(r->json, "rules");
		static const char *const keys[] = {"out_per_household", "every_days", "outsiders",
						   "vehicles"};

		for (unsigned k = 0; k < 4; k++)
			if (json_object_get(o, keys[k]))
				rules |= 1u << k;
	}
	snprintf(in.id, sizeof in.id, "%s", id);
	if (closure_failed(r,
			   svc_closure_update(r->srv->store, &who, &idem, &in, rules, r->a, &out),
			   ERR_CLOSURE_NOT_FOUND) ||
	    !api_stored(r, svc_closure_get(r->srv->store, &who, id, r->a, &out),
			ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, 200, closure_json(&out));
}

void api_closure_reopen(struct req *r)
{
	static const char *const allowed[] = {"uuid", "on", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct closure out;
	char hash[65];
	int on;
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !date_field(r, "on", true, &on))
		return;
	st = svc_closure_reopen(r->srv->store, &who, &idem, id, on, r->a, &out);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_CLOSURE_DATE_INVALID, "on");
		return;
	}
	if (closure_failed(r, st, ERR_CLOSURE_NOT_FOUND) ||
	    !api_stored(r, svc_closure_get(r->srv->store, &who, id, r->a, &out),
			ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, 200, closure_json(&out));
}

void api_closure_list(struct req *r)
{
	struct principal who = api_principal(r);
	const char *area, *state = req_query(r, "state");
	struct closure *v;
	size_t n;
	json_t *items;

	if (!api_area_query(r, &area))
		return;
	if (state && strcmp(state, "active") && strcmp(state, "all")) {
		reply_error(r, ERR_QUERY_INVALID, "state");
		return;
	}
	enum store_status st = svc_closure_list(r->srv->store, &who, area,
						state && !strcmp(state, "all"), r->a, &v, &n);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, closure_json(&v[i]));
	api_reply_list(r, items, (int64_t)n);
}

void api_closure_get(struct req *r)
{
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct closure c;

	if (!id || !api_stored(r, svc_closure_get(r->srv->store, &who, id, r->a, &c),
			       ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, 200, closure_json(&c));
}

/* ---- households ---- */

void api_household_list(struct req *r)
{
	static const char *const filters[] = {"all", "blocked", "observation", "no_pass", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *f = req_query(r, "filter");
	const char *q = req_query(r, "q");
	struct principal who = api_principal(r);
	struct household_query hq = {.closure_id = id, .limit = HOUSEHOLD_PAGE_MAX};
	struct household *v;
	int *next, page;
	size_t n;
	int64_t total;
	json_t *items;
	bool reveal = role_can(r->sess.role, PERM_PERSON_REVEAL);

	if (!id || !api_query_int(r, "page", 1, 1000, 1, &page))
		return;
	if (q && (!*q || utf8_chars(q) > 40)) {
		if (*q) {
			reply_error(r, ERR_QUERY_INVALID, "q");
			return;
		}
		q = NULL;
	}
	hq.q = q;
	hq.offset = (page - 1) * HOUSEHOLD_PAGE_MAX;
	if (f) {
		int k = 0;
		while (filters[k] && strcmp(filters[k], f))
			k++;
		if (!filters[k]) {
			reply_error(r, ERR_QUERY_INVALID, "filter");
			return;
		}
		hq.filter = k;
	}
	if (!api_stored(r,
			svc_household_list(r->srv->store, &who, &hq, r->a, &v, &next, &n, &total),
			ERR_CLOSURE_NOT_FOUND))
		return;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, household_json(r, &v[i], next[i], reveal));
	api_reply_list(r, items, total);
}

/* head, address, members, phone of a body or a row; replies on error. */
static bool household_fields(struct req *r, struct household_in *in)
{
	int members;

	if (api_bad_field(r, json_get_str(r->json, "head", HEAD_MAX, true, &in->head), "head") ||
	    api_bad_field(r, json_get_str(r->json, "address", ADDRESS_MAX, true, &in->address),
			  "address") ||
	    !int_field(r->json, r, "members", 1, MEMBERS_MAX, 1, ERR_HOUSEHOLD_MEMBERS, &members) ||
	    !api_phone_field(r, "phone", &in->phone))
		return false;
	in->members = members;
	return true;
}

void api_household_create(struct req *r)
{
	static const char *const allowed[] = {"uuid", "head", "address", "members", "phone", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct household_in in = {0};
	struct household out;
	struct store_idem idem;
	const char *refused;
	char hash[65];
	bool replayed;
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !household_fields(r, &in))
		return;
	st = svc_household_add(r->srv->store, &who, &idem, id, idem.uuid, &in, r->a, &out, &refused,
			       &replayed);
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_HOUSEHOLD_EXISTS, "address");
		return;
	}
	if (st == STORE_INVALID && refused && !strcmp(refused, "too_many")) {
		reply_error(r, ERR_HOUSEHOLD_TOO_MANY, NULL);
		return;
	}
	if (closure_failed(r, st, ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201,
		   household_json(r, &out, 0, role_can(r->sess.role, PERM_PERSON_REVEAL)));
}

static json_t *result_json(const struct household_result *hr)
{
	return json_pack("{s:s, s:I, s:I}", "id", hr->closure_id, "added", (json_int_t)hr->added,
			 "updated", (json_int_t)hr->updated);
}

/* The optional "note" of a bulk write (kept in its body, so under its key). */
static bool note_field(struct req *r)
{
	const char *note;

	return !api_bad_field(r, json_get_str(r->json, "note", REASON_MAX, false, &note), "note");
}

void api_household_refresh(struct req *r)
{
	static const char *const allowed[] = {"uuid", "note", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct household_result hr;
	struct store_idem idem;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) || !note_field(r) ||
	    closure_failed(r, svc_household_refresh(r->srv->store, &who, &idem, id, r->a, &hr),
			   ERR_CLOSURE_NOT_FOUND))
		return;
	json_t *o = result_json(&hr);
	json_object_set_new(o, "skipped_over_limit", json_integer(hr.skipped_over_limit));
	reply_json(r, 200, o);
}

void api_household_block(struct req *r)
{
	static const char *const allowed[] = {"uuid", "blocked", "reason", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *hid = r->match.params[1];
	const char *reason = NULL;
	struct principal who = api_principal(r);
	struct household out;
	struct store_idem idem;
	char hash[65];
	bool blocked = false;

	if (!id || !api_uuid_ok(r, hid, ERR_HOUSEHOLD_NOT_FOUND) ||
	    api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_bool(r->json, "blocked", true, &blocked), "blocked") ||
	    api_bad_field(r, json_get_str(r->json, "reason", REASON_MAX, blocked, &reason),
			  "reason"))
		return;
	if (closure_failed(r,
			   svc_household_block(r->srv->store, &who, &idem, id, hid, blocked,
					       reason ? reason : "", r->a, &out),
			   ERR_HOUSEHOLD_NOT_FOUND))
		return;
	reply_json(r, 200, household_json(r, &out, 0, role_can(r->sess.role, PERM_PERSON_REVEAL)));
}

/* ---- the household sheet ---- */

enum col { C_HEAD, C_ADDRESS, C_MEMBERS, C_PHONE, C__N };
static const char *const headers[C__N][8] = {
	{"户主", "户主姓名", "姓名", "head", "name", NULL},
	{"地址", "住址", "家庭住址", "详细地址", "门牌号", "address", NULL},
	{"人数", "家庭人数", "户人数", "人口", "members", NULL},
	{"电话", "联系电话", "手机", "手机号", "phone", "mobile", NULL},
};

struct reject {
	long line;
	const char *field;
	enum err e;
};

/* Rows looked at for the header before the sheet is given up as headerless, and rows
 * (blank ones included) read after it beyond HOUSEHOLD_IMPORT_MAX data rows. */
enum { HEADER_ROWS_MAX = 10, BLANK_ROWS_MARGIN = 200 };

struct reading {
	struct arena *a;
	int map[SHEET_DEFAULT_CELLS];
	size_t ncols;
	bool header, too_many;
	struct household_in *rows;
	size_t n;
	struct reject *rej;
	size_t nrej;
	size_t lines; /* data rows seen */
	size_t read;  /* rows read, blank ones and the header's included */
};

/* The normal form of a cell, cut at CELL_MAX bytes, into out (CELL_MAX + 1 bytes). */
static char *cell(char *out, const char *s)
{
	text_normalize(s, out, CELL_MAX + 1);
	for (size_t n = strlen(out); n && out[n - 1] == ' ';)
		out[--n] = '\0';
	while (*out == ' ')
		out++;
	return out;
}

static int header_col(const char *s)
{
	char buf[CELL_MAX + 1];
	char *h = cell(buf, s), *cut;

	for (char *p = h; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if ((cut = strstr(h, "（")) || (cut = strchr(h, '(')) || (cut = strchr(h, '*')) ||
	    (cut = strstr(h, "：")) || (cut = strchr(h, ':')))
		*cut = '\0';
	for (size_t n = strlen(h); n && h[n - 1] == ' ';)
		h[--n] = '\0';
	for (int c = 0; c < C__N; c++)
		for (size_t k = 0; headers[c][k]; k++)
			if (!strcmp(h, headers[c][k]))
				return c;
	return -1;
}

static bool find_header(struct reading *rd, const struct sheet_row *row)
{
	bool seen[C__N] = {0};

	for (size_t i = 0; i < row->ncells && i < SHEET_DEFAULT_CELLS; i++) {
		int c = header_col(row->cells[i]);
		rd->map[i] = c >= 0 && !seen[c] ? c : -1;
		if (c >= 0)
			seen[c] = true;
	}
	rd->ncols = row->ncells < SHEET_DEFAULT_CELLS ? row->ncells : SHEET_DEFAULT_CELLS;
	return seen[C_HEAD] && seen[C_ADDRESS];
}

static void reject(struct reading *rd, long line, const char *field, enum err e)
{
	rd->rej[rd->nrej++] = (struct reject){line, field, e};
}

/* Whether an address appears earlier in the rows kept. */
static bool repeated(const struct reading *rd, const char *address)
{
	for (size_t i = 0; i < rd->n; i++)
		if (!strcmp(rd->rows[i].address, address))
			return true;
	return false;
}

static bool on_row(const struct sheet_row *row, void *ctx)
{
	struct reading *rd = ctx;
	char buf[C__N][CELL_MAX + 1];
	const char *v[C__N] = {"", "", "", ""};
	char phone[PHONE_LEN + 1];
	long members = 1;
	long line = (long)row->line;

	if (!rd->header) {
		rd->header = find_header(rd, row);
		/* a sheet without a header in its first rows is not a household list */
		return rd->header || ++rd->read < HEADER_ROWS_MAX;
	}
	if (++rd->read > HEADER_ROWS_MAX + HOUSEHOLD_IMPORT_MAX + BLANK_ROWS_MARGIN) {
		rd->too_many = true;
		return false;
	}
	for (size_t i = 0; i < row->ncells && i < rd->ncols; i++)
		if (rd->map[i] >= 0)
			v[rd->map[i]] = cell(buf[rd->map[i]], row->cells[i]);
	if (!*v[C_HEAD] && !*v[C_ADDRESS] && !*v[C_MEMBERS] && !*v[C_PHONE])
		return true;
	if (++rd->lines > HOUSEHOLD_IMPORT_MAX) {
		rd->too_many = true;
		return false;
	}
	if (!*v[C_HEAD] || utf8_chars(v[C_HEAD]) > HEAD_MAX)
		return reject(rd, line, "head", ERR_HOUSEHOLD_HEAD), true;
	if (!*v[C_ADDRESS] || utf8_chars(v[C_ADDRESS]) > ADDRESS_MAX)
		return reject(rd, line, "address", ERR_HOUSEHOLD_ADDRESS), true;
	if (*v[C_MEMBERS]) {
		char *end;
		members = strtol(v[C_MEMBERS], &end, 10);
		if (*end || end == v[C_MEMBERS] || members < 1 || members > MEMBERS_MAX)
			return reject(rd, line, "members", ERR_HOUSEHOLD_MEMBERS), true;
	}
	if (*v[C_PHONE] && !phone_normalize(v[C_PHONE], phone))
		return reject(rd, line, "phone", ERR_HOUSEHOLD_PHONE), true;
	if (repeated(rd, v[C_ADDRESS]))
		return reject(rd, line, "address", ERR_HOUSEHOLD_REPEATED), true;
	/* only the cells of a row kept are copied out of the stack */
	rd->rows[rd->n++] =
		(struct household_in){.head = arena_strdup(rd->a, v[C_HEAD]),
				      .address = arena_strdup(rd->a, v[C_ADDRESS]),
				      .members = (int)members,
				      .phone = *v[C_PHONE] ? arena_strdup(rd->a, phone) : "",
				      .line = line};
	return true;
}

static bool read_sheet(struct req *r, struct reading *rd)
{
	struct sheet_limits lim = {.max_cell_bytes = 4096};
	char err[160];
	enum sheet_status st;

	if (!r->upload.path[0] || !r->upload.size) {
		reply_error(r, ERR_IMPORT_NO_FILE, "file");
		return false;
	}
	if (!api_import_kind(r))
		return false;
	*rd = (struct reading){.a = r->a};
	rd->rows = arena_alloc(r->a, HOUSEHOLD_IMPORT_MAX * sizeof *rd->rows);
	rd->rej = arena_alloc(r->a, HOUSEHOLD_IMPORT_MAX * sizeof *rd->rej);
	st = sheet_read_file(r->upload.path, SHEET_KIND_UNKNOWN, &lim, on_row, rd, err, sizeof err);
	if (rd->too_many) {
		reply_error(r, ERR_HOUSEHOLD_TOO_MANY, "file");
		return false;
	}
	if (!rd->header && (st == SHEET_OK || st == SHEET_STOPPED)) {
		reply_error(r, ERR_HOUSEHOLD_IMPORT_HEADER, "file");
		return false;
	}
	if (st != SHEET_OK) {
		reply_error(r, ERR_IMPORT_BAD_FILE, "file");
		return false;
	}
	if (!rd->lines) {
		reply_error(r, ERR_HOUSEHOLD_IMPORT_EMPTY, "file");
		return false;
	}
	return true;
}

void api_household_import(struct req *r)
{
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct store_idem buf;
	const struct store_idem *idem;
	struct household_result hr = {0};
	struct reading rd;
	const char *refused;
	json_t *rej;

	/* the uuid is optional, as for the list imports: without one a resend imports again
	 * (by address, so it updates what the first one added) */
	if (!id || !api_upload_idem(r, NULL, &buf, &idem) || !read_sheet(r, &rd))
		return;
	enum store_status st = svc_household_import(r->srv->store, &who, idem, id, rd.rows, rd.n,
						    r->a, &hr, &refused);
	if (st == STORE_INVALID && refused && !strcmp(refused, "too_many")) {
		reply_error(r, ERR_HOUSEHOLD_TOO_MANY, "file");
		return;
	}
	if (closure_failed(r, st, ERR_CLOSURE_NOT_FOUND))
		return;
	rej = json_array();
	for (size_t i = 0; i < rd.nrej; i++) {
		const struct err_info *e = err_info(rd.rej[i].e);
		json_array_append_new(rej, json_pack("{s:I, s:s, s:s, s:s}", "line",
						     (json_int_t)rd.rej[i].line, "field",
						     rd.rej[i].field, "code", e->code, "message",
						     r->en ? e->en : e->zh));
	}
	json_t *o = result_json(&hr);
	json_object_set_new(o, "rejected", rej);
	reply_json(r, 200, o);
}

/* ---- passes ---- */

/* The {number} of the path, canonical; else replies 400 pass.number_invalid. */
static const char *number_param(struct req *r)
{
	char *out = arena_alloc(r->a, CLOSURE_PASS_LEN + 1);

	if (!closure_pass_parse(r->match.params[0], out)) {
		reply_error(r, ERR_PASS_NUMBER_INVALID, "number");
		return NULL;
	}
	return out;
}

static bool instant_field(struct req *r, const char *key, int64_t *out)
{
	const char *s;
	enum json_field jf = json_get_str(r->json, key, 40, false, &s);

	*out = 0;
	if (jf == JSON_FIELD_ABSENT)
		return true;
	if (api_bad_field(r, jf, key))
		return false;
	if (!time_parse_iso(s, out) || *out <= 0) {
		reply_error(r, ERR_PASS_VALIDITY, key);
		return false;
	}
	return true;
}

static bool pass_fields(struct req *r, struct pass_in *in)
{
	if (api_bad_field(r, json_get_str(r->json, "kind", 16, true, &in->kind), "kind") ||
	    api_bad_field(r, json_get_str(r->json, "household_id", 36, false, &in->household_id),
			  "household_id") ||
	    api_bad_field(r, json_get_str(r->json, "holder", HEAD_MAX, false, &in->holder),
			  "holder") ||
	    api_bad_field(r, json_get_str(r->json, "employer", NAME_MAX, false, &in->employer),
			  "employer") ||
	    api_bad_field(r, json_get_str(r->json, "purpose", REASON_MAX, false, &in->purpose),
			  "purpose") ||
	    !instant_field(r, "valid_from", &in->valid_from) ||
	    !instant_field(r, "valid_to", &in->valid_to))
		return false;
	if (!closure_pass_kind_valid(in->kind)) {
		reply_error(r, ERR_FIELD_VALUE, "kind");
		return false;
	}
	if (in->household_id && !uuid_valid(in->household_id)) {
		reply_error(r, ERR_HOUSEHOLD_NOT_FOUND, "household_id");
		return false;
	}
	bool resident = !strcmp(in->kind, "resident"), temp = !strcmp(in->kind, "temporary");
	if ((resident && !in->household_id) ||
	    (!strcmp(in->kind, "worker") && (!in->holder || !in->employer)) ||
	    (temp && (!in->holder || !in->purpose))) {
		reply_error(r, ERR_PASS_KIND_FIELDS,
			    resident      ? "household_id"
			    : !in->holder ? "holder"
			    : temp        ? "purpose"
					  : "employer");
		return false;
	}
	if (temp ? !closure_temp_window_valid(in->valid_from, in->valid_to)
		 : (in->valid_from || in->valid_to)) {
		reply_error(r, ERR_PASS_VALIDITY, "valid_to");
		return false;
	}
	return true;
}

/* 409 pass.household_refused with error.reason ("observation" or "blocked"). */
static void household_refused(struct req *r, const char *reason, const char *field)
{
	reply_json(r, 409,
		   json_pack("{s:{s:s, s:s, s:s, s:s}}", "error", "code", "pass.household_refused",
			     "message",
			     r->en ? err_info(ERR_PASS_HOUSEHOLD_REFUSED)->en
				   : err_info(ERR_PASS_HOUSEHOLD_REFUSED)->zh,
			     "field", field, "reason", reason));
}

void api_pass_issue(struct req *r)
{
	static const char *const allowed[] = {"uuid",       "kind",     "household_id",
					      "holder",     "employer", "purpose",
					      "valid_from", "valid_to", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *refused;
	struct principal who = api_principal(r);
	struct pass_in in = {0};
	struct closure_pass out;
	struct store_idem idem;
	char hash[65];
	bool replayed;
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !pass_fields(r, &in))
		return;
	st = svc_pass_issue(r->srv->store, &who, &idem, id, &in, r->a, &out, &refused, &replayed);
	if (st == STORE_CONFLICT && refused) {
		if (!strcmp(refused, "exists"))
			reply_error(r, ERR_PASS_EXISTS, "household_id");
		else if (!strcmp(refused, "closure_ended"))
			reply_error(r, ERR_CLOSURE_ENDED, NULL);
		else
			household_refused(r, refused, "household_id");
		return;
	}
	if (st == STORE_NOT_FOUND && in.household_id) {
		reply_error(r, ERR_HOUSEHOLD_NOT_FOUND, "household_id");
		return;
	}
	if (closure_failed(r, st, ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201, pass_json(&out, time_now()));
}

void api_pass_batch(struct req *r)
{
	static const char *const allowed[] = {"uuid", "note", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct pass_batch b;
	struct store_idem idem;
	char hash[65];

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) || !note_field(r) ||
	    closure_failed(r, svc_pass_batch(r->srv->store, &who, &idem, id, r->a, &b),
			   ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, 200,
		   json_pack("{s:s, s:I, s:{s:I, s:I}}", "id", id, "issued", (json_int_t)b.issued,
			     "skipped", "observation", (json_int_t)b.skipped_observation, "blocked",
			     (json_int_t)b.skipped_blocked));
}

static void pass_change(struct req *r, bool reissue)
{
	static const char *const allowed[] = {"uuid", "reason", NULL};
	const char *number = number_param(r), *reason;
	struct principal who = api_principal(r);
	struct closure_pass out;
	struct store_idem idem;
	char hash[65];
	enum store_status st;
	const char *refused = NULL;

	if (!number || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "reason", REASON_MAX, true, &reason), "reason"))
		return;
	st = reissue ? svc_pass_reissue(r->srv->store, &who, &idem, number, reason, r->a, &out,
					&refused)
		     : svc_pass_revoke(r->srv->store, &who, &idem, number, reason, r->a, &out);
	if (st == STORE_CONFLICT && refused) {
		household_refused(r, refused, "number");
		return;
	}
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_PASS_REVOKED, NULL);
		return;
	}
	if (st == STORE_INVALID) {
		reply_error(r, ERR_CLOSURE_ENDED, NULL);
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_PASS_NOT_FOUND);
		return;
	}
	reply_json(r, reissue ? 201 : 200, pass_json(&out, time_now()));
}

void api_pass_reissue(struct req *r)
{
	pass_change(r, true);
}

void api_pass_revoke(struct req *r)
{
	pass_change(r, false);
}

void api_pass_list(struct req *r)
{
	static const char *const states[] = {"all", "valid", "revoked", "expired", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *kind = req_query(r, "kind");
	const char *state = req_query(r, "state");
	struct principal who = api_principal(r);
	struct pass_query q = {.closure_id = id, .now = time_now(), .limit = PASS_PAGE_MAX};
	struct closure_pass *v;
	size_t n;
	int64_t total;
	int page;
	json_t *items;

	if (!id || !api_query_int(r, "page", 1, 1000, 1, &page))
		return;
	if (kind && *kind && !closure_pass_kind_valid(kind)) {
		reply_error(r, ERR_QUERY_INVALID, "kind");
		return;
	}
	q.kind = kind && *kind ? kind : NULL;
	if (state && *state) {
		int k = 0;
		while (states[k] && strcmp(states[k], state))
			k++;
		if (!states[k]) {
			reply_error(r, ERR_QUERY_INVALID, "state");
			return;
		}
		q.state = k;
	}
	q.offset = (page - 1) * PASS_PAGE_MAX;
	if (!api_stored(r, svc_pass_list(r->srv->store, &who, &q, r->a, &v, &n, &total),
			ERR_CLOSURE_NOT_FOUND))
		return;
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *o = pass_json(&v[i], q.now);
		json_object_set_new(o, "head", json_string(v[i].head));
		json_object_set_new(o, "address", json_string(v[i].address));
		json_array_append_new(items, o);
	}
	api_reply_list(r, items, total);
}

static const char *qr_of(struct arena *a, const char *number)
{
	return qr_svg(arena_printf(a, "FKP:%s", number), a);
}

void api_pass_qr(struct req *r)
{
	const char *number = number_param(r), *svg;
	struct principal who = api_principal(r);
	struct closure_pass p;
	char *copy;
	size_t len;

	if (!number ||
	    !api_stored(r, svc_pass_get(r->srv->store, &who, number, r->a, &p), ERR_PASS_NOT_FOUND))
		return;
	if (!(svg = qr_of(r->a, p.number))) {
		reply_error(r, ERR_PASS_NOT_FOUND, NULL);
		return;
	}
	len = strlen(svg);
	copy = xmalloc(len + 1);
	memcpy(copy, svg, len + 1);
	reply_bytes(r, 200, "image/svg+xml", NULL, copy, len);
}

/* ?numbers=N1,N2… (canonical forms in a) or all; false after a reply. */
static bool numbers_query(struct req *r, const char ***out, size_t *n)
{
	const char *s = req_query(r, "numbers");
	const char **v;

	*out = NULL;
	*n = 0;
	if (!s || !*s || !strcmp(s, "all"))
		return true;
	if (strlen(s) > PASS_PRINT_MAX * 24) {
		reply_error(r, ERR_QUERY_INVALID, "numbers");
		return false;
	}
	v = arena_alloc(r->a, PASS_PRINT_MAX * sizeof *v);
	for (const char *p = s; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *one = arena_alloc(r->a, len + 1),
		     *canon = arena_alloc(r->a, CLOSURE_PASS_LEN + 1);
		memcpy(one, p, len);
		if (*n == PASS_PRINT_MAX || !closure_pass_parse(one, canon)) {
			reply_error(r, ERR_QUERY_INVALID, "numbers");
			return false;
		}
		v[(*n)++] = canon;
		p += len + (comma ? 1 : 0);
	}
	*out = v;
	return true;
}

void api_pass_print(struct req *r)
{
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *layout = req_query(r, "layout");
	struct principal who = api_principal(r);
	struct closure c;
	struct closure_pass *v;
	const char **numbers;
	size_t nnum, n;
	int64_t now = time_now();
	json_t *passes;

	if (!id || !numbers_query(r, &numbers, &nnum))
		return;
	if (layout && strcmp(layout, "a6") && strcmp(layout, "a4x4")) {
		reply_error(r, ERR_QUERY_INVALID, "layout");
		return;
	}
	if (!api_stored(r, svc_pass_print(r->srv->store, &who, id, numbers, nnum, r->a, &c, &v, &n),
			ERR_CLOSURE_NOT_FOUND))
		return;
	passes = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *svg = qr_of(r->a, v[i].number);
		json_array_append_new(
			passes,
			json_pack("{s:o, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:s}",
				  "number", number_json(v[i].number), "kind", v[i].kind, "state",
				  pass_state(&v[i], now), "head", api_name_mask(r->a, v[i].head),
				  "address", v[i].address, "members", v[i].members, "holder",
				  v[i].holder, "employer", v[i].employer, "purpose", v[i].purpose,
				  "valid_from", time_or_null(v[i].valid_from), "valid_to",
				  time_or_null(v[i].valid_to), "qr_svg", svg ? svg : ""));
	}
	c.counts = (struct closure_counts){0};
	reply_json(r, 200,
		   json_pack("{s:o, s:s, s:o}", "closure", closure_json(&c), "layout",
			     layout ? layout : "a6", "passes", passes));
}

/* ---- gates ---- */

void api_gate_create(struct req *r)
{
	static const char *const allowed[] = {"uuid", "name", NULL};
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *name;
	struct principal who = api_principal(r);
	struct gate out;
	struct store_idem idem;
	char hash[65];
	bool replayed;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "name", NAME_MAX, true, &name), "name") ||
	    closure_failed(r,
			   svc_gate_create(r->srv->store, &who, &idem, id, idem.uuid, name, r->a,
					   &out, &replayed),
			   ERR_CLOSURE_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201, gate_json(&out));
}

void api_gate_list(struct req *r)
{
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct gate *v;
	size_t n;
	json_t *items;

	if (!id || !api_stored(r, svc_gate_list(r->srv->store, &who, id, r->a, &v, &n),
			       ERR_CLOSURE_NOT_FOUND))
		return;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, gate_json(&v[i]));
	api_reply_list(r, items, (int64_t)n);
}

void api_gate_guards(struct req *r)
{
	static const char *const allowed[] = {"uuid", "user_id", "remove", NULL};
	const char *gid = api_id_param(r, ERR_GATE_NOT_FOUND), *user_id;
	struct principal who = api_principal(r);
	struct gate out;
	struct user *guards;
	size_t n;
	struct store_idem idem;
	char hash[65];
	bool remove = false, not_guard = false;
	enum store_status st;

	if (!gid || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "user_id", 36, true, &user_id), "user_id") ||
	    api_bad_field(r, json_get_bool(r->json, "remove", false, &remove), "remove"))
		return;
	if (!uuid_valid(user_id)) {
		reply_error(r, ERR_USER_NOT_FOUND, "user_id");
		return;
	}
	st = svc_gate_guard(r->srv->store, &who, &idem, gid, user_id, remove, r->a, &out, &guards,
			    &n, &not_guard);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_GATE_GUARD_ROLE, "user_id");
		return;
	}
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_CLOSURE_ENDED, NULL);
		return;
	}
	if (st == STORE_NOT_FOUND && not_guard) {
		reply_error(r, ERR_USER_NOT_FOUND, "user_id");
		return;
	}
	if (st == STORE_DENIED && who.denial && who.denial->field) {
		api_store_error(r, st, ERR_USER_NOT_FOUND);
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_GATE_NOT_FOUND);
		return;
	}
	sessions_drop_user(r->srv->sessions, user_id); /* its scope moved with its post */
	json_t *o = gate_json(&out), *ga = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ga, json_pack("{s:s, s:s, s:s}", "id", guards[i].id,
						    "username", guards[i].username, "display_name",
						    guards[i].display_name));
	json_object_set_new(o, "guard_list", ga);
	reply_json(r, 200, o);
}

/* ?gate= (a UUID; NULL when absent: a guard's own); false after a reply. */
static bool gate_query(struct req *r, const char **gate)
{
	*gate = req_query(r, "gate");
	if (*gate && !**gate)
		*gate = NULL;
	return !*gate || api_uuid_ok(r, *gate, ERR_GATE_NOT_FOUND);
}

void api_gate_mine(struct req *r)
{
	struct principal who = api_principal(r);
	const char *gid;
	struct gate g;
	struct closure c;

	if (!gate_query(r, &gid) ||
	    !api_stored(r, svc_gate_mine(r->srv->store, &who, gid, r->a, &g, &c),
			ERR_GATE_NOT_FOUND))
		return;
	reply_json(r, 200,
		   json_pack("{s:o, s:o}", "gate", gate_json(&g), "closure", closure_json(&c)));
}

void api_gate_check(struct req *r)
{
	struct principal who = api_principal(r);
	const char *gid, *number = req_query(r, "number"), *dir = req_query(r, "direction");
	char canon[CLOSURE_PASS_LEN + 1];
	struct gate_check chk;

	if (!gate_query(r, &gid))
		return;
	if (!closure_pass_parse(number, canon)) {
		reply_error(r, ERR_PASS_NUMBER_INVALID, "number");
		return;
	}
	if (dir && strcmp(dir, "out") && strcmp(dir, "in")) {
		reply_error(r, ERR_QUERY_INVALID, "direction");
		return;
	}
	if (!api_stored(r,
			svc_gate_check(r->srv->store, &who, gid, canon, !dir || !strcmp(dir, "out"),
				       r->a, &chk),
			ERR_GATE_NOT_FOUND))
		return;
	reply_json(r, 200, check_json(r, &chk));
}

/* "temperature": 34.0–43.0 °C, optional; tenths in *out (0 none). */
static bool temp_field(struct req *r, int *out)
{
	json_t *v = json_object_get(r->json, "temperature");
	double t;

	*out = 0;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_number(v)) {
		reply_error(r, ERR_FIELD_TYPE, "temperature");
		return false;
	}
	t = json_number_value(v);
	if (!isfinite(t) || t < 34.0 || t > 43.0) {
		reply_error(r, ERR_GATE_TEMP_RANGE, "temperature");
		return false;
	}
	*out = (int)lround(t * 10);
	return true;
}

void api_gate_record(struct req *r)
{
	static const char *const allowed[] = {
		"uuid", "number",          "direction",     "at", "temperature", "person",
		"gate", "override_reason", "phone_verdict", NULL};
	struct principal who = api_principal(r);
	struct gate_record_in in = {0};
	struct gate_record rec;
	struct gate_check chk;
	struct store_idem idem;
	const char *number, *at_s;
	char hash[65], *canon = arena_alloc(r->a, CLOSURE_PASS_LEN + 1);
	enum store_status st;
	bool replayed;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "number", 64, true, &number), "number") ||
	    api_bad_field(r, json_get_str(r->json, "direction", 3, true, &in.direction),
			  "direction") ||
	    api_bad_field(r, json_get_str(r->json, "at", 40, true, &at_s), "at") ||
	    api_bad_field(r, json_get_str(r->json, "person", HEAD_MAX, false, &in.person),
			  "person") ||
	    api_bad_field(r, json_get_str(r->json, "gate", 36, false, &in.gate_id), "gate") ||
	    api_bad_field(r,
			  json_get_str(r->json, "override_reason", REASON_MAX, false,
				       &in.override_reason),
			  "override_reason") ||
	    api_bad_field(r, json_get_str(r->json, "phone_verdict", 5, false, &in.phone_verdict),
			  "phone_verdict") ||
	    !temp_field(r, &in.temp))
		return;
	if (!closure_pass_parse(number, canon)) {
		reply_error(r, ERR_PASS_NUMBER_INVALID, "number");
		return;
	}
	if (strcmp(in.direction, "out") && strcmp(in.direction, "in")) {
		reply_error(r, ERR_FIELD_VALUE, "direction");
		return;
	}
	if (in.phone_verdict && strcmp(in.phone_verdict, "green") &&
	    strcmp(in.phone_verdict, "red")) {
		reply_error(r, ERR_FIELD_VALUE, "phone_verdict");
		return;
	}
	if (in.gate_id && !api_uuid_ok(r, in.gate_id, ERR_GATE_NOT_FOUND))
		return;
	/* how late it may be is the service's rule, checked after the uuid was looked up: a
	 * phone resending a stored record a day later gets its answer */
	if (!time_parse_iso(at_s, &in.at)) {
		reply_error(r, ERR_GATE_AT_INVALID, "at");
		return;
	}
	/* only who manages the closure lets a red through */
	if (in.override_reason && *in.override_reason &&
	    !role_can(r->sess.role, PERM_CLOSURE_MANAGE)) {
		reply_error(r, ERR_GATE_OVERRIDE_FORBIDDEN, "override_reason");
		return;
	}
	in.id = idem.uuid;
	in.number = canon;
	st = svc_gate_record(r->srv->store, &who, &idem, &in, r->a, &rec, &chk, &replayed);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_GATE_AT_INVALID, "at");
		return;
	}
	if (!api_stored(r, st, ERR_GATE_NOT_FOUND))
		return;
	reply_json(r, replayed ? 200 : 201,
		   json_pack("{s:o, s:o, s:b}", "record", record_json(&rec), "check",
			     check_json(r, &chk), "offline_disagreed", rec.offline_disagreed));
}

void api_gate_list_passes(struct req *r)
{
	struct principal who = api_principal(r);
	const char *gid;
	struct gate g;
	struct closure c;
	struct gate_pass *v;
	size_t n;
	int64_t now = time_now(), total = 0;
	json_t *items;

	if (!gate_query(r, &gid) ||
	    !api_stored(r, svc_gate_passes(r->srv->store, &who, gid, r->a, &g, &c, &v, &n, &total),
			ERR_GATE_NOT_FOUND))
		return;
	items = json_array();
	for (size_t i = 0; i < n; i++) {
		const struct closure_pass *p = &v[i].p;
		json_array_append_new(
			items,
			json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:o, s:I}", "number",
				  number_json(p->number), "kind", p->kind, "state",
				  pass_state(p, now), "valid_from", time_or_null(p->valid_from),
				  "valid_to", time_or_null(p->valid_to), "household_id",
				  json_str_or_null(*p->household_id ? p->household_id : NULL),
				  "blocked", p->blocked, "observation", p->observation,
				  "last_out_day", api_date_json((int)v[i].last_day),
				  "exits_in_window", (json_int_t)v[i].exits));
	}
	reply_json(r, 200,
		   json_pack("{s:I, s:{s:i, s:i, s:b, s:b}, s:o, s:o, s:o, s:s, s:I, s:b}",
			     "version", (json_int_t)c.list_version, "rules", "out_per_household",
			     c.out_per, "every_days", c.every_days, "outsiders", c.outsiders,
			     "vehicles", c.vehicles, "at", api_time_json(now), "gate",
			     gate_json(&g), "passes", items, "closure_id", c.id, "total",
			     (json_int_t)total, "truncated", (int64_t)n < total));
}

/* ---- figures ---- */

/* ?from&to (today by default, at most STATS_DAYS_MAX days); false after a reply. */
static bool days_query(struct req *r, int *from, int *to)
{
	const char *f = req_query(r, "from"), *t = req_query(r, "to");
	int today = time_local_date(time_now());

	*to = t && *t ? api_parse_date(t) : today;
	*from = f && *f ? api_parse_date(f) : *to;
	if (!*to || !*from || *from > *to || obs_date_diff(*from, *to) >= STATS_DAYS_MAX) {
		reply_error(r, ERR_CLOSURE_DATE_INVALID, !*to ? "to" : "from");
		return false;
	}
	return true;
}

void api_closure_stats(struct req *r)
{
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND);
	struct principal who = api_principal(r);
	struct closure c;
	struct closure_day_metric *m;
	struct closure_pass *out;
	size_t nm, nout, k = 0;
	int from, to;
	json_t *days, *outs;

	if (!id || !days_query(r, &from, &to) ||
	    !api_stored(r,
			svc_closure_days(r->srv->store, &who, id, from, to, r->a, &c, &m, &nm, &out,
					 &nout),
			ERR_CLOSURE_NOT_FOUND))
		return;
	days = json_array();
	for (int d = from; d && d <= to; d = obs_date_add(d, 1)) {
		json_t *ref = json_object();
		int64_t exits = 0, entries = 0;
		for (; k < nm && m[k].day == d; k++) {
			if (!strcmp(m[k].metric, "exits"))
				exits = m[k].n;
			else if (!strcmp(m[k].metric, "entries"))
				entries = m[k].n;
			else if (!strncmp(m[k].metric, "refusal.", 8))
				json_object_set_new(ref, m[k].metric + 8, json_integer(m[k].n));
		}
		json_array_append_new(days,
				      json_pack("{s:o, s:I, s:I, s:o}", "date", api_date_json(d),
						"exits", (json_int_t)exits, "entries",
						(json_int_t)entries, "refusals", ref));
	}
	outs = json_array();
	for (size_t i = 0; i < nout; i++)
		json_array_append_new(outs,
				      json_pack("{s:o, s:s, s:s, s:o}", "number",
						number_json(out[i].number), "kind", out[i].kind,
						"head", api_name_mask(r->a, out[i].head), "out_at",
						api_time_json(out[i].out_at)));
	reply_json(r, 200,
		   json_pack("{s:o, s:o, s:I, s:{s:I, s:I, s:I}, s:o}", "days", days, "out_now",
			     outs, "households", (json_int_t)c.counts.households, "passes",
			     "resident", (json_int_t)c.counts.resident, "worker",
			     (json_int_t)c.counts.worker, "temporary",
			     (json_int_t)c.counts.temporary, "closure", closure_json(&c)));
}

void api_closure_gate_log(struct req *r)
{
	const char *id = api_id_param(r, ERR_CLOSURE_NOT_FOUND), *gate, *verdict;
	struct principal who = api_principal(r);
	struct gate_log_query q = {.closure_id = id, .limit = GATE_LOG_PAGE_MAX};
	struct gate_record *v;
	size_t n;
	int64_t total;
	int page;
	json_t *items;

	if (!id || !days_query(r, &q.from, &q.to) || !gate_query(r, &gate) ||
	    !api_query_int(r, "page", 1, 10000, 1, &page))
		return;
	verdict = req_query(r, "verdict");
	if (verdict && *verdict && strcmp(verdict, "green") && strcmp(verdict, "red")) {
		reply_error(r, ERR_QUERY_INVALID, "verdict");
		return;
	}
	q.gate_id = gate;
	q.verdict = verdict && *verdict ? verdict : NULL;
	q.offset = (page - 1) * GATE_LOG_PAGE_MAX;
	if (!api_stored(r, svc_gate_log(r->srv->store, &who, &q, r->a, &v, &n, &total),
			ERR_CLOSURE_NOT_FOUND))
		return;
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, record_json(&v[i]));
	api_reply_list(r, items, total);
}
