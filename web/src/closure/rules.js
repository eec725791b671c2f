// 封闭式管理: the rules of the closure pages that need neither Vue nor a browser, so that
// node:test can check them (tests/e2e/closure_rules.test.mjs): how a pass number is read
// (typed, scanned, with dashes, lower case, the QR's `FKP:` prefix, Crockford's look-alikes),
// how it is shown, and the gate phone's own check when it has no signal — against the last
// GET /api/v1/gate/list and the exits this phone recorded since — which the server checks
// again when the record reaches it.

// Crockford base32 without I, L, O, U: what the server draws pass numbers from.
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const NUMBER_RE = /^[0-9A-HJKMNP-TV-Z]{10}$/;
export const FEVER = 37.3;

// What was typed or scanned → the bare 10 characters ("fkp:abcde-12345" → "ABCDE12345");
// O reads as 0, I and L as 1 (a guard types what the card seems to say).
export function cleanNumber(s) {
  let v = String(s ?? '').trim().toUpperCase();
  v = v.replace(/^FKP[:：]/, '');
  v = v.replace(/[\s\-–—_·.]/g, '');
  return v.replace(/O/g, '0').replace(/[IL]/g, '1');
}

export const numberOk = (v) => NUMBER_RE.test(v);

// "ABCDE12345" (or "abcde-12345") → "ABCDE-12345", as printed on the pass.
export function showNumber(v) {
  const s = String(v ?? '');
  const c = cleanNumber(s);
  return numberOk(c) ? `${c.slice(0, 5)}-${c.slice(5)}` : s;
}

// A masked name for print ("张三丰" → "张*丰", "张三" → "张*"), when the server did not mask it.
export function maskName(s) {
  const a = [...String(s ?? '')];
  if (a.length <= 1 || a.includes('*')) return a.join('');
  if (a.length === 2) return `${a[0]}*`;
  return `${a[0]}${'*'.repeat(a.length - 2)}${a[a.length - 1]}`;
}

// ---- days (Asia/Shanghai calendar, "YYYY-MM-DD") ----

const dayNo = (ymd) => Math.round(Date.parse(`${ymd}T00:00:00Z`) / 86_400_000);
const ymdOf = (n) => new Date(n * 86_400_000).toISOString().slice(0, 10);
export const shanghaiDay = (ms = Date.now()) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
export const addDays = (ymd, n) => ymdOf(dayNo(ymd) + n);

// Whether one more exit on `day` keeps every window of `every` days that holds it at no more
// than `per` exits, given the days of the exits already made (one entry per exit).
export function quotaAllows(day, exits, { per = 1, every = 2 } = {}) {
  const d = dayNo(day);
  const days = exits.map(dayNo);
  for (let s = d - every + 1; s <= d; s++) {
    const n = days.filter((x) => x >= s && x < s + every).length;
    if (n + 1 > per) return false;
  }
  return true;
}

// The first day after `day` on which an exit is allowed again.
export function nextAllowed(day, exits, rules) {
  const every = (rules && rules.every) || 2;
  for (let k = 1; k <= every * 12; k++) {
    const c = addDays(day, k);
    if (quotaAllows(c, exits, rules)) return c;
  }
  return '';
}

// The offline list as stored: each pass as a short array, not an object (up to 20,000 passes
// share the origin's few MB of localStorage with the outbox).
const FIELDS = ['number', 'kind', 'state', 'valid_from', 'valid_to', 'household_id', 'blocked', 'observation', 'last_out_day', 'exits_in_window'];
export function packList(list) {
  const { passes = [], ...rest } = list;
  return { ...rest, packed: passes.map((p) => FIELDS.map((f) => (f === 'number' ? cleanNumber(p.number) : p[f] ?? null))) };
}
export function unpackList(v) {
  if (!v || !Array.isArray(v.packed)) return v;
  const { packed, ...rest } = v;
  return { ...rest, passes: packed.map((a) => Object.fromEntries(FIELDS.map((f, i) => [f, a[i]]))) };
}

// The gate list as the phone keeps it: a Map by number, built once per list.
const indexes = new WeakMap();
function indexOf(list) {
  let m = indexes.get(list);
  if (!m) {
    m = new Map();
    for (const p of list.passes || list.items || []) m.set(cleanNumber(p.number), p);
    indexes.set(list, m);
  }
  return m;
}

// The phone's own check of a number against the last gate list (offline). `local`: the exits
// this phone recorded after the list was made (or still unsent), [{household_id, number,
// day, at}]. Answers the shape of GET /gate/check, with `offline: true`.
export function offlineCheck(list, number, { now = Date.now(), direction = 'out', temperature = null, local = [] } = {}) {
  const n = cleanNumber(number);
  const answer = (verdict, reason, p = null, extra = {}) => ({
    verdict, reason, offline: true, pass: p ? { number: n, kind: p.kind, holder: p.holder || '', head: p.head || '', address: p.address || '', members: p.members } : null,
    last_out_at: extra.last_out_at || null, next_allowed_on: extra.next_allowed_on || null, out_now: false,
  });
  if (!list) return answer('red', 'no_list');
  const p = indexOf(list).get(n);
  if (!p) return answer('red', 'unknown');
  if (list.closure_state === 'reopened') return answer('red', 'closure_ended', p);
  if (p.state === 'revoked') return answer('red', 'revoked', p);
  if (p.state === 'expired') return answer('red', 'expired', p);
  if (p.valid_from && Date.parse(p.valid_from) > now) return answer('red', 'not_yet_valid', p);
  if (p.valid_to && Date.parse(p.valid_to) < now) return answer('red', 'expired', p);
  if (direction === 'in') return answer('green', 'ok', p);
  // the server's order (domain/closure.h): the household's state for passes that are not
  // temporary, a fever for any exit, the quota for a resident's
  if (p.kind !== 'temporary' && p.observation) return answer('red', 'observation', p);
  if (p.kind !== 'temporary' && p.blocked) return answer('red', 'blocked', p);
  if (typeof temperature === 'number' && temperature >= FEVER) return answer('red', 'fever', p);
  if (p.kind !== 'resident') return answer('green', 'ok', p);
  const rules = list.rules || {};
  const q = { per: Number(rules.out_per_household) || 1, every: Number(rules.every_days) || 2 };
  const mine = local.filter((e) => (p.household_id ? e.household_id === p.household_id : cleanNumber(e.number) === n));
  const server = p.last_out_day ? Array(Math.max(1, Number(p.exits_in_window) || 0)).fill(p.last_out_day) : [];
  const exits = [...server, ...mine.map((e) => e.day)];
  const today = shanghaiDay(now);
  const last = mine.length ? mine[mine.length - 1].at : p.last_out_day || null;
  if (quotaAllows(today, exits, q)) return answer('green', 'ok', p, { last_out_at: last });
  return answer('red', 'quota', p, { last_out_at: last, next_allowed_on: nextAllowed(today, exits, q) });
}
