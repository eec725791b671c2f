// Browser test of the daily report's pages (日报, issue 11, items 1-5). A small county is
// built through the API: a returnee list imported (three in 社渚镇, one in 竹箦镇), one
// verified at the door and placed under home observation, and a third township's report
// submitted. Then
//  - at 1920 px the county office opens 日报: today's cut-off ("截至…24时"), that township
//    已报 and the others 未报, the roll-up beside the records, the sentence; downloads the
//    day's table (a workbook); opens 社渚镇's report and drills from its figure to the
//    tasks behind it; sets the cut-off 16:00 from tomorrow in 日报设置;
//  - at 360 px 社渚镇's commander submits with a typed figure, then corrects it (refused
//    without a reason, at the field; sent with one); 竹箦镇's commander sends a 零报告 with
//    one tap and its confirm;
//  - the county sees 社渚镇 已报 and 竹箦镇 零报告, and completeness up from one to three.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  COUNTY, TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, uploadList, until, useFangkong, smallTargets,
} from './lib.mjs';

useFangkong('reports');

const TOWN_B = '320481111'; // 竹箦镇
const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Daily-Report-Pass-2026';
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const WIDE = { viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true };

let admin;
async function makeAccount(username, role, area) {
  const r = await admin('POST', '/api/v1/users', { uuid: randomUUID(), username, role, area, password: FIRST_PASSWORD, display_name: username, phone: '13912340000' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(username, FIRST_PASSWORD);
  assert.equal((await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD })).status, 204);
  return apiSession(username, PASSWORD);
}

// The page and its tables fit the screen's width.
async function noSideways(page, what) {
  await noOverflow(page, what);
  const tables = await page.evaluate(() => [...document.querySelectorAll('.el-table')].filter((t) => t.checkVisibility())
    .map((t) => Math.max(0, ...[...t.querySelectorAll('.el-table__body-wrapper .el-scrollbar__wrap')].map((w) => w.scrollWidth - w.clientWidth))));
  tables.forEach((over, i) => assert.ok(over <= 0, `${what}: table ${i + 1} scrolls ${over} px sideways`));
}

const state = (page, area) => page.locator(sel('report-child', { area })).getAttribute('data-state');
const figure = (page, key) => page.locator(sel('rollup-figure', { key })).first().innerText();
const records = (page, key) => page.locator(sel('rollup-records', { key })).first().innerText();

test('the daily report: status, roll-up, table, drill-down, settings, submission, correction, nil report', { timeout: 300_000 }, async () => {
  admin = await apiSession('admin', ADMIN_PASSWORD);
  await makeAccount('county_office', 'commander', COUNTY);
  await makeAccount('cmd_shezhu', 'commander', TOWNSHIP);
  await makeAccount('cmd_zhuze', 'commander', TOWN_B);

  // ---- the small county: a list, a verification, an observation, a third township's report ----
  const rows = [['甲一', '社渚镇社渚村1组'], ['甲二', '社渚镇社渚村2组'], ['甲三', '社渚镇社渚村3组'], ['乙一', '竹箦镇竹箦村']]
    .map(([name, addr], i) => [name, citizenId(`3204811980011540${i}`), `1381234000${i}`, '湖北省武汉市', '2020-01-26', addr].join(','));
  await uploadList('admin', ADMIN_PASSWORD, 'returnees.csv', ['姓名,身份证号,手机号码,来源地,返乡日期,现住址', ...rows].join('\r\n'));
  const task = await until('the imported tasks', async () => {
    const items = (await admin('GET', '/api/v1/tasks?limit=50')).body.items;
    return items.length === 4 && items.find((t) => t.person_name === '甲一');
  });
  let r = await admin('POST', `/api/v1/tasks/${task.id}/close`, { uuid: randomUUID(), outcome: 'observation' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  r = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: task.person_id });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const before = (await admin('GET', `/api/v1/reports/daily?area=${COUNTY}`)).body;
  const other = before.children.find((c) => c.reporting && c.area !== TOWNSHIP && c.area !== TOWN_B).area;
  r = await admin('POST', '/api/v1/reports/daily', { uuid: randomUUID(), area: other, date: before.date, figures: {} });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const expected = before.rates.expected;
  const pct = (n) => Math.round((n * 1000) / expected) / 10;

  const errors = [];
  const wide = await (await env.browser.newContext(WIDE)).newPage();
  const phoneA = await (await env.browser.newContext(PHONE)).newPage();
  const phoneB = await (await env.browser.newContext(PHONE)).newPage();
  for (const [p, who] of [[wide, 'county'], [phoneA, 'shezhu'], [phoneB, 'zhuze']]) p.on('pageerror', (e) => errors.push(`${who}: ${e}`));
  try {
    // ---- the county office at 1920 px: today's status, the roll-up, the sentence ----
    await login(wide, 'county_office', PASSWORD);
    await wide.waitForURL((u) => !u.pathname.endsWith('/login'));
    await byTest(wide, 'nav-reports').click();
    await wide.waitForURL((u) => u.pathname === '/reports');
    await byTest(wide, 'report-children').waitFor();
    const [, m, d] = before.date.split('-').map(Number);
    assert.equal(await byTest(wide, 'report-asof').locator('b').innerText(), `截至${m}月${d}日24时`);
    assert.equal(await state(wide, other), 'submitted');
    assert.equal(await state(wide, TOWNSHIP), 'pending');
    assert.equal(await state(wide, TOWN_B), 'pending');
    assert.equal(await wide.locator(sel('report-child-state', { area: other })).innerText(), '已报');
    assert.equal(await wide.locator(sel('report-child-state', { area: TOWNSHIP })).innerText(), '未报');
    assert.equal(Number(await byTest(wide, 'report-completeness').getAttribute('data-value')), pct(1));
    assert.equal(await figure(wide, 'screened_total'), '4');
    assert.equal(await records(wide, 'screened_total'), '4');
    assert.equal(await figure(wide, 'observation_active'), '1');
    const sentence = await field(wide, 'report-sentence').inputValue();
    assert.match(sentence, /^截至\d+月\d+日24时，全市累计排查重点地区来溧人员4人/);
    await byTest(wide, 'report-period-rates').waitFor();
    await noSideways(wide, 'the county report at 1920 px');
    await shot(wide, 'reports-county-1920');

    // the day's table: a download, and a workbook
    const [download, response] = await Promise.all([
      wide.waitForEvent('download'),
      wide.waitForResponse((res) => res.url().includes('/api/v1/reports/daily.xlsx')),
      byTest(wide, 'report-download').click(),
    ]);
    assert.equal(response.status(), 200);
    assert.match(response.headers()['content-type'], /spreadsheetml/);
    assert.match(download.suggestedFilename(), /\.xlsx$/);
    const bytes = await readFile(await download.path());
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an .xlsx is a zip');
    assert.ok(bytes.includes(Buffer.from('xl/workbook.xml')), 'the zip holds a workbook');

    // a township's report, and from its figure to the records
    await wide.locator(sel('report-child', { area: TOWNSHIP })).click();
    await wide.waitForURL((u) => u.pathname === `/reports/${TOWNSHIP}`);
    await until('社渚镇\'s report', async () => (await byTest(wide, 'report-page').getAttribute('data-area')) === TOWNSHIP);
    assert.equal(await figure(wide, 'screened_total'), '3');
    assert.equal(await byTest(wide, 'report-state').getAttribute('data-state'), 'pending');
    await wide.locator(sel('report-records-link', { key: 'screened_total' })).click();
    await wide.waitForURL((u) => u.pathname === `/tasks/${TOWNSHIP}` && u.searchParams.get('status') === 'all');
    await until('the three tasks of 社渚镇', async () => (await byTest(wide, 'task-row').count()) === 3);
    assert.deepEqual(new Set(await byTest(wide, 'task-row').allInnerTexts()), new Set(['甲一', '甲二', '甲三']));

    // 日报设置: 16:00 from tomorrow
    await byTest(wide, 'nav-report-settings').click();
    await wide.waitForURL((u) => u.pathname === '/reports/settings');
    await byTest(wide, 'report-settings-current').waitFor();
    await byTest(wide, 'report-settings-cutoff').locator('label', { hasText: '16:00' }).click();
    const tomorrow = await field(wide, 'report-settings-from').inputValue();
    assert.ok(tomorrow > before.date, `the cut-off changes from a later day (${tomorrow})`);
    await byTest(wide, 'report-settings-save').click();
    await wide.locator(sel('report-settings-planned', { cutoff: '16:00', from: tomorrow })).waitFor();
    const settings = (await admin('GET', '/api/v1/reports/settings')).body;
    assert.equal(settings.cutoff, '24:00', 'today keeps its cut-off');
    assert.deepEqual(settings.cutoffs.at(-1), { from: tomorrow, cutoff: '16:00' });
    await noSideways(wide, 'the settings at 1920 px');

    // ---- 社渚镇's commander on a phone: submit with a typed figure, then correct ----
    await login(phoneA, 'cmd_shezhu', PASSWORD);
    await phoneA.waitForURL((u) => !u.pathname.endsWith('/login'));
    await phoneA.goto(`${env.base}/reports`);
    await byTest(phoneA, 'report-form').waitFor();
    assert.equal(await figure(phoneA, 'screened_total'), '3');
    await noOverflow(phoneA, 'the township report at 360 px');
    assert.deepEqual(await smallTargets(phoneA), [], 'tap targets of the report form at 360 px');
    await shot(phoneA, 'reports-township-360');
    await phoneA.locator(`${sel('report-typed', { key: 'fever_clinic' })} input`).fill('2');
    await byTest(phoneA, 'report-submit').click();
    await phoneA.locator(sel('report-state', { state: 'submitted' })).waitFor();
    await phoneA.locator(sel('report-version', { version: 1 })).waitFor();
    assert.equal(await figure(phoneA, 'screened_total'), '3');

    await byTest(phoneA, 'report-correct').click();
    await phoneA.locator(`${sel('report-typed', { key: 'fever_clinic' })} input`).fill('3');
    await byTest(phoneA, 'report-submit').click();
    // refused without a reason: said at the field
    await byTest(phoneA, 'report-reason').locator('.van-field__error-message').waitFor();
    await byTest(phoneA, 'report-reason').locator('input').fill('漏报发热门诊人数');
    await byTest(phoneA, 'report-submit').click();
    await phoneA.locator(sel('report-version', { version: 2 })).waitFor();
    assert.match(await phoneA.locator(sel('report-version', { version: 2 })).innerText(), /漏报发热门诊人数/);
    const mine = (await admin('GET', `/api/v1/reports/daily?area=${TOWNSHIP}`)).body;
    assert.equal(mine.version, 2);
    assert.equal(mine.figures.fever_clinic, 3);
    assert.deepEqual(mine.versions.map((v) => v.reason), ['漏报发热门诊人数', '']);
    assert.deepEqual(await smallTargets(phoneA), [], 'tap targets after the correction at 360 px');
    await noOverflow(phoneA, 'the township report after the correction');
    await shot(phoneA, 'reports-township-corrected-360');

    // ---- 竹箦镇's commander: a nil report with one tap ----
    await login(phoneB, 'cmd_zhuze', PASSWORD);
    await phoneB.waitForURL((u) => !u.pathname.endsWith('/login'));
    await phoneB.goto(`${env.base}/reports`);
    await byTest(phoneB, 'report-nil').click();
    await phoneB.locator('.van-dialog__confirm').click();
    await phoneB.locator(sel('report-state', { state: 'nil' })).waitFor();
    assert.equal(await byTest(phoneB, 'report-state').innerText(), '零报告');

    // ---- the county sees them ----
    await wide.goto(`${env.base}/reports`);
    await byTest(wide, 'report-children').waitFor();
    assert.equal(await wide.locator(sel('report-child-state', { area: TOWNSHIP })).innerText(), '已报');
    assert.equal(await state(wide, TOWN_B), 'nil');
    assert.equal(await wide.locator(sel('report-child-state', { area: TOWN_B })).innerText(), '零报告');
    assert.equal(Number(await byTest(wide, 'report-completeness').getAttribute('data-value')), pct(3));
    assert.equal(await figure(wide, 'fever_clinic'), '3');
    // in English
    await wide.evaluate(() => localStorage.setItem('fk.locale', 'en'));
    await wide.reload();
    await byTest(wide, 'report-children').waitFor();
    assert.equal(await byTest(wide, 'report-asof').locator('b').innerText(), `As of 24:00 on ${d}/${m}`);
    assert.equal(await wide.locator(sel('report-child-state', { area: TOWN_B })).innerText(), 'Nil report');
    assert.match(await field(wide, 'report-sentence').inputValue(), /^As of 24:00/);
    await noSideways(wide, 'the county report in English at 1920 px');
    await shot(wide, 'reports-county-en-1920');

    // ... and on a phone: who has not reported comes first
    const phoneC = await (await env.browser.newContext(PHONE)).newPage();
    phoneC.on('pageerror', (e) => errors.push(`county phone: ${e}`));
    await login(phoneC, 'county_office', PASSWORD);
    await phoneC.waitForURL((u) => !u.pathname.endsWith('/login'));
    await phoneC.goto(`${env.base}/reports`);
    await byTest(phoneC, 'report-children').waitFor();
    const states = await byTest(phoneC, 'report-child').evaluateAll((els) => els.map((e) => e.dataset.state));
    assert.equal(states[0], 'pending');
    assert.deepEqual(states.slice(-3).sort(), ['nil', 'submitted', 'submitted']);
    assert.equal(Number(await byTest(phoneC, 'report-completeness').getAttribute('data-value')), pct(3));
    await noOverflow(phoneC, 'the county report at 360 px');
    assert.deepEqual(await smallTargets(phoneC), [], 'tap targets of the county report at 360 px');
    await shot(phoneC, 'reports-county-360');
    assert.deepEqual(errors, []);
  } catch (e) {
    await shot(wide, 'reports-fail-wide').catch(() => {});
    await shot(phoneA, 'reports-fail-a').catch(() => {});
    await shot(phoneB, 'reports-fail-b').catch(() => {});
    throw e;
  }
});
