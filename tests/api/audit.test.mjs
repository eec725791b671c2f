// 10. The audit trail: a row for every write and denial, filters, paging, scope, and
// rows that nothing can change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	dbSql,
	expectError,
	newPassword,
	newUser,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

const PW = 'Liyang-Audit-Pass-2026';

let srv;
let admin;
let t0; // seconds, a little before the test writes
let cadre; // newUser(): user.create, login, password.change
let commanderA;
let commanderB;
let gridA;
let gridB;
let villageB;
const rid = {}; // X-Request-Id of some writes

before(async () => {
	srv = await startServer({ users: [{ username: 'a.worker', role: 'grid_worker', area: VILLAGE_A, password: PW }] });
	t0 = Math.floor(Date.now() / 1000) - 1;
	admin = await adminClient(srv);
	villageB = (await admin.get(`/api/v1/areas/${TOWN_B}`)).body.children.find((x) => x.level === 'village').code;
	const ca = await admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '审计网格' });
	assert.equal(ca.status, 201, ca.text);
	gridA = ca.body;
	rid.areaCreate = ca.headers.get('x-request-id');
	gridB = await admin.createArea(villageB, '乙村网格');
	const up = await admin.patch(`/api/v1/areas/${gridA.code}`, { responsible_name: '审计员', duty_phone: '13800138000' });
	assert.equal(up.status, 200);
	rid.areaUpdate = up.headers.get('x-request-id');
	[cadre, commanderA, commanderB] = await Promise.all([
		newUser(srv, admin, { role: 'cadre', area: VILLAGE_A, display_name: '村干部' }),
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
	]);
});
after(async () => {
	await srv?.stop();
});

async function audit(client, query = '') {
	const r = await client.get(`/api/v1/audit?limit=200${query ? '&' + query : ''}`);
	assert.equal(r.status, 200, r.text);
	return r.body.items;
}

function checkRow(row, { action, user, objectType, objectId, area, result = 'ok' }) {
	const ctx = JSON.stringify(row);
	assert.equal(row.action, action, ctx);
	assert.equal(row.user, user, ctx);
	assert.equal(row.ip, '127.0.0.1', ctx);
	if (objectType !== undefined) assert.equal(row.object_type, objectType, ctx);
	if (objectId !== undefined) assert.equal(row.object_id, objectId, ctx);
	if (area !== undefined) assert.equal(row.area, area, ctx);
	assert.equal(row.result, result, ctx);
	assert.equal(typeof row.id, 'number', ctx);
	assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, ctx);
	const at = Date.parse(row.at) / 1000;
	assert.ok(at >= t0 - 5 && at <= Date.now() / 1000 + 5, `implausible time ${row.at}`);
	assert.ok(row.request_id === null || typeof row.request_id === 'string', ctx);
	assert.doesNotMatch(JSON.stringify(row), /argon2|password_hash/, 'a password hash in the audit trail');
}

describe('audit rows for every write', () => {
	it('area.create with after, and the request id of the reply', async () => {
		const row = (await audit(admin, 'action=area.create')).find((x) => x.object_id === gridA.code);
		assert.ok(row, 'no area.create row');
		checkRow(row, { action: 'area.create', user: 'admin', objectType: 'area', objectId: gridA.code, area: gridA.code });
		assert.equal(row.before, null);
		assert.equal(row.after.name, '审计网格');
		assert.equal(row.after.parent, VILLAGE_A);
		assert.equal(row.request_id, rid.areaCreate);
	});

	it('area.update with before and after', async () => {
		const row = (await audit(admin, 'action=area.update')).find((x) => x.object_id === gridA.code);
		assert.ok(row);
		checkRow(row, { action: 'area.update', user: 'admin', objectType: 'area', objectId: gridA.code, area: gridA.code });
		assert.equal(row.before.responsible_name, '');
		assert.equal(row.after.responsible_name, '审计员');
		assert.equal(row.before.duty_phone, '');
		assert.equal(row.after.duty_phone, '13800138000');
		assert.equal(row.request_id, rid.areaUpdate);
	});

	it('user.create with after (no password), login and password.change by the new account', async () => {
		const id = cadre.user.id;
		const create = (await audit(admin, 'action=user.create')).find((x) => x.object_id === id);
		assert.ok(create, 'no user.create row');
		checkRow(create, { action: 'user.create', user: 'admin', objectType: 'user', objectId: id, area: VILLAGE_A });
		assert.equal(create.after.username, cadre.username);
		assert.equal(create.after.role, 'cadre');
		assert.equal(create.after.display_name, '村干部');
		assert.ok(!('password' in create.after) && !('password_hash' in create.after), 'a password in the audit row');
		const login = (await audit(admin, `action=login&user=${cadre.username}`))[0];
		assert.ok(login, 'no login row');
		checkRow(login, { action: 'login', user: cadre.username, objectType: 'user', objectId: id, area: VILLAGE_A });
		const pc = (await audit(admin, `action=password.change&user=${cadre.username}`))[0];
		assert.ok(pc, 'no password.change row');
		checkRow(pc, { action: 'password.change', user: cadre.username, objectType: 'user', objectId: id });
		assert.ok(!JSON.stringify(pc).includes(cadre.password), 'the new password is in the audit trail');
	});

	it('user.update with before/after, user.reset_password', async () => {
		const u = await admin.createUser({ role: 'viewer', area: VILLAGE_A, password: newPassword(), display_name: '旧名' });
		assert.equal((await admin.patch(`/api/v1/users/${u.id}`, { display_name: '新名', disabled: true })).status, 200);
		const upd = (await audit(admin, 'action=user.update')).find((x) => x.object_id === u.id);
		assert.ok(upd, 'no user.update row');
		checkRow(upd, { action: 'user.update', user: 'admin', objectType: 'user', objectId: u.id, area: VILLAGE_A });
		assert.equal(upd.before.display_name, '旧名');
		assert.equal(upd.after.display_name, '新名');
		assert.equal(upd.before.disabled, false);
		assert.equal(upd.after.disabled, true);
		const reset = await admin.post(`/api/v1/users/${u.id}/reset-password`, undefined);
		assert.equal(reset.status, 200);
		const rr = (await audit(admin, 'action=user.reset_password')).find((x) => x.object_id === u.id);
		assert.ok(rr, 'no user.reset_password row');
		checkRow(rr, { action: 'user.reset_password', user: 'admin', objectType: 'user', objectId: u.id, area: VILLAGE_A });
		assert.ok(!JSON.stringify(rr).includes(reset.body.initial_password), 'the initial password is in the audit trail');
	});

	it('logout', async () => {
		const c = new Client(srv.url);
		await c.mustLogin('a.worker', PW);
		assert.equal((await c.logout()).status, 204);
		const row = (await audit(admin, 'action=logout&user=a.worker'))[0];
		assert.ok(row, 'no logout row');
		checkRow(row, { action: 'logout', user: 'a.worker', objectType: 'user', objectId: c.user.id, area: VILLAGE_A });
	});

	it('denials appear as denied with the error code as result', async () => {
		const c = new Client(srv.url);
		await c.mustLogin('a.worker', PW);
		expectError(assert, await c.get('/api/v1/users'), 403, 'forbidden');
		expectError(assert, await admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: 'x' }, { csrf: false }), 403, 'csrf.invalid');
		expectError(assert, await cadre.client.get(`/api/v1/areas/${gridB.code}`), 404, 'area.not_found');
		const rows = await waitFor(async () => {
			const items = await audit(admin, 'action=denied');
			const want = [
				items.find((x) => x.user === 'a.worker' && x.result === 'forbidden'),
				items.find((x) => x.user === 'admin' && x.result === 'csrf.invalid'),
				items.find((x) => x.user === cadre.username && x.result === 'area.not_found' && x.object_id === gridB.code),
			];
			return want.every(Boolean) ? want : null;
		}, { what: 'denied rows' });
		for (const row of rows) {
			assert.equal(row.action, 'denied');
			assert.equal(row.ip, '127.0.0.1');
		}
		assert.equal(rows[2].object_type, 'area');
	});
});

describe('audit filters and paging', () => {
	it('user, action and area filters match', async () => {
		for (const row of await audit(admin, 'user=admin')) assert.equal(row.user, 'admin');
		for (const row of await audit(admin, 'action=login')) assert.equal(row.action, 'login');
		const byArea = await audit(admin, `area=${VILLAGE_A}`);
		assert.ok(byArea.length > 3);
		for (const row of byArea) assert.ok(row.area?.startsWith(VILLAGE_A), row.area);
		assert.ok(byArea.some((x) => x.object_id === gridA.code));
		const both = await audit(admin, `user=admin&action=area.create&area=${gridA.code}`);
		assert.deepEqual(both.map((x) => x.object_id), [gridA.code]);
		assert.deepEqual(await audit(admin, 'user=nobody-at-all'), []);
		assert.deepEqual(await audit(admin, 'action=no.such.action'), []);
	});

	it('from is inclusive, to exclusive; dates and date-times', async () => {
		const row = (await audit(admin, 'action=area.create')).find((x) => x.object_id === gridA.code);
		const at = row.at; // YYYY-MM-DDTHH:MM:SSZ
		const ids = async (q) => (await audit(admin, q)).map((x) => x.id);
		assert.ok((await ids(`from=${at}`)).includes(row.id), 'from is inclusive');
		assert.ok(!(await ids(`to=${at}`)).includes(row.id), 'to is exclusive');
		const next = new Date(Date.parse(at) + 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		assert.ok((await ids(`to=${next}`)).includes(row.id));
		assert.ok(!(await ids(`from=${next}&action=area.create`)).includes(row.id));
		const day = at.slice(0, 10);
		assert.ok((await ids(`from=${day}`)).includes(row.id));
		assert.ok((await ids(`from=${at.slice(0, 16)}`)).includes(row.id), 'YYYY-MM-DDTHH:MM');
		const tomorrow = new Date(Date.parse(day) + 86400000).toISOString().slice(0, 10);
		assert.deepEqual(await ids(`from=${tomorrow}`), []);
		assert.deepEqual(await ids('to=2000-01-01'), []);
		for (const q of ['from=yesterday', 'from=2026-13-01', 'to=2026-01-01T25:00', 'from=20261129', 'to=2026-01-01T00:00:00+08:00', 'before=0', 'before=abc', 'before=-5', 'limit=0', 'limit=201', 'limit=x']) {
			const r = await admin.get(`/api/v1/audit?${q}`);
			expectError(assert, r, 400, 'query.invalid', q.split('=')[0]);
		}
		expectError(assert, await admin.get('/api/v1/audit?area=abc'), 400, 'area.code.invalid', 'area');
	});

	it('pages newest first with next_before until null', async () => {
		const all = await audit(admin);
		assert.ok(all.length >= 10 && all.length < 200, `${all.length} rows`);
		for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].id > all[i].id, 'not newest first');
		const full = await admin.get('/api/v1/audit?limit=200');
		assert.equal(full.body.next_before, null, 'next_before on a page that is not full');
		const seen = [];
		let before = null;
		for (let page = 0; page < 100; page++) {
			const r = await admin.get(`/api/v1/audit?limit=3${before ? `&before=${before}` : ''}`);
			assert.equal(r.status, 200);
			assert.ok(r.body.items.length <= 3);
			seen.push(...r.body.items.map((x) => x.id));
			if (r.body.items.length === 3) assert.equal(r.body.next_before, r.body.items[2].id);
			if (r.body.next_before === null) break;
			before = r.body.next_before;
		}
		// The pages together are the same rows as one big page from the same start.
		const same = await audit(admin, `before=${seen[0] + 1}`);
		assert.deepEqual(seen, same.map((x) => x.id));
		assert.equal(new Set(seen).size, seen.length, 'a row on two pages');
	});
});

describe('audit scope and roles', () => {
	it('a commander of township A does not see rows of township B', async () => {
		const a = await audit(commanderA.client);
		assert.ok(a.length > 0);
		for (const row of a) assert.ok(row.area?.startsWith(TOWN_A), `commander A sees ${JSON.stringify(row)}`);
		assert.ok(a.some((x) => x.action === 'area.create' && x.object_id === gridA.code));
		assert.ok(!a.some((x) => x.action === 'area.create' && x.object_id === gridB.code));
		const b = await audit(commanderB.client);
		for (const row of b) assert.ok(row.area?.startsWith(TOWN_B), `commander B sees ${JSON.stringify(row)}`);
		assert.ok(b.some((x) => x.action === 'area.create' && x.object_id === gridB.code));
		expectError(assert, await commanderA.client.get(`/api/v1/audit?area=${villageB}`), 404, 'area.not_found');
		// Rows without an area (unknown usernames, kept as "(unknown)") are for admins only.
		const before = (await audit(admin, 'user=(unknown)')).length;
		await new Client(srv.url).login('no.such.user', 'Wrong-Password-1');
		await waitFor(async () => (await audit(admin, 'user=(unknown)')).length === before + 1, { what: 'unknown_user row' });
		assert.deepEqual(await audit(admin, 'user=no.such.user'), []);
		assert.deepEqual(await audit(commanderA.client, 'user=(unknown)'), []);
	});

	it('grid_worker and cadre get 403 forbidden', async () => {
		const c = new Client(srv.url);
		await c.mustLogin('a.worker', PW);
		expectError(assert, await c.get('/api/v1/audit'), 403, 'forbidden');
		expectError(assert, await cadre.client.get('/api/v1/audit'), 403, 'forbidden');
	});
});

describe('audit rows are append-only', () => {
	it('UPDATE and DELETE on the audit table fail with the trigger message', async () => {
		const sql = (q) => dbSql(srv.db, q);
		const before = await sql('SELECT count(*) FROM audit');
		assert.equal(before.code, 0, before.stderr);
		const upd = await sql("UPDATE audit SET result='x'");
		assert.notEqual(upd.code, 0, 'UPDATE audit succeeded');
		assert.match(upd.stderr, /audit rows are append-only/);
		const del = await sql('DELETE FROM audit');
		assert.notEqual(del.code, 0, 'DELETE FROM audit succeeded');
		assert.match(del.stderr, /audit rows are append-only/);
		const one = await sql('UPDATE audit SET user_id = NULL WHERE id = (SELECT max(id) FROM audit)');
		assert.match(one.stderr, /audit rows are append-only/);
		const afterCount = await sql('SELECT count(*) FROM audit');
		assert.ok(Number(afterCount.stdout) >= Number(before.stdout), 'rows disappeared');
		assert.equal((await sql("SELECT count(*) FROM audit WHERE result = 'x' OR user_id IS NULL AND action = 'login'")).stdout.trim(), '0');
		// The API has no route that writes audit rows.
		for (const m of ['POST', 'PATCH', 'PUT', 'DELETE']) {
			const r = await admin.req(m, '/api/v1/audit', { body: {} });
			expectError(assert, r, 405, 'method.not_allowed');
		}
	});
});
