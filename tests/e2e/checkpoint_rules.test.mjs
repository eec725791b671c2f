// The checkpoint phone pages' rules that run outside a browser (web/src/checkpoint/rules.js
// and form.js): the GA 36 plate hint (both lengths, 挂学警港澳领 suffixes, 使, I/O, lower case
// and separators), the GB 11643 ID hint, the proposed outcome, the +08:00 instant and the
// shift of an hour. No server: plain node:test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PICKER, idProblem, inKeyArea, normalisePlate, parseTemp, plateProblem, plateProvince, plateText, proposeOutcome, provinceOfArea,
  shanghaiDay, shanghaiIso, shiftOf,
} from '../../web/src/checkpoint/rules.js';
import { fieldOf, personBody, vehicleBody } from '../../web/src/checkpoint/form.js';
import { citizenId } from './lib.mjs';

test('the picker holds the 31 province abbreviations and 使', () => {
  assert.equal(PICKER.length, 32);
  assert.equal(new Set(PICKER).size, 32);
  assert.equal(PICKER.at(-1), '使');
  assert.equal(provinceOfArea('320481'), '苏');
  assert.equal(provinceOfArea('420100'), '鄂');
  assert.equal(provinceOfArea(''), '');
});

test('GA 36 plates read as valid, malformed ones get a hint', () => {
  for (const p of ['苏D12345', '苏DF1234' /* ordinary with letters */, '苏AD12345', '苏AFX1234', '苏A12345D', '苏A1234挂', '苏A1234学', '苏A1234警',
    '粤Z1234港', '粤Z1234澳', '沪A1234领', '使014578', '224001使', '鄂A00001']) {
    assert.equal(plateProblem(p), '', p);
  }
  assert.equal(plateProblem(' 苏 d·123-45 '), '', 'lower case and separators are normalised');
  assert.equal(normalisePlate('苏ｄ１２３４５'), '苏D12345', 'full-width forms');
  assert.equal(plateProblem('苏D1234'), 'short');
  assert.equal(plateProblem('苏D1234567'), 'long');
  assert.equal(plateProblem('苏DI2345'), 'io');
  assert.equal(plateProblem('苏D12O45'), 'io');
  assert.equal(plateProblem('XD12345'), 'form');
  assert.equal(plateProblem('苏A1234D5'), 'form', 'an 8-character plate that is not new-energy');
  assert.equal(plateProblem('苏Z1234港'), 'form', '港 plates are 粤Z');
  assert.equal(plateProblem(''), 'empty');
  assert.equal(plateProvince('鄂A12345'), '鄂');
  assert.equal(plateProvince('使014578'), '');
});

test('the plate input model becomes the plate text', () => {
  assert.equal(plateText({ prov: '苏', rest: 'd12345' }), '苏D12345');
  assert.equal(plateText({ prov: '苏', rest: '鄂A12345' }), '鄂A12345', 'typed whole');
  assert.equal(plateText({ prov: '苏', rest: '224001使' }), '224001使');
  assert.equal(plateText({ prov: '苏', rest: '  ' }), '');
  assert.deepEqual(vehicleBody({ plate: { prov: '苏', rest: '', unreadable: true, note: ' 无牌三轮 ' }, kind: 'other', direction: 'in' }),
    { plate: '', plate_unreadable: true, note: '无牌三轮', vehicle_kind: 'other', direction: 'in' });
});

test('GB 11643: defects as imports flag them', () => {
  const good = citizenId('32048119800301101');
  assert.equal(idProblem(good), '');
  assert.equal(idProblem(good.toLowerCase()), '');
  assert.equal(idProblem(''), '', 'optional');
  const wrong = good.slice(0, 17) + (good.at(-1) === '0' ? '1' : '0');
  assert.equal(idProblem(wrong), 'id_check');
  assert.equal(idProblem('3204811980030110'), 'id_length');
  assert.equal(idProblem('32048119800301A01X'), 'id_chars');
  assert.equal(idProblem(citizenId('32048119800231101')), 'id_birth_date');
  assert.equal(idProblem(citizenId('32048120990301101'), new Date('2026-12-06T00:00:00Z')), 'id_future_birth');
  assert.equal(idProblem('320481800301101'), '', 'a 15-digit number');
});

test('the proposed outcome: fever, then key area (in only), then passed', () => {
  const keyAreas = [{ code: '42', name: '湖北省' }, { code: '3301', name: '杭州市' }];
  const o = (p, opt = {}) => proposeOutcome(p, { keyAreas, ...opt });
  assert.equal(o({ temperature: '38.0', origin: '南京' }), 'clinic');
  assert.equal(o({ temperature: '37.3' }), 'clinic', 'the threshold itself');
  assert.equal(o({ temperature: '37.2', origin: '湖北省武汉市' }), 'handover');
  assert.equal(o({ temperature: '36.5', origin: '湖北武汉' }), 'handover', 'the name without 省');
  assert.equal(o({ temperature: '36.5', origin: '南京', travel: '途经杭州' }), 'handover', '14-day travel');
  assert.equal(o({ temperature: '36.5', origin: '南京' }, { plate: '鄂A12345' }), 'handover', 'a key-area plate');
  assert.equal(o({ temperature: '36.5', origin: '湖北省武汉市' }, { direction: 'out' }), 'passed', 'leaving: no handover');
  assert.equal(o({ temperature: '36.5', origin: '南京' }), 'passed');
  assert.equal(proposeOutcome({ temperature: '36.5', origin: '湖北' }), 'passed', 'no key areas known: the server decides');
  assert.equal(inKeyArea('', keyAreas), false);
});

test('temperatures, bodies and error fields', () => {
  assert.equal(parseTemp('36,5'), 36.5);
  assert.equal(parseTemp(' 38 '), 38);
  assert.equal(parseTemp('3'), null);
  assert.equal(parseTemp('45'), null);
  assert.equal(parseTemp(''), null);
  assert.deepEqual(personBody({ name: ' 王一 ', id_number: '', phone: '', temperature: '36.6', origin: '南京', travel: '', destination: '社渚村', purpose: '返乡', outcome: 'turned_back' }, { staff: true }),
    { name: '王一', id_number: '', phone: '', origin: '南京', destination: '社渚村', purpose: '返乡', temperature: 36.6, outcome: 'turned_back' });
  assert.deepEqual(fieldOf('persons[2].temperature'), { person: 2, key: 'temperature' });
  assert.deepEqual(fieldOf('plate'), { key: 'plate' });
});

test('instants in +08:00 and the shift of an hour', () => {
  const d = new Date('2026-12-06T17:30:05.123Z');
  assert.equal(shanghaiIso(d), '2026-12-07T01:30:05+08:00');
  assert.equal(shanghaiDay(d), '2026-12-07');
  assert.equal(shiftOf(8), 1);
  assert.equal(shiftOf(19), 1);
  assert.equal(shiftOf(20), 2);
  assert.equal(shiftOf(3), 2);
  assert.equal(shiftOf(7, [0, 8, 16]), 1);
  assert.equal(shiftOf(16, [0, 8, 16]), 3);
});
