/* svc_auth — the writes of signing in: a login's success, the account-wide lock after
 * failed logins from many addresses, and a password set by its owner (or the system).
 *
 * The password check itself (argon2id, about 0.1 s) runs in the handler, before the write
 * and outside any transaction: the write re-checks what the check relied on, so an account
 * disabled, locked or given a new password while argon2id ran is refused. The lock is
 * queued (svc_run_queued): a failed login is answered after the same work whether it
 * locked the account or not. */
#include <jansson.h>
#include <string.h>

#include "service/service.h"
#include "util/timeutil.h"

struct principal svc_login_principal(const struct user *u, const char *ip, const char *request_id)
{
	return (struct principal){.user_id = u->id,
				  .username = u->username,
				  .role = u->role,
				  .area = u->area,
				  .ip = ip,
				  .request_id = request_id};
}

/* ---- a login's success ---- */

struct login_io {
	const char *hash;
	int64_t now;
	struct user *out;
};

/* Whether the account as read in the transaction still lets the checked password in. */
static bool still_open(const struct user *u, const char *hash, int64_t now)
{
	return !u->disabled && u->locked_until <= now && u->password_hash &&
	       !strcmp(u->password_hash, hash);
}

static enum store_status apply_login(struct svc_ctx *x)
{
	struct login_io *io = x->arg;
	struct user *u = io->out;
	enum store_status ss;
	bool open;

	if ((ss = store_tx_user_auth(x->tx, x->who->user_id, x->a, u)) != STORE_OK)
		return ss;
	open = still_open(u, io->hash, io->now);
	u->password_hash = NULL; /* the hash never leaves the use case */
	if (!open)
		return STORE_CONFLICT; /* out: the account as it is now */
	if ((ss = store_tx_user_login(x->tx, u->id, io->now)) != STORE_OK)
		return ss;
	u->failed_logins = 0;
	u->locked_until = 0;
	u->last_login_at = io->now;
	return svc_changed(x, "user", u->id, u->area, NULL, NULL);
}

enum store_status svc_auth_login(struct store *s, const struct principal *who, const char *hash,
				 int64_t now, struct arena *a, struct user *out)
{
	struct login_io io = {hash, now, out};
	struct svc_write w = {"login", NULL, NULL, apply_login, NULL, &io};

	return svc_run(s, who, &w, a, NULL);
}

/* ---- the account-wide lock (queued: the copy of its input holds no pointers) ---- */

struct lock_in {
	int64_t until;
};

static enum store_status apply_lock(struct svc_ctx *x)
{
	const struct lock_in *in = x->arg;
	char iso[ISO_TIME_LEN + 1];
	struct user u;
	int64_t until;
	enum store_status ss;

	if ((ss = store_tx_user_read(x->tx, x->who->user_id, x->a, &u)) != STORE_OK)
		return ss;
	until = u.locked_until > in->until ? u.locked_until : in->until; /* never shortened */
	if ((ss = store_tx_user_lock(x->tx, u.id, until, u.failed_logins + 1)) != STORE_OK)
		return ss;
	time_iso(in->until, iso);
	return svc_changed(x, "user", arena_strdup(x->a, u.id), u.area, NULL,
			   svc_json(x, json_pack("{s:s}", "locked_until", iso)));
}

void svc_auth_lock(struct store *s, const struct principal *who, int64_t until)
{
	struct lock_in in = {until};
	struct svc_write w = {"login.lock", NULL, NULL, apply_lock, NULL, &in};

	svc_run_queued(s, who, &w, sizeof in);
}

/* ---- a password set by its owner or the system ---- */

struct password_io {
	const char *id, *hash, *verified;
	bool must_change;
};

/* The account id is who's own, or the system's to set (in its scope). */
static bool may_set(const struct svc_ctx *x, const struct user *u)
{
	if (svc_is_system(x->who))
		return svc_in_scope(x, u->area);
	return x->who->user_id && !strcmp(x->who->user_id, u->id);
}

static enum store_status apply_password(struct svc_ctx *x)
{
	struct password_io *io = x->arg;
	struct user u;
	enum store_status ss;

	if (!io->hash)
		return STORE_NOT_FOUND; /* a look-up of the key only: not a replay */
	if ((ss = store_tx_user_auth(x->tx, io->id, x->a, &u)) != STORE_OK)
		return ss;
	if (!may_set(x, &u))
		return STORE_NOT_FOUND;
	if (io->verified && strcmp(u.password_hash, io->verified))
		return STORE_CONFLICT; /* changed since the old password was checked */
	if ((ss = store_tx_user_password(x->tx, u.id, io->hash, io->must_change, time_now())) !=
	    STORE_OK)
		return ss;
	return svc_changed(x, "user", arena_strdup(x->a, u.id), u.area, NULL, NULL);
}

enum store_status svc_auth_password(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *id, const char *hash,
				    const char *verified, bool must_change, struct arena *a,
				    bool *replayed)
{
	struct password_io io = {id, hash, verified, must_change};
	struct svc_write w = {svc_is_system(who) ? "user.reset_password" : "password.change",
			      "password.change",
			      idem,
			      apply_password,
			      NULL,
			      &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- the reads and rows of signing in ---- */

enum store_status svc_auth_account(struct store *s, const char *username, struct arena *a,
				   struct user *out)
{
	return store_user_by_name(s, username, a, out); /* unscoped: the name is the claim */
}

enum store_status svc_auth_audit(struct store *s, const struct audit_entry *e, bool wait)
{
	return store_audit_append(s, e, wait);
}
