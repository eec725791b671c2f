// Browser tests of the layout of the first field day (issue 10, item 9).
//   360 px: every tappable thing (links, count tiles, buttons, tabs, rows and their actions)
//           on the field pages of a grid worker, a doctor and a village cadre's board, and on
//           the self-report page, is at least 44 × 44 px; the self-report page greets by the
//           given name only; the alerts drill-down from the phone board stays a phone page
//           with a back arrow; the phone task list says 社渚村, not 社渚村村委会.
//   1366 px: no console page with data scrolls sideways, nor does any of its tables; the
//           alerts drill-down from the board opens inside the console with the area's path
//           and a way back.
//   Both: the alert tabs partition the alerts (each one in exactly one tab) and say what
//           each holds; the commander's role is named by the person (指挥部人员), not the office.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, TOWNSHIP, COUNTY, ADMIN_PASSWORD, env, citizenId, byTest, shot, sel, login, noOverflow, apiSession, assertText, useFangkong, smallTargets,
} from './lib.mjs';

useFangkong('layout', { daytime: true }); // someone must be due on today's list, whatever the hour

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Layout-Field-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const DESK = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const MIN = 44;

let adminApi;
const obs = {}; // person name -> observation
let tokenA = '';
let taskId = '';
let importId = '';
let personD = ''; // 布丁: on file, not placed

async function makeAccount(username, role, area, name) {
  const r = await adminApi('POST', '/api/v1/users', { uuid: randomUUID(), username, role, area, password: FIRST_PASSWORD, display_name: name, phone: '13912340000' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  return { user: r.body.user, api: await apiSession(username, PASSWORD) };
}

async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function assertTapTargets(page, what) {
  assert.deepEqual(await smallTargets(page), [], `${what}: tap targets under ${MIN} px`);
}

// The page and every table on it fit the width of the screen.
async function assertNoSideways(page, what) {
  const r = await page.evaluate(() => {
    const se = document.scrollingElement;
    const tables = [...document.querySelectorAll('.el-table')].filter((t) => t.checkVisibility()).map((t) => {
      const wraps = [...t.querySelectorAll('.el-table__body-wrapper, .el-table__body-wrapper .el-scrollbar__wrap')];
      return wraps.map((w) => w.scrollWidth - w.clientWidth).reduce((a, b) => Math.max(a, b), 0);
    });
    return { page: se.scrollWidth - se.clientWidth, tables };
  });
  assert.ok(r.page <= 0, `${what}: the page scrolls ${r.page} px sideways`);
  r.tables.forEach((over, i) => assert.ok(over <= 0, `${what}: table ${i + 1} scrolls ${over} px sideways`));
}

async function fever(api, o, t) {
  const r = await api('POST', `/api/v1/observations/${o.id}/visits`, {
    uuid: randomUUID(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: t, symptoms: ['cough'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
}

let gw, doctor;

test('setup: a worker, a doctor and a cadre of 社渚镇, a list, three alerts in three states', { timeout: 180_000 }, async () => {
  adminApi = await apiSession('admin', ADMIN_PASSWORD);
  gw = await makeAccount('lay_gw', 'grid_worker', VILLAGE, '网格员甲');
  doctor = await makeAccount('lay_doc', 'doctor', TOWNSHIP, '医生乙');
  await makeAccount('lay_cadre', 'cadre', TOWNSHIP, '干部丙');
  await makeAccount('lay_cmd', 'commander', COUNTY, '指挥丁');
  const names = ['布甲', '布乙', '布丙', '布丁'];
  for (const [i, name] of names.entries()) {
    const p = await adminApi('POST', '/api/v1/persons', {
      uuid: randomUUID(), name, area: VILLAGE, doc_type: 'resident', id_number: citizenId(`3204811980030${i}456`),
      phone: `1391234567${i}`, address: `社渚镇社渚村${i + 1}组${i + 8}号`,
    });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    if (i === 3) { personD = p.body.id; continue; } // 布丁 is not placed
    const placed = await adminApi('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: p.body.id, doctor: doctor.user.id, grid_worker: gw.user.id });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    obs[name] = placed.body.observation;
    if (i === 0) tokenA = placed.body.token;
  }
  // 布甲: open; 布乙: referred; 布丙: closed (excluded)
  for (const [n, t] of [['布甲', 38.1], ['布乙', 38.4], ['布丙', 37.9]]) await fever(gw.api, obs[n], t);
  const alerts = (await doctor.api('GET', '/api/v1/alerts?status=open&limit=50')).body.items;
  const alertOf = (n) => alerts.find((a) => a.person_name === n);
  let r = await doctor.api('POST', `/api/v1/alerts/${alertOf('布乙').id}/referral`, { uuid: randomUUID(), destination: 'fever_clinic', facility: '溧阳市人民医院发热门诊' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await doctor.api('POST', `/api/v1/alerts/${alertOf('布丙').id}/result`, { uuid: randomUUID(), result: 'excluded' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await gw.api('POST', `/api/v1/observations/${obs['布甲'].id}/services`, { uuid: randomUUID(), kind: 'shopping', items: '米 10 斤' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  // a returnee list: verification tasks for 社渚村 (its worker's area)
  const csv = ['姓名,身份证号,手机号码,现住址', ...['返甲', '返乙'].map((n, i) => [n, citizenId(`3204811981040${i}002`), `1381234590${i}`, `社渚镇社渚村${70 + i}号`].join(',')),
    '返丙,320481198105050013,1381234,天目湖镇某某路一百二十八号某某小区九幢三单元'].join('\r\n'); // flagged: check character, phone, address
  const login_ = await fetch(`${env.base}/api/v1/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  const { csrf } = await login_.json();
  const cookie = /fk_session=([^;]+)/.exec(login_.headers.get('set-cookie'))[1];
  const fd = new FormData();
  fd.append('uuid', randomUUID());
  fd.append('file', new Blob([`\uFEFF${csv}\r\n`]), 'layout.csv');
  const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
  assert.equal(up.status, 202);
  importId = (await up.json()).id;
  const tasks = await until('the import', async () => {
    const l = (await gw.api('GET', '/api/v1/tasks?status=open&limit=50')).body;
    return l && l.items && l.items.length >= 2 && l.items;
  });
  taskId = tasks[0].id;
});

// Opens a field page and waits for its content before measuring it.
async function visit(page, path, ready) {
  await page.goto(`${env.base}${path}`);
  await ready.first().waitFor();
  await page.locator('.van-loading, .el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {});
}

test('360 px: every tap target of the field pages is at least 44 × 44 px', { timeout: 300_000 }, async () => {
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const small = {}; // page -> its tap targets under 44 px, all pages walked before asserting
  const check = async (what, path, ready, shotName) => {
    await visit(page, path, ready);
    await noOverflow(page, what);
    await shot(page, shotName);
    const s = await smallTargets(page);
    if (s.length) small[what] = s;
  };
  try {
    // the grid worker
    await login(page, 'lay_gw', PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await check('我的任务', '/my-tasks', byTest(page, 'my-task'), 'l01-my-tasks-phone');
    await check('任务', `/my-tasks/${taskId}`, byTest(page, 'my-task-name'), 'l02-my-task-phone');
    // 迁往何处: the picker's places, named as people say them, and the chosen one
    await page.locator(sel('outcome-option', { code: 'moved' })).click();
    await page.locator('[data-test="forward-search"] input').fill('河口');
    await page.locator(sel('forward-option')).first().waitFor();
    const places = await byTest(page, 'forward-option').allInnerTexts();
    assert.ok(places.some((x) => x.startsWith('河口村')) && places.some((x) => x.startsWith('河口社区')), `the picker says 河口村 and 河口社区: ${JSON.stringify(places)}`);
    assert.ok(!places.some((x) => /委员?会/.test(x)), `no committee in the picker: ${JSON.stringify(places)}`);
    let s = await smallTargets(page);
    if (s.length) small['迁往何处'] = s;
    await byTest(page, 'forward-option').first().click();
    await byTest(page, 'forward-chosen').waitFor();
    s = await smallTargets(page);
    if (s.length) small['迁往何处 (已选)'] = s;
    await shot(page, 'l02b-forward-phone');
    await check('登记新人员', '/my-tasks/register', page.locator('form, [data-test^="reg-"]'), 'l03-register-phone');
    await check('今日随访', '/today', byTest(page, 'today-item'), 'l04-today-phone');
    await check('观察详情', `/observations/${obs['布甲'].id}`, byTest(page, 'obs-name'), 'l05-obs-phone');
    await check('随访', `/observations/${obs['布甲'].id}/visit`, byTest(page, 'visit-name'), 'l06-visit-phone');
    await check('服务', '/services', byTest(page, 'service'), 'l07-services-phone');
    await check('落实居家观察', `/observations/new/${personD}`, byTest(page, 'place-name'), 'l07b-place-phone');
    // the notification centre, open
    await byTest(page, 'bell').click();
    await byTest(page, 'bell-panel').waitFor();
    s = await smallTargets(page);
    if (s.length) small['通知'] = s;
    await byTest(page, 'bell').click();
    await ctx.clearCookies();

    // the doctor
    await login(page, 'lay_doc', PASSWORD);
    await page.waitForURL((u) => u.pathname.endsWith('/alerts'));
    await check('发热预警', '/alerts', byTest(page, 'alert'), 'l08-alerts-phone');
    // the referral sheet
    await byTest(page, 'alert-refer').click();
    await byTest(page, 'referral-submit').waitFor();
    s = await smallTargets(page);
    if (s.length) small['登记转诊'] = s;
    await shot(page, 'l08b-referral-phone');
    await ctx.clearCookies();

    // a village cadre's board on the phone, and its drill-downs
    await login(page, 'lay_cadre', PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await check('观察看板', `/obs-board/${TOWNSHIP}`, byTest(page, 'board-row'), 'l09-board-phone');
    await check('观察看板 (村)', `/obs-board/${VILLAGE}`, byTest(page, 'board-count'), 'l10-board-village-phone');
    await check('观察名单', `/observations?area=${VILLAGE}`, byTest(page, 'obs-row'), 'l11-obs-list-phone');
    await ctx.clearCookies();

    // the self-report page of a contact card: greets by the given name only (a card can be
    // lost, and the page must not tell a finder whose it is)
    await check('自报', `/r/${tokenA}`, byTest(page, 'self-name'), 'l12-self-phone');
    const hello = await byTest(page, 'self-name').innerText();
    assert.ok(hello.includes('甲') && !hello.includes('布甲'), `given name only: ${hello}`);
    assert.deepEqual(small, {}, `tap targets under ${MIN} px: ${JSON.stringify(small, null, 1)}`);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('1366 px: no console page with data scrolls sideways, nor any of its tables', { timeout: 300_000 }, async () => {
  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const wide = {}; // page -> what scrolls sideways, all pages walked before asserting
  const check = async (what, path, ready, shotName) => {
    await visit(page, path, ready);
    await shot(page, shotName);
    try { await assertNoSideways(page, what); } catch (e) { wide[what] = e.message; }
  };
  try {
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await check('人员', '/persons?q=布', byTest(page, 'person-row'), 'l20-persons-desk');
    await check('人员档案', `/persons/${obs['布甲'].person_id}`, byTest(page, 'person-event'), 'l21-person-desk');
    await check('任务', `/tasks/${VILLAGE}`, byTest(page, 'task-row'), 'l22-tasks-desk');
    await check('任务监控', `/monitor/${TOWNSHIP}`, byTest(page, 'monitor-row'), 'l23-monitor-desk');
    await check('观察名单', `/observations?area=${VILLAGE}`, byTest(page, 'obs-row'), 'l24-observations-desk');
    await check('观察看板', `/obs-board/${TOWNSHIP}`, byTest(page, 'board-row'), 'l25-board-desk');
    await check('发热预警', `/alerts?area=${TOWNSHIP}`, byTest(page, 'alert'), 'l26-alerts-desk');
    await check('区划', `/areas/${TOWNSHIP}`, byTest(page, 'child-row'), 'l27-areas-desk');
    await check('账号', '/accounts', byTest(page, 'user-row'), 'l28-accounts-desk');
    await check('审计', '/audit', byTest(page, 'audit-row'), 'l29-audit-desk');
    await check('导入', `/imports/${importId}`, byTest(page, 'import-issue'), 'l30-import-desk');
    await check('导入记录', '/imports', byTest(page, 'import-history-row'), 'l31-imports-desk');
    assert.deepEqual(wide, {}, `sideways at 1366 px: ${JSON.stringify(wide, null, 1)}`);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

// Opens an alert tab and answers the ids of the alerts it lists.
async function tabIds(page, status) {
  await page.locator(`.van-tab.tab-${status}`).click();
  await page.locator(`[data-test="alerts-page"][data-status="${status}"][data-loaded="1"]`).waitFor();
  await page.locator(`[data-test="alerts-tab-hint"][data-status="${status}"]`).waitFor();
  return byTest(page, 'alert').evaluateAll((els) => els.map((e) => e.dataset.id));
}

test('360 px: the alert tabs partition the alerts and say what each holds', { timeout: 120_000 }, async () => {
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  try {
    await login(page, 'lay_doc', PASSWORD);
    await page.waitForURL((u) => u.pathname.endsWith('/alerts'));
    const all = (await doctor.api('GET', '/api/v1/alerts?status=active&limit=50')).body.items.map((a) => a.id)
      .concat((await doctor.api('GET', '/api/v1/alerts?status=closed&limit=50')).body.items.map((a) => a.id));
    assert.equal(all.length, 3);
    const seen = {};
    const hints = {};
    for (const s of ['closed', 'referred', 'open']) {
      seen[s] = await tabIds(page, s);
      hints[s] = await byTest(page, 'alerts-tab-hint').innerText();
      assert.match(await page.locator(`.van-tab.tab-${s}`).innerText(), new RegExp(`${seen[s].length}$`), `the ${s} tab counts its alerts`);
    }
    await shot(page, 'l40-alert-tabs-phone');
    for (const id of all) {
      const tabs = Object.keys(seen).filter((s) => seen[s].includes(id));
      assert.equal(tabs.length, 1, `alert ${id} is in exactly one tab, not ${JSON.stringify(tabs)}`);
    }
    assert.deepEqual(Object.values(seen).map((l) => l.length), [1, 1, 1]);
    assert.equal(new Set(Object.values(hints)).size, 3, 'each tab explains itself');
    assert.equal(await page.locator('.van-tab').count(), 3, 'no tab that overlaps another');
  } finally {
    await ctx.close();
  }
});

test('the alerts drill-down: inside the console at 1366 px, a phone page with a back arrow at 360 px', { timeout: 180_000 }, async () => {
  // 1366 px: the commander's board → 未结预警 of 社渚镇
  const desk = await env.browser.newContext(DESK);
  const page = await desk.newPage();
  try {
    await login(page, 'lay_cmd', PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await page.goto(`${env.base}/obs-board/${TOWNSHIP}`);
    await page.locator(sel('board-count', { key: 'alerts_open' })).click();
    await page.waitForURL((u) => u.pathname.endsWith('/alerts') && u.searchParams.get('area') === TOWNSHIP);
    await page.locator(`[data-test="alerts-page"][data-loaded="1"][data-area="${TOWNSHIP}"]`).waitFor();
    await byTest(page, 'side-menu').waitFor(); // the console's frame
    const box = await byTest(page, 'alerts-page').boundingBox();
    assert.ok(box.width > 900, `the alerts use the console's width, not a phone's: ${box.width} px`);
    await assertText(byTest(page, 'alerts-path'), '溧阳市');
    await assertText(byTest(page, 'alerts-path'), '社渚镇');
    await assertText(byTest(page, 'alerts-area-name'), '社渚镇');
    await assertNoSideways(page, 'alerts at 1366 px');
    await shot(page, 'l41-alerts-drill-desk');
    // the path leads up: the county's alerts
    await byTest(page, 'alerts-path').locator(`a[data-code="${COUNTY}"]`).click();
    await page.locator(`[data-test="alerts-page"][data-area="${COUNTY}"]`).waitFor();
    // and the way back leads to the board
    await byTest(page, 'alerts-back').click();
    await page.waitForURL((u) => u.pathname.startsWith('/obs-board'));
    await byTest(page, 'obs-board').waitFor();
  } finally {
    await desk.close();
  }

  // 360 px: the cadre's board on the phone → a phone page with a back arrow
  const phone = await env.browser.newContext(PHONE);
  const p = await phone.newPage();
  try {
    await login(p, 'lay_cadre', PASSWORD);
    await p.waitForURL((u) => !u.pathname.endsWith('/login'));
    await p.goto(`${env.base}/obs-board/${TOWNSHIP}`);
    await p.locator(sel('board-count', { key: 'alerts_open' })).click();
    await p.waitForURL((u) => u.pathname.endsWith('/alerts'));
    await p.locator(`[data-test="alerts-page"][data-loaded="1"][data-area="${TOWNSHIP}"]`).waitFor();
    await assertText(byTest(p, 'alerts-area-name'), '社渚镇');
    await noOverflow(p, 'alerts on the phone');
    const back = byTest(p, 'alerts-back');
    const b = await back.boundingBox();
    assert.ok(b.width >= 44 && b.height >= 44, `back arrow: ${b.width}×${b.height}`);
    await shot(p, 'l42-alerts-drill-phone');
    await back.click();
    await p.waitForURL((u) => u.pathname === `/obs-board/${TOWNSHIP}`);
    await byTest(p, 'obs-board').waitFor();
  } finally {
    await phone.close();
  }
});

test('360 px: lists and the board say 社渚村, where the official name is 社渚村村委会', { timeout: 180_000 }, async () => {
  const grid = await adminApi('POST', '/api/v1/areas', { uuid: randomUUID(), parent: VILLAGE, name: '布局一网格' });
  assert.equal(grid.status, 201, JSON.stringify(grid.body));
  await makeAccount('lay_gw2', 'grid_worker', grid.body.code, '网格员戊');
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  try {
    // a grid worker of a grid sees the village's tasks to take, named as people say
    await login(page, 'lay_gw2', PASSWORD);
    await page.waitForURL((u) => u.pathname.endsWith('/my-tasks'));
    const pool = byTest(page, 'pool-task');
    await pool.first().waitFor();
    const rows = await pool.allInnerTexts();
    assert.ok(rows.length >= 2 && rows.every((r) => r.includes('社渚村') && !r.includes('村委会')), `the task list says 社渚村: ${JSON.stringify(rows)}`);
    await shot(page, 'l50-short-names-tasks-phone');
    await assertTapTargets(page, '本村待认领');
    await ctx.clearCookies();
    // the cadre's board and the doctor's alert cards
    await login(page, 'lay_cadre', PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await page.goto(`${env.base}/obs-board/${TOWNSHIP}`);
    const row = page.locator(sel('board-row', { area: VILLAGE }));
    await assertText(row, '社渚村');
    assert.ok(!(await row.innerText()).includes('村委会'), 'the board row says 社渚村');
    await page.goto(`${env.base}/alerts?area=${TOWNSHIP}`);
    const card = byTest(page, 'alert').first();
    await assertText(card, '社渚村 ·');
    assert.ok(!(await card.innerText()).includes('村委会'), 'the alert card says 社渚村');
    // the area's own page keeps the official name
    await page.goto(`${env.base}/areas/${VILLAGE}`);
    await assertText(byTest(page, 'area-name'), '社渚村村委会');
  } finally {
    await ctx.close();
  }
});

test('1366 px: the commander\'s role is named by the person (指挥部人员), not the office', { timeout: 120_000 }, async () => {
  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  try {
    await login(page, 'lay_cmd', PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    assert.equal((await byTest(page, 'header-role').innerText()).trim(), '指挥部人员');
    await page.goto(`${env.base}/accounts`);
    const row = page.locator('.el-table__row').filter({ has: page.locator(sel('user-row', { username: 'lay_cmd' })) });
    await assertText(row, '指挥部人员');
    await shot(page, 'l60-role-label-desk');
    await byTest(page, 'lang-switch').click();
    await page.locator('[data-test="lang-switch"][data-locale="en"]').waitFor();
    assert.equal((await byTest(page, 'header-role').innerText()).trim(), 'Command post staff');
  } finally {
    await ctx.close();
  }
});
