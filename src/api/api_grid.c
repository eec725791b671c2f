/* api_grid — a village's grid rules (domain/grid_rule.h, svc_grid.c): which grid covers
 * which groups, roads, compounds and house numbers, read and replaced whole, and the
 * "test an address" answer of the console's rules page, resolved exactly as an import
 * resolves it (svc_county_index). */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/address.h"
#include "domain/grid_rule.h"

enum { RULES_MAX = GRID_RULES_MAX, ADDRESS_MAX_CHARS = 200 };

static json_t *rule_json(const struct grid_rule_row *v)
{
	char group[16];
	bool is_group = !strcmp(v->kind, "group");

	snprintf(group, sizeof group, "%d组", v->from);
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s}", "village", v->village, "grid",
			 v->grid, "kind", v->kind, "name", is_group ? group : v->name, "from",
			 v->from, "to", v->to, "parity", v->parity);
}

static void reply_rules(struct req *r, int status, const struct grid_rule_row *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, rule_json(&v[i]));
	reply_json(r, status, json_pack("{s:o}", "items", arr));
}

static const char *village_param(struct req *r)
{
	const char *code = r->match.params[0];

	if (area_code_level(code) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "code");
		return NULL;
	}
	return code;
}

void api_grid_rules(struct req *r)
{
	const char *code = village_param(r);
	struct principal who = api_principal(r);
	struct grid_rule_row *v;
	size_t n;

	if (code && api_stored(r, svc_grid_rules(r->srv->store, &who, code, r->a, &v, &n),
			       ERR_AREA_NOT_FOUND))
		reply_rules(r, 200, v, n);
}

static int int_of(const json_t *o, const char *key, bool *ok)
{
	const json_t *v = json_object_get(o, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > GRID_RULE_NUMBER_MAX) {
		*ok = false;
		return 0;
	}
	return (int)json_integer_value(v);
}

/* One rule of the body: {grid, kind, name, from?, to?, parity?}; a group's name is read
 * as people write it ("5组", "五组", "第五村民小组"). */
static bool read_rule(const json_t *o, struct grid_rule_row *out)
{
	static const char *const allowed[] = {"grid", "kind", "name", "from", "to", "parity", NULL};
	const json_t *g = json_object_get(o, "grid"), *k = json_object_get(o, "kind"),
		     *nm = json_object_get(o, "name"), *p = json_object_get(o, "parity");
	struct grid_rule d = {0};
	bool ok = true;

	if (!json_is_object(o) || json_unknown_key(o, allowed) || !json_is_string(g) ||
	    !json_is_string(k) || (nm && !json_is_string(nm)) || (p && !json_is_string(p)) ||
	    json_string_length(g) != 15 || !grid_rule_kind_parse(json_string_value(k), &d.kind) ||
	    !grid_rule_parity_parse(p ? json_string_value(p) : "all", &d.parity))
		return false;
	d.grid = json_string_value(g);
	d.name = nm ? json_string_value(nm) : "";
	d.from = int_of(o, "from", &ok);
	d.to = int_of(o, "to", &ok);
	if (d.kind == GRID_RULE_GROUP) {
		d.from = d.to = grid_rule_group_number(d.name);
		d.name = "";
		d.parity = GRID_RULE_ALL;
	}
	if (!ok || !grid_rule_valid(&d))
		return false;
	memcpy(out->grid, d.grid, 16);
	out->kind = grid_rule_kind_name(d.kind);
	out->name = d.name;
	out->from = d.from;
	out->to = d.to;
	out->parity = grid_rule_parity_name(d.parity);
	return true;
}

/* PUT /areas/{code}/grid-rules {uuid?, rules: [...]}: the village's list, replaced whole. */
void api_grid_rules_put(struct req *r)
{
	static const char *const allowed[] = {"uuid", "rules", NULL};
	const char *code = village_param(r);
	const json_t *arr = json_object_get(r->json, "rules");
	struct principal who = api_principal(r);
	struct grid_rule_row *in, *out;
	const struct store_idem *idem;
	struct store_idem buf;
	size_t n, nout;
	bool replayed = false;
	char hash[65];
	enum store_status st;

	if (!code || api_unknown_fields(r, allowed) || !api_idem_opt(r, &buf, hash, &idem))
		return;
	if (!json_is_array(arr) || json_array_size(arr) > RULES_MAX) {
		reply_error(r, arr ? ERR_FIELD_TYPE : ERR_FIELD_REQUIRED, "rules");
		return;
	}
	n = json_array_size(arr);
	in = arena_alloc(r->a, (n ? n : 1) * sizeof *in);
	for (size_t i = 0; i < n; i++)
		if (!read_rule(json_array_get(arr, i), &in[i])) {
			reply_error(r, ERR_GRID_RULE_INVALID, arena_printf(r->a, "rules[%zu]", i));
			return;
		}
	st = svc_grid_rules_put(r->srv->store, &who, idem, code, in, n, r->a, &out, &nout,
				&replayed);
	if (st == STORE_INVALID)
		reply_error(r, ERR_GRID_RULE_VILLAGE, "rules");
	else if (api_stored(r, st, ERR_AREA_NOT_FOUND))
		reply_rules(r, 200, out, nout);
}

static const char *name_of(const struct area_seed *v, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].code, code))
			return v[i].name;
	return "";
}

/* GET /areas/{code}/resolve?address=: where an address resolves, as an import would file
 * it; {match, code, name}. An area outside the caller's scope is named only as "outside". */
void api_area_resolve(struct req *r)
{
	const char *code = village_param(r), *address = req_query(r, "address");
	struct principal who = api_principal(r);
	char out[ADDR_CODE_LEN_MAX + 1] = "";
	struct addr_index *ix = NULL;
	struct area_seed *areas;
	enum addr_match m;
	size_t na;

	if (!code)
		return;
	if (!address || !*address || utf8_chars(address) > ADDRESS_MAX_CHARS) {
		reply_error(r, address && *address ? ERR_FIELD_TOO_LONG : ERR_FIELD_REQUIRED,
			    "address");
		return;
	}
	if (!api_stored(r, svc_scope_check(&who, code, NULL), ERR_AREA_NOT_FOUND))
		return;
	if (!svc_ref_area_exists(r->srv->store, code)) { /* answered as any missing area */
		reply_error(r, ERR_AREA_NOT_FOUND, NULL);
		return;
	}
	if (!api_stored(r, svc_county_index(r->srv->store, code, r->a, &ix, &areas, &na),
			ERR_AREA_NOT_FOUND))
		return;
	m = addr_resolve(ix, address, out);
	addr_index_free(ix);
	if (*out && !svc_sees(&who, out)) {
		reply_json(r, 200,
			   json_pack("{s:s, s:n, s:s}", "match", "outside", "code", "name", ""));
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:s}", "match", addr_match_name(m), "code",
			     *out ? json_string(out) : json_null(), "name",
			     name_of(areas, na, out)));
}
