import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startDemo, type Demo } from '../../demo/server.js';
import { EMULATED_PROVIDERS } from '../emulators/harness.js';
import { launchChromium } from './embed/browser.js';

/**
 * The demo store as `npm run demo -- --provider <name>` runs it: the same browser flow
 * against each documented provider's emulator, success and failure. The widget does not
 * know or care which provider is behind the proxy.
 */
const photo = new URL('../../demo/.generated/shopper-1.jpg', import.meta.url).pathname;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

describe.each(EMULATED_PROVIDERS)('demo on %s', (provider) => {
  let demo: Demo;
  beforeAll(async () => (demo = await startDemo({ port: 0, provider, jobMs: 600 })));
  afterAll(() => demo?.close());

  it('a shopper gets a try-on, then a clear failure with a next step', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Try it on' }).click();
    const dialog = page.getByRole('dialog', { name: 'Try it on' });
    await dialog.getByRole('checkbox', { name: /I agree/ }).check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.locator('input[type=file]').setInputFiles(photo);
    const after = dialog.locator('img.after');
    await after.waitFor({ timeout: 20_000 });
    expect(await after.evaluate((image: HTMLImageElement) => image.src.startsWith('blob:'))).toBe(true);
    // The preview badge is the sandbox's; a provider's image is a real try-on.
    expect(await dialog.getByText(/sandbox image/).count()).toBe(0);

    demo.emulator!.behave({ failNextJob: true });
    await dialog.getByRole('button', { name: 'Try another photo' }).click();
    await dialog.locator('input[type=file]').setInputFiles(new URL('../../demo/.generated/shopper-2.jpg', import.meta.url).pathname);
    const alert = dialog.getByRole('alert');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toMatch(/didn’t work|couldn’t|photo/i);
    expect(await dialog.getByRole('button', { name: /Try again|Try another photo/ }).count()).toBeGreaterThan(0);
    await page.close();
  });
});
