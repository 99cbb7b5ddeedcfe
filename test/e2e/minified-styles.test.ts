import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findTemplates, minifyTemplate } from '../../src/build/minify-lit-templates.js';
import { CHROMIUM_ARGS } from './embed/browser.js';

/**
 * The widget build minifies every style sheet written as a template (src/build/minify-lit-templates.ts).
 * Chromium must read each of them exactly as written: same rules, same selectors, same
 * declarations, in the same order.
 */
const root = new URL('../../', import.meta.url).pathname;
const widgetSources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['server', 'integrations'].includes(entry.name) ? [] : widgetSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });

/** Each css template of the widget, as written and as shipped; an expression becomes a custom property declaration. */
const sheets = widgetSources(join(root, 'src')).flatMap((file) =>
  findTemplates(readFileSync(file, 'utf8'), file)
    .filter((template) => template.kind === 'css')
    .map((template) => {
      const withExpressions = (texts: (string | null)[]) => texts.map((text, index) => (index ? `--expression-${index}: 0;` : '') + text).join('');
      return { name: relative(root, file), written: withExpressions(template.texts), shipped: withExpressions(minifyTemplate(template) ?? template.texts) };
    }),
);

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await browser?.close();
});

describe('minified style sheets', () => {
  it('finds the widget style sheets: the loader, the dialog, its palette, the camera and result views', () => {
    expect(sheets.map((sheet) => sheet.name)).toEqual(
      expect.arrayContaining([
        'src/components/fitting-room/fitting-room.styles.ts',
        'src/components/fitting-room-dialog/fitting-room-dialog.styles.ts',
        'src/components/fitting-room-dialog/camera/camera-view.ts',
        'src/components/fitting-room-dialog/result/result-view.ts',
      ]),
    );
    for (const sheet of sheets) expect(sheet.shipped.length, sheet.name).toBeLessThan(sheet.written.length);
  });

  it('read the same in Chromium as written', async () => {
    const page = await browser.newPage();
    const parsed = await page.evaluate(
      (texts) =>
        texts.map((text) => {
          const sheet = new CSSStyleSheet();
          sheet.replaceSync(text);
          // A sheet that is only declarations (the dark palette, interpolated into a rule) reads as a style attribute.
          const declarations = document.createElement('div').style;
          declarations.cssText = text;
          return { rules: [...sheet.cssRules].map((rule) => rule.cssText), declarations: declarations.cssText };
        }),
      sheets.flatMap((sheet) => [sheet.written, sheet.shipped]),
    );
    await page.close();
    // Values with var() keep their tokens as written; a space after a comma there separates nothing.
    const tokens = (text: string) => text.replace(/,\s+/g, ',');
    sheets.forEach((sheet, index) => {
      const [written, shipped] = [parsed[2 * index], parsed[2 * index + 1]];
      expect(written.rules.length + written.declarations.length, `${sheet.name} parses to something`).toBeGreaterThan(0);
      expect(shipped.rules.map(tokens), sheet.name).toEqual(written.rules.map(tokens));
      expect(tokens(shipped.declarations), sheet.name).toBe(tokens(written.declarations));
    });
  });
});
