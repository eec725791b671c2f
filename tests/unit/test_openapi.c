/*
 * Unit test: docs/openapi.json against the route table (api/api.c).
 *
 * The document is written by hand; this test keeps it honest. Every route of
 * api_routes[] must be documented under the same path template and method, and
 * nothing else may be; public routes say `security: []` and the others require
 * the session cookie (plus the X-CSRF-Token header when they change state);
 * every operation has an operationId (unique) and a 2xx response; the path
 * parameters match the template; every $ref resolves inside the document.
 *
 * Runs with the working directory at the repository root. Each check reports
 * every problem it finds (print_error) before failing, so one run lists them all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"

#define OPENAPI_PATH "docs/openapi.json"

/* The operation keys of an OpenAPI 3.0 path item. */
static const char *const oas_methods[] = {"get",     "put",  "post",  "delete",
					  "options", "head", "patch", "trace"};
#define N_OAS_METHODS (sizeof oas_methods / sizeof oas_methods[0])

static bool is_oas_method(const char *key)
{
	for (size_t i = 0; i < N_OAS_METHODS; i++)
		if (!strcmp(key, oas_methods[i]))
			return true;
	return false;
}

/* "GET" → "get" into out. */
static void method_key(enum http_method m, char out[16])
{
	const char *name = http_method_name(m);
	size_t i = 0;

	for (; name[i] && i < 15; i++)
		out[i] = (name[i] >= 'A' && name[i] <= 'Z') ? (char)(name[i] - 'A' + 'a') : name[i];
	out[i] = '\0';
}

static json_t *operation(json_t *doc, const char *pattern, const char *method)
{
	json_t *item = json_object_get(json_object_get(doc, "paths"), pattern);
	json_t *op = json_object_get(item, method);

	return json_is_object(op) ? op : NULL;
}

static const struct route *find_route(const char *pattern, const char *method)
{
	char key[16];

	for (size_t i = 0; i < api_nroutes; i++) {
		method_key(api_routes[i].method, key);
		if (!strcmp(api_routes[i].pattern, pattern) && !strcmp(key, method))
			return &api_routes[i];
	}
	return NULL;
}

/* Resolves a local reference ("#/components/schemas/Area") as a JSON pointer
 * (RFC 6901, with ~0 and ~1); NULL when it is not local or does not resolve. */
static json_t *resolve_ref(json_t *doc, const char *ref)
{
	json_t *cur = doc;

	if (ref[0] != '#')
		return NULL;
	ref++;
	if (*ref && *ref != '/')
		return NULL;
	while (*ref == '/') {
		char tok[256];
		size_t n, k = 0;

		ref++;
		n = strcspn(ref, "/");
		for (size_t i = 0; i < n; i++) {
			if (k + 1 >= sizeof tok)
				return NULL;
			if (ref[i] == '~') {
				if (i + 1 >= n || (ref[i + 1] != '0' && ref[i + 1] != '1'))
					return NULL;
				tok[k++] = ref[i + 1] == '0' ? '~' : '/';
				i++;
			} else {
				tok[k++] = ref[i];
			}
		}
		tok[k] = '\0';
		if (json_is_object(cur)) {
			cur = json_object_get(cur, tok);
		} else if (json_is_array(cur)) {
			char *end;
			unsigned long idx = strtoul(tok, &end, 10);
			if (!k || *end || (tok[0] == '0' && k > 1))
				return NULL;
			cur = json_array_get(cur, idx);
		} else {
			return NULL;
		}
		if (!cur)
			return NULL;
		ref += n;
	}
	return cur;
}

/* An object that may be a {"$ref": …}: the object it refers to (one level). */
static json_t *deref(json_t *doc, json_t *v)
{
	json_t *r = json_object_get(v, "$ref");

	return json_is_string(r) ? resolve_ref(doc, json_string_value(r)) : v;
}

static int setup(void **state)
{
	json_error_t err;
	json_t *doc = json_load_file(OPENAPI_PATH, JSON_REJECT_DUPLICATES, &err);

	if (!doc) {
		print_error("%s:%d:%d: %s (run the test from the repository root)\n", OPENAPI_PATH,
			    err.line, err.column, err.text);
		return -1;
	}
	if (!json_is_object(doc) || !json_is_object(json_object_get(doc, "paths"))) {
		print_error("%s: not an object with \"paths\"\n", OPENAPI_PATH);
		json_decref(doc);
		return -1;
	}
	*state = doc;
	return 0;
}

static int teardown(void **state)
{
	json_decref(*state);
	return 0;
}

static void document_header(void **state)
{
	json_t *doc = *state;
	const char *version = json_string_value(json_object_get(doc, "openapi"));
	json_t *info = json_object_get(doc, "info");

	assert_non_null(version);
	assert_int_equal(strncmp(version, "3.0.", 4), 0);
	assert_string_equal(json_string_value(json_object_get(info, "title")), "fangkong API");
	assert_string_equal(json_string_value(json_object_get(info, "version")), "1");
}

/* (a) every route of the table is in the document. */
static void routes_are_documented(void **state)
{
	json_t *doc = *state;
	int bad = 0;
	char key[16];

	assert_true(api_nroutes > 0);
	for (size_t i = 0; i < api_nroutes; i++) {
		method_key(api_routes[i].method, key);
		if (!operation(doc, api_routes[i].pattern, key)) {
			print_error("route %s %s is missing from %s\n",
				    http_method_name(api_routes[i].method), api_routes[i].pattern,
				    OPENAPI_PATH);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* (b) every operation of the document is a route of the table. */
static void documented_operations_exist(void **state)
{
	json_t *doc = *state;
	const char *path, *key;
	json_t *item, *v;
	int bad = 0;

	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		if (!json_is_object(item)) {
			print_error("path %s: not an object\n", path);
			bad++;
			continue;
		}
		json_object_foreach(item, key, v)
		{
			if (is_oas_method(key)) {
				if (!find_route(path, key)) {
					print_error("%s %s is documented but not in api_routes[]\n", key,
						    path);
					bad++;
				}
			} else if (strcmp(key, "parameters") && strcmp(key, "summary") &&
				   strcmp(key, "description") && strcmp(key, "servers") &&
				   strncmp(key, "x-", 2)) {
				print_error("path %s: unexpected key \"%s\" (methods are lower case)\n",
					    path, key);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* The security scheme a requirement names, or NULL. */
static json_t *scheme(json_t *doc, const char *name)
{
	json_t *s = json_object_get(json_object_get(json_object_get(doc, "components"),
						    "securitySchemes"),
				    name);
	return json_is_object(s) ? s : NULL;
}

/* requirement holds an apiKey scheme located `in` with that name. */
static bool requires_key(json_t *doc, json_t *requirement, const char *in, const char *name)
{
	const char *k;
	json_t *v;

	json_object_foreach(requirement, k, v)
	{
		json_t *s = scheme(doc, k);
		const char *sin = json_string_value(json_object_get(s, "in"));
		const char *sname = json_string_value(json_object_get(s, "name"));

		if (sin && sname && !strcmp(sin, in) && !strcmp(sname, name))
			return true;
	}
	return false;
}

/* (c) public routes have `security: []`; the others need the session cookie, and
 * the X-CSRF-Token header when they change state (login excepted). */
static void security_matches_flags(void **state)
{
	json_t *doc = *state;
	int bad = 0;
	char key[16];

	for (size_t i = 0; i < api_nroutes; i++) {
		const struct route *rt = &api_routes[i];
		json_t *op, *sec, *req;
		size_t j;
		bool csrf;

		method_key(rt->method, key);
		if (!(op = operation(doc, rt->pattern, key)))
			continue; /* reported by routes_are_documented */
		sec = json_object_get(op, "security");
		if (rt->flags & ROUTE_PUBLIC) {
			if (!json_is_array(sec) || json_array_size(sec) != 0) {
				print_error("%s %s is public: it needs \"security\": []\n", key,
					    rt->pattern);
				bad++;
			}
			continue;
		}
		if (!sec)
			sec = json_object_get(doc, "security");
		if (!json_is_array(sec) || json_array_size(sec) == 0) {
			print_error("%s %s needs a session: its security must not be empty\n", key,
				    rt->pattern);
			bad++;
			continue;
		}
		csrf = http_method_writes(rt->method) && !(rt->flags & ROUTE_NO_CSRF);
		json_array_foreach(sec, j, req)
		{
			const char *k;
			json_t *v;

			if (!json_is_object(req) || json_object_size(req) == 0) {
				print_error("%s %s: an empty security requirement makes it public\n", key,
					    rt->pattern);
				bad++;
				continue;
			}
			json_object_foreach(req, k, v)
			{
				if (!scheme(doc, k)) {
					print_error("%s %s: unknown security scheme %s\n", key,
						    rt->pattern, k);
					bad++;
				}
			}
			if (!requires_key(doc, req, "cookie", "fk_session")) {
				print_error("%s %s: security must require the fk_session cookie\n", key,
					    rt->pattern);
				bad++;
			}
			if (csrf && !requires_key(doc, req, "header", "X-CSRF-Token")) {
				print_error("%s %s changes state: security must require X-CSRF-Token\n",
					    key, rt->pattern);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static bool is_status_key(const char *k)
{
	if (!strcmp(k, "default"))
		return true;
	if (strlen(k) != 3 || k[0] < '1' || k[0] > '5')
		return false;
	if (!strcmp(k + 1, "XX"))
		return true;
	return k[1] >= '0' && k[1] <= '9' && k[2] >= '0' && k[2] <= '9';
}

/* (d) every operation has a unique operationId and at least one 2xx response. */
static void operations_are_complete(void **state)
{
	json_t *doc = *state;
	json_t *ids = json_object();
	const char *path, *method;
	json_t *item, *op;
	int bad = 0, nops = 0;

	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		json_object_foreach(item, method, op)
		{
			const char *id, *status;
			json_t *responses, *resp;
			int ok = 0;

			if (!is_oas_method(method))
				continue;
			nops++;
			id = json_string_value(json_object_get(op, "operationId"));
			if (!id || !*id) {
				print_error("%s %s: no operationId\n", method, path);
				bad++;
			} else if (json_object_get(ids, id)) {
				print_error("%s %s: operationId %s is used twice\n", method, path, id);
				bad++;
			} else {
				json_object_set_new(ids, id, json_true());
			}
			responses = json_object_get(op, "responses");
			if (!json_is_object(responses)) {
				print_error("%s %s: no responses\n", method, path);
				bad++;
				continue;
			}
			json_object_foreach(responses, status, resp)
			{
				if (!is_status_key(status)) {
					print_error("%s %s: bad response key \"%s\"\n", method, path,
						    status);
					bad++;
				}
				if (status[0] == '2')
					ok++;
				if (!json_is_object(deref(doc, resp)) ||
				    !json_is_string(json_object_get(deref(doc, resp), "description"))) {
					print_error("%s %s: response %s has no description\n", method,
						    path, status);
					bad++;
				}
			}
			if (!ok) {
				print_error("%s %s: no 2xx response\n", method, path);
				bad++;
			}
		}
	}
	json_decref(ids);
	assert_int_equal((size_t)nops, api_nroutes);
	assert_int_equal(bad, 0);
}

/* The path parameter called name among params (an array that may hold $refs). */
static json_t *path_param(json_t *doc, json_t *params, const char *name)
{
	size_t i;
	json_t *p;

	json_array_foreach(params, i, p)
	{
		json_t *d = deref(doc, p);
		const char *in = json_string_value(json_object_get(d, "in"));
		const char *pn = json_string_value(json_object_get(d, "name"));

		if (in && pn && !strcmp(in, "path") && !strcmp(pn, name))
			return d;
	}
	return NULL;
}

/* The {name} segments of the template and the in:path parameters agree. */
static void path_parameters_match(void **state)
{
	json_t *doc = *state;
	const char *path, *method;
	json_t *item, *op;
	int bad = 0;

	json_object_foreach(json_object_get(doc, "paths"), path, item)
	{
		json_t *shared = json_object_get(item, "parameters");
		int nvars = 0;

		for (const char *s = strchr(path, '{'); s; s = strchr(s + 1, '{'))
			nvars++;
		json_object_foreach(item, method, op)
		{
			json_t *own = json_object_get(op, "parameters");
			int nparams = 0;
			size_t i;
			json_t *p;

			if (!is_oas_method(method))
				continue;
			for (const char *s = strchr(path, '{'); s; s = strchr(s + 1, '{')) {
				char name[64];
				size_t n = strcspn(s + 1, "}");
				json_t *d;

				if (n >= sizeof name || s[1 + n] != '}') {
					print_error("%s: malformed template\n", path);
					bad++;
					break;
				}
				memcpy(name, s + 1, n);
				name[n] = '\0';
				d = path_param(doc, own, name);
				if (!d)
					d = path_param(doc, shared, name);
				if (!d || !json_is_true(json_object_get(d, "required"))) {
					print_error("%s %s: path parameter %s is not declared as required\n",
						    method, path, name);
					bad++;
				}
			}
			/* every in:path parameter names a segment of the template */
			for (int round = 0; round < 2; round++) {
				json_array_foreach(round ? shared : own, i, p)
				{
					json_t *d = deref(doc, p);
					const char *in = json_string_value(json_object_get(d, "in"));
					const char *pn = json_string_value(json_object_get(d, "name"));
					char seg[80];

					if (!in || strcmp(in, "path"))
						continue;
					nparams++;
					snprintf(seg, sizeof seg, "{%s}", pn ? pn : "");
					if (!pn || !strstr(path, seg)) {
						print_error("%s %s: path parameter %s is not in the template\n",
							    method, path, pn ? pn : "(unnamed)");
						bad++;
					}
				}
			}
			if (nparams < nvars) {
				print_error("%s %s: %d path parameters for %d segments\n", method, path,
					    nparams, nvars);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

/* Walks v and counts every $ref that does not resolve inside doc. */
static int check_refs(json_t *doc, json_t *v, int *nrefs)
{
	int bad = 0;

	if (json_is_object(v)) {
		const char *k;
		json_t *c;

		json_object_foreach(v, k, c)
		{
			if (!strcmp(k, "$ref") && json_is_string(c)) {
				const char *ref = json_string_value(c);
				(*nrefs)++;
				if (!resolve_ref(doc, ref)) {
					print_error("$ref %s does not resolve inside %s\n", ref,
						    OPENAPI_PATH);
					bad++;
				}
			} else {
				bad += check_refs(doc, c, nrefs);
			}
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *c;

		json_array_foreach(v, i, c)
			bad += check_refs(doc, c, nrefs);
	}
	return bad;
}

/* (e) every $ref resolves inside the document. */
static void refs_resolve(void **state)
{
	json_t *doc = *state;
	int nrefs = 0;

	assert_int_equal(check_refs(doc, doc, &nrefs), 0);
	assert_true(nrefs > 0);
}

/* The pointer resolver itself, on a small document. */
static void resolver_works(void **state)
{
	json_t *d = json_loads("{\"a\":{\"b/c\":[1,{\"~x\":2}]}}", 0, NULL);

	(void)state;
	assert_non_null(d);
	assert_ptr_equal(resolve_ref(d, "#"), d);
	assert_int_equal(json_integer_value(resolve_ref(d, "#/a/b~1c/0")), 1);
	assert_int_equal(json_integer_value(resolve_ref(d, "#/a/b~1c/1/~0x")), 2);
	assert_null(resolve_ref(d, "#/a/b/c"));
	assert_null(resolve_ref(d, "#/a/b~1c/2"));
	assert_null(resolve_ref(d, "#/a/b~1c/01"));
	assert_null(resolve_ref(d, "#/a/b~2c"));
	assert_null(resolve_ref(d, "other.json#/a"));
	assert_null(resolve_ref(d, "#a"));
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolver_works),
		cmocka_unit_test(document_header),
		cmocka_unit_test(routes_are_documented),
		cmocka_unit_test(documented_operations_exist),
		cmocka_unit_test(security_matches_flags),
		cmocka_unit_test(operations_are_complete),
		cmocka_unit_test(path_parameters_match),
		cmocka_unit_test(refs_resolve),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
