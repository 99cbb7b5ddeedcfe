import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo } from '../../demo/server.js';
import { CHROMIUM_ARGS, closeDialog, tryOn, watchErrors } from './embed/browser.js';
import { shopperPhoto } from './embed/host.js';

/**
 * The shopper's side of issue 15 on the real demo (its server, proxy and sandbox provider, the built
 * widget): a look built on two product pages and tried on whole, and a model of the demo's gallery.
 * The demo's look pages and gallery come with the proxy half of issue 15: until it is merged, these skip.
 */
const ARTIFACTS = fileURLToPath(new URL('../.artifacts/', import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;
let photo: Buffer;
let hasLooks = false;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '300' } });
  hasLooks = (await fetch(`${demo.url}/products/trousers`)).ok;
  photo = await shopperPhoto();
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Element): Promise<{ violations: { id: string }[] }> } }).axe;
    return (await axe.run(document.querySelector('fitting-room')!)).violations.map((violation) => violation.id);
  });
}

/** The names and values of a multipart body's text fields, in order. */
const textFields = (body: string) => [...body.matchAll(/name="(\w+)"\r\n\r\n([^\r]*)/g)].map((match) => [match[1], match[2]]);

describe('the demo, as a shopper', () => {
  it('builds a look on the chinos and jacket pages and tries it on whole', async (test) => {
    if (!hasLooks) test.skip('the demo’s look pages come with the proxy half of issue 15');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = await watchErrors(page);
    for (const [path, items] of [
      ['/products/trousers', 1],
      ['/products/jacket', 2],
    ] as const) {
      await page.goto(`${demo.url}${path}`);
      await tryOn(page, page.locator('fitting-room').first(), photo);
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Add to my look' }).click();
      await expect.poll(() => dialog.locator('.look-items li').count()).toBe(items);
      if (items === 1) await closeDialog(page);
    }
    const dialog = page.getByRole('dialog');
    const job = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/jobs'));
    await dialog.getByRole('button', { name: 'Try on the whole look' }).click();
    const fields = textFields((await job).postDataBuffer()!.toString('latin1'));
    expect(fields.filter(([name]) => name === 'category').map(([, value]) => value)).toEqual(['bottom', 'outerwear']);
    expect(fields.filter(([name]) => name === 'garment')).toHaveLength(2);
    await dialog.locator('.compare img.after').waitFor();
    await dialog.locator('.look').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}look-demo.png` });
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('tries the tee on a model of the gallery: modelId, no photo, no consent asked, and the result disclosed as AI-made', async (test) => {
    if (!hasLooks) test.skip('the demo’s model gallery comes with the proxy half of issue 15');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const errors = await watchErrors(page);
    await page.goto(demo.url);
    await page.locator('fitting-room').first().locator('button').first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Try on a model' }).click();
    await dialog.getByRole('heading', { name: 'Choose a model' }).waitFor();
    const models = dialog.locator('.models button.model');
    expect(await models.count()).toBeGreaterThan(1);
    await expect
      .poll(() =>
        dialog.locator('.models img').evaluateAll((images) => images.every((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0)),
      )
      .toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}model-gallery-demo.png` });
    expect(await axeViolations(page)).toEqual([]);

    const job = page.waitForRequest((request) => request.method() === 'POST' && request.url().endsWith('/jobs'));
    await models.first().click();
    const body = (await job).postDataBuffer()!.toString('latin1');
    const names = [...body.matchAll(/name="(\w+)"/g)].map((match) => match[1]);
    expect(names).toContain('modelId');
    expect(names).not.toContain('person');
    expect(names).not.toContain('consentVersion');
    const result = dialog.locator('.compare img.after');
    await result.waitFor();
    expect(await result.getAttribute('alt')).toMatch(/^AI-generated: /);
    expect(await dialog.locator('.model-disclosure').textContent()).toBe('This image was made by AI on a model of the shop. It does not show you.');
    await page.screenshot({ path: `${ARTIFACTS}model-result-demo.png` });
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
