/* svc_duty — 24-hour duty (值班值守): posts and their settings, the roster with its swaps,
 * who is on duty now, the duty log (首问负责制: whoever takes a matter first owns it until
 * it is closed or handed over with the shift) and shift handovers.
 *
 * Who may act at a post is one rule (may_act, in the writing transaction; may_read for
 * reads): the post's area in the caller's scope and, for checkpoint staff, only their own
 * checkpoint's post. A log entry is judged by its post (its id and area are kept on the
 * entry, so that the entry of a checkpoint closed since stays reachable).
 *
 * Being on duty is a roster fact: a slot of the shift (leader or officer) carries the
 * caller's user_id. The shift going on is domain/duty.h's, from the post's shifts.
 *
 * Turning a matter into a verification task goes through the rule of a checkpoint's
 * handover: the file is found or made by svc_person_place and the task opened by
 * svc_task_new, both with the post's county as scope (the duty room acts on the county's
 * behalf, as a checkpoint does), inside the transaction that marks the entry. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checkpoint.h"
#include "domain/duty.h"
#include "domain/observation.h"
#include "domain/phone.h"
#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { TASK_HOURS = 24 };

/* ---- who may act ---- */

static bool manager(const struct principal *who)
{
	return role_can(who->role, PERM_DUTY_MANAGE);
}

/* In a transaction: whether the caller may act at post id of area; else STORE_DENIED. */
static enum store_status may_act_at(struct svc_ctx *x, const char *id, const char *area)
{
	char mine[USER_ID_LEN + 1] = "";
	enum store_status ss;

	if (x->who->role == ROLE_CHECKPOINT_STAFF && x->who->user_id &&
	    (ss = store_tx_user_checkpoint(x->tx, x->who->user_id, mine, sizeof mine)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, area) || (x->who->role == ROLE_CHECKPOINT_STAFF && strcmp(mine, id)))
		return svc_deny(x->who, "duty_post", id, NULL);
	return STORE_OK;
}

/* The post id, read in the transaction, that the caller may act at. */
static enum store_status may_act(struct svc_ctx *x, const char *id, struct duty_post *p)
{
	enum store_status ss = store_tx_duty_post_read(x->tx, id, x->a, p);

	return ss == STORE_OK ? may_act_at(x, id, p->area) : ss;
}

static enum store_status may_read(struct store *s, const struct principal *who, const char *id,
				  const char *area)
{
	char mine[USER_ID_LEN + 1] = "";
	enum store_status ss;

	if (who->role == ROLE_CHECKPOINT_STAFF &&
	    (ss = store_user_checkpoint(s, who->user_id, mine, sizeof mine)) != STORE_OK)
		return ss;
	if (!svc_sees(who, area) || (who->role == ROLE_CHECKPOINT_STAFF && strcmp(mine, id)))
		return svc_deny(who, "duty_post", id, NULL);
	return STORE_OK;
}

/* The caller's name as the roster and the log show it: the display name, else the
 * username. */
static const char *my_name(struct svc_ctx *x)
{
	struct user u;

	if (x->who->user_id && store_tx_user_read(x->tx, x->who->user_id, x->a, &u) == STORE_OK &&
	    u.display_name && *u.display_name)
		return u.display_name;
	return x->who->username ? x->who->username : "";
}

static const char *my_id(const struct principal *who)
{
	return who->user_id ? who->user_id : "";
}

/* ---- shifts and slots ---- */

static size_t starts_of(const struct duty_post *p, int starts[DUTY_SHIFTS_MAX])
{
	size_t n = checkpoint_shifts_parse(p->shifts, starts);

	if (!n) {
		starts[0] = 8;
		starts[1] = 20;
		n = 2;
	}
	return n;
}

/* Whether user_id is on slot sl (its leader or an officer); with leader_only, its leader. */
static bool on_slot(const struct duty_slot *sl, const char *user_id, bool leader_only)
{
	json_t *l, *o;
	bool on = false;
	size_t i;
	json_t *v;

	if (!user_id || !*user_id)
		return false;
	if (sl->leader && *sl->leader && (l = json_loads(sl->leader, 0, NULL))) {
		on = json_is_string(json_object_get(l, "user_id")) &&
		     !strcmp(json_string_value(json_object_get(l, "user_id")), user_id);
		json_decref(l);
	}
	if (on || leader_only || !(o = json_loads(sl->officers, 0, NULL)))
		return on;
	json_array_foreach(o, i, v)
	{
		json_t *u = json_object_get(v, "user_id");
		if (json_is_string(u) && !strcmp(json_string_value(u), user_id))
			on = true;
	}
	json_decref(o);
	return on;
}

/* Whether slot sl holds anybody. */
static bool on_slot_any(const struct duty_slot *sl)
{
	json_t *o = json_loads(sl->officers ? sl->officers : "[]", 0, NULL);
	bool any =
		(sl->leader && *sl->leader && strcmp(sl->leader, "null")) || json_array_size(o) > 0;

	json_decref(o);
	return any;
}

/* Whether the caller is on shift (day, index) of post. */
static enum store_status on_shift(struct svc_ctx *x, const char *post, int day, int index,
				  bool leader_only, bool *on)
{
	struct duty_slot sl;
	enum store_status ss = store_tx_duty_slot_read(x->tx, post, day, index, x->a, &sl);

	*on = false;
	if (ss == STORE_NOT_FOUND)
		return STORE_OK;
	if (ss == STORE_OK)
		*on = on_slot(&sl, x->who->user_id, leader_only);
	return ss;
}

/* ---- posts ---- */

static bool staff_mine(struct store *s, const struct principal *who, char mine[USER_ID_LEN + 1])
{
	*mine = '\0';
	return who->role == ROLE_CHECKPOINT_STAFF && who->user_id &&
	       store_user_checkpoint(s, who->user_id, mine, USER_ID_LEN + 1) == STORE_OK;
}

/* Keeps only the post of a checkpoint staff's checkpoint. */
static void staff_filter(struct store *s, const struct principal *who, struct duty_post *v,
			 size_t *n)
{
	char mine[USER_ID_LEN + 1];
	size_t k = 0;

	if (who->role != ROLE_CHECKPOINT_STAFF)
		return;
	staff_mine(s, who, mine);
	for (size_t i = 0; i < *n; i++)
		if (*mine && !strcmp(v[i].id, mine))
			v[k++] = v[i];
	*n = k;
}

enum store_status svc_duty_posts(struct store *s, const struct principal *who, const char *area,
				 struct arena *a, struct duty_post **out, size_t *n)
{
	enum store_status ss = svc_scope_check(who, area, "area");

	*n = 0;
	if (ss != STORE_OK)
		return ss;
	ss = store_duty_posts(s, area, DUTY_POSTS_MAX, false, 0, 0, 0, a, out, n, NULL);
	if (ss == STORE_OK)
		staff_filter(s, who, *out, n);
	return ss;
}

enum store_status svc_duty_post_get(struct store *s, const struct principal *who, const char *id,
				    struct arena *a, struct duty_post *out)
{
	enum store_status ss = store_duty_post_get(s, id, a, out);

	return ss == STORE_OK ? may_read(s, who, id, out->area) : ss;
}

struct post_io {
	const char *id, *phone, *shifts;
	struct duty_post *out;
};

static const char *post_view(struct svc_ctx *x, const struct duty_post *p)
{
	return svc_json(x, json_pack("{s:s, s:s}", "phone", p->phone, "shifts", p->shifts));
}

/* The slots of post from yesterday on take the instants of the new shifts; a slot past the
 * new count of shifts is removed. */
static enum store_status retime(struct svc_ctx *x, const char *post, const char *shifts,
				int64_t now)
{
	int starts[DUTY_SHIFTS_MAX];
	size_t n = checkpoint_shifts_parse(shifts, starts);
	int today = time_local_date(now);
	struct duty_slot *v;
	size_t nv;
	enum store_status ss = store_tx_duty_slots(x->tx, post, obs_date_add(today, -1),
						   obs_date_add(today, 400), x->a, &v, &nv);

	for (size_t i = 0; ss == STORE_OK && i < nv; i++) {
		struct duty_shift sh;
		if (!duty_shift_of(starts, n, v[i].day, v[i].index, &sh)) {
			ss = store_tx_duty_slot_delete(x->tx, post, v[i].day, v[i].index);
			continue;
		}
		v[i].start_at = sh.start;
		v[i].end_at = sh.end;
		ss = store_tx_duty_slot_put(x->tx, post, &v[i]);
	}
	return ss;
}

static enum store_status apply_post(struct svc_ctx *x)
{
	struct post_io *io = x->arg;
	struct duty_post p;
	int64_t now = time_now();
	bool area = false;
	enum store_status ss;

	if ((ss = may_act(x, io->id, &p)) != STORE_OK)
		return ss;
	area = !strcmp(p.kind, "area");
	const char *before = post_view(x, &p);
	const char *shifts = io->shifts ? io->shifts : p.shifts;
	const char *phone = io->phone ? io->phone : p.phone;
	if (area && io->phone &&
	    ((ss = store_tx_area_duty_phone(x->tx, p.area, io->phone, now)) != STORE_OK ||
	     (ss = store_tx_area_changed(x->tx)) != STORE_OK))
		return ss;
	if ((ss = store_tx_duty_post_put(x->tx, p.id, p.kind, area ? "" : phone, shifts, now)) !=
	    STORE_OK)
		return ss;
	if (io->shifts && strcmp(io->shifts, p.shifts) &&
	    (ss = retime(x, p.id, io->shifts, now)) != STORE_OK)
		return ss;
	p.phone = phone;
	p.shifts = shifts;
	return svc_changed(x, "duty_post", arena_strdup(x->a, p.id), p.area, before,
			   post_view(x, &p));
}

static enum store_status answer_post(struct svc_ctx *x)
{
	struct post_io *io = x->arg;

	return store_tx_duty_post_read(x->tx, x->object_id, x->a, io->out);
}

enum store_status svc_duty_post_put(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *id,
				    const char *phone, const char *shifts, struct arena *a,
				    struct duty_post *out)
{
	struct post_io io = {id, phone, shifts, out};
	struct svc_write w = {"duty.post", NULL, idem, apply_post, answer_post, &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	if (ss == STORE_OK && phone)
		store_area_changed(s); /* the cards' duty phone is read from a cache of areas */
	return ss;
}

/* ---- roster ---- */

enum store_status svc_duty_roster(struct store *s, const struct principal *who, const char *post,
				  int from, int to, struct arena *a, struct duty_post *p,
				  struct duty_roster *out)
{
	enum store_status ss = svc_duty_post_get(s, who, post, a, p);

	memset(out, 0, sizeof *out);
	return ss == STORE_OK ? store_duty_roster(s, post, from, to, a, out) : ss;
}

struct slot_io {
	const char *post;
	const struct duty_slot_in *in;
	struct duty_slot *out;
	enum duty_why why;
};

/* Whether account u could act at post p, so that the roster may name it there: enabled,
 * the post's area in its scope, and for a checkpoint's post its staff or a role that is no
 * checkpoint's staff (may_act's rule, for u). */
static enum store_status may_serve(struct svc_ctx *x, const struct duty_post *p,
				   const struct user *u, bool *may)
{
	char mine[USER_ID_LEN + 1] = "";
	size_t len = strlen(u->area);
	enum store_status ss;

	*may = !u->disabled && role_can(u->role, PERM_DUTY_WORK) &&
	       !strncmp(u->area, p->area, len) && len <= strlen(p->area);
	if (!*may || u->role != ROLE_CHECKPOINT_STAFF)
		return STORE_OK;
	ss = store_tx_user_checkpoint(x->tx, u->id, mine, sizeof mine);
	if (ss == STORE_NOT_FOUND)
		ss = STORE_OK;
	*may = ss == STORE_OK && !strcmp(mine, p->id);
	return ss;
}

/* A shift that has started is history: STORE_INVALID, except that an empty slot of the
 * shift going on may be filled (a gap found late is still closed). */
static enum store_status started_slot(struct svc_ctx *x, const struct duty_post *p,
				      const struct duty_shift *sh, int64_t now)
{
	struct duty_slot sl;
	enum store_status ss;

	if (now < sh->start)
		return STORE_OK;
	if (now >= sh->end)
		return STORE_INVALID;
	ss = store_tx_duty_slot_read(x->tx, p->id, sh->date, sh->index, x->a, &sl);
	if (ss == STORE_NOT_FOUND)
		return STORE_OK;
	if (ss != STORE_OK)
		return ss;
	return on_slot_any(&sl) ? STORE_INVALID : STORE_OK;
}

static enum store_status apply_slot(struct svc_ctx *x)
{
	struct slot_io *io = x->arg;
	const struct duty_slot_in *in = io->in;
	int starts[DUTY_SHIFTS_MAX];
	struct duty_post p;
	struct duty_shift sh;
	enum store_status ss;

	if ((ss = may_act(x, io->post, &p)) != STORE_OK)
		return ss;
	if (!duty_shift_of(starts, starts_of(&p, starts), in->day, in->index, &sh)) {
		io->why = DUTY_WHY_SHIFT;
		return STORE_INVALID;
	}
	for (size_t i = 0; i < in->nusers; i++) {
		struct user u;
		bool may;
		ss = store_tx_user_read(x->tx, in->user_ids[i], x->a, &u);
		if (ss == STORE_NOT_FOUND || (ss == STORE_OK && !svc_in_scope(x, u.area)))
			return svc_deny(x->who, "user", in->user_ids[i], "user_id");
		if (ss != STORE_OK || (ss = may_serve(x, &p, &u, &may)) != STORE_OK)
			return ss;
		if (!may) {
			io->why = DUTY_WHY_USER;
			return STORE_INVALID;
		}
	}
	if ((ss = started_slot(x, &p, &sh, time_now())) != STORE_OK) {
		io->why = ss == STORE_INVALID ? DUTY_WHY_SHIFT_STARTED : DUTY_WHY_NONE;
		return ss;
	}
	*io->out = (struct duty_slot){.day = in->day,
				      .index = in->index,
				      .start_at = sh.start,
				      .end_at = sh.end,
				      .leader = in->leader,
				      .officers = in->officers,
				      .updated_at = time_now()};
	if ((ss = store_tx_duty_slot_put(x->tx, p.id, io->out)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "duty_post", arena_strdup(x->a, p.id), p.area, NULL,
		svc_json(x, json_pack("{s:i, s:i, s:s, s:s}", "date", in->day, "index", in->index,
				      "leader", in->leader, "officers", in->officers)));
}

static enum store_status answer_slot(struct svc_ctx *x)
{
	struct slot_io *io = x->arg;
	enum store_status ss =
		store_tx_duty_slot_read(x->tx, io->post, io->in->day, io->in->index, x->a, io->out);

	return ss;
}

enum store_status svc_duty_slot_set(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *post,
				    const struct duty_slot_in *in, struct arena *a,
				    struct duty_slot *out, enum duty_why *why)
{
	struct slot_io io = {post, in, out, DUTY_WHY_NONE};
	struct svc_write w = {"duty.roster.set", NULL, idem, apply_slot, answer_slot, &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	*why = io.why;
	return ss;
}

struct copy_io {
	const char *post;
	int from, to, days;
	int *copied;
	enum duty_why why;
};

static enum store_status apply_copy(struct svc_ctx *x)
{
	struct copy_io *io = x->arg;
	int starts[DUTY_SHIFTS_MAX];
	struct duty_post p;
	struct duty_slot *v;
	size_t nv, ns;
	int shift = obs_date_diff(io->from, io->to);
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = may_act(x, io->post, &p)) != STORE_OK)
		return ss;
	ns = starts_of(&p, starts);
	/* the target is the roster to come: none of its shifts may have started */
	struct duty_shift first;
	if (!duty_shift_of(starts, ns, io->to, 0, &first) || first.start <= now) {
		io->why = DUTY_WHY_SHIFT_STARTED;
		return STORE_INVALID;
	}
	/* the source read first: the two ranges may overlap */
	if ((ss = store_tx_duty_slots(x->tx, p.id, io->from, obs_date_add(io->from, io->days - 1),
				      x->a, &v, &nv)) != STORE_OK ||
	    (ss = store_tx_duty_slots_clear(x->tx, p.id, io->to,
					    obs_date_add(io->to, io->days - 1))) != STORE_OK)
		return ss;
	*io->copied = 0;
	for (size_t i = 0; i < nv; i++) {
		struct duty_shift sh;
		struct duty_slot c = v[i];
		if (!duty_shift_of(starts, ns, obs_date_add(v[i].day, shift), v[i].index, &sh))
			continue;
		c.day = sh.date;
		c.start_at = sh.start;
		c.end_at = sh.end;
		c.updated_at = now;
		if ((ss = store_tx_duty_slot_put(x->tx, p.id, &c)) != STORE_OK)
			return ss;
		(*io->copied)++;
	}
	return svc_changed(
		x, "duty_post", arena_strdup(x->a, p.id), p.area, NULL,
		svc_json(x, json_pack("{s:i, s:i, s:i, s:i}", "copied_from", io->from, "to", io->to,
				      "days", io->days, "copied", *io->copied)));
}

/* A replay answers the number of shifts of the target range. */
static enum store_status answer_copy(struct svc_ctx *x)
{
	struct copy_io *io = x->arg;
	struct duty_slot *v;
	size_t nv;
	enum store_status ss;

	if (!x->replayed)
		return STORE_OK;
	ss = store_tx_duty_slots(x->tx, io->post, io->to, obs_date_add(io->to, io->days - 1), x->a,
				 &v, &nv);
	*io->copied = (int)nv;
	return ss;
}

enum store_status svc_duty_roster_copy(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *post, int from,
				       int to, int days, struct arena *a, int *copied,
				       enum duty_why *why)
{
	struct copy_io io = {post, from, to, days, copied, DUTY_WHY_NONE};
	struct svc_write w = {"duty.roster.copy", NULL, idem, apply_copy, answer_copy, &io};
	enum store_status ss;

	*copied = 0;
	ss = svc_run(s, who, &w, a, NULL);
	*why = io.why;
	return ss;
}

/* ---- swaps ---- */

/* The person at slot (officer k, or -1: the leader) of sl as compact JSON text; NULL when
 * the slot holds nobody. */
static const char *person_at(struct arena *a, const struct duty_slot *sl, int k)
{
	json_t *v =
		json_loads(k < 0 ? (sl->leader && *sl->leader ? sl->leader : "null") : sl->officers,
			   JSON_DECODE_ANY, NULL);
	json_t *p = k < 0 ? v : json_array_get(v, (size_t)k);
	const char *out = NULL;
	char *t;

	if (json_is_object(p) && (t = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS))) {
		out = arena_strdup(a, t);
		free(t);
	}
	json_decref(v);
	return out;
}

/* sl with the person at slot k replaced by person (JSON text). */
static void person_put(struct arena *a, struct duty_slot *sl, int k, const char *person)
{
	json_t *p = json_loads(person, 0, NULL), *o;
	char *t;

	if (k < 0) {
		sl->leader = arena_strdup(a, person);
		json_decref(p);
		return;
	}
	o = json_loads(sl->officers, 0, NULL);
	json_array_set_new(o, (size_t)k, p);
	t = json_dumps(o, JSON_COMPACT);
	sl->officers = arena_strdup(a, t ? t : "[]");
	free(t);
	json_decref(o);
}

struct swap_io {
	const char *post, *id;
	const struct duty_swap *in;
	bool approve;
	struct duty_swap *out;
	enum duty_why why;
};

static enum store_status refuse(struct swap_io *io, enum duty_why why)
{
	io->why = why;
	return STORE_INVALID;
}

/* The slot of shift (day, index) and its instants; STORE_INVALID (why SHIFT) when the post
 * has no such shift; an unset slot reads as nobody. */
static enum store_status shift_slot(struct svc_ctx *x, const struct duty_post *p, int day,
				    int index, struct duty_slot *sl, struct duty_shift *sh)
{
	int starts[DUTY_SHIFTS_MAX];
	enum store_status ss;

	if (!duty_shift_of(starts, starts_of(p, starts), day, index, sh))
		return STORE_INVALID;
	ss = store_tx_duty_slot_read(x->tx, p->id, day, index, x->a, sl);
	if (ss == STORE_NOT_FOUND) {
		*sl = (struct duty_slot){
			.day = day, .index = index, .leader = "", .officers = "[]"};
		ss = STORE_OK;
	}
	sl->start_at = sh->start;
	sl->end_at = sh->end;
	return ss;
}

static enum store_status apply_ask(struct svc_ctx *x)
{
	struct swap_io *io = x->arg;
	const struct duty_swap *in = io->in;
	struct duty_post p;
	struct duty_slot sa, sb;
	struct duty_shift ha, hb;
	int ka, kb;
	enum store_status ss;

	if ((ss = may_act(x, io->post, &p)) != STORE_OK)
		return ss;
	duty_slot_parse(in->a_slot, &ka);
	duty_slot_parse(in->b_slot, &kb);
	if ((ss = shift_slot(x, &p, in->a_day, in->a_index, &sa, &ha)) == STORE_INVALID ||
	    (ss == STORE_OK &&
	     (ss = shift_slot(x, &p, in->b_day, in->b_index, &sb, &hb)) == STORE_INVALID))
		return refuse(io, DUTY_WHY_SHIFT);
	if (ss != STORE_OK)
		return ss;
	if (in->a_day == in->b_day && in->a_index == in->b_index && ka == kb)
		return refuse(io, DUTY_WHY_SAME);
	struct duty_swap w = *in;
	w.a_person = person_at(x->a, &sa, ka);
	w.b_person = person_at(x->a, &sb, kb);
	if (!w.a_person || !w.b_person)
		return refuse(io, DUTY_WHY_SLOT);
	w.at = time_now();
	if (!duty_swap_open(w.at, ha.start, hb.start))
		return refuse(io, DUTY_WHY_STARTED);
	snprintf(w.post_id, sizeof w.post_id, "%s", p.id);
	w.asked_by = my_name(x);
	w.asked_by_id = my_id(x->who);
	if ((ss = store_tx_duty_swap_insert(x->tx, &w)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "duty_swap", arena_strdup(x->a, w.id), p.area, NULL,
		svc_json(x, json_pack("{s:s, s:i, s:i, s:s, s:i, s:i, s:s}", "post", p.id, "a_date",
				      w.a_day, "a_index", w.a_index, "a_slot", w.a_slot, "b_date",
				      w.b_day, "b_index", w.b_index, "b_slot", w.b_slot)));
}

static enum store_status answer_swap(struct svc_ctx *x)
{
	struct swap_io *io = x->arg;

	return store_tx_duty_swap_read(x->tx, x->object_id, x->a, io->out);
}

enum store_status svc_duty_swap_ask(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *post,
				    const struct duty_swap *in, struct arena *a,
				    struct duty_swap *out, enum duty_why *why, bool *replayed)
{
	struct swap_io io = {.post = post, .in = in, .out = out};
	struct svc_write w = {"duty.swap.ask", NULL, idem, apply_ask, answer_swap, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	*why = io.why;
	return ss;
}

/* The two people of an approved swap change places (one slot when both are of one shift). */
static enum store_status exchange(struct svc_ctx *x, struct swap_io *io, const struct duty_post *p,
				  const struct duty_swap *w)
{
	struct duty_slot sa, sb;
	struct duty_shift ha, hb;
	int ka, kb;
	bool one = w->a_day == w->b_day && w->a_index == w->b_index;
	enum store_status ss;

	duty_slot_parse(w->a_slot, &ka);
	duty_slot_parse(w->b_slot, &kb);
	if ((ss = shift_slot(x, p, w->a_day, w->a_index, &sa, &ha)) == STORE_INVALID ||
	    (ss == STORE_OK &&
	     (ss = shift_slot(x, p, w->b_day, w->b_index, &sb, &hb)) == STORE_INVALID))
		return refuse(io, DUTY_WHY_CHANGED); /* the shifts changed meanwhile */
	if (ss != STORE_OK)
		return ss;
	if (!duty_swap_open(time_now(), ha.start, hb.start))
		return refuse(io, DUTY_WHY_STARTED);
	const char *pa = person_at(x->a, &sa, ka), *pb = person_at(x->a, &sb, kb);
	if (!pa || !pb || strcmp(pa, w->a_person) || strcmp(pb, w->b_person))
		return refuse(io, DUTY_WHY_CHANGED);
	int64_t now = time_now();
	person_put(x->a, &sa, ka, w->b_person);
	if (one) {
		person_put(x->a, &sa, kb, w->a_person);
		sa.updated_at = now;
		return store_tx_duty_slot_put(x->tx, p->id, &sa);
	}
	person_put(x->a, &sb, kb, w->a_person);
	sa.updated_at = sb.updated_at = now;
	if ((ss = store_tx_duty_slot_put(x->tx, p->id, &sa)) != STORE_OK)
		return ss;
	return store_tx_duty_slot_put(x->tx, p->id, &sb);
}

static enum store_status apply_decide(struct svc_ctx *x)
{
	struct swap_io *io = x->arg;
	struct duty_swap w;
	struct duty_post p;
	bool lead_a = false, lead_b = false;
	enum store_status ss;

	if ((ss = store_tx_duty_swap_read(x->tx, io->id, x->a, &w)) != STORE_OK)
		return ss;
	if ((ss = may_act(x, w.post_id, &p)) != STORE_OK) {
		if (ss == STORE_NOT_FOUND || ss == STORE_DENIED)
			return svc_deny(x->who, "duty_swap", io->id, NULL);
		return ss;
	}
	if (strcmp(w.state, "pending"))
		return refuse(io, DUTY_WHY_DECIDED);
	if (!manager(x->who) &&
	    ((ss = on_shift(x, p.id, w.a_day, w.a_index, true, &lead_a)) != STORE_OK ||
	     (ss = on_shift(x, p.id, w.b_day, w.b_index, true, &lead_b)) != STORE_OK))
		return ss;
	if (!manager(x->who) && !lead_a && !lead_b)
		return refuse(io, DUTY_WHY_NOT_LEADER);
	/* a leader may not approve their own request (four eyes); a manager may */
	if (!manager(x->who) && io->approve && *w.asked_by_id &&
	    !strcmp(w.asked_by_id, my_id(x->who)))
		return refuse(io, DUTY_WHY_NOT_LEADER);
	if (io->approve && (ss = exchange(x, io, &p, &w)) != STORE_OK)
		return ss;
	if ((ss = store_tx_duty_swap_decide(x->tx, w.id, io->approve ? "approved" : "rejected",
					    my_name(x), time_now())) == STORE_CONFLICT)
		return refuse(io, DUTY_WHY_DECIDED);
	if (ss != STORE_OK)
		return ss;
	return svc_changed(
		x, "duty_swap", arena_strdup(x->a, w.id), p.area,
		svc_json(x, json_pack("{s:s}", "state", "pending")),
		svc_json(x, json_pack("{s:s}", "state", io->approve ? "approved" : "rejected")));
}

enum store_status svc_duty_swap_decide(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *id, bool approve,
				       struct arena *a, struct duty_swap *out, enum duty_why *why)
{
	struct swap_io io = {.id = id, .approve = approve, .out = out};
	struct svc_write w = {approve ? "duty.swap.approve" : "duty.swap.reject",
			      NULL,
			      idem,
			      apply_decide,
			      answer_swap,
			      &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	*why = io.why;
	return ss;
}

enum store_status svc_duty_swaps(struct store *s, const struct principal *who, const char *post,
				 const char *state, struct arena *a, struct duty_swap **out,
				 size_t *n)
{
	struct duty_post p;
	enum store_status ss = svc_duty_post_get(s, who, post, a, &p);

	*n = 0;
	return ss == STORE_OK ? store_duty_swaps(s, post, state, a, out, n) : ss;
}

/* ---- who is on duty now ---- */

enum store_status svc_duty_now(struct store *s, const struct principal *who, const char *area,
			       int64_t now, struct arena *a, struct duty_post **out, size_t *n)
{
	const char *chain[3];
	size_t nchain = 0, len = strlen(area);
	int today = time_local_date(now);
	enum store_status ss = svc_scope_check(who, area, "area");

	*n = 0;
	if (ss != STORE_OK)
		return ss;
	/* the county, township and village over (or at) area */
	for (size_t l = 6; l <= len && l <= 12; l += 3)
		chain[nchain++] = arena_printf(a, "%.*s", (int)l, area);
	return store_duty_chain(s, chain, nchain, area, now, obs_date_add(today, -1), today, a, out,
				n);
}

enum store_status svc_duty_board(struct store *s, const struct principal *who, int64_t now,
				 struct arena *a, struct duty_post **out, size_t *n,
				 bool *truncated)
{
	int today = time_local_date(now);

	*n = 0;
	return store_duty_posts(s, who->area, DUTY_BOARD_MAX, true, now, obs_date_add(today, -1),
				today, a, out, n, truncated);
}

/* ---- the duty log ---- */

struct log_io {
	const char *post, *id;
	const struct duty_log *in;
	enum duty_log_act act;
	const char *text, *note;
	const struct import_row *row;
	struct duty_log *out;
	enum duty_why why;
};

static enum store_status log_refuse(struct log_io *io, enum duty_why why)
{
	io->why = why;
	return STORE_INVALID;
}

/* The file an entry's task opened is the task scope's, not the post's: its id is answered
 * only to a reader of files who sees it (the task id is the entry's own). person is the
 * file, or NULL when it could not be read. */
static void person_shown(const struct principal *who, struct duty_log *l,
			 const struct person *person)
{
	if (!l->person_id || !*l->person_id)
		return;
	if (!person || !role_can(who->role, PERM_PERSON_READ) || !svc_sees(who, person->area))
		l->person_id = NULL;
}

/* The caller's contact in full to the entry's owner, a duty manager or a role that may
 * reveal phones; masked to the others on the post's duty (see duty_contact_mask). */
static void contact_shown(const struct principal *who, struct arena *a, struct duty_log *l)
{
	size_t size;
	char *m;

	if (!l->from_contact || !*l->from_contact || manager(who) ||
	    role_can(who->role, PERM_PERSON_REVEAL) ||
	    (who->user_id && l->owner_id && !strcmp(l->owner_id, who->user_id)))
		return;
	size = strlen(l->from_contact) + PHONE_LEN + 2;
	m = arena_alloc(a, size);
	duty_contact_mask(l->from_contact, m, size);
	l->from_contact = m;
}

static enum store_status answer_log(struct svc_ctx *x)
{
	struct log_io *io = x->arg;
	struct person f;
	enum store_status ss = store_tx_duty_log_read(x->tx, x->object_id, x->a, io->out);

	if (ss == STORE_OK)
		contact_shown(x->who, x->a, io->out);
	if (ss == STORE_OK)
		io->out->task_area = NULL;
	if (ss == STORE_OK && io->out->task_id && *io->out->task_id) {
		struct task t;
		enum store_status ts = store_tx_task_read(x->tx, io->out->task_id, x->a, &t);
		if (ts != STORE_OK && ts != STORE_NOT_FOUND)
			return ts;
		io->out->task_area = ts == STORE_OK ? arena_strdup(x->a, t.area) : NULL;
	}
	if (ss == STORE_OK && io->out->person_id && *io->out->person_id) {
		enum store_status fs = store_tx_person_read(x->tx, io->out->person_id, x->a, &f);
		if (fs != STORE_OK && fs != STORE_NOT_FOUND)
			return fs;
		person_shown(x->who, io->out, fs == STORE_OK ? &f : NULL);
	}
	return ss;
}

/* The same for entries read outside a write. */
static enum store_status persons_shown(struct store *s, const struct principal *who,
				       struct arena *a, struct duty_log *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct person f;
		enum store_status fs;
		contact_shown(who, a, &v[i]);
		v[i].task_area = NULL;
		if (v[i].task_id && *v[i].task_id) {
			struct task t;
			enum store_status ts = store_task_get(s, v[i].task_id, a, &t);
			if (ts != STORE_OK && ts != STORE_NOT_FOUND)
				return ts;
			v[i].task_area = ts == STORE_OK ? arena_strdup(a, t.area) : NULL;
		}
		if (!v[i].person_id || !*v[i].person_id)
			continue;
		fs = store_person_get(s, v[i].person_id, a, &f);
		if (fs != STORE_OK && fs != STORE_NOT_FOUND)
			return fs;
		person_shown(who, &v[i], fs == STORE_OK ? &f : NULL);
	}
	return STORE_OK;
}

static enum store_status apply_log_add(struct svc_ctx *x)
{
	struct log_io *io = x->arg;
	int starts[DUTY_SHIFTS_MAX];
	struct duty_post p;
	struct duty_shift sh;
	struct duty_log l = *io->in;
	int64_t now = time_now();
	bool on = false;
	enum store_status ss;

	if ((ss = may_act(x, io->post, &p)) != STORE_OK)
		return ss;
	sh = duty_shift_at(starts, starts_of(&p, starts), now);
	if (!manager(x->who) && (ss = on_shift(x, p.id, sh.date, sh.index, false, &on)) != STORE_OK)
		return ss;
	if (!manager(x->who) && !on)
		return log_refuse(io, DUTY_WHY_NOT_ON_DUTY);
	snprintf(l.post_id, sizeof l.post_id, "%s", p.id);
	snprintf(l.area, sizeof l.area, "%s", p.area);
	l.owner_id = my_id(x->who);
	l.owner_name = my_name(x);
	l.created_at = now;
	if ((ss = store_tx_duty_log_insert(x->tx, &l)) != STORE_OK ||
	    (ss = store_tx_duty_log_event(x->tx, l.id, now, l.owner_name, "created", "")) !=
		    STORE_OK ||
	    (ss = svc_report_add(x, RM_DUTY_MATTER, l.area, l.at, 1)) != STORE_OK)
		return ss;
	/* who called and what about is personal: the audit row names the post and the kind */
	return svc_changed(x, "duty_log", arena_strdup(x->a, l.id), p.area, NULL,
			   svc_json(x, json_pack("{s:s, s:s}", "post", p.id, "kind", l.kind)));
}

enum store_status svc_duty_log_add(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *post,
				   const struct duty_log *in, struct arena *a, struct duty_log *out,
				   enum duty_why *why, bool *replayed)
{
	struct log_io io = {.post = post, .in = in, .out = out};
	struct svc_write w = {"duty.log.create", NULL, idem, apply_log_add, answer_log, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	*why = io.why;
	return ss;
}

/* The entry id, read in the transaction, whose post the caller may act at. */
static enum store_status entry_of(struct svc_ctx *x, const char *id, struct duty_log *l)
{
	enum store_status ss = store_tx_duty_log_read(x->tx, id, x->a, l);

	if (ss == STORE_OK)
		ss = may_act_at(x, l->post_id, l->area);
	/* out of reach answers like not found; a busy store stays retryable */
	if (ss == STORE_DENIED || ss == STORE_NOT_FOUND)
		return svc_deny(x->who, "duty_log", id, NULL);
	return ss;
}

static bool owner_or_manager(const struct svc_ctx *x, const struct duty_log *l)
{
	return manager(x->who) || (x->who->user_id && !strcmp(l->owner_id, x->who->user_id));
}

static const char *const act_names[] = {"handed", "returned", "closed", "note"};

static enum store_status apply_log_act(struct svc_ctx *x)
{
	struct log_io *io = x->arg;
	struct duty_log l;
	int64_t now = time_now();
	const char *event_note = io->text ? io->text : "";
	enum store_status ss;

	if ((ss = entry_of(x, io->id, &l)) != STORE_OK)
		return ss;
	if (io->act != DUTY_LOG_NOTE && !owner_or_manager(x, &l))
		return log_refuse(io, DUTY_WHY_NOT_OWNER);
	if (io->act != DUTY_LOG_NOTE && !strcmp(l.state, "closed"))
		return log_refuse(io, DUTY_WHY_CLOSED);
	/* a full entry may still be closed: its matter must be able to end */
	if (io->act != DUTY_LOG_CLOSE && l.nevents >= DUTY_EVENTS_MAX)
		return log_refuse(io, DUTY_WHY_LOG_FULL);
	switch (io->act) {
	case DUTY_LOG_HAND:
		l.state = "handed";
		l.handed_to = io->text;
		l.handed_at = now;
		l.returned = false;
		if (io->note && *io->note)
			event_note = arena_printf(x->a, "%s：%s", io->text, io->note);
		break;
	case DUTY_LOG_RETURN:
		if (strcmp(l.state, "handed"))
			return log_refuse(io, DUTY_WHY_NOT_HANDED);
		l.returned = true;
		l.result = io->text;
		break;
	case DUTY_LOG_CLOSE:
		l.state = "closed";
		if (io->text && *io->text)
			l.result = io->text;
		break;
	case DUTY_LOG_NOTE: break;
	}
	l.updated_at = now;
	if ((io->act != DUTY_LOG_NOTE && (ss = store_tx_duty_log_update(x->tx, &l)) != STORE_OK) ||
	    (ss = store_tx_duty_log_event(x->tx, l.id, now, my_name(x), act_names[io->act],
					  event_note)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "duty_log", arena_strdup(x->a, l.id), l.area, NULL,
		svc_json(x, json_pack("{s:s, s:s}", "what", act_names[io->act], "state", l.state)));
}

enum store_status svc_duty_log_act(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *id,
				   enum duty_log_act act, const char *text, const char *note,
				   struct arena *a, struct duty_log *out, enum duty_why *why)
{
	static const char *const actions[] = {"duty.log.hand", "duty.log.return", "duty.log.close",
					      "duty.log.note"};
	struct log_io io = {.id = id, .act = act, .text = text, .note = note, .out = out};
	struct svc_write w = {actions[act], NULL, idem, apply_log_act, answer_log, &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	*why = io.why;
	return ss;
}

/* The scope a task of an entry acts in: the post's own area for an area post (the county
 * for the county's post); for a checkpoint's post its county, as a checkpoint's handover
 * acts (see the top of this file). */
static void task_scope(const struct duty_log *l, char scope[AREA_CODE_MAX + 1])
{
	if (uuid_valid(l->post_id))
		snprintf(scope, AREA_CODE_MAX + 1, "%.6s", l->area);
	else
		snprintf(scope, AREA_CODE_MAX + 1, "%s", l->area);
}

/* The person of the entry's matter placed and their task opened in the entry's task scope;
 * an address resolved outside it puts the person and the task in the post's area queue. */
static enum store_status make_task(struct svc_ctx *x, const struct duty_log *l,
				   const struct import_row *in, int64_t now, const char **person,
				   const char **task)
{
	char scope[AREA_CODE_MAX + 1];
	struct principal cw = *x->who;
	struct svc_ctx cx = *x;
	struct import_row row = *in;
	char *task_id = arena_alloc(x->a, UUID_LEN + 1);
	struct person_place pl = {
		.p = &row.p,
		.t = &row.t,
		.kind_new = "duty",
		.kind_known = "duty",
		.detail = svc_json(x, json_pack("{s:s, s:s}", "post", l->post_id, "log", l->id)),
		.now = now,
	};
	enum store_status ss;

	task_scope(l, scope);
	cw.area = scope;
	cx.who = &cw;
	if (!*row.p.area || !svc_in_scope(&cx, row.p.area))
		snprintf(row.p.area, sizeof row.p.area, "%s", l->area);
	ss = svc_person_place(&cx, &pl);
	x->counts = cx.counts;
	if (ss != STORE_OK)
		return ss;
	uuid_v4(task_id);
	struct task_new t = {
		.id = task_id,
		.person_id = pl.id,
		.area = row.p.area,
		.defects = row.p.defects,
		.due_at = now + TASK_HOURS * 3600,
		.now = now,
		.key_area = (row.p.categories & CAT_KEY_AREA) != 0,
	};
	ss = svc_task_new(&cx, &t);
	x->counts = cx.counts;
	*person = pl.id;
	*task = task_id;
	return ss;
}

/* Who may open a task from an entry: a role that works or manages tasks, or a duty
 * manager; others (a social worker, checkpoint staff) keep the log only. */
static bool may_task(const struct principal *who)
{
	return role_can(who->role, PERM_TASK_WORK) || role_can(who->role, PERM_TASK_MANAGE) ||
	       manager(who);
}

static enum store_status apply_log_task(struct svc_ctx *x)
{
	struct log_io *io = x->arg;
	struct duty_log l;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = entry_of(x, io->id, &l)) != STORE_OK)
		return ss;
	if (!may_task(x->who))
		return log_refuse(io, DUTY_WHY_FORBIDDEN);
	if (!owner_or_manager(x, &l))
		return log_refuse(io, DUTY_WHY_NOT_OWNER);
	if (!strcmp(l.state, "closed"))
		return log_refuse(io, DUTY_WHY_CLOSED);
	if (*l.task_id)
		return log_refuse(io, DUTY_WHY_HAS_TASK);
	if (l.nevents >= DUTY_EVENTS_MAX)
		return log_refuse(io, DUTY_WHY_LOG_FULL);
	if ((ss = make_task(x, &l, io->row, now, &l.person_id, &l.task_id)) != STORE_OK)
		return ss;
	l.updated_at = now;
	if ((ss = store_tx_duty_log_update(x->tx, &l)) != STORE_OK ||
	    (ss = store_tx_duty_log_event(x->tx, l.id, now, my_name(x), "task", l.task_id)) !=
		    STORE_OK)
		return ss;
	return svc_changed(
		x, "duty_log", arena_strdup(x->a, l.id), l.area, NULL,
		svc_json(x, json_pack("{s:s, s:s}", "task", l.task_id, "person", l.person_id)));
}

enum store_status svc_duty_log_task(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *id,
				    const struct import_row *row, struct arena *a,
				    struct duty_log *out, enum duty_why *why)
{
	struct log_io io = {.id = id, .row = row, .out = out};
	struct svc_write w = {"duty.log.task", NULL, idem, apply_log_task, answer_log, &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	*why = io.why;
	return ss;
}

enum store_status svc_duty_log_get(struct store *s, const struct principal *who, const char *id,
				   struct arena *a, struct duty_log *out)
{
	enum store_status ss = store_duty_log_get(s, id, a, out);

	if (ss == STORE_OK)
		ss = may_read(s, who, out->post_id, out->area);
	if (ss == STORE_DENIED || ss == STORE_NOT_FOUND)
		return svc_deny(who, "duty_log", id, NULL);
	return ss == STORE_OK ? persons_shown(s, who, a, out, 1) : ss;
}

enum store_status svc_duty_log_list(struct store *s, const struct principal *who, const char *post,
				    int from, int to, bool open, int page, struct arena *a,
				    struct duty_log **out, size_t *n, int64_t *total)
{
	struct duty_post p;
	enum store_status ss = svc_duty_post_get(s, who, post, a, &p);

	*n = 0;
	*total = 0;
	if (ss != STORE_OK)
		return ss;
	ss = store_duty_log_list(s, post, obs_midnight(from), obs_midnight(obs_date_add(to, 1)),
				 open, DUTY_LOG_PAGE, (page - 1) * DUTY_LOG_PAGE, a, out, n, total);
	if (ss == STORE_OK)
		ss = persons_shown(s, who, a, *out, *n);
	/* callers' names and numbers: a read on record */
	if (ss == STORE_OK)
		svc_read_audit(s, who, "duty.log.read", "duty_post", p.id, p.area, NULL, false);
	return ss;
}

/* ---- handovers ---- */

struct handover_io {
	const char *post, *id, *note;
	int day, index;
	struct duty_handover *out;
	enum duty_why why;
};

static enum store_status ho_refuse(struct handover_io *io, enum duty_why why)
{
	io->why = why;
	return STORE_INVALID;
}

static enum store_status apply_handover(struct svc_ctx *x)
{
	struct handover_io *io = x->arg;
	int starts[DUTY_SHIFTS_MAX];
	struct duty_post p;
	struct duty_shift sh;
	struct duty_handover h = {.day = io->day, .index = io->index, .note = io->note};
	const char **ids;
	size_t nids;
	bool on = false;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = may_act(x, io->post, &p)) != STORE_OK)
		return ss;
	if (!duty_shift_of(starts, starts_of(&p, starts), io->day, io->index, &sh))
		return ho_refuse(io, DUTY_WHY_SHIFT);
	if (!manager(x->who) &&
	    (ss = on_shift(x, p.id, io->day, io->index, false, &on)) != STORE_OK)
		return ss;
	if (!manager(x->who) && !on)
		return ho_refuse(io, DUTY_WHY_NOT_SHIFT);
	if (!duty_handover_open(now, sh.start, sh.end))
		return ho_refuse(io, DUTY_WHY_WINDOW);
	if ((ss = store_tx_duty_log_open(x->tx, p.id, x->a, &ids, &nids, &h.open_total)) !=
	    STORE_OK)
		return ss;
	json_t *items = json_array();
	for (size_t i = 0; i < nids; i++)
		json_array_append_new(items, json_string(ids[i]));
	h.open_items = svc_json(x, items);
	uuid_v4(h.id);
	snprintf(h.post_id, sizeof h.post_id, "%s", p.id);
	h.by = my_name(x);
	h.at = now;
	if ((ss = store_tx_duty_handover_insert(x->tx, &h)) == STORE_CONFLICT)
		return ho_refuse(io, DUTY_WHY_EXISTS);
	if (ss != STORE_OK)
		return ss;
	return svc_changed(
		x, "duty_handover", arena_strdup(x->a, h.id), p.area, NULL,
		svc_json(x, json_pack("{s:s, s:i, s:i, s:I}", "post", p.id, "date", h.day, "index",
				      h.index, "open_items", (json_int_t)h.open_total)));
}

static enum store_status answer_handover(struct svc_ctx *x)
{
	struct handover_io *io = x->arg;

	return store_tx_duty_handover_read(x->tx, x->object_id, x->a, io->out);
}

enum store_status svc_duty_handover_add(struct store *s, const struct principal *who,
					const struct store_idem *idem, const char *post, int day,
					int index, const char *note, struct arena *a,
					struct duty_handover *out, enum duty_why *why,
					bool *replayed)
{
	struct handover_io io = {
		.post = post, .note = note, .day = day, .index = index, .out = out};
	struct svc_write w = {"duty.handover", NULL, idem, apply_handover, answer_handover, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	*why = io.why;
	return ss;
}

static enum store_status apply_confirm(struct svc_ctx *x)
{
	struct handover_io *io = x->arg;
	int starts[DUTY_SHIFTS_MAX];
	struct duty_handover h;
	struct duty_post p;
	struct duty_shift sh, next;
	bool on = false;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = store_tx_duty_handover_read(x->tx, io->id, x->a, &h)) != STORE_OK)
		return ss;
	if ((ss = may_act(x, h.post_id, &p)) != STORE_OK)
		return ss == STORE_NOT_FOUND || ss == STORE_DENIED
			       ? svc_deny(x->who, "duty_handover", io->id, NULL)
			       : ss;
	if (h.confirmed_at)
		return ho_refuse(io, DUTY_WHY_CONFIRMED);
	size_t ns = starts_of(&p, starts);
	/* the shifts changed since: the one going on now is the one that took over */
	if (duty_shift_of(starts, ns, h.day, h.index, &sh))
		next = duty_shift_next(starts, ns, &sh);
	else
		next = duty_shift_at(starts, ns, now);
	if (!manager(x->who) &&
	    (ss = on_shift(x, p.id, next.date, next.index, false, &on)) != STORE_OK)
		return ss;
	if (!manager(x->who) && !on)
		return ho_refuse(io, DUTY_WHY_NOT_SHIFT);
	const char *name = my_name(x);
	if ((ss = store_tx_duty_handover_confirm(x->tx, h.id, name, io->note, now)) ==
	    STORE_CONFLICT)
		return ho_refuse(io, DUTY_WHY_CONFIRMED);
	if (ss != STORE_OK)
		return ss;
	/* every open matter of the post passes to the one who took over, however many */
	if ((ss = store_tx_duty_log_event_open(x->tx, p.id, now, name, "passed", h.by)) !=
		    STORE_OK ||
	    (ss = store_tx_duty_log_pass_open(x->tx, p.id, my_id(x->who), name, now)) != STORE_OK)
		return ss;
	return svc_changed(x, "duty_handover", arena_strdup(x->a, h.id), p.area, NULL,
			   svc_json(x, json_pack("{s:s}", "confirmed_by", name)));
}

enum store_status svc_duty_handover_confirm(struct store *s, const struct principal *who,
					    const struct store_idem *idem, const char *id,
					    const char *note, struct arena *a,
					    struct duty_handover *out, enum duty_why *why)
{
	struct handover_io io = {.id = id, .note = note, .out = out};
	struct svc_write w = {"duty.handover.confirm", NULL, idem, apply_confirm,
			      answer_handover,         &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	*why = io.why;
	return ss;
}

enum store_status svc_duty_handovers(struct store *s, const struct principal *who, const char *post,
				     int from, int to, struct arena *a, struct duty_handover **out,
				     size_t *n)
{
	struct duty_post p;
	enum store_status ss = svc_duty_post_get(s, who, post, a, &p);

	*n = 0;
	return ss == STORE_OK ? store_duty_handovers(s, post, from, to, a, out, n) : ss;
}
