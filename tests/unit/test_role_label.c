/*
 * Unit tests for domain/role_label (the role a spreadsheet cell names, issue 10 item 10)
 * and io/xlsx_template's example-row rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "domain/role_label.h"
#include "io/xlsx_template.h"

static void labels_are_the_consoles(void **state)
{
	(void)state;
	assert_string_equal(role_label_zh(ROLE_GRID_WORKER), "网格员");
	assert_string_equal(role_label_zh(ROLE_DOCTOR), "社区医生");
	assert_string_equal(role_label_zh(ROLE_ADMIN), "系统管理员");
	assert_string_equal(role_label_zh(ROLE_NONE), "");
	assert_string_equal(role_label_zh((enum role)99), "");
	/* every role has a label that reads back as itself */
	enum role all[ROLE_COUNT];
	size_t n = role_all(all, ROLE_COUNT);
	assert_int_equal(n, ROLE_COUNT);
	for (size_t i = 0; i < n; i++) {
		assert_true(strlen(role_label_zh(all[i])) > 0);
		assert_int_equal(role_from_label(role_label_zh(all[i])), all[i]);
		assert_int_equal(role_from_label(role_name(all[i])), all[i]);
	}
}

static void cells_name_roles(void **state)
{
	(void)state;
	assert_int_equal(role_from_label("网格员"), ROLE_GRID_WORKER);
	assert_int_equal(role_from_label("  网格员 "), ROLE_GRID_WORKER);
	assert_int_equal(role_from_label("医生"), ROLE_DOCTOR);
	assert_int_equal(role_from_label("指挥长"), ROLE_COMMANDER);
	assert_int_equal(role_from_label("卡口"), ROLE_CHECKPOINT_STAFF);
	assert_int_equal(role_from_label("Grid Worker"), ROLE_GRID_WORKER);
	assert_int_equal(role_from_label("grid_worker"), ROLE_GRID_WORKER);
	/* the codes are exact, lower-case */
	assert_int_equal(role_from_label("GRID_WORKER"), ROLE_NONE);
	assert_int_equal(role_from_label("队长"), ROLE_NONE);
	assert_int_equal(role_from_label("网格"), ROLE_NONE);
	assert_int_equal(role_from_label(""), ROLE_NONE);
	assert_int_equal(role_from_label("   "), ROLE_NONE);
	assert_int_equal(role_from_label(NULL), ROLE_NONE);
	char long_cell[200];
	memset(long_cell, 'a', sizeof long_cell - 1);
	long_cell[sizeof long_cell - 1] = '\0';
	assert_int_equal(role_from_label(long_cell), ROLE_NONE);
}

static void example_rows(void **state)
{
	(void)state;
	const char *ex[] = {"张三", "13800138000", "", "示例（导入时跳过）"};
	const char *real[] = {"张三", "13800138000", "网格员", "备注：非示例"};
	const char *gap[] = {NULL, "示例"};
	assert_true(xlsx_template_is_example(ex, 4));
	assert_false(xlsx_template_is_example(real, 4));
	assert_true(xlsx_template_is_example(gap, 2));
	assert_false(xlsx_template_is_example(ex, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(labels_are_the_consoles),
		cmocka_unit_test(cells_name_roles),
		cmocka_unit_test(example_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
