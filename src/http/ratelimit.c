/* ratelimit — two fixed-size tables under one mutex, so that no client can make them grow.
 *
 * Windows: NSLOTS slots indexed by a keyed hash of the key. A slot whose window has ended
 * with refusals beyond the first (already reported by the caller) keeps them in `done_*`
 * until ratelimit_closed hands them out; ratelimit_closed first closes, once a minute,
 * the windows of keys that have not come back.
 *
 * Locks: a set-associative table, NSETS × NWAYS entries (about 1 MB, made at the first
 * failure). An entry is either a pair (name and address: failures in a row, lock) or a net
 * (name alone: failures in the current window, account-wide lock), identified by a keyed
 * hash. A new entry takes a free or finished place in its set, else the place of a count
 * before that of a lock, the one that would finish first: under a flood of names and
 * addresses (each address slowed by the per-minute limit) old counts may be forgotten
 * early, locks only when a whole set holds locks. Forgetting a name scans the table. */
#include "http/ratelimit.h"

#include <arpa/inet.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

enum { NSLOTS = 4096, NSETS = 2048, NWAYS = 8, IDLEN = 16, TAGLEN = 8 };

struct slot {
	int64_t window;
	int count;
	char key[RATELIMIT_KEY_MAX + 1];
	int64_t done_from, done_to; /* an ended window's refusals, not yet handed out */
	int done_refused;
	char done_key[RATELIMIT_KEY_MAX + 1];
};
_Static_assert(sizeof((struct slot *)0)->done_key == sizeof((struct slot *)0)->key,
	       "close_slot copies key into done_key whole");

struct lock {
	bool used;
	unsigned char id[IDLEN];   /* keyed hash of ('p', name, addr) or ('n', name) */
	unsigned char tag[TAGLEN]; /* keyed hash of the name alone, for ratelimit_lock_forget */
	int failures;
	int64_t since; /* pair: the last failure; net: the start of its window */
	int64_t until; /* end of the lock, 0 = none */
	int64_t ends;  /* when the entry no longer matters */
};

struct ratelimit {
	pthread_mutex_t mu;
	int per_minute;
	unsigned char secret[crypto_generichash_KEYBYTES];
	int64_t swept; /* the window in which ended windows were last closed */
	int pending;   /* slots with done_refused > 0 (a hint) */
	struct slot slot[NSLOTS];
	struct lock *locks; /* NSETS × NWAYS, made at the first failure */
	/* shared (ratelimit_share): each count told to the other servers as "R<who> …" */
	void (*tell)(void *ctx, const char *msg);
	void *tell_ctx;
	char who;
};

struct ratelimit *ratelimit_new(int per_minute)
{
	struct ratelimit *rl = xcalloc(1, sizeof *rl);

	pthread_mutex_init(&rl->mu, NULL);
	rl->per_minute = per_minute;
	randombytes_buf(rl->secret, sizeof rl->secret);
	return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->mu);
	free(rl->locks);
	sodium_memzero(rl, sizeof *rl);
	free(rl);
}

/* Keyed hash of up to three parts: a kind byte and NUL-separated strings. */
static void hash3(const struct ratelimit *rl, char kind, const char *a, const char *b,
		  unsigned char *out, size_t outlen)
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, rl->secret, sizeof rl->secret, outlen);
	crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
	crypto_generichash_update(&st, (const unsigned char *)a, strlen(a) + 1);
	if (b)
		crypto_generichash_update(&st, (const unsigned char *)b, strlen(b) + 1);
	crypto_generichash_final(&st, out, outlen);
}

/* ---- windows ---- */

/* Moves the refusals of s's ended window beyond the first to done_*; caller holds the lock. */
static void close_slot(struct ratelimit *rl, struct slot *s)
{
	int refused = s->count - rl->per_minute;

	if (refused > 1) {
		if (s->done_refused == 0) {
			s->done_from = s->window * 60;
			/* two arrays of one size in one slot, key always NUL-terminated: a
			 * plain copy of the whole array (snprintf here made gcc -O3 see an
			 * overlap it could not rule out) */
			memcpy(s->done_key, s->key, sizeof s->done_key);
			rl->pending++;
		}
		s->done_to = (s->window + 1) * 60;
		s->done_refused =
			s->done_refused > INT_MAX - refused ? INT_MAX : s->done_refused + refused;
	}
	s->count = 0;
}

/* Counts one event in slot i for key (NULL: told by another server) in the window of now;
 * the count after it. */
static int slot_hit(struct ratelimit *rl, unsigned i, const char *key, int64_t now)
{
	struct slot *s = &rl->slot[i];
	int n;

	pthread_mutex_lock(&rl->mu);
	if (s->window != now / 60) {
		close_slot(rl, s);
		s->window = now / 60;
		snprintf(s->key, sizeof s->key, "%s", key ? key : "");
	} else if (key && !s->key[0]) {
		snprintf(s->key, sizeof s->key, "%s", key);
	}
	if (s->count < INT_MAX)
		s->count++;
	n = s->count;
	pthread_mutex_unlock(&rl->mu);
	return n;
}

static void hex(const unsigned char *v, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, v, n);
}

enum rl_verdict ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now)
{
	unsigned char h[8];
	unsigned i;
	int n;

	hash3(rl, 'w', key, NULL, h, sizeof h);
	i = ((unsigned)h[0] | (unsigned)h[1] << 8) % NSLOTS;
	n = slot_hit(rl, i, key, now);
	if (rl->tell) {
		char msg[48];
		snprintf(msg, sizeof msg, "R%c h %u %lld", rl->who, i, (long long)now);
		rl->tell(rl->tell_ctx, msg);
	}
	if (n <= rl->per_minute)
		return RL_ALLOW;
	return n == rl->per_minute + 1 ? RL_REFUSE_FIRST : RL_REFUSE;
}

bool ratelimit_allow(struct ratelimit *rl, const char *key, int64_t now)
{
	return ratelimit_hit(rl, key, now) == RL_ALLOW;
}

int ratelimit_closed(struct ratelimit *rl, int64_t now, struct rl_closed *out, int cap)
{
	int n = 0;

	pthread_mutex_lock(&rl->mu);
	if (rl->swept != now / 60) {
		for (int i = 0; i < NSLOTS; i++)
			if (rl->slot[i].count > 0 && rl->slot[i].window < now / 60)
				close_slot(rl, &rl->slot[i]);
		rl->swept = now / 60;
	}
	for (int i = 0; i < NSLOTS && rl->pending > 0 && n < cap; i++) {
		struct slot *s = &rl->slot[i];
		if (s->done_refused == 0)
			continue;
		memcpy(out[n].key, s->done_key, sizeof out[n].key);
		out[n].from = s->done_from;
		out[n].to = s->done_to;
		out[n].refused = s->done_refused;
		n++;
		s->done_refused = 0;
		rl->pending--;
	}
	pthread_mutex_unlock(&rl->mu);
	return n;
}

/* ---- locks ---- */

void ratelimit_addr(const char *ip, char out[RATELIMIT_ADDR_LEN])
{
	struct in6_addr a;
	char txt[INET6_ADDRSTRLEN];

	if (!strchr(ip, ':') || inet_pton(AF_INET6, ip, &a) != 1) {
		snprintf(out, RATELIMIT_ADDR_LEN, "%s", ip);
		return;
	}
	if (IN6_IS_ADDR_V4MAPPED(&a)) {
		inet_ntop(AF_INET, &a.s6_addr[12], txt, sizeof txt);
		snprintf(out, RATELIMIT_ADDR_LEN, "%s", txt);
		return;
	}
	memset(&a.s6_addr[8], 0, 8);
	inet_ntop(AF_INET6, &a, txt, sizeof txt);
	snprintf(out, RATELIMIT_ADDR_LEN, "%s/64", txt);
}

static struct lock *set_of(struct ratelimit *rl, const unsigned char id[IDLEN])
{
	return &rl->locks[(((unsigned)id[0] | (unsigned)id[1] << 8) % NSETS) * NWAYS];
}

/* The entry with id, or NULL; caller holds the lock. */
static struct lock *find(struct ratelimit *rl, const unsigned char id[IDLEN], int64_t now)
{
	struct lock *set;

	if (!rl->locks)
		return NULL;
	set = set_of(rl, id);
	for (int i = 0; i < NWAYS; i++)
		if (set[i].used && set[i].ends > now && !memcmp(set[i].id, id, IDLEN))
			return &set[i];
	return NULL;
}

/* Which of two live entries to give up first: one without a lock (a count is cheaper to
 * lose than a lock), else the one that ends first. */
static bool victim_before(const struct lock *a, const struct lock *b, int64_t now)
{
	bool la = a->until > now, lb = b->until > now;

	return la != lb ? !la : a->ends < b->ends;
}

/* The entry with id, made (zeroed) when missing; caller holds the lock. */
static struct lock *get(struct ratelimit *rl, const unsigned char id[IDLEN],
			const unsigned char tag[TAGLEN], int64_t now)
{
	struct lock *e = find(rl, id, now), *set;

	if (e)
		return e;
	if (!rl->locks)
		rl->locks = xcalloc((size_t)NSETS * NWAYS, sizeof *rl->locks);
	set = set_of(rl, id);
	e = &set[0];
	for (int i = 0; i < NWAYS; i++) {
		if (!set[i].used || set[i].ends <= now) {
			e = &set[i];
			break;
		}
		if (victim_before(&set[i], e, now))
			e = &set[i];
	}
	memset(e, 0, sizeof *e);
	e->used = true;
	memcpy(e->id, id, IDLEN);
	memcpy(e->tag, tag, TAGLEN);
	return e;
}

static enum lock_state state_of(const struct lock *pair, const struct lock *net, int64_t now)
{
	if (pair && pair->until > now)
		return LOCK_ADDRESS;
	return net && net->until > now ? LOCK_ACCOUNT : LOCK_OPEN;
}

enum lock_state ratelimit_lock_state(struct ratelimit *rl, const char *name, const char *addr,
				     int64_t now)
{
	unsigned char pid[IDLEN], nid[IDLEN];
	enum lock_state ls;

	hash3(rl, 'p', name, addr, pid, IDLEN);
	hash3(rl, 'n', name, NULL, nid, IDLEN);
	pthread_mutex_lock(&rl->mu);
	ls = state_of(find(rl, pid, now), find(rl, nid, now), now);
	pthread_mutex_unlock(&rl->mu);
	return ls;
}

static int64_t max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Counts a failure in the name's net; true when this failure locks the name everywhere. */
static bool net_fail(struct lock *net, int64_t now, const struct lock_rule *rule)
{
	if (net->until > now)
		return false;
	if (net->failures == 0)
		net->since = now;
	net->failures++;
	if (net->failures >= RATELIMIT_NET_ADDRESSES * rule->failures) {
		net->until = now + rule->seconds;
		net->failures = 0;
	}
	net->ends = max64(net->until, net->since + rule->seconds);
	return net->until > now;
}

/* Counts a failure of the pair pid (in the net nid, the name's tag); caller holds the lock. */
static bool fail_ids(struct ratelimit *rl, const unsigned char pid[IDLEN],
		     const unsigned char nid[IDLEN], const unsigned char tag[TAGLEN], int64_t now,
		     const struct lock_rule *rule)
{
	struct lock *pair = get(rl, pid, tag, now), *net;

	if (pair->until > now)
		return false;
	pair->until = 0;
	pair->since = now;
	if (++pair->failures >= rule->failures) {
		pair->until = now + rule->seconds;
		pair->failures = 0;
	}
	pair->ends = max64(pair->until, now + rule->seconds);
	net = get(rl, nid, tag, now);
	return net_fail(net, now, rule);
}

enum lock_state ratelimit_lock_fail(struct ratelimit *rl, const char *name, const char *addr,
				    int64_t now, const struct lock_rule *rule, bool *net_locked)
{
	unsigned char pid[IDLEN], nid[IDLEN], tag[TAGLEN];
	enum lock_state ls;

	hash3(rl, 'p', name, addr, pid, IDLEN);
	hash3(rl, 'n', name, NULL, nid, IDLEN);
	hash3(rl, 't', name, NULL, tag, TAGLEN);
	pthread_mutex_lock(&rl->mu);
	*net_locked = fail_ids(rl, pid, nid, tag, now, rule);
	/* get() for the net may have taken the pair's place: look both up again */
	ls = state_of(find(rl, pid, now), find(rl, nid, now), now);
	pthread_mutex_unlock(&rl->mu);
	if (rl->tell) { /* the hashes only: neither the name nor the address leaves */
		char msg[160], p[2 * IDLEN + 1], n[2 * IDLEN + 1], t[2 * TAGLEN + 1];
		hex(pid, IDLEN, p);
		hex(nid, IDLEN, n);
		hex(tag, TAGLEN, t);
		snprintf(msg, sizeof msg, "R%c f %s %s %s %lld %d %d", rl->who, p, n, t,
			 (long long)now, rule->failures, rule->seconds);
		rl->tell(rl->tell_ctx, msg);
	}
	return ls;
}

static void ok_id(struct ratelimit *rl, const unsigned char pid[IDLEN])
{
	struct lock *pair;

	pthread_mutex_lock(&rl->mu);
	if ((pair = find(rl, pid, INT64_MIN)))
		memset(pair, 0, sizeof *pair);
	pthread_mutex_unlock(&rl->mu);
}

void ratelimit_lock_ok(struct ratelimit *rl, const char *name, const char *addr)
{
	unsigned char pid[IDLEN];

	hash3(rl, 'p', name, addr, pid, IDLEN);
	ok_id(rl, pid);
	if (rl->tell) {
		char msg[48], p[2 * IDLEN + 1];
		hex(pid, IDLEN, p);
		snprintf(msg, sizeof msg, "R%c o %s", rl->who, p);
		rl->tell(rl->tell_ctx, msg);
	}
}

static void forget_tag(struct ratelimit *rl, const unsigned char tag[TAGLEN])
{
	pthread_mutex_lock(&rl->mu);
	for (size_t i = 0; rl->locks && i < (size_t)NSETS * NWAYS; i++)
		if (rl->locks[i].used && !memcmp(rl->locks[i].tag, tag, TAGLEN))
			memset(&rl->locks[i], 0, sizeof rl->locks[i]);
	pthread_mutex_unlock(&rl->mu);
}

void ratelimit_lock_forget(struct ratelimit *rl, const char *name)
{
	unsigned char tag[TAGLEN];

	hash3(rl, 't', name, NULL, tag, TAGLEN);
	forget_tag(rl, tag);
	if (rl->tell) {
		char msg[32], t[2 * TAGLEN + 1];
		hex(tag, TAGLEN, t);
		snprintf(msg, sizeof msg, "R%c g %s", rl->who, t);
		rl->tell(rl->tell_ctx, msg);
	}
}

/* ---- shared between servers ---- */

void ratelimit_share(struct ratelimit *rl, const unsigned char *secret, size_t len, char who,
		     void (*tell)(void *ctx, const char *msg), void *ctx)
{
	/* every server derives the same hashing key from the secret they share */
	crypto_generichash(rl->secret, sizeof rl->secret, (const unsigned char *)"ratelimit", 9,
			   secret, len);
	rl->who = who;
	rl->tell_ctx = ctx;
	rl->tell = tell;
}

/* n bytes of hex at p into out; false unless exactly that. */
static bool unhex(const char *p, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(p + 2 * i, "%2x", &v) != 1)
			return false;
		out[i] = (unsigned char)v;
	}
	return p[2 * n] == '\0' || p[2 * n] == ' ';
}

void ratelimit_heard(struct ratelimit *rl, const char *msg)
{
	unsigned char pid[IDLEN], nid[IDLEN], tag[TAGLEN];
	char p[2 * IDLEN + 1], n[2 * IDLEN + 1], t[2 * TAGLEN + 1];
	struct lock_rule rule;
	long long now;
	unsigned i;

	if (sscanf(msg, "h %u %lld", &i, &now) == 2 && i < NSLOTS) {
		slot_hit(rl, i, NULL, now);
	} else if (sscanf(msg, "f %32s %32s %16s %lld %d %d", p, n, t, &now, &rule.failures,
			  &rule.seconds) == 6 &&
		   rule.failures >= 1 && rule.seconds >= 1 && unhex(p, pid, IDLEN) &&
		   unhex(n, nid, IDLEN) && unhex(t, tag, TAGLEN)) {
		pthread_mutex_lock(&rl->mu);
		fail_ids(rl, pid, nid, tag, now, &rule);
		pthread_mutex_unlock(&rl->mu);
	} else if (sscanf(msg, "o %32s", p) == 1 && unhex(p, pid, IDLEN)) {
		ok_id(rl, pid);
	} else if (sscanf(msg, "g %16s", t) == 1 && unhex(t, tag, TAGLEN)) {
		forget_tag(rl, tag);
	}
}
