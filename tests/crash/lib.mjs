// Shared by the crash tests: the server binary, its CLI, SQL on the database, a server on a
// free port, logged-in clients and a small promise pool. Every server started is remembered
// in `servers` so that a test's `after` can stop what is left by its PID.
//
// The tests run on SQLite (the crash suite) and on PostgreSQL (crash-pg: FANGKONG_PG set by
// tests/pg/with-cluster.mjs). newDb() gives a fresh database of the backend (a file in the
// test's dir, or a new database in the cluster), sql() answers its rows as `a|b` lines on
// both (sqlite3, or psql -A -t), startServer() gives each PostgreSQL database its own
// --data-dir (uploads, card-link key) that restarts reuse, and settled() waits until a
// killed server's PostgreSQL sessions are gone.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { serverBin } from '../pg/cluster.mjs';
import { freshPgDb, pgEnabled } from '../pg/db.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = resolve(ROOT, process.env.FANGKONG_BIN || 'build/fangkong');
export const COUNTY = '320481'; // 溧阳市
export const PASSWORD = 'Liyang-Test-Pass-2026';
export const REQUEST_TIMEOUT_MS = 30_000;
/** Whether the suite runs on PostgreSQL (crash-pg). */
export const PG = pgEnabled();
const isPgUrl = (db) => /^postgres(ql)?:\/\//.test(db);
const psqlBin = () => (serverBin() ? join(serverBin(), 'psql') : 'psql');

export const servers = new Set(); // every server child started, for `after`

export function run(args, input) {
  const r = spawnSync(BIN, args, { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

export function mustRun(args, input) {
  const r = run(args, input);
  assert.equal(r.status, 0, `fangkong ${args.join(' ')} failed (${r.status}):\n${r.out}`);
  return r.out;
}

/** A fresh database for a test: on SQLite the file `name` in dir, on PostgreSQL a new
 * database in the cluster (its URL). */
export function newDb(dir, name) {
  return PG ? freshPgDb() : join(dir, name);
}

/** The rows of a query as `a|b` lines, on either backend (sqlite3, or psql -A -t). */
export function sql(db, query) {
  if (isPgUrl(db)) {
    // psql takes the URL itself: the suite's cluster or a test's own (pg_stop)
    const r = spawnSync(psqlBin(), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', query],
      { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `psql ${query} failed: ${r.stderr}${r.error ?? ''}`);
    return r.stdout.split('\n').filter((l) => l !== '');
  }
  const r = spawnSync('sqlite3', ['-batch', '-bail', db, query], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `sqlite3 ${query} failed: ${r.stderr}${r.error ?? ''}`);
  return r.stdout.split('\n').filter((l) => l !== '');
}

// The --data-dir of each PostgreSQL database (servers on one database share it), removed by
// killAll().
const dataDirs = new Map();
export function dataDir(db) {
  if (!dataDirs.has(db)) dataDirs.set(db, mkdtempSync(join(tmpdir(), 'fangkong-crash-data-')));
  return dataDirs.get(db);
}

/** The sessions other than psql's own on a PostgreSQL database: of application `app` (the
 * application_name in a server's URL), or all of them. Always 0 on SQLite. */
export function pgSessions(db, app) {
  if (!isPgUrl(db)) return 0;
  const name = /^postgres(?:ql)?:\/\/[^/]*\/([^?]+)/.exec(db)[1];
  const only = app ? ` AND application_name = '${app}'` : '';
  return Number(sql(db, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'
    AND pid <> pg_backend_pid()${only}`)[0]);
}

/** After a server was killed: waits until PostgreSQL has ended its sessions (a statement it
 * was running, a COMMIT it had sent, is finished or rolled back by then), so that what the
 * test reads is final. `app`: only that server's sessions (others still run). */
export async function settled(db, app, timeoutMs = 60_000) {
  const until = performance.now() + timeoutMs;
  while (pgSessions(db, app) > 0) {
    assert.ok(performance.now() < until, `PostgreSQL sessions of a killed server still open after ${timeoutMs} ms`);
    await delay(50);
  }
}

// Starts `fangkong serve` on db; resolves with { child, base, log(), problems() } once it
// listens (log: the tail of its output; problems: its first ERROR lines and 500s, then its
// first WARN lines).
// On PostgreSQL the server gets the database's --data-dir, and app names its sessions
// (application_name, for pgSessions and settled).
export function startServer(db, extraArgs = [], { app } = {}) {
  return new Promise((resolveStart, reject) => {
    let dbArg = db;
    const pgArgs = [];
    if (isPgUrl(db)) {
      if (app) dbArg = `${db}${db.includes('?') ? '&' : '?'}application_name=${app}`;
      if (!extraArgs.includes('--data-dir')) pgArgs.push('--data-dir', dataDir(db));
    }
    const child = spawn(BIN, ['serve', '--db', dbArg, '--listen', '127.0.0.1:0', '--login-per-minute', '1000', ...pgArgs, ...extraArgs],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    servers.add(child);
    let log = '';
    const errors = []; // the first 100 ERROR lines and answers 500
    const warnings = []; // the first 20 WARN lines
    // CRASH_SERVER_LOG=DIR: every server's whole output also in DIR/fangkong-PID.log
    const file = process.env.CRASH_SERVER_LOG ? join(process.env.CRASH_SERVER_LOG, `fangkong-${child.pid}.log`) : null;
    const keep = (s) => {
      log = (log + s).slice(-20_000);
      if (file) appendFileSync(file, s);
    };
    child.exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    createInterface({ input: child.stderr }).on('line', (line) => {
      keep(`${line}\n`);
      if (errors.length < 100 && / ERROR | 500 /.test(line)) errors.push(line);
      else if (warnings.length < 20 && / WARN /.test(line)) warnings.push(line);
    });
    const deadline = setTimeout(() => reject(new Error(`server did not report its port in 60 s:\n${log}`)), 60_000);
    const done = (fn, v) => { clearTimeout(deadline); fn(v); };
    createInterface({ input: child.stdout }).on('line', (line) => {
      keep(`${line}\n`);
      const m = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) done(resolveStart, { child, base: m[1], log: () => log, problems: () => [...errors, ...warnings].join('\n') });
    });
    child.once('error', (e) => done(reject, e));
    child.once('exit', (code, sig) => done(reject, new Error(`server exited (${code ?? sig}) before listening:\n${log}`)));
  });
}

export async function stopServer(child, signal) {
  if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, signal);
  const r = await child.exited;
  servers.delete(child);
  return r;
}

// A logged-in client: its own session cookie and CSRF token.
export async function login(base, username = 'admin', password = PASSWORD) {
  const res = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = await res.json();
  assert.equal(res.status, 200, `login: ${JSON.stringify(body)}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('fk_session='));
  assert.ok(cookie, 'login set no fk_session cookie');
  return { base, cookie, csrf: body.csrf };
}

export async function call(s, method, path, bodyText) {
  const headers = { Cookie: s.cookie };
  if (bodyText !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = s.csrf;
  }
  const res = await fetch(`${s.base}${path}`, {
    method, headers, body: bodyText, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* reported by the caller */ }
  return { status: res.status, json, text };
}

/** Sends one write until it is acknowledged (201 or 200), with the same uuid and body every
 * time, as a client whose answer was lost does: a 503 (the store busy: PostgreSQL away or
 * just back) or a failed request (a killed server) is tried again after a short pause, each
 * attempt on the session pick(previous) gives (previous: the last failed attempt,
 * {status} or {error}; undefined at first; onRetry(previous) is told of each). Answers
 * { res, tries } (tries: the failed attempts, as statuses or error codes). Any other answer,
 * or no acknowledgement within deadlineMs, throws. */
export async function writeUntilAcked(pick, method, path, body, { deadlineMs = 120_000, onRetry = () => {} } = {}) {
  const until = performance.now() + deadlineMs;
  const tries = [];
  let previous;
  for (;;) {
    const s = pick(previous);
    let res;
    try {
      res = await call(s, method, path, body);
    } catch (e) {
      res = null;
      previous = { error: e.cause?.code ?? e.name, base: s.base };
    }
    if (res && (res.status === 201 || res.status === 200)) return { res, tries };
    if (res && res.status !== 503) {
      throw new Error(`${method} ${path} on ${s.base} answered ${res.status}: ${res.text.slice(0, 300)} (after ${tries.join(', ') || 'no retry'})`);
    }
    if (res) previous = { status: 503, base: s.base };
    tries.push(previous.error ?? previous.status);
    onRetry(previous);
    if (performance.now() > until) throw new Error(`${method} ${path} not acknowledged in ${deadlineMs} ms: ${tries.slice(-5).join(', ')}`);
    await delay(20); // a pause between tries, as a client's back-off; no wait for a condition
  }
}

/** Waits until cond() is true, looking every 20 ms; fails with what after timeoutMs. */
export async function waitFor(cond, what, timeoutMs = 120_000) {
  const until = performance.now() + timeoutMs;
  while (!(await cond())) {
    assert.ok(performance.now() < until, `waited ${timeoutMs} ms for ${what}`);
    await delay(20);
  }
}

// Runs fn over items with at most n at a time.
export async function pool(items, n, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}


// Stops every server still running (SIGKILL), for a test's `after`.
export async function killAll() {
  for (const child of [...servers]) {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone already */ }
    }
    await child.exited;
    servers.delete(child);
  }
  for (const dir of dataDirs.values()) rmSync(dir, { recursive: true, force: true });
  dataDirs.clear();
}
