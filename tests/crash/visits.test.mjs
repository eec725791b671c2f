// Crash test of home-observation visits: is every acknowledged visit durable, and do the
// board's maintained counts still agree with the records after a SIGKILL?
//
// Each round makes a fresh database, places 40 people of random villages under observation,
// and lets 4 clients (4 requests in flight each) record visits as fast as they can — random
// modes, temperatures from 35.8 to 39.0 °C (so about a third raise or feed a fever alert),
// sometimes symptoms — and now and then request a service. At a random moment 150–800 ms
// after the load started (once at least 20 writes were acknowledged) the server gets SIGKILL.
// It is started again on the same database and the test checks:
//   (a) `fangkong check`: integrity ok and the board's counts agree with a recount;
//   (b) every acknowledged visit is in the database, and its replay (same uuid and body)
//       answers 200 with the same visit id;
//   (c) every write whose answer was lost replays as 201 or 200, never anything else, and
//       the database then holds exactly one visit per acknowledged or replayed uuid;
//   (d) `fangkong check` again after the replays, and after a clean SIGTERM (exit 0).
// Every wait is for a condition; the only timer is the random kill moment itself.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import {
  BIN, COUNTY, PASSWORD, call, killAll, login, mustRun, newDb, pool, settled, sql, startServer, stopServer,
} from './lib.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS || 3);
const PEOPLE = 40;
const CLIENTS = 4;
const LANES = 4;
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 800;
const MIN_ACKED = 20;
const MODES = ['in_person', 'video', 'phone', 'self'];
const SYMPTOMS = ['cough', 'fatigue', 'sore_throat'];

let tmp;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-crash-visits-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function checkDb(db) {
  const out = mustRun(['check', '--db', db]);
  assert.match(out, /integrity: ok/);
  assert.match(out, /observation counts: ok, \d+ agree with a recount/, out);
  assert.match(out, /report counts: ok, \d+ agree with a recount/, out);
}

// One random write: mostly a visit, sometimes a service request.
function randomWrite(obsIds) {
  const obs = obsIds[randomInt(obsIds.length)];
  const uuid = randomUUID();
  if (randomInt(10) === 0) {
    return { uuid, kind: 'service', path: `/api/v1/observations/${obs}/services`,
      body: JSON.stringify({ uuid, kind: 'meals', items: `午饭 ${uuid.slice(0, 4)}` }) };
  }
  const body = { uuid, mode: MODES[randomInt(MODES.length)], saw_person: true, saw_home: randomInt(2) === 1,
    saw_state: true, temperature: (358 + randomInt(33)) / 10 };
  if (randomInt(8) === 0) body.symptoms = [SYMPTOMS[randomInt(SYMPTOMS.length)]];
  if (body.temperature >= 37.3 || body.symptoms) body.saw_state = false; // a fever is no normal state
  return { uuid, kind: 'visit', path: `/api/v1/observations/${obs}/visits`, body: JSON.stringify(body) };
}

for (let round = 1; round <= ROUNDS; round++) {
  test(`visits crash round ${round}: SIGKILL loses no acknowledged visit and keeps the counts exact`, { timeout: 180_000 }, async () => {
    const db = newDb(tmp, `v${round}.db`);
    mustRun(['init', '--db', db, '--county', COUNTY]);
    mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
    const villages = sql(db, 'SELECT code FROM area WHERE level = 3 ORDER BY code');

    const srv = await startServer(db);
    const admin = await login(srv.base);
    const obsIds = [];
    await pool(Array.from({ length: PEOPLE }, (_, i) => i), 8, async (i) => {
      const p = await call(admin, 'POST', '/api/v1/persons', JSON.stringify({
        uuid: randomUUID(), name: `观察${i}`, area: villages[randomInt(villages.length)], address: `${i}号`,
      }));
      assert.equal(p.status, 201, `${p.text}\n${srv.problems()}`);
      const o = await call(admin, 'POST', '/api/v1/observations', JSON.stringify({ uuid: randomUUID(), person_id: p.json.id }));
      assert.equal(o.status, 201, `${o.text}\n${srv.problems()}`);
      obsIds.push(o.json.observation.id);
    });

    // ---- load, then SIGKILL ----
    const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => login(srv.base)));
    const acked = []; // { uuid, kind, path, body, id }
    const unknown = []; // { uuid, kind, path, body }
    const unexpected = [];
    let stop = false;
    let wakeAcked;
    const enoughAcked = new Promise((r) => { wakeAcked = r; });
    const lane = async (s) => {
      while (!stop) {
        const w = randomWrite(obsIds);
        let res;
        try {
          res = await call(s, 'POST', w.path, w.body);
        } catch {
          unknown.push(w);
          continue;
        }
        if (res.status === 201 || res.status === 200) {
          acked.push({ ...w, id: w.kind === 'visit' ? res.json.visit.id : res.json.id });
          if (acked.length >= MIN_ACKED) wakeAcked();
        } else {
          unexpected.push({ status: res.status, text: res.text.slice(0, 300) });
          if (unexpected.length > 20) { stop = true; wakeAcked(); } // no use going on
        }
      }
    };
    const killAfter = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
    const clients = sessions.flatMap((s) => Array.from({ length: LANES }, () => lane(s)));
    srv.child.exited.then(() => wakeAcked());
    await Promise.all([delay(killAfter), enoughAcked]);
    const { signal } = await stopServer(srv.child, 'SIGKILL');
    await settled(db); // on PostgreSQL: its sessions ended, what they committed is final
    stop = true;
    await Promise.all(clients);
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(unexpected, [], `answers other than 201/200 before the kill:\n${srv.problems()}`);
    assert.ok(acked.length >= MIN_ACKED, `only ${acked.length} writes acknowledged before the kill`);

    // ---- restart and check ----
    checkDb(db);
    const visitsAfterCrash = Number(sql(db, 'SELECT count(*) FROM visit')[0]);
    const ackedVisits = acked.filter((a) => a.kind === 'visit');
    const unknownVisits = unknown.filter((u) => u.kind === 'visit');
    assert.ok(visitsAfterCrash >= ackedVisits.length, `${visitsAfterCrash} visits stored, ${ackedVisits.length} acknowledged`);
    assert.ok(visitsAfterCrash <= ackedVisits.length + unknownVisits.length);
    const ids = new Set(sql(db, 'SELECT id FROM visit'));
    for (const a of ackedVisits) assert.ok(ids.has(a.id), `acknowledged visit ${a.id} lost`);

    const srv2 = await startServer(db);
    const s = await login(srv2.base);
    await pool(acked, 8, async (a) => {
      const r = await call(s, 'POST', a.path, a.body);
      assert.equal(r.status, 200, `replay of an acknowledged ${a.kind}: ${r.text}`);
      assert.equal(a.kind === 'visit' ? r.json.visit.id : r.json.id, a.id);
    });
    await pool(unknown, 8, async (u) => {
      const r = await call(s, 'POST', u.path, u.body);
      assert.ok(r.status === 201 || r.status === 200, `replay of an unanswered ${u.kind}: ${r.status} ${r.text}`);
    });
    assert.equal(Number(sql(db, 'SELECT count(*) FROM visit')[0]), ackedVisits.length + unknownVisits.length,
      'one visit per uuid');
    const { code } = await stopServer(srv2.child, 'SIGTERM');
    assert.equal(code, 0);
    checkDb(db);
    console.log(`round ${round}: killed after ${killAfter} ms; ${acked.length} acknowledged, ${unknown.length} in flight; ` +
      `${visitsAfterCrash} visits after the crash`);
  });
}
