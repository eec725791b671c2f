// 11. Hostile input: nothing a client sends gives a 5xx or stops the server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';

import { Client, SLOW, VILLAGE_A, adminClient, dbSql, expectError, rawRequest, run, startServer, uuid } from './lib.mjs';


let srv;
let admin;

before(async () => {
	// 'load' sends 300 requests at once from this one address, as a proxy in front would:
	// more than the default --max-per-address
	srv = await startServer({ args: ['--max-per-address', '1024'] });
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

/** A raw request must get a non-5xx answer or a closed connection, never a hang. */
async function rawOk(what, data, { wantStatus, allowWait = false } = {}) {
	const r = await rawRequest(srv.port, data, { timeoutMs: (allowWait ? 1500 : 8000) * SLOW });
	const ctx = `${what}: status ${r.status}, closed=${r.closed}, error=${r.error}, ${r.text.slice(0, 160)}`;
	if (!allowWait) assert.ok(r.status !== null || r.closed, `${ctx} (no answer, connection left hanging)`);
	// 505 is the protocol's answer to an HTTP version it does not speak, not a failure.
	if (r.status !== null) assert.ok(r.status < 500 || (r.status === 505 && /HTTP\/9/.test(what)), ctx);
	if (wantStatus) assert.ok([].concat(wantStatus).includes(r.status), ctx);
	assert.doesNotMatch(r.text, /root:.*:0:0:/, `${what}: served /etc/passwd`);
	return r;
}

const session = () => `Cookie: fk_session=${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n`;

describe('malformed HTTP', () => {
	it('huge and malformed headers, bad request lines, bad framing', async () => {
		const cases = [
			['100 KB header', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100000)}\r\n\r\n`, [400, 413, 431]],
			['3000 headers', `GET /healthz HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: ${i}\r\n`).join('')}\r\n`, [200, 400, 413, 431]],
			['100 KB URL', `GET /api/v1/areas/${'3'.repeat(100000)} HTTP/1.1\r\nHost: x\r\n\r\n`, [400, 404, 413, 414, 431]],
			['huge cookie', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: fk_session=${'A'.repeat(20000)}\r\n\r\n`, [401, 413, 431]],
			['many cookies', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nCookie: ${Array.from({ length: 500 }, (_, i) => `c${i}=v`).join('; ')}\r\n\r\n`, [401, 431]],
			['huge CSRF token', `POST /api/v1/areas HTTP/1.1\r\nHost: x\r\nCookie: fk_session=${admin.cookie}\r\nX-CSRF-Token: ${'b'.repeat(20000)}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`, [403, 431]],
			['garbage request line', 'GARBAGE\r\n\r\n'],
			['method only', 'GET\r\n\r\n'],
			['HTTP/9.9', 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', [400, 505]],
			['HTTP/1.0 no Host', 'GET /healthz HTTP/1.0\r\n\r\n', [200, 400]],
			['HTTP/1.1 no Host', 'GET /healthz HTTP/1.1\r\n\r\n', [200, 400]],
			['header without colon', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n'],
			['binary junk', randomBytes(4096)],
			['NUL in path', 'GET /api/v1/areas/320\u0000481 HTTP/1.1\r\nHost: x\r\n\r\n'],
			['unknown method', 'BREW /api/v1/areas HTTP/1.1\r\nHost: x\r\n\r\n', [400, 404, 405, 501]],
			['negative Content-Length', `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`],
			['Content-Length: abc', `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}`],
			['huge Content-Length', `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999999999999999\r\n\r\n{}`],
			['bad chunk size', `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
			['TE and CL', `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`],
			// The server may wait for the rest of the body (until --timeout): no answer is fine.
			['short body', `POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{}`, undefined, true],
			['odd Accept-Language', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nAccept-Language: ${'en-'.repeat(3000)}\xff\xfe\r\n\r\n`, [401, 431]],
			['invalid UTF-8 in query', `GET /api/v1/areas?q=%FF%FE%C0%AF HTTP/1.1\r\nHost: x\r\n${session()}\r\n`, [200, 400]],
			['% at the end', `GET /api/v1/areas?q=abc% HTTP/1.1\r\nHost: x\r\n${session()}\r\n`, [200, 400]],
		];
		const results = await Promise.all(cases.map(([what, data, want, allowWait]) => rawOk(what, data, { wantStatus: want, allowWait }).then(() => null, (e) => e)));
		const errors = results.filter(Boolean);
		assert.equal(errors.length, 0, errors.map((e) => e.message).join('\n'));
		assert.equal((await admin.get('/healthz')).status, 200);
	});

	it('path traversal never reaches the file system', async () => {
		const paths = ['/../../etc/passwd', '/api/v1/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd',
			'/assets/../../../../etc/passwd', '/....//....//etc/passwd', '/%252e%252e/etc/passwd', '//etc/passwd', '/.%00./etc/passwd', '/index.html/../../../etc/passwd'];
		for (const p of paths) await rawOk(p, `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`);
		for (const p of ['/api/v1/../../etc/passwd', '/api/v1/areas/..%2f..%2f..%2fetc%2fpasswd']) {
			const r = await admin.get(p);
			assert.ok(r.status < 500, `${p}: ${r.status}`);
			assert.doesNotMatch(r.text, /root:/);
		}
	});
});

describe('hostile paths and parameters', () => {
	it('odd codes and ids are 4xx', async () => {
		const cases = [
			['/api/v1/areas/%00', [400, 404]],
			[`/api/v1/areas/${'3'.repeat(5000)}`, [400]],
			[`/api/v1/areas/${'1'.repeat(18)}`, [404]],
			['/api/v1/areas/-1', [400]],
			['/api/v1/areas/%E7%A4%BE', [400]],
			[`/api/v1/users/${'a'.repeat(5000)}`, [404]],
			['/api/v1/users/%00', [404]],
			["/api/v1/users/'%20OR%201=1--", [404]],
			[`/api/v1/users?area=${'3'.repeat(5000)}`, [400]],
			[`/api/v1/users?q=${'x'.repeat(10000)}`, [400]],
			['/api/v1/users?limit=99999999999999999999', [400]],
			['/api/v1/users?offset=-1', [400]],
			[`/api/v1/areas?q=${'x'.repeat(10000)}`, [400]],
			["/api/v1/areas?q='%20OR%201=1--", [200]],
			['/api/v1/areas?q=%25%25%25', [200]],
			['/api/v1/audit?before=99999999999999999999999', [200, 400]],
			['/api/v1/audit?from=9999-12-31T23:59:59Z', [200, 400]],
			['/api/v1/audit?to=1970-01-01', [200, 400]],
			[`/api/v1/audit?user=${'u'.repeat(10000)}`, [200, 400]],
		];
		const errors = [];
		for (const [p, want] of cases) {
			const r = await admin.get(p);
			if (!want.includes(r.status)) errors.push(`${p.slice(0, 80)}: ${r.status} ${r.text.slice(0, 200)}`);
			else if (!(r.body?.error || r.status === 200)) errors.push(`${p.slice(0, 80)}: not a JSON error`);
		}
		assert.deepEqual(errors, []);
	});

	it('a %00 in the path or a query value does not cut it short', async () => {
		// "320481\0116" is not the code 320481: it is malformed (400) or unknown (404);
		// role "\0admin" is not a role, area "\0" is not an area code.
		const errors = [];
		for (const [p, want] of [
			['/api/v1/areas/320481%00116', [400, 404]],
			[`/api/v1/areas/${VILLAGE_A}%00`, [400, 404]],
			['/api/v1/areas/320481116%00/x', [400, 404]],
			['/api/v1/users?role=%00admin', [400]],
			['/api/v1/users?role=%00', [400]],
			['/api/v1/audit?area=%00', [400]],
			['/api/v1/audit?area=%00320481', [400]],
		]) {
			const r = await admin.get(p);
			if (!want.includes(r.status)) errors.push(`${p}: ${r.status} ${r.text.slice(0, 100)}`);
		}
		assert.deepEqual(errors, []);
	});
});

describe('hostile JSON', () => {
	const post = (body) => admin.post('/api/v1/areas', body);
	const base = () => ({ uuid: uuid(), parent: VILLAGE_A, name: '健壮网格' });

	it('deep nesting is refused as invalid JSON or a wrong type', async () => {
		for (const body of ['['.repeat(100000), '{"a":'.repeat(50000) + '1' + '}'.repeat(50000), '['.repeat(5000) + ']'.repeat(5000)]) {
			const r = await post(body);
			assert.equal(r.status, 400, r.text);
			assert.match(r.body.error.code, /^json\.(invalid|not_object)$/);
		}
		const nested = `{"uuid":"${uuid()}","parent":"${VILLAGE_A}","name":${'['.repeat(1500)}${']'.repeat(1500)}}`;
		const r = await post(nested);
		assert.equal(r.status, 400, r.text);
		assert.match(r.body.error.code, /^(json\.invalid|field\.type)$/);
	});

	it('wrong types are 400 field.type with the field', async () => {
		const cases = [
			[{ ...base(), name: 123 }, 'name'],
			[{ ...base(), parent: 320481116200 }, 'parent'],
			[{ ...base(), uuid: true }, 'uuid'],
			[{ ...base(), responsible_phone: 13800138000 }, 'responsible_phone'],
			[{ ...base(), responsible_name: { first: '张' } }, 'responsible_name'],
			[{ ...base(), name: ['健壮网格'] }, 'name'],
			[{ ...base(), name: 1.5e300 }, 'name'],
		];
		for (const [body, field] of cases) expectError(assert, await post(body), 400, 'field.type', field);
		const user = (x) => admin.post('/api/v1/users', { uuid: uuid(), username: 'typed.user', role: 'viewer', area: VILLAGE_A, ...x });
		expectError(assert, await user({ role: ['admin'] }), 400, 'field.type', 'role');
		expectError(assert, await user({ username: {} }), 400, 'field.type', 'username');
		expectError(assert, await user({ area: 320481116200 }), 400, 'field.type', 'area');
		expectError(assert, await user({ password: 1234567890123 }), 400, 'field.type', 'password');
		expectError(assert, await admin.patch(`/api/v1/users/${admin.user.id}`, { disabled: 'false' }), 400, 'field.type', 'disabled');
		expectError(assert, await admin.patch(`/api/v1/users/${admin.user.id}`, { disabled: 0 }), 400, 'field.type', 'disabled');
		expectError(assert, await admin.post('/api/v1/me/password', { old_password: 1, new_password: 2 }), 400, 'field.type', 'old_password');
		expectError(assert, await admin.post('/api/v1/login', { username: ['admin'], password: 'x' }), 400, 'field.type', 'username');
	});

	it('10 KB strings are 400 field.too_long', async () => {
		const big = '字'.repeat(10000);
		expectError(assert, await post({ ...base(), name: big }), 400, 'field.too_long', 'name');
		expectError(assert, await post({ ...base(), responsible_name: big }), 400, 'field.too_long', 'responsible_name');
		expectError(assert, await post({ ...base(), duty_phone: '1'.repeat(10000) }), 400, 'field.too_long', 'duty_phone');
		expectError(assert, await post({ ...base(), uuid: 'a'.repeat(10000) }), 400, 'field.too_long', 'uuid');
		expectError(assert, await post({ ...base(), parent: '3'.repeat(10000) }), 400, 'field.too_long', 'parent');
		const user = (x) => admin.post('/api/v1/users', { uuid: uuid(), username: 'long.user', role: 'viewer', area: VILLAGE_A, ...x });
		expectError(assert, await user({ username: 'u'.repeat(10000) }), 400, 'field.too_long', 'username');
		expectError(assert, await user({ display_name: big }), 400, 'field.too_long', 'display_name');
		expectError(assert, await user({ password: 'P'.repeat(10000) }), 400, 'field.too_long', 'password');
		expectError(assert, await user({ role: 'r'.repeat(10000) }), 400, 'field.too_long', 'role');
		expectError(assert, await admin.post('/api/v1/login', { username: 'admin', password: big }), 400, 'field.too_long', 'password');
		expectError(assert, await admin.post('/api/v1/me/password', { old_password: big, new_password: 'x' }), 400, 'field.too_long', 'old_password');
	});

	it('invalid UTF-8, NUL, lone surrogates and duplicate keys are 400 json.invalid', async () => {
		const head = `{"uuid":"${uuid()}","parent":"${VILLAGE_A}","name":"`;
		const bodies = [
			Buffer.concat([Buffer.from(head), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
			Buffer.concat([Buffer.from(head), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong '/'
			Buffer.concat([Buffer.from(head), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]), // UTF-8 surrogate
			Buffer.concat([Buffer.from(head), Buffer.from([0xe7, 0xa4]), Buffer.from('"}')]), // truncated
			Buffer.concat([Buffer.from(head), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from('"}')]),
			`${head}a\\u0000b"}`,
			`${head}\\ud800"}`,
			`${head}\\udc00\\ud800"}`,
			`${head}x","name":"y"}`,
			`{"uuid":1e999999,"parent":"${VILLAGE_A}","name":"x"}`,
			`${head}x","responsible_name":"\u0001\u0002"`,
		];
		for (const b of bodies) {
			const r = await post(b);
			assert.equal(r.status, 400, `${Buffer.from(b).toString('latin1').slice(-30)}: ${r.text}`);
			assert.ok(/^json\./.test(r.body.error.code) || r.body.error.code === 'field.type', r.text);
		}
		// A raw NUL byte inside a string is not JSON either.
		const nul = await post(Buffer.concat([Buffer.from(head), Buffer.from([0]), Buffer.from('"}')]));
		assert.equal(nul.status, 400, nul.text);
	});

	it('many keys, big arrays and big numbers', async () => {
		const many = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, i]));
		expectError(assert, await post({ ...base(), ...many }), 400, 'field.unknown');
		expectError(assert, await post({ ...base(), name: Array(100000).fill(1) }), 400, 'field.type', 'name');
		const r = await post(`{"uuid":"${uuid()}","parent":"${VILLAGE_A}","name":123456789012345678901234567890}`);
		assert.equal(r.status, 400, r.text);
	});

	it('SQL and markup in names are stored as text', async () => {
		const names = ["x'); DROP TABLE area;--", '<script>alert(1)</script>', '🚑 应急网格', '%_\\'];
		for (const name of names) {
			const r = await post({ ...base(), name });
			assert.equal(r.status, 201, r.text);
			assert.equal(r.body.name, name);
			assert.match(r.headers.get('content-type'), /^application\/json/);
		}
		const v = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		for (const name of names) assert.ok(v.body.children.some((x) => x.name === name), name);
		const s = await admin.get(`/api/v1/areas?q=${encodeURIComponent('%_\\')}`);
		assert.deepEqual(s.body.items.map((x) => x.name), ['%_\\']);
	});
});

describe('load', () => {
	it('300 mixed requests in parallel: no 5xx', async () => {
		const reqs = [];
		for (let i = 0; i < 300; i++) {
			switch (i % 6) {
				case 0: reqs.push(admin.get('/healthz')); break;
				case 1: reqs.push(admin.get(`/api/v1/areas/${VILLAGE_A}`)); break;
				case 2: reqs.push(admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: `负载网格${i}` })); break;
				case 3: reqs.push(admin.get('/api/v1/areas?q=%E6%9D%91')); break;
				case 4: reqs.push(admin.post('/api/v1/areas', '{broken')); break;
				default: reqs.push(admin.get('/api/v1/audit?limit=5'));
			}
		}
		const rs = await Promise.all(reqs);
		const bad = rs.filter((r) => r.status >= 500);
		assert.equal(bad.length, 0, bad.slice(0, 3).map((r) => `${r.status} ${r.text}`).join('\n'));
		const created = rs.filter((r) => r.status === 201).length;
		assert.equal(created, 50);
		const v = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.equal(v.body.children.filter((x) => x.name.startsWith('负载网格')).length, 50);
		assert.equal(new Set(v.body.children.map((x) => x.code)).size, v.body.children.length);
	});

	it('SIGTERM in the middle of a burst of writes and logins stops cleanly', async () => {
		const other = await startServer();
		try {
			const c = await adminClient(other);
			const writes = [], logins = [];
			for (let i = 0; i < 60; i++) {
				writes.push(c.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: `停机网格${i}` }).catch((e) => e));
				if (i % 10 === 0) logins.push(new Client(other.url).login('admin', 'Wrong-Password-1').catch((e) => e));
			}
			const inflight = [...writes, ...logins];
			// Stop once the first write has been answered, while the rest are in flight (a
			// refused login can answer first: racing it too stopped the server before any write
			// was acknowledged, now and then under ThreadSanitizer)
			await Promise.race(writes);
			await other.stop({ keepDir: true }); // throws on a non-zero exit or a sanitizer report
			const results = await Promise.all(inflight);
			for (const r of results) if (!(r instanceof Error)) assert.ok(r.status < 500 || r.status === 503, `${r.status} ${r.text}`);
			// Whatever was acknowledged is in the database.
			const acked = results.filter((r) => !(r instanceof Error) && r.status === 201).map((r) => r.body.code);
			assert.ok(acked.length >= 1);
			const { stdout } = await dbSql(other.db, "SELECT code FROM area WHERE name LIKE '停机网格%'");
			const stored = new Set(stdout.split('\n').filter(Boolean));
			for (const code of acked) assert.ok(stored.has(code), `acknowledged ${code} is not in the database`);
			assert.equal((await run(['check', '--db', other.db])).code, 0);
		} finally {
			await other.stop().catch(() => {});
			await rm(other.dir, { recursive: true, force: true });
		}
	});

	it('the server is still healthy', async () => {
		const r = await admin.get('/healthz');
		assert.equal(r.status, 200);
		assert.deepEqual(r.body, { status: 'ok' });
		assert.equal((await admin.get('/api/v1/me')).status, 200);
		assert.ok(srv.alive(), 'the server process died');
	});
});
