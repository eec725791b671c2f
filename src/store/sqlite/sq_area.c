/* sq_area — the area tree. Official areas come from the national division list; grids and
 * groups are created locally with codes that extend their parent's code, so "this area and
 * below" is always a prefix range (code >= scope AND code < the next prefix,
 * area_code_scope_end). */
#include <string.h>

#include "store/sqlite/sq_rows.h"
#include "util/timeutil.h"



static const struct sq_col seed_cols[] = {
	SQ_COL_TEXT(struct area_seed, code),
	SQ_COL_TEXT(struct area_seed, name),
	SQ_COL_TEXT(struct area_seed, parent),
};
const struct sq_rowtype sq_area_seed_rows = SQ_ROWTYPE(struct area_seed, seed_cols, NULL);

static const char sql_area[] = "SELECT " AREA_COLS " FROM area a WHERE a.code = ?1";

enum store_status sq_area_read(struct sq_conn *c, const char *code, struct arena *a,
			       struct area *out)
{
	return sq_one(c, sql_area, &sq_area_rows, a, out, SQ_PARAMS(SQ_TEXT(code)));
}

const char *sq_area_name(struct sq_conn *c, const char *code, struct arena *a)
{
	struct area ar;

	return sq_area_read(c, code, a, &ar) == STORE_OK ? ar.name : "";
}

enum store_status store_area_get(struct store *s, const char *code, struct arena *a,
				 struct area *out)
{
	return sq_get(s, sql_area, &sq_area_rows, a, out, SQ_PARAMS(SQ_TEXT(code)));
}

bool store_area_exists(struct store *s, const char *code)
{
	static const char sql[] = "SELECT 1 FROM area WHERE code = ?1";
	return sq_get(s, sql, NULL, NULL, NULL, SQ_PARAMS(SQ_TEXT(code))) == STORE_OK;
}

static const char sql_children[] =
	"SELECT " AREA_COLS " FROM area a WHERE a.parent = ?1 ORDER BY a.code";

enum store_status store_area_children(struct store *s, const char *code, struct arena *a,
				      struct area **out, size_t *n)
{
	enum store_status ss;

	*out = sq_list(s, sql_children, &sq_area_rows, SQ_ALL, a, n, &ss, SQ_PARAMS(SQ_TEXT(code)));
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
	static const char sql[] = "SELECT " AREA_COLS " FROM area a"
				  " WHERE a.code >= ?1 AND a.code < ?2"
				  "   AND (a.name LIKE '%' || ?3 || '%' ESCAPE '\\' OR a.code LIKE "
				  "?3 || '%' ESCAPE '\\')"
				  " ORDER BY length(a.code), a.code LIMIT ?4";
	char end[AREA_CODE_END_SIZE];
	enum store_status ss;

	area_code_scope_end(scope, end, sizeof end);
	*out = sq_list(
		s, sql, &sq_area_rows, (size_t)(limit > 0 ? limit : 0), a, n, &ss,
		SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end), SQ_TEXT(like_escape(a, q)), SQ_INT(limit)));
	return ss;
}

/* ---- writes ---- */

uint64_t store_area_generation(struct store *s)
{
	return s->area_gen;
}

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
		" ON CONFLICT(code) DO UPDATE SET name = excluded.name, updated_at = "
		"excluded.updated_at"
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

enum store_status store_tx_area_changed(struct store_tx *tx)
{
	/* the other servers' area caches miss too (sq_news.c), once the write is committed: a
	 * notification in the transaction, sent with its commit, not one commit of its own per
	 * write; once per transaction (the writer forgets it when the job that told is undone) */
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss;

	if (!c->pg || c->pg_area_told)
		return STORE_OK;
	ss = sq_run(c, "SELECT pg_notify('fangkong', 'area')", NULL, 0);
	c->pg_area_told = ss == STORE_OK;
	return ss;
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_area_read(struct store_tx *tx, const char *code, struct arena *a,
				     struct area *out)
{
	return sq_area_read(sq_conn_of(tx), code, a, out);
}

struct parent_row {
	int level;
	const char *name;
};

static const struct sq_col parent_cols[] = {
	SQ_COL_NUM(struct parent_row, level),
	SQ_COL_TEXT(struct parent_row, name),
};

enum store_status store_tx_area_parent(struct store_tx *tx, const char *code, struct arena *a,
				       enum area_level *level, const char **name)
{
	static const char sql[] = "SELECT level, name FROM area WHERE code = ?1";
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct parent_row, parent_cols, NULL);
	struct parent_row r;
	enum store_status ss = sq_one(sq_conn_of(tx), sql, &rows, a, &r, SQ_PARAMS(SQ_TEXT(code)));

	if (ss == STORE_OK) {
		*level = (enum area_level)r.level;
		*name = r.name;
	}
	return ss;
}

enum store_status store_tx_area_sibling_taken(struct store_tx *tx, const char *parent,
					      const char *name, const char *except)
{
	static const char sql[] =
		"SELECT 1 FROM area WHERE parent = ?1 AND name = ?2 AND code <> ?3";
	enum store_status ss =
		sq_one(sq_conn_of(tx), sql, NULL, NULL, NULL,
		       SQ_PARAMS(SQ_TEXT(parent), SQ_TEXT(name), SQ_TEXT_NN(except)));

	return ss == STORE_OK ? STORE_CONFLICT : ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status store_tx_area_last_child(struct store_tx *tx, const char *parent, char *code,
					   size_t sz)
{
	static const char sql[] = "SELECT max(code) FROM area WHERE parent = ?1"; /* NULL: none */
	return sq_one_text(sq_conn_of(tx), sql, code, sz, SQ_PARAMS(SQ_TEXT(parent)));
}

enum store_status store_tx_area_insert(struct store_tx *tx, const char *code,
				       const struct area_new *in, int64_t now)
{
	static const char sql[] =
		"INSERT INTO area(code, parent, level, name, responsible_name, responsible_phone,"
		" duty_phone, official, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(code), SQ_TEXT(in->parent), SQ_INT(area_code_level(code)),
				SQ_TEXT(in->name), SQ_TEXT_NN(in->responsible_name),
				SQ_TEXT_NN(in->responsible_phone), SQ_TEXT_NN(in->duty_phone),
				SQ_INT(now)));
}

enum store_status store_tx_area_set(struct store_tx *tx, const char *code,
				    const struct area_patch *p, int64_t now)
{
	static const char sql[] =
		"UPDATE area SET name = ?2, responsible_name = ?3, responsible_phone = ?4,"
		" duty_phone = ?5, updated_at = ?6 WHERE code = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(code), SQ_TEXT(p->name), SQ_TEXT(p->responsible_name),
				 SQ_TEXT(p->responsible_phone), SQ_TEXT(p->duty_phone),
				 SQ_INT(now)));
}

/* An area, its children and its ancestors from scope down, in one snapshot. */
enum store_status store_area_detail(struct store *s, const char *code, const char *scope,
				    struct arena *a, struct area *out, struct area **children,
				    size_t *nchildren, struct area **path, size_t *npath)
{
	static const char sql_path[] =
		"SELECT " AREA_COLS " FROM area a WHERE a.code IN (?1, ?2, ?3, ?4, ?5)"
		" ORDER BY length(a.code)";
	struct sq_conn *c = sq_reader_get(s);
	size_t code_len = strlen(code);
	struct sq_param p[5];
	int np = 0;
	enum store_status ss;

	/* ancestors from scope down: every code length from scope's to code's, 3 apart */
	for (size_t len = strlen(scope); len < code_len && np < 5; len += 3)
		p[np++] = SQ_TEXT_N(code, len);
	*nchildren = *npath = 0;
	*children = *path = NULL;
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK) /* STORE_BUSY without a reader */
		goto out;
	if ((ss = sq_area_read(c, code, a, out)) == STORE_OK)
		*children = sq_rows(c, sql_children, &sq_area_rows, SQ_ALL, a, nchildren, &ss,
				    SQ_PARAMS(SQ_TEXT(code)));
	if (ss == STORE_OK)
		*path = sq_rows(c, sql_path, &sq_area_rows, SQ_ALL, a, npath, &ss, p, np);
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
	char end[AREA_CODE_END_SIZE];
	enum store_status ss;

	area_code_scope_end(scope, end, sizeof end);
	*out = sq_list(s, sql, &sq_area_seed_rows, SQ_ALL, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end)));
	return ss;
}
