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
export const AUDIT_ACTIONS = ['login', 'login.failed', 'logout', 'password.change', 'denied', 'area.create', 'area.update', 'user.create', 'user.update', 'user.reset_password'];
