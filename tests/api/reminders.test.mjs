// Reminders nobody's action raises (issue 10, item 7): a sweep, run by the server now and then
// and by `fangkong sweep --at TIME` here (so that the test need not wait for the clock),
// reminds of an open task past its deadline (the grid workers of its area), a person verified
// and not placed (those workers and the commanders over the area) and an observation whose
// daily reports are missing (its doctor and the workers) — once per object, kind and day, so
// that a rerun writes nothing — and tells the area's robot, masked. It prunes read
// notifications after 30 days and all after 90. A new task also reaches the robot.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/reminders.test.mjs
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, TOWN_B, VILLAGE_A, adminClient, makeId, newUser, runOk, startServer, uuid, waitFor } from './lib.mjs';

const DAY = 86400000;
const PHONE = '13812340000';
let srv, admin, gw, doctor, cmdA, cmdB, receiver;
const got = [];

const list = async (c) => (await c.client.get('/api/v1/notifications?limit=100')).body;
const kinds = async (c) => (await list(c)).items.map((n) => n.kind).sort();
async function sweep(days) {
	const r = await runOk(['sweep', '--db', srv.db, '--at', new Date(Date.now() + days * DAY).toISOString()]);
	return JSON.parse(r.stdout);
}
/** Imports rows [name, seq] as a list of returnees: each a task in 社渚村. */
async function importRows(rows) {
	const csv = '姓名,身份证号码,联系电话,现住址\r\n' + rows.map(([n, q]) => `${n},${makeId('19850101', q)},${PHONE},社渚镇社渚村${q}号\r\n`).join('');
	const fd = new FormData();
	fd.append('file', new Blob([Buffer.from(csv, 'utf8')]), 'r.csv');
	const up = await admin.post('/api/v1/imports', fd);
	assert.equal(up.status, 202, up.text);
	await waitFor(async () => (await admin.get(`/api/v1/imports/${up.body.id}`)).body.status === 'done', { timeoutMs: 30000 * SLOW, what: 'import' });
}
const taskOf = async (name) => (await admin.get('/api/v1/tasks?limit=100')).body.items.find((t) => t.person_name === name);
async function person(name, seq) {
	const p = await admin.post('/api/v1/persons', { uuid: uuid(), name, id_number: makeId('19850101', seq), area: VILLAGE_A, address: '社渚村5号', phone: PHONE });
	assert.ok(p.status === 201 || p.status === 200, p.text);
	return p.body;
}

before(async () => {
	receiver = createServer((req, res) => {
		let b = '';
		req.on('data', (d) => (b += d));
		req.on('end', () => { got.push(JSON.parse(b).text.content); res.writeHead(200).end('{"errcode":0}'); });
	});
	await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
	srv = await startServer();
	admin = await adminClient(srv);
	[gw, doctor, cmdA, cmdB] = await Promise.all([
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'doctor', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
	]);
	const r = await cmdA.client.req('PUT', `/api/v1/areas/${TOWN_A}/outbound`, {
		body: { uuid: uuid(), kind: 'wecom', url: `http://127.0.0.1:${receiver.address().port}/send?key=r` },
	});
	assert.equal(r.status, 200, r.text);
});
after(async () => {
	await srv?.stop();
	receiver?.close();
});

describe('reminders', () => {
	it('a new task reaches the area\'s robot, masked, once while one waits', async () => {
		await importRows([['提醒甲', 101], ['提醒丙', 103]]);
		await waitFor(() => got.some((t) => t.includes('【新任务】')), { timeoutMs: 20000 * SLOW, what: 'the new task on the robot' });
		const t = got.find((x) => x.includes('【新任务】'));
		assert.match(t, /社渚村/);
		assert.ok(!t.includes(PHONE), 'no phone');
		assert.equal(got.filter((x) => x.includes('【新任务】')).length, 1, 'two tasks of one import, one message');
	});

	it('reminds of overdue tasks, unplaced persons and missed reports once a day, to whom it concerns', async () => {
		const placed = await person('提醒乙', 102);
		const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: placed.id, doctor: doctor.user.id });
		assert.equal(o.status, 201, o.text);
		const task = await taskOf('提醒丙');
		const unplaced = { id: task.person_id };
		assert.equal((await gw.client.post(`/api/v1/tasks/${task.id}/close`, { uuid: uuid(), outcome: 'observation' })).status, 200);
		// read what the new tasks said, so that only reminders are unread
		for (const c of [gw, doctor, cmdA]) await c.client.post('/api/v1/notifications/read', { uuid: uuid(), all: true });

		assert.deepEqual(await sweep(0), { task_overdue: 0, to_place: 1, visit_missed: 0, pruned: 0, prereg_pruned: 0 }, 'today: only the unplaced person');
		assert.deepEqual(await sweep(0), { task_overdue: 0, to_place: 0, visit_missed: 0, pruned: 0, prereg_pruned: 0 }, 'a rerun reminds no one twice');
		const r = await sweep(5);
		assert.ok(r.task_overdue >= 1, JSON.stringify(r));
		assert.equal(r.to_place, 1);
		assert.equal(r.visit_missed, 1);
		assert.deepEqual(await sweep(5), { task_overdue: 0, to_place: 0, visit_missed: 0, pruned: 0, prereg_pruned: 0 });

		const g = await list(gw);
		assert.ok(g.items.some((n) => n.kind === 'task_overdue' && n.object_type === 'task'), JSON.stringify(g.items));
		assert.equal(g.items.filter((n) => n.kind === 'to_place').length, 2, 'today and five days on');
		const miss = g.items.find((n) => n.kind === 'visit_missed');
		assert.equal(miss.object_id, o.body.observation.id);
		assert.ok(miss.detail.missed >= 2, JSON.stringify(miss));
		const d = await kinds(doctor);
		assert.ok(d.includes('visit_missed') && !d.includes('to_place') && !d.includes('task_overdue'), d.join());
		const c = await list(cmdA);
		assert.equal(c.items.filter((n) => n.kind === 'to_place')[0].object_id, unplaced.id);
		assert.ok(!c.items.some((n) => n.kind === 'visit_missed'));
		assert.equal((await list(cmdB)).items.length, 0, 'another township hears nothing');
		const all = JSON.stringify([g, c]);
		assert.ok(!all.includes(PHONE) && !all.includes('19850101'), 'no phone or ID number');

		await waitFor(() => ['【任务逾期】', '【待落实观察】', '【漏报提醒】'].every((k) => got.some((t) => t.includes(k))), { timeoutMs: 30000 * SLOW, what: 'the reminders on the robot' });
		assert.ok(!got.some((t) => t.includes(PHONE)));
		const audit = await admin.get('/api/v1/audit?action=notification.sweep&limit=10');
		assert.ok(audit.body.items.length >= 4, audit.text);
	});

	it('prunes read notifications after 30 days and all after 90', async () => {
		const before = (await list(gw)).items;
		await gw.client.post('/api/v1/notifications/read', { uuid: uuid(), all: true });
		const docBefore = (await list(doctor)).items;
		assert.ok(docBefore.some((n) => !n.read));
		const r = await sweep(40);
		assert.ok(r.pruned >= before.length, JSON.stringify(r));
		const g = (await list(gw)).items;
		assert.ok(!g.some((n) => before.some((b) => b.id === n.id)), 'the worker\'s read ones are gone');
		const d = (await list(doctor)).items;
		assert.ok(docBefore.filter((n) => !n.read).every((n) => d.some((x) => x.id === n.id)), 'unread ones stay');
		await sweep(100);
		const d2 = (await list(doctor)).items;
		assert.ok(!d2.some((x) => docBefore.some((n) => n.id === x.id)), 'after 90 days all are gone');
	});
});
