/**
 * Renders the theme app extension's Liquid (src/integrations/shopify/extensions/fitting-room)
 * with liquidjs as Shopify would for a product page, and wraps it in a page that behaves like
 * Shopify's Dawn theme: its pub/sub (`subscribe` / `publish` / `PUB_SUB_EVENTS`), a product
 * form with `input[name=id]`, variant radios, JSON-LD and `ShopifyAnalytics.meta`.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Liquid } from 'liquidjs';
import type { Host } from './host.js';
import { RESERVE_RULE } from './pages.js';

const EXTENSION = fileURLToPath(new URL('../../../src/integrations/shopify/extensions/fitting-room/', import.meta.url));
export const ASSETS_PATH = '/cdn/shop/extensions/fitting-room/assets/';

export interface Schema {
  name: string;
  target: string;
  stylesheet?: string;
  settings: { id: string; type: string; default?: unknown; options?: { value: string }[] }[];
}

/** A block's Liquid without its {% schema %}, and the schema (Shopify reads it; it never renders). */
export function readBlock(name: string): { liquid: string; schema: Schema } {
  const source = readFileSync(`${EXTENSION}blocks/${name}.liquid`, 'utf8');
  const match = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/.exec(source);
  if (!match) throw new Error(`${name}.liquid has no {% schema %}`);
  return { liquid: source.replace(match[0], ''), schema: JSON.parse(match[1]) };
}

/** A Shopify product as Liquid sees it: variants with their featured media, metafields. */
export function fakeProduct(origin: string) {
  const image = (name: string) => ({ preview_image: { src: `//${new URL(origin).host}/images/${name}`, width: 600, height: 700, aspect_ratio: 0.857 } });
  const variants = [
    { id: 4001, title: 'Navy', available: true, featured_media: image('tee-navy.png') },
    { id: 4002, title: 'Red', available: true, featured_media: image('tee-red.png') },
    { id: 4003, title: 'Green', available: true, featured_media: image('tee-green.png') },
  ];
  return {
    id: 9001,
    handle: 'everyday-tee',
    title: 'Everyday Tee "Organic" <b>',
    type: 'T-Shirts',
    featured_media: image('tee-navy.png'),
    variants,
    selected_or_first_available_variant: variants[0],
    metafields: { fitting_room: {} },
  };
}

/**
 * `cdn`: the origin of asset_url, another origin than the shop's, as Shopify serves an app
 * extension's assets from its CDN (the widget then loads its chunks cross-origin).
 */
function engine(cdn: string) {
  const liquid = new Liquid({
    partials: [`${EXTENSION}snippets`],
    extname: '.liquid',
    strictFilters: true,
    globals: { request: { locale: { iso_code: 'en' }, page_type: 'product' } },
  });
  liquid.registerFilter('asset_url', (name: string) => `${cdn}${ASSETS_PATH}${name}`);
  // Shopify's image_url: a CDN URL of the image at the asked size (protocol-relative, as Shopify gives it).
  liquid.registerFilter('image_url', (image: { src?: string } | string | undefined, ...args: [string, unknown][]) => {
    const src = typeof image === 'string' ? image : image?.src;
    const width = args.find(([key]) => key === 'width')?.[1];
    return src ? `${src}${width ? `?width=${width}` : ''}` : '';
  });
  return liquid;
}

/** Renders a block with its schema's defaults and `overrides` as the merchant's settings. */
export async function renderBlock(name: string, product: object, overrides: Record<string, unknown> = {}, cdn = ''): Promise<string> {
  const { liquid, schema } = readBlock(name);
  const settings = Object.fromEntries(schema.settings.filter((setting) => 'default' in setting).map((setting) => [setting.id, setting.default]));
  return engine(cdn).parseAndRender(liquid, {
    product,
    block: { id: 'AbC123', shopify_attributes: 'data-shopify-editor-block="{&quot;id&quot;:&quot;AbC123&quot;}"', settings: { ...settings, ...overrides } },
  });
}

/** Dawn's pubsub.js and constants.js (classic scripts, top-level bindings), as Dawn 15 ships them. */
const DAWN_PUBSUB = `
const PUB_SUB_EVENTS = { cartUpdate: 'cart-update', quantityUpdate: 'quantity-update', optionValueSelectionChange: 'option-value-selection-change', variantChange: 'variant-change', cartError: 'cart-error' };
let subscribers = {};
function subscribe(eventName, callback) {
  if (subscribers[eventName] === undefined) subscribers[eventName] = [];
  subscribers[eventName] = [...subscribers[eventName], callback];
  return function unsubscribe() { subscribers[eventName] = subscribers[eventName].filter((cb) => cb !== callback); };
}
function publish(eventName, data) {
  if (subscribers[eventName]) return Promise.all(subscribers[eventName].map((callback) => callback(data)));
  return Promise.resolve();
}`;

/** Dawn's product-info behaviour in short: a radio picks the variant, the id input changes, the change is published. */
const DAWN_PRODUCT_INFO = `
document.querySelectorAll('product-info').forEach((info) => {
  const variants = JSON.parse(info.querySelector('variant-selects script[type="application/json"]').textContent);
  info.addEventListener('change', (event) => {
    if (event.target.name !== 'Color') return;
    const variant = variants.find((item) => item.title === event.target.value);
    const input = info.querySelector('input[name="id"]');
    input.value = variant.id;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    const html = new DOMParser().parseFromString('<div id="price-' + info.dataset.section + '"></div>', 'text/html');
    publish(PUB_SUB_EVENTS.variantChange, { data: { sectionId: info.dataset.section, html, variant } });
  });
});`;

/** Registers the Shopify pages (block in a Dawn-like product section; the app embed) on `host`. */
export async function registerShopifyPages(host: Host) {
  const product = fakeProduct(host.url);
  const sectionId = 'template--2208__main';
  // The shop is 127.0.0.1; its "CDN" is localhost on the same port: another origin.
  const cdn = host.url.replace('127.0.0.1', 'localhost');
  const block = await renderBlock('fitting-room', product, { label: 'Try it on' }, cdn);
  const embed = await renderBlock('fitting-room-embed', product, { label: 'Try it on', position: 'right' }, cdn);
  host.page('/cdn/shop/t/1/assets/pubsub.js', { html: DAWN_PUBSUB, type: 'text/javascript' });
  host.page('/cdn/shop/t/1/assets/product-info.js', { html: DAWN_PRODUCT_INFO, type: 'text/javascript' });
  host.page(`${ASSETS_PATH}fitting-room.css`, { html: readFileSync(`${EXTENSION}assets/fitting-room.css`, 'utf8'), type: 'text/css' });

  const variantJson = product.variants.map((variant) => ({
    id: variant.id,
    title: variant.title,
    available: true,
    featured_media: { id: variant.id + 100, preview_image: { src: `${variant.featured_media.preview_image.src}?width=1500` } },
  }));
  const page = (body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Everyday Tee – Shop</title>
<meta property="og:image" content="http:${product.featured_media.preview_image.src}">
<script src="/cdn/shop/t/1/assets/pubsub.js" defer></script>
<script src="/cdn/shop/t/1/assets/product-info.js" defer></script>
<!-- Shopify puts an app block's schema "stylesheet" in the head. -->
<link rel="stylesheet" href="${cdn}${ASSETS_PATH}fitting-room.css">
<style>${RESERVE_RULE} body { margin: 0; font-family: Assistant, sans-serif; } .page-width { padding: 24px; }</style>
</head>
<body>
${body}
</body>
</html>`;
  const section = (appBlock: string) => `<div id="shopify-section-${sectionId}" class="shopify-section">
  <section class="page-width">
    <product-info id="ProductInfo-${sectionId}" data-section="${sectionId}" data-url="/products/everyday-tee">
      <h1>Everyday Tee</h1>
      <variant-selects data-section="${sectionId}">
        <fieldset><legend>Color</legend>
          ${product.variants.map((variant, index) => `<label><input type="radio" name="Color" value="${variant.title}" ${index === 0 ? 'checked' : ''}> ${variant.title}</label>`).join('\n          ')}
        </fieldset>
        <script type="application/json">${JSON.stringify(variantJson)}</script>
      </variant-selects>
      <form method="post" action="/cart/add" id="product-form-${sectionId}" class="form">
        <input type="hidden" name="id" value="4001" class="product-variant-id">
        <button type="submit" name="add">Add to cart</button>
      </form>
      ${appBlock}
    </product-info>
  </section>
</div>`;

  host.page('/products/everyday-tee', page(section(block)));
  host.page('/products/everyday-tee-embed', page(`${section('')}\n<!-- app embeds render before </body> -->\n${embed}`));
  return { product, sectionId, block, embed };
}
