/* api_meta — health and the OpenAPI document (docs/openapi.json, embedded at build). */
#include "api/api.h"

void api_healthz(struct req *r) { reply_json(r, 200, json_pack("{s:s}", "status", "ok")); }

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
