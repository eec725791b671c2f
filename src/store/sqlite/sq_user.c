/* sq_user — accounts. Password hashes leave the store only through store_user_by_name
 * (for login) and store_tx_user_auth (what a login or password change re-checks); every
 * other reader gets the account without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/timeutil.h"

#define USER_COLS                                                                              \
	"u.id, u.username, u.display_name, u.phone, u.role, u.area_code,"                      \
	" coalesce(a.name, ''), u.disabled, u.must_change, u.failed_logins, u.locked_until,"   \
	" u.created_at, u.last_login_at"
#define USER_FROM " FROM app_user u LEFT JOIN area a ON a.code = u.area_code"

static void read_row(sqlite3_stmt *st, struct arena *a, struct user *out)
{
	memset(out, 0, sizeof *out);
	sq_text_to(st, 0, out->id, sizeof out->id);
	out->username = sq_text(a, st, 1);
	out->display_name = sq_text(a, st, 2);
	out->phone = sq_text(a, st, 3);
	out->role = role_parse((const char *)sqlite3_column_text(st, 4));
	sq_text_to(st, 5, out->area, sizeof out->area);
	out->area_name = sq_text(a, st, 6);
	out->disabled = sqlite3_column_int(st, 7) != 0;
	out->must_change = sqlite3_column_int(st, 8) != 0;
	out->failed_logins = sqlite3_column_int(st, 9);
	out->locked_until = sqlite3_column_int64(st, 10);
	out->created_at = sqlite3_column_int64(st, 11);
	out->last_login_at = sqlite3_column_int64(st, 12);
}

/* A row of USER_COLS, and the password hash when the query selects it after them. */
static void read_user(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct user *u = out;

	read_row(st, a, u);
	if (sqlite3_column_count(st) > 13)
		u->password_hash = sq_text(a, st, 13);
}

static enum store_status read_one(struct sq_conn *c, sqlite3_stmt *st, struct arena *a,
				  struct user *out)
{
	return sq_row(c, st, a, out, read_user);
}

enum store_status sq_user_read(struct sq_conn *c, const char *id, struct arena *a, struct user *out)
{
	static const char sql[] = "SELECT " USER_COLS USER_FROM " WHERE u.id = ?1";
	return sq_one(c, sql, read_user, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_user_by_name(struct store *s, const char *username, struct arena *a,
				     struct user *out)
{
	static const char sql[] =
		"SELECT " USER_COLS ", u.password_hash" USER_FROM " WHERE u.username = ?1";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (st)
		sq_bind_text(st, 1, username);
	ss = read_one(c, st, a, out);
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_user_get(struct store *s, const char *id, struct arena *a, struct user *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_user_read(c, id, a, out);

	sq_reader_put(s, c);
	return ss;
}

size_t store_user_count(struct store *s)
{
	static const char sql[] = "SELECT count(*) FROM app_user";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t n = 0;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	sq_reader_put(s, c);
	return n;
}

static void bind_filter(sqlite3_stmt *st, const struct user_filter *f, char *scope_end,
			char *area_end, const char *like)
{
	area_code_scope_end(f->scope, scope_end, AREA_CODE_END_SIZE);
	sq_bind_text(st, 1, f->scope);
	sq_bind_text(st, 2, scope_end);
	if (f->area) {
		area_code_scope_end(f->area, area_end, AREA_CODE_END_SIZE);
		sq_bind_text(st, 3, f->area);
		sq_bind_text(st, 4, area_end);
	}
	sq_bind_text(st, 5, like);
	sq_bind_text(st, 6, f->role != ROLE_NONE ? role_name(f->role) : NULL);
}

#define USER_WHERE                                                                             \
	" WHERE u.area_code >= ?1 AND u.area_code < ?2"                                        \
	"   AND (?3 IS NULL OR (u.area_code >= ?3 AND u.area_code < ?4))"                      \
	"   AND (?5 IS NULL OR u.username LIKE ?5 ESCAPE '\\' OR u.display_name LIKE ?5 ESCAPE '\\')" \
	"   AND (?6 IS NULL OR u.role = ?6)"

static char *like_pattern(struct arena *a, const char *q)
{
	char *out, *p;

	if (!q || !*q)
		return NULL;
	out = p = arena_alloc(a, 2 * strlen(q) + 3);
	*p++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*p++ = '\\';
		*p++ = *q;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

enum store_status store_user_list(struct store *s, const struct user_filter *f, struct arena *a,
				  struct user **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*) FROM app_user u" USER_WHERE;
	static const char sql[] = "SELECT " USER_COLS USER_FROM USER_WHERE
				  " ORDER BY u.area_code, u.username LIMIT ?7 OFFSET ?8";
	struct sq_conn *c = sq_reader_get(s);
	char scope_end[AREA_CODE_END_SIZE], area_end[AREA_CODE_END_SIZE];
	const char *like = like_pattern(a, f->q);
	size_t cap = (size_t)(f->limit > 0 ? f->limit : 1);
	enum store_status ss = STORE_ERROR;
	sqlite3_stmt *st;
	int rc;

	*n = 0;
	*total = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!(st = sq_stmt(c, sql_count)))
		goto out;
	bind_filter(st, f, scope_end, area_end, like);
	if (sqlite3_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (!(st = sq_stmt(c, sql)))
		goto out;
	bind_filter(st, f, scope_end, area_end, like);
	sqlite3_bind_int(st, 7, (int)cap);
	sqlite3_bind_int(st, 8, f->offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < cap)
		read_row(st, a, &(*out)[(*n)++]);
	sqlite3_reset(st);
	ss = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
out:
	sq_reader_put(s, c);
	return ss;
}

/* ---- writes ---- */

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_user_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct user *out)
{
	return sq_user_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_user_name_taken(struct store_tx *tx, const char *username)
{
	static const char sql[] = "SELECT 1 FROM app_user WHERE username = ?1";
	enum store_status ss =
		sq_one(sq_conn_of(tx), sql, NULL, NULL, NULL, SQ_PARAMS(SQ_TEXT(username)));

	return ss == STORE_OK ? STORE_CONFLICT : ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status store_tx_user_insert(struct store_tx *tx, const struct user *in, int64_t now)
{
	static const char sql[] =
		"INSERT INTO app_user(id, username, display_name, phone, role, area_code,"
		" password_hash, must_change, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
	enum store_status ss = sq_run(
		sq_conn_of(tx), sql,
		SQ_PARAMS(SQ_TEXT(in->id), SQ_TEXT(in->username), SQ_TEXT_NN(in->display_name),
			  SQ_TEXT_NN(in->phone), SQ_TEXT(role_name(in->role)), SQ_TEXT(in->area),
			  SQ_TEXT(in->password_hash), SQ_INT(in->must_change), SQ_INT(now)));

	return ss == STORE_CONFLICT ? STORE_INVALID : ss; /* e.g. area missing */
}

enum store_status store_tx_user_set(struct store_tx *tx, const struct user *u, int64_t now)
{
	static const char sql[] =
		"UPDATE app_user SET display_name = ?2, phone = ?3, role = ?4, area_code = ?5,"
		" disabled = ?6, updated_at = ?7 WHERE id = ?1";
	enum store_status ss =
		sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
			SQ_PARAMS(SQ_TEXT(u->id), SQ_TEXT(u->display_name), SQ_TEXT(u->phone),
				  SQ_TEXT(role_name(u->role)), SQ_TEXT(u->area),
				  SQ_INT(u->disabled), SQ_INT(now)));

	return ss == STORE_CONFLICT ? STORE_INVALID : ss;
}

static const char sql_password[] =
	"UPDATE app_user SET password_hash = ?2, must_change = ?3, failed_logins = 0,"
	" locked_until = 0, updated_at = ?4 WHERE id = ?1";

enum store_status store_tx_user_password(struct store_tx *tx, const char *id, const char *hash,
					 bool must_change, int64_t now)
{
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql_password);
	enum store_status ss;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	sq_bind_text(st, 2, hash);
	sqlite3_bind_int(st, 3, must_change);
	sqlite3_bind_int64(st, 4, now);
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	return sqlite3_changes(c->db) == 1 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_tx_user_auth(struct store_tx *tx, const char *id, struct arena *a,
				     struct user *out)
{
	static const char sql[] =
		"SELECT " USER_COLS ", u.password_hash" USER_FROM " WHERE u.id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	return read_one(c, st, a, out);
}

enum store_status store_tx_user_login(struct store_tx *tx, const char *id, int64_t now)
{
	static const char sql[] = "UPDATE app_user SET failed_logins = 0, locked_until = 0,"
				  " last_login_at = ?2 WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND, SQ_PARAMS(SQ_TEXT(id), SQ_INT(now)));
}

enum store_status store_tx_user_lock(struct store_tx *tx, const char *id, int64_t until,
				     int failed_logins)
{
	static const char sql[] =
		"UPDATE app_user SET locked_until = ?2, failed_logins = ?3 WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(id), SQ_INT(until), SQ_INT(failed_logins)));
}
