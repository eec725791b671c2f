/* static — the web console and the OpenAPI document, compiled into the binary by
 * tools/embed.mjs. Each asset is kept plain and gzip-compressed, with a strong ETag;
 * hashed files under /assets/ are cached for a year, everything else revalidates. */
#ifndef FK_STATIC_H
#define FK_STATIC_H

#include <stdbool.h>
#include <stddef.h>

struct asset {
	const char *path; /* "/index.html", "/assets/index-3f2a.js"; sorted */
	const char *type;
	const unsigned char *data;
	size_t len;
	const unsigned char *gz; /* NULL when compression does not pay */
	size_t gz_len;
	const char *etag;
	int immutable;
};

extern const struct asset fk_assets[];
extern const size_t fk_nassets;

struct req;
/* Serves path from the embedded assets; unknown paths without an extension get
 * index.html (the console's own routes). */
void static_serve(struct req *r);
bool static_find(const char *path, const void **data, size_t *len);

#endif
