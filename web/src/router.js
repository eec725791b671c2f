// Routes and the guard that enforces: signed in, forced password change first, and the
// permission a page needs. The server checks all of this again; the guard only keeps the
// user from landing on pages that would answer 401/403.
import { createRouter, createWebHistory } from 'vue-router';
import { useSession } from './stores/session.js';

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('./layouts/ConsoleLayout.vue'),
    children: [
      { path: '', redirect: { name: 'areas' } },
      { path: 'password', name: 'password', component: () => import('./views/ChangePasswordView.vue') },
      { path: 'areas/:code?', name: 'areas', component: () => import('./views/AreasView.vue'), meta: { perm: 'area.read' } },
      { path: 'accounts', name: 'accounts', component: () => import('./views/AccountsView.vue'), meta: { perm: 'user.read' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { perm: 'audit.read' } },
    ],
  },
  { path: '/:rest(.*)*', redirect: { name: 'areas' } },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach(async (to) => {
  const s = useSession();
  try {
    await s.ensureLoaded();
  } catch {
    // Server unreachable: let public pages render, send others to login.
  }
  if (to.meta.public) {
    if (to.name === 'login' && s.loggedIn) return { name: s.mustChangePassword ? 'password' : 'areas' };
    return true;
  }
  if (!s.loggedIn) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  if (s.mustChangePassword && to.name !== 'password') return { name: 'password' };
  if (to.meta.perm && !s.can(to.meta.perm)) {
    return to.name === 'areas' ? { name: 'password' } : { name: 'areas' };
  }
  return true;
});
