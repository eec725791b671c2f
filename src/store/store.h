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
#include "util/arena.h"

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_CONFLICT,      /* a unique value is taken (username, sibling name) */
	STORE_CONFLICT_IDEM, /* same UUID, different request */
	STORE_INVALID,       /* the data breaks a rule checked inside the transaction */
	STORE_BUSY,
	STORE_ERROR,
};

const char *store_status_name(enum store_status st);

struct store;

struct store_opts {
	int readers;      /* read-only connections in the pool (1–64) */
	int batch_max;    /* most writes in one group commit */
	bool create;      /* create the file if missing */
};

/* Opens (and migrates) the database. On failure returns NULL and a message in err
 * (static or owned by nobody). */
struct store *store_open(const char *path, const struct store_opts *opts, const char **err);
void store_close(struct store *s);
/* Consistent copy of the whole database into a new file while others use it. */
enum store_status store_backup(struct store *s, const char *out_path);
int store_schema_version(struct store *s);
enum store_status store_integrity_check(struct store *s, char *msg, size_t msgsz);

/* ---- audit ---- */

struct audit_entry {
	const char *user_id, *username, *ip, *request_id;
	const char *action;      /* "area.create", "login.failed", … */
	const char *object_type; /* "area", "user", "session" */
	const char *object_id;
	const char *area;        /* the area the object belongs to, for scoped reading */
	const char *result;      /* "ok", "denied", "failed" */
	const char *before, *after; /* JSON text or NULL; filled by the store for changes */
};

struct audit_row {
	int64_t id, at;
	const char *user_id, *username, *ip, *action, *object_type, *object_id, *area, *result;
	const char *before, *after, *request_id;
};

struct audit_filter {
	const char *scope;    /* area prefix the caller may read; NULL = everything */
	bool scope_global;    /* also rows with no area (unknown-user login failures) */
	const char *username, *action, *area;
	int64_t from, to;     /* 0 = open */
	int64_t before_id;    /* 0 = newest */
	int limit;
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

/* Input of store_area_load: one official area. */
struct area_seed {
	const char *code, *parent, *name;
};

/* Loads official areas in one transaction; existing codes keep their local fields
 * (responsible person, phones) and get the official name. */
enum store_status store_area_load(struct store *s, const struct area_seed *seeds, size_t n,
				  const struct audit_entry *e);
enum store_status store_area_get(struct store *s, const char *code, struct arena *a,
				 struct area *out);
enum store_status store_area_children(struct store *s, const char *code, struct arena *a,
				      struct area **out, size_t *n);
/* Areas under scope whose name contains q or whose code starts with q. */
enum store_status store_area_search(struct store *s, const char *scope, const char *q, int limit,
				    struct arena *a, struct area **out, size_t *n);
bool store_area_exists(struct store *s, const char *code);
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
/* Creates a grid under a village or a group under a grid, coded parent + next 3 digits.
 * STORE_CONFLICT when a sibling has the name; STORE_NOT_FOUND for a missing parent. */
enum store_status store_area_create(struct store *s, const struct store_idem *idem,
				    const struct area_new *in, const struct audit_entry *e,
				    struct arena *a, struct area *out, bool *replayed);

struct area_patch {
	const char *name, *responsible_name, *responsible_phone, *duty_phone; /* NULL = keep */
};
enum store_status store_area_update(struct store *s, const char *code, const struct area_patch *p,
				    const struct audit_entry *e, struct arena *a, struct area *out);

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
	int failed_logins;
	int64_t locked_until, created_at, last_login_at;
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
enum store_status store_user_get(struct store *s, const char *id, struct arena *a, struct user *out);
enum store_status store_user_list(struct store *s, const struct user_filter *f, struct arena *a,
				  struct user **out, size_t *n, int64_t *total);
size_t store_user_count(struct store *s);

/* in->id is the client UUID (idem->uuid); in->password_hash is required.
 * STORE_CONFLICT when the username is taken. */
enum store_status store_user_create(struct store *s, const struct store_idem *idem,
				    const struct user *in, const struct audit_entry *e,
				    struct arena *a, struct user *out, bool *replayed);

struct user_patch {
	const char *display_name, *phone, *area; /* NULL = keep */
	enum role role;                          /* ROLE_NONE = keep */
	int disabled;                            /* -1 = keep */
};
enum store_status store_user_update(struct store *s, const char *id, const struct user_patch *p,
				    const struct audit_entry *e, struct arena *a, struct user *out);
/* Sets a new password hash, clears the lock; must_change as given. */
enum store_status store_user_set_password(struct store *s, const char *id, const char *hash,
					  bool must_change, const struct audit_entry *e);

/* Records a login attempt. On failure counts it and locks the account for lock_seconds
 * after max_failures in a row; on success resets the count. */
enum store_status store_user_login_result(struct store *s, const char *id, bool ok, int64_t now,
					  int max_failures, int lock_seconds,
					  const struct audit_entry *e);

#endif
