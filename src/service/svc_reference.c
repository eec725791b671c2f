/* svc_reference — the county's reference lists: key epidemic areas (重点地区). The list
 * decides which returnees every township's imports flag, so it is a county setting: an
 * account below the county cannot change it. */
#include <jansson.h>

#include "service/service.h"

static enum store_status apply_key_area(struct svc_ctx *x)
{
	const struct key_area *k = x->arg;
	enum store_status ss;

	if (area_code_level(x->who->area) != AREA_LEVEL_COUNTY)
		return STORE_INVALID;
	if ((ss = store_tx_key_area_put(x->tx, k)) != STORE_OK ||
	    (ss = store_tx_area_changed(x->tx)) != STORE_OK)
		return ss;
	return svc_changed(
		x, "key_area", k->code, x->who->area, NULL,
		svc_json(x, json_pack("{s:s, s:s, s:i, s:i}", "code", k->code, "name", k->name,
				      "start_date", k->start_date, "end_date", k->end_date)));
}

enum store_status svc_key_area_put(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const struct key_area *k,
				   struct arena *a)
{
	struct svc_write w = {"key_area.put", NULL, idem, apply_key_area, NULL, (void *)k};
	enum store_status ss = svc_run(s, who, &w, a, NULL);

	if (ss == STORE_OK)
		store_area_changed(s); /* the shared reading contexts flag key areas by it */
	return ss;
}
