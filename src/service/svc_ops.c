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
	atomic_init(&c->at_ms, 0);
	atomic_init(&c->last, SVC_READY);
}

void svc_ready_destroy(struct svc_ready_cache *c)
{
	pthread_mutex_destroy(&c->mu);
}

/* The last probe's answer when it is fresh, or when another probe is going on (an anonymous
 * caller in a loop then holds no worker while the writer is slow); else a new probe. Only
 * before the first probe has answered does a caller wait for the one going on. */
enum svc_readiness svc_ready(struct store *s, struct svc_ready_cache *c)
{
	enum svc_readiness r;
	int64_t at = atomic_load(&c->at_ms);

	if (at && time_mono_ms() - at < SVC_READY_CACHE_MS)
		return (enum svc_readiness)atomic_load(&c->last);
	if (pthread_mutex_trylock(&c->mu) != 0) {
		if (at)
			return (enum svc_readiness)atomic_load(&c->last);
		pthread_mutex_lock(&c->mu); /* the first probe: wait for its answer */
	}
	at = atomic_load(&c->at_ms);
	if (at && time_mono_ms() - at < SVC_READY_CACHE_MS) {
		r = (enum svc_readiness)atomic_load(&c->last);
	} else {
		if (store_ready(s, SVC_READY_TIMEOUT_MS) != STORE_OK)
			r = SVC_NOT_WRITABLE;
		else if (store_schema_version(s) != store_schema_latest())
			r = SVC_SCHEMA_MISMATCH;
		else
			r = SVC_READY;
		atomic_store(&c->last, (int)r);
		atomic_store(&c->at_ms, time_mono_ms());
	}
	pthread_mutex_unlock(&c->mu);
	return r;
}
