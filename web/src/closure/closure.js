// 封闭式管理 in the console: the names of the API's enums, the counts a closure shows, the
// users' calendar day and the texts made from a closure's rules.
export { todayShanghai, addDays, dayCount, formatInstant } from '../checkpoint-console/checkpoint.js';

export const KINDS = ['resident', 'worker', 'temporary'];
export const PASS_STATES = ['valid', 'revoked', 'expired'];
export const FILTERS = ['all', 'blocked', 'observation', 'no_pass'];
// Every reason a gate may give, in the order a commander reads them.
export const REASONS = ['ok', 'quota', 'revoked', 'expired', 'not_yet_valid', 'observation', 'blocked', 'not_here', 'fever', 'closure_ended', 'unknown'];
export const REFUSALS = REASONS.filter((r) => r !== 'ok');
// The area levels a closure may close: a village/community or a compound (grid, group).
export const CLOSABLE_LEVELS = ['village', 'grid', 'group'];
export const DEFAULT_RULES = { out_per_household: 1, every_days: 2, outsiders: false, vehicles: false };

// "每户每 2 天 1 人外出 · 不许外来人员 · 不许车辆" from a closure's rules.
export function rulesText(t, r) {
  const x = { ...DEFAULT_RULES, ...(r || {}) };
  return [
    t('cl.rules.quota', { n: x.out_per_household, d: x.every_days }),
    t(x.outsiders ? 'cl.rules.outsidersYes' : 'cl.rules.outsidersNo'),
    t(x.vehicles ? 'cl.rules.vehiclesYes' : 'cl.rules.vehiclesNo'),
  ].join(' · ');
}

// An enum's label, or the raw value when the UI has none.
export function enumLabel(t, te, group, v) {
  if (v === null || v === undefined || v === '') return '—';
  const key = `cl.${group}.${v}`;
  return te(key) ? t(key) : String(v);
}

// A closure's counts, zeros for what the server left out.
export function countsOf(c) {
  const k = (c && c.counts) || {};
  const p = k.passes || {};
  return {
    households: Number(k.households) || 0, blocked: Number(k.blocked) || 0, observation: Number(k.observation) || 0,
    resident: Number(p.resident) || 0, worker: Number(p.worker) || 0, temporary: Number(p.temporary) || 0,
    out_now: Number(k.out_now) || 0, exits_today: Number(k.exits_today) || 0, refusals_today: Number(k.refusals_today) || 0,
  };
}

// The figures of a closure's card, in order; those that want attention when not zero.
export const FIGURES = ['households', 'resident', 'worker', 'temporary', 'observation', 'blocked', 'out_now', 'exits_today', 'refusals_today'];
export const WARN = new Set(['observation', 'refusals_today']);
