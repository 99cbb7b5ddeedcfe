import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armResult, buttonBox, CHROMIUM_ARGS, closeDialog, openDialog, placement, tryOn, upload, watchErrors, type Placement } from './embed/browser.js';
import { shopperPhoto, startHost, APP_PROXY_SECRET, SHOP_DOMAIN, type Host } from './embed/host.js';
import { HOSTILE, registerPages } from './embed/pages.js';
import { ASSETS_PATH, readBlock, registerShopifyPages } from './embed/shopify.js';
import { registerWordPressPages } from './embed/wordpress.js';
import { signAppProxyParams } from '../../src/server/shopify-app-proxy.js';

/**
 * Embedding, tried as a merchant and a shopper would, in real Chromium against the built
 * widget and the real proxy (sandbox provider): the README's one-tag snippet, zero
 * configuration, hostile themes, a strict CSP, the Shopify app block rendered from its Liquid,
 * and the WordPress plugin's output.
 */
const INTEGRATIONS = fileURLToPath(new URL('../../src/integrations/', import.meta.url));
const SHOPIFY_ASSETS = `${INTEGRATIONS}shopify/extensions/fitting-room/assets/`;
const WORDPRESS_BUILD = `${INTEGRATIONS}wordpress/fitting-room/build/`;
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

let host: Host;
let browser: Browser;
let photo: Buffer;
let reference: Placement;

beforeAll(async () => {
  for (const file of ['dist/widget/fitting-room.js', `${SHOPIFY_ASSETS}fitting-room.js`, `${WORDPRESS_BUILD}fitting-room.js`]) {
    if (!existsSync(file.startsWith('/') ? file : fileURLToPath(new URL(`../../${file}`, import.meta.url)))) {
      throw new Error(`${file} is missing: run \`npm run build\` first (it builds the widget and copies it into the integrations).`);
    }
  }
  host = await startHost({ mounts: { [ASSETS_PATH]: SHOPIFY_ASSETS, '/wp-content/plugins/fitting-room/build/': WORDPRESS_BUILD } });
  registerPages(host);
  photo = await shopperPhoto();
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

/** A fresh shopper (own storage, so consent is asked), on `path`. */
async function visit(path: string, viewport = DESKTOP): Promise<{ page: Page; context: BrowserContext; errors: string[]; jobs: Record<string, string>[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = await watchErrors(page);
  // The jobs the proxy receives from this visit on.
  const jobs = host.jobs;
  jobs.length = 0;
  await page.goto(`${host.url}${path}`);
  await page.locator('fitting-room').first().locator('button').first().waitFor();
  return { page, context, errors, jobs };
}

const inViewport = ({ rect, viewport }: Placement) =>
  rect.left >= 0 && rect.top >= 0 && rect.right <= viewport.width + 0.5 && rect.bottom <= viewport.height + 0.5 && rect.right > rect.left && rect.bottom > rect.top;

describe('one script tag', () => {
  it('the README snippet works as pasted: a try-on with the given garment', async () => {
    const { page, context, errors, jobs } = await visit('/plain');
    expect(await buttonBox(page)).toEqual({ host: [200, 44], button: [200, 44], display: 'flex' });
    await armResult(page);
    const dialog = await openDialog(page, page.locator('fitting-room'));
    // The dialog as designed, on a page that does nothing to it: what the hostile pages are compared with.
    reference = await placement(page);
    expect(reference.modal && reference.onTop && inViewport(reference), JSON.stringify(reference)).toBe(true);
    const result = await upload(page, dialog, photo);
    expect(result).toMatchObject({ productId: 'everyday-tee', variantId: 'everyday-tee-navy' });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ garment: `${host.url}/images/tee-navy.png`, category: 'top', productId: 'everyday-tee', variantId: 'everyday-tee-navy' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('needs no attributes on a product page: garment, category and id come from JSON-LD', async () => {
    const { page, context, errors, jobs } = await visit('/zero-config');
    const result = await tryOn(page, page.locator('fitting-room'), photo);
    expect(result.productId).toBe('LWD-1');
    expect(jobs[0]).toMatchObject({ garment: `${host.url}/images/dress-ochre.png`, category: 'dress', productId: 'LWD-1' });
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('hostile hosts', () => {
  for (const [name, { what }] of Object.entries(HOSTILE)) {
    it(`${what}: dialog on top, inside the viewport, styled as designed; button in its box`, async () => {
      const viewport = name === 'css' ? PHONE : DESKTOP;
      const { page, context, errors, jobs } = await visit(`/hostile/${name}`, viewport);
      expect(await buttonBox(page)).toEqual({ host: [200, 44], button: [200, 44], display: 'flex' });
      if (name === 'css') {
        // The whole try-on, on a phone, under the most aggressive theme CSS.
        await tryOn(page, page.locator('fitting-room'), photo);
        expect(jobs).toHaveLength(1);
      } else {
        await openDialog(page, page.locator('fitting-room'));
      }
      const measured = await placement(page);
      expect(measured.modal, 'in the top layer').toBe(true);
      expect(inViewport(measured), `inside the viewport: ${JSON.stringify(measured.rect)}`).toBe(true);
      expect(measured.onTop, `on top at its centre, found ${measured.hit}`).toBe(true);
      if (name !== 'css') {
        const desktopLook = Object.fromEntries(Object.entries(measured.look).filter(([key]) => !key.startsWith('button') || reference.look[key] !== undefined));
        expect(desktopLook).toEqual(Object.fromEntries(Object.keys(desktopLook).map((key) => [key, reference.look[key]])));
      } else {
        expect(measured.look).toMatchObject({ 'dialog font-size': '16px', 'dialog letter-spacing': 'normal', 'dialog text-transform': 'none', 'dialog box-sizing': 'border-box' });
        expect(measured.rect).toMatchObject({ left: 0, top: 0, right: PHONE.width, bottom: PHONE.height });
      }
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('a strict Content-Security-Policy (README’s policy): a whole try-on and add-to-cart, no violation', async () => {
    const { page, context, errors, jobs } = await visit('/csp');
    const response = await page.request.get(`${host.url}/csp`);
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
    await tryOn(page, page.locator('fitting-room'), photo);
    expect(jobs).toHaveLength(1);
    const measured = await placement(page);
    expect(measured.onTop && inViewport(measured)).toBe(true);
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /add to cart/i })
      .click();
    await expect.poll(() => page.locator('#cart').textContent()).toBe('Added tee-navy');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('two widgets for two products: each tries on its own product', async () => {
    const { page, context, errors, jobs } = await visit('/two');
    const [red, green] = [page.locator('fitting-room').nth(0), page.locator('fitting-room').nth(1)];
    await tryOn(page, green, photo);
    expect((await placement(page, 1)).onTop).toBe(true);
    await closeDialog(page);
    await tryOn(page, red, photo);
    expect(jobs.map((job) => [job.garment, job.productId])).toEqual([
      [`${host.url}/images/tee-green.png`, 'TEE-GREEN'],
      [`${host.url}/images/tee-red.png`, 'TEE-RED'],
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the element defined after page load: reserved box, no layout shift, works', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    const errors = await watchErrors(page);
    await page.addInitScript(() => {
      const w = window as unknown as { __shift: number };
      w.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number })[]) w.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(`${host.url}/late`);
    const before = await page.evaluate(() => [customElements.get('fitting-room'), document.getElementById('after')!.getBoundingClientRect().top]);
    expect(before[0], 'not yet defined at load').toBeUndefined();
    await page.waitForFunction(() => customElements.get('fitting-room'));
    await page.locator('fitting-room button').waitFor();
    expect(await page.evaluate(() => document.getElementById('after')!.getBoundingClientRect().top)).toBe(before[1]);
    expect(await page.evaluate(() => (window as unknown as { __shift: number }).__shift)).toBe(0);
    expect(await buttonBox(page)).toEqual({ host: [200, 44], button: [200, 44], display: 'flex' });
    await tryOn(page, page.locator('fitting-room'), photo);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('single-page navigation that replaces the product: the next try-on is of the new product', async () => {
    const { page, context, errors, jobs } = await visit('/spa/products/tee-red');
    await tryOn(page, page.locator('fitting-room'), photo);
    await closeDialog(page);
    // The widget stays, the product changes under it.
    await page.evaluate(() => (window as unknown as { navigateTo(handle: string): void }).navigateTo('wrap-dress'));
    await tryOn(page, page.locator('fitting-room'), photo);
    await closeDialog(page);
    // The product area is re-rendered with a new element.
    await page.evaluate(() => (window as unknown as { navigateTo(handle: string, options: object): void }).navigateTo('tee-red', { replaceWidget: true }));
    await page.locator('fitting-room button').waitFor();
    await tryOn(page, page.locator('fitting-room'), photo);
    expect(jobs.map((job) => [job.garment, job.category, job.productId])).toEqual([
      [`${host.url}/images/tee-red.png`, 'top', 'TEE-RED'],
      [`${host.url}/images/dress-ochre.png`, 'dress', 'LWD-1'],
      [`${host.url}/images/tee-red.png`, 'top', 'TEE-RED'],
    ]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('Shopify theme app extension', () => {
  it('has app block and app embed schemas with the settings a merchant sets', () => {
    const block = readBlock('fitting-room').schema;
    const embed = readBlock('fitting-room-embed').schema;
    expect(block).toMatchObject({ target: 'section', stylesheet: 'fitting-room.css' });
    expect(embed).toMatchObject({ target: 'body', stylesheet: 'fitting-room.css' });
    for (const schema of [block, embed]) {
      const settings = Object.fromEntries(schema.settings.map((setting) => [setting.id, setting]));
      expect(settings.endpoint.default).toBe('/apps/fitting-room');
      expect(settings.label.default).toBe('Try it on');
      expect(settings.category.options!.map((option) => option.value)).toEqual(['auto', 'top', 'bottom', 'dress', 'outerwear', 'full', 'shoes', 'bag', 'accessory']);
      expect(settings.accent.type).toBe('color');
      expect(settings.on_accent.type).toBe('color');
    }
  });

  it('the app block, rendered from its Liquid, follows Dawn’s variant change and tries on through the signed App Proxy', async () => {
    const { block } = await registerShopifyPages(host);
    expect(block).toContain(`garment="//${new URL(host.url).host}/images/tee-navy.png?width=1500"`);
    expect(block).toContain('endpoint="/apps/fitting-room"');
    const { page, context, errors, jobs } = await visit('/products/everyday-tee');
    const widget = page.locator('fitting-room');
    expect(await widget.getAttribute('variant-id')).toBe('4001');
    expect(await buttonBox(page)).toEqual({ host: [200, 44], button: [200, 44], display: 'flex' });

    await page.getByRole('radio', { name: 'Red' }).check();
    await expect.poll(() => widget.getAttribute('garment')).toBe(`//${new URL(host.url).host}/images/tee-red.png?width=1500`);
    expect(await widget.getAttribute('variant-id')).toBe('4002');

    const sessions: string[] = [];
    page.on('request', (request) => request.url().includes('/session') && sessions.push(new URL(request.url()).pathname));
    const result = await tryOn(page, widget, photo);
    expect(result).toMatchObject({ productId: '9001', variantId: '4002' });
    expect(sessions).toEqual(['/apps/fitting-room/session']);
    expect(jobs[0]).toMatchObject({ garment: `${host.url}/images/tee-red.png?width=1500`, category: 'top', productId: '9001', variantId: '4002' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('behind the App Proxy, an unsigned or forged session request is refused', async () => {
    const origin = host.url;
    const post = (url: string) => host.appProxyBackend.fetch(new Request(url, { method: 'POST', headers: { origin } }));
    const unsigned = await post('http://proxy.internal/fitting-room/session');
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe('ORIGIN_NOT_ALLOWED');
    const params = new URLSearchParams({ shop: SHOP_DOMAIN, logged_in_customer_id: '', path_prefix: '/apps/fitting-room', timestamp: String(Math.floor(Date.now() / 1000)) });
    params.set('signature', await signAppProxyParams(params, 'someone-elses-secret'));
    expect((await post(`http://proxy.internal/fitting-room/session?${params}`)).status).toBe(403);
    params.set('signature', await signAppProxyParams(new URLSearchParams([...params].filter(([key]) => key !== 'signature')), APP_PROXY_SECRET));
    expect((await post(`http://proxy.internal/fitting-room/session?${params}`)).status).toBe(200);
  });

  it('the app embed puts a floating button on product pages', async () => {
    const { page, context, errors } = await visit('/products/everyday-tee-embed', PHONE);
    const box = await page.locator('fitting-room').boundingBox();
    expect(box).toMatchObject({ width: 200, height: 44 });
    expect(box!.x + box!.width).toBe(PHONE.width - 16);
    expect(box!.y + box!.height).toBe(PHONE.height - 16);
    await openDialog(page, page.locator('fitting-room'));
    const measured = await placement(page);
    expect(measured.onTop && inViewport(measured)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

const hasPhp = spawnSync('php', ['--version']).status === 0;

describe.skipIf(!hasPhp)('WordPress plugin output (php)', () => {
  it('the shortcode’s element works in a post', async () => {
    const out = registerWordPressPages(host);
    expect(out.browser_shortcode).toContain('label="Try it on — &quot;green&quot; &lt;tee&gt;"');
    const { page, context, errors, jobs } = await visit('/shortcode-post/');
    expect(await page.locator('fitting-room button').first().textContent()).toBe('Try it on — "green" <tee>');
    await tryOn(page, page.locator('fitting-room'), photo);
    expect(jobs[0]).toMatchObject({ garment: `${host.url}/images/tee-green.png`, category: 'top', productId: 'wp-tee' });
    expect(errors).toEqual([]);
    await context.close();
  });

  it('on a WooCommerce variable product: outside the cart form, follows found_variation and reset_image', async () => {
    registerWordPressPages(host);
    const { page, context, errors, jobs } = await visit('/product/everyday-tee/');
    const widget = page.locator('fitting-room');
    expect(await page.evaluate(() => !document.querySelector('form.cart')!.contains(document.querySelector('fitting-room')))).toBe(true);
    expect(await page.evaluate(() => document.querySelector('form.cart')!.nextElementSibling!.localName)).toBe('fitting-room');
    const original = await widget.getAttribute('garment');
    await page.locator('#pa_color').selectOption('green');
    await expect.poll(() => widget.getAttribute('garment')).toBe(`${host.url}/images/tee-green.png`);
    expect(await widget.getAttribute('variant-id')).toBe('44');
    await page.locator('#pa_color').selectOption('');
    await expect.poll(() => widget.getAttribute('garment')).toBe(original);
    await page.locator('#pa_color').selectOption('red');
    await tryOn(page, widget, photo);
    expect(jobs[0]).toMatchObject({ garment: `${host.url}/images/tee-red.png`, category: 'top', productId: '42', variantId: '43' });
    expect(errors).toEqual([]);
    await context.close();
  });
});
