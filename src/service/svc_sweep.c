/* svc_sweep — the reminders nobody's action raises: an open task past its deadline, a person
 * verified and still not placed under observation, an observation whose daily reports are
 * missing past their deadline (yesterday's or today's slots, domain/observation.h). The server
 * runs it now and then (io/outbound_send.c), `fangkong sweep` once, at a given time. One run
 * is one write as the system: each reminder is marked (kind, object, local day) in the
 * transaction, so a rerun or a restart reminds no one twice on a day; its recipients are
 * svc_notify's, and the area's robot and duty mobiles hear of it too (masked, and one
 * waiting message per text and address). It also prunes old notifications. Every list is
 * bounded per run; what is left waits for the next. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "domain/observation.h"
#include "service/service.h"

enum {
	SWEEP_MAX = 200, /* reminders of one kind per run */
	/* active observations looked at per run: a county's all (a cursor kept between runs
	 * would miss none either, but each run must see those that report well too) */
	SWEEP_SCAN = 20000,
	SWEEP_PAGE = 500,
	PRUNE_MAX = 1000, /* notifications deleted per run */
	DAY_S = 86400,
};

struct sweep_io {
	int64_t now;
	struct svc_sweep_result *r;
};

/* What one kind of reminder says and to whom, beyond the grid workers of the object's area
 * (and those under it, for a village or below) and the robots over it. */
struct reminder {
	const char *kind, *object_type;
	const char *title, *what; /* of the robots' text */
	bool commanders;          /* the commanders over the area too */
};
static const struct reminder task_overdue = {"task_overdue", "task", "任务逾期",
					     "有核查任务已超过期限，请尽快处理", false};
/* whoever places: the grid workers and the commanders */
static const struct reminder to_place = {"to_place", "person", "待落实观察",
					 "有已核实人员尚未落实居家观察", true};
/* the observation's doctor (user) and the grid workers */
static const struct reminder visit_missed = {"visit_missed", "observation", "漏报提醒",
					     "有居家观察人员未按时报告体温", false};

/* Reminds of it once on day (store_tx_sweep_mark): its recipients (r, and user when not
 * NULL), the robots over its area; *count grows by one when it was new. */
static enum store_status remind(struct svc_ctx *x, const struct reminder *r,
				const struct sweep_item *it, const char *user, const char *detail,
				int day, int64_t now, int64_t *count)
{
	struct notify_new nn = {
		.kind = r->kind,
		.area = it->area,
		.object_type = r->object_type,
		.object_id = it->id,
		.detail = detail,
		.role = "grid_worker",
		.below = area_code_level(it->area) >= AREA_LEVEL_VILLAGE,
		.user = user,
		.now = now,
	};
	bool fresh = false;
	enum store_status ss = store_tx_sweep_mark(x->tx, r->kind, it->id, day, &fresh);

	if (ss != STORE_OK || !fresh || (ss = store_tx_notify(x->tx, &nn)) != STORE_OK)
		return ss;
	if (r->commanders) {
		nn.role = "commander";
		nn.below = false;
		nn.user = NULL;
		if ((ss = store_tx_notify(x->tx, &nn)) != STORE_OK)
			return ss;
	}
	if ((ss = svc_outbound_note(x, it->area, it->area_name, r->title, r->what, true, now)) ==
	    STORE_OK)
		(*count)++;
	return ss;
}

static enum store_status sweep_tasks(struct svc_ctx *x, int day, int64_t now, int64_t *count)
{
	struct sweep_item *it;
	size_t n;
	enum store_status ss = store_tx_sweep_tasks(x->tx, day, now, SWEEP_MAX, x->a, &it, &n);

	for (size_t i = 0; ss == STORE_OK && i < n; i++)
		ss = remind(x, &task_overdue, &it[i], NULL,
			    svc_json(x, json_pack("{s:I}", "due_at", (json_int_t)it[i].due_at)),
			    day, now, count);
	return ss;
}

static enum store_status sweep_to_place(struct svc_ctx *x, int day, int64_t now, int64_t *count)
{
	struct sweep_item *it;
	size_t n;
	enum store_status ss = store_tx_sweep_to_place(x->tx, day, SWEEP_MAX, x->a, &it, &n);

	for (size_t i = 0; ss == STORE_OK && i < n; i++)
		ss = remind(x, &to_place, &it[i], NULL, NULL, day, now, count);
	return ss;
}

/* The slots of yesterday and today past their deadline with no report. */
static int missed_slots(const struct obs_policy *p, const struct sweep_item *it, int today,
			int64_t now)
{
	struct obs_period per = {it->start_date, it->end_date, it->began_at, it->ended_at};
	unsigned y =
		obs_overdue(p, &per, obs_date_add(today, -1), (unsigned)it->filled_yesterday, now);
	unsigned t = obs_overdue(p, &per, today, (unsigned)it->filled_today, now);

	return __builtin_popcount(y) + __builtin_popcount(t);
}

static enum store_status sweep_visits(struct svc_ctx *x, int day, int64_t now, int64_t *count)
{
	struct obs_policy pol;
	char after[USER_ID_LEN + 1] = "";
	enum store_status ss = STORE_OK;

	obs_policy_default(&pol);
	for (size_t seen = 0; ss == STORE_OK && seen < SWEEP_SCAN && *count < SWEEP_MAX;) {
		struct sweep_item *it;
		size_t n;
		ss = store_tx_sweep_observations(x->tx, day, obs_date_add(day, -1), after,
						 SWEEP_PAGE, x->a, &it, &n);
		for (size_t i = 0; ss == STORE_OK && i < n; i++) {
			int missed = missed_slots(&pol, &it[i], day, now);
			if (missed)
				ss = remind(x, &visit_missed, &it[i],
					    *it[i].user ? it[i].user : NULL,
					    svc_json(x, json_pack("{s:i}", "missed", missed)), day,
					    now, count);
		}
		if (n < SWEEP_PAGE)
			break;
		seen += n;
		snprintf(after, sizeof after, "%s", it[n - 1].id);
	}
	return ss;
}

static enum store_status apply_sweep(struct svc_ctx *x)
{
	struct sweep_io *io = x->arg;
	struct svc_sweep_result *r = io->r;
	int day = obs_local_date(io->now);
	char key[16];
	enum store_status ss;

	*r = (struct svc_sweep_result){0};
	if ((ss = sweep_tasks(x, day, io->now, &r->task_overdue)) != STORE_OK ||
	    (ss = sweep_to_place(x, day, io->now, &r->to_place)) != STORE_OK ||
	    (ss = sweep_visits(x, day, io->now, &r->visit_missed)) != STORE_OK ||
	    (ss = store_tx_notification_prune(
		     x->tx, io->now - (int64_t)SVC_NOTIFY_KEEP_READ_DAYS * DAY_S,
		     io->now - (int64_t)SVC_NOTIFY_KEEP_DAYS * DAY_S, obs_date_add(day, -2),
		     PRUNE_MAX, &r->pruned)) != STORE_OK ||
	    (ss = store_tx_prereg_prune(x->tx, io->now, &r->prereg_pruned)) != STORE_OK)
		return ss;
	snprintf(key, sizeof key, "%d", day);
	return svc_changed(x, "sweep", arena_strdup(x->a, key), NULL, NULL,
			   svc_json(x, json_pack("{s:I, s:I, s:I, s:I, s:I}", "task_overdue",
						 (json_int_t)r->task_overdue, "to_place",
						 (json_int_t)r->to_place, "visit_missed",
						 (json_int_t)r->visit_missed, "pruned",
						 (json_int_t)r->pruned, "prereg_pruned",
						 (json_int_t)r->prereg_pruned)));
}

enum store_status svc_sweep(struct store *s, int64_t now, struct arena *a,
			    struct svc_sweep_result *r)
{
	struct principal sys = svc_system_principal(NULL);
	struct sweep_io io = {now, r};
	struct svc_write w = {"notification.sweep", NULL, NULL, apply_sweep, NULL, &io};

	sys.username = "(sweep)";
	return svc_run(s, &sys, &w, a, NULL);
}
