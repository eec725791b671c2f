/* Router: patterns, parameters, methods. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/router.h"

static void h(struct req *r) { (void)r; }

static const struct route routes[] = {
	{HTTP_GET, "/healthz", h, ROUTE_PUBLIC, 0},
	{HTTP_GET, "/api/v1/areas", h, 0, 0},
	{HTTP_POST, "/api/v1/areas", h, ROUTE_JSON, 0},
	{HTTP_GET, "/api/v1/areas/{code}", h, 0, 0},
	{HTTP_PATCH, "/api/v1/areas/{code}", h, ROUTE_JSON, 0},
	{HTTP_POST, "/api/v1/users/{id}/reset-password", h, 0, 0},
	{HTTP_GET, "/a/{x}/{y}/{z}/{w}", h, 0, 0},
	{HTTP_GET, "/b/{x}/{y}/{z}/{w}/{v}", h, 0, 0},
};
static const size_t nroutes = sizeof routes / sizeof routes[0];

static struct arena *a;

static int setup(void **state)
{
	(void)state;
	a = arena_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static bool match(enum http_method m, const char *path, struct route_match *out)
{
	return router_match(routes, nroutes, m, path, a, out);
}

static void test_static_paths(void **state)
{
	struct route_match m;
	(void)state;
	assert_true(match(HTTP_GET, "/healthz", &m));
	assert_ptr_equal(m.route, &routes[0]);
	assert_int_equal(m.nparams, 0);
	assert_true(match(HTTP_POST, "/api/v1/areas", &m));
	assert_ptr_equal(m.route, &routes[2]);
	assert_false(match(HTTP_GET, "/healthz/", &m));
	assert_false(m.path_known);
	assert_false(match(HTTP_GET, "/healthzz", &m));
	assert_false(match(HTTP_GET, "", &m));
	assert_false(match(HTTP_GET, NULL, &m));
	assert_false(match(HTTP_GET, "/", &m));
}

static void test_params(void **state)
{
	struct route_match m;
	(void)state;
	assert_true(match(HTTP_GET, "/api/v1/areas/320481116", &m));
	assert_ptr_equal(m.route, &routes[3]);
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.params[0], "320481116");
	assert_true(match(HTTP_POST, "/api/v1/users/abc/reset-password", &m));
	assert_string_equal(m.params[0], "abc");
	/* a parameter never spans segments and is never empty */
	assert_false(match(HTTP_GET, "/api/v1/areas/", &m));
	assert_false(match(HTTP_GET, "/api/v1/areas/1/2", &m));
	assert_false(match(HTTP_POST, "/api/v1/users//reset-password", &m));
	assert_true(match(HTTP_GET, "/a/1/2/3/4", &m));
	assert_int_equal(m.nparams, 4);
	assert_string_equal(m.params[3], "4");
	/* more parameters than ROUTE_MAX_PARAMS never match */
	assert_false(match(HTTP_GET, "/b/1/2/3/4/5", &m));
}

static void test_methods(void **state)
{
	struct route_match m;
	(void)state;
	assert_false(match(HTTP_DELETE, "/api/v1/areas/1", &m));
	assert_true(m.path_known);
	assert_null(m.route);
	assert_true(match(HTTP_HEAD, "/healthz", &m)); /* HEAD is served by GET routes */
	assert_false(match(HTTP_PATCH, "/healthz", &m));
	assert_true(m.path_known);
	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("get"), HTTP_OTHER);
	assert_int_equal(http_method_parse("BREW"), HTTP_OTHER);
	assert_int_equal(http_method_parse(NULL), HTTP_OTHER);
	assert_string_equal(http_method_name(HTTP_PATCH), "PATCH");
	assert_true(http_method_writes(HTTP_POST));
	assert_true(http_method_writes(HTTP_OTHER));
	assert_false(http_method_writes(HTTP_GET));
	assert_false(http_method_writes(HTTP_HEAD));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_paths),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_methods),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
