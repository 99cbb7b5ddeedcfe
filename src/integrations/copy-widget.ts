/**
 * Copies the built widget (dist/widget, flat: the loader, its chunks, the photo worker and
 * libheif's .wasm; not the source maps) into the integrations that ship it:
 * the Shopify theme app extension's assets/ and the WordPress plugin's build/. Run by
 * `npm run build` after `vite build`; the copies are not sources (src/integrations/.gitignore).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const widget = join(root, 'dist/widget');
/** libheif's glue (~27 KB gzip) and its .wasm: only for a HEIC photo the browser cannot decode. */
const HEIC_DECODER = /^(heic-[\w-]+\.js|libheif-[\w-]+\.wasm)$/;
const targets = [
  // Shopify's theme check refuses app-block JavaScript over 10 KB, so the HEIC decoder stays out:
  // there, a HEIC photo the browser can't decode gets the widget's "can't open this HEIC" message.
  { dir: join(root, 'src/integrations/shopify/extensions/fitting-room/assets'), ships: (name: string) => !HEIC_DECODER.test(name) },
  { dir: join(root, 'src/integrations/wordpress/fitting-room/build'), ships: () => true },
];

if (!existsSync(join(widget, 'fitting-room.js'))) {
  console.error('copy-widget: dist/widget/fitting-room.js is missing; run `vite build` first.');
  process.exit(1);
}
const built = (name: string) => !name.endsWith('.map');
const files = readdirSync(widget).filter(built);
for (const { dir, ships } of targets) {
  mkdirSync(dir, { recursive: true });
  // Old hashed files go; hand-written ones (fitting-room.css) stay.
  for (const name of readdirSync(dir)) if (/\.(js|wasm|map)$/.test(name)) rmSync(join(dir, name));
  for (const name of files.filter(ships)) copyFileSync(join(widget, name), join(dir, name));
}
console.log(`copy-widget: ${files.length} files into ${targets.length} integrations`);
