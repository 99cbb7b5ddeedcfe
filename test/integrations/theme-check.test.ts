import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Shopify's own theme linter, `@shopify/theme-check-node`, on the theme app extension, with the
 * theme-app-extension configuration (theme-check.yml beside this file). Offline: theme-check
 * would download Shopify's Liquid docs; SHOPIFY_TLD_ROOT points that download at a folder that
 * does not exist, so it falls back at once to the docs bundled in the package, without a request.
 * Needs `npm run build` first: it copies the widget into the extension's assets/.
 */
const EXTENSION = fileURLToPath(new URL('../../src/integrations/shopify/extensions/fitting-room/', import.meta.url));
const CONFIG = fileURLToPath(new URL('./theme-check.yml', import.meta.url));

type ThemeCheck = typeof import('@shopify/theme-check-node');
let themeCheck: ThemeCheck;
const scratch = mkdtempSync(join(tmpdir(), 'fitting-room-theme-check-'));

beforeAll(async () => {
  process.env.SHOPIFY_TLD_ROOT = join(scratch, 'no-remote-docs');
  // An app extension without locales/ is valid; theme-check still prints its failed look-up for one.
  const print = console.error.bind(console);
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!/ENOENT.*\/locales'?$/m.test(String((args[0] as Error)?.message ?? args[0]))) print(...args);
  });
  themeCheck = await import('@shopify/theme-check-node');
});
afterAll(() => {
  vi.restoreAllMocks();
  rmSync(scratch, { recursive: true, force: true });
});

const offensesOf = async (root: string) =>
  (await themeCheck.themeCheckRun(root, CONFIG, () => {})).offenses.map((offense) => `${offense.check} ${offense.uri.replace(/^.*\/extensions\//, '')}: ${offense.message}`);

describe('Shopify theme check', () => {
  it('finds no offense in the theme app extension, shipped widget included', async () => {
    expect(existsSync(`${EXTENSION}assets/fitting-room.js`), 'assets/fitting-room.js is missing: run `npm run build` first').toBe(true);
    const run = await themeCheck.themeCheckRun(EXTENSION, CONFIG, () => {});
    expect(run.config.context).toBe('app');
    const enabled = run.config.checks.map((check) => check.meta.code);
    for (const code of ['AssetSizeJavaScript', 'AssetSizeAppBlockJavaScript', 'AssetSizeAppBlockCSS', 'MissingAsset', 'ValidSchema', 'AppBlockValidTags'])
      expect(enabled).toContain(code);
    expect(run.offenses.map((offense) => `${offense.check}: ${offense.message}`)).toEqual([]);
  });

  it('measures the JavaScript we ship: a loader over 10 KB compressed is an offense', async () => {
    const copy = join(scratch, 'fitting-room');
    cpSync(EXTENSION, copy, { recursive: true });
    // Random bytes do not compress: 12 KB of them stay 12 KB gzipped.
    writeFileSync(join(copy, 'assets/fitting-room.js'), `/* ${randomBytes(12_000).toString('base64')} */`);
    const offenses = await offensesOf(copy);
    expect(
      offenses.some((offense) => offense.startsWith('AssetSizeJavaScript') && offense.includes('snippets/fitting-room-element.liquid')),
      JSON.stringify(offenses),
    ).toBe(true);
  });
});
