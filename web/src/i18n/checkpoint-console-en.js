// Checkpoint (issue 12) console strings, English; keys mirror checkpoint-console-zh-CN.js.
export default {
  nav: 'Checkpoints', title: 'Checkpoints', statsNav: 'Checkpoint totals',
  create: 'New checkpoint', showClosed: 'Show closed', refresh: 'Refresh', empty: 'No checkpoints in this area',
  todayLine: 'Today ({date})', openHandovers: '{n} handovers open', noOpenHandovers: 'All handovers closed',
  closedTag: 'Closed', openTag: 'Open', closedOn: 'closed on {date}', openedOn: 'opened on {date}',
  staff: 'Staff', poster: 'Print QR poster', close: 'Close', passages: 'Registrations', stats: 'Totals',
  kinds: { highway: 'Highway', border: 'Provincial border', road: 'National/provincial road', village: 'Village entrance', other: 'Other' },
  totals: {
    vehicles: 'Vehicles', persons: 'Persons', key_area_vehicles: 'Key-area vehicles', key_area_persons: 'Key-area persons',
    turned_back: 'Turned back', clinic: 'To fever clinic', handed_over: 'Handed over', handovers_closed: 'Handovers closed',
  },
  form: {
    title: 'New checkpoint', name: 'Name', namePh: 'e.g. Liyang South highway exit', kind: 'Kind', area: 'Area', location: 'Location',
    locationPh: 'e.g. G25 exit Liyang South', openedOn: 'Opened on', shifts: 'Shift starts', shiftsHint: 'Two shifts by default: 08:00–20:00, 20:00–08:00; at most 4.',
    addShift: 'Add a shift', created: 'Checkpoint created', shiftsOrder: 'Shift starts must differ',
  },
  closeDlg: { title: 'Close checkpoint', date: 'Closed on', confirm: 'A closed checkpoint takes no more registrations. Close "{name}"?', done: 'Checkpoint closed' },
  staffDlg: {
    title: '{name} · staff', none: 'No staff assigned yet', add: 'Add', search: 'Search checkpoint staff accounts (username or name)',
    remove: 'Remove', removeConfirm: 'Remove {name} from this checkpoint?', added: 'Added', removed: 'Removed', hint: 'Only accounts with the role "Checkpoint staff" can be added; create one in Accounts first.',
  },
  statsPage: {
    title: 'Checkpoint totals', range: 'Dates', total: 'Total', checkpoint: 'Checkpoint', shift: 'Shift', shiftN: 'Shift {n} {start}–{end}',
    tooLong: 'The range may not exceed 366 days', oneDay: 'Pick a single day to see the shifts; a figure opens the registrations of the range\'s last day',
  },
  pass: {
    title: 'Registrations', day: 'Day', shift: 'Shift', outcome: 'Outcome', allShifts: 'All shifts', allOutcomes: 'All outcomes', q: 'Plate or name',
    at: 'Time', plate: 'Plate', unreadable: 'No plate / unreadable', vehicleKind: 'Vehicle', direction: 'Direction', persons: 'Persons',
    person: 'Name', idNumber: 'ID number', phone: 'Phone', temperature: 'Temp.', origin: 'From', travel: '14-day travel', destination: 'Destination',
    purpose: 'Purpose', area: 'Area', task: 'Handover check', taskOpen: 'Open', taskClosed: 'Closed', proposed: 'Proposed',
    keyArea: 'Key area', version: 'Version', by: 'By', note: 'Note', detail: 'Registration', versions: 'Versions', reason: 'Reason',
    correct: 'Correct', correctTitle: 'Correct the registration', reasonPh: 'e.g. plate typed wrong', corrected: 'Corrected', noTask: '—',
    idInvalid: 'ID number defective', first: 'Registered', nothing: 'Nothing changed', correctedTo: 'Corrected to v{n}', was: 'Was: {what}',
    vehicleKinds: { car: 'Car', bus: 'Bus', truck: 'Truck', other: 'Other' },
    directions: { in: 'In', out: 'Out' },
    outcomes: { passed: 'Passed', turned_back: 'Turned back', clinic: 'Fever clinic', handover: 'Handed over' },
  },
  posterPage: {
    title: '{name} pre-registration', bar: 'Checkpoint QR poster', print: 'Print', back: 'Back',
    steps: 'Scan to fill in the vehicle and its persons, show the code at the checkpoint, pass quickly after the temperature check',
    note: 'No account needed; used only for this epidemic check.',
  },
};
