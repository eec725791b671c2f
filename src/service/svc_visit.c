/* svc_visit — a visit to a person under observation (by a worker at the door, by video or
 * phone, or the person's own self-report): its slot, whether it came late and whether it
 * shows a fever are the domain's (domain/observation.h); the day's filled slots and the
 * board's counts change with it, and a fever raises an alert — or feeds the one already
 * open — which the commander sees at once. */
#include <jansson.h>
#include <string.h>

#include "service/svc_obs.h"

struct visit_io {
	const struct obs_policy *pol;
	const char *action;
	const struct visit *in;
	const char *alert_id;
	int64_t now;
	struct visit_done *out;
};

/* A fever visit: a new alert, or another visit for the open one. */
static enum store_status raise_alert(struct svc_ctx *x, const struct observation *o,
				     const struct visit *v)
{
	struct visit_io *io = x->arg;
	char open_id[USER_ID_LEN + 1];
	enum store_status ss;

	if ((ss = store_tx_obs_open_alert(x->tx, o->id, open_id, sizeof open_id)) != STORE_OK)
		return ss;
	if (*open_id)
		return store_tx_obs_alert_feed(x->tx, open_id, v->temp, v->symptoms, io->now);
	if ((ss = store_tx_obs_alert_insert(x->tx, io->alert_id, o, v, io->now)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "alerts_open", 0, o->area, 1)) != STORE_OK ||
	    (ss = svc_report_add(x, RM_FEVER, o->area, io->now, 1)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "ending_alert", o->end_date, o->area, 1)) !=
		    STORE_OK ||
	    (ss = store_tx_obs_alert_flag(x->tx, o->id, true, io->now)) != STORE_OK ||
	    (ss = store_tx_obs_person_flag(x->tx, o->person_id, CAT_FEVER, io->now)) != STORE_OK ||
	    (ss = svc_notify_fever(x, io->alert_id, o->area, o->doctor.id, v->temp, io->now)) !=
		    STORE_OK ||
	    (ss = svc_outbound_fever(x, o->area, o->area_name, v->temp, io->now)) != STORE_OK)
		return ss;
	return svc_event(
		x, o->person_id, "fever_alert", o->area,
		svc_json(x, json_pack("{s:s, s:s, s:i, s:i}", "alert", io->alert_id, "visit", v->id,
				      "temperature_dc", v->temp, "symptoms", (int)v->symptoms)),
		io->now);
}

/* The day's filled slots and fever, and the board's counts for them. */
static enum store_status fill_day(struct svc_ctx *x, const struct observation *o,
				  const struct visit *v)
{
	struct visit_io *io = x->arg;
	struct obs_period per = svc_obs_period_of(o);
	int date = obs_local_date(v->at);
	unsigned filled, now_filled;
	bool fever_before;
	enum store_status ss;

	if ((ss = store_tx_obs_day_read(x->tx, o->id, date, &filled, &fever_before)) != STORE_OK)
		return ss;
	now_filled = filled | (v->slot >= 0 ? 1u << v->slot : 0);
	if (now_filled == filled && !(v->fever && !fever_before))
		return STORE_OK;
	unsigned req = obs_required(io->pol, &per, date);
	if ((ss = store_tx_obs_day_write(x->tx, o->id, date, now_filled,
					 fever_before || v->fever)) != STORE_OK ||
	    (ss = svc_obs_contrib(x->tx, io->pol, o->area, date, req, filled, req, now_filled)) !=
		    STORE_OK)
		return ss;
	if (v->fever && !fever_before)
		return store_tx_obs_count_add(x->tx, "fevers", date, o->area, 1);
	return STORE_OK;
}

static enum store_status apply_visit(struct svc_ctx *x)
{
	struct visit_io *io = x->arg;
	const struct obs_policy *pol = io->pol;
	struct visit v = *io->in;
	struct observation o;
	enum store_status ss;

	if ((ss = svc_obs_in_scope(x, v.observation_id, 0, &o)) != STORE_OK)
		return ss;
	struct obs_period per = svc_obs_period_of(&o);
	if (!v.self_report && !obs_visit_time_valid(&per, v.at, io->now))
		return STORE_INVALID;
	if (strcmp(o.status, "active"))
		return STORE_CONFLICT;
	v.recorded_at = io->now;
	v.slot = v.temp ? obs_slot_of(pol, v.at) : -1;
	v.late = v.slot >= 0 && io->now > obs_slot_deadline(pol, obs_local_date(v.at), v.slot);
	v.fever = obs_is_fever(pol, v.temp, v.symptoms);
	if ((ss = fill_day(x, &o, &v)) != STORE_OK ||
	    (ss = store_tx_visit_insert(x->tx, &v, x->who->user_id)) != STORE_OK ||
	    (ss = store_tx_obs_touch(x->tx, &v, io->now)) != STORE_OK ||
	    (v.fever && (ss = raise_alert(x, &o, &v)) != STORE_OK))
		return ss;
	return svc_changed(x, "visit", arena_strdup(x->a, v.id), o.area, NULL,
			   svc_json(x, json_pack("{s:s, s:s, s:i, s:b, s:b}", "observation",
						 v.observation_id, "mode", v.mode, "slot", v.slot,
						 "fever", v.fever, "self_report", v.self_report)));
}

static enum store_status answer_visit(struct svc_ctx *x)
{
	struct visit_io *io = x->arg;
	struct visit_done *out = io->out;
	struct visit *v = &out->visit;
	enum store_status ss;

	out->has_alert = false;
	if ((ss = store_tx_visit_read(x->tx, x->object_id, x->a, v)) != STORE_OK ||
	    (ss = store_tx_obs_read(x->tx, v->observation_id, obs_local_date(io->now), x->a,
				    &out->obs)) != STORE_OK)
		return ss;
	if (!v->fever)
		return STORE_OK;
	ss = store_tx_obs_alert_of_visit(x->tx, v->id, v->observation_id, x->a, &out->alert);
	out->has_alert = ss == STORE_OK;
	return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status svc_visit_add(struct store *s, const struct principal *who,
				const struct store_idem *idem, const struct obs_policy *pol,
				const char *action, const struct visit *in, const char *alert_id,
				int64_t now, struct arena *a, struct visit_done *out,
				bool *replayed)
{
	struct visit_io io = {pol, action, in, alert_id, now, out};
	/* a worker's visit and a self-report share one key space */
	struct svc_write w = {action, "visit.create", idem, apply_visit, answer_visit, &io};

	return svc_run(s, who, &w, a, replayed);
}
