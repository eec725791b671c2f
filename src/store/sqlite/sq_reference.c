/* sq_reference — reference lists: key epidemic areas (重点疫区) with their dates, and the
 * national divisions down to counties, used to resolve where a traveller came from. */
#include <string.h>

#include "store/sqlite/sq_rows.h"


enum store_status store_key_areas(struct store *s, struct arena *a, struct key_area **out,
				  size_t *n)
{
	static const char sql[] = "SELECT " KEY_AREA_COLS " FROM key_area"
				  " ORDER BY code, start_date LIMIT 1000";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_key_area_rows, 1000, a, n, &ss, NULL, 0);
	return ss;
}

enum store_status store_tx_key_area_put(struct store_tx *tx, const struct key_area *k)
{
	static const char sql[] =
		"INSERT INTO key_area(code, name, start_date, end_date)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT(code, start_date)"
		" DO UPDATE SET name = excluded.name, end_date = excluded.end_date";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(k->code), SQ_TEXT(k->name), SQ_INT(k->start_date),
				SQ_INT(k->end_date)));
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
	static const char sql[] = "SELECT code, name, parent FROM division ORDER BY code";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_area_seed_rows, SQ_ALL, a, n, &ss, NULL, 0);
	return ss;
}
