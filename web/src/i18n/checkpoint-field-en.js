// Checkpoint phone pages (issue 12: staff registration, today's list, fast lane, public
// pre-registration) strings, English; keys mirror checkpoint-field-zh-CN.js.
export default {
  nav: { register: 'Register', day: 'Today', prereg: 'Pre-reg code' },
  noCheckpoint: 'Your account is not on a checkpoint yet: ask the command post to add you to a checkpoint\'s staff.',
  closed: 'This checkpoint is closed: no more registrations.',
  shiftN: 'Shift {n}', shiftRange: 'Shift {n} {start}–{end}',
  fig: {
    vehicles: 'Vehicles', persons: 'Persons', key_area_persons: 'From key areas', handed_over: 'Handed over', handovers_closed: 'Handovers verified',
    clinic: 'Fever clinic', turned_back: 'Turned back',
  },
  vehicle: 'Vehicle', pickProvince: 'Choose the province', plateOptional: 'Plate (optional)',
  plateHint: {
    empty: 'Enter the plate', io: 'Plates have no letter I or O: check it (1 or 0?)', short: 'Too few characters: 7 on an ordinary plate, 8 on a new-energy one',
    long: 'Too many characters: 7 on an ordinary plate, 8 on a new-energy one', form: 'Not a valid plate: check it; if it cannot be read, turn on "No plate / unreadable"',
  },
  noteRequired: 'Without a readable plate, say why', unreadable: 'No plate / unreadable', notePh: 'Say why (e.g. tricycle without plate, plate dirty)',
  kinds: { car: 'Car', bus: 'Bus', truck: 'Truck', other: 'Other' },
  directions: { in: 'In', out: 'Out' },
  driver: 'Driver', passenger: 'Passenger {n}', remove: 'Remove', addPassenger: 'Add passenger', addPerson: 'Add a person',
  name: 'Name', idNumber: 'ID number', phone: 'Phone', temperature: 'Temp.', origin: 'From', travel: '14-day travel',
  destination: 'To', purpose: 'Purpose',
  originPh: 'e.g. Wuhan, Hubei', travelPh: 'Places passed (optional)', destinationPh: 'e.g. Shezhu village group 5', purposePh: 'e.g. home, work, family',
  phoneHint: 'Not a valid mobile number: check it', tempBad: 'A temperature is between 34.0 and 43.0', tempRequired: 'Take the temperature', nameRequired: 'Enter the name',
  fever: 'High temperature: fever clinic proposed', fixFields: 'Some required fields are empty',
  purposes: { home: 'Home', work: 'Work', family: 'Family', transit: 'Passing through' },
  outcomes: { passed: 'Passed', turned_back: 'Turned back', clinic: 'Fever clinic', handover: 'Handover' },
  keyByServer: 'Arrivals from a key area (origin, travel or plate) are handed over by the server on registering.', proposed: 'Proposed:', overridden: 'changed to {o}',
  submit: 'Register ({n})', personsN: '{n} persons', noPlate: 'No plate',
  saved: 'Registered', handedTo: 'Handed over to {area}', wasProposed: 'Proposed was {o}', next: 'Next vehicle',
  queued: 'No network: saved on the phone, it will be sent automatically',
  queuedLong: 'The last vehicle is saved on the phone (see "Unsent") and goes out when the network is back; do not register it again.',
  dayTitle: 'Registrations {day}', vehiclesN: '{n} vehicles', dayEmpty: 'Nothing registered today yet', keyPlate: 'Key-area plate',
  taskOpen: 'Handover being verified', taskClosed: 'Verified: {o}',
  // the verification outcomes of a handover's task, as the server's dictionary names them
  // (staff cannot read GET /outcomes)
  taskOutcomes: {
    observation: 'Verified, placed under observation', duplicate: 'Already screened (duplicate)', wrong_info: 'Wrong information',
    moved: 'Not living here / moved to', not_found: 'Not found', outside_window: 'Arrived outside the screening window',
    hospital: 'In hospital or central isolation', other: 'Other',
  },
  pre: {
    codeTitle: 'Enter the pre-registration code', lookup: 'Look up', scan: 'Scan', short: 'Code',
    codeBad: 'A pre-registration code is 8 letters and digits', noCamera: 'The camera cannot be opened: type the code instead',
    tip: 'Ask the travellers for the 8-character code on their phone; type or scan it, check the persons and take their temperatures.',
    confirm: 'Confirm ({n})', again: 'Next code',
  },
  pub: {
    brand: 'Checkpoint pre-registration', intro: 'Before you reach the checkpoint, fill in the vehicle and every person in it. You get a code to show the staff at the checkpoint.',
    submit: 'Submit', doneTitle: 'Pre-registered', showCode: 'Show this code at the checkpoint.', expires: 'Valid until {at}.',
    typed: 'What you entered', another: 'Register another vehicle', gone: 'No such checkpoint: check the QR code.', busy: 'Too many submissions: try again later',
    closed: '{name} is closed: no pre-registration needed.', privacy: 'What you enter is used for epidemic control only.',
  },
};
