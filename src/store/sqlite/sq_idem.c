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
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss = STORE_NOT_FOUND;
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, idem->uuid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *u = (const char *)sqlite3_column_text(st, 1);
		const char *h = (const char *)sqlite3_column_text(st, 2);
		bool same = k && !strcmp(k, kind) && h && !strcmp(h, idem->body_hash) &&
			    ((!u && !idem->user_id) || (u && idem->user_id && !strcmp(u, idem->user_id)));
		if (same) {
			sq_text_to(st, 3, object_id, sz);
			ss = STORE_OK;
		} else {
			ss = STORE_CONFLICT_IDEM;
		}
	} else if (rc != SQLITE_DONE) {
		ss = sq_rc(c, rc);
	}
	sqlite3_reset(st);
	return ss;
}

enum store_status sq_idem_save(struct sq_conn *c, const struct store_idem *idem, const char *kind,
			       const char *object_id)
{
	static const char sql[] = "INSERT INTO idempotency(uuid, kind, user_id, body_hash, object_id,"
				  " created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, idem->uuid);
	sq_bind_text(st, 2, kind);
	sq_bind_text(st, 3, idem->user_id);
	sq_bind_text(st, 4, idem->body_hash);
	sq_bind_text(st, 5, object_id);
	sqlite3_bind_int64(st, 6, time_now());
	return sq_step_done(c, st);
}
