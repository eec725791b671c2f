// The daily report (日报) pages' shared parts: the record figures in the order of the day's
// table, each figure's list of records, the state of a reporting area (已报/迟报/零报告/未报),
// the cut-off line ("截至12月1日16时"), copying the sentence, and the submission form's
// logic (one idempotency key per body: a retry after a lost answer sends the same uuid, a
// changed body a new one) used by the console page and the phone page alike.
import { computed, reactive, ref } from 'vue';
import { api, newUuid } from '../api.js';

// Every figure the records give, as GET /reports/daily names them (domain/report.c).
export const RECORD_KEYS = [
  'screened_total', 'screened_new', 'key_area_total', 'key_area_new', 'verified_total', 'verified_new',
  'forwarded_new', 'tasks_overdue', 'to_place', 'observation_active', 'observation_new', 'observation_released',
  'observation_total', 'fever_new', 'fever_total', 'referred_new', 'services_new', 'services_done',
  'visits_due', 'visits_done',
  'checkpoint_vehicles_total', 'checkpoint_vehicles_new', 'checkpoint_persons_total', 'checkpoint_persons_new',
  'checkpoint_turned_back_new', 'checkpoint_clinic_new', 'checkpoint_handover_new',
  'gate_exits_new', 'gate_refused_new', 'duty_matters_new',
];
// The few a phone shows first as cards (the rest fold below).
export const KEY_FIGURES = ['screened_total', 'screened_new', 'verified_total', 'tasks_overdue', 'observation_active', 'observation_new', 'observation_released', 'fever_new'];

// The label of a figure: a record figure's from the strings, a typed one's from the
// county's `fields` in the UI language.
export function figLabel(t, locale, fields, key) {
  if (RECORD_KEYS.includes(key)) return t(`report.fig.${key}`);
  const f = (fields || []).find((x) => x.key === key);
  if (!f) return key;
  return (locale === 'en' ? f.en : f.zh) || f.zh || key;
}

// Where the records behind a figure of an area are listed (null: no list, or not allowed).
export function recordsRoute(key, area, can) {
  const tasks = (status) => (can('task.manage') ? { name: 'tasks', params: { area }, query: { status } } : null);
  const obs = (query) => (can('obs.work') ? { name: 'obs-list', query: { area, ...query } } : null);
  switch (key) {
    case 'screened_total': case 'screened_new': case 'key_area_total': case 'key_area_new': case 'forwarded_new': return tasks('all');
    case 'verified_total': case 'verified_new': return tasks('closed');
    case 'tasks_overdue': return tasks('overdue');
    case 'to_place': return tasks('to_place');
    case 'observation_active': return obs({});
    case 'observation_new': return obs({ filter: 'started_today' });
    case 'observation_released': return obs({ filter: 'released_today' });
    case 'observation_total': return obs({ status: 'all' });
    case 'visits_due': return obs({ filter: 'incomplete_today' });
    case 'visits_done': return obs({});
    case 'fever_new': case 'fever_total': case 'referred_new': return can('obs.work') ? { name: 'alerts', query: { area } } : null;
    case 'services_new': case 'services_done': return can('obs.work') ? { name: 'services', query: { area } } : null;
    case 'checkpoint_vehicles_total': case 'checkpoint_vehicles_new': case 'checkpoint_persons_total': case 'checkpoint_persons_new':
    case 'checkpoint_turned_back_new': case 'checkpoint_clinic_new': case 'checkpoint_handover_new':
      return can('checkpoint.work') ? { name: 'cpc-stats', query: { area } } : null;
    case 'gate_exits_new': case 'gate_refused_new': return can('closure.manage') ? { name: 'closures' } : null;
    case 'duty_matters_new': return can('duty.work') ? { name: 'duty-log' } : null;
    default: return null;
  }
}

// 'submitted' | 'late' | 'nil' | 'pending' | 'draft' of an area's report (a child or itself).
export function reportState(r) {
  if (!r) return 'pending';
  if (r.status === 'nil') return 'nil';
  if (r.status === 'submitted') return r.on_time ? 'submitted' : 'late';
  if (r.status === 'pending') return 'pending';
  return r.reporting ? 'pending' : 'draft';
}
export const STATE_TYPE = { submitted: 'success', late: 'warning', nil: 'info', pending: 'danger', draft: 'info' };

// "2026-12-01" + "16:00" → {month: 12, day: 1, hour: 16}: the parts of "截至12月1日16时".
export function cutoffParts(date, cutoff) {
  const [, m, d] = String(date || '').split('-').map(Number);
  return { month: m || '', day: d || '', hour: parseInt(String(cutoff || '24'), 10) };
}

// YYYY-MM-DD n days after day (negative: before), in the calendar (no time zone involved).
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  const ok = document.execCommand('copy');
  ta.remove();
  if (!ok) throw new Error('copy');
}

// The submission of a reporting area's report of a day. `report` is a ref to the day's
// GET /reports/daily answer. errors: field → message ('figures.KEY', 'reason', 'nil').
export function useReportForm(report) {
  const typed = reactive({});
  const reason = ref('');
  const errors = reactive({});
  const sending = ref(false);
  let pending = null; // {key, uuid}: the body last sent without a definite answer

  const submitted = computed(() => !!(report.value && report.value.version > 0));

  // Fill the typed inputs from the latest version (or empty for a first report).
  function reset() {
    for (const k of Object.keys(typed)) delete typed[k];
    const r = report.value;
    if (!r) return;
    for (const f of r.fields || []) {
      const v = r.version > 0 && r.figures ? r.figures[f.key] : undefined;
      typed[f.key] = v === undefined || v === null ? undefined : v;
    }
    reason.value = '';
    for (const k of Object.keys(errors)) delete errors[k];
  }

  // Sends the report (nil: a nil report); resolves with the server's answer, or throws the
  // ApiError after putting it at its field (err.atField true).
  async function send({ nil = false } = {}) {
    const r = report.value;
    const figures = {};
    if (!nil) for (const [k, v] of Object.entries(typed)) if (v !== undefined && v !== null && v !== '') figures[k] = Number(v);
    const body = { area: r.area, date: r.date, figures };
    if (nil) body.nil = true;
    if (submitted.value) body.reason = reason.value.trim();
    const key = JSON.stringify(body);
    const uuid = pending && pending.key === key ? pending.uuid : newUuid();
    pending = { key, uuid };
    for (const k of Object.keys(errors)) delete errors[k];
    sending.value = true;
    try {
      const res = await api.post('/api/v1/reports/daily', { uuid, ...body });
      pending = null;
      return res;
    } catch (e) {
      // a lost answer or a server fault: the same body goes again with the same key
      if (e.status && e.status < 500) pending = null;
      if (e.field && (e.field.startsWith('figures.') || e.field === 'reason' || e.field === 'nil')) {
        errors[e.field] = e.message;
        e.atField = true;
      }
      throw e;
    } finally {
      sending.value = false;
    }
  }

  return { typed, reason, errors, sending, submitted, reset, send };
}

// The day's report of the route's area (`:area`, the caller's own when absent) and date
// (`?date=`, today's report day when absent), loaded again when either changes.
export function useDailyReport(route) {
  const report = ref(null);
  const loading = ref(false);
  const notFound = ref(false);
  let seq = 0;
  const code = computed(() => (typeof route.params.area === 'string' && route.params.area) || '');
  const date = computed(() => (typeof route.query.date === 'string' && route.query.date) || '');

  async function load({ quiet = false } = {}) {
    const my = ++seq;
    if (!quiet) loading.value = true;
    notFound.value = false;
    try {
      const r = await api.get('/api/v1/reports/daily', { area: code.value, date: date.value });
      if (my !== seq) return null;
      report.value = r;
      return r;
    } catch (e) {
      if (my !== seq) return null;
      if (e.status === 404 || (e.status === 400 && e.field === 'area')) {
        notFound.value = true;
        report.value = null;
        return null;
      }
      throw e;
    } finally {
      if (my === seq) loading.value = false;
    }
  }
  return { report, loading, notFound, code, date, load };
}

// The parent of an area code (township → county, village → township), '' above that or
// above the caller's own area.
export function parentCode(code, own) {
  const p = code.length === 12 ? code.slice(0, 9) : code.length === 9 ? code.slice(0, 6) : '';
  return p && own && p.length >= own.length && p.startsWith(own) ? p : '';
}
