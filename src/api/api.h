/* api — the route table, the checks every request passes (session, password state, CSRF,
 * content type, body, permission), and helpers the resource handlers share.
 *
 * A handler runs only after those checks: r->sess holds the caller, r->json the body
 * object for ROUTE_JSON routes, r->match.params the path parameters. It replies exactly
 * once through reply_*(). */
#ifndef FK_API_H
#define FK_API_H

#include "http/server.h"
#include "http/static.h"
#include "service/service.h"
#include "util/json.h"

extern const struct route api_routes[];
extern const size_t api_nroutes;

/* At a request's first call: route it, start an upload. */
void api_begin(struct req *r);
void api_dispatch(struct req *r);
/* The checks and the handler of a matched route (on a worker thread for writes). */
void api_run(struct req *r);
const char *api_log_path(struct req *r);

/* ---- helpers for handlers ---- */

/* An audit entry for the caller doing `action` (result "ok"). */
struct audit_entry api_audit(struct req *r, const char *action);
/* The signed-in caller, for the service layer. */
struct principal api_principal(struct req *r);
/* Like api_idem, for writes whose "uuid" is optional: false when a reply was sent; *idem
 * NULL when the body has no uuid. */
bool api_idem_opt(struct req *r, struct store_idem *buf, char hash[65],
		  const struct store_idem **idem);
/* Records a denial (async) and replies with e (naming field, for the _field form). */
void api_deny_field(struct req *r, enum err e, const char *field, const char *object_type,
		    const char *object_id);
void api_deny(struct req *r, enum err e, const char *object_type, const char *object_id);
/* Replies for a failed json_get_*; returns true when it replied. */
bool api_bad_field(struct req *r, enum json_field jf, const char *field);
/* Replies 400 field.unknown when the body has a key outside allowed. */
bool api_unknown_fields(struct req *r, const char *const *allowed);
/* Replies for a store status that is not OK; not_found is the 404 to use (a refused area:
 * area.not_found). */
void api_store_error(struct req *r, enum store_status st, enum err not_found);
/* The {id} path parameter, a well-formed UUID; else replies not_found and returns NULL.
 * Whether the object is the caller's is the service's to say. */
const char *api_id_param(struct req *r, enum err not_found);
/* Whether id is a well-formed UUID; else replies not_found. */
bool api_uuid_ok(struct req *r, const char *id, enum err not_found);
/* The uuid field of a create body, validated; and the body's canonical hash. Replies and
 * returns false on error. */
bool api_idem(struct req *r, struct store_idem *idem, char hash[65]);
/* A query parameter as an int in [min,max] (def when absent); replies on error. */
bool api_query_int(struct req *r, const char *name, int min, int max, int def, int *out);
/* The query of a list: ?area= (well-formed, NULL when absent; its scope is the
 * service's to check), ?status= one of spec->statuses ("all", when listed, answers NULL:
 * every status; absent: spec->status_def), ?limit= in [1, limit_max] (limit_def when
 * absent) and, with spec->offset, ?offset=. Replies and returns false on error. */
struct api_list_spec {
	const char *const *statuses; /* NULL: no ?status= */
	const char *status_def;
	int limit_def, limit_max;
	bool offset;
};
struct api_list {
	const char *area, *status;
	int limit, offset;
};
bool api_list_query(struct req *r, const struct api_list_spec *spec, struct api_list *l);
/* ?area= alone, as api_list_query reads it. */
bool api_area_query(struct req *r, const char **area);
/* A list's failure: an area out of scope answers as an unknown area. */
void api_list_error(struct req *r, enum store_status st, enum err not_found);
/* 200 {"items": items (taken), "total": total}. */
void api_reply_list(struct req *r, json_t *items, int64_t total);
/* Whether st is STORE_OK; else replies as api_store_error does. */
bool api_stored(struct req *r, enum store_status st, enum err not_found);
/* An optional phone field, normalised into out ("" allowed to clear); replies on error. */
/* A name as a list shows it without revealing it: "张三丰" → "张**", the first character
 * and a star for each other; "" for NULL or "". In the arena a. */
const char *api_name_mask(struct arena *a, const char *s);
bool api_phone_field(struct req *r, const char *field, const char **out);
/* The same for the phone of an office or a duty post: a mobile or a fixed line with its
 * area code and an optional extension (phone_office_normalize). */
bool api_office_phone_field(struct req *r, const char *field, const char **out);

json_t *api_area_json(struct req *r, const struct area *a);
json_t *api_person_json(struct req *r, const struct person *p);
json_t *api_task_json(const struct task *t, int64_t now);
json_t *api_csv_list(const char *csv);
json_t *api_obs_json(const struct observation *o, int today);
/* A local date (YYYYMMDD) as "YYYY-MM-DD"; null for 0. */
json_t *api_date_json(int date);
/* "YYYY-MM-DD" → YYYYMMDD, 0 when not a real date. */
int api_parse_date(const char *s);
/* An instant as ISO 8601 UTC text. */
json_t *api_time_json(int64_t t);
/* A list of observations, as the reads answer them. */
json_t *api_obs_list_json(const struct observation *v, size_t n);
/* temperature, symptoms and note of a visit or a self-report; replies and returns false on
 * error. */
bool api_obs_reading(struct req *r, bool temp_required, struct visit *v);
bool api_load_person(struct req *r, const char *id, struct person *p);
json_t *api_user_json(const struct user *u);
/* "xlsx", "xls" or "csv", the kind of sheet the request's upload is (from its first bytes
 * and name; an .xls opened as an import will open it); NULL after a reply when it is none
 * the imports read, or a damaged or password-protected .xls. */
const char *api_import_kind(struct req *r);
/* The optional "uuid" field of an upload, validated, and the request's hash: the path, the
 * file's SHA-256 and the extra strings (NULL-terminated list, may be NULL), so that another
 * file under the same uuid is 409. False when it replied; *idem NULL without a uuid. */
bool api_upload_idem(struct req *r, const char *const *extra, struct store_idem *buf,
		     const struct store_idem **idem);

/* The query of a list as its GET route reads it (the list and its export share it):
 * false after a reply. */
bool api_task_query(struct req *r, struct task_query *q);
bool api_obs_query(struct req *r, struct obs_query *q);
bool api_alert_query(struct req *r, struct alert_query *q);
bool api_service_query(struct req *r, struct service_query *q);
bool api_audit_query(struct req *r, struct audit_filter *f);
bool api_person_query(struct req *r, struct person_query *q);

/* The reference lists a form needs to flag a key-area returnee (divisions, key areas) in
 * ctx; false when they cannot be read. */
struct returnee_ctx;
bool api_reference_ctx(struct req *r, struct returnee_ctx *ctx);

/* The error for a password policy verdict; ERR__COUNT when acceptable. */
enum err api_password_verdict(int verdict);

/* handlers */
void api_healthz(struct req *r);
void api_openapi(struct req *r);
void api_readyz(struct req *r);
void api_metrics(struct req *r);
void api_login(struct req *r);
void api_logout(struct req *r);
void api_me(struct req *r);
void api_password(struct req *r);
void api_area_get(struct req *r);
void api_area_list(struct req *r);
void api_area_create(struct req *r);
void api_area_update(struct req *r);
void api_grid_rules(struct req *r);
void api_grid_rules_put(struct req *r);
void api_area_resolve(struct req *r);
void api_user_list(struct req *r);
void api_user_create(struct req *r);
void api_user_get(struct req *r);
void api_user_update(struct req *r);
void api_user_reset(struct req *r);
void api_audit_list(struct req *r);
void api_person_search(struct req *r);
void api_person_search_post(struct req *r);
void api_person_get(struct req *r);
void api_person_reveal(struct req *r);
void api_person_create(struct req *r);
void api_person_merge(struct req *r);
void api_person_fix(struct req *r);
/* The query of a checkpoint's registrations over days (an export): ?checkpoint=ID
 * (required), ?from=&to= (dates, today by default, at most 366 days), ?outcome=; false
 * after a reply. */
bool api_passage_lines_query(struct req *r, const char **checkpoint, int *from, int *to,
			     const char **outcome);
void api_checkpoint_create(struct req *r);
void api_checkpoint_close(struct req *r);
void api_checkpoint_staff_post(struct req *r);
void api_checkpoint_list(struct req *r);
void api_checkpoint_get(struct req *r);
void api_checkpoint_stats(struct req *r);
void api_checkpoint_poster(struct req *r);
void api_passage_create(struct req *r);
void api_passage_correct(struct req *r);
void api_passage_get(struct req *r);
void api_passage_list(struct req *r);
void api_prereg_get(struct req *r);
void api_pre_get(struct req *r);
void api_pre_post(struct req *r);
void api_closure_create(struct req *r);
void api_closure_update(struct req *r);
void api_closure_reopen(struct req *r);
void api_closure_list(struct req *r);
void api_closure_get(struct req *r);
void api_closure_stats(struct req *r);
void api_closure_gate_log(struct req *r);
void api_household_list(struct req *r);
void api_household_create(struct req *r);
void api_household_refresh(struct req *r);
void api_household_import(struct req *r);
void api_household_block(struct req *r);
void api_pass_issue(struct req *r);
void api_pass_batch(struct req *r);
void api_pass_reissue(struct req *r);
void api_pass_revoke(struct req *r);
void api_pass_list(struct req *r);
void api_pass_qr(struct req *r);
void api_pass_print(struct req *r);
void api_gate_create(struct req *r);
void api_gate_list(struct req *r);
void api_gate_guards(struct req *r);
void api_gate_mine(struct req *r);
void api_gate_check(struct req *r);
void api_gate_record(struct req *r);
void api_gate_list_passes(struct req *r);
void api_key_areas(struct req *r);
void api_key_area_put(struct req *r);
void api_task_list(struct req *r);
void api_task_get(struct req *r);
void api_task_close(struct req *r);
void api_task_reassign(struct req *r);
void api_task_extend(struct req *r);
void api_task_stats(struct req *r);
void api_task_pool(struct req *r);
void api_task_take(struct req *r);
void api_task_reassign_batch(struct req *r);
void api_outcomes(struct req *r);
void api_import_create(struct req *r);
void api_import_list(struct req *r);
void api_import_get(struct req *r);
void api_import_issues(struct req *r);
void api_import_template(struct req *r);
void api_user_import(struct req *r);
void api_user_import_template(struct req *r);
void api_obs_policy(struct req *r);
void api_obs_board(struct req *r);
void api_report_daily(struct req *r);
void api_report_submit(struct req *r);
void api_report_rates(struct req *r);
void api_report_trend(struct req *r);
void api_report_xlsx(struct req *r);
void api_report_settings(struct req *r);
void api_report_settings_put(struct req *r);
void api_obs_create(struct req *r);
void api_obs_list(struct req *r);
void api_obs_today(struct req *r);
void api_obs_get(struct req *r);
void api_obs_visit(struct req *r);
void api_obs_period(struct req *r);
void api_obs_release(struct req *r);
void api_obs_staff(struct req *r);
void api_obs_card(struct req *r);
void api_cards(struct req *r);
void api_alert_list(struct req *r);
void api_notification_list(struct req *r);
void api_notification_read(struct req *r);
void api_events(struct req *r);
void api_outbound_get(struct req *r);
void api_outbound_put(struct req *r);
void api_alert_referral(struct req *r);
void api_alert_result(struct req *r);
void api_service_list(struct req *r);
void api_service_create(struct req *r);
void api_service_status(struct req *r);
void api_self_get(struct req *r);
void api_self_report(struct req *r);
void api_self_service(struct req *r);
void api_retention_get(struct req *r);
void api_retention_settings_put(struct req *r);
void api_retention_run_post(struct req *r);
void api_retention_runs(struct req *r);
void api_export_create(struct req *r);
void api_export_get(struct req *r);
void api_export_file(struct req *r);

void api_duty_posts(struct req *r);
void api_duty_post_put(struct req *r);
void api_duty_roster(struct req *r);
void api_duty_slot_put(struct req *r);
void api_duty_roster_copy(struct req *r);
void api_duty_swap_ask(struct req *r);
void api_duty_swaps(struct req *r);
void api_duty_swap_approve(struct req *r);
void api_duty_swap_reject(struct req *r);
void api_duty_now(struct req *r);
void api_duty_board(struct req *r);
void api_duty_log_list(struct req *r);
void api_duty_log_add(struct req *r);
void api_duty_log_hand(struct req *r);
void api_duty_log_return(struct req *r);
void api_duty_log_close(struct req *r);
void api_duty_log_note(struct req *r);
void api_duty_log_task(struct req *r);
void api_duty_handover_add(struct req *r);
void api_duty_handover_confirm(struct req *r);
void api_duty_handovers(struct req *r);
#endif
