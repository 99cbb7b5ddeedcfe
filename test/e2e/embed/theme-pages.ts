/**
 * Product pages that behave like two current Shopify themes, written from Shopify's public
 * documentation and the themes' public behaviour (nothing copied):
 *
 * - Horizon 4: picking an option sets the product form's `input[name=id]` by property (no
 *   `change` event) and dispatches Shopify's standard `shopify:product:select` from the variant
 *   picker: the product on the event (a GID), the variant from `event.promise`.
 * - Dawn with a combined listing: each colour is its own product; picking another colour fetches
 *   that product's section (`?section_id=`), swaps the whole `<product-info>` in, and replaces the
 *   address. `ShopifyAnalytics.meta` keeps naming the page's first product.
 *
 * The widget is a bare `<fitting-room endpoint="/fitting-room">`: everything else is discovered.
 */
import type { Host } from './host.js';
import { RESERVE_RULE } from './pages.js';

const HORIZON_THEME = `
document.querySelectorAll('variant-picker').forEach((picker) => {
  const variants = JSON.parse(picker.querySelector('script[type="application/json"]').textContent).variants;
  const product = picker.closest('product-form-component');
  picker.addEventListener('change', (event) => {
    const variant = variants.find((item) => item.title === event.target.value);
    product.querySelector('input[name="id"]').value = variant.id;
    const gid = (type, id) => 'gid://shopify/' + type + '/' + id;
    const select = new Event('shopify:product:select', { bubbles: true });
    Object.assign(select, {
      product: { id: gid('Product', product.dataset.productId), title: 'Wool Coat', handle: 'wool-coat' },
      selectedOptions: [{ name: 'Color', value: variant.title }],
      // The theme looks the variant up after the change.
      promise: new Promise((resolve) => setTimeout(() => resolve({ variant: { id: gid('ProductVariant', variant.id), title: variant.title, availableForSale: true, price: { amount: '180.00', currencyCode: 'EUR' }, selectedOptions: [{ name: 'Color', value: variant.title }] } }), 20)),
    });
    picker.dispatchEvent(select);
  });
});`;

const DAWN_COMBINED_LISTING = `
document.addEventListener('change', async (event) => {
  const url = event.target.dataset.productUrl;
  if (!url) return;
  const info = event.target.closest('product-info');
  const response = await fetch(url + '?section_id=' + info.dataset.section);
  const html = new DOMParser().parseFromString(await response.text(), 'text/html');
  info.replaceWith(document.importNode(html.querySelector('product-info'), true));
  history.replaceState({}, '', url);
});`;

const page = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>${RESERVE_RULE} body { margin: 0; font-family: Assistant, sans-serif; } main { padding: 24px; }</style>
${head}
<script type="module" src="/widget/fitting-room.js"></script>
</head>
<body><main>${body}</main></body>
</html>`;

export function registerThemePages(host: Host) {
  const image = (name: string) => `${host.url}/images/${name}`;
  host.page('/themes/horizon.js', { html: HORIZON_THEME, type: 'text/javascript' });
  host.page('/themes/dawn-combined-listing.js', { html: DAWN_COMBINED_LISTING, type: 'text/javascript' });
  host.image('/cdn/shop/files/coat-navy.png', 'tee-navy.png');
  host.image('/cdn/shop/files/coat-camel.png', 'dress-ochre.png');

  const coat = {
    id: 7001,
    variants: [
      { id: 7101, title: 'Navy', featured_media: { preview_image: { src: `${host.url}/cdn/shop/files/coat-navy.png` } } },
      { id: 7102, title: 'Camel', featured_media: { preview_image: { src: `${host.url}/cdn/shop/files/coat-camel.png` } } },
    ],
  };
  host.page(
    '/horizon/products/wool-coat',
    page(
      'Wool Coat – Horizon',
      `<script>window.Shopify = { routes: { root: '/' } };</script><script src="/themes/horizon.js" defer></script>`,
      `<product-form-component data-product-id="7001">
  <h1>Wool Coat</h1>
  <variant-picker>
    <fieldset><legend>Color</legend>${coat.variants.map((variant, index) => `<label><input type="radio" name="Color" value="${variant.title}" ${index ? '' : 'checked'}> ${variant.title}</label>`).join('')}</fieldset>
    <script type="application/json">${JSON.stringify(coat)}</script>
  </variant-picker>
  <form action="/cart/add" method="post"><input type="hidden" name="id" value="7101"><button type="submit">Add to cart</button></form>
  <fitting-room endpoint="/fitting-room" category="outerwear"></fitting-room>
</product-form-component>`,
    ),
  );

  // Dawn, combined listing: the navy dress and the green top are two products of one listing.
  const products = [
    { id: 8001, handle: 'wrap-dress-navy', name: 'Wrap Dress', colour: 'Navy', variant: 8101, image: image('tee-navy.png') },
    { id: 8002, handle: 'wrap-top-green', name: 'Wrap Top', colour: 'Green', variant: 8201, image: image('tee-green.png') },
  ];
  const productInfo = (
    product: (typeof products)[number],
  ) => `<product-info id="ProductInfo-main" data-section="main" data-product-id="${product.id}" data-url="/dawn/products/${product.handle}">
  <script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@type': 'ProductGroup', name: product.name, productGroupID: String(product.id) })}</script>
  <h1>${product.name}</h1>
  <fieldset><legend>Color</legend>${products.map((other) => `<label><input type="radio" name="Color" value="${other.colour}" data-product-url="/dawn/products/${other.handle}" ${other === product ? 'checked' : ''}> ${other.colour}</label>`).join('')}</fieldset>
  <variant-selects data-section="main"><script type="application/json">${JSON.stringify([{ id: product.variant, title: product.colour, featured_media: { preview_image: { src: product.image } } }])}</script></variant-selects>
  <form action="/cart/add" method="post" class="form"><input type="hidden" name="id" value="${product.variant}"><input type="hidden" name="product-id" value="${product.id}"><button type="submit" name="add">Add to cart</button></form>
  <fitting-room endpoint="/fitting-room"></fitting-room>
</product-info>`;
  for (const product of products) {
    host.page(
      `/dawn/products/${product.handle}`,
      page(
        `${product.name} – Dawn`,
        `<meta property="og:image" content="${product.image}">
<script>window.ShopifyAnalytics = { meta: { product: { id: ${product.id}, type: '${product.name === 'Wrap Dress' ? 'Dresses' : 'Tops'}' }, selectedVariantId: '${product.variant}' } };</script>
<script src="/themes/dawn-combined-listing.js" defer></script>`,
        `<div id="shopify-section-main" class="shopify-section">${productInfo(product)}</div>`,
      ),
    );
  }
}
