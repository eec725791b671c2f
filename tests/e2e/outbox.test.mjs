// Browser test of the one outbox (web/src/outbox.js) that keeps a grid worker's writes on the
// phone until the server has them: task closures and visits alike, against the real server.
//
// Through the API: two grid workers of 社渚村村委会, four returnees imported (four open
// tasks), and one person under observation. Then, on 360×740 phones:
//
//  a. a task closure and a visit made while writes do not get through are both in the one
//     list of unsent items, with their state; when the network comes back ('online') both
//     are sent once: one audit row each, the task closed, one visit;
//  b. entries stored by the two queues this one replaced (fk.outbox.<account>,
//     fk.obsbox.<account>), seeded before the app loads, are taken over and sent at the
//     app's start; another account's entries on the same phone wait for that account's
//     login and go out with its session;
//  c. a closure the server refuses with 409 (the task closed by someone else meanwhile) is
//     shown as failed with the server's message (in English here) and is never resent; it
//     can be discarded;
//  d. a write answered 401 in the background waits (shown as waiting for a login), is not
//     resent when the network comes back, and goes after the next login.
//
// Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('outbox');

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Outbox-Door-Pass-2026';
const GW1 = { username: 'gw_box_one', name: '网格员甲', phone: '13700137021', role: 'grid_worker' };
const GW2 = { username: 'gw_box_two', name: '网格员乙', phone: '13700137022', role: 'grid_worker' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const RETURNEES = ['赵甲', '钱乙', '孙丙', '李丁'].map((name, i) => ({
  name, id: citizenId(`3204811975010${i}00${i}`), phone: `1381234570${i}`, address: `社渚镇社渚村${i + 2}组`,
}));
const OBSERVED = { name: '周观察', phone: '13912345677', address: '社渚镇社渚村9组1号' };

// An account made by the admin, its first password already changed.
async function makeAccount(adminApi, a) {
  const r = await adminApi('POST', '/api/v1/users', {
    uuid: randomUUID(), username: a.username, display_name: a.name, phone: a.phone, role: a.role, area: VILLAGE, password: FIRST_PASSWORD,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(a.username, FIRST_PASSWORD);
  const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  return r.body.user;
}

// Polls fn until it returns a truthy value (the server's state after the browser's writes).
async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The list of returnees, uploaded as the admin (multipart; the session cookie by hand).
async function importReturnees() {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const csv = [
    '姓名,证件类型,身份证号,手机号码,来源地,返乡日期,交通方式,车次/航班/车牌,现住址,备注',
    ...RETURNEES.map((p) => [p.name, '居民身份证', p.id, p.phone, '湖北省武汉市', '2020-01-23', '火车', 'G101', p.address, ''].join(',')),
  ].join('\r\n');
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF${csv}\r\n`]), 'returnees.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202, await up.text());
}

const openPages = [];
async function shootOnFailure(fn) {
  try {
    await fn();
  } catch (e) {
    await Promise.all(openPages.map((p, i) => shot(p, `x-failed-${i}`).catch(() => {})));
    throw e;
  }
}

// Write POSTs of a page (task closures and visits) pass only while `net.up`; the ones that
// reached the server are counted per URL kind.
async function gateWrites(page, net) {
  const pass = (kind) => (route) => {
    if (!net.up) return route.abort('internetdisconnected');
    net.through[kind] += 1;
    return route.continue();
  };
  await page.route('**/api/v1/tasks/*/close', pass('close'));
  await page.route('**/api/v1/observations/*/visits', pass('visit'));
}

// The network comes back: the page's 'online' event.
async function backOnline(ctx, net) {
  net.up = true;
  await ctx.setOffline(true);
  await ctx.setOffline(false);
}

test('one outbox: closures and visits queued, migrated, sent once; a refused one stays failed', { timeout: 300_000 }, () => shootOnFailure(async () => {
  const errors = [];
  const adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const gw1 = await makeAccount(adminApi, GW1);
  const gw2 = await makeAccount(adminApi, GW2);
  await importReturnees();
  const open = await until('four open tasks', async () => {
    const r = await adminApi('GET', '/api/v1/tasks?status=open&limit=50');
    return r.status === 200 && r.body.items.length === 4 ? r.body.items : null;
  });
  const taskOf = Object.fromEntries(open.map((x) => [x.person_name, x.id]));
  const [taskA, taskB, taskC, taskD] = RETURNEES.map((p) => taskOf[p.name]);
  const made = await adminApi('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: OBSERVED.name, area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119860101456'),
    phone: OBSERVED.phone, address: OBSERVED.address,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await adminApi('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const obs = placed.body.observation;

  const audit = async (action) => (await adminApi('GET', `/api/v1/audit?action=${action}&limit=200`)).body.items;
  const task = async (id) => (await adminApi('GET', `/api/v1/tasks/${id}`)).body;
  const visits = async () => (await adminApi('GET', `/api/v1/observations/${obs.id}`)).body.visits.length;

  // ---- a. A closure and a visit while writes do not get through ----
  const ctxA = await env.browser.newContext(PHONE);
  const pa = await ctxA.newPage();
  openPages.push(pa);
  pa.on('pageerror', (e) => errors.push(`a: ${e}`));
  const netA = { up: false, through: { close: 0, visit: 0 } };
  await gateWrites(pa, netA);
  await login(pa, GW1.username, PASSWORD);
  await pa.waitForURL((u) => /\/(today|my-tasks)$/.test(u.pathname));

  await pa.goto(`${env.base}/my-tasks/${taskA}`);
  await assertText(byTest(pa, 'my-task-name'), RETURNEES[0].name);
  await pa.locator(sel('outcome-option', { code: 'duplicate' })).click();
  await byTest(pa, 'close-submit').click();
  await pa.waitForURL('**/my-tasks');
  await pa.locator(sel('unsent-item', { kind: 'close', ref: taskA, state: 'waiting' })).waitFor();

  await pa.goto(`${env.base}/observations/${obs.id}/visit`);
  await assertText(byTest(pa, 'visit-name'), OBSERVED.name);
  await field(pa, 'visit-temperature').fill('36.5');
  for (const f of ['saw_person', 'saw_home', 'saw_state']) await pa.locator(sel('visit-answer', { field: f, value: 'yes' })).click();
  await byTest(pa, 'visit-submit').click();
  await byTest(pa, 'visit-queued').waitFor();

  // Both kinds in the one list, on the task list and on the day's follow-ups alike.
  for (const path of ['/my-tasks', '/today']) {
    await pa.goto(`${env.base}${path}`);
    await pa.locator(sel('unsent-title', { count: 2 })).waitFor();
    await assertText(byTest(pa, 'unsent-title'), '未发送 2 条');
    const close = pa.locator(sel('unsent-item', { kind: 'close', ref: taskA, state: 'waiting' }));
    const visit = pa.locator(sel('unsent-item', { kind: 'visit', ref: obs.id, state: 'waiting' }));
    await assertText(close, `${RETURNEES[0].name} · 核查结果`);
    await assertText(visit, `${OBSERVED.name} · 随访记录`);
    await assertText(close, '未发送');
    await noOverflow(pa, `unsent on ${path}`);
  }
  await shot(pa, 'x01-unsent-both-phone');
  const stored = await pa.evaluate((id) => JSON.parse(localStorage.getItem(`fk.unsent.${id}`)), gw1.id);
  assert.deepEqual(stored.map((e) => e.kind).sort(), ['close', 'visit']);
  assert.equal(netA.through.close + netA.through.visit, 0);
  assert.equal((await task(taskA)).status, 'open');

  // Back online: both go, once.
  await backOnline(ctxA, netA);
  await byTest(pa, 'unsent-title').waitFor({ state: 'detached' });
  await until('task A closed', async () => (await task(taskA)).status === 'closed');
  assert.equal(await visits(), 1);
  assert.deepEqual(netA.through, { close: 1, visit: 1 }, 'each write reached the server once');
  const closeRows = (await audit('task.close')).filter((r) => r.object_id === taskA);
  assert.equal(closeRows.length, 1);
  assert.equal(closeRows[0].user, GW1.username);
  assert.equal((await audit('visit.create')).length, 1);
  assert.equal(await pa.evaluate((id) => localStorage.getItem(`fk.unsent.${id}`), gw1.id), null);
  await ctxA.close();

  // ---- b. Entries of the old queues, and another account's, on a phone ----
  const ctxB = await env.browser.newContext(PHONE);
  const pb = await ctxB.newPage();
  openPages.push(pb);
  pb.on('pageerror', (e) => errors.push(`b: ${e}`));
  const oldClose = { uuid: randomUUID(), outcome: 'duplicate', note: '旧版本保存的核查结果' };
  const oldVisit = {
    uuid: randomUUID(), mode: 'phone', saw_person: true, saw_home: false, saw_state: true, temperature: 36.6,
    at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const otherClose = { uuid: randomUUID(), outcome: 'other', note: '另一位网格员的核查结果' };
  await pb.goto(`${env.base}/login`);
  await pb.evaluate(({ gw1Id, gw2Id, taskB, taskC, obsId, oldClose, oldVisit, otherClose }) => {
    const at = new Date(Date.now() - 3600_000).toISOString();
    localStorage.setItem(`fk.outbox.${gw1Id}`, JSON.stringify([{ task: taskB, person: '钱乙', body: oldClose, at, tries: 3, error: '', field: '' }]));
    localStorage.setItem(`fk.obsbox.${gw1Id}`, JSON.stringify([{
      uuid: oldVisit.uuid, url: `/api/v1/observations/${obsId}/visits`, body: oldVisit, kind: 'visit', ref: obsId, label: '周观察', at, tries: 1, error: '', field: '',
    }]));
    localStorage.setItem(`fk.outbox.${gw2Id}`, JSON.stringify([{ task: taskC, person: '孙丙', body: otherClose, at, tries: 0, error: '', field: '' }]));
  }, { gw1Id: gw1.id, gw2Id: gw2.id, taskB, taskC, obsId: obs.id, oldClose, oldVisit, otherClose });

  await login(pb, GW1.username, PASSWORD);
  await until('task B closed by the migrated entry', async () => (await task(taskB)).status === 'closed');
  await until('the migrated visit', async () => (await visits()) === 2);
  const b = await task(taskB);
  assert.equal(b.note, oldClose.note);
  const bRows = (await audit('task.close')).filter((r) => r.object_id === taskB);
  assert.equal(bRows.length, 1);
  assert.equal(bRows[0].user, GW1.username);
  assert.equal((await audit('visit.create')).length, 2);
  await pb.waitForFunction((id) => !localStorage.getItem(`fk.outbox.${id}`) && !localStorage.getItem(`fk.obsbox.${id}`) && !localStorage.getItem(`fk.unsent.${id}`), gw1.id);
  // The other worker's closure stayed theirs: not sent with this session, still on the phone.
  assert.equal((await task(taskC)).status, 'open');
  assert.ok(await pb.evaluate((id) => localStorage.getItem(`fk.outbox.${id}`), gw2.id), 'the other account\'s entries are kept');

  // The other worker signs in on the same phone: their closure goes, with their session.
  await ctxB.clearCookies();
  await login(pb, GW2.username, PASSWORD);
  await until('task C closed by its own worker', async () => (await task(taskC)).status === 'closed');
  const cRows = (await audit('task.close')).filter((r) => r.object_id === taskC);
  assert.equal(cRows.length, 1);
  assert.equal(cRows[0].user, GW2.username);
  await pb.waitForFunction((id) => !localStorage.getItem(`fk.outbox.${id}`) && !localStorage.getItem(`fk.unsent.${id}`), gw2.id);
  await ctxB.close();

  // ---- c. A closure refused with 409 stays failed and is not resent (English UI) ----
  const ctxC = await env.browser.newContext({ ...PHONE, locale: 'en-US' });
  await ctxC.addInitScript(() => { try { localStorage.setItem('fk.locale', 'en'); } catch { /* about:blank */ } });
  const pc = await ctxC.newPage();
  openPages.push(pc);
  pc.on('pageerror', (e) => errors.push(`c: ${e}`));
  const netC = { up: false, through: { close: 0, visit: 0 } };
  await gateWrites(pc, netC);
  await login(pc, GW1.username, PASSWORD);
  await pc.waitForURL((u) => /\/(today|my-tasks)$/.test(u.pathname));
  await pc.goto(`${env.base}/my-tasks/${taskD}`);
  await assertText(byTest(pc, 'my-task-name'), RETURNEES[3].name);
  await pc.locator(sel('outcome-option', { code: 'duplicate' })).click();
  await byTest(pc, 'close-submit').click();
  await pc.waitForURL('**/my-tasks');
  const itemD = pc.locator(sel('unsent-item', { kind: 'close', ref: taskD }));
  await itemD.waitFor();
  // Meanwhile someone else closes the task.
  const other = await adminApi('POST', `/api/v1/tasks/${taskD}/close`, { uuid: randomUUID(), outcome: 'not_found' });
  assert.equal(other.status, 200, JSON.stringify(other.body));

  await backOnline(ctxC, netC);
  await pc.locator(sel('unsent-item', { kind: 'close', ref: taskD, state: 'failed' })).waitFor();
  await assertText(itemD, 'Not accepted: This verification task is already closed');
  await assertText(itemD.locator('[data-test="unsent-state"]'), 'Not accepted');
  await byTest(pc, 'unsent-discard').waitFor();
  assert.equal(await byTest(pc, 'unsent-resend').count(), 0, 'nothing waits: no resend button');
  assert.equal(netC.through.close, 1);
  await noOverflow(pc, 'failed entry');
  await shot(pc, 'x02-unsent-failed-phone');

  // A later round (the app's start) sends what waits after it, oldest first, and skips it.
  netC.up = false;
  await pc.goto(`${env.base}/observations/${obs.id}/visit`);
  await field(pc, 'visit-temperature').fill('36.7');
  for (const f of ['saw_person', 'saw_home', 'saw_state']) await pc.locator(sel('visit-answer', { field: f, value: 'yes' })).click();
  await byTest(pc, 'visit-submit').click();
  await byTest(pc, 'visit-queued').waitFor();
  netC.up = true;
  await pc.goto(`${env.base}/my-tasks`);
  await until('the visit queued after the refused closure', async () => (await visits()) === 3);
  await pc.locator(sel('unsent-title', { count: 1 })).waitFor();
  await itemD.waitFor();
  assert.equal(netC.through.visit, 1);
  assert.equal(netC.through.close, 1, 'the refused closure was not sent again');
  assert.equal((await task(taskD)).outcome, 'not_found');

  // Discarded by the worker: gone from the list and from the phone.
  await byTest(pc, 'unsent-discard').click();
  await pc.locator('.van-dialog__confirm').click();
  await itemD.waitFor({ state: 'detached' });
  assert.equal(await pc.evaluate((id) => localStorage.getItem(`fk.unsent.${id}`), gw1.id), null);

  // ---- d. A 401 in the background: the entry waits for a login, then goes ----
  const auth = { gone: false, refused: 0 };
  await pc.route('**/api/v1/observations/*/visits', (route) => {
    if (!auth.gone) return route.fallback();
    auth.refused += 1;
    return route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: { code: 'auth.required', message: 'Sign in first' } }) });
  });
  netC.up = false;
  await pc.goto(`${env.base}/observations/${obs.id}/visit`);
  await field(pc, 'visit-temperature').fill('36.4');
  for (const f of ['saw_person', 'saw_home', 'saw_state']) await pc.locator(sel('visit-answer', { field: f, value: 'yes' })).click();
  await byTest(pc, 'visit-submit').click();
  await byTest(pc, 'visit-queued').waitFor();
  netC.up = true;
  auth.gone = true;
  await pc.goto(`${env.base}/my-tasks`);
  await byTest(pc, 'unsent-login').waitFor();
  await pc.locator(sel('unsent-item', { kind: 'visit', state: 'waiting' })).waitFor();
  await ctxC.setOffline(true);
  await ctxC.setOffline(false); // 'online': still no resend without a login
  await assertText(byTest(pc, 'unsent-login'), 'Signed out');
  await ctxC.clearCookies();
  auth.gone = false;
  await login(pc, GW1.username, PASSWORD);
  await until('the visit sent after the login', async () => (await visits()) === 4);
  assert.equal(auth.refused, 1, 'one attempt met the 401; none until the next login');
  await pc.waitForFunction((id) => !localStorage.getItem(`fk.unsent.${id}`), gw1.id);
  await ctxC.close();

  assert.deepEqual(errors, [], 'no uncaught errors in the pages');
}));
