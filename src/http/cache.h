/* cache — finished response bodies of read-mostly data, keyed by a string.
 *
 * Each entry is stamped with the data generation it was built from; a look-up with a
 * newer generation misses. The store bumps the generation only after a change committed,
 * and a builder reads the generation before reading the data, so a stale body can only be
 * stamped with an old generation and never served after the change. The cache is
 * cleared when it reaches its entry cap. Thread-safe. */
#ifndef FK_CACHE_H
#define FK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rcache;

struct rcache *rcache_new(size_t max_entries);
void rcache_free(struct rcache *c);
/* A malloc'd copy of the body for key at generation gen; the caller frees it. */
bool rcache_get(struct rcache *c, const char *key, uint64_t gen, char **body, size_t *len);
void rcache_put(struct rcache *c, const char *key, uint64_t gen, const char *body, size_t len);

#endif
