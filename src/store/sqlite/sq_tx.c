/* sq_tx — transactions for the service layer: store_run() hands a use case the writer's
 * connection inside the job's savepoint of a group commit (sq_writer.c), as an opaque
 * struct store_tx; store_view() hands a read a reader connection inside one read
 * transaction (one snapshot; readers are PRAGMA query_only, so a write through it fails).
 * The store_tx_* operations of every entity take either handle. */
#include <stdlib.h>

#include "store/sqlite/sq.h"

struct run_ctx {
	store_tx_fn fn;
	void *ctx;
};

static enum store_status run_job(struct sq_conn *c, void *p)
{
	struct run_ctx *x = p;
	return x->fn(sq_tx(c), x->ctx);
}

enum store_status store_run(struct store *s, store_tx_fn fn, void *ctx)
{
	struct run_ctx x = {fn, ctx};
	return sq_write(s, run_job, &x);
}

enum store_status store_run_bulk(struct store *s, store_tx_fn fn, void *ctx)
{
	struct run_ctx x = {fn, ctx};
	return sq_write_bulk(s, run_job, &x);
}

static enum store_status nothing(struct sq_conn *c, void *p)
{
	(void)c;
	(void)p;
	return STORE_OK;
}

/* An interactive job commits the bulk jobs' open transaction that it joins. */
enum store_status store_flush(struct store *s)
{
	return sq_write(s, nothing, NULL);
}

/* A queued run owns its copy of fn and ctx until the writer is done with it. */
struct queued_run {
	store_tx_fn fn;
	void *ctx;
	void (*free_ctx)(void *);
};

static enum store_status queued_job(struct sq_conn *c, void *p)
{
	struct queued_run *x = p;
	return x->fn(sq_tx(c), x->ctx);
}

static void queued_free(void *p)
{
	struct queued_run *x = p;

	if (x->free_ctx)
		x->free_ctx(x->ctx);
	free(x);
}

void store_run_queued(struct store *s, store_tx_fn fn, void *ctx, void (*free_ctx)(void *))
{
	struct queued_run *x = xmalloc(sizeof *x);

	*x = (struct queued_run){fn, ctx, free_ctx};
	sq_write_async(s, queued_job, x, queued_free);
}

enum store_status store_view(struct store *s, store_tx_fn fn, void *ctx)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = fn(sq_tx(c), ctx);
		/* nothing was written: either end only lets the snapshot go */
		if (sq_exec(c, ss == STORE_OK ? "COMMIT" : "ROLLBACK") != STORE_OK && ss == STORE_OK)
			ss = STORE_ERROR;
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_idem_check(struct store_tx *tx, const struct store_idem *idem,
				      const char *kind, char *object_id, size_t sz)
{
	return sq_idem_check(sq_conn_of(tx), idem, kind, object_id, sz);
}

enum store_status store_tx_idem_save(struct store_tx *tx, const struct store_idem *idem,
				     const char *kind, const char *object_id)
{
	return sq_idem_save(sq_conn_of(tx), idem, kind, object_id);
}

enum store_status store_tx_audit(struct store_tx *tx, const struct audit_entry *e)
{
	return sq_audit_insert(sq_conn_of(tx), e);
}
