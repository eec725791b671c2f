/* sq_pg — the PostgreSQL driver under the store's queries (libpq). The queries of
 * src/store/sqlite/ are written once, with ?N parameters; on a PostgreSQL connection they
 * are translated once (sq_pg_sql: $N, COLLATE "C"), prepared once per connection under the
 * name s<i> of their slot in the statement cache, and run with their parameters as text:
 * PostgreSQL infers each parameter's type from where it is used (a parameter a statement
 * never uses, such as a page's LIMIT in its count, is declared text).
 *
 * Results are read in text format. A cursor reads its whole result, or, when opened for a
 * stream inside a transaction, a server-side cursor 1,000 rows at a time (other statements
 * may run on the connection between two fetches).
 *
 * Inside the writer's transaction (c->in_write) a failed statement would abort the whole
 * transaction, where SQLite only fails the statement. A job runs first without a savepoint
 * per statement (three round trips each); when a statement fails, the job is marked doomed
 * (every later statement refused without being sent), undone to its own savepoint and run
 * again with every write in a savepoint of its own (c->pg_stmt_sp), so that a use case may
 * go on after a refused insert as it does on SQLite (sq_writer.c, run_job).
 *
 * A connection found broken (the server restarted) is reset at the next statement that
 * fails on it; that statement answers STORE_BUSY and the client retries. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/sqlite/sq.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"

enum { FETCH_ROWS = 1000 };

static PGconn *pgc(const struct sq_conn *c)
{
	return (PGconn *)c->pg;
}

bool sq_is_pg(const char *path)
{
	return path && (!strncmp(path, "postgresql://", 13) || !strncmp(path, "postgres://", 11));
}

bool store_is_url(const char *db)
{
	return sq_is_pg(db);
}

static bool ident_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/* The end of the parenthesised list that starts at p ('('): the byte after its ')'; *comma
 * whether it has a comma at its own level. Literals are skipped. */
static const char *list_end(const char *p, bool *comma)
{
	int depth = 0;

	*comma = false;
	for (; *p; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			for (p++; *p && !(*p == q && p[1] != q); p++)
				if (*p == q)
					p++;
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth == 0)
				return p + 1;
		} else if (*p == ',' && depth == 1) {
			*comma = true;
		}
	}
	return p;
}

struct out {
	char *v;
	size_t n, cap;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->n + n + 1 > o->cap) {
		o->cap = 2 * (o->n + n + 1);
		if (!(o->v = realloc(o->v, o->cap)))
			abort();
	}
	memcpy(o->v + o->n, s, n);
	o->n += n;
	o->v[o->n] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void translate(struct out *o, const char *base, const char *p, const char *end, int *nparams,
		      bool *used, int *next);

/* SQLite's functions and operators that PostgreSQL spells otherwise, at an identifier of
 * length n at p; the text after what was rewritten, or NULL when p is not one. */
static const char *rewrite(struct out *o, const char *base, const char *p, size_t n, int *nparams,
			   bool *used, int *next)
{
	static const struct {
		const char *sqlite, *pg;
		int args; /* 0: any; 2: only with two or more (scalar max/min) */
	} fn[] = {
		{"instr", "strpos", 0}, {"ifnull", "coalesce", 0}, {"max", "greatest", 2},
		{"min", "least", 2},    {"json_each", NULL, 0},
	};
	const char *q = p + n;
	bool comma;

	if (n == 4 && !strncasecmp(p, "LIKE", 4)) { /* SQLite's LIKE ignores ASCII case */
		puts_(o, "ILIKE");
		return q;
	}
	if (*q != '(')
		return NULL;
	if (n == 6 && !strncasecmp(p, "substr", 6)) { /* its positions are int, not bigint */
		const char *e = list_end(q, &comma), *a = q + 1;
		int k = 0;
		puts_(o, "substr(");
		while (a < e - 1) {
			const char *b = a;
			int depth = 0;
			for (; b < e - 1 && !(depth == 0 && *b == ','); b++) {
				if (*b == '\'' || *b == '"') {
					char qc = *b;
					for (b++; b < e - 1 && !(*b == qc && b[1] != qc); b++)
						if (*b == qc)
							b++;
				} else if (*b == '(') {
					depth++;
				} else if (*b == ')') {
					depth--;
				}
			}
			if (k++) {
				puts_(o, ", CAST((");
				translate(o, base, a, b, nparams, used, next);
				puts_(o, ") AS integer)");
			} else {
				translate(o, base, a, b, nparams, used, next);
			}
			a = b < e - 1 ? b + 1 : b;
		}
		puts_(o, ")");
		return e;
	}
	for (size_t i = 0; i < sizeof fn / sizeof fn[0]; i++) {
		if (strlen(fn[i].sqlite) != n || strncasecmp(p, fn[i].sqlite, n))
			continue;
		const char *e = list_end(q, &comma);
		if (fn[i].args == 2 && !comma)
			return NULL;
		if (!fn[i].pg) { /* json_each(x): the elements of a JSON array, as text */
			puts_(o, "json_array_elements_text((");
			translate(o, base, q + 1, e - 1, nparams, used, next);
			puts_(o, ")::json)");
			return e;
		}
		puts_(o, fn[i].pg);
		return q;
	}
	return NULL;
}

static void translate(struct out *o, const char *base, const char *p, const char *end, int *nparams,
		      bool *used, int *next)
{
	while (p < end && *p) {
		if (*p == '\'' || *p == '"') { /* a literal or a quoted name, copied as it is */
			const char *s = p;
			char q = *p++;
			while (p < end && *p && !(*p == q && p[1] != q))
				p += *p == q ? 2 : 1;
			if (p < end && *p)
				p++;
			put(o, s, (size_t)(p - s));
		} else if (p[0] == '-' && p[1] == '-') {
			const char *s = p;
			while (p < end && *p && *p != '\n')
				p++;
			put(o, s, (size_t)(p - s));
		} else if (*p == '?') {
			int n = 0;
			char num[16];
			p++;
			if (*p >= '0' && *p <= '9')
				while (*p >= '0' && *p <= '9')
					n = n * 10 + (*p++ - '0');
			else
				n = *next + 1;
			*next = n;
			if (n >= 1 && n <= SQ_PARAMS_MAX) {
				used[n - 1] = true;
				if (n > *nparams)
					*nparams = n;
			}
			snprintf(num, sizeof num, "$%d", n);
			puts_(o, num);
		} else if (ident_char(*p) && !(*p >= '0' && *p <= '9')) {
			const char *s = p, *after;
			while (p < end && ident_char(*p))
				p++;
			size_t n = (size_t)(p - s);
			if (n == 7 && !strncasecmp(s, "COLLATE", 7) &&
			    !strncasecmp(p, " BINARY", 7) && !ident_char(p[7])) {
				puts_(o, "COLLATE \"C\"");
				p += 7;
			} else if ((s == base || s[-1] != '.') &&
				   (after = rewrite(o, base, s, n, nparams, used, next))) {
				p = after;
			} else {
				put(o, s, n);
			}
		} else {
			put(o, p++, 1);
		}
	}
}

char *sq_pg_sql(const char *sql, int *nparams, bool *used)
{
	struct out o = {0};
	int next = 0;

	*nparams = 0;
	memset(used, 0, SQ_PARAMS_MAX * sizeof *used);
	put(&o, "", 0);
	translate(&o, sql, sql, sql + strlen(sql), nparams, used, &next);
	return o.v;
}

static bool session_setup(struct sq_conn *c, bool readonly);
static void forget_statements(struct sq_conn *c);

enum { RECONNECT_GAP_MS = 1000 };

/* A lost connection made again, at most once per RECONNECT_GAP_MS (a server that is down
 * is not hammered by every request; one line in the log per outage). */
static void reconnect(struct sq_conn *c)
{
	int64_t now = time_mono_ms();

	if (!c->pg_lost)
		log_warn("postgresql: the connection was lost (%.*s); reconnecting",
			 (int)strcspn(PQerrorMessage(pgc(c)), "\n"), PQerrorMessage(pgc(c)));
	c->pg_lost = true;
	if (now < c->pg_retry_at)
		return;
	c->pg_retry_at = now + RECONNECT_GAP_MS;
	PQreset(pgc(c));
	forget_statements(c); /* a new session: nothing prepared */
	if (PQstatus(pgc(c)) != CONNECTION_OK)
		return;
	if (!session_setup(c, c->pg_readonly)) {
		log_warn("postgresql: the new session could not be set up");
		return;
	}
	c->pg_lost = false;
	log_info("postgresql: connected again");
}

/* What a failed result means to the store; logged unless a client caused it. */
static enum store_status pg_status(struct sq_conn *c, PGresult *r, const char *sql)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;

	/* an error of libpq's own (no SQLSTATE), such as "server closed the connection
	 * unexpectedly", may come before libpq marks the connection bad: reading finds out */
	if (PQstatus(pgc(c)) == CONNECTION_BAD ||
	    (!state && (!PQconsumeInput(pgc(c)) || PQstatus(pgc(c)) == CONNECTION_BAD))) {
		reconnect(c);
		return STORE_BUSY; /* 503: the client retries with the same uuid */
	}
	if (state &&
	    (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
	     !strcmp(state, "57014") || !strncmp(state, "08", 2) || !strncmp(state, "57P", 3)))
		return STORE_BUSY;
	if (c->in_write && !c->pg_stmt_sp && PQtransactionStatus(pgc(c)) == PQTRANS_INERROR) {
		/* the job runs again, each write in a savepoint: logged then */
		c->pg_doomed = true;
		return STORE_ERROR;
	}
	if (state && !strncmp(state, "23", 2))
		return STORE_CONFLICT; /* a constraint refused it */
	const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pgc(c));

	log_error("postgresql: %.*s [%s] in: %.300s", (int)strcspn(msg, "\n"), msg,
		  state ? state : "?", sql ? sql : "");
	return STORE_ERROR;
}

enum store_status sq_pg_exec(struct sq_conn *c, const char *sql)
{
	if (c->pg_doomed)
		return STORE_ERROR;
	PGresult *r = PQexec(pgc(c), sql);
	ExecStatusType st = PQresultStatus(r);
	enum store_status ss =
		st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? STORE_OK : pg_status(c, r, sql);

	PQclear(r);
	return ss;
}

enum store_status sq_pg_copy(struct sq_conn *c, const char *copy_sql, const char *data, size_t len)
{
	enum { CHUNK = 1 << 20 };
	if (c->pg_doomed)
		return STORE_ERROR;
	PGresult *r = PQexec(pgc(c), copy_sql);
	enum store_status ss = STORE_OK;
	bool sent = true;

	if (PQresultStatus(r) != PGRES_COPY_IN) {
		ss = pg_status(c, r, copy_sql);
		PQclear(r);
		return ss;
	}
	PQclear(r);
	for (size_t at = 0; at < len && sent; at += CHUNK)
		sent = PQputCopyData(pgc(c), data + at,
				     (int)(len - at < CHUNK ? len - at : CHUNK)) == 1;
	if (PQputCopyEnd(pgc(c), sent ? NULL : "the client could not send the rows") != 1)
		sent = false;
	while ((r = PQgetResult(pgc(c)))) { /* the COPY's own result: a refused row, a constraint */
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ss == STORE_OK)
			ss = pg_status(c, r, copy_sql);
		PQclear(r);
	}
	if (ss == STORE_OK && !sent)
		ss = pg_status(c, NULL, copy_sql);
	return ss;
}

/* Settings of every session: UTF-8 and UTC whatever the server's defaults; readers see one
 * snapshot per transaction and cannot write. */
static bool session_setup(struct sq_conn *c, bool readonly)
{
	static const char common[] = "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC';"
				     " SET client_min_messages = warning;";
	static const char ro[] = "SET default_transaction_read_only = on;"
				 " SET default_transaction_isolation = 'repeatable read';";

	return sq_pg_exec(c, common) == STORE_OK && (!readonly || sq_pg_exec(c, ro) == STORE_OK);
}

enum store_status sq_pg_open(const char *conninfo, bool readonly, struct sq_conn **out,
			     const char **err)
{
	struct sq_conn *c = xcalloc(1, sizeof *c);
	PGconn *pg = PQconnectdb(conninfo);

	c->pg = (struct pg_conn *)pg;
	if (!pg || PQstatus(pg) != CONNECTION_OK) {
		log_error("postgresql: cannot connect: %s",
			  pg ? PQerrorMessage(pg) : "out of memory");
		*err = "cannot connect to the PostgreSQL database / 无法连接 PostgreSQL 数据库";
		sq_conn_close(c);
		return STORE_ERROR;
	}
	if (!session_setup(c, readonly)) {
		*err = "cannot configure the PostgreSQL session / 无法设置 PostgreSQL 会话";
		sq_conn_close(c);
		return STORE_ERROR;
	}
	c->pg_readonly = readonly;
	*out = c;
	return STORE_OK;
}

static void forget_statements(struct sq_conn *c)
{
	for (int i = 0; i < c->nstmt; i++)
		free(c->stmt[i].pg_types);
	c->nstmt = 0;
	c->ncursor = 0;
}

void sq_pg_end(struct sq_conn *c)
{
	forget_statements(c);
	PQfinish(pgc(c));
	c->pg = NULL;
	c->nstmt = 0;
}

static bool is_write(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t')
		sql++;
	return !strncasecmp(sql, "INSERT", 6) || !strncasecmp(sql, "UPDATE", 6) ||
	       !strncasecmp(sql, "DELETE", 6) || !strncasecmp(sql, "WITH", 4);
}

static bool in_tx(const struct sq_conn *c);

/* Whether r failed for want of a parameter's type; its number (1-based) then. */
static int untyped_param(PGresult *r)
{
	const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY), *d;

	if (!state || (strcmp(state, "42P08") && strcmp(state, "42P18")) || !msg ||
	    !(d = strchr(msg, '$')))
		return 0;
	return (int)strtol(d + 1, NULL, 10);
}

static const Oid OID_INT8 = 20, OID_TEXT = 25;

/* Prepares text as name. PostgreSQL infers each parameter's type from where it is used; a
 * parameter whose first use says nothing (`?2 IS NULL OR key <> ?2`) is declared by what it
 * is bound to (a number, else text), and one bound to NULL as text, then as a number when
 * text does not fit where it is used. */
static PGresult *prepare_typed(struct sq_conn *c, const char *name, const char *text, int n,
			       const bool *used, const struct sq_param *p, int np)
{
	Oid types[SQ_PARAMS_MAX];
	bool guessed[SQ_PARAMS_MAX] = {false};
	/* a failed prepare would abort the transaction it is in: tried in a savepoint */
	bool sp = in_tx(c) && sq_pg_exec(c, "SAVEPOINT sq_prepare") == STORE_OK;
	PGresult *r;

	/* a number is declared one (in a select list PostgreSQL would take it for text) */
	for (int j = 0; j < n; j++)
		types[j] = !used[j] ? OID_TEXT : j < np && p[j].type == SQ_P_INT ? OID_INT8 : 0;
	for (int tries = 0;; tries++) {
		int k;
		const char *state;

		r = PQprepare(pgc(c), name, text, n, types);
		if (sp && PQresultStatus(r) != PGRES_COMMAND_OK)
			sq_pg_exec(c, "ROLLBACK TO SAVEPOINT sq_prepare");
		if (PQresultStatus(r) == PGRES_COMMAND_OK || tries > 2 * n) {
			if (sp)
				sq_pg_exec(c, "RELEASE SAVEPOINT sq_prepare");
			return r;
		}
		if ((k = untyped_param(r)) >= 1 && k <= n && !types[k - 1]) {
			types[k - 1] = k <= np && p[k - 1].type == SQ_P_INT ? OID_INT8 : OID_TEXT;
			guessed[k - 1] = !(k <= np && p[k - 1].type != SQ_P_NULL);
		} else if ((state = PQresultErrorField(r, PG_DIAG_SQLSTATE)) &&
			   (!strcmp(state, "42883") || !strcmp(state, "42804"))) {
			/* a NULL guessed as text where a number is wanted */
			int j = 0;
			while (j < n && !(guessed[j] && types[j] == OID_TEXT))
				j++;
			if (j == n)
				break;
			types[j] = OID_INT8;
			guessed[j] = false;
		} else {
			break;
		}
		PQclear(r);
	}
	if (sp)
		sq_pg_exec(c, "RELEASE SAVEPOINT sq_prepare");
	return r;
}

/* The slot of sql prepared on c's session; -1 on an error (k->ss set). */
static int prepared(struct sq_cur *k, const char *sql, const struct sq_param *p, int np)
{
	struct sq_conn *c = k->c;
	bool used[SQ_PARAMS_MAX];
	char name[16], *text;
	int n, i;
	PGresult *r;

	for (i = 0; i < c->nstmt; i++)
		if (c->stmt[i].sql == sql)
			return i;
	if (c->nstmt >= SQ_STMT_CACHE) {
		log_error("postgresql: statement cache full");
		abort(); /* a programming error: raise SQ_STMT_CACHE */
	}
	text = sq_pg_sql(sql, &n, used);
	snprintf(name, sizeof name, "s%d", i);
	r = prepare_typed(c, name, text, n, used, p, np);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		k->ss = pg_status(c, r, text);
		PQclear(r);
		free(text);
		return -1;
	}
	PQclear(r);
	free(text);
	c->stmt[i].sql = sql;
	c->stmt[i].st = NULL;
	c->stmt[i].pg_types = NULL;
	c->stmt[i].nparams = n;
	c->stmt[i].write = is_write(sql);
	c->nstmt++;
	return i;
}

/* The parameters as text: values[i] for $i+1 (NULL for SQL NULL); what was allocated for
 * them is freed by params_free. */
struct pg_params {
	const char *v[SQ_PARAMS_MAX];
	char num[SQ_PARAMS_MAX][24];
	char *owned[SQ_PARAMS_MAX];
	int n;
};

/* s (len bytes) with every byte that starts no valid UTF-8 sequence as U+FFFD, malloc'd;
 * NULL when s is valid. PostgreSQL refuses invalid UTF-8 in a parameter where SQLite would
 * compare it and find nothing; a replaced byte finds nothing too. */
static char *utf8_fixed(const char *s, size_t len)
{
	char *out = NULL, *o = NULL;
	unsigned cp;

	for (size_t i = 0; i < len;) {
		int k = s[i] ? utf8_next(s + i, &cp) : 1;
		if (k > 0 && i + (size_t)k <= len) {
			if (o)
				memcpy(o, s + i, (size_t)k), o += k;
			i += (size_t)k;
			continue;
		}
		if (!o) {
			out = o = xmalloc(3 * len + 1);
			memcpy(o, s, i);
			o += i;
		}
		memcpy(o, "\xef\xbf\xbd", 3);
		o += 3;
		i++;
	}
	if (o)
		*o = '\0';
	return out;
}

static void params_make(struct pg_params *pp, int n, const struct sq_param *p, int np)
{
	pp->n = n;
	for (int i = 0; i < n; i++) {
		pp->owned[i] = NULL;
		pp->v[i] = NULL;
		if (i >= np || p[i].type == SQ_P_NULL)
			continue;
		if (p[i].type == SQ_P_INT) {
			snprintf(pp->num[i], sizeof pp->num[i], "%lld", (long long)p[i].i);
			pp->v[i] = pp->num[i];
		} else if (p[i].s) {
			size_t len = p[i].len < 0 ? strlen(p[i].s) : (size_t)p[i].len;
			if ((pp->owned[i] = utf8_fixed(p[i].s, len))) {
				pp->v[i] = pp->owned[i];
			} else if (p[i].len < 0) {
				pp->v[i] = p[i].s;
			} else {
				pp->owned[i] = xmalloc(len + 1);
				memcpy(pp->owned[i], p[i].s, len);
				pp->owned[i][len] = '\0';
				pp->v[i] = pp->owned[i];
			}
		}
	}
}

static void params_free(struct pg_params *pp)
{
	for (int i = 0; i < pp->n; i++)
		free(pp->owned[i]);
}

/* A savepoint statement of the writer's transaction, through the statement cache. */
static bool ctl(struct sq_conn *c, const char *sql)
{
	return sq_pg_exec(c, sql) == STORE_OK;
}

static const char sp_set[] = "SAVEPOINT sq_stmt", sp_undo[] = "ROLLBACK TO SAVEPOINT sq_stmt",
		  sp_release[] = "RELEASE SAVEPOINT sq_stmt";

static bool in_tx(const struct sq_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(pgc(c));
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

/* The types PostgreSQL inferred for the parameters of the statement in slot i. */
static const unsigned *param_types(struct sq_cur *k, int i)
{
	struct sq_conn *c = k->c;
	char name[16];
	PGresult *r;

	if (c->stmt[i].pg_types)
		return c->stmt[i].pg_types;
	snprintf(name, sizeof name, "s%d", i);
	r = PQdescribePrepared(pgc(c), name);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		k->ss = pg_status(c, r, name);
		PQclear(r);
		return NULL;
	}
	c->stmt[i].pg_types = xcalloc((size_t)c->stmt[i].nparams + 1, sizeof(unsigned));
	for (int j = 0; j < c->stmt[i].nparams && j < PQnparams(r); j++)
		c->stmt[i].pg_types[j] = PQparamtype(r, j);
	PQclear(r);
	return c->stmt[i].pg_types;
}

/* A stream: a cursor DECLAREd for the statement of slot i (with the parameter types its
 * prepared twin was given), read by FETCH. */
static bool open_stream(struct sq_cur *k, const char *sql, int i, struct pg_params *pp)
{
	struct sq_conn *c = k->c;
	const unsigned *types = param_types(k, i);
	bool used[SQ_PARAMS_MAX];
	char *text, *decl;
	size_t len;
	int n;
	PGresult *r;

	if (!types)
		return false;
	text = sq_pg_sql(sql, &n, used);
	len = strlen(text) + 64;
	decl = xmalloc(len);
	k->cursor = ++c->ncursor;
	snprintf(decl, len, "DECLARE fk_c%d NO SCROLL CURSOR FOR %s", k->cursor, text);
	r = PQexecParams(pgc(c), decl, pp->n, (const Oid *)types, pp->v, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		k->ss = pg_status(c, r, text);
		k->cursor = 0;
	}
	PQclear(r);
	free(decl);
	free(text);
	return k->ss == STORE_OK;
}

static bool fetch(struct sq_cur *k)
{
	char sql[48];
	PGresult *r;

	PQclear(k->res);
	k->res = NULL;
	snprintf(sql, sizeof sql, "FETCH %d FROM fk_c%d", FETCH_ROWS, k->cursor);
	r = PQexec(pgc(k->c), sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		k->ss = pg_status(k->c, r, sql);
		PQclear(r);
		return false;
	}
	k->res = r;
	k->nrows = PQntuples(r);
	k->row = -1;
	return true;
}

bool sq_pg_open_cur(struct sq_cur *k, const char *sql, const struct sq_param *p, int np)
{
	struct sq_conn *c = k->c;
	struct pg_params pp;
	int slot;
	PGresult *r;
	ExecStatusType st;
	bool sp;

	if (c->pg_doomed) {
		k->ss = STORE_ERROR;
		return false;
	}
	if (k->stream && in_tx(c)) {
		if ((slot = prepared(k, sql, p, np)) < 0)
			return false;
		params_make(&pp, c->stmt[slot].nparams, p, np);
		bool ok = open_stream(k, sql, slot, &pp) && fetch(k);
		params_free(&pp);
		return ok;
	}
	k->stream = false;
	if ((slot = prepared(k, sql, p, np)) < 0)
		return false;
	params_make(&pp, c->stmt[slot].nparams, p, np);
	sp = c->in_write && c->stmt[slot].write && c->pg_stmt_sp;
	if (sp && !ctl(c, sp_set)) {
		params_free(&pp);
		k->ss = STORE_ERROR;
		return false;
	}
	char name[16];
	snprintf(name, sizeof name, "s%d", slot);
	r = PQexecPrepared(pgc(c), name, pp.n, pp.v, NULL, NULL, 0);
	params_free(&pp);
	st = PQresultStatus(r);
	if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
		k->ss = pg_status(c, r, sql);
		PQclear(r);
		if (sp && k->ss != STORE_BUSY)
			ctl(c, sp_undo), ctl(c, sp_release);
		return false;
	}
	if (sp && !ctl(c, sp_release)) {
		PQclear(r);
		k->ss = STORE_ERROR;
		return false;
	}
	c->changes = strtoll(PQcmdTuples(r), NULL, 10);
	k->res = r;
	k->nrows = PQntuples(r);
	k->row = -1;
	return true;
}

bool sq_pg_next(struct sq_cur *k)
{
	if (k->row + 1 < k->nrows) {
		k->row++;
		return true;
	}
	if (k->stream && k->nrows == FETCH_ROWS && fetch(k) && k->nrows > 0) {
		k->row = 0;
		return true;
	}
	k->end = true;
	return false;
}

void sq_pg_close(struct sq_cur *k)
{
	PQclear(k->res);
	k->res = NULL;
	if (k->cursor && PQtransactionStatus(pgc(k->c)) == PQTRANS_INTRANS) {
		char sql[32];
		snprintf(sql, sizeof sql, "CLOSE fk_c%d", k->cursor);
		sq_pg_exec(k->c, sql);
	}
	k->cursor = 0;
}

bool sq_pg_null(const struct sq_cur *k, int col)
{
	return PQgetisnull(k->res, k->row, col);
}

const char *sq_pg_col(const struct sq_cur *k, int col, size_t *len)
{
	if (PQgetisnull(k->res, k->row, col)) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = (size_t)PQgetlength(k->res, k->row, col);
	return PQgetvalue(k->res, k->row, col);
}

int sq_pg_ncols(const struct sq_cur *k)
{
	return PQnfields(k->res);
}

bool sq_pg_in_tx(const struct sq_conn *c)
{
	return in_tx(c);
}
