// Forwarding a task when the person moved ("迁往何处", issue 10, item 3): the picker searches
// the caller's whole county by name and by pinyin initials (GET /areas?for=forward), not
// only the caller's own area, answering code, name, level and the names above only; an
// unknown name answers no items; the closed task says where it went and who has it now.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { COUNTY, SLOW, TOWN_A, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const TIANMUHU = '320481106'; // 天目湖镇, outside 社渚镇
let srv, admin, gw;

const search = (c, q, extra = '') => c.get(`/api/v1/areas?for=forward&q=${encodeURIComponent(q)}${extra}`);

// An open task in the worker's village, from an imported list (a list makes tasks).
async function openTask(name) {
	const fd = new FormData();
	fd.append('file', new Blob([Buffer.from(`姓名,身份证号码,联系电话,现住址\r\n${name},${makeId('19900101', 641)},13800000041,社渚镇社渚村9号\r\n`, 'utf8')]), 'f.csv');
	const up = await admin.post('/api/v1/imports', fd);
	assert.equal(up.status, 202, up.text);
	await waitFor(async () => ['done', 'failed'].includes((await admin.get(`/api/v1/imports/${up.body.id}`)).body.status), { timeoutMs: 30000 * SLOW, what: 'import' });
	return waitFor(async () => (await admin.get(`/api/v1/tasks?area=${VILLAGE_A}&limit=500`)).body.items.find((x) => x.person_name === name), { what: 'the imported task' });
}

describe('the forward picker', () => {
	before(async () => {
		srv = await startServer();
		admin = await adminClient(srv);
		gw = await newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A });
	});
	after(async () => {
		await srv?.stop();
	});

	it('finds a township of the county outside the worker\'s area by name', async () => {
		const old = await gw.client.get(`/api/v1/areas?q=${encodeURIComponent('天目湖')}`);
		assert.equal(old.status, 200, old.text);
		assert.deepEqual(old.body.items, [], 'the plain search stays within the caller\'s area');
		const r = await search(gw.client, '天目湖');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.items[0].code, TIANMUHU);
		assert.equal(r.body.items[0].name, '天目湖镇');
		assert.equal(r.body.items[0].level, 'township');
		assert.deepEqual(r.body.items[0].path, ['溧阳市']);
		for (const a of r.body.items) assert.deepEqual(Object.keys(a).sort(), ['code', 'level', 'name', 'path'], 'no contacts, no people');
		assert.ok(r.body.items.every((a) => a.code !== COUNTY), 'the county itself is no destination');
	});

	it('finds by pinyin initials, upper or lower case, a name before initials', async () => {
		for (const q of ['tmh', 'TMH', 'tmhz']) {
			const r = await search(gw.client, q);
			assert.equal(r.status, 200, r.text);
			assert.equal(r.body.items[0]?.code, TIANMUHU, `${q}: ${r.text}`);
		}
		const szz = await search(gw.client, 'szz');
		assert.equal(szz.body.items[0].code, TOWN_A, '社渚镇 by its initials');
		const village = await search(gw.client, '社渚村');
		assert.equal(village.body.items[0].code, VILLAGE_A);
		assert.deepEqual(village.body.items[0].path, ['溧阳市', '社渚镇']);
		const limited = await search(gw.client, 'c', '&limit=3');
		assert.equal(limited.body.items.length, 3);
	});

	it('answers no items when nothing matches, and refuses a bad query', async () => {
		assert.deepEqual((await search(gw.client, '不存在的地方')).body.items, []);
		assert.deepEqual((await search(gw.client, 'qqqqq')).body.items, []);
		expectError(assert, await gw.client.get('/api/v1/areas?for=forward'), 400, 'query.invalid', 'q');
		expectError(assert, await gw.client.get('/api/v1/areas?for=forward&q='), 400, 'query.invalid', 'q');
		expectError(assert, await gw.client.get(`/api/v1/areas?for=everything&q=x`), 400, 'query.invalid', 'for');
		expectError(assert, await search(gw.client, '长'.repeat(41)), 400, 'query.invalid', 'q');
	});

	it('a forwarded task says where it went and who has it now', async () => {
		const t = await openTask('钱迁出');
		assert.equal(t.forward_target_name, null);
		assert.equal(t.forwarded_to, null);
		const c = await gw.client.post(`/api/v1/tasks/${t.id}/close`, { uuid: uuid(), outcome: 'moved', forward_to: TIANMUHU, note: '去天目湖镇了' });
		assert.equal(c.status, 200, c.text);
		assert.equal(c.body.forward_target, TIANMUHU);
		assert.equal(c.body.forward_target_name, '天目湖镇');
		assert.deepEqual(c.body.forwarded_to, { area: COUNTY, area_name: '溧阳市', assignee_name: null }, 'unassigned at the county, which sees both');
		// the worker has the close's answer; the person's file went with the task, so the county
		// reads it again
		const again = await admin.get(`/api/v1/tasks/${t.id}`);
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.forward_target_name, '天目湖镇');
		assert.equal(again.body.forwarded_to.area_name, '溧阳市');
		// the county hands it to a worker there: the closed task names them
		const cmd = await newUser(srv, admin, { role: 'grid_worker', area: TIANMUHU, display_name: '天目湖网格员' });
		const file = await admin.get(`/api/v1/persons/${t.person_id}`);
		const fwd = file.body.tasks.find((x) => x.forwarded_from === t.id);
		const re = await admin.post(`/api/v1/tasks/${fwd.id}/reassign`, { uuid: uuid(), area: TIANMUHU, assignee: cmd.username });
		assert.equal(re.status, 200, re.text);
		const now = await admin.get(`/api/v1/tasks/${t.id}`);
		assert.deepEqual(now.body.forwarded_to, { area: TIANMUHU, area_name: '天目湖镇', assignee_name: '天目湖网格员' });
		// the console's list says it too
		const list = await admin.get(`/api/v1/tasks?status=closed&area=${VILLAGE_A}&limit=500`);
		const row = list.body.items.find((x) => x.id === t.id);
		assert.equal(row.forwarded_to.assignee_name, '天目湖网格员');
	});
});
