// Codes and small helpers shared by the home observation pages (居家观察): the
// dictionaries of docs/api.md, the users' calendar (Asia/Shanghai) and the default policy
// used until GET /api/v1/observation-policy answers.
import { codeKey } from './format.js';

export const KINDS = ['home_observation', 'home_isolation', 'central_isolation'];
export const MODES = ['in_person', 'video', 'phone', 'self'];
export const SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'short_breath', 'diarrhoea', 'other'];
export const SERVICE_KINDS = ['shopping', 'meals', 'medicine', 'rubbish', 'other'];
export const SERVICE_STATUSES = ['new', 'accepted', 'delivered', 'cancelled'];
export const DESTINATIONS = ['fever_clinic', 'designated_hospital'];
export const RESULTS = ['excluded', 'suspected', 'confirmed', 'hospitalised'];
export const BOARD_COUNTS = [
  'active', 'started_today', 'released_today', 'fevers_today', 'alerts_open', 'due_today',
  'complete_today', 'overdue_visits', 'services_open', 'due_release', 'to_place',
];

export const POLICY = { days: 14, fever_threshold: 37.3, temperature_min: 34.0, temperature_max: 42.5 };

const TZ = 'Asia/Shanghai';
const ymdFmt = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

// Today in the users' calendar, "2026-11-29".
export const todayYmd = () => ymdFmt.format(new Date());

// "2026-11-29" + n days (calendar arithmetic on UTC noon, free of DST and zones).
export function addDays(ymd, n) {
  const [y, m, d] = String(ymd).split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d, 12));
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
}

// Days from a to b ("YYYY-MM-DD").
export function daysBetween(a, b) {
  const p = (s) => { const [y, m, d] = String(s).split('-').map(Number); return Date.UTC(y, m - 1, d); };
  return Math.round((p(b) - p(a)) / 86_400_000);
}

// Value for <input type="datetime-local"> in the device's time, and back to an ISO instant.
export function localInput(date = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}
export function fromLocalInput(v) {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : isoSeconds(d);
}

// An instant as the server reads it: UTC ISO 8601 to the second ("…T01:30:00Z"), without the
// milliseconds that Date.toISOString adds.
export const isoSeconds = (d = new Date()) => d.toISOString().replace(/\.\d+Z$/, 'Z');

// i18n is the object from useI18n(); prefix e.g. 'obs.kinds'.
export function label(i18n, prefix, code) {
  const key = `${prefix}.${codeKey(code)}`;
  return code && i18n.te(key) ? i18n.t(key) : code || '';
}

export const symptomsText = (i18n, list) => (list || []).map((s) => label(i18n, 'obs.symptoms', s)).join('、');

export function tempText(v) {
  return v === null || v === undefined ? '' : `${Number(v).toFixed(1)} °C`;
}

// Client-side check of a typed temperature: '' (none), a number, or an error key.
export function parseTemperature(s, policy = POLICY) {
  const v = String(s ?? '').trim().replace(',', '.');
  if (!v) return { value: null };
  if (!/^\d{2}(\.\d{0,2})?$/.test(v)) return { error: 'obs.visit.tempInvalid' };
  const n = Math.round(Number(v) * 10) / 10;
  if (n < policy.temperature_min || n > policy.temperature_max) return { error: 'obs.visit.tempRange' };
  return { value: n };
}

export const isFever = (temp, symptoms, policy = POLICY) =>
  (temp !== null && temp !== undefined && temp >= policy.fever_threshold) || (symptoms && symptoms.length > 0);

// Element Plus / Vant tag types.
export const obsStatusType = (s) => ({ active: 'primary', released: 'success', transferred: 'danger', ended: 'default' }[s] || 'default');
export const serviceStatusType = (s) => ({ new: 'warning', accepted: 'primary', delivered: 'success', cancelled: 'default' }[s] || 'default');
export const alertStatusType = (s) => ({ open: 'danger', referred: 'warning', closed: 'success' }[s] || 'default');
