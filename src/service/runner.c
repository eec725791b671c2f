/* runner — svc_run(), the one door of every write (see service.h for its steps). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "util/log.h"

struct run {
	const struct principal *who;
	const struct svc_write *w;
	struct arena *a;
	struct svc_ctx x;
};

/* The audit row: the use case said what changed, the runner says who and from where. */
static struct audit_entry audit_of(const struct run *r)
{
	struct audit_entry e = r->x.audit;

	e.user_id = r->who->user_id;
	e.username = r->who->username;
	e.ip = r->who->ip;
	e.request_id = r->who->request_id;
	e.action = r->w->action;
	e.result = "ok";
	if (!e.object_id)
		e.object_id = r->x.object_id;
	if (!e.area)
		e.area = r->who->area;
	return e;
}

static const char *kind_of(const struct svc_write *w)
{
	return w->kind ? w->kind : w->action;
}

static enum store_status in_tx(struct store_tx *tx, void *p)
{
	struct run *r = p;
	const struct svc_write *w = r->w;
	char done[64];
	enum store_status ss;

	/* a run after STORE_BUSY starts again from nothing: the transaction left nothing */
	r->x = (struct svc_ctx){.tx = tx, .who = r->who, .a = r->a, .arg = w->arg};
	if (w->idem) {
		ss = store_tx_idem_check(tx, w->idem, kind_of(w), done, sizeof done);
		if (ss == STORE_OK) {
			r->x.replayed = true;
			r->x.object_id = arena_strdup(r->a, done);
			return w->answer ? w->answer(&r->x) : STORE_OK;
		}
		if (ss != STORE_NOT_FOUND)
			return ss;
	}
	if ((ss = w->apply(&r->x)) != STORE_OK || (ss = svc_report_flush(&r->x)) != STORE_OK)
		return ss;
	struct audit_entry e = audit_of(r);
	if ((ss = store_tx_audit(tx, &e)) != STORE_OK)
		return ss;
	if (w->idem && (ss = store_tx_idem_save(tx, w->idem, kind_of(w),
						r->x.object_id ? r->x.object_id : "")) != STORE_OK)
		return ss;
	return w->answer ? w->answer(&r->x) : STORE_OK;
}

static enum store_status run(struct store *s, const struct principal *who,
			     const struct svc_write *w, struct arena *a, bool *replayed, bool bulk)
{
	struct run r = {who, w, a, {0}};
	enum store_status ss = STORE_BUSY;

	for (int i = 0; i <= SVC_BUSY_RETRIES && ss == STORE_BUSY; i++) {
		if (i)
			log_warn("%s: the transaction did not commit, running it again (%d)",
				 w->action, i);
		ss = bulk ? store_run_bulk(s, in_tx, &r) : store_run(s, in_tx, &r);
	}
	if (replayed)
		*replayed = ss == STORE_OK && r.x.replayed;
	return ss;
}

enum store_status svc_run(struct store *s, const struct principal *who, const struct svc_write *w,
			  struct arena *a, bool *replayed)
{
	return run(s, who, w, a, replayed, false);
}

enum store_status svc_run_bulk(struct store *s, const struct principal *who,
			       const struct svc_write *w, struct arena *a)
{
	return run(s, who, w, a, NULL, true);
}

/* A queued run owns copies of what it needs: the request is gone when it runs. */
struct queued {
	struct arena *a;
	struct principal who;
	struct svc_write w;
	struct run r;
};

static enum store_status queued_tx(struct store_tx *tx, void *p)
{
	struct queued *q = p;
	enum store_status ss = in_tx(tx, &q->r);

	if (ss != STORE_OK)
		log_warn("%s (queued): %s", q->w.action, store_status_name(ss));
	return ss;
}

static void queued_free(void *p)
{
	struct queued *q = p;

	arena_free(q->a);
	free(q);
}

void svc_run_queued(struct store *s, const struct principal *who, const struct svc_write *w,
		    size_t argsz)
{
	struct queued *q = xcalloc(1, sizeof *q);
	struct arena *a = q->a = arena_new();

	q->who = (struct principal){
		.user_id = arena_strdup(a, who->user_id),
		.username = arena_strdup(a, who->username),
		.role = who->role,
		.area = arena_strdup(a, who->area),
		.ip = arena_strdup(a, who->ip),
		.request_id = arena_strdup(a, who->request_id),
		.observation_id = arena_strdup(a, who->observation_id),
	};
	q->w = (struct svc_write){.action = w->action, .kind = w->kind, .apply = w->apply};
	if (argsz)
		q->w.arg = memcpy(arena_alloc(a, argsz), w->arg, argsz);
	q->r = (struct run){.who = &q->who, .w = &q->w, .a = a};
	store_run_queued(s, queued_tx, q, queued_free);
}

struct principal svc_system_principal(const char *area)
{
	return (struct principal){.username = "(cli)", .role = ROLE_ADMIN, .area = area};
}

bool svc_is_system(const struct principal *who)
{
	return !who->user_id && !who->observation_id;
}

bool svc_in_scope(const struct svc_ctx *x, const char *area)
{
	return area && area_code_in_scope(x->who->area, area);
}

enum store_status svc_event(struct svc_ctx *x, const char *person_id, const char *kind,
			    const char *area, const char *detail, int64_t now)
{
	struct person_event_new ev = {
		.person_id = person_id,
		.kind = kind,
		.user_id = x->who->user_id,
		.username = x->who->username,
		.area = area,
		.detail = detail,
		.now = now,
	};
	return store_tx_person_event(x->tx, &ev);
}

enum store_status svc_audit_more(struct svc_ctx *x, const char *action, const char *object_type,
				 const char *object_id, const char *area, const char *after)
{
	struct audit_entry e = {
		.user_id = x->who->user_id,
		.username = x->who->username,
		.ip = x->who->ip,
		.request_id = x->who->request_id,
		.action = action,
		.object_type = object_type,
		.object_id = object_id,
		.area = area,
		.after = after,
		.result = "ok",
	};
	return store_tx_audit(x->tx, &e);
}

enum store_status svc_changed(struct svc_ctx *x, const char *type, const char *id, const char *area,
			      const char *before, const char *after)
{
	x->object_id = id;
	x->audit.object_type = type;
	x->audit.area = arena_strdup(x->a, area);
	x->audit.before = before;
	x->audit.after = after;
	return STORE_OK;
}

const char *svc_json(struct svc_ctx *x, void *o)
{
	char *txt;
	const char *r;

	if (!o)
		return NULL;
	txt = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!txt)
		fk_oom();
	r = arena_strdup(x->a, txt);
	free(txt);
	return r;
}
