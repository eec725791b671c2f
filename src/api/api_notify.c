/* api_notify — the notification centre: the caller's own notifications (GET), marking them
 * read (POST, idempotent by uuid, audited) and the event stream that pushes new ones
 * (GET /api/v1/events, http/events.c). A notification names a kind, an area and an object,
 * never an ID number or a phone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/outbound.h"
#include "domain/phone.h"
#include "http/events.h"
#include "util/timeutil.h"

enum { READ_IDS_MAX = 100 };

void api_notification_list(struct req *r)
{
	struct principal who = api_principal(r);
	struct notification *rows;
	size_t n;
	int64_t unread;
	int limit, after, unread_only;

	if (!api_query_int(r, "limit", 1, 200, 50, &limit) ||
	    !api_query_int(r, "after", 0, 2000000000, 0, &after) ||
	    !api_query_int(r, "unread", 0, 1, 0, &unread_only))
		return;
	if (!api_stored(r,
			svc_notification_list(r->srv->store, &who, after, unread_only, limit, r->a,
					      &rows, &n, &unread),
			ERR_BAD_REQUEST))
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, events_notification_json(&rows[i]));
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", arr, "unread", (json_int_t)unread));
}

/* ids: a list of positive notification ids (at most READ_IDS_MAX); replies on error. */
static bool read_ids(struct req *r, int64_t *ids, size_t *n, bool *all)
{
	json_t *v = json_object_get(r->json, "ids"), *a = json_object_get(r->json, "all");
	size_t i;
	json_t *e;

	*n = 0;
	*all = a && json_is_true(a);
	if (a && !json_is_boolean(a)) {
		reply_error(r, ERR_FIELD_TYPE, "all");
		return false;
	}
	if (!v && *all)
		return true;
	if (!v || !json_is_array(v) || json_array_size(v) > READ_IDS_MAX || *all ||
	    !json_array_size(v)) {
		reply_error(r, v && !json_is_array(v) ? ERR_FIELD_TYPE : ERR_FIELD_VALUE, "ids");
		return false;
	}
	json_array_foreach(v, i, e)
	{
		if (!json_is_integer(e) || json_integer_value(e) <= 0) {
			reply_error(r, ERR_FIELD_TYPE, "ids");
			return false;
		}
		ids[(*n)++] = json_integer_value(e);
	}
	return true;
}

void api_notification_read(struct req *r)
{
	static const char *const allowed[] = {"uuid", "ids", "all", NULL};
	struct principal who = api_principal(r);
	struct store_idem idem;
	int64_t ids[READ_IDS_MAX], unread = 0;
	size_t n;
	bool all;
	char hash[65];

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !read_ids(r, ids, &n, &all))
		return;
	if (!api_stored(r,
			svc_notification_read(r->srv->store, &who, &idem, ids, n, time_now(), r->a,
					      &unread, NULL),
			ERR_BAD_REQUEST))
		return;
	/* a replay answers as the first answer did: what is left unread */
	reply_json(r, 200, json_pack("{s:I}", "unread", (json_int_t)unread));
}

void api_events(struct req *r)
{
	const char *h = req_header(r, "Last-Event-ID");
	int64_t last = 0;

	if (h && *h) {
		char *end;
		errno = 0;
		long long v = strtoll(h, &end, 10);
		if (!errno && !*end && v > 0)
			last = v;
	}
	events_open(r->srv->events, r, last);
}

/* ---- an area's group-robot webhook (企业微信/钉钉) ---- */

static const char *outbound_area(struct req *r)
{
	const char *code = r->match.params[0];

	if (area_code_level(code) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "code");
		return NULL;
	}
	return code;
}

void api_outbound_get(struct req *r)
{
	struct principal who = api_principal(r);
	const char *area = outbound_area(r);
	struct outbound_config c = {0};
	enum store_status st;

	if (!area)
		return;
	st = svc_outbound_config_get(r->srv->store, &who, area, r->a, &c);
	if (!api_stored(r, st, ERR_AREA_NOT_FOUND))
		return;
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:s, s:b, s:o}", "area", area, "kind", c.kind, "url",
			     c.url, "sms_available", r->srv->cfg.sms_command != NULL, "sms_phones",
			     json_loads(c.sms_phones, 0, NULL)));
}

/* The duty mobiles of a PUT as a JSON array of normalised mobiles in *out (NULL when the
 * body leaves them out); false after answering why not. */
static bool sms_phones(struct req *r, const char **out)
{
	json_t *in = json_object_get(r->json, "sms_phones"), *norm, *v;
	size_t i;

	*out = NULL;
	if (!in)
		return true;
	if (!json_is_array(in)) {
		reply_error(r, ERR_FIELD_TYPE, "sms_phones");
		return false;
	}
	if (json_array_size(in) > SVC_SMS_PHONES_MAX) {
		reply_error(r, ERR_FIELD_VALUE, "sms_phones");
		return false;
	}
	if (json_array_size(in) && !r->srv->cfg.sms_command) {
		reply_error(r, ERR_OUTBOUND_SMS_UNAVAILABLE, "sms_phones");
		return false;
	}
	norm = json_array();
	json_array_foreach(in, i, v)
	{
		char p[PHONE_LEN + 1];
		if (!json_is_string(v) || !phone_normalize(json_string_value(v), p)) {
			json_decref(norm);
			reply_error(r, ERR_PHONE_INVALID, "sms_phones");
			return false;
		}
		json_array_append_new(norm, json_string(p));
	}
	char *txt = json_dumps(norm, JSON_COMPACT);
	json_decref(norm);
	if (!txt)
		fk_oom();
	*out = arena_strdup(r->a, txt);
	free(txt);
	return true;
}

void api_outbound_put(struct req *r)
{
	static const char *const allowed[] = {"uuid", "kind", "url", "sms_phones", NULL};
	struct principal who = api_principal(r);
	struct store_idem idem;
	const char *area = outbound_area(r), *kind = NULL, *url = NULL, *sms = NULL;
	char hash[65];

	if (!area || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "url", OUTBOUND_URL_MAX, false, &url), "url") ||
	    api_bad_field(r, json_get_str(r->json, "kind", 16, false, &kind), "kind") ||
	    !sms_phones(r, &sms))
		return;
	/* url "" removes the robot, url left out keeps it (a change of the mobiles only) */
	if (!url && !sms) {
		reply_error(r, ERR_FIELD_REQUIRED, "url");
		return;
	}
	if (url && *url && !outbound_url_ok(url)) {
		reply_error(r, ERR_OUTBOUND_URL_INVALID, "url");
		return;
	}
	if (url && *url && !outbound_kind_ok(kind)) {
		reply_error(r, ERR_FIELD_VALUE, "kind");
		return;
	}
	if (!api_stored(r,
			svc_outbound_config_put(r->srv->store, &who, &idem, area,
						url && *url ? kind : "", url, sms, time_now(),
						r->a),
			ERR_AREA_NOT_FOUND))
		return;
	api_outbound_get(r);
}
