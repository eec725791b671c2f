// Accounts: creation checks, listing and filters, edits that end sessions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, TOWN_A, VILLAGE_A, adminClient, expectError, newPassword, startServer, uniqueName, uuid } from './lib.mjs';

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

const body = (x = {}) => ({ uuid: uuid(), username: uniqueName('usr'), role: 'viewer', area: VILLAGE_A, password: newPassword(), ...x });

describe('creating accounts', () => {
	it('201 with the USER; the id is the uuid; phone normalised; never logged in', async () => {
		const b = body({ display_name: '张网格', phone: '+86 138 0013 8000', role: 'grid_worker' });
		const r = await admin.post('/api/v1/users', b);
		assert.equal(r.status, 201, r.text);
		const u = r.body.user;
		assert.equal(u.id, b.uuid);
		assert.equal(u.username, b.username);
		assert.equal(u.display_name, '张网格');
		assert.equal(u.phone, '13800138000');
		assert.equal(u.role, 'grid_worker');
		assert.equal(u.area, VILLAGE_A);
		assert.equal(u.area_name, '社渚村村委会');
		assert.equal(u.disabled, false);
		assert.equal(u.must_change_password, true);
		assert.equal(u.locked, false);
		assert.equal(u.last_login_at, null);
		assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		const upper = body();
		upper.uuid = upper.uuid.toUpperCase();
		const r2 = await admin.post('/api/v1/users', upper);
		assert.equal(r2.status, 201, r2.text);
		assert.equal(r2.body.user.id, upper.uuid.toLowerCase(), 'uuids are stored lower-case');
	});

	it('usernames: 3–32 of [a-z0-9_.-], starting with a letter or digit', async () => {
		for (const name of ['ab', 'Admin', '_lead', '-x-y', '.dot', 'has space', '张三', 'a/b', 'a@b'])
			expectError(assert, await admin.post('/api/v1/users', body({ username: name })), 400, 'username.invalid', 'username');
		const long = await admin.post('/api/v1/users', body({ username: 'a'.repeat(33) }));
		assert.equal(long.status, 400, long.text);
		assert.equal(long.body.error.field, 'username');
		for (const name of ['abc', 'a'.repeat(32), '9lives', 'li.si_2-x'])
			assert.equal((await admin.post('/api/v1/users', body({ username: name }))).status, 201, name);
		expectError(assert, await admin.post('/api/v1/users', body({ username: 'abc' })), 409, 'user.username.taken', 'username');
		expectError(assert, await admin.post('/api/v1/users', body({ username: 'admin' })), 409, 'user.username.taken', 'username');
	});

	it('the given password must pass the policy (field password)', async () => {
		const name = uniqueName('pol');
		expectError(assert, await admin.post('/api/v1/users', body({ username: name, password: 'short-1' })), 400, 'password.too_short', 'password');
		expectError(assert, await admin.post('/api/v1/users', body({ username: name, password: 'password123' })), 400, 'password.common', 'password');
		expectError(assert, await admin.post('/api/v1/users', body({ username: name, password: `Xy-${name}-42` })), 400, 'password.like_username', 'password');
		expectError(assert, await admin.post('/api/v1/users', body({ username: name, password: 'Tab\there-2026' })), 400, 'password.encoding', 'password');
		assert.equal((await admin.get(`/api/v1/users?q=${name}`)).body.total, 0);
	});

	it('other fields: required, malformed, unknown, too long', async () => {
		expectError(assert, await admin.post('/api/v1/users', body({ area: 'x1' })), 400, 'area.code.invalid', 'area');
		expectError(assert, await admin.post('/api/v1/users', body({ area: undefined })), 400, 'field.required', 'area');
		expectError(assert, await admin.post('/api/v1/users', body({ role: undefined })), 400, 'field.required', 'role');
		expectError(assert, await admin.post('/api/v1/users', body({ username: undefined })), 400, 'field.required', 'username');
		expectError(assert, await admin.post('/api/v1/users', body({ phone: '12345' })), 400, 'phone.invalid', 'phone');
		// an account is a person: its phone stays a mobile (fixed lines are for offices and duty posts)
		expectError(assert, await admin.post('/api/v1/users', body({ phone: '0519-87654321' })), 400, 'phone.invalid', 'phone');
		expectError(assert, await admin.post('/api/v1/users', body({ display_name: '名'.repeat(33) })), 400, 'field.too_long', 'display_name');
		expectError(assert, await admin.post('/api/v1/users', body({ area: `${VILLAGE_A}999` })), 404, 'area.not_found');
	});
});

describe('listing accounts', () => {
	before(async () => {
		for (let i = 0; i < 5; i++) await admin.createUser({ username: `list.${i}`, role: i % 2 ? 'doctor' : 'viewer', area: TOWN_A, password: newPassword(), display_name: `名单${i}` });
	});

	it('filters by area, q (username or display name) and role; total counts all', async () => {
		const all = await admin.get('/api/v1/users?limit=200');
		assert.equal(all.status, 200);
		assert.equal(all.body.total, all.body.items.length);
		const q = await admin.get('/api/v1/users?q=list.');
		assert.deepEqual(q.body.items.map((x) => x.username).sort(), ['list.0', 'list.1', 'list.2', 'list.3', 'list.4']);
		const dn = await admin.get(`/api/v1/users?q=${encodeURIComponent('名单3')}`);
		assert.deepEqual(dn.body.items.map((x) => x.username), ['list.3']);
		const role = await admin.get('/api/v1/users?q=list.&role=doctor');
		assert.deepEqual(role.body.items.map((x) => x.username).sort(), ['list.1', 'list.3']);
		assert.equal(role.body.total, 2);
		const area = await admin.get(`/api/v1/users?area=${VILLAGE_A}&limit=200`);
		for (const u of area.body.items) assert.ok(u.area.startsWith(VILLAGE_A));
		assert.ok(!area.body.items.some((x) => x.username.startsWith('list.')));
		const town = await admin.get(`/api/v1/users?area=${TOWN_A}&q=list.`);
		assert.equal(town.body.total, 5);
		const wild = await admin.get('/api/v1/users?q=%25');
		assert.equal(wild.body.total, 0, 'q=% must be literal');
	});

	it('limit and offset page through, total stays the full count', async () => {
		const p1 = await admin.get('/api/v1/users?q=list.&limit=2');
		const p2 = await admin.get('/api/v1/users?q=list.&limit=2&offset=2');
		const p3 = await admin.get('/api/v1/users?q=list.&limit=2&offset=4');
		assert.equal(p1.body.total, 5);
		assert.equal(p3.body.total, 5);
		assert.deepEqual([p1, p2, p3].map((p) => p.body.items.length), [2, 2, 1]);
		const names = [p1, p2, p3].flatMap((p) => p.body.items.map((x) => x.username));
		assert.equal(new Set(names).size, 5);
		assert.deepEqual((await admin.get('/api/v1/users?q=list.&offset=100')).body.items, []);
		for (const q of ['limit=0', 'limit=201', 'offset=-1', 'offset=x'])
			expectError(assert, await admin.get(`/api/v1/users?${q}`), 400, 'query.invalid', q.split('=')[0]);
		expectError(assert, await admin.get(`/api/v1/users?q=${'x'.repeat(41)}`), 400, 'query.invalid', 'q');
	});

	it('GET /users/{id}: not a UUID or unknown is 404 user.not_found', async () => {
		expectError(assert, await admin.get('/api/v1/users/not-a-uuid'), 404, 'user.not_found');
		expectError(assert, await admin.get(`/api/v1/users/${uuid()}`), 404, 'user.not_found');
		expectError(assert, await admin.patch(`/api/v1/users/${uuid()}`, { display_name: 'x' }), 404, 'user.not_found');
		expectError(assert, await admin.post(`/api/v1/users/${uuid()}/reset-password`, undefined), 404, 'user.not_found');
		const me = await admin.get(`/api/v1/users/${admin.user.id}`);
		assert.equal(me.status, 200);
		assert.equal(me.body.username, 'admin');
	});
});

describe('editing accounts', () => {
	it('changing role, area or disabled ends the account\'s sessions; a name change does not', async () => {
		const pw = newPassword();
		const u = await admin.createUser({ role: 'viewer', area: VILLAGE_A, password: pw });
		const c = new Client(srv.url);
		await c.mustLogin(u.username, pw);
		const own = newPassword();
		assert.equal((await c.post('/api/v1/me/password', { old_password: pw, new_password: own })).status, 204);
		assert.equal((await admin.patch(`/api/v1/users/${u.id}`, { display_name: '新名字', phone: '13900139000' })).status, 200);
		assert.equal((await c.get('/api/v1/me')).status, 200, 'a name change ended the session');
		const r = await admin.patch(`/api/v1/users/${u.id}`, { role: 'doctor' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.role, 'doctor');
		expectError(assert, await c.get('/api/v1/me'), 401, 'auth.required');
		await c.mustLogin(u.username, own);
		const grid = await admin.createArea(VILLAGE_A, '改区域网格');
		const a = await admin.patch(`/api/v1/users/${u.id}`, { area: grid.code });
		assert.equal(a.status, 200, a.text);
		assert.equal(a.body.area, grid.code);
		assert.equal(a.body.area_name, '改区域网格');
		expectError(assert, await c.get('/api/v1/me'), 401, 'auth.required');
		const relog = await c.mustLogin(u.username, own);
		assert.equal(relog.user.area, grid.code);
		assert.deepEqual((await c.get('/api/v1/areas?root=1')).body.items.map((x) => x.code), [grid.code]);
	});

	it('a new area that does not exist is 404 area.not_found (field area); malformed 400', async () => {
		const u = await admin.createUser({ role: 'viewer', area: VILLAGE_A, password: newPassword() });
		expectError(assert, await admin.patch(`/api/v1/users/${u.id}`, { area: `${VILLAGE_A}999` }), 404, 'area.not_found', 'area');
		expectError(assert, await admin.patch(`/api/v1/users/${u.id}`, { area: '12' }), 400, 'area.code.invalid', 'area');
		expectError(assert, await admin.patch(`/api/v1/users/${u.id}`, { phone: 'x' }), 400, 'phone.invalid', 'phone');
		expectError(assert, await admin.patch(`/api/v1/users/${u.id}`, { role: 'king' }), 400, 'role.invalid', 'role');
		assert.equal((await admin.get(`/api/v1/users/${u.id}`)).body.area, VILLAGE_A);
	});
});
