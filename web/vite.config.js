// Vite build of the fangkong console. The C server serves dist/ at "/" and falls back
// to index.html for unknown non-API GET paths, so the router can use HTML5 history.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const backend = process.env.FANGKONG_BACKEND || 'http://127.0.0.1:8080';

// Vant's base.css (imported by every Vant component style) also carries global element
// rules — body font, a/ol/ul resets, focus outlines removed — that would leak into the
// Element Plus console once a phone page has loaded. Keep only its variables, keyframes
// and .van-* classes: a top-level rule stays when every selector in it names Vant.
function vantBaseOnly() {
  const vantSelector = (sel) => /\.van-|\[class\*=van-|^:root$|^:host$/.test(sel.trim());
  return {
    name: 'fk-vant-base-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/]es[\\/]style[\\/]base\.css$/.test(id.split('?')[0])) return null;
      let out = '';
      for (let i = 0; i < code.length;) {
        const open = code.indexOf('{', i);
        if (open < 0) { out += code.slice(i); break; }
        let depth = 1;
        let j = open + 1;
        for (; j < code.length && depth; j++) {
          if (code[j] === '{') depth++;
          else if (code[j] === '}') depth--;
        }
        const selector = code.slice(i, open).trim();
        if (selector.startsWith('@') || selector.split(',').every(vantSelector)) out += code.slice(i, j);
        i = j;
      }
      return { code: out, map: null };
    },
  };
}

// Vant's icon font comes as a data: URL (which the server's CSP, font-src 'self', refuses)
// with a fallback on a CDN (which a county LAN may not reach, and which would tell a third
// party who uses the console). Write the font out as a file so that it ships in dist/
// like any other asset, and drop the CDN.
function vantIconFontLocal() {
  const cacheDir = join(dirname(fileURLToPath(import.meta.url)), 'node_modules/.cache/fangkong');
  return {
    name: 'fk-vant-icon-font-local',
    enforce: 'pre',
    transform(code, id) {
      const file = id.split('?')[0];
      if (!/[\\/]vant[\\/]es[\\/]icon[\\/]index\.css$/.test(file)) return null;
      const m = /src:url\(data:font\/woff2;charset=utf-8;base64,([A-Za-z0-9+/=]+)\) format\("woff2"\)(,url\([^)]*\) format\("woff"\))?/.exec(code);
      if (!m) this.error('vant icon font: the @font-face rule changed; update vantIconFontLocal in vite.config.js');
      mkdirSync(cacheDir, { recursive: true });
      const font = join(cacheDir, 'vant-icon.woff2');
      writeFileSync(font, Buffer.from(m[1], 'base64'));
      const rel = relative(dirname(file), font).split('\\').join('/');
      return { code: code.replace(m[0], `src:url(${rel}) format("woff2")`), map: null };
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [vue(), vantBaseOnly(), vantIconFontLocal()],
  define: {
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/healthz': { target: backend, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
  },
});
