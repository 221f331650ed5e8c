/**
 * Builds the dashboard and admin apps (plus the server pages' stylesheet) to
 * dist/ui as flat, content-hashed files. The server serves dist/ui at
 * /assets/ with a year-long cache and finds each entry's files through
 * dist/ui/.vite/manifest.json, so no HTML is produced here.
 */
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: '/assets/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    // libraries that ask for react get preact's compat-free core instead (none do today; keeps it explicit)
    dedupe: ['preact'],
  },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    manifest: true,
    // every file lands at dist/ui/<name>-<hash>.<ext>, served at /assets/<name>-<hash>.<ext>
    assetsDir: '',
    // the map data (topojson) is fetched as its own hashed asset, never inlined into the JS
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'es2022',
    rolldownOptions: {
      input: {
        dashboard: `${here}/src/dashboard/main.tsx`,
        admin: `${here}/src/admin/main.tsx`,
        pages: `${here}/src/pages/pages.css`,
      },
    },
  },
});
