/* svc_ops — the operations endpoints' view of the store: its metrics and whether it is
 * ready (service.h, "operations"). */
#include "service/service.h"

#include "util/timeutil.h"

void svc_store_metrics(struct store *s, struct store_metrics *out)
{
	store_metrics(s, out);
}

void svc_ready_init(struct svc_ready_cache *c)
{
	pthread_mutex_init(&c->mu, NULL);
	c->at_ms = 0;
	c->last = SVC_READY;
}

void svc_ready_destroy(struct svc_ready_cache *c)
{
	pthread_mutex_destroy(&c->mu);
}

enum svc_readiness svc_ready(struct store *s, struct svc_ready_cache *c)
{
	enum svc_readiness r;
	int64_t now;

	pthread_mutex_lock(&c->mu); /* one probe at a time; the others take its answer */
	now = time_mono_ms();
	if (c->at_ms && now - c->at_ms < SVC_READY_CACHE_MS) {
		r = c->last;
	} else {
		if (store_ready(s, SVC_READY_TIMEOUT_MS) != STORE_OK)
			r = SVC_NOT_WRITABLE;
		else if (store_schema_version(s) != store_schema_latest())
			r = SVC_SCHEMA_MISMATCH;
		else
			r = SVC_READY;
		c->last = r;
		c->at_ms = time_mono_ms();
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}
