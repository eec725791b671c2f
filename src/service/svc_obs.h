/* svc_obs.h — what the observation use cases (svc_obs.c, svc_visit.c) share. */
#ifndef FK_SVC_OBS_H
#define FK_SVC_OBS_H

#include "service/service.h"

struct obs_period svc_obs_period_of(const struct observation *o);
/* The board's per-day counts of one day whose required and filled slots change. */
enum store_status svc_obs_contrib(struct store_tx *tx, const struct obs_policy *pol,
				  const char *area, int date, unsigned req_old, unsigned fill_old,
				  unsigned req_new, unsigned fill_new);
/* The observation, read in the transaction (filled: date's), the caller's: in scope with
 * its person's file, or for a self-report link the one it names; else STORE_DENIED (the
 * denial noted; for a link STORE_NOT_FOUND). */
enum store_status svc_obs_in_scope(struct svc_ctx *x, const char *id, int date,
				   struct observation *o);
/* For an alert or a service request (type, id) of area, read in the transaction: its
 * observation obs_id, read into o, and both the caller's as svc_obs_in_scope says; a
 * refusal names the alert or request. */
enum store_status svc_obs_owner(struct svc_ctx *x, const char *type, const char *id,
				const char *area, const char *obs_id, struct observation *o);
/* The audit before/after and the person's timeline event of a changed period or status. */
enum store_status svc_obs_changed(struct svc_ctx *x, const struct observation *o, const char *event,
				  const char *text_key, const char *text, int64_t now);

#endif
