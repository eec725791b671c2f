// Browser tests of help (issue 10, item 12).
//   (a) 1366 px: the 操作手册 page in zh-CN and en shows every section and step of
//       web/src/manual/manual.js; then, for every step of every section, signed in as the
//       section's role, the step's route is opened (its `click` tapped) and the label the step
//       names is visible there — so the manual stays true when a page changes. The import
//       result explains its counts.
//   (b) 360 px: on the first-login change-password page the rules are shown before anything is
//       typed or refused, and each tick follows the typing.
//   (c) 360 px: on the grid worker's task page every outcome says what it means and what
//       happens next; the doctor's visit form explains its three checks, the alert tabs
//       explain themselves and each alert result says what it does.
//   (d) 360 px: the first-use guide appears once per account, not again after 知道了 (nor after
//       a reload or a new login), opens again from the user menu; the phone's drawer leads to
//       the manual.
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  VILLAGE, TOWNSHIP, ADMIN_PASSWORD, env, byTest, field, sel, shot, login, noOverflow, apiSession, useFangkong, citizenId, until, uploadList,
} from './lib.mjs';
import { MANUAL, stepText } from '../../web/src/manual/manual.js';
import { GUIDE, guideFor } from '../../web/src/manual/guide.js';
import zhCN from '../../web/src/i18n/zh-CN.js';
import en from '../../web/src/i18n/en.js';

useFangkong('help', { daytime: true }); // someone must be due on today's list, whatever the hour

const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Help-Manual-Pass-2026';
const DESK = { viewport: { width: 1366, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const MESSAGES = { zh: zhCN, en };
// vue-i18n's t for the test: a key's text in a language ({x} parameters filled from `p`).
const tr = (lang) => (key, p = {}) => {
  const v = key.split('.').reduce((o, k) => (o ? o[k] : undefined), MESSAGES[lang]);
  assert.equal(typeof v, 'string', `no ${lang} text for ${key}`);
  return v.replace(/\{(\w+)\}/g, (m, k) => (k in p ? String(p[k]) : m));
};

let adminApi;
const accounts = {}; // role → {username, id}
const fixture = {}; // route parameters of the manual's steps

// An account made by the admin; its first password changed through the API unless `keepFirst`.
async function makeAccount(username, role, area, { keepFirst = false } = {}) {
  const r = await adminApi('POST', '/api/v1/users', { uuid: randomUUID(), username, role, area, password: FIRST_PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  if (!keepFirst) {
    const own = await apiSession(username, FIRST_PASSWORD);
    const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
    assert.equal(c.status, 204, JSON.stringify(c.body));
  }
  return { username, id: r.body.user.id };
}

// Three returnees of 社渚村 (one with a wrong check character), imported as the admin.
async function importList() {
  const good = (s) => citizenId(s);
  const bad = (s) => { const id = citizenId(s); return s + (id.at(-1) === '0' ? '1' : '0'); };
  const rows = [
    ['帮甲', good('32048119800301101'), '13812345701', '社渚镇社渚村71号'],
    ['帮乙', bad('32048119800301102'), '13812345702', '社渚镇社渚村72号'],
    ['帮丙', good('32048119800301103'), '13812345703', '社渚镇社渚村73号'],
  ];
  const csv = ['姓名,身份证号,手机号码,现住址', ...rows.map((r) => r.join(','))].join('\r\n');
  const job = await uploadList('admin', ADMIN_PASSWORD, 'help.csv', csv);
  fixture.importId = job.id;
  const tasks = await until('the import', async () => {
    const r = await adminApi('GET', `/api/v1/tasks?area=${VILLAGE}&status=open`);
    return r.body.total === rows.length ? r.body.items : null;
  });
  return tasks.find((x) => x.person_name === '帮乙');
}

test('setup: a grid, accounts of every role, a list, an observation with a fever', { timeout: 180_000 }, async () => {
  adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const g = await adminApi('POST', '/api/v1/areas', { uuid: randomUUID(), parent: VILLAGE, name: '帮助一网格' });
  assert.equal(g.status, 201, JSON.stringify(g.body));
  fixture.grid = g.body.code;
  fixture.village = VILLAGE;
  accounts.admin = { username: 'admin', id: (await adminApi('GET', '/api/v1/me')).body.user.id };
  accounts.commander = await makeAccount('cmd_help', 'commander', TOWNSHIP);
  accounts.grid_worker = await makeAccount('gw_help', 'grid_worker', fixture.grid);
  accounts.doctor = await makeAccount('dr_help', 'doctor', VILLAGE);
  // a checkpoint of the township with its staff account (the checkpoint section's pages)
  const cmdApi = await apiSession('cmd_help', PASSWORD);
  const cp = await cmdApi('POST', '/api/v1/checkpoints', { uuid: randomUUID(), name: '帮助卡口', area: TOWNSHIP, kind: 'road', opened_on: '2020-01-24' });
  assert.equal(cp.status, 201, JSON.stringify(cp.body));
  fixture.checkpoint = cp.body.id;
  accounts.checkpoint_staff = await makeAccount('cp_help', 'checkpoint_staff', TOWNSHIP);
  const on = await cmdApi('POST', `/api/v1/checkpoints/${cp.body.id}/staff`, { uuid: randomUUID(), user_id: accounts.checkpoint_staff.id });
  assert.equal(on.status, 200, JSON.stringify(on.body));

  // a closed village with a gate and its guard (the closure section's and the guard's pages)
  const shDay = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const cl = await cmdApi('POST', '/api/v1/closures', { uuid: randomUUID(), area: VILLAGE, from: shDay, reason: '帮助封闭', rules: { out_per_household: 1, every_days: 2, outsiders: false, vehicles: false } });
  assert.equal(cl.status, 201, JSON.stringify(cl.body));
  fixture.closure = cl.body.id;
  const gt = await cmdApi('POST', `/api/v1/closures/${cl.body.id}/gates`, { uuid: randomUUID(), name: '帮助门岗' });
  assert.equal(gt.status, 201, JSON.stringify(gt.body));
  accounts.gate_guard = await makeAccount('gate_help', 'gate_guard', VILLAGE);
  const guardOn = await cmdApi('POST', `/api/v1/gates/${gt.body.id}/guards`, { uuid: randomUUID(), user_id: accounts.gate_guard.id });
  assert.equal(guardOn.status, 200, JSON.stringify(guardOn.body));

  // the flagged returnee's task goes to the worker's grid; the other two stay in the village pool
  const flagged = await importList();
  assert.ok(flagged.defects.length, 'the wrong check character is flagged');
  const re = await adminApi('POST', `/api/v1/tasks/${flagged.id}/reassign`, { uuid: randomUUID(), area: fixture.grid });
  assert.equal(re.status, 200, JSON.stringify(re.body));
  fixture.task = flagged.id;

  // someone under observation in the village, with a fever reading (an open alert)
  const made = await adminApi('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: '帮观察', area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119850505123'),
    phone: '13912345777', address: '社渚镇社渚村5组9号',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await adminApi('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  fixture.observation = placed.body.observation.id;
  const v = await adminApi('POST', `/api/v1/observations/${fixture.observation}/visits`, {
    uuid: randomUUID(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: 38.2,
  });
  assert.equal(v.status, 201, JSON.stringify(v.body));
});

// A browser page signed in as `role`, in `lang`, its first-use guide already dismissed (the
// guide names labels too: the walk must find them on the page, not in the guide).
async function pageAs(role, lang, opts = DESK) {
  const a = accounts[role];
  const ctx = await env.browser.newContext(opts);
  await ctx.addInitScript(([id, locale]) => {
    localStorage.setItem(`fk.guide.${id}`, '1');
    localStorage.setItem('fk.locale', locale);
  }, [a.id, lang === 'en' ? 'en' : 'zh-CN']);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, a.username, a.username === 'admin' ? ADMIN_PASSWORD : PASSWORD);
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  return { ctx, page, errors };
}

// An element whose whole text is the label (a count after it allowed: "本村待认领 2"), not
// a longer text that merely contains it.
const labelText = (label) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\(?\\d+\\)?)?$`);

const fill = (route) => route.replace(/:(\w+)/g, (m, k) => {
  assert.ok(fixture[k], `the test has no record for ${m}`);
  return encodeURIComponent(fixture[k]);
});

for (const lang of ['zh', 'en']) {
  test(`(a) 1366 px, ${lang}: the manual page shows every step, and every step's label is on its page`, { timeout: 600_000 }, async () => {
    const t = tr(lang);
    // the manual page, as the grid worker (any role reads all sections, their own first)
    {
      const { ctx, page, errors } = await pageAs('grid_worker', lang);
      await byTest(page, 'user-menu').click();
      await byTest(page, 'menu-manual').click();
      await page.waitForURL('**/manual');
      await byTest(page, 'manual-title').filter({ hasText: t('help.manualTitle') }).waitFor();
      const order = await byTest(page, 'manual-section').evaluateAll((els) => els.map((e) => e.dataset.section));
      assert.equal(order[0], 'grid_worker', 'the reader\'s own section comes first');
      assert.deepEqual([...order].sort(), MANUAL.map((s) => s.id).sort());
      for (const s of MANUAL) {
        const sec = page.locator(sel('manual-section', { section: s.id }));
        await sec.getByRole('heading', { name: s.title[lang] }).waitFor();
        const texts = await sec.locator(sel('manual-step')).evaluateAll((els) => els.map((e) => e.firstElementChild.textContent.trim()));
        assert.deepEqual(texts, s.steps.map((step) => stepText(step, t, lang)), `${s.id}: the steps as written, labels in ${lang}`);
      }
      // links lead to the reader's own pages only: 我的任务 yes, 账号管理 (another role's) no
      const stepOf = (id, route) => page.locator(sel('manual-section', { section: id })).locator(sel('manual-step', { index: MANUAL.find((x) => x.id === id).steps.findIndex((st) => st.route === route) }));
      assert.equal(await stepOf('setup', '/accounts').locator(sel('manual-step-link')).count(), 0);
      await noOverflow(page, `manual ${lang}`);
      await shot(page, `help-manual-${lang}-1366`);
      await stepOf('grid_worker', '/my-tasks').locator(sel('manual-step-link')).click();
      await page.waitForURL('**/my-tasks');
      assert.deepEqual(errors, []);
      await ctx.close();
    }
    // walk every step as the section's role
    for (const s of MANUAL) {
      const { ctx, page, errors } = await pageAs(s.role, lang);
      for (const [i, step] of s.steps.entries()) {
        const label = t(step.label);
        await page.goto(`${env.base}${fill(step.route)}`);
        if (step.click) await page.locator(step.click).first().click();
        assert.equal(await byTest(page, 'first-use-guide').count(), 0, 'the guide is out of the way');
        try {
          await page.getByText(labelText(label)).filter({ visible: true }).first().waitFor({ timeout: 20_000 });
        } catch (e) {
          await shot(page, `help-manual-fail-${s.id}-${i}-${lang}`);
          throw new Error(`manual ${s.id} step ${i + 1} (${lang}): "${label}" is not visible on ${step.route} as ${s.role}: ${e.message}`);
        }
      }
      assert.deepEqual(errors, [], `${s.role}: page errors`);
      await ctx.close();
    }
  });
}

test('(a) 1366 px: the import result explains created, merged, flagged and not imported', { timeout: 120_000 }, async () => {
  const { ctx, page, errors } = await pageAs('admin', 'zh');
  await page.goto(`${env.base}/imports/${fixture.importId}`);
  const help = byTest(page, 'import-count-help');
  await help.waitFor();
  for (const c of ['imported', 'merged', 'flagged', 'rejected']) {
    const text = await help.locator(`li[data-code="${c}"]`).textContent();
    assert.ok(text.includes(tr('zh')(`help.importCount.${c}`)), `${c}: ${text}`);
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('(b) 360 px: the password rules show before any failure and tick as the user types', { timeout: 120_000 }, async () => {
  const t = tr('zh');
  const a = await makeAccount('gw_pw_help', 'grid_worker', fixture.grid, { keepFirst: true });
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, a.username, FIRST_PASSWORD);
  await page.waitForURL('**/password');
  const rules = byTest(page, 'pw-rules');
  await rules.waitFor();
  const rule = (code) => page.locator(sel('pw-rule', { rule: code }));
  const met = async (code) => rule(code).getAttribute('data-met');
  // before anything is typed: the server's rules, none met, no error shown
  await rule('length').filter({ hasText: t('help.pw.length', { n: 10 }) }).waitFor();
  await rule('username').filter({ hasText: t('help.pw.username', { name: a.username }) }).waitFor();
  await rule('common').waitFor();
  assert.ok(await rules.isVisible());
  assert.equal(await page.locator('.el-form-item__error').count(), 0, 'no failure yet');
  for (const c of ['length', 'username', 'old', 'repeat']) assert.equal(await met(c), 'false', `${c} before typing`);
  const box = await rules.boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 360, 'the rules fit the phone');

  await field(page, 'pw-old').fill(FIRST_PASSWORD);
  const pw = field(page, 'pw-new');
  await pw.fill('社渚村五组老槐树');  // 8 characters
  await until('length unmet', async () => (await met('length')) === 'false');
  assert.equal(await met('username'), 'true');
  assert.equal(await met('old'), 'true');
  await pw.fill('社渚村五组老槐树下面'); // 10 characters
  await until('length met', async () => (await met('length')) === 'true');
  await pw.fill(`${a.username.toUpperCase()}-社渚村五组`);
  await until('username unmet', async () => (await met('username')) === 'false');
  await pw.fill(FIRST_PASSWORD);
  await until('same as old', async () => (await met('old')) === 'false');
  await pw.fill('社渚村五组老槐树下面');
  await until('back to met', async () => (await met('old')) === 'true' && (await met('username')) === 'true');
  assert.equal(await met('repeat'), 'false');
  await field(page, 'pw-repeat').fill('社渚村五组老槐树下面');
  await until('repeat met', async () => (await met('repeat')) === 'true');
  await shot(page, 'help-password-rules-360');
  await noOverflow(page, 'password page');
  // all ticked: the server takes it
  await byTest(page, 'pw-submit').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/password'));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('(c) 360 px: every outcome on the task page says what it means and what happens next', { timeout: 120_000 }, async () => {
  const t = tr('zh');
  const { ctx, page, errors } = await pageAs('grid_worker', 'zh', PHONE);
  await page.goto(`${env.base}/my-tasks/${fixture.task}`);
  await byTest(page, 'outcome-list').waitFor();
  const outcomes = (await adminApi('GET', '/api/v1/outcomes')).body.items;
  assert.ok(outcomes.length >= 8);
  for (const o of outcomes) {
    const help = page.locator(`${sel('outcome-option', { code: o.code })} ${sel('outcome-help')}`);
    await help.filter({ hasText: t(`help.outcome.${o.code}`) }).waitFor();
  }
  const moved = page.locator(`${sel('outcome-option', { code: 'moved' })} ${sel('outcome-help')}`);
  await moved.scrollIntoViewIfNeeded();
  assert.ok(await moved.isVisible());
  assert.match(await moved.textContent(), /你之后看不到它/);
  await noOverflow(page, 'task page with outcome help');
  await shot(page, 'help-outcomes-360');
  assert.deepEqual(errors, []);
  await ctx.close();

  // the doctor's visit form and the alert tabs explain themselves
  const dr = await pageAs('doctor', 'zh', PHONE);
  await dr.page.goto(`${env.base}/observations/${fixture.observation}/visit`);
  for (const f of ['saw_person', 'saw_home', 'saw_state']) {
    await dr.page.locator(sel('visit-check-help', { field: f })).filter({ hasText: t(`help.visit.${f}`, { n: '37.3' }) }).waitFor();
  }
  await dr.page.goto(`${env.base}/alerts`);
  await byTest(dr.page, 'alerts-tab-hint').filter({ hasText: t('obs.alert.tabHints.open') }).waitFor();
  // each result of an alert says what it does to the observation
  await byTest(dr.page, 'alert-result-btn').first().click();
  for (const r of ['excluded', 'confirmed']) {
    await dr.page.locator(sel('result-option', { code: r })).click();
    await dr.page.locator(sel('result-help', { code: r })).filter({ hasText: t(`help.alertResult.${r}`) }).waitFor();
  }
  await noOverflow(dr.page, 'alerts with tab help');
  assert.deepEqual(dr.errors, []);
  await dr.ctx.close();
});

test('(d) 360 px: the first-use guide appears once per account and opens again from the menu', { timeout: 180_000 }, async () => {
  const t = tr('zh');
  // every label a guide names exists in both languages, and every placeholder has one
  for (const [role, steps] of Object.entries(GUIDE)) {
    for (const st of steps) {
      for (const lang of ['zh', 'en']) {
        for (const key of Object.values(st.labels)) tr(lang)(key);
        const names = [...st[lang].matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        assert.deepEqual(names.filter((n) => !(n in st.labels)), [], `${role} (${lang}): ${st[lang]}`);
      }
    }
  }
  const a = await makeAccount('gw_guide_help', 'grid_worker', fixture.grid);
  const ctx = await env.browser.newContext(PHONE);
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, a.username, PASSWORD);
  await page.waitForURL('**/my-tasks');
  const guide = byTest(page, 'first-use-guide');
  await guide.waitFor();
  assert.equal(await guide.getAttribute('data-role'), 'grid_worker');
  await guide.filter({ hasText: t('help.guideTitle', { role: t('role.grid_worker') }) }).waitFor();
  assert.equal(await byTest(page, 'guide-step').count(), guideFor('grid_worker').length);
  assert.match(await byTest(page, 'guide-step').first().textContent(), new RegExp(`「${t('nav.myTasks')}」`));
  await noOverflow(page, 'guide on my tasks');
  await shot(page, 'help-guide-360');

  // the page under it works while it is shown: the list is there
  await byTest(page, 'my-tasks-empty').or(byTest(page, 'pool-title')).first().waitFor();

  await byTest(page, 'guide-dismiss').click();
  await guide.waitFor({ state: 'detached' });
  await page.reload();
  await byTest(page, 'user-menu').waitFor();
  await page.goto(`${env.base}/today`);
  await byTest(page, 'user-menu').waitFor();
  assert.equal(await guide.count(), 0, 'not again after 知道了');

  // again from the user menu
  await byTest(page, 'user-menu').click();
  await byTest(page, 'menu-guide').click();
  await guide.waitFor();
  await byTest(page, 'guide-dismiss').click();
  await guide.waitFor({ state: 'detached' });

  // a new login of the same account: not again; another account on the same phone: its own
  await byTest(page, 'user-menu').click();
  await byTest(page, 'menu-logout').click();
  await page.waitForURL('**/login');
  await login(page, a.username, PASSWORD);
  await page.waitForURL('**/my-tasks');
  await byTest(page, 'user-menu').waitFor();
  assert.equal(await guide.count(), 0, 'remembered for the account');
  await byTest(page, 'user-menu').click();
  await byTest(page, 'menu-logout').click();
  await page.waitForURL('**/login');
  await login(page, accounts.doctor.username, PASSWORD);
  await page.waitForURL('**/alerts');
  await guide.waitFor();
  assert.equal(await guide.getAttribute('data-role'), 'doctor');

  // the phone's drawer leads to the manual
  await byTest(page, 'guide-manual').click();
  await page.waitForURL('**/manual');
  await byTest(page, 'manual-page').waitFor();
  await page.goto(`${env.base}/alerts`);
  assert.equal(await guide.count(), 0, '"看操作手册" also dismisses it');
  await byTest(page, 'nav-toggle').click();
  await page.locator(`${sel('drawer-menu')} ${sel('nav-manual')}`).click();
  await page.waitForURL('**/manual');
  await page.locator(sel('manual-section', { section: 'doctor' })).first().waitFor();
  assert.equal(await byTest(page, 'manual-section').first().getAttribute('data-section'), 'doctor');
  await noOverflow(page, 'manual on a phone');
  assert.deepEqual(errors, []);
  await ctx.close();
});
