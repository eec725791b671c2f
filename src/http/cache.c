#include "http/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

enum { NBUCKETS = 1024 };

struct entry {
	struct entry *next;
	uint64_t gen;
	size_t len;
	char *body;
	char key[];
};

struct rcache {
	pthread_mutex_t mu;
	size_t max, count;
	struct entry *bucket[NBUCKETS];
};

static unsigned hash(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % NBUCKETS;
}

struct rcache *rcache_new(size_t max_entries)
{
	struct rcache *c = xcalloc(1, sizeof *c);

	pthread_mutex_init(&c->mu, NULL);
	c->max = max_entries;
	return c;
}

static void clear(struct rcache *c)
{
	for (int i = 0; i < NBUCKETS; i++) {
		struct entry *e = c->bucket[i], *next;
		for (; e; e = next) {
			next = e->next;
			free(e->body);
			free(e);
		}
		c->bucket[i] = NULL;
	}
	c->count = 0;
}

void rcache_free(struct rcache *c)
{
	if (!c)
		return;
	clear(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

bool rcache_get(struct rcache *c, const char *key, uint64_t gen, char **body, size_t *len)
{
	bool hit = false;

	pthread_mutex_lock(&c->mu);
	for (struct entry *e = c->bucket[hash(key)]; e; e = e->next) {
		if (!strcmp(e->key, key)) {
			if (e->gen == gen) {
				*body = memcpy(xmalloc(e->len), e->body, e->len);
				*len = e->len;
				hit = true;
			}
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void rcache_put(struct rcache *c, const char *key, uint64_t gen, const char *body, size_t len)
{
	unsigned b = hash(key);
	struct entry *e;

	pthread_mutex_lock(&c->mu);
	for (e = c->bucket[b]; e; e = e->next)
		if (!strcmp(e->key, key))
			break;
	if (!e) {
		if (c->count >= c->max)
			clear(c);
		e = xcalloc(1, sizeof *e + strlen(key) + 1);
		memcpy(e->key, key, strlen(key) + 1);
		e->next = c->bucket[b];
		c->bucket[b] = e;
		c->count++;
	}
	if (gen >= e->gen) {
		free(e->body);
		e->body = memcpy(xmalloc(len ? len : 1), body, len);
		e->len = len;
		e->gen = gen;
	}
	pthread_mutex_unlock(&c->mu);
}
