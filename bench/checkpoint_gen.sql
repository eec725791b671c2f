-- bench/checkpoint_gen.sql — a county's checkpoints (卡口) after two months of an epidemic,
-- written straight into a database made by `fangkong init` (the server stopped), for
-- bench/checkpoint_bench.sh; then the kept totals (checkpoint_count) filled from the passages
-- by the rule of `fangkong check`'s recount (store_checkpoint_recount in
-- src/store/sqlite/sq_checkpoint.c: per checkpoint, local day and hour, and hour 24 the
-- day), which then must find every kept row equal to its recount.
--
-- The driver prepends the parameters:
--   CREATE TEMP TABLE prm AS SELECT PASSAGES AS passages, CHECKPOINTS AS checkpoints,
--   DAYS AS days, NOW AS now, M0 AS m0, COUNTY AS county, USER AS user;
-- NOW the epoch of the run, M0 the epoch of local midnight (Asia/Shanghai) of day 0, today
-- − (DAYS − 1): the passages cover days 0 … DAYS − 1, the last day today, nothing after NOW.
--
-- Checkpoints: CHECKPOINTS of them in the county's areas taken by level and code (the county
-- itself, then its townships, then villages), each opened on day 0 with the default shifts
-- (08:00, 20:00), none closed. Passages: PASSAGES, each at a random checkpoint, day and
-- second (today: up to a minute before NOW); 19 in 20 with a 苏 plate, 1 in 20 a 鄂 plate
-- (a key-area plate); 9 in 10 inbound; 1–4 persons (2.5 on average) with a temperature of
-- 36.0–37.2 °C, 3 in 100 a fever of 37.3–39.0 (clinic); 1 in 20 from 湖北省武汉市 (a key
-- area); an inbound person from a key area or in a key-area car is turned back (劝返, as
-- many gates did with 鄂 cars in January 2020) unless feverish, and 1 in 50 of the rest.
-- No handovers: each needs its file and its task (and the daily report counts the task as
-- pushed), and `fangkong check` rightly finds a handover without a task inconsistent. The
-- stats read only the kept totals, whose size does not depend on the outcomes.
-- (The driver also sets, before the parameters: foreign_keys OFF, a 1 GB cache, temp_store
-- MEMORY and synchronous OFF.)

CREATE TEMP TABLE days AS
WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < (SELECT days FROM prm) - 1)
SELECT k, (SELECT m0 FROM prm) + 86400 * k AS mid,
       CAST(strftime('%Y%m%d', (SELECT m0 FROM prm) + 86400 * k + 28800, 'unixepoch') AS INTEGER) AS date,
       max(60, min(86400, (SELECT now FROM prm) - ((SELECT m0 FROM prm) + 86400 * k) - 60)) AS span
FROM k;
CREATE UNIQUE INDEX temp.days_k ON days(k);

CREATE TEMP TABLE cpa AS
SELECT row_number() OVER (ORDER BY level, code) - 1 AS i, code, name FROM area
WHERE code >= (SELECT county FROM prm) AND code < (SELECT county FROM prm) || ':'
ORDER BY level, code LIMIT (SELECT checkpoints FROM prm);
CREATE UNIQUE INDEX temp.cpa_i ON cpa(i);

INSERT INTO checkpoint(id, name, kind, area_code, location, opened_on, shift_starts, created_at,
                       updated_at)
SELECT printf('00000000-0000-4000-8000-%012d', i), name || '卡口' || i,
       CASE i % 5 WHEN 0 THEN 'highway' WHEN 1 THEN 'road' WHEN 2 THEN 'village'
                  WHEN 3 THEN 'border' ELSE 'other' END,
       code, '压测 ' || i, (SELECT date FROM days WHERE k = 0), '8,20', (SELECT m0 FROM prm),
       (SELECT m0 FROM prm)
FROM cpa;

-- one row per passage: its checkpoint, day, second of the day and random draws
CREATE TEMP TABLE g0 AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < (SELECT passages FROM prm))
SELECT i, abs(random()) % (SELECT count(*) FROM cpa) AS cp, abs(random()) % (SELECT days FROM prm) AS k,
       abs(random()) AS r1, abs(random()) AS r2, lower(hex(randomblob(16))) AS h
FROM s;

CREATE TEMP TABLE g AS
SELECT g0.i, printf('00000000-0000-4000-8000-%012d', g0.cp) AS cp, d.date AS day,
       d.mid + g0.r1 % d.span AS at,
       substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-8' ||
         substr(h, 18, 3) || '-' || substr(h, 21, 12) AS id,
       g0.r2 % 20 = 0 AS key_plate, g0.r2 / 20 % 10 <> 0 AS inbound, 1 + g0.r2 / 200 % 4 AS np,
       g0.r2 / 800 % 100000 AS num, cpa.code AS area
FROM g0 JOIN days d ON d.k = g0.k JOIN cpa ON cpa.i = g0.cp;

INSERT INTO passage(id, checkpoint_id, at, day, hour, shift, plate, plate_unreadable,
                    plate_province, plate_key_area, vehicle_kind, direction, note, prereg,
                    version, by_user, created_at, updated_at)
SELECT id, cp, at, day, (at + 28800) % 86400 / 3600,
       CASE WHEN (at + 28800) % 86400 / 3600 BETWEEN 8 AND 19 THEN 1 ELSE 2 END,
       CASE WHEN key_plate THEN '鄂A' ELSE '苏D' END || printf('%05d', num), 0,
       CASE WHEN key_plate THEN '鄂' ELSE '苏' END, key_plate,
       CASE num % 10 WHEN 0 THEN 'bus' WHEN 1 THEN 'truck' ELSE 'car' END,
       CASE WHEN inbound THEN 'in' ELSE 'out' END, '', NULL, 1, (SELECT user FROM prm), at, at
FROM g ORDER BY id;

-- the persons: 1–4 a passage
CREATE TEMP TABLE pp0 AS
WITH seq(n) AS (VALUES (1), (2), (3), (4))
SELECT g.id, seq.n AS seq, g.key_plate, g.inbound, g.area, abs(random()) AS r FROM g JOIN seq ON seq.n <= g.np;

INSERT INTO passage_person(passage_id, seq, name, id_number, id_valid, defects, phone, temp,
                           origin, travel, destination, area_code, purpose, outcome, proposed,
                           key_area, person_id, task_id)
SELECT id, seq, '旅客' || (r % 10000), printf('320481198%07d%d', r % 10000000, r / 7 % 10), 1, '',
       printf('139%08d', r % 100000000), temp,
       CASE WHEN ka THEN '湖北省武汉市' ELSE '江苏省常州市' END, '', '社渚镇社渚村1组', area, '返乡',
       outcome, CASE WHEN outcome = 'turned_back' AND inbound AND (ka OR key_plate) THEN 'handover'
                     ELSE outcome END, ka, NULL, NULL
FROM (SELECT *, CASE WHEN temp >= 373 THEN 'clinic'
                     WHEN inbound AND (ka OR key_plate) THEN 'turned_back'
                     WHEN r / 100000 % 50 = 0 THEN 'turned_back'
                     ELSE 'passed' END AS outcome
      FROM (SELECT *, CASE WHEN r % 100 < 3 THEN 373 + r / 100 % 18 ELSE 360 + r / 100 % 13 END AS temp,
                   r / 1000 % 20 = 0 AS ka FROM pp0))
ORDER BY id, seq;

-- the kept totals, by the recount's rule
INSERT INTO checkpoint_count(checkpoint_id, day, hour, vehicles, persons, key_area_vehicles,
                             key_area_persons, turned_back, clinic, handed_over, handovers_closed)
WITH pr AS (SELECT passage_id AS id, count(*) AS p, sum(key_area) AS kap,
                   sum(outcome = 'turned_back') AS tb, sum(outcome = 'clinic') AS cl,
                   sum(outcome = 'handover') AS ho
            FROM passage_person GROUP BY passage_id),
     h AS (SELECT ps.checkpoint_id AS cp, ps.day AS day, ps.hour AS hour, count(*) AS v,
                  sum(ps.plate_key_area) AS kav, sum(pr.p) AS p, sum(pr.kap) AS kap,
                  sum(pr.tb) AS tb, sum(pr.cl) AS cl, sum(pr.ho) AS ho
           FROM passage ps JOIN pr ON pr.id = ps.id GROUP BY 1, 2, 3)
SELECT cp, day, hour, v, p, kav, kap, tb, cl, ho, 0 FROM h
UNION ALL
SELECT cp, day, 24, sum(v), sum(p), sum(kav), sum(kap), sum(tb), sum(cl), sum(ho), 0 FROM h
GROUP BY cp, day;

-- the daily report's counts of the checkpoints (migration 13's report_event rows, the
-- default cut-off 24:00: the calendar day), in each area and every area above it, per day
-- and in all (day 0), as migration 10 builds report_count
INSERT INTO report_count(day, level, area_code, metric, n)
SELECT CAST(strftime('%Y%m%d', e.at + 28800, 'unixepoch') AS INTEGER), lv.len,
       substr(e.area_code, 1, lv.len), e.metric, count(*)
FROM report_event e
JOIN (SELECT 6 AS len UNION ALL SELECT 9 UNION ALL SELECT 12 UNION ALL SELECT 15
      UNION ALL SELECT 18) lv ON lv.len <= length(e.area_code)
WHERE e.metric LIKE 'cp\_%' ESCAPE '\'
GROUP BY 1, 2, 3, 4;
INSERT INTO report_count(day, level, area_code, metric, n)
SELECT 0, level, area_code, metric, sum(n) FROM report_count
WHERE day > 0 AND metric LIKE 'cp\_%' ESCAPE '\' GROUP BY 2, 3, 4;

SELECT (SELECT count(*) FROM checkpoint) || ' checkpoints, ' || (SELECT count(*) FROM passage) ||
       ' passages, ' || (SELECT count(*) FROM passage_person) || ' persons, ' ||
       (SELECT count(*) FROM checkpoint_count) || ' checkpoint_count rows';
