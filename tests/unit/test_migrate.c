/* Migrations upgrade a database with data in it (issue 14): a database at version 15, with
 * files, journeys, tasks and an observation, opened by this program, is taken to the last
 * version; step 16 rebuilds person as a rowid table (its UUID still the primary key) and
 * keeps every file, every column, every row that names one, and the foreign keys on.
 * Upgrades are all or nothing (issue 16): a database of the previous release (latest - 1)
 * with data is upgraded with its data; a step that fails (FANGKONG_TEST_FAIL_MIGRATION)
 * leaves the version and every row of every table as they were, and the database opens
 * once the failure is gone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite/sq.h"
#include "store/store.h"

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Every column of every file, in id order, as one text. */
static char *files_text(sqlite3 *db)
{
	static const char sql[] =
		"SELECT group_concat(id || '|' || doc_type || '|' || id_number || '|' || id_valid"
		" || '|' || name || '|' || sex || '|' || birth || '|' || phone || '|' || address"
		" || '|' || area_code || '|' || categories || '|' || status || '|' || defects || "
		"'|'"
		" || ifnull(merged_into, '-') || '|' || created_at || '|' || updated_at, ';')"
		" FROM (SELECT * FROM person ORDER BY id)";
	sqlite3_stmt *st;
	char *r = NULL;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		r = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_non_null(r);
	return r;
}

static const char data[] =
	"INSERT INTO area(code, parent, level, name, created_at, updated_at) VALUES"
	"  ('320481', NULL, 1, '溧阳市', 1, 1),"
	"  ('320481116', '320481', 2, '社渚镇', 1, 1);"
	"INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone, address,"
	"  area_code, categories, status, defects, merged_into, created_at, updated_at) VALUES"
	"  ('01a20000-0000-7000-8000-000000000003', 'resident', '320481198001010011', 1, '甲',"
	"   'M', 315504000, '13900000001', '社渚村1组', '320481116', 1, 'pending', '', NULL, 5, 6),"
	"  ('01a20000-0000-7000-8000-000000000001', 'resident', '', 0, '乙', '', 0, '', '',"
	"   '320481', 0, 'to_place', 'id.missing', NULL, 3, 4),"
	"  ('01a20000-0000-7000-8000-000000000002', 'passport', 'E1234567', 1, '丙', 'F', 0,"
	"   '13900000002', '', '320481116', 0, 'merged', '',"
	"   '01a20000-0000-7000-8000-000000000003', 1, 2);"
	"INSERT INTO travel(person_id, origin, created_at) VALUES"
	"  ('01a20000-0000-7000-8000-000000000003', '湖北省武汉市', 5);"
	"INSERT INTO task(id, person_id, area_code, due_at, created_at) VALUES"
	"  ('01a20000-0000-7000-8000-0000000000t1', '01a20000-0000-7000-8000-000000000003',"
	"   '320481116', 100, 5);"
	"INSERT INTO observation(id, person_id, area_code, kind, start_date, end_date, began_at,"
	"  created_at, updated_at) VALUES ('01a20000-0000-7000-8000-0000000000o1',"
	"  '01a20000-0000-7000-8000-000000000001', '320481', 'home', 3, 10, 3, 3, 3);";

static void test_person_becomes_a_rowid_table_with_its_data(void **state)
{
	(void)state;
	char dir[] = "/tmp/fk-migrate-XXXXXX", path[64];
	sqlite3 *db;
	struct store_opts opts = {.readers = 1};
	const char *err;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.db", dir);
	/* a database as version 15 left it, with data */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
		 "CREATE TABLE schema_version (version INTEGER NOT NULL)");
	for (int v = 1; v <= 15; v++) {
		char *sql = sq_migration_sql(v, false), mark[64];
		exec(db, sql);
		free(sql);
		snprintf(mark, sizeof mark, "INSERT INTO schema_version VALUES (%d)", v);
		exec(db, mark);
	}
	exec(db, data);
	char *before = files_text(db);
	assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'person'"
				     " AND sql LIKE '%WITHOUT ROWID'"),
			 1);
	sqlite3_close(db);

	/* this program opens it: the steps after 15 run */
	struct store *s = store_open(path, &opts, &err);
	assert_non_null(s);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(one_int(s->wconn->db, "PRAGMA foreign_keys"), 1);
	store_close(s);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA foreign_keys=ON");
	char *after = files_text(db);
	assert_string_equal(after, before);
	assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'person'"
				     " AND sql LIKE '%WITHOUT ROWID%'"),
			 0);
	assert_int_equal(one_int(db, "SELECT count(*) FROM person WHERE rowid > 0"), 3);
	/* the rows are in id order, and new ones are appended after them */
	assert_int_equal(one_int(db, "SELECT rowid FROM person"
				     " WHERE id = '01a20000-0000-7000-8000-000000000001'"),
			 1);
	/* its indexes, the rows that name a file, and the foreign keys, all kept */
	assert_int_equal(
		one_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND"
			    " tbl_name = 'person' AND name IN ('person_doc', 'person_idnum',"
			    " 'person_phone', 'person_name', 'person_area', 'person_to_place')"),
		6);
	assert_int_equal(one_int(db, "SELECT count(*) FROM travel t JOIN person p"
				     " ON p.id = t.person_id"),
			 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM task t JOIN person p"
				     " ON p.id = t.person_id"),
			 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM observation o JOIN person p"
				     " ON p.id = o.person_id"),
			 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_not_equal(sqlite3_exec(db,
					  "INSERT INTO travel(person_id, created_at)"
					  " VALUES ('01a20000-0000-7000-8000-00000000dead', 1)",
					  NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db,
					  "INSERT INTO person(id, id_number, id_valid, name,"
					  " area_code, created_at, updated_at) VALUES"
					  " ('01a20000-0000-7000-8000-000000000009',"
					  " '320481198001010011', 1, '丁', '320481', 1, 1)",
					  NULL, NULL, NULL),
			     SQLITE_OK); /* person_doc: one valid number, one file */
	assert_int_not_equal(
		sqlite3_exec(db,
			     "INSERT INTO person(id, name, area_code, created_at,"
			     " updated_at) VALUES"
			     " ('01a20000-0000-7000-8000-000000000001', '戊', '320481',"
			     " 1, 1)",
			     NULL, NULL, NULL),
		SQLITE_OK); /* the UUID is still the primary key */
	sqlite3_close(db);
	free(before);
	free(after);
	char rm[128];
	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	assert_int_equal(system(rm), 0);
}

/* A database at version v (its steps as they are written, each with its schema_version
 * row) with the data above; its path in path. */
static void make_at(int v, char *dir, char *path, size_t pathsz)
{
	sqlite3 *db;

	assert_non_null(mkdtemp(dir));
	snprintf(path, pathsz, "%s/t.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
		 "CREATE TABLE schema_version (version INTEGER NOT NULL)");
	for (int i = 1; i <= v; i++) {
		char *sql = sq_migration_sql(i, false), mark[64];
		exec(db, sql);
		free(sql);
		snprintf(mark, sizeof mark, "INSERT INTO schema_version VALUES (%d)", i);
		exec(db, mark);
	}
	exec(db, data);
	sqlite3_close(db);
}

/* Every table's rows and digest and the schema version of the file at path, as one text
 * (opened as it is: no migration). */
static char *everything(const char *path, int *version)
{
	struct store_opts opts = {.readers = 1, .no_migrate = true};
	const char *err;
	struct store *s = store_open(path, &opts, &err);
	struct arena *a = arena_new();
	struct store_table_digest *d;
	size_t n, len = 0, cap = 1 << 16;
	char *r = malloc(cap);

	assert_non_null(s);
	*version = store_schema_version(s);
	assert_int_equal(store_table_digests(s, a, &d, &n), STORE_OK);
	assert_true(n > 10);
	r[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(r + len, cap - len, "%s %lld %s\n", d[i].table,
					(long long)d[i].rows, d[i].sha256);
	assert_true(len < cap);
	store_close(s);
	arena_free(a);
	return r;
}

static void rm_rf(const char *dir)
{
	char rm[128];
	snprintf(rm, sizeof rm, "rm -rf %s", dir);
	assert_int_equal(system(rm), 0);
}

static void test_the_previous_release_is_upgraded_with_its_data(void **state)
{
	(void)state;
	char dir[] = "/tmp/fk-migrate-XXXXXX", path[64];
	struct store_opts opts = {.readers = 1};
	const char *err;
	sqlite3 *db;
	int prev = store_schema_latest() - 1;

	make_at(prev, dir, path, sizeof path);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *before = files_text(db);
	sqlite3_close(db);

	struct store *s = store_open(path, &opts, &err);
	assert_non_null(s);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(one_int(s->wconn->db, "PRAGMA foreign_keys"), 1);
	store_close(s);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *after = files_text(db);
	assert_string_equal(after, before);
	assert_int_equal(one_int(db, "SELECT count(*) FROM travel"), 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM task"), 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM observation"), 1);
	assert_int_equal(one_int(db, "SELECT count(*) FROM schema_version"), store_schema_latest());
	sqlite3_close(db);
	free(before);
	free(after);
	rm_rf(dir);
}

/* From version from, step fail fails: nothing changes; without the failure it upgrades. */
static void failing_step_changes_nothing(int from, int fail)
{
	char dir[] = "/tmp/fk-migrate-XXXXXX", path[64], n[16];
	struct store_opts opts = {.readers = 1};
	const char *err = NULL;
	int v0, v1;

	make_at(from, dir, path, sizeof path);
	char *before = everything(path, &v0);
	assert_int_equal(v0, from);

	snprintf(n, sizeof n, "%d", fail);
	setenv("FANGKONG_TEST_FAIL_MIGRATION", n, 1);
	assert_null(store_open(path, &opts, &err));
	assert_non_null(strstr(err, "old version"));
	char *after = everything(path, &v1);
	assert_int_equal(v1, from);
	assert_string_equal(after, before);

	/* the old program's view: the person table as it was, the foreign keys on */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'person'"
				     " AND sql LIKE '%WITHOUT ROWID%'"),
			 from < 16);
	assert_int_equal(one_int(db, "SELECT count(*) FROM sqlite_master"
				     " WHERE name = 'person_rowid'"),
			 0);
	sqlite3_close(db);

	unsetenv("FANGKONG_TEST_FAIL_MIGRATION");
	struct store *s = store_open(path, &opts, &err);
	assert_non_null(s);
	assert_int_equal(store_schema_version(s), store_schema_latest());
	assert_int_equal(one_int(s->wconn->db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(one_int(s->wconn->db, "SELECT count(*) FROM person"), 3);
	store_close(s);
	free(before);
	free(after);
	rm_rf(dir);
}

static void test_a_failing_step_leaves_the_database_as_it_was(void **state)
{
	(void)state;
	int latest = store_schema_latest();

	failing_step_changes_nothing(15, 16);     /* the table rebuild itself */
	failing_step_changes_nothing(15, latest); /* the last step, after the rebuild */
	failing_step_changes_nothing(latest - 1, latest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_becomes_a_rowid_table_with_its_data),
		cmocka_unit_test(test_the_previous_release_is_upgraded_with_its_data),
		cmocka_unit_test(test_a_failing_step_leaves_the_database_as_it_was),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
