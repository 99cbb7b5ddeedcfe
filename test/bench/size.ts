/**
 * Size: gzip and brotli of the loader, of every chunk, and of everything a default try-on
 * loads (the same walk as test/size/size.test.ts), next to what a developer would reach for
 * instead: Shoelace's <sl-dialog> plus browser-image-compression, each bundled with Vite
 * into one minified ES module, the way a shop would ship it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'vite';
import { ROOT, note, sum } from './lib.js';

export interface FileSize {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

export interface SizeResults {
  loader: FileSize;
  /** Every JavaScript file of dist/widget, largest gzip first; the .wasm of the HEIC decoder apart. */
  chunks: FileSize[];
  wasm: FileSize[];
  /** What a default try-on loads (English, file picker, result, photo worker). */
  tryOn: { files: string[]; raw: number; gzip: number; brotli: number };
  alternatives: {
    /** Each alternative bundled on its own, and both together. */
    bundles: FileSize[];
    /** Shoelace's theme stylesheet, which its components need on the page. */
    css: FileSize;
    /** The UMD copy browser-image-compression's default `useWebWorker` imports into its worker (from a CDN unless `libURL` is set). */
    workerCopy: FileSize;
    /** Dialog + compression bundle + theme CSS: what the alternative loads for one try-on, at least. */
    total: { raw: number; gzip: number; brotli: number };
    /** The same with the worker's copy of the library. */
    totalWithWorker: { raw: number; gzip: number; brotli: number };
  };
}

const WIDGET = join(ROOT, 'dist/widget');
const OUT = join(ROOT, 'dist/bench-alternatives');

export function sizeOf(path: string, name = path.split('/').pop()!): FileSize {
  const bytes = readFileSync(path);
  return {
    file: name,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}

/** What a built file loads: static imports, dynamic imports, module workers (as in test/size/size.test.ts). */
function links(file: string) {
  const code = readFileSync(join(WIDGET, file), 'utf8');
  const names = (pattern: RegExp) => [...code.matchAll(pattern)].map((match) => match[1]!.replace(/^\.\//, ''));
  return {
    static: names(/(?:\bfrom|\bimport)\s*["'`](\.\/[\w.-]+\.js)["'`]/g),
    dynamic: names(/\bimport\(\s*["'`](\.\/[\w.-]+\.js)["'`]\s*\)/g),
    workers: names(/new URL\(\s*["'`](\.?\/?[\w.-]+\.js)["'`]\s*,\s*import\.meta\.url/g),
  };
}

/**
 * The files of a default try-on: the loader; on intent the dialog and discovery; the photo
 * worker; the result view; each with its static imports. Kept in step with size.test.ts.
 */
export function tryOnFiles(): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const target of links(file).static) visit(target);
  };
  visit('fitting-room.js');
  const lazy = [...seen].flatMap((file) => [...links(file).dynamic, ...links(file).workers]);
  const dialog = lazy.find((file) => /^fitting-room-dialog-/.test(file));
  if (!dialog) throw new Error('the loader does not import the dialog chunk');
  visit(dialog);
  const onIntent = [...seen].flatMap((file) => [...links(file).dynamic, ...links(file).workers]);
  for (const file of onIntent) if (/^(discover|result-view|photo\.worker)-/.test(file)) visit(file);
  return [...seen];
}

async function bundle(entry: string, name: string): Promise<FileSize> {
  const outDir = join(OUT, name);
  await build({
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: true,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: join(ROOT, 'test/bench/alternatives', entry), formats: ['es'], fileName: () => `${name}.js` },
      rolldownOptions: { output: { minify: true, codeSplitting: false } },
    },
  });
  const files = readdirSync(outDir).filter((file) => file.endsWith('.js'));
  if (files.length !== 1) throw new Error(`${name}: expected one bundle, got ${files.join(', ')}`);
  return sizeOf(join(outDir, files[0]!), `${name}.js`);
}

const totals = (sizes: FileSize[]) => ({ raw: sum(sizes.map((s) => s.raw)), gzip: sum(sizes.map((s) => s.gzip)), brotli: sum(sizes.map((s) => s.brotli)) });

export async function measureSizes(): Promise<SizeResults> {
  if (!existsSync(join(WIDGET, 'fitting-room.js'))) throw new Error('dist/widget is missing: build first');
  const files = readdirSync(WIDGET).filter((file) => statSync(join(WIDGET, file)).isFile());
  const chunks = files
    .filter((file) => file.endsWith('.js'))
    .map((file) => sizeOf(join(WIDGET, file)))
    .sort((a, b) => b.gzip - a.gzip);
  const wasm = files.filter((file) => file.endsWith('.wasm')).map((file) => sizeOf(join(WIDGET, file)));
  const tryOn = tryOnFiles();
  const tryOnSizes = chunks.filter((chunk) => tryOn.includes(chunk.file));

  note('bundling the alternatives with Vite…');
  const bundles = [
    await bundle('shoelace-dialog.ts', 'shoelace-dialog'),
    await bundle('image-compression.ts', 'browser-image-compression'),
    await bundle('dialog-and-compression.ts', 'shoelace-dialog+browser-image-compression'),
  ];
  const css = sizeOf(join(ROOT, 'node_modules/@shoelace-style/shoelace/dist/themes/light.css'), 'shoelace/themes/light.css');
  const workerCopy = sizeOf(join(ROOT, 'node_modules/browser-image-compression/dist/browser-image-compression.js'), 'browser-image-compression.js (worker importScripts)');
  const together = bundles[2]!;
  return {
    loader: chunks.find((chunk) => chunk.file === 'fitting-room.js')!,
    chunks,
    wasm,
    tryOn: { files: tryOn, ...totals(tryOnSizes) },
    alternatives: { bundles, css, workerCopy, total: totals([together, css]), totalWithWorker: totals([together, css, workerCopy]) },
  };
}
