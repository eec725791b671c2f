// Browser test of the notification centre (issue 10, item 7), on 360 px phones.
//   A doctor of 社渚镇 has the alerts page open on a phone: the bell in the header shows no
//   count. A grid worker, on another phone, records 38.5 °C for a person under observation
//   whose doctor that is. Without a reload the doctor's bell shows 1 (pushed over the event
//   stream); tapping it lists "发热预警 38.5 °C" for 社渚村, which leads to the alerts and
//   clears the count. The bell is a 44 px tap target and the header does not overflow.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('notifications');

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Bell-Ring-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

async function makeAccount(adminApi, username, role, area) {
  const r = await adminApi('POST', '/api/v1/users', { uuid: randomUUID(), username, role, area, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  return r.body.user;
}

test('the doctor\'s bell shows 1 when a worker records 38.5 °C on another phone', { timeout: 180_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const doctor = await makeAccount(admin, 'bell_doctor', 'doctor', TOWNSHIP);
  await makeAccount(admin, 'bell_worker', 'grid_worker', VILLAGE);
  const made = await admin('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: '孙铃', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119800101456'),
    phone: '13912345611', address: '社渚镇社渚村6组8号',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id, doctor: doctor.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const obs = placed.body.observation;

  const docCtx = await env.browser.newContext(PHONE);
  const gwCtx = await env.browser.newContext(PHONE);
  const doc = await docCtx.newPage();
  const gw = await gwCtx.newPage();
  const errors = [];
  for (const p of [doc, gw]) p.on('pageerror', (e) => errors.push(String(e)));
  try {
    // The doctor's phone: the alerts page, a bell with no count.
    await login(doc, 'bell_doctor', PASSWORD);
    await doc.waitForURL((u) => u.pathname.endsWith('/alerts'));
    const bell = byTest(doc, 'bell');
    await bell.waitFor();
    const box = await bell.boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, `bell: ${box.width}×${box.height} px tap target`);
    assert.equal(await byTest(doc, 'bell-count').count(), 0, 'nothing unread yet');
    await doc.waitForResponse((r) => r.url().endsWith('/api/v1/events') && r.status() === 200).catch(() => {});
    await noOverflow(doc, 'alerts page with the bell');
    await shot(doc, 'n01-bell-empty-phone');

    // The worker's phone: a visit of 38.5 °C.
    await login(gw, 'bell_worker', PASSWORD);
    await gw.waitForURL((u) => !u.pathname.endsWith('/login'));
    await gw.goto(`${env.base}/observations/${obs.id}/visit`);
    await assertText(byTest(gw, 'visit-name'), '孙铃');
    await gw.locator(sel('visit-mode', { code: 'in_person' })).click();
    await gw.locator(sel('visit-answer', { field: 'saw_person', value: 'yes' })).click();
    await gw.locator(sel('visit-answer', { field: 'saw_home', value: 'yes' })).click();
    await gw.locator(sel('visit-answer', { field: 'saw_state', value: 'no' })).click();
    await field(gw, 'visit-temperature').fill('38.5');
    const [res] = await Promise.all([
      gw.waitForResponse((r) => r.url().endsWith(`/observations/${obs.id}/visits`) && r.request().method() === 'POST'),
      byTest(gw, 'visit-submit').click(),
    ]);
    assert.equal(res.status(), 201, await res.text());

    // Back on the doctor's phone, untouched: the bell counts 1, and the alert list shows
    // the person without waiting for its next poll.
    await assertText(byTest(doc, 'bell-count'), '1');
    await doc.locator('body').filter({ hasText: '孙铃' }).waitFor({ timeout: 8000 }); // the poll is 15 s
    await shot(doc, 'n02-bell-one-phone');
    await bell.click();
    const item = byTest(doc, 'bell-item-fever');
    await assertText(item, '发热预警 38.5 °C');
    await assertText(item, '社渚村');
    await noOverflow(doc, 'the open notification list');
    await shot(doc, 'n03-bell-list-phone');
    await item.click();
    await byTest(doc, 'bell-count').waitFor({ state: 'detached' });
    await doc.waitForURL((u) => u.pathname.endsWith('/alerts'));
    const left = await (await apiSession('bell_doctor', PASSWORD))('GET', '/api/v1/notifications');
    assert.equal(left.body.unread, 0);
    assert.deepEqual(errors, []);
  } finally {
    await docCtx.close();
    await gwCtx.close();
  }
});
