-- bench/report_gen.sql — the records of a county at the height of an epidemic, written
-- straight into a database made by `fangkong init` (the server stopped), for
-- bench/report_bench.sh; then the kept counts filled from them by the product's own rules:
-- report_count by migration 10's statements over the view report_event (default cut-off
-- 24:00), obs_count by the rules of `fangkong check`'s recount (store_obs_recount:
-- domain/observation.c obs_required and obs_day_contrib). The script then runs
-- `fangkong check`, which recounts both from the records: they must agree.
--
-- The driver prepends the parameters:
--   CREATE TEMP TABLE prm AS SELECT PERSONS AS persons, ACTIVE AS active, RELEASED AS
--   released, TO_PLACE AS to_place, OPEN AS open_tasks, FORWARDS AS forwards, SERVICES AS
--   services, NOW AS now, M0 AS m0, COUNTY AS county;
-- NOW the epoch of the run, M0 the epoch of local midnight (Asia/Shanghai) of day 0, today
-- − 59: the records cover days 0–59, day 59 today, nothing after NOW.
--
-- Persons, by role (a random village of the county each, ~2,700 a village):
--   active    ACTIVE persons under home observation now, begun on days 46–59 (14 days);
--   released  RELEASED persons observed for 14 days begun on days 0–44, released on their
--             end date at 09:00;
--   to_place  verified for observation on days 50–59, not placed (person_to_place);
--   open      OPEN tasks pushed on days 55–59, still open (those older than 24 h overdue);
--   forward   FORWARDS tasks closed as "moved" and forwarded to another village, whose
--             task is closed 1–11 h later (or still open when that is after NOW);
--   cleared   the rest: pushed on days 0–59, closed within 36 h.
-- One verification task per person (pushed at the person's creation, due 24 h later); each
-- observation has its day rows (obs_day) up to today: 97 % of past days both slots, 2 % one,
-- 1 % none; today by the time of day; 0.15 % of the days a fever, each fever an alert
-- (referred 6 in 10; closed unless raised yesterday or today); SERVICES service requests of
-- active observations (new, accepted or delivered). No visit rows: neither the report nor
-- the board reads them (obs_day holds what the counts follow).
-- (The driver also sets, before the parameters: foreign_keys OFF, a 1 GB cache, temp_store
-- MEMORY — which must come before any temp table — and synchronous OFF.)

CREATE TEMP TABLE days AS
WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < 74)
SELECT k, (SELECT m0 FROM prm) + 86400 * k AS mid,
       CAST(strftime('%Y%m%d', (SELECT m0 FROM prm) + 86400 * k + 28800, 'unixepoch') AS INTEGER) AS date,
       max(60, min(86400, (SELECT now FROM prm) - ((SELECT m0 FROM prm) + 86400 * k) - 60)) AS span
FROM k;
CREATE UNIQUE INDEX temp.days_k ON days(k);
CREATE UNIQUE INDEX temp.days_date ON days(date);

CREATE TEMP TABLE vil AS
SELECT row_number() OVER (ORDER BY code) - 1 AS i, code FROM area
WHERE length(code) = 12 AND code >= (SELECT county FROM prm) AND code < (SELECT county FROM prm) || ':';
CREATE UNIQUE INDEX temp.vil_i ON vil(i);

-- one row per person: role, village, day and random draws
CREATE TEMP TABLE g0 AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < (SELECT persons FROM prm))
SELECT i,
       abs(random()) % (SELECT count(*) FROM vil) AS vil,
       CASE WHEN i <= p.active THEN 'active'
            WHEN i <= p.active + p.released THEN 'released'
            WHEN i <= p.active + p.released + p.to_place THEN 'to_place'
            WHEN i <= p.active + p.released + p.to_place + p.open_tasks THEN 'open'
            WHEN i <= p.active + p.released + p.to_place + p.open_tasks + p.forwards THEN 'forward'
            ELSE 'cleared' END AS role,
       abs(random()) AS r1, abs(random()) AS r2, abs(random()) AS r3
FROM s, prm p;

CREATE TEMP TABLE g1 AS
SELECT i, vil, role, r1, r2, r3,
       CASE role WHEN 'active' THEN 46 + r1 % 14 WHEN 'released' THEN r1 % 45
                 WHEN 'to_place' THEN 50 + r1 % 10 WHEN 'open' THEN 55 + r1 % 5
                 WHEN 'forward' THEN r1 % 59 ELSE r1 % 60 END AS k
FROM g0;
DROP TABLE g0;

-- anchor: the moment of the person's event on day k (the observation's beginning for the
-- observed, the task's push for the others), never after NOW
CREATE TEMP TABLE g AS
SELECT g1.i, g1.vil, g1.role, g1.r1, g1.r2, g1.r3, g1.k, d.mid + g1.r2 % d.span AS anchor
FROM g1 JOIN days d ON d.k = g1.k;
DROP TABLE g1;

CREATE TEMP TABLE gt AS
SELECT i, vil, role, r1, r2, r3, k, anchor,
       CASE WHEN role IN ('active', 'released') THEN anchor - r3 % 36000 ELSE anchor END AS created_at,
       CASE WHEN role IN ('active', 'released') THEN anchor - (r3 % 36000) / 10
            WHEN role = 'open' THEN NULL
            WHEN role = 'forward' THEN min(anchor + 600 + r3 % 18000, (SELECT now FROM prm) - 2)
            ELSE min(anchor + 600 + r3 % 129600, (SELECT now FROM prm) - 1) END AS closed_at
FROM g;
DROP TABLE g;

INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone, address,
                   area_code, categories, status, created_at, updated_at)
SELECT printf('00000000-0000-4000-8000-%012d', gt.i), 'resident',
       (SELECT county FROM prm) || printf('%012d', gt.i), 1,
       substr('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗', 1 + r1 % 20, 1) ||
       substr('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚', 1 + r2 % 20, 1) ||
       CASE WHEN r3 % 3 THEN substr('华国文红玉兰志春海金林云峰英燕梅琴鹏斌辉', 1 + r3 % 20, 1) ELSE '' END,
       CASE WHEN r2 % 2 THEN 'M' ELSE 'F' END, 19400101 + (r3 % 65) * 10000 + 101,
       '1' || (3 + r1 % 7) || printf('%09d', r2 % 1000000000), '', v.code,
       CASE WHEN r3 % 10 < 7 THEN 1 ELSE 0 END,
       CASE role WHEN 'active' THEN 'observation' WHEN 'released' THEN 'released'
                 WHEN 'to_place' THEN 'to_place' WHEN 'open' THEN 'pending'
                 WHEN 'forward' THEN 'moved' ELSE 'cleared' END,
       created_at, coalesce(closed_at, created_at)
FROM gt JOIN vil v ON v.i = gt.vil ORDER BY gt.i;

INSERT INTO task(id, person_id, area_code, status, due_at, created_at, closed_at, closed_by,
                 outcome, key_area, forward_target)
SELECT printf('00000000-0000-4000-9000-%012d', gt.i), printf('00000000-0000-4000-8000-%012d', gt.i),
       v.code, CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END,
       created_at + 86400, created_at, closed_at,
       CASE WHEN closed_at IS NULL THEN NULL ELSE 'bench' END,
       CASE role WHEN 'active' THEN 'observation' WHEN 'released' THEN 'observation'
                 WHEN 'to_place' THEN 'observation' WHEN 'open' THEN NULL
                 WHEN 'forward' THEN 'moved' ELSE 'outside_window' END,
       CASE WHEN r3 % 10 < 7 THEN 1 ELSE 0 END,
       CASE WHEN role = 'forward' THEN (SELECT code FROM vil WHERE i = (gt.vil + 1 + gt.r1 % 100) % (SELECT count(*) FROM vil)) END
FROM gt JOIN vil v ON v.i = gt.vil ORDER BY gt.i;

-- the forwarded tasks, in the village forwarded to
INSERT INTO task(id, person_id, area_code, status, due_at, created_at, closed_at, closed_by,
                 outcome, key_area, forwarded_from)
SELECT printf('00000000-0000-4000-a000-%012d', gt.i), printf('00000000-0000-4000-8000-%012d', gt.i),
       t.forward_target,
       CASE WHEN gt.closed_at + 3600 + gt.r2 % 36000 < (SELECT now FROM prm) THEN 'closed' ELSE 'open' END,
       gt.closed_at + 86400, gt.closed_at,
       CASE WHEN gt.closed_at + 3600 + gt.r2 % 36000 < (SELECT now FROM prm) THEN gt.closed_at + 3600 + gt.r2 % 36000 END,
       CASE WHEN gt.closed_at + 3600 + gt.r2 % 36000 < (SELECT now FROM prm) THEN 'bench' END,
       CASE WHEN gt.closed_at + 3600 + gt.r2 % 36000 < (SELECT now FROM prm) THEN 'outside_window' END,
       t.key_area, t.id
FROM gt JOIN task t ON t.id = printf('00000000-0000-4000-9000-%012d', gt.i)
WHERE gt.role = 'forward' ORDER BY gt.i;

-- observations: begun at the anchor, 14 days from its local date; released at 09:00 of the
-- end date
INSERT INTO observation(id, person_id, area_code, kind, status, start_date, end_date, began_at,
                        ended_at, end_reason, created_by, created_at, updated_at)
SELECT printf('00000000-0000-4000-b000-%012d', gt.i), printf('00000000-0000-4000-8000-%012d', gt.i),
       v.code, 'home_observation', CASE role WHEN 'active' THEN 'active' ELSE 'released' END,
       ds.date, de.date, anchor, CASE role WHEN 'active' THEN 0 ELSE de.mid + 32400 END,
       CASE role WHEN 'active' THEN '' ELSE 'bench' END, 'bench', anchor,
       CASE role WHEN 'active' THEN anchor ELSE de.mid + 32400 END
FROM gt JOIN vil v ON v.i = gt.vil JOIN days ds ON ds.k = gt.k JOIN days de ON de.k = gt.k + 14
WHERE role IN ('active', 'released') ORDER BY gt.i;

-- the day rows up to today (and for the released up to their last day)
INSERT INTO obs_day(observation_id, date, filled, fever)
SELECT id, date, filled, fever FROM (
  SELECT printf('00000000-0000-4000-b000-%012d', gt.i) AS id, d.date AS date,
         CASE WHEN d.k < 59 THEN (CASE abs(random()) % 100 WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 ELSE 3 END)
              WHEN (SELECT now FROM prm) - d.mid >= 75600 THEN (CASE WHEN abs(random()) % 10 < 9 THEN 3 ELSE 1 END)
              WHEN (SELECT now FROM prm) - d.mid >= 43200 THEN (CASE abs(random()) % 20 WHEN 0 THEN 0 WHEN 1 THEN 3 ELSE 1 END)
              ELSE (CASE WHEN abs(random()) % 3 THEN 1 ELSE 0 END) END AS filled,
         CASE WHEN abs(random()) % 10000 < 15 THEN 1 ELSE 0 END AS fever
  FROM gt JOIN days d ON d.k >= gt.k AND d.k <= min(59, gt.k + 13)
  WHERE gt.role IN ('active', 'released') ORDER BY gt.i, d.k)
WHERE filled <> 0 OR fever <> 0;

-- a fever alert for each day with a fever, raised that day at 10:00–11:00 (never after NOW)
INSERT INTO alert(id, observation_id, person_id, area_code, raised_at, temp, status, destination,
                  facility, referred_at, result, result_at, updated_at)
SELECT printf('00000000-0000-4000-c%03d-%s', k, substr(observation_id, 25)), observation_id,
       person_id, area_code, ra, 375 + abs(random()) % 10,
       CASE WHEN k >= 58 THEN (CASE WHEN ref THEN 'referred' ELSE 'open' END) ELSE 'closed' END,
       CASE WHEN ref THEN 'fever_clinic' END, CASE WHEN ref THEN '发热门诊' ELSE '' END,
       CASE WHEN ref THEN min(ra + 1800, (SELECT now FROM prm) - 1) ELSE 0 END,
       CASE WHEN k < 58 THEN 'negative' END, CASE WHEN k < 58 THEN ra + 86400 ELSE 0 END, ra
FROM (SELECT od.observation_id, o.person_id, o.area_code, d.k,
             min(d.mid + 36000 + abs(random()) % 3600, (SELECT now FROM prm) - 1) AS ra,
             abs(random()) % 10 < 6 AS ref
      FROM obs_day od JOIN observation o ON o.id = od.observation_id
      JOIN days d ON d.date = od.date WHERE od.fever = 1);
UPDATE observation SET alert_open = 1 WHERE status = 'active'
  AND id IN (SELECT observation_id FROM alert WHERE status <> 'closed');

-- service requests of active observations, made since their beginning
INSERT INTO service(id, observation_id, person_id, area_code, kind, items, requested_by,
                    status, due_at, created_at, accepted_at, delivered_at, updated_at)
SELECT printf('00000000-0000-4000-d000-%012d', n), id, person_id, area_code,
       CASE n % 5 WHEN 0 THEN 'shopping' WHEN 1 THEN 'meals' WHEN 2 THEN 'medicine'
                  WHEN 3 THEN 'rubbish' ELSE 'other' END, '米、油', 'bench',
       st, at + 86400, at, CASE WHEN st <> 'new' THEN at + 600 ELSE 0 END,
       CASE WHEN st = 'delivered' THEN at + 3600 ELSE 0 END, at
FROM (SELECT row_number() OVER (ORDER BY id) AS n, id, person_id, area_code,
             began_at + abs(random()) % max(1, (SELECT now FROM prm) - 3600 - began_at) AS at,
             CASE abs(random()) % 10 WHEN 0 THEN 'new' WHEN 1 THEN 'accepted' WHEN 2 THEN 'new'
                  ELSE 'delivered' END AS st
      FROM observation WHERE status = 'active' AND began_at < (SELECT now FROM prm) - 3600
      ORDER BY random() LIMIT (SELECT services FROM prm));

-- ---- the kept counts, by the product's rules ----

-- report_count: migration 10's two statements (default cut-off 24:00)
DELETE FROM report_count;
INSERT INTO report_count(day, level, area_code, metric, n)
  SELECT CAST(strftime('%Y%m%d', e.at + 28800, 'unixepoch') AS INTEGER), lv.len,
  substr(e.area_code, 1, lv.len), e.metric, count(*) FROM report_event e
  JOIN (SELECT 6 AS len UNION ALL SELECT 9 UNION ALL SELECT 12 UNION ALL SELECT 15
  UNION ALL SELECT 18) lv ON lv.len <= length(e.area_code) GROUP BY 1, 2, 3, 4;
INSERT INTO report_count(day, level, area_code, metric, n)
  SELECT 0, level, area_code, metric, sum(n) FROM report_count GROUP BY 2, 3, 4;

-- obs_count: store_obs_recount's rules. Required slots of a day of the period
-- (obs_required): slot k when its deadline (12:00, 21:00 local: obs_policy_default) is after
-- the beginning and, for an ended observation, not after its end; a day with a required slot
-- is due, complete when every required slot is filled.
DELETE FROM obs_count;
CREATE TEMP TABLE od AS
SELECT o.area_code, d.date,
       (d.mid + 43200 > o.began_at AND (o.ended_at = 0 OR d.mid + 43200 <= o.ended_at)) AS r0,
       (d.mid + 75600 > o.began_at AND (o.ended_at = 0 OR d.mid + 75600 <= o.ended_at)) AS r1,
       coalesce(x.filled, 0) AS f
FROM observation o JOIN days d ON d.date >= o.start_date AND d.date < o.end_date
LEFT JOIN obs_day x ON x.observation_id = o.id AND x.date = d.date;
CREATE TEMP TABLE ods AS
SELECT date, area_code, sum(r0 OR r1) AS due,
       sum((r0 OR r1) AND NOT (r0 AND NOT (f & 1)) AND NOT (r1 AND NOT (f & 2))) AS complete,
       sum(r0) AS req0, sum(r1) AS req1, sum(r0 AND (f & 1)) AS fill0,
       sum(r1 AND (f & 2) > 0) AS fill1
FROM od GROUP BY date, area_code;
DROP TABLE od;
INSERT INTO obs_count(metric, date, area_code, n)
  SELECT 'due', date, area_code, due FROM ods WHERE due <> 0
  UNION ALL SELECT 'complete', date, area_code, complete FROM ods WHERE complete <> 0
  UNION ALL SELECT 'req0', date, area_code, req0 FROM ods WHERE req0 <> 0
  UNION ALL SELECT 'req1', date, area_code, req1 FROM ods WHERE req1 <> 0
  UNION ALL SELECT 'fill0', date, area_code, fill0 FROM ods WHERE fill0 <> 0
  UNION ALL SELECT 'fill1', date, area_code, fill1 FROM ods WHERE fill1 <> 0;
DROP TABLE ods;
INSERT INTO obs_count(metric, date, area_code, n)
  SELECT 'active', 0, area_code, count(*) FROM observation WHERE status = 'active' GROUP BY 3
  UNION ALL SELECT 'ending', end_date, area_code, count(*) FROM observation
    WHERE status = 'active' GROUP BY 2, 3
  UNION ALL SELECT 'ending_alert', end_date, area_code, count(*) FROM observation
    WHERE status = 'active' AND alert_open = 1 GROUP BY 2, 3
  UNION ALL SELECT 'started', CAST(strftime('%Y%m%d', began_at + 28800, 'unixepoch') AS INTEGER),
    area_code, count(*) FROM observation GROUP BY 2, 3
  UNION ALL SELECT 'released', CAST(strftime('%Y%m%d', ended_at + 28800, 'unixepoch') AS INTEGER),
    area_code, count(*) FROM observation WHERE status = 'released' GROUP BY 2, 3
  UNION ALL SELECT 'fevers', x.date, o.area_code, count(*) FROM obs_day x
    JOIN observation o ON o.id = x.observation_id WHERE x.fever = 1 GROUP BY 2, 3
  UNION ALL SELECT 'alerts_open', 0, area_code, count(*) FROM alert WHERE status <> 'closed' GROUP BY 3
  UNION ALL SELECT 'services_open', 0, area_code, count(*) FROM service
    WHERE status IN ('new', 'accepted') GROUP BY 3;
DROP TABLE gt;

