// The checkpoint phone pages' rules that need neither Vue nor a browser (node:test checks
// them in tests/e2e/checkpoint_rules.test.mjs): the plate as GA 36 writes it, the ID number's
// GB 11643 check, the outcome the rules propose for a person, and the instant of a
// registration as the server takes it. All of them are hints shown while typing: the server
// decides (400 plate.invalid, the defects it stores), and a car is never held up by a hint.

// The province abbreviations in the order of their division codes, and 使 (embassy plates).
export const PROVINCES = [
  ['京', '11'], ['津', '12'], ['冀', '13'], ['晋', '14'], ['蒙', '15'], ['辽', '21'], ['吉', '22'], ['黑', '23'],
  ['沪', '31'], ['苏', '32'], ['浙', '33'], ['皖', '34'], ['闽', '35'], ['赣', '36'], ['鲁', '37'], ['豫', '41'],
  ['鄂', '42'], ['湘', '43'], ['粤', '44'], ['桂', '45'], ['琼', '46'], ['渝', '50'], ['川', '51'], ['贵', '52'],
  ['云', '53'], ['藏', '54'], ['陕', '61'], ['甘', '62'], ['青', '63'], ['宁', '64'], ['新', '65'],
];
export const PICKER = [...PROVINCES.map(([a]) => a), '使'];

// The abbreviation of the province an area code (or a province code) lies in: "320481" → "苏".
export function provinceOfArea(code) {
  const p = PROVINCES.find(([, c]) => c === String(code || '').slice(0, 2));
  return p ? p[0] : '';
}

// The two-digit division code of an abbreviation ("鄂" → "42"), '' for anything else.
export function provinceCode(abbr) {
  const p = PROVINCES.find(([a]) => a === abbr);
  return p ? p[1] : '';
}

// Full-width forms to ASCII, separators and spaces removed, letters upper-cased.
export function normalisePlate(s) {
  return String(s || '')
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
    .replace(/[\s\u3000·•.\-_]/g, '')
    .toUpperCase();
}

const P = `[${PROVINCES.map(([a]) => a).join('')}]`;
const L = '[A-HJ-NP-Z]'; // a plate letter: never I or O
const X = '[A-HJ-NP-Z0-9]';
const PLATE_RES = [
  new RegExp(`^${P}${L}${X}{5}$`), // 苏D12345
  new RegExp(`^${P}${L}[DF]${X}\\d{4}$`), // 苏AD12345 (new energy, small cars)
  new RegExp(`^${P}${L}\\d{5}[DF]$`), // 苏A12345D (new energy, large)
  new RegExp(`^${P}${L}${X}{4}[挂学警领]$`), // 苏A1234挂 / 学 / 警, 沪A1234领
  /^粤Z[A-HJ-NP-Z0-9]{4}[港澳]$/, // 粤Z1234港
  /^使\d{6}$/, /^\d{6}使$/, // embassy
];

// '' when the plate reads as GA 36 allows, else why not (an i18n key under cpf.plateHint).
export function plateProblem(plate) {
  const p = normalisePlate(plate);
  if (!p) return 'empty';
  if (/[IO]/.test(p.slice(1))) return 'io';
  if (PLATE_RES.some((re) => re.test(p))) return '';
  const len = [...p].length;
  if (len < 7) return 'short';
  if (len > 8) return 'long';
  return 'form';
}

// The province abbreviation a (normalised) plate starts with, '' when none.
export function plateProvince(plate) {
  const first = [...normalisePlate(plate)][0] || '';
  return provinceCode(first) ? first : '';
}

// GB 11643: '' when the ID number looks right (or is empty: it is optional), else a defect
// code as imports flag it (labels under defect.*).
const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function idProblem(id, today = new Date()) {
  const v = String(id || '').trim().toUpperCase();
  if (!v) return '';
  if (v.length !== 18 && v.length !== 15) return 'id_length';
  if (v.length === 15 ? !/^\d{15}$/.test(v) : !/^\d{17}[\dX]$/.test(v)) return 'id_chars';
  const ymd = v.length === 15 ? `19${v.slice(6, 12)}` : v.slice(6, 14);
  const y = Number(ymd.slice(0, 4)); const m = Number(ymd.slice(4, 6)); const d = Number(ymd.slice(6, 8));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return 'id_birth_date';
  if (date.getTime() > today.getTime()) return 'id_future_birth';
  if (v.length === 18) {
    const s = W.reduce((a, w, i) => a + w * Number(v[i]), 0);
    if ('10X98765432'[s % 11] !== v[17]) return 'id_check';
  }
  return '';
}

export const OUTCOMES = ['passed', 'turned_back', 'clinic', 'handover'];
export const FEVER = 37.3;

// Whether a place as typed ("湖北省武汉市") lies in one of the key areas
// ([{name}] as GET /api/v1/key-areas lists them): its name, or the name without its
// 省/市/自治区/县/区 ending, appears in the text.
export function inKeyArea(place, keyAreas) {
  const text = String(place || '').trim();
  if (!text || !keyAreas || !keyAreas.length) return false;
  return keyAreas.some((k) => {
    const name = String(k.name || '').trim();
    if (!name) return false;
    const short = name.replace(/(维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|省|市|地区|自治州|盟|县|区)$/, '');
    return text.includes(name) || (short.length >= 2 && text.includes(short));
  });
}

// The outcome the rules propose (the server's rule, as far as the phone knows the key areas):
// a fever sends to the clinic; else an arrival from a key area (origin, travel, or the
// plate's province) is handed over; else passed.
export function proposeOutcome(person, { keyAreas = [], plate = '', direction = 'in', threshold = FEVER } = {}) {
  const t = parseTemp(person.temperature);
  if (t !== null && t >= threshold) return 'clinic';
  if (direction === 'in') {
    const prov = plateProvince(plate);
    const plateKey = prov && keyAreas.some((k) => String(k.code || '') === provinceCode(prov));
    if (plateKey || inKeyArea(person.origin, keyAreas) || inKeyArea(person.travel, keyAreas)) return 'handover';
  }
  return 'passed';
}

// A temperature as typed ("36,5", "36.5 ") → 36.5, or null when it is not one in 34.0–43.0.
export function parseTemp(v) {
  const s = String(v ?? '').trim().replace(',', '.');
  if (!/^\d{2}(\.\d)?\d*$/.test(s)) return null;
  const n = Math.round(Number(s) * 10) / 10;
  return n >= 34 && n <= 43 ? n : null;
}

// A stored temperature as shown: 38 → "38.0 °C".
export const tempText = (v) => (typeof v === 'number' ? `${v.toFixed(1)} °C` : '');

// The instant as ISO 8601 with the +08:00 offset (Asia/Shanghai: no summer time).
export function shanghaiIso(d = new Date()) {
  const s = new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19);
  return `${s}+08:00`;
}

// The Asia/Shanghai day of an instant, YYYY-MM-DD.
export function shanghaiDay(d = new Date()) {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

// The hour of the day in Asia/Shanghai.
export function shanghaiHour(d = new Date()) {
  return new Date(d.getTime() + 8 * 3600_000).getUTCHours();
}

// The shift an hour falls in, 1-based, given the shift starts ([8, 20]): hours before the
// first start belong to the last shift (of the day before, by the server's counting too).
export function shiftOf(hour, starts = [8, 20]) {
  const s = Array.isArray(starts) && starts.length ? starts : [8, 20];
  let k = s.length;
  for (let i = 0; i < s.length; i++) if (hour >= s[i]) k = i + 1;
  return k;
}

// The plate text of the plate input's model { prov, rest }: the abbreviation and the rest, or
// the rest alone when it already starts with an abbreviation (typed or pasted whole) or is
// an embassy plate ending in 使.
export function plateText(m) {
  const rest = normalisePlate(m.rest);
  if (!rest) return '';
  return PICKER.includes([...rest][0]) || rest.endsWith('使') ? rest : `${m.prov}${rest}`;
}
