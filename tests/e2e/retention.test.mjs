// Browser test of the retention page (个人信息保留, issue 16) against the real server.
//
// A file is registered through the API today with nothing open: its purpose has ended, so it
// falls due in 25 days (the days kept set so through the API). Then:
//  a. the county admin (1366 px) opens 信息保留 from the menu: the preview table shows the
//     file on its run's day, the due list its masked name and due date; the days kept for
//     files are changed to 20 and saved: the server has 20 and the file's due date moved 5
//     days earlier; the run-now button runs (nothing is due yet: the history shows a run);
//  b. on a phone (360 px) the page fits the screen.
// Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, ADMIN_PASSWORD, env, byTest, field, shot, login, noOverflow, apiSession, useFangkong, until,
} from './lib.mjs';

useFangkong('retention');

const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

test('the retention page shows the preview and saves the settings', { timeout: 180_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const p = await admin('POST', '/api/v1/persons', { uuid: randomUUID(), name: '王小明', area: VILLAGE, address: '社渚村幸福路1号', phone: '13800001111' });
  assert.ok(p.status === 201 || p.status === 200, JSON.stringify(p.body));
  // 25 days: a file ended today falls due within the preview's 30 days
  const set = await admin('PUT', '/api/v1/retention/settings', { uuid: randomUUID(), days: { person: 25 } });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  const before = await admin('GET', '/api/v1/retention');
  assert.equal(before.status, 200);
  assert.equal(before.body.due.length, 1, JSON.stringify(before.body.due));
  const dueBefore = Date.parse(before.body.due[0].due_at);

  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  try {
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.locator('.el-menu-item', { hasText: '信息保留' }).first().click();
    await byTest(page, 'retention-page').waitFor();
    // the preview: one file on one day
    await until('the preview row', async () => (await byTest(page, 'retention-count-person').allTextContents()).includes('1'));
    await byTest(page, 'retention-due').getByText('王**').waitFor();
    assert.equal(await byTest(page, 'retention-due').getByText('王小明').count(), 0, 'the name is masked');
    await shot(page, 'retention-desk');

    // 30 → 20 days for files
    const days = field(page, 'retention-days-person');
    await days.fill('20');
    await days.blur();
    await byTest(page, 'retention-save').click();
    await page.locator('.el-message--success').first().waitFor();
    const after = await until('the new settings', async () => {
      const r = await admin('GET', '/api/v1/retention');
      return r.body.settings.days.person === 20 ? r : null;
    });
    assert.equal(Date.parse(after.body.due[0].due_at), dueBefore - 5 * 86400_000);

    // run now: nothing is due yet; the history lists the run
    await byTest(page, 'retention-run').click();
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator('.el-message--success').filter({ hasText: '已匿名化 0 条' }).first().waitFor();
    await until('the run in the history', async () => (await byTest(page, 'retention-run-counts').count()) > 0);
    const runs = await admin('GET', '/api/v1/retention/runs');
    assert.equal(runs.body.items[0].state, 'done');
  } finally {
    await ctx.close();
  }

  const phone = await env.browser.newContext(PHONE);
  const m = await phone.newPage();
  try {
    await login(m, 'admin', ADMIN_PASSWORD);
    await m.waitForURL((u) => !u.pathname.startsWith('/login'));
    await m.goto(`${env.base}/retention`);
    await byTest(m, 'retention-preview').waitFor();
    await byTest(m, 'retention-due').getByText('王**').waitFor();
    await noOverflow(m, 'the retention page on a phone');
    await shot(m, 'retention-phone');
  } finally {
    await phone.close();
  }
});
