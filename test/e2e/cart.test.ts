import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, tryOn, watchErrors } from './embed/browser.js';
import { LIMITED_VARIANT, registerCartPages, SOLD_OUT_VARIANT, type CartRequests } from './embed/cart-pages.js';
import { shopperPhoto, startHost, type Host } from './embed/host.js';

/**
 * The native "Add to cart" on the result, in real Chromium against the built widget and the real
 * proxy: on a Dawn-family Shopify page (Ajax Cart API, Section Rendering, standard cart event),
 * on WooCommerce (its AJAX add, `added_to_cart`), a sold-out answer, and `preventDefault()`.
 */
const ARTIFACTS = fileURLToPath(new URL('../.artifacts/', import.meta.url));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the widget (its dialog included, through the open shadow roots): the ids of the rules it breaks. */
async function axeViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Element): Promise<{ violations: { id: string }[] }> } }).axe;
    return (await axe.run(document.querySelector('fitting-room')!)).violations.map((violation) => violation.id);
  });
}

let host: Host;
let browser: Browser;
let photo: Buffer;
let requests: CartRequests;

beforeAll(async () => {
  host = await startHost();
  requests = registerCartPages(host);
  photo = await shopperPhoto();
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({ executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
});

/** A shopper on `path` who has a try-on result in front of them. */
async function resultOn(path: string, before?: (page: Page) => Promise<unknown>) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = await watchErrors(page);
  page.on('response', (response) => response.status() === 404 && errors.push(`404 ${response.url()}`));
  await page.goto(`${host.url}${path}`);
  await before?.(page);
  const widget = page.locator('fitting-room');
  await tryOn(page, widget, photo);
  const dialog = page.getByRole('dialog');
  return { page, context, errors, dialog };
}

describe('native add to cart', () => {
  it('Shopify (Dawn family): adds the variant through /cart/add.js, refreshes the cart bubble and notification, says so with a link to the cart', async () => {
    requests.shopify.length = 0;
    const { page, context, errors, dialog } = await resultOn('/products/linen-shirt');
    expect(await page.locator('.cart-count-bubble').textContent()).toBe('0');
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    const link = dialog.getByRole('link', { name: 'View cart' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/cart');
    await expect.poll(() => page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.shadowRoot?.activeElement?.textContent)).toBe('View cart');
    expect(await dialog.locator('.cart-status').textContent()).toBe('Added to your cart. View cart');
    expect(requests.shopify).toEqual([{ id: '4002', quantity: '1', sections: 'cart-notification-product,cart-icon-bubble', sections_url: '/products/linen-shirt' }]);
    expect(await page.locator('.cart-count-bubble').textContent()).toBe('1');
    expect(await page.locator('cart-notification .added').textContent()).toBe('Linen Shirt – Red');
    expect(await page.locator('cart-notification').evaluate((element) => element.classList.contains('active'))).toBe(true);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { cartEvents: unknown[] }).cartEvents))
      .toEqual([{ action: 'add', lines: [{ merchandiseId: 'gid://shopify/ProductVariant/4002', quantity: 1 }], totalQuantity: 1 }]);
    await page.screenshot({ path: `${ARTIFACTS}cart-added.png` });
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getByRole('dialog').isVisible(), 'the dialog stays open on its confirmation').toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Shopify: a sold-out variant reaches the shopper as a clear message, and nothing is added', async () => {
    requests.shopify.length = 0;
    // The shopper picks the sold-out colour: the theme sets the product form's id and says so.
    const { page, context, errors, dialog } = await resultOn('/products/linen-shirt', (page) =>
      page.locator('input[name=id]').evaluate((input: HTMLInputElement, id) => {
        input.value = id;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }, SOLD_OUT_VARIANT),
    );
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Sorry, this option is sold out, so it wasn’t added to your cart.');
    expect(requests.shopify).toHaveLength(1);
    expect(await page.locator('.cart-count-bubble').textContent()).toBe('0');
    expect(await dialog.getByRole('link', { name: 'View cart' }).count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}cart-sold-out.png` });
    expect(await axeViolations(page)).toEqual([]);
    // 422 is the platform's refusal, not a page error.
    expect(errors.filter((error) => !error.includes('422'))).toEqual([]);
    await context.close();
  });

  it('Shopify: a quantity limit (422) reaches the shopper as a clear message', async () => {
    const { page, context, dialog } = await resultOn('/products/linen-shirt', (page) =>
      page.locator('input[name=id]').evaluate((input: HTMLInputElement, id) => {
        input.value = id;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }, LIMITED_VARIANT),
    );
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toContain('Your cart already holds as many of this item as the shop allows, so no more were added.');
    expect(await page.locator('.cart-count-bubble').textContent()).toBe('0');
    await context.close();
  });

  it('preventDefault() on fitting-room:add-to-cart adds nothing and shows nothing', async () => {
    requests.shopify.length = 0;
    const { page, context, errors, dialog } = await resultOn('/products/linen-shirt', (page) =>
      page.evaluate(() => document.addEventListener('fitting-room:add-to-cart', (event) => event.preventDefault())),
    );
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    // Give a wrongly started add every chance to reach the server: the same round trip a real add takes.
    await page.evaluate(() => fetch('/cart.js').then((response) => response.text()));
    expect(requests.shopify).toEqual([]);
    expect(await dialog.locator('.cart-status').count()).toBe(0);
    expect(await dialog.isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('Shopify, a theme that configured Shopify.actions.updateCart: the action adds the line (no Ajax call), its userErrors are told', async () => {
    requests.shopify.length = 0;
    const { page, context, errors, dialog } = await resultOn('/products/wool-coat');
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    await dialog.getByRole('link', { name: 'View cart' }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { updateCartCalls: unknown[] }).updateCartCalls)).toEqual([
      { lines: [{ merchandiseId: 'gid://shopify/ProductVariant/4002', quantity: 1 }] },
    ]);
    expect(await page.locator('.cart-count-bubble').textContent()).toBe('1');
    expect(requests.shopify, 'no Ajax add beside the action').toEqual([]);
    await context.close();

    const soldOut = await resultOn('/products/wool-coat', (page) =>
      page.locator('fitting-room').evaluate((element, id) => element.setAttribute('variant-id', id), SOLD_OUT_VARIANT),
    );
    await soldOut.dialog.getByRole('button', { name: 'Add to cart' }).click();
    await soldOut.dialog.getByRole('alert').waitFor();
    expect(await soldOut.dialog.getByRole('alert').textContent()).toContain('sold out');
    expect(await soldOut.page.locator('.cart-count-bubble').textContent()).toBe('0');
    expect([...errors, ...soldOut.errors]).toEqual([]);
    await soldOut.context.close();
  });

  it('WooCommerce: adds the variation through ?wc-ajax=add_to_cart and triggers added_to_cart, so the mini-cart refreshes', async () => {
    requests.woo.length = 0;
    const { page, context, errors, dialog } = await resultOn('/woo/product/everyday-tee/');
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    const link = dialog.getByRole('link', { name: 'View cart' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/woo/cart/');
    expect(requests.woo).toEqual([{ product_id: '43', quantity: '1', variation_id: '43' }]);
    expect(await page.locator('.mini-cart-count').textContent()).toBe('1 item: Everyday Tee – Red');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('WooCommerce: a variable product without a chosen variation is refused, and the shopper is told to choose first', async () => {
    requests.woo.length = 0;
    const { context, errors, dialog } = await resultOn('/woo/product/hoodie/');
    await dialog.getByRole('button', { name: 'Add to cart' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').textContent()).toContain('Please choose the options (such as size or colour) on the product page first');
    expect(requests.woo).toEqual([{ product_id: '50', quantity: '1' }]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
