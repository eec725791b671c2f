/* ratelimit — how often a client may try, counted in memory.
 *
 * Windows: fixed one-minute windows per key (a client address). Keys share a slot when
 * their hashes collide, which only ever limits sooner. Refusals are counted, not reported
 * one by one: ratelimit_hit says which refusal is the first of its window, and
 * ratelimit_closed hands out, once each, the totals of windows that have ended, so that a
 * flood of refused requests costs the audit trail a few rows per address and minute.
 *
 * Locks: failed attempts per account name and client address. `failures` failures of one
 * name from one address, each within `seconds` of the one before, lock that name for that
 * address only, for `seconds`: a stranger cannot lock a user out of the account. Every
 * name is counted alike, whether an account has it or not, so a lock tells nothing about
 * which names exist. A safety net against guessing from many addresses: the failures of
 * one name from all addresses within one `seconds` window reaching
 * RATELIMIT_NET_ADDRESSES × `failures` lock the name for every address. As one address
 * adds at most `failures` per window (then it is locked for a whole window), that takes
 * at least RATELIMIT_NET_ADDRESSES addresses. An IPv6 client is its /64 network
 * (ratelimit_addr), as one machine usually holds the whole /64.
 *
 * Lock state lives only here, not in the database: it holds names that are no account
 * (often passwords typed into the wrong field), which must not be stored; it is bounded
 * (ratelimit.c); and counting a failure costs no database write. A restart forgets it;
 * the account-wide lock of the net is also written to the database by the caller.
 *
 * Thread-safe. Keys and names are hashed with a key made at ratelimit_new. */
#ifndef FK_RATELIMIT_H
#define FK_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX 51  /* longer keys are reported cut (they still count whole) */
#define RATELIMIT_ADDR_LEN 52 /* ratelimit_addr's output, with the NUL */
#define RATELIMIT_NET_ADDRESSES 10

struct ratelimit;

struct ratelimit *ratelimit_new(int per_minute);
void ratelimit_free(struct ratelimit *rl);

/* ---- windows ---- */

enum rl_verdict {
	RL_ALLOW,
	RL_REFUSE_FIRST, /* the first refusal of this key's window */
	RL_REFUSE,
};

/* Counts one event for key. */
enum rl_verdict ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now);
/* Counts one event for key; false when the key is over its limit this minute. */
bool ratelimit_allow(struct ratelimit *rl, const char *key, int64_t now);

/* A window that has ended with more than one refusal. */
struct rl_closed {
	char key[RATELIMIT_KEY_MAX + 1]; /* the first key seen in that window */
	int64_t from, to;                /* the window (or windows, when merged): [from, to) */
	int refused;
};
/* Fills out with up to cap ended windows not handed out before; returns how many. */
int ratelimit_closed(struct ratelimit *rl, int64_t now, struct rl_closed *out, int cap);

/* ---- locks ---- */

struct lock_rule {
	int failures; /* failures in a row (≥ 1) that lock a name for an address */
	int seconds;  /* how long a lock lasts, and how long a failure is remembered */
};

enum lock_state {
	LOCK_OPEN,    /* the address may try the name */
	LOCK_ADDRESS, /* this address may not try this name until the lock ends */
	LOCK_ACCOUNT, /* the net: no address may log in to this name (tries still count) */
};

/* The part of a client address that names one client: an IPv4 address as it is, the /64
 * network of an IPv6 address ("2001:db8::/64"), the IPv4 address inside an IPv4-mapped
 * one; anything else as it is, cut to fit. */
void ratelimit_addr(const char *ip, char out[RATELIMIT_ADDR_LEN]);

enum lock_state ratelimit_lock_state(struct ratelimit *rl, const char *name, const char *addr,
				     int64_t now);
/* Counts one failure of name from addr (none while addr is locked for name) and answers
 * the state after it. *net_locked is set when this failure locked the name for every
 * address. */
enum lock_state ratelimit_lock_fail(struct ratelimit *rl, const char *name, const char *addr,
				    int64_t now, const struct lock_rule *rule, bool *net_locked);
/* A success of name from addr: that address's count starts again. */
void ratelimit_lock_ok(struct ratelimit *rl, const char *name, const char *addr);
/* A new password for name: every count and lock of the name ends. */
void ratelimit_lock_forget(struct ratelimit *rl, const char *name);

/* ---- shared between the servers of one database ----
 *
 * ratelimit_share: rl's keyed hashes are derived from secret, which every server of the
 * database holds (the key in their shared data folder), and every count is told (tell) as
 * a short message "R<who> …" that carries hashes, never a name or an address;
 * ratelimit_heard applies such a message (without the "R<who>") from another server, so
 * that limits and locks count across the servers. */
void ratelimit_share(struct ratelimit *rl, const unsigned char *secret, size_t len, char who,
		     void (*tell)(void *ctx, const char *msg), void *ctx);
void ratelimit_heard(struct ratelimit *rl, const char *msg);

#endif
