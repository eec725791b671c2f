// 6. Scope: a user sees and changes only their own area and below; everything outside
// answers exactly like something that does not exist (404, same code, same field).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	COUNTY,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	newPassword,
	newUser,
	startServer,
	uniqueName,
	uuid,
} from './lib.mjs';

let srv;
let admin;
let VILLAGE_B; // a real village of 竹箦镇
let VILLAGE_B_NAME;
let gridA; // a grid under VILLAGE_A
let gridB; // a grid under VILLAGE_B
let cadreA; // {client, user, ...} cadre of VILLAGE_A
let userB; // USER: grid_worker of VILLAGE_B
let userBPassword;
let commanderB; // {client, user}: commander of TOWN_B
let commanderA; // commander of TOWN_A
let workerA; // USER: grid_worker in gridA, made by cadreA

const MISSING_OUT = '320481111999'; // no such village; outside VILLAGE_A
const MISSING_IN = () => `${VILLAGE_A}999`; // no such grid; inside VILLAGE_A

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	assert.equal(town.status, 200, town.text);
	const v = town.body.children.find((x) => x.level === 'village' && Number(x.code.slice(9)) >= 200);
	assert.ok(v, '竹箦镇 has no village');
	VILLAGE_B = v.code;
	VILLAGE_B_NAME = v.name;
	gridA = await admin.createArea(VILLAGE_A, '社渚一网格');
	gridB = await admin.createArea(VILLAGE_B, '竹箦一网格');
	userBPassword = newPassword('B');
	userB = await admin.createUser({ username: uniqueName('ub'), role: 'grid_worker', area: VILLAGE_B, password: userBPassword, display_name: '乙方网格员' });
	[cadreA, commanderA, commanderB] = await Promise.all([
		newUser(srv, admin, { role: 'cadre', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
	]);
	workerA = await cadreA.client.createUser({ role: 'grid_worker', area: gridA.code, password: newPassword() });
});
after(async () => {
	await srv?.stop();
});

/** Asserts that the probe of an out-of-scope object answers like the made-up one(s). */
function sameAsMissing(probe, ...missing) {
	assert.equal(probe.status, 404, `probe should be 404: ${probe.status} ${probe.text}`);
	for (const m of missing) {
		assert.equal(probe.status, m.status, `status differs: ${probe.text} vs ${m.text}`);
		assert.deepEqual(probe.body, m.body, `body differs: ${probe.text} vs ${m.text}`);
	}
}

describe('scope: a village-A cadre probing village B', () => {
	let A;
	before(() => {
		A = cadreA.client;
	});

	it('admin sees B (so the probes below are not vacuous)', async () => {
		assert.equal((await admin.get(`/api/v1/areas/${VILLAGE_B}`)).status, 200);
		assert.equal((await admin.get(`/api/v1/areas/${gridB.code}`)).status, 200);
		assert.equal((await admin.get(`/api/v1/users/${userB.id}`)).status, 200);
		assert.equal((await A.get(`/api/v1/areas/${gridA.code}`)).status, 200);
	});

	it('GET /areas/{B} and /areas/{B grid} are 404 like made-up codes', async () => {
		const missOut = await A.get(`/api/v1/areas/${MISSING_OUT}`);
		const missIn = await A.get(`/api/v1/areas/${MISSING_IN()}`);
		expectError(assert, missOut, 404, 'area.not_found');
		sameAsMissing(await A.get(`/api/v1/areas/${VILLAGE_B}`), missOut, missIn);
		sameAsMissing(await A.get(`/api/v1/areas/${gridB.code}`), await A.get(`/api/v1/areas/${VILLAGE_B}999`), missIn);
		sameAsMissing(await A.get(`/api/v1/areas/${TOWN_B}`), missOut);
	});

	it('cached area bodies are per scope: the admin\'s view does not leak to A', async () => {
		// Warm the cache with the admin's view (path from the county), then read as A.
		for (let i = 0; i < 2; i++) {
			assert.deepEqual((await admin.get(`/api/v1/areas/${gridA.code}`)).body.path.map((x) => x.code), [COUNTY, TOWN_A, VILLAGE_A]);
			assert.deepEqual((await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body.path.map((x) => x.code), [COUNTY, TOWN_A]);
		}
		for (let i = 0; i < 2; i++) {
			assert.deepEqual((await A.get(`/api/v1/areas/${gridA.code}`)).body.path.map((x) => x.code), [VILLAGE_A]);
			assert.deepEqual((await A.get(`/api/v1/areas/${VILLAGE_A}`)).body.path, []);
		}
		// And the other way round, after a change (new generation): A first, then the admin.
		await admin.patch(`/api/v1/areas/${gridA.code}`, { responsible_name: '缓存测试' });
		const a = await A.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.deepEqual(a.body.path, []);
		assert.equal(a.body.children.find((x) => x.code === gridA.code).responsible_name, '缓存测试');
		assert.deepEqual((await admin.get(`/api/v1/areas/${VILLAGE_A}`)).body.path.map((x) => x.code), [COUNTY, TOWN_A]);
		// Out of scope stays 404 even after the admin's read is cached.
		await admin.get(`/api/v1/areas/${VILLAGE_B}`);
		expectError(assert, await A.get(`/api/v1/areas/${VILLAGE_B}`), 404, 'area.not_found');
	});

	it('the county and the township of A are not visible either', async () => {
		const missOut = await A.get(`/api/v1/areas/${MISSING_OUT}`);
		sameAsMissing(await A.get(`/api/v1/areas/${COUNTY}`), missOut);
		sameAsMissing(await A.get(`/api/v1/areas/${TOWN_A}`), missOut);
		const root = await A.get('/api/v1/areas?root=1');
		assert.equal(root.status, 200);
		assert.deepEqual(root.body.items.map((x) => x.code), [VILLAGE_A]);
		// A grid's path starts at the caller's own area: no county, no township.
		const g = await A.get(`/api/v1/areas/${gridA.code}`);
		assert.equal(g.status, 200);
		assert.deepEqual(g.body.path.map((x) => x.code), [VILLAGE_A]);
		const own = await A.get(`/api/v1/areas/${VILLAGE_A}`);
		assert.ok(own.body.path.every((x) => x.code.startsWith(VILLAGE_A)), `path leaks ancestors: ${JSON.stringify(own.body.path)}`);
		assert.ok(own.body.children.every((x) => x.code.startsWith(VILLAGE_A)));
	});

	it('POST /areas with parent B is 404 like a made-up parent, and creates nothing', async () => {
		const probe = await A.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_B, name: '越界网格' });
		const miss = await A.post('/api/v1/areas', { uuid: uuid(), parent: MISSING_OUT, name: '越界网格' });
		const missIn = await A.post('/api/v1/areas', { uuid: uuid(), parent: MISSING_IN(), name: '越界网格' });
		sameAsMissing(probe, miss, missIn);
		const g = await A.post('/api/v1/areas', { uuid: uuid(), parent: gridB.code, name: '越界小组' });
		sameAsMissing(g, miss);
		const b = await admin.get(`/api/v1/areas/${VILLAGE_B}`);
		assert.ok(!b.body.children.some((x) => x.name === '越界网格'));
		assert.equal((await admin.get(`/api/v1/areas/${gridB.code}`)).body.child_count, 0);
	});

	it('PATCH /areas/{B} is 404 like a made-up code, and changes nothing', async () => {
		const body = { responsible_name: '越界', duty_phone: '13800138000' };
		const miss = await A.patch(`/api/v1/areas/${MISSING_OUT}`, body);
		const missIn = await A.patch(`/api/v1/areas/${MISSING_IN()}`, body);
		sameAsMissing(await A.patch(`/api/v1/areas/${VILLAGE_B}`, body), miss, missIn);
		sameAsMissing(await A.patch(`/api/v1/areas/${gridB.code}`, { ...body, name: '改名' }), miss);
		sameAsMissing(await A.patch(`/api/v1/areas/${COUNTY}`, body), miss);
		const b = await admin.get(`/api/v1/areas/${VILLAGE_B}`);
		assert.equal(b.body.responsible_name, '');
		assert.equal(b.body.duty_phone, '');
		assert.equal((await admin.get(`/api/v1/areas/${gridB.code}`)).body.name, '竹箦一网格');
	});

	it('GET /users?area=B is 404 like a made-up area', async () => {
		const miss = await A.get(`/api/v1/users?area=${MISSING_OUT}`);
		sameAsMissing(await A.get(`/api/v1/users?area=${VILLAGE_B}`), miss);
		sameAsMissing(await A.get(`/api/v1/users?area=${gridB.code}`), miss);
		sameAsMissing(await A.get(`/api/v1/users?area=${COUNTY}`), miss);
		// A made-up area inside the scope answers an empty list, and that is fine.
	});

	it('GET/PATCH/reset of B\'s account are 404 like a made-up id', async () => {
		const fake = randomUUID();
		sameAsMissing(await A.get(`/api/v1/users/${userB.id}`), await A.get(`/api/v1/users/${fake}`));
		expectError(assert, await A.get(`/api/v1/users/${fake}`), 404, 'user.not_found');
		const body = { display_name: '被改了' };
		sameAsMissing(await A.patch(`/api/v1/users/${userB.id}`, body), await A.patch(`/api/v1/users/${fake}`, body));
		sameAsMissing(await A.patch(`/api/v1/users/${userB.id}`, { disabled: true }), await A.patch(`/api/v1/users/${fake}`, { disabled: true }));
		sameAsMissing(
			await A.post(`/api/v1/users/${userB.id}/reset-password`, undefined),
			await A.post(`/api/v1/users/${fake}/reset-password`, undefined),
		);
		// An account above the cadre's rank outside the scope is 404 too, not 403.
		const cmdB = commanderB.user.id;
		sameAsMissing(await A.get(`/api/v1/users/${cmdB}`), await A.get(`/api/v1/users/${fake}`));
		sameAsMissing(await A.patch(`/api/v1/users/${cmdB}`, body), await A.patch(`/api/v1/users/${fake}`, body));
		sameAsMissing(await A.post(`/api/v1/users/${cmdB}/reset-password`, undefined), await A.post(`/api/v1/users/${fake}/reset-password`, undefined));
		// Nothing changed: same name, not disabled, the password still works.
		const b = await admin.get(`/api/v1/users/${userB.id}`);
		assert.equal(b.body.display_name, '乙方网格员');
		assert.equal(b.body.disabled, false);
		assert.equal((await new Client(srv.url).login(userB.username, userBPassword)).status, 200, 'B\'s password was reset');
	});

	it('POST /users with area B is 404 area.not_found like a made-up area', async () => {
		const mk = (area) => ({ uuid: uuid(), username: uniqueName('oob'), role: 'viewer', area, password: newPassword() });
		const probe = await A.post('/api/v1/users', mk(VILLAGE_B));
		const miss = await A.post('/api/v1/users', mk(MISSING_OUT));
		expectError(assert, probe, 404, 'area.not_found');
		sameAsMissing(probe, miss);
		sameAsMissing(await A.post('/api/v1/users', mk(gridB.code)), miss);
		sameAsMissing(await A.post('/api/v1/users', mk(COUNTY)), miss);
		const all = await admin.get('/api/v1/users?q=oob');
		assert.equal(all.body.total, 0, 'an out-of-scope account was created');
		// docs/api.md: "404 area.not_found for an area that does not exist or is outside
		// scope" — one answer for both, so also the same as a made-up area inside the scope.
		sameAsMissing(probe, await A.post('/api/v1/users', mk(MISSING_IN())));
	});

	it('PATCH of an own account moving it to B is 404 area.not_found (field area) like a made-up area', async () => {
		const probe = await A.patch(`/api/v1/users/${workerA.id}`, { area: VILLAGE_B });
		const miss = await A.patch(`/api/v1/users/${workerA.id}`, { area: MISSING_OUT });
		expectError(assert, probe, 404, 'area.not_found');
		sameAsMissing(probe, miss);
		assert.equal((await admin.get(`/api/v1/users/${workerA.id}`)).body.area, gridA.code);
		// docs/api.md PATCH /users: "404 area.not_found (field area) for a new area that does
		// not exist or is outside scope".
		const missIn = await A.patch(`/api/v1/users/${workerA.id}`, { area: MISSING_IN() });
		expectError(assert, missIn, 404, 'area.not_found', 'area');
		expectError(assert, probe, 404, 'area.not_found', 'area');
		sameAsMissing(probe, missIn);
	});

	it('GET /areas?q= never returns areas outside A', async () => {
		for (const q of ['村', '委会', '网格', '3204', COUNTY, TOWN_A, TOWN_B, VILLAGE_B, VILLAGE_B_NAME, '竹箦', '溧阳', '社渚']) {
			const r = await A.get(`/api/v1/areas?q=${encodeURIComponent(q)}&limit=200`);
			assert.equal(r.status, 200, r.text);
			for (const x of r.body.items) assert.ok(x.code.startsWith(VILLAGE_A), `q=${q} returned ${x.code} ${x.name}`);
		}
		const self = await A.get(`/api/v1/areas?q=${VILLAGE_A}`);
		assert.deepEqual(self.body.items.map((x) => x.code).sort(), [VILLAGE_A, gridA.code].sort());
		const name = await A.get(`/api/v1/areas?q=${encodeURIComponent('社渚一')}`);
		assert.deepEqual(name.body.items.map((x) => x.code), [gridA.code]);
		assert.equal(name.body.items[0].parent_name, '社渚村村委会');
	});

	it('GET /users never lists B\'s accounts', async () => {
		const r = await A.get('/api/v1/users?limit=200');
		assert.equal(r.status, 200);
		assert.ok(r.body.items.length >= 2); // the cadre and the grid worker
		for (const u of r.body.items) assert.ok(u.area.startsWith(VILLAGE_A), `lists ${u.username} of ${u.area}`);
		assert.equal(r.body.total, r.body.items.length);
		const q = await A.get(`/api/v1/users?q=${userB.username}`);
		assert.equal(q.body.total, 0);
		assert.deepEqual(q.body.items, []);
		const role = await A.get('/api/v1/users?role=commander');
		assert.equal(role.body.total, 0);
	});
});

describe('scope: audit by township commanders', () => {
	it('a commander of A\'s township asking for B\'s area gets 404 like a made-up area', async () => {
		const C = commanderA.client;
		const miss = await C.get(`/api/v1/audit?area=${MISSING_OUT}`);
		expectError(assert, miss, 404, 'area.not_found');
		sameAsMissing(await C.get(`/api/v1/audit?area=${VILLAGE_B}`), miss);
		sameAsMissing(await C.get(`/api/v1/audit?area=${TOWN_B}`), miss);
		sameAsMissing(await C.get(`/api/v1/audit?area=${COUNTY}`), miss);
		// Its own area works.
		const own = await C.get(`/api/v1/audit?area=${VILLAGE_A}&limit=200`);
		assert.equal(own.status, 200, own.text);
		assert.ok(own.body.items.some((x) => x.action === 'area.create' && x.object_id === gridA.code));
	});

	it('each commander sees only the rows of their township', async () => {
		const a = await commanderA.client.get('/api/v1/audit?limit=200');
		const b = await commanderB.client.get('/api/v1/audit?limit=200');
		assert.equal(a.status, 200);
		assert.equal(b.status, 200);
		for (const row of a.body.items) assert.ok(row.area && row.area.startsWith(TOWN_A), `A sees ${JSON.stringify(row)}`);
		for (const row of b.body.items) assert.ok(row.area && row.area.startsWith(TOWN_B), `B sees ${JSON.stringify(row)}`);
		// (A's own "denied" rows name the B objects that the cadre of A probed: that is A's row.)
		const ra = a.body.items.filter((x) => x.action !== 'denied');
		const rb = b.body.items.filter((x) => x.action !== 'denied');
		assert.ok(ra.some((x) => x.object_id === gridA.code));
		assert.ok(!ra.some((x) => x.object_id === gridB.code || x.object_id === userB.id));
		assert.ok(rb.some((x) => x.object_id === gridB.code));
		assert.ok(!rb.some((x) => x.object_id === gridA.code || x.object_id === workerA.id));
		// Filters cannot widen the scope.
		const byUser = await commanderA.client.get(`/api/v1/audit?user=${userB.username}`);
		assert.equal(byUser.status, 200);
		assert.deepEqual(byUser.body.items, []);
	});

	it('a cadre has no audit.read', async () => {
		expectError(assert, await cadreA.client.get('/api/v1/audit'), 403, 'forbidden');
	});
});
