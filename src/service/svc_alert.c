/* svc_alert — fever alerts (发热预警) and their referral (转诊). A fever visit raises an
 * alert (svc_visit.c); the doctor refers it to a fever clinic or a hospital and records
 * the result. A result closes the alert and its open counts; anything but "excluded" ends
 * the observation as transferred and marks the person's file (hospital, suspected,
 * confirmed). Referral and result go on the person's timeline.
 *
 * An alert is the caller's only when the alert, its observation and its person's file lie
 * in the caller's scope, read in the writing transaction. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"
#include "service/svc_obs.h"

struct alert_io {
	const struct obs_policy *pol;
	const char *id;
	const struct alert_update *u;
	struct alert *out;
};

static enum store_status answer_alert(struct svc_ctx *x)
{
	struct alert_io *io = x->arg;
	return store_tx_alert_read(x->tx, x->object_id, x->a, io->out);
}

static enum store_status refer(struct svc_ctx *x, const struct alert *before)
{
	const struct alert_io *io = x->arg;
	const struct alert_update *u = io->u;
	enum store_status ss = store_tx_alert_refer(x->tx, io->id, u, x->who->username);

	/* counted on the day of the referral's time, moved when a later write changes it */
	if (ss == STORE_OK && before->referred_at)
		ss = svc_report_add(x, RM_REFERRED, before->area, before->referred_at, -1);
	if (ss == STORE_OK)
		ss = svc_report_add(x, RM_REFERRED, before->area, u->referred_at, 1);
	return ss != STORE_OK
		       ? ss
		       : svc_event(
				 x, before->person_id, "referral", before->area,
				 svc_json(x, json_pack("{s:s, s:s, s:s, s:s}", "alert", io->id,
						       "destination", u->destination, "facility",
						       u->facility ? u->facility : "", "transport",
						       u->transport ? u->transport : "")),
				 u->now);
}

/* The person's status and categories after a result other than "excluded". */
static const char *status_after(const char *result, unsigned *cat)
{
	if (!strcmp(result, "confirmed")) {
		*cat = CAT_CONFIRMED;
		return "confirmed";
	}
	if (!strcmp(result, "suspected")) {
		*cat = CAT_SUSPECTED;
		return "suspected";
	}
	*cat = 0;
	return "hospital";
}

static enum store_status result(struct svc_ctx *x, const struct alert *before,
				struct observation *o)
{
	const struct alert_io *io = x->arg;
	const struct alert_update *u = io->u;
	bool excluded = !strcmp(u->result, "excluded");
	enum store_status ss;

	if ((ss = store_tx_alert_close(x->tx, io->id, u->result, u->note, u->now)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "alerts_open", 0, before->area, -1)) != STORE_OK)
		return ss;
	if (!strcmp(o->status, "active")) {
		if ((ss = store_tx_obs_count_add(x->tx, "ending_alert", o->end_date, o->area,
						 -1)) != STORE_OK ||
		    (ss = store_tx_obs_alert_flag(x->tx, o->id, false, u->now)) != STORE_OK)
			return ss;
		o->alert_open = false;
		if (!excluded && (ss = svc_obs_end(x, io->pol, o, "transferred", u->result,
						   u->now)) != STORE_OK)
			return ss;
	}
	if (!excluded) {
		unsigned cat;
		const char *st = status_after(u->result, &cat);
		if ((ss = store_tx_person_set(x->tx, before->person_id, NULL, st, u->now)) !=
			    STORE_OK ||
		    (cat && (ss = store_tx_obs_person_flag(x->tx, before->person_id, cat,
							   u->now)) != STORE_OK))
			return ss;
	}
	return svc_event(x, before->person_id, "referral_result", before->area,
			 svc_json(x, json_pack("{s:s, s:s, s:s}", "alert", io->id, "result",
					       u->result, "note", u->note ? u->note : "")),
			 u->now);
}

static enum store_status apply_update(struct svc_ctx *x)
{
	const struct alert_io *io = x->arg;
	struct alert before, after;
	struct observation o;
	enum store_status ss;

	if ((ss = store_tx_alert_read(x->tx, io->id, x->a, &before)) != STORE_OK ||
	    (ss = svc_obs_owner(x, "alert", io->id, before.area, before.observation_id, &o)) !=
		    STORE_OK)
		return ss;
	if (!strcmp(before.status, "closed"))
		return STORE_CONFLICT;
	if ((io->u->destination && (ss = refer(x, &before)) != STORE_OK) ||
	    (io->u->result && (ss = result(x, &before, &o)) != STORE_OK) ||
	    (ss = store_tx_alert_read(x->tx, io->id, x->a, &after)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "alert", io->id, before.area,
		svc_json(x, json_pack("{s:s}", "status", before.status)),
		svc_json(x, json_pack("{s:s, s:s, s:s}", "status", after.status, "destination",
				      after.destination, "result", after.result)));
}

enum store_status svc_alert_update(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const struct obs_policy *pol,
				   const char *id, const struct alert_update *u, struct arena *a,
				   struct alert *out, bool *replayed)
{
	struct alert_io io = {pol, id, u, out};
	/* the route names the action; a referral with its result shares the result's keys */
	struct svc_write w = {u->destination ? "alert.referral" : "alert.result",
			      u->result ? "alert.result" : "alert.referral",
			      idem,
			      apply_update,
			      answer_alert,
			      &io};

	return svc_run(s, who, &w, a, replayed);
}
