// The signed-in staff's checkpoint for the phone pages: GET /api/v1/me's `checkpoint`, its
// detail (today's shifts with their totals) and the key areas (for the outcome the phone
// proposes). Each is kept on the phone under the account, so that the pages still open
// with their last answer when the signal drops.
import { computed, ref } from 'vue';
import { api } from '../api.js';
import { useSession } from '../stores/session.js';
import { shanghaiHour, shiftOf } from './rules.js';

function stored(key) {
  try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
}
function store(key, v) {
  try { localStorage.setItem(key, JSON.stringify(v)); } catch { /* full or blocked */ }
}

export function useCheckpoint() {
  const session = useSession();
  const uid = session.user ? session.user.id : '';
  const cp = ref(stored(`fk.cp.me.${uid}`)); // {id, name, kind, area, open} or null
  const detail = ref(stored(`fk.cp.detail.${uid}`));
  const keyAreas = ref(stored('fk.cp.keyareas') || []);
  // Whether the phone knows the key areas (the account may read them): when it does not, a
  // handover is the server's to propose, and the pages say so.
  const keyKnown = computed(() => session.can('person.read'));
  const loaded = ref(false);
  const offline = ref(false);

  async function loadDetail() {
    if (!cp.value) return;
    try {
      detail.value = await api.get(`/api/v1/checkpoints/${encodeURIComponent(cp.value.id)}`);
      store(`fk.cp.detail.${uid}`, detail.value);
    } catch { /* keep the last one */ }
  }

  async function load() {
    try {
      const me = await api.get('/api/v1/me', undefined, { quiet401: true });
      cp.value = me.checkpoint || null;
      store(`fk.cp.me.${uid}`, cp.value);
      offline.value = false;
    } catch (e) {
      if (e.status === 0) offline.value = true;
    }
    loaded.value = true;
    await loadDetail();
    // Read only where the account may (a refused read is audited as denied).
    if (session.can('person.read') || session.can('checkpoint.work')) api.get('/api/v1/key-areas', undefined, { quiet401: true }).then((r) => {
      keyAreas.value = (r && r.items) || [];
      store('fk.cp.keyareas', keyAreas.value);
    }).catch(() => { /* no permission or no signal: the server decides alone */ });
  }

  const starts = computed(() => (detail.value && detail.value.shift_starts) || [8, 20]);
  // The shift now, with its totals when the server gave them.
  const shiftNow = computed(() => {
    const n = shiftOf(shanghaiHour(), starts.value);
    const list = (detail.value && detail.value.shifts_today) || [];
    return list.find((s) => s.shift === n) || { shift: n };
  });

  return { cp, detail, keyAreas, keyKnown, loaded, offline, load, loadDetail, shiftNow };
}

// The passage kind of the outbox (outbox.js): its ref names the checkpoint.
export const refOf = (id) => `checkpoint:${id}`;
