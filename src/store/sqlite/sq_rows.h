/* sq_rows — the rows the SQLite backend reads into the structs of store.h. Each row type has
 * ONE list of its columns, C(kind, field, "SQL expression"), from which both the SELECT
 * list (X_COLS) and the table that reads a result row into the struct (sq_x_rows, sq_rows.c)
 * are made, so that the two cannot drift apart; the first entry is F(...), a SELECT list
 * having no comma before its first column. The FROM clauses that give the expressions their
 * table aliases stand beside them. tests/unit/test_sq_rows.c prepares every list against the
 * schema. */
#ifndef FK_SQ_ROWS_H
#define FK_SQ_ROWS_H

#include "store/sqlite/sq.h"

#define SQ_SEL_FIRST(kind, field, sql) sql
#define SQ_SEL_NEXT(kind, field, sql) ", " sql
#define SQ_SELECT_LIST(ROW) ROW(SQ_SEL_FIRST, SQ_SEL_NEXT)

/* struct alert */
#define SQ_ALERT_ROW(F, C)                                                                         \
	F(BUF, id, "al.id")                                                                        \
	C(BUF, observation_id, "al.observation_id")                                                \
	C(BUF, person_id, "al.person_id")                                                          \
	C(TEXT, person_name, "coalesce(p.name, '')")                                               \
	C(TEXT, person_phone, "coalesce(p.phone, '')")                                             \
	C(TEXT, person_address, "coalesce(p.address, '')")                                         \
	C(BUF, area, "al.area_code")                                                               \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, visit_id, "coalesce(al.visit_id, '')")                                             \
	C(TEXT, status, "al.status")                                                               \
	C(TEXT, destination, "coalesce(al.destination, '')")                                       \
	C(TEXT, facility, "al.facility")                                                           \
	C(TEXT, transport, "al.transport")                                                         \
	C(TEXT, referred_by, "coalesce(al.referred_by, '')")                                       \
	C(TEXT, result, "coalesce(al.result, '')")                                                 \
	C(TEXT, note, "al.note")                                                                   \
	C(NUM, raised_at, "al.raised_at")                                                          \
	C(NUM, referred_at, "al.referred_at")                                                      \
	C(NUM, result_at, "al.result_at")                                                          \
	C(NUM, updated_at, "al.updated_at")                                                        \
	C(NUM, temp, "al.temp")                                                                    \
	C(NUM, visits, "al.visits")                                                                \
	C(NUM, symptoms, "al.symptoms")
#define ALERT_COLS SQ_SELECT_LIST(SQ_ALERT_ROW)
#define ALERT_FROM                                                                                 \
	" FROM alert al LEFT JOIN person p ON p.id = al.person_id"                                 \
	" LEFT JOIN area a ON a.code = al.area_code"
extern const struct sq_rowtype sq_alert_rows;

/* struct service */
#define SQ_SERVICE_ROW(F, C)                                                                       \
	F(BUF, id, "sv.id")                                                                        \
	C(BUF, observation_id, "sv.observation_id")                                                \
	C(BUF, person_id, "sv.person_id")                                                          \
	C(TEXT, person_name, "coalesce(p.name, '')")                                               \
	C(BUF, area, "sv.area_code")                                                               \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, kind, "sv.kind")                                                                   \
	C(TEXT, items, "sv.items")                                                                 \
	C(TEXT, requested_by, "sv.requested_by")                                                   \
	C(TEXT, requester, "sv.requester")                                                         \
	C(TEXT, assignee, "sv.assignee")                                                           \
	C(TEXT, status, "sv.status")                                                               \
	C(TEXT, note, "sv.note")                                                                   \
	C(NUM, due_at, "sv.due_at")                                                                \
	C(NUM, created_at, "sv.created_at")                                                        \
	C(NUM, accepted_at, "sv.accepted_at")                                                      \
	C(NUM, delivered_at, "sv.delivered_at")                                                    \
	C(NUM, updated_at, "sv.updated_at")
#define SERVICE_COLS SQ_SELECT_LIST(SQ_SERVICE_ROW)
#define SERVICE_FROM                                                                               \
	" FROM service sv LEFT JOIN person p ON p.id = sv.person_id"                               \
	" LEFT JOIN area a ON a.code = sv.area_code"
extern const struct sq_rowtype sq_service_rows;

/* struct area */
#define SQ_AREA_ROW(F, C)                                                                          \
	F(BUF, code, "a.code")                                                                     \
	C(BUF, parent, "coalesce(a.parent, '')")                                                   \
	C(NUM, level, "a.level")                                                                   \
	C(TEXT, name, "a.name")                                                                    \
	C(TEXT, responsible_name, "a.responsible_name")                                            \
	C(TEXT, responsible_phone, "a.responsible_phone")                                          \
	C(TEXT, duty_phone, "a.duty_phone")                                                        \
	C(NUM, official, "a.official")                                                             \
	C(NUM, updated_at, "a.updated_at")                                                         \
	C(NUM, child_count, "(SELECT count(*) FROM area k WHERE k.parent = a.code)")               \
	C(TEXT, parent_name, "coalesce((SELECT p.name FROM area p WHERE p.code = a.parent), '')")
#define AREA_COLS SQ_SELECT_LIST(SQ_AREA_ROW)
extern const struct sq_rowtype sq_area_rows;

/* struct import_job */
#define SQ_JOB_ROW(F, C)                                                                           \
	F(BUF, id, "id")                                                                           \
	C(TEXT, user_id, "user_id")                                                                \
	C(TEXT, username, "username")                                                              \
	C(BUF, area, "area_code")                                                                  \
	C(TEXT, filename, "filename")                                                              \
	C(TEXT, sha256, "sha256")                                                                  \
	C(TEXT, path, "path")                                                                      \
	C(TEXT, kind, "kind")                                                                      \
	C(TEXT, status, "status")                                                                  \
	C(NUM, deadline_hours, "deadline_hours")                                                   \
	C(TEXT, mapping, "coalesce(mapping, '')")                                                  \
	C(NUM, rows, "rows")                                                                       \
	C(NUM, imported, "imported")                                                               \
	C(NUM, merged, "merged")                                                                   \
	C(NUM, flagged, "flagged")                                                                 \
	C(NUM, rejected, "rejected")                                                               \
	C(NUM, last_line, "last_line")                                                             \
	C(NUM, bytes_total, "bytes_total")                                                         \
	C(NUM, bytes_done, "bytes_done")                                                           \
	C(TEXT, error, "coalesce(error, '')")                                                      \
	C(NUM, created_at, "created_at")                                                           \
	C(NUM, finished_at, "coalesce(finished_at, 0)")                                            \
	C(TEXT, header, "coalesce(header, '')")
#define JOB_COLS SQ_SELECT_LIST(SQ_JOB_ROW)
extern const struct sq_rowtype sq_job_rows;

/* struct person */
#define SQ_PERSON_ROW(F, C)                                                                        \
	F(BUF, id, "p.id")                                                                         \
	C(TEXT, doc_type, "p.doc_type")                                                            \
	C(TEXT, id_number, "p.id_number")                                                          \
	C(NUM, id_valid, "p.id_valid")                                                             \
	C(TEXT, name, "p.name")                                                                    \
	C(TEXT, sex, "p.sex")                                                                      \
	C(TEXT, phone, "p.phone")                                                                  \
	C(TEXT, address, "p.address")                                                              \
	C(NUM, birth, "p.birth")                                                                   \
	C(BUF, area, "p.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(NUM, categories, "p.categories")                                                         \
	C(TEXT, status, "p.status")                                                                \
	C(TEXT, defects, "p.defects")                                                              \
	C(TEXT_OR_NULL, merged_into, "p.merged_into")                                              \
	C(NUM, created_at, "p.created_at")                                                         \
	C(NUM, updated_at, "p.updated_at")                                                         \
	C(TEXT, duplicate_of, "coalesce(h.id, '')")                                                \
	C(TEXT, duplicate_area, "coalesce(h.area_code, '')")
#define PERSON_COLS SQ_SELECT_LIST(SQ_PERSON_ROW)
/* h: the holder of the number of a PERSON_ELSEWHERE file (at most one: person_doc) */
#define PERSON_FROM                                                                                \
	" FROM person p LEFT JOIN area a ON a.code = p.area_code"                                  \
	" LEFT JOIN person h ON p.id_valid = 0 AND p.merged_into IS NULL"                          \
	" AND instr(',' || p.defects || ',', '," PERSON_ELSEWHERE ",') > 0"                        \
	" AND h.doc_type = p.doc_type AND h.id_number = p.id_number AND h.id_valid = 1"
extern const struct sq_rowtype sq_person_rows;

/* The task forwarded from t (one per forwarded task, found through the person's tasks). */
#define TASK_NEXT(what, join)                                                                      \
	"(SELECT " what " FROM task n " join                                                       \
	" WHERE n.person_id = t.person_id AND n.forwarded_from = t.id LIMIT 1)"
/* struct task */
#define SQ_TASK_ROW(F, C)                                                                          \
	F(BUF, id, "t.id")                                                                         \
	C(BUF, person_id, "t.person_id")                                                           \
	C(TEXT, person_name, "coalesce(p.name, '')")                                               \
	C(TEXT, import_id, "coalesce(t.import_id, '')")                                            \
	C(BUF, area, "t.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, assignee, "coalesce(t.assignee, '')")                                              \
	C(TEXT, status, "t.status")                                                                \
	C(TEXT, outcome, "coalesce(t.outcome, '')")                                                \
	C(TEXT, note, "t.note")                                                                    \
	C(TEXT, defects, "t.defects")                                                              \
	C(TEXT, forwarded_from, "coalesce(t.forwarded_from, '')")                                  \
	C(TEXT, forward_target, "coalesce(t.forward_target, '')")                                  \
	C(TEXT, closed_by, "coalesce(t.closed_by, '')")                                            \
	C(NUM, due_at, "t.due_at")                                                                 \
	C(NUM, created_at, "t.created_at")                                                         \
	C(NUM, closed_at, "coalesce(t.closed_at, 0)")                                              \
	C(NUM, key_area, "t.key_area")                                                             \
	C(BUF, person_area, "coalesce(p.area_code, '')")                                           \
	C(TEXT, forward_target_name,                                                               \
	  "CASE WHEN t.forward_target IS NULL THEN '' ELSE coalesce((SELECT fa.name FROM area fa"  \
	  " WHERE fa.code = t.forward_target), '') END")                                           \
	C(TEXT, next_area, "CASE WHEN t.forward_target IS NULL THEN '' ELSE coalesce(" TASK_NEXT(  \
				   "n.area_code", "") ", '') END")                                 \
	C(TEXT, next_area_name,                                                                    \
	  "CASE WHEN t.forward_target IS NULL THEN '' ELSE coalesce(" TASK_NEXT(                   \
		  "na.name", "JOIN area na ON na.code = n.area_code") ", '') END")                 \
	C(TEXT, next_assignee_name,                                                                \
	  "CASE WHEN t.forward_target IS NULL THEN '' ELSE coalesce(" TASK_NEXT(                   \
		  "coalesce((SELECT CASE WHEN nu.display_name <> '' THEN nu.display_name"          \
		  " ELSE nu.username END FROM app_user nu WHERE nu.username = n.assignee),"        \
		  " n.assignee)", "") ", '') END")
#define TASK_COLS SQ_SELECT_LIST(SQ_TASK_ROW)
#define TASK_FROM                                                                                  \
	" FROM task t LEFT JOIN person p ON p.id = t.person_id"                                    \
	" LEFT JOIN area a ON a.code = t.area_code"
extern const struct sq_rowtype sq_task_rows;

/* struct user */
#define SQ_USER_ROW(F, C)                                                                          \
	F(BUF, id, "u.id")                                                                         \
	C(TEXT, username, "u.username")                                                            \
	C(TEXT, display_name, "u.display_name")                                                    \
	C(TEXT, phone, "u.phone")                                                                  \
	C(BUF, area, "u.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(NUM, disabled, "u.disabled")                                                             \
	C(NUM, must_change, "u.must_change")                                                       \
	C(NUM, failed_logins, "u.failed_logins")                                                   \
	C(NUM, locked_until, "u.locked_until")                                                     \
	C(NUM, created_at, "u.created_at")                                                         \
	C(NUM, last_login_at, "u.last_login_at")
/* the role last: parsed by the row type's reader (sq_rows.c), as the password hash
 * a query may select after it */
#define USER_COLS SQ_SELECT_LIST(SQ_USER_ROW) ", u.role"
#define USER_FROM " FROM app_user u LEFT JOIN area a ON a.code = u.area_code"
extern const struct sq_rowtype sq_user_rows;

/* struct visit */
#define SQ_VISIT_ROW(F, C)                                                                         \
	F(BUF, id, "id")                                                                           \
	C(BUF, observation_id, "observation_id")                                                   \
	C(NUM, at, "at")                                                                           \
	C(NUM, recorded_at, "recorded_at")                                                         \
	C(TEXT, mode, "mode")                                                                      \
	C(NUM, saw_person, "saw_person")                                                           \
	C(NUM, saw_home, "saw_home")                                                               \
	C(NUM, saw_state, "saw_state")                                                             \
	C(NUM, temp, "temp")                                                                       \
	C(NUM, symptoms, "symptoms")                                                               \
	C(TEXT, note, "note")                                                                      \
	C(TEXT, by, "coalesce(by_username, '')")                                                   \
	C(NUM, self_report, "self_report")                                                         \
	C(NUM, slot, "slot")                                                                       \
	C(NUM, late, "late")                                                                       \
	C(NUM, fever, "fever")
#define VISIT_COLS SQ_SELECT_LIST(SQ_VISIT_ROW)
extern const struct sq_rowtype sq_visit_rows;

/* struct observation */
#define SQ_OBS_ROW(F, C)                                                                           \
	F(BUF, id, "o.id")                                                                         \
	C(BUF, person_id, "o.person_id")                                                           \
	C(TEXT, person_name, "coalesce(p.name, '')")                                               \
	C(BUF, area, "o.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, kind, "o.kind")                                                                    \
	C(TEXT, status, "o.status")                                                                \
	C(NUM, start_date, "o.start_date")                                                         \
	C(NUM, end_date, "o.end_date")                                                             \
	C(NUM, began_at, "o.began_at")                                                             \
	C(NUM, ended_at, "o.ended_at")                                                             \
	C(TEXT, place, "o.place")                                                                  \
	C(TEXT, household_of, "coalesce(o.household_of, '')")                                      \
	C(NUM, alert_open, "o.alert_open")                                                         \
	C(NUM, last_temp, "o.last_temp")                                                           \
	C(NUM, last_visit_at, "o.last_visit_at")                                                   \
	C(NUM, alert_temp,                                                                         \
	  "coalesce((SELECT al.temp FROM alert al WHERE al.observation_id = o.id"                   \
	  " ORDER BY al.raised_at DESC LIMIT 1), 0)")                                              \
	C(NUM, alert_at,                                                                           \
	  "coalesce((SELECT al.raised_at FROM alert al WHERE al.observation_id = o.id"              \
	  " ORDER BY al.raised_at DESC LIMIT 1), 0)")                                              \
	C(TEXT, end_reason, "o.end_reason")                                                        \
	C(NUM, created_at, "o.created_at")                                                         \
	C(NUM, updated_at, "o.updated_at")                                                         \
	C(BUF, grid_worker.id, "coalesce(g.id, '')")                                               \
	C(TEXT, grid_worker.name,                                                                  \
	  "coalesce(CASE WHEN g.display_name <> '' THEN g.display_name ELSE g.username END, '')")  \
	C(TEXT, grid_worker.phone, "coalesce(g.phone, '')")                                        \
	C(BUF, doctor.id, "coalesce(d.id, '')")                                                    \
	C(TEXT, doctor.name,                                                                       \
	  "coalesce(CASE WHEN d.display_name <> '' THEN d.display_name ELSE d.username END, '')")  \
	C(TEXT, doctor.phone, "coalesce(d.phone, '')")                                             \
	C(BUF, social_worker.id, "coalesce(w.id, '')")                                             \
	C(TEXT, social_worker.name,                                                                \
	  "coalesce(CASE WHEN w.display_name <> '' THEN w.display_name ELSE w.username END, '')")  \
	C(TEXT, social_worker.phone, "coalesce(w.phone, '')")                                      \
	C(NUM, filled, "coalesce(dy.filled, 0)")                                                   \
	C(TEXT, token_box, "o.token_box")
#define OBS_COLS SQ_SELECT_LIST(SQ_OBS_ROW)
/* ?1 is always the date whose filled slots are read */
#define OBS_FROM                                                                                   \
	" FROM observation o LEFT JOIN person p ON p.id = o.person_id"                             \
	" LEFT JOIN area a ON a.code = o.area_code"                                                \
	" LEFT JOIN app_user g ON g.id = o.grid_worker"                                            \
	" LEFT JOIN app_user d ON d.id = o.doctor"                                                 \
	" LEFT JOIN app_user w ON w.id = o.social_worker"                                          \
	" LEFT JOIN obs_day dy ON dy.observation_id = o.id AND dy.date = ?1"
extern const struct sq_rowtype sq_obs_rows;

/* struct audit_row */
#define SQ_AUDIT_ROW(F, C)                                                                         \
	F(NUM, id, "id")                                                                           \
	C(NUM, at, "at")                                                                           \
	C(TEXT_OR_NULL, user_id, "user_id")                                                        \
	C(TEXT_OR_NULL, username, "username")                                                      \
	C(TEXT_OR_NULL, ip, "ip")                                                                  \
	C(TEXT, action, "action")                                                                  \
	C(TEXT_OR_NULL, object_type, "object_type")                                                \
	C(TEXT_OR_NULL, object_id, "object_id")                                                    \
	C(TEXT_OR_NULL, area, "area_code")                                                         \
	C(TEXT, result, "result")                                                                  \
	C(TEXT_OR_NULL, before, "before_json")                                                     \
	C(TEXT_OR_NULL, after, "after_json")                                                       \
	C(TEXT_OR_NULL, request_id, "request_id")
#define AUDIT_COLS SQ_SELECT_LIST(SQ_AUDIT_ROW)
extern const struct sq_rowtype sq_audit_rows;

/* struct import_issue */
#define SQ_ISSUE_ROW(F, C)                                                                         \
	F(NUM, line, "line")                                                                       \
	C(TEXT, col, "col")                                                                        \
	C(TEXT, code, "code")                                                                      \
	C(TEXT, severity, "severity")                                                              \
	C(TEXT, value, "value")                                                                    \
	C(TEXT, cells, "cells")
#define ISSUE_COLS SQ_SELECT_LIST(SQ_ISSUE_ROW)
extern const struct sq_rowtype sq_issue_rows;

/* struct travel */
#define SQ_TRAVEL_ROW(F, C)                                                                        \
	F(TEXT, origin, "origin")                                                                  \
	C(TEXT, origin_code, "origin_code")                                                        \
	C(NUM, arrival, "arrival")                                                                 \
	C(TEXT, transport, "transport")                                                            \
	C(TEXT, transport_no, "transport_no")                                                      \
	C(TEXT, import_id, "coalesce(import_id, '')")                                              \
	C(NUM, created_at, "created_at")
#define TRAVEL_COLS SQ_SELECT_LIST(SQ_TRAVEL_ROW)
extern const struct sq_rowtype sq_travel_rows;

/* struct person_event */
#define SQ_EVENT_ROW(F, C)                                                                         \
	F(NUM, id, "id")                                                                           \
	C(NUM, at, "at")                                                                           \
	C(TEXT, kind, "kind")                                                                      \
	C(TEXT, username, "coalesce(username, '')")                                                \
	C(TEXT, area, "coalesce(area_code, '')")                                                   \
	C(TEXT, detail, "coalesce(detail, '')")
#define EVENT_COLS SQ_SELECT_LIST(SQ_EVENT_ROW)
extern const struct sq_rowtype sq_event_rows;

/* struct outcome */
#define SQ_OUTCOME_ROW(F, C)                                                                       \
	F(TEXT, code, "code")                                                                      \
	C(TEXT, zh, "zh")                                                                          \
	C(TEXT, en, "en")                                                                          \
	C(TEXT, status_after, "status_after")                                                      \
	C(NUM, needs_target, "needs_target")
#define OUTCOME_COLS SQ_SELECT_LIST(SQ_OUTCOME_ROW)
extern const struct sq_rowtype sq_outcome_rows;

/* struct key_area */
#define SQ_KEY_AREA_ROW(F, C)                                                                      \
	F(TEXT, code, "code")                                                                      \
	C(TEXT, name, "name")                                                                      \
	C(NUM, start_date, "start_date")                                                           \
	C(NUM, end_date, "end_date")
#define KEY_AREA_COLS SQ_SELECT_LIST(SQ_KEY_AREA_ROW)
extern const struct sq_rowtype sq_key_area_rows;

/* struct grid_rule_row */
#define SQ_GRID_RULE_ROW(F, C)                                                                     \
	F(BUF, village, "village_code")                                                            \
	C(BUF, grid, "grid_code")                                                                  \
	C(TEXT, kind, "kind")                                                                      \
	C(TEXT, name, "name")                                                                      \
	C(TEXT, parity, "parity")                                                                  \
	C(NUM, from, "num_from")                                                                   \
	C(NUM, to, "num_to")
#define GRID_RULE_COLS SQ_SELECT_LIST(SQ_GRID_RULE_ROW)
extern const struct sq_rowtype sq_grid_rule_rows;

/* struct checkpoint; its totals (today / over the days asked) and open handovers are
 * columns t.* and o.n of the query's own FROM (sq_checkpoint.c) */
#define SQ_CHECKPOINT_ROW(F, C)                                                                    \
	F(BUF, id, "c.id")                                                                         \
	C(TEXT, name, "c.name")                                                                    \
	C(TEXT, kind, "c.kind")                                                                    \
	C(BUF, area, "c.area_code")                                                                \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, location, "c.location")                                                            \
	C(NUM, opened_on, "c.opened_on")                                                           \
	C(NUM, closed_on, "coalesce(c.closed_on, 0)")                                              \
	C(TEXT, shift_starts, "c.shift_starts")                                                    \
	C(NUM, created_at, "c.created_at")                                                         \
	C(NUM, updated_at, "c.updated_at")                                                         \
	C(NUM, today.vehicles, "coalesce(t.vehicles, 0)")                                          \
	C(NUM, today.persons, "coalesce(t.persons, 0)")                                            \
	C(NUM, today.key_area_vehicles, "coalesce(t.key_area_vehicles, 0)")                        \
	C(NUM, today.key_area_persons, "coalesce(t.key_area_persons, 0)")                          \
	C(NUM, today.turned_back, "coalesce(t.turned_back, 0)")                                    \
	C(NUM, today.clinic, "coalesce(t.clinic, 0)")                                              \
	C(NUM, today.handed_over, "coalesce(t.handed_over, 0)")                                    \
	C(NUM, today.handovers_closed, "coalesce(t.handovers_closed, 0)")                          \
	C(NUM, open_handovers, "coalesce(o.n, 0)")
#define CHECKPOINT_COLS SQ_SELECT_LIST(SQ_CHECKPOINT_ROW)
extern const struct sq_rowtype sq_checkpoint_rows;

/* struct passage (its persons read apart) */
#define SQ_PASSAGE_ROW(F, C)                                                                       \
	F(BUF, id, "ps.id")                                                                        \
	C(BUF, checkpoint_id, "ps.checkpoint_id")                                                  \
	C(NUM, at, "ps.at")                                                                        \
	C(NUM, day, "ps.day")                                                                      \
	C(NUM, hour, "ps.hour")                                                                    \
	C(NUM, shift, "ps.shift")                                                                  \
	C(TEXT, plate, "ps.plate")                                                                 \
	C(NUM, plate_unreadable, "ps.plate_unreadable")                                            \
	C(TEXT, plate_province, "ps.plate_province")                                               \
	C(NUM, plate_key_area, "ps.plate_key_area")                                                \
	C(TEXT, vehicle_kind, "ps.vehicle_kind")                                                   \
	C(TEXT, direction, "ps.direction")                                                         \
	C(TEXT, note, "ps.note")                                                                   \
	C(TEXT, prereg, "coalesce(ps.prereg, '')")                                                 \
	C(NUM, version, "ps.version")                                                              \
	C(TEXT, by, "ps.by_user")                                                                  \
	C(NUM, created_at, "ps.created_at")                                                        \
	C(NUM, updated_at, "ps.updated_at")
#define PASSAGE_COLS SQ_SELECT_LIST(SQ_PASSAGE_ROW)
extern const struct sq_rowtype sq_passage_rows;

/* struct passage_person */
#define SQ_PASSAGE_PERSON_ROW(F, C)                                                                \
	F(NUM, seq, "pp.seq")                                                                      \
	C(TEXT, name, "pp.name")                                                                   \
	C(TEXT, id_number, "pp.id_number")                                                         \
	C(NUM, id_valid, "pp.id_valid")                                                            \
	C(TEXT, defects, "pp.defects")                                                             \
	C(TEXT, phone, "pp.phone")                                                                 \
	C(NUM, temp, "pp.temp")                                                                    \
	C(TEXT, origin, "pp.origin")                                                               \
	C(TEXT, travel, "pp.travel")                                                               \
	C(TEXT, destination, "pp.destination")                                                     \
	C(BUF, area, "pp.area_code")                                                               \
	C(TEXT, area_name, "coalesce(a.name, '')")                                                 \
	C(TEXT, purpose, "pp.purpose")                                                             \
	C(TEXT, outcome, "pp.outcome")                                                             \
	C(TEXT, proposed, "pp.proposed")                                                           \
	C(NUM, key_area, "pp.key_area")                                                            \
	C(TEXT, person_id, "coalesce(pp.person_id, '')")                                           \
	C(TEXT, task_id, "coalesce(pp.task_id, '')")                                               \
	C(TEXT, task_status, "coalesce(t.status, '')")                                             \
	C(TEXT, task_outcome, "coalesce(t.outcome, '')")
#define PASSAGE_PERSON_COLS SQ_SELECT_LIST(SQ_PASSAGE_PERSON_ROW)
#define PASSAGE_PERSON_FROM                                                                        \
	" FROM passage_person pp LEFT JOIN area a ON a.code = pp.area_code"                        \
	" LEFT JOIN task t ON t.id = pp.task_id"
extern const struct sq_rowtype sq_passage_person_rows;

#endif
