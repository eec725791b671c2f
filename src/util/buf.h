/* buf — a growable byte buffer with a hard cap (after curl's dynbuf).
 *
 * Every buffer a client can grow has a cap; buf_append fails with false once the cap
 * would be passed, and the caller answers 413. The buffer owns its bytes; buf_free
 * releases them. Out of memory aborts. */
#ifndef FK_BUF_H
#define FK_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *data; /* NUL-terminated when len > 0 */
	size_t len, cap_alloc, max;
};

void buf_init(struct buf *b, size_t max);
bool buf_append(struct buf *b, const void *p, size_t n);
void buf_free(struct buf *b);

#endif
