/* sq_import_pg — set-wise imports (store.h: store_tx_import_merge), PostgreSQL's COPY and
 * SQLite's inserts.
 *
 * A batch's rows are parsed, validated and resolved to their areas in C; the service
 * (svc_import.c) decides which of them surely make a new file (one lookup of the batch's
 * numbers: store_tx_numbers_held) and hands a run of them here. On PostgreSQL they are
 * written straight into their tables by one COPY … FROM STDIN each (text format): files,
 * journeys, timeline events, tasks, and the tasks' notifications. Nothing is staged: each
 * row is written once, and COPY writes the table's pages a batch at a time; the foreign keys
 * of these tables are checked once per statement (sq_migrate.c, step 15). On SQLite the
 * same rows go by the inserts a row stored row by row makes, without the lookups before
 * them. The notifications are matched in C to the active grid workers of the list's area
 * (its ancestors and its descendants, read once per run) by store_tx_notify's rule. The
 * other rows go row by row through the same operations, so both backends produce the same
 * files, journeys, tasks, events, issues, flags and counters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "store/sqlite/sq_copy.h"
#include "util/log.h"

size_t store_import_batch_rows(struct store *s)
{
	return s->pg ? 10000 : 256;
}

/* ---- COPY's text format (sq_copy_text escapes it, as for `fangkong copy`) ---- */

/* A text field, \N for NULL, then sep. */
static void field(struct buf *b, const char *s, char sep)
{
	if (s)
		sq_copy_text(b, s, strlen(s));
	else
		buf_append(b, "\\N", 2);
	buf_append(b, &sep, 1);
}

/* A NOT NULL text column: "" for NULL. */
static void text(struct buf *b, const char *s, char sep)
{
	field(b, s ? s : "", sep);
}

static void number(struct buf *b, long long v, char sep)
{
	char t[24];

	snprintf(t, sizeof t, "%lld", v);
	field(b, t, sep);
}

/* ---- the tables ---- */

static void person_row(struct buf *b, const struct import_merge *m, const struct import_staged *r)
{
	const struct person *p = &r->row->p;

	text(b, p->id, '\t');
	text(b, p->doc_type, '\t');
	text(b, p->id_number, '\t');
	number(b, p->id_valid, '\t');
	text(b, p->name, '\t');
	text(b, p->sex, '\t');
	number(b, p->birth, '\t');
	text(b, p->phone, '\t');
	text(b, p->address, '\t');
	text(b, p->area, '\t');
	number(b, p->categories, '\t');
	text(b, "pending", '\t');
	text(b, p->defects, '\t');
	number(b, m->now, '\t');
	number(b, m->now, '\n');
}

static void travel_row(struct buf *b, const struct import_merge *m, const struct import_staged *r)
{
	const struct travel *t = &r->row->t;

	text(b, r->row->p.id, '\t');
	text(b, t->origin, '\t');
	text(b, t->origin_code, '\t');
	number(b, t->arrival, '\t');
	text(b, t->transport, '\t');
	text(b, t->transport_no, '\t');
	field(b, m->import_id, '\t');
	number(b, m->now, '\n');
}

static void event_row(struct buf *b, const struct import_merge *m, const struct import_staged *r)
{
	text(b, r->row->p.id, '\t');
	number(b, m->now, '\t');
	text(b, "pushed", '\t');
	field(b, m->user_id, '\t');
	field(b, m->username, '\t');
	field(b, r->row->p.area, '\t');
	field(b, r->detail, '\n');
}

static void task_row(struct buf *b, const struct import_merge *m, const struct import_staged *r)
{
	const struct person *p = &r->row->p;

	text(b, r->task_id, '\t');
	text(b, p->id, '\t');
	field(b, m->import_id, '\t');
	text(b, p->area, '\t');
	number(b, m->due_at, '\t');
	number(b, m->now, '\t');
	text(b, p->defects, '\t');
	number(b, (p->categories & CAT_KEY_AREA) != 0, '\n');
}

/* ---- the tasks' notifications ---- */

struct worker {
	const char *id, *area_code;
};

static const struct sq_col worker_cols[] = {
	SQ_COL_TEXT(struct worker, id),
	SQ_COL_TEXT(struct worker, area_code),
};

static int worker_by_area(const void *x, const void *y)
{
	const struct worker *p = x, *q = y;
	int c = strcmp(p->area_code, q->area_code);

	return c ? c : strcmp(p->id, q->id);
}

static int worker_by_id(const void *x, const void *y)
{
	return strcmp(((const struct worker *)x)->id, ((const struct worker *)y)->id);
}

/* The first worker of w[0..n) (by area) whose area is at least code. */
static size_t first_from(const struct worker *w, size_t n, const char *code)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(w[mid].area_code, code) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The workers row r's task notifies, in the order of their ids (hit, *nhit of them): those
 * whose area is r's or an ancestor of it, and, when the task reaches below, those under it. */
static void notified(const struct import_staged *r, const struct worker *w, size_t nw,
		     struct worker *hit, size_t *nhit_out)
{
	const char *area = r->row->p.area;
	size_t len = strlen(area), nhit = 0;
	char prefix[AREA_CODE_MAX + 1];

	for (size_t l = 1; l <= len && l < sizeof prefix; l++) { /* ancestors, then r's own */
		memcpy(prefix, area, l);
		prefix[l] = '\0';
		for (size_t i = first_from(w, nw, prefix);
		     i < nw && !strcmp(w[i].area_code, prefix); i++)
			hit[nhit++] = w[i];
	}
	if (r->below) /* under it: the codes that start with it, longer than it */
		for (size_t i = first_from(w, nw, area);
		     i < nw && !strncmp(w[i].area_code, area, len); i++)
			if (w[i].area_code[len])
				hit[nhit++] = w[i];
	qsort(hit, nhit, sizeof *hit, worker_by_id);
	*nhit_out = nhit;
}

static void notify_rows(struct buf *b, const struct import_merge *m, const struct import_staged *r,
			const struct worker *w, size_t nw, struct worker *hit)
{
	size_t nhit;

	notified(r, w, nw, hit, &nhit);
	for (size_t i = 0; i < nhit; i++) {
		text(b, hit[i].id, '\t');
		text(b, "task", '\t');
		text(b, r->row->p.area, '\t');
		text(b, "task", '\t');
		text(b, r->task_id, '\t');
		text(b, "", '\t');
		number(b, m->now, '\n');
	}
}

/* The active grid workers, but the one who imports, over or under the list's area. */
static struct worker *workers(struct sq_conn *c, const struct import_merge *m, struct arena *a,
			      size_t *n, enum store_status *ss)
{
	static const char sql[] =
		"SELECT id, area_code FROM app_user WHERE disabled = 0 AND role = 'grid_worker'"
		" AND id <> ?1 AND ((area_code >= ?2 AND area_code < ?3)"
		"  OR substr(?2, 1, length(area_code)) = area_code)";
	static const struct sq_rowtype rows = SQ_ROWTYPE(struct worker, worker_cols, NULL);
	char end[AREA_CODE_END_SIZE];
	struct worker *w;

	area_code_scope_end(m->area, end, sizeof end);
	w = sq_rows(c, sql, &rows, SQ_ALL, a, n, ss,
		    SQ_PARAMS(SQ_TEXT(m->user_id), SQ_TEXT(m->area), SQ_TEXT(end)));
	if (*ss == STORE_OK)
		qsort(w, *n, sizeof *w, worker_by_area);
	return w;
}

/* SQLite: the same rows by the same inserts as a row stored row by row (prepared once,
 * bound per row, in the writer's process: no round trip to save). */
static enum store_status merge_rows(struct sq_conn *c, const struct import_merge *m,
				    const struct import_staged *rows, size_t n,
				    const struct worker *w, size_t nw, struct worker *hit)
{
	static const char sql_notify[] =
		"INSERT INTO notification(user_id, kind, area_code, object_type, object_id,"
		" detail, created_at) VALUES (?1, 'task', ?2, 'task', ?3, '', ?4)";
	enum store_status ss = STORE_OK;

	for (size_t i = 0; i < n && ss == STORE_OK; i++) {
		const struct import_staged *r = &rows[i];
		const struct person *p = &r->row->p;
		struct task_new t = {
			.id = r->task_id,
			.person_id = p->id,
			.import_id = m->import_id,
			.area = p->area,
			.defects = p->defects,
			.due_at = m->due_at,
			.now = m->now,
			.key_area = (p->categories & CAT_KEY_AREA) != 0,
		};
		size_t nhit = 0;
		if ((ss = sq_person_insert(c, p, m->now)) != STORE_OK ||
		    (ss = sq_travel_add(c, p->id, &r->row->t, m->import_id, m->now)) != STORE_OK ||
		    (ss = sq_person_event(c, p->id, "pushed", m->user_id, m->username, p->area,
					  r->detail, m->now)) != STORE_OK ||
		    (ss = sq_task_insert(c, &t)) != STORE_OK)
			break;
		notified(r, w, nw, hit, &nhit);
		for (size_t k = 0; k < nhit && ss == STORE_OK; k++)
			ss = sq_run(c, sql_notify,
				    SQ_PARAMS(SQ_TEXT(hit[k].id), SQ_TEXT(p->area),
					      SQ_TEXT(r->task_id), SQ_INT(m->now)));
	}
	return ss;
}

enum store_status store_tx_import_merge(struct store_tx *tx, const struct import_merge *m,
					const struct import_staged *rows, size_t n)
{
	static const char *const copy[] = {
		"COPY person(id, doc_type, id_number, id_valid, name, sex, birth, phone, address,"
		" area_code, categories, status, defects, created_at, updated_at) FROM STDIN",
		"COPY travel(person_id, origin, origin_code, arrival, transport, transport_no,"
		" import_id, created_at) FROM STDIN",
		"COPY person_event(person_id, at, kind, user_id, username, area_code, detail)"
		" FROM STDIN",
		"COPY task(id, person_id, import_id, area_code, due_at, created_at, defects,"
		" key_area) FROM STDIN",
		"COPY notification(user_id, kind, area_code, object_type, object_id, detail,"
		" created_at) FROM STDIN",
	};
	struct sq_conn *c = sq_conn_of(tx);
	struct buf b;
	enum store_status ss = STORE_OK;
	struct arena *a = arena_new();
	size_t nw = 0;
	struct worker *w = workers(c, m, a, &nw, &ss);
	struct worker *hit = arena_alloc(a, (nw ? nw : 1) * sizeof *hit);

	buf_init(&b, (size_t)1 << 31); /* a batch: bounded by its rows */

	if (!c->pg && ss == STORE_OK)
		ss = merge_rows(c, m, rows, n, w, nw, hit);
	for (size_t t = 0; c->pg && t < sizeof copy / sizeof copy[0] && ss == STORE_OK; t++) {
		b.len = 0;
		for (size_t i = 0; i < n; i++) {
			switch (t) {
			case 0: person_row(&b, m, &rows[i]); break;
			case 1:
				if (!sq_travel_empty(&rows[i].row->t))
					travel_row(&b, m, &rows[i]);
				break;
			case 2: event_row(&b, m, &rows[i]); break;
			case 3: task_row(&b, m, &rows[i]); break;
			default: notify_rows(&b, m, &rows[i], w, nw, hit); break;
			}
		}
		if (b.len)
			ss = sq_pg_copy(c, copy[t], b.data, b.len);
	}
	buf_free(&b);
	arena_free(a);
	return ss == STORE_CONFLICT ? STORE_INVALID : ss; /* as a task's: no such area */
}
