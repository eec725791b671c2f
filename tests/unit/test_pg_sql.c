/*
 * Unit test: a query as the store writes it (SQLite's dialect, ?N parameters) in
 * PostgreSQL's (store/sqlite/sq_pg.c, sq_pg_sql): parameters numbered $N and counted,
 * COLLATE BINARY as "C", SQLite's functions PostgreSQL spells otherwise, LIKE without case
 * for ASCII as SQLite's; literals, quoted names and a column that is named like a function
 * left alone. The API suite on PostgreSQL (make test: api-pg) runs every query for real.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"

static void expect(const char *in, const char *want, int want_n)
{
	bool used[SQ_PARAMS_MAX];
	int n;
	char *got = sq_pg_sql(in, &n, used);

	if (strcmp(got, want))
		print_error("%s\n  gave %s\n  want %s\n", in, got, want);
	assert_string_equal(got, want);
	assert_int_equal(n, want_n);
	free(got);
}

static void parameters(void **state)
{
	bool used[SQ_PARAMS_MAX];
	int n;
	char *got;

	(void)state;
	expect("SELECT 1", "SELECT 1", 0);
	expect("SELECT a FROM t WHERE b = ?1 AND c < ?12",
	       "SELECT a FROM t WHERE b = $1 AND c < $12", 12);
	expect("SELECT '?1', \"?2\" FROM t WHERE x = ?3", "SELECT '?1', \"?2\" FROM t WHERE x = $3",
	       3);
	expect("SELECT 'it''s ?1' WHERE x = ?2", "SELECT 'it''s ?1' WHERE x = $2", 2);
	got = sq_pg_sql("SELECT ?3 LIMIT ?1", &n, used);
	assert_true(used[0] && !used[1] && used[2]); /* ?2 unused: declared text */
	free(got);
}

static void dialect(void **state)
{
	(void)state;
	expect("SELECT x FROM t WHERE n >= ?1 COLLATE BINARY",
	       "SELECT x FROM t WHERE n >= $1 COLLATE \"C\"", 1);
	expect("SELECT instr(a, ?1) > 0, ifnull(b, 0)", "SELECT strpos(a, $1) > 0, coalesce(b, 0)",
	       1);
	expect("UPDATE t SET m = max(m, ?2), k = min(k, 3)",
	       "UPDATE t SET m = greatest(m, $2), k = least(k, 3)", 2);
	expect("SELECT max(v), min(v) FROM t", "SELECT max(v), min(v) FROM t", 0); /* aggregates */
	expect("SELECT value FROM json_each(?5) j",
	       "SELECT value FROM json_array_elements_text(($5)::json) j", 5);
	expect("SELECT substr(a, 1, ?3)",
	       "SELECT substr(a, CAST(( 1) AS integer), CAST(( $3) AS integer))", 3);
	expect("SELECT substr(?1, 1, length(f(a, b)))",
	       "SELECT substr($1, CAST(( 1) AS integer), CAST(( length(f(a, b))) AS integer))", 1);
	expect("WHERE name LIKE ?1 ESCAPE '\\'", "WHERE name ILIKE $1 ESCAPE '\\'", 1);
	/* a qualified column named like a function, and longer names, stay */
	expect("SELECT t.max(1), maxim(2), instrument", "SELECT t.max(1), maxim(2), instrument", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parameters),
		cmocka_unit_test(dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
