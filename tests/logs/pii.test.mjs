// "Never log an ID number, a phone or a password" (issue 16), checked over a whole suite:
// tests/run.sh runs the API suite with FANGKONG_LOG_DIR set, so tests/api/lib.mjs leaves
// there the log of every server the suite started and every ID number and phone its requests
// carried. This test adds the ID numbers and phones written in the suite's sources and
// fixtures, and looks for each of them in each log. Run alone (no FANGKONG_LOG_DIR), it skips.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ID_RE, PHONE_RE, ROOT } from '../api/lib.mjs';

const DIR = process.env.FANGKONG_LOG_DIR;

/** Every file under dir (recursively) whose name passes keep. */
function files(dir, keep) {
	const out = [];
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) out.push(...files(p, keep));
		else if (keep(name)) out.push(p);
	}
	return out;
}

function numbers(text, into) {
	for (const m of text.matchAll(ID_RE)) into.add(m[0].toUpperCase());
	for (const m of text.matchAll(PHONE_RE)) into.add(m[0]);
}

test('no server log of the suite holds an ID number or a phone the suite used', { skip: !DIR && 'FANGKONG_LOG_DIR not set (tests/run.sh sets it)' }, () => {
	const used = new Set();
	for (const f of files(DIR, (n) => n.startsWith('sent-'))) numbers(readFileSync(f, 'utf8'), used);
	const sent = used.size;
	for (const f of files(join(ROOT, 'tests/api'), (n) => /\.(mjs|csv|json|txt)$/.test(n)))
		numbers(readFileSync(f, 'utf8'), used);
	const logs = files(DIR, (n) => n.startsWith('serve-'));
	assert.ok(logs.length >= 20, `only ${logs.length} server logs in ${DIR}`);
	assert.ok(sent >= 50, `only ${sent} ID numbers and phones seen in the requests`);
	const found = [];
	let lines = 0;
	for (const f of logs) {
		for (const line of readFileSync(f, 'utf8').split('\n')) {
			lines++;
			const here = new Set();
			numbers(line, here);
			for (const v of here) if (used.has(v)) found.push(`${f}: ${line.slice(0, 300)}`);
		}
	}
	console.log(`# ${logs.length} server logs, ${lines} lines, ${used.size} ID numbers and phones looked for (${sent} from requests)`);
	assert.deepEqual(found.slice(0, 20), [], `${found.length} log lines hold personal data`);
});
