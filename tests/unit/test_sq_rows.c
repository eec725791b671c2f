/*
 * Unit test: how the SQLite backend reads rows (store/sqlite/sq_db.c). A row type is a
 * table of columns (struct sq_col) read in order into the fields of a struct: a text into
 * the arena ("" or NULL for a NULL column), a text into a char array (cut to fit), a
 * number into a bool, an int, an unsigned or an int64_t by the field's width; then the
 * row type's own reader, for what a table cannot say. sq_one, sq_rows (with a limit and
 * with SQ_ALL), sq_one_text and sq_scope_end are checked on an in-memory database. Every
 * row type of the backend (sq_rows.h) is prepared against the migrated schema: its SELECT
 * list compiles and has exactly as many columns as its table reads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store/sqlite/sq_rows.h"
#include "util/arena.h"

struct row {
	char code[8];
	const char *name, *note;
	bool flag;
	int small;
	unsigned mask;
	int64_t big;
	int after; /* set by the row type's reader */
};

static const struct sq_col row_cols[] = {
	SQ_COL_BUF(struct row, code),          SQ_COL_TEXT(struct row, name),
	SQ_COL_TEXT_OR_NULL(struct row, note), SQ_COL_NUM(struct row, flag),
	SQ_COL_NUM(struct row, small),         SQ_COL_NUM(struct row, mask),
	SQ_COL_NUM(struct row, big),
};

/* the column after the table's: the small number doubled */
static void read_after(const struct sq_cur *k, struct arena *a, void *out)
{
	struct row *r = out;

	(void)a;
	r->after = 2 * (int)sq_int(k, 4);
}

static const struct sq_rowtype plain_rows = SQ_ROWTYPE(struct row, row_cols, NULL);
static const struct sq_rowtype after_rows = SQ_ROWTYPE(struct row, row_cols, read_after);

static const char sql_all[] = "SELECT code, name, note, flag, small, mask, big FROM t ORDER BY big";
static const char sql_one[] =
	"SELECT code, name, note, flag, small, mask, big FROM t WHERE big = ?1";
static const char sql_name[] = "SELECT name FROM t WHERE big = ?1";

struct fixture {
	struct sq_conn *c;
	struct arena *a;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *err;

	if (sq_conn_open(":memory:", true, false, &f->c, &err) != STORE_OK)
		return -1;
	if (sq_exec(f->c, "CREATE TABLE t(code TEXT, name TEXT, note TEXT, flag INTEGER,"
			  " small INTEGER, mask INTEGER, big INTEGER);"
			  "INSERT INTO t VALUES ('320481', '张三', 'n', 7, -5, 4294967295,"
			  " 9007199254740993);"
			  "INSERT INTO t VALUES ('3204810010012', NULL, NULL, 0, 3, 1, 2);"
			  "INSERT INTO t VALUES ('3', 'c', '', 1, 0, 0, 3);") != STORE_OK)
		return -1;
	f->a = arena_new();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sq_conn_close(f->c);
	arena_free(f->a);
	free(f);
	return 0;
}

static void every_kind_of_column(void **state)
{
	struct fixture *f = *state;
	struct row r;

	memset(&r, 0xAB, sizeof r); /* the read zeroes what the table does not set */
	assert_int_equal(
		sq_one(f->c, sql_one, &plain_rows, f->a, &r, SQ_PARAMS(SQ_INT(9007199254740993))),
		STORE_OK);
	assert_string_equal(r.code, "320481");
	assert_string_equal(r.name, "张三");
	assert_string_equal(r.note, "n");
	assert_true(r.flag);
	assert_int_equal(r.small, -5);
	assert_true(r.mask == 4294967295u);
	assert_true(r.big == 9007199254740993);
	assert_int_equal(r.after, 0);
}

static void nulls_cut_text_and_the_own_reader(void **state)
{
	struct fixture *f = *state;
	struct row r;

	assert_int_equal(sq_one(f->c, sql_one, &after_rows, f->a, &r, SQ_PARAMS(SQ_INT(2))),
			 STORE_OK);
	assert_string_equal(r.code, "3204810"); /* cut to the array, NUL-terminated */
	assert_string_equal(r.name, "");        /* NULL text: "" */
	assert_null(r.note);                    /* NULL text: NULL for TEXT_OR_NULL */
	assert_false(r.flag);
	assert_int_equal(r.small, 3);
	assert_int_equal(r.after, 6);
}

static void one_row_missing_and_presence(void **state)
{
	struct fixture *f = *state;
	struct row r;
	char buf[8];

	assert_int_equal(sq_one(f->c, sql_one, &plain_rows, f->a, &r, SQ_PARAMS(SQ_INT(99))),
			 STORE_NOT_FOUND);
	assert_int_equal(sq_one(f->c, sql_one, NULL, NULL, NULL, SQ_PARAMS(SQ_INT(3))), STORE_OK);
	assert_int_equal(sq_one_text(f->c, sql_name, buf, sizeof buf, SQ_PARAMS(SQ_INT(3))),
			 STORE_OK);
	assert_string_equal(buf, "c");
	assert_int_equal(sq_one_text(f->c, sql_name, buf, sizeof buf, SQ_PARAMS(SQ_INT(99))),
			 STORE_OK);
	assert_string_equal(buf, "");
	/* no connection (no reader came free): busy */
	assert_int_equal(sq_one(NULL, sql_one, &plain_rows, f->a, &r, SQ_PARAMS(SQ_INT(3))),
			 STORE_BUSY);
}

static void lists_with_a_limit_and_all(void **state)
{
	struct fixture *f = *state;
	enum store_status ss;
	struct row *v;
	size_t n;

	v = sq_rows(f->c, sql_all, &plain_rows, 2, f->a, &n, &ss, NULL, 0);
	assert_int_equal(ss, STORE_OK);
	assert_int_equal(n, 2);
	assert_true(v[0].big == 2 && v[1].big == 3);
	v = sq_rows(f->c, sql_all, &plain_rows, SQ_ALL, f->a, &n, &ss, NULL, 0);
	assert_int_equal(ss, STORE_OK);
	assert_int_equal(n, 3);
	assert_string_equal(v[2].name, "张三");
	v = sq_rows(NULL, sql_all, &plain_rows, SQ_ALL, f->a, &n, &ss, NULL, 0);
	assert_int_equal(ss, STORE_BUSY);
	assert_int_equal(n, 0);
	assert_non_null(v);
}

static void scope_ends(void **state)
{
	struct fixture *f = *state;

	assert_null(sq_scope_end(f->a, NULL));
	assert_string_equal(sq_scope_end(f->a, "320489"), "32049");
	assert_string_equal(sq_scope_end(f->a, ""), "9999999999999999999");
}

/* Each row type of sq_rows.h, its SELECT list prepared against the schema the migrations
 * make: every expression names a real column, and the list has one column per entry of the
 * table that reads it (the account's role after them, read by its own reader). */
static void every_row_type_prepares_against_the_schema(void **state)
{
	static const struct {
		const char *sql;
		const struct sq_rowtype *t;
		int extra;
	} types[] = {
		{"SELECT " ALERT_COLS ALERT_FROM, &sq_alert_rows, 0},
		{"SELECT " SERVICE_COLS SERVICE_FROM, &sq_service_rows, 0},
		{"SELECT " AREA_COLS " FROM area a", &sq_area_rows, 0},
		{"SELECT " JOB_COLS " FROM import_job", &sq_job_rows, 0},
		{"SELECT " PERSON_COLS PERSON_FROM, &sq_person_rows, 0},
		{"SELECT " TASK_COLS TASK_FROM, &sq_task_rows, 0},
		{"SELECT " USER_COLS USER_FROM, &sq_user_rows, 1},
		{"SELECT " VISIT_COLS " FROM visit", &sq_visit_rows, 0},
		{"SELECT " OBS_COLS OBS_FROM, &sq_obs_rows, 0},
		{"SELECT " AUDIT_COLS " FROM audit", &sq_audit_rows, 0},
		{"SELECT " ISSUE_COLS " FROM import_issue", &sq_issue_rows, 0},
		{"SELECT " TRAVEL_COLS " FROM travel", &sq_travel_rows, 0},
		{"SELECT " EVENT_COLS " FROM person_event", &sq_event_rows, 0},
		{"SELECT " OUTCOME_COLS " FROM outcome", &sq_outcome_rows, 0},
		{"SELECT " KEY_AREA_COLS " FROM key_area", &sq_key_area_rows, 0},
		{"SELECT " GRID_RULE_COLS " FROM grid_rule", &sq_grid_rule_rows, 0},
		{"SELECT " CHECKPOINT_COLS " FROM checkpoint c LEFT JOIN area a ON a.code ="
		 " c.area_code LEFT JOIN checkpoint_count t ON 0 LEFT JOIN (SELECT 0 AS n) o",
		 &sq_checkpoint_rows, 0},
		{"SELECT " PASSAGE_COLS " FROM passage ps", &sq_passage_rows, 0},
		{"SELECT " PASSAGE_PERSON_COLS PASSAGE_PERSON_FROM, &sq_passage_person_rows, 0},
	};
	struct sq_conn *c;
	const char *err;

	(void)state;
	assert_int_equal(sq_conn_open(":memory:", true, false, &c, &err), STORE_OK);
	assert_int_equal(sq_migrate(c, &err), STORE_OK);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		struct sq_cur k;

		if (!sq_open(&k, c, types[i].sql, NULL, 0))
			fail_msg("does not prepare: %s", types[i].sql);
		assert_int_equal(sq_ncols(&k), types[i].t->ncols + types[i].extra);
		sq_close(&k);
	}
	sq_conn_close(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_kind_of_column, setup, teardown),
		cmocka_unit_test_setup_teardown(nulls_cut_text_and_the_own_reader, setup, teardown),
		cmocka_unit_test_setup_teardown(one_row_missing_and_presence, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_with_a_limit_and_all, setup, teardown),
		cmocka_unit_test_setup_teardown(scope_ends, setup, teardown),
		cmocka_unit_test(every_row_type_prepares_against_the_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
