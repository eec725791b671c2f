// Crash test of the duty log (值班日志, issue 15): is every acknowledged entry durable with
// its events, is each uuid one entry, and does an acknowledged hand-on survive a SIGKILL?
//
// Each round makes a fresh database; a commander of 社渚镇 (a duty manager, who may log at
// any post in scope) keeps the log of the township's post and of three of its villages with
// 3 requests in flight per post as fast as the server answers: each lane logs a call
// (POST /duty/posts/{post}/log) and hands it on (POST /duty/log/{id}/hand). At a random moment
// 150–800 ms after the load started (once at least 20 entries were acknowledged) the server
// gets SIGKILL. It is started again on the same database and the test checks:
//   (a) `fangkong check`: integrity ok;
//   (b) every acknowledged entry is there with its "created" event, and every acknowledged
//       hand-on left it handed with its "handed" event; a replay (same uuid and body) of
//       either answers 200 with the same id and writes nothing;
//   (c) every write whose answer was lost replays as 2xx, and the database then holds exactly
//       one entry per uuid, each with exactly one "created" event;
//   (d) `fangkong check` again after a clean SIGTERM (exit 0).
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
const POSTS = [TOWNSHIP, '320481116200', '320481116201', '320481116202'];
const LANES = 3;
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 800;
const MIN_ACKED = 20;
const KINDS = ['call', 'report', 'visit', 'other'];

let tmp;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-crash-duty-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function checkDb(db) {
  const out = mustRun(['check', '--db', db]);
  assert.match(out, /integrity: ok/);
}

function entryBody(post) {
  const uuid = randomUUID();
  const body = {
    uuid, at: new Date(Date.now() - 1000).toISOString(), kind: KINDS[randomInt(KINDS.length)],
    from_name: `来电${randomInt(1000)}`, from_contact: `139${String(randomInt(1e8)).padStart(8, '0')}`,
    content: `有人从武汉回来${randomInt(1e6)}`, action: '已记录',
  };
  return { uuid, path: `/api/v1/duty/posts/${post}/log`, body: JSON.stringify(body) };
}

function handBody(id) {
  const uuid = randomUUID();
  return { uuid, path: `/api/v1/duty/log/${id}/hand`, body: JSON.stringify({ uuid, to: '村委会', note: '请核实' }) };
}

for (let round = 1; round <= ROUNDS; round++) {
  test(`duty log crash round ${round}: SIGKILL loses no acknowledged entry or hand-on`, { timeout: 240_000 }, async () => {
    const db = newDb(tmp, `d${round}.db`);
    mustRun(['init', '--db', db, '--county', COUNTY]);
    mustRun(['user', 'add', '--db', db, '--username', 'cmd', '--role', 'commander', '--area', TOWNSHIP], `${PASSWORD}\n`);

    const srv = await startServer(db);
    const cmd = await login(srv.base, 'cmd');
    const created = []; // acknowledged entries { uuid, path, body, id }
    const handed = []; // acknowledged hand-ons { uuid, path, body, id }
    const unknown = []; // writes whose answer was lost
    const unexpected = [];
    let stop = false;
    let wakeAcked;
    const enoughAcked = new Promise((r) => { wakeAcked = r; });
    const lane = async (post) => {
      while (!stop) {
        const w = entryBody(post);
        let res;
        try {
          res = await call(cmd, 'POST', w.path, w.body);
        } catch {
          unknown.push(w);
          continue;
        }
        if (res.status !== 201) {
          unexpected.push({ status: res.status, text: res.text.slice(0, 300) });
          if (unexpected.length > 20) { stop = true; wakeAcked(); }
          continue;
        }
        created.push({ ...w, id: res.json.id });
        if (created.length >= MIN_ACKED) wakeAcked();
        const h = { ...handBody(res.json.id), id: res.json.id };
        try {
          res = await call(cmd, 'POST', h.path, h.body);
        } catch {
          unknown.push(h);
          continue;
        }
        if (res.status === 200) handed.push(h);
        else unexpected.push({ status: res.status, text: res.text.slice(0, 300) });
      }
    };
    const killAfter = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
    const clients = POSTS.flatMap((p) => Array.from({ length: LANES }, () => lane(p)));
    srv.child.exited.then(() => wakeAcked());
    await Promise.all([delay(killAfter), enoughAcked]);
    const { signal } = await stopServer(srv.child, 'SIGKILL');
    await settled(db);
    stop = true;
    await Promise.all(clients);
    assert.equal(signal, 'SIGKILL');
    assert.deepEqual(unexpected, [], `answers other than 2xx before the kill:\n${srv.problems()}`);
    assert.ok(created.length >= MIN_ACKED, `only ${created.length} entries acknowledged before the kill`);

    // ---- (a) restart ----
    checkDb(db);
    const afterCrash = Number(sql(db, 'SELECT count(*) FROM duty_log')[0]);
    assert.ok(afterCrash >= created.length, `${afterCrash} entries stored, ${created.length} acknowledged`);

    // ---- (b) every acknowledged write is there and replays as itself ----
    const srv2 = await startServer(db);
    const cmd2 = await login(srv2.base, 'cmd');
    const events = (id, what) => Number(sql(db, `SELECT count(*) FROM duty_log_event WHERE log_id = '${id}' AND what = '${what}'`)[0]);
    await pool(created, 6, async (a) => {
      assert.equal(events(a.id, 'created'), 1, `acknowledged entry ${a.id} lost or doubled`);
      const r = await call(cmd2, 'POST', a.path, a.body);
      assert.equal(r.status, 200, `replay of an acknowledged entry: ${r.text}`);
      assert.equal(r.json.id, a.id);
    });
    await pool(handed, 6, async (h) => {
      assert.equal(sql(db, `SELECT state FROM duty_log WHERE id = '${h.id}'`)[0], 'handed', `acknowledged hand-on of ${h.id} lost`);
      assert.equal(events(h.id, 'handed'), 1);
      const r = await call(cmd2, 'POST', h.path, h.body);
      assert.equal(r.status, 200, `replay of an acknowledged hand-on: ${r.text}`);
      assert.equal(r.json.id, h.id);
      assert.equal(events(h.id, 'handed'), 1, 'a replay handed it on again');
    });

    // ---- (c) the lost answers replay; one entry per uuid ----
    await pool(unknown, 6, async (u) => {
      const r = await call(cmd2, 'POST', u.path, u.body);
      assert.ok(r.status === 201 || r.status === 200, `replay of an unanswered write: ${r.status} ${r.text}`);
    });
    const uuids = new Set([...created, ...unknown.filter((u) => u.path.endsWith('/log'))].map((w) => w.uuid));
    assert.equal(Number(sql(db, 'SELECT count(*) FROM duty_log')[0]), uuids.size, 'one entry per uuid');
    assert.equal(Number(sql(db, "SELECT count(*) FROM duty_log_event WHERE what = 'created'")[0]), uuids.size,
      'one created event per entry');
    assert.equal(Number(sql(db, "SELECT count(*) FROM duty_log l WHERE l.state = 'handed' AND NOT EXISTS" +
      " (SELECT 1 FROM duty_log_event e WHERE e.log_id = l.id AND e.what = 'handed')")[0]), 0, 'handed without its event');

    // ---- (d) check after a clean stop ----
    const { code } = await stopServer(srv2.child, 'SIGTERM');
    assert.equal(code, 0);
    checkDb(db);
    console.log(`round ${round}: killed after ${killAfter} ms; ${created.length} entries and ${handed.length} hand-ons ` +
      `acknowledged, ${unknown.length} in flight; ${afterCrash} entries after the crash, ${uuids.size} after the replays`);
  });
}
