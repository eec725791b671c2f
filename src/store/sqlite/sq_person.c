/* sq_person — finding and reading key-person files. Search is exact on ID number and
 * phone (indexed) and by name prefix (indexed range), always within the caller's area. */
#include <string.h>

#include "store/sqlite/sq.h"

#define PERSON_COLS                                                                            \
	"p.id, p.doc_type, p.id_number, p.id_valid, p.name, p.sex, p.phone, p.address,"        \
	" p.birth, p.area_code, coalesce(a.name, ''), p.categories, p.status, p.defects,"      \
	" p.merged_into, p.created_at, p.updated_at"
#define PERSON_FROM " FROM person p LEFT JOIN area a ON a.code = p.area_code"

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
}

enum store_status store_person_find(struct store *s, const struct person_query *q,
				    struct arena *a, struct person **out, size_t *n)
{
	/* ?1/?2 scope range; one of ?3 id number, ?4 phone, ?5/?6 name prefix range */
	static const char sql_id[] = "SELECT " PERSON_COLS PERSON_FROM
				     " WHERE p.id_number = ?3 AND p.merged_into IS NULL AND p.area_code >= ?1"
				     " AND p.area_code < ?2 LIMIT ?7";
	static const char sql_phone[] = "SELECT " PERSON_COLS PERSON_FROM
					" WHERE p.phone = ?4 AND p.merged_into IS NULL AND p.area_code >= ?1"
					" AND p.area_code < ?2 LIMIT ?7";
	static const char sql_name[] = "SELECT " PERSON_COLS PERSON_FROM
				       " WHERE p.name >= ?5 AND p.name < ?6 AND p.merged_into IS NULL"
				       " AND p.area_code >= ?1"
				       " AND p.area_code < ?2 ORDER BY p.name LIMIT ?7";
	const char *sql = q->id_number ? sql_id : q->phone ? sql_phone : sql_name;
	struct sq_conn *c = sq_reader_get(s);
	sqlite3_stmt *st = sq_stmt(c, sql);
	char end[AREA_CODE_MAX + 2], *name_end = NULL;
	size_t cap = (size_t)(q->limit > 0 ? q->limit : 1);
	enum store_status ss = STORE_ERROR;
	int rc = SQLITE_DONE;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!st)
		goto out;
	sq_prefix_end(q->scope, end, sizeof end);
	sq_bind_text(st, 1, q->scope);
	sq_bind_text(st, 2, end);
	sq_bind_text(st, 3, q->id_number);
	sq_bind_text(st, 4, q->phone);
	if (q->name_prefix) {
		size_t len = strlen(q->name_prefix);
		name_end = arena_alloc(a, len + 5);
		memcpy(name_end, q->name_prefix, len);
		memcpy(name_end + len, "\xf4\x8f\xbf\xbf", 4); /* U+10FFFF: after every name */
		sq_bind_text(st, 5, q->name_prefix);
		sq_bind_text(st, 6, name_end);
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
	sqlite3_stmt *st = sq_stmt(c, sql);

	if (st)
		sq_bind_text(st, 1, id);
	return sq_row(c, st, a, out, read_row);
}

enum store_status store_person_get(struct store *s, const char *id, struct arena *a,
				   struct person *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_person_read(c, id, a, out);

	sq_reader_put(s, c);
	return ss;
}

static enum store_status read_travel(struct sq_conn *c, const char *id, struct arena *a,
				     struct travel **out, size_t *n)
{
	static const char sql[] =
		"SELECT origin, origin_code, arrival, transport, transport_no,"
		" coalesce(import_id, ''), created_at FROM travel WHERE person_id = ?1"
		" ORDER BY arrival DESC, id DESC LIMIT 100";
	sqlite3_stmt *st = sq_stmt(c, sql);
	int rc = SQLITE_DONE;

	*n = 0;
	*out = arena_alloc(a, 100 * sizeof **out);
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct travel *t = &(*out)[(*n)++];
		t->origin = sq_text(a, st, 0);
		t->origin_code = sq_text(a, st, 1);
		t->arrival = sqlite3_column_int(st, 2);
		t->transport = sq_text(a, st, 3);
		t->transport_no = sq_text(a, st, 4);
		t->import_id = sq_text(a, st, 5);
		t->created_at = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
}

static enum store_status read_events(struct sq_conn *c, const char *id, struct arena *a,
				     struct person_event **out, size_t *n)
{
	static const char sql[] =
		"SELECT id, at, kind, coalesce(username, ''), coalesce(area_code, ''),"
		" coalesce(detail, '') FROM person_event WHERE person_id = ?1 ORDER BY id LIMIT 1000";
	sqlite3_stmt *st = sq_stmt(c, sql);
	size_t cap = 64;
	int rc = SQLITE_DONE;

	*n = 0;
	*out = arena_alloc(a, cap * sizeof **out);
	if (!st)
		return STORE_ERROR;
	sq_bind_text(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			struct person_event *bigger = arena_alloc(a, 2 * cap * sizeof *bigger);
			memcpy(bigger, *out, cap * sizeof *bigger);
			*out = bigger;
			cap *= 2;
		}
		struct person_event *e = &(*out)[(*n)++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->kind = sq_text(a, st, 2);
		e->username = sq_text(a, st, 3);
		e->area = sq_text(a, st, 4);
		e->detail = sq_text(a, st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? STORE_OK : sq_rc(c, rc);
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

enum store_status store_person_file(struct store *s, const char *id, struct arena *a,
				    struct travel **travel, size_t *ntravel,
				    struct person_event **events, size_t *nevents,
				    struct task **tasks, size_t *ntasks)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		if ((ss = read_travel(c, id, a, travel, ntravel)) == STORE_OK &&
		    (ss = read_events(c, id, a, events, nevents)) == STORE_OK)
			ss = read_tasks(c, id, a, tasks, ntasks);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}
