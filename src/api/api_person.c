/* api_person — key-person files (一人一档): search, the file with its timeline, and the
 * audited reveal of a full ID number and phone. Every read of a file is audited; ID
 * numbers and phones leave the server masked unless revealed, and never with the full
 * birth date (idcard.h counts what a mask leaves). Every search is audited by its kind,
 * never by its text; a number is searched for by POST only, never in a URL. A reply never
 * names a file outside its reader's area: a registration of a number held elsewhere
 * answers as for an unknown person (svc_person_register). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/ratelimit.h"
#include "domain/idcard.h"
#include "domain/phone.h"
#include "domain/text.h"
#include "domain/returnee.h"
#include "util/timeutil.h"

static const struct {
	unsigned bit;
	const char *name;
} categories[] = {
	{CAT_KEY_AREA, "key_area"},   {CAT_CLOSE_CONTACT, "close_contact"}, {CAT_FEVER, "fever"},
	{CAT_SUSPECTED, "suspected"}, {CAT_CONFIRMED, "confirmed"},
};

static json_t *categories_json(unsigned bits)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
		if (bits & categories[i].bit)
			json_array_append_new(arr, json_string(categories[i].name));
	return arr;
}

/* "a,b" → ["a","b"] */
json_t *api_csv_list(const char *csv)
{
	json_t *arr = json_array();
	const char *p = csv;

	while (p && *p) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(arr, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return arr;
}

/* The comma-separated list csv without the item code (a copy in the arena), or csv
 * itself when code is not in it. */
static const char *without_code(struct arena *a, const char *csv, const char *code)
{
	char *out = arena_alloc(a, strlen(csv) + 1), *o = out;
	bool found = false;

	for (const char *p = csv; *p;) {
		size_t len = strcspn(p, ",");
		if (len == strlen(code) && !strncmp(p, code, len)) {
			found = true;
		} else {
			if (o != out)
				*o++ = ',';
			memcpy(o, p, len);
			o += len;
		}
		p += len + (p[len] == ',');
	}
	*o = '\0';
	return found ? out : csv;
}

/* A file as its reader may see it. The ID number and phone are masked and the birth
 * date is cut to the year (idcard.h: together they leave >= 10^4 candidate numbers); the
 * full values come from the audited reveal only. A file registered while another area
 * held its number (PERSON_ELSEWHERE) looks like any other file, unless the reader's area
 * covers that other file too: then it names it. */
json_t *api_person_json(struct req *r, const struct person *p)
{
	char idm[ID_NUMBER_MAX + 1] = "", phm[PHONE_LEN + 1] = "";
	int year = idcard_birth_year_shown(p->birth, time_local_date(time_now()));
	const char *all = p->defects ? p->defects : "";
	const char *others = without_code(r->a, all, PERSON_ELSEWHERE);
	bool elsewhere = others != all;
	struct principal who = api_principal(r);
	bool sees_both = elsewhere && p->duplicate_of && *p->duplicate_of &&
			 svc_sees(&who, p->duplicate_area);
	const char *defects = sees_both ? all : others;

	if (*p->id_number)
		idcard_mask(p->id_number, idm, sizeof idm);
	if (*p->phone)
		phone_mask(p->phone, phm);
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o,"
			 " s:o, s:o}",
			 "id", p->id, "name", p->name, "doc_type", p->doc_type, "id_valid",
			 p->id_valid || elsewhere, "id_number", idm, "phone", phm, "sex", p->sex,
			 "address", p->address, "area", p->area, "area_name",
			 p->area_name ? p->area_name : "", "birth_year",
			 year ? json_integer(year) : json_null(), "status", p->status, "categories",
			 categories_json(p->categories), "defects", api_csv_list(defects),
			 "merged_into", json_str_or_null(p->merged_into), "duplicate_of",
			 json_str_or_null(sees_both ? p->duplicate_of : NULL));
}

/* What a search is looking for: an ID number, a phone, or the start of a name. */
static const char *classify(struct req *r, const char *q, struct person_query *pq)
{
	char norm[256], phone[PHONE_LEN + 1];
	struct id_result id;

	text_normalize(q, norm, sizeof norm);
	if (phone_normalize(norm, phone)) {
		pq->phone = arena_strdup(r->a, phone);
		return "phone";
	}
	idcard_parse(norm, ID_DOC_RESIDENT, 99991231, &id);
	if (id.defect != ID_BAD_CHARS && id.defect != ID_EMPTY && strlen(id.number) >= 15) {
		pq->id_number = arena_strdup(r->a, id.number);
		return "id_number";
	}
	pq->name_prefix = arena_strdup(r->a, norm);
	return "name";
}

/* Whether q holds (part of) a document or phone number: five digits or more, counted
 * after full-width digits are folded. Names have none. */
static bool names_a_number(const char *q)
{
	char norm[256];
	size_t digits = 0;

	text_normalize(q, norm, sizeof norm);
	for (const char *p = norm; *p; p++)
		digits += *p >= '0' && *p <= '9';
	return digits >= 5;
}

/* A search by number answers yes or no for one candidate number, and a mask leaves some
 * 10^5 of them (idcard.h): a reader who may not reveal gets so few per minute that trying
 * them all would take days, each try audited (a person at the door is searched for once).
 * A role with person.reveal sees every full number in its area anyway, audited, and is not
 * limited. One limiter for the process, as the server holds one store. */
enum { NUMBER_SEARCHES_PER_MINUTE = 30 };
static pthread_once_t number_rl_once = PTHREAD_ONCE_INIT;
static struct ratelimit *number_rl;

static void number_rl_new(void)
{
	number_rl = ratelimit_new(NUMBER_SEARCHES_PER_MINUTE);
}

static bool number_search_allowed(struct req *r)
{
	pthread_once(&number_rl_once, number_rl_new);
	return ratelimit_allow(number_rl, r->sess.user_id, time_now());
}

/* The search both routes answer: the files in scope, and one audit row that records the
 * kind of search (id_number, phone, name) and how many were found, never what was
 * searched for. */
static void search(struct req *r, const char *q, int limit)
{
	struct person_query pq = {.limit = limit};
	struct principal who = api_principal(r);
	struct person *v;
	const char *kind;
	size_t n;
	enum store_status st;
	json_t *arr;

	kind = classify(r, q, &pq);
	if (strcmp(kind, "name") && !role_can(r->sess.role, PERM_PERSON_REVEAL) &&
	    !number_search_allowed(r)) {
		reply_error(r, ERR_RATE_LIMITED, "q");
		return;
	}
	if ((st = svc_person_search(r->srv->store, &who, &pq, kind, r->a, &v, &n)) != STORE_OK) {
		api_store_error(r, st, ERR_PERSON_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, api_person_json(r, &v[i]));
	reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

static bool bad_q(struct req *r, const char *q)
{
	if (!q || !*q || utf8_chars(q) > 40) {
		reply_error(r, ERR_QUERY_INVALID, "q");
		return true;
	}
	return false;
}

/* GET /persons?q=: names only, so that no ID number or phone ends up in a URL (and in
 * the logs of every proxy on the way). */
bool api_person_query(struct req *r, struct person_query *pq)
{
	const char *q = req_query(r, "q");
	int limit;

	if (bad_q(r, q))
		return false;
	if (names_a_number(q)) {
		reply_error(r, ERR_QUERY_NUMBER, "q");
		return false;
	}
	if (!api_query_int(r, "limit", 1, 200, 50, &limit))
		return false;
	*pq = (struct person_query){.limit = limit};
	classify(r, q, pq); /* a name: no number gets here */
	return true;
}

void api_person_search(struct req *r)
{
	const char *q = req_query(r, "q");
	int limit;

	if (bad_q(r, q))
		return;
	if (names_a_number(q)) {
		reply_error(r, ERR_QUERY_NUMBER, "q");
		return;
	}
	if (!api_query_int(r, "limit", 1, 200, 50, &limit))
		return;
	search(r, q, limit);
}

/* POST /persons/search {"q", "limit"}: any query, the number in the body. */
void api_person_search_post(struct req *r)
{
	static const char *const allowed[] = {"q", "limit", NULL};
	json_t *lim = json_object_get(r->json, "limit");
	const char *q = NULL;
	int limit = 50;

	if (api_unknown_fields(r, allowed))
		return;
	if (json_get_str(r->json, "q", 40, true, &q) == JSON_FIELD_TYPE) {
		reply_error(r, ERR_FIELD_TYPE, "q");
		return;
	}
	if (bad_q(r, q))
		return;
	if (lim && !json_is_null(lim)) {
		if (!json_is_integer(lim) || json_integer_value(lim) < 1 ||
		    json_integer_value(lim) > 200) {
			reply_error(r, ERR_QUERY_INVALID, "limit");
			return;
		}
		limit = (int)json_integer_value(lim);
	}
	search(r, q, limit);
}

/* The {id} person, in the caller's scope; else replies 404 (and audits the denial). */
bool api_load_person(struct req *r, const char *id, struct person *p)
{
	struct principal who = api_principal(r);

	return api_uuid_ok(r, id, ERR_PERSON_NOT_FOUND) &&
	       api_stored(r, svc_person_get(r->srv->store, &who, id, r->a, p),
			  ERR_PERSON_NOT_FOUND);
}

static json_t *travel_json(const struct travel *t, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:o, s:s, s:s, s:s}", "origin", t[i].origin,
				       "origin_code", t[i].origin_code, "arrival",
				       t[i].arrival ? json_integer(t[i].arrival) : json_null(),
				       "transport", t[i].transport, "transport_no",
				       t[i].transport_no, "import_id", t[i].import_id));
	return arr;
}

/* The timeline; a file named in a detail is there only when it lies in scope (the service
 * read it so, in the file's snapshot). */
static json_t *events_json(struct req *r, const struct person_event *e, size_t n)
{
	json_t *arr = json_array();
	char at[ISO_TIME_LEN + 1];

	for (size_t i = 0; i < n; i++) {
		json_t *d = json_loads(e[i].detail, 0, NULL);
		time_iso(e[i].at, at);
		json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id",
						     (json_int_t)e[i].id, "at", at, "kind",
						     e[i].kind, "user", e[i].username, "area",
						     e[i].area, "detail", d ? d : json_null()));
	}
	return arr;
}

void api_person_get(struct req *r)
{
	const char *id = r->match.params[0];
	struct principal who = api_principal(r);
	struct person_file f;
	json_t *o, *arr;

	if (!api_uuid_ok(r, id, ERR_PERSON_NOT_FOUND) ||
	    !api_stored(r, svc_person_file(r->srv->store, &who, id, &r->srv->obs, r->a, &f),
			ERR_PERSON_NOT_FOUND))
		return;
	o = api_person_json(r, &f.p);
	arr = json_array();
	for (size_t i = 0; i < f.ntasks; i++)
		json_array_append_new(arr, api_task_json(&f.tasks[i], time_now()));
	json_object_set_new(o, "travel", travel_json(f.travel, f.ntravel));
	json_object_set_new(o, "timeline", events_json(r, f.events, f.nevents));
	json_object_set_new(o, "tasks", arr);
	json_object_set_new(o, "observations", api_obs_list_json(f.observations, f.nobservations));
	reply_json(r, 200, o);
}

void api_person_reveal(struct req *r)
{
	const char *id = r->match.params[0];
	struct principal who = api_principal(r);
	struct person p;

	if (!api_uuid_ok(r, id, ERR_PERSON_NOT_FOUND) ||
	    !api_stored(r, svc_person_reveal(r->srv->store, &who, id, r->a, &p),
			ERR_PERSON_NOT_FOUND))
		return;
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:o}", "id", p.id, "id_number", p.id_number, "phone",
			     p.phone, "birth", p.birth ? json_integer(p.birth) : json_null()));
}

bool api_reference_ctx(struct req *r, struct returnee_ctx *ctx)
{
	struct area_seed *divs;
	struct key_area *keys;
	struct returnee_division *rd;
	struct returnee_key_area *rk;
	size_t nd, nk;

	if (svc_ref_divisions(r->srv->store, r->a, &divs, &nd) != STORE_OK ||
	    svc_ref_key_areas(r->srv->store, r->a, &keys, &nk) != STORE_OK)
		return false;
	rd = arena_alloc(r->a, (nd ? nd : 1) * sizeof *rd);
	for (size_t i = 0; i < nd; i++)
		rd[i] = (struct returnee_division){divs[i].code, divs[i].name};
	rk = arena_alloc(r->a, (nk ? nk : 1) * sizeof *rk);
	for (size_t i = 0; i < nk; i++)
		rk[i] = (struct returnee_key_area){keys[i].code, keys[i].start_date,
						   keys[i].end_date};
	ctx->divisions = rd;
	ctx->ndivisions = nd;
	ctx->keys = rk;
	ctx->nkeys = nk;
	return true;
}

/* A person met at the door or reported by phone: the same validation as an imported row
 * (domain/returnee.h), with the area named by the form. */
void api_person_create(struct req *r)
{
	static const char *const allowed[] = {
		"uuid", "name",   "doc_type",     "id_number", "phone",        "address",
		"area", "origin", "arrival_date", "transport", "transport_no", NULL};
	static const struct {
		const char *key;
		enum table_field f;
		size_t max;
	} fields[] = {
		{"name", TF_NAME, 40},
		{"doc_type", TF_ID_TYPE, 24},
		{"id_number", TF_ID_NUMBER, 40},
		{"phone", TF_PHONE, 32},
		{"address", TF_ADDRESS, 200},
		{"origin", TF_ORIGIN, 60},
		{"arrival_date", TF_ARRIVAL_DATE, 30},
		{"transport", TF_TRANSPORT, 30},
		{"transport_no", TF_TRANSPORT_NO, 30},
	};
	enum { NF = sizeof fields / sizeof fields[0] };
	const char *cells[NF], *area;
	char grid[16];
	enum table_field map[NF];
	struct returnee_ctx ctx = {0};
	struct returnee *rt = arena_alloc(r->a, sizeof *rt);
	struct import_row row = {0};
	struct store_idem idem;
	struct person out;
	struct principal who = api_principal(r);
	char hash[65];
	bool merged, replayed;
	enum store_status st;
	json_t *o;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, true, &area), "area"))
		return;
	for (size_t i = 0; i < NF; i++) {
		if (api_bad_field(
			    r,
			    json_get_str(r->json, fields[i].key, fields[i].max, i == 0, &cells[i]),
			    fields[i].key))
			return;
		cells[i] = cells[i] ? cells[i] : "";
		map[i] = fields[i].f;
	}
	if (area_code_level(area) == AREA_LEVEL_INVALID || !svc_sees(&who, area) ||
	    !svc_ref_area_exists(r->srv->store, area)) {
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		return;
	}
	/* a village's grid rules take the address down to its grid, as an import's row */
	if (svc_grid_of_address(r->srv->store, area, cells[4] /* address */, r->a, grid) !=
	    STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (*grid)
		area = grid;
	if (!api_reference_ctx(r, &ctx)) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	ctx.today = time_local_date(time_now());
	ctx.home_area = area;
	ctx.home_is_exact = true;
	returnee_from_row(&ctx, cells, NULL, NF, map, rt);
	for (size_t i = 0; i < rt->nissues; i++)
		if (!strcmp(rt->issues[i].code,
			    "phone.invalid")) { /* a form can be corrected now */
			reply_error(r, ERR_PHONE_INVALID, "phone");
			return;
		}
	if (rt->rejected) {
		reply_error(
			r, rt->issues[0].field == TF_NAME ? ERR_FIELD_REQUIRED : ERR_PERSON_NOTHING,
			rt->issues[0].field == TF_NAME ? "name" : NULL);
		return;
	}
	svc_person_row(rt, &row);
	st = svc_person_register(r->srv->store, &who, &idem, &row, r->a, &out, &merged, &replayed);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_PERSON_NOT_FOUND);
		return;
	}
	o = api_person_json(r, &out);
	json_object_set_new(o, "merged", json_boolean(merged));
	reply_json(r, replayed ? 200 : merged ? 200 : 201, o);
}

/* The index of the caller's county with its villages' grid rules, to resolve an address
 * as an import does (svc_county_index); NULL when it cannot be read. Freed by the caller
 * (addr_index_free). */
static struct addr_index *county_index(struct req *r)
{
	struct addr_index *ix = NULL;

	return svc_county_index(r->srv->store, r->sess.area, r->a, &ix, NULL, NULL) == STORE_OK
		       ? ix
		       : NULL;
}

/* POST /persons/{id}/fix {uuid, id_number?, phone?, address?}: a defect corrected at the
 * door. The values are read as an imported row's (domain/returnee.h): a malformed phone
 * is refused (the form can be corrected now), an ID number still wrong is kept flagged,
 * an address is resolved in the county as an import's and may move the file and its
 * open task (svc_person_fix checks the area in its transaction). */
void api_person_fix(struct req *r)
{
	static const char *const allowed[] = {"uuid", "id_number", "phone", "address", NULL};
	static const struct {
		const char *key;
		enum table_field f;
		unsigned bit;
		size_t max;
	} fields[] = {
		{"id_number", TF_ID_NUMBER, RETURNEE_FIX_ID, 40},
		{"phone", TF_PHONE, RETURNEE_FIX_PHONE, 32},
		{"address", TF_ADDRESS, RETURNEE_FIX_ADDRESS, 200},
	};
	enum { NF = sizeof fields / sizeof fields[0] + 1 };
	const char *id = api_id_param(r, ERR_PERSON_NOT_FOUND), *cells[NF] = {"-"};
	enum table_field map[NF] = {TF_NAME};
	struct returnee_ctx ctx = {0};
	struct returnee *rt = arena_alloc(r->a, sizeof *rt);
	struct person_fix f = {.id = id, .r = rt};
	struct principal who = api_principal(r);
	struct store_idem idem;
	struct person out;
	char hash[65], county[7];
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash))
		return;
	for (size_t i = 0; i < NF - 1; i++) {
		const char *v = NULL;
		char norm[256];
		if (api_bad_field(r, json_get_str(r->json, fields[i].key, fields[i].max, false, &v),
				  fields[i].key))
			return;
		if (v && !text_normalize(v, norm, sizeof norm)) {
			reply_error(r, ERR_FIELD_REQUIRED, fields[i].key);
			return;
		}
		cells[i + 1] = v ? v : "";
		map[i + 1] = fields[i].f;
		f.fields |= v ? fields[i].bit : 0;
	}
	if (!f.fields) {
		reply_error(r, ERR_PERSON_NOTHING, NULL);
		return;
	}
	ctx.today = time_local_date(time_now());
	snprintf(county, sizeof county, "%.6s", r->sess.area);
	ctx.home_area = county;
	if ((f.fields & RETURNEE_FIX_ADDRESS) && !(ctx.addr = county_index(r))) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	returnee_from_row(&ctx, cells, NULL, NF, map, rt);
	addr_index_free((struct addr_index *)ctx.addr);
	if ((f.fields & RETURNEE_FIX_PHONE) && !*rt->phone) {
		reply_error(r, ERR_PHONE_INVALID, "phone");
		return;
	}
	if ((f.fields & RETURNEE_FIX_ADDRESS) && strlen(rt->area) > 6)
		f.area = rt->area;
	st = svc_person_fix(r->srv->store, &who, &idem, &f, r->a, &out, NULL);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_PERSON_NUMBER_HELD, "id_number");
		return;
	}
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_PERSON_MERGED, NULL);
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_PERSON_NOT_FOUND);
		return;
	}
	reply_json(r, 200, api_person_json(r, &out));
}

void api_person_merge(struct req *r)
{
	static const char *const allowed[] = {"uuid", "other", NULL};
	const char *keep = api_id_param(r, ERR_PERSON_NOT_FOUND), *other;
	struct person out;
	struct principal who = api_principal(r);
	struct store_idem idem;
	char hash[65];
	enum store_status st;

	/* both files are read and checked in the merge's transaction; a replay finds `other`
	 * merged: the runner answers it before the merge would refuse it */
	if (!keep || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "other", 36, true, &other), "other"))
		return;
	if (!uuid_valid(other)) {
		reply_error(r, ERR_PERSON_NOT_FOUND, NULL);
		return;
	}
	st = svc_person_merge(r->srv->store, &who, &idem, keep, other, r->a, &out, NULL);
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_PERSON_MERGED, "other");
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_PERSON_NOT_FOUND);
		return;
	}
	reply_json(r, 200, api_person_json(r, &out));
}

static bool date_field(struct req *r, const char *key, bool required, int *out)
{
	json_t *v = json_object_get(r->json, key);

	if (!v && !required)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 19000101 ||
	    json_integer_value(v) > 99991231) {
		reply_error(r, v ? ERR_FIELD_TYPE : ERR_FIELD_REQUIRED, key);
		return false;
	}
	*out = (int)json_integer_value(v);
	return true;
}

void api_key_areas(struct req *r)
{
	struct key_area *v;
	size_t n;
	enum store_status st;
	json_t *arr;

	/* reference data, not personal: whoever screens persons, at the door or at a
	 * checkpoint (whose phone proposes a handover for a key area as it is typed) */
	if (!role_can(r->sess.role, PERM_PERSON_READ) &&
	    !role_can(r->sess.role, PERM_CHECKPOINT_WORK)) {
		api_deny(r, ERR_FORBIDDEN, "key_area", NULL);
		return;
	}
	st = svc_ref_key_areas(r->srv->store, r->a, &v, &n);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:i}", "code", v[i].code,
						     "name", v[i].name, "start_date",
						     v[i].start_date, "end_date", v[i].end_date));
	reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

/* Adds a key epidemic area or changes its end date: a division code prefix (2 digits for
 * a province, 4 a city, 6 a county) with the dates it counts from and to. */
void api_key_area_put(struct req *r)
{
	static const char *const allowed[] = {"uuid",       "code",     "name",
					      "start_date", "end_date", NULL};
	struct key_area k = {.end_date = 99991231};
	struct principal who = api_principal(r);
	const struct store_idem *idem;
	struct store_idem buf;
	char hash[65];
	size_t len;
	enum store_status st;

	/* one list for the whole county (svc_key_area_put checks it again in the write): a
	 * township changing it would silently stop every other township's imports from
	 * flagging a key area */
	if (area_code_level(r->sess.area) != AREA_LEVEL_COUNTY) {
		api_deny(r, ERR_FORBIDDEN, "key_area", NULL);
		return;
	}
	if (api_unknown_fields(r, allowed) || !api_idem_opt(r, &buf, hash, &idem) ||
	    api_bad_field(r, json_get_str(r->json, "code", 6, true, &k.code), "code") ||
	    api_bad_field(r, json_get_str(r->json, "name", 40, true, &k.name), "name") ||
	    !date_field(r, "start_date", true, &k.start_date) ||
	    !date_field(r, "end_date", false, &k.end_date))
		return;
	len = strlen(k.code);
	if ((len != 2 && len != 4 && len != 6) || strspn(k.code, "0123456789") != len) {
		reply_error(r, ERR_AREA_CODE_INVALID, "code");
		return;
	}
	if (k.end_date < k.start_date) {
		reply_error(r, ERR_FIELD_TYPE, "end_date");
		return;
	}
	st = svc_key_area_put(r->srv->store, &who, idem, &k, r->a);
	if (st == STORE_INVALID) {
		api_deny(r, ERR_FORBIDDEN, "key_area", NULL);
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_NOT_FOUND);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:i, s:i}", "code", k.code, "name", k.name, "start_date",
			     k.start_date, "end_date", k.end_date));
}
