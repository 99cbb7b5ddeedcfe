import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, tryOn, watchErrors } from './embed/browser.js';
import { shopperPhoto, startHost, type Host } from './embed/host.js';
import { registerThemePages } from './embed/theme-pages.js';

/**
 * Zero configuration on current Shopify themes, in real Chromium against the built widget and the
 * real proxy: Horizon 4's standard `shopify:product:select`, and Dawn's combined-listing swap.
 * What counts is what the proxy receives for the try-on.
 */
let host: Host;
let browser: Browser;
let photo: Buffer;

beforeAll(async () => {
  host = await startHost();
  registerThemePages(host);
  photo = await shopperPhoto();
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

async function visit(path: string) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = await watchErrors(page);
  host.jobs.length = 0;
  await page.goto(`${host.url}${path}`);
  await page.locator('fitting-room button').first().waitFor();
  return { page, context, errors };
}

describe('current Shopify themes', () => {
  it('Horizon 4: follows shopify:product:select (the id input set without a change event) and tries on the picked variant', async () => {
    const { page, context, errors } = await visit('/horizon/products/wool-coat');
    const widget = page.locator('fitting-room');
    await page.getByRole('radio', { name: 'Camel' }).check();
    await expect.poll(() => widget.getAttribute('variant-id')).toBe('7102');
    expect(await page.locator('input[name=id]').inputValue()).toBe('7102');
    const result = await tryOn(page, widget, photo);
    expect(result).toMatchObject({ productId: '7001', variantId: '7102' });
    expect(host.jobs[0]).toMatchObject({ garment: `${host.url}/cdn/shop/files/coat-camel.png`, category: 'outerwear', productId: '7001', variantId: '7102' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Dawn combined listing: after the section swap, product id, garment, variant and category are the new product’s', async () => {
    const { page, context, errors } = await visit('/dawn/products/wrap-dress-navy');
    await page.getByRole('radio', { name: 'Green' }).check();
    await page.waitForURL(/wrap-top-green$/);
    await page.locator('product-info[data-product-id="8002"] fitting-room button').waitFor();
    const widget = page.locator('fitting-room');
    const result = await tryOn(page, widget, photo);
    expect(result).toMatchObject({ productId: '8002', variantId: '8201' });
    expect(host.jobs[0]).toMatchObject({ garment: `${host.url}/images/tee-green.png`, category: 'top', productId: '8002', variantId: '8201' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
