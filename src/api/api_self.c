/* api_self — the self-report link of a contact card (no account): what the person under
 * observation sees (the given name only, the period, the fever threshold) and the two
 * things the link may write, a temperature and a service request. A separate trust
 * domain: the {token} of the path is the only credential, limited per address and per
 * token, and the writes run as the link's own principal (svc_self.c), whose scope is the
 * one observation the token names. A token that names nothing active answers 404. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/ratelimit.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { NOTE_MAX = 500, SERVICE_DUE_HOURS = 12 };

static const struct obs_policy *policy(struct req *r)
{
	return &r->srv->obs;
}

/* Every symptom a report may name, and every kind of service it may ask for. */
static json_t *choices_json(json_t **kinds)
{
	json_t *sy = json_array();

	for (size_t i = 0; i < OBS_NSYMPTOMS; i++)
		json_array_append_new(sy, json_string(obs_symptom_code(i)));
	*kinds = json_array();
	for (const char *const *k = obs_service_kinds; *k; k++)
		json_array_append_new(*kinds, json_string(*k));
	return sy;
}

/* The observation behind the {token} of the path; replies 404/429 and returns false. */
static bool load_token(struct req *r, int today, struct observation *o)
{
	const char *token = r->match.params[0];
	char hash[TOKEN_HASH_LEN + 1];
	enum store_status st;

	if (!token_hash(token, hash)) {
		reply_error(r, ERR_SELFREPORT_NOT_FOUND, NULL);
		return false;
	}
	if (!ratelimit_allow(r->srv->self_rl, arena_printf(r->a, "ip:%s", r->ip), time_now()) ||
	    !ratelimit_allow(r->srv->self_rl, arena_printf(r->a, "t:%s", hash), time_now())) {
		reply_error(r, ERR_RATE_LIMITED, NULL);
		return false;
	}
	st = svc_self_open(r->srv->store, hash, today, r->a, o);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_SELFREPORT_NOT_FOUND);
		return false;
	}
	return true;
}

/* The given name only: the name without its first character (the family name). */
static const char *given_name(struct req *r, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t first = 1;

	if (!*p)
		return "";
	while (p[first] && (p[first] & 0xC0) == 0x80)
		first++;
	return p[first] ? arena_strdup(r->a, name + first) : arena_strdup(r->a, name);
}

void api_self_get(struct req *r)
{
	struct observation o;
	int today = obs_local_date(time_now());
	struct obs_period per;
	json_t *kinds, *symptoms;

	if (!load_token(r, today, &o))
		return;
	per = (struct obs_period){o.start_date, o.end_date, o.began_at, o.ended_at};
	int day = obs_day_number(&per, today);
	symptoms = choices_json(&kinds);
	reply_json(r, 200,
		   json_pack("{s:s, s:s, s:o, s:o, s:o, s:f, s:o, s:o}", "name",
			     given_name(r, o.person_name), "kind", o.kind, "start_date",
			     api_date_json(o.start_date), "end_date", api_date_json(o.end_date),
			     "day", day ? json_integer(day) : json_null(), "fever_threshold",
			     policy(r)->fever_dc / 10.0, "symptoms", symptoms, "services", kinds));
}

/* The idempotency key of a self-report: no account behind it. */
static bool self_idem(struct req *r, struct store_idem *idem, char hash[65])
{
	if (!api_idem(r, idem, hash))
		return false;
	idem->user_id = NULL;
	return true;
}

/* The reply to a write through the link; an observation that ended meanwhile is gone. */
static bool self_failed(struct req *r, enum store_status st)
{
	if (st == STORE_OK)
		return false;
	if (st == STORE_CONFLICT)
		reply_error(r, ERR_SELFREPORT_NOT_FOUND, NULL);
	else
		api_store_error(r, st, ERR_SELFREPORT_NOT_FOUND);
	return true;
}

void api_self_report(struct req *r)
{
	static const char *const allowed[] = {"uuid", "temperature", "symptoms", "note", NULL};
	struct store_idem idem;
	struct observation o;
	struct visit v = {0};
	struct visit_done out;
	char hash[65], alert_id[UUID_LEN + 1];
	int64_t now = time_now();
	bool replayed;

	if (!load_token(r, obs_local_date(now), &o) || api_unknown_fields(r, allowed) ||
	    !self_idem(r, &idem, hash) || !api_obs_reading(r, true, &v))
		return;
	struct principal link = svc_self_principal(&o, r->ip, r->id);
	uuid_v4(v.id);
	uuid_v4(alert_id);
	if (self_failed(r, svc_self_report(r->srv->store, &link, &idem, policy(r), &v, alert_id,
					   now, r->a, &out, &replayed)))
		return;
	reply_json(r, replayed ? 200 : 201,
		   json_pack("{s:b, s:b}", "ok", 1, "fever", out.visit.fever));
}

/* The kind of service asked for: required, one of obs_service_kinds. */
static bool kind_field(struct req *r, const char **kind)
{
	if (api_bad_field(r, json_get_str(r->json, "kind", 40, true, kind), "kind"))
		return false;
	if (!obs_in(obs_service_kinds, *kind)) {
		reply_error(r, ERR_FIELD_VALUE, "kind");
		return false;
	}
	return true;
}

void api_self_service(struct req *r)
{
	static const char *const allowed[] = {"uuid", "kind", "items", NULL};
	struct store_idem idem;
	struct observation o;
	struct service in = {0}, out;
	char hash[65];
	int64_t now = time_now();
	bool replayed;

	if (!load_token(r, obs_local_date(now), &o) || api_unknown_fields(r, allowed) ||
	    !self_idem(r, &idem, hash) || !kind_field(r, &in.kind) ||
	    api_bad_field(r, json_get_str(r->json, "items", NOTE_MAX, true, &in.items), "items"))
		return;
	struct principal link = svc_self_principal(&o, r->ip, r->id);
	uuid_v4(in.id);
	in.due_at = now + SERVICE_DUE_HOURS * 3600;
	if (self_failed(r, svc_self_service(r->srv->store, &link, &idem, &in, now, r->a, &out,
					    &replayed)))
		return;
	reply_json(r, replayed ? 200 : 201, json_pack("{s:b}", "ok", 1));
}
