/*
 * Unit tests for the reminders' sweep (svc_sweep.c): its pruning of old notifications —
 * read ones after SVC_NOTIFY_KEEP_READ_DAYS, all after SVC_NOTIFY_KEEP_DAYS, at most 1,000
 * a run, the rest left for the next — and the once-a-day mark (store_tx_sweep_mark) that
 * keeps a rerun from reminding twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store_fixture.h"

#define COUNTY "320481"
#define TOWN_A "320481116"
#define VILLAGE_A "320481116200"
#define WORKER "00000000-0000-4000-8000-000000000009"
#define DAY 86400
#define NOW 1796000000 /* 2026-11-30 */

static const struct area_seed seeds[] = {
	{COUNTY, "", "溧阳市"},
	{TOWN_A, COUNTY, "社渚镇"},
	{VILLAGE_A, TOWN_A, "社渚村村委会"},
};

struct seed_io {
	int n;
	int64_t at;
	bool read;
};

static enum store_status add_worker(struct store_tx *tx, void *ctx)
{
	struct user u = {.id = WORKER,
			 .username = "gw",
			 .role = ROLE_GRID_WORKER,
			 .area = VILLAGE_A,
			 .password_hash = "x"};

	(void)ctx;
	return store_tx_user_insert(tx, &u, NOW);
}

/* n notifications of the worker created at `at`, marked read when asked. */
static enum store_status add_notes(struct store_tx *tx, void *ctx)
{
	const struct seed_io *io = ctx;
	struct notify_new nn = {.kind = "task",
				.area = VILLAGE_A,
				.object_type = "task",
				.object_id = "t",
				.role = "grid_worker",
				.now = io->at};
	enum store_status ss = STORE_OK;
	int64_t changed;

	for (int i = 0; ss == STORE_OK && i < io->n; i++)
		ss = store_tx_notify(tx, &nn);
	if (ss == STORE_OK && io->read)
		ss = store_tx_notification_read(tx, WORKER, NULL, 0, io->at, &changed);
	return ss;
}

static int setup(void **state)
{
	struct fixture *f;

	if (fixture_open(state, "sweep", (struct store_opts){.readers = 2, .batch_max = 64}, seeds,
			 sizeof seeds / sizeof seeds[0]))
		return -1;
	f = *state;
	return store_run(f->s, add_worker, NULL) == STORE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	return fixture_close(state);
}

static int64_t count(struct fixture *f, bool unread_only)
{
	struct notification *rows;
	size_t n;
	int64_t unread;

	assert_int_equal(store_notification_list(f->s, WORKER, 0, unread_only, 200, f->a, &rows, &n,
						 &unread),
			 STORE_OK);
	return unread_only ? unread : (int64_t)n;
}

static void prunes_by_age_and_bounded(void **state)
{
	struct fixture *f = *state;
	struct svc_sweep_result r;
	/* 1,500 unread from 100 days ago; 3 read and 2 unread from 40 days ago; 4 read today */
	struct seed_io old = {1500, NOW - 100 * DAY, false};
	struct seed_io month_read = {3, NOW - 40 * DAY, true};
	struct seed_io month_unread = {2, NOW - 40 * DAY + 1, false};
	struct seed_io fresh = {4, NOW - DAY, true};

	/* (the read ones first: marking read marks all of the account's) */
	assert_int_equal(store_run(f->s, add_notes, &fresh), STORE_OK);
	assert_int_equal(store_run(f->s, add_notes, &month_read), STORE_OK);
	assert_int_equal(store_run(f->s, add_notes, &old), STORE_OK);
	assert_int_equal(store_run(f->s, add_notes, &month_unread), STORE_OK);
	assert_int_equal(count(f, true), 1502);

	assert_int_equal(svc_sweep(f->s, NOW, f->a, &r), STORE_OK);
	assert_int_equal(r.pruned, 1000); /* bounded: 3 read a month ago, 997 of 100 days ago */
	assert_int_equal(svc_sweep(f->s, NOW, f->a, &r), STORE_OK);
	assert_int_equal(r.pruned, 503); /* the rest of 100 days ago */
	assert_int_equal(svc_sweep(f->s, NOW, f->a, &r), STORE_OK);
	assert_int_equal(r.pruned, 0);
	assert_int_equal(count(f, false), 6); /* 2 unread of a month ago, 4 read of yesterday */
	assert_int_equal(count(f, true), 2);
	/* 90 days after those: all gone */
	assert_int_equal(svc_sweep(f->s, NOW + 91 * DAY, f->a, &r), STORE_OK);
	assert_int_equal(r.pruned, 6);
	assert_int_equal(count(f, false), 0);
}

struct mark_io {
	const char *kind, *id;
	int day;
	bool fresh;
};

static enum store_status mark(struct store_tx *tx, void *ctx)
{
	struct mark_io *io = ctx;

	return store_tx_sweep_mark(tx, io->kind, io->id, io->day, &io->fresh);
}

static void marks_once_a_day(void **state)
{
	struct fixture *f = *state;
	struct mark_io m = {"to_place", "p1", 20261130, false};

	assert_int_equal(store_run(f->s, mark, &m), STORE_OK);
	assert_true(m.fresh);
	assert_int_equal(store_run(f->s, mark, &m), STORE_OK);
	assert_false(m.fresh);
	m.kind = "task_overdue"; /* another kind of the same object */
	assert_int_equal(store_run(f->s, mark, &m), STORE_OK);
	assert_true(m.fresh);
	m.day = 20261201; /* the next day */
	assert_int_equal(store_run(f->s, mark, &m), STORE_OK);
	assert_true(m.fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(prunes_by_age_and_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(marks_once_a_day, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
