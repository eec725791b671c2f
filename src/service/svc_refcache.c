/* svc_refcache — a county's reading context, built once and shared.
 *
 * Reading a person as an imported row (domain/returnee.h) needs the county's address index
 * with its villages' grid rules, the national divisions (to resolve an origin) and the key
 * areas. Built per request, that is some 3,000 division rows and every area of the county
 * read and indexed for each registration at a checkpoint — most of its CPU. Here it is built
 * once per county and area generation (store_area_changed: an area, a grid rule or a key
 * area changed, or a county loaded) and shared: the index is never written once built, so
 * any number of requests read it at once. An entry whose generation is old is taken out of
 * the table at the next look-up and freed when its last reader puts it back.
 *
 * Ownership: svc_reading_get gives a reference; svc_reading_put returns it. Thread-safe. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/address.h"
#include "domain/returnee.h"
#include "service/service.h"

enum { REFCACHE_COUNTIES = 16 };

struct svc_reading {
	char county[7];
	uint64_t gen;
	int refs; /* readers, and the table's own while it is listed */
	struct arena *a;
	struct addr_index *ix;
	struct returnee_division *divisions;
	size_t ndivisions;
	struct returnee_key_area *keys;
	size_t nkeys;
};

struct svc_refcache {
	pthread_mutex_t mu;
	struct svc_reading *e[REFCACHE_COUNTIES];
};

struct svc_refcache *svc_refcache_new(void)
{
	struct svc_refcache *c = calloc(1, sizeof *c);

	if (!c)
		fk_oom();
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

static void reading_free(struct svc_reading *r)
{
	addr_index_free(r->ix);
	arena_free(r->a);
	free(r);
}

void svc_refcache_free(struct svc_refcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < REFCACHE_COUNTIES; i++)
		if (c->e[i] && --c->e[i]->refs == 0)
			reading_free(c->e[i]);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

static enum store_status build(struct store *s, const char *county, uint64_t gen,
			       struct svc_reading **out)
{
	struct svc_reading *r = calloc(1, sizeof *r);
	struct area_seed *divs;
	struct key_area *keys;
	enum store_status ss;

	if (!r)
		fk_oom();
	r->a = arena_new();
	r->gen = gen;
	snprintf(r->county, sizeof r->county, "%s", county);
	if ((ss = svc_county_index(s, county, r->a, &r->ix, NULL, NULL)) != STORE_OK ||
	    (ss = svc_ref_divisions(s, r->a, &divs, &r->ndivisions)) != STORE_OK ||
	    (ss = svc_ref_key_areas(s, r->a, &keys, &r->nkeys)) != STORE_OK) {
		reading_free(r);
		return ss;
	}
	r->divisions =
		arena_alloc(r->a, (r->ndivisions ? r->ndivisions : 1) * sizeof *r->divisions);
	for (size_t i = 0; i < r->ndivisions; i++)
		r->divisions[i] = (struct returnee_division){divs[i].code, divs[i].name};
	r->keys = arena_alloc(r->a, (r->nkeys ? r->nkeys : 1) * sizeof *r->keys);
	for (size_t i = 0; i < r->nkeys; i++)
		r->keys[i] = (struct returnee_key_area){keys[i].code, keys[i].start_date,
							keys[i].end_date};
	*out = r;
	return STORE_OK;
}

enum store_status svc_reading_get(struct svc_refcache *c, struct store *s, const char *area,
				  struct svc_reading **out)
{
	/* the generation before the data: a change committed meanwhile makes this one old */
	uint64_t gen = svc_ref_area_generation(s);
	char county[7];
	struct svc_reading *fresh;
	size_t slot = REFCACHE_COUNTIES;
	enum store_status ss;

	snprintf(county, sizeof county, "%.6s", area);
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < REFCACHE_COUNTIES; i++) {
		struct svc_reading *e = c->e[i];
		if (!e || strcmp(e->county, county))
			continue;
		if (e->gen == gen) {
			e->refs++;
			*out = e;
			pthread_mutex_unlock(&c->mu);
			return STORE_OK;
		}
		c->e[i] = NULL; /* old: its readers keep it until they put it back */
		if (--e->refs == 0)
			reading_free(e);
	}
	pthread_mutex_unlock(&c->mu);
	if ((ss = build(s, county, gen, &fresh)) != STORE_OK)
		return ss;
	fresh->refs = 2; /* the caller's and the table's */
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < REFCACHE_COUNTIES && slot == REFCACHE_COUNTIES; i++)
		if (!c->e[i])
			slot = i;
	if (slot == REFCACHE_COUNTIES) { /* full (a province on one server): take the first */
		slot = 0;
		if (--c->e[0]->refs == 0)
			reading_free(c->e[0]);
	}
	/* another request may have listed the same county meanwhile: both serve, one is kept */
	c->e[slot] = fresh;
	pthread_mutex_unlock(&c->mu);
	*out = fresh;
	return STORE_OK;
}

void svc_reading_put(struct svc_refcache *c, struct svc_reading *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&c->mu);
	if (--r->refs == 0)
		reading_free(r);
	pthread_mutex_unlock(&c->mu);
}

void svc_reading_ctx(const struct svc_reading *r, struct returnee_ctx *ctx)
{
	ctx->addr = r->ix;
	ctx->divisions = r->divisions;
	ctx->ndivisions = r->ndivisions;
	ctx->keys = r->keys;
	ctx->nkeys = r->nkeys;
}
