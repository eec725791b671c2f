// 卡口 in the console (issue 12): the names of the API's enums, the totals every list shows in
// one order, the users' calendar day (Asia/Shanghai) and where a figure leads.
import { currentLocale } from '../i18n/index.js';

export const KINDS = ['highway', 'border', 'road', 'village', 'other'];
export const OUTCOMES = ['passed', 'turned_back', 'clinic', 'handover'];
export const VEHICLE_KINDS = ['car', 'bus', 'truck', 'other'];
export const DIRECTIONS = ['in', 'out'];
// The totals of a checkpoint, a shift or an area, in the order they are shown.
export const TOTALS = ['vehicles', 'persons', 'key_area_vehicles', 'key_area_persons', 'turned_back', 'clinic', 'handed_over', 'handovers_closed'];
// Totals that want attention when not zero.
export const WARN = new Set(['key_area_vehicles', 'key_area_persons', 'turned_back', 'clinic', 'handed_over']);
// The registrations behind a figure: the outcome to filter by (none: all of them).
export const FIGURE_OUTCOME = { turned_back: 'turned_back', clinic: 'clinic', handed_over: 'handover', handovers_closed: 'handover' };
export const MAX_DAYS = 366;

const ymdFmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

// Today in the users' calendar, "2026-12-06".
export function todayShanghai(now = new Date()) {
  return ymdFmt.format(now);
}

// "2026-12-06" plus n days.
export function addDays(ymd, n) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// Days from a to b inclusive.
export function dayCount(a, b) {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000) + 1;
}

// An instant of the API — Unix seconds, or an ISO string — as "12-06 14:03" in Asia/Shanghai
// (the date in full when `withYear`).
export function formatInstant(v, withYear = false) {
  if (v === null || v === undefined || v === '') return '';
  const d = typeof v === 'number' ? new Date(v < 1e12 ? v * 1000 : v) : new Date(v);
  if (Number.isNaN(d.getTime())) return String(v);
  return new Intl.DateTimeFormat(currentLocale() === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: 'Asia/Shanghai', year: withYear ? 'numeric' : undefined, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(d);
}

// "08:00" for the hour 8.
export const hourText = (h) => `${String(h).padStart(2, '0')}:00`;

// A checkpoint's shifts from its start hours: [{shift, start, end}].
export function shiftsOf(starts) {
  const s = Array.isArray(starts) && starts.length ? starts : [8, 20];
  return s.map((h, i) => ({ shift: i + 1, start: hourText(h), end: hourText(s[(i + 1) % s.length]) }));
}

// An enum's label, or the raw value when the UI has none.
export function enumLabel(t, te, group, v) {
  if (v === null || v === undefined || v === '') return '—';
  const key = `cpc.${group}.${v}`;
  return te(key) ? t(key) : String(v);
}

// The registrations behind a figure of a checkpoint (a day, a shift), as a route.
export function passagesRoute(id, { figure = '', day = '', shift = '' } = {}) {
  const query = {};
  if (day) query.day = day;
  if (shift) query.shift = String(shift);
  if (FIGURE_OUTCOME[figure]) query.outcome = FIGURE_OUTCOME[figure];
  return { name: 'cpc-passages', params: { id }, query };
}

// The totals object of anything that has them, zeros for what is missing.
export function totalsOf(o) {
  const src = (o && o.today) || o || {};
  return Object.fromEntries(TOTALS.map((k) => [k, Number(src[k]) || 0]));
}
