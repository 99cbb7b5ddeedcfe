import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { defineConfig, type ViteUserConfig as UserConfig } from 'vitest/config';
import { minifyLitTemplatesPlugin } from './src/build/minify-lit-templates.js';

/**
 * `virtual:libheif-wasm` → the URL of libheif's .wasm, emitted as a file next to the chunks.
 * Library mode would inline it as a 2 MB data: URL; a file of our own is smaller on the wire,
 * cached, and allowed by a CSP without data: (see src/photo/heic.ts).
 */
const libheifWasm: Plugin = {
  name: 'fitting-room:libheif-wasm',
  enforce: 'pre',
  resolveId: (id) => (id === 'virtual:libheif-wasm' ? '\0libheif-wasm' : null),
  load(id) {
    if (id !== '\0libheif-wasm') return null;
    const source = readFileSync(createRequire(import.meta.url).resolve('libheif-js/libheif-wasm/libheif.wasm'));
    return `export default import.meta.ROLLUP_FILE_URL_${this.emitFile({ type: 'asset', name: 'libheif.wasm', source })};`;
  },
};
/**
 * What the browser gets is bundled for the last time: `@__PURE__` annotations (≈ 17 B each, for a
 * later bundler's tree-shaking) are of no use there; no other comment was kept before either.
 */
const FINAL_COMMENTS = false;
/** Flat, beside the loader (see below), for the worker and the .wasm too. */
const names = { entryFileNames: '[name]-[hash].js', chunkFileNames: '[name]-[hash].js', assetFileNames: '[name]-[hash][extname]' };

/**
 * The browser bundle (default mode) in dist/widget: `fitting-room.js` is the loader a
 * merchant's script tag points at; everything else is a chunk the loader imports only on
 * intent. Lit gets a chunk of its own so no file outgrows the app-block size limit.
 */
const widget: UserConfig = {
  // Relative URLs for chunks, the photo worker and the .wasm: the widget works from any path.
  base: './',
  // The templates' indentation is not for shop pages (src/build/minify-lit-templates.ts).
  plugins: [libheifWasm, minifyLitTemplatesPlugin],
  // The photo worker (src/photo/photo.worker.ts) is a module worker file of its own, same origin as the widget.
  worker: { format: 'es', plugins: () => [libheifWasm], rolldownOptions: { output: { ...names, minify: true, comments: FINAL_COMMENTS } } },
  // Library mode leaves `process.env.NODE_ENV` in place; shop pages have no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    // Maps for us, no `//# sourceMappingURL` for shoppers (≈ 24 B gzip a file): the integrations
    // ship the files without their maps (src/integrations/copy-widget.ts), so it pointed nowhere.
    sourcemap: 'hidden',
    lib: {
      entry: 'src/fitting-room.ts',
      formats: ['es'],
      fileName: () => 'fitting-room.js',
    },
    rolldownOptions: {
      output: {
        // Flat, beside the loader: Shopify's theme app extension assets/ and a WordPress plugin's
        // build/ folder take the files as they are (no subfolders).
        chunkFileNames: names.chunkFileNames,
        assetFileNames: names.assetFileNames,
        // Library mode keeps whitespace by default; this bundle goes straight onto shop pages.
        minify: true,
        comments: FINAL_COMMENTS,
        codeSplitting: {
          groups: [
            { name: 'lit', test: /node_modules[\\/](lit|lit-html|lit-element|@lit)[\\/]/ },
            // Statically imported by the dialog, split only to keep each file under the 10 KB budget.
            { name: 'proxy-client', test: /src[\\/]client[\\/]|node_modules[\\/]nanostores[\\/]/ },
            { name: 'messages', test: /fitting-room-dialog[\\/]messages\.ts$/ },
          ],
        },
      },
    },
  },
};

/** `vite build --mode proxy`: the proxy for Node (the `fitting-room-proxy` bin) in dist/server. */
const proxy: UserConfig = {
  build: {
    outDir: 'dist/server',
    emptyOutDir: true,
    target: 'node20',
    ssr: true,
    sourcemap: true,
    rolldownOptions: {
      input: { cli: 'src/server/cli.ts', index: 'src/server/index.ts' },
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
};

/**
 * `vite build --mode edge`: the same proxy for runtimes without Node built-ins or sharp, in
 * dist/edge — `worker.js` (Cloudflare Workers; also exports `createEdgeProxy`), `deno.js` and
 * `bun.js` (which import worker.js). Everything is bundled and resolved as for a web worker;
 * a Node built-in reached from worker.ts would stay an `import "node:…"` in the output, which
 * test/server/edge.test.ts refuses (with sharp, Buffer and friends).
 */
const edgeConditions = ['worker', 'browser', 'import', 'default'];
const edge: UserConfig = {
  resolve: { conditions: edgeConditions },
  ssr: { target: 'webworker', noExternal: true, resolve: { conditions: edgeConditions, externalConditions: edgeConditions } },
  build: {
    outDir: 'dist/edge',
    emptyOutDir: true,
    target: 'es2022',
    ssr: true,
    sourcemap: true,
    rolldownOptions: {
      input: { worker: 'src/server/worker.ts', deno: 'src/server/deno.ts', bun: 'src/server/bun.ts' },
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
};

const test: UserConfig['test'] = {
  projects: [
    { test: { name: 'server', include: ['test/server/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
    { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' } },
    { test: { name: 'size', include: ['test/size/**/*.test.ts'], environment: 'node' } },
    { test: { name: 'integrations', include: ['test/integrations/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
    {
      test: {
        name: 'e2e',
        include: ['test/e2e/**/*.test.ts'],
        environment: 'node',
        testTimeout: 60_000,
        hookTimeout: 120_000,
      },
    },
  ],
};

const builds: Record<string, UserConfig> = { proxy, edge };

export default defineConfig(({ mode }) => ({ ...(builds[mode] ?? widget), test }));
