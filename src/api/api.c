/* api — the route table and the common checks, in the order a request meets them:
 * route → session → password state → CSRF → permission → content type → body → handler.
 * Out-of-scope objects are answered by the handlers as not found. */
#include "api/api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "domain/phone.h"
#include "util/log.h"
#include "util/timeutil.h"

#define P(x) PERM_##x
const struct route api_routes[] = {
	{HTTP_GET, "/healthz", api_healthz, ROUTE_PUBLIC, 0},
	{HTTP_GET, "/api/v1/openapi.json", api_openapi, ROUTE_PUBLIC, 0},
	{HTTP_POST, "/api/v1/login", api_login, ROUTE_PUBLIC | ROUTE_JSON | ROUTE_NO_CSRF, 0},
	{HTTP_POST, "/api/v1/logout", api_logout, ROUTE_PW_STATE, 0},
	{HTTP_GET, "/api/v1/me", api_me, ROUTE_PW_STATE, 0},
	{HTTP_GET, "/api/v1/events", api_events, 0, 0},
	{HTTP_GET, "/api/v1/notifications", api_notification_list, 0, 0},
	{HTTP_POST, "/api/v1/notifications/read", api_notification_read, ROUTE_JSON, 0},
	{HTTP_GET, "/api/v1/areas/{code}/outbound", api_outbound_get, 0, P(AREA_WRITE)},
	{HTTP_PUT, "/api/v1/areas/{code}/outbound", api_outbound_put, ROUTE_JSON, P(AREA_WRITE)},
	{HTTP_POST, "/api/v1/me/password", api_password, ROUTE_JSON | ROUTE_PW_STATE, 0},
	{HTTP_GET, "/api/v1/areas", api_area_list, 0, P(AREA_READ)},
	{HTTP_POST, "/api/v1/areas", api_area_create, ROUTE_JSON, P(AREA_WRITE)},
	{HTTP_GET, "/api/v1/areas/{code}", api_area_get, 0, P(AREA_READ)},
	{HTTP_PATCH, "/api/v1/areas/{code}", api_area_update, ROUTE_JSON, P(AREA_WRITE)},
	{HTTP_GET, "/api/v1/areas/{code}/grid-rules", api_grid_rules, 0, P(AREA_READ)},
	{HTTP_PUT, "/api/v1/areas/{code}/grid-rules", api_grid_rules_put, ROUTE_JSON,
	 P(AREA_WRITE)},
	{HTTP_GET, "/api/v1/areas/{code}/resolve", api_area_resolve, 0, P(AREA_READ)},
	{HTTP_GET, "/api/v1/users", api_user_list, 0, P(USER_READ)},
	{HTTP_POST, "/api/v1/users", api_user_create, ROUTE_JSON, P(USER_WRITE)},
	{HTTP_POST, "/api/v1/users/import", api_user_import, ROUTE_UPLOAD, P(USER_WRITE)},
	{HTTP_GET, "/api/v1/users/import/template", api_user_import_template, 0, P(USER_WRITE)},
	{HTTP_GET, "/api/v1/users/{id}", api_user_get, 0, P(USER_READ)},
	{HTTP_PATCH, "/api/v1/users/{id}", api_user_update, ROUTE_JSON, P(USER_WRITE)},
	{HTTP_POST, "/api/v1/users/{id}/reset-password", api_user_reset, 0, P(USER_WRITE)},
	{HTTP_GET, "/api/v1/audit", api_audit_list, 0, P(AUDIT_READ)},
	{HTTP_POST, "/api/v1/imports", api_import_create, ROUTE_UPLOAD, P(IMPORT)},
	{HTTP_GET, "/api/v1/imports", api_import_list, 0, P(IMPORT)},
	{HTTP_GET, "/api/v1/imports/template", api_import_template, 0, P(IMPORT)},
	{HTTP_GET, "/api/v1/imports/{id}", api_import_get, 0, P(IMPORT)},
	{HTTP_GET, "/api/v1/imports/{id}/issues", api_import_issues, 0, P(IMPORT)},
	{HTTP_GET, "/api/v1/persons", api_person_search, 0, P(PERSON_READ)},
	{HTTP_POST, "/api/v1/persons/search", api_person_search_post, ROUTE_JSON, P(PERSON_READ)},
	{HTTP_POST, "/api/v1/persons", api_person_create, ROUTE_JSON, P(TASK_WORK)},
	{HTTP_POST, "/api/v1/persons/{id}/merge", api_person_merge, ROUTE_JSON, P(TASK_MANAGE)},
	{HTTP_POST, "/api/v1/persons/{id}/fix", api_person_fix, ROUTE_JSON, P(TASK_WORK)},
	{HTTP_GET, "/api/v1/key-areas", api_key_areas, 0, 0}, /* person.read or checkpoint.work */
	{HTTP_POST, "/api/v1/key-areas", api_key_area_put, ROUTE_JSON, P(IMPORT)},
	{HTTP_GET, "/api/v1/persons/{id}", api_person_get, 0, P(PERSON_READ)},
	{HTTP_POST, "/api/v1/persons/{id}/reveal", api_person_reveal, 0, P(PERSON_REVEAL)},
	{HTTP_GET, "/api/v1/outcomes", api_outcomes, 0, P(PERSON_READ)},
	{HTTP_GET, "/api/v1/tasks", api_task_list, 0, P(PERSON_READ)},
	{HTTP_GET, "/api/v1/tasks/stats", api_task_stats, 0, P(TASK_MANAGE)},
	{HTTP_GET, "/api/v1/tasks/pool", api_task_pool, 0, P(TASK_WORK)},
	{HTTP_POST, "/api/v1/tasks/reassign", api_task_reassign_batch, ROUTE_JSON, P(TASK_MANAGE)},
	{HTTP_GET, "/api/v1/tasks/{id}", api_task_get, 0, P(PERSON_READ)},
	{HTTP_POST, "/api/v1/tasks/{id}/close", api_task_close, ROUTE_JSON, P(TASK_WORK)},
	{HTTP_POST, "/api/v1/tasks/{id}/reassign", api_task_reassign, ROUTE_JSON, P(TASK_MANAGE)},
	{HTTP_POST, "/api/v1/tasks/{id}/extend", api_task_extend, ROUTE_JSON, P(TASK_MANAGE)},
	{HTTP_POST, "/api/v1/tasks/{id}/take", api_task_take, ROUTE_JSON, P(TASK_WORK)},
	{HTTP_GET, "/api/v1/observation-policy", api_obs_policy, 0, P(OBS_WORK)},
	{HTTP_GET, "/api/v1/observation-board", api_obs_board, 0, P(OBS_MANAGE)},
	{HTTP_GET, "/api/v1/reports/daily", api_report_daily, 0, P(REPORT_READ)},
	{HTTP_POST, "/api/v1/reports/daily", api_report_submit, ROUTE_JSON, P(REPORT_WRITE)},
	{HTTP_GET, "/api/v1/reports/daily.xlsx", api_report_xlsx, 0, P(REPORT_READ)},
	{HTTP_GET, "/api/v1/reports/rates", api_report_rates, 0, P(REPORT_READ)},
	{HTTP_GET, "/api/v1/reports/trend", api_report_trend, 0, P(REPORT_READ)},
	{HTTP_GET, "/api/v1/reports/settings", api_report_settings, 0, P(REPORT_READ)},
	{HTTP_PUT, "/api/v1/reports/settings", api_report_settings_put, ROUTE_JSON, P(REPORT_WRITE)},
	{HTTP_POST, "/api/v1/observations", api_obs_create, ROUTE_JSON, P(OBS_WORK)},
	{HTTP_GET, "/api/v1/observations", api_obs_list, ROUTE_SLOW, P(OBS_WORK)},
	{HTTP_GET, "/api/v1/observations/today", api_obs_today, 0, P(OBS_WORK)},
	{HTTP_GET, "/api/v1/observations/{id}", api_obs_get, 0, P(OBS_WORK)},
	{HTTP_POST, "/api/v1/observations/{id}/visits", api_obs_visit, ROUTE_JSON, P(OBS_WORK)},
	{HTTP_POST, "/api/v1/observations/{id}/period", api_obs_period, ROUTE_JSON, P(OBS_MANAGE)},
	{HTTP_POST, "/api/v1/observations/{id}/release", api_obs_release, ROUTE_JSON,
	 P(OBS_MANAGE)},
	{HTTP_POST, "/api/v1/observations/{id}/staff", api_obs_staff, ROUTE_JSON, P(OBS_MANAGE)},
	{HTTP_GET, "/api/v1/observations/{id}/card", api_obs_card, ROUTE_SLOW, P(OBS_WORK)},
	{HTTP_POST, "/api/v1/observations/{id}/services", api_service_create, ROUTE_JSON,
	 P(OBS_WORK)},
	{HTTP_GET, "/api/v1/cards", api_cards, ROUTE_SLOW, P(OBS_WORK)},
	{HTTP_GET, "/api/v1/alerts", api_alert_list, 0, P(OBS_WORK)},
	{HTTP_POST, "/api/v1/alerts/{id}/referral", api_alert_referral, ROUTE_JSON, P(OBS_MEDICAL)},
	{HTTP_POST, "/api/v1/alerts/{id}/result", api_alert_result, ROUTE_JSON, P(OBS_MEDICAL)},
	{HTTP_GET, "/api/v1/services", api_service_list, 0, P(OBS_WORK)},
	{HTTP_POST, "/api/v1/services/{id}/status", api_service_status, ROUTE_JSON, P(OBS_WORK)},
	{HTTP_POST, "/api/v1/exports", api_export_create, ROUTE_JSON, 0},
	{HTTP_GET, "/api/v1/exports/{id}", api_export_get, 0, 0},
	{HTTP_GET, "/api/v1/exports/{id}/file", api_export_file, 0, 0},
	{HTTP_GET, "/api/v1/checkpoints", api_checkpoint_list, 0, P(CHECKPOINT_WORK)},
	{HTTP_POST, "/api/v1/checkpoints", api_checkpoint_create, ROUTE_JSON, P(CHECKPOINT_MANAGE)},
	{HTTP_GET, "/api/v1/checkpoints/stats", api_checkpoint_stats, 0, P(CHECKPOINT_WORK)},
	{HTTP_GET, "/api/v1/checkpoints/prereg/{code}", api_prereg_get, 0, P(CHECKPOINT_WORK)},
	{HTTP_GET, "/api/v1/checkpoints/{id}", api_checkpoint_get, 0, P(CHECKPOINT_WORK)},
	{HTTP_POST, "/api/v1/checkpoints/{id}/close", api_checkpoint_close, ROUTE_JSON,
	 P(CHECKPOINT_MANAGE)},
	{HTTP_POST, "/api/v1/checkpoints/{id}/staff", api_checkpoint_staff_post, ROUTE_JSON,
	 P(CHECKPOINT_MANAGE)},
	{HTTP_GET, "/api/v1/checkpoints/{id}/poster", api_checkpoint_poster, 0, P(CHECKPOINT_WORK)},
	{HTTP_GET, "/api/v1/checkpoints/{id}/passages", api_passage_list, 0, P(CHECKPOINT_WORK)},
	{HTTP_POST, "/api/v1/checkpoints/{id}/passages", api_passage_create, ROUTE_JSON,
	 P(CHECKPOINT_WORK)},
	{HTTP_GET, "/api/v1/passages/{id}", api_passage_get, 0, P(CHECKPOINT_WORK)},
	{HTTP_POST, "/api/v1/passages/{id}/correct", api_passage_correct, ROUTE_JSON,
	 P(CHECKPOINT_MANAGE)},
	{HTTP_GET, "/api/v1/duty/posts", api_duty_posts, 0, P(DUTY_WORK)},
	{HTTP_PUT, "/api/v1/duty/posts/{post}", api_duty_post_put, ROUTE_JSON, P(DUTY_MANAGE)},
	{HTTP_GET, "/api/v1/duty/posts/{post}/roster", api_duty_roster, 0, P(DUTY_WORK)},
	{HTTP_PUT, "/api/v1/duty/posts/{post}/roster/{date}/{index}", api_duty_slot_put, ROUTE_JSON,
	 P(DUTY_MANAGE)},
	{HTTP_POST, "/api/v1/duty/posts/{post}/roster/copy", api_duty_roster_copy, ROUTE_JSON,
	 P(DUTY_MANAGE)},
	{HTTP_GET, "/api/v1/duty/posts/{post}/swaps", api_duty_swaps, 0, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/posts/{post}/swaps", api_duty_swap_ask, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/swaps/{id}/approve", api_duty_swap_approve, ROUTE_JSON,
	 P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/swaps/{id}/reject", api_duty_swap_reject, ROUTE_JSON,
	 P(DUTY_WORK)},
	{HTTP_GET, "/api/v1/duty/now", api_duty_now, 0, 0},
	{HTTP_GET, "/api/v1/duty/board", api_duty_board, 0, P(DUTY_MANAGE)},
	{HTTP_GET, "/api/v1/duty/posts/{post}/log", api_duty_log_list, 0, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/posts/{post}/log", api_duty_log_add, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/log/{id}/hand", api_duty_log_hand, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/log/{id}/return", api_duty_log_return, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/log/{id}/close", api_duty_log_close, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/log/{id}/note", api_duty_log_note, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/log/{id}/task", api_duty_log_task, ROUTE_JSON, P(DUTY_WORK)},
	{HTTP_GET, "/api/v1/duty/posts/{post}/handovers", api_duty_handovers, 0, P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/posts/{post}/handovers", api_duty_handover_add, ROUTE_JSON,
	 P(DUTY_WORK)},
	{HTTP_POST, "/api/v1/duty/handovers/{id}/confirm", api_duty_handover_confirm, ROUTE_JSON,
	 P(DUTY_WORK)},
	{HTTP_GET, "/api/v1/closures", api_closure_list, 0, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures", api_closure_create, ROUTE_JSON, P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}", api_closure_get, 0, P(CLOSURE_MANAGE)},
	{HTTP_PATCH, "/api/v1/closures/{id}", api_closure_update, ROUTE_JSON, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/reopen", api_closure_reopen, ROUTE_JSON,
	 P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}/stats", api_closure_stats, 0, P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}/gate-log", api_closure_gate_log, 0, P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}/households", api_household_list, 0, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/households", api_household_create, ROUTE_JSON,
	 P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/households/refresh", api_household_refresh, ROUTE_JSON,
	 P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/households/import", api_household_import, ROUTE_UPLOAD,
	 P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/households/{hid}/block", api_household_block,
	 ROUTE_JSON, P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}/passes", api_pass_list, 0, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/passes", api_pass_issue, ROUTE_JSON, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/passes/batch", api_pass_batch, ROUTE_JSON,
	 P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}/passes/print", api_pass_print, ROUTE_SLOW,
	 P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/closures/{id}/gates", api_gate_list, 0, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/closures/{id}/gates", api_gate_create, ROUTE_JSON, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/passes/{number}/reissue", api_pass_reissue, ROUTE_JSON,
	 P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/passes/{number}/revoke", api_pass_revoke, ROUTE_JSON,
	 P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/passes/{number}/qr.svg", api_pass_qr, 0, P(CLOSURE_MANAGE)},
	{HTTP_POST, "/api/v1/gates/{gid}/guards", api_gate_guards, ROUTE_JSON, P(CLOSURE_MANAGE)},
	{HTTP_GET, "/api/v1/gate", api_gate_mine, 0, P(GATE_WORK)},
	{HTTP_GET, "/api/v1/gate/check", api_gate_check, 0, P(GATE_WORK)},
	{HTTP_POST, "/api/v1/gate/records", api_gate_record, ROUTE_JSON, P(GATE_WORK)},
	{HTTP_GET, "/api/v1/gate/list", api_gate_list_passes, ROUTE_SLOW, P(GATE_WORK)},
	{HTTP_GET, "/api/v1/pre/{id}", api_pre_get, ROUTE_PUBLIC, 0},
	{HTTP_POST, "/api/v1/pre/{id}", api_pre_post, ROUTE_PUBLIC | ROUTE_JSON | ROUTE_NO_CSRF, 0},
	{HTTP_GET, "/api/v1/self/{token}", api_self_get, ROUTE_PUBLIC, 0},
	{HTTP_POST, "/api/v1/self/{token}/reports", api_self_report,
	 ROUTE_PUBLIC | ROUTE_JSON | ROUTE_NO_CSRF, 0},
	{HTTP_POST, "/api/v1/self/{token}/services", api_self_service,
	 ROUTE_PUBLIC | ROUTE_JSON | ROUTE_NO_CSRF, 0},
	/* operations (docs/operations.md section 4): no session; /metrics only from
	 * --metrics-allow; both may wait on the database, so on a worker */
	{HTTP_GET, "/readyz", api_readyz, ROUTE_PUBLIC | ROUTE_SLOW, 0},
	{HTTP_GET, "/metrics", api_metrics, ROUTE_PUBLIC | ROUTE_SLOW, 0},
	/* retention of personal data (issue 16) */
	{HTTP_GET, "/api/v1/retention", api_retention_get, ROUTE_SLOW, P(RETENTION)},
	{HTTP_PUT, "/api/v1/retention/settings", api_retention_settings_put, ROUTE_JSON,
	 P(RETENTION)},
	{HTTP_POST, "/api/v1/retention/run", api_retention_run_post, ROUTE_JSON | ROUTE_SLOW,
	 P(RETENTION)},
	{HTTP_GET, "/api/v1/retention/runs", api_retention_runs, 0, P(RETENTION)},
};
#undef P
const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];

static bool is_api_path(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strcmp(path, "/api") || !strcmp(path, "/healthz") ||
	       !strcmp(path, "/readyz") || !strcmp(path, "/metrics");
}

const char *api_log_path(struct req *r)
{
	return is_api_path(r->path) ? "(no route)" : "(static)";
}

struct audit_entry api_audit(struct req *r, const char *action)
{
	return (struct audit_entry){
		.user_id = r->authed ? r->sess.user_id : NULL,
		.username = r->authed ? r->sess.username : NULL,
		.ip = r->ip,
		.request_id = r->id,
		.action = action,
		.area = r->authed ? r->sess.area : NULL,
		.result = "ok",
	};
}

void api_deny(struct req *r, enum err e, const char *object_type, const char *object_id)
{
	api_deny_field(r, e, NULL, object_type, object_id);
}

void api_deny_field(struct req *r, enum err e, const char *field, const char *object_type,
		    const char *object_id)
{
	struct audit_entry ae = api_audit(r, "denied");

	ae.result = err_info(e)->code;
	ae.object_type = object_type      ? object_type
			 : r->match.route ? r->match.route->pattern
					  : r->path;
	ae.object_id = object_id;
	store_audit_append(r->srv->store, &ae, false);
	reply_error(r, e, field);
}

bool api_bad_field(struct req *r, enum json_field jf, const char *field)
{
	switch (jf) {
	case JSON_FIELD_OK:
	case JSON_FIELD_ABSENT: return false;
	case JSON_FIELD_MISSING: reply_error(r, ERR_FIELD_REQUIRED, field); return true;
	case JSON_FIELD_TOO_LONG: reply_error(r, ERR_FIELD_TOO_LONG, field); return true;
	case JSON_FIELD_TYPE:
	default: reply_error(r, ERR_FIELD_TYPE, field); return true;
	}
}

bool api_unknown_fields(struct req *r, const char *const *allowed)
{
	const char *k = json_unknown_key(r->json, allowed);

	if (k)
		reply_error(r, ERR_FIELD_UNKNOWN, arena_strdup(r->a, k));
	return k != NULL;
}

/* A refused area answers as an unknown area, whatever the request was about (a list's
 * ?area=, a new parent, a task's new area); anything else as the caller's not_found. */
static enum err denied_as(struct req *r, enum err not_found)
{
	const char *type = r->denial ? r->denial->object_type : NULL;

	if (r->denial && r->denial->why == SVC_ROLE_NOT_GRANTABLE)
		return ERR_ROLE_NOT_GRANTABLE;
	if (r->denial && r->denial->why == SVC_SELF)
		return ERR_USER_SELF;
	return type && !strcmp(type, "area") ? ERR_AREA_NOT_FOUND : not_found;
}

void api_store_error(struct req *r, enum store_status st, enum err not_found)
{
	switch (st) {
	case STORE_NOT_FOUND: reply_error(r, not_found, NULL); break;
	case STORE_DENIED: /* the one place where a refusal (scope, or a rule) is answered */
		api_deny_field(r, denied_as(r, not_found), r->denial ? r->denial->field : NULL,
			       r->denial ? r->denial->object_type : NULL,
			       r->denial && *r->denial->object_id ? r->denial->object_id : NULL);
		break;
	case STORE_CONFLICT_IDEM: reply_error(r, ERR_IDEMPOTENCY_CONFLICT, "uuid"); break;
	case STORE_BUSY: reply_error(r, ERR_UNAVAILABLE, NULL); break;
	default:
		log_error("store: %s for request %s", store_status_name(st), r->id);
		reply_error(r, ERR_INTERNAL, NULL);
	}
}

struct principal api_principal(struct req *r)
{
	if (!r->denial)
		r->denial = arena_alloc(r->a, sizeof *r->denial);
	*r->denial = (struct svc_denial){0};
	return (struct principal){
		.user_id = r->sess.user_id,
		.username = r->sess.username,
		.role = r->sess.role,
		.area = r->sess.area,
		.ip = r->ip,
		.request_id = r->id,
		.denial = r->denial,
	};
}

bool api_idem_opt(struct req *r, struct store_idem *buf, char hash[65],
		  const struct store_idem **idem)
{
	*idem = NULL;
	if (!json_object_get(r->json, "uuid"))
		return true;
	if (!api_idem(r, buf, hash))
		return false;
	*idem = buf;
	return true;
}

bool api_uuid_ok(struct req *r, const char *id, enum err not_found)
{
	if (!uuid_valid(id))
		reply_error(r, not_found, NULL);
	return uuid_valid(id);
}

const char *api_id_param(struct req *r, enum err not_found)
{
	const char *id = r->match.params[0];

	return api_uuid_ok(r, id, not_found) ? id : NULL;
}

bool api_idem(struct req *r, struct store_idem *idem, char hash[65])
{
	const char *uuid;
	unsigned char h[crypto_hash_sha256_BYTES];
	char *canon;

	if (api_bad_field(r, json_get_str(r->json, "uuid", 36, true, &uuid), "uuid"))
		return false;
	if (!uuid_valid(uuid)) {
		reply_error(r, ERR_UUID_INVALID, "uuid");
		return false;
	}
	/* the path is part of the request: the same UUID on another object is another request */
	canon = json_dumps(r->json, JSON_COMPACT | JSON_SORT_KEYS);
	if (!canon)
		fk_oom();
	crypto_hash_sha256_state hs;
	crypto_hash_sha256_init(&hs);
	crypto_hash_sha256_update(&hs, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_hash_sha256_update(&hs, (const unsigned char *)canon, strlen(canon));
	crypto_hash_sha256_final(&hs, h);
	free(canon);
	sodium_bin2hex(hash, 65, h, sizeof h);
	idem->uuid = arena_strdup(r->a, uuid);
	for (char *p = (char *)idem->uuid; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			*p = (char)(*p - 'A' + 'a');
	idem->body_hash = hash;
	idem->user_id = r->sess.user_id;
	return true;
}

bool api_query_int(struct req *r, const char *name, int min, int max, int def, int *out)
{
	const char *v = req_query(r, name);
	char *end;
	long n;

	*out = def;
	if (!v || !*v)
		return true;
	n = strtol(v, &end, 10);
	if (*end || n < min || n > max) {
		reply_error(r, ERR_QUERY_INVALID, name);
		return false;
	}
	*out = (int)n;
	return true;
}

bool api_area_query(struct req *r, const char **area)
{
	*area = req_query(r, "area");
	if (*area && !**area)
		*area = NULL;
	if (*area && area_code_level(*area) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "area");
		return false;
	}
	return true;
}

static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

bool api_list_query(struct req *r, const struct api_list_spec *spec, struct api_list *l)
{
	const char *status = spec->statuses ? req_query(r, "status") : NULL;

	*l = (struct api_list){.status = spec->status_def};
	if (!api_area_query(r, &l->area))
		return false;
	if (status && *status) {
		if (!listed(spec->statuses, status)) {
			reply_error(r, ERR_QUERY_INVALID, "status");
			return false;
		}
		l->status = strcmp(status, "all") ? status : NULL;
	}
	return api_query_int(r, "limit", 1, spec->limit_max, spec->limit_def, &l->limit) &&
	       (!spec->offset || api_query_int(r, "offset", 0, 10000000, 0, &l->offset));
}

void api_list_error(struct req *r, enum store_status st, enum err not_found)
{
	api_store_error(r, st, st == STORE_DENIED ? ERR_AREA_NOT_FOUND : not_found);
}

void api_reply_list(struct req *r, json_t *items, int64_t total)
{
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

int api_parse_date(const char *s)
{
	int y, m, d, n = 0;

	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return 0;
	int v = y * 10000 + m * 100 + d;
	return obs_date_add(v, 0) == v ? v : 0;
}

json_t *api_time_json(int64_t t)
{
	char s[ISO_TIME_LEN + 1];

	time_iso(t, s);
	return json_string(s);
}

bool api_stored(struct req *r, enum store_status st, enum err not_found)
{
	if (st != STORE_OK)
		api_store_error(r, st, not_found);
	return st == STORE_OK;
}

/* A phone field: absent (NULL), cleared ("") or normalised by norm_fn into the arena;
 * otherwise answered with err on the field. */
static bool phone_field(struct req *r, const char *field, const char **out,
			bool (*norm_fn)(const char *, char *), size_t cap, enum err err)
{
	const char *v;
	char *norm;

	*out = NULL;
	if (api_bad_field(r, json_get_str(r->json, field, 64, false, &v), field))
		return false;
	if (!v)
		return true;
	if (!*v) {
		*out = "";
		return true;
	}
	norm = arena_alloc(r->a, cap);
	if (!norm_fn(v, norm)) {
		reply_error(r, err, field);
		return false;
	}
	*out = norm;
	return true;
}

const char *api_name_mask(struct arena *a, const char *s)
{
	size_t len, chars;
	unsigned cp;
	char *out;

	if (!s || !*s)
		return "";
	len = (size_t)utf8_next(s, &cp);
	if (!len)
		len = 1;
	chars = utf8_chars(s);
	out = arena_alloc(a, len + chars + 1); /* zeroed: the NUL is there */
	memcpy(out, s, len);
	memset(out + len, '*', chars ? chars - 1 : 0);
	return out;
}

bool api_phone_field(struct req *r, const char *field, const char **out)
{
	return phone_field(r, field, out, phone_normalize, PHONE_LEN + 1, ERR_PHONE_INVALID);
}

bool api_office_phone_field(struct req *r, const char *field, const char **out)
{
	return phone_field(r, field, out, phone_office_normalize, PHONE_OFFICE_MAX + 1,
			   ERR_PHONE_OFFICE_INVALID);
}

/* ---- the common checks ---- */

static bool authenticate(struct req *r)
{
	r->token = req_cookie(r, "fk_session");
	r->authed = r->token && sessions_get(r->srv->sessions, r->token, time_now(), &r->sess,
					     &r->session_unavailable);
	return r->authed;
}

static bool csrf_ok(struct req *r)
{
	const char *t = req_header(r, "X-CSRF-Token");
	return t && strlen(t) == SESSION_TOKEN_LEN &&
	       sodium_memcmp(t, r->sess.csrf, SESSION_TOKEN_LEN) == 0;
}

static bool is_json_type(const char *ct)
{
	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, "application/json", 16) == 0 &&
	       (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

/* Content type and body checks; false when a reply was sent. */
static bool read_body(struct req *r, unsigned flags)
{
	json_error_t jerr;

	if (r->body.len == 0 && !(flags & ROUTE_JSON))
		return true;
	if (!is_json_type(req_header(r, "Content-Type"))) {
		reply_error(r, ERR_UNSUPPORTED_MEDIA, NULL);
		return false;
	}
	if (r->body.len == 0) {
		reply_error(r, ERR_JSON_INVALID, NULL);
		return false;
	}
	r->json = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!r->json) {
		reply_error(r, ERR_JSON_INVALID, NULL);
		return false;
	}
	if (!json_is_object(r->json)) {
		reply_error(r, ERR_JSON_NOT_OBJECT, NULL);
		return false;
	}
	return true;
}

void api_run(struct req *r)
{
	const struct route *rt = r->match.route;

	if (r->upload.pp && !upload_finish(r)) { /* fsyncs the file: on a worker thread */
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	if (r->upload.too_large) {
		reply_error(r, ERR_TOO_LARGE, "file");
		return;
	}
	if (!(rt->flags & ROUTE_PUBLIC)) {
		if (!authenticate(r)) {
			/* a session the database could not be asked about is not a stranger's */
			reply_error(r, r->session_unavailable ? ERR_UNAVAILABLE : ERR_AUTH_REQUIRED,
				    NULL);
			return;
		}
		if (r->sess.must_change && !(rt->flags & ROUTE_PW_STATE)) {
			reply_error(r, ERR_PASSWORD_MUST_CHANGE, NULL);
			return;
		}
		if (http_method_writes(r->method) && !(rt->flags & ROUTE_NO_CSRF) && !csrf_ok(r)) {
			api_deny(r, ERR_CSRF_INVALID, NULL, NULL);
			return;
		}
		if (rt->perm && !role_can(r->sess.role, (enum perm)rt->perm)) {
			api_deny(r, ERR_FORBIDDEN, NULL, NULL);
			return;
		}
	}
	if (!(rt->flags & ROUTE_UPLOAD) && !read_body(r, rt->flags))
		return;
	rt->handler(r);
}

/* At the first call: find the route, and start streaming an upload to disk, but only for
 * a caller who may make it (others' bytes are read and dropped; the reply comes at the
 * end, as for any request). */
void api_begin(struct req *r)
{
	const struct route *rt;

	r->matched = router_match(api_routes, api_nroutes, r->method, r->path, r->a, &r->match);
	rt = r->match.route;
	if (!r->matched || !(rt->flags & ROUTE_UPLOAD))
		return;
	if (authenticate(r) && !r->sess.must_change && csrf_ok(r) &&
	    (!rt->perm || role_can(r->sess.role, (enum perm)rt->perm)))
		upload_begin(r, r->srv->cfg.upload_dir, (uint64_t)r->srv->cfg.max_upload_mib << 20);
}

void api_dispatch(struct req *r)
{
	if (r->too_large) {
		reply_error(r, ERR_TOO_LARGE, NULL);
		return;
	}
	if (r->matched) {
		if (http_method_writes(r->method) || (r->match.route->flags & ROUTE_SLOW))
			server_defer(r); /* may block on a commit, on argon2id or on a long read */
		else
			api_run(r);
		return;
	}
	if (r->match.path_known) {
		reply_error(r, ERR_METHOD_NOT_ALLOWED, NULL);
		return;
	}
	if (is_api_path(r->path)) {
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
		reply_error(r, ERR_METHOD_NOT_ALLOWED, NULL);
		return;
	}
	static_serve(r);
}
