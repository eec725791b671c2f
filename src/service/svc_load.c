/* svc_load — the system's loads of reference data (fangkong init): the county's official
 * area tree and the national division list. Only the system loads them
 * (svc_system_principal): an account never does. The backend upserts one row per call;
 * the whole load is one transaction, so an interrupted init leaves nothing half loaded. */
#include <jansson.h>

#include "service/service.h"
#include "util/timeutil.h"

struct load_in {
	const struct area_seed *seeds;
	size_t n;
	bool areas; /* the official area tree; else the national divisions */
};

static enum store_status apply_load(struct svc_ctx *x)
{
	const struct load_in *in = x->arg;
	int64_t now = time_now();
	enum store_status ss = STORE_OK;

	if (!svc_is_system(x->who))
		return STORE_INVALID;
	for (size_t i = 0; i < in->n && ss == STORE_OK; i++) {
		if (!in->areas)
			ss = store_tx_division_put(x->tx, &in->seeds[i]);
		else if (!svc_in_scope(x, in->seeds[i].code))
			ss = STORE_INVALID;
		else
			ss = store_tx_area_official(x->tx, &in->seeds[i], now);
	}
	if (ss == STORE_OK && in->areas)
		ss = store_tx_area_changed(x->tx);
	svc_changed(x, in->areas ? "area" : "division", in->areas ? x->who->area : NULL, NULL, NULL,
		    svc_json(x, json_pack("{s:I}", in->areas ? "areas" : "divisions",
					  (json_int_t)in->n)));
	return ss;
}

enum store_status svc_area_load(struct store *s, const struct principal *who,
				const struct area_seed *seeds, size_t n, struct arena *a)
{
	struct load_in in = {seeds, n, true};
	struct svc_write w = {"areas.load", NULL, NULL, apply_load, NULL, &in};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	if (ss == STORE_OK)
		store_area_changed(s);
	return ss;
}

enum store_status svc_division_load(struct store *s, const struct principal *who,
				    const struct area_seed *seeds, size_t n, struct arena *a)
{
	struct load_in in = {seeds, n, false};
	struct svc_write w = {"divisions.load", NULL, NULL, apply_load, NULL, &in};

	return svc_run(s, who, &w, a, NULL);
}
