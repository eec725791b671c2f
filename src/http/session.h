/* session — signed-in sessions, held in memory and, with a store, kept in the database.
 *
 * The cookie carries 256 random bits; the table keys on their BLAKE2b hash, so a memory
 * dump does not hand out live tokens (nor does the database: it keeps the hash). Each
 * session has its own CSRF token. A session ends after `idle` seconds without a request or
 * `absolute` seconds after login. With sessions_persist, sessions survive a restart (and
 * another process on the same database finds them); see docs/store.md. Thread-safe. */
#ifndef FK_SESSION_H
#define FK_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/account.h"
#include "domain/area_code.h"
#include "store/store.h"

#define SESSION_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */

struct session_info {
	char user_id[USER_ID_LEN + 1];
	char username[40];
	enum role role;
	char area[AREA_CODE_MAX + 1];
	char csrf[SESSION_TOKEN_LEN + 1];
	bool must_change;
	int64_t created, last_seen;
};

struct sessions;

struct sessions *sessions_new(int idle_seconds, int absolute_seconds);
/* From now on every session is also a row of store's (service/svc_session.c). */
void sessions_persist(struct sessions *s, struct store *store);
void sessions_free(struct sessions *s);
/* info's csrf, created and last_seen are filled here; token_out gets the cookie value. */
void sessions_create(struct sessions *s, struct session_info *info, int64_t now,
		     char token_out[SESSION_TOKEN_LEN + 1]);
/* Looks a token up and marks it used; false when unknown or expired. */
/* *unavailable (when not NULL) is set when the session could not be looked up because the
 * database did not answer: the caller answers 503, not 401. */
bool sessions_get(struct sessions *s, const char *token, int64_t now, struct session_info *out,
		  bool *unavailable);
/* Whether a token's session is still alive at now, without marking it used (an event
 * stream asks every second: that is no activity of the user). */
bool sessions_alive(struct sessions *s, const char *token, int64_t now);
void sessions_drop(struct sessions *s, const char *token);
/* Ends every session of a user (disabled, role or area changed, password reset). */
/* News from another server sharing the database (store_news_listen; told by
 * svc_session_write): "s KEY" one session ended or changed, "u USER_ID" an account's did,
 * NULL anything may have. The copies in memory are forgotten; a row still valid is read
 * again at its next request. */
void sessions_heard(struct sessions *s, const char *msg);
void sessions_drop_user(struct sessions *s, const char *user_id);
/* Ends every session of a user but the one of token (the user changed the password there). */
void sessions_drop_user_except(struct sessions *s, const char *user_id, const char *token);
void sessions_set_must_change(struct sessions *s, const char *token, bool must_change);
void random_token(char out[SESSION_TOKEN_LEN + 1]);
/* The sessions this server holds in memory that have not expired at now (for /metrics;
 * a scan of the table under its lock). */
size_t sessions_active(struct sessions *s, int64_t now);

#endif
