#!/usr/bin/env node
// http_fuzz — a socket fuzzer for the request line and headers, through the real server.
//
// It starts `fangkong serve` (FANGKONG_BIN, normally the ASan + UBSan build) on 127.0.0.1
// port 0 with a fresh database and short timeouts, replays every raw request kept in
// tests/fuzz/corpus/http/ as it is, then sends mutated copies of them until the time is up:
// bit flips, odd bytes, cut and doubled ranges, other targets, methods, versions and header
// lines from a dictionary, bare LF, repeated and very long lines, splices of two inputs,
// and requests written in pieces. Every request must get an HTTP answer (never a 500) or a
// clean close within a bound; the server is asked GET /healthz on a fresh connection every
// two seconds, must stay alive, must print no sanitizer report, and must stop cleanly
// (LeakSanitizer runs then). In a corpus file, {{COOKIE}} and {{CSRF}} become a signed-in
// admin's session and CSRF token, and {{LEN}} the length of what follows the blank line.
//
//   node tests/fuzz/http_fuzz.mjs [SECONDS] [--seed N] [--concurrency N] [--save]
//
// --save adds inputs that gave an answer not seen before to the corpus (at most 400 files).
// Inputs that crash the server, trip a sanitizer, get a 500 or hang are always written to
// the corpus as crash-* files, so that every later run (and `make test`, through
// tests/api/http_hardening.test.mjs) replays them. The exit code is 0 when nothing failed.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ADMIN, BIN, COUNTY, ROOT, SLOW, cliAddUser, runOk } from '../api/lib.mjs';

export const CORPUS = fileURLToPath(new URL('./corpus/http', import.meta.url));
const SANITIZER = /AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer/;
const CORPUS_MAX = 400;
// The server closes an idle or slow connection after these: a request that neither gets an
// answer nor a close well after them hangs.
const HEADER_TIMEOUT = 2;
const IDLE_TIMEOUT = 3;
const HANG_MS = 15000 * SLOW;

/* ---- a seeded generator, so that a run can be repeated ---- */
function rng(seed) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (n) => Math.floor(next() * n);
	return { next, int, pick: (arr) => arr[int(arr.length)], chance: (p) => next() < p };
}

/* ---- the dictionary ---- */
const TARGETS = [
	'x', '*', '?a=b', '%2e%2e', '', '/', '//', '/..', '/%2e%2e/%2e%2e/etc/passwd', 'http://a/b',
	'http://evil.example.com/api/v1/me', '/api/v1/me', '/api/v1/areas?q=%ff%fe', '/healthz?x=%',
	'/api/v1/areas/%00', '/api/v1/self/AAAAAAAAAAAAAAAAAAAAAA', '/r/x', '/assets/', '/index.html',
	'/api', '/api/', '/api/v1/', '/api/v1/imports', '/api/v1/login', '/api/v1/observations/x/card',
	'/\xff\xfe', '/a%', '/a%z', '/a%0', '/%%', '/;', '/#frag', '/a b', '\\', '/api/v1/areas/{code}',
	'/' + 'a'.repeat(5000), '/?' + 'a=b&'.repeat(500),
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'BREW', 'get', '', 'G\x00T', 'POST POST'];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.', 'HTTP/1.1 ', 'http/1.1', '', 'HTTP/1.10'];
const HEADERS = [
	'Content-Length: 0', 'Content-Length: 5', 'Content-Length: -1', 'Content-Length: 99999999999999999999',
	'Content-Length: 104857600', 'Content-Length: 1e3', 'Content-Length:  7 ', 'Content-Length: 2, 2',
	'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: identity',
	'Expect: 100-continue', 'Expect: nothing', 'Connection: close', 'Connection: keep-alive, Upgrade',
	'Upgrade: websocket', 'Host:', 'Host: a@evil.example.com', 'Host: \xff\xfe', 'Host: [::1]:80',
	'Host: a:99999', 'Cookie: fk_session={{COOKIE}}', 'Cookie: fk_session=', 'Cookie: ;;;=;',
	'Cookie: fk_session=' + 'A'.repeat(43), 'X-CSRF-Token: {{CSRF}}', 'X-CSRF-Token: ',
	'Content-Type: application/json', 'Content-Type: application/json; charset=gb18030',
	'Content-Type: multipart/form-data; boundary=', 'Content-Type: multipart/form-data; boundary=' + 'b'.repeat(300),
	'Content-Type: application/x-www-form-urlencoded', 'Accept-Language: en', 'Accept-Language: \xff',
	'Accept-Encoding: gzip', 'If-None-Match: *', 'If-None-Match: "x"', 'Range: bytes=0-1',
	' folded: continuation', '\tfolded: tab', 'X-Empty:', ': no-name', 'No-Colon', 'X-Nul: a\x00b',
	'X-Long: ' + 'v'.repeat(20000), 'Host: a\r\nHost: b',
];
const TOKENS = ['\r\n', '\n', '\r', '\r\n\r\n', '\x00', '\xff', '%', '%00', '%ff', '?', '#', '/', ' ', '\t', ':', ';', ',', '"', '{}', '{{COOKIE}}', '0\r\n\r\n', 'ffffffffffffffff\r\n'];
const BYTES = [0, 0x7f, 0x80, 0xff, 0x0d, 0x0a, 0x20, 0x3a, 0x25, 0x2f, 0x3f, 0x23, 0x09, 0x30, 0x39];

/* ---- mutations of a Buffer ---- */
const latin1 = (s) => Buffer.from(s, 'latin1');

function lineEnd(buf) {
	const i = buf.indexOf('\n');
	return i < 0 ? buf.length : i + 1;
}

/* Replaces the method (0), the target (1) or the version (2) of the first line. No regular
 * expression: a long line of spaces and odd bytes would make one backtrack for minutes. */
function replaceRequestLinePart(buf, part, value) {
	const end = lineEnd(buf);
	const line = buf.subarray(0, end).toString('latin1');
	const eolLen = line.endsWith('\r\n') ? 2 : line.endsWith('\n') ? 1 : 0;
	const words = line.slice(0, line.length - eolLen).split(' ');
	if (words.length < 3) return Buffer.concat([latin1(`GET ${value} HTTP/1.1\r\n`), buf]);
	words[part === 2 ? words.length - 1 : part] = value;
	return Buffer.concat([latin1(words.join(' ') + line.slice(line.length - eolLen)), buf.subarray(end)]);
}

const MUTATORS = [
	(b, r) => { // flip a bit
		if (!b.length) return b;
		const c = Buffer.from(b);
		const i = r.int(c.length);
		c[i] ^= 1 << r.int(8);
		return c;
	},
	(b, r) => { // an odd byte
		if (!b.length) return b;
		const c = Buffer.from(b);
		c[r.int(c.length)] = r.pick(BYTES);
		return c;
	},
	(b, r) => { // cut a range
		if (b.length < 2) return b;
		const i = r.int(b.length);
		const n = 1 + r.int(Math.min(64, b.length - i));
		return Buffer.concat([b.subarray(0, i), b.subarray(i + n)]);
	},
	(b, r) => { // double a range
		if (!b.length) return b;
		const i = r.int(b.length);
		const n = 1 + r.int(Math.min(64, b.length - i));
		return Buffer.concat([b.subarray(0, i + n), b.subarray(i, i + n), b.subarray(i + n)]);
	},
	(b, r) => { // a token somewhere
		const i = r.int(b.length + 1);
		return Buffer.concat([b.subarray(0, i), latin1(r.pick(TOKENS)), b.subarray(i)]);
	},
	(b, r) => replaceRequestLinePart(b, 1, r.pick(TARGETS)),
	(b, r) => replaceRequestLinePart(b, 0, r.pick(METHODS)),
	(b, r) => replaceRequestLinePart(b, 2, r.pick(VERSIONS)),
	(b, r) => { // a header line after the request line
		const end = lineEnd(b);
		return Buffer.concat([b.subarray(0, end), latin1(r.pick(HEADERS) + '\r\n'), b.subarray(end)]);
	},
	(b) => latin1(b.toString('latin1').replace(/\r\n/g, '\n')), // bare LF
	(b, r) => { // one header line many times
		const s = b.toString('latin1');
		const lines = s.split('\r\n');
		if (lines.length < 3) return b;
		const k = 1 + r.int(lines.length - 2);
		lines.splice(k, 0, ...Array(1 + r.int(300)).fill(lines[k]));
		return latin1(lines.join('\r\n'));
	},
	(b, r) => { // a very long run of one byte
		const i = r.int(b.length + 1);
		const run = Buffer.alloc(1 + r.int(40000), r.pick([0x61, 0x20, 0x2f, 0x25, 0x00, 0xff, 0x3b]));
		return Buffer.concat([b.subarray(0, i), run, b.subarray(i)]);
	},
];

function mutate(buf, r, corpus) {
	let b = buf;
	const n = 1 + r.int(4);
	for (let k = 0; k < n; k++) {
		if (r.chance(0.08) && corpus.length > 1) { // splice with another input
			const o = r.pick(corpus).data;
			b = Buffer.concat([b.subarray(0, r.int(b.length + 1)), o.subarray(r.int(o.length + 1))]);
		} else {
			b = r.pick(MUTATORS)(b, r);
		}
	}
	return b.length > 200000 ? b.subarray(0, 200000) : b;
}

/* ---- one request on a fresh connection ---- */
function fill(template, session) {
	let s = template.toString('latin1');
	s = s.replaceAll('{{COOKIE}}', session.cookie).replaceAll('{{CSRF}}', session.csrf);
	if (s.includes('{{LEN}}')) {
		const h = s.indexOf('\r\n\r\n');
		const body = h < 0 ? '' : s.slice(h + 4);
		s = s.replaceAll('{{LEN}}', String(Buffer.byteLength(body, 'latin1')));
	}
	return latin1(s);
}

/* Whether `data` holds a whole answer: skips 1xx, then Content-Length or chunked. */
function complete(data, head) {
	let t = data.toString('latin1');
	for (;;) {
		const h = t.indexOf('\r\n\r\n');
		if (h < 0) return false;
		const headers = t.slice(0, h);
		if (/^HTTP\/1\.[01] 1\d\d/.test(headers)) {
			t = t.slice(h + 4);
			continue;
		}
		if (head) return true;
		const cl = /\r\ncontent-length:\s*(\d+)/i.exec(headers);
		if (cl) return Buffer.byteLength(t.slice(h + 4), 'latin1') >= Number(cl[1]);
		if (/\r\ntransfer-encoding:\s*chunked/i.test(headers)) return t.slice(h + 4).includes('0\r\n\r\n');
		return false; // until the server closes
	}
}

function send(port, data, r) {
	return new Promise((resolve) => {
		const chunks = [];
		let done = false;
		const head = /^HEAD /.test(data.toString('latin1', 0, 5));
		const sock = net.connect({ port, host: '127.0.0.1', localAddress: r.localAddress });
		const finish = (kind, error) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			const got = Buffer.concat(chunks);
			const text = got.toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			let code = null;
			const h = text.indexOf('\r\n\r\n');
			if (m && h >= 0) {
				const c = /"code":"([a-z._]+)"/.exec(text.slice(h));
				code = c ? c[1] : null;
			}
			resolve({ kind, status: m ? Number(m[1]) : null, code, bytes: got.length, head: text.slice(0, 120), text: text.slice(0, 4096), error });
		};
		const timer = setTimeout(() => finish('hang'), HANG_MS);
		sock.on('data', (d) => {
			chunks.push(d);
			if (complete(Buffer.concat(chunks), head)) finish('answer');
		});
		sock.on('error', (e) => finish('closed', e.code));
		sock.on('close', () => finish('closed'));
		sock.on('connect', async () => {
			const halfClose = r.chance(0.5);
			if (r.chance(0.15) && data.length > 1) { // in pieces
				let off = 0;
				while (off < data.length && !done) {
					const n = 1 + r.int(Math.min(512, data.length - off));
					sock.write(data.subarray(off, off + n));
					off += n;
					await new Promise((res) => setTimeout(res, r.int(3)));
				}
			} else {
				sock.write(data);
			}
			if (halfClose && !done) sock.end();
		});
	});
}

/* The session check and a new login, each on a fresh connection that closes: a kept-alive
 * one may be closed by the server (--header-timeout) just as it is used again. The login
 * comes from 127.0.0.3: inputs send wrong passwords from 127.0.0.1, and a name locks per
 * address. */
const fresh = () => ({ ...rng(1), chance: () => false });

async function signedIn(port, session) {
	const res = await send(port, latin1(`GET /api/v1/me HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nCookie: fk_session=${session.cookie}\r\n\r\n`), fresh());
	return res.status === 200;
}

async function signIn(port, session) {
	const body = JSON.stringify({ username: ADMIN.username, password: ADMIN.password });
	const res = await send(port, latin1(`POST /api/v1/login HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`), { ...fresh(), localAddress: '127.0.0.3' });
	const cookie = /\r\nSet-Cookie: fk_session=([^;\r]+)/i.exec(res.text);
	const csrf = /"csrf":"([^"]+)"/.exec(res.text);
	if (res.status !== 200 || !cookie || !csrf) return false;
	Object.assign(session, { cookie: cookie[1], csrf: csrf[1] });
	return true;
}

/* From 127.0.0.2: the fuzzer's own connections count against 127.0.0.1's limit. */
async function healthy(port) {
	const r = { ...fresh(), localAddress: '127.0.0.2' };
	const res = await send(port, latin1('GET /healthz HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n\r\n'), r);
	if (res.status !== 200 && process.env.FUZZ_DEBUG) {
		const { execFileSync } = await import('node:child_process');
		console.log(execFileSync('ss', ['-tanH', `( sport = :${port} )`]).toString().split('\n').map((l) => l.split(/\s+/)[0]).reduce((m, k) => ({ ...m, [k]: (m[k] || 0) + 1 }), {}));
	}
	return res.status === 200;
}

/* ---- the server ----
 * Like startServer() of tests/api/lib.mjs, but a long run writes hundreds of megabytes of
 * log: stderr is scanned for sanitizer reports as it comes, and only its tail is kept. */
async function startFuzzServer(args) {
	const dir = mkdtempSync(join(tmpdir(), 'fk-fuzz-'));
	const db = join(dir, 'fk.db');
	await runOk(['init', '--db', db, '--county', COUNTY]);
	await cliAddUser(db, { ...ADMIN, role: 'admin', area: COUNTY });
	const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--login-per-minute', '100000', ...args], {
		cwd: ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let tail = '';
	let sanitizer = null;
	let exited = null;
	const exitPromise = new Promise((res) => proc.on('exit', (code, signal) => res((exited = { code, signal }))));
	proc.stderr.on('data', (d) => {
		tail = (tail + d).slice(-64 * 1024);
		if (!sanitizer) {
			const line = tail.split('\n').find((l) => SANITIZER.test(l));
			if (line) sanitizer = line;
		}
		if (sanitizer && tail.length >= 60000) tail = tail.slice(-60000);
	});
	let out = '';
	const port = await new Promise((res, rej) => {
		const timer = setTimeout(() => rej(new Error(`the server did not start\n${tail}`)), 20000 * SLOW);
		proc.stdout.on('data', (d) => {
			out += d;
			const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				res(Number(m[1]));
			}
		});
		exitPromise.then(() => rej(new Error(`the server exited at start\n${tail}`)));
	});
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		proc,
		alive: () => !exited,
		sanitizer: () => sanitizer,
		tail: () => tail,
		async stop() {
			if (!exited) proc.kill('SIGTERM');
			const killer = setTimeout(() => proc.kill('SIGKILL'), 30000 * SLOW);
			const e = await exitPromise;
			clearTimeout(killer);
			await new Promise((res) => setTimeout(res, 100)); // the last of stderr
			const problems = [];
			if (e.code !== 0) problems.push(`exit code ${e.code ?? 'none'} (signal ${e.signal})`);
			if (sanitizer) problems.push(`sanitizer: ${sanitizer}`);
			if (problems.length) throw new Error(`${problems.join('; ')}\n--- stderr tail ---\n${tail.slice(-8000)}\n(db kept in ${dir})`);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

/* ---- the corpus ---- */
export function loadCorpus(dir = CORPUS) {
	mkdirSync(dir, { recursive: true });
	return readdirSync(dir)
		.filter((f) => !f.startsWith('.'))
		.sort()
		.map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}

function saveInput(dir, data, prefix = '') {
	const name = prefix + createHash('sha1').update(data).digest('hex');
	writeFileSync(join(dir, name), data);
	return name;
}

/**
 * Replays the corpus, then fuzzes until `seconds` have passed. Returns {sent, replayed,
 * answers, closes, statuses, failures, saved, seed}; failures lists what went wrong (a 500,
 * a hang, a malformed answer, an unhealthy or dead server, a sanitizer report).
 */
export async function fuzzHttp({ seconds = 60, seed = Date.now() >>> 0, concurrency = 16, save = false, corpusDir = CORPUS, log = () => {} } = {}) {
	const corpus = loadCorpus(corpusDir);
	if (!corpus.length) throw new Error(`no corpus in ${corpusDir}`);
	// Many connections end only at --timeout (a half-closed request whose body never
	// comes): the per-address limit is raised, or the fuzzer would mostly meet it.
	const srv = await startFuzzServer([
		'--timeout', String(IDLE_TIMEOUT), '--header-timeout', String(HEADER_TIMEOUT), '--max-body-kib', '64',
		'--max-upload-mib', '1', '--workers', '16', '--max-connections', '4096', '--max-per-address', '2048', '--lock-failures', '100',
	]);
	const session = {};
	if (!(await signIn(srv.port, session))) throw new Error('the fuzzer could not sign in');
	const stats = { seed, sent: 0, replayed: 0, answers: 0, closes: 0, statuses: {}, failures: [], saved: 0, signInLost: 0 };
	const seen = new Set();
	const known = new Set(corpus.map((c) => createHash('sha1').update(c.data).digest('hex')));
	const inflight = new Set();
	const recent = []; // the last inputs sent: on a crash, the culprit is among them
	let atExit = null;
	srv.proc.on('exit', () => {
		atExit = [...new Set([...recent, ...inflight])];
		stop = true;
	});
	const deadline = Date.now() + seconds * 1000;
	let stop = false;
	let savedCount = corpus.length;

	/* input: the Buffer at fault, or an array of those that were in flight */
	const fail = (what, input) => {
		const entry = { what };
		const inputs = !input ? [] : Array.isArray(input) ? input : [input];
		if (inputs.length) entry.input = inputs.map((i) => saveInput(corpusDir, i, 'crash-')).join(' ');
		stats.failures.push(entry);
		log(`FAIL ${what}${entry.input ? ` (input kept as ${entry.input})` : ''}`);
		if (stats.failures.length >= 5) stop = true;
	};
	const serverBroken = () => {
		if (srv.sanitizer()) return `sanitizer: ${srv.sanitizer()}`;
		return srv.alive() ? null : 'the server exited';
	};

	async function one(template, r, fromCorpus) {
		const data = fill(template, session);
		inflight.add(template);
		recent.push(template);
		if (recent.length > 4 * concurrency) recent.shift();
		const res = await send(srv.port, data, r);
		inflight.delete(template);
		stats.sent++;
		if (res.kind === 'answer' || res.status !== null) {
			stats.answers++;
			stats.statuses[res.status] = (stats.statuses[res.status] || 0) + 1;
		} else if (res.kind === 'closed') {
			stats.closes++;
		}
		if (res.bytes > 0 && res.status === null) fail(`an answer that is not HTTP: ${JSON.stringify(res.head)}`, template);
		else if (res.status === 500) fail(`500 for ${JSON.stringify(data.toString('latin1', 0, 80))}`, template);
		else if (res.kind === 'hang') fail(`no answer and no close within ${HANG_MS} ms for ${JSON.stringify(data.toString('latin1', 0, 80))}`, template);
		const sig = `${res.kind}:${res.status}:${res.code}`;
		if (!seen.has(sig)) {
			seen.add(sig);
			const h = createHash('sha1').update(template).digest('hex');
			if (save && !fromCorpus && savedCount < CORPUS_MAX && !known.has(h)) {
				known.add(h);
				saveInput(corpusDir, template);
				savedCount++;
				stats.saved++;
			}
		}
	}

	try {
		// 1. every corpus input as it is, a few at a time
		for (let i = 0; i < corpus.length && !stop; i += concurrency) {
			await Promise.all(corpus.slice(i, i + concurrency).map((c, k) => one(c.data, rng(seed + i + k), true)));
			stats.replayed = Math.min(corpus.length, i + concurrency);
			const broken = serverBroken();
			if (broken) fail(broken, corpus.slice(i, i + concurrency).map((c) => c.data));
		}
		if (!stop && !(await healthy(srv.port))) fail('GET /healthz failed after the corpus replay');

		// 2. mutations until the time is up, with a health check every two seconds
		const worker = async (w) => {
			const r = rng(seed * 31 + w);
			while (!stop && Date.now() < deadline) {
				const base = r.pick(corpus).data;
				await one(r.chance(0.05) ? base : mutate(base, r, corpus), r, false);
			}
		};
		const watcher = (async () => {
			let lastLog = Date.now();
			while (!stop && Date.now() < deadline) {
				await new Promise((res) => setTimeout(res, 2000));
				const broken = serverBroken();
				if (broken) {
					fail(broken, atExit || [...new Set([...recent, ...inflight])]);
					break;
				}
				if (!(await healthy(srv.port))) fail('GET /healthz did not answer 200 on a fresh connection');
				// an input may have logged the session out: sign in again
				// an input may have logged the session out: sign in again (not a failure of the
				// server when it cannot: inputs may also have locked the name)
				if (!(await signedIn(srv.port, session)) && !(await signIn(srv.port, session)) && !stats.signInLost++)
					log('note: the admin session is lost, fuzzing goes on without one');
				if (process.env.FUZZ_DEBUG) {
					const { execFileSync } = await import('node:child_process');
					log(JSON.stringify(execFileSync('ss', ['-tanH', `( sport = :${srv.port} )`]).toString().split('\n').map((l) => l.split(/\s+/)[0]).reduce((m, k) => ({ ...m, [k]: (m[k] || 0) + 1 }), {})) + ` sent ${stats.sent}`);
				}
				if (Date.now() - lastLog >= 30000) {
					lastLog = Date.now();
					log(`${stats.sent} sent, ${stats.answers} answered, ${stats.closes} closed, ${stats.failures.length} failed`);
				}
			}
		})();
		await Promise.all([...Array.from({ length: concurrency }, (_, w) => worker(w)), watcher]);
		{
			const broken = serverBroken();
			if (broken && !stats.failures.some((f) => f.what === broken)) fail(broken, atExit || [...recent]);
			else if (!broken && !(await healthy(srv.port))) fail('GET /healthz failed at the end');
		}
	} finally {
		try {
			await srv.stop(); // throws on a bad exit code or a sanitizer report (leaks included)
		} catch (e) {
			stats.failures.push({ what: `the server stopped badly: ${e.message.slice(0, 2000)}` });
		}
	}
	return stats;
}

/* ---- command line ---- */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const args = process.argv.slice(2);
	const opt = (name, def) => {
		const i = args.indexOf(name);
		return i >= 0 ? args.splice(i, 2)[1] : def;
	};
	const seed = Number(opt('--seed', Date.now() >>> 0));
	const concurrency = Number(opt('--concurrency', 16));
	const save = args.includes('--save');
	const seconds = Number(args.find((a) => /^\d+$/.test(a)) ?? 60);
	const t0 = Date.now();
	console.log(`http_fuzz: ${seconds} s, seed ${seed}, ${concurrency} at a time, corpus ${CORPUS}`);
	const s = await fuzzHttp({ seconds, seed, concurrency, save, log: (m) => console.log(`http_fuzz: ${m}`) });
	const secs = (Date.now() - t0) / 1000;
	console.log(`http_fuzz: ${s.sent} requests in ${secs.toFixed(0)} s (${s.replayed} from the corpus), ${s.answers} answered, ${s.closes} closed without an answer, ${s.saved} new corpus inputs`);
	console.log(`http_fuzz: statuses ${JSON.stringify(s.statuses)}${s.signInLost ? `; the admin session was lost ${s.signInLost} times` : ''}`);
	for (const f of s.failures) console.log(`http_fuzz: FAILED ${f.what}${f.input ? ` [${f.input}]` : ''}`);
	console.log(`${s.failures.length ? 0 : 1} passed, ${s.failures.length ? 1 : 0} failed`);
	process.exit(s.failures.length ? 1 : 0);
}
