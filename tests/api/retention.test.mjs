// Retention of personal data (PIPL, issue 16) through the API and the CLI, on SQLite and
// PostgreSQL: a file whose task is closed and whose observation ended more than the
// retention ago is anonymised (name → surname + 某, ID number and phone gone, address cut
// to the township and village, notes and timeline text gone, audit before/after scrubbed),
// a file with an open task stays, a file 29 days after its end stays; the daily report and
// the observation board read the same before and after; a rerun changes nothing; the run
// is idempotent by uuid; another township's commander sees nothing of township A; the
// preview counts what the run then does; the run's audit rows hold counts, no personal data.
// A file verified and still to be placed under observation (to_place) never expires; a
// passage waits for the handover task it opened; only county-level callers see the runs.
// A file and a duty matter written to after their anonymisation (a phone corrected, a
// note) are anonymised again 30 days after that write, not before. The idempotency keys
// have their indexes (PostgreSQL too).
//
// The clock: files are made at the real time, then the server is restarted with
// --clock-offset 31 days later (and `fangkong retention --at` checks day 29).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
	COUNTY,
	PG,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	dbSql,
	expectError,
	importReturnees,
	newUser,
	runOk,
	startServer,
	uuid,
} from './lib.mjs';

const DAY = 86400;
const PHONE = '13812340001'; // importReturnees'
const ids = {};

let srv, db, admin, cmdB, cmdA;
const files = {};
let taskZhang, obsZhang;

async function restart(offsetDays) {
	if (srv) await srv.stop({ keepDir: true });
	srv = await startServer({ db, args: ['--clock-offset', String(offsetDays * DAY)] });
	db = srv.db;
	admin = await adminClient(srv);
	for (const u of [cmdA, cmdB]) {
		if (!u) continue;
		u.client = new (admin.constructor)(srv.url);
		await u.client.mustLogin(u.username, u.password);
	}
}

const localDate = (offsetDays = 0) => new Date(Date.now() + 8 * 3600 * 1000 + offsetDays * DAY * 1000).toISOString().slice(0, 10);
const one = async (q) => (await dbSql(db, q)).stdout.trim();

const reportsOf = async (c) => ({
	daily: (await c.get(`/api/v1/reports/daily?area=${COUNTY}`)).body,
	town: (await c.get(`/api/v1/reports/daily?area=${TOWN_A}`)).body,
	board: (await c.get(`/api/v1/observation-board?area=${COUNTY}`)).body,
});
// what may differ between two reads of the same figures: when they were read
const stable = (o) => JSON.parse(JSON.stringify(o, (k, v) => (/(^|_)(at|now|generated|read)$/.test(k) ? undefined : v)));

describe('retention of personal data', () => {
	before(async () => {
		srv = await startServer();
		db = srv.db;
		admin = await adminClient(srv);
		cmdA = await newUser(srv, admin, { role: 'commander', area: TOWN_A });
		cmdB = await newUser(srv, admin, { role: 'commander', area: TOWN_B });
		await importReturnees(assert, admin, [['张三丰', '社渚镇社渚村幸福路19号'], ['欧阳娜娜', '社渚镇社渚村幸福路21号'], ['李四', '社渚镇社渚村幸福路23号'], ['王小二', '社渚镇社渚村幸福路25号']]);
		for (const [k, name] of [['zhang', '张三丰'], ['ouyang', '欧阳娜娜'], ['open', '李四'], ['toplace', '王小二']]) {
			const [id, idn] = (await one(`SELECT id, id_number FROM person WHERE name = '${name}'`)).split('|');
			files[k] = id;
			ids[k] = idn;
		}
		assert.ok(files.zhang && files.ouyang && files.open && files.toplace);
	});
	after(async () => {
		if (srv) await srv.stop();
	});

	it('closes the purpose of two files and leaves one open', async () => {
		// each task closed at the door with a note; zhang's outcome places him under
		// observation, begun yesterday, cut to today and released
		for (const k of ['zhang', 'ouyang']) {
			const t = await one(`SELECT id FROM task WHERE person_id = '${files[k]}' AND status = 'open'`);
			assert.ok(t, `${k} has an open task`);
			if (k === 'zhang') taskZhang = t;
			const c = await admin.post(`/api/v1/tasks/${t}/close`, { uuid: uuid(), outcome: k === 'zhang' ? 'observation' : 'duplicate', note: '电话13812340001核实，邻居王五作证' });
			assert.equal(c.status, 200, c.text);
		}
		const place = await admin.post('/api/v1/observations', { uuid: uuid(), person_id: files.zhang, place: '社渚村5组12号', start_date: localDate(-1) });
		assert.equal(place.status, 201, place.text);
		obsZhang = place.body.observation;
		const v = await admin.post(`/api/v1/observations/${obsZhang.id}/visits`, {
			uuid: uuid(), mode: 'in_person', saw_person: true, saw_home: true, saw_state: true, temperature: 36.6, note: '张三丰在家，邻居王五作证',
		});
		assert.equal(v.status, 201, v.text);
		const per = await admin.post(`/api/v1/observations/${obsZhang.id}/period`, { uuid: uuid(), end_date: localDate(0), reason: '提前解除' });
		assert.equal(per.status, 200, per.text);
		const rel = await admin.post(`/api/v1/observations/${obsZhang.id}/release`, { uuid: uuid(), note: '期满无异常' });
		assert.equal(rel.status, 200, rel.text);
		assert.ok(await one(`SELECT id FROM task WHERE person_id = '${files.open}' AND status = 'open'`), 'the third keeps its open task');
		// the fourth is verified for observation and never placed: to be placed (reminded
		// daily), its task closed
		const t = await one(`SELECT id FROM task WHERE person_id = '${files.toplace}' AND status = 'open'`);
		const c = await admin.post(`/api/v1/tasks/${t}/close`, { uuid: uuid(), outcome: 'observation', note: '核实，需居家观察' });
		assert.equal(c.status, 200, c.text);
		assert.equal(await one(`SELECT status FROM person WHERE id = '${files.toplace}'`), 'to_place');
	});

	it('has the idempotency keys indexed by object and by age', async () => {
		if (PG) {
			const q = await one("SELECT count(*) FROM pg_indexes WHERE tablename = 'idempotency' AND indexname IN ('idempotency_object', 'idempotency_created')");
			assert.equal(q, '2');
			return;
		}
		const scrub = await dbSql(db, "EXPLAIN QUERY PLAN DELETE FROM idempotency WHERE object_id IN (SELECT id FROM task WHERE person_id = 'x')");
		assert.match(scrub.stdout, /idempotency USING (COVERING )?INDEX idempotency_object/, scrub.stdout);
		const prune = await dbSql(db, 'EXPLAIN QUERY PLAN SELECT uuid FROM idempotency WHERE created_at <= 5 ORDER BY created_at LIMIT 500');
		assert.match(prune.stdout, /idempotency USING COVERING INDEX idempotency_created/, prune.stdout);
		assert.doesNotMatch(prune.stdout, /TEMP B-TREE/, 'no sort');
	});

	it('keeps everything 29 days after the end (fangkong retention --at)', async () => {
		const at = new Date(Date.now() + 29 * DAY * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		const dry = await runOk(['retention', '--db', db, '--at', at, '--dry-run']);
		assert.equal(JSON.parse(dry.stdout).counts.person, 0, dry.stdout);
		const r = await runOk(['retention', '--db', db, '--at', at]);
		const out = JSON.parse(r.stdout);
		assert.equal(out.state, 'done');
		assert.equal(out.counts.person, 0, r.stdout);
		const f = await admin.get(`/api/v1/persons/${files.zhang}`);
		assert.equal(f.body.name, '张三丰');
	});

	let before31, preview;
	it('previews in scope 31 days later; another township sees nothing of A', async () => {
		await restart(31);
		before31 = await reportsOf(admin);
		const p = await admin.get('/api/v1/retention');
		assert.equal(p.status, 200, p.text);
		preview = p.body;
		assert.equal(p.body.settings.days.person, 30);
		assert.equal(p.body.settings.run_hour, 3);
		assert.equal(p.body.preview.length, 30);
		assert.equal(p.body.preview[0].person, 2, JSON.stringify(p.body.preview[0]));
		const ids = p.body.due.map((d) => d.id).sort();
		assert.deepEqual(ids, [files.zhang, files.ouyang].sort(), 'a file to be placed under observation is not due');
		const z = p.body.due.find((d) => d.id === files.zhang);
		assert.equal(z.name, '张**', 'masked');
		assert.ok(!JSON.stringify(p.body).includes(ids.zhang));
		assert.ok(!JSON.stringify(p.body).includes(PHONE));

		const a = await cmdA.client.get('/api/v1/retention');
		assert.equal(a.status, 200);
		assert.equal(a.body.due.length, 2);
		const b = await cmdB.client.get('/api/v1/retention');
		assert.equal(b.status, 200, b.text);
		assert.equal(b.body.due.length, 0);
		assert.equal(b.body.due_total, 0);
		assert.ok(b.body.preview.every((d) => d.person === 0));
		// a township commander may read, not set, and nobody but a county admin runs
		expectError(assert, await cmdB.client.req('PUT', '/api/v1/retention/settings', { body: { uuid: uuid(), days: { person: 20 } } }), 403, 'retention.county_only');
		expectError(assert, await cmdA.client.post('/api/v1/retention/run', { uuid: uuid() }), 403, 'retention.admin_only');
		// a grid worker has no retention.manage
		const gw = await newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A });
		assert.equal((await gw.client.get('/api/v1/retention')).status, 403);
	});

	it('refuses settings out of bounds, saves good ones idempotently', async () => {
		const put = (body) => admin.req('PUT', '/api/v1/retention/settings', { body });
		expectError(assert, await put({ uuid: uuid(), days: { person: 0 } }), 400, 'retention.days', 'days');
		expectError(assert, await put({ uuid: uuid(), days: { person: 3651 } }), 400, 'retention.days', 'days');
		expectError(assert, await put({ uuid: uuid(), days: { person: '30' } }), 400, 'retention.days', 'days');
		expectError(assert, await put({ uuid: uuid(), days: { nobody: 30 } }), 400, 'field.value', 'days');
		expectError(assert, await put({ uuid: uuid(), run_hour: 24 }), 400, 'retention.hour', 'run_hour');
		expectError(assert, await put({ uuid: uuid(), extra: 1 }), 400, 'field.unknown', 'extra');
		const body = { uuid: uuid(), days: { checkpoint: 60, duty: 90 }, run_hour: 4 };
		const r = await put(body);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.days.checkpoint, 60);
		assert.equal(r.body.days.person, 30, 'left out: kept');
		assert.equal(r.body.run_hour, 4);
		assert.equal((await put(body)).status, 200);
		expectError(assert, await put({ ...body, run_hour: 5 }), 409, 'idempotency.conflict', 'uuid');
		const back = await put({ uuid: uuid(), days: { checkpoint: 30, duty: 30 }, run_hour: 3 });
		assert.equal(back.status, 200);
	});

	let run1;
	it('anonymises what has expired: what goes and what stays', async () => {
		const body = { uuid: uuid(), note: '演练' };
		const r = await admin.post('/api/v1/retention/run', body);
		assert.equal(r.status, 201, r.text);
		run1 = r.body;
		assert.equal(r.body.state, 'done');
		assert.equal(r.body.counts.person, preview.preview[0].person, 'the preview counted what the run did');
		// the same uuid: the same answer; another body: 409
		const again = await admin.post('/api/v1/retention/run', body);
		assert.equal(again.status, 200);
		assert.deepEqual(again.body, r.body);
		expectError(assert, await admin.post('/api/v1/retention/run', { ...body, note: '别的' }), 409, 'idempotency.conflict', 'uuid');

		const areas = await admin.get(`/api/v1/areas/${VILLAGE_A}`);
		const town = await admin.get(`/api/v1/areas/${TOWN_A}`);
		const f = await admin.get(`/api/v1/persons/${files.zhang}`);
		assert.equal(f.status, 200);
		assert.equal(f.body.name, '张某');
		assert.equal(f.body.address, `${town.body.name}${areas.body.name}`);
		assert.equal(f.body.area, VILLAGE_A, 'the resolved area stays');
		const rev = await admin.post(`/api/v1/persons/${files.zhang}/reveal`, {});
		assert.equal(rev.status, 200, rev.text);
		assert.ok(!rev.body.id_number, JSON.stringify(rev.body));
		assert.ok(!rev.body.phone, JSON.stringify(rev.body));
		assert.ok(f.body.timeline.length > 0, 'the events stay');
		assert.ok(f.body.timeline.every((e) => e.detail === null), 'their text goes');
		const text = JSON.stringify(f.body);
		for (const s of ['张三丰', ids.zhang, PHONE, '幸福路', '社渚村5组12号', '邻居王五']) assert.ok(!text.includes(s), `${s} gone: ${text}`);
		const o = await admin.get(`/api/v1/observations/${obsZhang.id}`);
		assert.equal(o.status, 200);
		assert.equal(o.body.status, 'released', 'statuses stay');
		assert.ok(!JSON.stringify(o.body).includes('邻居王五'));
		if (taskZhang) {
			const t = await admin.get(`/api/v1/tasks/${taskZhang}`);
			assert.equal(t.body.status, 'closed');
			assert.ok(!JSON.stringify(t.body).includes('邻居王五'));
		}
		// the origin of the journey: cut to a division's name ('湖北省武汉市' was the sheet's)
		const origin = await one(`SELECT origin FROM travel WHERE person_id = '${files.zhang}'`);
		assert.ok(!origin.includes('湖北省'), origin);
		if (origin) assert.equal(await one(`SELECT count(*) FROM division WHERE name = '${origin}'`), '1');
		const oy = await admin.get(`/api/v1/persons/${files.ouyang}`);
		assert.equal(oy.body.name, '欧阳某', 'a compound surname stays whole');
		const open = await admin.get(`/api/v1/persons/${files.open}`);
		assert.equal(open.body.name, '李四', 'an open file stays');
		const tp = await admin.get(`/api/v1/persons/${files.toplace}`);
		assert.equal(tp.body.name, '王小二', 'a file to be placed under observation stays');
		assert.equal(tp.body.status, 'to_place');

		// nothing of the files is left in the audit trail or the idempotency keys
		for (const s of [ids.zhang, ids.ouyang, '张三丰', '欧阳娜娜', '邻居王五']) {
			const q = await dbSql(db, `SELECT count(*) FROM audit WHERE before_json LIKE '%${s}%' OR after_json LIKE '%${s}%'`);
			assert.equal(q.stdout.trim(), '0', `audit still names ${s}`);
		}
		const kept = await dbSql(db, `SELECT count(*) FROM audit WHERE object_id = '${files.zhang}'`);
		assert.ok(Number(kept.stdout.trim()) > 0, 'the audit keeps who did what');
		const idem = await dbSql(db, `SELECT count(*) FROM idempotency WHERE object_id = '${files.zhang}'`);
		assert.equal(idem.stdout.trim(), '0');
		// the run's own audit rows: counts, no personal data
		const rows = await dbSql(db, `SELECT coalesce(after_json, '') FROM audit WHERE action LIKE 'retention.%' AND object_id = '${run1.id}'`);
		assert.ok(rows.stdout.includes('"person":2') || rows.stdout.includes('"count":2'), rows.stdout);
		for (const s of ['张', ids.zhang, PHONE, files.zhang]) assert.ok(!rows.stdout.includes(s), `run audit names ${s}`);
		// an audit row may only be scrubbed, never otherwise changed
		const upd = await dbSql(db, `UPDATE audit SET action = 'x' WHERE object_id = '${files.zhang}'`);
		assert.notEqual(upd.code, 0, 'audit rows stay append-only');
		assert.match(upd.stderr, /append-only/);
	});

	it('leaves the reports and the board as they were', async () => {
		const now = await reportsOf(admin);
		assert.deepEqual(stable(now), stable(before31));
	});

	it('a rerun changes nothing; the history lists the runs', async () => {
		const r = await admin.post('/api/v1/retention/run', { uuid: uuid() });
		assert.equal(r.status, 201);
		for (const [k, n] of Object.entries(r.body.counts)) assert.equal(n, 0, `${k}: ${n}`);
		const p = await admin.get('/api/v1/retention');
		assert.equal(p.body.preview[0].person, 0);
		assert.equal(p.body.due_total, 0);
		const h = await admin.get('/api/v1/retention/runs');
		assert.equal(h.status, 200);
		assert.ok(h.body.items.length >= 3);
		assert.ok(h.body.items.every((x) => x.state === 'done'), JSON.stringify(h.body.items.map((x) => x.state)));
		// the runs are the county's bookkeeping: a township commander gets none
		const ha = await cmdA.client.get('/api/v1/retention/runs');
		assert.equal(ha.status, 200, ha.text);
		assert.deepEqual(ha.body.items, []);
		assert.equal(h.body.items.find((x) => x.id === run1.id).counts.person, 2);
		const cli = await runOk(['retention', '--db', db]);
		assert.equal(JSON.parse(cli.stdout).counts.person, 0);
	});
	it('anonymises a checkpoint registration, a closure, a duty matter; deletes a message and an upload', async () => {
		const t0 = Math.floor(Date.now() / 1000) - 100 * DAY; // long over, whatever the clock
		const upload = join(srv.dir, 'old-upload.csv');
		await writeFile(upload, '姓名,身份证号码\n赵六,320481198001010011\n');
		const taskOpen = await one(`SELECT id FROM task WHERE person_id = '${files.open}' AND status = 'open'`);
		assert.ok(taskOpen);
		const stmts = [
			`INSERT INTO checkpoint(id, name, kind, area_code, opened_on, created_at, updated_at) VALUES ('cp-r', '东卡口', 'highway', '${TOWN_A}', 20260101, ${t0}, ${t0})`,
			`INSERT INTO passage(id, checkpoint_id, at, day, hour, shift, plate, plate_unreadable, plate_province, plate_key_area, vehicle_kind, direction, note, version, by_user, created_at, updated_at) VALUES ('ps-r', 'cp-r', ${t0}, 20260101, 8, 1, '苏D12345', 0, '苏', 0, 'car', 'in', '司机赵六说去常州', 1, 'x', ${t0}, ${t0})`,
			`INSERT INTO passage_person(passage_id, seq, name, id_number, id_valid, defects, phone, temp, origin, travel, destination, area_code, purpose, outcome, proposed, key_area) VALUES ('ps-r', 1, '司马懿', '320481198001010011', 1, '', '13700001111', 366, '武汉市', '武汉-常州', '社渚村幸福路8号', '${VILLAGE_A}', '探亲', 'passed', 'passed', 1)`,
			`INSERT INTO passage_person(passage_id, seq, name, id_number, id_valid, defects, phone, temp, origin, travel, destination, area_code, purpose, outcome, proposed, key_area) VALUES ('ps-r', 2, '司马昭', '320481198001010027', 1, '', '13700001112', 365, '武汉市洪山区光谷大道1号', '武汉-常州', '社渚村幸福路8号', '${VILLAGE_A}', '探亲', 'passed', 'passed', 1)`,
			`INSERT INTO passage_version(passage_id, version, body, reason, by_user, at) VALUES ('ps-r', 1, '{"name":"司马懿"}', '改电话', 'x', ${t0})`,
			`INSERT INTO duty_handover(id, post_id, day, idx, note, open_items, by_name, at, confirmed_by, confirmed_at, confirm_note) VALUES ('ho-r', '${TOWN_A}', 20260101, 0, '上官婉儿来电未回复', '[]', '值班员', ${t0}, '值班员乙', ${t0}, '已知上官婉儿的事')`,
			// a passage whose handover task (李四's, open) is still worked on
			`INSERT INTO passage(id, checkpoint_id, at, day, hour, shift, plate, plate_unreadable, plate_province, plate_key_area, vehicle_kind, direction, note, version, by_user, created_at, updated_at) VALUES ('ps-h', 'cp-r', ${t0}, 20260101, 9, 1, '苏D54321', 0, '苏', 0, 'car', 'in', '', 1, 'x', ${t0}, ${t0})`,
			`INSERT INTO passage_person(passage_id, seq, name, id_number, id_valid, defects, phone, temp, origin, travel, destination, area_code, purpose, outcome, proposed, key_area, task_id) VALUES ('ps-h', 1, '诸葛瑾', '320481198001010038', 1, '', '13700004444', 366, '武汉市', '武汉-常州', '社渚村幸福路9号', '${VILLAGE_A}', '探亲', 'handover', 'handover', 1, '${taskOpen}')`,
			`INSERT INTO closure(id, area_code, from_day, until_day, out_per, every_days, state, created_at, updated_at) VALUES ('cl-r', '${VILLAGE_A}', 20260101, 20260110, 1, 2, 'reopened', ${t0}, ${t0})`,
			`INSERT INTO closure_household(id, closure_id, head, address, members, phone, source, created_at, updated_at) VALUES ('hh-r', 'cl-r', '诸葛亮', '幸福路8号', 3, '13700002222', 'manual', ${t0}, ${t0})`,
			`INSERT INTO closure_pass(number, closure_id, kind, household_id, holder, issued_at) VALUES ('ABCDE12345', 'cl-r', 'resident', 'hh-r', '诸葛亮', ${t0})`,
			`INSERT INTO closure_gate(id, closure_id, name, created_at) VALUES ('gt-r', 'cl-r', '东门', ${t0})`,
			`INSERT INTO gate_record(id, closure_id, gate_id, number, household_id, direction, at, day, verdict, reason, person, override_reason, created_at) VALUES ('gr-r', 'cl-r', 'gt-r', 'ABCDE12345', 'hh-r', 'out', ${t0}, 20260101, 'green', 'ok', '诸葛亮', '看病', ${t0})`,
			`INSERT INTO duty_log(id, post_id, area_code, at, kind, from_name, from_contact, content, action, owner_id, owner_name, state, result, created_at, updated_at) VALUES ('d0000000-0000-4000-8000-000000000d10', '${TOWN_A}', '${TOWN_A}', ${t0}, 'call', '上官婉儿', '13700003333', '邻居从武汉回来了', '转村里核查', 'u', '值班员', 'closed', '已核查', ${t0}, ${t0})`,
			`INSERT INTO duty_log_event(log_id, seq, at, by_name, what, note) VALUES ('d0000000-0000-4000-8000-000000000d10', 1, ${t0}, '值班员', 'closed', '上官婉儿已回电')`,
			`INSERT INTO outbound(area_code, kind, url, body, next_at, status, created_at, sent_at) VALUES ('${TOWN_A}', 'wecom', 'https://example.invalid/x', '张**发热', ${t0}, 'sent', ${t0}, ${t0})`,
			`INSERT INTO import_job(id, user_id, username, area_code, filename, sha256, path, kind, status, created_at, finished_at) VALUES ('ij-r', 'u', 'x', '${TOWN_A}', 'old.csv', 'abc', '${upload}', 'returnee', 'done', ${t0}, ${t0})`,
			`INSERT INTO import_issue(import_id, line, code, severity, value, cells) VALUES ('ij-r', 2, 'id.checksum', 'error', '320481198001010012', '赵六,320481198001010012')`,
		];
		for (const q of stmts) {
			const r = await dbSql(db, q);
			assert.equal(r.code, 0, `${q}: ${r.stderr}`);
		}
		const p = await admin.get('/api/v1/retention');
		for (const c of ['checkpoint', 'closure', 'duty', 'outbound', 'import']) assert.equal(p.body.preview[0][c], 1, `${c} previewed`);
		const r = await admin.post('/api/v1/retention/run', { uuid: uuid() });
		assert.equal(r.status, 201, r.text);
		for (const c of ['checkpoint', 'closure', 'duty', 'outbound', 'import']) assert.equal(r.body.counts[c], 1, `${c}: ${r.text}`);
		assert.equal(await one("SELECT name || '|' || id_number || '|' || phone || '|' || destination || '|' || purpose || '|' || temp || '|' || origin FROM passage_person WHERE passage_id = 'ps-r' AND seq = 1"), '司马某|||||366|武汉市', 'an origin that is a division name stays');
		assert.equal(await one("SELECT name || '|' || origin FROM passage_person WHERE passage_id = 'ps-r' AND seq = 2"), '司马某|', 'free text in the origin goes');
		assert.equal(await one("SELECT note || '|' || confirm_note || '|' || by_name FROM duty_handover WHERE id = 'ho-r'"), '||值班员', 'an old handover keeps no notes');
		assert.equal(r.body.counts.handover_notes_emptied, 1, r.text);
		assert.equal(await one("SELECT plate || '|' || note FROM passage WHERE id = 'ps-r'"), '苏|');
		assert.equal(await one("SELECT name || '|' || phone FROM passage_person WHERE passage_id = 'ps-h'"), '诸葛瑾|13700004444', 'its handover task is open: kept');
		assert.equal(await one("SELECT body FROM passage_version WHERE passage_id = 'ps-r'"), '{}');
		assert.equal(await one("SELECT head || '|' || phone || '|' || address || '|' || members FROM closure_household WHERE id = 'hh-r'"), '诸葛某||hh-r|3');
		assert.equal(await one("SELECT holder FROM closure_pass WHERE number = 'ABCDE12345'"), '');
		assert.equal(await one("SELECT person || '|' || override_reason || '|' || verdict FROM gate_record WHERE id = 'gr-r'"), '||green');
		assert.equal(await one("SELECT from_name || '|' || from_contact || '|' || content || '|' || result || '|' || state FROM duty_log WHERE id = 'd0000000-0000-4000-8000-000000000d10'"), '上官某||||closed');
		assert.equal(await one("SELECT note FROM duty_log_event WHERE log_id = 'd0000000-0000-4000-8000-000000000d10'"), '');
		assert.equal(await one("SELECT count(*) FROM outbound WHERE body = '张**发热'"), '0');
		assert.equal(await one("SELECT count(*) FROM import_issue WHERE import_id = 'ij-r'"), '0');
		assert.equal(await one("SELECT filename FROM import_job WHERE id = 'ij-r'"), 'old.csv');
		assert.equal(existsSync(upload), false, 'the uploaded file is deleted');
		const again = await admin.post('/api/v1/retention/run', { uuid: uuid() });
		for (const [k, n] of Object.entries(again.body.counts)) assert.equal(n, 0, `${k}: ${n}`);
	});

	it('anonymises again what was written to an anonymised file or duty matter, 30 days after the write', async () => {
		// a phone corrected on 张某's file; a note added to the closed, anonymised matter
		const fix = await admin.post(`/api/v1/persons/${files.zhang}/fix`, { uuid: uuid(), phone: '13912345678' });
		assert.equal(fix.status, 200, fix.text);
		assert.equal(await one(`SELECT phone FROM person WHERE id = '${files.zhang}'`), '13912345678');
		const note = await admin.post('/api/v1/duty/log/d0000000-0000-4000-8000-000000000d10/note', { uuid: uuid(), note: '上官婉儿又来电13700009999' });
		assert.equal(note.status, 200, note.text);
		// the server's clock is 31 days on; 29 days after the writes: kept
		const at = (days) => new Date(Date.now() + days * DAY * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
		const dry = JSON.parse((await runOk(['retention', '--db', db, '--at', at(31 + 29), '--dry-run'])).stdout);
		assert.equal(dry.counts.person, 0, JSON.stringify(dry));
		assert.equal(dry.counts.duty, 0, JSON.stringify(dry));
		// 31 days after them: anonymised again
		const r = JSON.parse((await runOk(['retention', '--db', db, '--at', at(31 + 31)])).stdout);
		assert.equal(r.counts.person, 1, JSON.stringify(r));
		assert.equal(r.counts.duty, 1, JSON.stringify(r));
		assert.equal(await one(`SELECT name || '|' || phone FROM person WHERE id = '${files.zhang}'`), '张某|');
		assert.equal(await one("SELECT count(*) FROM duty_log_event WHERE note LIKE '%13700009999%'"), '0');
		assert.equal(await one("SELECT count(*) FROM audit WHERE after_json LIKE '%13912345678%' OR before_json LIKE '%13912345678%'"), '0');
		// and once is enough: the scrub itself is no change
		const again = JSON.parse((await runOk(['retention', '--db', db, '--at', at(31 + 32)])).stdout);
		assert.equal(again.counts.person, 0, JSON.stringify(again));
		assert.equal(again.counts.duty, 0, JSON.stringify(again));
	});
});
