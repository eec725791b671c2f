// The home page's trend (GET /api/v1/reports/trend, issue 11 item 6) on clocks set with
// --clock-offset: a small county built over three days (files pushed, tasks verified, an
// observation placed, a fever), and on the third day every number of the series is the
// one GET /reports/daily shows under `records` for that day, at the county and at a
// township; the days before hold nothing, the bounds and the scope are kept, and
// `fangkong check` agrees with the kept counts the series read.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	COUNTY,
	SLOW,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	makeId,
	newUser,
	runOk,
	startServer,
	uuid,
	waitFor,
	importReturnees,
	offsetFor,
} from './lib.mjs';

let srv, db, admin, cmdA, gw;

async function start(local) {
	if (srv) await srv.stop({ keepDir: true });
	srv = await startServer({ db, args: ['--clock-offset', offsetFor(local)] });
	db = srv.db;
	admin = await adminClient(srv);
	for (const u of [cmdA, gw]) {
		if (!u) continue;
		u.client = new Client(srv.url);
		await u.client.mustLogin(u.username, u.password);
	}
}

const importList = (rows) => importReturnees(assert, admin, rows);

/** Closes the open task of the person named, for home observation; places the person when asked. */
async function verify(name, place) {
	const t = (await admin.get('/api/v1/tasks?limit=50')).body.items.find((x) => x.person_name === name && x.status === 'open');
	let r = await admin.post(`/api/v1/tasks/${t.id}/close`, { uuid: uuid(), outcome: 'observation' });
	assert.equal(r.status, 200, r.text);
	if (!place) return;
	r = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: t.person_id });
	assert.equal(r.status, 201, r.text);
}

const KEYS = ['screened_new', 'screened_total', 'verified_new', 'verified_total', 'observation_active', 'observation_new', 'fever_new'];

describe('the trend of the home page', () => {
	before(async () => {
		await start('2026-12-01T10:00:00');
		[cmdA, gw] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		]);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('three days of records', async () => {
		// day 1: four pushed (three in 社渚镇), one verified and placed
		await importList([['丙一', '社渚镇社渚村1组'], ['丙二', '社渚镇社渚村2组'], ['丙三', '社渚镇社渚村3组'], ['丁一', '竹箦镇']]);
		await verify('丙一', true);
		// day 2: a fever, one more verified and placed
		await start('2026-12-02T15:00:00');
		const obs = (await admin.get('/api/v1/observations?limit=10')).body.items[0];
		const v = await admin.post(`/api/v1/observations/${obs.id}/visits`, {
			uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: 38.5,
		});
		assert.equal(v.status, 201, v.text);
		await verify('丙二', true);
		// day 3: two more pushed, one verified (not placed)
		await start('2026-12-03T10:00:00');
		await importList([['丙四', '社渚镇社渚村4组'], ['丁二', '竹箦镇']]);
		await verify('丁一', false);
	});

	it('each day of the series is the daily report\'s records of that day, at the county and a township', async () => {
		for (const [c, area] of [[admin, COUNTY], [admin, TOWN_A], [cmdA.client, TOWN_A], [admin, TOWN_B]]) {
			const r = await c.get(`/api/v1/reports/trend?area=${area}&days=14`);
			assert.equal(r.status, 200, r.text);
			const t = r.body;
			assert.equal(t.area, area);
			assert.equal(t.days.length, 14);
			assert.equal(t.to, '2026-12-03');
			assert.equal(t.from, '2026-11-20');
			assert.equal(t.days[0], t.from);
			assert.equal(t.days[13], t.to);
			for (const k of KEYS) assert.equal(t.series[k].length, 14, k);
			assert.equal(t.series.tasks_overdue, undefined, 'a value read as of now has no past');
			for (let i = 0; i < 11; i++) for (const k of KEYS) assert.equal(t.series[k][i], 0, `${area} ${t.days[i]} ${k}`);
			for (let i = 11; i < 14; i++) {
				const d = await c.get(`/api/v1/reports/daily?area=${area}&date=${t.days[i]}`);
				assert.equal(d.status, 200, d.text);
				for (const k of KEYS) assert.equal(t.series[k][i], d.body.records[k], `${area} ${t.days[i]} ${k}`);
			}
		}
		// the county, as built
		const t = (await admin.get(`/api/v1/reports/trend?area=${COUNTY}`)).body;
		assert.equal(t.days.length, 14, 'days=14 by default');
		const last3 = (k) => t.series[k].slice(11);
		assert.deepEqual(last3('screened_new'), [4, 0, 2]);
		assert.deepEqual(last3('screened_total'), [4, 4, 6]);
		assert.deepEqual(last3('verified_new'), [1, 1, 1]);
		assert.deepEqual(last3('observation_new'), [1, 1, 0]);
		assert.deepEqual(last3('observation_active'), [1, 2, 2]);
		assert.deepEqual(last3('fever_new'), [0, 1, 0]);
		// today's equals today's report, the home page's tiles
		const today = (await admin.get(`/api/v1/reports/daily?area=${COUNTY}`)).body;
		for (const k of KEYS) assert.equal(t.series[k][13], today.figures[k], k);
	});

	it('30 days; the bounds, the scope and the permission', async () => {
		const t = (await admin.get(`/api/v1/reports/trend?area=${COUNTY}&days=30`)).body;
		assert.equal(t.days.length, 30);
		assert.equal(t.days[0], '2026-11-04');
		assert.equal(t.series.observation_active[29], 2);
		assert.equal((await admin.get(`/api/v1/reports/trend?area=${COUNTY}&days=90`)).status, 200);
		expectError(assert, await admin.get(`/api/v1/reports/trend?area=${COUNTY}&days=91`), 400, 'query.invalid', 'days');
		expectError(assert, await admin.get(`/api/v1/reports/trend?area=${COUNTY}&days=0`), 400, 'query.invalid', 'days');
		expectError(assert, await admin.get(`/api/v1/reports/trend?area=${COUNTY}&days=x`), 400, 'query.invalid', 'days');
		expectError(assert, await admin.get('/api/v1/reports/trend?area=32x'), 400, 'area.code.invalid', 'area');
		expectError(assert, await admin.get('/api/v1/reports/trend?area=320481999'), 404, 'area.not_found');
		expectError(assert, await cmdA.client.get(`/api/v1/reports/trend?area=${TOWN_B}`), 404, 'area.not_found');
		expectError(assert, await cmdA.client.get(`/api/v1/reports/trend?area=${COUNTY}`), 404, 'area.not_found');
		expectError(assert, await gw.client.get(`/api/v1/reports/trend?area=${VILLAGE_A}`), 403, 'forbidden');
		// the caller's own area when none is asked
		const own = (await cmdA.client.get('/api/v1/reports/trend')).body;
		assert.equal(own.area, TOWN_A);
		assert.deepEqual(own.series.screened_total.slice(11), [3, 3, 4]);
	});

	it('the counts the series read agree with a recount', async () => {
		await srv.stop({ keepDir: true });
		const check = await runOk(['check', '--db', db]);
		assert.match(check.stdout, /report counts: ok, \d+ agree with a recount/);
		srv = null;
	});
});
