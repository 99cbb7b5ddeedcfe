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
const targets = [join(root, 'src/integrations/shopify/extensions/fitting-room/assets'), join(root, 'src/integrations/wordpress/fitting-room/build')];

if (!existsSync(join(widget, 'fitting-room.js'))) {
  console.error('copy-widget: dist/widget/fitting-room.js is missing; run `vite build` first.');
  process.exit(1);
}
const built = (name: string) => !name.endsWith('.map');
const files = readdirSync(widget).filter(built);
for (const target of targets) {
  mkdirSync(target, { recursive: true });
  // Old hashed files go; hand-written ones (fitting-room.css) stay.
  for (const name of readdirSync(target)) if (/\.(js|wasm|map)$/.test(name)) rmSync(join(target, name));
  for (const name of files) copyFileSync(join(widget, name), join(target, name));
}
console.log(`copy-widget: ${files.length} files into ${targets.length} integrations`);
