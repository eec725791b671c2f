// The daily report (日报, issue 11) through the API, on clocks set with --clock-offset: a
// small county built in the test (files registered, tasks verified, an observation placed,
// a fever), over three days, the first under the default cut-off 24:00 and the next under
// 16:00 set from the second day on; a report submitted, replayed, corrected with a reason,
// a nil report (and one refused beside a fever), a late report, the roll-up at the county,
// completeness and timeliness, the sentence, the refusals, and `fangkong check`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import {
	Client,
	COUNTY,
	SLOW,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	makeId,
	newUser,
	runOk,
	startServer,
	uuid,
	waitFor,
	importReturnees,
	offsetFor,
} from './lib.mjs';


let srv, db, admin, cmdA, cmdB, gw;

async function start(local) {
	if (srv) await srv.stop({ keepDir: true });
	srv = await startServer({ db, args: ['--clock-offset', offsetFor(local)] });
	db = srv.db;
	admin = await adminClient(srv);
	for (const u of [cmdA, cmdB, gw]) {
		if (!u) continue;
		u.client = new Client(srv.url);
		await u.client.mustLogin(u.username, u.password);
	}
}

const importList = (rows) => importReturnees(assert, admin, rows);
const put = (c, path, body) => c.req('PUT', path, { body });

/** The day's table as its cells, read by LibreOffice (a reader that is not our writer). */
async function tableCells(c, area, date) {
	const res = await fetch(`${srv.url}/api/v1/reports/daily.xlsx?area=${area}&date=${date}`, { headers: { Cookie: `fk_session=${c.cookie}` } });
	assert.equal(res.status, 200, await res.clone().text());
	assert.match(res.headers.get('content-type'), /spreadsheetml/);
	const work = await mkdtemp(join(tmpdir(), 'fk-report-'));
	try {
		await writeFile(join(work, 'day.xlsx'), Buffer.from(await res.arrayBuffer()));
		const r = spawnSync('soffice', [`-env:UserInstallation=file://${join(work, 'profile')}`, '--headless',
			'--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', join(work, 'out'), join(work, 'day.xlsx')],
		{ encoding: 'utf8', timeout: 180000 * SLOW });
		assert.equal(r.status, 0, `soffice: ${r.stderr}`);
		const csv = await readFile(join(work, 'out', 'day.csv'), 'utf8');
		// rows of cells (no quoted commas in this table but the sentence's, which is quoted)
		return csv.split('\n').filter((l) => l.length).map((l) => (l.match(/("([^"]|"")*"|[^,]*)(,|$)/g) || []).map((x) => x.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')));
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}


const report = async (c, area, date) =>
	(await c.get(`/api/v1/reports/daily?area=${area}${date ? `&date=${date}` : ''}`)).body;
const submit = (c, body) => c.post('/api/v1/reports/daily', { uuid: uuid(), ...body });
const child = (rep, area) => rep.children.find((k) => k.area === area);

describe('daily report', () => {
	before(async () => {
		await start('2026-12-01T10:00:00');
		[cmdA, cmdB, gw] = await Promise.all([
			newUser(srv, admin, { role: 'commander', area: TOWN_A }),
			newUser(srv, admin, { role: 'commander', area: TOWN_B }),
			newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		]);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('day 1 (cut-off 24:00): the records give the figures, at every level', async () => {
		const empty = await report(admin, COUNTY);
		assert.equal(empty.date, '2026-12-01');
		assert.equal(empty.cutoff, '24:00');
		assert.equal(empty.figures.screened_total, 0);
		assert.match(empty.sentence, /^截至12月1日24时，全市累计排查重点地区来溧人员0人/);
		assert.match(empty.sentence, /尚未发现发热人员。$/);
		assert.equal(child(empty, TOWN_A).status, 'pending');

		await importList([['甲一', '社渚镇社渚村1组'], ['甲二', '社渚镇社渚村2组'], ['甲三', '社渚镇社渚村3组'], ['乙一', '竹箦镇']]);
		// one verified at the door and placed under observation
		const t = (await admin.get('/api/v1/tasks?limit=50')).body.items.find((x) => x.person_name === '甲一');
		let r = await admin.post(`/api/v1/tasks/${t.id}/close`, { uuid: uuid(), outcome: 'observation' });
		assert.equal(r.status, 200, r.text);
		r = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: t.person_id });
		assert.equal(r.status, 201, r.text);

		const county = await report(admin, COUNTY);
		const a = child(county, TOWN_A), b = child(county, TOWN_B);
		assert.equal(a.figures.screened_new, 3);
		assert.equal(a.figures.key_area_new, 3);
		assert.equal(a.figures.verified_new, 1);
		assert.equal(a.figures.observation_active, 1);
		assert.equal(a.figures.observation_new, 1);
		assert.equal(b.figures.screened_total, 1);
		assert.equal(county.figures.screened_total, 4);
		assert.equal(county.records.screened_total, 4);
		assert.equal(county.figures.observation_active, 1);
		assert.match(county.sentence, /累计排查重点地区来溧人员4人，今日新增4人；累计核实1人；正在居家观察1人，今日新增1人，解除观察0人/);
		// a township sees its villages, never another township
		const town = await report(cmdA.client, TOWN_A);
		assert.equal(town.figures.screened_total, 3);
		assert.equal(town.status, 'draft');
		assert.ok(town.reporting);
		expectError(assert, await cmdA.client.get(`/api/v1/reports/daily?area=${TOWN_B}`), 404, 'area.not_found');
		expectError(assert, await admin.get(`/api/v1/reports/daily?area=${COUNTY}&date=2026-12-02`), 400, 'report.date_invalid', 'date');
		expectError(assert, await admin.get(`/api/v1/reports/daily?area=${COUNTY}&date=2026-02-30`), 400, 'report.date_invalid', 'date');
		expectError(assert, await admin.get('/api/v1/reports/daily?area=32x'), 400, 'area.code.invalid', 'area');
	});

	it('day 1: a township submits; the snapshot, a replay, the refusals', async () => {
		const body = { uuid: uuid(), area: TOWN_A, date: '2026-12-01', figures: { fever_clinic: 2 } };
		let r = await cmdA.client.post('/api/v1/reports/daily', body);
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.status, 'submitted');
		assert.equal(r.body.version, 1);
		assert.equal(r.body.on_time, true);
		assert.equal(r.body.figures.screened_total, 3);
		assert.equal(r.body.figures.fever_clinic, 2);
		assert.match(r.body.sentence, /^截至12月1日24时，全镇累计排查/);
		const again = await cmdA.client.post('/api/v1/reports/daily', body);
		assert.equal(again.status, 200);
		assert.equal(again.body.version, 1);
		expectError(assert, await cmdA.client.post('/api/v1/reports/daily', { ...body, figures: { fever_clinic: 3 } }), 409, 'idempotency.conflict', 'uuid');

		// a correction needs a reason; a village does not report; another township's is not found
		expectError(assert, await submit(cmdA.client, { area: TOWN_A, date: '2026-12-01' }), 422, 'report.reason_required', 'reason');
		expectError(assert, await submit(admin, { area: VILLAGE_A, date: '2026-12-01' }), 422, 'report.not_reporting', 'area');
		expectError(assert, await submit(cmdB.client, { area: TOWN_A, date: '2026-12-01' }), 404, 'area.not_found');
		expectError(assert, await submit(cmdB.client, { area: TOWN_B, date: '2026-12-01', figures: { nope: 1 } }), 422, 'report.figure_invalid', 'figures.nope');
		expectError(assert, await submit(cmdB.client, { area: TOWN_B, date: '2026-12-01', figures: { fever_clinic: -1 } }), 422, 'report.figure_invalid', 'figures.fever_clinic');
		expectError(assert, await submit(cmdB.client, { area: TOWN_B, date: '2026-12-02' }), 400, 'report.date_invalid', 'date');
		expectError(assert, await submit(cmdB.client, { area: TOWN_B, date: '2026-13-01' }), 400, 'report.date_invalid', 'date');
		expectError(assert, await submit(cmdB.client, { area: TOWN_B, date: '2026-12-01', nil: 'yes' }), 400, 'field.value', 'nil');
		expectError(assert, await gw.client.post('/api/v1/reports/daily', { uuid: uuid(), area: TOWN_A, date: '2026-12-01' }), 403, 'forbidden');

		// the county: 社渚镇 submitted on time, the roll-up holds its snapshot and typed figure
		const county = await report(admin, COUNTY);
		const a = child(county, TOWN_A);
		assert.equal(a.status, 'submitted');
		assert.equal(a.on_time, true);
		assert.equal(county.figures.fever_clinic, 2);
		assert.equal(county.rates.submitted, 1);
		assert.ok(county.rates.expected >= 2, 'every township of the county is expected');
		assert.equal(county.completeness, Math.round(1000 / county.rates.expected) / 10);
	});

	it('day 1: the county sets 16:00 from tomorrow, never from a day already begun', async () => {
		expectError(assert, await put(cmdA.client, '/api/v1/reports/settings', { uuid: uuid(), subject: 'x' }), 403, 'report.county_only');
		expectError(assert, await put(admin, '/api/v1/reports/settings', { uuid: uuid(), cutoff: '17:00', from: '2026-12-02' }), 400, 'report.cutoff_invalid', 'cutoff');
		expectError(assert, await put(admin, '/api/v1/reports/settings', { uuid: uuid(), cutoff: '16:00', from: '2026-12-01' }), 422, 'report.from_invalid', 'from');
		expectError(assert, await put(admin, '/api/v1/reports/settings', { uuid: uuid(), fields: [{ key: 'fever_new', zh: '发热', en: 'fever' }] }), 400, 'report.fields_invalid', 'fields');
		const r = await put(admin, '/api/v1/reports/settings', { uuid: uuid(), cutoff: '16:00', from: '2026-12-02' });
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.cutoff, '24:00'); // today's stays
		assert.deepEqual(r.body.cutoffs, [{ from: '2026-12-02', cutoff: '16:00' }]);
	});

	it('day 2 (cut-off 16:00): a fever; a nil report refused beside it, accepted elsewhere', async () => {
		await start('2026-12-02T15:00:00');
		const obs = (await admin.get('/api/v1/observations?limit=10')).body.items[0];
		const v = await admin.post(`/api/v1/observations/${obs.id}/visits`, {
			uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: false, temperature: 38.5,
		});
		assert.equal(v.status, 201, v.text);
		const town = await report(cmdA.client, TOWN_A);
		assert.equal(town.date, '2026-12-02');
		assert.equal(town.cutoff, '16:00');
		assert.equal(town.figures.fever_new, 1);
		assert.equal(town.figures.screened_new, 0);
		assert.equal(town.figures.screened_total, 3);
		expectError(assert, await submit(cmdA.client, { area: TOWN_A, date: '2026-12-02', nil: true }), 422, 'report.nil_contradicts', 'nil');
		let r = await submit(cmdB.client, { area: TOWN_B, date: '2026-12-02', nil: true });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.status, 'nil');
		r = await submit(cmdA.client, { area: TOWN_A, date: '2026-12-02' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.on_time, true);
		assert.match(r.body.sentence, /^截至12月2日16时，全镇.*今日新增发热人员1人，已转诊0人。$/);
	});

	it('day 2 after 16:00 is day 3: counts land on the next report; a correction is late, timeliness keeps the first', async () => {
		await start('2026-12-02T17:00:00');
		await importList([['甲四', '社渚镇社渚村4组']]);
		const today = await report(cmdA.client, TOWN_A);
		assert.equal(today.date, '2026-12-03');
		assert.equal(today.figures.screened_new, 1);
		assert.equal(today.figures.screened_total, 4);
		const d2 = await report(cmdA.client, TOWN_A, '2026-12-02');
		assert.equal(d2.status, 'submitted');
		assert.equal(d2.figures.screened_total, 3, 'the snapshot');
		assert.equal(d2.records.screened_total, 3, 'up to the cut-off: the running total less the later days');
		const r = await submit(cmdA.client, { area: TOWN_A, date: '2026-12-02', reason: '漏报发热门诊人数', figures: { fever_clinic: 1 } });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.version, 2);
		assert.equal(r.body.on_time, false);
		const again = await report(cmdA.client, TOWN_A, '2026-12-02');
		assert.deepEqual(again.versions.map((x) => [x.version, x.on_time, x.reason]), [[2, false, '漏报发热门诊人数'], [1, true, '']]);
		assert.equal(again.figures.fever_clinic, 1);
	});

	it('day 3 late: completeness and timeliness over the three days, and the counts agree with a recount', async () => {
		await start('2026-12-03T18:00:00');
		const r = await submit(cmdA.client, { area: TOWN_A, date: '2026-12-03' });
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.on_time, false);
		const rates = (await admin.get(`/api/v1/reports/rates?area=${COUNTY}&from=2026-12-01&to=2026-12-03`)).body;
		const county = await report(admin, COUNTY, '2026-12-01');
		assert.equal(rates.expected, county.rates.expected * 3);
		assert.equal(rates.submitted, 4); // 社渚镇 on days 1, 2 and 3; 竹箦镇's nil report on day 2
		assert.equal(rates.on_time, 3);
		assert.equal(rates.completeness, Math.round((4 * 1000) / rates.expected) / 10);
		expectError(assert, await admin.get(`/api/v1/reports/rates?area=${COUNTY}&from=2026-12-03&to=2026-12-01`), 400, 'report.date_invalid', 'from');
		expectError(assert, await admin.get(`/api/v1/reports/rates?area=${COUNTY}&from=2025-01-01&to=2026-12-03`), 400, 'report.date_invalid', 'to');

		// the day's table, cell by cell as LibreOffice reads it
		const rows = await tableCells(admin, COUNTY, '2026-12-02');
		assert.match(rows[0][0], /^溧阳市疫情防控工作日报$/);
		assert.equal(rows[1][0], '填报单位：溧阳市');
		assert.ok(rows[1].includes('日期：2026年12月2日（截至16时）'), JSON.stringify(rows[1]));
		const head = rows[2];
		assert.deepEqual(head.slice(0, 4), ['单位', '报送', '累计排查', '今日新增排查']);
		assert.ok(head.includes('发热门诊就诊'), 'the typed figures have their columns');
		const col = (name) => head.indexOf(name);
		const a = rows.find((r) => r[0] === '社渚镇'), b = rows.find((r) => r[0] === '竹箦镇'), total = rows.find((r) => r[0] === '合计');
		assert.equal(a[1], '已报（已更正）');
		assert.equal(a[col('累计排查')], '3');
		assert.equal(a[col('今日新增发热')], '1');
		assert.equal(a[col('发热门诊就诊')], '1', 'the correction');
		assert.equal(b[1], '零报告');
		assert.equal(b[col('累计排查')], '1');
		assert.ok(rows.some((r) => r[1] === '未报'), 'a township that did not report says so');
		assert.equal(total[col('累计排查')], '4');
		assert.equal(total[col('发热门诊就诊')], '1');
		assert.ok(rows.some((r) => /^截至12月2日16时，全市累计排查重点地区来溧人员4人/.test(r[0])), 'the sentence');
		assert.ok(rows.some((r) => r[0] === '填报人：' && r.includes('审核人：')));
		assert.ok(rows.some((r) => /^导出：admin，2026-12-03T\d\d:\d\d:\d\dZ（UTC）$/.test(r[0])), 'who exported it and when');
		const audit = await admin.get('/api/v1/audit?action=report.download&limit=5');
		assert.equal(audit.body.items[0].object_id, `${COUNTY}:20261202`);
		expectError(assert, await cmdA.client.get(`/api/v1/reports/daily.xlsx?area=${TOWN_B}`), 404, 'area.not_found');
		await srv.stop({ keepDir: true });
		const check = await runOk(['check', '--db', db]);
		assert.match(check.stdout, /report counts: ok, \d+ agree with a recount/);
		srv = null;
	});
});
