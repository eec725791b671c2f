// SMS to an area's duty mobiles (issue 10, item 7). The operator names the program that sends
// one SMS on the server (`serve --sms-command PATH`), never over the web; the server runs it
// without a shell as PATH PHONE TEXT, retried with the webhooks' backoff. A commander sets up
// to 5 duty mobiles of an area beside its robot; a fever there reaches each of them, masked
// (no ID number, no full phone). A server without the command says SMS is not available and
// refuses duty mobiles. The program here is a script the test writes, appending its argv to a
// file, and failing its first call.
//
// Run alone: FANGKONG_BIN=build/fangkong node --test tests/api/sms.test.mjs
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, VILLAGE_A, adminClient, expectError, makeId, newUser, startServer, uuid, waitFor } from './lib.mjs';

const PATIENT = '13812345678';
const ID = makeId('19800101', 919);
let dir, log, srv, bare, admin, cmd, gw;
const path = `/api/v1/areas/${TOWN_A}/outbound`;
const calls = async () => (existsSync(log) ? (await readFile(log, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('\t')) : []);

before(async () => {
	dir = await mkdtemp(join(tmpdir(), 'fk-sms-'));
	log = join(dir, 'sms.log');
	const script = join(dir, 'send-sms');
	await writeFile(script, `#!/bin/sh\nprintf '%s\\t%s\\t%s\\n' "$#" "$1" "$2" >> '${log}'\n[ -e '${dir}/once' ] && exit 0\n: > '${dir}/once'\nexit 1\n`);
	await chmod(script, 0o755);
	[srv, bare] = await Promise.all([startServer({ args: ['--sms-command', script] }), startServer()]);
	admin = await adminClient(srv);
	[cmd, gw] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
	]);
});
after(async () => {
	await srv?.stop();
	await bare?.stop();
	if (dir) await rm(dir, { recursive: true, force: true });
});

describe('SMS to duty mobiles', () => {
	it('a commander sets up to 5 valid mobiles; the server says SMS is available', async () => {
		const empty = await cmd.client.get(path);
		assert.equal(empty.status, 200, empty.text);
		assert.equal(empty.body.sms_available, true);
		assert.deepEqual(empty.body.sms_phones, []);
		const six = ['13900000001', '13900000002', '13900000003', '13900000004', '13900000005', '13900000006'];
		expectError(assert, await cmd.client.req('PUT', path, { body: { uuid: uuid(), url: '', sms_phones: six } }), 400, 'field.value', 'sms_phones');
		expectError(assert, await cmd.client.req('PUT', path, { body: { uuid: uuid(), url: '', sms_phones: ['0519-87654321'] } }), 400, 'phone.invalid', 'sms_phones');
		expectError(assert, await cmd.client.req('PUT', path, { body: { uuid: uuid(), url: '', sms_phones: '13900000001' } }), 400, 'field.type', 'sms_phones');
		const r = await cmd.client.req('PUT', path, { body: { uuid: uuid(), url: '', sms_phones: ['13900001111', '139 0000 2222'] } });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body.sms_phones, ['13900001111', '13900002222']);
		assert.deepEqual((await cmd.client.get(path)).body.sms_phones, ['13900001111', '13900002222']);
		// a robot set later keeps the mobiles when the body leaves them out
		const url = 'https://oapi.dingtalk.com/robot/send?access_token=x';
		assert.equal((await cmd.client.req('PUT', path, { body: { uuid: uuid(), kind: 'dingtalk', url } })).status, 200);
		assert.deepEqual((await cmd.client.get(path)).body.sms_phones, ['13900001111', '13900002222']);
		assert.equal((await cmd.client.req('PUT', path, { body: { uuid: uuid(), url: '' } })).status, 200);
		const audit = await admin.get('/api/v1/audit?action=area.outbound&limit=10');
		assert.ok(!audit.text.includes('13900001111'), 'the audit trail counts the mobiles, it does not list them');
	});

	it('a fever reaches each duty mobile through the command, masked, again after a failure', async () => {
		const p = await admin.post('/api/v1/persons', { uuid: uuid(), name: '短信甲', id_number: ID, area: VILLAGE_A, address: '社渚村7号', phone: PATIENT });
		assert.ok(p.status === 201 || p.status === 200, p.text);
		const o = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: p.body.id });
		assert.equal(o.status, 201, o.text);
		const v = await gw.client.post(`/api/v1/observations/${o.body.observation.id}/visits`, {
			uuid: uuid(), mode: 'in_person', temperature: 38.7, saw_person: true, saw_home: true, saw_state: false,
		});
		assert.equal(v.status, 201, v.text);
		const got = await waitFor(async () => {
			const c = await calls();
			const ok = ['13900001111', '13900002222'].every((m) => c.filter((x) => x[1] === m).length >= 1) && c.length >= 3;
			return ok ? c : null;
		}, { timeoutMs: 30000 * SLOW, what: 'an SMS to each mobile, one of them tried again' });
		for (const [argc, phone, text] of got) {
			assert.equal(argc, '2', 'two arguments, no shell');
			assert.match(phone, /^1390000(1111|2222)$/);
			assert.match(text, /【发热预警】.*38\.7 °C/);
			assert.ok(!text.includes(PATIENT) && !text.includes(ID) && !text.includes(PATIENT.slice(-4)), 'no phone or ID number of the patient');
		}
		const sent = await waitFor(async () => {
			const a = await admin.get('/api/v1/audit?action=outbound.send&limit=20');
			return a.body.items.filter((x) => /"sent"/.test(JSON.stringify(x))).length >= 2 ? a.body.items : null;
		}, { what: 'both sent, audited' });
		assert.ok(sent.some((x) => /SMS command failed/.test(JSON.stringify(x))), 'the failed try is recorded');
		assert.ok(!JSON.stringify(sent).includes('13900001111'), 'the audit trail does not name the mobile');
	});

	it('a server without --sms-command says so and refuses duty mobiles', async () => {
		const a = await adminClient(bare);
		const g = await a.get(path);
		assert.equal(g.body.sms_available, false);
		expectError(assert, await a.req('PUT', path, { body: { uuid: uuid(), url: '', sms_phones: ['13900001111'] } }), 400, 'outbound.sms_unavailable', 'sms_phones');
		assert.equal((await a.req('PUT', path, { body: { uuid: uuid(), url: '', sms_phones: [] } })).status, 200, 'none is fine');
	});
});
