// 2. Login, the session cookie, error languages, disabled accounts, logout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	ADMIN,
	Client,
	VILLAGE_A,
	adminClient,
	expectError,
	newUser,
	startServer,
} from './lib.mjs';

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

describe('login', () => {
	it('answers the user, a CSRF token and must_change_password', async () => {
		const c = new Client(srv.url);
		const r = await c.login(ADMIN.username, ADMIN.password);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.must_change_password, false);
		assert.match(r.body.csrf, /^[A-Za-z0-9_-]{32,}$/);
		const u = r.body.user;
		for (const k of ['id', 'username', 'display_name', 'phone', 'role', 'area', 'area_name', 'disabled',
			'must_change_password', 'locked', 'created_at', 'last_login_at'])
			assert.ok(k in u, `USER lacks ${k}`);
		assert.equal(u.username, 'admin');
		assert.equal(u.role, 'admin');
		assert.equal(u.area, '320481');
		assert.equal(u.area_name, '溧阳市');
		assert.equal(u.disabled, false);
		assert.match(u.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		assert.match(u.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.match(u.last_login_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		assert.ok(!('password_hash' in u) && !/argon2/.test(r.text), 'the password hash leaks');
		// The session works and /me gives the same CSRF token.
		const me = await c.get('/api/v1/me');
		assert.equal(me.status, 200);
		assert.equal(me.body.csrf, r.body.csrf);
		assert.equal(me.body.user.id, u.id);
		// The five permissions of docs/api.md (later modules may add their own).
		const documented = ['area.read', 'area.write', 'audit.read', 'user.read', 'user.write'];
		assert.deepEqual(me.body.permissions.filter((p) => documented.includes(p)).sort(), documented);
	});

	it('sets fk_session HttpOnly, SameSite=Strict, Path=/', async () => {
		const c = new Client(srv.url);
		const r = await c.login(ADMIN.username, ADMIN.password);
		assert.equal(r.status, 200);
		const sc = r.setCookie.find((s) => s.startsWith('fk_session='));
		assert.ok(sc, 'no fk_session cookie');
		assert.match(sc, /^fk_session=[A-Za-z0-9_-]{32,};/);
		assert.match(sc, /;\s*HttpOnly/i);
		assert.match(sc, /;\s*SameSite=Strict/i);
		assert.match(sc, /;\s*Path=\/(;|$)/);
		assert.doesNotMatch(sc, /;\s*Secure/i, 'Secure without --secure-cookies');
		// Two logins make two different sessions and tokens.
		const c2 = new Client(srv.url);
		const r2 = await c2.login(ADMIN.username, ADMIN.password);
		assert.notEqual(c2.cookie, c.cookie);
		assert.notEqual(r2.body.csrf, r.body.csrf);
	});

	it('wrong password and unknown user get the same 401 auth.failed', async () => {
		const wrong = await new Client(srv.url).login(ADMIN.username, 'Wrong-Password-123');
		const unknown = await new Client(srv.url).login('nobody.here', 'Wrong-Password-123');
		expectError(assert, wrong, 401, 'auth.failed');
		expectError(assert, unknown, 401, 'auth.failed');
		assert.deepEqual(wrong.body, unknown.body);
		assert.equal(wrong.setCookie.length, 0, 'a failed login sets a cookie');
		// Reset the admin's failure count so later tests are not near the lock.
		await new Client(srv.url).mustLogin(ADMIN.username, ADMIN.password);
	});

	it('messages are Chinese by default and English with Accept-Language: en', async () => {
		const zh = await new Client(srv.url).login('nobody.here', 'Wrong-Password-123');
		assert.equal(zh.body.error.message, '用户名或密码错误');
		const zh2 = await new Client(srv.url, { lang: 'zh-CN,zh;q=0.9,en;q=0.8' }).login('nobody.here', 'x-Wrong-Password');
		assert.equal(zh2.body.error.message, '用户名或密码错误');
		const en = await new Client(srv.url, { lang: 'en' }).login('nobody.here', 'Wrong-Password-123');
		assert.equal(en.body.error.code, 'auth.failed');
		assert.equal(en.body.error.message, 'Wrong username or password');
		const enUS = await new Client(srv.url, { lang: 'en-US,en;q=0.9' }).get('/api/v1/me');
		expectError(assert, enUS, 401, 'auth.required');
		assert.equal(enUS.body.error.message, 'Please log in');
		const zhMe = await new Client(srv.url).get('/api/v1/me');
		assert.equal(zhMe.body.error.message, '请先登录');
	});

	it('missing or mistyped fields are 400 with the field', async () => {
		const c = new Client(srv.url);
		expectError(assert, await c.post('/api/v1/login', { username: 'admin' }), 400, 'field.required', 'password');
		expectError(assert, await c.post('/api/v1/login', { password: 'x' }), 400, 'field.required', 'username');
		expectError(assert, await c.post('/api/v1/login', { username: 1, password: 'x' }), 400, 'field.type', 'username');
		expectError(assert, await c.post('/api/v1/login', { username: 'a'.repeat(65), password: 'x' }), 400, 'field.too_long', 'username');
		expectError(assert, await c.post('/api/v1/login', { username: 'admin', password: 'x'.repeat(257) }), 400, 'field.too_long', 'password');
	});

	it('extra keys in the login body are ignored', async () => {
		const r = await new Client(srv.url).post('/api/v1/login', { ...ADMIN, remember: true, extra: { a: 1 } });
		assert.equal(r.status, 200, r.text);
	});

	it('a disabled account cannot log in, and its open sessions end', async () => {
		const u = await newUser(srv, admin, { role: 'viewer', area: VILLAGE_A });
		assert.equal((await u.client.get('/api/v1/me')).status, 200);
		const r = await admin.patch(`/api/v1/users/${u.user.id}`, { disabled: true });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.disabled, true);
		expectError(assert, await u.client.get('/api/v1/me'), 401, 'auth.required');
		const l = await new Client(srv.url).login(u.username, u.password);
		expectError(assert, l, 401, 'auth.failed');
		// Same answer as a wrong password: nothing tells that the account exists.
		const w = await new Client(srv.url).login(u.username, 'Wrong-Password-123');
		assert.deepEqual(l.body, w.body);
		// Enabled again, it can.
		assert.equal((await admin.patch(`/api/v1/users/${u.user.id}`, { disabled: false })).status, 200);
		assert.equal((await new Client(srv.url).login(u.username, u.password)).status, 200);
	});

	it('logout answers 204, clears the cookie and ends the session', async () => {
		const c = new Client(srv.url);
		await c.mustLogin(ADMIN.username, ADMIN.password);
		const cookie = c.cookie;
		const r = await c.logout();
		assert.equal(r.status, 204);
		const sc = r.setCookie.find((s) => s.startsWith('fk_session='));
		assert.ok(sc, 'logout does not clear the cookie');
		assert.match(sc, /^fk_session=;/);
		assert.match(sc, /Max-Age=0/);
		// The old token no longer works, even when a client keeps sending it.
		const stale = new Client(srv.url);
		stale.cookie = cookie;
		expectError(assert, await stale.get('/api/v1/me'), 401, 'auth.required');
		expectError(assert, await stale.get('/api/v1/areas?root=1'), 401, 'auth.required');
		expectError(assert, await stale.logout(), 401, 'auth.required');
	});

	it('a made-up session token is 401 auth.required', async () => {
		const c = new Client(srv.url);
		c.cookie = 'A'.repeat(43);
		expectError(assert, await c.get('/api/v1/me'), 401, 'auth.required');
		c.cookie = 'x';
		expectError(assert, await c.get('/api/v1/users'), 401, 'auth.required');
	});
});
