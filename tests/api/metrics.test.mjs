// GET /metrics, /healthz and /readyz (docs/operations.md section 4).
//
// The whole /metrics answer is parsed by a strict little parser of the text exposition format
// 0.0.4: every line a comment (HELP/TYPE) or a sample of the grammar, every family with one
// HELP and one TYPE before its samples, counters ending in _total, histograms with cumulative
// _bucket lines ending in le="+Inf" equal to _count. Then: the counters move after requests
// (a login, a person created, read and fixed), labelled by the route pattern and never by a
// path; the writer's group-commit and commit (fsync) histograms count the writes; no ID
// number, phone, name, username or object id of the test appears anywhere in the answer.
// The access rule: a server with --metrics-allow 10.0.0.0/8 answers /metrics from
// 127.0.0.1 with 404 (as for an unknown page) and still /healthz and /readyz with 200.
// Runs on PostgreSQL too (api-pg): only the WAL size is SQLite's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';

import { pgPsql } from '../pg/db.mjs';
import {
	ADMIN, BIN, Client, PG, TOWN_A, VILLAGE_A, adminClient, dbSql, makeId, newUser, run, startServer, uuid, waitFor,
} from './lib.mjs';

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE_RE = /^(?:[+-]?Inf|NaN|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;

/** Label set text inside {} → [[name, value], …]; throws on anything off the grammar. */
function parseLabels(s, where) {
	const out = [];
	let i = 0;
	while (i < s.length) {
		const eq = s.indexOf('=', i);
		assert.ok(eq > i, `${where}: a label without =`);
		const name = s.slice(i, eq);
		assert.match(name, LABEL_RE, `${where}: label name ${name}`);
		assert.equal(s[eq + 1], '"', `${where}: label value not quoted`);
		let j = eq + 2;
		let v = '';
		for (; j < s.length && s[j] !== '"'; j++) {
			if (s[j] === '\\') {
				const e = s[++j];
				assert.ok(e === '\\' || e === '"' || e === 'n', `${where}: bad escape \\${e}`);
				v += e === 'n' ? '\n' : e;
			} else {
				assert.notEqual(s[j], '\n', `${where}: raw newline in a label value`);
				v += s[j];
			}
		}
		assert.equal(s[j], '"', `${where}: unterminated label value`);
		assert.ok(!out.some(([n]) => n === name), `${where}: label ${name} twice`);
		out.push([name, v]);
		i = j + 1;
		if (i < s.length) {
			assert.equal(s[i], ',', `${where}: labels not separated by a comma`);
			i++;
		}
	}
	return out;
}

/** Parses an exposition strictly; returns Map family → {type, help, samples: [{name, labels, value}]}. */
function parseExposition(text) {
	assert.ok(text.endsWith('\n'), 'the answer ends with a newline');
	const families = new Map();
	const lines = text.slice(0, -1).split('\n');
	let current = null;
	const seenSeries = new Set();
	lines.forEach((line, n) => {
		const where = `line ${n + 1}: ${line}`;
		assert.ok(line.length > 0, `${where}: empty line`);
		if (line.startsWith('#')) {
			const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
			assert.ok(m, `${where}: a comment that is neither HELP nor TYPE`);
			const [, kind, name, rest] = m;
			assert.match(name, NAME_RE, where);
			let f = families.get(name);
			if (!f) {
				assert.ok(!current || current.name === name || current.samples.length > 0 || current.type,
					`${where}: family ${current?.name} left without samples or type`);
				f = { name, help: null, type: null, samples: [] };
				families.set(name, f);
			}
			assert.equal(f.samples.length, 0, `${where}: ${kind} after the family's samples`);
			if (kind === 'HELP') {
				assert.equal(f.help, null, `${where}: second HELP`);
				assert.ok(!/\\[^\\n]/.test(rest.replace(/\\\\/g, '')), `${where}: bad escape in HELP`);
				f.help = rest;
			} else {
				assert.equal(f.type, null, `${where}: second TYPE`);
				assert.match(rest, /^(counter|gauge|histogram|summary|untyped)$/, where);
				f.type = rest;
			}
			current = f;
			return;
		}
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
		assert.ok(m, `${where}: not a sample line`);
		const [, name, labelText, value] = m;
		assert.match(value, VALUE_RE, `${where}: value`);
		assert.ok(current, `${where}: a sample before any HELP/TYPE`);
		const base = current.type === 'histogram' ? name.replace(/_(bucket|sum|count)$/, '') : name;
		assert.equal(base, current.name, `${where}: sample outside its family (${current.name})`);
		if (current.type === 'histogram') assert.notEqual(name, current.name, `${where}: histogram sample without a suffix`);
		const labels = labelText === undefined ? [] : parseLabels(labelText, where);
		const key = name + JSON.stringify([...labels].sort());
		assert.ok(!seenSeries.has(key), `${where}: the same series twice`);
		seenSeries.add(key);
		current.samples.push({ name, labels: Object.fromEntries(labels), value: Number(value) });
	});
	for (const f of families.values()) {
		assert.ok(f.help !== null && f.type !== null, `${f.name}: needs HELP and TYPE`);
		assert.match(f.name, /^fangkong_/, `${f.name}: not prefixed fangkong_`);
		if (f.type === 'counter') assert.match(f.name, /_total$/, `${f.name}: a counter ends in _total`);
		if (f.type === 'histogram') checkHistogram(f);
	}
	return families;
}

/** Cumulative buckets in ascending le ending with +Inf, +Inf == _count, one _sum per series. */
function checkHistogram(f) {
	const series = new Map();
	for (const s of f.samples) {
		const { le, ...rest } = s.labels;
		const key = JSON.stringify(Object.entries(rest).sort());
		if (!series.has(key)) series.set(key, { buckets: [], sum: null, count: null });
		const e = series.get(key);
		if (s.name.endsWith('_bucket')) {
			assert.ok(le !== undefined, `${f.name}: a bucket without le`);
			e.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value]);
		} else {
			assert.equal(le, undefined, `${f.name}: le on ${s.name}`);
			if (s.name.endsWith('_sum')) e.sum = s.value;
			else e.count = s.value;
		}
	}
	for (const [key, e] of series) {
		assert.ok(e.buckets.length >= 2, `${f.name}${key}: too few buckets`);
		for (let i = 1; i < e.buckets.length; i++) {
			assert.ok(e.buckets[i][0] > e.buckets[i - 1][0], `${f.name}${key}: le not ascending`);
			assert.ok(e.buckets[i][1] >= e.buckets[i - 1][1], `${f.name}${key}: buckets not cumulative`);
		}
		assert.equal(e.buckets.at(-1)[0], Infinity, `${f.name}${key}: the last bucket is not +Inf`);
		assert.equal(e.buckets.at(-1)[1], e.count, `${f.name}${key}: +Inf != _count`);
		assert.ok(e.sum !== null && e.sum >= 0, `${f.name}${key}: no _sum`);
	}
}

function sample(families, name, labels = {}) {
	const base = name.replace(/_(bucket|sum|count)$/, '');
	const f = families.get(name) ?? families.get(base);
	assert.ok(f, `no family ${name}`);
	return f.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

async function scrape(srv) {
	const r = await fetch(`${srv.url}/metrics`);
	const text = await r.text();
	assert.equal(r.status, 200, text.slice(0, 300));
	assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
	return { text, families: parseExposition(text) };
}

let srv;
let admin;
const ID_NUMBER = makeId('19790214', 517);
const PHONE = '13912345670';
const NAME = '指标测试人';
let person;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const p = await admin.post('/api/v1/persons', {
		uuid: uuid(), name: NAME, id_number: ID_NUMBER, area: VILLAGE_A, address: '社渚村5组7号', phone: PHONE,
	});
	assert.ok(p.status === 201 || p.status === 200, p.text);
	person = p.body;
	assert.ok(person.id, p.text);
	const g = await admin.get(`/api/v1/persons/${person.id}`);
	assert.equal(g.status, 200, g.text);
});
after(async () => {
	await srv?.stop();
});

describe('GET /metrics', () => {
	it('is the text format 0.0.4, every line of it, with HELP and TYPE for every family', async () => {
		const { families } = await scrape(srv);
		for (const name of [
			'fangkong_http_requests_total', 'fangkong_http_request_duration_seconds',
			'fangkong_http_requests_in_flight', 'fangkong_store_write_jobs_total',
			'fangkong_store_group_commit_jobs', 'fangkong_store_commit_duration_seconds',
			'fangkong_store_write_queue_depth', 'fangkong_store_readers',
			'fangkong_store_reader_wait_seconds', 'fangkong_imports_running',
			'fangkong_sessions_active', 'fangkong_database_size_bytes', 'fangkong_schema_version',
			'fangkong_build_info', 'fangkong_process_start_time_seconds',
			'fangkong_process_resident_memory_bytes', 'fangkong_process_open_fds',
		]) assert.ok(families.has(name), `no ${name}`);
		assert.equal(families.get('fangkong_http_request_duration_seconds').type, 'histogram');
		assert.equal(families.get('fangkong_store_group_commit_jobs').type, 'histogram');
		assert.equal(families.get('fangkong_sessions_active').type, 'gauge');
		assert.ok(sample(families, 'fangkong_build_info').labels.version, 'build_info has its version');
		assert.ok(sample(families, 'fangkong_sessions_active').value >= 1, 'the admin is signed in');
		assert.ok(sample(families, 'fangkong_database_size_bytes').value > 0);
		assert.equal(sample(families, 'fangkong_schema_version').value,
			sample(families, 'fangkong_schema_version_latest').value);
		const start = sample(families, 'fangkong_process_start_time_seconds').value;
		assert.ok(Math.abs(start - Date.now() / 1000) < 3600, `start time ${start}`);
		assert.ok(sample(families, 'fangkong_process_resident_memory_bytes').value > 1 << 20);
		assert.ok(sample(families, 'fangkong_process_open_fds').value > 3);
		assert.ok(sample(families, 'fangkong_store_readers').value >= 1);
		if (PG) {
			assert.equal(families.has('fangkong_database_wal_size_bytes'), false, 'no WAL size on PostgreSQL');
		} else {
			assert.ok(sample(families, 'fangkong_database_wal_size_bytes').value >= 0);
		}
	});

	it('counts requests by route pattern, never by path, and the counters move', async () => {
		const before1 = await scrape(srv);
		const loginBefore = sample(before1.families, 'fangkong_http_requests_total',
			{ route: '/api/v1/login', method: 'POST', status: '2xx' })?.value ?? 0;
		const getBefore = sample(before1.families, 'fangkong_http_requests_total',
			{ route: '/api/v1/persons/{id}', method: 'GET', status: '2xx' })?.value ?? 0;
		await new Client(srv.url).mustLogin(ADMIN.username, ADMIN.password);
		assert.equal((await admin.get(`/api/v1/persons/${person.id}`)).status, 200);
		assert.equal((await admin.get(`/api/v1/persons/${uuid()}`)).status, 404);
		await admin.get('/api/v1/no-such-route/123456');
		await fetch(`${srv.url}/some/console/page`);
		const { text, families } = await scrape(srv);
		assert.equal(sample(families, 'fangkong_http_requests_total',
			{ route: '/api/v1/login', method: 'POST', status: '2xx' }).value, loginBefore + 1);
		assert.equal(sample(families, 'fangkong_http_requests_total',
			{ route: '/api/v1/persons/{id}', method: 'GET', status: '2xx' }).value, getBefore + 1);
		assert.ok(sample(families, 'fangkong_http_requests_total',
			{ route: '/api/v1/persons/{id}', method: 'GET', status: '4xx' }).value >= 1);
		assert.ok(sample(families, 'fangkong_http_requests_total',
			{ route: '/api/v1/persons', method: 'POST', status: '2xx' }).value >= 1);
		assert.ok(sample(families, 'fangkong_http_requests_total', { route: 'other', method: 'GET', status: '4xx' }).value >= 1);
		assert.ok(sample(families, 'fangkong_http_requests_total', { route: 'static', method: 'GET' }).value >= 1);
		assert.ok(sample(families, 'fangkong_http_request_duration_seconds_count', { route: '/api/v1/persons/{id}' }).value >= 2);
		// every route label is a pattern of the table, other or static
		const spec = (await admin.get('/api/v1/openapi.json')).body;
		const patterns = new Set([...Object.keys(spec.paths), 'other', 'static']);
		for (const name of ['fangkong_http_requests_total', 'fangkong_http_request_duration_seconds'])
			for (const s of families.get(name).samples)
				assert.ok(patterns.has(s.labels.route), `${name}: route label ${s.labels.route} is not a pattern`);
		assert.ok(!text.includes(person.id), 'a person id in the metrics');
		assert.ok(!text.includes('123456'), 'a raw path in the metrics');
		assert.ok(!text.includes('/some/console'), 'a raw path in the metrics');
	});

	it('the writer counts its group commits and their fsyncs after writes', async () => {
		const before1 = await scrape(srv);
		const jobs0 = sample(before1.families, 'fangkong_store_write_jobs_total', { kind: 'interactive' }).value;
		const groups0 = sample(before1.families, 'fangkong_store_group_commit_jobs_count').value;
		const commits0 = sample(before1.families, 'fangkong_store_commit_duration_seconds_count').value;
		await Promise.all(Array.from({ length: 8 }, (_, i) => admin.post('/api/v1/persons', {
			uuid: uuid(), name: `指标批量${i}`, id_number: makeId('19880101', 600 + i), area: VILLAGE_A,
			address: '社渚村5组8号', phone: `1391234${String(5600 + i)}`,
		})));
		const { families } = await scrape(srv);
		assert.ok(sample(families, 'fangkong_store_write_jobs_total', { kind: 'interactive' }).value >= jobs0 + 8);
		const groups = sample(families, 'fangkong_store_group_commit_jobs_count').value;
		const commits = sample(families, 'fangkong_store_commit_duration_seconds_count').value;
		assert.ok(groups > groups0 && groups <= groups0 + 8 + 16, `groups ${groups0} → ${groups}`);
		assert.ok(commits > commits0, `commits ${commits0} → ${commits}`);
		assert.ok(sample(families, 'fangkong_store_group_commit_jobs_sum').value >= 8);
		assert.ok(sample(families, 'fangkong_store_commit_duration_seconds_sum').value > 0);
		assert.equal(sample(families, 'fangkong_store_write_queue_depth').value >= 0, true);
	});

	it('holds no personal data: no ID number, phone, name or username of the test', async () => {
		// a signed-in account with a username of its own, with a session and an audited write
		const cmd = await newUser(srv, admin, { role: 'commander', area: TOWN_A, username: 'metricsprobeuser7' });
		assert.equal((await cmd.client.get('/api/v1/me')).status, 200);
		const { text, families } = await scrape(srv);
		// no label value holds a number of six digits or more (an area code, an id, a phone)
		for (const f of families.values())
			for (const smp of f.samples)
				for (const [k, v] of Object.entries(smp.labels))
					assert.ok(!/\d{6,}/.test(v), `${smp.name}: label ${k}="${v}"`);
		for (const secret of [ID_NUMBER, ID_NUMBER.slice(0, 14), PHONE, NAME, '指标批量', person.id, ADMIN.password,
			'社渚村', 'metricsprobeuser7', cmd.user.id, TOWN_A, VILLAGE_A]) {
			assert.ok(!text.includes(secret), `the metrics hold ${secret}`);
		}
		// the admin's username as a label value (it is also a common word: only in quotes)
		assert.ok(!text.includes(`"${ADMIN.username}"`), 'a username as a label value');
		assert.ok(!/\d{15,}/.test(text.replace(/\s\d+\n/g, '\n')), 'a long number in a label');
	});

	it('needs no session, and a signed-in caller gets the same', async () => {
		const r = await new Client(srv.url).get('/metrics');
		assert.equal(r.status, 200);
		assert.equal(r.headers.get('cache-control'), 'no-store');
		const s = await admin.get('/metrics');
		assert.equal(s.status, 200);
	});
});

describe('GET /healthz and /readyz', () => {
	it('/healthz is 200 and /readyz 200 {"status":"ready"} without a session', async () => {
		const anon = new Client(srv.url);
		const h = await anon.get('/healthz');
		assert.equal(h.status, 200);
		assert.deepEqual(h.body, { status: 'ok' });
		const r = await anon.get('/readyz');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body, { status: 'ready' });
		assert.match(r.headers.get('content-type'), /^application\/json/);
	});

	it('/readyz answers many callers at once from one probe', async () => {
		const rs = await Promise.all(Array.from({ length: 20 }, () => fetch(`${srv.url}/readyz`)));
		for (const r of rs) assert.equal(r.status, 200);
	});

	it('only GET: other methods get 405', async () => {
		const anon = new Client(srv.url);
		assert.equal((await anon.req('POST', '/readyz', { body: {} })).status, 405);
		assert.equal((await anon.req('DELETE', '/healthz')).status, 405);
	});
});

describe('--metrics-allow', () => {
	let other;
	before(async () => {
		other = await startServer({ args: ['--metrics-allow', '10.0.0.0/8,fd00::/8'] });
	});
	after(async () => {
		await other?.stop();
	});

	it('a peer outside the ranges gets 404, as for an unknown page; health stays open', async () => {
		const anon = new Client(other.url);
		const m = await anon.get('/metrics');
		assert.equal(m.status, 404, m.text);
		assert.equal(m.body?.error?.code, 'not_found');
		assert.ok(!m.text.includes('fangkong_'), 'no metric in the refusal');
		// the forwarded address is not believed
		const f = await anon.get('/metrics', { headers: { 'X-Forwarded-For': '10.1.2.3', 'X-Real-IP': '10.1.2.3' } });
		assert.equal(f.status, 404);
		const signedIn = await adminClient(other);
		assert.equal((await signedIn.get('/metrics')).status, 404, 'a session does not open it');
		assert.equal((await anon.get('/healthz')).status, 200);
		const r = await anon.get('/readyz');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body, { status: 'ready' });
	});

	it('behind a trusted proxy on this machine, the client the proxy names is judged, not the proxy', async () => {
		const behind = await startServer({ args: ['--trusted-proxy', '127.0.0.1/32'] });
		try {
			const anon = new Client(behind.url);
			// a scrape from this machine, straight to the server (no forwarding header)
			assert.equal((await anon.get('/metrics')).status, 200);
			// the same request through nginx from outside: 404, also with a forged 127.0.0.1
			const out = await anon.get('/metrics', { headers: { 'X-Forwarded-For': '203.0.113.9' } });
			assert.equal(out.status, 404, out.text);
			const forged = await anon.get('/metrics', { headers: { 'X-Forwarded-For': '127.0.0.1, 203.0.113.9' } });
			assert.equal(forged.status, 404, forged.text);
		} finally {
			await behind.stop();
		}
	});

	it('the option refuses what is not a list of ranges', async () => {
		for (const bad of ['1.2.3.4/33', '::/129', '', 'a.b.c.d', '10.0.0.0/8, 127.0.0.1/32',
			Array.from({ length: 17 }, (_, i) => `10.${i}.0.0/16`).join(',')]) {
			const r = await run(['serve', '--db', '/nonexistent/x.db', '--metrics-allow', bad]);
			assert.equal(r.code, 2, `--metrics-allow ${JSON.stringify(bad)}: exit ${r.code} ${r.stderr}`);
			assert.match(r.stderr, /metrics-allow/);
		}
		const help = await run(['serve', '--help']);
		assert.match(help.stdout, /--metrics-allow/);
		assert.ok(BIN);
	});

	it('/readyz is 503 ready.schema, in both languages, while the schema is not the expected one', async () => {
		const anon = new Client(other.url);
		const ins = await dbSql(other.db, 'INSERT INTO schema_version (version) VALUES (9999)');
		assert.equal(ins.code, 0, ins.stderr);
		try {
			let r;
			await waitFor(async () => (r = await anon.get('/readyz')).status === 503, { what: '/readyz 503' });
			assert.equal(r.body.status, 'not_ready');
			assert.equal(r.body.error.code, 'ready.schema');
			assert.match(r.body.error.zh, /[\u4e00-\u9fff]/);
			assert.match(r.body.error.en, /schema/);
			assert.equal((await anon.get('/healthz')).status, 200, 'alive all the same');
		} finally {
			const del = await dbSql(other.db, 'DELETE FROM schema_version WHERE version = 9999');
			assert.equal(del.code, 0, del.stderr);
		}
		await waitFor(async () => (await anon.get('/readyz')).status === 200, { what: '/readyz 200 again' });
	});

	it('/readyz is 503 ready.not_writable while another holds the write lock, and 200 after', async () => {
		const anon = new Client(other.url);
		// SQLite: a sqlite3 shell in BEGIN IMMEDIATE; PostgreSQL: the writers' advisory lock
		const [cmd, args, lock, unlock] = PG
			? (() => {
				const [c, a] = pgPsql(other.db, '');
				return [c, a.slice(0, -2), 'SELECT pg_advisory_lock(7346300001);\n', 'SELECT pg_advisory_unlock(7346300001);\n'];
			})()
			: ['sqlite3', [other.db], 'BEGIN IMMEDIATE;\n', 'ROLLBACK;\n'];
		const holder = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'] });
		let err = '';
		holder.stderr.on('data', (d) => (err += d));
		const exited = new Promise((res) => holder.on('exit', res));
		holder.stdin.write(lock);
		try {
			let r;
			await waitFor(async () => (r = await anon.get('/readyz')).status === 503, { what: '/readyz 503', timeoutMs: 20000 });
			assert.equal(r.body.error.code, 'ready.not_writable');
			assert.match(r.body.error.en, /writes/);
			assert.equal((await anon.get('/healthz')).status, 200, 'alive all the same');
		} finally {
			holder.stdin.end(unlock);
			assert.equal(await exited, 0, err);
		}
		await waitFor(async () => (await anon.get('/readyz')).status === 200, { what: '/readyz 200 again', timeoutMs: 20000 });
	});
});
