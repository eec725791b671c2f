// In-app notifications (issue 10, item 7): a fever visit notifies the observation's doctor
// and the commanders over its area, a new task the grid workers of its area, in the
// transaction of the event; GET /api/v1/events pushes them to an open page (Server-Sent
// Events), bounded per account, ended by logout; GET /notifications lists one's own,
// POST /notifications/read marks them read (idempotent, audited). A notification never
// carries an ID number or a phone.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/notifications.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, TOWN_B, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const PHONE = '13812345678';
const ID = makeId('19800101', 777);
let srv, admin, gw, doctor, cmdA, cmdB, obs;

/** An open event stream of client c: its events as they come, and a way to close it. */
async function openStream(c) {
	const ctl = new AbortController();
	const res = await fetch(`${srv.url}/api/v1/events`, {
		headers: { Cookie: `fk_session=${c.cookie}` },
		signal: ctl.signal,
	});
	const s = { status: res.status, headers: res.headers, events: [], raw: '', ended: false, close: () => ctl.abort() };
	if (res.status !== 200) {
		s.body = await res.json();
		return s;
	}
	const dec = new TextDecoder();
	(async () => {
		let buf = '';
		try {
			for await (const chunk of res.body) {
				const t = dec.decode(chunk, { stream: true });
				s.raw += t;
				buf += t;
				let i;
				while ((i = buf.indexOf('\n\n')) >= 0) {
					const block = buf.slice(0, i);
					buf = buf.slice(i + 2);
					const ev = { event: 'message', data: '' };
					for (const line of block.split('\n')) {
						if (line.startsWith('event: ')) ev.event = line.slice(7);
						else if (line.startsWith('data: ')) ev.data += line.slice(6);
						else if (line.startsWith('id: ')) ev.id = line.slice(4);
					}
					if (ev.data) ev.data = JSON.parse(ev.data);
					if (block.trim() && !block.startsWith(':') && !block.startsWith('retry')) s.events.push(ev);
				}
			}
		} catch {
			/* aborted */
		}
		s.ended = true;
	})();
	return s;
}

const list = async (c, q = '') => {
	const r = await c.client.get(`/api/v1/notifications${q}`);
	assert.equal(r.status, 200, r.text);
	return r.body;
};

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	[gw, doctor, cmdA, cmdB] = await Promise.all([
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'doctor', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
	]);
	const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '通知甲', id_number: ID, area: VILLAGE_A, address: '社渚村1号', phone: PHONE });
	assert.ok(p.status === 201 || p.status === 200, p.text);
	const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id, doctor: doctor.user.id });
	assert.equal(o.status, 201, o.text);
	obs = o.body.observation ?? o.body;
});
after(async () => {
	await srv?.stop();
});

describe('notifications', () => {
	it('a fever visit reaches the doctor\'s open stream at once, and the commanders over its area', async () => {
		const s = await openStream(doctor.client);
		assert.equal(s.status, 200);
		assert.match(s.headers.get('content-type'), /^text\/event-stream/);
		await waitFor(() => s.events.find((e) => e.event === 'unread'), { what: 'first unread count' });
		assert.equal(s.events[0].data.unread, 0);
		const v = await gw.client.post(`/api/v1/observations/${obs.id}/visits`, {
			uuid: uuid(), mode: 'in_person', temperature: 38.5, saw_person: true, saw_home: true, saw_state: false,
		});
		assert.equal(v.status, 201, v.text);
		const ev = await waitFor(() => s.events.find((e) => e.event === 'notification'), { what: 'the fever on the stream' });
		assert.equal(ev.data.kind, 'fever');
		assert.equal(ev.data.object_type, 'alert');
		assert.equal(ev.data.detail.temperature_dc, 385);
		assert.equal(ev.data.area, VILLAGE_A);
		assert.equal(ev.id, String(ev.data.id));
		await waitFor(() => s.events.find((e) => e.event === 'unread' && e.data.unread === 1), { what: 'unread 1' });
		assert.ok(!s.raw.includes(PHONE) && !s.raw.includes(ID) && !s.raw.includes(PHONE.slice(-4) + '"'), 'no phone or ID number on the stream');
		s.close();

		const mine = await list(doctor);
		assert.equal(mine.unread, 1);
		assert.equal(mine.items[0].kind, 'fever');
		assert.equal((await list(cmdA)).unread, 1, 'the commander of the township hears of it');
		assert.equal((await list(cmdB)).unread, 0, 'another township\'s commander does not');
		assert.equal((await list(gw)).items.filter((n) => n.kind === 'fever').length, 0, 'not the worker who recorded it');
	});

	it('marks read by ids or all, idempotent by uuid and audited', async () => {
		const mine = await list(doctor);
		const id = mine.items[0].id;
		const key = uuid();
		const r = await doctor.client.post('/api/v1/notifications/read', { uuid: key, ids: [id] });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.unread, 0);
		const again = await doctor.client.post('/api/v1/notifications/read', { uuid: key, ids: [id] });
		assert.equal(again.status, 200);
		assert.deepEqual(again.body, { unread: 0 });
		expectError(assert, await doctor.client.post('/api/v1/notifications/read', { uuid: key, all: true }), 409, 'idempotency.conflict');
		expectError(assert, await doctor.client.post('/api/v1/notifications/read', { uuid: uuid() }), 400, 'field.value', 'ids');
		expectError(assert, await doctor.client.post('/api/v1/notifications/read', { uuid: uuid(), ids: ['x'] }), 400, 'field.type', 'ids');
		assert.equal((await list(doctor)).items[0].read, true);
		// another account's ids change nothing of it
		const a = await list(cmdA);
		await doctor.client.post('/api/v1/notifications/read', { uuid: uuid(), ids: [a.items[0].id] });
		assert.equal((await list(cmdA)).unread, 1);
		const all = await cmdA.client.post('/api/v1/notifications/read', { uuid: uuid(), all: true });
		assert.equal(all.body.unread, 0);
		const audit = await admin.get('/api/v1/audit?action=notification.read&limit=50');
		assert.ok(audit.body.items.length >= 3, audit.text);
	});

	it('an imported task and a task forwarded to a village notify their grid workers', async () => {
		const tr = await admin.get(`/api/v1/areas/${TOWN_B}`);
		const villageB = tr.body.children.find((x) => x.level === 'village').code;
		const gwB = await newUser(srv, admin, { role: 'grid_worker', area: villageB });
		const fd = new FormData();
		fd.append('file', new Blob([Buffer.from(`姓名,身份证号码,联系电话,现住址\r\n任务乙,${makeId('19900101', 555)},13800001111,社渚镇社渚村9号\r\n`, 'utf8')]), 'n.csv');
		const up = await admin.post('/api/v1/imports', fd);
		assert.equal(up.status, 202, up.text);
		await waitFor(async () => ['done', 'failed'].includes((await admin.get(`/api/v1/imports/${up.body.id}`)).body.status), { timeoutMs: 30000 * SLOW, what: 'import' });
		const task = await waitFor(async () => (await list(gw)).items.find((n) => n.kind === 'task'), { what: 'the worker hears of the imported task' });
		assert.equal(task.area, VILLAGE_A);
		assert.equal((await list(gwB)).unread, 0);
		// the commander forwards (a target in scope: the task lands there)
		const c = await admin.post(`/api/v1/tasks/${task.object_id}/close`, { uuid: uuid(), outcome: 'moved', forward_to: villageB });
		assert.equal(c.status, 200, c.text);
		const fw = await list(gwB);
		assert.equal(fw.unread, 1, JSON.stringify(fw));
		assert.equal(fw.items[0].kind, 'task');
	});

	it('bounds the streams per account and ends them at logout', async () => {
		const streams = [];
		for (let i = 0; i < 4; i++) streams.push(await openStream(cmdA.client));
		for (const s of streams) assert.equal(s.status, 200);
		const fifth = await openStream(cmdA.client);
		assert.equal(fifth.status, 503);
		assert.equal(fifth.body.error.code, 'events.busy');
		const other = await openStream(cmdB.client);
		assert.equal(other.status, 200, 'another account still may');
		other.close();
		await cmdA.client.logout();
		await waitFor(() => streams.every((s) => s.ended), { what: 'the streams end at logout' });
		assert.ok(streams[0].events.some((e) => e.event === 'end'));
		const anon = await fetch(`${srv.url}/api/v1/events`);
		assert.equal(anon.status, 401);
	});
});
