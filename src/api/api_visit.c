/* api_visit — a visit to a person under observation (见人·见居·见状态, the temperature,
 * symptoms): read from the request and recorded by the service (svc_visit.c), idempotent by
 * the client's UUID; a fever answers with the alert it raised or fed. The three checks are
 * answered yes or no, each (a missing one is 400 field.required: an unanswered check is not
 * a "no"), and "状态正常: 是" beside a fever or a symptom is refused (obs_state_contradicts).
 * Self-reports (api_self.c) are no visit by a worker and carry no checks. */
#include <stdio.h>
#include <string.h>

#include "api/api_obs.h"
#include "util/timeutil.h"
#include "util/uuid.h"

/* ---- visits ---- */

void api_obs_visit(struct req *r)
{
	static const char *const allowed[] = {"uuid",      "mode",        "saw_person", "saw_home",
					      "saw_state", "temperature", "symptoms",   "note",
					      "at",        NULL};
	struct store_idem idem;
	struct visit v = {0};
	struct visit_done out;
	struct principal who = api_principal(r);
	char hash[65], alert_id[UUID_LEN + 1];
	const char *id = api_id_param(r, ERR_OBS_NOT_FOUND);
	int64_t now = time_now();
	enum store_status st;
	bool at_given, replayed;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    !api_obs_enum_field(r, "mode", obs_modes, true, &v.mode) ||
	    api_bad_field(r, json_get_bool(r->json, "saw_person", true, &v.saw_person),
			  "saw_person") ||
	    api_bad_field(r, json_get_bool(r->json, "saw_home", true, &v.saw_home), "saw_home") ||
	    api_bad_field(r, json_get_bool(r->json, "saw_state", true, &v.saw_state),
			  "saw_state") ||
	    !api_obs_reading(r, false, &v) ||
	    !api_obs_time_field(r, "at", ERR_VISIT_AT, &v.at, &at_given))
		return;
	if (obs_state_contradicts(api_obs_policy_of(r), v.saw_state, v.temp, v.symptoms)) {
		reply_error(r, ERR_VISIT_STATE_CONTRADICTS, "saw_state");
		return;
	}
	if (!at_given)
		v.at = now;
	v.by = r->sess.username;
	uuid_v4(v.id);
	uuid_v4(alert_id);
	snprintf(v.observation_id, sizeof v.observation_id, "%s", id);
	st = svc_visit_add(r->srv->store, &who, &idem, api_obs_policy_of(r), "visit.create", &v,
			   alert_id, now, r->a, &out, &replayed);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_VISIT_AT, "at");
		return;
	}
	if (st == STORE_CONFLICT) {
		reply_error(r, ERR_OBS_ENDED, NULL);
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_OBS_NOT_FOUND);
		return;
	}
	reply_json(r, replayed ? 200 : 201,
		   json_pack("{s:o, s:o, s:o}", "visit", api_visit_json(r, &out.visit), "alert",
			     out.has_alert ? api_alert_json(&out.alert) : json_null(),
			     "observation", api_obs_json(&out.obs, api_obs_today_of(now))));
}
