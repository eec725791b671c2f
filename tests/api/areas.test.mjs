// 9. The area tree: grids and groups, codes, names, phones, search, detail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { COUNTY, TOWN_A, TOWN_B, VILLAGE_A, adminClient, expectError, startServer, uuid } from './lib.mjs';

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

const create = (parent, name, extra = {}) => admin.post('/api/v1/areas', { uuid: uuid(), parent, name, ...extra });
const SUMMARY_KEYS = ['code', 'name', 'level', 'parent', 'parent_name', 'responsible_name', 'responsible_phone', 'duty_phone', 'child_count', 'official'];

describe('reading areas', () => {
	it('GET /areas/{code} gives the area, its ancestors and its children', async () => {
		const r = await admin.get(`/api/v1/areas/${TOWN_A}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.code, TOWN_A);
		assert.equal(r.body.name, '社渚镇');
		assert.equal(r.body.level, 'township');
		assert.equal(r.body.parent, COUNTY);
		assert.equal(r.body.parent_name, '溧阳市');
		assert.equal(r.body.official, true);
		for (const k of SUMMARY_KEYS) assert.ok(k in r.body, `AREA lacks ${k}`);
		assert.deepEqual(r.body.path.map((x) => [x.code, x.name]), [[COUNTY, '溧阳市']]);
		for (const k of SUMMARY_KEYS) assert.ok(k in r.body.path[0], `path AREA lacks ${k}`);
		assert.equal(r.body.child_count, r.body.children.length);
		assert.ok(r.body.children.length > 5);
		for (const c of r.body.children) {
			for (const k of SUMMARY_KEYS) assert.ok(k in c, `AREA_SUMMARY lacks ${k}`);
			assert.equal(c.level, 'village');
			assert.equal(c.parent, TOWN_A);
			assert.match(c.code, new RegExp(`^${TOWN_A}\\d{3}$`));
		}
		assert.ok(r.body.children.some((c) => c.code === VILLAGE_A && c.name === '社渚村村委会'));
		const county = await admin.get(`/api/v1/areas/${COUNTY}`);
		assert.equal(county.body.level, 'county');
		assert.equal(county.body.name, '溧阳市');
		assert.equal(county.body.children.length, 14);
		assert.deepEqual(county.body.path, []);
		assert.equal(county.body.parent, null);
		assert.equal(county.body.parent_name, '');
		const village = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.deepEqual(village.body.path.map((x) => x.code), [COUNTY, TOWN_A]);
		assert.equal(village.body.level, 'village');
	});

	it('malformed codes are 400 area.code.invalid, missing ones 404 area.not_found', async () => {
		for (const code of ['abc', '32048', '3204811', '320481000', '320481116000', '3204811162001', '3'.repeat(19), '320481116200 ', '-320481'])
			expectError(assert, await admin.get(`/api/v1/areas/${encodeURIComponent(code)}`), 400, 'area.code.invalid', 'code');
		for (const code of ['320482', '320481999', `${VILLAGE_A}999`, '110101'])
			expectError(assert, await admin.get(`/api/v1/areas/${code}`), 404, 'area.not_found');
	});

	it('GET /areas?root=1 is the caller\'s own area', async () => {
		assert.deepEqual((await admin.get('/api/v1/areas?root=1&q=%E7%A4%BE')).body.items.map((x) => x.code), [COUNTY], 'q is ignored with root=1');
		const r = await admin.get('/api/v1/areas?root=1');
		assert.equal(r.status, 200);
		assert.deepEqual(r.body.items.map((x) => x.code), [COUNTY]);
		assert.equal(r.body.items[0].child_count, 14);
	});
});

describe('creating grids and groups', () => {
	let g1;
	let g2;

	it('grid codes are the village code + 001, 002, …', async () => {
		const r1 = await create(VILLAGE_A, '第一网格', { responsible_name: '张三' });
		assert.equal(r1.status, 201, r1.text);
		g1 = r1.body;
		assert.equal(g1.code, `${VILLAGE_A}001`);
		assert.equal(g1.level, 'grid');
		assert.equal(g1.parent, VILLAGE_A);
		assert.equal(g1.name, '第一网格');
		assert.equal(g1.responsible_name, '张三');
		assert.equal(g1.child_count, 0);
		assert.equal(g1.official, false);
		assert.equal(g1.parent_name, '社渚村村委会');
		const r2 = await create(VILLAGE_A, '第二网格');
		assert.equal(r2.status, 201, r2.text);
		g2 = r2.body;
		assert.equal(g2.code, `${VILLAGE_A}002`);
		const v = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.deepEqual(v.body.children.map((x) => x.code), [g1.code, g2.code]);
		assert.equal(v.body.child_count, 2);
		const g = await admin.get(`/api/v1/areas/${g1.code}`);
		assert.equal(g.status, 200);
		assert.deepEqual(g.body.path.map((x) => x.code), [COUNTY, TOWN_A, VILLAGE_A]);
	});

	it('groups go under a grid: grid code + 001', async () => {
		const r = await create(g1.code, '第一小组');
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.code, `${g1.code}001`);
		assert.equal(r.body.level, 'group');
		assert.equal(r.body.parent, g1.code);
		assert.equal((await create(g1.code, '第二小组')).body.code, `${g1.code}002`);
		assert.equal((await create(g2.code, '第一小组')).body.code, `${g2.code}001`, 'a group name may repeat under another grid');
		expectError(assert, await create(r.body.code, '小组下的小组'), 400, 'area.parent.level', 'parent');
	});

	it('a grid under a township or the county is 400 area.parent.level', async () => {
		expectError(assert, await create(TOWN_A, '镇下网格'), 400, 'area.parent.level', 'parent');
		expectError(assert, await create(COUNTY, '县下网格'), 400, 'area.parent.level', 'parent');
		assert.ok(!(await admin.get(`/api/v1/areas/${TOWN_A}`)).body.children.some((x) => x.name === '镇下网格'));
	});

	it('bad parents: malformed 400 area.code.invalid, missing 404 area.not_found', async () => {
		expectError(assert, await create('abc', '坏父级'), 400, 'area.code.invalid', 'parent');
		expectError(assert, await create('', '坏父级'), 400, 'field.required', 'parent');
		expectError(assert, await create(`${VILLAGE_A}999`, '坏父级'), 404, 'area.not_found');
		expectError(assert, await create('320481116299', '坏父级'), 404, 'area.not_found');
	});

	it('a duplicate sibling name is 409 area.name.taken', async () => {
		expectError(assert, await create(VILLAGE_A, '第一网格'), 409, 'area.name.taken', 'name');
		expectError(assert, await create(VILLAGE_A, '  第一网格 '), 409, 'area.name.taken', 'name');
		// The same name under another village is fine.
		const other = (await admin.get(`/api/v1/areas/${TOWN_B}`)).body.children[0].code;
		assert.equal((await create(other, '第一网格')).status, 201);
	});

	it('names: required, trimmed, at most 40 characters', async () => {
		expectError(assert, await admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A }), 400, 'field.required', 'name');
		expectError(assert, await create(VILLAGE_A, ''), 400, 'field.required', 'name');
		expectError(assert, await create(VILLAGE_A, '   '), 400, 'field.required', 'name');
		expectError(assert, await create(VILLAGE_A, '网'.repeat(41)), 400, 'field.too_long', 'name');
		expectError(assert, await create(VILLAGE_A, 7), 400, 'field.type', 'name');
		const ok = await create(VILLAGE_A, ` ${'长'.repeat(40)} `);
		assert.equal(ok.status, 201, ok.text);
		assert.equal(ok.body.name, '长'.repeat(40));
		expectError(assert, await create(VILLAGE_A, '第三网格', { responsible_name: '名'.repeat(33) }), 400, 'field.too_long', 'responsible_name');
	});

	it('phones are normalised to 11 digits', async () => {
		const r = await create(VILLAGE_A, '电话网格', { responsible_phone: '+86 138-0013-8000', duty_phone: '0086 139 0000 1111' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.responsible_phone, '13800138000');
		assert.equal(r.body.duty_phone, '13900001111');
		const p = await admin.patch(`/api/v1/areas/${r.body.code}`, { duty_phone: '８６１３７００００２２２２' });
		assert.equal(p.status, 200, p.text);
		assert.equal(p.body.duty_phone, '13700002222');
		assert.equal(p.body.responsible_phone, '13800138000', 'an absent field must stay');
		const clear = await admin.patch(`/api/v1/areas/${r.body.code}`, { responsible_phone: '' });
		assert.equal(clear.body.responsible_phone, '');
		assert.equal(clear.body.duty_phone, '13700002222');
	});

	it('duty and responsible phones may be fixed lines, stored in one form (issue 10, item 4)', async () => {
		const forms = [
			['0519-87654321', '0519-87654321'],
			['0519 8765 4321', '0519-87654321'],
			['(0519)87654321', '0519-87654321'],
			['051987654321', '0519-87654321'],
			['0519-87654321-802', '0519-87654321-802'],
			['0519-87654321转802', '0519-87654321-802'],
		];
		for (const [i, [typed, stored]] of forms.entries()) {
			const r = await create(VILLAGE_A, `座机网格${i}`, { responsible_phone: typed, duty_phone: typed });
			assert.equal(r.status, 201, `${typed}: ${r.text}`);
			assert.equal(r.body.responsible_phone, stored, typed);
			assert.equal(r.body.duty_phone, stored, typed);
		}
		const t = await admin.patch(`/api/v1/areas/${TOWN_A}`, { uuid: uuid(), duty_phone: '0519-87654321' });
		assert.equal(t.status, 200, t.text);
		assert.equal(t.body.duty_phone, '0519-87654321');
		assert.equal((await admin.get(`/api/v1/areas/${TOWN_A}`)).body.duty_phone, '0519-87654321');
		const m = await admin.patch(`/api/v1/areas/${TOWN_A}`, { duty_phone: '138 0013 8009' });
		assert.equal(m.body.duty_phone, '13800138009', 'a mobile is stored as today');
	});

	it('bad phones are 400 phone.office_invalid with the field', async () => {
		for (const bad of ['12345', '1380013800', '138001380001', '12800138000', '+1 415 555 0100', '138-0013-800a', '138 0013 8000 (home)', '010-12345678', '+86+13800138000', '１３８', '0519-8765', '0519-8765432a', '13800138000-802', '13800138000转802', '0519-87654321转'])
			expectError(assert, await create(VILLAGE_A, '坏电话网格', { responsible_phone: bad }), 400, 'phone.office_invalid', 'responsible_phone');
		expectError(assert, await create(VILLAGE_A, '坏电话网格', { duty_phone: '999' }), 400, 'phone.office_invalid', 'duty_phone');
		expectError(assert, await create(VILLAGE_A, '坏电话网格', { duty_phone: 13800138000 }), 400, 'field.type', 'duty_phone');
		expectError(assert, await admin.patch(`/api/v1/areas/${VILLAGE_A}`, { duty_phone: '110' }), 400, 'phone.office_invalid', 'duty_phone');
		assert.ok(!(await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body.children.some((x) => x.name === '坏电话网格'));
	});
});

describe('editing areas', () => {
	it('official names cannot change: 400 area.name.official', async () => {
		for (const code of [VILLAGE_A, TOWN_A, COUNTY])
			expectError(assert, await admin.patch(`/api/v1/areas/${code}`, { name: '新名字' }), 400, 'area.name.official', 'name');
		assert.equal((await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body.name, '社渚村村委会');
	});

	it('the responsible person of an official area can be set', async () => {
		const r = await admin.patch(`/api/v1/areas/${VILLAGE_A}`, { responsible_name: '王书记', responsible_phone: '138 0013 8001', duty_phone: '13800138002' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.name, '社渚村村委会');
		assert.equal(r.body.responsible_name, '王书记');
		assert.equal(r.body.responsible_phone, '13800138001');
		const g = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.equal(g.body.responsible_name, '王书记');
		assert.equal(g.body.duty_phone, '13800138002');
	});

	it('grids can be renamed, but not to a sibling\'s name', async () => {
		const a = (await create(VILLAGE_A, '改名前')).body;
		const b = (await create(VILLAGE_A, '邻居网格')).body;
		const r = await admin.patch(`/api/v1/areas/${a.code}`, { name: '改名后' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.name, '改名后');
		assert.equal(r.body.code, a.code);
		// The parent's (cached) body shows the new name at once.
		const v = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.ok(v.body.children.some((x) => x.code === a.code && x.name === '改名后'));
		assert.ok(!v.body.children.some((x) => x.name === '改名前'));
		assert.equal((await admin.get(`/api/v1/areas/${a.code}`)).body.name, '改名后');
		expectError(assert, await admin.patch(`/api/v1/areas/${a.code}`, { name: '邻居网格' }), 409, 'area.name.taken', 'name');
		expectError(assert, await admin.patch(`/api/v1/areas/${b.code}`, { name: '' }), 400, 'field.required', 'name');
		// Renaming to its own name is not a conflict.
		assert.equal((await admin.patch(`/api/v1/areas/${b.code}`, { name: '邻居网格' })).status, 200);
	});

	it('an empty PATCH changes nothing', async () => {
		const before = (await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body;
		const r = await admin.patch(`/api/v1/areas/${VILLAGE_A}`, {});
		assert.ok(r.status === 200 || r.status === 400, r.text);
		const after = (await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body;
		assert.equal(after.responsible_name, before.responsible_name);
		assert.equal(after.name, before.name);
	});
});

describe('searching areas', () => {
	it('by name (substring) and by code (prefix)', async () => {
		const byName = await admin.get(`/api/v1/areas?q=${encodeURIComponent('社渚')}`);
		assert.equal(byName.status, 200, byName.text);
		assert.ok(byName.body.items.length >= 2);
		for (const x of byName.body.items) assert.match(x.name, /社渚/);
		assert.equal(byName.body.items[0].code, TOWN_A, 'shorter codes first');
		const v = byName.body.items.find((x) => x.code === VILLAGE_A);
		assert.ok(v, 'the village is found');
		assert.equal(v.parent_name, '社渚镇');
		for (const k of SUMMARY_KEYS) assert.ok(k in v, `search item lacks ${k}`);

		const byCode = await admin.get(`/api/v1/areas?q=${TOWN_A}&limit=200`);
		assert.equal(byCode.status, 200);
		assert.ok(byCode.body.items.length > 10);
		for (const x of byCode.body.items) assert.ok(x.code.startsWith(TOWN_A), x.code);
		const infix = await admin.get(`/api/v1/areas?q=${TOWN_A.slice(2)}`);
		assert.ok(!infix.body.items.some((x) => x.code.startsWith(TOWN_A) && !x.name.includes(TOWN_A.slice(2))), 'code search must be a prefix match');

		const grid = await admin.get(`/api/v1/areas?q=${encodeURIComponent('第一网格')}`);
		assert.ok(grid.body.items.some((x) => x.code === `${VILLAGE_A}001` && x.level === 'grid'));
	});

	it('limit, and LIKE wildcards are literal', async () => {
		const two = await admin.get(`/api/v1/areas?q=${encodeURIComponent('村')}&limit=2`);
		assert.equal(two.body.items.length, 2);
		for (const q of ['%', '_', '%村', '\\'])
			assert.deepEqual((await admin.get(`/api/v1/areas?q=${encodeURIComponent(q)}`)).body.items, [], `q=${q}`);
	});

	it('a missing q or a bad limit is 400 query.invalid', async () => {
		expectError(assert, await admin.get('/api/v1/areas'), 400, 'query.invalid', 'q');
		expectError(assert, await admin.get('/api/v1/areas?q='), 400, 'query.invalid', 'q');
		expectError(assert, await admin.get(`/api/v1/areas?q=${'村'.repeat(41)}`), 400, 'query.invalid', 'q');
		for (const l of ['0', '201', '-1', 'abc', '1e3', '99999999999999999999'])
			expectError(assert, await admin.get(`/api/v1/areas?q=1&limit=${l}`), 400, 'query.invalid', 'limit');
	});
});
