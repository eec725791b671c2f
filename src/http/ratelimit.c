#include "http/ratelimit.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

enum { NSLOTS = 4096 };

struct slot {
	int64_t window;
	int count;
};

struct ratelimit {
	pthread_mutex_t mu;
	int per_minute;
	struct slot slot[NSLOTS];
};

struct ratelimit *ratelimit_new(int per_minute)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	pthread_mutex_init(&rl->mu, NULL);
	rl->per_minute = per_minute;
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl);
}

bool ratelimit_allow(struct ratelimit *rl, const char *key, int64_t now)
{
	unsigned char h[8];
	struct slot *s;
	bool ok;

	crypto_generichash(h, sizeof h, (const unsigned char *)key, strlen(key), NULL, 0);
	s = &rl->slot[((unsigned)h[0] | (unsigned)h[1] << 8) % NSLOTS];
	pthread_mutex_lock(&rl->mu);
	if (s->window != now / 60) {
		s->window = now / 60;
		s->count = 0;
	}
	ok = ++s->count <= rl->per_minute;
	pthread_mutex_unlock(&rl->mu);
	return ok;
}
