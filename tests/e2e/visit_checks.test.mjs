// Browser test of the visit form's three checks (issue 10, item 6), on a 360 px phone.
//
// A person of 社渚村 is placed under observation through the API; then the visit form:
//  - nothing is answered at first: 见到本人 / 在居住地 / 状态正常 each offer 是 and 否, none
//    chosen; sending without answers names each check and sends nothing;
//  - 38.0 °C with 状态正常 "是" is a contradiction: the form says so, will not send (the
//    button is disabled and no request leaves the phone);
//  - answering 状态正常 "否" sends the visit (201), which raises the fever alert, with the
//    three answers in the body as given.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('visit-checks');

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

test('the visit form asks the three checks, refuses 38.0 °C with 状态正常, sends a complete visit', { timeout: 120_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const made = await admin('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: '钱观察', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119800101123'),
    phone: '13912345690', address: '社渚镇社渚村5组3号',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const obs = placed.body.observation;

  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const posts = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith(`/observations/${obs.id}/visits`)) posts.push(r.postDataJSON()); });
  try {
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await page.goto(`${env.base}/observations/${obs.id}/visit`);
    await assertText(byTest(page, 'visit-name'), '钱观察');

    // Nothing answered at first: each check offers 是 and 否, neither chosen.
    const checks = byTest(page, 'visit-check');
    assert.equal(await checks.count(), 3);
    for (const f of ['saw_person', 'saw_home', 'saw_state']) {
      assert.equal(await page.locator(sel('visit-check', { field: f })).getAttribute('data-answer'), '', `${f} unanswered`);
      for (const v of ['yes', 'no']) {
        const b = page.locator(sel('visit-answer', { field: f, value: v }));
        assert.equal(await b.getAttribute('aria-checked'), 'false');
        const box = await b.boundingBox();
        assert.ok(box.height >= 44 && box.width >= 44, `${f} ${v}: ${box.width}×${box.height} px tap target`);
      }
    }
    await noOverflow(page, 'visit form');
    await shot(page, 'v01-visit-unanswered-phone');

    // Sent without answers: each check says so, nothing leaves the phone.
    await page.locator(sel('visit-mode', { code: 'in_person' })).click();
    await field(page, 'visit-temperature').fill('36.6');
    await byTest(page, 'visit-submit').click();
    for (const f of ['saw_person', 'saw_home', 'saw_state']) await assertText(page.locator(sel('visit-check-error', { field: f })), '请选择“是”或“否”');
    assert.equal(posts.length, 0);

    // 38.0 °C and 状态正常 "是": the form names the contradiction and will not send.
    await page.locator(sel('visit-answer', { field: 'saw_person', value: 'yes' })).click();
    await page.locator(sel('visit-answer', { field: 'saw_home', value: 'yes' })).click();
    await page.locator(sel('visit-answer', { field: 'saw_state', value: 'yes' })).click();
    await field(page, 'visit-temperature').fill('38.0');
    await assertText(byTest(page, 'visit-state-contradicts'), '“状态正常”不能选“是”');
    assert.ok(await byTest(page, 'visit-submit').isDisabled(), 'no sending a contradiction');
    await byTest(page, 'visit-submit').click({ force: true });
    await shot(page, 'v02-visit-contradiction-phone');
    assert.equal(posts.length, 0);
    // a symptom contradicts it too, at a normal temperature
    await field(page, 'visit-temperature').fill('36.6');
    await byTest(page, 'visit-state-contradicts').waitFor({ state: 'detached' });
    await page.locator(sel('visit-symptom', { code: 'cough' })).click();
    await byTest(page, 'visit-state-contradicts').waitFor();
    await page.locator(sel('visit-symptom', { code: 'cough' })).click();
    await field(page, 'visit-temperature').fill('38.0');

    // 状态正常 "否": the visit goes through and raises the alert.
    await page.locator(sel('visit-answer', { field: 'saw_state', value: 'no' })).click();
    await byTest(page, 'visit-state-contradicts').waitFor({ state: 'detached' });
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/observations/${obs.id}/visits`) && r.request().method() === 'POST'),
      byTest(page, 'visit-submit').click(),
    ]);
    assert.equal(res.status(), 201, await res.text());
    assert.equal(posts.length, 1);
    assert.deepEqual([posts[0].saw_person, posts[0].saw_home, posts[0].saw_state], [true, true, false]);
    assert.equal(posts[0].temperature, 38.0);
    await byTest(page, 'visit-alert').waitFor();

    // Another visit starts unanswered again.
    await byTest(page, 'visit-another').click();
    for (const f of ['saw_person', 'saw_home', 'saw_state']) assert.equal(await page.locator(sel('visit-check', { field: f })).getAttribute('data-answer'), '');
    const stored = await admin('GET', `/api/v1/observations/${obs.id}`);
    assert.equal(stored.body.visits.length, 1);
    assert.equal(stored.body.visits[0].saw_state, false);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
