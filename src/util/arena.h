/* arena — per-request memory.
 *
 * Ownership rule: everything allocated from an arena lives until arena_free(); nothing
 * allocated from it is freed on its own. Allocation never fails: out of memory aborts
 * (as Redis does) instead of adding an untested error path to every caller. */
#ifndef FK_ARENA_H
#define FK_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);  /* zeroed, 16-byte aligned */
char *arena_strdup(struct arena *a, const char *s); /* NULL stays NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Aborts the process with a message; used on out-of-memory everywhere. */
_Noreturn void fk_oom(void);
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);

#endif
