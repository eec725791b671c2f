// Browser test of the account import (issue 10, item 10) on a 1366-px console: the county
// office opens 账号管理, clicks 批量导入, downloads its template (an .xlsx with drop-downs
// for 角色 and 所属区域), uploads a sheet with a wrong row and sees the row's problem in a
// table (nothing created), uploads the corrected sheet and lands on the printable sheet of
// initial passwords (name, username, area, role, password, the first-login note, 打印);
// leaving it asks first. Then one imported account signs in with the printed password and
// is made to change it. Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VILLAGE, ADMIN_PASSWORD, env, byTest, shot, login, assertText, useFangkong, apiSession, noOverflow } from './lib.mjs';

useFangkong('users-import');

const DESK = { viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const sheet = (rows) => '\uFEFF' + ['姓名,手机号,角色,所属区域,用户名', ...rows].join('\r\n') + '\r\n';

test('the county office imports accounts from a sheet and prints their initial passwords', { timeout: 300_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const g = await admin('POST', '/api/v1/areas', { uuid: crypto.randomUUID(), parent: VILLAGE, name: '南片网格' });
  assert.equal(g.status, 201, JSON.stringify(g.body));

  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/dashboard');
  await page.goto(`${env.base}/accounts`);
  await byTest(page, 'user-import').click();
  const dialog = byTest(page, 'user-import-dialog');
  await dialog.waitFor();

  // the template: the caller's, with drop-downs
  const [download] = await Promise.all([page.waitForEvent('download'), byTest(page, 'user-import-template').click()]);
  assert.match(download.suggestedFilename(), /\.xlsx$/);
  const xlsx = await download.path();
  const xml = execFileSync('unzip', ['-p', xlsx, 'xl/worksheets/sheet1.xml']).toString('utf8');
  assert.match(xml, /<dataValidations count="2">/, 'drop-downs for 角色 and 所属区域');
  const strings = execFileSync('unzip', ['-p', xlsx, 'xl/sharedStrings.xml']).toString('utf8');
  assert.ok(strings.includes(`南片网格 (${g.body.code})`), 'the new grid is in the area list');

  // a sheet with a wrong row: the problem by row, nothing created
  const bad = join(env.dir, 'bad.csv');
  writeFileSync(bad, sheet([`周一,13812300001,网格员,南片网格,`, `吴二,13812300002,网格员,没有这个村,`]));
  await byTest(page, 'user-import-file').locator('input[type=file]').setInputFiles(bad);
  await assertText(byTest(page, 'user-import-chosen'), 'bad.csv');
  await byTest(page, 'user-import-submit').click();
  const errs = byTest(page, 'user-import-errors');
  await assertText(errs, '所属区域不存在或不在您的管辖范围内');
  await assertText(errs.locator('.el-table__row'), '3');
  await noOverflow(page, 'import errors at 1366 px');
  await shot(page, 'users-import-errors-1366');
  const none = await admin('GET', '/api/v1/users?q=' + encodeURIComponent('周一'));
  assert.equal(none.body.total, 0, 'a file with a bad row creates nothing');

  // the corrected sheet: the printable sheet of initial passwords
  const good = join(env.dir, 'good.csv');
  writeFileSync(good, sheet([`周一,13812300001,网格员,南片网格,`, `吴二,13812300002,社区医生,社渚村,wuer.doc`]));
  await byTest(page, 'user-import-file').locator('input[type=file]').setInputFiles(good);
  await assertText(byTest(page, 'user-import-chosen'), 'good.csv');
  await byTest(page, 'user-import-submit').click();
  await page.waitForURL('**/print/accounts');
  const rows = byTest(page, 'account-sheet-row');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2);
  await assertText(rows.nth(0), '周一');
  await assertText(rows.nth(0), '南片网格');
  await assertText(rows.nth(0), '网格员');
  await assertText(rows.nth(1), 'wuer.doc');
  await assertText(rows.nth(1), '社区医生');
  const username = (await rows.nth(0).locator('[data-test="sheet-username"]').innerText()).trim();
  const password = (await rows.nth(0).locator('[data-test="sheet-password"]').innerText()).trim();
  assert.equal(username, 'zy1', 'made from the pinyin initials of 周一');
  assert.match(password, /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);
  await assertText(byTest(page, 'account-sheet-note'), '首次登录时须修改密码');
  await byTest(page, 'account-sheet-print').waitFor();
  await noOverflow(page, 'initial password sheet at 1366 px');
  await shot(page, 'users-import-sheet-1366');

  // leaving asks first: cancel stays, confirm leaves and the passwords are gone
  await byTest(page, 'account-sheet-back').click();
  await page.locator('.el-message-box').waitFor();
  await assertText(page.locator('.el-message-box'), '无法再次查看');
  await page.locator('.el-message-box .el-button:not(.el-button--primary)').click();
  await page.locator('.el-message-box').waitFor({ state: 'hidden' });
  assert.match(page.url(), /\/print\/accounts$/);
  await byTest(page, 'account-sheet-back').click();
  await page.locator('.el-message-box .el-button--primary').click();
  await page.waitForURL('**/accounts');
  await page.locator('[data-test="user-row"][data-username="zy1"]').waitFor();
  await page.goto(`${env.base}/print/accounts`);
  await byTest(page, 'account-sheet-gone').waitFor();
  assert.equal(await byTest(page, 'sheet-password').count(), 0, 'the passwords are shown once');

  // the imported account signs in with the printed password and must change it first
  const ctx2 = await env.browser.newContext(DESK);
  const p2 = await ctx2.newPage();
  p2.on('pageerror', (e) => errors.push(String(e)));
  await login(p2, username, password);
  await p2.waitForURL('**/password');
  await byTest(p2, 'password-forced').waitFor();
  assert.deepEqual(errors, []);
  await ctx2.close();
  await ctx.close();
});
