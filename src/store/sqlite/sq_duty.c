/* sq_duty — 24-hour duty (值班值守): posts, roster slots, swaps, the duty log with its
 * events, and shift handovers.
 *
 * A post is not a row of its own until a setting changes: the posts are the areas of level
 * village and above and the open checkpoints, each joined with its duty_post row when one
 * exists (POST_SQL). Who is on duty now is one set-based statement: the posts, each joined
 * with the slot of yesterday or today whose kept instants hold now (a slot's start_at and
 * end_at are redone when its post's shifts change), so that a county's board is one query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

/* ---- posts ---- */

/* id, kind, area, name, area_name, level, phone, shifts of every post, filtered by
 * AREA_WHERE and CP_WHERE (a macro's text pasted in) */
#define POSTS(AREA_WHERE, CP_WHERE)                                                                \
	"SELECT a.code AS id, 'area' AS kind, a.code AS area, a.name AS name,"                     \
	" a.name AS area_name, a.level AS level, a.duty_phone AS phone,"                           \
	" coalesce(d.shifts, '8,20') AS shifts, 0 AS ord"                                          \
	" FROM area a LEFT JOIN duty_post d ON d.id = a.code WHERE a.level <= 3 AND " AREA_WHERE   \
	" UNION ALL SELECT c.id, 'checkpoint', c.area_code, c.name, coalesce(ca.name, ''), 0,"     \
	" coalesce(d.phone, ''), coalesce(d.shifts, c.shift_starts), 1"                            \
	" FROM checkpoint c LEFT JOIN area ca ON ca.code = c.area_code"                            \
	" LEFT JOIN duty_post d ON d.id = c.id WHERE c.closed_on IS NULL AND " CP_WHERE

#define POST_COLS "p.id, p.kind, p.area, p.name, p.area_name, p.level, p.phone, p.shifts"

static void read_post(const struct sq_cur *k, struct arena *a, void *out)
{
	struct duty_post *p = out;

	sq_text_to(k, 0, p->id, sizeof p->id);
	p->kind = sq_text(a, k, 1);
	sq_text_to(k, 2, p->area, sizeof p->area);
	p->name = sq_text(a, k, 3);
	p->area_name = sq_text(a, k, 4);
	p->level = (int)sq_int(k, 5);
	p->phone = sq_text(a, k, 6);
	p->shifts = sq_text(a, k, 7);
	p->slot_index = -1;
	p->leader = "";
	p->officers = "[]";
	if (sq_ncols(k) > 8 && !sq_null(k, 9)) {
		p->slot_day = (int)sq_int(k, 8);
		p->slot_index = (int)sq_int(k, 9);
		p->leader = sq_text(a, k, 10);
		p->officers = sq_text(a, k, 11);
	}
}
static const struct sq_rowtype post_rows = {sizeof(struct duty_post), NULL, 0, read_post};

static const char post_sql[] =
	"SELECT " POST_COLS " FROM (" POSTS("a.code = ?1", "c.id = ?1") ") p";

enum store_status store_tx_duty_post_read(struct store_tx *tx, const char *id, struct arena *a,
					  struct duty_post *out)
{
	return sq_one(sq_conn_of(tx), post_sql, &post_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_duty_post_get(struct store *s, const char *id, struct arena *a,
				      struct duty_post *out)
{
	return sq_get(s, post_sql, &post_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

/* the slot going on at ?5, of day ?3 or ?4 */
#define NOW_SLOT                                                                                   \
	" LEFT JOIN duty_slot s ON s.post_id = p.id AND s.day IN (?3, ?4)"                         \
	" AND s.start_at <= ?5 AND s.end_at > ?5"
#define NOW_COLS ", s.day, s.idx, coalesce(s.leader, ''), coalesce(s.officers, '[]')"
#define POST_ORDER " ORDER BY p.area, p.ord, p.name, p.id"

/* A slot going on, as the board reads them (sq_duty_posts matches them to the posts). */
struct now_slot {
	char post_id[USER_ID_LEN + 1];
	int day, index;
	const char *leader, *officers;
};

static void read_now_slot(const struct sq_cur *k, struct arena *a, void *out)
{
	struct now_slot *n = out;

	sq_text_to(k, 0, n->post_id, sizeof n->post_id);
	n->day = (int)sq_int(k, 1);
	n->index = (int)sq_int(k, 2);
	n->leader = sq_text(a, k, 3);
	n->officers = sq_text(a, k, 4);
}
static const struct sq_rowtype now_slot_rows = {sizeof(struct now_slot), NULL, 0, read_now_slot};

static int post_cmp(const void *x, const void *y)
{
	return strcmp((*(const struct duty_post *const *)x)->id,
		      (*(const struct duty_post *const *)y)->id);
}

/* Each post of v gets its slot of s (posts looked up by id, sorted once). */
static void slots_to_posts(struct duty_post *v, size_t n, const struct now_slot *s, size_t ns,
			   struct arena *a)
{
	const struct duty_post **by_id = arena_alloc(a, (n + 1) * sizeof *by_id);
	struct duty_post key;

	for (size_t i = 0; i < n; i++)
		by_id[i] = &v[i];
	qsort(by_id, n, sizeof *by_id, post_cmp);
	for (size_t i = 0; i < ns; i++) {
		const struct duty_post *kp = &key, **hit;
		memcpy(key.id, s[i].post_id, sizeof key.id);
		hit = bsearch(&kp, by_id, n, sizeof *by_id, post_cmp);
		if (!hit)
			continue; /* a post out of scope, or no more a post */
		struct duty_post *p = (struct duty_post *)*hit;
		p->slot_day = s[i].day;
		p->slot_index = s[i].index;
		p->leader = s[i].leader;
		p->officers = s[i].officers;
	}
}

#define SCOPE_POSTS                                                                                \
	"SELECT " POST_COLS                                                                        \
	" FROM (" POSTS("a.code >= ?1 AND a.code < ?2",                                            \
			"c.area_code >= ?1 AND c.area_code < ?2") ") p" POST_ORDER

enum store_status store_duty_posts(struct store *s, const char *scope, size_t max, bool with_slot,
				   int64_t now, int yesterday, int today, struct arena *a,
				   struct duty_post **out, size_t *n, bool *truncated)
{
	static const char sql[] = SCOPE_POSTS;
	/* every slot going on under scope: two days of the key's first column, one range; an
	 * area post's id is its code, a checkpoint's post is found by its checkpoint's area */
	static const char sql_now[] =
		"SELECT s.post_id, s.day, s.idx, coalesce(s.leader, ''), s.officers FROM duty_slot "
		"s"
		" WHERE s.day BETWEEN ?1 AND ?2 AND s.start_at <= ?3 AND s.end_at > ?3"
		" AND ((s.post_id >= ?4 AND s.post_id < ?5) OR s.post_id IN (SELECT c.id FROM"
		" checkpoint c WHERE c.area_code >= ?4 AND c.area_code < ?5))";
	const size_t slots_max = 8 * DUTY_BOARD_MAX;
	const char *end = sq_scope_end(a, scope);
	struct sq_conn *c;
	struct now_slot *slots;
	size_t nslots = 0;
	enum store_status ss;

	*n = 0;
	if (truncated)
		*truncated = false;
	if (!with_slot) {
		*out = sq_list(s, sql, &post_rows, max, a, n, &ss,
			       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end)));
		return ss;
	}
	if (!(c = sq_reader_get(s)))
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		/* one more than answered of each: a cap reached is said, not silent */
		*out = sq_rows(c, sql, &post_rows, max + 1, a, n, &ss,
			       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(end)));
		if (ss == STORE_OK)
			slots = sq_rows(c, sql_now, &now_slot_rows, slots_max + 1, a, &nslots, &ss,
					SQ_PARAMS(SQ_INT(yesterday), SQ_INT(today), SQ_INT(now),
						  SQ_TEXT(scope), SQ_TEXT(end)));
		if (ss == STORE_OK && truncated)
			*truncated = *n > max || nslots > slots_max;
		if (*n > max)
			*n = max;
		if (nslots > slots_max)
			nslots = slots_max;
		if (ss == STORE_OK)
			slots_to_posts(*out, *n, slots, nslots, a);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_duty_chain(struct store *s, const char *const *chain, size_t nchain,
				   const char *area, int64_t now, int yesterday, int today,
				   struct arena *a, struct duty_post **out, size_t *n)
{
	static const char sql[] = "SELECT " POST_COLS NOW_COLS " FROM (" POSTS(
		"a.code IN (?6, ?7, ?8)",
		"c.area_code >= ?1 AND c.area_code < ?2") ") p" NOW_SLOT
							  " ORDER BY p.ord, length(p.area), "
							  "p.area, p.name, p.id";
	const char *c[3] = {NULL, NULL, NULL};
	enum store_status ss;

	for (size_t i = 0; i < nchain && i < 3; i++)
		c[i] = chain[i];
	*out = sq_list(s, sql, &post_rows, DUTY_POSTS_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(area), SQ_TEXT(sq_scope_end(a, area)), SQ_INT(yesterday),
				 SQ_INT(today), SQ_INT(now), SQ_TEXT(c[0]), SQ_TEXT(c[1]),
				 SQ_TEXT(c[2])));
	return ss;
}

enum store_status store_tx_duty_post_put(struct store_tx *tx, const char *id, const char *kind,
					 const char *phone, const char *shifts, int64_t now)
{
	static const char sql[] =
		"INSERT INTO duty_post(id, kind, phone, shifts, updated_at) VALUES (?1, ?2, ?3, "
		"?4, ?5)"
		" ON CONFLICT (id) DO UPDATE SET phone = ?3, shifts = ?4, updated_at = ?5";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(kind), SQ_TEXT_NN(phone), SQ_TEXT(shifts),
				SQ_INT(now)));
}

enum store_status store_tx_area_duty_phone(struct store_tx *tx, const char *code, const char *phone,
					   int64_t now)
{
	static const char sql[] =
		"UPDATE area SET duty_phone = ?2, updated_at = ?3 WHERE code = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(code), SQ_TEXT_NN(phone), SQ_INT(now)));
}

/* ---- roster ---- */

#define SLOT_COLS "day, idx, start_at, end_at, coalesce(leader, ''), officers, updated_at"

static void read_slot(const struct sq_cur *k, struct arena *a, void *out)
{
	struct duty_slot *sl = out;

	sl->day = (int)sq_int(k, 0);
	sl->index = (int)sq_int(k, 1);
	sl->start_at = sq_int(k, 2);
	sl->end_at = sq_int(k, 3);
	sl->leader = sq_text(a, k, 4);
	sl->officers = sq_text(a, k, 5);
	sl->updated_at = sq_int(k, 6);
}
static const struct sq_rowtype slot_rows = {sizeof(struct duty_slot), NULL, 0, read_slot};

enum store_status store_tx_duty_slot_read(struct store_tx *tx, const char *post, int day, int index,
					  struct arena *a, struct duty_slot *out)
{
	static const char sql[] = "SELECT " SLOT_COLS " FROM duty_slot"
				  " WHERE post_id = ?1 AND day = ?2 AND idx = ?3";

	return sq_one(sq_conn_of(tx), sql, &slot_rows, a, out,
		      SQ_PARAMS(SQ_TEXT(post), SQ_INT(day), SQ_INT(index)));
}

enum store_status store_tx_duty_slot_put(struct store_tx *tx, const char *post,
					 const struct duty_slot *sl)
{
	static const char sql[] =
		"INSERT INTO duty_slot(post_id, day, idx, start_at, end_at, leader, officers,"
		" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), ?7, ?8)"
		" ON CONFLICT (post_id, day, idx) DO UPDATE SET start_at = ?4, end_at = ?5,"
		" leader = nullif(?6, ''), officers = ?7, updated_at = ?8";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(post), SQ_INT(sl->day), SQ_INT(sl->index),
				SQ_INT(sl->start_at), SQ_INT(sl->end_at), SQ_TEXT_NN(sl->leader),
				SQ_TEXT(sl->officers ? sl->officers : "[]"),
				SQ_INT(sl->updated_at)));
}

enum store_status store_tx_duty_slot_delete(struct store_tx *tx, const char *post, int day,
					    int index)
{
	static const char sql[] =
		"DELETE FROM duty_slot WHERE post_id = ?1 AND day = ?2 AND idx = ?3";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(post), SQ_INT(day), SQ_INT(index)));
}

static const char slots_sql[] = "SELECT " SLOT_COLS " FROM duty_slot"
				" WHERE post_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day, idx";

enum store_status store_tx_duty_slots(struct store_tx *tx, const char *post, int from, int to,
				      struct arena *a, struct duty_slot **out, size_t *n)
{
	enum store_status ss;

	*out = sq_rows(sq_conn_of(tx), slots_sql, &slot_rows, SQ_ALL, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(post), SQ_INT(from), SQ_INT(to)));
	return ss;
}

enum store_status store_tx_duty_slots_clear(struct store_tx *tx, const char *post, int from, int to)
{
	static const char sql[] =
		"DELETE FROM duty_slot WHERE post_id = ?1 AND day BETWEEN ?2 AND ?3";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(post), SQ_INT(from), SQ_INT(to)));
}

/* ---- swaps ---- */

#define SWAP_COLS                                                                                  \
	"id, post_id, a_day, a_idx, a_slot, b_day, b_idx, b_slot, a_person, b_person, reason,"     \
	" state, asked_by, coalesce(decided_by, ''), at, coalesce(decided_at, 0), asked_by_id"

static void read_swap(const struct sq_cur *k, struct arena *a, void *out)
{
	struct duty_swap *w = out;

	sq_text_to(k, 0, w->id, sizeof w->id);
	sq_text_to(k, 1, w->post_id, sizeof w->post_id);
	w->a_day = (int)sq_int(k, 2);
	w->a_index = (int)sq_int(k, 3);
	w->a_slot = sq_text(a, k, 4);
	w->b_day = (int)sq_int(k, 5);
	w->b_index = (int)sq_int(k, 6);
	w->b_slot = sq_text(a, k, 7);
	w->a_person = sq_text(a, k, 8);
	w->b_person = sq_text(a, k, 9);
	w->reason = sq_text(a, k, 10);
	w->state = sq_text(a, k, 11);
	w->asked_by = sq_text(a, k, 12);
	w->decided_by = sq_text(a, k, 13);
	w->at = sq_int(k, 14);
	w->decided_at = sq_int(k, 15);
	w->asked_by_id = sq_text(a, k, 16);
}
static const struct sq_rowtype swap_rows = {sizeof(struct duty_swap), NULL, 0, read_swap};

enum store_status store_tx_duty_swap_insert(struct store_tx *tx, const struct duty_swap *w)
{
	static const char sql[] =
		"INSERT INTO duty_swap(id, post_id, a_day, a_idx, a_slot, b_day, b_idx, b_slot,"
		" a_person, b_person, reason, state, asked_by, at, asked_by_id) VALUES (?1, ?2, ?3,"
		" ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', ?12, ?13, ?14)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(w->id), SQ_TEXT(w->post_id), SQ_INT(w->a_day),
				SQ_INT(w->a_index), SQ_TEXT(w->a_slot), SQ_INT(w->b_day),
				SQ_INT(w->b_index), SQ_TEXT(w->b_slot), SQ_TEXT(w->a_person),
				SQ_TEXT(w->b_person), SQ_TEXT_NN(w->reason), SQ_TEXT(w->asked_by),
				SQ_INT(w->at), SQ_TEXT_NN(w->asked_by_id)));
}

enum store_status store_tx_duty_swap_read(struct store_tx *tx, const char *id, struct arena *a,
					  struct duty_swap *out)
{
	static const char sql[] = "SELECT " SWAP_COLS " FROM duty_swap WHERE id = ?1";

	return sq_one(sq_conn_of(tx), sql, &swap_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_duty_swap_decide(struct store_tx *tx, const char *id, const char *state,
					    const char *by, int64_t at)
{
	static const char sql[] = "UPDATE duty_swap SET state = ?2, decided_by = ?3,"
				  " decided_at = ?4 WHERE id = ?1 AND state = 'pending'";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(state), SQ_TEXT(by), SQ_INT(at)));
}

static const char swaps_sql[] = "SELECT " SWAP_COLS " FROM duty_swap WHERE post_id = ?1"
				" AND (?2 IS NULL OR state = ?2) ORDER BY at DESC, id";

enum store_status store_duty_swaps(struct store *s, const char *post, const char *state,
				   struct arena *a, struct duty_swap **out, size_t *n)
{
	enum store_status ss;

	*out = sq_list(s, swaps_sql, &swap_rows, DUTY_SWAPS_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(post), SQ_TEXT(state)));
	return ss;
}

/* ---- handovers ---- */

#define HANDOVER_COLS                                                                              \
	"id, post_id, day, idx, note, open_items, by_name, coalesce(confirmed_by, ''),"            \
	" confirm_note, at, coalesce(confirmed_at, 0), open_total"

static void read_handover(const struct sq_cur *k, struct arena *a, void *out)
{
	struct duty_handover *h = out;

	sq_text_to(k, 0, h->id, sizeof h->id);
	sq_text_to(k, 1, h->post_id, sizeof h->post_id);
	h->day = (int)sq_int(k, 2);
	h->index = (int)sq_int(k, 3);
	h->note = sq_text(a, k, 4);
	h->open_items = sq_text(a, k, 5);
	h->by = sq_text(a, k, 6);
	h->confirmed_by = sq_text(a, k, 7);
	h->confirm_note = sq_text(a, k, 8);
	h->at = sq_int(k, 9);
	h->confirmed_at = sq_int(k, 10);
	h->open_total = sq_int(k, 11);
}
static const struct sq_rowtype handover_rows = {sizeof(struct duty_handover), NULL, 0,
						read_handover};

enum store_status store_tx_duty_handover_insert(struct store_tx *tx, const struct duty_handover *h)
{
	static const char sql[] =
		"INSERT INTO duty_handover(id, post_id, day, idx, note, open_items, by_name, at,"
		" open_total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(h->id), SQ_TEXT(h->post_id), SQ_INT(h->day),
				SQ_INT(h->index), SQ_TEXT_NN(h->note), SQ_TEXT(h->open_items),
				SQ_TEXT(h->by), SQ_INT(h->at), SQ_INT(h->open_total)));
}

enum store_status store_tx_duty_handover_read(struct store_tx *tx, const char *id, struct arena *a,
					      struct duty_handover *out)
{
	static const char sql[] = "SELECT " HANDOVER_COLS " FROM duty_handover WHERE id = ?1";

	return sq_one(sq_conn_of(tx), sql, &handover_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));
}

enum store_status store_tx_duty_handover_confirm(struct store_tx *tx, const char *id,
						 const char *by, const char *note, int64_t at)
{
	static const char sql[] = "UPDATE duty_handover SET confirmed_by = ?2, confirm_note = ?3,"
				  " confirmed_at = ?4 WHERE id = ?1 AND confirmed_at IS NULL";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_TEXT(by), SQ_TEXT_NN(note), SQ_INT(at)));
}

static const char handovers_sql[] = "SELECT " HANDOVER_COLS " FROM duty_handover"
				    " WHERE post_id = ?1 AND day BETWEEN ?2 AND ?3"
				    " ORDER BY day, idx";

enum store_status store_duty_handovers(struct store *s, const char *post, int from, int to,
				       struct arena *a, struct duty_handover **out, size_t *n)
{
	enum store_status ss;

	*out = sq_list(s, handovers_sql, &handover_rows, DUTY_HANDOVERS_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(post), SQ_INT(from), SQ_INT(to)));
	return ss;
}

enum store_status store_duty_roster(struct store *s, const char *post, int from, int to,
				    struct arena *a, struct duty_roster *out)
{
	static const char pending_sql[] = "SELECT " SWAP_COLS " FROM duty_swap"
					  " WHERE post_id = ?1 AND state = 'pending'";
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	memset(out, 0, sizeof *out);
	if (!c)
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) != STORE_OK)
		goto out;
	out->slots = sq_rows(c, slots_sql, &slot_rows, SQ_ALL, a, &out->nslots, &ss,
			     SQ_PARAMS(SQ_TEXT(post), SQ_INT(from), SQ_INT(to)));
	if (ss == STORE_OK)
		out->handovers =
			sq_rows(c, handovers_sql, &handover_rows, SQ_ALL, a, &out->nhandovers, &ss,
				SQ_PARAMS(SQ_TEXT(post), SQ_INT(from), SQ_INT(to)));
	if (ss == STORE_OK)
		out->swaps = sq_rows(c, pending_sql, &swap_rows, DUTY_SWAPS_MAX, a, &out->nswaps,
				     &ss, SQ_PARAMS(SQ_TEXT(post)));
	sq_exec(c, "COMMIT");
out:
	sq_reader_put(s, c);
	return ss;
}

/* ---- the log ---- */

#define LOG_COLS                                                                                   \
	"l.id, l.post_id, l.area_code, l.at, l.kind, l.from_name, l.from_contact, l.content,"      \
	" l.action, l.owner_id, l.owner_name, l.state, l.handed_to, l.handed_at, l.returned,"      \
	" l.result, coalesce(l.task_id, ''), coalesce(l.person_id, ''), l.created_at,"             \
	" l.updated_at"

static void read_log(const struct sq_cur *k, struct arena *a, void *out)
{
	struct duty_log *l = out;

	sq_text_to(k, 0, l->id, sizeof l->id);
	sq_text_to(k, 1, l->post_id, sizeof l->post_id);
	sq_text_to(k, 2, l->area, sizeof l->area);
	l->at = sq_int(k, 3);
	l->kind = sq_text(a, k, 4);
	l->from_name = sq_text(a, k, 5);
	l->from_contact = sq_text(a, k, 6);
	l->content = sq_text(a, k, 7);
	l->action = sq_text(a, k, 8);
	l->owner_id = sq_text(a, k, 9);
	l->owner_name = sq_text(a, k, 10);
	l->state = sq_text(a, k, 11);
	l->handed_to = sq_text(a, k, 12);
	l->handed_at = sq_int(k, 13);
	l->returned = sq_int(k, 14) != 0;
	l->result = sq_text(a, k, 15);
	l->task_id = sq_text(a, k, 16);
	l->person_id = sq_text(a, k, 17);
	l->created_at = sq_int(k, 18);
	l->updated_at = sq_int(k, 19);
}
static const struct sq_rowtype log_rows = {sizeof(struct duty_log), NULL, 0, read_log};

static void read_event(const struct sq_cur *k, struct arena *a, void *out)
{
	struct duty_log_event *e = out;

	sq_text_to(k, 0, e->log_id, sizeof e->log_id);
	e->seq = (int)sq_int(k, 1);
	e->at = sq_int(k, 2);
	e->by = sq_text(a, k, 3);
	e->what = sq_text(a, k, 4);
	e->note = sq_text(a, k, 5);
}
static const struct sq_rowtype event_rows = {sizeof(struct duty_log_event), NULL, 0, read_event};
#define DUTY_EVENT_COLS "e.log_id, e.seq, e.at, e.by_name, e.what, e.note"
/* the newest DUTY_EVENTS_MAX events of e's entry (seq counts from 1 without holes) */
#define EVENTS_NEWEST                                                                              \
	" AND e.seq > (SELECT max(m.seq) FROM duty_log_event m WHERE m.log_id = e.log_id) - 200"
_Static_assert(DUTY_EVENTS_MAX == 200, "EVENTS_NEWEST spells DUTY_EVENTS_MAX");

enum store_status store_tx_duty_log_insert(struct store_tx *tx, const struct duty_log *l)
{
	static const char sql[] =
		"INSERT INTO duty_log(id, post_id, area_code, at, kind, from_name, from_contact,"
		" content, action, owner_id, owner_name, state, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', ?12, ?12)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(l->id), SQ_TEXT(l->post_id), SQ_TEXT(l->area),
				SQ_INT(l->at), SQ_TEXT(l->kind), SQ_TEXT_NN(l->from_name),
				SQ_TEXT_NN(l->from_contact), SQ_TEXT_NN(l->content),
				SQ_TEXT_NN(l->action), SQ_TEXT(l->owner_id), SQ_TEXT(l->owner_name),
				SQ_INT(l->created_at)));
}

static enum store_status log_read(struct sq_conn *c, const char *id, struct arena *a,
				  struct duty_log *out)
{
	static const char sql[] = "SELECT " LOG_COLS " FROM duty_log l WHERE l.id = ?1";
	static const char sql_events[] = "SELECT " DUTY_EVENT_COLS " FROM duty_log_event e"
					 " WHERE e.log_id = ?1" EVENTS_NEWEST " ORDER BY e.seq";
	enum store_status ss = sq_one(c, sql, &log_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));

	if (ss == STORE_OK)
		out->events = sq_rows(c, sql_events, &event_rows, DUTY_EVENTS_MAX, a, &out->nevents,
				      &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

enum store_status store_tx_duty_log_read(struct store_tx *tx, const char *id, struct arena *a,
					 struct duty_log *out)
{
	return log_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_duty_log_get(struct store *s, const char *id, struct arena *a,
				     struct duty_log *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = log_read(c, id, a, out);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_duty_log_update(struct store_tx *tx, const struct duty_log *l)
{
	static const char sql[] =
		"UPDATE duty_log SET state = ?2, handed_to = ?3, handed_at = ?4, returned = ?5,"
		" result = ?6, owner_id = ?7, owner_name = ?8, task_id = nullif(?9, ''),"
		" person_id = nullif(?10, ''), updated_at = ?11 WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(l->id), SQ_TEXT(l->state), SQ_TEXT_NN(l->handed_to),
				 SQ_INT(l->handed_at), SQ_INT(l->returned), SQ_TEXT_NN(l->result),
				 SQ_TEXT(l->owner_id), SQ_TEXT(l->owner_name),
				 SQ_TEXT_NN(l->task_id), SQ_TEXT_NN(l->person_id),
				 SQ_INT(l->updated_at)));
}

enum store_status store_tx_duty_log_event(struct store_tx *tx, const char *log_id, int64_t at,
					  const char *by, const char *what, const char *note)
{
	static const char sql[] =
		"INSERT INTO duty_log_event(log_id, seq, at, by_name, what, note) VALUES (?1,"
		" (SELECT coalesce(max(seq), 0) + 1 FROM duty_log_event WHERE log_id = ?1), ?2, ?3,"
		" ?4, ?5)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(log_id), SQ_INT(at), SQ_TEXT_NN(by), SQ_TEXT(what),
				SQ_TEXT_NN(note)));
}

#define LOG_WHERE                                                                                  \
	" FROM duty_log l WHERE l.post_id = ?1 AND l.at >= ?2 AND l.at < ?3"                       \
	" AND (?4 = 0 OR l.state <> 'closed')"

static enum store_status log_page(struct sq_conn *c, const char *post, int64_t from_at,
				  int64_t to_at, bool open, int limit, int offset, struct arena *a,
				  struct duty_log **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*)" LOG_WHERE;
	static const char sql[] =
		"SELECT " LOG_COLS LOG_WHERE " ORDER BY l.at DESC, l.id LIMIT ?5 OFFSET ?6";
	static const char sql_events[] =
		"SELECT " DUTY_EVENT_COLS
		" FROM duty_log_event e WHERE e.log_id IN (SELECT l.id" LOG_WHERE
		" ORDER BY l.at DESC, l.id LIMIT ?5 OFFSET ?6)" EVENTS_NEWEST
		" ORDER BY e.log_id, e.seq";
	const struct sq_param p[] = {SQ_TEXT(post), SQ_INT(from_at), SQ_INT(to_at),
				     SQ_INT(open),  SQ_INT(limit),   SQ_INT(offset)};
	enum { NP = sizeof p / sizeof p[0] };
	struct duty_log_event *ev;
	size_t nev;
	enum store_status ss = sq_one_int(c, sql_count, total, p, NP);

	if (ss != STORE_OK)
		return ss;
	*out = sq_rows(c, sql, &log_rows, DUTY_LOG_PAGE, a, n, &ss, p, NP);
	if (ss != STORE_OK)
		return ss;
	/* at most DUTY_EVENTS_MAX of each entry of the page */
	ev = sq_rows(c, sql_events, &event_rows, (size_t)DUTY_LOG_PAGE * DUTY_EVENTS_MAX, a, &nev,
		     &ss, p, NP);
	/* each entry's events: a run of the list, in order of seq */
	for (size_t i = 0; ss == STORE_OK && i < *n; i++) {
		struct duty_log *l = &(*out)[i];
		for (size_t j = 0; j < nev; j++) {
			if (strcmp(ev[j].log_id, l->id))
				continue;
			if (!l->events)
				l->events = &ev[j];
			if (l->nevents < DUTY_EVENTS_MAX)
				l->nevents++;
		}
	}
	return ss;
}

enum store_status store_duty_log_list(struct store *s, const char *post, int64_t from_at,
				      int64_t to_at, bool open, int limit, int offset,
				      struct arena *a, struct duty_log **out, size_t *n,
				      int64_t *total)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	*n = 0;
	*total = 0;
	if (!c)
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = log_page(c, post, from_at, to_at, open, limit, offset, a, out, n, total);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_duty_log_open(struct store_tx *tx, const char *post, struct arena *a,
					 const char ***ids, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*) FROM duty_log l WHERE l.post_id = ?1"
					" AND l.state <> 'closed'";
	static const char sql[] = "SELECT l.id FROM duty_log l WHERE l.post_id = ?1"
				  " AND l.state <> 'closed' ORDER BY l.at, l.id";
	const struct sq_param p[] = {SQ_TEXT(post)};
	enum store_status ss = sq_one_int(sq_conn_of(tx), sql_count, total, p, 1);
	struct sq_id *v = NULL;

	*n = 0;
	if (ss == STORE_OK)
		v = sq_rows(sq_conn_of(tx), sql, &sq_id_rows, DUTY_OPEN_MAX, a, n, &ss, p, 1);
	*ids = arena_alloc(a, (*n + 1) * sizeof **ids);
	for (size_t i = 0; i < *n; i++)
		(*ids)[i] = v[i].id;
	return ss;
}

enum store_status store_tx_duty_log_pass_open(struct store_tx *tx, const char *post,
					      const char *owner_id, const char *owner_name,
					      int64_t now)
{
	static const char sql[] = "UPDATE duty_log SET owner_id = ?2, owner_name = ?3,"
				  " updated_at = ?4 WHERE post_id = ?1 AND state <> 'closed'";

	return sq_run(
		sq_conn_of(tx), sql,
		SQ_PARAMS(SQ_TEXT(post), SQ_TEXT(owner_id), SQ_TEXT(owner_name), SQ_INT(now)));
}

enum store_status store_tx_duty_log_event_open(struct store_tx *tx, const char *post, int64_t at,
					       const char *by, const char *what, const char *note)
{
	static const char sql[] =
		"INSERT INTO duty_log_event(log_id, seq, at, by_name, what, note)"
		" SELECT l.id, (SELECT coalesce(max(e.seq), 0) + 1 FROM duty_log_event e"
		" WHERE e.log_id = l.id), ?2, ?3, ?4, ?5 FROM duty_log l"
		" WHERE l.post_id = ?1 AND l.state <> 'closed'";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(post), SQ_INT(at), SQ_TEXT_NN(by), SQ_TEXT(what),
				SQ_TEXT_NN(note)));
}
