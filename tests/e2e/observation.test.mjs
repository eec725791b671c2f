// Browser test of home observation (居家观察), against the real server.
//
// A fresh database (init + an admin account) and `fangkong serve` on a free port, driven by
// headless Chromium (playwright-core from web/node_modules, the system /usr/bin/chromium).
// Through the API: a grid worker and a doctor of 社渚村村委会 (溧阳市 320481), a person in
// that village, and the person placed under observation (the staff default to the nearest
// accounts; the reply carries the self-report token). Then, on 360×740 phones:
//
//  a. the grid worker records a visit at 38.2 °C from the phone pages (a temperature out of
//     range is refused before sending) and is told that an alert was raised; a second visit
//     sent while the network is down waits as "未发送 1 条" and is resent with the same uuid;
//  b. the doctor, whose home is the alert page, sees the alert appear by polling (no reload)
//     and records the referral and its result;
//  c. the self-report page /r/<token>, without any account, sends a temperature; a wrong
//     token shows "链接已失效";
//  d. the contact card prints to PDF: A6 (one page of 297.6 × 419.5 pt) and A4 (595 × 842 pt),
//     with the doctor's phone in the card and in the PDF's text;
//
// and the admin's observation board counts the person (desktop and phone).
//
// Needs: build/fangkong (or FANGKONG_BIN) built with the console (web/dist) and `npm ci` in
// web/. Never sleeps: every wait is for a condition. Screenshots go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { join } from 'node:path';
import {
  OUT, TOWNSHIP, VILLAGE, ADMIN_PASSWORD, UUID_RE, env, citizenId, byTest, field, shot, sel, login, noOverflow, apiSession, assertText, useFangkong,
} from './lib.mjs';

useFangkong('observation');

const WORKER = { username: 'gw_obs', name: '社渚网格员', phone: '13700137011', role: 'grid_worker' };
const DOCTOR = { username: 'dr_obs', name: '社渚医生', phone: '13900139002', role: 'doctor' };
const FIRST_PASSWORD = 'First-Login-Pass-2026';
const PASSWORD = 'Follow-Up-Daily-Pass-2026';
const PERSON = { name: '刘晓洋', phone: '13912345688', address: '社渚镇社渚村3组18号' };
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

// The visit form's three checks, answered (none is answered beforehand).
async function answerChecks(page, a) {
  for (const [f, v] of Object.entries(a)) await page.locator(sel('visit-answer', { field: f, value: v })).click();
}

// An account made by the admin, its first password already changed (through the API).
async function makeAccount(adminApi, a) {
  const r = await adminApi('POST', '/api/v1/users', {
    uuid: randomUUID(), username: a.username, display_name: a.name, phone: a.phone, role: a.role, area: VILLAGE, password: FIRST_PASSWORD,
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const own = await apiSession(a.username, FIRST_PASSWORD);
  const c = await own('POST', '/api/v1/me/password', { old_password: FIRST_PASSWORD, new_password: PASSWORD });
  assert.equal(c.status, 204, JSON.stringify(c.body));
  return r.body.user;
}

// ---- PDF reading, enough for Chromium's own output ----

// Every stream of the file, inflated when FlateDecode.
function pdfStreams(pdf) {
  const out = [];
  const bin = pdf.toString('latin1');
  const re = /<<((?:[^<>]|<<(?:[^<>]|<<[^<>]*>>)*>>)*)>>\s*stream\r?\n/g;
  let m;
  while ((m = re.exec(bin))) {
    const dict = m[1];
    const start = m.index + m[0].length;
    const end = bin.indexOf('endstream', start);
    if (end < 0) break;
    let data = pdf.subarray(start, end);
    if (/\/FlateDecode/.test(dict)) {
      try { data = inflateSync(data); } catch { try { data = inflateSync(data.subarray(0, data.length - 1)); } catch { continue; } }
    }
    out.push({ dict, data: data.toString('latin1') });
    re.lastIndex = end;
  }
  return out;
}

// The pages' MediaBoxes ([w, h] in pt) of the page objects, not the page tree.
function pdfPages(pdf) {
  const bin = pdf.toString('latin1');
  const pages = [];
  const re = /\/Type\s*\/Page(?!s)[\s\S]*?>>/g;
  let m;
  while ((m = re.exec(bin))) pages.push(m[0]);
  const boxes = [...bin.matchAll(/\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)]
    .map((b) => [Number(b[3]) - Number(b[1]), Number(b[4]) - Number(b[2])]);
  return { count: pages.length, boxes };
}

// The text of the content streams, decoded through each font's ToUnicode map in turn (glyph
// ids are per font; the text shown in one font reads right through that font's map).
function pdfTexts(pdf) {
  const streams = pdfStreams(pdf);
  const maps = streams.filter((s) => /begincmap/.test(s.data)).map((s) => {
    const map = new Map();
    for (const b of s.data.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
      for (const p of b[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(p[1], 16), hexText(p[2]));
    }
    for (const b of s.data.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
      for (const p of b[1].matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) {
        const lo = parseInt(p[1], 16);
        const hi = parseInt(p[2], 16);
        const first = parseInt(p[3], 16);
        for (let g = lo; g <= hi; g++) map.set(g, String.fromCodePoint(first + g - lo));
      }
    }
    return map;
  });
  const contents = streams.filter((s) => /\bT[Jj]\b/.test(s.data)).map((s) => [...s.data.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]));
  const texts = [];
  for (const map of maps) {
    for (const hexes of contents) {
      let s = '';
      for (const h of hexes) {
        for (let i = 0; i + 4 <= h.length; i += 4) s += map.get(parseInt(h.slice(i, i + 4), 16)) ?? '\u0000';
      }
      texts.push(s);
    }
  }
  return texts;
}
function hexText(h) {
  let s = '';
  for (let i = 0; i + 4 <= h.length; i += 4) s += String.fromCharCode(parseInt(h.slice(i, i + 4), 16));
  return s;
}

const openPages = [];
async function shootOnFailure(fn) {
  try {
    await fn();
  } catch (e) {
    await Promise.all(openPages.map((p, i) => shot(p, `o-failed-${i}`).catch(() => {})));
    throw e;
  }
}

test('home observation: visit with fever, alert by polling, self-report, contact card PDF, board', { timeout: 300_000 }, () => shootOnFailure(async () => {
  const errors = [];
  const adminApi = await apiSession('admin', ADMIN_PASSWORD);
  const worker = await makeAccount(adminApi, WORKER);
  const doctor = await makeAccount(adminApi, DOCTOR);

  // The person, registered in the village, then placed under observation (defaults).
  const made = await adminApi('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: PERSON.name, area: VILLAGE, doc_type: 'resident', id_number: citizenId('32048119880305123'),
    phone: PERSON.phone, address: PERSON.address, origin: '湖北省武汉市', arrival_date: '2020-01-22',
  });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const placed = await adminApi('POST', '/api/v1/observations', { uuid: randomUUID(), person_id: made.body.id });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const obs = placed.body.observation;
  const token = placed.body.token;
  assert.ok(token, 'the placement reply carries the self-report token');
  assert.equal(obs.status, 'active');
  assert.equal(obs.grid_worker && obs.grid_worker.id, worker.id, 'the village grid worker is assigned by default');
  assert.equal(obs.doctor && obs.doctor.id, doctor.id, 'the village doctor is assigned by default');
  assert.equal(obs.doctor.phone, DOCTOR.phone);

  // ---- b (first half). The doctor's home is the alert page, still empty ----
  const drCtx = await env.browser.newContext(PHONE);
  const dr = await drCtx.newPage();
  openPages.push(dr);
  dr.on('pageerror', (e) => errors.push(`doctor: ${e}`));
  await login(dr, DOCTOR.username, PASSWORD);
  await dr.waitForURL('**/alerts');
  await byTest(dr, 'alerts-empty').waitFor();
  await dr.evaluate(() => { window.__noReload = 1; });

  // ---- a. The grid worker on a phone ----
  const gwCtx = await env.browser.newContext(PHONE);
  const gw = await gwCtx.newPage();
  openPages.push(gw);
  gw.on('pageerror', (e) => errors.push(`worker: ${e}`));
  await login(gw, WORKER.username, PASSWORD);
  await gw.waitForURL((u) => /\/(today|my-tasks)$/.test(u.pathname));
  const today = await gw.evaluate(async () => (await fetch('/api/v1/observations/today?mine=1')).json());
  await gw.goto(`${env.base}/today`);
  await byTest(gw, 'today-page').waitFor();
  if (today.items.length) {
    // A required slot is left today (before 21:00 Shanghai time): the person is listed with
    // what is missing, and the worker's home is this list.
    const item = gw.locator(sel('today-item', { id: obs.id }));
    await item.waitFor();
    assert.notEqual(await item.getAttribute('data-missing'), '');
    assert.equal(await byTest(gw, 'today-due').innerText(), String(today.counts.due));
  } else {
    await byTest(gw, 'today-empty').waitFor();
  }
  await noOverflow(gw, 'today');
  await shot(gw, 'o01-today-phone');

  // The observation, then its visit form.
  await gw.goto(`${env.base}/observations/${obs.id}`);
  await assertText(byTest(gw, 'obs-name'), PERSON.name);
  await assertText(byTest(gw, 'obs-staff-doctor'), DOCTOR.phone);
  await byTest(gw, 'obs-record-visit').click();
  await gw.waitForURL(`**/observations/${obs.id}/visit`);
  await assertText(byTest(gw, 'visit-name'), PERSON.name);

  // Out of range: refused on the phone, nothing sent.
  let visitPosts = 0;
  gw.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith(`/observations/${obs.id}/visits`)) visitPosts += 1; });
  await gw.locator(sel('visit-mode', { code: 'in_person' })).click();
  await field(gw, 'visit-temperature').fill('43.1');
  await byTest(gw, 'visit-submit').click();
  await assertText(byTest(gw, 'visit-page'), '体温应在 34.0–42.5 °C 之间');
  assert.equal(visitPosts, 0);

  // 38.2 °C: recorded, and the page says an alert was raised.
  await field(gw, 'visit-temperature').fill('38.2');
  await byTest(gw, 'visit-fever-hint').waitFor();
  await answerChecks(gw, { saw_person: 'yes', saw_home: 'yes', saw_state: 'no' });
  await gw.locator('[data-test="visit-note"] textarea').fill('上门测温，本人自述头痛');
  await shot(gw, 'o02-visit-form-phone');
  const [visitRes] = await Promise.all([
    gw.waitForResponse((r) => r.url().endsWith(`/observations/${obs.id}/visits`) && r.request().method() === 'POST'),
    byTest(gw, 'visit-submit').click(),
  ]);
  assert.equal(visitRes.status(), 201, await visitRes.text());
  const sentVisit = visitRes.request().postDataJSON();
  assert.match(sentVisit.uuid, UUID_RE);
  assert.equal(sentVisit.temperature, 38.2);
  assert.equal(sentVisit.mode, 'in_person');
  await byTest(gw, 'visit-alert').waitFor();
  await assertText(byTest(gw, 'visit-alert'), '已触发发热预警');
  await assertText(byTest(gw, 'visit-alert'), '38.2');
  await noOverflow(gw, 'visit done');
  await shot(gw, 'o03-visit-alert-phone');

  // ---- b. The alert reaches the doctor's page by polling, without a reload ----
  const alertCard = dr.locator(sel('alert', { person: PERSON.name }));
  await alertCard.waitFor({ timeout: 40_000 });
  assert.equal(await dr.evaluate(() => window.__noReload), 1, 'the alert page was not reloaded');
  await assertText(alertCard.locator('[data-test="alert-temperature"]'), '38.2');
  await noOverflow(dr, 'alerts');
  await shot(dr, 'o04-alerts-doctor-phone');

  // A second visit while the network is down: kept on the phone as "未发送", then resent
  // with the same uuid once the network is back.
  await byTest(gw, 'visit-another').click();
  await field(gw, 'visit-temperature').fill('36.8');
  await answerChecks(gw, { saw_person: 'yes', saw_home: 'yes', saw_state: 'yes' });
  const posts = [];
  let online = false;
  const visitUrl = `**/api/v1/observations/${obs.id}/visits`;
  await gw.route(visitUrl, async (route) => {
    posts.push(route.request().postDataJSON());
    if (!online) return route.abort('internetdisconnected');
    return route.continue();
  });
  await byTest(gw, 'visit-submit').click();
  await byTest(gw, 'visit-queued').waitFor();
  await gw.goto(`${env.base}/today`);
  await assertText(byTest(gw, 'unsent-title'), '未发送 1 条');
  const stored = await gw.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('fk.unsent.')).map(([, v]) => JSON.parse(v)));
  assert.equal(stored.length, 1);
  assert.equal(stored[0][0].body.uuid, posts[0].uuid);
  await shot(gw, 'o05-unsent-phone');
  online = true;
  await byTest(gw, 'unsent-resend').click();
  await byTest(gw, 'unsent-title').waitFor({ state: 'detached' });
  await gw.unroute(visitUrl);
  assert.ok(posts.length >= 2);
  for (const p of posts) assert.deepEqual(p, posts[0], 'every attempt re-sends the same visit');
  const afterVisits = await adminApi('GET', `/api/v1/observations/${obs.id}`);
  assert.equal(afterVisits.body.visits.length, 2);
  assert.ok(afterVisits.body.alert_open);

  // The doctor refers the person to the fever clinic; the result excludes the case.
  await alertCard.locator('[data-test="alert-refer"]').click();
  await dr.locator(sel('referral-destination', { code: 'fever_clinic' })).click();
  await field(dr, 'referral-facility').fill('溧阳市人民医院发热门诊');
  await field(dr, 'referral-transport').fill('120 救护车');
  const [refRes] = await Promise.all([
    dr.waitForResponse((r) => r.url().endsWith('/referral') && r.request().method() === 'POST'),
    byTest(dr, 'referral-submit').click(),
  ]);
  assert.equal(refRes.status(), 200, await refRes.text());
  // referred, it leaves 待处置 for 已转诊 (the tabs partition the alerts: issue 10, item 9)
  await alertCard.waitFor({ state: 'detached' });
  await dr.locator('.van-tab.tab-referred').click();
  await dr.locator(sel('alert', { person: PERSON.name, status: 'referred' })).waitFor();
  await assertText(alertCard.locator('[data-test="alert-referral"]'), '溧阳市人民医院发热门诊');
  await alertCard.locator('[data-test="alert-result-btn"]').click();
  await dr.locator(sel('result-option', { code: 'excluded' })).click();
  const [resRes] = await Promise.all([
    dr.waitForResponse((r) => r.url().endsWith('/result') && r.request().method() === 'POST'),
    byTest(dr, 'result-submit').click(),
  ]);
  assert.equal(resRes.status(), 200, await resRes.text());
  await alertCard.waitFor({ state: 'detached' }); // closed: no longer under 已转诊
  await shot(dr, 'o06-alerts-after-doctor-phone');

  // ---- c. The self-report page, without an account ----
  const pubCtx = await env.browser.newContext(PHONE);
  const pub = await pubCtx.newPage();
  openPages.push(pub);
  pub.on('pageerror', (e) => errors.push(`self: ${e}`));
  await pub.goto(`${env.base}/r/${token}`);
  await assertText(byTest(pub, 'self-name'), PERSON.name.slice(1));
  assert.ok(!(await byTest(pub, 'self-name').innerText()).includes(PERSON.name), 'only the given name is shown');
  assert.ok(pub.url().endsWith(`/r/${token}`), 'no redirect to the login page');
  await field(pub, 'self-temperature').fill('36.6');
  const [selfRes] = await Promise.all([
    pub.waitForResponse((r) => r.url().endsWith(`/self/${token}/reports`)),
    byTest(pub, 'self-report-submit').click(),
  ]);
  assert.equal(selfRes.status(), 201);
  await pub.locator(sel('self-report-done', { fever: '0' })).waitFor();
  await noOverflow(pub, 'self-report');
  await shot(pub, 'o07-self-report-phone');
  const withSelf = await adminApi('GET', `/api/v1/observations/${obs.id}`);
  assert.ok(withSelf.body.visits.some((v) => v.mode === 'self' && v.temperature === 36.6), 'the self-report is a visit');
  await pub.goto(`${env.base}/r/AAAAAAAAAAAAAAAAAAAAAA`);
  await assertText(byTest(pub, 'self-gone'), '链接已失效');
  await shot(pub, 'o08-self-report-gone-phone');

  // ---- d. The contact card, printed ----
  await gw.goto(`${env.base}/print/cards?obs=${obs.id}`);
  const card = gw.locator(sel('card', { id: obs.id }));
  await card.waitFor();
  await assertText(card.locator('[data-test="card-name"]'), PERSON.name);
  assert.equal((await card.locator(sel('card-phone', { role: 'doctor' })).innerText()).trim(), DOCTOR.phone);
  assert.equal(await card.locator('[data-test="card-qr"] svg').count(), 1, 'the QR code is inline SVG');
  await assertText(card, '扫码自报体温、申请代购');
  await shot(gw, 'o09-card-a6-phone');
  const a6 = await gw.pdf({ preferCSSPageSize: true, printBackground: true });
  writeFileSync(join(OUT, 'o-card-a6.pdf'), a6);
  const p6 = pdfPages(a6);
  assert.equal(p6.count, 1, 'A6: one page per card');
  assert.ok(p6.boxes.every(([w, h]) => Math.abs(w - 297.6) < 1.5 && Math.abs(h - 419.5) < 1.5), `A6 page size, got ${JSON.stringify(p6.boxes)}`);
  const texts = pdfTexts(a6);
  assert.ok(texts.some((s) => s.replace(/\s/g, '').includes(DOCTOR.phone)), 'the PDF text holds the doctor\'s phone');

  await byTest(gw, 'cards-layout-a4').click();
  await gw.locator('[data-test="cards-page"][data-layout="a4"]').waitFor();
  const a4 = await gw.pdf({ preferCSSPageSize: true, printBackground: true });
  writeFileSync(join(OUT, 'o-card-a4.pdf'), a4);
  const p4 = pdfPages(a4);
  assert.equal(p4.count, 1, 'A4: four cards to a page');
  assert.ok(p4.boxes.every(([w, h]) => Math.abs(w - 595.3) < 1.5 && Math.abs(h - 841.9) < 1.5), `A4 page size, got ${JSON.stringify(p4.boxes)}`);
  assert.ok(pdfTexts(a4).some((s) => s.replace(/\s/g, '').includes(DOCTOR.phone)));
  await shot(gw, 'o10-card-a4-phone');

  // A service for the household: requested from the observation, accepted and delivered
  // from the services list.
  await gw.goto(`${env.base}/observations/${obs.id}`);
  await byTest(gw, 'obs-request-service').click();
  await gw.locator(sel('service-kind', { code: 'meals' })).click();
  await gw.locator('[data-test="service-items"] textarea').fill('午餐、晚餐各一份');
  const [svcRes] = await Promise.all([
    gw.waitForResponse((r) => r.url().endsWith(`/observations/${obs.id}/services`) && r.request().method() === 'POST'),
    byTest(gw, 'service-submit').click(),
  ]);
  assert.equal(svcRes.status(), 201, await svcRes.text());
  await gw.locator(sel('obs-service', { status: 'new' })).waitFor();
  await gw.goto(`${env.base}/services`);
  const svc = gw.locator(sel('service', { status: 'new' })).first();
  await assertText(svc, '午餐、晚餐各一份');
  await svc.locator('[data-test="service-accept"]').click();
  await field(gw, 'service-action-text').fill('志愿者王师傅 13812345678');
  await byTest(gw, 'service-action-submit').click();
  const accepted = gw.locator(sel('service', { status: 'accepted' })).first();
  await assertText(accepted, '王师傅');
  await noOverflow(gw, 'services');
  await shot(gw, 'o14-services-phone');
  await accepted.locator('[data-test="service-deliver"]').click();
  await byTest(gw, 'service-action-submit').click();
  await byTest(gw, 'services-empty').waitFor();

  // ---- The admin's board, on a desktop and a phone ----
  const desk = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const dp = await desk.newPage();
  openPages.push(dp);
  dp.on('pageerror', (e) => errors.push(`desktop: ${e}`));
  await login(dp, 'admin', ADMIN_PASSWORD);
  await dp.waitForURL('**/dashboard');
  await byTest(dp, 'nav-obs-board').click();
  await dp.waitForURL('**/obs-board');
  const activeCount = dp.locator(sel('board-count', { key: 'active' }));
  await activeCount.waitFor();
  assert.equal(await activeCount.getAttribute('data-value'), '1');
  assert.equal(await dp.locator(sel('board-count', { key: 'started_today' })).getAttribute('data-value'), '1');
  assert.equal(await dp.locator(sel('board-cell', { key: 'active', area: TOWNSHIP })).innerText(), '1');
  await shot(dp, 'o11-board-desktop');
  await activeCount.click();
  await dp.waitForURL('**/observations?**');
  await dp.locator(sel('obs-row', { id: obs.id })).waitFor();
  await shot(dp, 'o12-list-desktop');

  // A second person placed from their file, three days back, ending today (with a reason):
  // due for release at once; released, and the release notice printed.
  const todayYmd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const back3 = new Date(`${todayYmd}T12:00:00Z`);
  back3.setUTCDate(back3.getUTCDate() - 3);
  const start = back3.toISOString().slice(0, 10);
  const second = await adminApi('POST', '/api/v1/persons', {
    uuid: randomUUID(), name: '赵小满', area: VILLAGE, phone: '13912345677', address: '社渚镇社渚村5组2号',
  });
  assert.equal(second.status, 201, JSON.stringify(second.body));
  await dp.goto(`${env.base}/persons/${second.body.id}`);
  await byTest(dp, 'person-place-obs').click();
  await dp.waitForURL(`**/observations/new/${second.body.id}`);
  await field(dp, 'place-start').fill(start);
  await field(dp, 'place-end').fill(todayYmd);
  await field(dp, 'place-reason').fill('已在外地隔离满 11 天');
  await shot(dp, 'o15-place-desktop');
  const [placeRes] = await Promise.all([
    dp.waitForResponse((r) => r.url().endsWith('/api/v1/observations') && r.request().method() === 'POST'),
    byTest(dp, 'place-submit').click(),
  ]);
  assert.equal(placeRes.status(), 201, await placeRes.text());
  const placedBody = placeRes.request().postDataJSON();
  assert.equal(placedBody.start_date, start);
  assert.equal(placedBody.end_date, todayYmd);
  await byTest(dp, 'place-done').waitFor();
  await byTest(dp, 'place-open').click();
  await byTest(dp, 'obs-due-release').waitFor();
  await byTest(dp, 'obs-release').click();
  await dp.locator('.van-dialog__confirm').click();
  await dp.locator('[data-test="obs-page"][data-status="released"]').waitFor();
  await byTest(dp, 'obs-print-notice').click();
  await dp.waitForURL('**/print/release/**');
  await assertText(byTest(dp, 'notice-name'), '赵小满');
  await assertText(byTest(dp, 'notice-village'), '社渚村');
  await assertText(byTest(dp, 'notice-township'), '社渚镇');
  assert.equal((await byTest(dp, 'notice-release-date').innerText()).trim(), todayYmd);
  await shot(dp, 'o16-release-notice-desktop');
  const notice = await dp.pdf({ preferCSSPageSize: true, printBackground: true });
  writeFileSync(join(OUT, 'o-release-notice.pdf'), notice);
  const pn = pdfPages(notice);
  assert.equal(pn.count, 1, 'the release notice is one A4 page');
  assert.ok(pn.boxes.every(([w, h]) => Math.abs(w - 595.3) < 1.5 && Math.abs(h - 841.9) < 1.5), `A4, got ${JSON.stringify(pn.boxes)}`);

  // The person file lists the observations; the released person can be placed again, the
  // active one cannot. Staff are changed from the observation page (here: no doctor).
  await dp.goto(`${env.base}/persons/${second.body.id}`);
  await dp.locator('[data-test="person-observation"][data-status="released"]').waitFor();
  await byTest(dp, 'person-place-obs').waitFor();
  await dp.goto(`${env.base}/persons/${obs.person_id}`);
  await dp.locator('[data-test="person-observation"][data-status="active"]').click();
  await dp.waitForURL(`**/observations/${obs.id}`);
  assert.equal(await byTest(dp, 'person-place-obs').count(), 0);
  await byTest(dp, 'obs-change-staff').click();
  await byTest(dp, 'staff-popup').waitFor();
  assert.match(await byTest(dp, 'obs-staff-doctor').innerText(), new RegExp(DOCTOR.phone));
  await dp.locator('[data-test="staff-doctor"]').selectOption('');
  const [staffRes] = await Promise.all([
    dp.waitForResponse((r) => r.url().endsWith(`/api/v1/observations/${obs.id}/staff`)),
    byTest(dp, 'staff-submit').click(),
  ]);
  assert.equal(staffRes.status(), 200, await staffRes.text());
  await assertText(byTest(dp, 'obs-staff-doctor'), '未指定');
  assert.equal(staffRes.request().postDataJSON().doctor, '');
  await shot(dp, 'o17-staff-changed-desktop');

  const small = await env.browser.newContext(PHONE);
  const sp = await small.newPage();
  openPages.push(sp);
  sp.on('pageerror', (e) => errors.push(`admin phone: ${e}`));
  await login(sp, 'admin', ADMIN_PASSWORD);
  await sp.waitForURL('**/dashboard');
  await sp.goto(`${env.base}/obs-board`);
  await sp.locator(sel('board-count', { key: 'active' })).waitFor();
  await noOverflow(sp, 'board');
  await shot(sp, 'o13-board-phone');

  assert.deepEqual(errors, [], 'no uncaught errors in the pages');
  await Promise.all([drCtx.close(), gwCtx.close(), pubCtx.close(), desk.close(), small.close()]);
}));
