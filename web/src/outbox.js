// Writes that must not be lost between a phone and the server ("未发送"): a grid worker's
// task closures, visits and service requests, and the self-report page's temperatures and
// requests. One queue, one storage format and one resend policy for all of them (the rules
// are in outbox-rules.js).
//
// An entry is written to localStorage *before* it is sent and leaves it only when the server
// acknowledged it (2xx; a replay of the same uuid and body is a 200 like the first answer).
// A lost answer, a dead network or a closed browser never loses it: it is resent with the
// same uuid and the same body, when the network comes back, when the app starts or the page
// is shown again, and on a timer that backs off (15 s doubling to 10 min). A refusal for good
// (4xx: a validation error, 409 task.closed …) keeps the entry as failed with the server's
// message, shown in the list of unsent items (components/UnsentList.vue) until discarded; it
// is never resent. 401 (and a forced password change) stops sending until someone logs in.
//
// Per account: the worker's queue is stored under the account id, and an entry is sent only
// while the signed-in session is that account's (`current()`), so on a phone two workers
// share, one's writes never go out with the other's session. Entries left by the two queues
// this one replaced (mobile/outbox.js, obs/sendbox.js) are taken over on first load.
import { onBeforeUnmount, onMounted, reactive, watch } from 'vue';
import { api } from './api.js';
import { useSession } from './stores/session.js';
import {
  PREFIX, SELF_PREFIX, OLD_OUTBOX, OLD_SENDBOX, OLD_SELFBOX, backoffMs, classify, due, fromOldOutbox, fromOldSendbox, merge, nextWake,
  parseStored,
} from './outbox-rules.js';

function storage() {
  try { return window.localStorage; } catch { return null; } // blocked: the queue lives in memory
}

// createOutbox({ prefix, legacy: [[oldPrefix, convert]], current: () => key allowed to send })
export function createOutbox({ prefix, legacy = [], current }) {
  const box = reactive({ key: '', items: [], sending: false, needsLogin: false });
  const inflight = new Set(); // uuids on the wire right now
  const listeners = new Set(); // called with how many a round sent
  const replyHooks = new Set(); // called with (entry, reply) for every acknowledged entry
  let timer = null;
  let senders = 0;

  function save() {
    const ls = storage();
    if (!box.key || !ls) return;
    try {
      if (box.items.length) ls.setItem(prefix + box.key, JSON.stringify(box.items));
      else ls.removeItem(prefix + box.key);
    } catch { /* storage full or blocked: the in-memory queue still works */ }
  }

  // Reads the key's entries, taking over (and removing) what the old queues left under it.
  function read(key) {
    const ls = storage();
    if (!ls || !key) return [];
    const lists = [parseStored(ls.getItem(prefix + key))];
    const old = [];
    for (const [p, convert] of legacy) {
      const text = ls.getItem(p + key);
      if (text === null) continue;
      try { lists.push(convert(JSON.parse(text))); } catch { /* unreadable: dropped */ }
      old.push(p + key);
    }
    const items = merge(...lists);
    if (old.length) {
      try {
        if (items.length) ls.setItem(prefix + key, JSON.stringify(items));
        for (const k of old) ls.removeItem(k); // only once the new key holds them
      } catch { /* kept under the old keys; taken over next time */ }
    }
    return items;
  }

  function load(key) {
    const k = key || '';
    if (box.key === k) return;
    box.key = k;
    box.items = read(k);
    box.needsLogin = false;
    arm();
  }

  const find = (uuid) => box.items.find((i) => i.uuid === uuid) || null;
  const forRef = (ref, kind) => box.items.filter((i) => i.ref === ref && (!kind || i.kind === kind));
  const mine = () => !!box.key && current() === box.key;

  // Queues one write (before it is sent). `replaceRef`: it supersedes every other entry of
  // its kind and ref (one closure per task).
  function enqueue(item, { replaceRef = false } = {}) {
    const v = { tries: 0, next: 0, state: 'waiting', error: '', code: '', field: '', at: new Date().toISOString(), ...item };
    if (replaceRef) box.items = box.items.filter((x) => !(x.kind === v.kind && x.ref === v.ref && x.uuid !== v.uuid));
    const i = box.items.findIndex((x) => x.uuid === v.uuid);
    if (i >= 0) box.items.splice(i, 1, v); else box.items.push(v);
    save();
    return find(v.uuid);
  }

  function discard(uuid) {
    const i = box.items.findIndex((x) => x.uuid === uuid);
    if (i >= 0) box.items.splice(i, 1);
    save();
    arm();
  }

  // Sends one entry now. Resolves { state: 'sent' | 'retry' | 'failed', reply?, error? }:
  // 'retry' also when it is not this account's session, or the session needs a login.
  async function send(item, { interactive = false } = {}) {
    if (!mine()) return { state: 'retry', error: { status: 401, code: 'auth.required' } };
    if (inflight.has(item.uuid)) return { state: 'retry', error: { status: 0, code: 'busy' } };
    inflight.add(item.uuid);
    try {
      const reply = await api.post(item.url, item.body, { quiet401: !interactive });
      box.needsLogin = false;
      discard(item.uuid);
      for (const fn of replyHooks) {
        try { fn(item, reply); } catch { /* a hook's failure never loses the answer */ }
      }
      return { state: 'sent', reply };
    } catch (e) {
      const cur = find(item.uuid);
      const c = classify(e);
      if (c === 'failed') {
        if (cur) Object.assign(cur, { state: 'failed', error: e.message || '', code: e.code || '', field: e.field || '' });
        save();
        return { state: 'failed', error: e };
      }
      if (c === 'login') box.needsLogin = true;
      if (cur) { cur.tries += 1; cur.next = Date.now() + backoffMs(cur.tries); }
      save();
      return { state: 'retry', error: e };
    } finally {
      inflight.delete(item.uuid);
      arm();
    }
  }

  // One round: every waiting entry (only the due ones unless `force`), oldest first. Stops
  // at no answer (offline) or a lost session; after a 401 only a `manual` round (the
  // worker's resend button) tries before the next login. Resolves with how many were
  // acknowledged.
  async function flush({ force = false, manual = false } = {}) {
    if (box.sending || !mine() || (box.needsLogin && !manual)) return 0;
    box.sending = true;
    let sent = 0;
    try {
      for (const item of due(box.items, Date.now(), force)) {
        if (inflight.has(item.uuid) || !find(item.uuid)) continue;
        const r = await send(item);
        if (r.state === 'sent') sent += 1;
        if (r.state === 'retry' && (r.error.status === 0 || box.needsLogin)) break;
      }
    } finally {
      box.sending = false;
      arm();
    }
    if (sent) for (const fn of listeners) fn(sent);
    return sent;
  }

  // The timer: one timeout, set for the earliest entry that waits, while a sender runs.
  function arm() {
    clearTimeout(timer);
    timer = null;
    if (!senders || box.needsLogin) return;
    const at = nextWake(box.items);
    if (at === null) return;
    timer = setTimeout(() => { timer = null; flush(); }, Math.max(1000, at - Date.now()));
  }

  // Another tab of the same account changed the queue: read it again.
  function onStorage(e) {
    if (box.key && e.key === prefix + box.key && !box.sending) box.items = parseStored(e.newValue);
  }

  // Runs the resend policy while the calling component is mounted: now, on 'online', when
  // the page is shown again, and on the timer. `key()` names the queue to load; it and
  // `current()` are watched, so a login switches to that account's queue (a finished
  // password change lets it send again) and sends what waits in it.
  function useSender(key) {
    const kick = () => flush({ force: true });
    const onVisible = () => { if (!document.hidden) kick(); };
    if (key) {
      watch(() => [key(), current()], ([k]) => {
        load(k);
        box.needsLogin = false;
        if (senders) kick();
      }, { immediate: true });
    }
    onMounted(() => {
      senders += 1;
      window.addEventListener('online', kick);
      window.addEventListener('storage', onStorage);
      document.addEventListener('visibilitychange', onVisible);
      kick();
    });
    onBeforeUnmount(() => {
      senders -= 1;
      window.removeEventListener('online', kick);
      window.removeEventListener('storage', onStorage);
      document.removeEventListener('visibilitychange', onVisible);
      arm();
    });
    return kick;
  }

  // Calls fn(n) while the calling component is mounted, whenever a round sent n entries.
  function onSent(fn) {
    onMounted(() => listeners.add(fn));
    onBeforeUnmount(() => listeners.delete(fn));
  }

  // Calls fn(entry, reply) for every entry the server acknowledged, sent by whichever page
  // (a resend in the background too), for as long as the app runs; returns the unsubscribe.
  function watchReplies(fn) {
    replyHooks.add(fn);
    return () => replyHooks.delete(fn);
  }

  return { box, load, find, forRef, enqueue, discard, send, flush, useSender, onSent, watchReplies };
}

// The signed-in worker's queue: task closures, visits and service requests, per account.
// Its sender runs in the console's frame (layouts/ConsoleLayout.vue), on every page.
export const outbox = createOutbox({
  prefix: PREFIX,
  legacy: [[OLD_OUTBOX, fromOldOutbox], [OLD_SENDBOX, fromOldSendbox]],
  current: () => {
    const s = useSession();
    return s.user && !s.user.must_change_password ? s.user.id : '';
  },
});

// A self-report link's queue, kept under its token (no account: the token is the key).
export function createSelfOutbox(token) {
  return createOutbox({ prefix: SELF_PREFIX, legacy: [[OLD_SELFBOX, fromOldSendbox]], current: () => token() });
}
