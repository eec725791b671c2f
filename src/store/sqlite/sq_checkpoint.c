/* sq_checkpoint — checkpoints (卡口), their passages (one vehicle with its persons), the
 * totals kept per checkpoint, day and hour, and the pre-registrations of the QR poster.
 *
 * The totals are kept, not scanned: every write adds its delta to the row of its hour and
 * to the day's row (hour 24), so that a day, a shift (a few hours of one or two days) or a
 * range of days is a sum of a few rows, whatever the number of passages. A passage is read
 * with its persons in one snapshot (a reader's BEGIN, or the writing transaction). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq_rows.h"

/* ---- checkpoints ---- */

#define CP_FROM " FROM checkpoint c LEFT JOIN area a ON a.code = c.area_code"
/* the totals of day ?2 and the open handovers of checkpoint ?1 */
#define CP_ONE_TOTALS                                                                              \
	" LEFT JOIN checkpoint_count t ON t.checkpoint_id = c.id AND t.day = ?2 AND t.hour = 24"   \
	" LEFT JOIN (SELECT sum(handed_over - handovers_closed) AS n FROM checkpoint_count"        \
	"  WHERE checkpoint_id = ?1 AND hour = 24) o ON 1 = 1"
#define CP_OPEN_HANDOVERS                                                                          \
	" LEFT JOIN (SELECT checkpoint_id, sum(handed_over - handovers_closed) AS n"               \
	"  FROM checkpoint_count WHERE hour = 24 GROUP BY checkpoint_id) o"                        \
	" ON o.checkpoint_id = c.id"

enum store_status store_tx_checkpoint_insert(struct store_tx *tx, const struct checkpoint *c)
{
	static const char sql[] =
		"INSERT INTO checkpoint(id, name, kind, area_code, location, opened_on,"
		" shift_starts, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
		"?8)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(c->id), SQ_TEXT(c->name), SQ_TEXT(c->kind),
				SQ_TEXT(c->area), SQ_TEXT_NN(c->location), SQ_INT(c->opened_on),
				SQ_TEXT(c->shift_starts), SQ_INT(c->created_at)));
}

enum store_status store_tx_checkpoint_read(struct store_tx *tx, const char *id, struct arena *a,
					   struct checkpoint *out)
{
	static const char sql[] =
		"SELECT " CHECKPOINT_COLS CP_FROM CP_ONE_TOTALS " WHERE c.id = ?1";

	return sq_one(sq_conn_of(tx), sql, &sq_checkpoint_rows, a, out,
		      SQ_PARAMS(SQ_TEXT(id), SQ_INT(0)));
}

enum store_status store_tx_checkpoint_close(struct store_tx *tx, const char *id, int closed_on,
					    int64_t now)
{
	static const char sql[] = "UPDATE checkpoint SET closed_on = ?2, updated_at = ?3"
				  " WHERE id = ?1 AND closed_on IS NULL";

	return sq_run1(sq_conn_of(tx), sql, STORE_CONFLICT,
		       SQ_PARAMS(SQ_TEXT(id), SQ_INT(closed_on), SQ_INT(now)));
}

static const char user_checkpoint_sql[] =
	"SELECT coalesce(checkpoint_id, '') FROM app_user WHERE id = ?1";

enum store_status store_tx_user_checkpoint(struct store_tx *tx, const char *user_id, char *buf,
					   size_t sz)
{
	return sq_one_text(sq_conn_of(tx), user_checkpoint_sql, buf, sz,
			   SQ_PARAMS(SQ_TEXT(user_id)));
}

enum store_status store_user_checkpoint(struct store *s, const char *user_id, char *buf, size_t sz)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	ss = sq_one_text(c, user_checkpoint_sql, buf, sz, SQ_PARAMS(SQ_TEXT(user_id)));
	sq_reader_put(s, c);
	return ss;
}

enum store_status store_tx_user_set_checkpoint(struct store_tx *tx, const char *user_id,
					       const char *checkpoint, const char *area)
{
	static const char sql[] = "UPDATE app_user SET checkpoint_id = ?2,"
				  " area_code = coalesce(?3, area_code) WHERE id = ?1";

	return sq_run1(sq_conn_of(tx), sql, STORE_NOT_FOUND,
		       SQ_PARAMS(SQ_TEXT(user_id), SQ_TEXT(checkpoint), SQ_TEXT(area)));
}

enum store_status store_checkpoint_get(struct store *s, const char *id, int day, struct arena *a,
				       struct checkpoint *out)
{
	static const char sql[] =
		"SELECT " CHECKPOINT_COLS CP_FROM CP_ONE_TOTALS " WHERE c.id = ?1";

	return sq_get(s, sql, &sq_checkpoint_rows, a, out, SQ_PARAMS(SQ_TEXT(id), SQ_INT(day)));
}

enum store_status store_checkpoint_list(struct store *s, const char *scope, bool closed, int day,
					struct arena *a, struct checkpoint **out, size_t *n)
{
	static const char sql[] =
		"SELECT " CHECKPOINT_COLS CP_FROM
		" LEFT JOIN checkpoint_count t ON t.checkpoint_id = c.id AND t.day = ?3"
		" AND t.hour = 24" CP_OPEN_HANDOVERS
		" WHERE c.area_code >= ?1 AND c.area_code < ?2 AND (?4 = 1 OR c.closed_on IS NULL)"
		" ORDER BY c.closed_on IS NOT NULL, c.area_code, c.name";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_checkpoint_rows, CHECKPOINT_LIST_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_INT(day),
				 SQ_INT(closed)));
	return ss;
}

enum store_status store_checkpoint_staff(struct store *s, const char *id, struct arena *a,
					 struct user **out, size_t *n)
{
	static const char sql[] =
		"SELECT " USER_COLS USER_FROM " WHERE u.checkpoint_id = ?1 ORDER BY u.username";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_user_rows, 200, a, n, &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

enum store_status store_checkpoint_stats(struct store *s, const char *scope, const char *id,
					 int from, int to, struct arena *a, struct checkpoint **out,
					 size_t *n)
{
	static const char sql[] =
		"SELECT " CHECKPOINT_COLS CP_FROM " LEFT JOIN (SELECT checkpoint_id, sum(vehicles) "
		"AS vehicles, sum(persons) AS persons,"
		"  sum(key_area_vehicles) AS key_area_vehicles,"
		"  sum(key_area_persons) AS key_area_persons, sum(turned_back) AS turned_back,"
		"  sum(clinic) AS clinic, sum(handed_over) AS handed_over,"
		"  sum(handovers_closed) AS handovers_closed FROM checkpoint_count"
		"  WHERE hour = 24 AND day BETWEEN ?3 AND ?4 GROUP BY checkpoint_id) t"
		" ON t.checkpoint_id = c.id" CP_OPEN_HANDOVERS
		" WHERE c.area_code >= ?1 AND c.area_code < ?2 AND (?5 IS NULL OR c.id = ?5)"
		" AND c.opened_on <= ?4 AND (c.closed_on IS NULL OR c.closed_on >= ?3)"
		" ORDER BY c.area_code, c.name";
	enum store_status ss;

	*out = sq_list(s, sql, &sq_checkpoint_rows, CHECKPOINT_LIST_MAX, a, n, &ss,
		       SQ_PARAMS(SQ_TEXT(scope), SQ_TEXT(sq_scope_end(a, scope)), SQ_INT(from),
				 SQ_INT(to), SQ_TEXT(id)));
	return ss;
}

/* ---- totals ---- */

enum store_status store_tx_checkpoint_count_add(struct store_tx *tx, const char *checkpoint_id,
						int day, int hour,
						const struct checkpoint_totals *d)
{
	static const char sql[] =
		"INSERT INTO checkpoint_count(checkpoint_id, day, hour, vehicles, persons,"
		" key_area_vehicles, key_area_persons, turned_back, clinic, handed_over,"
		" handovers_closed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (checkpoint_id, day, hour) DO UPDATE SET"
		" vehicles = checkpoint_count.vehicles + ?4, persons = checkpoint_count.persons + "
		"?5,"
		" key_area_vehicles = checkpoint_count.key_area_vehicles + ?6,"
		" key_area_persons = checkpoint_count.key_area_persons + ?7, turned_back = "
		"checkpoint_count.turned_back + ?8,"
		" clinic = checkpoint_count.clinic + ?9, handed_over = "
		"checkpoint_count.handed_over + ?10,"
		" handovers_closed = checkpoint_count.handovers_closed + ?11";
	enum store_status ss = STORE_OK;

	for (int k = 0; k < 2 && ss == STORE_OK; k++)
		ss = sq_run(sq_conn_of(tx), sql,
			    SQ_PARAMS(SQ_TEXT(checkpoint_id), SQ_INT(day), SQ_INT(k ? 24 : hour),
				      SQ_INT(d->vehicles), SQ_INT(d->persons),
				      SQ_INT(d->key_area_vehicles), SQ_INT(d->key_area_persons),
				      SQ_INT(d->turned_back), SQ_INT(d->clinic),
				      SQ_INT(d->handed_over), SQ_INT(d->handovers_closed)));
	return ss;
}

enum store_status store_checkpoint_hours(struct store *s, const char *checkpoint_id, int from,
					 int to, struct checkpoint_totals hours[48])
{
	static const char sql[] =
		"SELECT day, hour, vehicles, persons, key_area_vehicles, key_area_persons,"
		" turned_back, clinic, handed_over, handovers_closed FROM checkpoint_count"
		" WHERE checkpoint_id = ?1 AND day IN (?2, ?3) AND hour < 24";
	struct sq_conn *c = sq_reader_get(s);
	struct sq_cur k;
	enum store_status ss;

	memset(hours, 0, 48 * sizeof *hours);
	if (sq_open(&k, c, sql, SQ_PARAMS(SQ_TEXT(checkpoint_id), SQ_INT(from), SQ_INT(to))))
		while (sq_next(&k)) {
			int day = (int)sq_int(&k, 0), hour = (int)sq_int(&k, 1);
			if (hour < 0 || hour > 23 || (day != from && day != to))
				continue;
			struct checkpoint_totals *t = &hours[(day == from ? 0 : 24) + hour];
			int64_t *f[] = {&t->vehicles,          &t->persons,
					&t->key_area_vehicles, &t->key_area_persons,
					&t->turned_back,       &t->clinic,
					&t->handed_over,       &t->handovers_closed};
			for (int i = 0; i < 8; i++)
				*f[i] = sq_int(&k, 2 + i);
		}
	ss = sq_close(&k);
	sq_reader_put(s, c);
	return ss;
}

/* ---- passages ---- */

static enum store_status persons_insert(struct sq_conn *c, const struct passage *p)
{
	static const char sql[] =
		"INSERT INTO passage_person(passage_id, seq, name, id_number, id_valid, defects,"
		" phone, temp, origin, travel, destination, area_code, purpose, outcome, proposed,"
		" key_area, person_id, task_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		" ?11, ?12, ?13, ?14, ?15, ?16, nullif(?17, ''), nullif(?18, ''))";
	enum store_status ss = STORE_OK;

	for (size_t i = 0; i < p->npersons && ss == STORE_OK; i++) {
		const struct passage_person *q = &p->persons[i];
		ss = sq_run(c, sql,
			    SQ_PARAMS(SQ_TEXT(p->id), SQ_INT(q->seq), SQ_TEXT_NN(q->name),
				      SQ_TEXT_NN(q->id_number), SQ_INT(q->id_valid),
				      SQ_TEXT_NN(q->defects), SQ_TEXT_NN(q->phone), SQ_INT(q->temp),
				      SQ_TEXT_NN(q->origin), SQ_TEXT_NN(q->travel),
				      SQ_TEXT_NN(q->destination), SQ_TEXT(q->area),
				      SQ_TEXT_NN(q->purpose), SQ_TEXT(q->outcome),
				      SQ_TEXT(q->proposed), SQ_INT(q->key_area),
				      SQ_TEXT_NN(q->person_id), SQ_TEXT_NN(q->task_id)));
	}
	return ss;
}

enum store_status store_tx_passage_insert(struct store_tx *tx, const struct passage *p)
{
	static const char sql[] =
		"INSERT INTO passage(id, checkpoint_id, at, day, hour, shift, plate,"
		" plate_unreadable, plate_province, plate_key_area, vehicle_kind, direction, note,"
		" prereg, version, by_user, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
		" ?7, ?8, ?9, ?10, ?11, ?12, ?13, nullif(?14, ''), 1, ?15, ?16, ?16)";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss = sq_run(
		c, sql,
		SQ_PARAMS(SQ_TEXT(p->id), SQ_TEXT(p->checkpoint_id), SQ_INT(p->at), SQ_INT(p->day),
			  SQ_INT(p->hour), SQ_INT(p->shift), SQ_TEXT_NN(p->plate),
			  SQ_INT(p->plate_unreadable), SQ_TEXT_NN(p->plate_province),
			  SQ_INT(p->plate_key_area), SQ_TEXT(p->vehicle_kind),
			  SQ_TEXT(p->direction), SQ_TEXT_NN(p->note), SQ_TEXT_NN(p->prereg),
			  SQ_TEXT_NN(p->by), SQ_INT(p->created_at)));

	return ss == STORE_OK ? persons_insert(c, p) : ss;
}

enum store_status store_tx_passage_update(struct store_tx *tx, const struct passage *p)
{
	static const char sql[] =
		"UPDATE passage SET plate = ?2, plate_unreadable = ?3, plate_province = ?4,"
		" plate_key_area = ?5, vehicle_kind = ?6, direction = ?7, note = ?8, version = ?9,"
		" updated_at = ?10 WHERE id = ?1";
	static const char sql_clear[] = "DELETE FROM passage_person WHERE passage_id = ?1";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss =
		sq_run1(c, sql, STORE_NOT_FOUND,
			SQ_PARAMS(SQ_TEXT(p->id), SQ_TEXT_NN(p->plate), SQ_INT(p->plate_unreadable),
				  SQ_TEXT_NN(p->plate_province), SQ_INT(p->plate_key_area),
				  SQ_TEXT(p->vehicle_kind), SQ_TEXT(p->direction),
				  SQ_TEXT_NN(p->note), SQ_INT(p->version), SQ_INT(p->updated_at)));

	if (ss == STORE_OK)
		ss = sq_run(c, sql_clear, SQ_PARAMS(SQ_TEXT(p->id)));
	return ss == STORE_OK ? persons_insert(c, p) : ss;
}

enum store_status store_tx_passage_version_add(struct store_tx *tx, const char *passage_id,
					       const struct passage_version *v)
{
	static const char sql[] = "INSERT INTO passage_version(passage_id, version, body, reason,"
				  " by_user, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(passage_id), SQ_INT(v->version), SQ_TEXT(v->body),
				SQ_TEXT(v->reason), SQ_TEXT_NN(v->by), SQ_INT(v->at)));
}

static enum store_status persons_of(struct sq_conn *c, struct passage *p, struct arena *a)
{
	static const char sql[] = "SELECT " PASSAGE_PERSON_COLS PASSAGE_PERSON_FROM
				  " WHERE pp.passage_id = ?1 ORDER BY pp.seq";
	enum store_status ss;

	p->persons = sq_rows(c, sql, &sq_passage_person_rows, PASSAGE_PERSONS_MAX, a, &p->npersons,
			     &ss, SQ_PARAMS(SQ_TEXT(p->id)));
	return ss;
}

static const char passage_sql[] = "SELECT " PASSAGE_COLS " FROM passage ps WHERE ps.id = ?1";

static enum store_status passage_read(struct sq_conn *c, const char *id, struct arena *a,
				      struct passage *out)
{
	enum store_status ss =
		sq_one(c, passage_sql, &sq_passage_rows, a, out, SQ_PARAMS(SQ_TEXT(id)));

	return ss == STORE_OK ? persons_of(c, out, a) : ss;
}

enum store_status store_tx_passage_read(struct store_tx *tx, const char *id, struct arena *a,
					struct passage *out)
{
	return passage_read(sq_conn_of(tx), id, a, out);
}

enum store_status store_passage_get(struct store *s, const char *id, struct arena *a,
				    struct passage *out)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	if (!c)
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = passage_read(c, id, a, out);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

#define PASSAGE_WHERE                                                                              \
	" FROM passage ps WHERE ps.checkpoint_id = ?1"                                             \
	" AND ((ps.day = ?2 AND ps.hour >= ?3 AND ps.hour < ?4)"                                   \
	"  OR (ps.day = ?5 AND ps.hour >= ?6 AND ps.hour < ?7))"                                   \
	" AND (?8 IS NULL OR EXISTS (SELECT 1 FROM passage_person pp"                              \
	"  WHERE pp.passage_id = ps.id AND pp.outcome = ?8))"                                      \
	" AND (?9 IS NULL OR instr(ps.plate, ?9) > 0 OR EXISTS (SELECT 1 FROM passage_person pp"   \
	"  WHERE pp.passage_id = ps.id AND instr(pp.name, ?9) > 0))"

static enum store_status list_in(struct sq_conn *c, const struct passage_filter *f, struct arena *a,
				 struct passage **out, size_t *n, int64_t *total)
{
	static const char sql_count[] = "SELECT count(*)" PASSAGE_WHERE;
	static const char sql[] = "SELECT " PASSAGE_COLS PASSAGE_WHERE
				  " ORDER BY ps.at DESC, ps.id LIMIT ?10 OFFSET ?11";
	const struct sq_param p[] = {SQ_TEXT(f->checkpoint_id),
				     SQ_INT(f->d1),
				     SQ_INT(f->h1),
				     SQ_INT(f->h2),
				     SQ_INT(f->d2),
				     SQ_INT(f->h3),
				     SQ_INT(f->h4),
				     SQ_TEXT(f->outcome),
				     SQ_TEXT(f->q),
				     SQ_INT(f->limit),
				     SQ_INT(f->offset)};
	enum { NP = sizeof p / sizeof p[0] };
	enum store_status ss = sq_one_int(c, sql_count, total, p, NP);

	if (ss != STORE_OK)
		return ss;
	*out = sq_rows(c, sql, &sq_passage_rows, PASSAGE_PAGE_MAX, a, n, &ss, p, NP);
	for (size_t i = 0; ss == STORE_OK && i < *n; i++)
		ss = persons_of(c, &(*out)[i], a);
	return ss;
}

enum store_status store_passage_list(struct store *s, const struct passage_filter *f,
				     struct arena *a, struct passage **out, size_t *n,
				     int64_t *total)
{
	struct sq_conn *c = sq_reader_get(s);
	enum store_status ss;

	*n = 0;
	*total = 0;
	if (!c)
		return STORE_BUSY;
	if ((ss = sq_exec(c, "BEGIN")) == STORE_OK) {
		ss = list_in(c, f, a, out, n, total);
		sq_exec(c, "COMMIT");
	}
	sq_reader_put(s, c);
	return ss;
}

/* a passage's columns, then its person's (PASSAGE_COLS, PASSAGE_PERSON_COLS) */
static void read_line(const struct sq_cur *k, struct arena *a, void *out)
{
	struct passage_line *l = out;

	sq_read_row(k, a, &l->p, &sq_passage_rows);
	sq_read_row_from(k, sq_passage_rows.ncols, a, &l->q, &sq_passage_person_rows);
}
static const struct sq_rowtype line_rows = {sizeof(struct passage_line), NULL, 0, read_line};

#define LINES_WHERE                                                                                \
	PASSAGE_PERSON_FROM " JOIN passage ps ON ps.id = pp.passage_id"                            \
			    " WHERE ps.checkpoint_id = ?1 AND ps.day BETWEEN ?2 AND ?3"            \
			    " AND (?4 IS NULL OR pp.outcome = ?4)"

enum store_status store_passage_lines(struct store *s, const char *checkpoint_id, int from, int to,
				      const char *outcome, const struct store_each *each,
				      int64_t *total)
{
	static const char sql_count[] = "SELECT count(*)" LINES_WHERE;
	static const char sql[] = "SELECT " PASSAGE_COLS ", " PASSAGE_PERSON_COLS LINES_WHERE
				  " ORDER BY ps.day, ps.at, ps.id, pp.seq";
	struct sq_conn *c;
	enum store_status ss;

	if (each)
		return sq_each(s, sql, &line_rows, each,
			       SQ_PARAMS(SQ_TEXT(checkpoint_id), SQ_INT(from), SQ_INT(to),
					 SQ_TEXT(outcome)));
	if (!(c = sq_reader_get(s)))
		return STORE_BUSY;
	ss = sq_one_int(
		c, sql_count, total,
		SQ_PARAMS(SQ_TEXT(checkpoint_id), SQ_INT(from), SQ_INT(to), SQ_TEXT(outcome)));
	sq_reader_put(s, c);
	return ss;
}

static void read_version(const struct sq_cur *k, struct arena *a, void *out)
{
	struct passage_version *v = out;

	v->version = (int)sq_int(k, 0);
	v->body = sq_text(a, k, 1);
	v->reason = sq_text(a, k, 2);
	v->by = sq_text(a, k, 3);
	v->at = sq_int(k, 4);
}
static const struct sq_rowtype version_rows = {sizeof(struct passage_version), NULL, 0,
					       read_version};

enum store_status store_passage_versions(struct store *s, const char *id, struct arena *a,
					 struct passage_version **out, size_t *n)
{
	static const char sql[] = "SELECT version, body, reason, by_user, at FROM passage_version"
				  " WHERE passage_id = ?1 ORDER BY version DESC";
	enum store_status ss;

	*out = sq_list(s, sql, &version_rows, 50, a, n, &ss, SQ_PARAMS(SQ_TEXT(id)));
	return ss;
}

enum store_status store_tx_handover_of_task(struct store_tx *tx, const char *task_id,
					    char checkpoint_id[USER_ID_LEN + 1], int *day,
					    int *hour)
{
	static const char sql[] = "SELECT ps.checkpoint_id, ps.day, ps.hour FROM passage_person pp"
				  " JOIN passage ps ON ps.id = pp.passage_id WHERE pp.task_id = ?1";
	struct sq_cur k;
	bool row = sq_open(&k, sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(task_id))) && sq_next(&k);

	if (row) {
		sq_text_to(&k, 0, checkpoint_id, USER_ID_LEN + 1);
		*day = (int)sq_int(&k, 1);
		*hour = (int)sq_int(&k, 2);
	}
	return sq_close(&k) != STORE_OK ? k.ss : row ? STORE_OK : STORE_NOT_FOUND;
}

enum store_status store_tx_handover_follow(struct store_tx *tx, const char *task_id,
					   const char *new_task_id)
{
	static const char sql[] = "UPDATE passage_person SET task_id = ?2 WHERE task_id = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(task_id), SQ_TEXT(new_task_id)));
}

/* ---- pre-registrations ---- */

enum store_status store_tx_prereg_insert(struct store_tx *tx, const struct prereg *p)
{
	static const char sql[] = "INSERT INTO prereg(code, checkpoint_id, body, created_at,"
				  " expires_at) VALUES (?1, ?2, ?3, ?4, ?5)";

	return sq_run(sq_conn_of(tx), sql,
		      SQ_PARAMS(SQ_TEXT(p->code), SQ_TEXT(p->checkpoint_id), SQ_TEXT(p->body),
				SQ_INT(p->created_at), SQ_INT(p->expires_at)));
}

static void read_prereg(const struct sq_cur *k, struct arena *a, void *out)
{
	struct prereg *p = out;

	sq_text_to(k, 0, p->code, sizeof p->code);
	sq_text_to(k, 1, p->checkpoint_id, sizeof p->checkpoint_id);
	p->body = sq_text(a, k, 2);
	p->created_at = sq_int(k, 3);
	p->expires_at = sq_int(k, 4);
}
static const struct sq_rowtype prereg_rows = {sizeof(struct prereg), NULL, 0, read_prereg};
static const char prereg_sql[] = "SELECT code, checkpoint_id, body, created_at, expires_at"
				 " FROM prereg WHERE code = ?1 AND expires_at > ?2";

enum store_status store_tx_prereg_read(struct store_tx *tx, const char *code, int64_t now,
				       struct arena *a, struct prereg *out)
{
	return sq_one(sq_conn_of(tx), prereg_sql, &prereg_rows, a, out,
		      SQ_PARAMS(SQ_TEXT(code), SQ_INT(now)));
}

enum store_status store_prereg_get(struct store *s, const char *code, int64_t now, struct arena *a,
				   struct prereg *out)
{
	return sq_get(s, prereg_sql, &prereg_rows, a, out, SQ_PARAMS(SQ_TEXT(code), SQ_INT(now)));
}

enum store_status store_tx_prereg_pending(struct store_tx *tx, const char *checkpoint_id,
					  int64_t now, int64_t *n)
{
	static const char sql[] =
		"SELECT count(*) FROM prereg WHERE checkpoint_id = ?1 AND expires_at > ?2";
	return sq_one_int(sq_conn_of(tx), sql, n, SQ_PARAMS(SQ_TEXT(checkpoint_id), SQ_INT(now)));
}

enum store_status store_tx_prereg_delete(struct store_tx *tx, const char *code)
{
	static const char sql[] = "DELETE FROM prereg WHERE code = ?1";

	return sq_run(sq_conn_of(tx), sql, SQ_PARAMS(SQ_TEXT(code)));
}

enum store_status store_tx_prereg_prune(struct store_tx *tx, int64_t now, int64_t *n)
{
	static const char sql[] = "DELETE FROM prereg WHERE expires_at <= ?1";
	struct sq_conn *c = sq_conn_of(tx);
	enum store_status ss = sq_run(c, sql, SQ_PARAMS(SQ_INT(now)));

	*n = ss == STORE_OK ? sq_changes(c) : 0;
	return ss;
}

/* ---- recount ---- */

/* The totals recounted from the passages (r) and kept (k), per checkpoint, day and hour
 * (24: the day); a kept row of zeros counts as no row. */
#define RECOUNT_WITH                                                                               \
	"WITH pr AS (SELECT pp.passage_id AS id, count(*) AS p, sum(pp.key_area) AS kap,"          \
	"  count(*) FILTER (WHERE pp.outcome = 'turned_back') AS tb,"                              \
	"  count(*) FILTER (WHERE pp.outcome = 'clinic') AS cl,"                                   \
	"  count(*) FILTER (WHERE pp.outcome = 'handover') AS ho,"                                 \
	"  count(*) FILTER (WHERE pp.outcome = 'handover' AND t.status = 'closed') AS hc"          \
	"  FROM passage_person pp LEFT JOIN task t ON t.id = pp.task_id GROUP BY pp.passage_id),"  \
	" h AS (SELECT ps.checkpoint_id AS cp, ps.day AS day, ps.hour AS hour, count(*) AS v,"     \
	"  sum(ps.plate_key_area) AS kav, sum(pr.p) AS p, sum(pr.kap) AS kap, sum(pr.tb) AS tb,"   \
	"  sum(pr.cl) AS cl, sum(pr.ho) AS ho, sum(pr.hc) AS hc"                                   \
	"  FROM passage ps JOIN pr ON pr.id = ps.id GROUP BY 1, 2, 3),"                            \
	" r AS (SELECT * FROM h UNION ALL SELECT cp, day, 24, sum(v), sum(kav), sum(p), sum(kap)," \
	"  sum(tb), sum(cl), sum(ho), sum(hc) FROM h GROUP BY cp, day),"                           \
	" k AS (SELECT checkpoint_id, day, hour, vehicles, key_area_vehicles, persons,"            \
	"  key_area_persons, turned_back, clinic, handed_over, handovers_closed"                   \
	"  FROM checkpoint_count WHERE vehicles <> 0 OR key_area_vehicles <> 0 OR persons <> 0"    \
	"  OR key_area_persons <> 0 OR turned_back <> 0 OR clinic <> 0 OR handed_over <> 0"        \
	"  OR handovers_closed <> 0),"                                                             \
	" d AS (SELECT * FROM (SELECT * FROM r EXCEPT SELECT * FROM k) d1"                         \
	"  UNION ALL SELECT * FROM (SELECT * FROM k EXCEPT SELECT * FROM r) d2)"

enum store_status store_checkpoint_recount(struct store *s, int64_t *checked, int64_t *mismatched,
					   char *first, size_t firstsz)
{
	static const char sql[] =
		RECOUNT_WITH " SELECT (SELECT count(*) FROM k), (SELECT count(*) FROM d),"
			     " (SELECT cp || ' ' || day || ' ' || hour FROM d LIMIT 1)";
	struct sq_conn *c = sq_reader_get(s);
	struct sq_cur k;
	enum store_status ss;

	*checked = *mismatched = 0;
	if (first && firstsz)
		*first = '\0';
	if (sq_open(&k, c, sql, NULL, 0) && sq_next(&k)) {
		*checked = sq_int(&k, 0);
		*mismatched = sq_int(&k, 1);
		if (first && firstsz)
			sq_text_to(&k, 2, first, firstsz);
	}
	ss = sq_close(&k);
	sq_reader_put(s, c);
	return ss;
}
