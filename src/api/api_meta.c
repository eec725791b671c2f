/* api_meta — health, readiness, metrics and the OpenAPI document (docs/openapi.json,
 * embedded at build). See docs/operations.md section 4. */
#include <arpa/inet.h>

#include "api/api.h"

#include "http/metrics.h"
#include "util/cidr.h"

void api_healthz(struct req *r)
{
	reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

void api_openapi(struct req *r)
{
	static const char *const headers[] = {"Content-Type", "application/json; charset=utf-8",
					      "Cache-Control", "no-store", NULL};
	const void *data;
	size_t len;

	if (!static_find("/openapi.json", &data, &len)) {
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	reply_static(r, 200, data, len, headers);
}

void api_readyz(struct req *r)
{
	enum svc_readiness rd = svc_ready(r->srv->store, &r->srv->ready);
	const struct err_info *ei;

	if (rd == SVC_READY) {
		reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
		return;
	}
	ei = err_info(rd == SVC_SCHEMA_MISMATCH ? ERR_READY_SCHEMA : ERR_READY_NOT_WRITABLE);
	/* both languages: the caller is a monitor more often than a person */
	reply_json(r, ei->status,
		   json_pack("{s:s, s:{s:s, s:s, s:s, s:s}}", "status", "not_ready", "error",
			     "code", ei->code, "message", r->en ? ei->en : ei->zh, "zh", ei->zh,
			     "en", ei->en));
}

/* Whether ip (the text of r->ip) is in the list. */
static bool client_allowed(const struct cidr_list *l, const char *ip)
{
	struct sockaddr_in v4 = {.sin_family = AF_INET};
	struct sockaddr_in6 v6 = {.sin6_family = AF_INET6};

	if (inet_pton(AF_INET, ip, &v4.sin_addr) == 1)
		return cidr_list_match(l, (const struct sockaddr *)&v4);
	if (inet_pton(AF_INET6, ip, &v6.sin6_addr) == 1)
		return cidr_list_match(l, (const struct sockaddr *)&v6);
	return false;
}

void api_metrics(struct req *r)
{
	struct store_metrics sm;
	struct buf b;

	/* the client's address as the server sees it: the TCP peer, or, behind a trusted proxy
	 * (--trusted-proxy), the client it names. A scrape through nginx on this machine is
	 * then judged by the outside address, not by the proxy's 127.0.0.1. */
	if (!client_allowed(&r->srv->cfg.metrics_allow, r->ip)) {
		reply_error(r, ERR_NOT_FOUND, NULL); /* as if there were no such page */
		return;
	}
	svc_store_metrics(r->srv->store, &sm);
	buf_init(&b, (size_t)64 << 20);
	http_metrics_render(r->srv, &sm, &b);
	reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", NULL, b.data, b.len);
}
