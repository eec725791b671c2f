/* Migrations upgrade a database with data in it (issue 14): a database at version 15, with
 * files, journeys, tasks and an observation, opened by this program, is taken to the last
 * version; step 16 rebuilds person as a rowid table (its UUID still the primary key) and
 * keeps every file, every column, every row that names one, and the foreign keys on. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_becomes_a_rowid_table_with_its_data),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
