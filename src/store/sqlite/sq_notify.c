/* sq_notify — in-app notifications: one row per recipient, written by the use case of the
 * event in its transaction (recipients chosen here by role and area in one INSERT … SELECT),
 * read by the account itself, and the highest id for the event streams to poll cheaply. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

#define SQ_NOTIFICATION_ROW(F, C)                                                                  \
	F(NUM, id, "n.id")                                                                         \
	C(BUF, kind, "n.kind")                                                                     \
	C(BUF, area, "n.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, object_type, "n.object_type")                                                      \
	C(TEXT, object_id, "n.object_id")                                                          \
	C(TEXT, detail, "n.detail")                                                                \
	C(NUM, created_at, "n.created_at")                                                         \
	C(NUM, read_at, "n.read_at")
#define NOTIFICATION_COLS SQ_SELECT_LIST(SQ_NOTIFICATION_ROW)
#define NOTIFICATION_FROM " FROM notification n LEFT JOIN area a ON a.code = n.area_code"

#define SQ_ENTRY(kind, field, sql) SQ_COL_##kind(struct notification, field),
static const struct sq_col notification_cols[] = {SQ_NOTIFICATION_ROW(SQ_ENTRY, SQ_ENTRY)};
#undef SQ_ENTRY
static const struct sq_rowtype notification_rows =
	SQ_ROWTYPE(struct notification, notification_cols, NULL);

struct count_row {
	int64_t n;
};
static const struct sq_col count_cols[] = {SQ_COL_NUM(struct count_row, n)};
static const struct sq_rowtype count_rows = SQ_ROWTYPE(struct count_row, count_cols, NULL);

enum store_status store_tx_notify(struct store_tx *tx, const struct notify_new *n)
{
	/* covers: the account's area is a prefix of the event's; below: the event's area is a
	 * prefix of the account's */
	static const char sql[] =
		"INSERT INTO notification(user_id, kind, area_code, object_type, object_id,"
		" detail, created_at)"
		" SELECT u.id, ?1, ?2, ?3, ?4, ?5, ?6 FROM app_user u"
		" WHERE u.disabled = 0 AND u.id <> ?7 AND (u.id = ?8 OR (u.role = ?9 AND"
		"  (substr(?2, 1, length(u.area_code)) = u.area_code"
		"   OR (?10 = 1 AND substr(u.area_code, 1, length(?2)) = ?2))))";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(n->kind), SQ_TEXT(n->area), SQ_TEXT(n->object_type),
				SQ_TEXT(n->object_id), SQ_TEXT_NN(n->detail), SQ_INT(n->now),
				SQ_TEXT_NN(n->actor), SQ_TEXT_NN(n->user), SQ_TEXT_NN(n->role),
				SQ_INT(n->below)));
}

enum store_status store_notification_list(struct store *s, const char *user, int64_t after,
					  bool unread_only, int limit, struct arena *a,
					  struct notification **out, size_t *n, int64_t *unread)
{
	static const char sql_count[] = "SELECT count(*) FROM notification"
					" WHERE user_id = ?1 AND read_at = 0";
	static const char sql[] =
		"SELECT " NOTIFICATION_COLS NOTIFICATION_FROM
		" WHERE n.user_id = ?1 AND n.id > ?2 AND (?3 = 0 OR n.read_at = 0)"
		" ORDER BY n.id DESC LIMIT ?4";
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &notification_rows, (size_t)limit, a, n, unread, &ss,
		       SQ_PARAMS(SQ_TEXT(user), SQ_INT(after), SQ_INT(unread_only), SQ_INT(limit)));
	return ss;
}

enum store_status store_notification_latest(struct store *s, int64_t *id)
{
	static const char sql[] = "SELECT coalesce(max(id), 0) FROM notification";
	struct count_row r = {0};
	enum store_status ss = sq_get(s, sql, &count_rows, NULL, &r, NULL, 0);

	*id = r.n;
	return ss;
}

enum store_status store_tx_notification_read(struct store_tx *tx, const char *user,
					     const int64_t *ids, size_t n, int64_t now,
					     int64_t *changed)
{
	static const char sql[] =
		"UPDATE notification SET read_at = ?3 WHERE user_id = ?1 AND read_at = 0"
		" AND (?2 IS NULL OR id IN (SELECT CAST(value AS INTEGER) FROM json_each(?2)))";
	struct sq_conn *c = sq_conn_of(tx);
	char list[2048];
	size_t len = 0;
	enum store_status ss;

	list[len++] = '[';
	for (size_t i = 0; i < n && len + 24 < sizeof list; i++)
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%lld", i ? "," : "",
					(long long)ids[i]);
	list[len++] = ']';
	list[len] = '\0';
	ss = sq_run(c, sql, SQ_PARAMS(SQ_TEXT(user), n ? SQ_TEXT(list) : SQ_NULL, SQ_INT(now)));
	*changed = ss == STORE_OK ? sq_changes(c) : 0;
	return ss;
}
