// bench/write_probe.mjs — interactive writes while something else runs (issue 14: a grid
// worker's durable write during a large import). Logs in as USER and registers a new person
// (POST /api/v1/persons, a fresh uuid each, in AREA) RATE times a second, one at a time on
// one keep-alive connection, until SIGTERM or SIGINT; then prints one line:
//   PROBE writes=N p50=… p99=… max=… ms non2xx=N
// Usage: node bench/write_probe.mjs BASE USER PASSWORD AREA [RATE=10]
// Latency is the client's, from the request's start to the whole answer read. Exits 0 unless
// the login fails.
import { randomUUID } from 'node:crypto';

const [base, user, password, area, rateArg] = process.argv.slice(2);
if (!base || !user || !password || !area) {
	console.error('usage: node bench/write_probe.mjs BASE USER PASSWORD AREA [RATE]');
	process.exit(2);
}
const rate = Number(rateArg ?? 10);

const login = await fetch(`${base}/api/v1/login`, {
	method: 'POST',
	headers: { 'Content-Type': 'application/json' },
	body: JSON.stringify({ username: user, password }),
});
if (login.status !== 200) {
	console.error(`write_probe: login answered ${login.status}`);
	process.exit(1);
}
const csrf = (await login.json()).csrf;
const cookie = login.headers.get('set-cookie').split(';')[0];

const ms = [];
let non2xx = 0;
let stop = false;
process.on('SIGTERM', () => (stop = true));
process.on('SIGINT', () => (stop = true));

for (let i = 0; !stop; i++) {
	const due = Date.now() + 1000 / rate;
	const t0 = process.hrtime.bigint();
	const r = await fetch(`${base}/api/v1/persons`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
		body: JSON.stringify({ uuid: randomUUID(), name: `探针${i}`, area, address: `探针路${i}号` }),
	});
	await r.arrayBuffer();
	ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
	if (r.status < 200 || r.status > 299) non2xx++;
	const wait = due - Date.now();
	if (wait > 0) await new Promise((res) => setTimeout(res, wait));
}
ms.sort((a, b) => a - b);
const q = (p) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(p * ms.length))].toFixed(1) : 'n/a');
console.log(`PROBE writes=${ms.length} p50=${q(0.5)} p99=${q(0.99)} max=${ms.length ? ms[ms.length - 1].toFixed(1) : 'n/a'} ms non2xx=${non2xx}`);
