/* sq_audit — the append-only audit trail. Rows are inserted in the same transaction as
 * the change they record; triggers refuse UPDATE and DELETE, and no code path tries. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"
#include "util/timeutil.h"

enum store_status sq_audit_insert(struct sq_conn *c, const struct audit_entry *e)
{
	static const char sql[] =
		"INSERT INTO audit(at, user_id, username, ip, action, object_type, object_id,"
		" area_code, result, before_json, after_json, request_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

	return sq_run(c, sql,
		      SQ_PARAMS(SQ_INT(time_now()), SQ_TEXT(e->user_id), SQ_TEXT(e->username),
				SQ_TEXT(e->ip), SQ_TEXT(e->action), SQ_TEXT(e->object_type),
				SQ_TEXT(e->object_id),
				SQ_TEXT(e->area && *e->area ? e->area : NULL),
				SQ_TEXT(e->result ? e->result : "ok"), SQ_TEXT(e->before),
				SQ_TEXT(e->after), SQ_TEXT(e->request_id)));
}

/* An audit entry copied for the async queue: the request's memory is gone by then. */
struct audit_copy {
	struct audit_entry e; /* first: the copy is handed out as its entry */
	char *strs[12];
};

static enum store_status audit_job(struct sq_conn *c, void *ctx)
{
	return sq_audit_insert(c, ctx);
}

void sq_audit_copy_free(struct audit_entry *e)
{
	struct audit_copy *ac = (struct audit_copy *)e;

	if (!ac)
		return;
	for (size_t i = 0; i < sizeof ac->strs / sizeof ac->strs[0]; i++)
		free(ac->strs[i]);
	free(ac);
}

static void audit_copy_free(void *p)
{
	sq_audit_copy_free(p);
}

static const char *keep(struct audit_copy *ac, int i, const char *s)
{
	return ac->strs[i] = s ? xstrdup(s) : NULL;
}

struct audit_entry *sq_audit_copy(const struct audit_entry *e)
{
	struct audit_copy *ac = xcalloc(1, sizeof *ac);

	ac->e.user_id = keep(ac, 0, e->user_id);
	ac->e.username = keep(ac, 1, e->username);
	ac->e.ip = keep(ac, 2, e->ip);
	ac->e.request_id = keep(ac, 3, e->request_id);
	ac->e.action = keep(ac, 4, e->action);
	ac->e.object_type = keep(ac, 5, e->object_type);
	ac->e.object_id = keep(ac, 6, e->object_id);
	ac->e.area = keep(ac, 7, e->area);
	ac->e.result = keep(ac, 8, e->result);
	ac->e.before = keep(ac, 9, e->before);
	ac->e.after = keep(ac, 10, e->after);
	return &ac->e;
}

enum store_status store_audit_append(struct store *s, const struct audit_entry *e, bool wait)
{
	struct audit_entry copy = *e;

	if (wait)
		return sq_write(s, audit_job, &copy);
	sq_write_async(s, audit_job, sq_audit_copy(e), audit_copy_free);
	return STORE_OK;
}


enum store_status store_audit_list(struct store *s, const struct audit_filter *f, struct arena *a,
				   struct audit_row **rows, size_t *n)
{
	/* ?1/?2 scope range (NULL = all), ?3 include rows without area, ?4 user, ?5 action,
	 * ?6/?7 area range, ?8 from, ?9 to, ?10 before id, ?11 limit */
	static const char sql[] = "SELECT " AUDIT_COLS " FROM audit"
				  " WHERE (?1 IS NULL OR (area_code >= ?1 AND area_code < ?2)"
				  "        OR (?3 = 1 AND area_code IS NULL))"
				  "   AND (?4 IS NULL OR username = ?4)"
				  "   AND (?5 IS NULL OR action = ?5)"
				  "   AND (?6 IS NULL OR (area_code >= ?6 AND area_code < ?7))"
				  "   AND (?8 = 0 OR at >= ?8) AND (?9 = 0 OR at < ?9)"
				  "   AND (?10 = 0 OR id < ?10)"
				  " ORDER BY id DESC LIMIT ?11";
	size_t cap = (size_t)(f->limit > 0 ? f->limit : 1);
	enum store_status ss;

#define AUDIT_PARAMS                                                                               \
	SQ_PARAMS(SQ_TEXT(f->scope), SQ_TEXT(sq_scope_end(a, f->scope)), SQ_INT(f->scope_global),  \
		  SQ_TEXT(f->username), SQ_TEXT(f->action), SQ_TEXT(f->area),                      \
		  SQ_TEXT(sq_scope_end(a, f->area)), SQ_INT(f->from), SQ_INT(f->to),               \
		  SQ_INT(f->before_id), SQ_INT(cap))

	if (f->each) {
		*rows = NULL;
		*n = 0;
		return sq_each(s, sql, &sq_audit_rows, f->each, AUDIT_PARAMS);
	}
	*rows = sq_list(s, sql, &sq_audit_rows, cap, a, n, &ss, AUDIT_PARAMS);
#undef AUDIT_PARAMS
	return ss;
}
