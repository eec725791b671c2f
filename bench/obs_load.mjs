// obs_load.mjs — the write load of bench/obs_bench.sh: N concurrent keep-alive connections,
// each sending its next request as soon as the previous one is answered (a closed loop, like
// wrk), every request with a fresh random v4 uuid. Unlike wrk it sends each job exactly once,
// so a run ends when the list is done and the answers can be checked one by one.
//
//   node bench/obs_load.mjs place --base URL --cookie C --csrf T --in PERSONS --out OBS
//   node bench/obs_load.mjs visit --base URL --cookie C --csrf T --in OBS --date YYYY-MM-DD
//   options: --concurrency 64, --max-seconds S (stop sending new jobs after S seconds)
//
// place: PERSONS has "person_id<TAB>grid_worker_id" lines; POST /api/v1/observations
//   {uuid, person_id, grid_worker}. OBS gets "observation_id<TAB>person_id" for each 201.
// visit: OBS lines as above; two visits each on local date --date, morning (07:00–09:59
//   Asia/Shanghai) then evening (17:00–20:29): POST /api/v1/observations/{id}/visits
//   {uuid, mode, saw_person, saw_home, saw_state, temperature, at}. All mornings are sent
//   first, in a shuffled order, then all evenings in another. 1 in 1 000 temperatures is a
//   fever (≥ 37.3 °C), which raises an alert like a real one.
//
// Prints the first three non-2xx answers, the rate of each tenth of the answers, then one line
//   LOAD requests=N seconds=S rps=R p50=MS p99=MS max=MS s201=N s200=N other=N sockerr=N
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';

const mode = process.argv[2];
const opt = {};
for (let i = 3; i < process.argv.length; i += 2) opt[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const concurrency = Number(opt.concurrency || 64);
const maxMs = opt['max-seconds'] ? Number(opt['max-seconds']) * 1000 : Infinity;
const base = new URL(opt.base);
const lines = readFileSync(opt.in, 'utf8').split('\n').filter((l) => l !== '');

function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

const pad = (n) => String(n).padStart(2, '0');
function visitAt(date, fromHour, hours) { // a random local time in [fromHour, fromHour + hours)
  const min = Math.floor(Math.random() * hours * 60);
  const local = Date.parse(`${date}T${pad(fromHour + Math.floor(min / 60))}:${pad(min % 60)}:${pad(Math.floor(Math.random() * 60))}+08:00`);
  return new Date(local).toISOString().replace('.000Z', 'Z');
}
const modes = ['in_person', 'in_person', 'in_person', 'phone', 'video'];
function visitBody(date, evening) {
  const fever = Math.random() < 0.001;
  const t = fever ? 37.3 + Math.floor(Math.random() * 15) / 10 : 36.0 + Math.floor(Math.random() * 12) / 10;
  return {
    uuid: randomUUID(), mode: modes[Math.floor(Math.random() * modes.length)],
    saw_person: true, saw_home: true, saw_state: !fever, temperature: Number(t.toFixed(1)),
    at: evening ? visitAt(date, 17, 3.5) : visitAt(date, 7, 3),
  };
}

let jobs; // [{path, body, key}]
if (mode === 'place') {
  jobs = lines.map((l) => {
    const [person, worker] = l.split('\t');
    const uuid = randomUUID();
    return { path: '/api/v1/observations', key: `${uuid}\t${person}`, body: { uuid, person_id: person, grid_worker: worker } };
  });
} else if (mode === 'visit') {
  if (!/^\d{4}-\d\d-\d\d$/.test(opt.date || '')) throw new Error('--date YYYY-MM-DD required');
  const ids = lines.map((l) => l.split('\t')[0]);
  const half = (evening) => shuffle(ids.slice()).map((id) => ({ path: `/api/v1/observations/${id}/visits`, evening }));
  jobs = half(false).concat(half(true));
} else {
  console.error('usage: obs_load.mjs place|visit --base URL --cookie C --csrf T --in FILE [--out FILE] [--date D]');
  process.exit(2);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const lat = new Float64Array(jobs.length);
const fin = new Float64Array(jobs.length); // when each answer came, ms since t0
const ok = [];
let next = 0, done = 0, s201 = 0, s200 = 0, other = 0, sockerr = 0, shown = 0;
const t0 = performance.now();

function send(job) {
  const body = JSON.stringify(job.body || visitBody(opt.date, job.evening));
  return new Promise((resolve) => {
    const req = http.request({
      host: base.hostname, port: base.port, path: job.path, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Cookie: opt.cookie, 'X-CSRF-Token': opt.csrf },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => resolve({ status: 0, text: String(e) }));
    req.end(body);
  });
}

async function worker() {
  while (next < jobs.length && performance.now() - t0 < maxMs) {
    const job = jobs[next++];
    const t = performance.now();
    const r = await send(job);
    fin[done] = performance.now() - t0;
    lat[done++] = performance.now() - t;
    if (r.status === 201) { s201++; if (job.key) ok.push(job.key); }
    else if (r.status === 200) s200++;
    else {
      if (r.status === 0) sockerr++; else other++;
      if (shown++ < 3) console.error(`${job.path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
const secs = (performance.now() - t0) / 1000;
agent.destroy();
const l = lat.subarray(0, done).sort();
// the rate of each tenth of the run's answers: does it slow down as the tables grow?
const tenths = [];
for (let k = 1, prev = 0; k <= 10; k++) {
  const i = Math.floor((done * k) / 10) - 1, j = Math.floor((done * (k - 1)) / 10);
  if (i < j) continue;
  tenths.push(((i - j + 1) / ((fin[i] - prev) / 1000)).toFixed(0));
  prev = fin[i];
}
console.log(`rate of each tenth of the answers (req/s): ${tenths.join(' ')}`);
const pct = (p) => (done ? l[Math.min(done - 1, Math.ceil((done * p) / 100) - 1)] : 0).toFixed(2);
if (opt.out) writeFileSync(opt.out, ok.length ? ok.join('\n') + '\n' : '');
console.log(`LOAD requests=${done} seconds=${secs.toFixed(1)} rps=${(done / secs).toFixed(1)} p50=${pct(50)} p99=${pct(99)} max=${pct(100)} s201=${s201} s200=${s200} other=${other} sockerr=${sockerr}`);
