/* svc_card — the self-report token a contact card shows. The token is made when an
 * observation is placed (svc_obs.c) and kept sealed with the server's key; this use case
 * reissues it only when the sealed copy does not open here (a database moved without its
 * key file). The card routes run on workers (ROUTE_SLOW), so the wait for this commit is
 * never an HTTP thread's. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"
#include "util/secret.h"

struct card_io {
	const unsigned char *key;
	const char *id;
	char *token;
};

static enum store_status apply_token(struct svc_ctx *x)
{
	struct card_io *io = x->arg;
	char hash[TOKEN_HASH_LEN + 1], box[TOKEN_BOX_LEN + 1];
	struct observation o;
	enum store_status ss;
	bool reissue;

	if ((ss = store_tx_obs_read(x->tx, io->id, 0, x->a, &o)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, o.area))
		return svc_deny(x->who, "observation", io->id, NULL);
	if (strcmp(o.status, "active"))
		return STORE_CONFLICT;
	/* another request may have reissued it since the caller's read: keep that one */
	reissue = !token_open(io->key, o.token_box, io->token);
	if (reissue) {
		token_new(io->key, io->token, hash, box);
		if ((ss = store_tx_obs_set_token(x->tx, o.id, hash, box)) != STORE_OK)
			return ss;
	}
	return svc_changed(x, "observation", io->id, o.area, NULL,
			   svc_json(x, json_pack("{s:b}", "reissued", reissue)));
}

enum store_status svc_card_token(struct store *s, const struct principal *who,
				 const unsigned char *key, const char *id, struct arena *a,
				 char *token)
{
	struct card_io io = {key, id, token};
	struct svc_write w = {"observation.token", NULL, NULL, apply_token, NULL, &io};

	return svc_run(s, who, &w, a, NULL);
}
