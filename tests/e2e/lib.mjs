// Shared by the browser tests: a fresh database (init + an admin account) and `fangkong
// serve` on a free 127.0.0.1 port, headless Chromium (playwright-core from web/node_modules,
// the system /usr/bin/chromium), and the helpers every page test uses. `useFangkong(tag)`
// registers the suite's before/after: the server is stopped by its PID (SIGTERM, SIGKILL
// after 15 s) and the temp dir removed. Screenshots go to tests/e2e/out/.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const OUT = join(ROOT, 'tests/e2e/out');
export const BIN = resolve(ROOT, process.env.FANGKONG_BIN || 'build/fangkong');
const require = createRequire(new URL('../../web/package.json', import.meta.url));
export const { chromium } = require('playwright-core');

export const COUNTY = '320481'; // 溧阳市
export const TOWNSHIP = '320481116'; // 社渚镇
export const VILLAGE = '320481116200'; // 社渚村村委会
export const ADMIN_PASSWORD = 'County-Post-Pass-2026';
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The running suite's server and browser, filled in by useFangkong's `before`.
export const env = { base: '', browser: null, dir: '', db: '', log: '' };

// A citizen ID number with its GB 11643 check character.
export function citizenId(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const s = [...first17].reduce((a, d, i) => a + Number(d) * w[i], 0);
  return first17 + '10X98765432'[s % 11];
}

export function run(args, input) {
  const r = spawnSync(BIN, args, { cwd: ROOT, input, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `fangkong ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

let server;

// Starts `fangkong serve` and resolves with its base URL once it says where it listens.
function startServer(db, args = []) {
  return new Promise((resolveUrl, reject) => {
    server = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => reject(new Error(`server did not report its port in 60 s:\n${env.log}`)), 60_000);
    const done = (fn, v) => { clearTimeout(deadline); fn(v); };
    createInterface({ input: server.stdout }).on('line', (line) => {
      env.log += `${line}\n`;
      const m = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) done(resolveUrl, m[1]);
    });
    server.stderr.on('data', (d) => { env.log += d; });
    server.on('error', (e) => done(reject, e));
    server.on('exit', (code, sig) => done(reject, new Error(`server exited (${code ?? sig}) before listening:\n${env.log}`)));
  });
}

// The --clock-offset that keeps the server's local time (Asia/Shanghai) in the day, from
// 08:05 to 19:00 of the same date: a person placed after the evening slot's 21:00 deadline
// has nothing due today, and a checkpoint's registration before 08:00 belongs to the night
// shift that began the day before; a test that needs someone on today's follow-up list, or
// today's day shift, must not depend on the hour it runs at. 0 in those hours; else forward
// to 08:05 or back to 19:00 of the same date (the browser's date agrees).
export function daytimeOffset(now = Date.now()) {
  const local = new Date(now + 8 * 3600e3);
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  if (minutes < 8 * 60 + 5) return (8 * 60 + 5 - minutes) * 60;
  return minutes < 19 * 60 ? 0 : -(minutes - 19 * 60) * 60;
}

// serveArgs: more options of `fangkong serve` (e.g. --sms-command PATH); daytime: the
// server's clock held before 19:00 local (daytimeOffset).
export function useFangkong(tag, { serveArgs = [], daytime = false } = {}) {
  let tmp;
  before(async () => {
    assert.ok(existsSync(BIN), `server binary ${BIN} missing: build it first (or set FANGKONG_BIN)`);
    mkdirSync(OUT, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), `fangkong-e2e-${tag}-`));
    env.dir = tmp;
    env.db = join(tmp, 't.db');
    run(['init', '--db', env.db, '--county', COUNTY]);
    run(['user', 'add', '--db', env.db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${ADMIN_PASSWORD}\n`);
    const offset = daytime ? daytimeOffset() : 0;
    // Every page test signs in from 127.0.0.1: the per-address login limit (30 a minute by
    // default) would count a whole file's accounts as one stranger. Tests of the limit set it.
    const args = serveArgs.includes('--login-per-minute') ? [...serveArgs] : [...serveArgs, '--login-per-minute', '10000'];
    if (offset) args.push('--clock-offset', String(offset));
    env.base = await startServer(env.db, args);
    env.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    // the pages' clock agrees with the server's: what a phone stamps (a registration's
    // time) falls in the server's hour, not the machine's
    env.clockOffsetMs = offset * 1000;
    if (offset) {
      const plain = env.browser.newContext.bind(env.browser);
      env.browser.newContext = async (opts) => {
        const ctx = await plain(opts);
        await ctx.clock.install({ time: Date.now() + env.clockOffsetMs });
        await ctx.clock.resume();
        return ctx;
      };
    }
  });
  after(async () => {
    if (env.browser) await env.browser.close().catch(() => {});
    if (server && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      process.kill(server.pid, 'SIGTERM');
      // A server that ignores SIGTERM for 15 s is killed outright (and the test says so).
      const stuck = setTimeout(() => {
        process.stderr.write('fangkong did not stop on SIGTERM within 15 s; sending SIGKILL\n');
        process.kill(server.pid, 'SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(stuck);
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  return env;
}

// ---- page helpers ----

export const byTest = (page, name) => page.locator(`[data-test="${name}"]`);
// Element Plus and Vant put a data-test attribute on the <input>/<textarea> or on its wrapper.
export const field = (page, name) => page.locator(`input[data-test="${name}"], textarea[data-test="${name}"], [data-test="${name}"] input, [data-test="${name}"] textarea`).first();
export const shot = (page, name) => page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true, animations: 'disabled' });
export const sel = (name, attrs = {}) => `[data-test="${name}"]${Object.entries(attrs).map(([k, v]) => `[data-${k}="${v}"]`).join('')}`;

export async function login(page, username, password) {
  await page.goto(`${env.base}/login`);
  await field(page, 'login-username').fill(username);
  await field(page, 'login-password').fill(password);
  await byTest(page, 'login-submit').click();
}

export async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: page is ${overflow}px wider than the screen`);
}

// JSON calls from Node with a session cookie and its CSRF token.
export async function apiSession(username, password) {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login of ${username}: ${res.status}`);
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  return async (method, path, body) => {
    const r = await fetch(`${env.base}${path}`, {
      method,
      headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  };
}

// Waits until one of the elements shows the text.
export async function assertText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor();
}

// Polls fn (every 100 ms) until it answers something truthy, and returns that.
export async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Uploads a list (CSV text, sent with a BOM) through POST /api/v1/imports as the account;
// returns the 202 answer's body.
export async function uploadList(username, password, filename, csv) {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login of ${username}: ${res.status}`);
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF${csv}\r\n`]), filename);
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  const text = await up.text();
  assert.equal(up.status, 202, text);
  return JSON.parse(text);
}

// Every visible tappable element of the page smaller than min × min px (44 by default), described.
export async function smallTargets(page, min = 44) {
  return page.evaluate((min) => {
    const SEL = 'a, button, [role="button"], [role="tab"], .van-tab, .van-cell--clickable, .clickable, .el-breadcrumb__inner.is-link, input[type="checkbox"], .van-checkbox, .van-radio, .van-switch';
    const out = [];
    for (const el of document.querySelectorAll(SEL)) {
      if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const r = el.getBoundingClientRect();
      if (!r.width || !r.height) continue;
      if (r.width + 0.5 >= min && r.height + 0.5 >= min) continue;
      // a radio, check mark or switch drawn inside its row or label: the whole row takes the tap
      const row = el.matches('.van-radio, .van-checkbox, .van-switch, input[type="checkbox"]') && el.parentElement.closest('.van-cell--clickable, label');
      if (row) {
        const rr = row.getBoundingClientRect();
        if (rr.width >= min && rr.height >= min) continue;
      }
      const dt = el.getAttribute('data-test') || (el.closest('[data-test]') && `in ${el.closest('[data-test]').getAttribute('data-test')}`) || '';
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join('.')} [${dt}] "${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 16)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return out;
  }, min);
}
