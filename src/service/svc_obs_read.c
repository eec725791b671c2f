/* svc_obs_read — reading home observations, their alerts and service requests, and the
 * board through the one read path (service.h). An alert or a request is the caller's when
 * it and its observation lie in scope; an observation's record (visits, alerts, services,
 * days) is read with it in one snapshot, and the read is audited here. */
#include "service/service.h"

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
	enum store_status st;

	q->scope = who->area;
	if (q->area && (st = svc_scope_check(who, q->area, "area")) != STORE_OK)
		return st;
	return store_obs_list(s, q, pol, a, out, n, total);
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
	void *out;
	const char *area, *obs_id; /* of the alert or request read */
};

static enum store_status owner_in_scope(struct store_tx *tx, struct owned_view *x)
{
	struct observation o;
	enum store_status st;

	if (!svc_sees(x->who, x->area))
		return svc_deny(x->who, x->type, x->id, NULL);
	if ((st = store_tx_obs_read(tx, x->obs_id, 0, x->a, &o)) != STORE_OK)
		return st;
	return svc_sees(x->who, o.area) ? STORE_OK : svc_deny(x->who, x->type, x->id, NULL);
}

static enum store_status alert_in(struct store_tx *tx, void *p)
{
	struct owned_view *x = p;
	struct alert *al = x->out;
	enum store_status st;

	if ((st = store_tx_alert_read(tx, x->id, x->a, al)) != STORE_OK)
		return st;
	x->area = al->area;
	x->obs_id = al->observation_id;
	return owner_in_scope(tx, x);
}

static enum store_status service_in(struct store_tx *tx, void *p)
{
	struct owned_view *x = p;
	struct service *sv = x->out;
	enum store_status st;

	if ((st = store_tx_service_read(tx, x->id, x->a, sv)) != STORE_OK)
		return st;
	x->area = sv->area;
	x->obs_id = sv->observation_id;
	return owner_in_scope(tx, x);
}

enum store_status svc_alert_get(struct store *s, const struct principal *who, const char *id,
				struct arena *a, struct alert *out)
{
	struct owned_view x = {.who = who, .type = "alert", .id = id, .a = a, .out = out};
	return store_view(s, alert_in, &x);
}

enum store_status svc_service_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct service *out)
{
	struct owned_view x = {.who = who, .type = "service", .id = id, .a = a, .out = out};
	return store_view(s, service_in, &x);
}

enum store_status svc_alert_list(struct store *s, const struct principal *who,
				 struct alert_query *q, struct arena *a, struct alert **out,
				 size_t *n, int64_t *total)
{
	enum store_status st;

	q->scope = who->area;
	if (q->area && (st = svc_scope_check(who, q->area, "area")) != STORE_OK)
		return st;
	return store_alert_list(s, q, a, out, n, total);
}

enum store_status svc_service_list(struct store *s, const struct principal *who,
				   struct service_query *q, struct arena *a, struct service **out,
				   size_t *n, int64_t *total)
{
	enum store_status st;

	q->scope = who->area;
	if (q->area && (st = svc_scope_check(who, q->area, "area")) != STORE_OK)
		return st;
	return store_service_list(s, q, a, out, n, total);
}
