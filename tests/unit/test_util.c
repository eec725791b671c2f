/* util: JSON field readers, UTF-8 counting, ISO times, capped buffers, arenas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/timeutil.h"
#include "util/workers.h"

#include <pthread.h>

static void test_json_get_str(void **state)
{
	json_t *o = json_loads("{\"a\":\"溧阳市\",\"e\":\"\",\"n\":null,\"i\":3,\"z\":\"x\\u0000y\"}", JSON_ALLOW_NUL,
			       NULL);
	const char *s;
	(void)state;
	assert_non_null(o);
	assert_int_equal(json_get_str(o, "a", 3, true, &s), JSON_FIELD_OK);
	assert_string_equal(s, "溧阳市");
	assert_int_equal(json_get_str(o, "a", 2, true, &s), JSON_FIELD_TOO_LONG);
	assert_null(s);
	assert_int_equal(json_get_str(o, "e", 5, true, &s), JSON_FIELD_MISSING);
	assert_int_equal(json_get_str(o, "e", 5, false, &s), JSON_FIELD_OK);
	assert_string_equal(s, "");
	assert_int_equal(json_get_str(o, "n", 5, true, &s), JSON_FIELD_MISSING);
	assert_int_equal(json_get_str(o, "n", 5, false, &s), JSON_FIELD_ABSENT);
	assert_int_equal(json_get_str(o, "missing", 5, false, &s), JSON_FIELD_ABSENT);
	assert_int_equal(json_get_str(o, "i", 5, false, &s), JSON_FIELD_TYPE);
	/* an embedded NUL would cut the string short in C: refused */
	assert_int_equal(json_get_str(o, "z", 5, false, &s), JSON_FIELD_TYPE);
	json_decref(o);
}

static void test_json_bool_and_keys(void **state)
{
	json_t *o = json_loads("{\"d\":true,\"s\":\"true\",\"x\":1}", 0, NULL);
	static const char *const allowed[] = {"d", "s", NULL};
	static const char *const all[] = {"d", "s", "x", NULL};
	bool b = false;
	(void)state;
	assert_int_equal(json_get_bool(o, "d", true, &b), JSON_FIELD_OK);
	assert_true(b);
	assert_int_equal(json_get_bool(o, "s", true, &b), JSON_FIELD_TYPE);
	assert_int_equal(json_get_bool(o, "q", true, &b), JSON_FIELD_MISSING);
	assert_int_equal(json_get_bool(o, "q", false, &b), JSON_FIELD_ABSENT);
	assert_string_equal(json_unknown_key(o, allowed), "x");
	assert_null(json_unknown_key(o, all));
	json_decref(o);
}

static void test_utf8_chars(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars(""), 0);
	assert_int_equal(utf8_chars("abc"), 3);
	assert_int_equal(utf8_chars("社渚镇"), 3);
	assert_int_equal(utf8_chars("a社b"), 3);
	assert_int_equal(utf8_chars("😀"), 1);
}

static void test_time(void **state)
{
	char iso[ISO_TIME_LEN + 1];
	int64_t t;
	(void)state;
	assert_true(time_parse_iso("2020-01-26", &t));
	assert_int_equal(t, 1579996800);
	time_iso(t, iso);
	assert_string_equal(iso, "2020-01-26T00:00:00Z");
	assert_true(time_parse_iso("2020-01-26T08:30", &t));
	assert_int_equal(t, 1579996800 + 8 * 3600 + 30 * 60);
	assert_true(time_parse_iso("2020-02-29T23:59:59Z", &t));
	time_iso(t, iso);
	assert_string_equal(iso, "2020-02-29T23:59:59Z");
	assert_false(time_parse_iso("2020-13-01", &t));
	assert_false(time_parse_iso("2020-01-32", &t));
	assert_false(time_parse_iso("2020-01-26T24:00", &t));
	assert_false(time_parse_iso("2020-01-26X", &t));
	assert_false(time_parse_iso("2020-1-26", &t));
	assert_false(time_parse_iso("", &t));
	assert_false(time_parse_iso(NULL, &t));
	assert_false(time_parse_iso("1969-12-31", &t));
	/* the epoch is a time (0), not "absent"; days past the month's end are refused */
	t = -1;
	assert_true(time_parse_iso("1970-01-01T00:00:00Z", &t));
	assert_int_equal(t, 0);
	assert_false(time_parse_iso("2021-02-29", &t));
	assert_false(time_parse_iso("2020-02-30", &t));
	assert_false(time_parse_iso("2020-04-31T10:00:00Z", &t));
	assert_true(time_parse_iso("2000-02-29", &t));
	assert_false(time_parse_iso("1900-02-29", &t));
	/* JavaScript's toISOString and local offsets */
	assert_true(time_parse_iso("2020-01-26T08:30:15.123Z", &t));
	assert_int_equal(t, 1579996800 + 8 * 3600 + 30 * 60 + 15);
	assert_true(time_parse_iso("2020-01-26T08:30:00+08:00", &t));
	assert_int_equal(t, 1579996800 + 30 * 60);
	assert_true(time_parse_iso("2020-01-26T08:30:00.5-01:30", &t));
	assert_int_equal(t, 1579996800 + 10 * 3600);
	assert_false(time_parse_iso("2020-01-26T08:30:00.Z", &t));
	assert_false(time_parse_iso("2020-01-26T08:30:00+8", &t));
	assert_false(time_parse_iso("2020-01-26T08:30:00+15:00", &t));
}

static void test_buf_cap(void **state)
{
	struct buf b;
	char big[300];
	(void)state;
	memset(big, 'x', sizeof big);
	buf_init(&b, 500);
	assert_true(buf_append(&b, big, 300));
	assert_int_equal(b.len, 300);
	assert_int_equal(b.data[300], '\0');
	assert_true(buf_append(&b, big, 200)); /* exactly at the cap */
	assert_false(buf_append(&b, "y", 1));  /* one past it */
	assert_int_equal(b.len, 500);
	buf_free(&b);
	assert_null(b.data);
}

static void test_arena(void **state)
{
	struct arena *a = arena_new();
	char *big;
	(void)state;
	for (int i = 0; i < 1000; i++) {
		char *p = arena_printf(a, "%d-%s", i, "社渚镇");
		assert_int_equal(((uintptr_t)arena_alloc(a, 3)) % 16, 0);
		assert_non_null(strstr(p, "社渚镇"));
	}
	big = arena_alloc(a, 100000); /* larger than a chunk */
	memset(big, 1, 100000);
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	arena_free(a);
	arena_free(NULL);
}

/* A pool whose items wait at a gate the test opens: items run in order of arrival on one
 * thread, a full queue refuses, and stopping runs what is queued, then refuses. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool open;
	int started, ran[8], nran;
} gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, {0}, 0};

static void gated(void *item)
{
	pthread_mutex_lock(&gate.mu);
	gate.started++;
	pthread_cond_broadcast(&gate.cv);
	while (!gate.open)
		pthread_cond_wait(&gate.cv, &gate.mu);
	gate.ran[gate.nran++] = *(int *)item;
	pthread_mutex_unlock(&gate.mu);
}

static void test_workers(void **state)
{
	static int items[5] = {1, 2, 3, 4, 5};
	struct workers *w = workers_start(1, 3, gated);
	(void)state;

	assert_true(workers_submit(w, &items[0]));
	pthread_mutex_lock(&gate.mu); /* the first item is taken: the queue is empty again */
	while (gate.started < 1)
		pthread_cond_wait(&gate.cv, &gate.mu);
	pthread_mutex_unlock(&gate.mu);
	assert_true(workers_submit(w, &items[1]));
	assert_true(workers_submit(w, &items[2]));
	assert_true(workers_submit(w, &items[3]));
	assert_false(workers_submit(w, &items[4])); /* three queued: full */
	pthread_mutex_lock(&gate.mu);
	gate.open = true;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	workers_stop(w); /* runs what is queued */
	assert_int_equal(gate.nran, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(gate.ran[i], i + 1);
	workers_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_get_str), cmocka_unit_test(test_json_bool_and_keys),
		cmocka_unit_test(test_utf8_chars),   cmocka_unit_test(test_time),
		cmocka_unit_test(test_buf_cap),      cmocka_unit_test(test_arena),
		cmocka_unit_test(test_workers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
