// Upgrades (issue 16): a database made by the previous release's migrations (the steps of
// `fangkong schema` up to the last but one), with files in it, served by this program:
//   - serve first writes DATA_DIR/backups/pre-upgrade-vOLD-to-vNEW-TIME.db (0600), checked,
//     and says so in its log; the backup is the old database (its version, its rows) and
//     serving a copy of it upgrades it again; the served database has the files, and the API
//     shows them;
//   - with --backup-key the backup is encrypted (.fkbak) and `fangkong restore` restores it,
//     the card-link key with it;
//   - a migration step that fails (FANGKONG_TEST_FAIL_MIGRATION, test-only) makes serve exit
//     1 and leaves the database at the old version with its rows; without the failure it
//     upgrades;
//   - when the backup cannot be written, serve exits 1 and does not migrate;
//   - another command that migrates (user add, run first after an upgrade) backs up too.
//
// SQLite only (PostgreSQL: no automatic backup; pg_dump is the operator's job). Needs
// build/fangkong and the sqlite3 command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BIN, COUNTY, PASSWORD, PG, call, killAll, login, mustRun, run, sql, startServer, stopServer,
} from './lib.mjs';

let tmp;
let latest;
let oldSchema; // the SQL of steps 1 … latest - 1

const PERSON = '01a20000-0000-7000-8000-000000000003';
const data = `
INSERT INTO area(code, parent, level, name, created_at, updated_at) VALUES
  ('${COUNTY}', NULL, 1, '溧阳市', 1, 1), ('${COUNTY}116', '${COUNTY}', 2, '社渚镇', 1, 1);
INSERT INTO person(id, doc_type, id_number, id_valid, name, sex, birth, phone, address,
  area_code, categories, status, defects, merged_into, created_at, updated_at) VALUES
  ('${PERSON}', 'resident', '320481198001010011', 1, '升级甲', 'M', 315504000, '13900000001',
   '社渚村1组', '${COUNTY}116', 1, 'pending', '', NULL, 5, 6),
  ('01a20000-0000-7000-8000-000000000001', 'resident', '', 0, '升级乙', '', 0, '', '',
   '${COUNTY}', 0, 'to_place', 'id.missing', NULL, 3, 4);
INSERT INTO travel(person_id, origin, created_at) VALUES ('${PERSON}', '湖北省武汉市', 5);
`;

before(() => {
  assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
  if (PG) return;
  assert.equal(spawnSync('sqlite3', ['-version']).status, 0, 'the sqlite3 command is needed');
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-upgrade-'));
  const script = mustRun(['schema']);
  latest = Number(/fangkong schema: (\d+) steps/.exec(script)[1]);
  oldSchema = script.slice(0, script.indexOf(`\n-- step ${latest}\n`));
  assert.ok(oldSchema.includes(`-- step ${latest - 1}\n`));
});

after(async () => {
  await killAll();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A database of the previous release with files in it, alone in its folder. */
function oldDb(name) {
  const dir = join(tmp, name);
  mkdirSync(dir, { mode: 0o700 });
  const db = join(dir, 'fangkong.db');
  const r = spawnSync('sqlite3', ['-batch', '-bail', db], { input: oldSchema + data, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(sql(db, 'SELECT max(version) FROM schema_version'), [String(latest - 1)]);
  return { dir, db };
}

const mode = (p) => (statSync(p).mode & 0o777).toString(8);
const backups = (dir) => (existsSync(join(dir, 'backups')) ? readdirSync(join(dir, 'backups')).sort() : []);
const files = (db) => sql(db, 'SELECT name || \'|\' || phone FROM person ORDER BY id');
const FILES = ['升级乙|', '升级甲|13900000001'];

test('serve backs the old database up, then upgrades it with its data', { skip: PG && 'SQLite only', timeout: 120_000 }, async () => {
  const { dir, db } = oldDb('plain');
  const srv = await startServer(db);
  const made = backups(dir);
  assert.equal(made.length, 1, made.join());
  assert.match(made[0], new RegExp(`^pre-upgrade-v${latest - 1}-to-v${latest}-\\d{8}T\\d{6}Z\\.db$`));
  const b = join(dir, 'backups', made[0]);
  assert.equal(mode(b), '600');
  assert.equal(mode(join(dir, 'backups')), '700');
  assert.match(srv.log(), new RegExp(`backup before the upgrade written to ${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  // the backup is the old database, whole
  assert.deepEqual(sql(b, 'PRAGMA integrity_check'), ['ok']);
  assert.deepEqual(sql(b, 'SELECT max(version) FROM schema_version'), [String(latest - 1)]);
  assert.deepEqual(files(b), FILES);
  // the served one is upgraded, with the files
  assert.deepEqual(sql(db, 'SELECT max(version) FROM schema_version'), [String(latest)]);
  assert.deepEqual(files(db), FILES);
  assert.equal((await stopServer(srv.child, 'SIGTERM')).code, 0);

  // the API shows them (no backup is taken when nothing is pending)
  mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
  const again = await startServer(db);
  assert.equal(backups(dir).length, 1);
  const admin = await login(again.base);
  const p = await call(admin, 'GET', `/api/v1/persons/${PERSON}`);
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.name, '升级甲');
  assert.equal((await stopServer(again.child, 'SIGTERM')).code, 0);
  const c = run(['check', '--db', db]);
  assert.equal(c.status, 0, c.out);

  // the backup restores: a copy of it is served (and upgraded) by this program
  const { dir: rdir } = oldDb('restored-plain');
  rmSync(join(rdir, 'fangkong.db'));
  copyFileSync(b, join(rdir, 'fangkong.db'));
  const r = await startServer(join(rdir, 'fangkong.db'));
  assert.deepEqual(files(join(rdir, 'fangkong.db')), FILES);
  assert.equal((await stopServer(r.child, 'SIGTERM')).code, 0);
});

test('with --backup-key the backup is encrypted and restores with its card-link key', { skip: PG && 'SQLite only', timeout: 120_000 }, async () => {
  const { dir, db } = oldDb('encrypted');
  const key = join(tmp, 'upgrade.key');
  mustRun(['keygen', '--out', key]);
  writeFileSync(`${db}.key`, Buffer.alloc(32, 7), { mode: 0o600 }); // the card-link key
  const srv = await startServer(db, ['--backup-key', key]);
  const made = backups(dir);
  assert.equal(made.length, 1, made.join());
  assert.match(made[0], new RegExp(`^pre-upgrade-v${latest - 1}-to-v${latest}-\\d{8}T\\d{6}Z\\.fkbak$`));
  const b = join(dir, 'backups', made[0]);
  assert.equal(mode(b), '600');
  assert.equal(readFileSync(b).indexOf(Buffer.from('13900000001')), -1, 'a phone in plain text');
  assert.equal((await stopServer(srv.child, 'SIGTERM')).code, 0);

  const to = join(tmp, 'from-encrypted.db');
  const out = mustRun(['restore', '--from', b, '--key', key, '--db', to]);
  assert.match(out, new RegExp(`schema version ${latest - 1}, .* card-link key restored`));
  assert.deepEqual(files(to), FILES);
  assert.deepEqual(readFileSync(`${to}.key`), Buffer.alloc(32, 7));
  // a key file that is not a key: serve refuses to start, before anything
  const { db: db2 } = oldDb('bad-key');
  writeFileSync(join(tmp, 'not.key'), 'nonsense\n', { mode: 0o600 });
  const bad = run(['serve', '--db', db2, '--listen', '127.0.0.1:0', '--backup-key', join(tmp, 'not.key')]);
  assert.equal(bad.status, 1, bad.out);
  assert.match(bad.out, /not a backup key/);
  assert.deepEqual(sql(db2, 'SELECT max(version) FROM schema_version'), [String(latest - 1)]);
});

test('a failing migration step leaves the old database as it was', { skip: PG && 'SQLite only', timeout: 120_000 }, async () => {
  const { dir, db } = oldDb('failing');
  const before = sql(db, 'SELECT name, sql FROM sqlite_master ORDER BY name');
  process.env.FANGKONG_TEST_FAIL_MIGRATION = String(latest);
  let r;
  try {
    r = run(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  } finally {
    delete process.env.FANGKONG_TEST_FAIL_MIGRATION;
  }
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /left at its old version/);
  assert.deepEqual(sql(db, 'SELECT max(version) FROM schema_version'), [String(latest - 1)]);
  assert.deepEqual(sql(db, 'SELECT name, sql FROM sqlite_master ORDER BY name'), before);
  assert.deepEqual(files(db), FILES);
  assert.equal(backups(dir).length, 1, 'the backup was taken before');
  // once the failure is gone (the new binary fixed), it upgrades
  const srv = await startServer(db);
  assert.deepEqual(sql(db, 'SELECT max(version) FROM schema_version'), [String(latest)]);
  assert.deepEqual(files(db), FILES);
  assert.equal(backups(dir).length, 2, backups(dir).join());
  assert.equal((await stopServer(srv.child, 'SIGTERM')).code, 0);
});

test('when the backup cannot be written, serve does not start and does not migrate', { skip: PG && 'SQLite only', timeout: 120_000 }, () => {
  const { dir, db } = oldDb('no-backup');
  writeFileSync(join(dir, 'backups'), 'a file where the folder should be');
  const r = run(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /the backup before it failed.*Nothing was changed.*升级前备份失败/s);
  assert.deepEqual(sql(db, 'SELECT max(version) FROM schema_version'), [String(latest - 1)]);
  assert.deepEqual(files(db), FILES);
});

test('a command run first by the new binary (user add) backs the database up before it migrates too', { skip: PG && 'SQLite only', timeout: 120_000 }, () => {
  const { dir, db } = oldDb('command');
  const out = mustRun(['user', 'add', '--db', db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${PASSWORD}\n`);
  assert.match(out, /backup before the upgrade written to/);
  const made = backups(dir);
  assert.equal(made.length, 1, made.join());
  assert.deepEqual(sql(join(dir, 'backups', made[0]), 'SELECT max(version) FROM schema_version'), [String(latest - 1)]);
  assert.deepEqual(sql(db, 'SELECT max(version) FROM schema_version'), [String(latest)]);
  assert.deepEqual(files(db), FILES);
});
