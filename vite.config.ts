import { defineConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

/**
 * The browser bundle (default mode) in dist/widget: `fitting-room.js` is the loader a
 * merchant's script tag points at; everything else is a chunk the loader imports only on
 * intent. Lit gets a chunk of its own so no file outgrows the app-block size limit.
 */
const widget: UserConfig = {
  // Library mode leaves `process.env.NODE_ENV` in place; shop pages have no `process`.
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: 'src/fitting-room.ts',
      formats: ['es'],
      fileName: () => 'fitting-room.js',
    },
    rolldownOptions: {
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Library mode keeps whitespace by default; this bundle goes straight onto shop pages.
        minify: true,
        codeSplitting: {
          groups: [{ name: 'lit', test: /node_modules[\\/](lit|lit-html|lit-element|@lit)[\\/]/ }],
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

const test: UserConfig['test'] = {
  projects: [
    { test: { name: 'server', include: ['test/server/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
    { test: { name: 'size', include: ['test/size/**/*.test.ts'], environment: 'node' } },
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

export default defineConfig(({ mode }) => ({ ...(mode === 'proxy' ? proxy : widget), test }));
