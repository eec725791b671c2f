// Issue 13: two `fangkong serve` processes on one PostgreSQL database behave as one server
// behind a load balancer — a session made on one is valid on the other, and one ended on
// either is ended on both; failed logins on both count towards one lock; areas created on one
// are in the other's (cached) lists; an import uploaded to one is imported once. PostgreSQL
// only: two processes on one SQLite file are not a deployment (api-pg runs this file).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	ADMIN,
	Client,
	PG,
	VILLAGE_A,
	adminClient,
	expectError,
	newUser,
	startServer,
	uniqueName,
	waitFor,
} from './lib.mjs';

let a;
let b;

before(async () => {
	if (!PG) return;
	a = await startServer({ args: ['--lock-failures', '3', '--lock-seconds', '600'] });
	b = await startServer({ db: a.db, args: ['--lock-failures', '3', '--lock-seconds', '600'] });
});
after(async () => {
	await b?.stop();
	await a?.stop();
});

// A grid made on server `from` and waited for in server `to`'s (cached) area: every news
// `from` told before is then known to `to`.
async function seen(from, to) {
	const grid = await (await adminClient(from)).createArea(VILLAGE_A, `标记网格${uniqueName('m')}`);
	const c = await adminClient(to);
	await waitFor(async () => {
		const r = await c.get(`/api/v1/areas/${VILLAGE_A}`);
		return r.status === 200 && JSON.stringify(r.body).includes(grid.code);
	}, { what: 'a grid made on one server, in the other server\'s lists' });
}

// The same client, pointed at the other server: its cookie and CSRF token go along.
function on(srv, c) {
	const o = new Client(srv.url);
	o.cookie = c.cookie;
	o.csrf = c.csrf;
	return o;
}

describe('two servers on one PostgreSQL database', { skip: !PG && 'PostgreSQL only (api-pg)' }, () => {
	it('a login on one is valid on the other; a logout on either ends it on both', async () => {
		const c = await adminClient(a);
		assert.equal((await on(b, c).get('/api/v1/me')).status, 200);
		const r = await on(b, c).logout();
		assert.equal(r.status, 204, r.text);
		await waitFor(async () => (await c.get('/api/v1/me')).status === 401, { what: 'the logout told to the other server' });
		expectError(assert, await c.get('/api/v1/me'), 401, 'auth.required');
	});

	it('an account disabled on one server is signed out on the other', async () => {
		const admin = await adminClient(a);
		const u = await newUser(a, admin, { role: 'viewer', area: VILLAGE_A });
		const onB = on(b, u.client);
		assert.equal((await onB.get('/api/v1/me')).status, 200);
		assert.equal((await admin.patch(`/api/v1/users/${u.user.id}`, { disabled: true })).status, 200);
		await waitFor(async () => (await onB.get('/api/v1/me')).status === 401, { what: 'the disabled account told' });
	});

	it('failed logins on both servers count towards one lock', async () => {
		const admin = await adminClient(a);
		const u = await newUser(a, admin, { role: 'viewer', area: VILLAGE_A });
		expectError(assert, await new Client(b.url).login(u.username, 'Wrong-Password-10'), 401, 'auth.failed');
		await seen(b, a); // the failure on b has reached a
		expectError(assert, await new Client(a.url).login(u.username, 'Wrong-Password-20'), 401, 'auth.failed');
		// the third, on a, locks the name for this address: 2 of the 3 were on a
		expectError(assert, await new Client(a.url).login(u.username, 'Wrong-Password-30'), 401, 'auth.locked');
		// news from a reach b in the order told: once a grid made on a after the lock is in
		// b's lists, b knows the lock too, and refuses the right password at the first try
		await seen(a, b);
		expectError(assert, await new Client(b.url).login(u.username, u.password), 401, 'auth.locked');
	});

	it('an area created on one server is in the other server\'s lists', async () => {
		const ca = await adminClient(a);
		const cb = await adminClient(b);
		const before = await cb.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.equal(before.status, 200, before.text);
		const name = `双机网格${uniqueName('g')}`;
		const grid = await ca.createArea(VILLAGE_A, name);
		await waitFor(async () => {
			const r = await cb.get(`/api/v1/areas/${VILLAGE_A}`);
			return r.status === 200 && JSON.stringify(r.body).includes(grid.code);
		}, { what: 'the new grid in the other server\'s cached area' });
	});

	it('the admin of both is one account: a password change on one holds on the other', async () => {
		const c = new Client(b.url);
		const r = await c.login(ADMIN.username, ADMIN.password);
		assert.equal(r.status, 200, r.text);
	});
});
