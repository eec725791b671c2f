// Sessions survive a restart (issue 13, on SQLite too): a signed-in client keeps its cookie
// and its CSRF token across a server restart; what ended a session before the restart
// (a logout, a disabled account, a password change ending the other sessions) stays ended
// after it; and the database holds the hash of a cookie token, never the token.
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, PG, VILLAGE_A, adminClient, dbSql, newPassword, newUser, startServer, uuid } from './lib.mjs';

let srv, db;

async function restart() {
	await srv.stop({ keepDir: true });
	srv = await startServer({ db });
}

const at = (c) => { const k = new Client(srv.url); k.cookie = c.cookie; k.csrf = c.csrf; return k; };

describe('sessions kept across a restart', () => {
	let admin, kept, out, disabled, changer, other;
	before(async () => {
		srv = await startServer();
		db = srv.db;
		admin = await adminClient(srv);
		[kept, out, disabled, changer] = await Promise.all([
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		]);
		other = new Client(srv.url);
		await other.mustLogin(changer.username, changer.password);
	});
	after(async () => {
		if (srv) await srv.stop({ keepDir: true });
		if (db) await rm(dirname(db), { recursive: true, force: true });
	});

	it('ends what was ended before the restart, keeps the rest', async () => {
		assert.equal((await out.client.logout()).status, 204);
		const d = await admin.patch(`/api/v1/users/${disabled.user.id}`, { disabled: true });
		assert.equal(d.status, 200, d.text);
		const newPw = newPassword('Again');
		const pw = await changer.client.post('/api/v1/me/password', { old_password: changer.password, new_password: newPw });
		assert.equal(pw.status, 204, pw.text);
		assert.equal((await other.get('/api/v1/me')).status, 401, 'the other session ended at once');
		const before = (await kept.client.get('/api/v1/me')).body;

		await restart();

		const me = await at(kept.client).get('/api/v1/me');
		assert.equal(me.status, 200, me.text);
		assert.equal(me.body.user.id, kept.user.id);
		assert.equal(me.body.csrf, before.csrf, 'the same CSRF token');
		// a write with the same token and CSRF token goes through
		const w = await at(kept.client).post('/api/v1/notifications/read', { uuid: uuid(), all: true });
		assert.ok(w.status === 200 || w.status === 204, w.text);
		assert.equal((await at(admin).get('/api/v1/me')).status, 200, 'the admin too');
		assert.equal((await at(changer.client).get('/api/v1/me')).status, 200, 'the session that changed the password');
		assert.equal((await at(out.client).get('/api/v1/me')).status, 401, 'logged out stays out');
		assert.equal((await at(disabled.client).get('/api/v1/me')).status, 401, 'a disabled account stays out');
		assert.equal((await at(other).get('/api/v1/me')).status, 401, 'an ended session stays ended');
		// a made-up token of the right shape is nobody's
		const fake = new Client(srv.url);
		fake.cookie = 'A'.repeat(43);
		assert.equal((await fake.get('/api/v1/me')).status, 401);
	});

	it('the database holds the hash of a token, never the token', async () => {
		await srv.stop({ keepDir: true });
		// SQLite: the file and its WAL; PostgreSQL: every text the session table holds
		const bytes = PG ? Buffer.from((await dbSql(db, 'SELECT * FROM session')).stdout) : await readFile(db);
		const wal = PG ? Buffer.alloc(0) : await readFile(`${db}-wal`).catch(() => Buffer.alloc(0));
		for (const c of [kept.client, admin, changer.client]) {
			assert.equal(bytes.includes(Buffer.from(c.cookie)), false, 'no cookie token in the database file');
			assert.equal(wal.includes(Buffer.from(c.cookie)), false, 'nor in its WAL');
		}
		srv = await startServer({ db });
	});
});
