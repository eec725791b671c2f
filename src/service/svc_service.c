/* svc_service — service requests for isolated households (代购、送餐、就医): a worker or
 * the household itself (svc_self.c) asks, someone accepts and delivers, or it is
 * cancelled. An open request counts on the commander's board (services_open) until it
 * is delivered or cancelled.
 *
 * A request is the caller's only when it, its observation and its person's file lie in
 * the caller's scope, read in the writing transaction. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"
#include "service/svc_obs.h"

struct service_io {
	const char *id, *status, *assignee, *note;
	const struct service *in;
	int64_t now;
	struct service *out;
};

static enum store_status answer_service(struct svc_ctx *x)
{
	struct service_io *io = x->arg;
	return io->out ? store_tx_service_read(x->tx, x->object_id, x->a, io->out) : STORE_OK;
}

/* ---- a new request ---- */

static enum store_status apply_create(struct svc_ctx *x)
{
	const struct service_io *io = x->arg;
	struct service row = *io->in;
	struct observation o;
	enum store_status ss;

	if ((ss = svc_obs_in_scope(x, row.observation_id, 0, &o)) != STORE_OK)
		return ss;
	if (strcmp(o.status, "active"))
		return STORE_CONFLICT;
	memcpy(row.person_id, o.person_id, sizeof row.person_id);
	memcpy(row.area, o.area, sizeof row.area);
	if ((ss = store_tx_service_insert(x->tx, &row, io->now)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "services_open", 0, o.area, 1)) != STORE_OK ||
	    (ss = svc_report_add(x, RM_SERVICE_OPENED, o.area, io->now, 1)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "service", io->in->id, o.area, NULL,
		svc_json(x, json_pack("{s:s, s:s, s:s, s:s}", "observation", o.id, "kind", row.kind,
				      "items", row.items, "requested_by", row.requested_by)));
}

enum store_status svc_service_create(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const char *action,
				     const struct service *in, int64_t now, struct arena *a,
				     struct service *out, bool *replayed)
{
	struct service_io io = {.in = in, .now = now, .out = out};
	/* a worker's and a household's requests share one key space, as they always did */
	struct svc_write w = {action, "service.create", idem, apply_create, answer_service, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- accepting, delivering, cancelling ---- */

static enum store_status apply_move(struct svc_ctx *x)
{
	const struct service_io *io = x->arg;
	struct service before, after;
	struct observation o;
	enum store_status ss;

	if ((ss = store_tx_service_read(x->tx, io->id, x->a, &before)) != STORE_OK ||
	    (ss = svc_obs_owner(x, "service", io->id, before.area, before.observation_id, &o)) !=
		    STORE_OK)
		return ss;
	if (!obs_service_move_ok(before.status, io->status))
		return STORE_CONFLICT;
	if ((ss = store_tx_service_move(x->tx, io->id, io->status, io->assignee, io->note,
					io->now)) != STORE_OK)
		return ss;
	/* accepted work is still open; delivered or cancelled work is not */
	if (strcmp(io->status, "accepted") &&
	    (ss = store_tx_obs_count_add(x->tx, "services_open", 0, before.area, -1)) != STORE_OK)
		return ss;
	if (!strcmp(io->status, "delivered") &&
	    (ss = svc_report_add(x, RM_SERVICE_DONE, before.area, io->now, 1)) != STORE_OK)
		return ss;
	if ((ss = store_tx_service_read(x->tx, io->id, x->a, &after)) != STORE_OK)
		return ss;
	return svc_changed(x, "service", io->id, before.area,
			   svc_json(x, json_pack("{s:s, s:s}", "status", before.status, "assignee",
						 before.assignee)),
			   svc_json(x, json_pack("{s:s, s:s, s:s}", "status", after.status,
						 "assignee", after.assignee, "note", after.note)));
}

enum store_status svc_service_move(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *id,
				   const char *status, const char *assignee, const char *note,
				   int64_t now, struct arena *a, struct service *out,
				   bool *replayed)
{
	struct service_io io = {.id = id,
				.status = status,
				.assignee = assignee,
				.note = note,
				.now = now,
				.out = out};
	struct svc_write w = {"service.status", NULL, idem, apply_move, answer_service, &io};

	return svc_run(s, who, &w, a, replayed);
}
