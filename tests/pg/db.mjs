// One fresh PostgreSQL database per test server, in the cluster of with-cluster.mjs
// (FANGKONG_PG in the environment): `pgEnabled()` says whether the suite runs on
// PostgreSQL, `freshPgDb()` creates an empty database and answers its postgresql:// URL,
// `pgQuery(url, sql)` runs one statement through psql and answers its rows as text.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const conf = () => JSON.parse(process.env.FANGKONG_PG);
export const pgEnabled = () => Boolean(process.env.FANGKONG_PG);

function psql(db, sql) {
  const c = conf();
  return execFileSync(join(c.bin, 'psql'), ['-X', '-q', '-A', '-t', '-h', c.socketDir, '-p', String(c.port), '-U', c.user,
    '-d', db, '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();
}

export function pgUrl(name) {
  const c = conf();
  return `postgresql://${c.user}@/${name}?host=${encodeURIComponent(c.socketDir)}&port=${c.port}`;
}

export function freshPgDb() {
  const name = `fk_${randomBytes(6).toString('hex')}`;
  psql('postgres', `CREATE DATABASE ${name}`);
  return pgUrl(name);
}

/** The psql command and arguments that run sql on the database of url. */
export function pgPsql(url, sql) {
  const c = conf();
  const name = /^postgresql:\/\/[^/]*\/([^?]+)/.exec(url)[1];
  return [join(c.bin, 'psql'), ['-X', '-q', '-A', '-t', '-h', c.socketDir, '-p', String(c.port), '-U', c.user,
    '-d', name, '-v', 'ON_ERROR_STOP=1', '-c', sql]];
}

/** One statement on the database of url; its output (unaligned, tuples only). */
export function pgQuery(url, sql) {
  const name = /^postgresql:\/\/[^/]*\/([^?]+)/.exec(url)[1];
  return psql(name, sql);
}
