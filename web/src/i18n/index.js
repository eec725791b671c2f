// vue-i18n setup. zh-CN is the default; the user's choice is kept in localStorage and is
// also sent to the server as Accept-Language so that its error messages match the UI.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN.js';
import en from './en.js';

const STORAGE_KEY = 'fk.locale';
export const LOCALES = ['zh-CN', 'en'];

function initialLocale() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LOCALES.includes(saved)) return saved;
  } catch { /* storage may be blocked */ }
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

document.documentElement.lang = i18n.global.locale.value;

export function currentLocale() {
  return i18n.global.locale.value;
}

export function setLocale(locale) {
  if (!LOCALES.includes(locale)) return;
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try { localStorage.setItem(STORAGE_KEY, locale); } catch { /* ignore */ }
}

export const t = (...args) => i18n.global.t(...args);
