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
	if ((ss = w->apply(&r->x)) != STORE_OK)
		return ss;
	struct audit_entry e = audit_of(r);
	if ((ss = store_tx_audit(tx, &e)) != STORE_OK)
		return ss;
	if (w->idem && (ss = store_tx_idem_save(tx, w->idem, kind_of(w),
						r->x.object_id ? r->x.object_id : "")) != STORE_OK)
		return ss;
	return w->answer ? w->answer(&r->x) : STORE_OK;
}

enum store_status svc_run(struct store *s, const struct principal *who, const struct svc_write *w,
			  struct arena *a, bool *replayed)
{
	struct run r = {who, w, a, {0}};
	enum store_status ss = STORE_BUSY;

	for (int i = 0; i <= SVC_BUSY_RETRIES && ss == STORE_BUSY; i++) {
		if (i)
			log_warn("%s: the transaction did not commit, running it again (%d)",
				 w->action, i);
		ss = store_run(s, in_tx, &r);
	}
	if (replayed)
		*replayed = ss == STORE_OK && r.x.replayed;
	return ss;
}

bool svc_in_scope(const struct svc_ctx *x, const char *area)
{
	return area && area_code_in_scope(x->who->area, area);
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
