/* sq_retention — retention of personal data (store.h, "retention"): the county's settings,
 * the objects whose purpose has ended, their scrub, the preview and the runs.
 *
 * A file's end of purpose and whether anything of it is still open are one SQL text each
 * (P_END, P_CLOSED), used alike by the run, the preview and the due list, so that the
 * preview counts what the run then does. Every statement is portable (SQLite and, by
 * sq_pg.c's translation, PostgreSQL). A scrub is a short list of set-based statements on
 * one object; the first marks it (anonymised_at). What is due is read on a reader, a
 * batch at a time, and each object checked again by its key in the writer's transaction
 * (DUE_READ, DUE_ONE), so that the writer never walks the tables. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

/* ---- settings ---- */

#define SETTING_COLS                                                                               \
	"run_hour, days_person, days_checkpoint, days_closure, days_duty, days_outbound,"          \
	" days_import, updated_by, updated_at"

static const char sql_settings[] = "SELECT " SETTING_COLS " FROM retention_setting WHERE id = 1";

static void read_settings(const struct sq_cur *k, struct arena *a, void *out)
{
	struct retention_settings *r = out;

	r->p.run_hour = (int)sq_int(k, 0);
	for (int i = 0; i < RET_NCAT; i++)
		r->p.days[i] = (int)sq_int(k, 1 + i);
	r->updated_by = sq_text(a, k, 7);
	r->updated_at = sq_int(k, 8);
}

static const struct sq_col no_cols[1] = {{SQ_C_NUM, 0, 0}};
static const struct sq_rowtype settings_rows = {sizeof(struct retention_settings), no_cols, 0,
						read_settings};

enum store_status store_retention_settings_get(struct store *s, struct arena *a,
					       struct retention_settings *out)
{
	return sq_get(s, sql_settings, &settings_rows, a, out, NULL, 0);
}

enum store_status store_tx_retention_settings_get(struct store_tx *tx, struct arena *a,
						  struct retention_settings *out)
{
	return sq_one(sq_conn_of(tx), sql_settings, &settings_rows, a, out, NULL, 0);
}

enum store_status store_tx_retention_settings_set(struct store_tx *tx,
						  const struct retention_settings *in)
{
	static const char sql[] =
		"UPDATE retention_setting SET run_hour = ?1, days_person = ?2, days_checkpoint = "
		"?3,"
		" days_closure = ?4, days_duty = ?5, days_outbound = ?6, days_import = ?7,"
		" updated_by = ?8, updated_at = ?9 WHERE id = 1";
	const int *d = in->p.days;

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_INT(in->p.run_hour), SQ_INT(d[RET_PERSON]),
				 SQ_INT(d[RET_CHECKPOINT]), SQ_INT(d[RET_CLOSURE]),
				 SQ_INT(d[RET_DUTY]), SQ_INT(d[RET_OUTBOUND]),
				 SQ_INT(d[RET_IMPORT]), SQ_TEXT_NN(in->updated_by),
				 SQ_INT(in->updated_at)));
}

/* ---- what is due ---- */

/* A file's end of purpose: the latest of its creation, its last change, its tasks'
 * closing, its observations' ending (domain/retention.h: retention_person_end). A file
 * written to after its anonymisation (a corrected phone, a task closed since) ends again
 * then, and is anonymised again once that end is old enough (P_AGAIN). */
#define P_END                                                                                      \
	"(SELECT max(x) FROM (SELECT p.created_at AS x UNION ALL SELECT p.updated_at"              \
	" UNION ALL SELECT max(t.closed_at) FROM task t WHERE t.person_id = p.id"                  \
	" UNION ALL SELECT max(o.ended_at) FROM observation o WHERE o.person_id = p.id) e)"
/* Nothing of the file is open: not to be placed under observation (to_place, or marked
 * under observation: retention.h), no open task, no observation going on, no open fever
 * alert or service request, no open duty matter naming it, no household of an active
 * closure holding it. */
#define P_CLOSED                                                                                   \
	" p.status NOT IN ('to_place', 'observation')"                                             \
	" AND NOT EXISTS (SELECT 1 FROM task t WHERE t.person_id = p.id AND t.status <> 'closed')" \
	" AND NOT EXISTS (SELECT 1 FROM observation o WHERE o.person_id = p.id"                    \
	"  AND (o.status = 'active' OR o.ended_at = 0))"                                           \
	" AND NOT EXISTS (SELECT 1 FROM observation o JOIN alert l ON l.observation_id = o.id"     \
	"  WHERE o.person_id = p.id AND l.status <> 'closed')"                                     \
	" AND NOT EXISTS (SELECT 1 FROM observation o JOIN service v ON v.observation_id = o.id"   \
	"  WHERE o.person_id = p.id AND v.status IN ('new', 'accepted'))"                          \
	" AND NOT EXISTS (SELECT 1 FROM duty_log d WHERE d.person_id = p.id"                       \
	"  AND d.state <> 'closed')"                                                               \
	" AND NOT EXISTS (SELECT 1 FROM closure_member m"                                          \
	"  JOIN closure_household h ON h.id = m.household_id"                                      \
	"  JOIN closure c ON c.id = h.closure_id WHERE m.person_id = p.id AND c.state = 'active')"
/* Not anonymised, or changed since: its end at or after its mark (a write in the second of
 * the scrub counts; the scrub never makes it due again, since the end that made it due is
 * a retention before the mark). */
#define P_AGAIN "(p.anonymised_at = 0 OR " P_END " >= p.anonymised_at)"
#define P_NAMES                                                                                    \
	" LEFT JOIN area tw ON length(p.area_code) >= 9 AND tw.code = substr(p.area_code, 1, 9)"   \
	" LEFT JOIN area vl ON length(p.area_code) >= 12 AND vl.code = substr(p.area_code, 1, 12)"
/* A passage's end: its time, or its last correction; it waits for the handover tasks it
 * opened (passage_person.task_id) to close. A passage corrected after its anonymisation
 * is anonymised again. */
#define PS_END "(CASE WHEN ps.updated_at > ps.at THEN ps.updated_at ELSE ps.at END)"
#define PS_DUE                                                                                     \
	"(ps.anonymised_at = 0 OR " PS_END " >= ps.anonymised_at)"                                 \
	" AND NOT EXISTS (SELECT 1 FROM passage_person pp JOIN task t ON t.id = pp.task_id"        \
	"  WHERE pp.passage_id = ps.id AND t.status <> 'closed')"
/* A duty matter's end: its close or its last note since; a note added to an anonymised
 * matter is scrubbed by a later run. */
#define D_END                                                                                      \
	"(SELECT max(x) FROM (SELECT d.updated_at AS x UNION ALL SELECT max(ev.at)"                \
	" FROM duty_log_event ev WHERE ev.log_id = d.id) de)"
#define D_DUE "d.state = 'closed' AND (d.anonymised_at = 0 OR " D_END " >= d.anonymised_at)"

/* Each category's objects, read in two steps: the candidates on a reader, outside the
 * writer (DUE_READ: ?1 cutoff, ?2 after, ?3 max, keyset order by the key), then each
 * candidate checked again by its key in the batch's transaction (DUE_ONE: ?1 cutoff, ?2
 * the key), so that the writer touches only the batch's rows. Columns: (id, name, area,
 * township, village, path, birth, end). The preview in scope: (end) (?1 scope, ?2 its
 * end). Outbound messages are keyed by their integer id. */
#define DUE_READ(sel, key, cond) sel " WHERE " key " > ?2 AND " cond " ORDER BY " key " LIMIT ?3"
#define DUE_ONE(sel, key, cond) sel " WHERE " key " = ?2 AND " cond
#define DUE(sel, key, cond) DUE_READ(sel, key, cond), DUE_ONE(sel, key, cond)
/* the epoch day of the run that takes each object: (end + ?3) / 1 day, ?3 being
 * retention_preview_shift; ?4 the last end counted */
#define PREVIEW(ends)                                                                              \
	"SELECT (x.e + ?3) / 86400, count(*) FROM (" ends ") x WHERE x.e <= ?4 GROUP BY 1"
#define P_SEL                                                                                      \
	"SELECT p.id, p.name, p.area_code, coalesce(tw.name, ''), coalesce(vl.name, ''), '',"      \
	" p.birth, " P_END " FROM person p" P_NAMES
#define P_COND P_AGAIN " AND" P_CLOSED " AND " P_END " <= ?1"
#define PS_SEL                                                                                     \
	"SELECT ps.id, '', c.area_code, '', '', '', 0, " PS_END " FROM passage ps"                 \
	" JOIN checkpoint c ON c.id = ps.checkpoint_id"
#define CL_SEL "SELECT c.id, '', c.area_code, '', '', '', 0, c.updated_at FROM closure c"
#define CL_COND "c.anonymised_at = 0 AND c.state <> 'active' AND c.updated_at <= ?1"
#define D_SEL "SELECT d.id, d.from_name, d.area_code, '', '', '', 0, " D_END " FROM duty_log d"
#define O_SEL                                                                                      \
	"SELECT CAST(o.id AS TEXT), '', o.area_code, '', '', '', 0, o.created_at FROM outbound o"
#define O_COND "o.status <> 'pending' AND o.created_at <= ?1"
#define J_END "coalesce(j.finished_at, j.created_at)"
#define J_SEL "SELECT j.id, '', j.area_code, '', '', j.path, 0, " J_END " FROM import_job j"
#define J_COND "j.anonymised_at = 0 AND j.status IN ('done', 'failed') AND " J_END " <= ?1"
static const struct cat_sql {
	const char *due, *one;
	const char *preview;
} cats[RET_NCAT] = {
	[RET_PERSON] = {DUE(P_SEL, "p.id", P_COND),
			PREVIEW("SELECT " P_END " AS e FROM person p WHERE " P_AGAIN
				" AND p.area_code >= ?1 AND p.area_code < ?2 AND" P_CLOSED)},
	[RET_CHECKPOINT] = {DUE(PS_SEL, "ps.id", PS_DUE " AND " PS_END " <= ?1"),
			    PREVIEW("SELECT " PS_END " AS e FROM passage ps JOIN checkpoint c"
				    " ON c.id = ps.checkpoint_id WHERE " PS_DUE
				    " AND c.area_code >= ?1 AND c.area_code < ?2")},
	[RET_CLOSURE] = {DUE(CL_SEL, "c.id", CL_COND),
			 PREVIEW("SELECT c.updated_at AS e FROM closure c WHERE c.anonymised_at = 0"
				 " AND c.state <> 'active' AND c.area_code >= ?1 AND c.area_code < "
				 "?2")},
	[RET_DUTY] = {DUE(D_SEL, "d.id", D_DUE " AND " D_END " <= ?1"),
		      PREVIEW("SELECT " D_END " AS e FROM duty_log d WHERE " D_DUE
			      " AND d.area_code >= ?1 AND d.area_code < ?2")},
	[RET_OUTBOUND] = {DUE(O_SEL, "o.id", O_COND),
			  PREVIEW("SELECT o.created_at AS e FROM outbound o WHERE o.status <> "
				  "'pending' AND o.area_code >= ?1 AND o.area_code < ?2")},
	[RET_IMPORT] = {DUE(J_SEL, "j.id", J_COND),
			PREVIEW("SELECT " J_END " AS e FROM import_job j"
				" WHERE j.anonymised_at = 0 AND j.status IN ('done', 'failed')"
				" AND j.area_code >= ?1 AND j.area_code < ?2")},
};

#define ROW_T struct retention_item
static const struct sq_col item_cols[] = {
	SQ_COL_BUF(ROW_T, id),        SQ_COL_TEXT(ROW_T, name),    SQ_COL_TEXT(ROW_T, area),
	SQ_COL_TEXT(ROW_T, township), SQ_COL_TEXT(ROW_T, village), SQ_COL_TEXT(ROW_T, path),
	SQ_COL_NUM(ROW_T, birth),     SQ_COL_NUM(ROW_T, end_at),
};
#undef ROW_T
static const struct sq_rowtype item_rows = SQ_ROWTYPE(struct retention_item, item_cols, NULL);

/* An object's key as bound: outbound messages' ids are integers ("" → 0). */
static struct sq_param key_param(enum retention_cat c, const char *id)
{
	if (c == RET_OUTBOUND)
		return SQ_INT(id && *id ? strtoll(id, NULL, 10) : 0);
	return SQ_TEXT(id ? id : "");
}

enum store_status store_tx_retention_due_one(struct store_tx *tx, enum retention_cat c,
					     int64_t cutoff, const char *id, struct arena *a,
					     struct retention_item *out)
{
	return sq_one(sq_conn_of(tx), cats[c].one, &item_rows, a, out,
		      SQ_PARAMS(SQ_INT(cutoff), key_param(c, id)));
}

enum store_status store_retention_due_read(struct store *s, enum retention_cat c, int64_t cutoff,
					   const char *after, size_t max, struct arena *a,
					   struct retention_item **out, size_t *n)
{
	enum store_status ss;

	*out = sq_list(s, cats[c].due, &item_rows, max, a, n, &ss,
		       SQ_PARAMS(SQ_INT(cutoff), key_param(c, after), SQ_INT(max)));
	return ss;
}

/* ---- names under an object ---- */

static const struct {
	const char *read, *set;
} names[RET_NCAT] = {
	[RET_CHECKPOINT] =
		{"SELECT passage_id, seq, name FROM passage_person WHERE passage_id = ?1",
		 "UPDATE passage_person SET name = ?3 WHERE passage_id = ?1 AND seq = ?2"},
	[RET_CLOSURE] = {"SELECT id, 0, head FROM closure_household WHERE closure_id = ?1",
			 "UPDATE closure_household SET head = ?3 WHERE id = ?1 AND 0 = ?2"},
};

#define ROW_T struct retention_name_row
static const struct sq_col name_cols[] = {
	SQ_COL_BUF(ROW_T, key),
	SQ_COL_NUM(ROW_T, seq),
	SQ_COL_TEXT(ROW_T, name),
};
#undef ROW_T
static const struct sq_rowtype name_rows = SQ_ROWTYPE(struct retention_name_row, name_cols, NULL);

enum store_status store_tx_retention_names(struct store_tx *tx, enum retention_cat c,
					   const char *id, struct arena *a,
					   struct retention_name_row **out, size_t *n)
{
	enum store_status ss = STORE_OK;

	*n = 0;
	*out = NULL;
	if (!names[c].read)
		return STORE_OK;
	/* a closure holds at most 20,000 households; a passage a few persons */
	*out = sq_rows(sq_conn_of(tx), names[c].read, &name_rows, SQ_ALL, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

enum store_status store_tx_retention_name_set(struct store_tx *tx, enum retention_cat c,
					      const struct retention_name_row *r, const char *name)
{
	if (!names[c].set)
		return STORE_INVALID;
	return sq_run(sq_conn_of(tx), names[c].set,
		      SQ_PARAMS(SQ_TEXT(r->key), SQ_INT(r->seq), SQ_TEXT(name)));
}

/* ---- the scrub of one object ---- */

/* The ids a file's audit rows and idempotency keys name: the file, its tasks, its
 * observations and their visits, alerts and service requests. */
#define P_OBJECTS                                                                                  \
	"SELECT id FROM person WHERE id = ?1"                                                      \
	" UNION ALL SELECT id FROM task WHERE person_id = ?1"                                      \
	" UNION ALL SELECT id FROM observation WHERE person_id = ?1"                               \
	" UNION ALL SELECT v.id FROM visit v JOIN observation o ON o.id = v.observation_id"        \
	"  WHERE o.person_id = ?1"                                                                 \
	" UNION ALL SELECT l.id FROM alert l JOIN observation o ON o.id = l.observation_id"        \
	"  WHERE o.person_id = ?1"                                                                 \
	" UNION ALL SELECT s.id FROM service s JOIN observation o ON o.id = s.observation_id"      \
	"  WHERE o.person_id = ?1"
#define AUDIT_SCRUB(objects)                                                                       \
	"UPDATE audit SET before_json = NULL, after_json = NULL WHERE object_id IN (" objects ")"  \
	" AND (before_json IS NOT NULL OR after_json IS NOT NULL)"
#define IDEM_DROP(objects) "DELETE FROM idempotency WHERE object_id IN (" objects ")"

/* ?1 the object's id, ?2 now, ?3 name, ?4 address, ?5 birth; np: how many a statement
 * uses. The first statement marks the object (anonymised_at: the run's time, later than
 * the end of purpose that made it due, so that the scrub itself never makes it look
 * changed); the caller checked in the same transaction that it is due
 * (store_tx_retention_due_one). A file, a passage or a duty matter changed since is
 * scrubbed again; a closure or an import never changes after its end. */
struct step {
	const char *sql;
	int np;
};
enum { STEPS_MAX = 12 };

static const struct step steps[RET_NCAT][STEPS_MAX] = {
	[RET_PERSON] =
		{
			{"UPDATE person SET name = ?3, id_number = '', id_valid = 0, phone = '',"
			 " address = ?4, birth = ?5, anonymised_at = ?2 WHERE id = ?1",
			 5},
			/* the origin: a division's name as it is, else the name of the division
			 * resolved from it, else nothing (free text: a street, a host's name) */
			{"UPDATE travel SET transport_no = '', origin = CASE WHEN EXISTS"
			 " (SELECT 1 FROM division d WHERE d.name = travel.origin) THEN origin"
			 " ELSE coalesce((SELECT d.name FROM division d"
			 " WHERE d.code = travel.origin_code), '') END WHERE person_id = ?1",
			 1},
			{"UPDATE task SET note = '' WHERE person_id = ?1", 1},
			{"UPDATE person_event SET detail = NULL WHERE person_id = ?1", 1},
			{"UPDATE visit SET note = '' WHERE observation_id IN"
			 " (SELECT id FROM observation WHERE person_id = ?1)",
			 1},
			{"UPDATE alert SET note = '' WHERE observation_id IN"
			 " (SELECT id FROM observation WHERE person_id = ?1)",
			 1},
			{"UPDATE service SET items = '', note = '', requester = ''"
			 " WHERE observation_id IN (SELECT id FROM observation WHERE person_id = "
			 "?1)",
			 1},
			{"UPDATE observation SET place = '', end_reason = '', token_hash = NULL,"
			 " token_box = '' WHERE person_id = ?1",
			 1},
			{AUDIT_SCRUB(P_OBJECTS), 1},
			{IDEM_DROP(P_OBJECTS), 1},
		},
	[RET_CHECKPOINT] =
		{
			{"UPDATE passage SET note = '', plate = plate_province, anonymised_at = ?2"
			 " WHERE id = ?1",
			 2},
			{"UPDATE passage_person SET id_number = '', phone = '', travel = '',"
			 " destination = '', purpose = '', origin = CASE WHEN EXISTS"
			 " (SELECT 1 FROM division d WHERE d.name = passage_person.origin)"
			 " THEN origin ELSE '' END WHERE passage_id = ?1",
			 1},
			{"UPDATE passage_version SET body = '{}', reason = '' WHERE passage_id = "
			 "?1",
			 1},
			{AUDIT_SCRUB("SELECT id FROM passage WHERE id = ?1"), 1},
			{IDEM_DROP("SELECT id FROM passage WHERE id = ?1"), 1},
		},
	[RET_CLOSURE] =
		{
			{"UPDATE closure SET anonymised_at = ?2 WHERE id = ?1 AND anonymised_at = "
			 "0",
			 2},
			/* the address is unique in its closure: the household's own id stands in */
			{"UPDATE closure_household SET phone = '', address = id, blocked_reason = "
			 "''"
			 " WHERE closure_id = ?1",
			 1},
			{"UPDATE closure_pass SET holder = '', employer = '', purpose = '',"
			 " revoke_reason = '' WHERE closure_id = ?1",
			 1},
			{"UPDATE gate_record SET person = '', override_reason = '' WHERE "
			 "closure_id = ?1",
			 1},
			{AUDIT_SCRUB(
				 "SELECT id FROM closure WHERE id = ?1"
				 " UNION ALL SELECT id FROM closure_household WHERE closure_id = ?1"
				 " UNION ALL SELECT number FROM closure_pass WHERE closure_id = ?1"
				 " UNION ALL SELECT id FROM gate_record WHERE closure_id = ?1"),
			 1},
		},
	[RET_DUTY] =
		{
			{"UPDATE duty_log SET from_name = ?3, from_contact = '', content = '',"
			 " action = '', result = '', anonymised_at = ?2 WHERE id = ?1",
			 3},
			{"UPDATE duty_log_event SET note = '' WHERE log_id = ?1", 1},
			{AUDIT_SCRUB("SELECT id FROM duty_log WHERE id = ?1"), 1},
		},
	[RET_OUTBOUND] =
		{
			{"DELETE FROM outbound WHERE id = ?1", 1},
		},
	[RET_IMPORT] =
		{
			{"UPDATE import_job SET anonymised_at = ?2, header = NULL"
			 " WHERE id = ?1 AND anonymised_at = 0",
			 2},
			{"DELETE FROM import_issue WHERE import_id = ?1", 1},
		},
};

enum store_status store_tx_retention_scrub(struct store_tx *tx, enum retention_cat c,
					   const struct retention_scrub *sc)
{
	struct sq_conn *conn = sq_conn_of(tx);
	const struct sq_param p[] = {key_param(c, sc->id), SQ_INT(sc->now), SQ_TEXT_NN(sc->name),
				     SQ_TEXT_NN(sc->address), SQ_INT(sc->birth)};
	enum store_status ss = STORE_OK;

	for (int i = 0; ss == STORE_OK && i < STEPS_MAX && steps[c][i].sql; i++)
		ss = i == 0 ? sq_run1(conn, steps[c][i].sql, STORE_NOT_FOUND, p, steps[c][i].np)
			    : sq_run(conn, steps[c][i].sql, p, steps[c][i].np);
	return ss;
}

/* ---- only deleted ---- */

#define PRUNE_PREREG                                                                               \
	"DELETE FROM prereg WHERE code IN (SELECT code FROM prereg WHERE expires_at <= ?1"         \
	" ORDER BY expires_at LIMIT ?2)"
/* the notes of the handovers of shifts ended a retention ago (what the officer wrote to the
 * next shift, a caller's name maybe), oldest first, by the partial index on those with a
 * note */
#define PRUNE_HANDOVER                                                                             \
	"UPDATE duty_handover SET note = '', confirm_note = '' WHERE id IN (SELECT id"             \
	" FROM duty_handover WHERE (note <> '' OR confirm_note <> '') AND at <= ?1"                \
	" ORDER BY at LIMIT ?2)"
/* oldest first, by the index on created_at (a county holds millions of keys) */
#define PRUNE_IDEM                                                                                 \
	"DELETE FROM idempotency WHERE uuid IN (SELECT uuid FROM idempotency"                      \
	" WHERE created_at <= ?1 ORDER BY created_at LIMIT ?2)"

enum store_status store_tx_retention_prune(struct store_tx *tx, const char *what, int64_t cutoff,
					   size_t max, int64_t *n)
{
	struct sq_conn *c = sq_conn_of(tx);
	const char *sql = !strcmp(what, "prereg")        ? PRUNE_PREREG
			  : !strcmp(what, "idempotency") ? PRUNE_IDEM
			  : !strcmp(what, "handover")    ? PRUNE_HANDOVER
							 : NULL;
	enum store_status ss;

	*n = 0;
	if (!sql)
		return STORE_INVALID;
	ss = sq_run(c, sql, SQ_PARAMS(SQ_INT(cutoff), SQ_INT(max)));
	if (ss == STORE_OK)
		*n = sq_changes(c);
	return ss;
}

/* ---- the preview ---- */

enum store_status store_retention_preview(struct store *s, enum retention_cat c, const char *scope,
					  int64_t shift, int64_t first_day, int ndays,
					  int64_t *counts)
{
	struct sq_conn *conn;
	struct sq_cur k;
	struct arena *a = arena_new();
	enum store_status ss;

	for (int i = 0; i < ndays; i++)
		counts[i] = 0;
	if (!(conn = sq_reader_get(s))) {
		arena_free(a);
		return STORE_BUSY;
	}
	/* those overdue (a run missed) are counted on the first day, as the next run takes
	 * them */
	if (sq_open(&k, conn, cats[c].preview,
		    SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_INT(shift),
			      SQ_INT((first_day + ndays) * 86400 - shift - 1))))
		while (sq_next(&k)) {
			int64_t d = sq_int(&k, 0) - first_day;
			counts[d < 0 ? 0 : d < ndays ? d : ndays - 1] += sq_int(&k, 1);
		}
	ss = sq_close(&k);
	sq_reader_put(s, conn);
	arena_free(a);
	return ss;
}

enum store_status store_retention_files_due(struct store *s, const char *scope, int days,
					    int64_t until, size_t offset, size_t max,
					    struct arena *a, struct retention_item **out, size_t *n,
					    int64_t *total)
{
	static const char sql_count[] =
		"SELECT count(*) FROM person p WHERE " P_AGAIN " AND p.area_code >= ?1"
		" AND p.area_code < ?2 AND" P_CLOSED " AND " P_END " <= ?3";
	static const char sql[] =
		"SELECT p.id, p.name, p.area_code, coalesce(tw.name, ''), coalesce(vl.name, ''), "
		"'',"
		" p.birth, " P_END " AS e FROM person p" P_NAMES " WHERE " P_AGAIN
		" AND p.area_code >= ?1 AND p.area_code < ?2 AND" P_CLOSED " AND " P_END
		" <= ?3 ORDER BY e, p.id LIMIT ?4 OFFSET ?5";
	enum store_status ss;

	*out = sq_page(s, sql_count, sql, &item_rows, max, a, n, total, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)),
				 SQ_INT(until - (int64_t)days * 86400), SQ_INT(max),
				 SQ_INT(offset)));
	return ss;
}

/* ---- runs ---- */

#define RUN_COLS "id, source, day, at, started_at, finished_at, state, counts, by_user"
#define ROW_T struct retention_run
static const struct sq_col run_cols[] = {
	SQ_COL_BUF(ROW_T, id),     SQ_COL_TEXT(ROW_T, source),    SQ_COL_NUM(ROW_T, day),
	SQ_COL_NUM(ROW_T, at),     SQ_COL_NUM(ROW_T, started_at), SQ_COL_NUM(ROW_T, finished_at),
	SQ_COL_TEXT(ROW_T, state), SQ_COL_TEXT(ROW_T, counts),    SQ_COL_TEXT(ROW_T, by_user),
};
#undef ROW_T
static const struct sq_rowtype run_rows = SQ_ROWTYPE(struct retention_run, run_cols, NULL);

enum store_status store_tx_retention_run_insert(struct store_tx *tx, const struct retention_run *r)
{
	static const char sql[] = "INSERT INTO retention_run(id, source, day, at, started_at,"
				  " state, counts, by_user, beat_at) VALUES (?1, ?2, ?3, ?4, ?5,"
				  " 'running', '{}', ?6, ?5)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(r->id), SQ_TEXT(r->source), SQ_INT(r->day), SQ_INT(r->at),
				SQ_INT(r->started_at), SQ_TEXT_NN(r->by_user)));
}

enum store_status store_tx_retention_run_beat(struct store_tx *tx, const char *id, int64_t now)
{
	static const char sql[] =
		"UPDATE retention_run SET beat_at = ?2 WHERE id = ?1 AND state = 'running'";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(id), SQ_INT(now)));
}

enum store_status store_tx_retention_run_stop_stale(struct store_tx *tx, int64_t before, int64_t *n)
{
	static const char sql[] = "UPDATE retention_run SET state = 'stopped'"
				  " WHERE state = 'running' AND beat_at < ?1";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss = sq_run(c, sql, SQ_PARAMS(SQ_INT(before)));

	*n = ss == STORE_OK ? sq_changes(c) : 0;
	return ss;
}

enum store_status store_tx_retention_run_finish(struct store_tx *tx, const char *id,
						const char *state, const char *counts,
						int64_t finished_at)
{
	static const char sql[] = "UPDATE retention_run SET state = ?4, counts = ?2,"
				  " finished_at = ?3 WHERE id = ?1";

	return sq_run1(
		sq_conn_of(tx), sql, STORE_NOT_FOUND,
		SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(counts), SQ_INT(finished_at), SQ_TEXT(state)));
}

enum store_status store_tx_retention_run_get(struct store_tx *tx, const char *id, struct arena *a,
					     struct retention_run *out)
{
	static const char sql[] = "SELECT " RUN_COLS " FROM retention_run WHERE id = ?1";

	return sq_one(sq_conn_of(tx), sql, &run_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_retention_last_daily(struct store *s, int *day)
{
	/* a run stopped halfway (busy, killed) does not count: the day's run is tried again */
	static const char sql[] = "SELECT coalesce(max(day), 0) FROM retention_run"
				  " WHERE source = 'daily' AND state = 'done'";
	struct sq_conn *c = sq_reader_get(s);
	int64_t v = 0;
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	ss = sq_one_int(c, sql, &v, NULL, 0);
	sq_reader_put(s, c);
	*day = (int)v;
	return ss;
}

enum store_status store_retention_runs(struct store *s, size_t max, struct arena *a,
				       struct retention_run **out, size_t *n)
{
	static const char sql[] = "SELECT " RUN_COLS " FROM retention_run"
				  " ORDER BY started_at DESC, id LIMIT ?1";
	enum store_status ss;

	*out = sq_list(s, sql, &run_rows, max, a, n, &ss, SQ_PARAMS(SQ_INT(max)));
	return ss;
}

/* ---- for the tests ---- */

size_t sq_retention_writer_sql(const char **out, size_t max)
{
	static const char *const prunes[] = {PRUNE_PREREG, PRUNE_IDEM, PRUNE_HANDOVER};
	size_t n = 0;

	for (int c = 0; c < RET_NCAT; c++) {
		if (n < max)
			out[n++] = cats[c].one;
		for (int i = 0; i < STEPS_MAX && steps[c][i].sql; i++)
			if (n < max)
				out[n++] = steps[c][i].sql;
		if (names[c].read && n + 1 < max) {
			out[n++] = names[c].read;
			out[n++] = names[c].set;
		}
	}
	for (size_t i = 0; i < sizeof prunes / sizeof *prunes; i++)
		if (n < max)
			out[n++] = prunes[i];
	return n;
}
