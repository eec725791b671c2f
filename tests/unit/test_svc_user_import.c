/*
 * Unit test: accounts from a spreadsheet (svc_user_import, issue 10 item 10) — an area named
 * by code, by name (an official 村委会 left out), by "name (code)", ambiguous or out of scope;
 * roles the caller may grant; usernames made from pinyin initials around taken ones; a check
 * that writes nothing; all or none; a replay answering the same accounts; another file 409.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/svc_user_import.h"
#include "store_fixture.h"

#define COUNTY "320481"
#define TOWN_A "320481116"
#define TOWN_B "320481111"
#define VILLAGE_A "320481116200"
#define VILLAGE_A2 "320481116201"
#define VILLAGE_B "320481111200"

static const struct area_seed seeds[] = {
	{COUNTY, "", "溧阳市"},
	{TOWN_A, COUNTY, "社渚镇"},
	{TOWN_B, COUNTY, "竹箦镇"},
	{VILLAGE_A, TOWN_A, "社渚村村委会"},
	{VILLAGE_A2, TOWN_A, "河口村村委会"},
	{VILLAGE_B, TOWN_B, "河口村村委会"},
};

static const struct principal county = {"00000000-0000-4000-8000-000000000001",
					"county",
					ROLE_COMMANDER,
					COUNTY,
					"127.0.0.1",
					"r1",
					NULL,
					NULL};
static const struct principal town_a = {"00000000-0000-4000-8000-000000000003",
					"town_a",
					ROLE_COMMANDER,
					TOWN_A,
					"127.0.0.1",
					"r3",
					NULL,
					NULL};

static int setup(void **state)
{
	return fixture_open(state, "userimport", (struct store_opts){.readers = 2, .batch_max = 64},
			    seeds, sizeof seeds / sizeof seeds[0]);
}

static int teardown(void **state)
{
	return fixture_close(state);
}

#define ROW(line, name, phone, role, area, username)                                               \
	{                                                                                          \
		line, name, phone, role, area, username,                                           \
			"$argon2id$v=19$m=65536,t=2,p=1$test$hash"                                 \
	}

static enum store_status run(struct fixture *f, const struct principal *who, const char *uuid,
			     const char *body, struct user_import_row *rows, size_t n,
			     bool check_only, struct user_import *im, bool *replayed)
{
	static struct store_idem idem;

	idem = (struct store_idem){uuid, body, who->user_id};
	*im = (struct user_import){.idem = &idem, .rows = rows, .n = n, .check_only = check_only};
	return svc_user_import(f->s, who, im, f->a, replayed);
}

static void areas_names_and_usernames(void **state)
{
	struct fixture *f = *state;
	struct user_import_row rows[] = {
		ROW(2, "张三", "13800000001", "网格员", "社渚村", ""),
		ROW(3, "张三", "13800000002", "社区医生", "河口村村委会", ""),
		ROW(4, "李四", "13800000003", "cadre", VILLAGE_A, "zs1x"),
		ROW(5, "王五", "13800000004", "查看者", "河口村村委会 (" VILLAGE_A2 ")", ""),
	};
	struct user_import im;
	bool replayed;

	assert_int_equal(run(f, &town_a, "11111111-1111-4111-8111-111111111111", "a", rows, 4,
			     false, &im, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_int_equal(im.naccounts, 4);
	assert_string_equal(im.accounts[0].username, "zs1");
	assert_string_equal(im.accounts[0].area, VILLAGE_A);
	assert_int_equal(im.accounts[0].role, ROLE_GRID_WORKER);
	assert_true(im.accounts[0].must_change);
	assert_string_equal(im.accounts[1].username, "zs2");
	assert_string_equal(im.accounts[1].area, VILLAGE_A2); /* unique in town A's scope */
	assert_string_equal(im.accounts[2].username, "zs1x");
	assert_string_equal(im.accounts[3].area, VILLAGE_A2);
	assert_string_equal(im.accounts[3].username, "ww1");

	/* the next 张三 gets the next free number */
	struct user_import_row more[] = {ROW(2, "张三", "13800000005", "网格员", VILLAGE_A, "")};
	assert_int_equal(run(f, &town_a, "22222222-2222-4222-8222-222222222222", "b", more, 1,
			     false, &im, &replayed),
			 STORE_OK);
	assert_string_equal(im.accounts[0].username, "zs3");
}

static void one_bad_row_writes_nothing(void **state)
{
	struct fixture *f = *state;
	struct user_import_row rows[] = {
		ROW(2, "赵六", "13800000011", "网格员", VILLAGE_A, "zhao.six"),
		ROW(3, "钱七", "13800000012", "系统管理员", VILLAGE_A, ""),
		ROW(4, "孙八", "13800000013", "队长", VILLAGE_B, ""),
		ROW(5, "", "1380000", "网格员", "没有的村", "Bad Name"),
		ROW(6, "周九", "13800000011", "网格员", "社渚村", "zhao.six"),
	};
	struct user_import im;
	bool replayed;

	assert_int_equal(run(f, &town_a, "33333333-3333-4333-8333-333333333333", "c", rows, 5,
			     false, &im, &replayed),
			 STORE_INVALID);
	struct {
		size_t line;
		const char *field;
		enum user_import_problem p;
	} want[] = {
		{3, "role", UIP_ROLE_NOT_GRANTABLE},
		{4, "role", UIP_ROLE},
		{4, "area", UIP_AREA},
		{5, "name", UIP_NAME},
		{5, "phone", UIP_PHONE},
		{5, "area", UIP_AREA},
		{5, "username", UIP_USERNAME},
		{6, "phone", UIP_PHONE_REPEATED},
		{6, "username", UIP_USERNAME_REPEATED},
	};
	assert_int_equal(im.nerrors, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < im.nerrors; i++) {
		assert_int_equal(im.errors[i].line, want[i].line);
		assert_string_equal(im.errors[i].field, want[i].field);
		assert_int_equal(im.errors[i].problem, want[i].p);
	}
	struct user u;
	assert_int_equal(store_user_by_name(f->s, "zhao.six", f->a, &u), STORE_NOT_FOUND);
}

static void ambiguous_for_the_county(void **state)
{
	struct fixture *f = *state;
	struct user_import_row rows[] = {ROW(2, "吴十", "13800000021", "网格员", "河口村", "")};
	struct user_import im;
	bool replayed;

	assert_int_equal(run(f, &county, "44444444-4444-4444-8444-444444444444", "d", rows, 1,
			     false, &im, &replayed),
			 STORE_INVALID);
	assert_int_equal(im.nerrors, 1);
	assert_int_equal(im.errors[0].problem, UIP_AREA_AMBIGUOUS);
}

static void check_replay_conflict(void **state)
{
	struct fixture *f = *state;
	struct user_import_row rows[] = {
		ROW(2, "郑一", "13800000031", "网格员", VILLAGE_A, "zheng.one")};
	struct user_import im;
	struct user u;
	bool replayed;
	const char *key = "55555555-5555-4555-8555-555555555555";
	char id[USER_ID_LEN + 1];

	/* the check answers "no errors" and writes nothing */
	assert_int_equal(run(f, &town_a, key, "e", rows, 1, true, &im, &replayed), STORE_INVALID);
	assert_int_equal(im.nerrors, 0);
	assert_int_equal(store_user_by_name(f->s, "zheng.one", f->a, &u), STORE_NOT_FOUND);
	assert_int_equal(run(f, &town_a, key, "e", rows, 1, false, &im, &replayed), STORE_OK);
	assert_false(replayed);
	memcpy(id, im.accounts[0].id, sizeof id);
	/* a replay, checked or not, answers the same account */
	assert_int_equal(run(f, &town_a, key, "e", rows, 1, true, &im, &replayed), STORE_OK);
	assert_true(replayed);
	assert_string_equal(im.accounts[0].id, id);
	assert_string_equal(im.accounts[0].username, "zheng.one");
	/* another file under the key */
	assert_int_equal(run(f, &town_a, key, "other", rows, 1, true, &im, &replayed),
			 STORE_CONFLICT_IDEM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(areas_names_and_usernames),
		cmocka_unit_test(one_bad_row_writes_nothing),
		cmocka_unit_test(ambiguous_for_the_county),
		cmocka_unit_test(check_replay_conflict),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
