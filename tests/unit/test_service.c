/* The transaction runner (src/service/runner.c) and the task use cases, in process against
 * a temporary database: an idempotent replay answers the first answer without running the
 * change again, another body under the same key is refused, a use case that fails leaves
 * nothing (not even its audit row), a transaction that could not commit runs again, and a
 * task whose person's file lies outside the caller's scope is refused inside the
 * transaction as if it did not exist. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "county_fixture.h"
#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

static const struct principal county = FX_PRINCIPAL("1", "county", ROLE_COMMANDER, COUNTY);
static const struct principal town_b = FX_PRINCIPAL("2", "town_b", ROLE_COMMANDER, TOWN_B);

static int setup(void **state)
{
	return county_open(state, "service");
}

static int teardown(void **state)
{
	return fixture_close(state);
}

/* ---- a use case of the test's own ---- */

struct probe {
	int applied, answered;
	int busy_first; /* apply answers STORE_BUSY this many times first */
	enum store_status result;
};

static enum store_status probe_apply(struct svc_ctx *x)
{
	struct probe *p = x->arg;

	p->applied++;
	if (p->busy_first > 0) {
		p->busy_first--;
		return STORE_BUSY;
	}
	/* a write of its own, which must vanish with a failure */
	struct audit_entry e = {.action = "probe.side", .result = "ok"};
	enum store_status ss = store_tx_audit(x->tx, &e);
	if (ss != STORE_OK)
		return ss;
	x->object_id = "00000000-0000-4000-8000-00000000abcd";
	x->audit.object_type = "probe";
	return p->result;
}

static enum store_status probe_answer(struct svc_ctx *x)
{
	struct probe *p = x->arg;

	p->answered++;
	assert_string_equal(x->object_id, "00000000-0000-4000-8000-00000000abcd");
	return STORE_OK;
}

static struct store_idem key(const char *uuid, const char *hash)
{
	return (struct store_idem){uuid, hash, county.user_id};
}

static void test_replay_answers_without_running_again(void **state)
{
	struct fixture *f = *state;
	struct probe p = {0};
	struct store_idem k = key("11111111-1111-4111-8111-111111111111", "h1");
	struct svc_write w = {"probe.write", NULL, &k, probe_apply, probe_answer, &p};
	bool replayed = true;

	assert_int_equal(svc_run(f->s, &county, &w, f->a, &replayed), STORE_OK);
	assert_false(replayed);
	assert_int_equal(svc_run(f->s, &county, &w, f->a, &replayed), STORE_OK);
	assert_true(replayed);
	assert_int_equal(p.applied, 1);
	assert_int_equal(p.answered, 2);
	assert_int_equal(fixture_audit_rows(f, "probe.write"), 1); /* one change, one row */

	/* another request under the same key: 409, nothing run */
	struct store_idem other = key(k.uuid, "h2");
	w.idem = &other;
	assert_int_equal(svc_run(f->s, &county, &w, f->a, &replayed), STORE_CONFLICT_IDEM);
	assert_int_equal(p.applied, 1);
	/* the same key from another account is another request too */
	struct store_idem theirs = {k.uuid, k.body_hash, town_b.user_id};
	w.idem = &theirs;
	assert_int_equal(svc_run(f->s, &town_b, &w, f->a, &replayed), STORE_CONFLICT_IDEM);
}

static void test_audit_row_says_who(void **state)
{
	struct fixture *f = *state;
	struct probe p = {0};
	struct svc_write w = {"probe.who", NULL, NULL, probe_apply, NULL, &p};
	struct audit_filter q = {.action = "probe.who", .limit = 5};
	struct audit_row *rows;
	size_t n;

	assert_int_equal(svc_run(f->s, &town_b, &w, f->a, NULL), STORE_OK);
	assert_int_equal(store_audit_list(f->s, &q, f->a, &rows, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].username, "town_b");
	assert_string_equal(rows[0].object_type, "probe");
	assert_string_equal(rows[0].object_id, "00000000-0000-4000-8000-00000000abcd");
	assert_string_equal(rows[0].area, TOWN_B); /* the caller's, when the use case names none */
	assert_string_equal(rows[0].request_id, "r2");
	assert_string_equal(rows[0].result, "ok");
}

static void test_failure_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct probe p = {.result = STORE_INVALID};
	struct store_idem k = key("22222222-2222-4222-8222-222222222222", "h");
	struct svc_write w = {"probe.fail", NULL, &k, probe_apply, probe_answer, &p};

	assert_int_equal(svc_run(f->s, &county, &w, f->a, NULL), STORE_INVALID);
	assert_int_equal(fixture_audit_rows(f, "probe.side"), 0);
	assert_int_equal(fixture_audit_rows(f, "probe.fail"), 0);
	/* nor its key: the client may send the same request again, and now it works */
	p.result = STORE_OK;
	assert_int_equal(svc_run(f->s, &county, &w, f->a, NULL), STORE_OK);
	assert_int_equal(p.applied, 2);
	assert_int_equal(fixture_audit_rows(f, "probe.side"), 1);
}

static void test_busy_runs_again(void **state)
{
	struct fixture *f = *state;
	struct probe p = {.busy_first = SVC_BUSY_RETRIES};
	struct svc_write w = {"probe.busy", NULL, NULL, probe_apply, NULL, &p};

	assert_int_equal(svc_run(f->s, &county, &w, f->a, NULL), STORE_OK);
	assert_int_equal(p.applied, SVC_BUSY_RETRIES + 1);
	assert_int_equal(fixture_audit_rows(f, "probe.busy"), 1);
	/* never committing: the caller hears STORE_BUSY after the retries, nothing kept */
	p = (struct probe){.busy_first = 100};
	assert_int_equal(svc_run(f->s, &county, &w, f->a, NULL), STORE_BUSY);
	assert_int_equal(p.applied, SVC_BUSY_RETRIES + 1);
	assert_int_equal(fixture_audit_rows(f, "probe.busy"), 1);
}

/* ---- tasks ---- */

static char *file_with_task(struct fixture *f, const char *area, const char *task_area)
{
	struct person out;

	fixture_file(f, &county, area, "测试人", &out);
	return fixture_task(f, out.id, task_area);
}

static void test_task_of_a_file_elsewhere_is_refused_in_the_transaction(void **state)
{
	struct fixture *f = *state;
	/* a task pushed into 竹箦镇 for a file of 社渚镇 (how the probe once took a file) */
	char *id = file_with_task(f, VILLAGE_A, VILLAGE_B);
	struct task_change ch = {.area = VILLAGE_B, .reason = "x", .now = time_now()};
	struct task_close cl = {.outcome = "not_found", .now = time_now()};
	struct store_idem k = key("33333333-3333-4333-8333-333333333333", "h");
	struct task out, t;

	struct svc_denial refused = {0};
	struct principal town_b_noted = town_b;

	/* refused as out of scope (answered as missing), the denial noted for its audit row */
	town_b_noted.denial = &refused;
	assert_int_equal(svc_task_change(f->s, &town_b_noted, NULL, id, &ch, f->a, &out, NULL),
			 STORE_DENIED);
	assert_string_equal(refused.object_type, "task");
	assert_string_equal(refused.object_id, id);
	k.user_id = town_b.user_id;
	assert_int_equal(svc_task_close(f->s, &town_b, &k, id, &cl, f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(store_task_get(f->s, id, f->a, &t), STORE_OK);
	assert_string_equal(t.status, "open");
	assert_string_equal(t.person_area, VILLAGE_A); /* the file stayed */
	assert_int_equal(fixture_audit_rows(f, "task.reassign"), 0);
	/* the county sees both: it may move the task, and the file follows */
	assert_int_equal(svc_task_change(f->s, &county, NULL, id, &ch, f->a, &out, NULL), STORE_OK);
	assert_string_equal(out.person_area, VILLAGE_B);
	assert_int_equal(fixture_audit_rows(f, "task.reassign"), 1);
}

static void test_task_close_replay_and_conflict(void **state)
{
	struct fixture *f = *state;
	char *id = file_with_task(f, VILLAGE_B, VILLAGE_B);
	struct task_close cl = {.outcome = "not_found", .note = "查无此人", .now = time_now()};
	struct store_idem k = {"44444444-4444-4444-8444-444444444444", "h", town_b.user_id};
	struct task first, again;
	bool replayed;

	assert_int_equal(svc_task_close(f->s, &town_b, &k, id, &cl, f->a, &first, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(first.status, "closed");
	assert_int_equal(svc_task_close(f->s, &town_b, &k, id, &cl, f->a, &again, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.outcome, "not_found");
	/* another close of the closed task: 409 task.closed */
	struct store_idem k2 = {"55555555-5555-4555-8555-555555555555", "h", town_b.user_id};
	assert_int_equal(svc_task_close(f->s, &town_b, &k2, id, &cl, f->a, &again, NULL),
			 STORE_CONFLICT);
	/* an unknown outcome: nothing changes */
	char *id2 = file_with_task(f, VILLAGE_B, VILLAGE_B);
	struct task_close bad = {.outcome = "teleported", .now = time_now()};
	assert_int_equal(svc_task_close(f->s, &town_b, NULL, id2, &bad, f->a, &again, NULL),
			 STORE_INVALID);
	assert_int_equal(store_task_get(f->s, id2, f->a, &again), STORE_OK);
	assert_string_equal(again.status, "open");
	assert_int_equal(fixture_audit_rows(f, "task.close"), 1);
}

static void test_extend_counts_from_the_deadline_in_the_transaction(void **state)
{
	struct fixture *f = *state;
	char *id = file_with_task(f, VILLAGE_B, VILLAGE_B);
	struct task before, out;
	struct task_change ch = {.extend = 7200, .reason = "路远", .now = time_now()};

	assert_int_equal(store_task_get(f->s, id, f->a, &before), STORE_OK);
	assert_int_equal(svc_task_change(f->s, &town_b, NULL, id, &ch, f->a, &out, NULL), STORE_OK);
	assert_int_equal(out.due_at, before.due_at + 7200);
	assert_int_equal(svc_task_change(f->s, &town_b, NULL, id, &ch, f->a, &out, NULL), STORE_OK);
	assert_int_equal(out.due_at, before.due_at + 14400);
	/* a move outside the caller's scope is refused inside too */
	struct task_change away = {.area = VILLAGE_A, .now = time_now()};
	assert_int_equal(svc_task_change(f->s, &town_b, NULL, id, &away, f->a, &out, NULL),
			 STORE_DENIED);
}

/* ---- key-person files ---- */

/* A form's row: a person in area, with number (valid when given) or none. */
static struct import_row person_row(struct fixture *f, const char *area, const char *number)
{
	struct import_row row = {0};

	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = number ? number : "";
	row.p.id_valid = number != NULL;
	row.p.name = "测试人";
	row.p.phone = "";
	row.p.address = "";
	row.p.defects = "";
	row.t = (struct travel){.origin = "", .transport = "", .transport_no = ""};
	snprintf(row.p.area, sizeof row.p.area, "%s", area);
	(void)f;
	return row;
}

static void test_person_register_replay_and_conflict(void **state)
{
	struct fixture *f = *state;
	struct import_row row = person_row(f, VILLAGE_B, "320481198001010011");
	struct store_idem k = {"66666666-6666-4666-8666-666666666666", "h", town_b.user_id};
	struct person first, again;
	bool merged = true, replayed = true;

	assert_int_equal(
		svc_person_register(f->s, &town_b, &k, &row, f->a, &first, &merged, &replayed),
		STORE_OK);
	assert_false(merged);
	assert_false(replayed);
	assert_string_equal(first.id, row.p.id);
	assert_string_equal(first.area, VILLAGE_B);
	/* the same request again: the same file, nothing written twice */
	assert_int_equal(
		svc_person_register(f->s, &town_b, &k, &row, f->a, &again, &merged, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_false(merged);
	assert_string_equal(again.id, first.id);
	assert_int_equal(fixture_audit_rows(f, "person.create"), 1);
	/* another body under the same key: 409, nothing written */
	struct store_idem k2 = {k.uuid, "other", town_b.user_id};
	struct import_row row2 = person_row(f, VILLAGE_B, NULL);
	assert_int_equal(
		svc_person_register(f->s, &town_b, &k2, &row2, f->a, &again, &merged, &replayed),
		STORE_CONFLICT_IDEM);
	assert_int_equal(store_person_get(f->s, row2.p.id, f->a, &again), STORE_NOT_FOUND);
	/* the same number under a new key: the file in scope is updated, not doubled */
	struct store_idem k3 = {"77777777-7777-4777-8777-777777777777", "h", town_b.user_id};
	struct import_row row3 = person_row(f, VILLAGE_B, "320481198001010011");
	assert_int_equal(
		svc_person_register(f->s, &town_b, &k3, &row3, f->a, &again, &merged, &replayed),
		STORE_OK);
	assert_true(merged);
	assert_string_equal(again.id, first.id);
	/* a form for an area outside the caller's scope is refused inside the transaction */
	struct store_idem k4 = {"88888888-8888-4888-8888-888888888888", "h", town_b.user_id};
	struct import_row row4 = person_row(f, VILLAGE_A, NULL);
	assert_int_equal(
		svc_person_register(f->s, &town_b, &k4, &row4, f->a, &again, &merged, &replayed),
		STORE_DENIED);
	assert_int_equal(store_person_get(f->s, row4.p.id, f->a, &again), STORE_NOT_FOUND);
	assert_int_equal(fixture_audit_rows(f, "person.create"), 2);
}

static void test_person_register_beside_a_file_elsewhere(void **state)
{
	struct fixture *f = *state;
	const char *number = "320481198001010022";
	struct import_row held = person_row(f, VILLAGE_A, number);
	struct import_row mine = person_row(f, VILLAGE_B, number);
	struct store_idem k1 = {"99999999-9999-4999-8999-999999999999", "h", county.user_id};
	struct store_idem k2 = {"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "h", town_b.user_id};
	struct person holder, out, again;
	bool merged, replayed;
	struct audit_filter q = {.action = "person.duplicate", .limit = 5};
	struct audit_row *rows;
	size_t n;

	assert_int_equal(
		svc_person_register(f->s, &county, &k1, &held, f->a, &holder, &merged, &replayed),
		STORE_OK);
	/* 竹箦镇 registers the number 社渚镇 holds: a file of its own, never the other */
	assert_int_equal(
		svc_person_register(f->s, &town_b, &k2, &mine, f->a, &out, &merged, &replayed),
		STORE_OK);
	assert_false(merged);
	assert_string_not_equal(out.id, holder.id);
	assert_string_equal(out.area, VILLAGE_B);
	assert_false(out.id_valid);
	assert_non_null(strstr(out.defects, PERSON_ELSEWHERE));
	assert_int_equal(store_person_get(f->s, holder.id, f->a, &again), STORE_OK);
	assert_string_equal(again.area, VILLAGE_A);
	assert_true(again.id_valid);
	/* the commander over both hears of it: a task and an audit row at the county */
	assert_int_equal(store_audit_list(f->s, &q, f->a, &rows, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].area, COUNTY);
	assert_string_equal(rows[0].object_id, out.id);
	assert_string_equal(rows[0].username, "town_b");
	char *after = arena_printf(f->a, "{\"duplicate_of\":\"%s\",\"duplicate_area\":\"%s\"}",
				   holder.id, VILLAGE_A);
	assert_string_equal(rows[0].after, after);
	struct task_query tq = {.scope = COUNTY, .limit = 10, .now = time_now()};
	struct task *tasks;
	int64_t total;
	assert_int_equal(store_task_list(f->s, &tq, f->a, &tasks, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(tasks[0].area, COUNTY);
	assert_string_equal(tasks[0].defects, PERSON_ELSEWHERE);
	/* registering it again in 竹箦镇 updates that file of its own */
	struct store_idem k3 = {"bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", "h", town_b.user_id};
	struct import_row again_row = person_row(f, VILLAGE_B, number);
	assert_int_equal(svc_person_register(f->s, &town_b, &k3, &again_row, f->a, &again, &merged,
					     &replayed),
			 STORE_OK);
	assert_true(merged);
	assert_string_equal(again.id, out.id);
	assert_int_equal(fixture_audit_rows(f, "person.duplicate"), 1);
}

static void test_person_merge_refuses_a_file_out_of_scope(void **state)
{
	struct fixture *f = *state;
	struct import_row a = person_row(f, VILLAGE_A, NULL), b = person_row(f, VILLAGE_B, NULL);
	struct import_row b2 = person_row(f, VILLAGE_B, "320481198001010033");
	struct store_idem ka = {"cccccccc-cccc-4ccc-8ccc-cccccccccccc", "h", county.user_id};
	struct store_idem kb = {"dddddddd-dddd-4ddd-8ddd-dddddddddddd", "h", county.user_id};
	struct store_idem kb2 = {"eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee", "h", county.user_id};
	struct person pa, pb, pb2, out;
	bool merged, replayed;

	assert_int_equal(svc_person_register(f->s, &county, &ka, &a, f->a, &pa, &merged, &replayed),
			 STORE_OK);
	assert_int_equal(svc_person_register(f->s, &county, &kb, &b, f->a, &pb, &merged, &replayed),
			 STORE_OK);
	assert_int_equal(
		svc_person_register(f->s, &county, &kb2, &b2, f->a, &pb2, &merged, &replayed),
		STORE_OK);
	/* 竹箦镇 may not take 社渚镇's file into its own: refused as a missing one */
	assert_int_equal(svc_person_merge(f->s, &town_b, NULL, pb.id, pa.id, f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(svc_person_merge(f->s, &town_b, NULL, pa.id, pb.id, f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(store_person_get(f->s, pa.id, f->a, &out), STORE_OK);
	assert_null(out.merged_into);
	assert_int_equal(fixture_audit_rows(f, "person.merge"), 0);
	/* its own two files: the kept one takes the other's number */
	assert_int_equal(svc_person_merge(f->s, &town_b, NULL, pb.id, pb2.id, f->a, &out, NULL),
			 STORE_OK);
	assert_string_equal(out.id, pb.id);
	assert_string_equal(out.id_number, "320481198001010033");
	assert_true(out.id_valid);
	assert_int_equal(store_person_get(f->s, pb2.id, f->a, &out), STORE_OK);
	assert_string_equal(out.merged_into, pb.id);
	assert_int_equal(fixture_audit_rows(f, "person.merge"), 1);
	/* merged already: 409 */
	assert_int_equal(svc_person_merge(f->s, &town_b, NULL, pb.id, pb2.id, f->a, &out, NULL),
			 STORE_CONFLICT);
	assert_int_equal(svc_person_merge(f->s, &town_b, NULL, pb.id, pb.id, f->a, &out, NULL),
			 STORE_CONFLICT);
}

/* ---- areas ---- */

static void test_area_create_replay_conflict_and_scope(void **state)
{
	struct fixture *f = *state;
	struct area_new in = {.parent = VILLAGE_B, .name = "一网格", .responsible_name = "张三"};
	struct store_idem k = {"f0000000-0000-4000-8000-000000000001", "h", town_b.user_id};
	struct area first, again;
	bool replayed = true;

	assert_int_equal(svc_area_create(f->s, &town_b, &k, &in, f->a, &first, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(first.code, VILLAGE_B "001");
	assert_int_equal(svc_area_create(f->s, &town_b, &k, &in, f->a, &again, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.code, first.code);
	assert_string_equal(again.responsible_name, "张三");
	/* another body under the same key: 409 */
	struct store_idem k2 = {k.uuid, "other", town_b.user_id};
	assert_int_equal(svc_area_create(f->s, &town_b, &k2, &in, f->a, &again, &replayed),
			 STORE_CONFLICT_IDEM);
	assert_int_equal(fixture_audit_rows(f, "area.create"), 1);
	/* a grid under another township's village: refused as a missing parent, nothing made */
	struct area_new away = {.parent = VILLAGE_A, .name = "越界网格"};
	struct store_idem k3 = {"f0000000-0000-4000-8000-000000000003", "h", town_b.user_id};
	struct area *kids;
	size_t n;
	assert_int_equal(svc_area_create(f->s, &town_b, &k3, &away, f->a, &again, &replayed),
			 STORE_DENIED);
	assert_int_equal(store_area_children(f->s, VILLAGE_A, f->a, &kids, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(fixture_audit_rows(f, "area.create"), 1);
	/* the county may */
	assert_int_equal(svc_area_create(f->s, &county, &k3, &away, f->a, &again, &replayed),
			 STORE_OK);
	assert_string_equal(again.code, VILLAGE_A "001");
}

static void test_area_update_out_of_scope_is_refused(void **state)
{
	struct fixture *f = *state;
	struct area_patch p = {.responsible_name = "李四"};
	struct area out, a;
	uint64_t gen = store_area_generation(f->s);

	assert_int_equal(svc_area_update(f->s, &town_b, NULL, VILLAGE_A, &p, f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(store_area_get(f->s, VILLAGE_A, f->a, &a), STORE_OK);
	assert_string_equal(a.responsible_name, "");
	assert_int_equal(fixture_audit_rows(f, "area.update"), 0);
	assert_int_equal(store_area_generation(f->s), gen);
	assert_int_equal(svc_area_update(f->s, &town_b, NULL, VILLAGE_B, &p, f->a, &out, NULL),
			 STORE_OK);
	assert_string_equal(out.responsible_name, "李四");
	assert_true(store_area_generation(f->s) > gen); /* caches of areas miss */
	/* official names stay */
	struct area_patch rename = {.name = "改名村"};
	assert_int_equal(svc_area_update(f->s, &town_b, NULL, VILLAGE_B, &rename, f->a, &out, NULL),
			 STORE_INVALID);
	assert_int_equal(fixture_audit_rows(f, "area.update"), 1);
}

/* Changes and merges carry a key as creates do: a replay answers the object as it is and
 * writes nothing; another request under the key is STORE_CONFLICT_IDEM. */
static void test_update_and_merge_replay(void **state)
{
	struct fixture *f = *state;
	struct store_idem k = key("12121212-1212-4212-8212-121212121212", "h");
	struct store_idem k_other = key(k.uuid, "h-other");
	bool replayed = false;

	/* an area: a replay after another change answers it as it is now, changing nothing */
	struct area_patch p = {.responsible_name = "张三"}, p2 = {.responsible_name = "李四"};
	struct area ar;
	assert_int_equal(svc_area_update(f->s, &county, &k, VILLAGE_B, &p, f->a, &ar, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_int_equal(svc_area_update(f->s, &county, NULL, VILLAGE_B, &p2, f->a, &ar, NULL),
			 STORE_OK);
	assert_int_equal(svc_area_update(f->s, &county, &k, VILLAGE_B, &p, f->a, &ar, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(ar.responsible_name, "李四");
	assert_int_equal(fixture_audit_rows(f, "area.update"), 2);
	assert_int_equal(svc_area_update(f->s, &county, &k_other, VILLAGE_B, &p, f->a, &ar, NULL),
			 STORE_CONFLICT_IDEM);

	/* an account: on a replay before and after are alike (no session to end again) */
	struct store_idem ku = key("13131313-1313-4313-8313-131313131313", "h");
	struct user in = {.username = "sun",
			  .display_name = "孙",
			  .phone = "",
			  .role = ROLE_VIEWER,
			  .password_hash = "h1"};
	struct user_patch up = {.disabled = 1};
	struct user u, before;
	snprintf(in.id, sizeof in.id, "f1000000-0000-4000-8000-0000000000b1");
	snprintf(in.area, sizeof in.area, "%s", VILLAGE_B);
	assert_int_equal(svc_user_create(f->s, &county, NULL, &in, f->a, &u, &replayed), STORE_OK);
	assert_int_equal(
		svc_user_update(f->s, &county, &ku, in.id, &up, f->a, &before, &u, &replayed),
		STORE_OK);
	assert_false(replayed);
	assert_false(before.disabled);
	assert_true(u.disabled);
	assert_int_equal(
		svc_user_update(f->s, &county, &ku, in.id, &up, f->a, &before, &u, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_true(before.disabled);
	assert_true(u.disabled);
	assert_int_equal(fixture_audit_rows(f, "user.update"), 1);

	/* a merge: the replay finds `other` merged and answers the kept file */
	struct store_idem km = key("14141414-1414-4414-8414-141414141414", "h");
	struct import_row a = person_row(f, VILLAGE_B, NULL), b = person_row(f, VILLAGE_B, NULL);
	struct store_idem ka = key("15151515-1515-4515-8515-151515151515", "h");
	struct store_idem kb = key("16161616-1616-4616-8616-161616161616", "h");
	struct person pa, pb, out;
	bool merged;
	assert_int_equal(svc_person_register(f->s, &county, &ka, &a, f->a, &pa, &merged, &replayed),
			 STORE_OK);
	assert_int_equal(svc_person_register(f->s, &county, &kb, &b, f->a, &pb, &merged, &replayed),
			 STORE_OK);
	assert_int_equal(svc_person_merge(f->s, &county, &km, pa.id, pb.id, f->a, &out, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_int_equal(svc_person_merge(f->s, &county, &km, pa.id, pb.id, f->a, &out, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(out.id, pa.id);
	assert_int_equal(fixture_audit_rows(f, "person.merge"), 1);
	struct store_idem km_other = key(km.uuid, "h-other");
	assert_int_equal(svc_person_merge(f->s, &county, &km_other, pa.id, pb.id, f->a, &out, NULL),
			 STORE_CONFLICT_IDEM);
}

/* ---- home observation ---- */

static const struct principal town_a = FX_PRINCIPAL("3", "town_a", ROLE_COMMANDER, TOWN_A);

/* A person's file in area, made by the county. */
static const char *obs_person(struct fixture *f, const char *area)
{
	struct import_row row = {0};
	struct store_idem k = {arena_alloc(f->a, UUID_LEN + 1), "h", county.user_id};
	struct person out;
	bool merged, replayed;

	uuid_v4((char *)k.uuid);
	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = "";
	row.p.name = "观察人";
	row.p.phone = "";
	row.p.address = "某路1号";
	row.p.defects = "";
	row.t = (struct travel){.origin = "", .transport = "", .transport_no = ""};
	snprintf(row.p.area, sizeof row.p.area, "%s", area);
	assert_int_equal(
		svc_person_register(f->s, &county, &k, &row, f->a, &out, &merged, &replayed),
		STORE_OK);
	return arena_strdup(f->a, out.id);
}

/* Places person (and household members) as who, under key uuid, from `days_ago` days
 * before today for the policy's days. */
static enum store_status obs_place_from(struct fixture *f, const struct principal *who,
					const char *uuid, const char *person,
					const char *const *household, size_t nhousehold,
					int days_ago, struct obs_placed *out)
{
	struct obs_policy pol;
	struct store_idem k = {uuid, "h", who->user_id};
	const char **ids = arena_alloc(f->a, (nhousehold + 1) * sizeof *ids);
	const char **none = arena_alloc(f->a, (nhousehold + 1) * sizeof *none);
	int64_t now = time_now();
	bool replayed;

	obs_policy_default(&pol);
	for (size_t i = 0; i < nhousehold; i++) {
		char *id = arena_alloc(f->a, UUID_LEN + 1);
		uuid_v4(id);
		ids[i] = id;
		none[i] = NULL;
	}
	struct obs_new in = {
		.id = uuid,
		.person_id = person,
		.kind = "home_observation",
		.start_date = obs_date_add(obs_local_date(now), -days_ago),
		.end_date = obs_date_add(obs_local_date(now), pol.days - days_ago),
		.nhousehold = nhousehold,
		.household = household,
		.household_ids = ids,
		.household_hash = none,
		.household_box = none,
		.now = now,
	};
	return svc_obs_place(f->s, who, &k, &pol, &in, f->a, out, &replayed);
}

static enum store_status obs_place(struct fixture *f, const struct principal *who, const char *uuid,
				   const char *person, const char *const *household,
				   size_t nhousehold, struct obs_placed *out)
{
	return obs_place_from(f, who, uuid, person, household, nhousehold, 0, out);
}

static void assert_counts_agree(struct fixture *f)
{
	struct obs_policy pol;
	int64_t checked, mismatched;
	char first[160];

	obs_policy_default(&pol);
	assert_int_equal(store_obs_recount(f->s, &pol, &checked, &mismatched, first, sizeof first),
			 STORE_OK);
	if (mismatched)
		fail_msg("board counts: %s", first);
	assert_true(checked > 0);
}

static void test_obs_place_refuses_a_person_out_of_scope(void **state)
{
	struct fixture *f = *state;
	const char *theirs = obs_person(f, VILLAGE_A), *mine = obs_person(f, VILLAGE_B);
	const char *hh[1] = {theirs};
	struct observation o;
	struct obs_placed out;

	/* 竹箦镇 places 社渚镇's person: refused in the transaction as a missing one */
	assert_int_equal(obs_place(f, &town_b, "12121212-1212-4212-8212-121212121212", theirs, NULL,
				   0, &out),
			 STORE_DENIED);
	assert_string_equal(out.bad_field, "person_id");
	/* its own person with the other's as a household member: nothing placed at all */
	assert_int_equal(
		obs_place(f, &town_b, "13131313-1313-4313-8313-131313131313", mine, hh, 1, &out),
		STORE_DENIED);
	assert_string_equal(out.bad_field, "household");
	assert_int_equal(store_obs_get(f->s, "13131313-1313-4313-8313-131313131313", 0, f->a, &o),
			 STORE_NOT_FOUND);
	assert_int_equal(fixture_audit_rows(f, "observation.create"), 0);
	/* the county places both: one audit row for each placing, the counts agree */
	assert_int_equal(
		obs_place(f, &county, "14141414-1414-4414-8414-141414141414", mine, hh, 1, &out),
		STORE_OK);
	assert_int_equal(out.nhousehold, 1);
	assert_string_equal(out.household[0].person_id, theirs);
	assert_string_equal(out.household[0].household_of, out.obs.id);
	assert_int_equal(fixture_audit_rows(f, "observation.create"), 2);
	/* under observation already: 409 naming the person */
	assert_int_equal(obs_place(f, &county, "15151515-1515-4515-8515-151515151515", theirs, NULL,
				   0, &out),
			 STORE_CONFLICT);
	assert_string_equal(out.bad_field, "person_id");
	assert_counts_agree(f);
}

/* A visit to obs by who under key uuid: temp in tenths of a degree (0: none). */
static enum store_status obs_visit(struct fixture *f, const struct principal *who, const char *uuid,
				   const char *obs, int temp, struct visit_done *out,
				   bool *replayed)
{
	struct obs_policy pol;
	struct store_idem k = {uuid, "h", who->user_id};
	struct visit v = {.mode = "in_person",
			  .note = "",
			  .by = who->username,
			  .temp = temp,
			  .saw_person = true};
	char alert_id[UUID_LEN + 1];
	int64_t now = time_now();

	obs_policy_default(&pol);
	uuid_v4(v.id);
	uuid_v4(alert_id);
	snprintf(v.observation_id, sizeof v.observation_id, "%s", obs);
	v.at = now;
	return svc_visit_add(f->s, who, &k, &pol, "visit.create", &v, alert_id, now, f->a, out,
			     replayed);
}

/* A write refused out of scope notes what it refused in the principal's denial as a copy:
 * the visit's observation id lies in the use case's own frame, which is gone when the
 * caller answers the refusal (ASan's detect_stack_use_after_return caught a pointer to it). */
static void test_denial_outlives_the_use_case(void **state)
{
	struct fixture *f = *state;
	const char *p = obs_person(f, VILLAGE_B);
	struct obs_placed placed;
	struct visit_done done;
	struct svc_denial d = {0};
	struct principal other = county;

	assert_int_equal(
		obs_place(f, &town_b, "18181818-1818-4818-8818-181818181818", p, NULL, 0, &placed),
		STORE_OK);
	other.area = TOWN_A;
	other.denial = &d;
	assert_int_equal(obs_visit(f, &other, "19191919-1919-4919-8919-191919191919", placed.obs.id,
				   366, &done, NULL),
			 STORE_DENIED);
	assert_string_equal(d.object_type, "observation");
	assert_string_equal(d.object_id, placed.obs.id);
}

static void test_visit_replay_answers_the_first_visit(void **state)
{
	struct fixture *f = *state;
	const char *p = obs_person(f, VILLAGE_B);
	struct obs_placed placed;
	struct visit_done first, again;
	bool replayed = true;

	assert_int_equal(
		obs_place(f, &town_b, "16161616-1616-4616-8616-161616161616", p, NULL, 0, &placed),
		STORE_OK);
	const char *k = "17171717-1717-4717-8717-171717171717";
	assert_int_equal(obs_visit(f, &town_b, k, placed.obs.id, 366, &first, &replayed), STORE_OK);
	assert_false(replayed);
	assert_false(first.visit.fever);
	assert_false(first.has_alert);
	assert_int_equal(first.obs.last_temp, 366);
	assert_int_equal(obs_visit(f, &town_b, k, placed.obs.id, 366, &again, &replayed), STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.visit.id, first.visit.id);
	assert_int_equal(fixture_audit_rows(f, "visit.create"), 1);
	/* another observation's caller: refused inside the transaction, nothing written */
	struct visit_done out;
	assert_int_equal(obs_visit(f, &town_a, "18181818-1818-4818-8818-181818181818",
				   placed.obs.id, 366, &out, &replayed),
			 STORE_DENIED);
	assert_int_equal(fixture_audit_rows(f, "visit.create"), 1);
	assert_counts_agree(f);
}

static void test_fever_visit_raises_one_alert(void **state)
{
	struct fixture *f = *state;
	const char *p = obs_person(f, VILLAGE_B);
	struct obs_placed placed;
	struct visit_done v1, v2;
	struct alert_query q = {.scope = COUNTY, .limit = 10};
	struct alert *alerts;
	size_t n;
	int64_t total;
	bool replayed;

	assert_int_equal(
		obs_place(f, &town_b, "19191919-1919-4919-8919-191919191919", p, NULL, 0, &placed),
		STORE_OK);
	assert_int_equal(obs_visit(f, &town_b, "20202020-2020-4020-8020-202020202020",
				   placed.obs.id, 385, &v1, &replayed),
			 STORE_OK);
	assert_true(v1.visit.fever);
	assert_true(v1.has_alert);
	assert_true(v1.obs.alert_open);
	assert_string_equal(v1.alert.visit_id, v1.visit.id);
	/* a second fever visit feeds the open alert: still one */
	assert_int_equal(obs_visit(f, &town_b, "21212121-2121-4121-8121-212121212121",
				   placed.obs.id, 390, &v2, &replayed),
			 STORE_OK);
	assert_true(v2.has_alert);
	assert_string_equal(v2.alert.id, v1.alert.id);
	assert_int_equal(v2.alert.visits, 2);
	assert_int_equal(store_alert_list(f->s, &q, f->a, &alerts, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	struct person file;
	assert_int_equal(store_person_get(f->s, p, f->a, &file), STORE_OK);
	assert_true(file.categories & CAT_FEVER);
	/* the open alert blocks the release (and the date is not due) */
	struct obs_policy pol;
	struct observation o;
	struct store_idem k = {"22222222-2222-4222-8222-222222222222", "h", town_b.user_id};
	obs_policy_default(&pol);
	assert_int_equal(svc_obs_release(f->s, &town_b, &k, &pol, placed.obs.id, NULL, time_now(),
					 f->a, &o, &replayed),
			 STORE_CONFLICT);
	assert_counts_agree(f);
}

static void test_obs_period_staff_and_release(void **state)
{
	struct fixture *f = *state;
	const char *p = obs_person(f, VILLAGE_B);
	struct obs_placed placed;
	struct obs_policy pol;
	struct observation o;
	const char *bad;
	bool replayed;
	int64_t now = time_now();
	int today = obs_local_date(now);

	obs_policy_default(&pol);
	/* placed yesterday, so that an end today is after its start */
	assert_int_equal(obs_place_from(f, &town_b, "23232323-2323-4323-8323-232323232323", p, NULL,
					0, 1, &placed),
			 STORE_OK);
	const char *id = placed.obs.id;
	struct store_idem k1 = {"24242424-2424-4424-8424-242424242424", "h", town_b.user_id};
	/* another township: refused in the transaction */
	assert_int_equal(
		svc_obs_period(f->s, &town_a, &k1, &pol, id, today, "x", now, f->a, &o, &replayed),
		STORE_DENIED);
	/* an end on its start day is no period: refused by the rule, in the transaction */
	assert_int_equal(svc_obs_period(f->s, &town_b, NULL, &pol, id, placed.obs.start_date, "x",
					now, f->a, &o, &replayed),
			 STORE_INVALID);
	/* the end moved to today: due for release now */
	assert_int_equal(svc_obs_period(f->s, &town_b, &k1, &pol, id, today, "提前", now, f->a, &o,
					&replayed),
			 STORE_OK);
	assert_int_equal(o.end_date, today);
	assert_counts_agree(f);
	const char *clear[3] = {"", NULL, NULL};
	struct store_idem k2 = {"25252525-2525-4525-8525-252525252525", "h", town_b.user_id};
	assert_int_equal(
		svc_obs_staff(f->s, &town_b, &k2, id, clear, now, f->a, &o, &bad, &replayed),
		STORE_OK);
	assert_string_equal(o.grid_worker.id, "");
	const char *unknown[3] = {NULL, "26262626-2626-4626-8626-262626262626", NULL};
	struct store_idem k3 = {"27272727-2727-4727-8727-272727272727", "h", town_b.user_id};
	assert_int_equal(
		svc_obs_staff(f->s, &town_b, &k3, id, unknown, now, f->a, &o, &bad, &replayed),
		STORE_INVALID);
	assert_string_equal(bad, "doctor");
	struct store_idem k4 = {"28282828-2828-4828-8828-282828282828", "h", town_b.user_id};
	assert_int_equal(
		svc_obs_release(f->s, &town_b, &k4, &pol, id, "期满", now, f->a, &o, &replayed),
		STORE_OK);
	assert_string_equal(o.status, "released");
	assert_int_equal(
		svc_obs_release(f->s, &town_b, &k4, &pol, id, "期满", now, f->a, &o, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_int_equal(fixture_audit_rows(f, "observation.release"), 1);
	assert_counts_agree(f);
}

/* ---- accounts ---- */

static void test_user_create_replay_conflict_and_scope(void **state)
{
	struct fixture *f = *state;
	struct user in = {.username = "zhang",
			  .display_name = "张",
			  .phone = "",
			  .role = ROLE_GRID_WORKER,
			  .password_hash = "x",
			  .must_change = true};
	struct store_idem k = {"f1000000-0000-4000-8000-000000000001", "h", town_b.user_id};
	struct user first, again;
	bool replayed = true;

	memcpy(in.id, k.uuid, sizeof in.id);
	snprintf(in.area, sizeof in.area, "%s", VILLAGE_B);
	assert_int_equal(svc_user_create(f->s, &town_b, &k, &in, f->a, &first, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(first.area, VILLAGE_B);
	assert_int_equal(svc_user_create(f->s, &town_b, &k, &in, f->a, &again, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.id, first.id);
	struct store_idem k2 = {k.uuid, "other", town_b.user_id};
	assert_int_equal(svc_user_create(f->s, &town_b, &k2, &in, f->a, &again, &replayed),
			 STORE_CONFLICT_IDEM);
	assert_int_equal(fixture_audit_rows(f, "user.create"), 1);
	/* an account in another township: refused in the transaction */
	struct store_idem k3 = {"f1000000-0000-4000-8000-000000000003", "h", town_b.user_id};
	memcpy(in.id, k3.uuid, sizeof in.id);
	in.username = "li";
	snprintf(in.area, sizeof in.area, "%s", VILLAGE_A);
	assert_int_equal(svc_user_create(f->s, &town_b, &k3, &in, f->a, &again, &replayed),
			 STORE_DENIED);
	assert_int_equal(store_user_get(f->s, k3.uuid, f->a, &again), STORE_NOT_FOUND);
	assert_int_equal(fixture_audit_rows(f, "user.create"), 1);
}

static void test_user_of_another_township_is_refused(void **state)
{
	struct fixture *f = *state;
	struct user in = {.username = "wang",
			  .display_name = "王",
			  .phone = "",
			  .role = ROLE_GRID_WORKER,
			  .password_hash = "h1"};
	struct user_patch p = {.display_name = "改", .disabled = -1};
	struct user out, u;
	bool replayed;

	snprintf(in.id, sizeof in.id, "f1000000-0000-4000-8000-0000000000a1");
	snprintf(in.area, sizeof in.area, "%s", VILLAGE_A);
	assert_int_equal(svc_user_create(f->s, &county, NULL, &in, f->a, &out, &replayed),
			 STORE_OK);
	/* 竹箦镇 may neither change it nor reset its password: as if it did not exist */
	assert_int_equal(svc_user_update(f->s, &town_b, NULL, in.id, &p, f->a, NULL, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(svc_user_reset(f->s, &town_b, NULL, in.id, "h2", f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(store_user_by_name(f->s, "wang", f->a, &u), STORE_OK);
	assert_string_equal(u.display_name, "王");
	assert_string_equal(u.password_hash, "h1");
	/* nor move an account of its own into another township */
	struct user_patch away = {.area = VILLAGE_A, .disabled = -1};
	snprintf(in.id, sizeof in.id, "f1000000-0000-4000-8000-0000000000a2");
	snprintf(in.area, sizeof in.area, "%s", VILLAGE_B);
	in.username = "zhao";
	assert_int_equal(svc_user_create(f->s, &town_b, NULL, &in, f->a, &out, &replayed),
			 STORE_OK);
	assert_int_equal(svc_user_update(f->s, &town_b, NULL, in.id, &away, f->a, NULL, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(fixture_audit_rows(f, "user.update"), 0);
	/* the county may; a reset sets a password to change at the next login */
	struct user before;
	assert_int_equal(svc_user_update(f->s, &county, NULL,
					 "f1000000-0000-4000-8000-0000000000a1", &p, f->a, &before,
					 &out, NULL),
			 STORE_OK);
	assert_string_equal(before.display_name, "王");
	assert_string_equal(out.display_name, "改");
	assert_int_equal(svc_user_reset(f->s, &county, NULL, out.id, "h2", f->a, &out, NULL),
			 STORE_OK);
	assert_int_equal(store_user_by_name(f->s, "wang", f->a, &u), STORE_OK);
	assert_string_equal(u.password_hash, "h2");
	assert_true(u.must_change);
	assert_int_equal(fixture_audit_rows(f, "user.update"), 1);
	assert_int_equal(fixture_audit_rows(f, "user.reset_password"), 1);
}

/* The account rules are the use case's, checked on the row read in the writing transaction:
 * one's own role, area and access stay (SVC_SELF), one's own password is not reset, and an
 * account of a role the caller may not grant is refused (SVC_ROLE_NOT_GRANTABLE); each is
 * STORE_DENIED with the rule noted for the answer (403), and nothing is written. */
static void test_account_rules_in_the_transaction(void **state)
{
	struct fixture *f = *state;
	struct svc_denial d = {0};
	struct principal me = county, cadre = county;
	struct user in = {.username = "self",
			  .display_name = "自",
			  .phone = "",
			  .role = ROLE_COMMANDER,
			  .password_hash = "h1"};
	struct user out;
	struct user_patch demote = {.role = ROLE_GRID_WORKER, .disabled = -1};
	struct user_patch off = {.disabled = 1};
	struct user_patch rename = {.display_name = "新名", .disabled = -1};

	snprintf(in.id, sizeof in.id, "%s", county.user_id);
	snprintf(in.area, sizeof in.area, "%s", COUNTY);
	assert_int_equal(svc_user_create(f->s, &county, NULL, &in, f->a, &out, NULL), STORE_OK);
	me.denial = &d;
	assert_int_equal(svc_user_update(f->s, &me, NULL, in.id, &demote, f->a, NULL, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(d.why, SVC_SELF);
	d = (struct svc_denial){0};
	assert_int_equal(svc_user_update(f->s, &me, NULL, in.id, &off, f->a, NULL, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(d.why, SVC_SELF);
	d = (struct svc_denial){0};
	assert_int_equal(svc_user_reset(f->s, &me, NULL, in.id, "h2", f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(d.why, SVC_SELF);
	/* one's own name may change */
	assert_int_equal(svc_user_update(f->s, &me, NULL, in.id, &rename, f->a, NULL, &out, NULL),
			 STORE_OK);
	/* a cadre may not touch a commander's account */
	cadre.user_id = "00000000-0000-4000-8000-0000000000c1";
	cadre.role = ROLE_CADRE;
	cadre.denial = &d;
	d = (struct svc_denial){0};
	assert_int_equal(
		svc_user_update(f->s, &cadre, NULL, in.id, &rename, f->a, NULL, &out, NULL),
		STORE_DENIED);
	assert_int_equal(d.why, SVC_ROLE_NOT_GRANTABLE);
	d = (struct svc_denial){0};
	assert_int_equal(svc_user_reset(f->s, &cadre, NULL, in.id, "h3", f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(d.why, SVC_ROLE_NOT_GRANTABLE);
	assert_int_equal(fixture_audit_rows(f, "user.update"), 1);
	assert_int_equal(fixture_audit_rows(f, "user.reset_password"), 0);
}

/* ---- alerts, service requests, the self-report link ---- */

/* A person of area placed under observation by the county; returns the observation. */
static struct observation placed(struct fixture *f, const char *area)
{
	struct import_row row = person_row(f, area, NULL);
	struct store_idem k = {arena_alloc(f->a, UUID_LEN + 1), "h", county.user_id};
	struct obs_policy pol;
	struct obs_new in = {0};
	struct obs_placed out;
	struct person p;
	bool merged;
	char *id = arena_alloc(f->a, UUID_LEN + 1);

	obs_policy_default(&pol);
	uuid_v4((char *)k.uuid);
	assert_int_equal(svc_person_register(f->s, &county, &k, &row, f->a, &p, &merged, NULL),
			 STORE_OK);
	uuid_v4(id);
	in.id = id;
	in.person_id = arena_strdup(f->a, p.id);
	in.kind = "home_observation";
	in.place = "家中";
	in.reason = "";
	in.start_date = obs_local_date(time_now());
	in.end_date = obs_date_add(in.start_date, pol.days - 1);
	in.now = time_now();
	assert_int_equal(svc_obs_place(f->s, &county, NULL, &pol, &in, f->a, &out, NULL), STORE_OK);
	return out.obs;
}

/* A fever reported for o through its link: the alert it raised. */
static struct alert fever(struct fixture *f, const struct observation *o)
{
	struct principal link = svc_self_principal(o, "127.0.0.1", "r9");
	struct store_idem k = {arena_alloc(f->a, UUID_LEN + 1), "h", NULL};
	struct obs_policy pol;
	struct visit v = {.temp = 391};
	struct visit_done out;
	char alert_id[UUID_LEN + 1];

	obs_policy_default(&pol);
	uuid_v4((char *)k.uuid);
	uuid_v4(v.id);
	uuid_v4(alert_id);
	v.note = "";
	assert_int_equal(
		svc_self_report(f->s, &link, &k, &pol, &v, alert_id, time_now(), f->a, &out, NULL),
		STORE_OK);
	assert_true(out.has_alert);
	return out.alert;
}

static enum store_status move_file(struct store_tx *tx, void *p)
{
	const char *person_id = p;
	return store_tx_person_set(tx, person_id, VILLAGE_B, NULL, time_now());
}

static void test_alert_referral_out_of_scope_is_refused_in_the_transaction(void **state)
{
	struct fixture *f = *state;
	struct observation o = placed(f, VILLAGE_A);
	struct alert al = fever(f, &o), out;
	struct obs_policy pol;
	struct alert_update u = {.destination = "fever_clinic", .now = time_now()};
	struct store_idem k = {"66666666-6666-4666-8666-666666666666", "h", town_b.user_id};

	obs_policy_default(&pol);
	u.referred_at = u.now;
	/* another township: as if the alert did not exist */
	assert_int_equal(svc_alert_update(f->s, &town_b, &k, &pol, al.id, &u, f->a, &out, NULL),
			 STORE_DENIED);
	/* the alert's own township, once the person's file has moved away: refused too, by the
	 * check inside the transaction (the alert and observation still lie in 社渚镇) */
	assert_int_equal(store_run(f->s, move_file, o.person_id), STORE_OK);
	k.user_id = town_a.user_id;
	assert_int_equal(svc_alert_update(f->s, &town_a, &k, &pol, al.id, &u, f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(store_alert_get(f->s, al.id, f->a, &out), STORE_OK);
	assert_string_equal(out.status, "open");
	assert_int_equal(fixture_audit_rows(f, "alert.referral"), 0);
	/* the county sees all three */
	k.user_id = county.user_id;
	assert_int_equal(svc_alert_update(f->s, &county, &k, &pol, al.id, &u, f->a, &out, NULL),
			 STORE_OK);
	assert_string_equal(out.status, "referred");
	assert_string_equal(out.referred_by, "county");
	assert_int_equal(fixture_audit_rows(f, "alert.referral"), 1);
}

static void test_service_status_replay(void **state)
{
	struct fixture *f = *state;
	struct observation o = placed(f, VILLAGE_B);
	struct service in = {.kind = "groceries",
			     .items = "米、面",
			     .requested_by = "worker",
			     .requester = "town_b",
			     .assignee = ""};
	struct service sv, first, again;
	struct store_idem k = {"77777777-7777-4777-8777-777777777777", "h", town_b.user_id};
	bool replayed;

	uuid_v4(in.id);
	memcpy(in.observation_id, o.id, sizeof in.observation_id);
	in.due_at = time_now() + 3600;
	assert_int_equal(svc_service_create(f->s, &town_b, NULL, "service.create", &in, time_now(),
					    f->a, &sv, NULL),
			 STORE_OK);
	assert_int_equal(svc_service_move(f->s, &town_b, &k, sv.id, "accepted", "王师傅", NULL,
					  time_now(), f->a, &first, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(first.status, "accepted");
	/* delivered meanwhile; the accept's retry answers what the accept answered... */
	struct store_idem k2 = {"88888888-8888-4888-8888-888888888888", "h", town_b.user_id};
	assert_int_equal(svc_service_move(f->s, &town_b, &k2, sv.id, "delivered", NULL, NULL,
					  time_now(), f->a, &again, NULL),
			 STORE_OK);
	assert_int_equal(svc_service_move(f->s, &town_b, &k, sv.id, "accepted", "王师傅", NULL,
					  time_now(), f->a, &again, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.id, sv.id);
	assert_int_equal(fixture_audit_rows(f, "service.status"), 2);
	/* ...another body under its key is refused, and so is a move the states forbid */
	k.body_hash = "h2";
	assert_int_equal(svc_service_move(f->s, &town_b, &k, sv.id, "cancelled", NULL, "x",
					  time_now(), f->a, &again, NULL),
			 STORE_CONFLICT_IDEM);
	assert_int_equal(svc_service_move(f->s, &town_b, NULL, sv.id, "cancelled", NULL, "x",
					  time_now(), f->a, &again, NULL),
			 STORE_CONFLICT);
	/* and a township that does not hold it does not see it */
	assert_int_equal(svc_service_move(f->s, &town_a, NULL, sv.id, "cancelled", NULL, "x",
					  time_now(), f->a, &again, NULL),
			 STORE_DENIED);
}

static void test_self_report_through_an_ended_observation_is_refused(void **state)
{
	struct fixture *f = *state;
	struct observation o = placed(f, VILLAGE_A), other = placed(f, VILLAGE_A);
	struct principal link = svc_self_principal(&o, "127.0.0.1", "r9");
	struct store_idem k = {"99999999-9999-4999-8999-999999999999", "h", NULL};
	struct service in = {.kind = "groceries", .items = "米"}, out;
	struct obs_policy pol;
	bool replayed;

	obs_policy_default(&pol);
	uuid_v4(in.id);
	assert_int_equal(svc_self_service(f->s, &link, &k, &in, time_now(), f->a, &out, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(out.requested_by, "self");
	assert_int_equal(fixture_audit_rows(f, "selfreport.service"), 1);
	/* the link writes to its own observation only */
	struct service elsewhere = in;
	uuid_v4(elsewhere.id);
	memcpy(elsewhere.observation_id, other.id, sizeof elsewhere.observation_id);
	assert_int_equal(svc_service_create(f->s, &link, NULL, "selfreport.service", &elsewhere,
					    time_now(), f->a, &out, NULL),
			 STORE_NOT_FOUND);
	/* a confirmed case ends the observation; the link, read before, takes nothing more */
	struct alert al = fever(f, &o);
	struct alert_update u = {.result = "confirmed", .note = "", .now = time_now()};
	struct alert closed;
	assert_int_equal(
		svc_alert_update(f->s, &county, NULL, &pol, al.id, &u, f->a, &closed, NULL),
		STORE_OK);
	struct store_idem k2 = {"aaaaaaaa-9999-4999-8999-999999999999", "h", NULL};
	uuid_v4(in.id);
	assert_int_equal(svc_self_service(f->s, &link, &k2, &in, time_now(), f->a, &out, NULL),
			 STORE_CONFLICT);
	struct visit v = {.temp = 365, .note = ""};
	struct visit_done done;
	char alert_id[UUID_LEN + 1];
	uuid_v4(v.id);
	uuid_v4(alert_id);
	assert_int_equal(svc_self_report(f->s, &link, &k2, &pol, &v, alert_id, time_now(), f->a,
					 &done, NULL),
			 STORE_CONFLICT);
	assert_int_equal(fixture_audit_rows(f, "selfreport.service"), 1);
	/* the first request's retry still gets its first answer */
	assert_int_equal(svc_self_service(f->s, &link, &k, &in, time_now(), f->a, &out, &replayed),
			 STORE_OK);
	assert_true(replayed);
}

/* The key-area list is the county's: a township cannot change it, even past the handler. */
/* A grid under village made by the county; its code in f->a. */
static const char *grid_of(struct fixture *f, const char *village, const char *name)
{
	struct area_new in = {.parent = village, .name = name};
	struct store_idem k = {arena_alloc(f->a, UUID_LEN + 1), "h", county.user_id};
	struct area out;

	uuid_v4((char *)k.uuid);
	assert_int_equal(svc_area_create(f->s, &county, &k, &in, f->a, &out, NULL), STORE_OK);
	return arena_strdup(f->a, out.code);
}

static struct principal worker_on(const char *area, const char *username)
{
	return (struct principal){"00000000-0000-4000-8000-0000000000a1",
				  username,
				  ROLE_GRID_WORKER,
				  area,
				  "127.0.0.1",
				  "rw",
				  NULL,
				  NULL};
}

static size_t pool_size(struct fixture *f, const struct principal *who)
{
	struct task_query q = {.limit = 100, .now = time_now()};
	struct task *v;
	size_t n;
	int64_t total;

	assert_int_equal(svc_task_pool(f->s, who, &q, f->a, &v, &n, &total), STORE_OK);
	assert_int_equal((int64_t)n, total);
	return n;
}

/* 本村待认领: a grid worker reads the unassigned tasks of their village — and only those —
 * and takes one in a transaction that checks the same rule; taken meanwhile: conflict. */
static void test_task_pool_and_take(void **state)
{
	struct fixture *f = *state;
	const char *g1 = grid_of(f, VILLAGE_A, "一网格"), *g2 = grid_of(f, VILLAGE_A, "二网格");
	const char *gb = grid_of(f, VILLAGE_B, "某网格");
	struct principal w1 = worker_on(g1, "w1"), w2 = worker_on(g2, "w2"),
			 wb = worker_on(gb, "wb"), wv = worker_on(VILLAGE_A, "wv");
	char *t1 = file_with_task(f, VILLAGE_A, VILLAGE_A);
	char *t2 = file_with_task(f, VILLAGE_A, VILLAGE_A);
	(void)file_with_task(f, g2, g2);               /* another grid's: never in the pool */
	(void)file_with_task(f, VILLAGE_B, VILLAGE_B); /* another village's */
	struct store_idem k = {"66666666-6666-4666-8666-666666666666", "h", w1.user_id};
	struct task out, t;
	bool taken, replayed;

	assert_int_equal(pool_size(f, &w1), 2);
	assert_int_equal(pool_size(f, &w2), 2);
	assert_int_equal(pool_size(f, &wb), 1);
	assert_int_equal(pool_size(f, &wv), 0); /* not on a grid: no pool */
	assert_null(svc_task_village(&wv, f->a));
	assert_string_equal(svc_task_village(&w1, f->a), VILLAGE_A);

	assert_int_equal(
		svc_task_take(f->s, &w1, &k, t1, time_now(), f->a, &out, &taken, &replayed),
		STORE_OK);
	assert_false(replayed);
	assert_string_equal(out.area, g1);
	assert_string_equal(out.person_area, g1);
	assert_string_equal(out.assignee, "w1");
	assert_int_equal(
		svc_task_take(f->s, &w1, &k, t1, time_now(), f->a, &out, &taken, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_int_equal(fixture_audit_rows(f, "task.take"), 1);
	assert_int_equal(pool_size(f, &w1), 1);

	/* taken meanwhile: w2 hears of it as a conflict, not as a missing task */
	struct store_idem k2 = {"77777777-7777-4777-8777-777777777777", "h", w2.user_id};
	assert_int_equal(svc_task_take(f->s, &w2, &k2, t1, time_now(), f->a, &out, &taken, NULL),
			 STORE_CONFLICT);
	assert_true(taken);
	/* another village's worker and an account with no grid: as for a missing task */
	struct svc_denial refused = {0};
	wb.denial = &refused;
	assert_int_equal(svc_task_take(f->s, &wb, NULL, t2, time_now(), f->a, &out, &taken, NULL),
			 STORE_DENIED);
	assert_string_equal(refused.object_id, t2);
	assert_int_equal(svc_task_take(f->s, &wv, NULL, t2, time_now(), f->a, &out, &taken, NULL),
			 STORE_DENIED);
	assert_int_equal(store_task_get(f->s, t2, f->a, &t), STORE_OK);
	assert_string_equal(t.area, VILLAGE_A);
	/* the ordinary list is not widened: w2 sees only its grid's task */
	struct task_query q = {.limit = 100, .now = time_now(), .unassigned_at = VILLAGE_A};
	struct task *v;
	size_t n;
	int64_t total;
	assert_int_equal(svc_task_list(f->s, &w2, &q, f->a, &v, &n, &total), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].area, g2);
	assert_int_equal(fixture_audit_rows(f, "task.take"), 1);
}

/* A batch: each task checked in scope, one audit row naming them; a village's unassigned. */
static void test_task_bulk_reassign(void **state)
{
	struct fixture *f = *state;
	const char *g = grid_of(f, VILLAGE_B, "批量网格");
	const char *ids[] = {file_with_task(f, VILLAGE_B, VILLAGE_B),
			     file_with_task(f, VILLAGE_A, VILLAGE_A), /* out of town_b's scope */
			     "99999999-9999-4999-8999-999999999999"};
	(void)file_with_task(f, VILLAGE_B, VILLAGE_B);
	struct task_bulk in = {.batch_id = "88888888-8888-4888-8888-888888888888",
			       .ids = ids,
			       .nids = 3,
			       .area = g,
			       .now = time_now()};
	struct store_idem k = {in.batch_id, "h", town_b.user_id};
	struct task t;
	bool replayed;

	assert_int_equal(svc_task_bulk(f->s, &town_b, &k, &in, f->a, &replayed), STORE_OK);
	assert_false(replayed);
	assert_int_equal(in.results[0], TASK_BULK_OK);
	assert_int_equal(in.results[1], TASK_BULK_NOT_FOUND);
	assert_int_equal(in.results[2], TASK_BULK_NOT_FOUND);
	assert_int_equal(store_task_get(f->s, ids[0], f->a, &t), STORE_OK);
	assert_string_equal(t.area, g);
	assert_string_equal(t.person_area, g);
	assert_int_equal(store_task_get(f->s, ids[1], f->a, &t), STORE_OK);
	assert_string_equal(t.area, VILLAGE_A);
	assert_int_equal(fixture_audit_rows(f, "task.reassign_batch"), 1);
	assert_int_equal(svc_task_bulk(f->s, &town_b, &k, &in, f->a, &replayed), STORE_OK);
	assert_true(replayed);
	assert_int_equal(fixture_audit_rows(f, "task.reassign_batch"), 1);

	/* every unassigned of a village: the one left at VILLAGE_B */
	struct task_bulk all = {.batch_id = "88888888-8888-4888-8888-888888888889",
				.village = VILLAGE_B,
				.area = g,
				.now = time_now()};
	assert_int_equal(svc_task_bulk(f->s, &town_b, NULL, &all, f->a, NULL), STORE_OK);
	assert_int_equal(all.nids, 1);
	assert_int_equal(all.results[0], TASK_BULK_OK);
	/* a village out of scope */
	struct task_bulk other = {.batch_id = "88888888-8888-4888-8888-88888888888a",
				  .village = VILLAGE_A,
				  .area = g,
				  .now = time_now()};
	assert_int_equal(svc_task_bulk(f->s, &town_b, NULL, &other, f->a, NULL), STORE_DENIED);
}

static void test_key_area_put_is_the_countys(void **state)
{
	struct fixture *f = *state;
	struct key_area k = {
		.code = "4201", .name = "武汉市", .start_date = 20200101, .end_date = 99991231};
	struct store_idem idem = {"66666666-6666-4666-8666-666666666666", "kh", county.user_id};
	struct key_area *list;
	size_t n;

	assert_int_equal(svc_key_area_put(f->s, &town_b, NULL, &k, f->a), STORE_INVALID);
	assert_int_equal(store_key_areas(f->s, f->a, &list, &n), STORE_OK);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(list[i].code, "4201");
	assert_int_equal(fixture_audit_rows(f, "key_area.put"), 0);
	assert_int_equal(svc_key_area_put(f->s, &county, &idem, &k, f->a), STORE_OK);
	assert_int_equal(svc_key_area_put(f->s, &county, &idem, &k, f->a), STORE_OK); /* replay */
	assert_int_equal(fixture_audit_rows(f, "key_area.put"), 1);
	struct store_idem other = {idem.uuid, "other", county.user_id};
	assert_int_equal(svc_key_area_put(f->s, &county, &other, &k, f->a), STORE_CONFLICT_IDEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_key_area_put_is_the_countys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_pool_and_take, setup, teardown),
		cmocka_unit_test_setup_teardown(test_task_bulk_reassign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_answers_without_running_again, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_audit_row_says_who, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_runs_again, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_task_of_a_file_elsewhere_is_refused_in_the_transaction, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_task_close_replay_and_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_extend_counts_from_the_deadline_in_the_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_person_register_replay_and_conflict, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_person_register_beside_a_file_elsewhere, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_person_merge_refuses_a_file_out_of_scope,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_area_create_replay_conflict_and_scope, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_area_update_out_of_scope_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_update_and_merge_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_create_replay_conflict_and_scope, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_denial_outlives_the_use_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_account_rules_in_the_transaction, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_user_of_another_township_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_obs_place_refuses_a_person_out_of_scope, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_visit_replay_answers_the_first_visit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fever_visit_raises_one_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_obs_period_staff_and_release, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_alert_referral_out_of_scope_is_refused_in_the_transaction, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_service_status_replay, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_self_report_through_an_ended_observation_is_refused, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
