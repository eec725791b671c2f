// Crash test: is every acknowledged create durable, and is every create all-or-nothing?
//
// Each round makes a fresh database (init + an admin account), starts `fangkong serve`, and
// lets 4 clients (each with its own session, each keeping 4 requests going over several
// sockets) create grids under random villages as fast as they can. At a random moment 150–800 ms after the clients started — and only once some
// creates were acknowledged — the server gets SIGKILL. The clients go on until it is dead;
// requests in flight then fail and their uuids are "unknown". The server is started again on the same database and the test checks:
//   (a) `fangkong check` (PRAGMA integrity_check on SQLite, the recounts on both) is ok;
//   (b) every acknowledged grid (201/200) exists with the same code, parent and name, and
//       replaying its uuid + body answers 200 with the same code;
//   (c) every unknown grid exists fully or not at all: its replay answers 201 or 200 (never
//       409/500), a 200 only when it was in the database already, and the database holds
//       exactly the acknowledged grids plus the unknown ones that answer 200 — each with its
//       idempotency key and its audit row;
//   (d) no two grids under one parent share a name, and codes are parent + 3 digits.
// At the end of a round the server is stopped with SIGTERM (it must exit 0) and checked once
// more. Every wait is for a condition; the only timer is the random kill moment itself.
//
// Needs build/fangkong (or FANGKONG_BIN), the division list in web/node_modules (npm ci in
// web/, or FANGKONG_DIVISIONS) and the sqlite3 command. Run: node --test tests/crash/
// On PostgreSQL (crash-pg: node tests/pg/with-cluster.mjs node --test tests/crash/) each round
// gets a fresh database in the cluster, and the restart waits until PostgreSQL has ended the
// killed server's sessions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import {
  BIN, COUNTY, PASSWORD, PG, call, killAll, login, mustRun, newDb, pool, run, settled, sql, startServer, stopServer,
} from './lib.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS || 5);
const CLIENTS = 4;
const LANES = 4; // requests each client keeps going at once (its own session, several sockets)
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 800;
const MIN_ACKED = 20; // kill only once at least this many creates were acknowledged

let tmp;
let villages;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  if (!PG) assert.equal(spawnSync('sqlite3', ['-version']).status, 0, 'the sqlite3 command is needed (scripts/deps.sh installs it)');
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-crash-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

for (let round = 1; round <= ROUNDS; round++) {
  test(`crash round ${round}: SIGKILL under concurrent creates loses no acknowledged grid`, { timeout: 180_000 }, async (t) => {
    const db = newDb(tmp, `r${round}.db`);
    mustRun(['init', '--db', db, '--county', COUNTY]);
    mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
    villages ??= sql(db, 'SELECT code FROM area WHERE level = 3 ORDER BY code');
    assert.equal(villages.length, 244, '溧阳市 should have 244 villages');

    // ---- load, then SIGKILL ----
    const srv = await startServer(db);
    const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => login(srv.base)));
    const acked = []; // { uuid, body, parent, name, code, status }
    const unknown = []; // { uuid, body, parent, name, error }
    const unexpected = []; // answers other than 201/200 before the kill
    let stop = false;
    let killSent = false;
    let wakeAcked;
    const enoughAcked = new Promise((r) => { wakeAcked = r; });

    const lane = async (s, k) => {
      while (!stop) {
        const uuid = randomUUID();
        const parent = villages[randomInt(villages.length)];
        const name = `网格-${uuid}`;
        const body = JSON.stringify({ uuid, parent, name, responsible_name: `负责人${k}` });
        let res;
        try {
          res = await call(s, 'POST', '/api/v1/areas', body);
        } catch (e) {
          // Only the kill may break a request.
          unknown.push({ uuid, body, parent, name, error: e.cause?.code ?? e.name, beforeKill: !killSent });
          continue;
        }
        if ((res.status === 201 || res.status === 200) && res.json?.code) {
          acked.push({ uuid, body, parent, name, code: res.json.code, status: res.status });
          if (acked.length >= MIN_ACKED) wakeAcked();
        } else {
          unexpected.push({ uuid, status: res.status, text: res.text.slice(0, 300) });
          if (unexpected.length > 20) { stop = true; wakeAcked(); } // no use going on
        }
      }
    };
    const killAfter = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
    const started = performance.now();
    const clients = sessions.flatMap((s, k) => Array.from({ length: LANES }, () => lane(s, k)));
    const ackTimeout = setTimeout(() => wakeAcked('timeout'), 60_000);
    srv.child.exited.then(() => wakeAcked('exited'));
    const [, why] = await Promise.all([delay(killAfter), enoughAcked]);
    clearTimeout(ackTimeout);
    if (why) stop = true;
    assert.notEqual(why, 'exited', `the server exited by itself under load:\n${srv.log()}`);
    assert.notEqual(why, 'timeout', `fewer than ${MIN_ACKED} creates acknowledged in 60 s:\n${srv.log()}`);
    const killedAt = performance.now() - started;
    const ackedAtKill = acked.length;
    killSent = true;
    // The clients go on until the server is dead, so that requests are in flight when it dies.
    const { signal } = await stopServer(srv.child, 'SIGKILL');
    await settled(db); // on PostgreSQL: its sessions ended, what they committed is final
    stop = true;
    assert.equal(signal, 'SIGKILL', 'the server should die of SIGKILL');
    await Promise.all(clients);
    assert.deepEqual(unexpected, [], `only 201/200 answers expected before the kill:\n${srv.problems()}`);
    assert.deepEqual(unknown.filter((u) => u.beforeKill), [], 'requests failed before the kill');
    // ECONNREFUSED: sent after the server had died, so surely not committed (checked anyway).
    const refused = unknown.filter((u) => u.error === 'ECONNREFUSED').length;
    const summary = `round ${round}: acknowledged ${acked.length}, in flight ${unknown.length - refused}` +
      ` (+ ${refused} refused after the death)` +
      `; killed ${killedAt.toFixed(0)} ms after the start (planned ${killAfter} ms), ${ackedAtKill} acknowledged when SIGKILL was sent`;
    t.diagnostic(summary);

    // ---- restart on the same database ----
    const srv2 = await startServer(db);
    try {
      // (a) integrity, while the restarted server runs.
      const chk = run(['check', '--db', db]);
      assert.equal(chk.status, 0, `fangkong check failed after the crash:\n${chk.out}`);

      const gridsAfterCrash = new Set(sql(db, "SELECT code FROM area WHERE official = 0"));
      const s = await login(srv2.base);

      // (b) acknowledged: readable as acknowledged, and the replay answers 200 with the same code.
      const ackCodes = new Set();
      await pool(acked, 8, async (a) => {
        assert.match(a.code, new RegExp(`^${a.parent}\\d{3}$`), `code of ${a.uuid}`);
        assert.ok(!ackCodes.has(a.code), `two acknowledged creates got the code ${a.code}`);
        ackCodes.add(a.code);
        const g = await call(s, 'GET', `/api/v1/areas/${a.code}`);
        assert.equal(g.status, 200, `acknowledged grid ${a.code} (${a.uuid}) lost: ${g.text}`);
        assert.equal(g.json.name, a.name, `name of ${a.code}`);
        assert.equal(g.json.parent, a.parent, `parent of ${a.code}`);
        assert.equal(g.json.level, 'grid');
        const r = await call(s, 'POST', '/api/v1/areas', a.body);
        assert.equal(r.status, 200, `replay of acknowledged ${a.uuid}: ${r.text}`);
        assert.equal(r.json.code, a.code, `replay of ${a.uuid} changed its code`);
      });

      // (c) unknown: all or nothing. A 200 replay means it was committed before the crash.
      const outcome = { 200: 0, 201: 0 };
      await pool(unknown, 8, async (u) => {
        const r = await call(s, 'POST', '/api/v1/areas', u.body);
        assert.ok(r.status === 201 || r.status === 200, `replay of in-flight ${u.uuid} answered ${r.status}: ${r.text}`);
        outcome[r.status]++;
        assert.match(r.json.code, new RegExp(`^${u.parent}\\d{3}$`));
        assert.equal(r.json.name, u.name);
        assert.equal(gridsAfterCrash.has(r.json.code), r.status === 200,
          `in-flight ${u.uuid}: replay ${r.status} but the grid ${r.json.code} ${gridsAfterCrash.has(r.json.code) ? 'was' : 'was not'} there after the crash`);
        const g = await call(s, 'GET', `/api/v1/areas/${r.json.code}`);
        assert.equal(g.status, 200);
        assert.equal(g.json.name, u.name);
      });
      // Nothing else appeared: the grids after the crash are the acknowledged ones plus the
      // committed in-flight ones.
      assert.equal(gridsAfterCrash.size, acked.length + outcome[200],
        'grids in the database after the crash ≠ acknowledged + committed in-flight');
      for (const code of ackCodes) assert.ok(gridsAfterCrash.has(code));

      // Each grid is whole: its idempotency key and its audit row came with it (and no key or
      // audit row without its grid).
      assert.deepEqual(sql(db, `SELECT code FROM area a WHERE official = 0 AND NOT EXISTS
        (SELECT 1 FROM idempotency i WHERE i.kind = 'area' AND i.object_id = a.code)`), [], 'grid without idempotency key');
      assert.deepEqual(sql(db, `SELECT code FROM area a WHERE official = 0 AND NOT EXISTS
        (SELECT 1 FROM audit u WHERE u.action = 'area.create' AND u.object_id = a.code)`), [], 'grid without audit row');
      assert.deepEqual(sql(db, `SELECT uuid FROM idempotency i WHERE kind = 'area' AND NOT EXISTS
        (SELECT 1 FROM area a WHERE a.code = i.object_id)`), [], 'idempotency key without grid');
      assert.deepEqual(sql(db, `SELECT object_id FROM audit u WHERE action = 'area.create' AND NOT EXISTS
        (SELECT 1 FROM area a WHERE a.code = u.object_id)`), [], 'audit row without grid');
      const total = acked.length + unknown.length;
      assert.deepEqual(sql(db, "SELECT count(*) FROM area WHERE official = 0"), [String(total)]);
      assert.deepEqual(sql(db, "SELECT count(*) FROM idempotency WHERE kind = 'area'"), [String(total)]);

      // (d) no duplicate names under a parent, every grid code = parent + 3 digits.
      assert.deepEqual(sql(db, `SELECT parent, name, count(*) FROM area GROUP BY parent, name HAVING count(*) > 1`), [],
        'duplicate names under one parent');
      assert.deepEqual(sql(db, `SELECT code FROM area WHERE official = 0 AND
        (length(code) <> length(parent) + 3 OR substr(code, 1, length(parent)) <> parent)`), []);
      // …and the same seen through the API, for every village that got grids.
      const parents = [...new Set([...acked, ...unknown].map((x) => x.parent))];
      await pool(parents, 8, async (p) => {
        const g = await call(s, 'GET', `/api/v1/areas/${p}`);
        assert.equal(g.status, 200);
        const names = g.json.children.map((c) => c.name);
        assert.equal(new Set(names).size, names.length, `duplicate child names under ${p}`);
      });

      const more = `round ${round}: in flight → replay 200 (committed before the kill) ${outcome[200]}, 201 (not committed) ${outcome[201]}`;
      t.diagnostic(more);
    } catch (e) {
      e.message += `\n--- restarted server log (tail) ---\n${srv2.log().slice(-4000)}`;
      throw e;
    } finally {
      var stopped = await stopServer(srv2.child, 'SIGTERM'); // eslint-disable-line no-var
    }
    assert.equal(stopped.code, 0, `the server should stop cleanly on SIGTERM:\n${srv2.log().slice(-4000)}`);
    const chk = run(['check', '--db', db]);
    assert.equal(chk.status, 0, `fangkong check failed after the clean stop:\n${chk.out}`);
  });
}
