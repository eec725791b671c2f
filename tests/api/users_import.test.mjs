// Accounts from a spreadsheet (issue 10, item 10): the template a caller gets (drop-downs of
// what they may grant and manage, an example row, instructions), and the import — all or
// none, row errors in zh and en, must-change-at-first-login, one audit row per account,
// idempotent by the uuid (a replay answers the accounts without their passwords).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client, TOWN_A, TOWN_B, VILLAGE_A, adminClient, expectError, newUser, startServer, uuid } from './lib.mjs';

let srv;
let admin;
let cmd; // a commander of 社渚镇
let grid; // a grid of 社渚村, by name
let townB; // a village of 竹箦镇 (outside the commander's scope)
let tmp;

function upload(bytes, filename, fields = {}) {
	const fd = new FormData();
	for (const [k, v] of Object.entries(fields)) fd.append(k, String(v));
	fd.append('file', new Blob([bytes]), filename);
	return fd;
}
const csv = (rows) => Buffer.from('\uFEFF' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n', 'utf8');
const HEAD = ['姓名', '手机号', '角色', '所属区域', '用户名'];
const send = (c, bytes, name = 'accounts.csv', u = uuid(), lang) =>
	c.req('POST', '/api/v1/users/import', { body: upload(bytes, name, { uuid: u }), lang });

/** The template as c sees it, saved; {path, sheet, lists, help}. */
async function template(c) {
	const res = await fetch(`${srv.url}/api/v1/users/import/template`, { headers: { Cookie: `fk_session=${c.cookie}` } });
	assert.equal(res.status, 200);
	assert.match(res.headers.get('content-type'), /spreadsheetml/);
	const path = join(tmp, `t-${uuid()}.xlsx`);
	writeFileSync(path, Buffer.from(await res.arrayBuffer()));
	const part = (p) => execFileSync('unzip', ['-p', path, p]).toString('utf8');
	const book = part('xl/workbook.xml');
	const strings = part('xl/sharedStrings.xml');
	return { path, book, strings, sheet: part('xl/worksheets/sheet1.xml'), part };
}

/** The template with rows appended to its first sheet (inline strings), as a new .xlsx. */
function filled(t, rows) {
	const dir = mkdtempSync(join(tmp, 'x-'));
	execFileSync('unzip', ['-q', t.path, '-d', dir]);
	const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
	let xml = '';
	rows.forEach((cells, i) => {
		const r = 3 + i; // row 1 header, row 2 the example
		xml += `<row r="${r}">${cells.map((v, c) => `<c r="${String.fromCharCode(65 + c)}${r}" t="inlineStr"><is><t>${esc(v)}</t></is></c>`).join('')}</row>`;
	});
	const p = join(dir, 'xl/worksheets/sheet1.xml');
	writeFileSync(p, readFileSync(p, 'utf8').replace('</sheetData>', `${xml}</sheetData>`));
	const out = join(tmp, `f-${uuid()}.xlsx`);
	execFileSync('zip', ['-q', '-r', out, '.'], { cwd: dir });
	return readFileSync(out);
}

before(async () => {
	srv = await startServer();
	admin = await adminClient(srv);
	tmp = mkdtempSync(join(tmpdir(), 'fk-uimp-'));
	grid = await admin.createArea(VILLAGE_A, '导入一网格');
	const b = await admin.get(`/api/v1/areas/${TOWN_B}`);
	townB = b.body.children[0];
	cmd = await newUser(srv, admin, { role: 'commander', area: TOWN_A });
});
after(async () => {
	await srv?.stop();
	if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the template', () => {
	it('is the caller\'s: drop-downs of the roles they may grant and the areas they manage, an example row, instructions', async () => {
		const t = await template(cmd.client);
		assert.match(t.book, /name="账号"/);
		assert.match(t.book, /name="填写说明"/);
		assert.match(t.book, /name="lists" sheetId="3" state="hidden"/);
		// header and example row
		for (const h of ['姓名', '手机号', '角色', '所属区域', '用户名', '备注']) assert.ok(t.strings.includes(`<t>${h}</t>`), h);
		assert.match(t.strings, /<t>示例（导入时跳过/);
		assert.match(t.strings, /填写说明 \/ Instructions/);
		// two list drop-downs on the data rows, from the hidden sheet
		const dv = t.sheet.match(/<dataValidations count="2">.*<\/dataValidations>/);
		assert.ok(dv, `data validation in the sheet: ${t.sheet.slice(-800)}`);
		assert.match(dv[0], /type="list"[^>]*sqref="C2:C501"><formula1>'lists'!\$C\$1:\$C\$\d+<\/formula1>/);
		assert.match(dv[0], /sqref="D2:D501"><formula1>'lists'!\$D\$1:\$D\$\d+<\/formula1>/);
		// the lists: grantable roles only, areas in scope only (with their codes)
		assert.ok(t.strings.includes('<t>网格员</t>') && t.strings.includes('<t>指挥部</t>'), 'grantable roles listed');
		assert.ok(!t.strings.includes('<t>系统管理员</t>'), 'a commander cannot grant admin');
		assert.ok(t.strings.includes(`<t>导入一网格 (${grid.code})</t>`), 'an area in scope, with its code');
		assert.ok(!t.strings.includes(`(${townB.code})`), 'no area outside the scope');
	});

	it('needs the right to manage accounts', async () => {
		const w = await newUser(srv, admin, { role: 'grid_worker', area: VILLAGE_A });
		assert.equal((await w.client.get('/api/v1/users/import/template')).status, 403);
	});
});

describe('importing', () => {
	it('a good file (the filled template) creates every account, to change its password at first login', async () => {
		const t = await template(cmd.client);
		const bytes = filled(t, [
			['王小明', '13812340001', '网格员', `导入一网格 (${grid.code})`, ''],
			['李红', '138 1234 0002', '社区医生', '社渚村', 'lihong.doc'],
			['赵强', '13812340003', 'cadre', VILLAGE_A, ''],
		]);
		const u = uuid();
		const r = await send(cmd.client, bytes, 'accounts.xlsx', u);
		assert.equal(r.status, 201, r.text);
		assert.equal(r.body.id, u);
		assert.equal(r.body.count, 3, 'the example row is skipped');
		assert.equal(r.body.passwords_shown, true);
		const [a, b, c] = r.body.accounts;
		assert.equal(a.username, 'wxm1', 'made from the pinyin initials');
		assert.equal(a.display_name, '王小明');
		assert.equal(a.role, 'grid_worker');
		assert.equal(a.area, grid.code);
		assert.equal(b.username, 'lihong.doc');
		assert.equal(b.phone, '13812340002');
		assert.equal(b.area, VILLAGE_A, '社渚村 names 社渚村村委会');
		assert.equal(c.role, 'cadre');
		for (const x of r.body.accounts) {
			assert.equal(x.must_change_password, true);
			assert.match(x.initial_password, /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/);
		}
		// one signs in and must change the password first
		const w = new Client(srv.url);
		const lr = await w.login(a.username, a.initial_password);
		assert.equal(lr.status, 200, lr.text);
		assert.equal(lr.body.must_change_password, true);
		expectError(assert, await w.get('/api/v1/tasks'), 403, 'password.must_change');

		// audited: the import, and one row per account — never a password or a full phone
		const rid = r.headers.get('x-request-id');
		const rows = (await admin.get('/api/v1/audit?limit=200')).body.items.filter((x) => x.request_id === rid);
		assert.deepEqual(rows.map((x) => x.action).sort(), ['user.create', 'user.create', 'user.create', 'user.import']);
		const text = JSON.stringify(rows);
		assert.ok(!text.includes('13812340001') && !text.includes(a.initial_password), text);
		assert.ok(text.includes('138****0001'), 'the phone masked');

		// a replay: the same accounts, no passwords, nothing created
		const again = await send(cmd.client, bytes, 'accounts.xlsx', u);
		assert.equal(again.status, 200, again.text);
		assert.equal(again.body.replayed, true);
		assert.equal(again.body.passwords_shown, false);
		assert.deepEqual(again.body.accounts.map((x) => x.id), r.body.accounts.map((x) => x.id));
		assert.ok(again.body.accounts.every((x) => !('initial_password' in x)));
		// another file under the same uuid
		const other = filled(t, [['孙丽', '13812340009', '网格员', VILLAGE_A, '']]);
		expectError(assert, await send(cmd.client, other, 'accounts.xlsx', u), 409, 'idempotency.conflict', 'uuid');
	});

	it('a file with any bad row creates nothing: 422 with every problem by row and field', async () => {
		const rows = [
			HEAD,
			['好人甲', '13812345001', '网格员', VILLAGE_A, 'good.one'],
			['越权', '13812345002', '系统管理员', VILLAGE_A, ''],
			['外镇', '13812345003', '网格员', townB.code, ''],
			['外镇名', '13812345004', '网格员', townB.name, ''],
			['', '12345', '队长', '不存在村', 'admin'],
			['重复', '13812345001', '网格员', VILLAGE_A, 'good.one'],
		];
		const r = await send(cmd.client, csv(rows));
		assert.equal(r.status, 422, r.text);
		assert.equal(r.body.error.code, 'user.import.rows');
		const got = r.body.error.rows.map((x) => `${x.line} ${x.field} ${x.code}`);
		assert.deepEqual(got, [
			'3 role user.import.role_not_grantable',
			'4 area user.import.area',
			'5 area user.import.area',
			'6 name user.import.name',
			'6 phone user.import.phone',
			'6 role user.import.role',
			'6 area user.import.area',
			'6 username user.import.username_taken',
			'7 phone user.import.phone_repeated',
			'7 username user.import.username_repeated',
		]);
		assert.ok(r.body.error.rows.every((x) => /[\u4e00-\u9fff]/.test(x.message)), 'messages in Chinese');
		const en = await send(cmd.client, csv(rows), 'accounts.csv', uuid(), 'en');
		assert.equal(en.status, 422);
		assert.match(en.body.error.message, /no account was created/);
		assert.match(en.body.error.rows[0].message, /cannot grant/);
		const list = await admin.get('/api/v1/users?q=good.one');
		assert.equal(list.body.items.length, 0, 'the good row was not created either');
	});

	it('a name shared by two areas must be told apart', async () => {
		await admin.createArea(VILLAGE_A, '同名网格');
		const v2 = (await admin.get(`/api/v1/areas/${TOWN_A}`)).body.children.find((x) => x.code !== VILLAGE_A && x.level === 'village');
		await admin.createArea(v2.code, '同名网格');
		const r = await send(cmd.client, csv([HEAD, ['钱多', '13812346001', '网格员', '同名网格', '']]));
		assert.equal(r.status, 422, r.text);
		assert.equal(r.body.error.rows[0].code, 'user.import.area_ambiguous');
	});

	it('refuses a file without the columns, without rows, or too long', async () => {
		expectError(assert, await send(cmd.client, csv([['姓名', '备注'], ['甲', 'x']])), 400, 'user.import.header', 'file');
		expectError(assert, await send(cmd.client, csv([['姓名', '手机号', '角色'], ['甲', '13800000000', '网格员']])), 400, 'user.import.header', 'area');
		expectError(assert, await send(cmd.client, csv([HEAD, ['张三', '13800138000', '网格员', VILLAGE_A, '', '示例']])), 400, 'user.import.empty', 'file');
		const many = [HEAD];
		for (let i = 0; i < 501; i++) many.push([`人${i}`, `1381235${String(i).padStart(4, '0')}`, '网格员', VILLAGE_A, '']);
		expectError(assert, await send(cmd.client, csv(many)), 400, 'user.import.too_many', 'file');
		expectError(assert, await cmd.client.req('POST', '/api/v1/users/import', { body: upload(csv([HEAD]), 'a.csv') }), 400, 'field.required', 'uuid');
		expectError(assert, await send(cmd.client, Buffer.from('PK\x03\x04broken'), 'a.xlsx'), 400, 'import.file.invalid', 'file');
	});
});
