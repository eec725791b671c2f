// Browser tests of tasks reaching the grid worker (issue 10, item 1).
//   360 px: a grid worker whose account is on a grid of 社渚村 opens 我的任务, sees it empty
//           with the reason (the village has tasks waiting), takes one from 本村待认领 with one
//           tap, and it moves to 我的任务; a worker whose account has no grid is told so.
//   1366 px: the commander opens 社渚村's task list, reassigns two selected tasks to a grid,
//           then "all unassigned of this village" to another grid.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, byTest, shot, login, assertText, useFangkong, apiSession, noOverflow, citizenId } from './lib.mjs';

useFangkong('task-pool');

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Pool-Door-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const NAMES = ['认甲', '认乙', '认丙', '认丁', '认戊', '认己'];

async function makeAccount(adminApi, username, area) {
  const r = await adminApi('POST', '/api/v1/users', { uuid: randomUUID(), username, role: 'grid_worker', area, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  return apiSession(username, PASSWORD);
}

async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let G1, G2, G3; // grids of 社渚村
let adminApi;

async function importReturnees(names = NAMES, id = (i) => citizenId(`3204811980021${i}00${i}`), phone = (i) => `1381234580${i}`, openAfter = names.length) {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const csv = ['姓名,身份证号,手机号码,现住址', ...names.map((n, i) => [n, id(i), phone(i), `社渚镇社渚村${60 + i}号`].join(','))].join('\r\n');
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF${csv}\r\n`]), 'pool.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202, await up.text());
  await until('the import', async () => (await adminApi('GET', `/api/v1/tasks?area=${VILLAGE}&status=open`)).body.total === openAfter);
}

test('setup: grids of 社渚村 and a list left at the village', { timeout: 120_000 }, async () => {
  adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const mk = async (name) => {
    const r = await adminApi('POST', '/api/v1/areas', { uuid: randomUUID(), parent: VILLAGE, name });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  G1 = await mk('认领一网格');
  G2 = await mk('认领二网格');
  G3 = await mk('认领三网格');
  await importReturnees();
});

test('360 px: a grid worker is told why the list is empty and takes a task of the village', { timeout: 300_000 }, async () => {
  await makeAccount(adminApi, 'gw_pool_one', G1.code);
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'gw_pool_one', PASSWORD);
  await page.waitForURL('**/my-tasks');
  // nothing in the grid: the page says why, and shows the village's tasks to take
  await assertText(byTest(page, 'my-tasks-empty'), `本村有 ${NAMES.length} 项待认领`);
  await assertText(byTest(page, 'pool-title'), '本村待认领');
  await until('the pool', async () => (await page.locator('[data-test="pool-task"]').count()) === NAMES.length);
  const take = page.locator(`[data-test="pool-task"][data-person="${NAMES[0]}"] [data-test="pool-take"]`);
  const box = await take.boundingBox();
  assert.ok(box.height >= 44, `the take button is ${box.height} px high`);
  await noOverflow(page, 'my tasks with the pool at 360 px');
  await shot(page, 'task-pool-360-before');
  await take.click();
  // it moves to 我的任务 and leaves the pool
  await page.locator(`[data-test="my-task"][data-person="${NAMES[0]}"]`).waitFor();
  await page.locator(`[data-test="pool-task"][data-person="${NAMES[0]}"]`).waitFor({ state: 'detached' });
  await assertText(byTest(page, 'my-tasks-count'), '1 项待核查');
  await shot(page, 'task-pool-360-after');
  // on the server: the task is the worker's, at the grid
  const mine = await (await apiSession('gw_pool_one', PASSWORD))('GET', '/api/v1/tasks?status=open');
  assert.deepEqual(mine.body.items.map((t) => [t.person_name, t.area, t.assignee]), [[NAMES[0], G1.code, 'gw_pool_one']]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('360 px: an account with no grid is told to ask the commander', { timeout: 120_000 }, async () => {
  // a grid worker on another village of 社渚镇, which has no tasks at all
  const town = await adminApi('GET', `/api/v1/areas/${TOWNSHIP}`);
  const other = town.body.children.find((c) => c.level === 'village' && c.code !== VILLAGE);
  await makeAccount(adminApi, 'gw_pool_nogrid', other.code);
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  await login(page, 'gw_pool_nogrid', PASSWORD);
  await page.waitForURL('**/my-tasks');
  await assertText(byTest(page, 'my-tasks-empty'), '还没有分到网格');
  assert.equal(await page.locator('[data-test="pool-title"]').count(), 0);
  await shot(page, 'task-pool-360-nogrid');
  await ctx.close();
});

test('1366 px: the commander reassigns selected tasks, then all unassigned of the village to a grid', { timeout: 300_000 }, async () => {
  const ctx = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/dashboard');
  await page.goto(`${env.base}/tasks/${VILLAGE}?status=open`);
  await until('the rows', async () => (await page.locator('[data-test="task-row"]').count()) === NAMES.length);

  // select two rows → 批量转派 → 认领二网格
  for (const n of [NAMES[1], NAMES[2]]) {
    await page.locator('.el-table__row', { has: page.locator(`[data-test="task-row"][data-person="${n}"]`) }).locator('.el-checkbox').click();
  }
  await assertText(byTest(page, 'tasks-selected'), '已选 2 条');
  await byTest(page, 'tasks-bulk').click();
  const dlg = byTest(page, 'bulk-dialog');
  await assertText(dlg, '批量转派 2 条任务');
  await dlg.locator('[data-test="bulk-area"]').click();
  await page.keyboard.type('认领二');
  await page.locator(`[data-test="area-option"][data-code="${G2.code}"]`).filter({ visible: true }).first().click();
  await noOverflow(page, 'bulk dialog at 1366 px');
  await shot(page, 'task-bulk-1366-selected');
  await dlg.locator('[data-test="bulk-submit"]').click();
  await assertText(page.locator('.el-message'), '已转派 2 条');
  await until('two tasks at 认领二网格', async () => (await adminApi('GET', `/api/v1/tasks?area=${G2.code}&status=open`)).body.total === 2);

  // all unassigned of this village (three are left at the village) → 认领三网格
  await byTest(page, 'tasks-bulk-village').click();
  await assertText(dlg, '全部未认领任务转派');
  await dlg.locator('[data-test="bulk-area"]').click();
  await page.keyboard.type('认领三');
  await page.locator(`[data-test="area-option"][data-code="${G3.code}"]`).filter({ visible: true }).first().click();
  await dlg.locator('[data-test="bulk-submit"]').click();
  await assertText(page.locator('.el-message'), '已转派 3 条');
  const g3 = await until('three tasks at 认领三网格', async () => {
    const r = await adminApi('GET', `/api/v1/tasks?area=${G3.code}&status=open`);
    return r.body.total === 3 ? r.body : null;
  });
  assert.deepEqual(g3.items.map((t) => t.person_name).sort(), [NAMES[3], NAMES[4], NAMES[5]].sort());
  // the list shows where they went
  await until('the grid names in the list', async () => (await page.locator('.el-table__row', { hasText: '认领三网格' }).count()) === 3);
  // one audit row per batch
  const audit = await adminApi('GET', '/api/v1/audit?action=task.reassign_batch&limit=10');
  assert.equal(audit.body.items.length, 2);
  await noOverflow(page, 'task list at 1366 px');
  await shot(page, 'task-bulk-1366-village');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('360 px: a long village pool shows its first 50 and the rest on 加载更多', { timeout: 300_000 }, async () => {
  // the village's earlier tasks all went to grids above: the pool is these 55
  const many = Array.from({ length: 55 }, (_, i) => `池${String(i).padStart(2, '0')}`);
  // (the village's open tasks: these and the six on its grids)
  await importReturnees(many, (i) => citizenId(`32048119800301${String(100 + i)}`), (i) => `139${String(10000000 + i)}`, 55 + NAMES.length);
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  await login(page, 'gw_pool_one', PASSWORD);
  await page.waitForURL('**/my-tasks');
  await assertText(byTest(page, 'pool-title'), '55');
  await until('the first page', async () => (await page.locator('[data-test="pool-task"]').count()) === 50);
  await byTest(page, 'pool-more').click();
  await until('all of the pool', async () => (await page.locator('[data-test="pool-task"]').count()) === 55);
  assert.equal(await page.locator('[data-test="pool-more"]').count(), 0);
  await ctx.close();
});
