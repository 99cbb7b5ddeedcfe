import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { startDemo } from '../../demo/server.js';

/**
 * The shopper's experience on the demo store, built widget, real proxy: camera and file,
 * English and Arabic, a phone (390×844) and a desktop (1280×800). Screenshots of every main
 * state go to test/.artifacts/screenshots/ for people to look at.
 */
const shots = new URL('../.artifacts/screenshots/', import.meta.url);
const photo = (name: string) => new URL(`../../demo/.generated/${name}`, import.meta.url).pathname;
const VARIANTS = JSON.stringify([
  { id: 'everyday-tee-navy', name: 'Navy', garment: '/images/tee-navy.png' },
  { id: 'everyday-tee-terracotta', name: 'Terracotta', garment: '/images/tee-terracotta.png' },
]);

const VIEWPORTS: Record<string, BrowserContextOptions> = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 } },
};

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;

beforeAll(async () => {
  await mkdir(shots, { recursive: true });
  demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '2500' } });
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function open(size: keyof typeof VIEWPORTS, { locale = 'en', variants = true } = {}) {
  const context = await browser.newContext({ ...VIEWPORTS[size], permissions: ['camera'] });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(demo.url);
  await page.locator('fitting-room').evaluate(
    (element, [locale, variants]) => {
      if (locale !== 'en') element.setAttribute('locale', locale!);
      if (variants) element.setAttribute('variants', variants);
    },
    [locale, variants ? VARIANTS : ''],
  );
  return { page, errors, context };
}

const imagesLoaded = (page: Page) =>
  page.waitForFunction(() => {
    const root = document.querySelector('fitting-room')!.shadowRoot!.querySelector('fitting-room-dialog')!.shadowRoot!;
    return [...root.querySelectorAll('img')].every((image) => image.complete && image.naturalWidth > 0);
  });
const shot = (page: Page, name: string) => page.screenshot({ path: new URL(`${name}.png`, shots).pathname });

describe('the shopper’s experience', () => {
  for (const size of ['phone', 'desktop'] as const) {
    it(`${size}: consent, photo, review, progress, result, another variant, in English with a file`, async () => {
      const { page, errors, context } = await open(size);
      await page.getByRole('button', { name: 'Try it on' }).click();
      const dialog = page.getByRole('dialog', { name: 'Try it on' });
      await dialog.getByRole('checkbox', { name: /I agree/ }).waitFor();
      await expect.poll(() => dialog.getByText(/deleted after/).count()).toBe(1);
      await shot(page, `${size}-1-consent`);
      await dialog.getByRole('checkbox', { name: /I agree/ }).check();
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByRole('button', { name: 'Take a photo' }).waitFor();
      await shot(page, `${size}-2-photo`);

      // A dark photo: advice before any upload.
      await dialog.locator('input[type=file]').setInputFiles({
        name: 'dark.jpg',
        mimeType: 'image/jpeg',
        buffer: await (await import('sharp')).default(photo('shopper-2.jpg')).modulate({ brightness: 0.2 }).jpeg().toBuffer(),
      });
      await dialog.getByText('It looks too dark').waitFor();
      await shot(page, `${size}-3-review`);
      await dialog.getByRole('button', { name: 'Choose another photo' }).click();

      // A photo of its own per viewport: the proxy caches results, and a cached one skips the progress.
      await dialog.locator('input[type=file]').setInputFiles(photo(size === 'phone' ? 'shopper-phone-rotated.jpg' : 'shopper-1.jpg'));
      await dialog
        .locator('#progress-label', { hasText: /Creating your try-on/ })
        .waitFor({ timeout: 15_000 })
        .catch(async (error) => {
          await shot(page, `${size}-FAILED`);
          throw new Error(`${error}\n${await dialog.innerText()}`);
        });
      await shot(page, `${size}-4-progress`);
      await dialog.locator('img.after').waitFor({ timeout: 20_000 });
      await imagesLoaded(page);
      const slider = dialog.getByRole('slider', { name: 'Compare your photo with the try-on' });
      for (let i = 0; i < 15; i++) await slider.press('ArrowLeft');
      await shot(page, `${size}-5-result`);

      await dialog.getByRole('button', { name: 'Terracotta' }).click();
      await expect.poll(() => dialog.getByRole('button', { name: 'Terracotta', pressed: true }).count(), { timeout: 20_000 }).toBe(1);
      await page.waitForFunction(() => {
        const root = document.querySelector('fitting-room')!.shadowRoot!.querySelector('fitting-room-dialog')!.shadowRoot!;
        const image = root.querySelector<HTMLImageElement>('img.after');
        return image?.complete && image.naturalWidth > 0;
      });
      await shot(page, `${size}-6-variant`);
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`${size}: camera with the outline and timer, in Arabic`, async () => {
      const { page, errors, context } = await open(size, { locale: 'ar' });
      await page.getByRole('button', { name: 'Try it on' }).click();
      const dialog = page.getByRole('dialog', { name: 'جرّبه' });
      await dialog.getByRole('checkbox').check();
      await dialog.getByRole('button', { name: 'متابعة' }).click();
      await shot(page, `${size}-ar-photo`);
      await dialog.getByRole('button', { name: 'التقط صورة' }).click();
      const shutter = dialog.getByRole('button', { name: 'التقط الصورة' });
      await expect.poll(() => shutter.isEnabled(), { timeout: 10_000 }).toBe(true);
      await page.waitForFunction(() => {
        const video = document.querySelector('fitting-room')!.shadowRoot!.querySelector('fitting-room-dialog')!.shadowRoot!.querySelector('video');
        return video && video.readyState >= 2;
      });
      await shot(page, `${size}-ar-camera`);
      await shutter.click();
      const anyway = dialog.getByRole('button', { name: 'استخدم هذه الصورة على أي حال' });
      const after = dialog.locator('img.after');
      await Promise.race([anyway.waitFor({ timeout: 15_000 }), after.waitFor({ timeout: 15_000 })]);
      if (await anyway.count()) {
        await shot(page, `${size}-ar-review`);
        await anyway.click();
      }
      await after.waitFor({ timeout: 20_000 });
      await imagesLoaded(page);
      await shot(page, `${size}-ar-result`);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('phone: a failed try-on says what happened and what to do', async () => {
    const context = await browser.newContext(VIEWPORTS.phone);
    const page = await context.newPage();
    await page.goto(`${demo.url}/?fail=1`);
    await page.getByRole('button', { name: 'Try it on' }).click();
    const dialog = page.getByRole('dialog', { name: 'Try it on' });
    await dialog.getByRole('checkbox', { name: /I agree/ }).check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.locator('input[type=file]').setInputFiles(photo('shopper-3.jpg'));
    await dialog.getByRole('alert').waitFor({ timeout: 20_000 });
    await shot(page, 'phone-error');
    await context.close();
  });
});
