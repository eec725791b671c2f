/* api_card — contact cards (联系卡) of persons under observation: who to call, the duty
 * phone of the township, and the self-report link with its QR code; one card or a village's
 * cards to print. Reading a card is audited; a card whose token must be reissued writes it
 * through the service (svc_card.c). */
#include <stdio.h>
#include <string.h>

#include "api/api_obs.h"
#include "http/ratelimit.h"
#include "util/qr.h"
#include "util/secret.h"
#include "util/timeutil.h"

/* ---- contact cards ---- */

/* The self-report link of an active observation, reissued (svc_card_token) when this
 * server cannot open the sealed copy (a database moved without its key file). The reissue
 * waits for its commit: the card routes are ROUTE_SLOW so that it waits on a worker, never
 * on an HTTP thread (the token itself is made when the observation is placed). */
static const char *self_url(struct req *r, const struct observation *o)
{
	char token[TOKEN_LEN + 1];

	if (!token_open(r->srv->key, o->token_box, token)) {
		struct principal who = api_principal(r);
		if (svc_card_token(r->srv->store, &who, r->srv->key, o->id, r->a, token) !=
		    STORE_OK)
			return NULL;
	}
	/* never this request's Host as it came: see server_link_base */
	return arena_printf(r->a, "%s/r/%s", server_link_base(r), token);
}

/* The township's duty phone (else the county's). Cards of one township share it: the last
 * answer is kept for the next card. */
struct hotline {
	char township[AREA_CODE_MAX + 1];
	const char *phone, *name;
};

static void hotline(struct req *r, const char *area, struct hotline *h)
{
	static const size_t lens[2] = {9, 6};
	const char *phone, *name;

	if (*h->township && !strncmp(h->township, area, strlen(h->township)))
		return;
	snprintf(h->township, sizeof h->township, "%.9s", area);
	h->phone = h->name = "";
	for (int i = 0; i < 2; i++) {
		if (strlen(area) < lens[i])
			continue;
		char *code = arena_strndup(r->a, area, lens[i]);
		if (svc_ref_duty_phone(r->srv->store, code, r->a, &phone, &name) == STORE_OK &&
		    *phone) {
			h->phone = phone;
			h->name = name;
			return;
		}
	}
}

static json_t *card_json(struct req *r, const struct observation *o, int today, struct hotline *h)
{
	const char *url = self_url(r, o);

	hotline(r, o->area, h);
	return json_pack("{s:o, s:s, s:s, s:o, s:o}", "observation", api_obs_json(o, today),
			 "hotline", h->phone, "hotline_area", h->name, "url", json_str_or_null(url),
			 "qr_svg", json_str_or_null(url ? qr_svg(url, r->a) : NULL));
}

static void audit_cards(struct req *r, const char *object_id, const char *area)
{
	struct principal who = api_principal(r);

	svc_read_audit(r->srv->store, &who, "observation.card", object_id ? "observation" : "area",
		       object_id ? object_id : area, area, NULL, false);
}

void api_obs_card(struct req *r)
{
	struct observation o;
	int today = api_obs_today_of(time_now());

	if (!api_obs_load(r, r->match.params[0], today, &o))
		return;
	if (strcmp(o.status, "active")) {
		reply_error(r, ERR_OBS_ENDED, NULL);
		return;
	}
	audit_cards(r, o.id, o.area);
	json_t *arr = json_array();
	struct hotline h = {0};
	json_array_append_new(arr, card_json(r, &o, today, &h));
	reply_json(r, 200, json_pack("{s:o}", "items", arr));
}

void api_cards(struct req *r)
{
	struct obs_query q = {
		.now = time_now(), .status = "active", .limit = CARDS_MAX, .with_token = true};
	struct principal who = api_principal(r);
	struct observation *v;
	size_t n;
	int64_t total;
	enum store_status st;

	q.today = api_obs_today_of(q.now);
	if (!api_area_query(r, &q.area))
		return;
	st = svc_obs_list(r->srv->store, &who, &q, api_obs_policy_of(r), r->a, &v, &n, &total);
	if (st != STORE_OK) {
		api_list_error(r, st, ERR_OBS_NOT_FOUND);
		return;
	}
	audit_cards(r, NULL, q.area ? q.area : who.area);
	json_t *arr = json_array();
	struct hotline h = {0};
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, card_json(r, &v[i], q.today, &h));
	api_reply_list(r, arr, total);
}
