/* svc_grid — a village's grid rules (domain/grid_rule.h): which of its grids covers which
 * groups, roads, compounds and house numbers, so that an address resolves down to the
 * grid worker who goes to the door. The list of a village is replaced whole by the
 * commander or cadre of the village or above (the route's area.write); every grid a rule
 * names is a grid of that village, checked in the writing transaction with the scope. The
 * audit row holds the list before and after. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/address.h"
#include "domain/grid_rule.h"
#include "service/service.h"

struct grid_io {
	const char *village;
	const struct grid_rule_row *in;
	size_t n;
	struct grid_rule_row **out;
	size_t *nout;
};

static const char *rules_json(struct svc_ctx *x, const struct grid_rule_row *v, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:i, s:i, s:s}", "grid",
						     v[i].grid, "kind", v[i].kind, "name",
						     v[i].name ? v[i].name : "", "from", v[i].from,
						     "to", v[i].to, "parity", v[i].parity));
	return svc_json(x, arr);
}

/* Whether grid is a grid of the village (STORE_INVALID when not). */
static enum store_status grid_of_village(struct svc_ctx *x, const char *village, const char *grid)
{
	enum area_level level = AREA_LEVEL_INVALID;
	const char *name;
	enum store_status ss;

	if (strlen(grid) != 15 || strncmp(grid, village, 12))
		return STORE_INVALID;
	ss = store_tx_area_parent(x->tx, grid, x->a, &level, &name);
	if (ss == STORE_NOT_FOUND)
		return STORE_INVALID;
	if (ss != STORE_OK)
		return ss;
	return level == AREA_LEVEL_GRID ? STORE_OK : STORE_INVALID;
}

static enum store_status apply_put(struct svc_ctx *x)
{
	struct grid_io *io = x->arg;
	enum area_level level = AREA_LEVEL_INVALID;
	struct grid_rule_row *before;
	size_t nbefore;
	const char *name;
	enum store_status ss;

	if (!svc_in_scope(x, io->village))
		return svc_deny(x->who, "area", io->village, NULL);
	if ((ss = store_tx_area_parent(x->tx, io->village, x->a, &level, &name)) != STORE_OK)
		return ss == STORE_NOT_FOUND ? svc_deny(x->who, "area", io->village, NULL) : ss;
	if (level != AREA_LEVEL_VILLAGE)
		return STORE_INVALID;
	if ((ss = store_tx_grid_rules(x->tx, io->village, x->a, &before, &nbefore)) != STORE_OK ||
	    (ss = store_tx_grid_rules_clear(x->tx, io->village)) != STORE_OK)
		return ss;
	for (size_t i = 0; i < io->n; i++) {
		struct grid_rule_row r = io->in[i];
		memcpy(r.village, io->village, strlen(io->village) + 1);
		if ((ss = grid_of_village(x, io->village, r.grid)) != STORE_OK ||
		    (ss = store_tx_grid_rule_add(x->tx, (int)i + 1, &r)) != STORE_OK)
			return ss;
	}
	if ((ss = store_tx_area_changed(x->tx)) != STORE_OK)
		return ss;
	return svc_changed(x, "grid_rules", io->village, io->village,
			   rules_json(x, before, nbefore), rules_json(x, io->in, io->n));
}

/* The list as stored: after the change, or as it is for a replay. */
static enum store_status answer_rules(struct svc_ctx *x)
{
	struct grid_io *io = x->arg;

	return store_tx_grid_rules(x->tx, io->village, x->a, io->out, io->nout);
}

enum store_status svc_grid_rules_put(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const char *village,
				     const struct grid_rule_row *rules, size_t n, struct arena *a,
				     struct grid_rule_row **out, size_t *nout, bool *replayed)
{
	struct grid_io io = {village, rules, n, out, nout};
	struct svc_write w = {"grid_rules.put", NULL, idem, apply_put, answer_rules, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	if (ss == STORE_OK) /* caches of area data (resolution indexes) miss */
		store_area_changed(s);
	return ss;
}

enum store_status svc_grid_rules(struct store *s, const struct principal *who, const char *area,
				 struct arena *a, struct grid_rule_row **out, size_t *n)
{
	enum store_status ss = svc_scope_check(who, area, NULL);

	if (ss != STORE_OK)
		return ss;
	if (!store_area_exists(s, area)) /* no rules of an area that is not there */
		return STORE_NOT_FOUND;
	return store_grid_rules(s, area, GRID_RULES_MAX * 50, a, out, n);
}

/* The domain's view of stored rows (texts borrowed from rows). */
struct grid_rule *svc_grid_rules_domain(const struct grid_rule_row *rows, size_t n, struct arena *a,
					size_t *nout)
{
	struct grid_rule *v = arena_alloc(a, (n ? n : 1) * sizeof *v);
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct grid_rule g = {rows[i].grid, GRID_RULE_GROUP, rows[i].name,
				      rows[i].from, rows[i].to,      GRID_RULE_ALL};
		if (!grid_rule_kind_parse(rows[i].kind, &g.kind) ||
		    !grid_rule_parity_parse(rows[i].parity, &g.parity))
			continue;
		v[k++] = g;
	}
	*nout = k;
	return v;
}

enum store_status svc_county_index(struct store *s, const char *area, struct arena *a,
				   struct addr_index **out, struct area_seed **areas_out,
				   size_t *nareas)
{
	struct area_seed *areas;
	struct grid_rule_row *rows;
	struct addr_area *aa;
	struct grid_rule *rules;
	size_t na, nr;
	char county[7];
	enum store_status ss;

	*out = NULL;
	snprintf(county, sizeof county, "%.6s", area);
	if ((ss = store_area_under(s, county, a, &areas, &na)) != STORE_OK ||
	    (ss = store_grid_rules(s, county, SIZE_MAX, a, &rows, &nr)) != STORE_OK)
		return ss; /* unscoped: the names of areas and which grid covers which place */
	aa = arena_alloc(a, (na ? na : 1) * sizeof *aa);
	for (size_t i = 0; i < na; i++)
		aa[i] = (struct addr_area){areas[i].code, areas[i].name};
	rules = svc_grid_rules_domain(rows, nr, a, &nr);
	*out = addr_index_new_ruled(aa, na, rules, nr);
	if (areas_out) {
		*areas_out = areas;
		*nareas = na;
	}
	return STORE_OK;
}

enum store_status svc_grid_of_address(struct store *s, const char *village, const char *address,
				      struct arena *a, char grid[16])
{
	struct grid_rule_row *rows;
	struct grid_rule *rules;
	size_t n;
	enum store_status ss;

	grid[0] = '\0';
	if (area_code_level(village) != AREA_LEVEL_VILLAGE || !address || !*address)
		return STORE_OK;
	if ((ss = store_grid_rules(s, village, GRID_RULES_MAX, a, &rows, &n)) != STORE_OK)
		return ss; /* unscoped: the caller has checked the village */
	rules = svc_grid_rules_domain(rows, n, a, &n);
	grid_rule_match(rules, n, village, address, grid);
	return STORE_OK;
}
