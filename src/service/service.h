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
 *      object out of scope is STORE_DENIED with the principal's denial slot filled
 *      (svc_deny), answered exactly like a missing one and audited as a denial, as a
 *      read's is (api_store_error);
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

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
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
	/* Where a read or write notes what it refused as out of scope (STORE_DENIED), for the
	 * denial's audit row; NULL: nowhere. */
	struct svc_denial *denial;
};

struct svc_ctx {
	struct store_tx *tx;
	const struct principal *who;
	struct arena *a;
	void *arg;                /* the use case's own input and output */
	const char *object_id;    /* what the write made or changed: the key's object */
	struct audit_entry audit; /* object_type, object_id, area, before, after: the use case's */
	bool replayed;
	/* the daily report's counts the write adds (svc_report_add), written by the runner
	 * after the use case, summed per metric, report day and area (svc_report_flush) */
	struct svc_counts *counts;
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
/* svc_run of bulk work (an import's batch: store_run_bulk): interactive writes waiting go
 * first, and the commit does not wait for the disk. */
enum store_status svc_run_bulk(struct store *s, const struct principal *who,
			       const struct svc_write *w, struct arena *a);
/* Runs w as svc_run does (apply, audit row), but queued: returns at once, before the
 * commit, for a write the client must not wait for (an account lock after failed logins,
 * svc_auth_lock). No idempotency key and no answer (w->idem, w->answer NULL); w->action
 * and w->kind are static strings. who's strings are copied; w->arg is copied as argsz
 * bytes, so it must hold no pointers. A transaction that could not commit is not run
 * again (store_run_queued); a refused one is logged. */
void svc_run_queued(struct store *s, const struct principal *who, const struct svc_write *w,
		    size_t argsz);

/* The system itself: the command line (fangkong init, fangkong user), run by whoever may
 * open the database file. No account (user_id NULL, username "(cli)"), role admin, with
 * the scope of what the command names: `area` (the county it loads, the account's area).
 * Only the system loads the area tree and the national divisions and sets a password
 * without knowing the old one. */
struct principal svc_system_principal(const char *area);
bool svc_is_system(const struct principal *who);

/* Whether area lies in the caller's scope. */
bool svc_in_scope(const struct svc_ctx *x, const char *area);
/* What the write changed, for its key and its audit row: x->object_id = id (which must
 * outlive x), the audit row's object type, area (copied; NULL: the caller's), before and
 * after (svc_json texts or NULL). Returns STORE_OK. */
enum store_status svc_changed(struct svc_ctx *x, const char *type, const char *id, const char *area,
			      const char *before, const char *after);
/* JSON text of o (taken) in x's arena, for audit before/after; NULL for NULL. */
const char *svc_json(struct svc_ctx *x, void *o);
/* An event on the timeline of file person_id, by the caller, in x's transaction (detail:
 * JSON text or NULL). */
enum store_status svc_event(struct svc_ctx *x, const char *person_id, const char *kind,
			    const char *area, const char *detail, int64_t now);
/* An audit row beyond the one the runner writes (a household member placed, a duplicate
 * reported), by the caller, in x's transaction. */
enum store_status svc_audit_more(struct svc_ctx *x, const char *action, const char *object_type,
				 const char *object_id, const char *area, const char *after);

/* ---- verification tasks (svc_task.c) ---- */

/* Closes the task with an outcome; with cl->forward_target a new task opens for the same
 * person, whose file moves with it: at the target when it lies in scope, else at the
 * lowest area over the task's and the target. The task and its person's file must lie in
 * scope (else STORE_DENIED, the denial noted). STORE_CONFLICT: already closed;
 * STORE_INVALID: unknown outcome, or a target in another county. */
enum store_status svc_task_close(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *id,
				 const struct task_close *cl, struct arena *a, struct task *out,
				 bool *replayed);
/* Moves an open task to area (the file follows) and/or sets its assignee ("": none), or
 * with extend > 0 moves its deadline that many seconds later (from the deadline read in
 * the transaction). The task, its file and a new area must lie in scope (else
 * STORE_DENIED, the denial noted). STORE_CONFLICT: closed; STORE_INVALID: area missing. */
struct task_change {
	const char *area, *assignee, *reason;
	int64_t extend;
	int64_t now;
};
enum store_status svc_task_change(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *id,
				  const struct task_change *ch, struct arena *a, struct task *out,
				  bool *replayed);

/* The village of a grid account (the parent of its grid), in a; NULL for an account that
 * is not on a grid. */
const char *svc_task_village(const struct principal *who, struct arena *a);
/* A grid worker takes a task of their village (本村待认领): an open task at exactly the
 * village, with no assignee, whose file is kept at the village, moves with its file to the
 * worker's grid and names the worker (username) as assignee; audited "task.take",
 * idempotent by idem. The rule of scope is its own, checked in the transaction: the task
 * and its file must lie in the village that contains the worker's grid (else STORE_DENIED,
 * the denial noted, as for a missing one). STORE_CONFLICT: closed, or (*taken) taken
 * meanwhile — moved off the village or assigned to someone. */
enum store_status svc_task_take(struct store *s, const struct principal *who,
				const struct store_idem *idem, const char *id, int64_t now,
				struct arena *a, struct task *out, bool *taken, bool *replayed);
/* Reassigning many tasks at once (a commander): ids, or every open unassigned task at
 * exactly `village` (at most TASK_BULK_MAX, read in the transaction), to area and/or
 * assignee, in one transaction. Each task is checked in scope (its area and its file);
 * one out of scope or missing is not_found and one closed is closed, and neither stops
 * the others. A new area and the village must lie in scope (else STORE_DENIED). One audit
 * row "task.reassign_batch" for the batch (object: batch_id, the request's uuid) naming
 * the tasks moved and refused; a timeline event "reassigned" per file. */
enum { TASK_BULK_MAX = 500 };
enum task_bulk_result { TASK_BULK_OK, TASK_BULK_NOT_FOUND, TASK_BULK_CLOSED };
struct task_bulk {
	const char *batch_id;
	const char **ids; /* in; with village: out, the tasks found */
	size_t nids;
	const char *village;
	const char *area, *assignee, *reason;
	int64_t now;
	enum task_bulk_result *results; /* out: one per id */
};
enum store_status svc_task_bulk(struct store *s, const struct principal *who,
				const struct store_idem *idem, struct task_bulk *in,
				struct arena *a, bool *replayed);
const char *svc_task_bulk_result_name(enum task_bulk_result r);
/* Inside a use case: a new task (an import's, a form's, a duplicate's or a forward's), its
 * area's grid workers notified, and counted for the daily report as pushed where it was
 * first pushed (a forward is not pushed again). */
enum store_status svc_task_new(struct svc_ctx *x, const struct task_new *t);
/* Inside a use case: an open task set to area, assignee and due (NULL area or assignee:
 * kept); a new area takes the task's daily-report counts with it. */
enum store_status svc_task_move(struct svc_ctx *x, const struct task *before, const char *area,
				const char *assignee, int64_t due);

/* ---- key-person files (svc_person.c) ---- */

/* A correction at the door (POST /persons/{id}/fix): the ID number, phone and/or address
 * of file id (in scope, not merged; else STORE_DENIED or STORE_CONFLICT) become r's
 * (struct returnee, read by returnee_from_row), the defects of those fields are replaced
 * by r's (returnee_fix_defects), the rest kept. An address resolving to area (NULL: it
 * resolved to nothing, the file stays) moves the file and its open task there, if area
 * lies in scope (else STORE_DENIED) and is not above the file's area. A valid number
 * another file holds follows the rule of a registration: held in scope is
 * STORE_INVALID (the two are merged instead); held elsewhere, the file keeps it defective
 * with PERSON_ELSEWHERE and a task for the commander over both. Audited "person.fix" with
 * old and new values masked as the file shows them; a timeline event "corrected". */
struct returnee;
struct person_fix {
	const char *id;
	unsigned fields; /* RETURNEE_FIX_* (domain/returnee.h) */
	const struct returnee *r;
	const char *area;
};
enum store_status svc_person_fix(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const struct person_fix *f,
				 struct arena *a, struct person *out, bool *replayed);

/* Registers a person met at the door (POST /persons) in row->p.area (in scope;
 * STORE_DENIED otherwise), idempotent by idem, touching only files in scope: the file
 * with the same ID number in scope is updated (*merged). When the only file with that
 * valid number lies outside scope, a new file is made in scope as for an unknown person,
 * with defect PERSON_ELSEWHERE; a task with that defect and an audit row
 * "person.duplicate" (naming the other file) go to the lowest area containing both. */
enum store_status svc_person_register(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const struct import_row *row,
				      struct arena *a, struct person *out, bool *merged,
				      bool *replayed);
/* Merges file `other` into `keep`: travel, timeline and tasks move over, `other` is marked
 * merged_into and no longer found. Idempotent by idem (a replay answers `keep` as it is).
 * STORE_CONFLICT when one of them is already merged (or both are one); STORE_DENIED
 * when either lies outside scope. */
enum store_status svc_person_merge(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *keep,
				   const char *other, struct arena *a, struct person *out,
				   bool *replayed);
/* The one rule of where a person goes, for every use case that writes a person met or
 * listed (svc_person_register, svc_import_batch), inside x's transaction and touching only
 * files in x's scope: the file holding p's valid number when it lies in scope; else the
 * caller's own file of that number (made earlier beside a holder elsewhere, or with the
 * same defective number and name); else a new file p->id. A new file whose valid number a
 * file outside scope holds is made as for an unknown person, with id_valid 0 and defect
 * PERSON_ELSEWHERE (*elsewhere), and a task with that defect and an audit row
 * "person.duplicate" naming the other file go to the lowest area over both. The file gets
 * the journey t and a timeline event kind_new or kind_known with detail. */
struct person_place {
	const struct person *p;
	const struct travel *t;
	const char *import_id; /* the list p came in, or NULL */
	const char *kind_new, *kind_known, *detail;
	int64_t now;
	/* out */
	const char *id; /* the file written (in x->a) */
	bool merged;    /* an existing file was updated */
	bool elsewhere; /* a new file beside a holder out of scope */
};
enum store_status svc_person_place(struct svc_ctx *x, struct person_place *pl);
/* A person read as an imported row (returnee_from_row) as the row svc_person_place takes:
 * a fresh file id, the person's fields and journey pointing into rt (which must outlive
 * out). */
void svc_person_row(const struct returnee *rt, struct import_row *out);

/* ---- areas (svc_area.c) ---- */

/* Creates a grid under a village or a group under a grid (the parent in scope), coded
 * parent + next 3 digits, idempotent by idem. STORE_CONFLICT when a sibling has the name;
 * STORE_NOT_FOUND for a parent missing, STORE_DENIED out of scope; STORE_INVALID for a parent of
 * another level (or one with 999 children). */
enum store_status svc_area_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct area_new *in,
				  struct arena *a, struct area *out, bool *replayed);
/* Changes an area in scope (NULL fields keep), idempotent by idem when given (a replay
 * answers the area as it is). STORE_INVALID: a new name for an official area;
 * STORE_CONFLICT: a sibling has the name; STORE_DENIED: out of scope. */
enum store_status svc_area_update(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *code,
				  const struct area_patch *p, struct arena *a, struct area *out,
				  bool *replayed);

/* ---- a village's grid rules (svc_grid.c) ---- */

/* Replaces the grid rules of village (domain/grid_rule.h) with rules[0..n) (their village
 * fields are ignored) and answers the list as stored. STORE_DENIED: the village is out of
 * scope or unknown; STORE_INVALID: it is not a village, or a rule names an area that is
 * not one of its grids. */
enum store_status svc_grid_rules_put(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const char *village,
				     const struct grid_rule_row *rules, size_t n, struct arena *a,
				     struct grid_rule_row **out, size_t *nout, bool *replayed);
/* The grid rules of the villages under area (in the caller's scope). */
enum store_status svc_grid_rules(struct store *s, const struct principal *who, const char *area,
				 struct arena *a, struct grid_rule_row **out, size_t *n);
/* The rules as domain/grid_rule.h reads them (rows of an unknown kind or parity skipped);
 * the texts are the rows'. */
struct grid_rule;
struct grid_rule *svc_grid_rules_domain(const struct grid_rule_row *rows, size_t n, struct arena *a,
					size_t *nout);
/* The address index of area's county with its villages' grid rules: the one resolution
 * of an address (imports, registration at the door, fixes, handovers), down to a grid
 * where a village's rules say so. *out is freed by the caller (addr_index_free); the
 * county's areas (code, name) are answered in areas_out when it is not NULL. */
struct addr_index;
enum store_status svc_county_index(struct store *s, const char *area, struct arena *a,
				   struct addr_index **out, struct area_seed **areas_out,
				   size_t *nareas);
/* The grid of village whose rules the address fits (grid_rule_match), "" when none or when
 * village is not a village: a person registered at the door of a village goes to the grid
 * its rules name, as an imported row does. The village's scope is the caller's to check. */
enum store_status svc_grid_of_address(struct store *s, const char *village, const char *address,
				      struct arena *a, char grid[16]);

/* ---- accounts (svc_user.c) ---- */

/* Creates an account in an area in scope (STORE_INVALID otherwise, or for an area that
 * does not exist); in->id is the client UUID, in->password_hash is required; idempotent by
 * idem when given. STORE_CONFLICT when the username is taken. */
enum store_status svc_user_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct user *in,
				  struct arena *a, struct user *out, bool *replayed);
/* Changes an account the caller manages: in scope (else STORE_DENIED), and the caller's
 * own or of a role the caller may grant (else STORE_NOT_FOUND, as for a missing one); a
 * new area must lie in scope (STORE_DENIED). Idempotent by idem when given. out: the
 * account as written;
 * before (may be NULL) as it was — on a replay both are the account as it is, so that
 * nothing looks changed. */
enum store_status svc_user_update(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *id,
				  const struct user_patch *p, struct arena *a, struct user *before,
				  struct user *out, bool *replayed);
/* Sets a new initial password (hash) on an account the caller manages (as for an update),
 * to be changed at the next login; clears the lock. out: the account. Idempotent by idem
 * when given: a replay sets nothing and answers the account with *replayed (the initial
 * password is never stored, so a replay cannot tell it again). */
enum store_status svc_user_reset(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *id, const char *hash,
				 struct arena *a, struct user *out, bool *replayed);

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
 * whose area covers the person's) or the nearest. STORE_NOT_FOUND: a person missing;
 * STORE_DENIED: outside scope; STORE_CONFLICT: already under observation; STORE_INVALID:
 * a staff id (out->bad_field names the field). */
enum store_status svc_obs_place(struct store *s, const struct principal *who,
				const struct store_idem *idem, const struct obs_policy *pol,
				const struct obs_new *in, struct arena *a, struct obs_placed *out,
				bool *replayed);
/* A new planned end of an observation in scope (else STORE_DENIED). STORE_INVALID: an end
 * obs_end_valid refuses; STORE_CONFLICT: not active. */
enum store_status svc_obs_period(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const struct obs_policy *pol,
				 const char *id, int end_date, const char *reason, int64_t now,
				 struct arena *a, struct observation *out, bool *replayed);
/* Releases an active observation in scope on or after its end date with no open alert
 * (STORE_CONFLICT otherwise, out the observation as read, which tells why); revokes its
 * token, the person is released. */
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
enum store_status svc_obs_end(struct svc_ctx *x, const struct obs_policy *pol,
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
 * space). STORE_INVALID: a time obs_visit_time_valid refuses (not for a self-report, which
 * is now); STORE_CONFLICT: the observation is not active. */
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
				   const struct store_idem *idem, const char *id,
				   const char *status, const char *assignee, const char *note,
				   int64_t now, struct arena *a, struct service *out,
				   bool *replayed);

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

/* ---- reads: one path (svc_read.c; per entity svc_task_read.c, svc_person_read.c,
 * svc_obs_read.c) ----
 *
 * Every read a handler makes is one of these functions, and each takes the principal and
 * scopes itself: a list reads under who->area (a narrower area the client names must lie
 * in it); a getter loads the object and checks every area it names. Out of scope is
 * STORE_DENIED, with who->denial filled: the caller answers it exactly like not found and
 * audits the denial (api_store_error). A read of one object in several queries runs in
 * one snapshot (store_view). The few reads that no scope can apply to say so in their name
 * (svc_ref_*: reference data; svc_self_open: the token is the credential). */

struct svc_denial {
	const char *object_type; /* a string literal */
	/* a copy: the id a use case refused often lies in its own frame, gone when the caller
	 * answers (an id or an area code; longer ones are cut) */
	char object_id[64];
	const char *field; /* the request field that named it (a literal), or NULL */
	/* why: out of scope (answered as not found), or a rule of the accounts checked in the
	 * writing transaction (answered 403: role.not_grantable, user.self) */
	enum svc_refusal { SVC_OUT_OF_SCOPE = 0, SVC_ROLE_NOT_GRANTABLE, SVC_SELF } why;
};

/* Notes what was refused in who->denial; returns STORE_DENIED. */
enum store_status svc_deny(const struct principal *who, const char *object_type,
			   const char *object_id, const char *field);
/* The same for a refusal by a rule (why), not by scope. */
enum store_status svc_refuse(const struct principal *who, enum svc_refusal why,
			     const char *object_type, const char *object_id);
/* Whether area (not NULL, not "") lies in who's scope. */
bool svc_sees(const struct principal *who, const char *area);
/* A getter's check: st, or STORE_DENIED (the denial of object_type object_id noted) when
 * st is STORE_OK and area, the object's, lies outside who's scope. */
enum store_status svc_seen(const struct principal *who, enum store_status st, const char *area,
			   const char *object_type, const char *object_id);
/* STORE_OK when the area a request names in field lies in scope, else STORE_DENIED. */
enum store_status svc_scope_check(const struct principal *who, const char *area, const char *field);
/* An audit row of a read (who did it and from where is who's), queued or waited for. */
enum store_status svc_read_audit(struct store *s, const struct principal *who, const char *action,
				 const char *object_type, const char *object_id, const char *area,
				 const char *after, bool wait);

/* Reference data — unscoped: not personal, the same for every reader. */
enum store_status svc_ref_outcomes(struct store *s, struct arena *a, struct outcome **out,
				   size_t *n);
enum store_status svc_ref_divisions(struct store *s, struct arena *a, struct area_seed **out,
				    size_t *n);
/* Every area of area's county (code and name), to resolve an address as an import does. */
enum store_status svc_ref_county_areas(struct store *s, const char *area, struct arena *a,
				       struct area_seed **out, size_t *n);
enum store_status svc_ref_key_areas(struct store *s, struct arena *a, struct key_area **out,
				    size_t *n);
/* The area generation counter (for caches of area data). */
uint64_t svc_ref_area_generation(struct store *s);
/* Whether code names an area, anywhere in the county (a task forwarded out of scope). */
bool svc_ref_area_exists(struct store *s, const char *code);
/* The duty phone and name of area (printed on every card of the area); "" when none. */
enum store_status svc_ref_duty_phone(struct store *s, const char *area, struct arena *a,
				     const char **phone, const char **name);
/* Unscoped: the self-report token is the credential. The active observation whose token
 * hashes to token_hash. */
enum store_status svc_self_open(struct store *s, const char *token_hash, int date, struct arena *a,
				struct observation *out);

/* areas: the caller's own area; one area in scope with its children and its path from the
 * scope down; a search under scope */
enum store_status svc_area_root(struct store *s, const struct principal *who, struct arena *a,
				struct area *out);
enum store_status svc_area_detail(struct store *s, const struct principal *who, const char *code,
				  struct arena *a, struct area *out, struct area **children,
				  size_t *nchildren, struct area **path, size_t *npath);
enum store_status svc_area_search(struct store *s, const struct principal *who, const char *q,
				  int limit, struct arena *a, struct area **out, size_t *n);
/* accounts: f->scope is who's; f->area, when given, must lie in it */
enum store_status svc_user_list(struct store *s, const struct principal *who, struct user_filter *f,
				struct arena *a, struct user **out, size_t *n, int64_t *total);
enum store_status svc_user_get(struct store *s, const struct principal *who, const char *id,
			       struct arena *a, struct user *out);
/* the audit trail: f->scope (and, for an administrator, the rows with no area) is who's;
 * f->area, when given, must lie in it */
enum store_status svc_audit_list(struct store *s, const struct principal *who,
				 struct audit_filter *f, struct arena *a, struct audit_row **rows,
				 size_t *n);

/* tasks (svc_task_read.c): a task is in scope when its area and its person's file are */
enum store_status svc_task_get(struct store *s, const struct principal *who, const char *id,
			       struct arena *a, struct task *out);
/* q->scope is who's; q->area, when given, must lie in it; the name of a person whose file
 * lies outside scope is blanked */
enum store_status svc_task_list(struct store *s, const struct principal *who, struct task_query *q,
				struct arena *a, struct task **out, size_t *n, int64_t *total);
/* The one widening of a grid worker's reads, and only this: the open tasks left at
 * exactly the village that contains the worker's grid, with no assignee and with their
 * files kept at the village (本村待认领, to be taken with svc_task_take). Files of other
 * grids and tasks anywhere else stay out of sight. For an account not on a grid: none
 * (*n = 0, *total = 0). q->limit and q->offset are the caller's; the rest is set here. */
enum store_status svc_task_pool(struct store *s, const struct principal *who, struct task_query *q,
				struct arena *a, struct task **out, size_t *n, int64_t *total);
/* Counts per area under area (NULL: who's area), which must lie in scope. */
enum store_status svc_task_stats(struct store *s, const struct principal *who, const char *area,
				 int64_t now, struct arena *a, struct task_stats **out, size_t *n);

/* key-person files (svc_person_read.c) */
struct person_file {
	struct person p;
	struct travel *travel;
	struct person_event *events;      /* a file named in a detail only when it lies in scope */
	struct task *tasks;               /* only those in scope */
	struct observation *observations; /* in scope, newest first (at most 50) */
	size_t ntravel, nevents, ntasks, nobservations;
};
/* A file in scope (not audited: for checks and for the reveal's own row). */
enum store_status svc_person_get(struct store *s, const struct principal *who, const char *id,
				 struct arena *a, struct person *out);
/* The whole file in one snapshot, and its audit row "person.read". */
enum store_status svc_person_file(struct store *s, const struct principal *who, const char *id,
				  const struct obs_policy *pol, struct arena *a,
				  struct person_file *out);
/* The file, after its audit row "person.reveal" is written (waited for). */
enum store_status svc_person_reveal(struct store *s, const struct principal *who, const char *id,
				    struct arena *a, struct person *out);
/* Files in scope by q's number, phone or name prefix (q->scope is who's), and an audit row
 * "person.search" naming the kind and the count, never the text. */
enum store_status svc_person_search(struct store *s, const struct principal *who,
				    struct person_query *q, const char *kind, struct arena *a,
				    struct person **out, size_t *n);

/* observations, alerts, services, the board (svc_obs_read.c) */
struct obs_detail {
	struct observation obs;
	struct visit *visits;
	struct alert *alerts;
	struct service *services;
	struct obs_day_row *days;
	size_t nvisits, nalerts, nservices, ndays;
};
enum store_status svc_obs_get(struct store *s, const struct principal *who, const char *id,
			      int date, struct arena *a, struct observation *out);
/* The observation with its visits, alerts, services and days in one snapshot, and its
 * audit row "observation.read". */
enum store_status svc_obs_detail(struct store *s, const struct principal *who, const char *id,
				 int date, struct arena *a, struct obs_detail *out);
/* q->scope is who's; q->area, when given, must lie in it */
enum store_status svc_obs_list(struct store *s, const struct principal *who, struct obs_query *q,
			       const struct obs_policy *pol, struct arena *a,
			       struct observation **out, size_t *n, int64_t *total);
/* The board of area (NULL: who's), which must lie in scope. */
enum store_status svc_obs_board(struct store *s, const struct principal *who, const char *area,
				const struct obs_policy *pol, int today, int64_t now,
				struct arena *a, struct obs_board_row *out,
				struct obs_board_row **children, size_t *nchildren);
/* An alert or a service request and the observation it belongs to, both in scope. */
enum store_status svc_alert_get(struct store *s, const struct principal *who, const char *id,
				struct arena *a, struct alert *out);
enum store_status svc_alert_list(struct store *s, const struct principal *who,
				 struct alert_query *q, struct arena *a, struct alert **out,
				 size_t *n, int64_t *total);
enum store_status svc_service_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct service *out);
enum store_status svc_service_list(struct store *s, const struct principal *who,
				   struct service_query *q, struct arena *a, struct service **out,
				   size_t *n, int64_t *total);

/* ---- imported lists (svc_import.c) ---- */

/* Records an uploaded list as a queued job of the caller, in the caller's area (in: id,
 * filename, sha256, path, kind, deadline_hours, mapping, bytes_total), idempotent by idem
 * (a replay answers the job as it is now). STORE_CONFLICT: the same file (SHA-256) was
 * taken in that area by a job that did not fail: existing (UUID_LEN + 1) names it. */
enum store_status svc_import_create(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const struct import_job *in,
				    struct arena *a, struct import_job *out, char *existing,
				    bool *replayed);
/* The worker's writes to a job j below run as the account that uploaded it, in j's area.
 * Running: the header row (JSON array) found and the rows to expect counted. */
enum store_status svc_import_start(struct store *s, const struct import_job *j, const char *header,
				   int64_t total);
/* Ends the job: status "done" or "failed" (with an error code). */
enum store_status svc_import_status(struct store *s, const struct import_job *j, const char *status,
				    const char *error);
struct svc_import_memo;
/* Stores one batch of j in one transaction: each row goes to its file by the rule of
 * svc_person_place (events "pushed"/"listed" naming the list, file and line, and a
 * possible duplicate by name and phone for a row without a number) and gets a task in its
 * area due in j->deadline_hours, unless its person has an open one (a file made beside a
 * holder elsewhere gets only that rule's task); then the issues, the job's counters
 * (delta's rejected, last_line and bytes_done; imported, merged and flagged are counted
 * here) and one audit row "import.batch". A batch at or before the stored last line is
 * refused whole (STORE_CONFLICT): a resumed import never counts a row twice. a: the
 * batch's memory. Where the store takes rows set-wise, the rows that make a new file are
 * stored a run of lines at a time (store_tx_import_merge) with the same effects, and the
 * robot of each area with new tasks is told once per list (memo). */
enum store_status svc_import_batch(struct store *s, const struct import_job *j,
				   const struct import_row *rows, size_t nrows,
				   const struct import_issue *issues, size_t nissues,
				   const struct import_progress *delta, int64_t now,
				   struct svc_import_memo *memo, struct arena *a);
/* What the batches of one list remember between them: the areas whose robot was already
 * told of the list's new tasks (one message per area and list, not per batch). memo may be
 * NULL (each batch tells its areas). */
struct svc_import_memo *svc_import_memo_new(void);
void svc_import_memo_free(struct svc_import_memo *m);
/* How many rows the worker puts in a batch (store_import_batch_rows). */
size_t svc_import_batch_rows(struct store *s);

/* Reads: a job in scope (else STORE_DENIED); the jobs of the caller's area, newest first;
 * the issues of a job j read through svc_import_get, after after_line. */
enum store_status svc_import_get(struct store *s, const struct principal *who, const char *id,
				 struct arena *a, struct import_job *out);
enum store_status svc_import_list(struct store *s, const struct principal *who, int limit,
				  struct arena *a, struct import_job **out, size_t *n);
enum store_status svc_import_issues(struct store *s, const struct principal *who,
				    const struct import_job *j, int64_t after_line, int limit,
				    struct arena *a, struct import_issue **out, size_t *n);

/* ---- key epidemic areas (svc_reference.c) ---- */

/* Adds or changes an entry of the key-area list, which every township's imports use: only
 * an account whose area is a county may (else STORE_INVALID, checked in the transaction). */
enum store_status svc_key_area_put(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const struct key_area *k,
				   struct arena *a);

/* ---- signing in, account locks, one's own password (svc_auth.c) ---- */

/* The principal of a login attempt on account u (read before the password check): the
 * account it names, from the request's address. Its audit rows are the account's. */
struct principal svc_login_principal(const struct user *u, const char *ip, const char *request_id);
/* The success write of a login whose password was checked against `hash` (who: its
 * svc_login_principal): re-checks in the writing transaction that the account is still
 * enabled, not locked at `now` and still has `hash` (a reset or change meanwhile wins),
 * stamps last_login_at, clears the account-wide lock, audits "login". out: the row as
 * written (no hash), which the session is built from. STORE_CONFLICT: refused, out the
 * account as it is now; STORE_NOT_FOUND: the account is gone. */
enum store_status svc_auth_login(struct store *s, const struct principal *who, const char *hash,
				 int64_t now, struct arena *a, struct user *out);
/* Locks who's account for every address until `until` (never earlier than a lock it has)
 * and counts the lock in failed_logins, audited "login.lock": queued (svc_run_queued), so
 * that a lock costs the client no time that would tell. */
void svc_auth_lock(struct store *s, const struct principal *who, int64_t until);
/* Sets the password hash of account id, clears the lock, must_change as given. Only the
 * account itself (audited "password.change") or the system (svc_system_principal, the
 * account in its scope; audited "user.reset_password") may: else STORE_NOT_FOUND.
 * verified: the hash the old password was checked against, re-checked in the transaction
 * (STORE_CONFLICT when the password changed meanwhile), or NULL. Idempotent by idem when
 * given: a replay sets nothing (*replayed). hash NULL only looks idem up: STORE_OK with
 * *replayed for a replay, STORE_CONFLICT_IDEM for another request under it, else
 * STORE_NOT_FOUND, nothing written. */
enum store_status svc_auth_password(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *id, const char *hash,
				    const char *verified, bool must_change, struct arena *a,
				    bool *replayed);

/* Unscoped, as signing in has no scope yet: the account named username, with its password
 * hash, for the password check of a login or of one's own password change. */
enum store_status svc_auth_account(struct store *s, const char *username, struct arena *a,
				   struct user *out);
/* The audit row of a sign-in event that changes no data (a refused or rate-limited
 * attempt, a logout): e says who, queued or waited for. */
enum store_status svc_auth_audit(struct store *s, const struct audit_entry *e, bool wait);

/* ---- the official area tree and the national divisions (svc_load.c) ---- */

/* Loads official areas in one transaction (the system only, every area in its scope:
 * else STORE_INVALID); existing codes keep their local fields (responsible person,
 * phones) and get the official name. Audited "areas.load". */
enum store_status svc_area_load(struct store *s, const struct principal *who,
				const struct area_seed *seeds, size_t n, struct arena *a);
/* Loads the national divisions (provinces, cities, counties) for resolving origins, in one
 * transaction (the system only: else STORE_INVALID). Audited "divisions.load". */
enum store_status svc_division_load(struct store *s, const struct principal *who,
				    const struct area_seed *seeds, size_t n, struct arena *a);

/* ---- contact cards (svc_card.c) ---- */

/* The self-report token of observation id (active, in scope) for its card, when this
 * server cannot open the sealed copy it has (a database moved without its key file): a
 * new token sealed with key is stored, audited "observation.token" (never the token). A
 * copy that opens in the transaction (another request reissued it meanwhile) is kept, so
 * two cards printed at once show one link. token: TOKEN_LEN + 1 bytes. STORE_CONFLICT:
 * not active; STORE_NOT_FOUND: missing or out of scope. */
enum store_status svc_card_token(struct store *s, const struct principal *who,
				 const unsigned char *key, const char *id, struct arena *a,
				 char *token);

/* ---- in-app notifications (svc_notify.c) ---- */

/* Who hears of a new task in area (the grid workers whose area covers it or, for a task at
 * a village or below, lies under it) and of a fever alert of observation o (its doctor and
 * the commanders whose area covers it): one row each, in x's transaction, never to the
 * caller. detail: JSON text or NULL, never an ID number or a phone. */
enum store_status svc_notify_task(struct svc_ctx *x, const char *task_id, const char *area,
				  int64_t now);
enum store_status svc_notify_fever(struct svc_ctx *x, const char *alert_id, const char *area,
				   const char *doctor, int temp_dc, int64_t now);
/* The two halves of svc_notify_task, for an import's tasks stored set-wise
 * (store_tx_import_merge writes their notifications): whether a task in area reaches the
 * workers under it, and the area's robot message (one waiting message at a time). */
bool svc_notify_task_below(const char *area);
enum store_status svc_notify_task_robot(struct svc_ctx *x, const char *area, int64_t now);
/* The caller's own notifications (an account only: else STORE_DENIED), as
 * store_notification_list reads them. */
enum store_status svc_notification_list(struct store *s, const struct principal *who, int64_t after,
					bool unread_only, int limit, struct arena *a,
					struct notification **out, size_t *n, int64_t *unread);
/* Marks the caller's notifications read (ids, n of them; all when n is 0), idempotent by
 * idem, audited "notification.read"; *unread: how many are left unread. */
enum store_status svc_notification_read(struct store *s, const struct principal *who,
					const struct store_idem *idem, const int64_t *ids, size_t n,
					int64_t now, struct arena *a, int64_t *unread,
					bool *replayed);
/* Not personal: the highest notification id of all, for the event streams. */
enum store_status svc_ref_notification_latest(struct store *s, int64_t *id);

/* ---- the daily report (svc_report.c) ---- */

/* Inside a use case: adds delta to metric's count of the report day (under the county's
 * cut-offs) of instant `at`, in area, when the use case is done (svc_report_flush). */
enum store_status svc_report_add(struct svc_ctx *x, enum report_metric m, const char *area,
				 int64_t at, int64_t delta);
/* The runner's step after a use case: the counts it added, under the cut-offs read once,
 * summed, each sum one write (an import's batch of 500 rows: a few writes, not 1,000). */
enum store_status svc_report_flush(struct svc_ctx *x);

enum { REPORT_SENTENCE_MAX = 1024, REPORT_BACK_DAYS = 60, REPORT_TYPED_MAX = 1000000000 };
/* One area's report of a day as the API shows it. */
struct report_area {
	char area[AREA_CODE_MAX + 1];
	const char *name;
	/* "draft" (the area's own, not submitted), "submitted", "nil"; a child reporting area
	 * not submitted yet: "pending"; a child that does not report: NULL */
	const char *status;
	int version;
	int64_t submitted_at;
	bool on_time, reporting;
	int64_t fig[RF__COUNT];
	const char *typed;    /* JSON object of the typed figures */
	const char *sentence; /* a submission's */
};
struct report_daily {
	int day, today, cutoff; /* cutoff: minute of the day's cut-off */
	int64_t deadline;
	struct report_setting setting;
	struct report_area self;    /* its submission, the roll-up of its children, or live */
	int64_t records[RF__COUNT]; /* the records' figures of the area, live */
	struct report_area *children;
	size_t nchildren;
	int64_t expected, submitted, on_time; /* the day's reporting areas under it */
	char *sentence, *sentence_en;
	struct daily_report *versions; /* a reporting area's, the latest first */
	size_t nversions;
};
/* Area's report of day (area in scope, else STORE_DENIED): see the top of svc_report.c. */
enum store_status svc_report_daily(struct store *s, const struct principal *who, const char *area,
				   int day, int64_t now, struct arena *a, struct report_daily *out);
/* The trend of area's records' figures over the ndays report days that end with today's
 * (at most REPORT_TREND_DAYS_MAX), from the kept counts (store_report_series), never the
 * records: day i's figures are what GET /reports/daily's records show for that day, but
 * the values read as of now (overdue tasks, to place, visits), which are 0. Area in scope,
 * else STORE_DENIED; STORE_NOT_FOUND when it does not exist. */
enum { REPORT_TREND_DAYS_MAX = 90 };
struct report_trend {
	int from, to; /* report days, YYYYMMDD */
	size_t ndays;
	int *days;                 /* ndays report days in order */
	int64_t (*fig)[RF__COUNT]; /* each day's figures */
};
enum store_status svc_report_trend(struct store *s, const struct principal *who, const char *area,
				   int ndays, int64_t now, struct arena *a,
				   struct report_trend *out);
/* Completeness and timeliness over days [from, to] of the reporting areas under area. */
struct report_rates {
	int64_t expected, submitted, on_time;
};
enum store_status svc_report_rates(struct store *s, const struct principal *who, const char *area,
				   int from, int to, struct report_rates *out);
/* Submitting (or correcting, with a reason) a reporting area's report of a day. */
enum report_refusal {
	REPORT_OK,
	REPORT_NOT_REPORTING,    /* area: not at the county's reporting level */
	REPORT_DAY_OUT_OF_RANGE, /* date: after today's report day or too far back */
	REPORT_TYPED_UNKNOWN,    /* field: not a typed figure of the county, or not a count */
	REPORT_REASON_REQUIRED,  /* reason: a correction says why */
	REPORT_NIL_CONTRADICTS,  /* nil: a fever was recorded that day */
};
struct report_submit {
	const char *area;
	int day;
	json_t *typed; /* object: the typed figures */
	bool nil;
	const char *reason;
	int64_t now;
	enum report_refusal why; /* out, with STORE_INVALID */
	const char *field;
};
enum store_status svc_report_submit(struct store *s, const struct principal *who,
				    const struct store_idem *idem, struct report_submit *in,
				    struct arena *a, struct report_area *out, bool *replayed);
/* The county's settings: what changes (0 / NULL: kept); a cut-off from from_day on, which
 * must be after today's report day (else STORE_INVALID, *first_day the first allowed). */
struct report_settings_in {
	int cutoff, from_day, level;
	const char *subject, *fields;
	int64_t now;
	int *first_day;
};
enum store_status svc_report_settings_put(struct store *s, const struct principal *who,
					  const struct store_idem *idem,
					  const struct report_settings_in *in, struct arena *a,
					  bool *replayed);
struct report_settings_view {
	struct report_setting setting;
	struct report_cutoff *cutoffs;
	size_t ncutoffs;
	int today, cutoff;
};
enum store_status svc_report_settings_get(struct store *s, const struct principal *who, int64_t now,
					  struct arena *a, struct report_settings_view *out);

/* ---- outbound messages (svc_outbound.c) ---- */

/* Sets (url "" removes) the group-robot webhook of area (in scope, else STORE_DENIED),
 * kind "wecom" or "dingtalk", the URL checked by the caller (outbound_url_ok); idempotent
 * by idem, audited "area.outbound" (whether a URL is set, never the URL: it lets anyone
 * post to the group). */
enum store_status svc_outbound_config_put(struct store *s, const struct principal *who,
					  const struct store_idem *idem, const char *area,
					  const char *kind, const char *url, const char *sms_phones,
					  int64_t now, struct arena *a);
/* (url NULL keeps the robot.) At most this many duty mobiles per area receive its messages by SMS
 * (sms_phones above: a JSON array of normalised mobiles checked by the caller, or NULL to keep
 * them). */
enum { SVC_SMS_PHONES_MAX = 5, SVC_SMS_PHONES_JSON = 128 };
/* The webhook of area (in scope); kind and url "" when it has none; STORE_NOT_FOUND when
 * the area does not exist. */
enum store_status svc_outbound_config_get(struct store *s, const struct principal *who,
					  const char *area, struct arena *a,
					  struct outbound_config *out);
/* Queues, in x's transaction, the fever message of area for its webhook and those of the
 * areas over it: the area's name and the temperature, masked (outbound_mask). */
enum store_status svc_outbound_fever(struct svc_ctx *x, const char *area, const char *area_name,
				     int temp_dc, int64_t now);
/* Queues, in x's transaction, "【title】area name：what（…）" masked for the robots over area;
 * once: not where the same text still waits to be sent. */
enum store_status svc_outbound_note(struct svc_ctx *x, const char *area, const char *area_name,
				    const char *title, const char *what, bool once, int64_t now);
/* The sender's steps, as the system: the messages due; a try's result (sent, or again
 * after outbound_backoff, or failed after OUTBOUND_TRIES), audited "outbound.send". */
enum store_status svc_outbound_due(struct store *s, int64_t now, int limit, struct arena *a,
				   struct outbound_msg **out, size_t *n);
enum store_status svc_outbound_result(struct store *s, const struct outbound_msg *m, bool ok,
				      const char *error, int64_t now, struct arena *a);

/* ---- the sweep's reminders (svc_sweep.c) ---- */

/* Read notifications are kept this many days, all of them at most the other. */
enum { SVC_NOTIFY_KEEP_READ_DAYS = 30, SVC_NOTIFY_KEEP_DAYS = 90 };
struct svc_sweep_result {
	int64_t task_overdue, to_place, visit_missed, pruned, prereg_pruned;
};
/* One run at now, as the system (audited "notification.sweep"): reminds of what is overdue,
 * to be placed or missed, once per object, kind and local day (store_tx_sweep_mark), to
 * svc_notify's recipients and the area's robots; prunes old notifications. Bounded. */
enum store_status svc_sweep(struct store *s, int64_t now, struct arena *a,
			    struct svc_sweep_result *r);

/* ---- closed areas (封闭式管理, svc_closure.c) ----
 *
 * Who may act on a closure: an account whose scope holds its area (closure.manage). Who may
 * act at a gate: the same, and a gate_guard account only at its own gate
 * (app_user.gate_id), read in the transaction that writes. Out of scope is STORE_DENIED,
 * answered as missing. The verdict at the gate is computed by the server in the
 * transaction that writes the record (domain/closure.h), never taken from the phone. */

/* in: id (made by the caller), area, from_day, reason, out_per, every_days, outsiders,
 * vehicles, created_by, created_at. The area's person files become its households.
 * STORE_CONFLICT: the area has an active closure. */
enum store_status svc_closure_create(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const struct closure *in,
				     struct arena *a, struct closure *out, bool *replayed);
/* Which rules an update sets; the others keep their values. */
enum { RULE_OUT_PER = 1, RULE_EVERY_DAYS = 2, RULE_OUTSIDERS = 4, RULE_VEHICLES = 8 };
/* Rules (in->out_per…, those in `rules`, a RULE_ mask) and reason (NULL: kept) of closure
 * in->id. */
enum store_status svc_closure_update(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const struct closure *in,
				     unsigned rules, struct arena *a, struct closure *out);
/* Ends it on day `on` (not before its start: STORE_INVALID; STORE_CONFLICT: ended). */
enum store_status svc_closure_reopen(struct store *s, const struct principal *who,
				     const struct store_idem *idem, const char *id, int on,
				     struct arena *a, struct closure *out);
/* With its counts of today. */
enum store_status svc_closure_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct closure *out);
enum store_status svc_closure_list(struct store *s, const struct principal *who, const char *area,
				   bool all, struct arena *a, struct closure **out, size_t *n);

struct household_in {
	const char *head, *address, *phone;
	int members;
	long line; /* an import's line */
};
struct household_result {
	const char *closure_id;
	int64_t added, updated;
	int64_t skipped_over_limit; /* a refresh: new addresses left out at HOUSEHOLDS_MAX */
};
/* Households from the person files of the closure's area, grouped by address: new
 * addresses added, known ones' head, members and phone from the files updated. */
enum store_status svc_household_refresh(struct store *s, const struct principal *who,
					const struct store_idem *idem, const char *closure_id,
					struct arena *a, struct household_result *out);
/* One by hand (id made by the caller); STORE_CONFLICT: the address has one; STORE_INVALID:
 * *refused says why, "closure_ended" or "too_many" (HOUSEHOLDS_MAX). */
enum store_status svc_household_add(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *closure_id,
				    const char *id, const struct household_in *in, struct arena *a,
				    struct household *out, const char **refused, bool *replayed);
/* Rows of a sheet (checked by the caller): added by address, or updated. STORE_INVALID as
 * for svc_household_add. */
enum store_status svc_household_import(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *closure_id,
				       const struct household_in *rows, size_t n, struct arena *a,
				       struct household_result *out, const char **refused);
enum store_status svc_household_block(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const char *closure_id,
				      const char *household_id, bool blocked, const char *reason,
				      struct arena *a, struct household *out);
/* A page of households (audited: closure.households); next_allowed[i] (YYYYMMDD) of each
 * (today when it may go out), 0 for none. */
enum store_status svc_household_list(struct store *s, const struct principal *who,
				     struct household_query *q, struct arena *a,
				     struct household **out, int **next_allowed, size_t *n,
				     int64_t *total);

struct pass_in {
	const char *kind, *household_id, *holder, *employer, *purpose;
	int64_t valid_from, valid_to;
};
/* A pass of closure_id. STORE_CONFLICT: *refused says why: "exists" (the household has a
 * resident pass), "observation", "blocked", "closure_ended"; STORE_NOT_FOUND: a household
 * of another closure or none. */
enum store_status svc_pass_issue(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *closure_id,
				 const struct pass_in *in, struct arena *a,
				 struct closure_pass *out, const char **refused, bool *replayed);
struct pass_batch {
	int64_t issued, skipped_observation, skipped_blocked;
};
enum store_status svc_pass_batch(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *closure_id,
				 struct arena *a, struct pass_batch *out);
/* Revokes number and issues a new one to the same holder (answers the new one).
 * STORE_CONFLICT: revoked already; STORE_INVALID: the closure has ended. */
/* *refused ("observation", "blocked") with STORE_CONFLICT: the household of a resident pass
 * may get no pass now, and nothing changed. */
enum store_status svc_pass_reissue(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *number,
				   const char *reason, struct arena *a, struct closure_pass *out,
				   const char **refused);
/* STORE_CONFLICT: revoked already. */
enum store_status svc_pass_revoke(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *number,
				  const char *reason, struct arena *a, struct closure_pass *out);
enum store_status svc_pass_get(struct store *s, const struct principal *who, const char *number,
			       struct arena *a, struct closure_pass *out);
enum store_status svc_pass_list(struct store *s, const struct principal *who,
				const struct pass_query *q, struct arena *a,
				struct closure_pass **out, size_t *n, int64_t *total);
/* The closure and its passes to print (numbers NULL: every one not revoked). Audited. */
enum store_status svc_pass_print(struct store *s, const struct principal *who,
				 const char *closure_id, const char *const *numbers, size_t nnum,
				 struct arena *a, struct closure *c, struct closure_pass **out,
				 size_t *n);

enum store_status svc_gate_create(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const char *closure_id,
				  const char *id, const char *name, struct arena *a,
				  struct gate *out, bool *replayed);
enum store_status svc_gate_list(struct store *s, const struct principal *who,
				const char *closure_id, struct arena *a, struct gate **out,
				size_t *n);
/* A gate_guard account in scope joins the gate (its area becoming the closure's), or
 * leaves it. STORE_INVALID: another role; STORE_CONFLICT: joining a gate of an ended
 * closure; STORE_NOT_FOUND with *not_guard: the account leaving is not on this gate. */
enum store_status svc_gate_guard(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const char *gate_id,
				 const char *user_id, bool remove, struct arena *a,
				 struct gate *out, struct user **guards, size_t *nguards,
				 bool *not_guard);
/* The gate the caller acts at: gate_id, or a guard's own when NULL; and its closure. */
enum store_status svc_gate_mine(struct store *s, const struct principal *who, const char *gate_id,
				struct arena *a, struct gate *g, struct closure *c);

/* The answer of the gate for one pass. */
struct gate_check {
	enum closure_reason reason;
	bool green, shown; /* shown: pass holds the pass (of this closure) */
	struct closure_pass pass;
	int64_t last_out_at;
	int next_allowed; /* YYYYMMDD, 0 none */
	bool out_now, fever;
};
/* What the gate says now of number (canonical) on the way out (or in). */
enum store_status svc_gate_check(struct store *s, const struct principal *who, const char *gate_id,
				 const char *number, bool out, struct arena *a,
				 struct gate_check *chk);
struct gate_record_in {
	const char *id, *gate_id, *number, *direction, *person, *override_reason;
	const char *phone_verdict; /* "green", "red" or NULL (online) */
	int64_t at;
	int temp;
};
/* Records a passing: the verdict computed in the transaction; a green exit of a resident
 * pass counted for its household's quota. Idempotent by its uuid (in->id). */
enum store_status svc_gate_record(struct store *s, const struct principal *who,
				  const struct store_idem *idem, const struct gate_record_in *in,
				  struct arena *a, struct gate_record *rec, struct gate_check *chk,
				  bool *replayed);
/* The offline list of the caller's gate (lo..hi: the window ending today): the passes in
 * force and those revoked in the last 7 days, at most GATE_LIST_MAX (*total: all). */
enum store_status svc_gate_passes(struct store *s, const struct principal *who, const char *gate_id,
				  struct arena *a, struct gate *g, struct closure *c,
				  struct gate_pass **out, size_t *n, int64_t *total);
enum store_status svc_closure_days(struct store *s, const struct principal *who, const char *id,
				   int from, int to, struct arena *a, struct closure *c,
				   struct closure_day_metric **days, size_t *ndays,
				   struct closure_pass **out_now, size_t *nout);
enum store_status svc_gate_log(struct store *s, const struct principal *who,
			       const struct gate_log_query *q, struct arena *a,
			       struct gate_record **out, size_t *n, int64_t *total);

/* ---- checkpoints (svc_checkpoint.c) ---- */

/* Who may act at a checkpoint: an account whose scope holds the checkpoint's area; a
 * checkpoint_staff account only at its own checkpoint (app_user.checkpoint_id), read in
 * the transaction that writes (or by the read). Anything else is answered as not found. */

/* Opens a checkpoint (in: id made by the caller, name, kind, area, location, opened_on,
 * shift_starts) in an area in scope (else STORE_DENIED). */
enum store_status svc_checkpoint_create(struct store *s, const struct principal *who,
					const struct store_idem *idem, const struct checkpoint *in,
					struct arena *a, struct checkpoint *out, bool *replayed);
/* Closes it on closed_on. STORE_CONFLICT: closed already; STORE_INVALID: before it opened. */
enum store_status svc_checkpoint_close(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *id, int closed_on,
				       struct arena *a, struct checkpoint *out, bool *replayed);
/* A checkpoint_staff account in scope (else STORE_DENIED) joins the checkpoint, its area
 * becoming the checkpoint's, or (remove) leaves it. STORE_INVALID: another role. */
enum store_status svc_checkpoint_staff_set(struct store *s, const struct principal *who,
					   const struct store_idem *idem, const char *id,
					   const char *user_id, bool remove, struct arena *a,
					   struct checkpoint *out, bool *replayed);
/* Reads (scoped as above); totals of today. */
enum store_status svc_checkpoint_get(struct store *s, const struct principal *who, const char *id,
				     struct arena *a, struct checkpoint *out);
/* The checkpoint of a checkpoint_staff account; STORE_NOT_FOUND for none. */
enum store_status svc_checkpoint_mine(struct store *s, const struct principal *who, struct arena *a,
				      struct checkpoint *out);
enum store_status svc_checkpoint_list(struct store *s, const struct principal *who,
				      const char *area, bool closed, struct arena *a,
				      struct checkpoint **out, size_t *n);
enum store_status svc_checkpoint_staff(struct store *s, const struct principal *who, const char *id,
				       struct arena *a, struct user **out, size_t *n);
/* A shift's totals: shift k (1..) begun on day, hours [from, to) and past midnight. */
struct checkpoint_shift {
	int shift, from, to; /* hours; to may be the next day's (to < from) */
	struct checkpoint_totals t;
};
/* The totals of each shift of c begun on day (c read by svc_checkpoint_get). */
enum store_status svc_checkpoint_shifts(struct store *s, const struct checkpoint *c, int day,
					struct checkpoint_shift out[CHECKPOINT_SHIFTS_MAX],
					size_t *n);
/* The checkpoints under area (in scope; only `id` when not NULL) open some day of [from,
 * to], each with its totals over those days in ->today; *sum their sum. */
enum store_status svc_checkpoint_stats(struct store *s, const struct principal *who,
				       const char *area, const char *id, int from, int to,
				       struct arena *a, struct checkpoint **out, size_t *n,
				       struct checkpoint_totals *sum);

/* A passage to register: p (id made by the caller, checkpoint_id, at, plate…, persons with
 * their outcomes decided) and, for each person, the file a handover places (rows[i]: the
 * person read as an imported row, its area the destination resolved or the queue it goes
 * to). prereg: the pre-registration it confirms (consumed), or NULL. */
struct passage_new {
	struct passage p;
	struct import_row *rows;
	const char *prereg;
	const char *reason; /* a correction's */
	int64_t now;
};
/* Registers a passage at a checkpoint the caller may act at (else STORE_DENIED): counts,
 * and each handover's file (one per person, as an import's: svc_person_place with the
 * checkpoint's county as scope — the checkpoint hands over on the county's behalf, its
 * staff see nothing of the file) and its verification task due in 24 h. STORE_CONFLICT:
 * the checkpoint is closed; STORE_INVALID: `at` before it opened; STORE_NOT_FOUND for a
 * pre-registration that is gone (*prereg_gone) or of another checkpoint. out: as stored. */
enum store_status svc_passage_add(struct store *s, const struct principal *who,
				  const struct store_idem *idem, struct passage_new *in,
				  struct arena *a, struct passage *out, bool *prereg_gone,
				  bool *replayed);
/* A new version of passage id (in->p: the corrected vehicle and persons, as many as
 * before; in->reason required): the old one kept masked with the reason, the totals moved.
 * A person handed over stays handed over (STORE_CONFLICT when the correction says
 * otherwise); one newly handed over is handed over. STORE_INVALID: another number of
 * persons. */
enum store_status svc_passage_correct(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const char *id,
				      struct passage_new *in, struct arena *a, struct passage *out,
				      bool *replayed);
/* A passage with its earlier versions, the read audited ("passage.read"). */
enum store_status svc_passage_get(struct store *s, const struct principal *who, const char *id,
				  struct arena *a, struct passage *out,
				  struct passage_version **versions, size_t *nversions);
/* The same without its versions or an audit row: what a correction starts from (its
 * write is audited). */
enum store_status svc_passage_current(struct store *s, const struct principal *who, const char *id,
				      struct arena *a, struct passage *out);
/* The passages of a checkpoint the caller may act at: day's (shift k's hours when k > 0),
 * filtered (outcome, q), a page. */
enum store_status svc_passage_list(struct store *s, const struct principal *who,
				   const char *checkpoint_id, int day, int shift,
				   const char *outcome, const char *q, int limit, int offset,
				   struct arena *a, struct passage **out, size_t *n,
				   int64_t *total);
/* The persons registered at a checkpoint the caller may act at over days [from, to]
 * (outcome: only those), streamed (store_passage_lines); each NULL: only *total. */
enum store_status svc_passage_lines(struct store *s, const struct principal *who,
				    const char *checkpoint_id, int from, int to,
				    const char *outcome, const struct store_each *each,
				    int64_t *total);
/* A passage as the API shows it: ID numbers and phones masked. */
json_t *svc_passage_json(const struct passage *p);
/* Closing or forwarding a handover's task (svc_task.c, in its transaction): a close counts
 * as a handover closed on the passage's day; a forward moves the handover to new_task. */
enum store_status svc_checkpoint_task_closed(struct svc_ctx *x, const char *task_id,
					     const char *new_task);

/* ---- a county's reading context, shared (svc_refcache.c) ---- */

/* The county's address index with its grid rules, the national divisions and the key
 * areas, as returnee_from_row reads a person: built once per county and area generation
 * (store_area_changed) and shared by every request, never written once built. */
struct svc_refcache;
struct svc_reading;
struct returnee_ctx;
struct svc_refcache *svc_refcache_new(void);
void svc_refcache_free(struct svc_refcache *c);
/* A reference to area's county's context (built when missing or old); give it back with
 * svc_reading_put once the rows are read. */
enum store_status svc_reading_get(struct svc_refcache *c, struct store *s, const char *area,
				  struct svc_reading **out);
void svc_reading_put(struct svc_refcache *c, struct svc_reading *r);
/* ctx's addr, divisions and keys, valid while the reference is held. */
void svc_reading_ctx(const struct svc_reading *r, struct returnee_ctx *ctx);

/* ---- pre-registration (QR poster, no account) ---- */

enum { PREREG_PERSONS_MAX = 9, PREREG_HOURS = 24 };
/* The principal of a traveller's page: no account, nothing in scope. */
struct principal svc_public_principal(const char *ip, const char *request_id);
/* Stores a pre-registration (body: the JSON text typed, validated by the caller) for an
 * open checkpoint (STORE_NOT_FOUND: none; STORE_CONFLICT: closed; STORE_BUSY: pending_max
 * already wait there, a bound on what the public page can fill), under a fresh code,
 * idempotent by idem; out: as stored (a replay: the first answer's). */
enum store_status svc_prereg_create(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *checkpoint_id,
				    const char *body, int64_t now, int pending_max, struct arena *a,
				    struct prereg *out, bool *replayed);
/* A pre-registration for staff at its checkpoint (as svc_checkpoint_get), the read
 * audited ("prereg.read"); NOT_FOUND when expired or out of reach. */
enum store_status svc_prereg_get(struct store *s, const struct principal *who, const char *code,
				 struct arena *a, struct prereg *out);
/* A checkpoint's public face (name, kind, location, open) for the traveller's page. */
enum store_status svc_checkpoint_public(struct store *s, const char *id, struct arena *a,
					struct checkpoint *out);

/* ---- sessions kept across restarts (svc_session.c) ---- */

enum svc_session_op {
	SVC_SESSION_PUT,         /* row */
	SVC_SESSION_TOUCH,       /* key, t1: last seen */
	SVC_SESSION_MUST_CHANGE, /* key, flag */
	SVC_SESSION_DROP,        /* key */
	SVC_SESSION_DROP_USER,   /* user_id, key: the one kept or NULL */
	SVC_SESSION_PRUNE,       /* t1: idle before, t2: made before */
};
struct svc_session_change {
	enum svc_session_op op;
	const struct session_row *row;
	const char *key, *user_id;
	int64_t t1, t2;
	bool flag;
};
/* One change of the session rows, committed before it returns. */
enum store_status svc_session_write(struct store *s, const struct svc_session_change *c);
/* The row of key; STORE_NOT_FOUND when none. */
enum store_status svc_session_get(struct store *s, const char *key, struct arena *a,
				  struct session_row *out);

/* ---- 24-hour duty (值班值守, svc_duty.c) ----
 *
 * Who may act at a post is one rule: the post's area in scope and, for checkpoint staff,
 * only their own checkpoint's post, read in the transaction that writes; out of scope is
 * STORE_DENIED, answered as not found. A rule of duty that refuses (not on duty, not the
 * owner, a swap asked too late, …) answers STORE_INVALID with *why set; the handler
 * answers the error of why. Times are UTC seconds; dates YYYYMMDD (Asia/Shanghai). */

enum duty_why {
	DUTY_WHY_NONE = 0,
	DUTY_WHY_SHIFT,         /* no such shift index (400) */
	DUTY_WHY_SLOT,          /* the swap's slot holds nobody (400) */
	DUTY_WHY_SAME,          /* a slot swapped with itself (400) */
	DUTY_WHY_STARTED,       /* the earlier shift of the swap has started (409) */
	DUTY_WHY_DECIDED,       /* the swap was decided (409) */
	DUTY_WHY_CHANGED,       /* the roster changed since the swap was asked (409) */
	DUTY_WHY_NOT_ON_DUTY,   /* not on the current shift of the post (403) */
	DUTY_WHY_NOT_OWNER,     /* not the entry's owner nor a duty manager (403) */
	DUTY_WHY_NOT_LEADER,    /* not a leader of the swap's shifts nor a manager (403) */
	DUTY_WHY_NOT_SHIFT,     /* not on the shift handing over / taking over (403) */
	DUTY_WHY_CLOSED,        /* the entry is closed (409) */
	DUTY_WHY_NOT_HANDED,    /* a return of an entry not handed on (409) */
	DUTY_WHY_HAS_TASK,      /* the entry has its task (409) */
	DUTY_WHY_WINDOW,        /* a handover outside its window (409) */
	DUTY_WHY_EXISTS,        /* the shift was handed over (409) */
	DUTY_WHY_CONFIRMED,     /* the handover was confirmed (409) */
	DUTY_WHY_FORBIDDEN,     /* a task asked by a role that opens none (403) */
	DUTY_WHY_LOG_FULL,      /* the entry has DUTY_EVENTS_MAX events (409) */
	DUTY_WHY_SHIFT_STARTED, /* a shift that has started rewritten (409) */
	DUTY_WHY_USER,          /* a roster account that could not act at the post (400) */
};

/* The posts under area (in scope; checkpoint staff: their checkpoint's only). */
enum store_status svc_duty_posts(struct store *s, const struct principal *who, const char *area,
				 struct arena *a, struct duty_post **out, size_t *n);
enum store_status svc_duty_post_get(struct store *s, const struct principal *who, const char *id,
				    struct arena *a, struct duty_post *out);
/* A post's duty phone (NULL: kept; for an area post the area's duty_phone) and shifts
 * (NULL: kept; the slots from yesterday on are retimed, those past the new count removed). */
enum store_status svc_duty_post_put(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *id,
				    const char *phone, const char *shifts, struct arena *a,
				    struct duty_post *out);
/* A post and its roster over [from, to]. */
enum store_status svc_duty_roster(struct store *s, const struct principal *who, const char *post,
				  int from, int to, struct arena *a, struct duty_post *p,
				  struct duty_roster *out);
/* One shift set: leader (JSON object text or ""), officers (JSON array text); user_ids the
 * accounts named (each in scope, else STORE_DENIED with field "user_id"). */
struct duty_slot_in {
	int day, index;
	const char *leader, *officers;
	const char **user_ids;
	size_t nusers;
};
enum store_status svc_duty_slot_set(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *post,
				    const struct duty_slot_in *in, struct arena *a,
				    struct duty_slot *out, enum duty_why *why);
/* The shifts of days [from, from+days) copied onto [to, to+days), replacing them. */
enum store_status svc_duty_roster_copy(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *post, int from,
				       int to, int days, struct arena *a, int *copied,
				       enum duty_why *why);
/* A swap asked (in: a_*, b_* and reason). */
enum store_status svc_duty_swap_ask(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *post,
				    const struct duty_swap *in, struct arena *a,
				    struct duty_swap *out, enum duty_why *why, bool *replayed);
enum store_status svc_duty_swap_decide(struct store *s, const struct principal *who,
				       const struct store_idem *idem, const char *id, bool approve,
				       struct arena *a, struct duty_swap *out, enum duty_why *why);
/* The swaps of a post (state NULL: all). */
enum store_status svc_duty_swaps(struct store *s, const struct principal *who, const char *post,
				 const char *state, struct arena *a, struct duty_swap **out,
				 size_t *n);
/* The posts of area's chain up to the county and the checkpoints under area, each with the
 * shift going on at now. */
enum store_status svc_duty_now(struct store *s, const struct principal *who, const char *area,
			       int64_t now, struct arena *a, struct duty_post **out, size_t *n);
/* Every post under the caller's scope with the shift going on at now; *truncated when a
 * cap cut it. */
enum store_status svc_duty_board(struct store *s, const struct principal *who, int64_t now,
				 struct arena *a, struct duty_post **out, size_t *n,
				 bool *truncated);

/* A log entry (in: at, kind, from_name, from_contact, content, action): the caller, on
 * duty at the post now or a duty manager, becomes its owner (首问负责制). */
enum store_status svc_duty_log_add(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *post,
				   const struct duty_log *in, struct arena *a, struct duty_log *out,
				   enum duty_why *why, bool *replayed);
enum duty_log_act { DUTY_LOG_HAND, DUTY_LOG_RETURN, DUTY_LOG_CLOSE, DUTY_LOG_NOTE };
/* hand (text: to), return (text: result), close (text: result), note (text: note). */
enum store_status svc_duty_log_act(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *id,
				   enum duty_log_act act, const char *text, const char *note,
				   struct arena *a, struct duty_log *out, enum duty_why *why);
/* A verification task (and the person's file) made from the entry by the rule of a
 * checkpoint's handover (svc_person_place, on the county's behalf), due in 24 h. */
enum store_status svc_duty_log_task(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *id,
				    const struct import_row *row, struct arena *a,
				    struct duty_log *out, enum duty_why *why);
/* An entry (scope-checked), for the handler that builds a task's row. */
enum store_status svc_duty_log_get(struct store *s, const struct principal *who, const char *id,
				   struct arena *a, struct duty_log *out);
/* A page of a post's entries over days [from, to] (open: not closed only); audited. */
enum store_status svc_duty_log_list(struct store *s, const struct principal *who, const char *post,
				    int from, int to, bool open, int page, struct arena *a,
				    struct duty_log **out, size_t *n, int64_t *total);
enum store_status svc_duty_handover_add(struct store *s, const struct principal *who,
					const struct store_idem *idem, const char *post, int day,
					int index, const char *note, struct arena *a,
					struct duty_handover *out, enum duty_why *why,
					bool *replayed);
enum store_status svc_duty_handover_confirm(struct store *s, const struct principal *who,
					    const struct store_idem *idem, const char *id,
					    const char *note, struct arena *a,
					    struct duty_handover *out, enum duty_why *why);
enum store_status svc_duty_handovers(struct store *s, const struct principal *who, const char *post,
				     int from, int to, struct arena *a, struct duty_handover **out,
				     size_t *n);

/* ---- operations: /metrics and /readyz (svc_ops.c) ---- */

/* The store's metrics (store_metrics): nothing personal, no principal needed. */
void svc_store_metrics(struct store *s, struct store_metrics *out);
enum svc_readiness { SVC_READY, SVC_NOT_WRITABLE, SVC_SCHEMA_MISMATCH };
/* /readyz probes at most once per SVC_READY_CACHE_MS; requests meanwhile get its answer,
 * and so do those that come while a probe is going on: none waits for it, except before the
 * first probe has answered. A probe waits at most
 * SVC_READY_TIMEOUT_MS for the writer. */
enum { SVC_READY_CACHE_MS = 1000, SVC_READY_TIMEOUT_MS = 2000 };
struct svc_ready_cache {
	pthread_mutex_t mu;    /* held by the one probe going on */
	_Atomic int64_t at_ms; /* monotonic time of the last probe, 0: none yet */
	_Atomic int last;      /* its enum svc_readiness */
};
void svc_ready_init(struct svc_ready_cache *c);
void svc_ready_destroy(struct svc_ready_cache *c);
/* Whether the database takes writes (a no-op job through the writer, in time) and its
 * schema is the version this program migrates to. */
enum svc_readiness svc_ready(struct store *s, struct svc_ready_cache *c);
/* ---- retention of personal data (svc_retention.c, issue 16) ---- */

enum { RETENTION_PREVIEW_DAYS = 30, RETENTION_BATCH = 500, RETENTION_DUE_MAX = 100 };

/* The county's settings; who: county-level admin or commander (the handler checks the
 * level). */
enum store_status svc_retention_settings(struct store *s, struct arena *a,
					 struct retention_settings *out);
/* Sets them (bounds: domain/retention.h; a day count or hour of -1 keeps the one set;
 * STORE_INVALID out of bounds); audited before/after. */
enum store_status svc_retention_settings_set(struct store *s, const struct principal *who,
					     const struct store_idem *idem,
					     const struct retention_policy *in, struct arena *a,
					     struct retention_settings *out, bool *replayed);

/* The preview in the caller's scope: for each category and each of the next
 * RETENTION_PREVIEW_DAYS local days from today (first_day: YYYYMMDD), how many objects
 * that day's run takes (the overdue on the first); the files due soonest (a page). */
struct retention_preview {
	struct retention_settings settings;
	int days[RETENTION_PREVIEW_DAYS]; /* YYYYMMDD */
	int64_t counts[RET_NCAT][RETENTION_PREVIEW_DAYS];
	struct retention_item *due;
	int64_t *due_at; /* when each is due */
	size_t ndue;
	int64_t total;
};
enum store_status svc_retention_preview(struct store *s, const struct principal *who,
					int64_t now, size_t offset, size_t max, struct arena *a,
					struct retention_preview *out);

/* One run at `now`: every category in batches of RETENTION_BATCH objects, each batch's
 * candidates read on a reader and the batch one svc_run that checks each again (its audit
 * row: the category and count), so that an interrupted run leaves whole batches and the
 * next run goes on from there; then the run's row is finished with its counts (one more
 * audit row, counts only): "done", or "stopped" when a batch failed (the error answered). source: "daily", "api", "cli"; note: the
 * caller's reason, in the first audit row (NULL: none). With idem,
 * a run already made under that key answers as it was (*replayed). dry_run: counts what
 * a run would take, writes nothing. Upload files of anonymised imports are deleted. */
enum store_status svc_retention_run(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *source,
				    const char *note, int64_t now, bool dry_run, struct arena *a,
				    struct retention_run *out, bool *replayed);
/* The daily run, once per local day at or after the settings' hour, until one is done
 * that day (a stopped one is tried again; the server's background thread calls it now
 * and then). */
void svc_retention_daily(struct store *s, int64_t now);
/* The latest runs (at most RETENTION_RUNS_MAX), to a county-level caller; below the
 * county none (the runs count every township's objects). */
enum store_status svc_retention_runs(struct store *s, const struct principal *who, struct arena *a,
				     struct retention_run **out, size_t *n);

#endif
