/*
 * Unit tests for domain/account: the role table seen through every accessor,
 * the grant rule, and the username and UUID validators.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/account.h"

#define ALL_PERMS                                                                          \
	(PERM_AREA_READ | PERM_AREA_WRITE | PERM_USER_READ | PERM_USER_WRITE | PERM_AUDIT_READ | \
	 PERM_PERSON_READ | PERM_PERSON_REVEAL | PERM_TASK_WORK | PERM_TASK_MANAGE | PERM_IMPORT | \
	 PERM_OBS_WORK | PERM_OBS_MEDICAL | PERM_OBS_MANAGE | PERM_REPORT_READ | PERM_REPORT_WRITE | \
	 PERM_CHECKPOINT_WORK | PERM_CHECKPOINT_MANAGE | PERM_DUTY_WORK | PERM_DUTY_MANAGE |     \
	 PERM_CLOSURE_MANAGE | PERM_GATE_WORK | PERM_RETENTION)
#define DOOR_PERMS (PERM_AREA_READ | PERM_PERSON_READ | PERM_PERSON_REVEAL | PERM_TASK_WORK)

static const struct {
	enum role role;
	const char *name;
	int rank;
	unsigned perms;
} expected[] = {
	{ROLE_ADMIN, "admin", 5, ALL_PERMS},
	{ROLE_COMMANDER, "commander", 4, ALL_PERMS},
	{ROLE_CADRE, "cadre", 3,
	 PERM_AREA_READ | PERM_AREA_WRITE | PERM_USER_READ | PERM_USER_WRITE | PERM_PERSON_READ |
		 PERM_PERSON_REVEAL | PERM_TASK_WORK | PERM_TASK_MANAGE | PERM_OBS_WORK |
		 PERM_OBS_MANAGE | PERM_REPORT_READ | PERM_REPORT_WRITE | PERM_CHECKPOINT_WORK |
		 PERM_DUTY_WORK | PERM_CLOSURE_MANAGE | PERM_GATE_WORK},
	{ROLE_GRID_WORKER, "grid_worker", 2, DOOR_PERMS | PERM_OBS_WORK | PERM_DUTY_WORK},
	{ROLE_DOCTOR, "doctor", 2, DOOR_PERMS | PERM_OBS_WORK | PERM_OBS_MEDICAL | PERM_DUTY_WORK},
	{ROLE_SOCIAL_WORKER, "social_worker", 2,
	 PERM_AREA_READ | PERM_PERSON_READ | PERM_OBS_WORK | PERM_DUTY_WORK},
	{ROLE_CHECKPOINT_STAFF, "checkpoint_staff", 2,
	 PERM_AREA_READ | PERM_CHECKPOINT_WORK | PERM_DUTY_WORK},
	{ROLE_GATE_GUARD, "gate_guard", 2, PERM_GATE_WORK},
	{ROLE_VIEWER, "viewer", 1, PERM_AREA_READ | PERM_REPORT_READ},
};
#define N_EXPECTED (sizeof expected / sizeof expected[0])

static const enum perm all_perms[] = {PERM_AREA_READ,     PERM_AREA_WRITE,    PERM_USER_READ,
				      PERM_USER_WRITE,    PERM_AUDIT_READ,    PERM_PERSON_READ,
				      PERM_PERSON_REVEAL, PERM_TASK_WORK,     PERM_TASK_MANAGE,
				      PERM_IMPORT,        PERM_OBS_WORK,      PERM_OBS_MEDICAL,
				      PERM_OBS_MANAGE,    PERM_REPORT_READ,   PERM_REPORT_WRITE,
				      PERM_CHECKPOINT_WORK, PERM_CHECKPOINT_MANAGE, PERM_DUTY_WORK,
				      PERM_DUTY_MANAGE, PERM_CLOSURE_MANAGE, PERM_GATE_WORK,
				      PERM_RETENTION};
#define N_PERMS (sizeof all_perms / sizeof all_perms[0])

static void names_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++) {
		assert_int_equal(role_parse(expected[i].name), expected[i].role);
		assert_string_equal(role_name(expected[i].role), expected[i].name);
	}
	assert_string_equal(role_name(ROLE_NONE), "none");
	assert_string_equal(role_name((enum role)42), "none");
}

static void parse_rejects(void **state)
{
	(void)state;
	assert_int_equal(role_parse(NULL), ROLE_NONE);
	assert_int_equal(role_parse(""), ROLE_NONE);
	assert_int_equal(role_parse("none"), ROLE_NONE);
	assert_int_equal(role_parse("Admin"), ROLE_NONE);
	assert_int_equal(role_parse("admin "), ROLE_NONE);
	assert_int_equal(role_parse("grid-worker"), ROLE_NONE);
	assert_int_equal(role_parse("adminx"), ROLE_NONE);
	assert_int_equal(role_parse("admi"), ROLE_NONE);
}

static void ranks(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++)
		assert_int_equal(role_rank(expected[i].role), expected[i].rank);
	assert_int_equal(role_rank(ROLE_NONE), 0);
	assert_int_equal(role_rank((enum role) - 1), 0);
	assert_int_equal(role_rank((enum role)42), 0);
}

static void permissions(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++)
		for (size_t p = 0; p < N_PERMS; p++) {
			bool want = (expected[i].perms & (unsigned)all_perms[p]) != 0;
			if (role_can(expected[i].role, all_perms[p]) != want)
				fail_msg("%s / %s", expected[i].name, perm_name(all_perms[p]));
		}
	for (size_t p = 0; p < N_PERMS; p++) {
		assert_false(role_can(ROLE_NONE, all_perms[p]));
		assert_false(role_can((enum role)42, all_perms[p]));
	}
}

static void permission_combinations(void **state)
{
	(void)state;
	enum perm area_rw = (enum perm)(PERM_AREA_READ | PERM_AREA_WRITE);
	enum perm with_audit = (enum perm)(PERM_USER_WRITE | PERM_AUDIT_READ);
	assert_true(role_can(ROLE_CADRE, area_rw));
	assert_false(role_can(ROLE_VIEWER, area_rw)); /* has one of the two */
	assert_false(role_can(ROLE_CADRE, with_audit));
	assert_true(role_can(ROLE_COMMANDER, with_audit));
	assert_false(role_can(ROLE_ADMIN, (enum perm)0));
}

static void grants(void **state)
{
	(void)state;
	for (size_t g = 0; g < N_EXPECTED; g++)
		for (size_t t = 0; t < N_EXPECTED; t++) {
			bool want = (expected[g].perms & PERM_USER_WRITE) &&
				    expected[t].rank <= expected[g].rank;
			if (role_may_grant(expected[g].role, expected[t].role) != want)
				fail_msg("%s granting %s", expected[g].name, expected[t].name);
		}
	/* spot checks that read as the rule */
	assert_true(role_may_grant(ROLE_ADMIN, ROLE_ADMIN));
	assert_true(role_may_grant(ROLE_COMMANDER, ROLE_COMMANDER));
	assert_false(role_may_grant(ROLE_COMMANDER, ROLE_ADMIN));
	assert_true(role_may_grant(ROLE_CADRE, ROLE_GRID_WORKER));
	assert_true(role_may_grant(ROLE_CADRE, ROLE_VIEWER));
	assert_false(role_may_grant(ROLE_CADRE, ROLE_COMMANDER));
	assert_false(role_may_grant(ROLE_GRID_WORKER, ROLE_VIEWER)); /* no user.write */
	assert_false(role_may_grant(ROLE_VIEWER, ROLE_VIEWER));
	assert_false(role_may_grant(ROLE_ADMIN, ROLE_NONE));
	assert_false(role_may_grant(ROLE_NONE, ROLE_VIEWER));
	assert_false(role_may_grant(ROLE_ADMIN, (enum role)42));
	assert_false(role_may_grant((enum role)42, ROLE_VIEWER));
}

static void perm_names(void **state)
{
	(void)state;
	assert_string_equal(perm_name(PERM_AREA_READ), "area.read");
	assert_string_equal(perm_name(PERM_AREA_WRITE), "area.write");
	assert_string_equal(perm_name(PERM_USER_READ), "user.read");
	assert_string_equal(perm_name(PERM_USER_WRITE), "user.write");
	assert_string_equal(perm_name(PERM_AUDIT_READ), "audit.read");
	assert_null(perm_name((enum perm)0));
	assert_null(perm_name((enum perm)(PERM_AREA_READ | PERM_AREA_WRITE)));
	assert_string_equal(perm_name(PERM_OBS_WORK), "obs.work");
	assert_string_equal(perm_name(PERM_OBS_MEDICAL), "obs.medical");
	assert_string_equal(perm_name(PERM_OBS_MANAGE), "obs.manage");
	assert_string_equal(perm_name(PERM_REPORT_READ), "report.read");
	assert_string_equal(perm_name(PERM_REPORT_WRITE), "report.write");
	assert_string_equal(perm_name(PERM_CHECKPOINT_WORK), "checkpoint.work");
	assert_string_equal(perm_name(PERM_CHECKPOINT_MANAGE), "checkpoint.manage");
	assert_string_equal(perm_name(PERM_DUTY_WORK), "duty.work");
	assert_string_equal(perm_name(PERM_DUTY_MANAGE), "duty.manage");
	assert_int_equal(PERM_DUTY_WORK, 1u << 17);
	assert_int_equal(PERM_DUTY_MANAGE, 1u << 18);
	assert_string_equal(perm_name(PERM_CLOSURE_MANAGE), "closure.manage");
	assert_string_equal(perm_name(PERM_GATE_WORK), "gate.work");
	assert_string_equal(perm_name(PERM_RETENTION), "retention.manage");
	assert_null(perm_name((enum perm)(1u << 22)));
}

static void perm_name_lists(void **state)
{
	(void)state;
	const char *names[PERM_COUNT + 1];
	assert_int_equal(role_perm_names(ROLE_ADMIN, names, PERM_COUNT), 22);
	assert_string_equal(names[0], "area.read");
	assert_string_equal(names[4], "audit.read");
	assert_string_equal(names[9], "import");
	assert_string_equal(names[13], "report.read");
	assert_string_equal(names[14], "report.write");
	assert_int_equal(role_perm_names(ROLE_CADRE, names, PERM_COUNT), 16);
	assert_string_equal(names[0], "area.read");
	assert_string_equal(names[1], "area.write");
	assert_string_equal(names[2], "user.read");
	assert_string_equal(names[3], "user.write");
	assert_int_equal(role_perm_names(ROLE_DOCTOR, names, PERM_COUNT), 7);
	assert_string_equal(names[0], "area.read");
	assert_string_equal(names[1], "person.read");
	assert_string_equal(names[2], "person.reveal");
	assert_string_equal(names[3], "task.work");
	assert_string_equal(names[4], "obs.work");
	assert_string_equal(names[5], "obs.medical");
	assert_int_equal(role_perm_names(ROLE_CHECKPOINT_STAFF, names, PERM_COUNT), 3);
	assert_string_equal(names[1], "checkpoint.work");
	assert_string_equal(names[2], "duty.work");
	assert_int_equal(role_perm_names(ROLE_NONE, names, PERM_COUNT), 0);
	/* the cap is respected; names[2] stays as set */
	names[2] = "sentinel";
	assert_int_equal(role_perm_names(ROLE_COMMANDER, names, 2), 2);
	assert_string_equal(names[1], "area.write");
	assert_string_equal(names[2], "sentinel");
	assert_int_equal(role_perm_names(ROLE_COMMANDER, NULL, 0), 0);
}

static void all_roles(void **state)
{
	(void)state;
	enum role out[ROLE_COUNT + 1];
	out[ROLE_COUNT] = ROLE_NONE;
	assert_int_equal(role_all(out, ROLE_COUNT + 1), ROLE_COUNT);
	assert_int_equal(out[0], ROLE_ADMIN);
	assert_int_equal(out[ROLE_COUNT - 1], ROLE_VIEWER);
	for (size_t i = 1; i < ROLE_COUNT; i++)
		assert_true(role_rank(out[i - 1]) >= role_rank(out[i]));
	/* every role once, none missing */
	for (size_t i = 0; i < N_EXPECTED; i++) {
		int seen = 0;
		for (size_t j = 0; j < ROLE_COUNT; j++)
			seen += out[j] == expected[i].role;
		assert_int_equal(seen, 1);
	}
	assert_int_equal(role_all(out, 3), 3);
	assert_int_equal(out[2], ROLE_CADRE);
	assert_int_equal(role_all(NULL, 0), 0);
}

static void usernames(void **state)
{
	(void)state;
	assert_true(username_valid("abc"));
	assert_true(username_valid("zhang.wei_01-a"));
	assert_true(username_valid("0grid"));
	assert_true(username_valid("a.."));
	assert_true(username_valid("abcdefghijklmnopqrstuvwxyz012345"));   /* 32 */
	assert_false(username_valid("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
	assert_false(username_valid(NULL));
	assert_false(username_valid(""));
	assert_false(username_valid("ab"));
	assert_false(username_valid("_abc"));
	assert_false(username_valid(".abc"));
	assert_false(username_valid("-abc"));
	assert_false(username_valid("Abc"));
	assert_false(username_valid("abC"));
	assert_false(username_valid("ab c"));
	assert_false(username_valid("ab@c"));
	assert_false(username_valid("abc\n"));
	assert_false(username_valid("张伟abc"));
	assert_false(username_valid("abc\xc3\xa9"));
	char big[4096];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_false(username_valid(big));
}

static void uuids(void **state)
{
	(void)state;
	assert_true(uuid_valid("123e4567-e89b-12d3-a456-426614174000"));
	assert_true(uuid_valid("123E4567-E89B-12D3-A456-426614174000"));
	assert_true(uuid_valid("00000000-0000-0000-0000-000000000000"));
	assert_true(uuid_valid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
	assert_false(uuid_valid(NULL));
	assert_false(uuid_valid(""));
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-42661417400"));   /* 35 */
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-4266141740000")); /* 37 */
	assert_false(uuid_valid("123e4567e89b12d3a456426614174000"));      /* no hyphens */
	assert_false(uuid_valid("123e4567-e89b-12d3-a456_426614174000"));
	assert_false(uuid_valid("123e456-7e89b-12d3-a456-426614174000")); /* hyphen moved */
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-42661417400g"));
	assert_false(uuid_valid("{123e4567-e89b-12d3-a456-426614174000}"));
	assert_false(uuid_valid(" 123e4567-e89b-12d3-a456-426614174000"));
	assert_false(uuid_valid("123e4567-e89b-12d3-a456-426614174000 "));
	assert_false(uuid_valid("------------------------------------"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(parse_rejects),
		cmocka_unit_test(ranks),
		cmocka_unit_test(permissions),
		cmocka_unit_test(permission_combinations),
		cmocka_unit_test(grants),
		cmocka_unit_test(perm_names),
		cmocka_unit_test(perm_name_lists),
		cmocka_unit_test(all_roles),
		cmocka_unit_test(usernames),
		cmocka_unit_test(uuids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
