// Closed management of residential areas (封闭式管理, issue 15) through the API: a closure
// of a village with its households from the person files, by hand and from a sheet; passes
// (一户一证) issued one by one and in a batch, refused to a household under observation or
// blocked; gates with their guards; the gate's check and records with every rule of the
// verdict — the quota over calendar days (1 every 2 days: out on D-2, refused on D-1,
// allowed on D), 23:59 and 00:01 two days, observation, blocked, revoked and reissued,
// an offline record of a pass revoked before its instant stored red and not counted,
// temporary passes' window, a pass of another closure (not_here), the closure reopened —
// a guard at another gate and a commander of another township answered 404 on every route,
// hostile input refused by name, and the figures (stats, gate log) agreeing with the records.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	newUser,
	offsetFor,
	run,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

let srv, admin, cmdA, cmdB, guard1, guard2, gw;
let closure, closure2, gate1, gate2, gateX;
const H = {}; // households by name
const P = {}; // pass numbers by name

const HOUR = 3600e3;
/** Local (Asia/Shanghai) date of an instant, YYYY-MM-DD. */
const localDay = (t = Date.now()) => new Date(t + 8 * HOUR).toISOString().slice(0, 10);
/** The instant of local day D+n at hh:mm (Asia/Shanghai), ISO. */
function localAt(n, hh, mm = 0) {
	const today = localDay();
	const midnightUtc = Date.parse(`${today}T00:00:00+08:00`);
	return new Date(midnightUtc + n * 86400e3 + (hh * 60 + mm) * 60e3).toISOString();
}
let firstDir;
const offlineIn = {}; // a record kept offline, resent a day later
let skew = 0; // ms the server's clock is ahead of ours (--clock-offset)
const ago = (ms) => new Date(Date.now() + skew - ms).toISOString();

/** The server again on the same database, its clock at local (UTC+8) time `local`
 * ('YYYY-MM-DDTHH:MM:SS'; null: the real clock); every account signs in again. A record is
 * at most 24 hours late, so the days of the quota are lived through, not written back. */
async function restartAt(local) {
	await srv.stop({ keepDir: true });
	const off = local ? offsetFor(local) : '0';
	srv = await startServer({ db: srv.db, args: ['--clock-offset', off] });
	skew = Number(off) * 1000;
	admin = await adminClient(srv);
	for (const u of [cmdA, cmdB, guard1, guard2, gw]) {
		u.client.base = srv.url;
		await u.client.mustLogin(u.username, u.password);
	}
}
/** Local day D+n at hh:mm:ss as restartAt wants it. */
const localClock = (n, hh, mm = 0, ss = 0) => `${localDay(Date.now() + n * 86400e3)}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:${String(ss).padStart(2, '0')}`;

const P_ = (c, id) => `/api/v1/closures/${id}`;
async function ok(r, status = 200) {
	assert.equal(r.status, status, r.text);
	return r.body;
}
function csvUpload(text, name = 'households.csv', fields = {}) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	fd.append('file', new Blob([Buffer.from(text, 'utf8')]), name);
	return fd;
}

/** UTF-8 text → GB18030 bytes (iconv), as Excel/WPS save a CSV on Chinese Windows. */
function gb18030(text) {
	const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(text, 'utf8') });
	assert.equal(r.status, 0, String(r.stderr));
	return r.stdout;
}
/** A minimal .xlsx of rows (inline strings; numbers as numbers), made with zip(1). */
function xlsx(rows) {
	const dir = mkdtempSync(join(tmpdir(), 'fk-closure-xlsx-'));
	const esc = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;');
	const cell = (v, r, c) => {
		const ref = `${String.fromCharCode(65 + c)}${r}`;
		return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`;
	};
	const files = {
		'[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
		'_rels/.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
		'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="住户" sheetId="1" r:id="rId1"/></sheets></workbook>',
		'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
		'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.map((cells, i) => `<row r="${i + 1}">${cells.map((v, c) => cell(v, i + 1, c)).join('')}</row>`).join('')}</sheetData></worksheet>`,
	};
	for (const [name, text] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, name)), { recursive: true });
		writeFileSync(join(dir, name), text);
	}
	execFileSync('zip', ['-q', '-r', join(dir, 'out.xlsx'), '.'], { cwd: dir });
	const bytes = readFileSync(join(dir, 'out.xlsx'));
	rmSync(dir, { recursive: true, force: true });
	return bytes;
}
function fileUpload(bytes, name, fields = {}) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	fd.append('file', new Blob([bytes]), name);
	return fd;
}

async function person(name, address, area = VILLAGE_A) {
	const r = await admin.post('/api/v1/persons', { uuid: uuid(), name, area, address, phone: '13800138000' });
	assert.ok(r.status === 201 || r.status === 200, r.text);
	return r.body.id;
}
async function observe(personId) {
	const r = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: personId });
	assert.equal(r.status, 201, r.text);
	return r.body.observation.id;
}

const check = (g, number, extra = '') => g.client.get(`/api/v1/gate/check?number=${encodeURIComponent(number)}${extra}`);
const record = (g, body) => g.client.post('/api/v1/gate/records', { uuid: uuid(), direction: 'out', at: ago(5e3), ...body });
async function stats(c = cmdA.client, id = closure.id) {
	return ok(await c.get(`/api/v1/closures/${id}/stats?from=${localDay(Date.now() - 6 * 86400e3)}&to=${localDay()}`));
}

describe('closed management', () => {
	before(async () => {
		// the closure starts 4 days ago: the quota's days are lived through by restarts
		const off = offsetFor(localClock(-4, 12));
		srv = await startServer({ args: ['--clock-offset', off] });
		firstDir = srv.dir;
		skew = Number(off) * 1000;
		admin = await adminClient(srv);
		[cmdA, cmdB, guard1, guard2, gw] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'commander', area: TOWN_B }),
			newUser(srv, admin, { role: 'gate_guard', area: TOWN_A }),
			newUser(srv, admin, { role: 'gate_guard', area: TOWN_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		]);
		// the files of the village: two at 1号 (one household), one each at 2号, 3号, 4号
		await person('王大', '社渚村1组1号');
		await person('王二', '社渚村1组1号');
		await person('李四', '社渚村1组2号');
		await person('赵六', '社渚村1组3号');
		H.obsPerson = await person('钱七', '社渚村1组4号');
		await observe(H.obsPerson);
	});
	after(async () => {
		if (srv) await srv.stop();
		if (firstDir) rmSync(firstDir, { recursive: true, force: true }); // kept by the restarts
	});

	it('a commander closes a village: its households come from the person files', async () => {
		const body = { uuid: uuid(), area: VILLAGE_A, from: localDay(Date.now() - 5 * 86400e3), reason: '确诊病例所在村' };
		const r = await cmdA.client.post('/api/v1/closures', body);
		closure = await ok(r, 201);
		assert.equal(closure.state, 'active');
		assert.deepEqual(closure.rules, { out_per_household: 1, every_days: 2, outsiders: false, vehicles: false });
		assert.equal(closure.counts.households, 4);
		assert.equal(closure.counts.observation, 1);
		assert.equal(closure.until, null);
		// a replay answers the same; another body under the key is 409
		assert.equal((await cmdA.client.post('/api/v1/closures', body)).body.id, closure.id);
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, reason: '另' }), 409, 'idempotency.conflict');
		// one active closure per area
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, uuid: uuid() }), 409, 'closure.exists', 'area');
		// rules and levels by name
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, uuid: uuid(), rules: { out_per_household: 11 } }), 400, 'closure.rules_invalid', 'out_per_household');
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, uuid: uuid(), rules: { every_days: 0 } }), 400, 'closure.rules_invalid', 'every_days');
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, uuid: uuid(), rules: { every_days: '2' } }), 400, 'field.type', 'every_days');
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, uuid: uuid(), area: TOWN_A }), 400, 'closure.area_level', 'area');
		expectError(assert, await cmdA.client.post('/api/v1/closures', { ...body, uuid: uuid(), from: '2026-02-30' }), 400, 'closure.date_invalid', 'from');
		// out of scope: another township's commander; a grid worker has no permission
		expectError(assert, await cmdB.client.post('/api/v1/closures', { ...body, uuid: uuid() }), 404, 'area.not_found');
		expectError(assert, await gw.client.post('/api/v1/closures', { ...body, uuid: uuid() }), 403, 'forbidden');
		// another village of the township: a second closure (for not_here)
		const kids = await ok(await admin.get(`/api/v1/areas/${TOWN_A}`));
		const other = kids.children.find((a) => a.code !== VILLAGE_A && a.level === 'village');
		assert.ok(other, 'the township has another village');
		closure2 = await ok(await cmdA.client.post('/api/v1/closures', { uuid: uuid(), area: other.code, from: localDay(Date.now() - 5 * 86400e3) }), 201);
		const list = await ok(await cmdA.client.get('/api/v1/closures'));
		assert.deepEqual(list.items.map((c) => c.id).sort(), [closure.id, closure2.id].sort());
		assert.equal((await ok(await cmdB.client.get('/api/v1/closures'))).items.length, 0);
	});

	it('households: the list, by hand, from a sheet (field-level rejects), blocked', async () => {
		const all = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/households`));
		assert.equal(all.total, 4);
		const one = all.items.find((h) => h.address === '社渚村1组1号');
		assert.equal(one.members, 2);
		assert.equal(one.pass, null);
		H.one = one.id;
		H.two = all.items.find((h) => h.address === '社渚村1组2号').id;
		H.three = all.items.find((h) => h.address === '社渚村1组3号').id;
		H.obs = all.items.find((h) => h.address === '社渚村1组4号').id;
		const obs = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/households?filter=observation`));
		assert.deepEqual(obs.items.map((h) => h.id), [H.obs]);
		assert.equal(obs.items[0].observation, true);
		// by hand
		const body = { uuid: uuid(), head: '孙八', address: '社渚村1组5号', members: 3, phone: '13900139000' };
		const hand = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households`, body), 201);
		H.five = hand.id;
		assert.equal(hand.members, 3);
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households`, { ...body, uuid: uuid() }), 409, 'household.exists', 'address');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households`, { ...body, uuid: uuid(), address: 'x', members: 31 }), 400, 'household.members', 'members');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households`, { ...body, uuid: uuid(), head: '长'.repeat(10000) }), 400, 'field.too_long', 'head');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households`, { ...body, uuid: uuid(), address: 'y', phone: '12345' }), 400, 'phone.invalid', 'phone');
		// from a sheet: header in Chinese, one row updates 2号, bad rows rejected by field
		const sheet = '户主,地址,人数,电话\n周九,社渚村1组6号,4,13700137000\n李四,社渚村1组2号,5,\n,社渚村1组7号,1,\n吴十,社渚村1组8号,99,\n郑一,社渚村1组9号,2,123\n周九,社渚村1组6号,1,\n';
		const impKey = uuid();
		const imp = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, csvUpload(sheet, 'h.csv', { uuid: impKey })));
		assert.equal(imp.added, 1);
		assert.equal(imp.updated, 1);
		// a resend answers the figures of the import it repeats
		assert.deepEqual(await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, csvUpload(sheet, 'h.csv', { uuid: impKey }))), imp);
		const refreshBody = { uuid: uuid() };
		const ref = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/refresh`, refreshBody));
		assert.deepEqual([ref.added, ref.skipped_over_limit], [0, 0]);
		assert.ok(ref.updated >= 3, JSON.stringify(ref));
		assert.deepEqual(await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/refresh`, refreshBody)), ref);
		assert.deepEqual(imp.rejected.map((x) => [x.line, x.field, x.code]), [
			[4, 'head', 'household.head'],
			[5, 'members', 'household.members'],
			[6, 'phone', 'household.phone'],
			[7, 'address', 'household.repeated'],
		]);
		// English headers too
		const en = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, csvUpload('head,address\n冯二,社渚村2组1号\n', 'en.csv', { uuid: uuid() })));
		assert.equal(en.added, 1);
		// a GB18030 CSV as WPS saves it, and an .xlsx with a title row above the header
		const gb = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, fileUpload(gb18030('户主,地址,人数\r\n卫三,社渚村3组1号,2\r\n'), 'gb.csv', { uuid: uuid() })));
		assert.deepEqual([gb.added, gb.rejected.length], [1, 0]);
		const x = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, fileUpload(xlsx([['社渚村住户名单'], ['户主（必填）', '家庭住址', '家庭人数', '联系电话'], ['蒋四', '社渚村3组2号', 3, '13600136000'], ['沈五', '社渚村3组3号', 0, '']]), 'h.xlsx', { uuid: uuid() })));
		assert.equal(x.added, 1);
		assert.deepEqual(x.rejected.map((r) => [r.line, r.field]), [[4, 'members']]);
		const jiang = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/households?q=${encodeURIComponent('蒋四')}`));
		assert.deepEqual([jiang.total, jiang.items[0].members, jiang.items[0].source], [1, 3, 'import']);
		// no header; 10,001 rows
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, csvUpload('a,b\n1,2\n', 'x.csv', { uuid: uuid() })), 400, 'household.import.header', 'file');
		let big = '户主,地址\n';
		for (let i = 0; i < 10001; i++) big += `户${i},大村${i}号\n`;
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, csvUpload(big, 'big.csv', { uuid: uuid() })), 400, 'household.too_many', 'file');
		const after = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}`));
		assert.equal(after.counts.households, 9);
		// blocked: 3号 may not go out
		const b = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/${H.three}/block`, { uuid: uuid(), blocked: true, reason: '密接家属' }));
		assert.equal(b.blocked, true);
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households/${H.three}/block`, { uuid: uuid(), blocked: true }), 400, 'field.required', 'reason');
		const blocked = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/households?filter=blocked`));
		assert.deepEqual(blocked.items.map((h) => h.id), [H.three]);
		// the list's read is audited
		const audit = await ok(await admin.get('/api/v1/audit?action=closure.households&limit=50'));
		assert.ok(audit.items.length >= 1);
	});

	it('passes: one by one and in a batch; refused under observation or blocked; QR and print', async () => {
		const one = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'resident', household_id: H.one }), 201);
		assert.match(one.number, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
		assert.equal(one.state, 'valid');
		P.one = one.number;
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'resident', household_id: H.one }), 409, 'pass.exists', 'household_id');
		const refused = await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'resident', household_id: H.obs });
		expectError(assert, refused, 409, 'pass.household_refused', 'household_id');
		assert.equal(refused.body.error.reason, 'observation');
		const refused2 = await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'resident', household_id: H.three });
		assert.equal(refused2.body.error.reason, 'blocked');
		// the batch: every other household without one (2号, 5号, 6号, 2组1号, 3组1号, 3组2号), the two refused skipped
		const batchBody = { uuid: uuid() };
		const batch = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes/batch`, batchBody));
		assert.equal(batch.issued, 6);
		assert.deepEqual(batch.skipped, { observation: 1, blocked: 1 });
		assert.deepEqual(await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes/batch`, batchBody)), batch);
		const hh = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/households?filter=no_pass`));
		assert.deepEqual(hh.items.map((h) => h.id).sort(), [H.obs, H.three].sort());
		const list = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/passes?kind=resident`));
		assert.equal(list.total, 7);
		P.two = list.items.find((p) => p.household_id === H.two).number;
		P.five = list.items.find((p) => p.household_id === H.five).number;
		// worker and temporary passes; a temporary pass's window is at most 7 days
		const w = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'worker', holder: '送菜员', employer: '社渚菜场' }), 201);
		P.worker = w.number;
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'worker', holder: '某' }), 400, 'pass.kind_fields', 'employer');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'temporary', holder: '某', purpose: '某', valid_from: ago(HOUR), valid_to: ago(-8 * 86400e3) }), 400, 'pass.validity', 'valid_to');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'visitor' }), 400, 'field.value', 'kind');
		// numbers are unguessable from each other: no two share a prefix of 5 in this handful
		const all = (await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/passes`))).items.map((p) => p.number);
		assert.equal(new Set(all).size, all.length);
		// the QR carries only the number
		const qr = await cmdA.client.get(`/api/v1/passes/${P.one}/qr.svg`);
		assert.equal(qr.status, 200);
		assert.match(qr.headers.get('content-type'), /image\/svg\+xml/);
		assert.match(qr.text, /<svg/);
		const print = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/passes/print?layout=a4x4&numbers=${P.one},${P.two.toLowerCase()}`));
		assert.equal(print.passes.length, 2);
		assert.match(print.passes[0].qr_svg, /<svg/);
		assert.equal(print.passes[0].head, '王*');
		expectError(assert, await cmdA.client.get(`/api/v1/closures/${closure.id}/passes/print?numbers=XYZ`), 400, 'query.invalid', 'numbers');
	});

	it('gates and their guards: a guard works at its own gate only', async () => {
		gate1 = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/gates`, { uuid: uuid(), name: '东门' }), 201);
		gate2 = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/gates`, { uuid: uuid(), name: '西门' }), 201);
		gateX = await ok(await cmdA.client.post(`/api/v1/closures/${closure2.id}/gates`, { uuid: uuid(), name: '南门' }), 201);
		await ok(await cmdA.client.post(`/api/v1/gates/${gate1.id}/guards`, { uuid: uuid(), user_id: guard1.user.id }));
		await ok(await cmdA.client.post(`/api/v1/gates/${gate2.id}/guards`, { uuid: uuid(), user_id: guard2.user.id }));
		expectError(assert, await cmdA.client.post(`/api/v1/gates/${gate1.id}/guards`, { uuid: uuid(), user_id: gw.user.id }), 400, 'gate.guard_role', 'user_id');
		const gates = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/gates`));
		assert.deepEqual(gates.items.map((g) => g.name).sort(), ['东门', '西门']);
		// their post changed: they sign in again
		await guard1.client.mustLogin(guard1.username, guard1.password);
		await guard2.client.mustLogin(guard2.username, guard2.password);
		const mine = await ok(await guard1.client.get('/api/v1/gate'));
		assert.equal(mine.gate.id, gate1.id);
		assert.equal(mine.closure.id, closure.id);
		assert.equal(mine.closure.rules.every_days, 2);
		// another gate, another closure's gate: 404; a guard has no closure.manage
		expectError(assert, await guard1.client.get(`/api/v1/gate?gate=${gate2.id}`), 404, 'gate.not_found');
		expectError(assert, await guard1.client.get(`/api/v1/gate/check?number=${P.one}&gate=${gateX.id}`), 404, 'gate.not_found');
		expectError(assert, await record(guard2, { number: P.one, gate: gate1.id }), 404, 'gate.not_found');
		expectError(assert, await guard1.client.get(`/api/v1/closures/${closure.id}`), 403, 'forbidden');
		// a commander acts at any gate in scope, naming it
		const c = await ok(await cmdA.client.get(`/api/v1/gate/check?number=${P.one}&gate=${gate1.id}`));
		assert.equal(c.verdict, 'green');
		expectError(assert, await cmdA.client.get(`/api/v1/gate/check?number=${P.one}`), 404, 'gate.not_found');
	});

	it('the check tolerates dashes, lower case and the FKP: prefix, and shows no more than it must', async () => {
		const raw = P.one.replace('-', '');
		for (const n of [P.one, raw, raw.toLowerCase(), `FKP:${raw}`, `fkp:${P.one.toLowerCase()}`]) {
			const c = await ok(await check(guard1, n));
			assert.equal(c.verdict, 'green', n);
			assert.equal(c.reason, 'ok');
			assert.equal(c.pass.number, P.one);
			assert.equal(c.pass.head, '王*');
			assert.equal(c.out_now, false);
		}
		expectError(assert, await check(guard1, 'ABC'), 400, 'pass.number_invalid', 'number');
		expectError(assert, await check(guard1, '0000000000U'), 400, 'pass.number_invalid', 'number');
		expectError(assert, await check(guard1, 'x'.repeat(5000)), 400, 'pass.number_invalid', 'number');
		const unknown = await ok(await check(guard1, '0000000000'));
		assert.deepEqual([unknown.verdict, unknown.reason, unknown.pass], ['red', 'unknown', null]);
	});

	it('days are Asia/Shanghai calendar days: out at 23:59 and at 00:01 are two days (1 a day)', async () => {
		await restartAt(localClock(-4, 23, 58, 30));
		await ok(await cmdA.client.patch(`/api/v1/closures/${closure.id}`, { uuid: uuid(), rules: { out_per_household: 1, every_days: 1 } }));
		const late = await ok(await record(guard1, { number: P.five, at: localAt(-4, 23, 59) }), 201);
		const early = await ok(await record(guard1, { number: P.five, at: localAt(-3, 0, 1) }), 201);
		assert.deepEqual([late.record.verdict, early.record.verdict], ['green', 'green']);
		const third = await ok(await record(guard1, { number: P.five, at: localAt(-3, 0, 2) }), 201);
		assert.deepEqual([third.record.verdict, third.record.reason], ['red', 'quota']);
		// a record kept offline an hour (it says what the phone showed), its answer lost: the
		// phone resends it more than a day later (the next test) and gets it back
		offlineIn.body = { uuid: uuid(), number: P.one, direction: 'in', at: localAt(-4, 23, 0), phone_verdict: 'green' };
		offlineIn.first = await ok(await guard1.client.post('/api/v1/gate/records', offlineIn.body), 201);
		// without the phone's verdict an hour is too late; with it, a day and half a minute too
		expectError(assert, await record(guard1, { number: P.one, direction: 'in', at: localAt(-4, 23, 0) }), 400, 'gate.at_invalid', 'at');
		expectError(assert, await record(guard1, { number: P.one, direction: 'in', at: localAt(-5, 23, 58, 29), phone_verdict: 'green' }), 400, 'gate.at_invalid', 'at');
		// a partial PATCH changes only the rules it names
		const back = await ok(await cmdA.client.patch(`/api/v1/closures/${closure.id}`, { uuid: uuid(), rules: { every_days: 2 } }));
		assert.deepEqual(back.rules, { out_per_household: 1, every_days: 2, outsiders: false, vehicles: false });
		const two = await ok(await cmdA.client.patch(`/api/v1/closures/${closure.id}`, { uuid: uuid(), rules: { out_per_household: 2, outsiders: true } }));
		assert.deepEqual(two.rules, { out_per_household: 2, every_days: 2, outsiders: true, vehicles: false });
		const one = await ok(await cmdA.client.patch(`/api/v1/closures/${closure.id}`, { uuid: uuid(), rules: { out_per_household: 1, outsiders: false } }));
		assert.deepEqual(one.rules, { out_per_household: 1, every_days: 2, outsiders: false, vehicles: false });
	});

	it('quota: 1 every 2 days — out on D-2, refused on D-1, allowed on D; entering is never refused', async () => {
		await restartAt(localClock(-2, 9));
		const resent = await ok(await guard1.client.post('/api/v1/gate/records', offlineIn.body), 200);
		assert.deepEqual([resent.record.id, resent.record.at, resent.record.verdict], [offlineIn.first.record.id, offlineIn.first.record.at, 'green']);
		const d2 = await ok(await record(guard1, { number: P.one, at: ago(1e3), temperature: 36.5 }), 201);
		assert.equal(d2.record.verdict, 'green');
		// back in on D-2: entering is never refused by quota
		const back = await ok(await record(guard1, { number: P.one, direction: 'in', at: ago(0) }), 201);
		assert.equal(back.record.verdict, 'green');
		await restartAt(localClock(-1, 9));
		const d1 = await ok(await record(guard1, { number: P.one, at: ago(1e3) }), 201);
		assert.deepEqual([d1.record.verdict, d1.record.reason], ['red', 'quota']);
		assert.equal(d1.check.next_allowed_on, localDay());
		await restartAt(null);
		// today it may go out
		const c = await ok(await check(guard1, P.one));
		assert.equal(c.verdict, 'green');
		assert.equal(c.next_allowed_on, localDay());
		const out = await ok(await record(guard1, { number: P.one }), 201);
		assert.equal(out.record.verdict, 'green');
		assert.equal(out.check.out_now, true);
		// now used up: next on D+2; entering still green
		const again = await ok(await check(guard1, P.one));
		assert.deepEqual([again.verdict, again.reason, again.next_allowed_on], ['red', 'quota', localDay(Date.now() + 2 * 86400e3)]);
		assert.equal(again.out_now, true);
		assert.equal((await ok(await check(guard1, P.one, '&direction=in'))).verdict, 'green');
		// the same uuid again (an offline resend): the same record, counted once
		const resend = { uuid: uuid(), number: P.one, direction: 'in', at: ago(2e3) };
		const first = await ok(await record(guard1, resend), 201);
		const replay = await ok(await record(guard1, resend), 200);
		assert.equal(replay.record.id, first.record.id);
		const s = await stats();
		const today = s.days.find((d) => d.date === localDay());
		assert.equal(today.exits, 1);
		assert.equal(today.entries, 1);
		const dm1 = s.days.find((d) => d.date === localDay(Date.now() - 86400e3));
		assert.equal(dm1.refusals.quota, 1);
	});

	it('late records: older than 10 minutes only offline (phone_verdict), at most 24 hours, never before the pass', async () => {
		expectError(assert, await record(guard1, { number: P.one, direction: 'in', at: ago(20 * 60e3) }), 400, 'gate.at_invalid', 'at');
		expectError(assert, await record(guard1, { number: P.one, direction: 'in', at: ago(25 * HOUR), phone_verdict: 'green' }), 400, 'gate.at_invalid', 'at');
		// a worker pass issued now: a record before it is refused, even offline
		const w = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'worker', holder: '新来的', employer: '菜场' }), 201);
		expectError(assert, await record(guard1, { number: w.number, direction: 'in', at: ago(HOUR), phone_verdict: 'green' }), 400, 'gate.at_invalid', 'at');
		// an offline record an hour late is kept, and the log shows how late it came
		const late = await ok(await record(guard1, { number: P.one, direction: 'in', at: ago(HOUR), phone_verdict: 'green' }), 201);
		assert.equal(late.record.verdict, 'green');
		const log = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/gate-log?from=${localDay(Date.now() - HOUR)}&to=${localDay()}`));
		const row = log.items.find((x) => x.id === late.record.id);
		assert.ok(row && row.late_s >= 3590 && row.late_s < 3700, JSON.stringify(row));
		// reading the gate log is audited
		await waitFor(async () => (await ok(await admin.get('/api/v1/audit?action=closure.gate_log&limit=50'))).items.length > 0, { what: 'the gate log read audited' });
		// a guard may not let a red through; who manages the closure may, and the audit says why
		const red = await ok(await check(guard1, P.one));
		assert.equal(red.verdict, 'red');
		expectError(assert, await record(guard1, { number: P.one, override_reason: '就医' }), 403, 'gate.override_forbidden', 'override_reason');
		const ov = await ok(await record(cmdA, { number: P.one, gate: gate1.id, override_reason: '急诊就医' }), 201);
		assert.deepEqual([ov.record.verdict, ov.record.reason, ov.record.override_reason], ['green', 'quota', '急诊就医']);
		const audit = await ok(await admin.get('/api/v1/audit?action=gate.record&limit=200'));
		assert.ok(audit.items.some((x) => JSON.stringify(x).includes('急诊就医')), 'override_reason audited');
		// back in, so that who is out stays as it was
		await ok(await record(cmdA, { number: P.one, gate: gate1.id, direction: 'in' }), 201);
	});

	it('observation, blocked, fever: the household rules refuse an exit', async () => {
		// a person of 2号 placed under observation after its pass was issued
		const p = await person('李四', '社渚村1组2号');
		await observe(p);
		const c = await ok(await check(guard1, P.two));
		assert.deepEqual([c.verdict, c.reason], ['red', 'observation']);
		const r = await ok(await record(guard1, { number: P.two, phone_verdict: 'green' }), 201);
		assert.deepEqual([r.record.verdict, r.record.reason, r.offline_disagreed], ['red', 'observation', true]);
		// blocked
		await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/${H.five}/block`, { uuid: uuid(), blocked: true, reason: '隔离' }));
		assert.equal((await ok(await check(guard1, P.five))).reason, 'blocked');
		await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/households/${H.five}/block`, { uuid: uuid(), blocked: false }));
		// a fever on the way out is refused; on the way in recorded and flagged
		const f = await ok(await record(guard1, { number: P.worker, temperature: 38.1 }), 201);
		assert.deepEqual([f.record.verdict, f.record.reason, f.record.fever], ['red', 'fever', true]);
		const fi = await ok(await record(guard1, { number: P.worker, direction: 'in', temperature: 38.1 }), 201);
		assert.deepEqual([fi.record.verdict, fi.record.fever], ['green', true]);
		expectError(assert, await record(guard1, { number: P.worker, temperature: 99 }), 400, 'gate.temperature.range', 'temperature');
		// a worker pass has no quota
		for (let i = 0; i < 3; i++) assert.equal((await ok(await record(guard1, { number: P.worker }), 201)).record.verdict, 'green');
	});

	it('revoked and reissued: the old number stops working; an offline record after the revocation is red and not counted', async () => {
		const before = (await stats()).days.find((d) => d.date === localDay()).exits;
		const prior = ago(30 * 60e3); // before the revocation, offline
		const rev = await ok(await cmdA.client.post(`/api/v1/passes/${P.five}/reissue`, { uuid: uuid(), reason: '遗失' }), 201);
		assert.notEqual(rev.number, P.five);
		assert.equal(rev.replaces, P.five);
		const old = await ok(await check(guard1, P.five));
		assert.deepEqual([old.verdict, old.reason], ['red', 'revoked']);
		assert.equal((await ok(await check(guard1, rev.number))).verdict, 'green');
		// synced from the phone's queue: revoked before its instant → red, counted nowhere
		const late = await ok(await record(guard1, { number: P.five, at: new Date(Date.now() + 1500).toISOString(), phone_verdict: 'green' }), 201);
		assert.deepEqual([late.record.verdict, late.record.reason, late.offline_disagreed], ['red', 'revoked', true]);
		// the same pass at an instant before the revocation was valid then
		const early = await ok(await record(guard1, { number: P.five, at: prior, phone_verdict: 'green', direction: 'in' }), 201);
		assert.equal(early.record.verdict, 'green');
		const s = (await stats()).days.find((d) => d.date === localDay());
		assert.equal(s.exits, before);
		assert.equal(s.refusals.revoked, 1);
		expectError(assert, await cmdA.client.post(`/api/v1/passes/${P.five}/revoke`, { uuid: uuid(), reason: '又' }), 409, 'pass.revoked');
		await ok(await cmdA.client.post(`/api/v1/passes/${rev.number}/revoke`, { uuid: uuid(), reason: '搬走' }));
		assert.equal((await ok(await check(guard1, rev.number))).reason, 'revoked');
	});

	it('temporary passes are valid in their window only; a pass of another closure is not_here', async () => {
		const t = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'temporary', holder: '送水工', purpose: '送水', valid_from: ago(-HOUR), valid_to: ago(-2 * HOUR) }), 201);
		const early = await ok(await record(guard1, { number: t.number, at: ago(0) }), 201);
		assert.deepEqual([early.record.verdict, early.record.reason], ['red', 'not_yet_valid']);
		const te = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'temporary', holder: '快递员', purpose: '快递', valid_from: ago(3 * HOUR), valid_to: ago(2 * HOUR) }), 201);
		assert.equal(te.state, 'expired');
		assert.equal((await ok(await check(guard1, te.number))).reason, 'expired');
		// a temporary pass ignores the household rules
		const other = await ok(await cmdA.client.post(`/api/v1/closures/${closure2.id}/passes`, { uuid: uuid(), kind: 'worker', holder: '外村', employer: '外村' }), 201);
		const c = await ok(await check(guard1, other.number));
		assert.deepEqual([c.verdict, c.reason, c.pass], ['red', 'not_here', null]);
	});

	it('the offline list: every pass with its household state and the window', async () => {
		const l = await ok(await guard1.client.get('/api/v1/gate/list'));
		assert.equal(l.rules.every_days, 2);
		assert.ok(l.version > 1);
		const one = l.passes.find((p) => p.number === P.one);
		assert.equal(one.exits_in_window, 2); // its own and the commander's override
		assert.equal(one.last_out_day, localDay());
		assert.ok(l.passes.some((p) => p.state === 'revoked'));
		// expired passes are left out; the total is the real count
		assert.ok(!l.passes.some((p) => p.state === 'expired'));
		assert.deepEqual([l.total, l.truncated], [l.passes.length, false]);
		assert.ok(!l.passes.some((p) => p.number === undefined));
		// reading the offline list is audited
		await waitFor(async () => (await ok(await admin.get('/api/v1/audit?action=gate.list&limit=50'))).items.length > 0, { what: 'the list read audited' });
	});

	it('stats and the gate log agree with the records; hostile queries refused by name', async () => {
		const s = await stats();
		assert.equal(s.households, 9);
		assert.ok(s.out_now.some((o) => o.number === P.worker), JSON.stringify(s.out_now));
		assert.ok(!s.out_now.some((o) => o.number === P.one), 'back in: not out');
		const log = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/gate-log?from=${localDay(Date.now() - 6 * 86400e3)}&to=${localDay()}&verdict=red`));
		assert.ok(log.total >= 5);
		assert.ok(log.items.every((r) => r.verdict === 'red'));
		const g2 = await ok(await cmdA.client.get(`/api/v1/closures/${closure.id}/gate-log?from=${localDay(Date.now() - 6 * 86400e3)}&gate=${gate2.id}`));
		assert.equal(g2.total, 0);
		expectError(assert, await cmdA.client.get(`/api/v1/closures/${closure.id}/stats?from=2020-01-01&to=${localDay()}`), 400, 'closure.date_invalid', 'from');
		expectError(assert, await cmdA.client.get(`/api/v1/closures/${closure.id}/gate-log?page=-1`), 400, 'query.invalid', 'page');
		expectError(assert, await cmdA.client.get(`/api/v1/closures/${closure.id}/households?filter=x`), 400, 'query.invalid', 'filter');
		expectError(assert, await record(guard1, { number: P.one, at: new Date(Date.now() + 3600e3).toISOString() }), 400, 'gate.at_invalid', 'at');
		expectError(assert, await record(guard1, { number: P.one, at: ago(8 * 86400e3) }), 400, 'gate.at_invalid', 'at');
		expectError(assert, await record(guard1, { number: P.one, direction: 'up' }), 400, 'field.value', 'direction');
		expectError(assert, await record(guard1, { number: P.one, person: '人'.repeat(5000) }), 400, 'field.too_long', 'person');
		expectError(assert, await record(guard1, { number: 12345 }), 400, 'field.type', 'number');
		expectError(assert, await record(guard1, { number: P.one, extra: 1 }), 400, 'field.unknown', 'extra');
		// the daily report of the closure's area counts today's exits and refusals as the stats do
		const today = s.days.find((d) => d.date === localDay());
		const rep = await ok(await cmdA.client.get(`/api/v1/reports/daily?area=${closure.area}&date=${localDay()}`));
		assert.equal(rep.figures.gate_exits_new, today.exits, JSON.stringify([today, rep.figures]));
		assert.equal(rep.figures.gate_refused_new, Object.values(today.refusals).reduce((a, b) => a + b, 0));
		assert.ok(rep.figures.gate_exits_new > 0 && rep.figures.gate_refused_new > 0);
		// `fangkong check`: the kept counts agree with a recount
		const out = await run(['check', '--db', srv.db]);
		assert.equal(out.code, 0, out.stdout + out.stderr);
		assert.match(out.stdout, /closure counts: ok/);
	});

	it('a commander of another township gets 404 on every route', async () => {
		const c = cmdB.client;
		const id = closure.id;
		const nf = (r, code) => expectError(assert, r, 404, code);
		nf(await c.get(`/api/v1/closures/${id}`), 'closure.not_found');
		nf(await c.patch(`/api/v1/closures/${id}`, { uuid: uuid(), reason: 'x' }), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/reopen`, { uuid: uuid(), on: localDay() }), 'closure.not_found');
		nf(await c.get(`/api/v1/closures/${id}/stats`), 'closure.not_found');
		nf(await c.get(`/api/v1/closures/${id}/gate-log`), 'closure.not_found');
		nf(await c.get(`/api/v1/closures/${id}/households`), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/households`, { uuid: uuid(), head: 'x', address: 'x' }), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/households/refresh`, { uuid: uuid() }), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/households/import`, csvUpload('户主,地址\n甲,乙\n', 'a.csv', { uuid: uuid() })), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/households/${H.one}/block`, { uuid: uuid(), blocked: true, reason: 'x' }), 'household.not_found');
		nf(await c.get(`/api/v1/closures/${id}/passes`), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/passes`, { uuid: uuid(), kind: 'worker', holder: 'x', employer: 'y' }), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/passes/batch`, { uuid: uuid() }), 'closure.not_found');
		nf(await c.get(`/api/v1/closures/${id}/passes/print`), 'closure.not_found');
		nf(await c.get(`/api/v1/closures/${id}/gates`), 'closure.not_found');
		nf(await c.post(`/api/v1/closures/${id}/gates`, { uuid: uuid(), name: 'x' }), 'closure.not_found');
		nf(await c.post(`/api/v1/passes/${P.one}/reissue`, { uuid: uuid(), reason: 'x' }), 'pass.not_found');
		nf(await c.post(`/api/v1/passes/${P.one}/revoke`, { uuid: uuid(), reason: 'x' }), 'pass.not_found');
		nf(await c.get(`/api/v1/passes/${P.one}/qr.svg`), 'pass.not_found');
		nf(await c.post(`/api/v1/gates/${gate1.id}/guards`, { uuid: uuid(), user_id: guard1.user.id }), 'gate.not_found');
		nf(await c.get(`/api/v1/gate?gate=${gate1.id}`), 'gate.not_found');
		nf(await c.get(`/api/v1/gate/check?number=${P.one}&gate=${gate1.id}`), 'gate.not_found');
		nf(await c.post('/api/v1/gate/records', { uuid: uuid(), gate: gate1.id, number: P.one, direction: 'out', at: ago(1e3) }), 'gate.not_found');
		nf(await c.get(`/api/v1/gate/list?gate=${gate1.id}`), 'gate.not_found');
		// and the denials are audited
		await waitFor(async () => (await ok(await admin.get('/api/v1/audit?action=denied&limit=200'))).items.some((x) => x.object_id === id), { what: 'the denials audited' });
	});

	it('reopened: the closure ends, its passes stop working, its history stays', async () => {
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/reopen`, { uuid: uuid(), on: '2000-01-01' }), 400, 'closure.date_invalid', 'on');
		const r = await ok(await cmdA.client.post(`/api/v1/closures/${closure.id}/reopen`, { uuid: uuid(), on: localDay() }));
		assert.equal(r.state, 'reopened');
		assert.equal(r.until, localDay());
		const c = await ok(await check(guard1, P.one));
		assert.deepEqual([c.verdict, c.reason], ['red', 'closure_ended']);
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/reopen`, { uuid: uuid(), on: localDay() }), 409, 'closure.ended');
		// no more writes to it
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households`, { uuid: uuid(), head: '晚', address: '晚1号' }), 409, 'closure.ended');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households/import`, csvUpload('户主,地址\n晚,晚2号\n', 'late.csv', { uuid: uuid() })), 409, 'closure.ended');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/passes`, { uuid: uuid(), kind: 'worker', holder: '晚', employer: '晚' }), 409, 'closure.ended');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/passes/batch`, { uuid: uuid() }), 409, 'closure.ended');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/gates`, { uuid: uuid(), name: '晚门' }), 409, 'closure.ended');
		expectError(assert, await cmdA.client.patch(`/api/v1/closures/${closure.id}`, { uuid: uuid(), reason: '晚' }), 409, 'closure.ended');
		expectError(assert, await cmdA.client.post(`/api/v1/closures/${closure.id}/households/refresh`, { uuid: uuid() }), 409, 'closure.ended');
		expectError(assert, await cmdA.client.post(`/api/v1/passes/${P.one}/reissue`, { uuid: uuid(), reason: '晚' }), 409, 'closure.ended');
		assert.equal((await ok(await cmdA.client.get('/api/v1/closures'))).items.length, 1);
		assert.equal((await ok(await cmdA.client.get('/api/v1/closures?state=all'))).items.length, 2);
		assert.ok((await stats()).days.some((d) => d.exits > 0));
		// the area may be closed again
		await ok(await cmdA.client.post('/api/v1/closures', { uuid: uuid(), area: VILLAGE_A, from: localDay() }), 201);
	});

	it('a compound (a new grid of the village): the files and observations of the village reach its households by address', async () => {
		const grid = await ok(await admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '幸福小区' }), 201);
		const c3 = await ok(await cmdA.client.post('/api/v1/closures', { uuid: uuid(), area: grid.code, from: localDay() }), 201);
		const base = `/api/v1/closures/${c3.id}`;
		// written with a full-width number and a space; the files say 幸福小区3栋101
		const h = await ok(await cmdA.client.post(`${base}/households`, { uuid: uuid(), head: '陶一', address: '幸福小区 3栋１０１', members: 2 }), 201);
		const h2 = await ok(await cmdA.client.post(`${base}/households`, { uuid: uuid(), head: '陶三', address: '幸福小区3栋102', members: 1 }), 201);
		const pass = await ok(await cmdA.client.post(`${base}/passes`, { uuid: uuid(), kind: 'resident', household_id: h.id }), 201);
		const g3 = await ok(await cmdA.client.post(`${base}/gates`, { uuid: uuid(), name: '小区门' }), 201);
		assert.equal((await ok(await cmdA.client.get(`/api/v1/gate/check?number=${pass.number}&gate=${g3.id}`))).verdict, 'green');
		// people of the village (their files under the village's code) placed under observation
		await observe(await person('陶二', '幸福小区3栋101'));
		await observe(await person('陶四', '幸福小区　3栋102'));
		const obs = await ok(await cmdA.client.get(`${base}/households?filter=observation`));
		assert.deepEqual(obs.items.map((x) => x.id).sort(), [h.id, h2.id].sort());
		assert.ok(obs.items.every((x) => x.observation === true));
		const refused = await cmdA.client.post(`${base}/passes`, { uuid: uuid(), kind: 'resident', household_id: h2.id });
		expectError(assert, refused, 409, 'pass.household_refused', 'household_id');
		assert.equal(refused.body.error.reason, 'observation');
		const c = await ok(await cmdA.client.get(`/api/v1/gate/check?number=${pass.number}&gate=${g3.id}`));
		assert.deepEqual([c.verdict, c.reason], ['red', 'observation']);
		const r = await ok(await record(cmdA, { number: pass.number, gate: g3.id, at: ago(0) }), 201);
		assert.deepEqual([r.record.verdict, r.record.reason], ['red', 'observation']);
		// a reissue for a household under observation is refused whole: the old pass stays
		const re = await cmdA.client.post(`/api/v1/passes/${pass.number}/reissue`, { uuid: uuid(), reason: '遗失' });
		expectError(assert, re, 409, 'pass.household_refused');
		assert.equal((await ok(await cmdA.client.get(`/api/v1/gate/check?number=${pass.number}&gate=${g3.id}`))).reason, 'observation');
		// a guard is removed only from its own gate; a gate of an ended closure takes no guard
		expectError(assert, await cmdA.client.post(`/api/v1/gates/${g3.id}/guards`, { uuid: uuid(), user_id: guard1.user.id, remove: true }), 404, 'user.not_found', 'user_id');
		await ok(await cmdA.client.post(`${base}/reopen`, { uuid: uuid(), on: localDay() }));
		expectError(assert, await cmdA.client.post(`/api/v1/gates/${g3.id}/guards`, { uuid: uuid(), user_id: guard2.user.id }), 409, 'closure.ended');
	});

	it('household sheets are bounded: no header in the first rows, too many rows', async () => {
		const c4 = (await ok(await cmdA.client.get('/api/v1/closures'))).items.find((c) => c.area === VILLAGE_A);
		const url = `/api/v1/closures/${c4.id}/households/import`;
		// 20,000 headerless rows of 200 cells each: refused at once, by name
		const row = `${Array.from({ length: 200 }, (_, i) => `x${i}`.padEnd(40, 'y')).join(',')}\n`;
		const t0 = Date.now();
		expectError(assert, await cmdA.client.post(url, csvUpload(row.repeat(20000), 'wide.csv', { uuid: uuid() })), 400, 'household.import.header', 'file');
		assert.ok(Date.now() - t0 < 30000, `answered in ${Date.now() - t0} ms`);
		// a header after 10 rows of title is not looked for
		expectError(assert, await cmdA.client.post(url, csvUpload(`${'标题\n'.repeat(10)}户主,地址\n甲,甲1号\n`, 't.csv', { uuid: uuid() })), 400, 'household.import.header', 'file');
		// rows blank in the columns read count too
		expectError(assert, await cmdA.client.post(url, csvUpload(`户主,地址\n${',,x\n'.repeat(10500)}甲,甲1号\n`, 'b.csv', { uuid: uuid() })), 400, 'household.too_many', 'file');
	});
});
