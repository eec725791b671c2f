// Two `fangkong serve` processes on one PostgreSQL database (issue 13), as two servers behind
// a load balancer: one is killed with SIGKILL mid-run, and every acknowledged write must be
// there exactly once.
//
// Each round makes a fresh database and starts servers A and B on it (the same --data-dir).
// 6 clients log in, alternately on A and on B, and each keeps 2 requests going, every one sent
// to A or B at random with the client's one session (a login on one server is valid on the
// other): creates of grids under random villages and of persons, each with its own uuid, and
// reads of what was acknowledged, by either server. Once 20 writes were acknowledged, and a
// random 150–800 ms after the load started, A gets SIGKILL; the writes it had not answered
// are sent again, same uuid and body, to B, and the load goes on on B (also for the clients
// that logged in on A) until 20 more writes were acknowledged there. Then, once PostgreSQL has
// ended A's sessions:
//   (a) no answer but 201/200 (and 503, tried again), no failed request but to A after its
//       kill, no read that missed an acknowledged write;
//   (b) the database holds every write exactly once: one grid or person per uuid with the
//       acknowledged id, code, parent and name, one idempotency key and one audit row each,
//       and nothing else; a replay to B answers 200 with the same id;
//   (c) `fangkong check --db URL` passes, and B stops cleanly on SIGTERM (exit 0).
// Every wait is for a condition; the only timer is the random kill moment itself.
//
// PostgreSQL only (crash-pg): two processes on one SQLite file are not a supported deployment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import {
  BIN, COUNTY, PASSWORD, PG, call, killAll, login, mustRun, newDb, pool, settled, sql, startServer, stopServer,
  waitFor, writeUntilAcked,
} from './lib.mjs';

const ROUNDS = Number(process.env.CRASH_ROUNDS || 2);
const CLIENTS = 6;
const LANES = 2;
const KILL_MIN_MS = 150;
const KILL_MAX_MS = 800;
const MIN_ACKED = 20; // acknowledged before the kill, and again on B after it
const SKIP = PG ? false : 'PostgreSQL only (crash-pg): two processes on one SQLite file are not a supported deployment';

let tmp;

before(() => {
  if (SKIP) return;
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-two-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

for (let round = 1; round <= ROUNDS; round++) {
  test(`two processes round ${round}: SIGKILL of one of two servers on one database loses and doubles nothing acknowledged`,
    { timeout: 300_000, skip: SKIP }, async (t) => {
      const db = newDb(tmp, `two${round}.db`);
      mustRun(['init', '--db', db, '--county', COUNTY]);
      mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
      const villages = sql(db, 'SELECT code FROM area WHERE level = 3 ORDER BY code');
      assert.equal(villages.length, 244);

      const A = await startServer(db, [], { app: 'fk_a' });
      const B = await startServer(db, [], { app: 'fk_b' });
      const name = (srv) => (srv === A ? 'A' : 'B');
      let killed = false;
      const alive = () => (killed ? [B] : [A, B]);
      const any = () => alive()[randomInt(alive().length)];
      // a client: its session (cookie, CSRF token) from a login on A or B, used on both
      const clients = await Promise.all(Array.from({ length: CLIENTS }, async (_, k) => {
        const home = k % 2 ? B : A;
        const s = await login(home.base);
        return { k, home, cookie: s.cookie, csrf: s.csrf };
      }));
      const on = (c, srv) => ({ base: srv.base, cookie: c.cookie, csrf: c.csrf });

      const acked = []; // { kind, uuid, body, path, id, name, parent, by, home, status, tries }
      const failures = [];
      const stats = { reads: 0, crossReads: 0, crossSessions: 0, busy: 0, retriedOnB: 0 };
      let stop = false;

      const read = async (c) => {
        const a = acked[randomInt(acked.length)];
        const srv = any();
        const path = a.kind === 'grid' ? `/api/v1/areas/${a.id}` : `/api/v1/persons/${a.id}`;
        let r;
        try {
          r = await call(on(c, srv), 'GET', path);
        } catch (e) {
          if (!(killed && srv === A)) failures.push(`read ${path} on ${name(srv)}: ${e.cause?.code ?? e.name}`);
          return;
        }
        if (r.status === 503) {
          stats.busy++;
        } else if (r.status !== 200 || r.json.name !== a.name) {
          failures.push(`read on ${name(srv)} of a ${a.kind} acknowledged by ${a.by}: ${r.status} ${r.text.slice(0, 200)}`);
        } else {
          stats.reads++;
          if (name(srv) !== a.by) stats.crossReads++;
          if (srv !== c.home) stats.crossSessions++;
        }
      };

      const write = async (c) => {
        const uuid = randomUUID();
        const parent = villages[randomInt(villages.length)];
        const grid = randomInt(2) === 0;
        const objName = grid ? `网格-${uuid}` : `两进程-${uuid}`;
        const path = grid ? '/api/v1/areas' : '/api/v1/persons';
        const body = JSON.stringify(grid
          ? { uuid, parent, name: objName, responsible_name: `负责人${c.k}` }
          : { uuid, name: objName, area: parent, address: `${randomInt(100)}号` });
        let srv;
        let pickedAfterKill = false;
        const pick = () => {
          srv = any();
          pickedAfterKill = killed;
          return on(c, srv);
        };
        let lostOnA = false;
        const onRetry = (p) => {
          if (p.error && p.base === A.base) lostOnA = true;
          if (p.status === 503) stats.busy++;
          else if (!(killed && p.base === A.base)) failures.push(`${path} ${uuid} on ${p.base}: ${p.error}`);
        };
        try {
          const { res, tries } = await writeUntilAcked(pick, 'POST', path, body, { onRetry });
          if (lostOnA) stats.retriedOnB++;
          acked.push({
            kind: grid ? 'grid' : 'person', uuid, body, path, id: grid ? res.json.code : res.json.id, name: objName,
            parent, by: name(srv), home: name(c.home), status: res.status, tries: tries.length, pickedAfterKill,
          });
        } catch (e) {
          failures.push(`${path} ${uuid}: ${e.message}`);
        }
      };

      const lane = async (c) => {
        for (let i = 0; !stop; i++) {
          if (i % 3 === 2 && acked.length) await read(c);
          else await write(c);
          if (failures.length > 20) stop = true;
        }
      };

      const started = performance.now();
      const killAfter = randomInt(KILL_MIN_MS, KILL_MAX_MS + 1);
      const lanes = clients.flatMap((c) => Array.from({ length: LANES }, () => lane(c)));
      let ackedAtKill = 0;
      try {
        await Promise.all([delay(killAfter), waitFor(() => acked.length >= MIN_ACKED || stop, `${MIN_ACKED} writes acknowledged`)]);
        assert.deepEqual(failures, [], `failures before the kill:\nA: ${A.problems()}\nB: ${B.problems()}`);
        ackedAtKill = acked.length;
        killed = true;
        const { signal } = await stopServer(A.child, 'SIGKILL');
        assert.equal(signal, 'SIGKILL');
        t.diagnostic(`round ${round}: A killed ${(performance.now() - started).toFixed(0)} ms after the start ` +
          `(planned ${killAfter} ms), ${ackedAtKill} writes acknowledged by then`);
        await waitFor(() => acked.length >= ackedAtKill + MIN_ACKED || stop, `${MIN_ACKED} writes acknowledged by B after the kill`);
        // a new login on the survivor, and the sessions of A's logins go on on B
        await login(B.base);
        stop = true;
        await Promise.all(lanes);
      } finally {
        stop = true;
        await Promise.all(lanes);
      }
      await settled(db, 'fk_a'); // PostgreSQL has ended A's sessions: what they committed is final

      // ---- (a) only the answers expected ----
      assert.deepEqual(failures, [], `failures:\nB: ${B.problems()}`);
      assert.equal(B.child.exitCode, null, `B exited:\n${B.log().slice(-3000)}`);
      const fromA = clients.filter((c) => c.home === A).map((c) => c.k);
      const afterKill = acked.slice(ackedAtKill);
      // A's last answers, written to their sockets before it died, may be read after the
      // kill: what was sent after it went to B
      assert.ok(afterKill.every((a) => a.by === 'B' || !a.pickedAfterKill), 'a write sent after the kill answered by A');
      assert.ok(afterKill.some((a) => a.home === 'A'), 'a client that logged in on A wrote on B after the kill');
      assert.ok(stats.crossReads > 0, 'reads of one server\'s writes on the other');
      t.diagnostic(`round ${round}: ${acked.length} writes acknowledged (${acked.filter((a) => a.by === 'A').length} by A, ` +
        `${acked.filter((a) => a.by === 'B').length} by B; ${stats.retriedOnB} unanswered by A sent again to B, ` +
        `${acked.filter((a) => a.tries && a.status === 200).length} of the retried found committed: 200); ${stats.reads} reads ` +
        `(${stats.crossReads} of the other server's writes, ${stats.crossSessions} with a session of the other server); ` +
        `${stats.busy} answers 503; clients ${fromA.join(',')} logged in on A`);

      // ---- (b) every write once, whole ----
      const grids = acked.filter((a) => a.kind === 'grid');
      const persons = acked.filter((a) => a.kind === 'person');
      const gridRows = new Map(sql(db, 'SELECT code, parent, name FROM area WHERE official = 0')
        .map((l) => l.split('|')).map(([code, parent, n]) => [code, { parent, name: n }]));
      assert.equal(gridRows.size, grids.length, 'grids in the database ≠ grids acknowledged');
      for (const g of grids) {
        const row = gridRows.get(g.id);
        assert.ok(row, `acknowledged grid ${g.id} (${g.uuid}, by ${g.by}) lost`);
        assert.equal(row.name, g.name);
        assert.equal(row.parent, g.parent);
        assert.match(g.id, new RegExp(`^${g.parent}\\d{3}$`));
      }
      assert.deepEqual(sql(db, 'SELECT parent, name FROM area GROUP BY parent, name HAVING count(*) > 1'), [], 'a name twice under one parent');
      const personRows = new Map(sql(db, "SELECT id, name, area_code FROM person WHERE name LIKE '两进程-%'")
        .map((l) => l.split('|')).map(([id, n, area]) => [id, { name: n, area }]));
      assert.equal(personRows.size, persons.length, 'persons in the database ≠ persons acknowledged');
      for (const p of persons) {
        const row = personRows.get(p.id);
        assert.ok(row, `acknowledged person ${p.id} (${p.uuid}, by ${p.by}) lost`);
        assert.equal(row.name, p.name);
        assert.equal(row.area, p.parent);
      }
      const keys = new Map(sql(db, "SELECT uuid, kind || ':' || object_id FROM idempotency WHERE kind IN ('area', 'person')")
        .map((l) => l.split('|')));
      assert.equal(keys.size, acked.length, 'idempotency keys ≠ writes acknowledged');
      for (const a of acked) {
        assert.equal(keys.get(a.uuid), `${a.kind === 'grid' ? 'area' : 'person'}:${a.id}`, `the idempotency key of ${a.uuid}`);
      }
      assert.deepEqual(sql(db, `SELECT action, object_id, count(*) FROM audit WHERE action IN ('area.create', 'person.create')
        GROUP BY action, object_id HAVING count(*) <> 1`), [], 'an object with more than one audit row');
      assert.deepEqual(sql(db, "SELECT count(*) FROM audit WHERE action = 'area.create'"), [String(grids.length)]);
      assert.deepEqual(sql(db, "SELECT count(*) FROM audit WHERE action = 'person.create'"), [String(persons.length)]);
      const s = on(clients[0], B); // a session of A's, on B
      await pool(acked, 8, async (a) => {
        const r = await call(s, 'POST', a.path, a.body);
        assert.equal(r.status, 200, `replay on B of ${a.kind} ${a.uuid} (acknowledged by ${a.by}): ${r.text}`);
        assert.equal(a.kind === 'grid' ? r.json.code : r.json.id, a.id, `replay of ${a.uuid} changed its id`);
      });
      assert.deepEqual(sql(db, "SELECT count(*) FROM idempotency WHERE kind IN ('area', 'person')"), [String(acked.length)],
        'a replay made a new key');

      // ---- (c) check, and a clean stop of B ----
      mustRun(['check', '--db', db]);
      const { code } = await stopServer(B.child, 'SIGTERM');
      assert.equal(code, 0, `B should stop cleanly on SIGTERM:\n${B.log().slice(-3000)}`);
      mustRun(['check', '--db', db]);
    });
}
