// 8. Idempotent creates: a client UUID makes retries safe, also when they race.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { VILLAGE_A, adminClient, expectError, newPassword, startServer, uniqueName, uuid } from './lib.mjs';

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

async function childrenNamed(parent, name) {
	const r = await admin.get(`/api/v1/areas/${parent}`);
	assert.equal(r.status, 200);
	return r.body.children.filter((x) => x.name === name);
}

describe('idempotent grid creation', () => {
	it('same uuid and body twice: 201 then 200 with the same record', async () => {
		const body = { uuid: uuid(), parent: VILLAGE_A, name: '幂等一网格', responsible_name: '张三', responsible_phone: '13800138000' };
		const first = await admin.post('/api/v1/areas', body);
		assert.equal(first.status, 201, first.text);
		const second = await admin.post('/api/v1/areas', body);
		assert.equal(second.status, 200, second.text);
		assert.deepEqual(second.body, first.body);
		// Key order and whitespace do not make a different body.
		const reordered = `{ "name": "幂等一网格", "responsible_phone": "13800138000", "parent": "${VILLAGE_A}",\n "responsible_name": "张三", "uuid": "${body.uuid}" }`;
		const third = await admin.post('/api/v1/areas', reordered);
		assert.equal(third.status, 200, third.text);
		assert.equal(third.body.code, first.body.code);
		assert.equal((await childrenNamed(VILLAGE_A, '幂等一网格')).length, 1);
	});

	it('same uuid, different body: 409 idempotency.conflict', async () => {
		const body = { uuid: uuid(), parent: VILLAGE_A, name: '幂等二网格' };
		assert.equal((await admin.post('/api/v1/areas', body)).status, 201);
		expectError(assert, await admin.post('/api/v1/areas', { ...body, name: '幂等三网格' }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await admin.post('/api/v1/areas', { ...body, responsible_name: '李四' }), 409, 'idempotency.conflict', 'uuid');
		assert.equal((await childrenNamed(VILLAGE_A, '幂等三网格')).length, 0);
		// The same uuid cannot create an account either.
		const u = { uuid: body.uuid, username: uniqueName('idem'), role: 'viewer', area: VILLAGE_A, password: newPassword() };
		expectError(assert, await admin.post('/api/v1/users', u), 409, 'idempotency.conflict', 'uuid');
	});

	it('a failed create does not use up its uuid', async () => {
		await admin.createArea(VILLAGE_A, '幂等四网格');
		const id = uuid();
		expectError(assert, await admin.post('/api/v1/areas', { uuid: id, parent: VILLAGE_A, name: '幂等四网格' }), 409, 'area.name.taken', 'name');
		const r = await admin.post('/api/v1/areas', { uuid: id, parent: VILLAGE_A, name: '幂等五网格' });
		assert.equal(r.status, 201, r.text);
	});

	it('10 identical requests in parallel create exactly one grid', async () => {
		const body = { uuid: uuid(), parent: VILLAGE_A, name: '并发网格' };
		const rs = await Promise.all(Array.from({ length: 10 }, () => admin.post('/api/v1/areas', body)));
		const statuses = rs.map((r) => r.status).sort();
		assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201], rs.map((r) => r.text).join('\n'));
		assert.equal(new Set(rs.map((r) => r.body.code)).size, 1);
		assert.equal((await childrenNamed(VILLAGE_A, '并发网格')).length, 1);
	});

	it('10 different requests in parallel get 10 distinct codes', async () => {
		const rs = await Promise.all(Array.from({ length: 10 }, (_, i) => admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: `并发不同网格${i}` })));
		assert.deepEqual(rs.map((r) => r.status), Array(10).fill(201), rs.map((r) => r.text).join('\n'));
		assert.equal(new Set(rs.map((r) => r.body.code)).size, 10);
	});

	it('malformed uuids are 400 uuid.invalid', async () => {
		const bad = ['not-a-uuid', '', '1234', '0000000000000000000000000000000000000', '{6ba7b810-9dad-11d1-80b4-00c04fd430c8}',
			'6ba7b810-9dad-11d1-80b4-00c04fd430c', '6ba7b810-9dad-11d1-80b4-00c04fd430cg', '6ba7b8109dad11d180b400c04fd430c8', '6ba7b810-9dad-11d1-80b4_00c04fd430c8'];
		for (const u of bad) {
			const r = await admin.post('/api/v1/areas', { uuid: u, parent: VILLAGE_A, name: '坏编号网格' });
			assert.equal(r.status, 400, `uuid ${JSON.stringify(u)}: ${r.text}`);
			assert.match(r.body.error.code, /^(uuid\.invalid|field\.too_long|field\.required)$/);
			assert.equal(r.body.error.field, 'uuid');
		}
		expectError(assert, await admin.post('/api/v1/areas', { uuid: 'not-a-uuid', parent: VILLAGE_A, name: '坏编号网格' }), 400, 'uuid.invalid', 'uuid');
		expectError(assert, await admin.post('/api/v1/users', { uuid: 'nope', username: 'badid', role: 'viewer', area: VILLAGE_A }), 400, 'uuid.invalid', 'uuid');
		expectError(assert, await admin.post('/api/v1/areas', { parent: VILLAGE_A, name: '坏编号网格' }), 400, 'field.required', 'uuid');
		expectError(assert, await admin.post('/api/v1/areas', { uuid: 12345, parent: VILLAGE_A, name: '坏编号网格' }), 400, 'field.type', 'uuid');
		assert.equal((await childrenNamed(VILLAGE_A, '坏编号网格')).length, 0);
	});
});

describe('idempotent account creation', () => {
	it('same uuid and body twice: 201 then 200 with the same account', async () => {
		const body = { uuid: uuid(), username: uniqueName('idem'), role: 'grid_worker', area: VILLAGE_A, password: newPassword(), display_name: '重试' };
		const first = await admin.post('/api/v1/users', body);
		assert.equal(first.status, 201, first.text);
		assert.equal(first.body.user.id, body.uuid, 'the account id should be the request uuid');
		const second = await admin.post('/api/v1/users', body);
		assert.equal(second.status, 200, second.text);
		assert.deepEqual(second.body.user, first.body.user);
		expectError(assert, await admin.post('/api/v1/users', { ...body, role: 'viewer' }), 409, 'idempotency.conflict', 'uuid');
		// A new uuid with the same username is a different request: the name is taken.
		expectError(assert, await admin.post('/api/v1/users', { ...body, uuid: uuid() }), 409, 'user.username.taken', 'username');
	});

	it('10 identical requests in parallel create exactly one account', async () => {
		const body = { uuid: uuid(), username: uniqueName('race'), role: 'viewer', area: VILLAGE_A, password: newPassword() };
		const rs = await Promise.all(Array.from({ length: 10 }, () => admin.post('/api/v1/users', body)));
		const statuses = rs.map((r) => r.status).sort();
		assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201], rs.map((r) => r.text).join('\n'));
		assert.equal(new Set(rs.map((r) => r.body.user.id)).size, 1);
		const list = await admin.get(`/api/v1/users?q=${body.username}`);
		assert.equal(list.body.total, 1);
		const audit = await admin.get(`/api/v1/audit?action=user.create&limit=200`);
		assert.equal(audit.body.items.filter((x) => x.object_id === body.uuid).length, 1, 'one user.create audit row');
	});

	it('parallel creates of one username with different uuids: one wins, the rest 409', async () => {
		const username = uniqueName('same');
		const rs = await Promise.all(Array.from({ length: 5 }, () => admin.post('/api/v1/users', { uuid: uuid(), username, role: 'viewer', area: VILLAGE_A, password: newPassword() })));
		const statuses = rs.map((r) => r.status).sort();
		assert.deepEqual(statuses, [201, 409, 409, 409, 409], rs.map((r) => r.text).join('\n'));
		for (const r of rs.filter((x) => x.status === 409)) assert.equal(r.body.error.code, 'user.username.taken');
	});
});
