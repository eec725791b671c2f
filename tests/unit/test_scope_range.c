/* Scope ranges and name prefixes against a real store. "An area and below" is the range
 * [scope, area_code_scope_end(scope)) and a name prefix [prefix, sq_text_prefix_end(prefix))
 * in code-point order; here scopes end in 9 and 99 (the end carries: 320481119 ->
 * 32048112, 320481199 -> 3204812), so every list of such a scope — persons, tasks,
 * accounts, audit rows, observations, areas, imports and the task statistics — must hold
 * exactly that subtree and not the next sibling, whose code is the range's end or just
 * above it. Names are Chinese, beyond the BMP and around U+10FFFF, which the old name
 * bound (prefix + U+10FFFF) cut off. */
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

#define COUNTY "320481"
#define T8 "320481118"         /* the sibling before */
#define T9 "320481119"         /* ends in 9: end 32048112 */
#define V009 "320481119009"    /* ends in 009: end 32048111901 */
#define G009 "320481119009001" /* below V009 */
#define V010 "320481119010"    /* V009's next sibling, its end + "0" */
#define T20 "320481120"        /* T9's next sibling */
#define T99 "320481199"        /* ends in 99: end 3204812 */
#define V99 "320481199001"
#define T200 "320481200" /* T99's next sibling */

static const struct area_seed seeds[] = {
	{COUNTY, "", "溧阳市"},
	{T8, COUNTY, "八镇"},
	{T9, COUNTY, "九镇"},
	{V009, T9, "九村"},
	{V010, T9, "十村"},
	{T20, COUNTY, "二十镇"},
	{T99, COUNTY, "九九镇"},
	{V99, T99, "九九村"},
	{T200, COUNTY, "二百镇"},
	{"320481118001", T8, "八村"},
	{"320481120001", T20, "廿村"},
	{"320481200001", T200, "百村"},
};

/* Where the files, tasks, accounts and observations lie; V009's grid is made through its
 * use case, as grids are. */
static const char *const placed[] = {"320481118001", V009, G009,          V010,
				     "320481120001", V99,  "320481200001"};
enum { NPLACED = sizeof placed / sizeof placed[0] };

static const struct principal county = {.user_id = "00000000-0000-4000-8000-000000000001",
					.username = "county",
					.role = ROLE_COMMANDER,
					.area = COUNTY,
					.ip = "127.0.0.1",
					.request_id = "r1"};

/* A file in area named name; its id in out. */
static void file_in(struct fixture *f, const char *area, const char *name, struct person *out)
{
	fixture_file(f, &county, area, name, out);
}

static enum store_status insert_task(struct store_tx *tx, void *p)
{
	const struct person *per = p;
	char id[UUID_LEN + 1];
	struct task_new tn = {.id = id,
			      .person_id = per->id,
			      .area = per->area,
			      .defects = "",
			      .due_at = time_now() + 3600,
			      .now = time_now()};

	uuid_v4(id);
	return store_tx_task_insert(tx, &tn);
}

static void place(struct fixture *f, const struct person *p)
{
	struct obs_policy pol;
	struct obs_new in = {0};
	struct obs_placed out;
	char *id = arena_alloc(f->a, UUID_LEN + 1);

	obs_policy_default(&pol);
	uuid_v4(id);
	in.id = id;
	in.person_id = p->id;
	in.kind = "home_observation";
	in.place = "家中";
	in.reason = "";
	in.start_date = obs_local_date(time_now());
	in.end_date = obs_date_add(in.start_date, pol.days - 1);
	in.now = time_now();
	assert_int_equal(svc_obs_place(f->s, &county, NULL, &pol, &in, f->a, &out, NULL), STORE_OK);
}

static void account_in(struct fixture *f, const char *area, int i)
{
	struct user in = {
		.role = ROLE_GRID_WORKER, .password_hash = "x", .display_name = "", .phone = ""};
	struct user out;
	char *name = arena_alloc(f->a, 32);

	uuid_v4(in.id);
	snprintf(name, 32, "worker%d", i);
	in.username = name;
	snprintf(in.area, sizeof in.area, "%s", area);
	assert_int_equal(svc_user_create(f->s, &county, NULL, &in, f->a, &out, NULL), STORE_OK);
}

static int setup(void **state)
{
	struct fixture *f;
	struct area_new grid = {.parent = V009, .name = "一格"};
	struct area made;

	if (fixture_open(state, "scope", (struct store_opts){.readers = 2, .batch_max = 64}, seeds,
			 sizeof seeds / sizeof seeds[0]))
		return -1;
	f = *state;
	if (svc_area_create(f->s, &county, NULL, &grid, f->a, &made, NULL) != STORE_OK ||
	    strcmp(made.code, G009) != 0)
		return -1;
	for (int i = 0; i < NPLACED; i++) {
		struct person p;
		file_in(f, placed[i], "张某", &p);
		if (store_run(f->s, insert_task, &p) != STORE_OK)
			return -1;
		place(f, &p);
		account_in(f, placed[i], i);
	}
	return 0;
}

static int teardown(void **state)
{
	return fixture_close(state);
}

/* Whether area lies in the subtree of scope — what every row of a scoped list must. */
static bool below(const char *scope, const char *area)
{
	return strncmp(area, scope, strlen(scope)) == 0;
}

/* How many of placed[] lie below scope. */
static size_t placed_below(const char *scope)
{
	size_t n = 0;

	for (int i = 0; i < NPLACED; i++)
		n += below(scope, placed[i]);
	return n;
}

static const char *const scopes[] = {V009, T9, T99, COUNTY};

static void persons_of_a_scope(void **state)
{
	struct fixture *f = *state;

	for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
		struct person_query q = {.scope = scopes[s], .name_prefix = "张", .limit = 100};
		struct person *v;
		size_t n;

		assert_int_equal(store_person_find(f->s, &q, f->a, &v, &n), STORE_OK);
		assert_int_equal(n, placed_below(scopes[s]));
		for (size_t i = 0; i < n; i++)
			assert_true(below(scopes[s], v[i].area));
	}
}

static void tasks_of_a_scope(void **state)
{
	struct fixture *f = *state;

	for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
		/* as the scope, and as an area filter under the county */
		for (int as_area = 0; as_area < 2; as_area++) {
			struct task_query q = {.scope = as_area ? COUNTY : scopes[s],
					       .area = as_area ? scopes[s] : NULL,
					       .now = time_now(),
					       .limit = 100};
			struct task *v;
			size_t n;
			int64_t total;

			assert_int_equal(store_task_list(f->s, &q, f->a, &v, &n, &total), STORE_OK);
			assert_int_equal(n, placed_below(scopes[s]));
			assert_int_equal(total, (int64_t)n);
			for (size_t i = 0; i < n; i++)
				assert_true(below(scopes[s], v[i].area));
		}
	}
}

static void task_stats_of_a_scope(void **state)
{
	struct fixture *f = *state;
	struct task_stats *v;
	size_t n;
	int64_t pushed = 0;

	assert_int_equal(store_task_stats(f->s, T9, time_now(), f->a, &v, &n), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		assert_true(below(T9, v[i].area));
		pushed += v[i].pushed;
	}
	assert_int_equal(pushed, (int64_t)placed_below(T9));
}

static void accounts_of_a_scope(void **state)
{
	struct fixture *f = *state;

	for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
		struct user_filter q = {.scope = scopes[s], .role = ROLE_GRID_WORKER, .limit = 100};
		struct user *v;
		size_t n;
		int64_t total;

		assert_int_equal(store_user_list(f->s, &q, f->a, &v, &n, &total), STORE_OK);
		assert_int_equal(n, placed_below(scopes[s]));
		for (size_t i = 0; i < n; i++)
			assert_true(below(scopes[s], v[i].area));
	}
	/* the empty scope is everything (fangkong user list) */
	struct user_filter all = {.scope = "", .role = ROLE_GRID_WORKER, .limit = 100};
	struct user *v;
	size_t n;
	int64_t total;
	assert_int_equal(store_user_list(f->s, &all, f->a, &v, &n, &total), STORE_OK);
	assert_int_equal(n, NPLACED);
}

static void audit_of_a_scope(void **state)
{
	struct fixture *f = *state;

	for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
		struct audit_filter q = {
			.scope = scopes[s], .action = "person.create", .limit = 100};
		struct audit_row *v;
		size_t n;

		assert_int_equal(store_audit_list(f->s, &q, f->a, &v, &n), STORE_OK);
		assert_int_equal(n, placed_below(scopes[s]));
		for (size_t i = 0; i < n; i++)
			assert_true(below(scopes[s], v[i].area));
	}
}

static void observations_of_a_scope(void **state)
{
	struct fixture *f = *state;
	struct obs_policy pol;

	obs_policy_default(&pol);
	for (size_t s = 0; s < sizeof scopes / sizeof *scopes; s++) {
		struct obs_query q = {.scope = scopes[s],
				      .status = "active",
				      .today = obs_local_date(time_now()),
				      .now = time_now(),
				      .limit = 100};
		struct observation *v;
		size_t n;
		int64_t total;

		assert_int_equal(store_obs_list(f->s, &q, &pol, f->a, &v, &n, &total), STORE_OK);
		assert_int_equal(n, placed_below(scopes[s]));
		for (size_t i = 0; i < n; i++)
			assert_true(below(scopes[s], v[i].area));
		/* the same through the name prefix */
		q.name_prefix = "张";
		assert_int_equal(store_obs_list(f->s, &q, &pol, f->a, &v, &n, &total), STORE_OK);
		assert_int_equal(n, placed_below(scopes[s]));
		/* due for release a month on (a township or the county: observation_ending) */
		q.name_prefix = NULL;
		q.filter = "due_release";
		q.today = obs_date_add(obs_local_date(time_now()), 30);
		assert_int_equal(store_obs_list(f->s, &q, &pol, f->a, &v, &n, &total), STORE_OK);
		assert_int_equal(n, placed_below(scopes[s]));
		for (size_t i = 0; i < n; i++)
			assert_true(below(scopes[s], v[i].area));
	}
}

static void areas_of_a_scope(void **state)
{
	struct fixture *f = *state;
	struct area *v;
	size_t n;

	/* 九镇, its two villages and the grid; not 二十镇 after it */
	assert_int_equal(store_area_search(f->s, T9, "", 100, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++)
		assert_true(below(T9, v[i].code));
	assert_int_equal(store_area_search(f->s, V009, "", 100, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
	assert_int_equal(store_area_search(f->s, T99, "", 100, f->a, &v, &n), STORE_OK);
	assert_int_equal(n, 2);
}

/* ---- name prefixes ---- */

static size_t found(struct fixture *f, const char *prefix, const char *name)
{
	struct person_query q = {.scope = V010, .name_prefix = prefix, .limit = 100};
	struct person *v;
	size_t n, hits = 0;

	assert_int_equal(store_person_find(f->s, &q, f->a, &v, &n), STORE_OK);
	for (size_t i = 0; i < n; i++) {
		assert_true(strncmp(v[i].name, prefix, strlen(prefix)) == 0);
		hits += name && !strcmp(v[i].name, name);
	}
	return name ? hits : n;
}

static void name_prefixes(void **state)
{
	struct fixture *f = *state;
	static const char *const names[] = {
		"张三",
		"张三丰",
		"章三", /* 章 sorts beside 张 in pinyin; not a match */
		"弡一", /* U+5F21, the code point after 张 */
		"𠀀",   /* U+20000, beyond the BMP */
		"𠀀一",
		"𠀁", /* the next code point */
		"张\xf4\x8f\xbf\xbf"
		"甲", /* 张 U+10FFFF 甲: past the old bound */
		"\xf4\x8f\xbf\xbf"
		"乙", /* U+10FFFF first */
		"Zhang",
	};
	struct person p;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		file_in(f, V010, names[i], &p);
	/* V010 already holds 张某 */
	assert_int_equal(found(f, "张", NULL), 4);
	assert_int_equal(found(f, "张", "张三"), 1);
	assert_int_equal(found(f, "张", "张三丰"), 1);
	assert_int_equal(found(f, "张",
			       "张\xf4\x8f\xbf\xbf"
			       "甲"),
			 1);
	assert_int_equal(found(f, "张三", NULL), 2);
	assert_int_equal(found(f, "张三丰", NULL), 1); /* a whole name */
	assert_int_equal(found(f, "张三丰", "张三丰"), 1);
	assert_int_equal(found(f, "章", NULL), 1);
	assert_int_equal(found(f, "𠀀", NULL), 2);
	assert_int_equal(found(f, "𠀀一", NULL), 1);
	assert_int_equal(found(f, "\xf4\x8f\xbf\xbf", NULL), 1);
	assert_int_equal(found(f, "张\xf4\x8f\xbf\xbf", NULL), 1);
	assert_int_equal(found(f, "Z", NULL), 1);
	assert_int_equal(found(f, "z", NULL), 0);    /* exact, not case-folded */
	assert_int_equal(found(f, "", NULL), 11);    /* every file of the scope */
	assert_int_equal(found(f, "\xff", NULL), 0); /* not text: nothing */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(persons_of_a_scope),    cmocka_unit_test(tasks_of_a_scope),
		cmocka_unit_test(task_stats_of_a_scope), cmocka_unit_test(accounts_of_a_scope),
		cmocka_unit_test(audit_of_a_scope),      cmocka_unit_test(observations_of_a_scope),
		cmocka_unit_test(areas_of_a_scope),      cmocka_unit_test(name_prefixes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
