/* router — matches a method and path against a route table.
 *
 * The table is data (api/api.c): method, pattern with {name} segments, handler, flags and
 * the permission it needs. The same table produces nothing else: the OpenAPI document is
 * checked against it by a test. Captured segments are copied into the request arena. */
#ifndef FK_ROUTER_H
#define FK_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"

enum http_method { HTTP_OTHER = 0, HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE };

enum http_method http_method_parse(const char *m);
const char *http_method_name(enum http_method m);
bool http_method_writes(enum http_method m); /* state-changing: needs CSRF */

struct req;
typedef void (*route_handler)(struct req *r);

enum route_flags {
	ROUTE_PUBLIC = 1u << 0,   /* no session needed */
	ROUTE_JSON = 1u << 1,     /* takes a JSON object body */
	ROUTE_PW_STATE = 1u << 2, /* allowed while the password must be changed */
	ROUTE_NO_CSRF = 1u << 3,  /* state-changing but before a session exists (login) */
	ROUTE_UPLOAD = 1u << 4,   /* multipart/form-data streamed to disk (http/upload.h) */
	ROUTE_SLOW = 1u << 5,     /* a read that may take long: runs on a worker, not an HTTP thread */
};

#define ROUTE_MAX_PARAMS 4

struct route {
	enum http_method method;
	const char *pattern; /* "/api/v1/areas/{code}" */
	route_handler handler;
	unsigned flags;
	unsigned perm; /* enum perm bits required; 0 = any signed-in user */
};

struct route_match {
	const struct route *route;
	const char *params[ROUTE_MAX_PARAMS];
	size_t nparams;
	bool path_known; /* the path matched some route, perhaps with another method */
};

/* true when method and path match a route. A path that matches only under another
 * method returns false with path_known set (405). HEAD matches GET routes. */
bool router_match(const struct route *routes, size_t n, enum http_method m, const char *path,
		  struct arena *a, struct route_match *out);

#endif
