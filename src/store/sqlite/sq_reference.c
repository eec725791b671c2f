/* sq_reference — reference lists: key epidemic areas (重点疫区) with their dates, and the
 * national divisions down to counties, used to resolve where a traveller came from. */
#include <string.h>

#include "store/sqlite/sq.h"

enum store_status store_key_areas(struct store *s, struct arena *a, struct key_area **out,
				  size_t *n)
{
	static const char sql[] = "SELECT code, name, start_date, end_date FROM key_area"
				  " ORDER BY code, start_date LIMIT 1000";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	*out = arena_alloc(a, 1000 * sizeof **out);
	if (st) {
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct key_area *k = &(*out)[(*n)++];
			k->code = sq_text(a, st, 0);
			k->name = sq_text(a, st, 1);
			k->start_date = sqlite3_column_int(st, 2);
			k->end_date = sqlite3_column_int(st, 3);
		}
		ss = rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
		sqlite3_reset(st);
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_key_area_put(struct store_tx *tx, const struct key_area *k)
{
	static const char sql[] = "INSERT INTO key_area(code, name, start_date, end_date)"
				  " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(code, start_date)"
				  " DO UPDATE SET name = excluded.name, end_date = excluded.end_date";
	struct sq_conn *c = sq_conn_of(tx);
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, k->code);
	sq_bind_text(st, 2, k->name);
	sqlite3_bind_int(st, 3, k->start_date);
	sqlite3_bind_int(st, 4, k->end_date);
	return sq_step_done(c, st);
}

enum store_status store_tx_division_put(struct store_tx *tx, const struct area_seed *sd)
{
	static const char sql[] = "INSERT INTO division(code, name, parent) VALUES (?1, ?2, ?3)"
				  " ON CONFLICT(code) DO UPDATE SET name = excluded.name";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(sd->code), SQ_TEXT(sd->name), SQ_TEXT_NN(sd->parent)));
}

enum store_status store_divisions(struct store *s, struct arena *a, struct area_seed **out,
				  size_t *n)
{
	static const char sql_count[] = "SELECT count(*) FROM division";
	static const char sql[] = "SELECT code, name, parent FROM division ORDER BY code";
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql_count);
	size_t cap = 0;
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		cap = (size_t)sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	*out = arena_alloc(a, (cap ? cap : 1) * sizeof **out);
	if ((st = sq_stmt(c, sql))) {
		while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			struct area_seed *d = &(*out)[(*n)++];
			d->code = sq_text(a, st, 0);
			d->name = sq_text(a, st, 1);
			d->parent = sq_text(a, st, 2);
		}
		ss = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
		sqlite3_reset(st);
	}
	sq_reader_put(s, c);
	return ss;
}
