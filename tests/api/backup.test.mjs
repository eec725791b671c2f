// 12. `fangkong backup` of a live database: consistent and complete.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { PG, VILLAGE_A, adminClient, run, startServer, uuid } from './lib.mjs';

const exec = promisify(execFile);

let srv;
let admin;

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
});
after(async () => {
	await srv?.stop();
});

const sqlite = async (db, q) => (await exec('sqlite3', ['-cmd', '.timeout 10000', db, q])).stdout.trim();

// `fangkong backup` copies an SQLite file; a PostgreSQL database is backed up with its own
// tools (pg_dump, pg_basebackup, replication): README, "Choosing the database".
describe('backup while the server runs', { skip: PG && 'PostgreSQL: backed up by pg_dump, not fangkong backup' }, () => {
	it('the copy passes `fangkong check` and holds the grid just created', async () => {
		const grid = await admin.createArea(VILLAGE_A, '备份网格', { responsible_phone: '13800138000' });
		const out = join(srv.dir, 'backup.db');
		const b = await run(['backup', '--db', srv.db, '--out', out]);
		assert.equal(b.code, 0, b.stderr);
		assert.doesNotMatch(b.stderr, /AddressSanitizer|LeakSanitizer|runtime error:/);
		const c = await run(['check', '--db', out]);
		assert.equal(c.code, 0, c.stdout + c.stderr);
		assert.match(c.stdout, /integrity: ok/);
		assert.equal(await sqlite(out, `SELECT name || '|' || responsible_phone FROM area WHERE code = '${grid.code}'`), '备份网格|13800138000');
		assert.equal(await sqlite(out, "SELECT count(*) FROM area WHERE level = 1 OR length(code) = 6"), '1');
		assert.equal(await sqlite(out, "SELECT count(*) FROM app_user WHERE username = 'admin'"), '1');
		assert.ok(Number(await sqlite(out, "SELECT count(*) FROM audit WHERE action = 'area.create'")) >= 1);
		// The live server still answers and still writes.
		assert.equal((await admin.get(`/api/v1/areas/${grid.code}`)).status, 200);
		assert.equal((await admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: '备份后网格' })).status, 201);
		// The source also passes the check while the server runs.
		const live = await run(['check', '--db', srv.db]);
		assert.equal(live.code, 0, live.stdout + live.stderr);
	});

	it('a backup taken during a burst of writes is consistent', async () => {
		const out = join(srv.dir, 'burst.db');
		const writes = Promise.all(Array.from({ length: 40 }, (_, i) => admin.post('/api/v1/areas', { uuid: uuid(), parent: VILLAGE_A, name: `突发网格${i}` })));
		const b = await run(['backup', '--db', srv.db, '--out', out]);
		const rs = await writes;
		assert.equal(b.code, 0, b.stderr);
		assert.deepEqual(rs.map((r) => r.status), Array(40).fill(201));
		assert.equal((await run(['check', '--db', out])).code, 0);
		// Every grid in the copy has its audit row (they commit together).
		const n = Number(await sqlite(out, "SELECT count(*) FROM area WHERE name LIKE '突发网格%'"));
		const a = Number(await sqlite(out, "SELECT count(*) FROM audit WHERE action = 'area.create' AND object_id IN (SELECT code FROM area WHERE name LIKE '突发网格%')"));
		assert.equal(a, n);
		assert.ok(n >= 0 && n <= 40);
	});

	it('refuses to overwrite an existing file', async () => {
		const out = join(srv.dir, 'backup.db');
		const before = await sqlite(out, 'SELECT count(*) FROM area');
		const b = await run(['backup', '--db', srv.db, '--out', out]);
		assert.equal(b.code, 1, b.stdout + b.stderr);
		assert.match(b.stderr, /exists/);
		assert.equal(await sqlite(out, 'SELECT count(*) FROM area'), before);
	});
});
