// Exports of the console's lists (issue 11, item 7): POST /exports?list=NAME&<the list's
// filters> {uuid, reveal?} makes a job, GET /exports/{id} its progress, GET
// /exports/{id}/file the workbook. The workbook is read back by LibreOffice (not our
// writer): the rows are the list's for the same query, every page of it; ID numbers and
// phones masked as the list masks them unless revealed (audited as a reveal); a text that
// looks like a formula stays text; nothing outside the caller's area; bounds.
//
// Run alone: FANGKONG_BIN=build-h/fangkong node --test tests/api/exports.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, TOWN_B, VILLAGE_A, adminClient, expectError, exportDoneOf, exportSheet, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const MAX_ROWS = 10; // --export-max-rows: the audit trail of this test holds more
const HEADER = '姓名,身份证号码,联系电话,现住址';
const ROWS = [
	['导出甲', makeId('19850101', 401), '13812340001', '社渚镇社渚村1组'],
	['导出乙', makeId('19850102', 402), '13812340002', '社渚镇社渚村2组'],
	['导出丙', makeId('19850103', 403), '13812340003', '社渚镇社渚村3组'],
	['=1+2', makeId('19850104', 404), '13812340004', '社渚镇社渚村4组'],
	['导出丁', makeId('19850105', 405), '13812340005', '竹箦镇'],
];
const csv = () => Buffer.from(`\uFEFF${HEADER}\r\n${ROWS.map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8');

let srv, admin, cmdA, gwB, social;

async function importDone(bytes) {
	const fd = new FormData();
	fd.append('file', new Blob([bytes]), 'export.csv');
	const r = await admin.post('/api/v1/imports', fd);
	assert.equal(r.status, 202, r.text);
	const job = await waitFor(async () => {
		const j = await admin.get(`/api/v1/imports/${r.body.id}`);
		return ['done', 'failed'].includes(j.body.status) ? j.body : null;
	}, { timeoutMs: 30000 * SLOW, what: 'import' });
	assert.equal(job.status, 'done', JSON.stringify(job));
}

const exportDone = (c, list, query, body) => exportDoneOf(assert, c, list, query, body);
const sheet = (c, id) => exportSheet(assert, srv, c, id);

async function auditOf(action) {
	const r = await admin.get(`/api/v1/audit?action=${action}&limit=200`);
	assert.equal(r.status, 200, r.text);
	return r.body.items;
}

before(async () => {
	srv = await startServer({ args: ['--export-max-rows', String(MAX_ROWS)] });
	admin = await adminClient(srv);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	const villageB = town.body.children.find((x) => x.level === 'village').code;
	[cmdA, gwB, social] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'grid_worker', area: villageB }),
		newUser(srv, admin, { role: 'social_worker', area: VILLAGE_A }),
	]);
	await importDone(csv());
});
after(async () => {
	await srv?.stop();
});

describe('exports', () => {
	it('the task list with a filter: the same rows as the list, every page, read back by LibreOffice', async () => {
		const list = await cmdA.client.get(`/api/v1/tasks?status=open&area=${TOWN_A}&limit=2`);
		assert.equal(list.status, 200, list.text);
		assert.equal(list.body.total, 4, 'the four of 社渚镇 (the fifth is 竹箦镇\'s)');
		const job = await exportDone(cmdA.client, 'tasks', `status=open&area=${TOWN_A}&limit=2&offset=2`);
		assert.equal(job.status, 'done', JSON.stringify(job));
		assert.equal(job.rows_done, 4);
		assert.equal(job.rows_total, 4);
		const rows = await sheet(cmdA.client, job.id);
		assert.equal(rows[0][0], '姓名');
		assert.equal(rows.length, 1 + list.body.total);
		const all = (await cmdA.client.get(`/api/v1/tasks?status=open&area=${TOWN_A}&limit=500`)).body.items;
		assert.deepEqual(rows.slice(1).map((r) => r[0]), all.map((t) => t.person_name), 'in the list\'s order');
		assert.ok(rows.some((r) => r[0] === '=1+2'), 'a formula-looking name stays text (not 3)');
		for (const r of rows.slice(1)) assert.equal(r[3], '待核查');
		const closed = await exportDone(cmdA.client, 'tasks', 'status=closed');
		assert.equal(closed.status, 'done');
		assert.equal(closed.rows_done, 0, 'no closed task yet');
	});

	it('persons: masked as the list masks them; revealed only for person.reveal, audited as a reveal', async () => {
		const list = await admin.get('/api/v1/persons?q=导出');
		assert.equal(list.status, 200, list.text);
		assert.equal(list.body.items.length, 4);
		const masked = await exportDone(admin, 'persons', `q=${encodeURIComponent('导出')}`);
		assert.equal(masked.status, 'done', JSON.stringify(masked));
		let rows = await sheet(admin, masked.id);
		assert.equal(rows.length, 5);
		const byName = Object.fromEntries(list.body.items.map((p) => [p.name, p]));
		for (const r of rows.slice(1)) {
			assert.equal(r[2], byName[r[0]].id_number, 'the ID number masked exactly as the list');
			assert.equal(r[3], byName[r[0]].phone, 'the phone masked exactly as the list');
			assert.notEqual(r[2].length, 0);
			assert.ok(!/\d{18}|\d{17}X/.test(r[2]));
		}
		const shown = await exportDone(admin, 'persons', `q=${encodeURIComponent('导出')}`, { reveal: true });
		assert.equal(shown.status, 'done');
		rows = await sheet(admin, shown.id);
		const ids = rows.slice(1).map((r) => r[2]).sort();
		assert.deepEqual(ids, ROWS.filter((r) => r[0].startsWith('导出')).map((r) => r[1]).sort(), 'all 18 characters kept, as text');
		assert.ok(rows.slice(1).every((r) => /^138\d{8}$/.test(r[3])));
		const reveals = await auditOf('person.reveal_export');
		const rv = reveals.find((x) => x.object_id === shown.id);
		assert.ok(rv, 'the revealed export is audited as a reveal');
		assert.deepEqual(rv.after, { list: 'persons', rows: 4 });
		assert.ok(!reveals.some((x) => x.object_id === masked.id));
		const made = (await auditOf('export.create')).find((x) => x.object_id === masked.id);
		assert.ok(made, 'every export audited');
		assert.equal(made.after.list, 'persons');
		assert.equal(made.after.rows, 4);
		assert.equal(made.after.filter.q, '…', 'the name searched for is not written down');
		assert.ok(!JSON.stringify(reveals).includes(ROWS[0][1]), 'never a value');
	});

	it('alerts: the phone masked as the alert list masks it, unless revealed', async () => {
		const person = (await admin.get('/api/v1/persons?q=导出甲')).body.items[0];
		const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: person.id, place: '社渚村1组' });
		assert.equal(o.status, 201, o.text);
		const v = await admin.post(`/api/v1/observations/${o.body.observation.id}/visits`, {
			uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: 38.4,
		});
		assert.equal(v.status, 201, v.text);
		const list = (await admin.get('/api/v1/alerts')).body.items;
		assert.equal(list.length, 1);
		let rows = await sheet(admin, (await exportDone(admin, 'alerts')).id);
		assert.equal(rows.length, 2);
		assert.equal(rows[1][0], '导出甲');
		assert.equal(rows[1][1], list[0].person_phone, 'masked exactly as the list');
		assert.notEqual(rows[1][1], ROWS[0][2]);
		assert.equal(rows[1][6], '38.4', 'a temperature is a number');
		rows = await sheet(admin, (await exportDone(admin, 'alerts', '', { reveal: true })).id);
		assert.equal(rows[1][1], ROWS[0][2]);
		// a list with nothing to reveal writes no reveal row
		const plain = await exportDone(admin, 'tasks', '', { reveal: true });
		assert.ok(!(await auditOf('person.reveal_export')).some((x) => x.object_id === plain.id));
	});

	it('reveal needs person.reveal; a list needs the list\'s permission', async () => {
		const r = await social.client.post('/api/v1/exports?list=alerts', { uuid: uuid(), reveal: true });
		expectError(assert, r, 403, 'forbidden', 'reveal');
		const a = await social.client.post('/api/v1/exports?list=audit', { uuid: uuid() });
		expectError(assert, a, 403, 'forbidden');
		const bad = await admin.post('/api/v1/exports?list=nothing', { uuid: uuid() });
		expectError(assert, bad, 400, 'query.invalid', 'list');
		const badq = await admin.post('/api/v1/exports?list=tasks&status=sideways', { uuid: uuid() });
		expectError(assert, badq, 400, 'query.invalid', 'status', 'the list\'s own parse');
	});

	it('scope: a grid worker of another village exports nothing of this one', async () => {
		const job = await exportDone(gwB.client, 'tasks');
		assert.equal(job.status, 'done');
		const rows = await sheet(gwB.client, job.id);
		assert.ok(!rows.some((r) => r[0].startsWith('导出甲') || r[0] === '=1+2'), JSON.stringify(rows));
		const other = await gwB.client.post(`/api/v1/exports?list=tasks&area=${TOWN_A}`, { uuid: uuid() });
		expectError(assert, other, 404, 'area.not_found');
		// another account's job: as if there were none
		const peek = await gwB.client.get(`/api/v1/exports/${job.id}`);
		assert.equal(peek.status, 200);
		const foreign = await cmdA.client.get(`/api/v1/exports/${job.id}`);
		expectError(assert, foreign, 404, 'export.not_found');
		const file = await cmdA.client.get(`/api/v1/exports/${job.id}/file`);
		expectError(assert, file, 404, 'export.not_found');
	});

	it('a job is idempotent by its uuid; another query under it is 409', async () => {
		const id = uuid();
		const a = await admin.post(`/api/v1/exports?list=observations&status=all`, { uuid: id });
		assert.equal(a.status, 202, a.text);
		const b = await admin.post(`/api/v1/exports?list=observations&status=all`, { uuid: id });
		assert.equal(b.status, 200, b.text);
		assert.equal(b.body.id, a.body.id);
		const c = await admin.post(`/api/v1/exports?list=observations&status=active`, { uuid: id });
		expectError(assert, c, 409, 'idempotency.conflict', 'uuid');
		await waitFor(async () => (await admin.get(`/api/v1/exports/${a.body.id}`)).body.status === 'done', { what: 'observations' });
	});

	it('every list exports: observations, alerts, services, imports, audit', async () => {
		for (const [list, query] of [['observations', 'status=all'], ['alerts', ''], ['services', 'status=all'], ['imports', '']]) {
			const job = await exportDone(admin, list, query);
			assert.equal(job.status, 'done', `${list}: ${JSON.stringify(job)}`);
			const rows = await sheet(admin, job.id);
			assert.equal(rows.length, 1 + job.rows_done, list);
		}
		const imports = await sheet(admin, (await exportDone(admin, 'imports')).id);
		assert.equal(imports[1][0], 'export.csv');
		const audit = await exportDone(admin, 'audit', `action=export.create&user=${cmdA.username}`);
		assert.equal(audit.status, 'done', JSON.stringify(audit));
		assert.equal(audit.rows_done, 2, 'the commander\'s two exports');
		const rows = await sheet(admin, audit.id);
		assert.ok(rows.slice(1).every((r) => r[1] === cmdA.username && r[3] === 'export.create'));
	});

	it('bounds: more rows than an export may hold fail with export.too_large', async () => {
		const job = await exportDone(admin, 'audit');
		assert.equal(job.status, 'failed');
		assert.equal(job.error, 'export.too_large');
		const file = await admin.get(`/api/v1/exports/${job.id}/file`);
		expectError(assert, file, 404, 'export.not_found');
	});
});
