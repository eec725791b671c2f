/* sq_copy — a database copied table by table from one backend to the other (`fangkong
 * copy`, a county moving from SQLite to PostgreSQL), and a digest per table that shows a
 * copy equal to its source (`fangkong check`).
 *
 * The tables, their columns, primary keys and foreign keys are read from each backend's
 * catalog (SQLite's pragmas, PostgreSQL's pg_catalog), never listed here: a table a later
 * migration adds is copied and digested without a change to this file. Their statements
 * are made from those names (checked to be plain identifiers, and quoted) and kept for the
 * life of the process (intern): the statement cache knows a statement by the address of
 * its text, so a text must never be freed and another one given its address.
 *
 * The source is read on one of its readers in one snapshot, each table streamed in
 * primary-key order, parents before the tables whose foreign keys refer to them. The rows
 * go to the destination in batches of COPY_BATCH rows, each a job of the destination's
 * writer (one transaction). On PostgreSQL a batch is sent by COPY into a temporary staging
 * table and merged by one INSERT … SELECT … ON CONFLICT (primary key) DO UPDATE … WHERE
 * the row differs; on SQLite each row is such an INSERT … VALUES. A row already there and
 * equal is left alone, so that a copy run again after an interruption only adds what is
 * missing; a different one is made equal to the source's (the seed row of a migration that
 * the county edited since), but for audit rows, whose trigger refuses any UPDATE: the copy
 * fails there rather than change history.
 *
 * A digest reads each table's columns in name order and its rows in primary-key order
 * (byte order of texts on both: BINARY, and COLLATE "C" on PostgreSQL's text columns) and
 * hashes each row's canonical text (sq_row_canon): integers as integers whatever text the
 * backend printed, a real by its exact value, NULL apart from "". */
#include <libpq-fe.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/sqlite/sq.h"
#include "store/sqlite/sq_copy.h"
#include "util/log.h"

enum {
	COPY_BATCH = 5000,
	TABLES_MAX = 128,
	COLS_MAX = SQ_PARAMS_MAX, /* a row of SQLite's upsert binds every column */
	NAME_LEN = 63,
};
static const size_t BUF_MAX = (size_t)1 << 31;

enum kind { K_INT, K_REAL, K_TEXT };

struct col {
	const char *name;
	enum kind kind; /* by its declared type */
	int pk;         /* its place in the primary key (1-based), 0 when not in it */
};

struct table {
	const char *name;
	struct col *cols; /* by name */
	int ncols, npk;
	const char **deps; /* the tables its foreign keys refer to */
	int ndeps;
	const char *select; /* its columns in its primary key's order (interned) */
};

struct schema {
	struct table *t; /* by name */
	int n;
};

/* ---- the canonical row, COPY's text ---- */

static void put(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void sq_row_canon(struct buf *b, const struct sq_val *v, int n)
{
	char num[40];

	for (int i = 0; i < n; i++) {
		switch (v[i].t) {
		case SQ_V_NULL: put(b, "N;"); break;
		case SQ_V_INT:
			snprintf(num, sizeof num, "I%lld;", (long long)v[i].i);
			put(b, num);
			break;
		case SQ_V_REAL:
			snprintf(num, sizeof num, "R%.17g;", v[i].d);
			put(b, num);
			break;
		case SQ_V_TEXT:
			snprintf(num, sizeof num, "T%zu:", v[i].len);
			put(b, num);
			buf_append(b, v[i].s, v[i].len);
			put(b, ";");
			break;
		}
	}
	put(b, "\n");
}

void sq_copy_text(struct buf *b, const char *s, size_t len)
{
	size_t from = 0;

	for (size_t i = 0; i < len; i++) {
		const char *esc = s[i] == '\\'   ? "\\\\"
				  : s[i] == '\t' ? "\\t"
				  : s[i] == '\n' ? "\\n"
				  : s[i] == '\r' ? "\\r"
						 : NULL;
		if (esc) {
			buf_append(b, s + from, i - from);
			put(b, esc);
			from = i + 1;
		}
	}
	buf_append(b, s + from, len - from);
}

/* ---- statements made from the catalog's names ---- */

struct interned {
	struct interned *next;
	char s[];
};
static struct interned *pool;
static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;

/* b's text at an address it keeps for the life of the process (b freed). */
static const char *intern(struct buf *b)
{
	struct interned *e;
	const char *s = b->len ? b->data : "";

	pthread_mutex_lock(&pool_mu);
	for (e = pool; e && strcmp(e->s, s); e = e->next)
		;
	if (!e) {
		size_t len = strlen(s) + 1;
		e = xmalloc(sizeof *e + len);
		memcpy(e->s, s, len);
		e->next = pool;
		pool = e;
	}
	pthread_mutex_unlock(&pool_mu);
	buf_free(b);
	return e->s;
}

/* A name the catalog gave that may go into SQL: a plain identifier. */
static bool plain_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (i && s[i] >= '0' && s[i] <= '9')))
			return false;
	return true;
}

static void ident(struct buf *b, const char *prefix, const char *name)
{
	put(b, prefix);
	put(b, "\"");
	put(b, name);
	put(b, "\"");
}

/* "a", "b", … of t's columns (all of them, or those outside the key), each after prefix. */
static void col_list(struct buf *b, const struct table *t, const char *prefix, bool only_nonkey)
{
	bool first = true;

	for (int i = 0; i < t->ncols; i++) {
		if (only_nonkey && t->cols[i].pk)
			continue;
		put(b, first ? "" : ", ");
		ident(b, prefix, t->cols[i].name);
		first = false;
	}
}

/* The primary key's columns in its order; to order by, a text compares as bytes whatever the
 * column's collation (COLLATE BINARY, "C" on PostgreSQL). */
static void pk_list(struct buf *b, const struct table *t, bool order)
{
	for (int k = 1; k <= t->npk; k++)
		for (int i = 0; i < t->ncols; i++)
			if (t->cols[i].pk == k) {
				put(b, k > 1 ? ", " : "");
				ident(b, "", t->cols[i].name);
				put(b, order && t->cols[i].kind == K_TEXT ? " COLLATE BINARY" : "");
			}
}

static const char *select_sql(const struct table *t)
{
	struct buf b;

	buf_init(&b, BUF_MAX);
	put(&b, "SELECT ");
	col_list(&b, t, "", false);
	ident(&b, " FROM ", t->name);
	put(&b, " ORDER BY ");
	pk_list(&b, t, true);
	return intern(&b);
}

/* ---- the catalog ---- */

static const char sql_tables_lite[] =
	"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
	" AND name <> 'schema_version'";
static const char sql_tables_pg[] =
	"SELECT table_name::text FROM information_schema.tables WHERE table_schema ="
	" current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_version'";
static const char sql_cols_lite[] = "SELECT name, type, pk FROM pragma_table_info(?1)";
static const char sql_cols_pg[] =
	"SELECT a.attname::text, format_type(a.atttypid, NULL),"
	" coalesce((SELECT o FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(n, o)"
	" WHERE u.n = a.attnum), 0)"
	" FROM pg_attribute a LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary"
	" WHERE a.attrelid = ?1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped";
static const char sql_deps_lite[] = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)";
static const char sql_deps_pg[] = "SELECT DISTINCT confrelid::regclass::text FROM pg_constraint"
				  " WHERE conrelid = ?1::text::regclass AND contype = 'f'";

static int by_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static enum kind kind_of(const char *type)
{
	if (strcasestr(type, "INT"))
		return K_INT;
	if (strcasestr(type, "REAL") || strcasestr(type, "DOUB") || strcasestr(type, "FLOA"))
		return K_REAL;
	return K_TEXT;
}

/* The first column of sql's rows (bound to name), at most max, into v. */
static enum store_status names(struct sq_conn *c, const char *sql, const char *name,
			       struct arena *a, const char **v, int max, int *n)
{
	struct sq_cur k;

	*n = 0;
	if (sq_open(&k, c, sql, SQ_PARAMS(SQ_TEXT(name))))
		while (sq_next(&k) && *n < max)
			v[(*n)++] = sq_text(a, &k, 0);
	return sq_close(&k);
}

static enum store_status table_load(struct sq_conn *c, const char *name, struct arena *a,
				    struct table *t, char *err, size_t errsz)
{
	struct col cols[COLS_MAX + 1];
	struct sq_cur k;
	enum store_status ss;

	*t = (struct table){.name = name};
	if (sq_open(&k, c, c->pg ? sql_cols_pg : sql_cols_lite, SQ_PARAMS(SQ_TEXT(name))))
		while (sq_next(&k) && t->ncols <= COLS_MAX) {
			struct col *x = &cols[t->ncols++];
			*x = (struct col){sq_text(a, &k, 0), kind_of(sq_text(a, &k, 1)),
					  (int)sq_int(&k, 2)};
			t->npk += x->pk > 0;
		}
	if ((ss = sq_close(&k)) != STORE_OK)
		return ss;
	if (t->ncols > COLS_MAX || !t->npk) {
		snprintf(err, errsz, "table %s has %s / 表 %s 没有主键或列数过多，无法复制", name,
			 t->npk ? "too many columns" : "no primary key", name);
		return STORE_INVALID;
	}
	for (int i = 0; i < t->ncols; i++)
		if (!plain_name(cols[i].name)) {
			snprintf(err, errsz, "table %s: a column name not supported / 列名不受支持",
				 name);
			return STORE_INVALID;
		}
	qsort(cols, (size_t)t->ncols, sizeof cols[0], by_name); /* name is the first field */
	t->cols = arena_alloc(a, (size_t)t->ncols * sizeof *t->cols);
	memcpy(t->cols, cols, (size_t)t->ncols * sizeof *t->cols);
	t->deps = arena_alloc(a, TABLES_MAX * sizeof *t->deps);
	ss = names(c, c->pg ? sql_deps_pg : sql_deps_lite, name, a, t->deps, TABLES_MAX, &t->ndeps);
	t->select = select_sql(t);
	return ss;
}

/* Every table of the database on c (in a transaction: one snapshot), by name. */
static enum store_status schema_load(struct sq_conn *c, struct arena *a, struct schema *s,
				     char *err, size_t errsz)
{
	const char **v = arena_alloc(a, TABLES_MAX * sizeof *v);
	enum store_status ss;
	struct sq_cur k;
	int n = 0;

	if (sq_open(&k, c, c->pg ? sql_tables_pg : sql_tables_lite, NULL, 0))
		while (sq_next(&k) && n < TABLES_MAX)
			v[n++] = sq_text(a, &k, 0);
	if ((ss = sq_close(&k)) != STORE_OK)
		return ss;
	qsort(v, (size_t)n, sizeof *v, by_name);
	s->t = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *s->t);
	s->n = 0;
	for (int i = 0; i < n; i++) {
		if (!plain_name(v[i]))
			continue; /* not one of the schema's */
		if ((ss = table_load(c, v[i], a, &s->t[s->n], err, errsz)) != STORE_OK)
			return ss;
		s->n++;
	}
	return STORE_OK;
}

static const struct table *table_named(const struct schema *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->t[i].name, name))
			return &s->t[i];
	return NULL;
}

/* A row's value i as it is stored: SQLite says its type; PostgreSQL's is the column's. */
static void value_at(const struct sq_cur *k, int i, enum kind declared, struct arena *a,
		     struct sq_val *v)
{
	const char *s;
	size_t len;

	*v = (struct sq_val){.t = SQ_V_NULL};
	if (sq_null(k, i))
		return;
	if (!k->c->pg && sqlite3_column_type(k->st, i) == SQLITE_INTEGER)
		v->t = SQ_V_INT, v->i = sqlite3_column_int64(k->st, i);
	else if (!k->c->pg && sqlite3_column_type(k->st, i) == SQLITE_FLOAT)
		v->t = SQ_V_REAL, v->d = sqlite3_column_double(k->st, i);
	else if (k->c->pg && declared == K_INT)
		v->t = SQ_V_INT, v->i = strtoll(sq_col(k, i, NULL), NULL, 10);
	else if (k->c->pg && declared == K_REAL)
		v->t = SQ_V_REAL, v->d = strtod(sq_col(k, i, NULL), NULL);
	if (v->t != SQ_V_NULL)
		return;
	s = sq_col(k, i, &len);
	v->t = SQ_V_TEXT;
	v->len = len;
	if (!a) {
		v->s = s; /* valid until the next row */
		return;
	}
	char *copy = arena_alloc(a, len + 1);
	memcpy(copy, s, len);
	v->s = copy;
}

/* ---- digests ---- */

static enum store_status digest_table(struct sq_conn *c, const struct table *t,
				      struct store_table_digest *d)
{
	struct sq_val v[COLS_MAX];
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	enum store_status ss;
	struct sq_cur k;
	struct buf b;

	crypto_hash_sha256_init(&st);
	buf_init(&b, BUF_MAX);
	d->table = t->name;
	d->rows = 0;
	if (sq_open_stream(&k, c, t->select, NULL, 0))
		while (sq_next(&k)) {
			for (int i = 0; i < t->ncols; i++)
				value_at(&k, i, t->cols[i].kind, NULL, &v[i]);
			b.len = 0;
			sq_row_canon(&b, v, t->ncols);
			crypto_hash_sha256_update(&st, (const unsigned char *)b.data, b.len);
			d->rows++;
		}
	ss = sq_close(&k);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(d->sha256, sizeof d->sha256, h, sizeof h);
	buf_free(&b);
	return ss;
}

enum store_status store_table_digests(struct store *s, struct arena *a,
				      struct store_table_digest **out, size_t *n)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_exec(c, "BEGIN");
	struct schema sc = {0};
	char err[256];

	*out = NULL;
	*n = 0;
	if (ss == STORE_OK && (ss = schema_load(c, a, &sc, err, sizeof err)) != STORE_OK)
		log_error("digests: %s", err);
	if (ss == STORE_OK) {
		*out = arena_alloc(a, (size_t)(sc.n ? sc.n : 1) * sizeof **out);
		for (int i = 0; i < sc.n && ss == STORE_OK; i++)
			ss = digest_table(c, &sc.t[i], &(*out)[i]);
		*n = ss == STORE_OK ? (size_t)sc.n : 0;
	}
	if (c)
		sq_exec(c, "COMMIT");
	sq_reader_put(s, c);
	return ss;
}

/* ---- the copy ---- */

/* One table's statements on the destination, and the batch in flight. */
struct batch {
	const struct table *t; /* the source's */
	const char *upsert;    /* SQLite: one row's INSERT … ON CONFLICT (interned) */
	char *stage, *copy, *merge, *empty; /* PostgreSQL: staging, COPY, merge, emptying */
	struct sq_val *v;                   /* nrows × t->ncols */
	struct arena *a;                    /* the texts of v */
	int nrows;
	int64_t changed;
	char *err;
	size_t errsz;
};

/* The first line of a PostgreSQL error into b->err. */
static enum store_status pg_failed(struct batch *b, PGresult *r, PGconn *pg)
{
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pg);
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	snprintf(b->err, b->errsz, "table %s: %.*s / 写入表 %s 失败", b->t->name,
		 (int)strcspn(msg, "\n"), msg, b->t->name);
	enum store_status ss = state && !strncmp(state, "23", 2) ? STORE_CONFLICT : STORE_ERROR;

	PQclear(r);
	return ss;
}

static enum store_status pg_do(struct batch *b, PGconn *pg, const char *sql, int64_t *changed)
{
	PGresult *r = PQexec(pg, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		return pg_failed(b, r, pg);
	if (changed)
		*changed += strtoll(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return STORE_OK;
}

/* The batch in COPY's text format. */
static void copy_rows(const struct batch *b, struct buf *out)
{
	char num[40];

	for (int r = 0; r < b->nrows; r++)
		for (int i = 0; i < b->t->ncols; i++) {
			const struct sq_val *v = &b->v[r * b->t->ncols + i];
			switch (v->t) {
			case SQ_V_NULL: put(out, "\\N"); break;
			case SQ_V_INT: snprintf(num, sizeof num, "%lld", (long long)v->i); break;
			case SQ_V_REAL: snprintf(num, sizeof num, "%.17g", v->d); break;
			case SQ_V_TEXT: sq_copy_text(out, v->s, v->len); break;
			}
			if (v->t == SQ_V_INT || v->t == SQ_V_REAL)
				put(out, num);
			put(out, i + 1 < b->t->ncols ? "\t" : "\n");
		}
}

static enum store_status pg_batch(struct sq_conn *c, struct batch *b)
{
	PGconn *pg = (PGconn *)c->pg;
	enum store_status ss;
	PGresult *r;
	struct buf rows;

	if ((ss = pg_do(b, pg, b->stage, NULL)) != STORE_OK)
		return ss;
	buf_init(&rows, BUF_MAX);
	copy_rows(b, &rows);
	r = PQexec(pg, b->copy);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		buf_free(&rows);
		return pg_failed(b, r, pg);
	}
	PQclear(r);
	bool sent = PQputCopyData(pg, rows.data ? rows.data : "", (int)rows.len) == 1;
	PQputCopyEnd(pg, sent ? NULL : "the rows could not be sent");
	buf_free(&rows);
	ss = STORE_OK;
	while ((r = PQgetResult(pg))) {
		if (ss == STORE_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
			ss = pg_failed(b, r, pg);
		else
			PQclear(r);
	}
	if (ss == STORE_OK && (ss = pg_do(b, pg, b->merge, &b->changed)) == STORE_OK)
		ss = pg_do(b, pg, b->empty, NULL);
	return ss;
}

static enum store_status lite_batch(struct sq_conn *c, struct batch *b)
{
	struct sq_param p[COLS_MAX];
	char num[COLS_MAX][40];
	int n = b->t->ncols;

	for (int r = 0; r < b->nrows; r++) {
		for (int i = 0; i < n; i++) {
			const struct sq_val *v = &b->v[r * n + i];
			p[i] = v->t == SQ_V_INT    ? SQ_INT(v->i)
			       : v->t == SQ_V_TEXT ? SQ_TEXT_N(v->s, v->len)
						   : SQ_NULL;
			if (v->t ==
			    SQ_V_REAL) { /* bound as text: the column's affinity makes it a real */
				snprintf(num[i], sizeof num[i], "%.17g", v->d);
				p[i] = SQ_TEXT(num[i]);
			}
		}
		if (sq_run(c, b->upsert, p, n) != STORE_OK) {
			snprintf(b->err, b->errsz, "table %s: %s / 写入表 %s 失败", b->t->name,
				 sqlite3_errmsg(c->db), b->t->name);
			return STORE_ERROR;
		}
		b->changed += sq_changes(c);
	}
	return STORE_OK;
}

static enum store_status batch_job(struct sq_conn *c, void *ctx)
{
	return c->pg ? pg_batch(c, ctx) : lite_batch(c, ctx);
}

/* `ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c, … WHERE the row differs`, or DO NOTHING
 * for a table of only its key. */
static void upsert_tail(struct buf *b, const struct table *t, bool pg)
{
	put(b, " ON CONFLICT (");
	pk_list(b, t, false);
	if (t->npk == t->ncols) {
		put(b, ") DO NOTHING");
		return;
	}
	put(b, ") DO UPDATE SET ");
	for (int i = 0, first = 1; i < t->ncols; i++)
		if (!t->cols[i].pk) {
			put(b, first ? "" : ", ");
			ident(b, "", t->cols[i].name);
			ident(b, " = EXCLUDED.", t->cols[i].name);
			first = 0;
		}
	put(b, " WHERE ");
	if (pg) {
		put(b, "(");
		for (int i = 0, first = 1; i < t->ncols; i++)
			if (!t->cols[i].pk) {
				put(b, first ? "" : ", ");
				ident(b, "", t->name);
				ident(b, ".", t->cols[i].name);
				first = 0;
			}
		put(b, ") IS DISTINCT FROM (");
		col_list(b, t, "EXCLUDED.", true);
		put(b, ")");
		return;
	}
	for (int i = 0, first = 1; i < t->ncols; i++)
		if (!t->cols[i].pk) {
			put(b, first ? "" : " OR ");
			ident(b, "", t->name);
			ident(b, ".", t->cols[i].name);
			ident(b, " IS NOT EXCLUDED.", t->cols[i].name);
			first = 0;
		}
}

static char *text_of(struct buf *b)
{
	char *s = xstrdup(b->len ? b->data : "");
	buf_free(b);
	return s;
}

static void batch_plan(struct batch *bt, const struct table *t, bool pg)
{
	struct buf b;
	char stage[NAME_LEN + 16];

	snprintf(stage, sizeof stage, "fk_copy_%s", t->name);
	bt->t = t;
	buf_init(&b, BUF_MAX);
	if (!pg) {
		ident(&b, "INSERT INTO ", t->name);
		put(&b, " (");
		col_list(&b, t, "", false);
		put(&b, ") VALUES (");
		for (int i = 0; i < t->ncols; i++) {
			char q[24];
			snprintf(q, sizeof q, "%s?%d", i ? ", " : "", i + 1);
			put(&b, q);
		}
		put(&b, ")");
		upsert_tail(&b, t, false);
		bt->upsert = intern(&b);
		return;
	}
	ident(&b, "CREATE TEMP TABLE IF NOT EXISTS ", stage);
	ident(&b, " (LIKE ", t->name);
	put(&b, ")");
	bt->stage = text_of(&b);
	buf_init(&b, BUF_MAX);
	ident(&b, "COPY ", stage);
	put(&b, " (");
	col_list(&b, t, "", false);
	put(&b, ") FROM STDIN");
	bt->copy = text_of(&b);
	buf_init(&b, BUF_MAX);
	ident(&b, "INSERT INTO ", t->name);
	put(&b, " (");
	col_list(&b, t, "", false);
	put(&b, ") SELECT ");
	col_list(&b, t, "", false);
	ident(&b, " FROM ", stage);
	upsert_tail(&b, t, true);
	bt->merge = text_of(&b);
	buf_init(&b, BUF_MAX);
	ident(&b, "TRUNCATE ", stage);
	bt->empty = text_of(&b);
}

static void batch_end(struct batch *b)
{
	free(b->stage);
	free(b->copy);
	free(b->merge);
	free(b->empty);
	free(b->v);
	arena_free(b->a);
}

static enum store_status count_rows(struct sq_conn *c, const struct table *t, int64_t *n)
{
	struct buf b;
	char text[24];
	enum store_status ss;

	buf_init(&b, BUF_MAX);
	ident(&b, "SELECT count(*) FROM ", t->name);
	ss = sq_one_text(c, intern(&b), text, sizeof text, NULL, 0);
	*n = strtoll(text, NULL, 10);
	return ss;
}

struct copy_run {
	struct sq_conn *src;
	struct store *to;
	const struct store_copy_progress *progress;
	char *err;
	size_t errsz;
};

static enum store_status copy_table(struct copy_run *x, const struct table *t)
{
	struct batch b = {.err = x->err, .errsz = x->errsz};
	int64_t total = 0, done = 0;
	enum store_status ss;
	struct sq_cur k;

	batch_plan(&b, t, x->to->pg);
	b.v = xcalloc(COPY_BATCH * (size_t)t->ncols, sizeof *b.v);
	b.a = arena_new();
	if ((ss = count_rows(x->src, t, &total)) != STORE_OK)
		goto out;
	if (sq_open_stream(&k, x->src, t->select, NULL, 0)) {
		bool more = true;
		while (more && ss == STORE_OK) {
			more = sq_next(&k);
			if (more)
				for (int i = 0; i < t->ncols; i++)
					value_at(&k, i, t->cols[i].kind, b.a,
						 &b.v[b.nrows * t->ncols + i]);
			b.nrows += more;
			if (b.nrows == COPY_BATCH || (!more && b.nrows)) {
				ss = sq_write(x->to, batch_job, &b);
				done += b.nrows;
				b.nrows = 0;
				arena_free(b.a);
				b.a = arena_new();
				if (ss == STORE_OK && x->progress && x->progress->table)
					x->progress->table(x->progress->ctx, t->name, done, total,
							   b.changed);
			}
		}
	}
	if (sq_close(&k) != STORE_OK && ss == STORE_OK) {
		ss = k.ss;
		snprintf(x->err, x->errsz, "table %s cannot be read / 无法读取表 %s", t->name,
			 t->name);
	}
	if (ss == STORE_OK && !done && x->progress && x->progress->table)
		x->progress->table(x->progress->ctx, t->name, 0, total, 0);
out:
	if (ss != STORE_OK && !x->err[0])
		snprintf(x->err, x->errsz, "table %s: %s / 复制表 %s 失败", t->name,
			 store_status_name(ss), t->name);
	batch_end(&b);
	return ss;
}

/* PostgreSQL: each identity sequence continues after the highest id copied. */
struct seq_job {
	const struct schema *s;
	char *err;
	size_t errsz;
};

static enum store_status seq_job(struct sq_conn *c, void *ctx)
{
	struct seq_job *x = ctx;
	enum store_status ss = STORE_OK;

	for (int i = 0; i < x->s->n && ss == STORE_OK; i++) {
		const struct table *t = &x->s->t[i];
		const struct col *id = NULL;
		for (int j = 0; j < t->ncols; j++)
			if (t->cols[j].pk && t->cols[j].kind == K_INT && t->npk == 1)
				id = &t->cols[j];
		if (!id)
			continue;
		char sql[512];
		snprintf(sql, sizeof sql,
			 "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'), m) FROM"
			 " (SELECT max(\"%s\") AS m FROM \"%s\") x WHERE m IS NOT NULL AND"
			 " pg_get_serial_sequence('\"%s\"', '%s') IS NOT NULL",
			 t->name, id->name, id->name, t->name, t->name, id->name);
		struct batch b = {.t = t, .err = x->err, .errsz = x->errsz};
		ss = pg_do(&b, (PGconn *)c->pg, sql, NULL);
	}
	return ss;
}

/* The tables of s in an order that puts the tables a foreign key refers to first (a
 * table's reference to itself is met by primary-key order: an area's parent code is a
 * prefix of its own); NULL and err when the references go round. */
static const struct table **fk_order(const struct schema *s, struct arena *a, char *err,
				     size_t errsz)
{
	const struct table **order = arena_alloc(a, (size_t)(s->n + 1) * sizeof *order);
	bool *placed = arena_alloc(a, (size_t)(s->n + 1) * sizeof *placed);
	int n = 0;

	while (n < s->n) {
		int before = n;
		for (int i = 0; i < s->n; i++) {
			bool ready = !placed[i];
			for (int d = 0; ready && d < s->t[i].ndeps; d++) {
				const struct table *p = table_named(s, s->t[i].deps[d]);
				ready = !p || p == &s->t[i] || placed[p - s->t];
			}
			if (ready) {
				placed[i] = true;
				order[n++] = &s->t[i];
			}
		}
		if (n == before) {
			snprintf(err, errsz,
				 "the tables' foreign keys go round / "
				 "外键循环引用，无法排定复制顺序");
			return NULL;
		}
	}
	return order;
}

/* Every source table is in the destination with its columns and primary key. */
static bool same_tables(const struct schema *from, const struct schema *to, char *err, size_t errsz)
{
	for (int i = 0; i < from->n; i++) {
		const struct table *f = &from->t[i], *t = table_named(to, f->name);
		bool ok = t && t->npk == f->npk;
		for (int j = 0; ok && j < f->ncols; j++) {
			int k = 0;
			while (k < t->ncols && strcmp(t->cols[k].name, f->cols[j].name))
				k++;
			ok = k < t->ncols && t->cols[k].pk == f->cols[j].pk;
		}
		if (!ok) {
			snprintf(err, errsz,
				 "table %s differs in the destination / 目标库中的表 %s 与源库不同",
				 f->name, f->name);
			return false;
		}
	}
	return true;
}

enum store_status store_copy(struct store *from, struct store *to,
			     const struct store_copy_progress *progress, char *err, size_t errsz)
{
	int vf = store_schema_version(from), vt = store_schema_version(to);
	struct arena *a = arena_new();
	struct schema sf = {0}, st = {0};
	const struct table **order = NULL;
	struct sq_conn *c = NULL, *dc = NULL;
	enum store_status ss = STORE_INVALID;

	err[0] = '\0';
	if (vf < 0 || vt < 0 || vf != vt) {
		snprintf(err, errsz,
			 "the schema versions differ (%d and %d): run the same fangkong on both"
			 " / 两个数据库的结构版本不同（%d 与 %d）",
			 vf, vt, vf, vt);
		goto out;
	}
	if (!(dc = sq_reader_get(to)) || !(c = sq_reader_get(from))) {
		ss = STORE_BUSY;
		goto out;
	}
	if ((ss = schema_load(dc, a, &st, err, errsz)) != STORE_OK)
		goto out;
	sq_reader_put(to, dc);
	dc = NULL;
	/* one snapshot of the source for the whole copy */
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK ||
	    (ss = schema_load(c, a, &sf, err, errsz)) != STORE_OK)
		goto out;
	ss = STORE_INVALID;
	if (!same_tables(&sf, &st, err, errsz) || !(order = fk_order(&sf, a, err, errsz)))
		goto out;
	struct copy_run x = {c, to, progress, err, errsz};
	ss = STORE_OK;
	for (int i = 0; i < sf.n && ss == STORE_OK; i++)
		ss = copy_table(&x, order[i]);
	if (ss == STORE_OK && to->pg) {
		struct seq_job sj = {&st, err, errsz};
		ss = sq_write(to, seq_job, &sj);
	}
out:
	if (c && c->db ? sqlite3_get_autocommit(c->db) == 0 : c && sq_pg_in_tx(c))
		sq_exec(c, "COMMIT");
	sq_reader_put(from, c);
	sq_reader_put(to, dc);
	if (ss != STORE_OK && !err[0])
		snprintf(err, errsz, "the copy failed (%s) / 复制失败", store_status_name(ss));
	arena_free(a);
	return ss;
}
