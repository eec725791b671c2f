// Browser test of 首页, the commander's home page (issue 11, item 6), at 1920 px and 360 px.
//   Returnees of two townships are pushed and one is verified and placed under observation;
//   then the server comes back two days later (--clock-offset), when the open tasks are
//   past their 24 hours, and one more returnee is pushed that day.
//   A county commander signs in and lands on 首页 (not the area tree): every tile shows the
//   number GET /api/v1/reports/daily shows for the county; the trend chart spans 14 report
//   days, 30 after the toggle, with the series of GET /api/v1/reports/trend; the reporting
//   block says 0 of the townships have reported and names them; the overdue tile leads to
//   the county's overdue tasks, and a township's overdue number to the township's.
//   On a 360 px phone the same figures are cards, each a tap target of at least 44 px, and
//   the overdue card leads to the same list.
// Never sleeps: every wait is for a condition.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BIN, COUNTY, TOWNSHIP, ADMIN_PASSWORD, CHROMIUM_ARGS, OUT, chromium, env, citizenId, byTest, shot, login, noOverflow,
  apiSession, run, until,
} from './lib.mjs';

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Home-Page-Pass-2026';
const TWO_DAYS = 2 * 86400;
const DESKTOP = { viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const TILE_KEYS = ['screened_total', 'verified_total', 'observation_active', 'fever_new', 'tasks_overdue', 'to_place'];

// This test needs the server twice on one database (today, then two days on), so it runs
// its own rather than useFangkong's.
let server, tmp;
function serve(args = []) {
  return new Promise((resolve, reject) => {
    server = spawn(BIN, ['serve', '--db', env.db, '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const deadline = setTimeout(() => reject(new Error(`server did not listen in 60 s:\n${env.log}`)), 60_000);
    createInterface({ input: server.stdout }).on('line', (line) => {
      env.log += `${line}\n`;
      const m = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(deadline); env.base = m[1]; resolve(); }
    });
    server.stderr.on('data', (d) => { env.log += d; });
    server.on('exit', (code, sig) => { clearTimeout(deadline); reject(new Error(`server exited (${code ?? sig}):\n${env.log}`)); });
  });
}
async function stop() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once('exit', r));
  process.kill(server.pid, 'SIGTERM');
  await exited;
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  tmp = mkdtempSync(join(tmpdir(), 'fangkong-e2e-home-'));
  env.dir = tmp;
  env.db = join(tmp, 't.db');
  env.log = '';
  run(['init', '--db', env.db, '--county', COUNTY]);
  run(['user', 'add', '--db', env.db, '--username', 'admin', '--role', 'admin', '--area', COUNTY], `${ADMIN_PASSWORD}\n`);
  await serve();
  env.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
});
after(async () => {
  if (env.browser) await env.browser.close().catch(() => {});
  await stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let seq = 0;
async function importList(admin, rows) {
  const login = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await login.json();
  const cookie = /fk_session=([^;]+)/.exec(login.headers.get('set-cookie'))[1];
  const lines = rows.map(([name, addr]) => [name, citizenId(`3204811980011${String(500 + ++seq).padStart(4, '0')}`), '13812340001', '湖北省武汉市', '2020-01-26', addr].join(','));
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF姓名,身份证号码,联系电话,来源地,返乡日期,现住址\r\n${lines.join('\r\n')}\r\n`]), 'list.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  const text = await up.text();
  assert.equal(up.status, 202, text);
  const { id } = JSON.parse(text);
  const job = await until('the import', async () => {
    const j = (await admin('GET', `/api/v1/imports/${id}`)).body;
    return j.status === 'done' || j.status === 'failed' ? j : null;
  });
  assert.equal(job.status, 'done', JSON.stringify(job));
}

// The tiles of the page as {key: number}.
async function tiles(page) {
  await byTest(page, 'home-tile').first().waitFor();
  return page.$$eval('[data-test="home-tile"]', (els) => Object.fromEntries(els.map((e) => [e.dataset.key, Number(e.dataset.value)])));
}

test('首页: the commander lands on today\'s figures, the trend and the progress, each leading to its list', { timeout: 300_000 }, async () => {
  // ---- today: pushed, one verified and placed; a county commander ----
  let admin = await apiSession('admin', ADMIN_PASSWORD);
  const made = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username: 'home_cmd', display_name: '县指挥部', role: 'commander', area: COUNTY, password: FIRST_PASSWORD });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const own = await apiSession('home_cmd', FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  const town = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username: 'home_town', display_name: '社渚镇指挥部', role: 'commander', area: TOWNSHIP, password: FIRST_PASSWORD });
  assert.equal(town.status, 201, JSON.stringify(town.body));
  const ownTown = await apiSession('home_town', FIRST_PASSWORD);
  assert.equal((await ownTown('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  await importList(admin, [['周一', '社渚镇社渚村1组'], ['周二', '社渚镇社渚村2组'], ['周三', '社渚镇社渚村3组'], ['吴一', '竹箦镇']]);
  const task = (await admin('GET', '/api/v1/tasks?limit=50')).body.items.find((x) => x.person_name === '周一');
  let r = await admin('POST', `/api/v1/tasks/${task.id}/close`, { uuid: randomUUID(), outcome: 'observation' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: task.person_id });
  assert.equal(r.status, 201, JSON.stringify(r.body));

  // ---- two days on: the open tasks are overdue; one more pushed today ----
  await stop();
  await serve(['--clock-offset', String(TWO_DAYS)]);
  admin = await apiSession('admin', ADMIN_PASSWORD);
  await importList(admin, [['周四', '社渚镇社渚村4组']]);
  const cmd = await apiSession('home_cmd', PASSWORD);
  const daily = (await cmd('GET', `/api/v1/reports/daily?area=${COUNTY}`)).body;
  const trend14 = (await cmd('GET', `/api/v1/reports/trend?area=${COUNTY}&days=14`)).body;
  const trend30 = (await cmd('GET', `/api/v1/reports/trend?area=${COUNTY}&days=30`)).body;
  assert.equal(daily.figures.tasks_overdue, 3, 'three open tasks past their 24 hours');
  assert.equal(daily.figures.screened_total, 5);
  assert.equal(daily.figures.observation_active, 1);
  const township = daily.children.find((c) => c.area === TOWNSHIP);
  assert.equal(township.figures.tasks_overdue, 2);

  const errors = [];
  const deskCtx = await env.browser.newContext(DESKTOP);
  const phoneCtx = await env.browser.newContext(PHONE);
  try {
    // ---- 1920 px ----
    const desk = await deskCtx.newPage();
    desk.on('pageerror', (e) => errors.push(`desk: ${e}`));
    await login(desk, 'home_cmd', PASSWORD);
    await desk.waitForURL('**/dashboard');
    await byTest(desk, 'home').waitFor();
    assert.deepEqual(await tiles(desk), Object.fromEntries(TILE_KEYS.map((k) => [k, daily.figures[k]])));
    // the day's increases beside the totals
    const sub = await desk.$$eval('[data-test="home-tile"] .sub', (els) => Object.fromEntries(els.map((e) => [e.dataset.key, Number(e.dataset.value)])));
    assert.deepEqual(sub, { screened_new: daily.figures.screened_new, verified_new: daily.figures.verified_new, observation_new: daily.figures.observation_new });
    assert.equal(sub.screened_new, 1);

    // the trend: 14 report days, the API's series; 30 after the toggle
    const trendBox = byTest(desk, 'home-trend');
    await trendBox.locator('canvas').first().waitFor();
    assert.equal(await trendBox.getAttribute('data-days'), '14');
    assert.equal(await trendBox.getAttribute('data-to'), daily.date);
    const series14 = JSON.parse(await trendBox.getAttribute('data-series'));
    for (const k of ['screened_new', 'verified_new', 'observation_active', 'fever_new']) assert.deepEqual(series14[k], trend14.series[k], k);
    assert.equal(series14.observation_active[13], daily.figures.observation_active, 'today\'s point is today\'s tile');
    assert.equal(series14.screened_new[13], daily.figures.screened_new);
    assert.equal(series14.screened_new.reduce((a, b) => a + b, 0), daily.figures.screened_total);
    await byTest(desk, 'home-days-30').click();
    await desk.waitForURL((u) => u.searchParams.get('days') === '30');
    await until('30 days', async () => (await trendBox.getAttribute('data-days')) === '30');
    assert.deepEqual(JSON.parse(await trendBox.getAttribute('data-series')).screened_new, trend30.series.screened_new);

    // progress per township: the chart and the report's numbers beside it
    await byTest(desk, 'home-progress-chart').locator('canvas').first().waitFor();
    assert.equal(await byTest(desk, 'home-progress-chart').getAttribute('data-count'), String(daily.children.length));
    const overdueCell = desk.locator(`[data-test="home-child-overdue"][data-area="${TOWNSHIP}"]`);
    assert.equal(await overdueCell.getAttribute('data-value'), '2');

    // reporting: none of the townships has reported today
    const submitted = byTest(desk, 'home-submitted');
    assert.equal(await submitted.getAttribute('data-submitted'), String(daily.rates.submitted));
    assert.equal(await submitted.getAttribute('data-expected'), String(daily.rates.expected));
    assert.equal(daily.rates.submitted, 0);
    assert.equal(await byTest(desk, 'home-missing').getAttribute('data-count'), String(daily.rates.expected));
    await desk.locator(`[data-test="home-missing-area"][data-area="${TOWNSHIP}"]`).waitFor();
    await shot(desk, 'home-1920');
    await noOverflow(desk, 'home at 1920 px');

    // the overdue tile: the county's overdue tasks
    await desk.locator('[data-test="home-tile"][data-key="tasks_overdue"]').click();
    await desk.waitForURL((u) => u.pathname === `/tasks/${COUNTY}` && u.searchParams.get('status') === 'overdue');
    await until('3 overdue rows', async () => (await byTest(desk, 'task-row').count()) === 3);
    // back, and a township's overdue number: the township's
    await desk.goBack();
    await desk.waitForURL('**/dashboard**');
    await overdueCell.click();
    await desk.waitForURL((u) => u.pathname === `/tasks/${TOWNSHIP}` && u.searchParams.get('status') === 'overdue');
    await until('2 overdue rows', async () => (await byTest(desk, 'task-row').count()) === 2);
    // the menu leads back to 首页
    await byTest(desk, 'nav-dashboard').click();
    await desk.waitForURL('**/dashboard**');

    // ---- 360 px: the county's commander, then the township's ----
    const mob = await phoneCtx.newPage();
    mob.on('pageerror', (e) => errors.push(`phone: ${e}`));
    await login(mob, 'home_cmd', PASSWORD);
    await mob.waitForURL('**/dashboard');
    assert.deepEqual(await tiles(mob), Object.fromEntries(TILE_KEYS.map((k) => [k, daily.figures[k]])));
    for (const box of await byTest(mob, 'home-tile').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))) assert.ok(box >= 44, `a card is ${box}px high`);
    await byTest(mob, 'home-trend').locator('canvas').first().waitFor();
    assert.equal(await byTest(mob, 'home-trend').getAttribute('data-days'), '14');
    const child = mob.locator(`[data-test="home-child"][data-area="${TOWNSHIP}"]`);
    assert.ok((await child.boundingBox()).height >= 44);
    assert.equal(await mob.locator(`[data-test="home-child-overdue"][data-area="${TOWNSHIP}"]`).getAttribute('data-value'), '2');
    assert.equal(await byTest(mob, 'home-missing').getAttribute('data-count'), String(daily.rates.expected));
    await shot(mob, 'home-360');
    await noOverflow(mob, 'home at 360 px');
    await mob.locator('[data-test="home-tile"][data-key="tasks_overdue"]').tap();
    await mob.waitForURL((u) => u.pathname === `/tasks/${COUNTY}` && u.searchParams.get('status') === 'overdue');
    await until('3 overdue cards', async () => (await byTest(mob, 'task-row').count()) === 3);

    const tmob = await (await env.browser.newContext(PHONE)).newPage();
    tmob.on('pageerror', (e) => errors.push(`township phone: ${e}`));
    const townDaily = (await (await apiSession('home_town', PASSWORD))('GET', '/api/v1/reports/daily')).body;
    assert.equal(townDaily.area, TOWNSHIP);
    await login(tmob, 'home_town', PASSWORD);
    await tmob.waitForURL('**/dashboard');
    assert.deepEqual(await tiles(tmob), Object.fromEntries(TILE_KEYS.map((k) => [k, townDaily.figures[k]])));
    assert.equal(townDaily.figures.tasks_overdue, 2);
    // a township reports itself: its own report of the day, not submitted yet
    assert.equal(await byTest(tmob, 'home-own-status').getAttribute('data-status'), 'draft');
    await shot(tmob, 'home-360-township');
    await tmob.locator('[data-test="home-tile"][data-key="tasks_overdue"]').tap();
    await tmob.waitForURL((u) => u.pathname === `/tasks/${TOWNSHIP}` && u.searchParams.get('status') === 'overdue');
    await until('2 overdue cards', async () => (await byTest(tmob, 'task-row').count()) === 2);
    await tmob.context().close();
  } finally {
    await deskCtx.close();
    await phoneCtx.close();
  }
  assert.deepEqual(errors, []);
});
