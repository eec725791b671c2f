// Browser test of "status runs ahead of facts" (issue 10, item 5): a verification is no
// placing. A returnee list is uploaded through the API; then
//  - the grid worker, on a 360 px phone, closes the task with 核实，需落实居家观察 and lands
//    straight on the placing form (no "稍后"), which says the person is verified and still to
//    be placed — never "此人已在居家观察中";
//  - the commander, at 1366 px, sees the person counted on the observation board (待落实观察)
//    and listed behind that number (the task list's 待落实观察 filter, with 落实居家观察);
//  - the worker submits the placing: the person is under observation, and the board's count
//    and the list are empty again.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, ADMIN_PASSWORD, env, citizenId, byTest, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('to-place');

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Place-Them-Pass-2026';
const WORKER = { username: 'gw_place', name: '社渚网格员', phone: '13700137031', role: 'grid_worker' };
const RETURNEE = { name: '孔待落', id: citizenId('32048119790101123'), phone: '13812345801', address: '社渚镇社渚村5组7号' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESKTOP = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function importReturnee() {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const csv = ['姓名,身份证号,手机号码,来源地,返乡日期,现住址', [RETURNEE.name, RETURNEE.id, RETURNEE.phone, '湖北省武汉市', '2020-01-23', RETURNEE.address].join(',')].join('\r\n');
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF${csv}\r\n`]), 'returnees.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202, await up.text());
}

test('closing as verified for observation leads into placing; the unplaced are counted and listed', { timeout: 180_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const made = await admin('POST', '/api/v1/users', {
    uuid: randomUUID(), username: WORKER.username, display_name: WORKER.name, phone: WORKER.phone, role: WORKER.role, area: VILLAGE, password: FIRST_PASSWORD,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const own = await apiSession(WORKER.username, FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  await importReturnee();
  const task = await until('the imported task', async () => (await admin('GET', '/api/v1/tasks?limit=50')).body.items.find((t) => t.person_name === RETURNEE.name));
  const boardCount = async () => (await admin('GET', '/api/v1/observation-board')).body.counts.to_place;
  assert.equal(await boardCount(), 0);

  const errors = [];
  const phoneCtx = await env.browser.newContext(PHONE);
  const deskCtx = await env.browser.newContext(DESKTOP);
  const gw = await phoneCtx.newPage();
  const desk = await deskCtx.newPage();
  for (const [p, who] of [[gw, 'worker'], [desk, 'admin']]) p.on('pageerror', (e) => errors.push(`${who}: ${e}`));
  try {
    // ---- the grid worker closes the task at the door ----
    await login(gw, WORKER.username, PASSWORD);
    await gw.waitForURL((u) => !u.pathname.endsWith('/login'));
    await gw.goto(`${env.base}/my-tasks/${task.id}`);
    await assertText(byTest(gw, 'my-task-name'), RETURNEE.name);
    const option = gw.locator(sel('outcome-option', { code: 'observation' }));
    await assertText(option, '核实，需落实居家观察');
    await option.click();
    await byTest(gw, 'close-submit').click();

    // straight into placing: no "later" dialog, and a truthful notice
    await gw.waitForURL(`**/observations/new/${task.person_id}`);
    await byTest(gw, 'place-page').waitFor();
    await assertText(byTest(gw, 'place-name'), RETURNEE.name);
    await byTest(gw, 'place-to-place').waitFor();
    assert.equal(await byTest(gw, 'place-already').count(), 0);
    assert.ok(!(await byTest(gw, 'place-page').innerText()).includes('此人已在居家观察中'), 'no claim of an observation not placed');
    assert.equal(await gw.locator('.van-dialog').filter({ visible: true }).count(), 0, 'no "稍后" dialog');
    await noOverflow(gw, 'placing');
    await shot(gw, 'p01-place-after-close-phone');
    const file = await admin('GET', `/api/v1/persons/${task.person_id}`);
    assert.equal(file.body.status, 'to_place', 'verified, not under observation');
    assert.equal(await boardCount(), 1);

    // ---- the commander's board counts the person and leads to them ----
    await login(desk, 'admin', ADMIN_PASSWORD);
    await desk.waitForURL((u) => !u.pathname.endsWith('/login'));
    await desk.goto(`${env.base}/obs-board`);
    const tile = desk.locator(sel('board-count', { key: 'to_place' }));
    await assertText(tile, '待落实观察');
    await until('the count on the board', async () => (await tile.getAttribute('data-value')) === '1');
    await noOverflow(desk, 'board');
    await shot(desk, 'p02-board-to-place-desktop');
    await tile.click();
    await desk.waitForURL((u) => u.pathname.startsWith('/tasks/') && u.searchParams.get('status') === 'to_place');
    await desk.locator(sel('task-row', { id: task.id })).waitFor();
    await desk.locator(sel('task-place', { id: task.id })).waitFor();
    await byTest(desk, 'tasks-to-place-hint').waitFor();
    await noOverflow(desk, 'to-place list');
    await shot(desk, 'p03-tasks-to-place-desktop');

    // ---- the worker places the observation ----
    await byTest(gw, 'place-submit').click();
    await byTest(gw, 'place-done').waitFor();
    assert.equal((await admin('GET', `/api/v1/persons/${task.person_id}`)).body.status, 'observation');
    assert.equal(await boardCount(), 0);
    await desk.reload();
    await byTest(desk, 'tasks-to-place-hint').waitFor();
    await desk.locator(sel('task-row', { id: task.id })).waitFor({ state: 'detached' });
    await desk.goto(`${env.base}/obs-board`);
    await until('the board emptied', async () => (await desk.locator(sel('board-count', { key: 'to_place' })).getAttribute('data-value')) === '0');
    assert.deepEqual(errors, []);
  } finally {
    await phoneCtx.close();
    await deskCtx.close();
  }
});
