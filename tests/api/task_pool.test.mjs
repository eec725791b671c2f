// Tasks reach the grid worker (issue 10, item 1): tasks left at village level are the
// village's pool (本村待认领), which the village's grid workers — and only they — may read
// and take (POST /tasks/{id}/take); a commander reassigns many tasks at once
// (POST /tasks/reassign: ids, or every unassigned task of a village).
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/task_pool.test.mjs
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, TOWN_B, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

let srv;
let admin;
let cmdA; // commander of 社渚镇
let w1; // grid worker on grid G1 of 社渚村
let w2; // grid worker on grid G2 of 社渚村
let wB; // grid worker on a grid of a village of 竹箦镇
let wV; // grid worker whose account is on the village itself (no grid)
let G1, G2, GB, VILLAGE_B;
let pool = []; // the tasks the import left at 社渚村

const csv = (n) => {
	let out = '姓名,身份证号码,联系电话,现住址\r\n';
	for (let i = 0; i < n; i++) out += `认领${i},${makeId('19850101', 300 + i)},138123${String(300 + i).padStart(5, '0')},社渚镇社渚村${80 + i}号\r\n`;
	return Buffer.from(out, 'utf8');
};

async function importList(bytes) {
	const fd = new FormData();
	fd.append('file', new Blob([bytes]), 'pool.csv');
	const up = await admin.post('/api/v1/imports', fd);
	assert.equal(up.status, 202, up.text);
	const job = await waitFor(
		async () => {
			const r = await admin.get(`/api/v1/imports/${up.body.id}`);
			return ['done', 'failed'].includes(r.body.status) ? r.body : null;
		},
		{ timeoutMs: 30000 * SLOW, what: 'import' },
	);
	assert.equal(job.status, 'done', JSON.stringify(job));
	return job;
}

async function auditOf(action, objectId) {
	const r = await admin.get(`/api/v1/audit?action=${action}&limit=200`);
	assert.equal(r.status, 200, r.text);
	return r.body.items.filter((x) => x.object_id === objectId);
}

const poolOf = async (c) => {
	const r = await c.client.get('/api/v1/tasks/pool?limit=500');
	assert.equal(r.status, 200, r.text);
	return r.body;
};

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	VILLAGE_B = town.body.children.find((x) => x.level === 'village').code;
	G1 = (await admin.createArea(VILLAGE_A, '认领一网格')).code;
	G2 = (await admin.createArea(VILLAGE_A, '认领二网格')).code;
	GB = (await admin.createArea(VILLAGE_B, '竹箦网格')).code;
	[cmdA, w1, w2, wB, wV] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'grid_worker', area: G1 }),
		newUser(srv, admin, { role: 'grid_worker', area: G2 }),
		newUser(srv, admin, { role: 'grid_worker', area: GB }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
	]);
	const job = await importList(csv(8));
	const r = await admin.get('/api/v1/tasks?status=open&limit=500');
	pool = r.body.items.filter((t) => t.import_id === job.id);
	assert.equal(pool.length, 8);
	for (const t of pool) assert.equal(t.area, VILLAGE_A, 'the addresses resolve to the village');
});
after(async () => {
	await srv?.stop();
});

describe('本村待认领: the village pool', () => {
	it('a grid worker sees nothing in their own list, and the village pool beside it', async () => {
		const mine = await w1.client.get('/api/v1/tasks?status=open');
		assert.equal(mine.body.total, 0);
		const p = await poolOf(w1);
		assert.equal(p.on_grid, true);
		assert.equal(p.village, VILLAGE_A);
		assert.equal(p.total, 8);
		assert.deepEqual(p.items.map((t) => t.id).sort(), pool.map((t) => t.id).sort());
		assert.ok(p.items.every((t) => t.person_name.startsWith('认领')), 'names shown to take them');
	});

	it("another village's grid worker sees none of them; an account with no grid has no pool", async () => {
		const b = await poolOf(wB);
		assert.equal(b.total, 0);
		assert.equal(b.village, VILLAGE_B);
		const v = await poolOf(wV);
		assert.equal(v.on_grid, false);
		assert.equal(v.village, null);
		assert.equal(v.total, 0);
		// the village-level account sees the village's tasks in its own list, as before
		assert.equal((await wV.client.get('/api/v1/tasks?status=open')).body.total, 8);
	});

	it('take: 200, the task moves with its file to the worker’s grid; a replay changes nothing', async () => {
		const t = pool[0];
		const u = uuid();
		const r = await w1.client.post(`/api/v1/tasks/${t.id}/take`, { uuid: u });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.area, G1);
		assert.equal(r.body.assignee, w1.username);
		const again = await w1.client.post(`/api/v1/tasks/${t.id}/take`, { uuid: u });
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.id, t.id);
		assert.equal((await auditOf('task.take', t.id)).length, 1, 'one audit row');
		expectError(assert, await w1.client.post(`/api/v1/tasks/${pool[1].id}/take`, { uuid: u }), 409, 'idempotency.conflict', 'uuid');
		// it is in 我的任务 now, out of the pool; the file followed
		const mine = await w1.client.get('/api/v1/tasks?status=open');
		assert.deepEqual(mine.body.items.map((x) => x.id), [t.id]);
		assert.equal((await poolOf(w1)).total, 7);
		const file = await w1.client.get(`/api/v1/persons/${t.person_id}`);
		assert.equal(file.status, 200, file.text);
		assert.equal(file.body.area ?? file.body.person?.area, G1);
	});

	it('taken meanwhile by someone else: 409 task.taken; the other grid never sees it', async () => {
		const t = pool[0];
		expectError(assert, await w2.client.post(`/api/v1/tasks/${t.id}/take`, { uuid: uuid() }), 409, 'task.taken');
		expectError(assert, await w2.client.get(`/api/v1/tasks/${t.id}`), 404, 'task.not_found');
		assert.ok(!(await poolOf(w2)).items.some((x) => x.id === t.id));
	});

	it("another village's worker, a task that does not exist, an account with no grid: 404", async () => {
		expectError(assert, await wB.client.post(`/api/v1/tasks/${pool[1].id}/take`, { uuid: uuid() }), 404, 'task.not_found');
		expectError(assert, await w1.client.post(`/api/v1/tasks/${randomUUID()}/take`, { uuid: uuid() }), 404, 'task.not_found');
		expectError(assert, await wV.client.post(`/api/v1/tasks/${pool[1].id}/take`, { uuid: uuid() }), 404, 'task.not_found');
		expectError(assert, await w1.client.post(`/api/v1/tasks/${pool[1].id}/take`, {}), 400, 'field.required', 'uuid');
		assert.equal((await poolOf(w1)).total, 7, 'nothing was taken');
	});

	it('a task assigned at the village by the commander is no longer in the pool, and cannot be taken', async () => {
		const t = pool[7];
		const r = await cmdA.client.post(`/api/v1/tasks/${t.id}/reassign`, { assignee: '张组长' });
		assert.equal(r.status, 200, r.text);
		assert.ok(!(await poolOf(w1)).items.some((x) => x.id === t.id));
		expectError(assert, await w1.client.post(`/api/v1/tasks/${t.id}/take`, { uuid: uuid() }), 409, 'task.taken');
	});
});

describe('POST /tasks/reassign: many at once', () => {
	it('selected ids: in scope moved, out of scope and missing refused per task, closed ones said so', async () => {
		// a task of 竹箦镇 (moved there by the county), and one closed
		const away = pool[6];
		assert.equal((await admin.post(`/api/v1/tasks/${away.id}/reassign`, { area: VILLAGE_B })).status, 200);
		const closed = pool[0]; // taken by w1 above
		const c = await w1.client.post(`/api/v1/tasks/${closed.id}/close`, { uuid: uuid(), outcome: 'other', note: '核' });
		assert.equal(c.status, 200, c.text);
		const missing = randomUUID();
		const u = uuid();
		const body = { uuid: u, ids: [pool[1].id, pool[2].id, away.id, missing, closed.id], area: G2, reason: '批量' };
		const r = await cmdA.client.post('/api/v1/tasks/reassign', body);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.id, u);
		assert.deepEqual(
			r.body.results.map((x) => [x.id, x.result]),
			[
				[pool[1].id, 'ok'],
				[pool[2].id, 'ok'],
				[away.id, 'not_found'],
				[missing, 'not_found'],
				[closed.id, 'closed'],
			],
		);
		assert.equal(r.body.moved, 2);
		assert.equal(r.body.refused, 3);
		for (const t of [pool[1], pool[2]]) assert.equal((await cmdA.client.get(`/api/v1/tasks/${t.id}`)).body.area, G2);
		assert.equal((await admin.get(`/api/v1/tasks/${away.id}`)).body.area, VILLAGE_B, 'out of scope: untouched');
		// one audit row for the batch, naming the tasks
		const rows = await auditOf('task.reassign_batch', u);
		assert.equal(rows.length, 1);
		const a = typeof rows[0].after === 'string' ? JSON.parse(rows[0].after) : rows[0].after;
		assert.deepEqual(a.tasks, [pool[1].id, pool[2].id]);
		assert.deepEqual(a.refused, [away.id, missing, closed.id]);
		// a replay: the same batch, nothing again
		const again = await cmdA.client.post('/api/v1/tasks/reassign', body);
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.id, u);
		assert.equal(again.body.replayed, true);
		assert.equal((await auditOf('task.reassign_batch', u)).length, 1);
		// w2 now has them
		const mine = await w2.client.get('/api/v1/tasks?status=open');
		assert.deepEqual(mine.body.items.map((x) => x.id).sort(), [pool[1].id, pool[2].id].sort());
	});

	it('all unassigned of a village → a grid', async () => {
		const before = (await poolOf(w1)).items.map((x) => x.id);
		assert.ok(before.length >= 2);
		const r = await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), village: VILLAGE_A, unassigned: true, area: G1 });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body.results.map((x) => x.id).sort(), before.sort());
		assert.ok(r.body.results.every((x) => x.result === 'ok'));
		assert.equal((await poolOf(w1)).total, 0);
		const mine = (await w1.client.get('/api/v1/tasks?status=open&limit=500')).body.items.map((x) => x.id);
		for (const id of before) assert.ok(mine.includes(id));
	});

	it('cap 500, one of ids or village, a target in scope', async () => {
		const ids = Array.from({ length: 501 }, () => randomUUID());
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), ids, area: G1 }), 400, 'field.too_long', 'ids');
		const r500 = await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), ids: ids.slice(0, 500), area: G1 });
		assert.equal(r500.status, 200, r500.text);
		assert.equal(r500.body.refused, 500);
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), area: G1 }), 400, 'field.required', 'ids');
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), ids: ['x'], area: G1 }), 400, 'field.type', 'ids');
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), village: VILLAGE_A, area: G1 }), 400, 'field.required', 'unassigned');
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), ids: [pool[3].id] }), 400, 'field.required', 'area');
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), ids: [pool[3].id], area: GB }), 404, 'area.not_found');
		expectError(assert, await cmdA.client.post('/api/v1/tasks/reassign', { uuid: uuid(), village: VILLAGE_B, unassigned: true, area: G1 }), 404, 'area.not_found');
		expectError(assert, await w1.client.post('/api/v1/tasks/reassign', { uuid: uuid(), ids: [pool[3].id], area: G1 }), 403, 'forbidden');
	});
});
