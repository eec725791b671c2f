// Closures of verification tasks that have not reached the server yet ("未发送").
//
// A grid worker closes tasks at the door, often with one bar of signal. Every closure is
// written to localStorage *before* it is sent and removed only when the server has
// acknowledged it, so a lost answer, a dead network or a closed browser never loses it.
// Each closure keeps the uuid its form generated; resending the same body with the same
// uuid is idempotent on the server (a lost answer that did close the task replays it).
// The queue is per account (a shared phone keeps each worker's closures apart).
import { onBeforeUnmount, onMounted, reactive } from 'vue';
import { api } from '../api.js';

const KEY = 'fk.outbox.';
const RETRY_MS = 15_000;

// items: [{ task, person, body: {uuid, outcome, note?, forward_to?}, at, tries, error, field }]
// `error` is set when the server refused the closure for good (e.g. a validation error):
// such an item waits for the worker to fix or discard it instead of being resent.
export const outbox = reactive({ user: '', items: [], sending: false });

function save() {
  if (!outbox.user) return;
  try {
    if (outbox.items.length) localStorage.setItem(KEY + outbox.user, JSON.stringify(outbox.items));
    else localStorage.removeItem(KEY + outbox.user);
  } catch { /* storage full or blocked: the in-memory queue still works */ }
}

export function loadOutbox(userId) {
  if (outbox.user === userId) return;
  outbox.user = userId || '';
  try {
    const v = JSON.parse(localStorage.getItem(KEY + outbox.user) || '[]');
    outbox.items = Array.isArray(v) ? v : [];
  } catch {
    outbox.items = [];
  }
}

export const pendingFor = (taskId) => outbox.items.find((i) => i.task === taskId) || null;

export function enqueue(item) {
  const i = outbox.items.findIndex((x) => x.task === item.task);
  const v = { tries: 0, error: '', field: '', at: new Date().toISOString(), ...item };
  if (i >= 0) outbox.items.splice(i, 1, v); else outbox.items.push(v);
  save();
  return v;
}

export function discard(taskId) {
  const i = outbox.items.findIndex((x) => x.task === taskId);
  if (i >= 0) outbox.items.splice(i, 1);
  save();
}

// Worth sending again later: no answer, a server or gateway problem, a busy server, or a
// session that needs a login first.
const transient = (e) => e.status === 0 || e.status === 401 || e.status === 408 || e.status === 429 ||
  e.status >= 500 || e.code === 'password.must_change';

// Sends one closure. Resolves { state: 'sent' | 'retry' | 'closed' | 'failed', task?, error? }.
export async function send(item, { interactive = false } = {}) {
  try {
    const task = await api.post(`/api/v1/tasks/${item.task}/close`, item.body, { quiet401: !interactive });
    discard(item.task);
    return { state: 'sent', task };
  } catch (e) {
    const cur = pendingFor(item.task);
    if (transient(e)) {
      if (cur) { cur.tries += 1; save(); }
      return { state: 'retry', error: e };
    }
    if (e.code === 'task.closed') { // closed by someone else meanwhile
      discard(item.task);
      return { state: 'closed', error: e };
    }
    if (cur) { cur.error = e.message; cur.field = e.field || ''; save(); }
    return { state: 'failed', error: e };
  }
}

// Sends every closure that is not waiting for the worker; resolves with how many went.
export async function flush() {
  if (outbox.sending) return 0;
  outbox.sending = true;
  let sent = 0;
  try {
    for (const item of [...outbox.items]) {
      if (item.error) continue;
      const r = await send(item);
      if (r.state === 'sent') sent += 1;
      if (r.state === 'retry' && r.error.status === 0) break; // offline: try the rest later
    }
  } finally {
    outbox.sending = false;
  }
  return sent;
}

// For the phone pages: resend now, when the network comes back, when the page is shown
// again, and every 15 s while anything waits.
export function useOutboxSender(onSent) {
  let timer = null;
  const kick = async () => {
    if (!outbox.items.some((i) => !i.error)) return;
    const n = await flush();
    if (n && onSent) onSent(n);
  };
  const onVisible = () => { if (!document.hidden) kick(); };
  onMounted(() => {
    kick();
    timer = setInterval(kick, RETRY_MS);
    window.addEventListener('online', kick);
    document.addEventListener('visibilitychange', onVisible);
  });
  onBeforeUnmount(() => {
    clearInterval(timer);
    window.removeEventListener('online', kick);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return kick;
}
