// Browser test of the SMS duty mobiles (issue 10, item 7), on the 1366 px console.
//   The operator started the server with --sms-command (here a script the test writes, which
//   appends its argv to a file). The county office opens 社渚镇's 群机器人 dialog: beside the
//   robot it sets the duty mobiles; a malformed number is refused on the field, two good ones
//   are saved and shown again on reopening. A worker then records 38.9 °C in 社渚村, and each
//   mobile gets "【发热预警】… 38.9 °C" through the command, without the patient's phone.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'fk-e2e-sms-'));
const log = join(dir, 'sms.log');
const script = join(dir, 'send-sms');
writeFileSync(script, `#!/bin/sh\nprintf '%s\\t%s\\n' "$1" "$2" >> '${log}'\n`);
chmodSync(script, 0o755);
useFangkong('sms', { serveArgs: ['--sms-command', script] });

const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PATIENT = '13912345644';

async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the county office sets 社渚镇\'s duty mobiles and a fever reaches them by SMS', { timeout: 180_000 }, async () => {
  const ctx = await env.browser.newContext(DESK);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await login(page, 'admin', ADMIN_PASSWORD);
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await page.goto(`${env.base}/areas/${TOWNSHIP}`);
    await assertText(byTest(page, 'area-name'), '社渚镇');
    await byTest(page, 'area-outbound').click();
    const dlg = byTest(page, 'outbound-dialog');
    await dlg.waitFor();
    assert.equal(await byTest(page, 'outbound-sms-unavailable').count(), 0, 'this server has a gateway');
    await field(page, 'outbound-sms').fill('13900001111, 0519-8765');
    await byTest(page, 'outbound-save').click();
    await assertText(page.locator('.el-form-item__error'), '手机号');
    await shot(page, 'sms01-refused-desk');
    await field(page, 'outbound-sms').fill('13900001111，139 0000 2222');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/areas/${TOWNSHIP}/outbound`) && r.request().method() === 'PUT'),
      byTest(page, 'outbound-save').click(),
    ]);
    assert.equal(res.status(), 200, await res.text());
    await dlg.waitFor({ state: 'hidden' });
    await byTest(page, 'area-outbound').click();
    await dlg.waitFor();
    await until('the saved mobiles', async () => (await field(page, 'outbound-sms').inputValue()) === '13900001111, 13900002222');
    await noOverflow(page, 'the robot dialog with the duty mobiles');
    await shot(page, 'sms02-saved-desk');

    const admin = await apiSession('admin', ADMIN_PASSWORD);
    const made = await admin('POST', '/api/v1/persons', {
      uuid: randomUUID(), name: '吴信', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119800101458'),
      phone: PATIENT, address: '社渚镇社渚村4组1号',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const placed = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const v = await admin('POST', `/api/v1/observations/${placed.body.observation.id}/visits`, {
      uuid: randomUUID(), mode: 'in_person', temperature: 38.9, saw_person: true, saw_home: true, saw_state: false,
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    const lines = await until('an SMS to each duty mobile', () => {
      const l = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((x) => x.split('\t')) : [];
      return l.length >= 2 ? l : null;
    });
    assert.deepEqual(lines.map((l) => l[0]).sort(), ['13900001111', '13900002222']);
    for (const [, text] of lines) {
      assert.match(text, /【发热预警】.*38\.9 °C/);
      assert.ok(!text.includes(PATIENT), 'no patient phone');
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
