// The same lists imported on SQLite and on PostgreSQL (whose imports stream through COPY into
// a staging table and merge set-wise: src/store/sqlite/sq_import_pg.c) give the same
// counters, issues, files (defects, validity, journeys, timeline with possible duplicates)
// and tasks (areas, defects), and the same notifications.
//
// The lists hold every kind of row the file rule tells apart: new valid numbers, a number
// twice in one list (the second fills the first's file), a number an earlier list of the
// same area holds (merged), a number a file outside the importer's area holds (a flagged
// file of its own, a task for the commander over both), defective numbers (twice: the same
// file), rows without a number that share name and phone with a file made earlier or later
// in the list (a possible duplicate only of the earlier), a rejected row, a malformed phone.
//
// On PostgreSQL's suite (FANGKONG_PG set) its cluster is used; else the test starts a
// throwaway cluster of its own (tests/pg/cluster.mjs).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startCluster, serverBin } from '../pg/cluster.mjs';
import { freshPgDb } from '../pg/db.mjs';
import {
	ADMIN,
	COUNTY,
	Client,
	SLOW,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	cliAddUser,
	makeId,
	newUser,
	runOk,
	startServer,
	waitFor,
} from './lib.mjs';

const HEADER = ['姓名', '身份证号码', '联系电话', '来源地', '返乡日期', '现住址'];
const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
const csv = (rows) => Buffer.from(`\uFEFF${HEADER.join(',')}\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n`, 'utf8');

const ID = (k) => makeId('19850310', 600 + k);
// list 1, by the commander of 竹箦镇: files there
const LIST_B = [
	['陈甲', ID(1), '13500000001', '湖北省武汉市', '2020-01-22', '竹箦镇竹箦村3组'],
	['陈乙', ID(2), '13500000002', '江苏省南京市', '2020-01-23', '竹箦镇竹箦村4组'],
];
// list 2, by the commander of 社渚镇
const LIST_A1 = [
	['张一', ID(10), '13800000010', '湖北省武汉市', '2020/1/26', '社渚镇社渚村5组'],
	['李二', ID(11), '', '浙江省温州市', '2020-01-25', '社渚镇河口居委会幸福路3号'],
];
// list 3, by the commander of 社渚镇: what a list can hold
const LIST_A2 = [
	['无号甲', '', '13900000099', '', '', '社渚村6组'], // its lookalike comes later: none named
	['张一', ID(10), '13800000010', '湖北省武汉市', '2020/1/26', '社渚镇社渚村5组'], // held in scope: merged, journey once
	['王三', ID(20), '13800000020', '湖北省武汉市', '2020-01-24', '社渚村7组'],
	['王三', ID(20), '13800000021', '湖北孝感', '2020-01-27', '社渚村7组'], // twice: the same file, two journeys
	['陈甲', ID(1), '13500000001', '湖北省武汉市', '2020-01-22', '社渚村8组'], // held in 竹箦镇: own flagged file
	['赵四', wrongCheck(ID(21)), '13800000022', '', '', '社渚村9组'], // defective number
	['赵四', wrongCheck(ID(21)), '', '江苏省南京市', '2020-01-20', '社渚村9组'], // the same defective file
	['孙五', ID(22), '1380000002', '', '', '社渚村10组'], // a malformed phone: flagged
	['', ID(23), '13800000023', '', '', '社渚村6组'], // no name: rejected
	['无号乙', '', '13900000098', '', '', '社渚村6组'],
	['无号乙', '', '13900000098', '', '', '社渚村6组'], // names the file of the row above
	['无号甲', ID(24), '13900000099', '', '', '社渚村6组'], // the later lookalike of the first row
	['周六', ID(25), '13800000025', '浙江省温州市', '2020-01-21', '社渚镇人民路8号'],
	['无号丙', '', '', '', '', '社渚村6组'], // neither number nor phone
	['吴七', ID(26), '13800000026', '', '', '某省某市不存在路1号'], // an address that names nowhere
];

let cluster; // a cluster of this test's own when the suite runs on SQLite
const results = {};

async function finished(client, id) {
	return waitFor(async () => {
		const r = await client.get(`/api/v1/imports/${id}`);
		assert.equal(r.status, 200, r.text);
		return r.body.status === 'done' || r.body.status === 'failed' ? r.body : null;
	}, { timeoutMs: 30000 * SLOW, what: `import ${id}` });
}

async function importList(client, rows, name) {
	const fd = new FormData();
	fd.append('file', new Blob([csv(rows)]), name);
	const r = await client.post('/api/v1/imports', fd);
	assert.equal(r.status, 202, r.text);
	const job = await finished(client, r.body.id);
	assert.equal(job.status, 'done', JSON.stringify(job));
	const is = await client.get(`/api/v1/imports/${job.id}/issues?limit=1000`);
	assert.equal(is.status, 200, is.text);
	const counts = {};
	for (const k of ['rows', 'imported', 'merged', 'flagged', 'rejected', 'progress']) counts[k] = job[k];
	return { counts, issues: is.body.items.map((i) => [i.line, i.col, i.code, i.severity, i.value]) };
}

// what differs between two runs by nature: ids, moments, the list's id
const VOLATILE = /^(id|at|import|import_id|object_id|person_id|possible_duplicate_of|duplicate_of|forwarded_from|assignee)$|_at$|^due/;
const byJson = (a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b));
function normal(v) {
	if (Array.isArray(v)) return v.map(normal);
	if (v && typeof v === 'object')
		return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, VOLATILE.test(k) ? (x == null ? null : '*') : normal(x)]));
	return v;
}

/** What a client sees of the files of ids (or phones): without their random ids and times. */
async function files(client, queries) {
	const out = [];
	for (const q of queries) {
		const r = await client.post('/api/v1/persons/search', { q });
		assert.equal(r.status, 200, r.text);
		const found = [];
		for (const p of r.body.items) {
			const f = await client.get(`/api/v1/persons/${p.id}`);
			assert.equal(f.status, 200, f.text);
			const b = normal(f.body);
			for (const k of ['tasks', 'travel', 'observations']) b[k]?.sort(byJson);
			found.push(b);
		}
		found.sort(byJson);
		out.push([q, found]);
	}
	return out;
}

async function taskList(client) {
	const r = await client.get('/api/v1/tasks?limit=500');
	assert.equal(r.status, 200, r.text);
	return normal(r.body.items).sort(byJson);
}

/** Runs the whole scenario on a fresh database db (an SQLite path or a postgresql:// URL). */
async function scenario(db, dataDir) {
	await runOk(['init', '--db', db, '--county', COUNTY]);
	await cliAddUser(db, { ...ADMIN, role: 'admin', area: COUNTY });
	const srv = await startServer({ db, args: ['--data-dir', dataDir] });
	try {
		const admin = new Client(srv.url);
		await admin.mustLogin(ADMIN.username, ADMIN.password);
		const [cmdA, cmdB, gwA] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A, username: 'cmdtowna' }),
			newUser(srv, admin, { role: 'commander', area: TOWN_B, username: 'cmdtownb' }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A, username: 'gwvillagea' }),
		]);
		const lists = [
			await importList(cmdB.client, LIST_B, 'b.csv'),
			await importList(cmdA.client, LIST_A1, 'a1.csv'),
			await importList(cmdA.client, LIST_A2, 'a2.csv'),
		];
		const queries = [...new Set([...LIST_B, ...LIST_A1, ...LIST_A2].flatMap((r) => [r[1], r[2]]).filter(Boolean))];
		const notes = await gwA.client.get('/api/v1/notifications?limit=100');
		assert.equal(notes.status, 200, notes.text);
		return {
			lists,
			filesAdmin: await files(admin, queries),
			filesA: await files(cmdA.client, queries),
			tasksAdmin: await taskList(admin),
			tasksA: await taskList(cmdA.client),
			notifications: normal(notes.body.items).sort(byJson),
		};
	} finally {
		await srv.stop();
	}
}

before(async () => {
	if (!process.env.FANGKONG_PG) {
		cluster = await startCluster();
		process.env.FANGKONG_PG = JSON.stringify({ socketDir: cluster.socketDir, port: cluster.port, user: cluster.user, bin: serverBin() });
	}
});
after(async () => {
	if (cluster) {
		delete process.env.FANGKONG_PG;
		await cluster.stop();
	}
});

describe('an import on SQLite and on PostgreSQL', () => {
	it('runs the lists on both backends', async () => {
		for (const backend of ['sqlite', 'postgresql']) {
			const dir = await mkdtemp(join(tmpdir(), `fk-imp-${backend}-`));
			try {
				results[backend] = await scenario(backend === 'sqlite' ? join(dir, 'fk.db') : freshPgDb(), dir);
			} finally {
				await rm(dir, { recursive: true, force: true });
			}
		}
	});

	it('the lists count alike, with the expected counters', () => {
		const { sqlite, postgresql } = results;
		assert.deepEqual(postgresql.lists, sqlite.lists);
		// list 3: 15 rows, 1 rejected (no name); 张一 and the second 王三 and 赵四 merged
		assert.deepEqual(sqlite.lists[2].counts, { rows: 15, imported: 11, merged: 3, flagged: sqlite.lists[2].counts.flagged, rejected: 1, progress: 1 });
		assert.ok(sqlite.lists[2].counts.flagged >= 4, JSON.stringify(sqlite.lists[2].counts));
		assert.ok(sqlite.lists[2].issues.length > 0);
	});

	it('the same files, journeys, timelines and tasks', () => {
		const { sqlite, postgresql } = results;
		assert.deepEqual(postgresql.filesAdmin, sqlite.filesAdmin);
		assert.deepEqual(postgresql.filesA, sqlite.filesA);
		assert.deepEqual(postgresql.tasksAdmin, sqlite.tasksAdmin);
		assert.deepEqual(postgresql.tasksA, sqlite.tasksA);
		assert.deepEqual(postgresql.notifications, sqlite.notifications);
		// the row without a number names the file of its earlier lookalike only
		const dup = sqlite.filesA.find(([q]) => q === '13900000098')[1];
		assert.equal(dup.length, 2);
		const named = (f) => f.timeline.some((e) => e.detail?.possible_duplicate_of);
		assert.equal(dup.filter(named).length, 1, JSON.stringify(dup));
		const first = sqlite.filesA.find(([q]) => q === '13900000099')[1];
		assert.equal(first.length, 2, JSON.stringify(first));
		assert.ok(!first.some(named), JSON.stringify(first));
	});
});
