import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { startDemo } from '../../demo/server.js';
import { launchChromium } from './embed/browser.js';

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
  browser = await launchChromium();
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

interface Traffic {
  photoUploads: number[];
  results: number[][];
}

/**
 * Runs in the page before its scripts: records the size of every photo the widget uploads
 * and the bytes of every result image exactly as the proxy sent them.
 */
function recordTraffic() {
  const traffic: Traffic = { photoUploads: [], results: [] };
  (window as unknown as { traffic: Traffic }).traffic = traffic;
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) {
    const person = body instanceof FormData ? body.get('person') : null;
    if (person instanceof Blob) traffic.photoUploads.push(person.size);
    return send.call(this, body);
  };
  const originalFetch = window.fetch;
  window.fetch = async (input, init) => {
    const response = await originalFetch(input, init);
    if (String(input instanceof Request ? input.url : input).includes('/results/') && response.ok) {
      traffic.results.push(Array.from(new Uint8Array(await response.clone().arrayBuffer())));
    }
    return response;
  };
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
    await page.addInitScript(recordTraffic);

    await page.goto(demo.url);
    await page.screenshot({ path: new URL('demo-product-page.png', artifacts).pathname });
    const dialog = await openAndConsent(page);
    await dialog.locator('input[type=file]').setInputFiles(photo('shopper-phone-rotated.jpg'));
    await expect.poll(() => dialog.locator('#progress-label').textContent(), { timeout: 15_000 }).toMatch(/Creating your try-on/);
    const after = dialog.locator('img.after');
    await after.waitFor({ timeout: 20_000 });
    await page.screenshot({ path: new URL('demo-result.png', artifacts).pathname });

    // Upright 3:4 portrait, downscaled: the 4032×3024 sideways original was never sent.
    const before = await dialog.locator('img.before').evaluate((image: HTMLImageElement) => [image.naturalWidth, image.naturalHeight]);
    expect(before).toEqual([768, 1024]);
    const traffic = await page.evaluate(() => (window as unknown as { traffic: Traffic }).traffic);
    expect(traffic.photoUploads).toHaveLength(1);
    expect(traffic.photoUploads[0]).toBeLessThan(300_000);
    console.info(`upload of a 12 MP phone photo: ${traffic.photoUploads[0]} bytes (the person file)`);

    const slider = dialog.getByRole('slider', { name: 'Compare your photo with the try-on' });
    await slider.press('ArrowLeft');
    await slider.press('ArrowLeft');
    await expect.poll(() => slider.inputValue()).toBe('48');
    expect(await axeViolations(page)).toEqual([]);

    const { results } = await page.evaluate(() => (window as unknown as { traffic: Traffic }).traffic);
    expect(results).toHaveLength(1);
    const meta = await sharp(Buffer.from(results[0]!)).metadata();
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
    const dialog = await openAndConsent(page);
    await dialog.locator('input[type=file]').setInputFiles(photo('shopper-2.jpg'));
    await dialog.locator('img.after').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: new URL('demo-result-phone.png', artifacts).pathname });
    // The shopper sees a terracotta tee on the torso of the result, not the navy default.
    const [red, green, blue] = await dialog.locator('img.after').evaluate(async (image: HTMLImageElement) => {
      const canvas = new OffscreenCanvas(image.naturalWidth, image.naturalHeight);
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      return [...context.getImageData(Math.round(image.naturalWidth * 0.5), Math.round(image.naturalHeight * 0.4), 1, 1).data];
    });
    expect(red).toBeGreaterThan(green! + 50);
    expect(red).toBeGreaterThan(blue! + 50);
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
