/* sq_idem — client UUIDs that make creates idempotent. The key row is written in the same
 * transaction as the object it created, so a retry after a crash finds either both or
 * neither. */
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/timeutil.h"

enum store_status sq_idem_check(struct sq_conn *c, const struct store_idem *idem, const char *kind,
				char *object_id, size_t sz)
{
	static const char sql[] =
		"SELECT kind, user_id, body_hash, object_id FROM idempotency WHERE uuid = ?1";
	struct sq_cur q;
	enum store_status ss = STORE_NOT_FOUND;

	if (sq_open(&q, c, sql, SQ_PARAMS(SQ_TEXT(idem->uuid))) && sq_next(&q)) {
		const char *k = sq_col(&q, 0, NULL), *h = sq_col(&q, 2, NULL);
		const char *u = sq_null(&q, 1) ? NULL : sq_col(&q, 1, NULL);
		bool same = !strcmp(k, kind) && !strcmp(h, idem->body_hash) &&
			    ((!u && !idem->user_id) ||
			     (u && idem->user_id && !strcmp(u, idem->user_id)));
		if (same) {
			sq_text_to(&q, 3, object_id, sz);
			ss = STORE_OK;
		} else {
			ss = STORE_CONFLICT_IDEM;
		}
	}
	return sq_close(&q) == STORE_OK ? ss : q.ss;
}

enum store_status sq_idem_save(struct sq_conn *c, const struct store_idem *idem, const char *kind,
			       const char *object_id)
{
	static const char sql[] = "INSERT INTO idempotency(uuid, kind, user_id, body_hash, object_id,"
				  " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(idem->uuid), SQ_TEXT(kind), SQ_TEXT(idem->user_id),
				SQ_TEXT(idem->body_hash), SQ_TEXT(object_id), SQ_INT(time_now())));
}
