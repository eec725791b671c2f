/* store — the only door to fangkong's data.
 *
 * Handlers never hold SQL: they call these functions with plain structs. The SQLite
 * backend (src/store/sqlite/) keeps every write on one writer thread that gathers the
 * writes waiting at that moment into one transaction (group commit, synchronous=FULL):
 * a write function returns only after its transaction is durable. Reads use a small pool
 * of read-only connections. A PostgreSQL backend will implement this same header.
 *
 * Ownership rule: strings in structs that a store function fills are allocated from the
 * arena the caller passes and live as long as it; input structs are only read.
 *
 * Every write that a user makes carries an audit entry, written in the same transaction
 * as the change. Creates carry a client UUID (struct store_idem): a retry with the same
 * body returns the stored record with *replayed = true; a different body is
 * STORE_CONFLICT_IDEM. */
#ifndef FK_STORE_H
#define FK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/account.h"
#include "domain/area_code.h"
#include "domain/closure.h"
#include "domain/observation.h"
#include "domain/report.h"
#include "util/arena.h"
#include "util/metrics.h"

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_CONFLICT,      /* a unique value is taken (username, sibling name) */
	STORE_CONFLICT_IDEM, /* same UUID, different request */
	STORE_INVALID,       /* the data breaks a rule checked inside the transaction */
	STORE_BUSY,
	STORE_ERROR,
	STORE_DENIED, /* out of the caller's scope: answered as not found, the denial audited
			 (a service read or write says so; the backend never does) */
};

const char *store_status_name(enum store_status st);

struct store;

enum { STORE_READER_WAIT_MS = 5000 }; /* the default bound on a wait for a free reader */

struct store_opts {
	int readers;        /* read-only connections in the pool (1–64) */
	int batch_max;      /* most writes in one group commit */
	bool create;        /* create the file if missing */
	int reader_wait_ms; /* the longest wait for a free reader, then STORE_BUSY (0: 5000) */
	bool no_migrate;    /* open the database as it is, without migrating it: a backup's
			       snapshot, a restored copy, the version check before an upgrade */
};

/* ---- news between the servers of one database ----
 *
 * Several processes serving one PostgreSQL database keep sessions, areas and login
 * failures in memory; what one of them changes it tells the others (LISTEN/NOTIFY). The
 * store itself acts on "area" (its area generation moves: area caches miss); every
 * message then goes to fn, on the listener's thread. msg NULL: news may have been missed
 * (the listener lost its connection): forget every cache. A process never hears its own
 * news. On SQLite, one process: both calls do nothing. A message is short text. */
typedef void (*store_news_fn)(void *ctx, const char *msg);
/* Starts listening, or changes who hears (fn NULL: no one; returns after a running fn);
 * false on SQLite (no other server to hear from). */
bool store_news_listen(struct store *s, store_news_fn fn, void *ctx);
void store_news_tell(struct store *s, const char *msg);

/* ---- work one server does at a time ----
 *
 * A lock named name (an import job's id, "outbound"): NULL when another server of the
 * database holds it. It ends at store_lock_release, or with the server that holds it (a
 * killed server's work is taken up by another). On SQLite (one process) always granted.
 * store_lock_held: whether it is still held (false once its connection was lost). */
struct store_lock;
struct store_lock *store_lock_try(struct store *s, const char *name);
bool store_lock_held(struct store_lock *l);
void store_lock_release(struct store_lock *l);

/* Whether db names a PostgreSQL database (postgresql://…) rather than an SQLite file. */
bool store_is_url(const char *db);
/* Opens (and migrates) the database. On failure returns NULL and a message in err
 * (static or owned by nobody). */
struct store *store_open(const char *path, const struct store_opts *opts, const char **err);
void store_close(struct store *s);
/* Consistent copy of the whole database into a new file while others use it. */
enum store_status store_backup(struct store *s, const char *out_path);
int store_schema_version(struct store *s);
/* The version this program migrates to. */
int store_schema_latest(void);
/* The SQL that creates the whole schema on an empty database, step by step, each step in a
 * transaction with its schema_version row (`fangkong schema`), for PostgreSQL or SQLite;
 * malloc'd, NULL when a step does not translate. */
char *store_schema_script(bool postgresql);
enum store_status store_integrity_check(struct store *s, char *msg, size_t msgsz);

/* ---- moving a database between backends (sq_copy.c) ---- */

/* Told after each batch a copy wrote: the table, its rows copied so far and in all, and
 * how many of them the destination did not hold yet (or held otherwise). */
struct store_copy_progress {
	void (*table)(void *ctx, const char *table, int64_t done, int64_t total, int64_t changed);
	void *ctx;
};
/* Copies every table of from (but schema_version: both are migrated) into to, parents
 * before the tables that refer to them, each table's rows read in primary-key order in one
 * snapshot of from and written in batches of a few thousand rows a transaction on to's
 * writer: a row to already holds (its primary key) is made equal to the source's, so that
 * a copy run again after an interruption finishes it without a duplicate (audit rows are
 * never changed: a different one there fails the copy). On PostgreSQL each identity
 * sequence then continues after the highest id. Both stores must be at the same schema
 * version. On failure err says why (zh + en). */
enum store_status store_copy(struct store *from, struct store *to,
			     const struct store_copy_progress *progress, char *err, size_t errsz);

/* A table's row count and the SHA-256 (hex) of its rows in primary-key order, each row's
 * columns (by name) in a canonical text both backends give alike: a database and its copy
 * have the same digests. */
struct store_table_digest {
	const char *table;
	int64_t rows;
	char sha256[65];
};
/* Every table's (but schema_version's), by name, in one snapshot; in the arena. */
enum store_status store_table_digests(struct store *s, struct arena *a,
				      struct store_table_digest **out, size_t *n);

/* ---- audit ---- */

struct audit_entry {
	const char *user_id, *username, *ip, *request_id;
	const char *action;      /* "area.create", "login.failed", … */
	const char *object_type; /* "area", "user", "session" */
	const char *object_id;
	const char *area;           /* the area the object belongs to, for scoped reading */
	const char *result;         /* "ok", "denied", "failed" */
	const char *before, *after; /* JSON text or NULL; filled by the store for changes */
};

struct audit_row {
	int64_t id, at;
	const char *user_id, *username, *ip, *action, *object_type, *object_id, *area, *result;
	const char *before, *after, *request_id;
};

/* A list read streamed instead of paged (an export): set in a list's query, the store
 * steps the list's one statement to its end in one snapshot, in the list's order, and hands
 * each row (a struct of the list's type, in a scratch arena renewed every few thousand
 * rows) to row; false from row stops the read. The page, *n and *total are left empty. */
struct store_each {
	bool (*row)(void *ctx, const void *row);
	void *ctx;
};

struct audit_filter {
	const char *scope; /* area prefix the caller may read; NULL = everything */
	bool scope_global; /* also rows with no area (unknown-user login failures) */
	const char *username, *action, *area;
	int64_t from, to;  /* 0 = open */
	int64_t before_id; /* 0 = newest */
	int limit;
	const struct store_each *each; /* streamed (an export), or NULL */
};

/* Appends one row. wait=false queues it (denials, failed logins) without waiting. */
enum store_status store_audit_append(struct store *s, const struct audit_entry *e, bool wait);
enum store_status store_audit_list(struct store *s, const struct audit_filter *f, struct arena *a,
				   struct audit_row **rows, size_t *n);

/* ---- idempotency ---- */

struct store_idem {
	const char *uuid;      /* client UUID, validated by the caller */
	const char *body_hash; /* hex SHA-256 of the canonical request body */
	const char *user_id;
};

/* ---- write transactions ----
 *
 * Every write runs as a use case (src/service/) inside one transaction that the backend
 * opens: store_run() calls fn with a transaction handle, and everything fn does through
 * the store_tx_* operations commits together, durably, or not at all. A use case reads
 * what it changes through the same handle, so the checks it makes (scope, state) hold
 * for the write. STORE_BUSY: the transaction could not commit and nothing of it is kept;
 * the caller may run it again. The handle lives only during fn. */
struct store_tx;
typedef enum store_status (*store_tx_fn)(struct store_tx *tx, void *ctx);
enum store_status store_run(struct store *s, store_tx_fn fn, void *ctx);
/* store_run of bulk work (an import's batch): interactive writes waiting go first, and it
 * is answered before it is durable (SQLite: before it is committed; the next bulk jobs join
 * its transaction, which commits within a second, with the next interactive write, or when
 * no job comes; PostgreSQL: committed without waiting for the disk). Only for work that is
 * resumed from what was made durable after a crash, and that checks, inside its next
 * transaction, that what it was answered was kept. */
enum store_status store_run_bulk(struct store *s, store_tx_fn fn, void *ctx);
/* Commits what bulk jobs left uncommitted, durably, and returns after: what they wrote is
 * then seen by reads (an import that stops). */
enum store_status store_flush(struct store *s);
/* Queues fn to run as store_run would, and returns at once: the caller does not wait for
 * the commit (a write the client must not wait for: an account lock after failed logins).
 * free_ctx(ctx) runs after fn, committed or not; a transaction that could not commit is
 * lost (not run again). fn runs on another thread: ctx must own what it points to. */
void store_run_queued(struct store *s, store_tx_fn fn, void *ctx, void (*free_ctx)(void *));
/* Runs fn in one read snapshot: a reader connection (waited for as long as any read
 * waits, then STORE_BUSY) inside one read transaction. The store_tx_* reads work through
 * its handle and see nothing committed after the first of them; a write through it fails
 * (STORE_ERROR), nothing is kept. For reads of one object in several queries
 * (src/service/svc_*_read.c). The handle lives only during fn. */
enum store_status store_view(struct store *s, store_tx_fn fn, void *ctx);

/* STORE_NOT_FOUND: a new key. STORE_OK: a replay of the same request, object_id filled
 * (sz bytes). STORE_CONFLICT_IDEM: the key was used for another request or kind. */
enum store_status store_tx_idem_check(struct store_tx *tx, const struct store_idem *idem,
				      const char *kind, char *object_id, size_t sz);
enum store_status store_tx_idem_save(struct store_tx *tx, const struct store_idem *idem,
				     const char *kind, const char *object_id);
enum store_status store_tx_audit(struct store_tx *tx, const struct audit_entry *e);

/* ---- areas ---- */

struct area {
	char code[AREA_CODE_MAX + 1];
	char parent[AREA_CODE_MAX + 1]; /* "" for a root */
	enum area_level level;
	const char *name, *responsible_name, *responsible_phone, *duty_phone;
	const char *parent_name; /* "" for a root */
	int64_t child_count, updated_at;
	bool official; /* from the national division list, not created locally */
};

/* One official area (svc_area_load), or one national division (svc_division_load). */
struct area_seed {
	const char *code, *parent, *name;
};

enum store_status store_area_get(struct store *s, const char *code, struct arena *a,
				 struct area *out);
enum store_status store_area_children(struct store *s, const char *code, struct arena *a,
				      struct area **out, size_t *n);
/* Areas under scope whose name contains q or whose code starts with q. */
enum store_status store_area_search(struct store *s, const char *scope, const char *q, int limit,
				    struct arena *a, struct area **out, size_t *n);
bool store_area_exists(struct store *s, const char *code);
/* Every area under scope (code and name only), for resolving addresses. */
enum store_status store_area_under(struct store *s, const char *scope, struct arena *a,
				   struct area_seed **out, size_t *n);
/* Grows after every committed change to areas; for caches of area data. */
uint64_t store_area_generation(struct store *s);

/* One area with its children and its ancestors from scope down (top first, the area itself
 * excluded), read in one snapshot. */
enum store_status store_area_detail(struct store *s, const char *code, const char *scope,
				    struct arena *a, struct area *out, struct area **children,
				    size_t *nchildren, struct area **path, size_t *npath);

struct area_new {
	const char *parent, *name, *responsible_name, *responsible_phone, *duty_phone;
};

struct area_patch {
	const char *name, *responsible_name, *responsible_phone, *duty_phone; /* NULL = keep */
};

/* Operations of a write transaction on areas (see store_run); the use cases are
 * svc_area.c. */
enum store_status store_tx_area_read(struct store_tx *tx, const char *code, struct arena *a,
				     struct area *out);
/* An area's level and name only (no child count). */
enum store_status store_tx_area_parent(struct store_tx *tx, const char *code, struct arena *a,
				       enum area_level *level, const char **name);
/* STORE_CONFLICT when a child of parent other than `except` (NULL: none) has the name. */
enum store_status store_tx_area_sibling_taken(struct store_tx *tx, const char *parent,
					      const char *name, const char *except);
/* The highest code among parent's children, "" when it has none. */
enum store_status store_tx_area_last_child(struct store_tx *tx, const char *parent, char *code,
					   size_t sz);
/* A local (not official) area; its level follows from its code. */
enum store_status store_tx_area_insert(struct store_tx *tx, const char *code,
				       const struct area_new *in, int64_t now);
/* Sets every field of p (none NULL). STORE_NOT_FOUND: no such area. */
enum store_status store_tx_area_set(struct store_tx *tx, const char *code,
				    const struct area_patch *p, int64_t now);
/* An official area (a write transaction's operation: svc_area_load): added, or an
 * existing code gets the official name and keeps its local fields (responsible person,
 * phones). */
enum store_status store_tx_area_official(struct store_tx *tx, const struct area_seed *sd,
					 int64_t now);
/* Called after a write to areas committed: this server's caches of area data built before
 * it miss. */
void store_area_changed(struct store *s);
/* In the transaction of a write to areas: the other servers of the database are told with
 * its commit (PostgreSQL: NOTIFY, one per transaction however many jobs of a group call it;
 * SQLite: nothing to tell). */
enum store_status store_tx_area_changed(struct store_tx *tx);

/* A village's rule of which grid covers which addresses (domain/grid_rule.h); kind
 * "group" (from = to = the group's number), "road" or "compound" (name; house numbers
 * from-to, 0-0 for all) and parity "all", "odd" or "even". */
struct grid_rule_row {
	char village[AREA_CODE_MAX + 1];
	char grid[AREA_CODE_MAX + 1];
	const char *kind, *name, *parity;
	int from, to;
};
/* The rules of the villages under scope (a village, a township, the county), by village
 * and in the order they were given; at most max rows. */
enum store_status store_grid_rules(struct store *s, const char *scope, size_t max, struct arena *a,
				   struct grid_rule_row **out, size_t *n);
/* The same in a write transaction (a use case's before). */
enum store_status store_tx_grid_rules(struct store_tx *tx, const char *village, struct arena *a,
				      struct grid_rule_row **out, size_t *n);
/* Removes every rule of village (svc_grid_rules_put replaces the list). */
enum store_status store_tx_grid_rules_clear(struct store_tx *tx, const char *village);
/* Adds r as the village's rule number position. */
enum store_status store_tx_grid_rule_add(struct store_tx *tx, int position,
					 const struct grid_rule_row *r);

/* ---- users ---- */

#define USER_ID_LEN 36

struct user {
	char id[USER_ID_LEN + 1];
	const char *username, *display_name, *phone;
	enum role role;
	char area[AREA_CODE_MAX + 1];
	const char *area_name;
	const char *password_hash; /* only from store_user_by_name */
	bool disabled, must_change;
	int failed_logins;    /* account-wide locks since the last login or password change */
	int64_t locked_until; /* locked for every address until then (http/ratelimit.h) */
	int64_t created_at, last_login_at;
};

struct user_filter {
	const char *scope; /* area prefix; required */
	const char *area;  /* narrower prefix, optional */
	const char *q;     /* username or display name contains */
	enum role role;    /* ROLE_NONE = any */
	int limit, offset;
};

enum store_status store_user_by_name(struct store *s, const char *username, struct arena *a,
				     struct user *out);
enum store_status store_user_get(struct store *s, const char *id, struct arena *a,
				 struct user *out);
enum store_status store_user_list(struct store *s, const struct user_filter *f, struct arena *a,
				  struct user **out, size_t *n, int64_t *total);
size_t store_user_count(struct store *s);

struct user_patch {
	const char *display_name, *phone, *area; /* NULL = keep */
	enum role role;                          /* ROLE_NONE = keep */
	int disabled;                            /* -1 = keep */
};

/* Operations of a write transaction on accounts (see store_run); the use cases are
 * svc_user.c. */
enum store_status store_tx_user_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct user *out);
/* STORE_CONFLICT when an account has the username. */
enum store_status store_tx_user_name_taken(struct store_tx *tx, const char *username);
/* in->password_hash is required. STORE_INVALID: the area does not exist. */
enum store_status store_tx_user_insert(struct store_tx *tx, const struct user *in, int64_t now);
/* Sets u's display name, phone, role, area and disabled. STORE_INVALID: the area does not
 * exist; STORE_NOT_FOUND: no such account. */
enum store_status store_tx_user_set(struct store_tx *tx, const struct user *u, int64_t now);
/* A new password hash, the lock cleared; must_change as given. STORE_NOT_FOUND: no such
 * account. */
enum store_status store_tx_user_password(struct store_tx *tx, const char *id, const char *hash,
					 bool must_change, int64_t now);
/* The account with its password hash (for what a login or a password change re-checks:
 * svc_auth.c). */
enum store_status store_tx_user_auth(struct store_tx *tx, const char *id, struct arena *a,
				     struct user *out);
/* A successful login: last_login_at = now, the account-wide lock cleared. STORE_NOT_FOUND:
 * no such account. */
enum store_status store_tx_user_login(struct store_tx *tx, const char *id, int64_t now);
/* Sets the account-wide lock (locked_until) and the count of such locks (failed_logins). */
enum store_status store_tx_user_lock(struct store_tx *tx, const char *id, int64_t until,
				     int failed_logins);

/* ---- key persons (一人一档) ---- */

enum person_category {
	CAT_KEY_AREA = 1u << 0,      /* returnee from a key epidemic area */
	CAT_CLOSE_CONTACT = 1u << 1, /* 密切接触者 */
	CAT_FEVER = 1u << 2,
	CAT_SUSPECTED = 1u << 3,
	CAT_CONFIRMED = 1u << 4,
};

struct person {
	char id[USER_ID_LEN + 1];
	const char *doc_type;  /* "resident", "passport", … (domain/idcard.h) */
	const char *id_number; /* normalised; "" when none */
	bool id_valid;         /* passed every check: unique per doc_type */
	const char *name, *sex, *phone, *address;
	int birth; /* YYYYMMDD or 0 */
	char area[AREA_CODE_MAX + 1];
	const char *area_name;
	unsigned categories;
	const char
		*status; /* pending, observation, hospital, moved, not_found, wrong_info, cleared */
	const char *defects; /* comma-separated defect codes a person at the door must resolve */
	const char *merged_into;
	int64_t created_at, updated_at;
	/* Defect PERSON_ELSEWHERE (registered while a file outside the registrar's area held
	 * the same valid number; stored id_valid = 0): that file and its area, "" when none.
	 * For readers who see both only (api_person_json). */
	const char *duplicate_of, *duplicate_area;
};

/* The defect of a file registered while another area's file held its number (and of
 * the task that asks the commander over both to resolve it). */
#define PERSON_ELSEWHERE "duplicate.elsewhere"

struct travel {
	const char *origin, *origin_code, *transport, *transport_no, *import_id;
	int arrival; /* YYYYMMDD or 0 */
	int64_t created_at;
};

struct person_event {
	int64_t id, at;
	const char *kind, *username, *area, *detail; /* detail: JSON text */
};

struct task {
	char id[USER_ID_LEN + 1];
	char person_id[USER_ID_LEN + 1];
	const char *person_name, *import_id;
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *assignee, *status, *outcome, *note, *defects, *forwarded_from,
		*forward_target, *closed_by;
	int64_t due_at, created_at, closed_at;
	bool key_area;                       /* as made: the person from a key area */
	char person_area[AREA_CODE_MAX + 1]; /* where the person's file is */
	/* a forwarded task: the name of the area the worker named, and the task it became —
	 * its area, that area's name and its assignee (an account's display name, else
	 * the assignee as written; "" when unassigned) */
	const char *forward_target_name, *next_area, *next_area_name, *next_assignee_name;
};

/* One row of an imported list, validated (domain/returnee.h), ready to store. */
struct import_row {
	size_t line;
	struct person p; /* id filled by the caller (fresh UUID), area resolved */
	struct travel t;
	bool possible_duplicate; /* no ID: a name + phone match is proposed, not merged */
};

struct import_job {
	char id[USER_ID_LEN + 1];
	const char *user_id, *username, *filename, *sha256, *path, *kind, *status, *mapping, *error;
	const char *header; /* JSON array of the header row's cells, once found */
	char area[AREA_CODE_MAX + 1];
	int deadline_hours;
	int64_t rows, imported, merged, flagged, rejected, last_line, bytes_total, bytes_done;
	int64_t created_at, finished_at;
};

struct import_issue {
	int64_t line;
	const char *col, *code, *severity, *value; /* severity: "flagged" or "rejected" */
	const char *cells; /* JSON array of the row's cells, for the download to fix */
};

/* Counters a batch adds to its import, and how far the file has been read. */
struct import_progress {
	int64_t rows, imported, merged, flagged, rejected, last_line, bytes_done;
};

enum store_status store_import_get(struct store *s, const char *id, struct arena *a,
				   struct import_job *out);
enum store_status store_import_list(struct store *s, const char *scope, int limit, struct arena *a,
				    struct import_job **out, size_t *n);
/* Jobs that were queued or running when the server stopped, to resume. */
enum store_status store_import_pending(struct store *s, struct arena *a, struct import_job **out,
				       size_t *n);
/* Operations of a write transaction on imports (see store_run); the use cases are
 * svc_import.c. */
enum store_status store_tx_import_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct import_job *out);
/* The job in area that took the file with this SHA-256 and did not fail; "" when none. */
enum store_status store_tx_import_same_file(struct store_tx *tx, const char *area,
					    const char *sha256, char *id, size_t sz);
/* A new job, status queued (in: every field but the counters, status and header). */
enum store_status store_tx_import_insert(struct store_tx *tx, const struct import_job *in,
					 int64_t now);
/* Status running, the header row (JSON array) and the number of rows to expect. */
enum store_status store_tx_import_start(struct store_tx *tx, const char *id, const char *header,
					int64_t total);
/* Sets status and error (NULL: none); "done" and "failed" stamp finished_at. */
enum store_status store_tx_import_set_status(struct store_tx *tx, const char *id,
					     const char *status, const char *error, int64_t now);
enum store_status store_tx_import_issue_add(struct store_tx *tx, const char *id,
					    const struct import_issue *is);
/* Adds d's counters (rows = imported + merged + rejected), sets last_line and bytes_done:
 * only when d->last_line is after the stored one, else STORE_CONFLICT (a batch already
 * committed). */
enum store_status store_tx_import_progress(struct store_tx *tx, const char *id,
					   const struct import_progress *d);
/* Set-wise imports: of a batch's rows, those that surely make a new file (an ID number,
 * valid or not, that no file has, in its first row of the batch; or neither number nor
 * phone) are written together per run of lines (store_tx_import_merge: PostgreSQL one COPY
 * per table, SQLite the same inserts as row by row, without the lookups); every other row
 * goes row by row. How many rows a batch holds on this backend: a batch is one job of the
 * writer, which other writes wait for (SQLite: 256; its batches share a transaction), and
 * each round trip to PostgreSQL costs (10,000). */
size_t store_import_batch_rows(struct store *s);
/* An ID number some file has, under its document type. */
struct doc_number {
	const char *doc_type, *id_number;
};
/* Of the n non-empty ID numbers given, those that some file has (valid or not, merged or
 * not), once per document type and number. */
enum store_status store_tx_numbers_held(struct store_tx *tx, const char *const *numbers, size_t n,
					struct arena *a, struct doc_number **out, size_t *nout);
/* A row of a batch that makes a new file set-wise: the task it gets, its timeline event's
 * detail (JSON), and whether that task's notification reaches the cadres of the area
 * (svc_notify_task's below). */
struct import_staged {
	const struct import_row *row;
	const char *task_id, *detail;
	bool below;
};
/* How a row of a batch is stored: set-wise (it makes a new file: store_tx_import_merge), or
 * row by row; IMPORT_WAY_AFTER: row by row once the set-wise rows of earlier lines are
 * merged and before those of later lines (a row without an ID number whose name and phone a
 * later set-wise row has: it must not be shown that file as a possible duplicate). */
enum import_way { IMPORT_WAY_ROW, IMPORT_WAY_SET, IMPORT_WAY_AFTER };
/* What a merge writes besides the rows: the list and its area, the worker, the moment, the
 * tasks' deadline. */
struct import_merge {
	const char *import_id, *area, *user_id, *username;
	int64_t now, due_at;
};
/* The n rows (lines ascending), each a new file: their files (pending), their journeys
 * (when any field is set), their events "pushed", their tasks and the tasks' notifications
 * (as store_tx_notify, kind "task" for the role grid_worker, not to the worker), in line
 * order. A row's area must be m->area or under it. */
enum store_status store_tx_import_merge(struct store_tx *tx, const struct import_merge *m,
					const struct import_staged *rows, size_t n);
enum store_status store_import_issues(struct store *s, const char *id, int64_t after_line,
				      int limit, struct arena *a, struct import_issue **out,
				      size_t *n);

struct person_query {
	const char *scope;
	const char *id_number, *phone, *name_prefix; /* one of them */
	int limit;
};
enum store_status store_person_find(struct store *s, const struct person_query *q, struct arena *a,
				    struct person **out, size_t *n);
enum store_status store_person_get(struct store *s, const char *id, struct arena *a,
				   struct person *out);
enum store_status store_person_file(struct store *s, const char *id, struct arena *a,
				    struct travel **travel, size_t *ntravel,
				    struct person_event **events, size_t *nevents,
				    struct task **tasks, size_t *ntasks);
/* Operations of a write transaction on files (see store_run); the use cases are
 * svc_person.c. */
enum store_status store_tx_person_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct person *out);
/* A file's journeys, timeline and tasks (all of them: the reader filters), through a
 * transaction or a view (store_view); store_person_file reads the same in a snapshot of
 * its own. */
enum store_status store_tx_person_file(struct store_tx *tx, const char *id, struct arena *a,
				       struct travel **travel, size_t *ntravel,
				       struct person_event **events, size_t *nevents,
				       struct task **tasks, size_t *ntasks);
/* The file holding p's valid number anywhere, and its area ("" when none or p's number is
 * not valid). */
enum store_status store_tx_person_holder(struct store_tx *tx, const struct person *p, char *id,
					 size_t idsz, char *area, size_t areasz);
/* The file under scope that p updates when the holder lies elsewhere: the one made with
 * defect PERSON_ELSEWHERE for the same valid number, or for a defective number the same
 * number with the same name; "" when none. */
enum store_status store_tx_person_own(struct store_tx *tx, const struct person *p,
				      const char *scope, char *id, size_t idsz);
/* Another file under scope with p's name and phone (not merged): a possible duplicate of a
 * row without an ID number; "" when none. */
enum store_status store_tx_person_lookalike(struct store_tx *tx, const struct person *p,
					    const char *scope, char *id, size_t idsz);
/* A new file (status pending); the gaps of a known one filled and categories added (its
 * area stays); a journey, kept once. */
enum store_status store_tx_person_insert(struct store_tx *tx, const struct person *p, int64_t now);
enum store_status store_tx_person_fill(struct store_tx *tx, const char *id, const struct person *p,
				       int64_t now);
enum store_status store_tx_travel_add(struct store_tx *tx, const char *person_id,
				      const struct travel *t, const char *import_id, int64_t now);
/* A correction at the door (svc_person_fix): the file's doc_type, id_number, id_valid,
 * birth, sex, phone, address and defects become p's (its name and area stay), and so do
 * the defects of its open tasks; STORE_CONFLICT when another file holds p's valid number. */
enum store_status store_tx_person_correct(struct store_tx *tx, const struct person *p, int64_t now);
/* Merging `other` into `keep`: other is marked merged_into keep and gives up its number;
 * keep takes other's number (with id_valid = valid) when it has none, and other's phone,
 * address where its own are empty, and its categories; other's travel, timeline and tasks
 * move to keep. STORE_CONFLICT: a clash of valid numbers. */
enum store_status store_tx_person_retire(struct store_tx *tx, const char *other, const char *keep,
					 int64_t now);
enum store_status store_tx_person_take_number(struct store_tx *tx, const char *keep,
					      const char *other, bool valid, int64_t now);
enum store_status store_tx_person_take_gaps(struct store_tx *tx, const char *keep,
					    const char *other);
enum store_status store_tx_person_move_travel(struct store_tx *tx, const char *keep,
					      const char *other);
enum store_status store_tx_person_move_events(struct store_tx *tx, const char *keep,
					      const char *other);
enum store_status store_tx_person_move_tasks(struct store_tx *tx, const char *keep,
					     const char *other);

struct task_query {
	const char *scope;
	const char *area;   /* narrower, optional */
	const char *status; /* "open", "overdue", "closed" or NULL for all */
	int64_t now;        /* for overdue */
	int limit, offset;
	/* A village's pool (本村待认领), optional: only tasks at exactly this area, with no
	 * assignee, whose file is kept there too. */
	const char *unassigned_at;
	const struct store_each *each; /* streamed (an export), or NULL */
};
enum store_status store_task_list(struct store *s, const struct task_query *q, struct arena *a,
				  struct task **out, size_t *n, int64_t *total);
enum store_status store_task_get(struct store *s, const char *id, struct arena *a,
				 struct task *out);

struct outcome {
	const char *code, *zh, *en, *status_after;
	bool needs_target;
};

/* What closing a task says (svc_task_close). */
struct task_close {
	const char *outcome, *note;
	const char *forward_target; /* with outcome "moved": the area the worker named (may be
				       outside scope; the use case places the new task) */
	const char *new_task_id;    /* UUID for the forwarded task */
	int64_t now;
	int deadline_hours;
};

/* Operations of a write transaction on tasks and the files they move (see store_run). */
struct task_new {
	const char *id, *person_id, *import_id, *area, *defects, *forwarded_from, *forward_target;
	int64_t due_at, now;
	bool key_area; /* the person came from a key epidemic area (the report counts it) */
};
struct person_event_new {
	const char *person_id, *kind, *user_id, *username, *area, *detail;
	int64_t now;
};
enum store_status store_tx_task_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct task *out);
/* An active outcome of the dictionary; STORE_INVALID for an unknown one. */
enum store_status store_tx_outcome(struct store_tx *tx, const char *code, struct arena *a,
				   struct outcome *o);
/* Closes an open task; STORE_CONFLICT when it is not open. */
enum store_status store_tx_task_close(struct store_tx *tx, const char *id, const char *outcome,
				      const char *note, const char *closed_by,
				      const char *forward_target, int64_t now);
/* Sets an open task's area, assignee (NULL or "": none) and deadline; STORE_CONFLICT when
 * it is not open, STORE_INVALID for an area that does not exist. */
enum store_status store_tx_task_set(struct store_tx *tx, const char *id, const char *area,
				    const char *assignee, int64_t due_at);
/* STORE_INVALID for an area that does not exist. */
enum store_status store_tx_task_insert(struct store_tx *tx, const struct task_new *t);
/* The open tasks at exactly area with no assignee, nearest deadline first, at most max. */
enum store_status store_tx_task_unassigned(struct store_tx *tx, const char *area, size_t max,
					   struct arena *a, struct task **out, size_t *n);
/* The person's open task; "" when none. */
enum store_status store_tx_task_open_of(struct store_tx *tx, const char *person_id, char *id,
					size_t sz);
/* Moves a file (area) and/or sets its status; NULL keeps either. */
enum store_status store_tx_person_set(struct store_tx *tx, const char *person_id, const char *area,
				      const char *status, int64_t now);
enum store_status store_tx_person_event(struct store_tx *tx, const struct person_event_new *ev);

struct task_stats {
	char area[AREA_CODE_MAX + 1];
	const char *name;
	int64_t pushed, open, closed, overdue;
	int64_t by_outcome[16]; /* in the order of store_outcomes */
};
enum store_status store_task_stats(struct store *s, const char *scope, int64_t now, struct arena *a,
				   struct task_stats **out, size_t *n);

enum store_status store_outcomes(struct store *s, struct arena *a, struct outcome **out, size_t *n);

struct key_area {
	const char *code, *name;
	int start_date, end_date;
};
enum store_status store_key_areas(struct store *s, struct arena *a, struct key_area **out,
				  size_t *n);
/* Adds the entry, or changes the name and end date of the one with the same code and start
 * date (a write transaction's operation: svc_key_area_put). */
enum store_status store_tx_key_area_put(struct store_tx *tx, const struct key_area *k);
/* One national division (province, city, county) for resolving origins, added or renamed
 * (a write transaction's operation: svc_division_load). */
enum store_status store_tx_division_put(struct store_tx *tx, const struct area_seed *sd);
enum store_status store_divisions(struct store *s, struct arena *a, struct area_seed **out,
				  size_t *n);

/* ---- home observation (居家观察) ----
 *
 * The rules (which slots are due, what is complete or overdue) are domain/observation.h;
 * the use cases (src/service/svc_obs.c, svc_visit.c) apply them inside each write so that
 * the counts behind the commander's board (obs_count: per area and date) stay exact
 * without scanning. */

struct staff {
	char id[USER_ID_LEN + 1]; /* "" = none */
	const char *name, *phone;
};

struct observation {
	char id[USER_ID_LEN + 1];
	char person_id[USER_ID_LEN + 1];
	const char *person_name;
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *kind, *status, *place, *household_of, *end_reason;
	int start_date, end_date;
	int64_t began_at, ended_at, last_visit_at, created_at, updated_at;
	int last_temp;    /* tenths of °C, 0 = none */
	int alert_temp;   /* the latest alert's reading (its highest), tenths of °C; 0 = none */
	int64_t alert_at; /* when that alert was raised, 0 = none */
	bool alert_open;
	struct staff grid_worker, doctor, social_worker;
	unsigned filled;       /* slots filled on the date the read asked about */
	const char *token_box; /* sealed self-report token (cards only), "" when none */
};

/* One observation; filled = that date's slots. */
enum store_status store_obs_get(struct store *s, const char *id, int date, struct arena *a,
				struct observation *out);
/* The active observation whose self-report token hashes to token_hash. */
enum store_status store_obs_by_token(struct store *s, const char *token_hash, int date,
				     struct arena *a, struct observation *out);

struct obs_query {
	const char *scope, *area;
	const char *status; /* active, released, transferred, ended, NULL = all */
	const char *filter; /* started_today, released_today, fever_today, alert_open,
			       incomplete_today, overdue, due_release, or NULL */
	const char *name_prefix;
	const char *worker;    /* grid worker account id, or NULL */
	const char *person_id; /* one person's observations, or NULL */
	int today;
	int64_t now;
	int limit, offset;
	bool with_token;               /* fill token_box (cards) */
	const struct store_each *each; /* streamed (an export), or NULL */
};
enum store_status store_obs_list(struct store *s, const struct obs_query *q,
				 const struct obs_policy *pol, struct arena *a,
				 struct observation **out, size_t *n, int64_t *total);
/* The same list through a transaction or a view (store_view), in its snapshot. */
enum store_status store_tx_obs_list(struct store_tx *tx, const struct obs_query *q,
				    const struct obs_policy *pol, struct arena *a,
				    struct observation **out, size_t *n, int64_t *total);

struct visit {
	char id[USER_ID_LEN + 1];
	char observation_id[USER_ID_LEN + 1];
	int64_t at, recorded_at;
	const char *mode, *note, *by;
	bool saw_person, saw_home, saw_state, self_report, late, fever;
	int temp, slot; /* slot -1 = none */
	unsigned symptoms;
};

struct alert {
	char id[USER_ID_LEN + 1];
	char observation_id[USER_ID_LEN + 1];
	char person_id[USER_ID_LEN + 1];
	const char *person_name;
	const char *person_phone, *person_address; /* the file's: the phone leaves masked */
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *visit_id, *status, *destination, *facility, *transport,
		*referred_by, *result, *note;
	int64_t raised_at, referred_at, result_at, updated_at;
	int temp, visits;
	unsigned symptoms;
};

struct service {
	char id[USER_ID_LEN + 1];
	char observation_id[USER_ID_LEN + 1];
	char person_id[USER_ID_LEN + 1];
	const char *person_name;
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *kind, *items, *requested_by, *requester, *assignee, *status, *note;
	int64_t due_at, created_at, accepted_at, delivered_at, updated_at;
};

struct obs_day_row {
	int date;
	unsigned filled;
	bool fever;
};

/* An observation's visits, alerts, services and days, through a view (store_view) that
 * read the observation too. */
enum store_status store_tx_obs_detail(struct store_tx *tx, const char *id, struct arena *a,
				      struct visit **visits, size_t *nvisits, struct alert **alerts,
				      size_t *nalerts, struct service **services, size_t *nservices,
				      struct obs_day_row **days, size_t *ndays);

/* Operations of a write transaction on observations, their visits and days, and the
 * board's counts (see store_run): one query each. */
struct obs_row {
	const char *id, *person_id, *area, *kind, *place, *household_of;
	const char *staff[3]; /* grid worker, doctor, social worker: account ids or NULL */
	const char *token_hash, *token_box, *created_by;
	int start_date, end_date;
	int64_t now;
};
enum store_status store_tx_obs_read(struct store_tx *tx, const char *id, int date, struct arena *a,
				    struct observation *out);
enum store_status store_tx_obs_insert(struct store_tx *tx, const struct obs_row *o);
/* Whether the person has an active observation. */
enum store_status store_tx_obs_active_of(struct store_tx *tx, const char *person_id, bool *active);
/* The ids of the observations placed with id (household_of), in id order, at most cap. */
enum store_status store_tx_obs_household(struct store_tx *tx, const char *id, size_t cap,
					 struct arena *a, char (**ids)[USER_ID_LEN + 1], size_t *n);
enum store_status store_tx_obs_set_end_date(struct store_tx *tx, const char *id, int end_date,
					    int64_t now);
/* Ends an active observation (status released or transferred) and revokes its token;
 * STORE_CONFLICT when it is not active. */
enum store_status store_tx_obs_end(struct store_tx *tx, const char *id, const char *status,
				   const char *reason, int64_t now);
enum store_status store_tx_obs_set_staff(struct store_tx *tx, const char *id,
					 const char *const staff[3], int64_t now);
/* After a visit: the latest temperature and visit time. */
enum store_status store_tx_obs_touch(struct store_tx *tx, const struct visit *v, int64_t now);
enum store_status store_tx_obs_alert_flag(struct store_tx *tx, const char *id, bool open,
					  int64_t now);
/* Adds delta to the count (metric, date, area); a count of "ending…" that drops to 0 goes. */
enum store_status store_tx_obs_count_add(struct store_tx *tx, const char *metric, int date,
					 const char *area, int64_t delta);
/* One day of an observation: filled slots and whether a fever was seen (0, false: none). */
enum store_status store_tx_obs_day_read(struct store_tx *tx, const char *obs_id, int date,
					unsigned *filled, bool *fever);
enum store_status store_tx_obs_day_write(struct store_tx *tx, const char *obs_id, int date,
					 unsigned filled, bool fever);
/* The person to be placed (any scope: the use case checks). */
enum store_status store_tx_obs_person(struct store_tx *tx, const char *id, struct arena *a,
				      struct person *out);
/* Adds categories to a person's file. */
enum store_status store_tx_obs_person_flag(struct store_tx *tx, const char *person_id,
					   unsigned categories, int64_t now);
/* The account named for a staff field (any role, area, state: the use case checks). */
enum store_status store_tx_obs_staff_user(struct store_tx *tx, const char *id, struct arena *a,
					  struct user *out);
/* The enabled account of role nearest above area (area itself first, then up to the
 * county); id "" when none. */
enum store_status store_tx_obs_staff_nearest(struct store_tx *tx, const char *area, enum role role,
					     struct arena *a, struct staff *out);
/* visits (sq_visit.c) */
enum store_status store_tx_visit_insert(struct store_tx *tx, const struct visit *v,
					const char *user_id);
enum store_status store_tx_visit_read(struct store_tx *tx, const char *id, struct arena *a,
				      struct visit *out);
/* The observation's alert that is not closed; id "" when none. */
enum store_status store_tx_obs_open_alert(struct store_tx *tx, const char *obs_id, char *id,
					  size_t sz);
/* Feeds an alert with another fever visit; its reading only rises (a later lower reading
 * leaves the one that raised it). */
enum store_status store_tx_obs_alert_feed(struct store_tx *tx, const char *alert_id, int temp,
					  unsigned symptoms, int64_t now);
enum store_status store_tx_obs_alert_insert(struct store_tx *tx, const char *alert_id,
					    const struct observation *o, const struct visit *v,
					    int64_t now);
/* The alert visit_id raised, else the observation's latest. */
enum store_status store_tx_obs_alert_of_visit(struct store_tx *tx, const char *visit_id,
					      const char *obs_id, struct arena *a,
					      struct alert *out);

/* Replaces the self-report token of an active observation (a card printed on a server
 * that cannot open the sealed copy: svc_card_token); STORE_CONFLICT when it is not
 * active. */
enum store_status store_tx_obs_set_token(struct store_tx *tx, const char *id, const char *hash,
					 const char *box);

struct alert_query {
	const char *scope, *area, *status; /* open, referred, closed, active (open+referred) */
	int limit;
	const struct store_each *each; /* streamed (an export), or NULL */
};
enum store_status store_alert_list(struct store *s, const struct alert_query *q, struct arena *a,
				   struct alert **out, size_t *n, int64_t *total);
enum store_status store_alert_get(struct store *s, const char *id, struct arena *a,
				  struct alert *out);

/* What a referral or a result says (svc_alert_update). */
struct alert_update {
	const char *destination, *facility, *transport; /* referral, or destination NULL */
	int64_t referred_at;
	const char *result, *note; /* result or NULL */
	int64_t now;
};
/* Operations of a write transaction on alerts (see store_run); the use cases are
 * svc_alert.c. */
enum store_status store_tx_alert_read(struct store_tx *tx, const char *id, struct arena *a,
				      struct alert *out);
/* The alert referred (u: destination, facility, transport, referred_at, note, now) by
 * username `by`. */
enum store_status store_tx_alert_refer(struct store_tx *tx, const char *id,
				       const struct alert_update *u, const char *by);
/* The alert closed with a result; a note "" keeps the one it has. */
enum store_status store_tx_alert_close(struct store_tx *tx, const char *id, const char *result,
				       const char *note, int64_t now);

struct service_query {
	const char *scope, *area, *status; /* open, new, accepted, delivered, cancelled, overdue,
					      NULL = all */
	int64_t now;
	int limit;
	const struct store_each *each; /* streamed (an export), or NULL */
};
enum store_status store_service_list(struct store *s, const struct service_query *q,
				     struct arena *a, struct service **out, size_t *n,
				     int64_t *total);
enum store_status store_service_get(struct store *s, const char *id, struct arena *a,
				    struct service *out);
/* Operations of a write transaction on service requests (see store_run); the use cases
 * are svc_service.c. */
enum store_status store_tx_service_read(struct store_tx *tx, const char *id, struct arena *a,
					struct service *out);
/* in: id, observation_id, person_id, area, kind, items, requested_by, requester, assignee,
 * due_at. */
enum store_status store_tx_service_insert(struct store_tx *tx, const struct service *in,
					  int64_t now);
/* Sets status (stamping accepted_at or delivered_at), assignee and note (NULL keeps). */
enum store_status store_tx_service_move(struct store_tx *tx, const char *id, const char *status,
					const char *assignee, const char *note, int64_t now);

/* OBM_TO_PLACE: persons verified for observation (status to_place) not placed yet, counted
 * from their rows (the partial index person_to_place), not from obs_count */
enum obs_metric {
	OBM_ACTIVE,
	OBM_STARTED,
	OBM_RELEASED,
	OBM_FEVERS,
	OBM_ALERTS_OPEN,
	OBM_DUE,
	OBM_COMPLETE,
	OBM_OVERDUE,
	OBM_SERVICES_OPEN,
	OBM_DUE_RELEASE,
	OBM_TO_PLACE,
	OBM__COUNT
};
struct obs_board_row {
	char area[AREA_CODE_MAX + 1];
	const char *name;
	int64_t n[OBM__COUNT];
};
/* Totals for scope (out) and one row per child area with anything to count. */
enum store_status store_obs_board(struct store *s, const char *scope, const struct obs_policy *pol,
				  int today, int64_t now, struct arena *a,
				  struct obs_board_row *out, struct obs_board_row **children,
				  size_t *nchildren);
/* Recomputes the board's counts from the observations, days, alerts and services in one
 * snapshot and compares them with the kept ones: *checked rows, *mismatched of them (the
 * first described in first). For `fangkong check` and the crash tests. */
enum store_status store_obs_recount(struct store *s, const struct obs_policy *pol, int64_t *checked,
				    int64_t *mismatched, char *first, size_t firstsz);

/* ---- in-app notifications (sq_notify.c) ---- */

/* A notification to every enabled account (but actor) of role whose area covers area, or
 * lies under it too when below; and to the account user (any role), when not NULL. detail:
 * JSON text or NULL, never an ID number or a phone. */
struct notify_new {
	const char *kind, *area, *object_type, *object_id, *detail;
	const char *role; /* role name, or NULL: only user */
	bool below;
	const char *user, *actor;
	int64_t now;
};
enum store_status store_tx_notify(struct store_tx *tx, const struct notify_new *n);
struct notification {
	int64_t id;
	char kind[16];
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *object_type, *object_id, *detail;
	int64_t created_at, read_at;
};
/* user's notifications with id > after, newest first, at most limit (only unread ones when
 * unread_only); *unread: how many of user's are unread. */
enum store_status store_notification_list(struct store *s, const char *user, int64_t after,
					  bool unread_only, int limit, struct arena *a,
					  struct notification **out, size_t *n, int64_t *unread);
/* The highest notification id of all (0: none), for streams to tell when to look. */
enum store_status store_notification_latest(struct store *s, int64_t *id);
/* Marks user's notifications read: ids (n of them), or every one when n is 0. *changed:
 * how many were unread. */
enum store_status store_tx_notification_read(struct store_tx *tx, const char *user,
					     const int64_t *ids, size_t n, int64_t now,
					     int64_t *changed);

/* ---- the sweep's reminders (sq_sweep.c) ----
 *
 * Candidates of one kind of reminder not yet marked on day (a local YYYYMMDD), at most max:
 * open tasks due by now ("task_overdue", nearest deadline first), persons verified and not
 * placed ("to_place"), active observations after id `after` in id order ("visit_missed",
 * with the filled slots of day and yesterday and user = the doctor's account id). */
struct sweep_item {
	char id[USER_ID_LEN + 1];
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *user;
	int64_t due_at;
	int start_date, end_date;
	int64_t began_at, ended_at;
	int filled_today, filled_yesterday;
};
enum store_status store_tx_sweep_tasks(struct store_tx *tx, int day, int64_t now, size_t max,
				       struct arena *a, struct sweep_item **out, size_t *n);
enum store_status store_tx_sweep_to_place(struct store_tx *tx, int day, size_t max, struct arena *a,
					  struct sweep_item **out, size_t *n);
enum store_status store_tx_sweep_observations(struct store_tx *tx, int day, int yesterday,
					      const char *after, size_t max, struct arena *a,
					      struct sweep_item **out, size_t *n);
/* Marks object reminded of (kind) on day; *fresh when it was not before. */
enum store_status store_tx_sweep_mark(struct store_tx *tx, const char *kind, const char *object_id,
				      int day, bool *fresh);
/* Deletes at most limit notifications created before read_before that were read, or before
 * all_before (all_before <= read_before), *deleted of them; and at most limit marks of days
 * before mark_before. */
enum store_status store_tx_notification_prune(struct store_tx *tx, int64_t read_before,
					      int64_t all_before, int mark_before, int limit,
					      int64_t *deleted);

/* ---- outbound messages (sq_outbound.c) ---- */

struct outbound_config {
	char area[AREA_CODE_MAX + 1];
	const char *kind, *url; /* "" when none */
	const char *sms_phones; /* JSON array of the duty mobiles (svc_outbound_config_get) */
	int64_t updated_at;
};
/* Sets (url "": removes) the webhook of area. */
enum store_status store_tx_outbound_config_put(struct store_tx *tx, const char *area,
					       const char *kind, const char *url, int64_t now);
/* STORE_NOT_FOUND when area has none. */
enum store_status store_outbound_config_get(struct store *s, const char *area, struct arena *a,
					    struct outbound_config *out);
/* The duty mobiles of area that receive its messages by SMS: phones a JSON array of
 * normalised mobiles ("[]" or NULL removes them); read as "[]" when none. */
enum store_status store_tx_outbound_sms_put(struct store_tx *tx, const char *area,
					    const char *phones, int64_t now);
enum store_status store_outbound_sms_get(struct store *s, const char *area, char *phones,
					 size_t sz);
/* Queues text for the webhook of area and of every area over it that has one, and as an SMS
 * (kind "sms", the number as url) for their duty mobiles; once: not for an address that has
 * the same text still waiting (a reminder, a new task). */
enum store_status store_tx_outbound_enqueue(struct store_tx *tx, const char *area, const char *text,
					    bool once, int64_t now);
struct outbound_msg {
	int64_t id;
	const char *kind, *url, *body;
	int tries;
};
/* Pending messages due at now, oldest first, at most limit. */
enum store_status store_outbound_due(struct store *s, int64_t now, int limit, struct arena *a,
				     struct outbound_msg **out, size_t *n);
/* A try's result: status "sent", "pending" (again at next_at) or "failed". */
enum store_status store_tx_outbound_result(struct store_tx *tx, int64_t id, const char *status,
					   int tries, int64_t next_at, const char *error,
					   int64_t now);

/* ---- the daily report (sq_report.c) ---- */

/* Adds delta to metric's count of report day and to its running total (day 0), in area and
 * in every area above it: each area's row holds its whole subtree, so that a county reads
 * its townships' rows (store_report_sums), not its villages'. */
enum store_status store_tx_report_count_add(struct store_tx *tx, const char *metric, int day,
					    const char *area, int64_t delta);
/* A count to add: store_tx_report_count_add's arguments. */
struct report_delta {
	const char *metric, *area;
	int day;
	int64_t delta;
};
/* store_tx_report_count_add of each of the n counts, by one statement per few thousand rows
 * of report_count touched (a batch of an import counts in every village of a county). */
enum store_status store_tx_report_counts_add(struct store_tx *tx, const struct report_delta *d,
					     size_t n);
/* The county's cut-offs in increasing from_day (at most REPORT_SCHEDULE_MAX). */
enum store_status store_tx_report_cutoffs(struct store_tx *tx, struct arena *a,
					  struct report_cutoff **out, size_t *n);
enum store_status store_report_cutoffs(struct store *s, struct arena *a, struct report_cutoff **out,
				       size_t *n);
/* Sets the cut-off from from_day on (replacing one set for that day). */
enum store_status store_tx_report_cutoff_put(struct store_tx *tx, int from_day, int minute,
					     const char *by, int64_t now);
/* One child area's counts of one metric: in the day's window, and up to its end. */
struct report_sum {
	char area[AREA_CODE_MAX + 1];
	char metric[16];
	int64_t day, total;
};
/* Every metric's counts for day per area under scope, summed per code prefix of child_len
 * characters (the reporting areas; the scope itself when child_len is its length). Reads
 * the running totals and the days from day on, never the records. */
enum store_status store_report_sums(struct store *s, const char *scope, size_t child_len, int day,
				    struct arena *a, struct report_sum **out, size_t *n);
enum store_status store_tx_report_sums(struct store_tx *tx, const char *scope, size_t child_len,
				       int day, struct arena *a, struct report_sum **out,
				       size_t *n);
/* One metric's count under a scope on one report day of a trend; day 0: every count before
 * the trend's first day (the running total less the days from it on). */
struct report_point {
	int day;
	char metric[16];
	int64_t n;
};
/* Every metric's counts under scope per report day in [from, to] (days without a count
 * have no row), and per metric the count before from (day 0), for cumulative series. Reads
 * the running totals and the days from `from` on, never the records. */
enum store_status store_report_series(struct store *s, const char *scope, int from, int to,
				      struct arena *a, struct report_point **out, size_t *n);
/* What a report reads as of now, per child area (prefix of child_len): open tasks past
 * their deadline at now, persons verified for observation and not placed, and the visit
 * slots due and filled on calendar date (the board's counts). */
struct report_now {
	char area[AREA_CODE_MAX + 1];
	int64_t tasks_overdue, to_place, visits_due, visits_done;
};
enum store_status store_report_now(struct store *s, const char *scope, size_t child_len,
				   int64_t now, int date, struct arena *a, struct report_now **out,
				   size_t *n);
enum store_status store_tx_report_now(struct store_tx *tx, const char *scope, size_t child_len,
				      int64_t now, int date, struct arena *a,
				      struct report_now **out, size_t *n);
/* The county's report settings: the reporting level (a code length: 9 townships, 12
 * villages), the sentence's subject ("" for the default) and the typed figures (JSON array
 * of {key, zh, en}). */
struct report_setting {
	int level;
	const char *subject, *fields;
	int64_t updated_at;
};
enum store_status store_report_setting_get(struct store *s, struct arena *a,
					   struct report_setting *out);
enum store_status store_tx_report_setting_get(struct store_tx *tx, struct arena *a,
					      struct report_setting *out);
enum store_status store_tx_report_setting_put(struct store_tx *tx, const struct report_setting *in);
/* A submitted daily report (a version: a correction is the next one). */
struct daily_report {
	char area[AREA_CODE_MAX + 1];
	int day, version;
	const char *status;  /* "submitted" or "nil" */
	const char *figures; /* JSON object: every figure, the records' and the typed ones */
	const char *typed;   /* JSON object: the typed figures as entered */
	const char *sentence, *reason, *submitted_by;
	int64_t submitted_at;
	bool on_time;
};
enum store_status store_tx_daily_report_insert(struct store_tx *tx, const struct daily_report *r);
/* Version `version` of area's report of day (0: the latest); STORE_NOT_FOUND when none. */
enum store_status store_tx_daily_report_get(struct store_tx *tx, const char *area, int day,
					    int version, struct arena *a, struct daily_report *out);
/* The latest version of each report under scope with code length child_len (the reporting
 * areas) for day; on_time is its first version's (a late correction does not make a report
 * late). */
enum store_status store_daily_report_children(struct store *s, const char *scope, size_t child_len,
					      int day, struct arena *a, struct daily_report **out,
					      size_t *n);
/* Every version of area's report of day, the latest first (at most 50). */
enum store_status store_daily_report_versions(struct store *s, const char *area, int day,
					      struct arena *a, struct daily_report **out,
					      size_t *n);
/* Over days [from, to] under scope, reporting areas of code length child_len: how many
 * (area, day) were submitted and how many of those first on time. */
enum store_status store_daily_report_rates(struct store *s, const char *scope, size_t child_len,
					   int from, int to, int64_t *submitted, int64_t *on_time);
/* How many areas under scope have code length child_len (the reporting areas). */
enum store_status store_report_areas(struct store *s, const char *scope, size_t child_len,
				     int64_t *n);
/* Recounts the daily report's counts from the records (under the cut-offs, in one
 * snapshot) and compares them with the kept ones, as store_obs_recount does. */
enum store_status store_report_recount(struct store *s, int64_t *checked, int64_t *mismatched,
				       char *first, size_t firstsz);

/* ---- checkpoints (卡口, sq_checkpoint.c) ---- */

enum {
	CHECKPOINT_SHIFTS_MAX = 4, /* shifts a day */
	PASSAGE_PERSONS_MAX = 60,  /* persons of one vehicle (a bus) */
	CHECKPOINT_LIST_MAX = 500, /* checkpoints listed at once */
	PASSAGE_PAGE_MAX = 100,
};

/* A checkpoint's figures over some hours: vehicles, persons, vehicles and persons from key
 * areas, persons turned back, sent to a fever clinic, handed over, handovers closed. */
struct checkpoint_totals {
	int64_t vehicles, persons, key_area_vehicles, key_area_persons, turned_back, clinic,
		handed_over, handovers_closed;
};

struct checkpoint {
	char id[USER_ID_LEN + 1];
	const char *name, *kind, *location, *area_name;
	char area[AREA_CODE_MAX + 1];
	int opened_on, closed_on; /* YYYYMMDD; closed_on 0: open */
	const char *shift_starts; /* the hours shifts start at, ascending: "8,20" */
	int64_t created_at, updated_at;
	struct checkpoint_totals today; /* the lists' reads: today's (day asked) */
	int64_t open_handovers;         /* handed over and not yet closed, all days */
};

/* One person of a passage. id_number and phone as stored (the API masks them). */
struct passage_person {
	int seq; /* 1.. */
	const char *name, *id_number, *defects, *phone, *origin, *travel, *destination, *purpose;
	const char *outcome, *proposed; /* passed, turned_back, clinic, handover */
	char area[AREA_CODE_MAX + 1];   /* the destination resolved ("" none) */
	const char *area_name;
	bool id_valid, key_area;
	int temp;                               /* tenths of °C; 0 none */
	const char *person_id, *task_id;        /* a handover's file and task, or "" */
	const char *task_status, *task_outcome; /* reads: the handover task's, or "" */
};

/* One vehicle registered at a checkpoint, with its persons. */
struct passage {
	char id[USER_ID_LEN + 1], checkpoint_id[USER_ID_LEN + 1];
	int64_t at;
	int day, hour, shift; /* local day YYYYMMDD and hour of at; shift 1.. */
	const char *plate, *plate_province, *vehicle_kind, *direction, *note, *prereg, *by;
	bool plate_unreadable, plate_key_area;
	int version;
	int64_t created_at, updated_at;
	struct passage_person *persons;
	size_t npersons;
};

struct passage_version {
	int version;
	const char *body, *reason, *by; /* body: JSON of the passage as it was, masked */
	int64_t at;
};

struct passage_filter {
	const char *checkpoint_id;
	/* hours: day d1 hours [h1, h2) and, when d2, day d2 hours [h3, h4) (a night shift) */
	int d1, h1, h2, d2, h3, h4;
	const char *outcome; /* persons with it, or NULL */
	const char *q;       /* plate or a person's name contains, or NULL */
	int limit, offset;
};

/* A pre-registration (QR): the JSON the traveller typed, validated, until confirmed. */
struct prereg {
	char code[16], checkpoint_id[USER_ID_LEN + 1];
	const char *body;
	int64_t created_at, expires_at;
};

enum store_status store_tx_checkpoint_insert(struct store_tx *tx, const struct checkpoint *c);
enum store_status store_tx_checkpoint_read(struct store_tx *tx, const char *id, struct arena *a,
					   struct checkpoint *out);
/* STORE_CONFLICT when already closed. */
enum store_status store_tx_checkpoint_close(struct store_tx *tx, const char *id, int closed_on,
					    int64_t now);
/* The checkpoint an account belongs to ("" none) in buf. */
enum store_status store_tx_user_checkpoint(struct store_tx *tx, const char *user_id, char *buf,
					   size_t sz);
enum store_status store_user_checkpoint(struct store *s, const char *user_id, char *buf, size_t sz);
/* An account now belongs to checkpoint (NULL: none) and has area as its area. */
enum store_status store_tx_user_set_checkpoint(struct store_tx *tx, const char *user_id,
					       const char *checkpoint, const char *area);
/* A checkpoint with its totals of day and its open handovers. */
enum store_status store_checkpoint_get(struct store *s, const char *id, int day, struct arena *a,
				       struct checkpoint *out);
/* The checkpoints under scope (closed ones too when closed), by area and name, with their
 * totals of day, at most CHECKPOINT_LIST_MAX. */
enum store_status store_checkpoint_list(struct store *s, const char *scope, bool closed, int day,
					struct arena *a, struct checkpoint **out, size_t *n);
/* The accounts of a checkpoint (at most 200). */
enum store_status store_checkpoint_staff(struct store *s, const char *id, struct arena *a,
					 struct user **out, size_t *n);
/* Adds d to the checkpoint's totals of day at hour and of the whole day (hour 24). */
enum store_status store_tx_checkpoint_count_add(struct store_tx *tx, const char *checkpoint_id,
						int day, int hour,
						const struct checkpoint_totals *d);
/* The totals of checkpoint_id per hour of days [from, to]: hours[(day index) * 24 + hour],
 * days counted from `from` (at most 2 days). */
enum store_status store_checkpoint_hours(struct store *s, const char *checkpoint_id, int from,
					 int to, struct checkpoint_totals hours[48]);
/* The checkpoints under scope (only `id` when not NULL) that were open some day of [from,
 * to], each with its totals over those days (in ->today), at most CHECKPOINT_LIST_MAX. */
enum store_status store_checkpoint_stats(struct store *s, const char *scope, const char *id,
					 int from, int to, struct arena *a, struct checkpoint **out,
					 size_t *n);

enum store_status store_tx_passage_insert(struct store_tx *tx, const struct passage *p);
/* A new version of a passage: its row and its persons replaced by p's (version p->version). */
enum store_status store_tx_passage_update(struct store_tx *tx, const struct passage *p);
enum store_status store_tx_passage_version_add(struct store_tx *tx, const char *passage_id,
					       const struct passage_version *v);
/* A passage with its persons (and their handover tasks' state). */
enum store_status store_tx_passage_read(struct store_tx *tx, const char *id, struct arena *a,
					struct passage *out);
enum store_status store_passage_get(struct store *s, const char *id, struct arena *a,
				    struct passage *out);
enum store_status store_passage_list(struct store *s, const struct passage_filter *f,
				     struct arena *a, struct passage **out, size_t *n,
				     int64_t *total);
/* One person of a passage with its vehicle, as an export streams them. */
struct passage_line {
	struct passage p; /* without persons */
	struct passage_person q;
};
/* The persons registered at a checkpoint over days [from, to] (with outcome when not NULL),
 * in time order, streamed to each (rows of struct passage_line); with each NULL only
 * *total, their number. */
enum store_status store_passage_lines(struct store *s, const char *checkpoint_id, int from, int to,
				      const char *outcome, const struct store_each *each,
				      int64_t *total);
/* The earlier versions of a passage, newest first (at most 50). */
enum store_status store_passage_versions(struct store *s, const char *id, struct arena *a,
					 struct passage_version **out, size_t *n);
/* The passage person handed over with task task_id: its checkpoint, day and hour;
 * STORE_NOT_FOUND when the task is no handover's. */
enum store_status store_tx_handover_of_task(struct store_tx *tx, const char *task_id,
					    char checkpoint_id[USER_ID_LEN + 1], int *day,
					    int *hour);
/* A handover's task was forwarded: the passage person follows the new task. */
enum store_status store_tx_handover_follow(struct store_tx *tx, const char *task_id,
					   const char *new_task_id);

/* STORE_CONFLICT when the code is taken. */
enum store_status store_tx_prereg_insert(struct store_tx *tx, const struct prereg *p);
/* A pre-registration not expired at now; STORE_NOT_FOUND otherwise. */
enum store_status store_tx_prereg_read(struct store_tx *tx, const char *code, int64_t now,
				       struct arena *a, struct prereg *out);
enum store_status store_prereg_get(struct store *s, const char *code, int64_t now, struct arena *a,
				   struct prereg *out);
enum store_status store_tx_prereg_delete(struct store_tx *tx, const char *code);
/* How many pre-registrations wait at checkpoint_id, unexpired at now. */
enum store_status store_tx_prereg_pending(struct store_tx *tx, const char *checkpoint_id,
					  int64_t now, int64_t *n);
/* Deletes the pre-registrations expired at now; *n of them. */
enum store_status store_tx_prereg_prune(struct store_tx *tx, int64_t now, int64_t *n);
/* Recounts the checkpoints' totals from the passages and compares them with the kept ones. */
enum store_status store_checkpoint_recount(struct store *s, int64_t *checked, int64_t *mismatched,
					   char *first, size_t firstsz);

/* ---- 24-hour duty (值班值守, sq_duty.c) ----
 *
 * A post is an area of level county, township or village (id: its code; phone: the
 * area's duty_phone) or an open checkpoint (id: its UUID; phone: duty_post's); every one
 * is a post implicitly, duty_post holding only the settings changed. Shifts are the text
 * "8,20" (domain/duty.h). A roster slot keeps its leader as a JSON object text ({name,
 * phone, user_id}) or "" for none, and its officers as a JSON array text. */

enum {
	DUTY_POSTS_MAX = 500,     /* posts listed at once */
	DUTY_BOARD_MAX = 5000,    /* posts of a board */
	DUTY_SWAPS_MAX = 200,     /* swaps listed */
	DUTY_LOG_PAGE = 100,      /* log entries a page */
	DUTY_EVENTS_MAX = 200,    /* events of one entry */
	DUTY_HANDOVERS_MAX = 400, /* handovers listed */
	DUTY_OPEN_MAX = 500,      /* open entries a handover passes on */
};

struct duty_post {
	char id[USER_ID_LEN + 1];
	const char *kind; /* "area", "checkpoint" */
	char area[AREA_CODE_MAX + 1];
	const char *name, *area_name, *phone, *shifts;
	int level; /* enum area_level of an area post; 0 for a checkpoint */
	/* the board's and now's reads: the slot of the shift going on (slot_index -1: none) */
	int slot_day, slot_index;
	const char *leader, *officers;
};

struct duty_slot {
	int day, index;
	int64_t start_at, end_at;
	const char *leader;   /* JSON object text, "" none */
	const char *officers; /* JSON array text */
	int64_t updated_at;
};

struct duty_swap {
	char id[USER_ID_LEN + 1], post_id[USER_ID_LEN + 1];
	int a_day, a_index, b_day, b_index;
	const char *a_slot, *b_slot;     /* "leader", "officer:K" */
	const char *a_person, *b_person; /* JSON object texts, as asked */
	const char *reason, *state, *asked_by, *decided_by;
	const char *asked_by_id; /* the asking account ("" for swaps asked before step 20) */
	int64_t at, decided_at;
};

struct duty_log_event {
	char log_id[USER_ID_LEN + 1];
	int seq;
	int64_t at;
	const char *by, *what, *note;
};

struct duty_log {
	char id[USER_ID_LEN + 1], post_id[USER_ID_LEN + 1];
	char area[AREA_CODE_MAX + 1];
	int64_t at;
	const char *kind, *from_name, *from_contact, *content, *action;
	const char *owner_id, *owner_name, *state, *handed_to, *result, *task_id, *person_id;
	const char *task_area; /* the task's area, as the service answers it (not stored) */
	int64_t handed_at, created_at, updated_at;
	bool returned;
	struct duty_log_event *events;
	size_t nevents;
};

struct duty_handover {
	char id[USER_ID_LEN + 1], post_id[USER_ID_LEN + 1];
	int day, index;
	const char *note, *open_items; /* open_items: JSON array text of entry ids */
	const char *by, *confirmed_by, *confirm_note;
	int64_t at, confirmed_at;
	int64_t open_total; /* entries open at the handover (open_items lists DUTY_OPEN_MAX) */
};

/* A roster read: a post's slots, handovers and pending swaps over days [from, to]. */
struct duty_roster {
	struct duty_slot *slots;
	size_t nslots;
	struct duty_handover *handovers;
	size_t nhandovers;
	struct duty_swap *swaps;
	size_t nswaps;
};

/* A post by id (an area of level village or above, or an open checkpoint). */
enum store_status store_tx_duty_post_read(struct store_tx *tx, const char *id, struct arena *a,
					  struct duty_post *out);
enum store_status store_duty_post_get(struct store *s, const char *id, struct arena *a,
				      struct duty_post *out);
/* The posts under scope, by area and name, at most max (with the slot going on at now,
 * days yesterday and today, when with_slot: only the slots of posts under scope are read,
 * at most 8 * DUTY_BOARD_MAX). *truncated (may be NULL; with_slot only) when a cap cut the
 * answer. */
enum store_status store_duty_posts(struct store *s, const char *scope, size_t max, bool with_slot,
				   int64_t now, int yesterday, int today, struct arena *a,
				   struct duty_post **out, size_t *n, bool *truncated);
/* The posts of the chain of areas chain[0..nchain) and the open checkpoints under area,
 * each with the slot going on at now, county first. */
enum store_status store_duty_chain(struct store *s, const char *const *chain, size_t nchain,
				   const char *area, int64_t now, int yesterday, int today,
				   struct arena *a, struct duty_post **out, size_t *n);
/* Stores a post's settings: its kind, a checkpoint's phone, its shifts. */
enum store_status store_tx_duty_post_put(struct store_tx *tx, const char *id, const char *kind,
					 const char *phone, const char *shifts, int64_t now);
/* An area's duty phone (the card's 乡镇值班电话). */
enum store_status store_tx_area_duty_phone(struct store_tx *tx, const char *code, const char *phone,
					   int64_t now);
/* Removes one slot (a shift that is no more after the shifts changed). */
enum store_status store_tx_duty_slot_delete(struct store_tx *tx, const char *post, int day,
					    int index);
enum store_status store_tx_duty_slot_read(struct store_tx *tx, const char *post, int day, int index,
					  struct arena *a, struct duty_slot *out);
/* Sets (inserts or replaces) a slot. */
enum store_status store_tx_duty_slot_put(struct store_tx *tx, const char *post,
					 const struct duty_slot *sl);
/* The slots of post over days [from, to], by day and index. */
enum store_status store_tx_duty_slots(struct store_tx *tx, const char *post, int from, int to,
				      struct arena *a, struct duty_slot **out, size_t *n);
/* Removes the slots of post over days [from, to]. */
enum store_status store_tx_duty_slots_clear(struct store_tx *tx, const char *post, int from,
					    int to);
/* A roster's slots, handovers and pending swaps, in one snapshot. */
enum store_status store_duty_roster(struct store *s, const char *post, int from, int to,
				    struct arena *a, struct duty_roster *out);

enum store_status store_tx_duty_swap_insert(struct store_tx *tx, const struct duty_swap *w);
enum store_status store_tx_duty_swap_read(struct store_tx *tx, const char *id, struct arena *a,
					  struct duty_swap *out);
/* A pending swap decided (state "approved" or "rejected"); STORE_CONFLICT when decided. */
enum store_status store_tx_duty_swap_decide(struct store_tx *tx, const char *id, const char *state,
					    const char *by, int64_t at);
/* The swaps of post (with state when not NULL), newest first, at most DUTY_SWAPS_MAX. */
enum store_status store_duty_swaps(struct store *s, const char *post, const char *state,
				   struct arena *a, struct duty_swap **out, size_t *n);

enum store_status store_tx_duty_log_insert(struct store_tx *tx, const struct duty_log *l);
/* An entry with its events. */
enum store_status store_tx_duty_log_read(struct store_tx *tx, const char *id, struct arena *a,
					 struct duty_log *out);
/* The entry's state, handing, result, owner and task as in l. */
enum store_status store_tx_duty_log_update(struct store_tx *tx, const struct duty_log *l);
/* An entry with its events, on a reader. */
enum store_status store_duty_log_get(struct store *s, const char *id, struct arena *a,
				     struct duty_log *out);
/* Appends an event (its seq the next of the entry). */
enum store_status store_tx_duty_log_event(struct store_tx *tx, const char *log_id, int64_t at,
					  const char *by, const char *what, const char *note);
/* A page of post's entries at or after from_at and before to_at (only those not closed
 * when open), newest first, with their events; *total of them all. */
enum store_status store_duty_log_list(struct store *s, const char *post, int64_t from_at,
				      int64_t to_at, bool open, int limit, int offset,
				      struct arena *a, struct duty_log **out, size_t *n,
				      int64_t *total);
/* The ids of post's entries not closed, oldest first, at most DUTY_OPEN_MAX; *total of
 * them all. */
enum store_status store_tx_duty_log_open(struct store_tx *tx, const char *post, struct arena *a,
					 const char ***ids, size_t *n, int64_t *total);
/* Every entry of post not closed passes to owner (one statement). */
enum store_status store_tx_duty_log_pass_open(struct store_tx *tx, const char *post,
					      const char *owner_id, const char *owner_name,
					      int64_t now);
/* An event (what, note) on every entry of post not closed (one statement). */
enum store_status store_tx_duty_log_event_open(struct store_tx *tx, const char *post, int64_t at,
					       const char *by, const char *what, const char *note);

/* STORE_CONFLICT when the shift has a handover already. */
enum store_status store_tx_duty_handover_insert(struct store_tx *tx, const struct duty_handover *h);
enum store_status store_tx_duty_handover_read(struct store_tx *tx, const char *id, struct arena *a,
					      struct duty_handover *out);
/* STORE_CONFLICT when confirmed already. */
enum store_status store_tx_duty_handover_confirm(struct store_tx *tx, const char *id,
						 const char *by, const char *note, int64_t at);
/* The handovers of post over days [from, to], by day and index. */
enum store_status store_duty_handovers(struct store *s, const char *post, int from, int to,
				       struct arena *a, struct duty_handover **out, size_t *n);
/* ---- closed areas (封闭式管理, sq_closure.c) ----
 *
 * A closure closes one area with its rules; its households come from the person files of
 * the area (grouped by address), by hand or from a sheet; passes are numbered
 * (domain/closure.h); gates have guards (app_user.gate_id); a gate record is one passing
 * with the verdict the server computed. Two counts are kept, not scanned: exits per
 * household and day (closure_exit: the quota reads the few days of its windows) and the
 * closure's figures per day and metric (closure_count: "exits", "entries", "refusal.<reason>"). */

enum {
	CLOSURE_LIST_MAX = 500,
	HOUSEHOLD_PAGE_MAX = 100,
	HOUSEHOLDS_MAX = 20000,       /* households of one closure */
	HOUSEHOLD_IMPORT_MAX = 10000, /* rows of one sheet */
	PASS_PAGE_MAX = 100,
	PASS_PRINT_MAX = 400,
	GATES_MAX = 200, /* gates of one closure */
	GATE_GUARDS_MAX = 200,
	GATE_LIST_MAX = 20000, /* passes in a gate's offline list */
	GATE_LOG_PAGE_MAX = 100,
	CLOSURE_OUT_NOW_MAX = 1000,
};

struct closure_counts {
	int64_t households, blocked, observation, resident, worker, temporary, out_now, exits_today,
		refusals_today;
};

struct closure {
	char id[USER_ID_LEN + 1];
	char area[AREA_CODE_MAX + 1];
	const char *area_name, *reason, *state, *created_by; /* state "active" | "reopened" */
	int from_day, until_day;                             /* YYYYMMDD; until 0: none */
	int out_per, every_days;
	bool outsiders, vehicles;
	int64_t list_version, created_at, updated_at;
	struct closure_counts counts; /* reads: store_closure_counts */
};

struct household {
	char id[USER_ID_LEN + 1], closure_id[USER_ID_LEN + 1];
	const char *head, *address, *phone, *source, *blocked_reason; /* source file|hand|import */
	int members;
	bool blocked, observation; /* observation: computed on read */
	int64_t last_out_at, created_at, updated_at;
	const char *pass_number; /* reads: its resident pass not revoked, "" none */
};

struct household_query {
	const char *closure_id, *scope; /* scope: the closure's area (observation by address) */
	const char *q;                  /* head or address contains; NULL any */
	enum { HH_ALL, HH_BLOCKED, HH_OBSERVATION, HH_NO_PASS } filter;
	int limit, offset;
};

/* A household's values from the person files of an address. */
struct household_group {
	const char *address, *head, *phone;
	int members;
};

struct closure_pass {
	char number[16], closure_id[USER_ID_LEN + 1];
	const char *kind, *household_id; /* household_id "" none */
	const char *holder, *employer, *purpose, *issued_by, *revoke_reason;
	const char *replaces, *replaced_by; /* "" none */
	int64_t valid_from, valid_to, issued_at, revoked_at, out_at;
	/* reads: the household's */
	const char *head, *address, *phone;
	int members;
	bool blocked, observation;
	int64_t last_out_at;
};

struct pass_query {
	const char *closure_id, *kind; /* kind NULL: any */
	enum { PQ_ANY, PQ_VALID, PQ_REVOKED, PQ_EXPIRED } state;
	int64_t now;
	int limit, offset;
};

struct gate {
	char id[USER_ID_LEN + 1], closure_id[USER_ID_LEN + 1];
	const char *name;
	int64_t created_at, guards;
};

struct gate_record {
	char id[USER_ID_LEN + 1], closure_id[USER_ID_LEN + 1], gate_id[USER_ID_LEN + 1];
	const char *number, *household_id, *direction, *verdict, *reason;
	const char *person, *override_reason, *phone_verdict, *guard_id, *guard, *gate_name;
	int64_t at, created_at;
	int day, temp; /* temp in tenths of °C, 0 none */
	bool fever, counted, offline_disagreed;
};

struct gate_log_query {
	const char *closure_id, *gate_id, *verdict; /* NULL: any */
	int from, to;                               /* days */
	int limit, offset;
};

/* One kept figure of a closure: metric on day. */
struct closure_day_metric {
	int day;
	const char *metric;
	int64_t n;
};

/* STORE_CONFLICT: the area has an active closure. */
enum store_status store_tx_closure_insert(struct store_tx *tx, const struct closure *c);
enum store_status store_tx_closure_read(struct store_tx *tx, const char *id, struct arena *a,
					struct closure *out);
/* Rules and reason (NULL reason: kept). */
enum store_status store_tx_closure_update(struct store_tx *tx, const struct closure *c,
					  int64_t now);
/* STORE_CONFLICT: not active. */
enum store_status store_tx_closure_reopen(struct store_tx *tx, const char *id, int until,
					  int64_t now);
/* The offline list changed (a pass, a household's block). */
enum store_status store_tx_closure_bump(struct store_tx *tx, const char *id, int64_t now);
/* Closures under scope (and area, a narrower prefix, when not NULL), active ones only
 * unless all, at most CLOSURE_LIST_MAX. */
enum store_status store_closure_list(struct store *s, const char *scope, const char *area, bool all,
				     struct arena *a, struct closure **out, size_t *n);
/* c->counts on day (exits and refusals of that day). */
enum store_status store_closure_counts(struct store *s, struct closure *c, int day);

/* The person files under scope with an address, grouped by it (at most HOUSEHOLDS_MAX). */
enum store_status store_tx_household_groups(struct store_tx *tx, const char *scope, struct arena *a,
					    struct household_group **out, size_t *n);
/* STORE_NOT_FOUND: none at that address. */
enum store_status store_tx_household_by_address(struct store_tx *tx, const char *closure_id,
						const char *address, struct arena *a,
						struct household *out);
/* STORE_CONFLICT: the address is taken. */
enum store_status store_tx_household_insert(struct store_tx *tx, const struct household *h);
/* head, members, phone (NULL phone: kept) of household id. */
enum store_status store_tx_household_set(struct store_tx *tx, const char *id, const char *head,
					 int members, const char *phone, int64_t now);
/* Links the files under scope at the household's address to it. */
enum store_status store_tx_household_link(struct store_tx *tx, const char *id, const char *address,
					  const char *scope);
enum store_status store_tx_household_count(struct store_tx *tx, const char *closure_id, int64_t *n);
/* With observation computed (scope: the closure's area) and pass_number. */
enum store_status store_tx_household_read(struct store_tx *tx, const char *id, const char *scope,
					  struct arena *a, struct household *out);
enum store_status store_tx_household_block(struct store_tx *tx, const char *id, bool blocked,
					   const char *reason, int64_t now);
enum store_status store_tx_household_out(struct store_tx *tx, const char *id, int64_t at);
enum store_status store_household_list(struct store *s, const struct household_query *q,
				       struct arena *a, struct household **out, size_t *n,
				       int64_t *total);
/* Every household of closure_id with no resident pass that is not revoked (at most
 * HOUSEHOLDS_MAX), observation computed. */
enum store_status store_tx_households_without_pass(struct store_tx *tx, const char *closure_id,
						   const char *scope, struct arena *a,
						   struct household **out, size_t *n);

/* STORE_CONFLICT: the number is taken, or the household has a resident pass. */
enum store_status store_tx_pass_insert(struct store_tx *tx, const struct closure_pass *p);
/* With the household's values (observation computed under scope; NULL: false). */
enum store_status store_tx_pass_read(struct store_tx *tx, const char *number, const char *scope,
				     struct arena *a, struct closure_pass *out);
/* The resident pass of a household not revoked; STORE_NOT_FOUND: none. */
enum store_status store_tx_pass_of_household(struct store_tx *tx, const char *household_id,
					     struct arena *a, struct closure_pass *out);
/* STORE_CONFLICT: revoked already. */
enum store_status store_tx_pass_revoke(struct store_tx *tx, const char *number, int64_t at,
				       const char *reason, const char *replaced_by);
/* The revoked pass number was replaced by replaced_by. */
enum store_status store_tx_pass_replaced(struct store_tx *tx, const char *number,
					 const char *replaced_by);
/* A green passing: out_at = at on the way out, 0 on the way in (when not older). */
enum store_status store_tx_pass_moved(struct store_tx *tx, const char *number, bool out,
				      int64_t at);
enum store_status store_pass_list(struct store *s, const struct pass_query *q, struct arena *a,
				  struct closure_pass **out, size_t *n, int64_t *total);
/* The passes of numbers (all of the closure when NULL), at most PASS_PRINT_MAX. */
enum store_status store_pass_print(struct store *s, const char *closure_id,
				   const char *const *numbers, size_t nnumbers, struct arena *a,
				   struct closure_pass **out, size_t *n);
/* The passes of closure_id out now (out_at > 0), latest first. */
enum store_status store_closure_out_now(struct store *s, const char *closure_id, struct arena *a,
					struct closure_pass **out, size_t *n);
/* A pass of the offline list: with its household's exits on the days asked and the day
 * of its last exit (0 none). */
struct gate_pass {
	struct closure_pass p;
	int64_t exits, last_day;
};
/* The offline list: the passes of the closure in force at `now` and those revoked in the
 * GATE_REVOKED_KEPT_S before it, with their household's values, exits counted on days
 * [lo, hi]; at most GATE_LIST_MAX of them, *total all. */
enum { GATE_REVOKED_KEPT_S = 7 * 86400 };
enum store_status store_gate_passes(struct store *s, const char *closure_id, const char *scope,
				    int lo, int hi, int64_t now, struct arena *a,
				    struct gate_pass **out, size_t *n, int64_t *total);

enum store_status store_tx_gate_insert(struct store_tx *tx, const struct gate *g);
enum store_status store_tx_gate_read(struct store_tx *tx, const char *id, struct arena *a,
				     struct gate *out);
enum store_status store_gate_list(struct store *s, const char *closure_id, struct arena *a,
				  struct gate **out, size_t *n);
enum store_status store_gate_guards(struct store *s, const char *gate_id, struct arena *a,
				    struct user **out, size_t *n);
/* The gate of an account ("" none). */
enum store_status store_tx_user_gate(struct store_tx *tx, const char *user_id, char *buf,
				     size_t sz);
/* Sets (NULL: clears) the account's gate, and its area when area is not NULL. */
enum store_status store_tx_user_set_gate(struct store_tx *tx, const char *user_id, const char *gate,
					 const char *area);

/* STORE_CONFLICT: the id is taken. */
enum store_status store_tx_record_insert(struct store_tx *tx, const struct gate_record *r);
enum store_status store_tx_record_read(struct store_tx *tx, const char *id, struct arena *a,
				       struct gate_record *out);
/* A household's kept exits on days [lo, hi]. */
enum store_status store_tx_exit_days(struct store_tx *tx, const char *household_id, int lo, int hi,
				     struct arena *a, struct closure_day_count **out, size_t *n);
enum store_status store_tx_exit_add(struct store_tx *tx, const char *household_id, int day, int n);
enum store_status store_tx_closure_count_add(struct store_tx *tx, const char *closure_id, int day,
					     const char *metric, int n);
enum store_status store_closure_days(struct store *s, const char *closure_id, int from, int to,
				     struct arena *a, struct closure_day_metric **out, size_t *n);
enum store_status store_gate_log(struct store *s, const struct gate_log_query *q, struct arena *a,
				 struct gate_record **out, size_t *n, int64_t *total);
/* Recounts the kept exits per household and day and the closures' figures from the gate
 * records and compares them with the kept ones. */
enum store_status store_closure_recount(struct store *s, int64_t *checked, int64_t *mismatched,
					char *first, size_t firstsz);

/* ---- sessions (sq_session.c): signed in sessions, kept across restarts ---- */

/* A session as stored: keyed by the hex of the BLAKE2b hash of its cookie token (the token
 * itself is never stored). */
struct session_row {
	char key[65];
	char user_id[USER_ID_LEN + 1];
	const char *username, *role, *area, *csrf;
	bool must_change;
	int64_t created, last_seen;
};
enum store_status store_tx_session_put(struct store_tx *tx, const struct session_row *r);
/* STORE_NOT_FOUND when there is none. */
enum store_status store_session_get(struct store *s, const char *key, struct arena *a,
				    struct session_row *out);
enum store_status store_tx_session_touch(struct store_tx *tx, const char *key, int64_t last_seen);
enum store_status store_tx_session_must_change(struct store_tx *tx, const char *key,
					       bool must_change);
enum store_status store_tx_session_drop(struct store_tx *tx, const char *key);
/* Every session of user_id but the one of key keep (NULL: none kept). */
enum store_status store_tx_session_drop_user(struct store_tx *tx, const char *user_id,
					     const char *keep);
/* The sessions idle since before idle_before or made before created_before. */
enum store_status store_tx_session_prune(struct store_tx *tx, int64_t idle_before,
					 int64_t created_before);

/* ---- operations: metrics and readiness (sq_ops.c; docs/operations.md section 4) ---- */

/* What the store tells /metrics: no personal data, a snapshot taken without stopping
 * anyone (counters are atomics; the queue depth and the readers in use are read under
 * their locks for a moment). db_bytes, wal_bytes: -1 when not known; on PostgreSQL
 * db_bytes is pg_database_size and wal_bytes -1 (the WAL is the cluster's). */
struct store_metrics {
	bool pg;
	int schema_version; /* -1: could not be read */
	int64_t db_bytes, wal_bytes;
	uint64_t jobs_interactive; /* writes waited for by a request */
	uint64_t jobs_bulk;        /* an import's batches */
	uint64_t jobs_async;       /* queued without a waiter (audit rows of denials) */
	uint64_t groups_failed;    /* groups whose commit failed (their jobs answered busy) */
	size_t queue_depth;        /* jobs waiting for the writer now */
	int readers, readers_busy; /* reader pool size, connections in use now */
	uint64_t reader_timeouts;  /* waits for a reader that gave up */
	struct metrics_hist_snap group_jobs; /* jobs per group commit */
	struct metrics_hist_snap commit_us;  /* COMMIT (the fsync) latency */
	struct metrics_hist_snap
		reader_wait_us; /* waits for a free reader (only those that waited) */
};
void store_metrics(struct store *s, struct store_metrics *out);
/* Whether the database takes writes now: a no-op job through the writer (its BEGIN
 * IMMEDIATE, or PostgreSQL's write lock, and its COMMIT) answered within timeout_ms.
 * STORE_OK, STORE_BUSY (not within the bound; the job is left to the writer) or the
 * error of its transaction. */
enum store_status store_ready(struct store *s, int timeout_ms);
/* ---- retention of personal data (sq_retention.c, issue 16; domain/retention.h) ----
 *
 * What is due is found by its end of purpose (the rules of domain/retention.h, as SQL:
 * the same for the run, the preview and the due list), scrubbed one object at a time by
 * a few set-based statements, and marked (anonymised_at), so that a rerun finds nothing. */

#include "domain/retention.h"

struct retention_settings {
	struct retention_policy p;
	const char *updated_by;
	int64_t updated_at;
};
enum store_status store_retention_settings_get(struct store *s, struct arena *a,
					       struct retention_settings *out);
enum store_status store_tx_retention_settings_get(struct store_tx *tx, struct arena *a,
						  struct retention_settings *out);
enum store_status store_tx_retention_settings_set(struct store_tx *tx,
						  const struct retention_settings *in);

/* One object due: a file (person), a passage, a closure, a duty matter, an import; with
 * what its anonymised text is made from. */
struct retention_item {
	char id[USER_ID_LEN + 1];
	const char *name;     /* person: its name; duty: the caller's */
	const char *area;     /* the object's area */
	const char *township; /* person: its township's name */
	const char *village;  /* person: its village's name ("" above a village) */
	const char *path;     /* import: the uploaded file */
	int birth;
	int64_t end_at; /* the end of its purpose */
};
/* On a reader, outside any write: at most max objects of category c due at cutoff (their
 * purpose ended at or before it, nothing of them open, not anonymised or changed since),
 * with id > after (keyset order by id; an outbound message's id compared as a number). The
 * candidates of a batch, and a dry run's count. */
enum store_status store_retention_due_read(struct store *s, enum retention_cat c, int64_t cutoff,
					   const char *after, size_t max, struct arena *a,
					   struct retention_item **out, size_t *n);
/* In the batch's transaction: object id of category c as it is now, if still due at
 * cutoff (STORE_NOT_FOUND: not due any more, or gone). A lookup by its key. */
enum store_status store_tx_retention_due_one(struct store_tx *tx, enum retention_cat c,
					     int64_t cutoff, const char *id, struct arena *a,
					     struct retention_item *out);
/* A name under an object (a passage's persons, a closure's households' heads): key, seq
 * and the name as stored. */
struct retention_name_row {
	char key[USER_ID_LEN + 1];
	int seq;
	const char *name;
};
enum store_status store_tx_retention_names(struct store_tx *tx, enum retention_cat c,
					   const char *id, struct arena *a,
					   struct retention_name_row **out, size_t *n);
enum store_status store_tx_retention_name_set(struct store_tx *tx, enum retention_cat c,
					      const struct retention_name_row *r,
					      const char *name);
/* Anonymises object id of category c (name, address, birth: a file's; name: a duty
 * matter's caller), marks it anonymised at sc->now, and scrubs its audit rows'
 * before/after and its idempotency keys; the caller checked it is due in the same
 * transaction (store_tx_retention_due_one). STORE_NOT_FOUND: no such object, or (a
 * closure, an import) anonymised already. */
struct retention_scrub {
	const char *id, *name, *address;
	int birth;
	int64_t now;
};
enum store_status store_tx_retention_scrub(struct store_tx *tx, enum retention_cat c,
					   const struct retention_scrub *sc);
/* Deletes at most max rows of what is only deleted: what "prereg" (pre-registrations
 * expired before cutoff) or "idempotency" (keys made before it, oldest first: by the
 * index on created_at); or empties the notes of at most max "handover"s made before it;
 * *n deleted (emptied). */
enum store_status store_tx_retention_prune(struct store_tx *tx, const char *what,
					   int64_t cutoff, size_t max, int64_t *n);

/* The preview in scope: how many objects of category c the runs of each day of
 * [first_day, first_day + ndays) take (epoch days of Asia/Shanghai; an object's run day is
 * (end + shift) / 86400, shift = retention_preview_shift), those overdue counted on the
 * first. */
enum store_status store_retention_preview(struct store *s, enum retention_cat c,
					  const char *scope, int64_t shift, int64_t first_day,
					  int ndays, int64_t *counts);
/* The files in scope due soonest: at most max from offset, *total of them, due (end +
 * days) before until. */
enum store_status store_retention_files_due(struct store *s, const char *scope, int days,
					    int64_t until, size_t offset, size_t max,
					    struct arena *a, struct retention_item **out,
					    size_t *n, int64_t *total);

struct retention_run {
	char id[USER_ID_LEN + 1];
	const char *source; /* "daily", "api", "cli" */
	int day;            /* local YYYYMMDD */
	int64_t at, started_at, finished_at;
	const char *state; /* "running", "done", "stopped" (ended before its end: busy, killed) */
	const char *counts; /* JSON object: category → count */
	const char *by_user;
};
enum { RETENTION_RUNS_MAX = 100 };
enum store_status store_tx_retention_run_insert(struct store_tx *tx, const struct retention_run *r);
/* The run ended: state "done" or "stopped", with its counts. */
enum store_status store_tx_retention_run_finish(struct store_tx *tx, const char *id,
						const char *state, const char *counts,
						int64_t finished_at);
/* A batch of the run committed at now (beat_at: a run that stopped beating stopped). */
enum store_status store_tx_retention_run_beat(struct store_tx *tx, const char *id, int64_t now);
/* Marks "stopped" the runs still "running" whose last batch was before `before` (their
 * process was killed, or lost the database); *n marked. */
enum store_status store_tx_retention_run_stop_stale(struct store_tx *tx, int64_t before,
						    int64_t *n);
enum store_status store_tx_retention_run_get(struct store_tx *tx, const char *id,
					     struct arena *a, struct retention_run *out);
/* The latest day a daily run finished on (state "done"; 0: none). */
enum store_status store_retention_last_daily(struct store *s, int *day);
enum store_status store_retention_runs(struct store *s, size_t max, struct arena *a,
				       struct retention_run **out, size_t *n);

#endif
