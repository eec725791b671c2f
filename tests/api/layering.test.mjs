// Handlers call the service layer, never the store (docs/architecture.md, "Reads: one path"
// and "Writes: one door"): a read goes through a svc_* function that takes the principal and
// scopes itself, so a handler cannot read unscoped by forgetting a check. This test reads
// src/api/*.c and fails on any call of a store_* function, or of api_in_scope (scope checked
// by hand), outside the allow-list below. Each entry says why it stays; a lasting entry that
// no longer matches a call fails too, so the list cannot grow stale (an entry for a handler
// being converted may go unmatched: remove it when the conversion lands).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const apiDir = join(root, 'src', 'api');

// file, enclosing function, callee, and why it stays.
const BEING_CONVERTED = 'being converted (issue 9): remove when its handler calls a service function';
const allowed = [
	// the denial row of every refusal (forbidden, csrf, out of scope): one place, queued
	{ file: 'api.c', fn: 'api_deny_field', callee: 'store_audit_append', why: 'the one writer of denial rows' },
	// a log line naming a status, no data
	{ file: 'api.c', fn: 'api_store_error', callee: 'store_status_name', why: 'names a status for the log' },
];

/* The text of a C file with comments and string literals blanked (lengths kept). */
function code(text) {
	return text
		.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
		.replace(/\/\/[^\n]*/g, (m) => ' '.repeat(m.length))
		.replace(/"(?:[^"\\\n]|\\.)*"/g, (m) => `"${' '.repeat(m.length - 2)}"`)
		.replace(/'(?:[^'\\\n]|\\.)*'/g, (m) => `'${' '.repeat(m.length - 2)}'`);
}

/* Every call of store_* or api_in_scope in a file: {fn, callee, line}. The enclosing
 * function is the last definition that starts at column 0 before the call. */
function calls(file) {
	const lines = code(readFileSync(join(apiDir, file), 'utf8')).split('\n');
	const out = [];
	let fn = null;
	lines.forEach((line, i) => {
		const def = /^[A-Za-z_][\w\s*]*?\b(\w+)\s*\([^;]*$/.exec(line);
		if (def && !/^(if|for|while|switch|return)\b/.test(line)) fn = def[1];
		for (const m of line.matchAll(/(?<![\w.>])(store_[a-z_]+|api_in_scope)\s*\(/g)) {
			if (def && m.index === line.indexOf(def[1])) continue; // a definition, not a call
			out.push({ fn, callee: m[1], line: i + 1 });
		}
	});
	return out;
}

function match(entry, file, c) {
	return entry.file === file && (entry.fn === '*' || entry.fn === c.fn) &&
		(entry.callee === '*' || entry.callee === c.callee);
}

describe('layering: handlers call the service, not the store', () => {
	const files = readdirSync(apiDir).filter((f) => f.endsWith('.c')).sort();
	const found = files.flatMap((file) => calls(file).map((c) => ({ file, ...c })));

	it('finds the calls it looks for (the scanner works)', () => {
		assert.ok(found.some((c) => c.file === 'api.c' && c.fn === 'api_deny_field' && c.callee === 'store_audit_append'),
			'the scanner no longer sees the denial row in api_deny_field');
	});

	it('no handler calls a store_* function or checks scope by hand', () => {
		const bad = found.filter((c) => !allowed.some((e) => match(e, c.file, c)));
		assert.deepEqual(bad.map((c) => `src/api/${c.file}:${c.line} ${c.fn}() calls ${c.callee}()`), [],
			'call a service function (src/service/service.h) instead; a read takes the principal and scopes itself');
	});

	it('every allow-list entry still matches a call', () => {
		const stale = allowed.filter((e) => e.why !== BEING_CONVERTED && !found.some((c) => match(e, c.file, c)));
		assert.deepEqual(stale.map((e) => `${e.file} ${e.fn} ${e.callee}`), [], 'remove the stale entries from the allow-list');
	});
});
