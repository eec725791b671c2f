// Browser test of the list exports (issue 11, item 7) at 1366 px: the commander's task list
// of 社渚村 filtered to 待核查 has an 导出 Excel button; a click shows the export's progress
// (ElProgress: rows written of the total) and then saves the workbook, which holds exactly
// the filtered rows — not the closed task, not 竹箦镇's. Never sleeps: the progress is held
// at a known point by answering the first poll as "running" and the next only when the test
// has seen it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { VILLAGE, ADMIN_PASSWORD, env, byTest, shot, login, useFangkong, apiSession, noOverflow, citizenId, until, uploadList } from './lib.mjs';

useFangkong('exports');

const DESK = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true };
const NAMES = ['导甲', '导乙', '导丙', '导丁', '导戊'];

test('the task list of a village, filtered, exported with its progress and downloaded', { timeout: 180_000 }, async () => {
  const adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const rows = NAMES.map((n, i) => [n, citizenId(`3204811985030${i}00${i}`), `1381234570${i}`, `社渚镇社渚村${10 + i}号`].join(','));
  rows.push(['竹外', citizenId('32048119850401009'), '13812345799', '竹箦镇'].join(','));
  await uploadList('admin', ADMIN_PASSWORD, 'export.csv', ['姓名,身份证号,手机号码,现住址', ...rows].join('\r\n'));
  const open = await until('the import', async () => {
    const r = await adminApi('GET', `/api/v1/tasks?area=${VILLAGE}&status=open&limit=50`);
    return r.body.total === NAMES.length ? r.body.items : null;
  });
  // one task closed: the 待核查 filter leaves it out
  const gone = open.find((t) => t.person_name === '导戊');
  const c = await adminApi('POST', `/api/v1/tasks/${gone.id}/close`, { uuid: randomUUID(), outcome: 'not_found' });
  assert.equal(c.status, 200, JSON.stringify(c.body));

  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/dashboard'); // commanders and admins land on 首页
  await page.goto(`${env.base}/tasks/${VILLAGE}?status=open`);
  await page.locator('[data-test="task-row"]').first().waitFor();
  assert.equal(await page.locator('[data-test="task-row"]').count(), 4);

  // the first poll answers "running", 2 of 4; the next waits until the test has seen it
  let release;
  const seen = new Promise((r) => { release = r; });
  let polls = 0;
  const jobUrl = (u) => /^\/api\/v1\/exports\/[0-9a-f-]{36}$/.test(u.pathname);
  await page.route(jobUrl, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    if (polls++ === 0) Object.assign(body, { status: 'running', rows_done: 2, rows_total: 4 });
    else await seen;
    await route.fulfill({ response: res, json: body });
  });
  const [created] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/v1/exports?') && r.request().method() === 'POST'),
    byTest(page, 'export-excel').click(),
  ]);
  assert.equal(created.status(), 202);
  const query = new URL(created.url()).searchParams;
  assert.equal(query.get('list'), 'tasks');
  assert.equal(query.get('status'), 'open');
  assert.equal(query.get('area'), VILLAGE);
  const progress = byTest(page, 'export-rows');
  await progress.filter({ hasText: '已写入 2 / 4 行' }).waitFor();
  await page.locator('[data-test="export-progress"] .el-progress__text').filter({ hasText: '50%' }).waitFor();
  await noOverflow(page, 'export dialog');
  await shot(page, 'exports-01-progress-1366');
  const [download] = await Promise.all([page.waitForEvent('download'), Promise.resolve(release())]);
  await progress.filter({ hasText: '已导出 4 行' }).waitFor();
  await shot(page, 'exports-02-done-1366');
  assert.equal(download.suggestedFilename(), 'tasks.xlsx');
  const sheet = execFileSync('unzip', ['-p', await download.path(), 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  for (const n of NAMES.slice(0, 4)) assert.ok(sheet.includes(`>${n}<`), `${n} exported`);
  assert.ok(!sheet.includes('>导戊<'), 'the closed task is not in the 待核查 list');
  assert.ok(!sheet.includes('>竹外<'), 'another township is not in the village list');
  assert.equal((sheet.match(/<row /g) || []).length, 5, 'the title row and the four tasks');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a name search of persons exported masked, and with full numbers when asked (audited)', { timeout: 120_000 }, async () => {
  const adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/dashboard'); // commanders and admins land on 首页
  await page.goto(`${env.base}/persons?q=${encodeURIComponent('导')}`);
  await page.locator('[data-test="person-row"]').first().waitFor();
  const shown = await page.locator('[data-test="person-row"]').count();
  assert.equal(shown, 5, 'the five 导… files (the sixth is 竹外)');
  const sheetOf = async (download) => execFileSync('unzip', ['-p', await download.path(), 'xl/worksheets/sheet1.xml'], { encoding: 'utf8' });
  let [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'export-excel').click()]);
  let sheet = await sheetOf(download);
  assert.equal(download.suggestedFilename(), 'persons.xlsx');
  assert.equal((sheet.match(/<row /g) || []).length, 6);
  assert.ok(sheet.includes('>320481************<'), 'ID numbers masked as on the page');
  assert.ok(!/>3204811985\d{8}</.test(sheet));
  await byTest(page, 'export-close').click();
  await byTest(page, 'export-dialog').waitFor({ state: 'hidden' });
  await byTest(page, 'export-reveal').click();
  [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'export-excel').click()]);
  sheet = await sheetOf(download);
  assert.ok(sheet.includes(`>${citizenId('32048119850300000')}<`), 'the full 18 characters, as text');
  const audit = await adminApi('GET', '/api/v1/audit?action=person.reveal_export');
  assert.equal(audit.body.items.length, 1);
  assert.deepEqual(audit.body.items[0].after, { list: 'persons', rows: 5 });
  await shot(page, 'exports-03-persons-1366');
  await ctx.close();
});
