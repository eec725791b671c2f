/* router — linear scan over a short table, segment by segment. With some twenty routes a
 * scan costs less than building anything cleverer, and the table stays readable. */
#include "http/router.h"

#include <string.h>

static const char *const method_names[] = {"OTHER", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};

enum http_method http_method_parse(const char *m)
{
	for (size_t i = 1; i < sizeof method_names / sizeof method_names[0]; i++)
		if (m && !strcmp(m, method_names[i]))
			return (enum http_method)i;
	return HTTP_OTHER;
}

const char *http_method_name(enum http_method m)
{
	return (unsigned)m < sizeof method_names / sizeof method_names[0] ? method_names[m] : "OTHER";
}

bool http_method_writes(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE ||
	       m == HTTP_OTHER;
}

/* Matches one pattern; fills params on success. */
static bool match_path(const char *pat, const char *path, struct arena *a,
		       struct route_match *out)
{
	size_t np = 0;

	while (*pat && *path) {
		if (*pat == '{') {
			const char *pend = strchr(pat, '}');
			size_t len = strcspn(path, "/");
			if (!pend || len == 0 || np == ROUTE_MAX_PARAMS)
				return false;
			out->params[np++] = arena_strndup(a, path, len);
			pat = pend + 1;
			path += len;
		} else if (*pat++ != *path++) {
			return false;
		}
	}
	if (*pat || *path)
		return false;
	out->nparams = np;
	return true;
}

bool router_match(const struct route *routes, size_t n, enum http_method m, const char *path,
		  struct arena *a, struct route_match *out)
{
	enum http_method want = m == HTTP_HEAD ? HTTP_GET : m;

	memset(out, 0, sizeof *out);
	if (!path || path[0] != '/') /* every pattern starts with '/' */
		return false;
	for (size_t i = 0; i < n; i++) {
		struct route_match tmp = {0};
		if (!match_path(routes[i].pattern, path, a, &tmp))
			continue;
		out->path_known = true;
		if (routes[i].method != want)
			continue;
		*out = tmp;
		out->route = &routes[i];
		out->path_known = true;
		return true;
	}
	return false;
}
