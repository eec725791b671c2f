/* svc_user_import — accounts created from a spreadsheet, all or none (批量导入账号).
 *
 * One run of svc_run checks every row against the rules of a single account (svc_user.c):
 * a name, a mobile phone, a role the caller may grant, an area in the caller's scope (its
 * code, its name when the name is unique in scope, or "name (code)" as the template's
 * drop-down writes it), a username that is free and not repeated in the file — or one
 * made from the pinyin initials of the name and a number. A file with any bad row creates
 * nothing (STORE_INVALID with the row errors); a good one creates every account in the
 * same transaction, each to change its password at the first login, audited one row per
 * account (phone masked) beside the import's own row.
 *
 * The initial passwords are hashed by the caller (argon2id, about 0.1 s each) before the
 * write, so that the writer thread never waits for them; im->check_only runs the checks
 * (and the replay check) without writing, so that a bad file costs no hashing.
 *
 * Idempotent by the client's uuid (required): the accounts' ids are derived from it and
 * the row number, so a replay answers the accounts the first request created, as they are
 * now — without passwords, which are never stored and were shown once.
 *
 * Ownership: everything answered is allocated from the arena passed. */
#ifndef FK_SVC_USER_IMPORT_H
#define FK_SVC_USER_IMPORT_H

#include "service/service.h"

enum { USER_IMPORT_MAX_ROWS = 500 };

enum user_import_problem {
	UIP_NAME = 1, /* empty or longer than 32 characters */
	UIP_PHONE,    /* not a mainland mobile */
	UIP_ROLE,     /* no such role */
	UIP_ROLE_NOT_GRANTABLE,
	UIP_AREA,              /* no such area in the caller's scope */
	UIP_AREA_AMBIGUOUS,    /* the name of more than one area in scope */
	UIP_USERNAME,          /* malformed */
	UIP_USERNAME_TAKEN,    /* an account has it */
	UIP_USERNAME_REPEATED, /* twice in the file */
	UIP_PHONE_REPEATED,    /* twice in the file */
};

/* One row as read: the cells trimmed ("" when empty). */
struct user_import_row {
	size_t line;
	const char *name, *phone, *role, *area, *username;
	const char *password_hash; /* set by the caller between the check and the write */
};

struct user_import_error {
	size_t line;
	const char *field; /* "name", "phone", "role", "area", "username" */
	enum user_import_problem problem;
};

struct user_import {
	const struct store_idem *idem; /* required: the accounts' ids derive from its key */
	const struct user_import_row *rows;
	size_t n;
	bool check_only;
	/* answered */
	struct user_import_error *errors; /* STORE_INVALID with nerrors > 0 */
	size_t nerrors;
	struct user *accounts; /* STORE_OK: the accounts, in row order */
	size_t naccounts;
};

/* STORE_OK: created (or, *replayed, created before); STORE_INVALID: row errors (none with
 * check_only when every row is good); STORE_CONFLICT_IDEM: the uuid was another file's. */
enum store_status svc_user_import(struct store *s, const struct principal *who,
				  struct user_import *im, struct arena *a, bool *replayed);

/* The areas an import may name: every area in the caller's scope (code, name). */
enum store_status svc_user_import_areas(struct store *s, const struct principal *who,
					struct arena *a, struct area_seed **out, size_t *n);

#endif
