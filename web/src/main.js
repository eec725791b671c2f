import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/dist/index.css';
import './styles/main.css';
import App from './App.vue';
import { i18n, t } from './i18n/index.js';
import { router } from './router.js';
import { configureApi } from './api.js';
import { useSession } from './stores/session.js';
import { installElementPlus } from './element.js';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n).use(router);
installElementPlus(app);

const session = useSession(pinia);
configureApi({
  csrf: () => session.csrf,
  onUnauthorized: () => {
    const was = session.loggedIn;
    session.clear();
    const cur = router.currentRoute.value;
    if (cur.name !== 'login') {
      router.replace({ name: 'login', query: { redirect: cur.fullPath, expired: was ? '1' : undefined } });
    }
  },
  onMustChangePassword: () => {
    if (session.user) session.user.must_change_password = true;
    router.replace({ name: 'password' });
  },
});

document.title = `${t('app.name')} · ${t('app.title')}`;
app.mount('#app');
