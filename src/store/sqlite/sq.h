/* sq — internals shared by the SQLite backend's files. Not for use outside src/store/sqlite.
 *
 * A connection caches its prepared statements keyed by the address of the SQL string, so
 * every query is written once as a static const char[] next to its bindings and prepared
 * once per connection. */
#ifndef FK_SQ_H
#define FK_SQ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <sqlite3.h>

#include "store/store.h"

enum { SQ_STMT_CACHE = 192 };

struct pg_conn; /* libpq's PGconn (sq_pg.c) */

/* A connection of either backend: SQLite's (db) or PostgreSQL's (pg). Its statements are
 * cached by the address of their SQL text: SQLite's prepared statements, or the number of
 * the statement prepared on the PostgreSQL session ("s<i>") with its parameter count. */
struct sq_conn {
	sqlite3 *db;
	struct pg_conn *pg;
	bool in_write;       /* PostgreSQL: inside the writer's transaction (sq_pg.c) */
	bool pg_stmt_sp;     /* PostgreSQL: each write of the job in a savepoint (sq_writer.c) */
	bool pg_doomed;      /* PostgreSQL: a statement of the job failed without a savepoint */
	bool pg_area_told;   /* PostgreSQL: the transaction tells the other servers of areas */
	bool pg_readonly;    /* PostgreSQL: a reader's session */
	bool pg_lost;        /* PostgreSQL: the connection is lost (logged once) */
	int64_t pg_retry_at; /* PostgreSQL: no reconnection before (monotonic ms) */
	int ncursor;         /* PostgreSQL: server-side cursors declared (their names) */
	int64_t changes;     /* PostgreSQL: the rows the last write changed */
	int nstmt;
	struct {
		const char *sql;
		sqlite3_stmt *st;
		int nparams;
		bool write;
		unsigned *pg_types; /* PostgreSQL: the parameters' types as it inferred them */
	} stmt[SQ_STMT_CACHE];
};

struct sq_writer;

struct store {
	char *path;
	int nreaders;
	struct sq_conn *readers;
	bool *reader_busy;
	pthread_mutex_t rmu;
	pthread_cond_t rcond; /* on CLOCK_MONOTONIC */
	int reader_wait_ms;   /* the longest wait for a free reader */
	struct sq_conn *wconn;
	struct sq_writer *writer;
	_Atomic uint64_t area_gen; /* bumped after every committed change to areas */
	bool pg;                   /* a PostgreSQL database (sq_pg.c), else an SQLite file */
	struct sq_news *news;      /* PostgreSQL: news between the servers (sq_news.c) */
	struct metrics_hist reader_wait_us; /* waits for a free reader (sq_reader_get) */
	atomic_uint_fast64_t reader_timeouts;
};

/* A unit of work run on the writer thread inside the group transaction, within its own
 * savepoint: a non-OK status rolls back just this job. */
typedef enum store_status (*sq_job_fn)(struct sq_conn *c, void *ctx);

/* A write transaction is the writer's connection while a job runs (sq_tx.c). */
static inline struct store_tx *sq_tx(struct sq_conn *c)
{
	return (struct store_tx *)c;
}
static inline struct sq_conn *sq_conn_of(struct store_tx *tx)
{
	return (struct sq_conn *)tx;
}

enum store_status sq_conn_open(const char *path, bool create, bool readonly, struct sq_conn **out,
			       const char **err);
void sq_conn_close(struct sq_conn *c);
/* Finalizes c's statements and closes its database, without freeing c (a reader held by
 * value in the pool). */
void sq_conn_end(struct sq_conn *c);
/* PostgreSQL (sq_pg.c): a connection to conninfo (a postgresql:// URL); readers refuse writes. */
enum store_status sq_pg_open(const char *conninfo, bool readonly, struct sq_conn **out,
			     const char **err);
/* Whether path names a PostgreSQL database rather than an SQLite file. */
bool sq_is_pg(const char *path);
/* The advisory lock PostgreSQL writers take in turn (sq_writer.c), and the one a migration
 * holds (sq_migrate.c). */
#define SQ_PG_WRITE_LOCK "7346300001"
#define SQ_PG_MIGRATE_LOCK "7346300002"
#define SQ_PG_JOB_LOCK "734630003" /* with a name's hash: store_lock_try (sq_lock.c) */
/* Stops listening for news (sq_news.c), before the store closes. */
void sq_news_stop(struct store *s);
/* Whether a PostgreSQL connection is inside a transaction. */
bool sq_pg_in_tx(const struct sq_conn *c);
/* COPY … FROM STDIN (copy_sql) of len bytes of rows in COPY's text format, on c's
 * transaction; a refused row answers as a refused statement (STORE_CONFLICT for a
 * constraint). */
enum store_status sq_pg_copy(struct sq_conn *c, const char *copy_sql, const char *data, size_t len);
/* SQL as written here (?N parameters, COLLATE BINARY) in PostgreSQL's dialect ($N,
 * COLLATE "C"), malloc'd; *nparams the highest parameter, used[i] whether ?i+1 occurs
 * (used has room for SQ_PARAMS_MAX). */
enum { SQ_PARAMS_MAX = 64 };
char *sq_pg_sql(const char *sql, int *nparams, bool *used);
/* One statement or several (no parameters, no rows wanted). */
enum store_status sq_exec(struct sq_conn *c, const char *sql);

/* A free reader, or NULL when none came free within s->reader_wait_ms: the caller answers
 * STORE_BUSY. sq_open, sq_exec and sq_reader_put take that NULL (STORE_BUSY, nothing). */
struct sq_conn *sq_reader_get(struct store *s);
void sq_reader_put(struct store *s, struct sq_conn *c);

struct sq_writer *sq_writer_start(struct sq_conn *c, int batch_max);
void sq_writer_stop(struct sq_writer *w);
enum store_status sq_write(struct store *s, sq_job_fn fn, void *ctx);
/* sq_write of a job of bulk work (an import's batch): alone in its group, after the jobs
 * waiting (one group of them at most), committed without waiting for the disk (durable
 * with the next group that waits: sq_writer.c). */
enum store_status sq_write_bulk(struct store *s, sq_job_fn fn, void *ctx);
/* How many jobs wait for the writer (not the group it runs). */
size_t sq_write_waiting(struct store *s);
/* Queues a job without waiting; free_ctx(ctx) runs after it. */
void sq_write_async(struct store *s, sq_job_fn fn, void *ctx, void (*free_ctx)(void *));
/* sq_write that waits at most timeout_ms: STORE_BUSY after that, the job left to the writer
 * (ctx must then outlive it: pass static data). */
enum store_status sq_write_timed(struct store *s, sq_job_fn fn, void *ctx, int timeout_ms);
/* The writer's counters and histograms, and the queue depth, into out. */
void sq_writer_metrics(struct store *s, struct store_metrics *out);

enum store_status sq_migrate(struct sq_conn *c, const char **err);
/* The number of migration steps (the schema version they lead to). */
int sq_migration_count(void);
/* Step v's (1-based) SQL for the backend, malloc'd: SQLite's as written; PostgreSQL's
 * translated from it by sq_pg_ddl unless the step carries its own PostgreSQL text. NULL for
 * a v out of range or a step that does not translate. */
char *sq_migration_sql(int v, bool pg);
/* The statements a retention batch runs in the writer (sq_retention.c), at most max into
 * out; for the test that none of them walks a table (EXPLAIN QUERY PLAN). */
size_t sq_retention_writer_sql(const char **out, size_t max);
/* SQLite DDL translated to PostgreSQL's (malloc'd; NULL for what the rules in sq_pgddl.c
 * cannot translate), each statement on its own line. */
char *sq_pg_ddl(const char *sqlite_sql);
/* The same SQL with each statement on its own line (malloc'd; NULL if it does not lex). */
char *sq_sql_lines(const char *sql);

struct sq_param;

/* ---- a cursor: the rows of one statement, on either backend ----
 *
 *   struct sq_cur k;
 *   if (sq_open(&k, c, sql, SQ_PARAMS(...)))
 *           while (sq_next(&k)) … sq_int(&k, 0), sq_text(a, &k, 1) …
 *   ss = sq_close(&k);        // STORE_OK, or why the statement failed
 *
 * A row's columns are valid until the next sq_next. sq_open takes a NULL connection (no
 * reader came free) and fails with STORE_BUSY. On PostgreSQL a cursor reads its whole
 * result at once, or row by row when opened with sq_open_stream (lists of any length). */
struct sq_cur {
	struct sq_conn *c;
	sqlite3_stmt *st;
	void *res;  /* PostgreSQL: the PGresult read from */
	int cursor; /* PostgreSQL: the server-side cursor of a stream, 0 for none */
	int row, nrows;
	bool stream, started, end;
	enum store_status ss;
};
bool sq_open(struct sq_cur *k, struct sq_conn *c, const char *sql, const struct sq_param *p,
	     int np);
bool sq_open_stream(struct sq_cur *k, struct sq_conn *c, const char *sql, const struct sq_param *p,
		    int np);
/* The next row; false at the end or on an error (sq_close says which). */
bool sq_next(struct sq_cur *k);
enum store_status sq_close(struct sq_cur *k);
bool sq_null(const struct sq_cur *k, int col);
/* The number of columns of the statement's rows. */
int sq_ncols(const struct sq_cur *k);
/* A number column (a PostgreSQL boolean is 1 or 0). */
int64_t sq_int(const struct sq_cur *k, int col);
/* A text column and its length in bytes; "" for NULL. */
const char *sq_col(const struct sq_cur *k, int col, size_t *len);
/* The rows the last write on c changed. */
int64_t sq_changes(struct sq_conn *c);

/* Column helpers: text copied into the arena ("" for NULL unless noted). */
const char *sq_text(struct arena *a, const struct sq_cur *k, int col);
const char *sq_text_or_null(struct arena *a, const struct sq_cur *k, int col);
void sq_text_to(const struct sq_cur *k, int col, char *out, size_t outsz);

enum store_status sq_audit_insert(struct sq_conn *c, const struct audit_entry *e);
/* A copy of e whose strings outlive the request, for queued writes (sq_write_async). */
struct audit_entry *sq_audit_copy(const struct audit_entry *e);
void sq_audit_copy_free(struct audit_entry *e);
/* STORE_NOT_FOUND: a new key. STORE_OK: a replay, object_id filled. STORE_CONFLICT_IDEM. */
enum store_status sq_idem_check(struct sq_conn *c, const struct store_idem *idem, const char *kind,
				char *object_id, size_t sz);
enum store_status sq_idem_save(struct sq_conn *c, const struct store_idem *idem, const char *kind,
			       const char *object_id);

/* A row of one id into a struct sq_id (sq_db.c). */
struct sq_id {
	char id[USER_ID_LEN + 1];
};
extern const struct sq_rowtype sq_id_rows;
/* A row of code, name and parent into a struct area_seed (sq_area.c). */
extern const struct sq_rowtype sq_area_seed_rows;

/* Row readers usable on any connection (reader or writer). */
enum store_status sq_area_read(struct sq_conn *c, const char *code, struct arena *a,
			       struct area *out);
/* The area's name in the arena, "" when it cannot be read. */
const char *sq_area_name(struct sq_conn *c, const char *code, struct arena *a);
enum store_status sq_user_read(struct sq_conn *c, const char *id, struct arena *a,
			       struct user *out);
enum store_status sq_person_event(struct sq_conn *c, const char *person_id, const char *kind,
				  const char *user_id, const char *username, const char *area,
				  const char *detail, int64_t now);
enum store_status sq_task_insert(struct sq_conn *c, const struct task_new *t);
enum store_status sq_person_read(struct sq_conn *c, const char *id, struct arena *a,
				 struct person *out);
/* Person rows for the writers of files (registration, import): a new file; the gaps of a
 * known one filled and categories added (its area stays: it may have been corrected at the
 * door); a journey, kept once. */
enum store_status sq_person_insert(struct sq_conn *c, const struct person *p, int64_t now);
enum store_status sq_person_fill(struct sq_conn *c, const char *id, const struct person *p,
				 int64_t now);
/* Whether a journey says nothing (no origin, arrival, transport or number): not stored. */
bool sq_travel_empty(const struct travel *t);
enum store_status sq_travel_add(struct sq_conn *c, const char *person_id, const struct travel *t,
				const char *import_id, int64_t now);
/* The file holding p's valid number anywhere, and its area ("" when none or p's number is
 * not valid). */
enum store_status sq_person_holder(struct sq_conn *c, const struct person *p, char *id, size_t idsz,
				   char *area, size_t areasz);
/* The file in scope that p updates when the holder is outside scope: the one made with
 * defect PERSON_ELSEWHERE for the same valid number, or for a defective number the same
 * number with the same name; "" when none. */
enum store_status sq_person_own(struct sq_conn *c, const struct person *p, const char *scope,
				char *id, size_t idsz);
enum store_status sq_task_read(struct sq_conn *c, const char *id, struct arena *a,
			       struct task *out);

/* Home observation internals shared by sq_obs.c and sq_alert.c. */
enum store_status sq_obs_read(struct sq_conn *c, const char *id, int date, struct arena *a,
			      struct observation *out);
enum store_status sq_count_add(struct sq_conn *c, const char *metric, int date, const char *area,
			       int64_t delta);
enum store_status sq_alerts_of(struct sq_conn *c, const char *obs_id, struct arena *a,
			       struct alert **out, size_t *n);
enum store_status sq_services_of(struct sq_conn *c, const char *obs_id, struct arena *a,
				 struct service **out, size_t *n);
/* The alert a fever visit raised or fed. */
enum store_status sq_alert_of_visit(struct sq_conn *c, const char *visit_id, const char *obs_id,
				    struct arena *a, struct alert *out);

/* ---- a query with its parameters as data (after Taler's sq/: bindings as arrays) ----
 *
 * The i-th parameter of an array is bound to ?i+1; a NULL text binds NULL, and so does a
 * parameter left out (a shorter array). Text is bound without a copy: it must live until
 * the call returns. Every function below takes a NULL connection (no reader came free,
 * sq_reader_get) and answers STORE_BUSY. */
struct sq_param {
	enum { SQ_P_NULL, SQ_P_TEXT, SQ_P_INT } type;
	int len; /* of a text, in bytes; -1: up to its NUL */
	const char *s;
	int64_t i;
};
#define SQ_TEXT(x) ((struct sq_param){SQ_P_TEXT, -1, (x), 0})
#define SQ_TEXT_NN(x) SQ_TEXT((x) ? (x) : "") /* NULL binds "" (a NOT NULL column) */
#define SQ_TEXT_N(x, n) ((struct sq_param){SQ_P_TEXT, (int)(n), (x), 0})
#define SQ_INT(x) ((struct sq_param){SQ_P_INT, 0, NULL, (int64_t)(x)})
#define SQ_NULL ((struct sq_param){SQ_P_NULL, 0, NULL, 0})
/* The parameters of one call, as the last two arguments: the array and its length. */
#define SQ_PARAMS(...)                                                                             \
	(const struct sq_param[]){__VA_ARGS__},                                                    \
		(int)(sizeof((const struct sq_param[]){__VA_ARGS__}) / sizeof(struct sq_param))

/* ---- a row's columns as data (after Taler's result specs: results as arrays) ----
 *
 * The i-th entry of a table is read from column i into the field of the row struct at its
 * offset: a text copied into the arena ("" for NULL, or NULL for SQ_COL_TEXT_OR_NULL), a
 * text into a char array (cut to fit), a number into an int64_t, an int, an unsigned or an
 * enum (by the field's width), or into a bool (true when not 0). */
struct sq_col {
	enum { SQ_C_TEXT, SQ_C_TEXT_OR_NULL, SQ_C_BUF, SQ_C_NUM } type;
	size_t off;
	size_t size; /* of the field */
};
#define SQ_COL_(k, T, f)                                                                           \
	{                                                                                          \
		(k), offsetof(T, f), sizeof(((T *)0)->f)                                           \
	}
#define SQ_COL_TEXT(T, f) SQ_COL_(SQ_C_TEXT, T, f)
#define SQ_COL_TEXT_OR_NULL(T, f) SQ_COL_(SQ_C_TEXT_OR_NULL, T, f)
#define SQ_COL_BUF(T, f) SQ_COL_(SQ_C_BUF, T, f)
#define SQ_COL_NUM(T, f) SQ_COL_(SQ_C_NUM, T, f)

typedef void (*sq_read_fn)(const struct sq_cur *k, struct arena *a, void *out);
/* What a row is read into: an element of size bytes, zeroed, its columns read by the
 * table, then by read when it is not NULL (what a table cannot say: a parsed role, a
 * column left out). */
struct sq_rowtype {
	size_t size;
	const struct sq_col *cols;
	int ncols;
	sq_read_fn read;
};
#define SQ_ROWTYPE(T, cols, read)                                                                  \
	{                                                                                          \
		sizeof(T), (cols), (int)(sizeof(cols) / sizeof((cols)[0])), (read)                 \
	}
/* The current row of st into out. */
void sq_read_row(const struct sq_cur *k, struct arena *a, void *out, const struct sq_rowtype *t);
/* The same from column `first` on (a row of two types side by side). */
void sq_read_row_from(const struct sq_cur *k, int first, struct arena *a, void *out,
		      const struct sq_rowtype *t);

/* A write: STORE_CONFLICT when a constraint refused it. */
enum store_status sq_run(struct sq_conn *c, const char *sql, const struct sq_param *p, int np);
/* A write of one row: none when it changed no row (the row is gone or in another state). */
enum store_status sq_run1(struct sq_conn *c, const char *sql, enum store_status none,
			  const struct sq_param *p, int np);
/* The first row read into out as t says (NULL: only whether there is one);
 * STORE_NOT_FOUND when there is none. */
enum store_status sq_one(struct sq_conn *c, const char *sql, const struct sq_rowtype *t,
			 struct arena *a, void *out, const struct sq_param *p, int np);
/* The first column of the first row as a number; 0 (and STORE_OK) when there is none. */
enum store_status sq_one_int(struct sq_conn *c, const char *sql, int64_t *out,
			     const struct sq_param *p, int np);
/* The schema version c's database is at (the highest step applied; 0 for none). */
enum store_status sq_schema_version(struct sq_conn *c, int *out);
/* The first column of the first row as text in buf; "" (and STORE_OK) when there is none. */
enum store_status sq_one_text(struct sq_conn *c, const char *sql, char *buf, size_t sz,
			      const struct sq_param *p, int np);

/* The rows of sql, at most max of them (the rest left unread; SQ_ALL: every one), as an
 * array in the arena (never NULL), *n of them; *ss the status. */
#define SQ_ALL SIZE_MAX
void *sq_rows(struct sq_conn *c, const char *sql, const struct sq_rowtype *t, size_t max,
	      struct arena *a, size_t *n, enum store_status *ss, const struct sq_param *p, int np);
/* sq_one and sq_rows on a reader of s, taken for the call (STORE_BUSY when none came free). */
enum store_status sq_get(struct store *s, const char *sql, const struct sq_rowtype *t,
			 struct arena *a, void *out, const struct sq_param *p, int np);
void *sq_list(struct store *s, const char *sql, const struct sq_rowtype *t, size_t max,
	      struct arena *a, size_t *n, enum store_status *ss, const struct sq_param *p, int np);
/* A page of a list on a reader, in one snapshot: *total the count sql_count gives, then
 * the rows of sql as sq_rows reads them. Both statements are bound with p (a parameter
 * that one of them does not use, such as the page's LIMIT in the count, is ignored). */
void *sq_page(struct store *s, const char *sql_count, const char *sql, const struct sq_rowtype *t,
	      size_t max, struct arena *a, size_t *n, int64_t *total, enum store_status *ss,
	      const struct sq_param *p, int np);

/* The rows of sql streamed to each (store.h, struct store_each) on a reader, in one
 * snapshot: each row read as t says into a scratch arena renewed every SQ_EACH_ROWS rows. */
enum { SQ_EACH_ROWS = 1000 };
enum store_status sq_each(struct store *s, const char *sql, const struct sq_rowtype *t,
			  const struct store_each *each, const struct sq_param *p, int np);
/* The same on a connection already in its snapshot (a reader's BEGIN or a transaction). */
enum store_status sq_each_in(struct sq_conn *c, const char *sql, const struct sq_rowtype *t,
			     const struct store_each *each, const struct sq_param *p, int np);

/* The end of scope's range of area codes (area_code_scope_end) in the arena; NULL for a
 * NULL scope (a filter left out, bound as NULL). */
const char *sq_scope_end(struct arena *a, const char *scope);

/* The end of a name-prefix range in this backend's text order (BINARY: UTF-8 bytes, i.e.
 * code points): every text that starts with prefix, and no other, lies in
 * [prefix, end) — the next prefix in code-point order, prefix with its last code point
 * below U+10FFFF incremented and what follows dropped ("张" -> "弡"). "" or a prefix of
 * only U+10FFFF gets "\xf5", above every UTF-8 text; invalid UTF-8 gets "" (an empty
 * range). In the arena. Queries compare with COLLATE BINARY, so that the range holds
 * whatever the column's collation; PostgreSQL's twin is COLLATE "C" on a UTF-8 database. */
const char *sq_text_prefix_end(struct arena *a, const char *prefix);

/* The compact, key-sorted text of o in the arena; takes o's reference. */
const char *sq_json_text(struct arena *a, json_t *o);
/* v (an arena array of *cap elements of size, n used) with room for one more. */
void *sq_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size);

/* JSON text of a row for audit before/after, allocated in the arena. */


/* ---- recounts (sq_recount.c) ---- */

struct rc_key {
	char metric[16];
	int date;
	char area[AREA_CODE_MAX + 1];
};

struct rc_slot {
	struct rc_key k;
	int64_t n;
	bool used, seen;
};

struct rc_map {
	struct rc_slot *v;
	size_t cap, len;
};
/* The slot of (metric, date, area), added when missing (aborts when out of memory). */
struct rc_slot *rc_find(struct rc_map *m, const char *metric, int date, const char *area);
/* Adds n to the slot of (metric, date, area) (nothing for 0). */
void rc_add(struct rc_map *m, const char *metric, int date, const char *area, int64_t n);
/* Steps sql_kept (metric, date, area, n per kept count) and compares each with the map:
 * *checked rows, *mismatched of them or of the map's non-zero slots no row names (the
 * first described in first). The map is the caller's to free (free(m->v)). */
enum store_status sq_recount_compare(struct sq_conn *c, const char *sql_kept, struct rc_map *m,
				     int64_t *checked, int64_t *mismatched, char *first,
				     size_t firstsz);

#endif
