/* sq_migrate — numbered migrations, applied in order, all the pending ones in one
 * transaction, recorded in schema_version. A migration is never edited once released: add a new one.
 *
 * The steps are written for SQLite; PostgreSQL runs the same list, each step translated by
 * sq_pg_ddl (sq_pgddl.c: its rules) unless pg_texts gives the step its own text, for what
 * the rules cannot say readably. `fangkong schema` prints either as one script. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite/sq.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

#define STEP21_COMMON                                                                              \
	"CREATE TABLE retention_setting ("                                                         \
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"                                                 \
	"  run_hour INTEGER NOT NULL,"                                                             \
	"  days_person INTEGER NOT NULL,"                                                          \
	"  days_checkpoint INTEGER NOT NULL,"                                                      \
	"  days_closure INTEGER NOT NULL,"                                                         \
	"  days_duty INTEGER NOT NULL,"                                                            \
	"  days_outbound INTEGER NOT NULL,"                                                        \
	"  days_import INTEGER NOT NULL,"                                                          \
	"  updated_by TEXT NOT NULL DEFAULT '',"                                                   \
	"  updated_at INTEGER NOT NULL);"                                                          \
	"INSERT INTO retention_setting VALUES (1, 3, 30, 30, 30, 30, 30, 30, '', 0);"              \
	"CREATE TABLE retention_run ("                                                             \
	"  id TEXT PRIMARY KEY,"                                                                   \
	"  source TEXT NOT NULL,"                                                                  \
	"  day INTEGER NOT NULL,"                                                                  \
	"  at INTEGER NOT NULL,"                                                                   \
	"  started_at INTEGER NOT NULL,"                                                           \
	"  finished_at INTEGER NOT NULL DEFAULT 0,"                                                \
	"  state TEXT NOT NULL DEFAULT 'running',"                                                 \
	"  counts TEXT NOT NULL DEFAULT '{}',"                                                     \
	"  by_user TEXT NOT NULL DEFAULT '',"                                                      \
	"  beat_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"                                     \
	"CREATE INDEX retention_run_day ON retention_run(day, started_at);"                        \
	"ALTER TABLE person ADD COLUMN anonymised_at INTEGER NOT NULL DEFAULT 0;"                  \
	"ALTER TABLE passage ADD COLUMN anonymised_at INTEGER NOT NULL DEFAULT 0;"                 \
	"ALTER TABLE closure ADD COLUMN anonymised_at INTEGER NOT NULL DEFAULT 0;"                 \
	"ALTER TABLE duty_log ADD COLUMN anonymised_at INTEGER NOT NULL DEFAULT 0;"                \
	"ALTER TABLE import_job ADD COLUMN anonymised_at INTEGER NOT NULL DEFAULT 0;"              \
	"CREATE INDEX audit_object ON audit(object_id) WHERE object_id IS NOT NULL;"           \
	"CREATE INDEX duty_log_person ON duty_log(person_id) WHERE person_id IS NOT NULL;"        \
	"CREATE INDEX idempotency_object ON idempotency(object_id);"                               \
	"CREATE INDEX idempotency_created ON idempotency(created_at);"                             \
	"CREATE INDEX duty_handover_notes ON duty_handover(at)"                                    \
	"  WHERE note <> '' OR confirm_note <> '';"
#define STEP21_LITE_TRIGGER                                                                        \
	"DROP TRIGGER audit_no_update;"                                                            \
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN NOT ("                         \
	"  NEW.before_json IS NULL AND NEW.after_json IS NULL AND NEW.id = OLD.id"                 \
	"  AND NEW.at = OLD.at AND NEW.user_id IS OLD.user_id AND NEW.username IS OLD.username"    \
	"  AND NEW.ip IS OLD.ip AND NEW.action = OLD.action"                                       \
	"  AND NEW.object_type IS OLD.object_type AND NEW.object_id IS OLD.object_id"              \
	"  AND NEW.area_code IS OLD.area_code AND NEW.result = OLD.result"                         \
	"  AND NEW.request_id IS OLD.request_id)"                                                  \
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
/* Step 21's trigger on PostgreSQL: the function the translated step 1 made, replaced. */
static const char step21_pg_trigger[] =
	"CREATE OR REPLACE FUNCTION audit_no_update() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN"
	" IF NEW.before_json IS NULL AND NEW.after_json IS NULL AND NEW.id = OLD.id"
	" AND NEW.at = OLD.at AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id"
	" AND NEW.username IS NOT DISTINCT FROM OLD.username"
	" AND NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.action = OLD.action"
	" AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type"
	" AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id"
	" AND NEW.area_code IS NOT DISTINCT FROM OLD.area_code AND NEW.result = OLD.result"
	" AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id THEN RETURN NEW; END IF;"
	" RAISE EXCEPTION 'audit rows are append-only'; END$$;\n";

static const char *const migrations[] = {
	/* 1: areas, accounts, idempotency keys, audit */
	"CREATE TABLE area ("
	"  code TEXT PRIMARY KEY,"
	"  parent TEXT REFERENCES area(code),"
	"  level INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  responsible_name TEXT NOT NULL DEFAULT '',"
	"  responsible_phone TEXT NOT NULL DEFAULT '',"
	"  duty_phone TEXT NOT NULL DEFAULT '',"
	"  official INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX area_parent ON area(parent, code);"
	"CREATE INDEX area_parent_name ON area(parent, name);"
	"CREATE TABLE app_user ("
	"  id TEXT PRIMARY KEY,"
	"  username TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL DEFAULT '',"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  role TEXT NOT NULL,"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  password_hash TEXT NOT NULL,"
	"  must_change INTEGER NOT NULL DEFAULT 1,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  last_login_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX app_user_area ON app_user(area_code);"
	"CREATE TABLE idempotency ("
	"  uuid TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  user_id TEXT,"
	"  body_hash TEXT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  user_id TEXT, username TEXT, ip TEXT,"
	"  action TEXT NOT NULL,"
	"  object_type TEXT, object_id TEXT, area_code TEXT,"
	"  result TEXT NOT NULL,"
	"  before_json TEXT, after_json TEXT, request_id TEXT);"
	"CREATE INDEX audit_area ON audit(area_code, id);"
	"CREATE INDEX audit_user ON audit(username, id);"
	"CREATE INDEX audit_action ON audit(action, id);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;",

	/* 2: key persons (一人一档), their travel and timeline; imported lists; verification
	 * tasks with an outcome dictionary; key epidemic areas; the national division list
	 * down to counties, for resolving where travellers came from. */
	"CREATE TABLE person ("
	"  id TEXT PRIMARY KEY,"
	"  doc_type TEXT NOT NULL DEFAULT 'resident',"
	"  id_number TEXT NOT NULL DEFAULT '',"
	"  id_valid INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL,"
	"  sex TEXT NOT NULL DEFAULT '',"
	"  birth INTEGER NOT NULL DEFAULT 0,"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  categories INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'pending',"
	"  defects TEXT NOT NULL DEFAULT '',"
	"  merged_into TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX person_doc ON person(doc_type, id_number) WHERE id_valid = 1;"
	/* full indexes: a partial one (WHERE id_number <> '') is not used for
	 * "id_number = ?", since the planner cannot prove the bound value is not '' */
	"CREATE INDEX person_idnum ON person(id_number);"
	"CREATE INDEX person_phone ON person(phone);"
	"CREATE INDEX person_name ON person(name, area_code);"
	"CREATE INDEX person_area ON person(area_code);"
	"CREATE TABLE travel ("
	"  id INTEGER PRIMARY KEY,"
	"  person_id TEXT NOT NULL REFERENCES person(id),"
	"  origin TEXT NOT NULL DEFAULT '',"
	"  origin_code TEXT NOT NULL DEFAULT '',"
	"  arrival INTEGER NOT NULL DEFAULT 0,"
	"  transport TEXT NOT NULL DEFAULT '',"
	"  transport_no TEXT NOT NULL DEFAULT '',"
	"  import_id TEXT,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX travel_person ON travel(person_id);"
	"CREATE TABLE person_event ("
	"  id INTEGER PRIMARY KEY,"
	"  person_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  user_id TEXT, username TEXT,"
	"  area_code TEXT,"
	"  detail TEXT);"
	"CREATE INDEX person_event_person ON person_event(person_id, id);"
	"CREATE TABLE import_job ("
	"  id TEXT PRIMARY KEY,"
	"  user_id TEXT NOT NULL, username TEXT NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  filename TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  path TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'queued',"
	"  deadline_hours INTEGER NOT NULL DEFAULT 24,"
	"  mapping TEXT,"
	"  header TEXT,"
	"  rows INTEGER NOT NULL DEFAULT 0,"
	"  imported INTEGER NOT NULL DEFAULT 0,"
	"  merged INTEGER NOT NULL DEFAULT 0,"
	"  flagged INTEGER NOT NULL DEFAULT 0,"
	"  rejected INTEGER NOT NULL DEFAULT 0,"
	"  last_line INTEGER NOT NULL DEFAULT 0,"
	"  bytes_total INTEGER NOT NULL DEFAULT 0,"
	"  bytes_done INTEGER NOT NULL DEFAULT 0,"
	"  error TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  finished_at INTEGER) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX import_job_sha ON import_job(area_code, sha256)"
	"  WHERE status <> 'failed';"
	"CREATE TABLE import_issue ("
	"  id INTEGER PRIMARY KEY,"
	"  import_id TEXT NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  col TEXT NOT NULL DEFAULT '',"
	"  code TEXT NOT NULL,"
	"  severity TEXT NOT NULL,"
	"  value TEXT NOT NULL DEFAULT '',"
	"  cells TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX import_issue_job ON import_issue(import_id, line);"
	"CREATE TABLE outcome ("
	"  code TEXT PRIMARY KEY,"
	"  zh TEXT NOT NULL, en TEXT NOT NULL,"
	"  status_after TEXT NOT NULL,"
	"  needs_target INTEGER NOT NULL DEFAULT 0,"
	"  sort INTEGER NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;"
	"INSERT INTO outcome VALUES"
	"  ('observation', '核实，已落实居家观察', 'Verified, placed under observation', 'observation', 0, 1, 1),"
	"  ('duplicate', '已排查（重复）', 'Already screened (duplicate)', 'unchanged', 0, 2, 1),"
	"  ('wrong_info', '信息有误', 'Wrong information', 'wrong_info', 0, 3, 1),"
	"  ('moved', '不在本地居住／已迁往', 'Not living here / moved to', 'moved', 1, 4, 1),"
	"  ('not_found', '查无此人', 'Not found', 'not_found', 0, 5, 1),"
	"  ('outside_window', '不在排查时段内返回', 'Arrived outside the screening window', 'cleared', 0, 6, 1),"
	"  ('hospital', '已住院或集中隔离', 'In hospital or central isolation', 'hospital', 0, 7, 1),"
	"  ('other', '其他', 'Other', 'unchanged', 0, 8, 1);"
	"CREATE TABLE task ("
	"  id TEXT PRIMARY KEY,"
	"  person_id TEXT NOT NULL REFERENCES person(id),"
	"  import_id TEXT,"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  assignee TEXT,"
	"  status TEXT NOT NULL DEFAULT 'open',"
	"  due_at INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  closed_at INTEGER,"
	"  closed_by TEXT,"
	"  outcome TEXT REFERENCES outcome(code),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  defects TEXT NOT NULL DEFAULT '',"
	"  forwarded_from TEXT,"
	"  forward_target TEXT) WITHOUT ROWID;"
	"CREATE INDEX task_area ON task(area_code, status, due_at);"
	"CREATE INDEX task_open ON task(status, due_at);"
	"CREATE INDEX task_person ON task(person_id);"
	"CREATE TABLE key_area ("
	"  code TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  start_date INTEGER NOT NULL,"
	"  end_date INTEGER NOT NULL DEFAULT 99991231,"
	"  PRIMARY KEY (code, start_date)) WITHOUT ROWID;"
	"INSERT INTO key_area VALUES ('42', '湖北省', 20200101, 99991231);"
	"CREATE TABLE division ("
	"  code TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  parent TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE INDEX division_name ON division(name);",

	/* 3: home observation: periods, daily visits and their filled slots, fever alerts with
	 * referrals, service requests, and the counts behind the commander's board (per metric,
	 * local date — 0 for counts that are not per day — and the observation's area). */
	"CREATE TABLE observation ("
	"  id TEXT PRIMARY KEY,"
	"  person_id TEXT NOT NULL REFERENCES person(id),"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  kind TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'active',"
	"  start_date INTEGER NOT NULL,"
	"  end_date INTEGER NOT NULL,"
	"  began_at INTEGER NOT NULL,"
	"  ended_at INTEGER NOT NULL DEFAULT 0,"
	"  place TEXT NOT NULL DEFAULT '',"
	"  household_of TEXT,"
	"  grid_worker TEXT, doctor TEXT, social_worker TEXT,"
	"  token_hash TEXT,"
	"  token_box TEXT NOT NULL DEFAULT '',"
	"  alert_open INTEGER NOT NULL DEFAULT 0,"
	"  last_temp INTEGER NOT NULL DEFAULT 0,"
	"  last_visit_at INTEGER NOT NULL DEFAULT 0,"
	"  end_reason TEXT NOT NULL DEFAULT '',"
	"  created_by TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX observation_area ON observation(area_code, status, end_date);"
	"CREATE INDEX observation_person ON observation(person_id);"
	"CREATE UNIQUE INDEX observation_one_active ON observation(person_id) WHERE status = 'active';"
	"CREATE UNIQUE INDEX observation_token ON observation(token_hash) WHERE token_hash IS NOT NULL;"
	"CREATE INDEX observation_worker ON observation(grid_worker, status);"
	"CREATE TABLE obs_day ("
	"  observation_id TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  filled INTEGER NOT NULL DEFAULT 0,"
	"  fever INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (observation_id, date)) WITHOUT ROWID;"
	"CREATE TABLE visit ("
	"  id TEXT PRIMARY KEY,"
	"  observation_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  mode TEXT NOT NULL,"
	"  saw_person INTEGER NOT NULL DEFAULT 0,"
	"  saw_home INTEGER NOT NULL DEFAULT 0,"
	"  saw_state INTEGER NOT NULL DEFAULT 0,"
	"  temp INTEGER NOT NULL DEFAULT 0,"
	"  symptoms INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  by_user TEXT, by_username TEXT,"
	"  self_report INTEGER NOT NULL DEFAULT 0,"
	"  slot INTEGER NOT NULL DEFAULT -1,"
	"  late INTEGER NOT NULL DEFAULT 0,"
	"  fever INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE INDEX visit_observation ON visit(observation_id, at);"
	"CREATE TABLE alert ("
	"  id TEXT PRIMARY KEY,"
	"  observation_id TEXT NOT NULL,"
	"  person_id TEXT NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  visit_id TEXT,"
	"  raised_at INTEGER NOT NULL,"
	"  temp INTEGER NOT NULL DEFAULT 0,"
	"  symptoms INTEGER NOT NULL DEFAULT 0,"
	"  visits INTEGER NOT NULL DEFAULT 1,"
	"  status TEXT NOT NULL DEFAULT 'open',"
	"  destination TEXT,"
	"  facility TEXT NOT NULL DEFAULT '',"
	"  transport TEXT NOT NULL DEFAULT '',"
	"  referred_at INTEGER NOT NULL DEFAULT 0,"
	"  referred_by TEXT,"
	"  result TEXT,"
	"  result_at INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX alert_area ON alert(area_code, status, raised_at);"
	"CREATE INDEX alert_observation ON alert(observation_id);"
	"CREATE TABLE service ("
	"  id TEXT PRIMARY KEY,"
	"  observation_id TEXT NOT NULL,"
	"  person_id TEXT NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  items TEXT NOT NULL,"
	"  requested_by TEXT NOT NULL,"
	"  requester TEXT NOT NULL DEFAULT '',"
	"  assignee TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'new',"
	"  due_at INTEGER NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  accepted_at INTEGER NOT NULL DEFAULT 0,"
	"  delivered_at INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX service_area ON service(area_code, status, due_at);"
	"CREATE INDEX service_observation ON service(observation_id);"
	"CREATE TABLE obs_count ("
	"  metric TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (metric, date, area_code)) WITHOUT ROWID;",

	/* 4: a household's members are found by household_of (placing read every observation
	 * without it: bench/README.md) */
	"CREATE INDEX observation_household ON observation(household_of)"
	"  WHERE household_of IS NOT NULL;",

	/* 5: the board's drill-downs to open alerts and to those due for release read only
	 * their rows, not the area's every observation */
	"CREATE INDEX observation_alert ON observation(area_code) WHERE alert_open = 1;"
	"CREATE INDEX observation_ending ON observation(end_date, area_code)"
	"  WHERE status = 'active';",

	/* 6: in-app notifications (a new task in one's area, a fever alert), one row per
	 * recipient, written in the transaction of the event; never an ID number or a phone */
	"CREATE TABLE notification ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  user_id TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  object_type TEXT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  read_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX notification_user ON notification(user_id, id);"
	"CREATE INDEX notification_unread ON notification(user_id) WHERE read_at = 0;",

	/* 7: a village's grid rules (domain/grid_rule.h): which grid covers which groups,
	 * roads, compounds and house numbers; the list of a village is replaced whole */
	"CREATE TABLE grid_rule ("
	"  village_code TEXT NOT NULL,"
	"  position INTEGER NOT NULL,"
	"  grid_code TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  num_from INTEGER NOT NULL DEFAULT 0,"
	"  num_to INTEGER NOT NULL DEFAULT 0,"
	"  parity TEXT NOT NULL DEFAULT 'all',"
	"  PRIMARY KEY (village_code, position)) WITHOUT ROWID;",

	/* 8: a verification is no placing (issue 10): the outcome "observation" leaves the person
	 * to be placed (to_place) until an observation is placed, and a file marked under
	 * observation with no active observation is to be placed; the board's count and the list
	 * of those read only their rows */
	"UPDATE outcome SET zh = '核实，需落实居家观察', en = 'Verified, to be placed under observation',"
	"  status_after = 'to_place' WHERE code = 'observation';"
	"UPDATE person SET status = 'to_place' WHERE status = 'observation' AND NOT EXISTS ("
	"  SELECT 1 FROM observation o WHERE o.person_id = person.id AND o.status = 'active');"
	"CREATE INDEX person_to_place ON person(area_code)"
	"  WHERE status = 'to_place' AND merged_into IS NULL;",

	/* 9: outbound messages: an area's group-robot webhook (企业微信/钉钉), and the messages
	 * queued for it in the transaction of their event, sent and retried by a thread */
	"CREATE TABLE outbound_config ("
	"  area_code TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  url TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE outbound ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  area_code TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  url TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending',"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX outbound_due ON outbound(next_at) WHERE status = 'pending';",

	/* 10: the daily report (domain/report.h). report_count keeps each metric per report day
	 * and area (day 0: the running total), written with the record in its area and every
	 * area above it, keyed by level first, so that a county reads its townships' rows and
	 * not its villages'; a county's cut-offs
	 * from a day on; its settings (the reporting level, the sentence's subject, the typed
	 * figures); the submitted reports, every version kept; a task says whether its person
	 * came from a key area. The counts of the records that exist are filled. */
	"CREATE TABLE report_count ("
	"  day INTEGER NOT NULL,"
	"  level INTEGER NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  metric TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (day, level, area_code, metric)) WITHOUT ROWID;"
	/* one area's days (a trend): by area first */
	"CREATE INDEX report_count_area ON report_count(level, area_code, day);"
	"CREATE TABLE report_cutoff ("
	"  from_day INTEGER PRIMARY KEY,"
	"  minute INTEGER NOT NULL,"
	"  set_by TEXT NOT NULL,"
	"  set_at INTEGER NOT NULL);"
	"CREATE TABLE report_setting ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  level INTEGER NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  fields TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"INSERT INTO report_setting VALUES (1, 9, '', '["
	"{\"key\":\"fever_clinic\",\"zh\":\"发热门诊就诊\",\"en\":\"fever-clinic visits\"},"
	"{\"key\":\"central_observation\",\"zh\":\"集中医学观察\",\"en\":\"under central "
	"observation\"},"
	"{\"key\":\"police_incidents\",\"zh\":\"涉疫警情\",\"en\":\"police incidents\"},"
	"{\"key\":\"masks_issued\",\"zh\":\"发放口罩\",\"en\":\"masks issued\"}]', 0);"
	"CREATE TABLE daily_report ("
	"  area_code TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  version INTEGER NOT NULL,"
	"  status TEXT NOT NULL,"
	"  figures TEXT NOT NULL,"
	"  typed TEXT NOT NULL,"
	"  sentence TEXT NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  submitted_by TEXT NOT NULL,"
	"  submitted_at INTEGER NOT NULL,"
	"  on_time INTEGER NOT NULL,"
	"  PRIMARY KEY (area_code, day, version)) WITHOUT ROWID;"
	"CREATE INDEX daily_report_day ON daily_report(day, area_code);"
	"ALTER TABLE task ADD COLUMN key_area INTEGER NOT NULL DEFAULT 0;"
	"UPDATE task SET key_area = 1 WHERE person_id IN (SELECT id FROM person WHERE categories & 1);"
	/* the records' events the counts follow, one rule for the backfill below and for
	 * `fangkong check`'s recount: a task pushed (not a forward's: screened where first
	 * pushed), verified at the door or forwarded, an observation begun, ended, released, a
	 * fever alert raised and referred, a service request made and delivered */
	"CREATE VIEW report_event(metric, at, area_code) AS"
	"  SELECT 'pushed', created_at, area_code FROM task WHERE forwarded_from IS NULL"
	"  UNION ALL SELECT 'pushed_key', created_at, area_code FROM task"
	"    WHERE forwarded_from IS NULL AND key_area = 1"
	"  UNION ALL SELECT CASE WHEN EXISTS (SELECT 1 FROM task n WHERE n.person_id = t.person_id"
	"    AND n.forwarded_from = t.id) THEN 'forwarded' ELSE 'verified' END, t.closed_at,"
	"    t.area_code FROM task t WHERE t.status = 'closed'"
	"  UNION ALL SELECT 'obs_started', began_at, area_code FROM observation"
	"  UNION ALL SELECT 'obs_ended', ended_at, area_code FROM observation WHERE ended_at > 0"
	"  UNION ALL SELECT 'obs_released', ended_at, area_code FROM observation"
	"    WHERE ended_at > 0 AND status = 'released'"
	"  UNION ALL SELECT 'fever', raised_at, area_code FROM alert"
	"  UNION ALL SELECT 'referred', referred_at, area_code FROM alert WHERE referred_at > 0"
	"  UNION ALL SELECT 'service_opened', created_at, area_code FROM service"
	"  UNION ALL SELECT 'service_done', delivered_at, area_code FROM service"
	"    WHERE status = 'delivered';"
	/* under the default cut-off, 24:00: the calendar day in Asia/Shanghai; each record
	 * counted in its area and in every area above it (level: the code's length) */
	"INSERT INTO report_count(day, level, area_code, metric, n)"
	"  SELECT CAST(strftime('%Y%m%d', e.at + 28800, 'unixepoch') AS INTEGER), lv.len,"
	"  substr(e.area_code, 1, lv.len), e.metric, count(*) FROM report_event e"
	"  JOIN (SELECT 6 AS len UNION ALL SELECT 9 UNION ALL SELECT 12 UNION ALL SELECT 15"
	"  UNION ALL SELECT 18) lv ON lv.len <= length(e.area_code) GROUP BY 1, 2, 3, 4;"
	"INSERT INTO report_count(day, level, area_code, metric, n)"
	"  SELECT 0, level, area_code, metric, sum(n) FROM report_count GROUP BY 2, 3, 4;",

	/* 11: the sweep's reminders (issue 10): one mark per kind, object and local day, so
	 * that a rerun or a restart reminds no one twice; notifications pruned by age; the duty
	 * mobiles of an area that receive its messages by SMS */
	"CREATE TABLE notify_mark ("
	"  kind TEXT NOT NULL,"
	"  object_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  PRIMARY KEY (kind, object_id, day)) WITHOUT ROWID;"
	"CREATE INDEX notify_mark_day ON notify_mark(day);"
	"CREATE INDEX notification_created ON notification(created_at);"
	"CREATE TABLE outbound_sms ("
	"  area_code TEXT PRIMARY KEY,"
	"  phones TEXT NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;",

	/* 12: a report's overdue tasks read only the open tasks of its area from one index
	 * (task_open has no area: the county's report looked up every open task of the county
	 * past its deadline, 75,000 rows at 2,000,000 persons: bench/README.md) */
	"CREATE INDEX task_open_area ON task(status, area_code, due_at);",
	/* 13: checkpoints (卡口, issue 12). A passage is one vehicle with its persons; a
	 * correction makes a new version and keeps the old one (passage_version, masked as
	 * shown). checkpoint_count keeps the totals per checkpoint, local day and hour (hour 24:
	 * the whole day), kept by every write as the board's counts are, so that a shift's,
	 * a day's and a range's totals are sums of a few rows. A handover's task is
	 * passage_person.task_id (it follows a forward). A pre-registration (QR) waits in
	 * prereg until confirmed at the gate or expired. */
	"CREATE TABLE checkpoint ("
	"  id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  location TEXT NOT NULL DEFAULT '',"
	"  opened_on INTEGER NOT NULL,"
	"  closed_on INTEGER,"
	"  shift_starts TEXT NOT NULL DEFAULT '8,20',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX checkpoint_area ON checkpoint(area_code);"
	"ALTER TABLE app_user ADD COLUMN checkpoint_id TEXT;"
	"CREATE INDEX app_user_checkpoint ON app_user(checkpoint_id) WHERE checkpoint_id IS NOT NULL;"
	"CREATE TABLE passage ("
	"  id TEXT PRIMARY KEY,"
	"  checkpoint_id TEXT NOT NULL REFERENCES checkpoint(id),"
	"  at INTEGER NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  hour INTEGER NOT NULL,"
	"  shift INTEGER NOT NULL,"
	"  plate TEXT NOT NULL,"
	"  plate_unreadable INTEGER NOT NULL,"
	"  plate_province TEXT NOT NULL,"
	"  plate_key_area INTEGER NOT NULL,"
	"  vehicle_kind TEXT NOT NULL,"
	"  direction TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  prereg TEXT,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  by_user TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX passage_day ON passage(checkpoint_id, day, hour, at);"
	"CREATE TABLE passage_person ("
	"  passage_id TEXT NOT NULL REFERENCES passage(id),"
	"  seq INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  id_number TEXT NOT NULL,"
	"  id_valid INTEGER NOT NULL,"
	"  defects TEXT NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  temp INTEGER NOT NULL,"
	"  origin TEXT NOT NULL,"
	"  travel TEXT NOT NULL,"
	"  destination TEXT NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  purpose TEXT NOT NULL,"
	"  outcome TEXT NOT NULL,"
	"  proposed TEXT NOT NULL,"
	"  key_area INTEGER NOT NULL,"
	"  person_id TEXT,"
	"  task_id TEXT,"
	"  PRIMARY KEY (passage_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX passage_person_task ON passage_person(task_id) WHERE task_id IS NOT NULL;"
	"CREATE TABLE passage_version ("
	"  passage_id TEXT NOT NULL REFERENCES passage(id),"
	"  version INTEGER NOT NULL,"
	"  body TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  by_user TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (passage_id, version)) WITHOUT ROWID;"
	"CREATE TABLE checkpoint_count ("
	"  checkpoint_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  hour INTEGER NOT NULL,"
	"  vehicles INTEGER NOT NULL DEFAULT 0,"
	"  persons INTEGER NOT NULL DEFAULT 0,"
	"  key_area_vehicles INTEGER NOT NULL DEFAULT 0,"
	"  key_area_persons INTEGER NOT NULL DEFAULT 0,"
	"  turned_back INTEGER NOT NULL DEFAULT 0,"
	"  clinic INTEGER NOT NULL DEFAULT 0,"
	"  handed_over INTEGER NOT NULL DEFAULT 0,"
	"  handovers_closed INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (checkpoint_id, day, hour)) WITHOUT ROWID;"
	/* a range's day rows (hour 24) of every checkpoint, without the hours between */
	"CREATE INDEX checkpoint_count_day ON checkpoint_count(hour, day);"
	"CREATE TABLE prereg ("
	"  code TEXT PRIMARY KEY,"
	"  checkpoint_id TEXT NOT NULL REFERENCES checkpoint(id),"
	"  body TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX prereg_expiry ON prereg(expires_at);"
	"CREATE INDEX prereg_checkpoint ON prereg(checkpoint_id, expires_at);"
	/* the daily report counts the checkpoints of an area: vehicles, persons, turned back,
	 * sent to a clinic, handed over, at the time of the passage (as svc_checkpoint.c adds
	 * them); there are none yet to count */
	"DROP VIEW report_event;"
	"CREATE VIEW report_event(metric, at, area_code) AS"
	"  SELECT 'pushed', created_at, area_code FROM task WHERE forwarded_from IS NULL"
	"  UNION ALL SELECT 'pushed_key', created_at, area_code FROM task"
	"    WHERE forwarded_from IS NULL AND key_area = 1"
	"  UNION ALL SELECT CASE WHEN EXISTS (SELECT 1 FROM task n WHERE n.person_id = t.person_id"
	"    AND n.forwarded_from = t.id) THEN 'forwarded' ELSE 'verified' END, t.closed_at,"
	"    t.area_code FROM task t WHERE t.status = 'closed'"
	"  UNION ALL SELECT 'obs_started', began_at, area_code FROM observation"
	"  UNION ALL SELECT 'obs_ended', ended_at, area_code FROM observation WHERE ended_at > 0"
	"  UNION ALL SELECT 'obs_released', ended_at, area_code FROM observation"
	"    WHERE ended_at > 0 AND status = 'released'"
	"  UNION ALL SELECT 'fever', raised_at, area_code FROM alert"
	"  UNION ALL SELECT 'referred', referred_at, area_code FROM alert WHERE referred_at > 0"
	"  UNION ALL SELECT 'service_opened', created_at, area_code FROM service"
	"  UNION ALL SELECT 'service_done', delivered_at, area_code FROM service"
	"    WHERE status = 'delivered'"
	"  UNION ALL SELECT 'cp_vehicle', ps.at, c.area_code FROM passage ps"
	"    JOIN checkpoint c ON c.id = ps.checkpoint_id"
	"  UNION ALL SELECT CASE pp.outcome WHEN 'turned_back' THEN 'cp_turned_back'"
	"    WHEN 'clinic' THEN 'cp_clinic' WHEN 'handover' THEN 'cp_handover' END, ps.at,"
	"    c.area_code FROM passage_person pp JOIN passage ps ON ps.id = pp.passage_id"
	"    JOIN checkpoint c ON c.id = ps.checkpoint_id WHERE pp.outcome <> 'passed'"
	"  UNION ALL SELECT 'cp_person', ps.at, c.area_code FROM passage_person pp"
	"    JOIN passage ps ON ps.id = pp.passage_id JOIN checkpoint c ON c.id = ps.checkpoint_id;",
	/* 14: sessions kept across restarts (issue 13): the hash of the cookie token, never the
	 * token; the CSRF token beside it (useless without the cookie) */
	"CREATE TABLE session ("
	"  key TEXT PRIMARY KEY,"
	"  user_id TEXT NOT NULL,"
	"  username TEXT NOT NULL,"
	"  role TEXT NOT NULL,"
	"  area_code TEXT NOT NULL,"
	"  csrf TEXT NOT NULL,"
	"  must_change INTEGER NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX session_user ON session(user_id);"
	"CREATE INDEX session_seen ON session(last_seen);",
	/* 15: PostgreSQL checks the foreign keys of the tables an import fills once per
	 * statement (its own text below); SQLite keeps checking them per row, where the check
	 * costs a lookup in the same file */
	"-- PostgreSQL only: foreign keys of person, travel and task checked per statement\n",
	/* 16: person keeps its UUID as primary key, but as a rowid table (issue 14): every
	 * secondary index then carries the row's integer key instead of the 36-character
	 * UUID, and an import's files are appended to the table. The indexes that list an
	 * area's or a name's files end in id, for their order. The table is rebuilt with
	 * the foreign keys off (fk_off_steps), checked before the commit. PostgreSQL:
	 * nothing to do (its tables are heaps already; its own text below). */
	"CREATE TABLE person_rowid ("
	"  id TEXT PRIMARY KEY NOT NULL,"
	"  doc_type TEXT NOT NULL DEFAULT 'resident',"
	"  id_number TEXT NOT NULL DEFAULT '',"
	"  id_valid INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL,"
	"  sex TEXT NOT NULL DEFAULT '',"
	"  birth INTEGER NOT NULL DEFAULT 0,"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  address TEXT NOT NULL DEFAULT '',"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  categories INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'pending',"
	"  defects TEXT NOT NULL DEFAULT '',"
	"  merged_into TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"INSERT INTO person_rowid(id, doc_type, id_number, id_valid, name, sex, birth, phone,"
	"  address, area_code, categories, status, defects, merged_into, created_at, updated_at)"
	"  SELECT id, doc_type, id_number, id_valid, name, sex, birth, phone, address, area_code,"
	"  categories, status, defects, merged_into, created_at, updated_at"
	"  FROM person ORDER BY id;"
	"DROP TABLE person;"
	"ALTER TABLE person_rowid RENAME TO person;"
	"CREATE UNIQUE INDEX person_doc ON person(doc_type, id_number) WHERE id_valid = 1;"
	"CREATE INDEX person_idnum ON person(id_number);"
	"CREATE INDEX person_phone ON person(phone);"
	"CREATE INDEX person_name ON person(name, area_code, id);"
	"CREATE INDEX person_area ON person(area_code, id);"
	"CREATE INDEX person_to_place ON person(area_code, id)"
	"  WHERE status = 'to_place' AND merged_into IS NULL;",
	/* 17: 24-hour duty (值班值守, issue 15). A post is an area (county, township, village:
	 * its id the area code, its phone the area's duty_phone) or a checkpoint (its id);
	 * duty_post holds only what was changed (a checkpoint's phone, the shifts). A roster
	 * slot is one shift (post, the date it starts on, its index) with its instants kept
	 * (start_at, end_at: who is on duty now is a lookup, redone when the shifts change; the
	 * slots keyed by day first, so that a county's board reads yesterday's and today's in
	 * one range),
	 * its leader (JSON object or NULL) and officers (JSON array). A swap keeps the two
	 * persons as asked; a log entry its events; a handover the open entries it passed. */
	"CREATE TABLE duty_post ("
	"  id TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  shifts TEXT,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE duty_slot ("
	"  post_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  start_at INTEGER NOT NULL,"
	"  end_at INTEGER NOT NULL,"
	"  leader TEXT,"
	"  officers TEXT NOT NULL DEFAULT '[]',"
	"  updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (day, post_id, idx)) WITHOUT ROWID;"
	/* the board reads the slots of two days in one range; a roster one post's days */
	"CREATE INDEX duty_slot_post ON duty_slot(post_id, day, idx);"
	"CREATE TABLE duty_swap ("
	"  id TEXT PRIMARY KEY,"
	"  post_id TEXT NOT NULL,"
	"  a_day INTEGER NOT NULL,"
	"  a_idx INTEGER NOT NULL,"
	"  a_slot TEXT NOT NULL,"
	"  b_day INTEGER NOT NULL,"
	"  b_idx INTEGER NOT NULL,"
	"  b_slot TEXT NOT NULL,"
	"  a_person TEXT NOT NULL,"
	"  b_person TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  asked_by TEXT NOT NULL,"
	"  decided_by TEXT,"
	"  at INTEGER NOT NULL,"
	"  decided_at INTEGER) WITHOUT ROWID;"
	"CREATE INDEX duty_swap_post ON duty_swap(post_id, state, at);"
	"CREATE TABLE duty_log ("
	"  id TEXT PRIMARY KEY,"
	"  post_id TEXT NOT NULL,"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  from_name TEXT NOT NULL,"
	"  from_contact TEXT NOT NULL,"
	"  content TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  owner_id TEXT NOT NULL,"
	"  owner_name TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  handed_to TEXT NOT NULL DEFAULT '',"
	"  handed_at INTEGER NOT NULL DEFAULT 0,"
	"  returned INTEGER NOT NULL DEFAULT 0,"
	"  result TEXT NOT NULL DEFAULT '',"
	"  task_id TEXT,"
	"  person_id TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX duty_log_post ON duty_log(post_id, at);"
	"CREATE INDEX duty_log_open ON duty_log(post_id, at) WHERE state <> 'closed';"
	"CREATE TABLE duty_log_event ("
	"  log_id TEXT NOT NULL REFERENCES duty_log(id),"
	"  seq INTEGER NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  by_name TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  PRIMARY KEY (log_id, seq)) WITHOUT ROWID;"
	"CREATE TABLE duty_handover ("
	"  id TEXT PRIMARY KEY,"
	"  post_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  idx INTEGER NOT NULL,"
	"  note TEXT NOT NULL,"
	"  open_items TEXT NOT NULL,"
	"  by_name TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  confirmed_by TEXT,"
	"  confirmed_at INTEGER,"
	"  confirm_note TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE UNIQUE INDEX duty_handover_shift ON duty_handover(post_id, day, idx);",
	/* 18: closed management of residential areas (封闭式管理): a closure of an area with its
	 * rules, its households (from the person files grouped by address, by hand or from a
	 * sheet) and their members' files, passes, gates and the guards on them
	 * (app_user.gate_id), the gate's records, and two kept counts: exits per household and
	 * day (the quota reads a few rows of it, never the log) and the closure's figures per
	 * day and metric (exits, entries, refusals by reason) */
	"CREATE TABLE closure ("
	"  id TEXT PRIMARY KEY,"
	"  area_code TEXT NOT NULL REFERENCES area(code),"
	"  from_day INTEGER NOT NULL,"
	"  until_day INTEGER NOT NULL DEFAULT 0,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  out_per INTEGER NOT NULL,"
	"  every_days INTEGER NOT NULL,"
	"  outsiders INTEGER NOT NULL DEFAULT 0,"
	"  vehicles INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'active',"
	"  list_version INTEGER NOT NULL DEFAULT 1,"
	"  created_by TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX closure_one_active ON closure(area_code) WHERE state = 'active';"
	"CREATE INDEX closure_area ON closure(area_code, state);"
	"CREATE TABLE closure_household ("
	"  id TEXT PRIMARY KEY,"
	"  closure_id TEXT NOT NULL REFERENCES closure(id),"
	"  head TEXT NOT NULL,"
	"  address TEXT NOT NULL,"
	"  members INTEGER NOT NULL DEFAULT 1,"
	"  phone TEXT NOT NULL DEFAULT '',"
	"  source TEXT NOT NULL,"
	"  blocked INTEGER NOT NULL DEFAULT 0,"
	"  blocked_reason TEXT NOT NULL DEFAULT '',"
	"  last_out_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX closure_household_address ON closure_household(closure_id, address);"
	"CREATE INDEX closure_household_head ON closure_household(closure_id, head);"
	"CREATE TABLE closure_member ("
	"  household_id TEXT NOT NULL REFERENCES closure_household(id),"
	"  person_id TEXT NOT NULL,"
	"  PRIMARY KEY (household_id, person_id)) WITHOUT ROWID;"
	"CREATE INDEX closure_member_person ON closure_member(person_id);"
	"CREATE TABLE closure_pass ("
	"  number TEXT PRIMARY KEY,"
	"  closure_id TEXT NOT NULL REFERENCES closure(id),"
	"  kind TEXT NOT NULL,"
	"  household_id TEXT REFERENCES closure_household(id),"
	"  holder TEXT NOT NULL DEFAULT '',"
	"  employer TEXT NOT NULL DEFAULT '',"
	"  purpose TEXT NOT NULL DEFAULT '',"
	"  valid_from INTEGER NOT NULL DEFAULT 0,"
	"  valid_to INTEGER NOT NULL DEFAULT 0,"
	"  issued_at INTEGER NOT NULL,"
	"  issued_by TEXT NOT NULL DEFAULT '',"
	"  revoked_at INTEGER NOT NULL DEFAULT 0,"
	"  revoke_reason TEXT NOT NULL DEFAULT '',"
	"  replaces TEXT,"
	"  replaced_by TEXT,"
	"  out_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE UNIQUE INDEX closure_pass_resident ON closure_pass(household_id)"
	"  WHERE kind = 'resident' AND revoked_at = 0;"
	"CREATE INDEX closure_pass_closure ON closure_pass(closure_id, kind, number);"
	"CREATE INDEX closure_pass_household ON closure_pass(household_id);"
	"CREATE TABLE closure_gate ("
	"  id TEXT PRIMARY KEY,"
	"  closure_id TEXT NOT NULL REFERENCES closure(id),"
	"  name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX closure_gate_closure ON closure_gate(closure_id, name);"
	"ALTER TABLE app_user ADD COLUMN gate_id TEXT;"
	"CREATE INDEX app_user_gate ON app_user(gate_id) WHERE gate_id IS NOT NULL;"
	"CREATE TABLE gate_record ("
	"  id TEXT PRIMARY KEY,"
	"  closure_id TEXT NOT NULL REFERENCES closure(id),"
	"  gate_id TEXT NOT NULL REFERENCES closure_gate(id),"
	"  number TEXT NOT NULL,"
	"  household_id TEXT,"
	"  direction TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  verdict TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  counted INTEGER NOT NULL DEFAULT 0,"
	"  temp INTEGER NOT NULL DEFAULT 0,"
	"  fever INTEGER NOT NULL DEFAULT 0,"
	"  person TEXT NOT NULL DEFAULT '',"
	"  override_reason TEXT NOT NULL DEFAULT '',"
	"  phone_verdict TEXT NOT NULL DEFAULT '',"
	"  offline_disagreed INTEGER NOT NULL DEFAULT 0,"
	"  guard_id TEXT,"
	"  guard TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX gate_record_day ON gate_record(closure_id, day, at);"
	"CREATE INDEX gate_record_household ON gate_record(household_id, day)"
	"  WHERE household_id IS NOT NULL;"
	"CREATE TABLE closure_exit ("
	"  household_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (household_id, day)) WITHOUT ROWID;"
	"CREATE TABLE closure_count ("
	"  closure_id TEXT NOT NULL,"
	"  day INTEGER NOT NULL,"
	"  metric TEXT NOT NULL,"
	"  n INTEGER NOT NULL,"
	"  PRIMARY KEY (closure_id, day, metric)) WITHOUT ROWID;",
	/* 19: the daily report counts the closed areas' gates (exits let out, passings
	 * refused: at the time of the record, in the closure's area) and the calls and reports
	 * taken on duty (in the post's area), as svc_closure.c and svc_duty.c add them; steps 17
	 * and 18 came in the same release, so there are none yet to count */
	"DROP VIEW report_event;"
	"CREATE VIEW report_event(metric, at, area_code) AS"
	"  SELECT 'pushed', created_at, area_code FROM task WHERE forwarded_from IS NULL"
	"  UNION ALL SELECT 'pushed_key', created_at, area_code FROM task"
	"    WHERE forwarded_from IS NULL AND key_area = 1"
	"  UNION ALL SELECT CASE WHEN EXISTS (SELECT 1 FROM task n WHERE n.person_id = t.person_id"
	"    AND n.forwarded_from = t.id) THEN 'forwarded' ELSE 'verified' END, t.closed_at,"
	"    t.area_code FROM task t WHERE t.status = 'closed'"
	"  UNION ALL SELECT 'obs_started', began_at, area_code FROM observation"
	"  UNION ALL SELECT 'obs_ended', ended_at, area_code FROM observation WHERE ended_at > 0"
	"  UNION ALL SELECT 'obs_released', ended_at, area_code FROM observation"
	"    WHERE ended_at > 0 AND status = 'released'"
	"  UNION ALL SELECT 'fever', raised_at, area_code FROM alert"
	"  UNION ALL SELECT 'referred', referred_at, area_code FROM alert WHERE referred_at > 0"
	"  UNION ALL SELECT 'service_opened', created_at, area_code FROM service"
	"  UNION ALL SELECT 'service_done', delivered_at, area_code FROM service"
	"    WHERE status = 'delivered'"
	"  UNION ALL SELECT 'cp_vehicle', ps.at, c.area_code FROM passage ps"
	"    JOIN checkpoint c ON c.id = ps.checkpoint_id"
	"  UNION ALL SELECT CASE pp.outcome WHEN 'turned_back' THEN 'cp_turned_back'"
	"    WHEN 'clinic' THEN 'cp_clinic' WHEN 'handover' THEN 'cp_handover' END, ps.at,"
	"    c.area_code FROM passage_person pp JOIN passage ps ON ps.id = pp.passage_id"
	"    JOIN checkpoint c ON c.id = ps.checkpoint_id WHERE pp.outcome <> 'passed'"
	"  UNION ALL SELECT 'cp_person', ps.at, c.area_code FROM passage_person pp"
	"    JOIN passage ps ON ps.id = pp.passage_id JOIN checkpoint c ON c.id = ps.checkpoint_id"
	"  UNION ALL SELECT CASE g.verdict WHEN 'green' THEN 'gate_exit' ELSE 'gate_refused' END,"
	"    g.at, c.area_code FROM gate_record g JOIN closure c ON c.id = g.closure_id"
	"    WHERE g.verdict <> 'green' OR g.direction = 'out'"
	"  UNION ALL SELECT 'duty_matter', at, area_code FROM duty_log;",
	/* 20: a swap keeps the account that asked it, so that its asker cannot approve it
	 * (swaps asked before have none, ''); a handover keeps the count of the entries it
	 * found open, of which it lists at most 500 (0 before: their list is complete) */
	"ALTER TABLE duty_swap ADD COLUMN asked_by_id TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE duty_handover ADD COLUMN open_total INTEGER NOT NULL DEFAULT 0;",
	/* 21: retention of personal data (PIPL, issue 16; domain/retention.h): the county's
	 * days per category after the purpose ends and the hour of the daily run; the runs;
	 * the mark of what was anonymised (a file, a passage, a closure, a duty matter, an
	 * import); the audit rows and the idempotency keys of an object found by its id, the
	 * keys by their age (pruned oldest first); the handovers with a note by their time;
	 * and the audit's one allowed
	 * change, the anonymiser's scrub of before_json/after_json (every other column stays,
	 * any other update is refused as before). PostgreSQL: the trigger's function is
	 * replaced (step21_pg_trigger). */
	STEP21_COMMON STEP21_LITE_TRIGGER,
};

/* SQLite steps that rebuild a table other tables' foreign keys name: run with the foreign
 * keys off (a DROP TABLE would otherwise delete its rows first, against them), which
 * SQLite allows only outside a transaction; PRAGMA foreign_key_check must find nothing
 * before the step commits. */
static const int fk_off_steps[] = {16, 0};

static bool fk_off_step(int v)
{
	for (const int *p = fk_off_steps; *p; p++)
		if (*p == v)
			return true;
	return false;
}

enum { NMIGRATIONS = sizeof migrations / sizeof migrations[0] };

/* Step 15 on PostgreSQL. A foreign key checks each row inserted by a lookup and a row lock
 * (RI triggers): for an import of a million rows that is two million locks and half its
 * time. The foreign keys of person (area), travel (person) and task (person, area) are
 * checked instead by one query over all the rows a statement inserted (a transition
 * table), with the same SQLSTATE (23503) as a foreign key's; an update of the column checks
 * its row as before. The rows named are never deleted nor renumbered: a delete, a change of
 * key or a truncate of a person or area that a row names is refused, after a SHARE lock on
 * the naming tables waits out any insert in flight, so that no row can name what is gone. */
#define FK_RAISE(what) "RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', MESSAGE = " what ";"
static const char pg_step15[] =
	"ALTER TABLE person DROP CONSTRAINT person_area_code_fkey;\n"
	"ALTER TABLE travel DROP CONSTRAINT travel_person_id_fkey;\n"
	"ALTER TABLE task DROP CONSTRAINT task_person_id_fkey;\n"
	"ALTER TABLE task DROP CONSTRAINT task_area_code_fkey;\n"
	/* inserts: every row of the statement at once */
	"CREATE FUNCTION fk_new_area() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" IF EXISTS (SELECT 1 FROM fk_new n WHERE NOT EXISTS"
	"  (SELECT 1 FROM area a WHERE a.code = n.area_code)) THEN"
	" " FK_RAISE("TG_TABLE_NAME || '.area_code names no area'") " END IF;"
	" RETURN NULL; END $$;\n"
	"CREATE FUNCTION fk_new_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" IF EXISTS (SELECT 1 FROM fk_new n WHERE NOT EXISTS"
	"  (SELECT 1 FROM person p WHERE p.id = n.person_id)) THEN"
	" " FK_RAISE("TG_TABLE_NAME || '.person_id names no person'") " END IF;"
	" RETURN NULL; END $$;\n"
	"CREATE TRIGGER person_fk_area AFTER INSERT ON person REFERENCING NEW TABLE AS fk_new"
	" FOR EACH STATEMENT EXECUTE FUNCTION fk_new_area();\n"
	"CREATE TRIGGER task_fk_area AFTER INSERT ON task REFERENCING NEW TABLE AS fk_new"
	" FOR EACH STATEMENT EXECUTE FUNCTION fk_new_area();\n"
	"CREATE TRIGGER task_fk_person AFTER INSERT ON task REFERENCING NEW TABLE AS fk_new"
	" FOR EACH STATEMENT EXECUTE FUNCTION fk_new_person();\n"
	"CREATE TRIGGER travel_fk_person AFTER INSERT ON travel REFERENCING NEW TABLE AS fk_new"
	" FOR EACH STATEMENT EXECUTE FUNCTION fk_new_person();\n"
	/* updates of the column: the row, as a foreign key would */
	"CREATE FUNCTION fk_row_area() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" PERFORM 1 FROM area WHERE code = NEW.area_code FOR KEY SHARE;"
	" IF NOT FOUND THEN " FK_RAISE("TG_TABLE_NAME || '.area_code names no area'") " END IF;"
	" RETURN NULL; END $$;\n"
	"CREATE FUNCTION fk_row_person() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" PERFORM 1 FROM person WHERE id = NEW.person_id FOR KEY SHARE;"
	" IF NOT FOUND THEN " FK_RAISE("TG_TABLE_NAME || '.person_id names no person'") " END IF;"
	" RETURN NULL; END $$;\n"
	"CREATE TRIGGER person_fk_area_set AFTER UPDATE OF area_code ON person FOR EACH ROW"
	" WHEN (OLD.area_code IS DISTINCT FROM NEW.area_code) EXECUTE FUNCTION fk_row_area();\n"
	"CREATE TRIGGER task_fk_area_set AFTER UPDATE OF area_code ON task FOR EACH ROW"
	" WHEN (OLD.area_code IS DISTINCT FROM NEW.area_code) EXECUTE FUNCTION fk_row_area();\n"
	"CREATE TRIGGER task_fk_person_set AFTER UPDATE OF person_id ON task FOR EACH ROW"
	" WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id) EXECUTE FUNCTION fk_row_person();\n"
	"CREATE TRIGGER travel_fk_person_set AFTER UPDATE OF person_id ON travel FOR EACH ROW"
	" WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id) EXECUTE FUNCTION fk_row_person();\n"
	/* the rows named: kept while named */
	"CREATE FUNCTION fk_person_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" LOCK TABLE task, travel IN SHARE MODE;"
	" IF TG_OP = 'TRUNCATE' THEN"
	"  IF EXISTS (SELECT 1 FROM task) OR EXISTS (SELECT 1 FROM travel) THEN"
	"  " FK_RAISE("'tasks and journeys name the persons of person'") " END IF;"
	" ELSIF EXISTS (SELECT 1 FROM task WHERE person_id = OLD.id)"
	"  OR EXISTS (SELECT 1 FROM travel WHERE person_id = OLD.id) THEN"
	"  " FK_RAISE("'person ' || OLD.id || ' is named by tasks or journeys'") " END IF;"
	" RETURN NULL; END $$;\n"
	"CREATE FUNCTION fk_area_kept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	" LOCK TABLE person, task IN SHARE MODE;"
	" IF TG_OP = 'TRUNCATE' THEN"
	"  IF EXISTS (SELECT 1 FROM person) OR EXISTS (SELECT 1 FROM task) THEN"
	"  " FK_RAISE("'persons and tasks name the areas of area'") " END IF;"
	" ELSIF EXISTS (SELECT 1 FROM person WHERE area_code = OLD.code)"
	"  OR EXISTS (SELECT 1 FROM task WHERE area_code = OLD.code) THEN"
	"  " FK_RAISE("'area ' || OLD.code || ' is named by persons or tasks'") " END IF;"
	" RETURN NULL; END $$;\n"
	"CREATE TRIGGER person_fk_kept AFTER DELETE ON person FOR EACH ROW"
	" EXECUTE FUNCTION fk_person_kept();\n"
	"CREATE TRIGGER person_fk_rekeyed AFTER UPDATE OF id ON person FOR EACH ROW"
	" WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION fk_person_kept();\n"
	"CREATE TRIGGER person_fk_truncate BEFORE TRUNCATE ON person FOR EACH STATEMENT"
	" EXECUTE FUNCTION fk_person_kept();\n"
	"CREATE TRIGGER area_fk_kept AFTER DELETE ON area FOR EACH ROW"
	" EXECUTE FUNCTION fk_area_kept();\n"
	"CREATE TRIGGER area_fk_rekeyed AFTER UPDATE OF code ON area FOR EACH ROW"
	" WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION fk_area_kept();\n"
	"CREATE TRIGGER area_fk_truncate BEFORE TRUNCATE ON area FOR EACH STATEMENT"
	" EXECUTE FUNCTION fk_area_kept();\n";
#undef FK_RAISE

/* A step's own PostgreSQL text, where the translation would not be readable or SQLite has
 * nothing to do; ends with {0}. */
/* Step 16 on PostgreSQL: a table is a heap and an index points at a row, not at its key. */
static const char pg_step16[] =
	"-- SQLite only: person as a rowid table; nothing to do on PostgreSQL\n"
	"SELECT 1;\n";

static const struct pg_text {
	int step;
	const char *sql;
} pg_texts[] = {{15, pg_step15}, {16, pg_step16}, {0}};

static const char schema_version_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";

int sq_migration_count(void)
{
	return NMIGRATIONS;
}

char *sq_migration_sql(int v, bool pg)
{
	char *r;

	if (v < 1 || v > NMIGRATIONS)
		return NULL;
	if (!pg) {
		if (!(r = strdup(migrations[v - 1])))
			fk_oom();
		return r;
	}
	if (v == 21) {
		char *common = sq_pg_ddl(STEP21_COMMON);
		size_t n1, n2 = strlen(step21_pg_trigger);

		if (!common)
			return NULL;
		n1 = strlen(common);
		if (!(r = malloc(n1 + n2 + 2)))
			fk_oom();
		memcpy(r, common, n1);
		r[n1] = '\n';
		memcpy(r + n1 + 1, step21_pg_trigger, n2 + 1);
		free(common);
		return r;
	}
	for (const struct pg_text *p = pg_texts; p->step; p++)
		if (p->step == v) {
			if (!(r = strdup(p->sql)))
				fk_oom();
			return r;
		}
	return sq_pg_ddl(migrations[v - 1]);
}

static int current_version(struct sq_conn *c)
{
	int v;
	char *vsql = c->pg ? sq_pg_ddl(schema_version_sql) : NULL;
	enum store_status ss = sq_exec(c, vsql ? vsql : schema_version_sql);

	free(vsql);
	if (ss != STORE_OK || sq_schema_version(c, &v) != STORE_OK)
		return -1;
	return v;
}

enum store_status sq_schema_version(struct sq_conn *c, int *out)
{
	static const char sql[] = "SELECT coalesce(max(version), 0) FROM schema_version";
	int64_t v;
	enum store_status ss = sq_one_int(c, sql, &v, NULL, 0);

	*out = (int)v;
	return ss;
}

static void mark_sql(char *out, size_t outsz, int version)
{
	snprintf(out, outsz, "INSERT INTO schema_version(version) VALUES (%d)", version);
}

/* A test-only way to make step N fail after it ran (FANGKONG_TEST_FAIL_MIGRATION=N): the
 * upgrade tests see that a failed step leaves the database at its old version. Read only
 * here; documented as test-only in docs/operations.md section 6. */
static bool fail_injected(int version)
{
	const char *e = getenv("FANGKONG_TEST_FAIL_MIGRATION");
	char *end;
	long n = e && *e ? strtol(e, &end, 10) : 0;

	return n == version && !*end;
}

/* Whether a step between from and to (both included) is an fk_off step. */
static bool fk_off_between(int from, int to)
{
	for (int v = from; v <= to; v++)
		if (fk_off_step(v))
			return true;
	return false;
}

/* Every pending step in ONE transaction with their schema_version rows: a step that fails
 * rolls them all back, leaving the database at its old version, which the old program
 * still runs. On SQLite an fk_off step needs the foreign keys off, which only works outside
 * a transaction: they are turned off before the BEGIN when any pending step needs it, and
 * pragma_foreign_key_check must find nothing before the COMMIT. On PostgreSQL (DDL is
 * transactional) the processes starting at once take turns (an advisory lock) and the
 * steps another one applied meanwhile are skipped. */
static enum store_status apply(struct sq_conn *c, int from, int *done)
{
	static const char begin_pg[] =
		"BEGIN; SELECT pg_advisory_xact_lock(" SQ_PG_MIGRATE_LOCK ")";
	char mark[96];
	int v = from - 1;
	enum store_status ss = STORE_OK;
	bool fk_off = !c->pg && fk_off_between(from, NMIGRATIONS);
	int64_t broken = 0;

	*done = v;
	if (fk_off) {
		if (from > 1)
			log_info("database steps %d–%d rebuild a table: about a minute per million "
				 "files",
				 from, NMIGRATIONS);
		if (sq_exec(c, "PRAGMA foreign_keys=OFF") != STORE_OK)
			return STORE_ERROR;
	}
	if (sq_exec(c, c->pg ? begin_pg : "BEGIN IMMEDIATE") != STORE_OK) {
		ss = STORE_ERROR;
		goto out;
	}
	if (c->pg && sq_schema_version(c, &v) != STORE_OK)
		ss = STORE_ERROR;
	*done = v;
	while (ss == STORE_OK && ++v <= NMIGRATIONS) {
		char *sql = sq_migration_sql(v, c->pg);
		ss = sql ? sq_exec(c, sql) : STORE_ERROR;
		free(sql);
		mark_sql(mark, sizeof mark, v);
		if (ss == STORE_OK)
			ss = sq_exec(c, mark);
		if (ss == STORE_OK && fail_injected(v)) {
			log_error("database step %d fails (FANGKONG_TEST_FAIL_MIGRATION)", v);
			ss = STORE_ERROR;
		}
		if (ss != STORE_OK)
			log_error("database step %d failed: no step is kept", v);
	}
	if (ss == STORE_OK && fk_off &&
	    (sq_one_int(c, "SELECT count(*) FROM pragma_foreign_key_check", &broken, NULL, 0) !=
		     STORE_OK ||
	     broken)) {
		log_error("database steps %d–%d: %lld rows name rows that are not there", from,
			  NMIGRATIONS, (long long)broken);
		ss = STORE_ERROR;
	}
	if (ss == STORE_OK && (ss = sq_exec(c, "COMMIT")) == STORE_OK) {
		if (*done < NMIGRATIONS)
			log_info("database migrated from version %d to %d", *done, NMIGRATIONS);
		*done = NMIGRATIONS;
	} else {
		sq_exec(c, "ROLLBACK");
	}
out:
	if (fk_off && sq_exec(c, "PRAGMA foreign_keys=ON") != STORE_OK)
		ss = STORE_ERROR;
	return ss;
}

enum store_status sq_migrate(struct sq_conn *c, const char **err)
{
	int v = current_version(c), done;

	if (v < 0) {
		*err = "cannot read the schema version / 无法读取数据库版本";
		return STORE_ERROR;
	}
	if (v > NMIGRATIONS) {
		*err = "the database is newer than this program / 数据库版本高于本程序";
		return STORE_ERROR;
	}
	if (v == NMIGRATIONS)
		return STORE_OK;
	if (apply(c, v + 1, &done) != STORE_OK) {
		*err = "a migration failed: the database is left at its old version / "
		       "数据库迁移失败，数据库保持原版本";
		return STORE_ERROR;
	}
	return STORE_OK;
}

int store_schema_latest(void) { return NMIGRATIONS; }

static bool append(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

/* Step v for the script: its statements a line each, ended by ";", in a transaction with
 * its schema_version row. */
static bool script_step(struct buf *b, int v, bool pg)
{
	char *sql = sq_migration_sql(v, pg), *lines = sql ? sq_sql_lines(sql) : NULL;
	char head[32], mark[96];
	size_t n;
	bool ok = false;

	if (!lines)
		goto out;
	n = strlen(lines);
	while (n && strchr(" \t\n", lines[n - 1]))
		n--;
	snprintf(head, sizeof head, "\n-- step %d\nBEGIN;\n", v);
	mark_sql(mark, sizeof mark, v);
	ok = append(b, head) && buf_append(b, lines, n) &&
	     (n && lines[n - 1] == ';' ? true : append(b, ";")) && append(b, "\n") &&
	     append(b, mark) && append(b, ";\nCOMMIT;\n");
out:
	free(lines);
	free(sql);
	return ok;
}

char *store_schema_script(bool pg)
{
	struct buf b;
	char head[160];
	char *vsql = pg ? sq_pg_ddl(schema_version_sql) : sq_sql_lines(schema_version_sql);
	bool ok;

	buf_init(&b, (size_t)1 << 24);
	snprintf(head, sizeof head, "-- fangkong schema: %d steps for %s\n", NMIGRATIONS,
		 pg ? "PostgreSQL" : "SQLite");
	ok = vsql && append(&b, head) && append(&b, vsql) && append(&b, ";\n");
	for (int v = 1; ok && v <= NMIGRATIONS; v++)
		ok = script_step(&b, v, pg);
	free(vsql);
	if (!ok) {
		buf_free(&b);
		return NULL;
	}
	return b.data;
}
