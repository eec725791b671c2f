/* sq_import_pg — set-wise imports on PostgreSQL (store.h: store_import_setwise).
 *
 * A batch's rows, parsed, validated and resolved to their areas in C as on SQLite, are
 * streamed with COPY … FROM STDIN (text format) into import_stage, a temporary table of the
 * writer's session (no WAL, no index: it is read whole; emptied at each batch, keyed by
 * line). Three UPDATEs mark the rows that cannot be merged set-wise: those whose number some
 * file already has (valid or not: its holder, a file made beside a holder elsewhere, a
 * defective number's file), the later rows of a number within the batch, and the rows
 * without a number but with a phone (their possible duplicate). Every other row makes a new
 * file, whatever the rule of svc_person_place: the service merges them a run of lines at a
 * time with store_tx_import_merge (five INSERT … SELECT: files, journeys, events, tasks,
 * notifications) and sends the rest row by row through the same operations as SQLite, so
 * both produce the same files, journeys, tasks, events, issues, flags and counters. On
 * SQLite nothing is staged: every row goes row by row. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/log.h"

enum store_status sq_pg_exec(struct sq_conn *c, const char *sql); /* sq_pg.c */

bool store_import_setwise(struct store *s)
{
	return s->pg;
}

static const char sql_stage_table[] =
	"CREATE TEMP TABLE IF NOT EXISTS import_stage ("
	" line bigint NOT NULL, person_id text NOT NULL, task_id text NOT NULL,"
	" doc_type text, id_number text, id_valid bigint, name text, sex text, birth bigint,"
	" phone text, address text, area_code text, categories bigint, defects text,"
	" origin text, origin_code text, arrival bigint, transport text, transport_no text,"
	" detail text, below bigint, key_area bigint, way smallint NOT NULL DEFAULT 1)";
static const char sql_copy[] =
	"COPY import_stage(line, person_id, task_id, doc_type, id_number, id_valid, name, sex,"
	" birth, phone, address, area_code, categories, defects, origin, origin_code, arrival,"
	" transport, transport_no, detail, below, key_area) FROM STDIN";

/* ---- the COPY stream ---- */

struct buf {
	char *v;
	size_t n, cap;
};

static void grow(struct buf *b, size_t more)
{
	if (b->n + more <= b->cap)
		return;
	b->cap = 2 * (b->n + more) + 4096;
	if (!(b->v = realloc(b->v, b->cap)))
		fk_oom();
}

/* A text field of COPY's text format: \N for NULL, backslash escapes, then sep. */
static void field(struct buf *b, const char *s, char sep)
{
	if (!s) {
		grow(b, 3);
		memcpy(b->v + b->n, "\\N", 2);
		b->n += 2;
	} else {
		size_t len = strlen(s);
		grow(b, 2 * len + 1);
		for (; *s; s++) {
			char ch = *s;
			const char *esc = ch == '\\'   ? "\\\\"
					  : ch == '\t' ? "\\t"
					  : ch == '\n' ? "\\n"
					  : ch == '\r' ? "\\r"
						       : NULL;
			if (esc) {
				b->v[b->n++] = esc[0];
				b->v[b->n++] = esc[1];
			} else {
				b->v[b->n++] = ch;
			}
		}
	}
	grow(b, 1);
	b->v[b->n++] = sep;
}

static void number(struct buf *b, long long v, char sep)
{
	char t[24];

	snprintf(t, sizeof t, "%lld", v);
	field(b, t, sep);
}

/* Row r as one line of COPY text, with the NULLs the row-by-row statements would bind
 * (SQ_TEXT: NULL; SQ_TEXT_NN: ""). */
static void copy_row(struct buf *b, const struct import_staged *r)
{
	const struct person *p = &r->row->p;
	const struct travel *t = &r->row->t;

	number(b, (long long)r->row->line, '\t');
	field(b, p->id, '\t');
	field(b, r->task_id, '\t');
	field(b, p->doc_type, '\t');
	field(b, p->id_number, '\t');
	number(b, p->id_valid, '\t');
	field(b, p->name, '\t');
	field(b, p->sex ? p->sex : "", '\t');
	number(b, p->birth, '\t');
	field(b, p->phone, '\t');
	field(b, p->address, '\t');
	field(b, p->area, '\t');
	number(b, p->categories, '\t');
	field(b, p->defects ? p->defects : "", '\t');
	field(b, t->origin, '\t');
	field(b, t->origin_code ? t->origin_code : "", '\t');
	number(b, t->arrival, '\t');
	field(b, t->transport, '\t');
	field(b, t->transport_no, '\t');
	field(b, r->detail, '\t');
	number(b, r->below, '\t');
	number(b, (p->categories & CAT_KEY_AREA) != 0, '\n');
}

static enum store_status copy_failed(PGconn *pg, const char *what)
{
	log_error("postgresql: import staging: %s: %s", what, PQerrorMessage(pg));
	return PQstatus(pg) == CONNECTION_BAD ? STORE_BUSY : STORE_ERROR;
}

static enum store_status copy_rows(struct sq_conn *c, const struct import_staged *rows, size_t n)
{
	PGconn *pg = (PGconn *)c->pg;
	struct buf b = {0};
	enum store_status ss = STORE_OK;
	PGresult *r = PQexec(pg, sql_copy);

	if (PQresultStatus(r) != PGRES_COPY_IN) {
		PQclear(r);
		return copy_failed(pg, "COPY");
	}
	PQclear(r);
	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		copy_row(&b, &rows[i]);
		if (b.n >= 1 << 20 || i + 1 == n) {
			if (PQputCopyData(pg, b.v, (int)b.n) != 1)
				ss = copy_failed(pg, "COPY data");
			b.n = 0;
		}
	}
	free(b.v);
	if (PQputCopyEnd(pg, ss == STORE_OK ? NULL : "aborted") != 1 && ss == STORE_OK)
		ss = copy_failed(pg, "COPY end");
	while ((r = PQgetResult(pg))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ss == STORE_OK)
			ss = copy_failed(pg, "COPY result");
		PQclear(r);
	}
	return ss;
}

/* ---- staging and merging ---- */

struct way_row {
	int64_t line, way;
};

static const struct sq_col way_cols[] = {
	SQ_COL_NUM(struct way_row, line),
	SQ_COL_NUM(struct way_row, way),
};

enum store_status store_tx_import_stage(struct store_tx *tx, const char *import_id,
					const struct import_staged *rows, size_t n,
					enum import_way *way)
{
	/* row by row (0): a number some file has (valid or not: its holder, a file made beside
	 * a holder elsewhere, a defective number's file), a number's later rows, a row without
	 * a number but with a phone (its possible duplicate is looked up row by row); ANALYZE:
	 * the planner then looks the staged numbers up in person's index */
	static const char sql_held[] =
		"UPDATE import_stage s SET way = 0 FROM person p WHERE s.id_number <> ''"
		" AND p.id_number = s.id_number AND p.doc_type = s.doc_type";
	static const char sql_row[] =
		"UPDATE import_stage SET way = 0 WHERE way = 1"
		" AND ((id_number = '' AND phone <> '') OR line IN (SELECT line FROM"
		"  (SELECT line, row_number() OVER (PARTITION BY doc_type, id_number ORDER BY line)"
		"  AS k FROM import_stage"
		"  WHERE id_number <> '') e WHERE e.k > 1))";
	/* after (2): no number, and a later set-wise row has the same name and phone */
	static const char sql_after[] =
		"UPDATE import_stage s SET way = 2 WHERE s.way = 0 AND s.id_number = ''"
		" AND s.phone <> '' AND EXISTS (SELECT 1 FROM import_stage f WHERE f.way = 1"
		"  AND f.phone = s.phone AND f.name = s.name AND f.line > s.line)";
	static const char sql_ways[] =
		"SELECT line, way FROM import_stage WHERE way <> 1 ORDER BY line";
	static const struct sq_rowtype way_rows = SQ_ROWTYPE(struct way_row, way_cols, NULL);
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss;
	struct way_row *w;
	size_t k, j = 0;

	(void)import_id;
	for (size_t i = 0; i < n; i++)
		way[i] = c->pg ? IMPORT_WAY_SET : IMPORT_WAY_ROW;
	if (!c->pg || n == 0)
		return STORE_OK;
	if ((ss = sq_pg_exec(c, sql_stage_table)) != STORE_OK ||
	    (ss = sq_pg_exec(c, "TRUNCATE import_stage")) != STORE_OK ||
	    (ss = copy_rows(c, rows, n)) != STORE_OK ||
	    (ss = sq_pg_exec(c, "ANALYZE import_stage")) != STORE_OK ||
	    (ss = sq_run(c, sql_held, NULL, 0)) != STORE_OK ||
	    (ss = sq_run(c, sql_row, NULL, 0)) != STORE_OK ||
	    (ss = sq_run(c, sql_after, NULL, 0)) != STORE_OK)
		return ss;
	struct arena *a = arena_new();
	w = sq_rows(c, sql_ways, &way_rows, n, a, &k, &ss, NULL, 0);
	for (size_t i = 0; i < k && ss == STORE_OK; i++) {
		while (j < n && (int64_t)rows[j].row->line < w[i].line)
			j++;
		if (j < n && (int64_t)rows[j].row->line == w[i].line)
			way[j] = w[i].way == 2 ? IMPORT_WAY_AFTER : IMPORT_WAY_ROW;
	}
	arena_free(a);
	return ss;
}

enum store_status store_tx_import_merge(struct store_tx *tx, const struct import_merge *m,
					int64_t first, int64_t last)
{
	/* ?1 first line, ?2 last line, ?3 now, ?4 import, ?5 user, ?6 username, ?7 due */
#define STAGED " FROM import_stage s WHERE s.way = 1 AND s.line BETWEEN ?1 AND ?2"
	static const char sql_person[] =
		"INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone,"
		" address, area_code, categories, status, defects, created_at, updated_at)"
		" SELECT s.person_id, s.doc_type, s.id_number, s.id_valid, s.name, s.sex, s.birth,"
		" s.phone, s.address, s.area_code, s.categories, 'pending', s.defects, ?3, "
		"?3" STAGED " ORDER BY s.line";
	static const char sql_travel[] =
		"INSERT INTO travel(person_id, origin, origin_code, arrival, transport, "
		"transport_no,"
		" import_id, created_at) SELECT s.person_id, s.origin, s.origin_code, s.arrival,"
		" s.transport, s.transport_no, ?4, ?3" STAGED
		" AND NOT (s.origin = '' AND s.arrival = 0 AND s.transport = ''"
		" AND s.transport_no = '') ORDER BY s.line";
	static const char sql_event[] =
		"INSERT INTO person_event(person_id, at, kind, user_id, username, area_code, "
		"detail)"
		" SELECT s.person_id, ?3, 'pushed', ?5, ?6, s.area_code, s.detail" STAGED
		" ORDER BY s.line";
	static const char sql_task[] =
		"INSERT INTO task(id, person_id, import_id, area_code, due_at, created_at, defects,"
		" forwarded_from, forward_target, key_area)"
		" SELECT s.task_id, s.person_id, ?4, s.area_code, ?7, ?3, s.defects, NULL, NULL,"
		" s.key_area" STAGED " ORDER BY s.line";
#undef STAGED
	/* store_tx_notify's, for every staged task: the active grid workers over its area (or
	 * under it, below), not the worker who imported */
	static const char sql_notify[] =
		"INSERT INTO notification(user_id, kind, area_code, object_type, object_id,"
		" detail, created_at)"
		" SELECT u.id, 'task', s.area_code, 'task', s.task_id, '', ?3"
		" FROM import_stage s JOIN app_user u ON u.disabled = 0 AND u.id <> ?5"
		"  AND u.role = 'grid_worker'"
		"  AND (substr(s.area_code, 1, length(u.area_code)) = u.area_code"
		"   OR (s.below = 1 AND substr(u.area_code, 1, length(s.area_code)) = s.area_code))"
		" WHERE s.way = 1 AND s.line BETWEEN ?1 AND ?2 ORDER BY s.line, u.id";
	struct sq_conn *c = sq_conn_of(tx);
	const char *const steps[] = {sql_person, sql_travel, sql_event, sql_task, sql_notify};
	enum store_status ss = STORE_OK;

	for (size_t i = 0; i < sizeof steps / sizeof steps[0] && ss == STORE_OK; i++)
		ss = sq_run(c, steps[i],
			    SQ_PARAMS(SQ_INT(first), SQ_INT(last), SQ_INT(m->now),
				      SQ_TEXT(m->import_id), SQ_TEXT(m->user_id),
				      SQ_TEXT(m->username), SQ_INT(m->due_at)));
	return ss == STORE_CONFLICT ? STORE_INVALID : ss; /* as a task's: no such area */
}
