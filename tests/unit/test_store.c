/* The store against a real SQLite file: loading areas, idempotent creates, conflicts,
 * the append-only audit, concurrent writers through group commit, and
 * backup. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_fixture.h"
#include "service/service.h"
#include "store/store.h"

/* Areas and accounts are written through their use cases (svc_area.c, svc_user.c), as the
 * county's commander or administrator. */
static const struct principal county_who = {.user_id = "u",
					    .username = "county",
					    .role = ROLE_COMMANDER,
					    .area = "320481",
					    .ip = "127.0.0.1",
					    .request_id = "t"};
static const struct principal county_admin = {.user_id = "a",
					      .username = "admin",
					      .role = ROLE_ADMIN,
					      .area = "320481",
					      .ip = "127.0.0.1",
					      .request_id = "t"};

static const struct area_seed seeds[] = {
	{"320481", "", "溧阳市"},
	{"320481116", "320481", "社渚镇"},
	{"320481111", "320481", "竹箦镇"},
	{"320481116200", "320481116", "社渚村村委会"},
	{"320481111200", "320481111", "某村村委会"},
};

static int setup(void **state)
{
	return fixture_open(state, "store", (struct store_opts){.readers = 2, .batch_max = 64},
			    seeds, sizeof seeds / sizeof seeds[0]);
}

static int teardown(void **state)
{
	return fixture_close(state);
}

static struct store_idem idem(const char *uuid, const char *hash)
{
	return (struct store_idem){.uuid = uuid, .body_hash = hash, .user_id = "u1"};
}

static void test_load_and_read(void **state)
{
	struct fixture *f = *state;
	struct area a, *v;
	size_t n;
	struct principal sys = svc_system_principal("320481");

	assert_int_equal(store_area_get(f->s, "320481116", f->a, &a), STORE_OK);
	assert_string_equal(a.name, "社渚镇");
	assert_string_equal(a.parent, "320481");
	assert_string_equal(a.parent_name, "溧阳市");
	assert_int_equal(a.level, AREA_LEVEL_TOWNSHIP);
	assert_int_equal(a.child_count, 1);
	assert_int_equal(store_area_get(f->s, "320481999", f->a, &a), STORE_NOT_FOUND);
	assert_int_equal(store_area_children(f->s, "320481", f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].code, "320481111"); /* ordered by code */
	/* loading again changes nothing and duplicates nothing */
	assert_int_equal(svc_area_load(f->s, &sys, seeds, 5, f->a), STORE_OK);
	assert_int_equal(store_area_children(f->s, "320481", f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	/* search stays inside the scope */
	assert_int_equal(store_area_search(f->s, "320481116", "村", 50, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].code, "320481116200");
	assert_int_equal(store_area_search(f->s, "320481", "3204811", 50, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 4);
	assert_int_equal(store_area_search(f->s, "320481", "%", 50, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 0); /* LIKE wildcards are literal */
}

static void test_create_idempotent(void **state)
{
	struct fixture *f = *state;
	struct area_new in = {
		.parent = "320481116200", .name = "一网格", .responsible_name = "张三"};
	struct store_idem k1 = idem("00000000-0000-4000-8000-000000000001", "h1");
	struct store_idem k1b = idem("00000000-0000-4000-8000-000000000001", "h2");
	struct store_idem k2 = idem("00000000-0000-4000-8000-000000000002", "h3");
	struct area out, again;
	bool replayed;

	assert_int_equal(svc_area_create(f->s, &county_who, &k1, &in, f->a, &out, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(out.code, "320481116200001");
	assert_int_equal(out.level, AREA_LEVEL_GRID);
	assert_int_equal(svc_area_create(f->s, &county_who, &k1, &in, f->a, &again, &replayed),
			 STORE_OK);
	assert_true(replayed);
	assert_string_equal(again.code, out.code);
	assert_int_equal(svc_area_create(f->s, &county_who, &k1b, &in, f->a, &again, &replayed),
			 STORE_CONFLICT_IDEM);
	/* same name under the same parent: taken */
	assert_int_equal(svc_area_create(f->s, &county_who, &k2, &in, f->a, &again, &replayed),
			 STORE_CONFLICT);
	in.name = "二网格";
	assert_int_equal(svc_area_create(f->s, &county_who, &k2, &in, f->a, &again, &replayed),
			 STORE_OK);
	assert_string_equal(again.code, "320481116200002");
	/* grids go under villages only */
	struct store_idem k3 = idem("00000000-0000-4000-8000-000000000003", "h4");
	in.parent = "320481116";
	in.name = "三网格";
	assert_int_equal(svc_area_create(f->s, &county_who, &k3, &in, f->a, &again, &replayed),
			 STORE_INVALID);
	in.parent = "320481116299";
	assert_int_equal(svc_area_create(f->s, &county_who, &k3, &in, f->a, &again, &replayed),
			 STORE_NOT_FOUND);
}

static void test_update(void **state)
{
	struct fixture *f = *state;
	struct area_patch p = {.responsible_name = "李四", .responsible_phone = "13800138000"};
	struct area out;
	struct audit_row *rows;
	size_t n;
	struct audit_filter af = {.scope = "320481116", .action = "area.update", .limit = 10};

	assert_int_equal(
		svc_area_update(f->s, &county_who, NULL, "320481116", &p, f->a, &out, NULL),
		STORE_OK);
	assert_string_equal(out.responsible_name, "李四");
	assert_string_equal(out.name, "社渚镇");
	p.name = "改名镇";
	assert_int_equal(
		svc_area_update(f->s, &county_who, NULL, "320481116", &p, f->a, &out, NULL),
		STORE_INVALID);
	assert_int_equal(
		svc_area_update(f->s, &county_who, NULL, "320481116999", &p, f->a, &out, NULL),
		STORE_NOT_FOUND);
	assert_int_equal(store_audit_list(f->s, &af, f->a, &rows, &n), STORE_OK);
	assert_int_equal(n, 1);
	assert_non_null(strstr(rows[0].after, "李四"));
	assert_null(strstr(rows[0].before, "李四"));
	/* audit of township 320481111 does not see it */
	af.scope = "320481111";
	assert_int_equal(store_audit_list(f->s, &af, f->a, &rows, &n), STORE_OK);
	assert_int_equal(n, 0);
}

static void test_users(void **state)
{
	struct fixture *f = *state;
	struct user in = {.username = "zhang",
			  .display_name = "张",
			  .phone = "",
			  .role = ROLE_GRID_WORKER,
			  .password_hash = "x",
			  .must_change = true};
	struct user out, u;
	bool replayed;

	snprintf(in.id, sizeof in.id, "00000000-0000-4000-8000-0000000000aa");
	snprintf(in.area, sizeof in.area, "320481116200");
	assert_int_equal(svc_user_create(f->s, &county_admin, NULL, &in, f->a, &out, &replayed),
			 STORE_OK);
	assert_string_equal(out.area_name, "社渚村村委会");
	snprintf(in.id, sizeof in.id, "00000000-0000-4000-8000-0000000000ab");
	assert_int_equal(svc_user_create(f->s, &county_admin, NULL, &in, f->a, &out, &replayed),
			 STORE_CONFLICT);
	in.username = "li";
	snprintf(in.area, sizeof in.area, "320481116201"); /* no such area */
	assert_int_equal(svc_user_create(f->s, &county_admin, NULL, &in, f->a, &out, &replayed),
			 STORE_INVALID);
	assert_int_equal(store_user_by_name(f->s, "zhang", f->a, &u), STORE_OK);
	assert_string_equal(u.password_hash, "x");
	assert_int_equal(store_user_get(f->s, u.id, f->a, &u), STORE_OK);
	assert_null(u.password_hash); /* only by_name hands out the hash */
}

static void test_audit_append_only(void **state)
{
	struct fixture *f = *state;
	struct audit_entry e = {.action = "denied", .result = "forbidden", .area = "320481116"};
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(store_audit_append(f->s, &e, true), STORE_OK);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET result = 'x'", NULL, NULL, &msg),
			     SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, &msg), SQLITE_OK);
	sqlite3_free(msg);
	sqlite3_close(db);
}

struct worker {
	struct store *s;
	int id, ok;
};

static void *writer(void *p)
{
	struct worker *w = p;
	struct arena *a = arena_new();

	for (int i = 0; i < 50; i++) {
		char uuid[37], name[32];
		struct area out;
		bool replayed;
		snprintf(uuid, sizeof uuid, "00000000-0000-4000-9%03d-%012d", w->id, i);
		snprintf(name, sizeof name, "g%d-%d", w->id, i);
		struct store_idem k = {.uuid = uuid, .body_hash = name, .user_id = "u"};
		struct area_new in = {.parent = "320481111200", .name = name};
		enum store_status st =
			svc_area_create(w->s, &county_who, &k, &in, a, &out, &replayed);
		if (st != STORE_OK)
			fprintf(stderr, "create %s: %s\n", name, store_status_name(st));
		w->ok += st == STORE_OK;
	}
	arena_free(a);
	return NULL;
}

static void test_concurrent_writers(void **state)
{
	struct fixture *f = *state;
	struct worker w[8];
	pthread_t t[8];
	struct area *v;
	size_t n;

	for (int i = 0; i < 8; i++) {
		w[i] = (struct worker){f->s, i, 0};
		pthread_create(&t[i], NULL, writer, &w[i]);
	}
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 8; i++)
		assert_int_equal(w[i].ok, 50);
	assert_int_equal(store_area_children(f->s, "320481111200", f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 400);
	for (size_t i = 1; i < n; i++) /* codes are distinct and dense: 001 … 400 */
		assert_true(strcmp(v[i - 1].code, v[i].code) < 0);
	assert_string_equal(v[n - 1].code, "320481111200400");
}

static void test_backup_and_check(void **state)
{
	struct fixture *f = *state;
	char out[160], msg[64];
	struct store_opts o = {.readers = 1, .batch_max = 8, .create = false};
	const char *err;
	struct store *copy;
	struct area a;

	snprintf(out, sizeof out, "%s/backup.db", f->dir);
	assert_int_equal(store_backup(f->s, out), STORE_OK);
	assert_int_not_equal(store_backup(f->s, out), STORE_OK); /* never overwrites */
	copy = store_open(out, &o, &err);
	assert_non_null(copy);
	assert_int_equal(store_integrity_check(copy, msg, sizeof msg), STORE_OK);
	assert_string_equal(msg, "ok");
	assert_int_equal(store_schema_version(copy), store_schema_latest());
	assert_true(store_schema_latest() >= 2);
	assert_int_equal(store_area_get(copy, "320481116", f->a, &a), STORE_OK);
	store_close(copy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_and_read),
		cmocka_unit_test(test_create_idempotent),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_audit_append_only),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_backup_and_check),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
