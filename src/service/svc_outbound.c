/* svc_outbound — messages sent out to an area's group robot (企业微信/钉钉 webhook): the
 * commander's setting (a use case on the runner, audited), the messages a fever queues in
 * its own transaction (masked: never an ID number or a full phone), and the sender thread's
 * two steps — what is due, and each try's result with its backoff — run as the system. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "domain/outbound.h"
#include "service/service.h"

struct config_io {
	const char *area, *kind, *url;
	const char *sms; /* JSON array of duty mobiles, or NULL: kept */
	int64_t now;
};

static enum store_status apply_config(struct svc_ctx *x)
{
	const struct config_io *io = x->arg;
	enum store_status ss;

	struct area ar;

	if (!svc_in_scope(x, io->area))
		return svc_deny(x->who, "area", io->area, NULL);
	if ((ss = store_tx_area_read(x->tx, io->area, x->a, &ar)) != STORE_OK)
		return ss;
	if (io->url && (ss = store_tx_outbound_config_put(x->tx, io->area, io->kind, io->url,
							  io->now)) != STORE_OK)
		return ss;
	if (io->sms &&
	    (ss = store_tx_outbound_sms_put(x->tx, io->area, io->sms, io->now)) != STORE_OK)
		return ss;
	/* the URL is a credential of the group: the audit row says whether one is set, and
	 * how many duty mobiles (not which) */
	json_t *after = json_object();
	if (io->url) {
		json_object_set_new(after, "kind", json_string(io->kind ? io->kind : ""));
		json_object_set_new(after, "webhook", json_boolean(*io->url));
	}
	if (io->sms) {
		json_t *arr = json_loads(io->sms, 0, NULL);
		json_object_set_new(after, "sms_phones",
				    json_integer((json_int_t)json_array_size(arr)));
		json_decref(arr);
	}
	return svc_changed(x, "area", io->area, io->area, NULL, svc_json(x, after));
}

enum store_status svc_outbound_config_put(struct store *s, const struct principal *who,
					  const struct store_idem *idem, const char *area,
					  const char *kind, const char *url, const char *sms_phones,
					  int64_t now, struct arena *a)
{
	struct config_io io = {area, kind, url, sms_phones, now};
	struct svc_write w = {"area.outbound", NULL, idem, apply_config, NULL, &io};

	return svc_run(s, who, &w, a, NULL);
}

enum store_status svc_outbound_config_get(struct store *s, const struct principal *who,
					  const char *area, struct arena *a,
					  struct outbound_config *out)
{
	enum store_status st = svc_scope_check(who, area, NULL);
	char *sms = arena_alloc(a, SVC_SMS_PHONES_JSON);

	if (st != STORE_OK)
		return st;
	if ((st = store_outbound_sms_get(s, area, sms, SVC_SMS_PHONES_JSON)) != STORE_OK)
		return st;
	st = store_outbound_config_get(s, area, a, out);
	out->sms_phones = sms;
	if (st != STORE_NOT_FOUND)
		return st;
	/* no robot: an empty setting of an area that exists */
	*out = (struct outbound_config){.kind = "", .url = "", .sms_phones = sms};
	snprintf(out->area, sizeof out->area, "%s", area);
	return svc_ref_area_exists(s, area) ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status svc_outbound_note(struct svc_ctx *x, const char *area, const char *area_name,
				    const char *title, const char *what, bool once, int64_t now)
{
	char text[512];

	snprintf(text, sizeof text, "【%s】%s：%s（详情请登录系统查看）。", title,
		 area_name && *area_name ? area_name : area, what);
	outbound_mask(text);
	return store_tx_outbound_enqueue(x->tx, area, text, once, now);
}

enum store_status svc_outbound_fever(struct svc_ctx *x, const char *area, const char *area_name,
				     int temp_dc, int64_t now)
{
	char what[128];

	snprintf(what, sizeof what, "体温 %d.%d °C，请医生尽快处置", temp_dc / 10, temp_dc % 10);
	return svc_outbound_note(x, area, area_name, "发热预警", what, false, now);
}

enum store_status svc_outbound_due(struct store *s, int64_t now, int limit, struct arena *a,
				   struct outbound_msg **out, size_t *n)
{
	return store_outbound_due(s, now, limit, a, out, n);
}

struct result_io {
	const struct outbound_msg *m;
	bool ok;
	const char *error;
	int64_t now;
};

static enum store_status apply_result(struct svc_ctx *x)
{
	const struct result_io *io = x->arg;
	int tries = io->m->tries + 1;
	int64_t wait = io->ok ? 0 : outbound_backoff(tries);
	const char *status = io->ok ? "sent" : wait < 0 ? "failed" : "pending";
	char id[24];
	enum store_status ss;

	/* times are whole seconds and the sender looks once a second: one second more makes
	 * the wait at least `wait`, whatever fraction of a second the try ended in */
	ss = store_tx_outbound_result(x->tx, io->m->id, status, tries,
				      io->now + (wait > 0 ? wait + 1 : 0), io->error, io->now);
	if (ss != STORE_OK)
		return ss;
	snprintf(id, sizeof id, "%lld", (long long)io->m->id);
	return svc_changed(x, "outbound", arena_strdup(x->a, id), NULL, NULL,
			   svc_json(x, json_pack("{s:s, s:i, s:s}", "status", status, "tries",
						 tries, "error", io->error ? io->error : "")));
}

enum store_status svc_outbound_result(struct store *s, const struct outbound_msg *m, bool ok,
				      const char *error, int64_t now, struct arena *a)
{
	struct principal sys = svc_system_principal(NULL);
	struct result_io io = {m, ok, error, now};
	struct svc_write w = {"outbound.send", NULL, NULL, apply_result, NULL, &io};

	sys.username = "(sender)";
	return svc_run(s, &sys, &w, a, NULL);
}
