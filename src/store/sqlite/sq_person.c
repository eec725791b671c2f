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
#include "store/sqlite/sq.h"
#include "util/uuid.h"

#define PERSON_COLS                                                                                \
	"p.id, p.doc_type, p.id_number, p.id_valid, p.name, p.sex, p.phone, p.address,"            \
	" p.birth, p.area_code, coalesce(a.name, ''), p.categories, p.status, p.defects,"          \
	" p.merged_into, p.created_at, p.updated_at, coalesce(h.id, ''),"                          \
	" coalesce(h.area_code, '')"
/* h: the holder of the number of a PERSON_ELSEWHERE file (at most one: person_doc) */
#define PERSON_FROM                                                                                \
	" FROM person p LEFT JOIN area a ON a.code = p.area_code"                                  \
	" LEFT JOIN person h ON p.id_valid = 0 AND p.merged_into IS NULL"                          \
	" AND instr(',' || p.defects || ',', '," PERSON_ELSEWHERE ",') > 0"                        \
	" AND h.doc_type = p.doc_type AND h.id_number = p.id_number AND h.id_valid = 1"

static void read_row(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct person *p = out;

	memset(p, 0, sizeof *p);
	sq_text_to(st, 0, p->id, sizeof p->id);
	p->doc_type = sq_text(a, st, 1);
	p->id_number = sq_text(a, st, 2);
	p->id_valid = sqlite3_column_int(st, 3) != 0;
	p->name = sq_text(a, st, 4);
	p->sex = sq_text(a, st, 5);
	p->phone = sq_text(a, st, 6);
	p->address = sq_text(a, st, 7);
	p->birth = sqlite3_column_int(st, 8);
	sq_text_to(st, 9, p->area, sizeof p->area);
	p->area_name = sq_text(a, st, 10);
	p->categories = (unsigned)sqlite3_column_int(st, 11);
	p->status = sq_text(a, st, 12);
	p->defects = sq_text(a, st, 13);
	p->merged_into = sq_text_or_null(a, st, 14);
	p->created_at = sqlite3_column_int64(st, 15);
	p->updated_at = sqlite3_column_int64(st, 16);
	p->duplicate_of = sq_text(a, st, 17);
	p->duplicate_area = sq_text(a, st, 18);
}

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
	static const char sql_name[] =
		"SELECT " PERSON_COLS PERSON_FROM
		" WHERE p.name COLLATE BINARY >= ?5 AND p.name COLLATE BINARY < ?6"
		" AND p.merged_into IS NULL"
		" AND p.area_code >= ?1"
		" AND p.area_code < ?2 ORDER BY p.name LIMIT ?7";
	const char *sql = q->id_number ? sql_id : q->phone ? sql_phone : sql_name;
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_END_SIZE];
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	if (!c)
		return STORE_BUSY;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!st)
		goto out;
	area_code_scope_end(q->scope, end, sizeof end);
	sq_bind_text(st, 1, q->scope);
	sq_bind_text(st, 2, end);
	sq_bind_text(st, 3, q->id_number);
	sq_bind_text(st, 4, q->phone);
	if (q->name_prefix) {
		sq_bind_text(st, 5, q->name_prefix);
		sq_bind_text(st, 6, sq_text_prefix_end(a, q->name_prefix));
	}
	sqlite3_bind_int(st, 7, (int)cap);
	while (*n < cap && (rc = sqlite3_step(st)) == SQLITE_ROW)
		read_row(st, a, &(*out)[(*n)++]);
	ss = rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
	sqlite3_reset(st);
out:
	sq_reader_put(s, c);
	return ss;
}

enum store_status sq_person_read(struct sq_conn *c, const char *id, struct arena *a,
				 struct person *out)
{
	static const char sql[] = "SELECT " PERSON_COLS PERSON_FROM " WHERE p.id = ?1";
	return sq_one(c, sql, read_row, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_person_get(struct store *s, const char *id, struct arena *a,
				   struct person *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_person_read(c, id, a, out);

	sq_reader_put(s, c);
	return ss;
}

static void read_travel_row(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct travel *t = out;

	t->origin = sq_text(a, st, 0);
	t->origin_code = sq_text(a, st, 1);
	t->arrival = sqlite3_column_int(st, 2);
	t->transport = sq_text(a, st, 3);
	t->transport_no = sq_text(a, st, 4);
	t->import_id = sq_text(a, st, 5);
	t->created_at = sqlite3_column_int64(st, 6);
}

static void read_event_row(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct person_event *e = out;

	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->kind = sq_text(a, st, 2);
	e->username = sq_text(a, st, 3);
	e->area = sq_text(a, st, 4);
	e->detail = sq_text(a, st, 5);
}

static enum store_status read_travel(struct sq_conn *c, const char *id, struct arena *a,
				     struct travel **out, size_t *n)
{
	static const char sql[] =
		"SELECT origin, origin_code, arrival, transport, transport_no,"
		" coalesce(import_id, ''), created_at FROM travel WHERE person_id = ?1"
		" ORDER BY arrival DESC, id DESC LIMIT 100";
	static const struct sq_rowtype rows = {read_travel_row, sizeof **out};
	enum store_status ss;

	*out = sq_rows(c, sql, &rows, 100, a, n, &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

static enum store_status read_events(struct sq_conn *c, const char *id, struct arena *a,
				     struct person_event **out, size_t *n)
{
	static const char sql[] =
		"SELECT id, at, kind, coalesce(username, ''), coalesce(area_code, ''),"
		" coalesce(detail, '') FROM person_event WHERE person_id = ?1 ORDER BY id LIMIT "
		"1000";
	static const struct sq_rowtype rows = {read_event_row, sizeof **out};
	enum store_status ss;

	*out = sq_rows(c, sql, &rows, 1000, a, n, &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

static enum store_status read_tasks(struct sq_conn *c, const char *id, struct arena *a,
				    struct task **out, size_t *n)
{
	static const char sql[] = "SELECT id FROM task WHERE person_id = ?1 ORDER BY created_at"
				  " LIMIT 100";
	sqlite3_stmt *st = sq_stmt(c, sql);
	char ids[100][USER_ID_LEN + 1];
	size_t k = 0;
	int rc = SQLITE_DONE;
	enum store_status ss = STORE_OK;

	*n = 0;
	*out = arena_alloc(a, 100 * sizeof **out);
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	while (k < 100 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_text_to(st, 0, ids[k++], sizeof ids[0]);
	sqlite3_reset(st);
	for (size_t i = 0; i < k && ss == STORE_OK; i++)
		ss = sq_task_read(c, ids[i], a, &(*out)[(*n)++]);
	return ss;
}

enum store_status store_tx_person_file(struct store_tx *tx, const char *id, struct arena *a,
				       struct travel **travel, size_t *ntravel,
				       struct person_event **events, size_t *nevents,
				       struct task **tasks, size_t *ntasks)
{
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss;

	if ((ss = read_travel(c, id, a, travel, ntravel)) == STORE_OK &&
	    (ss = read_events(c, id, a, events, nevents)) == STORE_OK)
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

	if (!*t->origin && !t->arrival && !*t->transport && !*t->transport_no)
		return STORE_OK;
	return sq_run(c, sql,
		      SQ_PARAMS(SQ_TEXT(person_id), SQ_TEXT(t->origin), SQ_TEXT_NN(t->origin_code),
				SQ_INT(t->arrival), SQ_TEXT(t->transport), SQ_TEXT(t->transport_no),
				SQ_TEXT(import_id), SQ_INT(now)));
}

struct holder {
	char id[USER_ID_LEN + 1], area[AREA_CODE_MAX + 1];
};

static void read_holder(sqlite3_stmt *st, struct arena *a, void *out)
{
	struct holder *h = out;

	sq_text_to(st, 0, h->id, sizeof h->id);
	sq_text_to(st, 1, h->area, sizeof h->area);
}

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
	ss = sq_one(c, sql, read_holder, NULL, &h,
		    SQ_PARAMS(SQ_TEXT(p->doc_type), SQ_TEXT(p->id_number)));
	snprintf(id, idsz, "%s", h.id);
	snprintf(area, areasz, "%s", h.area);
	return ss == STORE_NOT_FOUND ? STORE_OK : ss;
}

enum store_status sq_person_own(struct sq_conn *c, const struct person *p, const char *scope,
				char *id, size_t idsz)
{
	/* ?3/?4 scope range. A valid number: the file made while another area held it. A
	 * defective one: the same number with the same name (+: look up by number). */
	static const char sql_valid[] =
		"SELECT id FROM person WHERE id_number = ?2 AND doc_type = ?1 AND id_valid = 0"
		" AND merged_into IS NULL"
		" AND instr(',' || defects || ',', '," PERSON_ELSEWHERE ",') > 0"
		" AND area_code >= ?3 AND area_code < ?4 LIMIT 1";
	static const char sql_defective[] =
		"SELECT id FROM person WHERE id_number = ?2 AND doc_type = ?1 AND id_valid = 0"
		" AND +name = ?5 AND merged_into IS NULL AND area_code >= ?3 AND area_code < ?4"
		" LIMIT 1";
	char end[AREA_CODE_END_SIZE];
	sqlite3_stmt *st;
	int rc;

	id[0] = '\0';
	if (!*p->id_number)
		return STORE_OK;
	if (!(st = sq_stmt(c, p->id_valid ? sql_valid : sql_defective)))
		return STORE_ERROR;
	area_code_scope_end(scope, end, sizeof end);
	sq_bind_text(st, 1, p->doc_type);
	sq_bind_text(st, 2, p->id_number);
	sq_bind_text(st, 3, scope);
	sq_bind_text(st, 4, end);
	if (!p->id_valid)
		sq_bind_text(st, 5, p->name);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sq_text_to(st, 0, id, idsz);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
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
