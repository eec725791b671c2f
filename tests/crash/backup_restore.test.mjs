// Backups under writes (issue 16): a server takes durable creates from several clients while
// `fangkong backup --dir DIR --key KEY` runs, twice. Each backup, restored with
// `fangkong restore` into a new database, holds every file whose create was acknowledged
// before that backup began, none of them twice, and passes `fangkong check`; the encrypted
// file holds no name, phone or ID number in plain text (the restored database does); a
// changed byte or another key makes `restore` refuse, leaving no database. Retention: in a
// folder of backups dated over two months, the scheduled form keeps the newest of each of
// the last 7 days and 4 ISO weeks, the one it just wrote and any dated later, removes what
// interrupted runs left more than 12 hours ago (NAME.snap, .part, .check), and never touches
// a file not named like a backup.
//
// SQLite only (a PostgreSQL database is backed up with pg_dump). Needs build/fangkong, the
// division list and the sqlite3 command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
  BIN, COUNTY, PASSWORD, PG, ROOT, call, killAll, login, mustRun, run, sql, startServer, stopServer,
} from './lib.mjs';

const exec = promisify(execFile);
const CLIENTS = 4;
const LANES = 3;
const BEFORE_FIRST = 60; // creates acknowledged before the first backup starts

let tmp;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  if (!PG) assert.equal(spawnSync('sqlite3', ['-version']).status, 0, 'the sqlite3 command is needed');
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-backup-'));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// A valid resident ID number of 溧阳市 (GB 11643 check digit).
function idNumber(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, d, i) => s + Number(d) * w[i], 0);
  return body17 + '10X98765432'[sum % 11];
}

// `fangkong ARGS` without blocking the event loop (the writers go on meanwhile).
async function fk(args) {
  try {
    const r = await exec(BIN, args, { cwd: ROOT, timeout: 300_000 });
    return { status: 0, out: r.stdout + r.stderr };
  } catch (e) {
    return { status: e.code, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const mode = (p) => (statSync(p).mode & 0o777).toString(8);

test('backups under concurrent writes hold every write acknowledged before them, encrypted', { skip: PG && 'SQLite only: PostgreSQL is backed up with pg_dump', timeout: 300_000 }, async (t) => {
  const db = join(tmp, 'live.db');
  const dir = join(tmp, 'backups');
  const key = join(tmp, 'backup.key');
  mkdirSync(dir, { mode: 0o700 });
  mustRun(['init', '--db', db, '--county', COUNTY]);
  mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
  mustRun(['keygen', '--out', key]);
  assert.equal(mode(key), '600');
  const villages = sql(db, 'SELECT code FROM area WHERE level = 3 ORDER BY code');

  const srv = await startServer(db);
  const admin = await login(srv.base);
  // a file whose personal data must not be readable in the backup
  const secret = { name: '保密测试甲乙', phone: '13912345678', id_number: idNumber('32048119800101123') };
  const s0 = await call(admin, 'POST', '/api/v1/persons', JSON.stringify({ uuid: randomUUID(), area: villages[0], address: '保密村1组', ...secret }));
  assert.equal(s0.status, 201, s0.text);

  const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => login(srv.base)));
  const acked = []; // { id, name, at } in the order acknowledged
  const problems = [];
  let stop = false;
  let seq = 0;
  let wake;
  const enough = new Promise((r) => { wake = r; });
  const lane = async (s) => {
    while (!stop) {
      const name = `备份写入${++seq}`;
      const r = await call(s, 'POST', '/api/v1/persons', JSON.stringify({
        uuid: randomUUID(), name, area: villages[randomInt(villages.length)], address: `${seq}号`,
      }));
      if (r.status !== 201) { problems.push(`${r.status} ${r.text.slice(0, 200)}`); continue; }
      acked.push({ id: r.json.id, name });
      if (acked.length >= BEFORE_FIRST) wake();
    }
  };
  const lanes = sessions.flatMap((s) => Array.from({ length: LANES }, () => lane(s)));

  // two scheduled backups while the writes go on; what was acknowledged before each began
  const runs = [];
  await enough;
  for (let i = 0; i < 2; i++) {
    const ackedBefore = acked.slice();
    const r = await fk(['backup', '--db', db, '--dir', dir, '--key', key, '--now', `2026120${1 + i}T023000Z`]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /^backup .*fangkong-2026120\dT023000Z\.fkbak: \d+ bytes, \d+ tables, \d+ rows, schema version \d+, verified; pruned 0/m);
    runs.push({ ackedBefore, file: join(dir, `fangkong-2026120${1 + i}T023000Z.fkbak`), ackedAfter: acked.length });
  }
  stop = true;
  await Promise.all(lanes);
  assert.deepEqual(problems, [], srv.problems());
  assert.ok(runs[1].ackedBefore.length > runs[0].ackedBefore.length, 'writes went on between the backups');
  for (const r of runs) assert.ok(r.ackedAfter > r.ackedBefore.length, 'writes were acknowledged while the backup ran');
  t.diagnostic(`acknowledged before/after each backup: ${runs.map((r) => `${r.ackedBefore.length}/${r.ackedAfter}`).join(', ')}; ${seq} sent`);

  for (const [i, r] of runs.entries()) {
    assert.equal(mode(r.file), '600');
    assert.deepEqual(readdirSync(dir).filter((f) => !/^fangkong-\d{8}T\d{6}Z\.fkbak$/.test(f)), [], 'no temporary file left');
    // no personal data in plain text in the encrypted file
    const bytes = readFileSync(r.file);
    assert.equal(bytes.subarray(0, 6).toString(), 'FKBAK1');
    for (const v of [secret.name, secret.phone, secret.id_number, '备份写入1', '溧阳市']) assert.equal(bytes.indexOf(Buffer.from(v)), -1, `${v} in plain text in ${r.file}`);

    const restored = join(tmp, `restored${i}.db`);
    const out = mustRun(['restore', '--from', r.file, '--key', key, '--db', restored]);
    assert.match(out, /restored .* schema version \d+, \d+ tables, \d+ rows, card-link key restored/);
    assert.equal(mode(restored), '600');
    assert.ok(existsSync(`${restored}.key`), 'the card-link key is restored beside it');
    assert.deepEqual(readFileSync(`${restored}.key`), readFileSync(`${db}.key`));
    assert.ok(readFileSync(restored).indexOf(Buffer.from(secret.phone)) >= 0, 'the grep would see the phone in a plain database');
    const check = run(['check', '--db', restored]);
    assert.equal(check.status, 0, check.out);

    const ids = new Set(sql(restored, 'SELECT id FROM person'));
    const missing = r.ackedBefore.filter((a) => !ids.has(a.id));
    assert.deepEqual(missing, [], `backup ${i + 1}: ${missing.length} of ${r.ackedBefore.length} writes acknowledged before it are missing`);
    assert.deepEqual(sql(restored, "SELECT name FROM person WHERE name LIKE '备份写入%' GROUP BY name HAVING count(*) > 1"), [], 'none twice');
    // the copy holds nothing the server did not write, and not everything after its start
    const ours = Number(sql(restored, "SELECT count(*) FROM person WHERE name LIKE '备份写入%'")[0]);
    assert.ok(ours >= r.ackedBefore.length && ours <= seq, `${ours} files in backup ${i + 1}`);
    assert.equal(sql(restored, `SELECT name || '|' || phone || '|' || id_number FROM person WHERE id = '${s0.json.id}'`)[0],
      `${secret.name}|${secret.phone}|${secret.id_number}`);
    // a restore never overwrites
    const again = run(['restore', '--from', r.file, '--key', key, '--db', restored]);
    assert.equal(again.status, 1, again.out);
    assert.match(again.out, /exists already.*已存在/);
  }

  // a changed byte, a cut file, another key: refused, and no database made
  const good = readFileSync(runs[0].file);
  const other = join(tmp, 'other.key');
  mustRun(['keygen', '--out', other]);
  const cases = [
    ['a byte changed in the middle', (b) => { b[b.length >> 1] ^= 1; return b; }, key],
    ['a byte changed in the header', (b) => { b[12] ^= 1; return b; }, key],
    ['the last chunk cut off', (b) => b.subarray(0, b.length - 100), key],
    ['another key', (b) => b, other],
  ];
  for (const [i, [what, change, k]] of cases.entries()) {
    const bad = join(tmp, `bad${i}.fkbak`);
    writeFileSync(bad, change(Buffer.from(good)), { mode: 0o600 });
    const to = join(tmp, `bad${i}.db`);
    const r = run(['restore', '--from', bad, '--key', k, '--db', to]);
    assert.equal(r.status, 1, `${what}: ${r.out}`);
    assert.match(r.out, /damaged.*损坏/, what);
    assert.ok(!existsSync(to) && !existsSync(`${to}.part`) && !existsSync(`${to}.key`), `${what}: nothing left`);
  }
  // a key file others may write is refused
  const loose = join(tmp, 'loose.key');
  writeFileSync(loose, readFileSync(key));
  chmodSync(loose, 0o666);
  const l = run(['restore', '--from', runs[0].file, '--key', loose, '--db', join(tmp, 'loose.db')]);
  assert.equal(l.status, 1, l.out);
  assert.match(l.out, /others can neither read nor write/);
  assert.doesNotMatch(l.out, new RegExp(readFileSync(key, 'utf8').trim()), 'the key is never printed');
  // and so is one others may read (0644): a readable key beside a copied backup is a register
  chmodSync(loose, 0o644);
  const r = run(['restore', '--from', runs[0].file, '--key', loose, '--db', join(tmp, 'loose.db')]);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /others can neither read nor write/);

  assert.equal((await stopServer(srv.child, 'SIGTERM')).code, 0);
});

test('retention keeps the newest backup of each of the last 7 days and 4 weeks, nothing else of its own', { skip: PG && 'SQLite only', timeout: 120_000 }, () => {
  const db = join(tmp, 'ret.db');
  const dir = join(tmp, 'ret');
  const key = join(tmp, 'ret.key');
  mkdirSync(dir, { mode: 0o700 });
  mustRun(['init', '--db', db, '--county', COUNTY]);
  mustRun(['keygen', '--out', key]);
  const name = (d, t = '023000') => `fangkong-${d}T${t}Z.fkbak`;
  // a nightly backup from 1 October to 6 December 2026, three on 5 December
  const dated = [];
  for (let t = Date.UTC(2026, 9, 1); t <= Date.UTC(2026, 11, 6); t += 86_400_000) {
    dated.push(name(new Date(t).toISOString().slice(0, 10).replaceAll('-', '')));
  }
  dated.push(name('20261205', '120000'), name('20261205', '230000'));
  const future = name('20261208');
  const foreign = ['notes.txt', 'fangkong-2026.fkbak', 'other-20261001T023000Z.fkbak',
    'fangkong-20261001T023000Z.fkbak.bak', 'fangkong-20260231T023000Z.fkbak'];
  const recent = 'fangkong-20261207T000000Z.fkbak.part'; // 2.5 h old: perhaps a run going on
  // what runs interrupted by a crash left (a plain snapshot among them), more than 12 h ago
  const leftovers = ['fangkong-20261001T023000Z.fkbak.snap', 'fangkong-20261206T023000Z.fkbak.part', 'fangkong-20261205T023000Z.fkbak.check'];
  for (const f of [...dated, future, ...foreign, ...leftovers, recent]) writeFileSync(join(dir, f), 'x');
  // the backups serve took before upgrades: gone once older than the 4 weeks kept (by mtime)
  const preOld = 'pre-upgrade-v20-to-v21-20261001T023000Z.db';
  const preNew = 'pre-upgrade-v21-to-v22-20261206T023000Z.fkbak';
  for (const [f, t] of [[preOld, Date.UTC(2026, 9, 1, 2, 30)], [preNew, Date.UTC(2026, 11, 6, 2, 30)]]) {
    writeFileSync(join(dir, f), 'x');
    utimesSync(join(dir, f), t / 1000, t / 1000);
  }

  // Monday 7 December 2026, 02:30 UTC
  const out = mustRun(['backup', '--db', db, '--dir', dir, '--key', key, '--keep-daily', '7', '--keep-weekly', '4', '--now', '20261207T023000Z']);
  const kept = [
    name('20261207'), // just written: this day and this week
    name('20261206'), name('20261205', '230000'), name('20261204'), name('20261203'), name('20261202'), name('20261201'), // days
    name('20261129'), name('20261122'), // the newest of the two weeks before the last
    future,
  ];
  assert.deepEqual(readdirSync(dir).sort(), [...kept, ...foreign, recent, preNew].sort(), out);
  const pruned = dated.length - (kept.length - 2) + leftovers.length + 1;
  assert.match(out, new RegExp(`pruned ${pruned}: `));

  // nothing kept but what is just written and what is not a backup's name
  const out2 = mustRun(['backup', '--db', db, '--dir', dir, '--key', key, '--keep-daily', '0', '--keep-weekly', '0', '--now', '20261210T000000Z']);
  assert.deepEqual(readdirSync(dir).sort(), [name('20261210', '000000'), ...foreign].sort(), out2);

  // usage and PostgreSQL
  for (const cmd of ['keygen', 'restore', 'backup']) {
    const h = spawnSync(BIN, [cmd, '--help'], { encoding: 'utf8' });
    assert.equal(h.status, 0, h.stderr);
    assert.ok(h.stdout.startsWith(`usage: fangkong ${cmd}`), h.stdout);
  }
  assert.equal(run(['restore', '--from', 'x.fkbak', '--db', 'y.db']).status, 2, 'restore needs --key');
  assert.equal(run(['keygen']).status, 2);
  const u = run(['backup', '--db', db, '--dir', dir]);
  assert.equal(u.status, 2, u.out);
  const p = run(['backup', '--db', 'postgresql://fangkong@localhost/fangkong', '--dir', dir, '--key', key]);
  assert.equal(p.status, 2, p.out);
  assert.match(p.out, /pg_dump.*pg_dump/);
  const n = run(['backup', '--db', db, '--dir', dir, '--key', key, '--now', '20261301T000000Z']);
  assert.equal(n.status, 2, n.out);
});
