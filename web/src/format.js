// Small display helpers shared by the pages.
import { currentLocale } from './i18n/index.js';

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

export function normalisePhone(v) {
  return (v || '').replace(/[\s-]/g, '');
}

export const ALL_ROLES = ['admin', 'commander', 'cadre', 'grid_worker', 'doctor', 'social_worker', 'checkpoint_staff', 'viewer'];
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
