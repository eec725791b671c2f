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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_get_str), cmocka_unit_test(test_json_bool_and_keys),
		cmocka_unit_test(test_utf8_chars),   cmocka_unit_test(test_time),
		cmocka_unit_test(test_buf_cap),      cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
