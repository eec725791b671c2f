// Browser test of the console side of checkpoints (卡口, issue 12) at 1366 px: a township's
// commander
//  - opens 卡口 from the side menu, creates a checkpoint through 新建卡口 (name, kind, location;
//    the area, opening day and two shifts as offered) and sees it listed;
//  - assigns a checkpoint_staff account through 执勤人员 (searched, added, listed);
//  - sees registrations the staff account makes through the API (two cars, four persons:
//    passed, clinic, turned back, handed over) in the card's today figures, the open
//    handover highlighted; drills from 移交 to the registration, its handover task open,
//    then closed by the village with its outcome; opens the detail, corrects the plate
//    (refused without a reason, at the field) and sees the second version with the reason;
//  - reads 卡口统计 for today (one row per shift) and for a range typed into the picker, and
//    from a figure the day's registrations of that outcome, exported to Excel (masked);
//  - opens the A4 poster: the title with the checkpoint's name, the QR code's SVG at least
//    10 cm wide, the address; the print button is not printed;
//  - closes the checkpoint with a date and a confirm: it leaves the list, shows with
//    显示已关闭, and the staff's next registration is refused (409).
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import {
  TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, until, useFangkong,
} from './lib.mjs';

useFangkong('checkpoint-console', { daytime: true }); // today's day shift

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Checkpoint-Desk-Pass-2026';
const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true };
const NAME = '社渚南卡口';
const ymd = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const addDays = (s, n) => { const d = new Date(`${s}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
// An instant a second ago with the +08:00 offset, as a phone sends it.
function justNow() {
  const d = new Date(Date.now() + (env.clockOffsetMs ?? 0) - 1000 + 8 * 3600_000);
  return `${d.toISOString().slice(0, 19)}+08:00`;
}

let admin;
async function makeAccount(username, role, area) {
  const r = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username, role, area, password: FIRST_PASSWORD, display_name: username, phone: '13912340000' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  return { id: r.body.user.id, api: await apiSession(username, PASSWORD) };
}

const figure = (page, k) => page.locator(`${sel('cp-card', { name: NAME })} ${sel('cp-figure', { key: k })}`);
async function figureIs(page, k, v) {
  await page.locator(`${sel('cp-card', { name: NAME })} ${sel('cp-figure', { key: k, value: v })}`).waitFor();
}

test('the checkpoint console: create, staff, today\'s totals, drill-down, correction, statistics, poster, close', { timeout: 300_000 }, async () => {
  admin = await apiSession('admin', ADMIN_PASSWORD);
  const cmd = await makeAccount('cp_cmd', 'commander', TOWNSHIP);
  const staff = await makeAccount('cp_staff_a', 'checkpoint_staff', TOWNSHIP);
  const today = ymd(new Date(Date.now() + (env.clockOffsetMs ?? 0)));

  const ctx = await env.browser.newContext(DESK);
  await ctx.addInitScript((id) => localStorage.setItem(`fk.guide.${id}`, '1'), cmd.id); // the first-use guide seen
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'cp_cmd', PASSWORD);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));

  // ---- 新建卡口 ----
  await page.locator(`${sel('side-menu')} ${sel('nav-checkpoints')}`).click();
  await page.waitForURL('**/checkpoints');
  await byTest(page, 'cp-create').click();
  const dlg = byTest(page, 'cp-dialog');
  await dlg.waitFor();
  assert.equal(await field(page, 'cp-form-opened').inputValue(), today, 'opened today by default');
  assert.deepEqual(await page.locator(`${sel('cp-form-shift')} .el-select__selected-item:not(.is-hidden)`).allInnerTexts(), ['08:00', '20:00'], 'two shifts by default');
  for (const [k, label] of [['highway', '高速卡口'], ['border', '省界卡口'], ['road', '国省道卡口'], ['village', '村口卡点'], ['other', '其他']]) {
    assert.equal((await page.locator(sel('cp-kind', { kind: k })).innerText()).trim(), label);
  }
  await byTest(page, 'cp-form-submit').click();
  await dlg.locator('.el-form-item__error').first().waitFor(); // the name is required
  await field(page, 'cp-form-name').fill(NAME);
  await page.locator(sel('cp-kind', { kind: 'road' })).click();
  await field(page, 'cp-form-location').fill('S241 社渚南收费站');
  await shot(page, 'cp-console-create-1366');
  const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/checkpoints') && r.request().method() === 'POST');
  await byTest(page, 'cp-form-submit').click();
  const cp = await (await created).json();
  assert.equal(cp.name, NAME);
  assert.equal(cp.kind, 'road');
  assert.equal(cp.area, TOWNSHIP);
  assert.deepEqual(cp.shift_starts, [8, 20]);
  await dlg.waitFor({ state: 'hidden' });
  const card = page.locator(sel('cp-card', { name: NAME }));
  await card.waitFor();
  assert.match(await card.innerText(), /国省道卡口/);
  assert.match(await card.innerText(), /S241 社渚南收费站/);

  // ---- 执勤人员 ----
  await card.locator(sel('cp-staff')).click();
  const sd = byTest(page, 'cp-staff-dialog');
  await sd.waitFor();
  await field(page, 'cp-staff-search').click();
  await field(page, 'cp-staff-search').fill('cp_staff');
  await page.locator(sel('cp-staff-option', { username: 'cp_staff_a' })).filter({ visible: true }).click();
  await byTest(page, 'cp-staff-add').click();
  await sd.locator(sel('cp-staff-row', { username: 'cp_staff_a' })).waitFor();
  // its post changed its scope: the staff's phone signs in again
  assert.equal((await staff.api('GET', '/api/v1/me')).status, 401);
  staff.api = await apiSession('cp_staff_a', PASSWORD);
  const me = await staff.api('GET', '/api/v1/me');
  assert.equal(me.body.checkpoint && me.body.checkpoint.id, cp.id, 'the account now belongs to the checkpoint');
  await sd.locator('.el-dialog__headerbtn').click();
  await sd.waitFor({ state: 'hidden' });

  // ---- registrations through the API, as the staff's phone sends them ----
  const person = (n, temperature, extra = {}) => ({
    name: `卡${n}`, id_number: citizenId(`32048119850301${String(n).padStart(3, '0')}`), phone: `1381234${String(n).padStart(4, '0')}`,
    temperature, origin: '江苏省常州市', destination: '社渚镇社渚村5组', purpose: '返乡', ...extra,
  });
  let r = await staff.api('POST', `/api/v1/checkpoints/${cp.id}/passages`, {
    uuid: randomUUID(), at: justNow(), plate: '苏D12345', vehicle_kind: 'car', direction: 'in',
    persons: [person(1, 36.5, { outcome: 'passed' }), person(2, 38.2)],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(r.body.persons.map((p) => p.outcome), ['passed', 'clinic'], 'a fever is sent to the clinic');
  r = await staff.api('POST', `/api/v1/checkpoints/${cp.id}/passages`, {
    uuid: randomUUID(), at: justNow(), plate: '浙A8B88X', vehicle_kind: 'car', direction: 'in',
    persons: [person(3, 36.6, { outcome: 'handover', origin: '湖北省武汉市', destination: '社渚镇社渚村3组' }), person(4, 36.4, { outcome: 'turned_back' })],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const handed = r.body;
  const task = handed.persons[0].task_id;
  assert.ok(task, 'the handover opened a verification task');

  // ---- today's totals on the card ----
  await byTest(page, 'cp-refresh').click();
  for (const [k, v] of [['vehicles', 2], ['persons', 4], ['turned_back', 1], ['clinic', 1], ['handed_over', 1], ['handovers_closed', 0]]) await figureIs(page, k, v);
  await card.locator(sel('cp-open-handovers', { value: 1 })).waitFor();
  assert.equal(await card.evaluate((e) => e.classList.contains('alert')), true, 'a checkpoint with an open handover is highlighted');
  await noOverflow(page, 'checkpoints');
  await shot(page, 'cp-console-list-1366');

  // ---- drill-down from 移交 to the registration and its handover ----
  await figure(page, 'handed_over').click();
  await page.waitForURL((u) => u.pathname === `/checkpoints/${cp.id}/passages` && u.searchParams.get('outcome') === 'handover' && u.searchParams.get('day') === today);
  const list = byTest(page, 'cp-passages');
  await list.locator(sel('cp-person', { outcome: 'handover', task: 'open' })).waitFor();
  assert.equal(await page.locator(`${sel('cp-passages')} ${sel('cp-passage-row')}`).count(), 1, 'only the registration with a handover');
  const rowText = await list.innerText();
  assert.match(rowText, /浙A8B88X/);
  assert.match(rowText, /移交核查：核查中/);
  assert.ok(!rowText.includes(person(3).id_number) && !rowText.includes(person(3).phone), 'ID numbers and phones are masked');
  // the village closes the handover's task: the checkpoint sees it closed, with the outcome
  const outcomes = (await admin('GET', '/api/v1/outcomes')).body.items;
  r = await admin('POST', `/api/v1/tasks/${task}/close`, { uuid: randomUUID(), outcome: 'observation' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  await page.reload();
  await list.locator(sel('cp-person', { outcome: 'handover', task: 'closed' })).waitFor();
  assert.ok((await list.innerText()).includes(`移交核查：已办结 · ${outcomes.find((o) => o.code === 'observation').zh}`));
  await shot(page, 'cp-console-passages-1366');

  // the detail, its versions, a correction with a reason
  await list.locator(sel('cp-passage-open', { id: handed.id })).click();
  const drawer = byTest(page, 'cp-passage-drawer');
  await drawer.locator(sel('cp-passage-detail', { id: handed.id, version: 1 })).waitFor();
  assert.equal(await drawer.locator(sel('cp-passage-version')).count(), 1);
  assert.equal(await drawer.locator(sel('cp-detail-person')).count(), 2);
  await drawer.locator(sel('cp-passage-correct')).click();
  const cd = byTest(page, 'cp-correct-dialog');
  await cd.waitFor();
  await field(page, 'cp-correct-plate').fill('浙A8B88Y');
  await byTest(page, 'cp-correct-submit').click();
  await cd.locator('.el-form-item__error').filter({ hasText: '必填' }).waitFor(); // no reason, no correction
  await field(page, 'cp-correct-reason').fill('车牌末位录错');
  await byTest(page, 'cp-correct-submit').click();
  await cd.waitFor({ state: 'hidden' });
  await drawer.locator(sel('cp-passage-detail', { id: handed.id, version: 2 })).waitFor();
  assert.equal((await drawer.locator(sel('cp-passage-plate')).innerText()).trim(), '浙A8B88Y');
  await drawer.locator(sel('cp-passage-version', { version: 2 })).filter({ hasText: '车牌末位录错' }).waitFor();
  await drawer.locator(sel('cp-person', { outcome: 'handover', task: 'closed' })).waitFor();
  await shot(page, 'cp-console-detail-1366');
  const stored = await admin('GET', `/api/v1/passages/${handed.id}`);
  assert.equal(stored.body.version, 2);
  assert.equal(stored.body.plate, '浙A8B88Y');
  await drawer.locator('.el-drawer__close-btn').click();
  await drawer.waitFor({ state: 'hidden' });

  // ---- 卡口统计: today by shift, then a range ----
  await byTest(page, 'cp-passages-back').click();
  await page.waitForURL('**/checkpoints');
  await figureIs(page, 'handovers_closed', 1);
  await card.locator(sel('cp-open-handovers')).waitFor({ state: 'detached' });
  await byTest(page, 'cp-stats').click();
  await page.waitForURL('**/checkpoints/stats**');
  const stats = byTest(page, 'cp-stats-page');
  await stats.locator(sel('cp-stats-row', { kind: 'checkpoint', id: cp.id })).waitFor();
  assert.equal(await stats.getAttribute('data-from'), today);
  for (const [k, v] of [['vehicles', 2], ['persons', 4], ['clinic', 1], ['turned_back', 1], ['handed_over', 1], ['handovers_closed', 1]]) {
    await page.locator(sel('cp-stats-total', { key: k, value: v })).waitFor();
    assert.equal((await page.locator(sel('cp-stats-cell', { kind: 'checkpoint', id: cp.id, key: k })).innerText()).trim(), String(v));
  }
  // one day: a row per shift, their persons adding up to the checkpoint's
  const shiftRows = page.locator(sel('cp-stats-row', { kind: 'shift', id: cp.id }));
  assert.equal(await shiftRows.count(), 2);
  const shiftPersons = await page.locator(sel('cp-stats-cell', { kind: 'shift', id: cp.id, key: 'persons' })).allInnerTexts();
  assert.equal(shiftPersons.reduce((a, b) => a + Number(b), 0), 4);
  await noOverflow(page, 'stats');
  await shot(page, 'cp-console-stats-day-1366');
  // the last seven days, typed into the range picker
  const from = addDays(today, -6);
  const inputs = page.locator(`${sel('cp-stats-range')} input`);
  await inputs.nth(0).click();
  await inputs.nth(0).fill(from);
  await inputs.nth(1).fill(today);
  await inputs.nth(1).press('Enter');
  await page.waitForURL((u) => u.searchParams.get('from') === from && u.searchParams.get('to') === today);
  await page.locator(`${sel('cp-stats-page', { from, to: today })}`).waitFor();
  await page.locator(sel('cp-stats-total', { key: 'persons', value: 4 })).waitFor();
  assert.equal(await shiftRows.count(), 0, 'no shift rows over a range');
  assert.equal((await page.locator(sel('cp-stats-cell', { kind: 'checkpoint', id: cp.id, key: 'vehicles' })).innerText()).trim(), '2');
  await shot(page, 'cp-console-stats-range-1366');
  // a checkpoint's figure leads to its registrations
  await page.locator(sel('cp-stats-cell', { kind: 'checkpoint', id: cp.id, key: 'clinic' })).click();
  await page.waitForURL((u) => u.pathname === `/checkpoints/${cp.id}/passages` && u.searchParams.get('outcome') === 'clinic');
  await page.locator(`${sel('cp-passages')} ${sel('cp-person', { outcome: 'clinic' })}`).waitFor();
  assert.match(await byTest(page, 'cp-passages').innerText(), /苏D12345/);
  // the day's registrations of that outcome as a workbook, masked
  const [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'export-excel').click()]);
  const sheet = execFileSync('unzip', ['-p', await download.path(), 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  assert.ok(sheet.includes('卡2') && sheet.includes('苏D12345'), 'the person sent to the clinic, with the car');
  assert.ok(!sheet.includes('卡1') && !sheet.includes('卡3'), 'only the outcome asked for');
  assert.ok(!sheet.includes(person(2).id_number) && !sheet.includes(person(2).phone), 'masked as on the page');
  await byTest(page, 'export-close').click();
  await byTest(page, 'export-dialog').waitFor({ state: 'hidden' });

  // ---- the poster ----
  await byTest(page, 'cp-passages-back').click();
  await page.waitForURL('**/checkpoints');
  await card.locator(sel('cp-poster')).click();
  await page.waitForURL(`**/print/checkpoint/${cp.id}`);
  const qr = page.locator(`${sel('poster-qr')} svg`);
  await qr.waitFor();
  assert.equal((await byTest(page, 'poster-title').innerText()).trim(), `${NAME} 出行预登记`);
  assert.match(await byTest(page, 'poster-steps').innerText(), /扫码填写车辆和人员信息，到达卡口出示登记码，测温后快速通行/);
  assert.match(await byTest(page, 'poster-url').innerText(), new RegExp(`/pre/${cp.id}$`));
  const tenCm = await page.evaluate(() => { const d = document.createElement('div'); d.style.width = '100mm'; document.body.appendChild(d); const w = d.getBoundingClientRect().width; d.remove(); return w; });
  const box = await qr.boundingBox();
  assert.ok(box.width >= tenCm && box.height >= tenCm, `the QR code is ${box.width}×${box.height} px, at least 10 cm (${tenCm} px)`);
  await shot(page, 'cp-console-poster-1366');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await byTest(page, 'poster-print').isVisible(), false, 'the print button is not printed');
  assert.equal(await qr.isVisible(), true);
  await page.emulateMedia({ media: 'screen' });

  // ---- 关闭 ----
  await page.goto(`${env.base}/checkpoints`);
  await card.locator(sel('cp-close')).click();
  const close = byTest(page, 'cp-close-dialog');
  await close.waitFor();
  assert.match(await close.innerText(), new RegExp(`关闭后该卡口不再接受登记，确定关闭“${NAME}”`));
  assert.equal(await field(page, 'cp-close-date').inputValue(), today);
  await byTest(page, 'cp-close-confirm').click();
  await close.waitFor({ state: 'hidden' });
  await card.waitFor({ state: 'detached' });
  await byTest(page, 'cp-show-closed').click();
  await page.locator(sel('cp-card', { name: NAME, open: 0 })).locator(sel('cp-closed-tag')).waitFor();
  assert.equal(await page.locator(sel('cp-card', { name: NAME, open: 0 })).locator(sel('cp-close')).count(), 0, 'a closed checkpoint cannot be closed again');
  await shot(page, 'cp-console-closed-1366');
  r = await staff.api('POST', `/api/v1/checkpoints/${cp.id}/passages`, {
    uuid: randomUUID(), at: justNow(), plate: '苏D54321', vehicle_kind: 'car', direction: 'in', persons: [person(5, 36.5)],
  });
  assert.equal(r.status, 409, 'a closed checkpoint takes no more registrations');
  const listed = await until('the closed checkpoint in the list', async () => {
    const l = await admin('GET', `/api/v1/checkpoints?area=${TOWNSHIP}&closed=1`);
    return l.body.items.find((c) => c.id === cp.id);
  });
  assert.equal(listed.open, false);
  assert.equal(listed.closed_on, today);

  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the same pages on a phone (360 px): cards, totals, registrations, nothing wider than the screen', { timeout: 180_000 }, async () => {
  const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
  const cmd = await apiSession('cp_cmd', PASSWORD);
  const made = await cmd('POST', '/api/v1/checkpoints', { uuid: randomUUID(), name: '社渚村口卡点', area: TOWNSHIP, kind: 'village', opened_on: ymd(new Date()) });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const cp = made.body;
  const reg = await cmd('POST', `/api/v1/checkpoints/${cp.id}/passages`, {
    uuid: randomUUID(), at: justNow(), plate: '', plate_unreadable: true, note: '无牌三轮车', vehicle_kind: 'other', direction: 'in',
    persons: [{ name: '村口甲', id_number: citizenId('32048119700101001'), phone: '13812340101', temperature: 36.7, origin: '江苏省常州市', destination: '社渚镇社渚村1组', purpose: '务农' }],
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));

  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'cp_cmd', PASSWORD);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await byTest(page, 'nav-toggle').click();
  await page.locator(`${sel('drawer-menu')} ${sel('nav-checkpoints')}`).click();
  await page.waitForURL('**/checkpoints');
  const card = page.locator(sel('cp-card', { name: '社渚村口卡点' }));
  await card.locator(sel('cp-figure', { key: 'persons', value: 1 })).waitFor();
  await card.locator(sel('cp-figure', { key: 'vehicles', value: 1 })).waitFor();
  await noOverflow(page, 'checkpoints at 360 px');
  await shot(page, 'cp-console-list-360');
  await card.locator(sel('cp-passages')).click();
  await page.waitForURL(`**/checkpoints/${cp.id}/passages**`);
  const row = page.locator(sel('cp-passage-row', { id: reg.body.id }));
  await row.waitFor();
  assert.match(await row.innerText(), /无牌\/无法识别/);
  await noOverflow(page, 'registrations at 360 px');
  await row.click();
  await page.locator(sel('cp-passage-detail', { id: reg.body.id })).waitFor();
  await noOverflow(page, 'a registration at 360 px');
  await shot(page, 'cp-console-detail-360');
  await page.goto(`${env.base}/checkpoints/stats`);
  await page.locator(sel('cp-stats-row', { kind: 'checkpoint', id: cp.id })).waitFor();
  await noOverflow(page, 'statistics at 360 px');
  await shot(page, 'cp-console-stats-360');
  assert.deepEqual(errors, []);
  await ctx.close();
});
