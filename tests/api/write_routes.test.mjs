// Every state-changing route goes through the one door (issue 9): the runner that checks
// scope, writes the audit row and honours the client's idempotency key.
//
// The route table comes from the server itself (GET /api/v1/openapi.json, which a unit test
// keeps equal to src/api/api.c), as in tests/security/probe.test.mjs. Every POST, PUT, PATCH
// and DELETE needs an entry below — how to make a valid request in this fresh server and the
// audit action(s) it must write — or an exemption with its reason. A route in the table
// without either fails: a new write cannot skip the checks by being forgotten here.
//
// For each entry (one server for the whole file):
//   (a) the request succeeds and exactly the expected audit rows carry its request id;
//   (b) the same body under the same uuid again answers the same object (2xx, same id)
//       and changes nothing: no audit row of the replay, the action's rows unchanged, the
//       entry's observed state unchanged;
//   (c) another body under the same uuid answers 409 idempotency.conflict and writes no row.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/write_routes.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	SLOW,
	TOWN_A,
	VILLAGE_A,
	adminClient,
	expectError,
	makeId,
	newPassword,
	newUser,
	startServer,
	uniqueName,
	uuid,
	waitFor,
} from './lib.mjs';

/** Today + n days on the server's clock (Asia/Shanghai), YYYY-MM-DD. */
const dateIn = (n) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

let srv;
let admin; // the county admin: every permission, the whole county in scope
let spec;
let tasks = []; // open tasks of the import made in before(), taken one per entry

// ---- the world ----

let nperson = 0;
/** A new file in village A (no ID number: two such files can be merged). */
async function person(name = `门写${++nperson}`) {
	const r = await admin.post('/api/v1/persons', { uuid: uuid(), name, area: VILLAGE_A, address: `${name}家`, phone: '13800000000' });
	assert.ok(r.status === 201 || r.status === 200, `POST /persons: ${r.status} ${r.text}`);
	return r.body.id;
}

/** A new observation of a new person; {id, token}. extra: more body fields. */
async function observation(extra = {}) {
	const r = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: await person(), ...extra });
	assert.equal(r.status, 201, `POST /observations: ${r.text}`);
	return { id: r.body.observation.id, token: r.body.token };
}

/** An open fever alert (of a new observation). */
async function alert() {
	const o = await observation();
	const v = await admin.post(`/api/v1/observations/${o.id}/visits`, { uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: 38.4 });
	assert.equal(v.status, 201, v.text);
	assert.ok(v.body.alert?.id, 'a fever raises an alert');
	return v.body.alert.id;
}

async function service() {
	const o = await observation();
	const s = await admin.post(`/api/v1/observations/${o.id}/services`, { uuid: uuid(), kind: 'shopping', items: '米' });
	assert.equal(s.status, 201, s.text);
	return s.body.id;
}

function task() {
	assert.ok(tasks.length, 'the import in before() opened too few tasks for the task entries');
	return tasks.shift();
}

/** An account made by the admin, signed in with its own password (no forced change). */
async function account(role = 'viewer') {
	const username = uniqueName('door');
	const password = newPassword('Door');
	const user = await admin.createUser({ username, role, area: VILLAGE_A, password });
	const client = new Client(srv.url);
	await client.mustLogin(username, password);
	return { user, client, username, password };
}

let nfile = 0;
/** A CSV list of n returnees of village A (different people every call). */
function csv(n) {
	let out = '姓名,身份证号码,联系电话,现住址\r\n';
	for (let i = 0; i < n; i++) {
		const seq = 100 + nfile * 10 + i;
		out += `门导${nfile}${i},${makeId('19800101', seq)},138123${String(seq).padStart(5, '0')},社渚镇社渚村${i + 1}组\r\n`;
	}
	nfile++;
	return Buffer.from(out, 'utf8');
}
function upload(bytes, filename, fields = {}) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	fd.append('file', new Blob([bytes]), filename);
	return fd;
}
async function importDone(id) {
	return waitFor(
		async () => {
			const r = await admin.get(`/api/v1/imports/${id}`);
			assert.equal(r.status, 200, r.text);
			return ['done', 'failed'].includes(r.body.status) ? r.body : null;
		},
		{ timeoutMs: 30000 * SLOW, what: `import ${id}` },
	);
}

// ---- the entries: every write route of the table ----
//
// setup() makes what the request needs and returns {path, body, other} (other: another
// body under the same uuid, for the 409; otherPath: sent there instead) and optionally
// client (default the admin), state() (something the replay must leave unchanged) and
// after(first) (more checks once replayed). An entry's id(body) names the object answered.

const ENTRIES = {
	'POST /api/v1/me/password': {
		actions: ['password.change'],
		async setup() {
			const a = await account();
			const u = uuid();
			const body = { uuid: u, old_password: a.password, new_password: newPassword('New') };
			return { client: a.client, path: '/api/v1/me/password', body, other: { ...body, new_password: newPassword('Other') } };
		},
	},
	'POST /api/v1/areas': {
		actions: ['area.create'],
		async setup() {
			const u = uuid();
			return {
				path: '/api/v1/areas',
				body: { uuid: u, parent: VILLAGE_A, name: '一门网格' },
				other: { uuid: u, parent: VILLAGE_A, name: '二门网格' },
				state: async () => (await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body.child_count,
			};
		},
	},
	'PATCH /api/v1/areas/{code}': {
		actions: ['area.update'],
		async setup() {
			const grid = await admin.createArea(VILLAGE_A, '三门网格');
			const u = uuid();
			return {
				path: `/api/v1/areas/${grid.code}`,
				body: { uuid: u, responsible_name: '门甲' },
				other: { uuid: u, responsible_name: '门乙' },
				state: async () => (await admin.get(`/api/v1/areas/${grid.code}`)).body.responsible_name,
			};
		},
	},
	'PUT /api/v1/areas/{code}/grid-rules': {
		actions: ['grid_rules.put'],
		async setup() {
			const grid = await admin.createArea(VILLAGE_A, '规则门网格');
			const u = uuid();
			const rules = (name) => [{ grid: grid.code, kind: 'road', name }];
			return {
				path: `/api/v1/areas/${VILLAGE_A}/grid-rules`,
				body: { uuid: u, rules: rules('门甲路') },
				other: { uuid: u, rules: rules('门乙路') },
				state: async () => (await admin.get(`/api/v1/areas/${VILLAGE_A}/grid-rules`)).body.items,
			};
		},
	},
	'POST /api/v1/users': {
		actions: ['user.create'],
		async setup() {
			const u = uuid();
			const body = { uuid: u, username: uniqueName('door'), role: 'viewer', area: VILLAGE_A, password: newPassword() };
			return { path: '/api/v1/users', body, other: { ...body, username: uniqueName('door') } };
		},
	},
	'PATCH /api/v1/users/{id}': {
		actions: ['user.update'],
		async setup() {
			const { user } = await account();
			const u = uuid();
			return {
				path: `/api/v1/users/${user.id}`,
				body: { uuid: u, display_name: '门一' },
				other: { uuid: u, display_name: '门二' },
				state: async () => (await admin.get(`/api/v1/users/${user.id}`)).body.display_name,
			};
		},
	},
	'POST /api/v1/users/{id}/reset-password': {
		// a replay cannot show the temporary password again (it is never stored)
		actions: ['user.reset_password'],
		sameBody: false,
		async setup() {
			const [a, b] = [await account(), await account()];
			const u = uuid();
			return {
				path: `/api/v1/users/${a.user.id}/reset-password`,
				body: { uuid: u },
				// the body is the key alone: another request under it is one for another account
				otherPath: `/api/v1/users/${b.user.id}/reset-password`,
				other: { uuid: u },
				// the first reset ended the account's session; a second reset would too, and
				// would make the first temporary password useless: it must still sign in
				state: async () => (await admin.get(`/api/v1/users/${a.user.id}`)).body.must_change_password,
				async after(first) {
					const c = new Client(srv.url);
					const r = await c.login(a.username, first.body.initial_password);
					assert.equal(r.status, 200, `the first temporary password no longer signs in after a replay: ${r.text}`);
				},
			};
		},
	},
	'POST /api/v1/imports': {
		actions: ['import.create'],
		async setup() {
			const u = uuid();
			const bytes = csv(1);
			const other = csv(1);
			const count = async () => (await admin.get('/api/v1/imports?limit=200')).body.items.length;
			return {
				// multipart: the uuid is a form field before the file
				path: '/api/v1/imports',
				body: () => upload(bytes, 'door.csv', { uuid: u }),
				other: () => upload(other, 'door.csv', { uuid: u }),
				state: count,
			};
		},
	},
	'POST /api/v1/users/import': {
		actions: ['user.import', 'user.create'],
		async setup() {
			const u = uuid();
			const sheet = (phone) => Buffer.from(`姓名,手机号,角色,所属区域,用户名\r\n门导账号,${phone},网格员,${VILLAGE_A},door.import\r\n`, 'utf8');
			return {
				path: '/api/v1/users/import',
				body: () => upload(sheet('13800000031'), 'accounts.csv', { uuid: u }),
				other: () => upload(sheet('13800000032'), 'accounts.csv', { uuid: u }),
				// a replay answers the same id: the accounts, without the passwords shown once
				state: async () => (await admin.get('/api/v1/users?q=door.import')).body.total,
			};
		},
	},
	'POST /api/v1/persons': {
		actions: ['person.create'],
		async setup() {
			const u = uuid();
			const body = { uuid: u, name: '门登记', area: VILLAGE_A, address: '门登记家', phone: '13800000001' };
			return { path: '/api/v1/persons', body, other: { ...body, phone: '13800000002' } };
		},
	},
	'POST /api/v1/persons/{id}/merge': {
		actions: ['person.merge'],
		async setup() {
			const [keep, other, third] = [await person(), await person(), await person()];
			const u = uuid();
			return {
				path: `/api/v1/persons/${keep}/merge`,
				body: { uuid: u, other },
				other: { uuid: u, other: third },
				state: async () => (await admin.get(`/api/v1/persons/${keep}`)).body.timeline.filter((e) => e.kind === 'merged').length,
			};
		},
	},
	'POST /api/v1/persons/{id}/fix': {
		actions: ['person.fix'],
		async setup() {
			const id = await person();
			const u = uuid();
			return {
				path: `/api/v1/persons/${id}/fix`,
				body: { uuid: u, phone: '13900000001' },
				other: { uuid: u, phone: '13900000002' },
				state: async () => (await admin.get(`/api/v1/persons/${id}`)).body.timeline.filter((e) => e.kind === 'corrected').length,
			};
		},
	},
	'POST /api/v1/notifications/read': {
		actions: ['notification.read'],
		async setup() {
			const u = uuid();
			return { path: '/api/v1/notifications/read', body: { uuid: u, all: true }, other: { uuid: u, ids: [1] } };
		},
	},
	'PUT /api/v1/areas/{code}/outbound': {
		actions: ['area.outbound'],
		id: (b) => b.area,
		async setup() {
			const u = uuid();
			return {
				path: `/api/v1/areas/${VILLAGE_A}/outbound`,
				body: { uuid: u, kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a' },
				other: { uuid: u, kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=b' },
				state: async () => (await admin.get(`/api/v1/areas/${VILLAGE_A}/outbound`)).body.url,
			};
		},
	},
	'POST /api/v1/reports/daily': {
		actions: ['report.submit'],
		id: (b) => `${b.area}:${b.date.replaceAll('-', '')}:${b.version}`,
		async setup() {
			const u = uuid();
			const body = { uuid: u, area: TOWN_A, date: dateIn(0), figures: { fever_clinic: 1 } };
			return {
				path: '/api/v1/reports/daily',
				body,
				other: { ...body, figures: { fever_clinic: 2 } },
				state: async () => (await admin.get(`/api/v1/reports/daily?area=${TOWN_A}`)).body.versions.length,
			};
		},
	},
	'PUT /api/v1/reports/settings': {
		actions: ['report.settings'],
		id: () => 'county',
		async setup() {
			const u = uuid();
			return {
				path: '/api/v1/reports/settings',
				body: { uuid: u, subject: '重点人员' },
				other: { uuid: u, subject: '重点地区来溧人员' },
				state: async () => (await admin.get('/api/v1/reports/settings')).body.subject,
			};
		},
	},
	'POST /api/v1/key-areas': {
		actions: ['key_area.put'],
		id: (b) => `${b.code}/${b.start_date}`,
		async setup() {
			const u = uuid();
			const body = { uuid: u, code: '4201', name: '武汉市', start_date: 20200101 };
			return { path: '/api/v1/key-areas', body, other: { ...body, name: '武汉' } };
		},
	},
	'POST /api/v1/tasks/{id}/close': {
		actions: ['task.close'],
		async setup() {
			const t = task();
			const u = uuid();
			return {
				path: `/api/v1/tasks/${t.id}/close`,
				body: { uuid: u, outcome: 'other', note: '门核实' },
				other: { uuid: u, outcome: 'duplicate', note: '门核实' },
			};
		},
	},
	'POST /api/v1/tasks/{id}/reassign': {
		actions: ['task.reassign'],
		async setup() {
			const t = task();
			const u = uuid();
			return {
				path: `/api/v1/tasks/${t.id}/reassign`,
				body: { uuid: u, assignee: '门甲', reason: '门' },
				other: { uuid: u, assignee: '门乙', reason: '门' },
				state: async () => (await admin.get(`/api/v1/tasks/${t.id}`)).body.assignee,
			};
		},
	},
	'POST /api/v1/tasks/{id}/take': {
		actions: ['task.take'],
		async setup() {
			// a grid worker of village A takes a task the import left at the village
			const [t, t2] = [task(), task()];
			const grid = await admin.createArea(VILLAGE_A, uniqueName('门网格'));
			const { client } = await newUser(srv, admin, { role: 'grid_worker', area: grid.code });
			const u = uuid();
			return {
				client,
				path: `/api/v1/tasks/${t.id}/take`,
				body: { uuid: u },
				other: { uuid: u },
				otherPath: `/api/v1/tasks/${t2.id}/take`,
				state: async () => (await admin.get(`/api/v1/tasks/${t.id}`)).body.assignee,
			};
		},
	},
	'POST /api/v1/tasks/reassign': {
		actions: ['task.reassign_batch'],
		async setup() {
			const t = task();
			const u = uuid();
			return {
				path: '/api/v1/tasks/reassign',
				body: { uuid: u, ids: [t.id], assignee: '门甲' },
				other: { uuid: u, ids: [t.id], assignee: '门乙' },
				state: async () => (await admin.get(`/api/v1/tasks/${t.id}`)).body.assignee,
			};
		},
	},
	'POST /api/v1/tasks/{id}/extend': {
		actions: ['task.extend'],
		async setup() {
			const t = task();
			const u = uuid();
			return {
				path: `/api/v1/tasks/${t.id}/extend`,
				body: { uuid: u, hours: 24, reason: '门' },
				other: { uuid: u, hours: 48, reason: '门' },
				state: async () => (await admin.get(`/api/v1/tasks/${t.id}`)).body.due_at,
			};
		},
	},
	'POST /api/v1/observations': {
		// the person and a household member: one row each
		actions: ['observation.create', 'observation.create'],
		id: (b) => b.observation?.id,
		async setup() {
			const [p, member, third] = [await person(), await person(), await person()];
			const u = uuid();
			return {
				path: '/api/v1/observations',
				body: { uuid: u, person_id: p, household: [member], place: '门居家' },
				other: { uuid: u, person_id: third, place: '门居家' },
			};
		},
	},
	'POST /api/v1/observations/{id}/visits': {
		actions: ['visit.create'],
		id: (b) => b.visit?.id,
		async setup() {
			const o = await observation();
			const u = uuid();
			return {
				path: `/api/v1/observations/${o.id}/visits`,
				body: { uuid: u, mode: 'in_person', saw_person: true, saw_home: true, saw_state: true, temperature: 36.5 },
				other: { uuid: u, mode: 'in_person', saw_person: true, saw_home: true, saw_state: true, temperature: 36.6 },
				state: async () => (await admin.get(`/api/v1/observations/${o.id}`)).body.visits.length,
			};
		},
	},
	'POST /api/v1/observations/{id}/period': {
		actions: ['observation.period'],
		async setup() {
			const o = await observation();
			const u = uuid();
			return {
				path: `/api/v1/observations/${o.id}/period`,
				body: { uuid: u, end_date: dateIn(20), reason: '门延长' },
				other: { uuid: u, end_date: dateIn(21), reason: '门延长' },
			};
		},
	},
	'POST /api/v1/observations/{id}/release': {
		actions: ['observation.release'],
		async setup() {
			// began two days ago and ends today: due for release
			const o = await observation({ start_date: dateIn(-2), end_date: dateIn(0), reason: '门短期' });
			const u = uuid();
			return {
				path: `/api/v1/observations/${o.id}/release`,
				body: { uuid: u, note: '门解除' },
				other: { uuid: u, note: '门另解除' },
			};
		},
	},
	'POST /api/v1/observations/{id}/staff': {
		actions: ['observation.staff'],
		async setup() {
			const o = await observation();
			const u = uuid();
			return {
				path: `/api/v1/observations/${o.id}/staff`,
				body: { uuid: u, grid_worker: '' },
				other: { uuid: u, doctor: '' },
			};
		},
	},
	'POST /api/v1/observations/{id}/services': {
		actions: ['service.create'],
		async setup() {
			const o = await observation();
			const u = uuid();
			return {
				path: `/api/v1/observations/${o.id}/services`,
				body: { uuid: u, kind: 'shopping', items: '米' },
				other: { uuid: u, kind: 'shopping', items: '面' },
				state: async () => (await admin.get(`/api/v1/observations/${o.id}`)).body.services.length,
			};
		},
	},
	'POST /api/v1/alerts/{id}/referral': {
		actions: ['alert.referral'],
		async setup() {
			const id = await alert();
			const u = uuid();
			return {
				path: `/api/v1/alerts/${id}/referral`,
				body: { uuid: u, destination: 'fever_clinic' },
				other: { uuid: u, destination: 'fever_clinic', note: '门' },
			};
		},
	},
	'POST /api/v1/alerts/{id}/result': {
		actions: ['alert.result'],
		async setup() {
			const id = await alert();
			const u = uuid();
			return {
				path: `/api/v1/alerts/${id}/result`,
				body: { uuid: u, result: 'excluded' },
				other: { uuid: u, result: 'excluded', note: '门' },
			};
		},
	},
	'POST /api/v1/services/{id}/status': {
		actions: ['service.status'],
		async setup() {
			const id = await service();
			const u = uuid();
			return {
				path: `/api/v1/services/${id}/status`,
				body: { uuid: u, status: 'accepted', assignee: '门甲' },
				other: { uuid: u, status: 'delivered' },
			};
		},
	},
	'POST /api/v1/self/{token}/reports': {
		actions: ['selfreport.visit'],
		async setup() {
			const o = await observation();
			const u = uuid();
			return {
				client: new Client(srv.url), // the link needs no account
				path: `/api/v1/self/${o.token}/reports`,
				body: { uuid: u, temperature: 36.5 },
				other: { uuid: u, temperature: 36.6 },
				state: async () => (await admin.get(`/api/v1/observations/${o.id}`)).body.visits.length,
			};
		},
	},
	'POST /api/v1/self/{token}/services': {
		actions: ['selfreport.service'],
		async setup() {
			const o = await observation();
			const u = uuid();
			return {
				client: new Client(srv.url),
				path: `/api/v1/self/${o.token}/services`,
				body: { uuid: u, kind: 'shopping', items: '米' },
				other: { uuid: u, kind: 'shopping', items: '面' },
				state: async () => (await admin.get(`/api/v1/observations/${o.id}`)).body.services.length,
			};
		},
	},
	'POST /api/v1/checkpoints': {
		actions: ['checkpoint.create'],
		async setup() {
			const u = uuid();
			return {
				path: '/api/v1/checkpoints',
				body: { uuid: u, name: '一门卡口', area: TOWN_A, kind: 'road', opened_on: dateIn(-3) },
				other: { uuid: u, name: '二门卡口', area: TOWN_A, kind: 'road', opened_on: dateIn(-3) },
				state: async () => (await admin.get(`/api/v1/checkpoints?area=${TOWN_A}&closed=1`)).body.items.length,
			};
		},
	},
	'POST /api/v1/checkpoints/{id}/close': {
		actions: ['checkpoint.close'],
		async setup() {
			const cp = await checkpoint();
			const u = uuid();
			return {
				path: `/api/v1/checkpoints/${cp.id}/close`,
				body: { uuid: u, closed_on: dateIn(0) },
				other: { uuid: u, closed_on: dateIn(-1) },
				state: async () => (await admin.get(`/api/v1/checkpoints/${cp.id}`)).body.closed_on,
			};
		},
	},
	'POST /api/v1/checkpoints/{id}/staff': {
		actions: ['checkpoint.staff'],
		async setup() {
			const cp = await checkpoint();
			const st = await admin.createUser({ role: 'checkpoint_staff', area: TOWN_A, password: newPassword('Cp') });
			const u = uuid();
			return {
				path: `/api/v1/checkpoints/${cp.id}/staff`,
				body: { uuid: u, user_id: st.id },
				other: { uuid: u, user_id: st.id, remove: true },
				state: async () => (await admin.get(`/api/v1/checkpoints/${cp.id}`)).body.staff.length,
			};
		},
	},
	'POST /api/v1/checkpoints/{id}/passages': {
		actions: ['passage.create'],
		async setup() {
			const cp = await checkpoint();
			const u = uuid();
			const body = (plate) => ({ uuid: u, at: new Date(Date.now() - 60e3).toISOString(), plate, vehicle_kind: 'car', direction: 'in', persons: [{ name: '门甲', temperature: 36.5, destination: '社渚镇社渚村1组' }] });
			const first = body('苏D12345');
			return {
				path: `/api/v1/checkpoints/${cp.id}/passages`,
				body: first,
				other: { ...first, plate: '苏D54321' },
				state: async () => (await admin.get(`/api/v1/checkpoints/${cp.id}`)).body.today.vehicles,
			};
		},
	},
	'POST /api/v1/passages/{id}/correct': {
		actions: ['passage.correct'],
		async setup() {
			const cp = await checkpoint();
			const p = await admin.post(`/api/v1/checkpoints/${cp.id}/passages`, { uuid: uuid(), at: new Date(Date.now() - 60e3).toISOString(), plate: '苏D12345', vehicle_kind: 'car', direction: 'in', persons: [{ name: '门乙', temperature: 36.5 }] });
			assert.equal(p.status, 201, p.text);
			const u = uuid();
			const body = (reason) => ({ uuid: u, reason, plate: '苏D12346', vehicle_kind: 'car', direction: 'in', persons: [{ name: '门乙', temperature: 36.6 }] });
			return {
				path: `/api/v1/passages/${p.body.id}/correct`,
				body: body('车牌看错'),
				other: body('另一个原因'),
				state: async () => (await admin.get(`/api/v1/passages/${p.body.id}`)).body.version,
			};
		},
	},
	'POST /api/v1/pre/{id}': {
		actions: ['prereg.create'],
		async setup() {
			const cp = await checkpoint();
			const u = uuid();
			const body = (plate) => ({ uuid: u, plate, vehicle_kind: 'car', direction: 'in', persons: [{ name: '门丙', id_number: makeId('19800101', 901), phone: '13800000001', destination: '社渚镇' }] });
			return {
				client: new Client(srv.url), // the poster's page needs no account
				path: `/api/v1/pre/${cp.id}`,
				body: body('浙A12345'),
				other: body('浙A54321'),
				state: async () => (await admin.get('/api/v1/audit?action=prereg.create&limit=200')).body.items.length,
			};
		},
	},
	'PUT /api/v1/duty/posts/{post}': {
		actions: ['duty.post'],
		async setup() {
			const u = uuid();
			return {
				path: `/api/v1/duty/posts/${VILLAGE_A}`,
				body: { uuid: u, phone: '0519-87650001' },
				other: { uuid: u, phone: '0519-87650002' },
				state: async () => (await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body.duty_phone,
			};
		},
	},
	'PUT /api/v1/duty/posts/{post}/roster/{date}/{index}': {
		actions: ['duty.roster.set'],
		async setup() {
			const u = uuid();
			const day = dateIn(5);
			return {
				path: `/api/v1/duty/posts/${VILLAGE_A}/roster/${day}/0`,
				body: { uuid: u, leader: { name: '门值班' }, officers: [] },
				other: { uuid: u, leader: { name: '门值班二' }, officers: [] },
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/roster?from=${day}&to=${day}`)).body.days[0].shifts[0].leader,
			};
		},
	},
	'POST /api/v1/duty/posts/{post}/roster/copy': {
		actions: ['duty.roster.copy'],
		async setup() {
			await dutyShift(VILLAGE_A, dateIn(6), 0, '门甲');
			const u = uuid();
			return {
				path: `/api/v1/duty/posts/${VILLAGE_A}/roster/copy`,
				body: { uuid: u, from: dateIn(6), to: dateIn(8), days: 1 },
				other: { uuid: u, from: dateIn(6), to: dateIn(8), days: 2 },
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/roster?from=${dateIn(8)}&to=${dateIn(8)}`)).body.days[0].shifts,
			};
		},
	},
	'POST /api/v1/duty/posts/{post}/swaps': {
		actions: ['duty.swap.ask'],
		async setup() {
			const u = uuid();
			const body = await swapBody(dateIn(10));
			return {
				path: `/api/v1/duty/posts/${VILLAGE_A}/swaps`,
				body: { uuid: u, ...body },
				other: { uuid: u, ...body, reason: '另一个原因' },
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/swaps`)).body.total,
			};
		},
	},
	'POST /api/v1/duty/swaps/{id}/approve': {
		actions: ['duty.swap.approve'],
		async setup() {
			const [s1, s2] = [await swap(dateIn(11)), await swap(dateIn(12))];
			const u = uuid();
			return {
				path: `/api/v1/duty/swaps/${s1}/approve`,
				body: { uuid: u },
				other: { uuid: u },
				otherPath: `/api/v1/duty/swaps/${s2}/approve`,
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/roster?from=${dateIn(11)}&to=${dateIn(11)}`)).body.days[0].shifts.map((x) => x.leader.name),
			};
		},
	},
	'POST /api/v1/duty/swaps/{id}/reject': {
		actions: ['duty.swap.reject'],
		async setup() {
			const [s1, s2] = [await swap(dateIn(13)), await swap(dateIn(14))];
			const u = uuid();
			return {
				path: `/api/v1/duty/swaps/${s1}/reject`,
				body: { uuid: u },
				other: { uuid: u },
				otherPath: `/api/v1/duty/swaps/${s2}/reject`,
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/swaps?state=rejected`)).body.total,
			};
		},
	},
	'POST /api/v1/duty/posts/{post}/log': {
		actions: ['duty.log.create'],
		async setup() {
			const u = uuid();
			const body = logBody();
			return {
				path: `/api/v1/duty/posts/${VILLAGE_A}/log`,
				body: { uuid: u, ...body },
				other: { uuid: u, ...body, content: '另一件事' },
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/log`)).body.total,
			};
		},
	},
	...Object.fromEntries(
		[
			['hand', { to: '社渚村委会' }, { to: '派出所' }],
			['return', { result: '已核实' }, { result: '未核实' }, true],
			['close', { result: '办结' }, { result: '未办结' }],
			['note', { note: '回访' }, { note: '再回访' }],
			['task', { name: '门任', address: '社渚镇社渚村1组' }, { name: '门任二', address: '社渚镇社渚村1组' }],
		].map(([verb, body, other, handed]) => [
			`POST /api/v1/duty/log/{id}/${verb}`,
			{
				actions: [`duty.log.${verb}`],
				async setup() {
					const id = await logEntry(handed);
					const u = uuid();
					return {
						path: `/api/v1/duty/log/${id}/${verb}`,
						body: { uuid: u, ...body },
						other: { uuid: u, ...other },
						state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/log`)).body.items.find((e) => e.id === id).events.length,
					};
				},
			},
		]),
	),
	'POST /api/v1/duty/posts/{post}/handovers': {
		actions: ['duty.handover'],
		async setup() {
			const u = uuid();
			const [date, index] = lastEnded();
			return {
				path: `/api/v1/duty/posts/${VILLAGE_A}/handovers`,
				body: { uuid: u, date, index, note: '交班' },
				other: { uuid: u, date, index, note: '另一句' },
				state: async () => (await admin.get(`/api/v1/duty/posts/${VILLAGE_A}/handovers?from=${dateIn(-1)}&to=${dateIn(0)}`)).body.total,
			};
		},
	},
	'POST /api/v1/duty/handovers/{id}/confirm': {
		actions: ['duty.handover.confirm'],
		async setup() {
			const [date, index] = lastEnded();
			const h = await admin.post(`/api/v1/duty/posts/${TOWN_A}/handovers`, { uuid: uuid(), date, index, note: '交班' });
			assert.equal(h.status, 201, h.text);
			const u = uuid();
			return {
				path: `/api/v1/duty/handovers/${h.body.id}/confirm`,
				body: { uuid: u, note: '收到' },
				other: { uuid: u, note: '没收到' },
				state: async () => (await admin.get(`/api/v1/duty/posts/${TOWN_A}/handovers?from=${dateIn(-1)}&to=${dateIn(0)}`)).body.items.find((x) => x.id === h.body.id).confirmed_at,
			};
		},
	},
	'POST /api/v1/closures': {
		actions: ['closure.create'],
		async setup() {
			const area = (await admin.createArea(VILLAGE_A, uniqueName('封闭网格'))).code;
			const u = uuid();
			return {
				path: '/api/v1/closures',
				body: { uuid: u, area, from: dateIn(0) },
				other: { uuid: u, area, from: dateIn(0), reason: '另一个' },
				state: async () => (await admin.get('/api/v1/closures?state=all')).body.items.length,
			};
		},
	},
	'PATCH /api/v1/closures/{id}': {
		actions: ['closure.update'],
		async setup() {
			const c = await closure();
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}`,
				body: { uuid: u, reason: '扩大', rules: { out_per_household: 1, every_days: 3 } },
				other: { uuid: u, reason: '缩小' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}`)).body.list_version,
			};
		},
	},
	'POST /api/v1/closures/{id}/reopen': {
		actions: ['closure.reopen'],
		async setup() {
			const c = await closure();
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/reopen`,
				body: { uuid: u, on: dateIn(0) },
				other: { uuid: u, on: dateIn(1) },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}`)).body.until,
			};
		},
	},
	'POST /api/v1/closures/{id}/households': {
		actions: ['household.create'],
		async setup() {
			const c = await closure();
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/households`,
				body: { uuid: u, head: '门户甲', address: '门写1号', members: 2 },
				other: { uuid: u, head: '门户乙', address: '门写2号' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/households`)).body.total,
			};
		},
	},
	'POST /api/v1/closures/{id}/households/refresh': {
		actions: ['closure.households_refresh'],
		async setup() {
			const c = await closure();
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/households/refresh`,
				body: { uuid: u },
				other: { uuid: u, note: '再来' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/households`)).body.total,
			};
		},
	},
	'POST /api/v1/closures/{id}/households/import': {
		actions: ['household.import'],
		async setup() {
			const c = await closure();
			const u = uuid();
			const sheet = (addr) => Buffer.from(`户主,地址,人数\n门导甲,${addr},3\n`, 'utf8');
			return {
				path: `/api/v1/closures/${c.id}/households/import`,
				body: () => upload(sheet('门导1号'), 'households.csv', { uuid: u }),
				other: () => upload(sheet('门导2号'), 'households.csv', { uuid: u }),
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/households`)).body.total,
			};
		},
	},
	'POST /api/v1/closures/{id}/households/{hid}/block': {
		actions: ['household.block'],
		async setup() {
			const c = await closure();
			const h = await admin.post(`/api/v1/closures/${c.id}/households`, { uuid: uuid(), head: '门封', address: '门封1号' });
			assert.equal(h.status, 201, h.text);
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/households/${h.body.id}/block`,
				body: { uuid: u, blocked: true, reason: '密接' },
				other: { uuid: u, blocked: true, reason: '次密接' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/households?filter=blocked`)).body.total,
			};
		},
	},
	'POST /api/v1/closures/{id}/passes': {
		actions: ['pass.issue'],
		id: (b) => b?.number ?? null,
		async setup() {
			const c = await closure();
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/passes`,
				body: { uuid: u, kind: 'worker', holder: '门工甲', employer: '菜场' },
				other: { uuid: u, kind: 'worker', holder: '门工乙', employer: '菜场' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/passes`)).body.total,
			};
		},
	},
	'POST /api/v1/closures/{id}/passes/batch': {
		actions: ['pass.batch'],
		async setup() {
			const c = await closure();
			for (const a of ['门批1号', '门批2号']) await admin.post(`/api/v1/closures/${c.id}/households`, { uuid: uuid(), head: '门批', address: a });
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/passes/batch`,
				body: { uuid: u },
				other: { uuid: u, note: '补发' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/passes`)).body.total,
			};
		},
	},
	'POST /api/v1/closures/{id}/gates': {
		actions: ['gate.create'],
		async setup() {
			const c = await closure();
			const u = uuid();
			return {
				path: `/api/v1/closures/${c.id}/gates`,
				body: { uuid: u, name: '东门' },
				other: { uuid: u, name: '西门' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/gates`)).body.items.length,
			};
		},
	},
	'POST /api/v1/passes/{number}/reissue': {
		actions: ['pass.reissue'],
		id: (b) => b?.number ?? null,
		async setup() {
			const c = await closure();
			const number = await closurePass(c);
			const u = uuid();
			return {
				path: `/api/v1/passes/${number}/reissue`,
				body: { uuid: u, reason: '遗失' },
				other: { uuid: u, reason: '损坏' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/passes`)).body.total,
			};
		},
	},
	'POST /api/v1/passes/{number}/revoke': {
		actions: ['pass.revoke'],
		id: (b) => b?.number ?? null,
		async setup() {
			const c = await closure();
			const number = await closurePass(c);
			const u = uuid();
			return {
				path: `/api/v1/passes/${number}/revoke`,
				body: { uuid: u, reason: '搬走' },
				other: { uuid: u, reason: '去世' },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/passes?state=revoked`)).body.total,
			};
		},
	},
	'POST /api/v1/gates/{gid}/guards': {
		actions: ['gate.guard'],
		async setup() {
			const c = await closure();
			const g = await admin.post(`/api/v1/closures/${c.id}/gates`, { uuid: uuid(), name: '北门' });
			assert.equal(g.status, 201, g.text);
			const guard = await admin.createUser({ role: 'gate_guard', area: TOWN_A, password: newPassword('Gg') });
			const u = uuid();
			return {
				path: `/api/v1/gates/${g.body.id}/guards`,
				body: { uuid: u, user_id: guard.id },
				other: { uuid: u, user_id: guard.id, remove: true },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/gates`)).body.items[0].guards,
			};
		},
	},
	'POST /api/v1/gate/records': {
		actions: ['gate.record'],
		id: (b) => b?.record?.id ?? null,
		async setup() {
			const c = await closure();
			const g = await admin.post(`/api/v1/closures/${c.id}/gates`, { uuid: uuid(), name: '南门' });
			assert.equal(g.status, 201, g.text);
			const number = await closurePass(c);
			const u = uuid();
			const at = new Date().toISOString(); // not before the pass was issued
			return {
				path: '/api/v1/gate/records',
				body: { uuid: u, gate: g.body.id, number, direction: 'out', at, temperature: 36.6 },
				other: { uuid: u, gate: g.body.id, number, direction: 'in', at },
				state: async () => (await admin.get(`/api/v1/closures/${c.id}/gate-log`)).body.total,
			};
		},
	},
	// retention of personal data (issue 16)
	'PUT /api/v1/retention/settings': {
		actions: ['retention.settings'],
		id: () => null,
		async setup() {
			const u = uuid();
			return {
				path: '/api/v1/retention/settings',
				body: { uuid: u, days: { outbound: 45 } },
				other: { uuid: u, days: { outbound: 46 } },
				state: async () => (await admin.get('/api/v1/retention')).body.settings.days.outbound,
			};
		},
	},
	'POST /api/v1/retention/run': {
		// the run's row, one batch per category (nothing to do: one each), its end
		actions: ['retention.run', ...Array(6).fill('retention.batch'), 'retention.run.done'],
		async setup() {
			const u = uuid();
			return {
				path: '/api/v1/retention/run',
				body: { uuid: u },
				other: { uuid: u, note: '再跑一次' },
				state: async () => (await admin.get('/api/v1/retention/runs')).body.total,
			};
		},
	},
};

// ---- duty (值班值守) set-up ----

async function dutyShift(post, date, index, name) {
	const r = await admin.req('PUT', `/api/v1/duty/posts/${post}/roster/${date}/${index}`, { body: { uuid: uuid(), leader: { name }, officers: [] } });
	assert.equal(r.status, 200, r.text);
}
/** A swap of the two leaders of date at village A (both shifts set first). */
async function swapBody(date) {
	await dutyShift(VILLAGE_A, date, 0, '门早');
	await dutyShift(VILLAGE_A, date, 1, '门晚');
	return { a: { date, index: 0, slot: 'leader' }, b: { date, index: 1, slot: 'leader' }, reason: '门换班' };
}
async function swap(date) {
	const r = await admin.post(`/api/v1/duty/posts/${VILLAGE_A}/swaps`, { uuid: uuid(), ...(await swapBody(date)) });
	assert.equal(r.status, 201, r.text);
	return r.body.id;
}
const logBody = () => ({ at: new Date(Date.now() - 60e3).toISOString(), kind: 'call', from_name: '门来电', from_contact: '13800000002', content: '门事项', action: '记录' });
/** A log entry of village A by the admin (a duty manager), handed on when handed. */
async function logEntry(handed) {
	const r = await admin.post(`/api/v1/duty/posts/${VILLAGE_A}/log`, { uuid: uuid(), ...logBody() });
	assert.equal(r.status, 201, r.text);
	if (handed) assert.equal((await admin.post(`/api/v1/duty/log/${r.body.id}/hand`, { uuid: uuid(), to: '村委会' })).status, 200);
	return r.body.id;
}
/** The shift (date, index) of the default starts [8, 20] that ended last: in its window. */
function lastEnded() {
	const h = new Date(Date.now() + 8 * 3600e3).getUTCHours();
	if (h >= 20) return [dateIn(0), 0];
	if (h >= 8) return [dateIn(-1), 1];
	return [dateIn(-1), 0];
}


/** A new active closure of a new grid of village A. */
async function closure() {
	const area = (await admin.createArea(VILLAGE_A, uniqueName('封闭网格'))).code;
	const r = await admin.post('/api/v1/closures', { uuid: uuid(), area, from: dateIn(0) });
	assert.equal(r.status, 201, r.text);
	return r.body;
}

/** A new worker pass of closure c; its number. */
async function closurePass(c) {
	const r = await admin.post(`/api/v1/closures/${c.id}/passes`, { uuid: uuid(), kind: 'worker', holder: '门工', employer: '菜场' });
	assert.equal(r.status, 201, r.text);
	return r.body.number;
}
/** A new open checkpoint in township A. */
async function checkpoint() {
	const r = await admin.post('/api/v1/checkpoints', { uuid: uuid(), name: uniqueName('卡口'), area: TOWN_A, kind: 'road', opened_on: dateIn(-3) });
	assert.equal(r.status, 201, r.text);
	return r.body;
}

// Write routes without a client key, each with its reason (also in docs/api.md). Their
// audit rows are still checked, by check().
const EXEMPT = {
	'POST /api/v1/login': {
		why: 'not a write of user data (a session is made), no uuid: it must stay constant-time and a retry simply signs in again',
		async check() {
			const a = await account();
			const c = new Client(srv.url);
			const r = await c.login(a.username, a.password);
			assert.equal(r.status, 200, r.text);
			await expectRows(r, ['login']);
		},
	},
	'POST /api/v1/logout': {
		why: 'naturally idempotent: a second logout finds no session and changes nothing',
		async check() {
			const a = await account();
			const cookie = a.client.cookie;
			const first = await a.client.logout();
			assert.equal(first.status, 204, first.text);
			await expectRows(first, ['logout']);
			const rows = await auditOf('logout');
			a.client.cookie = cookie; // the same request again, with the session it ended
			const second = await a.client.logout();
			assert.ok(second.status === 204 || second.status === 401, `a second logout: ${second.status} ${second.text}`);
			assert.deepEqual(await rowsOf(second), [], 'a second logout writes a row');
			assert.equal((await auditOf('logout')).length, rows.length, 'a second logout writes a logout row');
		},
	},
	'POST /api/v1/persons/search': {
		why: 'a read by POST, so that ID numbers never go in a URL; audited as person.search',
		async check() {
			const r = await admin.post('/api/v1/persons/search', { q: '门登' });
			assert.equal(r.status, 200, r.text);
			await expectRows(r, ['person.search']);
		},
	},
	'POST /api/v1/exports': {
		why: 'an audited read: the job lives in memory, changes no data, and is idempotent by its uuid in the exporter (exports.test.mjs); audited export.create when written',
		async check() {
			const id = uuid();
			const r = await admin.post('/api/v1/exports?list=tasks&status=open', { uuid: id });
			assert.equal(r.status, 202, r.text);
			const [row] = await expectRows(r, ['export.create']);
			assert.equal(row.object_id, r.body.id);
			const again = await admin.post('/api/v1/exports?list=tasks&status=open', { uuid: id });
			assert.equal(again.status, 200, again.text);
			assert.equal(again.body.id, r.body.id, 'a replay answers the same job');
			const other = await admin.post('/api/v1/exports?list=tasks&status=closed', { uuid: id });
			assert.equal(other.status, 409, other.text);
		},
	},
	'POST /api/v1/persons/{id}/reveal': {
		why: 'an audited read: each reveal is a new row by design (person.reveal), nothing changes',
		async check() {
			const id = await person();
			const r = await admin.post(`/api/v1/persons/${id}/reveal`, undefined);
			assert.equal(r.status, 200, r.text);
			const [row] = await expectRows(r, ['person.reveal']);
			assert.equal(row.object_id, id);
		},
	},
};

// ---- audit rows ----

const rid = (r) => r.headers.get('x-request-id');

/** The newest audit rows (of an action). */
async function auditOf(action) {
	const r = await admin.get(`/api/v1/audit?limit=200${action ? `&action=${encodeURIComponent(action)}` : ''}`);
	assert.equal(r.status, 200, r.text);
	return r.body.items;
}

/** The rows that carry the request id of reply r. */
async function rowsOf(r) {
	const id = rid(r);
	assert.ok(id, 'every reply carries X-Request-Id');
	return (await auditOf()).filter((x) => x.request_id === id);
}

/** Waits until the reply's request has as many rows as actions (reads append theirs after
 * replying), then asserts exactly those actions, each "ok". */
async function expectRows(r, actions) {
	let rows = [];
	await waitFor(async () => (rows = await rowsOf(r)).length >= actions.length, {
		what: `${actions.join(', ')} rows of request ${rid(r)}`,
	}).catch(() => {});
	assert.deepEqual(rows.map((x) => x.action).sort(), [...actions].sort(), `the audit rows of request ${rid(r)}: ${JSON.stringify(rows)}`);
	for (const row of rows) assert.equal(row.result, 'ok', JSON.stringify(row));
	return rows;
}

// ---- the checks ----

const idOf = (b) => b?.id ?? b?.code ?? b?.user?.id ?? b?.observation?.id ?? b?.visit?.id ?? null;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	spec = (await admin.get('/api/v1/openapi.json')).body;
	assert.ok(spec?.paths, 'GET /api/v1/openapi.json answers the route table');
	// tasks come from an import (no uuid: this upload is set-up, not under test)
	const up = await admin.post('/api/v1/imports', upload(csv(6), 'door-tasks.csv'));
	assert.equal(up.status, 202, up.text);
	const job = await importDone(up.body.id);
	assert.equal(job.status, 'done', JSON.stringify(job));
	const r = await admin.get('/api/v1/tasks?status=open&limit=500');
	assert.equal(r.status, 200, r.text);
	tasks = r.body.items.filter((t) => t.import_id === up.body.id);
	assert.equal(tasks.length, 6, `the import opened its tasks: ${r.text.slice(0, 300)}`);
});

after(async () => {
	await srv?.stop();
});

describe('the route table', () => {
	it('every state-changing route has a one-door check or a stated exemption', () => {
		const writes = [];
		for (const [path, item] of Object.entries(spec.paths))
			for (const m of Object.keys(item))
				if (['post', 'put', 'patch', 'delete'].includes(m)) writes.push(`${m.toUpperCase()} ${path}`);
		assert.ok(writes.length > 20, `the route table lists the writes: ${writes.join(', ')}`);
		const missing = writes.filter((k) => !ENTRIES[k] && !EXEMPT[k]);
		assert.deepEqual(missing, [], `new write route without a one-door check: ${missing.join(', ')} — add an entry to ENTRIES in tests/api/write_routes.test.mjs`);
		const stale = [...Object.keys(ENTRIES), ...Object.keys(EXEMPT)].filter((k) => !writes.includes(k));
		assert.deepEqual(stale, [], 'entries for routes the table no longer has');
	});
});

describe('exempt writes still write their audit rows', () => {
	for (const [key, ex] of Object.entries(EXEMPT)) it(`${key} (${ex.why})`, () => ex.check());
});

describe('each write: one audit row, a replay answers the first answer, another body 409', () => {
	for (const [key, entry] of Object.entries(ENTRIES)) {
		it(key, async () => {
			const method = key.split(' ')[0];
			const s = await entry.setup();
			const client = s.client || admin;
			const req = (body, path = s.path) => client.req(method, path, { body: typeof body === 'function' ? body() : body });
			const actions = entry.actions;
			const id = entry.id || idOf;

			// (a) one request, exactly its audit rows
			const first = await req(s.body);
			assert.ok(first.status >= 200 && first.status < 300, `${key}: ${first.status} ${first.text}`);
			await expectRows(first, actions);
			const count = async () => Object.fromEntries(await Promise.all([...new Set(actions)].map(async (a) => [a, (await auditOf(a)).length])));
			const rowsBefore = await count();
			const stateBefore = s.state ? await s.state() : undefined;

			// (b) the same body again: the same answer, nothing written
			const again = await req(s.body);
			assert.ok(again.status >= 200 && again.status < 300, `${key}: a replay answers ${again.status} ${again.text}`);
			if (id(first.body) !== null && id(first.body) !== undefined) assert.equal(id(again.body), id(first.body), `${key}: a replay answers another object`);
			else if (entry.sameBody !== false) assert.deepEqual(again.body, first.body, `${key}: a replay answers otherwise`);
			assert.deepEqual(await rowsOf(again), [], `${key}: a replay writes audit rows`);
			assert.deepEqual(await count(), rowsBefore, `${key}: a replay writes again`);
			if (s.state) assert.deepEqual(await s.state(), stateBefore, `${key}: a replay changed the object`);
			if (s.after) await s.after(first);

			// (c) another body under the same uuid
			const other = await req(s.other, s.otherPath);
			expectError(assert, other, 409, 'idempotency.conflict', 'uuid');
			assert.deepEqual((await rowsOf(other)).filter((x) => actions.includes(x.action)), [], `${key}: a conflict writes a row`);
			assert.deepEqual(await count(), rowsBefore, `${key}: a conflict writes`);
		});
	}
});
