// Home observation (居家观察) through the API, on a clock set with --clock-offset so that
// every date is known: placing a household, "today" for the grid worker, visits and their
// checks, a fever, the doctor's referral (excluded → back to observation), the self-report
// link, services, overdue slots after the morning deadline, the board's maintained counts,
// a changed end date, release on the end date (and the link stops working), a referral
// result that ends an observation (confirmed), scope and idempotency.
//
// The server is restarted on the same database to move the clock: 2026-12-01 09:00 and
// 13:00 (local, Asia/Shanghai), then 2026-12-15 10:00.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	COUNTY,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	newUser,
	runOk,
	startServer,
	uuid,
	waitFor,
	offsetFor,
} from './lib.mjs';

const VILLAGE_B = '320481111200'; // a village of 竹箦镇 (outside 社渚镇)
const DOCTOR_PHONE = '13900139002';

let srv, db, admin, gw, gwB, doctor, social;
let people = {};
let obs1, obs2, token1;

async function start(local) {
	if (srv) await srv.stop({ keepDir: true });
	srv = await startServer({ db, args: ['--clock-offset', offsetFor(local)] });
	db = srv.db;
	admin = await adminClient(srv);
	for (const u of [gw, gwB, doctor, social]) {
		if (!u) continue;
		u.client = new Client(srv.url);
		await u.client.mustLogin(u.username, u.password);
	}
}

async function person(c, name, area) {
	const r = await c.post('/api/v1/persons', {
		uuid: uuid(), name, area, address: `${name}家`, phone: '13800000000',
	});
	assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
	return r.body.id;
}

const place = (c, body) => c.post('/api/v1/observations', { uuid: uuid(), ...body });
// The three checks are answered (each yes or no); 状态正常 is "no" beside a fever or a symptom.
const checks = (b) => ({ saw_person: true, saw_home: true, saw_state: !((b.temperature ?? 0) >= 37.3 || b.symptoms?.length) });
const visit = (c, id, body) => c.post(`/api/v1/observations/${id}/visits`, { uuid: uuid(), mode: 'in_person', ...checks(body), ...body });

describe('home observation', () => {
	before(async () => {
		await start('2026-12-01T09:00:00');
		[gw, gwB, doctor, social] = await Promise.all([
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_B }),
			newUser(srv, admin, { role: 'doctor', area: TOWN_A, phone: DOCTOR_PHONE, display_name: '社渚医生' }),
			newUser(srv, admin, { role: 'social_worker', area: VILLAGE_A }),
		]);
		people.zhang = await person(admin, '张伟', VILLAGE_A);
		people.wife = await person(admin, '李芳', VILLAGE_A);
		people.chen = await person(admin, '陈强', VILLAGE_A);
		people.far = await person(admin, '赵远', VILLAGE_B);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	async function checkCounts() {
		const r = await runOk(['check', '--db', db]);
		assert.match(r.stdout, /observation counts: ok, \d+ agree with a recount/);
		assert.match(r.stdout, /report counts: ok, \d+ agree with a recount/);
	}

	it('places a person and the household, with defaults from the area', async () => {
		const c = gw.client;
		expectError(assert, await place(c, { person_id: people.zhang, start_date: '2026-12-02' }), 400, 'observation.start.invalid', 'start_date');
		expectError(assert, await place(c, { person_id: people.zhang, end_date: '2026-12-20' }), 400, 'field.required', 'reason');
		// issue 8: a period is at most 60 days (9999-12-31 once held the writer for 10 s)
		expectError(assert, await place(c, { person_id: people.zhang, end_date: '9999-12-31', reason: 'x' }), 400, 'observation.end.invalid', 'end_date');
		expectError(assert, await place(c, { person_id: people.zhang, end_date: '2027-02-03', reason: 'x' }), 400, 'observation.end.invalid', 'end_date');
		expectError(assert, await place(c, { person_id: people.zhang, kind: 'hotel' }), 400, 'field.value', 'kind');
		expectError(assert, await place(c, { person_id: people.zhang, doctor: social.user.id }), 400, 'observation.staff.invalid', 'doctor');
		expectError(assert, await place(gwB.client, { person_id: people.zhang }), 404, 'person.not_found', 'person_id');
		// hostile or malformed input: a field-level 4xx, never a 500
		expectError(assert, await place(c, { person_id: 'x' }), 404, 'person.not_found', 'person_id');
		expectError(assert, await place(c, { person_id: people.zhang, household: 'all' }), 400, 'field.type', 'household');
		expectError(assert, await place(c, { person_id: people.zhang, household: Array.from({ length: 21 }, uuid) }), 400, 'field.type', 'household');
		expectError(assert, await place(c, { person_id: people.zhang, household: [people.wife, people.wife] }), 400, 'field.value', 'household');
		expectError(assert, await place(c, { person_id: people.zhang, household: [uuid()] }), 404, 'person.not_found', 'household');
		expectError(assert, await place(c, { person_id: people.zhang, place: 'x'.repeat(201) }), 400, 'field.too_long', 'place');
		expectError(assert, await place(c, { person_id: people.zhang, start_date: '2026-02-30' }), 400, 'observation.start.invalid', 'start_date');
		expectError(assert, await place(c, { person_id: people.zhang, grid_worker: 42 }), 400, 'field.type', 'grid_worker');
		expectError(assert, await place(c, { person_id: people.zhang, extra: 1 }), 400, 'field.unknown', 'extra');

		const body = { uuid: uuid(), person_id: people.zhang, household: [people.wife], place: '社渚村5组12号' };
		const r = await c.post('/api/v1/observations', body);
		assert.equal(r.status, 201, JSON.stringify(r.body));
		obs1 = r.body.observation;
		token1 = r.body.token;
		assert.match(token1, /^[A-Za-z0-9_-]{22}$/);
		assert.equal(obs1.kind, 'home_observation');
		assert.equal(obs1.start_date, '2026-12-01');
		assert.equal(obs1.end_date, '2026-12-15');
		assert.equal(obs1.day, 1);
		assert.equal(obs1.status, 'active');
		assert.equal(obs1.grid_worker.id, gw.user.id);
		assert.equal(obs1.doctor.id, doctor.user.id);
		assert.equal(obs1.doctor.phone, DOCTOR_PHONE);
		assert.equal(obs1.social_worker.id, social.user.id);
		assert.equal(r.body.household.length, 1);
		obs2 = r.body.household[0];
		assert.equal(obs2.person_id, people.wife);
		assert.equal(obs2.household_of, obs1.id);
		assert.equal(obs2.place, '社渚村5组12号');

		const again = await c.post('/api/v1/observations', body);
		assert.equal(again.status, 200);
		assert.equal(again.body.observation.id, obs1.id);
		assert.equal(again.body.token, token1);
		expectError(assert, await c.post('/api/v1/observations', { ...body, place: '别处' }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await place(c, { person_id: people.zhang }), 409, 'observation.active', 'person_id');

		const file = await admin.get(`/api/v1/persons/${people.zhang}`);
		assert.equal(file.body.status, 'observation');
		assert.ok(file.body.timeline.some((e) => e.kind === 'observation_started'));
		assert.deepEqual(file.body.observations.map((o) => [o.id, o.status]), [[obs1.id, 'active']]);
	});

	it('lists today for the grid worker with what is missing', async () => {
		const r = await gw.client.get('/api/v1/observations/today');
		assert.equal(r.status, 200);
		assert.equal(r.body.date, '2026-12-01');
		assert.equal(r.body.items.length, 2);
		for (const it of r.body.items) {
			assert.deepEqual(it.missing, ['morning', 'evening']);
			assert.equal(it.overdue_count, 0);
		}
		assert.deepEqual(r.body.counts, { due: 2, complete: 0, overdue: 0 });
		const mine = await gw.client.get('/api/v1/observations/today?mine=1');
		assert.equal(mine.body.items.length, 2);
		assert.equal((await gwB.client.get('/api/v1/observations/today')).body.items.length, 0);
		expectError(assert, await admin.get('/api/v1/observations/today'), 400, 'observation.today.area', 'area');
		expectError(assert, await admin.get(`/api/v1/observations/today?area=${TOWN_A}`), 400, 'observation.today.area', 'area');
		assert.equal((await admin.get(`/api/v1/observations/today?area=${VILLAGE_A}`)).body.items.length, 2);
		assert.equal((await admin.get('/api/v1/observations?filter=due_today')).body.total, 2);
		assert.equal((await admin.get('/api/v1/observations?filter=complete_today')).body.total, 0);
		expectError(assert, await gwB.client.get(`/api/v1/observations/${obs1.id}`), 404, 'observation.not_found');
	});

	it('records visits, refuses bad readings, and raises one alert for a fever', async () => {
		const c = gw.client;
		expectError(assert, await visit(c, obs1.id, { temperature: 33.9 }), 400, 'visit.temperature.range', 'temperature');
		expectError(assert, await visit(c, obs1.id, { temperature: 42.6 }), 400, 'visit.temperature.range', 'temperature');
		expectError(assert, await visit(c, obs1.id, { temperature: '36.5' }), 400, 'field.type', 'temperature');
		expectError(assert, await visit(c, obs1.id, { symptoms: ['sneezing'] }), 400, 'visit.symptom.invalid', 'symptoms');
		expectError(assert, await visit(c, obs1.id, { at: '2026-12-01T03:00:00Z' }), 400, 'visit.at.invalid', 'at');
		expectError(assert, await c.post(`/api/v1/observations/${obs1.id}/visits`, { uuid: uuid() }), 400, 'field.required', 'mode');
		expectError(assert, await visit(c, obs1.id, { temperature: 1e308 }), 400, 'visit.temperature.range', 'temperature');
		expectError(assert, await visit(c, obs1.id, { symptoms: { cough: true } }), 400, 'field.type', 'symptoms');
		expectError(assert, await visit(c, obs1.id, { symptoms: Array(17).fill('cough') }), 400, 'field.type', 'symptoms');
		expectError(assert, await visit(c, obs1.id, { saw_person: 'yes' }), 400, 'field.type', 'saw_person');
		// the three checks are answered, each; an unanswered one is no "no"
		for (const f of ['saw_person', 'saw_home', 'saw_state']) {
			const b = { uuid: uuid(), mode: 'in_person', ...checks({}), temperature: 36.5 };
			delete b[f];
			expectError(assert, await c.post(`/api/v1/observations/${obs1.id}/visits`, b), 400, 'field.required', f);
			expectError(assert, await c.post(`/api/v1/observations/${obs1.id}/visits`, { ...b, [f]: null }), 400, 'field.required', f);
		}
		// 状态正常: 是 beside a fever (at the threshold too) or a symptom is refused, nothing stored
		for (const b of [{ temperature: 38.0 }, { temperature: 37.3 }, { temperature: 36.5, symptoms: ['cough'] }, { symptoms: ['fatigue'] }])
			expectError(assert, await visit(c, obs1.id, { ...b, saw_state: true }), 400, 'visit.state.contradicts', 'saw_state');
		assert.equal((await c.get(`/api/v1/observations/${obs1.id}`)).body.visits.length, 0, 'no refused visit stored');
		expectError(assert, await visit(c, obs1.id, { note: '备'.repeat(501) }), 400, 'field.too_long', 'note');
		expectError(assert, await visit(c, obs1.id, { at: 'yesterday' }), 400, 'visit.at.invalid', 'at');
		expectError(assert, await visit(c, obs1.id, { mode: 'telepathy' }), 400, 'field.value', 'mode');
		expectError(assert, await c.post(`/api/v1/observations/${uuid()}/visits`, { uuid: uuid(), mode: 'phone', ...checks({}) }), 404, 'observation.not_found');
		expectError(assert, await c.post('/api/v1/observations/not-a-uuid/visits', { uuid: uuid(), mode: 'phone', ...checks({}) }), 404, 'observation.not_found');

		const body = { uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: true, temperature: 36.5 };
		const r = await c.post(`/api/v1/observations/${obs1.id}/visits`, body);
		assert.equal(r.status, 201, JSON.stringify(r.body));
		assert.equal(r.body.visit.slot, 'morning');
		assert.equal(r.body.visit.temperature, 36.5);
		assert.equal(r.body.visit.fever, false);
		assert.equal(r.body.alert, null);
		const again = await c.post(`/api/v1/observations/${obs1.id}/visits`, body);
		assert.equal(again.status, 200);
		assert.equal(again.body.visit.id, r.body.visit.id);

		const fever = await visit(c, obs1.id, { mode: 'video', saw_person: true, saw_home: false, saw_state: false, temperature: 38.2 });
		assert.equal(fever.status, 201);
		assert.equal(fever.body.visit.fever, true);
		assert.equal(fever.body.alert.status, 'open');
		assert.equal(fever.body.alert.temperature, 38.2);
		assert.equal(fever.body.observation.alert_open, true);
		const cough = await visit(c, obs1.id, { mode: 'phone', symptoms: ['cough'] });
		assert.equal(cough.body.alert.id, fever.body.alert.id);
		assert.equal(cough.body.alert.visits, 2);
		assert.deepEqual(cough.body.alert.symptoms, ['cough']);

		const today = await c.get('/api/v1/observations/today');
		assert.equal(today.body.items[0].id, obs1.id, 'the open alert comes first');
		assert.deepEqual(today.body.items[0].missing, ['evening']);
	});

	it('lets the doctor refer and exclude; the person stays under observation', async () => {
		const list = await doctor.client.get('/api/v1/alerts');
		assert.equal(list.status, 200);
		assert.equal(list.body.items.length, 1);
		const al = list.body.items[0];
		assert.equal(al.person_name, '张伟');
		assert.equal((await gwB.client.get('/api/v1/alerts')).body.items.length, 0);
		expectError(assert, await gw.client.post(`/api/v1/alerts/${al.id}/referral`, { uuid: uuid(), destination: 'fever_clinic' }), 403, 'forbidden');
		expectError(assert, await doctor.client.post(`/api/v1/alerts/${al.id}/referral`, { uuid: uuid(), destination: 'clinic' }), 400, 'field.value', 'destination');

		const ref = await doctor.client.post(`/api/v1/alerts/${al.id}/referral`, {
			uuid: uuid(), destination: 'fever_clinic', facility: '溧阳市人民医院发热门诊', transport: '120 救护车',
		});
		assert.equal(ref.status, 200, JSON.stringify(ref.body));
		assert.equal(ref.body.status, 'referred');
		assert.equal(ref.body.referral.facility, '溧阳市人民医院发热门诊');
		const res = await doctor.client.post(`/api/v1/alerts/${al.id}/result`, { uuid: uuid(), result: 'excluded', note: '核酸阴性' });
		assert.equal(res.status, 200);
		assert.equal(res.body.status, 'closed');
		assert.equal(res.body.result, 'excluded');
		expectError(assert, await doctor.client.post(`/api/v1/alerts/${al.id}/result`, { uuid: uuid(), result: 'excluded' }), 409, 'alert.closed');

		const o = await gw.client.get(`/api/v1/observations/${obs1.id}`);
		assert.equal(o.body.status, 'active');
		assert.equal(o.body.alert_open, false);
		assert.equal(o.body.visits.length, 3);
		assert.equal(o.body.days.length, 1);
		assert.equal(o.body.days[0].fever, true);
		const file = await admin.get(`/api/v1/persons/${people.zhang}`);
		assert.equal(file.body.status, 'observation');
		const kinds = file.body.timeline.map((e) => e.kind);
		for (const k of ['fever_alert', 'referral', 'referral_result']) assert.ok(kinds.includes(k), k);
	});

	it('takes self-reports through the card link, and nothing else', async () => {
		const anon = new Client(srv.url);
		const info = await anon.get(`/api/v1/self/${token1}`);
		assert.equal(info.status, 200);
		assert.deepEqual(Object.keys(info.body).sort(), ['day', 'end_date', 'fever_threshold', 'kind', 'name', 'services', 'start_date', 'symptoms']);
		assert.equal(info.body.name, '伟');
		assert.equal(info.body.day, 1);
		expectError(assert, await anon.get(`/api/v1/self/${'A'.repeat(22)}`), 404, 'selfreport.not_found');
		expectError(assert, await anon.get('/api/v1/self/short'), 404, 'selfreport.not_found');
		expectError(assert, await anon.post(`/api/v1/self/${token1}/reports`, { uuid: uuid(), temperature: 45 }), 400, 'visit.temperature.range', 'temperature');
		expectError(assert, await anon.post(`/api/v1/self/${token1}/reports`, { uuid: uuid() }), 400, 'field.required', 'temperature');

		const body = { uuid: uuid(), temperature: 37.5, symptoms: ['fatigue'] };
		const r = await anon.post(`/api/v1/self/${token1}/reports`, body);
		assert.equal(r.status, 201, JSON.stringify(r.body));
		assert.deepEqual(r.body, { ok: true, fever: true });
		assert.equal((await anon.post(`/api/v1/self/${token1}/reports`, body)).status, 200);
		const alerts = await doctor.client.get('/api/v1/alerts');
		assert.equal(alerts.body.items.length, 1, 'a self-reported fever raises an alert');
		const svc = await anon.post(`/api/v1/self/${token1}/services`, { uuid: uuid(), kind: 'meals', items: '午饭两份' });
		assert.equal(svc.status, 201);
		const o = await gw.client.get(`/api/v1/observations/${obs1.id}`);
		assert.ok(o.body.visits.some((v) => v.self_report && v.mode === 'self' && v.by === null));
	});

	it('moves service requests through their states', async () => {
		const c = gw.client;
		const r = await c.post(`/api/v1/observations/${obs2.id}/services`, { uuid: uuid(), kind: 'shopping', items: '米 10 斤，青菜' });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		assert.equal(r.body.status, 'new');
		assert.equal(r.body.requested_by, 'worker');
		assert.equal(r.body.overdue, false);
		expectError(assert, await c.post(`/api/v1/observations/${obs2.id}/services`, { uuid: uuid(), kind: 'taxi', items: 'x' }), 400, 'field.value', 'kind');
		const id = r.body.id;
		const list = await social.client.get('/api/v1/services');
		assert.equal(list.body.items.length, 2);
		expectError(assert, await social.client.post(`/api/v1/services/${id}/status`, { uuid: uuid(), status: 'cancelled' }), 400, 'field.required', 'note');
		const acc = await social.client.post(`/api/v1/services/${id}/status`, { uuid: uuid(), status: 'accepted', assignee: '志愿者王 13700001111' });
		assert.equal(acc.body.status, 'accepted');
		assert.equal(acc.body.assignee, '志愿者王 13700001111');
		expectError(assert, await social.client.post(`/api/v1/services/${id}/status`, { uuid: uuid(), status: 'accepted' }), 409, 'service.status', 'status');
		const done = await social.client.post(`/api/v1/services/${id}/status`, { uuid: uuid(), status: 'delivered' });
		assert.equal(done.body.status, 'delivered');
		expectError(assert, await gwB.client.post(`/api/v1/services/${id}/status`, { uuid: uuid(), status: 'cancelled', note: 'x' }), 404, 'service.not_found');
		assert.equal((await social.client.get('/api/v1/services')).body.items.length, 1);
		assert.equal((await social.client.get('/api/v1/services?status=all')).body.items.length, 2);
	});

	it('keeps the board counts', async () => {
		const b = await admin.get(`/api/v1/observation-board?area=${TOWN_A}`);
		assert.equal(b.status, 200, JSON.stringify(b.body));
		assert.equal(b.body.date, '2026-12-01');
		assert.deepEqual(b.body.counts, {
			active: 2, started_today: 2, released_today: 0, fevers_today: 1, alerts_open: 1,
			due_today: 2, complete_today: 0, overdue_visits: 0, services_open: 1, due_release: 0, to_place: 0,
		});
		assert.equal(b.body.children.length, 1);
		assert.equal(b.body.children[0].area, VILLAGE_A);
		expectError(assert, await gw.client.get('/api/v1/observation-board'), 403, 'forbidden');
		const county = await admin.get('/api/v1/observation-board');
		assert.equal(county.body.area, COUNTY);
		assert.equal(county.body.counts.active, 2);
		const fever = await admin.get('/api/v1/observations?filter=fever_today');
		assert.deepEqual(fever.body.items.map((o) => o.id), [obs1.id]);
	});

	it('shows overdue slots after the morning deadline', async () => {
		await start('2026-12-01T13:00:00');
		const t = await gw.client.get('/api/v1/observations/today');
		assert.equal(t.status, 200);
		const byId = Object.fromEntries(t.body.items.map((o) => [o.id, o]));
		assert.equal(byId[obs2.id].overdue_count, 1);
		assert.equal(byId[obs1.id].overdue_count, 0);
		assert.equal(t.body.counts.overdue, 1);
		const b = await admin.get(`/api/v1/observation-board?area=${VILLAGE_A}`);
		assert.equal(b.body.counts.overdue_visits, 1);
		const od = await admin.get('/api/v1/observations?filter=overdue');
		assert.deepEqual(od.body.items.map((o) => o.id), [obs2.id]);
		assert.equal(od.body.total, 1);
		const inc = await admin.get('/api/v1/observations?filter=incomplete_today');
		assert.equal(inc.body.total, 2);
		// a late entry keeps its real time and fills the morning
		const late = await visit(gw.client, obs2.id, { temperature: 36.6, at: '2026-12-01T02:30:00Z' });
		assert.equal(late.status, 201);
		assert.equal(late.body.visit.slot, 'morning');
		assert.equal(late.body.visit.late, true);
		assert.equal((await admin.get(`/api/v1/observation-board?area=${VILLAGE_A}`)).body.counts.overdue_visits, 0);
		// the self-report alert is closed; the link survives the restart
		assert.equal((await new Client(srv.url).get(`/api/v1/self/${token1}`)).status, 200);
		const al = (await doctor.client.get('/api/v1/alerts')).body.items[0];
		assert.equal((await doctor.client.post(`/api/v1/alerts/${al.id}/result`, { uuid: uuid(), result: 'excluded' })).status, 200);
		await checkCounts();
	});

	it('changes who is responsible; the card follows', async () => {
		const doc2 = await newUser(srv, admin, { role: 'doctor', area: VILLAGE_A, phone: '13900139003', display_name: '村医生' });
		const path = `/api/v1/observations/${obs2.id}/staff`;
		expectError(assert, await gw.client.post(path, { uuid: uuid(), doctor: doc2.user.id }), 403, 'forbidden');
		expectError(assert, await admin.post(path, { uuid: uuid() }), 400, 'field.required', 'grid_worker');
		expectError(assert, await admin.post(path, { uuid: uuid(), doctor: gw.user.id }), 400, 'observation.staff.invalid', 'doctor');
		expectError(assert, await admin.post(path, { uuid: uuid(), social_worker: gwB.user.id }), 400, 'observation.staff.invalid', 'social_worker');
		const r = await admin.post(path, { uuid: uuid(), doctor: doc2.user.id, social_worker: '' });
		assert.equal(r.status, 200, JSON.stringify(r.body));
		assert.equal(r.body.doctor.phone, '13900139003');
		assert.equal(r.body.social_worker, null);
		assert.equal(r.body.grid_worker.id, gw.user.id, 'absent fields are kept');
		const card = await gw.client.get(`/api/v1/observations/${obs2.id}/card`);
		assert.equal(card.body.items[0].observation.doctor.name, '村医生');
		const back = await admin.post(path, { uuid: uuid(), doctor: doctor.user.id, social_worker: social.user.id });
		assert.equal(back.body.doctor.phone, DOCTOR_PHONE);
	});

	it('changes the period with a reason and refuses an early release', async () => {
		expectError(assert, await gw.client.post(`/api/v1/observations/${obs2.id}/period`, { uuid: uuid(), end_date: '2026-12-16', reason: 'x' }), 403, 'forbidden');
		expectError(assert, await admin.post(`/api/v1/observations/${obs2.id}/period`, { uuid: uuid(), end_date: '2026-12-16' }), 400, 'field.required', 'reason');
		expectError(assert, await admin.post(`/api/v1/observations/${obs2.id}/period`, { uuid: uuid(), end_date: '2026-11-30', reason: 'x' }), 400, 'observation.end.invalid', 'end_date');
		expectError(assert, await admin.post(`/api/v1/observations/${obs2.id}/period`, { uuid: uuid(), end_date: '9999-12-31', reason: 'x' }), 400, 'observation.end.invalid', 'end_date');
		const r = await admin.post(`/api/v1/observations/${obs2.id}/period`, { uuid: uuid(), end_date: '2026-12-16', reason: '同住人出现症状，延长一天' });
		assert.equal(r.status, 200, JSON.stringify(r.body));
		assert.equal(r.body.end_date, '2026-12-16');
		expectError(assert, await admin.post(`/api/v1/observations/${obs1.id}/release`, { uuid: uuid() }), 409, 'observation.not_due');
	});

	it('releases on the end date; reminders and the link stop', async () => {
		await start('2026-12-15T10:00:00');
		const due = await admin.get('/api/v1/observations?filter=due_release');
		assert.deepEqual(due.body.items.map((o) => o.id), [obs1.id]);
		assert.equal(due.body.items[0].due_release, true);
		const b = await admin.get(`/api/v1/observation-board?area=${VILLAGE_A}`);
		assert.equal(b.body.counts.due_release, 1);
		const today = await gw.client.get('/api/v1/observations/today');
		assert.deepEqual(today.body.items.map((o) => o.id), [obs2.id], 'no reminder after the period');

		const body = { uuid: uuid(), note: '期满无异常' };
		const r = await admin.post(`/api/v1/observations/${obs1.id}/release`, body);
		assert.equal(r.status, 200, JSON.stringify(r.body));
		assert.equal(r.body.status, 'released');
		assert.ok(r.body.released_at);
		assert.equal((await admin.post(`/api/v1/observations/${obs1.id}/release`, body)).status, 200);
		expectError(assert, await admin.post(`/api/v1/observations/${obs1.id}/release`, { uuid: uuid() }), 409, 'observation.ended');
		expectError(assert, await visit(gw.client, obs1.id, { temperature: 36.5 }), 409, 'observation.ended');
		expectError(assert, await new Client(srv.url).get(`/api/v1/self/${token1}`), 404, 'selfreport.not_found');
		expectError(assert, await gw.client.get(`/api/v1/observations/${obs1.id}/card`), 409, 'observation.ended');
		const file = await admin.get(`/api/v1/persons/${people.zhang}`);
		assert.equal(file.body.status, 'released');
		const b2 = await admin.get(`/api/v1/observation-board?area=${VILLAGE_A}`);
		assert.equal(b2.body.counts.released_today, 1);
		assert.equal(b2.body.counts.active, 1);
		assert.equal(b2.body.counts.due_release, 0);
		const rel = await admin.get('/api/v1/observations?filter=released_today');
		assert.deepEqual(rel.body.items.map((o) => o.id), [obs1.id]);
	});

	it('prints contact cards with a QR code and the staff phones', async () => {
		const r = await gw.client.get(`/api/v1/cards?area=${VILLAGE_A}`);
		assert.equal(r.status, 200);
		assert.equal(r.body.items.length, 1);
		const card = r.body.items[0];
		assert.equal(card.observation.id, obs2.id);
		assert.equal(card.observation.doctor.phone, DOCTOR_PHONE);
		assert.match(card.url, /\/r\/[A-Za-z0-9_-]{22}$/);
		assert.match(card.qr_svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
		const one = await gw.client.get(`/api/v1/observations/${obs2.id}/card`);
		assert.equal(one.body.items[0].url, card.url, 'the same link every time it is printed');
		const token2 = card.url.split('/r/')[1];
		assert.equal((await new Client(srv.url).get(`/api/v1/self/${token2}`)).body.name, '芳');
		expectError(assert, await gwB.client.get(`/api/v1/cards?area=${VILLAGE_A}`), 404, 'area.not_found', 'area');
		// card reads are audited without waiting for the commit: poll until both are there
		await waitFor(async () => (await admin.get('/api/v1/audit?action=observation.card')).body.items.length >= 2,
			{ what: 'two observation.card audit rows' });
	});

	it('ends an observation when the referral confirms a case', async () => {
		const p = await place(gw.client, { person_id: people.chen });
		assert.equal(p.status, 201);
		const id = p.body.observation.id;
		const f = await visit(gw.client, id, { temperature: 39.1, symptoms: ['fever', 'cough'] });
		const al = f.body.alert;
		const r = await doctor.client.post(`/api/v1/alerts/${al.id}/referral`, {
			uuid: uuid(), destination: 'designated_hospital', facility: '常州市第三人民医院', transport: '负压救护车', result: 'confirmed',
		});
		assert.equal(r.status, 200, JSON.stringify(r.body));
		assert.equal(r.body.status, 'closed');
		const o = await gw.client.get(`/api/v1/observations/${id}`);
		assert.equal(o.body.status, 'transferred');
		assert.equal(o.body.end_reason, 'confirmed');
		const file = await admin.get(`/api/v1/persons/${people.chen}`);
		assert.equal(file.body.status, 'confirmed');
		assert.ok(file.body.categories.includes('confirmed'));
		const b = await admin.get(`/api/v1/observation-board?area=${VILLAGE_A}`);
		assert.equal(b.body.counts.active, 1);
		assert.equal(b.body.counts.alerts_open, 0);
		assert.equal(b.body.counts.started_today, 1);
		await checkCounts();
	});
});

describe('self-report links: --public-url and the rate limit', () => {
	let s2;
	after(async () => {
		if (s2) await s2.stop();
	});

	it('answers 429 past --self-per-minute, per link and per address', async () => {
		s2 = await startServer({ args: ['--self-per-minute', '3', '--public-url', 'https://fk.example.cn/liyang'] });
		const a = await adminClient(s2);
		const p = await person(a, '孙丽', VILLAGE_A);
		const r = await place(a, { person_id: p });
		assert.equal(r.status, 201, JSON.stringify(r.body));
		// --public-url is the base of the printed link
		const card = await a.get(`/api/v1/observations/${r.body.observation.id}/card`);
		assert.equal(card.body.items[0].url, `https://fk.example.cn/liyang/r/${r.body.token}`);
		const anon = new Client(s2.url);
		for (let i = 0; i < 3; i++) assert.equal((await anon.get(`/api/v1/self/${r.body.token}`)).status, 200);
		expectError(assert, await anon.get(`/api/v1/self/${r.body.token}`), 429, 'rate.limited');
		expectError(assert, await anon.post(`/api/v1/self/${r.body.token}/reports`, { uuid: uuid(), temperature: 36.5 }), 429, 'rate.limited');
		// the limit is not a lockout of the household's page: other routes of the server answer
		assert.equal((await a.get('/api/v1/observation-policy')).status, 200);
	});
});
