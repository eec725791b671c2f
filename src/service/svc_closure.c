/* svc_closure — closed management of residential areas (封闭式管理): closures and their
 * rules, households (from the person files, by hand, from a sheet), passes (一户一证),
 * gates with their guards, the check at the gate and the gate's records.
 *
 * Scope is one rule per object, read in the transaction that writes (may_closure,
 * may_gate): the closure's area in the caller's scope, and for a gate_guard account also
 * its own gate. A read checks the same in one snapshot (store_view).
 *
 * The verdict of a passing is the domain's (closure_verdict) over facts read in one
 * transaction: the pass, its household (blocked, under observation: computed), the
 * household's kept exits of the days around (closure_exit), the closure's end. A record
 * recomputes it inside the transaction that writes it, whatever the phone said, and a
 * green exit of a resident pass adds one to its household's day: the quota reads kept
 * counts, never the log. A record is idempotent by its uuid (the runner's key), so an
 * offline phone's resend answers the record first stored. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/closure.h"
#include "domain/observation.h"
#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

/* The days of a household's kept exits a check reads around its own: every window that
 * holds the day, and the days after it (a record is at most minutes ahead of the server's
 * clock, so no exit lies further on, and next_allowed needs no more) */
enum { EXIT_SPAN_BEFORE = CLOSURE_EVERY_MAX, EXIT_SPAN_AFTER = 2 * CLOSURE_EVERY_MAX };

static int today(void)
{
	return time_local_date(time_now());
}

static struct closure_rules rules_of(const struct closure *c)
{
	return (struct closure_rules){c->out_per, c->every_days, c->outsiders, c->vehicles};
}

/* ---- who may act ---- */

static enum store_status closure_seen(struct store_tx *tx, const struct principal *who,
				      const char *id, struct arena *a, struct closure *c)
{
	enum store_status ss = store_tx_closure_read(tx, id, a, c);

	if (ss == STORE_OK && !svc_sees(who, c->area))
		return svc_deny(who, "closure", id, NULL);
	return ss;
}

/* A guard only at its own gate; others at any gate whose closure is in scope. */
static enum store_status gate_seen(struct store_tx *tx, const struct principal *who,
				   const char *gate_id, struct arena *a, struct gate *g,
				   struct closure *c)
{
	char mine[USER_ID_LEN + 1] = "";
	enum store_status ss;

	if (who->role == ROLE_GATE_GUARD) {
		if (!who->user_id ||
		    (ss = store_tx_user_gate(tx, who->user_id, mine, sizeof mine)) != STORE_OK)
			return who->user_id ? ss : STORE_NOT_FOUND;
		if (!*mine)
			return STORE_NOT_FOUND;
		if (!gate_id)
			gate_id = arena_strdup(a, mine);
		else if (strcmp(gate_id, mine))
			return svc_deny(who, "gate", gate_id, NULL);
	}
	if (!gate_id)
		return STORE_NOT_FOUND;
	if ((ss = store_tx_gate_read(tx, gate_id, a, g)) != STORE_OK)
		return ss;
	if ((ss = store_tx_closure_read(tx, g->closure_id, a, c)) != STORE_OK)
		return ss;
	if (!svc_sees(who, c->area))
		return svc_deny(who, "gate", gate_id, NULL);
	return STORE_OK;
}

static enum store_status may_closure(struct svc_ctx *x, const char *id, struct closure *c)
{
	return closure_seen(x->tx, x->who, id, x->a, c);
}

static const char *view(struct svc_ctx *x, json_t *o)
{
	return svc_json(x, o);
}

/* ---- the check ---- */

/* The household's kept exits around day. */
static enum store_status exits_around(struct store_tx *tx, const char *hid, int day,
				      struct arena *a, struct closure_day_count **v, size_t *n)
{
	return store_tx_exit_days(tx, hid, obs_date_add(day, -EXIT_SPAN_BEFORE),
				  obs_date_add(day, EXIT_SPAN_AFTER), a, v, n);
}

/* What the gate of closure c says of number at instant at. */
static enum store_status check_in(struct store_tx *tx, struct arena *a, const struct closure *c,
				  const char *number, bool out, int64_t at, int temp,
				  struct gate_check *chk)
{
	struct closure_rules r = rules_of(c);
	struct closure_facts f = {.at = at, .out = out, .temp_dc = temp, .quota_allows = true};
	struct closure_day_count *v = NULL;
	size_t n = 0;
	int day = obs_local_date(at);
	enum store_status ss;

	memset(chk, 0, sizeof *chk);
	f.closure_ended = c->until_day && day >= c->until_day;
	ss = store_tx_pass_read(tx, number, c->area, a, &chk->pass);
	if (ss != STORE_OK && ss != STORE_NOT_FOUND)
		return ss;
	f.found = ss == STORE_OK;
	if (f.found) {
		const struct closure_pass *p = &chk->pass;
		f.here = !strcmp(p->closure_id, c->id);
		f.kind = p->kind;
		f.revoked_at = p->revoked_at;
		f.valid_from = p->valid_from;
		f.valid_to = p->valid_to;
		f.observation = p->observation;
		f.blocked = p->blocked;
		chk->shown = f.here;
	}
	if (chk->shown && *chk->pass.household_id && !strcmp(chk->pass.kind, "resident")) {
		if ((ss = exits_around(tx, chk->pass.household_id, day, a, &v, &n)) != STORE_OK)
			return ss;
		f.quota_allows = closure_quota_allows(&r, v, n, day);
		chk->next_allowed = closure_next_allowed(&r, v, n, day);
	}
	if (chk->shown) {
		chk->last_out_at =
			*chk->pass.household_id ? chk->pass.last_out_at : chk->pass.out_at;
		chk->out_now = chk->pass.out_at > 0;
	}
	chk->reason = closure_verdict(&f);
	chk->green = chk->reason == CLOSURE_OK;
	chk->fever = temp >= CLOSURE_FEVER_DC;
	return STORE_OK;
}

/* ---- closures ---- */

struct cl_io {
	const struct closure *in;
	const char *id;
	int on;
	struct closure *out;
	struct household_result *hr;
	unsigned rules; /* the RULE_ set by an update */
};

/* A bulk write's figures kept under its key: the idempotency row keeps x->object_id,
 * here "closure-id/a/b/c" (at most 36 + 3 * 6 characters: every figure is at most
 * HOUSEHOLDS_MAX), so that a replay answers what the write answered. Called after
 * svc_changed. */
static void figures_keep(struct svc_ctx *x, int64_t a, int64_t b, int64_t c)
{
	x->audit.object_id = x->object_id; /* the audit row names the closure */
	x->object_id = arena_printf(x->a, "%s/%lld/%lld/%lld", x->audit.object_id, (long long)a,
				    (long long)b, (long long)c);
}

/* The figures of a replayed write from its key's object id; false when it has none. */
static bool figures_of(const struct svc_ctx *x, int64_t f[3])
{
	const char *p = x->object_id ? strchr(x->object_id, '/') : NULL;

	for (int k = 0; k < 3; k++) {
		char *end;

		if (!p || *p != '/')
			return false;
		f[k] = strtoll(p + 1, &end, 10);
		p = end;
	}
	return true;
}

static enum store_status answer_closure(struct svc_ctx *x)
{
	struct cl_io *io = x->arg;

	return store_tx_closure_read(x->tx, x->object_id, x->a, io->out);
}

/* Households from the files of c's area: new addresses added, known ones updated. */
static enum store_status households_from_files(struct svc_ctx *x, const struct closure *c,
					       struct household_result *hr)
{
	struct household_group *g;
	size_t n;
	int64_t now = time_now(), count = 0;
	enum store_status ss = store_tx_household_groups(x->tx, c->area, x->a, &g, &n);

	if (ss == STORE_OK)
		ss = store_tx_household_count(x->tx, c->id, &count);
	for (size_t i = 0; ss == STORE_OK && i < n; i++) {
		struct household h;
		ss = store_tx_household_by_address(x->tx, c->id, g[i].address, x->a, &h);
		if (ss == STORE_NOT_FOUND && count + hr->added >= HOUSEHOLDS_MAX) {
			hr->skipped_over_limit++; /* said in the answer, never dropped silently */
			ss = STORE_OK;
			continue;
		}
		if (ss == STORE_NOT_FOUND) {
			h = (struct household){.head = g[i].head,
					       .address = g[i].address,
					       .phone = g[i].phone,
					       .members = g[i].members,
					       .source = "file",
					       .created_at = now};
			uuid_v4(h.id);
			snprintf(h.closure_id, sizeof h.closure_id, "%s", c->id);
			if ((ss = store_tx_household_insert(x->tx, &h)) == STORE_OK)
				hr->added++;
		} else if (ss == STORE_OK && !strcmp(h.source, "file")) {
			ss = store_tx_household_set(x->tx, h.id, g[i].head, g[i].members,
						    g[i].phone, now);
			hr->updated += ss == STORE_OK;
		}
		if (ss == STORE_OK)
			ss = store_tx_household_link(x->tx, h.id, g[i].address, c->area);
	}
	return ss;
}

static json_t *rules_json(const struct closure *c)
{
	return json_pack("{s:i, s:i, s:b, s:b}", "out_per_household", c->out_per, "every_days",
			 c->every_days, "outsiders", c->outsiders, "vehicles", c->vehicles);
}

static enum store_status apply_create(struct svc_ctx *x)
{
	struct cl_io *io = x->arg;
	struct household_result hr = {0};
	enum store_status ss;

	if (!svc_in_scope(x, io->in->area))
		return svc_deny(x->who, "area", io->in->area, "area");
	if ((ss = store_tx_closure_insert(x->tx, io->in)) != STORE_OK ||
	    (ss = households_from_files(x, io->in, &hr)) != STORE_OK)
		return ss;
	json_t *after = rules_json(io->in);
	json_object_set_new(after, "area", json_string(io->in->area));
	json_object_set_new(after, "households", json_integer(hr.added));
	return svc_changed(x, "closure", io->in->id, io->in->area, NULL, view(x, after));
}

enum store_status svc_closure_create(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const struct closure *in,
				     struct arena *a, struct closure *out, bool *replayed)
{
	struct cl_io io = {.in = in, .out = out};
	struct svc_write w = {"closure.create", NULL, idem, apply_create, answer_closure, &io};

	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_update(struct svc_ctx *x)
{
	struct cl_io *io = x->arg;
	struct closure c, next;
	enum store_status ss;

	if ((ss = may_closure(x, io->in->id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return STORE_CONFLICT;
	next = c;
	if (io->rules & RULE_OUT_PER)
		next.out_per = io->in->out_per;
	if (io->rules & RULE_EVERY_DAYS)
		next.every_days = io->in->every_days;
	if (io->rules & RULE_OUTSIDERS)
		next.outsiders = io->in->outsiders;
	if (io->rules & RULE_VEHICLES)
		next.vehicles = io->in->vehicles;
	next.reason = io->in->reason;
	if ((ss = store_tx_closure_update(x->tx, &next, time_now())) != STORE_OK)
		return ss;
	json_t *before = rules_json(&c), *after = rules_json(&next);
	json_object_set_new(before, "reason", json_string(c.reason));
	json_object_set_new(after, "reason", json_string(next.reason ? next.reason : c.reason));
	return svc_changed(x, "closure", arena_strdup(x->a, c.id), c.area, view(x, before),
			   view(x, after));
}

enum store_status svc_closure_update(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const struct closure *in,
				     unsigned rules, struct arena *a, struct closure *out)
{
	struct cl_io io = {.in = in, .out = out, .rules = rules};
	struct svc_write w = {"closure.update", NULL, idem, apply_update, answer_closure, &io};

	return svc_run(s, who, &w, a, NULL);
}

static enum store_status apply_reopen(struct svc_ctx *x)
{
	struct cl_io *io = x->arg;
	struct closure c;
	enum store_status ss;

	if ((ss = may_closure(x, io->id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return STORE_CONFLICT;
	if (io->on < c.from_day)
		return STORE_INVALID;
	if ((ss = store_tx_closure_reopen(x->tx, c.id, io->on, time_now())) != STORE_OK)
		return ss;
	return svc_changed(x, "closure", arena_strdup(x->a, c.id), c.area, NULL,
			   view(x, json_pack("{s:s, s:i}", "state", "reopened", "until", io->on)));
}

enum store_status svc_closure_reopen(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const char *id, int on,
				     struct arena *a, struct closure *out)
{
	struct cl_io io = {.id = id, .on = on, .out = out};
	struct svc_write w = {"closure.reopen", NULL, idem, apply_reopen, answer_closure, &io};

	return svc_run(s, who, &w, a, NULL);
}

struct read_io {
	const struct principal *who;
	const char *id;
	struct arena *a;
	struct closure *c;
	struct gate *g;
	/* the check */
	const char *number;
	bool out;
	struct gate_check *chk;
	/* households' next days */
	struct household *hh;
	size_t nhh;
	int *next;
};

static enum store_status view_closure(struct store_tx *tx, void *p)
{
	struct read_io *io = p;

	return closure_seen(tx, io->who, io->id, io->a, io->c);
}

/* The closure id in scope, read in one snapshot. */
static enum store_status closure_read(struct store *s, const struct principal *who, const char *id,
				      struct arena *a, struct closure *c)
{
	struct read_io io = {.who = who, .id = id, .a = a, .c = c};

	return store_view(s, view_closure, &io);
}

enum store_status svc_closure_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct closure *out)
{
	enum store_status ss = closure_read(s, who, id, a, out);

	return ss == STORE_OK ? store_closure_counts(s, out, today()) : ss;
}

enum store_status svc_closure_list(struct store *s, const struct principal *who, const char *area,
				   bool all, struct arena *a, struct closure **out, size_t *n)
{
	enum store_status ss;

	*n = 0;
	if (area && (ss = svc_scope_check(who, area, "area")) != STORE_OK)
		return ss;
	if ((ss = store_closure_list(s, who->area, area, all, a, out, n)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < *n && ss == STORE_OK; i++)
		ss = store_closure_counts(s, &(*out)[i], today());
	return ss;
}

/* ---- households ---- */

struct hh_io {
	const char *closure_id, *id, *reason;
	const char **refused; /* why a write was STORE_INVALID */
	const struct household_in *in;
	size_t n;
	bool blocked;
	struct household *out;
	struct household_result *hr;
};

static enum store_status apply_refresh(struct svc_ctx *x)
{
	struct hh_io *io = x->arg;
	struct closure c;
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return STORE_CONFLICT;
	io->hr->closure_id = io->closure_id;
	if ((ss = households_from_files(x, &c, io->hr)) != STORE_OK ||
	    (ss = store_tx_closure_bump(x->tx, c.id, time_now())) != STORE_OK)
		return ss;
	ss = svc_changed(
		x, "closure", arena_strdup(x->a, c.id), c.area, NULL,
		view(x, json_pack("{s:I, s:I, s:I}", "added", (json_int_t)io->hr->added, "updated",
				  (json_int_t)io->hr->updated, "skipped_over_limit",
				  (json_int_t)io->hr->skipped_over_limit)));
	figures_keep(x, io->hr->added, io->hr->updated, io->hr->skipped_over_limit);
	return ss;
}

/* A replay answers the figures of the write it repeats. */
static enum store_status answer_figures(struct svc_ctx *x)
{
	struct hh_io *io = x->arg;
	int64_t f[3];

	if (x->replayed && figures_of(x, f)) {
		io->hr->added = f[0];
		io->hr->updated = f[1];
		io->hr->skipped_over_limit = f[2];
	}
	return STORE_OK;
}

enum store_status svc_household_refresh(struct store *s, const struct principal *who,
					const struct store_idem *idem, const char *closure_id,
					struct arena *a, struct household_result *out)
{
	struct hh_io io = {.closure_id = closure_id, .hr = out};
	struct svc_write w = {
		"closure.households_refresh", NULL, idem, apply_refresh, answer_figures, &io};

	*out = (struct household_result){.closure_id = closure_id};
	return svc_run(s, who, &w, a, NULL);
}

static enum store_status answer_household(struct svc_ctx *x)
{
	struct hh_io *io = x->arg;
	struct closure c;
	enum store_status ss = store_tx_closure_read(x->tx, io->closure_id, x->a, &c);

	return ss == STORE_OK ? store_tx_household_read(x->tx, x->object_id, c.area, x->a, io->out)
			      : ss;
}

static enum store_status apply_add(struct svc_ctx *x)
{
	struct hh_io *io = x->arg;
	struct closure c;
	struct household h;
	int64_t count;
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return *io->refused = "closure_ended", STORE_INVALID;
	if ((ss = store_tx_household_count(x->tx, c.id, &count)) != STORE_OK)
		return ss;
	if (count >= HOUSEHOLDS_MAX)
		return *io->refused = "too_many", STORE_INVALID;
	h = (struct household){.head = io->in->head,
			       .address = io->in->address,
			       .phone = io->in->phone,
			       .members = io->in->members,
			       .source = "hand",
			       .created_at = time_now()};
	snprintf(h.id, sizeof h.id, "%s", io->id);
	snprintf(h.closure_id, sizeof h.closure_id, "%s", c.id);
	if ((ss = store_tx_household_insert(x->tx, &h)) != STORE_OK ||
	    (ss = store_tx_household_link(x->tx, h.id, h.address, c.area)) != STORE_OK ||
	    (ss = store_tx_closure_bump(x->tx, c.id, time_now())) != STORE_OK)
		return ss;
	return svc_changed(x, "household", io->id, c.area, NULL,
			   view(x, json_pack("{s:s, s:s, s:s, s:i}", "closure", c.id, "head",
					     h.head, "address", h.address, "members", h.members)));
}

enum store_status svc_household_add(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *closure_id,
				    const char *id, const struct household_in *in, struct arena *a,
				    struct household *out, const char **refused, bool *replayed)
{
	struct hh_io io = {
		.closure_id = closure_id, .id = id, .in = in, .out = out, .refused = refused};
	struct svc_write w = {"household.create", NULL, idem, apply_add, answer_household, &io};

	*refused = NULL;
	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_import(struct svc_ctx *x)
{
	struct hh_io *io = x->arg;
	struct closure c;
	int64_t count, now = time_now();
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return *io->refused = "closure_ended", STORE_INVALID;
	if ((ss = store_tx_household_count(x->tx, c.id, &count)) != STORE_OK)
		return ss;
	io->hr->closure_id = io->closure_id;
	io->hr->added = io->hr->updated = 0;
	for (size_t i = 0; i < io->n && ss == STORE_OK; i++) {
		const struct household_in *r = &io->in[i];
		struct household h;
		ss = store_tx_household_by_address(x->tx, c.id, r->address, x->a, &h);
		if (ss == STORE_OK) {
			ss = store_tx_household_set(x->tx, h.id, r->head, r->members, r->phone,
						    now);
			io->hr->updated += ss == STORE_OK;
			continue;
		}
		if (ss != STORE_NOT_FOUND)
			break;
		if (count + io->hr->added >= HOUSEHOLDS_MAX)
			return *io->refused = "too_many", STORE_INVALID;
		h = (struct household){.head = r->head,
				       .address = r->address,
				       .phone = r->phone,
				       .members = r->members,
				       .source = "import",
				       .created_at = now};
		uuid_v4(h.id);
		snprintf(h.closure_id, sizeof h.closure_id, "%s", c.id);
		if ((ss = store_tx_household_insert(x->tx, &h)) == STORE_OK &&
		    (ss = store_tx_household_link(x->tx, h.id, h.address, c.area)) == STORE_OK)
			io->hr->added++;
	}
	if (ss != STORE_OK || (ss = store_tx_closure_bump(x->tx, c.id, now)) != STORE_OK)
		return ss;
	ss = svc_changed(x, "closure", arena_strdup(x->a, c.id), c.area, NULL,
			 view(x, json_pack("{s:I, s:I}", "added", (json_int_t)io->hr->added,
					   "updated", (json_int_t)io->hr->updated)));
	figures_keep(x, io->hr->added, io->hr->updated, 0);
	return ss;
}

enum store_status svc_household_import(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *closure_id,
				       const struct household_in *rows, size_t n, struct arena *a,
				       struct household_result *out, const char **refused)
{
	struct hh_io io = {
		.closure_id = closure_id, .in = rows, .n = n, .hr = out, .refused = refused};
	struct svc_write w = {"household.import", NULL, idem, apply_import, answer_figures, &io};

	*out = (struct household_result){.closure_id = closure_id};
	*refused = NULL;
	return svc_run(s, who, &w, a, NULL);
}

static enum store_status apply_block(struct svc_ctx *x)
{
	struct hh_io *io = x->arg;
	struct closure c;
	struct household h;
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK ||
	    (ss = store_tx_household_read(x->tx, io->id, c.area, x->a, &h)) != STORE_OK)
		return ss;
	if (strcmp(h.closure_id, c.id))
		return STORE_NOT_FOUND;
	if ((ss = store_tx_household_block(x->tx, h.id, io->blocked, io->reason, time_now())) !=
		    STORE_OK ||
	    (ss = store_tx_closure_bump(x->tx, c.id, time_now())) != STORE_OK)
		return ss;
	return svc_changed(
		x, "household", arena_strdup(x->a, h.id), c.area,
		view(x, json_pack("{s:b, s:s}", "blocked", h.blocked, "reason", h.blocked_reason)),
		view(x, json_pack("{s:b, s:s}", "blocked", io->blocked, "reason",
				  io->reason ? io->reason : "")));
}

enum store_status svc_household_block(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const char *closure_id,
				      const char *household_id, bool blocked, const char *reason,
				      struct arena *a, struct household *out)
{
	struct hh_io io = {.closure_id = closure_id,
			   .id = household_id,
			   .blocked = blocked,
			   .reason = reason,
			   .out = out};
	struct svc_write w = {"household.block", NULL, idem, apply_block, answer_household, &io};

	return svc_run(s, who, &w, a, NULL);
}

static enum store_status view_next(struct store_tx *tx, void *p)
{
	struct read_io *io = p;
	struct closure_rules r = rules_of(io->c);
	int day = today();

	for (size_t i = 0; i < io->nhh; i++) {
		struct closure_day_count *v;
		size_t n;
		enum store_status ss = exits_around(tx, io->hh[i].id, day, io->a, &v, &n);
		if (ss != STORE_OK)
			return ss;
		io->next[i] = closure_next_allowed(&r, v, n, day);
	}
	return STORE_OK;
}

enum store_status svc_household_list(struct store *s, const struct principal *who,
				     struct household_query *q, struct arena *a,
				     struct household **out, int **next_allowed, size_t *n,
				     int64_t *total)
{
	struct closure c;
	enum store_status ss = closure_read(s, who, q->closure_id, a, &c);

	*n = 0;
	*total = 0;
	if (ss != STORE_OK)
		return ss;
	q->scope = c.area;
	if ((ss = store_household_list(s, q, a, out, n, total)) != STORE_OK)
		return ss;
	*next_allowed = arena_alloc(a, (*n ? *n : 1) * sizeof **next_allowed);
	struct read_io io = {
		.who = who, .a = a, .c = &c, .hh = *out, .nhh = *n, .next = *next_allowed};
	if ((ss = store_view(s, view_next, &io)) != STORE_OK)
		return ss;
	svc_read_audit(s, who, "closure.households", "closure", c.id, c.area, NULL, false);
	return STORE_OK;
}

/* ---- passes ---- */

struct ps_io {
	const char *closure_id, *number, *reason;
	const struct pass_in *in;
	struct closure_pass *out;
	const char **refused;
	struct pass_batch *batch;
	const char *new_number;
};

static enum store_status answer_pass(struct svc_ctx *x)
{
	struct ps_io *io = x->arg;

	return store_tx_pass_read(x->tx, x->object_id, NULL, x->a, io->out);
}

static const char *pass_view(struct svc_ctx *x, const struct closure_pass *p)
{
	return view(x, json_pack("{s:s, s:s, s:s, s:s}", "number", p->number, "kind", p->kind,
				 "household", p->household_id ? p->household_id : "", "holder",
				 p->holder ? p->holder : ""));
}

/* Inserts p with a fresh number (another on the rare collision). */
static enum store_status insert_numbered(struct svc_ctx *x, struct closure_pass *p)
{
	enum store_status ss = STORE_CONFLICT;

	for (int tries = 0; tries < 4 && ss == STORE_CONFLICT; tries++) {
		struct closure_pass other;
		closure_pass_make(p->number);
		ss = store_tx_pass_read(x->tx, p->number, NULL, x->a, &other);
		if (ss == STORE_OK) {
			ss = STORE_CONFLICT;
			continue;
		}
		if (ss != STORE_NOT_FOUND)
			return ss;
		ss = store_tx_pass_insert(x->tx, p);
	}
	return ss;
}

/* Why household h may get no resident pass now: NULL when it may. */
static const char *refusal_of(const struct household *h)
{
	if (h->observation)
		return "observation";
	if (h->blocked)
		return "blocked";
	return NULL;
}

static enum store_status apply_issue(struct svc_ctx *x)
{
	struct ps_io *io = x->arg;
	const struct pass_in *in = io->in;
	struct closure c;
	struct household h;
	struct closure_pass p = {0};
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK)
		return ss;
	*io->refused = NULL;
	if (strcmp(c.state, "active")) {
		*io->refused = "closure_ended";
		return STORE_CONFLICT;
	}
	if (in->household_id && *in->household_id) {
		if ((ss = store_tx_household_read(x->tx, in->household_id, c.area, x->a, &h)) !=
		    STORE_OK)
			return ss;
		if (strcmp(h.closure_id, c.id))
			return STORE_NOT_FOUND;
		if (!strcmp(in->kind, "resident")) {
			if (*h.pass_number) {
				*io->refused = "exists";
				return STORE_CONFLICT;
			}
			if ((*io->refused = refusal_of(&h)))
				return STORE_CONFLICT;
		}
	}
	snprintf(p.closure_id, sizeof p.closure_id, "%s", c.id);
	p.kind = in->kind;
	p.household_id = in->household_id;
	p.holder = in->holder;
	p.employer = in->employer;
	p.purpose = in->purpose;
	p.valid_from = in->valid_from;
	p.valid_to = in->valid_to;
	p.issued_at = time_now();
	p.issued_by = x->who->username;
	if ((ss = insert_numbered(x, &p)) != STORE_OK ||
	    (ss = store_tx_closure_bump(x->tx, c.id, p.issued_at)) != STORE_OK)
		return ss;
	return svc_changed(x, "pass", arena_strdup(x->a, p.number), c.area, NULL, pass_view(x, &p));
}

enum store_status svc_pass_issue(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *closure_id,
				 const struct pass_in *in, struct arena *a,
				 struct closure_pass *out, const char **refused, bool *replayed)
{
	struct ps_io io = {.closure_id = closure_id, .in = in, .out = out, .refused = refused};
	struct svc_write w = {"pass.issue", NULL, idem, apply_issue, answer_pass, &io};

	*refused = NULL;
	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_batch(struct svc_ctx *x)
{
	struct ps_io *io = x->arg;
	struct closure c;
	struct household *v;
	size_t n;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return STORE_INVALID;
	if ((ss = store_tx_households_without_pass(x->tx, c.id, c.area, x->a, &v, &n)) != STORE_OK)
		return ss;
	*io->batch = (struct pass_batch){0};
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		struct closure_pass p = {.kind = "resident",
					 .household_id = v[i].id,
					 .issued_at = now,
					 .issued_by = x->who->username};
		const char *why = refusal_of(&v[i]);
		if (why) {
			io->batch->skipped_observation += !strcmp(why, "observation");
			io->batch->skipped_blocked += !strcmp(why, "blocked");
			continue;
		}
		snprintf(p.closure_id, sizeof p.closure_id, "%s", c.id);
		if ((ss = insert_numbered(x, &p)) == STORE_OK)
			io->batch->issued++;
	}
	if (ss != STORE_OK || (ss = store_tx_closure_bump(x->tx, c.id, now)) != STORE_OK)
		return ss;
	ss = svc_changed(
		x, "closure", arena_strdup(x->a, c.id), c.area, NULL,
		view(x, json_pack("{s:I, s:I, s:I}", "issued", (json_int_t)io->batch->issued,
				  "skipped_observation", (json_int_t)io->batch->skipped_observation,
				  "skipped_blocked", (json_int_t)io->batch->skipped_blocked)));
	figures_keep(x, io->batch->issued, io->batch->skipped_observation,
		     io->batch->skipped_blocked);
	return ss;
}

static enum store_status answer_batch(struct svc_ctx *x)
{
	struct ps_io *io = x->arg;
	int64_t f[3];

	if (x->replayed && figures_of(x, f))
		*io->batch = (struct pass_batch){
			.issued = f[0], .skipped_observation = f[1], .skipped_blocked = f[2]};
	return STORE_OK;
}

enum store_status svc_pass_batch(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *closure_id,
				 struct arena *a, struct pass_batch *out)
{
	struct ps_io io = {.closure_id = closure_id, .batch = out};
	struct svc_write w = {"pass.batch", NULL, idem, apply_batch, answer_batch, &io};

	*out = (struct pass_batch){0};
	return svc_run(s, who, &w, a, NULL);
}

/* The pass number of a closure in scope, read. */
static enum store_status may_pass(struct svc_ctx *x, const char *number, struct closure *c,
				  struct closure_pass *p)
{
	enum store_status ss = store_tx_pass_read(x->tx, number, NULL, x->a, p);

	if (ss != STORE_OK)
		return ss;
	if ((ss = store_tx_closure_read(x->tx, p->closure_id, x->a, c)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, c->area))
		return svc_deny(x->who, "pass", number, NULL);
	return STORE_OK;
}

static enum store_status apply_revoke(struct svc_ctx *x)
{
	struct ps_io *io = x->arg;
	struct closure c;
	struct closure_pass p;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = may_pass(x, io->number, &c, &p)) != STORE_OK)
		return ss;
	if (p.revoked_at)
		return STORE_CONFLICT;
	if ((ss = store_tx_pass_revoke(x->tx, p.number, now, io->reason, NULL)) != STORE_OK ||
	    (ss = store_tx_closure_bump(x->tx, c.id, now)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "pass", arena_strdup(x->a, p.number), c.area, pass_view(x, &p),
		view(x, json_pack("{s:s, s:s}", "state", "revoked", "reason", io->reason)));
}

enum store_status svc_pass_revoke(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *number,
				  const char *reason, struct arena *a, struct closure_pass *out)
{
	struct ps_io io = {.number = number, .reason = reason, .out = out};
	struct svc_write w = {"pass.revoke", NULL, idem, apply_revoke, answer_pass, &io};

	return svc_run(s, who, &w, a, NULL);
}

static enum store_status apply_reissue(struct svc_ctx *x)
{
	struct ps_io *io = x->arg;
	struct closure c;
	struct closure_pass p, q;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = may_pass(x, io->number, &c, &p)) != STORE_OK)
		return ss;
	if (p.revoked_at)
		return STORE_CONFLICT;
	if (strcmp(c.state, "active"))
		return STORE_INVALID;
	/* a household that may get no pass gets no new one either: nothing changes */
	if (!strcmp(p.kind, "resident") && p.household_id && *p.household_id) {
		struct household h;

		if ((ss = store_tx_household_read(x->tx, p.household_id, c.area, x->a, &h)) !=
		    STORE_OK)
			return ss;
		if ((*io->refused = refusal_of(&h)))
			return STORE_CONFLICT;
	}
	/* revoked first: the household's one resident pass is then the new one */
	if ((ss = store_tx_pass_revoke(x->tx, p.number, now, io->reason, NULL)) != STORE_OK)
		return ss;
	q = p;
	q.replaces = p.number;
	q.issued_at = now;
	q.issued_by = x->who->username;
	q.revoked_at = 0;
	q.out_at = 0;
	if ((ss = insert_numbered(x, &q)) != STORE_OK ||
	    (ss = store_tx_pass_replaced(x->tx, p.number, q.number)) != STORE_OK ||
	    (ss = store_tx_closure_bump(x->tx, c.id, now)) != STORE_OK)
		return ss;
	return svc_changed(x, "pass", arena_strdup(x->a, q.number), c.area, pass_view(x, &p),
			   view(x, json_pack("{s:s, s:s, s:s}", "replaces", p.number, "number",
					     q.number, "reason", io->reason)));
}

enum store_status svc_pass_reissue(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *number,
				   const char *reason, struct arena *a, struct closure_pass *out,
				   const char **refused)
{
	struct ps_io io = {.number = number, .reason = reason, .out = out, .refused = refused};
	struct svc_write w = {"pass.reissue", NULL, idem, apply_reissue, answer_pass, &io};

	return svc_run(s, who, &w, a, NULL);
}

struct pass_view_io {
	const struct principal *who;
	const char *number;
	struct arena *a;
	struct closure_pass *out;
};

static enum store_status view_pass(struct store_tx *tx, void *p)
{
	struct pass_view_io *io = p;
	struct closure c;
	enum store_status ss = store_tx_pass_read(tx, io->number, NULL, io->a, io->out);

	if (ss == STORE_OK)
		ss = closure_seen(tx, io->who, io->out->closure_id, io->a, &c);
	if (ss == STORE_OK)
		ss = store_tx_pass_read(tx, io->number, c.area, io->a, io->out);
	return ss;
}

enum store_status svc_pass_get(struct store *s, const struct principal *who, const char *number,
			       struct arena *a, struct closure_pass *out)
{
	struct pass_view_io io = {who, number, a, out};

	return store_view(s, view_pass, &io);
}

enum store_status svc_pass_list(struct store *s, const struct principal *who,
				const struct pass_query *q, struct arena *a,
				struct closure_pass **out, size_t *n, int64_t *total)
{
	struct closure c;
	enum store_status ss = closure_read(s, who, q->closure_id, a, &c);

	*n = 0;
	*total = 0;
	if (ss == STORE_OK && (ss = store_pass_list(s, q, a, out, n, total)) == STORE_OK)
		svc_read_audit(s, who, "closure.passes", "closure", c.id, c.area, NULL, false);
	return ss;
}

enum store_status svc_pass_print(struct store *s, const struct principal *who,
				 const char *closure_id, const char *const *numbers, size_t nnum,
				 struct arena *a, struct closure *c, struct closure_pass **out,
				 size_t *n)
{
	enum store_status ss = closure_read(s, who, closure_id, a, c);

	*n = 0;
	if (ss != STORE_OK ||
	    (ss = store_pass_print(s, closure_id, numbers, nnum, a, out, n)) != STORE_OK)
		return ss;
	svc_read_audit(s, who, "pass.print", "closure", c->id, c->area, NULL, false);
	return STORE_OK;
}

/* ---- gates and guards ---- */

struct gt_io {
	const char *closure_id, *id, *name, *user_id;
	bool remove, not_guard;
	struct gate *out;
};

static enum store_status answer_gate(struct svc_ctx *x)
{
	struct gt_io *io = x->arg;

	return store_tx_gate_read(x->tx, x->object_id, x->a, io->out);
}

static enum store_status apply_gate(struct svc_ctx *x)
{
	struct gt_io *io = x->arg;
	struct closure c;
	struct gate g = {.name = io->name, .created_at = time_now()};
	enum store_status ss;

	if ((ss = may_closure(x, io->closure_id, &c)) != STORE_OK)
		return ss;
	if (strcmp(c.state, "active"))
		return STORE_INVALID;
	snprintf(g.id, sizeof g.id, "%s", io->id);
	snprintf(g.closure_id, sizeof g.closure_id, "%s", c.id);
	if ((ss = store_tx_gate_insert(x->tx, &g)) != STORE_OK)
		return ss;
	return svc_changed(x, "gate", io->id, c.area, NULL,
			   view(x, json_pack("{s:s, s:s}", "closure", c.id, "name", g.name)));
}

enum store_status svc_gate_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *closure_id,
				  const char *id, const char *name, struct arena *a,
				  struct gate *out, bool *replayed)
{
	struct gt_io io = {.closure_id = closure_id, .id = id, .name = name, .out = out};
	struct svc_write w = {"gate.create", NULL, idem, apply_gate, answer_gate, &io};

	return svc_run(s, who, &w, a, replayed);
}

enum store_status svc_gate_list(struct store *s, const struct principal *who,
				const char *closure_id, struct arena *a, struct gate **out,
				size_t *n)
{
	struct closure c;
	enum store_status ss = closure_read(s, who, closure_id, a, &c);

	*n = 0;
	return ss == STORE_OK ? store_gate_list(s, closure_id, a, out, n) : ss;
}

static enum store_status apply_guard(struct svc_ctx *x)
{
	struct gt_io *io = x->arg;
	struct closure c;
	struct gate g;
	struct user u;
	enum store_status ss;

	if ((ss = gate_seen(x->tx, x->who, io->id, x->a, &g, &c)) != STORE_OK)
		return ss;
	if ((ss = store_tx_user_read(x->tx, io->user_id, x->a, &u)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, u.area))
		return svc_deny(x->who, "user", io->user_id, "user_id");
	if (u.role != ROLE_GATE_GUARD)
		return STORE_INVALID;
	if (io->remove) {
		char on[40];

		/* only a guard of this gate leaves it */
		if ((ss = store_tx_user_gate(x->tx, u.id, on, sizeof on)) != STORE_OK)
			return ss;
		if (strcmp(on, g.id)) {
			io->not_guard = true;
			return STORE_NOT_FOUND;
		}
	} else if (strcmp(c.state, "active"))
		return STORE_CONFLICT; /* an ended closure's gate takes no guard */
	/* on joining, the account's scope becomes the closure's area */
	if ((ss = store_tx_user_set_gate(x->tx, u.id, io->remove ? NULL : g.id,
					 io->remove ? NULL : c.area)) != STORE_OK)
		return ss;
	return svc_changed(x, "gate", arena_strdup(x->a, g.id), c.area, NULL,
			   view(x, json_pack("{s:s, s:s}", io->remove ? "removed" : "added", u.id,
					     "username", u.username)));
}

enum store_status svc_gate_guard(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *gate_id,
				 const char *user_id, bool remove, struct arena *a,
				 struct gate *out, struct user **guards, size_t *nguards,
				 bool *not_guard)
{
	struct gt_io io = {.id = gate_id, .user_id = user_id, .remove = remove, .out = out};
	struct svc_write w = {"gate.guard", NULL, idem, apply_guard, answer_gate, &io};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	*nguards = 0;
	*not_guard = io.not_guard;
	return ss == STORE_OK ? store_gate_guards(s, gate_id, a, guards, nguards) : ss;
}

static enum store_status view_gate(struct store_tx *tx, void *p)
{
	struct read_io *io = p;
	enum store_status ss = gate_seen(tx, io->who, io->id, io->a, io->g, io->c);

	if (ss != STORE_OK || !io->chk)
		return ss;
	return check_in(tx, io->a, io->c, io->number, io->out, time_now(), 0, io->chk);
}

enum store_status svc_gate_mine(struct store *s, const struct principal *who, const char *gate_id,
				struct arena *a, struct gate *g, struct closure *c)
{
	struct read_io io = {.who = who, .id = gate_id, .a = a, .c = c, .g = g};

	return store_view(s, view_gate, &io);
}

enum store_status svc_gate_check(struct store *s, const struct principal *who, const char *gate_id,
				 const char *number, bool out, struct arena *a,
				 struct gate_check *chk)
{
	struct closure c;
	struct gate g;
	struct read_io io = {.who = who,
			     .id = gate_id,
			     .a = a,
			     .c = &c,
			     .g = &g,
			     .number = number,
			     .out = out,
			     .chk = chk};
	enum store_status ss = store_view(s, view_gate, &io);

	/* the check shows a household's head and its state: who looked, at which gate */
	if (ss == STORE_OK)
		svc_read_audit(s, who, "gate.check", "gate", g.id, c.area, NULL, false);
	return ss;
}

/* ---- records ---- */

struct rc_io {
	const struct gate_record_in *in;
	struct gate_record *rec;
	struct gate_check *chk;
};

static const char *metric_of(struct arena *a, const struct gate_record *r)
{
	if (!strcmp(r->verdict, "green"))
		return !strcmp(r->direction, "out") ? "exits" : "entries";
	return arena_printf(a, "refusal.%s", r->reason);
}

/* Red reasons a guard may override (the person goes out, the exit counted): the
 * household's rules, never the pass's own. */
static bool overridable(enum closure_reason r)
{
	return r == CLOSURE_OBSERVATION || r == CLOSURE_BLOCKED || r == CLOSURE_FEVER ||
	       r == CLOSURE_QUOTA;
}

static enum store_status apply_record(struct svc_ctx *x)
{
	struct rc_io *io = x->arg;
	const struct gate_record_in *in = io->in;
	struct closure c;
	struct gate g;
	struct gate_check chk;
	struct gate_record r = {0};
	bool out = !strcmp(in->direction, "out");
	enum store_status ss;

	/* here, not in the handler: the runner has looked the uuid up, so a resend of a stored
	 * record is answered whenever it comes */
	if (!closure_record_at_ok(in->at, time_now(), in->phone_verdict != NULL))
		return STORE_INVALID;
	if ((ss = gate_seen(x->tx, x->who, in->gate_id, x->a, &g, &c)) != STORE_OK)
		return ss;
	if ((ss = check_in(x->tx, x->a, &c, in->number, out, in->at, in->temp, &chk)) != STORE_OK)
		return ss;
	/* a passing is never older than its pass: a late record cannot dodge the verdict */
	if (chk.shown && in->at < chk.pass.issued_at)
		return STORE_INVALID;
	snprintf(r.id, sizeof r.id, "%s", in->id);
	snprintf(r.closure_id, sizeof r.closure_id, "%s", c.id);
	snprintf(r.gate_id, sizeof r.gate_id, "%s", g.id);
	r.number = in->number;
	r.household_id = chk.shown ? chk.pass.household_id : "";
	r.direction = in->direction;
	r.at = in->at;
	r.day = obs_local_date(in->at);
	bool green = chk.green ||
		     (in->override_reason && *in->override_reason && overridable(chk.reason));
	r.verdict = green ? "green" : "red";
	r.reason = closure_reason_name(chk.reason);
	r.counted = green && out && chk.shown && *chk.pass.household_id &&
		    !strcmp(chk.pass.kind, "resident");
	r.temp = in->temp;
	r.fever = chk.fever;
	r.person = in->person;
	r.override_reason = green && !chk.green ? in->override_reason : "";
	r.phone_verdict = in->phone_verdict;
	r.offline_disagreed = in->phone_verdict && !strcmp(in->phone_verdict, "green") && !green;
	r.guard_id = x->who->user_id;
	r.guard = x->who->username;
	r.created_at = time_now();
	if ((ss = store_tx_record_insert(x->tx, &r)) != STORE_OK ||
	    (ss = store_tx_closure_count_add(x->tx, c.id, r.day, metric_of(x->a, &r), 1)) !=
		    STORE_OK)
		return ss;
	if (r.counted && (ss = store_tx_exit_add(x->tx, r.household_id, r.day, 1)) != STORE_OK)
		return ss;
	/* the daily report of the closure's area: exits let out, passings refused */
	if ((!green || out) && (ss = svc_report_add(x, green ? RM_GATE_EXIT : RM_GATE_REFUSED,
						    c.area, r.at, 1)) != STORE_OK)
		return ss;
	if (green && chk.shown) {
		if ((ss = store_tx_pass_moved(x->tx, r.number, out, r.at)) != STORE_OK)
			return ss;
		if (out && *r.household_id &&
		    (ss = store_tx_household_out(x->tx, r.household_id, r.at)) != STORE_OK)
			return ss;
	}
	return svc_changed(
		x, "gate_record", in->id, c.area, NULL,
		view(x, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "gate", g.id, "number",
				  r.number, "direction", r.direction, "verdict", r.verdict,
				  "reason", r.reason, "override_reason",
				  r.override_reason ? r.override_reason : "", "at",
				  (json_int_t)r.at)));
}

/* The record and what the gate says of its pass now (a replay's too). */
static enum store_status answer_record(struct svc_ctx *x)
{
	struct rc_io *io = x->arg;
	struct closure c;
	enum store_status ss = store_tx_record_read(x->tx, x->object_id, x->a, io->rec);

	if (ss == STORE_OK)
		ss = store_tx_closure_read(x->tx, io->rec->closure_id, x->a, &c);
	if (ss == STORE_OK)
		ss = check_in(x->tx, x->a, &c, io->rec->number, !strcmp(io->rec->direction, "out"),
			      io->rec->at, io->rec->temp, io->chk);
	if (ss == STORE_OK) {
		/* the verdict is the record's: what was decided when it was written */
		io->chk->green = !strcmp(io->rec->verdict, "green");
		io->chk->fever = io->rec->fever;
		io->chk->reason = CLOSURE_OK;
		for (int k = 0; k <= CLOSURE_QUOTA; k++)
			if (!strcmp(closure_reason_name((enum closure_reason)k), io->rec->reason))
				io->chk->reason = (enum closure_reason)k;
	}
	return ss;
}

enum store_status svc_gate_record(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct gate_record_in *in,
				  struct arena *a, struct gate_record *rec, struct gate_check *chk,
				  bool *replayed)
{
	struct rc_io io = {.in = in, .rec = rec, .chk = chk};
	struct svc_write w = {"gate.record", NULL, idem, apply_record, answer_record, &io};

	return svc_run(s, who, &w, a, replayed);
}

enum store_status svc_gate_passes(struct store *s, const struct principal *who, const char *gate_id,
				  struct arena *a, struct gate *g, struct closure *c,
				  struct gate_pass **out, size_t *n, int64_t *total)
{
	enum store_status ss = svc_gate_mine(s, who, gate_id, a, g, c);
	int day = today();

	*n = 0;
	if (ss != STORE_OK)
		return ss;
	if ((ss = store_gate_passes(s, c->id, c->area, obs_date_add(day, -(c->every_days - 1)), day,
				    time_now(), a, out, n, total)) == STORE_OK)
		svc_read_audit(s, who, "gate.list", "gate", g->id, c->area, NULL, false);
	return ss;
}

enum store_status svc_closure_days(struct store *s, const struct principal *who, const char *id,
				   int from, int to, struct arena *a, struct closure *c,
				   struct closure_day_metric **days, size_t *ndays,
				   struct closure_pass **out_now, size_t *nout)
{
	enum store_status ss = svc_closure_get(s, who, id, a, c);

	*ndays = *nout = 0;
	if (ss == STORE_OK)
		ss = store_closure_days(s, id, from, to, a, days, ndays);
	if (ss == STORE_OK)
		ss = store_closure_out_now(s, id, a, out_now, nout);
	return ss;
}

enum store_status svc_gate_log(struct store *s, const struct principal *who,
			       const struct gate_log_query *q, struct arena *a,
			       struct gate_record **out, size_t *n, int64_t *total)
{
	struct closure c;
	enum store_status ss = closure_read(s, who, q->closure_id, a, &c);

	*n = 0;
	*total = 0;
	if (ss == STORE_OK && (ss = store_gate_log(s, q, a, out, n, total)) == STORE_OK)
		svc_read_audit(s, who, "closure.gate_log", "closure", c.id, c.area, NULL, false);
	return ss;
}
