/* sq_grid_rule — a village's grid rules (domain/grid_rule.h), one row per rule in the order
 * the commander gave them; the list of a village is replaced whole (clear, then add). */
#include "store/sqlite/sq_rows.h"

#define GRID_RULE_FROM " FROM grid_rule"

enum store_status store_grid_rules(struct store *s, const char *scope, size_t max, struct arena *a,
				   struct grid_rule_row **out, size_t *n)
{
	static const char sql[] = "SELECT " GRID_RULE_COLS GRID_RULE_FROM
				  " WHERE village_code >= ?1 AND village_code < ?2"
				  " ORDER BY village_code, position";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_grid_rule_rows, max, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope))));
	return ss;
}

enum store_status store_tx_grid_rules(struct store_tx *tx, const char *village, struct arena *a,
				      struct grid_rule_row **out, size_t *n)
{
	static const char sql[] = "SELECT " GRID_RULE_COLS GRID_RULE_FROM
				  " WHERE village_code = ?1 ORDER BY position";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &sq_grid_rule_rows, SQ_ALL, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(village)));
	return ss;
}

enum store_status store_tx_grid_rules_clear(struct store_tx *tx, const char *village)
{
	static const char sql[] = "DELETE FROM grid_rule WHERE village_code = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(village)));
}

enum store_status store_tx_grid_rule_add(struct store_tx *tx, int position,
					 const struct grid_rule_row *r)
{
	static const char sql[] =
		"INSERT INTO grid_rule(village_code, position, grid_code, kind, name, num_from,"
		" num_to, parity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(r->village), SQ_INT(position), SQ_TEXT(r->grid),
				SQ_TEXT(r->kind), SQ_TEXT_NN(r->name), SQ_INT(r->from),
				SQ_INT(r->to), SQ_TEXT(r->parity)));
}
