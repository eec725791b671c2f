// The gate guard's phone (门岗查验): the guard's gate and closure (GET /api/v1/gate), the
// offline list (GET /api/v1/gate/list: every pass of the closure with what a check needs),
// the exits this phone recorded since that list was made, and the server's verdicts that
// disagreed with the phone's own offline check. Each is kept on the phone under the account,
// so the page still opens, and still checks, with its last answers when the signal drops.
import { reactive } from 'vue';
import { api } from '../api.js';
import { outbox } from '../outbox.js';
import { useSession } from '../stores/session.js';
import { addDays, cleanNumber, packList as pack, shanghaiDay, unpackList as unpack } from './rules.js';

function stored(key, fallback = null) {
  try { return JSON.parse(localStorage.getItem(key) || 'null') ?? fallback; } catch { return fallback; }
}
function store(key, v) {
  try { localStorage.setItem(key, JSON.stringify(v)); } catch { /* full or blocked */ }
}

const uid = () => {
  const s = useSession();
  return s.user ? s.user.id : '';
};
const K = {
  me: (u) => `fk.gate.me.${u}`, list: (u) => `fk.gate.list.${u}`, exits: (u) => `fk.gate.exits.${u}`, disagreed: (u) => `fk.gate.disagreed.${u}`,
};

// The gate the page works at: '' for a guard's own; a gate's id when a closure.manage user
// acts at one (?gate=, which the server then requires on every call).
let chosen = '';
export function chooseGate(gid) {
  chosen = gid || '';
}
const q = () => (chosen ? { gate: chosen } : undefined);

// The outbox entries of the gate page: kind 'gate', their ref the gate.
export const refOf = (gateId) => `gate:${gateId}`;

export const gate = reactive({
  key: '', me: null, list: null, listAt: 0, loaded: false, offline: false, exits: [], disagreed: [],
});

function loadKey() {
  const u = chosen ? `${uid()}.${chosen}` : uid();
  if (gate.key === u) return u;
  Object.assign(gate, {
    key: u, me: stored(K.me(u)), list: unpack(stored(K.list(u))), listAt: 0, loaded: false, offline: false,
    exits: stored(K.exits(u), []), disagreed: stored(K.disagreed(u), []),
  });
  gate.listAt = gate.list && gate.list.fetched_at ? gate.list.fetched_at : 0;
  return u;
}

// The guard's gate and the offline list, from the server when it answers.
export async function loadGate() {
  const u = loadKey();
  try {
    const me = await api.get('/api/v1/gate', q(), { quiet401: true });
    gate.me = me && me.gate ? me : null;
    store(K.me(u), gate.me);
    gate.offline = false;
  } catch (e) {
    if (e.status === 0) gate.offline = true;
    else if (e.status === 404 || e.status === 403) { gate.me = null; store(K.me(u), null); }
  }
  gate.loaded = true;
  if (gate.me) await loadList();
}

export async function loadList() {
  const u = loadKey();
  try {
    const r = await api.get('/api/v1/gate/list', q(), { quiet401: true });
    const list = { ...r, fetched_at: Date.now() };
    gate.list = list;
    gate.listAt = list.fetched_at;
    store(K.list(u), pack(list));
    gate.offline = false;
    trimExits();
  } catch (e) {
    if (e.status === 0) gate.offline = true;
  }
}

// When the list was made: the server's `at`, else when the phone fetched it.
export function listTime(list = gate.list) {
  if (!list) return 0;
  const at = list.at ? Date.parse(list.at) : NaN;
  return Number.isNaN(at) ? list.fetched_at || 0 : at;
}

// The exits the offline check adds to the list's: recorded after the list was made, or still
// waiting on the phone (the server has not counted them yet).
export function localExits() {
  const since = listTime();
  return gate.exits.filter((e) => Date.parse(e.at) > since || outbox.find(e.uuid));
}

export function rememberExit(e) {
  const u = loadKey();
  gate.exits.push({ uuid: e.uuid, household_id: e.household_id || '', number: cleanNumber(e.number), day: shanghaiDay(Date.parse(e.at)), at: e.at });
  store(K.exits(u), gate.exits);
}

// Exits older than two weeks (more than any window) leave the phone.
function trimExits() {
  const u = loadKey();
  const oldest = addDays(shanghaiDay(), -15);
  const keep = gate.exits.filter((e) => e.day >= oldest);
  if (keep.length !== gate.exits.length) { gate.exits = keep; store(K.exits(u), keep); }
}

export function dismissDisagreed(uuid) {
  const u = loadKey();
  gate.disagreed = gate.disagreed.filter((d) => d.uuid !== uuid);
  store(K.disagreed(u), gate.disagreed);
}

// Whether the server's answer to a record contradicts what the phone showed offline.
export function disagrees(item, reply) {
  const rec = (reply && reply.record) || {};
  if (reply && (reply.offline_disagreed || rec.offline_disagreed)) return true;
  return !!item.offline && item.phone === 'green' && rec.verdict === 'red';
}

// Every acknowledged gate record, whichever page sent it: a record checked offline that the
// server judged otherwise is kept for the guard to see.
outbox.watchReplies((item, reply) => {
  if (item.kind !== 'gate' || !disagrees(item, reply)) return;
  if ((item.body.gate || '') !== chosen) chooseGate(item.body.gate || ''); // kept with its gate
  const u = loadKey();
  const rec = reply.record || {};
  const check = reply.check || {};
  if (gate.disagreed.some((d) => d.uuid === item.uuid)) return;
  gate.disagreed.push({
    uuid: item.uuid, number: item.body.number, direction: item.body.direction, at: item.body.at,
    verdict: rec.verdict || check.verdict || 'red', reason: rec.reason || check.reason || '',
  });
  store(K.disagreed(u), gate.disagreed);
  // an exit the server did not count is no exit for the offline check either
  const i = gate.exits.findIndex((e) => e.uuid === item.uuid);
  if (i >= 0) { gate.exits.splice(i, 1); store(K.exits(u), gate.exits); }
});
