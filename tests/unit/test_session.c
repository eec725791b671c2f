/* Sessions (expiry, per-user ending) and the per-address rate limit. */
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
	assert_true(sessions_get(s, tok, 1001, &got));
	assert_string_equal(got.user_id, "a");
	assert_string_equal(got.csrf, si.csrf);
	sessions_create(s, &si, 1000, tok2);
	assert_string_not_equal(tok, tok2); /* a new token at every login */
	assert_false(sessions_get(s, "", 1001, &got));
	assert_false(sessions_get(s, NULL, 1001, &got));
	tok2[0] = tok2[0] == 'A' ? 'B' : 'A';
	assert_false(sessions_get(s, tok2, 1001, &got));
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
		assert_true(sessions_get(s, tok, t, &got));
	}
	assert_false(sessions_get(s, tok, 1000 + 43200, &got));
	sessions_create(s, &si, 5000, tok);
	assert_true(sessions_get(s, tok, 5000 + 1799, &got));
	assert_false(sessions_get(s, tok, 5000 + 1799 + 1800, &got)); /* idle 30 minutes */
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
	assert_false(sessions_get(s, ta1, 11, &got));
	assert_false(sessions_get(s, ta2, 11, &got));
	assert_true(sessions_get(s, tb, 11, &got));
	sessions_set_must_change(s, tb, true);
	assert_true(sessions_get(s, tb, 12, &got));
	assert_true(got.must_change);
	sessions_drop(s, tb);
	assert_false(sessions_get(s, tb, 12, &got));
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
	assert_false(sessions_get(s, first, 5100, &got));
	assert_true(sessions_get(s, tok, 5100, &got));
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
		cmocka_unit_test(test_create_get), cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_drop),       cmocka_unit_test(test_many),
		cmocka_unit_test(test_ratelimit),  cmocka_unit_test(test_cache),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
