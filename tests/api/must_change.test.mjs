// 4. Initial passwords must be changed before anything else; the password policy.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	VILLAGE_A,
	adminClient,
	expectError,
	newPassword,
	startServer,
	uniqueName,
	uuid,
} from './lib.mjs';

let srv;
let admin;
const cliUser = { username: 'clichange', password: 'Liyang-Cli-Pass-2026', role: 'viewer', area: VILLAGE_A, mustChange: true };

before(async () => {
	srv = await startServer({ users: [cliUser] });
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

/** Every route but me, logout and me/password, as [method, path, body]. */
function blockedRoutes(selfId) {
	return [
		['GET', '/api/v1/areas?root=1'],
		['GET', '/api/v1/areas?q=%E7%A4%BE%E6%B8%9A'],
		['GET', `/api/v1/areas/${VILLAGE_A}`],
		['POST', '/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '一网格' }],
		['PATCH', `/api/v1/areas/${VILLAGE_A}`, { responsible_name: '张三' }],
		['GET', '/api/v1/users'],
		['POST', '/api/v1/users', { uuid: uuid(), username: uniqueName('x'), role: 'viewer', area: VILLAGE_A }],
		['GET', `/api/v1/users/${selfId}`],
		['PATCH', `/api/v1/users/${selfId}`, { display_name: '李四' }],
		['POST', `/api/v1/users/${selfId}/reset-password`],
		['GET', '/api/v1/audit'],
	];
}

describe('must change password', () => {
	let c;
	let user;
	let initial;
	let current;

	before(async () => {
		initial = newPassword('Init');
		user = await admin.createUser({ username: uniqueName('chg'), role: 'cadre', area: VILLAGE_A, password: initial });
		assert.equal(user.must_change_password, true, 'an API-created account must change its password');
		c = new Client(srv.url);
	});

	it('an API-created account logs in with must_change_password=true', async () => {
		const r = await c.login(user.username, initial);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.must_change_password, true);
		assert.equal(r.body.user.must_change_password, true);
		const me = await c.get('/api/v1/me');
		assert.equal(me.status, 200);
		assert.equal(me.body.must_change_password, true);
	});

	it('every other route answers 403 password.must_change', async () => {
		for (const [method, path, body] of blockedRoutes(user.id)) {
			const r = await c.req(method, path, body === undefined ? {} : { body });
			expectError(assert, r, 403, 'password.must_change');
			assert.ok(true, `${method} ${path}`);
		}
		// Public routes still answer.
		assert.equal((await c.get('/healthz')).status, 200);
		// Nothing was created meanwhile.
		const grids = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.ok(!grids.body.children.some((x) => x.name === '一网格'));
		assert.equal((await admin.get(`/api/v1/users/${user.id}`)).body.display_name, '');
	});

	it('refuses a wrong old password (password.wrong, field old_password)', async () => {
		const r = await c.post('/api/v1/me/password', { old_password: 'Not-The-Old-One-1', new_password: newPassword() });
		expectError(assert, r, 400, 'password.wrong', 'old_password');
	});

	it('refuses weak new passwords with the reason and field new_password', async () => {
		const cases = [
			['Ab1-short', 'password.too_short'],
			['短密码短密码短', 'password.too_short'],
			['password123', 'password.common'],
			['1234567890', 'password.common'],
			['PASSWORD1234', 'password.common'],
			['１２３４５６７８９０', 'password.common'], // full-width digits fold to ASCII
			['aaaaaaaaaaaa', 'password.common'],
			[`x-${user.username}-2026`, 'password.like_username'],
			[initial, 'password.same'],
		];
		for (const [pw, code] of cases) {
			const r = await c.post('/api/v1/me/password', { old_password: initial, new_password: pw });
			expectError(assert, r, 400, code, 'new_password');
		}
		expectError(assert, await c.post('/api/v1/me/password', { old_password: initial, new_password: 'Ab-9'.repeat(33) }), 400, 'password.too_long', 'new_password');
		expectError(assert, await c.post('/api/v1/me/password', { old_password: initial, new_password: '密码很长'.repeat(11) }), 400, 'password.too_long', 'new_password');
		expectError(assert, await c.post('/api/v1/me/password', { old_password: initial, new_password: 'Good-Pass\t-2026' }), 400, 'password.encoding', 'new_password');
		expectError(assert, await c.post('/api/v1/me/password', { old_password: initial, new_password: 'Good-Pass\n-2026' }), 400, 'password.encoding', 'new_password');
		// 128 bytes exactly is still fine for the length rule (checked on a throw-away body:
		// a wrong old password is reported first, so nothing changes).
		const r128 = await c.post('/api/v1/me/password', { old_password: 'Not-The-Old-One-1', new_password: 'Ab-9'.repeat(32) });
		expectError(assert, r128, 400, 'password.wrong', 'old_password');
	});

	it('checks the body: unknown and missing fields', async () => {
		expectError(assert, await c.post('/api/v1/me/password', { old_password: initial, new_password: newPassword(), x: 1 }), 400, 'field.unknown', 'x');
		expectError(assert, await c.post('/api/v1/me/password', { old_password: initial }), 400, 'field.required', 'new_password');
		expectError(assert, await c.post('/api/v1/me/password', { new_password: newPassword() }), 400, 'field.required', 'old_password');
		// No CSRF token: refused even in this state.
		const nocsrf = await c.post('/api/v1/me/password', { old_password: initial, new_password: newPassword() }, { csrf: false });
		expectError(assert, nocsrf, 403, 'csrf.invalid');
		// Still blocked after all those failures.
		expectError(assert, await c.get('/api/v1/areas?root=1'), 403, 'password.must_change');
	});

	it('a good new password is accepted and unblocks the session', async () => {
		current = newPassword('Good');
		const r = await c.post('/api/v1/me/password', { old_password: initial, new_password: current });
		assert.equal(r.status, 204, r.text);
		const me = await c.get('/api/v1/me');
		assert.equal(me.body.must_change_password, false);
		assert.equal(me.body.user.must_change_password, false);
		const root = await c.get('/api/v1/areas?root=1');
		assert.equal(root.status, 200, root.text);
		assert.equal(root.body.items[0].code, VILLAGE_A);
		assert.equal((await c.get('/api/v1/users')).status, 200);
		// The old password is gone, the new one logs in without the flag.
		expectError(assert, await new Client(srv.url).login(user.username, initial), 401, 'auth.failed');
		const l = await new Client(srv.url).login(user.username, current);
		assert.equal(l.status, 200);
		assert.equal(l.body.must_change_password, false);
	});

	it('a reset by an admin ends the sessions and forces a change again', async () => {
		const r = await admin.post(`/api/v1/users/${user.id}/reset-password`, undefined);
		assert.equal(r.status, 200, r.text);
		assert.equal(typeof r.body.initial_password, 'string');
		assert.ok(r.body.initial_password.length >= 10);
		expectError(assert, await c.get('/api/v1/me'), 401, 'auth.required');
		expectError(assert, await new Client(srv.url).login(user.username, current), 401, 'auth.failed');
		const c2 = new Client(srv.url);
		const l = await c2.login(user.username, r.body.initial_password);
		assert.equal(l.body.must_change_password, true);
		expectError(assert, await c2.get('/api/v1/users'), 403, 'password.must_change');
		// Logout works in this state.
		assert.equal((await c2.logout()).status, 204);
	});

	it('`fangkong user add --must-change` also forces the change', async () => {
		const c3 = new Client(srv.url);
		const l = await c3.login(cliUser.username, cliUser.password);
		assert.equal(l.status, 200, l.text);
		assert.equal(l.body.must_change_password, true);
		expectError(assert, await c3.get(`/api/v1/areas/${VILLAGE_A}`), 403, 'password.must_change');
	});
});

describe('password changes and resets under a uuid', () => {
	const auditRows = async (action, objectId) =>
		(await admin.get(`/api/v1/audit?action=${action}&limit=200`)).body.items.filter((x) => x.object_id === objectId);

	it('POST /me/password: a replay answers 204 and sets nothing; another body under the uuid is 409', async () => {
		const pw0 = newPassword('Init');
		const u = await admin.createUser({ username: uniqueName('idm'), role: 'cadre', area: VILLAGE_A, password: pw0 });
		const c = new Client(srv.url);
		assert.equal((await c.login(u.username, pw0)).status, 200);
		const key = uuid();
		const pw1 = newPassword('One');
		const body = { uuid: key, old_password: pw0, new_password: pw1 };
		const first = await c.post('/api/v1/me/password', body);
		assert.equal(first.status, 204, first.text);
		// A session that begins after the change is not ended by the replay.
		const other = new Client(srv.url);
		assert.equal((await other.login(u.username, pw1)).status, 200);
		const again = await c.post('/api/v1/me/password', body);
		assert.equal(again.status, 204, again.text);
		assert.equal((await other.get('/api/v1/me')).status, 200, 'the replay changed the password again');
		// Another body under the key, with the old password wrong or right: 409, nothing set.
		const pw2 = newPassword('Two');
		expectError(assert, await c.post('/api/v1/me/password', { uuid: key, old_password: pw0, new_password: pw2 }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await c.post('/api/v1/me/password', { uuid: key, old_password: pw1, new_password: pw2 }), 409, 'idempotency.conflict', 'uuid');
		assert.equal((await new Client(srv.url).login(u.username, pw1)).status, 200);
		expectError(assert, await new Client(srv.url).login(u.username, pw2), 401, 'auth.failed');
		// One change, one audit row; a bad uuid is refused before anything.
		assert.equal((await auditRows('password.change', u.id)).filter((x) => x.result === 'ok').length, 1);
		expectError(assert, await c.post('/api/v1/me/password', { uuid: 'nope', old_password: pw1, new_password: pw2 }), 400, 'uuid.invalid', 'uuid');
	});

	it('POST /users/{id}/reset-password: a replay resets nothing and tells no password', async () => {
		const u = await admin.createUser({ username: uniqueName('rst'), role: 'cadre', area: VILLAGE_A, password: newPassword('Init') });
		const key = uuid();
		const first = await admin.post(`/api/v1/users/${u.id}/reset-password`, { uuid: key });
		assert.equal(first.status, 200, first.text);
		assert.equal(typeof first.body.initial_password, 'string');
		const c = new Client(srv.url);
		assert.equal((await c.login(u.username, first.body.initial_password)).status, 200);
		const again = await admin.post(`/api/v1/users/${u.id}/reset-password`, { uuid: key });
		assert.equal(again.status, 200, again.text);
		assert.deepEqual(again.body, { replayed: true });
		// Not reset again: the session made with the first initial password lives, and it
		// still logs in.
		assert.equal((await c.get('/api/v1/me')).status, 200, 'the replay ended the sessions');
		assert.equal((await new Client(srv.url).login(u.username, first.body.initial_password)).status, 200);
		assert.equal((await auditRows('user.reset_password', u.id)).length, 1);
		// The same uuid on another account is another request.
		const v = await admin.createUser({ username: uniqueName('rst'), role: 'cadre', area: VILLAGE_A, password: newPassword('Init') });
		expectError(assert, await admin.post(`/api/v1/users/${v.id}/reset-password`, { uuid: key }), 409, 'idempotency.conflict', 'uuid');
		expectError(assert, await admin.post(`/api/v1/users/${v.id}/reset-password`, { x: 1 }), 400, 'field.unknown', 'x');
	});
});
