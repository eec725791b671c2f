// The fever drill-down shows the reading that raised the alert (issue 10, item 8): a person
// visited at 38.0 °C and later at a normal 36.8 °C stays on "今日发热" with 38.0, not with the
// later reading; the alert keeps 38.0 after the normal visit and after a later fever by a
// symptom alone (37.0 °C with a cough), and only a higher reading raises it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { TOWN_A, VILLAGE_A, adminClient, newUser, startServer, uuid } from './lib.mjs';

let srv, admin, gw, obs;

// A visit with the three checks answered; 状态正常 is "no" beside a fever or a symptom.
const visit = (body) => gw.client.post(`/api/v1/observations/${obs.id}/visits`, {
	uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true,
	saw_state: !((body.temperature ?? 0) >= 37.3 || body.symptoms?.length), ...body,
});
const feverList = async () => {
	const r = await admin.get(`/api/v1/observations?filter=fever_today&area=${VILLAGE_A}`);
	assert.equal(r.status, 200, r.text);
	return r.body.items;
};
const alertOf = async () => {
	const r = await admin.get(`/api/v1/alerts?area=${VILLAGE_A}`);
	assert.equal(r.status, 200, r.text);
	const mine = r.body.items.filter((a) => a.observation_id === obs.id);
	assert.equal(mine.length, 1, JSON.stringify(r.body.items));
	return mine[0];
};

describe('the fever drill-down', () => {
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		gw = await newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A });
		await newUser(srv, admin, { role: 'doctor', area: TOWN_A });
		const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '周发热', area: VILLAGE_A, address: '社渚村3组8号', phone: '13800000031' });
		assert.equal(p.status, 201, p.text);
		const placed = await gw.client.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id });
		assert.equal(placed.status, 201, placed.text);
		obs = placed.body.observation;
	});
	after(async () => {
		await srv?.stop();
	});

	it('lists a fever with the reading that raised its alert, not a later normal one', async () => {
		assert.equal((await feverList()).length, 0);
		const f = await visit({ temperature: 38.0 });
		assert.equal(f.status, 201, f.text);
		assert.equal(f.body.alert.temperature, 38.0);
		const n = await visit({ temperature: 36.8 });
		assert.equal(n.status, 201, n.text);

		const [row] = await feverList();
		assert.equal(row.id, obs.id);
		assert.equal(row.last_temperature, 36.8, 'the latest reading is still the latest');
		assert.equal(row.alert_temperature, 38.0, 'the drill-down carries the reading that raised the alert');
		assert.ok(Date.parse(row.alert_raised_at) > 0, row.alert_raised_at);
		assert.equal((await alertOf()).temperature, 38.0, 'a normal visit leaves the alert as raised');
		const one = await admin.get(`/api/v1/observations/${obs.id}`);
		assert.equal(one.body.alert_temperature ?? one.body.observation?.alert_temperature, 38.0);
	});

	it('a later fever by a symptom alone does not lower the alert; a higher reading raises it', async () => {
		const s = await visit({ temperature: 37.0, symptoms: ['cough'] });
		assert.equal(s.status, 201, s.text);
		assert.equal(s.body.visit.fever, true);
		let a = await alertOf();
		assert.equal(a.temperature, 38.0, 'a 37.0 °C visit with a cough leaves 38.0');
		assert.equal(a.visits, 2);
		assert.equal((await feverList())[0].alert_temperature, 38.0);
		const h = await visit({ temperature: 39.1 });
		assert.equal(h.status, 201, h.text);
		a = await alertOf();
		assert.equal(a.temperature, 39.1);
		assert.equal((await feverList())[0].alert_temperature, 39.1);
	});

	it('an observation that never had a fever has no alert reading', async () => {
		const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '吴正常', area: VILLAGE_A, address: '社渚村3组9号', phone: '13800000032' });
		const placed = await gw.client.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id });
		assert.equal(placed.status, 201, placed.text);
		assert.equal(placed.body.observation.alert_temperature, null);
		assert.equal(placed.body.observation.alert_raised_at, null);
	});
});
