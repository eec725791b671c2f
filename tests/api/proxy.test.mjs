// Behind a reverse proxy (serve --trusted-proxy): the client address rate limits, lockout and
// the audit see is the one the trusted proxy names in X-Forwarded-For (right-most address
// that is not itself a trusted proxy) or X-Real-IP; from any other peer, and without the
// option, those headers are ignored, so a forged one changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { AddressClient } from './address.mjs';
import { Client, VILLAGE_A, adminClient, expectError, run, startServer, waitFor } from './lib.mjs';

const PWD = 'Liyang-Proxy-Pass-2026';
const users = ['px1', 'px2', 'px3', 'px4', 'px5', 'px6'].map((username) => ({
	username,
	password: PWD,
	role: 'viewer',
	area: VILLAGE_A,
}));
let proxied; // --trusted-proxy 127.0.0.1/32 --lock-failures 3
let limited; // --trusted-proxy 127.0.0.1/32 --login-per-minute 3
let plain; // no --trusted-proxy, --lock-failures 3
let admin;

before(async () => {
	[proxied, limited, plain] = await Promise.all([
		startServer({ args: ['--trusted-proxy', '127.0.0.1/32', '--lock-failures', '3'], users }),
		startServer({ args: ['--trusted-proxy', '127.0.0.1/32', '--login-per-minute', '3'], users }),
		startServer({ args: ['--lock-failures', '3'], users }),
	]);
	admin = await adminClient(proxied);
});
after(async () => {
	await Promise.all([proxied?.stop(), limited?.stop(), plain?.stop()]);
});

const via = (xff) => ({ headers: { 'X-Forwarded-For': xff } });
const login = (srv, name, pw, opts) => new Client(srv.url).login(name, pw, opts);

async function failedRows(c, user, want) {
	return waitFor(async () => {
		const r = await c.get(`/api/v1/audit?action=login.failed&user=${user}&limit=200`);
		assert.equal(r.status, 200, r.text);
		return r.body.items.length >= want ? r.body.items : null;
	}, { what: `${want} login.failed rows of ${user}` });
}

describe('--trusted-proxy', () => {
	it('login failures from two forwarded addresses lock out separately; the audit has the forwarded address', async () => {
		for (let i = 1; i <= 2; i++)
			expectError(assert, await login(proxied, 'px1', `Wrong-Password-${i}0`, via('203.0.113.5')), 401, 'auth.failed');
		expectError(assert, await login(proxied, 'px1', 'Wrong-Password-30', via('203.0.113.5')), 401, 'auth.locked');
		expectError(assert, await login(proxied, 'px1', PWD, via('203.0.113.5')), 401, 'auth.locked');
		// another client behind the same proxy is not locked out by the first one's failures
		const other = await login(proxied, 'px1', PWD, via('203.0.113.6'));
		assert.equal(other.status, 200, other.text);
		// nor is the proxy itself (a request without the header is the proxy's own)
		assert.equal((await login(proxied, 'px1', PWD)).status, 200);

		const rows = await failedRows(admin, 'px1', 4);
		assert.deepEqual([...new Set(rows.map((x) => x.ip))], ['203.0.113.5']);
		assert.deepEqual(rows.map((x) => x.result).sort(), ['locked', 'wrong_password', 'wrong_password', 'wrong_password']);
		// the successful logins are audited with their address too
		const ok = await admin.get('/api/v1/audit?action=login&user=px1&limit=50');
		assert.equal(ok.status, 200, ok.text);
		assert.deepEqual(ok.body.items.map((x) => x.ip).sort(), ['127.0.0.1', '203.0.113.6']);
	});

	it('the right-most address that is not a trusted proxy is the client; what the client wrote left of it is not', async () => {
		// the client forged "198.51.100.1"; the proxy appended what it saw (203.0.113.7); a second
		// proxy on 127.0.0.1 appended the first one
		for (let i = 1; i <= 3; i++)
			await login(proxied, 'px2', `Wrong-Password-${i}0`, via(`198.51.100.${i}, 203.0.113.7,127.0.0.1`));
		expectError(assert, await login(proxied, 'px2', PWD, via('203.0.113.7')), 401, 'auth.locked');
		assert.equal((await login(proxied, 'px2', PWD, via('198.51.100.1'))).status, 200);
		const rows = await failedRows(admin, 'px2', 3);
		assert.deepEqual([...new Set(rows.map((x) => x.ip))], ['203.0.113.7']);
	});

	it('X-Real-IP, IPv6, and a malformed header falling back to the peer', async () => {
		const r = await login(proxied, 'px3', 'Wrong-Password-10', { headers: { 'X-Real-IP': '192.0.2.44' } });
		expectError(assert, r, 401, 'auth.failed');
		await login(proxied, 'px3', 'Wrong-Password-20', via('2001:db8:1:2::99'));
		for (const bad of ['not-an-address', '203.0.113.9:1234', '', ' , ', '1.2.3.4, [::1]', 'x'.repeat(300)])
			await login(proxied, 'px3', 'Wrong-Password-30', via(bad));
		const rows = await failedRows(admin, 'px3', 8);
		const ips = rows.map((x) => x.ip);
		assert.ok(ips.includes('192.0.2.44'), ips.join());
		assert.ok(ips.includes('2001:db8:1:2::99'), ips.join());
		// six malformed headers: the peer, and the third failure from it locked the name there
		assert.equal(ips.filter((x) => x === '127.0.0.1').length, 6, ips.join());
		assert.ok(!ips.some((x) => /not-an|xxx|1234/.test(x)), ips.join());
	});

	it('a long header is read from the right only; more trusted hops than it reads leave the peer', async () => {
		const longXff = `${'10.9.8.7, '.repeat(1000)}203.0.113.20`;
		expectError(assert, await login(proxied, 'px4', 'Wrong-Password-10', via(longXff)), 401, 'auth.failed');
		const hops = `203.0.113.21, ${Array(20).fill('127.0.0.1').join(', ')}`;
		expectError(assert, await login(proxied, 'px4', 'Wrong-Password-20', via(hops)), 401, 'auth.failed');
		const rows = await failedRows(admin, 'px4', 2);
		assert.deepEqual(rows.map((x) => x.ip).sort(), ['127.0.0.1', '203.0.113.20']);
	});

	it('the per-address login rate limit counts the forwarded address', async () => {
		for (let i = 0; i < 3; i++)
			expectError(assert, await login(limited, 'px5', 'Wrong-Password-10', via('203.0.113.30')), 401, 'auth.failed');
		expectError(assert, await login(limited, 'px5', PWD, via('203.0.113.30')), 429, 'rate.limited');
		assert.equal((await login(limited, 'px5', PWD, via('203.0.113.31'))).status, 200);
	});

	it('from a peer that is not a trusted proxy the header is ignored', async () => {
		const stranger = new AddressClient(proxied.url, '127.0.0.2');
		for (let i = 1; i <= 3; i++)
			await stranger.login('px6', `Wrong-Password-${i}0`, via(`203.0.113.${40 + i}`));
		const again = new AddressClient(proxied.url, '127.0.0.2');
		expectError(assert, await again.login('px6', PWD, via('203.0.113.99')), 401, 'auth.locked');
		const rows = await failedRows(admin, 'px6', 4);
		assert.deepEqual([...new Set(rows.map((x) => x.ip))], ['127.0.0.2']);
	});
});

describe('without --trusted-proxy', () => {
	it('a forged X-Forwarded-For or X-Real-IP is ignored: the lockout counts the peer', async () => {
		expectError(assert, await login(plain, 'px1', 'Wrong-Password-10', via('203.0.113.50')), 401, 'auth.failed');
		expectError(assert, await login(plain, 'px1', 'Wrong-Password-20', via('203.0.113.51')), 401, 'auth.failed');
		const third = await login(plain, 'px1', 'Wrong-Password-30', { headers: { 'X-Real-IP': '203.0.113.52' } });
		expectError(assert, third, 401, 'auth.locked');
		expectError(assert, await login(plain, 'px1', PWD, via('203.0.113.53')), 401, 'auth.locked');
		const c = await adminClient(plain);
		const rows = await failedRows(c, 'px1', 4);
		assert.deepEqual([...new Set(rows.map((x) => x.ip))], ['127.0.0.1']);
	});
});

describe('serve --trusted-proxy refuses what is not an address block', () => {
	for (const bad of ['', 'nginx', '127.0.0.1/33', '10.0.0.1/8', '127.0.0.1,,::1'])
		it(`"${bad}"`, async () => {
			const r = await run(['serve', '--db', '/nonexistent/fk.db', '--trusted-proxy', bad]);
			assert.equal(r.code, 2, r.stderr);
			assert.match(r.stderr, /--trusted-proxy: .+ \/ /);
		});
});
