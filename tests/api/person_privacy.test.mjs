// Security issue 8, findings 5 and 10: what a person file gives away.
//
// 5. A reader without person.reveal (a social worker) must not be able to rebuild an ID
//    number from a masked file: the mask together with everything else shown (sex, birth
//    year, area) leaves at least 10^4 numbers, counted here from the replies themselves.
//    Searching by ID number or phone never puts the number in a URL (POST
//    /persons/search), is limited per account (each search tests one candidate), and every
//    search is audited by kind, never by what was searched.
// 10. Registering a person whose number is on file in another township answers exactly as
//    for an unknown person; only the commander over both files learns of the duplicate.
//    A timeline never names a file outside its reader's area.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

import {
	COUNTY,
	TOWN_A,
	TOWN_B,
	VILLAGE_A,
	adminClient,
	expectError,
	idCheckChar,
	makeId,
	newUser,
	startServer,
	uuid,
	waitFor,
} from './lib.mjs';

const HEKOU = '320481116002'; // 河口居委会, 社渚镇

const ymd = (d) => `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
const today = new Date();
const tenDaysAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 10);

const P = {
	wu: { name: '武私密', id: makeId('19800115', 123), phone: '13912340001', address: '社渚村1组' },
	baby: { name: '宝私密', id: makeId(ymd(tenDaysAgo), 124), phone: '', address: '社渚村2组' },
	twin: { name: '孪私密', id: makeId('19720707', 125), phone: '13912340003', address: '社渚村3组' },
};

/**
 * Counts the ID numbers consistent with what a reader saw: the mask (the county of the
 * file's area written in where the mask hides it: the likeliest guess), the sex, and the
 * birth year (null: born in the year of the day 30 days ago or later).
 */
function candidates(masked, area, sex, birthYear) {
	assert.equal(masked.length, 18, masked);
	const pat = [...masked];
	for (let i = 0; i < 6; i++) if (pat[i] === '*') pat[i] = area[i];
	const from = birthYear ? new Date(birthYear, 0, 1) : new Date(new Date(today - 30 * 864e5).getFullYear(), 0, 1);
	const to = birthYear ? new Date(birthYear, 11, 31) : today;
	const fits = (s, at) => [...s].every((c, i) => pat[at + i] === '*' || pat[at + i] === c);
	let n = 0;
	for (let d = new Date(from); d <= to; d.setDate(d.getDate() + 1)) {
		const date = ymd(d);
		if (!fits(date, 6)) continue;
		for (let seq = 0; seq < 1000; seq++) {
			const sq = String(seq).padStart(3, '0');
			if (!fits(sq, 14) || (sex && (seq % 2 === 1) !== (sex === 'M'))) continue;
			const s17 = pat.slice(0, 6).join('') + date + sq;
			if (pat[17] === '*' || pat[17] === idCheckChar(s17)) n++;
		}
	}
	return n;
}

let srv;
let admin;
let VILLAGE_B; // a village of 竹箦镇
let cmdA, cmdB, county, gwA, swA, gwHekou, cpA;
const file = {}; // key → person id

async function register(client, area, p) {
	const body = { uuid: uuid(), area, name: p.name, id_number: p.id, address: p.address };
	if (p.phone) body.phone = p.phone;
	return client.post('/api/v1/persons', body);
}

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	const town = await admin.get(`/api/v1/areas/${TOWN_B}`);
	assert.equal(town.status, 200, town.text);
	VILLAGE_B = town.body.children.find((x) => x.level === 'village').code;
	[cmdA, cmdB, county, gwA, swA, gwHekou, cpA] = await Promise.all([
		newUser(srv, admin, { role: 'commander', area: TOWN_A }),
		newUser(srv, admin, { role: 'commander', area: TOWN_B }),
		newUser(srv, admin, { role: 'commander', area: COUNTY }),
		newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'social_worker', area: VILLAGE_A }),
		newUser(srv, admin, { role: 'grid_worker', area: HEKOU }),
		newUser(srv, admin, { role: 'checkpoint_staff', area: VILLAGE_A }),
	]);
	for (const k of ['wu', 'baby', 'twin']) {
		const r = await register(gwA.client, VILLAGE_A, P[k]);
		assert.equal(r.status, 201, r.text);
		file[k] = r.body.id;
	}
});
after(async () => {
	await srv?.stop();
});

describe('masked files cannot be rebuilt', () => {
	it('a social worker sees the first 6 characters, sex and birth year: >= 10^4 numbers', async () => {
		const c = swA.client;
		const found = await c.get(`/api/v1/persons?q=${encodeURIComponent('武私')}`);
		assert.equal(found.status, 200, found.text);
		const fileR = await c.get(`/api/v1/persons/${file.wu}`);
		assert.equal(fileR.status, 200, fileR.text);
		const byId = await c.post('/api/v1/persons/search', { q: P.wu.id });
		assert.equal(byId.status, 200, byId.text);
		for (const p of [found.body.items[0], fileR.body, byId.body.items[0]]) {
			assert.equal(p.id, file.wu);
			assert.equal(p.id_number, '320481************');
			assert.equal(p.birth_year, 1980);
			assert.equal(p.sex, 'M'); // sequence 123: odd
			assert.ok(!('birth' in p), 'no full birth date beside a masked number');
			const n = candidates(p.id_number, p.area, p.sex, p.birth_year);
			assert.ok(n >= 10000, `only ${n} candidate numbers`);
		}
		for (const r of [found, fileR, byId]) {
			assert.ok(!r.text.includes(P.wu.id), 'the full number in a reply');
			assert.ok(!r.text.includes('19800115'), 'the birth date in a reply');
			assert.ok(!r.text.includes(P.wu.id.slice(10)), 'the end of the number in a reply');
			assert.ok(!r.text.includes(P.wu.phone), 'the full phone in a reply');
		}
	});

	it('a newborn shows no birth year (it would narrow the number to a few days)', async () => {
		const r = await swA.client.get(`/api/v1/persons/${file.baby}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.birth_year, null);
		assert.equal(r.body.id_number, '320481************');
		const n = candidates(r.body.id_number, r.body.area, r.body.sex, null);
		assert.ok(n >= 10000, `only ${n} candidate numbers`);
	});

	it('the full values come from the audited reveal only', async () => {
		expectError(assert, await swA.client.post(`/api/v1/persons/${file.wu}/reveal`, {}), 403, 'forbidden');
		const r = await gwA.client.post(`/api/v1/persons/${file.wu}/reveal`, {});
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.body, { id: file.wu, id_number: P.wu.id, phone: P.wu.phone, birth: 19800115 });
	});
});

describe('search: numbers never in a URL, audited by kind', () => {
	it('GET refuses a q with an ID number or phone, and still answers names', async () => {
		const c = gwA.client;
		for (const q of [P.wu.id, P.wu.id.slice(0, 6), P.wu.phone, '+86 139 1234 0001', '３２０４８１', '139123', 'E12345678']) {
			const r = await c.get(`/api/v1/persons?q=${encodeURIComponent(q)}`);
			expectError(assert, r, 400, 'query.number_in_url', 'q');
			assert.ok(r.body.error.message.includes('POST /api/v1/persons/search'), r.text);
		}
		const en = await c.get(`/api/v1/persons?q=${encodeURIComponent(P.wu.phone)}`, { lang: 'en' });
		assert.match(en.body.error.message, /not go in a URL/);
		const names = await c.get(`/api/v1/persons?q=${encodeURIComponent('武')}`);
		assert.equal(names.status, 200, names.text);
		assert.deepEqual(names.body.items.map((x) => x.id), [file.wu]);
		const few = await c.get(`/api/v1/persons?q=${encodeURIComponent('武1234')}`); // four digits: a name search
		assert.equal(few.status, 200, few.text);
	});

	it('POST /persons/search answers what GET answers, for any q', async () => {
		const c = gwA.client;
		for (const q of ['武', '私', '孪私密']) {
			const g = await c.get(`/api/v1/persons?q=${encodeURIComponent(q)}&limit=7`);
			const p = await c.post('/api/v1/persons/search', { q, limit: 7 });
			assert.equal(p.status, g.status, p.text);
			assert.deepEqual(p.body, g.body);
		}
		let r = await c.post('/api/v1/persons/search', { q: P.twin.id.toLowerCase() });
		assert.deepEqual(r.body.items.map((x) => x.id), [file.twin]);
		r = await c.post('/api/v1/persons/search', { q: '+86 139 1234 0001' });
		assert.deepEqual(r.body.items.map((x) => x.id), [file.wu]);
		r = await c.post('/api/v1/persons/search', { q: '宝', limit: 1 });
		assert.deepEqual(r.body.items.map((x) => x.id), [file.baby]);
		// out of scope: nothing, as GET
		r = await cmdB.client.post('/api/v1/persons/search', { q: P.wu.id });
		assert.deepEqual(r.body, { items: [] });
	});

	it('POST /persons/search checks its body like GET checks its query', async () => {
		const c = gwA.client;
		expectError(assert, await c.post('/api/v1/persons/search', {}), 400, 'query.invalid', 'q');
		expectError(assert, await c.post('/api/v1/persons/search', { q: '' }), 400, 'query.invalid', 'q');
		expectError(assert, await c.post('/api/v1/persons/search', { q: '字'.repeat(41) }), 400, 'query.invalid', 'q');
		expectError(assert, await c.post('/api/v1/persons/search', { q: 5 }), 400, 'field.type', 'q');
		expectError(assert, await c.post('/api/v1/persons/search', { q: '武', limit: 0 }), 400, 'query.invalid', 'limit');
		expectError(assert, await c.post('/api/v1/persons/search', { q: '武', limit: 201 }), 400, 'query.invalid', 'limit');
		expectError(assert, await c.post('/api/v1/persons/search', { q: '武', limit: '5' }), 400, 'query.invalid', 'limit');
		expectError(assert, await c.post('/api/v1/persons/search', { q: '武', page: 2 }), 400, 'field.unknown', 'page');
		expectError(assert, await c.post('/api/v1/persons/search', { q: P.wu.id }, { csrf: false }), 403, 'csrf.invalid');
		expectError(assert, await cpA.client.post('/api/v1/persons/search', { q: P.wu.id }), 403, 'forbidden');
	});

	it('searches by number are limited per account without person.reveal (each tests a candidate)', async () => {
		const { client } = await newUser(srv, admin, { role: 'social_worker', area: VILLAGE_A });
		// fixed one-minute windows of 30: 61 searches in under a minute fill one of them
		const rs = [];
		for (let i = 0; i < 61; i++) rs.push(await client.post('/api/v1/persons/search', { q: makeId('19800115', 200 + i) }));
		const refused = rs.filter((r) => r.status === 429);
		assert.ok(refused.length >= 1, rs.map((r) => r.status).join(' '));
		assert.ok(rs.every((r) => r.status === 200 || r.status === 429));
		expectError(assert, refused[0], 429, 'rate.limited', 'q');
		// names are not numbers: still answered, and other accounts are not slowed
		assert.equal((await client.post('/api/v1/persons/search', { q: '武' })).status, 200);
		assert.equal((await swA.client.post('/api/v1/persons/search', { q: P.wu.id })).status, 200);
		// a role that may reveal learns nothing from trying numbers: not limited
		for (let i = 0; i < 61; i++)
			assert.equal((await gwA.client.post('/api/v1/persons/search', { q: makeId('19800115', 300 + i) })).status, 200);
	});

	it('every search writes one audit row with its kind and count, never the text', async () => {
		const c = swA.client;
		// the audit rows of reads are queued behind the writer (sq_write_async): a durable
		// write answered after them means every search of the tests before is in the log
		assert.equal((await c.post('/api/v1/notifications/read', { uuid: randomUUID(), all: true })).status, 200);
		const before = await admin.get('/api/v1/audit?action=person.search&limit=200');
		const seen = new Set(before.body.items.map((x) => x.id));
		await c.post('/api/v1/persons/search', { q: P.twin.id });
		await c.post('/api/v1/persons/search', { q: P.twin.phone });
		await c.get(`/api/v1/persons?q=${encodeURIComponent(P.twin.name)}`);
		const rows = await waitFor(async () => {
			const r = await admin.get('/api/v1/audit?action=person.search&limit=200');
			const mine = r.body.items.filter((x) => !seen.has(x.id) && x.user === swA.username);
			return mine.length >= 3 ? mine : null;
		}, { what: 'three person.search rows' });
		assert.equal(rows.length, 3);
		assert.deepEqual(rows.map((x) => x.after.kind).sort(), ['id_number', 'name', 'phone']);
		for (const x of rows) {
			assert.equal(x.after.found, 1);
			assert.equal(x.area, VILLAGE_A);
			const text = JSON.stringify(x);
			for (const v of [P.twin.id, P.twin.phone, P.twin.name, P.twin.id.slice(6, 14)])
				assert.ok(!text.includes(v), `audit row shows ${v}: ${text}`);
		}
	});
});

describe('registering a person on file in another township', () => {
	/** The reply without what differs between any two new files. */
	const shape = (b) => {
		const { id, name, address, area, area_name, birth_year, sex, id_number, phone, ...rest } = b;
		return { ...rest, id: typeof id, id_number: id_number.length, phone: phone.length };
	};

	it('answers exactly as for an unknown person, and the next registration finds the new file', async () => {
		const c = cmdB.client;
		const fresh = { name: '新私密', id: makeId('19720808', 126), phone: '13912340004', address: '竹箦村1组' };
		const elsewhere = { ...P.twin, address: '竹箦村2组' };
		const rf = await register(c, VILLAGE_B, elsewhere);
		const ru = await register(c, VILLAGE_B, fresh);
		assert.equal(rf.status, 201, rf.text);
		assert.equal(ru.status, 201, ru.text);
		assert.deepEqual(shape(rf.body), shape(ru.body));
		assert.equal(rf.body.id_valid, true);
		assert.deepEqual(rf.body.defects, []);
		assert.equal(rf.body.duplicate_of, null);
		assert.equal(rf.body.merged, false);
		assert.equal(rf.body.area, VILLAGE_B);
		assert.notEqual(rf.body.id, file.twin);
		file.twinB = rf.body.id;
		assert.ok(!rf.text.includes(file.twin), 'the other file named');

		// again: both add to the file just made
		const af = await register(c, VILLAGE_B, elsewhere);
		const au = await register(c, VILLAGE_B, fresh);
		assert.equal(af.status, 200, af.text);
		assert.equal(au.status, 200, au.text);
		assert.equal(af.body.id, file.twinB);
		assert.equal(af.body.merged, true);
		assert.deepEqual(shape(af.body), shape(au.body));

		// the township reads, searches and lists as for any file of its own
		const fileB = await c.get(`/api/v1/persons/${file.twinB}`);
		assert.equal(fileB.status, 200, fileB.text);
		assert.deepEqual(fileB.body.tasks, []);
		assert.ok(!fileB.text.includes(file.twin), 'the other file named');
		const s = await c.post('/api/v1/persons/search', { q: P.twin.id });
		assert.deepEqual(s.body.items.map((x) => x.id), [file.twinB]);
		const tasks = await c.get('/api/v1/tasks?limit=200');
		assert.ok(!tasks.text.includes(file.twinB), tasks.text);
		const audit = await c.get('/api/v1/audit?limit=200');
		assert.ok(!audit.body.items.some((x) => x.action === 'person.duplicate'), 'the duplicate shown to the township');
	});

	it('leaves the other township\'s file alone', async () => {
		const r = await cmdA.client.get(`/api/v1/persons/${file.twin}`);
		assert.equal(r.status, 200, r.text);
		assert.equal(r.body.area, VILLAGE_A);
		assert.equal(r.body.address, P.twin.address);
		assert.deepEqual(r.body.timeline.map((e) => e.kind), ['created']);
		assert.equal(r.body.duplicate_of, null);
		const s = await cmdA.client.post('/api/v1/persons/search', { q: P.twin.id });
		assert.deepEqual(s.body.items.map((x) => x.id), [file.twin]);
	});

	it('the county sees both files, the flag, a task and an audit row, and merges them', async () => {
		const c = county.client;
		const s = await c.post('/api/v1/persons/search', { q: P.twin.id });
		assert.deepEqual(s.body.items.map((x) => x.id).sort(), [file.twin, file.twinB].sort());
		const dup = s.body.items.find((x) => x.id === file.twinB);
		assert.deepEqual(dup.defects, ['duplicate.elsewhere']);
		assert.equal(dup.duplicate_of, file.twin);
		assert.equal(dup.id_valid, true);
		assert.equal(s.body.items.find((x) => x.id === file.twin).duplicate_of, null);

		const tasks = await c.get('/api/v1/tasks?limit=200');
		assert.equal(tasks.status, 200, tasks.text);
		const t = tasks.body.items.find((x) => x.person_id === file.twinB);
		assert.ok(t, tasks.text);
		assert.equal(t.area, COUNTY);
		assert.deepEqual(t.defects, ['duplicate.elsewhere']);

		const audit = await waitFor(async () => {
			const r = await c.get('/api/v1/audit?action=person.duplicate&limit=50');
			return r.body.items.find((x) => x.object_id === file.twinB);
		}, { what: 'the person.duplicate audit row' });
		assert.equal(audit.area, COUNTY);
		assert.deepEqual(audit.after, { duplicate_of: file.twin, duplicate_area: VILLAGE_A });

		const m = await c.post(`/api/v1/persons/${file.twin}/merge`, { uuid: uuid(), other: file.twinB });
		assert.equal(m.status, 200, m.text);
		const after = await c.post('/api/v1/persons/search', { q: P.twin.id });
		assert.deepEqual(after.body.items.map((x) => x.id), [file.twin]);
	});
});

describe('timelines name files in the reader\'s area only', () => {
	it('possible_duplicate_of is shown to the importer, not to a village that cannot see the other file', async () => {
		const look = { name: '钱私密', phone: '13912340009' };
		const first = await cmdA.client.post('/api/v1/persons', { uuid: uuid(), area: VILLAGE_A, name: look.name, phone: look.phone, address: '社渚村9组' });
		assert.equal(first.status, 201, first.text);
		const fd = new FormData();
		fd.append('file', new Blob([Buffer.from(`\uFEFF姓名,联系电话,现住址\r\n${look.name},${look.phone},社渚镇河口居委会幸福路9号\r\n`, 'utf8')]), 'look.csv');
		const up = await cmdA.client.post('/api/v1/imports', fd);
		assert.equal(up.status, 202, up.text);
		await waitFor(async () => (await cmdA.client.get(`/api/v1/imports/${up.body.id}`)).body.status === 'done', { what: 'the import' });
		const s = await cmdA.client.get(`/api/v1/persons?q=${encodeURIComponent(look.name)}`);
		const second = s.body.items.find((x) => x.id !== first.body.id);
		assert.ok(second, s.text);
		assert.equal(second.area, HEKOU);

		const mine = await cmdA.client.get(`/api/v1/persons/${second.id}`);
		const pushed = mine.body.timeline.find((e) => e.kind === 'pushed');
		assert.equal(pushed.detail.possible_duplicate_of, first.body.id);

		const theirs = await gwHekou.client.get(`/api/v1/persons/${second.id}`);
		assert.equal(theirs.status, 200, theirs.text);
		const pushedThere = theirs.body.timeline.find((e) => e.kind === 'pushed');
		assert.ok(pushedThere, theirs.text);
		assert.ok(!('possible_duplicate_of' in pushedThere.detail), JSON.stringify(pushedThere));
		assert.ok(!theirs.text.includes(first.body.id), 'a file of another village named');
	});
});
