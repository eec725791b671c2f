// Browser test of an area's group robot (issue 10, item 7), on the 1366 px console.
//   The county office opens 社渚镇 under 区划网格, taps 群机器人, types a plain http address
//   of the robot (refused on the field: https only), then a local receiver's address (a
//   relay on this machine, started by the test), saves; reopening shows it. A worker then
//   records 38.6 °C in 社渚村 and the receiver gets "【发热预警】… 38.6 °C", masked; a list
//   imported next puts a new task in 社渚村, and the receiver gets "【新任务】社渚村…".
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, citizenId, byTest, field, shot, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('outbound');

const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

async function until(what, fn, timeoutMs = 60_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('the county office sets 社渚镇\'s group robot and a fever reaches it', { timeout: 180_000 }, async () => {
  const got = [];
  const receiver = createServer((req, res) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => { got.push(JSON.parse(b)); res.writeHead(200).end('{"errcode":0}'); });
  });
  await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${receiver.address().port}/cgi-bin/webhook/send?key=e2e`;
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
    // this server has no SMS gateway (no --sms-command): the dialog says so
    await assertText(byTest(page, 'outbound-sms-unavailable'), '未配置短信网关');
    assert.equal(await byTest(page, 'outbound-sms').count(), 0);
    await field(page, 'outbound-url').fill('http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x');
    await byTest(page, 'outbound-save').click();
    await assertText(page.locator('.el-form-item__error'), 'https://');
    await shot(page, 'o01-outbound-refused-desk');
    await field(page, 'outbound-url').fill(url);
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/areas/${TOWNSHIP}/outbound`) && r.request().method() === 'PUT'),
      byTest(page, 'outbound-save').click(),
    ]);
    assert.equal(res.status(), 200, await res.text());
    await dlg.waitFor({ state: 'hidden' });
    await byTest(page, 'area-outbound').click();
    await until('the saved address', async () => (await field(page, 'outbound-url').inputValue()) === url);
    await noOverflow(page, 'group robot dialog');
    await shot(page, 'o02-outbound-saved-desk');

    const admin = await apiSession('admin', ADMIN_PASSWORD);
    const made = await admin('POST', '/api/v1/persons', {
      uuid: randomUUID(), name: '周外发', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119800101789'),
      phone: '13912345622', address: '社渚镇社渚村7组1号',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const placed = await admin('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const v = await admin('POST', `/api/v1/observations/${placed.body.observation.id}/visits`, {
      uuid: randomUUID(), mode: 'in_person', temperature: 38.6, saw_person: true, saw_home: true, saw_state: false,
    });
    assert.equal(v.status, 201, JSON.stringify(v.body));
    await until('the robot message', () => got.length > 0);
    assert.match(got[0].text.content, /【发热预警】.*38\.6 °C/);
    assert.ok(!got[0].text.content.includes('13912345622'), 'no phone leaves');

    // A list of returnees is imported: the new task in 社渚村 reaches the robot too, masked.
    const signIn = await fetch(`${env.base}/api/v1/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    const { csrf } = await signIn.json();
    const cookie = /fk_session=([^;]+)/.exec(signIn.headers.get('set-cookie'))[1];
    const fd = new FormData();
    fd.append('uuid', randomUUID());
    fd.append('file', new Blob([`\uFEFF姓名,身份证号,手机号码,现住址\r\n吴新任,${citizenId('32048119850101790')},13912345699,社渚镇社渚村3组9号\r\n`]), 'list.csv');
    const up = await fetch(`${env.base}/api/v1/imports`, { method: 'POST', headers: { Cookie: `fk_session=${cookie}`, 'X-CSRF-Token': csrf }, body: fd });
    assert.equal(up.status, 202, await up.text());
    const task = await until('the new task on the robot', () => got.find((g) => g.text.content.includes('【新任务】')));
    assert.match(task.text.content, /【新任务】社渚村/);
    assert.ok(!task.text.content.includes('13912345699') && !task.text.content.includes('3204811985'), 'no phone or ID number leaves');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    receiver.close();
  }
});
