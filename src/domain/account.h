/*
 * account — roles, their rank and permissions, and the shape of usernames and
 * client-generated UUIDs.
 *
 * Every fact about a role (name, rank, permissions) lives in one table in
 * account.c; every function below reads that table, so adding a role or
 * changing what it may do is a one-line change.
 *
 * Ownership: pure. Nothing is allocated. Returned names are static strings;
 * arrays passed in are filled by the callee and owned by the caller.
 */
#ifndef FANGKONG_DOMAIN_ACCOUNT_H
#define FANGKONG_DOMAIN_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>

enum role {
	ROLE_NONE = 0,
	ROLE_VIEWER,
	ROLE_GRID_WORKER,
	ROLE_DOCTOR,
	ROLE_SOCIAL_WORKER,
	ROLE_CHECKPOINT_STAFF,
	ROLE_GATE_GUARD, /* 门岗值守: checks and records passes at one gate of a closed area */
	ROLE_CADRE,
	ROLE_COMMANDER,
	ROLE_ADMIN,
};

enum perm {
	PERM_AREA_READ = 1u << 0,
	PERM_AREA_WRITE = 1u << 1,
	PERM_USER_READ = 1u << 2,
	PERM_USER_WRITE = 1u << 3,
	PERM_AUDIT_READ = 1u << 4,
	PERM_PERSON_READ = 1u << 5,   /* find and open key-person files (masked) */
	PERM_PERSON_REVEAL = 1u << 6, /* show a file's full ID number and phone (audited) */
	PERM_TASK_WORK = 1u << 7,     /* close verification tasks at the door */
	PERM_TASK_MANAGE = 1u << 8,   /* reassign tasks, extend deadlines, see counts */
	PERM_IMPORT = 1u << 9,        /* push lists (imports) down */
	PERM_OBS_WORK = 1u << 10,     /* place under observation, visit, services */
	PERM_OBS_MEDICAL = 1u << 11,  /* referrals of fever alerts and their results */
	PERM_OBS_MANAGE = 1u << 12,   /* change a period, release, the observation board */
	PERM_REPORT_READ = 1u << 13,  /* the daily reports and their roll-up */
	PERM_REPORT_WRITE = 1u << 14, /* submit or correct one's area's daily report */
	PERM_CHECKPOINT_WORK = 1u << 15,   /* register passages at a checkpoint, read its own */
	PERM_CHECKPOINT_MANAGE = 1u << 16, /* open and close checkpoints, assign their staff */
	PERM_DUTY_WORK = 1u << 17,   /* keep the duty log, ask swaps, hand over a shift */
	PERM_DUTY_MANAGE = 1u << 18, /* duty posts, rosters, approving swaps, the duty board */
	PERM_CLOSURE_MANAGE = 1u << 19, /* closed areas: closures, households, passes, gates */
	PERM_GATE_WORK = 1u << 20,      /* check and record passes at a gate of a closed area */
	PERM_RETENTION = 1u << 21,      /* the retention of personal data: settings, preview, runs */
};

#define ROLE_COUNT 9  /* roles other than ROLE_NONE: capacity for role_all */
#define PERM_COUNT 22 /* capacity for role_perm_names: the highest bit used + 1 */

/* "admin", "commander", "cadre", "grid_worker", "doctor", "social_worker",
 * "checkpoint_staff", "gate_guard", "viewer" (exact, lower-case); ROLE_NONE otherwise. */
enum role role_parse(const char *name);

/* Inverse of role_parse; "none" for ROLE_NONE and unknown values. */
const char *role_name(enum role role);

/* admin 5, commander 4, cadre 3, grid_worker/doctor/social_worker/
 * checkpoint_staff/gate_guard 2, viewer 1, ROLE_NONE and unknown values 0. */
int role_rank(enum role role);

/* True when role holds every bit of perm (perm must be non-zero). */
bool role_can(enum role role, enum perm perm);

/* True when granter may create or edit an account with role target: granter
 * holds PERM_USER_WRITE, target is a real role, and target ranks no higher. */
bool role_may_grant(enum role granter, enum role target);

/* "area.read", "area.write", "user.read", "user.write", "audit.read";
 * NULL for anything that is not exactly one known permission. */
const char *perm_name(enum perm perm);

/* Writes the names of role's permissions into out, in the order above, at most
 * cap of them; returns how many were written. */
size_t role_perm_names(enum role role, const char **out, size_t cap);

/* Writes every role, highest rank first, at most cap of them; returns how many
 * were written. */
size_t role_all(enum role *out, size_t cap);

/* 3–32 characters of [a-z0-9_.-], the first a letter or digit. */
bool username_valid(const char *username);

/* 8-4-4-4-12 hexadecimal digits (either case) with hyphens, exactly 36 chars.
 * The version and variant nibbles are not checked. */
bool uuid_valid(const char *s);

#endif
