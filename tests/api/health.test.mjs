// 1. /healthz, /api/v1/openapi.json and the security headers on every API response.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { ADMIN, Client, adminClient, startServer } from './lib.mjs';

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

function checkSecurityHeaders(r, what) {
	const h = r.headers;
	const csp = h.get('content-security-policy');
	assert.ok(csp, `${what}: no Content-Security-Policy`);
	assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP without frame-ancestors 'none'`);
	assert.equal(h.get('x-content-type-options'), 'nosniff', `${what}: X-Content-Type-Options`);
	assert.equal(h.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
	assert.equal(h.get('cache-control'), 'no-store', `${what}: Cache-Control`);
	const server = h.get('server');
	assert.ok(!server || !/\d/.test(server), `${what}: Server header reveals a version: ${server}`);
}

describe('health and OpenAPI', () => {
	it('GET /healthz answers 200 {"status":"ok"} without a session', async () => {
		const r = await new Client(srv.url).get('/healthz');
		assert.equal(r.status, 200);
		assert.deepEqual(r.body, { status: 'ok' });
		assert.match(r.headers.get('content-type'), /^application\/json/);
	});

	it('GET /api/v1/openapi.json is an OpenAPI 3 document with the routes', async () => {
		const r = await new Client(srv.url).get('/api/v1/openapi.json');
		assert.equal(r.status, 200, `openapi.json: ${r.status} ${r.text.slice(0, 200)}`);
		assert.match(r.headers.get('content-type'), /^application\/json/);
		assert.ok(r.body, 'openapi.json is not JSON');
		assert.match(String(r.body.openapi), /^3\./);
		assert.equal(typeof r.body.paths, 'object');
		for (const p of ['/api/v1/login', '/api/v1/areas', '/api/v1/areas/{code}', '/api/v1/users', '/api/v1/audit']) {
			const hit = Object.keys(r.body.paths).some((k) => k === p || '/api/v1' + k === p);
			assert.ok(hit, `openapi.json lacks the path ${p}`);
		}
		checkSecurityHeaders(r, 'openapi.json');
	});
});

describe('security headers', () => {
	it('every kind of API response carries them and no versioned Server header', async () => {
		const anon = new Client(srv.url);
		const cases = [
			['healthz', () => anon.get('/healthz'), 200],
			['unknown api path', () => anon.get('/api/v1/no-such-thing'), 404],
			['no session', () => anon.get('/api/v1/me'), 401],
			['wrong method', () => anon.req('DELETE', '/api/v1/me'), 405],
			['bad login', () => new Client(srv.url).login(ADMIN.username, 'Not-The-Password-1'), 401],
			['broken JSON', () => anon.post('/api/v1/login', '{"username":'), 400],
			['me', () => admin.get('/api/v1/me'), 200],
			['areas', () => admin.get('/api/v1/areas/320481'), 200],
			['no csrf', () => admin.post('/api/v1/areas', {}, { csrf: false }), 403],
			['login', () => new Client(srv.url).login(ADMIN.username, ADMIN.password), 200],
		];
		for (const [what, f, status] of cases) {
			const r = await f();
			assert.equal(r.status, status, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
			checkSecurityHeaders(r, what);
			if (status >= 400) {
				assert.match(r.headers.get('content-type') || '', /^application\/json/, `${what}: error not JSON`);
				assert.equal(typeof r.body?.error?.code, 'string', `${what}: no error code`);
			}
		}
	});

	it('a 204 reply (logout) carries them too', async () => {
		const c = new Client(srv.url);
		await c.mustLogin(ADMIN.username, ADMIN.password);
		const r = await c.logout();
		assert.equal(r.status, 204);
		assert.equal(r.text, '');
		checkSecurityHeaders(r, 'logout');
	});
});
