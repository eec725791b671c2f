// Crash test of the retention job (PIPL, issue 16): a run over a few thousand expired files
// is killed (SIGKILL of the server) in the middle; the server is started again and run
// again. The final state must equal that of an uninterrupted run on a twin database:
// every file anonymised once (its name, ID number, phone, address, birth, notes, timeline
// text and audit before/after), the batches' counts adding up to the files (no batch
// counted twice, none lost), and a third run finding nothing.
//
// Two databases get the same files, written by SQL (the fixture is not what is tested):
// FILES persons of 社渚村 with an ID number, a phone, an address, a task closed 40 days
// ago with a note, a timeline event with text and an audit row naming them. Twin B is run
// by `fangkong retention` uninterrupted; A by POST /api/v1/retention/run, killed once some
// batches committed and before the last, then run again after a restart an hour later:
// the killed run, which stopped beating, is marked "stopped" by the next.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BIN, COUNTY, PASSWORD, call, run, killAll, login, mustRun, newDb, settled, sql, startServer, stopServer, waitFor,
} from './lib.mjs';

const FILES = Number(process.env.RETENTION_FILES || 6000);
const VILLAGE = '320481116200'; // 社渚村
const DAY = 86400;

let tmp;
before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-crash-retention-'));
});
after(async () => {
  await killAll();
  rmSync(tmp, { recursive: true, force: true });
});

// one instant for both twins
const ENDED = Math.floor(Date.now() / 1000) - 40 * DAY;

function fixture(db) {
  mustRun(['init', '--db', db, '--county', COUNTY]);
  mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
  const ended = ENDED;
  const n = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${FILES})`;
  // every third a compound surname; the ID number 18 characters, unique
  sql(db, `${n} INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone, address,
    area_code, status, created_at, updated_at)
    SELECT 'p-' || (100000 + i), 'resident', '320481198004' || (100000 + i), 1,
      CASE WHEN i % 3 = 0 THEN '欧阳' ELSE '张' END || '三' || i, 'M', 19800412,
      '139' || (10000000 + i), '社渚镇社渚村幸福路' || i || '号', '${VILLAGE}', 'cleared', ${ended}, ${ended} FROM n`);
  sql(db, `${n} INSERT INTO task(id, person_id, area_code, status, due_at, created_at, closed_at,
    outcome, note) SELECT 't-' || (100000 + i), 'p-' || (100000 + i), '${VILLAGE}', 'closed', ${ended},
    ${ended - DAY}, ${ended}, 'duplicate', '邻居说他叫张三' || i FROM n`);
  sql(db, `${n} INSERT INTO person_event(person_id, at, kind, username, area_code, detail)
    SELECT 'p-' || (100000 + i), ${ended}, 'task_closed', 'gw', '${VILLAGE}',
      '{"note":"电话139' || (10000000 + i) || '"}' FROM n`);
  sql(db, `${n} INSERT INTO audit(at, username, action, object_type, object_id, area_code, result, after_json)
    SELECT ${ended}, 'gw', 'person.fix', 'person', 'p-' || (100000 + i), '${VILLAGE}', 'ok',
      '{"name":"张三' || i || '","id_number":"320481198004' || (100000 + i) || '"}' FROM n`);
}

// What the run leaves, without its own timestamps (anonymised_at, the runs' rows)
function state(db) {
  return {
    persons: sql(db, `SELECT id, name, id_number, id_valid, phone, address, birth, area_code, status,
      CASE WHEN anonymised_at > 0 THEN 1 ELSE 0 END FROM person ORDER BY id`),
    tasks: sql(db, 'SELECT id, status, outcome, note, closed_at FROM task ORDER BY id'),
    events: sql(db, "SELECT person_id, kind, coalesce(detail, '-') FROM person_event ORDER BY person_id, id"),
    audit: sql(db, "SELECT object_id, action, coalesce(after_json, '-') FROM audit WHERE object_type = 'person' ORDER BY object_id, id"),
  };
}

const anonymised = (db) => Number(sql(db, 'SELECT count(*) FROM person WHERE anonymised_at > 0')[0]);
const batchCounts = (db) => sql(db, "SELECT after_json FROM audit WHERE action = 'retention.batch'")
  .map((l) => JSON.parse(l)).filter((o) => o.category === 'person').reduce((s, o) => s + o.count, 0);

test(`a retention run over ${FILES} files killed midway, run again, ends as an uninterrupted one`, { timeout: 600_000 }, async () => {
  const dbA = newDb(tmp, 'a.db');
  const dbB = newDb(tmp, 'b.db');
  fixture(dbA);
  fixture(dbB);

  // B: uninterrupted
  const out = JSON.parse(mustRun(['retention', '--db', dbB]).split('\n').find((l) => l.startsWith('{')));
  assert.equal(out.counts.person, FILES);
  const want = state(dbB);
  assert.ok(want.persons.every((l) => l.endsWith('|1')), 'B: every file anonymised');

  // A: killed in the middle of a run
  let srv = await startServer(dbA, [], { app: 'retention-a' });
  let s = await login(srv.base);
  const running = call(s, 'POST', '/api/v1/retention/run', JSON.stringify({ uuid: crypto.randomUUID() })).catch((e) => e);
  await waitFor(() => anonymised(dbA) > 0, 'a first batch committed');
  await stopServer(srv.child, 'SIGKILL');
  await running;
  await settled(dbA, 'retention-a');
  const atKill = anonymised(dbA);
  assert.ok(atKill > 0 && atKill < FILES, `the kill came midway: ${atKill} of ${FILES} done`);
  assert.equal(atKill % 500, 0, 'whole batches only');
  assert.equal(batchCounts(dbA), atKill, 'the batches that committed counted what they did');

  // restarted an hour later (the clock moved on: the killed run has not beaten for longer
  // than a batch ever takes), run again: goes on where it stopped
  srv = await startServer(dbA, ['--clock-offset', '3600'], { app: 'retention-a2' });
  s = await login(srv.base);
  const again = await call(s, 'POST', '/api/v1/retention/run', JSON.stringify({ uuid: crypto.randomUUID() }));
  assert.equal(again.status, 201, again.text);
  assert.equal(again.json.counts.person, FILES - atKill);
  const third = await call(s, 'POST', '/api/v1/retention/run', JSON.stringify({ uuid: crypto.randomUUID() }));
  assert.equal(third.status, 201, third.text);
  assert.equal(third.json.counts.person, 0, 'a rerun changes nothing');
  assert.equal(batchCounts(dbA), FILES, 'every file counted once over the runs');
  const runs = await call(s, 'GET', '/api/v1/retention/runs');
  assert.deepEqual(runs.json.items.map((r) => r.state).sort(), ['done', 'done', 'stopped'], 'the killed run is marked stopped by the next');
  const killed = runs.json.items.find((r) => r.state === 'stopped');
  assert.equal(killed.finished_at, null, 'it never finished');
  assert.equal((await stopServer(srv.child, 'SIGTERM')).code, 0);

  assert.deepEqual(state(dbA), want, 'A ends as B');
  // (the fixture's files were written by SQL, past the report counts: only the integrity)
  assert.match(run(['check', '--db', dbA]).out, /integrity: ok/);
});
