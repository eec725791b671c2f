// Browser test of the alert card's contact (issue 10, item 7), on a 360 px phone.
//   A person of 社渚村 under observation runs 38.4 °C. Their doctor opens 发热预警: the card
//   shows the address and the phone masked as on the person file (139****5655); one tap on
//   拨打 reveals the number (audited) and dials it: the card then holds a tel: link.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, shot, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('alert-contact');

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Card-Call-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PATIENT = { name: '郑话', phone: '13912345655', address: '社渚镇社渚村9组21号' };

test('the doctor\'s alert card shows the phone and address and calls with one tap', { timeout: 180_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const r = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username: 'card_doctor', role: 'doctor', area: TOWNSHIP, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession('card_doctor', FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  const made = await admin('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: PATIENT.name, area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119800101459'),
    phone: PATIENT.phone, address: PATIENT.address,
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id, doctor: r.body.user.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const v = await admin('POST', `/api/v1/observations/${placed.body.observation.id}/visits`, {
    uuid: randomUUID(), mode: 'in_person', temperature: 38.4, saw_person: true, saw_home: true, saw_state: false,
  });
  assert.equal(v.status, 201, JSON.stringify(v.body));

  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await login(page, 'card_doctor', PASSWORD);
    await page.waitForURL((u) => u.pathname.endsWith('/alerts'));
    const card = page.locator(`[data-test="alert"][data-person="${PATIENT.name}"]`);
    await card.waitFor();
    await assertText(byTest(card, 'alert-address'), PATIENT.address);
    await assertText(byTest(card, 'alert-phone'), '139****5655');
    const call = byTest(card, 'alert-call');
    const box = await call.boundingBox();
    assert.ok(box.height >= 44, `call button: ${box.height} px high`);
    await noOverflow(page, 'the alert card with its contact');
    await shot(page, 'ac01-alert-contact-phone');

    // One tap: revealed (audited) and dialled. (In a second tab: once a page has tried to
    // open tel:, headless Chromium ignores input to it after a screenshot.)
    const dial = await ctx.newPage();
    dial.on('pageerror', (e) => errors.push(`dial: ${e}`));
    await dial.goto(page.url());
    const dcard = dial.locator(`[data-test="alert"][data-person="${PATIENT.name}"]`);
    await dcard.waitFor();
    const [rev] = await Promise.all([
      dial.waitForResponse((x) => x.url().endsWith('/reveal') && x.request().method() === 'POST'),
      byTest(dcard, 'alert-call').click(),
    ]);
    assert.equal(rev.status(), 200);
    await byTest(dcard, 'alert-tel').waitFor();
    assert.equal(await byTest(dcard, 'alert-tel').getAttribute('href'), `tel:${PATIENT.phone}`);
    await dial.close();
    const audit = await admin('GET', '/api/v1/audit?action=person.reveal&limit=5');
    assert.ok(JSON.stringify(audit.body.items).includes('card_doctor'), `the reveal is audited: ${JSON.stringify(audit.body).slice(0, 400)}`);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
