/* svc_retention — the retention of personal data (PIPL; domain/retention.h): the county's
 * settings, the preview commanders see before a run, and the run that anonymises what
 * has expired.
 *
 * A run is many transactions, never one: each batch of RETENTION_BATCH objects of one
 * category is read on a reader, outside the writer (store_retention_due_read: the walk
 * over the files is there), then is one svc_run, which checks each candidate again by
 * its key (still due, nothing opened meanwhile), scrubs it and writes its audit row
 * (category and count, nothing else): the writer's transaction touches only the batch's
 * rows. A batch either commits whole or leaves nothing, and what it committed is marked
 * (anonymised_at) and not due any more until it changes: an interrupted run (a kill, a
 * power cut) is resumed by the next, and a run after a complete one finds nothing
 * (counts 0). The run's own row (retention_run) is written first, under the client's key
 * when there is one, beaten by each batch, and finished last with the counts per
 * category: "done", or "stopped" when a batch failed (busy). A run killed stays
 * "running" until the next run finds it has not beaten for RETENTION_STALE_S and marks it
 * "stopped"; the daily run counts only runs done, so a day's stopped run is tried again.
 *
 * The anonymised text comes from domain/retention.h: the surname and 某, the township and
 * village of the file's area, the year of birth. What is only deleted (expired
 * pre-registrations, idempotency keys older than the files' retention, uploaded sheets)
 * and the handover notes older than the duty log's retention go in the same batches. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "domain/area_code.h"
#include "domain/retention.h"
#include "service/service.h"
#include "util/log.h"
#include "util/timeutil.h"
#include "util/uuid.h"

enum { ADDRESS_MAX = 200 };

/* ---- settings ---- */

enum store_status svc_retention_settings(struct store *s, struct arena *a,
					 struct retention_settings *out)
{
	return store_retention_settings_get(s, a, out);
}

static const char *policy_json(struct svc_ctx *x, const struct retention_policy *p)
{
	json_t *o = json_pack("{s:i}", "run_hour", p->run_hour);

	for (int i = 0; i < RET_NCAT; i++)
		json_object_set_new(o, retention_cat_name(i), json_integer(p->days[i]));
	return svc_json(x, o);
}

struct set_io {
	const struct retention_policy *in;
	struct retention_settings *out;
};

static enum store_status apply_set(struct svc_ctx *x)
{
	struct set_io *io = x->arg;
	struct retention_settings before, after = {.p = *io->in};
	enum store_status ss;

	if ((ss = store_tx_retention_settings_get(x->tx, x->a, &before)) != STORE_OK)
		return ss;
	/* what the body left out (-1) stays */
	for (int i = 0; i < RET_NCAT; i++)
		if (after.p.days[i] < 0)
			after.p.days[i] = before.p.days[i];
	if (after.p.run_hour < 0)
		after.p.run_hour = before.p.run_hour;
	for (int i = 0; i < RET_NCAT; i++)
		if (!retention_days_valid(after.p.days[i]))
			return STORE_INVALID;
	if (!retention_hour_valid(after.p.run_hour))
		return STORE_INVALID;
	after.updated_by = x->who->username;
	after.updated_at = time_now();
	if ((ss = store_tx_retention_settings_set(x->tx, &after)) != STORE_OK)
		return ss;
	return svc_changed(x, "retention_setting", "1", NULL, policy_json(x, &before.p),
			   policy_json(x, &after.p));
}

static enum store_status answer_set(struct svc_ctx *x)
{
	struct set_io *io = x->arg;

	return store_tx_retention_settings_get(x->tx, x->a, io->out);
}

enum store_status svc_retention_settings_set(struct store *s, const struct principal *who,
					     const struct store_idem *idem,
					     const struct retention_policy *in, struct arena *a,
					     struct retention_settings *out, bool *replayed)
{
	struct set_io io = {in, out};
	struct svc_write w = {"retention.settings", NULL, idem, apply_set, answer_set, &io};

	return svc_run(s, who, &w, a, replayed);
}

/* ---- preview ---- */

enum store_status svc_retention_preview(struct store *s, const struct principal *who, int64_t now,
					size_t offset, size_t max, struct arena *a,
					struct retention_preview *out)
{
	const struct retention_policy *p = &out->settings.p;
	int64_t first = retention_epoch_day(now);
	enum store_status ss = store_retention_settings_get(s, a, &out->settings);

	for (int d = 0; d < RETENTION_PREVIEW_DAYS; d++)
		out->days[d] = time_local_date((first + d) * RETENTION_DAY_S);
	for (int c = 0; ss == STORE_OK && c < RET_NCAT; c++)
		ss = store_retention_preview(s, c, who->area,
					     retention_preview_shift(p->days[c], p->run_hour),
					     first, RETENTION_PREVIEW_DAYS, out->counts[c]);
	if (ss != STORE_OK)
		return ss;
	/* the files whose run falls in the window: due before its last day's run */
	ss = store_retention_files_due(s, who->area, p->days[RET_PERSON],
				       (first + RETENTION_PREVIEW_DAYS - 1) * RETENTION_DAY_S -
					       8 * 3600 + (int64_t)p->run_hour * 3600,
				       offset, max, a, &out->due, &out->ndue, &out->total);
	if (ss != STORE_OK)
		return ss;
	out->due_at = arena_alloc(a, (out->ndue + 1) * sizeof *out->due_at);
	for (size_t i = 0; i < out->ndue; i++)
		out->due_at[i] = retention_due(out->due[i].end_at, false, p->days[RET_PERSON]);
	return svc_read_audit(s, who, "retention.preview", "retention", NULL, who->area, NULL,
			      false);
}

/* ---- the run ---- */

struct run_io {
	struct retention_run *run;
	const char *source, *note;
	int64_t now;
	/* a batch: its candidates, read before it on a reader */
	enum retention_cat cat;
	int64_t cutoff;
	const struct retention_item *cand;
	size_t ncand;
	int64_t done, pruned; /* by the batch that committed (apply may run again: busy) */
	int64_t counts[RET_NCAT];
	int64_t pruned_prereg, pruned_idem, handover_notes;
	bool stopped; /* a batch failed: the run ends "stopped" */
};

static enum store_status apply_start(struct svc_ctx *x)
{
	struct run_io *io = x->arg;
	struct retention_run *r = io->run;
	int64_t stale = 0;
	enum store_status ss;

	/* a run killed (its process gone) stops beating: it stopped */
	if ((ss = store_tx_retention_run_stop_stale(x->tx, time_now() - RETENTION_STALE_S,
						    &stale)) != STORE_OK ||
	    (ss = store_tx_retention_run_insert(x->tx, r)) != STORE_OK)
		return ss;
	if (stale)
		log_info("retention: %lld run(s) that stopped beating marked stopped",
			 (long long)stale);
	return svc_changed(
		x, "retention_run", r->id, NULL, NULL,
		svc_json(x, json_pack("{s:s, s:I, s:s}", "source", io->source, "at",
				      (json_int_t)io->now, "note", io->note ? io->note : "")));
}

static enum store_status answer_run(struct svc_ctx *x)
{
	struct run_io *io = x->arg;

	return store_tx_retention_run_get(x->tx, x->object_id, x->a, io->run);
}

/* The anonymised texts of item it of category c and its scrub. */
static enum store_status scrub_one(struct svc_ctx *x, enum retention_cat c,
				   const struct retention_item *it, int64_t now)
{
	char name[RETENTION_NAME_MAX], address[ADDRESS_MAX];
	struct retention_scrub sc = {.id = it->id, .now = now};
	struct retention_name_row *rows;
	size_t n;
	enum store_status ss;

	retention_name(it->name, name, sizeof name);
	retention_address(it->township, it->village, address, sizeof address);
	sc.name = name;
	sc.address = address;
	sc.birth = retention_birth(it->birth);
	if ((ss = store_tx_retention_scrub(x->tx, c, &sc)) != STORE_OK)
		return ss;
	if ((ss = store_tx_retention_names(x->tx, c, it->id, x->a, &rows, &n)) != STORE_OK)
		return ss;
	for (size_t i = 0; ss == STORE_OK && i < n; i++) {
		retention_name(rows[i].name, name, sizeof name);
		if (strcmp(name, rows[i].name))
			ss = store_tx_retention_name_set(x->tx, c, &rows[i], name);
	}
	/* an uploaded sheet: its rows are personal data. Deleted in the transaction that
	 * marks its import: a rollback leaves it deleted and the import due, and the next
	 * run deletes nothing more (a missing file is not an error). */
	if (ss == STORE_OK && c == RET_IMPORT && it->path && *it->path && unlink(it->path) == 0)
		log_info("retention: an uploaded file of import %s deleted", it->id);
	return ss;
}

static enum store_status apply_batch(struct svc_ctx *x)
{
	struct run_io *io = x->arg;
	int64_t done = 0, pruned = 0;
	enum store_status ss = STORE_OK;

	for (size_t i = 0; ss == STORE_OK && i < io->ncand; i++) {
		struct retention_item it;
		/* checked again: still due now, in this transaction (a task opened since, the
		 * file scrubbed by another run meanwhile) */
		ss = store_tx_retention_due_one(x->tx, io->cat, io->cutoff, io->cand[i].id, x->a,
						&it);
		if (ss == STORE_OK)
			ss = scrub_one(x, io->cat, &it, io->now);
		if (ss == STORE_NOT_FOUND)
			ss = STORE_OK;
		else if (ss == STORE_OK)
			done++;
	}
	if (ss != STORE_OK)
		return ss;
	io->done = done;
	/* what is only deleted rides on its category's batches */
	if (io->cat == RET_CHECKPOINT)
		ss = store_tx_retention_prune(x->tx, "prereg", io->cutoff, RETENTION_BATCH,
					      &pruned);
	else if (io->cat == RET_PERSON)
		ss = store_tx_retention_prune(x->tx, "idempotency", io->cutoff, RETENTION_BATCH,
					      &pruned);
	else if (io->cat == RET_DUTY)
		ss = store_tx_retention_prune(x->tx, "handover", io->cutoff, RETENTION_BATCH,
					      &pruned);
	if (ss != STORE_OK ||
	    (ss = store_tx_retention_run_beat(x->tx, io->run->id, time_now())) != STORE_OK)
		return ss;
	io->pruned = pruned;
	/* the batch's audit row: the run, the category, how many; never what */
	return svc_changed(
		x, "retention_run", io->run->id, NULL, NULL,
		svc_json(x, json_pack("{s:s, s:I, s:I}", "category", retention_cat_name(io->cat),
				      "count", (json_int_t)done, "deleted", (json_int_t)pruned)));
}

static const char *counts_json(struct arena *a, const struct run_io *io)
{
	json_t *o = json_object();
	char *txt;
	const char *r;

	for (int i = 0; i < RET_NCAT; i++)
		json_object_set_new(o, retention_cat_name(i), json_integer(io->counts[i]));
	json_object_set_new(o, "prereg_deleted", json_integer(io->pruned_prereg));
	json_object_set_new(o, "idempotency_deleted", json_integer(io->pruned_idem));
	json_object_set_new(o, "handover_notes_emptied", json_integer(io->handover_notes));
	if (!(txt = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS)))
		fk_oom();
	json_decref(o);
	r = arena_strdup(a, txt);
	free(txt);
	return r;
}

static enum store_status apply_finish(struct svc_ctx *x)
{
	struct run_io *io = x->arg;
	const char *counts = counts_json(x->a, io);
	enum store_status ss = store_tx_retention_run_finish(
		x->tx, io->run->id, io->stopped ? "stopped" : "done", counts, time_now());

	if (ss != STORE_OK)
		return ss;
	return svc_changed(x, "retention_run", io->run->id, NULL, NULL, counts);
}

/* Every batch of every category; the policy read once, before. Each batch's candidates
 * are read on a reader first; a category ends with a batch short of candidates and of
 * deletions (at least one batch each: what is only deleted rides on it). */
static enum store_status run_batches(struct store *s, const struct principal *who,
				     const struct retention_policy *p, struct run_io *io)
{
	struct svc_write w = {"retention.batch", NULL, NULL, apply_batch, NULL, io};
	enum store_status ss = STORE_OK;

	for (int c = 0; ss == STORE_OK && c < RET_NCAT; c++) {
		char after[USER_ID_LEN + 1] = "";
		bool more;

		io->cat = c;
		io->cutoff = retention_cutoff(io->now, p->days[c]);
		do {
			struct arena *ba = arena_new();
			struct retention_item *cand = NULL;
			size_t n = 0;

			ss = store_retention_due_read(s, c, io->cutoff, after, RETENTION_BATCH, ba,
						      &cand, &n);
			io->cand = cand;
			io->ncand = n;
			if (ss == STORE_OK)
				ss = svc_run(s, who, &w, ba, NULL);
			more = false;
			if (ss == STORE_OK) {
				if (n)
					snprintf(after, sizeof after, "%s", cand[n - 1].id);
				io->counts[c] += io->done;
				if (c == RET_CHECKPOINT)
					io->pruned_prereg += io->pruned;
				else if (c == RET_PERSON)
					io->pruned_idem += io->pruned;
				else if (c == RET_DUTY)
					io->handover_notes += io->pruned;
				/* a busy county makes more keys a day than one batch deletes */
				more = n == RETENTION_BATCH || io->pruned == RETENTION_BATCH;
			}
			io->cand = NULL;
			arena_free(ba);
		} while (more);
	}
	return ss;
}

/* A dry run: the same queries, read, counted. */
static enum store_status count_due(struct store *s, const struct retention_policy *p,
				   struct run_io *io)
{
	enum store_status ss = STORE_OK;

	for (int c = 0; ss == STORE_OK && c < RET_NCAT; c++) {
		char after[USER_ID_LEN + 1] = "";

		for (;;) {
			struct arena *ba = arena_new();
			struct retention_item *items;
			size_t n = 0;
			ss = store_retention_due_read(s, c, retention_cutoff(io->now, p->days[c]),
						      after, RETENTION_BATCH, ba, &items, &n);
			if (ss == STORE_OK && n)
				snprintf(after, sizeof after, "%s", items[n - 1].id);
			arena_free(ba);
			io->counts[c] += (int64_t)n;
			if (ss != STORE_OK || n < RETENTION_BATCH)
				break;
		}
	}
	return ss;
}

enum store_status svc_retention_run(struct store *s, const struct principal *who,
				    const struct store_idem *idem, const char *source,
				    const char *note, int64_t now, bool dry_run, struct arena *a,
				    struct retention_run *out, bool *replayed)
{
	struct run_io *io = arena_alloc(a, sizeof *io);
	struct retention_settings set;
	struct svc_write start = {"retention.run", NULL, idem, apply_start, answer_run, io};
	struct svc_write finish = {"retention.run.done", NULL, NULL, apply_finish, answer_run, io};
	bool again = false;
	enum store_status ss;

	memset(io, 0, sizeof *io);
	memset(out, 0, sizeof *out);
	io->run = out;
	io->source = source;
	io->note = note;
	io->now = now;
	if ((ss = store_retention_settings_get(s, a, &set)) != STORE_OK)
		return ss;
	if (dry_run) {
		ss = count_due(s, &set.p, io);
		out->source = source;
		out->at = now;
		out->day = time_local_date(now);
		out->state = "dry_run";
		out->counts = counts_json(a, io);
		return ss;
	}
	if (idem)
		snprintf(out->id, sizeof out->id, "%s", idem->uuid);
	else
		uuid_v4(out->id);
	out->source = source;
	out->day = time_local_date(now);
	out->at = now;
	out->started_at = time_now();
	out->by_user = who->username;
	if ((ss = svc_run(s, who, &start, a, &again)) != STORE_OK)
		return ss;
	if (replayed)
		*replayed = again;
	if (again)
		return STORE_OK; /* the run made under this key, as it is */
	if ((ss = run_batches(s, who, &set.p, io)) != STORE_OK) {
		log_warn("retention run %s stopped: %s (the next run goes on)", out->id,
			 store_status_name(ss));
		/* marked stopped with what its batches did, when the database lets it */
		io->stopped = true;
		if (svc_run(s, who, &finish, a, NULL) != STORE_OK)
			log_warn("retention run %s: cannot mark it stopped (the next run will)",
				 out->id);
		return ss;
	}
	ss = svc_run(s, who, &finish, a, NULL);
	if (ss == STORE_OK)
		log_info("retention run %s: %s", out->id, out->counts);
	return ss;
}

void svc_retention_daily(struct store *s, int64_t now)
{
	struct arena *a = arena_new();
	struct retention_settings set;
	struct retention_run run;
	struct principal who = svc_system_principal("");
	int last = 0, today = time_local_date(now);

	who.username = "(retention)";
	if (store_retention_settings_get(s, a, &set) == STORE_OK &&
	    store_retention_last_daily(s, &last) == STORE_OK &&
	    retention_daily_due(retention_local_hour(now), set.p.run_hour, today, last) &&
	    svc_retention_run(s, &who, NULL, "daily", NULL, now, false, a, &run, NULL) != STORE_OK)
		log_warn("the daily retention run failed; it is tried again later today");
	arena_free(a);
}

enum store_status svc_retention_runs(struct store *s, const struct principal *who, struct arena *a,
				     struct retention_run **out, size_t *n)
{
	/* the runs are the county's bookkeeping (counts over every township): a county-level
	 * caller's; below it the list is empty */
	*out = NULL;
	*n = 0;
	if (area_code_level(who->area) != AREA_LEVEL_COUNTY)
		return STORE_OK;
	return store_retention_runs(s, RETENTION_RUNS_MAX, a, out, n);
}
