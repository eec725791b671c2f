// The alert card carries the patient's phone and address (issue 10, item 7), by the person
// file's rule: the address as it is, the phone masked; the full number comes only from the
// audited reveal, which a doctor and a commander may ask for and a social worker may not.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/alert_contact.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TOWN_A, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid } from './lib.mjs';

const PHONE = '13812345678';
const ADDRESS = '社渚镇社渚村8组12号';
let srv, admin, gw, doctor, cmd, sw, person;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	[gw, doctor, cmd, sw] = await Promise.all([
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'doctor', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'social_worker', area: TOWN_A }),
	]);
	const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '预警联系', id_number: makeId('19800101', 321), area: VILLAGE_A, address: ADDRESS, phone: PHONE });
	assert.ok(p.status === 201 || p.status === 200, p.text);
	person = p.body;
	const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: person.id, doctor: doctor.user.id });
	assert.equal(o.status, 201, o.text);
	const v = await gw.client.post(`/api/v1/observations/${o.body.observation.id}/visits`, {
		uuid: uuid(), mode: 'in_person', temperature: 38.2, saw_person: true, saw_home: true, saw_state: false,
	});
	assert.equal(v.status, 201, v.text);
	assert.equal(v.body.alert.person_phone, '138****5678', 'the visit\'s answer masks it too');
});
after(async () => {
	await srv?.stop();
});

describe('the alert card\'s phone and address', () => {
	it('the doctor, the commander and a social worker read them as the file shows them', async () => {
		for (const c of [doctor, cmd, sw]) {
			const r = await c.client.get('/api/v1/alerts');
			assert.equal(r.status, 200, r.text);
			const al = r.body.items.find((x) => x.person_id === person.id);
			assert.equal(al.person_phone, '138****5678');
			assert.equal(al.person_address, ADDRESS);
			assert.ok(!r.text.includes(PHONE), 'never the full phone in a list');
			const file = await c.client.get(`/api/v1/persons/${person.id}`);
			assert.equal(file.body.person?.phone ?? file.body.phone, al.person_phone, 'the same mask as the file');
		}
	});

	it('the doctor and the commander call through the audited reveal; a social worker may not', async () => {
		for (const c of [doctor, cmd]) {
			const r = await c.client.post(`/api/v1/persons/${person.id}/reveal`, {});
			assert.equal(r.status, 200, r.text);
			assert.equal(r.body.phone, PHONE);
		}
		expectError(assert, await sw.client.post(`/api/v1/persons/${person.id}/reveal`, {}), 403, 'forbidden');
		const audit = await admin.get('/api/v1/audit?action=person.reveal&limit=10');
		assert.ok(audit.body.items.length >= 2, audit.text);
	});
});
