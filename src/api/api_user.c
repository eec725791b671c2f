/* api_user — accounts in the caller's area. A caller manages only accounts whose role
 * they could grant, and grants no role above their own. Changing an account's role, area
 * or status, or resetting its password, ends its sessions. */
#include <string.h>

#include "api/api.h"
#include "domain/password_policy.h"
#include "http/ratelimit.h"
#include "util/pwhash.h"
#include "util/timeutil.h"

enum { DISPLAY_MAX_CHARS = 32 };

json_t *api_user_json(const struct user *u)
{
	char created[ISO_TIME_LEN + 1], last[ISO_TIME_LEN + 1];

	time_iso(u->created_at, created);
	time_iso(u->last_login_at, last);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:s, s:o}", "id", u->id,
			 "username", u->username, "display_name", u->display_name, "phone",
			 u->phone, "role", role_name(u->role), "area", u->area, "area_name",
			 u->area_name ? u->area_name : "", "disabled", u->disabled,
			 "must_change_password", u->must_change, "locked",
			 u->locked_until > time_now(), "created_at", created, "last_login_at",
			 u->last_login_at ? json_string(last) : json_null());
}

/* An area field or parameter: well-formed and in scope, else replies. */
static bool scoped_area(struct req *r, const char *code, const char *field)
{
	struct principal who = api_principal(r);
	enum store_status st;

	if (area_code_level(code) == AREA_LEVEL_INVALID) {
		reply_error(r, ERR_AREA_CODE_INVALID, field);
		return false;
	}
	if ((st = svc_scope_check(&who, code, field)) != STORE_OK) {
		api_store_error(r, st, ERR_AREA_NOT_FOUND);
		return false;
	}
	return true;
}

void api_user_list(struct req *r)
{
	static const struct api_list_spec spec = {NULL, NULL, 50, 200, true};
	struct user_filter f = {0};
	struct api_list l;
	struct principal who = api_principal(r);
	const char *role = req_query(r, "role");
	struct user *v;
	size_t n;
	int64_t total;
	enum store_status st;
	json_t *arr;

	f.q = req_query(r, "q");
	if (!api_list_query(r, &spec, &l) || (l.area && !scoped_area(r, l.area, "area")))
		return;
	f.area = l.area;
	f.limit = l.limit;
	f.offset = l.offset;
	if (f.q && utf8_chars(f.q) > 40) {
		reply_error(r, ERR_QUERY_INVALID, "q");
		return;
	}
	if (role && *role && (f.role = role_parse(role)) == ROLE_NONE) {
		reply_error(r, ERR_ROLE_INVALID, "role");
		return;
	}
	if ((st = svc_user_list(r->srv->store, &who, &f, r->a, &v, &n, &total)) != STORE_OK) {
		api_store_error(r, st, ERR_USER_NOT_FOUND);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, api_user_json(&v[i]));
	api_reply_list(r, arr, total);
}

static bool role_field(struct req *r, bool required, enum role *out)
{
	const char *v;

	*out = ROLE_NONE;
	if (api_bad_field(r, json_get_str(r->json, "role", 32, required, &v), "role"))
		return false;
	if (!v)
		return true;
	if ((*out = role_parse(v)) == ROLE_NONE) {
		reply_error(r, ERR_ROLE_INVALID, "role");
		return false;
	}
	if (!role_may_grant(r->sess.role, *out)) {
		api_deny(r, ERR_ROLE_NOT_GRANTABLE, "role", v);
		return false;
	}
	return true;
}

/* The password given, or a fresh initial one in initial; replies on a policy breach. */
static bool password_field(struct req *r, const char *username, const char **pw, char *initial)
{
	enum err e;

	if (api_bad_field(r, json_get_str(r->json, "password", 256, false, pw), "password"))
		return false;
	if (!*pw) {
		pwhash_initial(initial);
		*pw = initial;
		return true;
	}
	if ((e = api_password_verdict(password_check(*pw, username))) != ERR__COUNT) {
		reply_error(r, e, "password");
		return false;
	}
	return true;
}

void api_user_create(struct req *r)
{
	static const char *const allowed[] = {"uuid", "username", "display_name", "phone", "role",
					      "area", "password", NULL};
	struct user in = {0}, out;
	struct store_idem idem;
	char hash[65], pwh[PWHASH_LEN], initial[INITIAL_PASSWORD_LEN + 1];
	const char *area, *pw;
	bool replayed;
	struct principal who = api_principal(r);
	enum store_status st;
	json_t *o;

	if (api_unknown_fields(r, allowed) || !api_idem(r, &idem, hash) ||
	    api_bad_field(r, json_get_str(r->json, "username", 32, true, &in.username), "username"))
		return;
	if (!username_valid(in.username)) {
		reply_error(r, ERR_USERNAME_INVALID, "username");
		return;
	}
	if (api_bad_field(r, json_get_str(r->json, "display_name", DISPLAY_MAX_CHARS, false,
					  &in.display_name),
			  "display_name") ||
	    !api_phone_field(r, "phone", &in.phone) || !role_field(r, true, &in.role) ||
	    api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, true, &area), "area") ||
	    !scoped_area(r, area, "area") || !password_field(r, in.username, &pw, initial))
		return;
	memcpy(in.id, idem.uuid, sizeof in.id);
	memcpy(in.area, area, strlen(area) + 1);
	if (!pwhash_make(pw, pwh))
		fk_oom();
	in.password_hash = pwh;
	in.must_change = true;
	st = svc_user_create(r->srv->store, &who, &idem, &in, r->a, &out, &replayed);
	switch (st) {
	case STORE_OK:
		o = json_pack("{s:o}", "user", api_user_json(&out));
		if (!replayed && pw == initial)
			json_object_set_new(o, "initial_password", json_string(initial));
		reply_json(r, replayed ? 200 : 201, o);
		break;
	case STORE_CONFLICT:
		reply_error(r, ERR_USERNAME_TAKEN, "username");
		break;
	case STORE_INVALID:
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		break;
	default:
		api_store_error(r, st, ERR_USER_NOT_FOUND);
	}
}

void api_user_get(struct req *r)
{
	const char *id = r->match.params[0];
	struct principal who = api_principal(r);
	struct user u;

	if (api_uuid_ok(r, id, ERR_USER_NOT_FOUND) &&
	    api_stored(r, svc_user_get(r->srv->store, &who, id, r->a, &u), ERR_USER_NOT_FOUND))
		reply_json(r, 200, api_user_json(&u));
}

void api_user_update(struct req *r)
{
	static const char *const allowed[] = {"uuid", "display_name", "phone", "role",
					      "area", "disabled", NULL};
	const char *id = r->match.params[0];
	struct user before, out;
	struct user_patch p = {.disabled = -1};
	bool disabled;
	enum json_field jf;
	struct principal who = api_principal(r);
	struct store_idem buf;
	const struct store_idem *idem;
	char hash[65];
	enum store_status st;

	if (!api_uuid_ok(r, id, ERR_USER_NOT_FOUND) || api_unknown_fields(r, allowed) ||
	    !api_idem_opt(r, &buf, hash, &idem) ||
	    api_bad_field(r, json_get_str(r->json, "display_name", DISPLAY_MAX_CHARS, false,
					  &p.display_name),
			  "display_name") ||
	    !api_phone_field(r, "phone", &p.phone) || !role_field(r, false, &p.role) ||
	    api_bad_field(r, json_get_str(r->json, "area", AREA_CODE_MAX, false, &p.area), "area") ||
	    (p.area && !scoped_area(r, p.area, "area")) ||
	    api_bad_field(r, jf = json_get_bool(r->json, "disabled", false, &disabled), "disabled"))
		return;
	if (jf == JSON_FIELD_OK)
		p.disabled = disabled;
	/* the account is read, and its rules (scope, grantable role, one's own) checked, in
	 * the transaction that changes it */
	st = svc_user_update(r->srv->store, &who, idem, id, &p, r->a, &before, &out, NULL);
	if (st == STORE_INVALID) {
		reply_error(r, ERR_AREA_NOT_FOUND, "area");
		return;
	}
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_USER_NOT_FOUND);
		return;
	}
	if (out.role != before.role || strcmp(out.area, before.area) ||
	    out.disabled != before.disabled)
		sessions_drop_user(r->srv->sessions, id);
	reply_json(r, 200, api_user_json(&out));
}

/* A replay of a reset (the same uuid) resets nothing and cannot tell the initial password
 * again (it is never stored): it answers that the reset was done, without one. */
void api_user_reset(struct req *r)
{
	static const char *const allowed[] = {"uuid", NULL};
	const char *id = r->match.params[0];
	struct user out;
	char initial[INITIAL_PASSWORD_LEN + 1], pwh[PWHASH_LEN], body_hash[65];
	struct store_idem ibuf;
	const struct store_idem *idem;
	struct principal who = api_principal(r);
	enum store_status st;
	bool replayed = false;

	if (!api_uuid_ok(r, id, ERR_USER_NOT_FOUND) || (r->json && api_unknown_fields(r, allowed)) ||
	    !api_idem_opt(r, &ibuf, body_hash, &idem))
		return;
	/* the account's rules (scope, grantable role, not one's own) are checked in the
	 * transaction that sets the password */
	pwhash_initial(initial);
	if (!pwhash_make(initial, pwh))
		fk_oom();
	st = svc_user_reset(r->srv->store, &who, idem, id, pwh, r->a, &out, &replayed);
	if (st != STORE_OK) {
		api_store_error(r, st, ERR_USER_NOT_FOUND);
		return;
	}
	if (replayed) {
		reply_json(r, 200, json_pack("{s:b}", "replayed", true));
		return;
	}
	sessions_drop_user(r->srv->sessions, id);
	ratelimit_lock_forget(r->srv->login_rl, out.username); /* unlocked for every address */
	reply_json(r, 200, json_pack("{s:s}", "initial_password", initial));
}
