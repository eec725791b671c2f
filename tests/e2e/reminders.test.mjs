// Browser test of the reminders (issue 10, item 7), on a 360 px phone.
//   A doctor of 社渚镇 has the alerts page open; a person of 社渚村 under observation is theirs.
//   Two days on nobody has reported a temperature: the server's sweep (here `fangkong sweep
//   --at`, as the clock cannot be waited for) reminds the doctor. Without a reload the bell
//   counts it; the list says "漏报：… 次体温未按时报告" for 社渚村, and the tap leads to the
//   observation's page. A second sweep the same day adds nothing.
//   A grid worker of 社渚村 verified a returnee "to be placed" and nobody placed them: the
//   next day's sweep reminds the worker (已核实，待落实居家观察), whose tap leads into the
//   placing form for that person.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, shot, login, noOverflow, apiSession, assertText, run, useFangkong,
} from './lib.mjs';

useFangkong('reminders');

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Sweep-Remind-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

test('the doctor\'s bell reminds of a missed daily report and leads to the observation', { timeout: 180_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const r = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username: 'sweep_doctor', role: 'doctor', area: TOWNSHIP, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession('sweep_doctor', FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  const made = await admin('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: '周漏', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119800101457'),
    phone: '13912345633', address: '社渚镇社渚村3组2号',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id, doctor: r.body.user.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const obs = placed.body.observation;

  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await login(page, 'sweep_doctor', PASSWORD);
    await page.waitForURL((u) => u.pathname.endsWith('/alerts'));
    await byTest(page, 'bell').waitFor();
    assert.equal(await byTest(page, 'bell-count').count(), 0, 'nothing unread yet');
    await page.waitForResponse((x) => x.url().endsWith('/api/v1/events') && x.status() === 200).catch(() => {});

    const at = new Date(Date.now() + 2 * 86400000).toISOString();
    const out = JSON.parse(run(['sweep', '--db', env.db, '--at', at]));
    assert.equal(out.visit_missed, 1, JSON.stringify(out));
    await assertText(byTest(page, 'bell-count'), '1');
    assert.equal(JSON.parse(run(['sweep', '--db', env.db, '--at', at])).visit_missed, 0, 'once a day');

    await byTest(page, 'bell').click();
    const item = byTest(page, 'bell-item-visit_missed');
    await assertText(item, '漏报');
    await assertText(item, '次体温未按时报告');
    await assertText(item, '社渚村');
    await noOverflow(page, 'the reminder in the list');
    await shot(page, 'rm01-missed-report-phone');
    await item.click();
    await page.waitForURL((u) => u.pathname.endsWith(`/observations/${obs.id}`));
    await byTest(page, 'bell-count').waitFor({ state: 'detached' });
    await page.locator('body').filter({ hasText: '周漏' }).waitFor();
    await shot(page, 'rm02-observation-phone');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

async function importReturnee(name, id) {
  const res = await fetch(`${env.base}/api/v1/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const { csrf } = await res.json();
  const cookie = /fk_session=([^;]+)/.exec(res.headers.get('set-cookie'))[1];
  const csv = ['姓名,身份证号,手机号码,现住址', [name, id, '13812345866', '社渚镇社渚村2组5号'].join(',')].join('\r\n');
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF${csv}\r\n`]), 'returnees.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202, await up.text());
}

test('the worker\'s bell reminds of a person verified and not placed, and leads into placing', { timeout: 180_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const r = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username: 'sweep_worker', role: 'grid_worker', area: VILLAGE, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession('sweep_worker', FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  const worker = await apiSession('sweep_worker', PASSWORD);
  await importReturnee('钱待', citizenId('32048119850101459'));
  let task = null;
  for (const end = Date.now() + 60_000; !task && Date.now() < end;) {
    task = (await admin('GET', '/api/v1/tasks?limit=50')).body.items.find((t) => t.person_name === '钱待');
    if (!task) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(task, 'the imported task');
  const closed = await worker('POST', `/api/v1/tasks/${task.id}/close`, { uuid: randomUUID(), outcome: 'observation' });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  await worker('POST', '/api/v1/notifications/read', { uuid: randomUUID(), all: true });

  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await login(page, 'sweep_worker', PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await byTest(page, 'bell').waitFor();
    assert.equal(await byTest(page, 'bell-count').count(), 0, 'nothing unread yet');
    await page.waitForResponse((x) => x.url().endsWith('/api/v1/events') && x.status() === 200).catch(() => {});
    const out = JSON.parse(run(['sweep', '--db', env.db, '--at', new Date(Date.now() + 86400000).toISOString()]));
    assert.equal(out.to_place, 1, JSON.stringify(out));
    await byTest(page, 'bell-count').waitFor();
    await byTest(page, 'bell').click();
    const item = byTest(page, 'bell-item-to_place');
    await assertText(item, '已核实，待落实居家观察');
    await noOverflow(page, 'the worker\'s reminders');
    await shot(page, 'rm03-to-place-phone');
    await item.click();
    await page.waitForURL((u) => u.pathname.endsWith(`/observations/new/${task.person_id}`));
    await byTest(page, 'place-page').waitFor();
    await page.locator('body').filter({ hasText: '钱待' }).waitFor();
    await shot(page, 'rm04-placing-phone');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
