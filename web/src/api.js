// The one door to the server. Every call goes through request(): JSON in and out, the
// session cookie (same-origin), the CSRF token on state-changing methods, and the UI
// language as Accept-Language so that server messages come back already translated.
// Failures become ApiError carrying the server's {code, message, field}. Uploads
// (multipart) and downloads (files saved by the browser) go through the same door.
import { currentLocale, t } from './i18n/index.js';

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

// Set by the session store / router so this module needs neither.
const hooks = {
  csrf: () => '',
  onUnauthorized: () => {},
  onMustChangePassword: () => {},
};

export function configureApi(h) {
  Object.assign(hooks, h);
}

function buildUrl(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function request(method, path, { body, form, query, quiet401 = false, raw = false } = {}) {
  const headers = { Accept: raw ? '*/*' : 'application/json', 'Accept-Language': acceptLanguage() };
  if (method !== 'GET' && method !== 'HEAD') {
    const token = hooks.csrf();
    if (token) headers['X-CSRF-Token'] = token;
  }
  const init = { method, headers, credentials: 'same-origin' };
  if (form !== undefined) {
    init.body = form; // FormData: the browser sets the multipart boundary
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(buildUrl(path, query), init);
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (raw && res.ok) return res;
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) return data;

  const e = (data && data.error) || {};
  const err = new ApiError(res.status, e.code || `http.${res.status}`,
    e.message || t('error.unknown', { status: res.status }), e.field);
  if (Array.isArray(e.rows)) err.rows = e.rows; // an import's problems, row by row
  if (res.status === 401 && !quiet401) hooks.onUnauthorized(err);
  if (res.status === 403 && err.code === 'password.must_change') hooks.onMustChangePassword(err);
  throw err;
}

function acceptLanguage() {
  return currentLocale() === 'en' ? 'en, zh-CN;q=0.5' : 'zh-CN, zh;q=0.9, en;q=0.3';
}

// The file name the server suggests in Content-Disposition, else the fallback.
function suggestedName(res, fallback) {
  const cd = res.headers.get('Content-Disposition') || '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) {
    try { return decodeURIComponent(star[1]); } catch { /* fall through */ }
  }
  const m = /filename="?([^";]+)"?/i.exec(cd);
  return m ? m[1] : fallback;
}

// GET a file and hand it to the browser as a download (the server's language, cookie and
// errors apply as for any call). Resolves with {name, size, type}.
async function download(path, query, fallbackName = 'download') {
  const res = await request('GET', path, { query, raw: true });
  let blob;
  try {
    blob = await res.blob();
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  const name = suggestedName(res, fallbackName);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, size: blob.size, type: blob.type };
}

export const api = {
  get: (path, query, opts) => request('GET', path, { ...opts, query }),
  post: (path, body, opts) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts) => request('PUT', path, { ...opts, body }),
  upload: (path, form, opts) => request('POST', path, { ...opts, form }),
  download,
};

// A fresh idempotency key for one create dialog.
export function newUuid() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; plain-HTTP LAN deployments fall back here.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
