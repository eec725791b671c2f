// What the server leaves on disk and hands out as files (issue 8, findings 6, 13 and 14):
// - the issues CSV never carries a live formula (=HYPERLINK in a name comes back behind a '),
//   and phone numbers such as +8613812345678 come back unchanged;
// - an upload whose file name holds bytes that are not UTF-8 (0xff 0xfe) is listed and read
//   back as JSON, its name cleaned;
// - an uploaded list is removed once its import is done or has failed, and its issues can
//   still be downloaded; the database, its -wal and -shm, and a backup are 0600, the upload
//   folder 0700, and a database found 0644 is tightened at the next start.
import assert from 'node:assert/strict';
import { chmod, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { PG, SLOW, TOWN_A, adminClient, makeId, newUser, run, startServer, waitFor } from './lib.mjs';

const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');

/** RFC 4180 fields of a CSV text (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let f = '';
	let q = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (q) {
			if (c === '"' && text[i + 1] === '"') f += '"', i++;
			else if (c === '"') q = false;
			else f += c;
		} else if (c === '"') q = true;
		else if (c === ',') row.push(f), (f = '');
		else if (c === '\r' && text[i + 1] === '\n') {
			row.push(f), rows.push(row), (row = []), (f = ''), i++;
		} else f += c;
	}
	if (f || row.length) row.push(f), rows.push(row);
	return rows;
}

const mode = async (path) => (await stat(path)).mode & 0o777;
const octal = (m) => m.toString(8).padStart(3, '0');

let srv;
let admin;
let cmd; // commander of 社渚镇

async function upload(client, bytes, filename) {
	const fd = new FormData();
	fd.append('file', new Blob([bytes]), filename);
	return client.post('/api/v1/imports', fd);
}

async function finished(client, id) {
	return waitFor(
		async () => {
			const r = await client.get(`/api/v1/imports/${id}`);
			assert.equal(r.status, 200, r.text);
			return r.body.status === 'done' || r.body.status === 'failed' ? r.body : null;
		},
		{ timeoutMs: 30000 * SLOW, what: `import ${id}` },
	);
}

const uploads = () => join(srv.dir, 'uploads');
/** Waits until no file of the job is left in the upload folder. */
async function uploadGone(id) {
	await waitFor(async () => !(await readdir(uploads())).some((n) => n.startsWith(id)), {
		what: `the upload of ${id} removed`,
	});
	assert.deepEqual(await readdir(uploads()), [], 'nothing else is left in uploads/ either');
}

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	cmd = await newUser(srv, admin, { role: 'commander', area: TOWN_A });
});
after(async () => {
	await srv?.stop();
});

describe('formula injection (finding 6)', () => {
	it('the issues CSV quotes cells a spreadsheet would run, and keeps phone numbers', async () => {
		const hyper = '=HYPERLINK("http://x","y")';
		const q = (s) => `"${s.replaceAll('"', '""')}"`;
		const text =
			`姓名,身份证号,手机号码,现住址,备注,=1+1\r\n` +
			`${q(hyper)},${wrongCheck(makeId('19800115', 301))},+8613812345678,社渚镇社渚村5组,@SUM(A1),-5\r\n` +
			`${q('\t=x')},${wrongCheck(makeId('19800115', 302))},+86 138-1234-5678,社渚镇社渚村5组,${q(' =1+1')},+cmd|' /C calc'!A0\r\n`;
		const r = await upload(cmd.client, Buffer.from(text, 'utf8'), 'formula.csv');
		assert.equal(r.status, 202, r.text);
		const job = await finished(cmd.client, r.body.id);
		assert.equal(job.status, 'done', JSON.stringify(job));
		const csv = await cmd.client.get(`/api/v1/imports/${job.id}/issues?format=csv`);
		assert.equal(csv.status, 200, csv.text);
		const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
		assert.deepEqual(rows[0], ['行号', '问题', '姓名', '身份证号', '手机号码', '现住址', '备注', "'=1+1"]);
		const byLine = Object.fromEntries(rows.slice(1).map((x) => [x[0], x]));
		assert.deepEqual(Object.keys(byLine).sort(), ['2', '3'], csv.text);
		assert.equal(byLine['2'][2], `'${hyper}`);
		assert.equal(byLine['2'][4], '+8613812345678', 'a phone number keeps its +');
		assert.equal(byLine['2'][6], "'@SUM(A1)");
		assert.equal(byLine['2'][7], '-5', 'a negative number is no formula');
		assert.equal(byLine['3'][2], "'\t=x");
		assert.equal(byLine['3'][4], '+86 138-1234-5678');
		assert.equal(byLine['3'][6], "' =1+1");
		assert.equal(byLine['3'][7], "'+cmd|' /C calc'!A0");
		// no cell of the whole file starts like a formula, except numbers
		for (const row of rows)
			for (const cell of row)
				assert.ok(!/^\s*[=+\-@\t\r]/.test(cell) || /^[+-]?[0-9][0-9 -]*$/.test(cell), `live cell ${JSON.stringify(cell)}`);
		// the upload goes, and the issues still download: they come from the database
		await uploadGone(job.id);
		const later = await cmd.client.get(`/api/v1/imports/${job.id}/issues?format=csv`);
		assert.equal(later.status, 200);
		assert.equal(later.text, csv.text);
		// the JSON view shows the values as they were typed
		const js = await cmd.client.get(`/api/v1/imports/${job.id}/issues`);
		assert.equal(js.status, 200, js.text);
		assert.ok(js.body.items.some((x) => x.line === 2 && x.code === 'id.check'), js.text);
		assert.ok(js.body.items.some((x) => x.line === 2 && x.value === wrongCheck(makeId('19800115', 301))), js.text);
	});

	it('the CSV template has no live cell', async () => {
		const csv = await cmd.client.get('/api/v1/imports/template?format=csv');
		assert.equal(csv.status, 200);
		for (const row of parseCsv(csv.text.replace(/^\uFEFF/, '')))
			for (const cell of row) assert.ok(!/^\s*[=+\-@\t\r]/.test(cell), cell);
	});
});

describe('file names that are not UTF-8 (finding 13)', () => {
	it('a raw multipart upload named with 0xff 0xfe is listed and read back as JSON', async () => {
		const boundary = '----fkboundary7d1a';
		const body = Buffer.concat([
			Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="`, 'latin1'),
			Buffer.from([0xff, 0xfe]),
			Buffer.from('名单.csv"\r\nContent-Type: text/csv\r\n\r\n', 'utf8'),
			Buffer.from(`姓名,身份证号,现住址\r\n张三,${makeId('19900101', 401)},社渚镇社渚村5组\r\n`, 'utf8'),
			Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
		]);
		const r = await cmd.client.post('/api/v1/imports', body, {
			contentType: `multipart/form-data; boundary=${boundary}`,
		});
		assert.equal(r.status, 202, r.text);
		const id = r.body.id;
		const job = await finished(cmd.client, id);
		const one = await cmd.client.get(`/api/v1/imports/${id}`);
		assert.equal(one.status, 200);
		assert.ok(one.text.length > 0, 'a JSON body, not an empty one');
		assert.equal(one.body.id, id);
		assert.equal(one.body.filename, '\uFFFD名单.csv');
		assert.equal(job.status, 'done', JSON.stringify(job));
		const list = await cmd.client.get('/api/v1/imports');
		assert.equal(list.status, 200, list.text);
		const item = list.body.items.find((x) => x.id === id);
		assert.ok(item, `the job is in the list: ${list.text}`);
		assert.equal(item.filename, '\uFFFD名单.csv');
	});
});

describe('data at rest (finding 14)', () => {
	it('a failed import removes its upload too', async () => {
		const r = await upload(cmd.client, Buffer.from('a,b,c\r\n1,2,3\r\n', 'utf8'), 'noheader.csv');
		assert.equal(r.status, 202, r.text);
		const job = await finished(cmd.client, r.body.id);
		assert.equal(job.status, 'failed', JSON.stringify(job));
		await uploadGone(job.id);
	});

	it('the database, its -wal and -shm, the upload folder and a backup are private', { skip: PG && 'an SQLite file' }, async () => {
		assert.equal(octal(await mode(srv.db)), '600', 'database');
		assert.equal(octal(await mode(`${srv.db}-wal`)), '600', '-wal');
		assert.equal(octal(await mode(`${srv.db}-shm`)), '600', '-shm');
		assert.equal(octal(await mode(uploads())), '700', 'uploads/');
		const out = join(srv.dir, 'copy.db');
		const b = await run(['backup', '--db', srv.db, '--out', out]);
		assert.equal(b.code, 0, b.stderr);
		assert.equal(octal(await mode(out)), '600', 'backup');
		assert.equal(octal(await mode(`${out}.key`)), '600', 'backup key');
		// an existing file is refused, and left as it was
		const again = await run(['backup', '--db', srv.db, '--out', out]);
		assert.notEqual(again.code, 0);
		assert.match(again.stderr, /exists already/);
		assert.equal((await run(['check', '--db', out])).code, 0);
	});

	it('a database found 0644 is made 0600 at start, and the log says so; stale uploads go', { skip: PG && 'an SQLite file' }, async () => {
		const dir = srv.dir;
		await srv.stop({ keepDir: true });
		await chmod(srv.db, 0o644);
		// a list left by a crash after its import ended, a part-received upload, a lax folder
		const uploads = join(dir, 'uploads');
		await writeFile(join(uploads, 'left-by-a-crash.csv'), '姓名,身份证号码\r\n');
		await writeFile(join(uploads, 'partial.upload'), 'x');
		await chmod(uploads, 0o755);
		const again = await startServer({ db: srv.db });
		srv = again;
		try {
			assert.deepEqual(await readdir(uploads), []);
			assert.equal(octal(await mode(uploads)), '700');
			assert.equal(octal(await mode(srv.db)), '600');
			assert.match(srv.stderr(), /was mode 644, readable by other users: now 0600/);
			assert.equal(octal(await mode(`${srv.db}-wal`)), '600');
			// and the server works on it
			const c = await adminClient(srv);
			assert.equal((await c.get('/api/v1/imports')).status, 200);
		} finally {
			await srv.stop();
			srv = null;
			if (!process.env.FK_KEEP) await rm(dir, { recursive: true, force: true });
		}
	});
});
