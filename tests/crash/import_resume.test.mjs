// An import killed mid-way resumes to exactly what an uninterrupted one makes (issue 14): the
// same list imported once without a stop into one database, and into another with the
// server killed (SIGKILL) at several points of the import — after the first batch, in the
// middle, near the end — and started again each time, the job taken up where its last
// committed batch left it. Both end "done" with the same counters (rows, imported, merged,
// flagged, rejected) and the same numbers of files, journeys, events, tasks and issues,
// and no row is stored twice. A batch is answered before it is durable (a bulk job: on
// SQLite its transaction is shared by up to 32 batches, 8,192 rows, and the progress is
// seen at its commit), so each kill also loses batches the import was told were done, and
// the resumed import must start after the last line that was kept. On PostgreSQL as well
// (tests/run.sh crash-pg), where a batch holds 10,000 rows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

import { makeId } from '../api/lib.mjs';
import {
  COUNTY, PASSWORD, call, killAll, login, mustRun, newDb, settled, sql, startServer, stopServer,
} from './lib.mjs';

const ROWS = 40000; // SQLite: 157 batches of 256, shared by transactions of 32; PostgreSQL: 4 batches

/** A valid number of the county, distinct for each k (a birthday for each thousand). */
function idOf(k) {
  const d = new Date(Date.UTC(1980, 0, 1 + Math.floor(k / 1000)));
  return makeId(d.toISOString().slice(0, 10).replaceAll('-', ''), k % 1000);
}
const HEADER = ['姓名', '身份证号码', '联系电话', '来源地', '返乡日期', '现住址'];

/** The list: valid numbers, a number again now and then (merged into the first file), rows
 * without a number, a defective phone, a row without a name (rejected). */
function list() {
  const rows = [];
  for (let i = 0; i < ROWS; i++) {
    const id = i % 53 === 52 ? idOf(i - 40) : i % 97 === 96 ? '' : idOf(i);
    const phone = i % 89 === 88 ? '1380000' : `139${String(10000000 + i).slice(-8)}`;
    const name = i % 211 === 210 ? '' : `返乡${i}`;
    rows.push([name, id, phone, '湖北省武汉市', '2020-01-22', `社渚镇社渚村${(i % 12) + 1}组${i}号`]);
  }
  return `\uFEFF${HEADER.join(',')}\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
}

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'fk-crash-import-'));
});
after(async () => {
  await killAll();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function freshServer(name) {
  const db = newDb(dir, name);
  mustRun(['init', '--db', db, '--county', COUNTY]);
  mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
  return { db, srv: await startServer(db) };
}

async function upload(s, text) {
  const fd = new FormData();
  fd.append('file', new Blob([text], { type: 'text/csv' }), 'list.csv');
  fd.append('deadline_hours', '72');
  const res = await fetch(`${s.base}/api/v1/imports`, {
    method: 'POST', headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf }, body: fd,
  });
  const body = await res.json();
  assert.equal(res.status, 202, JSON.stringify(body));
  return body.id;
}

async function job(s, id) {
  const r = await call(s, 'GET', `/api/v1/imports/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

async function until(s, id, cond, what) {
  const end = performance.now() + 300_000;
  for (;;) {
    const j = await job(s, id);
    if (cond(j)) return j;
    assert.ok(j.status !== 'failed', `the import failed: ${JSON.stringify(j)}`);
    assert.ok(performance.now() < end, `${what}: ${JSON.stringify(j)}`);
    await delay(5);
  }
}

const counters = (j) => ({ status: j.status, rows: j.rows, imported: j.imported, merged: j.merged, flagged: j.flagged, rejected: j.rejected });

function tables(db) {
  const n = (q) => Number(sql(db, q)[0]);
  return {
    files: n('SELECT count(*) FROM person'),
    journeys: n('SELECT count(*) FROM travel'),
    events: n('SELECT count(*) FROM person_event'),
    tasks: n('SELECT count(*) FROM task'),
    issues: n('SELECT count(*) FROM import_issue'),
    numbersTwice: n(`SELECT count(*) FROM (SELECT doc_type, id_number FROM person WHERE id_valid = 1
      GROUP BY doc_type, id_number HAVING count(*) > 1) d`),
    linesTwice: n(`SELECT count(*) FROM (SELECT detail FROM person_event WHERE kind = 'pushed'
      GROUP BY detail HAVING count(*) > 1) d`),
  };
}

test('an import killed at several points resumes to the counts and rows of one never stopped', { timeout: 600_000 }, async (t) => {
  const text = list();

  // uninterrupted
  const a = await freshServer('whole.db');
  const sa = await login(a.srv.base);
  const ja = await until(sa, await upload(sa, text), (j) => j.status === 'done', 'the whole import');
  await stopServer(a.srv.child, 'SIGTERM');
  const whole = { job: counters(ja), tables: tables(a.db) };
  assert.equal(whole.job.rows, ROWS);
  assert.ok(whole.job.merged > 0 && whole.job.flagged > 0 && whole.job.rejected > 0, JSON.stringify(whole.job));
  assert.equal(whole.tables.numbersTwice, 0);

  // killed after the first batch, in the middle and near the end, started again each time
  const b = await freshServer('killed.db');
  let srv = b.srv;
  let s = await login(srv.base);
  const id = await upload(s, text);
  const kills = [];
  for (const at of [1, ROWS / 2, ROWS - 9000]) {
    const j = await until(s, id, (x) => x.rows >= at || x.status === 'done', `the import past line ${at}`);
    if (j.status === 'done') break; // committed whole before the kill: nothing left to kill
    await stopServer(srv.child, 'SIGKILL');
    kills.push(j.rows);
    await settled(b.db);
    srv = await startServer(b.db);
    s = { ...s, base: srv.base }; // sessions outlive a restart: no login to wait for
  }
  const jb = await until(s, id, (j) => j.status === 'done', 'the resumed import');
  await stopServer(srv.child, 'SIGTERM');
  const killed = { job: counters(jb), tables: tables(b.db) };

  t.diagnostic(`killed after rows ${kills.join(', ') || '(none: one batch)'}`);
  assert.deepEqual(killed, whole, `killed after rows ${kills.join(', ')}`);
});
