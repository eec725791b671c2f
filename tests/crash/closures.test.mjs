// Crash test of gate records in a closed area (封闭式管理, issue 15): is every acknowledged
// record durable, is each uuid one record, and do the kept exit counts per household and day
// (closure_exit, which the quota reads) still agree with the records after a SIGKILL?
//
// Each round makes a fresh database; a commander of 社渚镇 closes 社渚村 with 2 exits per
// household every 2 days, adds 40 households from a sheet, issues their passes in a batch,
// opens three gates and puts a gate_guard on each. Each guard records passings with 3 requests
// in flight as fast as the server answers: a random pass (now and then a made-up number), out
// or in, at an instant up to three days back (an offline phone's queue), a temperature now and
// then a fever. At a random moment 150–800 ms after the load started (once at least 20 were
// acknowledged) the server gets SIGKILL. It is started again on the same database and:
//   (a) `fangkong check`: integrity ok and the closure counts agree with a recount;
//   (b) every acknowledged record is there and its replay (same guard, uuid and body) answers
//       200 with the same record;
//   (c) every record whose answer was lost replays as 201 or 200; then one record per uuid;
//   (d) the kept exits per household and day equal a recount of the counted records, and no
//       window of 2 days holds more than 2 counted exits of a household: the verdict was
//       computed inside each writing transaction, one after another;
//   (e) `fangkong check` again after the replays, and after a clean SIGTERM (exit 0).
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
const TOWNSHIP = '320481116'; // 社渚镇
const VILLAGE = '320481116200'; // 社渚村
const GUARDS = 3;
const LANES = 3;
const HOUSEHOLDS = 40;
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 800;
const MIN_ACKED = 20;
const OUT_PER = 2;
const EVERY = 2;

let tmp;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-crash-closures-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function checkDb(db) {
  const out = mustRun(['check', '--db', db]);
  assert.match(out, /integrity: ok/);
  assert.match(out, /closure counts: ok, \d+ agree with a recount/, out);
}

// A multipart body by hand (the crash lib's call() sends text).
async function upload(base, s, path, fields, file) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([Buffer.from(file, 'utf8')]), 'households.csv');
  const res = await fetch(base + path, { method: 'POST', body: fd, headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf } });
  return { status: res.status, text: await res.text() };
}

function randomRecord(numbers, gate) {
  const uuid = randomUUID();
  const number = randomInt(25) === 0 ? '0000000000' : numbers[randomInt(numbers.length)];
  // online records now; offline ones (they carry the phone's verdict) up to 23 hours late,
  // over two calendar days
  const late = randomInt(3) === 0 ? randomInt(23 * 3600) : 0;
  const body = {
    uuid, number, direction: randomInt(3) === 0 ? 'in' : 'out',
    at: new Date(Date.now() - late * 1000).toISOString(),
    ...(randomInt(4) === 0 ? { temperature: randomInt(10) === 0 ? 38.2 : 36.6 } : {}),
    ...(late || randomInt(3) === 0 ? { phone_verdict: randomInt(4) === 0 ? 'red' : 'green' } : {}),
  };
  void gate;
  return { uuid, path: '/api/v1/gate/records', body: JSON.stringify(body) };
}

const localDay = (t) => new Date(t + 8 * 3600e3).toISOString().slice(0, 10);
const dayNum = (s) => Number(s);
/** YYYYMMDD + n days. */
function addDays(d, n) {
  const s = String(d);
  const t = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8))) + n * 86400e3;
  return Number(new Date(t).toISOString().slice(0, 10).replaceAll('-', ''));
}

for (let round = 1; round <= ROUNDS; round++) {
  test(`closures crash round ${round}: SIGKILL loses no acknowledged gate record and keeps the exit counts exact`, { timeout: 240_000 }, async () => {
    const db = newDb(tmp, `g${round}.db`);
    mustRun(['init', '--db', db, '--county', COUNTY]);
    mustRun(['user', 'add', '--db', db, '--username', 'cmd', '--role', 'commander', '--area', TOWNSHIP], `${PASSWORD}\n`);
    const guardNames = Array.from({ length: GUARDS }, (_, i) => `guard${i + 1}`);
    for (const u of guardNames) {
      mustRun(['user', 'add', '--db', db, '--username', u, '--role', 'gate_guard', '--area', TOWNSHIP], `${PASSWORD}\n`);
    }
    const guardIds = guardNames.map((u) => sql(db, `SELECT id FROM app_user WHERE username = '${u}'`)[0]);

    const srv = await startServer(db);
    const cmd = await login(srv.base, 'cmd');
    const made = await call(cmd, 'POST', '/api/v1/closures', JSON.stringify({
      uuid: randomUUID(), area: VILLAGE, from: localDay(Date.now() - 5 * 86400e3),
      rules: { out_per_household: OUT_PER, every_days: EVERY },
    }));
    assert.equal(made.status, 201, made.text);
    const cl = made.json.id;
    let sheet = '户主,地址,人数\n';
    for (let i = 1; i <= HOUSEHOLDS; i++) sheet += `户主${i},社渚村${round}组${i}号,${1 + randomInt(5)}\n`;
    const imp = await upload(srv.base, cmd, `/api/v1/closures/${cl}/households/import`, { uuid: randomUUID() }, sheet);
    assert.equal(imp.status, 200, imp.text);
    const batch = await call(cmd, 'POST', `/api/v1/closures/${cl}/passes/batch`, JSON.stringify({ uuid: randomUUID() }));
    assert.equal(batch.status, 200, batch.text);
    assert.equal(batch.json.issued, HOUSEHOLDS);
    // the passes were issued days ago: a record is never older than its pass
    sql(db, 'UPDATE closure_pass SET issued_at = issued_at - 5 * 86400');
    const numbers = [];
    for (let page = 1; numbers.length < HOUSEHOLDS; page++) {
      const l = await call(cmd, 'GET', `/api/v1/closures/${cl}/passes?page=${page}`);
      assert.equal(l.status, 200, l.text);
      numbers.push(...l.json.items.map((p) => p.number));
      if (!l.json.items.length) break;
    }
    for (let i = 0; i < GUARDS; i++) {
      const g = await call(cmd, 'POST', `/api/v1/closures/${cl}/gates`, JSON.stringify({ uuid: randomUUID(), name: `${i + 1}号门` }));
      assert.equal(g.status, 201, g.text);
      const j = await call(cmd, 'POST', `/api/v1/gates/${g.json.id}/guards`, JSON.stringify({ uuid: randomUUID(), user_id: guardIds[i] }));
      assert.equal(j.status, 200, j.text);
    }

    // ---- load, then SIGKILL ----
    const sessions = await Promise.all(guardNames.map((u) => login(srv.base, u)));
    const acked = [];
    const unknown = [];
    const unexpected = [];
    let stop = false;
    let wakeAcked;
    const enoughAcked = new Promise((r) => { wakeAcked = r; });
    const lane = async (s, user) => {
      while (!stop) {
        const w = { ...randomRecord(numbers), user };
        let res;
        try {
          res = await call(s, 'POST', w.path, w.body);
        } catch {
          unknown.push(w);
          continue;
        }
        if (res.status === 201) {
          acked.push({ ...w, id: res.json.record.id, verdict: res.json.record.verdict });
          if (acked.length >= MIN_ACKED) wakeAcked();
        } else {
          unexpected.push({ status: res.status, text: res.text.slice(0, 300) });
          if (unexpected.length > 20) { stop = true; wakeAcked(); }
        }
      }
    };
    const killAfter = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
    const clients = sessions.flatMap((s, i) => Array.from({ length: LANES }, () => lane(s, guardNames[i])));
    srv.child.exited.then(() => wakeAcked());
    await Promise.all([delay(killAfter), enoughAcked]);
    const { signal } = await stopServer(srv.child, 'SIGKILL');
    await settled(db);
    stop = true;
    await Promise.all(clients);
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(unexpected, [], `answers other than 201 before the kill:\n${srv.problems()}`);
    assert.ok(acked.length >= MIN_ACKED, `only ${acked.length} records acknowledged before the kill`);

    // ---- (a) restart: the database and its kept counts ----
    checkDb(db);
    const afterCrash = Number(sql(db, 'SELECT count(*) FROM gate_record')[0]);
    assert.ok(afterCrash >= acked.length, `${afterCrash} records stored, ${acked.length} acknowledged`);
    assert.ok(afterCrash <= acked.length + unknown.length);

    // ---- (b) every acknowledged record is there, and replays as itself ----
    const srv2 = await startServer(db);
    const by = Object.fromEntries(await Promise.all(guardNames.map(async (u) => [u, await login(srv2.base, u)])));
    await pool(acked, 6, async (a) => {
      assert.equal(sql(db, `SELECT verdict FROM gate_record WHERE id = '${a.id}'`)[0], a.verdict, `acknowledged record ${a.id} lost or changed`);
      const r = await call(by[a.user], 'POST', a.path, a.body);
      assert.equal(r.status, 200, `replay of an acknowledged record: ${r.text}`);
      assert.equal(r.json.record.id, a.id);
      assert.equal(r.json.record.verdict, a.verdict);
    });

    // ---- (c) the lost answers replay; one record per uuid ----
    await pool(unknown, 6, async (u) => {
      const r = await call(by[u.user], 'POST', u.path, u.body);
      assert.ok(r.status === 201 || r.status === 200, `replay of an unanswered record: ${r.status} ${r.text}`);
    });
    const all = [...acked, ...unknown];
    assert.equal(Number(sql(db, 'SELECT count(*) FROM gate_record')[0]), all.length, 'one record per uuid');

    // ---- (d) the kept exits equal a recount, and no window holds more than the quota ----
    const kept = sql(db, 'SELECT household_id || \'|\' || day || \'|\' || n FROM closure_exit WHERE n <> 0 ORDER BY 1');
    const recount = sql(db, 'SELECT household_id || \'|\' || day || \'|\' || count(*) FROM gate_record WHERE counted = 1 GROUP BY household_id, day ORDER BY 1');
    assert.deepEqual(kept, recount, 'kept exits per household and day = a recount of the records');
    const per = new Map();
    for (const line of kept) {
      const [h, d, n] = line.split('|');
      if (!per.has(h)) per.set(h, new Map());
      per.get(h).set(dayNum(d), Number(n));
    }
    for (const [h, days] of per)
      for (const d of days.keys()) {
        const inWindow = (days.get(d) ?? 0) + (days.get(addDays(d, 1)) ?? 0);
        assert.ok(inWindow <= OUT_PER, `household ${h}: ${inWindow} exits in the 2 days from ${d}`);
      }
    const counted = Number(sql(db, 'SELECT count(*) FROM gate_record WHERE counted = 1')[0]);
    const red = Number(sql(db, "SELECT count(*) FROM gate_record WHERE verdict = 'red'")[0]);
    assert.equal(Number(sql(db, "SELECT count(*) FROM gate_record WHERE verdict = 'red' AND counted = 1")[0]), 0, 'a refusal counted');

    // ---- (e) check after the replays and after a clean stop ----
    checkDb(db);
    const { code } = await stopServer(srv2.child, 'SIGTERM');
    assert.equal(code, 0);
    checkDb(db);
    console.log(`round ${round}: killed after ${killAfter} ms; ${acked.length} acknowledged, ${unknown.length} in flight; ` +
      `${afterCrash} records after the crash; ${all.length} in all, ${counted} exits counted, ${red} refused`);
  });
}
