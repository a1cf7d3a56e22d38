/**
 * Two browser pages, each built into its own self-contained folder: web/dist/admin/ and
 * web/dist/sidebar/ (index.html + assets/). The cloud server mounts those two folders at /admin/
 * and /sidebar/, so nothing may live in a shared web/dist/assets/. `base: './'` keeps every URL
 * relative to the page's folder.
 *
 *  - build: one page per run, picked by WEB_PAGE (scripts/build.mjs runs both: `npm run build -w web`)
 *  - dev:   `npm run dev -w web` serves both at http://127.0.0.1:7300/admin/ and /sidebar/,
 *           /api proxied to the cloud server on :7001
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const PAGES = ['admin', 'sidebar'] as const;

export default defineConfig(({ command }): UserConfig => {
  if (command === 'serve') {
    return {
      root: here('.'),
      plugins: [react()],
      server: {
        port: 7300,
        // contracts/ lives one level up, outside the Vite root.
        fs: { allow: [here('..')] },
        proxy: { '/api': 'http://127.0.0.1:7001' },
      },
    };
  }
  const page = process.env.WEB_PAGE;
  if (!PAGES.includes(page as (typeof PAGES)[number])) {
    throw new Error(`set WEB_PAGE to one of ${PAGES.join(', ')} (or run \`npm run build -w web\`, which builds both)`);
  }
  return {
    root: here(`./${page}`),
    base: './',
    publicDir: false,
    plugins: [react()],
    build: {
      outDir: here(`./dist/${page}`),
      emptyOutDir: true,
      // antd alone is ~1 MB minified; the warning is noise for an intranet ops page.
      chunkSizeWarningLimit: 1200,
      rolldownOptions: {
        output: {
          // Everything the entry imports statically (the ops page's shell: React, router, antd's
          // core, the layout) in ONE chunk: it is loaded on every first screen anyway, and as one
          // file it is ~17 KB smaller gzipped and ~30 requests fewer than split by sharing.
          // Screens, and what they share, are still split per route (see admin/screens.tsx).
          codeSplitting: { groups: [{ name: 'shell', tags: ['$initial'] }] },
        },
      },
    },
  };
});
