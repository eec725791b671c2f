/* svc_obs — home observation (居家观察): placing people under observation with their
 * household, changing the period, release, who is responsible; and the board's counts
 * that every one of them keeps.
 *
 * The board never scans: every write that changes what is due, filled, open or ended adds
 * its difference to obs_count (metric, local date or 0, the observation's area) in the same
 * transaction. For the per-day counts the difference is contrib(new) − contrib(old) of
 * domain/observation.h's obs_day_contrib, so placing, a visit, a new end date and an early
 * end all go through one function (svc_obs_contrib, svc_obs_days).
 *
 * Every observation and person a write reads or changes is read in its transaction and
 * must lie in the caller's scope there; one outside answers as a missing one. */
#include <jansson.h>
#include <string.h>

#include "service/svc_obs.h"

static const char *const slot_req[OBS_SLOTS_MAX] = {"req0", "req1", "req2", "req3"};
static const char *const slot_fill[OBS_SLOTS_MAX] = {"fill0", "fill1", "fill2", "fill3"};
static const enum role staff_roles[3] = {ROLE_GRID_WORKER, ROLE_DOCTOR, ROLE_SOCIAL_WORKER};
static const char *const staff_fields[3] = {"grid_worker", "doctor", "social_worker"};

/* ---- counts ---- */

enum store_status svc_obs_contrib(struct store_tx *tx, const struct obs_policy *pol,
				  const char *area, int date, unsigned req_old, unsigned fill_old,
				  unsigned req_new, unsigned fill_new)
{
	struct obs_day_counts o, n;
	enum store_status ss;

	obs_day_contrib(pol, req_old, fill_old, &o);
	obs_day_contrib(pol, req_new, fill_new, &n);
	if ((ss = store_tx_obs_count_add(tx, "due", date, area, n.due - o.due)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(tx, "complete", date, area, n.complete - o.complete)) !=
		    STORE_OK)
		return ss;
	for (int k = 0; k < pol->nslots && ss == STORE_OK; k++) {
		ss = store_tx_obs_count_add(tx, slot_req[k], date, area, n.req[k] - o.req[k]);
		if (ss == STORE_OK)
			ss = store_tx_obs_count_add(tx, slot_fill[k], date, area,
						    n.fill[k] - o.fill[k]);
	}
	return ss;
}

/* The per-day counts of an observation whose period changes from `before` to `after`
 * (either NULL: none). */
static enum store_status svc_obs_days(struct store_tx *tx, const struct obs_policy *pol,
				      const char *obs_id, const char *area,
				      const struct obs_period *before,
				      const struct obs_period *after)
{
	int from = before ? before->start_date : after->start_date;
	int to = before ? before->end_date : after->end_date;
	enum store_status ss = STORE_OK;

	if (after && after->start_date < from)
		from = after->start_date;
	if (after && after->end_date > to)
		to = after->end_date;
	for (int d = from; d && d < to && ss == STORE_OK; d = obs_date_add(d, 1)) {
		unsigned rb = before ? obs_required(pol, before, d) : 0;
		unsigned ra = after ? obs_required(pol, after, d) : 0;
		unsigned filled = 0;
		bool fever;
		if (rb == ra)
			continue;
		if (before &&
		    (ss = store_tx_obs_day_read(tx, obs_id, d, &filled, &fever)) != STORE_OK)
			break;
		ss = svc_obs_contrib(tx, pol, area, d, rb, filled, ra, filled);
	}
	return ss;
}

struct obs_period svc_obs_period_of(const struct observation *o)
{
	return (struct obs_period){o->start_date, o->end_date, o->began_at, o->ended_at};
}

enum store_status svc_obs_end(struct svc_ctx *x, const struct obs_policy *pol,
			      const struct observation *o, const char *status, const char *reason,
			      int64_t now)
{
	struct obs_period before = svc_obs_period_of(o), after = before;
	enum store_status ss;

	after.ended_at = now;
	if ((ss = store_tx_obs_end(x->tx, o->id, status, reason, now)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "active", 0, o->area, -1)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "ending", o->end_date, o->area, -1)) != STORE_OK ||
	    (o->alert_open && (ss = store_tx_obs_count_add(x->tx, "ending_alert", o->end_date, o->area,
							   -1)) != STORE_OK) ||
	    (!strcmp(status, "released") &&
	     ((ss = store_tx_obs_count_add(x->tx, "released", obs_local_date(now), o->area, 1)) !=
		      STORE_OK ||
	      (ss = svc_report_add(x, RM_OBS_RELEASED, o->area, now, 1)) != STORE_OK)) ||
	    (ss = svc_report_add(x, RM_OBS_ENDED, o->area, now, 1)) != STORE_OK)
		return ss;
	return svc_obs_days(x->tx, pol, o->id, o->area, &before, &after);
}

/* Whether the observation o (read in the transaction) is the caller's: in scope with its
 * person's file, or for a self-report link the one it names (else STORE_NOT_FOUND: a link
 * names no other). Out of scope: STORE_DENIED naming type and id, what the request named. */
static enum store_status obs_owned(struct svc_ctx *x, const struct observation *o, const char *type,
				   const char *id)
{
	struct person p;
	enum store_status ss;

	if (x->who->observation_id) /* a self-report link: its one observation */
		return strcmp(o->id, x->who->observation_id) ? STORE_NOT_FOUND : STORE_OK;
	if (!svc_in_scope(x, o->area))
		return svc_deny(x->who, type, id, NULL);
	if ((ss = store_tx_obs_person(x->tx, o->person_id, x->a, &p)) != STORE_OK)
		return ss;
	return svc_in_scope(x, p.area) ? STORE_OK : svc_deny(x->who, type, id, NULL);
}

enum store_status svc_obs_in_scope(struct svc_ctx *x, const char *id, int date,
				   struct observation *o)
{
	enum store_status ss = store_tx_obs_read(x->tx, id, date, x->a, o);

	return ss != STORE_OK ? ss : obs_owned(x, o, "observation", id);
}

enum store_status svc_obs_owner(struct svc_ctx *x, const char *type, const char *id,
				const char *area, const char *obs_id, struct observation *o)
{
	enum store_status ss;

	if (!x->who->observation_id && !svc_in_scope(x, area))
		return svc_deny(x->who, type, id, NULL);
	if ((ss = store_tx_obs_read(x->tx, obs_id, 0, x->a, o)) != STORE_OK)
		return ss;
	return obs_owned(x, o, type, id);
}

/* ---- staff ---- */

/* The account for a staff field: the given id (an enabled account of role whose area covers
 * area) or the nearest one. NULL id and none found: NULL. */
static enum store_status staff_pick(struct svc_ctx *x, const char *given, const char *area,
				    enum role role, const char **out)
{
	struct staff st;
	struct user u;
	enum store_status ss;

	if (given && *given) {
		ss = store_tx_obs_staff_user(x->tx, given, x->a, &u);
		if (ss == STORE_NOT_FOUND ||
		    (ss == STORE_OK &&
		     (u.disabled || u.role != role || !area_code_in_scope(u.area, area))))
			return STORE_INVALID;
		*out = given;
		return ss;
	}
	if ((ss = store_tx_obs_staff_nearest(x->tx, area, role, x->a, &st)) != STORE_OK)
		return ss;
	*out = *st.id ? arena_strdup(x->a, st.id) : NULL;
	return STORE_OK;
}

/* ---- placing ---- */

struct place_io {
	const struct obs_policy *pol;
	const struct obs_new *in;
	struct obs_placed *out;
	const char *after; /* the audit row's: the first placing's */
};

static enum store_status place_one(struct svc_ctx *x, const struct obs_row *row,
				   const struct person *p)
{
	struct place_io *io = x->arg;
	const struct obs_new *in = io->in;
	struct obs_period per = {in->start_date, in->end_date, in->now, 0};
	enum store_status ss;

	if ((ss = store_tx_obs_insert(x->tx, row)) != STORE_OK ||
	    (ss = store_tx_person_set(x->tx, p->id, NULL, "observation", in->now)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "active", 0, p->area, 1)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "started", obs_local_date(in->now), p->area, 1)) !=
		    STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "ending", in->end_date, p->area, 1)) != STORE_OK ||
	    (ss = svc_report_add(x, RM_OBS_STARTED, p->area, in->now, 1)) != STORE_OK ||
	    (ss = svc_obs_days(x->tx, io->pol, row->id, p->area, NULL, &per)) != STORE_OK)
		return ss;
	const char *d =
		svc_json(x, json_pack("{s:s, s:s, s:i, s:i, s:s, s:s?, s:s}", "observation",
				      row->id, "kind", in->kind, "start_date", in->start_date,
				      "end_date", in->end_date, "place", row->place, "household_of",
				      row->household_of, "reason", in->reason ? in->reason : ""));
	if ((ss = svc_event(x, p->id, "observation_started", p->area, d, in->now)) != STORE_OK)
		return ss;
	/* every member's placing is audited, the first by the runner */
	if (!x->object_id) {
		return svc_changed(x, "observation", row->id, p->area, NULL, d);
	}
	return svc_audit_more(x, "observation.create", "observation", row->id, p->area, d);
}

/* The person for a placing: in scope, not merged, not under observation already. */
static enum store_status placeable(struct svc_ctx *x, const char *id, const char *field,
				   struct person *p)
{
	struct place_io *io = x->arg;
	enum store_status ss = store_tx_obs_person(x->tx, id, x->a, p);
	bool active;

	if (ss == STORE_OK && p->merged_into)
		ss = STORE_NOT_FOUND;
	if (ss == STORE_OK && !svc_in_scope(x, p->area))
		ss = svc_deny(x->who, "person", id, field);
	if (ss == STORE_OK && (ss = store_tx_obs_active_of(x->tx, id, &active)) == STORE_OK &&
	    active)
		ss = STORE_CONFLICT;
	if (ss == STORE_NOT_FOUND || ss == STORE_CONFLICT || ss == STORE_DENIED)
		io->out->bad_field = field;
	return ss;
}

static enum store_status apply_place(struct svc_ctx *x)
{
	struct place_io *io = x->arg;
	const struct obs_new *in = io->in;
	struct person main, member;
	struct obs_row row = {
		.id = in->id,
		.kind = in->kind,
		.token_hash = in->token_hash,
		.token_box = in->token_box,
		.created_by = x->who->user_id,
		.start_date = in->start_date,
		.end_date = in->end_date,
		.now = in->now,
	};
	const char *given[3] = {in->grid_worker, in->doctor, in->social_worker};
	enum store_status ss;

	if ((ss = placeable(x, in->person_id, "person_id", &main)) != STORE_OK)
		return ss;
	for (int i = 0; i < 3; i++) {
		ss = staff_pick(x, given[i], main.area, staff_roles[i], &row.staff[i]);
		if (ss == STORE_INVALID)
			io->out->bad_field = staff_fields[i];
		if (ss != STORE_OK)
			return ss;
	}
	row.place = in->place && *in->place ? in->place : main.address;
	row.person_id = main.id;
	row.area = main.area;
	if ((ss = place_one(x, &row, &main)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < in->nhousehold; i++) {
		if (!strcmp(in->household[i], in->person_id))
			continue;
		if ((ss = placeable(x, in->household[i], "household", &member)) != STORE_OK)
			return ss;
		struct obs_row m = row;
		m.id = in->household_ids[i];
		m.person_id = member.id;
		m.area = member.area;
		m.household_of = in->id;
		m.token_hash = in->household_hash[i];
		m.token_box = in->household_box[i];
		if ((ss = place_one(x, &m, &member)) != STORE_OK)
			return ss;
	}
	return STORE_OK;
}

static enum store_status answer_place(struct svc_ctx *x)
{
	struct place_io *io = x->arg;
	struct obs_placed *out = io->out;
	int today = obs_local_date(io->in->now);
	char(*ids)[USER_ID_LEN + 1] = NULL;
	size_t n = 0;
	enum store_status ss;

	out->household = NULL;
	out->nhousehold = 0;
	if ((ss = store_tx_obs_read(x->tx, x->object_id, today, x->a, &out->obs)) != STORE_OK)
		return ss;
	if (!x->replayed && !io->in->nhousehold)
		return STORE_OK;
	if ((ss = store_tx_obs_household(x->tx, x->object_id, io->in->nhousehold + 8, x->a, &ids,
					 &n)) != STORE_OK)
		return ss;
	out->household = arena_alloc(x->a, (n ? n : 1) * sizeof *out->household);
	for (size_t i = 0; i < n && ss == STORE_OK; i++)
		ss = store_tx_obs_read(x->tx, ids[i], today, x->a, &out->household[i]);
	out->nhousehold = ss == STORE_OK ? n : 0;
	return ss;
}

enum store_status svc_obs_place(struct store *s, const struct principal *who,
				const struct store_idem *idem, const struct obs_policy *pol,
				const struct obs_new *in, struct arena *a, struct obs_placed *out,
				bool *replayed)
{
	struct place_io io = {pol, in, out, NULL};
	struct svc_write w = {"observation.create", NULL, idem, apply_place, answer_place, &io};

	out->bad_field = NULL;
	out->household = NULL;
	out->nhousehold = 0;
	return svc_run(s, who, &w, a, replayed);
}

/* ---- the period and its end ---- */

struct change_io {
	const struct obs_policy *pol;
	const char *id, *text;
	int end_date; /* 0: release */
	int64_t now;
	struct observation *out;
	const char *const *staff;
	const char *bad_field;
};

static enum store_status answer_obs(struct svc_ctx *x)
{
	struct change_io *io = x->arg;
	return store_tx_obs_read(x->tx, x->object_id, obs_local_date(io->now), x->a, io->out);
}

/* The active observation in scope that a change changes; the caller's out holds it as
 * read, so that a refusal can tell why. */
static enum store_status changeable(struct svc_ctx *x, struct observation *o)
{
	struct change_io *io = x->arg;
	enum store_status ss = svc_obs_in_scope(x, io->id, obs_local_date(io->now), o);

	if (ss == STORE_OK)
		*io->out = *o;
	if (ss == STORE_OK && strcmp(o->status, "active"))
		return STORE_CONFLICT;
	if (ss == STORE_OK) /* the change's before and after are its own */
		svc_changed(x, "observation", arena_strdup(x->a, o->id), o->area, NULL, NULL);
	return ss;
}

static enum store_status apply_period(struct svc_ctx *x)
{
	struct change_io *io = x->arg;
	struct observation o;
	enum store_status ss;

	if ((ss = changeable(x, &o)) != STORE_OK)
		return ss;
	if (!obs_end_valid(o.start_date, io->end_date, obs_local_date(io->now)))
		return STORE_INVALID;
	struct obs_period before = svc_obs_period_of(&o), after = before;
	after.end_date = io->end_date;
	if ((ss = store_tx_obs_set_end_date(x->tx, o.id, io->end_date, io->now)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "ending", o.end_date, o.area, -1)) != STORE_OK ||
	    (ss = store_tx_obs_count_add(x->tx, "ending", io->end_date, o.area, 1)) != STORE_OK ||
	    (o.alert_open && ((ss = store_tx_obs_count_add(x->tx, "ending_alert", o.end_date,
							   o.area, -1)) != STORE_OK ||
			      (ss = store_tx_obs_count_add(x->tx, "ending_alert", io->end_date,
							   o.area, 1)) != STORE_OK)) ||
	    (ss = svc_obs_days(x->tx, io->pol, o.id, o.area, &before, &after)) != STORE_OK)
		return ss;
	return svc_obs_changed(
		x, &o, io->end_date > o.end_date ? "observation_extended" : "observation_shortened",
		"reason", io->text, io->now);
}

static enum store_status apply_release(struct svc_ctx *x)
{
	struct change_io *io = x->arg;
	struct observation o;
	enum store_status ss;

	if ((ss = changeable(x, &o)) != STORE_OK)
		return ss;
	if (o.alert_open || obs_local_date(io->now) < o.end_date)
		return STORE_CONFLICT;
	if ((ss = svc_obs_end(x, io->pol, &o, "released", io->text, io->now)) != STORE_OK ||
	    (ss = store_tx_person_set(x->tx, o.person_id, NULL, "released", io->now)) != STORE_OK)
		return ss;
	return svc_obs_changed(x, &o, "observation_released", "note", io->text, io->now);
}

/* The audit before/after and the person's timeline event of a changed period or status:
 * before is o as read, after the observation read again. */
enum store_status svc_obs_changed(struct svc_ctx *x, const struct observation *o, const char *event,
				  const char *text_key, const char *text, int64_t now)
{
	struct observation after;
	enum store_status ss;

	if ((ss = store_tx_obs_read(x->tx, o->id, obs_local_date(now), x->a, &after)) != STORE_OK)
		return ss;
	json_t *d = json_pack("{s:s, s:s, s:i, s:i, s:s}", "observation", o->id, "status",
			      after.status, "end_date", after.end_date, "previous_end_date",
			      o->end_date, text_key, text ? text : "");
	const char *detail = svc_json(x, json_incref(d));
	x->audit.before =
		svc_json(x, json_pack("{s:s, s:i}", "status", o->status, "end_date", o->end_date));
	x->audit.after = svc_json(x, d);
	return svc_event(x, o->person_id, event, o->area, detail, now);
}

enum store_status svc_obs_period(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const struct obs_policy *pol,
				 const char *id, int end_date, const char *reason, int64_t now,
				 struct arena *a, struct observation *out, bool *replayed)
{
	struct change_io io = {
		.pol = pol, .id = id, .text = reason, .end_date = end_date, .now = now, .out = out};
	struct svc_write w = {"observation.period", NULL, idem, apply_period, answer_obs, &io};

	return svc_run(s, who, &w, a, replayed);
}

enum store_status svc_obs_release(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct obs_policy *pol,
				  const char *id, const char *note, int64_t now, struct arena *a,
				  struct observation *out, bool *replayed)
{
	struct change_io io = {.pol = pol, .id = id, .text = note, .now = now, .out = out};
	struct svc_write w = {"observation.release", NULL, idem, apply_release, answer_obs, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- who is responsible ---- */

static enum store_status apply_staff(struct svc_ctx *x)
{
	struct change_io *io = x->arg;
	struct observation o, *after = io->out;
	const char *ids[3];
	enum store_status ss;

	if ((ss = changeable(x, &o)) != STORE_OK)
		return ss;
	const struct staff *cur[3] = {&o.grid_worker, &o.doctor, &o.social_worker};
	for (int i = 0; i < 3; i++) {
		ids[i] = *cur[i]->id ? cur[i]->id : NULL;
		if (!io->staff[i])
			continue;
		if (!*io->staff[i]) {
			ids[i] = NULL;
			continue;
		}
		ss = staff_pick(x, io->staff[i], o.area, staff_roles[i], &ids[i]);
		if (ss == STORE_INVALID)
			io->bad_field = staff_fields[i];
		if (ss != STORE_OK)
			return ss;
	}
	if ((ss = store_tx_obs_set_staff(x->tx, o.id, ids, io->now)) != STORE_OK ||
	    (ss = store_tx_obs_read(x->tx, o.id, obs_local_date(io->now), x->a, after)) != STORE_OK)
		return ss;
	json_t *d = json_pack("{s:s, s:s, s:s, s:s}", "observation", o.id, "grid_worker",
			      after->grid_worker.name, "doctor", after->doctor.name,
			      "social_worker", after->social_worker.name);
	const char *detail = svc_json(x, json_incref(d));
	x->audit.before = svc_json(x, json_pack("{s:s, s:s, s:s}", "grid_worker",
						o.grid_worker.name, "doctor", o.doctor.name,
						"social_worker", o.social_worker.name));
	x->audit.after = svc_json(x, d);
	return svc_event(x, o.person_id, "observation_staff", o.area, detail, io->now);
}

enum store_status svc_obs_staff(struct store *s, const struct principal *who,
				const struct store_idem *idem, const char *id,
				const char *const staff[3], int64_t now, struct arena *a,
				struct observation *out, const char **bad_field, bool *replayed)
{
	struct change_io io = {.id = id, .now = now, .out = out, .staff = staff};
	struct svc_write w = {"observation.staff", NULL, idem, apply_staff, answer_obs, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	*bad_field = io.bad_field;
	return ss;
}
