/* The error registry: codes unique, statuses sensible, both languages present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/errors.h"

static void test_registry(void **state)
{
	(void)state;
	for (int i = 0; i < ERR__COUNT; i++) {
		const struct err_info *a = err_info((enum err)i);
		assert_true(a->status >= 400 && a->status <= 599);
		assert_true(strlen(a->code) > 2);
		assert_true(strlen(a->zh) > 0);
		assert_true(strlen(a->en) > 0);
		for (const char *p = a->code; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '.' || *p == '_');
		for (int k = i + 1; k < ERR__COUNT; k++)
			assert_string_not_equal(a->code, err_info((enum err)k)->code);
	}
	/* an out-of-range value falls back to the internal error, never out of bounds */
	assert_int_equal(err_info((enum err)9999)->status, 500);
	assert_int_equal(err_info(ERR_AREA_NOT_FOUND)->status, 404);
	assert_int_equal(err_info(ERR_CSRF_INVALID)->status, 403);
	assert_int_equal(err_info(ERR_UNSUPPORTED_MEDIA)->status, 415);
}

static void test_language(void **state)
{
	(void)state;
	assert_false(err_prefers_en(NULL));
	assert_false(err_prefers_en(""));
	assert_false(err_prefers_en("zh-CN,zh;q=0.9,en;q=0.8"));
	assert_true(err_prefers_en("en"));
	assert_true(err_prefers_en("en-US,en;q=0.9"));
	assert_true(err_prefers_en(" EN-gb"));
	assert_false(err_prefers_en("ens"));
	assert_false(err_prefers_en("fr, en"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
