// The rules of the outbox (outbox.js) that need neither Vue nor a browser, so that node:test
// can check them (tests/e2e/outbox_rules.test.mjs): the one storage format, how entries
// written by the two queues this one replaced are read, what an answer means for an entry,
// and when an entry is tried again.
//
// One entry, stored as JSON in localStorage under PREFIX + the account id (a grid worker)
// or SELF_PREFIX + the link token (the public self-report page):
//   { uuid, kind, url, body, ref, label, at, tries, next, state, error, code, field }
// kind    'close' (a verification task), 'visit', 'service', 'report' (self-report),
//         'passage' (a checkpoint's registration) or 'gate' (a closure gate's record)
// url     where the body is POSTed; body carries `uuid`, the server's idempotency key
// ref     the task id for 'close', the observation id for 'visit'/'service', the token,
//         `checkpoint:<id>` or `gate:<id>`
// label   whom it is about (the person's name), shown in the list of unsent items
// at      when it was queued (ISO); tries: attempts that got no usable answer; next: epoch
//         ms before which the timer does not try it again
// state   'waiting' (resent until acknowledged) or 'failed' (refused for good: `error`,
//         `code` and `field` say why; kept, shown, never resent, until discarded)

export const PREFIX = 'fk.unsent.';
export const SELF_PREFIX = 'fk.unsent.self.';

// Where the two earlier queues kept their entries (same suffix: account id or token).
export const OLD_OUTBOX = 'fk.outbox.'; // mobile/outbox.js: task closures
export const OLD_SENDBOX = 'fk.obsbox.'; // obs/sendbox.js: visits and service requests
export const OLD_SELFBOX = 'fk.selfbox.'; // obs/sendbox.js on /r/:token: self-reports

const str = (v) => (typeof v === 'string' ? v : '');
const num = (v) => (Number.isFinite(v) && v >= 0 ? v : 0);

function entry(v) {
  const error = str(v.error);
  return {
    ...v,
    uuid: str(v.uuid), kind: str(v.kind), url: str(v.url), ref: str(v.ref), label: str(v.label),
    at: str(v.at) || new Date().toISOString(), tries: num(v.tries), next: num(v.next),
    state: v.state === 'failed' || error ? 'failed' : 'waiting', error, code: str(v.code), field: str(v.field),
  };
}

// A stored entry is usable when it can be sent again exactly as it was first sent.
const usable = (e) => !!(e.uuid && e.url && e.body && typeof e.body === 'object' && e.body.uuid === e.uuid);

// mobile/outbox.js: { task, person, body: {uuid, outcome, note?, forward_to?}, at, tries,
// error, field, forwardName? }, one per task.
export function fromOldOutbox(items) {
  if (!Array.isArray(items)) return [];
  return items.filter((i) => i && typeof i === 'object' && i.task && i.body).map((i) => entry({
    uuid: str(i.body.uuid), kind: 'close', url: `/api/v1/tasks/${encodeURIComponent(i.task)}/close`, body: i.body,
    ref: i.task, label: i.person, at: i.at, tries: i.tries, error: i.error, field: i.field, forwardName: str(i.forwardName),
  })).filter(usable);
}

// obs/sendbox.js: { uuid, url, body, kind, ref, label, at, tries, error, field, reply? } —
// already this format, without `state`, `next` and `code`.
export function fromOldSendbox(items) {
  if (!Array.isArray(items)) return [];
  return items.filter((i) => i && typeof i === 'object').map(({ reply, ...i }) => entry(i)).filter(usable);
}

// The entries stored under the new key, as read back.
export function parseStored(text) {
  let v;
  try { v = JSON.parse(text || '[]'); } catch { return []; }
  return Array.isArray(v) ? v.filter((i) => i && typeof i === 'object').map(entry).filter(usable) : [];
}

// One list from several, each uuid once (the first seen wins), oldest first.
export function merge(...lists) {
  const seen = new Set();
  const out = [];
  for (const e of lists.flat()) {
    if (seen.has(e.uuid)) continue;
    seen.add(e.uuid);
    out.push(e);
  }
  return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

// What an error of the api module (ApiError: status 0 when no answer came) means:
//   'offline' no answer: resend later, and stop this round (the rest would fail the same way)
//   'login'   the session is gone or must change its password: wait until someone logs in
//   'retry'   a busy or broken server, a gateway, rate limiting, a stale CSRF token: resend later
//   'failed'  refused for good (400, 403, 404, 409 …): keep it, show why, do not resend
export function classify(e) {
  const status = e && Number.isInteger(e.status) ? e.status : 0;
  const code = (e && e.code) || '';
  if (status === 0) return 'offline';
  if (status === 401 || code === 'password.must_change') return 'login';
  if (status === 408 || status === 429 || status >= 500 || code === 'csrf.invalid') return 'retry';
  return 'failed';
}

// The wait before the timer tries an entry again after `tries` attempts without an answer:
// 15 s, doubling, at most 10 minutes. ('online', the page coming back and the resend button
// do not wait.)
export const RETRY_MS = 15_000;
export const RETRY_MAX_MS = 600_000;
export function backoffMs(tries) {
  const n = Math.max(1, Math.min(tries, 16));
  return Math.min(RETRY_MS * 2 ** (n - 1), RETRY_MAX_MS);
}

// The entries a round sends now, in order: waiting ones, due ones unless `force`.
export function due(items, now, force = false) {
  return items.filter((e) => e.state === 'waiting' && (force || e.next <= now));
}

// When the timer should next look (epoch ms), or null when nothing waits.
export function nextWake(items) {
  const w = items.filter((e) => e.state === 'waiting').map((e) => e.next);
  return w.length ? Math.min(...w) : null;
}
