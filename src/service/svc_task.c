/* svc_task — verification tasks (核查任务): the closed loop of a pushed list. A task
 * belongs to the grid, village or township its person's address resolved to; closing it
 * records an outcome from the dictionary, updates the person's status and timeline, and
 * for "moved to" opens a new task where the person went, linked to the old one, with the
 * person's file following it. A commander moves a task (the file follows), names who
 * holds it, or extends its deadline.
 *
 * A task is the caller's only when both the task and its person's file lie in the caller's
 * scope, read in the writing transaction: a task pushed to this area for a file kept
 * elsewhere is not the caller's to close or move, since the file would follow it. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"
#include "util/json.h"

struct task_io {
	const char *id;
	const struct task_close *cl;
	const struct task_change *ch;
	struct task *out;
	const char *forward_area; /* closing: where the forwarded task goes */
};

/* The task, in scope with its file; else STORE_DENIED (answered as a missing one). */
static enum store_status task_in_scope(struct svc_ctx *x, const char *id, struct task *t)
{
	enum store_status ss = store_tx_task_read(x->tx, id, x->a, t);

	if (ss == STORE_OK && (!svc_in_scope(x, t->area) || !svc_in_scope(x, t->person_area)))
		return svc_deny(x->who, "task", id, NULL);
	return ss;
}

/* Where a task for `target` forwarded from `from` lands: the target itself when the caller
 * may act there, else the lowest area above both (the commander level that sees both);
 * NULL for another county, which is not in this system's reach. */
static const char *forward_area(struct svc_ctx *x, const char *from, const char *target)
{
	char *common = arena_alloc(x->a, AREA_CODE_MAX + 1);

	if (svc_in_scope(x, target))
		return target;
	return area_code_common(from, target, common, AREA_CODE_MAX + 1) ? common : NULL;
}

static enum store_status answer_task(struct svc_ctx *x)
{
	struct task_io *io = x->arg;
	return store_tx_task_read(x->tx, x->object_id, x->a, io->out);
}

enum store_status svc_task_new(struct svc_ctx *x, const struct task_new *t)
{
	enum store_status ss;

	if ((ss = store_tx_task_insert(x->tx, t)) != STORE_OK ||
	    (ss = svc_notify_task(x, t->id, t->area, t->now)) != STORE_OK)
		return ss;
	if (t->forwarded_from) /* screened where it was first pushed */
		return STORE_OK;
	if ((ss = svc_report_add(x, RM_PUSHED, t->area, t->now, 1)) != STORE_OK)
		return ss;
	return t->key_area ? svc_report_add(x, RM_PUSHED_KEY, t->area, t->now, 1) : STORE_OK;
}

/* The pushed counts of a task, -1 in one area and +1 in another, on the day it came. */
static enum store_status move_counts(struct svc_ctx *x, const struct task *t, const char *area)
{
	enum store_status ss = STORE_OK;

	for (int k = 0; k < 2 && ss == STORE_OK; k++) {
		enum report_metric m = k ? RM_PUSHED_KEY : RM_PUSHED;
		if (k && !t->key_area)
			break;
		if ((ss = svc_report_add(x, m, t->area, t->created_at, -1)) == STORE_OK)
			ss = svc_report_add(x, m, area, t->created_at, 1);
	}
	return ss;
}

enum store_status svc_task_move(struct svc_ctx *x, const struct task *before, const char *area,
				const char *assignee, int64_t due)
{
	enum store_status ss = store_tx_task_set(x->tx, before->id, area ? area : before->area,
						 assignee ? assignee : before->assignee, due);

	if (ss != STORE_OK || !area || !strcmp(area, before->area) || *before->forwarded_from)
		return ss;
	return move_counts(x, before, area);
}

/* ---- closing ---- */

/* The forwarded task: same person, new area, history kept through forwarded_from. */
static enum store_status forward(struct svc_ctx *x, const struct task *before)
{
	const struct task_io *io = x->arg;
	const struct task_close *cl = io->cl;
	const char *area = io->forward_area;
	struct task_new t = {
		.id = cl->new_task_id,
		.person_id = before->person_id,
		.import_id = *before->import_id ? before->import_id : NULL,
		.area = area,
		.defects = before->defects,
		.forwarded_from = io->id,
		.forward_target = cl->forward_target,
		.due_at = cl->now + (int64_t)cl->deadline_hours * 3600,
		.now = cl->now,
	};
	enum store_status ss;

	if ((ss = svc_task_new(x, &t)) != STORE_OK ||
	    (ss = svc_report_add(x, RM_FORWARDED, before->area, cl->now, 1)) != STORE_OK ||
	    (ss = store_tx_person_set(x->tx, before->person_id, area, NULL, cl->now)) != STORE_OK)
		return ss;
	return svc_event(
		x, before->person_id, "forwarded", area,
		svc_json(x, json_pack("{s:s, s:s, s:s}", "from_task", io->id, "to_area", area,
				      "target", cl->forward_target ? cl->forward_target : area)),
		cl->now);
}

/* The person's status an outcome leaves: "to_place" (verified for observation) is the
 * truth only until someone places the observation, so a person already under an active
 * observation keeps "observation" (o->status_after becomes "unchanged"). */
static enum store_status status_after(struct svc_ctx *x, const struct task *t, struct outcome *o)
{
	enum store_status ss;
	bool active = false;

	if (strcmp(o->status_after, "to_place"))
		return STORE_OK;
	if ((ss = store_tx_obs_active_of(x->tx, t->person_id, &active)) == STORE_OK && active)
		o->status_after = "unchanged";
	return ss;
}

static enum store_status apply_close(struct svc_ctx *x)
{
	struct task_io *io = x->arg;
	const struct task_close *cl = io->cl;
	struct task before;
	struct outcome o = {0};
	enum store_status ss;

	if ((ss = task_in_scope(x, io->id, &before)) != STORE_OK)
		return ss;
	if (strcmp(before.status, "open"))
		return STORE_CONFLICT;
	if (cl->forward_target &&
	    !(io->forward_area = forward_area(x, before.area, cl->forward_target)))
		return STORE_INVALID;
	if ((ss = store_tx_outcome(x->tx, cl->outcome, x->a, &o)) != STORE_OK)
		return ss;
	if ((ss = status_after(x, &before, &o)) != STORE_OK)
		return ss;
	if ((ss = store_tx_task_close(x->tx, io->id, o.code, cl->note, x->who->username,
				      cl->forward_target, cl->now)) != STORE_OK ||
	    (ss = store_tx_person_set(x->tx, before.person_id, NULL,
				      strcmp(o.status_after, "unchanged") ? o.status_after : NULL,
				      cl->now)) != STORE_OK ||
	    (ss = svc_event(x, before.person_id, "verified", before.area,
			    svc_json(x, json_pack("{s:s, s:s, s:s}", "task", io->id, "outcome",
						  o.code, "note", cl->note ? cl->note : "")),
			    cl->now)) != STORE_OK)
		return ss;
	if (io->forward_area ? (ss = forward(x, &before)) != STORE_OK
			     : (ss = svc_report_add(x, RM_VERIFIED, before.area, cl->now, 1)) !=
				       STORE_OK)
		return ss;
	/* a checkpoint's handover: closed, or following its forward */
	if ((ss = svc_checkpoint_task_closed(x, io->id,
					     io->forward_area ? cl->new_task_id : NULL)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "task", io->id, before.area, svc_json(x, json_pack("{s:s}", "status", "open")),
		svc_json(x, json_pack("{s:s, s:s, s:s, s:o}", "status", "closed", "outcome", o.code,
				      "note", cl->note ? cl->note : "", "forward_area",
				      io->forward_area ? json_string(io->forward_area)
						       : json_null())));
}

enum store_status svc_task_close(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *id,
				 const struct task_close *cl, struct arena *a, struct task *out,
				 bool *replayed)
{
	struct task_io io = {.id = id, .cl = cl, .out = out};
	/* a close and a forward share one key space ("task.close"), as they always did */
	struct svc_write w = {cl->forward_target ? "task.forward" : "task.close",
			      "task.close",
			      idem,
			      apply_close,
			      answer_task,
			      &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- moving, assigning, extending ---- */

static enum store_status apply_change(struct svc_ctx *x)
{
	const struct task_io *io = x->arg;
	const struct task_change *ch = io->ch;
	struct task before, after;
	enum store_status ss;

	if ((ss = task_in_scope(x, io->id, &before)) != STORE_OK)
		return ss;
	if (strcmp(before.status, "open"))
		return STORE_CONFLICT;
	if (ch->area && !svc_in_scope(x, ch->area))
		return svc_deny(x->who, "area", ch->area, "area");
	if ((ss = svc_task_move(x, &before, ch->area, ch->assignee,
				before.due_at + ch->extend)) != STORE_OK ||
	    (ch->area && (ss = store_tx_person_set(x->tx, before.person_id, ch->area, NULL,
						   ch->now)) != STORE_OK) ||
	    (ss = store_tx_task_read(x->tx, io->id, x->a, &after)) != STORE_OK)
		return ss;
	json_t *af = json_pack("{s:s, s:s, s:I, s:s}", "area", after.area, "assignee",
			       after.assignee, "due_at", (json_int_t)after.due_at, "reason",
			       ch->reason ? ch->reason : "");
	const char *detail = svc_json(x, json_incref(af));
	svc_changed(x, "task", io->id, after.area,
		    svc_json(x, json_pack("{s:s, s:s, s:I}", "area", before.area, "assignee",
					  before.assignee, "due_at", (json_int_t)before.due_at)),
		    svc_json(x, af));
	return svc_event(x, before.person_id, ch->extend ? "deadline_extended" : "reassigned",
			 after.area, detail, ch->now);
}

enum store_status svc_task_change(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *id,
				  const struct task_change *ch, struct arena *a, struct task *out,
				  bool *replayed)
{
	struct task_io io = {.id = id, .ch = ch, .out = out};
	struct svc_write w = {ch->extend ? "task.extend" : "task.reassign",
			      NULL,
			      idem,
			      apply_change,
			      answer_task,
			      &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- taking a task of one's village (本村待认领) ---- */

/* The village of a grid account (the parent of its grid), in buf; NULL when the account is
 * not on a grid. */
static const char *village_of(const struct principal *who, char *buf, size_t sz)
{
	if (!who->area || area_code_level(who->area) != AREA_LEVEL_GRID ||
	    !area_code_parent(who->area, buf, sz))
		return NULL;
	return buf;
}

const char *svc_task_village(const struct principal *who, struct arena *a)
{
	char buf[AREA_CODE_MAX + 1];
	const char *v = village_of(who, buf, sizeof buf);

	return v ? arena_strdup(a, v) : NULL;
}

struct take_io {
	const char *id;
	int64_t now;
	struct task *out;
	bool *taken;
};

static enum store_status apply_take(struct svc_ctx *x)
{
	const struct take_io *io = x->arg;
	char vbuf[AREA_CODE_MAX + 1];
	const char *village = village_of(x->who, vbuf, sizeof vbuf);
	struct task before;
	enum store_status ss;

	if (!village)
		return svc_deny(x->who, "task", io->id, NULL);
	if ((ss = store_tx_task_read(x->tx, io->id, x->a, &before)) != STORE_OK)
		return ss;
	/* the rule: a task of the worker's village — at the village or on one of its grids —
	 * whose file is kept in the village; any other is not the worker's to see */
	if (!area_code_in_scope(village, before.area) ||
	    !area_code_in_scope(village, before.person_area))
		return svc_deny(x->who, "task", io->id, NULL);
	*io->taken = false;
	if (strcmp(before.status, "open"))
		return STORE_CONFLICT;
	/* taken meanwhile: no longer at the village, or someone holds it */
	if (strcmp(before.area, village) || *before.assignee ||
	    strcmp(before.person_area, village)) {
		*io->taken = true;
		return STORE_CONFLICT;
	}
	if ((ss = svc_task_move(x, &before, x->who->area, x->who->username, before.due_at)) !=
		    STORE_OK ||
	    (ss = store_tx_person_set(x->tx, before.person_id, x->who->area, NULL, io->now)) !=
		    STORE_OK)
		return ss;
	const char *after = svc_json(
		x, json_pack("{s:s, s:s}", "area", x->who->area, "assignee", x->who->username));
	if ((ss = svc_event(x, before.person_id, "taken", x->who->area, after, io->now)) !=
	    STORE_OK)
		return ss;
	return svc_changed(x, "task", io->id, x->who->area,
			   svc_json(x, json_pack("{s:s, s:s}", "area", before.area, "assignee",
						 before.assignee)),
			   after);
}

static enum store_status answer_take(struct svc_ctx *x)
{
	const struct take_io *io = x->arg;
	return store_tx_task_read(x->tx, x->object_id, x->a, io->out);
}

enum store_status svc_task_take(struct store *s, const struct principal *who,
				const struct store_idem *idem, const char *id, int64_t now,
				struct arena *a, struct task *out, bool *taken, bool *replayed)
{
	struct take_io io = {.id = id, .now = now, .out = out, .taken = taken};
	struct svc_write w = {"task.take", NULL, idem, apply_take, answer_take, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- reassigning many tasks at once ---- */

static const char *const bulk_result_name[] = {
	[TASK_BULK_OK] = "ok",
	[TASK_BULK_NOT_FOUND] = "not_found",
	[TASK_BULK_CLOSED] = "closed",
};

const char *svc_task_bulk_result_name(enum task_bulk_result r)
{
	return bulk_result_name[r];
}

/* One task of the batch: moved and/or assigned, or why not. */
static enum store_status bulk_one(struct svc_ctx *x, const struct task_bulk *in, const char *id,
				  enum task_bulk_result *res)
{
	struct task before;
	enum store_status ss = store_tx_task_read(x->tx, id, x->a, &before);

	if (ss == STORE_NOT_FOUND || (ss == STORE_OK && (!svc_in_scope(x, before.area) ||
							 !svc_in_scope(x, before.person_area)))) {
		*res = TASK_BULK_NOT_FOUND;
		return STORE_OK;
	}
	if (ss != STORE_OK)
		return ss;
	if (strcmp(before.status, "open")) {
		*res = TASK_BULK_CLOSED;
		return STORE_OK;
	}
	const char *area = in->area ? in->area : before.area;
	const char *assignee = in->assignee ? in->assignee : before.assignee;
	if ((ss = svc_task_move(x, &before, in->area, in->assignee, before.due_at)) != STORE_OK ||
	    (in->area && (ss = store_tx_person_set(x->tx, before.person_id, in->area, NULL,
						   in->now)) != STORE_OK) ||
	    (ss = svc_event(
		     x, before.person_id, "reassigned", area,
		     svc_json(x, json_pack("{s:s, s:s, s:s}", "area", area, "assignee", assignee,
					   "reason", in->reason ? in->reason : "")),
		     in->now)) != STORE_OK)
		return ss;
	*res = TASK_BULK_OK;
	return STORE_OK;
}

static enum store_status apply_bulk(struct svc_ctx *x)
{
	struct task_bulk *in = x->arg;
	enum store_status ss;

	if (in->area && !svc_in_scope(x, in->area))
		return svc_deny(x->who, "area", in->area, "area");
	if (in->village) {
		struct task *v;
		size_t n;
		if (!svc_in_scope(x, in->village))
			return svc_deny(x->who, "area", in->village, "village");
		if ((ss = store_tx_task_unassigned(x->tx, in->village, TASK_BULK_MAX, x->a, &v,
						   &n)) != STORE_OK)
			return ss;
		const char **ids = arena_alloc(x->a, (n ? n : 1) * sizeof *ids);
		for (size_t i = 0; i < n; i++)
			ids[i] = v[i].id;
		in->ids = ids;
		in->nids = n;
	}
	in->results = arena_alloc(x->a, (in->nids ? in->nids : 1) * sizeof *in->results);
	json_t *done = json_array(), *refused = json_array();
	for (size_t i = 0; i < in->nids; i++) {
		if ((ss = bulk_one(x, in, in->ids[i], &in->results[i])) != STORE_OK) {
			json_decref(done);
			json_decref(refused);
			return ss;
		}
		json_array_append_new(in->results[i] == TASK_BULK_OK ? done : refused,
				      json_string(in->ids[i]));
	}
	/* one audit row for the batch, naming every task it moved and every one it refused */
	return svc_changed(
		x, "task_batch", in->batch_id, in->area, NULL,
		svc_json(x, json_pack("{s:o, s:o, s:o, s:o, s:s}", "tasks", done, "refused",
				      refused, "area", json_str_or_null(in->area), "assignee",
				      json_str_or_null(in->assignee), "reason",
				      in->reason ? in->reason : "")));
}

enum store_status svc_task_bulk(struct store *s, const struct principal *who,
				const struct store_idem *idem, struct task_bulk *in,
				struct arena *a, bool *replayed)
{
	struct svc_write w = {"task.reassign_batch", NULL, idem, apply_bulk, NULL, in};

	return svc_run(s, who, &w, a, replayed);
}
