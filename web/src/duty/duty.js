// 值班值守 (24-hour duty) in the browser: the calendar of the users (Asia/Shanghai), a
// shift's label from what the API sends, the posts' order, and the duty log's writes, which
// go through the outbox (outbox.js: a uuid per write, kept on the phone until the server
// acknowledged it, resent with the same uuid and body).
import { newUuid } from '../api.js';
import { outbox } from '../outbox.js';
import { addDays, todayShanghai } from '../checkpoint-console/checkpoint.js';
import { shanghaiIso } from '../checkpoint/rules.js';
import { shortAreaName } from '../area-name.js';

export { addDays, todayShanghai, shanghaiIso };

export const MAX_OFFICERS = 6;
export const NAME_MAX = 32;
export const LEVELS = ['county', 'township', 'village'];
export const ENTRY_KINDS = ['call', 'report', 'visit', 'other'];
export const HANDOVER_STATES = ['confirmed', 'pending', 'missing', 'not_due'];
export const HOURS = Array.from({ length: 24 }, (_, h) => h);

// The Monday of the week of a date ("2026-12-07" → "2026-12-07").
export function mondayOf(ymd) {
  const dow = new Date(`${ymd}T00:00:00Z`).getUTCDay(); // 0 Sunday
  return addDays(ymd, -((dow + 6) % 7));
}

// 0 Monday … 6 Sunday.
export const weekdayOf = (ymd) => (new Date(`${ymd}T00:00:00Z`).getUTCDay() + 6) % 7;

export const hourText = (h) => `${String(h).padStart(2, '0')}:00`;

// A shift's start or end as the API gives it (an hour, "08:00", or an ISO instant) as "08:00".
export function clock(v) {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v === 'number') return hourText(v);
  const s = String(v);
  if (/^\d{1,2}:\d{2}$/.test(s)) return s.padStart(5, '0');
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(11, 16);
}

// An instant as "12-07 14:03" in Asia/Shanghai ('' for nothing).
export function when(v) {
  if (!v) return '';
  const d = new Date(typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(5, 16).replace('T', ' ');
}

// An instant as epoch ms (NaN when it is not one).
export const ms = (v) => (typeof v === 'number' ? (v < 1e12 ? v * 1000 : v) : Date.parse(v));

// "2026-12-07T14:03" (a datetime-local input's value) in Asia/Shanghai, for now.
export const localNow = () => shanghaiIso().slice(0, 16);

// A datetime-local value ("2026-12-07T14:03") as the API's instant with +08:00.
export const localToIso = (v) => (v && v.length >= 16 ? `${v.slice(0, 16)}:00+08:00` : shanghaiIso());

// The posts in the order of the tree: county, townships, villages, checkpoints under their area.
export function sortPosts(items) {
  const rank = (p) => (p.kind === 'checkpoint' ? 3 : Math.max(0, LEVELS.indexOf(p.level)));
  return [...items].sort((a, b) => {
    const aa = String(a.area || a.id);
    const bb = String(b.area || b.id);
    if (aa !== bb && !aa.startsWith(bb) && !bb.startsWith(aa)) return aa < bb ? -1 : 1;
    return rank(a) - rank(b) || aa.length - bb.length || (aa < bb ? -1 : aa > bb ? 1 : String(a.name).localeCompare(String(b.name)));
  });
}

// Indentation of a post in a list (county 0, township 1, village 2, a checkpoint one below its area).
export function depthOf(p) {
  if (p.kind === 'checkpoint') {
    const len = String(p.area || '').length;
    return len >= 12 ? 3 : len >= 9 ? 2 : 1;
  }
  return Math.max(0, LEVELS.indexOf(p.level));
}

// The people of a shift: [{role:'leader'|'officer', name, phone, user_id}].
export function peopleOf(s) {
  const out = [];
  if (s && s.leader) out.push({ role: 'leader', ...s.leader });
  for (const o of (s && s.officers) || []) out.push({ role: 'officer', ...o });
  return out;
}

// A post's name as the pages show areas (社渚村, not 社渚村村委会); a checkpoint's as it is.
export const postName = (p) => (p && p.kind === 'area' ? shortAreaName(p.name) || p.name : (p && p.name) || '');

export const telHref = (phone) => `tel:${String(phone || '').replace(/[^\d+#,]/g, '')}`;

// ---- the duty log's writes, through the outbox ----

export const logRef = (post) => `duty:${post}`;

// Queues one write of the duty log and sends it now. Resolves like outbox.send:
// { state: 'sent' | 'retry' | 'failed', reply?, error? }; a refused write leaves the queue
// (the form shows why and the user sends it again as a new write).
export async function dutyWrite({ kind, url, body, post, label }) {
  const uuid = newUuid();
  const item = outbox.enqueue({ uuid, kind, url, body: { uuid, ...body }, ref: logRef(post), label });
  const r = await outbox.send(item, { interactive: true });
  if (r.state === 'failed') outbox.discard(uuid);
  return r;
}

export const enc = encodeURIComponent;
