/* service — the use cases: what a write does, checked and recorded in one place.
 *
 * Every write goes through svc_run(), the one transaction runner. Inside one transaction
 * of the store (store_run) it
 *   1. checks the client's idempotency key, when the write has one: a replay answers what
 *      the first request answered, another request under the same key is
 *      STORE_CONFLICT_IDEM (409);
 *   2. runs the use case with the caller's principal: the use case reads every object it
 *      reads or changes through the transaction and checks it against the caller's scope
 *      there (svc_in_scope), so nothing can move between the check and the write; an
 *      object out of scope is STORE_NOT_FOUND, exactly like a missing one;
 *   3. writes the audit row the use case filled in (who, from where, which request are
 *      the runner's to set);
 *   4. stores the idempotency key with the object it names;
 *   5. reads the answer (on a replay too, from the stored object).
 * A transaction that could not commit (STORE_BUSY) left nothing behind and is run again,
 * a few times, before the caller hears of it.
 *
 * Use cases live one file per entity (svc_task.c, …); their SQL is the backend's
 * (store_tx_* in store.h). Ownership: what a use case returns is allocated from the
 * arena the caller passes. */
#ifndef FK_SERVICE_H
#define FK_SERVICE_H

#include <stdbool.h>

#include "store/store.h"

/* Who writes: the signed-in account, and where the request came from. */
struct principal {
	const char *user_id, *username;
	enum role role;
	const char *area; /* the account's scope: its area and everything below */
	const char *ip, *request_id;
	/* A self-report link (svc_self.c): no account; the one observation the link names,
	 * whose area is `area`. NULL for an account. */
	const char *observation_id;
};

struct svc_ctx {
	struct store_tx *tx;
	const struct principal *who;
	struct arena *a;
	void *arg;                /* the use case's own input and output */
	const char *object_id;    /* what the write made or changed: the key's object */
	struct audit_entry audit; /* object_type, object_id, area, before, after: the use case's */
	bool replayed;
};

struct svc_write {
	const char *action;            /* audit action */
	const char *kind;              /* idempotency kind; NULL: the action */
	const struct store_idem *idem; /* NULL: no client key (the write is not repeatable) */
	/* the change: reads, checks, writes; sets x->object_id and x->audit, whose strings
	 * must outlive it (x->a or the caller's: never a local of the use case) */
	enum store_status (*apply)(struct svc_ctx *x);
	/* the answer, read in the same transaction: after apply, or for a replay of
	 * x->object_id; NULL when the write answers nothing */
	enum store_status (*answer)(struct svc_ctx *x);
	void *arg;
};

/* How many times a transaction that could not commit is run again. */
enum { SVC_BUSY_RETRIES = 3 };

enum store_status svc_run(struct store *s, const struct principal *who, const struct svc_write *w,
			  struct arena *a, bool *replayed);

/* Whether area lies in the caller's scope. */
bool svc_in_scope(const struct svc_ctx *x, const char *area);
/* JSON text of o (taken) in x's arena, for audit before/after; NULL for NULL. */
const char *svc_json(struct svc_ctx *x, void *o);

/* ---- verification tasks (svc_task.c) ---- */

/* Closes the task with an outcome; with cl->forward_area a new task opens there for the
 * same person, whose file moves with it. The task and its person's file must lie in scope.
 * STORE_CONFLICT: already closed; STORE_INVALID: unknown outcome or forward area. */
enum store_status svc_task_close(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *id,
				 const struct task_close *cl, struct arena *a, struct task *out,
				 bool *replayed);
/* Moves an open task to area (in scope; the file follows) and/or sets its assignee ("":
 * none), or with extend > 0 moves its deadline that many seconds later (from the deadline
 * read in the transaction). The task and its file must lie in scope. STORE_CONFLICT:
 * closed; STORE_INVALID: area outside scope or missing. */
struct task_change {
	const char *area, *assignee, *reason;
	int64_t extend;
	int64_t now;
};
enum store_status svc_task_change(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *id,
				  const struct task_change *ch, struct arena *a, struct task *out,
				  bool *replayed);

/* ---- key-person files (svc_person.c) ---- */

/* Registers a person met at the door (POST /persons) in row->p.area (in scope;
 * STORE_INVALID otherwise), idempotent by idem, touching only files in scope: the file
 * with the same ID number in scope is updated (*merged). When the only file with that
 * valid number lies outside scope, a new file is made in scope as for an unknown person,
 * with defect PERSON_ELSEWHERE; a task with that defect and an audit row
 * "person.duplicate" (naming the other file) go to the lowest area containing both. */
enum store_status svc_person_register(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const struct import_row *row,
				      struct arena *a, struct person *out, bool *merged,
				      bool *replayed);
/* Merges file `other` into `keep`: travel, timeline and tasks move over, `other` is marked
 * merged_into and no longer found. STORE_CONFLICT when one of them is already merged (or
 * both are one); STORE_NOT_FOUND when either lies outside scope. */
enum store_status svc_person_merge(struct store *s, const struct principal *who,
				   const char *keep, const char *other, struct arena *a,
				   struct person *out);

/* ---- areas (svc_area.c) ---- */

/* Creates a grid under a village or a group under a grid (the parent in scope), coded
 * parent + next 3 digits, idempotent by idem. STORE_CONFLICT when a sibling has the name;
 * STORE_NOT_FOUND for a parent missing or out of scope; STORE_INVALID for a parent of
 * another level (or one with 999 children). */
enum store_status svc_area_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct area_new *in,
				  struct arena *a, struct area *out, bool *replayed);
/* Changes an area in scope (NULL fields keep). STORE_INVALID: a new name for an official
 * area; STORE_CONFLICT: a sibling has the name; STORE_NOT_FOUND: missing or out of scope. */
enum store_status svc_area_update(struct store *s, const struct principal *who, const char *code,
				  const struct area_patch *p, struct arena *a, struct area *out);

/* ---- accounts (svc_user.c) ---- */

/* Creates an account in an area in scope (STORE_INVALID otherwise, or for an area that
 * does not exist); in->id is the client UUID, in->password_hash is required; idempotent by
 * idem when given. STORE_CONFLICT when the username is taken. */
enum store_status svc_user_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct user *in,
				  struct arena *a, struct user *out, bool *replayed);
/* Changes an account the caller manages: in scope, and the caller's own or of a role the
 * caller may grant (else STORE_NOT_FOUND, as for a missing one); a new area must lie in
 * scope (STORE_INVALID). out: the account as written; before (may be NULL) as it was. */
enum store_status svc_user_update(struct store *s, const struct principal *who, const char *id,
				  const struct user_patch *p, struct arena *a, struct user *before,
				  struct user *out);
/* Sets a new initial password (hash) on an account the caller manages (as for an update),
 * to be changed at the next login; clears the lock. out: the account. */
enum store_status svc_user_reset(struct store *s, const struct principal *who, const char *id,
				 const char *hash, struct arena *a, struct user *out);

/* ---- home observation (svc_obs.c, svc_visit.c) ---- */

struct obs_new {
	const char *id, *person_id, *kind, *place, *reason;
	const char *grid_worker, *doctor, *social_worker; /* account ids or NULL = default */
	int start_date, end_date;
	const char *token_hash, *token_box;
	/* household members placed with the person: ids and tokens made by the caller */
	size_t nhousehold;
	const char *const *household, *const *household_ids, *const *household_hash,
		*const *household_box;
	int64_t now;
};
struct obs_placed {
	struct observation obs;
	struct observation *household; /* the members placed with it */
	size_t nhousehold;
	const char *bad_field; /* the field a refusal names */
};
/* Places a person (and household members) under observation: each person in scope, not
 * merged, not under observation already; staff given (an enabled account of the role
 * whose area covers the person's) or the nearest. STORE_NOT_FOUND: a person missing or
 * outside scope; STORE_CONFLICT: already under observation; STORE_INVALID: a staff id
 * (out->bad_field names the field). */
enum store_status svc_obs_place(struct store *s, const struct principal *who,
				const struct store_idem *idem, const struct obs_policy *pol,
				const struct obs_new *in, struct arena *a, struct obs_placed *out,
				bool *replayed);
/* A new planned end of an observation in scope. STORE_CONFLICT: not active. */
enum store_status svc_obs_period(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const struct obs_policy *pol,
				 const char *id, int end_date, const char *reason, int64_t now,
				 struct arena *a, struct observation *out, bool *replayed);
/* Releases an active observation in scope on or after its end date with no open alert
 * (STORE_CONFLICT otherwise); revokes its token, the person is released. */
enum store_status svc_obs_release(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct obs_policy *pol,
				  const char *id, const char *note, int64_t now, struct arena *a,
				  struct observation *out, bool *replayed);
/* Changes who is responsible: staff[i] NULL keeps, "" clears, else an enabled account of
 * that role whose area covers the observation's (STORE_INVALID, *bad_field names it).
 * STORE_CONFLICT: not active. */
enum store_status svc_obs_staff(struct store *s, const struct principal *who,
				const struct store_idem *idem, const char *id,
				const char *const staff[3], int64_t now, struct arena *a,
				struct observation *out, const char **bad_field, bool *replayed);
/* Ends an active observation (released, transferred) inside a use case's transaction:
 * its counts, per-day counts and token. STORE_CONFLICT: not active. */
enum store_status svc_obs_end(struct store_tx *tx, const struct obs_policy *pol,
			      const struct observation *o, const char *status, const char *reason,
			      int64_t now);

struct visit_done {
	struct visit visit;
	struct alert alert; /* raised or fed by a fever visit */
	bool has_alert;
	struct observation obs; /* after the visit */
};
/* Records a visit (in: id made by the caller; observation_id, at, mode, checks, temp,
 * symptoms, note, by, self_report) to an active observation in scope: its slot, lateness
 * and fever, the day's filled slots and the board's counts; a fever raises an alert
 * (alert_id) or feeds the open one. action: "visit.create" or "selfreport.visit" (one key
 * space). STORE_CONFLICT: the observation is not active. */
enum store_status svc_visit_add(struct store *s, const struct principal *who,
				const struct store_idem *idem, const struct obs_policy *pol,
				const char *action, const struct visit *in, const char *alert_id,
				int64_t now, struct arena *a, struct visit_done *out,
				bool *replayed);

/* ---- fever alerts (svc_alert.c) ---- */

/* Refers an alert (u->destination) and/or records its result (u->result): the alert, its
 * observation and its person's file must lie in scope. A result closes the alert and its
 * counts; anything but "excluded" ends an active observation as transferred and marks the
 * person (hospital, suspected, confirmed). STORE_CONFLICT: the alert is closed. */
enum store_status svc_alert_update(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const struct obs_policy *pol,
				   const char *id, const struct alert_update *u, struct arena *a,
				   struct alert *out, bool *replayed);

/* ---- service requests (svc_service.c) ---- */

/* A request (in: id made by the caller, kind, items, requested_by, requester, assignee,
 * due_at) for the active observation in->observation_id, in scope. action:
 * "service.create" or "selfreport.service" (one key space). STORE_CONFLICT: the
 * observation is not active. */
enum store_status svc_service_create(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const char *action,
				     const struct service *in, int64_t now, struct arena *a,
				     struct service *out, bool *replayed);
/* Moves a request in scope (with its observation and person's file) to status, with
 * assignee and note (NULL keeps). STORE_CONFLICT: a move obs_service_move_ok refuses. */
enum store_status svc_service_move(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *id, const char *status,
				   const char *assignee, const char *note, int64_t now,
				   struct arena *a, struct service *out, bool *replayed);

/* ---- the self-report link (svc_self.c) ---- */

/* The principal of a self-report link: no account, the one observation o the link named
 * (its scope; checked again inside each write), the request's address and id. */
struct principal svc_self_principal(const struct observation *o, const char *ip,
				    const char *request_id);
/* A temperature reported through the link (a visit: mode "self", self_report). */
enum store_status svc_self_report(struct store *s, const struct principal *link,
				  const struct store_idem *idem, const struct obs_policy *pol,
				  struct visit *in, const char *alert_id, int64_t now,
				  struct arena *a, struct visit_done *out, bool *replayed);
/* A service request made through the link (requested_by "self"). */
enum store_status svc_self_service(struct store *s, const struct principal *link,
				   const struct store_idem *idem, struct service *in, int64_t now,
				   struct arena *a, struct service *out, bool *replayed);

/* ---- key epidemic areas (svc_reference.c) ---- */

/* Adds or changes an entry of the key-area list, which every township's imports use: only
 * an account whose area is a county may (else STORE_INVALID, checked in the transaction). */
enum store_status svc_key_area_put(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const struct key_area *k,
				   struct arena *a);

#endif
