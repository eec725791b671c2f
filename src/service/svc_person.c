/* svc_person — key-person files (一人一档): a person registered at the door (POST /persons)
 * and two files of one person merged into one.
 *
 * One file per person, touching only files in the caller's scope, read in the writing
 * transaction. A registration updates the file that holds the same valid ID number when it
 * lies in scope; else the caller's own file of that number (made earlier beside a holder
 * elsewhere, or with the same defective number and name); else it makes a new file. When
 * the only holder of the number lies outside scope, the new file is made as for an unknown
 * person (the caller must neither learn of the other nor touch it), stored with id_valid =
 * 0 and the defect PERSON_ELSEWHERE; a task with that defect and an audit row
 * "person.duplicate" naming the other file go to the lowest area over both, for that
 * commander to merge them. A person met at the door gets no task. That rule is
 * svc_person_place, which an import's rows go through too (svc_import.c). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "domain/idcard.h"
#include "domain/phone.h"
#include "domain/returnee.h"
#include "service/service.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { DUPLICATE_TASK_HOURS = 24 }; /* for the commander over both files to merge them */

struct register_io {
	const struct import_row *row;
	struct person *out;
	bool merged;
};

/* The new file person_id in area, whose valid number a file elsewhere (holder, in
 * holder_area) holds: a task flagged PERSON_ELSEWHERE at the lowest area over both (the
 * county when none is lower), and an audit row there naming the holder. */
static enum store_status report_duplicate(struct svc_ctx *x, const char *person_id,
					  const char *area, const char *holder,
					  const char *holder_area, const char *import_id, bool key,
					  int64_t now)
{
	char *common = arena_alloc(x->a, AREA_CODE_MAX + 1);
	char *task_id = arena_alloc(x->a, UUID_LEN + 1);
	enum store_status ss;

	if (!area_code_common(area, holder_area, common, AREA_CODE_MAX + 1))
		snprintf(common, AREA_CODE_MAX + 1, "%.6s", area);
	uuid_v4(task_id);
	struct task_new t = {
		.id = task_id,
		.person_id = person_id,
		.import_id = import_id,
		.area = common,
		.defects = PERSON_ELSEWHERE,
		.forward_target = area,
		.due_at = now + DUPLICATE_TASK_HOURS * 3600,
		.now = now,
		.key_area = key,
	};
	if ((ss = svc_task_new(x, &t)) != STORE_OK)
		return ss;
	return svc_audit_more(x, "person.duplicate", "person", person_id, common,
			      svc_json(x, json_pack("{s:s, s:s}", "duplicate_of", holder,
						    "duplicate_area", holder_area)));
}

/* The file pl->p goes to, by the rule of one file per person, touching only files in
 * scope: see the top of this file and service.h. */
static enum store_status find_file(struct svc_ctx *x, const struct person *p, char *id,
				   char holder[USER_ID_LEN + 1],
				   char holder_area[AREA_CODE_MAX + 1])
{
	enum store_status ss = store_tx_person_holder(x->tx, p, holder, USER_ID_LEN + 1,
						      holder_area, AREA_CODE_MAX + 1);

	id[0] = '\0';
	if (ss != STORE_OK)
		return ss;
	if (*holder && svc_in_scope(x, holder_area)) {
		memcpy(id, holder, USER_ID_LEN + 1);
		*holder = '\0'; /* ours: no duplicate */
		return STORE_OK;
	}
	return store_tx_person_own(x->tx, p, x->who->area, id, USER_ID_LEN + 1);
}

enum store_status svc_person_place(struct svc_ctx *x, struct person_place *pl)
{
	const struct person *in = pl->p;
	struct person fresh = *in;
	char *id = arena_alloc(x->a, USER_ID_LEN + 1);
	char holder[USER_ID_LEN + 1], holder_area[AREA_CODE_MAX + 1];
	enum store_status ss;

	if ((ss = find_file(x, in, id, holder, holder_area)) != STORE_OK)
		return ss;
	pl->merged = *id != '\0';
	pl->elsewhere = !pl->merged && *holder;
	if (!pl->merged) {
		memcpy(id, in->id, USER_ID_LEN + 1);
		if (pl->elsewhere) {
			fresh.id_valid = false;
			fresh.defects =
				in->defects && *in->defects
					? arena_printf(x->a, "%s,%s", in->defects, PERSON_ELSEWHERE)
					: PERSON_ELSEWHERE;
		}
	}
	pl->id = id;
	ss = pl->merged ? store_tx_person_fill(x->tx, id, in, pl->now)
			: store_tx_person_insert(x->tx, &fresh, pl->now);
	if (ss != STORE_OK ||
	    (ss = store_tx_travel_add(x->tx, id, pl->t, pl->import_id, pl->now)) != STORE_OK ||
	    (ss = svc_event(x, id, pl->merged ? pl->kind_known : pl->kind_new, in->area, pl->detail,
			    pl->now)) != STORE_OK)
		return ss;
	if (pl->elsewhere)
		return report_duplicate(x, id, in->area, holder, holder_area, pl->import_id,
					in->categories & CAT_KEY_AREA,
					pl->now);
	return STORE_OK;
}

void svc_person_row(const struct returnee *rt, struct import_row *out)
{
	memset(out, 0, sizeof *out);
	uuid_v4(out->p.id);
	out->p.doc_type = rt->doc_type;
	out->p.id_number = rt->id_number;
	out->p.id_valid = rt->id_valid;
	out->p.name = rt->name;
	out->p.sex = rt->sex;
	out->p.phone = rt->phone;
	out->p.address = rt->address;
	out->p.birth = rt->birth;
	memcpy(out->p.area, rt->area, sizeof out->p.area);
	out->p.categories = rt->key_area ? CAT_KEY_AREA : 0;
	out->p.defects = rt->defects;
	out->t = (struct travel){.origin = rt->origin,
				 .origin_code = rt->origin_code,
				 .arrival = rt->arrival,
				 .transport = rt->transport,
				 .transport_no = rt->transport_no};
}

static enum store_status apply_register(struct svc_ctx *x)
{
	struct register_io *io = x->arg;
	struct person_place pl = {
		.p = &io->row->p,
		.t = &io->row->t,
		.kind_new = "created",
		.kind_known = "updated",
		.now = time_now(),
	};
	enum store_status ss;

	if (!svc_in_scope(x, pl.p->area))
		return svc_deny(x->who, "area", pl.p->area, "area");
	if ((ss = svc_person_place(x, &pl)) != STORE_OK ||
	    (ss = store_tx_person_read(x->tx, pl.id, x->a, io->out)) != STORE_OK)
		return ss;
	if (!svc_in_scope(x, io->out->area))
		return svc_deny(x->who, "person", pl.id, NULL);
	io->merged = pl.merged;
	return svc_changed(x, "person", pl.id, io->out->area, NULL, NULL);
}

/* A replay answers the file the first request registered (merged: false, as before). */
static enum store_status answer_register(struct svc_ctx *x)
{
	struct register_io *io = x->arg;

	if (!x->replayed)
		return STORE_OK; /* read by apply */
	io->merged = false;
	return store_tx_person_read(x->tx, x->object_id, x->a, io->out);
}

enum store_status svc_person_register(struct store *s, const struct principal *who,
				      const struct store_idem *idem, const struct import_row *row,
				      struct arena *a, struct person *out, bool *merged,
				      bool *replayed)
{
	struct register_io io = {.row = row, .out = out};
	struct svc_write w = {"person.create", "person",        idem,
			      apply_register,  answer_register, &io};
	enum store_status ss = svc_run(s, who, &w, a, replayed);

	*merged = ss == STORE_OK && io.merged;
	return ss;
}

/* ---- merging ---- */

struct merge_io {
	const char *keep, *other;
	struct person *out;
};

/* The file id, read in the transaction, in scope; else STORE_DENIED. */
static enum store_status file_in_scope(struct svc_ctx *x, const char *id, struct person *p)
{
	enum store_status ss = store_tx_person_read(x->tx, id, x->a, p);

	if (ss == STORE_OK && !svc_in_scope(x, p->area))
		return svc_deny(x->who, "person", id, NULL);
	return ss;
}

static enum store_status apply_merge(struct svc_ctx *x)
{
	const struct merge_io *io = x->arg;
	struct person keep, other;
	int64_t now = time_now();
	enum store_status ss;

	/* both files must be the caller's, read in the transaction that merges them */
	if ((ss = file_in_scope(x, io->keep, &keep)) != STORE_OK ||
	    (ss = file_in_scope(x, io->other, &other)) != STORE_OK)
		return ss;
	if (keep.merged_into || other.merged_into || !strcmp(keep.id, other.id))
		return STORE_CONFLICT;
	/* a clash of valid ID numbers is STORE_CONFLICT: 409 */
	if ((ss = store_tx_person_retire(x->tx, io->other, io->keep, now)) != STORE_OK ||
	    (ss = store_tx_person_take_number(x->tx, io->keep, io->other, other.id_valid, now)) !=
		    STORE_OK ||
	    (ss = store_tx_person_take_gaps(x->tx, io->keep, io->other)) != STORE_OK ||
	    (ss = store_tx_person_move_travel(x->tx, io->keep, io->other)) != STORE_OK ||
	    (ss = store_tx_person_move_events(x->tx, io->keep, io->other)) != STORE_OK ||
	    (ss = store_tx_person_move_tasks(x->tx, io->keep, io->other)) != STORE_OK ||
	    (ss = svc_event(x, io->keep, "merged", keep.area, NULL, now)) != STORE_OK ||
	    (ss = store_tx_person_read(x->tx, io->keep, x->a, io->out)) != STORE_OK)
		return ss;
	return svc_changed(x, "person", io->keep, keep.area,
			   svc_json(x, json_pack("{s:s}", "merged_from", io->other)), NULL);
}

/* A replay answers the kept file as it is (a first run read it in apply). */
static enum store_status answer_merge(struct svc_ctx *x)
{
	const struct merge_io *io = x->arg;

	return x->replayed ? store_tx_person_read(x->tx, x->object_id, x->a, io->out) : STORE_OK;
}

enum store_status svc_person_merge(struct store *s, const struct principal *who,
				   const struct store_idem *idem, const char *keep,
				   const char *other, struct arena *a, struct person *out,
				   bool *replayed)
{
	struct merge_io io = {keep, other, out};
	struct svc_write w = {"person.merge", NULL, idem, apply_merge, answer_merge, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- corrections at the door ---- */

struct fix_io {
	const struct person_fix *f;
	struct person *out;
};

/* What the audit row and the timeline show of a file: masked as the file shows it. */
static const char *fix_view(struct svc_ctx *x, const struct person *p)
{
	char idm[ID_NUMBER_MAX + 1] = "", phm[PHONE_LEN + 1] = "";

	if (*p->id_number)
		idcard_mask(p->id_number, idm, sizeof idm);
	if (*p->phone)
		phone_mask(p->phone, phm);
	return svc_json(x, json_pack("{s:s, s:s, s:s, s:s, s:s}", "id_number", idm, "phone", phm,
				     "address", p->address, "area", p->area, "defects",
				     p->defects ? p->defects : ""));
}

/* Moves the file and its open task to area (in scope, checked here). */
static enum store_status fix_move(struct svc_ctx *x, const char *id, const char *area, int64_t now)
{
	char *task_id = arena_alloc(x->a, USER_ID_LEN + 1);
	struct task t;
	enum store_status ss;

	if (!svc_in_scope(x, area))
		return svc_deny(x->who, "area", area, "address");
	if ((ss = store_tx_person_set(x->tx, id, area, NULL, now)) != STORE_OK ||
	    (ss = store_tx_task_open_of(x->tx, id, task_id, USER_ID_LEN + 1)) != STORE_OK ||
	    !*task_id || (ss = store_tx_task_read(x->tx, task_id, x->a, &t)) != STORE_OK)
		return ss;
	return svc_task_move(x, &t, area, NULL, t.due_at);
}

static enum store_status apply_fix(struct svc_ctx *x)
{
	const struct fix_io *io = x->arg;
	const struct person_fix *f = io->f;
	const struct returnee *r = f->r;
	struct person old, fresh;
	char *defects = arena_alloc(x->a, 512);
	char holder[USER_ID_LEN + 1] = "", holder_area[AREA_CODE_MAX + 1] = "";
	bool elsewhere = false, moved;
	int64_t now = time_now();
	enum store_status ss;

	if ((ss = file_in_scope(x, f->id, &old)) != STORE_OK)
		return ss;
	if (old.merged_into)
		return STORE_CONFLICT;
	fresh = old;
	returnee_fix_defects(old.defects, f->fields, r, defects, 512);
	if (f->fields & RETURNEE_FIX_ID) {
		fresh.doc_type = r->doc_type;
		fresh.id_number = r->id_number;
		fresh.id_valid = r->id_valid;
		if (r->id_valid) {
			fresh.birth = r->birth;
			fresh.sex = r->sex;
		}
		if ((ss = store_tx_person_holder(x->tx, &fresh, holder, sizeof holder, holder_area,
						 sizeof holder_area)) != STORE_OK)
			return ss;
		if (*holder && strcmp(holder, old.id)) {
			if (svc_in_scope(x, holder_area))
				return STORE_INVALID; /* the same person twice here: merge them */
			elsewhere = true;
			fresh.id_valid = false;
			snprintf(defects + strlen(defects), 512 - strlen(defects), "%s%s",
				 *defects ? "," : "", PERSON_ELSEWHERE);
		}
	}
	if (f->fields & RETURNEE_FIX_PHONE)
		fresh.phone = r->phone;
	if (f->fields & RETURNEE_FIX_ADDRESS)
		fresh.address = r->address;
	fresh.defects = defects;
	/* an address naming only a township above the file's village keeps the village */
	moved = f->area && strncmp(old.area, f->area, strlen(f->area)) != 0;
	if (moved && (ss = fix_move(x, old.id, f->area, now)) != STORE_OK)
		return ss;
	if (moved)
		memcpy(fresh.area, f->area, strlen(f->area) + 1);
	if ((ss = store_tx_person_correct(x->tx, &fresh, now)) != STORE_OK ||
	    (ss = svc_event(x, old.id, "corrected", fresh.area, fix_view(x, &fresh), now)) !=
		    STORE_OK)
		return ss;
	if (elsewhere && (ss = report_duplicate(x, old.id, fresh.area, holder, holder_area, NULL,
						     old.categories & CAT_KEY_AREA,
						now)) != STORE_OK)
		return ss;
	if ((ss = store_tx_person_read(x->tx, old.id, x->a, io->out)) != STORE_OK)
		return ss;
	return svc_changed(x, "person", f->id, fresh.area, fix_view(x, &old), fix_view(x, &fresh));
}

/* A replay answers the file as it is. */
static enum store_status answer_fix(struct svc_ctx *x)
{
	const struct fix_io *io = x->arg;

	return x->replayed ? store_tx_person_read(x->tx, x->object_id, x->a, io->out) : STORE_OK;
}

enum store_status svc_person_fix(struct store *s, const struct principal *who,
				 const struct store_idem *idem, const struct person_fix *f,
				 struct arena *a, struct person *out, bool *replayed)
{
	struct fix_io io = {f, out};
	struct svc_write w = {"person.fix", NULL, idem, apply_fix, answer_fix, &io};

	return svc_run(s, who, &w, a, replayed);
}
