// Resources a request must not hold or leave behind (issue 9, item 5): the .xlsx import
// template is built once and served from memory, never written to /tmp per request; a busy
// answer (503 unavailable) says when to try again (Retry-After).
import assert from 'node:assert/strict';
import { rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { COUNTY, adminClient, expectError, newUser, startServer, uuid, waitFor } from './lib.mjs';

/**
 * Runs fn while watching dir; resolves the names created or renamed in dir meanwhile.
 * inotify keeps its events in order: a marker file made after fn is seen last, so every
 * event of fn has arrived once the marker's has (no waiting for a fixed time).
 */
async function namesMadeDuring(dir, fn) {
	const names = [];
	const marker = `fk-watch-marker-${uuid()}`;
	let seen = false;
	const w = watch(dir, (_event, name) => {
		if (name === marker) seen = true;
		else if (name) names.push(String(name));
	});
	try {
		await fn();
		writeFileSync(join(dir, marker), '');
		await waitFor(() => seen, { what: 'the marker file event' });
	} finally {
		w.close();
		rmSync(join(dir, marker), { force: true });
	}
	return names;
}

describe('import template', () => {
	let srv, cmd;
	before(async () => {
		srv = await startServer();
		const admin = await adminClient(srv);
		cmd = (await newUser(srv, admin, { role: 'commander', area: COUNTY })).client;
	});
	after(async () => srv && (await srv.stop()));

	const download = async () => {
		const res = await fetch(`${srv.url}/api/v1/imports/template?format=xlsx`, {
			headers: { Cookie: `fk_session=${cmd.cookie}` },
		});
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type'), /spreadsheetml/);
		return Buffer.from(await res.arrayBuffer());
	};

	it('the .xlsx template is built once: the same bytes each time, no file in /tmp', async () => {
		let a, b;
		// the old code wrote (and removed) /tmp/fangkong-template-XXXXXX on every request
		const made = await namesMadeDuring('/tmp', async () => {
			a = await download();
			b = await download();
		});
		assert.equal(a.subarray(0, 4).toString('latin1'), 'PK\x03\x04');
		assert.ok(a.equals(b), 'two downloads of the template differ');
		const ours = made.filter((n) => n.startsWith('fangkong-template'));
		assert.deepEqual(ours, [], `files made in /tmp: ${ours}`);
	});
});

describe('503 unavailable', () => {
	let srv, cmd;
	before(async () => {
		srv = await startServer();
		const admin = await adminClient(srv);
		cmd = (await newUser(srv, admin, { role: 'commander', area: COUNTY })).client;
	});
	after(async () => srv && (await srv.stop()));

	it('carries Retry-After', async () => {
		// an upload that cannot be stored (its folder is gone) answers 503, as a reader that
		// does not come free within its bound does (unit test reader_pool)
		rmSync(join(srv.dir, 'uploads'), { recursive: true, force: true });
		const form = new FormData();
		form.append('file', new Blob(['姓名,身份证号\r\n']), 'list.csv');
		const r = await cmd.req('POST', '/api/v1/imports', { body: form });
		expectError(assert, r, 503, 'unavailable');
		assert.equal(r.headers.get('retry-after'), '2');
	});
});
