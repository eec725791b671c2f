/* Sessions (expiry, per-user ending), the per-address rate limit and the login locks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/cache.h"
#include "http/ratelimit.h"
#include "http/session.h"

static struct session_info user(const char *id)
{
	struct session_info si = {0};
	snprintf(si.user_id, sizeof si.user_id, "%s", id);
	snprintf(si.username, sizeof si.username, "u");
	snprintf(si.area, sizeof si.area, "320481116200");
	si.role = ROLE_GRID_WORKER;
	return si;
}

static void test_create_get(void **state)
{
	struct sessions *s = sessions_new(1800, 43200);
	struct session_info si = user("a"), got;
	char tok[SESSION_TOKEN_LEN + 1], tok2[SESSION_TOKEN_LEN + 1];
	(void)state;
	sessions_create(s, &si, 1000, tok);
	assert_int_equal(strlen(tok), SESSION_TOKEN_LEN);
	assert_int_equal(strlen(si.csrf), SESSION_TOKEN_LEN);
	assert_true(sessions_get(s, tok, 1001, &got, NULL));
	assert_string_equal(got.user_id, "a");
	assert_string_equal(got.csrf, si.csrf);
	sessions_create(s, &si, 1000, tok2);
	assert_string_not_equal(tok, tok2); /* a new token at every login */
	assert_false(sessions_get(s, "", 1001, &got, NULL));
	assert_false(sessions_get(s, NULL, 1001, &got, NULL));
	tok2[0] = tok2[0] == 'A' ? 'B' : 'A';
	assert_false(sessions_get(s, tok2, 1001, &got, NULL));
	sessions_free(s);
}

static void test_expiry(void **state)
{
	struct sessions *s = sessions_new(1800, 43200);
	struct session_info si = user("a"), got;
	char tok[SESSION_TOKEN_LEN + 1];
	int64_t t = 1000;
	(void)state;
	sessions_create(s, &si, t, tok);
	/* used every 29 minutes: stays alive until the absolute limit */
	while (t + 1740 < 1000 + 43200) {
		t += 1740;
		assert_true(sessions_get(s, tok, t, &got, NULL));
	}
	assert_false(sessions_get(s, tok, 1000 + 43200, &got, NULL));
	sessions_create(s, &si, 5000, tok);
	assert_true(sessions_get(s, tok, 5000 + 1799, &got, NULL));
	assert_false(sessions_get(s, tok, 5000 + 1799 + 1800, &got, NULL)); /* idle 30 minutes */
	sessions_free(s);
}

static void test_drop(void **state)
{
	struct sessions *s = sessions_new(1800, 43200);
	struct session_info a = user("a"), b = user("b"), got;
	char ta1[SESSION_TOKEN_LEN + 1], ta2[SESSION_TOKEN_LEN + 1], tb[SESSION_TOKEN_LEN + 1];
	(void)state;
	sessions_create(s, &a, 10, ta1);
	sessions_create(s, &a, 10, ta2);
	sessions_create(s, &b, 10, tb);
	sessions_drop_user(s, "a");
	assert_false(sessions_get(s, ta1, 11, &got, NULL));
	assert_false(sessions_get(s, ta2, 11, &got, NULL));
	assert_true(sessions_get(s, tb, 11, &got, NULL));
	sessions_set_must_change(s, tb, true);
	assert_true(sessions_get(s, tb, 12, &got, NULL));
	assert_true(got.must_change);
	sessions_drop(s, tb);
	assert_false(sessions_get(s, tb, 12, &got, NULL));
	sessions_free(s);
}

static void test_many(void **state)
{
	struct sessions *s = sessions_new(60, 600);
	struct session_info si = user("m"), got;
	char tok[SESSION_TOKEN_LEN + 1], first[SESSION_TOKEN_LEN + 1];
	(void)state;
	sessions_create(s, &si, 0, first);
	for (int i = 0; i < 5000; i++) /* sweeps run on the way; old ones expire */
		sessions_create(s, &si, 100 + i, tok);
	assert_false(sessions_get(s, first, 5100, &got, NULL));
	assert_true(sessions_get(s, tok, 5100, &got, NULL));
	sessions_free(s);
}

static void test_ratelimit(void **state)
{
	struct ratelimit *rl = ratelimit_new(3);
	(void)state;
	assert_true(ratelimit_allow(rl, "10.0.0.1", 60));
	assert_true(ratelimit_allow(rl, "10.0.0.1", 61));
	assert_true(ratelimit_allow(rl, "10.0.0.1", 62));
	assert_false(ratelimit_allow(rl, "10.0.0.1", 63));
	assert_true(ratelimit_allow(rl, "10.0.0.1", 120));     /* next minute */
	ratelimit_free(rl);
}

static void test_drop_others(void **state)
{
	struct sessions *s = sessions_new(1800, 43200);
	struct session_info a = user("a"), b = user("b"), got;
	char ta1[SESSION_TOKEN_LEN + 1], ta2[SESSION_TOKEN_LEN + 1], tb[SESSION_TOKEN_LEN + 1];
	(void)state;
	sessions_create(s, &a, 10, ta1);
	sessions_create(s, &a, 10, ta2);
	sessions_create(s, &b, 10, tb);
	sessions_drop_user_except(s, "a", ta2);
	assert_false(sessions_get(s, ta1, 11, &got, NULL));
	assert_true(sessions_get(s, ta2, 11, &got, NULL)); /* the session that changed the password */
	assert_true(sessions_get(s, tb, 11, &got, NULL));  /* another user's */
	sessions_drop_user_except(s, "a", NULL);
	assert_false(sessions_get(s, ta2, 11, &got, NULL));
	sessions_free(s);
}

/* Refusals beyond the first are handed out once per ended window, with the first key. */
static void test_ratelimit_refusals(void **state)
{
	struct ratelimit *rl = ratelimit_new(2);
	struct rl_closed c[4];
	(void)state;
	assert_int_equal(ratelimit_hit(rl, "10.0.0.1", 600), RL_ALLOW);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.1", 601), RL_ALLOW);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.1", 602), RL_REFUSE_FIRST);
	for (int i = 0; i < 300; i++)
		assert_int_equal(ratelimit_hit(rl, "10.0.0.1", 603), RL_REFUSE);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.2", 603), RL_ALLOW);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.2", 603), RL_ALLOW);
	assert_int_equal(ratelimit_hit(rl, "10.0.0.2", 603), RL_REFUSE_FIRST); /* one: no row */
	assert_int_equal(ratelimit_closed(rl, 659, c, 4), 0); /* the window is still open */
	assert_int_equal(ratelimit_closed(rl, 660, c, 4), 1); /* closed by the sweep */
	assert_string_equal(c[0].key, "10.0.0.1");
	assert_int_equal(c[0].refused, 301);
	assert_int_equal(c[0].from, 600);
	assert_int_equal(c[0].to, 660);
	assert_int_equal(ratelimit_closed(rl, 661, c, 4), 0); /* once */
	/* a key that comes back closes its own window at once */
	for (int i = 0; i < 5; i++)
		ratelimit_hit(rl, "10.0.0.1", 700);
	ratelimit_hit(rl, "10.0.0.1", 780);
	assert_int_equal(ratelimit_closed(rl, 780, c, 4), 1);
	assert_int_equal(c[0].refused, 3);
	assert_int_equal(c[0].from, 660);
	assert_string_equal(c[0].key, "10.0.0.1");
	/* a key of the longest length is handed out whole, a longer one cut to it */
	char longest[RATELIMIT_KEY_MAX + 1], longer[RATELIMIT_KEY_MAX + 8];
	memset(longest, 'k', RATELIMIT_KEY_MAX);
	longest[RATELIMIT_KEY_MAX] = '\0';
	memset(longer, 'm', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	for (int i = 0; i < 4; i++)
		ratelimit_hit(rl, longest, 900);
	assert_int_equal(ratelimit_closed(rl, 960, c, 4), 1);
	assert_string_equal(c[0].key, longest);
	assert_int_equal(c[0].refused, 2);
	for (int i = 0; i < 4; i++)
		ratelimit_hit(rl, longer, 1000);
	assert_int_equal(ratelimit_closed(rl, 1060, c, 4), 1);
	longer[RATELIMIT_KEY_MAX] = '\0';
	assert_string_equal(c[0].key, longer);
	ratelimit_free(rl);
}

static void test_ratelimit_addr(void **state)
{
	char out[RATELIMIT_ADDR_LEN];
	(void)state;
	ratelimit_addr("192.0.2.7", out);
	assert_string_equal(out, "192.0.2.7");
	ratelimit_addr("2001:db8:1:2:3:4:5:6", out);
	assert_string_equal(out, "2001:db8:1:2::/64");
	ratelimit_addr("2001:db8:1:2:ffff::1", out); /* same /64, same client */
	assert_string_equal(out, "2001:db8:1:2::/64");
	ratelimit_addr("::ffff:192.0.2.7", out);
	assert_string_equal(out, "192.0.2.7");
	ratelimit_addr("?", out);
	assert_string_equal(out, "?");
}

/* Locks are per name and address; every name counts alike; the net needs many addresses. */
static void test_locks(void **state)
{
	struct ratelimit *rl = ratelimit_new(30);
	struct lock_rule rule = {3, 600};
	bool net;
	char addr[32];
	(void)state;
	assert_int_equal(ratelimit_lock_state(rl, "zhang", "10.0.0.1", 100), LOCK_OPEN);
	assert_int_equal(ratelimit_lock_fail(rl, "zhang", "10.0.0.1", 100, &rule, &net), LOCK_OPEN);
	assert_int_equal(ratelimit_lock_fail(rl, "zhang", "10.0.0.1", 101, &rule, &net), LOCK_OPEN);
	assert_int_equal(ratelimit_lock_fail(rl, "zhang", "10.0.0.1", 102, &rule, &net),
			 LOCK_ADDRESS);
	assert_false(net);
	assert_int_equal(ratelimit_lock_state(rl, "zhang", "10.0.0.1", 103), LOCK_ADDRESS);
	/* the stranger's lock does not reach the owner's address, nor another name */
	assert_int_equal(ratelimit_lock_state(rl, "zhang", "10.0.0.2", 103), LOCK_OPEN);
	assert_int_equal(ratelimit_lock_state(rl, "li", "10.0.0.1", 103), LOCK_OPEN);
	/* failures while locked do not count; the lock ends by itself */
	assert_int_equal(ratelimit_lock_fail(rl, "zhang", "10.0.0.1", 300, &rule, &net),
			 LOCK_ADDRESS);
	assert_int_equal(ratelimit_lock_state(rl, "zhang", "10.0.0.1", 701), LOCK_ADDRESS);
	assert_int_equal(ratelimit_lock_state(rl, "zhang", "10.0.0.1", 702), LOCK_OPEN);
	/* a success starts the count again; so does a quiet lock_seconds */
	ratelimit_lock_fail(rl, "li", "10.0.0.1", 800, &rule, &net);
	ratelimit_lock_fail(rl, "li", "10.0.0.1", 801, &rule, &net);
	ratelimit_lock_ok(rl, "li", "10.0.0.1");
	assert_int_equal(ratelimit_lock_fail(rl, "li", "10.0.0.1", 802, &rule, &net), LOCK_OPEN);
	assert_int_equal(ratelimit_lock_fail(rl, "li", "10.0.0.1", 803, &rule, &net), LOCK_OPEN);
	assert_int_equal(ratelimit_lock_fail(rl, "li", "10.0.0.1", 1403, &rule, &net), LOCK_OPEN);
	/* a new password ends every lock of the name */
	for (int i = 0; i < 3; i++)
		ratelimit_lock_fail(rl, "wang", "10.0.0.1", 900 + i, &rule, &net);
	assert_int_equal(ratelimit_lock_state(rl, "wang", "10.0.0.1", 903), LOCK_ADDRESS);
	ratelimit_lock_forget(rl, "wang");
	assert_int_equal(ratelimit_lock_state(rl, "wang", "10.0.0.1", 903), LOCK_OPEN);
	/* one address alone never trips the net, however long it keeps going */
	for (int64_t t = 2000; t < 2000 + 100 * 600; t += 1)
		if (ratelimit_lock_fail(rl, "zhao", "10.0.0.9", t, &rule, &net) != LOCK_ADDRESS)
			assert_false(net);
	assert_int_equal(ratelimit_lock_state(rl, "zhao", "10.0.0.8", 2000 + 100 * 600), LOCK_OPEN);
	/* RATELIMIT_NET_ADDRESSES addresses within one window lock the name everywhere */
	for (int a = 0; a < RATELIMIT_NET_ADDRESSES; a++) {
		snprintf(addr, sizeof addr, "10.1.0.%d", a);
		for (int i = 0; i < rule.failures; i++) {
			ratelimit_lock_fail(rl, "sun", addr, 100000 + a, &rule, &net);
			assert_true(net ==
				    (a == RATELIMIT_NET_ADDRESSES - 1 && i == rule.failures - 1));
		}
	}
	assert_int_equal(ratelimit_lock_state(rl, "sun", "10.2.0.1", 100100), LOCK_ACCOUNT);
	assert_int_equal(ratelimit_lock_state(rl, "sun", "10.1.0.0", 100100), LOCK_ADDRESS);
	assert_int_equal(ratelimit_lock_state(rl, "sun", "10.2.0.1", 100000 + 9 + 600), LOCK_OPEN);
	ratelimit_free(rl);
}

/* A flood of names from one address: the table stays bounded, a lock outlives the counts. */
static void test_locks_flood(void **state)
{
	struct ratelimit *rl = ratelimit_new(30);
	struct lock_rule rule = {2, 600};
	char name[32];
	bool net;
	(void)state;
	for (int i = 0; i < 2; i++)
		ratelimit_lock_fail(rl, "cadre", "10.0.0.1", 10, &rule, &net);
	for (int i = 0; i < 200000; i++) {
		snprintf(name, sizeof name, "n%d", i);
		ratelimit_lock_fail(rl, name, "10.9.9.9", 20, &rule, &net);
	}
	assert_int_equal(ratelimit_lock_state(rl, "cadre", "10.0.0.1", 21), LOCK_ADDRESS);
	assert_int_equal(ratelimit_lock_fail(rl, "n199999", "10.9.9.9", 21, &rule, &net),
			 LOCK_ADDRESS); /* the newest count is there */
	ratelimit_free(rl);
}

static void test_cache(void **state)
{
	struct rcache *c = rcache_new(3);
	char *body = NULL;
	size_t len = 0;
	(void)state;
	assert_false(rcache_get(c, "320481|320481116", 1, &body, &len));
	rcache_put(c, "320481|320481116", 1, "{\"a\":1}", 7);
	assert_true(rcache_get(c, "320481|320481116", 1, &body, &len));
	assert_int_equal(len, 7);
	assert_memory_equal(body, "{\"a\":1}", 7);
	free(body);
	/* a newer generation misses; an older build never replaces a newer one */
	assert_false(rcache_get(c, "320481|320481116", 2, &body, &len));
	rcache_put(c, "320481|320481116", 3, "new", 3);
	rcache_put(c, "320481|320481116", 2, "old", 3);
	assert_true(rcache_get(c, "320481|320481116", 3, &body, &len));
	assert_memory_equal(body, "new", 3);
	free(body);
	/* the cap clears everything rather than growing */
	rcache_put(c, "k2", 3, "x", 1);
	rcache_put(c, "k3", 3, "y", 1);
	rcache_put(c, "k4", 3, "z", 1);
	assert_false(rcache_get(c, "k2", 3, &body, &len));
	assert_true(rcache_get(c, "k4", 3, &body, &len));
	free(body);
	rcache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_get),     cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_drop),           cmocka_unit_test(test_many),
		cmocka_unit_test(test_ratelimit),      cmocka_unit_test(test_cache),
		cmocka_unit_test(test_drop_others),    cmocka_unit_test(test_ratelimit_refusals),
		cmocka_unit_test(test_ratelimit_addr), cmocka_unit_test(test_locks),
		cmocka_unit_test(test_locks_flood),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
