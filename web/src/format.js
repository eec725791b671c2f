// Small display helpers shared by the pages.
import { currentLocale } from './i18n/index.js';
import { shortAreaName } from './area-name.js';

export function formatTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(currentLocale() === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).format(d);
}

// Mobile numbers as the server accepts them: 1[3-9]xxxxxxxxx with optional +86 / 0086.
export const PHONE_RE = /^(?:\+86|0086)?1[3-9]\d{9}$/;

export function phoneOk(v) {
  if (!v) return true;
  return PHONE_RE.test(String(v).replace(/[\s-]/g, ''));
}

// The phone of an office or a duty post (值班电话, 责任人电话): a mobile as above, or a fixed
// line with its area code and an optional extension — "0519-87654321", "0519 8765 4321",
// "(0519)87654321", "051987654321", "0519-87654321-802", "0519-87654321转802". The server
// (domain/phone.c, phone_office_normalize) decides and stores one form; this only spares
// a round trip.
export const OFFICE_PHONE_RE = /^(?:\(0(?:[12]\d|[3-9]\d{2})\)|0(?:[12]\d|[3-9]\d{2}))-?[2-9]\d{2,3}-?\d{3,4}(?:(?:-|转|分机|#|ext\.?)\d{1,6})?$/i;

export function officePhoneOk(v) {
  if (!v) return true;
  if (phoneOk(v)) return true;
  const s = String(v).replace(/\s/g, '').replace(/（/g, '(').replace(/）/g, ')');
  return OFFICE_PHONE_RE.test(s) && s.replace(/\D/g, '').length <= 18;
}

// A forwarded task: where the worker said the person went, and who holds the task it became
// (issue 10, item 3) — "天目湖镇 · 现由 溧阳市（尚未分派）". '' for a task not forwarded.
export function forwardHolder(t, task) {
  const f = task && task.forwarded_to;
  if (!f) return '';
  return f.assignee_name ? t('mine.heldByWorker', { name: f.assignee_name, area: shortAreaName(f.area_name) }) : t('mine.unassignedAt', { area: shortAreaName(f.area_name) });
}

export function forwardText(t, task) {
  if (!task || !task.forward_target || task.forwarded_from) return '';
  const where = `${t('mine.forwardedTo')} ${shortAreaName(task.forward_target_name) || task.forward_target}`;
  const who = forwardHolder(t, task);
  return who ? `${where} · ${t('mine.heldBy')} ${who}` : where;
}

export function normalisePhone(v) {
  return (v || '').replace(/[\s-]/g, '');
}

export const ALL_ROLES = ['admin', 'commander', 'cadre', 'grid_worker', 'doctor', 'social_worker', 'checkpoint_staff', 'gate_guard', 'viewer'];
export const AUDIT_ACTIONS = [
  'login', 'login.failed', 'logout', 'password.change', 'denied', 'area.create', 'area.update', 'user.create',
  'user.update', 'user.reset_password', 'import.create', 'import.issues.read', 'person.read', 'person.reveal',
  'task.close', 'task.forward', 'task.reassign', 'task.extend', 'login.lock', 'person.search',
  'person.create', 'person.merge', 'person.duplicate', 'key_area.put',
];

// 20200126 (YYYYMMDD as the server stores calendar dates) → "2020-01-26".
export function formatYmd(n) {
  if (!n) return '';
  const s = String(n);
  return s.length === 8 ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6)}` : s;
}

// Short local time for lists: "01-26 14:05" (the year only when it is not this year).
export function formatShort(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameYear = d.getFullYear() === new Date().getFullYear();
  return new Intl.DateTimeFormat(currentLocale() === 'en' ? 'en-GB' : 'zh-CN', {
    year: sameYear ? undefined : 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(d);
}

export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// Server codes contain dots ("id.check"), which vue-i18n reads as nesting: keys use '_'.
export const codeKey = (code) => String(code || '').replace(/\./g, '_');
