/* The writer's group commit (src/store/sqlite/sq_writer.c): a job that fails is rolled back
 * alone; a job whose savepoint cannot be rolled back (here: the job released it itself, as
 * an error that ends SQLite's transaction would) must not commit its partial writes with
 * the group — the whole group is rolled back and reported busy, to be run again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_fixture.h"
#include "store/sqlite/sq.h"

static int setup(void **state)
{
	return fixture_open(state, "writer", (struct store_opts){.readers = 1, .batch_max = 8},
			    NULL, 0);
}

static int teardown(void **state)
{
	return fixture_close(state);
}

static size_t rows(struct fixture *f, const char *action)
{
	struct audit_filter q = {.action = action, .limit = 10};
	struct audit_row *r;
	size_t n = 0;

	assert_int_equal(store_audit_list(f->s, &q, f->a, &r, &n), STORE_OK);
	return n;
}

struct job_ctx {
	const char *action;
	bool release_itself;
	enum store_status result;
};

static enum store_status job(struct sq_conn *c, void *p)
{
	struct job_ctx *x = p;
	struct audit_entry e = {.action = x->action, .result = "ok"};

	if (x->release_itself && sq_exec(c, "RELEASE job") != STORE_OK)
		return STORE_ERROR;
	enum store_status ss = sq_audit_insert(c, &e);
	return ss != STORE_OK ? ss : x->result;
}

static void test_failed_job_rolls_back_alone(void **state)
{
	struct fixture *f = *state;
	struct job_ctx bad = {"writer.failed", false, STORE_INVALID};
	struct job_ctx good = {"writer.good", false, STORE_OK};

	assert_int_equal(sq_write(f->s, job, &bad), STORE_INVALID);
	assert_int_equal(sq_write(f->s, job, &good), STORE_OK);
	assert_int_equal(rows(f, "writer.failed"), 0);
	assert_int_equal(rows(f, "writer.good"), 1);
}

static void test_savepoint_that_cannot_roll_back_fails_the_group(void **state)
{
	struct fixture *f = *state;
	struct job_ctx broken = {"writer.partial", true, STORE_INVALID};

	/* before: ROLLBACK TO failed unnoticed and COMMIT kept the failed job's row */
	assert_int_equal(sq_write(f->s, job, &broken), STORE_BUSY);
	assert_int_equal(rows(f, "writer.partial"), 0);
	/* and the writer goes on */
	struct job_ctx good = {"writer.after", false, STORE_OK};
	assert_int_equal(sq_write(f->s, job, &good), STORE_OK);
	assert_int_equal(rows(f, "writer.after"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failed_job_rolls_back_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_savepoint_that_cannot_roll_back_fails_the_group, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
