/*
 * Unit test: which routes may run on an HTTP thread (api/api.c, api_dispatch).
 *
 * An HTTP thread serves every connection of the server: a handler that waits there for a
 * commit (a write with wait) or for a long read stalls everyone. Writes (POST, PATCH) go
 * to a worker by their method; a GET goes to a worker only when its route is ROUTE_SLOW.
 * The GET handlers below can wait for a commit — found by reading them (store calls that
 * reach sq_write, audit appended with wait) — and must therefore be ROUTE_SLOW:
 *   api_obs_card, api_cards: a card reissues the self-report token when the sealed copy
 *     cannot be opened (svc_card_token waits for its commit).
 * A GET handler that starts to wait for a commit belongs in this list.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/api.h"

static const struct {
	route_handler handler;
	const char *name;
} commit_waiters[] = {
	{api_obs_card, "api_obs_card"},
	{api_cards, "api_cards"},
};

static void get_waiting_for_commit_runs_on_worker(void **state)
{
	(void)state;
	int bad = 0;

	for (size_t i = 0; i < sizeof commit_waiters / sizeof commit_waiters[0]; i++) {
		bool found = false;
		for (size_t k = 0; k < api_nroutes; k++) {
			const struct route *rt = &api_routes[k];
			if (rt->handler != commit_waiters[i].handler)
				continue;
			found = true;
			if (!http_method_writes(rt->method) && !(rt->flags & ROUTE_SLOW)) {
				print_error("%s (%s) can wait for a commit but runs on an HTTP "
					    "thread: mark it ROUTE_SLOW\n",
					    rt->pattern, commit_waiters[i].name);
				bad++;
			}
		}
		if (!found) {
			print_error("%s is in no route\n", commit_waiters[i].name);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(get_waiting_for_commit_runs_on_worker),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
