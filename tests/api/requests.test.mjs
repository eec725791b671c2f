// 5. The common request checks: CSRF, content type, JSON, body size, unknown fields,
// methods and unknown paths.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	SLOW,
	VILLAGE_A,
	adminClient,
	expectError,
	rawRequest,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

let srv;
let small; // --max-body-kib 4
let admin;

before(async () => {
	[srv, small] = await Promise.all([startServer(), startServer({ args: ['--max-body-kib', '4'] })]);
	admin = await adminClient(srv);
});
after(async () => {
	await Promise.all([srv?.stop(), small?.stop()]);
});

/** The token with its last character changed: same length, wrong value. */
const flip = (t) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A');
const grid = (name) => ({ uuid: uuid(), parent: VILLAGE_A, name });

describe('CSRF', () => {
	it('POST and PATCH without the X-CSRF-Token header are 403 csrf.invalid', async () => {
		const name = 'CSRF网格一';
		expectError(assert, await admin.post('/api/v1/areas', grid(name), { csrf: false }), 403, 'csrf.invalid');
		expectError(assert, await admin.patch(`/api/v1/areas/${VILLAGE_A}`, { responsible_name: '王五' }, { csrf: false }), 403, 'csrf.invalid');
		expectError(assert, await admin.post('/api/v1/users', { uuid: uuid(), username: 'csrfvictim', role: 'viewer', area: VILLAGE_A }, { csrf: false }), 403, 'csrf.invalid');
		expectError(assert, await admin.post('/api/v1/logout', undefined, { csrf: false }), 403, 'csrf.invalid');
		// Nothing happened, and the session survived the refused logout.
		const v = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.equal(v.status, 200);
		assert.ok(!v.body.children.some((x) => x.name === name));
		assert.equal(v.body.responsible_name, '');
		assert.equal((await admin.get('/api/v1/users?q=csrfvictim')).body.total, 0);
	});

	it('a wrong, empty, truncated or other session\'s token is 403 csrf.invalid', async () => {
		const other = await adminClient(srv);
		const tokens = ['wrong', '', admin.csrf.slice(0, -1), admin.csrf + 'A', flip(admin.csrf), other.csrf];
		for (const t of tokens) {
			const r = await admin.req('POST', '/api/v1/areas', { body: grid('CSRF网格二'), headers: { 'X-CSRF-Token': t }, csrf: false });
			expectError(assert, r, 403, 'csrf.invalid');
			const p = await admin.req('PATCH', `/api/v1/areas/${VILLAGE_A}`, { body: { duty_phone: '13800138000' }, headers: { 'X-CSRF-Token': t }, csrf: false });
			expectError(assert, p, 403, 'csrf.invalid');
		}
		// The token in a query string or cookie does not count.
		const q = await admin.req('POST', `/api/v1/areas?csrf=${admin.csrf}`, { body: grid('CSRF网格三'), csrf: false });
		expectError(assert, q, 403, 'csrf.invalid');
		// The refusals are audited as denied.
		await waitFor(async () => {
			const r = await admin.get('/api/v1/audit?action=denied&limit=200');
			return r.body.items.filter((x) => x.result === 'csrf.invalid').length >= 2 * tokens.length + 1;
		}, { what: 'denied csrf.invalid audit rows' });
	});

	it('with the right token the same request works', async () => {
		const r = await admin.post('/api/v1/areas', grid('CSRF网格四'));
		assert.equal(r.status, 201, r.text);
	});
});

describe('content type and body', () => {
	it('415 for a body that is not application/json', async () => {
		for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', null]) {
			const r = await admin.post('/api/v1/areas', JSON.stringify(grid('类型网格')), { contentType: ct });
			expectError(assert, r, 415, 'request.not_json');
		}
		// Parameters and case are fine.
		const ok = await admin.post('/api/v1/areas', JSON.stringify(grid('类型网格')), { contentType: 'Application/JSON; charset=utf-8' });
		assert.equal(ok.status, 201, ok.text);
		// Login is JSON too.
		const l = await new Client(srv.url).post('/api/v1/login', 'username=admin&password=x', { contentType: 'application/x-www-form-urlencoded' });
		expectError(assert, l, 415, 'request.not_json');
	});

	it('400 json.invalid for broken JSON, json.not_object for a non-object', async () => {
		for (const body of ['{', '{"uuid":', '{"a":1,}', "{'a':1}", 'null x', '\u0000', '{"a":"\\ud800"', '']) {
			const r = await admin.post('/api/v1/areas', body);
			expectError(assert, r, 400, 'json.invalid');
		}
		for (const body of ['[]', '[1,2]']) {
			const r = await admin.post('/api/v1/areas', body);
			expectError(assert, r, 400, 'json.not_object');
		}
		// Bare scalars: either answer is a 400 that names JSON.
		for (const body of ['"text"', '42', 'null', 'true']) {
			const r = await admin.post('/api/v1/areas', body);
			assert.equal(r.status, 400, r.text);
			assert.match(r.body.error.code, /^json\.(invalid|not_object)$/);
		}
	});

	it('400 json.invalid for duplicate keys', async () => {
		const r = await admin.post('/api/v1/areas', `{"uuid":"${uuid()}","parent":"${VILLAGE_A}","name":"甲","name":"乙"}`);
		expectError(assert, r, 400, 'json.invalid');
	});

	it('400 field.unknown names the unknown field', async () => {
		expectError(assert, await admin.post('/api/v1/areas', { ...grid('未知字段网格'), level: 'grid' }), 400, 'field.unknown', 'level');
		expectError(assert, await admin.patch(`/api/v1/areas/${VILLAGE_A}`, { code: '320481116201' }), 400, 'field.unknown', 'code');
		expectError(assert, await admin.post('/api/v1/users', { uuid: uuid(), username: 'unk.field', role: 'viewer', area: VILLAGE_A, must_change_password: false }), 400, 'field.unknown', 'must_change_password');
		expectError(assert, await admin.patch(`/api/v1/users/${admin.user.id}`, { password_hash: 'x' }), 400, 'field.unknown', 'password_hash');
	});

	it('413 for a body over --max-body-kib (4 KiB server, 5 KiB body)', async () => {
		const c = await adminClient(small);
		const pad = 'x'.repeat(5 * 1024);
		const body = JSON.stringify({ ...grid('大网格'), responsible_name: pad });
		const head = `POST /api/v1/areas HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: fk_session=${c.cookie}\r\nX-CSRF-Token: ${c.csrf}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
		const r = await rawRequest(small.port, head + body, { timeoutMs: 4000 * SLOW });
		assert.equal(r.status, 413, `expected 413, got ${r.status ?? 'no answer'} (closed=${r.closed}, error=${r.error}): ${r.text.slice(0, 200)}`);
		assert.match(r.text, /"request\.too_large"/);
		// A body under the cap is fine on the same server.
		const okBody = { ...grid('小网格'), responsible_name: '赵六' };
		assert.equal((await c.post('/api/v1/areas', okBody)).status, 201);
		assert.equal((await c.get('/healthz')).status, 200);
	});

	it('413 for a body over the 1 MiB default cap, and the server lives on', async () => {
		const size = 2 * 1024 * 1024;
		const head = `POST /api/v1/areas HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: fk_session=${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`;
		const r = await rawRequest(srv.port, head + '{"a":"' + 'x'.repeat(size - 8) + '"}', { timeoutMs: 4000 * SLOW });
		assert.equal(r.status, 413, `expected 413, got ${r.status ?? 'no answer'} (closed=${r.closed}, error=${r.error})`);
		// Without a session the answer is also 413 (not 500, not a hang).
		const anon = await rawRequest(srv.port, `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n` + 'x'.repeat(size), { timeoutMs: 4000 * SLOW });
		assert.equal(anon.status, 413, `anonymous: expected 413, got ${anon.status ?? 'no answer'}`);
		assert.equal((await admin.get('/healthz')).status, 200);
		assert.ok(srv.alive());
	});
});

describe('methods and paths', () => {
	it('405 method.not_allowed for a wrong method on a known path', async () => {
		const cases = [
			['DELETE', '/api/v1/areas'],
			['PUT', `/api/v1/areas/${VILLAGE_A}`],
			['DELETE', `/api/v1/users/${admin.user.id}`],
			['GET', '/api/v1/login'],
			['GET', '/api/v1/logout'],
			['POST', '/api/v1/me'],
			['PATCH', '/api/v1/audit'],
			['POST', '/healthz'],
		];
		for (const [m, p] of cases) {
			const r = await admin.req(m, p, m === 'GET' ? {} : { body: {} });
			expectError(assert, r, 405, 'method.not_allowed');
		}
	});

	it('404 JSON not_found for an unknown /api path', async () => {
		for (const p of ['/api/v1/nope', '/api/v2/areas', '/api', '/api/', '/api/v1/areas/320481/extra', '/api/v1/users/x/y/z']) {
			const r = await admin.get(p);
			expectError(assert, r, 404, 'not_found');
			assert.match(r.headers.get('content-type'), /^application\/json/);
		}
		expectError(assert, await new Client(srv.url).get('/api/v1/nope'), 404, 'not_found');
	});

	it('401 auth.required before anything else for a protected route', async () => {
		const anon = new Client(srv.url);
		for (const [m, p] of [['GET', '/api/v1/me'], ['GET', '/api/v1/areas?root=1'], ['POST', '/api/v1/areas'], ['GET', '/api/v1/audit'], ['POST', '/api/v1/me/password']])
			expectError(assert, await anon.req(m, p, m === 'GET' ? {} : { body: 'not json', contentType: 'text/plain' }), 401, 'auth.required');
	});
});
