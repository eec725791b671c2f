// The outbox's rules that run outside a browser (web/src/outbox-rules.js): the entries of the
// two queues it replaced read into the one format, what an answer means for an entry, and
// the backoff of the timer. No server: plain node:test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backoffMs, classify, due, fromOldOutbox, fromOldSendbox, merge, nextWake, parseStored,
} from '../../web/src/outbox-rules.js';

const U1 = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const U2 = '16fd2706-8baf-433b-82eb-8c7fada847da';
const TASK = 'a3bb189e-8bf9-4888-9912-ace4e6543002';
const OBS = 'c56a4180-65aa-42ec-a945-5fd21dec0538';

test('a closure of mobile/outbox.js becomes a close entry with the same uuid and body', () => {
  const body = { uuid: U1, outcome: 'moved', note: '已迁往', forward_to: '320481116201' };
  const [e] = fromOldOutbox([{ task: TASK, person: '赵甲', body, at: '2026-01-02T03:04:05.000Z', tries: 4, error: '', field: '', forwardName: '南渡村' }]);
  assert.deepEqual(e, {
    uuid: U1, kind: 'close', url: `/api/v1/tasks/${TASK}/close`, body, ref: TASK, label: '赵甲', at: '2026-01-02T03:04:05.000Z',
    tries: 4, next: 0, state: 'waiting', error: '', code: '', field: '', forwardName: '南渡村',
  });
});

test('a refused old closure stays refused; unusable old entries are dropped', () => {
  const list = fromOldOutbox([
    { task: TASK, person: '赵甲', body: { uuid: U1, outcome: 'x' }, error: '核查结果不在字典中', field: 'outcome' },
    { task: TASK, person: 'no uuid', body: { outcome: 'other' } },
    { person: 'no task', body: { uuid: U2, outcome: 'other' } },
    null, 'junk',
  ]);
  assert.equal(list.length, 1);
  assert.equal(list[0].state, 'failed');
  assert.equal(list[0].error, '核查结果不在字典中');
  assert.equal(list[0].field, 'outcome');
  assert.deepEqual(fromOldOutbox({ not: 'a list' }), []);
});

test('a visit of obs/sendbox.js keeps its url, kind and ref; its stored reply is not kept', () => {
  const body = { uuid: U2, mode: 'phone', saw_person: true, saw_home: true, saw_state: true, temperature: 36.6, at: '2026-01-02T03:00:00Z' };
  const [e] = fromOldSendbox([{ uuid: U2, url: `/api/v1/observations/${OBS}/visits`, body, kind: 'visit', ref: OBS, label: '周观察', at: '2026-01-02T03:00:01.000Z', tries: 1, error: '', field: '', reply: { x: 1 } }]);
  assert.equal(e.kind, 'visit');
  assert.equal(e.url, `/api/v1/observations/${OBS}/visits`);
  assert.equal(e.ref, OBS);
  assert.equal(e.state, 'waiting');
  assert.equal(e.tries, 1);
  assert.deepEqual(e.body, body);
  assert.ok(!('reply' in e));
  // A body whose uuid is not the entry's would be another write: dropped.
  assert.deepEqual(fromOldSendbox([{ uuid: U1, url: '/x', body: { uuid: U2 }, kind: 'visit' }]), []);
});

test('stored entries read back; garbage reads as an empty queue', () => {
  const e = { uuid: U1, kind: 'close', url: '/u', body: { uuid: U1 }, ref: TASK, label: '', at: 'a', tries: 0, next: 5, state: 'waiting', error: '', code: '', field: '' };
  assert.deepEqual(parseStored(JSON.stringify([e])), [e]);
  assert.deepEqual(parseStored('{"a":1}'), []);
  assert.deepEqual(parseStored('not json'), []);
  assert.deepEqual(parseStored(null), []);
});

test('merge keeps each uuid once (first seen) and orders by queue time', () => {
  const a = { uuid: U1, at: '2026-01-02T00:00:00Z', from: 'new' };
  const b = { uuid: U2, at: '2026-01-01T00:00:00Z' };
  const m = merge([a], [b, { uuid: U1, at: '2025-01-01T00:00:00Z', from: 'old' }]);
  assert.deepEqual(m.map((x) => x.uuid), [U2, U1]);
  assert.equal(m[1].from, 'new');
});

test('classify: 2xx aside, what each answer means for an entry', () => {
  const c = (status, code = '') => classify({ status, code });
  assert.equal(c(0, 'network'), 'offline');
  assert.equal(c(401, 'auth.required'), 'login');
  assert.equal(c(403, 'password.must_change'), 'login');
  for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(c(s), 'retry', String(s));
  assert.equal(c(403, 'csrf.invalid'), 'retry');
  for (const [s, code] of [[400, 'field.required'], [403, 'forbidden'], [404, 'task.not_found'], [409, 'task.closed'], [409, 'idempotency.conflict'], [413, 'request.too_large']]) {
    assert.equal(c(s, code), 'failed', code);
  }
});

test('backoff: 15 s doubling to 10 min', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 50].map(backoffMs), [15e3, 15e3, 30e3, 60e3, 120e3, 240e3, 480e3, 600e3, 600e3]);
});

test('due and nextWake: failed entries never; waiting ones when due, or all when forced', () => {
  const items = [
    { uuid: '1', state: 'waiting', next: 100 },
    { uuid: '2', state: 'failed', next: 0 },
    { uuid: '3', state: 'waiting', next: 300 },
  ];
  assert.deepEqual(due(items, 200).map((e) => e.uuid), ['1']);
  assert.deepEqual(due(items, 200, true).map((e) => e.uuid), ['1', '3']);
  assert.equal(nextWake(items), 100);
  assert.equal(nextWake([items[1]]), null);
});
