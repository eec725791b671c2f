// The registration form's model and its body for POST /api/v1/checkpoints/{id}/passages,
// shared by the staff's page and the public pre-registration page.
import { parseTemp, plateText } from './rules.js';

let seq = 0;
export const newPerson = (from = {}) => ({
  key: ++seq, name: '', id_number: '', phone: '', temperature: '', origin: from.origin || '', travel: from.travel || '',
  destination: from.destination || '', purpose: from.purpose || '', outcome: '',
});

export const newVehicle = (prov) => ({ plate: { prov, rest: '', unreadable: false, note: '' }, kind: 'car', direction: 'in' });

const FIELDS = ['name', 'id_number', 'phone', 'origin', 'travel', 'destination', 'purpose'];

// The vehicle part of a body: plate (normalised text), plate_unreadable and note.
export function vehicleBody(v) {
  const b = { plate: plateText(v.plate), vehicle_kind: v.kind, direction: v.direction };
  if (v.plate.unreadable) b.plate_unreadable = true;
  if (v.plate.note.trim()) b.note = v.plate.note.trim();
  return b;
}

// One person of a body: the fields as typed (trimmed; travel only when given), with the
// temperature and the override when `staff`.
export function personBody(p, { staff = false } = {}) {
  const b = {};
  for (const k of FIELDS) {
    const v = String(p[k] || '').trim();
    if (v || k !== 'travel') b[k] = v;
  }
  if (staff) {
    b.temperature = parseTemp(p.temperature);
    if (p.outcome) b.outcome = p.outcome;
  }
  return b;
}

// A server error's field ("plate", "persons[2].temperature", "at") as a place in the form:
// { person: 2, key: 'temperature' } or { key: 'plate' }.
export function fieldOf(field) {
  const m = /^persons\[(\d+)\]\.(\w+)$/.exec(field || '');
  if (m) return { person: Number(m[1]), key: m[2] };
  return { key: field || '' };
}
