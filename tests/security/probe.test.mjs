// The outside security probe (issue 8), run by `make test` (tests/run.sh security).
//
// It reads the route table from the server itself (GET /api/v1/openapi.json, which a unit
// test keeps equal to src/api/api.c), so a new route is probed without editing this file.
// One server, an account of every role in 社渚镇 (township A) and in 竹箦镇 (township B),
// objects of every kind made in A through the API as A's users; then:
//
//   leaks     every list route without parameters, as every role of B: no trace of A's objects
//   foreign   every route with a path parameter × every method × every role of B (and an
//             anonymous client): A's object answers exactly as a well-formed missing id
//             (status and body, with the same plausible valid body and a fresh uuid)
//   filters   every list route whose query names an object (area=, user=, q= …) pointing at
//             A's object answers as one pointing at a missing object
//   refs      write routes whose body names a person (person_id, other, household, q,
//             id_number): A's person answers like an unknown one
//   files     an upload named with bytes 0xff 0xfe stays listed and readable; formula cells
//             come back inert in the issues CSV
//   raw       request targets that are not origin-form, or carry control or high bytes, get
//             an HTTP answer and the server lives; a second address is served while one
//             address holds many half-open connections
//
// A failure names the route, the role and what differed. Run alone:
//   FANGKONG_BIN=build-asan/fangkong node --test tests/security/
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';

import {
	ADMIN,
	BIN,
	Client,
	SLOW,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	makeId,
	rawRequest,
	startServer,
	uuid,
	waitFor,
} from '../api/lib.mjs';

const ROLES = ['admin', 'commander', 'cadre', 'grid_worker', 'doctor', 'social_worker', 'checkpoint_staff', 'gate_guard', 'viewer'];
/** Roles that sit on the township; the others on a village. */
const TOWNSHIP_ROLES = new Set(['admin', 'commander', 'cadre', 'doctor']);
const PASSWORD = 'Probe-Pass-2026-Zq';

// ---- data ----

const A_NAME = '甲探针人'; // names unique to this probe: a search for them finds only A's file
const A_ID = makeId('19810316', 417);
const A_PHONE = '13812340417';
const B_NAME = '乙探针人';
const MISSING_NAME = '丙无此人';
const GRID_NAME = '甲探针网格';
const CP_NAME = '甲探针卡口站';
const CP_PLATE = '苏D77777';
const DUTY_NAME = '甲探针带班';
const DUTY_CALLER = '甲探针来电';
const CL_REASON = '甲探针封闭原因';
const CL_HEAD = '甲探针户主';
const CL_GATE = '甲探针门岗';

/** Today and today + n days on the server's clock (Asia/Shanghai). */
const dateIn = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

function csvUpload(client, bytes, filename, fields = {}) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	fd.append('file', new Blob([bytes]), filename);
	return client.post('/api/v1/imports', fd);
}

async function importDone(client, id) {
	return waitFor(
		async () => {
			const r = await client.get(`/api/v1/imports/${id}`);
			if (r.status !== 200) throw new Error(`GET /imports/${id}: ${r.status} ${r.text}`);
			return r.body.status === 'done' || r.body.status === 'failed' ? r.body : null;
		},
		{ timeoutMs: 30000 * SLOW, what: `import ${id}` },
	);
}

// ---- answers compared ----

/** Drops what belongs to one request (its id), so that two answers can be compared. */
function normalise(v) {
	if (Array.isArray(v)) return v.map(normalise);
	if (v && typeof v === 'object') {
		const out = {};
		for (const [k, x] of Object.entries(v)) if (!/^request_?id$/i.test(k)) out[k] = normalise(x);
		return out;
	}
	return v;
}
const answer = (r) => ({ status: r.status, body: r.body !== null ? normalise(r.body) : r.text });
const show = (a) => `${a.status} ${typeof a.body === 'string' ? a.body.slice(0, 300) : JSON.stringify(a.body).slice(0, 300)}`;

/** The keys of a JSON value, recursively: what a created object looks like, not its ids. */
function shape(v) {
	if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
	if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, shape(v[k])]));
	return typeof v;
}

// ---- the route table ----

let spec;
function resolve(x) {
	while (x && x.$ref) x = x.$ref.split('/').slice(1).reduce((o, k) => o[k], spec);
	return x;
}
/** The schema with allOf folded in. */
function schemaOf(x) {
	x = resolve(x);
	if (x && x.allOf) return Object.assign({}, ...x.allOf.map(schemaOf), { ...x, allOf: undefined });
	return x || {};
}
/** Every operation: {method, path, op, params (resolved), public, body (schema or null), multipart}. */
function operations() {
	const ops = [];
	for (const [path, item] of Object.entries(spec.paths)) {
		const shared = (item.parameters || []).map(resolve);
		for (const [m, op] of Object.entries(item)) {
			if (!['get', 'post', 'put', 'patch', 'delete'].includes(m)) continue;
			const params = [...shared, ...(op.parameters || []).map(resolve)];
			const content = op.requestBody && resolve(op.requestBody).content;
			ops.push({
				method: m.toUpperCase(),
				path,
				op,
				params,
				public: Array.isArray(op.security) && op.security.length === 0,
				body: content?.['application/json'] ? schemaOf(content['application/json'].schema) : null,
				multipart: Boolean(content?.['multipart/form-data']),
			});
		}
	}
	return ops;
}

// ---- the world: two townships, every role in each, A's objects ----

let srv;
let admin; // county admin
let VILLAGE_B;
const A = {}; // role → {client, user}
const B = {};
const obj = {}; // kind → [A's object id or code]
const markers = []; // strings that only A's objects carry
let bPerson;
let aToken;
let missingCode; // code length → a well-formed code that does not exist

async function login(username) {
	const c = new Client(srv.url);
	const r = await c.mustLogin(username, PASSWORD);
	return { client: c, user: r.user };
}

before(async () => {
	const tag = randomBytes(2).toString('hex');
	const users = [];
	const name = (t, role) => `p${t}${role.replace('_', '').slice(0, 6)}${tag}`;
	srv = await startServer({ users: [] });
	admin = new Client(srv.url);
	await admin.mustLogin(ADMIN.username, ADMIN.password);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	assert.equal(town.status, 200, town.text);
	VILLAGE_B = town.body.children.find((x) => x.level === 'village' && Number(x.code.slice(9)) >= 200).code;
	await srv.stop({ keepDir: true });
	for (const role of ROLES) {
		users.push({ username: name('a', role), role, area: TOWNSHIP_ROLES.has(role) ? TOWN_A : VILLAGE_A, password: PASSWORD });
		users.push({ username: name('b', role), role, area: TOWNSHIP_ROLES.has(role) ? TOWN_B : VILLAGE_B, password: PASSWORD });
	}
	const dir = srv.dir;
	srv = await startServer({ db: srv.db, users });
	srv.ownDir = dir;
	admin = new Client(srv.url);
	await admin.mustLogin(ADMIN.username, ADMIN.password);
	for (const role of ROLES) {
		A[role] = await login(name('a', role));
		B[role] = await login(name('b', role));
	}
	spec = (await admin.get('/api/v1/openapi.json')).body;
	assert.ok(spec?.paths, 'GET /api/v1/openapi.json answers the route table');

	const cmdA = A.commander.client;
	const gwA = A.grid_worker.client;
	// a person file, made by hand
	const p = await cmdA.post('/api/v1/persons', {
		uuid: uuid(), name: A_NAME, area: VILLAGE_A, id_number: A_ID, phone: A_PHONE, address: '社渚镇社渚村5组',
	});
	assert.ok(p.status === 201 || p.status === 200, `POST /persons in A: ${p.status} ${p.text}`);
	const pb = await B.commander.client.post('/api/v1/persons', { uuid: uuid(), name: B_NAME, area: VILLAGE_B, address: '竹箦村' });
	assert.ok(pb.status === 201 || pb.status === 200, `POST /persons in B: ${pb.status} ${pb.text}`);
	bPerson = pb.body.id;
	// an import with tasks
	const csv = `姓名,身份证号码,联系电话,现住址\r\n甲探针导入,${makeId('19700101', 418)},13812340418,社渚镇社渚村6组\r\n`;
	const up = await csvUpload(cmdA, Buffer.from(csv, 'utf8'), 'probe-a.csv');
	assert.equal(up.status, 202, up.text);
	const job = await importDone(cmdA, up.body.id);
	assert.equal(job.status, 'done', JSON.stringify(job));
	const tasks = await cmdA.get('/api/v1/tasks?limit=50');
	assert.equal(tasks.status, 200, tasks.text);
	assert.ok(tasks.body.items.length >= 1, 'the import opened a task in A');
	// a grid
	const grid = await cmdA.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: GRID_NAME });
	assert.equal(grid.status, 201, grid.text);
	// an observation, a fever visit (an alert) and a service request
	const o = await gwA.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id, place: '社渚村5组' });
	assert.equal(o.status, 201, o.text);
	aToken = o.body.token;
	const v = await gwA.post(`/api/v1/observations/${o.body.observation.id}/visits`, {
		uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: 38.2,
	});
	assert.equal(v.status, 201, v.text);
	assert.ok(v.body.alert?.id, 'a fever raises an alert');
	const s = await gwA.post(`/api/v1/observations/${o.body.observation.id}/services`, { uuid: uuid(), kind: 'shopping', items: '米' });
	assert.equal(s.status, 201, s.text);

	obj.person = [p.body.id];
	obj.task = tasks.body.items.map((t) => t.id).slice(0, 1);
	obj.import = [up.body.id];
	obj.observation = [o.body.observation.id];
	obj.alert = [v.body.alert.id];
	obj.service = [s.body.id];
	obj.user = [A.grid_worker.user.id, A.commander.user.id];
	obj.area = [TOWN_A, VILLAGE_A, grid.body.code];
	obj.token = [aToken];
	// a checkpoint of A with a passage handed over to village A, and a pre-registration
	const cp = await cmdA.post('/api/v1/checkpoints', { uuid: uuid(), name: CP_NAME, area: TOWN_A, kind: 'road', opened_on: dateIn(-2) });
	assert.equal(cp.status, 201, cp.text);
	const ps = await cmdA.post(`/api/v1/checkpoints/${cp.body.id}/passages`, {
		uuid: uuid(), at: new Date(Date.now() - 60e3).toISOString(), plate: CP_PLATE, vehicle_kind: 'car', direction: 'in',
		persons: [{ name: '甲探针卡口', temperature: 36.5, origin: '湖北省武汉市', destination: '社渚镇社渚村5组' }],
	});
	assert.equal(ps.status, 201, ps.text);
	const pre = await new Client(srv.url).post(`/api/v1/pre/${cp.body.id}`, {
		uuid: uuid(), plate: '浙A12345', vehicle_kind: 'car', direction: 'in',
		persons: [{ name: '甲探针预登记', id_number: makeId('19700101', 419), phone: '13812340419', destination: '社渚镇' }],
	});
	assert.equal(pre.status, 201, pre.text);
	obj.checkpoint = [cp.body.id];
	obj.passage = [ps.body.id];
	obj.prereg = [pre.body.code];
	markers.push(CP_NAME, CP_PLATE, '甲探针卡口', '甲探针预登记', cp.body.id, ps.body.id, pre.body.code);
	// duty: a roster of township A's post, a swap asked, a log entry and a handover
	const duty = (path, body, method = 'POST') => cmdA.req(method, `/api/v1/duty${path}`, { body: { uuid: uuid(), ...body } });
	for (const index of [0, 1]) {
		const r = await duty(`/posts/${TOWN_A}/roster/${dateIn(3)}/${index}`, { leader: { name: DUTY_NAME }, officers: [] }, 'PUT');
		assert.equal(r.status, 200, r.text);
	}
	const sw = await duty(`/posts/${TOWN_A}/swaps`, { a: { date: dateIn(3), index: 0, slot: 'leader' }, b: { date: dateIn(3), index: 1, slot: 'leader' }, reason: DUTY_NAME });
	assert.equal(sw.status, 201, sw.text);
	const le = await duty(`/posts/${TOWN_A}/log`, { at: new Date(Date.now() - 60e3).toISOString(), kind: 'call', from_name: DUTY_CALLER, content: DUTY_CALLER });
	assert.equal(le.status, 201, le.text);
	const hour = new Date(Date.now() + 8 * 3600e3).getUTCHours();
	const [hdate, hindex] = hour >= 20 ? [dateIn(0), 0] : hour >= 8 ? [dateIn(-1), 1] : [dateIn(-1), 0];
	const ho = await duty(`/posts/${TOWN_A}/handovers`, { date: hdate, index: hindex, note: DUTY_CALLER });
	assert.equal(ho.status, 201, ho.text);
	obj.duty_post = [TOWN_A, cp.body.id];
	obj.duty_swap = [sw.body.id];
	obj.duty_log = [le.body.id];
	obj.duty_handover = [ho.body.id];
	markers.push(DUTY_NAME, DUTY_CALLER, sw.body.id, le.body.id, ho.body.id);
	// a closure of village A with a household, a pass and a gate
	const cl = await cmdA.post('/api/v1/closures', { uuid: uuid(), area: VILLAGE_A, from: dateIn(0), reason: CL_REASON });
	assert.equal(cl.status, 201, cl.text);
	const hh = await cmdA.post(`/api/v1/closures/${cl.body.id}/households`, { uuid: uuid(), head: CL_HEAD, address: '甲探针封闭1号' });
	assert.equal(hh.status, 201, hh.text);
	const pass = await cmdA.post(`/api/v1/closures/${cl.body.id}/passes`, { uuid: uuid(), kind: 'resident', household_id: hh.body.id });
	assert.equal(pass.status, 201, pass.text);
	const gate = await cmdA.post(`/api/v1/closures/${cl.body.id}/gates`, { uuid: uuid(), name: CL_GATE });
	assert.equal(gate.status, 201, gate.text);
	obj.closure = [cl.body.id];
	obj.pass = [pass.body.number];
	obj.gate = [gate.body.id];
	markers.push(CL_REASON, CL_HEAD, CL_GATE, cl.body.id, hh.body.id, pass.body.number, gate.body.id);
	// an export of A's tasks, the county admin's own job (a job is its maker's alone)
	const ex = await admin.post(`/api/v1/exports?list=tasks&area=${TOWN_A}`, { uuid: uuid() });
	assert.equal(ex.status, 202, `POST /exports: ${ex.status} ${ex.text}`);
	await waitFor(async () => (await admin.get(`/api/v1/exports/${ex.body.id}`)).body.status === 'done', { what: 'the export' });
	obj.exports = [ex.body.id];
	markers.push(A_NAME, '甲探针导入', GRID_NAME, grid.body.code, A_ID, A_PHONE, ...obj.person, ...obj.task,
		...obj.import, ...obj.observation, ...obj.alert, ...obj.service, ...obj.user,
		...ROLES.map((r) => name('a', r)), tasks.body.items[0].person_id);

	// a code of each length that does not exist (the same shape as A's)
	missingCode = {};
	for (const code of obj.area) {
		for (let k = 999; k > 900; k--) {
			const c = code.slice(0, -3) + String(k);
			if ((await admin.get(`/api/v1/areas/${c}`)).status === 404) {
				missingCode[code.length] = c;
				break;
			}
		}
		assert.ok(missingCode[code.length], `a missing code of length ${code.length}`);
	}
});

after(async () => {
	await srv?.stop();
	if (srv?.ownDir && !process.env.FK_KEEP) {
		const { rm } = await import('node:fs/promises');
		await rm(srv.ownDir, { recursive: true, force: true });
	}
});

/** The start of an event stream (GET /api/v1/events never ends by itself): what it sends
 * up to its first event, then the connection is closed. */
async function streamHead(c, path) {
	const ctl = new AbortController();
	const res = await fetch(srv.url + path, { headers: c.cookie ? { Cookie: `fk_session=${c.cookie}` } : {}, signal: ctl.signal });
	let text = '';
	if (res.status !== 200) return { status: res.status, text: await res.text() };
	const dec = new TextDecoder();
	for await (const chunk of res.body) {
		text += dec.decode(chunk, { stream: true });
		if (/event: unread\ndata: [^\n]*\n\n/.test(text)) break;
	}
	ctl.abort();
	return { status: res.status, text };
}

/** B's callers: every role, and an anonymous client. */
function callersB() {
	return [...ROLES.map((r) => [r, B[r].client]), ['anonymous', new Client(srv.url)]];
}

// ---- request bodies: plausible and valid, had the object been the caller's ----

/** Known bodies that would succeed on an object in scope (by request schema name). */
function knownBody(schemaName) {
	const u = uuid();
	return {
		AreaPatch: { responsible_name: '探针' },
		AreaOutboundSet: { uuid: u, kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=probe' },
		UserPatch: { display_name: '探针' },
		PersonMerge: { uuid: u, other: bPerson },
		PersonFix: { uuid: u, phone: '13912340099' },
		TaskClose: { uuid: u, outcome: 'observation', note: '探针' },
		TaskReassign: { area: VILLAGE_B, reason: '探针' },
		TaskExtend: { hours: 24, reason: '探针' },
		VisitCreate: { uuid: u, mode: 'in_person', saw_person: true, saw_home: true, saw_state: true, temperature: 36.5 },
		ObservationPeriod: { uuid: u, end_date: dateIn(5), reason: '探针' },
		ObservationRelease: { uuid: u, note: '探针' },
		ObservationStaff: { uuid: u, grid_worker: '' },
		ServiceCreate: { uuid: u, kind: 'shopping', items: '米' },
		AlertReferral: { uuid: u, destination: 'fever_clinic' },
		AlertResultSet: { uuid: u, result: 'excluded' },
		ServiceStatusChange: { uuid: u, status: 'accepted', assignee: '探针' },
		SelfReportCreate: { uuid: u, temperature: 36.5 },
		SelfServiceCreate: { uuid: u, kind: 'shopping', items: '米' },
		CheckpointClose: { uuid: u, closed_on: dateIn(0) },
		CheckpointStaff: { uuid: u, user_id: B.checkpoint_staff.user.id },
		PassageNew: { uuid: u, at: new Date(Date.now() - 60e3).toISOString(), plate: '苏D12345', vehicle_kind: 'car', direction: 'in', persons: [{ name: '探针', temperature: 36.5 }] },
		DutySwapNew: { uuid: u, a: { date: dateIn(1), index: 0, slot: 'leader' }, b: { date: dateIn(1), index: 1, slot: 'leader' }, reason: '探针' },
		PassageCorrect: { uuid: u, reason: '探针', plate: '苏D12345', vehicle_kind: 'car', direction: 'in', persons: [{ name: '探针', temperature: 36.5 }] },
		ClosurePatch: { uuid: u, reason: '探针' },
		ClosureReopen: { uuid: u, on: dateIn(0) },
		HouseholdCreate: { uuid: u, head: '探针', address: '探针1号' },
		HouseholdBlock: { uuid: u, blocked: true, reason: '探针' },
		PassCreate: { uuid: u, kind: 'worker', holder: '探针', employer: '探针' },
		PassChange: { uuid: u, reason: '探针' },
		GateCreate: { uuid: u, name: '探针门' },
		GateGuard: { uuid: u, user_id: B.gate_guard.user.id },
	}[schemaName];
}

/** A value for a schema: what a careful client would send (for routes added later). */
function sample(s, name) {
	s = schemaOf(s);
	if (name === 'uuid') return uuid();
	if (s.enum) return s.enum[0];
	if (s.example !== undefined) return s.example;
	if (s.default !== undefined) return s.default;
	switch (s.type) {
		case 'object': {
			const out = {};
			for (const k of s.required || []) out[k] = sample(s.properties?.[k] || {}, k);
			return out;
		}
		case 'array':
			return [];
		case 'integer':
		case 'number':
			return Math.max(s.minimum ?? 1, 1);
		case 'boolean':
			return false;
		default:
			if (s.format === 'uuid') return uuid();
			if (s.format === 'date') return dateIn(1);
			if (s.format === 'date-time') return new Date().toISOString();
			return 'x'.repeat(Math.max(s.minLength ?? 1, 1));
	}
}

function bodyFor(op) {
	if (!op.body) return undefined;
	const ref = resolve(op.op.requestBody).content['application/json'].schema.$ref;
	const known = ref && knownBody(ref.split('/').pop());
	return known || sample(op.body);
}

// ---- the objects behind a path parameter ----

const KIND = { areas: 'area', users: 'user', imports: 'import', persons: 'person', tasks: 'task',
	observations: 'observation', alerts: 'alert', services: 'service', self: 'token',
	checkpoints: 'checkpoint', passages: 'passage', prereg: 'prereg', pre: 'checkpoint',
	posts: 'duty_post', swaps: 'duty_swap', log: 'duty_log', handovers: 'duty_handover',
	closures: 'closure', passes: 'pass', gates: 'gate' };

/** The kind of object a path parameter names: the collection segment before it. */
function kindOf(path) {
	const segs = path.split('/');
	const i = segs.findIndex((s) => s.startsWith('{'));
	return KIND[segs[i - 1]] || segs[i - 1];
}

/** A well-formed id of the same shape as `id` that names nothing. */
function missingLike(param, id) {
	const s = schemaOf(param.schema);
	if (s.format === 'uuid' || /^[0-9a-f-]{36}$/.test(id)) return uuid();
	if (/^[0-9]+$/.test(id)) return missingCode[id.length];
	// a pass number (XXXXX-XXXXX, Crockford base 32): a malformed one is a 400 by name
	if (/^[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(id)) {
		const abc = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
		return id.replace(/[0-9A-Z]/g, () => abc[randomBytes(1)[0] % 32]);
	}
	return randomBytes(Math.ceil((id.length * 3) / 4)).toString('base64url').slice(0, id.length);
}

/** The path with its first parameter value; the others (a shift's date and index) given
 * plausible values of their own. */
function fill(path, value) {
	return path.replace(/\{[^}]+\}/, encodeURIComponent(value)).replace('{date}', dateIn(1)).replace('{index}', '0');
}

/** The query a route requires, each parameter with a sample value ("" when none). */
function requiredQuery(op) {
	const q = op.params.filter((p) => p.in === 'query' && p.required)
		.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(sample(p.schema || {}, p.name) || 'x'))}`);
	return q.length ? `?${q.join('&')}` : '';
}

async function send(client, op, path) {
	path += requiredQuery(op);
	if (op.multipart) {
		const fd = new FormData();
		const sheet = /households\/import$/.test(op.path) ? '户主,地址\r\n探针,探针1号\r\n' : '姓名\r\n探针\r\n';
		fd.append('file', new Blob([sheet]), 'probe.csv');
		return client.req(op.method, path, { body: fd });
	}
	return client.req(op.method, path, op.body ? { body: bodyFor(op) } : {});
}

// ---- the checks ----

describe('leaks: lists without parameters show none of A to B', () => {
	it('every GET route without a path parameter, as every role of B', async (t) => {
		const ops = operations().filter((o) => o.method === 'GET' && !o.path.includes('{') && !o.public);
		assert.ok(ops.length > 10, 'the route table lists the GET routes');
		for (const op of ops) {
			await t.test(`GET ${op.path}`, async () => {
				const bad = [];
				for (const [role, c] of callersB()) {
					const r = op.path === '/api/v1/events' ? await streamHead(c, op.path) : await c.get(op.path);
					const hit = markers.filter((m) => r.text.includes(m));
					if (hit.length) bad.push(`${role}: ${r.status} shows ${hit.join(', ')}`);
				}
				assert.deepEqual(bad, [], `GET ${op.path} shows township A's objects to township B`);
			});
		}
	});
});

describe("foreign: A's object answers as a missing one", () => {
	it('every route with a path parameter × every method × every role of B', async (t) => {
		const ops = operations().filter((o) => o.path.includes('{'));
		assert.ok(ops.length > 20, 'the route table lists the routes with a path parameter');
		for (const op of ops) {
			const name = `${op.method} ${op.path}`;
			if (op.public) {
				// A public route's parameter is a capability (the contact card's link): who holds
				// it may use it. Only its shape is probed, under "raw" below.
				await t.test(name, { skip: 'public: the token is the credential' }, () => {});
				continue;
			}
			await t.test(name, async () => {
				const kind = kindOf(op.path);
				const ids = obj[kind];
				assert.ok(ids?.length, `${name}: the probe has no object of kind "${kind}" in township A; add one to before()`);
				const param = op.params.find((p) => p.in === 'path');
				// sanity: the county sees A's object (so a 404 below is not the probe's mistake)
				if (op.method === 'GET') {
					for (const id of ids) {
						const r = await send(admin, op, fill(op.path, id));
						assert.ok(r.status < 300, `${name} as the county admin on A's ${kind} ${id}: ${r.status} ${r.text.slice(0, 200)}`);
					}
				}
				// control: the county's missing id is a 404, so the body passed validation and the
				// comparison below is between two lookups, not two refusals of the probe's body
				const control = await send(admin, op, fill(op.path, missingLike(param, ids[0])));
				assert.equal(control.status, 404, `${name}: the county admin on a missing ${kind} gets ${control.status} ${control.text.slice(0, 200)}; fix the probe's body`);
				const bad = [];
				for (const [role, c] of callersB()) {
					for (const id of ids) {
						const miss = missingLike(param, id);
						const foreign = answer(await send(c, op, fill(op.path, id)));
						const missing = answer(await send(c, op, fill(op.path, miss)));
						if (process.env.FK_PROBE_VERBOSE) console.log(`${name} ${role} ${kind}: ${show(foreign)} | ${show(missing)}`);
						try {
							assert.deepEqual(foreign, missing);
						} catch {
							bad.push(`${role} on A's ${kind} ${id}: got ${show(foreign)}; for a missing ${kind}: ${show(missing)}`);
						}
					}
				}
				assert.deepEqual(bad, [], `${name}: township B tells A's object from a missing one`);
			});
		}
	});
});

/** Values of a query parameter that name A's objects, with a missing twin of each. */
function queryProbes(p) {
	const codes = () => obj.area.map((c) => [c, missingCode[c.length]]);
	const ids = (k) => obj[k].map((id) => [id, uuid()]);
	switch (p.name) {
		case 'area':
		case 'root':
			return codes();
		case 'user':
			return ids('user');
		case 'person':
		case 'person_id':
			return ids('person');
		case 'observation':
			return ids('observation');
		case 'task':
			return ids('task');
		case 'import':
			return ids('import');
		case 'alert':
			return ids('alert');
		case 'service':
			return ids('service');
		case 'q':
			return [[A_NAME, MISSING_NAME], [GRID_NAME, '丙无此网格'], ['甲探针', '丙无此']];
		default:
			return [];
	}
}

describe("filters: a list filtered on A's object answers as one filtered on a missing object", () => {
	it('every GET route whose query names an object, as every role of B', async (t) => {
		const ops = operations().filter((o) => o.method === 'GET' && !o.path.includes('{') && !o.public);
		let probed = 0;
		for (const op of ops) {
			const qps = op.params.filter((p) => p.in === 'query' && queryProbes(p).length);
			if (!qps.length) continue;
			probed++;
			await t.test(`GET ${op.path}`, async () => {
				const bad = [];
				for (const p of qps) {
					for (const [value, miss] of queryProbes(p)) {
						for (const [role, c] of callersB()) {
							const q = (v) => `${op.path}?${p.name}=${encodeURIComponent(v)}`;
							const rf = await c.get(q(value));
							const foreign = answer(rf);
							const missing = answer(await c.get(q(miss)));
							const hit = markers.filter((m) => m !== value && rf.text.includes(m));
							let same = true;
							try {
								assert.deepEqual(foreign, missing);
							} catch {
								same = false;
							}
							if (!same || hit.length)
								bad.push(`${role} ?${p.name}=${value}: got ${show(foreign)}; for a missing one: ${show(missing)}${hit.length ? `; shows ${hit.join(', ')}` : ''}`);
						}
					}
				}
				assert.deepEqual(bad, [], `GET ${op.path}: filters on A's objects tell them apart for township B`);
			});
		}
		assert.ok(probed >= 5, `only ${probed} list routes have filters`);
	});
});

/** Body fields that name a person, and what A's person is called there. */
const PERSON_REFS = { person_id: () => obj.person[0], other: () => obj.person[0], household: () => [obj.person[0]], q: () => A_ID, id_number: () => A_ID };
/** A valid ID number nobody has. */
const freshId = () => makeId(`19${String(50 + Math.floor(Math.random() * 40))}0${1 + Math.floor(Math.random() * 9)}1${Math.floor(Math.random() * 9)}`, 500 + Math.floor(Math.random() * 499));
/** The unknown number stands where A's does: one per run, so that a search after a
 * registration finds B's own file for either, as it must. */
let missId;
const sharedMissId = () => (missId ??= freshId());
const PERSON_MISS = { person_id: () => uuid(), other: () => uuid(), household: () => [uuid()], q: sharedMissId, id_number: sharedMissId };

describe("refs: a write naming A's person in its body answers as for an unknown person", () => {
	it('every POST route without a path parameter whose body names a person, as every role of B', async (t) => {
		const ops = operations().filter((o) => o.method === 'POST' && !o.path.includes('{') && !o.public && o.body);
		let probed = 0;
		for (const op of ops) {
			const fields = Object.keys(op.body.properties || {}).filter((k) => PERSON_REFS[k]);
			if (!fields.length) continue;
			probed++;
			await t.test(`POST ${op.path}`, async () => {
				const bad = [];
				for (const f of fields) {
					// one unknown value per field, like A's one person: the first caller may make a
					// file with either, and the callers after it then find their own township's file
					const unknown = PERSON_MISS[f]();
					for (const [role, c] of callersB()) {
						const base = () => {
							const b = bodyFor(op);
							if (op.path === '/api/v1/persons') Object.assign(b, { name: B_NAME, area: TOWNSHIP_ROLES.has(role) ? TOWN_B : VILLAGE_B });
							if (f === 'household') b.person_id = bPerson;
							return b;
						};
						const rf = await c.post(op.path, { ...base(), [f]: PERSON_REFS[f]() });
						const rm = await c.post(op.path, { ...base(), [f]: unknown });
						const hit = markers.filter((m) => m !== A_ID && rf.text.includes(m));
						// a created object has new ids: then compare its shape
						const same = rf.status === rm.status &&
							(rf.status < 300 ? JSON.stringify(shape(rf.body)) === JSON.stringify(shape(rm.body))
								: JSON.stringify(answer(rf)) === JSON.stringify(answer(rm)));
						if (!same || hit.length)
							bad.push(`${role} ${f}=A's person: got ${show(answer(rf))}; for an unknown person: ${show(answer(rm))}${hit.length ? `; shows ${hit.join(', ')}` : ''}`);
					}
				}
				assert.deepEqual(bad, [], `POST ${op.path}: township B tells A's person from an unknown one`);
			});
		}
		assert.ok(probed >= 2, `only ${probed} write routes name a person in their body`);
	});
});

describe("refs: an import naming A's person", () => {
	it('counts as for an unknown person, shows nothing of A, and leaves the file where it is', async () => {
		const c = B.commander.client;
		const row = (id) => Buffer.from(`姓名,身份证号码,联系电话,现住址\r\n乙探针导入,${id},13812340421,竹箦镇竹箦村3组\r\n`, 'utf8');
		const counts = (j) => ({ rows: j.rows, imported: j.imported, merged: j.merged, flagged: j.flagged, rejected: j.rejected });
		const up = async (id, name) => {
			const r = await csvUpload(c, row(id), name);
			assert.equal(r.status, 202, `upload ${name}: ${r.status} ${r.text}`);
			return importDone(c, r.body.id);
		};
		const foreign = await up(A_ID, 'b-foreign.csv');
		// the same unknown number as the registrations above: B may hold its own file of either
		const unknown = await up(sharedMissId(), 'b-unknown.csv');
		const problems = [];
		if (JSON.stringify(counts(foreign)) !== JSON.stringify(counts(unknown)))
			problems.push(`job counts: A's ID ${JSON.stringify(counts(foreign))}, an unknown ID ${JSON.stringify(counts(unknown))}`);
		for (const path of [`/api/v1/imports/${foreign.id}`, `/api/v1/imports/${foreign.id}/issues`, '/api/v1/tasks?limit=200', '/api/v1/persons?q=' + encodeURIComponent('乙探针导入')]) {
			const r = await c.get(path);
			const hit = markers.filter((m) => m !== A_ID && r.text.includes(m));
			if (hit.length) problems.push(`GET ${path} shows ${hit.join(', ')}`);
		}
		// a commander of B moves every task it got to its village: A's file must stay in A
		const tasks = await c.get('/api/v1/tasks?limit=200');
		for (const t of tasks.body?.items || [])
			await c.post(`/api/v1/tasks/${t.id}/reassign`, { area: VILLAGE_B, reason: '探针' });
		const mine = await A.commander.client.get(`/api/v1/persons/${obj.person[0]}`);
		if (mine.status !== 200 || mine.body?.area !== VILLAGE_A)
			problems.push(`A's commander on A's file afterwards: ${mine.status} area ${mine.body?.area}`);
		const theirs = await c.get(`/api/v1/persons/${obj.person[0]}`);
		if (theirs.status !== 404) problems.push(`B's commander on A's file afterwards: ${theirs.status}`);
		assert.deepEqual(problems, [], "township B's import reaches A's person");
	});
});

// ---- files ----

/** A multipart body with raw filename bytes (FormData would encode them as UTF-8). */
function multipart(filenameBytes, content) {
	const boundary = `----probe${randomBytes(8).toString('hex')}`;
	const body = Buffer.concat([
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`),
		filenameBytes,
		Buffer.from('"\r\nContent-Type: text/csv\r\n\r\n'),
		content,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	]);
	return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** RFC 4180 cells of a CSV text. */
function csvCells(text) {
	const rows = [[]];
	let cell = '';
	let q = false;
	for (let i = 0; i < text.length; i++) {
		const ch = text[i];
		if (q) {
			if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
			else if (ch === '"') q = false;
			else cell += ch;
		} else if (ch === '"') q = true;
		else if (ch === ',') rows.at(-1).push(cell), (cell = '');
		else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
			if (ch === '\r') i++;
			rows.at(-1).push(cell);
			cell = '';
			rows.push([]);
		} else cell += ch;
	}
	if (cell || rows.at(-1).length) rows.at(-1).push(cell);
	return rows.filter((r) => r.length);
}

describe('files', () => {
	it('an upload named with bytes 0xff 0xfe is listed and readable', async () => {
		const c = A.commander.client;
		const csv = Buffer.from(`姓名,身份证号码,现住址\r\n甲探针名,${makeId('19720202', 419)},社渚镇社渚村7组\r\n`, 'utf8');
		const name = Buffer.concat([Buffer.from('list-'), Buffer.from([0xff, 0xfe]), Buffer.from('.csv')]);
		const { body, contentType } = multipart(name, csv);
		const r = await c.req('POST', '/api/v1/imports', { body, contentType });
		assert.ok(r.status === 202 || r.status === 200, `upload: ${r.status} ${r.text}`);
		const id = r.body.id;
		const job = await waitFor(
			async () => {
				const g = await c.get(`/api/v1/imports/${id}`);
				assert.equal(g.status, 200, `GET /imports/${id}: ${g.status}`);
				assert.ok(g.body, `GET /imports/${id} answers 200 without a JSON body: ${JSON.stringify(g.text)}`);
				return g.body.status === 'done' || g.body.status === 'failed' ? g.body : null;
			},
			{ timeoutMs: 30000 * SLOW, what: `import ${id}` },
		);
		assert.equal(typeof job.filename, 'string');
		const list = await c.get('/api/v1/imports?limit=200');
		assert.equal(list.status, 200, list.text);
		assert.ok(list.body?.items?.some((j) => j.id === id), `GET /imports does not list the job: ${list.text.slice(0, 300)}`);
	});

	it('formula cells come back inert in the issues CSV', async () => {
		const c = A.commander.client;
		const payloads = ['=HYPERLINK("http://x","y")', '@SUM(1+1)', '+1+cmd|calc', '-2+3', '\t=1', '\r=1'];
		// wrong check characters: every row is flagged and so listed among the issues
		const bad = (i) => {
			const id = makeId('19730303', 420 + i);
			return id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
		};
		const q = (s) => `"${s.replace(/"/g, '""')}"`;
		const rows = payloads.map((p, i) => [q(p), bad(i), '13812340420', q(p), '社渚镇社渚村8组'].join(','));
		const csv = Buffer.from(`姓名,身份证号码,联系电话,来源地,现住址\r\n${rows.join('\r\n')}\r\n`, 'utf8');
		const up = await csvUpload(c, csv, 'formula.csv');
		assert.ok(up.status === 202 || up.status === 200, `upload: ${up.status} ${up.text}`);
		await importDone(c, up.body.id);
		const r = await c.get(`/api/v1/imports/${up.body.id}/issues?format=csv`);
		assert.equal(r.status, 200, r.text);
		const cells = csvCells(r.text.replace(/^\uFEFF/, '')).flat();
		assert.ok(cells.some((x) => x.includes('HYPERLINK')), `the issues CSV lists the formula rows: ${r.text.slice(0, 400)}`);
		const live = cells.filter((x) => /^[=+\-@\t\r]/.test(x));
		assert.deepEqual(live, [], 'cells that a spreadsheet would run as formulas');
	});
});

// ---- raw HTTP ----

async function healthy(port, localAddress) {
	return new Promise((res) => {
		const sock = net.connect({ port, host: '127.0.0.1', localAddress });
		let text = '';
		const timer = setTimeout(() => (sock.destroy(), res(null)), 10000 * SLOW);
		sock.on('data', (d) => {
			text += d.toString('latin1');
			if (/\r\n\r\n/.test(text)) {
				clearTimeout(timer);
				sock.destroy();
				res(Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1]) || null);
			}
		});
		sock.on('error', () => (clearTimeout(timer), res(null)));
		sock.on('connect', () => sock.write('GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'));
	});
}

function serveHas(option) {
	const r = spawnSync(BIN, ['serve', '--help'], { encoding: 'utf8' });
	return `${r.stdout}${r.stderr}`.includes(option);
}

describe('raw request targets', () => {
	it('every target gets an HTTP answer and the server lives', async () => {
		const targets = ['x', '*', '?a=b', '%2e%2e', '%2e%2e/%2e%2e/etc/passwd', 'http://a/', 'http://a', '//', '/..', '/%00',
			'a'.repeat(9000), `/${'a'.repeat(70000)}`, `/api/v1/${'b'.repeat(40000)}`];
		const bytes = [];
		for (let b = 0; b < 256; b++) if ((b < 0x20 && b !== 0x0a && b !== 0x0d) || b >= 0x7f) bytes.push(b);
		const raws = targets.map((t) => Buffer.from(`GET ${t} HTTP/1.1\r\nHost: a\r\n\r\n`, 'latin1'));
		for (const b of bytes) {
			raws.push(Buffer.concat([Buffer.from('GET /a'), Buffer.from([b]), Buffer.from('b HTTP/1.1\r\nHost: a\r\n\r\n')]));
			raws.push(Buffer.concat([Buffer.from('GET '), Buffer.from([b]), Buffer.from(' HTTP/1.1\r\nHost: a\r\n\r\n')]));
		}
		const bad = [];
		for (let i = 0; i < raws.length; i += 16) {
			const batch = raws.slice(i, i + 16);
			const rs = await Promise.all(batch.map((d) => rawRequest(srv.port, d, { timeoutMs: 5000 * SLOW })));
			rs.forEach((r, k) => {
				if (r.status === null) bad.push(`${JSON.stringify(batch[k].subarray(0, 40).toString('latin1'))}: no HTTP answer (${r.error || (r.closed ? 'closed' : 'timeout')})`);
			});
			if (!srv.alive()) break;
		}
		assert.ok(srv.alive(), `the server died:\n${srv.stderr().split('\n').slice(-30).join('\n')}`);
		assert.equal(await healthy(srv.port), 200, '/healthz after the raw targets');
		assert.deepEqual(bad, [], 'request targets without an HTTP answer');
	});

	const perAddress = serveHas('--max-per-address');
	it('a second address is served while one holds many half-open connections',
		{ todo: perAddress ? false : 'serve has no --max-per-address yet (issue 8, finding 4)' }, async () => {
			const s = await startServer({ args: ['--max-connections', '64', ...(perAddress ? ['--max-per-address', '8'] : [])] });
			const socks = [];
			try {
				// 100 connections from 127.0.0.1, each an unfinished header
				await Promise.all(Array.from({ length: 100 }, () => new Promise((res) => {
					const k = net.connect({ port: s.port, host: '127.0.0.1' });
					socks.push(k);
					k.on('error', () => res());
					k.on('close', () => res());
					k.on('connect', () => (k.write('GET /healthz HTTP/1.1\r\nHost: a\r\nX-Slow: '), res()));
				})));
				assert.equal(await healthy(s.port, '127.0.0.2'), 200, '/healthz from 127.0.0.2 while 127.0.0.1 holds 100 half-open connections');
			} finally {
				for (const k of socks) k.destroy();
				await s.stop();
			}
		});
});
