// A county moved from SQLite to PostgreSQL (issue 13, item 3): a server on SQLite makes
// files (typed in and imported), tasks, observations with visits and an alert, a
// checkpoint with passages, accounts, idempotency keys and audit rows; `fangkong copy`
// moves it into a fresh PostgreSQL database of a throwaway cluster; `fangkong check` prints
// the same rows and digest per table on both; a server on the copy answers the same lists
// and file as the one on SQLite, replays a create made before the copy (the same object,
// not a new one), and gives a new row an id after the copied ones. A copy cut short (killed,
// or rows gone and changed on the PostgreSQL side) is finished by running it again,
// without a duplicate. The same command copies back into a new SQLite file.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	BIN,
	COUNTY,
	TOWN_A,
	VILLAGE_A,
	adminClient,
	importReturnees,
	makeId,
	newUser,
	run,
	runOk,
	startServer,
	uuid,
} from '../api/lib.mjs';
import { startCluster } from './cluster.mjs';

let pg, srv, admin, dir;
let sqliteDb, pgDb;
const made = {}; // what the SQLite server answered

const SANITIZER = /AddressSanitizer|LeakSanitizer|runtime error:/;
const dbUrl = (name) => pg.url.replace('/postgres?', `/${name}?`);
const freshDb = (name) => {
	pg.psql(`CREATE DATABASE ${name}`);
	return dbUrl(name);
};
const sqlite = (sql) => execFileSync('sqlite3', [sqliteDb, sql], { encoding: 'utf8' }).trim();
const localDay = (t = Date.now()) => new Date(t + 8 * 3600e3).toISOString().slice(0, 10);

/** `fangkong check`'s line per table ("table NAME ROWS DIGEST"). */
async function tableLines(db) {
	const r = await run(['check', '--db', db]);
	assert.doesNotMatch(r.stderr, SANITIZER);
	const lines = r.stdout.split('\n').filter((l) => l.startsWith('table '));
	assert.ok(lines.length > 30, `check on ${db}: ${r.stdout}\n${r.stderr}`);
	return lines.map((l) => l.trim().split(/\s+/).slice(1).join(' '));
}
const rowsOf = (lines, table) => Number(lines.find((l) => l.startsWith(`${table} `)).split(' ')[1]);

async function copy(from, to) {
	const r = await run(['copy', '--from', from, '--to', to]);
	assert.equal(r.code, 0, `copy ${from} → ${to}\n${r.stdout}\n${r.stderr}`);
	assert.doesNotMatch(r.stderr, SANITIZER);
	assert.match(r.stdout, /verified: every table has the same rows and digest/);
	return r;
}

/** The answers compared between the two servers. */
async function answers(c) {
	const out = {};
	for (const path of [
		`/api/v1/persons?q=${encodeURIComponent('复制')}&limit=200`,
		`/api/v1/persons?q=${encodeURIComponent('乘客')}`,
		'/api/v1/tasks?limit=200',
		`/api/v1/persons/${made.person.id}`,
		`/api/v1/tasks/${made.taskId}`,
		'/api/v1/alerts',
		'/api/v1/checkpoints',
		`/api/v1/checkpoints/${made.checkpoint.id}/passages?day=${made.day}`,
		`/api/v1/passages/${made.passage.id}`,
	]) {
		const r = await c.get(path);
		assert.equal(r.status, 200, `${path}: ${r.text}`);
		out[path] = r.body;
	}
	return out;
}

describe('fangkong copy: a county from SQLite to PostgreSQL', () => {
	before(async () => {
		pg = await startCluster();
		srv = await startServer();
		sqliteDb = srv.db;
		admin = await adminClient(srv);
		const [gw, cmd, staff] = await Promise.all([
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'checkpoint_staff', area: TOWN_A }),
		]);
		// files and tasks from an imported list, and one typed in (its key replayed later)
		await importReturnees(assert, admin, [['复制甲', '社渚镇社渚村1组'], ['复制乙', '社渚镇社渚村2组'], ['Zoë 丙', '社渚镇社渚村3组']]);
		made.personBody = { uuid: uuid(), name: '复制丁', id_number: makeId('19700101', 77), area: VILLAGE_A, address: '社渚村4组\t"5号"\\', phone: '13800000077' };
		let r = await admin.post('/api/v1/persons', made.personBody);
		assert.equal(r.status, 201, r.text);
		made.person = r.body;
		const tasks = (await admin.get('/api/v1/tasks?status=open&limit=50')).body.items;
		assert.ok(tasks.length >= 3);
		made.taskId = tasks[0].id;
		r = await gw.client.post(`/api/v1/tasks/${tasks[1].id}/close`, { uuid: uuid(), outcome: 'duplicate', note: '核实：\n已返回' });
		assert.equal(r.status, 200, r.text);
		// an observation with a fever visit: obs_day, obs_count, alert, notifications
		r = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: made.person.id, place: '社渚村4组' });
		assert.equal(r.status, 201, r.text);
		r = await gw.client.post(`/api/v1/observations/${r.body.observation.id}/visits`, {
			uuid: uuid(), mode: 'in_person', temperature: 38.3, saw_person: true, saw_home: true, saw_state: false,
		});
		assert.equal(r.status, 201, r.text);
		// a checkpoint and a car at it, one of them handed over to the village
		r = await cmd.client.post('/api/v1/checkpoints', { uuid: uuid(), name: '社渚高速出口', area: TOWN_A, kind: 'highway', opened_on: '2020-01-24' });
		assert.equal(r.status, 201, r.text);
		made.checkpoint = r.body;
		r = await cmd.client.post(`/api/v1/checkpoints/${made.checkpoint.id}/staff`, { uuid: uuid(), user_id: staff.user.id });
		assert.ok(r.status === 200 || r.status === 201, r.text);
		await staff.client.mustLogin(staff.username, staff.password); // joining signs the account out
		made.day = localDay(Date.now() - 1000);
		r = await staff.client.post(`/api/v1/checkpoints/${made.checkpoint.id}/passages`, {
			uuid: uuid(), at: new Date(Date.now() - 1000).toISOString().replace('Z', '+00:00'), plate: '苏D12345', vehicle_kind: 'car', direction: 'in',
			persons: [
				{ name: '司机甲', id_number: makeId('19850301', 701), phone: '13812345678', temperature: 36.5, origin: '江苏省常州市', destination: '社渚镇社渚村1组', purpose: '返乡' },
				{ name: '乘客乙', id_number: makeId('19850301', 702), phone: '13812345679', temperature: 36.6, origin: '湖北省武汉市', destination: '社渚镇社渚村2组', purpose: '返乡' },
			],
		});
		assert.equal(r.status, 201, r.text);
		made.passage = r.body;
		made.before = await answers(admin);
		await srv.stop({ keepDir: true });
		made.auditTop = Number(sqlite('SELECT max(id) FROM audit'));
		dir = srv.dir;
	});
	after(async () => {
		await srv?.stop({ keepDir: true });
		await pg?.stop();
		if (dir && !process.env.FK_KEEP) rmSync(dir, { recursive: true, force: true });
	});

	let sqliteLines;
	it('copies every table; check prints the same rows and digest on both sides', async () => {
		pgDb = freshDb('copied');
		const r = await copy(sqliteDb, pgDb);
		assert.match(r.stderr, /person\s+\d+ \/ \d+ rows/, 'a progress line per table');
		sqliteLines = await tableLines(sqliteDb);
		assert.deepEqual(await tableLines(pgDb), sqliteLines);
		for (const t of ['person', 'task', 'travel', 'observation', 'obs_day', 'visit', 'alert', 'idempotency', 'audit',
			'import_job', 'checkpoint', 'passage', 'passage_person', 'app_user', 'person_event'])
			assert.ok(rowsOf(sqliteLines, t) > 0, `${t} has rows to copy`);
		// the ids as they were, the texts byte for byte
		assert.equal(pg.psql(`SELECT encode(convert_to(address, 'UTF8'), 'hex') FROM person WHERE id = '${made.person.id}'`, 'copied'),
			sqlite(`SELECT lower(hex(address)) FROM person WHERE id = '${made.person.id}'`));
		assert.equal(pg.psql(`SELECT phone FROM person WHERE id = '${made.person.id}'`, 'copied'), '13800000077', 'a number in a text stays text');
		assert.equal(pg.psql('SELECT max(id) FROM audit', 'copied'), String(made.auditTop));
	});

	it('a server on the copy answers as the one on SQLite did, replays a key, numbers on', async () => {
		const data = mkdtempSync(join(tmpdir(), 'fk-copy-data-'));
		copyFileSync(`${sqliteDb}.key`, join(data, 'fangkong.key')); // the card links stay valid
		const s2 = await startServer({ db: pgDb, args: ['--data-dir', data] });
		try {
			const c = await adminClient(s2);
			assert.deepEqual(await answers(c), made.before);
			// the create of before the copy, retried: the same file, not a new one
			const again = await c.post('/api/v1/persons', made.personBody);
			assert.equal(again.status, 200, again.text);
			assert.equal(again.body.id, made.person.id);
			// a new create: a new file, and audit ids after the copied ones
			const fresh = await c.post('/api/v1/persons', { uuid: uuid(), name: '复制后', area: VILLAGE_A, address: '社渚村9组', phone: '13800000099' });
			assert.equal(fresh.status, 201, fresh.text);
			assert.notEqual(fresh.body.id, made.person.id);
			const top = (await c.get('/api/v1/audit?limit=1')).body.items[0].id;
			assert.ok(top > made.auditTop, `audit id ${top} after ${made.auditTop}`);
		} finally {
			await s2.stop();
			rmSync(data, { recursive: true, force: true });
		}
	});

	it('a copy cut short is finished by running it again, without a duplicate', async () => {
		// killed as soon as it reports a table
		const partial = freshDb('partial');
		const p = spawn(BIN, ['copy', '--from', sqliteDb, '--to', partial], { stdio: ['ignore', 'pipe', 'pipe'] });
		const exited = new Promise((res) => p.on('exit', (code, sig) => res(code ?? sig)));
		let err = '';
		p.stderr.on('data', (d) => {
			err += d;
			if (/rows,/.test(err)) p.kill('SIGKILL');
		});
		await exited;
		await copy(sqliteDb, partial);
		assert.deepEqual(await tableLines(partial), sqliteLines);

		// rows lost and changed on the PostgreSQL side (audit rows cannot be deleted)
		pg.psql('DELETE FROM visit; DELETE FROM passage_version; DELETE FROM idempotency WHERE ctid IN (SELECT ctid FROM idempotency LIMIT 3);'
			+ ` UPDATE person SET name = '改' WHERE id = '${made.person.id}'`, 'partial');
		assert.notDeepEqual(await tableLines(partial), sqliteLines);
		const r = await copy(sqliteDb, partial);
		const changed = Number(/, (\d+) of them new or changed/.exec(r.stdout)[1]);
		assert.ok(changed >= 5, r.stdout);
		assert.deepEqual(await tableLines(partial), sqliteLines);
		// a run with nothing to do changes nothing
		const none = await copy(sqliteDb, partial);
		assert.match(none.stdout, /, 0 of them new or changed/);
	});

	it('a copy onto a database that has gone on is refused as unequal', async () => {
		// the server on the copy made a file and audit rows the SQLite database lacks
		const r = await run(['copy', '--from', sqliteDb, '--to', pgDb]);
		assert.equal(r.code, 1, r.stdout);
		assert.doesNotMatch(r.stderr, SANITIZER);
		assert.match(r.stderr, /table person differs: \d+ rows in the source, \d+ in the copy/);
		assert.match(r.stderr, /the copy differs from its source/);
		// a database set up on its own has audit rows of its own under the same ids
		const own = freshDb('own');
		await runOk(['init', '--db', own, '--county', COUNTY]);
		const o = await run(['copy', '--from', sqliteDb, '--to', own]);
		assert.equal(o.code, 1, o.stdout);
		assert.doesNotMatch(o.stderr, SANITIZER);
		assert.match(o.stderr, /copy failed: table audit: .*append-only.*the destination must be empty/);
	});

	it('digests agree under a zh-CN database collation (rows ordered as bytes)', async () => {
		let zh = null;
		for (const sql of ["CREATE DATABASE fk_zh TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'zh-CN' LOCALE 'C.UTF-8'",
			"CREATE DATABASE fk_zh TEMPLATE template0 LC_COLLATE 'zh_CN.UTF-8' LC_CTYPE 'zh_CN.UTF-8'"]) {
			try {
				pg.psql(sql);
				zh = dbUrl('fk_zh');
				break;
			} catch {
				// this PostgreSQL has no such collation: the next one
			}
		}
		if (!zh) return; // neither ICU nor glibc's zh_CN here (schema.test.mjs says so too)
		await copy(sqliteDb, zh);
		assert.deepEqual(await tableLines(zh), sqliteLines);
	});

	it('copies back from PostgreSQL into a new SQLite file', async () => {
		const back = join(dir, 'back.db');
		await copy(dbUrl('partial'), back);
		assert.deepEqual(await tableLines(back), sqliteLines);
	});

	it('refuses to copy a database onto itself, and says why a copy fails', async () => {
		const same = await run(['copy', '--from', sqliteDb, '--to', sqliteDb]);
		assert.equal(same.code, 2);
		assert.match(same.stderr, /same database/);
		const missing = await run(['copy', '--from', join(dir, 'none.db'), '--to', dbUrl('partial')]);
		assert.equal(missing.code, 1);
		assert.match(missing.stderr, /no database at/);
		await runOk(['copy', '--help']);
	});
});
