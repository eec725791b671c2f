// The HTTP front against hostile clients (issue 8, findings 1, 4, 12 and 15): request
// targets that are not paths, slow and piled-up connections from one address, bodies sent
// by callers who may not send them, the Host header on contact cards, a visit at the epoch;
// and a short run of the socket fuzzer over the kept corpus (tests/fuzz/http_fuzz.mjs).
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import { fuzzHttp } from '../fuzz/http_fuzz.mjs';
import { SLOW, VILLAGE_A, adminClient, expectError, rawRequest, startServer, uuid, waitFor } from './lib.mjs';

/** A raw request from a chosen local address; resolves {status, text, closed}. */
function rawFrom(localAddress, port, data, timeoutMs = 5000 * SLOW) {
	return new Promise((resolve) => {
		const chunks = [];
		let done = false;
		const sock = net.connect({ port, host: '127.0.0.1', localAddress });
		const finish = (closed) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			const text = Buffer.concat(chunks).toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			resolve({ status: m ? Number(m[1]) : null, text, closed });
		};
		const timer = setTimeout(() => finish(false), timeoutMs);
		sock.on('data', (d) => {
			chunks.push(d);
			const t = Buffer.concat(chunks).toString('latin1');
			const h = t.indexOf('\r\n\r\n');
			const cl = h >= 0 && /\r\ncontent-length:\s*(\d+)/i.exec(t.slice(0, h));
			if (cl && Buffer.byteLength(t.slice(h + 4), 'latin1') >= Number(cl[1])) finish(false);
		});
		sock.on('error', () => finish(true));
		sock.on('close', () => finish(true));
		sock.on('connect', () => sock.write(data));
	});
}

const bodyOf = (r) => JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4));

describe('request targets that are not a path (finding 1)', () => {
	let srv;
	before(async () => {
		srv = await startServer();
	});
	after(async () => {
		await srv?.stop();
	});

	it('answers 400 request.target.invalid, whatever the bytes, and stays up', async () => {
		const targets = ['x', '*', '?a=b', '%2e%2e', '%2e%2e/etc/passwd', 'http://evil.example.com/api/v1/me', 'api/v1/me', '\xff\xfe', '.', '%00'];
		for (const method of ['GET', 'HEAD', 'POST', 'OPTIONS', 'BREW']) {
			for (const t of targets) {
				const r = await rawRequest(srv.port, Buffer.from(`${method} ${t} HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n`, 'latin1'));
				assert.equal(r.status, 400, `${method} ${JSON.stringify(t)}: ${r.text.slice(0, 200)}`);
				if (method !== 'HEAD') assert.equal(bodyOf(r).error.code, 'request.target.invalid', `${method} ${t}`);
			}
		}
		// with a body that is never sent: the answer does not wait for it
		const big = await rawRequest(srv.port, 'POST x HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{');
		assert.equal(big.status, 400, big.text);
		assert.match(big.text, /\r\nConnection: close\r\n/i);
		assert.equal((await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n')).status, 200);
		assert.ok(srv.alive());
	});
});

describe('one address cannot take every connection (finding 4)', () => {
	let srv;
	const HEADER_TIMEOUT = 4;
	before(async () => {
		// --max-connections as low as a test can afford: before the fix, one address could
		// hold all 128 (the per-address limit was --max-connections)
		srv = await startServer({ args: ['--max-connections', '128', '--max-per-address', '32', '--header-timeout', String(HEADER_TIMEOUT), '--timeout', '60'] });
	});
	after(async () => {
		await srv?.stop();
	});

	it('serves a second client while 300 half-open connections come from one address', async () => {
		const socks = [];
		let closed = 0;
		const opened = Date.now();
		await Promise.all(Array.from({ length: 300 }, () => new Promise((res) => {
			const s = net.connect({ port: srv.port, host: '127.0.0.1' });
			socks.push(s);
			s.on('connect', () => {
				s.write('GET /healthz HTTP/1.1\r\nHost: a\r\n'); // a header that never ends
				res();
			});
			s.on('error', () => res());
			s.on('close', () => {
				closed++;
				res();
			});
		})));
		try {
			// all but 32 are closed by the server at once
			await waitFor(() => closed >= 300 - 32, { what: `the connections over the per-address limit to close (${closed} closed)` });
			const r = await rawFrom('127.0.0.2', srv.port, 'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n');
			assert.equal(r.status, 200, `second client: ${r.text}`);
			// (unless the machine was so slow that the header timeout has already run out)
			if (Date.now() - opened < HEADER_TIMEOUT * 1000 - 500)
				assert.ok(closed < 300, 'served while the half-open connections within the limit are open');
			// and the kept ones do not outlive the header timeout, though --timeout is 60 s
			await waitFor(() => closed === 300, { timeoutMs: (HEADER_TIMEOUT + 5) * 1000 * SLOW, what: `every half-open connection closed (${closed})` });
		} finally {
			for (const s of socks) s.destroy();
		}
	});

	it('cuts off a header trickled one line at a time', async () => {
		const t0 = Date.now();
		const result = await new Promise((resolve) => {
			const s = net.connect({ port: srv.port, host: '127.0.0.1' });
			let got = '';
			let lines = 0;
			let timer;
			s.on('connect', () => {
				s.write('GET /healthz HTTP/1.1\r\n');
				timer = setInterval(() => {
					if (lines++ < 60) s.write(`X-Slow-${lines}: ${lines}\r\n`); // a line every 500 ms: 30 s in all
				}, 500);
			});
			s.on('data', (d) => (got += d));
			const end = () => {
				clearInterval(timer);
				resolve({ ms: Date.now() - t0, got, lines });
			};
			s.on('close', end);
			s.on('error', end);
		});
		assert.equal(result.got, '', 'no answer to a header that never ended');
		assert.ok(result.ms >= (HEADER_TIMEOUT - 1) * 1000, `closed too early (${result.ms} ms)`);
		assert.ok(result.ms < (HEADER_TIMEOUT + 3) * 1000 * SLOW, `closed after ${result.ms} ms, ${result.lines} lines`);
		assert.equal((await rawFrom('127.0.0.1', srv.port, 'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n')).status, 200);
	});

	it('keeps an ordinary keep-alive connection for several requests', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = () => new Promise((res, rej) => {
			http.get({ host: '127.0.0.1', port: srv.port, path: '/healthz', agent }, (resp) => {
				resp.resume();
				resp.on('end', () => res({ status: resp.statusCode, reused: resp.req.reusedSocket }));
			}).on('error', rej);
		});
		const a = await get();
		const b = await get();
		agent.destroy();
		assert.equal(a.status, 200);
		assert.equal(b.status, 200);
		assert.ok(b.reused, 'the second request went on the same connection');
	});

	it('documents --max-per-address and --header-timeout in serve --help', async () => {
		const { run } = await import('./lib.mjs');
		const h = await run(['serve', '--help']);
		assert.match(h.stdout, /--max-per-address .*default 64/);
		assert.match(h.stdout, /--header-timeout .*default 10/);
	});
});

describe('bodies are refused before they are read (finding 15)', () => {
	let srv, admin;
	before(async () => {
		srv = await startServer({ args: ['--max-upload-mib', '2'] });
		admin = await adminClient(srv);
	});
	after(async () => {
		await srv?.stop();
	});

	/** Sends the header and 64 KiB of a body declared as `length` bytes; the answer must come
	 * without the rest. */
	async function early(head, length, extra = '') {
		const data = Buffer.concat([
			Buffer.from(`${head}\r\nHost: a\r\nContent-Length: ${length}\r\n${extra}\r\n`, 'latin1'),
			Buffer.alloc(65536, 0x7b),
		]);
		const t0 = Date.now();
		const r = await rawRequest(srv.port, data, { timeoutMs: 10000 * SLOW });
		return { ...r, ms: Date.now() - t0 };
	}

	it('answers an anonymous 100 MiB body with 401 at once', async () => {
		for (const [head, ct] of [
			['POST /api/v1/areas HTTP/1.1', 'Content-Type: application/json\r\n'],
			['PATCH /api/v1/users/x HTTP/1.1', 'Content-Type: application/json\r\n'],
			['POST /api/v1/imports HTTP/1.1', 'Content-Type: multipart/form-data; boundary=XyZ\r\n'],
			['POST /api/v1/imports HTTP/1.1', 'Content-Type: multipart/form-data; boundary=XyZ\r\nCookie: fk_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n'],
		]) {
			const r = await early(head, 100 << 20, ct);
			assert.equal(r.status, 401, `${head}: ${r.text.slice(0, 300)}`);
			assert.equal(bodyOf(r).error.code, 'auth.required');
			assert.match(r.text, /\r\nConnection: close\r\n/i, 'the unread body ends the connection');
		}
		// Expect: 100-continue is answered with the refusal, not with "go on"
		const e = await early('POST /api/v1/areas HTTP/1.1', 100 << 20, 'Content-Type: application/json\r\nExpect: 100-continue\r\n');
		assert.equal(e.status, 401, e.text);
		assert.doesNotMatch(e.text, /100 Continue/);
	});

	it('answers 413 from a declared Content-Length over the cap, for JSON and uploads', async () => {
		// over 8 MiB: answered before the body (smaller bodies are read and dropped, then
		// answered, as requests.test.mjs checks: an early close could reset the answer away)
		const login = await early('POST /api/v1/login HTTP/1.1', 16 << 20, 'Content-Type: application/json\r\n');
		assert.equal(login.status, 413, login.text);
		assert.equal(bodyOf(login).error.code, 'request.too_large');
		const session = `Cookie: fk_session=${admin.cookie}\r\nX-CSRF-Token: ${admin.csrf}\r\n`;
		const areas = await early('POST /api/v1/areas HTTP/1.1', 16 << 20, `Content-Type: application/json\r\n${session}`);
		assert.equal(areas.status, 413, areas.text);
		const up = await early('POST /api/v1/imports HTTP/1.1', 100 << 20, `Content-Type: multipart/form-data; boundary=XyZ\r\n${session}`);
		assert.equal(up.status, 413, up.text);
		assert.equal(bodyOf(up).error.code, 'request.too_large');
		assert.equal(bodyOf(up).error.field, 'file');
		// a body without a declared length is refused (libmicrohttpd answered a long chunk
		// line with a 500 of its own; found by tests/fuzz/http_fuzz.mjs)
		const chunked = await rawRequest(srv.port, `POST /api/v1/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1b;${';'.repeat(900)}`);
		assert.equal(chunked.status, 411, chunked.text);
		assert.equal(bodyOf(chunked).error.code, 'request.length_required');
		// unknown routes do not read a body either
		const none = await early('POST /api/v1/nowhere HTTP/1.1', 100 << 20, 'Content-Type: application/json\r\n');
		assert.equal(none.status, 404, none.text);
	});

	it('still reads the body of a caller who may send it, on a kept-alive connection', async () => {
		const r = await admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '早答测试网格' });
		assert.equal(r.status, 201, r.text);
		// a body within the cap for an anonymous caller on a public route: read and answered
		const bad = await rawRequest(srv.port, 'POST /api/v1/login HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
		assert.equal(bad.status, 400, bad.text);
		assert.doesNotMatch(bad.text, /Connection: close/i);
		expectError(assert, await admin.get('/api/v1/areas/999999999999999'), 404, 'area.not_found');
	});
});

describe('contact-card links do not take the Host header as it comes (finding 12)', () => {
	let srv, admin, obsId;
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '钱多', area: VILLAGE_A, address: '钱家', phone: '13800000001' });
		assert.ok(p.status === 201 || p.status === 200, p.text);
		const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id });
		assert.equal(o.status, 201, o.text);
		obsId = o.body.observation.id;
	});
	after(async () => {
		await srv?.stop();
	});

	const card = (host, path) => rawRequest(srv.port, Buffer.from(
		`GET ${path ?? `/api/v1/observations/${obsId}/card`} HTTP/1.1\r\nHost: ${host}\r\nCookie: fk_session=${admin.cookie}\r\n\r\n`, 'latin1'));

	it('ignores an invalid Host, and pins the first valid one', async () => {
		const evil = await card('a@evil.example.com');
		assert.equal(evil.status, 200, evil.text);
		const u1 = bodyOf(evil).items[0].url;
		assert.doesNotMatch(u1, /evil|@/);
		assert.match(u1, new RegExp(`^http://127\\.0\\.0\\.1:${srv.port}/r/[A-Za-z0-9_-]{22}$`), 'the listen address until a valid Host is seen');

		// a Host that is not UTF-8 once emptied the card list
		const bin = await card('\xff\xfe.example.com', `/api/v1/cards?area=${VILLAGE_A}`);
		assert.equal(bin.status, 200, bin.text);
		assert.equal(bodyOf(bin).items.length, 1);
		assert.doesNotMatch(bodyOf(bin).items[0].url, /[^\x21-\x7e]/);

		for (const h of ['evil.example.com/x', 'evil.example.com:99999', 'evil.example.com:', '"><script>', '[::1', 'evil example.com', '-evil.com']) {
			const r = await card(h);
			assert.equal(r.status, 200, `${h}: ${r.text}`);
			assert.equal(bodyOf(r).items[0].url, u1, `Host ${h}`);
		}

		const first = await card('fk.example.cn:8443');
		const pinned = bodyOf(first).items[0].url;
		assert.match(pinned, /^http:\/\/fk\.example\.cn:8443\/r\//);
		const later = await card('other.example.com');
		assert.equal(bodyOf(later).items[0].url, pinned, 'the first valid Host stays');
		const bracket = await card('[::1]:8080', `/api/v1/cards?area=${VILLAGE_A}`);
		assert.equal(bodyOf(bracket).items[0].url, pinned);
	});
});

describe('a visit at the epoch (finding 15)', () => {
	let srv, admin, obsId;
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '孙零', area: VILLAGE_A, address: '孙家', phone: '13800000002' });
		const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id });
		assert.equal(o.status, 201, o.text);
		obsId = o.body.observation.id;
	});
	after(async () => {
		await srv?.stop();
	});

	it('is refused as before the observation began, not stored as now', async () => {
		const visit = (body) => admin.post(`/api/v1/observations/${obsId}/visits`, { uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: true, temperature: 36.5, ...body });
		for (const at of ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z', '1970-01-01', '1970-01-01T08:00:00+08:00'])
			expectError(assert, await visit({ at }), 400, 'visit.at.invalid', 'at');
		expectError(assert, await visit({ at: '2026-02-30T10:00:00Z' }), 400, 'visit.at.invalid', 'at');
		const none = await visit({});
		assert.equal(none.status, 201, none.text);
		assert.ok(Math.abs(Date.parse(none.body.visit.at) - Date.now()) < 120000, 'no `at`: now');
		const list = await admin.get(`/api/v1/observations/${obsId}`);
		assert.equal(list.status, 200);
		assert.ok(!JSON.stringify(list.body).includes('1970-01-01'), 'nothing was stored at the epoch');
	});

	it('refuses a service due at the epoch instead of giving it the default deadline', async () => {
		const r = await admin.post(`/api/v1/observations/${obsId}/services`, { uuid: uuid(), kind: 'shopping', items: '米', due_at: '1970-01-01T00:00:00Z' });
		expectError(assert, r, 400, 'field.value', 'due_at');
	});
});

describe('the HTTP fuzz corpus', () => {
	it('is replayed, then fuzzed for 20 s, through the ASan server without a failure', async () => {
		const s = await fuzzHttp({ seconds: 20, seed: 20261206 });
		assert.deepEqual(s.failures, [], JSON.stringify(s.failures, null, 1));
		assert.ok(s.replayed > 50, `replayed ${s.replayed} corpus inputs`);
		assert.ok(s.sent > s.replayed, `sent ${s.sent}`);
	});
});
