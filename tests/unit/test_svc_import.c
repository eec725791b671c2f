/* The import's use cases (src/service/svc_import.c), in process against a temporary
 * database: a batch imports, merges and flags rows and opens their tasks, with one audit
 * row "import.batch" per batch; a batch at or before the stored last line is refused whole
 * and counts nothing; a number another township holds makes a file of the importer's own
 * flagged PERSON_ELSEWHERE, its task and audit row at the area over both, by the rule the
 * form uses (svc_person_place), so that a form and an import land in the same file; the
 * upload is idempotent by its uuid. */
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
#include "util/timeutil.h"
#include "util/uuid.h"

static const struct principal county = FX_PRINCIPAL("1", "county", ROLE_COMMANDER, COUNTY);
static const struct principal town_b = FX_PRINCIPAL("2", "town_b", ROLE_COMMANDER, TOWN_B);

static int setup(void **state)
{
	return county_open(state, "svc-import");
}

static int teardown(void **state)
{
	return fixture_close(state);
}

static struct audit_row *audit_of(struct fixture *f, const char *action, size_t *n)
{
	struct audit_filter q = {.action = action, .limit = 500};
	struct audit_row *rows;

	assert_int_equal(store_audit_list(f->s, &q, f->a, &rows, n), STORE_OK);
	return rows;
}

static size_t audit_count(struct fixture *f, const char *action)
{
	size_t n;

	audit_of(f, action, &n);
	return n;
}

/* A job of who's for a file with this SHA-256, queued. */
static struct import_job new_job(struct fixture *f, const struct principal *who, const char *sha)
{
	struct import_job in = {0}, out;
	char existing[UUID_LEN + 1];

	uuid_v4(in.id);
	in.filename = "list.csv";
	in.sha256 = sha;
	in.path = "/nonexistent/list.csv";
	in.kind = "csv";
	in.deadline_hours = 48;
	assert_int_equal(svc_import_create(f->s, who, NULL, &in, f->a, &out, existing, NULL),
			 STORE_OK);
	return out;
}

static struct import_job job_now(struct fixture *f, const char *id)
{
	struct import_job j;

	assert_int_equal(store_flush(f->s), STORE_OK); /* the batches are answered before */
	assert_int_equal(store_import_get(f->s, id, f->a, &j), STORE_OK);
	return j;
}

/* A listed row in area, line `line`, with a valid number or (NULL) none. */
static struct import_row row_of(const char *area, size_t line, const char *number, const char *name,
				const char *defects)
{
	struct import_row row = {0};

	row.line = line;
	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = number ? number : "";
	row.p.id_valid = number != NULL;
	row.p.name = name;
	row.p.sex = "";
	row.p.phone = "13800138000";
	row.p.address = "";
	row.p.defects = defects;
	row.t = (struct travel){.origin = "武汉市", .transport = "", .transport_no = ""};
	snprintf(row.p.area, sizeof row.p.area, "%s", area);
	return row;
}

static int64_t tasks_in(struct fixture *f, const char *scope, struct task **v)
{
	struct task_query q = {.scope = scope, .now = time_now(), .limit = 100};
	size_t n;
	int64_t total;

	assert_int_equal(store_task_list(f->s, &q, f->a, v, &n, &total), STORE_OK);
	return total;
}

static void test_batch_imports_merges_flags_and_opens_tasks(void **state)
{
	struct fixture *f = *state;
	struct import_job j = new_job(f, &town_b, "sha-1");
	struct import_row known = row_of(VILLAGE_B, 0, "320481198001010011", "甲", "");
	struct person door;
	bool merged, replayed;
	struct task *tasks;
	size_t n;

	/* met at the door first: a file without a task */
	assert_int_equal(
		svc_person_register(f->s, &town_b, NULL, &known, f->a, &door, &merged, &replayed),
		STORE_OK);
	assert_int_equal(tasks_in(f, COUNTY, &tasks), 0);

	struct import_row rows[] = {
		row_of(VILLAGE_B, 2, "320481198001010011", "甲", ""), /* the known file */
		row_of(VILLAGE_B, 3, "320481198001010022", "乙", ""),
		row_of(VILLAGE_B, 4, NULL, "丙", "idcard.missing"),
	};
	struct import_progress d = {.rejected = 1, .last_line = 5, .bytes_done = 100};
	assert_int_equal(svc_import_batch(f->s, &j, rows, 3, NULL, 0, &d, time_now(), NULL, f->a),
			 STORE_OK);
	j = job_now(f, j.id);
	assert_int_equal(j.imported, 2);
	assert_int_equal(j.merged, 1);
	assert_int_equal(j.flagged, 1);
	assert_int_equal(j.rejected, 1);
	assert_int_equal(j.rows, 4);
	assert_int_equal(j.last_line, 5);
	/* every person has a task now, in the row's area, due in the job's hours */
	assert_int_equal(tasks_in(f, COUNTY, &tasks), 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(tasks[i].area, VILLAGE_B);
		assert_string_equal(tasks[i].import_id, j.id);
		assert_true(tasks[i].due_at - tasks[i].created_at == 48 * 3600);
	}
	/* the known person's file took the list: "listed" on its timeline, no second file */
	struct travel *t;
	struct person_event *ev;
	struct task *tk;
	size_t nt, ne, ntk;
	assert_int_equal(store_person_file(f->s, door.id, f->a, &t, &nt, &ev, &ne, &tk, &ntk),
			 STORE_OK);
	assert_int_equal(nt, 1);
	assert_string_equal(ev[ne - 1].kind, "listed");
	assert_non_null(strstr(ev[ne - 1].detail, j.id));

	/* a second batch: the row without a number names its lookalike, a person with an open
	 * task gets no second one */
	struct import_row again[] = {
		row_of(VILLAGE_B, 6, NULL, "丙", ""),
		row_of(VILLAGE_B, 7, "320481198001010022", "乙", ""),
	};
	struct import_progress d2 = {.last_line = 7, .bytes_done = 200};
	assert_int_equal(svc_import_batch(f->s, &j, again, 2, NULL, 0, &d2, time_now(), NULL, f->a),
			 STORE_OK);
	j = job_now(f, j.id);
	assert_int_equal(j.imported, 3);
	assert_int_equal(j.merged, 2);
	assert_int_equal(tasks_in(f, COUNTY, &tasks), 4); /* only the new 丙 */
	assert_int_equal(store_person_file(f->s, again[0].p.id, f->a, &t, &nt, &ev, &ne, &tk, &ntk),
			 STORE_OK);
	assert_string_equal(ev[0].kind, "pushed");
	assert_non_null(strstr(ev[0].detail, rows[2].p.id)); /* possible_duplicate_of */

	/* one audit row per batch, as the importer, with the batch's counts */
	struct audit_row *a = audit_of(f, "import.batch", &n);
	assert_int_equal(n, 2);
	assert_string_equal(a[0].username, "town_b");
	assert_string_equal(a[0].object_id, j.id);
	assert_string_equal(a[0].area, TOWN_B);
	assert_non_null(strstr(a[0].after, "\"imported\":1"));
	assert_non_null(strstr(a[0].after, "\"last_line\":7"));
}

static void test_replayed_batch_is_refused_whole(void **state)
{
	struct fixture *f = *state;
	struct import_job j = new_job(f, &town_b, "sha-2");
	struct import_row first = row_of(VILLAGE_B, 2, "320481198001010033", "丁", "");
	struct import_issue is = {.line = 3,
				  .col = "身份证号",
				  .code = "idcard.checksum",
				  .severity = "rejected",
				  .value = "x",
				  .cells = "[]"};
	struct import_progress d = {.rejected = 1, .last_line = 3, .bytes_done = 10};
	struct person_query q = {.scope = COUNTY, .id_number = "320481198001010044", .limit = 5};
	struct import_issue *iss;
	struct person *found;
	struct task *tasks;
	size_t n;

	assert_int_equal(svc_import_batch(f->s, &j, &first, 1, &is, 1, &d, time_now(), NULL, f->a),
			 STORE_OK);
	/* the same batch again, or one ending earlier: nothing of it is kept or counted */
	struct import_row late = row_of(VILLAGE_B, 3, "320481198001010044", "戊", "");
	for (int64_t last = 3; last >= 2; last--) {
		struct import_progress again = {.rejected = 1, .last_line = last, .bytes_done = 10};
		assert_int_equal(svc_import_batch(f->s, &j, &late, 1, &is, 1, &again, time_now(),
						  NULL, f->a),
				 STORE_CONFLICT);
	}
	j = job_now(f, j.id);
	assert_int_equal(j.imported, 1);
	assert_int_equal(j.rejected, 1);
	assert_int_equal(j.rows, 2);
	assert_int_equal(j.last_line, 3);
	assert_int_equal(store_person_find(f->s, &q, f->a, &found, &n), STORE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(tasks_in(f, COUNTY, &tasks), 1);
	assert_int_equal(store_import_issues(f->s, j.id, 0, 100, f->a, &iss, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_int_equal(audit_count(f, "import.batch"), 1);
}

/* Batches are answered before they are durable: a batch (or the job's end) that does not go
 * on from where the worker left the job, because answered batches were lost with a
 * transaction that did not commit, stops the import instead of skipping their lines. */
static void test_batch_after_lost_batches_stops(void **state)
{
	struct fixture *f = *state;
	struct import_job j = new_job(f, &town_b, "sha-lost");
	struct import_row first = row_of(VILLAGE_B, 2, "320481198001010066", "庚", "");
	struct import_row next = row_of(VILLAGE_B, 4, "320481198001010077", "辛", "");
	struct import_progress d = {.last_line = 2, .bytes_done = 10};
	struct import_progress d2 = {.last_line = 4, .bytes_done = 20};

	assert_int_equal(svc_import_batch(f->s, &j, &first, 1, NULL, 0, &d, time_now(), NULL, f->a),
			 STORE_OK);
	/* the worker left the job at line 3 (a batch it was told was kept), the store says 2 */
	j.last_line = 3;
	assert_int_equal(svc_import_batch(f->s, &j, &next, 1, NULL, 0, &d2, time_now(), NULL, f->a),
			 STORE_ERROR);
	assert_int_equal(svc_import_status(f->s, &j, "done", NULL), STORE_ERROR);
	struct import_job now = job_now(f, j.id);
	assert_int_equal(now.last_line, 2);
	assert_int_equal(now.imported, 1);
	assert_string_not_equal(now.status, "done");
	/* from where it was kept, it goes on and ends */
	j.last_line = 2;
	assert_int_equal(svc_import_batch(f->s, &j, &next, 1, NULL, 0, &d2, time_now(), NULL, f->a),
			 STORE_OK);
	j.last_line = 4;
	assert_int_equal(svc_import_status(f->s, &j, "done", NULL), STORE_OK);
	now = job_now(f, j.id);
	assert_int_equal(now.imported, 2);
	assert_string_equal(now.status, "done");
}

static void test_number_held_in_another_township(void **state)
{
	struct fixture *f = *state;
	const char *number = "320481198001010055";
	struct import_row held = row_of(VILLAGE_A, 0, number, "己", "");
	struct person holder, door;
	bool merged, replayed;
	struct task *tasks;
	size_t n;

	assert_int_equal(
		svc_person_register(f->s, &county, NULL, &held, f->a, &holder, &merged, &replayed),
		STORE_OK);
	/* 竹箦镇 imports the number 社渚镇 holds */
	struct import_job j = new_job(f, &town_b, "sha-3");
	struct import_row row = row_of(VILLAGE_B, 2, number, "己", "");
	struct import_progress d = {.last_line = 2};
	assert_int_equal(svc_import_batch(f->s, &j, &row, 1, NULL, 0, &d, time_now(), NULL, f->a),
			 STORE_OK);
	j = job_now(f, j.id);
	assert_int_equal(j.imported, 1); /* as for an unknown person */
	assert_int_equal(j.merged, 0);
	struct person mine;
	assert_int_equal(store_person_get(f->s, row.p.id, f->a, &mine), STORE_OK);
	assert_string_equal(mine.area, VILLAGE_B);
	assert_false(mine.id_valid);
	assert_non_null(strstr(mine.defects, PERSON_ELSEWHERE));
	assert_int_equal(store_person_get(f->s, holder.id, f->a, &door), STORE_OK);
	assert_string_equal(door.area, VILLAGE_A); /* untouched */
	/* its one task is the county's (the area over both), none in 竹箦镇 */
	assert_int_equal(tasks_in(f, COUNTY, &tasks), 1);
	assert_string_equal(tasks[0].area, COUNTY);
	assert_string_equal(tasks[0].defects, PERSON_ELSEWHERE);
	assert_string_equal(tasks[0].person_id, row.p.id);
	assert_string_equal(tasks[0].import_id, j.id);
	assert_int_equal(tasks_in(f, TOWN_B, &tasks), 0);
	struct audit_row *a = audit_of(f, "person.duplicate", &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].area, COUNTY);
	assert_string_equal(a[0].object_id, row.p.id);
	assert_string_equal(a[0].username, "town_b");
	char *after = arena_printf(f->a, "{\"duplicate_of\":\"%s\",\"duplicate_area\":\"%s\"}",
				   holder.id, VILLAGE_A);
	assert_string_equal(a[0].after, after);
	/* the form in 竹箦镇 finds the import's file by the same rule: no third file, no
	 * second report */
	struct import_row form = row_of(VILLAGE_B, 0, number, "己", "");
	assert_int_equal(
		svc_person_register(f->s, &town_b, NULL, &form, f->a, &door, &merged, &replayed),
		STORE_OK);
	assert_true(merged);
	assert_string_equal(door.id, row.p.id);
	/* and a second list in 竹箦镇 merges into it too */
	struct import_job j2 = new_job(f, &town_b, "sha-4");
	struct import_row row2 = row_of(VILLAGE_B, 2, number, "己", "");
	assert_int_equal(svc_import_batch(f->s, &j2, &row2, 1, NULL, 0, &d, time_now(), NULL, f->a),
			 STORE_OK);
	j2 = job_now(f, j2.id);
	assert_int_equal(j2.merged, 1);
	assert_int_equal(audit_count(f, "person.duplicate"), 1);
}

static void test_upload_is_idempotent_by_uuid(void **state)
{
	struct fixture *f = *state;
	struct store_idem k = {"12345678-1234-4234-8234-123456789abc", "hash-of-file-1",
			       town_b.user_id};
	struct import_job in = {0}, out, again;
	char existing[UUID_LEN + 1];
	bool replayed = true;

	uuid_v4(in.id);
	in.filename = "a.csv";
	in.sha256 = "sha-up";
	in.path = "/nonexistent/a.csv";
	in.kind = "csv";
	in.deadline_hours = 24;
	assert_int_equal(svc_import_create(f->s, &town_b, &k, &in, f->a, &out, existing, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(out.id, in.id);
	assert_string_equal(out.area, TOWN_B);
	assert_string_equal(out.username, "town_b");
	/* the same upload again (a new job id from the retry): the first job, nothing new */
	struct import_job retry = in;
	uuid_v4(retry.id);
	assert_int_equal(
		svc_import_create(f->s, &town_b, &k, &retry, f->a, &again, existing, &replayed),
		STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.id, in.id);
	assert_int_equal(store_import_get(f->s, retry.id, f->a, &again), STORE_NOT_FOUND);
	/* another file under the uuid */
	struct store_idem k2 = {k.uuid, "hash-of-file-2", town_b.user_id};
	retry.sha256 = "sha-other";
	assert_int_equal(
		svc_import_create(f->s, &town_b, &k2, &retry, f->a, &again, existing, &replayed),
		STORE_CONFLICT_IDEM);
	/* the same file under a new uuid: the first job is named, no second import */
	struct store_idem k3 = {"22345678-1234-4234-8234-123456789abc", "hash-of-file-1",
				town_b.user_id};
	retry.sha256 = "sha-up";
	assert_int_equal(
		svc_import_create(f->s, &town_b, &k3, &retry, f->a, &again, existing, &replayed),
		STORE_CONFLICT);
	assert_string_equal(existing, in.id);
	assert_int_equal(audit_count(f, "import.create"), 1);
}

static void test_status_changes_are_the_importers(void **state)
{
	struct fixture *f = *state;
	struct import_job j = new_job(f, &town_b, "sha-5");
	size_t n;

	assert_int_equal(svc_import_start(f->s, &j, "[\"姓名\"]", 10), STORE_OK);
	assert_string_equal(job_now(f, j.id).status, "running");
	assert_int_equal(svc_import_status(f->s, &j, "failed", "import.format"), STORE_OK);
	j = job_now(f, j.id);
	assert_string_equal(j.status, "failed");
	assert_string_equal(j.error, "import.format");
	assert_true(j.finished_at > 0);
	struct audit_row *a = audit_of(f, "import.status", &n);
	assert_int_equal(n, 1);
	assert_string_equal(a[0].username, "town_b");
	assert_string_equal(a[0].area, TOWN_B);
	/* a job that does not exist */
	struct import_job ghost = j;
	uuid_v4(ghost.id);
	assert_int_equal(svc_import_status(f->s, &ghost, "done", NULL), STORE_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_batch_imports_merges_flags_and_opens_tasks,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_replayed_batch_is_refused_whole, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_batch_after_lost_batches_stops, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_number_held_in_another_township, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_upload_is_idempotent_by_uuid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_changes_are_the_importers, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
