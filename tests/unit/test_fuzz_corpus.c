/* Replays every kept fuzz input (tests/fuzz/corpus/TARGET/…) through its target, so past
 * crashes stay fixed. Under the ASan+UBSan build a regression aborts the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "../fuzz/targets.h"

static int replay(const char *dir, void (*target)(const uint8_t *, size_t))
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512];
		unsigned char buf[65536];
		FILE *f;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		assert_non_null(f = fopen(path, "rb"));
		len = fread(buf, 1, sizeof buf, f);
		fclose(f);
		target(buf, len);
		n++;
	}
	closedir(d);
	return n;
}

static void test_text(void **state)
{
	(void)state;
	assert_true(replay("tests/fuzz/corpus/text", fuzz_text) > 0);
	fuzz_text((const uint8_t *)"", 0);
}

static void test_route(void **state)
{
	(void)state;
	assert_true(replay("tests/fuzz/corpus/route", fuzz_route) > 0);
	fuzz_route((const uint8_t *)"", 0);
}

static void test_sheet(void **state)
{
	(void)state;
	assert_true(replay("tests/fuzz/corpus/sheet", fuzz_sheet) > 0);
	fuzz_sheet((const uint8_t *)"", 0);
}

static void test_plate(void **state)
{
	(void)state;
	assert_true(replay("tests/fuzz/corpus/plate", fuzz_plate) > 0);
	fuzz_plate((const uint8_t *)"", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_route),
		cmocka_unit_test(test_sheet),
		cmocka_unit_test(test_plate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
