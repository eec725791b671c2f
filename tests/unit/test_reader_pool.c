/*
 * Unit test: the pool of readers (store/sqlite/sq_db.c) bounds a wait for a free reader.
 * With one reader held, a read waits at most reader_wait_ms and then answers STORE_BUSY
 * (the API turns it into 503 with Retry-After) instead of waiting without end. The bound
 * in the test is short (50 ms); the test asserts the outcome, never a duration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "service/service.h"
#include "store/sqlite/sq.h"
#include "store/store.h"
#include "util/arena.h"

struct fixture {
	char dir[64], path[96];
	struct store *s;
	struct arena *a;
};

static int open_with(void **state, int wait_ms)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct store_opts o = {
		.readers = 1, .batch_max = 8, .create = true, .reader_wait_ms = wait_ms};
	struct area_seed seed = {"320481", "", "溧阳市"};
	struct principal sys = svc_system_principal("320481");
	const char *err;

	snprintf(f->dir, sizeof f->dir, "/tmp/fk-readers-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	f->s = store_open(f->path, &o, &err);
	f->a = arena_new();
	if (!f->s || svc_area_load(f->s, &sys, &seed, 1, f->a) != STORE_OK)
		return -1;
	*state = f;
	return 0;
}

static int setup_short(void **state)
{
	return open_with(state, 50);
}
static int setup_default(void **state)
{
	return open_with(state, 0);
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	arena_free(f->a);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

static void busy_after_the_bound(void **state)
{
	struct fixture *f = *state;
	struct area ar;
	struct sq_conn *held = sq_reader_get(f->s);

	assert_non_null(held);
	assert_null(sq_reader_get(f->s)); /* the only reader is held: none within the bound */
	assert_int_equal(store_area_get(f->s, "320481", f->a, &ar), STORE_BUSY);
	assert_int_equal(store_schema_version(f->s), -1);
	{
		/* every read shape of the backend (sq_one, sq_rows, sq_page) answers busy alike */
		struct user u;
		struct task t;
		struct outcome *outs;
		struct alert *alerts;
		struct alert_query aq = {.scope = "320481", .limit = 10};
		size_t n;
		int64_t total;

		assert_int_equal(store_user_get(f->s, "u1", f->a, &u), STORE_BUSY);
		assert_int_equal(store_user_by_name(f->s, "admin", f->a, &u), STORE_BUSY);
		assert_int_equal(store_task_get(f->s, "t1", f->a, &t), STORE_BUSY);
		assert_int_equal(store_outcomes(f->s, f->a, &outs, &n), STORE_BUSY);
		assert_int_equal(n, 0);
		assert_int_equal(store_alert_list(f->s, &aq, f->a, &alerts, &n, &total), STORE_BUSY);
		assert_int_equal(n, 0);
	}
	sq_reader_put(f->s, held);
	/* free again: reads go on */
	assert_int_equal(store_area_get(f->s, "320481", f->a, &ar), STORE_OK);
	assert_string_equal(ar.name, "溧阳市");
	assert_true(store_schema_version(f->s) > 0);
}

static void *take_reader(void *arg)
{
	struct store *s = arg;
	struct sq_conn *c = sq_reader_get(s);

	return c;
}

/* A reader put back while another thread waits is handed to it (the default bound, 5 s,
 * is far longer than the hand-over needs; the outcome is what is checked). */
static void waiter_gets_a_put_reader(void **state)
{
	struct fixture *f = *state;
	struct sq_conn *held = sq_reader_get(f->s), *got;
	pthread_t t;

	assert_non_null(held);
	assert_int_equal(f->s->reader_wait_ms, STORE_READER_WAIT_MS);
	assert_int_equal(pthread_create(&t, NULL, take_reader, f->s), 0);
	sq_reader_put(f->s, held);
	assert_int_equal(pthread_join(t, (void **)&got), 0);
	assert_ptr_equal(got, held); /* the one reader, now the other thread's */
	sq_reader_put(f->s, got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(busy_after_the_bound, setup_short, teardown),
		cmocka_unit_test_setup_teardown(waiter_gets_a_put_reader, setup_default, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
