// Browser test of the checkpoint's phone pages (issue 12), 360 px, against the real server.
//
// Through the API: a township commander creates a checkpoint (a highway exit of 社渚镇) and a
// checkpoint_staff account is put on it; 湖北省 is a key area. Then, on phones:
//
//  a. the staff account lands on the registration page with the checkpoint's name; a plate
//     the server refuses (400 plate.invalid) shows its message on the plate field; a car of
//     four — driver and three passengers, one with 38.0 °C — is registered through the
//     page: passengers start with the driver's origin, destination and purpose, the fever's
//     card proposes the fever clinic and the driver from 武汉 the handover while they are typed
//     (the staff read the key areas), and the stored outcomes come back
//     (fever clinic; the arrivals from 湖北 handed over);
//  b. without signal (context offline) the next car waits on the phone as unsent; back
//     online it is sent, its first answer lost on the way back, and resent with the same
//     uuid: the server holds it once;
//  c. a car without a readable plate is registered with a note;
//  d. a traveller (no account) pre-registers a car of two on the public page /pre/{id}: a
//     malformed phone is refused on its field, then the code and its QR are shown, and still
//     after a reload; the staff type the code in the fast lane, take two temperatures and
//     confirm: the passage exists with the traveller's names;
//  e. today's list shows the registrations with each handover's task open, and the shift's
//     totals.
// Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong, until, smallTargets,
} from './lib.mjs';

useFangkong('checkpoint-field', { daytime: true }); // today's day shift

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Checkpoint-Gate-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const today = () => new Date(Date.now() + (env.clockOffsetMs ?? 0) + 8 * 3600_000).toISOString().slice(0, 10);

let adminApi;
let cmdApi;
let checkpoint;
let staff;

async function makeAccount(username, role, area) {
  const r = await adminApi('POST', '/api/v1/users', { uuid: randomUUID(), username, display_name: username, role, area, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  return r.body.user;
}

// The passages of today with this plate (or name), as the commander sees them.
async function passages(q) {
  const r = await cmdApi('GET', `/api/v1/checkpoints/${checkpoint.id}/passages?day=${today()}&q=${encodeURIComponent(q)}&limit=100`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.items;
}

const openPages = [];
async function shootOnFailure(fn) {
  try {
    await fn();
  } catch (e) {
    await Promise.all(openPages.map((p, i) => shot(p, `cpf-failed-${i}`).catch(() => {})));
    throw e;
  }
}

// A field of person card i (a Vant field's input, or an input named itself).
const pf = (page, i, name) => page.locator(`${sel('cp-person', { index: i })} [data-test="${name}"] input, ${sel('cp-person', { index: i })} input[data-test="${name}"]`).first();

test('setup: a checkpoint of 社渚镇 with a staff account; 湖北省 a key area', { timeout: 60_000 }, async () => {
  adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const k = await adminApi('POST', '/api/v1/key-areas', { uuid: randomUUID(), code: '42', name: '湖北省', start_date: 20200101 });
  assert.equal(k.status, 200, JSON.stringify(k.body));
  await makeAccount('cmd_gate', 'commander', TOWNSHIP);
  cmdApi = await apiSession('cmd_gate', PASSWORD);
  const c = await cmdApi('POST', '/api/v1/checkpoints', { uuid: randomUUID(), name: '社渚高速出口卡口', area: TOWNSHIP, kind: 'highway', opened_on: '2020-01-24', location: 'G4011 社渚出口' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  checkpoint = c.body;
  staff = await makeAccount('gate_staff', 'checkpoint_staff', TOWNSHIP);
  const s = await cmdApi('POST', `/api/v1/checkpoints/${checkpoint.id}/staff`, { uuid: randomUUID(), user_id: staff.id });
  assert.equal(s.status, 200, JSON.stringify(s.body));
});

// A phone signed in as the staff account (its first-use guide already seen).
async function staffPhone(tag, errors) {
  const ctx = await env.browser.newContext(PHONE);
  await ctx.addInitScript((id) => localStorage.setItem(`fk.guide.${id}`, '1'), staff.id);
  const page = await ctx.newPage();
  openPages.push(page);
  page.on('pageerror', (e) => errors.push(`${tag}: ${e}`));
  await login(page, 'gate_staff', PASSWORD);
  await page.waitForURL('**/m/checkpoint');
  await assertText(byTest(page, 'cp-title'), checkpoint.name);
  return { ctx, page };
}

const DRIVER = { name: '卡驾驶', id: citizenId('42010219800101123'), phone: '13800138001', origin: '湖北省武汉市', dest: '社渚镇社渚村5组12号', purpose: '返乡' };
const PASSENGERS = [
  { name: '卡乘甲', id: citizenId('42010219820202124'), quick: '36.6' },
  { name: '卡乘乙', id: citizenId('42010219900303125'), temp: '38.0' },
  { name: '卡乘丙', id: '', quick: '36.4' },
];

test('(a–c, e) staff register a car of four, one offline and resent once, one without a plate', { timeout: 300_000 }, () => shootOnFailure(async () => {
  const errors = [];
  const { ctx, page } = await staffPhone('staff', errors);
  await noOverflow(page, 'registration page');
  // the checkpoint's province and the defaults
  await assertText(byTest(page, 'cp-plate-prov'), '苏');
  assert.equal(await page.locator(sel('cp-kind', { value: 'car' })).getAttribute('data-on'), 'true');
  assert.equal(await page.locator(sel('cp-direction', { value: 'in' })).getAttribute('data-on'), 'true');

  // a plate the server refuses: its message on the plate field, the car not lost
  await field(page, 'cp-plate').fill('d12');
  await byTest(page, 'cp-plate-hint').waitFor();
  await pf(page, 0, 'cp-name').fill('试车牌');
  await page.locator(`${sel('cp-person', { index: 0 })} ${sel('cp-temp-quick', { value: '36.5' })}`).click();
  await byTest(page, 'cp-submit').click();
  await byTest(page, 'cp-plate-error').waitFor();
  assert.equal(await byTest(page, 'cp-result').count(), 0);
  assert.equal(await byTest(page, 'unsent-item').count(), 0, 'a refused registration is not queued');

  // ---- a. a car of four ----
  await field(page, 'cp-plate').fill('d·12345');
  await pf(page, 0, 'cp-name').fill(DRIVER.name);
  // the keypad's Enter moves to the next field
  await pf(page, 0, 'cp-name').press('Enter');
  await until('ID focused', () => pf(page, 0, 'cp-id').evaluate((el) => el === document.activeElement));
  await pf(page, 0, 'cp-id').fill(DRIVER.id);
  await pf(page, 0, 'cp-phone').fill(DRIVER.phone);
  await page.locator(`${sel('cp-person', { index: 0 })} ${sel('cp-temp-quick', { value: '36.5' })}`).click();
  // the quick temperature moved on to the next empty field
  await until('origin focused', () => pf(page, 0, 'cp-origin').evaluate((el) => el === document.activeElement));
  await pf(page, 0, 'cp-origin').fill(DRIVER.origin);
  await pf(page, 0, 'cp-dest').fill(DRIVER.dest);
  await page.locator(`${sel('cp-person', { index: 0 })} ${sel('cp-purpose-chip', { value: 'home' })}`).click(); // 返乡: one tap
  assert.equal(await pf(page, 0, 'cp-purpose').inputValue(), DRIVER.purpose);
  for (const [k, p] of PASSENGERS.entries()) {
    const i = k + 1;
    await byTest(page, 'cp-add').click();
    await until(`passenger ${i}'s name focused`, () => pf(page, i, 'cp-name').evaluate((el) => el === document.activeElement));
    assert.equal(await pf(page, i, 'cp-dest').inputValue(), DRIVER.dest, 'the driver\'s destination is copied');
    assert.equal(await pf(page, i, 'cp-origin').inputValue(), DRIVER.origin);
    assert.equal(await pf(page, i, 'cp-purpose').inputValue(), DRIVER.purpose);
    await pf(page, i, 'cp-name').fill(p.name);
    if (p.id) await pf(page, i, 'cp-id').fill(p.id);
    if (p.quick) await page.locator(`${sel('cp-person', { index: i })} ${sel('cp-temp-quick', { value: p.quick })}`).click();
    else await pf(page, i, 'cp-temp').fill(p.temp);
  }
  // the fever proposes the clinic while it is typed
  await page.locator(`${sel('cp-person', { index: 2 })} ${sel('cp-outcome', { proposed: 'clinic' })}`).waitFor();
  await page.locator(`${sel('cp-person', { index: 2 })} ${sel('cp-temp-fever')}`).waitFor();
  // the driver from 湖北省武汉市, a key area: the handover is proposed as it is typed
  await page.locator(`${sel('cp-person', { index: 0 })} ${sel('cp-outcome', { proposed: 'handover' })}`).waitFor();
  assert.equal(await byTest(page, 'cp-key-by-server').count(), 0, 'the staff read the key areas');
  // an ID number with a wrong check character is flagged as imports flag it
  const good = pf(page, 3, 'cp-id');
  await good.fill(`${DRIVER.id.slice(0, 17)}${DRIVER.id.at(-1) === '0' ? '1' : '0'}`);
  await assertText(page.locator(sel('cp-person', { index: 3 })), '身份证号校验位错误');
  await good.fill('');
  await assertText(byTest(page, 'cp-submit'), '登记（4 人）');
  assert.deepEqual(await smallTargets(page), [], 'every tap target is at least 44 px');
  await noOverflow(page, 'car of four');
  await shot(page, 'cpf-01-car-of-four');
  await byTest(page, 'cp-submit').click();
  const result = byTest(page, 'cp-result');
  await result.waitFor();
  assert.equal(await result.getAttribute('data-plate'), '苏D12345');
  const outcomes = await page.locator(sel('cp-result-person')).evaluateAll((els) => els.map((e) => [e.dataset.name, e.dataset.outcome]));
  assert.deepEqual(outcomes, [[DRIVER.name, 'handover'], ['卡乘甲', 'handover'], ['卡乘乙', 'clinic'], ['卡乘丙', 'handover']]);
  await shot(page, 'cpf-02-stored-outcomes');
  const [stored] = await passages('苏D12345');
  assert.equal(stored.persons.length, 4);
  assert.equal(stored.persons[0].destination, DRIVER.dest);
  assert.equal(stored.persons[3].destination, DRIVER.dest, 'the copied destination was stored');
  assert.equal(stored.persons[2].temperature, 38);
  assert.ok(!stored.persons[0].id_number.includes(DRIVER.id.slice(6, 14)), 'ID numbers come back masked');

  // ---- b. offline: the next car waits, then goes once (its first answer lost) ----
  await byTest(page, 'cp-next').click();
  await until('plate focused', () => field(page, 'cp-plate').evaluate((el) => el === document.activeElement));
  await ctx.setOffline(true);
  // another province from the picker's big keys: the rest of the plate is typed next
  await byTest(page, 'cp-plate-prov').click();
  await page.locator(sel('cp-plate-key', { value: '浙' })).click();
  await until('plate focused after the province', () => field(page, 'cp-plate').evaluate((el) => el === document.activeElement));
  await field(page, 'cp-plate').fill('A54321');
  await pf(page, 0, 'cp-name').fill('离线司机');
  await page.locator(`${sel('cp-person', { index: 0 })} ${sel('cp-temp-quick', { value: '36.2' })}`).click();
  await pf(page, 0, 'cp-origin').fill('南京市');
  await byTest(page, 'cp-submit').click();
  await byTest(page, 'cp-queued').waitFor();
  await assertText(byTest(page, 'cp-plate-prov'), '浙'); // the last province used is the next default
  const unsent = page.locator(sel('unsent-item', { kind: 'passage', state: 'waiting' }));
  await unsent.waitFor();
  await assertText(unsent, '浙A54321');
  const uuid = await unsent.getAttribute('data-uuid');
  await shot(page, 'cpf-03-unsent');
  const storedBox = await page.evaluate((id) => JSON.parse(localStorage.getItem(`fk.unsent.${id}`)), staff.id);
  assert.equal(storedBox.length, 1);
  assert.equal(storedBox[0].body.uuid, uuid);
  assert.match(storedBox[0].body.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/, '`at` is the moment of registration, +08:00');
  assert.equal((await passages('浙A54321')).length, 0);
  // back online: the first try reaches the server but its answer is lost; the resend (same
  // uuid, same body) is answered as a replay
  const seen = [];
  await page.route('**/api/v1/checkpoints/*/passages', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const body = JSON.parse(route.request().postData());
    seen.push(body.uuid);
    if (seen.length === 1) {
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await ctx.setOffline(false);
  await until('the first try', () => seen.length >= 1);
  await until('one stored', async () => (await passages('浙A54321')).length === 1);
  await page.locator(sel('unsent-item', { uuid })).waitFor(); // still unacknowledged
  await byTest(page, 'unsent-resend').click();
  await byTest(page, 'unsent-title').waitFor({ state: 'detached' });
  assert.deepEqual(seen, [uuid, uuid], 'resent with the same uuid');
  assert.equal((await passages('浙A54321')).length, 1, 'the server holds it once');
  await page.unroute('**/api/v1/checkpoints/*/passages');

  // ---- c. no readable plate: registered with a note (asked for before it is sent) ----
  await field(page, 'cp-plate').fill('');
  await byTest(page, 'cp-plate-unreadable').click();
  await field(page, 'cp-plate-note').fill('无牌三轮车');
  await pf(page, 0, 'cp-name').fill('三轮车主');
  await page.locator(`${sel('cp-person', { index: 0 })} ${sel('cp-temp-quick', { value: '36.8' })}`).click();
  await page.locator(sel('cp-kind', { value: 'other' })).click();
  await byTest(page, 'cp-submit').click();
  await result.waitFor();
  assert.equal(await result.getAttribute('data-plate'), '');
  const [tricycle] = await passages('三轮车主');
  assert.equal(tricycle.plate_unreadable, true);
  assert.equal(tricycle.note, '无牌三轮车');
  assert.equal(tricycle.vehicle_kind, 'other');

  // ---- e. today's list ----
  // the village verifies the driver's handover
  const closed = await adminApi('POST', `/api/v1/tasks/${stored.persons[0].task_id}/close`, { uuid: randomUUID(), outcome: 'duplicate' });
  assert.equal(closed.status, 200, JSON.stringify(closed.body));
  await byTest(page, 'cp-nav-cp-day').click();
  await page.waitForURL('**/m/checkpoint/day');
  const car = page.locator(sel('cp-passage', { plate: '苏D12345' }));
  await car.waitFor();
  assert.equal(await car.locator(sel('cp-task-status', { status: 'open' })).count(), 2, 'two handovers still open');
  await assertText(car.locator(sel('cp-task-status', { status: 'closed' })), '已核查：已排查（重复）');
  assert.equal(await page.locator(sel('cp-passage', { plate: '浙A54321' })).count(), 1);
  await until('shift totals', async () => Number(await page.locator(`${sel('cp-shift')} ${sel('cp-shift-vehicles')}`).getAttribute('data-value')) === 3);
  assert.equal(await page.locator(`${sel('cp-shift')} ${sel('cp-shift-persons')}`).getAttribute('data-value'), '6');
  await noOverflow(page, 'today');
  await shot(page, 'cpf-04-today');
  assert.deepEqual(errors, []);
  await ctx.close();
}));

test('(d) pre-registration by a traveller, confirmed by the staff in the fast lane', { timeout: 300_000 }, () => shootOnFailure(async () => {
  const errors = [];
  // the traveller reads English
  const tctx = await env.browser.newContext({ ...PHONE, locale: 'en-US' });
  await tctx.addInitScript(() => localStorage.setItem('fk.locale', 'en'));
  const tp = await tctx.newPage();
  openPages.push(tp);
  tp.on('pageerror', (e) => errors.push(`traveller: ${e}`));
  await tp.goto(`${env.base}/pre/${checkpoint.id}`);
  await assertText(byTest(tp, 'pre-name'), checkpoint.name);
  await field(tp, 'pre-plate').fill('E11111');
  await page2Person(tp, 0, { name: '预登甲', id: citizenId('42010219750505126'), phone: '12345', origin: '湖北省黄冈市', dest: '社渚镇社渚村3组', purpose: '探亲' });
  await byTest(tp, 'pre-add').click();
  await pf(tp, 1, 'cp-name').fill('预登乙');
  await pf(tp, 1, 'cp-id').fill(citizenId('42010219780606127'));
  await pf(tp, 1, 'cp-phone').fill('13900139002');
  assert.equal(await pf(tp, 1, 'cp-dest').inputValue(), '社渚镇社渚村3组');
  await noOverflow(tp, 'public page');
  await byTest(tp, 'pre-submit').click();
  // the malformed phone refused on its field
  await tp.locator(`${sel('cp-person', { index: 0 })} .van-field__error-message`).first().waitFor();
  await assertText(byTest(tp, 'pre-submit'), 'Submit');
  assert.equal(await byTest(tp, 'pre-done').count(), 0);
  await pf(tp, 0, 'cp-phone').fill('13900139001');
  await byTest(tp, 'pre-submit').click();
  const codeEl = byTest(tp, 'pre-code');
  await codeEl.waitFor();
  const code = (await codeEl.textContent()).trim();
  assert.match(code, /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$/);
  await tp.locator(`${sel('pre-qr')} svg`).waitFor();
  await assertText(byTest(tp, 'pre-typed'), '预登乙');
  await tp.reload();
  await assertText(byTest(tp, 'pre-code'), code);
  await noOverflow(tp, 'code page');
  await shot(tp, 'cpf-05-prereg-code');

  const { ctx, page } = await staffPhone('fast lane', errors);
  await byTest(page, 'cp-nav-cp-prereg').click();
  await field(page, 'cp-pre-code').fill(code.toLowerCase());
  await byTest(page, 'cp-pre-lookup').click();
  await assertText(byTest(page, 'cp-pre-plate'), '苏E11111');
  await assertText(page.locator(sel('cp-pre-person', { index: 1 })), '预登乙');
  await page.locator(`${sel('cp-pre-person', { index: 0 })} ${sel('cp-temp-quick', { value: '36.5' })}`).click();
  await page.locator(`${sel('cp-pre-person', { index: 1 })} input[data-test="cp-temp"]`).fill('36.7');
  await page.locator(`${sel('cp-pre-person', { index: 1 })} ${sel('cp-outcome-option', { value: 'turned_back' })}`).click();
  await noOverflow(page, 'fast lane');
  await shot(page, 'cpf-06-fast-lane');
  await byTest(page, 'cp-pre-confirm').click();
  await byTest(page, 'cp-result').waitFor();
  const [p] = await passages('苏E11111');
  assert.deepEqual(p.persons.map((x) => [x.name, x.temperature, x.outcome]), [['预登甲', 36.5, 'handover'], ['预登乙', 36.7, 'turned_back']]);
  // the code is consumed
  await byTest(page, 'cp-pre-again').click();
  await field(page, 'cp-pre-code').fill(code);
  await byTest(page, 'cp-pre-lookup').click();
  await byTest(page, 'cp-pre-error').waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
  await tctx.close();
}));

async function page2Person(page, i, p) {
  await pf(page, i, 'cp-name').fill(p.name);
  await pf(page, i, 'cp-id').fill(p.id);
  await pf(page, i, 'cp-phone').fill(p.phone);
  await pf(page, i, 'cp-origin').fill(p.origin);
  await pf(page, i, 'cp-dest').fill(p.dest);
  await pf(page, i, 'cp-purpose').fill(p.purpose);
}
