/* api_area — the area tree: read an area with its children, search, create grids and
 * groups, edit the responsible person. Everything outside the caller's area is 404. */
#include <string.h>

#include "api/api.h"
#include "domain/pinyin.h"
#include "http/cache.h"

enum { NAME_MAX_CHARS = 40, PERSON_MAX_CHARS = 32 };

json_t *api_area_json(struct req *r, const struct area *a)
{
	(void)r;
	return json_pack("{s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:I, s:b}", "code", a->code,
			 "name", a->name, "level", area_level_name(a->level), "parent",
			 a->parent[0] ? json_string(a->parent) : json_null(), "parent_name",
			 a->parent_name ? a->parent_name : "", "responsible_name",
			 a->responsible_name, "responsible_phone", a->responsible_phone,
			 "duty_phone", a->duty_phone, "child_count", (json_int_t)a->child_count,
			 "official", a->official);
}

static json_t *area_list_json(struct req *r, const struct area *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, api_area_json(r, &v[i]));
	return arr;
}

/* The {code} parameter, well formed; replies and returns NULL otherwise. Its scope is the
 * service's to check. */
static const char *code_param(struct req *r)
{
	const char *code = r->match.params[0];

	if (area_code_level(code) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "code");
		return NULL;
	}
	return code;
}

/* The {code} parameter, well formed and in scope; replies and returns NULL otherwise. */
static const char *scoped_code_param(struct req *r)
{
	const char *code = code_param(r);
	struct principal who = api_principal(r);
	enum store_status st;

	if (code && (st = svc_scope_check(&who, code, NULL)) != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return NULL;
	}
	return code;
}

/* An area with its children and ancestors. The area tree changes rarely and is read on
 * every page, so finished bodies are cached per scope and code (http/cache.h); the
 * generation is read before the data, so a body built from data older than a change is
 * never served after it. */
void api_area_get(struct req *r)
{
	const char *code = scoped_code_param(r);
	struct principal who = api_principal(r);
	struct area a, *children, *path;
	size_t nchildren, npath, len;
	enum store_status st;
	uint64_t gen;
	char *key, *txt;
	json_t *o;

	if (!code)
		return;
	gen = svc_ref_area_generation(r->srv->store);
	key = arena_printf(r->a, "%s|%s", r->sess.area, code);
	if (rcache_get(r->srv->area_cache, key, gen, &txt, &len)) {
		reply_json_text(r, 200, txt, len);
		return;
	}
	st = svc_area_detail(r->srv->store, &who, code, r->a, &a, &children, &nchildren, &path,
			     &npath);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	o = api_area_json(r, &a);
	json_object_set_new(o, "path", area_list_json(r, path, npath));
	json_object_set_new(o, "children", area_list_json(r, children, nchildren));
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!txt)
		fk_oom();
	len = strlen(txt);
	rcache_put(r->srv->area_cache, key, gen, txt, len);
	reply_json_text(r, 200, txt, len);
}

/* ---- where a task goes when the person moved (issue 10, item 3) ---- */

struct hit {
	const struct area_seed *a;
	int rank;
};

static int hit_cmp(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	size_t la = strlen(a->a->code), lb = strlen(b->a->code);

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (la != lb) /* a township before its villages, a village before its grids */
		return la < lb ? -1 : 1;
	return strcmp(a->a->code, b->a->code);
}

static int seed_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct area_seed *)elem)->code);
}

/* The names above an area, the county first (the seeds are sorted by code). */
static json_t *seed_path(const struct area_seed *all, size_t n, const struct area_seed *a)
{
	json_t *names = json_array();
	const struct area_seed *p = a;

	while (p && *p->parent && (p = bsearch(p->parent, all, n, sizeof *all, seed_cmp)))
		json_array_insert_new(names, 0, json_string(p->name));
	return names;
}

/* GET /areas?for=forward&q=: the areas of the caller's whole county (not only its scope)
 * whose name holds q or whose pinyin initials hold q ("tmh": 天目湖镇), best first: a name
 * that starts with q, one that holds it, then the initials. Only code, name, level and
 * the names above: where a task may go, nothing of the people there. */
static void forward_search(struct req *r, const char *q, int limit)
{
	struct principal who = api_principal(r);
	struct area_seed *all;
	struct hit *hits;
	size_t n = 0, nhit = 0;
	enum store_status st = svc_ref_county_areas(r->srv->store, who.area, r->a, &all, &n);
	json_t *items;

	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	hits = arena_alloc(r->a, (n ? n : 1) * sizeof *hits);
	for (size_t i = 0; i < n; i++) {
		enum area_level lv = area_code_level(all[i].code);
		int rank = pinyin_name_match(all[i].name, q);
		if (rank && lv != AREA_LEVEL_INVALID && strlen(all[i].code) > 6)
			hits[nhit++] = (struct hit){&all[i], rank};
	}
	qsort(hits, nhit, sizeof *hits, hit_cmp);
	items = json_array();
	for (size_t i = 0; i < nhit && i < (size_t)limit; i++) {
		const struct area_seed *a = hits[i].a;
		json_array_append_new(items, json_pack("{s:s, s:s, s:s, s:o}", "code", a->code,
						       "name", a->name, "level",
						       area_level_name(area_code_level(a->code)),
						       "path", seed_path(all, n, a)));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_area_list(struct req *r)
{
	const char *q = req_query(r, "q"), *root = req_query(r, "root");
	const char *purpose = req_query(r, "for");
	struct principal who = api_principal(r);
	struct area *v;
	size_t n = 0;
	int limit;
	enum store_status st;

	if (!api_query_int(r, "limit", 1, 200, 50, &limit))
		return;
	if (purpose && strcmp(purpose, "forward")) {
		reply_error(r, ERR_QUERY_INVALID, "for");
		return;
	}
	if (purpose) {
		if (!q || !*q || utf8_chars(q) > 40)
			reply_error(r, ERR_QUERY_INVALID, "q");
		else
			forward_search(r, q, limit);
		return;
	}
	if (root && !strcmp(root, "1")) {
		v = arena_alloc(r->a, sizeof *v);
		st = svc_area_root(r->srv->store, &who, r->a, v);
		n = st == STORE_OK;
	} else {
		if (!q || !*q || utf8_chars(q) > 40) {
			reply_error(r, ERR_QUERY_INVALID, "q");
			return;
		}
		st = svc_area_search(r->srv->store, &who, q, limit, r->a, &v, &n);
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", area_list_json(r, v, n)));
}

/* name: required on create, 1–40 characters once ASCII spaces are trimmed. */
static bool name_field(struct req *r, bool required, const char **out)
{
	const char *v;
	size_t len;

	if (api_bad_field(r, json_get_str(r->json, "name", 200, required, &v), "name"))
		return false;
	*out = NULL;
	if (!v)
		return true;
	while (*v == ' ')
		v++;
	len = strlen(v);
	while (len && v[len - 1] == ' ')
		len--;
	if (!len) {
		reply_error(r, ERR_FIELD_REQUIRED, "name");
		return false;
	}
	*out = arena_strndup(r->a, v, len);
	if (utf8_chars(*out) > NAME_MAX_CHARS) {
		reply_error(r, ERR_FIELD_TOO_LONG, "name");
		return false;
	}
	return true;
}

static bool person_fields(struct req *r, const char **name, const char **phone, const char **duty)
{
	return !api_bad_field(
		       r, json_get_str(r->json, "responsible_name", PERSON_MAX_CHARS, false, name),
		       "responsible_name") &&
	       api_office_phone_field(r, "responsible_phone", phone) &&
	       api_office_phone_field(r, "duty_phone", duty);
}

void api_area_create(struct req *r)
{
	static const char *const allowed[] = {
		"uuid",       "parent", "name", "responsible_name", "responsible_phone",
		"duty_phone", NULL};
	struct area_new in = {0};
	struct store_idem idem;
	char hash[65];
	struct area out;
	bool replayed;
	struct principal who = api_principal(r);
	enum store_status st;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "parent", AREA_CODE_MAX, true, &in.parent),
			  "parent"))
		return;
	if (area_code_level(in.parent) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "parent");
		return;
	}
	if (!name_field(r, true, &in.name) ||
	    !person_fields(r, &in.responsible_name, &in.responsible_phone, &in.duty_phone))
		return;
	st = svc_area_create(r->srv->store, &who, &idem, &in, r->a, &out, &replayed);
	switch (st) {
	case STORE_OK: reply_json(r, replayed ? 200 : 201, api_area_json(r, &out)); break;
	case STORE_INVALID: reply_error(r, ERR_AREA_PARENT_LEVEL, "parent"); break;
	case STORE_CONFLICT: reply_error(r, ERR_AREA_NAME_TAKEN, "name"); break;
	case STORE_NOT_FOUND: reply_error(r, ERR_AREA_NOT_FOUND, "parent"); break;
	default: api_store_error(r, st, ERR_AREA_NOT_FOUND);
	}
}

void api_area_update(struct req *r)
{
	static const char *const allowed[] = {
		"uuid", "name", "responsible_name", "responsible_phone", "duty_phone", NULL};
	const char *code = code_param(r);
	struct area_patch p = {0};
	struct area out;
	struct principal who = api_principal(r);
	struct store_idem buf;
	const struct store_idem *idem;
	char hash[65];
	enum store_status st;

	if (!code || api_unknown_fields(r, allowed) || !api_idem_opt(r, &buf, hash, &idem) ||
	    !name_field(r, false, &p.name) ||
	    !person_fields(r, &p.responsible_name, &p.responsible_phone, &p.duty_phone))
		return;
	st = svc_area_update(r->srv->store, &who, idem, code, &p, r->a, &out, NULL);
	switch (st) {
	case STORE_OK: reply_json(r, 200, api_area_json(r, &out)); break;
	case STORE_INVALID: reply_error(r, ERR_AREA_NAME_OFFICIAL, "name"); break;
	case STORE_CONFLICT: reply_error(r, ERR_AREA_NAME_TAKEN, "name"); break;
	default: api_store_error(r, st, ERR_AREA_NOT_FOUND);
	}
}
