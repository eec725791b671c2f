/* sq_person — finding, reading and registering key-person files. Search is exact on ID
 * number and phone (indexed) and by name prefix (indexed range), always within the
 * caller's area.
 *
 * A valid ID number is unique per document type (index person_doc). A person registered
 * at the door whose number is held by a file outside the registrar's area gets a file of
 * their own all the same (the registrar must not learn that the other exists, nor touch
 * it), stored with id_valid = 0 so that the index keeps one holder, and the defect
 * PERSON_ELSEWHERE; a task with the same defect asks the commander over both files to
 * merge them. Every read of such a file joins the holder, for the readers who may see
 * both (api_person.c decides who). */
#include <stdio.h>
#include <string.h>

#include "domain/area_code.h"
#include "store/sqlite/sq_rows.h"
#include "util/uuid.h"

enum store_status store_person_find(struct store *s, const struct person_query *q, struct arena *a,
				    struct person **out, size_t *n)
{
	/* ?1/?2 scope range; one of ?3 id number, ?4 phone, ?5/?6 name prefix range (in
	 * code-point order, declared: sq_text_prefix_end) */
	static const char sql_id[] =
		"SELECT " PERSON_COLS PERSON_FROM
		" WHERE p.id_number = ?3 AND p.merged_into IS NULL AND p.area_code >= ?1"
		" AND p.area_code < ?2 LIMIT ?7";
	static const char sql_phone[] =
		"SELECT " PERSON_COLS PERSON_FROM
		" WHERE p.phone = ?4 AND p.merged_into IS NULL AND p.area_code >= ?1"
		" AND p.area_code < ?2 LIMIT ?7";
	/* the page is taken from person alone, then joined: PostgreSQL, misjudging how many
	 * names a prefix has, would join them all before it sorts (bench/README.md); ties in
	 * name by area and id, so that both backends answer the same page */
	static const char sql_name[] =
		"SELECT " PERSON_COLS PERSON_FROM
		" WHERE p.id IN (SELECT id FROM person"
		"  WHERE name COLLATE BINARY >= ?5 AND name COLLATE BINARY < ?6"
		"  AND merged_into IS NULL AND area_code >= ?1 AND area_code < ?2"
		"  ORDER BY name, area_code, id LIMIT ?7)"
		" ORDER BY p.name, p.area_code, p.id";
	const char *sql = q->id_number ? sql_id : q->phone ? sql_phone : sql_name;
	const char *prefix = q->name_prefix;
	char end[AREA_CODE_END_SIZE];
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);
	enum store_status ss;

	area_code_scope_end(q->scope, end, sizeof end);
	*out = sq_list(s, sql, &sq_person_rows, cap, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(q->scope), SQ_TEXT(end), SQ_TEXT(q->id_number),
				 SQ_TEXT(q->phone), SQ_TEXT(prefix),
				 SQ_TEXT(prefix ? sq_text_prefix_end(a, prefix) : NULL),
				 SQ_INT(cap)));
	return ss;
}

static const char sql_person[] = "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = ?1";

enum store_status sq_person_read(struct sq_conn *c, const char *id, struct arena *a,
				 struct person *out)
{
	return sq_one(c, sql_person, &sq_person_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_person_get(struct store *s, const char *id, struct arena *a,
				   struct person *out)
{
	return sq_get(s, sql_person, &sq_person_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

static enum store_status read_tasks(struct sq_conn *c, const char *id, struct arena *a,
				    struct task **out, size_t *n)
{
	static const char sql[] = "SELECT id FROM task WHERE person_id = ?1 ORDER BY created_at"
				  " LIMIT 100";
	enum store_status ss;
	size_t k;
	struct sq_id *ids = sq_rows(c, sql, &sq_id_rows, 100, a, &k, &ss, SQ_PARAMS(SQ_TEXT(id)));

	*n = 0;
	*out = arena_alloc(a, 100 * sizeof **out);
	for (size_t i = 0; i < k && ss == STORE_OK; i++)
		ss = sq_task_read(c, ids[i].id, a, &(*out)[(*n)++]);
	return ss;
}

enum store_status store_tx_person_file(struct store_tx *tx, const char *id, struct arena *a,
				       struct travel **travel, size_t *ntravel,
				       struct person_event **events, size_t *nevents,
				       struct task **tasks, size_t *ntasks)
{
	static const char sql_travel[] = "SELECT " TRAVEL_COLS " FROM travel WHERE person_id = ?1"
					 " ORDER BY arrival DESC, id DESC LIMIT 100";
	static const char sql_events[] =
		"SELECT " EVENT_COLS " FROM person_event WHERE person_id = ?1 ORDER BY id"
		" LIMIT 1000";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss;

	*ntasks = *nevents = 0;
	*events = NULL;
	*tasks = NULL;
	*travel = sq_rows(c, sql_travel, &sq_travel_rows, 100, a, ntravel, &ss,
			  SQ_PARAMS(SQ_TEXT(id)));
	if (ss == STORE_OK)
		*events = sq_rows(c, sql_events, &sq_event_rows, 1000, a, nevents, &ss,
				  SQ_PARAMS(SQ_TEXT(id)));
	if (ss == STORE_OK)
		ss = read_tasks(c, id, a, tasks, ntasks);
	return ss;
}

struct file_read {
	const char *id;
	struct arena *a;
	struct travel **travel;
	size_t *ntravel;
	struct person_event **events;
	size_t *nevents;
	struct task **tasks;
	size_t *ntasks;
};

static enum store_status file_in(struct store_tx *tx, void *p)
{
	struct file_read *x = p;
	return store_tx_person_file(tx, x->id, x->a, x->travel, x->ntravel, x->events, x->nevents,
				    x->tasks, x->ntasks);
}

enum store_status store_person_file(struct store *s, const char *id, struct arena *a,
				    struct travel **travel, size_t *ntravel,
				    struct person_event **events, size_t *nevents,
				    struct task **tasks, size_t *ntasks)
{
	struct file_read x = {id, a, travel, ntravel, events, nevents, tasks, ntasks};

	return store_view(s, file_in, &x);
}

/* ---- registration at the door ---- */

enum store_status sq_person_event(struct sq_conn *c, const char *person_id, const char *kind,
				  const char *user_id, const char *username, const char *area,
				  const char *detail, int64_t now)
{
	static const char sql[] = "INSERT INTO person_event(person_id, at, kind, user_id, "
				  "username, area_code, detail)"
				  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(person_id), SQ_INT(now), SQ_TEXT(kind), SQ_TEXT(user_id),
				SQ_TEXT(username), SQ_TEXT(area), SQ_TEXT(detail)));
}

enum store_status sq_person_insert(struct sq_conn *c, const struct person *p, int64_t now)
{
	static const char sql[] =
		"INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone,"
		" address, area_code, categories, status, defects, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12, ?13, ?13)";

	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(p->id), SQ_TEXT(p->doc_type), SQ_TEXT(p->id_number),
				SQ_INT(p->id_valid), SQ_TEXT(p->name), SQ_TEXT_NN(p->sex),
				SQ_INT(p->birth), SQ_TEXT(p->phone), SQ_TEXT(p->address),
				SQ_TEXT(p->area), SQ_INT(p->categories), SQ_TEXT_NN(p->defects),
				SQ_INT(now)));
}

enum store_status sq_person_fill(struct sq_conn *c, const char *id, const struct person *p,
				 int64_t now)
{
	static const char sql[] = "UPDATE person SET"
				  " phone = CASE WHEN phone = '' THEN ?2 ELSE phone END,"
				  " address = CASE WHEN address = '' THEN ?3 ELSE address END,"
				  " sex = CASE WHEN sex = '' THEN ?4 ELSE sex END,"
				  " birth = CASE WHEN birth = 0 THEN ?5 ELSE birth END,"
				  " categories = categories | ?6, updated_at = ?7 WHERE id = ?1";

	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(p->phone), SQ_TEXT(p->address),
				SQ_TEXT_NN(p->sex), SQ_INT(p->birth), SQ_INT(p->categories),
				SQ_INT(now)));
}

bool sq_travel_empty(const struct travel *t)
{
	return !(t->origin && *t->origin) && !t->arrival && !(t->transport && *t->transport) &&
	       !(t->transport_no && *t->transport_no);
}

enum store_status sq_travel_add(struct sq_conn *c, const char *person_id, const struct travel *t,
				const char *import_id, int64_t now)
{
	/* the same journey listed again (a second list, a duplicate row) is kept once */
	static const char sql[] =
		"INSERT INTO travel(person_id, origin, origin_code, arrival, transport, "
		"transport_no,"
		" import_id, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8"
		" WHERE NOT EXISTS (SELECT 1 FROM travel WHERE person_id = ?1 AND origin = ?2"
		" AND arrival = ?4 AND transport = ?5 AND transport_no = ?6)";

	if (sq_travel_empty(t))
		return STORE_OK;
	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(person_id), SQ_TEXT(t->origin), SQ_TEXT_NN(t->origin_code),
				SQ_INT(t->arrival), SQ_TEXT(t->transport), SQ_TEXT(t->transport_no),
				SQ_TEXT(import_id), SQ_INT(now)));
}

struct holder {
	char id[USER_ID_LEN + 1], area[AREA_CODE_MAX + 1];
};

static const struct sq_col holder_cols[] = {
	SQ_COL_BUF(struct holder, id),
	SQ_COL_BUF(struct holder, area),
};

enum store_status sq_person_holder(struct sq_conn *c, const struct person *p, char *id, size_t idsz,
				   char *area, size_t areasz)
{
	static const char sql[] = "SELECT id, area_code FROM person WHERE doc_type = ?1"
				  " AND id_number = ?2 AND id_valid = 1";
	struct holder h = {0};
	enum store_status ss;

	id[0] = area[0] = '\0';
	if (!p->id_valid || !*p->id_number)
		return STORE_OK;
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct holder, holder_cols, NULL);
	ss = sq_one(c, sql, &rows, NULL, &h,
		    SQ_PARAMS(SQ_TEXT(p->doc_type), SQ_TEXT(p->id_number)));
	snprintf(id, idsz, "%s", h.id);
	snprintf(area, areasz, "%s", h.area);
	return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status sq_person_own(struct sq_conn *c, const struct person *p, const char *scope,
				char *id, size_t idsz)
{
	/* ?3/?4 scope range. A valid number: the file made while another area held it. A
	 * defective one: the same number with the same name (name || '': look up by number) */
	static const char sql_valid[] =
		"SELECT id FROM person WHERE id_number = ?2 AND doc_type = ?1 AND id_valid = 0"
		" AND merged_into IS NULL"
		" AND instr(',' || defects || ',', '," PERSON_ELSEWHERE ",') > 0"
		" AND area_code >= ?3 AND area_code < ?4 LIMIT 1";
	static const char sql_defective[] =
		"SELECT id FROM person WHERE id_number = ?2 AND doc_type = ?1 AND id_valid = 0"
		" AND name || '' = ?5 AND merged_into IS NULL AND area_code >= ?3"
		" AND area_code < ?4 LIMIT 1";
	char end[AREA_CODE_END_SIZE];

	id[0] = '\0';
	if (!*p->id_number)
		return STORE_OK;
	area_code_scope_end(scope, end, sizeof end);
	return sq_one_text(c, p->id_valid ? sql_valid : sql_defective, id, idsz,
			   SQ_PARAMS(SQ_TEXT(p->doc_type), SQ_TEXT(p->id_number), SQ_TEXT(scope),
				     SQ_TEXT(end), SQ_TEXT(p->id_valid ? NULL : p->name)));
}

/* ---- operations of a write transaction (store_run): one query each ---- */

enum store_status store_tx_person_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct person *out)
{
	return sq_person_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_tx_person_holder(struct store_tx *tx, const struct person *p, char *id,
					 size_t idsz, char *area, size_t areasz)
{
	return sq_person_holder(sq_conn_of(tx), p, id, idsz, area, areasz);
}

enum store_status store_tx_person_own(struct store_tx *tx, const struct person *p,
				      const char *scope, char *id, size_t idsz)
{
	return sq_person_own(sq_conn_of(tx), p, scope, id, idsz);
}

enum store_status store_tx_person_insert(struct store_tx *tx, const struct person *p, int64_t now)
{
	return sq_person_insert(sq_conn_of(tx), p, now);
}

enum store_status store_tx_person_fill(struct store_tx *tx, const char *id, const struct person *p,
				       int64_t now)
{
	return sq_person_fill(sq_conn_of(tx), id, p, now);
}

enum store_status store_tx_travel_add(struct store_tx *tx, const char *person_id,
				      const struct travel *t, const char *import_id, int64_t now)
{
	return sq_travel_add(sq_conn_of(tx), person_id, t, import_id, now);
}

enum store_status store_tx_person_correct(struct store_tx *tx, const struct person *p, int64_t now)
{
	static const char sql[] =
		"UPDATE person SET doc_type = ?2, id_number = ?3, id_valid = ?4, birth = ?5,"
		" sex = ?6, phone = ?7, address = ?8, defects = ?9, updated_at = ?10 WHERE id = ?1";
	static const char sql_tasks[] =
		"UPDATE task SET defects = ?2 WHERE person_id = ?1 AND status = 'open'";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss =
		sq_run1(c, sql, STORE_NOT_FOUND,
			SQ_PARAMS(SQ_TEXT(p->id), SQ_TEXT(p->doc_type), SQ_TEXT(p->id_number),
				  SQ_INT(p->id_valid), SQ_INT(p->birth), SQ_TEXT_NN(p->sex),
				  SQ_TEXT(p->phone), SQ_TEXT(p->address), SQ_TEXT_NN(p->defects),
				  SQ_INT(now)));

	if (ss != STORE_OK)
		return ss;
	return sq_run(c, sql_tasks, SQ_PARAMS(SQ_TEXT(p->id), SQ_TEXT_NN(p->defects)));
}

/* One statement of a merge, bound ?1 keep, ?2 other (and ?3 now, ?4 when it has them). */
static enum store_status merge_step(struct store_tx *tx, const char *sql, const char *keep,
				    const char *other, int64_t now, int valid)
{
	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(keep), SQ_TEXT(other), SQ_INT(now), SQ_INT(valid)));
}

enum store_status store_tx_person_retire(struct store_tx *tx, const char *other, const char *keep,
					 int64_t now)
{
	/* gives up its place in the unique index of numbers first */
	static const char sql[] =
		"UPDATE person SET merged_into = ?1, id_valid = 0, updated_at = ?3 WHERE id = ?2";
	return merge_step(tx, sql, keep, other, now, 0);
}

enum store_status store_tx_person_take_number(struct store_tx *tx, const char *keep,
					      const char *other, bool valid, int64_t now)
{
	static const char sql[] =
		"UPDATE person SET (doc_type, id_number, id_valid, birth, sex) ="
		" (SELECT doc_type, id_number, ?4, birth, sex FROM person WHERE id = ?2),"
		" updated_at = ?3 WHERE id = ?1 AND id_number = ''"
		" AND EXISTS (SELECT 1 FROM person WHERE id = ?2 AND id_number <> '')";
	return merge_step(tx, sql, keep, other, now, valid);
}

enum store_status store_tx_person_take_gaps(struct store_tx *tx, const char *keep,
					    const char *other)
{
	static const char sql[] =
		"UPDATE person SET"
		" phone = CASE WHEN phone = '' THEN (SELECT phone FROM person WHERE id = ?2)"
		" ELSE phone END,"
		" address = CASE WHEN address = '' THEN (SELECT address FROM person WHERE id = ?2)"
		" ELSE address END,"
		" categories = categories | (SELECT categories FROM person WHERE id = ?2)"
		" WHERE id = ?1";
	return merge_step(tx, sql, keep, other, 0, 0);
}

enum store_status store_tx_person_move_travel(struct store_tx *tx, const char *keep,
					      const char *other)
{
	static const char sql[] = "UPDATE travel SET person_id = ?1 WHERE person_id = ?2";
	return merge_step(tx, sql, keep, other, 0, 0);
}

enum store_status store_tx_person_move_events(struct store_tx *tx, const char *keep,
					      const char *other)
{
	static const char sql[] = "UPDATE person_event SET person_id = ?1 WHERE person_id = ?2";
	return merge_step(tx, sql, keep, other, 0, 0);
}

enum store_status store_tx_person_move_tasks(struct store_tx *tx, const char *keep,
					     const char *other)
{
	static const char sql[] = "UPDATE task SET person_id = ?1 WHERE person_id = ?2";
	return merge_step(tx, sql, keep, other, 0, 0);
}
