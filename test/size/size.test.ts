import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/**
 * Size budgets of what a shop page downloads, checked on the production build
 * (`npm test` builds first). The loader is on every product page; the rest loads on intent.
 */
const dist = new URL('../../dist/widget/', import.meta.url).pathname;
const gzipSize = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;
const scripts = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? scripts(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : [],
  );

const LOADER_BUDGET = 3 * 1024;
/** Shopify's theme-check limit for an app block's JavaScript file. */
const FILE_BUDGET = 10 * 1024;
const TRY_ON_BUDGET = 30 * 1024;

describe('bundle size', () => {
  it(`keeps the loader under ${LOADER_BUDGET} bytes gzip`, () => {
    const size = gzipSize(join(dist, 'fitting-room.js'));
    console.info(`loader: ${size} B gzip`);
    expect(size).toBeLessThanOrEqual(LOADER_BUDGET);
  });

  it(`keeps every file under ${FILE_BUDGET} bytes gzip and a whole try-on under ${TRY_ON_BUDGET}`, () => {
    const sizes = Object.fromEntries(scripts(dist).map((file) => [relative(dist, file), gzipSize(file)]));
    console.info(`files (B gzip): ${JSON.stringify(sizes)}`);
    for (const [file, size] of Object.entries(sizes)) expect(size, file).toBeLessThanOrEqual(FILE_BUDGET);
    expect(Object.values(sizes).reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(TRY_ON_BUDGET);
  });

  it('loads nothing but the loader before intent', () => {
    const loader = readFileSync(join(dist, 'fitting-room.js'), 'utf8');
    expect(loader).not.toMatch(/^import\s/m);
    expect(loader).toMatch(/import\(["']\.\/chunks\/fitting-room-dialog-/);
  });
});
