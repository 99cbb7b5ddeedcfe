import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startDemo } from '../../demo/server.js';
import { launchChromium } from './embed/browser.js';

/**
 * Issue 12 on the demo store (built widget, real proxy, Chromium at phone width): the consent
 * says an AI makes the image, the result carries the "AI-generated" label, in English and in
 * Arabic; the file a shopper downloads is byte for byte the one the proxy served; the proxy's
 * privacy notice reads on a phone. Screenshots go to test/.artifacts/screenshots/disclosure-*.png.
 */
const shots = new URL('../.artifacts/screenshots/', import.meta.url);
const photo = new URL('../../demo/.generated/shopper-1.jpg', import.meta.url).pathname;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '600' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

const COPY = {
  en: {
    open: 'Try it on',
    agree: /I agree/,
    next: 'Continue',
    ai: /An AI system will create an altered image of you/,
    label: 'AI-generated',
    download: 'Download',
  },
  ar: { open: 'Try it on', agree: /أوافق/, next: 'متابعة', ai: /سيُنشئ نظام ذكاء اصطناعي صورة معدَّلة/, label: 'مُنشأة بالذكاء الاصطناعي', download: 'تنزيل' },
};

describe('AI disclosure on a phone', () => {
  for (const [locale, copy] of Object.entries(COPY)) {
    it(`${locale}: the consent says AI, the result is labelled, and the download is the served file`, async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2, acceptDownloads: true });
      const page = await context.newPage();
      const served: Uint8Array[] = [];
      // The result passes through unchanged; its bytes are kept to compare with the download.
      await page.route(/\/results\//, async (route) => {
        const response = await route.fetch();
        const body = await response.body();
        served.push(new Uint8Array(body));
        await route.fulfill({ response, body });
      });
      await page.goto(demo.url);
      if (locale !== 'en') await page.locator('fitting-room').evaluate((element, lang) => element.setAttribute('locale', lang), locale);
      await page.getByRole('button', { name: copy.open }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('checkbox', { name: copy.agree }).waitFor();
      await expect.poll(() => dialog.locator('p.muted').count()).toBe(1);
      await expect(dialog.getByText(copy.ai).count()).resolves.toBe(1);
      await page.screenshot({ path: new URL(`disclosure-${locale}-consent.png`, shots).pathname });

      await dialog.getByRole('checkbox', { name: copy.agree }).check();
      await dialog.getByRole('button', { name: copy.next }).click();
      await dialog.locator('input[type=file]').setInputFiles(photo);
      // The label is part of the result image's accessible name, and shown on it.
      const result = dialog.getByRole('img', { name: new RegExp(`^${copy.label}: `) });
      await result.waitFor({ timeout: 20_000 });
      await expect(dialog.locator('.compare .label.after').innerText()).resolves.toBe(copy.label);
      await expect(dialog.locator('.compare .label.after').isVisible()).resolves.toBe(true);
      await page.waitForFunction(() => {
        const root = document.querySelector('fitting-room')!.shadowRoot!.querySelector('fitting-room-dialog')!.shadowRoot!;
        return [...root.querySelectorAll('img')].every((image) => image.complete && image.naturalWidth > 0);
      });
      await page.screenshot({ path: new URL(`disclosure-${locale}-result.png`, shots).pathname });

      const [download] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('link', { name: copy.download }).click()]);
      const downloaded = new Uint8Array(await readFile((await download.path())!));
      expect(served).toHaveLength(1);
      expect(downloaded.length).toBe(served[0]!.length);
      expect(sha256(downloaded)).toBe(sha256(served[0]!));
      expect(download.suggestedFilename()).toMatch(/^try-on-.*\.jpg$/);
      await context.close();
    });
  }

  it('the privacy notice reads on a phone, in Arabic right to left', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`${demo.url}/fitting-room/privacy?lang=ar`);
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await expect(page.getByRole('heading', { level: 1 }).innerText()).resolves.toMatch(/إشعار الخصوصية/);
    // The CSP allows the page's own style: a style refused would be a console error, and the page unstyled.
    expect(errors).toEqual([]);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await page.screenshot({ path: new URL('disclosure-ar-privacy.png', shots).pathname, fullPage: true });
    await context.close();
  });
});
