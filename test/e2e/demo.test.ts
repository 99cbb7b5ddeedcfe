import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { startDemo } from '../../demo/server.js';

/**
 * The whole path as a shopper walks it: the demo store in real Chromium, the real proxy
 * on the sandbox provider, the built widget. Screenshots land in test/.artifacts/.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const artifacts = new URL('../.artifacts/', import.meta.url);
const photo = (name: string) => new URL(`../../demo/.generated/${name}`, import.meta.url).pathname;

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '1500' } });
  browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run();
    return result.violations.map((violation) => violation.id);
  });
}

async function openAndConsent(page: Page) {
  await page.getByRole('button', { name: 'Try it on' }).click();
  const dialog = page.getByRole('dialog', { name: 'Try it on' });
  await dialog.getByRole('checkbox', { name: /I agree/ }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  return dialog;
}

describe('demo store, end to end', () => {
  it('a shopper tries the tee on with a 12 MP phone photo and adds it to the cart', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    const uploads: number[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/fitting-room/jobs')) uploads.push(request.postDataBuffer()?.length ?? 0);
    });

    await page.goto(demo.url);
    await page.screenshot({ path: new URL('demo-product-page.png', artifacts).pathname });
    const dialog = await openAndConsent(page);
    await dialog.locator('input[type=file]').setInputFiles(photo('shopper-phone-rotated.jpg'));
    await expect.poll(() => dialog.getByText(/Creating your try-on/).count(), { timeout: 15_000 }).toBe(1);
    const after = dialog.locator('img.after');
    await after.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: new URL('demo-result.png', artifacts).pathname });

    // Upright 3:4 portrait, downscaled: the 4032×3024 sideways original was never sent.
    const before = await dialog.locator('img.before').evaluate((image: HTMLImageElement) => [image.naturalWidth, image.naturalHeight]);
    expect(before).toEqual([768, 1024]);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toBeLessThan(400_000);
    console.info(`upload of a 12 MP phone photo: ${uploads[0]} bytes (multipart body)`);

    const slider = dialog.getByRole('slider', { name: 'Compare your photo with the try-on' });
    await slider.press('ArrowLeft');
    await slider.press('ArrowLeft');
    await expect.poll(() => slider.inputValue()).toBe('48');
    expect(await axeViolations(page)).toEqual([]);

    const result = await after.evaluate(async (image: HTMLImageElement) => {
      const bytes = new Uint8Array(await (await fetch(image.src)).arrayBuffer());
      return Array.from(bytes);
    });
    const meta = await sharp(Buffer.from(result)).metadata();
    expect([meta.width, meta.height]).toEqual([768, 1024]);
    expect(meta.exif).toBeUndefined();

    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Added Everyday Organic Tee' }).count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('FITTING-ROOM');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('switching the colour changes the garment that is tried on', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await page.goto(demo.url);
    await page.getByRole('radio', { name: /Terracotta/ }).check();
    await expect.poll(() => page.locator('fitting-room').getAttribute('garment')).toContain('terracotta');
    const jobs: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/fitting-room/jobs')) jobs.push(request.postDataBuffer()?.toString('latin1') ?? '');
    });
    const dialog = await openAndConsent(page);
    await dialog.locator('input[type=file]').setInputFiles(photo('shopper-2.jpg'));
    await dialog.locator('img.after').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: new URL('demo-result-phone.png', artifacts).pathname });
    expect(jobs.join()).toContain('tee-terracotta.png');
    const box = await page.getByRole('dialog').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('shows the failure path with a next step (sandbox failure trigger)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${demo.url}/?fail=1`);
    const dialog = await openAndConsent(page);
    await dialog.locator('input[type=file]').setInputFiles(photo('shopper-3.jpg'));
    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('The try-on didn’t work this time');
    await page.screenshot({ path: new URL('demo-error.png', artifacts).pathname });
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Try again' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await page.close();
  });
});
