/* api_auth — login, logout, the current user, and changing one's own password.
 *
 * A wrong username and a wrong password answer the same, after the same argon2id work.
 * Failures are counted in the store (durably), so a restart does not reset a lock. */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "domain/password_policy.h"
#include "http/ratelimit.h"
#include "util/pwhash.h"
#include "util/timeutil.h"

enum { PASSWORD_INPUT_MAX = 256 };

static void set_session_cookie(struct req *r, const char *token, int max_age)
{
	r->set_cookie = arena_printf(r->a, "fk_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
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

static void login_failed(struct req *r, const char *username, const char *user_id,
			 const char *area, const char *why)
{
	struct audit_entry e = api_audit(r, "login.failed");

	e.username = username;
	e.user_id = user_id;
	e.area = area;
	e.result = why;
	e.object_type = "user";
	e.object_id = user_id;
	store_audit_append(r->srv->store, &e, false);
}

void api_login(struct req *r)
{
	const char *username, *password;
	struct user u;
	struct session_info si = {0};
	char token[SESSION_TOKEN_LEN + 1];
	int64_t now = time_now();
	enum store_status st;
	struct audit_entry e;

	if (api_bad_field(r, json_get_str(r->json, "username", 64, true, &username), "username") ||
	    api_bad_field(r, json_get_str(r->json, "password", PASSWORD_INPUT_MAX, true, &password),
			  "password"))
		return;
	if (!ratelimit_allow(r->srv->login_rl, r->ip, now)) {
		login_failed(r, username, NULL, NULL, "rate_limited");
		reply_error(r, ERR_RATE_LIMITED, NULL);
		return;
	}
	st = store_user_by_name(r->srv->store, username, r->a, &u);
	if (st != STORE_OK || u.disabled) {
		pwhash_dummy_verify(password);
		if (st != STORE_OK && st != STORE_NOT_FOUND) {
			api_store_error(r, st, ERR_AUTH_FAILED);
			return;
		}
		login_failed(r, username, st == STORE_OK ? u.id : NULL, st == STORE_OK ? u.area : NULL,
			     st == STORE_OK ? "disabled" : "unknown_user");
		reply_error(r, ERR_AUTH_FAILED, NULL);
		return;
	}
	if (u.locked_until > now) {
		pwhash_dummy_verify(password);
		login_failed(r, u.username, u.id, u.area, "locked");
		reply_error(r, ERR_AUTH_LOCKED, NULL);
		return;
	}
	bool ok = pwhash_verify(u.password_hash, password);
	e = api_audit(r, ok ? "login" : "login.failed");
	e.user_id = u.id;
	e.username = u.username;
	e.area = u.area;
	e.object_type = "user";
	e.object_id = u.id;
	e.result = ok ? "ok" : "wrong_password";
	st = store_user_login_result(r->srv->store, u.id, ok, now, r->srv->cfg.lock_failures,
				     r->srv->cfg.lock_seconds, &e);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_FAILED);
		return;
	}
	if (!ok) {
		reply_error(r, u.failed_logins + 1 >= r->srv->cfg.lock_failures ? ERR_AUTH_LOCKED
										 : ERR_AUTH_FAILED,
			    NULL);
		return;
	}
	memcpy(si.user_id, u.id, sizeof si.user_id);
	snprintf(si.username, sizeof si.username, "%s", u.username);
	si.role = u.role;
	memcpy(si.area, u.area, sizeof si.area);
	si.must_change = u.must_change;
	sessions_create(r->srv->sessions, &si, now, token);
	set_session_cookie(r, token, r->srv->cfg.session_absolute);
	r->sess = si;
	r->authed = true;
	u.last_login_at = now;
	reply_json(r, 200, json_pack("{s:o, s:s, s:b}", "user", api_user_json(&u), "csrf", si.csrf,
				     "must_change_password", si.must_change));
}

void api_logout(struct req *r)
{
	struct audit_entry e = api_audit(r, "logout");

	e.object_type = "user";
	e.object_id = r->sess.user_id;
	sessions_drop(r->srv->sessions, r->token);
	set_session_cookie(r, "", 0);
	store_audit_append(r->srv->store, &e, true);
	reply_empty(r, 204);
}

void api_me(struct req *r)
{
	struct user u;
	enum store_status st = store_user_get(r->srv->store, r->sess.user_id, r->a, &u);

	if (st != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_REQUIRED);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:s, s:b, s:o, s:o}", "user", api_user_json(&u), "csrf",
			     r->sess.csrf, "must_change_password", r->sess.must_change,
			     "permissions", perms_json(r->sess.role), "grantable_roles",
			     grantable_json(r->sess.role)));
}

/* Maps a policy verdict to its error; ERR__COUNT when the password is acceptable. */
enum err api_password_verdict(int v)
{
	switch (v) {
	case PASSWORD_OK:
		return ERR__COUNT;
	case PASSWORD_TOO_SHORT:
		return ERR_PASSWORD_TOO_SHORT;
	case PASSWORD_TOO_LONG:
		return ERR_PASSWORD_TOO_LONG;
	case PASSWORD_COMMON:
		return ERR_PASSWORD_COMMON;
	case PASSWORD_LIKE_USERNAME:
		return ERR_PASSWORD_LIKE_USERNAME;
	default:
		return ERR_PASSWORD_ENCODING;
	}
}

void api_password(struct req *r)
{
	static const char *const allowed[] = {"old_password", "new_password", NULL};
	const char *old_pw, *new_pw;
	char hash[PWHASH_LEN];
	struct user u;
	enum store_status st;
	enum err e;
	struct audit_entry ae;

	if (api_unknown_fields(r, allowed) ||
	    api_bad_field(r, json_get_str(r->json, "old_password", PASSWORD_INPUT_MAX, true, &old_pw),
			  "old_password") ||
	    api_bad_field(r, json_get_str(r->json, "new_password", PASSWORD_INPUT_MAX, true, &new_pw),
			  "new_password"))
		return;
	if ((st = store_user_by_name(r->srv->store, r->sess.username, r->a, &u)) != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_REQUIRED);
		return;
	}
	if (!pwhash_verify(u.password_hash, old_pw)) {
		reply_error(r, ERR_PASSWORD_WRONG, "old_password");
		return;
	}
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
	ae = api_audit(r, "password.change");
	ae.object_type = "user";
	ae.object_id = u.id;
	if ((st = store_user_set_password(r->srv->store, u.id, hash, false, &ae)) != STORE_OK) {
		api_store_error(r, st, ERR_AUTH_REQUIRED);
		return;
	}
	sessions_set_must_change(r->srv->sessions, r->token, false);
	reply_empty(r, 204);
}
