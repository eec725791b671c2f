// Defective records are fixed at the door (issue 10, item 2): POST /persons/{id}/fix
// corrects the ID number, phone or address of a flagged file; the defects of the corrected
// fields clear, the others stay; the audit row carries old and new values masked; an
// address that resolves to another village moves the file and its open task, within the
// caller's area only. A missing phone is flagged (registration and import alike).
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/person_fix.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TOWN_A, TOWN_B, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid } from './lib.mjs';

let srv;
let admin;
let worker; // a grid worker's client, in 社渚镇 (TOWN_A)

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	worker = (await newUser(srv, admin, { role: 'commander', area: TOWN_A })).client;
});
after(() => srv?.stop());

/** A wrong check character for a valid number. */
const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

async function register(body) {
	const r = await worker.post('/api/v1/persons', { uuid: uuid(), area: VILLAGE_A, address: '社渚村1组', ...body });
	assert.equal(r.status, 201, r.text);
	return r.body;
}

describe('a flagged file corrected at the door', () => {
	it('a missing phone is flagged at registration, not silently accepted', async () => {
		const p = await register({ name: '无电话', id_number: makeId('19800101', 301) });
		assert.deepEqual(p.defects, ['phone.missing']);
		assert.equal(p.phone, '');
	});

	it('a corrected number and phone clear their defects; the audit row is masked', async () => {
		const good = makeId('19850203', 302);
		const p = await register({ name: '错校验', id_number: wrongCheck(good) });
		assert.deepEqual(p.defects.sort(), ['id.check', 'phone.missing']);
		assert.equal(p.id_valid, false);

		let r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), phone: '1391234' });
		expectError(assert, r, 400, 'phone.invalid', 'phone');

		r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), phone: '13912345678' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body.defects, ['id.check']);
		assert.equal(r.body.phone, '139****5678');

		r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), id_number: good });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body.defects, []);
		assert.equal(r.body.id_valid, true);
		assert.equal(r.body.birth_year, 1985);

		const file = (await worker.get(`/api/v1/persons/${p.id}`)).body;
		assert.equal(file.timeline.filter((e) => e.kind === 'corrected').length, 2);
		const audit = await admin.get('/api/v1/audit?action=person.fix&limit=10');
		assert.equal(audit.status, 200, audit.text);
		const rows = audit.body.items.filter((a) => a.object_id === p.id);
		assert.equal(rows.length, 2);
		const text = JSON.stringify(rows);
		assert.ok(!text.includes(good), 'no full ID number in the audit');
		assert.ok(!text.includes(wrongCheck(good)), 'no full old ID number in the audit');
		assert.ok(!text.includes('13912345678'), 'no full phone in the audit');
		assert.ok(text.includes('139****5678'), 'the masked phone is there');
		assert.ok(text.includes('id.check'), 'the old defect is there');
	});

	it('an address that resolves to another village moves the file, in scope only', async () => {
		const town = (await admin.get(`/api/v1/areas/${TOWN_A}`)).body;
		const other = town.children.find((c) => c.code !== VILLAGE_A && /村村委会$/.test(c.name));
		assert.ok(other, 'another village in 社渚镇');
		const p = await register({ name: '搬家', phone: '13912340000', address: '不知道哪里' });
		let r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), address: `${other.name.replace(/村委会$/, '')}5组` });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.area, other.code);
		assert.deepEqual(r.body.defects, ['id.missing']); /* the number is still to be asked */

		// another township's village: refused as out of the caller's area, nothing moves
		const townB = (await admin.get(`/api/v1/areas/${TOWN_B}`)).body;
		const far = townB.children.find((c) => /村村委会$/.test(c.name));
		r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), address: `${townB.name}${far.name.replace(/村委会$/, '')}` });
		expectError(assert, r, 404, 'area.not_found');
		assert.equal((await worker.get(`/api/v1/persons/${p.id}`)).body.area, other.code);
	});

	it('a file outside the caller\'s area is answered as missing; an empty fix is refused', async () => {
		const p = await register({ name: '别处', phone: '13912340001' });
		const b = (await newUser(srv, admin, { role: 'commander', area: TOWN_B })).client;
		let r = await b.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), phone: '13912340002' });
		expectError(assert, r, 404, 'person.not_found');
		r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid() });
		expectError(assert, r, 400, 'person.nothing');
		r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), phone: ' ' });
		expectError(assert, r, 400, 'field.required', 'phone');
	});

	it('a valid number another file here holds is refused: merge them', async () => {
		const id = makeId('19900505', 303);
		await register({ name: '持号', id_number: id, phone: '13912340003' });
		const p = await register({ name: '持号', phone: '13912340004' });
		const r = await worker.post(`/api/v1/persons/${p.id}/fix`, { uuid: uuid(), id_number: id });
		expectError(assert, r, 409, 'person.number_held', 'id_number');
	});
});
