// gate_load.mjs — the load of bench/gate_bench.sh: guards at the gates of a closed area
// (封闭式管理) checking and recording passes. N keep-alive connections spread over the guards'
// sessions, each sending its next request as soon as the previous one is answered (a closed
// loop, like wrk), for --seconds.
//
//   node bench/gate_load.mjs check|record --base URL --sessions FILE --numbers FILE
//        [--concurrency 40] [--seconds 10]
//
// FILE of sessions: "cookie<TAB>csrf" a line (one per guard); of numbers: a pass number a
// line. check: GET /api/v1/gate/check?number=N (the number in a random form a scanner or a
// guard gives: shown, lower case, FKP: prefix). record: POST /api/v1/gate/records {uuid,
// number, direction, at: now, temperature}, 3 in 4 out; 1 in 200 temperatures a fever.
//
// Prints one line
//   LOAD kind=K requests=N seconds=S rps=R p50=MS p99=MS max=MS s200=N s201=N green=N red=N
//        other=N sockerr=N
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

const mode = process.argv[2];
const opt = {};
for (let i = 3; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const concurrency = Number(opt.concurrency || 40);
const seconds = Number(opt.seconds || 10);
const base = new URL(opt.base);
const sessions = readFileSync(opt.sessions, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const numbers = readFileSync(opt.numbers, 'utf8').split('\n').filter(Boolean);
if (!['check', 'record'].includes(mode)) throw new Error('mode: check or record');

const pick = (a) => a[Math.floor(Math.random() * a.length)];
function form(n) {
  switch (Math.floor(Math.random() * 3)) {
    case 0: return n;
    case 1: return n.toLowerCase();
    default: return `FKP:${n.replace('-', '')}`;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const lat = [];
const count = { s200: 0, s201: 0, green: 0, red: 0, other: 0, sockerr: 0 };
let firstErrors = 0;

function request([cookie, csrf]) {
  const number = pick(numbers);
  let path, method, body;
  if (mode === 'check') {
    method = 'GET';
    path = `/api/v1/gate/check?number=${encodeURIComponent(form(number))}`;
  } else {
    method = 'POST';
    path = '/api/v1/gate/records';
    const fever = Math.random() < 0.005;
    body = JSON.stringify({
      uuid: randomUUID(), number: form(number), direction: Math.random() < 0.75 ? 'out' : 'in',
      at: new Date(Date.now() - 1000).toISOString(), temperature: fever ? 37.8 : 36.5,
    });
  }
  const headers = { Cookie: cookie };
  if (body) Object.assign(headers, { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Content-Length': Buffer.byteLength(body) });
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: base.hostname, port: base.port, path, method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        lat.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const text = Buffer.concat(chunks).toString();
        if (res.statusCode === 200 || res.statusCode === 201) {
          count[`s${res.statusCode}`]++;
          const v = /"verdict":"(green|red)"/.exec(text);
          if (v) count[v[1]]++;
        } else {
          count.other++;
          if (firstErrors++ < 3) console.error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`);
        }
        resolve();
      });
    });
    req.on('error', (e) => {
      count.sockerr++;
      if (firstErrors++ < 3) console.error(`${method} ${path}: ${e.message}`);
      resolve();
    });
    if (body) req.write(body);
    req.end();
  });
}

const start = Date.now();
const end = start + seconds * 1000;
await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
  const s = sessions[i % sessions.length];
  while (Date.now() < end) await request(s);
}));
const took = (Date.now() - start) / 1000;
lat.sort((a, b) => a - b);
const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.ceil(lat.length * p) - 1)].toFixed(1) : 'n/a');
console.log(`LOAD kind=${mode} requests=${lat.length} seconds=${took.toFixed(1)} rps=${(lat.length / took).toFixed(0)}` +
  ` p50=${q(0.5)} p99=${q(0.99)} max=${q(1)} s200=${count.s200} s201=${count.s201} green=${count.green}` +
  ` red=${count.red} other=${count.other} sockerr=${count.sockerr}`);
agent.destroy();
