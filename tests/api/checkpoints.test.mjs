// Checkpoints (卡口, issue 12) through the API: opening one, its staff, a car of four
// registered with the plate normalised, the outcomes the rules propose (fever → clinic, a key
// area or its plate → handover), a handover's file and task in the destination's village and
// the checkpoint seeing it closed, corrections as versions, totals per shift, day and
// checkpoint, the QR pre-registration (public, hostile input) confirmed at the gate, scope,
// masking, idempotency, a closed checkpoint refusing, and `fangkong check` recounting.
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
	exportDoneOf,
	exportSheet,
	makeId,
	newUser,
	run,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

let srv, admin, cmdA, cmdB, staff, staff2, gw;
let cp, cpB;
let seq = 700;
const idNo = () => makeId('19850301', ++seq);
const now = () => new Date(Date.now() - 1000).toISOString().replace('Z', '+00:00');
const localDay = (t = Date.now()) => new Date(t + 8 * 3600e3).toISOString().slice(0, 10);

const person = (extra = {}) => ({
	name: '张三',
	id_number: idNo(),
	phone: '13812345678',
	temperature: 36.5,
	origin: '江苏省常州市',
	destination: '社渚镇社渚村1组',
	purpose: '返乡',
	...extra,
});
const passage = (extra = {}) => ({
	uuid: uuid(),
	at: now(),
	plate: '苏D12345',
	vehicle_kind: 'car',
	direction: 'in',
	persons: [person()],
	...extra,
});
const register = (c, id, body) => c.post(`/api/v1/checkpoints/${id}/passages`, body);

describe('checkpoints', () => {
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		[cmdA, cmdB, staff, staff2, gw] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'commander', area: TOWN_B }),
			newUser(srv, admin, { role: 'checkpoint_staff', area: TOWN_A }),
			newUser(srv, admin, { role: 'checkpoint_staff', area: TOWN_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		]);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('a commander opens a checkpoint in scope; bad fields are refused by name', async () => {
		const body = { uuid: uuid(), name: '社渚高速出口', area: TOWN_A, kind: 'highway', opened_on: '2020-01-24', location: 'G4011 社渚出口' };
		const r = await cmdA.client.post('/api/v1/checkpoints', body);
		assert.equal(r.status, 201, r.text);
		cp = r.body;
		assert.equal(cp.name, '社渚高速出口');
		assert.equal(cp.open, true);
		assert.deepEqual(cp.shift_starts, [8, 20]);
		assert.equal(cp.today.vehicles, 0);
		// a replay answers the same; another body under the uuid is a conflict
		const again = await cmdA.client.post('/api/v1/checkpoints', body);
		assert.equal(again.status, 200);
		assert.equal(again.body.id, cp.id);
		expectError(assert, await cmdA.client.post('/api/v1/checkpoints', { ...body, name: '别的' }), 409, 'idempotency.conflict');
		// out of scope, bad kind, bad date, bad shifts
		expectError(assert, await cmdA.client.post('/api/v1/checkpoints', { ...body, uuid: uuid(), area: TOWN_B }), 404, 'area.not_found');
		expectError(assert, await cmdA.client.post('/api/v1/checkpoints', { ...body, uuid: uuid(), kind: 'tollgate' }), 400, 'field.value', 'kind');
		expectError(assert, await cmdA.client.post('/api/v1/checkpoints', { ...body, uuid: uuid(), opened_on: '2020-02-30' }), 400, 'checkpoint.date_invalid', 'opened_on');
		expectError(assert, await cmdA.client.post('/api/v1/checkpoints', { ...body, uuid: uuid(), shift_starts: [20, 8] }), 400, 'checkpoint.shifts_invalid', 'shift_starts');
		// staff may not open one
		expectError(assert, await staff.client.post('/api/v1/checkpoints', { ...body, uuid: uuid() }), 403, 'forbidden');
		const b = await cmdB.client.post('/api/v1/checkpoints', { uuid: uuid(), name: '竹箦村口', area: TOWN_B, kind: 'village', opened_on: '2020-01-25', shift_starts: [0, 8, 16] });
		assert.equal(b.status, 201, b.text);
		cpB = b.body;
	});

	it('staff join a checkpoint; they see and register at their own only', async () => {
		const r = await cmdA.client.post(`/api/v1/checkpoints/${cp.id}/staff`, { uuid: uuid(), user_id: staff.user.id });
		assert.equal(r.status, 200, r.text);
		// its post and scope changed: it signs in again
		assert.equal((await staff.client.get('/api/v1/me')).status, 401);
		await staff.client.mustLogin(staff.username, staff.password);
		const me = await staff.client.get('/api/v1/me');
		assert.equal(me.body.checkpoint.id, cp.id);
		assert.ok(me.body.permissions.includes('checkpoint.work'));
		// a grid worker is no checkpoint staff; another township's commander cannot
		expectError(assert, await cmdA.client.post(`/api/v1/checkpoints/${cp.id}/staff`, { uuid: uuid(), user_id: gw.user.id }), 400, 'checkpoint.staff_role', 'user_id');
		expectError(assert, await cmdB.client.post(`/api/v1/checkpoints/${cp.id}/staff`, { uuid: uuid(), user_id: staff2.user.id }), 404, 'checkpoint.not_found');
		const got = await cmdA.client.get(`/api/v1/checkpoints/${cp.id}`);
		assert.deepEqual(got.body.staff.map((s) => s.id), [staff.user.id]);
		assert.equal(got.body.shifts_today.length, 2);
		// staff2 belongs to no checkpoint: it registers nowhere, sees nothing
		expectError(assert, await register(staff2.client, cp.id, passage()), 404, 'checkpoint.not_found');
		assert.deepEqual((await staff2.client.get('/api/v1/checkpoints')).body.items, []);
		// the other township's checkpoint is not found for staff or commander A
		expectError(assert, await register(staff.client, cpB.id, passage()), 404, 'checkpoint.not_found');
		expectError(assert, await cmdA.client.get(`/api/v1/checkpoints/${cpB.id}`), 404, 'checkpoint.not_found');
		expectError(assert, await cmdB.client.get(`/api/v1/checkpoints/${cp.id}`), 404, 'checkpoint.not_found');
		const list = await staff.client.get('/api/v1/checkpoints');
		assert.deepEqual(list.body.items.map((c) => c.id), [cp.id]);
	});

	let four;
	it('a car of four: plate normalised, outcomes proposed, masked answers, a replay', async () => {
		const body = passage({
			plate: '苏 d·12345',
			persons: [
				person({ name: '司机甲' }),
				person({ name: '乘客乙', temperature: 38.0 }),
				person({ name: '乘客丙', origin: '湖北省武汉市', destination: '社渚镇社渚村2组' }),
				person({ name: '乘客丁', outcome: 'turned_back' }),
			],
		});
		const r = await register(staff.client, cp.id, body);
		assert.equal(r.status, 201, r.text);
		four = r.body;
		assert.equal(four.plate, '苏D12345');
		assert.equal(four.plate_province, '苏');
		assert.equal(four.plate_key_area, false);
		assert.deepEqual(four.persons.map((p) => p.outcome), ['passed', 'clinic', 'handover', 'turned_back']);
		assert.deepEqual(four.persons.map((p) => p.proposed), ['passed', 'clinic', 'handover', 'passed']);
		assert.equal(four.persons[2].key_area, true);
		assert.equal(four.persons[2].area, VILLAGE_A);
		assert.equal(four.persons[2].task_status, 'open');
		assert.equal(four.persons[0].task_id, null);
		for (const p of four.persons) {
			assert.match(p.id_number, /\*/, 'masked ID number');
			assert.match(p.phone, /\*/, 'masked phone');
			assert.equal(p.person_id, undefined, 'the file is not the checkpoint\'s');
		}
		assert.ok(!r.text.includes(body.persons[0].id_number));
		const again = await register(staff.client, cp.id, body);
		assert.equal(again.status, 200);
		assert.equal(again.body.id, four.id);
		expectError(assert, await register(staff.client, cp.id, { ...body, plate: '苏D54321' }), 409, 'idempotency.conflict');
	});

	it('the handover is a verification task in the destination village, due in 24 h', async () => {
		const tid = four.persons[2].task_id;
		const t = await admin.get(`/api/v1/tasks/${tid}`);
		assert.equal(t.status, 200, t.text);
		assert.equal(t.body.area, VILLAGE_A);
		assert.ok(Math.abs(Date.parse(t.body.due_at) / 1000 - (four.at + 24 * 3600)) < 120, JSON.stringify(t.body));
		// the staff cannot open the task or the file
		assert.equal((await staff.client.get(`/api/v1/tasks/${tid}`)).status, 403);
		// the village closes it; the checkpoint sees the outcome and the count
		const c = await gw.client.post(`/api/v1/tasks/${tid}/close`, { uuid: uuid(), outcome: 'duplicate' });
		assert.equal(c.status, 200, c.text);
		const p = await staff.client.get(`/api/v1/passages/${four.id}`);
		assert.equal(p.body.persons[2].task_status, 'closed');
		// reading a registration (names, masked numbers) is on record, as a file's
		await waitFor(async () => (await admin.get(`/api/v1/audit?action=passage.read&user=${staff.username}`)).body.items.some((x) => x.object_id === four.id), { what: 'the read audited' });
		assert.equal(p.body.persons[2].task_outcome, 'duplicate');
		const mine = await staff.client.get(`/api/v1/checkpoints/${cp.id}`);
		assert.equal(mine.body.today.handed_over, 1);
		assert.equal(mine.body.today.handovers_closed, 1);
		assert.equal(mine.body.open_handovers, 0);
	});

	it('a Hubei plate hands over every arrival; leaving is passed; the rules refuse bad input', async () => {
		const r = await register(staff.client, cp.id, passage({ plate: '鄂A12345', persons: [person(), person({ destination: '不存在的地方' })] }));
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.plate_key_area, true);
		assert.deepEqual(r.body.persons.map((p) => p.outcome), ['handover', 'handover']);
		// an unresolved destination goes to the checkpoint's township
		assert.equal(r.body.persons[1].area, TOWN_A);
		const out = await register(staff.client, cp.id, passage({ plate: '鄂AD12345', direction: 'out' }));
		assert.equal(out.status, 201, out.text);
		assert.equal(out.body.persons[0].outcome, 'passed');
		// malformed plate, unless unreadable with a note
		expectError(assert, await register(staff.client, cp.id, passage({ plate: '苏DI2345' })), 400, 'plate.invalid', 'plate');
		expectError(assert, await register(staff.client, cp.id, passage({ plate: 'xx', plate_unreadable: true })), 400, 'plate.note_required', 'note');
		const blind = await register(staff.client, cp.id, passage({ plate: '', plate_unreadable: true, note: '白色面包车，无前牌' }));
		assert.equal(blind.status, 201, blind.text);
		assert.equal(blind.body.plate_unreadable, true);
		expectError(assert, await register(staff.client, cp.id, passage({ at: new Date(Date.now() + 3600e3).toISOString() })), 400, 'passage.at_invalid', 'at');
		expectError(assert, await register(staff.client, cp.id, passage({ at: '2020-01-01T10:00:00+08:00' })), 400, 'passage.at_invalid', 'at');
		expectError(assert, await register(staff.client, cp.id, passage({ persons: [] })), 400, 'passage.persons', 'persons');
		expectError(assert, await register(staff.client, cp.id, passage({ persons: [person({ temperature: 47 })] })), 400, 'passage.temperature.range', 'persons[0].temperature');
		expectError(assert, await register(staff.client, cp.id, passage({ persons: [person({ outcome: 'shot' })] })), 400, 'field.value', 'persons[0].outcome');
		expectError(assert, await register(staff.client, cp.id, passage({ vehicle_kind: 'tank' })), 400, 'field.value', 'vehicle_kind');
		expectError(assert, await register(staff.client, cp.id, passage({ persons: Array.from({ length: 61 }, () => person()) })), 400, 'passage.persons', 'persons');
		expectError(assert, await register(staff.client, cp.id, passage({ persons: [person({ name: 'x'.repeat(41) })] })), 400, 'field.too_long', 'persons[0].name');
		// a defective ID number is kept, flagged, as in imports
		const good = idNo();
		const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		const bad = await register(staff.client, cp.id, passage({ persons: [person({ id_number: wrongCheck })] }));
		assert.equal(bad.status, 201, bad.text);
		assert.equal(bad.body.persons[0].id_valid, false);
		assert.match(bad.body.persons[0].defects, /id\./);
	});

	it('totals per shift, day and checkpoint; drill-down to the registrations', async () => {
		const day = localDay();
		const s = await cmdA.client.get(`/api/v1/checkpoints/stats?area=${TOWN_A}&from=${day}&to=${day}`);
		assert.equal(s.status, 200, s.text);
		assert.equal(s.body.vehicles, 5);
		assert.equal(s.body.persons, 9);
		assert.equal(s.body.key_area_vehicles, 2);
		assert.equal(s.body.clinic, 1);
		assert.equal(s.body.turned_back, 1);
		assert.equal(s.body.handed_over, 3);
		assert.equal(s.body.handovers_closed, 1);
		assert.equal(s.body.checkpoints.length, 1);
		const shifts = s.body.checkpoints[0].shifts;
		assert.equal(shifts.length, 2);
		assert.equal(shifts[0].start, '08:00');
		// every registration of today lies in a shift begun today or yesterday
		const yesterday = localDay(Date.now() - 86400e3);
		const sy = await cmdA.client.get(`/api/v1/checkpoints/stats?area=${TOWN_A}&from=${yesterday}&to=${yesterday}`);
		const inShifts = shifts.reduce((n, x) => n + x.vehicles, 0) + sy.body.checkpoints[0].shifts[1].vehicles;
		assert.equal(inShifts, 5);
		// the county sees both townships; B sees only its own
		const county = await admin.get(`/api/v1/checkpoints/stats?area=${COUNTY}&from=${day}&to=${day}`);
		assert.equal(county.body.checkpoints.length, 2);
		assert.equal(county.body.vehicles, 5);
		const sb = await cmdB.client.get(`/api/v1/checkpoints/stats?from=${day}&to=${day}`);
		assert.deepEqual(sb.body.checkpoints.map((c) => c.id), [cpB.id]);
		expectError(assert, await cmdB.client.get(`/api/v1/checkpoints/stats?area=${TOWN_A}`), 404, 'area.not_found');
		expectError(assert, await cmdA.client.get(`/api/v1/checkpoints/stats?from=2020-01-01&to=2021-06-01`), 400, 'checkpoint.date_invalid', 'to');
		expectError(assert, await cmdA.client.get(`/api/v1/checkpoints/stats?from=2020-13-01`), 400, 'checkpoint.date_invalid', 'from');
		// the daily report of the township counts its checkpoints, in its figures and sentence
		const rep = (await cmdA.client.get(`/api/v1/reports/daily?area=${TOWN_A}`)).body;
		assert.equal(rep.figures.checkpoint_vehicles_new, 5, JSON.stringify(rep.figures));
		assert.equal(rep.figures.checkpoint_persons_total, 9);
		assert.equal(rep.figures.checkpoint_turned_back_new, 1);
		assert.equal(rep.figures.checkpoint_clinic_new, 1);
		assert.equal(rep.figures.checkpoint_handover_new, 3);
		assert.match(rep.sentence, /卡口累计检查车辆5辆、人员9人/);
		// the drill-down
		const all = await cmdA.client.get(`/api/v1/checkpoints/${cp.id}/passages?day=${day}`);
		assert.equal(all.body.total, 5);
		const clinic = await cmdA.client.get(`/api/v1/checkpoints/${cp.id}/passages?day=${day}&outcome=clinic`);
		assert.deepEqual(clinic.body.items.map((p) => p.id), [four.id]);
		const byPlate = await staff.client.get(`/api/v1/checkpoints/${cp.id}/passages?day=${day}&q=${encodeURIComponent('鄂A123')}`);
		assert.equal(byPlate.body.total, 1);
		const page = await staff.client.get(`/api/v1/checkpoints/${cp.id}/passages?day=${day}&limit=2`);
		assert.equal(page.body.items.length, 2);
		assert.equal(page.body.total, 5);
		expectError(assert, await staff.client.get(`/api/v1/checkpoints/${cp.id}/passages?shift=9`), 400, 'query.invalid');
	});

	it('a correction is a new version with its reason; a handover stays', async () => {
		const body = {
			uuid: uuid(), reason: '乘客丁实为放行', plate: '苏D12345', vehicle_kind: 'car', direction: 'in',
			persons: [person({ name: '司机甲' }), person({ name: '乘客乙', temperature: 38.0 }),
				person({ name: '乘客丙', origin: '湖北省武汉市', destination: '社渚镇社渚村2组' }), person({ name: '乘客丁', outcome: 'passed' })],
		};
		expectError(assert, await staff.client.post(`/api/v1/passages/${four.id}/correct`, body), 403, 'forbidden');
		const r = await cmdA.client.post(`/api/v1/passages/${four.id}/correct`, body);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.version, 2);
		assert.equal(r.body.persons[3].outcome, 'passed');
		assert.equal(r.body.persons[2].task_status, 'closed', 'the handover keeps its task');
		const got = await cmdA.client.get(`/api/v1/passages/${four.id}`);
		assert.equal(got.body.versions.length, 1);
		assert.equal(got.body.versions[0].reason, '乘客丁实为放行');
		assert.equal(got.body.versions[0].body.persons[3].outcome, 'turned_back');
		const s = await cmdA.client.get(`/api/v1/checkpoints/stats?area=${TOWN_A}`);
		assert.equal(s.body.turned_back, 0);
		assert.equal((await cmdA.client.get(`/api/v1/reports/daily?area=${TOWN_A}`)).body.figures.checkpoint_turned_back_new, 0, 'the report follows a correction');
		const undo = { ...body, uuid: uuid(), persons: body.persons.map((p, i) => (i === 2 ? { ...p, outcome: 'passed' } : p)) };
		expectError(assert, await cmdA.client.post(`/api/v1/passages/${four.id}/correct`, undo), 409, 'passage.handed_over', 'persons');
		expectError(assert, await cmdA.client.post(`/api/v1/passages/${four.id}/correct`, { ...body, uuid: uuid(), reason: undefined }), 400, 'field.required', 'reason');
		expectError(assert, await cmdA.client.post(`/api/v1/passages/${four.id}/correct`, { ...body, uuid: uuid(), persons: body.persons.slice(1) }), 400, 'passage.persons', 'persons');
		expectError(assert, await cmdB.client.post(`/api/v1/passages/${four.id}/correct`, { ...body, uuid: uuid() }), 404, 'passage.not_found');
	});

	it('the registrations export as a workbook, one row per person, masked', async () => {
		const day = localDay();
		const job = await exportDoneOf(assert, cmdA.client, 'passages', `checkpoint=${cp.id}&from=${day}&to=${day}`);
		assert.equal(job.status, 'done', JSON.stringify(job));
		const rows = await exportSheet(assert, srv, cmdA.client, job.id);
		const head = rows.findIndex((r) => r[0] === '登记时间');
		assert.ok(head >= 0, JSON.stringify(rows.slice(0, 3)));
		const body = rows.slice(head + 1);
		assert.equal(body.length, 9);
		const col = (name) => rows[head].indexOf(name);
		const bing = body.find((r) => r[col('姓名')] === '乘客丙');
		assert.equal(bing[col('处置')], '移交属地');
		assert.equal(bing[col('移交核查')], '已核查');
		assert.match(bing[col('身份证号')], /\*/);
		// out of reach: another township's commander; a bad query
		expectError(assert, await cmdB.client.post(`/api/v1/exports?list=passages&checkpoint=${cp.id}`, { uuid: uuid() }), 404, 'checkpoint.not_found');
		expectError(assert, await cmdA.client.post('/api/v1/exports?list=passages', { uuid: uuid() }), 404, 'checkpoint.not_found', 'checkpoint');
	});

	let code;
	it('pre-registration: the public page, hostile input, the fast lane at the gate', async () => {
		const pub = new Client(srv.url);
		const face = await pub.get(`/api/v1/pre/${cp.id}`);
		assert.equal(face.status, 200, face.text);
		assert.deepEqual(face.body, { name: '社渚高速出口', kind: 'highway', location: 'G4011 社渚出口', open: true, area: TOWN_A });
		// the staff's phone proposes a key-area handover: it reads the key areas
		assert.equal((await staff.client.get('/api/v1/key-areas')).status, 200);
		expectError(assert, await pub.get(`/api/v1/pre/${uuid()}`), 404, 'checkpoint.not_found');
		assert.equal((await pub.get('/api/v1/pre/..%2f..%2fetc')).status, 404);
		const trav = [
			{ name: '王五', id_number: idNo(), phone: '13900001111', origin: '湖北省武汉市', destination: '社渚镇社渚村3组', purpose: '探亲' },
			{ name: '王六', id_number: idNo(), phone: '13900001112', origin: '湖北省武汉市', destination: '社渚镇社渚村3组', purpose: '探亲' },
		];
		const body = { uuid: uuid(), plate: '浙A12345', vehicle_kind: 'car', direction: 'in', persons: trav };
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid(), plate: 'DROP TABLE' }), 400, 'plate.invalid', 'plate');
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid(), persons: [{ ...trav[0], id_number: '123' }] }), 400, 'field.value', 'persons[0].id_number');
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid(), persons: [{ ...trav[0], phone: '12' }] }), 400, 'phone.invalid', 'persons[0].phone');
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid(), persons: [{ ...trav[0], temperature: 36 }] }), 400, 'field.unknown', 'persons[0].temperature');
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid(), persons: Array(10).fill(trav[0]) }), 400, 'passage.persons', 'persons');
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid(), persons: [{ ...trav[0], name: '<'.repeat(5000) }] }), 400, 'field.too_long', 'persons[0].name');
		const r = await pub.post(`/api/v1/pre/${cp.id}`, body);
		assert.equal(r.status, 201, r.text);
		code = r.body.code;
		assert.match(code, /^[2-9A-HJ-NP-Z]{8}$/);
		assert.match(r.body.qr_svg, /^<svg/);
		assert.deepEqual(r.body.persons, trav, 'the traveller sees what they typed');
		assert.equal((await pub.post(`/api/v1/pre/${cp.id}`, body)).body.code, code, 'a replay answers the same code');
		// staff look it up (masked); the other township cannot
		const look = await staff.client.get(`/api/v1/checkpoints/prereg/${code}`);
		assert.equal(look.status, 200, look.text);
		assert.equal(look.body.plate, '浙A12345');
		assert.match(look.body.persons[0].id_number, /\*/);
		expectError(assert, await cmdB.client.get(`/api/v1/checkpoints/prereg/${code}`), 404, 'prereg.not_found');
		expectError(assert, await staff.client.get('/api/v1/checkpoints/prereg/AAAAAAAA'), 404, 'prereg.not_found');
		// confirmed with temperatures: the fast lane
		const confirm = { uuid: uuid(), at: now(), prereg: code, persons: [{ temperature: 36.4 }, { temperature: 36.6 }] };
		const c = await register(staff.client, cp.id, confirm);
		assert.equal(c.status, 201, c.text);
		assert.equal(c.body.prereg, code);
		assert.equal(c.body.plate, '浙A12345');
		assert.deepEqual(c.body.persons.map((p) => p.outcome), ['handover', 'handover']);
		assert.equal((await register(staff.client, cp.id, confirm)).status, 200, 'a resend answers the passage');
		expectError(assert, await register(staff.client, cp.id, { ...confirm, uuid: uuid() }), 404, 'prereg.not_found', 'prereg');
		expectError(assert, await staff.client.get(`/api/v1/checkpoints/prereg/${code}`), 404, 'prereg.not_found');
		// one left unconfirmed is deleted by the sweep once its 24 hours are over
		const left = await pub.post(`/api/v1/pre/${cp.id}`, { ...body, uuid: uuid() });
		assert.equal(left.status, 201, left.text);
		const early = await run(['sweep', '--db', srv.db, '--at', new Date(Date.now() + 23 * 3600e3).toISOString()]);
		assert.equal(early.code, 0, early.stderr);
		assert.equal(JSON.parse(early.stdout).prereg_pruned, 0);
		assert.equal((await staff.client.get(`/api/v1/checkpoints/prereg/${left.body.code}`)).status, 200);
		const late = await run(['sweep', '--db', srv.db, '--at', new Date(Date.now() + 25 * 3600e3).toISOString()]);
		assert.equal(late.code, 0, late.stderr);
		assert.equal(JSON.parse(late.stdout).prereg_pruned, 1);
		expectError(assert, await staff.client.get(`/api/v1/checkpoints/prereg/${left.body.code}`), 404, 'prereg.not_found');
	});

	it('a closed checkpoint takes no registration and no pre-registration', async () => {
		const day = localDay();
		expectError(assert, await cmdA.client.post(`/api/v1/checkpoints/${cp.id}/close`, { uuid: uuid(), closed_on: '2020-01-01' }), 400, 'checkpoint.date_invalid', 'closed_on');
		const r = await cmdA.client.post(`/api/v1/checkpoints/${cp.id}/close`, { uuid: uuid(), closed_on: day });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.open, false);
		expectError(assert, await cmdA.client.post(`/api/v1/checkpoints/${cp.id}/close`, { uuid: uuid(), closed_on: day }), 409, 'checkpoint.closed');
		expectError(assert, await register(staff.client, cp.id, passage()), 409, 'checkpoint.closed');
		const pub = new Client(srv.url);
		expectError(assert, await pub.post(`/api/v1/pre/${cp.id}`, { uuid: uuid(), plate: '浙A12345', vehicle_kind: 'car', direction: 'in', persons: [{ name: '王七', id_number: idNo(), phone: '13900001113', destination: '社渚镇' }] }), 409, 'checkpoint.closed');
		assert.deepEqual((await cmdA.client.get('/api/v1/checkpoints')).body.items, []);
		assert.equal((await cmdA.client.get('/api/v1/checkpoints?closed=1')).body.items.length, 1);
	});

	it('fangkong check recounts the totals from the registrations', async () => {
		const c = await run(['check', '--db', srv.db]);
		assert.equal(c.code, 0, c.stdout + c.stderr);
		assert.match(c.stdout, /checkpoint counts: ok/);
	});
});

describe('pre-registrations have a bound', () => {
	let s2;
	after(async () => {
		if (s2) await s2.stop();
	});
	it('more than --prereg-pending-max waiting at a checkpoint: 429 until some are used or expire', async () => {
		s2 = await startServer({ args: ['--prereg-pending-max', '2'] });
		const adm = await adminClient(s2);
		const c = await adm.post('/api/v1/checkpoints', { uuid: uuid(), name: '限额卡口', area: TOWN_A, kind: 'road', opened_on: '2020-01-24' });
		assert.equal(c.status, 201, c.text);
		const pub = new Client(s2.url);
		const body = () => ({ uuid: uuid(), plate: '浙A12345', vehicle_kind: 'car', direction: 'in', persons: [{ name: '限额', id_number: idNo(), phone: '13900002222', destination: '社渚镇' }] });
		const codes = [];
		for (let i = 0; i < 2; i++) {
			const r = await pub.post(`/api/v1/pre/${c.body.id}`, body());
			assert.equal(r.status, 201, r.text);
			codes.push(r.body.code);
		}
		expectError(assert, await pub.post(`/api/v1/pre/${c.body.id}`, body()), 429, 'rate.limited');
		// one used at the gate makes room
		const used = await adm.post(`/api/v1/checkpoints/${c.body.id}/passages`, { uuid: uuid(), at: now(), prereg: codes[0], persons: [{ temperature: 36.5 }] });
		assert.equal(used.status, 201, used.text);
		assert.equal((await pub.post(`/api/v1/pre/${c.body.id}`, body())).status, 201);
	});
});
