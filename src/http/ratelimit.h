/* ratelimit — fixed one-minute windows per key (a client address), in memory.
 * Keys share a slot when their hashes collide, which only ever limits sooner. */
#ifndef FK_RATELIMIT_H
#define FK_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit;

struct ratelimit *ratelimit_new(int per_minute);
void ratelimit_free(struct ratelimit *rl);
/* Counts one event for key; false when the key is over its limit this minute. */
bool ratelimit_allow(struct ratelimit *rl, const char *key, int64_t now);

#endif
