/* svc_area — the area tree's local part: grids under villages and groups under grids,
 * created and described by the commanders above them. A new area is coded parent + the
 * next 3 digits (area_code_child), so "this area and below" stays a prefix of codes;
 * sibling names are unique; official areas (from the national division list) keep their
 * names. Every area written or read for a write lies in the caller's scope, checked in the
 * writing transaction. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "util/timeutil.h"

struct area_io {
	const char *code;
	const struct area_new *in;
	const struct area_patch *p;
	struct area *out;
};

/* The audit text of an area: its fields, keys sorted. */
static const char *area_json(struct svc_ctx *x, const struct area *ar)
{
	return svc_json(x, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "code", ar->code,
				     "duty_phone", ar->duty_phone, "name", ar->name, "parent",
				     ar->parent, "responsible_name", ar->responsible_name,
				     "responsible_phone", ar->responsible_phone));
}

/* The next child code of parent; STORE_INVALID when its 999 are used. */
static enum store_status next_child(struct svc_ctx *x, const char *parent, char *code, size_t sz)
{
	char last[AREA_CODE_MAX + 1];
	unsigned seq = 1;
	enum store_status ss = store_tx_area_last_child(x->tx, parent, last, sizeof last);
	size_t len = strlen(last);

	if (ss != STORE_OK)
		return ss;
	if (len)
		seq = (unsigned)strtoul(last + (len >= 3 ? len - 3 : 0), NULL, 10) + 1;
	return area_code_child(parent, seq, code, sz) ? STORE_OK : STORE_INVALID;
}

static enum store_status apply_create(struct svc_ctx *x)
{
	struct area_io *io = x->arg;
	const struct area_new *in = io->in;
	char *code = arena_alloc(x->a, AREA_CODE_MAX + 1);
	enum area_level plevel = AREA_LEVEL_INVALID;
	const char *pname = "";
	int64_t now = time_now();
	enum store_status ss;

	if (!svc_in_scope(x, in->parent))
		return svc_deny(x->who, "area", in->parent, "parent");
	if ((ss = store_tx_area_parent(x->tx, in->parent, x->a, &plevel, &pname)) != STORE_OK)
		return ss;
	if (plevel != AREA_LEVEL_VILLAGE && plevel != AREA_LEVEL_GRID)
		return STORE_INVALID;
	if ((ss = store_tx_area_sibling_taken(x->tx, in->parent, in->name, NULL)) != STORE_OK ||
	    (ss = next_child(x, in->parent, code, AREA_CODE_MAX + 1)) != STORE_OK ||
	    (ss = store_tx_area_insert(x->tx, code, in, now)) != STORE_OK ||
	    (ss = store_tx_area_changed(x->tx)) != STORE_OK)
		return ss;
	/* the new area as inserted, without reading it back */
	struct area *out = io->out;
	memset(out, 0, sizeof *out);
	memcpy(out->code, code, strlen(code) + 1);
	memcpy(out->parent, in->parent, strlen(in->parent) + 1);
	out->level = area_code_level(code);
	out->name = in->name;
	out->parent_name = pname;
	out->responsible_name = in->responsible_name ? in->responsible_name : "";
	out->responsible_phone = in->responsible_phone ? in->responsible_phone : "";
	out->duty_phone = in->duty_phone ? in->duty_phone : "";
	out->updated_at = now;
	return svc_changed(x, "area", code, code, NULL, area_json(x, out));
}

/* A replay answers the area as it is (a first run read it in apply). */
static enum store_status answer_area(struct svc_ctx *x)
{
	struct area_io *io = x->arg;

	return x->replayed ? store_tx_area_read(x->tx, x->object_id, x->a, io->out) : STORE_OK;
}

enum store_status svc_area_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct area_new *in,
				  struct arena *a, struct area *out, bool *replayed)
{
	struct area_io io = {.in = in, .out = out};
	struct svc_write w = {"area.create", "area", idem, apply_create, answer_area, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	if (ss == STORE_OK)
		store_area_changed(s);
	return ss;
}

static enum store_status apply_update(struct svc_ctx *x)
{
	struct area_io *io = x->arg;
	const struct area_patch *p = io->p;
	struct area before;
	int64_t now = time_now();
	enum store_status ss;

	if (!svc_in_scope(x, io->code))
		return svc_deny(x->who, "area", io->code, NULL);
	if ((ss = store_tx_area_read(x->tx, io->code, x->a, &before)) != STORE_OK)
		return ss;
	if (p->name && strcmp(p->name, before.name)) {
		if (before.official)
			return STORE_INVALID;
		if ((ss = store_tx_area_sibling_taken(x->tx, before.parent, p->name,
						      before.code)) != STORE_OK)
			return ss;
	}
	struct area_patch all = {
		.name = p->name ? p->name : before.name,
		.responsible_name =
			p->responsible_name ? p->responsible_name : before.responsible_name,
		.responsible_phone =
			p->responsible_phone ? p->responsible_phone : before.responsible_phone,
		.duty_phone = p->duty_phone ? p->duty_phone : before.duty_phone,
	};
	if ((ss = store_tx_area_set(x->tx, io->code, &all, now)) != STORE_OK ||
	    (ss = store_tx_area_read(x->tx, io->code, x->a, io->out)) != STORE_OK ||
	    (ss = store_tx_area_changed(x->tx)) != STORE_OK)
		return ss;
	return svc_changed(x, "area", io->code, io->code, area_json(x, &before),
			   area_json(x, io->out));
}

enum store_status svc_area_update(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *code,
				  const struct area_patch *p, struct arena *a, struct area *out,
				  bool *replayed)
{
	struct area_io io = {.code = code, .p = p, .out = out};
	struct svc_write w = {"area.update", NULL, idem, apply_update, answer_area, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	if (ss == STORE_OK)
		store_area_changed(s);
	return ss;
}
