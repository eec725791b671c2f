// Crash test of PostgreSQL itself (issue 13): PostgreSQL stopped at once (SIGQUIT to the
// postmaster, as `pg_ctl stop -m immediate`: every session cut, nothing written that was not
// committed) while clients create grids and read them; then started again on the same data
// dir and port. fangkong is not restarted.
//
// Each round gets its own throwaway cluster (tests/pg/cluster.mjs; the suite's shared one is
// left alone) and a database in it, and starts `fangkong serve` on it. 4 clients (their own
// sessions, 4 requests in flight each) create grids under random villages, each write sent
// again with the same uuid and body until it is acknowledged (a 503 is "try again"), and now
// and then read a grid already acknowledged or the audit list. Once 20 creates were acknowledged, and a random
// 150–800 ms after the load started, PostgreSQL is stopped immediately; once requests have
// answered 503 it is started again, and the load goes on until 20 more creates were
// acknowledged. Then:
//   (a) the same fangkong process served throughout: it is still running, never answered
//       anything but 201/200/503, and read from the database (the audit list) again after
//       the restart;
//   (b) every write was acknowledged in the end, and the database holds each exactly once:
//       one grid per uuid, with the acknowledged code, parent and name, one idempotency key
//       and one audit row each, nothing else; a replay answers 200 with the same code;
//   (c) `fangkong check` passes, and so after a clean SIGTERM (exit 0).
// Every wait is for a condition; the only timer is the random stop moment itself.
//
// PostgreSQL only (crash-pg: FANGKONG_PG set); skipped on SQLite, which has no server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

import { startCluster } from '../pg/cluster.mjs';
import {
  BIN, COUNTY, PASSWORD, PG, call, killAll, login, mustRun, pool, sql, startServer, stopServer, waitFor,
  writeUntilAcked,
} from './lib.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS || 2);
const CLIENTS = 4;
const LANES = 4;
const STOP_MIN_MS = 150;
const STOP_MAX_MS = 800;
const MIN_ACKED = 20; // acknowledged before the stop, and again after the restart
const MIN_BUSY = 4; // 503 answers seen while PostgreSQL is down before it is started again
const SKIP = PG ? false : 'PostgreSQL only (crash-pg): SQLite has no database server to stop';

let cluster;

before(async () => {
  if (SKIP) return;
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
});

after(async () => {
  await killAll();
  if (cluster) await cluster.stop();
});

for (let round = 1; round <= ROUNDS; round++) {
  test(`PostgreSQL stop round ${round}: an immediate stop under concurrent creates loses nothing acknowledged, and the same fangkong serves again`,
    { timeout: 300_000, skip: SKIP }, async (t) => {
      cluster ??= await startCluster();
      const name = `fk_stop_${round}`;
      cluster.psql(`CREATE DATABASE ${name}`);
      const db = cluster.url.replace('/postgres?', `/${name}?`);
      mustRun(['init', '--db', db, '--county', COUNTY]);
      mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
      const villages = sql(db, 'SELECT code FROM area WHERE level = 3 ORDER BY code');
      assert.equal(villages.length, 244);

      const srv = await startServer(db);
      const pid = srv.child.pid;
      const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => login(srv.base)));
      const acked = []; // { uuid, body, parent, name, code, status, tries }
      const failures = []; // anything but 201/200/503, or a write never acknowledged
      const reads = { ok: 0, busy: 0, auditAfterRestart: 0 };
      let busy = 0; // 503 answers to writes and reads
      let phase = 'before'; // before → down → back
      let stop = false;

      const lane = async (s, k) => {
        for (let i = 0; !stop; i++) {
          if (i % 3 === 2 && acked.length) {
            // a grid acknowledged (its name), or the audit list (always read from the database)
            const a = acked[randomInt(acked.length)];
            const audit = randomInt(2) === 0;
            const path = audit ? '/api/v1/audit?limit=5' : `/api/v1/areas/${a.code}`;
            let r;
            try {
              r = await call(s, 'GET', path);
            } catch (e) {
              failures.push(`read ${path}: ${e.cause?.code ?? e.name}`);
              continue;
            }
            if (r.status === 200 && (audit || r.json.name === a.name)) {
              reads.ok++;
              if (phase === 'back' && audit) reads.auditAfterRestart++;
            } else if (r.status === 503) {
              reads.busy++;
              busy++;
            } else {
              failures.push(`read ${path}: ${r.status} ${r.text.slice(0, 200)}`);
            }
            continue;
          }
          const uuid = randomUUID();
          const parent = villages[randomInt(villages.length)];
          const gridName = `网格-${uuid}`;
          const body = JSON.stringify({ uuid, parent, name: gridName, responsible_name: `负责人${k}` });
          try {
            const { res, tries } = await writeUntilAcked(() => s, 'POST', '/api/v1/areas', body,
              { deadlineMs: 180_000, onRetry: (p) => { if (p.status === 503) busy++; } });
            if (tries.some((x) => x !== 503)) failures.push(`create ${uuid}: failed requests ${tries.join(', ')}`);
            acked.push({ uuid, body, parent, name: gridName, code: res.json.code, status: res.status, tries: tries.length });
          } catch (e) {
            failures.push(`create ${uuid}: ${e.message}`);
          }
          if (failures.length > 20) stop = true;
        }
      };

      const started = performance.now();
      const stopAfter = randomInt(STOP_MIN_MS, STOP_MAX_MS + 1);
      const clients = sessions.flatMap((s, k) => Array.from({ length: LANES }, () => lane(s, k)));
      try {
        // ---- load, then PostgreSQL stopped at once ----
        await Promise.all([delay(stopAfter), waitFor(() => acked.length >= MIN_ACKED || stop, `${MIN_ACKED} creates acknowledged`)]);
        assert.deepEqual(failures, [], 'failures before the stop');
        const ackedAtStop = acked.length;
        const stoppedAt = performance.now() - started;
        phase = 'down';
        const busyAtStop = busy;
        const stopping = performance.now();
        await cluster.stopImmediate();
        t.diagnostic(`round ${round}: PostgreSQL stopped in ${(performance.now() - stopping).toFixed(0)} ms`);
        await waitFor(() => busy >= busyAtStop + MIN_BUSY || stop, 'requests answered 503 while PostgreSQL is down');
        const ackedWhileDown = acked.length - ackedAtStop;

        // ---- started again: the same process serves again ----
        const downFor = performance.now();
        await cluster.restart();
        t.diagnostic(`round ${round}: PostgreSQL started again in ${(performance.now() - downFor).toFixed(0)} ms`);
        phase = 'back';
        const ackedAtRestart = acked.length;
        await waitFor(() => acked.length >= ackedAtRestart + MIN_ACKED || stop, `${MIN_ACKED} creates acknowledged after the restart`);
        await waitFor(() => reads.auditAfterRestart > 0 || stop, 'a read of the database answered after the restart');
        stop = true;
        await Promise.all(clients);
        t.diagnostic(`round ${round}: stopped ${stoppedAt.toFixed(0)} ms after the start (planned ${stopAfter} ms) with ` +
          `${ackedAtStop} acknowledged; ${ackedWhileDown} answered while it went down; ${busy} answers 503 ` +
          `(${reads.busy} of them reads); ${acked.length} acknowledged in all, ${acked.filter((a) => a.tries).length} after retries ` +
          `(${acked.filter((a) => a.tries && a.status === 200).length} of those found committed: 200)`);
      } finally {
        stop = true;
        if (!cluster.running()) await cluster.restart(); // the clients' retries end
        await Promise.all(clients);
      }

      if (failures.length) t.diagnostic(`PostgreSQL's log (tail):\n${cluster.log().slice(-3000)}`);
      // ---- (a) one process throughout, only 201/200/503 ----
      assert.deepEqual(failures, [], `answers other than 201/200/503:\n${srv.problems()}`);
      assert.equal(srv.child.exitCode, null, `fangkong exited:\n${srv.log().slice(-3000)}`);
      assert.equal(srv.child.signalCode, null);
      assert.equal(srv.child.pid, pid);
      assert.ok(busy >= MIN_BUSY);

      // ---- (b) every write once, whole ----
      const s = sessions[0];
      const codes = new Set(acked.map((a) => a.code));
      assert.equal(codes.size, acked.length, 'two writes acknowledged with one code');
      const rows = new Map(sql(db, 'SELECT code, parent, name FROM area WHERE official = 0')
        .map((l) => l.split('|')).map(([code, parent, n]) => [code, { parent, name: n }]));
      assert.equal(rows.size, acked.length, 'grids in the database ≠ writes acknowledged');
      for (const a of acked) {
        const row = rows.get(a.code);
        assert.ok(row, `acknowledged grid ${a.code} (${a.uuid}) lost`);
        assert.equal(row.name, a.name);
        assert.equal(row.parent, a.parent);
        assert.match(a.code, new RegExp(`^${a.parent}\\d{3}$`));
      }
      const keys = new Map(sql(db, "SELECT uuid, object_id FROM idempotency WHERE kind = 'area'").map((l) => l.split('|')));
      assert.equal(keys.size, acked.length, 'idempotency keys ≠ writes acknowledged');
      for (const a of acked) assert.equal(keys.get(a.uuid), a.code, `the idempotency key of ${a.uuid}`);
      assert.deepEqual(sql(db, `SELECT object_id, count(*) FROM audit WHERE action = 'area.create'
        GROUP BY object_id HAVING count(*) <> 1`), [], 'a grid with more than one audit row');
      assert.deepEqual(sql(db, "SELECT count(*) FROM audit WHERE action = 'area.create'"), [String(acked.length)]);
      assert.deepEqual(sql(db, 'SELECT parent, name FROM area GROUP BY parent, name HAVING count(*) > 1'), []);
      await pool(acked, 8, async (a) => {
        const r = await call(s, 'POST', '/api/v1/areas', a.body);
        assert.equal(r.status, 200, `replay of ${a.uuid}: ${r.text}`);
        assert.equal(r.json.code, a.code, `replay of ${a.uuid} changed its code`);
      });
      assert.deepEqual(sql(db, "SELECT count(*) FROM area WHERE official = 0"), [String(acked.length)], 'a replay created a grid');

      // ---- (c) check, while it runs and after a clean stop ----
      mustRun(['check', '--db', db]);
      const { code } = await stopServer(srv.child, 'SIGTERM');
      assert.equal(code, 0, `fangkong should stop cleanly on SIGTERM:\n${srv.log().slice(-3000)}`);
      mustRun(['check', '--db', db]);
    });
}
