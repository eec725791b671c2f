// The signed-in user, their permissions and the CSRF token. Restored from GET /api/v1/me
// on page load; the cookie itself is HttpOnly and never touched here.
import { defineStore } from 'pinia';
import { api } from '../api.js';

export const useSession = defineStore('session', {
  state: () => ({
    user: null,
    csrf: '',
    permissions: [],
    grantableRoles: [],
    passwordPolicy: null, // GET /me's password_policy: the rules the server enforces
    loaded: false,
  }),
  getters: {
    loggedIn: (s) => !!s.user,
    mustChangePassword: (s) => !!(s.user && s.user.must_change_password),
  },
  actions: {
    can(perm) {
      return this.permissions.includes(perm);
    },
    applyMe(me) {
      this.user = me.user;
      this.csrf = me.csrf || this.csrf;
      this.permissions = me.permissions || [];
      this.grantableRoles = me.grantable_roles || [];
      this.passwordPolicy = me.password_policy || null;
    },
    async load() {
      try {
        this.applyMe(await api.get('/api/v1/me', undefined, { quiet401: true }));
      } catch (e) {
        if (e.status !== 401) { this.loaded = true; throw e; }
        this.clear();
      }
      this.loaded = true;
    },
    async ensureLoaded() {
      if (!this.loaded) await this.load();
    },
    async login(username, password) {
      const r = await api.post('/api/v1/login', { username, password }, { quiet401: true });
      this.user = { ...r.user, must_change_password: !!r.must_change_password };
      this.csrf = r.csrf;
      await this.load();
      // The login answer is authoritative for the forced change even if /me lags behind.
      if (r.must_change_password && this.user) this.user.must_change_password = true;
    },
    async logout() {
      try { await api.post('/api/v1/logout', undefined, { quiet401: true }); } catch { /* gone anyway */ }
      this.clear();
    },
    clear() {
      this.user = null;
      this.csrf = '';
      this.permissions = [];
      this.grantableRoles = [];
      this.passwordPolicy = null;
      this.loaded = true;
    },
  },
});
