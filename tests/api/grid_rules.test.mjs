// A village's grid rules (issue 10, item 1): which grid covers which villagers' groups,
// roads, compounds and house numbers, so that addresses resolve down to the grid worker.
// Rules are read and replaced whole (audited, idempotent, scoped to the village and above,
// commanders and cadres only), "test an address" answers as an import files a row, and an
// import of rows whose addresses fit the rules opens their tasks at the grids.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/grid_rules.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_B, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const OTHER_VILLAGE = '320481111200'; // a village of 竹箦镇, outside 社渚镇

let srv, admin, g1, g2, g3, cmdTown, cadreB, gridWorker;
const path = (v = VILLAGE_A) => `/api/v1/areas/${v}/grid-rules`;
const put = (client, body, v) => client.req('PUT', path(v), { body });

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	g1 = await admin.createArea(VILLAGE_A, '规则一网格');
	g2 = await admin.createArea(VILLAGE_A, '规则二网格');
	g3 = await admin.createArea(VILLAGE_A, '规则三网格');
	cmdTown = await newUser(srv, admin, { role: 'commander', area: VILLAGE_A.slice(0, 9) });
	cadreB = await newUser(srv, admin, { role: 'cadre', area: TOWN_B });
	gridWorker = await newUser(srv, admin, { role: 'grid_worker', area: g1.code });
});

after(async () => {
	await srv?.stop();
});

describe('grid rules', () => {
	it('are replaced whole, answered as stored and audited with before and after', async () => {
		const empty = await admin.get(path());
		assert.equal(empty.status, 200, empty.text);
		assert.deepEqual(empty.body.items, []);
		const rules = [
			{ grid: g1.code, kind: 'group', name: '第五村民小组' },
			{ grid: g1.code, kind: 'group', name: '十五组' },
			{ grid: g2.code, kind: 'road', name: '金陵路' },
			{ grid: g3.code, kind: 'road', name: '金陵路', from: 1, to: 50, parity: 'odd' },
			{ grid: g3.code, kind: 'compound', name: '阳光花园' },
		];
		const r = await put(cmdTown.client, { uuid: uuid(), rules });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(
			r.body.items.map((x) => [x.grid, x.kind, x.name, x.from, x.to, x.parity]),
			[
				[g1.code, 'group', '5组', 5, 5, 'all'],
				[g1.code, 'group', '15组', 15, 15, 'all'],
				[g2.code, 'road', '金陵路', 0, 0, 'all'],
				[g3.code, 'road', '金陵路', 1, 50, 'odd'],
				[g3.code, 'compound', '阳光花园', 0, 0, 'all'],
			],
		);
		// a grid worker's scope is the grid: the village above it answers as missing
		expectError(assert, await gridWorker.client.get(path()), 404, 'area.not_found');
		const town = await cmdTown.client.get(`/api/v1/areas/${VILLAGE_A.slice(0, 9)}/grid-rules`);
		assert.equal(town.status, 200, town.text);
		assert.equal(town.body.items.length, 5);
		const audit = await waitFor(async () => {
			const a = await admin.get('/api/v1/audit?limit=50');
			return a.body.items.find((x) => x.action === 'grid_rules.put');
		}, { what: 'the grid_rules.put audit row' });
		assert.equal(audit.object_id, VILLAGE_A);
		// replaced whole: a second list removes the first
		const two = await put(cmdTown.client, { rules: rules.slice(0, 2) });
		assert.equal(two.status, 200, two.text);
		assert.equal(two.body.items.length, 2);
		const back = await put(cmdTown.client, { rules });
		assert.equal(back.body.items.length, 5);
	});

	it('refuse bad rules, foreign grids, non-villages, other roles and other areas', async () => {
		const bad = [
			[{ grid: g1.code, kind: 'group', name: '金陵路' }, 'rules[0]'],
			[{ grid: g1.code, kind: 'road', name: '' }, 'rules[0]'],
			[{ grid: g1.code, kind: 'road', name: '金陵路', from: 9, to: 3 }, 'rules[0]'],
			[{ grid: g1.code, kind: 'street', name: '金陵路' }, 'rules[0]'],
			[{ grid: g1.code, kind: 'road', name: '金陵路', parity: 'prime' }, 'rules[0]'],
			[{ grid: g1.code, kind: 'road', name: '金陵路', shoe: 1 }, 'rules[0]'],
		];
		for (const [rule, field] of bad) expectError(assert, await put(admin, { rules: [rule] }), 400, 'grid_rule.invalid', field);
		expectError(assert, await put(admin, {}), 400, 'field.required', 'rules');
		// a grid of another village, and the village itself, are no grids of this village
		const foreign = await admin.createArea(OTHER_VILLAGE, '外村网格');
		expectError(assert, await put(admin, { rules: [{ grid: foreign.code, kind: 'group', name: '5组' }] }), 400, 'grid_rule.village', 'rules');
		expectError(assert, await put(admin, { rules: [{ grid: `${VILLAGE_A}999`, kind: 'group', name: '5组' }] }), 400, 'grid_rule.village', 'rules');
		// rules belong to a village, not a township
		expectError(assert, await put(admin, { rules: [] }, VILLAGE_A.slice(0, 9)), 400, 'grid_rule.village', 'rules');
		// a grid worker may not write them; a cadre of another township does not see the village
		expectError(assert, await put(gridWorker.client, { rules: [] }), 403, 'forbidden');
		expectError(assert, await put(cadreB.client, { rules: [] }), 404, 'area.not_found');
		expectError(assert, await cadreB.client.get(path()), 404, 'area.not_found');
		// nothing changed
		assert.equal((await admin.get(path())).body.items.length, 5);
	});

	it('"test an address" answers where an import would file it', async () => {
		const where = async (address, client = cmdTown.client) => {
			const r = await client.get(`/api/v1/areas/${VILLAGE_A}/resolve?address=${encodeURIComponent(address)}`);
			assert.equal(r.status, 200, r.text);
			return r.body;
		};
		assert.deepEqual(await where('社渚镇社渚村五组'), { match: 'grid', code: g1.code, name: '规则一网格' });
		assert.equal((await where('社渚村 5组 12号')).code, g1.code);
		assert.equal((await where('社渚村金陵路19号')).code, g3.code);
		assert.equal((await where('社渚村金陵路20号')).code, g2.code);
		assert.equal((await where('社渚村阳光花园3栋')).code, g3.code);
		assert.deepEqual(await where('社渚村9组'), { match: 'village', code: VILLAGE_A, name: '社渚村村委会' });
		assert.equal((await where('竹箦镇竹箦村3组')).match, 'outside');
		assert.equal((await where('竹箦镇竹箦村3组', admin)).match, 'village');
		expectError(assert, await cmdTown.client.get(`/api/v1/areas/${VILLAGE_A}/resolve`), 400, 'field.required', 'address');
	});

	it('an import files rows whose addresses fit the rules at their grids', async () => {
		const rows = [
			['赵规一', makeId('19800101', 301), '13811110001', '社渚镇社渚村五组'],
			['钱规二', makeId('19800102', 302), '13811110002', '社渚村金陵路88号'],
			['孙规三', makeId('19800103', 303), '13811110003', '社渚村 阳光花园 2栋'],
			['李规四', makeId('19800104', 304), '13811110004', '社渚村九组'],
		];
		const csv = `姓名,身份证号码,联系电话,现住址\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
		const fd = new FormData();
		fd.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'grid-rules.csv');
		const up = await cmdTown.client.post('/api/v1/imports', fd);
		assert.equal(up.status, 202, up.text);
		await waitFor(async () => ['done', 'failed'].includes((await cmdTown.client.get(`/api/v1/imports/${up.body.id}`)).body.status), {
			timeoutMs: 30000 * SLOW,
			what: 'the import',
		});
		const t = await cmdTown.client.get('/api/v1/tasks?limit=500');
		assert.equal(t.status, 200, t.text);
		const at = Object.fromEntries(t.body.items.filter((x) => x.import_id === up.body.id).map((x) => [x.person_name ?? x.name, x.area]));
		assert.deepEqual(at, { 赵规一: g1.code, 钱规二: g2.code, 孙规三: g3.code, 李规四: VILLAGE_A }, JSON.stringify(t.body.items.slice(0, 4)));
		// the grid worker of 规则一网格 sees the task of 五组
		const mine = await gridWorker.client.get('/api/v1/tasks?limit=500');
		assert.equal(mine.status, 200, mine.text);
		assert.ok(mine.body.items.some((x) => x.import_id === up.body.id && x.area === g1.code), mine.text.slice(0, 400));
	});

	it('a person registered at the door of the village lands at the grid its rules name', async () => {
		const reg = async (address) => {
			const r = await cmdTown.client.post('/api/v1/persons', { uuid: uuid(), name: `门规${address.length}`, phone: '13811119999', area: VILLAGE_A, address });
			assert.ok(r.status === 201 || r.status === 200, r.text);
			return r.body.area;
		};
		assert.equal(await reg('社渚村第五村民小组8号'), g1.code);
		assert.equal(await reg('社渚村金陵路21号'), g3.code);
		assert.equal(await reg('社渚村十二组'), VILLAGE_A);
	});
});
