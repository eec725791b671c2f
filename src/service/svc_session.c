/* svc_session — the rows of signed-in sessions, so that a restart signs no one out (issue
 * 13; on SQLite too). They are the server's own state, not a use case's change: no audit row
 * of their own (the login, logout and account changes that make and end them are audited)
 * and no client key. Each runs as one transaction of the store (store_run), committed before
 * the caller goes on; the memory table of http/session.c is the one read on each request. */
#include <string.h>

#include "service/service.h"

static enum store_status apply(struct store_tx *tx, void *p)
{
	const struct svc_session_change *c = p;

	switch (c->op) {
	case SVC_SESSION_PUT: return store_tx_session_put(tx, c->row);
	case SVC_SESSION_TOUCH: return store_tx_session_touch(tx, c->key, c->t1);
	case SVC_SESSION_MUST_CHANGE: return store_tx_session_must_change(tx, c->key, c->flag);
	case SVC_SESSION_DROP: return store_tx_session_drop(tx, c->key);
	case SVC_SESSION_DROP_USER: return store_tx_session_drop_user(tx, c->user_id, c->key);
	case SVC_SESSION_PRUNE: return store_tx_session_prune(tx, c->t1, c->t2);
	}
	return STORE_INVALID;
}

enum store_status svc_session_write(struct store *s, const struct svc_session_change *c)
{
	enum store_status ss = store_run(s, apply, (void *)c);
	char msg[128];

	/* the other servers of the database forget their copies (http/session.c) */
	if (ss == STORE_OK && (c->op == SVC_SESSION_DROP || c->op == SVC_SESSION_MUST_CHANGE)) {
		snprintf(msg, sizeof msg, "s %s", c->key);
		store_news_tell(s, msg);
	} else if (ss == STORE_OK && c->op == SVC_SESSION_DROP_USER) {
		snprintf(msg, sizeof msg, "u %s", c->user_id);
		store_news_tell(s, msg);
	}
	return ss;
}

enum store_status svc_session_get(struct store *s, const char *key, struct arena *a,
				  struct session_row *out)
{
	return store_session_get(s, key, a, out); /* unscoped: the key is the credential */
}
