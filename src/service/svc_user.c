/* svc_user — accounts: created, changed and given a new initial password by the
 * administrators and commanders above them. An account is the caller's to manage when it
 * lies in the caller's scope and is the caller's own or of a role the caller may grant
 * (role_may_grant), read in the writing transaction; a new area must lie in scope too.
 * Signing in, the locks of failed logins and one's own password are svc_auth.c's. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"
#include "util/timeutil.h"

struct user_io {
	const char *id, *hash;
	const struct user *in;
	const struct user_patch *p;
	struct user *before, *out;
};

/* The audit text of an account: no hash, keys sorted. */
static const char *user_json(struct svc_ctx *x, const struct user *u)
{
	return svc_json(x,
			json_pack("{s:s, s:b, s:s, s:s, s:b, s:s, s:s, s:s}", "area", u->area,
				  "disabled", u->disabled, "display_name", u->display_name, "id",
				  u->id, "must_change_password", u->must_change, "phone", u->phone,
				  "role", role_name(u->role), "username", u->username));
}

static bool is_self(const struct svc_ctx *x, const struct user *u)
{
	return !strcmp(u->id, x->who->user_id ? x->who->user_id : "");
}

/* The account id, managed by the caller, read in the writing transaction: out of scope
 * STORE_DENIED as not found; another's account of a role the caller may not grant
 * STORE_DENIED by SVC_ROLE_NOT_GRANTABLE. */
static enum store_status managed(struct svc_ctx *x, const char *id, struct user *u)
{
	enum store_status ss = store_tx_user_read(x->tx, id, x->a, u);

	if (ss != STORE_OK)
		return ss;
	if (!svc_in_scope(x, u->area))
		return svc_deny(x->who, "user", id, NULL);
	if (!is_self(x, u) && !role_may_grant(x->who->role, u->role))
		return svc_refuse(x->who, SVC_ROLE_NOT_GRANTABLE, "user", id);
	return STORE_OK;
}

static enum store_status apply_create(struct svc_ctx *x)
{
	struct user_io *io = x->arg;
	enum store_status ss;

	if (!svc_in_scope(x, io->in->area))
		return svc_deny(x->who, "area", io->in->area, "area");
	if ((ss = store_tx_user_name_taken(x->tx, io->in->username)) != STORE_OK ||
	    (ss = store_tx_user_insert(x->tx, io->in, time_now())) != STORE_OK ||
	    (ss = store_tx_user_read(x->tx, io->in->id, x->a, io->out)) != STORE_OK)
		return ss;
	return svc_changed(x, "user", io->out->id, io->out->area, NULL, user_json(x, io->out));
}

static enum store_status answer_create(struct svc_ctx *x)
{
	struct user_io *io = x->arg;

	return x->replayed ? store_tx_user_read(x->tx, x->object_id, x->a, io->out) : STORE_OK;
}

enum store_status svc_user_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct user *in,
				  struct arena *a, struct user *out, bool *replayed)
{
	struct user_io io = {.in = in, .out = out};
	struct svc_write w = {"user.create", "user", idem, apply_create, answer_create, &io};

	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_update(struct svc_ctx *x)
{
	struct user_io *io = x->arg;
	const struct user_patch *p = io->p;
	struct user *before = io->before, u;
	enum store_status ss;

	if ((ss = managed(x, io->id, before)) != STORE_OK)
		return ss;
	/* one's own account keeps its role, area and access: another must change them */
	if (is_self(x, before) && ((p->role != ROLE_NONE && p->role != before->role) ||
				   p->disabled == 1 || (p->area && strcmp(p->area, before->area))))
		return svc_refuse(x->who, SVC_SELF, "user", io->id);
	if (p->area && !svc_in_scope(x, p->area))
		return svc_deny(x->who, "area", p->area, "area");
	u = *before;
	if (p->display_name)
		u.display_name = p->display_name;
	if (p->phone)
		u.phone = p->phone;
	if (p->role != ROLE_NONE)
		u.role = p->role;
	if (p->area)
		memcpy(u.area, p->area, strlen(p->area) + 1);
	if (p->disabled >= 0)
		u.disabled = p->disabled;
	if ((ss = store_tx_user_set(x->tx, &u, time_now())) != STORE_OK ||
	    (ss = store_tx_user_read(x->tx, io->id, x->a, io->out)) != STORE_OK)
		return ss;
	return svc_changed(x, "user", io->id, io->out->area, user_json(x, before),
			   user_json(x, io->out));
}

/* A replay answers the account as it is, before and after alike (nothing changed now). */
static enum store_status answer_update(struct svc_ctx *x)
{
	struct user_io *io = x->arg;
	enum store_status ss;

	if (!x->replayed)
		return STORE_OK; /* read by apply */
	if ((ss = store_tx_user_read(x->tx, x->object_id, x->a, io->out)) == STORE_OK)
		*io->before = *io->out;
	return ss;
}

enum store_status svc_user_update(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *id,
				  const struct user_patch *p, struct arena *a, struct user *before,
				  struct user *out, bool *replayed)
{
	struct user b;
	struct user_io io = {.id = id, .p = p, .before = before ? before : &b, .out = out};
	struct svc_write w = {"user.update", NULL, idem, apply_update, answer_update, &io};

	return svc_run(s, who, &w, a, replayed);
}

static enum store_status apply_reset(struct svc_ctx *x)
{
	struct user_io *io = x->arg;
	enum store_status ss;

	if ((ss = managed(x, io->id, io->out)) != STORE_OK)
		return ss;
	if (is_self(x, io->out)) /* one's own password is changed with the old one */
		return svc_refuse(x->who, SVC_SELF, "user", io->id);
	if ((ss = store_tx_user_password(x->tx, io->id, io->hash, true, time_now())) != STORE_OK)
		return ss;
	return svc_changed(x, "user", io->id, io->out->area, NULL, NULL);
}

/* A replay sets nothing: the account as it is now (the initial password is not stored). */
static enum store_status answer_reset(struct svc_ctx *x)
{
	struct user_io *io = x->arg;

	return x->replayed ? managed(x, x->object_id, io->out) : STORE_OK;
}

enum store_status svc_user_reset(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *id, const char *hash,
				 struct arena *a, struct user *out, bool *replayed)
{
	struct user_io io = {.id = id, .hash = hash, .out = out};
	struct svc_write w = {"user.reset_password", NULL, idem, apply_reset, answer_reset, &io};

	return svc_run(s, who, &w, a, replayed);
}
