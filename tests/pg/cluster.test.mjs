// The throwaway PostgreSQL cluster the PostgreSQL suites run on (tests/pg/cluster.mjs):
// started from nothing (initdb in a temp dir, a free port, the socket in the dir, no TCP,
// a non-root account when the tests run as root), it answers on its socket, takes a UTF-8
// database, and is stopped by its PID, its directory gone and no process left. Stopped
// immediately (SIGQUIT, for the crash tests) it starts again on the same data dir and port
// with what was committed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';

import { startCluster } from './cluster.mjs';

let pg;
after(async () => {
  if (pg) await pg.stop();
});

test('a cluster from nothing, on its own socket, stopped by its PID', { timeout: 120_000 }, async () => {
  pg = await startCluster();
  assert.ok(pg.pid > 0);
  assert.ok(existsSync(pg.socketDir));
  assert.equal(pg.psql('SELECT 1 + 1'), '2');
  assert.equal(pg.psql('SHOW listen_addresses'), '', 'no TCP listener');
  assert.equal(pg.psql('SHOW server_encoding'), 'UTF8');
  assert.equal(pg.psql('SELECT current_user'), 'fangkong');
  pg.psql('CREATE DATABASE fangkong_test');
  assert.equal(pg.psql("SELECT '社渚镇' || length('社渚镇')", 'fangkong_test'), '社渚镇3');
  // fsync stays on: what the crash tests measure is the real durability
  assert.equal(pg.psql('SHOW fsync'), 'on');
  if (process.getuid() === 0) {
    const owner = pg.psql("SELECT usename FROM pg_stat_activity WHERE backend_type = 'client backend' LIMIT 1");
    assert.equal(owner, 'fangkong');
  }
  const { pid, dir } = pg;
  const r = await pg.stop();
  pg = null;
  assert.equal(r.code, 0, 'a fast shutdown exits 0');
  assert.equal(existsSync(dir), false, 'the directory is removed');
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'no process is left');
});

test('an immediate stop, then a restart on the same data dir and port, keeps what was committed', { timeout: 120_000 }, async () => {
  pg = await startCluster();
  const { port, url } = pg;
  const first = pg.pid;
  pg.psql('CREATE TABLE kept(n int)');
  pg.psql('INSERT INTO kept SELECT generate_series(1, 1000)');
  await pg.stopImmediate();
  assert.throws(() => process.kill(first, 0), /ESRCH/, 'the postmaster is gone');
  assert.throws(() => pg.psql('SELECT 1'), /failed/, 'nothing answers while it is down');
  await pg.restart();
  assert.notEqual(pg.pid, first, 'a new postmaster');
  assert.equal(pg.port, port);
  assert.equal(pg.url, url);
  assert.equal(pg.psql('SELECT count(*), sum(n) FROM kept'), '1000|500500');
  assert.match(pg.log(), /not properly shut down; automatic recovery in progress/, 'the restart recovered from the WAL');
  await assert.rejects(pg.restart(), /still running/);
  const r2 = await pg.stop();
  pg = null;
  assert.equal(r2.code, 0);
});
