// Crash test of checkpoint registrations (卡口, issue 12): is every acknowledged passage
// durable, is each uuid one passage, and do the kept totals (checkpoint_count) still agree
// with the passages after a SIGKILL?
//
// Each round makes a fresh database; a commander of 社渚镇 opens a checkpoint there and joins
// three checkpoint_staff accounts to it; each staff member registers passages with 3 requests
// in flight as fast as the server answers: a plate of a list of forms (ordinary, new-energy
// small and large, 鄂 plates, typed in lower case or with spaces now and then), a car, bus or
// truck of 1–5 persons with valid ID numbers, temperatures 36.0–38.5 °C (a fever goes to the
// clinic), origins of which 湖北省武汉市 makes a handover (a file and a task in the
// destination's village), destinations such as 社渚镇社渚村1组, now and then one turned back. At a random moment 150–800 ms
// after the load started (once at least 20 were acknowledged) the server gets SIGKILL. It is
// started again on the same database and the test checks:
//   (a) `fangkong check`: integrity ok and the checkpoint counts agree with a recount;
//   (b) every acknowledged passage is there (GET /api/v1/passages/{id}, with its persons),
//       and its replay (same staff, same uuid and body) answers 200 with the same id;
//   (c) every registration whose answer was lost replays as 201 or 200, and the database then
//       holds exactly one passage per uuid, each handover with its task;
//   (d) the township's stats since the checkpoint opened equal what the passages say:
//       vehicles = the passages, persons = their persons, and each outcome;
//   (e) `fangkong check` again after the replays, and after a clean SIGTERM (exit 0).
// Every wait is for a condition; the only timer is the random kill moment itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { makeId } from '../api/lib.mjs';
import {
  BIN, COUNTY, PASSWORD, call, killAll, login, mustRun, newDb, pool, settled, sql, startServer, stopServer,
} from './lib.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS || 3);
const TOWNSHIP = '320481116'; // 社渚镇
const STAFF = 3;
const LANES = 3;
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 800;
const MIN_ACKED = 20;
const PROVINCES = ['苏', '苏', '苏', '鄂', '皖', '浙', '沪'];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ'; // no I, no O
const ORIGINS = ['江苏省常州市', '江苏省南京市', '浙江省湖州市', '安徽省宣城市', '湖北省武汉市'];
const DESTINATIONS = ['社渚镇社渚村1组', '社渚镇社渚村2组', '社渚镇', '溧阳市燕山路8号'];
const VEHICLES = ['car', 'car', 'car', 'bus', 'truck'];
const PURPOSES = ['返乡', '探亲', '务工', '送货'];

let tmp;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-crash-checkpoints-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function checkDb(db) {
  const out = mustRun(['check', '--db', db]);
  assert.match(out, /integrity: ok/);
  assert.match(out, /checkpoint counts: ok, \d+ agree with a recount/, out);
  assert.match(out, /report counts: ok, \d+ agree with a recount/, out);
}

const digits = (n) => Array.from({ length: n }, () => randomInt(10)).join('');
const letter = () => LETTERS[randomInt(LETTERS.length)];

// A valid GA 36 plate as staff type it: ordinary, new energy small (D/F after the letter) or
// large (D/F at the end); sometimes in lower case with a space, which the server folds.
function randomPlate() {
  const p = PROVINCES[randomInt(PROVINCES.length)];
  const kind = randomInt(4);
  let plate;
  if (kind === 0) plate = `${p}${letter()}${'DF'[randomInt(2)]}${digits(5)}`;
  else if (kind === 1) plate = `${p}${letter()}${digits(5)}${'DF'[randomInt(2)]}`;
  else plate = `${p}${letter()}${letter()}${digits(4)}`;
  if (randomInt(6) === 0) plate = `${plate.slice(0, 1)} ${plate.slice(1).toLowerCase()}`;
  return plate;
}

let idSeq = 0;
function randomPerson() {
  return {
    name: `旅客${randomInt(10000)}`,
    id_number: makeId(`19${60 + randomInt(40)}0${1 + randomInt(9)}1${randomInt(10)}`, idSeq++),
    phone: `139${digits(8)}`,
    temperature: (360 + randomInt(26)) / 10,
    origin: ORIGINS[randomInt(ORIGINS.length)],
    destination: DESTINATIONS[randomInt(DESTINATIONS.length)],
    purpose: PURPOSES[randomInt(PURPOSES.length)],
    ...(randomInt(15) === 0 ? { outcome: 'turned_back' } : {}),
  };
}

// A passage body: `at` a second ago, as an instant with its offset.
function randomPassage(cp) {
  const uuid = randomUUID();
  const persons = Array.from({ length: 1 + randomInt(5) }, randomPerson);
  const body = {
    uuid, at: new Date(Date.now() - 1000).toISOString().replace('Z', '+00:00'), plate: randomPlate(),
    vehicle_kind: VEHICLES[randomInt(VEHICLES.length)], direction: randomInt(5) === 0 ? 'out' : 'in', persons,
  };
  return { uuid, persons: persons.length, path: `/api/v1/checkpoints/${cp}/passages`, body: JSON.stringify(body) };
}

// The local (Asia/Shanghai) date of an instant in ms.
const localDay = (t) => new Date(t + 8 * 3600e3).toISOString().slice(0, 10);

for (let round = 1; round <= ROUNDS; round++) {
  test(`checkpoints crash round ${round}: SIGKILL loses no acknowledged passage and keeps the totals exact`, { timeout: 240_000 }, async () => {
    const db = newDb(tmp, `c${round}.db`);
    const firstDay = localDay(Date.now() - 86400e3);
    mustRun(['init', '--db', db, '--county', COUNTY]);
    mustRun(['user', 'add', '--db', db, '--username', 'cmd', '--role', 'commander', '--area', TOWNSHIP], `${PASSWORD}\n`);
    const staffNames = Array.from({ length: STAFF }, (_, i) => `gate${i + 1}`);
    for (const u of staffNames) {
      mustRun(['user', 'add', '--db', db, '--username', u, '--role', 'checkpoint_staff', '--area', TOWNSHIP], `${PASSWORD}\n`);
    }
    const staffIds = staffNames.map((u) => sql(db, `SELECT id FROM app_user WHERE username = '${u}'`)[0]);

    const srv = await startServer(db);
    const cmd = await login(srv.base, 'cmd');
    const opened = await call(cmd, 'POST', '/api/v1/checkpoints', JSON.stringify({
      uuid: randomUUID(), name: `社渚卡口${round}`, area: TOWNSHIP, kind: 'road', opened_on: firstDay, location: 'S241 社渚段',
    }));
    assert.equal(opened.status, 201, opened.text);
    const cp = opened.json.id;
    for (const user_id of staffIds) {
      const r = await call(cmd, 'POST', `/api/v1/checkpoints/${cp}/staff`, JSON.stringify({ uuid: randomUUID(), user_id }));
      assert.equal(r.status, 200, r.text);
    }

    // ---- load, then SIGKILL ----
    const sessions = await Promise.all(staffNames.map((u) => login(srv.base, u)));
    const acked = []; // { uuid, persons, path, body, user, id }
    const unknown = []; // { uuid, persons, path, body, user }
    const unexpected = [];
    let stop = false;
    let wakeAcked;
    const enoughAcked = new Promise((r) => { wakeAcked = r; });
    const lane = async (s, user) => {
      while (!stop) {
        const w = { ...randomPassage(cp), user };
        let res;
        try {
          res = await call(s, 'POST', w.path, w.body);
        } catch {
          unknown.push(w);
          continue;
        }
        if (res.status === 201) {
          acked.push({ ...w, id: res.json.id });
          if (acked.length >= MIN_ACKED) wakeAcked();
        } else {
          unexpected.push({ status: res.status, text: res.text.slice(0, 300) });
          if (unexpected.length > 20) { stop = true; wakeAcked(); } // no use going on
        }
      }
    };
    const killAfter = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
    const clients = sessions.flatMap((s, i) => Array.from({ length: LANES }, () => lane(s, staffNames[i])));
    srv.child.exited.then(() => wakeAcked());
    await Promise.all([delay(killAfter), enoughAcked]);
    const { signal } = await stopServer(srv.child, 'SIGKILL');
    await settled(db); // on PostgreSQL: its sessions ended, what they committed is final
    stop = true;
    await Promise.all(clients);
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(unexpected, [], `answers other than 201 before the kill:\n${srv.problems()}`);
    assert.ok(acked.length >= MIN_ACKED, `only ${acked.length} passages acknowledged before the kill`);

    // ---- (a) restart: the database and its kept totals ----
    checkDb(db);
    const afterCrash = Number(sql(db, 'SELECT count(*) FROM passage')[0]);
    assert.ok(afterCrash >= acked.length, `${afterCrash} passages stored, ${acked.length} acknowledged`);
    assert.ok(afterCrash <= acked.length + unknown.length);

    // ---- (b) every acknowledged passage is there, and replays as itself ----
    const srv2 = await startServer(db);
    const by = Object.fromEntries(await Promise.all(staffNames.map(async (u) => [u, await login(srv2.base, u)])));
    await pool(acked, 6, async (a) => {
      const got = await call(by[a.user], 'GET', `/api/v1/passages/${a.id}`);
      assert.equal(got.status, 200, `acknowledged passage ${a.id} lost: ${got.text}`);
      assert.equal(got.json.persons.length, a.persons);
      const r = await call(by[a.user], 'POST', a.path, a.body);
      assert.equal(r.status, 200, `replay of an acknowledged passage: ${r.text}`);
      assert.equal(r.json.id, a.id);
    });

    // ---- (c) the lost answers replay; one passage per uuid ----
    await pool(unknown, 6, async (u) => {
      const r = await call(by[u.user], 'POST', u.path, u.body);
      assert.ok(r.status === 201 || r.status === 200, `replay of an unanswered passage: ${r.status} ${r.text}`);
    });
    const all = [...acked, ...unknown];
    const vehicles = all.length;
    const persons = all.reduce((n, w) => n + w.persons, 0);
    assert.equal(Number(sql(db, 'SELECT count(*) FROM passage')[0]), vehicles, 'one passage per uuid');
    assert.equal(Number(sql(db, 'SELECT count(*) FROM passage_person')[0]), persons, 'every person once');
    assert.equal(Number(sql(db, "SELECT count(*) FROM passage_person pp LEFT JOIN task t ON t.id = pp.task_id" +
      " WHERE pp.outcome = 'handover' AND t.id IS NULL")[0]), 0, 'a handover without its task');

    // ---- (d) the stats agree with the passages ----
    const commander = await login(srv2.base, 'cmd');
    const today = localDay(Date.now());
    const st = await call(commander, 'GET', `/api/v1/checkpoints/stats?area=${TOWNSHIP}&from=${firstDay}&to=${today}`);
    assert.equal(st.status, 200, st.text);
    const outcomes = Object.fromEntries(sql(db, 'SELECT outcome || \'|\' || count(*) FROM passage_person GROUP BY outcome')
      .map((l) => l.split('|')).map(([o, n]) => [o, Number(n)]));
    const handedOver = outcomes.handover ?? 0;
    assert.equal(st.json.vehicles, vehicles, 'stats: vehicles');
    assert.equal(st.json.persons, persons, 'stats: persons');
    assert.equal(st.json.clinic, outcomes.clinic ?? 0, 'stats: clinic');
    assert.equal(st.json.handed_over, handedOver, 'stats: handed over');
    assert.equal(st.json.turned_back, outcomes.turned_back ?? 0, 'stats: turned back');
    assert.equal(st.json.key_area_vehicles, Number(sql(db, 'SELECT count(*) FROM passage WHERE plate_key_area <> 0')[0]));
    assert.equal(st.json.key_area_persons, Number(sql(db, 'SELECT count(*) FROM passage_person WHERE key_area <> 0')[0]));
    assert.equal(st.json.checkpoints.length, 1);
    assert.equal(st.json.checkpoints[0].id, cp);
    assert.equal(st.json.checkpoints[0].vehicles, vehicles);
    assert.equal(st.json.checkpoints[0].persons, persons);
    assert.equal(st.json.checkpoints[0].open_handovers, handedOver, 'every handover still open');

    // ---- (e) check after the replays and after a clean stop ----
    checkDb(db);
    const { code } = await stopServer(srv2.child, 'SIGTERM');
    assert.equal(code, 0);
    checkDb(db);
    console.log(`round ${round}: killed after ${killAfter} ms; ${acked.length} acknowledged, ${unknown.length} in flight; ` +
      `${afterCrash} passages after the crash; ${vehicles} vehicles, ${persons} persons, ${outcomes.clinic ?? 0} to the clinic, ` +
      `${handedOver} handed over`);
  });
}
