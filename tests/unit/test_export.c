/* export: the streamed workbook (io/xlsx_stream.h) holds every text as a string cell —
 * read back from its sheet XML with libzip: no <f>, every text cell t="inlineStr", an ID
 * number's 18 digits and a text that starts with = + - @ as written — and the exporter's
 * jobs (io/exporter.h): idempotent by uuid, one per account, two per server, the file
 * unlinked once written and served from its descriptor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "io/exporter.h"
#include "io/xlsx_stream.h"

static char *sheet_xml(const char *path)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	zip_stat_t st;
	zip_file_t *f;
	char *xml;

	assert_non_null(z);
	assert_int_equal(zip_stat(z, "xl/worksheets/sheet1.xml", 0, &st), 0);
	xml = calloc(1, st.size + 1);
	f = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, xml, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	zip_close(z);
	return xml;
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_text_stays_text(void **state)
{
	static const char *const titles[] = {"姓名", "证件号码", "住址"};
	static const char *const hostile[] = {"=1+2", "+86 138", "-2+3+cmd|' /C calc'!A0",
					      "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")"};
	char dir[] = "/tmp/fk-export-XXXXXX", path[64];
	struct xlsx_stream *x;
	char *xml;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.xlsx", dir);
	x = xlsx_stream_open(path, dir, "名单", titles, NULL, 3, "tester", "名单");
	assert_non_null(x);
	for (size_t i = 0; i < 5; i++) {
		xlsx_stream_text(x, 0, hostile[i]);
		xlsx_stream_text(x, 1, "32048119850101031X");
		xlsx_stream_text(x, 2, "320481198501010315");
		xlsx_stream_next(x);
	}
	assert_int_equal(xlsx_stream_rows(x), 5);
	assert_true(xlsx_stream_close(x));
	xml = sheet_xml(path);
	assert_null(strstr(xml, "<f>"));
	assert_null(strstr(xml, "<f "));
	assert_int_equal(count(xml, "t=\"inlineStr\""), 3 + 5 * 3); /* constant memory: inline */
	assert_int_equal(count(xml, "<c "), 3 + 5 * 3);
	assert_non_null(strstr(xml, ">=1+2<"));
	assert_non_null(strstr(xml, ">@SUM(A1)<"));
	assert_non_null(strstr(xml, ">320481198501010315<"));
	free(xml);
	unlink(path);
	rmdir(dir);
}

/* a job that waits for the test to let it go */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static bool go;

static bool run_gated(struct export_run *run, void *arg)
{
	static const char *const titles[] = {"a"};
	struct xlsx_stream *x;

	(void)arg;
	pthread_mutex_lock(&mu);
	while (!go)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	x = xlsx_stream_open(run->path, run->tmpdir, "s", titles, NULL, 1, "t", "t");
	xlsx_stream_text(x, 0, "row");
	xlsx_stream_next(x);
	run->rows_done = 1;
	return xlsx_stream_close(x);
}

static void nothing(void *arg)
{
	(void)arg;
}

static void test_jobs(void **state)
{
	static const struct export_task t = {"tasks", run_gated, nothing, NULL};
	static const char *const u1 = "00000000-0000-4000-8000-000000000001",
				 *u2 = "00000000-0000-4000-8000-000000000002",
				 *u3 = "00000000-0000-4000-8000-000000000003";
	char dir[] = "/tmp/fk-exporter-XXXXXX", a[37], b[37], c[37];
	struct exporter *x;
	struct export_state s;
	off_t size = 0;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	x = exporter_start(dir);
	assert_int_equal(exporter_submit(x, "user1", u1, "h1", &t, a), EXPORTER_OK);
	assert_int_equal(exporter_submit(x, "user1", u1, "h1", &t, b), EXPORTER_REPLAY);
	assert_string_equal(a, b);
	assert_int_equal(exporter_submit(x, "user1", u1, "h2", &t, b), EXPORTER_CONFLICT);
	assert_int_equal(exporter_submit(x, "user1", u2, "h1", &t, b), EXPORTER_USER_BUSY);
	assert_int_equal(exporter_submit(x, "user2", u1, "h1", &t, b), EXPORTER_OK);
	assert_int_equal(exporter_submit(x, "user3", u3, "h1", &t, c), EXPORTER_BUSY);
	assert_false(exporter_state(x, a, "user2", &s)); /* another account's job */
	assert_true(exporter_state(x, a, "user1", &s));
	assert_true(!strcmp(s.status, "queued") || !strcmp(s.status, "running"));
	assert_int_equal(exporter_file(x, a, "user1", &size), -1);
	pthread_mutex_lock(&mu);
	go = true;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	assert_true(exporter_wait(x, a, "user1")); /* the job's end, not a time */
	assert_true(exporter_state(x, a, "user1", &s));
	assert_string_equal(s.status, "done");
	assert_int_equal(s.rows_done, 1);
	fd = exporter_file(x, a, "user1", &size);
	assert_true(fd >= 0);
	assert_true(size > 0);
	close(fd);
	assert_int_equal(access(dir, F_OK), 0);
	exporter_stop(x);
	assert_int_equal(rmdir(dir), 0); /* nothing left in the folder */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_stays_text),
		cmocka_unit_test(test_jobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
