/* api_alert — what belongs to an observation besides its visits: fever alerts with their
 * referral and result (the doctor's), and service requests of isolated households (代购、
 * 送餐) with their moves. Lists are scoped by the caller's area; writes go through the
 * service (svc_alert.c, svc_service.c), idempotent by the client's UUID. */
#include <stdio.h>
#include <string.h>

#include "api/api_obs.h"
#include "util/timeutil.h"
#include "util/uuid.h"

/* ---- alerts ---- */

static const char *const alert_statuses[] = {"open", "referred", "closed", "active", NULL};
static const char *const service_statuses[] = {"open",      "new",     "accepted", "delivered",
					       "cancelled", "overdue", "all",      NULL};

static const struct api_list_spec alert_spec = {alert_statuses, "active", 100, 500, false},
				  service_spec = {service_statuses, "open", 100, 500, false};

bool api_alert_query(struct req *r, struct alert_query *q)
{
	struct api_list l;

	if (!api_list_query(r, &alert_spec, &l))
		return false;
	*q = (struct alert_query){.area = l.area, .status = l.status, .limit = l.limit};
	return true;
}

bool api_service_query(struct req *r, struct service_query *q)
{
	struct api_list l;

	if (!api_list_query(r, &service_spec, &l))
		return false;
	*q = (struct service_query){
		.area = l.area, .status = l.status, .limit = l.limit, .now = time_now()};
	return true;
}

/* The lists of alerts and of service requests: one query, one answer. */
static void owned_list(struct req *r, bool alerts)
{
	struct principal who = api_principal(r);
	struct alert_query aq;
	struct service_query sq;
	struct alert *al;
	struct service *sv;
	size_t n;
	int64_t total, now = time_now();
	enum store_status st;

	if (alerts ? !api_alert_query(r, &aq) : !api_service_query(r, &sq))
		return;
	if (alerts)
		st = svc_alert_list(r->srv->store, &who, &aq, r->a, &al, &n, &total);
	else
		st = svc_service_list(r->srv->store, &who, &sq, r->a, &sv, &n, &total);
	if (st != STORE_OK) {
		api_list_error(r, st, alerts ? ERR_ALERT_NOT_FOUND : ERR_SERVICE_NOT_FOUND);
		return;
	}
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, alerts ? api_alert_json(&al[i])
						  : api_service_json(&sv[i], now));
	api_reply_list(r, arr, total);
}

void api_alert_list(struct req *r)
{
	owned_list(r, true);
}

static void alert_change(struct req *r, bool referral)
{
	static const char *const allowed_ref[] = {"uuid", "destination", "facility", "transport",
						  "at",   "result",      "note",     NULL};
	static const char *const allowed_res[] = {"uuid", "result", "note", NULL};
	struct store_idem idem;
	struct alert out;
	struct alert_update u = {0};
	struct principal who = api_principal(r);
	const char *id = api_id_param(r, ERR_ALERT_NOT_FOUND);
	char hash[65];
	enum store_status st;

	u.now = time_now();
	if (!id || api_unknown_fields(r, referral ? allowed_ref : allowed_res) ||
	    !api_idem(r, &idem, hash) ||
	    (referral &&
	     (!api_obs_enum_field(r, "destination", obs_destinations, true, &u.destination) ||
	      !api_obs_text_field(r, "facility", TEXT_MAX, false, &u.facility) ||
	      !api_obs_text_field(r, "transport", TEXT_MAX, false, &u.transport) ||
	      !api_obs_time_field(r, "at", ERR_FIELD_VALUE, &u.referred_at, NULL))) ||
	    !api_obs_enum_field(r, "result", obs_results, !referral, &u.result) ||
	    !api_obs_text_field(r, "note", NOTE_MAX, false, &u.note))
		return;
	if (referral && !u.referred_at)
		u.referred_at = u.now;
	if (referral && u.referred_at > u.now + 300) {
		reply_error(r, ERR_FIELD_VALUE, "at");
		return;
	}
	st = svc_alert_update(r->srv->store, &who, &idem, api_obs_policy_of(r), id, &u, r->a, &out,
			      NULL);
	if (st == STORE_OK)
		reply_json(r, 200, api_alert_json(&out));
	else if (st == STORE_CONFLICT)
		reply_error(r, ERR_ALERT_CLOSED, NULL);
	else
		api_store_error(r, st, ERR_ALERT_NOT_FOUND);
}

void api_alert_referral(struct req *r)
{
	alert_change(r, true);
}
void api_alert_result(struct req *r)
{
	alert_change(r, false);
}

/* ---- services ---- */

void api_service_list(struct req *r)
{
	owned_list(r, false);
}

/* Stores a worker's service request for o and replies. */
static void add_service(struct req *r, const struct store_idem *idem, struct service *in,
			const char *obs_id, int64_t now)
{
	struct principal who = api_principal(r);
	struct service out;
	enum store_status st;
	bool replayed;

	uuid_v4(in->id);
	snprintf(in->observation_id, sizeof in->observation_id, "%s", obs_id);
	st = svc_service_create(r->srv->store, &who, idem, "service.create", in, now, r->a, &out,
				&replayed);
	if (st == STORE_CONFLICT)
		reply_error(r, ERR_OBS_ENDED, NULL);
	else if (st != STORE_OK)
		api_store_error(r, st, ERR_OBS_NOT_FOUND);
	else
		reply_json(r, replayed ? 200 : 201, api_service_json(&out, now));
}

void api_service_create(struct req *r)
{
	static const char *const allowed[] = {"uuid", "kind", "items", "due_at", "assignee", NULL};
	struct store_idem idem;
	struct service in = {0};
	char hash[65];
	const char *id = api_id_param(r, ERR_OBS_NOT_FOUND);
	int64_t now = time_now();
	bool due_given;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !api_obs_enum_field(r, "kind", obs_service_kinds, true, &in.kind) ||
	    !api_obs_text_field(r, "items", NOTE_MAX, true, &in.items) ||
	    !api_obs_time_field(r, "due_at", ERR_FIELD_VALUE, &in.due_at, &due_given) ||
	    !api_obs_text_field(r, "assignee", TEXT_MAX, false, &in.assignee))
		return;
	if (due_given && in.due_at <= now) {
		reply_error(r, ERR_FIELD_VALUE, "due_at");
		return;
	}
	if (!due_given)
		in.due_at = now + SERVICE_DUE_HOURS * 3600;
	in.requested_by = "worker";
	in.requester = r->sess.username;
	add_service(r, &idem, &in, id, now);
}

void api_service_status(struct req *r)
{
	static const char *const allowed[] = {"uuid", "status", "assignee", "note", NULL};
	static const char *const moves[] = {"accepted", "delivered", "cancelled", NULL};
	const char *id = api_id_param(r, ERR_SERVICE_NOT_FOUND), *status, *assignee = NULL,
		   *note = NULL;
	struct store_idem idem;
	struct service out;
	struct principal who = api_principal(r);
	char hash[65];
	int64_t now = time_now();
	enum store_status st;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !api_obs_enum_field(r, "status", moves, true, &status) ||
	    !api_obs_text_field(r, "assignee", TEXT_MAX, false, &assignee) ||
	    !api_obs_text_field(r, "note", REASON_MAX, !strcmp(status, "cancelled"), &note))
		return;
	st = svc_service_move(r->srv->store, &who, &idem, id, status, assignee, note, now, r->a,
			      &out, NULL);
	if (st == STORE_OK)
		reply_json(r, 200, api_service_json(&out, now));
	else if (st == STORE_CONFLICT)
		reply_error(r, ERR_SERVICE_STATUS, "status");
	else
		api_store_error(r, st, ERR_SERVICE_NOT_FOUND);
}
