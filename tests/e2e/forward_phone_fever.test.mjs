// Browser tests of issue 10, items 3, 4 and 8, against the real server:
//
//  4. (1366 px console) the county office sets 社渚镇's duty phone to the landline
//     "0519-87654321" in the area form (refused before as 请输入正确的手机号) and sees it on the
//     area and on a printed contact card of a person of that township (not "乡镇值班电话 —");
//  8. (1366 px console) a person visited at 38.0 °C and later at 36.8 °C is on "今日发热" with
//     the reading that raised the alert, 38.0 °C, not the later 36.8 °C;
//  3. (360 px phone) the grid worker closes a task as "moved" and the picker "迁往何处"
//     searches the whole county: an unknown place says "无结果", "tmh" and "天目湖" find
//     天目湖镇 (outside the worker's township); after forwarding, the closed task says where
//     it went and who has it now, and the console's task list says so too.
//
// Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  TOWNSHIP, VILLAGE, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('forward');

const TIANMUHU = '320481106'; // 天目湖镇
const WORKER = { username: 'gw_fwd', name: '社渚网格员', phone: '13700137021', role: 'grid_worker' };
const DOCTOR = { username: 'dr_fwd', name: '社渚医生', phone: '13900139022', role: 'doctor' };
const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Follow-Up-Daily-Pass-2026';
const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

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

// An imported list of one row (a list makes a verification task in the village).
async function importOne(name, id) {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const fd = new FormData();
  fd.append('file', new Blob([Buffer.from(`姓名,身份证号码,联系电话,现住址\r\n${name},${id},13800001141,社渚镇社渚村9号\r\n`, 'utf8')]), 'list.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202, await up.text());
}

// Polls fn until it gives something (the import runs in the background); the test's own
// timeout bounds the wait.
async function waitApi(fn) {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('issue 10: landline duty phone on a card, the fever reading, forwarding across the county', { timeout: 300_000 }, async () => {
  const errors = [];
  const adminApi = await apiSession('admin', ADMIN_PASSWORD);
  await makeAccount(adminApi, WORKER);
  await makeAccount(adminApi, DOCTOR);
  const workerApi = await apiSession(WORKER.username, PASSWORD);

  // A person of 社渚镇 under observation (for the contact card and the fever).
  const made = await adminApi('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: '郑观察', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119870305123'),
    phone: '13912345601', address: '社渚镇社渚村3组18号',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await adminApi('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const obs = placed.body.observation;

  // ---- 4. The township's duty phone is a landline ----
  const deskCtx = await env.browser.newContext(DESK);
  const desk = await deskCtx.newPage();
  desk.on('pageerror', (e) => errors.push(`desk: ${e}`));
  await login(desk, 'admin', ADMIN_PASSWORD);
  await desk.waitForURL((u) => !u.pathname.endsWith('/login'));
  await desk.goto(`${env.base}/areas/${TOWNSHIP}`);
  await assertText(byTest(desk, 'area-name'), '社渚镇');
  await byTest(desk, 'area-edit').click();
  await field(desk, 'area-form-duty-phone').fill('0519-8765');
  await byTest(desk, 'area-form-submit').click();
  await assertText(desk.locator('.el-form-item__error'), '固定电话'); // too short: refused before sending
  await field(desk, 'area-form-duty-phone').fill('0519-87654321');
  const [saved] = await Promise.all([
    desk.waitForResponse((r) => r.url().endsWith(`/api/v1/areas/${TOWNSHIP}`) && r.request().method() === 'PATCH'),
    byTest(desk, 'area-form-submit').click(),
  ]);
  assert.equal(saved.status(), 200, await saved.text());
  await assertText(byTest(desk, 'area-duty-phone'), '0519-87654321');
  await noOverflow(desk, 'area with a landline');
  await shot(desk, 'f01-area-landline-desktop');

  await desk.goto(`${env.base}/print/cards?obs=${obs.id}`);
  await assertText(byTest(desk, 'card-hotline'), '0519-87654321');
  await shot(desk, 'f02-card-landline-desktop');

  // ---- 8. The fever drill-down shows the reading that raised the alert ----
  const visit = (body) => workerApi('POST', `/api/v1/observations/${obs.id}/visits`, { uuid: randomUUID(), mode: 'in_person', saw_person: true, saw_home: true, ...body });
  const fever = await visit({ saw_state: false, temperature: 38.0 });
  assert.equal(fever.status, 201, JSON.stringify(fever.body));
  const normal = await visit({ saw_state: true, temperature: 36.8 });
  assert.equal(normal.status, 201, JSON.stringify(normal.body));
  await desk.goto(`${env.base}/observations?area=${VILLAGE}&filter=fever_today`);
  const feverCell = desk.locator(sel('obs-fever-temp', { id: obs.id }));
  await assertText(feverCell, '38.0 °C');
  assert.ok(!(await feverCell.innerText()).includes('36.8'), 'the fever column shows the raising reading');
  await noOverflow(desk, 'fever drill-down');
  await shot(desk, 'f03-fever-drilldown-desktop');

  // ---- 3. Forwarding across the county, on the phone ----
  await importOne('冯迁出', citizenId('32048119900101641'));
  const task = await waitApi(async () => {
    const r = await adminApi('GET', `/api/v1/tasks?area=${VILLAGE}&limit=500`);
    return r.body.items.find((x) => x.person_name === '冯迁出');
  });

  const gwCtx = await env.browser.newContext(PHONE);
  const gw = await gwCtx.newPage();
  gw.on('pageerror', (e) => errors.push(`worker: ${e}`));
  await login(gw, WORKER.username, PASSWORD);
  await gw.waitForURL((u) => !u.pathname.endsWith('/login'));
  await gw.goto(`${env.base}/my-tasks/${task.id}`);
  await assertText(byTest(gw, 'my-task-name'), '冯迁出');
  await gw.locator(sel('outcome-option', { code: 'moved' })).click();
  const search = gw.locator('[data-test="forward-search"] input');
  await search.fill('不存在的地方');
  await assertText(byTest(gw, 'forward-none'), '无结果');
  await search.fill('tmh');
  await gw.locator(sel('forward-option', { code: TIANMUHU })).waitFor();
  await search.fill('天目湖');
  const option = gw.locator(sel('forward-option', { code: TIANMUHU }));
  await assertText(option, '天目湖镇');
  await assertText(option, '溧阳市');
  assert.equal(await byTest(gw, 'forward-none').count(), 0);
  await noOverflow(gw, 'forward picker');
  await shot(gw, 'f04-forward-picker-phone');
  await option.click();
  await assertText(byTest(gw, 'forward-chosen'), '天目湖镇');
  const [closed] = await Promise.all([
    gw.waitForResponse((r) => r.url().endsWith(`/api/v1/tasks/${task.id}/close`) && r.request().method() === 'POST'),
    byTest(gw, 'close-submit').click(),
  ]);
  assert.equal(closed.status(), 200, await closed.text());
  assert.equal(closed.request().postDataJSON().forward_to, TIANMUHU);
  await assertText(byTest(gw, 'my-task-forward-target'), '天目湖镇');
  await assertText(byTest(gw, 'my-task-forward-holder'), '溧阳市（尚未分派）');
  await noOverflow(gw, 'forwarded task');
  await shot(gw, 'f05-forwarded-task-phone');

  // the console's task list of the village says where it went and who has it now
  await desk.goto(`${env.base}/tasks/${VILLAGE}?status=closed`);
  const row = desk.locator(sel('task-forwarded', { id: task.id }));
  await assertText(row, '已迁往 天目湖镇');
  await assertText(row, '溧阳市（尚未分派）');
  await noOverflow(desk, 'closed tasks');
  await shot(desk, 'f06-closed-tasks-desktop');

  assert.deepEqual(errors, []);
  await gwCtx.close();
  await deskCtx.close();
});
