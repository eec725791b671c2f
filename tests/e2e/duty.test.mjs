// Browser tests of 24-hour duty (值班值守, issue 15):
//  - the roster at 1920 px: a township's commander opens 值班排班 from the side menu, sets
//    a shift of next week through the dialog (a bad phone refused at its field, then a
//    landline and a mobile), sees the shifts that ended without a handover marked in red and
//    not editable (a shift that has started is history), sees this week's empty shifts as
//    gaps in red, fills the gap of today's day shift going on, copies this week onto next
//    week, sets the post's duty phone; the county board lists the posts with their gaps
//    highlighted; the roster also fits a 360-px screen;
//  - the duty log at 360 px: an officer on duty today (and on last night's shift) opens 值班
//    日志 from the drawer, logs two calls, hands one on, records what came back and closes
//    it, hands over last night's shift with the other still open; logs a third call without
//    signal (it waits on the phone, its first answer is lost, the resend with the same uuid
//    is stored once) and turns it into a verification task; the next shift's second officer
//    confirms the handover on another phone and the open matter becomes theirs;
//  - who is on duty now at 360 px, for a village's grid worker: the county, the township and
//    the village in that order, the township's leader and officers with tap-to-call links
//    and its duty phone, the posts with nobody on duty in red;
//  - swaps at 1920 px: an officer asks to swap tomorrow's two leaders (换班), the night
//    shift's leader approves it from the roster and the two change places.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  COUNTY, TOWNSHIP, VILLAGE, ADMIN_PASSWORD, env, byTest, field, shot, sel, login, noOverflow, apiSession, until, useFangkong, smallTargets,
} from './lib.mjs';

useFangkong('duty', { daytime: true }); // today's day shift runs, last night's shift may be handed over

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Duty-Roster-Pass-2026';
const WIDE = { viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const RED = 'rgb(254, 240, 240)'; // a gap's background

const ymd = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
const addDays = (s, n) => { const d = new Date(`${s}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + n); return d.toISOString().slice(0, 10); };
const mondayOf = (s) => addDays(s, -((new Date(`${s}T00:00:00Z`).getUTCDay() + 6) % 7));
const cell = (date, index) => sel('duty-cell', { date, index });
const digits = (s) => String(s).replace(/\D/g, '');

let admin;
const acc = {};
async function makeAccount(username, role, area, name, phone) {
  const r = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username, role, area, password: FIRST_PASSWORD, display_name: name, phone });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  acc[username] = { id: r.body.user.id, name, phone, api: await apiSession(username, PASSWORD) };
  return acc[username];
}

async function newPage(ctxOpts, who) {
  const ctx = await env.browser.newContext(ctxOpts);
  await ctx.addInitScript((id) => localStorage.setItem(`fk.guide.${id}`, '1'), acc[who].id); // the first-use guide seen
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, who, PASSWORD);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return { ctx, page, errors };
}

const today = () => ymd(new Date(Date.now() + (env.clockOffsetMs ?? 0)));

test('setup: a commander, two officers and a grid worker', async () => {
  admin = await apiSession('admin', ADMIN_PASSWORD);
  await makeAccount('duty_cmd', 'commander', TOWNSHIP, '钱指挥', '13911110000');
  await makeAccount('duty_a', 'cadre', TOWNSHIP, '孙值班', '13911110001');
  await makeAccount('duty_b', 'cadre', TOWNSHIP, '周接班', '13911110002');
  await makeAccount('duty_gw', 'grid_worker', VILLAGE, '吴网格', '13911110003');
});

test('the roster at 1920 px: set a shift, ended shifts without a handover and gaps in red, fill today\'s gap, copy this week onto next, the duty phone, the board', { timeout: 240_000 }, async () => {
  const { ctx, page, errors } = await newPage(WIDE, 'duty_cmd');
  try {
    const day = today();
    const monday = mondayOf(day);
    const lastMonday = addDays(monday, -7);
    await page.locator(`${sel('side-menu')} ${sel('nav-duty-roster')}`).click();
    await page.waitForURL((u) => u.pathname === '/duty/roster');
    const roster = byTest(page, 'duty-roster');
    await page.locator(`${sel('duty-roster', { post: TOWNSHIP, week: monday, loaded: 1 })}`).waitFor();
    assert.equal(await page.locator(sel('duty-day')).count(), 7, 'a week of days');
    // this week is empty: every shift a gap, in red
    await page.locator(sel('duty-gaps', { value: 14 })).waitFor();
    const todayCell = page.locator(cell(day, 1));
    assert.equal(await todayCell.getAttribute('data-gap'), '1');
    assert.equal(await todayCell.evaluate((e) => getComputedStyle(e).backgroundColor), RED, 'a gap is red');
    assert.match(await todayCell.innerText(), /缺岗/);

    // ---- next Monday's day shift, through the dialog (a shift that has not started) ----
    const nextMonday = addDays(monday, 7);
    await byTest(page, 'duty-week-next').click();
    await page.locator(sel('duty-roster', { week: nextMonday, loaded: 1 })).waitFor();
    await page.locator(cell(nextMonday, 0)).waitFor();
    await page.locator(cell(nextMonday, 0)).click();
    const dlg = byTest(page, 'duty-shift-dialog');
    await dlg.waitFor();
    await field(page, 'duty-leader-name').fill('郑带班');
    await field(page, 'duty-leader-phone').fill('0519-876');
    await byTest(page, 'duty-add-officer').click();
    await field(page, 'duty-officer-name').fill('冯值班');
    await field(page, 'duty-officer-phone').fill('13812345678');
    await byTest(page, 'duty-shift-save').click();
    await dlg.locator('.el-form-item__error').filter({ hasText: '0519-87654321' }).waitFor(); // refused at its field
    await field(page, 'duty-leader-phone').fill('0519-87654321');
    const put = page.waitForResponse((r) => r.url().includes(`/roster/${nextMonday}/0`) && r.request().method() === 'PUT');
    await byTest(page, 'duty-shift-save').click();
    assert.equal((await put).status(), 200, 'the shift is stored');
    await dlg.waitFor({ state: 'hidden' });
    const set = page.locator(`${cell(nextMonday, 0)}[data-gap="0"]`);
    await set.waitFor();
    assert.match(await set.innerText(), /郑带班/);
    assert.match(await set.innerText(), /0519-87654321/);
    assert.match(await set.innerText(), /冯值班/);
    assert.match(await set.innerText(), /13812345678/);

    // ---- last week has ended: no handover was made, marked in red; history is not editable ----
    await byTest(page, 'duty-week-this').click();
    await page.locator(sel('duty-roster', { week: monday, loaded: 1 })).waitFor();
    await byTest(page, 'duty-week-prev').click();
    await page.locator(sel('duty-roster', { week: lastMonday, loaded: 1 })).waitFor();
    const missing = page.locator(`${cell(lastMonday, 0)} ${sel('duty-handover', { state: 'missing' })}`);
    await missing.waitFor();
    assert.ok(await missing.evaluate((e) => e.classList.contains('el-tag--danger')), 'a missing handover is red');
    assert.equal(await page.locator(`${cell(lastMonday, 0)}.editable`).count(), 0, 'a shift that has started is history');
    await shot(page, 'duty-roster-last-week-1920');

    // ---- today's day shift going on is a gap: it may be filled, and gets its leader ----
    await byTest(page, 'duty-week-this').click();
    await page.locator(sel('duty-roster', { week: monday, loaded: 1 })).waitFor();
    await page.locator(sel('duty-gaps', { value: 14 })).waitFor();
    await page.locator(cell(day, 0)).click();
    await dlg.waitFor();
    await field(page, 'duty-leader-name').fill('李带班');
    await field(page, 'duty-leader-phone').fill('13800000001');
    // tied to an account, so that its owner may keep the log on this shift
    const account = field(page, 'duty-leader-account');
    await account.click();
    await account.fill('duty_a');
    await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: 'duty_a' }).click();
    const saved = page.waitForRequest((x) => x.url().includes(`/roster/${day}/0`) && x.method() === 'PUT');
    await byTest(page, 'duty-shift-save').click();
    assert.equal((await saved).postDataJSON().leader.user_id, acc.duty_a.id, 'the account is sent with the slot');
    await dlg.waitFor({ state: 'hidden' });
    await page.locator(sel('duty-gaps', { value: 13 })).waitFor();
    assert.equal(await page.locator(`${cell(day, 0)}.editable`).count(), 0, 'filled, the shift going on is history too');

    // ---- copy this week onto next week ----
    await byTest(page, 'duty-week-next').click();
    await page.locator(sel('duty-roster', { week: nextMonday, loaded: 1 })).waitFor();
    await byTest(page, 'duty-copy-week').click();
    const copied = page.waitForResponse((r) => r.url().endsWith('/roster/copy') && r.request().method() === 'POST');
    await page.locator('.el-message-box .el-button--primary').click();
    const cr = await copied;
    assert.equal(cr.status(), 200, await cr.text());
    const next = page.locator(`${cell(addDays(day, 7), 0)}[data-gap="0"]`).filter({ hasText: '李带班' });
    await next.waitFor();
    assert.match(await next.innerText(), /李带班/);
    await page.locator(sel('duty-gaps', { value: 13 })).waitFor();
    assert.equal(await page.locator(cell(addDays(day, 7), 1)).getAttribute('data-gap'), '1', 'what was empty stays a gap');
    await byTest(page, 'duty-week-this').click();
    await page.locator(sel('duty-roster', { week: monday, loaded: 1 })).waitFor();
    await page.locator(`${cell(day, 0)}[data-gap="0"]`).filter({ hasText: '李带班' }).waitFor();
    await noOverflow(page, 'roster at 1920 px');
    await shot(page, 'duty-roster-1920');

    // ---- the post's duty phone ----
    await byTest(page, 'duty-post-settings').click();
    const pd = byTest(page, 'duty-post-dialog');
    await pd.waitFor();
    await field(page, 'duty-post-phone').fill('0519 8765 0000');
    await byTest(page, 'duty-post-save').click();
    await pd.waitFor({ state: 'hidden' });
    await until('the duty phone shown', async () => /87650000/.test(await byTest(page, 'duty-post-phone-link').innerText().catch(() => '')));

    // ---- the county board: the posts with their gaps ----
    await page.goto(`${env.base}/duty/now?view=board`);
    await page.locator(sel('duty-now', { view: 'board', loaded: 1 })).waitFor();
    const gaps = Number(await byTest(page, 'duty-board-gaps').getAttribute('data-value'));
    assert.ok(gaps > 0, 'the villages have nobody on duty');
    const row = page.locator(sel('duty-board-row', { post: TOWNSHIP }));
    await row.waitFor();
    assert.equal(await row.getAttribute('data-gap'), '0', 'the township is staffed today');
    const gapRow = page.locator(`${sel('duty-board-row', { gap: 1 })}`).first();
    assert.equal(await gapRow.evaluate((e) => getComputedStyle(e.closest('td')).backgroundColor), RED, 'a gap row is red');
    await byTest(page, 'duty-board-only-gaps').click();
    await until('only gaps listed', async () => (await page.locator(sel('duty-board-row', { gap: 0 })).count()) === 0);
    assert.equal(await page.locator(sel('duty-board-row', { gap: 1 })).count(), gaps);
    await shot(page, 'duty-board-1920');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }

  // the roster is usable on a phone
  const phone = await newPage(PHONE, 'duty_cmd');
  try {
    await phone.page.goto(`${env.base}/duty/roster`);
    await phone.page.locator(sel('duty-roster', { post: TOWNSHIP, loaded: 1 })).waitFor();
    await phone.page.locator(cell(mondayOf(today()), 0)).waitFor();
    await noOverflow(phone.page, 'roster at 360 px');
    assert.deepEqual(await smallTargets(phone.page), [], 'tap targets of the roster');
    await shot(phone.page, 'duty-roster-360');
  } finally {
    await phone.ctx.close();
  }
});

test('the duty log at 360 px: log, hand on, came back, close, hand over the shift, the next shift confirms', { timeout: 240_000 }, async () => {
  const a = acc.duty_a;
  const b = acc.duty_b;
  const cmd = acc.duty_cmd.api;
  const day = today();
  const yesterday = addDays(day, -1);
  // last night: A; today's day shift: B leads, A is an officer. Both shifts have started, and
  // a shift that has started cannot be set through the API: the roster is history, written
  // into the database as if it had been made last week.
  const slot = (date, index, startH, endDate, endH, leader, officers) => {
    const at = (d, h) => Math.floor(Date.parse(`${d}T${String(h).padStart(2, '0')}:00:00+08:00`) / 1000);
    const q = (v) => `'${String(v).replace(/'/g, "''")}'`;
    return `INSERT OR REPLACE INTO duty_slot(post_id, day, idx, start_at, end_at, leader, officers, updated_at) VALUES (${q(TOWNSHIP)}, ${date.replace(/-/g, '')}, ${index}, ${at(date, startH)}, ${at(endDate, endH)}, ${leader ? q(JSON.stringify(leader)) : 'NULL'}, ${q(JSON.stringify(officers))}, ${at(date, startH)});`;
  };
  const person = (u) => ({ name: u.name, phone: u.phone, user_id: u.id });
  const seeded = spawnSync('sqlite3', ['-cmd', '.timeout 10000', env.db,
    slot(yesterday, 1, 20, day, 8, null, [person(a)]) + slot(day, 0, 8, day, 20, person(b), [person(a)])], { encoding: 'utf8' });
  assert.equal(seeded.status, 0, seeded.stderr);

  const one = await newPage(PHONE, 'duty_a');
  const page = one.page;
  let e2; // the matter still open at the handover
  try {
    await byTest(page, 'nav-toggle').click();
    await page.locator(`${sel('drawer-menu')} ${sel('nav-duty-log')}`).click();
    await page.waitForURL((u) => u.pathname === '/duty/log');
    await page.locator(sel('duty-log', { post: TOWNSHIP, state: 'ok' })).waitFor();
    const shift = page.locator(sel('duty-log-shift', { date: day, index: 0 })); // the shift going on, its people
    await shift.waitFor();
    assert.match(await shift.innerText(), new RegExp(`${b.name}.*${a.name}`));

    // two calls
    async function logCall(from, contact, content, action) {
      await byTest(page, 'duty-log-add').click();
      const form = byTest(page, 'duty-entry-form');
      await form.waitFor();
      assert.match(await field(page, 'duty-form-at').inputValue(), new RegExp(`^${day}T\\d\\d:\\d\\d$`), 'the time is now by default');
      await page.locator(sel('duty-form-kind', { kind: 'call' })).click();
      await field(page, 'duty-form-from').fill(from);
      await field(page, 'duty-form-contact').fill(contact);
      await field(page, 'duty-form-content').fill(content);
      await field(page, 'duty-form-action').fill(action);
      const posted = page.waitForResponse((x) => x.url().endsWith(`/duty/posts/${TOWNSHIP}/log`) && x.request().method() === 'POST');
      await byTest(page, 'duty-form-submit').click();
      const res = await posted;
      assert.equal(res.status(), 201, await res.text());
      const entry = await res.json();
      assert.equal(entry.owner.user_id, a.id, 'whoever logs it owns it');
      await form.waitFor({ state: 'hidden' });
      await page.locator(sel('duty-entry', { id: entry.id, state: 'open' })).waitFor();
      return entry;
    }
    const e1 = await logCall('张群众', '13900001111', '反映某小区有外地返乡人员未登记', '已记录，请村委会核实');
    e2 = await logCall('镇卫生院', '0519-87001234', '发热门诊转来一名发热病人信息', '等待卫生院回复');
    assert.equal(await page.locator(sel('duty-entry')).count(), 2);
    const contact = page.locator(`${sel('duty-entry', { id: e1.id })} a.contact`);
    assert.equal(await contact.getAttribute('href'), 'tel:13900001111');

    // hand the first on, what came back, close it
    const en1 = page.locator(sel('duty-entry', { id: e1.id }));
    await en1.locator(sel('duty-entry-hand')).click();
    await byTest(page, 'duty-act-form').waitFor();
    await field(page, 'duty-act-to').fill('社渚村村委会');
    await field(page, 'duty-act-note').fill('请今天核实');
    await byTest(page, 'duty-act-submit').click();
    await page.locator(sel('duty-entry', { id: e1.id, state: 'handed' })).waitFor();
    assert.match(await en1.locator(sel('duty-entry-handed')).innerText(), /社渚村村委会/);
    await en1.locator(sel('duty-entry-return')).click();
    await field(page, 'duty-act-result').fill('村委会已上门，2 人已登记');
    await byTest(page, 'duty-act-submit').click();
    await page.locator(sel('duty-entry', { id: e1.id, returned: 1 })).waitFor();
    await en1.locator(sel('duty-entry-close')).click();
    await field(page, 'duty-act-result').fill('已核实登记，办结');
    await byTest(page, 'duty-act-submit').click();
    await page.locator(sel('duty-entry', { id: e1.id })).waitFor({ state: 'detached' }); // no longer open
    assert.equal(await page.locator(sel('duty-entry')).count(), 1);
    await page.locator('.van-tab').filter({ hasText: '全部' }).click();
    await page.locator(sel('duty-entry', { id: e1.id, state: 'closed' })).waitFor();
    await page.locator('.van-tab').filter({ hasText: '未办结' }).click();
    await page.locator(sel('duty-entry', { id: e2.id, state: 'open' })).waitFor();
    await noOverflow(page, 'duty log at 360 px');
    assert.deepEqual(await smallTargets(page), [], 'tap targets of the duty log');
    await shot(page, 'duty-log-360');

    // hand over last night's shift, the second matter still open
    await byTest(page, 'duty-handover-give').click();
    const give = byTest(page, 'duty-give-form');
    await give.waitFor();
    await page.locator(sel('duty-give-shift', { date: yesterday, index: 1 })).click();
    await give.locator(`${sel('duty-give-items')} li[data-id="${e2.id}"]`).waitFor();
    await field(page, 'duty-give-note').fill('卫生院的回复还没到');
    const handed = page.waitForResponse((x) => x.url().endsWith(`/duty/posts/${TOWNSHIP}/handovers`) && x.request().method() === 'POST');
    await byTest(page, 'duty-give-submit').click();
    const hres = await handed;
    assert.equal(hres.status(), 201, await hres.text());
    const ho = await hres.json();
    assert.deepEqual(ho.open_items, [e2.id], 'the open matters are handed over');
    await give.waitFor({ state: 'hidden' });
    const mine = page.locator(sel('duty-handover-pending', { id: ho.id }));
    await mine.filter({ hasText: '等待接班' }).waitFor(); // the one who handed over waits for the next shift
    assert.equal(await mine.locator(sel('duty-handover-confirm')).count(), 0);
    await shot(page, 'duty-log-handed-360');

    // without signal a call waits on the phone; back online its first answer is lost, the
    // resend (same uuid, same body) is stored once
    const offlineText = '离线时接到的来电：某村有人发热';
    const stored = async () => ((await a.api('GET', `/api/v1/duty/posts/${TOWNSHIP}/log?state=all&from=${yesterday}&to=${day}`)).body.items || [])
      .filter((x) => x.content === offlineText);
    await one.ctx.setOffline(true);
    await byTest(page, 'duty-log-add').click();
    await field(page, 'duty-form-from').fill('某村村医');
    await field(page, 'duty-form-content').fill(offlineText);
    await byTest(page, 'duty-form-submit').click();
    await byTest(page, 'duty-entry-form').waitFor({ state: 'hidden' });
    const unsent = page.locator(sel('unsent-item', { kind: 'duty_entry', state: 'waiting' }));
    await unsent.waitFor();
    const uuid = await unsent.getAttribute('data-uuid');
    assert.equal((await stored()).length, 0);
    const seen = [];
    await page.route(`**/api/v1/duty/posts/${TOWNSHIP}/log`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      seen.push(JSON.parse(route.request().postData()).uuid);
      if (seen.length === 1) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    await one.ctx.setOffline(false);
    await until('the first try', () => seen.length >= 1);
    await until('stored once', async () => (await stored()).length === 1);
    await page.locator(sel('unsent-item', { uuid })).waitFor(); // still unacknowledged
    await byTest(page, 'unsent-resend').click();
    await byTest(page, 'unsent-title').waitFor({ state: 'detached' });
    assert.deepEqual(seen, [uuid, uuid], 'resent with the same uuid');
    assert.equal((await stored()).length, 1, 'the server holds it once');
    await page.unroute(`**/api/v1/duty/posts/${TOWNSHIP}/log`);
    await page.locator(sel('duty-entry-content')).filter({ hasText: offlineText }).waitFor();

    // the caller is to be verified: a verification task by the rule of a manual registration
    const [e3] = await stored();
    const en3 = page.locator(sel('duty-entry', { id: e3.id }));
    await en3.locator(sel('duty-entry-task-open')).click();
    const tf = byTest(page, 'duty-task-form');
    await tf.waitFor();
    assert.equal(await field(page, 'duty-task-name').inputValue(), '某村村医', 'the caller\'s name to start with');
    await field(page, 'duty-task-name').fill('李发热');
    await byTest(page, 'duty-task-submit').click();
    await tf.locator('.van-field__error-message').filter({ hasText: '必填' }).waitFor(); // the address is required
    await field(page, 'duty-task-phone').fill('13812340000');
    await field(page, 'duty-task-address').fill('社渚镇社渚村1组');
    await field(page, 'duty-task-origin').fill('湖北省武汉市');
    await byTest(page, 'duty-task-submit').click();
    await tf.waitFor({ state: 'hidden' });
    await en3.locator(sel('duty-entry-task')).waitFor();
    assert.ok(await en3.getAttribute('data-task'), 'the entry records its task');
    assert.equal(await en3.locator(sel('duty-entry-task-open')).count(), 0, 'one task per entry');
    assert.deepEqual(one.errors, []);
  } finally {
    await one.ctx.close();
  }

  // the next shift's officer confirms on another phone
  const two = await newPage(PHONE, 'duty_b');
  try {
    const p = two.page;
    await p.goto(`${env.base}/duty/log?post=${TOWNSHIP}`);
    await p.locator(sel('duty-log', { post: TOWNSHIP, state: 'ok' })).waitFor();
    const pending = p.locator(sel('duty-handover-pending', { date: yesterday, index: 1 }));
    await pending.waitFor();
    assert.match(await pending.innerText(), /未办结事项 1 件/);
    await pending.locator(sel('duty-handover-confirm')).click();
    const take = byTest(p, 'duty-take-form');
    await take.waitFor();
    await take.locator(`${sel('duty-take-items')} li[data-id="${e2.id}"]`).waitFor();
    const confirmed = p.waitForResponse((x) => /\/duty\/handovers\/[^/]+\/confirm$/.test(x.url()));
    await byTest(p, 'duty-take-submit').click();
    assert.equal((await confirmed).status(), 200);
    await take.waitFor({ state: 'hidden' });
    await p.locator(sel('duty-handover-pending')).waitFor({ state: 'detached' });
    await p.locator(sel('duty-entry', { id: e2.id, owner: b.id })).waitFor(); // the open matter is now theirs
    await noOverflow(p, 'duty log of the next shift');
    await shot(p, 'duty-log-confirmed-360');
    assert.deepEqual(two.errors, []);
  } finally {
    await two.ctx.close();
  }
});

test('who is on duty now at 360 px: county → township → village, tap-to-call, gaps in red', { timeout: 120_000 }, async () => {
  const a = acc.duty_a;
  const b = acc.duty_b;
  const { ctx, page, errors } = await newPage(PHONE, 'duty_gw');
  try {
    await byTest(page, 'nav-toggle').click();
    await page.locator(`${sel('drawer-menu')} ${sel('nav-duty-now')}`).click();
    await page.waitForURL((u) => u.pathname === '/duty/now');
    await page.locator(sel('duty-now', { view: 'mine', loaded: 1 })).waitFor();
    const cards = page.locator(sel('duty-now-card', { kind: 'area' }));
    assert.deepEqual(await cards.evaluateAll((l) => l.map((e) => e.getAttribute('data-post'))), [COUNTY, TOWNSHIP, VILLAGE], 'county first, then down');
    const town = page.locator(sel('duty-now-card', { post: TOWNSHIP }));
    assert.equal(await town.getAttribute('data-gap'), '0');
    assert.equal(await town.locator(`${sel('duty-tel', { role: 'leader' })}`).getAttribute('href'), `tel:${b.phone}`);
    assert.equal(await town.locator(`${sel('duty-tel', { role: 'officer' })}`).getAttribute('href'), `tel:${a.phone}`);
    assert.match(await town.innerText(), new RegExp(b.name));
    assert.match(await town.innerText(), new RegExp(a.name));
    assert.equal(digits(await town.locator(sel('duty-tel', { role: 'post' })).getAttribute('href')), '051987650000', 'the duty phone');
    for (const code of [COUNTY, VILLAGE]) {
      const c = page.locator(sel('duty-now-card', { post: code }));
      assert.equal(await c.getAttribute('data-gap'), '1', `${code} has nobody on duty`);
      assert.equal(await c.evaluate((e) => getComputedStyle(e).backgroundColor), RED);
      assert.match(await c.innerText(), /无人值班/);
    }
    assert.equal((await page.locator(`${sel('duty-now-card', { post: VILLAGE })} ${sel('duty-now-name')}`).innerText()).trim(), '社渚村', 'the village by its short name');
    await noOverflow(page, 'on duty now at 360 px');
    assert.deepEqual(await smallTargets(page), [], 'tap targets of who is on duty');
    await shot(page, 'duty-now-360');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('swaps at 1920 px: an officer asks to swap tomorrow\'s leaders, the other shift\'s leader approves', { timeout: 180_000 }, async () => {
  const a = acc.duty_a;
  const b = acc.duty_b;
  const tomorrow = addDays(today(), 1);
  const week = mondayOf(tomorrow);
  for (const [index, who] of [[0, a], [1, b]]) {
    const r = await acc.duty_cmd.api('PUT', `/api/v1/duty/posts/${TOWNSHIP}/roster/${tomorrow}/${index}`, {
      uuid: randomUUID(), leader: { name: who.name, phone: who.phone, user_id: who.id }, officers: [],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const url = `${env.base}/duty/roster?post=${TOWNSHIP}&week=${week}`;
  const leaderOf = (page, index) => page.locator(`${cell(tomorrow, index)} ${sel('duty-cell-leader')}`);

  // A asks: tomorrow's day shift's leader ⇄ its night shift's leader
  const one = await newPage(WIDE, 'duty_a');
  try {
    const page = one.page;
    await page.goto(url);
    await page.locator(sel('duty-roster', { week, loaded: 1 })).waitFor();
    assert.equal(await page.locator(`${cell(tomorrow, 0)}.editable`).count(), 0, 'only the command post edits the roster');
    await byTest(page, 'duty-swap-ask').click();
    const dlg = byTest(page, 'duty-swap-dialog');
    await dlg.waitFor();
    for (const k of ['a', 'b']) {
      const date = page.locator(`${sel(`duty-swap-${k}`)} .date input`);
      await date.fill(tomorrow);
      await date.press('Enter');
    }
    await page.locator(`${sel('duty-swap-b')} .shift`).click();
    await page.locator('.el-select-dropdown__item').filter({ visible: true }).filter({ hasText: '第 2 班' }).click();
    await field(page, 'duty-swap-reason').fill('家中有事');
    const asked = page.waitForResponse((x) => x.url().endsWith(`/duty/posts/${TOWNSHIP}/swaps`) && x.request().method() === 'POST');
    await byTest(page, 'duty-swap-submit').click();
    const res = await asked;
    assert.equal(res.status(), 201, await res.text());
    const sw = await res.json();
    assert.deepEqual([sw.a, sw.b], [{ date: tomorrow, index: 0, slot: 'leader' }, { date: tomorrow, index: 1, slot: 'leader' }]);
    await dlg.waitFor({ state: 'hidden' });
    await page.locator(sel('duty-swap', { id: sw.id })).waitFor();
    await page.locator(`${cell(tomorrow, 0)} ${sel('duty-swap-tag')}`).waitFor();
    assert.deepEqual(one.errors, []);
  } finally {
    await one.ctx.close();
  }

  // B leads the night shift and approves: the two leaders change places
  const two = await newPage(WIDE, 'duty_b');
  try {
    const page = two.page;
    await page.goto(url);
    await page.locator(sel('duty-roster', { week, loaded: 1 })).waitFor();
    const row = page.locator(sel('duty-swap'));
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${a.name}[\\s\\S]*${b.name}`));
    await row.locator(sel('duty-swap-approve')).click();
    await row.waitFor({ state: 'detached' });
    await leaderOf(page, 0).filter({ hasText: b.name }).waitFor();
    await leaderOf(page, 1).filter({ hasText: a.name }).waitFor();
    assert.equal(await page.locator(`${cell(tomorrow, 0)} ${sel('duty-swap-tag')}`).count(), 0);
    await shot(page, 'duty-roster-swapped-1920');
    assert.deepEqual(two.errors, []);
  } finally {
    await two.ctx.close();
  }
});
