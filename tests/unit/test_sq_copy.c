/*
 * Unit test: the copy between backends and the table digests (store/sqlite/sq_copy.c).
 * The canonical text of a row (sq_row_canon) tells NULL from "", an integer from the same
 * digits as text, and prints a real by its exact value; COPY's text escapes what it must.
 * A county's SQLite store copied into another SQLite store (the same code as the copy to
 * PostgreSQL, which tests/pg/copy.test.mjs runs) has the same digests; a second run changes
 * nothing; a row lost in the copy is put back by a rerun; a destination at another schema
 * version is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "county_fixture.h"
#include "store/sqlite/sq.h"
#include "store/sqlite/sq_copy.h"

static const char *canon(struct buf *b, const struct sq_val *v, int n)
{
	b->len = 0;
	sq_row_canon(b, v, n);
	return b->data;
}

static void a_row_is_canonical(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1 << 20);
	struct sq_val row[] = {
		{.t = SQ_V_NULL},           {.t = SQ_V_TEXT, .s = "", .len = 0},
		{.t = SQ_V_INT, .i = -5},   {.t = SQ_V_TEXT, .s = "5", .len = 1},
		{.t = SQ_V_REAL, .d = 0.1}, {.t = SQ_V_TEXT, .s = "张;\n三", .len = 8},
	};
	assert_string_equal(canon(&b, row, 6), "N;T0:;I-5;T1:5;R0.10000000000000001;T8:张;\n三;\n");
	/* a real prints the same whatever text the backend gave for it */
	struct sq_val two = {.t = SQ_V_REAL, .d = 2.0};
	assert_string_equal(canon(&b, &two, 1), "R2;\n");
	/* a text holding a NUL keeps its length */
	struct sq_val nul = {.t = SQ_V_TEXT, .s = "a\0b", .len = 3};
	canon(&b, &nul, 1);
	assert_int_equal(b.len, 8);
	assert_memory_equal(b.data, "T3:a\0b;\n", 8);
	/* an empty row still ends */
	assert_string_equal(canon(&b, NULL, 0), "\n");
	buf_free(&b);
}

static void copy_text_escapes(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1 << 20);
	sq_copy_text(&b, "a\\b\tc\nd\re", 9);
	assert_string_equal(b.data, "a\\\\b\\tc\\nd\\re");
	b.len = 0;
	sq_copy_text(&b, "\\N", 2); /* the text \N, not NULL */
	assert_string_equal(b.data, "\\\\N");
	buf_free(&b);
	buf_init(&b, 1 << 20);
	sq_copy_text(&b, "", 0);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static int setup(void **state)
{
	return county_open(state, "sqcopy");
}

/* The digests of s, one line a table. */
static char *digests(struct store *s, struct arena *a)
{
	struct store_table_digest *d;
	size_t n;
	struct buf b;

	assert_int_equal(store_table_digests(s, a, &d, &n), STORE_OK);
	assert_true(n > 30);
	buf_init(&b, 1 << 20);
	for (size_t i = 0; i < n; i++) {
		char line[160];
		snprintf(line, sizeof line, "%s %lld %s\n", d[i].table, (long long)d[i].rows,
			 d[i].sha256);
		buf_append(&b, line, strlen(line));
	}
	char *out = arena_strdup(a, b.data);
	buf_free(&b);
	return out;
}

static int64_t changed_total;
static void on_table(void *ctx, const char *table, int64_t done, int64_t total, int64_t changed)
{
	(void)ctx;
	(void)table;
	assert_true(done <= total);
	if (done == total)
		changed_total += changed;
}

static struct store *open_copy(struct fixture *f, const char *name)
{
	char path[192];
	const char *err;
	struct store_opts o = {.readers = 1, .batch_max = 16, .create = true};

	snprintf(path, sizeof path, "%s/%s", f->dir, name);
	return store_open(path, &o, &err);
}

static void a_copy_has_the_same_digests(void **state)
{
	struct fixture *f = *state;
	struct principal who = FX_PRINCIPAL("1", "admin", ROLE_COMMANDER, COUNTY);
	struct store_copy_progress pr = {on_table, NULL};
	struct person p;
	char err[256];

	fixture_file(f, &who, VILLAGE_A, "张三", &p);
	fixture_task(f, p.id, VILLAGE_A);
	fixture_file(f, &who, VILLAGE_B, "李四", &p);
	assert_int_equal(fixture_flush(f), 0);

	struct store *to = open_copy(f, "copy.db");
	assert_non_null(to);
	const char *before = digests(to, f->a);
	changed_total = 0;
	assert_int_equal(store_copy(f->s, to, &pr, err, sizeof err), STORE_OK);
	assert_true(changed_total > 0);
	const char *src = digests(f->s, f->a);
	assert_string_not_equal(before, src);
	assert_string_equal(digests(to, f->a), src);
	assert_non_null(strstr(src, "person 2 "));
	assert_non_null(strstr(src, "task 1 "));
	assert_non_null(strstr(src, "idempotency 2 "));

	/* again: nothing to change */
	changed_total = 0;
	assert_int_equal(store_copy(f->s, to, &pr, err, sizeof err), STORE_OK);
	assert_int_equal(changed_total, 0);
	assert_string_equal(digests(to, f->a), src);
	store_close(to);
}

static enum store_status drop_task(struct sq_conn *c, void *ctx)
{
	(void)ctx;
	return sq_exec(c, "DELETE FROM task; UPDATE person SET name = 'x'");
}

static void a_rerun_finishes_a_partial_copy(void **state)
{
	struct fixture *f = *state;
	struct principal who = FX_PRINCIPAL("1", "admin", ROLE_COMMANDER, COUNTY);
	struct person p;
	char err[256];

	fixture_file(f, &who, VILLAGE_A, "王五", &p);
	fixture_task(f, p.id, VILLAGE_A);
	assert_int_equal(fixture_flush(f), 0);
	struct store *to = open_copy(f, "partial.db");
	assert_int_equal(store_copy(f->s, to, NULL, err, sizeof err), STORE_OK);
	/* a copy cut short: rows missing, others not yet as the source has them */
	assert_int_equal(sq_write(to, drop_task, NULL), STORE_OK);
	const char *src = digests(f->s, f->a);
	assert_string_not_equal(digests(to, f->a), src);
	changed_total = 0;
	struct store_copy_progress pr = {on_table, NULL};
	assert_int_equal(store_copy(f->s, to, &pr, err, sizeof err), STORE_OK);
	assert_int_equal(changed_total, 2); /* the task put back, the person made equal */
	assert_string_equal(digests(to, f->a), src);
	store_close(to);
}

static enum store_status older(struct sq_conn *c, void *ctx)
{
	(void)ctx;
	return sq_exec(c, "INSERT INTO schema_version VALUES (999)");
}

static void another_schema_version_is_refused(void **state)
{
	struct fixture *f = *state;
	char err[256];
	struct store *to = open_copy(f, "newer.db");

	assert_int_equal(sq_write(to, older, NULL), STORE_OK);
	assert_int_equal(store_copy(f->s, to, NULL, err, sizeof err), STORE_INVALID);
	assert_non_null(strstr(err, "schema versions differ"));
	store_close(to);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_row_is_canonical),
		cmocka_unit_test(copy_text_escapes),
		cmocka_unit_test_setup_teardown(a_copy_has_the_same_digests, setup, fixture_close),
		cmocka_unit_test_setup_teardown(a_rerun_finishes_a_partial_copy, setup,
						fixture_close),
		cmocka_unit_test_setup_teardown(another_schema_version_is_refused, setup,
						fixture_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
