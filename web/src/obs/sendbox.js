// Writes that must not be lost between a phone and the server (visits, service requests,
// self-reports): a sibling of mobile/outbox.js, keyed by the write's own uuid so that one
// observation can have several waiting at once.
//
// An item is written to localStorage *before* it is sent and removed only when the server
// acknowledged it (201, or 200 for a replay of the same uuid and body). A lost answer, a
// dead network or a closed browser never loses it: it is resent, with the same uuid and the
// same body, until acknowledged. A refusal for good (a validation error) stays, marked with
// the server's message, until the user fixes or discards it.
//
// createSendbox(prefix) makes one queue; load(key) picks the localStorage slot (the account
// id for workers, the link token for the public self-report page).
import { onBeforeUnmount, onMounted, reactive } from 'vue';
import { api } from '../api.js';

const RETRY_MS = 15_000;

// Worth sending again later: no answer, a gateway or server problem, a busy server, rate
// limiting, or a session that needs a login first.
export const transient = (e) => e.status === 0 || e.status === 401 || e.status === 408 || e.status === 429 ||
  e.status >= 500 || e.code === 'password.must_change' || e.code === 'csrf.invalid';

// Refusals after which the write has nothing left to do (the observation is over).
const GONE = new Set(['observation.ended', 'selfreport.not_found']);

export function createSendbox(prefix) {
  // items: [{ uuid, url, body, kind, ref, label, at, tries, error, field, reply }]
  const box = reactive({ key: '', items: [], sending: false });

  function save() {
    if (!box.key) return;
    try {
      if (box.items.length) localStorage.setItem(prefix + box.key, JSON.stringify(box.items));
      else localStorage.removeItem(prefix + box.key);
    } catch { /* storage full or blocked: the in-memory queue still works */ }
  }

  function load(key) {
    if (box.key === (key || '')) return;
    box.key = key || '';
    try {
      const v = JSON.parse(localStorage.getItem(prefix + box.key) || '[]');
      box.items = Array.isArray(v) ? v : [];
    } catch {
      box.items = [];
    }
  }

  const find = (uuid) => box.items.find((i) => i.uuid === uuid) || null;
  const forRef = (ref) => box.items.filter((i) => i.ref === ref);

  function enqueue(item) {
    const v = { tries: 0, error: '', field: '', at: new Date().toISOString(), ...item };
    const i = box.items.findIndex((x) => x.uuid === v.uuid);
    if (i >= 0) box.items.splice(i, 1, v); else box.items.push(v);
    save();
    return v;
  }

  function discard(uuid) {
    const i = box.items.findIndex((x) => x.uuid === uuid);
    if (i >= 0) box.items.splice(i, 1);
    save();
  }

  // Resolves { state: 'sent' | 'retry' | 'gone' | 'failed', reply?, error? }.
  async function send(item, { interactive = false } = {}) {
    try {
      const reply = await api.post(item.url, item.body, { quiet401: !interactive });
      discard(item.uuid);
      return { state: 'sent', reply };
    } catch (e) {
      const cur = find(item.uuid);
      if (transient(e)) {
        if (cur) { cur.tries += 1; save(); }
        return { state: 'retry', error: e };
      }
      if (GONE.has(e.code)) {
        discard(item.uuid);
        return { state: 'gone', error: e };
      }
      if (cur) { cur.error = e.message; cur.field = e.field || ''; save(); }
      return { state: 'failed', error: e };
    }
  }

  async function flush() {
    if (box.sending) return 0;
    box.sending = true;
    let sent = 0;
    try {
      for (const item of [...box.items]) {
        if (item.error) continue;
        const r = await send(item);
        if (r.state === 'sent') sent += 1;
        if (r.state === 'retry' && r.error.status === 0) break; // offline: the rest later
      }
    } finally {
      box.sending = false;
    }
    return sent;
  }

  // Resend now, when the network comes back, when the page is shown again, and every
  // 15 s while anything waits.
  function useSender(onSent) {
    let timer = null;
    const kick = async () => {
      if (!box.items.some((i) => !i.error)) return 0;
      const n = await flush();
      if (n && onSent) onSent(n);
      return n;
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

  return { box, load, find, forRef, enqueue, discard, send, flush, useSender };
}

// The grid worker's follow-up writes (visits and service requests), per account.
export const obsbox = createSendbox('fk.obsbox.');
