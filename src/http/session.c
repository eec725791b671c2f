/* session — a chained hash table under one mutex. Look-ups are a hash and a short chain;
 * a county has a few thousand staff, so one lock is not a bottleneck. Expired sessions are
 * removed when met and by a sweep every 256 logins.
 *
 * With a store (sessions_persist), every session is also a row (service/svc_session.c),
 * written before the change is answered: a token this table does not know (after a
 * restart) is looked up there once and kept here again; the last-seen time is written back
 * at most once a minute, so an idle session may end up to a minute early after a restart.
 * The database access happens outside the lock. */
#include "http/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "util/arena.h"
#include "util/log.h"

enum { NBUCKETS = 4096, KEYLEN = 32, TOUCH_EVERY_S = 60 };

struct entry {
	unsigned char key[KEYLEN];
	struct session_info info;
	int64_t saved_seen; /* the last-seen time the row holds */
	struct entry *next;
};

struct sessions {
	pthread_mutex_t mu;
	int idle, absolute;
	unsigned creates;
	/* grows (under mu) with every change that ends or alters sessions, after its rows
	 * changed: a row read before such a change is not taken into the table (load) */
	uint64_t epoch;
	struct store *store; /* NULL: memory only */
	struct entry *bucket[NBUCKETS];
};

void sessions_persist(struct sessions *s, struct store *store)
{
	s->store = store;
}

static void key_hex(const unsigned char key[KEYLEN], char out[65])
{
	sodium_bin2hex(out, 65, key, KEYLEN);
}

/* One change of the rows, when there are rows. */
static void save(struct sessions *s, const struct svc_session_change *c)
{
	if (s->store && svc_session_write(s->store, c) != STORE_OK)
		log_warn("session: a change of the stored sessions failed (op %d)", (int)c->op);
}

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

static struct entry **find(struct sessions *s, const unsigned char key[KEYLEN]);

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

	struct session_row row = {0};
	bool prune;

	random_token(token_out);
	random_token(info->csrf);
	info->created = info->last_seen = now;
	token_key(token_out, e->key);
	e->info = *info;
	e->saved_seen = now;
	/* the row first: a session is answered only once it would survive a restart */
	key_hex(e->key, row.key);
	memcpy(row.user_id, info->user_id, sizeof row.user_id);
	row.username = info->username;
	row.role = role_name(info->role);
	row.area = info->area;
	row.csrf = info->csrf;
	row.must_change = info->must_change;
	row.created = row.last_seen = now;
	save(s, &(struct svc_session_change){.op = SVC_SESSION_PUT, .row = &row});
	b = bucket_of(e->key);
	pthread_mutex_lock(&s->mu);
	prune = ++s->creates % 256 == 0;
	if (prune)
		sweep(s, drop_expired, &now);
	e->next = s->bucket[b];
	s->bucket[b] = e;
	pthread_mutex_unlock(&s->mu);
	if (prune)
		save(s, &(struct svc_session_change){.op = SVC_SESSION_PRUNE,
						     .t1 = now - s->idle,
						     .t2 = now - s->absolute});
}

/* A session this table does not hold, from its row (another process made it, or this one
 * before a restart): kept here when alive. True when it is now in the table. */
/* The row of key taken into the table: LOAD_OK, LOAD_NONE (no such session), or
 * LOAD_BUSY (the database did not answer: not known either way). */
enum load_result { LOAD_NONE, LOAD_OK, LOAD_BUSY };

static enum load_result load(struct sessions *s, const unsigned char key[KEYLEN], int64_t now)
{
	struct arena *a;
	struct session_row row;
	struct entry *e;
	char hex[65];
	enum load_result ok = LOAD_NONE;
	enum store_status ss;
	uint64_t epoch;

	if (!s->store)
		return LOAD_NONE;
	pthread_mutex_lock(&s->mu);
	epoch = s->epoch;
	pthread_mutex_unlock(&s->mu);
	a = arena_new();
	key_hex(key, hex);
	if ((ss = svc_session_get(s->store, hex, a, &row)) == STORE_BUSY || ss == STORE_ERROR) {
		ok = LOAD_BUSY;
	} else if (ss == STORE_OK) {
		e = xcalloc(1, sizeof *e);
		memcpy(e->key, key, KEYLEN);
		snprintf(e->info.user_id, sizeof e->info.user_id, "%s", row.user_id);
		snprintf(e->info.username, sizeof e->info.username, "%s", row.username);
		e->info.role = role_parse(row.role);
		snprintf(e->info.area, sizeof e->info.area, "%s", row.area);
		snprintf(e->info.csrf, sizeof e->info.csrf, "%s", row.csrf);
		e->info.must_change = row.must_change;
		e->info.created = row.created;
		e->info.last_seen = e->saved_seen = row.last_seen;
		if (expired(s, e, now) || e->info.role == ROLE_NONE) {
			free(e);
		} else {
			pthread_mutex_lock(&s->mu);
			if (s->epoch != epoch) { /* a logout or an account change came between */
				free(e);
			} else if (find(s, key)) { /* another request loaded it meanwhile */
				free(e);
				ok = LOAD_OK;
			} else {
				unsigned b = bucket_of(key);
				e->next = s->bucket[b];
				s->bucket[b] = e;
				ok = LOAD_OK;
			}
			pthread_mutex_unlock(&s->mu);
		}
	}
	arena_free(a);
	return ok;
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

bool sessions_get(struct sessions *s, const char *token, int64_t now, struct session_info *out,
		  bool *unavailable)
{
	unsigned char key[KEYLEN];
	struct entry **pp;
	bool ok = false, touch = false, gone = false;
	enum load_result lr = LOAD_NONE;

	if (unavailable)
		*unavailable = false;
	if (!token || strlen(token) != SESSION_TOKEN_LEN)
		return false;
	token_key(token, key);
	for (int tries = 0; tries < 2 && !ok; tries++) {
		pthread_mutex_lock(&s->mu);
		if ((pp = find(s, key))) {
			struct entry *e = *pp;
			if (expired(s, e, now)) {
				*pp = e->next;
				free(e);
				gone = true;
			} else {
				e->info.last_seen = now;
				if (now - e->saved_seen >= TOUCH_EVERY_S) {
					e->saved_seen = now;
					touch = true;
				}
				*out = e->info;
				ok = true;
			}
		}
		pthread_mutex_unlock(&s->mu);
		if (ok || gone || tries || (lr = load(s, key, now)) != LOAD_OK)
			break;
	}
	if (lr == LOAD_BUSY && unavailable)
		*unavailable = true;
	if (touch || gone) {
		char hex[65];
		key_hex(key, hex);
		save(s, &(struct svc_session_change){
				.op = gone ? SVC_SESSION_DROP : SVC_SESSION_TOUCH, .key = hex, .t1 = now});
	}
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
	bool known = pp != NULL;
	pthread_mutex_unlock(&s->mu);
	/* a database that does not answer ends no stream */
	return ok || (!known && load(s, key, now) != LOAD_NONE);
}

void sessions_drop(struct sessions *s, const char *token)
{
	unsigned char key[KEYLEN];
	struct entry **pp;

	if (!token)
		return;
	char hex[65];

	token_key(token, key);
	/* the row first, then the table: a concurrent load either finds no row or sees the
	 * epoch moved */
	key_hex(key, hex);
	save(s, &(struct svc_session_change){.op = SVC_SESSION_DROP, .key = hex});
	pthread_mutex_lock(&s->mu);
	s->epoch++;
	if ((pp = find(s, key))) {
		struct entry *e = *pp;
		*pp = e->next;
		free(e);
	}
	pthread_mutex_unlock(&s->mu);
}

static bool drop_all(const struct sessions *s, const struct entry *e, const void *arg)
{
	(void)s, (void)e, (void)arg;
	return true;
}

static int hex_digit(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

void sessions_heard(struct sessions *s, const char *msg)
{
	unsigned char key[KEYLEN];
	struct entry **pp;

	pthread_mutex_lock(&s->mu);
	s->epoch++; /* a row read before the change that was told is not taken in */
	if (!msg) {
		sweep(s, drop_all, NULL);
	} else if (!strncmp(msg, "s ", 2) && strlen(msg + 2) == 2 * KEYLEN) {
		bool ok = true;
		for (int i = 0; i < KEYLEN && ok; i++) {
			int hi = hex_digit(msg[2 + 2 * i]), lo = hex_digit(msg[3 + 2 * i]);
			ok = hi >= 0 && lo >= 0;
			key[i] = (unsigned char)(hi << 4 | lo);
		}
		if (ok && (pp = find(s, key))) {
			struct entry *e = *pp;
			*pp = e->next;
			free(e);
		}
	} else if (!strncmp(msg, "u ", 2)) {
		sweep(s, drop_of_user, msg + 2);
	}
	pthread_mutex_unlock(&s->mu);
}

void sessions_drop_user(struct sessions *s, const char *user_id)
{
	save(s, &(struct svc_session_change){.op = SVC_SESSION_DROP_USER, .user_id = user_id});
	pthread_mutex_lock(&s->mu);
	s->epoch++;
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

	char hex[65];

	token_key(token ? token : "", x.keep);
	key_hex(x.keep, hex);
	save(s, &(struct svc_session_change){
			.op = SVC_SESSION_DROP_USER, .user_id = user_id, .key = hex});
	pthread_mutex_lock(&s->mu);
	s->epoch++;
	sweep(s, drop_of_user_but, &x);
	pthread_mutex_unlock(&s->mu);
}

void sessions_set_must_change(struct sessions *s, const char *token, bool must_change)
{
	unsigned char key[KEYLEN];
	struct entry **pp;

	char hex[65];

	token_key(token, key);
	key_hex(key, hex);
	save(s, &(struct svc_session_change){
			.op = SVC_SESSION_MUST_CHANGE, .key = hex, .flag = must_change});
	pthread_mutex_lock(&s->mu);
	s->epoch++;
	if ((pp = find(s, key)))
		(*pp)->info.must_change = must_change;
	pthread_mutex_unlock(&s->mu);
}

size_t sessions_active(struct sessions *s, int64_t now)
{
	size_t n = 0;

	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < NBUCKETS; i++)
		for (const struct entry *e = s->bucket[i]; e; e = e->next)
			n += !expired(s, e, now) && e->info.role != ROLE_NONE;
	pthread_mutex_unlock(&s->mu);
	return n;
}
