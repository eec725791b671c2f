/* api_obs.h — what the handlers of home observation share (api_obs.c, api_visit.c,
 * api_alert.c, api_card.c): limits of their fields, the policy in force, and the JSON of a
 * visit, an alert and a service request. */
#ifndef FK_API_OBS_H
#define FK_API_OBS_H

#include "api/api.h"

enum {
	NOTE_MAX = 500,
	REASON_MAX = 200,
	PLACE_MAX = 200,
	TEXT_MAX = 100,
	HOUSEHOLD_MAX = 20,
	CARDS_MAX = 2000,
	SERVICE_DUE_HOURS = 12,
};

/* The observation policy in force (the server's). */
const struct obs_policy *api_obs_policy_of(struct req *r);
/* The local date (Asia/Shanghai) of a time. */
int api_obs_today_of(int64_t now);
/* The {id} observation, in scope: false when a reply (404) was sent. */
bool api_obs_load(struct req *r, const char *id, int today, struct observation *o);
/* Field readers of the observation bodies: false when a reply (400) was sent. */
bool api_obs_time_field(struct req *r, const char *field, enum err bad, int64_t *out, bool *given);
bool api_obs_enum_field(struct req *r, const char *field, const char *const *list, bool required,
			const char **out);
bool api_obs_text_field(struct req *r, const char *field, size_t max, bool required,
			const char **out);
json_t *api_visit_json(struct req *r, const struct visit *v);
json_t *api_alert_json(const struct alert *al);
json_t *api_service_json(const struct service *s, int64_t now);

#endif
