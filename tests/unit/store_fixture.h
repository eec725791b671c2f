/* store_fixture — a store on a fresh SQLite file in a temporary folder, for the unit tests
 * that drive the store or the service layer in process. fixture_open() makes the folder,
 * opens the store with opts and loads seeds (none when n is 0); fixture_close() closes it
 * and removes the folder. Both return 0 or -1, as cmocka's setup and teardown do. */
#ifndef FK_TEST_STORE_FIXTURE_H
#define FK_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "service/service.h"
#include "store/store.h"

struct fixture {
	char dir[64], path[128];
	struct store *s;
	struct arena *a;
};

static inline int fixture_open(void **state, const char *tag, struct store_opts opts,
			       const struct area_seed *seeds, size_t n)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *err;

	*state = f;
	snprintf(f->dir, sizeof f->dir, "/tmp/fk-%s-XXXXXX", tag);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	opts.create = true;
	f->s = store_open(f->path, &opts, &err);
	f->a = arena_new();
	/* the system loads the tree, over its first area (the root) */
	struct principal sys = svc_system_principal(n ? seeds[0].code : "");
	if (!f->s || (n && svc_area_load(f->s, &sys, seeds, n, f->a) != STORE_OK))
		return -1;
	return 0;
}

/* Waits until every write queued before it has committed, and what bulk jobs left
 * (store_flush: a write that waits follows them through the writer's one queue). */
static inline int fixture_flush(struct fixture *f)
{
	return store_flush(f->s) == STORE_OK ? 0 : -1;
}

static inline int fixture_close(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	store_close(f->s);
	arena_free(f->a);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	free(f);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
