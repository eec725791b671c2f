/* sq_area — the area tree. Official areas come from the national division list; grids and
 * groups are created locally with codes that extend their parent's code, so "this area and
 * below" is always a prefix range (code >= scope AND code < scope":"). */
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/timeutil.h"

#define AREA_COLS                                                                              \
	"a.code, coalesce(a.parent, ''), a.level, a.name, a.responsible_name,"                 \
	" a.responsible_phone, a.duty_phone, a.official, a.updated_at,"                        \
	" (SELECT count(*) FROM area k WHERE k.parent = a.code),"                   \
	" coalesce((SELECT p.name FROM area p WHERE p.code = a.parent), '')"

static void read_row(sqlite3_stmt *st, struct arena *a, struct area *out)
{
	sq_text_to(st, 0, out->code, sizeof out->code);
	sq_text_to(st, 1, out->parent, sizeof out->parent);
	out->level = (enum area_level)sqlite3_column_int(st, 2);
	out->name = sq_text(a, st, 3);
	out->responsible_name = sq_text(a, st, 4);
	out->responsible_phone = sq_text(a, st, 5);
	out->duty_phone = sq_text(a, st, 6);
	out->official = sqlite3_column_int(st, 7) != 0;
	out->updated_at = sqlite3_column_int64(st, 8);
	out->child_count = sqlite3_column_int64(st, 9);
	out->parent_name = sq_text(a, st, 10);
}

enum store_status sq_area_read(struct sq_conn *c, const char *code, struct arena *a, struct area *out)
{
	static const char sql[] = "SELECT " AREA_COLS " FROM area a WHERE a.code = ?1";
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_row(st, a, out);
		ss = STORE_OK;
	} else {
		ss = rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_rc(c, rc);
	}
	sqlite3_reset(st);
	return ss;
}

enum store_status store_area_get(struct store *s, const char *code, struct arena *a,
				 struct area *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_area_read(c, code, a, out);

	if (!c)
		return STORE_BUSY;

	sq_reader_put(s, c);
	return ss;
}

bool store_area_exists(struct store *s, const char *code)
{
	static const char sql[] = "SELECT 1 FROM area WHERE code = ?1";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	bool found = false;

	if (!c)
		return false;

	if (st) {
		sq_bind_text(st, 1, code);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
	}
	sq_reader_put(s, c);
	return found;
}

/* Runs a list query whose rows are AREA_COLS; grows the output array in the arena. */
static enum store_status read_list(struct sq_conn *c, sqlite3_stmt *st, struct arena *a,
				   struct area **out, size_t *n)
{
	size_t cap = 16;
	int rc;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct area *bigger = arena_alloc(a, 2 * cap * sizeof **out);
			memcpy(bigger, *out, cap * sizeof **out);
			*out = bigger;
			cap *= 2;
		}
		read_row(st, a, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_area_children(struct store *s, const char *code, struct arena *a,
				      struct area **out, size_t *n)
{
	static const char sql[] =
		"SELECT " AREA_COLS " FROM area a WHERE a.parent = ?1 ORDER BY a.code";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss = STORE_ERROR;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	if (st) {
		sq_bind_text(st, 1, code);
		ss = read_list(c, st, a, out, n);
	}
	sq_reader_put(s, c);
	return ss;
}

/* q with LIKE's wildcards escaped, for "name LIKE '%' || q || '%' ESCAPE '\'". */
static char *like_escape(struct arena *a, const char *q)
{
	char *out = arena_alloc(a, 2 * strlen(q) + 1), *p = out;

	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*p++ = '\\';
		*p++ = *q;
	}
	*p = '\0';
	return out;
}

enum store_status store_area_search(struct store *s, const char *scope, const char *q, int limit,
				    struct arena *a, struct area **out, size_t *n)
{
	static const char sql[] =
		"SELECT " AREA_COLS " FROM area a"
		" WHERE a.code >= ?1 AND a.code < ?2"
		"   AND (a.name LIKE '%' || ?3 || '%' ESCAPE '\\' OR a.code LIKE ?3 || '%' ESCAPE '\\')"
		" ORDER BY length(a.code), a.code LIMIT ?4";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_END_SIZE];
	enum store_status ss = STORE_ERROR;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	if (st) {
		area_code_scope_end(scope, end, sizeof end);
		sq_bind_text(st, 1, scope);
		sq_bind_text(st, 2, end);
		sq_bind_text(st, 3, like_escape(a, q));
		sqlite3_bind_int(st, 4, limit);
		ss = read_list(c, st, a, out, n);
	}
	sq_reader_put(s, c);
	return ss;
}

/* ---- writes ---- */

uint64_t store_area_generation(struct store *s) { return s->area_gen; }

/* Called after a write returned, i.e. after its commit: caches built before see a newer
 * generation and miss. */
static enum store_status bump(struct store *s, enum store_status st)
{
	if (st == STORE_OK)
		s->area_gen++;
	return st;
}

enum store_status store_tx_area_official(struct store_tx *tx, const struct area_seed *sd,
					 int64_t now)
{
	static const char sql[] =
		"INSERT INTO area(code, parent, level, name, official, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)"
		" ON CONFLICT(code) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at"
		" WHERE area.name <> excluded.name";
	const char *parent = sd->parent && *sd->parent ? sd->parent : NULL;

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(sd->code), SQ_TEXT(parent),
				SQ_INT(area_code_level(sd->code)), SQ_TEXT(sd->name), SQ_INT(now)));
}

void store_area_changed(struct store *s)
{
	bump(s, STORE_OK);
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_area_read(struct store_tx *tx, const char *code, struct arena *a,
				     struct area *out)
{
	return sq_area_read(sq_conn_of(tx), code, a, out);
}

enum store_status store_tx_area_parent(struct store_tx *tx, const char *code, struct arena *a,
				       enum area_level *level, const char **name)
{
	static const char sql[] = "SELECT level, name FROM area WHERE code = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, code);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*level = (enum area_level)sqlite3_column_int(st, 0);
		*name = sq_text(a, st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? STORE_OK : rc == SQLITE_DONE ? STORE_NOT_FOUND : sq_rc(c, rc);
}

enum store_status store_tx_area_sibling_taken(struct store_tx *tx, const char *parent,
					      const char *name, const char *except)
{
	static const char sql[] =
		"SELECT 1 FROM area WHERE parent = ?1 AND name = ?2 AND code <> ?3";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, parent);
	sq_bind_text(st, 2, name);
	sq_bind_text(st, 3, except ? except : "");
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return STORE_CONFLICT;
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_tx_area_last_child(struct store_tx *tx, const char *parent, char *code,
					   size_t sz)
{
	static const char sql[] = "SELECT max(code) FROM area WHERE parent = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc;

	code[0] = '\0';
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, parent);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		sq_text_to(st, 0, code, sz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

enum store_status store_tx_area_insert(struct store_tx *tx, const char *code,
				       const struct area_new *in, int64_t now)
{
	static const char sql[] =
		"INSERT INTO area(code, parent, level, name, responsible_name, responsible_phone,"
		" duty_phone, official, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8)";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, code);
	sq_bind_text(st, 2, in->parent);
	sqlite3_bind_int(st, 3, area_code_level(code));
	sq_bind_text(st, 4, in->name);
	sq_bind_text(st, 5, in->responsible_name ? in->responsible_name : "");
	sq_bind_text(st, 6, in->responsible_phone ? in->responsible_phone : "");
	sq_bind_text(st, 7, in->duty_phone ? in->duty_phone : "");
	sqlite3_bind_int64(st, 8, now);
	return sq_step_done(c, st);
}

enum store_status store_tx_area_set(struct store_tx *tx, const char *code,
				    const struct area_patch *p, int64_t now)
{
	static const char sql[] =
		"UPDATE area SET name = ?2, responsible_name = ?3, responsible_phone = ?4,"
		" duty_phone = ?5, updated_at = ?6 WHERE code = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss;

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, code);
	sq_bind_text(st, 2, p->name);
	sq_bind_text(st, 3, p->responsible_name);
	sq_bind_text(st, 4, p->responsible_phone);
	sq_bind_text(st, 5, p->duty_phone);
	sqlite3_bind_int64(st, 6, now);
	if ((ss = sq_step_done(c, st)) != STORE_OK)
		return ss;
	return sqlite3_changes(c->db) == 1 ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_area_detail(struct store *s, const char *code, const char *scope,
				    struct arena *a, struct area *out, struct area **children,
				    size_t *nchildren, struct area **path, size_t *npath)
{
	static const char sql_children[] =
		"SELECT " AREA_COLS " FROM area a WHERE a.parent = ?1 ORDER BY a.code";
	static const char sql_path[] =
		"SELECT " AREA_COLS " FROM area a WHERE a.code IN (?1, ?2, ?3, ?4, ?5)"
		" ORDER BY length(a.code)";
	struct sq_conn *c = sq_reader_get(s);
	size_t scope_len = strlen(scope), code_len = strlen(code), k = 1;
	sqlite3_stmt *st;
	enum store_status ss;

	if (!c)
		return STORE_BUSY;

	*nchildren = *npath = 0;
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK)
		goto out;
	if ((ss = sq_area_read(c, code, a, out)) != STORE_OK)
		goto done;
	ss = STORE_ERROR;
	if (!(st = sq_stmt(c, sql_children)))
		goto done;
	sq_bind_text(st, 1, code);
	if ((ss = read_list(c, st, a, children, nchildren)) != STORE_OK)
		goto done;
	ss = STORE_ERROR;
	if (!(st = sq_stmt(c, sql_path)))
		goto done;
	/* Ancestors from scope down: every code length from scope's to code's, 3 apart. */
	for (size_t len = scope_len; len < code_len && k <= 5; len += 3)
		sqlite3_bind_text(st, (int)k++, code, (int)len, SQLITE_STATIC);
	ss = read_list(c, st, a, path, npath);
done:
	sq_exec(c, "COMMIT");
out:
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_area_under(struct store *s, const char *scope, struct arena *a,
				   struct area_seed **out, size_t *n)
{
	static const char sql[] = "SELECT code, name, coalesce(parent, '') FROM area"
				  " WHERE code >= ?1 AND code < ?2 ORDER BY code";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_END_SIZE];
	size_t cap = 256;
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (st) {
		area_code_scope_end(scope, end, sizeof end);
		sq_bind_text(st, 1, scope);
		sq_bind_text(st, 2, end);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (*n == cap) {
				struct area_seed *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
				memcpy(bigger, *out, cap * sizeof *bigger);
				*out = bigger;
				cap *= 2;
			}
			struct area_seed *d = &(*out)[(*n)++];
			d->code = sq_text(a, st, 0);
			d->name = sq_text(a, st, 1);
			d->parent = sq_text(a, st, 2);
		}
		ss = rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
		sqlite3_reset(st);
	}
	sq_reader_put(s, c);
	return ss;
}
