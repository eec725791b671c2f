// `make install DESTDIR=…` puts every file where docs/operations.md says, with its mode;
// keeps an env file the officer already edited; makes no user and starts nothing (with
// DESTDIR it must not touch the machine); the installed binary finds its division lists
// (init works from any folder); PREFIX moves the binary and the units follow it; `make
// uninstall` removes the program and keeps the settings and the data. The binary under
// test (FANGKONG_BIN) is installed in place of a release build (INSTALL_BIN), so no
// release build is needed here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { BIN, COUNTY, ROOT } from '../api/lib.mjs';

const exec = promisify(execFile);
let tmp;

before(async () => {
	assert.ok(existsSync(BIN), `no binary at ${BIN} (set FANGKONG_BIN)`);
	tmp = await mkdtemp(join(tmpdir(), 'fk-install-'));
});
after(async () => {
	if (tmp) await rm(tmp, { recursive: true, force: true });
});

function make(target, vars) {
	const args = ['--no-print-directory', '-C', ROOT, target, `INSTALL_BIN=${BIN}`];
	for (const [k, v] of Object.entries(vars)) args.push(`${k}=${v}`);
	assert.ok(vars.DESTDIR, 'never without DESTDIR: the test must not touch this machine');
	const env = { ...process.env };
	delete env.MAKEFLAGS;
	delete env.MFLAGS;
	return exec('make', args, { env, maxBuffer: 1 << 20 });
}

const mode = (p) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');

// docs/operations.md section 1, "what goes where"
const FILES = {
	'usr/local/bin/fangkong': '0755',
	'usr/local/lib/systemd/system/fangkong.service': '0644',
	'usr/local/lib/systemd/system/fangkong-backup.service': '0644',
	'usr/local/lib/systemd/system/fangkong-backup.timer': '0644',
	'usr/local/lib/sysusers.d/fangkong.conf': '0644',
	'usr/local/share/fangkong/divisions/provinces.csv': '0644',
	'usr/local/share/fangkong/divisions/cities.csv': '0644',
	'usr/local/share/fangkong/divisions/areas.csv': '0644',
	'usr/local/share/fangkong/divisions/streets.csv': '0644',
	'usr/local/share/fangkong/divisions/villages.csv': '0644',
	'usr/local/share/fangkong/examples/fangkong.env': '0644',
	'usr/local/share/fangkong/examples/fangkong.conf': '0644',
	'usr/local/share/fangkong/examples/Caddyfile': '0644',
	'usr/local/share/doc/fangkong/operations.md': '0644',
	'usr/local/share/doc/fangkong/README.md': '0644',
	'etc/fangkong': '0750',
	'etc/fangkong/fangkong.env': '0640',
	'var/lib/fangkong': '0700',
	'var/lib/fangkong/backups': '0700',
};

describe('make install DESTDIR=…', () => {
	let dest;
	let out;

	before(async () => {
		dest = join(tmp, 'root');
		out = (await make('install', { DESTDIR: dest })).stdout;
	});

	it('puts every file where the docs say, with its mode', () => {
		for (const [p, m] of Object.entries(FILES)) {
			assert.ok(existsSync(join(dest, p)), `missing ${p}`);
			assert.equal(mode(join(dest, p)), m, p);
		}
		const docs = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
		for (const p of Object.keys(FILES).filter((x) => !x.includes('/divisions/') && !x.includes('/examples/')))
			assert.ok(docs.includes(`/${p}`), `docs/operations.md does not name /${p}`);
		assert.equal(statSync(join(dest, 'usr/local/bin/fangkong')).size, statSync(BIN).size);
		const unit = readFileSync(join(dest, 'usr/local/lib/systemd/system/fangkong.service'), 'utf8');
		assert.equal(unit, readFileSync(join(ROOT, 'deploy/systemd/fangkong.service'), 'utf8'));
		assert.equal(
			readFileSync(join(dest, 'etc/fangkong/fangkong.env'), 'utf8'),
			readFileSync(join(ROOT, 'deploy/fangkong.env'), 'utf8'),
		);
	});

	it('starts nothing and says what to do next', () => {
		assert.match(out, /nothing was started/);
		assert.match(out, /sudo -u fangkong \/usr\/local\/bin\/fangkong init --db \/var\/lib\/fangkong\/fangkong.db --county CODE/);
		assert.match(out, /fangkong keygen --out \/etc\/fangkong\/backup.key/);
		assert.match(out, /systemctl enable --now fangkong.service fangkong-backup.timer/);
		assert.doesNotMatch(out, /useradd|systemd-sysusers|daemon-reload/, 'with DESTDIR the machine is left alone');
	});

	it('the sysusers file makes a system user fangkong without a login, home /var/lib/fangkong', async () => {
		await exec('systemd-sysusers', [`--root=${dest}`]);
		const pw = readFileSync(join(dest, 'etc/passwd'), 'utf8').split('\n').find((l) => l.startsWith('fangkong:'));
		assert.ok(pw, 'no fangkong in passwd');
		const [, , uid, , , home, shell] = pw.split(':');
		assert.ok(Number(uid) < 1000, `uid ${uid} is not a system uid`);
		assert.equal(home, '/var/lib/fangkong');
		assert.equal(shell, '/usr/sbin/nologin');
		assert.match(readFileSync(join(dest, 'etc/group'), 'utf8'), /^fangkong:x:\d+:/m);
	});

	it('the installed binary runs init from any folder: it finds its division lists', async () => {
		const env = { ...process.env };
		delete env.FANGKONG_DIVISIONS;
		const db = join(tmp, 'init.db');
		const r = await exec(join(dest, 'usr/local/bin/fangkong'), ['init', '--db', db, '--county', COUNTY], { cwd: tmp, env });
		assert.ok(existsSync(db), r.stdout + r.stderr);
		assert.equal(mode(db), '0600');
	});

	it('a second install keeps the env file the officer edited', async () => {
		const env = join(dest, 'etc/fangkong/fangkong.env');
		const edited = 'FANGKONG_ARGS=--secure-cookies --trusted-proxy 127.0.0.1/32\n';
		await writeFile(env, edited, { mode: 0o640 });
		const again = (await make('install', { DESTDIR: dest })).stdout;
		assert.match(again, /kept .*etc\/fangkong\/fangkong.env/);
		assert.equal(readFileSync(env, 'utf8'), edited);
		assert.equal(mode(env), '0640');
	});

	it('make uninstall removes the program and keeps the settings and the data', async () => {
		await writeFile(join(dest, 'var/lib/fangkong/fangkong.db'), 'data');
		const r = (await make('uninstall', { DESTDIR: dest })).stdout;
		for (const p of Object.keys(FILES).filter((x) => x.startsWith('usr/')))
			assert.ok(!existsSync(join(dest, p)), `still there: ${p}`);
		for (const p of ['etc/fangkong/fangkong.env', 'var/lib/fangkong/fangkong.db', 'var/lib/fangkong/backups'])
			assert.ok(existsSync(join(dest, p)), `removed: ${p}`);
		assert.match(r, /kept/);
	});
});

describe('make install PREFIX=/opt/fangkong', () => {
	it('moves the binary, and the units start it from there', async () => {
		const dest = join(tmp, 'opt');
		await make('install', { DESTDIR: dest, PREFIX: '/opt/fangkong', UNITDIR: '/etc/systemd/system' });
		assert.equal(mode(join(dest, 'opt/fangkong/bin/fangkong')), '0755');
		for (const n of ['fangkong.service', 'fangkong-backup.service']) {
			const unit = readFileSync(join(dest, 'etc/systemd/system', n), 'utf8');
			assert.match(unit, /^ExecStart=\/opt\/fangkong\/bin\/fangkong /m, n);
			assert.doesNotMatch(unit, /\/usr\/local\//, n);
		}
	});
});
