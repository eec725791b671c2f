/* sq_db — connections, the statement cache and the pool of readers.
 *
 * Pragmas: WAL so readers never block the writer; synchronous=FULL so a commit is on disk
 * before its writes are acknowledged; foreign keys on. Readers are query_only and never
 * checkpoint: only the writer connection touches the WAL (SQLite 3.40 has a WAL-reset bug
 * with concurrent writers or checkpointers).
 *
 * The database holds ID numbers, phones and password hashes: it is created 0600 before
 * SQLite opens it, and SQLite gives its -wal, -shm and journal files the database file's
 * mode. A database (or -wal, -shm) found readable by others is tightened to 0600 at open,
 * with a warning in the log. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite/sq.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"

/* An SQLite result code as a store status (errors logged). */
static enum store_status sq_rc(struct sq_conn *c, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW: return STORE_OK;
	case SQLITE_CONSTRAINT: return STORE_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return STORE_BUSY;
	default:
		log_error("sqlite: %s (%d)", c && c->db ? sqlite3_errmsg(c->db) : "", rc);
		return STORE_ERROR;
	}
}

enum store_status sq_pg_exec(struct sq_conn *c, const char *sql);

enum store_status sq_exec(struct sq_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc;

	if (!c)
		return STORE_BUSY; /* no reader (sq_reader_get) */
	if (c->pg)
		return sq_pg_exec(c, sql);
	rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("sqlite exec: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return sq_rc(NULL, rc) == STORE_ERROR ? STORE_ERROR : sq_rc(NULL, rc);
	}
	return STORE_OK;
}

/* chmod 0600 when path is a file that group or others may read or write. */
static void tighten(const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 077))
		return;
	if (chmod(path, 0600) == 0)
		log_warn("%s was mode %03o, readable by other users: now 0600", path,
			 (unsigned)(st.st_mode & 0777));
	else
		log_warn("%s is mode %03o, readable by other users, and cannot be changed to 0600",
			 path, (unsigned)(st.st_mode & 0777));
}

/* Before the writer opens path: create it 0600 when it is new, tighten what exists. */
static bool private_files(const char *path, bool create)
{
	static const char *const sidecar[] = {"-wal", "-shm", "-journal"};
	char side[4096];
	int fd;

	if (path[0] == ':' || !strncmp(path, "file:", 5))
		return true; /* in memory or a URI: nothing on disk we name */
	if (create && (fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
		close(fd); /* empty: SQLite makes it a database */
	else if (create && errno != EEXIST)
		return false;
	tighten(path);
	for (size_t i = 0; i < sizeof sidecar / sizeof sidecar[0]; i++)
		if ((size_t)snprintf(side, sizeof side, "%s%s", path, sidecar[i]) < sizeof side)
			tighten(side);
	return true;
}

enum store_status sq_conn_open(const char *path, bool create, bool readonly, struct sq_conn **out,
			       const char **err)
{
	static const char pragmas_rw[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
					 "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
					 "PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;";
	/* no mmap: mapped database pages would count in the server's resident memory as the
	 * database grows; the page caches are bounded (16 MiB a reader, 96 MiB the writer:
	 * sq_writer.c) */
	static const char pragmas_ro[] = "PRAGMA query_only=1; PRAGMA busy_timeout=10000;"
					 "PRAGMA cache_size=-16000; PRAGMA temp_store=MEMORY;";
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	struct sq_conn *c = xcalloc(1, sizeof *c);

	if (!readonly && !private_files(path, create)) {
		log_error("cannot create %s: %s", path, strerror(errno));
		*err = "cannot open database / 无法打开数据库";
		goto fail;
	}
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
		*err = c->db ? sqlite3_errmsg(c->db) : "cannot open database";
		log_error("sqlite open %s: %s", path, *err);
		*err = "cannot open database / 无法打开数据库";
		goto fail;
	}
	sqlite3_extended_result_codes(c->db, 1);
	if (sq_exec(c, readonly ? pragmas_ro : pragmas_rw) != STORE_OK) {
		*err = "cannot configure database (is it a fangkong database?) / 数据库无法配置";
		goto fail;
	}
	*out = c;
	return STORE_OK;
fail:
	sq_conn_close(c);
	return STORE_ERROR;
}

void sq_pg_end(struct sq_conn *c);

void sq_conn_end(struct sq_conn *c)
{
	if (c->pg) {
		sq_pg_end(c);
		return;
	}
	for (int i = 0; i < c->nstmt; i++)
		sqlite3_finalize(c->stmt[i].st);
	c->nstmt = 0;
	sqlite3_close(c->db);
	c->db = NULL;
}

void sq_conn_close(struct sq_conn *c)
{
	if (!c)
		return;
	sq_conn_end(c);
	free(c);
}

/* The cached SQLite statement for sql, reset and unbound; NULL on a prepare error (logged). */
static sqlite3_stmt *sq_stmt(struct sq_conn *c, const char *sql)
{
	sqlite3_stmt *st = NULL;

	for (int i = 0; i < c->nstmt; i++) {
		if (c->stmt[i].sql == sql) {
			st = c->stmt[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		log_error("sqlite prepare: %s", sqlite3_errmsg(c->db));
		return NULL;
	}
	if (c->nstmt < SQ_STMT_CACHE) {
		c->stmt[c->nstmt].sql = sql;
		c->stmt[c->nstmt].st = st;
		c->nstmt++;
	} else {
		log_error("sqlite: statement cache full");
		abort(); /* a programming error: raise SQ_STMT_CACHE */
	}
	return st;
}

/* Waits at most s->reader_wait_ms for a free reader: a request that cannot get one in that
 * time is answered 503 (busy) instead of queueing without end behind slow lists. The wait
 * is measured on the monotonic clock (rcond is made with it, store_open). */
struct sq_conn *sq_reader_get(struct store *s)
{
	struct sq_conn *c = NULL;
	struct timespec until;
	int rc = 0;
	int64_t waited_from = 0; /* the first time no reader was free (for /metrics) */

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += s->reader_wait_ms / 1000;
	until.tv_nsec += (long)(s->reader_wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->rmu);
	for (;;) {
		for (int i = 0; i < s->nreaders; i++) {
			if (!s->reader_busy[i]) {
				s->reader_busy[i] = true;
				c = &s->readers[i];
				break;
			}
		}
		if (c || rc == ETIMEDOUT)
			break;
		if (!waited_from)
			waited_from = time_mono_us();
		rc = pthread_cond_timedwait(&s->rcond, &s->rmu, &until);
	}
	pthread_mutex_unlock(&s->rmu);
	if (waited_from)
		metrics_observe(&s->reader_wait_us, &metrics_seconds, time_mono_us() - waited_from);
	if (!c) {
		atomic_fetch_add_explicit(&s->reader_timeouts, 1, memory_order_relaxed);
		log_warn("store: no free reader within %d ms", s->reader_wait_ms);
	}
	return c;
}

void sq_reader_put(struct store *s, struct sq_conn *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&s->rmu);
	s->reader_busy[c - s->readers] = false;
	pthread_cond_signal(&s->rcond);
	pthread_mutex_unlock(&s->rmu);
}

/* ---- the cursor (PostgreSQL's in sq_pg.c) ---- */

bool sq_pg_open_cur(struct sq_cur *k, const char *sql, const struct sq_param *p, int np);
bool sq_pg_next(struct sq_cur *k);
void sq_pg_close(struct sq_cur *k);
bool sq_pg_null(const struct sq_cur *k, int col);
const char *sq_pg_col(const struct sq_cur *k, int col, size_t *len);

static bool cur_open(struct sq_cur *k, struct sq_conn *c, const char *sql, const struct sq_param *p,
		     int np, bool stream)
{
	sqlite3_stmt *st;

	*k = (struct sq_cur){.c = c, .stream = stream, .ss = STORE_OK};
	if (!c) {
		k->ss = STORE_BUSY; /* no reader (sq_reader_get) */
		return false;
	}
	if (c->pg)
		return sq_pg_open_cur(k, sql, p, np);
	if (!(st = sq_stmt(c, sql))) {
		k->ss = STORE_ERROR;
		return false;
	}
	/* a NULL is left unbound: sq_stmt cleared the bindings */
	for (int i = 0; i < np; i++) {
		if (p[i].type == SQ_P_INT)
			sqlite3_bind_int64(st, i + 1, p[i].i);
		else if (p[i].type == SQ_P_TEXT && p[i].s)
			sqlite3_bind_text(st, i + 1, p[i].s, p[i].len, SQLITE_STATIC);
	}
	k->st = st;
	return true;
}

bool sq_open(struct sq_cur *k, struct sq_conn *c, const char *sql, const struct sq_param *p, int np)
{
	return cur_open(k, c, sql, p, np, false);
}

bool sq_open_stream(struct sq_cur *k, struct sq_conn *c, const char *sql, const struct sq_param *p,
		    int np)
{
	return cur_open(k, c, sql, p, np, true);
}

bool sq_next(struct sq_cur *k)
{
	int rc;

	if (k->end || k->ss != STORE_OK)
		return false;
	if (k->c->pg)
		return sq_pg_next(k);
	if ((rc = sqlite3_step(k->st)) == SQLITE_ROW)
		return true;
	k->end = true;
	if (rc != SQLITE_DONE)
		k->ss = sq_rc(k->c, rc);
	return false;
}

enum store_status sq_close(struct sq_cur *k)
{
	if (k->c && k->c->pg)
		sq_pg_close(k);
	else if (k->st)
		sqlite3_reset(k->st);
	k->st = NULL;
	return k->ss;
}

bool sq_null(const struct sq_cur *k, int col)
{
	return k->c->pg ? sq_pg_null(k, col) : sqlite3_column_type(k->st, col) == SQLITE_NULL;
}

int sq_pg_ncols(const struct sq_cur *k);

int sq_ncols(const struct sq_cur *k)
{
	return k->c->pg ? sq_pg_ncols(k) : sqlite3_column_count(k->st);
}

int64_t sq_int(const struct sq_cur *k, int col)
{
	const char *t;

	if (!k->c->pg)
		return sqlite3_column_int64(k->st, col);
	t = sq_pg_col(k, col, NULL);
	return *t == 't' ? 1 : *t == 'f' ? 0 : strtoll(t, NULL, 10);
}

const char *sq_col(const struct sq_cur *k, int col, size_t *len)
{
	const unsigned char *t;

	if (k->c->pg)
		return sq_pg_col(k, col, len);
	t = sqlite3_column_text(k->st, col);
	if (len)
		*len = t ? (size_t)sqlite3_column_bytes(k->st, col) : 0;
	return t ? (const char *)t : "";
}

int64_t sq_changes(struct sq_conn *c)
{
	return c->pg ? c->changes : sqlite3_changes(c->db);
}

const char *sq_text(struct arena *a, const struct sq_cur *k, int col)
{
	size_t n;
	const char *t = sq_col(k, col, &n);

	return n ? arena_strndup(a, t, n) : "";
}

const char *sq_text_or_null(struct arena *a, const struct sq_cur *k, int col)
{
	return sq_null(k, col) ? NULL : sq_text(a, k, col);
}

void sq_text_to(const struct sq_cur *k, int col, char *out, size_t outsz)
{
	size_t n;
	const char *t = sq_col(k, col, &n);

	if (n >= outsz)
		n = outsz - 1;
	if (n)
		memcpy(out, t, n);
	out[n] = '\0';
}

/* UTF-8 of code point cp (valid, not a surrogate) at out; its length. */
static size_t utf8_put(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

const char *sq_text_prefix_end(struct arena *a, const char *prefix)
{
	size_t at = 0, keep = 0, len = strlen(prefix);
	unsigned cp, last = 0;
	char *out = arena_alloc(a, len + 2);
	int n;

	/* the last code point that has a successor, and where it starts */
	for (; prefix[at]; at += (size_t)n) {
		if (!(n = utf8_next(prefix + at, &cp))) {
			out[0] = '\0'; /* not text: no name starts so, [prefix, "") is empty */
			return out;
		}
		if (cp < 0x10FFFF)
			keep = at, last = cp + 1;
	}
	if (!last) { /* "" or only U+10FFFF: above every text, as 0xF5 starts no UTF-8 */
		memcpy(out, "\xf5", 2);
		return out;
	}
	if (last == 0xD800) /* past the surrogates */
		last = 0xE000;
	memcpy(out, prefix, keep);
	out[keep + utf8_put(last, out + keep)] = '\0';
	return out;
}

const char *sq_scope_end(struct arena *a, const char *scope)
{
	char *end;

	if (!scope)
		return NULL;
	end = arena_alloc(a, AREA_CODE_END_SIZE);
	area_code_scope_end(scope, end, AREA_CODE_END_SIZE);
	return end;
}

const char *sq_json_text(struct arena *a, json_t *o)
{
	char *txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	const char *r = arena_strdup(a, txt ? txt : "null");

	free(txt);
	json_decref(o);
	return r;
}

void *sq_grow(struct arena *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	void *bigger = arena_alloc(a, 2 * *cap * size);
	memcpy(bigger, v, *cap * size);
	*cap *= 2;
	return bigger;
}

void sq_read_row(const struct sq_cur *k, struct arena *a, void *out, const struct sq_rowtype *t)
{
	sq_read_row_from(k, 0, a, out, t);
}

void sq_read_row_from(const struct sq_cur *k, int first, struct arena *a, void *out,
		      const struct sq_rowtype *t)
{
	char *row = out;

	memset(row, 0, t->size);
	for (int c = 0; c < t->ncols; c++) {
		const struct sq_col *col = &t->cols[c];
		char *f = row + col->off;
		int i = first + c;
		int64_t v;

		switch (col->type) {
		case SQ_C_TEXT: *(const char **)f = sq_text(a, k, i); break;
		case SQ_C_TEXT_OR_NULL: *(const char **)f = sq_text_or_null(a, k, i); break;
		case SQ_C_BUF: sq_text_to(k, i, f, col->size); break;
		case SQ_C_NUM:
			v = sq_int(k, i);
			if (col->size == sizeof(bool))
				*(bool *)f = v != 0;
			else if (col->size == sizeof(int))
				*(int *)f = (int)v; /* int, unsigned or an enum: the same bits */
			else if (col->size == sizeof(int64_t))
				*(int64_t *)f = v;
			else
				abort(); /* a programming error: a number field of another width */
			break;
		}
	}
	if (t->read)
		t->read(k, a, out);
}

static const struct sq_col id_cols[] = {SQ_COL_BUF(struct sq_id, id)};
const struct sq_rowtype sq_id_rows = SQ_ROWTYPE(struct sq_id, id_cols, NULL);

enum store_status sq_run(struct sq_conn *c, const char *sql, const struct sq_param *p, int np)
{
	struct sq_cur k;

	if (sq_open(&k, c, sql, p, np))
		while (sq_next(&k))
			;
	return sq_close(&k);
}

enum store_status sq_run1(struct sq_conn *c, const char *sql, enum store_status none,
			  const struct sq_param *p, int np)
{
	enum store_status ss = sq_run(c, sql, p, np);

	if (ss != STORE_OK)
		return ss;
	return sq_changes(c) == 1 ? STORE_OK : none;
}

enum store_status sq_one(struct sq_conn *c, const char *sql, const struct sq_rowtype *t,
			 struct arena *a, void *out, const struct sq_param *p, int np)
{
	struct sq_cur k;
	bool row = sq_open(&k, c, sql, p, np) && sq_next(&k);
	enum store_status ss;

	if (row && t)
		sq_read_row(&k, a, out, t);
	ss = sq_close(&k);
	return ss != STORE_OK ? ss : row ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status sq_one_text(struct sq_conn *c, const char *sql, char *buf, size_t sz,
			      const struct sq_param *p, int np)
{
	struct sq_cur k;

	*buf = '\0';
	if (sq_open(&k, c, sql, p, np) && sq_next(&k))
		sq_text_to(&k, 0, buf, sz);
	return sq_close(&k);
}

enum store_status sq_one_int(struct sq_conn *c, const char *sql, int64_t *out,
			     const struct sq_param *p, int np)
{
	struct sq_cur k;

	*out = 0;
	if (sq_open(&k, c, sql, p, np) && sq_next(&k))
		*out = sq_int(&k, 0);
	return sq_close(&k);
}

void *sq_rows(struct sq_conn *c, const char *sql, const struct sq_rowtype *t, size_t max,
	      struct arena *a, size_t *n, enum store_status *ss, const struct sq_param *p, int np)
{
	size_t cap = max < 16 ? (max ? max : 1) : 16;
	char *v = arena_alloc(a, cap * t->size);
	struct sq_cur k;

	*n = 0;
	if (sq_open(&k, c, sql, p, np))
		while (*n < max && sq_next(&k)) {
			v = sq_grow(a, v, *n, &cap, t->size);
			sq_read_row(&k, a, v + (*n)++ * t->size, t);
		}
	*ss = sq_close(&k);
	return v;
}

enum store_status sq_get(struct store *s, const char *sql, const struct sq_rowtype *t,
			 struct arena *a, void *out, const struct sq_param *p, int np)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_one(c, sql, t, a, out, p, np);

	sq_reader_put(s, c);
	return ss;
}

void *sq_list(struct store *s, const char *sql, const struct sq_rowtype *t, size_t max,
	      struct arena *a, size_t *n, enum store_status *ss, const struct sq_param *p, int np)
{
	struct sq_conn *c = sq_reader_get(s);
	void *v = sq_rows(c, sql, t, max, a, n, ss, p, np);

	sq_reader_put(s, c);
	return v;
}

void *sq_page(struct store *s, const char *sql_count, const char *sql, const struct sq_rowtype *t,
	      size_t max, struct arena *a, size_t *n, int64_t *total, enum store_status *ss,
	      const struct sq_param *p, int np)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status begun = sq_exec(c, "BEGIN"); /* STORE_BUSY without a reader */
	void *v;

	*total = 0;
	*ss = begun == STORE_OK ? sq_one_int(c, sql_count, total, p, np) : begun;
	if (*ss == STORE_OK)
		v = sq_rows(c, sql, t, max, a, n, ss, p, np);
	else
		v = arena_alloc(a, t->size), *n = 0;
	if (begun == STORE_OK)
		sq_exec(c, "COMMIT");
	sq_reader_put(s, c);
	return v;
}

enum store_status sq_each_in(struct sq_conn *c, const char *sql, const struct sq_rowtype *t,
			     const struct store_each *each, const struct sq_param *p, int np)
{
	struct arena *scratch = NULL;
	void *row = NULL;
	size_t i = 0;
	struct sq_cur k;

	if (sq_open_stream(&k, c, sql, p, np))
		while (sq_next(&k)) {
			if (i++ % SQ_EACH_ROWS == 0) { /* memory stays that of a batch of rows */
				arena_free(scratch);
				scratch = arena_new();
				row = arena_alloc(scratch, t->size);
			}
			sq_read_row(&k, scratch, row, t);
			if (!each->row(each->ctx, row))
				break;
		}
	arena_free(scratch);
	return sq_close(&k);
}

enum store_status sq_each(struct store *s, const char *sql, const struct sq_rowtype *t,
			  const struct store_each *each, const struct sq_param *p, int np)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss = sq_exec(c, "BEGIN"); /* STORE_BUSY without a reader */

	if (ss == STORE_OK) {
		ss = sq_each_in(c, sql, t, each, p, np);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}
