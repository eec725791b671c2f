/* sq_closure — closed areas (封闭式管理): closures, households and the files of their
 * members, passes, gates and their guards, gate records, and the two kept counts (exits
 * per household and day, the closure's figures per day and metric).
 *
 * Whether a household is under home observation is computed, never stored: a member's file
 * with an active home observation, or a file at the household's address under the closure's
 * area with one. Every query that reads it binds the closure's area as ?1 and its end as ?2
 * (HH_OBS), so that the row lists below can carry it. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

#define SQ_ENTRY(kind, field, sql) SQ_COL_##kind(ROW_T, field),
#define SQ_TABLE(ROW)                                                                              \
	{                                                                                          \
		ROW(SQ_ENTRY, SQ_ENTRY)                                                            \
	}

/* The key two addresses are compared by: spaces (ASCII, ideographic, no-break) dropped and
 * the full-width digits and signs house numbers are written with made half-width, so that
 * "幸福路１９号" in a person's file and "幸福路 19号" in a household list are one address.
 * Both backends have replace(). */
#define ADDR_KEY(x)                                                                                \
	"replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(" \
	"replace(replace(replace(replace(" x                                                       \
	", ' ', ''), '　', ''), ' ', ''), '０', '0'), '１', '1'), '２', '"                    \
	"2'), '３', '3'), '４', '4'), '５', '5'), '６', '6'), '７', '7'), "                   \
	"'８', '8'), '９', '9'), '－', '-'), '＃', '#')"

/* household h has a person under home observation now: a member's file, or a file at the
 * household's address anywhere in the village that holds the closure's area (a compound's
 * grid or group is new; its people's files and observations stay under the village). */
#define HH_OBS                                                                                     \
	"(EXISTS (SELECT 1 FROM closure_member m JOIN observation o ON o.person_id = m.person_id"  \
	"  WHERE m.household_id = h.id AND o.status = 'active'"                                    \
	"  AND o.kind <> 'central_isolation')"                                                     \
	" OR EXISTS (SELECT 1 FROM closure hc JOIN observation o"                                  \
	"  ON substr(o.area_code, 1, 12) = substr(hc.area_code, 1, 12)"                            \
	"  JOIN person p ON p.id = o.person_id WHERE hc.id = h.closure_id"                         \
	"  AND o.status = 'active' AND o.kind <> 'central_isolation' AND p.address <> ''"          \
	"  AND " ADDR_KEY("p.address") " = " ADDR_KEY("h.address") "))"
#define HH_PASS                                                                                    \
	"coalesce((SELECT x.number FROM closure_pass x WHERE x.household_id = h.id"                \
	" AND x.kind = 'resident' AND x.revoked_at = 0), '')"

#define CL_ROW(F, C)                                                                               \
	F(BUF, id, "c.id")                                                                         \
	C(BUF, area, "c.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, reason, "c.reason")                                                                \
	C(TEXT, state, "c.state")                                                                  \
	C(TEXT, created_by, "c.created_by")                                                        \
	C(NUM, from_day, "c.from_day")                                                             \
	C(NUM, until_day, "c.until_day")                                                           \
	C(NUM, out_per, "c.out_per")                                                               \
	C(NUM, every_days, "c.every_days")                                                         \
	C(NUM, outsiders, "c.outsiders")                                                           \
	C(NUM, vehicles, "c.vehicles")                                                             \
	C(NUM, list_version, "c.list_version")                                                     \
	C(NUM, created_at, "c.created_at")                                                         \
	C(NUM, updated_at, "c.updated_at")
#define CL_COLS SQ_SELECT_LIST(CL_ROW)
#define CL_FROM " FROM closure c LEFT JOIN area a ON a.code = c.area_code"
#define ROW_T struct closure
static const struct sq_col cl_cols[] = SQ_TABLE(CL_ROW);
#undef ROW_T
static const struct sq_rowtype cl_rows = SQ_ROWTYPE(struct closure, cl_cols, NULL);

#define HH_ROW(F, C)                                                                               \
	F(BUF, id, "h.id")                                                                         \
	C(BUF, closure_id, "h.closure_id")                                                         \
	C(TEXT, head, "h.head")                                                                    \
	C(TEXT, address, "h.address")                                                              \
	C(TEXT, phone, "h.phone")                                                                  \
	C(TEXT, source, "h.source")                                                                \
	C(TEXT, blocked_reason, "h.blocked_reason")                                                \
	C(NUM, members, "h.members")                                                               \
	C(NUM, blocked, "h.blocked")                                                               \
	C(NUM, observation, "CASE WHEN " HH_OBS " THEN 1 ELSE 0 END")                              \
	C(NUM, last_out_at, "h.last_out_at")                                                       \
	C(NUM, created_at, "h.created_at")                                                         \
	C(NUM, updated_at, "h.updated_at")                                                         \
	C(TEXT, pass_number, HH_PASS)
#define HH_COLS SQ_SELECT_LIST(HH_ROW)
#define ROW_T struct household
static const struct sq_col hh_cols[] = SQ_TABLE(HH_ROW);
#undef ROW_T
static const struct sq_rowtype hh_rows = SQ_ROWTYPE(struct household, hh_cols, NULL);

#define PS_ROW(F, C)                                                                               \
	F(BUF, number, "ps.number")                                                                \
	C(BUF, closure_id, "ps.closure_id")                                                        \
	C(TEXT, kind, "ps.kind")                                                                   \
	C(TEXT, household_id, "coalesce(ps.household_id, '')")                                     \
	C(TEXT, holder, "ps.holder")                                                               \
	C(TEXT, employer, "ps.employer")                                                           \
	C(TEXT, purpose, "ps.purpose")                                                             \
	C(TEXT, issued_by, "ps.issued_by")                                                         \
	C(TEXT, revoke_reason, "ps.revoke_reason")                                                 \
	C(TEXT, replaces, "coalesce(ps.replaces, '')")                                             \
	C(TEXT, replaced_by, "coalesce(ps.replaced_by, '')")                                       \
	C(NUM, valid_from, "ps.valid_from")                                                        \
	C(NUM, valid_to, "ps.valid_to")                                                            \
	C(NUM, issued_at, "ps.issued_at")                                                          \
	C(NUM, revoked_at, "ps.revoked_at")                                                        \
	C(NUM, out_at, "ps.out_at")                                                                \
	C(TEXT, head, "coalesce(h.head, '')")                                                      \
	C(TEXT, address, "coalesce(h.address, '')")                                                \
	C(TEXT, phone, "coalesce(h.phone, '')")                                                    \
	C(NUM, members, "coalesce(h.members, 0)")                                                  \
	C(NUM, blocked, "coalesce(h.blocked, 0)")                                                  \
	C(NUM, observation, "CASE WHEN h.id IS NOT NULL AND " HH_OBS " THEN 1 ELSE 0 END")         \
	C(NUM, last_out_at, "coalesce(h.last_out_at, 0)")
#define PS_COLS SQ_SELECT_LIST(PS_ROW)
#define PS_FROM " FROM closure_pass ps LEFT JOIN closure_household h ON h.id = ps.household_id"
#define ROW_T struct closure_pass
static const struct sq_col ps_cols[] = SQ_TABLE(PS_ROW);
#undef ROW_T
static const struct sq_rowtype ps_rows = SQ_ROWTYPE(struct closure_pass, ps_cols, NULL);

#define GT_ROW(F, C)                                                                               \
	F(BUF, id, "g.id")                                                                         \
	C(BUF, closure_id, "g.closure_id")                                                         \
	C(TEXT, name, "g.name")                                                                    \
	C(NUM, created_at, "g.created_at")                                                         \
	C(NUM, guards, "(SELECT count(*) FROM app_user u WHERE u.gate_id = g.id)")
#define GT_COLS SQ_SELECT_LIST(GT_ROW)
#define ROW_T struct gate
static const struct sq_col gt_cols[] = SQ_TABLE(GT_ROW);
#undef ROW_T
static const struct sq_rowtype gt_rows = SQ_ROWTYPE(struct gate, gt_cols, NULL);

#define RC_ROW(F, C)                                                                               \
	F(BUF, id, "r.id")                                                                         \
	C(BUF, closure_id, "r.closure_id")                                                         \
	C(BUF, gate_id, "r.gate_id")                                                               \
	C(TEXT, number, "r.number")                                                                \
	C(TEXT, household_id, "coalesce(r.household_id, '')")                                      \
	C(TEXT, direction, "r.direction")                                                          \
	C(TEXT, verdict, "r.verdict")                                                              \
	C(TEXT, reason, "r.reason")                                                                \
	C(TEXT, person, "r.person")                                                                \
	C(TEXT, override_reason, "r.override_reason")                                              \
	C(TEXT, phone_verdict, "r.phone_verdict")                                                  \
	C(TEXT, guard_id, "coalesce(r.guard_id, '')")                                              \
	C(TEXT, guard, "r.guard")                                                                  \
	C(TEXT, gate_name, "coalesce(g.name, '')")                                                 \
	C(NUM, at, "r.at")                                                                         \
	C(NUM, created_at, "r.created_at")                                                         \
	C(NUM, day, "r.day")                                                                       \
	C(NUM, temp, "r.temp")                                                                     \
	C(NUM, fever, "r.fever")                                                                   \
	C(NUM, counted, "r.counted")                                                               \
	C(NUM, offline_disagreed, "r.offline_disagreed")
#define RC_COLS SQ_SELECT_LIST(RC_ROW)
#define RC_FROM " FROM gate_record r LEFT JOIN closure_gate g ON g.id = r.gate_id"
#define ROW_T struct gate_record
static const struct sq_col rc_cols[] = SQ_TABLE(RC_ROW);
#undef ROW_T
static const struct sq_rowtype rc_rows = SQ_ROWTYPE(struct gate_record, rc_cols, NULL);

/* ---- closures ---- */

enum store_status store_tx_closure_insert(struct store_tx *tx, const struct closure *c)
{
	static const char sql[] =
		"INSERT INTO closure(id, area_code, from_day, until_day, reason, out_per,"
		" every_days, outsiders, vehicles, state, list_version, created_by, created_at,"
		" updated_at) VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?8, 'active', 1, ?9, ?10, "
		"?10)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(c->id), SQ_TEXT(c->area), SQ_INT(c->from_day),
				SQ_TEXT_NN(c->reason), SQ_INT(c->out_per), SQ_INT(c->every_days),
				SQ_INT(c->outsiders), SQ_INT(c->vehicles),
				SQ_TEXT_NN(c->created_by), SQ_INT(c->created_at)));
}

enum store_status store_tx_closure_read(struct store_tx *tx, const char *id, struct arena *a,
					struct closure *out)
{
	static const char sql[] = "SELECT " CL_COLS CL_FROM " WHERE c.id = ?1";

	return sq_one(sq_conn_of(tx), sql, &cl_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_closure_update(struct store_tx *tx, const struct closure *c, int64_t now)
{
	static const char sql[] =
		"UPDATE closure SET out_per = ?2, every_days = ?3, outsiders = ?4, vehicles = ?5,"
		" reason = coalesce(?6, reason), list_version = list_version + 1, updated_at = ?7"
		" WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(c->id), SQ_INT(c->out_per), SQ_INT(c->every_days),
				 SQ_INT(c->outsiders), SQ_INT(c->vehicles), SQ_TEXT(c->reason),
				 SQ_INT(now)));
}

enum store_status store_tx_closure_reopen(struct store_tx *tx, const char *id, int until,
					  int64_t now)
{
	static const char sql[] =
		"UPDATE closure SET state = 'reopened', until_day = ?2, updated_at = ?3,"
		" list_version = list_version + 1 WHERE id = ?1 AND state = 'active'";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_INT(until), SQ_INT(now)));
}

enum store_status store_tx_closure_bump(struct store_tx *tx, const char *id, int64_t now)
{
	static const char sql[] =
		"UPDATE closure SET list_version = list_version + 1, updated_at = ?2 WHERE id = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_INT(now)));
}

enum store_status store_closure_list(struct store *s, const char *scope, const char *area, bool all,
				     struct arena *a, struct closure **out, size_t *n)
{
	static const char sql[] =
		"SELECT " CL_COLS CL_FROM " WHERE c.area_code >= ?1 AND c.area_code < ?2"
		" AND (?3 IS NULL OR (c.area_code >= ?3 AND c.area_code < ?4))"
		" AND (?5 = 1 OR c.state = 'active')"
		" ORDER BY c.state, c.area_code, c.created_at DESC";
	enum store_status ss;

	*out = sq_list(s, sql, &cl_rows, CLOSURE_LIST_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_TEXT(area),
				 SQ_TEXT(sq_scope_end(a, area)), SQ_INT(all)));
	return ss;
}

enum store_status store_closure_counts(struct store *s, struct closure *c, int day)
{
	static const char sql[] =
		"SELECT (SELECT count(*) FROM closure_household WHERE closure_id = ?3),"
		" (SELECT count(*) FROM closure_household WHERE closure_id = ?3 AND blocked = 1),"
		" (SELECT count(*) FROM closure_household h WHERE h.closure_id = ?3 AND " HH_OBS
		"),"
		" (SELECT count(*) FROM closure_pass WHERE closure_id = ?3 AND kind = 'resident'"
		"  AND revoked_at = 0),"
		" (SELECT count(*) FROM closure_pass WHERE closure_id = ?3 AND kind = 'worker'"
		"  AND revoked_at = 0),"
		" (SELECT count(*) FROM closure_pass WHERE closure_id = ?3 AND kind = 'temporary'"
		"  AND revoked_at = 0 AND valid_to >= ?5),"
		" (SELECT count(*) FROM closure_pass WHERE closure_id = ?3 AND out_at > 0),"
		" (SELECT coalesce(sum(n), 0) FROM closure_count WHERE closure_id = ?3 AND day = ?4"
		"  AND metric = 'exits'),"
		" (SELECT coalesce(sum(n), 0) FROM closure_count WHERE closure_id = ?3 AND day = ?4"
		"  AND metric >= 'refusal.' AND metric < 'refusal/')";
	struct sq_conn *k = sq_reader_get(s);
	struct sq_cur cur;
	struct arena *a = arena_new();
	enum store_status ss;
	int64_t *f[] = {&c->counts.households, &c->counts.blocked,     &c->counts.observation,
			&c->counts.resident,   &c->counts.worker,      &c->counts.temporary,
			&c->counts.out_now,    &c->counts.exits_today, &c->counts.refusals_today};

	memset(&c->counts, 0, sizeof c->counts);
	if (sq_open(&cur, k, sql,
		    SQ_PARAMS(SQ_TEXT(c->area), SQ_TEXT(sq_scope_end(a, c->area)), SQ_TEXT(c->id),
			      SQ_INT(day), SQ_INT(obs_midnight(day)))) &&
	    sq_next(&cur))
		for (int i = 0; i < 9; i++)
			*f[i] = sq_int(&cur, i);
	ss = sq_close(&cur);
	sq_reader_put(s, k);
	arena_free(a);
	return ss;
}

/* ---- households ---- */

static void read_group(const struct sq_cur *k, struct arena *a, void *out)
{
	struct household_group *g = out;

	g->address = sq_text(a, k, 0);
	g->head = sq_text(a, k, 1);
	g->phone = sq_text(a, k, 2);
	g->members = (int)sq_int(k, 3);
}
static const struct sq_rowtype group_rows = {sizeof(struct household_group), NULL, 0, read_group};

enum store_status store_tx_household_groups(struct store_tx *tx, const char *scope, struct arena *a,
					    struct household_group **out, size_t *n)
{
	static const char sql[] =
		"SELECT p.address, min(p.name), max(p.phone), count(*) FROM person p"
		" WHERE p.area_code >= ?1 AND p.area_code < ?2 AND p.merged_into IS NULL"
		" AND p.address <> '' GROUP BY p.address ORDER BY p.address";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &group_rows, HOUSEHOLDS_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope))));
	return ss;
}

enum store_status store_tx_household_by_address(struct store_tx *tx, const char *closure_id,
						const char *address, struct arena *a,
						struct household *out)
{
	static const char sql[] = "SELECT " HH_COLS " FROM closure_household h"
				  " WHERE h.closure_id = ?3 AND h.address = ?4";

	return sq_one(sq_conn_of(tx), sql, &hh_rows, a, out,
		      SQ_PARAMS(SQ_NULL, SQ_NULL, SQ_TEXT(closure_id), SQ_TEXT(address)));
}

enum store_status store_tx_household_insert(struct store_tx *tx, const struct household *h)
{
	static const char sql[] =
		"INSERT INTO closure_household(id, closure_id, head, address, members, phone,"
		" source, blocked, blocked_reason, last_out_at, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, '', 0, ?8, ?8)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(h->id), SQ_TEXT(h->closure_id), SQ_TEXT(h->head),
				SQ_TEXT(h->address), SQ_INT(h->members), SQ_TEXT_NN(h->phone),
				SQ_TEXT(h->source), SQ_INT(h->created_at)));
}

enum store_status store_tx_household_set(struct store_tx *tx, const char *id, const char *head,
					 int members, const char *phone, int64_t now)
{
	static const char sql[] = "UPDATE closure_household SET head = ?2, members = ?3,"
				  " phone = coalesce(?4, phone), updated_at = ?5 WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(head), SQ_INT(members), SQ_TEXT(phone),
				 SQ_INT(now)));
}

enum store_status store_tx_household_link(struct store_tx *tx, const char *id, const char *address,
					  const char *scope)
{
	static const char sql[] =
		"INSERT INTO closure_member(household_id, person_id) SELECT ?1, p.id FROM person p"
		" WHERE substr(p.area_code, 1, 12) = substr(?3, 1, 12) AND length(?4) > 0"
		" AND p.address <> '' AND " ADDR_KEY("p.address") " = " ADDR_KEY(
			"?2") " AND p.merged_into IS NULL ON CONFLICT DO NOTHING";
	struct arena *a = arena_new();
	enum store_status ss = sq_run(sq_conn_of(tx), sql,
				      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(address), SQ_TEXT(scope),
						SQ_TEXT(sq_scope_end(a, scope))));

	arena_free(a);
	return ss;
}

enum store_status store_tx_household_count(struct store_tx *tx, const char *closure_id, int64_t *n)
{
	static const char sql[] = "SELECT count(*) FROM closure_household WHERE closure_id = ?1";

	return sq_one_int(sq_conn_of(tx), sql, n, SQ_PARAMS(SQ_TEXT(closure_id)));
}

enum store_status store_tx_household_read(struct store_tx *tx, const char *id, const char *scope,
					  struct arena *a, struct household *out)
{
	static const char sql[] = "SELECT " HH_COLS " FROM closure_household h WHERE h.id = ?3";

	return sq_one(sq_conn_of(tx), sql, &hh_rows, a, out,
		      SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_TEXT(id)));
}

enum store_status store_tx_household_block(struct store_tx *tx, const char *id, bool blocked,
					   const char *reason, int64_t now)
{
	static const char sql[] = "UPDATE closure_household SET blocked = ?2, blocked_reason = ?3,"
				  " updated_at = ?4 WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(id), SQ_INT(blocked), SQ_TEXT_NN(reason), SQ_INT(now)));
}

enum store_status store_tx_household_out(struct store_tx *tx, const char *id, int64_t at)
{
	static const char sql[] = "UPDATE closure_household SET last_out_at = ?2"
				  " WHERE id = ?1 AND last_out_at < ?2";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_INT(at)));
}

#define HH_WHERE                                                                                   \
	" FROM closure_household h WHERE h.closure_id = ?3"                                        \
	" AND (?4 IS NULL OR instr(h.head, ?4) > 0 OR instr(h.address, ?4) > 0)"                   \
	" AND (?5 = 0 OR (?5 = 1 AND h.blocked = 1) OR (?5 = 2 AND " HH_OBS ")"                    \
	"  OR (?5 = 3 AND NOT EXISTS (SELECT 1 FROM closure_pass x WHERE x.household_id = h.id"    \
	"  AND x.kind = 'resident' AND x.revoked_at = 0)))"

enum store_status store_household_list(struct store *s, const struct household_query *q,
				       struct arena *a, struct household **out, size_t *n,
				       int64_t *total)
{
	static const char sql_count[] = "SELECT count(*)" HH_WHERE;
	static const char sql[] =
		"SELECT " HH_COLS HH_WHERE " ORDER BY h.address, h.id LIMIT ?6 OFFSET ?7";
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &hh_rows, HOUSEHOLD_PAGE_MAX, a, n, total, &ss,
		       SQ_PARAMS(SQ_TEXT(q->scope), SQ_TEXT(sq_scope_end(a, q->scope)),
				 SQ_TEXT(q->closure_id), SQ_TEXT(q->q), SQ_INT(q->filter),
				 SQ_INT(q->limit), SQ_INT(q->offset)));
	return ss;
}

enum store_status store_tx_households_without_pass(struct store_tx *tx, const char *closure_id,
						   const char *scope, struct arena *a,
						   struct household **out, size_t *n)
{
	static const char sql[] =
		"SELECT " HH_COLS " FROM closure_household h WHERE h.closure_id = ?3"
		" AND NOT EXISTS (SELECT 1 FROM closure_pass x WHERE x.household_id = h.id"
		" AND x.kind = 'resident' AND x.revoked_at = 0) ORDER BY h.address, h.id";
	enum store_status ss;

	*out = sq_rows(
		sq_conn_of(tx), sql, &hh_rows, HOUSEHOLDS_MAX, a, n, &ss,
		SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_TEXT(closure_id)));
	return ss;
}

/* ---- passes ---- */

enum store_status store_tx_pass_insert(struct store_tx *tx, const struct closure_pass *p)
{
	static const char sql[] =
		"INSERT INTO closure_pass(number, closure_id, kind, household_id, holder, employer,"
		" purpose, valid_from, valid_to, issued_at, issued_by, revoked_at, revoke_reason,"
		" replaces, replaced_by, out_at) VALUES (?1, ?2, ?3, nullif(?4, ''), ?5, ?6, ?7,"
		" ?8, ?9, ?10, ?11, 0, '', nullif(?12, ''), NULL, 0)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(p->number), SQ_TEXT(p->closure_id), SQ_TEXT(p->kind),
				SQ_TEXT_NN(p->household_id), SQ_TEXT_NN(p->holder),
				SQ_TEXT_NN(p->employer), SQ_TEXT_NN(p->purpose),
				SQ_INT(p->valid_from), SQ_INT(p->valid_to), SQ_INT(p->issued_at),
				SQ_TEXT_NN(p->issued_by), SQ_TEXT_NN(p->replaces)));
}

enum store_status store_tx_pass_read(struct store_tx *tx, const char *number, const char *scope,
				     struct arena *a, struct closure_pass *out)
{
	static const char sql[] = "SELECT " PS_COLS PS_FROM " WHERE ps.number = ?3";

	return sq_one(sq_conn_of(tx), sql, &ps_rows, a, out,
		      SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_TEXT(number)));
}

enum store_status store_tx_pass_of_household(struct store_tx *tx, const char *household_id,
					     struct arena *a, struct closure_pass *out)
{
	static const char sql[] = "SELECT " PS_COLS PS_FROM " WHERE ps.household_id = ?3"
				  " AND ps.kind = 'resident' AND ps.revoked_at = 0";

	return sq_one(sq_conn_of(tx), sql, &ps_rows, a, out,
		      SQ_PARAMS(SQ_NULL, SQ_NULL, SQ_TEXT(household_id)));
}

enum store_status store_tx_pass_revoke(struct store_tx *tx, const char *number, int64_t at,
				       const char *reason, const char *replaced_by)
{
	static const char sql[] =
		"UPDATE closure_pass SET revoked_at = ?2, revoke_reason = ?3,"
		" replaced_by = nullif(?4, ''), out_at = 0 WHERE number = ?1 AND revoked_at = 0";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(number), SQ_INT(at), SQ_TEXT_NN(reason),
				 SQ_TEXT_NN(replaced_by)));
}

enum store_status store_tx_pass_replaced(struct store_tx *tx, const char *number,
					 const char *replaced_by)
{
	static const char sql[] = "UPDATE closure_pass SET replaced_by = ?2 WHERE number = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(number), SQ_TEXT(replaced_by)));
}

enum store_status store_tx_pass_moved(struct store_tx *tx, const char *number, bool out, int64_t at)
{
	static const char sql_out[] =
		"UPDATE closure_pass SET out_at = ?2 WHERE number = ?1 AND out_at < ?2";
	static const char sql_in[] =
		"UPDATE closure_pass SET out_at = 0 WHERE number = ?1 AND out_at <= ?2";

	return sq_run(sq_conn_of(tx), out ? sql_out : sql_in,
		      SQ_PARAMS(SQ_TEXT(number), SQ_INT(at)));
}

#define PS_WHERE                                                                                   \
	PS_FROM " WHERE ps.closure_id = ?3 AND (?4 IS NULL OR ps.kind = ?4)"                       \
		" AND (?5 = 0 OR (?5 = 1 AND ps.revoked_at = 0 AND (ps.valid_to = 0"               \
		"  OR ps.valid_to >= ?6)) OR (?5 = 2 AND ps.revoked_at > 0)"                       \
		" OR (?5 = 3 AND ps.revoked_at = 0 AND ps.valid_to > 0 AND ps.valid_to < ?6))"

enum store_status store_pass_list(struct store *s, const struct pass_query *q, struct arena *a,
				  struct closure_pass **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*)" PS_WHERE;
	static const char sql[] = "SELECT " PS_COLS PS_WHERE
				  " ORDER BY ps.issued_at DESC, ps.number LIMIT ?7 OFFSET ?8";
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &ps_rows, PASS_PAGE_MAX, a, n, total, &ss,
		       SQ_PARAMS(SQ_NULL, SQ_NULL, SQ_TEXT(q->closure_id), SQ_TEXT(q->kind),
				 SQ_INT(q->state), SQ_INT(q->now), SQ_INT(q->limit),
				 SQ_INT(q->offset)));
	return ss;
}

enum store_status store_pass_print(struct store *s, const char *closure_id,
				   const char *const *numbers, size_t nnumbers, struct arena *a,
				   struct closure_pass **out, size_t *n)
{
	static const char sql_all[] = "SELECT " PS_COLS PS_FROM " WHERE ps.closure_id = ?3"
				      " AND ps.revoked_at = 0 ORDER BY h.address, ps.number";
	static const char sql_one[] =
		"SELECT " PS_COLS PS_FROM " WHERE ps.closure_id = ?3 AND ps.number = ?4";
	struct sq_conn *c;
	enum store_status ss = STORE_OK;
	struct closure_pass *v;

	*n = 0;
	if (!numbers) {
		*out = sq_list(s, sql_all, &ps_rows, PASS_PRINT_MAX, a, n, &ss,
			       SQ_PARAMS(SQ_NULL, SQ_NULL, SQ_TEXT(closure_id)));
		return ss;
	}
	if (!(c = sq_reader_get(s)))
		return STORE_BUSY;
	*out = v = arena_alloc(a, (nnumbers ? nnumbers : 1) * sizeof *v);
	for (size_t i = 0; i < nnumbers && i < PASS_PRINT_MAX && ss != STORE_BUSY; i++) {
		ss = sq_one(c, sql_one, &ps_rows, a, &v[*n],
			    SQ_PARAMS(SQ_NULL, SQ_NULL, SQ_TEXT(closure_id), SQ_TEXT(numbers[i])));
		if (ss == STORE_OK)
			(*n)++;
		else if (ss == STORE_NOT_FOUND)
			ss = STORE_OK;
		else
			break;
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_closure_out_now(struct store *s, const char *closure_id, struct arena *a,
					struct closure_pass **out, size_t *n)
{
	static const char sql[] = "SELECT " PS_COLS PS_FROM " WHERE ps.closure_id = ?3"
				  " AND ps.out_at > 0 ORDER BY ps.out_at DESC, ps.number";
	enum store_status ss;

	*out = sq_list(s, sql, &ps_rows, CLOSURE_OUT_NOW_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_NULL, SQ_NULL, SQ_TEXT(closure_id)));
	return ss;
}

static void read_gate_pass(const struct sq_cur *k, struct arena *a, void *out)
{
	struct gate_pass *g = out;

	sq_read_row(k, a, &g->p, &ps_rows);
	g->exits = sq_int(k, ps_rows.ncols);
	g->last_day = sq_int(k, ps_rows.ncols + 1);
}
static const struct sq_rowtype gate_pass_rows = {sizeof(struct gate_pass), NULL, 0, read_gate_pass};

/* the passes a gate's phone must know: in force, and those revoked lately (?6: now,
 * ?7: revoked since) */
#define GATE_PASSES_WHERE                                                                          \
	" WHERE ps.closure_id = ?3 AND ((ps.revoked_at = 0 AND (ps.valid_to = 0 OR"                \
	" ps.valid_to >= ?6)) OR ps.revoked_at >= ?7) AND ?4 <= ?5"

enum store_status store_gate_passes(struct store *s, const char *closure_id, const char *scope,
				    int lo, int hi, int64_t now, struct arena *a,
				    struct gate_pass **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*) FROM closure_pass ps" GATE_PASSES_WHERE;
	static const char sql[] =
		"SELECT " PS_COLS ", coalesce((SELECT sum(e.n) FROM closure_exit e"
		"  WHERE e.household_id = ps.household_id AND e.day >= ?4 AND e.day <= ?5), 0),"
		" coalesce((SELECT max(e.day) FROM closure_exit e"
		"  WHERE e.household_id = ps.household_id AND e.n > 0), 0)" PS_FROM
			GATE_PASSES_WHERE " ORDER BY ps.number LIMIT ?8 OFFSET ?9";
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &gate_pass_rows, GATE_LIST_MAX, a, n, total, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)),
				 SQ_TEXT(closure_id), SQ_INT(lo), SQ_INT(hi), SQ_INT(now),
				 SQ_INT(now - GATE_REVOKED_KEPT_S), SQ_INT(GATE_LIST_MAX),
				 SQ_INT(0)));
	return ss;
}

/* ---- gates and guards ---- */

enum store_status store_tx_gate_insert(struct store_tx *tx, const struct gate *g)
{
	static const char sql[] = "INSERT INTO closure_gate(id, closure_id, name, created_at)"
				  " VALUES (?1, ?2, ?3, ?4)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(g->id), SQ_TEXT(g->closure_id), SQ_TEXT(g->name),
				SQ_INT(g->created_at)));
}

enum store_status store_tx_gate_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct gate *out)
{
	static const char sql[] = "SELECT " GT_COLS " FROM closure_gate g WHERE g.id = ?1";

	return sq_one(sq_conn_of(tx), sql, &gt_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_gate_list(struct store *s, const char *closure_id, struct arena *a,
				  struct gate **out, size_t *n)
{
	static const char sql[] = "SELECT " GT_COLS " FROM closure_gate g WHERE g.closure_id = ?1"
				  " ORDER BY g.name, g.id";
	enum store_status ss;

	*out = sq_list(s, sql, &gt_rows, GATES_MAX, a, n, &ss, SQ_PARAMS(SQ_TEXT(closure_id)));
	return ss;
}

enum store_status store_gate_guards(struct store *s, const char *gate_id, struct arena *a,
				    struct user **out, size_t *n)
{
	static const char sql[] =
		"SELECT " USER_COLS USER_FROM " WHERE u.gate_id = ?1 ORDER BY u.username";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_user_rows, GATE_GUARDS_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(gate_id)));
	return ss;
}

enum store_status store_tx_user_gate(struct store_tx *tx, const char *user_id, char *buf, size_t sz)
{
	static const char sql[] = "SELECT coalesce(gate_id, '') FROM app_user WHERE id = ?1";

	return sq_one_text(sq_conn_of(tx), sql, buf, sz, SQ_PARAMS(SQ_TEXT(user_id)));
}

enum store_status store_tx_user_set_gate(struct store_tx *tx, const char *user_id, const char *gate,
					 const char *area)
{
	static const char sql[] = "UPDATE app_user SET gate_id = ?2,"
				  " area_code = coalesce(?3, area_code) WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(user_id), SQ_TEXT(gate), SQ_TEXT(area)));
}

/* ---- records and their counts ---- */

enum store_status store_tx_record_insert(struct store_tx *tx, const struct gate_record *r)
{
	static const char sql[] =
		"INSERT INTO gate_record(id, closure_id, gate_id, number, household_id, direction,"
		" at, day, verdict, reason, counted, temp, fever, person, override_reason,"
		" phone_verdict, offline_disagreed, guard_id, guard, created_at) VALUES (?1, ?2, "
		"?3,"
		" ?4, nullif(?5, ''), ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" nullif(?18, ''), ?19, ?20)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(r->id), SQ_TEXT(r->closure_id), SQ_TEXT(r->gate_id),
				SQ_TEXT(r->number), SQ_TEXT_NN(r->household_id),
				SQ_TEXT(r->direction), SQ_INT(r->at), SQ_INT(r->day),
				SQ_TEXT(r->verdict), SQ_TEXT(r->reason), SQ_INT(r->counted),
				SQ_INT(r->temp), SQ_INT(r->fever), SQ_TEXT_NN(r->person),
				SQ_TEXT_NN(r->override_reason), SQ_TEXT_NN(r->phone_verdict),
				SQ_INT(r->offline_disagreed), SQ_TEXT_NN(r->guard_id),
				SQ_TEXT_NN(r->guard), SQ_INT(r->created_at)));
}

enum store_status store_tx_record_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct gate_record *out)
{
	static const char sql[] = "SELECT " RC_COLS RC_FROM " WHERE r.id = ?1";

	return sq_one(sq_conn_of(tx), sql, &rc_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

static void read_day_count(const struct sq_cur *k, struct arena *a, void *out)
{
	struct closure_day_count *d = out;

	(void)a;
	d->day = (int)sq_int(k, 0);
	d->n = (int)sq_int(k, 1);
}
static const struct sq_rowtype day_count_rows = {sizeof(struct closure_day_count), NULL, 0,
						 read_day_count};

enum store_status store_tx_exit_days(struct store_tx *tx, const char *household_id, int lo, int hi,
				     struct arena *a, struct closure_day_count **out, size_t *n)
{
	static const char sql[] = "SELECT day, n FROM closure_exit WHERE household_id = ?1"
				  " AND day >= ?2 AND day <= ?3 ORDER BY day";
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), sql, &day_count_rows, 64, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(household_id), SQ_INT(lo), SQ_INT(hi)));
	return ss;
}

enum store_status store_tx_exit_add(struct store_tx *tx, const char *household_id, int day, int n)
{
	static const char sql[] =
		"INSERT INTO closure_exit(household_id, day, n) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (household_id, day) DO UPDATE SET"
		" n = closure_exit.n + excluded.n";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(household_id), SQ_INT(day), SQ_INT(n)));
}

enum store_status store_tx_closure_count_add(struct store_tx *tx, const char *closure_id, int day,
					     const char *metric, int n)
{
	static const char sql[] =
		"INSERT INTO closure_count(closure_id, day, metric, n) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (closure_id, day, metric) DO UPDATE SET"
		" n = closure_count.n + excluded.n";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(closure_id), SQ_INT(day), SQ_TEXT(metric), SQ_INT(n)));
}

static void read_metric(const struct sq_cur *k, struct arena *a, void *out)
{
	struct closure_day_metric *m = out;

	m->day = (int)sq_int(k, 0);
	m->metric = sq_text(a, k, 1);
	m->n = sq_int(k, 2);
}
static const struct sq_rowtype metric_rows = {sizeof(struct closure_day_metric), NULL, 0,
					      read_metric};

enum store_status store_closure_days(struct store *s, const char *closure_id, int from, int to,
				     struct arena *a, struct closure_day_metric **out, size_t *n)
{
	static const char sql[] = "SELECT day, metric, n FROM closure_count WHERE closure_id = ?1"
				  " AND day >= ?2 AND day <= ?3 ORDER BY day, metric";
	enum store_status ss;

	*out = sq_list(s, sql, &metric_rows, 92 * 24, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(closure_id), SQ_INT(from), SQ_INT(to)));
	return ss;
}

#define LOG_WHERE                                                                                  \
	RC_FROM " WHERE r.closure_id = ?1 AND r.day >= ?2 AND r.day <= ?3"                         \
		" AND (?4 IS NULL OR r.gate_id = ?4) AND (?5 IS NULL OR r.verdict = ?5)"

enum store_status store_gate_log(struct store *s, const struct gate_log_query *q, struct arena *a,
				 struct gate_record **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*)" LOG_WHERE;
	static const char sql[] =
		"SELECT " RC_COLS LOG_WHERE " ORDER BY r.at DESC, r.id LIMIT ?6 OFFSET ?7";
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &rc_rows, GATE_LOG_PAGE_MAX, a, n, total, &ss,
		       SQ_PARAMS(SQ_TEXT(q->closure_id), SQ_INT(q->from), SQ_INT(q->to),
				 SQ_TEXT(q->gate_id), SQ_TEXT(q->verdict), SQ_INT(q->limit),
				 SQ_INT(q->offset)));
	return ss;
}

/* ---- recount ---- */

/* The kept exits (closure_exit) and figures (closure_count) against the records: r the
 * recount, k the kept rows (a kept 0 counts as no row), d what differs. */
#define CL_RECOUNT_WITH                                                                            \
	"WITH r AS (SELECT 'x' AS t, household_id AS id, day, '' AS metric, count(*) AS n"         \
	"  FROM gate_record WHERE counted = 1 GROUP BY household_id, day"                          \
	" UNION ALL SELECT 'c', closure_id, day, CASE WHEN verdict = 'green' AND"                  \
	"  direction = 'out' THEN 'exits' WHEN verdict = 'green' THEN 'entries'"                   \
	"  ELSE 'refusal.' || reason END, count(*) FROM gate_record GROUP BY 1, 2, 3, 4),"         \
	" k AS (SELECT 'x' AS t, household_id AS id, day, '' AS metric, n FROM closure_exit"       \
	"  WHERE n <> 0 UNION ALL SELECT 'c', closure_id, day, metric, n FROM closure_count"       \
	"  WHERE n <> 0),"                                                                         \
	" d AS (SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM k) d1"                         \
	"  UNION ALL SELECT * FROM (SELECT * FROM k EXCEPT SELECT * FROM r) d2)"

enum store_status store_closure_recount(struct store *s, int64_t *checked, int64_t *mismatched,
					char *first, size_t firstsz)
{
	static const char sql[] = CL_RECOUNT_WITH
		" SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM d),"
		" (SELECT t || ' ' || id || ' ' || day || ' ' || metric FROM d LIMIT 1)";
	struct sq_conn *c = sq_reader_get(s);
	struct sq_cur k;
	enum store_status ss;

	*checked = *mismatched = 0;
	if (first && firstsz)
		*first = '\0';
	if (sq_open(&k, c, sql, NULL, 0) && sq_next(&k)) {
		*checked = sq_int(&k, 0);
		*mismatched = sq_int(&k, 1);
		if (first && firstsz)
			sq_text_to(&k, 2, first, firstsz);
	}
	ss = sq_close(&k);
	sq_reader_put(s, c);
	return ss;
}
