/* svc_obs_read — reading home observations, their alerts and service requests, and the
 * board through the one read path (service.h). An alert or a request is the caller's when
 * it and its observation lie in scope; an observation's record (visits, alerts, services,
 * days) is read with it in one snapshot, and the read is audited here. */
#include <string.h>

#include "service/service.h"

/* A list's scope: the caller's, narrowed to area when given (which must lie in it). */
static enum store_status list_scope(const struct principal *who, const char *area,
				    const char **scope)
{
	*scope = who->area;
	return area ? svc_scope_check(who, area, "area") : STORE_OK;
}

enum store_status svc_obs_get(struct store *s, const struct principal *who, const char *id,
			      int date, struct arena *a, struct observation *out)
{
	return svc_seen(who, store_obs_get(s, id, date, a, out), out->area, "observation", id);
}

struct detail_view {
	const struct principal *who;
	const char *id;
	int date;
	struct arena *a;
	struct obs_detail *out;
};

static enum store_status detail_in(struct store_tx *tx, void *p)
{
	struct detail_view *x = p;
	struct obs_detail *d = x->out;
	enum store_status st;

	if ((st = store_tx_obs_read(tx, x->id, x->date, x->a, &d->obs)) != STORE_OK)
		return st;
	if (!svc_sees(x->who, d->obs.area))
		return svc_deny(x->who, "observation", x->id, NULL);
	d->obs.token_box = ""; /* the sealed token is for cards only */
	return store_tx_obs_detail(tx, x->id, x->a, &d->visits, &d->nvisits, &d->alerts,
				   &d->nalerts, &d->services, &d->nservices, &d->days, &d->ndays);
}

enum store_status svc_obs_detail(struct store *s, const struct principal *who, const char *id,
				 int date, struct arena *a, struct obs_detail *out)
{
	struct detail_view x = {who, id, date, a, out};
	enum store_status st = store_view(s, detail_in, &x);

	if (st == STORE_OK)
		svc_read_audit(s, who, "observation.read", "observation", out->obs.id,
			       out->obs.area, NULL, false);
	return st;
}

enum store_status svc_obs_list(struct store *s, const struct principal *who, struct obs_query *q,
			       const struct obs_policy *pol, struct arena *a,
			       struct observation **out, size_t *n, int64_t *total)
{
	enum store_status st = list_scope(who, q->area, &q->scope);

	return st != STORE_OK ? st : store_obs_list(s, q, pol, a, out, n, total);
}

enum store_status svc_obs_board(struct store *s, const struct principal *who, const char *area,
				const struct obs_policy *pol, int today, int64_t now,
				struct arena *a, struct obs_board_row *out,
				struct obs_board_row **children, size_t *nchildren)
{
	enum store_status st;

	if (!area)
		area = who->area;
	if ((st = svc_scope_check(who, area, "area")) != STORE_OK)
		return st;
	return store_obs_board(s, area, pol, today, now, a, out, children, nchildren);
}

/* ---- alerts and service requests: in scope with their observation ---- */

struct owned_view {
	const struct principal *who;
	const char *type, *id;
	struct arena *a;
	void *out; /* struct alert or struct service, as type says */
};

/* The alert or request x->id, read into x->out, then checked: it and its observation must
 * lie in the caller's scope. */
static enum store_status owned_in(struct store_tx *tx, void *p)
{
	struct owned_view *x = p;
	bool alert = !strcmp(x->type, "alert");
	struct alert *al = x->out;
	struct service *sv = x->out;
	struct observation o;
	enum store_status st = alert ? store_tx_alert_read(tx, x->id, x->a, al)
				     : store_tx_service_read(tx, x->id, x->a, sv);

	if (st != STORE_OK)
		return st;
	if (!svc_sees(x->who, alert ? al->area : sv->area))
		return svc_deny(x->who, x->type, x->id, NULL);
	st = store_tx_obs_read(tx, alert ? al->observation_id : sv->observation_id, 0, x->a, &o);
	if (st != STORE_OK)
		return st;
	return svc_sees(x->who, o.area) ? STORE_OK : svc_deny(x->who, x->type, x->id, NULL);
}

enum store_status svc_alert_get(struct store *s, const struct principal *who, const char *id,
				struct arena *a, struct alert *out)
{
	struct owned_view x = {.who = who, .type = "alert", .id = id, .a = a, .out = out};
	return store_view(s, owned_in, &x);
}

enum store_status svc_service_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct service *out)
{
	struct owned_view x = {.who = who, .type = "service", .id = id, .a = a, .out = out};
	return store_view(s, owned_in, &x);
}

enum store_status svc_alert_list(struct store *s, const struct principal *who,
				 struct alert_query *q, struct arena *a, struct alert **out,
				 size_t *n, int64_t *total)
{
	enum store_status st = list_scope(who, q->area, &q->scope);

	return st != STORE_OK ? st : store_alert_list(s, q, a, out, n, total);
}

enum store_status svc_service_list(struct store *s, const struct principal *who,
				   struct service_query *q, struct arena *a, struct service **out,
				   size_t *n, int64_t *total)
{
	enum store_status st = list_scope(who, q->area, &q->scope);

	return st != STORE_OK ? st : store_service_list(s, q, a, out, n, total);
}
