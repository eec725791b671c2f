// Answers that must not depend on the database's collation (issue 13): scope by area code
// prefix, where a code ends in 9 and the next one in 10 (a collation that puts ':' before
// the digits, as ICU zh-CN does, would empty the range); name search by prefix and its order,
// code-point order as SQLite's BINARY (张三 < 张阿, where zh-CN pinyin says 张阿 < 张三), and
// case kept. Runs on SQLite (api) and on PostgreSQL in a cluster whose default collation is
// ICU zh-CN (api-pg: tests/pg/with-cluster.mjs): both must answer the same.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { adminClient, makeId, newUser, startServer, uuid } from './lib.mjs';

const V9 = '320481116209'; // 上蒋村: its scope ends at 32048111620: in code-point order
const V10 = '320481116210'; // 孔村村
const V8 = '320481116208'; // 殷桥村

let srv;
let admin;
const ids = {};

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const people = [
		['张三', V9], ['张三丰', V9], ['张阿', V9], ['张四', V10], ['Zhang San', V8], ['zhang', V8], ['Ábel', V8],
	];
	let seq = 300;
	for (const [name, area] of people) {
		const r = await admin.post('/api/v1/persons', { uuid: uuid(), area, name, id_number: makeId('19850101', ++seq), address: '测试地址1号' });
		assert.equal(r.status, 201, r.text);
		ids[name] = r.body.id;
	}
});
after(async () => {
	await srv?.stop();
});

const names = (r) => r.body.items.map((x) => x.name);
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0); // JS compares UTF-16 units: same here (BMP)

describe('collation-free answers', () => {
	it('a name prefix finds its names in code-point order, case kept', async () => {
		let r = await admin.post('/api/v1/persons/search', { q: '张' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(names(r), ['张三', '张三丰', '张四', '张阿']);
		assert.deepEqual(names(r), [...names(r)].sort(byCodePoint));
		r = await admin.post('/api/v1/persons/search', { q: '张三' });
		assert.deepEqual(names(r), ['张三', '张三丰']);
		r = await admin.post('/api/v1/persons/search', { q: 'Zh' });
		assert.deepEqual(names(r), ['Zhang San']);
		r = await admin.post('/api/v1/persons/search', { q: 'zh' });
		assert.deepEqual(names(r), ['zhang']);
		r = await admin.post('/api/v1/persons/search', { q: 'Á' });
		assert.deepEqual(names(r), ['Ábel']);
	});

	it('the scope of a village whose code ends in 9 holds its files, and only those', async () => {
		const cmd = await newUser(srv, admin, { role: 'commander', area: V9 });
		const r = await cmd.client.post('/api/v1/persons/search', { q: '张' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(names(r), ['张三', '张三丰', '张阿']);
		const next = await newUser(srv, admin, { role: 'commander', area: V10 });
		assert.deepEqual(names(await next.client.post('/api/v1/persons/search', { q: '张' })), ['张四']);
		// a file of the next village is not found from the one ending in 9, and the other way
		assert.equal((await cmd.client.get(`/api/v1/persons/${ids['张四']}`)).status, 404);
		assert.equal((await next.client.get(`/api/v1/persons/${ids['张三']}`)).status, 404);
		assert.equal((await cmd.client.get(`/api/v1/persons/${ids['张三']}`)).status, 200);
	});

	it('a township\'s villages come in code order', async () => {
		const r = await admin.get('/api/v1/areas/320481116');
		assert.equal(r.status, 200, r.text);
		const codes = r.body.children.map((c) => c.code);
		assert.ok(codes.includes(V9) && codes.includes(V10));
		assert.deepEqual(codes, [...codes].sort(byCodePoint));
	});
});
