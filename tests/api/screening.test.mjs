// Screening (排查) through the API: pushed lists (imports), one file per person, masking and
// audited reveals, verification tasks closed at the door (idempotent), forwarding, counts
// per area, overdue under a shifted clock, and an import that survives kill -9.
//
// Accounts: admin (溧阳市) makes a commander of 社渚镇, grid workers of 社渚村 and of a
// 竹箦镇 village, a commander of 竹箦镇 and a social worker of 社渚村.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import {
	COUNTY,
	Client,
	SLOW,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	makeId,
	newUser,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

const HEKOU = '320481116002'; // 河口居委会, 社渚镇

// ---- data ----

/** The first sequence from `from` whose check character is X. */
function idWithX(birth, from) {
	for (let q = from; q < from + 100; q++) if (makeId(birth, q).endsWith('X')) return makeId(birth, q);
	throw new Error('no X');
}
const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
const mask = (id) => `${id.slice(0, 6)}${'*'.repeat(id.length - 6)}`;

const P = {
	zhang: { name: '张三', id: idWithX('19800115', 100), phone: '13812345678', addr: '社渚镇社渚村5组', origin: '湖北省武汉市', date: '2020/1/26' },
	li: { name: '李四', id: makeId('19900630', 102), phone: '13912345678', addr: '社渚镇河口居委会幸福路3号', origin: '江苏省南京市', date: '2020-01-25' },
	wang: { name: '王五', id: wrongCheck(makeId('19751201', 103)), phone: '', addr: '社渚镇人民路8号', origin: '武汉', date: '1月24日' },
	noname: { name: '', id: makeId('19660303', 104), phone: '13700000004', addr: '社渚镇社渚村6组', origin: '', date: '' },
	zsf: { name: '张三丰', id: makeId('19550505', 105), phone: '13700000005', addr: '社渚村6组', origin: '湖北省武汉市', date: '2020-01-20' },
	zhou: { name: '周八', id: makeId('19880808', 106), phone: '13600000006', addr: '社渚村7组', origin: '', date: '' },
	wu: { name: '吴九', id: makeId('19770707', 107), phone: '13600000007', addr: '社渚村8组', origin: '', date: '' },
	zheng: { name: '郑十', id: makeId('19660606', 108), phone: '13600000008', addr: '社渚村9组', origin: '', date: '' },
	feng: { name: '冯十一', id: makeId('19550101', 109), phone: '13600000009', addr: '社渚村10组', origin: '', date: '' },
	chen: { name: '陈一', id: makeId('19820202', 110), phone: '13500000010', addr: '竹箦镇竹箦村3组', origin: '湖北省武汉市', date: '2020-01-22' },
};
const LIST_A = ['zhang', 'li', 'wang', 'noname', 'zsf', 'zhou', 'wu', 'zheng', 'feng'];
const HEADER = ['姓名', '身份证号码', '联系电话', '来源地', '返乡日期', '现住址'];
const csvLine = (p) => [p.name, p.id, p.phone, p.origin, p.date, p.addr].join(',');

/** UTF-8 text → GB18030 bytes with iconv(1), as Excel/WPS save CSV on Chinese Windows. */
function gb18030(text) {
	const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', 'GB18030'], { input: Buffer.from(text, 'utf8') });
	if (r.status !== 0) throw new Error(`iconv: ${r.stderr}`);
	return r.stdout;
}
const FILE_A = gb18030(`${HEADER.join(',')}\r\n${LIST_A.map((k) => csvLine(P[k])).join('\r\n')}\r\n`);
const FILE_B = Buffer.from(`\uFEFF${HEADER.join(',')}\r\n${csvLine(P.chen)}\r\n`, 'utf8');

// ---- helpers ----

async function upload(client, bytes, filename, fields = {}) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	if (bytes !== undefined) fd.append('file', new Blob([bytes]), filename);
	return client.post('/api/v1/imports', fd);
}

/** Polls the job until it is done or failed; returns it. */
async function finished(client, id, timeoutMs = 30000 * SLOW) {
	return waitFor(
		async () => {
			const r = await client.get(`/api/v1/imports/${id}`);
			assert.equal(r.status, 200, r.text);
			return r.body.status === 'done' || r.body.status === 'failed' ? r.body : null;
		},
		{ timeoutMs, intervalMs: 50, what: `import ${id}` },
	);
}

async function importOk(client, bytes, filename, fields) {
	const r = await upload(client, bytes, filename, fields);
	assert.equal(r.status, 202, r.text);
	assert.match(r.body.id, /^[0-9a-f-]{36}$/);
	const job = await finished(client, r.body.id);
	assert.equal(job.status, 'done', JSON.stringify(job));
	return job;
}

async function tasks(client, query = '') {
	const r = await client.get(`/api/v1/tasks?limit=500${query}`);
	assert.equal(r.status, 200, r.text);
	return r.body;
}

async function searchOne(client, q) {
	const r = await client.post('/api/v1/persons/search', { q }); // numbers never in a URL
	assert.equal(r.status, 200, r.text);
	return r.body.items;
}

/** The probe answers exactly like a request for something that does not exist. */
function sameAsMissing(probe, missing) {
	assert.equal(probe.status, 404, `probe: ${probe.status} ${probe.text}`);
	assert.equal(probe.status, missing.status);
	assert.deepEqual(probe.body, missing.body);
}

async function auditRows(admin, action, objectId) {
	return waitFor(
		async () => {
			const r = await admin.get(`/api/v1/audit?action=${action}&limit=200`);
			assert.equal(r.status, 200, r.text);
			const rows = r.body.items.filter((x) => x.object_id === objectId);
			return rows.length ? rows : null;
		},
		{ what: `audit ${action} of ${objectId}` },
	);
}

const statsRow = (body, area) => body.items.find((x) => x.area === area);

// ---- the shared server ----

let srv;
let srvDir; // set once the shared server has been restarted on its db (then ours to remove)
let admin;
let VILLAGE_B; // a real village of 竹箦镇
let cmdA; // commander of 社渚镇
let cmdB; // commander of 竹箦镇
let gwA; // grid worker of 社渚村
let gwB; // grid worker of VILLAGE_B
let swA; // social worker of 社渚村
let jobA; // the GB18030 list, imported by cmdA
let jobB; // the UTF-8 list, imported by cmdB
const person = {}; // key → person id
const task = {}; // key → task id (the first task)

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	assert.equal(town.status, 200, town.text);
	VILLAGE_B = town.body.children.find((x) => x.level === 'village' && Number(x.code.slice(9)) >= 200).code;
	[cmdA, cmdB, gwA, gwB, swA] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_B }),
		newUser(srv, admin, { role: 'social_worker', area: VILLAGE_A }),
	]);
});
after(async () => {
	await srv?.stop();
	if (srvDir && !process.env.FK_KEEP) await rm(srvDir, { recursive: true, force: true });
});

describe('imports', () => {
	it('a GB18030 CSV: exact counts, files and tasks where the addresses are', async () => {
		jobA = await importOk(cmdA.client, FILE_A, '社渚镇返乡人员.csv', { deadline_hours: 24 });
		// 9 rows: 8 files (王五 flagged: wrong check character, no phone), the nameless row rejected
		assert.equal(jobA.rows, 9);
		assert.equal(jobA.imported, 8);
		assert.equal(jobA.merged, 0);
		assert.equal(jobA.flagged, 1);
		assert.equal(jobA.rejected, 1);
		assert.equal(jobA.progress, 1);
		assert.equal(jobA.area, TOWN_A);
		assert.equal(jobA.deadline_hours, 24);
		assert.equal(jobA.filename, '社渚镇返乡人员.csv');

		const all = await tasks(cmdA.client);
		assert.equal(all.total, 8);
		for (const t of all.items) {
			const key = LIST_A.find((k) => P[k].name === t.person_name);
			assert.ok(key, `unexpected task for ${t.person_name}`);
			task[key] = t.id;
			person[key] = t.person_id;
			assert.equal(t.status, 'open');
			assert.equal(t.overdue, false);
			assert.equal(t.import_id, jobA.id);
			assert.equal(Date.parse(t.due_at) - Date.parse(t.created_at), 24 * 3600 * 1000);
		}
		const byName = Object.fromEntries(all.items.map((t) => [t.person_name, t]));
		assert.equal(byName['张三'].area, VILLAGE_A);
		assert.equal(byName['李四'].area, HEKOU);
		assert.equal(byName['王五'].area, TOWN_A); // only the township resolved: its queue
		assert.deepEqual(byName['王五'].defects.sort(), ['address.unresolved', 'id.check', 'phone.missing']);
		assert.deepEqual(byName['张三'].defects, []);

		jobB = await importOk(cmdB.client, FILE_B, 'zhuze.csv');
		assert.deepEqual([jobB.rows, jobB.imported, jobB.merged, jobB.flagged, jobB.rejected], [1, 1, 0, 0, 0]);
		const b = await tasks(cmdB.client);
		assert.equal(b.total, 1);
		assert.equal(b.items[0].area, VILLAGE_B);
		task.chen = b.items[0].id;
		person.chen = b.items[0].person_id;
	});

	it('the same file twice creates nothing twice', async () => {
		const r = await upload(cmdA.client, FILE_A, 'again.csv', { deadline_hours: 24 });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.duplicate, true);
		assert.equal(r.body.id, jobA.id);
		assert.equal(r.body.imported, 8);
		assert.equal((await tasks(cmdA.client)).total, 8);
		assert.equal((await searchOne(cmdA.client, P.zhang.id)).length, 1);
		const list = await cmdA.client.get('/api/v1/imports');
		assert.equal(list.status, 200, list.text);
		assert.deepEqual(list.body.items.map((j) => j.id), [jobA.id]); // and not 竹箦镇's
	});

	it('the same people in another file merge into their files', async () => {
		const bytes = Buffer.from(`姓名,身份证号,手机号码\n张三,${P.zhang.id.toLowerCase()},\n张三,${P.zhang.id},13812345678\n`, 'utf8');
		const j = await importOk(cmdA.client, bytes, 'resent.csv');
		// the first row gives no phone: flagged (the file keeps the phone it has)
		assert.deepEqual([j.rows, j.imported, j.merged, j.flagged, j.rejected], [2, 0, 2, 1, 0]);
		assert.equal((await tasks(cmdA.client)).total, 8);
		const found = await searchOne(cmdA.client, P.zhang.id);
		assert.equal(found.length, 1);
		const file = await cmdA.client.get(`/api/v1/persons/${found[0].id}`);
		assert.equal(file.status, 200, file.text);
		assert.deepEqual(file.body.timeline.map((e) => e.kind), ['pushed', 'listed', 'listed']);
		assert.equal(file.body.tasks.length, 1);
	});

	it('the rows to fix: the original columns plus line and problem', async () => {
		const r = await cmdA.client.get(`/api/v1/imports/${jobA.id}/issues?format=csv`);
		assert.equal(r.status, 200, r.text);
		assert.match(r.headers.get('content-type'), /^text\/csv/);
		assert.match(r.headers.get('content-disposition') || '', /attachment/);
		// fetch's text() drops a BOM: look at the bytes
		const raw = Buffer.from(
			await (await fetch(`${srv.url}/api/v1/imports/${jobA.id}/issues?format=csv`, {
				headers: { Cookie: `fk_session=${cmdA.client.cookie}` },
			})).arrayBuffer(),
		);
		assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, so that Excel reads UTF-8');
		const lines = r.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
		assert.equal(lines[0], ['行号', '问题', ...HEADER].join(','));
		assert.equal(lines.length, 3); // the header + 王五 (line 4) + the nameless row (line 5)
		const wang = lines.find((l) => l.startsWith('4,'));
		assert.ok(wang, r.text);
		assert.match(wang, /身份证号校验位错误/);
		assert.match(wang, /地址无法对应到村/);
		assert.match(wang, /缺少联系电话/); // flagged, not silently accepted
		assert.ok(wang.endsWith(`,${csvLine(P.wang)}`), wang);
		const noname = lines.find((l) => l.startsWith('5,'));
		assert.ok(noname, r.text);
		assert.match(noname, /缺少姓名/);
		assert.ok(noname.endsWith(`,${csvLine(P.noname)}`), noname);

		const en = await cmdA.client.get(`/api/v1/imports/${jobA.id}/issues?format=csv`, { lang: 'en' });
		assert.ok(en.text.replace(/^\uFEFF/, '').startsWith('line,problem,'), en.text.slice(0, 80));
		assert.match(en.text, /Wrong ID check character/);

		const js = await cmdA.client.get(`/api/v1/imports/${jobA.id}/issues`);
		assert.equal(js.status, 200, js.text);
		const codes = js.body.items.map((x) => `${x.line}:${x.code}:${x.severity}`).sort();
		assert.deepEqual(codes, ['4:address.unresolved:flagged', '4:id.check:flagged', '4:phone.missing:flagged', '5:name.missing:rejected']);
	});

	it('template downloads, and the .xlsx template reads back', async () => {
		const csv = await cmdA.client.get('/api/v1/imports/template?format=csv');
		assert.equal(csv.status, 200, csv.text);
		assert.match(csv.headers.get('content-type'), /^text\/csv/);
		const first = csv.text.replace(/^\uFEFF/, '').split('\r\n')[0].split(',');
		for (const col of ['姓名', '身份证号', '手机号码', '来源地', '返乡日期', '现住址'])
			assert.ok(first.includes(col), `template lacks ${col}: ${first}`);

		const res = await fetch(`${srv.url}/api/v1/imports/template?format=xlsx`, {
			headers: { Cookie: `fk_session=${cmdA.client.cookie}` },
		});
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /spreadsheetml/);
		const xlsx = Buffer.from(await res.arrayBuffer());
		assert.equal(xlsx.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
		// an example row, instructions and drop-downs, as the account template (issue 10, item 10)
		const dir = mkdtempSync(join(tmpdir(), 'fk-tpl-'));
		writeFileSync(join(dir, 't.xlsx'), xlsx);
		const part = (p) => execFileSync('unzip', ['-p', join(dir, 't.xlsx'), p]).toString('utf8');
		assert.match(part('xl/workbook.xml'), /name="填写说明"/);
		assert.match(part('xl/worksheets/sheet1.xml'), /<dataValidations count="2">.*sqref="B3:B2002".*sqref="G3:G2002"/);
		const strings = part('xl/sharedStrings.xml');
		for (const s of ['示例行（导入时跳过', '填写说明 / Instructions', '居民身份证', '火车']) assert.ok(strings.includes(s), s);
		rmSync(dir, { recursive: true, force: true });
		// uploaded as is (title row, header, the example row): recognised, nothing created
		const j = await importOk(cmdA.client, xlsx, 'template.xlsx');
		assert.equal(j.rows, 0);
		assert.equal(j.imported + j.merged + j.flagged + j.rejected, 0, 'the example row is skipped');
		assert.equal(j.error, null);
		// so is the CSV template's
		const jc = await importOk(cmdA.client, Buffer.from(csv.text, 'utf8'), 'template.csv');
		assert.equal(jc.imported + jc.merged + jc.flagged + jc.rejected, 0, 'the example row is skipped');

		expectError(assert, await cmdA.client.get('/api/v1/imports/template?format=pdf'), 400, 'query.invalid', 'format');
		expectError(assert, await gwA.client.get('/api/v1/imports/template?format=csv'), 403, 'forbidden');
	});

	it('bad uploads', async () => {
		const c = cmdA.client;
		expectError(assert, await upload(c, undefined, undefined, { deadline_hours: 24 }), 400, 'import.file.missing', 'file');
		expectError(assert, await upload(c, Buffer.alloc(0), 'empty.csv'), 400, 'import.file.missing', 'file');
		// a legacy .xls (an OLE2 compound file), by name or by content
		const ole2 = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
		expectError(assert, await upload(c, ole2, 'list.xls'), 400, 'import.file.invalid', 'file');
		expectError(assert, await upload(c, ole2, 'list.xlsx'), 400, 'import.file.invalid', 'file');
		expectError(assert, await upload(c, FILE_B, 'list.xls'), 400, 'import.file.invalid', 'file');
		// garbage that claims to be a workbook
		expectError(assert, await upload(c, Buffer.from('this is no spreadsheet'), 'list.xlsx'), 400, 'import.file.invalid', 'file');
		for (const h of ['0', '721', 'abc', '24h', '-5'])
			expectError(assert, await upload(c, FILE_B, 'x.csv', { deadline_hours: h }), 400, 'import.deadline.invalid', 'deadline_hours');
		expectError(assert, await upload(c, FILE_B, 'x.csv', { mapping: '{"1":"shoe_size"}' }), 400, 'import.mapping.invalid', 'mapping');
		expectError(assert, await upload(c, FILE_B, 'x.csv', { mapping: '[1,2]' }), 400, 'import.mapping.invalid', 'mapping');
		// roles without import
		expectError(assert, await upload(gwA.client, FILE_B, 'x.csv'), 403, 'forbidden');
		// random bytes named .csv: refused up front, or the job fails; never a file
		const junk = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
		const r = await upload(c, junk, 'junk.csv');
		if (r.status === 202) {
			const j = await finished(c, r.body.id);
			assert.equal(j.status, 'failed', JSON.stringify(j));
			assert.equal(j.imported, 0);
		} else expectError(assert, r, 400, 'import.file.invalid', 'file');
		assert.equal((await tasks(c)).total, 8);
	});

	it('an upload with a uuid: a retry answers the same job, another file under it is 409', async () => {
		const c = cmdA.client;
		const key = uuid();
		// one nameless row: rejected, so that nothing else in this file changes
		const bytes = Buffer.from(`${HEADER.join(',')}\n,${makeId('19700101', 130)},,,,社渚村1组\n`, 'utf8');
		const first = await upload(c, bytes, 'retry.csv', { uuid: key, deadline_hours: 24 });
		assert.equal(first.status, 202, first.text);
		const again = await upload(c, bytes, 'retry.csv', { uuid: key.toUpperCase(), deadline_hours: 24 });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.id, first.body.id);
		assert.equal(again.body.duplicate, undefined);
		const job = await finished(c, first.body.id);
		assert.deepEqual([job.rows, job.imported, job.rejected], [1, 0, 1]);
		const late = await upload(c, bytes, 'retry.csv', { uuid: key, deadline_hours: 24 });
		assert.equal(late.status, 200, late.text);
		assert.equal(late.body.id, first.body.id);
		assert.equal(late.body.status, 'done');
		// another file, or the same file asked for differently, under the same uuid
		expectError(assert, await upload(c, FILE_B, 'other.csv', { uuid: key }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await upload(c, bytes, 'retry.csv', { uuid: key, deadline_hours: 48 }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await upload(c, bytes, 'retry.csv', { uuid: 'not-a-uuid' }), 400, 'uuid.invalid', 'uuid');
		const list = await c.get('/api/v1/imports');
		assert.equal(list.body.items.filter((j) => j.filename === 'retry.csv').length, 1);
		assert.equal((await tasks(c)).total, 8);
	});

	it('imports of another township are out of scope', async () => {
		const missing = await cmdB.client.get(`/api/v1/imports/${uuid()}`);
		expectError(assert, missing, 404, 'import.not_found');
		sameAsMissing(await cmdB.client.get(`/api/v1/imports/${jobA.id}`), missing);
		sameAsMissing(await cmdB.client.get(`/api/v1/imports/${jobA.id}/issues?format=csv`), await cmdB.client.get(`/api/v1/imports/${uuid()}/issues?format=csv`));
		sameAsMissing(await cmdA.client.get(`/api/v1/imports/${jobB.id}`), await cmdA.client.get(`/api/v1/imports/${uuid()}`));
		expectError(assert, await gwA.client.get(`/api/v1/imports/${jobA.id}`), 403, 'forbidden');
		assert.equal((await admin.get(`/api/v1/imports/${jobA.id}`)).status, 200);
	});
});

describe('persons: search, masking, reveal, audit', () => {
	it('search by ID number, phone and name prefix', async () => {
		const c = gwA.client;
		let v = await searchOne(c, P.zhang.id);
		assert.equal(v.length, 1);
		assert.equal(v[0].name, '张三');
		v = await searchOne(c, P.zhang.id.toLowerCase()); // typed with a small x
		assert.equal(v.length, 1);
		assert.equal(v[0].id, person.zhang);
		v = await searchOne(c, '+86 138 1234 5678');
		assert.deepEqual(v.map((x) => x.id), [person.zhang]);
		v = await searchOne(c, '张');
		assert.deepEqual(v.map((x) => x.name).sort(), ['张三', '张三丰']);
		v = await searchOne(c, '张三丰');
		assert.deepEqual(v.map((x) => x.name), ['张三丰']);
		v = await searchOne(c, '赵');
		assert.deepEqual(v, []);
		// the flagged number is found as written
		v = await searchOne(cmdA.client, P.wang.id);
		assert.deepEqual(v.map((x) => x.name), ['王五']);
		expectError(assert, await c.get('/api/v1/persons?q='), 400, 'query.invalid', 'q');
		expectError(assert, await c.get('/api/v1/persons'), 400, 'query.invalid', 'q');
	});

	it('search stays in scope', async () => {
		assert.deepEqual(await searchOne(gwB.client, P.zhang.id), []);
		assert.deepEqual(await searchOne(gwB.client, P.zhang.phone), []);
		assert.deepEqual(await searchOne(gwB.client, '张'), []);
		assert.deepEqual(await searchOne(gwA.client, P.chen.id), []);
		assert.deepEqual(await searchOne(cmdA.client, '陈'), []);
		// 王五 waits in the township queue: not the village's
		assert.deepEqual(await searchOne(gwA.client, P.wang.id), []);
		assert.equal((await searchOne(admin, P.chen.id)).length, 1);
	});

	it('ID numbers and phones leave the server masked', async () => {
		const c = gwA.client;
		const s = await c.get(`/api/v1/persons?q=${encodeURIComponent('张')}`);
		const zhang = s.body.items.find((x) => x.name === '张三');
		assert.equal(zhang.id_number, mask(P.zhang.id));
		assert.match(zhang.id_number, /^320481\*{12}$/);
		assert.equal(zhang.phone, '138****5678');
		const file = await c.get(`/api/v1/persons/${person.zhang}`);
		assert.equal(file.status, 200, file.text);
		assert.equal(file.body.id_number, mask(P.zhang.id));
		assert.equal(file.body.phone, '138****5678');
		assert.equal(file.body.area, VILLAGE_A);
		assert.ok(file.body.categories.includes('key_area'), JSON.stringify(file.body.categories));
		assert.equal(file.body.travel[0].arrival, 20200126);
		assert.equal(file.body.travel[0].origin_code, '4201');
		for (const body of [s.text, file.text, (await c.get('/api/v1/tasks')).text]) {
			assert.ok(!body.includes(P.zhang.id), 'full ID number in a reply');
			assert.ok(!body.includes(P.zhang.id.slice(4, 14)), 'the middle of the ID in a reply');
			assert.ok(!body.includes(P.zhang.phone), 'full phone in a reply');
		}
	});

	it('reading a file and revealing are audited', async () => {
		let r = await gwA.client.get(`/api/v1/persons/${person.zsf}`);
		assert.equal(r.status, 200, r.text);
		const reads = await auditRows(admin, 'person.read', person.zsf);
		assert.ok(reads.some((x) => x.user === gwA.username && x.result === 'ok' && x.area === VILLAGE_A), JSON.stringify(reads));

		r = await gwA.client.post(`/api/v1/persons/${person.zsf}/reveal`, {});
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.id_number, P.zsf.id);
		assert.equal(r.body.phone, P.zsf.phone);
		const reveals = await auditRows(admin, 'person.reveal', person.zsf);
		assert.equal(reveals.length, 1);
		assert.equal(reveals[0].user, gwA.username);

		// a social worker reads masked files but may not reveal
		assert.equal((await swA.client.get(`/api/v1/persons/${person.zsf}`)).status, 200);
		expectError(assert, await swA.client.post(`/api/v1/persons/${person.zsf}/reveal`, {}), 403, 'forbidden');
		assert.equal((await auditRows(admin, 'person.reveal', person.zsf)).length, 1);
	});

	it('files of another village answer like files that do not exist', async () => {
		const c = gwB.client;
		const fake = uuid();
		sameAsMissing(await c.get(`/api/v1/persons/${person.zhang}`), await c.get(`/api/v1/persons/${fake}`));
		sameAsMissing(await c.post(`/api/v1/persons/${person.zhang}/reveal`, {}), await c.post(`/api/v1/persons/${fake}/reveal`, {}));
		sameAsMissing(await gwA.client.get(`/api/v1/persons/${person.chen}`), await gwA.client.get(`/api/v1/persons/${fake}`));
		sameAsMissing(await gwA.client.get(`/api/v1/persons/${person.wang}`), await gwA.client.get(`/api/v1/persons/${fake}`));
		const r = await admin.get(`/api/v1/audit?action=person.reveal&limit=200`);
		assert.ok(!r.body.items.some((x) => x.object_id === person.zhang), 'a denied reveal is no reveal');
	});
});

describe('tasks', () => {
	it('lists and single tasks stay in scope', async () => {
		const a = await tasks(gwA.client);
		assert.deepEqual(a.items.map((t) => t.person_name).sort(), ['周八', '冯十一', '吴九', '张三', '张三丰', '郑十'].sort());
		assert.ok(a.items.every((t) => t.area.startsWith(VILLAGE_A)));
		const b = await tasks(gwB.client);
		assert.deepEqual(b.items.map((t) => t.id), [task.chen]);

		const fake = uuid();
		const missingGet = await gwB.client.get(`/api/v1/tasks/${fake}`);
		expectError(assert, missingGet, 404, 'task.not_found');
		sameAsMissing(await gwB.client.get(`/api/v1/tasks/${task.zhang}`), missingGet);
		sameAsMissing(await gwA.client.get(`/api/v1/tasks/${task.wang}`), await gwA.client.get(`/api/v1/tasks/${fake}`));
		const body = { uuid: uuid(), outcome: 'not_found' };
		sameAsMissing(
			await gwB.client.post(`/api/v1/tasks/${task.zhang}/close`, body),
			await gwB.client.post(`/api/v1/tasks/${fake}/close`, { ...body, uuid: uuid() }),
		);
		const still = await gwA.client.get(`/api/v1/tasks/${task.zhang}`);
		assert.equal(still.body.status, 'open', 'a close from another village must change nothing');
		expectError(assert, await gwB.client.get(`/api/v1/tasks?area=${VILLAGE_A}`), 404, 'area.not_found');
		expectError(assert, await cmdB.client.get(`/api/v1/tasks/stats?area=${TOWN_A}`), 404, 'area.not_found');
		expectError(assert, await gwA.client.get('/api/v1/tasks/stats'), 403, 'forbidden');
		expectError(assert, await swA.client.post(`/api/v1/tasks/${task.zhang}/close`, body), 403, 'forbidden');
	});

	it('closing is idempotent by uuid; a closed task stays closed', async () => {
		const c = gwA.client;
		const u = uuid();
		const body = { uuid: u, outcome: 'observation', note: '已落实居家观察' };
		const first = await c.post(`/api/v1/tasks/${task.zheng}/close`, body);
		assert.equal(first.status, 200, first.text);
		assert.equal(first.body.status, 'closed');
		assert.equal(first.body.outcome, 'observation');
		assert.equal(first.body.note, '已落实居家观察');
		const again = await c.post(`/api/v1/tasks/${task.zheng}/close`, body);
		assert.equal(again.status, 200, again.text);
		assert.deepEqual(again.body, first.body);
		expectError(assert, await c.post(`/api/v1/tasks/${task.zheng}/close`, { ...body, outcome: 'not_found' }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await c.post(`/api/v1/tasks/${task.zheng}/close`, { uuid: uuid(), outcome: 'not_found' }), 409, 'task.closed');
		// the same uuid and body on another task is another request
		expectError(assert, await c.post(`/api/v1/tasks/${task.zsf}/close`, body), 409, 'idempotency.conflict', 'uuid');
		assert.equal((await c.get(`/api/v1/tasks/${task.zsf}`)).body.status, 'open');
		const now = await c.get(`/api/v1/tasks/${task.zheng}`);
		assert.equal(now.body.outcome, 'observation');
		const file = await c.get(`/api/v1/persons/${person.zheng}`);
		assert.equal(file.body.status, 'to_place', 'verified; under observation only once placed');
		assert.ok(file.body.timeline.some((e) => e.kind === 'verified'));

		const f1 = await c.post(`/api/v1/tasks/${task.feng}/close`, { uuid: uuid(), outcome: 'not_found' });
		assert.equal(f1.status, 200, f1.text);
		expectError(assert, await c.post(`/api/v1/tasks/${task.feng}/close`, { uuid: uuid(), outcome: 'not_found' }), 409, 'task.closed');

		// bad closes change nothing
		expectError(assert, await c.post(`/api/v1/tasks/${task.zsf}/close`, { uuid: uuid(), outcome: 'teleported' }), 400, 'outcome.invalid', 'outcome');
		expectError(assert, await c.post(`/api/v1/tasks/${task.zsf}/close`, { uuid: uuid() }), 400, 'field.required', 'outcome');
		expectError(assert, await c.post(`/api/v1/tasks/${task.zsf}/close`, { uuid: 'nope', outcome: 'other' }), 400, 'uuid.invalid', 'uuid');
		expectError(assert, await c.post(`/api/v1/tasks/${task.zsf}/close`, { uuid: uuid(), outcome: 'observation', forward_to: HEKOU }), 400, 'task.forward.outcome', 'forward_to');
		expectError(assert, await c.post(`/api/v1/tasks/${task.zsf}/close`, { uuid: uuid(), outcome: 'moved', forward_to: '320481116299' }), 404, 'area.not_found', 'forward_to');
		assert.equal((await c.get(`/api/v1/tasks/${task.zsf}`)).body.status, 'open');
	});

	it('forwarding outside the caller\'s area lands at the lowest common area', async () => {
		const body = { uuid: uuid(), outcome: 'moved', forward_to: VILLAGE_B, note: '已去竹箦' };
		const r = await gwA.client.post(`/api/v1/tasks/${task.zhou}/close`, body);
		assert.equal(r.status, 200, r.text);
		const replay = await gwA.client.post(`/api/v1/tasks/${task.zhou}/close`, body);
		assert.equal(replay.status, 200, replay.text);
		assert.deepEqual(replay.body, r.body);
		assert.equal(r.body.status, 'closed');
		assert.equal(r.body.outcome, 'moved');
		assert.equal(r.body.forward_target, VILLAGE_B);
		const file = await admin.get(`/api/v1/persons/${person.zhou}`);
		assert.equal(file.status, 200, file.text);
		assert.equal(file.body.status, 'moved');
		assert.equal(file.body.tasks.length, 2, 'one forwarded task, even after a replay');
		const fwd = file.body.tasks.find((t) => t.id !== task.zhou);
		assert.equal(fwd.forwarded_from, task.zhou);
		assert.equal(fwd.status, 'open');
		assert.equal(fwd.area, COUNTY, '社渚村 and 竹箦镇 meet at the county');
		assert.equal(fwd.forward_target, VILLAGE_B);
		assert.ok(file.body.timeline.some((e) => e.kind === 'forwarded'));
		task.zhouFwd = fwd.id;
		// the worker cannot follow it; the county can
		expectError(assert, await gwA.client.get(`/api/v1/tasks/${fwd.id}`), 404, 'task.not_found');
		expectError(assert, await gwB.client.get(`/api/v1/tasks/${fwd.id}`), 404, 'task.not_found');
		assert.equal((await admin.get(`/api/v1/tasks/${fwd.id}`)).status, 200);
	});

	it('forwarding inside the caller\'s area lands at the target', async () => {
		const r = await cmdA.client.post(`/api/v1/tasks/${task.wu}/close`, { uuid: uuid(), outcome: 'moved', forward_to: HEKOU });
		assert.equal(r.status, 200, r.text);
		const file = await cmdA.client.get(`/api/v1/persons/${person.wu}`);
		const fwd = file.body.tasks.find((t) => t.id !== task.wu);
		assert.ok(fwd, JSON.stringify(file.body.tasks));
		assert.equal(fwd.area, HEKOU);
		assert.equal(fwd.forwarded_from, task.wu);
		assert.equal(fwd.status, 'open');
		assert.equal((await cmdA.client.get(`/api/v1/tasks/${task.wu}`)).body.status, 'closed');
		// the person now belongs to the task's area for the village that got it
		const old = await cmdA.client.get(`/api/v1/tasks/${task.wu}`);
		assert.equal(old.body.forward_target, HEKOU);
		task.wuFwd = fwd.id;
	});

	it('stats per area change with closures', async () => {
		const before1 = await cmdA.client.get('/api/v1/tasks/stats');
		assert.equal(before1.status, 200, before1.text);
		assert.equal(before1.body.area, TOWN_A);
		const vA = statsRow(before1.body, VILLAGE_A);
		const self = statsRow(before1.body, TOWN_A);
		const hk = statsRow(before1.body, HEKOU);
		assert.ok(vA && self && hk, before1.text);
		assert.equal(self.self, true);
		// 社渚村: 张三, 张三丰, 周八 (moved), 吴九 (moved), 郑十 (observation), 冯十一 (not found)
		assert.deepEqual([vA.pushed, vA.open, vA.closed, vA.overdue], [6, 2, 4, 0]);
		assert.deepEqual([vA.by_outcome.moved, vA.by_outcome.observation, vA.by_outcome.not_found], [2, 1, 1]);
		assert.deepEqual([hk.pushed, hk.open, hk.closed], [2, 2, 0]); // 李四 + 吴九 forwarded
		assert.deepEqual([self.pushed, self.open], [1, 1]); // 王五 in the queue
		assert.ok(!before1.body.items.some((x) => x.area.startsWith(TOWN_B)));
		assert.ok(before1.body.outcomes.some((o) => o.code === 'moved' && o.needs_target === true));

		const r = await gwA.client.post(`/api/v1/tasks/${task.zhang}/close`, { uuid: uuid(), outcome: 'observation' });
		assert.equal(r.status, 200, r.text);
		const after1 = await cmdA.client.get('/api/v1/tasks/stats');
		const vA2 = statsRow(after1.body, VILLAGE_A);
		assert.deepEqual([vA2.pushed, vA2.open, vA2.closed], [6, 1, 5]);
		assert.equal(vA2.by_outcome.observation, 2);
		assert.deepEqual(statsRow(after1.body, HEKOU), hk);

		const county = await admin.get('/api/v1/tasks/stats');
		assert.equal(county.status, 200, county.text);
		const townA = statsRow(county.body, TOWN_A);
		const townB = statsRow(county.body, TOWN_B);
		const top = statsRow(county.body, COUNTY);
		assert.deepEqual([townA.pushed, townA.open, townA.closed], [9, 4, 5]);
		assert.deepEqual([townB.pushed, townB.open], [1, 1]);
		assert.deepEqual([top.pushed, top.open, top.self], [1, 1, true]); // 周八, forwarded up
		const narrow = await admin.get(`/api/v1/tasks/stats?area=${VILLAGE_A}`);
		assert.equal(narrow.status, 200, narrow.text);
		assert.equal(narrow.body.items.reduce((s, x) => s + x.pushed, 0), 6);
	});
});

describe('deadlines under a shifted clock', () => {
	it('tasks past their 24 hours are overdue; closed ones are not', async () => {
		assert.equal((await tasks(admin, '&status=overdue')).total, 0);
		const openBefore = (await tasks(admin, '&status=open')).total;
		assert.equal(openBefore, 6); // 李四, 王五, 张三丰, 陈一, and the two forwarded tasks
		await srv.stop({ keepDir: true });
		srvDir = srv.dir;
		srv = await startServer({ db: srv.db, args: ['--clock-offset', '90000'] }); // 25 hours on
		admin = await adminClient(srv);
		const over = await tasks(admin, '&status=overdue');
		assert.equal(over.total, openBefore);
		assert.ok(over.items.every((t) => t.overdue === true && t.status === 'open'));
		const open = await tasks(admin, '&status=open');
		assert.ok(open.items.every((t) => t.overdue === true));
		const closed = await tasks(admin, '&status=closed');
		assert.equal(closed.total, 5);
		assert.ok(closed.items.every((t) => t.overdue === false));
		const stats = await admin.get('/api/v1/tasks/stats');
		assert.equal(stats.status, 200, stats.text);
		const townA = statsRow(stats.body, TOWN_A);
		assert.equal(townA.overdue, townA.open);
		assert.equal(stats.body.items.reduce((sum, x) => sum + x.overdue, 0), openBefore);
		// a grid worker sees their own overdue work, and only that
		const c = new Client(srv.url);
		await c.mustLogin(gwA.username, gwA.password);
		const mine = await tasks(c, '&status=overdue');
		assert.deepEqual(mine.items.map((t) => t.person_name), ['张三丰']);
	});
});

describe('an import killed mid-way resumes after the restart', () => {
	const N = 20000;
	function bigList() {
		const rows = ['姓名,身份证号,手机号码,现住址'];
		for (let i = 1; i <= N; i++) {
			// beyond 1,000 the birth year keeps the numbers apart
			const birth = `${1930 + Math.floor(i / 1000)}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
			rows.push(`人员${i},${makeId(birth, i)},139${String(i).padStart(8, '0')},社渚镇社渚村${1 + (i % 9)}组`);
		}
		return { bytes: Buffer.from(rows.join('\n') + '\n'), first: rows[1].split(',')[1], last: rows[N].split(',')[1] };
	}

	it('kill -9 during the import, restart: exact counts', async () => {
		const s1 = await startServer();
		let s2;
		try {
			const a1 = await adminClient(s1);
			const { bytes, first, last } = bigList();
			const up = await upload(a1, bytes, 'big.csv');
			assert.equal(up.status, 202, up.text);
			const id = up.body.id;
			const seen = await waitFor(
				async () => {
					const r = await a1.get(`/api/v1/imports/${id}`);
					return r.body.rows > 0 ? r.body : null;
				},
				{ timeoutMs: 60000 * SLOW, intervalMs: 5, what: 'the first batch' },
			);
			await s1.kill();
			assert.equal(seen.status, 'running', `finished before the kill: ${JSON.stringify(seen)}`);
			assert.ok(seen.rows < N);

			s2 = await startServer({ db: s1.db });
			const a2 = await adminClient(s2);
			const job = await finished(a2, id, 120000 * SLOW);
			assert.match(s2.stderr(), new RegExp(`resuming import ${id} after line \\d+`), 'the job was picked up again, not finished before the kill');
			assert.equal(job.status, 'done', JSON.stringify(job));
			assert.deepEqual([job.rows, job.imported, job.merged, job.flagged, job.rejected], [N, N, 0, 0, 0]);
			assert.equal((await tasks(a2)).total, N);
			assert.equal((await searchOne(a2, first)).length, 1);
			assert.equal((await searchOne(a2, last)).length, 1);
		} finally {
			await s2?.stop();
			await s1.kill();
			if (!process.env.FK_KEEP) await rm(s1.dir, { recursive: true, force: true });
		}
	});
});
