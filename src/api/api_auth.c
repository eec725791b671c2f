/* api_auth — login, logout, the current user, and changing one's own password.
 *
 * What a client learns from a failed login is the same for every name, whether an account
 * has it or not: the same answers in the same order (auth.failed, then auth.locked after
 * --lock-failures failures from one address), after the same argon2id work (against a
 * dummy hash when there is no account or the attempt is refused), and with the same writes
 * (queued audit rows, never waited for). Locks are per name and client address
 * (http/ratelimit.h): a stranger's failures lock the name for the stranger's address only.
 * The net that locks an account for every address after failures from many addresses is
 * also written to the account (app_user.locked_until), so it outlives a restart.
 * A name that is no account is never stored: the audit row says "(unknown)". */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/password_policy.h"
#include "http/ratelimit.h"
#include "util/pwhash.h"
#include "util/timeutil.h"

enum { PASSWORD_INPUT_MAX = 256, CLOSED_MAX = 16 };

/* The audit name of a login with a name that is no account: usernames are [a-z0-9_.-], so
 * this one is never an account's. */
#define UNKNOWN_NAME "(unknown)"

static void set_session_cookie(struct req *r, const char *token, int max_age)
{
	r->set_cookie =
		arena_printf(r->a, "fk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
			     token, max_age, r->srv->cfg.secure_cookies ? "; Secure" : "");
}

static json_t *perms_json(enum role role)
{
	const char *names[PERM_COUNT];
	size_t n = role_perm_names(role, names, PERM_COUNT);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_string(names[i]));
	return arr;
}

static json_t *grantable_json(enum role role)
{
	enum role all[16];
	size_t n = role_all(all, 16);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		if (role_may_grant(role, all[i]))
			json_array_append_new(arr, json_string(role_name(all[i])));
	return arr;
}

/* A queued audit row about an attempt on account u (NULL: the name is no account). */
static void attempt_audit(struct req *r, const char *action, const struct user *u, const char *why)
{
	struct audit_entry e = api_audit(r, action);

	e.username = u ? u->username : UNKNOWN_NAME;
	e.user_id = u ? u->id : NULL;
	e.area = u ? u->area : NULL;
	e.result = why;
	e.object_type = "user";
	e.object_id = e.user_id;
	svc_auth_audit(r->srv->store, &e, false);
}

/* Writes one row per ended window of refused attempts (ratelimit_closed). */
static void audit_closed(struct req *r, int64_t now)
{
	struct rl_closed c[CLOSED_MAX];
	int n = ratelimit_closed(r->srv->login_rl, now, c, CLOSED_MAX);

	for (int i = 0; i < n; i++) {
		struct audit_entry e = {
			.action = "login.failed", .result = "rate_limited", .ip = c[i].key};
		char from[ISO_TIME_LEN + 1], to[ISO_TIME_LEN + 1];

		time_iso(c[i].from, from);
		time_iso(c[i].to, to);
		e.after = arena_printf(r->a, "{\"refused\":%d,\"from\":\"%s\",\"to\":\"%s\"}",
				       c[i].refused, from, to);
		svc_auth_audit(r->srv->store, &e, false);
	}
}

/* Counts an attempt (login or old password) from addr against --login-per-minute; answers
 * 429 when over. Refusals are counted: the first of a minute is audited at once, the rest
 * as one row when the minute has ended. */
static bool attempt_allowed(struct req *r, const char *addr, const char *action, int64_t now)
{
	enum rl_verdict v = ratelimit_hit(r->srv->login_rl, addr, now);

	audit_closed(r, now);
	if (v == RL_ALLOW)
		return true;
	if (v == RL_REFUSE_FIRST) {
		struct audit_entry e = api_audit(r, action);
		e.result = "rate_limited";
		svc_auth_audit(r->srv->store, &e, false);
	}
	reply_error(r, ERR_RATE_LIMITED, NULL);
	return false;
}

/* Counts a failed attempt of name from addr; true when the address is now locked for it.
 * When the failure locks the account for every address, the lock is written to it. */
static bool attempt_failed(struct req *r, const struct user *u, const char *name, const char *addr,
			   int64_t now)
{
	struct lock_rule rule = {r->srv->cfg.lock_failures, r->srv->cfg.lock_seconds};
	bool net = false;
	enum lock_state ls = ratelimit_lock_fail(r->srv->login_rl, name, addr, now, &rule, &net);

	if (net && u) {
		struct principal who = svc_login_principal(u, r->ip, r->id);
		svc_auth_lock(r->srv->store, &who, now + rule.seconds);
	}
	return ls == LOCK_ADDRESS;
}

/* Why a login that ran the password check failed; NULL when it did not fail. */
static const char *login_verdict(const struct user *u, enum lock_state ls, const char *password)
{
	if (!u || u->disabled || ls != LOCK_OPEN) {
		pwhash_dummy_verify(password);
		return !u ? "unknown_user" : u->disabled ? "disabled" : "account_locked";
	}
	return pwhash_verify(u->password_hash, password) ? NULL : "wrong_password";
}

/* Why a verified login's write was refused (the account changed while argon2id ran). */
static const char *changed_verdict(enum store_status st, const struct user *now_u, int64_t now)
{
	if (st == STORE_NOT_FOUND)
		return "unknown_user";
	if (now_u->disabled)
		return "disabled";
	return now_u->locked_until > now ? "account_locked" : "wrong_password";
}

/* A failed attempt: counted against name and address, audited, answered. */
static void login_failed(struct req *r, const struct user *u, const char *name, const char *addr,
			 int64_t now, const char *why)
{
	bool locked = attempt_failed(r, u, name, addr, now);

	attempt_audit(r, "login.failed", u, why);
	reply_error(r, locked ? ERR_AUTH_LOCKED : ERR_AUTH_FAILED, NULL);
}

/* The password of u checked out; the write re-checks the account (svc_auth_login) and
 * the session is built from the row it wrote. A refused re-check answers as a wrong
 * password does. */
static void login_ok(struct req *r, const struct user *u, const char *addr, int64_t now)
{
	struct session_info si = {0};
	char token[SESSION_TOKEN_LEN + 1];
	struct principal who = svc_login_principal(u, r->ip, r->id);
	struct user w;
	enum store_status st;

	st = svc_auth_login(r->srv->store, &who, u->password_hash, now, r->a, &w);
	if (st == STORE_CONFLICT || st == STORE_NOT_FOUND) {
		login_failed(r, st == STORE_CONFLICT ? &w : u, u->username, addr, now,
			     changed_verdict(st, &w, now));
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_FAILED);
		return;
	}
	ratelimit_lock_ok(r->srv->login_rl, w.username, addr);
	memcpy(si.user_id, w.id, sizeof si.user_id);
	snprintf(si.username, sizeof si.username, "%s", w.username);
	si.role = w.role;
	memcpy(si.area, w.area, sizeof si.area);
	si.must_change = w.must_change;
	sessions_create(r->srv->sessions, &si, now, token);
	set_session_cookie(r, token, r->srv->cfg.session_absolute);
	r->sess = si;
	r->authed = true;
	reply_json(r, 200,
		   json_pack("{s:o, s:s, s:b}", "user", api_user_json(&w), "csrf", si.csrf,
			     "must_change_password", si.must_change));
}

void api_login(struct req *r)
{
	const char *username, *password, *why;
	char addr[RATELIMIT_ADDR_LEN];
	struct user u, *known = NULL;
	int64_t now = time_now();
	enum store_status st;
	enum lock_state ls;

	if (api_bad_field(r, json_get_str(r->json, "username", 64, true, &username), "username") ||
	    api_bad_field(r, json_get_str(r->json, "password", PASSWORD_INPUT_MAX, true, &password),
			  "password"))
		return;
	ratelimit_addr(r->ip, addr);
	if (!attempt_allowed(r, addr, "login.failed", now))
		return;
	st = svc_auth_account(r->srv->store, username, r->a, &u);
	if (st != STORE_OK && st != STORE_NOT_FOUND) {
		pwhash_dummy_verify(password);
		api_store_error(r, st, ERR_AUTH_FAILED);
		return;
	}
	if (st == STORE_OK)
		known = &u;
	ls = ratelimit_lock_state(r->srv->login_rl, username, addr, now);
	if (ls == LOCK_OPEN && known && u.locked_until > now)
		ls = LOCK_ACCOUNT; /* the net's lock, as written before a restart */
	if (ls == LOCK_ADDRESS) {
		pwhash_dummy_verify(password);
		attempt_audit(r, "login.failed", known, "locked");
		reply_error(r, ERR_AUTH_LOCKED, NULL);
		return;
	}
	if ((why = login_verdict(known, ls, password))) {
		login_failed(r, known, username, addr, now, why);
		return;
	}
	login_ok(r, &u, addr, now);
}

void api_logout(struct req *r)
{
	struct audit_entry e = api_audit(r, "logout");

	e.object_type = "user";
	e.object_id = r->sess.user_id;
	sessions_drop(r->srv->sessions, r->token);
	set_session_cookie(r, "", 0);
	svc_auth_audit(r->srv->store, &e, true);
	reply_empty(r, 204);
}

/* The rules password_check enforces, for the change-password form to show before anyone
 * types (and to tick as they are met): the numbers come from the policy itself, so the
 * form's text cannot drift from what the server refuses. */
static json_t *password_policy_json(void)
{
	return json_pack("{s:i, s:i, s:i, s:b, s:b}", "min_chars", PASSWORD_MIN_CHARS, "max_bytes",
			 PASSWORD_MAX_BYTES, "username_min_chars", PASSWORD_USERNAME_MIN_CHARS,
			 "no_common", 1, "not_old", 1);
}

/* The checkpoint a checkpoint_staff account belongs to, for its phone page; null else. */
static json_t *my_checkpoint(struct req *r, const struct principal *who)
{
	struct checkpoint c;

	if (svc_checkpoint_mine(r->srv->store, who, r->a, &c) != STORE_OK)
		return json_null();
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s}", "id", c.id, "name", c.name,
			 "kind", c.kind, "area", c.area, "area_name",
			 c.area_name ? c.area_name : "", "open", !c.closed_on, "location",
			 c.location ? c.location : "");
}

void api_me(struct req *r)
{
	struct principal who = api_principal(r);
	struct user u;
	enum store_status st = svc_user_get(r->srv->store, &who, r->sess.user_id, r->a, &u);

	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_REQUIRED);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:s, s:b, s:o, s:o, s:o, s:o}", "user", api_user_json(&u), "csrf",
			     r->sess.csrf, "must_change_password", r->sess.must_change,
			     "permissions", perms_json(r->sess.role), "grantable_roles",
			     grantable_json(r->sess.role), "password_policy",
			     password_policy_json(), "checkpoint", my_checkpoint(r, &who)));
}

/* Maps a policy verdict to its error; ERR__COUNT when the password is acceptable. */
enum err api_password_verdict(int v)
{
	switch (v) {
	case PASSWORD_OK: return ERR__COUNT;
	case PASSWORD_TOO_SHORT: return ERR_PASSWORD_TOO_SHORT;
	case PASSWORD_TOO_LONG: return ERR_PASSWORD_TOO_LONG;
	case PASSWORD_COMMON: return ERR_PASSWORD_COMMON;
	case PASSWORD_LIKE_USERNAME: return ERR_PASSWORD_LIKE_USERNAME;
	default: return ERR_PASSWORD_ENCODING;
	}
}

/* The optional key of a password change: api_idem's, but the body's hash is keyed with
 * the server's key, since the body holds both passwords and a plain SHA-256 of it kept in
 * the database would be a fast way to guess them. */
static bool password_idem(struct req *r, struct store_idem *buf, char hash[65],
			  const struct store_idem **idem)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash_state hs;
	char *canon;

	if (!api_idem_opt(r, buf, hash, idem))
		return false;
	if (!*idem)
		return true;
	if (!(canon = json_dumps(r->json, JSON_COMPACT | JSON_SORT_KEYS)))
		fk_oom();
	crypto_generichash_init(&hs, r->srv->key, SECRET_KEY_LEN, sizeof h);
	crypto_generichash_update(&hs, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_generichash_update(&hs, (const unsigned char *)canon, strlen(canon));
	crypto_generichash_final(&hs, h, sizeof h);
	free(canon);
	sodium_bin2hex(hash, 65, h, sizeof h);
	return true;
}

/* An old password that does not check out may be the retry of a change that went through
 * (the password is the new one now): true when idem says so, and the first answer (or the
 * 409 of another request under the key) was sent. */
static bool replay_answered(struct req *r, const struct user *u, const struct store_idem *idem)
{
	struct principal who = api_principal(r);
	bool replayed = false;
	enum store_status st;

	if (!idem)
		return false;
	st = svc_auth_password(r->srv->store, &who, idem, u->id, NULL, NULL, false, r->a,
			       &replayed);
	if (st == STORE_NOT_FOUND)
		return false;
	if (st == STORE_OK && replayed)
		reply_empty(r, 204);
	else
		api_store_error(r, st, ERR_AUTH_REQUIRED);
	return true;
}

/* Checks the old password the way a login is checked: per-address rate limit, lock per
 * name and address; false (and the reply sent) when the change must stop. */
static bool old_password_ok(struct req *r, const struct user *u, const char *old_pw,
			    const struct store_idem *idem, int64_t now)
{
	char addr[RATELIMIT_ADDR_LEN];

	ratelimit_addr(r->ip, addr);
	if (!attempt_allowed(r, addr, "password.change", now))
		return false;
	if (ratelimit_lock_state(r->srv->login_rl, u->username, addr, now) == LOCK_ADDRESS) {
		attempt_audit(r, "password.change", u, "locked");
		reply_error(r, ERR_RATE_LIMITED, NULL);
		return false;
	}
	if (pwhash_verify(u->password_hash, old_pw)) {
		ratelimit_lock_ok(r->srv->login_rl, u->username, addr);
		return true;
	}
	if (replay_answered(r, u, idem))
		return false;
	attempt_audit(r, "password.change", u, "wrong_password");
	if (attempt_failed(r, u, u->username, addr, now))
		reply_error(r, ERR_RATE_LIMITED, NULL);
	else
		reply_error(r, ERR_PASSWORD_WRONG, "old_password");
	return false;
}

/* A password changed: whoever else holds a session (or guessed the old password) is out;
 * the new password starts with no counts against it. */
static void password_changed(struct req *r, const struct user *u)
{
	sessions_drop_user_except(r->srv->sessions, u->id, r->token);
	ratelimit_lock_forget(r->srv->login_rl, u->username);
	sessions_set_must_change(r->srv->sessions, r->token, false);
}

void api_password(struct req *r)
{
	static const char *const allowed[] = {"uuid", "old_password", "new_password", NULL};
	const char *old_pw, *new_pw;
	char hash[PWHASH_LEN], body_hash[65];
	struct store_idem ibuf;
	const struct store_idem *idem;
	struct principal who = api_principal(r);
	struct user u;
	enum store_status st;
	enum err e;
	bool replayed = false;

	if (api_unknown_fields(r, allowed) || !password_idem(r, &ibuf, body_hash, &idem) ||
	    api_bad_field(r,
			  json_get_str(r->json, "old_password", PASSWORD_INPUT_MAX, true, &old_pw),
			  "old_password") ||
	    api_bad_field(r,
			  json_get_str(r->json, "new_password", PASSWORD_INPUT_MAX, true, &new_pw),
			  "new_password"))
		return;
	if ((st = svc_auth_account(r->srv->store, r->sess.username, r->a, &u)) != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_REQUIRED);
		return;
	}
	if (!old_password_ok(r, &u, old_pw, idem, time_now()))
		return;
	if ((e = api_password_verdict(password_check(new_pw, u.username))) != ERR__COUNT) {
		reply_error(r, e, "new_password");
		return;
	}
	if (!strcmp(old_pw, new_pw)) {
		reply_error(r, ERR_PASSWORD_SAME, "new_password");
		return;
	}
	if (!pwhash_make(new_pw, hash))
		fk_oom();
	st = svc_auth_password(r->srv->store, &who, idem, u.id, hash, u.password_hash, false, r->a,
			       &replayed);
	if (st == STORE_CONFLICT) { /* the password changed while the old one was checked */
		reply_error(r, ERR_PASSWORD_WRONG, "old_password");
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_REQUIRED);
		return;
	}
	if (!replayed)
		password_changed(r, &u);
	reply_empty(r, 204);
}
