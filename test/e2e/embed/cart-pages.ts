/**
 * Shops whose cart the native "Add to cart" fills, written from the platforms' public documents
 * and the themes' public behaviour (nothing copied):
 *
 * - a Dawn-family Shopify product page: `window.Shopify.routes`, a header cart bubble
 *   (`#cart-icon-bubble`) and a `<cart-notification>` that, like Dawn's, names the sections it
 *   wants (`getSectionsToRender`) and shows them (`renderContents`). Its Ajax Cart API
 *   (`/cart/add.js`, `/cart.js`) answers as Shopify documents it: the line item with the
 *   requested `sections`, or 422 with a `description` for a sold-out variant.
 * - a WooCommerce product page: `wc_add_to_cart_params` and jQuery, with a mini-cart that, like
 *   WooCommerce's add-to-cart script, replaces the fragments handed over with `added_to_cart`;
 *   its `?wc-ajax=add_to_cart` answers `{fragments, cart_hash}` or `{error: true, product_url}`.
 */
import type { Host } from './host.js';
import { RESERVE_RULE } from './pages.js';

export const SOLD_OUT_VARIANT = '4003';
/** A variant of which the cart already holds all the shop sells. */
export const LIMITED_VARIANT = '4004';

/** Dawn's cart notification in short: asks for its sections, shows them, opens. */
const CART_NOTIFICATION = `
customElements.define('cart-notification', class extends HTMLElement {
  getSectionsToRender() {
    return [{ id: 'cart-notification-product', selector: '[id="cart-notification-product-' + this.cartItemKey + '"]' }, { id: 'cart-icon-bubble', selector: '.shopify-section' }];
  }
  renderContents(state) {
    // Like Dawn's: the added line's key picks its part of the product section.
    this.cartItemKey = state.key;
    for (const section of this.getSectionsToRender()) {
      const html = new DOMParser().parseFromString(state.sections[section.id], 'text/html');
      document.getElementById(section.id).innerHTML = html.querySelector(section.selector).innerHTML;
    }
    this.classList.add('active');
  }
});
window.cartEvents = [];
document.addEventListener('shopify:cart:lines-update', (event) => {
  event.promise.then((result) => window.cartEvents.push({ action: event.action, lines: event.lines, totalQuantity: result.cart && result.cart.totalQuantity }));
});`;

/** jQuery as far as WooCommerce's mini-cart needs it, and the fragment refresh its add-to-cart script does on `added_to_cart`. */
const WOO_MINI_CART = `
(() => {
  const handlers = new Map();
  window.jQuery = (target) => ({
    on(type, handler) { handlers.set(type, [...(handlers.get(type) || []), { target, handler }]); return this; },
    trigger(type, data = []) { for (const entry of handlers.get(type) || []) if (entry.target === target) entry.handler({ type, target }, ...data); return this; },
  });
  document.addEventListener('DOMContentLoaded', () => {
    jQuery(document.body).on('added_to_cart', (event, fragments) => {
      for (const [selector, html] of Object.entries(fragments || {})) {
        const old = document.querySelector(selector);
        if (old) old.outerHTML = html;
      }
    });
  });
})();`;

const shell = (title: string, head: string, body: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<style>${RESERVE_RULE} body { margin: 0; font-family: Assistant, sans-serif; } header, main { padding: 16px 24px; } cart-notification:not(.active) { display: none; }</style>
${head}
<script type="module" src="/widget/fitting-room.js"></script>
</head>
<body>
${body}
</body>
</html>`;

export interface CartRequests {
  shopify: unknown[];
  woo: Record<string, string>[];
}

/**
 * A theme that configured Shopify's standard `updateCart` action: it adds the lines
 * itself and updates its cart count; `isDefault()` is false. Calls are recorded in `window.updateCartCalls`.
 */
const CONFIGURED_ACTIONS = `
window.updateCartCalls = [];
const updateCart = async (payload) => {
  window.updateCartCalls.push(payload);
  const line = payload.lines[0];
  if (line.merchandiseId.endsWith('/${SOLD_OUT_VARIANT}')) return { cart: null, userErrors: [{ code: 'MERCHANDISE_OUT_OF_STOCK', field: ['lines'], message: 'The product is already sold out.' }] };
  const count = document.querySelector('.cart-count-bubble');
  count.textContent = String(Number(count.textContent) + line.quantity);
  return { cart: { id: 'gid://shopify/Cart/c1', totalQuantity: Number(count.textContent) }, userErrors: [] };
};
updateCart.isDefault = () => false;
window.Shopify = { shop: 'fitting-room-test.myshopify.com', routes: { root: '/' }, actions: { updateCart } };`;

export function registerCartPages(host: Host): CartRequests {
  const requests: CartRequests = { shopify: [], woo: [] };
  const image = `${host.url}/images/tee-navy.png`;
  let shopifyCount = 0;
  const section = (id: string, inner: string) => `<div id="shopify-section-${id}" class="shopify-section">${inner}</div>`;

  host.page('/cdn/shop/t/2/assets/cart-notification.js', { html: CART_NOTIFICATION, type: 'text/javascript' });
  host.page('/cdn/shop/t/3/assets/actions.js', { html: CONFIGURED_ACTIONS, type: 'text/javascript' });
  host.page(
    '/products/wool-coat',
    shell(
      'Wool Coat – a theme with configured actions',
      '<script src="/cdn/shop/t/3/assets/actions.js"></script>',
      `<header><a href="/cart" id="cart-icon-bubble">Cart <span class="cart-count-bubble">0</span></a></header>
<main><h1>Wool Coat</h1>
  <fitting-room endpoint="/fitting-room" garment="${image}" category="outerwear" product-id="9003" variant-id="4002"></fitting-room>
</main>`,
    ),
  );
  host.page('/products/wool-coat.js', {
    html: JSON.stringify({ id: 9003, title: 'Wool Coat', type: 'Coats', featured_image: image, variants: [{ id: 4002, featured_image: { src: image } }] }),
    type: 'application/json',
  });
  host.page(
    '/products/linen-shirt',
    shell(
      'Linen Shirt – Dawn',
      `<script>window.Shopify = { shop: 'fitting-room-test.myshopify.com', routes: { root: '/' } };</script>
<script src="/cdn/shop/t/2/assets/cart-notification.js" defer></script>`,
      `<header><a href="/cart" id="cart-icon-bubble">Cart <span class="cart-count-bubble">0</span></a>
  <cart-notification><div id="cart-notification-product"></div></cart-notification></header>
<main><h1>Linen Shirt</h1>
  <form method="post" action="/cart/add"><input type="hidden" name="id" value="4002"><button type="submit" name="add">Add to cart</button></form>
  <fitting-room endpoint="/fitting-room" garment="${image}" category="top" product-id="9002" variant-id="4002"></fitting-room>
</main>`,
    ),
  );
  host.page(
    '/products/linen-trousers',
    shell(
      'Linen Trousers – Dawn',
      `<script>window.Shopify = { shop: 'fitting-room-test.myshopify.com', routes: { root: '/' } };</script>
<script src="/cdn/shop/t/2/assets/cart-notification.js" defer></script>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"Product","name":"Linen Trousers","offers":{"@type":"Offer","price":"59.00","priceCurrency":"EUR"}}</script>`,
      `<header><a href="/cart" id="cart-icon-bubble">Cart <span class="cart-count-bubble">0</span></a>
  <cart-notification><div id="cart-notification-product"></div></cart-notification></header>
<main><h1>Linen Trousers</h1>
  <fitting-room endpoint="/fitting-room" garment="${host.url}/images/tee-green.png" category="bottom" product-id="9005" variant-id="4005"></fitting-room>
</main>`,
    ),
  );
  host.page('/products/linen-trousers.js', {
    html: JSON.stringify({ id: 9005, title: 'Linen Trousers', type: 'Trousers', featured_image: `${host.url}/images/tee-green.png`, variants: [{ id: 4005, available: true }] }),
    type: 'application/json',
  });
  host.post('/cart/add.js', async (request) => {
    // Shopify's Ajax API takes a form post (as a theme's product form sends it) or JSON; JSON may carry several `items`.
    if (request.headers.get('content-type')?.startsWith('application/json')) {
      const body = (await request.json()) as { items: { id: string | number; quantity?: number }[]; sections?: string[]; sections_url?: string };
      requests.shopify.push(body);
      const items = body.items.map((item) => ({ id: Number(item.id), quantity: Number(item.quantity ?? 1), key: `${item.id}:abc` }));
      shopifyCount += items.reduce((sum, item) => sum + item.quantity, 0);
      const sections = Object.fromEntries(
        (body.sections ?? []).map((id) => [id, id === 'cart-icon-bubble' ? section(id, `Cart <span class="cart-count-bubble">${shopifyCount}</span>`) : null]),
      );
      return Response.json({ items, sections });
    }
    const form = await request.formData();
    const body = Object.fromEntries([...form].map(([key, value]) => [key, String(value)]));
    requests.shopify.push(body);
    const item = { id: Number(body.id), quantity: Number(body.quantity ?? 1) };
    if (String(item.id) === SOLD_OUT_VARIANT) {
      // In the shop's language (a German shop here): the widget asks the product's availability rather than reading it.
      return Response.json({ status: 422, message: 'Cart Error', description: 'Das Produkt „Linen Shirt - Green“ ist bereits ausverkauft.' }, { status: 422 });
    }
    if (String(item.id) === LIMITED_VARIANT) {
      return Response.json({ status: 422, message: 'Cart Error', description: 'All 1 Linen Shirt - Blue are in your cart.' }, { status: 422 });
    }
    shopifyCount += item.quantity;
    const key = `${item.id}:abc`;
    const sections = Object.fromEntries(
      (body.sections ?? '')
        .split(',')
        .filter(Boolean)
        .map((id) => [
          id,
          id === 'cart-icon-bubble'
            ? section(id, `Cart <span class="cart-count-bubble">${shopifyCount}</span>`)
            : section(id, `<div id="cart-notification-product-${key}"><p class="added">Linen Shirt – Red</p></div>`),
        ]),
    );
    return Response.json({ id: item.id, key, quantity: item.quantity, title: 'Linen Shirt - Red', sections });
  });
  // Discovery asks Shopify's product endpoint for the variants' images, as on a real shop.
  host.page('/products/linen-shirt.js', {
    html: JSON.stringify({
      id: 9002,
      title: 'Linen Shirt',
      type: 'Shirts',
      featured_image: image,
      variants: [
        { id: 4002, available: true, featured_image: { src: image } },
        { id: 4003, available: false, featured_image: { src: image } },
        { id: 4004, available: true, featured_image: { src: image } },
      ],
    }),
    type: 'application/json',
  });
  host.page('/cart.js', {
    html: JSON.stringify({ token: 'c1-test', item_count: 1, total_price: 4500, currency: 'EUR', items: [{ key: '4002:abc', quantity: 1, final_line_price: 4500 }] }),
    type: 'application/json',
  });

  host.page('/woo/wp-includes/js/jquery/jquery.min.js', { html: WOO_MINI_CART, type: 'text/javascript' });
  host.page(
    '/woo/product/everyday-tee/',
    shell(
      'Everyday Tee – WooCommerce',
      `<script src="/woo/wp-includes/js/jquery/jquery.min.js"></script>
<script>var wc_add_to_cart_params = {"ajax_url":"\\/wp-admin\\/admin-ajax.php","wc_ajax_url":"\\/woo\\/?wc-ajax=%%endpoint%%","i18n_view_cart":"View cart","cart_url":"\\/woo\\/cart\\/","is_cart":"","cart_redirect_after_add":"no"};</script>`,
      `<header><div class="widget_shopping_cart_content"><p class="woocommerce-mini-cart__empty-message">No products in the cart.</p></div></header>
<main><div id="product-42" class="product type-product post-42 product_cat-t-shirts product-type-variable">
  <h1 class="product_title entry-title">Everyday Tee</h1>
  <form class="variations_form cart" method="post" data-product_id="42"><input type="hidden" name="variation_id" class="variation_id" value="43"></form>
  <fitting-room endpoint="/fitting-room" garment="${host.url}/images/tee-red.png" category="top" product-id="42" variant-id="43"></fitting-room>
</div></main>`,
    ),
  );
  // A variable product whose variation the shopper has not chosen yet: WooCommerce refuses its parent.
  host.page(
    '/woo/product/hoodie/',
    shell(
      'Hoodie – WooCommerce',
      `<script src="/woo/wp-includes/js/jquery/jquery.min.js"></script>
<script>var wc_add_to_cart_params = {"wc_ajax_url":"\\/woo\\/?wc-ajax=%%endpoint%%","cart_url":"\\/woo\\/cart\\/"};</script>`,
      `<main><div id="product-50" class="product type-product post-50 product-type-variable">
  <h1 class="product_title entry-title">Hoodie</h1>
  <form class="variations_form cart" method="post" data-product_id="50"><input type="hidden" name="variation_id" class="variation_id" value=""></form>
  <fitting-room endpoint="/fitting-room" garment="${host.url}/images/tee-green.png" category="top" product-id="50"></fitting-room>
</div></main>`,
    ),
  );
  host.post('/woo/', async (request) => {
    if (new URL(request.url).searchParams.get('wc-ajax') !== 'add_to_cart') return new Response('0', { status: 400 });
    const form = Object.fromEntries(new URLSearchParams(await request.text()));
    requests.woo.push(form);
    if (form.product_id === '50') return Response.json({ error: true, product_url: '/woo/product/hoodie/' });
    return Response.json({
      fragments: { 'div.widget_shopping_cart_content': '<div class="widget_shopping_cart_content"><p class="mini-cart-count">1 item: Everyday Tee – Red</p></div>' },
      cart_hash: 'f00d',
    });
  });
  return requests;
}
