/* sq_user — accounts. Password hashes leave the store only through store_user_by_name
 * (for login) and store_tx_user_auth (what a login or password change re-checks); every
 * other reader gets the account without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"
#include "util/timeutil.h"





static const char sql_user[] = "SELECT " USER_COLS USER_FROM " WHERE u.id = ?1";

enum store_status sq_user_read(struct sq_conn *c, const char *id, struct arena *a, struct user *out)
{
	return sq_one(c, sql_user, &sq_user_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_user_by_name(struct store *s, const char *username, struct arena *a,
				     struct user *out)
{
	static const char sql[] =
		"SELECT " USER_COLS ", u.password_hash" USER_FROM " WHERE u.username = ?1";
	return sq_get(s, sql, &sq_user_rows, a, out, SQ_PARAMS(SQ_TEXT(username)));
}

enum store_status store_user_get(struct store *s, const char *id, struct arena *a, struct user *out)
{
	return sq_get(s, sql_user, &sq_user_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

struct count_row {
	int64_t n;
};

static const struct sq_col count_cols[] = {SQ_COL_NUM(struct count_row, n)};

size_t store_user_count(struct store *s)
{
	static const char sql[] = "SELECT count(*) FROM app_user";
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct count_row, count_cols, NULL);
	struct count_row r = {0};

	sq_get(s, sql, &rows, NULL, &r, NULL, 0);
	return (size_t)r.n;
}

#define USER_WHERE                                                                                 \
	" WHERE u.area_code >= ?1 AND u.area_code < ?2"                                            \
	"   AND (?3 IS NULL OR (u.area_code >= ?3 AND u.area_code < ?4))"                          \
	"   AND (?5 IS NULL OR u.username LIKE ?5 ESCAPE '\\' OR u.display_name LIKE ?5 ESCAPE "   \
	"'\\')"                                                                                    \
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
	size_t cap = (size_t)(f->limit > 0 ? f->limit : 1);
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &sq_user_rows, cap, a, n, total, &ss,
		       SQ_PARAMS(SQ_TEXT(f->scope), SQ_TEXT(sq_scope_end(a, f->scope)),
				 SQ_TEXT(f->area), SQ_TEXT(sq_scope_end(a, f->area)),
				 SQ_TEXT(like_pattern(a, f->q)),
				 SQ_TEXT(f->role != ROLE_NONE ? role_name(f->role) : NULL),
				 SQ_INT(cap), SQ_INT(f->offset)));
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

enum store_status store_tx_user_password(struct store_tx *tx, const char *id, const char *hash,
					 bool must_change, int64_t now)
{
	static const char sql[] =
		"UPDATE app_user SET password_hash = ?2, must_change = ?3, failed_logins = 0,"
		" locked_until = 0, updated_at = ?4 WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(hash), SQ_INT(must_change), SQ_INT(now)));
}

enum store_status store_tx_user_auth(struct store_tx *tx, const char *id, struct arena *a,
				     struct user *out)
{
	static const char sql[] =
		"SELECT " USER_COLS ", u.password_hash" USER_FROM " WHERE u.id = ?1";
	return sq_one(sq_conn_of(tx), sql, &sq_user_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
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
