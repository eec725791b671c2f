#include "http/static.h"

#include <stdlib.h>
#include <string.h>

#include "http/server.h"

static int cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct asset *)elem)->path);
}

static const struct asset *find(const char *path)
{
	return fk_nassets ? bsearch(path, fk_assets, fk_nassets, sizeof fk_assets[0], cmp) : NULL;
}

bool static_find(const char *path, const void **data, size_t *len)
{
	const struct asset *a = find(path);

	if (!a)
		return false;
	*data = a->data;
	*len = a->len;
	return true;
}

static bool accepts_gzip(struct req *r)
{
	const char *ae = req_header(r, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

void static_serve(struct req *r)
{
	const char *path = !strcmp(r->path, "/") ? "/index.html" : r->path;
	const struct asset *a = find(path);
	const char *slash = strrchr(path, '/'), *inm;
	bool gz;

	if (!slash) { /* the server answers such targets before: never here */
		reply_error(r, ERR_TARGET_INVALID, NULL);
		return;
	}
	/* a page of the single-page console (no extension) gets index.html */
	if (!a && !strchr(slash, '.'))
		a = find("/index.html");
	if (!a) {
		reply_error(r, ERR_NOT_FOUND, NULL);
		return;
	}
	inm = req_header(r, "If-None-Match");
	gz = a->gz && accepts_gzip(r);
	const char *headers[] = {"Content-Type", a->type, "ETag", a->etag, "Cache-Control",
				 a->immutable ? "public, max-age=31536000, immutable" : "no-cache",
				 "Vary", "Accept-Encoding", gz ? "Content-Encoding" : NULL, "gzip",
				 NULL};
	if (inm && !strcmp(inm, a->etag)) {
		reply_static(r, 304, "", 0, headers);
		return;
	}
	reply_static(r, 200, gz ? a->gz : a->data, gz ? a->gz_len : a->len, headers);
}
