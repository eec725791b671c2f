/* api_audit — reading the audit trail of one's own area, newest first, by pages. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/timeutil.h"

static json_t *json_text(const char *txt)
{
	json_t *v = txt ? json_loads(txt, 0, NULL) : NULL;
	return v ? v : json_null();
}

static json_t *row_json(const struct audit_row *a)
{
	char at[ISO_TIME_LEN + 1];

	time_iso(a->at, at);
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:s, s:o, s:o, s:o}", "id",
			 (json_int_t)a->id, "at", at, "user", json_str_or_null(a->username), "ip",
			 json_str_or_null(a->ip), "action", a->action, "object_type",
			 json_str_or_null(a->object_type), "object_id",
			 json_str_or_null(a->object_id), "area", json_str_or_null(a->area),
			 "result", a->result, "before", json_text(a->before), "after",
			 json_text(a->after), "request_id", json_str_or_null(a->request_id));
}

static bool time_param(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);

	*out = 0;
	if (!v || !*v)
		return true;
	if (!time_parse_iso(v, out)) {
		reply_error(r, ERR_QUERY_INVALID, name);
		return false;
	}
	return true;
}

bool api_audit_query(struct req *r, struct audit_filter *out)
{
	struct audit_filter f = {0};
	const char *before = req_query(r, "before");

	f.username = req_query(r, "user");
	f.action = req_query(r, "action");
	if (f.username && !*f.username)
		f.username = NULL;
	if (f.action && !*f.action)
		f.action = NULL;
	if (!api_area_query(r, &f.area))
		return false;
	if (before && *before) {
		char *end;
		f.before_id = strtoll(before, &end, 10);
		if (*end || f.before_id < 1) {
			reply_error(r, ERR_QUERY_INVALID, "before");
			return false;
		}
	}
	if (!time_param(r, "from", &f.from) || !time_param(r, "to", &f.to) ||
	    !api_query_int(r, "limit", 1, 200, 50, &f.limit))
		return false;
	*out = f;
	return true;
}

void api_audit_list(struct req *r)
{
	struct audit_filter f;
	struct principal who = api_principal(r);
	struct audit_row *rows;
	size_t n;
	enum store_status st;
	json_t *arr;

	if (!api_audit_query(r, &f))
		return;
	if ((st = svc_audit_list(r->srv->store, &who, &f, r->a, &rows, &n)) != STORE_OK) {
		api_list_error(r, st, ERR_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, row_json(&rows[i]));
	reply_json(r, 200,
		   json_pack("{s:o, s:o}", "items", arr, "next_before",
			     n == (size_t)f.limit ? json_integer((json_int_t)rows[n - 1].id)
						  : json_null()));
}
