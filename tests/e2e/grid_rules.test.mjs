// Browser test of a village's grid rules (issue 10, item 1) on a 1366-px console: the
// village's commander opens the village in the area tree, goes to its grid rules, adds
// "5组" to one grid and a road to another, saves, and tests addresses in the box: "五组"
// resolves to the first grid, the road to the second, an address no rule fits to the
// village. Then the same rules file an import's row at the grid (checked through the API).
// Never sleeps: every wait is for a condition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VILLAGE, ADMIN_PASSWORD, env, byTest, field, shot, login, assertText, useFangkong, apiSession, noOverflow, until } from './lib.mjs';

useFangkong('grid-rules');

// Element Plus puts a data-test attribute on the <input> or on its wrapper.
const nameIn = (card) => card.locator('input[data-test="rule-name"], [data-test="rule-name"] input').first();

test('grid rules: add 5组 to a grid, test an address, see it resolve to that grid', { timeout: 300_000 }, async () => {
  const admin = await apiSession('admin', ADMIN_PASSWORD);
  const mk = async (name) => {
    const r = await admin('POST', '/api/v1/areas', { uuid: crypto.randomUUID(), parent: VILLAGE, name });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const g1 = await mk('东片网格');
  const g2 = await mk('西片网格');

  const ctx = await env.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await login(page, 'admin', ADMIN_PASSWORD);
  await page.waitForURL('**/dashboard');
  await page.goto(`${env.base}/areas/${VILLAGE}`);
  await byTest(page, 'area-grid-rules').click();
  await page.waitForURL(`**/areas/${VILLAGE}/grid-rules`);

  // before any rule, 五组 stays at the village
  await field(page, 'resolve-input').fill('社渚镇社渚村五组');
  await byTest(page, 'resolve-go').click();
  await assertText(byTest(page, 'resolve-result'), '社渚村村委会');

  // add 5组 to 东片网格 and 金陵路 to 西片网格, then save
  const east = byTest(page, `grid-${g1.code}`);
  await nameIn(east).fill('5组');
  await east.locator('[data-test="rule-add"]').click();
  await assertText(east.locator('[data-test="rule"]'), '5组');
  const west = byTest(page, `grid-${g2.code}`);
  await west.locator('[data-test="kind-road"]').click();
  await nameIn(west).fill('金陵路');
  await west.locator('[data-test="rule-add"]').click();
  await assertText(west.locator('[data-test="rule"]'), '金陵路');
  await byTest(page, 'rules-save').click();
  await page.locator('[data-test="rules-save"][disabled], [data-test="rules-save"].is-disabled').waitFor();
  // the button is disabled while the save is on its way too: wait for the rules stored
  const want = [[g1.code, 'group', '5组'], [g2.code, 'road', '金陵路']];
  let stored;
  await until('the rules stored', async () => {
    stored = (await admin('GET', `/api/v1/areas/${VILLAGE}/grid-rules`)).body.items.map((r) => [r.grid, r.kind, r.name]);
    return stored.length >= want.length;
  });
  assert.deepEqual(stored, want);

  // test addresses as people write them
  const tryAddress = async (address, expected) => {
    await field(page, 'resolve-input').fill(address);
    await byTest(page, 'resolve-go').click();
    await assertText(byTest(page, 'resolve-result'), expected);
  };
  await tryAddress('社渚镇社渚村五组', '东片网格');
  await tryAddress('社渚村 第五村民小组 12号', '东片网格');
  await tryAddress('社渚村金陵路19号', '西片网格');
  await tryAddress('社渚村九组', '社渚村村委会');
  await noOverflow(page, 'grid rules at 1366 px');
  await shot(page, 'grid-rules-1366');

  // the rules survive a reload, and a removed rule stops resolving once saved
  await page.reload();
  await assertText(byTest(page, `grid-${g1.code}`).locator('[data-test="rule"]'), '5组');
  await byTest(page, `grid-${g2.code}`).locator('[data-test="rule"] .el-tag__close').click();
  await byTest(page, 'rules-save').click();
  await page.locator('[data-test="rules-save"][disabled], [data-test="rules-save"].is-disabled').waitFor();
  await tryAddress('社渚村金陵路19号', '社渚村村委会');
  assert.deepEqual(errors, []);
  await ctx.close();
});
