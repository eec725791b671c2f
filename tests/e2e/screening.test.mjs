// Browser test of screening (排查) in a closed loop, against the real server.
//
// A fresh database (init + an admin account) and `fangkong serve` on a free port, driven by
// headless Chromium (playwright-core from web/node_modules, the system /usr/bin/chromium):
//
//  1. the admin, on a desktop screen, downloads the list template (an .xlsx), uploads a CSV
//     of ten returnees (UTF-8 with BOM and a title row; one defective ID number, one row
//     without a name, one person listed twice), watches the progress bar until the job is
//     done, checks the exact counts and the rows with problems, sees that uploading the same
//     file again is recognised as a duplicate, and reads the counts per area;
//  2. a grid worker of 社渚村村委会 (made through the admin API), on a 360×740 phone, is sent
//     to their task list, opens a task, calls the person (the phone is revealed), and closes
//     the task with "核实，已落实居家观察" and a note — on a network that first loses the
//     answer and then stays down, so the closure waits as "未发送" and is resent with the
//     same uuid;
//  3. the admin's monitoring page then counts one more verified task, and a deadline can be
//     extended from the area's task list. Person files, the monitoring page and the import
//     page are also looked at on a phone and on a 1920-px screen.
//
// Needs: build/fangkong (or FANGKONG_BIN) built with the console (web/dist) and `npm ci` in
// web/. Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  COUNTY, TOWNSHIP, VILLAGE, ADMIN_PASSWORD, UUID_RE, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('screening');

const WORKER = { username: 'gw_shezhucun', name: '社渚网格员', phone: '13700137001', password: 'First-Login-Pass-2026' };
const WORKER_NEW_PASSWORD = 'Door-To-Door-Pass-2026';
const OBSERVATION = '核实，需落实居家观察';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

// ---- the list: ten rows under a title row and a header ----

const RETURNEES = [
  ['周一', '19800101001'], ['吴二', '19810202002'], ['郑三', '19820303003'], ['王四', '19830404004'],
  ['冯五', '19840505005'], ['陈六', '19850606006'], ['褚七', '19860707007'],
].map(([name, rest], i) => ({
  name, id: citizenId(`320481${rest}`), phone: `1391234560${i}`, origin: '湖北省武汉市',
  date: `2020-01-2${i}`, transport: '火车', no: `G10${i}`, address: `社渚镇社渚村${i + 1}组`,
}));
const good = citizenId('32048119900808008');
const BAD_ID = good.slice(0, 17) + (good[17] === '1' ? '2' : '1'); // wrong check character
const CALLEE = RETURNEES[4]; // 冯五

function listCsv() {
  const row = (p, note = '') => [p.name, '居民身份证', p.id, p.phone, p.origin, p.date, p.transport, p.no, p.address, note].join(',');
  const lines = [
    '社渚镇返乡人员排查登记表,,,,,,,,,', // line 1: the title row
    '姓名,证件类型,身份证号,手机号码,来源地,返乡日期,交通方式,车次/航班/车牌,现住址,备注', // line 2
    ...RETURNEES.map((p) => row(p)), // lines 3–9
    row({ ...RETURNEES[0], name: '卫八', id: BAD_ID, phone: '13912345698', address: '社渚镇社渚村5组' }), // line 10: flagged
    row({ ...RETURNEES[1], name: '', id: citizenId('32048119910909009'), phone: '13912345699' }), // line 11: rejected
    row(RETURNEES[0], '第二次出现'), // line 12: merged into 周一
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
const EXPECTED = { rows: 10, imported: 8, merged: 1, flagged: 1, rejected: 1 };

// Wait until the element's text (trimmed) is exactly `text`.
async function waitText(page, selector, text) {
  await page.waitForFunction(
    ([s, v]) => { const e = document.querySelector(s); return !!e && e.textContent.trim() === v; },
    [selector, String(text)],
  );
}

// Pages open in the test, shot into out/failed-*.png when it fails.
const openPages = [];
async function shootOnFailure(fn) {
  try {
    await fn();
  } catch (e) {
    await Promise.all(openPages.map((p, i) => shot(p, `failed-${i}`).catch(() => {})));
    throw e;
  }
}

test('screening: import a list, close a task on a phone, see the counts move', { timeout: 300_000 }, () => shootOnFailure(async () => {
  const errors = [];
  const csvPath = join(env.dir, '社渚镇返乡人员.csv');
  writeFileSync(csvPath, listCsv(), 'utf8');

  // The grid worker of 社渚村村委会, made through the admin API (first login forces a change).
  const adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const created = await adminApi('POST', '/api/v1/users', {
    uuid: randomUUID(), username: WORKER.username, display_name: WORKER.name, phone: WORKER.phone,
    role: 'grid_worker', area: VILLAGE, password: WORKER.password,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));

  // ---- 1. The admin on a desktop screen ----
  const desk = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await desk.newPage();
  openPages.push(page);
  page.on('pageerror', (e) => errors.push(`desktop: ${e}`));
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/dashboard');
  for (const n of ['nav-imports', 'nav-monitor', 'nav-persons', 'nav-my-tasks']) await byTest(page, n).waitFor();

  await byTest(page, 'nav-imports').click();
  await page.waitForURL('**/imports');

  // The template: a real .xlsx (a ZIP), offered as a download.
  const [download, templateRes] = await Promise.all([
    page.waitForEvent('download'),
    page.waitForResponse((r) => r.url().includes('/api/v1/imports/template?format=xlsx')),
    byTest(page, 'template-xlsx').click(),
  ]);
  assert.equal(templateRes.status(), 200);
  assert.equal(templateRes.headers()['content-type'], XLSX);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const xlsx = readFileSync(await download.path());
  assert.equal(xlsx.subarray(0, 4).toString('binary'), 'PK\u0003\u0004', 'the template is a ZIP (xlsx)');
  await shot(page, 's01-imports-desktop');

  // Upload. The import of ten rows is quicker than one poll, so the first answer about the
  // job is held at "running" to see the progress bar; the next poll shows the real state.
  let held = false;
  const jobUrl = (u) => /^\/api\/v1\/imports\/[0-9a-f-]{36}$/.test(u.pathname);
  await page.route(jobUrl, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    if (!held) { held = true; Object.assign(body, { status: 'running', progress: 0.4, finished_at: null }); }
    await route.fulfill({ response: res, json: body });
  });
  await page.locator('[data-test="import-file"] input[type=file]').setInputFiles(csvPath);
  await byTest(page, 'import-chosen').waitFor();
  const [uploadRes] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/imports') && r.request().method() === 'POST'),
    byTest(page, 'import-submit').click(),
  ]);
  assert.equal(uploadRes.status(), 202);
  const jobId = (await uploadRes.json()).id;
  await page.waitForURL(`**/imports/${jobId}`);
  await byTest(page, 'import-progress').waitFor();
  await shot(page, 's02-import-progress-desktop');
  await page.locator(sel('import-job', { status: 'done' })).waitFor();
  await page.unroute(jobUrl);
  for (const [k, v] of Object.entries(EXPECTED)) {
    assert.equal(await byTest(page, `import-${k}`).getAttribute('data-value'), String(v), `${k} count`);
  }
  // The rows to fix: line 10's ID number (flagged) and line 11 without a name (rejected).
  const issues = byTest(page, 'import-issue');
  await issues.first().waitFor();
  assert.equal(await issues.count(), 2);
  assert.equal(await page.locator(sel('import-issue', { code: 'id.check' })).getAttribute('data-line'), '10');
  assert.equal(await page.locator(sel('import-issue', { code: 'name.missing' })).getAttribute('data-line'), '11');
  const issuesText = await byTest(page, 'import-issues').innerText();
  assert.match(issuesText, /身份证号校验位错误/);
  assert.match(issuesText, /缺少姓名/);
  assert.match(issuesText, new RegExp(BAD_ID));
  await page.locator(sel('import-history-row', { id: jobId })).waitFor();
  const [fix] = await Promise.all([page.waitForEvent('download'), byTest(page, 'import-download-fix').click()]);
  assert.match(fix.suggestedFilename(), /\.csv$/);
  const fixCsv = readFileSync(await fix.path(), 'utf8');
  assert.match(fixCsv, /^\uFEFF/);
  assert.match(fixCsv, new RegExp(BAD_ID));
  await shot(page, 's03-import-result-desktop');

  // The same file again: recognised, nothing imported twice.
  await page.locator('[data-test="import-file"] input[type=file]').setInputFiles(csvPath);
  await byTest(page, 'import-submit').click();
  await assertText(byTest(page, 'import-duplicate'), '此文件已导入过');
  assert.ok(page.url().endsWith(`/imports/${jobId}`));
  assert.equal(await byTest(page, 'import-imported').getAttribute('data-value'), String(EXPECTED.imported));
  await shot(page, 's04-import-duplicate-desktop');

  // Counts per area: the county's child 社渚镇, then one level down to the village.
  await byTest(page, 'nav-monitor').click();
  await page.waitForURL('**/monitor');
  await waitText(page, sel('stat-pushed', { area: TOWNSHIP }), 8);
  await waitText(page, sel('stat-closed', { area: TOWNSHIP }), 0);
  await shot(page, 's05-monitor-county-desktop');
  await page.locator(`a${sel('monitor-row', { area: TOWNSHIP })}`).click();
  await page.waitForURL(`**/monitor/${TOWNSHIP}`);
  await waitText(page, sel('stat-open', { area: VILLAGE }), 8);
  await waitText(page, sel('stat-closed', { area: VILLAGE }), 0);
  await waitText(page, sel('stat-outcome', { area: VILLAGE, code: 'observation' }), 0);
  await byTest(page, 'monitor-path').locator(`[data-code="${COUNTY}"]`).waitFor();
  await shot(page, 's06-monitor-township-desktop');

  // One person, one file: masked until revealed.
  await byTest(page, 'nav-persons').click();
  await page.waitForURL('**/persons');
  // An ID number is searched with POST and kept out of the URL (history, proxy logs).
  await field(page, 'person-search').fill(CALLEE.id);
  await byTest(page, 'person-search-submit').click();
  await byTest(page, 'person-row').first().waitFor();
  assert.ok(!page.url().includes(CALLEE.id.slice(6, 14)), page.url());
  await field(page, 'person-search').fill(CALLEE.name);
  await byTest(page, 'person-search-submit').click();
  await byTest(page, 'person-row').first().click();
  await page.waitForURL('**/persons/*');
  await assertText(byTest(page, 'person-name'), CALLEE.name);
  const masked = (await byTest(page, 'person-id-number').innerText()).trim();
  assert.match(masked, /^320481\*{12}$/); // the issuing county only (docs/api.md, Masking)
  assert.notEqual(masked, CALLEE.id);
  await page.locator(sel('person-category', { code: 'key_area' })).waitFor();
  await page.locator(sel('person-event', { kind: 'pushed' })).waitFor();
  await byTest(page, 'person-reveal').click();
  await page.locator('.el-message-box .el-button--primary').click();
  await waitText(page, sel('person-id-number'), CALLEE.id);
  await assertText(byTest(page, 'person-phone'), CALLEE.phone);
  await shot(page, 's07-person-file-desktop');
  const personUrl = page.url();

  // ---- 2. The grid worker on a phone ----
  const phone = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
  });
  const mob = await phone.newPage();
  openPages.push(mob);
  mob.on('pageerror', (e) => errors.push(`phone: ${e}`));
  await login(mob, WORKER.username, WORKER.password);
  await mob.waitForURL('**/password');
  await field(mob, 'pw-old').fill(WORKER.password);
  await field(mob, 'pw-new').fill(WORKER_NEW_PASSWORD);
  await field(mob, 'pw-repeat').fill(WORKER_NEW_PASSWORD);
  await byTest(mob, 'pw-submit').click();

  // Home is the task list. The first load is shown with one task past its deadline, to see
  // it marked red (the server's tasks are all due in 24 h).
  let markOverdue = true;
  const openList = (u) => u.pathname === '/api/v1/tasks' && u.searchParams.get('status') === 'open';
  await mob.route(openList, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    if (markOverdue && body.items.length) {
      markOverdue = false;
      const last = body.items[body.items.length - 1];
      Object.assign(last, { overdue: true, due_at: new Date(Date.now() - 3600_000).toISOString() });
    }
    await route.fulfill({ response: res, json: body });
  });
  await mob.waitForURL('**/my-tasks');
  const myTasks = byTest(mob, 'my-task');
  await myTasks.nth(7).waitFor();
  assert.equal(await myTasks.count(), 8);
  await mob.locator(`${sel('my-task', { overdue: '1' })} [data-test="my-task-overdue"]`).waitFor();
  const red = await mob.locator(`${sel('my-task', { overdue: '1' })} .person`).evaluate((e) => getComputedStyle(e).color);
  assert.match(red, /rgb\(2\d\d, \d{1,2}, \d{1,2}\)/, `overdue name is red, got ${red}`);
  await mob.unroute(openList);
  await noOverflow(mob, 'my tasks');
  await shot(mob, 's08-my-tasks-phone');

  // Open 冯五's task: name, masked ID, address, due time.
  await mob.locator(sel('my-task', { person: CALLEE.name })).click();
  await mob.waitForURL('**/my-tasks/*');
  const taskId = mob.url().split('/').pop();
  await assertText(byTest(mob, 'my-task-name'), CALLEE.name);
  await mob.waitForFunction(() => /^320481\*{12}$/.test(document.querySelector('[data-test="my-task-id"]')?.textContent.trim() || ''));
  await assertText(byTest(mob, 'my-task-address'), CALLEE.address);

  // One tap to call: the phone is revealed (audited) and dialled. (In a second tab: once a
  // page has tried to open tel:, headless Chromium ignores input to it after a screenshot.)
  const dial = await phone.newPage();
  dial.on('pageerror', (e) => errors.push(`dial: ${e}`));
  await dial.goto(mob.url());
  const [reveal] = await Promise.all([
    dial.waitForResponse((r) => r.url().endsWith('/reveal') && r.request().method() === 'POST'),
    byTest(dial, 'call-button').click(),
  ]);
  assert.equal(reveal.status(), 200);
  await byTest(dial, 'call-phone').waitFor();
  assert.equal(await byTest(dial, 'call-phone').getAttribute('href'), `tel:${CALLEE.phone}`);
  await dial.close();

  // Close it. The first answer is lost (the server did close the task) and then the
  // network stays down: the closure waits on the phone as "未发送".
  const posts = [];
  let online = false;
  const closeUrl = `**/api/v1/tasks/${taskId}/close`;
  await mob.route(closeUrl, async (route) => {
    posts.push(route.request().postDataJSON());
    if (posts.length === 1) {
      await route.fetch(); // reaches the server
      return route.abort('connectionreset'); // but the phone never hears back
    }
    if (!online) return route.abort('internetdisconnected');
    return route.continue();
  });
  const option = mob.locator(sel('outcome-option', { code: 'observation' }));
  await assertText(option, OBSERVATION);
  await option.click();
  await mob.locator('[data-test="close-note"] textarea').fill('已上门，本人在家，体温正常，已告知居家观察14天');
  await shot(mob, 's09-my-task-phone');
  await byTest(mob, 'close-submit').click();
  await mob.waitForURL('**/my-tasks');
  const unsent = mob.locator(sel('unsent-item', { kind: 'close', ref: taskId }));
  await unsent.waitFor();
  await assertText(unsent, '未发送');
  const stored = await mob.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('fk.unsent.')).map(([, v]) => JSON.parse(v)));
  assert.equal(stored.length, 1);
  assert.equal(stored[0][0].ref, taskId);
  assert.equal(stored[0][0].body.uuid, posts[0].uuid);
  await noOverflow(mob, 'unsent');
  await shot(mob, 's10-unsent-phone');

  // The network is back: resend now; the same uuid and body, acknowledged at last.
  online = true;
  await byTest(mob, 'unsent-resend').click();
  await unsent.waitFor({ state: 'detached' });
  await mob.unroute(closeUrl);
  assert.ok(posts.length >= 2, `expected a resend, saw ${posts.length} request(s)`);
  assert.match(posts[0].uuid, UUID_RE);
  for (const p of posts) assert.deepEqual(p, posts[0], 'every attempt re-sends the same closure');
  assert.equal(posts[0].outcome, 'observation');
  await mob.waitForFunction(() => document.querySelectorAll('[data-test="my-task"]').length === 7);
  assert.equal(await mob.locator(sel('my-task', { person: CALLEE.name })).count(), 0);
  const left = await mob.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('fk.unsent.')).length);
  assert.equal(left, 0, 'the outbox is empty once acknowledged');
  await shot(mob, 's11-my-tasks-after-phone');

  // ---- 3. Back at the command post ----
  await page.goto(`${env.base}/monitor/${TOWNSHIP}`);
  await waitText(page, sel('stat-closed', { area: VILLAGE }), 1);
  await waitText(page, sel('stat-open', { area: VILLAGE }), 7);
  await waitText(page, sel('stat-outcome', { area: VILLAGE, code: 'observation' }), 1);
  await shot(page, 's12-monitor-after-desktop');

  // The village's open tasks; extend one deadline.
  await page.locator(`button${sel('monitor-tasks', { area: VILLAGE })}`).click();
  await page.waitForURL(`**/tasks/${VILLAGE}?status=open`);
  await byTest(page, 'task-row').nth(6).waitFor();
  assert.equal(await byTest(page, 'task-row').count(), 7);
  await byTest(page, 'task-extend').first().click();
  const extend = page.locator('.el-dialog[data-test="extend-dialog"]');
  await extend.waitFor();
  await field(page, 'task-reason').fill('村里道路封闭，延后上门');
  const [ext] = await Promise.all([
    page.waitForResponse((r) => /\/extend$/.test(r.url())),
    byTest(page, 'task-action-submit').click(),
  ]);
  assert.equal(ext.status(), 200);
  await extend.waitFor({ state: 'hidden' });
  await shot(page, 's13-tasks-desktop');

  // The closed task in the person's file: verified, with the note.
  await page.goto(personUrl);
  await page.locator(sel('person-event', { kind: 'verified' })).waitFor();
  await assertText(page.locator(sel('person-event', { kind: 'verified' })), OBSERVATION);
  await assertText(byTest(page, 'person-status'), '待落实居家观察');

  // ---- The desktop pages on a phone and on a wide screen ----
  const small = await env.browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' });
  const sp = await small.newPage();
  openPages.push(sp);
  sp.on('pageerror', (e) => errors.push(`admin phone: ${e}`));
  await login(sp, 'admin', ADMIN_PASSWORD);
  await sp.waitForURL('**/dashboard');
  for (const [path, ready, name] of [
    [`/imports/${jobId}`, sel('import-job', { status: 'done' }), 's14-imports-phone'],
    [`/monitor/${TOWNSHIP}`, sel('stat-closed', { area: VILLAGE }), 's15-monitor-phone'],
    [new URL(personUrl).pathname, sel('person-event', { kind: 'verified' }), 's16-person-phone'],
  ]) {
    await sp.goto(`${env.base}${path}`);
    await sp.locator(ready).first().waitFor();
    await noOverflow(sp, path);
    await shot(sp, name);
  }
  const wide = await env.browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  const wp = await wide.newPage();
  openPages.push(wp);
  wp.on('pageerror', (e) => errors.push(`wide: ${e}`));
  await login(wp, 'admin', ADMIN_PASSWORD);
  await wp.waitForURL('**/dashboard');
  await wp.goto(`${env.base}/monitor/${TOWNSHIP}`);
  await waitText(wp, sel('stat-closed', { area: VILLAGE }), 1);
  await shot(wp, 's17-monitor-wide');

  assert.deepEqual(errors, [], 'no uncaught errors in the pages');
  await Promise.all([desk.close(), phone.close(), small.close(), wide.close()]);
}));

