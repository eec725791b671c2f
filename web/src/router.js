// Routes and the guard that enforces: signed in, forced password change first, and the
// permission a page needs. The server checks all of this again; the guard only keeps the
// user from landing on pages that would answer 401/403.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session.js';

const Home = { name: 'HomeRedirect', render: () => null };

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    children: [
      { path: '', name: 'home', component: Home },
      { path: 'password', name: 'password', component: () => import('./views/ChangePasswordView.vue') },
      { path: 'areas/:code?', name: 'areas', component: () => import('./views/AreasView.vue'), meta: { perm: 'area.read' } },
      { path: 'imports/:id?', name: 'imports', component: () => import('./views/ImportsView.vue'), meta: { perm: 'import' } },
      { path: 'monitor/:area?', name: 'monitor', component: () => import('./views/MonitorView.vue'), meta: { perm: 'task.manage' } },
      { path: 'tasks/:area', name: 'tasks', component: () => import('./views/TaskListView.vue'), meta: { perm: 'task.manage', nav: 'monitor' } },
      { path: 'persons', name: 'persons', component: () => import('./views/PersonsView.vue'), meta: { perm: 'person.read' } },
      { path: 'persons/:id', name: 'person', component: () => import('./views/PersonView.vue'), meta: { perm: 'person.read', nav: 'persons' } },
      // The grid worker's phone pages (Vant).
      { path: 'my-tasks', name: 'my-tasks', component: () => import('./mobile/MyTasksView.vue'), meta: { perm: 'task.work' } },
      { path: 'my-tasks/:id', name: 'my-task', component: () => import('./mobile/MyTaskView.vue'), meta: { perm: 'task.work', nav: 'my-tasks' } },
      { path: 'accounts', name: 'accounts', component: () => import('./views/AccountsView.vue'), meta: { perm: 'user.read' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { perm: 'audit.read' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'home' } },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

const narrow = () => window.matchMedia('(max-width: 767px)').matches;

// Where "/" leads: door-to-door workers (grid workers always; anyone who closes tasks but
// does not manage them when on a phone) start on their task list, everyone else on the
// area tree.
export function homeRoute(s) {
  if (s.can('task.work') && (s.user.role === 'grid_worker' || (narrow() && !s.can('task.manage')))) {
    return { name: 'my-tasks' };
  }
  return s.can('area.read') ? { name: 'areas' } : { name: 'password' };
}

router.beforeEach(async (to) => {
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
    const home = homeRoute(s);
    return home.name === to.name ? { name: 'password' } : home;
  }
  return true;
});
