// A verification is no placing (issue 10, item 5): closing a task with the outcome
// "observation" (核实，需落实居家观察) leaves the person "to be placed" (to_place), not under
// observation; placing the observation moves them to "observation". Until then the person is
// listed (GET /tasks?status=to_place) and counted on the observation board (to_place), per
// area; a task closed for a person already under observation leaves them under observation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const HEADER = ['姓名', '身份证号码', '联系电话', '来源地', '返乡日期', '现住址'];
const ROWS = [
	['宋待落', makeId('19800115', 301), '13812340001', '湖北省武汉市', '2020-01-26', '社渚镇社渚村5组'],
	['韩已观', makeId('19810215', 302), '13812340002', '湖北省武汉市', '2020-01-26', '社渚镇社渚村6组'],
	['邓查无', makeId('19820315', 303), '13812340003', '湖北省武汉市', '2020-01-26', '社渚镇社渚村7组'],
];

let srv, admin, gw;

async function importList() {
	const fd = new FormData();
	const text = `\uFEFF${HEADER.join(',')}\r\n${ROWS.map((r) => r.join(',')).join('\r\n')}\r\n`;
	fd.append('file', new Blob([Buffer.from(text, 'utf8')]), 'list.csv');
	const r = await admin.post('/api/v1/imports', fd);
	assert.equal(r.status, 202, r.text);
	const job = await waitFor(async () => {
		const j = await admin.get(`/api/v1/imports/${r.body.id}`);
		return j.body.status === 'done' || j.body.status === 'failed' ? j.body : null;
	}, { timeoutMs: 30000 * SLOW, what: 'import' });
	assert.equal(job.status, 'done', JSON.stringify(job));
}

const taskOf = async (name) => (await admin.get('/api/v1/tasks?limit=500')).body.items.find((t) => t.person_name === name);
const personOf = async (t) => (await admin.get(`/api/v1/persons/${t.person_id}`)).body;
const close = (c, t, outcome) => c.post(`/api/v1/tasks/${t.id}/close`, { uuid: uuid(), outcome });
const board = async (c, area) => (await c.get(`/api/v1/observation-board${area ? `?area=${area}` : ''}`)).body;
const toPlace = async (c, q = '') => (await c.get(`/api/v1/tasks?status=to_place${q}`)).body;

describe('verified for observation, not yet placed', () => {
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		gw = await newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A });
		await importList();
	});
	after(async () => {
		await srv?.stop();
	});

	it('the outcome says what it is: verified, observation still to be placed', async () => {
		const o = (await admin.get('/api/v1/outcomes')).body.items.find((x) => x.code === 'observation');
		assert.equal(o.zh, '核实，需落实居家观察');
		assert.equal(o.en, 'Verified, to be placed under observation');
	});

	it('closing with "observation" leaves the person to_place, listed and counted; placing moves them', async () => {
		const song = await taskOf('宋待落');
		assert.ok(song, 'the imported task');
		const before0 = await board(admin);
		assert.equal(before0.counts.to_place, 0);
		assert.equal((await toPlace(admin)).total, 0);

		const r = await close(gw.client, song, 'observation');
		assert.equal(r.status, 200, r.text);
		const p = await personOf(song);
		assert.equal(p.status, 'to_place', 'verified, not under observation');

		// listed: the task of the verification, in scope of the worker and the commander
		const list = await toPlace(admin);
		assert.equal(list.total, 1);
		assert.deepEqual(list.items.map((t) => t.id), [song.id]);
		assert.equal((await toPlace(gw.client)).total, 1);
		assert.equal((await toPlace(admin, `&area=${VILLAGE_A}`)).total, 1);
		assert.equal((await toPlace(admin, '&area=320481111')).total, 0, 'another township lists none');
		// counted on the board: the county, its township row, the village
		const b = await board(admin);
		assert.equal(b.counts.to_place, 1);
		assert.equal(b.children.find((c) => c.area === TOWN_A).counts.to_place, 1);
		assert.equal((await board(admin, VILLAGE_A)).counts.to_place, 1);
		// the other outcomes leave nobody to be placed
		const deng = await taskOf('邓查无');
		assert.equal((await close(gw.client, deng, 'not_found')).status, 200);
		assert.equal((await board(admin)).counts.to_place, 1);

		// placing: under observation now, off the list and the count
		const placed = await gw.client.post('/api/v1/observations', { uuid: uuid(), person_id: song.person_id });
		assert.equal(placed.status, 201, placed.text);
		assert.equal((await personOf(song)).status, 'observation');
		assert.equal((await toPlace(admin)).total, 0);
		const after1 = await board(admin);
		assert.equal(after1.counts.to_place, 0);
		assert.equal(after1.counts.active, 1);
		// placing again is refused as before
		expectError(assert, await gw.client.post('/api/v1/observations', { uuid: uuid(), person_id: song.person_id }), 409, 'observation.active');
	});

	it('a person placed before the verification stays under observation', async () => {
		const han = await taskOf('韩已观');
		const placed = await gw.client.post('/api/v1/observations', { uuid: uuid(), person_id: han.person_id });
		assert.equal(placed.status, 201, placed.text);
		assert.equal((await personOf(han)).status, 'observation');
		assert.equal((await close(gw.client, han, 'observation')).status, 200);
		assert.equal((await personOf(han)).status, 'observation', 'not set back to "to be placed"');
		assert.equal((await toPlace(admin)).total, 0);
		assert.equal((await board(admin)).counts.to_place, 0);
	});

	it('the list refuses an unknown status', async () => {
		expectError(assert, await admin.get('/api/v1/tasks?status=placed'), 400, 'query.invalid', 'status');
	});
});
