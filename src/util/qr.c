/* qr — see qr.h. Each dark module becomes "M x yh1v1h-1z" in one path; runs of dark
 * modules in a row are merged into one rectangle to keep the image small. */
#include "util/qr.h"

#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#define QUIET 4
#define lit(b, s) buf_append((b), (s), sizeof(s) - 1)

static void put(struct buf *b, const char *fmt, int x, int y, int run)
{
	char tmp[256];
	int n = snprintf(tmp, sizeof tmp, fmt, x, y, run, run);
	buf_append(b, tmp, (size_t)n);
}

const char *qr_svg(const char *text, struct arena *a)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	struct buf b = {0};
	const char *out;
	int w, size;

	if (!q)
		return NULL;
	w = q->width;
	size = w + 2 * QUIET;
	buf_init(&b, 1u << 20);
	put(&b,
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
	    " shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>",
	    size, size, size);
	lit(&b, "<path fill=\"#000\" d=\"");
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(q->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (q->data[y * w + x + run] & 1))
				run++;
			put(&b, "M%d %dh%dv1h-%dz", x + QUIET, y + QUIET, run);
			x += run;
		}
	}
	lit(&b, "\"/></svg>");
	QRcode_free(q);
	out = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return out;
}
