/*
 * Unit tests for domain/retention: the categories and their bounds, when a record is due
 * (never while open; end + N days), and what anonymising leaves: the surname and 某
 * (compound surnames kept whole, idempotent), the township and village of the address,
 * the year of birth. And that no statement a retention batch runs in the writer walks a
 * table (EXPLAIN QUERY PLAN on the migrated schema): the writer holds every other write
 * while it runs, and a county has millions of files and idempotency keys. And that a
 * day's daily run that stopped (busy, killed) does not count as that day's: the next
 * call runs it again, and a run found not beating is marked stopped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "domain/retention.h"
#include "store/sqlite/sq.h"
#include "store_fixture.h"

static void categories(void **state)
{
	struct retention_policy p;

	(void)state;
	for (int i = 0; i < RET_NCAT; i++)
		assert_int_equal(retention_cat_parse(retention_cat_name(i)), i);
	assert_int_equal(retention_cat_parse("Person"), -1);
	assert_int_equal(retention_cat_parse(""), -1);
	assert_int_equal(retention_cat_parse(NULL), -1);
	assert_null(retention_cat_name(RET_NCAT));
	assert_null(retention_cat_name(-1));
	retention_policy_default(&p);
	for (int i = 0; i < RET_NCAT; i++)
		assert_int_equal(p.days[i], 30);
	assert_int_equal(p.run_hour, 3);
}

static void bounds(void **state)
{
	(void)state;
	assert_false(retention_days_valid(0));
	assert_true(retention_days_valid(1));
	assert_true(retention_days_valid(3650));
	assert_false(retention_days_valid(3651));
	assert_false(retention_days_valid(-30));
	assert_true(retention_hour_valid(0));
	assert_true(retention_hour_valid(23));
	assert_false(retention_hour_valid(24));
	assert_false(retention_hour_valid(-1));
}

static void due(void **state)
{
	(void)state;
	/* the latest of creation, tasks closed, observations ended */
	assert_int_equal(retention_person_end(100, 100, 0, 0), 100);
	assert_int_equal(retention_person_end(100, 100, 500, 300), 500);
	assert_int_equal(retention_person_end(100, 100, 200, 900), 900);
	/* a change after all (a phone corrected on an anonymised file) ends it again */
	assert_int_equal(retention_person_end(100, 1200, 200, 900), 1200);
	/* open work: to be placed under observation; pending is not by itself */
	assert_true(retention_status_open("to_place"));
	assert_true(retention_status_open("observation"));
	assert_false(retention_status_open("pending"));
	assert_false(retention_status_open("released"));
	assert_false(retention_status_open(NULL));
	assert_int_equal(retention_due(1000, false, 30), 1000 + 30 * 86400);
	assert_true(retention_due(1000, true, 1) == INT64_MAX);
	assert_int_equal(retention_cutoff(100 * 86400, 30), 70 * 86400);
	/* 29 days after: not yet; 30: due */
	assert_true(retention_due(0, false, 30) > 29 * 86400);
	assert_true(retention_due(0, false, 30) <= 30 * 86400);
}

static void run_days(void **state)
{
	/* 2026-12-07 00:00 Asia/Shanghai = 2026-12-06T16:00Z */
	int64_t midnight = 1796601600 - 8 * 3600, day = retention_epoch_day(midnight);

	(void)state;
	assert_int_equal(retention_epoch_day(midnight - 1), day - 1);
	/* due before 03:00: that day's run; at 03:00 exactly too; after: the next day's */
	assert_int_equal(retention_run_day(midnight + 3600, 3), day);
	assert_int_equal(retention_run_day(midnight + 3 * 3600, 3), day);
	assert_int_equal(retention_run_day(midnight + 3 * 3600 + 1, 3), day + 1);
	assert_int_equal(retention_run_day(midnight - 1, 0), day);
	/* the shift groups ends as the run days of their due times */
	for (int64_t end = midnight - 40 * 86400; end < midnight; end += 3571)
		assert_int_equal((end + retention_preview_shift(30, 3)) / 86400,
				 retention_run_day(end + 30 * 86400, 3));
}

static void daily(void **state)
{
	int64_t midnight = 1796601600 - 8 * 3600; /* 2026-12-07 00:00 Asia/Shanghai */

	(void)state;
	assert_int_equal(retention_local_hour(midnight), 0);
	assert_int_equal(retention_local_hour(midnight + 3 * 3600 + 59), 3);
	assert_int_equal(retention_local_hour(midnight - 1), 23);
	/* before the hour: not yet; at and after it: once a day */
	assert_false(retention_daily_due(2, 3, 20261207, 20261206));
	assert_true(retention_daily_due(3, 3, 20261207, 20261206));
	assert_true(retention_daily_due(23, 3, 20261207, 0));
	assert_false(retention_daily_due(4, 3, 20261207, 20261207));
	/* a daily run on a later day (the clock set back) is not made again */
	assert_false(retention_daily_due(4, 3, 20261207, 20261231));
}

static void name_is(const char *in, const char *want)
{
	char out[RETENTION_NAME_MAX];

	retention_name(in, out, sizeof out);
	assert_string_equal(out, want);
}

static void names(void **state)
{
	char small[4];

	(void)state;
	name_is("张三", "张某");
	name_is("张三丰", "张某");
	name_is("王", "王某");
	name_is("欧阳娜娜", "欧阳某");
	name_is("司马光", "司马某");
	name_is("诸葛亮", "诸葛某");
	name_is("上官婉儿", "上官某");
	name_is("爱新觉罗·溥仪", "爱新觉罗某");
	name_is("John Smith", "J某");
	name_is("  李四", "李某");
	name_is("", "");
	name_is(NULL, "");
	/* an anonymised name stays itself */
	name_is("张某", "张某");
	name_is("欧阳某", "欧阳某");
	/* no room: nothing rather than a cut character */
	retention_name("张三", small, sizeof small);
	assert_string_equal(small, "");
	/* a stray byte is one character */
	name_is("\xff\xfe", "\xff某");
}

static void addresses(void **state)
{
	char out[64], tiny[8];

	(void)state;
	retention_address("社渚镇", "社渚村村委会", out, sizeof out);
	assert_string_equal(out, "社渚镇社渚村村委会");
	retention_address("社渚镇", NULL, out, sizeof out);
	assert_string_equal(out, "社渚镇");
	retention_address(NULL, "", out, sizeof out);
	assert_string_equal(out, "");
	/* cut at a character: 7 bytes hold two hanzi */
	retention_address("社渚镇", "社渚村", tiny, sizeof tiny);
	assert_string_equal(tiny, "社渚");
	assert_true(strlen(tiny) == 6);
}

static void births(void **state)
{
	(void)state;
	assert_int_equal(retention_birth(19800412), 19800101);
	assert_int_equal(retention_birth(19800101), 19800101);
	assert_int_equal(retention_birth(0), 0);
	assert_int_equal(retention_birth(-5), 0);
}

/* The tables a county fills: a full scan of one inside the writer stalls every write. */
static const char *const big[] = {"person",
				  "task",
				  "observation",
				  "visit",
				  "alert",
				  "service",
				  "travel",
				  "person_event",
				  "audit",
				  "idempotency",
				  "passage",
				  "passage_person",
				  "passage_version",
				  "prereg",
				  "closure",
				  "closure_household",
				  "closure_pass",
				  "gate_record",
				  "closure_member",
				  "duty_log",
				  "duty_log_event",
				  "outbound",
				  "import_job",
				  "import_issue",
				  NULL};

static void writer_plans(void **state)
{
	const char *sql[64];
	size_t n = sq_retention_writer_sql(sql, 64);
	sqlite3 *db;

	(void)state;
	assert_true(n > 20 && n < 64);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	for (int v = 1; v <= sq_migration_count(); v++) {
		char *m = sq_migration_sql(v, false), *err = NULL;
		if (sqlite3_exec(db, m, NULL, NULL, &err) != SQLITE_OK)
			fail_msg("migration %d: %s", v, err);
		free(m);
	}
	for (size_t i = 0; i < n; i++) {
		char q[8192];
		sqlite3_stmt *st;
		snprintf(q, sizeof q, "EXPLAIN QUERY PLAN %s", sql[i]);
		if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql[i], sqlite3_errmsg(db));
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			if (getenv("PLAN_DEBUG")) /* PLAN_DEBUG=1 build/test_retention: the plans */
				printf("%zu %s\n", i, d);
			for (const char *const *t = big; *t; t++) {
				char scan[64];
				size_t len = (size_t)snprintf(scan, sizeof scan, "SCAN %s", *t);
				if (!strncmp(d, scan, len) && (d[len] == '\0' || d[len] == ' '))
					fail_msg("walks %s: %s\n  in %s", *t, d, sql[i]);
			}
			/* an index on an expression of the key (CAST) is none */
			if (strstr(d, "USING TEMP B-TREE") && strstr(sql[i], "idempotency"))
				fail_msg("sorts idempotency keys: %s\n  in %s", d, sql[i]);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

static int64_t count_of(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void exec_on(const char *path, const char *sql)
{
	sqlite3 *db;
	char *err = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err);
	sqlite3_close(db);
}

static void daily_after_a_stopped_run(void **state)
{
	struct fixture *f;
	/* 2026-12-07 10:00 in Asia/Shanghai: past the default hour (03:00) */
	const int64_t now = 1796608800;
	int last = -1;

	(void)state;
	assert_int_equal(fixture_open(state, "ret", (struct store_opts){.readers = 1}, NULL, 0), 0);
	f = *state;
	/* today's daily run was killed halfway (its last batch long ago), and one busy */
	exec_on(f->path, "INSERT INTO retention_run(id, source, day, at, started_at, state,"
			 " beat_at) VALUES ('r-killed', 'daily', 20261207, 1796598000, 1796598000,"
			 " 'running', 1), ('r-busy', 'daily', 20261207, 1796599000,"
			 " 1796599000, 'stopped', 1796599000)");
	assert_int_equal(store_retention_last_daily(f->s, &last), STORE_OK);
	assert_int_equal(last, 0);
	svc_retention_daily(f->s, now);
	assert_int_equal(fixture_flush(f), 0);
	assert_int_equal(count_of(f->path, "SELECT count(*) FROM retention_run WHERE state = 'done'"
					   " AND source = 'daily' AND day = 20261207"),
			 1);
	assert_int_equal(count_of(f->path, "SELECT count(*) FROM retention_run"
					   " WHERE id = 'r-killed' AND state = 'stopped'"),
			 1);
	assert_int_equal(store_retention_last_daily(f->s, &last), STORE_OK);
	assert_int_equal(last, 20261207);
	/* done today: not again */
	svc_retention_daily(f->s, now + 3600);
	assert_int_equal(count_of(f->path, "SELECT count(*) FROM retention_run"), 3);
	assert_int_equal(fixture_close(state), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(categories),   cmocka_unit_test(bounds),
		cmocka_unit_test(due),          cmocka_unit_test(run_days),
		cmocka_unit_test(daily),        cmocka_unit_test(names),
		cmocka_unit_test(addresses),    cmocka_unit_test(births),
		cmocka_unit_test(writer_plans), cmocka_unit_test(daily_after_a_stopped_run),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
