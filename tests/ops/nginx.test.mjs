// The nginx example (deploy/nginx/fangkong.conf) in front of a real fangkong started with the
// options docs/operations.md gives it (--trusted-proxy 127.0.0.1/32): only the listen
// addresses, the upstream port and the certificate paths are changed. Through it: plain
// HTTP redirects, HTTPS carries HSTS and fangkong's own headers, the lockout and the audit
// see the address nginx saw (not a forged X-Forwarded-For), the event stream reaches the
// client as it is written (its 2-second heartbeat within seconds; nginx 1.22 passes these
// small writes on even with buffering, so this does not prove the example's
// `proxy_buffering off` necessary, only that the stream works through it), and a body over
// the upload cap is refused by nginx.
// Skipped when nginx or openssl is not installed (scripts/deps.sh --bench installs nginx).
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { ROOT, VILLAGE_A, adminClient, expectError, startServer, waitFor } from '../api/lib.mjs';

const exec = promisify(execFile);
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const PWD = 'Liyang-Nginx-Pass-2026';
let skip = NGINX ? null : 'nginx is not installed (apt-get install nginx-light)';
let dir;
let srv;
let ngx;
let ngxExit;
let httpPort;
let httpsPort;
let ngxLog = '';

function freePort() {
	return new Promise((res, rej) => {
		const s = net.createServer();
		s.on('error', rej);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => res(port));
		});
	});
}

/** The example with this test's ports and certificate; every change must apply. */
function siteConf(upstream) {
	let text = readFileSync(join(ROOT, 'deploy/nginx/fangkong.conf'), 'utf8');
	const edits = [
		['server 127.0.0.1:8080;', `server 127.0.0.1:${upstream};`],
		['listen 80;', `listen 127.0.0.1:${httpPort};`],
		['listen [::]:80;', ''],
		['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
		['listen [::]:443 ssl http2;', ''],
		['/etc/ssl/fangkong/', `${dir}/ssl/`],
		['/etc/ssl/fangkong/', `${dir}/ssl/`],
	];
	for (const [from, to] of edits) {
		assert.ok(text.includes(from), `the example no longer has "${from}"`);
		text = text.replace(from, to);
	}
	return text;
}

before(async () => {
	if (skip) return;
	try {
		await exec('openssl', ['version']);
	} catch {
		skip = 'openssl is not installed';
		return;
	}
	dir = await mkdtemp(join(tmpdir(), 'fk-nginx-'));
	await mkdir(join(dir, 'ssl'));
	await exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
		'-keyout', join(dir, 'ssl/privkey.pem'), '-out', join(dir, 'ssl/fullchain.pem'), '-days', '1', '-subj', '/CN=localhost']);
	// --timeout 3: a heartbeat every 2 s on the event stream
	srv = await startServer({
		args: ['--trusted-proxy', '127.0.0.1/32', '--lock-failures', '3', '--timeout', '3', '--max-per-address', '1024'],
		users: [{ username: 'ngx1', password: PWD, role: 'viewer', area: VILLAGE_A }],
	});
	httpPort = await freePort();
	httpsPort = await freePort();
	await writeFile(join(dir, 'site.conf'), siteConf(srv.port));
	const root = process.getuid?.() === 0 ? 'user root;\n' : ''; // workers must reach the temp dir
	await writeFile(
		join(dir, 'nginx.conf'),
		`${root}daemon off;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents {}\nhttp {\n` +
			`  access_log off;\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n` +
			`  fastcgi_temp_path ${dir}/f;\n  uwsgi_temp_path ${dir}/u;\n  scgi_temp_path ${dir}/s;\n` +
			`  include ${dir}/site.conf;\n}\n`,
	);
	await exec(NGINX, ['-t', '-q', '-c', join(dir, 'nginx.conf'), '-p', dir]);
	ngx = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
	ngx.stderr.on('data', (d) => (ngxLog += d));
	ngxExit = new Promise((res) => ngx.on('exit', res));
	await waitFor(
		() =>
			new Promise((res) => {
				const s = net.connect(httpsPort, '127.0.0.1', () => {
					s.destroy();
					res(true);
				});
				s.on('error', () => res(null));
			}),
		{ what: `nginx on ${httpsPort}\n${ngxLog}` },
	);
});
after(async () => {
	if (ngx && ngx.exitCode === null) {
		ngx.kill('SIGTERM');
		await ngxExit;
	}
	await srv?.stop();
	if (dir) await rm(dir, { recursive: true, force: true });
});

/** A request through nginx over HTTPS from localAddress (127.0.0.x). */
function viaNginx(method, path, { from = '127.0.0.1', headers = {}, body } = {}) {
	return new Promise((res, rej) => {
		const data = body === undefined ? undefined : JSON.stringify(body);
		const h = { Host: 'fk.example.gov.cn', ...headers };
		if (data) Object.assign(h, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
		const rq = https.request(
			{ host: '127.0.0.1', port: httpsPort, method, path, headers: h, localAddress: from, rejectUnauthorized: false, agent: false },
			(r) => {
				let text = '';
				r.on('data', (d) => (text += d));
				r.on('end', () => {
					let json = null;
					try {
						json = JSON.parse(text);
					} catch {
						json = null;
					}
					res({ status: r.statusCode, headers: r.headers, text, body: json });
				});
			},
		);
		rq.on('error', rej);
		rq.end(data);
	});
}

describe('nginx example in front of fangkong', () => {
	it('plain HTTP redirects to HTTPS; HTTPS has HSTS and fangkong\'s own headers', async (t) => {
		if (skip) return t.skip(skip);
		const r = await new Promise((res, rej) =>
			http.get({ host: '127.0.0.1', port: httpPort, path: '/x?y=1', headers: { Host: 'fk.example.gov.cn' } }, (x) => {
				x.resume();
				res(x);
			}).on('error', rej),
		);
		assert.equal(r.statusCode, 301);
		assert.equal(r.headers.location, 'https://fk.example.gov.cn/x?y=1');
		const home = await viaNginx('GET', '/');
		assert.equal(home.status, 200);
		assert.match(home.headers['strict-transport-security'], /max-age=31536000/);
		assert.ok(home.headers['content-security-policy'], 'fangkong\'s CSP passes through');
		assert.equal(home.headers.server, 'nginx', 'server_tokens off: no version');
	});

	it('lockout and audit see the address nginx saw, not a forged X-Forwarded-For', async (t) => {
		if (skip) return t.skip(skip);
		const forged = { 'X-Forwarded-For': '198.51.100.7', 'X-Real-IP': '198.51.100.8' };
		const login = (from, password) =>
			viaNginx('POST', '/api/v1/login', { from, headers: forged, body: { username: 'ngx1', password } });
		expectError(assert, await login('127.0.0.2', 'Wrong-Password-10'), 401, 'auth.failed');
		expectError(assert, await login('127.0.0.2', 'Wrong-Password-20'), 401, 'auth.failed');
		expectError(assert, await login('127.0.0.2', 'Wrong-Password-30'), 401, 'auth.locked');
		expectError(assert, await login('127.0.0.2', PWD), 401, 'auth.locked');
		const other = await login('127.0.0.3', PWD);
		assert.equal(other.status, 200, other.text);
		const admin = await adminClient(srv);
		const rows = await waitFor(async () => {
			const r = await admin.get('/api/v1/audit?action=login.failed&user=ngx1&limit=50');
			return r.body.items.length >= 4 ? r.body.items : null;
		}, { what: 'login.failed rows' });
		assert.deepEqual([...new Set(rows.map((x) => x.ip))], ['127.0.0.2']);
		const ok = await admin.get('/api/v1/audit?action=login&user=ngx1&limit=50');
		assert.deepEqual(ok.body.items.map((x) => x.ip), ['127.0.0.3']);
	});

	it('the event stream comes through as it is written: its first line and a heartbeat', async (t) => {
		if (skip) return t.skip(skip);
		const l = await viaNginx('POST', '/api/v1/login', { body: { username: 'admin', password: 'Liyang-Test-Pass-2026' } });
		assert.equal(l.status, 200, l.text);
		const cookie = l.headers['set-cookie'].find((c) => c.startsWith('fk_session=')).split(';')[0];
		const t0 = Date.now();
		const got = await new Promise((res, rej) => {
			let text = '';
			const rq = https.get(
				{ host: '127.0.0.1', port: httpsPort, path: '/api/v1/events', headers: { Host: 'fk.example.gov.cn', Cookie: cookie }, rejectUnauthorized: false, agent: false },
				(r) => {
					assert.equal(r.statusCode, 200);
					assert.match(r.headers['content-type'], /text\/event-stream/);
					r.on('data', (d) => {
						text += d;
						if (/retry: 5000/.test(text) && /: ping/.test(text)) {
							rq.destroy();
							res(text);
						}
					});
				},
			);
			rq.on('error', (e) => (text ? null : rej(e)));
			setTimeout(() => {
				rq.destroy();
				rej(new Error(`no heartbeat through nginx within 20 s; got ${JSON.stringify(text)}`));
			}, 20000).unref();
		});
		assert.match(got, /retry: 5000/);
		const ms = Date.now() - t0;
		console.log(`# the first heartbeat came through nginx after ${ms} ms`);
		assert.ok(ms < 10000, `${ms} ms for a heartbeat sent every 2 s`);
	});

	it('/metrics is refused by nginx to anyone but this machine', async (t) => {
		if (skip) return t.skip(skip);
		const out = await viaNginx('GET', '/metrics', { from: '127.0.0.2' });
		assert.equal(out.status, 403);
		assert.match(out.text, /nginx/);
		const local = await viaNginx('GET', '/metrics');
		assert.notEqual(local.status, 403, 'this machine reaches fangkong');
	});

	it('a body over the upload cap is refused by nginx before fangkong reads it', async (t) => {
		if (skip) return t.skip(skip);
		const line = await new Promise((res, rej) => {
			const s = tls.connect({ host: '127.0.0.1', port: httpsPort, rejectUnauthorized: false, servername: 'fk.example.gov.cn' }, () => {
				s.write('POST /api/v1/imports HTTP/1.1\r\nHost: fk.example.gov.cn\r\nContent-Type: multipart/form-data; boundary=x\r\n' +
					`Content-Length: ${202 * 1024 * 1024}\r\n\r\n`);
			});
			let got = '';
			s.on('data', (d) => {
				got += d;
				if (got.includes('\r\n')) {
					s.destroy();
					res(got.split('\r\n')[0]);
				}
			});
			s.on('error', rej);
		});
		assert.match(line, /^HTTP\/1\.1 413 /);
	});
});
