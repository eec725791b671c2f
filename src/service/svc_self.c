/* svc_self — the self-report link (自我申报) on a contact card: a person under
 * observation reports a temperature or asks for a service without an account. The link
 * is a principal of its own: no user, and a scope of exactly the one observation its
 * token named. Every write through it still runs in svc_run (its idempotency key, the
 * observation read and checked in the transaction, the audit row), and an observation
 * that ended since the token was read takes nothing more. */
#include <stdio.h>

#include "service/service.h"

struct principal svc_self_principal(const struct observation *o, const char *ip,
				    const char *request_id)
{
	return (struct principal){
		.role = ROLE_NONE,
		.area = o->area,
		.ip = ip,
		.request_id = request_id,
		.observation_id = o->id,
	};
}

enum store_status svc_self_report(struct store *s, const struct principal *link,
				  const struct store_idem *idem, const struct obs_policy *pol,
				  struct visit *in, const char *alert_id, int64_t now,
				  struct arena *a, struct visit_done *out, bool *replayed)
{
	if (!link->observation_id)
		return STORE_NOT_FOUND;
	snprintf(in->observation_id, sizeof in->observation_id, "%s", link->observation_id);
	in->mode = "self";
	in->self_report = true;
	in->at = now;
	in->by = "";
	return svc_visit_add(s, link, idem, pol, "selfreport.visit", in, alert_id, now, a, out,
			     replayed);
}

enum store_status svc_self_service(struct store *s, const struct principal *link,
				   const struct store_idem *idem, struct service *in, int64_t now,
				   struct arena *a, struct service *out, bool *replayed)
{
	if (!link->observation_id)
		return STORE_NOT_FOUND;
	snprintf(in->observation_id, sizeof in->observation_id, "%s", link->observation_id);
	in->requested_by = "self";
	in->requester = "";
	return svc_service_create(s, link, idem, "selfreport.service", in, now, a, out, replayed);
}
