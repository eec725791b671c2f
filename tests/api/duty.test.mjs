// 24-hour duty (值班值守, issue 15) through the API, on a clock set with --clock-offset to
// 02:00 on 2026-12-10 (Asia/Shanghai), so that the night shift going on began the day
// before: posts and the area's duty phone, the roster set and copied with its gaps, who is
// on duty now up the chain county → township → village and the board, swaps asked,
// approved and rejected (refused once a shift has started), the duty log with its owner
// (首问负责制) handed on, returned and closed, a matter turned into a verification task in
// the village's queue, shift handovers missing, pending and confirmed with the open matters
// passing to the next shift, scope (township B sees nothing of township A's posts) and
// hostile input.
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
	makeId,
	newUser,
	offsetFor,
	startServer,
	uuid,
} from './lib.mjs';

const D8 = '2026-12-08';
const D9 = '2026-12-09';
const D10 = '2026-12-10';
const D11 = '2026-12-11';
const D12 = '2026-12-12';

let srv, db, admin, cmdA, cmdB, x, y, z, w, viewer, staff;
const users = () => [cmdA, cmdB, x, y, z, w, viewer, staff];

async function start(local) {
	if (srv) await srv.stop({ keepDir: true });
	srv = await startServer({ db, args: ['--clock-offset', offsetFor(local)] });
	db = srv.db;
	admin = await adminClient(srv);
	for (const u of users()) {
		if (!u) continue;
		u.client = new Client(srv.url);
		await u.client.mustLogin(u.username, u.password);
	}
}

const put = (c, path, body) => c.req('PUT', path, { body });
const setShift = (c, post, date, index, body) =>
	put(c, `/api/v1/duty/posts/${post}/roster/${date}/${index}`, { uuid: uuid(), ...body });
const person = (u, name) => ({ name, phone: '13812345678', user_id: u.user.id });
const rosterOf = async (c, post, from, to) => {
	const r = await c.get(`/api/v1/duty/posts/${post}/roster?from=${from}&to=${to}`);
	assert.equal(r.status, 200, r.text);
	return r.body;
};
const shiftOf = (ro, date, index) => ro.days.find((d) => d.date === date).shifts[index];
const logEntry = (c, post, extra = {}) =>
	c.post(`/api/v1/duty/posts/${post}/log`, {
		uuid: uuid(),
		at: '2026-12-10T01:30:00+08:00',
		kind: 'call',
		from_name: '王某',
		from_contact: '13900001111',
		content: '社渚村有人从武汉回来',
		action: '已记录，联系村里核实',
		...extra,
	});

describe('duty', () => {
	before(async () => {
		await start('2026-12-10T02:00:00');
		[cmdA, cmdB, x, y, z, w, viewer, staff] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'commander', area: TOWN_B }),
			newUser(srv, admin, { role: 'cadre', area: TOWN_A, display_name: '徐值班' }),
			newUser(srv, admin, { role: 'cadre', area: TOWN_A, display_name: '杨值班' }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
			newUser(srv, admin, { role: 'doctor', area: TOWN_A }),
			newUser(srv, admin, { role: 'viewer', area: TOWN_A }),
			newUser(srv, admin, { role: 'checkpoint_staff', area: TOWN_A }),
		]);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it("posts: areas and open checkpoints in scope; an area post's phone is the area's duty phone", async () => {
		const r = await cmdA.client.get('/api/v1/duty/posts');
		assert.equal(r.status, 200, r.text);
		const town = r.body.items.find((p) => p.id === TOWN_A);
		assert.equal(town.kind, 'area');
		assert.equal(town.level, 'township');
		assert.deepEqual(town.shifts, [8, 20]);
		assert.ok(r.body.items.some((p) => p.id === VILLAGE_A && p.level === 'village'));
		assert.ok(!r.body.items.some((p) => p.id === TOWN_B), 'township B is out of scope');
		const p = await put(cmdA.client, `/api/v1/duty/posts/${TOWN_A}`, { uuid: uuid(), phone: '0519 8765 4321' });
		assert.equal(p.status, 200, p.text);
		assert.equal(p.body.phone, '0519-87654321');
		const area = await admin.get(`/api/v1/areas/${TOWN_A}`);
		assert.equal(area.body.duty_phone, '0519-87654321', 'the card keeps reading the area');
		expectError(assert, await put(cmdA.client, `/api/v1/duty/posts/${TOWN_A}`, { uuid: uuid(), phone: '12345' }), 400, 'phone.office_invalid', 'phone');
		expectError(assert, await put(cmdA.client, `/api/v1/duty/posts/${TOWN_A}`, { uuid: uuid(), shifts: [20, 8] }), 400, 'duty.shifts_invalid', 'shifts');
		expectError(assert, await put(cmdA.client, `/api/v1/duty/posts/${TOWN_A}`, { uuid: uuid(), shifts: [1, 2, 3, 4, 5] }), 400, 'duty.shifts_invalid', 'shifts');
		// a cadre works duty but does not manage posts
		expectError(assert, await put(x.client, `/api/v1/duty/posts/${TOWN_A}`, { uuid: uuid(), phone: '0519-87654321' }), 403, 'forbidden');
		// a checkpoint is a post with the checkpoint's shifts; its staff see only it
		const cp = await cmdA.client.post('/api/v1/checkpoints', { uuid: uuid(), name: '社渚卡口', area: VILLAGE_A, kind: 'road', opened_on: D8, shift_starts: [0, 8, 16] });
		assert.equal(cp.status, 201, cp.text);
		const j = await cmdA.client.post(`/api/v1/checkpoints/${cp.body.id}/staff`, { uuid: uuid(), user_id: staff.user.id });
		assert.equal(j.status, 200, j.text);
		staff.client = new Client(srv.url);
		await staff.client.mustLogin(staff.username, staff.password);
		const cps = (await cmdA.client.get(`/api/v1/duty/posts?area=${VILLAGE_A}`)).body.items.find((q) => q.id === cp.body.id);
		assert.equal(cps.kind, 'checkpoint');
		assert.deepEqual(cps.shifts, [0, 8, 16]);
		const mine = await staff.client.get('/api/v1/duty/posts');
		assert.deepEqual(mine.body.items.map((q) => q.id), [cp.body.id]);
		assert.equal((await staff.client.get(`/api/v1/duty/posts/${TOWN_A}/roster`)).status, 404);
		const cput = await put(cmdA.client, `/api/v1/duty/posts/${cp.body.id}`, { uuid: uuid(), phone: '13912345678' });
		assert.equal(cput.status, 200, cput.text);
		assert.equal(cput.body.phone, '13912345678');
	});

	it('roster: shifts set, gaps shown, a week copied', async () => {
		// the roster of the 8th and 9th is made before those shifts start (a shift that has
		// started is history and cannot be rewritten)
		await start('2026-12-08T07:00:00');
		let r = await setShift(cmdA.client, TOWN_A, D8, 1, { leader: { name: '老值班' }, officers: [] });
		assert.equal(r.status, 200, r.text);
		r = await setShift(cmdA.client, TOWN_A, D9, 0, { leader: person(x, '徐值班'), officers: [{ name: '甲', phone: '0519-87000001-802' }] });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.start, '2026-12-09T08:00:00+08:00');
		assert.equal(r.body.end, '2026-12-09T20:00:00+08:00');
		assert.equal(r.body.officers[0].phone, '0519-87000001-802');
		r = await setShift(cmdA.client, TOWN_A, D9, 1, { leader: person(y, '杨值班'), officers: [{ name: '乙', phone: '13812345679' }] });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.end, '2026-12-10T08:00:00+08:00', 'the night shift ends next morning');
		const ro = await rosterOf(x.client, TOWN_A, D8, D10);
		assert.equal(ro.days.length, 3);
		assert.equal(shiftOf(ro, D9, 0).leader.name, '徐值班');
		assert.equal(shiftOf(ro, D9, 0).gap, false);
		assert.equal(shiftOf(ro, D10, 0).gap, true, 'nobody on the day shift of the 10th');
		assert.equal(shiftOf(ro, D8, 0).gap, true);
		// emptied again: a gap
		r = await setShift(cmdA.client, TOWN_A, D8, 0, { leader: null, officers: [] });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.gap, true);
		// the default range is this week, Monday to Sunday
		const week = await x.client.get(`/api/v1/duty/posts/${TOWN_A}/roster`);
		assert.equal(week.body.days.length, 7);
		assert.equal(week.body.days[0].date, '2026-12-07');
		// copy the 9th onto the 12th
		const c = await cmdA.client.post(`/api/v1/duty/posts/${TOWN_A}/roster/copy`, { uuid: uuid(), from: D9, to: D12, days: 1 });
		assert.equal(c.status, 200, c.text);
		assert.equal(c.body.copied, 2);
		const ro12 = await rosterOf(x.client, TOWN_A, D12, D12);
		assert.equal(shiftOf(ro12, D12, 0).leader.name, '徐值班');
		assert.equal(shiftOf(ro12, D12, 0).start, '2026-12-12T08:00:00+08:00');
		assert.equal(shiftOf(ro12, D12, 1).officers[0].name, '乙');
		expectError(assert, await cmdA.client.post(`/api/v1/duty/posts/${TOWN_A}/roster/copy`, { uuid: uuid(), from: D9, to: D12, days: 32 }), 400, 'field.value', 'days');
		// an account out of scope cannot be put on the roster
		expectError(assert, await setShift(cmdA.client, TOWN_A, D11, 0, { leader: person(cmdB, '竹箦') }), 404, 'user.not_found', 'user_id');
		await start('2026-12-10T02:00:00');
		// now the 8th and 9th are history: neither set nor copied onto
		expectError(assert, await setShift(cmdA.client, TOWN_A, D9, 0, { leader: null, officers: [] }), 409, 'duty.shift_started');
		expectError(assert, await setShift(cmdA.client, TOWN_A, D9, 1, { leader: null, officers: [] }), 409, 'duty.shift_started', undefined);
		expectError(assert, await cmdA.client.post(`/api/v1/duty/posts/${TOWN_A}/roster/copy`, { uuid: uuid(), from: D12, to: D9, days: 2 }), 409, 'duty.shift_started');
		// the copy's last target day must lie within a year too
		expectError(assert, await cmdA.client.post(`/api/v1/duty/posts/${TOWN_A}/roster/copy`, { uuid: uuid(), from: D12, to: '2027-12-05', days: 31 }), 400, 'duty.date_invalid', 'to');
	});

	it('who is on duty now: the night shift begun yesterday, up the chain county → township → village', async () => {
		let r = await setShift(admin, COUNTY, D9, 1, { leader: { name: '县带班', phone: '0519-87111111' }, officers: [] });
		assert.equal(r.status, 200, r.text);
		const now = await viewer.client.get(`/api/v1/duty/now?area=${VILLAGE_A}`);
		assert.equal(now.status, 200, now.text);
		const ids = now.body.items.map((i) => i.post.id);
		assert.deepEqual(ids.slice(0, 3), [COUNTY, TOWN_A, VILLAGE_A]);
		const [county, town, village] = now.body.items;
		assert.equal(county.leader.name, '县带班');
		assert.equal(county.leader.phone, '0519-87111111', 'work phones in full');
		assert.deepEqual(town.shift, { date: D9, index: 1, start: '2026-12-09T20:00:00+08:00', end: '2026-12-10T08:00:00+08:00' });
		assert.equal(town.leader.name, '杨值班');
		assert.equal(town.post.phone, '0519-87654321');
		assert.equal(town.gap, false);
		assert.equal(village.gap, true);
		assert.ok(now.body.items.some((i) => i.post.kind === 'checkpoint'), 'the checkpoints inside the village');
		// default: the caller's area; another township is out of scope
		assert.equal((await viewer.client.get('/api/v1/duty/now')).body.items[1].post.id, TOWN_A);
		expectError(assert, await viewer.client.get(`/api/v1/duty/now?area=${TOWN_B}`), 404, 'area.not_found');
		// the board: every post under the commander's scope, gaps counted
		const b = await cmdA.client.get('/api/v1/duty/board');
		assert.equal(b.status, 200, b.text);
		assert.ok(b.body.items.length > 10);
		assert.ok(b.body.items.every((i) => i.post.area.startsWith(TOWN_A)));
		assert.equal(b.body.gaps, b.body.items.filter((i) => i.gap).length);
		assert.ok(b.body.gaps >= 1);
		expectError(assert, await x.client.get('/api/v1/duty/board'), 403, 'forbidden');
	});

	let swap;
	it('swaps: asked before the earlier shift starts, approved by a leader, rejected, refused when started', async () => {
		await setShift(cmdA.client, TOWN_A, D11, 0, { leader: person(x, '徐值班'), officers: [{ name: '丙' }] });
		await setShift(cmdA.client, TOWN_A, D11, 1, { leader: person(y, '杨值班'), officers: [] });
		const ask = (c, a, b) => c.post(`/api/v1/duty/posts/${TOWN_A}/swaps`, { uuid: uuid(), a, b, reason: '家中有事' });
		let r = await ask(x.client, { date: D11, index: 0, slot: 'leader' }, { date: D11, index: 1, slot: 'leader' });
		assert.equal(r.status, 201, r.text);
		swap = r.body;
		assert.equal(swap.state, 'pending');
		assert.equal(swap.a_person.name, '徐值班');
		assert.equal(swap.b_person.name, '杨值班');
		assert.equal(shiftOf(await rosterOf(x.client, TOWN_A, D11, D11), D11, 0).swap_pending, true);
		const pend = await x.client.get(`/api/v1/duty/posts/${TOWN_A}/swaps?state=pending`);
		assert.deepEqual(pend.body.items.map((s) => s.id), [swap.id]);
		// someone who leads neither shift may not decide
		expectError(assert, await w.client.post(`/api/v1/duty/swaps/${swap.id}/approve`, { uuid: uuid() }), 403, 'duty.not_leader');
		// a village's grid worker does not even see the township's swap
		expectError(assert, await z.client.post(`/api/v1/duty/swaps/${swap.id}/approve`, { uuid: uuid() }), 404, 'duty.swap_not_found');
		r = await y.client.post(`/api/v1/duty/swaps/${swap.id}/approve`, { uuid: uuid() });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.state, 'approved');
		const ro = await rosterOf(x.client, TOWN_A, D11, D11);
		assert.equal(shiftOf(ro, D11, 0).leader.name, '杨值班');
		assert.equal(shiftOf(ro, D11, 1).leader.name, '徐值班');
		assert.equal(shiftOf(ro, D11, 0).swap_pending, false);
		expectError(assert, await y.client.post(`/api/v1/duty/swaps/${swap.id}/reject`, { uuid: uuid() }), 409, 'duty.swap_decided');
		// within one shift: leader and officer change places; a manager rejects
		r = await ask(x.client, { date: D11, index: 0, slot: 'leader' }, { date: D11, index: 0, slot: 'officer:0' });
		assert.equal(r.status, 201, r.text);
		r = await cmdA.client.post(`/api/v1/duty/swaps/${r.body.id}/reject`, { uuid: uuid() });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.state, 'rejected');
		// the night shift going on has started: too late
		expectError(assert, await ask(y.client, { date: D9, index: 1, slot: 'leader' }, { date: D11, index: 1, slot: 'leader' }), 409, 'duty.swap_started');
		// nobody in the slot, a slot with itself, a malformed slot
		expectError(assert, await ask(x.client, { date: D11, index: 0, slot: 'officer:3' }, { date: D11, index: 1, slot: 'leader' }), 400, 'duty.slot_invalid', 'slot');
		expectError(assert, await ask(x.client, { date: D11, index: 0, slot: 'leader' }, { date: D11, index: 0, slot: 'leader' }), 400, 'duty.swap_same', 'b');
		expectError(assert, await ask(x.client, { date: D11, index: 0, slot: 'boss' }, { date: D11, index: 1, slot: 'leader' }), 400, 'duty.slot_invalid', 'a.slot');
	});

	let mine, managers;
	it('the log: the officer on duty owns what they take; hand, return, close by the owner or a manager', async () => {
		let r = await logEntry(y.client, TOWN_A);
		assert.equal(r.status, 201, r.text);
		mine = r.body;
		assert.equal(mine.owner.user_id, y.user.id);
		assert.equal(mine.owner.name, '杨值班');
		assert.equal(mine.state, 'open');
		assert.equal(mine.events[0].what, 'created');
		// not on the shift going on: refused; a manager may
		expectError(assert, await logEntry(x.client, TOWN_A), 403, 'duty.not_on_duty');
		r = await logEntry(cmdA.client, TOWN_A, { kind: 'report', content: '村口卡点缺口罩' });
		assert.equal(r.status, 201, r.text);
		managers = r.body;
		// a return before it was handed on
		expectError(assert, await y.client.post(`/api/v1/duty/log/${mine.id}/return`, { uuid: uuid(), result: '?' }), 409, 'duty.log_not_handed');
		r = await y.client.post(`/api/v1/duty/log/${mine.id}/hand`, { uuid: uuid(), to: '社渚村委会', note: '请核实' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.state, 'handed');
		assert.equal(r.body.handed_to, '社渚村委会');
		r = await y.client.post(`/api/v1/duty/log/${mine.id}/return`, { uuid: uuid(), result: '已核实，居家观察' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.returned, true);
		assert.equal(r.body.result, '已核实，居家观察');
		// anyone on duty work may add a line; only the owner or a manager closes
		r = await x.client.post(`/api/v1/duty/log/${mine.id}/note`, { uuid: uuid(), note: '已电话回访' });
		assert.equal(r.status, 200, r.text);
		expectError(assert, await x.client.post(`/api/v1/duty/log/${mine.id}/close`, { uuid: uuid(), result: '办结' }), 403, 'duty.not_owner');
		expectError(assert, await x.client.post(`/api/v1/duty/log/${mine.id}/hand`, { uuid: uuid(), to: '别处' }), 403, 'duty.not_owner');
		const open = await x.client.get(`/api/v1/duty/posts/${TOWN_A}/log?from=${D9}&to=${D10}&state=open`);
		assert.equal(open.status, 200, open.text);
		assert.deepEqual(open.body.items.map((e) => e.id).sort(), [mine.id, managers.id].sort());
		assert.deepEqual(open.body.items.find((e) => e.id === mine.id).events.map((e) => e.what), ['created', 'handed', 'returned', 'note']);
		// the daily report of the township and of the county counts the matters taken on duty
		for (const [c, area] of [[cmdA.client, TOWN_A], [admin, COUNTY]]) {
			const rep = await c.get(`/api/v1/reports/daily?area=${area}&date=${D10}`);
			assert.equal(rep.status, 200, rep.text);
			assert.equal(rep.body.figures.duty_matters_new, 2, JSON.stringify(rep.body.figures));
		}
		const before = await cmdA.client.get(`/api/v1/reports/daily?area=${TOWN_A}&date=${D9}`);
		assert.equal(before.body.figures.duty_matters_new, 0);
	});

	it("a matter becomes a verification task in the village's queue", async () => {
		const r = await y.client.post(`/api/v1/duty/log/${mine.id}/task`, { uuid: uuid(), name: '李四', phone: '13812340000', address: '社渚镇社渚村1组', origin: '湖北省武汉市', arrived_on: D9 });
		assert.equal(r.status, 200, r.text);
		assert.ok(r.body.task_id && r.body.person_id, r.text);
		assert.equal(r.body.task_area, VILLAGE_A);
		const t = await admin.get(`/api/v1/tasks/${r.body.task_id}`);
		assert.equal(t.status, 200, t.text);
		assert.equal(t.body.area, VILLAGE_A);
		assert.equal(t.body.status, 'open');
		const q = await z.client.get(`/api/v1/tasks?area=${VILLAGE_A}&status=open`);
		assert.ok(q.body.items.some((i) => i.id === r.body.task_id), 'in the village queue');
		expectError(assert, await y.client.post(`/api/v1/duty/log/${mine.id}/task`, { uuid: uuid(), name: '李四', address: '社渚镇社渚村1组' }), 409, 'duty.log_has_task');
		// closing now, and again
		let c = await y.client.post(`/api/v1/duty/log/${mine.id}/close`, { uuid: uuid(), result: '已转核查' });
		assert.equal(c.status, 200, c.text);
		assert.equal(c.body.state, 'closed');
		expectError(assert, await y.client.post(`/api/v1/duty/log/${mine.id}/close`, { uuid: uuid() }), 409, 'duty.log_closed');
	});

	let handover;
	it('handovers: missing, pending, confirmed; the open matters pass to the next shift', async () => {
		// only the outgoing shift's officers (or a manager) hand over, in the window
		expectError(assert, await y.client.post(`/api/v1/duty/posts/${TOWN_A}/handovers`, { uuid: uuid(), date: D9, index: 0, note: '' }), 403, 'duty.not_shift');
		expectError(assert, await cmdA.client.post(`/api/v1/duty/posts/${TOWN_A}/handovers`, { uuid: uuid(), date: D8, index: 1, note: '' }), 409, 'duty.handover_window');
		let r = await x.client.post(`/api/v1/duty/posts/${TOWN_A}/handovers`, { uuid: uuid(), date: D9, index: 0, note: '村口卡点缺口罩未解决' });
		assert.equal(r.status, 201, r.text);
		handover = r.body;
		assert.deepEqual(handover.open_items, [managers.id]);
		assert.equal(handover.open_total, 1, 'the real count beside the (capped) list');
		assert.equal(handover.confirmed_by, null);
		assert.equal(shiftOf(await rosterOf(x.client, TOWN_A, D9, D9), D9, 0).handover, 'pending');
		expectError(assert, await x.client.post(`/api/v1/duty/posts/${TOWN_A}/handovers`, { uuid: uuid(), date: D9, index: 0, note: '' }), 409, 'duty.handover_exists');
		// the next shift confirms, not the outgoing one
		expectError(assert, await x.client.post(`/api/v1/duty/handovers/${handover.id}/confirm`, { uuid: uuid() }), 403, 'duty.not_shift');
		r = await y.client.post(`/api/v1/duty/handovers/${handover.id}/confirm`, { uuid: uuid(), note: '收到' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.confirmed_by, '杨值班');
		expectError(assert, await y.client.post(`/api/v1/duty/handovers/${handover.id}/confirm`, { uuid: uuid() }), 409, 'duty.handover_confirmed');
		const ro = await rosterOf(x.client, TOWN_A, D8, D10);
		assert.equal(shiftOf(ro, D9, 0).handover, 'confirmed');
		assert.equal(shiftOf(ro, D8, 1).handover, 'missing');
		assert.equal(shiftOf(ro, D9, 1).handover, 'not_due');
		const list = await x.client.get(`/api/v1/duty/posts/${TOWN_A}/log?from=${D9}&to=${D10}&state=open`);
		const passed = list.body.items.find((e) => e.id === managers.id);
		assert.equal(passed.owner.user_id, y.user.id, 'the open matter passed to who took over');
		assert.equal(passed.events.at(-1).what, 'passed');
		// the new owner closes it; a manager may close anyone's
		const c = await y.client.post(`/api/v1/duty/log/${managers.id}/close`, { uuid: uuid(), result: '已补发' });
		assert.equal(c.status, 200, c.text);
		const hs = await x.client.get(`/api/v1/duty/posts/${TOWN_A}/handovers?from=${D8}&to=${D10}`);
		assert.deepEqual(hs.body.items.map((h) => h.id), [handover.id]);
	});

	it('township B gets 404 on every route of township A\'s post and objects', async () => {
		const c = cmdB.client;
		const entry = (await logEntry(cmdA.client, TOWN_A)).body;
		const sw = await x.client.post(`/api/v1/duty/posts/${TOWN_A}/swaps`, { uuid: uuid(), a: { date: D12, index: 0, slot: 'leader' }, b: { date: D12, index: 1, slot: 'leader' }, reason: '' });
		assert.equal(sw.status, 201, sw.text);
		const reqs = [
			['GET', `/api/v1/duty/posts/${TOWN_A}/roster`],
			['PUT', `/api/v1/duty/posts/${TOWN_A}`, { phone: '0519-87654322' }],
			['PUT', `/api/v1/duty/posts/${TOWN_A}/roster/${D11}/0`, { leader: null, officers: [] }],
			['POST', `/api/v1/duty/posts/${TOWN_A}/roster/copy`, { from: D9, to: D12, days: 1 }],
			['GET', `/api/v1/duty/posts/${TOWN_A}/swaps`],
			['POST', `/api/v1/duty/posts/${TOWN_A}/swaps`, { a: { date: D12, index: 0, slot: 'leader' }, b: { date: D12, index: 1, slot: 'leader' } }],
			['POST', `/api/v1/duty/swaps/${sw.body.id}/approve`, {}],
			['POST', `/api/v1/duty/swaps/${sw.body.id}/reject`, {}],
			['GET', `/api/v1/duty/posts/${TOWN_A}/log`],
			['POST', `/api/v1/duty/posts/${TOWN_A}/log`, { at: '2026-12-10T01:00:00+08:00', kind: 'call', content: 'x' }],
			['POST', `/api/v1/duty/log/${entry.id}/hand`, { to: 'x' }],
			['POST', `/api/v1/duty/log/${entry.id}/return`, { result: 'x' }],
			['POST', `/api/v1/duty/log/${entry.id}/close`, { result: 'x' }],
			['POST', `/api/v1/duty/log/${entry.id}/note`, { note: 'x' }],
			['POST', `/api/v1/duty/log/${entry.id}/task`, { name: '李四', address: '社渚镇社渚村1组' }],
			['GET', `/api/v1/duty/posts/${TOWN_A}/handovers`],
			['POST', `/api/v1/duty/posts/${TOWN_A}/handovers`, { date: D9, index: 1, note: '' }],
			['POST', `/api/v1/duty/handovers/${handover.id}/confirm`, {}],
		];
		for (const [method, path, body] of reqs) {
			const r = await c.req(method, path, body ? { body: { uuid: uuid(), ...body } } : {});
			assert.equal(r.status, 404, `${method} ${path}: ${r.status} ${r.text}`);
		}
		// and nothing changed
		const sws = await x.client.get(`/api/v1/duty/posts/${TOWN_A}/swaps?state=pending`);
		assert.ok(sws.body.items.some((s) => s.id === sw.body.id));
	});

	it('hostile input is refused by field', async () => {
		const c = cmdA.client;
		expectError(assert, await setShift(c, TOWN_A, D11, 0, { leader: { name: '张'.repeat(5000) } }), 400, 'field.too_long', 'leader.name');
		expectError(assert, await setShift(c, TOWN_A, D11, 0, { leader: { name: ' ' } }), 400, 'duty.name_invalid', 'leader.name');
		expectError(assert, await setShift(c, TOWN_A, D11, 0, { officers: Array.from({ length: 7 }, (_, i) => ({ name: `员${i}` })) }), 400, 'duty.officers_too_many', 'officers');
		expectError(assert, await setShift(c, TOWN_A, D11, 0, { officers: [{ name: '甲', phone: 'x'.repeat(100) }] }), 400, 'field.too_long', 'officers[0].phone');
		expectError(assert, await setShift(c, TOWN_A, D11, 0, { officers: [{ name: '甲', boss: 1 }] }), 400, 'field.unknown', 'officers[0].boss');
		expectError(assert, await setShift(c, TOWN_A, '2026-02-30', 0, { officers: [] }), 400, 'duty.date_invalid', 'date');
		expectError(assert, await setShift(c, TOWN_A, '2029-01-01', 0, { officers: [] }), 400, 'duty.date_invalid', 'date');
		expectError(assert, await setShift(c, TOWN_A, D11, 2, { officers: [] }), 400, 'duty.shift_invalid', 'index');
		expectError(assert, await setShift(c, TOWN_A, D11, 9, { officers: [] }), 400, 'duty.shift_invalid', 'index');
		expectError(assert, await c.get(`/api/v1/duty/posts/${TOWN_A}/roster?from=2026-12-01&to=2027-02-01`), 400, 'duty.date_invalid', 'to');
		assert.equal((await c.get(`/api/v1/duty/posts/${TOWN_A}/roster?from=2026-12-01&to=2027-01-31`)).status, 200, '62 days');
		expectError(assert, await c.get(`/api/v1/duty/posts/${TOWN_A}/roster?from=${D11}&to=${D9}`), 400, 'duty.date_invalid', 'from');
		expectError(assert, await c.get(`/api/v1/duty/posts/${TOWN_A}/roster?from=2026-13-01`), 400, 'duty.date_invalid', 'from');
		expectError(assert, await c.get(`/api/v1/duty/posts/${TOWN_A}/log?from=2026-09-01&to=${D10}`), 400, 'duty.date_invalid', 'to');
		expectError(assert, await c.get(`/api/v1/duty/posts/${TOWN_A}/log?state=closedish`), 400, 'query.invalid', 'state');
		expectError(assert, await c.get('/api/v1/duty/posts/12345/roster'), 404, 'duty.post_not_found');
		expectError(assert, await c.get(`/api/v1/duty/posts/${'9'.repeat(3000)}/roster`), 404, 'duty.post_not_found');
		expectError(assert, await c.get(`/api/v1/duty/posts/${uuid()}/roster`), 404, 'duty.post_not_found');
		expectError(assert, await logEntry(c, TOWN_A, { content: '长'.repeat(1001) }), 400, 'field.too_long', 'content');
		expectError(assert, await logEntry(c, TOWN_A, { at: '2026-12-10T09:00:00+08:00' }), 400, 'duty.at_invalid', 'at');
		expectError(assert, await logEntry(c, TOWN_A, { at: 'yesterday' }), 400, 'duty.at_invalid', 'at');
		expectError(assert, await logEntry(c, TOWN_A, { kind: 'gossip' }), 400, 'field.value', 'kind');
		expectError(assert, await c.post(`/api/v1/duty/log/${uuid()}/hand`, { uuid: uuid(), to: 'x' }), 404, 'duty.log_not_found');
		expectError(assert, await c.post(`/api/v1/duty/log/${mine.id}/hand`, { uuid: uuid(), to: 'x'.repeat(65) }), 400, 'field.too_long', 'to');
		expectError(assert, await c.post(`/api/v1/duty/posts/${TOWN_A}/swaps`, { uuid: uuid(), a: { date: D11, index: 0, slot: 'leader' }, b: 'x' }), 400, 'field.type', 'b');
		expectError(assert, await c.post(`/api/v1/duty/posts/${TOWN_A}/roster/copy`, { uuid: uuid(), from: 'x', to: D12, days: 1 }), 400, 'duty.date_invalid', 'from');
		// quotes, backslashes and emoji survive the board's hand-written JSON
		const odd = 'a"b\\c\u{1F600}<>';
		assert.equal((await setShift(c, VILLAGE_A, D9, 1, { leader: { name: odd }, officers: [] })).status, 200);
		const now = await c.get(`/api/v1/duty/now?area=${VILLAGE_A}`);
		assert.equal(now.status, 200, now.text);
		assert.equal(now.body.items.find((i) => i.post.id === VILLAGE_A).leader.name, odd);
		const board = await c.get('/api/v1/duty/board');
		assert.equal(board.body.items.find((i) => i.post.id === VILLAGE_A).leader.name, odd);
	});

	it("changing a post's shifts retimes its roster; a shift past the new count goes", async () => {
		const V = '320481116201';
		assert.equal((await setShift(cmdA.client, V, D11, 0, { leader: { name: '早班' } })).status, 200);
		assert.equal((await setShift(cmdA.client, V, D11, 1, { leader: { name: '晚班' } })).status, 200);
		const r = await put(cmdA.client, `/api/v1/duty/posts/${V}`, { uuid: uuid(), shifts: [7] });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body.shifts, [7]);
		const ro = await rosterOf(cmdA.client, V, D11, D11);
		assert.equal(ro.days[0].shifts.length, 1);
		assert.equal(ro.days[0].shifts[0].start, '2026-12-11T07:00:00+08:00');
		assert.equal(ro.days[0].shifts[0].end, '2026-12-12T07:00:00+08:00');
		assert.equal(ro.days[0].shifts[0].leader.name, '早班');
		// at 02:00 on the 10th the one shift of the 9th is on duty, until 07:00
		const now = await cmdA.client.get(`/api/v1/duty/now?area=${V}`);
		const v = now.body.items.find((i) => i.post.id === V);
		assert.deepEqual([v.shift.date, v.shift.index, v.shift.end], [D9, 0, '2026-12-10T07:00:00+08:00']);
		// the shift that is no more cannot be set
		expectError(assert, await setShift(cmdA.client, V, D11, 1, { leader: { name: '晚班' } }), 400, 'duty.shift_invalid', 'index');
	});

	it('a swap cannot be approved once its earlier shift has started', async () => {
		await setShift(cmdA.client, TOWN_A, D10, 0, { leader: person(x, '徐值班'), officers: [] });
		const r = await x.client.post(`/api/v1/duty/posts/${TOWN_A}/swaps`, { uuid: uuid(), a: { date: D10, index: 0, slot: 'leader' }, b: { date: D11, index: 1, slot: 'leader' }, reason: '' });
		assert.equal(r.status, 201, r.text);
		await start('2026-12-10T09:00:00'); // the day shift of the 10th has begun
		expectError(assert, await cmdA.client.post(`/api/v1/duty/swaps/${r.body.id}/approve`, { uuid: uuid() }), 409, 'duty.swap_started');
		// who is on duty has moved on to the day shift
		const now = await viewer.client.get(`/api/v1/duty/now?area=${TOWN_A}`);
		const town = now.body.items.find((i) => i.post.id === TOWN_A);
		assert.equal(town.shift.date, D10);
		assert.equal(town.shift.index, 0);
		assert.equal(town.leader.name, '徐值班');
	});

	// from here the clock stands at 09:00 on the 10th: the day shift (10th, 0) is going on
	let gw, sw;
	it('the roster names only accounts that could act at the post; a gap of the shift going on may be filled', async () => {
		let other, off;
		[gw, sw, other, off] = await Promise.all([
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A, display_name: '网格员' }),
			newUser(srv, admin, { role: 'social_worker', area: VILLAGE_A, display_name: '社工' }),
			newUser(srv, admin, { role: 'grid_worker', area: '320481116201' }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		]);
		// another village's grid worker could not act at this village's post
		expectError(assert, await setShift(cmdA.client, VILLAGE_A, D11, 0, { leader: person(other, '别村') }), 400, 'field.value', 'user_id');
		// nor a disabled account, nor one with no duty work (a viewer)
		assert.equal((await admin.patch(`/api/v1/users/${off.user.id}`, { disabled: true })).status, 200);
		expectError(assert, await setShift(cmdA.client, VILLAGE_A, D11, 0, { officers: [person(off, '停用')] }), 400, 'field.value', 'user_id');
		expectError(assert, await setShift(cmdA.client, VILLAGE_A, D11, 0, { officers: [person(viewer, '只看')] }), 400, 'field.value', 'user_id');
		// the township's cadre may serve at its village's post
		assert.equal((await setShift(cmdA.client, VILLAGE_A, D11, 0, { leader: person(x, '徐值班') })).status, 200);
		// the village's day shift going on is a gap: it may be filled now, once
		const r = await setShift(cmdA.client, VILLAGE_A, D10, 0, { leader: person(gw, '网格员'), officers: [person(sw, '社工')] });
		assert.equal(r.status, 200, r.text);
		expectError(assert, await setShift(cmdA.client, VILLAGE_A, D10, 0, { leader: person(gw, '网格员'), officers: [] }), 409, 'duty.shift_started');
	});

	it('a task from an entry: only roles that work tasks; in the post\'s own area; no file of another township touched or named', async () => {
		// a social worker keeps the log but opens no task
		let r = await logEntry(sw.client, VILLAGE_A, { at: '2026-12-10T08:30:00+08:00' });
		assert.equal(r.status, 201, r.text);
		expectError(assert, await sw.client.post(`/api/v1/duty/log/${r.body.id}/task`, { uuid: uuid(), name: '李四', address: '社渚镇社渚村1组' }), 403, 'forbidden');
		// a file of township B with an ID number
		const idn = makeId('19790303', 917);
		const b = await admin.post('/api/v1/persons', { uuid: uuid(), name: '竹箦某', id_number: idn, area: TOWN_B, address: '竹箦镇竹箦村3号', phone: '13800138000' });
		assert.equal(b.status, 201, b.text);
		const bBefore = await admin.get(`/api/v1/persons/${b.body.id}`);
		r = await logEntry(gw.client, VILLAGE_A, { at: '2026-12-10T08:40:00+08:00' });
		assert.equal(r.status, 201, r.text);
		const t = await gw.client.post(`/api/v1/duty/log/${r.body.id}/task`, { uuid: uuid(), name: '竹箦某', id_number: idn, address: '竹箦镇竹箦村3号' });
		assert.equal(t.status, 200, t.text);
		assert.ok(t.body.task_id, t.text);
		assert.notEqual(t.body.person_id, b.body.id, 'the file of township B is not named');
		assert.equal(t.body.task_area, VILLAGE_A, 'the task and its area are answered');
		assert.ok(!t.text.includes(b.body.id), t.text);
		const task = await admin.get(`/api/v1/tasks/${t.body.task_id}`);
		assert.equal(task.status, 200, task.text);
		assert.equal(task.body.area, VILLAGE_A, "in the post's area queue");
		const bAfter = await admin.get(`/api/v1/persons/${b.body.id}`);
		assert.deepEqual(bAfter.body, bBefore.body, 'the file of township B is unchanged');
		// at a checkpoint's post the task acts for the county; its staff (no person.read)
		// learn the task and its area, never the file
		const cp = (await staff.client.get('/api/v1/duty/posts')).body.items[0].id;
		const e = await logEntry(cmdA.client, cp, { at: '2026-12-10T08:45:00+08:00' });
		assert.equal(e.status, 201, e.text);
		const ct = await cmdA.client.post(`/api/v1/duty/log/${e.body.id}/task`, { uuid: uuid(), name: '卡口某', address: '社渚镇社渚村2组' });
		assert.equal(ct.status, 200, ct.text);
		assert.ok(ct.body.person_id, 'a commander reads files');
		const seen = (await staff.client.get(`/api/v1/duty/posts/${cp}/log?from=${D10}&to=${D10}`)).body.items.find((i) => i.id === e.body.id);
		assert.equal(seen.task_id, ct.body.task_id);
		assert.equal(seen.task_area, ct.body.task_area);
		assert.equal(seen.person_id, null, 'checkpoint staff learn nothing of the file');
	});

	it("the caller's contact: in full to the owner, a manager or a revealer; masked to the others", async () => {
		const r = await logEntry(gw.client, VILLAGE_A, { at: '2026-12-10T08:50:00+08:00', from_contact: '13900001111' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.from_contact, '13900001111', 'the owner');
		const free = await logEntry(gw.client, VILLAGE_A, { at: '2026-12-10T08:51:00+08:00', from_contact: '村委 0519-87654321' });
		const seen = async (c) => {
			const l = await c.get(`/api/v1/duty/posts/${VILLAGE_A}/log?from=${D10}&to=${D10}`);
			assert.equal(l.status, 200, l.text);
			return Object.fromEntries(l.body.items.map((e) => [e.id, e.from_contact]));
		};
		const bySw = await seen(sw.client); // on the shift, not the owner, no right to reveal
		assert.equal(bySw[r.body.id], '139****1111');
		assert.equal(bySw[free.body.id], '村委 0519-876***21');
		assert.equal((await seen(cmdA.client))[r.body.id], '13900001111', 'a duty manager');
		assert.equal((await seen(z.client))[r.body.id], '13900001111', 'a grid worker may reveal phones');
		const one = await sw.client.post(`/api/v1/duty/log/${r.body.id}/note`, { uuid: uuid(), note: '看过' });
		assert.equal(one.body.from_contact, '139****1111');
	});

	it('an entry holds at most 200 events; a full entry may still be closed', async () => {
		const r = await logEntry(gw.client, VILLAGE_A, { at: '2026-12-10T08:55:00+08:00' });
		assert.equal(r.status, 201, r.text);
		for (let i = 1; i < 200; i++) {
			const n = await gw.client.post(`/api/v1/duty/log/${r.body.id}/note`, { uuid: uuid(), note: `第${i}条` });
			assert.equal(n.status, 200, n.text);
		}
		expectError(assert, await gw.client.post(`/api/v1/duty/log/${r.body.id}/note`, { uuid: uuid(), note: '再一条' }), 409, 'duty.log_full');
		const c = await gw.client.post(`/api/v1/duty/log/${r.body.id}/close`, { uuid: uuid(), result: '办结' });
		assert.equal(c.status, 200, c.text);
		// the newest 200, in order
		assert.equal(c.body.events.length, 200);
		assert.equal(c.body.events.at(-1).what, 'closed');
		assert.equal(c.body.events[0].note, '第1条');
		const l = await gw.client.get(`/api/v1/duty/posts/${VILLAGE_A}/log?from=${D10}&to=${D10}`);
		const e = l.body.items.find((i) => i.id === r.body.id);
		assert.equal(e.events.length, 200);
		assert.equal(e.events.at(-1).what, 'closed');
	});

	it('a leader may not approve their own swap; the other leader or a manager may', async () => {
		// y leads the day shift of the 11th (after the first swap), x the day shift of the 12th
		const ro = await rosterOf(x.client, TOWN_A, D11, D12);
		assert.equal(shiftOf(ro, D11, 0).leader.user_id, y.user.id);
		assert.equal(shiftOf(ro, D12, 0).leader.user_id, x.user.id);
		const r = await y.client.post(`/api/v1/duty/posts/${TOWN_A}/swaps`, { uuid: uuid(), a: { date: D11, index: 0, slot: 'leader' }, b: { date: D12, index: 0, slot: 'leader' }, reason: '' });
		assert.equal(r.status, 201, r.text);
		expectError(assert, await y.client.post(`/api/v1/duty/swaps/${r.body.id}/approve`, { uuid: uuid() }), 403, 'duty.not_leader');
		const a = await x.client.post(`/api/v1/duty/swaps/${r.body.id}/approve`, { uuid: uuid() });
		assert.equal(a.status, 200, a.text);
		assert.equal(a.body.state, 'approved');
	});

	it('a handover whose shift is gone with a change of shifts is confirmed by the shift going on', async () => {
		const V = '320481116208';
		// the day shift going on is a gap: filled now with x
		let r = await setShift(cmdA.client, V, D10, 0, { leader: person(x, '徐值班') });
		assert.equal(r.status, 200, r.text);
		r = await cmdA.client.post(`/api/v1/duty/posts/${V}/handovers`, { uuid: uuid(), date: D9, index: 1, note: '' });
		assert.equal(r.status, 201, r.text);
		// one shift a day from 09:00: the night shift of the 9th is no more; x's slot is the
		// shift going on (09:00 on the 10th to 09:00 on the 11th)
		assert.equal((await put(cmdA.client, `/api/v1/duty/posts/${V}`, { uuid: uuid(), shifts: [9] })).status, 200);
		const c = await x.client.post(`/api/v1/duty/handovers/${r.body.id}/confirm`, { uuid: uuid() });
		assert.equal(c.status, 200, c.text);
		assert.equal(c.body.confirmed_by, '徐值班');
	});

	it('a log range past the last date there is is refused, not answered empty', async () => {
		expectError(assert, await cmdA.client.get(`/api/v1/duty/posts/${TOWN_A}/log?from=9999-12-31&to=9999-12-31`), 400, 'duty.date_invalid', 'to');
		const b = await cmdA.client.get('/api/v1/duty/board');
		assert.equal(b.status, 200, b.text);
		assert.equal(b.body.truncated, false);
	});
});
