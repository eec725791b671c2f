/* The one read path (service.h, "reads: one path") and store_view, in process against a
 * temporary database: inside a view a write committed meanwhile by another connection is
 * not seen, and a write through the view fails; a getter answers STORE_DENIED (noting what
 * it refused) for a grid worker of another village and the object for the commander
 * above; a list never returns a row outside the caller's area, and a filter area outside
 * it is refused; a file's read is audited by the service. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "county_fixture.h"
#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

static const struct principal county = FX_PRINCIPAL("1", "county", ROLE_COMMANDER, COUNTY);

/* a grid worker of village B, who notes what it was refused */
static struct svc_denial refused;
static const struct principal worker_b = {.user_id = "00000000-0000-4000-8000-000000000002",
					  .username = "worker_b",
					  .role = ROLE_GRID_WORKER,
					  .area = VILLAGE_B,
					  .ip = "127.0.0.1",
					  .request_id = "r2",
					  .denial = &refused};

static int setup(void **state)
{
	refused = (struct svc_denial){0};
	return county_open(state, "svcread");
}

static int teardown(void **state)
{
	return fixture_close(state);
}

/* A file in area with an open task there; the task id, and the file's in *person. */
static char *file_with_task(struct fixture *f, const char *area, char **person)
{
	struct person out;

	fixture_file(f, &county, area, "测试人", &out);
	if (person)
		*person = arena_strdup(f->a, out.id);
	return fixture_task(f, out.id, area);
}

/* ---- store_view ---- */

struct snapshot {
	struct fixture *f;
	const char *task_id;
	const char *before, *after; /* the task's status read twice in the view */
	enum store_status closed, write;
};

static enum store_status close_meanwhile(struct store_tx *tx, void *p)
{
	struct snapshot *x = p;
	struct task t;
	struct task_close cl = {.outcome = "not_found", .now = time_now()};
	struct task out;
	enum store_status st;

	if ((st = store_tx_task_read(tx, x->task_id, x->f->a, &t)) != STORE_OK)
		return st;
	x->before = t.status;
	/* another connection (the writer) closes it and commits while the view is open */
	x->closed = svc_task_close(x->f->s, &county, NULL, x->task_id, &cl, x->f->a, &out, NULL);
	if ((st = store_tx_task_read(tx, x->task_id, x->f->a, &t)) != STORE_OK)
		return st;
	x->after = t.status;
	return STORE_OK;
}

static void test_view_sees_one_snapshot(void **state)
{
	struct fixture *f = *state;
	struct snapshot x = {.f = f, .task_id = file_with_task(f, VILLAGE_A, NULL)};
	struct task t;

	assert_int_equal(store_view(f->s, close_meanwhile, &x), STORE_OK);
	assert_int_equal(x.closed, STORE_OK);
	assert_string_equal(x.before, "open");
	assert_string_equal(x.after, "open"); /* the commit came after the snapshot */
	assert_int_equal(svc_task_get(f->s, &county, x.task_id, f->a, &t), STORE_OK);
	assert_string_equal(t.status, "closed"); /* a new read sees it */
}

static enum store_status write_through(struct store_tx *tx, void *p)
{
	struct snapshot *x = p;

	x->write = store_tx_task_set(tx, x->task_id, VILLAGE_B, "someone", time_now() + 99);
	return x->write;
}

static void test_view_refuses_writes(void **state)
{
	struct fixture *f = *state;
	struct snapshot x = {.f = f, .task_id = file_with_task(f, VILLAGE_A, NULL)};
	struct task t;

	assert_int_not_equal(store_view(f->s, write_through, &x), STORE_OK);
	assert_int_not_equal(x.write, STORE_OK);
	assert_int_equal(svc_task_get(f->s, &county, x.task_id, f->a, &t), STORE_OK);
	assert_string_equal(t.area, VILLAGE_A); /* nothing was written */
	assert_string_equal(t.assignee, "");
}

/* ---- getters ---- */

static void test_getters_deny_out_of_scope(void **state)
{
	struct fixture *f = *state;
	char *person;
	const char *task = file_with_task(f, VILLAGE_A, &person);
	struct task t;
	struct person p;
	struct person_file pf;
	struct area ar, *children, *path;
	size_t nchildren, npath;
	struct obs_policy pol;

	obs_policy_default(&pol);
	assert_int_equal(svc_task_get(f->s, &worker_b, task, f->a, &t), STORE_DENIED);
	assert_string_equal(refused.object_type, "task");
	assert_string_equal(refused.object_id, task);
	assert_int_equal(svc_person_get(f->s, &worker_b, person, f->a, &p), STORE_DENIED);
	assert_string_equal(refused.object_type, "person");
	assert_int_equal(svc_person_file(f->s, &worker_b, person, &pol, f->a, &pf), STORE_DENIED);
	assert_int_equal(svc_person_reveal(f->s, &worker_b, person, f->a, &p), STORE_DENIED);
	assert_int_equal(svc_area_detail(f->s, &worker_b, VILLAGE_A, f->a, &ar, &children,
					 &nchildren, &path, &npath),
			 STORE_DENIED);
	assert_string_equal(refused.object_type, "area");
	/* a refused read of a file is no read of it */
	assert_int_equal(fixture_audit_rows(f, "person.read"), 0);
	assert_int_equal(fixture_audit_rows(f, "person.reveal"), 0);

	/* the commander above both reads them; the file's read is audited once */
	assert_int_equal(svc_task_get(f->s, &county, task, f->a, &t), STORE_OK);
	assert_int_equal(svc_person_get(f->s, &county, person, f->a, &p), STORE_OK);
	assert_int_equal(svc_person_file(f->s, &county, person, &pol, f->a, &pf), STORE_OK);
	assert_string_equal(pf.p.id, person);
	assert_int_equal(pf.ntasks, 1);
	assert_string_equal(pf.tasks[0].id, task);
	assert_int_equal(svc_area_detail(f->s, &county, VILLAGE_A, f->a, &ar, &children, &nchildren,
					 &path, &npath),
			 STORE_OK);
	assert_int_equal(fixture_flush(f), 0); /* the row is queued: wait for the queue */
	assert_int_equal(fixture_audit_rows(f, "person.read"), 1);

	/* a missing object stays missing, for anyone */
	assert_int_equal(
		svc_task_get(f->s, &county, "00000000-0000-4000-8000-0000000000ff", f->a, &t),
		STORE_NOT_FOUND);
}

/* ---- lists ---- */

static void test_lists_stay_in_scope(void **state)
{
	struct fixture *f = *state;
	struct task *v;
	struct person *pv;
	struct person_query pq = {.name_prefix = "测试", .limit = 50};
	size_t n;
	int64_t total;

	file_with_task(f, VILLAGE_A, NULL);
	file_with_task(f, VILLAGE_B, NULL);
	file_with_task(f, VILLAGE_B, NULL);

	struct task_query q = {.now = time_now(), .limit = 50};
	assert_int_equal(svc_task_list(f->s, &worker_b, &q, f->a, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_true(area_code_in_scope(VILLAGE_B, v[i].area));
	/* even when the client names a scope of its own, or a filter outside its area */
	q = (struct task_query){.scope = COUNTY, .now = time_now(), .limit = 50};
	assert_int_equal(svc_task_list(f->s, &worker_b, &q, f->a, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 2);
	q.area = VILLAGE_A;
	assert_int_equal(svc_task_list(f->s, &worker_b, &q, f->a, &v, &n, &total), STORE_DENIED);
	assert_string_equal(refused.object_type, "area");
	assert_string_equal(refused.object_id, VILLAGE_A);

	q = (struct task_query){.now = time_now(), .limit = 50};
	assert_int_equal(svc_task_list(f->s, &county, &q, f->a, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 3);

	assert_int_equal(svc_person_search(f->s, &worker_b, &pq, "name", f->a, &pv, &n), STORE_OK);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		assert_true(area_code_in_scope(VILLAGE_B, pv[i].area));

	struct task_stats *ts;
	assert_int_equal(svc_task_stats(f->s, &worker_b, TOWN_A, time_now(), f->a, &ts, &n),
			 STORE_DENIED);
	assert_int_equal(svc_task_stats(f->s, &worker_b, NULL, time_now(), f->a, &ts, &n),
			 STORE_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(area_code_in_scope(VILLAGE_B, ts[i].area));

	struct audit_filter af = {.scope = COUNTY, .area = TOWN_A, .limit = 50};
	struct audit_row *rows;
	assert_int_equal(svc_audit_list(f->s, &worker_b, &af, f->a, &rows, &n), STORE_DENIED);
	af = (struct audit_filter){.scope = COUNTY, .limit = 200};
	assert_int_equal(svc_audit_list(f->s, &worker_b, &af, f->a, &rows, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(area_code_in_scope(VILLAGE_B, rows[i].area));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_view_sees_one_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_view_refuses_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_getters_deny_out_of_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists_stay_in_scope, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
