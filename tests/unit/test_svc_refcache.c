/*
 * Unit tests for service/svc_refcache: a county's reading context is built once and shared
 * while the area generation stands; a change (store_area_changed) makes the next look-up
 * build a new one, and the old one lives until its last reader puts it back (ASan would
 * report a use after free or a leak). The context reads an address down to its village.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "county_fixture.h"
#include "domain/address.h"
#include "domain/returnee.h"
#include "service/service.h"

static int setup(void **state)
{
	return county_open(state, "refcache");
}

static int teardown(void **state)
{
	return fixture_close(state);
}

static void shared_until_changed(void **state)
{
	struct fixture *f = *state;
	struct svc_refcache *c = svc_refcache_new();
	struct svc_reading *r1, *r2, *r3, *r4;
	struct returnee_ctx ctx = {0};

	assert_int_equal(svc_reading_get(c, f->s, VILLAGE_A, &r1), STORE_OK);
	assert_int_equal(svc_reading_get(c, f->s, TOWN_B, &r2), STORE_OK);
	assert_ptr_equal(r1, r2); /* one county, one context */
	svc_reading_ctx(r1, &ctx);
	assert_non_null(ctx.addr);
	assert_true(ctx.nkeys >= 1); /* the default key area, 湖北省 */
	svc_reading_put(c, r2);

	store_area_changed(f->s);
	assert_int_equal(svc_reading_get(c, f->s, COUNTY, &r3), STORE_OK);
	assert_ptr_not_equal(r3, r1); /* a new generation: built again */
	/* the old one still reads for its holder */
	char code[ADDR_CODE_LEN_MAX + 1];
	assert_int_equal(addr_resolve(ctx.addr, "社渚镇社渚村1组", code), ADDR_VILLAGE);
	assert_string_equal(code, VILLAGE_A);
	svc_reading_put(c, r1); /* its last reader: freed */
	assert_int_equal(svc_reading_get(c, f->s, COUNTY, &r4), STORE_OK);
	assert_ptr_equal(r4, r3);
	svc_reading_put(c, r3);
	svc_reading_put(c, r4);
	svc_refcache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(shared_until_changed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
