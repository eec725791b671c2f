// A commander's correction of a registration from the console (issue 12): the console has
// only ever seen ID numbers and phones masked, so a person whose id_number or phone the
// correction leaves out keeps the registered one — the file a later handover finds or makes
// is the person's own — while one given is taken as typed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TOWN_A, adminClient, makeId, newUser, startServer, uuid } from './lib.mjs';

let srv, admin, cmd, staff, cp;
const now = () => new Date(Date.now() - 1000).toISOString().replace('Z', '+00:00');

describe('checkpoint corrections keep what the console saw masked', () => {
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		[cmd, staff] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'checkpoint_staff', area: TOWN_A }),
		]);
		const r = await cmd.client.post('/api/v1/checkpoints', { uuid: uuid(), name: '社渚南卡口', area: TOWN_A, kind: 'road', opened_on: '2020-01-24' });
		assert.equal(r.status, 201, r.text);
		cp = r.body;
		const s = await cmd.client.post(`/api/v1/checkpoints/${cp.id}/staff`, { uuid: uuid(), user_id: staff.user.id });
		assert.equal(s.status, 200, s.text);
		await staff.client.mustLogin(staff.username, staff.password);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('left out, the ID number and phone stay; given, they are taken; the handover finds the person\'s own file', async () => {
		const idA = makeId('19850301', 901), idB = makeId('19850301', 902);
		const reg = await staff.client.post(`/api/v1/checkpoints/${cp.id}/passages`, {
			uuid: uuid(), at: now(), plate: '苏D12345', vehicle_kind: 'car', direction: 'in',
			persons: [
				{ name: '张甲', id_number: idA, phone: '13812345601', temperature: 36.5, origin: '江苏省常州市', destination: '社渚镇社渚村1组', purpose: '返乡', outcome: 'passed' },
				{ name: '李乙', id_number: idB, phone: '13812345602', temperature: 36.6, origin: '江苏省常州市', destination: '社渚镇社渚村2组', purpose: '返乡', outcome: 'passed' },
			],
		});
		assert.equal(reg.status, 201, reg.text);
		const before = reg.body.persons;
		assert.notEqual(before[0].id_number, idA, 'answers mask the ID number');

		// the console sends each person without id_number and phone: the first is now handed over
		const body = {
			uuid: uuid(), reason: '张甲来自武汉，应移交', plate: '苏D12345', vehicle_kind: 'car', direction: 'in',
			persons: before.map((p, i) => ({
				name: p.name, temperature: p.temperature, origin: i === 0 ? '湖北省武汉市' : p.origin, travel: p.travel,
				destination: p.destination, purpose: p.purpose, outcome: i === 0 ? 'handover' : p.outcome,
			})),
		};
		const r = await cmd.client.post(`/api/v1/passages/${reg.body.id}/correct`, body);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.version, 2);
		for (const i of [0, 1]) {
			assert.equal(r.body.persons[i].id_number, before[i].id_number, `person ${i + 1}: the ID number kept`);
			assert.equal(r.body.persons[i].phone, before[i].phone, `person ${i + 1}: the phone kept`);
			assert.equal(r.body.persons[i].id_valid, true);
		}
		assert.equal(r.body.persons[0].outcome, 'handover');
		assert.ok(r.body.persons[0].task_id, 'the handover opened a task');
		// the file of the handover is the person's own: found by the full ID number and phone
		for (const q of [idA, '13812345601']) {
			const found = await admin.post('/api/v1/persons/search', { q });
			assert.equal(found.status, 200, found.text);
			assert.deepEqual(found.body.items.map((p) => p.name), ['张甲'], `the file by ${q === idA ? 'ID number' : 'phone'}`);
		}
		// a retry of the same correction answers the same
		const again = await cmd.client.post(`/api/v1/passages/${reg.body.id}/correct`, body);
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.version, 2);

		// given, a phone is taken as typed
		const typed = {
			...body, uuid: uuid(), reason: '李乙电话更正',
			persons: body.persons.map((p, i) => (i === 1 ? { ...p, phone: '13912345699' } : p)),
		};
		const t = await cmd.client.post(`/api/v1/passages/${reg.body.id}/correct`, typed);
		assert.equal(t.status, 200, t.text);
		assert.equal(t.body.version, 3);
		assert.notEqual(t.body.persons[1].phone, before[1].phone);
		assert.match(t.body.persons[1].phone, /5699$/);
		assert.equal(t.body.persons[1].id_number, before[1].id_number);
	});
});
