/* metrics — what /metrics says (docs/operations.md section 4): the requests by route pattern,
 * and the rendering of the whole exposition from them, the store's snapshot and the
 * process.
 *
 * Per request: one atomic add at its start (in flight), and at its end one on its counter
 * (route × method × status class) and two on its route's latency histogram, in arrays
 * indexed by the route's number in the table: no lock, no allocation. The route label is
 * the table's pattern ("/api/v1/persons/{id}"), never the path; a request no route
 * matched counts as "static" (GET or HEAD outside /api: the console's files) or "other".
 * So every label comes from a finite set and none holds personal data. */
#ifndef FK_HTTP_METRICS_H
#define FK_HTTP_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "http/router.h"
#include "store/store.h"
#include "util/buf.h"

struct http_metrics;
struct server;

struct http_metrics *http_metrics_new(const struct route *routes, size_t nroutes);
void http_metrics_free(struct http_metrics *m);
/* A request starts (in flight). */
void http_metrics_begin(struct http_metrics *m);
/* A request ends: route is its index in the table, or nroutes for "other", nroutes + 1 for
 * "static"; status 0: no reply was sent (counted in flight only). */
void http_metrics_end(struct http_metrics *m, size_t route, enum http_method method,
		      unsigned status, int64_t us);
enum { HTTP_METRICS_OTHER = 0, HTTP_METRICS_STATIC = 1 }; /* offsets past nroutes */

/* The whole exposition (text format 0.0.4) into out. */
void http_metrics_render(struct server *srv, const struct store_metrics *sm, struct buf *out);

#endif
