// 7. Roles: permissions, grantable roles, and nobody disabling themselves.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	TOWN_A,
	VILLAGE_A,
	adminClient,
	expectError,
	newPassword,
	startServer,
	uniqueName,
	uuid,
	waitFor,
} from './lib.mjs';

const PW = 'Liyang-Role-Pass-2026';
const ROLES = ['admin', 'commander', 'cadre', 'grid_worker', 'doctor', 'social_worker', 'checkpoint_staff', 'gate_guard', 'viewer'];
const cli = (username, role, area = VILLAGE_A) => ({ username, role, area, password: PW });

let srv;
let admin;
const as = {}; // role → logged-in Client

before(async () => {
	srv = await startServer({
		users: [
			cli('r.commander', 'commander', TOWN_A),
			cli('r.vcommander', 'commander'),
			cli('r.cadre', 'cadre'),
			cli('r.grid', 'grid_worker'),
			cli('r.doctor', 'doctor'),
			cli('r.social', 'social_worker'),
			cli('r.checkpoint', 'checkpoint_staff'),
			cli('r.gate', 'gate_guard'),
			cli('r.viewer', 'viewer'),
		],
	});
	admin = await adminClient(srv);
	as.admin = admin;
	const names = { commander: 'r.commander', cadre: 'r.cadre', grid_worker: 'r.grid', doctor: 'r.doctor', social_worker: 'r.social', checkpoint_staff: 'r.checkpoint', gate_guard: 'r.gate', viewer: 'r.viewer' };
	await Promise.all(
		Object.entries(names).map(async ([role, username]) => {
			const c = new Client(srv.url);
			await c.mustLogin(username, PW);
			as[role] = c;
		}),
	);
});
after(async () => {
	await srv?.stop();
});

const newAccount = (role, area = VILLAGE_A) => ({ uuid: uuid(), username: uniqueName('n'), role, area, password: newPassword() });

describe('permissions and grantable roles (/me)', () => {
	it('each role has the documented permissions', async () => {
		const all = ['area.read', 'area.write', 'audit.read', 'user.read', 'user.write'];
		const want = {
			admin: all,
			commander: all,
			cadre: ['area.read', 'area.write', 'user.read', 'user.write'],
			grid_worker: ['area.read'],
			doctor: ['area.read'],
			social_worker: ['area.read'],
			checkpoint_staff: ['area.read'],
			gate_guard: [], // gate.work only: its gate's page
			viewer: ['area.read'],
		};
		for (const role of ROLES) {
			const me = await as[role].get('/api/v1/me');
			assert.equal(me.status, 200);
			assert.equal(me.body.user.role, role);
			// Only the five permissions of docs/api.md are checked: later modules add their own.
			assert.deepEqual(me.body.permissions.filter((p) => all.includes(p)).sort(), want[role], role);
		}
	});

	it('grantable roles follow the rank table', async () => {
		const me = async (role) => (await as[role].get('/api/v1/me')).body.grantable_roles;
		assert.deepEqual(await me('admin'), ROLES);
		assert.deepEqual(await me('commander'), ROLES.slice(1));
		for (const role of ['grid_worker', 'doctor', 'social_worker', 'checkpoint_staff', 'gate_guard', 'viewer'])
			assert.deepEqual(await me(role), [], role);
	});

	it('a cadre manages cadre, grid_worker, doctor, social_worker, checkpoint_staff, gate_guard, viewer', async () => {
		const g = (await as.cadre.get('/api/v1/me')).body.grantable_roles;
		assert.deepEqual(g, ['cadre', 'grid_worker', 'doctor', 'social_worker', 'checkpoint_staff', 'gate_guard', 'viewer']);
		assert.equal((await as.cadre.post('/api/v1/users', newAccount('cadre'))).status, 201);
	});
});

describe('granting roles', () => {
	it('a cadre cannot create a commander or an admin (403 role.not_grantable)', async () => {
		for (const role of ['commander', 'admin']) {
			const body = newAccount(role);
			expectError(assert, await as.cadre.post('/api/v1/users', body), 403, 'role.not_grantable');
			assert.equal((await admin.get(`/api/v1/users?q=${body.username}`)).body.total, 0);
		}
		await waitFor(async () => {
			const r = await admin.get('/api/v1/audit?action=denied&user=r.cadre');
			return r.body.items.some((x) => x.result === 'role.not_grantable');
		}, { what: 'denied role.not_grantable audit row' });
	});

	it('a cadre can create the roles below it', async () => {
		for (const role of ['grid_worker', 'viewer']) {
			const r = await as.cadre.post('/api/v1/users', newAccount(role));
			assert.equal(r.status, 201, r.text);
			assert.equal(r.body.user.role, role);
			assert.equal(r.body.user.must_change_password, true);
			assert.ok(!('initial_password' in r.body), 'initial_password with an explicit password');
		}
	});

	it('without a password the server makes one, shown once', async () => {
		const body = newAccount('viewer');
		delete body.password;
		const r = await as.cadre.post('/api/v1/users', body);
		assert.equal(r.status, 201, r.text);
		assert.equal(typeof r.body.initial_password, 'string');
		assert.ok(r.body.initial_password.length >= 10);
		const again = await as.cadre.post('/api/v1/users', body);
		assert.equal(again.status, 200);
		assert.ok(!('initial_password' in again.body), 'the initial password is shown again on replay');
		const l = await new Client(srv.url).login(body.username, r.body.initial_password);
		assert.equal(l.status, 200);
		assert.equal(l.body.must_change_password, true);
	});

	it('a cadre cannot raise an account above itself, nor manage a commander', async () => {
		const w = await as.cadre.createUser({ role: 'grid_worker', area: VILLAGE_A, password: newPassword() });
		expectError(assert, await as.cadre.patch(`/api/v1/users/${w.id}`, { role: 'commander' }), 403, 'role.not_grantable');
		assert.equal((await admin.get(`/api/v1/users/${w.id}`)).body.role, 'grid_worker');
		const cmd = (await admin.get('/api/v1/users?q=r.vcommander')).body.items[0];
		assert.equal(cmd.area, VILLAGE_A);
		expectError(assert, await as.cadre.patch(`/api/v1/users/${cmd.id}`, { display_name: 'x' }), 403, 'role.not_grantable');
		expectError(assert, await as.cadre.post(`/api/v1/users/${cmd.id}/reset-password`, undefined), 403, 'role.not_grantable');
		// Reading it is allowed (it is in scope).
		assert.equal((await as.cadre.get(`/api/v1/users/${cmd.id}`)).status, 200);
	});

	it('a commander cannot create an admin but can create a commander', async () => {
		expectError(assert, await as.commander.post('/api/v1/users', newAccount('admin')), 403, 'role.not_grantable');
		assert.equal((await as.commander.post('/api/v1/users', newAccount('commander'))).status, 201);
	});


	it('an unknown role is 400 role.invalid', async () => {
		expectError(assert, await admin.post('/api/v1/users', newAccount('superuser')), 400, 'role.invalid', 'role');
		expectError(assert, await admin.post('/api/v1/users', newAccount('Admin')), 400, 'role.invalid', 'role');
		expectError(assert, await admin.get('/api/v1/users?role=root'), 400, 'role.invalid', 'role');
	});
});

describe('field roles', () => {
	it('a grid_worker has no user.read, user.write, area.write or audit.read', async () => {
		const g = as.grid_worker;
		expectError(assert, await g.get('/api/v1/users'), 403, 'forbidden');
		expectError(assert, await g.get(`/api/v1/users/${admin.user.id}`), 403, 'forbidden');
		expectError(assert, await g.post('/api/v1/users', newAccount('viewer')), 403, 'forbidden');
		expectError(assert, await g.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '网格员建的' }), 403, 'forbidden');
		expectError(assert, await g.get('/api/v1/audit'), 403, 'forbidden');
		assert.equal((await g.get(`/api/v1/areas/${VILLAGE_A}`)).status, 200);
	});

	it('a viewer cannot create or edit grids', async () => {
		const v = as.viewer;
		expectError(assert, await v.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '访客建的' }), 403, 'forbidden');
		expectError(assert, await v.patch(`/api/v1/areas/${VILLAGE_A}`, { responsible_name: '访客' }), 403, 'forbidden');
		expectError(assert, await v.get('/api/v1/users'), 403, 'forbidden');
		const a = await v.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.equal(a.status, 200);
		assert.ok(!a.body.children.some((x) => x.name === '访客建的'));
	});

	it('doctor, social_worker and checkpoint_staff only read areas', async () => {
		for (const role of ['doctor', 'social_worker', 'checkpoint_staff']) {
			const c = as[role];
			assert.equal((await c.get('/api/v1/areas?root=1')).status, 200);
			expectError(assert, await c.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: role }), 403, 'forbidden');
			expectError(assert, await c.get('/api/v1/users'), 403, 'forbidden');
		}
	});
});

describe('self', () => {
	it('nobody can disable themselves or change their own role or area (403 user.self)', async () => {
		for (const role of ['admin', 'commander', 'cadre']) {
			const c = as[role];
			const id = c.user.id;
			expectError(assert, await c.patch(`/api/v1/users/${id}`, { disabled: true }), 403, 'user.self');
			const lower = role === 'cadre' ? 'viewer' : 'cadre';
			expectError(assert, await c.patch(`/api/v1/users/${id}`, { role: lower }), 403, 'user.self');
			expectError(assert, await c.post(`/api/v1/users/${id}/reset-password`, undefined), 403, 'user.self');
			const me = await c.get('/api/v1/me');
			assert.equal(me.status, 200, `${role} lost its session`);
			assert.equal(me.body.user.disabled, false);
			assert.equal(me.body.user.role, role);
		}
		const child = `${VILLAGE_A}`;
		expectError(assert, await as.commander.patch(`/api/v1/users/${as.commander.user.id}`, { area: child }), 403, 'user.self');
	});

	it('editing one\'s own display name and phone is fine', async () => {
		const r = await as.cadre.patch(`/api/v1/users/${as.cadre.user.id}`, { display_name: '王村干部', phone: '0086 139 0000 1111', disabled: false });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.display_name, '王村干部');
		assert.equal(r.body.phone, '13900001111');
		assert.equal((await as.cadre.get('/api/v1/me')).status, 200);
	});
});
