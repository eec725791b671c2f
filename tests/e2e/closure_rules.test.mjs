// The gate phone's rules that run outside a browser (web/src/closure/rules.js): a pass number
// as typed or scanned, as shown, and the offline check against the last gate list with the
// exits the phone recorded since — the quota over windows of calendar days (one exit on
// 12-07 at 1 every 2 days: 12-08 refused, 12-09 allowed), the verdict order of the server
// (src/domain/closure.h). No server: plain node:test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addDays, cleanNumber, maskName, nextAllowed, numberOk, offlineCheck, packList, quotaAllows, showNumber, unpackList,
} from '../../web/src/closure/rules.js';

test('numbers are read as typed or scanned and shown with a dash', () => {
  assert.equal(cleanNumber('fkp:abcde-12345'), 'ABCDE12345');
  assert.equal(cleanNumber(' ABCDE 12345 '), 'ABCDE12345');
  assert.equal(cleanNumber('OIL00-12345'), '01100-12345'.replace('-', ''));
  assert.ok(numberOk('ABCDE12345'));
  assert.ok(!numberOk('ABCDE1234'), 'nine characters');
  assert.ok(!numberOk('ABCDU12345'), 'U is not in the alphabet');
  assert.ok(!numberOk(''));
  assert.equal(showNumber('ABCDE12345'), 'ABCDE-12345');
  assert.equal(showNumber('ABC'), 'ABC');
  assert.equal(maskName('张三丰'), '张*丰');
  assert.equal(maskName('张三'), '张*');
  assert.equal(maskName('张*'), '张*');
});

test('the quota counts every window of calendar days that holds the day', () => {
  const r = { per: 1, every: 2 };
  assert.ok(quotaAllows('2026-12-07', [], r));
  assert.ok(!quotaAllows('2026-12-08', ['2026-12-07'], r));
  assert.ok(quotaAllows('2026-12-09', ['2026-12-07'], r));
  assert.equal(nextAllowed('2026-12-07', ['2026-12-07'], r), '2026-12-09');
  // an exit synced out of order counts too: 12-09 then 12-08 → 12-08 refused
  assert.ok(!quotaAllows('2026-12-08', ['2026-12-09'], r));
  const three = { per: 2, every: 3 };
  assert.ok(quotaAllows('2026-12-08', ['2026-12-07'], three));
  assert.ok(!quotaAllows('2026-12-09', ['2026-12-07', '2026-12-08'], three));
  assert.equal(nextAllowed('2026-12-09', ['2026-12-07', '2026-12-08'], three), '2026-12-10');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
});

const NOW = Date.parse('2026-12-08T10:00:00+08:00');
const list = {
  rules: { out_per_household: 1, every_days: 2 },
  passes: [
    { number: 'AAAAA11111', kind: 'resident', state: 'valid', household_id: 'h1', last_out_day: '2026-12-07', exits_in_window: 1 },
    { number: 'BBBBB22222', kind: 'resident', state: 'valid', household_id: 'h2' },
    { number: 'CCCCC33333', kind: 'resident', state: 'revoked', household_id: 'h3' },
    { number: 'DDDDD44444', kind: 'resident', state: 'valid', household_id: 'h4', observation: true, blocked: true },
    { number: 'EEEEE55555', kind: 'temporary', state: 'valid', valid_from: '2026-12-09T08:00:00+08:00', valid_to: '2026-12-10T08:00:00+08:00' },
    { number: 'FFFFF66666', kind: 'worker', state: 'valid', household_id: 'h6', last_out_day: '2026-12-08', exits_in_window: 3 },
    { number: 'GGGGG77777', kind: 'temporary', state: 'valid', valid_from: '2026-12-01T08:00:00+08:00', valid_to: '2026-12-02T08:00:00+08:00' },
  ],
};

test('the offline check answers as the server would, and says it is offline', () => {
  const c = (n, o = {}) => offlineCheck(list, n, { now: NOW, ...o });
  const q = c('aaaaa-11111');
  assert.equal(q.offline, true);
  assert.deepEqual([q.verdict, q.reason, q.next_allowed_on], ['red', 'quota', '2026-12-09']);
  assert.deepEqual([c('BBBBB22222').verdict, c('BBBBB22222').reason], ['green', 'ok']);
  assert.equal(c('CCCCC33333').reason, 'revoked');
  assert.equal(c('CCCCC33333', { direction: 'in' }).reason, 'revoked', 'a revoked pass does not enter either');
  assert.equal(c('DDDDD44444').reason, 'observation', 'observation before blocked');
  assert.equal(c('DDDDD44444', { direction: 'in' }).verdict, 'green', 'entering is refused only for the pass itself');
  assert.equal(c('AAAAA11111', { direction: 'in' }).verdict, 'green', 'entering is never refused by quota');
  assert.equal(c('EEEEE55555').reason, 'not_yet_valid');
  assert.equal(c('GGGGG77777').reason, 'expired');
  assert.equal(c('FFFFF66666').verdict, 'green', 'worker passes have no quota');
  assert.equal(c('FFFFF66666', { temperature: 37.5 }).reason, 'fever');
  assert.equal(c('ZZZZZ99999').reason, 'unknown');
  assert.equal(offlineCheck(null, 'BBBBB22222').reason, 'no_list');
  // an exit this phone recorded (not yet in the list) uses the household's quota
  const local = [{ household_id: 'h2', number: 'BBBBB22222', day: '2026-12-08', at: '2026-12-08T09:00:00+08:00' }];
  const again = c('BBBBB22222', { local });
  assert.deepEqual([again.verdict, again.reason, again.next_allowed_on], ['red', 'quota', '2026-12-10']);
});

test('the offline list is stored packed and read back as it was', () => {
  const packed = packList({ ...list, at: '2026-12-08T09:00:00+08:00', fetched_at: 5 });
  assert.ok(Array.isArray(packed.packed) && !packed.passes);
  assert.equal(packed.packed[0][0], 'AAAAA11111');
  const back = unpackList(JSON.parse(JSON.stringify(packed)));
  assert.equal(back.at, '2026-12-08T09:00:00+08:00');
  assert.equal(back.passes.length, list.passes.length);
  assert.deepEqual(offlineCheck(back, 'AAAAA-11111', { now: NOW }).next_allowed_on, '2026-12-09');
  assert.equal(offlineCheck(back, 'EEEEE55555', { now: NOW }).reason, 'not_yet_valid');
  assert.equal(offlineCheck(back, 'DDDDD44444', { now: NOW }).reason, 'observation');
  assert.equal(unpackList(null), null);
});
