// Outbound notifications per area (issue 10, item 7): a commander sets the township's
// group-robot webhook (WeCom/DingTalk; https only, or a receiver on 127.0.0.1), audited
// without the URL; a fever queues a message in the transaction of the visit, which the
// sender thread posts to a receiver started here, masked (no ID number, no full phone), and
// tries again with backoff after the receiver answers 500.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/outbound.test.mjs
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const PHONE = '13812345678';
const ID = makeId('19800101', 888);
let srv, admin, cmd, gw, receiver, url;
const got = []; // what the receiver was sent, in order
let failFirst = 1; // answers 500 to this many posts first

before(async () => {
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			got.push({ at: Date.now(), type: req.headers['content-type'], body: JSON.parse(body) });
			if (failFirst > 0) {
				failFirst--;
				res.writeHead(500).end('{"errcode":500}');
			} else res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
		});
	});
	await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
	url = `http://127.0.0.1:${receiver.address().port}/cgi-bin/webhook/send?key=test`;
	srv = await startServer();
	admin = await adminClient(srv);
	[cmd, gw] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
	]);
});
after(async () => {
	await srv?.stop();
	receiver?.close();
});

describe('outbound webhook', () => {
	it('a commander sets the township\'s robot: https only, audited without the URL', async () => {
		const path = `/api/v1/areas/${TOWN_A}/outbound`;
		expectError(assert, await cmd.client.req('PUT', path, { body: { uuid: uuid(), kind: 'wecom', url: 'http://qyapi.weixin.qq.com/x' } }), 400, 'outbound.url_invalid', 'url');
		expectError(assert, await cmd.client.req('PUT', path, { body: { uuid: uuid(), kind: 'slack', url } }), 400, 'field.value', 'kind');
		expectError(assert, await gw.client.req('PUT', path, { body: { uuid: uuid(), kind: 'wecom', url } }), 403, 'forbidden');
		expectError(assert, await cmd.client.req('PUT', '/api/v1/areas/320481111/outbound', { body: { uuid: uuid(), kind: 'wecom', url } }), 404, 'area.not_found');
		expectError(assert, await cmd.client.get(`/api/v1/areas/${TOWN_A.slice(0, 6)}999/outbound`), 404, 'area.not_found');
		expectError(assert, await admin.req('PUT', '/api/v1/areas/320481999/outbound', { body: { uuid: uuid(), kind: 'wecom', url } }), 404, 'area.not_found');
		assert.deepEqual((await cmd.client.get(path)).body, { area: TOWN_A, kind: '', url: '', sms_available: false, sms_phones: [] }, 'no robot yet, no SMS on this server');
		const r = await cmd.client.req('PUT', path, { body: { uuid: uuid(), kind: 'wecom', url } });
		assert.equal(r.status, 200, r.text);
		assert.equal((await cmd.client.get(path)).body.url, url);
		const audit = await admin.get('/api/v1/audit?action=area.outbound&limit=10');
		assert.equal(audit.body.items.length, 1);
		assert.ok(!JSON.stringify(audit.body.items[0]).includes('key=test'), 'the URL is not in the audit trail');
	});

	it('a fever reaches the receiver masked, again after a 500', async () => {
		const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '外发甲', id_number: ID, area: VILLAGE_A, address: '社渚村2号', phone: PHONE });
		assert.ok(p.status === 201 || p.status === 200, p.text);
		const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id });
		assert.equal(o.status, 201, o.text);
		const v = await gw.client.post(`/api/v1/observations/${o.body.observation.id}/visits`, {
			uuid: uuid(), mode: 'in_person', temperature: 38.5, saw_person: true, saw_home: true, saw_state: false,
		});
		assert.equal(v.status, 201, v.text);
		await waitFor(() => got.length >= 2, { timeoutMs: 30000 * SLOW, what: 'a second try after the 500' });
		assert.ok(got[1].at - got[0].at >= 1500, `the second try waited (${got[1].at - got[0].at} ms)`);
		for (const g of got) {
			assert.match(g.type, /application\/json/);
			assert.equal(g.body.msgtype, 'text');
			assert.match(g.body.text.content, /发热预警/);
			assert.match(g.body.text.content, /38\.5/);
			assert.ok(!g.body.text.content.includes(PHONE) && !g.body.text.content.includes(ID), 'no phone or ID number leaves');
		}
		const sent = await waitFor(async () => {
			const a = await admin.get('/api/v1/audit?action=outbound.send&limit=10');
			return a.body.items.length >= 2 ? a.body.items : null;
		}, { what: 'both tries audited' });
		assert.ok(sent.some((x) => /"sent"/.test(JSON.stringify(x))), JSON.stringify(sent));
		assert.equal(got.length, 2, 'nothing more once sent');
	});
});
