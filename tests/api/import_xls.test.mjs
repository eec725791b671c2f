// A list saved as .xls (Excel 97–2003, what many township offices and WPS users still save)
// imports like the same list saved as .xlsx: a CSV of returnees (two title rows above the
// header, a date column, ID numbers that a spreadsheet program reads as numbers) is
// converted by LibreOffice (`soffice --headless --convert-to xls` and `xlsx`, a spreadsheet
// program's files, not our writer's), each file is imported on a server of its own, and the
// counts and the rows to fix agree. Then what must be refused: a damaged .xls (400
// import.file.invalid) and a password-protected one (400 import.file.encrypted).
//
// scripts/deps.sh installs LibreOffice (libreoffice-calc-nogui); without soffice the test
// is skipped with a message.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SLOW, TOWN_A, adminClient, expectError, makeId, newUser, startServer, waitFor } from './lib.mjs';

const SOFFICE = spawnSync('soffice', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = SOFFICE ? false : 'soffice (LibreOffice) is not installed: run scripts/deps.sh';

// ---- the list ----

const wrongCheck = (id) => id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
/** The first sequence from `from` whose check character is X (stays text in any program). */
function idWithX(birth, from) {
	for (let q = from; q < from + 100; q++) if (makeId(birth, q).endsWith('X')) return makeId(birth, q);
	throw new Error('no X');
}

// name, ID number, phone, origin, arrival date, address
const ROWS = [
	['张三', makeId('19800115', 201), '13812345678', '湖北省武汉市', '2020-01-26', '社渚镇社渚村5组'],
	['李四', makeId('19900630', 202), '13912345678', '江苏省南京市', '2020-01-25', '社渚镇社渚村6组'],
	['王五', idWithX('19751201', 203), '13700000003', '武汉', '2020-01-24', '社渚镇社渚村7组'],
	['赵六', wrongCheck(makeId('19660303', 204)), '13700000004', '湖北省武汉市', '2020-01-23', '社渚村8组'],
	['', makeId('19550505', 205), '13700000005', '', '2020-01-22', '社渚村9组'], // no name: rejected
	['孙七', '', '13600000006', '湖北省孝感市', '1月24日', '社渚村10组'],
];
const NUMERIC_IDS = ROWS.filter((r) => /^\d{18}$/.test(r[1])).length; // stored as numbers
const CSV = [
	'溧阳市社渚镇返乡人员排查登记表,,,,,',
	'填报单位：社渚镇人民政府（盖章）,,,,,',
	'姓名,身份证号码,联系电话,来源地,返乡日期,现住址',
	...ROWS.map((r) => r.join(',')),
].join('\r\n');

// ---- files written by LibreOffice ----

let work; // temp dir: the CSV, LibreOffice's private profile, its output
const file = {}; // 'xls' | 'xlsx' → Buffer

/** soffice --convert-to fmt, with a profile of this run's own (parallel runs don't clash). */
function convert(csvPath, fmt) {
	const r = spawnSync(
		'soffice',
		[
			`-env:UserInstallation=file://${join(work, 'profile')}`,
			'--headless',
			'--infilter=CSV:44,34,76,1', // comma, double quote, UTF-8, from line 1
			'--convert-to',
			fmt,
			'--outdir',
			join(work, 'out'),
			csvPath,
		],
		{ encoding: 'utf8', timeout: 180000 * SLOW },
	);
	assert.equal(r.status, 0, `soffice --convert-to ${fmt}: ${r.stderr}`);
	return readFile(join(work, 'out', `list.${fmt}`));
}

// ---- the API ----

async function upload(client, bytes, filename) {
	const fd = new FormData();
	fd.append('file', new Blob([bytes]), filename);
	return client.post('/api/v1/imports', fd);
}

async function importDone(client, bytes, filename) {
	const r = await upload(client, bytes, filename);
	assert.equal(r.status, 202, r.text);
	const job = await waitFor(
		async () => {
			const g = await client.get(`/api/v1/imports/${r.body.id}`);
			assert.equal(g.status, 200, g.text);
			return g.body.status === 'running' ? null : g.body;
		},
		{ timeoutMs: 30000 * SLOW, what: `import of ${filename}` },
	);
	assert.equal(job.status, 'done', JSON.stringify(job));
	const is = await client.get(`/api/v1/imports/${job.id}/issues?limit=1000`);
	assert.equal(is.status, 200, is.text);
	return { job, issues: is.body.items };
}

/** A server with a commander of 社渚镇. */
async function township() {
	const srv = await startServer();
	const admin = await adminClient(srv);
	const cmd = await newUser(srv, admin, { role: 'commander', area: TOWN_A });
	return { srv, cmd: cmd.client };
}

const servers = [];
const counts = (j) => [j.rows, j.imported, j.merged, j.flagged, j.rejected];
const issueKeys = (items) => items.map((i) => `${i.line}:${i.code}:${i.severity}`).sort();

describe('a list saved as .xls', { skip }, () => {
	before(async () => {
		work = await mkdtemp(join(tmpdir(), 'fk-xls-'));
		const csvPath = join(work, 'list.csv');
		await writeFile(csvPath, CSV, 'utf8');
		file.xls = await convert(csvPath, 'xls');
		file.xlsx = await convert(csvPath, 'xlsx');
		assert.deepEqual([...file.xls.subarray(0, 8)], [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
		assert.equal(file.xlsx.subarray(0, 2).toString(), 'PK');
	});
	after(async () => {
		for (const s of servers) await s.stop();
		if (work && !process.env.FK_KEEP) await rm(work, { recursive: true, force: true });
	});

	it('imports with the same counts and the same rows to fix as the .xlsx', async () => {
		const [x, y] = await Promise.all([township(), township()]);
		servers.push(x.srv, y.srv);
		const [a, b] = await Promise.all([
			importDone(x.cmd, file.xls, '社渚镇返乡人员.xls'),
			importDone(y.cmd, file.xlsx, '社渚镇返乡人员.xlsx'),
		]);
		// the header was found below the two title rows; every row below it counted
		assert.deepEqual(counts(a.job), counts(b.job));
		assert.equal(a.job.rows, ROWS.length);
		assert.equal(a.job.rejected, 1);
		assert.equal(a.job.imported, ROWS.length - 1);
		assert.deepEqual(issueKeys(a.issues), issueKeys(b.issues));
		// each ID number the program stored as a number lost its last digits: flagged mangled
		const mangled = a.issues.filter((i) => i.code === 'id.mangled');
		assert.equal(mangled.length, NUMERIC_IDS);
		assert.ok(NUMERIC_IDS >= 3);
		for (const i of mangled) assert.match(i.value, /^3\.\d+E\+0?17$/, JSON.stringify(i));
		assert.equal(b.issues.filter((i) => i.code === 'id.mangled').length, NUMERIC_IDS);
		// the ID with X stayed text and valid; the dates were read as dates, none refused
		assert.ok(!a.issues.some((i) => i.line === 6));
		assert.ok(!a.issues.some((i) => i.code === 'date.invalid'));
		assert.ok(a.issues.some((i) => i.line === 8 && i.code === 'name.missing' && i.severity === 'rejected'));
		assert.ok(a.issues.some((i) => i.line === 9 && i.code === 'id.missing'));
		// flagged: the mangled rows that were kept (one is the rejected row) and 孙七's
		assert.equal(a.job.flagged, NUMERIC_IDS - 1 + 1);
	});

	it('is told by its content: an .xls named .xlsx, or with no extension, imports', async () => {
		const x = await township();
		servers.push(x.srv);
		const { job } = await importDone(x.cmd, file.xls, 'list.xlsx');
		assert.deepEqual(counts(job), [ROWS.length, ROWS.length - 1, 0, NUMERIC_IDS, 1]);
		// the same bytes without a name's help: accepted, and known as the same list
		const r = await upload(x.cmd, file.xls, 'list');
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.id, job.id);
		assert.equal(r.body.duplicate, true);
	});

	it('refuses a damaged or password-protected .xls up front, in both languages', async () => {
		const x = await township();
		servers.push(x.srv);
		// cut short: the compound file's sectors are missing
		for (const len of [512, 1024, Math.floor(file.xls.length / 2)])
			expectError(assert, await upload(x.cmd, file.xls.subarray(0, len), 'list.xls'), 400, 'import.file.invalid', 'file');
		// a FILEPASS record after the workbook's BOF: what Excel writes for an open password
		const enc = Buffer.from(file.xls);
		const bof = enc.indexOf(Buffer.from([0x09, 0x08, 0x10, 0x00, 0x00, 0x06, 0x05, 0x00]));
		assert.ok(bof > 0);
		enc.writeUInt16LE(0x002f, bof + 20);
		const zh = await upload(x.cmd, enc, '加密名单.xls');
		expectError(assert, zh, 400, 'import.file.encrypted', 'file');
		assert.match(zh.body.error.message, /密码/);
		x.cmd.lang = 'en';
		const en = await upload(x.cmd, enc, 'protected.xls');
		expectError(assert, en, 400, 'import.file.encrypted', 'file');
		assert.match(en.body.error.message, /password/);
		const bad = await upload(x.cmd, file.xls.subarray(0, 700), 'list.xls');
		expectError(assert, bad, 400, 'import.file.invalid', 'file');
		assert.match(bad.body.error.message, /\.xlsx, \.xls or \.csv/);
		// nothing was queued
		const list = await x.cmd.get('/api/v1/imports');
		assert.equal(list.status, 200, list.text);
		assert.equal(list.body.items.length, 0);
	});
});
