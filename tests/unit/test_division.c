/*
 * Unit test: io/division — the national division list read from the package's CSV files
 * is not trusted. A row the load would keep whose code is not a valid code of its level
 * (domain/area_code.h), or not under its parent, is refused and counted; the sound rows
 * around it load as before. The files are written small into a temporary folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/division.h"

struct dir {
	char path[256];
	struct arena *a;
};

static void put(const struct dir *d, const char *file, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", d->path, file);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	static struct dir d;
	snprintf(d.path, sizeof d.path, "/tmp/fk-division-XXXXXX");
	assert_non_null(mkdtemp(d.path));
	d.a = arena_new();
	*state = &d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	char cmd[300];
	arena_free(d->a);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	return system(cmd) == 0 ? 0 : -1;
}

static bool has(const struct area_seed *s, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s[i].code, code))
			return true;
	return false;
}

/* The national list's own files, with one bad row of each kind among sound ones. */
static void put_national(const struct dir *d)
{
	put(d, "provinces.csv",
	    "code,name\n"
	    "32,\"江苏省\"\n"
	    "3x,\"bad\"\n"    /* not digits */
	    "320,\"bad\"\n"); /* wrong length for a province */
	put(d, "cities.csv",
	    "code,name,provinceCode\n"
	    "3204,\"常州市\",32\n"
	    "4201,\"武汉市\",32\n"); /* not under the province it names */
	put(d, "areas.csv",
	    "code,name,cityCode,provinceCode\n"
	    "320481,\"溧阳市\",3204,32\n"
	    "320482,\"金坛区\",3204,32\n"
	    "32048,\"cut\",3204,32\n"
	    "32048１,\"full-width\",3204,32\n"
	    "320499\n"); /* a short row: no parent column of its own */
	put(d, "streets.csv",
	    "code,name,areaCode,provinceCode,cityCode\n"
	    "320481100,\"社渚镇\",320481,32,3204\n"
	    "320481000,\"placeholder\",320481,32,3204\n" /* segment 000: not a township */
	    "320482100,\"elsewhere\",320481,32,3204\n"   /* another county, filed under ours */
	    "32048110,\"cut\",320481,32,3204\n"
	    "320482101,\"other county\",320482,32,3204\n");
	put(d, "villages.csv",
	    "code,name,streetCode,provinceCode,cityCode,areaCode\n"
	    "320481100201,\"周城村\",320481100,32,3204,320481\n"
	    "320481100000,\"placeholder\",320481100,32,3204,320481\n"
	    "320481101201,\"wrong parent\",320481100,32,3204,320481\n"
	    "3204811002０1,\"not digits\",320481100,32,3204,320481\n");
}

static void county_rows_checked(void **state)
{
	struct dir *d = *state;
	struct area_seed *s;
	size_t n, refused;

	put_national(d);
	assert_int_equal(division_load(d->path, "320481", d->a, &s, &n, &refused), DIVISION_OK);
	assert_int_equal(n, 3); /* the county, 社渚镇, 周城村 */
	assert_string_equal(s[0].code, "320481");
	assert_true(has(s, n, "320481100"));
	assert_true(has(s, n, "320481100201"));
	assert_false(has(s, n, "320481000"));
	assert_false(has(s, n, "320482100"));
	assert_false(has(s, n, "320481100000"));
	assert_false(has(s, n, "320481101201"));
	/* 3 townships (000, another county's code, cut) and 3 villages; another county's own
	 * rows are not ours to judge */
	assert_int_equal(refused, 6);
}

static void national_rows_checked(void **state)
{
	struct dir *d = *state;
	struct area_seed *s;
	size_t n, refused;

	put_national(d);
	assert_int_equal(division_load_national(d->path, d->a, &s, &n, &refused), DIVISION_OK);
	assert_int_equal(n, 4); /* 32, 3204, 320481, 320482 */
	assert_true(has(s, n, "32"));
	assert_true(has(s, n, "3204"));
	assert_true(has(s, n, "320481"));
	assert_true(has(s, n, "320482"));
	assert_false(has(s, n, "4201"));
	assert_false(has(s, n, "320499"));
	assert_int_equal(refused, 2 + 1 + 3);
}

static void sound_files_refuse_nothing(void **state)
{
	struct dir *d = *state;
	struct area_seed *s;
	size_t n, refused = 99;

	put(d, "areas.csv", "code,name,cityCode,provinceCode\n320481,\"溧阳市\",3204,32\n");
	put(d, "streets.csv", "code,name,areaCode\n320481100,\"社渚镇\",320481\n");
	put(d, "villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode\n");
	assert_int_equal(division_load(d->path, "320481", d->a, &s, &n, &refused), DIVISION_OK);
	assert_int_equal(n, 2);
	assert_int_equal(refused, 0);
	assert_int_equal(division_load(d->path, "320482", d->a, &s, &n, &refused),
			 DIVISION_UNKNOWN_COUNTY);
	assert_int_equal(division_load(d->path, "32048", d->a, &s, &n, &refused),
			 DIVISION_BAD_CODE);
	assert_int_equal(division_load_national(d->path, d->a, &s, &n, &refused),
			 DIVISION_NO_DATA); /* no provinces.csv */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(county_rows_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(national_rows_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(sound_files_refuse_nothing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
