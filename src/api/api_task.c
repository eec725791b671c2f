/* api_task — verification tasks (核查任务): a grid worker's list and closing a task at the
 * door; a commander's reassigning, extending and counts per area. A task outside the
 * caller's area answers 404. Closing is idempotent by the client's UUID, so pressing
 * "submit" twice on a bad connection closes once. */
#include <string.h>

#include "api/api.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { NOTE_MAX_CHARS = 500, REASON_MAX_CHARS = 200, DEADLINE_HOURS_DEFAULT = 24 };

json_t *api_task_json(const struct task *t, int64_t now)
{
	char due[ISO_TIME_LEN + 1], created[ISO_TIME_LEN + 1], closed[ISO_TIME_LEN + 1];
	bool open = !strcmp(t->status, "open");
	json_t *j;

	time_iso(t->due_at, due);
	time_iso(t->created_at, created);
	time_iso(t->closed_at, closed);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:o, s:o, s:s, s:o, s:o,"
		      " s:o, s:o, s:o}",
		      "id", t->id, "person_id", t->person_id, "person_name", t->person_name, "area",
		      t->area, "area_name", t->area_name, "status", t->status, "overdue",
		      open && t->due_at < now, "due_at", due, "created_at", created, "closed_at",
		      t->closed_at ? json_string(closed) : json_null(), "outcome",
		      *t->outcome ? json_string(t->outcome) : json_null(), "note", t->note,
		      "defects", api_csv_list(t->defects), "forwarded_from",
		      json_str_or_null(*t->forwarded_from ? t->forwarded_from : NULL),
		      "forward_target",
		      json_str_or_null(*t->forward_target ? t->forward_target : NULL), "assignee",
		      json_str_or_null(*t->assignee ? t->assignee : NULL), "import_id",
		      json_str_or_null(*t->import_id ? t->import_id : NULL));
	/* where a forwarded task went and who has it now (issue 10, item 3): the area named,
	 * and the task it became — its area and assignee, or unassigned there */
	json_object_set_new(j, "forward_target_name",
			    json_str_or_null(*t->forward_target && t->forward_target_name
						     ? t->forward_target_name
						     : NULL));
	json_object_set_new(
		j, "forwarded_to",
		t->next_area && *t->next_area
			? json_pack("{s:s, s:s, s:o}", "area", t->next_area, "area_name",
				    t->next_area_name, "assignee_name",
				    json_str_or_null(t->next_assignee_name && *t->next_assignee_name
							     ? t->next_assignee_name
							     : NULL))
			: json_null());
	return j;
}

/* A page of tasks: the caller's list, or (pool) their village's unassigned tasks with the
 * village, which is absent when the account is on no grid. */
static bool task_query(struct req *r, const struct api_list_spec *spec, struct task_query *q)
{
	struct api_list l;

	if (!api_list_query(r, spec, &l))
		return false;
	*q = (struct task_query){.area = l.area,
				 .status = l.status,
				 .now = time_now(),
				 .limit = l.limit,
				 .offset = l.offset};
	return true;
}

static void task_page(struct req *r, const struct api_list_spec *spec, bool pool)
{
	struct principal who = api_principal(r);
	struct task *v;
	size_t n;
	int64_t total, now;
	json_t *arr;
	struct task_query q;

	if (!task_query(r, spec, &q))
		return;
	now = q.now;
	const char *village = pool ? svc_task_village(&who, r->a) : NULL;
	enum store_status st = pool ? svc_task_pool(r->srv->store, &who, &q, r->a, &v, &n, &total)
				    : svc_task_list(r->srv->store, &who, &q, r->a, &v, &n, &total);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_TASK_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, api_task_json(&v[i], now));
	if (!pool)
		api_reply_list(r, arr, total);
	else
		reply_json(r, 200,
			   json_pack("{s:o, s:I, s:o, s:b}", "items", arr, "total",
				     (json_int_t)total, "village", json_str_or_null(village),
				     "on_grid", village != NULL));
}

/* to_place: closed as verified for observation, the person not placed yet */
static const char *const task_statuses[] = {"open", "overdue", "closed", "to_place", NULL};
static const struct api_list_spec task_spec = {task_statuses, NULL, 50, 500, true};

bool api_task_query(struct req *r, struct task_query *q)
{
	return task_query(r, &task_spec, q);
}

void api_task_list(struct req *r)
{
	task_page(r, &task_spec, false);
}

void api_task_get(struct req *r)
{
	const char *id = api_id_param(r, ERR_TASK_NOT_FOUND);
	struct principal who = api_principal(r);
	struct task t;
	enum store_status st;

	if (!id)
		return;
	if ((st = svc_task_get(r->srv->store, &who, id, r->a, &t)) != STORE_OK)
		api_store_error(r, st, ERR_TASK_NOT_FOUND);
	else
		reply_json(r, 200, api_task_json(&t, time_now()));
}

/* Whether a task may be forwarded to target: an area in this county (another county is not
 * in this system's reach; every task of the caller lies in the caller's county). */
static bool forward_reachable(struct req *r, const char *target)
{
	char common[AREA_CODE_MAX + 1];

	return area_code_common(r->sess.area, target, common, sizeof common);
}

/* Whether the dictionary lets this outcome forward a task (needs_target). */
static bool outcome_forwards(struct req *r, const char *code)
{
	struct outcome *outs;
	size_t n;

	if (svc_ref_outcomes(r->srv->store, r->a, &outs, &n) != STORE_OK)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(outs[i].code, code))
			return outs[i].needs_target;
	return false;
}

void api_task_close(struct req *r)
{
	static const char *const allowed[] = {"uuid", "outcome", "note", "forward_to", NULL};
	struct store_idem idem;
	struct task out;
	struct task_close cl = {0};
	struct principal who = api_principal(r);
	char hash[65], *new_id;
	const char *id = api_id_param(r, ERR_TASK_NOT_FOUND), *fwd = NULL;
	enum store_status st;
	bool replayed;

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "outcome", 32, true, &cl.outcome), "outcome") ||
	    api_bad_field(r, json_get_str(r->json, "note", NOTE_MAX_CHARS, false, &cl.note),
			  "note") ||
	    api_bad_field(r, json_get_str(r->json, "forward_to", AREA_CODE_MAX, false, &fwd),
			  "forward_to"))
		return;
	if (fwd && *fwd) {
		if (!outcome_forwards(r, cl.outcome)) {
			reply_error(r, ERR_FORWARD_OUTCOME, "forward_to");
			return;
		}
		if (area_code_level(fwd) == AREA_LEVEL_INVALID) {
			reply_error(r, ERR_AREA_CODE_INVALID, "forward_to");
			return;
		}
		if (!svc_ref_area_exists(r->srv->store, fwd) || !forward_reachable(r, fwd)) {
			reply_error(r, ERR_AREA_NOT_FOUND, "forward_to");
			return;
		}
		cl.forward_target = fwd;
		new_id = arena_alloc(r->a, UUID_LEN + 1);
		uuid_v4(new_id);
		cl.new_task_id = new_id;
	}
	cl.now = time_now();
	cl.deadline_hours = DEADLINE_HOURS_DEFAULT;
	st = svc_task_close(r->srv->store, &who, &idem, id, &cl, r->a, &out, &replayed);
	switch (st) {
	case STORE_OK: reply_json(r, 200, api_task_json(&out, cl.now)); break;
	case STORE_INVALID: reply_error(r, ERR_OUTCOME_INVALID, "outcome"); break;
	case STORE_CONFLICT: reply_error(r, ERR_TASK_CLOSED, NULL); break;
	default: api_store_error(r, st, ERR_TASK_NOT_FOUND);
	}
}

/* Reassigning and extending: one use case (svc_task_change), idempotent when a uuid is
 * sent. */
static void change(struct req *r, const char *id, const struct store_idem *idem,
		   struct task_change *ch)
{
	struct principal who = api_principal(r);
	struct task out;
	enum store_status st;

	ch->now = time_now();
	st = svc_task_change(r->srv->store, &who, idem, id, ch, r->a, &out, NULL);
	switch (st) {
	case STORE_OK: reply_json(r, 200, api_task_json(&out, time_now())); break;
	case STORE_CONFLICT: reply_error(r, ERR_TASK_CLOSED, NULL); break;
	case STORE_INVALID: reply_error(r, ERR_AREA_NOT_FOUND, "area"); break;
	default: api_store_error(r, st, ERR_TASK_NOT_FOUND);
	}
}

/* Where a reassignment sends a task: an area, an assignee or both, and an optional
 * reason; answers the request and returns false when the body does not say. */
static bool reassign_target(struct req *r, const char **area, const char **assignee,
			    const char **reason)
{
	if (api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, false, area), "area") ||
	    api_bad_field(r, json_get_str(r->json, "assignee", 32, false, assignee), "assignee") ||
	    api_bad_field(r, json_get_str(r->json, "reason", REASON_MAX_CHARS, false, reason),
			  "reason"))
		return false;
	if (!*area && !*assignee) {
		reply_error(r, ERR_FIELD_REQUIRED, "area");
		return false;
	}
	if (*area && area_code_level(*area) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "area");
		return false;
	}
	return true;
}

void api_task_reassign(struct req *r)
{
	static const char *const allowed[] = {"uuid", "area", "assignee", "reason", NULL};
	struct task_change ch = {0};
	const struct store_idem *idem;
	struct store_idem buf;
	char hash[65];
	const char *id = api_id_param(r, ERR_TASK_NOT_FOUND);

	if (!id || api_unknown_fields(r, allowed) || !api_idem_opt(r, &buf, hash, &idem) ||
	    !reassign_target(r, &ch.area, &ch.assignee, &ch.reason))
		return;
	change(r, id, idem, &ch);
}

void api_task_extend(struct req *r)
{
	static const char *const allowed[] = {"uuid", "hours", "reason", NULL};
	json_t *hours = json_object_get(r->json, "hours");
	struct task_change ch = {0};
	const struct store_idem *idem;
	struct store_idem buf;
	char hash[65];
	const char *id = api_id_param(r, ERR_TASK_NOT_FOUND);
	json_int_t h;

	if (!id || api_unknown_fields(r, allowed) || !api_idem_opt(r, &buf, hash, &idem) ||
	    api_bad_field(r, json_get_str(r->json, "reason", REASON_MAX_CHARS, true, &ch.reason),
			  "reason"))
		return;
	if (!hours) {
		reply_error(r, ERR_FIELD_REQUIRED, "hours");
		return;
	}
	if (!json_is_integer(hours) || (h = json_integer_value(hours)) < 1 || h > 24 * 30) {
		reply_error(r, ERR_FIELD_TYPE, "hours");
		return;
	}
	ch.extend = (int64_t)h * 3600;
	change(r, id, idem, &ch);
}

void api_task_stats(struct req *r)
{
	const char *area = req_query(r, "area");
	struct principal who = api_principal(r);
	struct task_stats *v;
	struct outcome *outs;
	size_t n, nouts;
	enum store_status st;
	json_t *arr, *names;

	if (!area || !*area)
		area = r->sess.area;
	if (area_code_level(area) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, "area");
		return;
	}
	if ((st = svc_ref_outcomes(r->srv->store, r->a, &outs, &nouts)) != STORE_OK ||
	    (st = svc_task_stats(r->srv->store, &who, area, time_now(), r->a, &v, &n)) !=
		    STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *by = json_object();
		for (size_t k = 0; k < nouts && k < 16; k++)
			json_object_set_new(by, outs[k].code, json_integer(v[i].by_outcome[k]));
		json_array_append_new(arr, json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:o}",
						     "area", v[i].area, "name", v[i].name, "self",
						     !strcmp(v[i].area, area), "pushed",
						     (json_int_t)v[i].pushed, "open",
						     (json_int_t)v[i].open, "closed",
						     (json_int_t)v[i].closed, "overdue",
						     (json_int_t)v[i].overdue, "by_outcome", by));
	}
	names = json_array();
	for (size_t k = 0; k < nouts; k++)
		json_array_append_new(names, json_pack("{s:s, s:s, s:s, s:b}", "code", outs[k].code,
						       "zh", outs[k].zh, "en", outs[k].en,
						       "needs_target", outs[k].needs_target));
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:o}", "area", area, "items", arr, "outcomes", names));
}

void api_outcomes(struct req *r)
{
	struct outcome *outs;
	size_t n;
	enum store_status st = svc_ref_outcomes(r->srv->store, r->a, &outs, &n);
	json_t *arr;

	if (st != STORE_OK) {
		api_store_error(r, st, ERR_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:b}", "code", outs[k].code,
						     "zh", outs[k].zh, "en", outs[k].en,
						     "needs_target", outs[k].needs_target));
	reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

/* 本村待认领: a grid worker's village pool, beside their own list. on_grid says whether the
 * account is on a grid at all (else the phone tells the worker to ask the commander). */
void api_task_pool(struct req *r)
{
	static const struct api_list_spec spec = {NULL, NULL, 50, 500, true};

	task_page(r, &spec, true);
}

void api_task_take(struct req *r)
{
	static const char *const allowed[] = {"uuid", NULL};
	struct store_idem idem;
	struct principal who = api_principal(r);
	struct task out;
	char hash[65];
	const char *id = api_id_param(r, ERR_TASK_NOT_FOUND);
	bool taken = false, replayed;
	int64_t now = time_now();

	if (!id || api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash))
		return;
	enum store_status st =
		svc_task_take(r->srv->store, &who, &idem, id, now, r->a, &out, &taken, &replayed);
	switch (st) {
	case STORE_OK: reply_json(r, 200, api_task_json(&out, now)); break;
	case STORE_CONFLICT: reply_error(r, taken ? ERR_TASK_TAKEN : ERR_TASK_CLOSED, NULL); break;
	default: api_store_error(r, st, ERR_TASK_NOT_FOUND);
	}
}

/* The ids of a batch: an array of at most TASK_BULK_MAX task UUIDs; replies on error. */
static bool bulk_ids(struct req *r, json_t *ids, struct task_bulk *in)
{
	size_t i;
	json_t *e;

	if (!json_is_array(ids) || !json_array_size(ids)) {
		reply_error(r, ERR_FIELD_TYPE, "ids");
		return false;
	}
	if (json_array_size(ids) > TASK_BULK_MAX) {
		reply_error(r, ERR_FIELD_TOO_LONG, "ids");
		return false;
	}
	in->ids = arena_alloc(r->a, json_array_size(ids) * sizeof *in->ids);
	json_array_foreach(ids, i, e)
	{
		if (!json_is_string(e) || !uuid_valid(json_string_value(e))) {
			reply_error(r, ERR_FIELD_TYPE, "ids");
			return false;
		}
		in->ids[i] = json_string_value(e);
	}
	in->nids = json_array_size(ids);
	return true;
}

void api_task_reassign_batch(struct req *r)
{
	static const char *const allowed[] = {"uuid", "ids",      "village", "unassigned",
					      "area", "assignee", "reason",  NULL};
	struct store_idem idem;
	struct principal who = api_principal(r);
	struct task_bulk in = {0};
	char hash[65];
	json_t *ids = json_object_get(r->json, "ids"),
	       *unassigned = json_object_get(r->json, "unassigned");
	bool replayed;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "village", AREA_CODE_MAX, false, &in.village),
			  "village") ||
	    !reassign_target(r, &in.area, &in.assignee, &in.reason))
		return;
	if (ids && in.village) { /* one or the other */
		reply_error(r, ERR_FIELD_UNKNOWN, "village");
		return;
	}
	if (in.village) {
		if (area_code_level(in.village) != AREA_LEVEL_VILLAGE) {
			reply_error(r, ERR_AREA_CODE_INVALID, "village");
			return;
		}
		if (!json_is_true(unassigned)) { /* the only batch of a village there is */
			reply_error(r, ERR_FIELD_REQUIRED, "unassigned");
			return;
		}
	} else if (!ids) {
		reply_error(r, ERR_FIELD_REQUIRED, "ids");
		return;
	} else if (!bulk_ids(r, ids, &in))
		return;
	in.batch_id = idem.uuid;
	in.now = time_now();
	enum store_status st = svc_task_bulk(r->srv->store, &who, &idem, &in, r->a, &replayed);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return;
	}
	json_t *res = json_array();
	size_t nok = 0;
	for (size_t i = 0; !replayed && i < in.nids; i++) {
		nok += in.results[i] == TASK_BULK_OK;
		json_array_append_new(res, json_pack("{s:s, s:s}", "id", in.ids[i], "result",
						     svc_task_bulk_result_name(in.results[i])));
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:b, s:I, s:I, s:o}", "id", in.batch_id, "replayed", replayed,
			     "moved", (json_int_t)nok, "refused",
			     (json_int_t)(replayed ? 0 : in.nids - nok), "results", res));
}
