// Routes and the guard that enforces: signed in, forced password change first, and the
// permission a page needs. The server checks all of this again; the guard only keeps the
// user from landing on pages that would answer 401/403.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session.js';
import { api } from './api.js';

const Home = { name: 'HomeRedirect', render: () => null };

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  // The self-report link of a contact card: no account, no session (`bare`: the guard does
  // not even ask who is signed in).
  { path: '/r/:token', name: 'self-report', component: () => import('./public/SelfReportView.vue'), meta: { public: true, bare: true } },
  // A checkpoint's public pre-registration page (QR poster): no account, no session.
  { path: '/pre/:checkpointId', name: 'prereg-public', component: () => import('./checkpoint/PreRegView.vue'), meta: { public: true, bare: true } },
  // Print pages, without the console frame.
  { path: '/print/cards', name: 'print-cards', component: () => import('./print/CardPrintView.vue'), meta: { perm: 'obs.work' } },
  { path: '/print/release/:id', name: 'print-release', component: () => import('./print/ReleaseNoticeView.vue'), meta: { perm: 'obs.work' } },
  { path: '/print/accounts', name: 'print-accounts', component: () => import('./print/AccountSheetView.vue'), meta: { perm: 'user.write' } },
  { path: '/closures/:id/print', name: 'print-passes', component: () => import('./closure/PassPrintView.vue'), meta: { perm: 'closure.manage' } },
  { path: '/print/checkpoint/:id', name: 'print-checkpoint', component: () => import('./checkpoint-console/PosterPrintView.vue'), meta: { perm: 'checkpoint.work' } },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', component: Home },
      { path: 'password', name: 'password', component: () => import('./views/ChangePasswordView.vue') },
      // 首页: the commander's landing page (key figures, trends, progress, reporting status).
      { path: 'dashboard', name: 'dashboard', component: () => import('./views/HomeView.vue'), meta: { perm: 'report.read' } },
      { path: 'manual', name: 'manual', component: () => import('./views/ManualView.vue') },
      { path: 'areas/:code/grid-rules', name: 'grid-rules', component: () => import('./views/GridRulesView.vue'), meta: { perm: 'area.write', nav: 'areas' } },
      { path: 'areas/:code?', name: 'areas', component: () => import('./views/AreasView.vue'), meta: { perm: 'area.read' } },
      { path: 'imports/:id?', name: 'imports', component: () => import('./views/ImportsView.vue'), meta: { perm: 'import' } },
      { path: 'monitor/:area?', name: 'monitor', component: () => import('./views/MonitorView.vue'), meta: { perm: 'task.manage' } },
      { path: 'tasks/:area', name: 'tasks', component: () => import('./views/TaskListView.vue'), meta: { perm: 'task.manage', nav: 'monitor' } },
      { path: 'persons', name: 'persons', component: () => import('./views/PersonsView.vue'), meta: { perm: 'person.read' } },
      { path: 'persons/:id', name: 'person', component: () => import('./views/PersonView.vue'), meta: { perm: 'person.read', nav: 'persons' } },
      // The grid worker's phone pages (Vant).
      { path: 'my-tasks', name: 'my-tasks', component: () => import('./mobile/MyTasksView.vue'), meta: { perm: 'task.work' } },
      { path: 'my-tasks/register', name: 'my-register', component: () => import('./mobile/RegisterPersonView.vue'), meta: { perm: 'task.work', nav: 'my-tasks' } },
      { path: 'my-tasks/:id', name: 'my-task', component: () => import('./mobile/MyTaskView.vue'), meta: { perm: 'task.work', nav: 'my-tasks' } },
      // Home observation (居家观察): phone pages (Vant) and the commander's board.
      { path: 'today', name: 'obs-today', component: () => import('./obs/ObsTodayView.vue'), meta: { perm: 'obs.work' } },
      { path: 'observations', name: 'obs-list', component: () => import('./obs/ObsListView.vue'), meta: { perm: 'obs.work', nav: 'obs-board' } },
      { path: 'observations/new/:person', name: 'obs-place', component: () => import('./obs/ObsPlaceView.vue'), meta: { perm: 'obs.work', nav: 'persons' } },
      { path: 'observations/:id', name: 'obs', component: () => import('./obs/ObsDetailView.vue'), meta: { perm: 'obs.work', nav: 'obs-today' } },
      { path: 'observations/:id/visit', name: 'obs-visit', component: () => import('./obs/ObsVisitView.vue'), meta: { perm: 'obs.work', nav: 'obs-today' } },
      { path: 'services', name: 'services', component: () => import('./obs/ServicesView.vue'), meta: { perm: 'obs.work' } },
      { path: 'alerts', name: 'alerts', component: () => import('./obs/AlertsView.vue'), meta: { perm: 'obs.work' } },
      { path: 'obs-board/:area?', name: 'obs-board', component: () => import('./obs/ObsBoardView.vue'), meta: { perm: 'obs.manage' } },
      // 日报: an area's daily report (submission, roll-up, status); the county's settings.
      { path: 'reports/settings', name: 'report-settings', component: () => import('./reports/ReportSettingsView.vue'), meta: { perm: 'report.read', nav: 'report-settings' } },
      { path: 'reports/:area?', name: 'reports', component: () => import('./reports/ReportView.vue'), meta: { perm: 'report.read' } },
      // 卡口: the commander's checkpoints, their totals and registrations (the staff's phone pages are elsewhere).
      { path: 'checkpoints', name: 'checkpoints', component: () => import('./checkpoint-console/CheckpointsView.vue'), meta: { perm: 'checkpoint.work' } },
      { path: 'checkpoints/stats', name: 'cpc-stats', component: () => import('./checkpoint-console/CheckpointStatsView.vue'), meta: { perm: 'checkpoint.work', nav: 'checkpoints' } },
      { path: 'checkpoints/:id/passages', name: 'cpc-passages', component: () => import('./checkpoint-console/PassagesView.vue'), meta: { perm: 'checkpoint.work', nav: 'checkpoints' } },
      // 卡口: the checkpoint staff's phone pages (Vant), one chunk.
      { path: 'm/checkpoint', name: 'cp-staff', component: () => import('./checkpoint/field.js').then((m) => m.CheckpointStaffView), meta: { perm: 'checkpoint.work' } },
      { path: 'm/checkpoint/day', name: 'cp-day', component: () => import('./checkpoint/field.js').then((m) => m.CheckpointDayView), meta: { perm: 'checkpoint.work', nav: 'cp-staff' } },
      { path: 'm/checkpoint/prereg', name: 'cp-prereg', component: () => import('./checkpoint/field.js').then((m) => m.CheckpointPreregView), meta: { perm: 'checkpoint.work', nav: 'cp-staff' } },
      // 值班值守: who is on duty now (everyone), the roster (the command post), the duty log.
      { path: 'duty/now', name: 'duty-now', component: () => import('./duty/DutyNowView.vue') },
      { path: 'duty/roster', name: 'duty-roster', component: () => import('./duty/DutyRosterView.vue'), meta: { perm: 'duty.work' } },
      { path: 'duty/log', name: 'duty-log', component: () => import('./duty/DutyLogView.vue'), meta: { perm: 'duty.work' } },
      // 封闭管理: the commander's closed areas (households, passes, gates, figures); the gate
      // guard's phone page (Vant).
      { path: 'closures', name: 'closures', component: () => import('./closure/ClosuresView.vue'), meta: { perm: 'closure.manage' } },
      { path: 'closures/:id', name: 'closure', component: () => import('./closure/ClosureView.vue'), meta: { perm: 'closure.manage', nav: 'closures' } },
      { path: 'gate', name: 'gate', component: () => import('./closure/GateView.vue'), meta: { perm: 'gate.work' } },
      { path: 'accounts', name: 'accounts', component: () => import('./views/AccountsView.vue'), meta: { perm: 'user.read' } },
      { path: 'retention', name: 'retention', component: () => import('./retention/RetentionView.vue'), meta: { perm: 'retention.manage' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { perm: 'audit.read' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'home' } },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

const narrow = () => window.matchMedia('(max-width: 767px)').matches;

// Whether the caller has follow-ups due today (false when the list cannot be had).
async function hasFollowUps() {
  try {
    const r = await api.get('/api/v1/observations/today', { mine: 1 }, { quiet401: true });
    return !!(r && r.items && r.items.length);
  } catch {
    return false;
  }
}

// Where "/" leads. Doctors start on the fever alerts, social workers on the services.
// Grid workers start on today's follow-ups when they have any, else on their verification
// tasks (screening comes before anyone is under observation); anyone else who closes tasks
// but does not manage them does the same on a phone. Readers of the daily report start on
// 首页 (the home page); everyone else on the area tree.
export async function homeRoute(s) {
  const role = s.user.role;
  if (role === 'doctor' && s.can('obs.work')) return { name: 'alerts' };
  if (role === 'social_worker' && s.can('obs.work')) return { name: 'services' };
  if (role === 'checkpoint_staff' && s.can('checkpoint.work')) return { name: 'cp-staff' };
  if (role === 'gate_guard' && s.can('gate.work')) return { name: 'gate' };
  if (s.can('task.work') && (role === 'grid_worker' || (narrow() && !s.can('task.manage')))) {
    if (s.can('obs.work') && await hasFollowUps()) return { name: 'obs-today' };
    return { name: 'my-tasks' };
  }
  if (role === 'grid_worker' && s.can('obs.work')) return { name: 'obs-today' };
  // Those who read the daily report (commanders, cadres, admins, viewers): 首页.
  if (s.can('report.read')) return { name: 'dashboard' };
  return s.can('area.read') ? { name: 'areas' } : { name: 'password' };
}

router.beforeEach(async (to) => {
  if (to.meta.bare) return true;
  const s = useSession();
  try {
    await s.ensureLoaded();
  } catch {
    // Server unreachable: let public pages render, send others to login.
  }
  if (to.meta.public) {
    if (to.name === 'login' && s.loggedIn) return s.mustChangePassword ? { name: 'password' } : homeRoute(s);
    return true;
  }
  if (!s.loggedIn) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  if (s.mustChangePassword && to.name !== 'password') return { name: 'password' };
  if (to.name === 'home') return homeRoute(s);
  if (to.meta.perm && !s.can(to.meta.perm)) {
    const home = await homeRoute(s);
    return home.name === to.name ? { name: 'password' } : home;
  }
  return true;
});
