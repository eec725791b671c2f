// Browser test: the clerk's .xls is imported in the console (issue 10, item 11).
//
// A returnee list, two title rows above the header, a date column and ID numbers that a
// spreadsheet program stores as numbers, is saved as .xls (Excel 97–2003) by LibreOffice
// (`soffice --headless --convert-to xls`, a private profile). The admin, on a 1366-px
// screen, picks it on the import page (the file picker offers .xls), uploads it and sees the
// job finish with its counts and the rows to fix — the ID numbers stored as numbers flagged
// as mangled — where the old console answered "不是有效的 .xlsx 或 .csv". The same workbook
// with an open password is refused under the file field with a message that says so.
//
// Needs: build/fangkong (or FANGKONG_BIN) with the console, `npm ci` in web/, and soffice
// (scripts/deps.sh installs libreoffice-calc-nogui; without it the test is skipped).
// Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_PASSWORD, env, citizenId, byTest, shot, sel, login, noOverflow, useFangkong,
} from './lib.mjs';

const SOFFICE = spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;

useFangkong('import-xls');

const id = (birth, seq) => citizenId(`320481${birth}${String(seq).padStart(3, '0')}`);
// name, ID number, phone, origin, arrival date, address
const ROWS = [
  ['张三', id('19800115', 301), '13812345678', '湖北省武汉市', '2020-01-26', '社渚镇社渚村5组'],
  ['李四', id('19900630', 302), '13912345678', '江苏省南京市', '2020-01-25', '社渚镇社渚村6组'],
  ['王五', id('19751201', 303), '13700000003', '武汉', '2020-01-24', '社渚镇社渚村7组'],
  ['', id('19550505', 305), '13700000005', '', '2020-01-22', '社渚村9组'], // no name: not imported
];
// the lines (below two title rows and the header) whose ID number is all digits: a number
const NUMERIC_LINES = ROWS.flatMap((r, i) => (/^\d{18}$/.test(r[1]) ? [String(i + 4)] : []));
const NUMERIC_IDS = NUMERIC_LINES.length;
const CSV = [
  '溧阳市社渚镇返乡人员排查登记表,,,,,',
  '填报单位：社渚镇人民政府,,,,,',
  '姓名,身份证号码,联系电话,来源地,返乡日期,现住址',
  ...ROWS.map((r) => r.join(',')),
].join('\r\n');

test('console: a list saved as .xls imports with its counts', { timeout: 300_000, skip: SOFFICE ? false : 'soffice (LibreOffice) is not installed: run scripts/deps.sh' }, async () => {
  const work = mkdtempSync(join(tmpdir(), 'fk-e2e-xls-'));
  try {
    // ---- the clerk's file, written by a spreadsheet program ----
    writeFileSync(join(work, '社渚镇返乡人员.csv'), CSV, 'utf8');
    const r = spawnSync('soffice', [
      `-env:UserInstallation=file://${join(work, 'profile')}`, '--headless', '--infilter=CSV:44,34,76,1',
      '--convert-to', 'xls', '--outdir', work, join(work, '社渚镇返乡人员.csv'),
    ], { encoding: 'utf8', timeout: 180_000 });
    assert.equal(r.status, 0, `soffice: ${r.stderr}`);
    const xlsPath = join(work, '社渚镇返乡人员.xls');
    const xls = readFileSync(xlsPath);
    assert.equal(xls.subarray(0, 4).toString('hex'), 'd0cf11e0', 'an OLE2 workbook');
    // the same workbook with an open password (a FILEPASS record after the workbook's BOF)
    const enc = Buffer.from(xls);
    const bof = enc.indexOf(Buffer.from([0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00]));
    assert.ok(bof > 0);
    enc.writeUInt16LE(0x002f, bof + 20);
    const encPath = join(work, '加密名单.xls');
    writeFileSync(encPath, enc);

    // ---- the admin on a 1366-px screen ----
    const ctx = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await login(page, 'admin', ADMIN_PASSWORD);
    await byTest(page, 'nav-imports').click();
    await page.waitForURL('**/imports');
    const picker = page.locator('[data-test="import-file"] input[type=file]');
    assert.match(await picker.getAttribute('accept'), /\.xls(,|$)/, 'the file picker offers .xls');
    await byTest(page, 'import-upload').filter({ hasText: '.xls' }).waitFor(); // the hint names it

    // The password-protected copy: refused under the file field, saying why.
    await picker.setInputFiles(encPath);
    await byTest(page, 'import-chosen').waitFor();
    const [refused] = await Promise.all([
      page.waitForResponse((x) => x.url().endsWith('/api/v1/imports') && x.request().method() === 'POST'),
      byTest(page, 'import-submit').click(),
    ]);
    assert.equal(refused.status(), 400);
    const fieldError = byTest(page, 'import-upload').locator('.el-form-item__error');
    await fieldError.filter({ hasText: '密码' }).waitFor();
    // the two-line refusal stays above the next field instead of running over it
    const errBox = await fieldError.boundingBox();
    const nextBox = await page.locator('.el-form-item', { has: byTest(page, 'import-deadline') }).boundingBox();
    assert.ok(errBox.y + errBox.height <= nextBox.y, `refusal ${JSON.stringify(errBox)} over the deadline ${JSON.stringify(nextBox)}`);
    assert.ok(page.url().endsWith('/imports'), page.url());
    await shot(page, 'xls01-protected-refused-1366');

    // The clerk's file as it is.
    await picker.setInputFiles(xlsPath);
    await byTest(page, 'import-chosen').filter({ hasText: '社渚镇返乡人员.xls' }).waitFor();
    const [res] = await Promise.all([
      page.waitForResponse((x) => x.url().endsWith('/api/v1/imports') && x.request().method() === 'POST'),
      byTest(page, 'import-submit').click(),
    ]);
    assert.equal(res.status(), 202, await res.text());
    const jobId = (await res.json()).id;
    await page.waitForURL(`**/imports/${jobId}`);
    await page.locator(sel('import-job', { status: 'done' })).waitFor();
    await fieldError.waitFor({ state: 'detached' }); // the refusal went with the other file
    const expected = { rows: ROWS.length, imported: ROWS.length - 1, merged: 0, flagged: NUMERIC_IDS - 1, rejected: 1 };
    for (const [k, v] of Object.entries(expected))
      assert.equal(await byTest(page, `import-${k}`).getAttribute('data-value'), String(v), `${k} count`);
    // The rows to fix: each ID number stored as a number (line 7 also lacks a name).
    await byTest(page, 'import-issue').first().waitFor();
    const mangled = page.locator(sel('import-issue', { code: 'id.mangled' }));
    assert.equal(await mangled.count(), NUMERIC_IDS);
    assert.deepEqual(await mangled.evaluateAll((els) => els.map((e) => e.dataset.line)), NUMERIC_LINES);
    assert.ok(NUMERIC_IDS >= 2 && NUMERIC_LINES.includes('7'));
    assert.equal(await page.locator(sel('import-issue', { code: 'name.missing' })).getAttribute('data-line'), '7');
    const text = await byTest(page, 'import-issues').innerText();
    assert.match(text, /身份证号被 Excel 存成了数字/);
    assert.match(text, /3\.\d+E\+17/); // the cell as the file holds it
    await page.locator('tr', { has: page.locator(sel('import-history-row', { id: jobId })) }).filter({ hasText: '社渚镇返乡人员.xls' }).waitFor();
    await noOverflow(page, 'imports at 1366 px');
    await shot(page, 'xls02-imported-1366');
    assert.deepEqual(errors, []);
    await ctx.close();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
