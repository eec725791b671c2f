// Security issue 8, finding 2: a township commander must not take another township's person
// file through an import. A row whose ID number is on file elsewhere opens no task in the
// importer's area, is counted as for an unknown person, never merges into or names the other
// file, and goes flagged to the lowest commander who sees both. Tasks and their person files
// are written only when both lie in the caller's scope, checked in the writing transaction.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import {
	COUNTY,
	SLOW,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	makeId,
	newUser,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

const HEADER = '姓名,身份证号码,联系电话,来源地,返乡日期,现住址';
const csv = (...lines) => Buffer.from(`\uFEFF${HEADER}\r\n${lines.join('\r\n')}\r\n`, 'utf8');

const VICTIM = { name: '刘社渚', id: makeId('19810304', 311), phone: '13811112222' };
const NOID = { name: '钱无号', phone: '13833334444' };

async function importDone(client, bytes, filename) {
	const fd = new FormData();
	fd.append('file', new Blob([bytes]), filename);
	const r = await client.post('/api/v1/imports', fd);
	assert.equal(r.status, 202, r.text);
	return waitFor(
		async () => {
			const j = await client.get(`/api/v1/imports/${r.body.id}`);
			assert.equal(j.status, 200, j.text);
			return j.body.status === 'done' || j.body.status === 'failed' ? j.body : null;
		},
		{ timeoutMs: 30000 * SLOW, what: `import ${r.body.id}` },
	);
}

async function openTasks(client) {
	const r = await client.get('/api/v1/tasks?status=open&limit=500');
	assert.equal(r.status, 200, r.text);
	return r.body.items;
}

let srv, admin, cmdA, cmdB, county, gwA, villageB, fileA, jobB, noidA;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	villageB = town.body.children.find((x) => x.level === 'village');
	[cmdA, cmdB, county, gwA] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
		newUser(srv, admin, { role: 'commander', area: COUNTY }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
	]);
	// 社渚镇 lists the person; the grid worker verifies them at the door (task closed)
	const jobA = await importDone(
		cmdA.client,
		csv(
			`${VICTIM.name},${VICTIM.id},${VICTIM.phone},湖北省武汉市,2020-01-25,社渚镇社渚村3组`,
			`${NOID.name},,${NOID.phone},湖北省武汉市,2020-01-25,社渚镇社渚村4组`,
		),
		'shezhu.csv',
	);
	assert.equal(jobA.imported, 2, JSON.stringify(jobA));
	const mine = await openTasks(gwA.client);
	const t = mine.find((x) => x.person_name === VICTIM.name);
	assert.ok(t, 'the 社渚 worker has the task');
	fileA = t.person_id;
	noidA = mine.find((x) => x.person_name === NOID.name).person_id;
	const closed = await gwA.client.post(`/api/v1/tasks/${t.id}/close`, { uuid: uuid(), outcome: 'not_found' });
	assert.equal(closed.status, 200, closed.text);
	// 竹箦镇 uploads the same ID number with a 竹箦 address, and a look-alike without an ID
	jobB = await importDone(
		cmdB.client,
		csv(
			`${VICTIM.name},${VICTIM.id},${VICTIM.phone},湖北省武汉市,2020-01-26,竹箦镇${villageB.name}1组`,
			`${NOID.name},,${NOID.phone},湖北省武汉市,2020-01-26,竹箦镇${villageB.name}2组`,
		),
		'zhuze.csv',
	);
});
after(async () => {
	await srv?.stop();
});

describe('a row whose ID number is on file in another township', () => {
	it('is counted as for an unknown person, not as merged', () => {
		assert.equal(jobB.status, 'done');
		assert.equal(jobB.merged, 0, JSON.stringify(jobB));
		assert.equal(jobB.imported, 2, JSON.stringify(jobB));
	});

	it('opens no task in the importer\'s area and reveals neither the name nor the file', async () => {
		const tasks = await openTasks(cmdB.client);
		assert.equal(tasks.filter((x) => x.person_id === fileA).length, 0, JSON.stringify(tasks));
		assert.ok(!JSON.stringify(tasks).includes(VICTIM.name), 'the name reached 竹箦镇');
		const probe = await cmdB.client.get(`/api/v1/persons/${fileA}`);
		const missing = await cmdB.client.get(`/api/v1/persons/${uuid()}`);
		assert.equal(probe.status, 404);
		assert.deepEqual(probe.body, missing.body);
	});

	it('leaves the file where it was, unchanged, for its own township', async () => {
		const r = await cmdA.client.get(`/api/v1/persons/${fileA}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.area.slice(0, 9), TOWN_A);
		assert.ok(r.body.address.startsWith('社渚镇'), r.body.address);
	});

	it('makes a file of the importer\'s own, as for an unknown person, with no task there', async () => {
		const found = await cmdB.client.post('/api/v1/persons/search', { q: VICTIM.id });
		assert.equal(found.status, 200, found.text);
		assert.equal(found.body.items.length, 1, JSON.stringify(found.body));
		const own = found.body.items[0];
		assert.notEqual(own.id, fileA);
		assert.ok(!own.defects.includes('duplicate.elsewhere'), 'the flag is not the importer\'s to see');
		assert.equal(own.id_valid, true);
		const file = await cmdB.client.get(`/api/v1/persons/${own.id}`);
		assert.equal(file.status, 200, file.text);
		assert.ok(!JSON.stringify(file.body).includes(fileA));
		assert.equal(file.body.tasks.filter((t) => t.status === 'open' && t.area.startsWith(TOWN_B)).length, 0);
		const a = await cmdA.client.get(`/api/v1/persons/${fileA}`);
		assert.ok(!a.body.timeline.some((e) => e.kind === 'listed'), 'the other file was touched');
	});

	it('goes to the county, flagged, naming where the new list put the person', async () => {
		const tasks = await openTasks(county.client);
		const t = tasks.find((x) => x.person_name === VICTIM.name && x.defects.includes('duplicate.elsewhere'));
		assert.ok(t, `the county sees the duplicate: ${JSON.stringify(tasks)}`);
		assert.notEqual(t.person_id, fileA);
		assert.equal(t.area, COUNTY);
		assert.equal(t.forward_target.slice(0, 12), villageB.code);
		// neither township can read or move that task
		for (const c of [cmdB.client, cmdA.client]) {
			const probe = await c.post(`/api/v1/tasks/${t.id}/reassign`, { area: TOWN_B });
			const missing = await c.post(`/api/v1/tasks/${uuid()}/reassign`, { area: TOWN_B });
			assert.equal(probe.status, 404, probe.text);
			assert.deepEqual(probe.body, missing.body);
		}
		// nor merge the two files: each is the other's
		for (const [c, keep, other] of [[cmdB.client, t.person_id, fileA], [cmdA.client, fileA, t.person_id]]) {
			const probe = await c.post(`/api/v1/persons/${keep}/merge`, { uuid: uuid(), other });
			const missing = await c.post(`/api/v1/persons/${keep}/merge`, { uuid: uuid(), other: uuid() });
			assert.equal(probe.status, 404, probe.text);
			assert.deepEqual(probe.body, missing.body);
		}
		// the county sees both files and decides: one file, where the new list put the person
		const file = await county.client.get(`/api/v1/persons/${t.person_id}`);
		assert.ok(file.body.defects.includes('duplicate.elsewhere'), JSON.stringify(file.body));
		const merged = await county.client.post(`/api/v1/persons/${t.person_id}/merge`, { uuid: uuid(), other: fileA });
		assert.equal(merged.status, 200, merged.text);
		const nowB = await cmdB.client.get(`/api/v1/persons/${t.person_id}`);
		assert.equal(nowB.status, 200, nowB.text);
		// 社渚镇 keeps the merged-away stub (empty, pointing on), and cannot open the kept file
		const stub = await cmdA.client.get(`/api/v1/persons/${fileA}`);
		assert.equal(stub.body.merged_into, t.person_id);
		assert.equal(stub.body.timeline.length, 0);
		expectError(assert, await cmdA.client.get(`/api/v1/persons/${t.person_id}`), 404, 'person.not_found');
	});

	it('never names a look-alike file of another township', async () => {
		const tasks = await openTasks(cmdB.client);
		const t = tasks.find((x) => x.person_name === NOID.name);
		assert.ok(t, '竹箦镇 verifies its own row');
		assert.notEqual(t.person_id, noidA);
		const file = await cmdB.client.get(`/api/v1/persons/${t.person_id}`);
		assert.equal(file.status, 200, file.text);
		assert.ok(!JSON.stringify(file.body).includes(noidA), JSON.stringify(file.body.timeline));
	});
});

describe('key epidemic areas are the county\'s setting (finding 9)', () => {
	it('a township commander cannot change them; the county can, audited', async () => {
		const body = { code: '4201', name: '武汉市', start_date: 20200101 };
		expectError(assert, await cmdA.client.post('/api/v1/key-areas', body), 403, 'forbidden');
		const list = await cmdA.client.get('/api/v1/key-areas');
		assert.equal(list.status, 200, list.text);
		assert.ok(!list.body.items.some((k) => k.code === '4201'), 'the township changed the list');
		const ok = await county.client.post('/api/v1/key-areas', body);
		assert.equal(ok.status, 200, ok.text);
		const seen = await cmdA.client.get('/api/v1/key-areas');
		assert.ok(seen.body.items.some((k) => k.code === '4201' && k.name === '武汉市'));
		await waitFor(async () => {
			const r = await admin.get('/api/v1/audit?action=key_area.put&limit=50');
			return r.body.items.find((x) => x.object_id === '4201' && JSON.stringify(x.after ?? '').includes('武汉市'));
		}, { what: 'the audit row of the change' });
	});
});
