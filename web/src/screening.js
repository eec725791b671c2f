// Labels shared by the screening pages (imports, monitoring, person files, my tasks):
// defect codes, outcomes from the server's dictionary, person statuses and categories.
import { codeKey } from './format.js';

// i18n is the object from useI18n(): {t, te, locale}.
export function defectLabel(i18n, code) {
  const key = `defect.${codeKey(code)}`;
  return i18n.te(key) ? i18n.t(key) : code;
}

// outcomes: [{code, zh, en}] as GET /api/v1/outcomes and /tasks/stats return them.
export function outcomeLabel(i18n, outcomes, code) {
  if (!code) return '';
  const o = (outcomes || []).find((x) => x.code === code);
  if (!o) return code;
  return i18n.locale.value === 'en' ? o.en : o.zh;
}

export function labelOr(i18n, prefix, code) {
  const key = `${prefix}.${codeKey(code)}`;
  return code && i18n.te(key) ? i18n.t(key) : code || '';
}

// Element Plus tag type of a person status.
export function statusType(status) {
  return { pending: 'warning', to_place: 'warning', observation: 'danger', hospital: 'danger', cleared: 'success', moved: 'info', not_found: 'info', wrong_info: 'info' }[status] || 'info';
}
