/* The writes of signing in (src/service/svc_auth.c), the system's loads (svc_load.c), the
 * password reset's key (svc_user.c) and the card token (svc_card.c), in process against a
 * temporary database:
 * - a login's success write re-checks, in its transaction, what the password check relied
 *   on (an account disabled, locked or given a new password while argon2id ran is refused)
 *   and answers the row it wrote, from which the session is built;
 * - the account-wide lock is queued (svc_run_queued), never shortened, counted, audited;
 * - a password set under a key is set once: a replay sets nothing, another body is 409;
 *   only the account itself or the system may set it;
 * - a reset replayed resets nothing;
 * - only the system loads the area tree and the divisions;
 * - a card's token is reissued once, in scope, and kept when it opens. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "county_fixture.h"
#include "service/service.h"
#include "util/secret.h"
#include "util/timeutil.h"
#include "util/uuid.h"

#define USER_ID "00000000-0000-4000-8000-0000000000b1"

static const struct principal county = FX_PRINCIPAL("1", "county", ROLE_ADMIN, COUNTY);
static const struct principal town_b = FX_PRINCIPAL("2", "town_b", ROLE_COMMANDER, TOWN_B);

static int setup(void **state)
{
	struct fixture *f;
	struct user in = {.username = "wang",
			  .display_name = "王",
			  .phone = "",
			  .role = ROLE_GRID_WORKER,
			  .password_hash = "h1"};
	struct user out;

	if (county_open(state, "svcauth"))
		return -1;
	f = *state;
	snprintf(in.id, sizeof in.id, "%s", USER_ID);
	snprintf(in.area, sizeof in.area, "%s", VILLAGE_A);
	return svc_user_create(f->s, &county, NULL, &in, f->a, &out, NULL) == STORE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	return fixture_close(state);
}

static struct user account(struct fixture *f)
{
	struct user u;

	assert_int_equal(store_user_by_name(f->s, "wang", f->a, &u), STORE_OK);
	return u;
}

/* The newest audit row of action (n: how many there are). */
static struct audit_row last_row(struct fixture *f, const char *action, size_t *n)
{
	struct audit_filter q = {.action = action, .limit = 100};
	struct audit_row *rows;

	assert_int_equal(store_audit_list(f->s, &q, f->a, &rows, n), STORE_OK);
	return *n ? rows[0] : (struct audit_row){0};
}

static void flush(struct fixture *f)
{
	assert_int_equal(fixture_flush(f), 0);
}

static enum store_status login(struct fixture *f, const struct user *u, const char *hash,
			       int64_t now, struct user *w)
{
	struct principal who = svc_login_principal(u, "127.0.0.9", "rl");

	return svc_auth_login(f->s, &who, hash, now, f->a, w);
}

static void test_login_ok_answers_the_row_it_wrote(void **state)
{
	struct fixture *f = *state;
	struct user u = account(f), w;
	struct user_patch p = {.role = ROLE_CADRE, .area = VILLAGE_B, .disabled = -1};
	struct audit_row r;
	size_t n;

	/* while argon2id ran, an admin moved the account: the session gets the new role and
	 * area, read in the writing transaction */
	assert_int_equal(svc_user_update(f->s, &county, NULL, u.id, &p, f->a, NULL, &w, NULL),
			 STORE_OK);
	assert_int_equal(login(f, &u, u.password_hash, 3000, &w), STORE_OK);
	assert_int_equal(w.role, ROLE_CADRE);
	assert_string_equal(w.area, VILLAGE_B);
	assert_string_equal(w.area_name, "某村村委会");
	assert_int_equal(w.last_login_at, 3000);
	assert_null(w.password_hash);
	u = account(f);
	assert_int_equal(u.last_login_at, 3000);
	r = last_row(f, "login", &n);
	assert_int_equal(n, 1);
	assert_string_equal(r.username, "wang");
	assert_string_equal(r.object_id, USER_ID);
	assert_string_equal(r.area, VILLAGE_B); /* the row's area as written */
	assert_string_equal(r.ip, "127.0.0.9");
}

static void test_login_refused_when_the_account_changed(void **state)
{
	struct fixture *f = *state;
	struct user u = account(f), w;
	struct user_patch off = {.role = ROLE_NONE, .disabled = 1}, on = off;
	bool replayed;
	size_t n;

	/* disabled while the password was checked: refused, the account as it is now */
	assert_int_equal(svc_user_update(f->s, &county, NULL, u.id, &off, f->a, NULL, &w, NULL),
			 STORE_OK);
	assert_int_equal(login(f, &u, u.password_hash, 4000, &w), STORE_CONFLICT);
	assert_true(w.disabled);
	assert_null(w.password_hash);
	assert_int_equal(account(f).last_login_at, 0); /* nothing written */
	on.disabled = 0;
	assert_int_equal(svc_user_update(f->s, &county, NULL, u.id, &on, f->a, NULL, &w, NULL),
			 STORE_OK);

	/* locked for every address meanwhile */
	struct principal who = svc_login_principal(&u, "127.0.0.9", "rl");
	svc_auth_lock(f->s, &who, 5000);
	flush(f);
	assert_int_equal(login(f, &u, u.password_hash, 4999, &w), STORE_CONFLICT);
	assert_int_equal(w.locked_until, 5000);
	assert_int_equal(login(f, &u, u.password_hash, 5000, &w), STORE_OK); /* it has ended */
	assert_int_equal(w.locked_until, 0);
	assert_int_equal(w.failed_logins, 0);

	/* a new password meanwhile wins over the one checked */
	struct principal sys = svc_system_principal(VILLAGE_A);
	assert_int_equal(
		svc_auth_password(f->s, &sys, NULL, u.id, "h2", NULL, false, f->a, &replayed),
		STORE_OK);
	assert_int_equal(login(f, &u, "h1", 6000, &w), STORE_CONFLICT);
	assert_false(w.disabled);
	assert_int_equal(w.last_login_at, 5000);
	assert_int_equal(login(f, &u, "h2", 6000, &w), STORE_OK);

	/* gone */
	struct user gone = u;
	snprintf(gone.id, sizeof gone.id, "00000000-0000-4000-8000-0000000000ff");
	assert_int_equal(login(f, &gone, "h2", 6000, &w), STORE_NOT_FOUND);
	last_row(f, "login", &n);
	assert_int_equal(n, 2); /* the refused ones wrote no row */
}

static void test_lock_is_queued_never_shortened_and_audited(void **state)
{
	struct fixture *f = *state;
	struct user u = account(f);
	struct principal who = svc_login_principal(&u, "127.0.0.7", "rk");
	struct audit_row r;
	size_t n;

	svc_auth_lock(f->s, &who, 1604);
	svc_auth_lock(f->s, &who, 1500); /* never shortens */
	/* the caller's memory is gone before the writer runs: the queued run owns copies */
	memset(&who, 0, sizeof who);
	flush(f);
	u = account(f);
	assert_int_equal(u.locked_until, 1604);
	assert_int_equal(u.failed_logins, 2);
	assert_string_equal(u.password_hash, "h1");
	r = last_row(f, "login.lock", &n);
	assert_int_equal(n, 2);
	assert_string_equal(r.username, "wang");
	assert_string_equal(r.object_id, USER_ID);
	assert_string_equal(r.area, VILLAGE_A);
	assert_string_equal(r.ip, "127.0.0.7");
	assert_string_equal(r.request_id, "rk");
	assert_non_null(strstr(r.after, "\"locked_until\":\"1970-01-01T00:25:00Z\""));
	/* a login clears it */
	struct user w;
	assert_int_equal(login(f, &u, "h1", 2000, &w), STORE_OK);
	u = account(f);
	assert_int_equal(u.locked_until, 0);
	assert_int_equal(u.failed_logins, 0);
}

static void test_password_set_once_under_a_key(void **state)
{
	struct fixture *f = *state;
	struct user u = account(f);
	struct principal own = {.user_id = USER_ID,
				.username = "wang",
				.role = ROLE_GRID_WORKER,
				.area = VILLAGE_A,
				.ip = "127.0.0.1",
				.request_id = "rp"};
	struct store_idem k = {"33333333-3333-4333-8333-333333333333", "b1", USER_ID};
	struct store_idem other = {k.uuid, "b2", USER_ID};
	bool replayed = true;
	size_t n;

	/* a look-up of a key not used yet: not a replay, nothing written */
	assert_int_equal(
		svc_auth_password(f->s, &own, &k, u.id, NULL, NULL, false, f->a, &replayed),
		STORE_NOT_FOUND);
	/* the password changed since the old one was checked: refused */
	assert_int_equal(
		svc_auth_password(f->s, &own, &k, u.id, "h2", "h0", false, f->a, &replayed),
		STORE_CONFLICT);
	assert_int_equal(
		svc_auth_password(f->s, &own, &k, u.id, "h2", "h1", false, f->a, &replayed),
		STORE_OK);
	assert_false(replayed);
	assert_string_equal(account(f).password_hash, "h2");
	/* the same request again sets nothing, even when the password moved on since */
	struct principal sys = svc_system_principal(COUNTY);
	assert_int_equal(svc_auth_password(f->s, &sys, NULL, u.id, "h3", NULL, true, f->a, NULL),
			 STORE_OK);
	assert_int_equal(
		svc_auth_password(f->s, &own, &k, u.id, "h2", "h1", false, f->a, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_string_equal(account(f).password_hash, "h3");
	/* its look-up says replay too; another body under the key is 409 */
	assert_int_equal(
		svc_auth_password(f->s, &own, &k, u.id, NULL, NULL, false, f->a, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_int_equal(
		svc_auth_password(f->s, &own, &other, u.id, "h4", NULL, false, f->a, &replayed),
		STORE_CONFLICT_IDEM);
	assert_string_equal(account(f).password_hash, "h3");
	last_row(f, "password.change", &n);
	assert_int_equal(n, 1);
	struct audit_row r = last_row(f, "user.reset_password", &n);
	assert_int_equal(n, 1);
	assert_string_equal(r.username, "(cli)");
	assert_string_equal(r.area, VILLAGE_A);
}

static void test_password_only_own_or_system(void **state)
{
	struct fixture *f = *state;
	struct user u = account(f);
	struct principal sys_b = svc_system_principal(TOWN_B);

	/* another account, even an admin over it, sets no password here (that is a reset) */
	assert_int_equal(
		svc_auth_password(f->s, &county, NULL, u.id, "hx", NULL, false, f->a, NULL),
		STORE_NOT_FOUND);
	/* the system over another township neither */
	assert_int_equal(svc_auth_password(f->s, &sys_b, NULL, u.id, "hx", NULL, false, f->a, NULL),
			 STORE_NOT_FOUND);
	assert_string_equal(account(f).password_hash, "h1");
}

static void test_reset_replay_resets_nothing(void **state)
{
	struct fixture *f = *state;
	struct user u = account(f), out;
	struct store_idem k = {"44444444-4444-4444-8444-444444444444", "r", county.user_id};
	struct store_idem other = {k.uuid, "r2", county.user_id};
	bool replayed = true;
	size_t n;

	assert_int_equal(svc_user_reset(f->s, &county, &k, u.id, "i1", f->a, &out, &replayed),
			 STORE_OK);
	assert_false(replayed);
	/* the account changed its password since: the replay must not reset it again */
	struct principal sys = svc_system_principal(COUNTY);
	assert_int_equal(svc_auth_password(f->s, &sys, NULL, u.id, "mine", NULL, false, f->a, NULL),
			 STORE_OK);
	assert_int_equal(svc_user_reset(f->s, &county, &k, u.id, "i2", f->a, &out, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(out.username, "wang");
	assert_string_equal(account(f).password_hash, "mine");
	assert_int_equal(svc_user_reset(f->s, &county, &other, u.id, "i3", f->a, &out, &replayed),
			 STORE_CONFLICT_IDEM);
	last_row(f, "user.reset_password", &n);
	assert_int_equal(n, 2); /* the reset and the system's set: not the replay */
}

static void test_only_the_system_loads(void **state)
{
	struct fixture *f = *state;
	struct principal sys = svc_system_principal(COUNTY), sys_b = svc_system_principal(TOWN_B);
	struct area_seed renamed[] = {{TOWN_A, COUNTY, "社渚镇新名"}};
	struct area_seed nat[] = {{"32", "", "江苏省"}, {"3201", "32", "南京市"}};
	struct area_seed *v;
	struct area ar;
	size_t n;

	assert_int_equal(svc_area_load(f->s, &county, renamed, 1, f->a), STORE_INVALID);
	assert_int_equal(svc_area_load(f->s, &sys_b, renamed, 1, f->a), STORE_INVALID);
	assert_int_equal(svc_division_load(f->s, &county, nat, 2, f->a), STORE_INVALID);
	assert_int_equal(store_area_get(f->s, TOWN_A, f->a, &ar), STORE_OK);
	assert_string_equal(ar.name, "社渚镇");
	assert_int_equal(svc_area_load(f->s, &sys, renamed, 1, f->a), STORE_OK);
	assert_int_equal(store_area_get(f->s, TOWN_A, f->a, &ar), STORE_OK);
	assert_string_equal(ar.name, "社渚镇新名");
	assert_int_equal(svc_division_load(f->s, &sys, nat, 2, f->a), STORE_OK);
	assert_int_equal(store_divisions(f->s, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	struct audit_row r = last_row(f, "areas.load", &n);
	assert_int_equal(n, 2); /* the fixture's and this one */
	assert_string_equal(r.username, "(cli)");
	assert_string_equal(r.object_id, COUNTY);
	last_row(f, "divisions.load", &n);
	assert_int_equal(n, 1);
}

/* An observation of a person in VILLAGE_A placed by the county, its token sealed with key. */
static struct observation placed(struct fixture *f, const unsigned char *key)
{
	struct import_row row = {0};
	struct store_idem k = {"55555555-5555-4555-8555-555555555555", "h", county.user_id};
	char token[TOKEN_LEN + 1], *hash = arena_alloc(f->a, TOKEN_HASH_LEN + 1),
				   *box = arena_alloc(f->a, TOKEN_BOX_LEN + 1);
	struct obs_policy pol;
	struct obs_new in = {0};
	struct obs_placed out;
	struct person p;
	bool merged;
	char *id = arena_alloc(f->a, UUID_LEN + 1);

	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = row.p.phone = row.p.address = row.p.defects = "";
	row.p.name = "观察人";
	row.t = (struct travel){.origin = "", .transport = "", .transport_no = ""};
	snprintf(row.p.area, sizeof row.p.area, "%s", VILLAGE_A);
	assert_int_equal(svc_person_register(f->s, &county, &k, &row, f->a, &p, &merged, NULL),
			 STORE_OK);
	obs_policy_default(&pol);
	token_new(key, token, hash, box);
	uuid_v4(id);
	in.id = id;
	in.person_id = arena_strdup(f->a, p.id);
	in.kind = "home_observation";
	in.place = "家中";
	in.reason = "";
	in.start_date = obs_local_date(time_now());
	in.end_date = obs_date_add(in.start_date, pol.days - 1);
	in.token_hash = hash;
	in.token_box = box;
	in.now = time_now();
	assert_int_equal(svc_obs_place(f->s, &county, NULL, &pol, &in, f->a, &out, NULL), STORE_OK);
	return out.obs;
}

static void test_card_token_reissued_once_in_scope(void **state)
{
	struct fixture *f = *state;
	unsigned char moved[SECRET_KEY_LEN] = {1}, here[SECRET_KEY_LEN] = {2};
	struct observation o = placed(f, moved), now;
	char token[TOKEN_LEN + 1], again[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	size_t n;

	/* out of scope: as if missing, nothing written */
	assert_int_equal(svc_card_token(f->s, &town_b, here, o.id, f->a, token), STORE_DENIED);
	last_row(f, "observation.token", &n);
	assert_int_equal(n, 0);
	/* the sealed copy does not open here: a new token, sealed with this server's key */
	assert_int_equal(svc_card_token(f->s, &county, here, o.id, f->a, token), STORE_OK);
	assert_int_equal(store_obs_get(f->s, o.id, 0, f->a, &now), STORE_OK);
	assert_true(token_open(here, now.token_box, again));
	assert_string_equal(again, token);
	assert_true(token_hash(token, hash));
	assert_int_equal(store_obs_by_token(f->s, hash, 0, f->a, &now), STORE_OK);
	/* a second card printed from the stale read keeps that token */
	assert_int_equal(svc_card_token(f->s, &county, here, o.id, f->a, again), STORE_OK);
	assert_string_equal(again, token);
	struct audit_row r = last_row(f, "observation.token", &n);
	assert_int_equal(n, 2);
	assert_string_equal(r.object_id, o.id);
	assert_string_equal(r.area, VILLAGE_A);
	assert_string_equal(r.after, "{\"reissued\":false}");
	assert_null(strstr(r.after, token));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_login_ok_answers_the_row_it_wrote, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_login_refused_when_the_account_changed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_is_queued_never_shortened_and_audited,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_set_once_under_a_key, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_password_only_own_or_system, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_replay_resets_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_the_system_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_token_reissued_once_in_scope, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
