// Browser test of the web console against the real server.
//
// It makes a fresh database (init + an admin account), starts `fangkong serve` on a free
// port, and drives headless Chromium (playwright-core from web/node_modules, the system
// /usr/bin/chromium) through the first day of a county: the admin opens the area tree,
// drills down to a village of 社渚镇, creates a grid there (with a lost answer and an
// idempotent retry), creates a grid worker for the village and reads the initial password;
// then the grid worker, on a 360-px phone, logs in, is forced to change the password, lands
// on their task list and sees only their own village. Screenshots go to tests/e2e/out/.
//
// Needs: build/fangkong (or FANGKONG_BIN) built with the console (web/dist) and
// `npm ci` in web/. Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COUNTY, TOWNSHIP, ADMIN_PASSWORD, env, byTest, field, shot, login, assertText, useFangkong,
} from './lib.mjs';

useFangkong('console');

const WORKER = { username: 'gw_shezhu1', name: '李网格', phone: '13700137000' };
const WORKER_NEW_PASSWORD = 'Grid-Worker-Pass-2026';
const GRID = { name: '一网格', responsible: '张伟', phone: '13800138000', duty: '13900139000' };

// Pick an option of an Element Plus select by clicking it open and the option.
async function pickOption(page, selectTest, optionSelector, typeText) {
  await byTest(page, selectTest).click();
  if (typeText) await page.keyboard.type(typeText);
  const opt = page.locator(optionSelector).filter({ visible: true }).first();
  await opt.click();
}

test('console: admin sets up a grid and a grid worker who then sees only their village', { timeout: 300_000 }, async () => {
  // ---- Admin on a desktop screen ----
  const desk = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await desk.newPage();
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  // A wrong password shows the server's message; the right one lands on 首页, and the menu
  // leads to the area tree.
  await login(page, 'admin', 'not-the-password');
  await byTest(page, 'login-error').waitFor();
  assert.notEqual((await byTest(page, 'login-error').innerText()).trim(), '');
  await shot(page, '01-login-error-desktop');
  await field(page, 'login-password').fill(ADMIN_PASSWORD);
  await byTest(page, 'login-submit').click();
  await page.waitForURL('**/dashboard');
  await byTest(page, 'nav-areas').click();
  await page.waitForURL(`**/areas/${COUNTY}`);
  const areaName = byTest(page, 'area-name');
  await assertText(areaName, '溧阳市');
  await assertText(byTest(page, 'header-role'), '系统管理员');
  await byTest(page, 'nav-accounts').waitFor();
  await byTest(page, 'nav-audit').waitFor();

  // Drill down: tree → 社渚镇, then the first village (村) in its sub-area list.
  await page.locator(`[data-test="tree-node"][data-code="${TOWNSHIP}"]`).click();
  await page.waitForURL(`**/areas/${TOWNSHIP}`);
  await assertText(areaName, '社渚镇');
  await shot(page, '02-township-desktop');
  const villageLink = page.locator('[data-test="area-detail"] [data-test="child-row"]').filter({ hasText: '村' }).first();
  const villageCode = await villageLink.getAttribute('data-code');
  assert.match(villageCode, new RegExp(`^${TOWNSHIP}\\d{3}$`));
  await villageLink.click();
  await page.waitForURL(`**/areas/${villageCode}`);
  await assertText(byTest(page, 'area-level'), '村/社区');
  const villageName = (await areaName.innerText()).trim();
  assert.ok(villageName.length > 0);

  // New grid. The first answer is lost on the way back (the server did create it); pressing
  // submit again must re-send the same uuid and get the same grid, not a second one.
  const posts = [];
  let dropFirst = true;
  await page.route('**/api/v1/areas', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts.push(route.request().postDataJSON());
    if (dropFirst) {
      dropFirst = false;
      await route.fetch(); // reaches the server
      return route.abort('connectionreset'); // but the env.browser never sees the answer
    }
    return route.continue();
  });
  await byTest(page, 'area-new-grid').click();
  const dialog = page.locator('.el-dialog[data-test="area-dialog"]');
  await dialog.waitFor();
  await field(page, 'area-form-name').fill(GRID.name);
  await field(page, 'area-form-responsible-name').fill(GRID.responsible);
  await field(page, 'area-form-responsible-phone').fill(GRID.phone);
  await field(page, 'area-form-duty-phone').fill(GRID.duty);
  await shot(page, '03-new-grid-dialog-desktop');
  await byTest(page, 'area-form-submit').click();
  await page.locator('.el-message--error').first().waitFor(); // the network error is shown
  assert.ok(await dialog.isVisible(), 'dialog stays open after a network error');
  await byTest(page, 'area-form-submit').click();
  await dialog.waitFor({ state: 'hidden' });
  await page.unroute('**/api/v1/areas');
  assert.equal(posts.length, 2);
  assert.match(posts[0].uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.equal(posts[1].uuid, posts[0].uuid, 'the retry re-sends the same uuid');
  assert.deepEqual(posts[1], posts[0]);
  assert.equal(posts[0].parent, villageCode);
  const gridRow = page.locator('[data-test="area-detail"] [data-test="child-row"]').filter({ hasText: GRID.name });
  await gridRow.waitFor();
  assert.equal(await gridRow.count(), 1, 'exactly one grid was created');
  const gridCode = await gridRow.getAttribute('data-code');
  assert.equal(gridCode, `${villageCode}001`);
  await page.locator(`[data-test="tree-node"][data-code="${gridCode}"]`).waitFor();
  await shot(page, '04-village-with-grid-desktop');

  // Search finds the new grid by name; picking the result opens its detail, which shows the
  // responsible person and phone.
  await field(page, 'area-search').fill(GRID.name);
  await page.locator(`[data-test="area-search-result"][data-code="${gridCode}"]`).click();
  await page.waitForURL(`**/areas/${gridCode}`);
  await assertText(byTest(page, 'area-responsible-name'), GRID.responsible);
  await assertText(byTest(page, 'area-responsible-phone'), GRID.phone);
  await byTest(page, 'area-new-group').waitFor();

  // A grid worker account for the village.
  await byTest(page, 'nav-accounts').click();
  await page.waitForURL('**/accounts');
  await byTest(page, 'user-create').click();
  const userDialog = page.locator('.el-dialog[data-test="user-dialog"]');
  await userDialog.waitFor();
  await field(page, 'user-form-username').fill(WORKER.username);
  await field(page, 'user-form-display-name').fill(WORKER.name);
  await field(page, 'user-form-phone').fill(WORKER.phone);
  await pickOption(page, 'user-form-role', '[data-test="role-option"][data-role="grid_worker"]');
  await pickOption(page, 'user-form-area', `[data-test="area-option"][data-code="${villageCode}"]`, villageCode);
  await shot(page, '05-new-account-dialog-desktop');
  await byTest(page, 'user-form-submit').click();
  const pwDialog = page.locator('.el-dialog[data-test="initial-password-dialog"]');
  await pwDialog.waitFor();
  const initialPassword = (await byTest(page, 'initial-password').innerText()).trim();
  assert.ok(initialPassword.length >= 8, `initial password looks too short: "${initialPassword}"`);
  await shot(page, '06-initial-password-desktop');
  await byTest(page, 'initial-password-close').click();
  await pwDialog.waitFor({ state: 'hidden' });
  await page.locator(`[data-test="user-row"][data-username="${WORKER.username}"]`).waitFor();
  await shot(page, '07-accounts-desktop');

  // The audit log shows what happened, newest first.
  await byTest(page, 'nav-audit').click();
  await page.waitForURL('**/audit');
  await byTest(page, 'audit-row').first().waitFor();
  const auditText = await byTest(page, 'audit-list').innerText();
  assert.match(auditText, /新建账号/);
  assert.match(auditText, /新建区划/);
  await shot(page, '08-audit-desktop');

  // ---- The grid worker on a phone ----
  const phone = await env.browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN',
  });
  const mob = await phone.newPage();
  mob.on('pageerror', (e) => consoleErrors.push(String(e)));
  await login(mob, WORKER.username, initialPassword);
  await mob.waitForURL('**/password');
  await byTest(mob, 'password-forced').waitFor();
  // Other pages are blocked until the password is changed.
  await mob.goto(`${env.base}/areas`);
  await mob.waitForURL('**/password');
  await byTest(mob, 'password-forced').waitFor();
  await shot(mob, '09-forced-password-phone');
  // Client-side check first: too short.
  await field(mob, 'pw-old').fill(initialPassword);
  await field(mob, 'pw-new').fill('short');
  await field(mob, 'pw-repeat').fill('short');
  await byTest(mob, 'pw-submit').click();
  await mob.locator('.el-form-item.is-error').first().waitFor();
  await field(mob, 'pw-new').fill(WORKER_NEW_PASSWORD);
  await field(mob, 'pw-repeat').fill(WORKER_NEW_PASSWORD);
  await byTest(mob, 'pw-submit').click();
  // A grid worker's home is their task list; the area tree is one menu tap away.
  await mob.waitForURL('**/my-tasks');
  await byTest(mob, 'my-tasks').waitFor();
  await byTest(mob, 'nav-toggle').click();
  await byTest(mob, 'drawer-menu').locator('[data-test="nav-areas"]').click();
  await mob.waitForURL(`**/areas/${villageCode}`);
  await assertText(byTest(mob, 'area-name'), villageName);
  await mob.locator(`[data-test="child-row"][data-code="${gridCode}"]`).waitFor();
  await shot(mob, '10-village-phone');

  // Only the village: no township, county or sibling village anywhere on the page.
  const body = await mob.locator('body').innerText();
  assert.ok(!body.includes('社渚镇'), 'township name must not be visible to the grid worker');
  assert.ok(!body.includes('溧阳市'), 'county name must not be visible to the grid worker');
  const apiStatus = await mob.evaluate(async () => (await fetch('/api/v1/areas/320481', { credentials: 'same-origin' })).status);
  assert.equal(apiStatus, 404);
  const siblingStatus = await mob.evaluate(async (c) => (await fetch(`/api/v1/areas/${c}`)).status, TOWNSHIP);
  assert.equal(siblingStatus, 404);
  const search = await mob.evaluate(async () => (await (await fetch('/api/v1/areas?q=%E6%9D%91&limit=200')).json()).items);
  assert.ok(search.length > 0);
  for (const a of search) assert.ok(a.code.startsWith(villageCode), `search leaked ${a.code} ${a.name}`);

  // The phone menu is a drawer with only what a grid worker may use.
  await byTest(mob, 'nav-toggle').click();
  const drawer = byTest(mob, 'drawer-menu');
  await drawer.waitFor();
  await drawer.locator('[data-test="nav-areas"]').waitFor();
  assert.equal(await drawer.locator('[data-test="nav-accounts"]').count(), 0);
  assert.equal(await drawer.locator('[data-test="nav-audit"]').count(), 0);
  await shot(mob, '11-drawer-phone');
  await mob.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // The layout fits the phone: nothing wider than the viewport.
  const overflow = await mob.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone screen`);

  // Language switch: English, kept across a reload.
  await byTest(mob, 'lang-switch').click();
  await assertText(byTest(mob, 'lang-switch'), '中文');
  await mob.reload();
  await assertText(byTest(mob, 'area-level'), 'Village');
  await shot(mob, '12-village-phone-en');

  assert.deepEqual(consoleErrors, [], 'no uncaught errors in the pages');
  await desk.close();
  await phone.close();
});

