/* The writer's group commit (src/store/sqlite/sq_writer.c): a job that fails is rolled back
 * alone; a job whose savepoint cannot be rolled back (here: the job released it itself, as
 * an error that ends SQLite's transaction would) must not commit its partial writes with
 * the group — the whole group is rolled back and reported busy, to be run again. A bulk job
 * (an import's batch) lets the jobs queued behind it go first, once, and runs alone; bulk
 * jobs one behind the other share one transaction, which an interactive job commits. */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
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

/* ---- bulk jobs ---- */

struct order {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool gate_open, gate_entered;
	char seen[16];
	size_t n;
	const char *groups[16]; /* the group (first job's name) each ran in */
};

struct step {
	struct order *o;
	char name;
	bool bulk, gate;
	enum store_status result;
	pthread_t t;
};

static enum store_status step_job(struct sq_conn *c, void *p)
{
	struct step *x = p;
	(void)c;
	pthread_mutex_lock(&x->o->mu);
	if (x->gate) { /* holds the writer until the others are queued */
		x->o->gate_entered = true;
		pthread_cond_broadcast(&x->o->cv);
		while (!x->o->gate_open)
			pthread_cond_wait(&x->o->cv, &x->o->mu);
	}
	x->o->seen[x->o->n++] = x->name;
	pthread_mutex_unlock(&x->o->mu);
	return STORE_OK;
}

static struct fixture *bulk_fixture;

static void *step_main(void *p)
{
	struct step *x = p;
	x->result = x->bulk ? sq_write_bulk(bulk_fixture->s, step_job, x)
			    : sq_write(bulk_fixture->s, step_job, x);
	return NULL;
}

/* Starts args[0], whose job holds the writer (a gate), queues args[1..n-1] behind it in
 * this order, opens the gate and waits for every one: each must have been answered OK. */
static void run_behind_gate(struct fixture *f, struct order *o, void *(*start)(void *),
			    void *const *args, struct step *const *steps, size_t n)
{
	bulk_fixture = f;
	assert_int_equal(pthread_create(&steps[0]->t, NULL, start, args[0]), 0);
	pthread_mutex_lock(&o->mu);
	while (!o->gate_entered)
		pthread_cond_wait(&o->cv, &o->mu);
	pthread_mutex_unlock(&o->mu);
	for (size_t i = 1; i < n; i++) {
		assert_int_equal(pthread_create(&steps[i]->t, NULL, start, args[i]), 0);
		while (sq_write_waiting(f->s) < i) /* queued in this order: the writer is held */
			sched_yield();
	}
	pthread_mutex_lock(&o->mu);
	o->gate_open = true;
	pthread_cond_broadcast(&o->cv);
	pthread_mutex_unlock(&o->mu);
	for (size_t i = 0; i < n; i++) {
		pthread_join(steps[i]->t, NULL);
		assert_int_equal(steps[i]->result, STORE_OK);
	}
}

static void test_bulk_job_lets_the_queued_go_first(void **state)
{
	struct fixture *f = *state;
	struct order o = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	/* G holds the writer; B (bulk), then i and j (interactive), then C (bulk) queue */
	struct step st[] = {{&o, 'G', false, true, STORE_ERROR, 0},
			    {&o, 'B', true, false, STORE_ERROR, 0},
			    {&o, 'i', false, false, STORE_ERROR, 0},
			    {&o, 'j', false, false, STORE_ERROR, 0},
			    {&o, 'C', true, false, STORE_ERROR, 0}};
	size_t n = sizeof st / sizeof st[0];

	struct step *steps[5];
	void *args[5];

	for (size_t i = 0; i < n; i++)
		args[i] = steps[i] = &st[i];
	run_behind_gate(f, &o, step_main, args, steps, n);
	/* i and j went before B, which then ran before C: a bulk job waits one group at most */
	o.seen[o.n] = '\0';
	assert_string_equal(o.seen, "GijBC");
}

/* SQLite: bulk jobs queued one behind the other run in one transaction (no commit between
 * them), answered before it commits; an interactive job (store_flush) commits it, after
 * which reads see what they wrote. */
static atomic_int commits;

static int count_commit(void *p)
{
	(void)p;
	atomic_fetch_add(&commits, 1);
	return 0;
}

struct joined {
	struct step step;   /* the gate's or a bulk job's */
	int commits_seen;   /* commits before the job ran */
	const char *action; /* the audit row it writes */
};

static enum store_status joined_job(struct sq_conn *c, void *p)
{
	struct joined *x = p;
	struct audit_entry e = {.action = x->action, .result = "ok"};

	x->commits_seen = atomic_load(&commits);
	enum store_status ss = step_job(c, &x->step);
	return ss == STORE_OK ? sq_audit_insert(c, &e) : ss;
}

static void *joined_main(void *p)
{
	struct joined *x = p;
	x->step.result = x->step.bulk ? sq_write_bulk(bulk_fixture->s, joined_job, x)
				      : sq_write(bulk_fixture->s, joined_job, x);
	return NULL;
}

static void test_bulk_jobs_share_a_transaction(void **state)
{
	struct fixture *f = *state;
	struct order o = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	struct joined st[] = {{{&o, 'G', false, true, STORE_ERROR, 0}, -1, "writer.gate"},
			      {{&o, '1', true, false, STORE_ERROR, 0}, -1, "writer.bulk"},
			      {{&o, '2', true, false, STORE_ERROR, 0}, -1, "writer.bulk"},
			      {{&o, '3', true, false, STORE_ERROR, 0}, -1, "writer.bulk"}};
	size_t n = sizeof st / sizeof st[0];

	atomic_store(&commits, 0);
	sqlite3_commit_hook(f->s->wconn->db, count_commit, NULL); /* the writer is idle */
	struct step *steps[4];
	void *args[4];

	for (size_t i = 0; i < n; i++) {
		args[i] = &st[i];
		steps[i] = &st[i].step;
	}
	run_behind_gate(f, &o, joined_main, args, steps, n);
	/* the gate's group committed; then the three bulk jobs, with no commit between them */
	assert_int_equal(st[1].commits_seen, st[0].commits_seen + 1);
	assert_int_equal(st[2].commits_seen, st[1].commits_seen);
	assert_int_equal(st[3].commits_seen, st[1].commits_seen);
	assert_int_equal(store_flush(f->s), STORE_OK);
	assert_int_equal(rows(f, "writer.bulk"), 3);
	assert_true(atomic_load(&commits) >= st[1].commits_seen + 1);
	sqlite3_commit_hook(f->s->wconn->db, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_failed_job_rolls_back_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_savepoint_that_cannot_roll_back_fails_the_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bulk_jobs_share_a_transaction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bulk_job_lets_the_queued_go_first, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
