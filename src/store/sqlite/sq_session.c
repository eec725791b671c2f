/* sq_session — signed-in sessions kept across restarts: one row per session, keyed by the
 * hash of its cookie token. The server keeps them in memory too (http/session.c) and reads
 * a row only for a token it does not know (after a restart). */
#include <string.h>

#include "store/sqlite/sq_rows.h"

enum store_status store_tx_session_put(struct store_tx *tx, const struct session_row *r)
{
	static const char sql[] =
		"INSERT INTO session(key, user_id, username, role, area_code, csrf, must_change,"
		" created, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(r->key), SQ_TEXT(r->user_id), SQ_TEXT(r->username),
				SQ_TEXT(r->role), SQ_TEXT(r->area), SQ_TEXT(r->csrf),
				SQ_INT(r->must_change), SQ_INT(r->created), SQ_INT(r->last_seen)));
}

static void read_session(const struct sq_cur *k, struct arena *a, void *out)
{
	struct session_row *r = out;

	sq_text_to(k, 0, r->key, sizeof r->key);
	sq_text_to(k, 1, r->user_id, sizeof r->user_id);
	r->username = sq_text(a, k, 2);
	r->role = sq_text(a, k, 3);
	r->area = sq_text(a, k, 4);
	r->csrf = sq_text(a, k, 5);
	r->must_change = sq_int(k, 6) != 0;
	r->created = sq_int(k, 7);
	r->last_seen = sq_int(k, 8);
}
static const struct sq_rowtype session_rows = {sizeof(struct session_row), NULL, 0, read_session};

enum store_status store_session_get(struct store *s, const char *key, struct arena *a,
				    struct session_row *out)
{
	static const char sql[] = "SELECT key, user_id, username, role, area_code, csrf,"
				  " must_change, created, last_seen FROM session WHERE key = ?1";

	return sq_get(s, sql, &session_rows, a, out, SQ_PARAMS(SQ_TEXT(key)));
}

enum store_status store_tx_session_touch(struct store_tx *tx, const char *key, int64_t last_seen)
{
	static const char sql[] =
		"UPDATE session SET last_seen = ?2 WHERE key = ?1 AND last_seen < ?2";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(key), SQ_INT(last_seen)));
}

enum store_status store_tx_session_must_change(struct store_tx *tx, const char *key,
					       bool must_change)
{
	static const char sql[] = "UPDATE session SET must_change = ?2 WHERE key = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(key), SQ_INT(must_change)));
}

enum store_status store_tx_session_drop(struct store_tx *tx, const char *key)
{
	static const char sql[] = "DELETE FROM session WHERE key = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(key)));
}

enum store_status store_tx_session_drop_user(struct store_tx *tx, const char *user_id,
					     const char *keep)
{
	static const char sql[] =
		"DELETE FROM session WHERE user_id = ?1 AND (?2 IS NULL OR key <> ?2)";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(user_id), SQ_TEXT(keep)));
}

enum store_status store_tx_session_prune(struct store_tx *tx, int64_t idle_before,
					 int64_t created_before)
{
	static const char sql[] = "DELETE FROM session WHERE last_seen < ?1 OR created < ?2";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_INT(idle_before), SQ_INT(created_before)));
}
