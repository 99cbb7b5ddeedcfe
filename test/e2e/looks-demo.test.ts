import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import type { JobCreated, JobView, ModelGallery, SessionGrant } from '../../src/contract.js';
import { parseEventStream } from '../../src/client/proxy-client.js';
import { startDemo } from '../../demo/server.js';
import { launchChromium } from './embed/browser.js';

/**
 * The demo's look: three products on three pages (tee, chinos, jacket) and the generated
 * model gallery, served by `npm run demo`'s own server and proxy (sandbox provider).
 * Screenshots land in test/.artifacts/.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const artifacts = new URL('../.artifacts/', import.meta.url);

let demo: Awaited<ReturnType<typeof startDemo>>;
let browser: Browser;

beforeAll(async () => {
  await mkdir(artifacts, { recursive: true });
  demo = await startDemo({ port: 0, env: { ...process.env, FITTING_ROOM_SANDBOX_DURATION_MS: '300' } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await demo?.close();
});

describe('the demo store for looks', () => {
  it('has a page per product of the look, each with its try-on for its category, and no axe violations', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    for (const [path, category, title] of [
      ['/products/trousers', 'bottom', 'Relaxed Chinos'],
      ['/products/jacket', 'outerwear', 'Field Jacket'],
    ] as const) {
      await page.goto(`${demo.url}${path}`);
      await expect.poll(() => page.evaluate(() => !!customElements.get('fitting-room'))).toBe(true);
      expect(await page.locator('h1').textContent()).toBe(title);
      expect(await page.locator('fitting-room').getAttribute('category')).toBe(category);
      await page.evaluate(axeSource);
      const violations = await page.evaluate(async () =>
        (await (window as unknown as { axe: { run(): Promise<{ violations: { id: string }[] }> } }).axe.run()).violations.map((v) => v.id),
      );
      expect(violations).toEqual([]);
      await page.screenshot({ path: new URL(`looks-demo${path.replace(/\//g, '-')}.png`, artifacts).pathname });
    }
    // The tee's page links to both.
    await page.goto(demo.url);
    expect(await page.locator('a[href="/products/trousers"]').count()).toBeGreaterThan(0);
    expect(await page.locator('a[href="/products/jacket"]').count()).toBeGreaterThan(0);
    await page.close();
  });

  it('tries the whole look on a generated model of the gallery', async () => {
    const api = `${demo.url}/fitting-room`;
    const gallery = (await (await fetch(`${api}/models`, { headers: { origin: demo.url } })).json()) as ModelGallery;
    expect(gallery.models.map((model) => model.id)).toEqual(['amara', 'lena', 'kenji', 'rosa']);
    const portraits = await Promise.all(
      gallery.models.map(async (model) =>
        sharp(Buffer.from(await (await fetch(`${api}/${model.imageUrl}`)).arrayBuffer()))
          .resize(240, 320)
          .toBuffer(),
      ),
    );
    await sharp({ create: { width: 960, height: 320, channels: 3, background: '#ffffff' } })
      .composite(portraits.map((input, index) => ({ input, left: index * 240, top: 0 })))
      .png()
      .toFile(new URL('looks-demo-models.png', artifacts).pathname);

    const session = (await (await fetch(`${api}/session`, { method: 'POST', headers: { origin: demo.url } })).json()) as SessionGrant;
    const form = new FormData();
    form.append('modelId', 'lena');
    for (const [image, category] of [
      ['trousers-sand', 'bottom'],
      ['tee-terracotta', 'top'],
      ['jacket-olive', 'outerwear'],
    ]) {
      form.append('garment', `${demo.url}/images/${image}.png`);
      form.append('category', category!);
    }
    const headers = { origin: demo.url, authorization: `Bearer ${session.token}` };
    const response = await fetch(`${api}/jobs`, { method: 'POST', body: form, headers });
    expect(response.status).toBe(202);
    const created = (await response.json()) as JobCreated;
    const events = await fetch(`${api}/jobs/${created.id}/events`, { headers: { ...headers, accept: 'text/event-stream' } });
    let last: JobView | undefined;
    for await (const event of parseEventStream(events.body!)) last = JSON.parse(event.data) as JobView;
    expect(last).toMatchObject({ status: 'succeeded', preview: true });
    const image = Buffer.from(await (await fetch(`${api}/${last!.resultUrl}`, { headers })).arrayBuffer());
    await writeFile(new URL('looks-demo-look-on-model.jpg', artifacts).pathname, image);
    expect((await sharp(image).metadata()).width).toBe(900);
  });
});
