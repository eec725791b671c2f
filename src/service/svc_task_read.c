/* svc_task_read — reading verification tasks through the one read path (service.h): a
 * task is the caller's when its area and its person's file are in scope; lists and counts
 * stay under the caller's area. */
#include "service/service.h"

enum store_status svc_task_get(struct store *s, const struct principal *who, const char *id,
			       struct arena *a, struct task *out)
{
	enum store_status st = store_task_get(s, id, a, out);

	if (st == STORE_OK && (!svc_sees(who, out->area) || !svc_sees(who, out->person_area)))
		return svc_deny(who, "task", id, NULL);
	return st;
}

/* A streamed list's rows pass through the same rule as a page's (svc_task_list). */
struct task_each {
	const struct principal *who;
	const struct store_each *to;
};

static bool task_row(void *ctx, const void *row)
{
	struct task_each *x = ctx;
	struct task t = *(const struct task *)row;

	if (!svc_sees(x->who, t.person_area)) /* a file kept elsewhere: not ours */
		t.person_name = "";
	return x->to->row(x->to->ctx, &t);
}

enum store_status svc_task_list(struct store *s, const struct principal *who, struct task_query *q,
				struct arena *a, struct task **out, size_t *n, int64_t *total)
{
	enum store_status st;
	const struct store_each *to = q->each;
	struct task_each x = {who, to};
	struct store_each each = {task_row, &x};

	q->scope = who->area;
	q->unassigned_at = NULL; /* the pool is svc_task_pool's, by its own rule */
	if (q->area && (st = svc_scope_check(who, q->area, NULL)) != STORE_OK)
		return st;
	if (to)
		q->each = &each;
	st = store_task_list(s, q, a, out, n, total);
	q->each = to;
	if (st != STORE_OK)
		return st;
	for (size_t i = 0; i < *n; i++)
		if (!svc_sees(who, (*out)[i].person_area)) /* a file kept elsewhere: not ours */
			(*out)[i].person_name = "";
	return STORE_OK;
}

enum store_status svc_task_pool(struct store *s, const struct principal *who, struct task_query *q,
				struct arena *a, struct task **out, size_t *n, int64_t *total)
{
	const char *village = svc_task_village(who, a);

	*n = 0;
	*total = 0;
	*out = NULL;
	if (!village)
		return STORE_OK;
	/* the pool's own rule, not the caller's scope: exactly the village, unassigned, the
	 * file kept there (the SQL's unassigned_at) */
	q->scope = village;
	q->area = NULL;
	q->status = "open";
	q->unassigned_at = village;
	return store_task_list(s, q, a, out, n, total);
}

enum store_status svc_task_stats(struct store *s, const struct principal *who, const char *area,
				 int64_t now, struct arena *a, struct task_stats **out, size_t *n)
{
	enum store_status st;

	if (!area)
		area = who->area;
	if ((st = svc_scope_check(who, area, NULL)) != STORE_OK)
		return st;
	return store_task_stats(s, area, now, a, out, n);
}
