#include "util/buf.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

void buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

bool buf_append(struct buf *b, const void *p, size_t n)
{
	if (n > b->max - b->len)
		return false;
	if (b->len + n + 1 > b->cap_alloc) {
		size_t cap = b->cap_alloc ? b->cap_alloc : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			fk_oom();
		b->cap_alloc = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return true;
}

void buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}
