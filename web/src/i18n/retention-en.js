// Retention of personal data (issue 16) strings, English; keys mirror retention-zh-CN.js.
export const ret = {
  nav: 'Retention', title: 'Retention and anonymisation of personal data',
  intro: 'Once the epidemic-control purpose has ended, personal data is kept only for the days set here; then the daily run anonymises it: the name keeps its surname and 某, ID number and phone are removed, the address is cut to the village, notes are removed. Counts, dates, areas and statuses stay, so reports and boards do not change.',
  settings: 'Settings', days: 'Days kept (after the purpose ends)', runHour: 'Daily run at', hour: '{h}:00',
  readOnly: 'Only a county-level admin or commander can change these settings.', updated: 'Changed by {by} at {at}',
  cats: {
    person: 'Key-person files', checkpoint: 'Checkpoint registrations', closure: 'Closure households and passes', duty: 'Duty-log callers',
    outbound: 'Robot and SMS messages', import: 'Uploaded list files',
  },
  catHints: {
    person: 'after the last task closed, the last observation ended and nothing is open',
    checkpoint: 'after the registration (pre-registration: after it expired)', closure: 'after the area reopened', duty: 'after the matter closed',
    outbound: 'after it was sent', import: 'after the import finished',
  },
  preview: 'To be anonymised in the next 30 days', previewHint: 'By the day of the run that takes them; any overdue count on today.', day: 'Day', total: 'Total',
  due: 'Files due soonest', dueEmpty: 'No file is due in the next 30 days', name: 'Name', area: 'Area', endedAt: 'Purpose ended', dueAt: 'Due',
  runs: 'Runs', runNow: 'Run now', runConfirm: 'Anonymise all expired personal data now? This cannot be undone.', running: 'Running…',
  ran: '{n} records anonymised', source: 'By', sources: { daily: 'daily run', api: 'by hand', cli: 'command line' },
  states: { running: 'running', done: 'done', stopped: 'stopped' }, startedAt: 'Started', counts: 'Counts', state: 'State', runsEmpty: 'No runs yet',
};
