/* sq_outbound — an area's group-robot webhook and the queue of messages for it: queued in
 * the transaction of their event (one INSERT … SELECT over the areas covering the event's),
 * read when due by the sender thread, and marked with each try's result. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

#define T_ struct outbound_config
static const struct sq_col config_cols[] = {SQ_COL_BUF(T_, area), SQ_COL_TEXT(T_, kind),
					    SQ_COL_TEXT(T_, url), SQ_COL_NUM(T_, updated_at)};
#undef T_
static const struct sq_rowtype config_rows = SQ_ROWTYPE(struct outbound_config, config_cols, NULL);

#define T_ struct outbound_msg
static const struct sq_col msg_cols[] = {SQ_COL_NUM(T_, id), SQ_COL_TEXT(T_, kind),
					 SQ_COL_TEXT(T_, url), SQ_COL_TEXT(T_, body),
					 SQ_COL_NUM(T_, tries)};
#undef T_
static const struct sq_rowtype msg_rows = SQ_ROWTYPE(struct outbound_msg, msg_cols, NULL);

enum store_status store_tx_outbound_config_put(struct store_tx *tx, const char *area,
					       const char *kind, const char *url, int64_t now)
{
	static const char del[] = "DELETE FROM outbound_config WHERE area_code = ?1";
	static const char put[] =
		"INSERT INTO outbound_config(area_code, kind, url, updated_at) VALUES (?1, ?2, ?3, "
		"?4)"
		" ON CONFLICT(area_code) DO UPDATE SET kind = excluded.kind, url = excluded.url,"
		" updated_at = excluded.updated_at";

	if (!url || !*url)
		return sq_run(sq_conn_of(tx), del, SQ_PARAMS(SQ_TEXT(area)));
	return sq_run(sq_conn_of(tx), put,
		      SQ_PARAMS(SQ_TEXT(area), SQ_TEXT(kind), SQ_TEXT(url), SQ_INT(now)));
}

enum store_status store_outbound_config_get(struct store *s, const char *area, struct arena *a,
					    struct outbound_config *out)
{
	static const char sql[] =
		"SELECT area_code, kind, url, updated_at FROM outbound_config WHERE area_code = ?1";

	return sq_get(s, sql, &config_rows, a, out, SQ_PARAMS(SQ_TEXT(area)));
}

enum store_status store_tx_outbound_enqueue(struct store_tx *tx, const char *area, const char *text,
					    bool once, int64_t now)
{
	/* due at once (next_at 0), whatever clock the event was written by (a sweep's --at);
	 * ?3 cast: in a UNION PostgreSQL would take an untyped parameter for text */
	static const char sql[] =
		"INSERT INTO outbound(area_code, kind, url, body, next_at, created_at)"
		" SELECT area_code, kind, url, ?2, 0, CAST(?3 AS BIGINT) FROM outbound_config c"
		" WHERE substr(?1, 1, length(area_code)) = area_code AND NOT (?4 = 1 AND EXISTS ("
		"  SELECT 1 FROM outbound o WHERE o.status = 'pending' AND o.url = c.url"
		"  AND o.body = ?2))"
		/* the duty mobiles: kind sms, the number as the address */
		" UNION ALL SELECT s.area_code, 'sms', j.value, ?2, 0, CAST(?3 AS BIGINT)"
		" FROM outbound_sms s,"
		" json_each(s.phones) j WHERE substr(?1, 1, length(s.area_code)) = s.area_code"
		" AND NOT (?4 = 1 AND EXISTS (SELECT 1 FROM outbound o WHERE o.status = 'pending'"
		"  AND o.kind = 'sms' AND o.url = j.value AND o.body = ?2))";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(area), SQ_TEXT(text), SQ_INT(now), SQ_INT(once)));
}

enum store_status store_outbound_due(struct store *s, int64_t now, int limit, struct arena *a,
				     struct outbound_msg **out, size_t *n)
{
	static const char sql[] =
		"SELECT id, kind, url, body, tries FROM outbound"
		" WHERE status = 'pending' AND next_at <= ?1 ORDER BY id LIMIT ?2";
	enum store_status ss;

	*out = sq_list(s, sql, &msg_rows, (size_t)limit, a, n, &ss,
		       SQ_PARAMS(SQ_INT(now), SQ_INT(limit)));
	return ss;
}

enum store_status store_tx_outbound_result(struct store_tx *tx, int64_t id, const char *status,
					   int tries, int64_t next_at, const char *error,
					   int64_t now)
{
	static const char sql[] =
		"UPDATE outbound SET status = ?2, tries = ?3, next_at = ?4, last_error = ?5,"
		" sent_at = CASE WHEN ?2 = 'sent' THEN ?6 ELSE sent_at END WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_INT(id), SQ_TEXT(status), SQ_INT(tries), SQ_INT(next_at),
				 SQ_TEXT_NN(error), SQ_INT(now)));
}

enum store_status store_tx_outbound_sms_put(struct store_tx *tx, const char *area,
					    const char *phones, int64_t now)
{
	static const char del[] = "DELETE FROM outbound_sms WHERE area_code = ?1";
	static const char put[] =
		"INSERT INTO outbound_sms(area_code, phones, updated_at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT(area_code) DO UPDATE SET phones = excluded.phones,"
		" updated_at = excluded.updated_at";

	if (!phones || !strcmp(phones, "[]"))
		return sq_run(sq_conn_of(tx), del, SQ_PARAMS(SQ_TEXT(area)));
	return sq_run(sq_conn_of(tx), put, SQ_PARAMS(SQ_TEXT(area), SQ_TEXT(phones), SQ_INT(now)));
}

enum store_status store_outbound_sms_get(struct store *s, const char *area, char *phones, size_t sz)
{
	static const char sql[] = "SELECT phones FROM outbound_sms WHERE area_code = ?1";
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	ss = sq_one_text(c, sql, phones, sz, SQ_PARAMS(SQ_TEXT(area)));
	sq_reader_put(s, c);
	if (ss == STORE_OK && !*phones)
		snprintf(phones, sz, "[]");
	return ss;
}
