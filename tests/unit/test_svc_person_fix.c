/*
 * Unit test: a flagged file corrected at the door (svc_person_fix, issue 10 item 2): the
 * defects of the corrected fields clear and the others stay, the audit row carries the old
 * and new values masked, an address that resolves to another village moves the file and
 * its open task, an area out of scope and a file out of scope are refused in the
 * transaction, and a valid number another file in scope holds is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/idcard.h"
#include "domain/returnee.h"
#include "service/service.h"
#include "county_fixture.h"
#include "util/timeutil.h"
#include "util/uuid.h"

static const struct principal county = FX_PRINCIPAL("1", "county", ROLE_COMMANDER, COUNTY);
static const struct principal town_a = FX_PRINCIPAL("3", "town_a", ROLE_COMMANDER, TOWN_A);
static const struct principal town_b = FX_PRINCIPAL("2", "town_b", ROLE_COMMANDER, TOWN_B);

static int setup(void **state)
{
	return county_open(state, "personfix");
}

static int teardown(void **state)
{
	return fixture_close(state);
}

/* A valid 18-character number of 1990-01-0d (seq: 3 digits). */
static void make_id(char out[19], int d, int seq)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char check[] = "10X98765432";
	int sum = 0;

	snprintf(out, 19, "320481199001%02d%03d", d, seq);
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = check[sum % 11];
	out[18] = '\0';
}

static struct store_idem key(struct fixture *f, const char *user)
{
	char *u = arena_alloc(f->a, UUID_LEN + 1);

	uuid_v4(u);
	return (struct store_idem){u, "h", user};
}

/* A file registered by the county in area with number (NULL: none) as given, flagged. */
static struct person file_in(struct fixture *f, const char *area, const char *number, bool valid,
			     const char *defects)
{
	struct import_row row = {0};
	struct store_idem k = key(f, county.user_id);
	struct person out;
	bool merged, replayed;

	uuid_v4(row.p.id);
	row.p.doc_type = "resident";
	row.p.id_number = number ? number : "";
	row.p.id_valid = valid;
	row.p.name = "测试人";
	row.p.phone = "";
	row.p.address = "社渚村1组";
	row.p.defects = defects;
	row.t = (struct travel){.origin = "", .transport = "", .transport_no = ""};
	snprintf(row.p.area, sizeof row.p.area, "%s", area);
	assert_int_equal(
		svc_person_register(f->s, &county, &k, &row, f->a, &out, &merged, &replayed),
		STORE_OK);
	return out;
}

/* The corrected values as a form gives them, read as an imported row's. */
static void read_fix(const char *id_number, const char *phone, const char *address,
		     struct returnee *r)
{
	const char *cells[] = {"测试人", id_number ? id_number : "", phone ? phone : "",
			       address ? address : ""};
	const enum table_field map[] = {TF_NAME, TF_ID_NUMBER, TF_PHONE, TF_ADDRESS};
	struct addr_area areas[COUNTY_NSEEDS];
	struct returnee_ctx ctx = {.today = 20260101, .home_area = COUNTY};

	for (size_t i = 0; i < COUNTY_NSEEDS; i++)
		areas[i] = (struct addr_area){county_seeds[i].code, county_seeds[i].name};
	ctx.addr = addr_index_new(areas, sizeof areas / sizeof areas[0]);
	returnee_from_row(&ctx, cells, NULL, 4, map, r);
	addr_index_free((struct addr_index *)ctx.addr);
}

static enum store_status insert_task(struct store_tx *tx, void *p)
{
	const char *const *ids = p; /* task id, person id, area */
	struct task_new tn = {.id = ids[0],
			      .person_id = ids[1],
			      .area = ids[2],
			      .defects = "address.unresolved",
			      .due_at = time_now() + 3600,
			      .now = time_now()};
	return store_tx_task_insert(tx, &tn);
}

static const struct audit_row *last_audit(struct fixture *f, const char *action)
{
	struct audit_filter q = {.action = action, .limit = 1};
	struct audit_row *rows;
	size_t n = 0;

	assert_int_equal(store_audit_list(f->s, &q, f->a, &rows, &n), STORE_OK);
	return n ? &rows[0] : NULL;
}

static void test_defects_clear_and_audit_is_masked(void **state)
{
	struct fixture *f = *state;
	char good[19], bad[19];
	struct returnee r;
	struct person out, p;
	struct store_idem k;
	const struct audit_row *a;
	bool replayed;

	make_id(good, 1, 11);
	memcpy(bad, good, sizeof bad);
	bad[17] = bad[17] == '1' ? '2' : '1'; /* wrong check character */
	p = file_in(f, VILLAGE_A, bad, false, "id.check,phone.missing,address.unresolved");

	/* a phone only: its defect clears, the number's and the address's stay */
	read_fix(NULL, "13912345678", NULL, &r);
	k = key(f, town_a.user_id);
	assert_int_equal(svc_person_fix(f->s, &town_a, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_PHONE, &r, NULL},
					f->a, &out, &replayed),
			 STORE_OK);
	assert_false(replayed);
	assert_string_equal(out.defects, "id.check,address.unresolved");
	assert_string_equal(out.phone, "13912345678");

	/* a number still wrong keeps its flag */
	read_fix(bad, NULL, NULL, &r);
	k = key(f, town_a.user_id);
	assert_int_equal(svc_person_fix(f->s, &town_a, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_ID, &r, NULL}, f->a,
					&out, NULL),
			 STORE_OK);
	assert_string_equal(out.defects, "address.unresolved,id.check");
	assert_false(out.id_valid);

	/* the right number: valid, its birth date read, the flag gone */
	read_fix(good, NULL, NULL, &r);
	k = key(f, town_a.user_id);
	assert_int_equal(svc_person_fix(f->s, &town_a, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_ID, &r, NULL}, f->a,
					&out, &replayed),
			 STORE_OK);
	assert_string_equal(out.defects, "address.unresolved");
	assert_true(out.id_valid);
	assert_string_equal(out.id_number, good);
	assert_int_equal(out.birth, 19900101);
	/* a replay answers the file and changes nothing */
	assert_int_equal(svc_person_fix(f->s, &town_a, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_ID, &r, NULL}, f->a,
					&out, &replayed),
			 STORE_OK);
	assert_true(replayed);

	/* audited with masked values only: never the full number or phone */
	assert_non_null(a = last_audit(f, "person.fix"));
	assert_string_equal(a->object_id, p.id);
	assert_string_equal(a->username, "town_a");
	assert_non_null(a->before);
	assert_non_null(a->after);
	assert_null(strstr(a->before, bad));
	assert_null(strstr(a->after, good));
	assert_null(strstr(a->after, "13912345678"));
	assert_non_null(strstr(a->after, "139****5678"));
	assert_non_null(strstr(a->before, "id.check"));
	assert_null(strstr(a->after, "id.check"));
	{
		char masked[32];
		idcard_mask(good, masked, sizeof masked);
		assert_non_null(strstr(a->after, masked));
	}
}

static void test_address_moves_the_file_and_its_task(void **state)
{
	struct fixture *f = *state;
	struct person p = file_in(f, VILLAGE_A, NULL, false, "address.unresolved");
	char *task_id = arena_alloc(f->a, UUID_LEN + 1);
	const char *ids[3] = {task_id, p.id, VILLAGE_A};
	struct returnee r;
	struct person out;
	struct task t;
	struct store_idem k = key(f, town_a.user_id);

	uuid_v4(task_id);
	assert_int_equal(store_run(f->s, insert_task, ids), STORE_OK);
	read_fix(NULL, NULL, "河口村3组", &r);
	assert_string_equal(r.area, VILLAGE_A2); /* as the handler resolves it */
	assert_int_equal(
		svc_person_fix(f->s, &town_a, &k,
			       &(struct person_fix){p.id, RETURNEE_FIX_ADDRESS, &r, VILLAGE_A2},
			       f->a, &out, NULL),
		STORE_OK);
	assert_string_equal(out.area, VILLAGE_A2);
	assert_string_equal(out.address, "河口村3组");
	assert_string_equal(out.defects, "");
	assert_int_equal(store_task_get(f->s, task_id, f->a, &t), STORE_OK);
	assert_string_equal(t.area, VILLAGE_A2);
	assert_string_equal(t.status, "open");
	assert_string_equal(t.defects, ""); /* the task carries the file's defects */

	/* an address that names only the township above keeps the village */
	read_fix(NULL, NULL, "社渚镇", &r);
	k = key(f, town_a.user_id);
	assert_int_equal(
		svc_person_fix(f->s, &town_a, &k,
			       &(struct person_fix){p.id, RETURNEE_FIX_ADDRESS, &r, TOWN_A}, f->a,
			       &out, NULL),
		STORE_OK);
	assert_string_equal(out.area, VILLAGE_A2);
}

static void test_out_of_scope_is_refused(void **state)
{
	struct fixture *f = *state;
	struct person p = file_in(f, VILLAGE_A, NULL, false, "address.unresolved");
	struct returnee r;
	struct person out, again;
	struct store_idem k = key(f, town_a.user_id);
	struct svc_denial refused = {0};
	struct principal noted = town_a;

	noted.denial = &refused;
	/* the address resolves to another township: refused in the transaction, nothing moves */
	read_fix(NULL, NULL, "竹箦镇某村", &r);
	assert_int_equal(
		svc_person_fix(f->s, &noted, &k,
			       &(struct person_fix){p.id, RETURNEE_FIX_ADDRESS, &r, VILLAGE_B},
			       f->a, &out, NULL),
		STORE_DENIED);
	assert_string_equal(refused.object_type, "area");
	assert_string_equal(refused.object_id, VILLAGE_B);
	assert_int_equal(store_person_get(f->s, p.id, f->a, &again), STORE_OK);
	assert_string_equal(again.area, VILLAGE_A);
	assert_string_equal(again.address, "社渚村1组");

	/* a file of another township: refused as if it did not exist */
	read_fix(NULL, "13912345678", NULL, &r);
	k = key(f, town_b.user_id);
	assert_int_equal(svc_person_fix(f->s, &town_b, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_PHONE, &r, NULL},
					f->a, &out, NULL),
			 STORE_DENIED);
	assert_int_equal(store_person_get(f->s, p.id, f->a, &again), STORE_OK);
	assert_string_equal(again.phone, "");
	assert_null(last_audit(f, "person.fix"));
}

static void test_number_held_follows_the_registration_rule(void **state)
{
	struct fixture *f = *state;
	char held[19], elsewhere[19];
	struct person p, out;
	struct returnee r;
	struct store_idem k;

	make_id(held, 2, 21);
	make_id(elsewhere, 3, 31);
	file_in(f, VILLAGE_A2, held, true, "");
	file_in(f, VILLAGE_B, elsewhere, true, "");
	p = file_in(f, VILLAGE_A, NULL, false, "id.missing");

	/* held in scope: the same person twice, to be merged */
	read_fix(held, NULL, NULL, &r);
	k = key(f, town_a.user_id);
	assert_int_equal(svc_person_fix(f->s, &town_a, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_ID, &r, NULL}, f->a,
					&out, NULL),
			 STORE_INVALID);

	/* held outside scope: kept defective beside it, as a registration is */
	read_fix(elsewhere, NULL, NULL, &r);
	k = key(f, town_a.user_id);
	assert_int_equal(svc_person_fix(f->s, &town_a, &k,
					&(struct person_fix){p.id, RETURNEE_FIX_ID, &r, NULL}, f->a,
					&out, NULL),
			 STORE_OK);
	assert_false(out.id_valid);
	assert_string_equal(out.defects, PERSON_ELSEWHERE);
	assert_non_null(last_audit(f, "person.duplicate"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_defects_clear_and_audit_is_masked, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_address_moves_the_file_and_its_task, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_out_of_scope_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_number_held_follows_the_registration_rule,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
