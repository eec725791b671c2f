// Browser test of issue 10, item 2 on a 360 px phone: a grid worker corrects a flagged file
// at the door and registers a person met there.
//
//  1. A list of one row (wrong ID check character, no phone) is imported; its task reaches
//     the village's grid worker flagged 身份证号校验位错误 and 缺少联系电话.
//  2. On the task, the fix-it form names both defects; a malformed phone is refused under
//     its field; the number from the card and a phone clear both defects (the form goes,
//     the task shows no defect, the number is masked).
//  3. From the task list, 登记新人员 registers a person without an ID number: the new file
//     is flagged 缺少身份证号 and its fix-it form takes the number at once.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('person-fix');

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const FIRST_PASSWORD = 'First-Pass-2026-fix';
const PASSWORD = 'Own-Pass-2026-fixer';
const WORKER = { username: 'fixer1', name: '吴网格', role: 'grid_worker' };

async function waitApi(fn) {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function tapTarget(locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box && box.height >= 44, `${what}: ${box && box.height} px high`);
}

test('issue 10 item 2: a flagged file is fixed from the task view; a person is registered from the phone', { timeout: 240_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const made = await admin('POST', '/api/v1/users', {
    uuid: randomUUID(), username: WORKER.username, display_name: WORKER.name, role: WORKER.role, area: VILLAGE, password: FIRST_PASSWORD,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const own = await apiSession(WORKER.username, FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);

  // ---- 1. a list row with a wrong check character and no phone ----
  const good = citizenId('32048119880412321');
  const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const fd = new FormData();
  fd.append('file', new Blob([Buffer.from(`姓名,身份证号码,联系电话,现住址\r\n孙校验,${bad},,社渚镇社渚村9组\r\n`, 'utf8')]), 'list.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202, await up.text());
  const worker = await apiSession(WORKER.username, PASSWORD);
  const task = await waitApi(async () => (await worker('GET', '/api/v1/tasks?status=open')).body.items.find((x) => x.person_name === '孙校验'));
  assert.deepEqual([...task.defects].sort(), ['id.check', 'phone.missing']);

  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await login(page, WORKER.username, PASSWORD);
    await page.waitForURL('**/my-tasks');
    await page.locator(sel('my-task', { person: '孙校验' })).click();
    await page.waitForURL('**/my-tasks/*');
    await assertText(byTest(page, 'my-task-name'), '孙校验');

    // ---- 2. the fix-it form names both defects ----
    await byTest(page, 'fix-form').waitFor();
    await page.locator(sel('fix-defect', { code: 'id.check' })).waitFor();
    await page.locator(sel('fix-defect', { code: 'phone.missing' })).waitFor();
    await assertText(byTest(page, 'fix-form'), '身份证号校验位错误');
    await assertText(byTest(page, 'fix-form'), '缺少联系电话');
    await tapTarget(byTest(page, 'fix-submit'), 'fix submit');
    await noOverflow(page, 'task with the fix-it form');
    await shot(page, 'x01-fix-form-phone');

    // a malformed phone: refused under its field, nothing changed
    await field(page, 'fix-phone').fill('1391234');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${task.person_id}/fix`)),
      byTest(page, 'fix-submit').click(),
    ]);
    assert.equal(refused.status(), 400);
    await assertText(byTest(page, 'fix-phone'), '手机号码格式不正确');

    // the number from the card and the phone: both defects clear
    await field(page, 'fix-id_number').fill(good);
    await field(page, 'fix-phone').fill('139 1234 0011');
    const [fixed] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${task.person_id}/fix`)),
      byTest(page, 'fix-submit').click(),
    ]);
    assert.equal(fixed.status(), 200, await fixed.text());
    await byTest(page, 'fix-form').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('[data-test="my-task-defect"]').length === 0);
    await page.waitForFunction(() => /^320481\*+/.test(document.querySelector('[data-test="my-task-id"]')?.textContent.trim() || ''));
    assert.ok(!(await byTest(page, 'my-task-id').textContent()).includes(good.slice(6, 14)), 'the number stays masked');
    await shot(page, 'x02-fixed-phone');
    const file = (await worker('GET', `/api/v1/persons/${task.person_id}`)).body;
    assert.deepEqual(file.defects, []);
    assert.equal(file.id_valid, true);
    assert.equal(file.phone, '139****0011');
    assert.equal(file.timeline.filter((e) => e.kind === 'corrected').length, 1);

    // ---- 3. 登记新人员 from the task list ----
    await byTest(page, 'my-task-back').click();
    await page.waitForURL('**/my-tasks');
    await tapTarget(byTest(page, 'my-register'), '登记新人员');
    await byTest(page, 'my-register').click();
    await page.waitForURL('**/my-tasks/register');
    await byTest(page, 'register-page').waitFor();
    await field(page, 'reg-name').fill('周登记');
    await field(page, 'reg-phone').fill('13912340012');
    await field(page, 'reg-address').fill('社渚村5组12号');
    await field(page, 'reg-origin').fill('湖北省武汉市');
    await noOverflow(page, 'register form');
    await tapTarget(byTest(page, 'reg-submit'), 'register');
    await shot(page, 'x03-register-phone');
    const [created] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/persons') && r.request().method() === 'POST'),
      byTest(page, 'reg-submit').click(),
    ]);
    assert.equal(created.status(), 201, await created.text());
    const body = JSON.parse(created.request().postData());
    assert.equal(body.area, VILLAGE, 'registered in the worker\'s own area');
    await byTest(page, 'reg-done').waitFor();
    await page.locator(sel('reg-defect', { code: 'id.missing' })).waitFor();
    const pid = await byTest(page, 'reg-done').getAttribute('data-id');

    // the new file's fix-it form takes the number at once
    const second = citizenId('32048119900101456');
    await field(page, 'fix-id_number').fill(second);
    const [fixed2] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${pid}/fix`)),
      byTest(page, 'fix-submit').click(),
    ]);
    assert.equal(fixed2.status(), 200, await fixed2.text());
    await byTest(page, 'fix-form').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelectorAll('[data-test="reg-defect"]').length === 0);
    await noOverflow(page, 'registered');
    await shot(page, 'x04-registered-phone');
    const reg = (await worker('GET', `/api/v1/persons/${pid}`)).body;
    assert.equal(reg.name, '周登记');
    assert.equal(reg.area, VILLAGE);
    assert.deepEqual(reg.defects, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('issue 10 item 2: the console\'s person file corrects a flagged record (1366 px)', { timeout: 120_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const good = citizenId('32048119750607321');
  const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
  const made = await admin('POST', '/api/v1/persons', { uuid: randomUUID(), name: '郑更正', area: VILLAGE, id_number: bad, address: '社渚村2组' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual([...made.body.defects].sort(), ['id.check', 'phone.missing']);

  const ctx = await env.browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await page.goto(`${env.base}/persons/${made.body.id}`);
    await assertText(byTest(page, 'person-name'), '郑更正');
    await byTest(page, 'person-fix-form').waitFor();
    await page.locator(sel('person-fix-defect', { code: 'id.check' })).waitFor();
    await page.locator(sel('person-fix-defect', { code: 'phone.missing' })).waitFor();
    await noOverflow(page, 'person file with the fix-it form');
    await shot(page, 'x05-person-fix-desktop');

    // the number still wrong: kept flagged, the phone's defect clears
    await field(page, 'person-fix-id_number').fill(bad);
    await field(page, 'person-fix-phone').fill('13912340021');
    const [r1] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${made.body.id}/fix`)),
      byTest(page, 'person-fix-submit').click(),
    ]);
    assert.equal(r1.status(), 200, await r1.text());
    await page.waitForFunction(() => !document.querySelector('[data-test="person-defect"][data-code="phone.missing"]'));
    await page.locator(sel('person-defect', { code: 'id.check' })).waitFor();

    // the right number: no defect left, the form goes
    await field(page, 'person-fix-id_number').fill(good);
    const [r2] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/persons/${made.body.id}/fix`)),
      byTest(page, 'person-fix-submit').click(),
    ]);
    assert.equal(r2.status(), 200, await r2.text());
    await byTest(page, 'person-fix-form').waitFor({ state: 'detached' });
    assert.equal(await byTest(page, 'person-defect').count(), 0);
    // the timeline says what was corrected, masked
    await page.locator(sel('person-event', { kind: 'corrected' })).first().waitFor();
    await assertText(page.locator(sel('person-event', { kind: 'corrected' })), '核实更正');
    await assertText(page.locator(sel('person-event', { kind: 'corrected' })), '139****0021');
    assert.ok(!(await byTest(page, 'person-timeline').textContent()).includes(good), 'no full number on the timeline');
    await shot(page, 'x06-person-fixed-desktop');
    const audit = await admin('GET', '/api/v1/audit?action=person.fix&limit=10');
    const rows = audit.body.items.filter((a) => a.object_id === made.body.id);
    assert.equal(rows.length, 2);
    assert.ok(!JSON.stringify(rows).includes(good) && !JSON.stringify(rows).includes('13912340021'), 'masked in the audit');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
