/*
 * Unit test: util/fsutil — a rename that is made durable by syncing the directory.
 * A test cannot see an fsync reach the disk; it checks what can fail: the file moves
 * (replacing what was there), a directory that cannot be opened or is a file is refused,
 * and every failure reports false.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"

struct dir {
	char path[256];
};

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void expect(const char *path, const char *text)
{
	char got[64] = "";
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(got, sizeof got, f));
	fclose(f);
	assert_string_equal(got, text);
}

static int setup(void **state)
{
	static struct dir d;
	snprintf(d.path, sizeof d.path, "/tmp/fk-fsutil-XXXXXX");
	assert_non_null(mkdtemp(d.path));
	*state = &d;
	return 0;
}

static int teardown(void **state)
{
	struct dir *d = *state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->path);
	return system(cmd) == 0 ? 0 : -1;
}

static void renames_into_place(void **state)
{
	struct dir *d = *state;
	char a[300], b[300];

	snprintf(a, sizeof a, "%s/a.upload", d->path);
	snprintf(b, sizeof b, "%s/b.csv", d->path);
	put(a, "rows");
	assert_true(fs_rename_durable(a, b));
	assert_int_equal(access(a, F_OK), -1);
	expect(b, "rows");
	/* replaces a file of that name, as rename does */
	put(a, "newer");
	assert_true(fs_rename_durable(a, b));
	expect(b, "newer");
}

static void across_directories(void **state)
{
	struct dir *d = *state;
	char sub[300], a[300], b[320];

	snprintf(sub, sizeof sub, "%s/sub", d->path);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(a, sizeof a, "%s/a", d->path);
	snprintf(b, sizeof b, "%s/b", sub);
	put(a, "x");
	assert_true(fs_rename_durable(a, b));
	expect(b, "x");
}

static void reports_errors(void **state)
{
	struct dir *d = *state;
	char a[300], b[300];

	snprintf(a, sizeof a, "%s/missing", d->path);
	snprintf(b, sizeof b, "%s/b", d->path);
	assert_false(fs_rename_durable(a, b)); /* no such file */
	put(a, "x");
	snprintf(b, sizeof b, "%s/no-such-dir/b", d->path);
	assert_false(fs_rename_durable(a, b)); /* no such directory */
	expect(a, "x");                        /* nothing moved */
}

static void syncs_directories_only(void **state)
{
	struct dir *d = *state;
	char file[300], none[300];

	snprintf(file, sizeof file, "%s/plain", d->path);
	snprintf(none, sizeof none, "%s/none", d->path);
	put(file, "x");
	assert_true(fs_sync_dir(d->path));
	assert_true(fs_sync_dir(""));    /* the working directory */
	assert_false(fs_sync_dir(file)); /* a file is not a directory */
	assert_false(fs_sync_dir(none)); /* nothing there */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(renames_into_place, setup, teardown),
		cmocka_unit_test_setup_teardown(across_directories, setup, teardown),
		cmocka_unit_test_setup_teardown(reports_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(syncs_directories_only, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
