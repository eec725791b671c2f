/* svc_checkpoint — checkpoints (卡口): opening and closing them, their staff, the passages
 * registered at the gate with their totals, handovers to the destination's village, and
 * the pre-registrations a traveller makes from the QR poster.
 *
 * Who may act at a checkpoint is one rule (may_act): its area in the caller's scope, and
 * for a checkpoint_staff account also its own checkpoint — read in the transaction that
 * writes, so that an account moved to another checkpoint cannot write at the old one.
 *
 * A handover is the closed loop of a pushed list, started at the gate: the person's file is
 * found or made by the one rule of svc_person_place, its journey added and a verification
 * task opened where the destination resolved (or in the queue the caller chose), due in
 * 24 h. It runs with the checkpoint's county as scope: the checkpoint hands over on the
 * county's behalf to any village of it, and its staff learn nothing of the file (the
 * passage answers only the task's state). The task carries the passage back: closing it
 * counts as a handover closed on the passage's day (svc_checkpoint_task_closed).
 *
 * Totals are kept by every write (store_tx_checkpoint_count_add), a correction moving them
 * by the difference, and recounted by `fangkong check`. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/checkpoint.h"
#include "domain/idcard.h"
#include "domain/observation.h"
#include "domain/phone.h"
#include "domain/report.h"
#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { HANDOVER_HOURS = 24 };

/* ---- who may act ---- */

static bool staff_at(const struct principal *who, const char *user_cp, const char *id)
{
	return who->role != ROLE_CHECKPOINT_STAFF || (user_cp && !strcmp(user_cp, id));
}

/* In a transaction: the checkpoint id, read, that the caller may act at; else
 * STORE_DENIED (noted) or STORE_NOT_FOUND. */
static enum store_status may_act(struct svc_ctx *x, const char *id, struct checkpoint *c)
{
	char mine[USER_ID_LEN + 1] = "";
	enum store_status ss = store_tx_checkpoint_read(x->tx, id, x->a, c);

	if (ss != STORE_OK)
		return ss;
	if (x->who->role == ROLE_CHECKPOINT_STAFF && x->who->user_id &&
	    (ss = store_tx_user_checkpoint(x->tx, x->who->user_id, mine, sizeof mine)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, c->area) || !staff_at(x->who, mine, id))
		return svc_deny(x->who, "checkpoint", id, NULL);
	return STORE_OK;
}

/* The same for a read. */
static enum store_status may_read(struct store *s, const struct principal *who, const char *id,
				  const struct checkpoint *c)
{
	char mine[USER_ID_LEN + 1] = "";
	enum store_status ss;

	if (who->role == ROLE_CHECKPOINT_STAFF &&
	    (ss = store_user_checkpoint(s, who->user_id, mine, sizeof mine)) != STORE_OK)
		return ss;
	if (!svc_sees(who, c->area) || !staff_at(who, mine, id))
		return svc_deny(who, "checkpoint", id, NULL);
	return STORE_OK;
}

static int today(void)
{
	return time_local_date(time_now());
}

/* ---- opening, closing, staff ---- */

struct cp_io {
	const struct checkpoint *in;
	const char *id, *user_id;
	int closed_on;
	bool remove;
	struct checkpoint *out;
};

static enum store_status answer_cp(struct svc_ctx *x)
{
	struct cp_io *io = x->arg;

	return store_tx_checkpoint_read(x->tx, x->object_id, x->a, io->out);
}

static const char *cp_view(struct svc_ctx *x, const struct checkpoint *c)
{
	return svc_json(x, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "name", c->name, "kind",
				     c->kind, "area", c->area, "location",
				     c->location ? c->location : "", "opened_on", c->opened_on,
				     "closed_on", c->closed_on));
}

static enum store_status apply_create(struct svc_ctx *x)
{
	struct cp_io *io = x->arg;
	enum store_status ss;

	if (!svc_in_scope(x, io->in->area))
		return svc_deny(x->who, "area", io->in->area, "area");
	if ((ss = store_tx_checkpoint_insert(x->tx, io->in)) != STORE_OK)
		return ss;
	return svc_changed(x, "checkpoint", io->in->id, io->in->area, NULL, cp_view(x, io->in));
}

enum store_status svc_checkpoint_create(struct store *s, const struct principal *who,
					const struct store_idem *idem, const struct checkpoint *in,
					struct arena *a, struct checkpoint *out, bool *replayed)
{
	struct cp_io io = {.in = in, .out = out};
	struct svc_write w = {"checkpoint.create", NULL, idem, apply_create, answer_cp, &io};

	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_close(struct svc_ctx *x)
{
	struct cp_io *io = x->arg;
	struct checkpoint c;
	enum store_status ss;

	if ((ss = may_act(x, io->id, &c)) != STORE_OK)
		return ss;
	if (c.closed_on)
		return STORE_CONFLICT;
	if (io->closed_on < c.opened_on)
		return STORE_INVALID;
	if ((ss = store_tx_checkpoint_close(x->tx, io->id, io->closed_on, time_now())) != STORE_OK)
		return ss;
	return svc_changed(x, "checkpoint", arena_strdup(x->a, c.id), c.area, cp_view(x, &c),
			   svc_json(x, json_pack("{s:i}", "closed_on", io->closed_on)));
}

enum store_status svc_checkpoint_close(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *id, int closed_on,
				       struct arena *a, struct checkpoint *out, bool *replayed)
{
	struct cp_io io = {.id = id, .closed_on = closed_on, .out = out};
	struct svc_write w = {"checkpoint.close", NULL, idem, apply_close, answer_cp, &io};

	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_staff(struct svc_ctx *x)
{
	struct cp_io *io = x->arg;
	struct checkpoint c;
	struct user u;
	enum store_status ss;

	if ((ss = may_act(x, io->id, &c)) != STORE_OK)
		return ss;
	if ((ss = store_tx_user_read(x->tx, io->user_id, x->a, &u)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, u.area))
		return svc_deny(x->who, "user", io->user_id, "user_id");
	if (u.role != ROLE_CHECKPOINT_STAFF)
		return STORE_INVALID;
	/* on joining, the account's scope becomes the checkpoint's area */
	if ((ss = store_tx_user_set_checkpoint(x->tx, u.id, io->remove ? NULL : c.id,
					       io->remove ? NULL : c.area)) != STORE_OK)
		return ss;
	return svc_changed(x, "checkpoint", arena_strdup(x->a, c.id), c.area, NULL,
			   svc_json(x, json_pack("{s:s, s:s}", io->remove ? "removed" : "added",
						 u.id, "username", u.username)));
}

enum store_status svc_checkpoint_staff_set(struct store *s, const struct principal *who,
					   const struct store_idem *idem, const char *id,
					   const char *user_id, bool remove, struct arena *a,
					   struct checkpoint *out, bool *replayed)
{
	struct cp_io io = {.id = id, .user_id = user_id, .remove = remove, .out = out};
	struct svc_write w = {"checkpoint.staff", NULL, idem, apply_staff, answer_cp, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- reads ---- */

enum store_status svc_checkpoint_get(struct store *s, const struct principal *who, const char *id,
				     struct arena *a, struct checkpoint *out)
{
	enum store_status ss = store_checkpoint_get(s, id, today(), a, out);

	return ss == STORE_OK ? may_read(s, who, id, out) : ss;
}

enum store_status svc_checkpoint_mine(struct store *s, const struct principal *who, struct arena *a,
				      struct checkpoint *out)
{
	char mine[USER_ID_LEN + 1] = "";
	enum store_status ss;

	if (who->role != ROLE_CHECKPOINT_STAFF || !who->user_id)
		return STORE_NOT_FOUND;
	if ((ss = store_user_checkpoint(s, who->user_id, mine, sizeof mine)) != STORE_OK)
		return ss;
	if (!*mine)
		return STORE_NOT_FOUND;
	return svc_checkpoint_get(s, who, mine, a, out);
}

enum store_status svc_checkpoint_list(struct store *s, const struct principal *who,
				      const char *area, bool closed, struct arena *a,
				      struct checkpoint **out, size_t *n)
{
	enum store_status ss;

	*n = 0;
	if (who->role == ROLE_CHECKPOINT_STAFF) {
		*out = arena_alloc(a, sizeof **out);
		ss = svc_checkpoint_mine(s, who, a, *out);
		*n = ss == STORE_OK;
		return ss == STORE_NOT_FOUND || ss == STORE_DENIED ? STORE_OK : ss;
	}
	if ((ss = svc_scope_check(who, area, "area")) != STORE_OK)
		return ss;
	return store_checkpoint_list(s, area, closed, today(), a, out, n);
}

enum store_status svc_checkpoint_staff(struct store *s, const struct principal *who, const char *id,
				       struct arena *a, struct user **out, size_t *n)
{
	struct checkpoint c;
	enum store_status ss = svc_checkpoint_get(s, who, id, a, &c);

	*n = 0;
	return ss == STORE_OK ? store_checkpoint_staff(s, id, a, out, n) : ss;
}

static void totals_add(struct checkpoint_totals *t, const struct checkpoint_totals *d, int sign)
{
	t->vehicles += sign * d->vehicles;
	t->persons += sign * d->persons;
	t->key_area_vehicles += sign * d->key_area_vehicles;
	t->key_area_persons += sign * d->key_area_persons;
	t->turned_back += sign * d->turned_back;
	t->clinic += sign * d->clinic;
	t->handed_over += sign * d->handed_over;
	t->handovers_closed += sign * d->handovers_closed;
}

/* c's shifts, the default when its text is malformed */
static size_t shifts_of(const char *text, int starts[CHECKPOINT_SHIFTS])
{
	size_t n = checkpoint_shifts_parse(text, starts);

	if (!n) {
		starts[0] = 8;
		starts[1] = 20;
		n = 2;
	}
	return n;
}

enum store_status svc_checkpoint_shifts(struct store *s, const struct checkpoint *c, int day,
					struct checkpoint_shift out[CHECKPOINT_SHIFTS_MAX],
					size_t *n)
{
	struct checkpoint_totals hours[48];
	int starts[CHECKPOINT_SHIFTS];
	size_t ns = shifts_of(c->shift_starts, starts);
	enum store_status ss = store_checkpoint_hours(s, c->id, day, obs_date_add(day, 1), hours);

	*n = 0;
	if (ss != STORE_OK)
		return ss;
	for (size_t k = 1; k <= ns; k++) {
		struct checkpoint_shift *o = &out[(*n)++];
		int from, to, next_to;
		checkpoint_shift_hours(starts, ns, (int)k, &from, &to, &next_to);
		*o = (struct checkpoint_shift){
			.shift = (int)k, .from = from, .to = next_to ? next_to : to};
		for (int h = from; h < to; h++)
			totals_add(&o->t, &hours[h], 1);
		for (int h = 0; h < next_to; h++)
			totals_add(&o->t, &hours[24 + h], 1);
	}
	return STORE_OK;
}

enum store_status svc_checkpoint_stats(struct store *s, const struct principal *who,
				       const char *area, const char *id, int from, int to,
				       struct arena *a, struct checkpoint **out, size_t *n,
				       struct checkpoint_totals *sum)
{
	enum store_status ss;

	*n = 0;
	*sum = (struct checkpoint_totals){0};
	if (who->role == ROLE_CHECKPOINT_STAFF) {
		/* staff: their own checkpoint's figures only */
		struct checkpoint mine;
		if ((ss = svc_checkpoint_mine(s, who, a, &mine)) != STORE_OK)
			return ss == STORE_NOT_FOUND ? STORE_OK : ss;
		if (id && strcmp(id, mine.id))
			return STORE_OK;
		id = arena_strdup(a, mine.id);
		area = mine.area;
	} else if ((ss = svc_scope_check(who, area, "area")) != STORE_OK) {
		return ss;
	}
	if ((ss = store_checkpoint_stats(s, area, id, from, to, a, out, n)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < *n; i++)
		totals_add(sum, &(*out)[i].today, 1);
	return STORE_OK;
}

/* ---- passages ---- */

/* What a passage adds to its checkpoint's totals. */
static struct checkpoint_totals passage_totals(const struct passage *p)
{
	struct checkpoint_totals t = {.vehicles = 1,
				      .persons = (int64_t)p->npersons,
				      .key_area_vehicles = p->plate_key_area};

	for (size_t i = 0; i < p->npersons; i++) {
		const struct passage_person *q = &p->persons[i];
		t.key_area_persons += q->key_area;
		t.turned_back += !strcmp(q->outcome, "turned_back");
		t.clinic += !strcmp(q->outcome, "clinic");
		t.handed_over += !strcmp(q->outcome, "handover");
		t.handovers_closed += !strcmp(q->outcome, "handover") && q->task_status &&
				      !strcmp(q->task_status, "closed");
	}
	return t;
}

static json_t *day_json(int day)
{
	char buf[16];

	snprintf(buf, sizeof buf, "%04d-%02d-%02d", day / 10000, day / 100 % 100, day % 100);
	return json_string(buf);
}

json_t *svc_passage_json(const struct passage *p)
{
	json_t *persons = json_array();

	for (size_t i = 0; i < p->npersons; i++) {
		const struct passage_person *q = &p->persons[i];
		char idm[ID_NUMBER_MAX + 1] = "", phm[PHONE_LEN + 1] = "";
		if (q->id_number && *q->id_number)
			idcard_mask(q->id_number, idm, sizeof idm);
		if (q->phone && *q->phone)
			phone_mask(q->phone, phm);
		json_array_append_new(
			persons,
			json_pack("{s:i, s:s, s:s, s:b, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s,"
				  " s:s, s:s, s:b, s:s, s:s, s:o, s:o, s:o}",
				  "seq", q->seq, "name", q->name, "id_number", idm, "id_valid",
				  q->id_valid, "defects", q->defects ? q->defects : "", "phone",
				  phm, "temperature",
				  q->temp ? json_real(q->temp / 10.0) : json_null(), "origin",
				  q->origin, "travel", q->travel ? q->travel : "", "destination",
				  q->destination, "purpose", q->purpose, "outcome", q->outcome,
				  "proposed", q->proposed, "area", q->area, "key_area", q->key_area,
				  "area_name", q->area_name ? q->area_name : "", "person_id",
				  q->person_id ? q->person_id : "", "task_id",
				  q->task_id && *q->task_id ? json_string(q->task_id) : json_null(),
				  "task_status",
				  q->task_status && *q->task_status ? json_string(q->task_status)
								    : json_null(),
				  "task_outcome",
				  q->task_outcome && *q->task_outcome ? json_string(q->task_outcome)
								      : json_null()));
		/* the file stays the county's: the checkpoint sees the task's state only */
		json_object_del(json_array_get(persons, i), "person_id");
	}
	return json_pack("{s:s, s:s, s:I, s:o, s:i, s:s, s:b, s:s, s:b, s:s, s:s, s:s, s:i,"
			 " s:s, s:o, s:I, s:o}",
			 "id", p->id, "checkpoint_id", p->checkpoint_id, "at", (json_int_t)p->at,
			 "day", day_json(p->day), "shift", p->shift, "plate", p->plate,
			 "plate_unreadable", p->plate_unreadable, "plate_province",
			 p->plate_province, "plate_key_area", p->plate_key_area, "vehicle_kind",
			 p->vehicle_kind, "direction", p->direction, "note", p->note, "version",
			 p->version, "by", p->by ? p->by : "", "prereg",
			 p->prereg && *p->prereg ? json_string(p->prereg) : json_null(),
			 "updated_at", (json_int_t)p->updated_at, "persons", persons);
}

/* A passage's totals (or a correction's difference) in the daily report of the
 * checkpoint's area, on the report day of the passage's time. */
static enum store_status report_counts(struct svc_ctx *x, const char *area, int64_t at,
				       const struct checkpoint_totals *d)
{
	const struct {
		enum report_metric m;
		int64_t n;
	} v[] = {{RM_CP_VEHICLE, d->vehicles},
		 {RM_CP_PERSON, d->persons},
		 {RM_CP_TURNED_BACK, d->turned_back},
		 {RM_CP_CLINIC, d->clinic},
		 {RM_CP_HANDOVER, d->handed_over}};
	enum store_status ss = STORE_OK;

	for (size_t i = 0; i < sizeof v / sizeof v[0] && ss == STORE_OK; i++)
		if (v[i].n)
			ss = svc_report_add(x, v[i].m, area, at, v[i].n);
	return ss;
}

/* The scope a handover acts in: the checkpoint's county (see the top of this file). */
struct county_ctx {
	struct principal who;
	struct svc_ctx x;
	char county[AREA_CODE_MAX + 1];
};

static void county_of(struct svc_ctx *x, const struct checkpoint *c, struct county_ctx *cc)
{
	snprintf(cc->county, sizeof cc->county, "%.6s", c->area);
	cc->who = *x->who;
	cc->who.area = cc->county;
	cc->x = *x;
	cc->x.who = &cc->who;
}

/* Person q of passage p handed over: the file (rows: as an import's row) and its task. */
static enum store_status hand_over(struct svc_ctx *x, struct county_ctx *cc,
				   const struct checkpoint *c, const struct passage *p,
				   struct passage_person *q, struct import_row *row, int64_t now)
{
	char *task_id = arena_alloc(x->a, UUID_LEN + 1);
	struct person_place pl = {
		.p = &row->p,
		.t = &row->t,
		.kind_new = "checkpoint",
		.kind_known = "checkpoint",
		.detail = svc_json(x, json_pack("{s:s, s:s, s:s, s:I}", "checkpoint", c->name,
						"passage", p->id, "plate", p->plate, "at",
						(json_int_t)p->at)),
		.now = now,
	};
	enum store_status ss;

	/* the report's counts the handover adds are the write's: one set, shared */
	cc->x.counts = x->counts;
	ss = svc_person_place(&cc->x, &pl);
	x->counts = cc->x.counts;
	if (ss != STORE_OK)
		return ss;
	uuid_v4(task_id);
	struct task_new t = {
		.id = task_id,
		.person_id = pl.id,
		.area = row->p.area,
		.defects = row->p.defects,
		.due_at = now + HANDOVER_HOURS * 3600,
		.now = now,
		.key_area = q->key_area,
	};
	ss = svc_task_new(&cc->x, &t);
	x->counts = cc->x.counts;
	if (ss != STORE_OK)
		return ss;
	q->person_id = pl.id;
	q->task_id = task_id;
	return STORE_OK;
}

/* The shift and the hours of the passage at the checkpoint; STORE_INVALID when at lies
 * before the checkpoint opened. */
static enum store_status place_in_time(const struct checkpoint *c, struct passage *p)
{
	int starts[CHECKPOINT_SHIFTS];
	size_t ns = shifts_of(c->shift_starts, starts);

	p->day = time_local_date(p->at);
	p->hour = (int)(((p->at + 8 * 3600) % 86400 + 86400) % 86400 / 3600); /* no DST */
	p->shift = checkpoint_shift_of(starts, ns, p->hour);
	return p->day < c->opened_on ? STORE_INVALID : STORE_OK;
}

struct passage_io {
	struct passage_new *in;
	const char *id;
	struct passage *out;
	bool prereg_gone;
};

static enum store_status answer_passage(struct svc_ctx *x)
{
	struct passage_io *io = x->arg;

	return store_tx_passage_read(x->tx, x->object_id, x->a, io->out);
}

static enum store_status apply_passage(struct svc_ctx *x)
{
	struct passage_io *io = x->arg;
	struct passage *p = &io->in->p;
	struct checkpoint c;
	struct county_ctx cc;
	struct checkpoint_totals d;
	enum store_status ss;

	if ((ss = may_act(x, p->checkpoint_id, &c)) != STORE_OK)
		return ss;
	if (c.closed_on)
		return STORE_CONFLICT;
	if ((ss = place_in_time(&c, p)) != STORE_OK)
		return ss;
	if (io->in->prereg) {
		struct prereg pr;
		ss = store_tx_prereg_read(x->tx, io->in->prereg, io->in->now, x->a, &pr);
		if (ss == STORE_OK && strcmp(pr.checkpoint_id, c.id))
			ss = STORE_NOT_FOUND;
		if (ss != STORE_OK) {
			io->prereg_gone = ss == STORE_NOT_FOUND;
			return ss;
		}
		if ((ss = store_tx_prereg_delete(x->tx, io->in->prereg)) != STORE_OK)
			return ss;
		p->prereg = io->in->prereg;
	}
	county_of(x, &c, &cc);
	for (size_t i = 0; i < p->npersons; i++)
		if (!strcmp(p->persons[i].outcome, "handover") &&
		    (ss = hand_over(x, &cc, &c, p, &p->persons[i], &io->in->rows[i],
				    io->in->now)) != STORE_OK)
			return ss;
	p->by = x->who->username;
	p->created_at = p->updated_at = io->in->now;
	p->version = 1;
	d = passage_totals(p);
	if ((ss = store_tx_passage_insert(x->tx, p)) != STORE_OK ||
	    (ss = store_tx_checkpoint_count_add(x->tx, c.id, p->day, p->hour, &d)) != STORE_OK ||
	    (ss = report_counts(x, c.area, p->at, &d)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "passage", p->id, c.area, NULL,
		svc_json(x, json_pack("{s:s, s:s, s:I, s:I, s:I}", "checkpoint", c.id, "plate",
				      p->plate, "persons", (json_int_t)d.persons, "handed_over",
				      (json_int_t)d.handed_over, "clinic", (json_int_t)d.clinic)));
}

enum store_status svc_passage_add(struct store *s, const struct principal *who,
				  const struct store_idem *idem, struct passage_new *in,
				  struct arena *a, struct passage *out, bool *prereg_gone,
				  bool *replayed)
{
	struct passage_io io = {.in = in, .out = out};
	struct svc_write w = {"passage.create", NULL, idem, apply_passage, answer_passage, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	if (prereg_gone)
		*prereg_gone = ss == STORE_NOT_FOUND && io.prereg_gone;
	return ss;
}

static enum store_status apply_correct(struct svc_ctx *x)
{
	struct passage_io *io = x->arg;
	struct passage *p = &io->in->p, old;
	struct checkpoint c;
	struct county_ctx cc;
	struct checkpoint_totals d;
	enum store_status ss;

	if ((ss = store_tx_passage_read(x->tx, io->id, x->a, &old)) != STORE_OK ||
	    (ss = may_act(x, old.checkpoint_id, &c)) != STORE_OK)
		return ss;
	if (p->npersons != old.npersons)
		return STORE_INVALID;
	county_of(x, &c, &cc);
	memcpy(p->id, old.id, sizeof p->id);
	memcpy(p->checkpoint_id, old.checkpoint_id, sizeof p->checkpoint_id);
	p->at = old.at;
	p->day = old.day;
	p->hour = old.hour;
	p->shift = old.shift;
	p->prereg = old.prereg;
	p->by = old.by;
	p->created_at = old.created_at;
	p->updated_at = io->in->now;
	p->version = old.version + 1;
	for (size_t i = 0; i < p->npersons; i++) {
		struct passage_person *q = &p->persons[i];
		const struct passage_person *o = &old.persons[i];
		bool was = !strcmp(o->outcome, "handover"), is = !strcmp(q->outcome, "handover");
		if (was && !is)
			return STORE_CONFLICT; /* the loop is open: close its task instead */
		q->seq = o->seq;
		q->person_id = o->person_id;
		q->task_id = o->task_id;
		q->task_status = o->task_status;
		if (is && !was &&
		    (ss = hand_over(x, &cc, &c, p, q, &io->in->rows[i], io->in->now)) != STORE_OK)
			return ss;
	}
	d = passage_totals(p);
	struct checkpoint_totals before = passage_totals(&old);
	totals_add(&d, &before, -1);
	struct passage_version v = {
		.version = old.version,
		.body = svc_json(x, svc_passage_json(&old)),
		.reason = io->in->reason,
		.by = x->who->username,
		.at = io->in->now,
	};
	if ((ss = store_tx_passage_version_add(x->tx, old.id, &v)) != STORE_OK ||
	    (ss = store_tx_passage_update(x->tx, p)) != STORE_OK ||
	    (ss = store_tx_checkpoint_count_add(x->tx, c.id, p->day, p->hour, &d)) != STORE_OK ||
	    (ss = report_counts(x, c.area, p->at, &d)) != STORE_OK)
		return ss;
	return svc_changed(x, "passage", p->id, c.area,
			   svc_json(x, json_pack("{s:i}", "version", old.version)),
			   svc_json(x, json_pack("{s:i, s:s}", "version", p->version, "reason",
						 io->in->reason)));
}

enum store_status svc_passage_correct(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const char *id,
				      struct passage_new *in, struct arena *a, struct passage *out,
				      bool *replayed)
{
	struct passage_io io = {.in = in, .id = id, .out = out};
	struct svc_write w = {"passage.correct", NULL, idem, apply_correct, answer_passage, &io};

	return svc_run(s, who, &w, a, replayed);
}

static enum store_status passage_get(struct store *s, const struct principal *who, const char *id,
				     struct arena *a, struct passage *out,
				     struct passage_version **versions, size_t *nversions,
				     bool audit)
{
	struct checkpoint c;
	enum store_status ss = store_passage_get(s, id, a, out);

	*nversions = 0;
	if (ss == STORE_OK &&
	    (ss = store_checkpoint_get(s, out->checkpoint_id, today(), a, &c)) == STORE_OK)
		ss = may_read(s, who, c.id, &c);
	if (ss == STORE_DENIED)
		svc_deny(who, "passage", id, NULL);
	if (ss != STORE_OK)
		return ss;
	/* persons' names, masked numbers, where they went: a read on record, as a file's */
	if (audit)
		svc_read_audit(s, who, "passage.read", "passage", out->id, c.area, NULL, false);
	return store_passage_versions(s, id, a, versions, nversions);
}

enum store_status svc_passage_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct passage *out,
				  struct passage_version **versions, size_t *nversions)
{
	return passage_get(s, who, id, a, out, versions, nversions, true);
}

enum store_status svc_passage_current(struct store *s, const struct principal *who, const char *id,
				      struct arena *a, struct passage *out)
{
	struct passage_version *v;
	size_t nv;

	return passage_get(s, who, id, a, out, &v, &nv, false);
}

enum store_status svc_passage_list(struct store *s, const struct principal *who,
				   const char *checkpoint_id, int day, int shift,
				   const char *outcome, const char *q, int limit, int offset,
				   struct arena *a, struct passage **out, size_t *n, int64_t *total)
{
	struct checkpoint c;
	struct passage_filter f = {.checkpoint_id = checkpoint_id,
				   .d1 = day,
				   .h1 = 0,
				   .h2 = 24,
				   .outcome = outcome,
				   .q = q,
				   .limit = limit,
				   .offset = offset};
	enum store_status ss = svc_checkpoint_get(s, who, checkpoint_id, a, &c);

	*n = 0;
	*total = 0;
	if (ss != STORE_OK)
		return ss;
	if (shift > 0) {
		int starts[CHECKPOINT_SHIFTS];
		size_t ns = shifts_of(c.shift_starts, starts);
		if ((size_t)shift > ns)
			return STORE_INVALID;
		checkpoint_shift_hours(starts, ns, shift, &f.h1, &f.h2, &f.h4);
		f.d2 = obs_date_add(day, 1);
	}
	return store_passage_list(s, &f, a, out, n, total);
}

enum store_status svc_passage_lines(struct store *s, const struct principal *who,
				    const char *checkpoint_id, int from, int to,
				    const char *outcome, const struct store_each *each,
				    int64_t *total)
{
	struct arena *a = arena_new();
	struct checkpoint c;
	enum store_status ss = svc_checkpoint_get(s, who, checkpoint_id, a, &c);

	arena_free(a);
	if (ss != STORE_OK)
		return ss;
	return store_passage_lines(s, checkpoint_id, from, to, outcome, each, total);
}

enum store_status svc_checkpoint_task_closed(struct svc_ctx *x, const char *task_id,
					     const char *new_task)
{
	char cp[USER_ID_LEN + 1];
	int day, hour;
	enum store_status ss = store_tx_handover_of_task(x->tx, task_id, cp, &day, &hour);

	if (ss == STORE_NOT_FOUND)
		return STORE_OK; /* not a handover's */
	if (ss != STORE_OK)
		return ss;
	if (new_task)
		return store_tx_handover_follow(x->tx, task_id, new_task);
	return store_tx_checkpoint_count_add(x->tx, cp, day, hour,
					     &(struct checkpoint_totals){.handovers_closed = 1});
}

/* ---- pre-registration ---- */

struct principal svc_public_principal(const char *ip, const char *request_id)
{
	return (struct principal){
		.role = ROLE_NONE,
		.username = "(public)",
		.area = "",
		.ip = ip,
		.request_id = request_id,
	};
}

/* A short code a traveller can read out: 8 of 32 letters and digits that cannot be taken
 * for one another (no 0/O, 1/I). */
static void new_code(char out[9])
{
	static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

	for (int i = 0; i < 8; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[8] = '\0';
}

struct prereg_io {
	const char *checkpoint_id, *body;
	int64_t now;
	int pending_max;
	struct prereg *out;
	bool full;
};

static enum store_status apply_prereg(struct svc_ctx *x)
{
	struct prereg_io *io = x->arg;
	struct checkpoint c;
	struct prereg *p = io->out;
	enum store_status ss;

	if ((ss = store_tx_checkpoint_read(x->tx, io->checkpoint_id, x->a, &c)) != STORE_OK)
		return ss;
	int64_t pending;

	if (c.closed_on)
		return STORE_CONFLICT;
	if ((ss = store_tx_prereg_pending(x->tx, c.id, io->now, &pending)) != STORE_OK)
		return ss;
	if (pending >= io->pending_max) {
		io->full = true;
		return STORE_INVALID;
	}
	*p = (struct prereg){.body = io->body,
			     .created_at = io->now,
			     .expires_at = io->now + PREREG_HOURS * 3600};
	memcpy(p->checkpoint_id, c.id, sizeof p->checkpoint_id);
	for (int tries = 0; tries < 5; tries++) {
		new_code(p->code);
		if ((ss = store_tx_prereg_insert(x->tx, p)) != STORE_CONFLICT)
			break;
	}
	if (ss != STORE_OK)
		return ss;
	/* nothing personal in the audit row: the code and the checkpoint */
	return svc_changed(x, "prereg", arena_strdup(x->a, p->code), c.area, NULL,
			   svc_json(x, json_pack("{s:s}", "checkpoint", c.id)));
}

static enum store_status answer_prereg(struct svc_ctx *x)
{
	struct prereg_io *io = x->arg;

	if (!x->replayed)
		return STORE_OK;
	return store_tx_prereg_read(x->tx, x->object_id, io->now, x->a, io->out);
}

enum store_status svc_prereg_create(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *checkpoint_id,
				    const char *body, int64_t now, int pending_max, struct arena *a,
				    struct prereg *out, bool *replayed)
{
	struct prereg_io io = {checkpoint_id, body, now, pending_max, out, false};
	struct svc_write w = {"prereg.create", NULL, idem, apply_prereg, answer_prereg, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	return ss == STORE_INVALID && io.full ? STORE_BUSY : ss;
}

enum store_status svc_prereg_get(struct store *s, const struct principal *who, const char *code,
				 struct arena *a, struct prereg *out)
{
	struct checkpoint c;
	enum store_status ss = store_prereg_get(s, code, time_now(), a, out);

	if (ss == STORE_OK)
		ss = svc_checkpoint_get(s, who, out->checkpoint_id, a, &c);
	if (ss == STORE_OK)
		svc_read_audit(s, who, "prereg.read", "prereg", out->code, c.area, NULL, false);
	return ss;
}

enum store_status svc_checkpoint_public(struct store *s, const char *id, struct arena *a,
					struct checkpoint *out)
{
	return store_checkpoint_get(s, id, today(), a, out);
}
