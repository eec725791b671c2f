/* svc_notify — the in-app notifications: who hears of an event is decided here, by role
 * and area, and written in the event's own transaction, so a notification exists exactly
 * when its event committed. What a row carries is a kind, an area and the object's id (and
 * a temperature): never an ID number or a phone. The event streams (http/events.c) tell a
 * signed-in account when rows of its own arrive. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"

bool svc_notify_task_below(const char *area)
{
	/* a task left at a township reaches its cadres, not every worker of it */
	return area_code_level(area) >= AREA_LEVEL_VILLAGE;
}

enum store_status svc_notify_task_robot(struct svc_ctx *x, const char *area, int64_t now)
{
	struct area ar;
	enum store_status ss = store_tx_area_read(x->tx, area, x->a, &ar);

	/* one waiting message for a whole import's tasks */
	if (ss == STORE_OK)
		ss = svc_outbound_note(x, area, ar.name, "新任务",
				       "有新的待核查任务，请网格员及时核查", true, now);
	return ss;
}

enum store_status svc_notify_task(struct svc_ctx *x, const char *task_id, const char *area,
				  int64_t now)
{
	struct notify_new n = {
		.kind = "task",
		.area = area,
		.object_type = "task",
		.object_id = task_id,
		.role = "grid_worker",
		.below = svc_notify_task_below(area),
		.actor = x->who->user_id,
		.now = now,
	};
	enum store_status ss = store_tx_notify(x->tx, &n);

	/* the area's robot too */
	return ss == STORE_OK ? svc_notify_task_robot(x, area, now) : ss;
}

enum store_status svc_notify_fever(struct svc_ctx *x, const char *alert_id, const char *area,
				   const char *doctor, int temp_dc, int64_t now)
{
	struct notify_new n = {
		.kind = "fever",
		.area = area,
		.object_type = "alert",
		.object_id = alert_id,
		.detail = svc_json(x, json_pack("{s:i}", "temperature_dc", temp_dc)),
		.role = "commander",
		.user = doctor && *doctor ? doctor : NULL,
		.actor = x->who->user_id,
		.now = now,
	};
	return store_tx_notify(x->tx, &n);
}

enum store_status svc_notification_list(struct store *s, const struct principal *who, int64_t after,
					bool unread_only, int limit, struct arena *a,
					struct notification **out, size_t *n, int64_t *unread)
{
	if (!who->user_id || !*who->user_id)
		return svc_deny(who, "notification", "", NULL);
	return store_notification_list(s, who->user_id, after, unread_only, limit, a, out, n,
				       unread);
}

struct read_io {
	const int64_t *ids;
	size_t n;
	int64_t now;
};

static enum store_status apply_read(struct svc_ctx *x)
{
	struct read_io *io = x->arg;
	int64_t changed;
	enum store_status ss;

	if (!x->who->user_id)
		return svc_deny(x->who, "notification", "", NULL);
	ss = store_tx_notification_read(x->tx, x->who->user_id, io->ids, io->n, io->now, &changed);
	if (ss != STORE_OK)
		return ss;
	return svc_changed(x, "notification", x->who->user_id, NULL, NULL,
			   svc_json(x, json_pack("{s:I, s:b}", "marked", (json_int_t)changed, "all",
						 io->n == 0)));
}

enum store_status svc_notification_read(struct store *s, const struct principal *who,
					const struct store_idem *idem, const int64_t *ids, size_t n,
					int64_t now, struct arena *a, int64_t *unread,
					bool *replayed)
{
	struct read_io io = {ids, n, now};
	struct svc_write w = {"notification.read", NULL, idem, apply_read, NULL, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);
	struct notification *rows;
	size_t nrows;

	/* read after the commit: a reader sees the transaction's rows only once it ended */
	if (ss != STORE_OK)
		return ss;
	return store_notification_list(s, who->user_id, 0, true, 1, a, &rows, &nrows, unread);
}

enum store_status svc_ref_notification_latest(struct store *s, int64_t *id)
{
	return store_notification_latest(s, id);
}
