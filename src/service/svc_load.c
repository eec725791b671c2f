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
};

static enum store_status apply_areas(struct svc_ctx *x)
{
	const struct load_in *in = x->arg;
	int64_t now = time_now();
	enum store_status ss;

	if (!svc_is_system(x->who))
		return STORE_INVALID;
	for (size_t i = 0; i < in->n; i++) {
		if (!svc_in_scope(x, in->seeds[i].code))
			return STORE_INVALID;
		if ((ss = store_tx_area_official(x->tx, &in->seeds[i], now)) != STORE_OK)
			return ss;
	}
	x->object_id = x->who->area;
	x->audit.object_type = "area";
	x->audit.after = svc_json(x, json_pack("{s:I}", "areas", (json_int_t)in->n));
	return STORE_OK;
}

enum store_status svc_area_load(struct store *s, const struct principal *who,
				const struct area_seed *seeds, size_t n, struct arena *a)
{
	struct load_in in = {seeds, n};
	struct svc_write w = {"areas.load", NULL, NULL, apply_areas, NULL, &in};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	if (ss == STORE_OK)
		store_area_changed(s);
	return ss;
}

static enum store_status apply_divisions(struct svc_ctx *x)
{
	const struct load_in *in = x->arg;
	enum store_status ss;

	if (!svc_is_system(x->who))
		return STORE_INVALID;
	for (size_t i = 0; i < in->n; i++)
		if ((ss = store_tx_division_put(x->tx, &in->seeds[i])) != STORE_OK)
			return ss;
	x->audit.object_type = "division";
	x->audit.after = svc_json(x, json_pack("{s:I}", "divisions", (json_int_t)in->n));
	return STORE_OK;
}

enum store_status svc_division_load(struct store *s, const struct principal *who,
				    const struct area_seed *seeds, size_t n, struct arena *a)
{
	struct load_in in = {seeds, n};
	struct svc_write w = {"divisions.load", NULL, NULL, apply_divisions, NULL, &in};

	return svc_run(s, who, &w, a, NULL);
}
