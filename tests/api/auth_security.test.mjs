// Login and password security found by the outside probe (issue 8, findings 7, 8, 11, 14):
// the net that locks an account for every address needs many addresses; a name that is no
// account costs the same time as a wrong password; refused (429) logins are counted in a
// few audit rows, not written one by one; a password change ends the account's other
// sessions, and old-password guesses are limited and locked like logins; a typed name that
// is no account never reaches the audit trail. lockout.test.mjs has the per-address locks.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { AddressClient } from './address.mjs';
import {
	Client,
	SLOW,
	VILLAGE_A,
	adminClient,
	expectError,
	newPassword,
	newUser,
	startServer,
	uniqueName,
	waitFor,
} from './lib.mjs';

let srv; // defaults: 5 failures, 10 minutes
let net; // --lock-failures 2: the net locks after 10 addresses × 2 failures
let admin;
let netAdmin;

before(async () => {
	[srv, net] = await Promise.all([startServer(), startServer({ args: ['--lock-failures', '2'] })]);
	[admin, netAdmin] = await Promise.all([adminClient(srv), adminClient(net)]);
});
after(async () => {
	await Promise.all([srv?.stop(), net?.stop()]);
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('the net: an account locked for every address', () => {
	it('takes failures from 10 addresses; 9 strangers cannot lock the owner out', async () => {
		const pw = newPassword();
		const name = uniqueName('cadre');
		const u = await netAdmin.createUser({ username: name, role: 'cadre', area: VILLAGE_A, password: pw });
		for (let a = 0; a < 10; a++) {
			const stranger = new AddressClient(net.url, `127.0.1.${a + 1}`);
			expectError(assert, await stranger.login(name, 'Wrong-Password-10'), 401, 'auth.failed');
			expectError(assert, await stranger.login(name, 'Wrong-Password-20'), 401, 'auth.locked');
			if (a === 8) {
				const owner = await new AddressClient(net.url, '127.0.0.50').login(name, pw);
				assert.equal(owner.status, 200, `9 addresses locked the owner out: ${owner.text}`);
			}
		}
		// Now the right password fails from anywhere, answered as for a name that is no
		// account (nothing tells a locked account from a missing one).
		const owner = await new AddressClient(net.url, '127.0.0.51').login(name, pw);
		const ghost = await new AddressClient(net.url, '127.0.0.52').login(uniqueName('ghost'), pw);
		expectError(assert, owner, 401, 'auth.failed');
		assert.equal(owner.text, ghost.text);
		assert.equal(owner.setCookie.length, 0);
		// The admin sees the lock, and the audit trail says why.
		await waitFor(async () => (await netAdmin.get(`/api/v1/users/${u.id}`)).body.locked === true, {
			what: 'the account-wide lock',
		});
		const rows = (await netAdmin.get(`/api/v1/audit?action=login.lock&user=${name}`)).body.items;
		assert.equal(rows.length, 1);
		assert.equal(rows[0].object_id, u.id);
		assert.match(rows[0].after.locked_until, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
		// A reset unlocks it everywhere.
		const reset = await netAdmin.post(`/api/v1/users/${u.id}/reset-password`, undefined);
		assert.equal(reset.status, 200, reset.text);
		const again = await new AddressClient(net.url, '127.0.0.51').login(name, reset.body.initial_password);
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.user.locked, false);
	});
});

describe('a name that is no account', () => {
	it('takes as long as a wrong password (argon2id against a dummy hash)', async () => {
		const name = uniqueName('timer');
		await admin.createUser({ username: name, role: 'viewer', area: VILLAGE_A, password: newPassword() });
		const took = async (i, user) => {
			const c = new AddressClient(srv.url, `127.0.2.${i}`);
			const t0 = performance.now();
			const r = await c.login(user, 'Wrong-Password-10');
			expectError(assert, r, 401, 'auth.failed');
			return performance.now() - t0;
		};
		const known = [];
		const unknown = [];
		for (let i = 1; i <= 9; i++) {
			known.push(await took(i, name));
			unknown.push(await took(i + 100, uniqueName('nobody')));
		}
		const k = median(known);
		const g = median(unknown);
		assert.ok(g > k / 2 && g < k * 2, `median ${g.toFixed(1)} ms for no account, ${k.toFixed(1)} ms for a wrong password`);
	});

	it('is never stored: the audit row says "(unknown)"', async () => {
		const typed = `Liyang-Secret-${uniqueName('pw')}`; // a password typed into the name field
		const c = new AddressClient(srv.url, '127.0.0.7');
		expectError(assert, await c.login(typed, 'Wrong-Password-10'), 401, 'auth.failed');
		await waitFor(async () => {
			const r = await admin.get('/api/v1/audit?action=login.failed&user=(unknown)&limit=200');
			return r.body.items.some((x) => x.ip === '127.0.0.7' && x.result === 'unknown_user');
		}, { what: 'the (unknown) row' });
		const all = await admin.get('/api/v1/audit?limit=200');
		assert.equal(all.status, 200);
		assert.ok(!all.text.includes(typed), 'the typed name is in the audit trail');
	});
});

describe('POST /me/password', () => {
	it('ends the account\'s other sessions and keeps the one that changed it', async () => {
		const { client: here, username, password } = await newUser(srv, admin, { role: 'viewer', area: VILLAGE_A });
		const there = new AddressClient(srv.url, '127.0.0.2');
		await there.mustLogin(username, password);
		const other = new Client(srv.url);
		await other.mustLogin(username, password);
		const fresh = newPassword('New');
		const r = await here.post('/api/v1/me/password', { old_password: password, new_password: fresh });
		assert.equal(r.status, 204, r.text);
		assert.equal((await here.get('/api/v1/me')).status, 200);
		expectError(assert, await there.get('/api/v1/me'), 401, 'auth.required');
		expectError(assert, await other.get('/api/v1/me'), 401, 'auth.required');
		assert.equal((await new Client(srv.url).login(username, fresh)).status, 200);
	});

	it('locks wrong old_password guesses like logins: per account and address', async () => {
		const { client: c, username, password } = await newUser(srv, admin, { role: 'viewer', area: VILLAGE_A });
		const guess = (old) => c.post('/api/v1/me/password', { old_password: old, new_password: newPassword('New') });
		for (let i = 1; i <= 4; i++)
			expectError(assert, await guess(`Wrong-Old-Password-${i}`), 400, 'password.wrong', 'old_password');
		expectError(assert, await guess('Wrong-Old-Password-5'), 429, 'rate.limited');
		expectError(assert, await guess(password), 429, 'rate.limited');
		// the session itself stays; logins from this address are locked, from another not
		assert.equal((await c.get('/api/v1/me')).status, 200);
		expectError(assert, await new Client(srv.url).login(username, password), 401, 'auth.locked');
		assert.equal((await new AddressClient(srv.url, '127.0.0.3').login(username, password)).status, 200);
		await waitFor(async () => {
			const r = await admin.get(`/api/v1/audit?action=password.change&user=${username}`);
			const res = r.body.items.map((x) => x.result);
			return res.filter((x) => x === 'wrong_password').length === 5 && res.includes('locked');
		}, { what: 'password.change audit rows' });
	});
});

describe('refused logins (429) are counted, not written one by one', () => {
	let flood;
	let floodAdmin;
	before(async () => {
		// The server's clock is set to hh:mm:35 now, so that its minute ends soon after the
		// flood and the window's count is written without a long wait.
		const offset = (35 - (Math.floor(Date.now() / 1000) % 60) + 60) % 60;
		flood = await startServer({ args: ['--login-per-minute', '5', '--clock-offset', String(offset)] });
		floodAdmin = await adminClient(flood);
	});
	after(async () => {
		await flood?.stop();
	});

	const rowsFrom = async (ip, since) => {
		const r = await floodAdmin.get('/api/v1/audit?action=login.failed&limit=200');
		assert.equal(r.status, 200, r.text);
		return r.body.items.filter((x) => x.id > since && x.ip === ip);
	};

	it('305 logins from one address, 300 over the limit: a few rows, then one row with the count', async () => {
		const start = (await floodAdmin.get('/api/v1/audit?limit=1')).body.items[0].id;
		const c = new AddressClient(flood.url, '127.0.0.5');
		let refused = 0;
		for (let i = 0; i < 305; i++) {
			const r = await c.login('nobody', 'Wrong-Password-10');
			if (r.status === 429) refused++;
			else expectError(assert, r, 401, r.body.error.code);
		}
		assert.ok(refused >= 295, `only ${refused} refused`);
		// The five allowed attempts and the first refusal of each minute are rows at once.
		const now = await waitFor(async () => {
			const rows = await rowsFrom('127.0.0.5', start);
			return rows.some((x) => x.result === 'rate_limited') ? rows : null;
		}, { what: 'the first refusal row' });
		assert.ok(now.length <= 5 * 2 + 2, `${now.length} rows for ${refused} refusals`);
		// When the minute has ended, the next login anywhere writes the count.
		const poke = new AddressClient(flood.url, '127.0.0.6');
		const rows = await waitFor(async () => {
			await poke.login('nobody', 'Wrong-Password-10');
			const all = (await rowsFrom('127.0.0.5', start)).filter((x) => x.result === 'rate_limited');
			const counts = all.filter((x) => x.after && typeof x.after.refused === 'number');
			const firsts = all.length - counts.length;
			const sum = counts.reduce((n, x) => n + x.after.refused, 0);
			// Each window has one first row; those with more than one refusal a count row
			// (with the first included).
			return counts.length > 0 && sum === refused - firsts + counts.length ? all : null;
		}, { timeoutMs: 90000 * SLOW, intervalMs: 1000, what: 'the count of refused logins' });
		assert.ok(rows.length <= 4, `${rows.length} rate_limited rows`);
		const count = rows.find((x) => x.after?.refused);
		assert.equal(count.user, null);
		assert.match(count.after.from, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
		assert.match(count.after.to, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
	});
});
