/* session — a chained hash table under one mutex. Look-ups are a hash and a short chain;
 * a county has a few thousand staff, so one lock is not a bottleneck. Expired sessions are
 * removed when met and by a sweep every 256 logins. */
#include "http/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

enum { NBUCKETS = 4096, KEYLEN = 32 };

struct entry {
	unsigned char key[KEYLEN];
	struct session_info info;
	struct entry *next;
};

struct sessions {
	pthread_mutex_t mu;
	int idle, absolute;
	unsigned creates;
	struct entry *bucket[NBUCKETS];
};

static void token_key(const char *token, unsigned char key[KEYLEN])
{
	crypto_generichash(key, KEYLEN, (const unsigned char *)token, strlen(token), NULL, 0);
}

static unsigned bucket_of(const unsigned char key[KEYLEN])
{
	return ((unsigned)key[0] | (unsigned)key[1] << 8) % NBUCKETS;
}

void random_token(char out[SESSION_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, SESSION_TOKEN_LEN + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

struct sessions *sessions_new(int idle_seconds, int absolute_seconds)
{
	struct sessions *s = xcalloc(1, sizeof *s);

	pthread_mutex_init(&s->mu, NULL);
	s->idle = idle_seconds;
	s->absolute = absolute_seconds;
	return s;
}

void sessions_free(struct sessions *s)
{
	if (!s)
		return;
	for (int i = 0; i < NBUCKETS; i++) {
		struct entry *e = s->bucket[i], *next;
		for (; e; e = next) {
			next = e->next;
			sodium_memzero(e, sizeof *e);
			free(e);
		}
	}
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static bool expired(const struct sessions *s, const struct entry *e, int64_t now)
{
	return now - e->info.last_seen >= s->idle || now - e->info.created >= s->absolute;
}

/* Removes entries for which drop() is true; caller holds the lock. */
static void sweep(struct sessions *s, bool (*drop)(const struct sessions *, const struct entry *,
						   const void *),
		  const void *arg)
{
	for (int i = 0; i < NBUCKETS; i++) {
		struct entry **pp = &s->bucket[i];
		while (*pp) {
			struct entry *e = *pp;
			if (drop(s, e, arg)) {
				*pp = e->next;
				free(e);
			} else {
				pp = &e->next;
			}
		}
	}
}

static bool drop_expired(const struct sessions *s, const struct entry *e, const void *arg)
{
	return expired(s, e, *(const int64_t *)arg);
}

static bool drop_of_user(const struct sessions *s, const struct entry *e, const void *arg)
{
	(void)s;
	return !strcmp(e->info.user_id, (const char *)arg);
}

void sessions_create(struct sessions *s, struct session_info *info, int64_t now,
		     char token_out[SESSION_TOKEN_LEN + 1])
{
	struct entry *e = xcalloc(1, sizeof *e);
	unsigned b;

	random_token(token_out);
	random_token(info->csrf);
	info->created = info->last_seen = now;
	token_key(token_out, e->key);
	e->info = *info;
	b = bucket_of(e->key);
	pthread_mutex_lock(&s->mu);
	if (++s->creates % 256 == 0)
		sweep(s, drop_expired, &now);
	e->next = s->bucket[b];
	s->bucket[b] = e;
	pthread_mutex_unlock(&s->mu);
}

/* Finds the slot pointing at the entry for key, or NULL; caller holds the lock. */
static struct entry **find(struct sessions *s, const unsigned char key[KEYLEN])
{
	struct entry **pp = &s->bucket[bucket_of(key)];

	for (; *pp; pp = &(*pp)->next)
		if (sodium_memcmp((*pp)->key, key, KEYLEN) == 0)
			return pp;
	return NULL;
}

bool sessions_get(struct sessions *s, const char *token, int64_t now, struct session_info *out)
{
	unsigned char key[KEYLEN];
	struct entry **pp;
	bool ok = false;

	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	token_key(token, key);
	pthread_mutex_lock(&s->mu);
	if ((pp = find(s, key))) {
		struct entry *e = *pp;
		if (expired(s, e, now)) {
			*pp = e->next;
			free(e);
		} else {
			e->info.last_seen = now;
			*out = e->info;
			ok = true;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return ok;
}

bool sessions_alive(struct sessions *s, const char *token, int64_t now)
{
	unsigned char key[KEYLEN];
	struct entry **pp;
	bool ok;

	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	token_key(token, key);
	pthread_mutex_lock(&s->mu);
	ok = (pp = find(s, key)) && !expired(s, *pp, now);
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void sessions_drop(struct sessions *s, const char *token)
{
	unsigned char key[KEYLEN];
	struct entry **pp;

	if (!token)
		return;
	token_key(token, key);
	pthread_mutex_lock(&s->mu);
	if ((pp = find(s, key))) {
		struct entry *e = *pp;
		*pp = e->next;
		free(e);
	}
	pthread_mutex_unlock(&s->mu);
}

void sessions_drop_user(struct sessions *s, const char *user_id)
{
	pthread_mutex_lock(&s->mu);
	sweep(s, drop_of_user, user_id);
	pthread_mutex_unlock(&s->mu);
}

struct user_but {
	const char *user_id;
	unsigned char keep[KEYLEN];
};

static bool drop_of_user_but(const struct sessions *s, const struct entry *e, const void *arg)
{
	const struct user_but *x = arg;

	return drop_of_user(s, e, x->user_id) && sodium_memcmp(e->key, x->keep, KEYLEN) != 0;
}

void sessions_drop_user_except(struct sessions *s, const char *user_id, const char *token)
{
	struct user_but x = {.user_id = user_id};

	token_key(token ? token : "", x.keep);
	pthread_mutex_lock(&s->mu);
	sweep(s, drop_of_user_but, &x);
	pthread_mutex_unlock(&s->mu);
}

void sessions_set_must_change(struct sessions *s, const char *token, bool must_change)
{
	unsigned char key[KEYLEN];
	struct entry **pp;

	token_key(token, key);
	pthread_mutex_lock(&s->mu);
	if ((pp = find(s, key)))
		(*pp)->info.must_change = must_change;
	pthread_mutex_unlock(&s->mu);
}
