// The password rules GET /api/v1/me publishes (issue 10, item 12: the change-password form
// shows them before anyone types): present while the password must be changed, and true —
// a password one character short of min_chars is refused, one of exactly min_chars passes,
// one containing the username is refused, the old one again is refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client, VILLAGE_A, adminClient, expectError, newPassword, startServer, uniqueName } from './lib.mjs';

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

describe('password policy', () => {
	it('is in /me, also while the password must be changed, and matches what me/password refuses', async () => {
		const username = uniqueName('pol');
		const initial = newPassword('Init');
		await admin.createUser({ username, role: 'grid_worker', area: VILLAGE_A, password: initial });
		const c = new Client(srv.url);
		const lr = await c.mustLogin(username, initial);
		assert.equal(lr.must_change_password, true);
		const me = await c.get('/api/v1/me');
		assert.equal(me.status, 200, me.text);
		const p = me.body.password_policy;
		assert.deepEqual(p, { min_chars: 10, max_bytes: 128, username_min_chars: 3, no_common: true, not_old: true });

		// counted in characters, not bytes: nine Chinese characters are too short, ten pass
		const change = (pw) => c.post('/api/v1/me/password', { old_password: initial, new_password: pw });
		expectError(assert, await change('防控'.repeat(4) + '溧'), 400, 'password.too_short', 'new_password');
		expectError(assert, await change(`x${username.toUpperCase()}-Door-7`), 400, 'password.like_username', 'new_password');
		expectError(assert, await change(initial), 400, 'password.same', 'new_password');
		expectError(assert, await change('1234567890'), 400, 'password.common', 'new_password');
		expectError(assert, await change('€'.repeat(Math.floor(p.max_bytes / 3) + 1)), 400, 'password.too_long', 'new_password');
		const ten = '溧阳社渚镇防控网格员';
		assert.equal([...ten].length, p.min_chars);
		const ok = await change(ten);
		assert.equal(ok.status, 204, ok.text);
	});
});
